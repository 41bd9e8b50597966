//! `luckee events sync` on the devnet, into SQLite and into a real PostgreSQL (`ci/postgres`,
//! found through `LUCKEE_TEST_POSTGRES_URL`; a test that cannot reach it fails).
//!
//! Real traffic: the stack's instantiate and setup txs, two rewards, one exchange, and a
//! duplicate report sent with the raw `wasmd` CLI at a fixed gas (no simulation), so that it
//! fails on chain. The archive must hold every one of those txs (the failed one with the
//! action it attempted), and a second sync must change nothing.

mod stack;
mod support;

use std::path::Path;
use std::process::Command;

use luckee::events::Archive;
use luckee_types::incentive;
use stack::{Stack, RULE};
use support::devnet;

/// Sends `distribute_reward` of `activity` with the raw wasmd CLI and a fixed gas limit (no
/// simulation), signed by the reporter; returns the tx hash.
fn raw_distribute(s: &Stack, keyring: &Path, activity: &str) -> String {
    let msg = serde_json::to_string(&incentive::ExecuteMsg::DistributeReward {
        recipient: s.user.address.clone(),
        rule_id: RULE.into(),
        activity_id: activity.into(),
        source: None,
    })
    .unwrap();
    let v = support::raw_wasmd_execute(
        keyring,
        "reporter",
        &s.reporter.mnemonic,
        &s.incentive,
        &msg,
    );
    v["txhash"].as_str().unwrap().to_string()
}

/// Runs the scenario into `db`; returns the stack and the archive's final cursor.
fn scenario(db: &str) -> (Stack, u64) {
    let s = Stack::deploy();
    let w = &s.w;
    s.distribute("ev-1").unwrap();
    s.distribute("ev-2").unwrap();
    let exchange = incentive::ExecuteMsg::MintForPoints {
        points: 100u128.into(),
    };
    s.execute_all::<luckee::contracts::incentive::Incentive>(
        &s.user.signer,
        &s.incentive,
        &[exchange],
    )
    .unwrap();
    let keyring = tempfile::tempdir().unwrap();
    let failed = raw_distribute(&s, keyring.path(), "ev-1");
    // Wait for the failed tx to be in a block.
    let d = devnet();
    let c = d.client();
    let mut from = d.height().saturating_sub(5);
    let outcome = d
        .block_on(async {
            for _ in 0..80 {
                if let Some(o) = c.find_tx(&failed, &mut from).await? {
                    return Ok::<_, luckee::Error>(Some(o));
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            Ok(None)
        })
        .unwrap()
        .expect("the duplicate report landed");
    assert_ne!(outcome.code, 0, "the duplicate report failed on chain");

    let r = w
        .luckee(&["events", "sync", "--db", db, "-o", "json"])
        .ok()
        .json();
    // The instantiate tx (with the plan's setup), 2 rewards, 1 exchange, the failed report.
    assert_eq!(
        (r["txs"].as_u64(), r["failed_txs"].as_u64()),
        (Some(5), Some(1)),
        "{r}"
    );
    let archive = d.block_on(Archive::open(db)).unwrap();
    let actions = d.block_on(archive.actions()).unwrap();
    let count = |action: &str, ok: bool| {
        actions
            .iter()
            .filter(|(_, code, a)| a == action && (*code == 0) == ok)
            .count()
    };
    assert_eq!(count("distribute_reward", true), 2, "{actions:?}");
    assert_eq!(count("mint_for_points", true), 1, "{actions:?}");
    assert_eq!(count("instantiate", true), 3, "{actions:?}");
    assert!(
        actions
            .iter()
            .any(|(h, code, a)| *h == failed && *code != 0 && a == "distribute_reward"),
        "the failed report is archived with the action it attempted: {actions:?}"
    );
    // Every successful reward left its wasm event.
    assert!(r["events"].as_u64().unwrap() >= 3, "{r}");
    let before = d.block_on(archive.counts()).unwrap();
    let again = w
        .luckee(&["events", "sync", "--db", db, "-o", "json"])
        .ok()
        .json();
    assert_eq!(
        again["txs"], 0,
        "a second sync archives nothing new: {again}"
    );
    assert_eq!(d.block_on(archive.counts()).unwrap(), before);
    let cursor = d.block_on(archive.cursor(&d.chain_id)).unwrap().unwrap();
    assert!(cursor >= outcome.height);
    (s, cursor)
}

#[test]
fn sync_into_sqlite_archives_every_tx_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("events.sqlite").display());
    let (s, cursor) = scenario(&db);

    // Stopped halfway (--to) and resumed: the same rows as one sync, no gap, no duplicate.
    let first = s.w.state()["contracts"]["luckee_incentive"]["height"]
        .as_u64()
        .unwrap();
    let mid = (first + cursor) / 2;
    let db2 = format!("sqlite:{}", dir.path().join("resumed.sqlite").display());
    let half =
        s.w.luckee(&[
            "events",
            "sync",
            "--db",
            &db2,
            "--to",
            &mid.to_string(),
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(half["heights"][1], mid, "{half}");
    let rest =
        s.w.luckee(&[
            "events",
            "sync",
            "--db",
            &db2,
            "--to",
            &cursor.to_string(),
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(
        rest["heights"][0],
        mid + 1,
        "resumes after the cursor: {rest}"
    );
    let d = devnet();
    let one = d.block_on(Archive::open(&db)).unwrap();
    let two = d.block_on(Archive::open(&db2)).unwrap();
    assert_eq!(
        d.block_on(two.actions()).unwrap(),
        d.block_on(one.actions()).unwrap()
    );
    assert_eq!(
        d.block_on(two.counts()).unwrap(),
        d.block_on(one.counts()).unwrap()
    );
}

#[test]
fn sync_into_postgres_archives_every_tx_once() {
    let base = std::env::var("LUCKEE_TEST_POSTGRES_URL")
        .expect("LUCKEE_TEST_POSTGRES_URL (ci/postgres up; eval \"$(ci/postgres env)\")");
    // A database of its own for this run.
    let name = format!("luckee_events_{}", std::process::id());
    let out = Command::new("psql")
        .args([
            &base,
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            &format!("DROP DATABASE IF EXISTS {name}"),
            "-c",
            &format!("CREATE DATABASE {name}"),
        ])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("odd URL {base}"),
    };
    scenario(&url);
    let _ = Command::new("psql")
        .args([&base, "-c", &format!("DROP DATABASE IF EXISTS {name}")])
        .output();
}

#[test]
fn bad_db_urls_are_refused_with_exit_2() {
    let w = support::Workdir::new();
    std::fs::create_dir_all(w.path().join("deployments")).unwrap();
    for (url, words) in [
        ("mysql://x@y/z", "expected sqlite:PATH or postgres://"),
        ("sqlite:/nonexistent-dir/x.sqlite", "does not exist"),
    ] {
        let r = w.luckee(&["events", "sync", "--db", url]);
        assert_eq!(r.code(), Some(2), "{url}: {}", r.stderr());
        assert!(r.stderr().contains(words), "{url}: {}", r.stderr());
    }
}
