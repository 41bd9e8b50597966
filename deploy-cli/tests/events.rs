//! The event archive on the devnet (`events sync | stats | prune`), into SQLite and into a real
//! PostgreSQL (`ci/postgres`, found through `LUCKEE_TEST_POSTGRES_URL`; a test that cannot
//! reach it fails).
//!
//! Real traffic ([`scenario`]): single and batch rewards, a duplicate activity, a non-member
//! recipient, an attempt while paused, exchanges including one with too few points. The
//! failing ones are sent with the raw `wasmd` CLI at a fixed gas (no simulation), so that they
//! fail on chain as the seed's scripts' would. The archive must hold every one of those txs,
//! and `events stats` must reproduce the counts the test computes from what it sent.

mod stack;
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use luckee::events::decode::{ArchivedEvent, ArchivedMsg, ArchivedTx};
use luckee::events::Archive;
use luckee_types::incentive::{self, DistributeItem};
use serde_json::Value;
use stack::{Stack, RULE};
use support::devnet;

/// Sends `msg` to the incentive with the raw wasmd CLI as `key` (`reporter` or `user`) at a
/// fixed gas, waits for its block and checks that it failed on chain; returns its hash.
fn raw_failing(s: &Stack, keyring: &Path, key: &str, msg: &incentive::ExecuteMsg) -> String {
    let mnemonic = match key {
        "reporter" => &s.reporter.mnemonic,
        _ => &s.user.mnemonic,
    };
    let json = serde_json::to_string(msg).unwrap();
    let v = support::raw_wasmd_execute(keyring, key, mnemonic, &s.incentive, &json);
    let hash = v["txhash"].as_str().unwrap().to_string();
    let outcome = support::landed(&hash);
    assert_ne!(outcome.code, 0, "{json} failed on chain: {outcome:?}");
    hash
}

fn distribute(recipient: &str, activity: &str) -> incentive::ExecuteMsg {
    incentive::ExecuteMsg::DistributeReward {
        recipient: recipient.into(),
        rule_id: RULE.into(),
        activity_id: activity.into(),
        source: None,
    }
}

/// A bech32 address nobody registered.
fn outsider() -> String {
    let bytes: [u8; 20] = rand::random();
    cosmrs::AccountId::new("wasm", &bytes).unwrap().to_string()
}

/// What the scenario sent, counted by the test itself.
struct Sent {
    /// Txs to our contracts (the instantiate tx included), and how many failed.
    txs: u64,
    failed_txs: u64,
    rewards_paid: u64,
    reward_amount: u128,
    rejected: u64,
    skipped: u64,
    failed_reward_txs: u64,
    /// Activities reported by failed reward txs, except a retried report (skipped).
    failed_reward_activities: u64,
    exchanges: u64,
    exchange_amount: u128,
    failed_exchanges: u64,
    failed_hashes: Vec<String>,
}

/// Deploys a stack, sends the traffic, syncs it into `db` twice (the second changes nothing),
/// and checks the archive and `events stats` against [`Sent`]. Returns the stack and the
/// archive's cursor.
fn scenario(db: &str) -> (Stack, u64) {
    let s = Stack::deploy();
    let w = &s.w;
    let reward = 1_000_000u128; // RULE's reward (tests/stack)
    let keyring = tempfile::tempdir().unwrap();
    let mut failed = vec![];
    // Two single rewards and a batch: paid, skipped (already processed), rejected (not a member).
    s.distribute("ev-1").unwrap();
    s.distribute("ev-2").unwrap();
    let item = |r: &str, a: &str| DistributeItem {
        recipient: r.into(),
        rule_id: RULE.into(),
        activity_id: a.into(),
    };
    let batch = incentive::ExecuteMsg::BatchDistribute {
        items: vec![
            item(&s.user.address, "ev-3"),
            item(&s.user.address, "ev-1"),
            item(&outsider(), "ev-4"),
        ],
        source: None,
    };
    s.execute_all::<luckee::contracts::incentive::Incentive>(
        &s.reporter.signer,
        &s.incentive,
        &[batch],
    )
    .unwrap();
    // An exchange of 100 of the user's points (3 paid activities × 100 points).
    let exchange = incentive::ExecuteMsg::MintForPoints {
        points: 100u128.into(),
    };
    s.execute_all::<luckee::contracts::incentive::Incentive>(
        &s.user.signer,
        &s.incentive,
        &[exchange],
    )
    .unwrap();
    let rate = s.config().config.exchange_rate;
    let exchanged = 100 * rate.amount.u128() / rate.points.u128();
    // Failures on chain: a duplicate activity, a non-member recipient, an exchange of more
    // points than the user has, and a report while the incentive is paused.
    let user = s.user.address.clone();
    failed.push(raw_failing(
        &s,
        keyring.path(),
        "reporter",
        &distribute(&user, "ev-1"),
    ));
    failed.push(raw_failing(
        &s,
        keyring.path(),
        "reporter",
        &distribute(&outsider(), "ev-5"),
    ));
    let too_many = incentive::ExecuteMsg::MintForPoints {
        points: 1_000_000u128.into(),
    };
    failed.push(raw_failing(&s, keyring.path(), "user", &too_many));
    w.luckee(&["ops", "pause", "--reason", "events e2e"]).ok();
    failed.push(raw_failing(
        &s,
        keyring.path(),
        "reporter",
        &distribute(&user, "ev-6"),
    ));
    let paused_batch = incentive::ExecuteMsg::BatchDistribute {
        items: vec![item(&user, "ev-7"), item(&user, "ev-8")],
        source: None,
    };
    failed.push(raw_failing(&s, keyring.path(), "reporter", &paused_batch));
    w.luckee(&["ops", "resume"]).ok();
    let sent = Sent {
        // instantiate, 2 rewards, batch, exchange, 5 failures, pause, resume
        txs: 12,
        failed_txs: 5,
        rewards_paid: 3,
        reward_amount: 3 * reward,
        rejected: 1,
        // the batch's ev-1, and the single ev-1 reported again (a failed tx all the same)
        skipped: 2,
        // duplicate, non-member, paused single, paused batch
        failed_reward_txs: 4,
        // non-member 1 + paused single 1 + paused batch 2
        failed_reward_activities: 4,
        exchanges: 1,
        exchange_amount: exchanged,
        failed_exchanges: 1,
        failed_hashes: failed,
    };

    let r = w
        .luckee(&["events", "sync", "--db", db, "-o", "json"])
        .ok()
        .json();
    assert_eq!(
        (r["txs"].as_u64(), r["failed_txs"].as_u64()),
        (Some(sent.txs), Some(sent.failed_txs)),
        "{r}"
    );
    let d = devnet();
    let archive = d.block_on(Archive::open(db)).unwrap();
    let actions = d.block_on(archive.actions()).unwrap();
    for h in &sent.failed_hashes {
        assert!(
            actions.iter().any(|(x, code, _)| x == h && *code != 0),
            "failed tx {h} archived: {actions:?}"
        );
    }
    let count = |action: &str, ok: bool| {
        actions
            .iter()
            .filter(|(_, code, a)| a == action && (*code == 0) == ok)
            .count()
    };
    assert_eq!(count("distribute_reward", true), 2, "{actions:?}");
    assert_eq!(count("distribute_reward", false), 3, "{actions:?}");
    assert_eq!(count("batch_distribute", false), 1, "{actions:?}");
    assert_eq!(count("batch_distribute", true), 1, "{actions:?}");
    assert_eq!(count("mint_for_points", true), 1, "{actions:?}");
    assert_eq!(count("mint_for_points", false), 1, "{actions:?}");
    assert_eq!(count("instantiate", true), 3, "{actions:?}");
    // ops pause and ops resume (emergency_pause { paused: false }).
    assert_eq!(count("emergency_pause", true), 2, "{actions:?}");

    // `events stats` reproduces what was sent.
    let metrics = w.path().join("events.prom");
    let st = w
        .luckee(&[
            "events",
            "stats",
            "--db",
            db,
            "--metrics-file",
            metrics.to_str().unwrap(),
            "-o",
            "json",
        ])
        .ok()
        .json();
    let t = &st["total"];
    let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("{k}: {st}"));
    let amount = |k: &str| t[k].as_str().unwrap().parse::<u128>().unwrap();
    assert_eq!(
        (n("txs"), n("failed_txs")),
        (sent.txs, sent.failed_txs),
        "{st}"
    );
    assert_eq!(n("rewards_paid"), sent.rewards_paid, "{st}");
    assert_eq!(amount("reward_amount"), sent.reward_amount, "{st}");
    assert_eq!(
        (n("activities_rejected"), n("activities_skipped")),
        (sent.rejected, sent.skipped),
        "{st}"
    );
    assert_eq!(n("failed_reward_txs"), sent.failed_reward_txs, "{st}");
    assert_eq!(
        n("failed_reward_activities"),
        sent.failed_reward_activities,
        "{st}"
    );
    assert_eq!(
        (n("exchanges"), n("failed_exchanges")),
        (sent.exchanges, sent.failed_exchanges),
        "{st}"
    );
    assert_eq!(amount("exchange_amount"), sent.exchange_amount, "{st}");
    let attempts = sent.rewards_paid + sent.rejected + sent.failed_reward_activities;
    assert_eq!(
        t["activity_success_rate"].as_f64(),
        Some(sent.rewards_paid as f64 / attempts as f64),
        "{st}"
    );
    assert_eq!(t["exchange_success_rate"].as_f64(), Some(0.5), "{st}");
    assert_eq!(t["average_reward"], reward.to_string(), "{st}");
    // The days add up to the total (no pruning yet).
    let days: u64 = st["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rewards_paid"].as_u64().unwrap())
        .sum();
    assert_eq!(days, sent.rewards_paid, "{st}");
    let prom = std::fs::read_to_string(&metrics).unwrap();
    for (name, v) in [
        ("reward_distribution_attempts_total", attempts),
        (
            "reward_distribution_failures_total",
            sent.rejected + sent.failed_reward_activities,
        ),
        ("points_exchange_attempts_total", 2),
        ("points_exchange_failures_total", 1),
        ("contract_interactions_total", sent.txs),
        ("contract_interaction_failures_total", sent.failed_txs),
    ] {
        let line = format!("{name}{{chain_id=\"{}\"}} {v}\n", d.chain_id);
        assert!(prom.contains(&line), "{line} in\n{prom}");
    }
    stack::promtool_check_metrics(&metrics);

    // A second sync archives nothing and changes nothing.
    let before = d.block_on(archive.counts()).unwrap();
    let again = w
        .luckee(&["events", "sync", "--db", db, "-o", "json"])
        .ok()
        .json();
    assert_eq!(again["txs"], 0, "{again}");
    assert_eq!(d.block_on(archive.counts()).unwrap(), before);
    let cursor = d.block_on(archive.cursor(&d.chain_id)).unwrap().unwrap();
    (s, cursor)
}

/// The archive's rows, for comparing two archives: every message with its tx and code, and
/// the row counts.
/// Every archived message `(tx_hash, code, action)` and the rows per table.
type Rows = (Vec<(String, i64, String)>, (i64, i64, i64));

fn rows(db: &str) -> Rows {
    let d = devnet();
    let a = d.block_on(Archive::open(db)).unwrap();
    (
        d.block_on(a.actions()).unwrap(),
        d.block_on(a.counts()).unwrap(),
    )
}

fn cursor_of(db: &str) -> Option<u64> {
    let d = devnet();
    let a = d.block_on(Archive::open(db)).ok()?;
    d.block_on(a.cursor(&d.chain_id)).ok()?
}

/// Starts `events sync --from FROM --to TO` into `db` through a slow node (`ci/flaky-proxy
/// --delay`), waits until the first batch is written, then runs `interrupt` on the process;
/// returns the cursor seen then and the run's exit status. Panics if the backfill finished
/// before it could be interrupted.
fn interrupted_backfill(
    s: &Stack,
    db: &str,
    from: u64,
    to: u64,
    interrupt: &mut dyn FnMut(&mut std::process::Child),
) -> (u64, std::process::ExitStatus) {
    assert!(
        to - from >= 50,
        "a backfill of at least 5 batches to interrupt: {from}..={to}"
    );
    // Migrated before the run starts, so that polling never races the run's migrations.
    let d = devnet();
    let archive = d.block_on(Archive::open(db)).unwrap();
    let (mut proxy, url) = support::flaky_proxy(&["--fail", "0", "--delay", "0.1"]);
    let (_, mut child) = s.w.spawn(&[
        "--node",
        &url,
        "events",
        "sync",
        "--db",
        db,
        "--from",
        &from.to_string(),
        "--to",
        &to.to_string(),
        "--concurrency",
        "1",
        "--batch",
        "10",
    ]);
    let deadline = Instant::now() + Duration::from_secs(120);
    let seen = loop {
        assert!(Instant::now() < deadline, "no batch written in 120 s");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the backfill ended before it could be interrupted"
        );
        if let Ok(Some(c)) = d.block_on(archive.cursor(&d.chain_id)) {
            break c;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    interrupt(&mut child);
    let status = child.wait().unwrap();
    d.block_on(archive.close());
    proxy.kill().ok();
    proxy.wait().ok();
    assert!(seen < to, "interrupted mid-backfill: cursor {seen} < {to}");
    (seen, status)
}

#[test]
fn sync_stats_follow_and_kill_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("events.sqlite").display());
    let (s, cursor) = scenario(&db);
    let first = s.w.state()["contracts"]["luckee_incentive"]["height"]
        .as_u64()
        .unwrap();

    // Stopped halfway (--to) and resumed: the same rows as one sync, no gap, no duplicate.
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
    assert_eq!(rows(&db2), rows(&db));

    // Killed (SIGKILL) during a backfill from height 1, then resumed: exactly the rows of one
    // uninterrupted sync of the same heights.
    let reference = format!("sqlite:{}", dir.path().join("reference.sqlite").display());
    let to = cursor.to_string();
    s.w.luckee(&[
        "events", "sync", "--db", &reference, "--from", "1", "--to", &to,
    ])
    .ok();
    let killed = format!("sqlite:{}", dir.path().join("killed.sqlite").display());
    let (seen, status) = interrupted_backfill(&s, &killed, 1, cursor, &mut |c| c.kill().unwrap());
    assert!(!status.success(), "killed: {status:?}");
    let left = cursor_of(&killed).unwrap();
    assert!(
        left >= seen && left < cursor,
        "cursor {left} after the kill"
    );
    let resumed =
        s.w.luckee(&["events", "sync", "--db", &killed, "--to", &to, "-o", "json"])
            .ok()
            .json();
    assert_eq!(resumed["heights"][0], left + 1, "{resumed}");
    assert_eq!(rows(&killed), rows(&reference));

    // --follow archives new blocks as they come and stops cleanly on SIGTERM.
    let followed = format!("sqlite:{}", dir.path().join("follow.sqlite").display());
    let (_, mut child) = s.w.spawn(&[
        "events", "sync", "--db", &followed, "--follow", "--poll", "200ms", "-o", "json",
    ]);
    let out = s.distribute("ev-follow").unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while cursor_of(&followed).is_none_or(|c| c < out.height) {
        assert!(
            Instant::now() < deadline,
            "--follow did not reach {}",
            out.height
        );
        assert!(child.try_wait().unwrap().is_none(), "--follow exited");
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "SIGTERM exits 0: {done:?}");
    let report: Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(report["interrupted"], true, "{report}");
    let (actions, _) = rows(&followed);
    assert!(
        actions
            .iter()
            .any(|(h, code, _)| *h == out.hash && *code == 0),
        "the reward sent while following is archived"
    );

    // Retention: nothing is 180 days old on this devnet; the dry run and the real run agree,
    // and the cursor and counters stay.
    let dry =
        s.w.luckee(&[
            "events",
            "prune",
            "--db",
            &db,
            "--older-than",
            "180d",
            "--dry-run",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(dry["txs_deleted"], 0, "{dry}");
    let before = rows(&db);
    s.w.luckee(&["events", "prune", "--db", &db, "--older-than", "180d"])
        .ok();
    assert_eq!(rows(&db), before);
    assert_eq!(cursor_of(&db), Some(cursor));

    // ops monitor --events-db serves the archive's counters and reads what a later sync adds.
    let listen = format!("127.0.0.1:{}", support::free_port());
    let (_, mut monitor) = s.w.spawn(&[
        "ops",
        "monitor",
        "--listen",
        &listen,
        "--interval",
        "1s",
        "--events-db",
        &db,
    ]);
    let chain = &devnet().chain_id;
    let failures =
        |n: u64| format!("reward_distribution_failures_total{{chain_id=\"{chain}\"}} {n}\n");
    let served = |line: &str| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (_, body) = support::http_get(&format!("http://{listen}/metrics"));
            if body.contains(line) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "{line} never served; last:\n{body}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    };
    let body = served(&failures(5));
    let height = format!("luckee_events_archived_height{{chain_id=\"{chain}\"}} {cursor}\n");
    assert!(body.contains(&height), "{height} in\n{body}");
    let keyring = tempfile::tempdir().unwrap();
    raw_failing(
        &s,
        keyring.path(),
        "reporter",
        &distribute(&outsider(), "ev-9"),
    );
    s.w.luckee(&["events", "sync", "--db", &db]).ok();
    served(&failures(6));
    let pid = monitor.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    assert!(monitor.wait().unwrap().success());
}

#[test]
fn sync_stats_and_database_down_on_postgres() {
    let base = std::env::var("LUCKEE_TEST_POSTGRES_URL")
        .expect("LUCKEE_TEST_POSTGRES_URL (ci/postgres up; eval \"$(ci/postgres env)\")");
    let url = fresh_database(&base, &format!("luckee_events_{}", std::process::id()));
    let (s, cursor) = scenario(&url);

    // The database goes down during a backfill: exit 4, and the cursor never passes what was
    // written. A server of its own (ci/postgres on another port), stopped mid-sync.
    let port = "45433";
    let pg = |cmd: &str| {
        let st = Command::new(support::repo_root().join("ci/postgres"))
            .arg(cmd)
            .env("LUCKEE_POSTGRES_PORT", port)
            .status()
            .unwrap();
        assert!(st.success(), "ci/postgres {cmd} on {port}");
    };
    pg("up");
    struct Down<F: Fn(&str)>(F);
    impl<F: Fn(&str)> Drop for Down<F> {
        fn drop(&mut self) {
            (self.0)("down");
        }
    }
    let _down = Down(pg);
    let private = format!("postgres://luckee@127.0.0.1:{port}/luckee");
    let doomed = fresh_database(&private, "luckee_events_down");
    let reference = fresh_database(&base, &format!("luckee_events_ref_{}", std::process::id()));
    let to = cursor.to_string();
    s.w.luckee(&[
        "events", "sync", "--db", &reference, "--from", "1", "--to", &to,
    ])
    .ok();
    let mut stopped = false;
    let (seen, status) = interrupted_backfill(&s, &doomed, 1, cursor, &mut |_| {
        let st = Command::new(support::repo_root().join("ci/postgres"))
            .arg("down")
            .env("LUCKEE_POSTGRES_PORT", port)
            .status()
            .unwrap();
        stopped = st.success();
    });
    assert!(stopped, "ci/postgres down");
    assert_eq!(status.code(), Some(4), "database down → exit 4: {status:?}");
    let st = Command::new(support::repo_root().join("ci/postgres"))
        .arg("up")
        .env("LUCKEE_POSTGRES_PORT", port)
        .status()
        .unwrap();
    assert!(st.success());
    let left = cursor_of(&doomed).unwrap();
    assert!(left >= seen && left < cursor, "cursor {left}");
    // Nothing above the cursor was kept.
    let above = psql(
        &doomed,
        &format!("SELECT COUNT(*) FROM txs WHERE height > {left}"),
    );
    assert_eq!(above.trim(), "0");
    s.w.luckee(&["events", "sync", "--db", &doomed, "--to", &to])
        .ok();
    assert_eq!(rows(&doomed), rows(&reference));
    for u in [&url, &reference] {
        drop_database(&base, u);
    }
}

/// `psql URL -tAc SQL`'s output (checked).
fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-tAc", sql])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Creates (or re-creates) database `name` on the server of `base`; returns its URL.
fn fresh_database(base: &str, name: &str) -> String {
    psql(base, &format!("DROP DATABASE IF EXISTS {name}"));
    psql(base, &format!("CREATE DATABASE {name}"));
    match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("odd URL {base}"),
    }
}

fn drop_database(base: &str, url: &str) {
    let name = url.rsplit_once('/').unwrap().1;
    psql(base, &format!("DROP DATABASE IF EXISTS {name}"));
}

#[test]
fn bad_db_urls_and_unwritable_paths_are_refused_with_exit_2() {
    let w = support::Workdir::new();
    std::fs::create_dir_all(w.path().join("deployments")).unwrap();
    for (url, words) in [
        ("mysql://x@y/z", "expected sqlite:PATH or postgres://"),
        ("sqlite:/nonexistent-dir/x.sqlite", "does not exist"),
        ("sqlite:/proc/luckee-events.sqlite", "cannot open"),
        ("sqlite:", "the path is empty"),
    ] {
        let r = w.luckee(&["events", "sync", "--db", url]);
        assert_eq!(r.code(), Some(2), "{url}: {}", r.stderr());
        assert!(r.stderr().contains(words), "{url}: {}", r.stderr());
    }
    for args in [
        vec!["events", "stats", "--day", "yesterday"],
        vec!["events", "stats", "--since", "2026-13-01"],
        vec!["events", "prune", "--older-than", "half a year"],
        vec!["events", "sync", "--to", "5", "--follow"],
    ] {
        let r = w.luckee(&args);
        assert_eq!(r.code(), Some(2), "{args:?}: {}", r.stderr());
    }
}

/// One archived tx of `day` at `height`: a paid `distribute_reward` of 5 (with its event) or,
/// when `failed`, one that failed on chain.
fn archived(height: u64, day: &str, index: u32, failed: bool) -> ArchivedTx {
    const INC: &str = "wasm1incentive";
    let hash = format!("{height:060}{index:04}");
    let attrs = |a: &[(&str, &str)]| {
        a.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    ArchivedTx {
        hash,
        height,
        time: format!("{day}T12:00:00Z"),
        index,
        code: if failed { 5 } else { 0 },
        codespace: if failed { "wasm".into() } else { String::new() },
        log: failed.then(|| "activity already processed".into()),
        gas_wanted: 200_000,
        gas_used: 150_000,
        fee: "5000ustake".into(),
        signer: "wasm1reporter".into(),
        memo: String::new(),
        msgs: vec![ArchivedMsg {
            index: 0,
            type_url: "/cosmwasm.wasm.v1.MsgExecuteContract".into(),
            contract: INC.into(),
            action: "distribute_reward".into(),
            items: 1,
        }],
        events: if failed {
            vec![]
        } else {
            vec![ArchivedEvent {
                msg_index: 0,
                event_index: 3,
                kind: "wasm".into(),
                contract: INC.into(),
                action: Some("distribute_reward".into()),
                attributes: attrs(&[
                    ("_contract_address", INC),
                    ("action", "distribute_reward"),
                    ("amount", "5"),
                ]),
            }]
        },
    }
}

/// Retention on both databases, with rows of old days (the devnet has none): whole days before
/// the cutoff go, in several transactions; the cursor, the newer rows and the all-time
/// counters stay; a second prune deletes nothing.
#[test]
fn prune_deletes_old_days_in_batches_and_keeps_counters_and_cursor() {
    let base = std::env::var("LUCKEE_TEST_POSTGRES_URL")
        .expect("LUCKEE_TEST_POSTGRES_URL (ci/postgres up; eval \"$(ci/postgres env)\")");
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite:{}", dir.path().join("prune.sqlite").display());
    let pg = fresh_database(
        &base,
        &format!("luckee_events_prune_{}", std::process::id()),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    for db in [&sqlite, &pg] {
        rt.block_on(async {
            let a = Archive::open(db).await.unwrap();
            // Days 2025-01-01 … 2025-01-07, a paid and a failed reward each, one block per day.
            for d in 1..=7u64 {
                let day = format!("2025-01-{d:02}");
                let txs = [
                    archived(d * 100, &day, 0, false),
                    archived(d * 100, &day, 1, true),
                ];
                a.record("prune-chain", d * 100 + 50, &txs).await.unwrap();
            }
            let inc = "wasm1incentive";
            let before = a
                .snapshot("prune-chain", inc, 0)
                .await
                .unwrap()
                .stats
                .total();
            assert_eq!(
                (before.txs, before.rewards_paid, before.failed_reward_txs),
                (14, 7, 7)
            );
            // Keep from 2025-01-05: 4 days, 8 txs, 3 per transaction.
            let deleted = a.prune(inc, "2025-01-05", 3).await.unwrap();
            assert_eq!(deleted, 8, "{db}");
            assert_eq!(a.counts().await.unwrap(), (6, 6, 3), "{db}");
            assert_eq!(
                a.oldest().await.unwrap().as_deref(),
                Some("2025-01-05T12:00:00Z")
            );
            assert_eq!(a.cursor("prune-chain").await.unwrap(), Some(750), "{db}");
            let (up_to, carried) = a.pruned().await.unwrap().unwrap();
            assert_eq!(up_to, 400);
            let snap = a.snapshot("prune-chain", inc, 0).await.unwrap();
            assert_eq!(snap.pruned.as_ref().map(|(h, _)| *h), Some(400));
            let mut after = snap.stats.total();
            assert_eq!(after.txs, 6);
            after.add(&carried);
            assert_eq!(after, before, "{db}: all-time counters kept");
            assert_eq!(a.prune(inc, "2025-01-05", 3).await.unwrap(), 0);
            assert_eq!(a.pruned().await.unwrap().unwrap().1, carried);
            a.close().await;
        });
    }
    drop_database(&base, &pg);
}
