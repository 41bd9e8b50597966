//! Prometheus metrics for node_exporter's textfile collector (`--metrics-file PATH` of
//! `ops status`, `ops health`, `ops gas` and `backup`).
//!
//! The file is Prometheus text format 0.0.4 (encoded by the `prometheus` crate), written
//! atomically (temp file in the same directory, fsync, rename) with mode 0644 so that
//! node_exporter, running as another user, can read it and never sees a torn file. The
//! collector only reads `*.prom` files: give each command its own, e.g.
//! `/var/lib/node_exporter/textfile/luckee_health.prom`.
//!
//! Every sample carries `chain_id`; per-contract samples also `contract` (the bech32 address).
//! The names are the ones `ops/prometheus/alerts.yml` is written against (a unit test checks
//! that every `luckee_*` name used there is in [`CATALOGUE`]).

use std::collections::BTreeMap;
use std::path::Path;

use prometheus::{CounterVec, GaugeVec, Opts, Registry, TextEncoder};

use crate::error::{Error, Result};

/// A metric luckee writes: name, help text and whether it is a counter (else a gauge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// Full metric name (`luckee_…`; counters end in `_total`).
    pub name: &'static str,
    /// `# HELP` text: meaning, unit and source.
    pub help: &'static str,
    /// `counter` (monotonic all-time total) or `gauge`.
    pub counter: bool,
}

const fn gauge(name: &'static str, help: &'static str) -> Metric {
    Metric {
        name,
        help,
        counter: false,
    }
}

const fn counter(name: &'static str, help: &'static str) -> Metric {
    Metric {
        name,
        help,
        counter: true,
    }
}

/// 1 when the run reached the RPC node and `get_config` answered, else 0 (ops status, health).
pub const UP: Metric = gauge(
    "luckee_up",
    "1 when luckee reached the RPC node and the incentive's get_config answered, else 0.",
);
/// Round trip of one `/status` call, seconds (ops status, health).
pub const RPC_LATENCY: Metric = gauge(
    "luckee_rpc_latency_seconds",
    "Round trip of one CometBFT /status call, seconds.",
);
/// Latest block height the node reported (`/status`).
pub const BLOCK_HEIGHT: Metric = gauge(
    "luckee_block_height",
    "Latest block height reported by the node (/status).",
);
/// Local time minus the latest block's time, seconds.
pub const BLOCK_AGE: Metric = gauge(
    "luckee_block_age_seconds",
    "Local time minus the latest block time (/status), seconds.",
);
/// 1 while `get_config.config.emergency_paused` is true.
pub const PAUSED: Metric = gauge(
    "luckee_incentive_paused",
    "1 while the incentive is emergency-paused (get_config.config.emergency_paused).",
);
/// 0 while `get_config.config.enabled` is false.
pub const ENABLED: Metric = gauge(
    "luckee_incentive_enabled",
    "0 while the incentive is disabled (get_config.config.enabled).",
);
/// 1 when the FT's minter (cw20 `minter` query) is the incentive contract.
pub const FT_MINTER_OK: Metric = gauge(
    "luckee_ft_minter_ok",
    "1 when the FT's minter (cw20 minter query) is the incentive contract, else 0.",
);
/// cw20 `token_info.total_supply` of the FT, base units.
pub const FT_TOTAL_SUPPLY: Metric = gauge(
    "luckee_ft_total_supply",
    "Total supply of the FT (cw20 token_info.total_supply), base units.",
);
/// Overall Nagios code of the last `ops health` (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
pub const HEALTH_STATUS: Metric = gauge(
    "luckee_health_status",
    "Result of the last luckee ops health: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
);
/// Simulated gas of one operation (`operation` label), `ops gas`.
pub const GAS_USAGE: Metric = gauge(
    "luckee_incentive_gas_usage",
    "Gas used by a simulated tx of one operation (luckee ops gas; nothing broadcast).",
);
/// Unix time at which the newest complete backup of a contract finished.
pub const BACKUP_LAST_SUCCESS: Metric = gauge(
    "luckee_backup_last_success_timestamp_seconds",
    "Unix time the newest complete backup of the contract finished (from its manifest.json).",
);
/// How long that backup took, seconds.
pub const BACKUP_DURATION: Metric = gauge(
    "luckee_backup_duration_seconds",
    "Duration of the newest complete backup of the contract, seconds.",
);
/// Total size of that backup's files, bytes.
pub const BACKUP_SIZE: Metric = gauge(
    "luckee_backup_size_bytes",
    "Total size of the files of the newest complete backup, bytes.",
);
/// Raw state entries in that backup.
pub const BACKUP_STATE_ENTRIES: Metric = gauge(
    "luckee_backup_state_entries",
    "Raw contract state entries (key/value pairs) in the newest complete backup.",
);
/// Block height that backup was read at.
pub const BACKUP_HEIGHT: Metric = gauge(
    "luckee_backup_height",
    "Block height the newest complete backup was read at.",
);
/// 1 when this run backed the contract up, 0 when it failed.
pub const BACKUP_LAST_RUN_SUCCESS: Metric = gauge(
    "luckee_backup_last_run_success",
    "1 when the last luckee backup run backed the contract up, 0 when it failed.",
);
/// `get_stats.totals.rewards_distributed_count`.
pub const REWARDS_DISTRIBUTED: Metric = counter(
    "luckee_incentive_rewards_distributed_total",
    "Activities that paid a reward, all time (get_stats.totals.rewards_distributed_count).",
);
/// `get_stats.totals.rewards_distributed_amount`, FT base units.
pub const REWARDS_DISTRIBUTED_AMOUNT: Metric = counter(
    "luckee_incentive_rewards_distributed_amount_total",
    "FT minted as rewards, base units, all time (get_stats.totals.rewards_distributed_amount).",
);
/// `get_stats.totals.activities_processed`.
pub const ACTIVITIES_PROCESSED: Metric = counter(
    "luckee_incentive_activities_processed_total",
    "Activities accepted and marked processed, all time (get_stats.totals.activities_processed).",
);
/// `get_stats.totals.activities_rejected`.
pub const ACTIVITIES_REJECTED: Metric = counter(
    "luckee_incentive_activities_rejected_total",
    "Batch items the contract rejected, all time (get_stats.totals.activities_rejected).",
);
/// `get_stats.totals.activities_skipped`.
pub const ACTIVITIES_SKIPPED: Metric = counter(
    "luckee_incentive_activities_skipped_total",
    "Batch items skipped as already processed, all time (get_stats.totals.activities_skipped).",
);
/// `get_stats.totals.points_awarded`.
pub const POINTS_AWARDED: Metric = counter(
    "luckee_incentive_points_awarded_total",
    "Points credited by rewards, all time (get_stats.totals.points_awarded).",
);
/// `get_stats.totals.points_exchanged_count`.
pub const POINTS_EXCHANGED: Metric = counter(
    "luckee_incentive_points_exchanged_total",
    "Successful mint_for_points exchanges, all time (get_stats.totals.points_exchanged_count).",
);
/// `get_stats.totals.points_exchanged_amount`.
pub const POINTS_EXCHANGED_AMOUNT: Metric = counter(
    "luckee_incentive_points_exchanged_amount_total",
    "Points burned by exchanges, all time (get_stats.totals.points_exchanged_amount).",
);
/// `get_stats.totals.points_exchange_minted`, FT base units.
pub const POINTS_EXCHANGE_MINTED: Metric = counter(
    "luckee_incentive_points_exchange_minted_total",
    "FT minted by points exchanges, base units, all time (get_stats.totals.points_exchange_minted).",
);

/// 1 when the RPC endpoint answered the monitor's last probe (`endpoint` label), else 0.
pub const RPC_UP: Metric = gauge(
    "luckee_rpc_up",
    "1 when the RPC endpoint answered the last probe of luckee ops monitor, else 0.",
);
/// Round trip of one `/status` call to one endpoint (`endpoint` label), seconds.
pub const RPC_ENDPOINT_LATENCY: Metric = gauge(
    "luckee_rpc_endpoint_latency_seconds",
    "Round trip of one CometBFT /status call to this endpoint (luckee ops monitor), seconds.",
);
/// Height of the `--reference-node` minus ours, blocks (`reference` label).
pub const BLOCK_LAG: Metric = gauge(
    "luckee_block_lag",
    "Latest height of the reference node minus the monitored node's, blocks (luckee ops monitor).",
);
/// Code id a contract runs (`contract`, `name`), from `ContractInfo`.
pub const CONTRACT_CODE_ID: Metric = gauge(
    "luckee_contract_code_id",
    "Code id the contract runs (ContractInfo); changes with a migration.",
);
/// Always 1; the labels carry a contract's code id, checksum, chain-level admin, label and cw2
/// version.
pub const CONTRACT_INFO: Metric = gauge(
    "luckee_contract_info",
    "Always 1: the contract's code_id, checksum, chain-level admin, label and cw2 version as labels.",
);
/// Always 1; the labels carry the incentive's admin and pending admin (`get_config`).
pub const INCENTIVE_ADMIN_INFO: Metric = gauge(
    "luckee_incentive_admin_info",
    "Always 1: the incentive's admin and pending admin (get_config) as labels.",
);
/// Changes seen by `ops monitor` between two probes (`contract`, `kind`: admin, pending_admin,
/// chain_admin, code, minter, config, rules, reporters) since it started.
pub const STATE_CHANGES: Metric = counter(
    "luckee_state_changes_total",
    "Changes luckee ops monitor saw between two probes since it started (kind: admin, pending_admin, chain_admin, code, minter, config, rules, reporters).",
);
/// Probes of `ops monitor` since it started (`result`: ok, error).
pub const MONITOR_PROBES: Metric = counter(
    "luckee_monitor_probes_total",
    "Probes of luckee ops monitor since it started, by result (ok, error).",
);
/// Failed probes in a row (0 after a success).
pub const MONITOR_CONSECUTIVE_FAILURES: Metric = gauge(
    "luckee_monitor_consecutive_failures",
    "Failed probes of luckee ops monitor in a row (0 after a successful one).",
);
/// Wall time of the last probe, seconds.
pub const MONITOR_PROBE_DURATION: Metric = gauge(
    "luckee_monitor_probe_duration_seconds",
    "Wall time of the last probe of luckee ops monitor, seconds.",
);
/// Unix time the last probe finished.
pub const MONITOR_LAST_PROBE: Metric = gauge(
    "luckee_monitor_last_probe_timestamp_seconds",
    "Unix time the last probe of luckee ops monitor finished.",
);

/// Activities reported and decided, all time, from the event archive (`events stats`, `ops
/// monitor --events-db`): paid + rejected + reported by failed txs. The seed's name.
pub const REWARD_ATTEMPTS: Metric = counter(
    "reward_distribution_attempts_total",
    "Activities reported to the incentive and decided (paid, rejected, or in a failed tx), all time, from luckee's event archive.",
);
/// Of those, not paid: rejected batch items + activities of failed reward txs.
pub const REWARD_FAILURES: Metric = counter(
    "reward_distribution_failures_total",
    "Activities not paid: rejected batch items plus the activities of reward txs that failed on chain, all time, from luckee's event archive.",
);
/// Points exchanges attempted (successful + failed `mint_for_points` txs).
pub const EXCHANGE_ATTEMPTS: Metric = counter(
    "points_exchange_attempts_total",
    "Points exchanges (mint_for_points) attempted, successful or failed on chain, all time, from luckee's event archive.",
);
/// Points exchange txs that failed on chain.
pub const EXCHANGE_FAILURES: Metric = counter(
    "points_exchange_failures_total",
    "Points exchange (mint_for_points) txs that failed on chain, all time, from luckee's event archive.",
);
/// Txs to any of the three contracts.
pub const INTERACTIONS: Metric = counter(
    "contract_interactions_total",
    "Txs to any of the deployment's contracts, all time, from luckee's event archive.",
);
/// Of those, failed on chain.
pub const INTERACTION_FAILURES: Metric = counter(
    "contract_interaction_failures_total",
    "Txs to any of the deployment's contracts that failed on chain, all time, from luckee's event archive.",
);
/// The archive's cursor: last fully archived height.
pub const EVENTS_HEIGHT: Metric = gauge(
    "luckee_events_archived_height",
    "Last block height fully archived by luckee events sync (the archive's cursor).",
);

/// Every metric luckee can write.
pub const CATALOGUE: &[Metric] = &[
    REWARD_ATTEMPTS,
    REWARD_FAILURES,
    EXCHANGE_ATTEMPTS,
    EXCHANGE_FAILURES,
    INTERACTIONS,
    INTERACTION_FAILURES,
    EVENTS_HEIGHT,
    UP,
    RPC_LATENCY,
    BLOCK_HEIGHT,
    BLOCK_AGE,
    PAUSED,
    ENABLED,
    FT_MINTER_OK,
    FT_TOTAL_SUPPLY,
    HEALTH_STATUS,
    GAS_USAGE,
    BACKUP_LAST_SUCCESS,
    BACKUP_DURATION,
    BACKUP_SIZE,
    BACKUP_STATE_ENTRIES,
    BACKUP_HEIGHT,
    BACKUP_LAST_RUN_SUCCESS,
    REWARDS_DISTRIBUTED,
    REWARDS_DISTRIBUTED_AMOUNT,
    ACTIVITIES_PROCESSED,
    ACTIVITIES_REJECTED,
    ACTIVITIES_SKIPPED,
    POINTS_AWARDED,
    POINTS_EXCHANGED,
    POINTS_EXCHANGED_AMOUNT,
    POINTS_EXCHANGE_MINTED,
    RPC_UP,
    RPC_ENDPOINT_LATENCY,
    BLOCK_LAG,
    CONTRACT_CODE_ID,
    CONTRACT_INFO,
    INCENTIVE_ADMIN_INFO,
    STATE_CHANGES,
    MONITOR_PROBES,
    MONITOR_CONSECUTIVE_FAILURES,
    MONITOR_PROBE_DURATION,
    MONITOR_LAST_PROBE,
];

enum Family {
    Gauge(GaugeVec),
    Counter(CounterVec),
}

/// The metrics of one run, all labelled with `chain_id`.
pub struct Metrics {
    chain_id: String,
    registry: Registry,
    families: BTreeMap<&'static str, (Vec<String>, Family)>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("chain_id", &self.chain_id)
            .field("metrics", &self.families.keys())
            .finish()
    }
}

impl Metrics {
    /// An empty set for `chain_id`.
    pub fn new(chain_id: &str) -> Metrics {
        Metrics {
            chain_id: chain_id.into(),
            registry: Registry::new(),
            families: BTreeMap::new(),
        }
    }

    /// Sets `metric` with `labels` (besides `chain_id`) to `value`. A metric always takes the
    /// same label names; counters take the all-time total read from the chain.
    pub fn set(&mut self, metric: Metric, labels: &[(&str, &str)], value: f64) {
        let names: Vec<String> = std::iter::once("chain_id")
            .chain(labels.iter().map(|(k, _)| *k))
            .map(String::from)
            .collect();
        let values: Vec<&str> = std::iter::once(self.chain_id.as_str())
            .chain(labels.iter().map(|(_, v)| *v))
            .collect();
        let (have, family) = self.families.entry(metric.name).or_insert_with(|| {
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let opts = Opts::new(metric.name, metric.help);
            let family = if metric.counter {
                let v = CounterVec::new(opts, &refs).expect("valid metric name and labels");
                self.registry
                    .register(Box::new(v.clone()))
                    .expect("registered once");
                Family::Counter(v)
            } else {
                let v = GaugeVec::new(opts, &refs).expect("valid metric name and labels");
                self.registry
                    .register(Box::new(v.clone()))
                    .expect("registered once");
                Family::Gauge(v)
            };
            (names.clone(), family)
        });
        assert_eq!(
            *have, names,
            "metric {} used with two label sets",
            metric.name
        );
        match family {
            Family::Gauge(g) => g.with_label_values(&values).set(value),
            Family::Counter(c) => {
                let c = c.with_label_values(&values);
                c.reset();
                c.inc_by(value.max(0.0));
            }
        }
    }

    /// [`Metrics::set`] with a boolean as 1 / 0.
    pub fn set_bool(&mut self, metric: Metric, labels: &[(&str, &str)], value: bool) {
        self.set(metric, labels, if value { 1.0 } else { 0.0 });
    }

    /// The Prometheus text format (0.0.4) of everything set so far.
    pub fn render(&self) -> String {
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .expect("metrics encode")
    }

    /// Writes [`Metrics::render`] to `path` atomically, mode 0644 (see the module docs).
    ///
    /// Errors: exit 2 if `path` names no file; exit 6 if the directory does not exist or is not
    /// writable.
    pub fn write(&self, path: &Path) -> Result<()> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if path.file_name().is_none() {
            return Err(Error::usage(format!(
                "--metrics-file {}: not a file path",
                path.display()
            )));
        }
        crate::fs::atomic_write_mode(dir, path, self.render().as_bytes(), Some(0o644))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_text_format_with_chain_id_and_types() {
        let mut m = Metrics::new("luckee-local");
        m.set(UP, &[("contract", "wasm1inc")], 1.0);
        m.set(
            GAS_USAGE,
            &[("contract", "wasm1inc"), ("operation", "update_rules")],
            51234.0,
        );
        m.set(
            GAS_USAGE,
            &[("contract", "wasm1inc"), ("operation", "mint_for_points")],
            80000.0,
        );
        m.set(REWARDS_DISTRIBUTED, &[("contract", "wasm1inc")], 7.0);
        m.set(REWARDS_DISTRIBUTED, &[("contract", "wasm1inc")], 9.0);
        let t = m.render();
        assert!(t.contains("# TYPE luckee_up gauge\nluckee_up{chain_id=\"luckee-local\",contract=\"wasm1inc\"} 1\n"), "{t}");
        assert!(t.contains("luckee_incentive_gas_usage{chain_id=\"luckee-local\",contract=\"wasm1inc\",operation=\"update_rules\"} 51234\n"), "{t}");
        assert!(
            t.contains("# TYPE luckee_incentive_rewards_distributed_total counter\n"),
            "{t}"
        );
        assert!(t.contains("luckee_incentive_rewards_distributed_total{chain_id=\"luckee-local\",contract=\"wasm1inc\"} 9\n"), "{t}");
    }

    #[test]
    fn label_values_are_escaped() {
        let mut m = Metrics::new("a\"b");
        m.set(UP, &[("contract", "x\\y\nz")], 0.0);
        assert!(
            m.render()
                .contains(r#"luckee_up{chain_id="a\"b",contract="x\\y\nz"} 0"#),
            "{}",
            m.render()
        );
    }

    #[test]
    fn write_is_atomic_and_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("luckee.prom");
        let mut m = Metrics::new("c");
        m.set(BLOCK_HEIGHT, &[], 5.0);
        m.write(&path).unwrap();
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("luckee_block_height{chain_id=\"c\"} 5"));
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("luckee.prom")]);
        assert_eq!(
            m.write(&dir.path().join("missing/x.prom"))
                .unwrap_err()
                .exit_code(),
            6
        );
    }

    /// Every `luckee_*` metric the shipped alerting rules use is one luckee writes.
    #[test]
    fn alert_rules_use_only_emitted_metric_names() {
        let rules = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ops/prometheus/alerts.yml"
        ))
        .unwrap();
        let mut used = std::collections::BTreeSet::new();
        // Comments and group names are not expressions.
        for line in rules
            .lines()
            .filter(|l| !l.trim_start().starts_with('#') && !l.trim_start().starts_with("- name:"))
        {
            let mut rest = line;
            while let Some(i) = rest.find("luckee_") {
                let name: String = rest[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // `luckee:…` recording rules and regex label values such as `.*luckee_health.*`
                // or `…/luckee_backup.prom` are not metrics.
                let before = rest[..i].chars().last();
                if !matches!(before, Some('.' | ':' | '*' | '/')) {
                    used.insert(name.clone());
                }
                rest = &rest[i + name.len()..];
            }
        }
        assert!(used.len() >= 10, "{used:?}");
        let known: Vec<&str> = CATALOGUE.iter().map(|m| m.name).collect();
        let unknown: Vec<_> = used
            .iter()
            .filter(|n| !known.contains(&n.as_str()))
            .collect();
        assert!(
            unknown.is_empty(),
            "alerts.yml uses metrics luckee never writes: {unknown:?}"
        );
    }
}
