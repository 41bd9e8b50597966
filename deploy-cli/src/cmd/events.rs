//! `luckee events …` — the event archive ([`crate::events`]):
//! - `sync [--db URL] [--from HEIGHT] [--to HEIGHT | --follow]` archives every tx that touched
//!   one of the deployment's contracts (failed ones included) with its messages and wasm
//!   events, from the CometBFT RPC: `/blockchain` block metas (20 heights per call) find the
//!   blocks with txs, whose `/block` + `/block_results` are then fetched (so a node without a
//!   tx indexer works too), `--concurrency` requests at a time, and written 200 heights per
//!   database transaction together with the cursor;
//! - `stats [--since DAY | --day DAY] [--metrics-file PATH]` prints the seed's business
//!   metrics per UTC day ([`crate::events::stats`]) and writes the all-time counters the
//!   seed's failure-rate alerts use;
//! - `prune --older-than AGE` deletes old rows in batches, keeping the all-time counters.
//!
//! Resumable: `sync` starts after the archive's cursor (else `--from`, else the incentive's
//! instantiate height); a killed run resumes there with no gap and no duplicate.
//! Exit codes: 0 done (also after SIGTERM/SIGINT in `--follow`, once the current batch is
//! written); 2 bad flags or `--db`, an unwritable SQLite path, no deployment, an archive of
//! another chain-id; 4 node or database unreachable, or a height the node pruned (naming its
//! earliest block and the `--from` that starts there); 6 `--metrics-file` not writable.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use cosmwasm_std::Uint128;
use futures::{stream, StreamExt, TryStreamExt};
use serde::Serialize;

use super::Context;
use crate::chain::blocks::METAS_PER_CALL;
use crate::chain::ChainClient;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::events::decode::{decode_tx, ArchivedTx};
use crate::events::stats::{parse_day, prune_cutoff, Counters};
use crate::events::Archive;
use crate::state::DeploymentState;
use crate::ui::Report;

/// Default heights written per database transaction (with the cursor), `events sync --batch`.
pub const HEIGHTS_PER_BATCH: u64 = 200;

/// `luckee events …`
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Archive every tx of the deployment's contracts (failed ones too) with its messages and
    /// wasm events, from the archive's cursor (or --from) to --to (default: the latest block),
    /// or keep following new blocks with --follow.
    Sync(SyncArgs),
    /// The seed's business metrics per UTC day from the archive: reward distributions, activity
    /// and exchange success rates, average reward, failed txs.
    Stats(StatsArgs),
    /// Delete archived rows of blocks older than --older-than (whole UTC days), in batches; the
    /// cursor and the all-time counters stay.
    Prune(PruneArgs),
}

/// `--db` of every `events` subcommand.
#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// The archive: `sqlite:PATH` (default `sqlite:<state dir>/<chain-id>.events.sqlite`) or
    /// `postgres://USER[:PASSWORD]@HOST:PORT/DB` (prefer `LUCKEE_EVENTS_DB` or a `.pgpass` file
    /// to a password on the command line).
    #[arg(
        long,
        env = "LUCKEE_EVENTS_DB",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub db: Option<String>,
}

/// Flags of `events sync`.
#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// The archive.
    #[command(flatten)]
    pub db: DbArg,
    /// First height to archive when the archive has no cursor yet (default: the incentive's
    /// instantiate height, else 1).
    #[arg(long, value_name = "HEIGHT", value_parser = clap::value_parser!(u64).range(1..))]
    pub from: Option<u64>,
    /// Last height to archive (default: the latest).
    #[arg(long, value_name = "HEIGHT", value_parser = clap::value_parser!(u64).range(1..), conflicts_with = "follow")]
    pub to: Option<u64>,
    /// After catching up, keep archiving new blocks until SIGTERM/SIGINT (which finish the
    /// current batch and exit 0).
    #[arg(long)]
    pub follow: bool,
    /// With --follow, how often to look for new blocks.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = humantime::parse_duration)]
    pub poll: Duration,
    /// RPC requests in flight at once per batch (the next batch is fetched while one is
    /// written, so up to twice this).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Heights written per database transaction (with the cursor).
    #[arg(long, value_name = "HEIGHTS", default_value_t = HEIGHTS_PER_BATCH, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub batch: u64,
}

/// Flags of `events stats`.
#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    /// The archive.
    #[command(flatten)]
    pub db: DbArg,
    /// Only days from this UTC day on (YYYY-MM-DD).
    #[arg(long, value_name = "DAY", conflicts_with = "day")]
    pub since: Option<String>,
    /// Only this UTC day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    pub day: Option<String>,
    /// Also write the all-time counters (reward_distribution_failures_total, …) for
    /// node_exporter's textfile collector (atomic, mode 0644).
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,
}

/// Flags of `events prune`.
#[derive(Debug, Clone, Args)]
pub struct PruneArgs {
    /// The archive.
    #[command(flatten)]
    pub db: DbArg,
    /// Age of the oldest block kept, e.g. `180d` (seed 001: six months); whole UTC days are
    /// deleted.
    #[arg(long, value_name = "AGE", value_parser = humantime::parse_duration)]
    pub older_than: Duration,
    /// Txs deleted per database transaction (rounded up to whole heights).
    #[arg(long, value_name = "N", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,
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
    /// Whether a signal stopped the run (everything up to `heights.1` is written).
    pub interrupted: bool,
    /// Wall time, seconds.
    pub seconds: f64,
    /// Heights per second over the run.
    pub blocks_per_second: f64,
}

impl Report for SyncReport {
    fn text(&self) -> String {
        let range = match self.heights {
            Some((a, b)) => format!("heights {a}..={b}"),
            None => "nothing new".into(),
        };
        format!(
            "events of {} archived into {}: {range}, {} txs ({} failed), {} events in {:.2} s ({:.0} blocks/s){}\narchive: {} txs, {} messages, {} events\n",
            self.chain_id,
            self.db,
            self.txs,
            self.failed_txs,
            self.events,
            self.seconds,
            self.blocks_per_second,
            if self.interrupted { ", stopped by a signal" } else { "" },
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
        EventsCommand::Stats(a) => stats(ctx, &a).await,
        EventsCommand::Prune(a) => prune(ctx, &a).await,
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

/// Opens `--db` (or the default archive, creating the state dir for it).
pub async fn open_archive(ctx: &Context, db: &DbArg) -> Result<Archive> {
    let url = match &db.db {
        Some(u) => u.clone(),
        None => {
            let dir = ctx.cwd.join(&ctx.plan.state_dir);
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
            default_db(ctx)
        }
    };
    Archive::open(&url).await
}

/// The recorded deployment and the addresses of its contracts. Errors: exit 2 without one.
fn deployment(ctx: &Context) -> Result<(DeploymentState, BTreeSet<String>)> {
    let dir = ctx.cwd.join(&ctx.plan.state_dir);
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
    Ok((state, ours))
}

/// The incentive's address in `state`. Errors: exit 2 when none is recorded.
fn incentive_of(state: &DeploymentState) -> Result<String> {
    state
        .address_of(ContractKind::Incentive)
        .map(str::to_string)
        .ok_or_else(|| Error::usage("no incentive contract recorded in the deployment state"))
}

/// The height ranges of one run, `size` heights each (pure).
pub fn batches(from: u64, to: u64, size: u64) -> Vec<(u64, u64)> {
    if from > to {
        return vec![];
    }
    let mut out = vec![];
    let mut a = from;
    loop {
        let b = to.min(a.saturating_add(size.max(1) - 1));
        out.push((a, b));
        if b == to {
            return out;
        }
        a = b + 1;
    }
}

/// Fetches and decodes heights `a..=b`: block metas `METAS_PER_CALL` heights per call, then the
/// blocks that hold txs, `concurrency` requests at a time, in height order.
async fn fetch_batch(
    client: &ChainClient,
    (a, b): (u64, u64),
    ours: &BTreeSet<String>,
    concurrency: usize,
) -> Result<Vec<ArchivedTx>> {
    let chunks: Vec<(u64, u64)> = (a..=b)
        .step_by(METAS_PER_CALL as usize)
        .map(|x| (x, b.min(x + METAS_PER_CALL - 1)))
        .collect();
    let heights: Vec<u64> = stream::iter(chunks)
        .map(|(x, y)| client.tx_heights(x, y))
        .buffered(concurrency)
        .try_concat()
        .await?;
    stream::iter(heights)
        .map(|h| client.block_txs(h))
        .buffered(concurrency)
        .map_ok(|block| {
            block
                .txs
                .iter()
                .enumerate()
                .filter_map(|(i, (bytes, result))| {
                    decode_tx(bytes, result, block.height, &block.time, i as u32, ours)
                })
                .collect::<Vec<_>>()
        })
        .try_concat()
        .await
}

async fn sync(ctx: &Context, a: &SyncArgs) -> Result<()> {
    let started = Instant::now();
    let archive = open_archive(ctx, &a.db).await?;
    let (state, ours) = deployment(ctx)?;
    let client = ctx.connect().await?;
    let (stop_tx, mut stop) = tokio::sync::watch::channel(false);
    super::watch_signals(stop_tx, "the current batch")?;
    let concurrency = usize::from(a.concurrency);
    let mut from = match archive.cursor(&ctx.net.chain_id).await? {
        Some(h) => {
            if let Some(f) = a.from.filter(|f| *f != h + 1) {
                tracing::warn!(
                    cursor = h,
                    "--from {f} ignored: the archive resumes after its cursor (height {h}); \
                     use another --db to start elsewhere"
                );
            }
            h + 1
        }
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
        interrupted: false,
        seconds: 0.0,
        blocks_per_second: 0.0,
    };
    let first = from;
    'follow: loop {
        let status = client.status().await?;
        if from < status.earliest_height {
            return Err(client.pruned_blocks(from).await);
        }
        let to = match a.to {
            Some(t) => t.min(status.height),
            None => status.height,
        };
        let bar = ctx.ui.bar(to.saturating_sub(from) + 1, "blocks");
        let (client, ours) = (&client, &ours);
        let mut fetched = stream::iter(batches(from, to, a.batch))
            .map(|range| async move {
                fetch_batch(client, range, ours, concurrency)
                    .await
                    .map(|txs| (range, txs))
            })
            .buffered(2);
        while let Some(next) = fetched.next().await {
            let ((lo, hi), txs) = next?;
            archive.record(&ctx.net.chain_id, hi, &txs).await?;
            report.txs += txs.len() as u64;
            report.failed_txs += txs.iter().filter(|t| t.code != 0).count() as u64;
            report.events += txs.iter().map(|t| t.events.len() as u64).sum::<u64>();
            report.heights = Some((first, hi));
            bar.inc(hi - lo + 1);
            if a.follow && !txs.is_empty() {
                tracing::info!(height = hi, txs = txs.len(), "archived");
            }
            from = hi + 1;
            if *stop.borrow() {
                report.interrupted = true;
                break 'follow;
            }
        }
        bar.finish_and_clear();
        if !a.follow {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(a.poll) => {}
            _ = stop.changed() => {
                report.interrupted = true;
                break;
            }
        }
    }
    report.totals = archive.counts().await?;
    report.seconds = started.elapsed().as_secs_f64();
    if let Some((x, y)) = report.heights {
        report.blocks_per_second = (y - x + 1) as f64 / report.seconds.max(1e-9);
    }
    ctx.print(&report);
    Ok(())
}

/// One day of `events stats` (or the all-time total, with `day = "total"`).
#[derive(Debug, Clone, Serialize)]
pub struct DayReport {
    /// `YYYY-MM-DD`, or `total`.
    pub day: String,
    /// The counters (see [`crate::events::stats`] for the definitions).
    #[serde(flatten)]
    pub counters: Counters,
    /// Paid / (paid + rejected + failed activities); `null` without attempts.
    pub activity_success_rate: Option<f64>,
    /// Successful / attempted points exchanges; `null` without attempts.
    pub exchange_success_rate: Option<f64>,
    /// FT base units per paid activity (floor); `null` when nothing was paid.
    pub average_reward: Option<Uint128>,
}

impl DayReport {
    fn new(day: &str, c: &Counters) -> DayReport {
        DayReport {
            day: day.into(),
            counters: c.clone(),
            activity_success_rate: c.activity_success_rate(),
            exchange_success_rate: c.exchange_success_rate(),
            average_reward: c.average_reward(),
        }
    }
}

/// Result of `events stats`.
#[derive(Debug, Clone, Serialize)]
pub struct StatsReport {
    /// Chain-id.
    pub chain_id: String,
    /// The archive (password hidden).
    pub db: String,
    /// The incentive contract.
    pub incentive: String,
    /// Last fully archived height (`null` before the first sync).
    pub archived_to: Option<u64>,
    /// Height up to which `events prune` deleted rows (`null` if never pruned).
    pub pruned_to: Option<u64>,
    /// The selected UTC days still in the archive, oldest first.
    pub days: Vec<DayReport>,
    /// All time, pruned rows included (what `--metrics-file` writes).
    pub total: DayReport,
}

fn pct(r: Option<f64>) -> String {
    r.map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "-".into())
}

impl Report for StatsReport {
    fn text(&self) -> String {
        let mut out = format!(
            "business metrics of {} ({}) from {}, archived to height {}{}\n",
            self.incentive,
            self.chain_id,
            self.db,
            self.archived_to
                .map(|h| h.to_string())
                .unwrap_or_else(|| "- (run luckee events sync)".into()),
            self.pruned_to
                .map(|h| format!(", pruned up to {h}"))
                .unwrap_or_default()
        );
        out += &format!(
            "{:<10} {:>8} {:>14} {:>10} {:>8} {:>8} {:>10} {:>8} {:>9} {:>7} {:>8} {:>6} {:>6}\n",
            "day",
            "rewards",
            "amount",
            "avg",
            "rejected",
            "skipped",
            "failed_txs",
            "success",
            "exchanges",
            "failed",
            "success",
            "txs",
            "failed"
        );
        for d in self.days.iter().chain(std::iter::once(&self.total)) {
            let c = &d.counters;
            out += &format!(
                "{:<10} {:>8} {:>14} {:>10} {:>8} {:>8} {:>10} {:>8} {:>9} {:>7} {:>8} {:>6} {:>6}\n",
                d.day,
                c.rewards_paid,
                c.reward_amount.to_string(),
                d.average_reward
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "-".into()),
                c.activities_rejected,
                c.activities_skipped,
                c.failed_reward_txs,
                pct(d.activity_success_rate),
                c.exchanges,
                c.failed_exchanges,
                pct(d.exchange_success_rate),
                c.txs,
                c.failed_txs
            );
        }
        out
    }
}

async fn stats(ctx: &Context, a: &StatsArgs) -> Result<()> {
    let since = a.since.as_deref().map(parse_day).transpose();
    let day = a.day.as_deref().map(parse_day).transpose();
    let (since, day) = (
        since.map_err(|e| Error::usage(format!("--since: {e}")))?,
        day.map_err(|e| Error::usage(format!("--day: {e}")))?,
    );
    let archive = open_archive(ctx, &a.db).await?;
    let incentive = incentive_of(&deployment(ctx)?.0)?;
    // One consistent read: a prune committing meanwhile is wholly in or out.
    let snap = archive.snapshot(&ctx.net.chain_id, &incentive, 0).await?;
    let (cursor, pruned, all) = (snap.cursor, snap.pruned, snap.stats);
    let mut total = all.total();
    if let Some((_, carry)) = &pruned {
        total.add(carry);
    }
    let days = all
        .days
        .iter()
        .filter(|(d, _)| since.as_ref().is_none_or(|s| *d >= s))
        .filter(|(d, _)| day.as_ref().is_none_or(|x| *d == x))
        .map(|(d, c)| DayReport::new(d, c))
        .collect();
    if let Some(path) = &a.metrics_file {
        let mut m = crate::metrics::Metrics::new(&ctx.net.chain_id);
        total.export(&mut m, cursor);
        m.write(&ctx.cwd.join(path))?;
    }
    ctx.print(&StatsReport {
        chain_id: ctx.net.chain_id.clone(),
        db: archive.shown.clone(),
        incentive,
        archived_to: cursor,
        pruned_to: pruned.map(|(h, _)| h),
        days,
        total: DayReport::new("total", &total),
    });
    Ok(())
}

/// Result of `events prune`.
#[derive(Debug, Clone, Serialize)]
pub struct PruneReport {
    /// The archive (password hidden).
    pub db: String,
    /// First UTC day kept.
    pub keep_from: String,
    /// Txs deleted (with their messages and events); with --dry-run, the txs that would be.
    pub txs_deleted: u64,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Oldest block time left in the archive.
    pub oldest_left: Option<String>,
}

impl Report for PruneReport {
    fn text(&self) -> String {
        format!(
            "{} {} txs (with their messages and events) of blocks before {} from {}; oldest left: {}\n",
            if self.dry_run { "would delete" } else { "deleted" },
            self.txs_deleted,
            self.keep_from,
            self.db,
            self.oldest_left.as_deref().unwrap_or("-")
        )
    }
}

async fn prune(ctx: &Context, a: &PruneArgs) -> Result<()> {
    let archive = open_archive(ctx, &a.db).await?;
    let incentive = incentive_of(&deployment(ctx)?.0)?;
    archive.cursor(&ctx.net.chain_id).await?;
    let keep_from = prune_cutoff(crate::clock::unix_now() as i64, a.older_than);
    let txs_deleted = if ctx.dry_run {
        archive.count_before(&keep_from).await?
    } else {
        archive.prune(&incentive, &keep_from, a.batch).await?
    };
    ctx.print(&PruneReport {
        db: archive.shown.clone(),
        keep_from,
        txs_deleted,
        dry_run: ctx.dry_run,
        oldest_left: archive.oldest().await?,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_the_range_once_in_order() {
        assert_eq!(batches(5, 4, 200), vec![]);
        assert_eq!(batches(7, 7, 200), vec![(7, 7)]);
        assert_eq!(batches(1, 200, 200), vec![(1, 200)]);
        assert_eq!(batches(1, 401, 200), vec![(1, 200), (201, 400), (401, 401)]);
        assert_eq!(batches(1, 3, 1), vec![(1, 1), (2, 2), (3, 3)]);
        let all: Vec<u64> = batches(3, 1234, 200)
            .into_iter()
            .flat_map(|(a, b)| a..=b)
            .collect();
        assert_eq!(all, (3..=1234).collect::<Vec<_>>());
    }
}
