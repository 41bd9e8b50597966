//! Smoke tests of the devnet itself (`ci/devnet`): the node answers over CometBFT RPC
//! (tendermint-rpc, `CompatMode::V0_38`), keeps producing blocks, and the documented test
//! accounts are funded in the fee denom. Like every e2e test they fail, never skip, when no node
//! answers at `LUCKEE_NODE`.

mod support;

use std::time::{Duration, Instant};

use cosmrs::rpc::client::CompatMode;
use cosmrs::rpc::{Client, HttpClient};
use luckee::keys::Signer;
use support::{devnet, devnet_mnemonic, fund, random_mnemonic};

/// Genesis balance of each documented account (ci/devnet ACCOUNT_BALANCE), ustake.
const GENESIS_BALANCE: u128 = 1_000_000_000_000;

fn rpc() -> HttpClient {
    let d = devnet();
    HttpClient::builder(d.node.parse().expect("LUCKEE_NODE is a URL"))
        .compat_mode(CompatMode::V0_38)
        .build()
        .expect("http client")
}

#[test]
fn node_status_answers_and_blocks_advance() {
    let d = devnet();
    let client = rpc();
    let status = d
        .block_on(client.status())
        .expect("/status over tendermint-rpc");
    assert_eq!(
        status.node_info.network.as_str(),
        d.chain_id,
        "chain-id of the node"
    );
    assert!(
        !status.sync_info.catching_up,
        "a single-node devnet is never catching up"
    );
    let first = status.sync_info.latest_block_height.value();
    assert!(
        first >= 2,
        "ci/devnet up waits for height 2, node is at {first}"
    );

    // The devnet makes a block every ~500 ms: within 15 s the height must move.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let h = d
            .block_on(client.latest_block())
            .expect("/block")
            .block
            .header
            .height
            .value();
        if h > first {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no new block after height {first} within 15 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn admin_account_is_funded_in_ustake() {
    let d = devnet();
    let admin = Signer::from_phrase(&devnet_mnemonic("admin"), "wasm", 0).expect("admin mnemonic");
    // The address ci/devnet prints for `admin` (m/44'/118'/0'/0/0, prefix wasm).
    assert_eq!(
        admin.address.to_string(),
        "wasm17vw276zeus4zkac5vq9l6m43k6chafz5k9rr7z"
    );
    let balance = d
        .block_on(d.client().balance(admin.address.as_ref(), "ustake", None))
        .expect("bank balance of admin");
    // Funded at genesis; the demo or other tests may have spent some of it on fees.
    assert!(
        balance > 0 && balance <= GENESIS_BALANCE,
        "admin balance {balance} ustake"
    );
}

#[test]
fn fund_gives_a_fresh_account_exactly_the_amount() {
    let d = devnet();
    let fresh = Signer::from_phrase(&random_mnemonic(), "wasm", 0).expect("random mnemonic");
    let addr = fresh.address.to_string();
    let client = d.client();
    assert_eq!(
        d.block_on(client.balance(&addr, "ustake", None)).unwrap(),
        0,
        "a random account starts empty"
    );
    assert!(
        d.block_on(client.account(&addr)).unwrap().is_none(),
        "unknown to x/auth before funding"
    );

    fund(&addr, 12_345);

    assert_eq!(
        d.block_on(client.balance(&addr, "ustake", None)).unwrap(),
        12_345
    );
    assert!(
        d.block_on(client.account(&addr)).unwrap().is_some(),
        "funding creates the account"
    );
}
