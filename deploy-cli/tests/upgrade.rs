//! `luckee deploy migrate` / `deploy rollback` on the devnet, starting from the released
//! v0.1.0 artifacts (`artifacts/releases/v0.1.0/`) deployed by luckee with real state:
//!
//! * v0.1.0 → current (v0.2.0): the pre-migrate backup, one migrate tx for the three contracts,
//!   the post-checks, the history; state carried over, no activity paid twice across the
//!   upgrade, `deploy verify` and `ops health` OK; wrong signer, tampered artifact and an
//!   unwritable backup dir refused before any tx; a second migrate sends nothing; migrate to a
//!   test-only newer build (`ci/build-test-upgrade`), rollback to v0.2.0, and the rollback to
//!   v0.1.0 refused with the operator's message;
//! * crash safety: killed after the store, the migrate and the rollback broadcasts → each
//!   re-run completes exactly once, one history entry, one pre-upgrade backup;
//! * the node dies right after the migrate broadcast → exit 4, the re-run completes.

mod stack;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use luckee::chain::tx::ABORT_AFTER_BROADCAST_ENV;
use luckee::contracts::incentive::Incentive;
use luckee::contracts::{FtClient, IncentiveClient};
use luckee_types::incentive;
use serde_json::Value;
use stack::{Account, Stack, RULE};
use support::{devnet, flaky_proxy, repo_root, uniquify_wasm};

const NAMES: [&str; 3] = ["luckee_incentive", "mock_ft", "mock_registry"];

/// A stack deployed from the released v0.1.0 artifacts.
fn v0_1_0_stack() -> Stack {
    // Every test of this binary sets the same value.
    std::env::set_var(
        "LUCKEE_TEST_ARTIFACTS",
        repo_root().join("artifacts/releases/v0.1.0"),
    );
    let s = Stack::deploy();
    let (_, version) = cw2(&s.incentive);
    assert_eq!(version, "0.1.0", "the released v0.1.0 code was deployed");
    s
}

/// Replaces the workdir's artifacts with `from`'s (wasm files, checksums.txt and schema/),
/// as an operator does when a new release arrives. `unique`: each wasm gets a custom section
/// so its code is new to the chain (a real store).
fn install_artifacts(s: &Stack, from: &Path, unique: bool) {
    let dir = s.w.path().join("artifacts");
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    for name in NAMES {
        let Ok(wasm) = std::fs::read(from.join(format!("{name}.wasm"))) else {
            continue;
        };
        let wasm = if unique {
            uniquify_wasm(&wasm, s.w.address.as_bytes())
        } else {
            wasm
        };
        std::fs::write(dir.join(format!("{name}.wasm")), wasm).unwrap();
    }
    let mut sums = String::new();
    for name in NAMES {
        if let Ok(bytes) = std::fs::read(dir.join(format!("{name}.wasm"))) {
            sums.push_str(&format!(
                "{}  {name}.wasm\n",
                luckee::artifacts::sha256_hex(&bytes)
            ));
        }
    }
    std::fs::write(dir.join("checksums.txt"), sums).unwrap();
    let status = Command::new("cp")
        .arg("-r")
        .arg(from.join("schema"))
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs `ci/build-test-upgrade DIR args…` into a temp dir named after `name`.
fn build_test_upgrade(name: &str, args: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("luckee-{name}-{}", std::process::id()));
    let out = Command::new(repo_root().join("ci/build-test-upgrade"))
        .arg(&dir)
        .args(args)
        .output()
        .expect("run ci/build-test-upgrade");
    assert!(
        out.status.success(),
        "ci/build-test-upgrade {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The test-only build of the incentive with cw2 version 0.2.1, built once per test binary.
fn next_build() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_test_upgrade("next", &["0.2.1"]))
}

/// `deploy migrate --contract luckee_incentive --artifacts DIR`.
fn migrate_incentive_from(s: &Stack, dir: &Path) -> support::Run {
    s.w.luckee(&[
        "deploy",
        "migrate",
        "--contract",
        "luckee_incentive",
        "--artifacts",
        dir.to_str().unwrap(),
    ])
}

/// `deploy migrate --contract luckee_incentive` to the test-only build (cw2 0.2.1).
fn migrate_to_next_build(s: &Stack) {
    migrate_incentive_from(s, next_build()).ok();
}

/// The test-only build whose `migrate` also switches the incentive off (cw2 0.2.2), built once
/// per test binary: a bad release on purpose.
fn broken_build() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_test_upgrade("broken", &["0.2.2", "broken"]))
}

fn cw2(address: &str) -> (String, String) {
    let d = devnet();
    let c = d.client();
    d.block_on(c.cw2_version_at(address, None))
        .unwrap()
        .unwrap()
}

fn code_id(address: &str) -> u64 {
    let d = devnet();
    let c = d.client();
    d.block_on(c.contract_info(address))
        .unwrap()
        .unwrap()
        .code_id
}

fn sequence(address: &str) -> u64 {
    let d = devnet();
    let c = d.client();
    d.block_on(c.account(address)).unwrap().unwrap().sequence
}

/// Complete backups of `contract` under the workdir's backup root with manifest tag `tag`.
fn tagged_backups(s: &Stack, contract: &str, tag: &str) -> Vec<PathBuf> {
    let dir =
        s.w.path()
            .join("backups")
            .join(&devnet().chain_id)
            .join(contract);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            std::fs::read(p.join("manifest.json"))
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .is_some_and(|m| m["tag"] == tag)
        })
        .collect()
}

/// Whether every contract row of an upgrade report has `status`.
fn all_status(report: &Value, status: &str) -> bool {
    report["contracts"]
        .as_array()
        .is_some_and(|rows| !rows.is_empty() && rows.iter().all(|c| c["status"] == status))
}

/// Whether every post-check of an upgrade report passed (and there is at least one).
fn all_checks_ok(report: &Value) -> bool {
    report["checks"]
        .as_array()
        .is_some_and(|c| !c.is_empty() && c.iter().all(|c| c["ok"] == true))
}

fn history_len(s: &Stack, contract: &str) -> usize {
    s.w.state()["history"][contract]
        .as_array()
        .map_or(0, Vec::len)
}

/// What must survive an upgrade: totals, points, FT supply and balance, rules, reporters.
#[derive(Debug, PartialEq)]
struct Kept {
    totals: incentive::StatsCounters,
    user_points: u128,
    other_points: u128,
    supply: u128,
    user_ft: u128,
    rules: Vec<incentive::RewardRule>,
    reporters: usize,
}

fn kept(s: &Stack, other: &str) -> Kept {
    let d = devnet();
    let c = d.client();
    let inc = IncentiveClient::new(&c, s.incentive.clone());
    let ft = FtClient::new(&c, s.ft.clone());
    Kept {
        totals: d.block_on(inc.stats(None, None)).unwrap().totals,
        user_points: s.user_points(),
        other_points: d.block_on(inc.points(other, None)).unwrap().u128(),
        supply: d.block_on(ft.token_info(None)).unwrap().total_supply.u128(),
        user_ft: d
            .block_on(ft.balance(&s.user.address, None))
            .unwrap()
            .u128(),
        rules: d.block_on(inc.all_rules(None)).unwrap(),
        reporters: d.block_on(inc.all_reporters(None)).unwrap().len(),
    }
}

/// Real v0.1.0 state: rewards to two users, points, one exchange.
fn create_state(s: &Stack) -> String {
    s.distribute("paid-in-v0.1.0").unwrap();
    let other = s.reporter.address.clone(); // a registry member too
    let pay_other = incentive::ExecuteMsg::DistributeReward {
        recipient: other.clone(),
        rule_id: RULE.into(),
        activity_id: "paid-to-other-in-v0.1.0".into(),
        source: None,
    };
    s.execute_all::<Incentive>(&s.reporter.signer, &s.incentive, &[pay_other])
        .unwrap();
    let exchange = incentive::ExecuteMsg::MintForPoints {
        points: 50u128.into(),
    };
    s.execute_all::<Incentive>(&s.user.signer, &s.incentive, &[exchange])
        .unwrap();
    assert_eq!(s.user_points(), 50);
    other
}

#[test]
fn v0_1_0_migrates_to_v0_2_0_then_to_a_newer_build_and_rolls_back() {
    let s = v0_1_0_stack();
    let w = &s.w;
    let other = create_state(&s);
    let before = kept(&s, &other);
    let v010_code = code_id(&s.incentive);
    let deployer = s.deployer.address.to_string();

    // The new release arrives in artifacts/.
    install_artifacts(&s, &repo_root().join("artifacts"), false);

    // Refused before any tx: a signer that is not the chain-level admin (both named)...
    let intruder = Account::funded(2_000_000);
    w.write_key_file("intruder.key", &intruder.mnemonic, 0o600);
    let seq = sequence(&deployer);
    let r = w
        .luckee_env(
            &["deploy", "migrate"],
            &[("LUCKEE_MNEMONIC_FILE", "intruder.key")],
        )
        .expect_code(2);
    assert!(
        r.stderr().contains(&deployer) && r.stderr().contains(&intruder.address),
        "{}",
        r.stderr()
    );
    // ...a tampered artifact (checksum mismatch against checksums.txt)...
    let tampered = tempfile::tempdir().unwrap();
    for f in ["luckee_incentive.wasm", "checksums.txt"] {
        std::fs::copy(w.path().join("artifacts").join(f), tampered.path().join(f)).unwrap();
    }
    let wasm = tampered.path().join("luckee_incentive.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&wasm, bytes).unwrap();
    let r = migrate_incentive_from(&s, tampered.path()).expect_code(2);
    assert!(r.stderr().contains("checksum"), "{}", r.stderr());
    // ...and a backup root that cannot be written (a path through a regular file).
    let config = std::fs::read_to_string(w.path().join("luckee.toml")).unwrap();
    std::fs::write(w.path().join("not-a-dir"), b"x").unwrap();
    w.write_config(&format!(
        "{config}\n[ops]\nbackup_dir = \"not-a-dir/backups\"\n"
    ));
    let r = w.luckee(&["deploy", "migrate"]).expect_code(6);
    assert!(r.stderr().contains("not-a-dir"), "{}", r.stderr());
    w.write_config(&config);
    assert_eq!(sequence(&deployer), seq, "a refused migrate sent a tx");
    assert_eq!(code_id(&s.incentive), v010_code);

    // The dry run: from → to, gas and fee, the backup it would take; nothing written.
    let state_before = w.state_bytes();
    let dry = w
        .luckee(&["deploy", "migrate", "--dry-run", "-o", "json"])
        .ok()
        .json();
    assert!(dry["dry_run"]["gas_used"].as_u64().unwrap() > 0, "{dry}");
    assert_eq!(dry["contracts"].as_array().unwrap().len(), 3, "{dry}");
    assert!(all_status(&dry, "would_migrate"), "{dry}");
    assert_eq!(w.state_bytes(), state_before);
    assert_eq!(sequence(&deployer), seq);

    // The migrate: backup, one tx for the three contracts, checks, history.
    let r = w.luckee(&["deploy", "migrate", "-o", "json"]).ok().json();
    assert!(all_checks_ok(&r), "{r}");
    assert!(
        r["checks"].as_array().unwrap().iter().any(|c| c["check"]
            .as_str()
            .unwrap()
            .contains("processed-activity markers")),
        "{r}"
    );
    let migrated: Vec<&str> = r["contracts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(migrated, ["migrated"; 3], "{r}");
    assert_eq!(r["backups"].as_array().unwrap().len(), 3, "{r}");
    let (name, version) = cw2(&s.incentive);
    assert_eq!(
        (name.as_str(), version.as_str()),
        ("crates.io:luckee-incentive", env!("CARGO_PKG_VERSION"))
    );
    let v020_code = code_id(&s.incentive);
    assert_ne!(v020_code, v010_code);
    // State carried over; the activity paid under v0.1.0 stays paid.
    assert_eq!(kept(&s, &other), before);
    let err = s.distribute("paid-in-v0.1.0").unwrap_err().to_string();
    assert!(err.contains("already processed"), "{err}");
    // Also by a failover key registered under the v0.1.0 reporter's source (its address).
    let failover = Account::funded(5_000_000);
    let register = incentive::ExecuteMsg::RegisterContract {
        address: failover.address.clone(),
        label: Some("failover".into()),
        source: Some(s.reporter.address.clone()),
        limits: None,
    };
    s.execute_all::<Incentive>(&s.deployer, &s.incentive, &[register])
        .unwrap();
    let again = incentive::ExecuteMsg::DistributeReward {
        recipient: s.user.address.clone(),
        rule_id: RULE.into(),
        activity_id: "paid-in-v0.1.0".into(),
        source: None,
    };
    let err = s
        .execute_all::<Incentive>(&failover.signer, &s.incentive, &[again])
        .unwrap_err()
        .to_string();
    assert!(err.contains("already processed"), "{err}");
    // The failover key is not in the plan: unregistered again, so that `deploy verify` agrees.
    let unregister = incentive::ExecuteMsg::UnregisterContract {
        address: failover.address.clone(),
    };
    s.execute_all::<Incentive>(&s.deployer, &s.incentive, &[unregister])
        .unwrap();
    // History: one entry per contract, with its verified pre-migrate backup; the .env follows.
    let st = w.state();
    for name in NAMES {
        let h = &st["history"][name];
        assert_eq!(h.as_array().unwrap().len(), 1, "{st}");
        assert_eq!(h[0]["kind"], "migrate");
        assert_eq!(h[0]["tx_hash"], r["tx"]);
        let backup = PathBuf::from(h[0]["backup"].as_str().unwrap());
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(backup.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["tag"], "pre-migrate");
        w.luckee(&["backup", "verify", backup.to_str().unwrap()])
            .ok();
    }
    assert_eq!(
        st["history"]["luckee_incentive"][0]["from"]["version"],
        "0.1.0"
    );
    assert_eq!(
        st["history"]["luckee_incentive"][0]["from"]["code_id"],
        v010_code
    );
    let env = std::fs::read_to_string(
        w.path()
            .join(format!("deployments/{}.env", devnet().chain_id)),
    )
    .unwrap();
    assert!(
        env.contains(&format!("LUCKY_INCENTIVE_CODE_ID={v020_code}\n")),
        "{env}"
    );
    w.luckee(&["deploy", "verify"]).ok();
    w.luckee(&["ops", "health"]).ok();

    // A second migrate sends nothing and changes nothing.
    let state_before = w.state_bytes();
    let seq = sequence(&deployer);
    let again = w.luckee(&["deploy", "migrate", "-o", "json"]).ok().json();
    assert!(all_status(&again, "up_to_date"), "{again}");
    assert!(again["tx"].is_null());
    assert_eq!(w.state_bytes(), state_before);
    assert_eq!(sequence(&deployer), seq);

    // To the test-only newer build (same layout), and back with `rollback`.
    migrate_to_next_build(&s);
    assert_eq!(cw2(&s.incentive).1, "0.2.1");
    s.distribute("paid-in-0.2.1").unwrap();
    let during = kept(&s, &other);
    let back = w.luckee(&["deploy", "rollback", "-o", "json"]).ok().json();
    assert_eq!(back["contracts"][0]["status"], "rolled_back", "{back}");
    assert!(all_checks_ok(&back), "{back}");
    assert_eq!(code_id(&s.incentive), v020_code);
    assert_eq!(cw2(&s.incentive).1, env!("CARGO_PKG_VERSION"));
    assert_eq!(kept(&s, &other), during, "state intact after the rollback");
    for id in ["paid-in-v0.1.0", "paid-in-0.2.1"] {
        let err = s.distribute(id).unwrap_err().to_string();
        assert!(err.contains("already processed"), "{id}: {err}");
    }
    assert_eq!(history_len(&s, "luckee_incentive"), 3);
    assert_eq!(
        tagged_backups(&s, "luckee_incentive", "pre-rollback").len(),
        1
    );

    // The next rollback would go to v0.1.0, which cannot read layout 2: refused, nothing
    // changed, no backup taken.
    let state_before = w.state_bytes();
    let seq = sequence(&deployer);
    let refused = w.luckee(&["deploy", "rollback"]).expect_code(3);
    assert!(
        refused.stderr().contains(&format!(
            "rollback not possible: state layout 2 is newer than what code {v010_code} understands"
        )) && refused.stderr().contains("restore or migrate forward"),
        "{}",
        refused.stderr()
    );
    assert_eq!(code_id(&s.incentive), v020_code);
    assert_eq!(w.state_bytes(), state_before);
    assert_eq!(sequence(&deployer), seq);
    assert_eq!(
        tagged_backups(&s, "luckee_incentive", "pre-rollback").len(),
        1
    );
    // The same with --to.
    w.luckee(&["deploy", "rollback", "--to", &v010_code.to_string()])
        .expect_code(3);
    w.luckee(&["deploy", "verify"]).ok();
}

#[test]
fn killed_after_each_broadcast_every_upgrade_completes_exactly_once() {
    let s = v0_1_0_stack();
    let w = &s.w;
    s.distribute("paid-in-v0.1.0").unwrap();
    // Codes new to the chain, so that the store is really broadcast.
    install_artifacts(&s, &repo_root().join("artifacts"), true);
    let abort = |tag: &str| {
        let r = w.luckee_env(&["deploy", "migrate"], &[(ABORT_AFTER_BROADCAST_ENV, tag)]);
        assert_eq!(
            r.code(),
            None,
            "expected an abort after the {tag} broadcast:\n{}",
            r.stderr()
        );
        let pending = &w.state()["pending"];
        assert_eq!(pending["tags"][0], tag, "{pending}");
        pending["tx_hash"].as_str().unwrap().to_string()
    };
    let store_hash = abort("upload");
    let migrate_hash = abort("migrate");
    assert_eq!(
        tagged_backups(&s, "luckee_incentive", "pre-migrate").len(),
        1
    );
    assert_eq!(
        history_len(&s, "luckee_incentive"),
        0,
        "not recorded before it is resolved"
    );
    let rerun = w.luckee(&["deploy", "migrate", "-o", "json"]).ok().json();
    let rerun_state = w.state();
    let notes = rerun["notes"].to_string();
    assert!(notes.contains(&migrate_hash), "{rerun}");
    assert!(
        !notes.contains(&store_hash),
        "the store was resolved by the second run"
    );
    assert!(
        rerun["tx"] == migrate_hash.as_str(),
        "{rerun}\n{rerun_state}"
    );
    assert!(all_status(&rerun, "recorded"), "{rerun}");
    assert!(all_checks_ok(&rerun), "{rerun}");
    for name in NAMES {
        assert_eq!(history_len(&s, name), 1, "{name}");
        assert_eq!(tagged_backups(&s, name, "pre-migrate").len(), 1, "{name}");
    }
    assert!(w.state()["pending"].is_null());
    let again = w.luckee(&["deploy", "migrate", "-o", "json"]).ok().json();
    assert!(again["tx"].is_null(), "{again}");
    let err = s.distribute("paid-in-v0.1.0").unwrap_err().to_string();
    assert!(err.contains("already processed"), "{err}");

    // The rollback broadcast: up to the newer build, then roll back killed.
    migrate_to_next_build(&s);
    let r = w.luckee_env(
        &["deploy", "rollback"],
        &[(ABORT_AFTER_BROADCAST_ENV, "rollback")],
    );
    assert_eq!(r.code(), None, "{}", r.stderr());
    let rerun = w.luckee(&["deploy", "rollback", "-o", "json"]).ok().json();
    assert_eq!(rerun["contracts"][0]["status"], "recorded", "{rerun}");
    assert_eq!(cw2(&s.incentive).1, env!("CARGO_PKG_VERSION"));
    let h = w.state()["history"]["luckee_incentive"].clone();
    let kinds: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["migrate", "migrate", "rollback"]);
    assert_eq!(
        tagged_backups(&s, "luckee_incentive", "pre-rollback").len(),
        1
    );
}

#[test]
fn node_dying_after_the_migrate_broadcast_exits_4_and_the_rerun_completes() {
    let s = v0_1_0_stack();
    let w = &s.w;
    install_artifacts(&s, &repo_root().join("artifacts"), false);
    // Codes stored first, so the proxy sees the migrate broadcast.
    w.luckee(&["deploy", "upload"]).ok();
    let (mut proxy, url) = flaky_proxy(&[
        "--fail",
        "0",
        "--die-after-tx-containing",
        "/cosmwasm.wasm.v1.MsgMigrateContract",
    ]);
    let r = w.luckee_env(&["deploy", "migrate"], &[("LUCKEE_NODE", &url)]);
    proxy.kill().ok();
    proxy.wait().ok();
    let r = r.expect_code(4);
    assert!(
        w.state()["pending"]["tx_hash"].is_string(),
        "{}",
        r.stderr()
    );
    let rerun = w.luckee(&["deploy", "migrate", "-o", "json"]).ok().json();
    assert!(all_status(&rerun, "recorded"), "{rerun}");
    assert_eq!(history_len(&s, "luckee_incentive"), 1);
    assert_eq!(cw2(&s.incentive).1, env!("CARGO_PKG_VERSION"));
    w.luckee(&["deploy", "verify"]).ok();
}

#[test]
fn a_migration_that_breaks_the_config_fails_its_post_check_and_the_printed_rollback_runs() {
    let s = v0_1_0_stack();
    let w = &s.w;
    install_artifacts(&s, &repo_root().join("artifacts"), false);
    w.luckee(&["deploy", "migrate"]).ok();
    let good = code_id(&s.incentive);

    // A bad release: its migrate switches the incentive off.
    let r = migrate_incentive_from(&s, broken_build()).expect_code(1);
    let err = r.stderr();
    assert!(
        err.contains("post-upgrade check failed") && err.contains("configuration unchanged"),
        "{err}"
    );
    let rollback = format!("luckee deploy rollback --contract luckee_incentive --to {good}");
    assert!(err.contains(&rollback), "{err}");
    assert!(r.stdout().contains("FAILED"), "{}", r.stdout());
    assert!(!s.config().config.enabled, "the broken migrate ran");
    assert_ne!(code_id(&s.incentive), good);
    assert_eq!(
        history_len(&s, "luckee_incentive"),
        2,
        "recorded although it failed"
    );

    // The printed command brings the code back...
    let args: Vec<&str> = rollback.split_whitespace().skip(1).collect();
    let back = w.luckee(&args).ok();
    assert!(back.stdout().contains("rolled_back"), "{}", back.stdout());
    assert_eq!(code_id(&s.incentive), good);
    // ...but not the state the bad migrate wrote: the plan shows it and apply repairs it.
    assert!(!s.config().config.enabled);
    w.luckee(&["plan"]).expect_code(1);
    w.luckee(&["apply"]).ok();
    assert!(s.config().config.enabled);
    w.luckee(&["deploy", "verify"]).ok();
}
