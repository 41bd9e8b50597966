//! End-to-end: `luckee ops pause | resume | status | health | gas` on the devnet, and the
//! shipped Prometheus rules (`promtool`).

mod stack;
mod support;

use std::process::Command;

use stack::{promtool, promtool_check_metrics, Stack};
use support::{devnet, Workdir};

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The memo of a tx, read back from its block (works without the node's tx indexer).
fn tx_memo(hash: &str, height: u64) -> String {
    use cosmrs::rpc::Client;
    let d = devnet();
    let client = cosmrs::rpc::HttpClient::new(d.node.as_str()).unwrap();
    let h = cosmrs::tendermint::block::Height::try_from(height).unwrap();
    let block = d.block_on(client.block(h)).unwrap().block;
    let tx = block
        .data
        .iter()
        .find(|tx| luckee::chain::tx::tx_hash(tx) == hash)
        .unwrap_or_else(|| panic!("tx {hash} not in block {height}"));
    cosmrs::Tx::from_bytes(tx).unwrap().body.memo
}

#[test]
fn pause_stops_reporters_resume_restores_and_repeats_are_no_ops() {
    let s = Stack::deploy();
    s.distribute("before-pause")
        .expect("distribute before pause");

    let p =
        s.w.luckee(&[
            "ops",
            "pause",
            "--reason",
            "incident 42: double payouts",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        (p["changed"].as_bool(), p["paused"].as_bool()),
        (Some(true), Some(true)),
        "{p}"
    );
    assert!(s.config().config.emergency_paused);
    assert_eq!(
        tx_memo(p["tx"].as_str().unwrap(), p["height"].as_u64().unwrap()),
        "incident 42: double payouts"
    );

    let e = s.distribute("while-paused").unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert!(e.to_string().contains("contract is paused"), "{e}");

    let again = s.w.luckee(&["ops", "pause"]).ok();
    assert!(
        again.stdout().contains("already PAUSED: nothing sent"),
        "{}",
        again.stdout()
    );
    let again = s.w.luckee(&["ops", "pause", "-o", "json"]).ok().json();
    assert!(
        again["tx"].is_null() && again["changed"] == false,
        "{again}"
    );

    let h = s.w.luckee(&["ops", "health"]).expect_code(1);
    let out = h.stdout();
    assert!(out.starts_with("LUCKEE HEALTH WARNING - paused:"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("WARNING") && l.contains("paused")),
        "{out}"
    );

    let r = s.w.luckee(&["ops", "resume", "-o", "json"]).ok().json();
    assert_eq!(
        (r["changed"].as_bool(), r["paused"].as_bool()),
        (Some(true), Some(false)),
        "{r}"
    );
    assert!(!s.config().config.emergency_paused);
    let again = s.w.luckee(&["ops", "resume"]).ok();
    assert!(
        again.stdout().contains("already RUNNING"),
        "{}",
        again.stdout()
    );
    s.distribute("after-resume")
        .expect("distribute after resume");

    let metrics = s.w.path().join("health.prom");
    let h =
        s.w.luckee(&["ops", "health", "--metrics-file", metrics.to_str().unwrap()])
            .ok();
    let out = h.stdout();
    assert!(
        out.starts_with("LUCKEE HEALTH OK - 6 checks passed"),
        "{out}"
    );
    assert_eq!(
        out.lines().count(),
        7,
        "summary + one line per check:\n{out}"
    );
    let m = std::fs::read_to_string(&metrics).unwrap();
    for want in [
        "luckee_up{",
        "luckee_incentive_paused{",
        "luckee_ft_minter_ok{",
        "luckee_incentive_rewards_distributed_total{",
    ] {
        assert!(m.contains(want), "{want} missing:\n{m}");
    }
    assert!(
        m.contains(&format!(
            "luckee_incentive_rewards_distributed_total{{chain_id=\"{}\",contract=\"{}\"}} 2",
            devnet().chain_id,
            s.incentive
        )),
        "{m}"
    );
    promtool_check_metrics(&metrics);
}

#[test]
fn only_the_admin_or_a_pauser_may_pause_and_only_the_admin_may_resume() {
    let s = Stack::deploy();
    let e =
        s.w.luckee(&["ops", "pause", "--mnemonic-file", "reporter.key"])
            .expect_code(2);
    assert!(
        e.stderr().contains("is neither the incentive's admin")
            && e.stderr().contains("nor one of its pausers"),
        "{}",
        e.stderr()
    );
    assert!(!s.config().config.emergency_paused);
    // Made a pauser, the same key pauses, but cannot resume (refused before any fee).
    let add = luckee_types::incentive::ExecuteMsg::UpdatePausers {
        add: vec![s.reporter.address.clone()],
        remove: vec![],
    };
    s.execute_all::<luckee::contracts::incentive::Incentive>(&s.deployer, &s.incentive, &[add])
        .unwrap();
    s.w.luckee(&["ops", "pause", "--mnemonic-file", "reporter.key"])
        .ok();
    assert!(s.config().config.emergency_paused);
    let e =
        s.w.luckee(&["ops", "resume", "--mnemonic-file", "reporter.key"])
            .expect_code(2);
    assert!(
        e.stderr().contains("only the incentive's admin"),
        "{}",
        e.stderr()
    );
    assert!(s.config().config.emergency_paused);
    s.w.luckee(&["ops", "resume"]).ok();
    assert!(!s.config().config.emergency_paused);
    let long = "x".repeat(257);
    s.w.luckee(&["ops", "pause", "--reason", &long])
        .expect_code(2);
    let dry =
        s.w.luckee(&["ops", "pause", "--dry-run", "-o", "json"])
            .ok()
            .json();
    assert!(
        dry["dry_run"]["gas_used"].as_u64().unwrap() > 0 && dry["tx"].is_null(),
        "{dry}"
    );
    assert!(!s.config().config.emergency_paused);
}

#[test]
fn health_is_critical_when_the_node_is_down_and_unknown_without_a_deployment() {
    let w = Workdir::unfunded(false);
    let any = w.address.clone();
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let metrics = w.path().join("h.prom");
    let r = w.luckee(&[
        "ops",
        "health",
        "--node",
        &dead,
        "--contract",
        &any,
        "--timeout",
        "2s",
        "--metrics-file",
        metrics.to_str().unwrap(),
    ]);
    let r = r.expect_code(2);
    let out = r.stdout();
    assert!(
        out.starts_with("LUCKEE HEALTH CRITICAL - rpc: node unreachable"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("CRITICAL") && l.contains("rpc")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("UNKNOWN") && l.contains("get_config")),
        "{out}"
    );
    let m = std::fs::read_to_string(&metrics).unwrap();
    assert!(
        m.contains(&format!(
            "luckee_up{{chain_id=\"{}\",contract=\"{any}\"}} 0",
            devnet().chain_id
        )),
        "{m}"
    );
    assert!(
        m.contains("luckee_health_status{") && !m.contains("luckee_block_height"),
        "{m}"
    );
    promtool_check_metrics(&metrics);

    // No deployment and no --contract: UNKNOWN, one line on stdout.
    let r = w.luckee(&["ops", "health"]).expect_code(3);
    assert!(
        r.stdout()
            .starts_with("LUCKEE HEALTH UNKNOWN - no incentive contract"),
        "{}",
        r.stdout()
    );
    // A broken config is UNKNOWN too (not luckee's usual exit 2).
    w.write_config("[deploy\n");
    w.luckee(&["ops", "health", "--contract", &any])
        .expect_code(3);
    w.luckee(&["ops", "gas", "--contract", &any]).expect_code(3);
    // A contract that does not exist: get_config fails, CRITICAL.
    std::fs::remove_file(w.path().join("luckee.toml")).unwrap();
    let r = w
        .luckee(&["ops", "health", "--contract", &any])
        .expect_code(2);
    assert!(
        r.stdout()
            .lines()
            .any(|l| l.starts_with("CRITICAL") && l.contains("get_config")),
        "{}",
        r.stdout()
    );
}

#[test]
fn status_reports_config_supply_stats_and_chain() {
    let s = Stack::deploy();
    s.distribute("status-1").unwrap();
    let metrics = s.w.path().join("status.prom");
    let j =
        s.w.luckee(&[
            "ops",
            "status",
            "-o",
            "json",
            "--metrics-file",
            metrics.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(j["config"]["config"]["emergency_paused"], false, "{j}");
    assert_eq!(j["config"]["admin"], s.deployer.address.to_string());
    assert_eq!(j["ft"]["minter_is_incentive"], true);
    assert_eq!(j["ft"]["token_info"]["total_supply"], "1000000");
    assert_eq!(j["stats"]["totals"]["rewards_distributed_count"], 1);
    assert_eq!(
        (j["rules"].as_u64(), j["reporters"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        j["probe"]["status"]["height"].as_u64().unwrap() > 0
            && j["probe"]["latency_seconds"].as_f64().unwrap() > 0.0
    );
    let text = s.w.luckee(&["ops", "status"]).ok().stdout();
    for want in [
        "paused",
        "ft minter",
        "= incentive",
        "rpc latency",
        "rewards",
        "1 paid",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let m = std::fs::read_to_string(&metrics).unwrap();
    for want in [
        "luckee_up{",
        "luckee_rpc_latency_seconds{",
        "luckee_block_height{",
        "luckee_block_age_seconds{",
        "luckee_ft_total_supply{",
        "luckee_incentive_points_awarded_total{",
    ] {
        assert!(m.contains(want), "{want} missing:\n{m}");
    }
    promtool_check_metrics(&metrics);
}

#[test]
fn gas_report_simulates_all_three_operations_without_broadcasting() {
    let s = Stack::deploy();
    s.distribute("points-for-gas").unwrap();
    let points = s.user_points();
    assert_eq!(points, 100);
    let d = devnet();
    let c = d.client();
    let seq = |a: &str| d.block_on(c.account(a)).unwrap().unwrap().sequence;
    let before = (
        seq(&s.reporter.address),
        seq(&s.user.address),
        seq(s.deployer.address.as_ref()),
    );
    let metrics = s.w.path().join("gas.prom");
    let args = [
        "ops",
        "gas",
        "--reporter-mnemonic-file",
        "reporter.key",
        "--user-mnemonic-file",
        "user.key",
        "--metrics-file",
        metrics.to_str().unwrap(),
    ];
    let r = s.w.luckee(&[&args[..], &["-o", "json"]].concat());
    let j = r.json();
    let code = r.code().unwrap();
    assert!([0, 1, 2].contains(&code), "exit {code}: {j}");
    assert_eq!(j["code"].as_i64(), Some(code as i64));
    let ops = j["operations"].as_array().unwrap();
    let names: Vec<&str> = ops
        .iter()
        .map(|o| o["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["distribute_reward", "mint_for_points", "update_rules"]
    );
    for o in ops {
        let gas = o["gas_used"]
            .as_u64()
            .unwrap_or_else(|| panic!("no gas for {o}"));
        assert!(gas > 20_000 && gas < 2_000_000, "{o}");
        assert_ne!(o["status"], "UNKNOWN", "{o}");
        eprintln!(
            "GAS {}: {gas} ({}, warning {}, critical {})",
            o["operation"], o["status"], o["warning"], o["critical"]
        );
    }
    assert_eq!(ops[0]["signer"], s.reporter.address);
    assert_eq!(ops[1]["signer"], s.user.address);
    assert_eq!(ops[2]["signer"], s.deployer.address.to_string());
    // Simulated only: no sequence moved, the points are still there.
    assert_eq!(
        (
            seq(&s.reporter.address),
            seq(&s.user.address),
            seq(s.deployer.address.as_ref())
        ),
        before
    );
    assert_eq!(s.user_points(), points);
    let text = s.w.luckee(&args).stdout();
    assert!(text.starts_with("LUCKEE GAS "), "{text}");
    for op in ["distribute_reward", "mint_for_points", "update_rules"] {
        assert!(
            text.lines().any(|l| l.contains(op)
                && l.split_whitespace()
                    .nth(2)
                    .is_some_and(|g| g.parse::<u64>().is_ok())),
            "{op}:\n{text}"
        );
    }
    let m = std::fs::read_to_string(&metrics).unwrap();
    assert_eq!(
        m.lines()
            .filter(|l| l.starts_with("luckee_incentive_gas_usage{"))
            .count(),
        3,
        "{m}"
    );
    promtool_check_metrics(&metrics);

    // Without the user key mint_for_points cannot be simulated: UNKNOWN unless something is worse.
    let r = s.w.luckee(&[
        "ops",
        "gas",
        "--reporter-mnemonic-file",
        "reporter.key",
        "--recipient",
        &s.user.address,
        "-o",
        "json",
    ]);
    let j = r.json();
    assert_eq!(j["operations"][1]["status"], "UNKNOWN", "{j}");
    assert!(
        j["operations"][1]["note"]
            .as_str()
            .unwrap()
            .contains("no user key"),
        "{j}"
    );

    // Without a reporter key the admin reports, naming a probe source (v0.2.0): simulated.
    let r =
        s.w.luckee(&["ops", "gas", "--recipient", &s.user.address, "-o", "json"]);
    let j = r.json();
    assert!(j["operations"][0]["gas_used"].as_u64().is_some(), "{j}");
    assert_eq!(
        j["operations"][0]["signer"].as_str(),
        Some(s.deployer.address.as_ref()),
        "{j}"
    );
}

#[test]
fn promtool_accepts_the_alert_rules_and_their_tests() {
    let dir = support::repo_root().join("ops/prometheus");
    let check = Command::new(promtool())
        .args(["check", "rules", "alerts.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let test = Command::new(promtool())
        .args(["test", "rules", "alerts.test.yml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "{}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
}
