//! End-to-end tests against the RPC nodes operators actually get, each a real server that
//! `ci/test` starts (tests whose name starts with `rn_`; `ci/test` runs each group against its
//! own node, and a test that cannot reach its node fails, it never skips):
//!
//! * `rn_tls_…` — `ci/tls-front` (socat, test CA) in front of the devnet: `LUCKEE_TLS_NODE`,
//!   `LUCKEE_TLS_CA`;
//! * `rn_rate_limited_…` — `ci/flaky-proxy` (started here) answering 429 before forwarding;
//! * `rn_noindex_…` — `LUCKEE_NODE` is a devnet with `tx_index.indexer = "null"`,
//!   `pruning = "custom"` (state of the last 20 heights) and `min-retain-blocks = 40` (blocks);
//! * `rn_slow_…` — `LUCKEE_NODE` is a devnet with 5 s blocks.

mod stack;
mod support;

use std::time::{Duration, Instant};

use support::{devnet, flaky_proxy, Workdir};

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run the real-network tests through ci/test"))
}

#[test]
fn rn_tls_untrusted_ca_is_a_config_error_at_once_and_a_trusted_one_works() {
    let (node, ca) = (env("LUCKEE_TLS_NODE"), env("LUCKEE_TLS_CA"));
    let w = Workdir::new();
    let start = Instant::now();
    let r = w
        .luckee(&["deploy", "upload", "--dry-run", "--node", &node])
        .expect_code(2);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        r.stderr().contains("unknown CA") && r.stderr().contains("SSL_CERT_FILE"),
        "{}",
        r.stderr()
    );
    assert!(r.stderr().contains(&node), "{}", r.stderr());
    let ok = w
        .luckee_env(
            &["deploy", "upload", "--dry-run", "--node", &node],
            &[("SSL_CERT_FILE", &ca)],
        )
        .ok();
    assert!(ok.stdout().contains("luckee_incentive"), "{}", ok.stdout());
}

#[test]
fn rn_rate_limited_endpoint_succeeds_after_backoff_honouring_retry_after() {
    let (mut proxy, url) = flaky_proxy(&["--fail", "2", "--retry-after", "1", "--lifetime", "120"]);
    let w = Workdir::new();
    let start = Instant::now();
    let r = w.luckee(&["-v", "deploy", "upload", "--dry-run", "--node", &url]);
    let elapsed = start.elapsed();
    proxy.kill().ok();
    proxy.wait().ok();
    let r = r.ok();
    assert_eq!(
        r.stderr().matches("429 Too Many Requests").count(),
        2,
        "{}",
        r.stderr()
    );
    // Two Retry-After: 1 waits; the default backoff alone would wait ≈ 0.4 s.
    assert!(
        elapsed >= Duration::from_secs(2),
        "Retry-After not honoured: {elapsed:?}"
    );
}

#[test]
fn rn_noindex_deploy_confirms_txs_from_blocks_and_says_so() {
    let w = Workdir::with_artifacts(true);
    let up = w.luckee(&["-v", "deploy", "upload"]).ok();
    assert!(
        up.stderr().contains("tx indexer is disabled"),
        "{}",
        up.stderr()
    );
    w.luckee(&["deploy", "instantiate"]).ok();
    w.luckee(&["deploy", "verify"]).ok();
}

#[test]
fn rn_noindex_pruned_height_is_refused_with_the_earliest_block() {
    let s = stack::Stack::deploy();
    let deployed_at = devnet().height();
    // The node keeps the state of the last 20 heights (pruned every 10): wait until the
    // deployment height is well behind.
    let deadline = Instant::now() + Duration::from_secs(90);
    while devnet().height() < deployed_at + 40 {
        assert!(Instant::now() < deadline, "the chain is not advancing");
        std::thread::sleep(Duration::from_millis(500));
    }
    let old = deployed_at.to_string();
    let r = s.w.luckee(&["backup", "--dir", "b", "--height", &old]);
    assert_eq!(r.code(), Some(2), "{}\n{}", r.stdout(), r.stderr());
    assert!(
        r.stderr().contains("pruned") && r.stderr().contains("earliest block"),
        "{}",
        r.stderr()
    );
    // A recent height still works.
    let recent = (devnet().height() - 2).to_string();
    s.w.luckee(&["backup", "--dir", "b", "--height", &recent])
        .ok();
}

#[test]
fn rn_noindex_events_sync_refuses_pruned_blocks_naming_the_earliest() {
    let s = stack::Stack::deploy();
    let deployed_at = s.w.state()["contracts"]["luckee_incentive"]["height"]
        .as_u64()
        .unwrap();
    let d = devnet();
    let c = d.client();
    let deadline = Instant::now() + Duration::from_secs(120);
    while d.block_on(c.status()).unwrap().earliest_height <= deployed_at {
        assert!(
            Instant::now() < deadline,
            "the node did not prune block {deployed_at} within 120 s"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // The archive starts at the instantiate height, which the node no longer has: exit 4,
    // naming the earliest block and the --from that starts there; nothing archived.
    let r = s.w.luckee(&["events", "sync"]);
    assert_eq!(
        r.code(),
        Some(4),
        "{}
{}",
        r.stdout(),
        r.stderr()
    );
    let earliest = d.block_on(c.status()).unwrap().earliest_height;
    let err = r.stderr();
    assert!(
        err.contains("no longer has block") && err.contains("its earliest block is "),
        "{err}"
    );
    let named: u64 = err
        .split("--from ")
        .nth(1)
        .and_then(|t| t.split(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a --from hint: {err}"));
    assert!(
        named > deployed_at && named <= earliest,
        "{named} vs {earliest}: {err}"
    );
    // Following the hint (a little above it: the node keeps pruning) works.
    let from = (d.height() - 5).to_string();
    let ok =
        s.w.luckee(&["events", "sync", "--from", &from, "-o", "json"])
            .ok()
            .json();
    assert_eq!(ok["heights"][0].as_u64(), from.parse().ok(), "{ok}");
}

#[test]
fn rn_slow_blocks_full_deploy_takes_two_txs_in_two_blocks() {
    let w = Workdir::with_artifacts(true);
    let h0 = devnet().height();
    let start = Instant::now();
    w.luckee(&["deploy", "upload"]).ok();
    w.luckee(&["deploy", "instantiate"]).ok();
    let elapsed = start.elapsed();
    let state = w.state();
    let heights: Vec<u64> = ["mock_registry", "mock_ft", "luckee_incentive"]
        .iter()
        .map(|k| state["contracts"][k]["height"].as_u64().unwrap())
        .chain(
            ["mock_registry", "mock_ft", "luckee_incentive"]
                .iter()
                .map(|k| state["codes"][k]["height"].as_u64().unwrap()),
        )
        .collect();
    let mut distinct = heights.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        2,
        "codes and contracts should land in two blocks: {heights:?}"
    );
    assert!(distinct[0] > h0, "{distinct:?} after {h0}");
    eprintln!(
        "SLOW BLOCKS: full deploy {:.1} s, blocks {distinct:?} after height {h0}",
        elapsed.as_secs_f64()
    );
    w.luckee(&["deploy", "verify"]).ok();
}
