//! End-to-end: bad inputs give a clear message and the documented exit code, and leave the
//! state file byte-identical. Runs against the devnet (`ci/devnet up`).

mod support;

use luckee::error::exit;
use support::{Run, Workdir};

/// A deployed working dir (so a state file exists to be kept intact).
fn deployed() -> Workdir {
    let w = Workdir::new();
    w.luckee(&["deploy", "upload"]).ok();
    w.luckee(&["deploy", "instantiate"]).ok();
    w
}

/// Runs `args`, expects `code` and `message` on stderr, and an unchanged state file.
fn refused(w: &Workdir, args: &[&str], env: &[(&str, &str)], code: i32, message: &str) -> Run {
    let before = w.state_bytes();
    let run = w.luckee_env(args, env).expect_code(code);
    assert!(
        run.stderr().contains(message),
        "luckee {args:?}: expected '{message}' in stderr:\n{}",
        run.stderr()
    );
    assert_eq!(
        w.state_bytes(),
        before,
        "luckee {args:?} changed the state file"
    );
    run
}

#[test]
fn network_and_chain_problems() {
    let w = deployed();
    refused(
        &w,
        &["deploy", "instantiate", "--chain-id", "other-chain"],
        &[],
        exit::USAGE,
        "reports chain-id 'luckee-local'",
    );
    let r = refused(
        &w,
        &["deploy", "verify", "--node", "http://127.0.0.1:1"],
        &[],
        exit::NETWORK,
        "node not reachable",
    );
    assert!(r.stderr().contains("127.0.0.1:1"));
    refused(
        &w,
        &[
            "deploy",
            "upload",
            "--node",
            "http://127.0.0.1:1,http://127.0.0.1:2",
        ],
        &[],
        exit::NETWORK,
        "127.0.0.1:2",
    );
    // Failover: a dead first endpoint, then the devnet.
    let nodes = format!("http://127.0.0.1:1,{}", support::devnet().node);
    w.luckee(&["deploy", "verify", "--node", &nodes]).ok();
    refused(
        &w,
        &["deploy", "upload", "--network", "nowhere"],
        &[],
        exit::USAGE,
        "unknown network 'nowhere'",
    );
    refused(
        &w,
        &["deploy", "upload", "--gas-prices", "cheap"],
        &[],
        exit::USAGE,
        "gas price",
    );
    refused(
        &w,
        &["deploy", "nonsense"],
        &[],
        exit::USAGE,
        "unrecognized subcommand",
    );
}

#[test]
fn unfunded_key_is_a_tx_failure_and_writes_nothing() {
    let w = Workdir::unfunded(true);
    refused(
        &w,
        &["deploy", "upload"],
        &[],
        exit::TX_FAILED,
        "does not exist on luckee-local (never funded)",
    );
    assert!(w.state_bytes().is_none());
}

#[test]
fn key_problems() {
    let w = deployed();
    let malformed = w.write_key_file("bad.txt", "abandon abandon abandon wrongword", 0o600);
    let r = refused(
        &w,
        &[
            "deploy",
            "instantiate",
            "--mnemonic-file",
            malformed.to_str().unwrap(),
        ],
        &[],
        exit::USAGE,
        "malformed mnemonic",
    );
    assert!(
        !r.stderr().contains("wrongword"),
        "mnemonic words leaked: {}",
        r.stderr()
    );
    let open = w.write_key_file("open.txt", &w.mnemonic.clone(), 0o644);
    let r = refused(
        &w,
        &[
            "deploy",
            "upload",
            "--mnemonic-file",
            open.to_str().unwrap(),
        ],
        &[],
        exit::USAGE,
        "chmod 600",
    );
    assert!(!r.stderr().contains(&w.mnemonic), "mnemonic leaked");
    refused(
        &w,
        &["deploy", "upload"],
        &[("LUCKEE_MNEMONIC_FILE", "")],
        exit::USAGE,
        "LUCKEE_MNEMONIC",
    );
    refused(
        &w,
        &["deploy", "upload"],
        &[
            ("LUCKEE_MNEMONIC_FILE", ""),
            ("LUCKEE_MNEMONIC", "one two three"),
        ],
        exit::USAGE,
        "malformed mnemonic",
    );
}

#[test]
fn artifact_problems() {
    let w = deployed();
    let inc = w.path().join("artifacts/luckee_incentive.wasm");
    let bytes = std::fs::read(&inc).unwrap();
    std::fs::write(&inc, support::uniquify_wasm(&bytes, b"tampered")).unwrap();
    refused(
        &w,
        &["deploy", "upload"],
        &[],
        exit::USAGE,
        "checksum mismatch",
    );
    std::fs::remove_file(&inc).unwrap();
    refused(
        &w,
        &["deploy", "upload"],
        &[],
        exit::USAGE,
        "luckee_incentive.wasm missing",
    );
    refused(
        &w,
        &["deploy", "verify"],
        &[],
        exit::USAGE,
        "luckee_incentive.wasm missing",
    );
    std::fs::write(&inc, &bytes).unwrap();
    std::fs::remove_file(w.path().join("artifacts/checksums.txt")).unwrap();
    refused(&w, &["deploy", "upload"], &[], exit::USAGE, "checksums.txt");
}

#[test]
fn state_and_config_problems() {
    let w = deployed();
    // Invalid bech32 addresses in the plan.
    w.write_config("[deploy.incentive]\nreporters = [{ address = \"wasm1notanaddress\" }]\n");
    refused(
        &w,
        &["deploy", "instantiate"],
        &[],
        exit::USAGE,
        "deploy.incentive.reporters[0].address: invalid bech32 address",
    );
    w.write_config("[deploy]\nadmin = \"cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu\"\n");
    refused(
        &w,
        &["deploy", "instantiate"],
        &[],
        exit::USAGE,
        "has prefix 'cosmos'",
    );
    w.write_config("[deploy\n");
    refused(&w, &["deploy", "verify"], &[], exit::USAGE, "luckee.toml");
    std::fs::remove_file(w.path().join("luckee.toml")).unwrap();
    refused(
        &w,
        &["deploy", "verify", "--config", "missing.toml"],
        &[],
        exit::USAGE,
        "cannot read config",
    );

    // Corrupt state file: refused, left as it is.
    std::fs::write(w.state_path(), b"{\"version\": 1, \"chain_id\": ").unwrap();
    for step in ["upload", "instantiate", "verify"] {
        refused(&w, &["deploy", step], &[], exit::USAGE, "is corrupt");
    }
}

#[test]
fn concurrent_run_is_busy() {
    let w = deployed();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(
            w.path()
                .join(format!("deployments/{}.lock", support::devnet().chain_id)),
        )
        .unwrap();
    assert!(fs4::fs_std::FileExt::try_lock_exclusive(&lock).unwrap());
    refused(
        &w,
        &["deploy", "instantiate"],
        &[],
        exit::BUSY,
        "holds the lock",
    );
    refused(&w, &["deploy", "verify"], &[], exit::BUSY, "holds the lock");
    fs4::fs_std::FileExt::unlock(&lock).unwrap();
    w.luckee(&["deploy", "verify"]).ok();
}

#[test]
fn rejected_or_failing_txs_leave_the_state_file_as_it_was() {
    let w = deployed();
    w.write_config(
        "[deploy.incentive]\nrules = [{ id = \"late_rule\", reward = \"1\", points = \"1\" }]\n",
    );
    // Below the node's minimum gas price: CheckTx rejects it (insufficient fee).
    let r = refused(
        &w,
        &["deploy", "instantiate", "--gas-prices", "0.0001ustake"],
        &[],
        exit::TX_FAILED,
        "rejected by CheckTx",
    );
    assert!(r.stderr().contains("insufficient fee"), "{}", r.stderr());
    // A rule the contract would refuse (empty id) is caught by plan validation: exit 2 before
    // any simulation or fee.
    w.write_config("[deploy.incentive]\nrules = [{ id = \"\", reward = \"1\", points = \"1\" }]\n");
    refused(
        &w,
        &["deploy", "instantiate"],
        &[],
        exit::USAGE,
        "must be 1..=64 bytes",
    );
    // A first run whose tx is rejected leaves no state file behind.
    let fresh = Workdir::with_artifacts(true);
    refused(
        &fresh,
        &["deploy", "upload", "--gas-prices", "0.0001ustake"],
        &[],
        exit::TX_FAILED,
        "rejected by CheckTx",
    );
    assert!(fresh.state_bytes().is_none());
    // And the plan change itself then goes through.
    w.write_config(
        "[deploy.incentive]\nrules = [{ id = \"late_rule\", reward = \"1\", points = \"1\" }]\n",
    );
    let out = w
        .luckee(&["deploy", "instantiate", "-o", "json"])
        .ok()
        .json();
    assert_eq!(out["actions"][0], "update_rules upsert [late_rule]");
}
