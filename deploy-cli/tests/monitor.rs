//! `luckee ops monitor` on the devnet, and the alert path end to end with the real servers:
//!
//! * the exporter: `/metrics` and `/healthz`, a pause and an admin proposal counted as state
//!   changes, a non-loopback `--listen` refused, SIGTERM → exit 0;
//! * monitor → a real Prometheus (1 s scrape and evaluation, `for:` 0 s) → a real Alertmanager
//!   (ops/alertmanager/alertmanager.yml, group_wait 1 s) → a local webhook receiver
//!   (`ci/alerting up` with `LUCKEE_ALERTING_FAST=1`): the seed's raw `wasmd tx wasm execute …
//!   emergency_pause` → the paused alert; resume → resolved; an admin handover → the
//!   admin-changed alert; the monitored RPC endpoint stopped → the RPC-down alert; back →
//!   resolved. Every process is stopped by its pid when the test ends, also on failure.
//!
//! The monitored endpoint is a `ci/flaky-proxy` on a fixed port in front of the devnet: stopping
//! it is the node going away for the monitor without stopping the devnet other tests use.

mod stack;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use stack::{Account, Stack};
use support::{devnet, free_port, http_get, repo_root, Workdir};

/// Polls `f` every 250 ms for up to `within`; panics with `what` and the last value.
fn wait_for<T: std::fmt::Debug>(
    within: Duration,
    what: &str,
    mut f: impl FnMut() -> (bool, T),
) -> T {
    let start = Instant::now();
    loop {
        let (done, v) = f();
        if done {
            return v;
        }
        if start.elapsed() > within {
            panic!("timed out after {within:?} waiting for {what}; last: {v:?}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The value of the first sample of `/metrics` text whose line starts with `name{` and contains
/// every one of `labels` (`key="value"`).
fn sample(metrics: &str, name: &str, labels: &[&str]) -> Option<f64> {
    metrics
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .find(|l| labels.iter().all(|x| l.contains(x)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// A running `luckee ops monitor`, stopped (SIGTERM, then SIGKILL) when dropped.
struct Monitor {
    child: Option<Child>,
    url: String,
}

impl Monitor {
    fn start(w: &Workdir, port: u16, node: Option<&str>, extra: &[&str]) -> Monitor {
        let listen = format!("127.0.0.1:{port}");
        let mut args = vec![
            "ops",
            "monitor",
            "--listen",
            &listen,
            "--interval",
            "1s",
            "--timeout",
            "2s",
        ];
        if let Some(n) = node {
            args.extend(["--node", n]);
        }
        args.extend(extra);
        let (_, child) = w.spawn(&args);
        let m = Monitor {
            child: Some(child),
            url: format!("http://{listen}"),
        };
        wait_for(Duration::from_secs(30), "the monitor's first probe", || {
            let (code, body) = http_get(&format!("{}/metrics", m.url));
            (code == 200 && body.contains("luckee_up{"), code)
        });
        m
    }

    fn metrics(&self) -> String {
        http_get(&format!("{}/metrics", self.url)).1
    }

    /// SIGTERM; returns the exit code and stderr.
    fn stop(&mut self) -> (Option<i32>, String) {
        let mut child = self.child.take().unwrap();
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let start = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > Duration::from_secs(15) {
                child.kill().ok();
                panic!("the monitor did not stop within 15 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().ok();
            c.wait().ok();
        }
    }
}

#[test]
fn monitor_serves_metrics_counts_state_changes_and_stops_on_sigterm() {
    let s = Stack::deploy();
    let w = &s.w;
    let refused = w
        .luckee(&["ops", "monitor", "--listen", "0.0.0.0:9"])
        .expect_code(2);
    assert!(
        refused.stderr().contains("--listen-public"),
        "{}",
        refused.stderr()
    );

    // The reporter and user keys for --gas-every, as an operator configures them.
    let config = std::fs::read_to_string(w.path().join("luckee.toml")).unwrap();
    w.write_config(&format!(
        "{config}\n[ops]\nreporter_mnemonic_file = \"reporter.key\"\nuser_mnemonic_file = \"user.key\"\n"
    ));
    let mut m = Monitor::start(w, free_port(), None, &["--gas-every", "1h"]);
    let inc = format!("contract=\"{}\"", s.incentive);
    let first = m.metrics();
    assert_eq!(sample(&first, "luckee_up", &[&inc]), Some(1.0), "{first}");
    assert_eq!(
        sample(&first, "luckee_incentive_paused", &[&inc]),
        Some(0.0)
    );
    assert_eq!(sample(&first, "luckee_ft_minter_ok", &[&inc]), Some(1.0));
    for name in ["luckee_incentive", "mock_ft", "mock_registry"] {
        let label = format!("name=\"{name}\"");
        assert_eq!(
            sample(&first, "luckee_contract_info", &[&label]),
            Some(1.0),
            "{name}: {first}"
        );
        assert!(sample(&first, "luckee_contract_code_id", &[&label]).unwrap() >= 1.0);
    }
    for kind in luckee::cmd::ops::monitor::CHANGE_KINDS {
        let k = format!("kind=\"{kind}\"");
        assert_eq!(
            sample(&first, "luckee_state_changes_total", &[&inc, &k]),
            Some(0.0),
            "every kind exists from the first probe: {first}"
        );
    }
    // --gas-every: the reporter simulates distribute_reward to the user, the admin
    // update_rules; the user holds no points yet, so mint_for_points is left out.
    // (The simulations run beside the probes: their first figures come a probe or two later.)
    let with_gas = wait_for(Duration::from_secs(30), "the gas figures", || {
        let t = m.metrics();
        (t.contains("luckee_incentive_gas_usage{"), t)
    });
    let gas = |op: &str| {
        sample(
            &with_gas,
            "luckee_incentive_gas_usage",
            &[&format!("operation=\"{op}\"")],
        )
    };
    assert!(gas("update_rules").unwrap_or(0.0) > 50_000.0, "{with_gas}");
    assert!(
        gas("distribute_reward").unwrap_or(0.0) > 50_000.0,
        "{with_gas}"
    );
    assert_eq!(gas("mint_for_points"), None);
    let (code, health) = http_get(&format!("{}/healthz", m.url));
    assert_eq!(code, 200, "{health}");
    assert_eq!(http_get(&format!("{}/nothing", m.url)).0, 404);

    // A pause and an admin proposal are seen at the next probe.
    w.luckee(&["ops", "pause", "--reason", "monitor e2e"]).ok();
    let newcomer = Account::funded(1_000_000);
    w.luckee(&["ops", "admin", "propose", &newcomer.address])
        .ok();
    let after = wait_for(Duration::from_secs(20), "the pause in the metrics", || {
        let t = m.metrics();
        let paused = sample(&t, "luckee_incentive_paused", &[&inc]) == Some(1.0);
        let pending = sample(
            &t,
            "luckee_state_changes_total",
            &[&inc, "kind=\"pending_admin\""],
        ) == Some(1.0);
        (paused && pending, t)
    });
    assert_eq!(
        sample(
            &after,
            "luckee_state_changes_total",
            &[&inc, "kind=\"config\""]
        ),
        Some(1.0),
        "{after}"
    );
    assert_eq!(
        sample(
            &after,
            "luckee_state_changes_total",
            &[&inc, "kind=\"admin\""]
        ),
        Some(0.0)
    );
    let pending = format!("pending_admin=\"{}\"", newcomer.address);
    assert_eq!(
        sample(&after, "luckee_incentive_admin_info", &[&pending]),
        Some(1.0),
        "{after}"
    );
    assert!(sample(&after, "luckee_monitor_probes_total", &["result=\"ok\""]).unwrap() >= 2.0);

    let (code, stderr) = m.stop();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("state changed: config"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "state changed: pending_admin (none) → {}",
            newcomer.address
        )),
        "{stderr}"
    );
}

/// `ci/alerting` with its own home and ports, stopped when dropped.
struct Alerting {
    env: Vec<(String, String)>,
    received: PathBuf,
    prometheus: String,
}

impl Alerting {
    fn up(home: &Path, monitor_port: u16) -> Alerting {
        let prom = free_port();
        let env = vec![
            (
                "LUCKEE_ALERTING_HOME".to_string(),
                home.display().to_string(),
            ),
            ("LUCKEE_PROMETHEUS_PORT".into(), prom.to_string()),
            ("LUCKEE_ALERTMANAGER_PORT".into(), free_port().to_string()),
            ("LUCKEE_RECEIVER_PORT".into(), free_port().to_string()),
            (
                "LUCKEE_MONITOR_TARGET".into(),
                format!("127.0.0.1:{monitor_port}"),
            ),
            ("LUCKEE_ALERTING_FAST".into(), "1".into()),
        ];
        let a = Alerting {
            env,
            received: home.join("received.jsonl"),
            prometheus: format!("http://127.0.0.1:{prom}"),
        };
        let out = a.run("up");
        assert!(
            out.status.success(),
            "ci/alerting up failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        a
    }

    fn run(&self, what: &str) -> std::process::Output {
        Command::new(repo_root().join("ci/alerting"))
            .arg(what)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run ci/alerting")
    }

    /// Every alert of every notification received so far: (status, alertname, labels).
    fn received(&self) -> Vec<(String, String, Value)> {
        let text = std::fs::read_to_string(&self.received).unwrap_or_default();
        text.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .flat_map(|n| n["alerts"].as_array().cloned().unwrap_or_default())
            .map(|a| {
                (
                    a["status"].as_str().unwrap_or("").to_string(),
                    a["labels"]["alertname"].as_str().unwrap_or("").to_string(),
                    a["labels"].clone(),
                )
            })
            .collect()
    }

    /// Waits (30 s at most) for a notification of `alertname` with `status` after the first
    /// `seen` alerts; returns its labels and the new count.
    fn expect(&self, seen: usize, alertname: &str, status: &str) -> (Value, usize) {
        let (hit, n, _) = wait_for(
            Duration::from_secs(30),
            &format!("{status} {alertname} at the webhook receiver"),
            || {
                let all = self.received();
                let hit = all[seen.min(all.len())..]
                    .iter()
                    .find(|(s, n, _)| s == status && n == alertname)
                    .map(|(_, _, l)| l.clone());
                let summary: Vec<String> = all.iter().map(|(s, n, _)| format!("{s} {n}")).collect();
                (hit.is_some(), (hit, all.len(), summary))
            },
        );
        (hit.expect("found"), n)
    }
}

impl Drop for Alerting {
    fn drop(&mut self) {
        let _ = self.run("down");
    }
}

/// A `ci/flaky-proxy` forwarding to the devnet on a fixed port; restartable on that port.
struct Endpoint {
    port: u16,
    child: Option<Child>,
}

impl Endpoint {
    fn start(port: u16) -> Endpoint {
        let child = Command::new(repo_root().join("ci/flaky-proxy"))
            .args([
                "--upstream",
                &devnet().node,
                "--fail",
                "0",
                "--port",
                &port.to_string(),
                "--lifetime",
                "600",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ci/flaky-proxy");
        wait_for(Duration::from_secs(10), "the proxy to listen", || {
            (
                std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
                (),
            )
        });
        Endpoint {
            port,
            child: Some(child),
        }
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().ok();
            c.wait().ok();
        }
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The seed's raw command: `wasmd tx wasm execute <incentive> '{"emergency_pause":{"paused":…}}'`
/// signed by the admin's key (imported into a throw-away keyring).
fn raw_emergency_pause(s: &Stack, keyring: &Path, paused: bool) {
    let msg = format!("{{\"emergency_pause\":{{\"paused\":{paused}}}}}");
    support::raw_wasmd_execute(keyring, "admin", &s.w.mnemonic, &s.incentive, &msg);
    wait_for(
        Duration::from_secs(20),
        "the raw emergency_pause to land",
        || (s.config().config.emergency_paused == paused, ()),
    );
}

#[test]
fn alerts_reach_the_receiver_through_prometheus_and_alertmanager() {
    let s = Stack::deploy();
    let w = &s.w;
    let mut endpoint = Endpoint::start(free_port());
    let node = format!("http://127.0.0.1:{}", endpoint.port);
    let monitor_port = free_port();
    let _monitor = Monitor::start(w, monitor_port, Some(&node), &[]);
    let home = tempfile::tempdir().unwrap();
    let alerting = Alerting::up(home.path(), monitor_port);
    // Prometheus scrapes the monitor.
    wait_for(
        Duration::from_secs(30),
        "Prometheus to scrape the monitor",
        || {
            let (_, body) = http_get(&format!(
                "{}/api/v1/query?query=luckee_up",
                alerting.prometheus
            ));
            (body.contains("\"value\""), body)
        },
    );

    let keyring = tempfile::tempdir().unwrap();
    let seen = alerting.received().len();
    raw_emergency_pause(&s, keyring.path(), true);
    let (labels, seen) = alerting.expect(seen, "LuckeeIncentivePaused", "firing");
    assert_eq!(labels["priority"], "P1", "{labels}");
    assert_eq!(labels["contract"], s.incentive.as_str());
    raw_emergency_pause(&s, keyring.path(), false);
    let (_, seen) = alerting.expect(seen, "LuckeeIncentivePaused", "resolved");

    // An admin handover: proposed by the admin, accepted by the new key.
    let new_admin = Account::funded(2_000_000);
    w.write_key_file("new-admin.key", &new_admin.mnemonic, 0o600);
    w.luckee(&["ops", "admin", "propose", &new_admin.address])
        .ok();
    w.luckee_env(
        &["ops", "admin", "accept"],
        &[("LUCKEE_MNEMONIC_FILE", "new-admin.key")],
    )
    .ok();
    let (labels, seen) = alerting.expect(seen, "LuckeeAdminChanged", "firing");
    assert_eq!(
        (labels["priority"].as_str(), labels["kind"].as_str()),
        (Some("P0"), Some("admin")),
        "{labels}"
    );

    // The endpoint goes away, then comes back on the same port.
    endpoint.stop();
    let (labels, seen) = alerting.expect(seen, "LuckeeRpcDown", "firing");
    assert_eq!(labels["chain_id"], devnet().chain_id.as_str(), "{labels}");
    let _back = Endpoint::start(endpoint.port);
    alerting.expect(seen, "LuckeeRpcDown", "resolved");
}
