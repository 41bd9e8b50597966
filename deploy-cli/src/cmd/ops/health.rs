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
    incentive_address, monitoring_client, set_config_metrics, set_probe_metrics, set_stats_metrics,
    write_metrics, Level, MetricsArg, OpsArgs,
};
use crate::chain::Probe;
use crate::cmd::Context;
use crate::contracts::{FtClient, IncentiveClient};
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

/// What `ops health` read from the chain: every answer or why it failed. Input of the pure
/// [`evaluate_health`].
#[derive(Debug, Clone)]
pub struct HealthProbe {
    /// The endpoint asked.
    pub endpoint: String,
    /// The chain-id the network expects.
    pub expected_chain_id: String,
    /// The incentive contract.
    pub contract: String,
    /// `/status`, timed; `Err` when the node could not be reached.
    pub probe: std::result::Result<Probe, String>,
    /// `get_config` at the probe's height; `None` when not asked (no usable probe).
    pub config: Option<std::result::Result<incentive::ConfigResponse, String>>,
    /// cw20 `minter` of `get_config.ft_contract`; `None` when not asked.
    pub minter: Option<std::result::Result<Option<luckee_types::ft::MinterResponse>, String>>,
}

/// The thresholds of `ops health` (seconds).
#[derive(Debug, Clone, Copy)]
pub struct HealthThresholds {
    /// RPC round trip above which `rpc` is WARNING.
    pub latency_warning: f64,
    /// Block age above which `sync` is WARNING.
    pub block_age_warning: f64,
    /// Block age above which `sync` is CRITICAL.
    pub block_age_critical: f64,
}

impl From<&HealthArgs> for HealthThresholds {
    fn from(h: &HealthArgs) -> Self {
        HealthThresholds {
            latency_warning: h.latency_warning.as_secs_f64(),
            block_age_warning: h.block_age_warning.as_secs_f64(),
            block_age_critical: h.block_age_critical.as_secs_f64(),
        }
    }
}

const AFTER_RPC: [&str; 5] = ["sync", "get_config", "paused", "enabled", "ft_minter"];

/// Decides every check from what was read (pure; see the module docs for the table).
pub fn evaluate_health(p: &HealthProbe, t: &HealthThresholds) -> Vec<Check> {
    let mut checks = Checks(vec![]);
    let probe = match &p.probe {
        Err(e) => {
            checks.add("rpc", Level::Critical, format!("node unreachable: {e}"));
            checks.skip(&AFTER_RPC, "no RPC answer");
            return checks.0;
        }
        Ok(probe) if probe.status.chain_id != p.expected_chain_id => {
            checks.add(
                "rpc",
                Level::Critical,
                format!(
                    "{} is on chain-id {}, expected {}",
                    p.endpoint, probe.status.chain_id, p.expected_chain_id
                ),
            );
            checks.skip(&AFTER_RPC, "wrong chain");
            return checks.0;
        }
        Ok(probe) => probe,
    };
    let latency = format!("{} answered in {:.3} s", p.endpoint, probe.latency_seconds);
    if probe.latency_seconds > t.latency_warning {
        checks.add(
            "rpc",
            Level::Warning,
            format!("{latency} (> {} s)", t.latency_warning),
        );
    } else {
        checks.add("rpc", Level::Ok, latency);
    }
    let age = probe.block_age_seconds;
    let sync = format!(
        "height {}, latest block {:.1} s old",
        probe.status.height, age
    );
    if probe.status.catching_up {
        checks.add(
            "sync",
            Level::Critical,
            format!("{sync}, node is catching up (answers are stale)"),
        );
    } else if age > t.block_age_critical {
        checks.add(
            "sync",
            Level::Critical,
            format!("{sync} (> {} s: chain stalled?)", t.block_age_critical),
        );
    } else if age > t.block_age_warning {
        checks.add(
            "sync",
            Level::Warning,
            format!("{sync} (> {} s)", t.block_age_warning),
        );
    } else {
        checks.add("sync", Level::Ok, sync);
    }
    let cfg = match &p.config {
        Some(Ok(cfg)) => cfg,
        Some(Err(e)) => {
            checks.add(
                "get_config",
                Level::Critical,
                format!("{}: {e}", p.contract),
            );
            checks.skip(&["paused", "enabled", "ft_minter"], "get_config failed");
            return checks.0;
        }
        None => {
            checks.skip(
                &["get_config", "paused", "enabled", "ft_minter"],
                "not read",
            );
            return checks.0;
        }
    };
    check_config(&mut checks, &p.contract, cfg);
    let ft = cfg.ft_contract.to_string();
    match &p.minter {
        None => checks.skip(&["ft_minter"], "not read"),
        Some(Err(e)) => checks.add("ft_minter", Level::Unknown, format!("minter of {ft}: {e}")),
        Some(Ok(Some(mi))) if mi.minter == p.contract => checks.add(
            "ft_minter",
            Level::Ok,
            format!("minter of {ft} is the incentive"),
        ),
        Some(Ok(Some(mi))) => checks.add(
            "ft_minter",
            Level::Critical,
            format!(
                "minter of {ft} is {}, not the incentive: rewards cannot be minted",
                mi.minter
            ),
        ),
        Some(Ok(None)) => checks.add(
            "ft_minter",
            Level::Critical,
            format!("{ft} has no minter: rewards cannot be minted"),
        ),
    }
    checks.0
}

/// The first line: `LUCKEE HEALTH <LEVEL> - <summary>` (without perfdata).
pub fn summary_line(status: Level, checks: &[Check], chain_id: &str) -> String {
    match status {
        Level::Ok => format!(
            "LUCKEE HEALTH OK - {} checks passed on {chain_id}",
            checks.len()
        ),
        s => format!(
            "LUCKEE HEALTH {} - {}",
            s.name(),
            checks
                .iter()
                .filter(|c| c.status != Level::Ok && !c.message.contains("skipped:"))
                .map(|c| format!("{}: {}", c.name, c.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// Reads what [`evaluate_health`] needs through the typed clients (every answer at the
/// probe's height).
async fn read_probe(
    ctx: &Context,
    client: &crate::chain::ChainClient,
    contract: &str,
) -> HealthProbe {
    let mut hp = HealthProbe {
        endpoint: client.endpoint().to_string(),
        expected_chain_id: ctx.net.chain_id.clone(),
        contract: contract.to_string(),
        probe: client.probe().await.map_err(|e| e.to_string()),
        config: None,
        minter: None,
    };
    let Ok(p) = &hp.probe else { return hp };
    if p.status.chain_id != ctx.net.chain_id {
        return hp;
    }
    let height = Some(p.status.height);
    let cfg = IncentiveClient::new(client, contract)
        .config(height)
        .await
        .map_err(|e| e.to_string());
    if let Ok(c) = &cfg {
        let ft = FtClient::new(client, c.ft_contract.to_string());
        hp.minter = Some(ft.minter(height).await.map_err(|e| e.to_string()));
    }
    hp.config = Some(cfg);
    hp
}

/// Runs `ops health`; the exit code is the worst level (see the module docs).
pub async fn run(ctx: &Context, args: &OpsArgs, h: &HealthArgs) -> Result<()> {
    let contract = incentive_address(ctx, args)?;
    let client = monitoring_client(ctx, h.timeout)?;
    let hp = read_probe(ctx, &client, &contract).await;
    let checks = evaluate_health(&hp, &HealthThresholds::from(h));
    let status = Level::worst(checks.iter().map(|c| c.status));
    let summary = summary_line(status, &checks, &ctx.net.chain_id);

    let mut m = Metrics::new(&ctx.net.chain_id);
    let l = [("contract", contract.as_str())];
    if let Ok(p) = &hp.probe {
        if p.status.chain_id == ctx.net.chain_id {
            set_probe_metrics(&mut m, &contract, p);
        }
    }
    let up = matches!(hp.config, Some(Ok(_)));
    if let Some(Ok(cfg)) = &hp.config {
        set_config_metrics(&mut m, &contract, cfg);
        if let Some(Ok(minter)) = &hp.minter {
            let ok = minter.as_ref().is_some_and(|mi| mi.minter == contract);
            m.set_bool(metrics::FT_MINTER_OK, &l, ok);
        }
        if h.metrics.path().is_some() {
            // The business counters ride along for the alerting rules; a failure here is not a
            // health check of its own.
            let height = hp.probe.as_ref().ok().map(|p| p.status.height);
            match IncentiveClient::new(&client, contract.as_str())
                .stats(None, height)
                .await
            {
                Ok(s) => set_stats_metrics(&mut m, &contract, &s.totals),
                Err(e) => tracing::warn!("get_stats for metrics failed: {e}"),
            }
        }
    }
    m.set_bool(metrics::UP, &l, up);
    m.set(metrics::HEALTH_STATUS, &l, status.code() as f64);
    let report = HealthReport {
        chain_id: ctx.net.chain_id.clone(),
        contract,
        status,
        code: status.code(),
        summary: summary.clone(),
        probe: hp.probe.ok(),
        checks,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::NodeStatus;
    use cosmwasm_std::Addr;
    use luckee_types::ft::MinterResponse;

    const T: HealthThresholds = HealthThresholds {
        latency_warning: 5.0,
        block_age_warning: 60.0,
        block_age_critical: 120.0,
    };

    fn probe(latency: f64, age: f64, catching_up: bool) -> Probe {
        Probe {
            status: NodeStatus {
                chain_id: "c".into(),
                height: 9,
                latest_block_time: 0,
                catching_up,
                moniker: "m".into(),
                earliest_height: 1,
            },
            latency_seconds: latency,
            block_age_seconds: age,
        }
    }

    fn cfg(paused: bool, enabled: bool) -> incentive::ConfigResponse {
        incentive::ConfigResponse {
            admin: Addr::unchecked("wasm1a"),
            pending_admin: None,
            ft_contract: Addr::unchecked("wasm1ft"),
            registry_contract: Addr::unchecked("wasm1reg"),
            config: incentive::IncentiveConfig {
                enabled,
                emergency_paused: paused,
                ..Default::default()
            },
        }
    }

    fn healthy() -> HealthProbe {
        HealthProbe {
            endpoint: "http://n".into(),
            expected_chain_id: "c".into(),
            contract: "wasm1inc".into(),
            probe: Ok(probe(0.01, 1.0, false)),
            config: Some(Ok(cfg(false, true))),
            minter: Some(Ok(Some(MinterResponse {
                minter: "wasm1inc".into(),
                cap: None,
            }))),
        }
    }

    fn levels(p: &HealthProbe) -> Vec<(&'static str, Level)> {
        evaluate_health(p, &T)
            .into_iter()
            .map(|c| (c.name, c.status))
            .collect()
    }

    #[test]
    fn healthy_stack_is_ok_everywhere() {
        let checks = evaluate_health(&healthy(), &T);
        assert_eq!(checks.len(), 6);
        assert!(checks.iter().all(|c| c.status == Level::Ok), "{checks:?}");
        assert!(summary_line(Level::Ok, &checks, "c").starts_with("LUCKEE HEALTH OK - 6 checks"));
    }

    #[test]
    fn each_threshold_and_failure_maps_to_its_level() {
        let mut p = healthy();
        p.probe = Err("connection refused".into());
        assert_eq!(levels(&p)[0], ("rpc", Level::Critical));
        assert!(levels(&p)[1..].iter().all(|(_, l)| *l == Level::Unknown));

        let mut p = healthy();
        p.probe = Ok(probe(6.0, 61.0, false));
        assert_eq!(
            &levels(&p)[..2],
            &[("rpc", Level::Warning), ("sync", Level::Warning)]
        );
        p.probe = Ok(probe(0.1, 121.0, false));
        assert_eq!(levels(&p)[1], ("sync", Level::Critical));
        p.probe = Ok(probe(0.1, 1.0, true));
        assert_eq!(levels(&p)[1], ("sync", Level::Critical));

        let mut p = healthy();
        p.expected_chain_id = "other".into();
        assert_eq!(levels(&p)[0], ("rpc", Level::Critical));

        let mut p = healthy();
        p.config = Some(Ok(cfg(true, false)));
        let l = levels(&p);
        assert_eq!(
            (l[3], l[4]),
            (("paused", Level::Warning), ("enabled", Level::Warning))
        );

        let mut p = healthy();
        p.config = Some(Err("no such contract".into()));
        assert_eq!(levels(&p)[2], ("get_config", Level::Critical));

        let mut p = healthy();
        p.minter = Some(Ok(Some(MinterResponse {
            minter: "wasm1thief".into(),
            cap: None,
        })));
        assert_eq!(levels(&p)[5], ("ft_minter", Level::Critical));
        p.minter = Some(Ok(None));
        assert_eq!(levels(&p)[5], ("ft_minter", Level::Critical));
        p.minter = Some(Err("timeout".into()));
        assert_eq!(levels(&p)[5], ("ft_minter", Level::Unknown));
        let checks = evaluate_health(&p, &T);
        assert!(
            summary_line(Level::worst(checks.iter().map(|c| c.status)), &checks, "c")
                .contains("ft_minter: minter of wasm1ft")
        );
    }
}
