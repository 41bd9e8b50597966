//! End-to-end: `luckee backup` and `luckee backup verify` on the devnet.
//!
//! The large-state tests share one stack whose registry holds more than 10 000 members
//! (`register_batch`, 500 addresses per message, 10 messages per tx), i.e. more than 10 000
//! raw state entries.

mod stack;
mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use luckee_types::registry;
use serde_json::Value;
use stack::{promtool_check_metrics, Stack};
use support::devnet;

/// Registry members added on top of the stack's two.
const MEMBERS: usize = 10_000;

/// The shared stack with a >10 000-entry registry.
fn big() -> &'static Stack {
    static BIG: OnceLock<Stack> = OnceLock::new();
    BIG.get_or_init(|| {
        let s = Stack::deploy();
        let took = s.register_members(MEMBERS, registry::MAX_BATCH, 10);
        eprintln!(
            "SETUP: registered {MEMBERS} registry members in {:.1} s",
            took.as_secs_f64()
        );
        s
    })
}

/// `ROOT/<chain-id>`.
fn chain_dir(root: &Path) -> PathBuf {
    root.join(&devnet().chain_id)
}

/// Every directory directly under `ROOT/<chain-id>/<contract>/`, by contract.
fn backup_dirs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for c in std::fs::read_dir(chain_dir(root))
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
    {
        out.extend(
            std::fs::read_dir(c)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_dir()),
        );
    }
    out.sort();
    out
}

/// Directories that look like complete backups: a backup name (not starting with a dot).
fn complete_looking(root: &Path) -> Vec<PathBuf> {
    backup_dirs(root)
        .into_iter()
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect()
}

/// Waits until `cond` holds (panics after `secs`).
fn wait_for(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The `.incomplete-…` directory of a running registry backup whose state file has started.
fn incomplete_registry_state(root: &Path) -> Option<PathBuf> {
    let dir = chain_dir(root).join("mock_registry");
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".incomplete-")
                && std::fs::metadata(p.join("state.jsonl")).is_ok_and(|m| m.len() > 0)
        })
}

fn row<'a>(report: &'a Value, contract: &str) -> &'a Value {
    report["backups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["contract"] == contract)
        .unwrap_or_else(|| panic!("{contract}: {report}"))
}

#[test]
fn backup_of_a_10k_entry_contract_completes_and_verifies() {
    let s = big();
    let root = tempfile::tempdir().unwrap();
    let metrics = root.path().join("backup.prom");
    let start = Instant::now();
    let r =
        s.w.luckee(&[
            "backup",
            "--dir",
            root.path().to_str().unwrap(),
            "-o",
            "json",
            "--metrics-file",
            metrics.to_str().unwrap(),
        ])
        .ok()
        .json();
    let wall = start.elapsed();
    let reg = row(&r, "mock_registry");
    let entries = reg["state_entries"].as_u64().unwrap();
    assert!(entries >= MEMBERS as u64, "{r}");
    eprintln!(
        "BACKUP: mock_registry {entries} state entries in {:.2} s ({} bytes); whole run (3 contracts) {:.2} s, process {:.2} s",
        reg["seconds"].as_f64().unwrap(),
        reg["size_bytes"],
        r["seconds"].as_f64().unwrap(),
        wall.as_secs_f64()
    );
    let height = r["height"].as_u64().unwrap();
    for name in ["luckee_incentive", "mock_ft", "mock_registry"] {
        let dir = row(&r, name)["dir"].as_str().unwrap().to_string();
        let v =
            s.w.luckee(&["backup", "verify", &dir, "-o", "json"])
                .ok()
                .json();
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(
            v["manifest"]["height"].as_u64(),
            Some(height),
            "one height for every contract"
        );
        assert_eq!(v["manifest"]["chain_id"], devnet().chain_id.as_str());
        let files: Vec<&str> = v["manifest"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        for f in [
            "contract_info.json",
            "code_info.json",
            "code.wasm",
            "state.jsonl",
        ] {
            assert!(files.contains(&f), "{name}: {f} missing in {files:?}");
        }
    }
    let inc = row(&r, "luckee_incentive")["dir"]
        .as_str()
        .unwrap()
        .to_string();
    for f in [
        "config.json",
        "rules.json",
        "registered_contracts.json",
        "stats.json",
    ] {
        assert!(Path::new(&inc).join(f).exists(), "{f}");
    }
    let rules: Value =
        serde_json::from_slice(&std::fs::read(Path::new(&inc).join("rules.json")).unwrap())
            .unwrap();
    assert_eq!(rules["rules"].as_array().unwrap().len(), 2, "{rules}");
    // The members list (all pages) and the raw state agree with the chain at that height.
    let reg_dir = PathBuf::from(reg["dir"].as_str().unwrap());
    let members: Value =
        serde_json::from_slice(&std::fs::read(reg_dir.join("members.json")).unwrap()).unwrap();
    let d = devnet();
    let c = d.client();
    let cfg: registry::RegistryConfigResponse = d
        .block_on(c.smart_query(&s.registry, &registry::QueryMsg::Config {}, Some(height)))
        .unwrap();
    assert_eq!(
        members["members"].as_array().unwrap().len() as u64,
        cfg.member_count
    );
    let text =
        s.w.luckee(&["backup", "verify", reg_dir.to_str().unwrap()])
            .ok()
            .stdout();
    assert!(text.contains("is intact"), "{text}");

    let m = std::fs::read_to_string(&metrics).unwrap();
    for name in [
        "luckee_backup_last_success_timestamp_seconds{",
        "luckee_backup_duration_seconds{",
        "luckee_backup_state_entries{",
    ] {
        assert_eq!(
            m.lines().filter(|l| l.starts_with(name)).count(),
            3,
            "{name}:\n{m}"
        );
    }
    assert!(m.contains(&format!("luckee_backup_last_run_success{{chain_id=\"{}\",contract=\"{}\",name=\"mock_registry\"}} 1", d.chain_id, s.registry)), "{m}");
    promtool_check_metrics(&metrics);
}

#[test]
fn the_snapshot_is_one_height_while_the_chain_changes() {
    let s = big();
    let root = tempfile::tempdir().unwrap();
    let (args, child) = s.w.spawn(&[
        "backup",
        "--dir",
        root.path().to_str().unwrap(),
        "--page-limit",
        "25",
        "-o",
        "json",
    ]);
    wait_for(120, "the registry backup to start", || {
        incomplete_registry_state(root.path()).is_some()
    });
    // More members land while the backup is still paging through the registry.
    s.register_members(300, 300, 1);
    let out = child.wait_with_output().unwrap();
    let r = support::Run { args, out }.ok().json();
    let reg = row(&r, "mock_registry");
    let height = r["height"].as_u64().unwrap();
    let d = devnet();
    let c = d.client();
    let at = |h: u64| -> u64 {
        let cfg: registry::RegistryConfigResponse = d
            .block_on(c.smart_query(&s.registry, &registry::QueryMsg::Config {}, Some(h)))
            .unwrap();
        cfg.member_count
    };
    let (then, now) = (at(height), at(d.height()));
    assert!(
        now >= then + 300,
        "the registration landed after the snapshot height ({then} → {now})"
    );
    // members.json and the member keys of the raw state are exactly the state at `height`.
    let dir = PathBuf::from(reg["dir"].as_str().unwrap());
    let members: Value =
        serde_json::from_slice(&std::fs::read(dir.join("members.json")).unwrap()).unwrap();
    assert_eq!(members["members"].as_array().unwrap().len() as u64, then);
    let prefix = hex::encode(b"\x00\x07members");
    let state = std::fs::read_to_string(dir.join("state.jsonl")).unwrap();
    let member_keys = state
        .lines()
        .filter(|l| l.starts_with(&format!("{{\"key\":\"{prefix}")))
        .count() as u64;
    assert_eq!(member_keys, then, "raw state at height {height}");
}

#[test]
fn two_concurrent_backups_one_is_refused() {
    let s = big();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_str().unwrap();
    let (args, first) = s.w.spawn(&["backup", "--dir", dir, "--page-limit", "10"]);
    wait_for(120, "the first backup to start", || {
        incomplete_registry_state(root.path()).is_some()
    });
    let second = s.w.luckee(&["backup", "--dir", dir]).expect_code(5);
    assert!(
        second.stderr().contains("another luckee backup is running"),
        "{}",
        second.stderr()
    );
    let out = first.wait_with_output().unwrap();
    support::Run { args, out }.ok();
    let done = complete_looking(root.path());
    assert_eq!(done.len(), 3, "{done:?}");
    for d in done {
        s.w.luckee(&["backup", "verify", d.to_str().unwrap()]).ok();
    }
}

#[test]
fn a_backup_killed_midway_leaves_nothing_that_looks_complete() {
    let s = big();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_str().unwrap();
    let (_, mut child) = s.w.spawn(&["backup", "--dir", dir, "--page-limit", "10"]);
    wait_for(120, "the registry state to be half written", || {
        incomplete_registry_state(root.path()).is_some()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        complete_looking(root.path()).is_empty(),
        "{:?}",
        backup_dirs(root.path())
    );
    let leftover = incomplete_registry_state(root.path()).expect("the interrupted directory");
    let v =
        s.w.luckee(&["backup", "verify", leftover.to_str().unwrap()])
            .expect_code(1);
    assert!(v.stdout().contains("FAILED"), "{}", v.stdout());

    // The next run removes the leftover and completes.
    let r =
        s.w.luckee(&["backup", "--dir", dir, "-o", "json"])
            .ok()
            .json();
    assert_eq!(r["removed_incomplete"].as_array().unwrap().len(), 1, "{r}");
    assert!(!leftover.exists());
    assert_eq!(complete_looking(root.path()).len(), 3);
    assert_eq!(
        backup_dirs(root.path()).len(),
        3,
        "nothing else left: {:?}",
        backup_dirs(root.path())
    );
}

#[test]
fn verify_catches_altered_missing_and_extra_files() {
    let s = Stack::deploy();
    let root = tempfile::tempdir().unwrap();
    let r =
        s.w.luckee(&[
            "backup",
            "--dir",
            root.path().to_str().unwrap(),
            "-o",
            "json",
        ])
        .ok()
        .json();
    let dir = PathBuf::from(row(&r, "luckee_incentive")["dir"].as_str().unwrap());
    let verify = |d: &Path| s.w.luckee(&["backup", "verify", d.to_str().unwrap()]);
    verify(&dir).ok();

    // One byte of the raw state changed.
    let state = dir.join("state.jsonl");
    let original = std::fs::read(&state).unwrap();
    let mut tampered = original.clone();
    let i = tampered.iter().position(|&b| b == b'"').unwrap() + 10;
    tampered[i] = if tampered[i] == b'0' { b'1' } else { b'0' };
    std::fs::write(&state, &tampered).unwrap();
    let v = verify(&dir).expect_code(1);
    assert!(
        v.stdout()
            .lines()
            .any(|l| l.starts_with("FAILED") && l.contains("state.jsonl") && l.contains("altered")),
        "{}",
        v.stdout()
    );
    std::fs::write(&state, &original).unwrap();
    verify(&dir).ok();

    // A file missing.
    let info = dir.join("code_info.json");
    let saved = std::fs::read(&info).unwrap();
    std::fs::remove_file(&info).unwrap();
    let v = verify(&dir).expect_code(1);
    assert!(v.stdout().contains("missing"), "{}", v.stdout());
    std::fs::write(&info, saved).unwrap();

    // A file nobody listed.
    std::fs::write(dir.join("extra.json"), b"{}").unwrap();
    let v = verify(&dir).expect_code(1);
    assert!(
        v.stdout()
            .lines()
            .any(|l| l.contains("extra.json") && l.contains("not listed")),
        "{}",
        v.stdout()
    );
    std::fs::remove_file(dir.join("extra.json")).unwrap();

    // The manifest edited to match a changed wasm does not pass either: its checksum is the code's.
    let manifest_path = dir.join("manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let wasm = dir.join("code.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    bytes.push(0);
    std::fs::write(&wasm, &bytes).unwrap();
    for f in m["files"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .filter(|f| f["name"] == "code.wasm")
    {
        f["sha256"] = luckee::artifacts::sha256_hex(&bytes).into();
        f["size"] = (bytes.len() as u64).into();
    }
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let v = verify(&dir).expect_code(1);
    assert!(
        v.stdout()
            .lines()
            .any(|l| l.starts_with("FAILED") && l.contains("code checksum")),
        "{}",
        v.stdout()
    );

    verify(&dir.join("nope")).expect_code(2);
}

#[test]
fn retention_prunes_only_complete_backups_and_failed_runs_keep_the_metrics() {
    let s = Stack::deploy();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().to_str().unwrap();
    for _ in 0..3 {
        s.w.luckee(&["backup", "--dir", dir, "--keep", "2"]).ok();
    }
    let ft = chain_dir(root.path()).join("mock_ft");
    let names = |p: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&ft).len(), 2, "{:?}", names(&ft));
    // Directories that are not complete backups are never touched.
    std::fs::create_dir_all(ft.join("20000101T000000Z")).unwrap(); // no manifest
    std::fs::create_dir_all(ft.join("notes")).unwrap();
    std::thread::sleep(Duration::from_millis(1100));
    s.w.luckee(&["backup", "--dir", dir, "--max-age", "1s"])
        .ok();
    let left = names(&ft);
    assert_eq!(
        left.len(),
        3,
        "newest backup + the two foreign dirs: {left:?}"
    );
    assert!(
        left.contains(&"20000101T000000Z".to_string()) && left.contains(&"notes".to_string()),
        "{left:?}"
    );
    s.w.luckee(&["backup", "--dir", dir, "--keep", "0"])
        .expect_code(2);
    s.w.luckee(&["backup", "--dir", dir, "--keep", "1", "--max-age", "1d"])
        .expect_code(2);

    // A run that cannot reach the node fails (exit 4) but still reports the newest backup on
    // disk, and 0 where there is none, so that the "backup too old" alerts fire.
    let dead = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );
    let prom = root.path().join("backup.prom");
    let empty = tempfile::tempdir().unwrap();
    for (d, fresh) in [(dir, false), (empty.path().to_str().unwrap(), true)] {
        s.w.luckee(&[
            "backup",
            "--dir",
            d,
            "--node",
            &dead,
            "--metrics-file",
            prom.to_str().unwrap(),
        ])
        .expect_code(4);
        let m = std::fs::read_to_string(&prom).unwrap();
        let sample = |name: &str| -> f64 {
            let prefix = format!(
                "{name}{{chain_id=\"{}\",contract=\"{}\",name=\"mock_ft\"}} ",
                devnet().chain_id,
                s.ft
            );
            m.lines()
                .find_map(|l| l.strip_prefix(&prefix))
                .unwrap_or_else(|| panic!("{prefix}:\n{m}"))
                .parse()
                .unwrap()
        };
        assert_eq!(sample("luckee_backup_last_run_success"), 0.0);
        let last = sample("luckee_backup_last_success_timestamp_seconds");
        assert_eq!(last == 0.0, fresh, "{m}");
    }
}
