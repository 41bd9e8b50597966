//! `luckee ops pause | resume | status | health | gas | monitor | admin | withdraw` — operating
//! the deployed incentive.
//!
//! Replaces the seed's `emergency_pause_luckee_incentive.sh`, `system_recovery_…sh`,
//! `health_check_…sh` and `performance_monitor_…sh` (运维手册). The incentive's address comes
//! from `--contract` or the deployment state (`deployments/<chain-id>.json`, read without
//! taking its lock so that an emergency pause is never held up by a running deploy).
//!
//! `health` and `gas` are monitoring plugins: they exit with the Nagios codes (see [`Level`]);
//! every failure of theirs, including a bad config, is UNKNOWN (3) with one line on stdout.

pub mod admin;
pub mod gas;
pub mod health;
pub mod monitor;
pub mod pause;
pub mod status;
pub mod withdraw;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use luckee_types::incentive;
use serde::Serialize;

use super::Context;
use crate::chain::{ChainClient, Probe};
use crate::cli::GlobalArgs;
use crate::contracts::ContractKind;
use crate::error::{monitoring, Error, Result};
use crate::metrics::{self, Metrics};
use crate::state;

/// Flags of every `ops` subcommand.
#[derive(Debug, Clone, Args)]
pub struct OpsArgs {
    /// The incentive contract; default: the one in the deployment state of the chain-id.
    #[arg(long, global = true, value_name = "ADDRESS")]
    pub contract: Option<String>,
}

/// `--metrics-file PATH` of `ops status`, `ops health`, `ops gas` and `backup`.
#[derive(Debug, Clone, Args)]
pub struct MetricsArg {
    /// Also write Prometheus metrics to PATH: text format, written atomically, mode 0644. For
    /// node_exporter's textfile collector name it `luckee_<command>.prom`, one file per command.
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,
}

impl MetricsArg {
    /// The path, if given.
    pub fn path(&self) -> Option<&Path> {
        self.metrics_file.as_deref()
    }
}

/// `luckee ops …`
#[derive(Debug, Subcommand)]
pub enum OpsCommand {
    /// Emergency-pause the incentive (`emergency_pause {paused: true}` as its admin), wait for
    /// the block, confirm with get_config. Already paused: nothing sent, exit 0.
    Pause {
        /// Why: stored on chain as the tx memo (at most 256 characters).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Lift the emergency pause (`emergency_pause {paused: false}`), confirmed with
    /// get_config. Not paused: nothing sent, exit 0.
    Resume {
        /// Why: stored on chain as the tx memo (at most 256 characters).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Config, paused/enabled, admins, FT supply and minter, stats, chain height and block time,
    /// RPC latency.
    Status {
        #[command(flatten)]
        /// `--metrics-file`.
        metrics: MetricsArg,
    },
    /// Monitoring check, one line per check; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    ///
    /// Checks: rpc (reachable, right chain-id; WARNING above --latency-warning), sync
    /// (CRITICAL when catching up or the latest block is older than --block-age-critical,
    /// WARNING above --block-age-warning), get_config (CRITICAL if it fails), paused (WARNING),
    /// enabled (WARNING when false), ft_minter (CRITICAL unless the FT's minter is the
    /// incentive). The first line is `LUCKEE HEALTH <LEVEL> - <summary> | <perfdata>`; the exit
    /// code is the worst level (CRITICAL > WARNING > UNKNOWN > OK). Any setup error (config,
    /// no deployment) is UNKNOWN.
    Health(health::HealthArgs),
    /// Simulate distribute_reward, mint_for_points and update_rules (nothing broadcast) and
    /// compare their gas with the thresholds; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    ///
    /// distribute_reward is signed by the reporter key (default: the signer) with a fresh
    /// activity id, mint_for_points by the user key (a registry member holding points),
    /// update_rules by the signer (the incentive admin) as an unchanged upsert. The seed's
    /// thresholds (warning/critical): distribute_reward 130000/150000, mint_for_points
    /// 90000/110000, update_rules 50000/70000 gas, compared with the whole simulated tx's gas.
    /// An operation that cannot be simulated is UNKNOWN with the reason.
    Gas(gas::GasArgs),
    /// Admin handover: `propose ADDRESS [--chain-admin [--all-contracts]]` (current admin),
    /// `accept` (the new admin's key), `show`. The signer's role is read from the chain first;
    /// a wrong key is refused before anything is sent (exit 2).
    Admin {
        #[command(subcommand)]
        /// Which step.
        command: admin::AdminCommand,
    },
    /// Long-running Prometheus exporter: probes chain and contracts every --interval, serves
    /// GET /metrics and /healthz on --listen (loopback unless --listen-public), counts and logs
    /// every change of admin, code, minter, config, rules or reporters; SIGTERM/SIGINT stop it
    /// (exit 0).
    Monitor(monitor::MonitorArgs),
    /// Emergency withdraw: move native coins or cw20 tokens the incentive holds to an address
    /// (`emergency_withdraw`, admin only); the balances are checked before and confirmed after.
    Withdraw(withdraw::WithdrawArgs),
}

/// Runs one `ops` subcommand. `health` and `gas` turn every error (also a bad config) into
/// UNKNOWN (exit 3, one line on stdout), as a monitoring plugin must.
pub async fn run(global: &GlobalArgs, cwd: &Path, args: OpsArgs, cmd: OpsCommand) -> Result<()> {
    let monitoring = match &cmd {
        OpsCommand::Health(_) => Some("HEALTH"),
        OpsCommand::Gas(_) => Some("GAS"),
        _ => None,
    };
    let result = async {
        let ctx = Context::new(global, cwd)?;
        match cmd {
            OpsCommand::Pause { reason } => pause::run(&ctx, &args, true, reason).await,
            OpsCommand::Resume { reason } => pause::run(&ctx, &args, false, reason).await,
            OpsCommand::Status { metrics } => status::run(&ctx, &args, metrics.path()).await,
            OpsCommand::Health(h) => health::run(&ctx, &args, &h).await,
            OpsCommand::Gas(g) => gas::run(&ctx, &args, &g).await,
            OpsCommand::Admin { command } => admin::run(&ctx, &args, &command).await,
            OpsCommand::Withdraw(w) => withdraw::run(&ctx, &args, &w).await,
            OpsCommand::Monitor(m) => monitor::run(&ctx, &args, &m).await,
        }
    }
    .await;
    match (result, monitoring) {
        (Err(e), Some(what)) if !matches!(e, Error::Check { .. }) => {
            let summary = format!(
                "LUCKEE {what} UNKNOWN - {}",
                crate::chain::one_line(&e.to_string())
            );
            println!("{summary}");
            Err(Error::Check {
                code: monitoring::UNKNOWN,
                summary,
            })
        }
        (r, _) => r,
    }
}

/// A Nagios plugin state. Aggregation ([`Level::worst`]): CRITICAL > WARNING > UNKNOWN > OK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Fine (exit 0).
    Ok,
    /// Above a warning threshold (exit 1).
    Warning,
    /// Above a critical threshold or broken (exit 2).
    Critical,
    /// Could not be checked (exit 3).
    Unknown,
}

impl Level {
    /// The Nagios exit code.
    pub fn code(self) -> i32 {
        match self {
            Level::Ok => monitoring::OK,
            Level::Warning => monitoring::WARNING,
            Level::Critical => monitoring::CRITICAL,
            Level::Unknown => monitoring::UNKNOWN,
        }
    }

    /// Upper-case name as Nagios prints it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warning => "WARNING",
            Level::Critical => "CRITICAL",
            Level::Unknown => "UNKNOWN",
        }
    }

    fn rank(self) -> u8 {
        match self {
            Level::Ok => 0,
            Level::Unknown => 1,
            Level::Warning => 2,
            Level::Critical => 3,
        }
    }

    /// The worst of `levels` (OK for none).
    pub fn worst(levels: impl IntoIterator<Item = Level>) -> Level {
        levels
            .into_iter()
            .max_by_key(|l| l.rank())
            .unwrap_or(Level::Ok)
    }

    /// `Ok(())` for OK, else [`Error::Check`] with this level's code and `summary`.
    pub fn into_result(self, summary: String) -> Result<()> {
        match self {
            Level::Ok => Ok(()),
            l => Err(Error::Check {
                code: l.code(),
                summary,
            }),
        }
    }
}

/// The incentive's address: `--contract` (checked against the network's bech32 prefix), else
/// the deployment state's (read without its lock). Exit 2 if neither exists.
pub fn incentive_address(ctx: &Context, args: &OpsArgs) -> Result<String> {
    if let Some(a) = &args.contract {
        ctx.net.check_address("--contract", a)?;
        return Ok(a.clone());
    }
    let dir = ctx.cwd.join(&ctx.plan.state_dir);
    let found = state::read_snapshot(&dir, &ctx.net.chain_id)?;
    found.as_ref().and_then(|s| s.address_of(ContractKind::Incentive)).map(str::to_string).ok_or_else(|| {
        Error::usage(format!(
            "no incentive contract recorded in {} for chain-id {}: pass --contract ADDRESS or run `luckee deploy instantiate`",
            dir.display(),
            ctx.net.chain_id
        ))
    })
}

/// A client for monitoring: every request times out after `timeout`, one retry, so that a dead
/// node is reported within about 2 × `timeout`.
pub fn monitoring_client(ctx: &Context, timeout: Duration) -> Result<ChainClient> {
    let retry = crate::chain::RetryPolicy {
        attempts: 2,
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_millis(200),
        request_timeout: timeout,
        budget: timeout,
    };
    ChainClient::new(ctx.net.clone(), retry)
}

/// Sets the chain-level gauges of a probe: latency, height, block age.
pub fn set_probe_metrics(m: &mut Metrics, contract: &str, p: &Probe) {
    let l = [("contract", contract)];
    m.set(metrics::RPC_LATENCY, &l, p.latency_seconds);
    m.set(metrics::BLOCK_HEIGHT, &l, p.status.height as f64);
    m.set(metrics::BLOCK_AGE, &l, p.block_age_seconds);
}

/// Sets the config gauges: paused, enabled.
pub fn set_config_metrics(m: &mut Metrics, contract: &str, cfg: &incentive::ConfigResponse) {
    let l = [("contract", contract)];
    m.set_bool(metrics::PAUSED, &l, cfg.config.emergency_paused);
    m.set_bool(metrics::ENABLED, &l, cfg.config.enabled);
}

/// Sets the all-time stats counters (`get_stats.totals`).
pub fn set_stats_metrics(m: &mut Metrics, contract: &str, t: &incentive::StatsCounters) {
    let l = [("contract", contract)];
    for (metric, v) in [
        (
            metrics::REWARDS_DISTRIBUTED,
            t.rewards_distributed_count as f64,
        ),
        (
            metrics::REWARDS_DISTRIBUTED_AMOUNT,
            t.rewards_distributed_amount.u128() as f64,
        ),
        (metrics::ACTIVITIES_PROCESSED, t.activities_processed as f64),
        (metrics::ACTIVITIES_REJECTED, t.activities_rejected as f64),
        (metrics::ACTIVITIES_SKIPPED, t.activities_skipped as f64),
        (metrics::POINTS_AWARDED, t.points_awarded.u128() as f64),
        (metrics::POINTS_EXCHANGED, t.points_exchanged_count as f64),
        (
            metrics::POINTS_EXCHANGED_AMOUNT,
            t.points_exchanged_amount.u128() as f64,
        ),
        (
            metrics::POINTS_EXCHANGE_MINTED,
            t.points_exchange_minted.u128() as f64,
        ),
    ] {
        m.set(metric, &l, v);
    }
}

/// Writes `m` to `path` if given.
pub fn write_metrics(m: &Metrics, path: Option<&Path>) -> Result<()> {
    path.map(|p| m.write(p)).transpose().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_level_orders_critical_warning_unknown_ok() {
        use Level::*;
        assert_eq!(Level::worst([]), Ok);
        assert_eq!(Level::worst([Ok, Unknown]), Unknown);
        assert_eq!(Level::worst([Unknown, Warning, Ok]), Warning);
        assert_eq!(Level::worst([Warning, Critical, Unknown]), Critical);
        assert_eq!(
            [Ok, Warning, Critical, Unknown].map(Level::code),
            [0, 1, 2, 3]
        );
        assert!(Ok.into_result("x".into()).is_ok());
        assert_eq!(Warning.into_result("x".into()).unwrap_err().exit_code(), 1);
    }
}
