//! luckee-incentive v0.1.0 → v0.2.0 on the devnet: the released v0.1.0 artifacts
//! (`artifacts/releases/v0.1.0/`) deployed by luckee, activities paid, then the incentive
//! migrated to the current code with a real `MsgMigrateContract`. Every activity paid under
//! v0.1.0 must stay paid (same reporter, and a failover reporter sharing its source).

mod stack;
mod support;

use cosmrs::proto::cosmwasm::wasm::v1::{MsgMigrateContract, MsgStoreCode};
use luckee::chain::tx::to_any;
use luckee::chain::TxRequest;
use luckee::contracts::incentive::Incentive;
use luckee::contracts::IncentiveClient;
use luckee_types::incentive;
use stack::{Account, Stack, RULE};
use support::{devnet, repo_root};

#[test]
fn v0_1_0_state_migrates_to_v0_2_0_and_keeps_every_paid_activity_paid() {
    // SAFETY of the environment: this binary has this one test.
    std::env::set_var(
        "LUCKEE_TEST_ARTIFACTS",
        repo_root().join("artifacts/releases/v0.1.0"),
    );
    let s = Stack::deploy();
    let d = devnet();
    let client = d.client();
    let inc = IncentiveClient::new(&client, s.incentive.clone());
    let (_, version) = d.block_on(inc.cw2(None)).unwrap().unwrap();
    assert_eq!(
        version, "0.1.0",
        "the released v0.1.0 code is what was deployed"
    );

    // Paid under v0.1.0 (marker keyed by the reporter's address).
    s.distribute("paid-in-v0.1.0").unwrap();
    assert_eq!(s.user_points(), 100);

    // Store the current incentive code and migrate (the deployer is the chain-level admin).
    let wasm = std::fs::read(repo_root().join("artifacts/luckee_incentive.wasm")).unwrap();
    let store = MsgStoreCode {
        sender: s.deployer.address.to_string(),
        wasm_byte_code: wasm,
        instantiate_permission: None,
    };
    let send = |msg| {
        let req = TxRequest {
            msgs: vec![msg],
            memo: "luckee upgrade e2e".into(),
            tags: vec!["test".into()],
        };
        d.block_on(client.send(&s.deployer, &req, &mut |_| Ok(())))
            .unwrap()
    };
    let stored = send(to_any(&store));
    let code_id: u64 = stored
        .event_attr("store_code", "code_id")
        .expect("code_id of the stored code")
        .parse()
        .unwrap();
    let migrate = MsgMigrateContract {
        sender: s.deployer.address.to_string(),
        contract: s.incentive.clone(),
        code_id,
        msg: serde_json::to_vec(&incentive::MigrateMsg {}).unwrap(),
    };
    let migrated = send(to_any(&migrate));
    assert_eq!(
        migrated.event_attr("wasm", "from_version").as_deref(),
        Some("0.1.0")
    );
    assert_eq!(
        migrated
            .event_attr("wasm", "reporters_converted")
            .as_deref(),
        Some("1")
    );
    let (_, version) = d.block_on(inc.cw2(None)).unwrap().unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));

    // The v0.1.0 marker answers under the reporter's source (its address)...
    let reporter = &s.reporter.address;
    assert!(d
        .block_on(inc.is_activity_processed(reporter, "paid-in-v0.1.0", None))
        .unwrap());
    let reporters = d.block_on(inc.all_reporters(None)).unwrap();
    assert_eq!(reporters[0].source, *reporter);
    // ...so the same report is refused, by this reporter and by a failover key registered
    // with its source.
    let err = s.distribute("paid-in-v0.1.0").unwrap_err().to_string();
    assert!(err.contains("already processed"), "{err}");
    let failover = Account::funded(5_000_000);
    let register = incentive::ExecuteMsg::RegisterContract {
        address: failover.address.clone(),
        label: Some("failover".into()),
        source: Some(reporter.clone()),
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
    // New activities pay as before; nothing was paid twice.
    s.distribute("paid-in-v0.2.0").unwrap();
    assert_eq!(s.user_points(), 200);
    let stats = d.block_on(inc.stats(None, None)).unwrap();
    assert_eq!(stats.totals.rewards_distributed_count, 2);
}
