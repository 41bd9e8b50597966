//! `luckee ops health` — a Nagios/cron monitoring check; replaces the seed's
//! `health_check_luckee_incentive.sh` (which only asked `get_config`).
//!
//! Checks, one line each, in this order:
//!
//! | check | source | OK | WARNING | CRITICAL |
//! |-------|--------|----|---------|----------|
//! | `rpc` | `/status` round trip | answers, right chain-id | latency > `--latency-warning` (5 s) | unreachable (after one retry, `--timeout` per request) or another chain-id |
//! | `sync` | `/status` | block age ≤ `--block-age-warning` (60 s) | older | catching up, or older than `--block-age-critical` (120 s) |
//! | `get_config` | incentive `get_config` | answers | — | query fails |
//! | `paused` | `get_config.config.emergency_paused` | false | true | — |
//! | `enabled` | `get_config.config.enabled` | true | false | — |
//! | `ft_minter` | cw20 `minter` of `get_config.ft_contract` | the incentive | — | anyone else / none |
//!
//! A check that cannot run because an earlier one failed is UNKNOWN ("skipped"). The result is
//! the worst level (CRITICAL > WARNING > UNKNOWN > OK), printed first in the plugin format
//! `LUCKEE HEALTH <LEVEL> - <summary> | <perfdata>`, and is the exit code: 0 OK, 1 WARNING,
//! 2 CRITICAL, 3 UNKNOWN (also for any setup error, e.g. a bad config or no deployment).

use std::time::Duration;

use clap::Args;
use luckee_types::incentive;
use serde::Serialize;

use super::{
    ft_minter, get_config, incentive_address, monitoring_client, set_config_metrics,
    set_probe_metrics, set_stats_metrics, write_metrics, Level, MetricsArg, OpsArgs,
};
use crate::chain::Probe;
use crate::cmd::Context;
use crate::error::Result;
use crate::metrics::{self, Metrics};
use crate::ui::Report;

/// Flags of `ops health`.
#[derive(Debug, Clone, Args)]
pub struct HealthArgs {
    /// RPC round trip above which `rpc` is WARNING (e.g. 5s, 500ms).
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub latency_warning: Duration,
    /// Age of the latest block above which `sync` is WARNING.
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub block_age_warning: Duration,
    /// Age of the latest block above which `sync` is CRITICAL (the chain has stalled).
    #[arg(long, default_value = "120s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub block_age_critical: Duration,
    /// Per-request RPC timeout; an unreachable node is CRITICAL after about twice this.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub timeout: Duration,
    #[command(flatten)]
    /// `--metrics-file`.
    pub metrics: MetricsArg,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// `rpc`, `sync`, `get_config`, `paused`, `enabled` or `ft_minter`.
    pub name: &'static str,
    /// Its level.
    pub status: Level,
    /// What was found.
    pub message: String,
}

/// Result of `ops health`.
#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// The incentive contract.
    pub contract: String,
    /// The worst level of all checks.
    pub status: Level,
    /// Its Nagios exit code.
    pub code: i32,
    /// The first line of the text output (without perfdata).
    pub summary: String,
    /// The `/status` probe, when the node answered.
    pub probe: Option<Probe>,
    /// Every check, in order.
    pub checks: Vec<Check>,
}

impl HealthReport {
    fn perfdata(&self) -> String {
        let Some(p) = &self.probe else {
            return String::new();
        };
        format!(
            " | rpc_latency={:.3}s block_age={:.1}s height={}",
            p.latency_seconds, p.block_age_seconds, p.status.height
        )
    }
}

impl Report for HealthReport {
    fn text(&self) -> String {
        let mut out = format!("{}{}\n", self.summary, self.perfdata());
        let w = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &self.checks {
            out.push_str(&format!(
                "{:<8} {:<w$}  {}\n",
                c.status.name(),
                c.name,
                c.message
            ));
        }
        out
    }
}

struct Checks(Vec<Check>);

impl Checks {
    fn add(&mut self, name: &'static str, status: Level, message: impl Into<String>) {
        // Nagios reads one line per check.
        let message = crate::chain::one_line(&message.into());
        self.0.push(Check {
            name,
            status,
            message,
        });
    }

    fn skip(&mut self, names: &[&'static str], why: &str) {
        for n in names {
            self.add(n, Level::Unknown, format!("skipped: {why}"));
        }
    }
}

/// Runs `ops health`; the exit code is the worst level (see the module docs).
pub async fn run(ctx: &Context, args: &OpsArgs, h: &HealthArgs) -> Result<()> {
    let contract = incentive_address(ctx, args)?;
    let client = monitoring_client(ctx, h.timeout)?;
    let mut m = Metrics::new(&ctx.net.chain_id);
    let l = [("contract", contract.as_str())];
    let mut checks = Checks(vec![]);
    let mut up = false;
    let mut probe_out = None;
    match client.probe().await {
        Err(e) => {
            checks.add("rpc", Level::Critical, format!("node unreachable: {e}"));
            checks.skip(
                &["sync", "get_config", "paused", "enabled", "ft_minter"],
                "no RPC answer",
            );
        }
        Ok(p) if p.status.chain_id != ctx.net.chain_id => {
            checks.add(
                "rpc",
                Level::Critical,
                format!(
                    "{} is on chain-id {}, expected {}",
                    client.endpoint(),
                    p.status.chain_id,
                    ctx.net.chain_id
                ),
            );
            checks.skip(
                &["sync", "get_config", "paused", "enabled", "ft_minter"],
                "wrong chain",
            );
        }
        Ok(p) => {
            set_probe_metrics(&mut m, &contract, &p);
            let latency = format!(
                "{} answered in {:.3} s",
                client.endpoint(),
                p.latency_seconds
            );
            if p.latency_seconds > h.latency_warning.as_secs_f64() {
                checks.add(
                    "rpc",
                    Level::Warning,
                    format!("{latency} (> {} s)", h.latency_warning.as_secs_f64()),
                );
            } else {
                checks.add("rpc", Level::Ok, latency);
            }
            let age = p.block_age_seconds;
            let sync = format!("height {}, latest block {:.1} s old", p.status.height, age);
            if p.status.catching_up {
                checks.add(
                    "sync",
                    Level::Critical,
                    format!("{sync}, node is catching up (answers are stale)"),
                );
            } else if age > h.block_age_critical.as_secs_f64() {
                checks.add(
                    "sync",
                    Level::Critical,
                    format!(
                        "{sync} (> {} s: chain stalled?)",
                        h.block_age_critical.as_secs()
                    ),
                );
            } else if age > h.block_age_warning.as_secs_f64() {
                checks.add(
                    "sync",
                    Level::Warning,
                    format!("{sync} (> {} s)", h.block_age_warning.as_secs()),
                );
            } else {
                checks.add("sync", Level::Ok, sync);
            }
            let height = Some(p.status.height);
            probe_out = Some(p);
            match get_config(&client, &contract, height).await {
                Err(e) => {
                    checks.add("get_config", Level::Critical, format!("{contract}: {e}"));
                    checks.skip(&["paused", "enabled", "ft_minter"], "get_config failed");
                }
                Ok(cfg) => {
                    up = true;
                    set_config_metrics(&mut m, &contract, &cfg);
                    check_config(&mut checks, &contract, &cfg);
                    let ft = cfg.ft_contract.to_string();
                    match ft_minter(&client, &ft, height).await {
                        Err(e) => {
                            checks.add("ft_minter", Level::Unknown, format!("minter of {ft}: {e}"))
                        }
                        Ok(minter) => {
                            let ok = minter.as_ref().is_some_and(|mi| mi.minter == contract);
                            m.set_bool(metrics::FT_MINTER_OK, &l, ok);
                            match (ok, minter) {
                                (true, _) => checks.add("ft_minter", Level::Ok, format!("minter of {ft} is the incentive")),
                                (false, Some(mi)) => checks.add(
                                    "ft_minter",
                                    Level::Critical,
                                    format!("minter of {ft} is {}, not the incentive: rewards cannot be minted", mi.minter),
                                ),
                                (false, None) => checks.add("ft_minter", Level::Critical, format!("{ft} has no minter: rewards cannot be minted")),
                            }
                        }
                    }
                    if h.metrics.path().is_some() {
                        // The business counters ride along for the alerting rules; a failure here
                        // is not a health check of its own.
                        match client
                            .smart_query::<incentive::StatsResponse>(
                                &contract,
                                &incentive::QueryMsg::GetStats { day: None },
                                height,
                            )
                            .await
                        {
                            Ok(s) => set_stats_metrics(&mut m, &contract, &s.totals),
                            Err(e) => tracing::warn!("get_stats for metrics failed: {e}"),
                        }
                    }
                }
            }
        }
    }
    let status = Level::worst(checks.0.iter().map(|c| c.status));
    let bad: Vec<String> = checks
        .0
        .iter()
        .filter(|c| c.status != Level::Ok)
        .map(|c| format!("{}: {}", c.name, c.message))
        .collect();
    let summary = match status {
        Level::Ok => format!(
            "LUCKEE HEALTH OK - {} checks passed on {}",
            checks.0.len(),
            ctx.net.chain_id
        ),
        s => format!(
            "LUCKEE HEALTH {} - {}",
            s.name(),
            bad.iter()
                .filter(|b| !b.contains("skipped:"))
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    m.set_bool(metrics::UP, &l, up);
    m.set(metrics::HEALTH_STATUS, &l, status.code() as f64);
    let report = HealthReport {
        chain_id: ctx.net.chain_id.clone(),
        contract,
        status,
        code: status.code(),
        summary: summary.clone(),
        probe: probe_out,
        checks: checks.0,
    };
    write_metrics(&m, h.metrics.path())?;
    ctx.print(&report);
    status.into_result(summary)
}

fn check_config(checks: &mut Checks, contract: &str, cfg: &incentive::ConfigResponse) {
    checks.add(
        "get_config",
        Level::Ok,
        format!("{contract} answers (admin {})", cfg.admin),
    );
    if cfg.config.emergency_paused {
        checks.add(
            "paused",
            Level::Warning,
            "emergency_paused = true: rewards and exchanges fail until `luckee ops resume`",
        );
    } else {
        checks.add("paused", Level::Ok, "emergency_paused = false");
    }
    if cfg.config.enabled {
        checks.add("enabled", Level::Ok, "enabled = true");
    } else {
        checks.add(
            "enabled",
            Level::Warning,
            "enabled = false: rewards and exchanges fail (update_config to enable)",
        );
    }
}
