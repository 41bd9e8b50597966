//! End-to-end: `luckee deploy upload | instantiate | verify` on the devnet (`ci/devnet up`).

mod support;

use std::time::Instant;

use luckee_types::ft;
use serde_json::Value;
use support::{devnet, devnet_mnemonic, Workdir};

/// The contract addresses recorded in a state file, by name.
fn addresses(state: &Value) -> Vec<(String, String)> {
    state["contracts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["address"].as_str().unwrap().to_string()))
        .collect()
}

/// Asserts the state file is complete: three codes and three contracts with every field.
fn assert_complete_state(w: &Workdir) {
    let s = w.state();
    assert!(s["pending"].is_null(), "pending left: {s}");
    for name in ["luckee_incentive", "mock_ft", "mock_registry"] {
        let code = &s["codes"][name];
        assert!(code["code_id"].as_u64().unwrap() > 0, "{name}: {s}");
        let c = &s["contracts"][name];
        for field in ["address", "checksum", "label", "admin", "salt"] {
            assert!(
                c[field].as_str().is_some_and(|v| !v.is_empty()),
                "{name}.{field} missing: {s}"
            );
        }
        assert!(
            c["code_id"].as_u64().is_some() && c["height"].as_u64().is_some(),
            "{name}: {s}"
        );
        assert!(
            c["instantiate_tx"].as_str().is_some(),
            "{name}.instantiate_tx missing: {s}"
        );
    }
    let env = std::fs::read_to_string(
        w.path()
            .join(format!("deployments/{}.env", devnet().chain_id)),
    )
    .unwrap();
    for var in [
        "LUCKY_INCENTIVE_CODE_ID=",
        "LUCKY_INCENTIVE_CONTRACT=wasm1",
        "LUCKY_FT_CONTRACT=wasm1",
        "DD_REGISTRY_CONTRACT=wasm1",
        "MOCK_FT_CODE_ID=",
        "MOCK_REGISTRY_CODE_ID=",
    ] {
        assert!(env.contains(var), "{var} missing in .env:\n{env}");
    }
}

#[test]
fn full_deploy_then_verify_and_a_second_run_changes_nothing() {
    let w = Workdir::with_artifacts(true);
    let reporter = Workdir::unfunded(false);
    w.write_config(&format!(
        r#"
        [deploy.incentive]
        rules = [{{ id = "daily_checkin", reward = "1000000", points = "10", daily_cap = 1 }}]
        reporters = [{{ address = "{r}", label = "game-server-1" }}]
        [deploy.registry]
        members = ["{r}"]
        "#,
        r = reporter.address
    ));
    let d = devnet();
    let h0 = d.height();
    let start = Instant::now();
    let up = w.luckee(&["deploy", "upload", "-o", "json"]).ok().json();
    let inst = w
        .luckee(&["deploy", "instantiate", "-o", "json"])
        .ok()
        .json();
    let elapsed = start.elapsed();
    let h1 = d.height();
    let store_txs: Vec<&str> = up["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["tx"].as_str().unwrap())
        .collect();
    assert!(
        up["codes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "stored"),
        "{up}"
    );
    assert_eq!(
        inst["contracts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "instantiated")
            .count(),
        3,
        "{inst}"
    );
    let txs = store_txs
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        + 1;
    eprintln!(
        "FULL DEPLOY: {:.2} s wall, {txs} txs, {} blocks elapsed (heights {h0}..{h1}), instantiate gas {}",
        elapsed.as_secs_f64(),
        h1 - h0,
        inst["gas_used"]
    );
    assert_complete_state(&w);

    let v = w.luckee(&["deploy", "verify", "-o", "json"]).ok().json();
    assert_eq!(v["ok"], true, "{v}");
    let checks = v["checks"].as_array().unwrap();
    assert!(checks.len() >= 25, "{v}");
    assert!(
        checks
            .iter()
            .any(|c| c["check"] == "differences from the plan (luckee plan)" && c["ok"] == true),
        "{v}"
    );
    let text = w.luckee(&["deploy", "verify"]).ok().stdout();
    assert!(text.contains("checks passed"), "{text}");

    // Wiring done in the same tx: rule, reporter and member exist.
    let s = w.state();
    let inc = s["contracts"]["luckee_incentive"]["address"]
        .as_str()
        .unwrap()
        .to_string();
    let reg = s["contracts"]["mock_registry"]["address"]
        .as_str()
        .unwrap()
        .to_string();
    let c = d.client();
    let rules: luckee_types::incentive::RulesResponse = d
        .block_on(c.smart_query(
            &inc,
            &luckee_types::incentive::QueryMsg::GetRules {
                start_after: None,
                limit: None,
            },
            None,
        ))
        .unwrap();
    assert_eq!(rules.rules.len(), 1);
    let member: luckee_types::registry::IsRegisteredResponse = d
        .block_on(c.smart_query(
            &reg,
            &luckee_types::registry::QueryMsg::IsRegistered {
                address: reporter.address.clone(),
            },
            None,
        ))
        .unwrap();
    assert!(member.registered);

    // A second full run: nothing sent, state and env byte-identical, no new codes or contracts.
    let before = w.state_bytes().unwrap();
    let contracts_before = w.contracts_on_chain();
    let up2 = w.luckee(&["deploy", "upload", "-o", "json"]).ok().json();
    assert!(
        up2["codes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "exists"),
        "{up2}"
    );
    let inst2 = w
        .luckee(&["deploy", "instantiate", "-o", "json"])
        .ok()
        .json();
    assert!(
        inst2["tx"].is_null() && inst2["actions"].as_array().unwrap().is_empty(),
        "{inst2}"
    );
    assert_eq!(w.state_bytes().unwrap(), before);
    assert_eq!(w.contracts_on_chain(), contracts_before);
    for name in ["luckee_incentive", "mock_ft", "mock_registry"] {
        let sum = s["codes"][name]["checksum"].as_str().unwrap();
        assert_eq!(
            w.codes_with_checksum(sum).len(),
            1,
            "{name} stored more than once"
        );
    }

    // Plan change: one more rule is reconciled with a single update_rules, nothing else.
    w.write_config(&format!(
        r#"
        [deploy.incentive]
        rules = [{{ id = "daily_checkin", reward = "1000000", points = "10", daily_cap = 1 }},
                 {{ id = "invite", reward = "5000000", points = "50" }}]
        reporters = [{{ address = "{r}", label = "game-server-1" }}]
        [deploy.registry]
        members = ["{r}"]
        "#,
        r = reporter.address
    ));
    let inst3 = w
        .luckee(&["deploy", "instantiate", "-o", "json"])
        .ok()
        .json();
    let actions: Vec<&str> = inst3["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["update_rules upsert [invite]"], "{inst3}");
    assert_eq!(w.contracts_on_chain(), contracts_before);
}

#[test]
fn dry_run_broadcasts_nothing_and_writes_no_state() {
    let w = Workdir::with_artifacts(true);
    let out = w
        .luckee(&["deploy", "upload", "--dry-run", "-o", "json"])
        .ok()
        .json();
    assert!(
        out["codes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "would_store"),
        "{out}"
    );
    assert!(
        out["dry_run"][0]["gas_limit"].as_u64().unwrap()
            > out["dry_run"][0]["gas_used"].as_u64().unwrap()
    );
    assert!(w.state_bytes().is_none());
    let sum = luckee::artifacts::sha256_hex(
        &std::fs::read(w.path().join("artifacts/mock_ft.wasm")).unwrap(),
    );
    assert!(w.codes_with_checksum(&sum).is_empty());
    w.luckee(&["deploy", "upload"]).ok();
    let before = w.state_bytes().unwrap();
    let text = w
        .luckee(&["deploy", "instantiate", "--dry-run"])
        .ok()
        .stdout();
    assert!(
        text.contains("would_instantiate") && text.contains("nothing broadcast"),
        "{text}"
    );
    assert_eq!(w.state_bytes().unwrap(), before);
    assert!(w.contracts_on_chain().is_empty());
}

/// Kill right after the broadcast of the tx tagged `tag`, then re-run the same step.
fn crash_then_rerun(w: &Workdir, step: &str, tag: &str) {
    let crashed = w.luckee_env(
        &["deploy", step],
        &[(luckee::chain::tx::ABORT_AFTER_BROADCAST_ENV, tag)],
    );
    assert_eq!(
        crashed.code(),
        None,
        "expected an abort after broadcast of {tag}:\n{}",
        crashed.stderr()
    );
    assert!(
        crashed.stderr().contains("aborting at the broadcast of tx"),
        "{}",
        crashed.stderr()
    );
    let pending = &w.state()["pending"];
    assert!(
        pending["tx_hash"].as_str().is_some_and(|h| h.len() == 64),
        "pending hash not recorded: {pending}"
    );
    assert!(pending["tags"].as_array().unwrap().iter().any(|t| t == tag));
    let rerun = w.luckee(&["deploy", step]).ok();
    assert!(
        rerun.stdout().contains("of an earlier run landed"),
        "{}",
        rerun.stdout()
    );
}

#[test]
fn crash_after_store_broadcast_is_resolved_without_a_second_upload() {
    let w = Workdir::with_artifacts(true);
    crash_then_rerun(&w, "upload", "upload");
    let s = w.state();
    for name in ["luckee_incentive", "mock_ft", "mock_registry"] {
        let sum = s["codes"][name]["checksum"].as_str().unwrap();
        assert_eq!(
            w.codes_with_checksum(sum),
            vec![s["codes"][name]["code_id"].as_u64().unwrap()],
            "{name}"
        );
        assert!(s["codes"][name]["store_tx"].as_str().is_some());
    }
    w.luckee(&["deploy", "instantiate"]).ok();
    assert_complete_state(&w);
    w.luckee(&["deploy", "verify"]).ok();

    // A recorded code_id the chain does not know (as after a chain reset) is noticed; the code
    // with the same checksum that is on chain is found and adopted, nothing is stored twice.
    let mut s = w.state();
    let real = s["codes"]["luckee_incentive"]["code_id"].as_u64().unwrap();
    s["codes"]["luckee_incentive"]["code_id"] = 999_999.into();
    std::fs::write(w.state_path(), serde_json::to_vec_pretty(&s).unwrap()).unwrap();
    let up = w.luckee(&["deploy", "upload", "-o", "json"]).ok().json();
    assert!(
        up["notes"]
            .to_string()
            .contains("recorded code_id 999999 of luckee_incentive is not on chain"),
        "{up}"
    );
    let row = up["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["contract"] == "luckee_incentive")
        .unwrap()
        .clone();
    assert_eq!(
        (row["status"].as_str(), row["code_id"].as_u64()),
        (Some("adopted"), Some(real)),
        "{up}"
    );
    let sum = s["codes"]["luckee_incentive"]["checksum"].as_str().unwrap();
    assert_eq!(w.codes_with_checksum(sum), vec![real]);
}

#[test]
fn crash_between_recording_and_broadcast_drops_the_unsent_tx() {
    let w = Workdir::with_artifacts(true);
    let crashed = w.luckee_env(
        &["deploy", "upload"],
        &[(luckee::chain::tx::ABORT_BEFORE_BROADCAST_ENV, "upload")],
    );
    assert_eq!(crashed.code(), None, "{}", crashed.stderr());
    let hash = w.state()["pending"]["tx_hash"]
        .as_str()
        .unwrap()
        .to_string();
    // The next run waits for it at most the tx timeout, then treats it as dropped and uploads.
    let up = w
        .luckee(&["deploy", "upload", "--tx-timeout", "2", "-o", "json"])
        .ok()
        .json();
    assert!(
        up["notes"].to_string().contains(&format!(
            "pending tx {hash} of an earlier run is unknown to the node"
        )),
        "{up}"
    );
    assert!(
        up["codes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "stored"),
        "{up}"
    );
    let s = w.state();
    for name in ["luckee_incentive", "mock_ft", "mock_registry"] {
        assert_eq!(
            w.codes_with_checksum(s["codes"][name]["checksum"].as_str().unwrap())
                .len(),
            1,
            "{name}"
        );
    }
}

#[test]
fn crash_after_instantiate_broadcast_leaves_exactly_one_instance_each() {
    let w = Workdir::new();
    w.luckee(&["deploy", "upload"]).ok();
    crash_then_rerun(&w, "instantiate", "instantiate");
    assert_complete_state(&w);
    let on_chain = w.contracts_on_chain();
    assert_eq!(on_chain.len(), 3, "{on_chain:?}");
    let mut recorded: Vec<String> = addresses(&w.state()).into_iter().map(|(_, a)| a).collect();
    let mut on_chain_sorted = on_chain.clone();
    recorded.sort();
    on_chain_sorted.sort();
    assert_eq!(recorded, on_chain_sorted);
    // A third run still creates nothing.
    w.luckee(&["deploy", "instantiate"]).ok();
    assert_eq!(w.contracts_on_chain().len(), 3);
    w.luckee(&["deploy", "verify"]).ok();
}

#[test]
fn crash_after_minter_handoff_to_an_existing_ft() {
    // Production shape: the FT already exists and the deployer is its minter; deploy must hand
    // the minter over to the new incentive with update_minter.
    let w = Workdir::new();
    w.luckee(&[
        "deploy",
        "upload",
        "--contract",
        "mock_ft",
        "--contract",
        "mock_registry",
        "--contract",
        "luckee_incentive",
    ])
    .ok();
    let d = devnet();
    let ft_code = w.state()["codes"]["mock_ft"]["code_id"].as_u64().unwrap();
    let signer = luckee::keys::Signer::from_phrase(&w.mnemonic, "wasm", 0).unwrap();
    let init = ft::InstantiateMsg {
        name: "Existing Luckee Token".into(),
        symbol: "LUCKY".into(),
        decimals: 6,
        initial_balances: vec![],
        mint: Some(ft::MinterResponse {
            minter: w.address.clone(),
            cap: None,
        }),
        marketing: None,
    };
    let msg = cosmrs::proto::cosmwasm::wasm::v1::MsgInstantiateContract {
        sender: w.address.clone(),
        admin: w.address.clone(),
        code_id: ft_code,
        label: "existing FT".into(),
        msg: serde_json::to_vec(&init).unwrap(),
        funds: vec![],
    };
    let c = d.client();
    let req = luckee::chain::TxRequest {
        msgs: vec![luckee::chain::tx::to_any(&msg)],
        memo: String::new(),
        tags: vec![],
    };
    let out = d.block_on(c.send(&signer, &req, &mut |_| Ok(()))).unwrap();
    let ft_addr = out
        .response::<cosmrs::proto::cosmwasm::wasm::v1::MsgInstantiateContractResponse>(0)
        .unwrap()
        .address;
    w.write_config(&format!("[deploy.ft]\nexisting = \"{ft_addr}\"\n"));

    crash_then_rerun(&w, "instantiate", "minter");
    let s = w.state();
    let inc = s["contracts"]["luckee_incentive"]["address"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(s["external"]["mock_ft"], ft_addr.as_str());
    assert!(s["contracts"]["mock_ft"].is_null());
    let minter: Option<ft::MinterResponse> = d
        .block_on(c.smart_query(&ft_addr, &ft::QueryMsg::Minter {}, None))
        .unwrap();
    assert_eq!(minter.unwrap().minter, inc);
    // Our FT instance, the registry and the incentive: exactly one of each.
    assert_eq!(w.contracts_on_chain().len(), 3);
    let again = w
        .luckee(&["deploy", "instantiate", "-o", "json"])
        .ok()
        .json();
    assert!(again["tx"].is_null(), "{again}");
    let v = w.luckee(&["deploy", "verify", "-o", "json"]).ok().json();
    assert_eq!(v["ok"], true);
    let env =
        std::fs::read_to_string(w.path().join(format!("deployments/{}.env", d.chain_id))).unwrap();
    assert!(
        env.contains(&format!("LUCKY_FT_CONTRACT={ft_addr}")),
        "{env}"
    );
}

#[test]
fn verify_catches_a_tampered_state_file_and_a_changed_artifact() {
    let w = Workdir::new();
    w.luckee(&["deploy", "upload"]).ok();
    w.luckee(&["deploy", "instantiate"]).ok();
    w.luckee(&["deploy", "verify"]).ok();
    let original = w.state_bytes().unwrap();

    // Tampered state: another label and admin for the incentive.
    let mut s = w.state();
    s["contracts"]["luckee_incentive"]["label"] = "Tampered".into();
    s["contracts"]["mock_ft"]["code_id"] = 999_999.into();
    std::fs::write(w.state_path(), serde_json::to_vec_pretty(&s).unwrap()).unwrap();
    let tampered = w.state_bytes().unwrap();
    let v = w.luckee(&["deploy", "verify", "-o", "json"]).expect_code(1);
    let failed: Vec<String> = v.json()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| {
            format!(
                "{} {}",
                c["contract"].as_str().unwrap(),
                c["check"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        failed.contains(&"luckee_incentive contract label = state".to_string()),
        "{failed:?}"
    );
    assert!(
        failed.contains(&"mock_ft contract code_id = state".to_string()),
        "{failed:?}"
    );
    assert!(v.stderr().contains("verification failed"), "{}", v.stderr());
    assert_eq!(w.state_bytes().unwrap(), tampered, "verify must not write");
    // instantiate keeps the existing contracts, sends nothing, and points at the difference.
    let inst = w
        .luckee(&["deploy", "instantiate", "-o", "json"])
        .ok()
        .json();
    assert!(inst["tx"].is_null(), "{inst}");
    assert!(
        inst["notes"]
            .to_string()
            .contains("differs from the state file"),
        "{inst}"
    );
    std::fs::write(w.state_path(), &original).unwrap();
    w.luckee(&["deploy", "verify"]).ok();

    // A rebuilt (changed) artifact with an updated checksums.txt: the code on chain differs.
    let path = w.path().join("artifacts/luckee_incentive.wasm");
    let wasm = std::fs::read(&path).unwrap();
    std::fs::write(&path, support::uniquify_wasm(&wasm, b"rebuilt")).unwrap();
    w.write_checksums();
    let text = w.luckee(&["deploy", "verify"]).expect_code(1).stdout();
    assert!(
        text.contains("MISMATCH") && text.contains("code checksum = artifact"),
        "{text}"
    );
    // Changed without updating checksums.txt: that difference is reported too.
    std::fs::write(&path, support::uniquify_wasm(&wasm, b"edited")).unwrap();
    let text = w.luckee(&["deploy", "verify"]).expect_code(1).stdout();
    assert!(
        text.contains("artifact sha256 listed in checksums.txt"),
        "{text}"
    );
    assert_eq!(w.state_bytes().unwrap(), original);
}

#[test]
fn devnet_admin_key_is_usable_from_the_environment() {
    // LUCKEE_MNEMONIC (instead of a file) works and is never echoed.
    let w = Workdir::new();
    let admin = devnet_mnemonic("admin");
    let out = w.luckee_env(
        &["deploy", "upload", "--dry-run", "-v"],
        &[("LUCKEE_MNEMONIC", &admin), ("LUCKEE_MNEMONIC_FILE", "")],
    );
    let all = format!("{}{}", out.stdout(), out.stderr());
    assert!(!all.contains(
        admin
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
    ));
    assert_eq!(out.code(), Some(0), "{all}");
}

#[test]
fn two_runs_with_one_key_at_once_both_land() {
    // Same account, different state dirs and artifacts: the txs compete for one sequence;
    // the loser's CheckTx says "sequence mismatch" and it re-signs.
    let a = Workdir::with_artifacts(true);
    let b = Workdir::unfunded(true);
    b.write_key_file("key.txt", &a.mnemonic, 0o600);
    let runs = [
        a.spawn(&["deploy", "upload", "-v"]),
        b.spawn(&["deploy", "upload", "-v"]),
    ];
    for (args, child) in runs {
        let run = support::Run {
            args,
            out: child.wait_with_output().unwrap(),
        };
        let run = run.ok();
        if run.stderr().contains("sequence mismatch") {
            eprintln!("re-signed after a sequence mismatch, as intended");
        }
    }
    for w in [&a, &b] {
        let s = w.state();
        assert!(s["pending"].is_null());
        assert_eq!(s["codes"].as_object().unwrap().len(), 3, "{s}");
    }
}
