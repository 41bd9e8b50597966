//! `luckee backup [--dir ROOT] [--keep N | --max-age DURATION]` and `luckee backup verify DIR`
//! — replace the seed's `backup_luckee_incentive.sh` (which saved three smart queries and
//! `wasmd query wasm code` of a contract address, i.e. nothing restorable).
//!
//! For every contract in the deployment state (ours and `existing` ones) a directory
//! `ROOT/<chain-id>/<contract>/<UTC time>/` (layout: [`files`]) with:
//!
//! * `contract_info.json`, `code_info.json` (`ContractInfo`, `CodeInfo`), `code.wasm`
//!   (`/cosmwasm.wasm.v1.Query/Code`; its sha256 must equal the code checksum, else exit 3);
//! * the contract's smart queries: incentive `config.json`, `rules.json` (all pages),
//!   `registered_contracts.json` (all pages), `stats.json`; FT `token_info.json`,
//!   `minter.json`; our registry `config.json`, `members.json` (all pages);
//! * `state.jsonl`: **every raw key/value** (`AllContractState`, `--page-limit` per page),
//!   streamed to disk page by page, never held in memory whole;
//! * `manifest.json`, written last: chain-id, height, block time, address, code id, checksum,
//!   every file's sha256 and size, luckee version.
//!
//! Consistency: every query of the run, for every contract, is answered at one block height
//! (the latest when the run starts). Durability: each backup is built in a
//! `.incomplete-…` directory next to its final place, every file fsynced, then renamed into
//! place and the parent fsynced — a run killed at any point leaves no directory with a backup
//! name, only an `.incomplete-…` one, which the next run removes. Overlapping runs on the same
//! `ROOT/<chain-id>` are refused (exit 5) by an OS lock on `.luckee-backup.lock`.
//!
//! Retention, after a successful backup of a contract and only among its *complete* backups
//! (backup-named directories with a readable manifest): `--keep N` keeps the newest N,
//! `--max-age D` deletes those finished more than D ago (never the newest). A pruned directory
//! is first renamed to `.pruning-…`, so a crash mid-delete leaves nothing that looks complete.
//!
//! Exit codes: 0 all contracts backed up; 2 config (nothing deployed, unwritable ROOT);
//! 3 a query refused or a checksum mismatch; 4 node unreachable; 5 another backup is running.
//! With `--metrics-file`: `luckee_backup_last_success_timestamp_seconds`,
//! `luckee_backup_duration_seconds` (and size, entries, height) of each contract's newest
//! complete backup on disk (timestamp 0 when there is none), and
//! `luckee_backup_last_run_success`, also after a failed run.

pub mod files;
pub mod restore;
pub mod verify;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use clap::{Args, Subcommand};

use serde::Serialize;

use self::files::{
    complete_backups, sync_dir, FileEntry, HashedFile, Manifest, ManifestContract, StateLine,
};
use super::Context;
use crate::chain::{ChainClient, Probe};
use crate::clock::{rfc3339, unix_now};
use crate::contracts::multisig::MultisigClient;
use crate::contracts::{ContractKind, FtClient, IncentiveClient, RegistryClient};
use crate::error::{Error, Result};
use crate::metrics::{self, Metrics};
use crate::ui::{table, Report};

/// Default backup root when neither `--dir` nor `[ops] backup_dir` is set.
pub const DEFAULT_ROOT: &str = "backups";

/// Flags of `luckee backup`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    /// `verify DIR`.
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
    /// Backup root; backups go to `ROOT/<chain-id>/<contract>/<UTC time>/`. Default: `[ops]
    /// backup_dir`, else ./backups.
    #[arg(long, env = "LUCKEE_BACKUP_DIR", value_name = "ROOT")]
    pub dir: Option<PathBuf>,
    /// Keep only the newest N complete backups of each contract (N ≥ 1).
    #[arg(long, value_name = "N", conflicts_with = "max_age", value_parser = clap::value_parser!(u32).range(1..))]
    pub keep: Option<u32>,
    /// Delete complete backups finished longer ago than DURATION (e.g. 30d, 12h); the newest
    /// is always kept.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub max_age: Option<Duration>,
    /// Back up the state as of block HEIGHT (default: the latest). The node must still have
    /// that height's state: an archive node for old heights (a pruned one is refused, exit 2,
    /// naming its earliest block).
    #[arg(long, value_name = "HEIGHT", value_parser = clap::value_parser!(u64).range(1..))]
    pub height: Option<u64>,
    /// Raw state entries requested per AllContractState page. wasmd (v0.61) serves at most 100
    /// per page whatever is asked (x/wasm `maxResultEntries`); a chain with a higher cap may
    /// honour more.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub page_limit: u64,
    #[command(flatten)]
    /// `--metrics-file`.
    pub metrics: crate::cmd::ops::MetricsArg,
}

/// `luckee backup …` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum BackupCommand {
    /// Recompute every file's sha256 and size against manifest.json; exit 1 when anything is
    /// missing, extra or altered.
    Verify {
        /// A backup directory (the one holding manifest.json).
        dir: PathBuf,
        /// Also compare it with the live contract on the connected node (code, code id, label,
        /// every raw key/value at the latest height); exit 1 on any difference.
        #[arg(long)]
        against_chain: bool,
    },
    /// Write the backups' codes and contracts, with their complete raw state, into the
    /// app_state.wasm of a (fresh `wasmd init`) genesis file: a chain started from it has the
    /// contracts at the same addresses with identical state. The genesis is replaced atomically
    /// and left untouched on any error.
    Restore {
        /// Backup directories of one `luckee backup` run (same chain-id and height).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// The genesis file to write into.
        #[arg(long, value_name = "GENESIS.json")]
        genesis: PathBuf,
        /// Make ADDRESS the chain-level admin of every restored contract (a rehearsal chain
        /// operated with a local key); default: as backed up.
        #[arg(long, value_name = "ADDRESS")]
        admin: Option<String>,
        /// With --admin: also make ADDRESS the incentive's own admin (its config item).
        #[arg(long, requires = "admin")]
        incentive_admin: bool,
    },
}

/// Runs `luckee backup` or `luckee backup verify`.
pub async fn run(ctx: &Context, args: BackupArgs) -> Result<()> {
    match &args.command {
        Some(BackupCommand::Verify {
            dir,
            against_chain: false,
        }) => verify::run(ctx, &ctx.cwd.join(dir)),
        Some(BackupCommand::Verify {
            dir,
            against_chain: true,
        }) => verify::against_chain(ctx, &ctx.cwd.join(dir)).await,
        Some(BackupCommand::Restore {
            dirs,
            genesis,
            admin,
            incentive_admin,
        }) => restore::run(ctx, dirs, genesis, admin.as_deref(), *incentive_admin),
        None => backup(ctx, &args).await,
    }
}

/// One contract to back up.
#[derive(Debug, Clone)]
struct Target {
    kind: ContractKind,
    address: String,
    ours: bool,
    /// Manifest tag (`pre-migrate`, …); `None` for `luckee backup`.
    tag: Option<String>,
}

/// One contract's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct BackupRow {
    /// Which contract.
    pub contract: ContractKind,
    /// Its address.
    pub address: String,
    /// `ok` or `failed`.
    pub status: &'static str,
    /// The complete backup's directory.
    pub dir: Option<PathBuf>,
    /// Raw state entries saved.
    pub state_entries: Option<u64>,
    /// Total size of its files, bytes.
    pub size_bytes: Option<u64>,
    /// Wall time of this contract's backup, seconds.
    pub seconds: Option<f64>,
    /// Why it failed.
    pub error: Option<String>,
}

/// Result of `luckee backup`.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    /// Chain-id.
    pub chain_id: String,
    /// `ROOT/<chain-id>`.
    pub dir: PathBuf,
    /// Height every query was answered at (`None` if the node was not reached).
    pub height: Option<u64>,
    /// That block's time, RFC 3339 UTC.
    pub block_time: Option<String>,
    /// One row per contract.
    pub backups: Vec<BackupRow>,
    /// Complete backups deleted by retention.
    pub pruned: Vec<PathBuf>,
    /// Leftovers of interrupted runs that were removed.
    pub removed_incomplete: Vec<PathBuf>,
    /// Wall time of the whole run, seconds.
    pub seconds: f64,
}

impl Report for BackupReport {
    fn text(&self) -> String {
        let mut out = match (&self.height, &self.block_time) {
            (Some(h), Some(t)) => format!(
                "backup of {} at height {h} ({t}) into {}\n",
                self.chain_id,
                self.dir.display()
            ),
            _ => format!(
                "backup of {} into {}: node not reached\n",
                self.chain_id,
                self.dir.display()
            ),
        };
        let rows: Vec<Vec<String>> = self
            .backups
            .iter()
            .map(|r| {
                vec![
                    r.status.into(),
                    r.contract.to_string(),
                    r.state_entries
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "-".into()),
                    r.size_bytes
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "-".into()),
                    r.seconds
                        .map(|s| format!("{s:.2}"))
                        .unwrap_or_else(|| "-".into()),
                    match (&r.dir, &r.error) {
                        (Some(d), _) => d.display().to_string(),
                        (None, Some(e)) => e.clone(),
                        _ => "-".into(),
                    },
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "STATUS",
                "CONTRACT",
                "ENTRIES",
                "BYTES",
                "SECONDS",
                "DIRECTORY",
            ],
            &rows,
        ));
        for p in &self.pruned {
            out.push_str(&format!("pruned {}\n", p.display()));
        }
        for p in &self.removed_incomplete {
            out.push_str(&format!("removed interrupted backup {}\n", p.display()));
        }
        out.push_str(&format!("done in {:.2} s\n", self.seconds));
        out
    }
}

/// Takes the backup lock of `chain_dir` (exit 5 if another backup holds it).
fn lock(chain_dir: &Path) -> Result<File> {
    let path = chain_dir.join(files::LOCK_FILE);
    crate::fs::try_lock(&path, crate::fs::LockMode::Exclusive)?.ok_or_else(|| {
        Error::Busy(format!(
            "{} (another luckee backup is running on this directory)",
            path.display()
        ))
    })
}

/// Removes `.incomplete-…` and `.pruning-…` leftovers of killed runs (under the lock, so none
/// belongs to a running backup).
fn sweep_leftovers(chain_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    let Ok(contracts) = std::fs::read_dir(chain_dir) else {
        return Ok(removed);
    };
    for c in contracts
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
    {
        for e in std::fs::read_dir(c.path())
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
        {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(files::INCOMPLETE_PREFIX) || name.starts_with(files::PRUNING_PREFIX)
            {
                std::fs::remove_dir_all(e.path())
                    .map_err(|err| Error::io("remove", e.path(), err))?;
                removed.push(e.path());
            }
        }
    }
    Ok(removed)
}

/// Deletes complete backups of one contract per `--keep` / `--max-age` (see the module docs);
/// tagged (pre-upgrade) backups are neither deleted nor counted.
fn prune(
    contract_dir: &Path,
    keep: Option<u32>,
    max_age: Option<Duration>,
) -> Result<Vec<PathBuf>> {
    let backups: Vec<_> = complete_backups(contract_dir)
        .into_iter()
        .filter(|(_, m)| m.tag.is_none())
        .collect();
    let victims: Vec<PathBuf> = match (keep, max_age) {
        (Some(n), _) => backups
            .iter()
            .take(backups.len().saturating_sub(n as usize))
            .map(|(p, _)| p.clone())
            .collect(),
        (None, Some(age)) => {
            let cutoff = unix_now() - age.as_secs_f64();
            let older = backups.len().saturating_sub(1);
            backups
                .iter()
                .take(older)
                .filter(|(_, m)| m.finished_at_unix < cutoff)
                .map(|(p, _)| p.clone())
                .collect()
        }
        (None, None) => vec![],
    };
    for v in &victims {
        let name = v
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let doomed = contract_dir.join(format!("{}{name}", files::PRUNING_PREFIX));
        std::fs::rename(v, &doomed).map_err(|e| Error::io("prune", v, e))?;
        sync_dir(contract_dir)?;
        std::fs::remove_dir_all(&doomed).map_err(|e| Error::io("remove", doomed, e))?;
    }
    Ok(victims)
}

/// The contracts of the deployment state: ours, then `existing` ones, in instantiate order.
fn targets(ctx: &Context) -> Result<Vec<Target>> {
    let dir = ctx.cwd.join(&ctx.plan.state_dir);
    let state = crate::state::read_snapshot(&dir, &ctx.net.chain_id)?
        .unwrap_or_else(|| crate::state::DeploymentState::new(&ctx.net.chain_id));
    let mut out: Vec<Target> = state
        .contracts
        .iter()
        .map(|(&kind, c)| Target {
            kind,
            address: c.address.clone(),
            ours: true,
            tag: None,
        })
        .collect();
    out.extend(
        state
            .external
            .iter()
            .filter(|(k, _)| !state.contracts.contains_key(*k))
            .map(|(&kind, a)| Target {
                kind,
                address: a.clone(),
                ours: false,
                tag: None,
            }),
    );
    if out.is_empty() {
        return Err(Error::usage(format!(
            "nothing to back up: no contract recorded in {} for chain-id {} (run `luckee deploy instantiate`)",
            dir.display(),
            ctx.net.chain_id
        )));
    }
    Ok(out)
}

async fn backup(ctx: &Context, args: &BackupArgs) -> Result<()> {
    let start = Instant::now();
    let chain_id = &ctx.net.chain_id;
    crate::fs::chain_id_as_file_name(chain_id)?;
    let root = root_of(ctx, args.dir.as_deref());
    let chain_dir = root.join(chain_id);
    std::fs::create_dir_all(&chain_dir).map_err(|e| Error::io("create", &chain_dir, e))?;
    let _lock = lock(&chain_dir)?;
    let removed_incomplete = sweep_leftovers(&chain_dir)?;
    let targets = targets(ctx)?;
    let mut report = BackupReport {
        chain_id: chain_id.clone(),
        dir: chain_dir.clone(),
        height: None,
        block_time: None,
        backups: vec![],
        pruned: vec![],
        removed_incomplete,
        seconds: 0.0,
    };
    let mut first_error = None;
    let connected = async {
        let client = ctx.connect().await?;
        let mut probe = client.probe().await?;
        if let Some(h) = args.height {
            if h > probe.status.height {
                return Err(Error::usage(format!(
                    "--height {h} is above the latest height {}",
                    probe.status.height
                )));
            }
            probe.status.latest_block_time = client.block_time_at(h).await?;
            probe.status.height = h;
        }
        Ok::<_, Error>((client, probe))
    }
    .await;
    match connected {
        Err(e) => {
            for t in &targets {
                report.backups.push(failed_row(t, &e));
            }
            first_error = Some(e);
        }
        Ok((client, probe)) => {
            report.height = Some(probe.status.height);
            report.block_time = Some(rfc3339(probe.status.latest_block_time));
            let stamp = files::timestamp_name(unix_now() as u64);
            for t in &targets {
                let contract_dir = chain_dir.join(t.kind.name());
                match backup_one(
                    &client,
                    ctx,
                    t,
                    &contract_dir,
                    &stamp,
                    &probe,
                    args.page_limit,
                )
                .await
                {
                    Ok(row) => {
                        report
                            .pruned
                            .extend(prune(&contract_dir, args.keep, args.max_age)?);
                        report.backups.push(row);
                    }
                    Err(e) => {
                        tracing::error!("backup of {} {} failed: {e}", t.kind, t.address);
                        report.backups.push(failed_row(t, &e));
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
    }
    report.seconds = start.elapsed().as_secs_f64();
    if let Some(path) = args.metrics.path() {
        backup_metrics(chain_id, &chain_dir, &report).write(path)?;
    }
    ctx.print(&report);
    match first_error {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// The backup root of `ctx`: `--dir`, else `[ops] backup_dir`, else [`DEFAULT_ROOT`], relative
/// to the working directory.
pub fn root_of(ctx: &Context, dir: Option<&Path>) -> PathBuf {
    ctx.cwd.join(
        dir.map(Path::to_path_buf)
            .or_else(|| ctx.ops.backup_dir.clone())
            .unwrap_or_else(|| DEFAULT_ROOT.into()),
    )
}

/// Checks before an upgrade sends anything that backups can be written under `root`: creates
/// `root/<chain-id>` and a file in it, then removes the file. Errors: exit 6 naming the path.
pub fn ensure_writable(root: &Path, chain_id: &str) -> Result<()> {
    let chain_dir = root.join(chain_id);
    std::fs::create_dir_all(&chain_dir).map_err(|e| Error::io("create", &chain_dir, e))?;
    tempfile::Builder::new()
        .prefix(files::INCOMPLETE_PREFIX)
        .tempfile_in(&chain_dir)
        .map_err(|e| Error::io("write a file in", &chain_dir, e))?;
    Ok(())
}

/// A verified backup taken by [`take_verified`].
#[derive(Debug, Clone, Serialize)]
pub struct TakenBackup {
    /// Which contract.
    pub contract: ContractKind,
    /// The complete backup directory.
    pub dir: PathBuf,
    /// Height it was taken at.
    pub height: u64,
    /// Raw state entries saved.
    pub state_entries: u64,
}

/// Backs up the contracts `kinds` (at `addresses`, all of them luckee's) into
/// `root/<chain-id>/<contract>/<UTC time>/` at the latest height, with `tag` in the manifest
/// (`pre-migrate`, `pre-rollback`), then runs every check of `backup verify` on each.
/// Used by `deploy migrate` / `rollback` before they send anything that changes a contract.
///
/// Errors: exit 5 if another backup holds the directory's lock; exit 6 if it cannot be
/// written; exit 3/4 if the chain refuses or cannot be reached; exit 1 if a written backup
/// does not verify (it is left in place for inspection).
pub async fn take_verified(
    ctx: &Context,
    client: &ChainClient,
    root: &Path,
    targets: &[(ContractKind, String)],
    tag: &str,
) -> Result<Vec<TakenBackup>> {
    let chain_dir = root.join(&ctx.net.chain_id);
    std::fs::create_dir_all(&chain_dir).map_err(|e| Error::io("create", &chain_dir, e))?;
    let _lock = lock(&chain_dir)?;
    sweep_leftovers(&chain_dir)?;
    let probe = client.probe().await?;
    let stamp = files::timestamp_name(unix_now() as u64);
    let mut out = Vec::new();
    for (kind, address) in targets {
        let t = Target {
            kind: *kind,
            address: address.clone(),
            ours: true,
            tag: Some(tag.to_string()),
        };
        let contract_dir = chain_dir.join(kind.name());
        let row = backup_one(client, ctx, &t, &contract_dir, &stamp, &probe, 100).await?;
        let dir = row.dir.expect("a backup that succeeded has its directory");
        let verified = verify::verify_dir(&dir);
        if !verified.ok {
            let failed: Vec<String> = verified
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| format!("{}: {}", c.item, c.detail))
                .collect();
            return Err(Error::UpgradeCheck(format!(
                "the {tag} backup {} does not verify ({}): nothing was migrated",
                dir.display(),
                failed.join("; ")
            )));
        }
        out.push(TakenBackup {
            contract: *kind,
            dir,
            height: probe.status.height,
            state_entries: row.state_entries.unwrap_or_default(),
        });
    }
    Ok(out)
}

fn failed_row(t: &Target, e: &Error) -> BackupRow {
    BackupRow {
        contract: t.kind,
        address: t.address.clone(),
        status: "failed",
        dir: None,
        state_entries: None,
        size_bytes: None,
        seconds: None,
        error: Some(e.to_string()),
    }
}

/// Metrics of the newest complete backup on disk of every contract of the run.
fn backup_metrics(chain_id: &str, chain_dir: &Path, report: &BackupReport) -> Metrics {
    let mut m = Metrics::new(chain_id);
    for row in &report.backups {
        let l = [
            ("contract", row.address.as_str()),
            ("name", row.contract.name()),
        ];
        m.set_bool(metrics::BACKUP_LAST_RUN_SUCCESS, &l, row.status == "ok");
        let newest = complete_backups(&chain_dir.join(row.contract.name()))
            .into_iter()
            .rev()
            .find(|(_, man)| man.contract.address == row.address);
        // No complete backup at all: 0, so that "last backup too old" alerts fire.
        m.set(
            metrics::BACKUP_LAST_SUCCESS,
            &l,
            newest.as_ref().map_or(0.0, |(_, man)| man.finished_at_unix),
        );
        if let Some((_, man)) = newest {
            m.set(metrics::BACKUP_DURATION, &l, man.duration_seconds);
            m.set(metrics::BACKUP_SIZE, &l, man.size() as f64);
            m.set(metrics::BACKUP_STATE_ENTRIES, &l, man.state_entries as f64);
            m.set(metrics::BACKUP_HEIGHT, &l, man.height as f64);
        }
    }
    m
}

/// A paginated list written as `{"<field>":[item,…]}` into a backup file, page by page, so
/// that only the current page is held in memory.
struct ListWriter {
    f: HashedFile,
    first: bool,
}

impl ListWriter {
    fn create(dir: &Path, name: &str, field: &str) -> Result<ListWriter> {
        let mut f = HashedFile::create(dir, name)?;
        let header = serde_json::to_string(field).map_err(|e| f.io_error(e.into()))?;
        write!(f, "{{{header}:[").map_err(|e| f.io_error(e))?;
        Ok(ListWriter { f, first: true })
    }

    fn page<T: Serialize>(&mut self, page: Vec<T>) -> Result<()> {
        for item in page {
            let sep: &[u8] = if self.first { b"\n  " } else { b",\n  " };
            self.f.write_all(sep).map_err(|e| self.f.io_error(e))?;
            self.first = false;
            serde_json::to_writer(&mut self.f, &item).map_err(|e| self.f.io_error(e.into()))?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<FileEntry> {
        self.f
            .write_all(b"\n]}\n")
            .map_err(|e| self.f.io_error(e))?;
        self.f.finish()
    }
}

/// The smart queries saved for each kind of contract, at `height`, through the typed clients.
async fn query_files(
    client: &ChainClient,
    t: &Target,
    dir: &Path,
    height: u64,
) -> Result<Vec<FileEntry>> {
    let h = Some(height);
    let mut out = Vec::new();
    match t.kind {
        ContractKind::Incentive => {
            let inc = IncentiveClient::new(client, t.address.clone());
            out.push(HashedFile::create(dir, "config.json")?.json(&inc.config(h).await?)?);
            let mut w = ListWriter::create(dir, "rules.json", "rules")?;
            inc.rules_pages(h, |page| w.page(page)).await?;
            out.push(w.finish()?);
            let mut w = ListWriter::create(dir, "registered_contracts.json", "contracts")?;
            inc.reporters_pages(h, |page| w.page(page)).await?;
            out.push(w.finish()?);
            out.push(HashedFile::create(dir, "stats.json")?.json(&inc.stats(None, h).await?)?);
        }
        ContractKind::Ft => {
            let ft = FtClient::new(client, t.address.clone());
            out.push(HashedFile::create(dir, "token_info.json")?.json(&ft.token_info(h).await?)?);
            out.push(HashedFile::create(dir, "minter.json")?.json(&ft.minter(h).await?)?);
        }
        // A production registry speaks its own query language: only our mock's is known.
        ContractKind::Registry if t.ours => {
            let reg = RegistryClient::new(client, t.address.clone());
            out.push(HashedFile::create(dir, "config.json")?.json(&reg.config(h).await?)?);
            let mut w = ListWriter::create(dir, "members.json", "members")?;
            reg.members_pages(h, |page| w.page(page)).await?;
            out.push(w.finish()?);
        }
        ContractKind::Registry => {}
        ContractKind::Multisig => {
            let ms = MultisigClient::new(client, t.address.clone());
            out.push(HashedFile::create(dir, "threshold.json")?.json(&ms.threshold_at(h).await?)?);
            out.push(HashedFile::create(dir, "voters.json")?.json(&ms.voters(h).await?)?);
        }
    }
    Ok(out)
}

/// Backs one contract up into `contract_dir/<stamp>` (see the module docs).
async fn backup_one(
    client: &ChainClient,
    ctx: &Context,
    t: &Target,
    contract_dir: &Path,
    stamp: &str,
    probe: &Probe,
    page_limit: u64,
) -> Result<BackupRow> {
    let started = Instant::now();
    let started_at = rfc3339(unix_now() as i64);
    let height = probe.status.height;
    std::fs::create_dir_all(contract_dir).map_err(|e| Error::io("create", contract_dir, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(files::INCOMPLETE_PREFIX)
        .tempdir_in(contract_dir)
        .map_err(|e| Error::io("create a directory in", contract_dir, e))?;
    let dir = tmp.path();
    let info = client
        .contract_info_at(&t.address, Some(height))
        .await?
        .ok_or_else(|| Error::chain(format!("no contract {} at height {height}", t.address)))?;
    let code = client
        .code_info(info.code_id)
        .await?
        .ok_or_else(|| Error::chain(format!("code {} of {} is gone", info.code_id, t.address)))?;
    let wasm = client.code_bytes(info.code_id).await?;
    let sha = crate::artifacts::sha256_hex(&wasm);
    if sha != code.checksum {
        return Err(Error::chain(format!(
            "code {}: the wasm the node returned has sha256 {sha}, its checksum is {}",
            info.code_id, code.checksum
        )));
    }
    let mut listed = vec![
        HashedFile::create(dir, "contract_info.json")?.json(&info)?,
        HashedFile::create(dir, "code_info.json")?.json(&code)?,
    ];
    let mut f = HashedFile::create(dir, files::WASM_FILE)?;
    f.write_all(&wasm).map_err(|e| f.io_error(e))?;
    listed.push(f.finish()?);
    drop(wasm);
    listed.extend(query_files(client, t, dir, height).await?);

    let mut f = HashedFile::create(dir, files::STATE_FILE)?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let entries = client
        .for_each_state_page(&t.address, height, page_limit, |page| {
            for (key, value) in page {
                let line = StateLine {
                    key: hex::encode(key),
                    value: b64.encode(value),
                };
                serde_json::to_writer(&mut f, &line).map_err(|e| f.io_error(e.into()))?;
                f.write_all(b"\n").map_err(|e| f.io_error(e))?;
            }
            Ok(())
        })
        .await?;
    listed.push(f.finish()?);

    let manifest = Manifest {
        format: files::FORMAT,
        luckee_version: env!("CARGO_PKG_VERSION").into(),
        chain_id: ctx.net.chain_id.clone(),
        height,
        block_time: rfc3339(probe.status.latest_block_time),
        started_at,
        finished_at_unix: unix_now(),
        duration_seconds: started.elapsed().as_secs_f64(),
        contract: ManifestContract {
            name: t.kind.name().into(),
            address: t.address.clone(),
            code_id: info.code_id,
            checksum: code.checksum.clone(),
            label: info.label.clone(),
            admin: info.admin.clone(),
            deployed_by_luckee: t.ours,
        },
        tag: t.tag.clone(),
        state_entries: entries,
        files: listed,
    };
    HashedFile::create(dir, files::MANIFEST)?.json(&manifest)?;
    sync_dir(dir)?;
    let mut target = contract_dir.join(stamp);
    for n in 2.. {
        if !target.exists() {
            break;
        }
        target = contract_dir.join(format!("{stamp}-{n}"));
    }
    let kept = tmp.keep();
    std::fs::rename(&kept, &target).map_err(|e| {
        Error::usage(format!(
            "cannot move {} to {}: {e}",
            kept.display(),
            target.display()
        ))
    })?;
    sync_dir(contract_dir)?;
    tracing::info!(contract = %t.kind, entries, dir = %target.display(), "backup complete");
    Ok(BackupRow {
        contract: t.kind,
        address: t.address.clone(),
        status: "ok",
        dir: Some(target),
        state_entries: Some(entries),
        size_bytes: Some(manifest.size()),
        seconds: Some(started.elapsed().as_secs_f64()),
        error: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_backup(contract_dir: &Path, name: &str, finished: f64) -> PathBuf {
        let d = contract_dir.join(name);
        std::fs::create_dir_all(&d).unwrap();
        let m = Manifest {
            format: files::FORMAT,
            luckee_version: "0".into(),
            chain_id: "c".into(),
            height: 1,
            block_time: rfc3339(0),
            started_at: rfc3339(0),
            finished_at_unix: finished,
            duration_seconds: 1.0,
            contract: ManifestContract {
                name: "mock_ft".into(),
                address: "wasm1x".into(),
                code_id: 1,
                checksum: "00".into(),
                label: "l".into(),
                admin: String::new(),
                deployed_by_luckee: true,
            },
            tag: None,
            state_entries: 0,
            files: vec![],
        };
        std::fs::write(d.join(files::MANIFEST), serde_json::to_vec(&m).unwrap()).unwrap();
        d
    }

    #[test]
    fn keep_prunes_only_complete_backups_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let now = unix_now();
        let a = fake_backup(dir.path(), "20240101T000000Z", now - 300.0);
        let b = fake_backup(dir.path(), "20240102T000000Z", now - 200.0);
        let c = fake_backup(dir.path(), "20240103T000000Z", now - 100.0);
        // Not complete: no manifest / not a backup name / interrupted.
        std::fs::create_dir_all(dir.path().join("20231231T000000Z")).unwrap();
        std::fs::create_dir_all(dir.path().join("notes")).unwrap();
        fake_backup(dir.path(), ".incomplete-abc", now - 1000.0);
        let pruned = prune(dir.path(), Some(2), None).unwrap();
        assert_eq!(pruned, vec![a.clone()]);
        assert!(!a.exists() && b.exists() && c.exists());
        assert!(dir.path().join("20231231T000000Z").exists() && dir.path().join("notes").exists());
        assert!(dir.path().join(".incomplete-abc").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            !names.iter().any(|n| n.starts_with(files::PRUNING_PREFIX)),
            "{names:?}"
        );
    }

    #[test]
    fn max_age_never_prunes_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let now = unix_now();
        let old = fake_backup(dir.path(), "20240101T000000Z", now - 7200.0);
        let newest = fake_backup(dir.path(), "20240102T000000Z", now - 3600.0);
        assert_eq!(
            prune(dir.path(), None, Some(Duration::from_secs(1800))).unwrap(),
            vec![old]
        );
        assert!(newest.exists());
        assert!(prune(dir.path(), None, Some(Duration::from_secs(1)))
            .unwrap()
            .is_empty());
        assert!(prune(dir.path(), None, None).unwrap().is_empty());
    }

    #[test]
    fn second_lock_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let _held = lock(dir.path()).unwrap();
        let e = lock(dir.path()).unwrap_err();
        assert_eq!(e.exit_code(), crate::error::exit::BUSY);
        assert!(e.to_string().contains("another luckee backup"), "{e}");
    }

    #[test]
    fn sweep_removes_only_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("mock_ft");
        let keep = fake_backup(&c, "20240101T000000Z", 0.0);
        fake_backup(&c, ".incomplete-x", 0.0);
        std::fs::create_dir_all(c.join(".pruning-20231231T000000Z")).unwrap();
        let removed = sweep_leftovers(dir.path()).unwrap();
        assert_eq!(removed.len(), 2);
        assert!(keep.exists());
    }
}
