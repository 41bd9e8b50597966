//! `luckee ops monitor [--listen 127.0.0.1:9464] [--interval 15s] [--reference-node URL]` — a
//! long-running Prometheus exporter for the stack (replaces the seed's `monitor.js`).
//!
//! Every interval it probes the chain and the three contracts through the typed clients (the
//! same reads as `ops status`, at one height: [`super::status::read`]) and renders the metrics
//! that `GET /metrics` serves (Prometheus text format 0.0.4, encoded by the `prometheus`
//! crate, the same names as the `--metrics-file` of the one-shot commands, see
//! [`crate::metrics`]). `GET /healthz` answers 200 while probes complete on schedule, 503 when
//! none completed for three intervals. Routing alerts is Alertmanager's job: the rules in
//! `ops/prometheus/alerts.yml` and the routes in `ops/alertmanager/alertmanager.yml` turn these
//! metrics into notifications.
//!
//! Between two successful probes it compares what must not change unnoticed ([`Watched`]:
//! incentive admin and pending admin, chain-level admin, code id (a migration), FT minter,
//! configuration, rules, reporters). Each change increments
//! `luckee_state_changes_total{contract,kind}` (every kind exists from the first probe at 0,
//! so that `increase()` sees the first change) and is logged as one structured line naming old
//! and new.
//!
//! Each configured RPC endpoint (and the reference node) is also probed on its own with one
//! `/status`: `luckee_rpc_up{endpoint}` and `luckee_rpc_endpoint_latency_seconds{endpoint}`.
//!
//! A failed probe never stops the process: it sets `luckee_up 0` and counts in
//! `luckee_monitor_consecutive_failures`. SIGTERM or SIGINT: the current probe finishes, the
//! server stops, exit 0.
//!
//! With `--events-db`, each probe also reads the rows `luckee events sync --follow` archived
//! since the previous probe and serves the archive's all-time counters (the seed's
//! `reward_distribution_failures_total`, … and `luckee_events_archived_height`); an archive
//! that cannot be read is logged and its series left out of that probe.
//!
//! Exit codes: 0 after a signal; 2 bad flags (a non-loopback `--listen` without
//! `--listen-public`, an address that cannot be bound, a bad `--events-db`), no deployment;
//! 4 an `--events-db` server that cannot be reached at start.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use clap::Args;
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Method, Request, Response, StatusCode};
use luckee_types::incentive;
use tokio::sync::watch;

use super::status::{read, StatusRead};
use super::{incentive_address, monitoring_client, OpsArgs};
use crate::chain::ChainClient;
use crate::clock::unix_now;
use crate::cmd::Context;
use crate::error::{Error, Result};
use crate::metrics::{self, Metrics};

/// Flags of `ops monitor`.
#[derive(Debug, Clone, Args)]
pub struct MonitorArgs {
    /// Address to serve `/metrics` and `/healthz` on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:9464")]
    pub listen: SocketAddr,
    /// Allow a `--listen` address that is not loopback (put a firewall or a reverse proxy in
    /// front: the metrics name addresses and balances).
    #[arg(long)]
    pub listen_public: bool,
    /// Time between two probes, e.g. 15s, 1m.
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = humantime::parse_duration)]
    pub interval: Duration,
    /// Time limit of each RPC request of a probe.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,
    /// A second RPC endpoint (e.g. a public node of the same chain): its latest height minus
    /// ours is `luckee_block_lag`.
    #[arg(long, value_name = "URL")]
    pub reference_node: Option<String>,
    /// Also simulate distribute_reward, mint_for_points and update_rules (as `ops gas` does,
    /// with the `[ops]` key files; nothing broadcast) every DURATION, e.g. 10m:
    /// `luckee_incentive_gas_usage{operation}`.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub gas_every: Option<Duration>,
    /// Also serve the event archive's all-time counters (reward_distribution_failures_total,
    /// …, luckee_events_archived_height), read incrementally each probe from the archive that
    /// `luckee events sync --follow` fills: `sqlite:PATH` or `postgres://…`.
    #[arg(
        long,
        value_name = "URL",
        env = "LUCKEE_EVENTS_DB",
        hide_env_values = true
    )]
    pub events_db: Option<String>,
}

/// Refuses (exit 2) a non-loopback listen address unless `public` is set. Pure.
pub fn check_listen(addr: SocketAddr, public: bool) -> Result<()> {
    if addr.ip().is_loopback() || public {
        return Ok(());
    }
    Err(Error::usage(format!(
        "--listen {addr} is not a loopback address: the metrics name addresses and balances; \
         add --listen-public to serve them on {} anyway",
        addr.ip()
    )))
}

/// What must not change unnoticed, read by one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    /// `get_config.admin`.
    pub admin: String,
    /// `get_config.pending_admin` (empty: none).
    pub pending_admin: String,
    /// Chain-level (migration) admin of each contract by name (`ContractInfo`).
    pub chain_admins: BTreeMap<String, String>,
    /// Code id of each contract by name (changes with a migration).
    pub codes: BTreeMap<String, String>,
    /// The FT and registry the incentive uses (`get_config.ft_contract`, `registry_contract`).
    pub contracts: String,
    /// The FT's minter (cw20 `minter`; empty: none).
    pub minter: String,
    /// `get_config.config` (switches, exchange rate) as JSON.
    pub config: String,
    /// Rules by id, each as JSON.
    pub rules: BTreeMap<String, String>,
    /// Reporters by address, each as JSON (without `registered_at`).
    pub reporters: BTreeMap<String, String>,
}

/// Every kind of [`Change`], in `luckee_state_changes_total{kind}`.
pub const CHANGE_KINDS: [&str; 9] = [
    "admin",
    "pending_admin",
    "chain_admin",
    "code",
    "minter",
    "contracts",
    "config",
    "rules",
    "reporters",
];

/// One difference between two probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// One of [`CHANGE_KINDS`].
    pub kind: &'static str,
    /// Before (for rules and reporters: the ids added, changed and removed).
    pub old: String,
    /// After.
    pub new: String,
}

impl Watched {
    /// The watched part of a probe's reads.
    pub fn of(p: &ProbeRead) -> Watched {
        let r = &p.status;
        let by_name = |f: &dyn Fn(&crate::chain::ContractInfo) -> String| {
            p.contracts
                .iter()
                .map(|(name, _, info)| (name.to_string(), f(info)))
                .collect()
        };
        Watched {
            admin: r.report.config.admin.to_string(),
            pending_admin: r
                .report
                .config
                .pending_admin
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default(),
            chain_admins: by_name(&|i| i.admin.clone()),
            codes: by_name(&|i| i.code_id.to_string()),
            minter: r
                .report
                .ft
                .minter
                .as_ref()
                .map(|m| m.minter.clone())
                .unwrap_or_default(),
            contracts: format!(
                "ft {} registry {}",
                r.report.config.ft_contract, r.report.config.registry_contract
            ),
            config: json(&r.report.config.config),
            rules: r.rules.iter().map(|x| (x.id.clone(), json(x))).collect(),
            reporters: r
                .reporters
                .iter()
                .map(|x| {
                    let c = incentive::RegisteredContract {
                        registered_at: 0,
                        ..x.clone()
                    };
                    (x.address.to_string(), json(&c))
                })
                .collect(),
        }
    }
}

/// Compact JSON of a query response (for comparisons).
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("query responses serialize")
}

/// `+id ~id -id` of two keyed sets (added, changed, removed).
fn set_diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> String {
    let mut out = Vec::new();
    for (k, v) in new {
        match old.get(k) {
            None => out.push(format!("+{k}")),
            Some(o) if o != v => out.push(format!("~{k}")),
            _ => {}
        }
    }
    out.extend(
        old.keys()
            .filter(|k| !new.contains_key(*k))
            .map(|k| format!("-{k}")),
    );
    out.join(" ")
}

/// `name: old → new` for each key whose value differs between two maps.
fn map_diff(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Option<(String, String)> {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let diffs: Vec<(&String, String, String)> = keys
        .into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| {
            let v = |m: &BTreeMap<String, String>| {
                m.get(k)
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .unwrap_or_else(|| "(none)".into())
            };
            (k, v(old), v(new))
        })
        .collect();
    if diffs.is_empty() {
        return None;
    }
    let join = |f: &dyn Fn(&(&String, String, String)) -> String| {
        diffs.iter().map(f).collect::<Vec<_>>().join(", ")
    };
    Some((
        join(&|d| format!("{} {}", d.0, d.1)),
        join(&|d| format!("{} {}", d.0, d.2)),
    ))
}

/// The differences from `prev` to `next`, in [`CHANGE_KINDS`] order. Pure.
pub fn changes(prev: &Watched, next: &Watched) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |kind, old: String, new: String| out.push(Change { kind, old, new });
    let show = |s: &str| {
        if s.is_empty() {
            "(none)".to_string()
        } else {
            s.to_string()
        }
    };
    for (kind, old, new) in [
        ("admin", &prev.admin, &next.admin),
        ("pending_admin", &prev.pending_admin, &next.pending_admin),
    ] {
        if old != new {
            push(kind, show(old), show(new));
        }
    }
    for (kind, old, new) in [
        ("chain_admin", &prev.chain_admins, &next.chain_admins),
        ("code", &prev.codes, &next.codes),
    ] {
        if let Some((o, n)) = map_diff(old, new) {
            push(kind, o, n);
        }
    }
    for (kind, old, new) in [
        ("minter", &prev.minter, &next.minter),
        ("contracts", &prev.contracts, &next.contracts),
        ("config", &prev.config, &next.config),
    ] {
        if old != new {
            push(kind, show(old), show(new));
        }
    }
    for (kind, old, new) in [
        ("rules", &prev.rules, &next.rules),
        ("reporters", &prev.reporters, &next.reporters),
    ] {
        if old != new {
            push(
                kind,
                format!("{} entries", old.len()),
                format!("{} entries: {}", new.len(), set_diff(old, new)),
            );
        }
    }
    out
}

/// What the monitor has counted since it started.
#[derive(Debug, Default)]
struct Counts {
    /// Changes by kind.
    changes: BTreeMap<&'static str, u64>,
    probes_ok: u64,
    probes_failed: u64,
    consecutive_failures: u64,
}

/// What the HTTP server serves.
#[derive(Debug, Default)]
struct Served {
    /// The latest `/metrics` body.
    metrics: String,
    /// Unix time the latest probe finished (0: none yet).
    last_probe_unix: f64,
    /// Whether it succeeded.
    last_probe_ok: bool,
}

/// One probe's reads: the status reads of the incentive and the `ContractInfo` of each of the
/// three contracts (`luckee_incentive`, `mock_ft`, `mock_registry`; the FT and registry are the
/// ones `get_config` names).
pub struct ProbeRead {
    /// The incentive's status reads.
    pub status: StatusRead,
    /// `(name, address, ContractInfo)` of each contract found.
    pub contracts: Vec<(&'static str, String, crate::chain::ContractInfo)>,
}

/// The metrics of one probe: each endpoint on its own (role `node`) and the reference node
/// (role `reference`), then the status reads (or the error), the three contracts' code and
/// admins, and the block lag.
async fn probe(
    client: &ChainClient,
    endpoints: &[ChainClient],
    reference: Option<&ChainClient>,
    contract: &str,
    checksums: &mut BTreeMap<u64, String>,
    m: &mut Metrics,
) -> Result<ProbeRead> {
    let mut reference_height = None;
    let roles = endpoints
        .iter()
        .map(|e| (e, "node"))
        .chain(reference.map(|r| (r, "reference")));
    for (e, role) in roles {
        let start = Instant::now();
        let status = e.status().await;
        let l = [("endpoint", e.endpoint()), ("role", role)];
        m.set_bool(metrics::RPC_UP, &l, status.is_ok());
        match status {
            Ok(st) => {
                m.set(
                    metrics::RPC_ENDPOINT_LATENCY,
                    &l,
                    start.elapsed().as_secs_f64(),
                );
                if role == "reference" {
                    reference_height = Some(st.height);
                }
            }
            Err(err) => tracing::warn!(endpoint = e.endpoint(), role, "RPC endpoint: {err}"),
        }
    }
    let r = read(client, contract, m).await?;
    let height = r.report.probe.status.height;
    if let (Some(refc), Some(rh)) = (reference, reference_height) {
        m.set(
            metrics::BLOCK_LAG,
            &[("reference", refc.endpoint())],
            rh as f64 - height as f64,
        );
    }
    let h = Some(height);
    let c = &r.report.config;
    m.set(
        metrics::INCENTIVE_ADMIN_INFO,
        &[
            ("contract", contract),
            ("admin", c.admin.as_str()),
            (
                "pending_admin",
                c.pending_admin.as_ref().map(|a| a.as_str()).unwrap_or(""),
            ),
        ],
        1.0,
    );
    let mut rows = vec![(
        "luckee_incentive",
        contract.to_string(),
        r.report.contract.clone(),
        r.report.cw2.clone(),
    )];
    for (name, address) in [
        ("mock_ft", c.ft_contract.to_string()),
        ("mock_registry", c.registry_contract.to_string()),
    ] {
        if let Some(info) = client.contract_info_at(&address, h).await? {
            let cw2 = client.cw2_version_at(&address, h).await?;
            rows.push((name, address, info, cw2));
        }
    }
    let mut contracts = Vec::new();
    for (name, address, info, cw2) in rows {
        // A code's checksum never changes: asked once per code id.
        let checksum = match checksums.get(&info.code_id) {
            Some(c) => c.clone(),
            None => {
                let c = client
                    .code_info(info.code_id)
                    .await?
                    .map(|c| c.checksum)
                    .unwrap_or_default();
                if !c.is_empty() {
                    checksums.insert(info.code_id, c.clone());
                }
                c
            }
        };
        let code_id = info.code_id.to_string();
        let version = cw2.map(|(_, v)| v).unwrap_or_default();
        m.set(
            metrics::CONTRACT_CODE_ID,
            &[("contract", &address), ("name", name)],
            info.code_id as f64,
        );
        m.set(
            metrics::CONTRACT_INFO,
            &[
                ("contract", &address),
                ("name", name),
                ("code_id", &code_id),
                ("checksum", &checksum),
                ("admin", &info.admin),
                ("label", &info.label),
                ("version", &version),
            ],
            1.0,
        );
        contracts.push((name, address, info));
    }
    Ok(ProbeRead {
        status: r,
        contracts,
    })
}

/// Sets the monitor's own metrics (counts since start, the latest probe's duration).
fn set_monitor_metrics(m: &mut Metrics, contract: &str, n: &Counts, seconds: f64) {
    for kind in CHANGE_KINDS {
        m.set(
            metrics::STATE_CHANGES,
            &[("contract", contract), ("kind", kind)],
            n.changes.get(kind).copied().unwrap_or(0) as f64,
        );
    }
    m.set(
        metrics::MONITOR_PROBES,
        &[("result", "ok")],
        n.probes_ok as f64,
    );
    m.set(
        metrics::MONITOR_PROBES,
        &[("result", "error")],
        n.probes_failed as f64,
    );
    m.set(
        metrics::MONITOR_CONSECUTIVE_FAILURES,
        &[],
        n.consecutive_failures as f64,
    );
    m.set(metrics::MONITOR_PROBE_DURATION, &[], seconds);
    m.set(metrics::MONITOR_LAST_PROBE, &[], unix_now());
}

/// Answers one HTTP request from `served`.
fn respond(served: &RwLock<Served>, req: &Request<Body>, interval: Duration) -> Response<Body> {
    let s = served.read().expect("lock not poisoned");
    let reply = |code: StatusCode, ctype: &str, body: String| {
        Response::builder()
            .status(code)
            .header("Content-Type", ctype)
            .body(Body::from(body))
            .expect("a valid response")
    };
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/metrics") => reply(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            s.metrics.clone(),
        ),
        (&Method::GET, "/healthz") => {
            let age = unix_now() - s.last_probe_unix;
            let fresh = s.last_probe_unix > 0.0 && age <= 3.0 * interval.as_secs_f64();
            let body = serde_json::json!({
                "status": if fresh { "ok" } else { "stale" },
                "last_probe_ok": s.last_probe_ok,
                "last_probe_age_seconds": if s.last_probe_unix > 0.0 { Some(age) } else { None },
            })
            .to_string();
            let code = if fresh {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            reply(code, "application/json", body + "\n")
        }
        _ => reply(
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found: GET /metrics or /healthz\n".into(),
        ),
    }
}

/// With `--gas-every`: a task that simulates the three hot operations ([`super::gas::measure`])
/// at start and then every interval, each run bounded by `4 × --timeout + 30 s`, and keeps
/// the rows of the last successful run (none after a failed one, so no stale figures are
/// served). It never delays a probe and stops with `stop`. Without the flag: no rows.
fn spawn_gas_probe(
    ctx: &Context,
    contract: &str,
    a: &MonitorArgs,
    mut stop: watch::Receiver<bool>,
) -> Arc<RwLock<Vec<super::gas::GasRow>>> {
    let rows = Arc::new(RwLock::new(Vec::new()));
    let Some(every) = a.gas_every else {
        return rows;
    };
    let (ctx, contract, shared) = (ctx.clone(), contract.to_string(), rows.clone());
    let limit = a.timeout * 4 + Duration::from_secs(30);
    tokio::spawn(async move {
        loop {
            let args = super::gas::GasArgs::from_config();
            let run = super::gas::measure(&ctx, &contract, &args);
            let fresh = tokio::select! {
                r = tokio::time::timeout(limit, run) => match r {
                    Ok(Ok(rows)) => rows,
                    Ok(Err(e)) => {
                        tracing::warn!("gas simulation: {e}");
                        vec![]
                    }
                    Err(_) => {
                        tracing::warn!("gas simulation: no answer within {limit:?}");
                        vec![]
                    }
                },
                _ = stop.wait_for(|s| *s) => return,
            };
            *shared.write().expect("lock not poisoned") = fresh;
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    });
    rows
}

/// Runs `ops monitor` until SIGTERM / SIGINT.
pub async fn run(ctx: &Context, args: &OpsArgs, a: &MonitorArgs) -> Result<()> {
    check_listen(a.listen, a.listen_public)?;
    if a.interval.is_zero() {
        return Err(Error::usage("--interval must be above zero"));
    }
    let contract = incentive_address(ctx, args)?;
    let client = monitoring_client(ctx, a.timeout)?;
    // One client per endpoint, one attempt each: per-endpoint up and latency.
    let single = |url: &str| {
        let mut net = ctx.net.clone();
        net.rpc = vec![url.to_string()];
        let retry = crate::chain::RetryPolicy {
            attempts: 1,
            request_timeout: a.timeout,
            budget: a.timeout,
            ..Default::default()
        };
        ChainClient::new(net, retry)
    };
    let endpoints = ctx
        .net
        .rpc
        .iter()
        .map(|u| single(u))
        .collect::<Result<Vec<_>>>()?;
    let reference = a.reference_node.as_deref().map(single).transpose()?;
    let served = Arc::new(RwLock::new(Served::default()));
    let (stop_tx, mut stop) = watch::channel(false);
    crate::cmd::watch_signals(stop_tx, "the current probe")?;

    let interval = a.interval;
    let for_server = served.clone();
    let make = make_service_fn(move |_| {
        let served = for_server.clone();
        async move {
            Ok::<_, Infallible>(service_fn(move |req| {
                let served = served.clone();
                async move { Ok::<_, Infallible>(respond(&served, &req, interval)) }
            }))
        }
    });
    let server = hyper::Server::try_bind(&a.listen)
        .map_err(|e| Error::usage(format!("cannot listen on {}: {e}", a.listen)))?
        .serve(make);
    let bound = server.local_addr();
    let mut server_stop = stop.clone();
    let server = tokio::spawn(server.with_graceful_shutdown(async move {
        let _ = server_stop.wait_for(|s| *s).await;
    }));
    tracing::info!(listen = %bound, contract = %contract, interval = ?interval, "monitor started");
    println!(
        "luckee ops monitor: serving http://{bound}/metrics, probing {contract} every {}",
        humantime::format_duration(interval)
    );

    let mut counts = Counts::default();
    let mut prev: Option<Watched> = None;
    let mut prev_height = 0u64;
    let mut checksums = BTreeMap::new();
    let gas_rows = spawn_gas_probe(ctx, &contract, a, stop.clone());
    let mut archive = match &a.events_db {
        Some(url) => Some((
            crate::events::Archive::open(url).await?,
            crate::events::Tally::new(&contract),
        )),
        None => None,
    };
    loop {
        let started = Instant::now();
        let mut m = Metrics::new(&ctx.net.chain_id);
        for r in gas_rows.read().expect("lock not poisoned").iter() {
            if let Some(gas) = r.gas_used {
                m.set(
                    metrics::GAS_USAGE,
                    &[("contract", &contract), ("operation", r.operation)],
                    gas as f64,
                );
            }
        }
        let result = probe(
            &client,
            &endpoints,
            reference.as_ref(),
            &contract,
            &mut checksums,
            &mut m,
        )
        .await;
        let ok = result.is_ok();
        match result {
            Ok(r) if r.status.report.probe.status.height < prev_height => {
                // An endpoint behind the one read before (failover): comparing would count
                // recent changes as reverted and applied again.
                counts.probes_ok += 1;
                counts.consecutive_failures = 0;
                tracing::info!(
                    height = r.status.report.probe.status.height,
                    prev_height,
                    "probe read an older height than the previous one: not compared"
                );
            }
            Ok(r) => {
                counts.probes_ok += 1;
                counts.consecutive_failures = 0;
                prev_height = r.status.report.probe.status.height;
                let next = Watched::of(&r);
                if let Some(p) = &prev {
                    for c in changes(p, &next) {
                        *counts.changes.entry(c.kind).or_default() += 1;
                        tracing::warn!(
                            contract = %contract,
                            kind = c.kind,
                            old = %c.old,
                            new = %c.new,
                            "state changed: {} {} → {}",
                            c.kind,
                            c.old,
                            c.new
                        );
                    }
                }
                prev = Some(next);
            }
            Err(e) => {
                counts.probes_failed += 1;
                counts.consecutive_failures += 1;
                tracing::error!(
                    contract = %contract,
                    consecutive_failures = counts.consecutive_failures,
                    "probe failed: {}",
                    crate::chain::one_line(&e.to_string())
                );
            }
        }
        m.set_bool(metrics::UP, &[("contract", &contract)], ok);
        if let Some((db, tally)) = archive.as_mut() {
            match db.refresh(&ctx.net.chain_id, tally).await {
                Ok(cursor) => tally.total.export(&mut m, cursor),
                Err(e) => tracing::warn!(db = %db.shown, "event archive: {e}"),
            }
        }
        set_monitor_metrics(&mut m, &contract, &counts, started.elapsed().as_secs_f64());
        {
            let mut s = served.write().expect("lock not poisoned");
            s.metrics = m.render();
            s.last_probe_unix = unix_now();
            s.last_probe_ok = ok;
        }
        if *stop.borrow() {
            break;
        }
        let wait = interval.saturating_sub(started.elapsed());
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
    server
        .await
        .map_err(|e| Error::usage(format!("metrics server: {e}")))?
        .map_err(|e| Error::usage(format!("metrics server: {e}")))?;
    tracing::info!("monitor stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched() -> Watched {
        let map = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        Watched {
            admin: "wasm1a".into(),
            pending_admin: String::new(),
            chain_admins: map(&[("luckee_incentive", "wasm1a"), ("mock_ft", "wasm1a")]),
            codes: map(&[("luckee_incentive", "3"), ("mock_ft", "2")]),
            minter: "wasm1inc".into(),
            contracts: "ft wasm1ft registry wasm1reg".into(),
            config: "{\"emergency_paused\":false}".into(),
            rules: map(&[("game_win", "{\"reward\":\"5\"}")]),
            reporters: map(&[("wasm1r", "{}")]),
        }
    }

    #[test]
    fn no_change_between_equal_probes() {
        assert!(changes(&watched(), &watched()).is_empty());
    }

    #[test]
    fn each_change_is_named_with_old_and_new() {
        let a = watched();
        let mut b = watched();
        b.admin = "wasm1b".into();
        b.pending_admin = "wasm1c".into();
        b.chain_admins.insert("mock_ft".into(), String::new());
        b.codes.insert("mock_ft".into(), "5".into());
        b.minter = String::new();
        b.contracts = "ft wasm1evil registry wasm1reg".into();
        b.config = "{\"emergency_paused\":true}".into();
        b.rules
            .insert("game_win".into(), "{\"reward\":\"7\"}".into());
        b.rules.insert("daily".into(), "{}".into());
        b.reporters.clear();
        let c = changes(&a, &b);
        let kinds: Vec<&str> = c.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                "admin",
                "pending_admin",
                "chain_admin",
                "code",
                "minter",
                "contracts",
                "config",
                "rules",
                "reporters"
            ]
        );
        let pair = |i: usize| (c[i].old.as_str(), c[i].new.as_str());
        assert_eq!(pair(0), ("wasm1a", "wasm1b"));
        assert_eq!(pair(1), ("(none)", "wasm1c"));
        assert_eq!(pair(2), ("mock_ft wasm1a", "mock_ft (none)"));
        assert_eq!(pair(3), ("mock_ft 2", "mock_ft 5"));
        assert_eq!(c[4].new, "(none)");
        assert_eq!(c[7].new, "2 entries: +daily ~game_win");
        assert_eq!(c[8].new, "0 entries: -wasm1r");
        assert_eq!(CHANGE_KINDS.len(), kinds.len(), "every kind is tested");
    }

    #[test]
    fn listen_must_be_loopback_unless_public() {
        let lo: SocketAddr = "127.0.0.1:9464".parse().unwrap();
        let lo6: SocketAddr = "[::1]:9464".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:9464".parse().unwrap();
        assert!(check_listen(lo, false).is_ok());
        assert!(check_listen(lo6, false).is_ok());
        let e = check_listen(any, false).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("--listen-public"), "{e}");
        assert!(check_listen(any, true).is_ok());
    }

    #[test]
    fn healthz_is_stale_until_a_probe_finished_and_metrics_are_served() {
        let served = RwLock::new(Served::default());
        let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        let i = Duration::from_secs(15);
        assert_eq!(
            respond(&served, &get("/healthz"), i).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        {
            let mut s = served.write().unwrap();
            s.metrics = "luckee_up 1\n".into();
            s.last_probe_unix = unix_now();
            s.last_probe_ok = true;
        }
        assert_eq!(
            respond(&served, &get("/healthz"), i).status(),
            StatusCode::OK
        );
        let r = respond(&served, &get("/metrics"), i);
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
        assert_eq!(
            respond(&served, &get("/"), i).status(),
            StatusCode::NOT_FOUND
        );
        served.write().unwrap().last_probe_unix = unix_now() - 60.0;
        assert_eq!(
            respond(&served, &get("/healthz"), i).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
