//! `luckee events sync [--db URL] [--from HEIGHT] [--to HEIGHT]` — archives every tx that
//! touched one of the deployment's contracts (failed ones included) with its messages and wasm
//! events into the archive ([`crate::events`]), block by block from the CometBFT RPC
//! (`/block` + `/block_results`, so a node without a tx indexer works too).
//!
//! Resumable: it starts after the archive's cursor (else `--from`, else the incentive's
//! instantiate height), and each height's rows and the cursor are written in one transaction.
//! Exit codes: 0 done; 2 bad `--db`, no deployment, a pruned height (naming the node's earliest
//! block), an archive of another chain-id; 4 node or database unreachable.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Context;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::events::decode::decode_tx;
use crate::events::Archive;
use crate::ui::Report;

/// `luckee events …`
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Archive every tx of the deployment's contracts (failed ones too) with its messages and
    /// wasm events, from the archive's cursor (or --from) to --to (default: the latest block).
    Sync(SyncArgs),
}

/// Flags of `events sync`.
#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// The archive: `sqlite:PATH` (default `sqlite:<state dir>/<chain-id>.events.sqlite`) or
    /// `postgres://USER[:PASSWORD]@HOST:PORT/DB`.
    #[arg(long, env = "LUCKEE_EVENTS_DB", value_name = "URL")]
    pub db: Option<String>,
    /// First height to archive when the archive has no cursor yet (default: the incentive's
    /// instantiate height, else 1).
    #[arg(long, value_name = "HEIGHT", value_parser = clap::value_parser!(u64).range(1..))]
    pub from: Option<u64>,
    /// Last height to archive (default: the latest).
    #[arg(long, value_name = "HEIGHT", value_parser = clap::value_parser!(u64).range(1..))]
    pub to: Option<u64>,
}

/// Result of `events sync`.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    /// Chain-id.
    pub chain_id: String,
    /// The archive (password hidden).
    pub db: String,
    /// First and last height archived by this run (`None` when there was nothing to do).
    pub heights: Option<(u64, u64)>,
    /// Txs archived by this run.
    pub txs: u64,
    /// Of which failed.
    pub failed_txs: u64,
    /// Wasm events archived by this run.
    pub events: u64,
    /// Rows in the archive afterwards: txs, messages, events.
    pub totals: (i64, i64, i64),
    /// Wall time, seconds.
    pub seconds: f64,
}

impl Report for SyncReport {
    fn text(&self) -> String {
        let range = match self.heights {
            Some((a, b)) => format!("heights {a}..={b}"),
            None => "nothing new".into(),
        };
        format!(
            "events of {} archived into {}: {range}, {} txs ({} failed), {} events in {:.2} s\narchive: {} txs, {} messages, {} events\n",
            self.chain_id,
            self.db,
            self.txs,
            self.failed_txs,
            self.events,
            self.seconds,
            self.totals.0,
            self.totals.1,
            self.totals.2
        )
    }
}

/// Runs one `events` subcommand.
pub async fn run(ctx: &Context, cmd: EventsCommand) -> Result<()> {
    match cmd {
        EventsCommand::Sync(a) => sync(ctx, &a).await,
    }
}

/// The default archive of `ctx`: `sqlite:<state dir>/<chain-id>.events.sqlite`.
pub fn default_db(ctx: &Context) -> String {
    let path: PathBuf = ctx
        .cwd
        .join(&ctx.plan.state_dir)
        .join(format!("{}.events.sqlite", ctx.net.chain_id));
    format!("sqlite:{}", path.display())
}

async fn sync(ctx: &Context, a: &SyncArgs) -> Result<()> {
    let started = Instant::now();
    let dir = ctx.cwd.join(&ctx.plan.state_dir);
    let url = match &a.db {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
            default_db(ctx)
        }
    };
    let archive = Archive::open(&url).await?;
    let state = crate::state::read_snapshot(&dir, &ctx.net.chain_id)?.ok_or_else(|| {
        Error::usage(format!(
            "no deployment recorded in {} for chain-id {}: nothing to archive",
            dir.display(),
            ctx.net.chain_id
        ))
    })?;
    let ours: BTreeSet<String> = ContractKind::ALL
        .iter()
        .filter_map(|k| state.address_of(*k).map(str::to_string))
        .collect();
    if ours.is_empty() {
        return Err(Error::usage("no contract recorded in the deployment state"));
    }
    let client = ctx.connect().await?;
    let latest = client.status().await?.height;
    let to = a.to.unwrap_or(latest).min(latest);
    let from = match archive.cursor(&ctx.net.chain_id).await? {
        Some(h) => h + 1,
        None => a
            .from
            .or_else(|| {
                state
                    .contracts
                    .get(&ContractKind::Incentive)
                    .and_then(|c| c.height)
            })
            .unwrap_or(1),
    };
    let mut report = SyncReport {
        chain_id: ctx.net.chain_id.clone(),
        db: archive.shown.clone(),
        heights: None,
        txs: 0,
        failed_txs: 0,
        events: 0,
        totals: (0, 0, 0),
        seconds: 0.0,
    };
    for height in from..=to {
        let block = client.block_txs(height).await?;
        let archived: Vec<_> = block
            .txs
            .iter()
            .enumerate()
            .filter_map(|(i, (bytes, result))| {
                decode_tx(bytes, result, height, &block.time, i as u32, &ours)
            })
            .collect();
        report.txs += archived.len() as u64;
        report.failed_txs += archived.iter().filter(|t| t.code != 0).count() as u64;
        report.events += archived.iter().map(|t| t.events.len() as u64).sum::<u64>();
        archive.record(&ctx.net.chain_id, height, &archived).await?;
        report.heights = Some((from, height));
    }
    report.totals = archive.counts().await?;
    report.seconds = started.elapsed().as_secs_f64();
    ctx.print(&report);
    Ok(())
}
