//! Restore drill end to end: a stack with real state on the devnet is backed up, restored into
//! the genesis of a second devnet (`ci/devnet up --from-backup`, its own ports and data dir),
//! and the restored contracts are proven identical entry by entry (`backup verify
//! --against-chain`) and alive (no double pay, a new reward is paid, `ops health` OK).
//! Refusals leave the genesis file byte-identical.

mod stack;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use luckee::contracts::FtClient;
use serde_json::Value;
use stack::Stack;
use support::{devnet, repo_root};

const PORT: u16 = 33657;

/// The restored devnet, stopped (by its recorded pid, through ci/devnet) when dropped.
struct Restored {
    home: tempfile::TempDir,
}

impl Restored {
    fn env(&self, cmd: &mut Command) {
        cmd.env("LUCKEE_DEVNET_HOME", self.home.path())
            .env("LUCKEE_DEVNET_RPC_PORT", PORT.to_string())
            .env("LUCKEE_DEVNET_P2P_PORT", "33656")
            .env("LUCKEE_DEVNET_GRPC_PORT", "33090")
            .env("LUCKEE_DEVNET_API_PORT", "33317")
            .env("LUCKEE_DEVNET_ABCI_PORT", "33658");
    }

    fn up(dirs: &[PathBuf], extra_accounts: &str, restore_admin: &str) -> Restored {
        let r = Restored {
            home: tempfile::tempdir().unwrap(),
        };
        let mut cmd = Command::new(repo_root().join("ci/devnet"));
        r.env(&mut cmd);
        cmd.arg("up")
            .arg("--from-backup")
            .args(dirs)
            .env("LUCKEE_DEVNET_EXTRA_ACCOUNTS", extra_accounts)
            .env("LUCKEE_DEVNET_RESTORE_ADMIN", restore_admin)
            .env("LUCKEE_BIN", env!("CARGO_BIN_EXE_luckee"));
        let out = cmd.output().expect("run ci/devnet");
        assert!(
            out.status.success(),
            "ci/devnet up --from-backup failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        r
    }

    fn node(&self) -> String {
        format!("http://127.0.0.1:{PORT}")
    }
}

impl Drop for Restored {
    fn drop(&mut self) {
        let mut cmd = Command::new(repo_root().join("ci/devnet"));
        self.env(&mut cmd);
        let _ = cmd.arg("down").output();
    }
}

fn backup_dirs(s: &Stack) -> Vec<PathBuf> {
    let out =
        s.w.luckee(&["backup", "--dir", "b", "-o", "json"])
            .ok()
            .json();
    out["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| PathBuf::from(b["dir"].as_str().unwrap()))
        .collect()
}

fn fresh_genesis(dir: &Path) -> PathBuf {
    let wasmd = std::env::var("WASMD").unwrap_or_else(|_| {
        format!(
            "{}/.cache/luckee/wasmd/v0.61.14/bin/wasmd",
            std::env::var("HOME").unwrap()
        )
    });
    let home = dir.join("g");
    let out = Command::new(wasmd)
        .args(["init", "x", "--chain-id", "luckee-local", "--home"])
        .arg(&home)
        .output()
        .expect("wasmd init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    home.join("config/genesis.json")
}

#[test]
fn a_backup_restored_into_a_new_chain_is_identical_and_alive() {
    let s = Stack::deploy();
    s.distribute("restore-paid-1").unwrap();
    s.register_members(10_000, luckee_types::registry::MAX_BATCH, 10);
    let dirs = backup_dirs(&s);
    assert_eq!(dirs.len(), 3);

    // Refusals first (the genesis file stays byte-identical).
    let scratch = tempfile::tempdir().unwrap();
    let genesis = fresh_genesis(scratch.path());
    let g = genesis.to_str().unwrap();
    let before = std::fs::read(&genesis).unwrap();
    let d: Vec<&str> = dirs.iter().map(|p| p.to_str().unwrap()).collect();
    // tampered copy
    let tampered = scratch.path().join("tampered");
    std::fs::create_dir(&tampered).unwrap();
    for f in std::fs::read_dir(&dirs[2]).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, tampered.join(f.file_name().unwrap())).unwrap();
    }
    let state = tampered.join("state.jsonl");
    let text =
        std::fs::read_to_string(&state)
            .unwrap()
            .replacen("\"value\":\"", "\"value\":\"AA", 1);
    std::fs::write(&state, text).unwrap();
    let r =
        s.w.luckee(&[
            "backup",
            "restore",
            d[0],
            d[1],
            tampered.to_str().unwrap(),
            "--genesis",
            g,
        ])
        .expect_code(2);
    assert!(r.stderr().contains("does not verify"), "{}", r.stderr());
    // a backup of another height
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let later = backup_dirs(&s);
    let r =
        s.w.luckee(&[
            "backup",
            "restore",
            d[0],
            later[1].to_str().unwrap(),
            "--genesis",
            g,
        ])
        .expect_code(2);
    assert!(
        r.stderr().contains("at height") && r.stderr().contains(later[1].to_str().unwrap()),
        "{}",
        r.stderr()
    );
    // another bech32 prefix
    let mut doc: Value = serde_json::from_slice(&before).unwrap();
    doc["app_state"]["auth"]["accounts"] = serde_json::json!([{"@type": "/cosmos.auth.v1beta1.BaseAccount", "address": "cosmos1qqqsyqcyq5rqwzqfpg9scrgwpugpzysn3nmvqh"}]);
    let other = scratch.path().join("other-prefix.json");
    std::fs::write(&other, serde_json::to_vec(&doc).unwrap()).unwrap();
    let r =
        s.w.luckee(&[
            "backup",
            "restore",
            d[0],
            d[1],
            d[2],
            "--genesis",
            other.to_str().unwrap(),
        ])
        .expect_code(2);
    assert!(r.stderr().contains("prefix 'cosmos'"), "{}", r.stderr());
    // unreadable genesis
    let r = s.w.luckee(&[
        "backup",
        "restore",
        d[0],
        "--genesis",
        "/nonexistent/genesis.json",
    ]);
    assert_eq!(r.code(), Some(6), "{}", r.stderr());
    assert_eq!(
        std::fs::read(&genesis).unwrap(),
        before,
        "genesis untouched"
    );

    // The check can fail: the original chain moved on after the backup (a new payment).
    s.distribute("after-the-backup").unwrap();
    let moved =
        s.w.luckee(&["backup", "verify", d[2], "--against-chain"])
            .expect_code(1);
    let out = moved.stdout();
    assert!(
        out.lines().any(|l| l.starts_with("FAILED")
            && l.contains("raw state")
            && !l.contains(" 0 differing")),
        "{out}"
    );

    // The drill: a second chain from the backup.
    let restored = Restored::up(&dirs, &s.reporter.address, "keep");
    let node = restored.node();
    for dir in &d {
        let v =
            s.w.luckee(&["backup", "verify", dir, "--against-chain", "--node", &node])
                .ok();
        assert!(v.stdout().contains("0 differing"), "{}", v.stdout());
    }
    // Alive: the paid activity is not paid again, a new one is; health OK.
    let rnode = ["--node", node.as_str()];
    let again =
        s.w.luckee_env(
            &[
                "ops",
                "status",
                "--contract",
                &s.incentive,
                rnode[0],
                rnode[1],
            ],
            &[],
        )
        .ok();
    assert!(again.stdout().contains("rewards"), "{}", again.stdout());
    let restored_client = {
        let net = luckee::config::Network {
            rpc: vec![node.clone()],
            ..devnet().network()
        };
        devnet()
            .block_on(luckee::chain::ChainClient::connect(
                net,
                luckee::chain::RetryPolicy::default(),
            ))
            .unwrap()
    };
    let pay = |activity: &str| {
        let msg = luckee_types::incentive::ExecuteMsg::DistributeReward {
            recipient: s.user.address.clone(),
            rule_id: stack::RULE.into(),
            activity_id: activity.into(),
            source: None,
        };
        let any = luckee::contracts::execute_msg::<luckee::contracts::incentive::Incentive>(
            s.reporter.address.as_str(),
            &s.incentive,
            &msg,
        )
        .unwrap();
        let req = luckee::chain::TxRequest {
            msgs: vec![any],
            memo: "restore drill".into(),
            tags: vec!["test".into()],
        };
        devnet().block_on(restored_client.send(&s.reporter.signer, &req, &mut |_| Ok(())))
    };
    let twice = pay("restore-paid-1").unwrap_err().to_string();
    assert!(
        twice.contains("already processed") || twice.contains("AlreadyProcessed"),
        "{twice}"
    );
    let ft = FtClient::new(&restored_client, s.ft.clone());
    let before_pay = devnet()
        .block_on(ft.balance(&s.user.address, None))
        .unwrap()
        .u128();
    pay("restore-new-2").unwrap();
    let after_pay = devnet()
        .block_on(ft.balance(&s.user.address, None))
        .unwrap()
        .u128();
    assert_eq!(after_pay - before_pay, 1_000_000);
    s.w.luckee(&["ops", "health", "--contract", &s.incentive, "--node", &node])
        .ok();
    drop(restored);

    // The rehearsal: the same backup on a chain where a devnet key is every admin; the plan
    // (with that admin) is verified and a change applied there before touching the real chain.
    let rehearsal = Restored::up(&dirs, "", "admin");
    let state = rehearsal.home.path().join("deployments/luckee-local.json");
    assert!(
        state.exists(),
        "restore wrote no state file for the restored chain"
    );
    let w = &s.w;
    std::fs::create_dir_all(w.path().join("rehearsal")).unwrap();
    std::fs::copy(&state, w.path().join("rehearsal/luckee-local.json")).unwrap();
    let admin =
        luckee::keys::Signer::from_phrase(&support::devnet_mnemonic("admin"), "wasm", 0).unwrap();
    w.write_key_file(
        "devnet-admin.key",
        &support::devnet_mnemonic("admin"),
        0o600,
    );
    let plan = std::fs::read_to_string(w.path().join("luckee.toml")).unwrap();
    let with_admin = |p: &str| {
        format!(
            "[deploy]\nstate_dir = \"rehearsal\"\nadmin = \"{a}\"\n{}",
            p.replace(
                "[deploy.incentive]",
                &format!("[deploy.incentive]\nadmin = \"{a}\"", a = admin.address)
            ),
            a = admin.address
        )
    };
    w.write_config(&with_admin(&plan));
    let as_admin = [("LUCKEE_MNEMONIC_FILE", "devnet-admin.key")];
    let node = rehearsal.node();
    // The 10 000 members registered outside the plan are drift (removals, left alone).
    let before = w
        .luckee_env(&["plan", "--node", &node, "-o", "json"], &as_admin)
        .expect_code(1)
        .json();
    assert!(
        before["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["op"] == "remove"),
        "{before}"
    );
    w.write_config(&with_admin(&plan.replace(
        "reward = \"1000000\", points = \"100\"",
        "reward = \"2000000\", points = \"100\"",
    )));
    let applied = w
        .luckee_env(&["apply", "--node", &node, "-o", "json"], &as_admin)
        .ok()
        .json();
    assert_eq!(applied["applied"].as_array().unwrap().len(), 1, "{applied}");
    assert_eq!(applied["left"].as_array().unwrap().len(), 10_000);
    // The real chain is untouched by the rehearsal.
    let c = devnet().client();
    let rules = devnet()
        .block_on(luckee::contracts::IncentiveClient::new(&c, s.incentive.clone()).all_rules(None))
        .unwrap();
    let probe = rules.iter().find(|r| r.id == stack::RULE).unwrap();
    assert_eq!(
        probe.reward.u128(),
        1_000_000,
        "the rehearsal changed the real chain"
    );
}
