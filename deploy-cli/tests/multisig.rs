//! The admin multisig artifact (`artifacts/luckee_multisig.wasm`, issue 15's first part) on the
//! devnet: stored and instantiated with instantiate2 as its own chain-level admin, a 2-of-3 of
//! three funded voters minting through a proposal, and upgradable only by a passed proposal.
//! The CLI does not drive it yet: these txs are built here from its typed messages, the
//! proposals' messages with `luckee::chain::cosmos_msg` (as the admin commands will).

mod support;

use serde_json::Value;
use support::Workdir;

use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use luckee::chain::cosmos_msg::to_cosmos_msg;
use luckee::chain::tx::to_any;
use luckee::chain::{TxOutcome, TxRequest};
use luckee::keys::Signer;
use luckee_multisig::msg::{
    Duration, ExecuteMsg, InstantiateMsg, MigrateMsg, ProposalResponse, QueryMsg, Status,
    Threshold, Vote, Voter,
};
use luckee_types::ft;
use support::{devnet, fund, random_mnemonic, repo_root};

fn account() -> Signer {
    account_with_phrase().0
}

fn account_with_phrase() -> (Signer, String) {
    let phrase = random_mnemonic();
    let s = Signer::from_phrase(&phrase, "wasm", 0).unwrap();
    fund(s.address.as_ref(), 5_000_000);
    (s, phrase)
}

fn send(who: &Signer, msgs: Vec<cosmrs::Any>) -> luckee::Result<TxOutcome> {
    let d = devnet();
    let c = d.client();
    let req = TxRequest {
        msgs,
        memo: "luckee multisig e2e".into(),
        tags: vec!["test".into()],
    };
    d.block_on(c.send(who, &req, &mut |_| Ok(())))
}

fn store(who: &Signer, file: &str) -> (u64, String) {
    let bytes = std::fs::read(repo_root().join("artifacts").join(file)).unwrap();
    let checksum = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let o = send(
        who,
        vec![to_any(&wasm::MsgStoreCode {
            sender: who.address.to_string(),
            wasm_byte_code: bytes,
            instantiate_permission: None,
        })],
    )
    .unwrap();
    let id = o
        .event_attr("store_code", "code_id")
        .unwrap()
        .parse()
        .unwrap();
    (id, checksum)
}

fn exec<T: serde::Serialize>(who: &Signer, contract: &str, msg: &T) -> luckee::Result<TxOutcome> {
    send(
        who,
        vec![to_any(&wasm::MsgExecuteContract {
            sender: who.address.to_string(),
            contract: contract.into(),
            msg: serde_json::to_vec(msg).unwrap(),
            funds: vec![],
        })],
    )
}

fn query<T: serde::de::DeserializeOwned>(contract: &str, msg: &impl serde::Serialize) -> T {
    let d = devnet();
    let c = d.client();
    d.block_on(c.smart_query(contract, msg, None)).unwrap()
}

fn balance(token: &str, who: &str) -> u128 {
    let b: ft::BalanceResponse = query(
        token,
        &ft::QueryMsg::Balance {
            address: who.into(),
        },
    );
    b.balance.u128()
}

#[test]
fn the_multisig_artifact_runs_two_of_three_and_only_a_proposal_upgrades_it() {
    let deployer = account();
    let with_phrases = [
        account_with_phrase(),
        account_with_phrase(),
        account_with_phrase(),
    ];
    let phrases: Vec<String> = with_phrases.iter().map(|(_, p)| p.clone()).collect();
    let voters = with_phrases.map(|(s, _)| s);
    let (ms_code, checksum) = store(&deployer, "luckee_multisig.wasm");
    let (ft_code, _) = store(&deployer, "mock_ft.wasm");

    // instantiate2 with the predicted address as its own chain-level admin.
    let salt = format!("luckee-multisig-e2e/{}", deployer.address);
    let ms = luckee::cmd::deploy::predict_address(&checksum, &deployer.address, &salt).unwrap();
    let init = InstantiateMsg {
        voters: voters
            .iter()
            .map(|v| Voter {
                addr: v.address.to_string(),
                weight: 1,
            })
            .collect(),
        threshold: Threshold::AbsoluteCount { weight: 2 },
        max_voting_period: Duration::Time(3600),
    };
    let o = send(
        &deployer,
        vec![to_any(&wasm::MsgInstantiateContract2 {
            sender: deployer.address.to_string(),
            admin: ms.clone(),
            code_id: ms_code,
            label: "luckee admin multisig (e2e)".into(),
            msg: serde_json::to_vec(&init).unwrap(),
            funds: vec![],
            salt: salt.into_bytes(),
            fix_msg: false,
        })],
    )
    .unwrap();
    assert_eq!(
        o.event_attr("instantiate", "_contract_address").as_deref(),
        Some(ms.as_str())
    );
    let d = devnet();
    let c = d.client();
    let info = d.block_on(c.contract_info(&ms)).unwrap().unwrap();
    assert_eq!(info.admin, ms, "the multisig is its own chain-level admin");
    let cw2 = d.block_on(c.cw2_version_at(&ms, None)).unwrap().unwrap();
    assert_eq!(cw2.0, "crates.io:luckee-multisig");

    // A token whose minter is the multisig.
    let o = send(
        &deployer,
        vec![to_any(&wasm::MsgInstantiateContract {
            sender: deployer.address.to_string(),
            admin: String::new(),
            code_id: ft_code,
            label: "LUCKY (multisig e2e)".into(),
            msg: serde_json::to_vec(&ft::InstantiateMsg {
                name: "Lucky".into(),
                symbol: ft::SYMBOL.into(),
                decimals: ft::DECIMALS,
                initial_balances: vec![],
                mint: Some(ft::MinterResponse {
                    minter: ms.clone(),
                    cap: None,
                }),
                marketing: None,
            })
            .unwrap(),
            funds: vec![],
        })],
    )
    .unwrap();
    let token = o.event_attr("instantiate", "_contract_address").unwrap();
    let to = voters[2].address.to_string();

    // Voter 0 proposes a mint (its own vote counts as yes): 1 of 2, not executable yet.
    // The proposal's messages are what the multisig would sign itself, converted by
    // luckee::chain::cosmos_msg (as the admin commands will).
    let as_multisig = |msg: cosmrs::Any| to_cosmos_msg(&msg).unwrap();
    let mint = as_multisig(to_any(&wasm::MsgExecuteContract {
        sender: ms.clone(),
        contract: token.clone(),
        msg: serde_json::to_vec(&ft::ExecuteMsg::Mint {
            recipient: to.clone(),
            amount: 5u128.into(),
        })
        .unwrap(),
        funds: vec![],
    }));
    let propose = |title: &str, msg: cosmwasm_std::CosmosMsg| {
        let o = exec(
            &voters[0],
            &ms,
            &ExecuteMsg::Propose {
                title: title.into(),
                description: "luckee multisig e2e".into(),
                msgs: vec![msg],
                latest: None,
            },
        )
        .unwrap();
        o.event_attr("wasm", "proposal_id")
            .unwrap()
            .parse::<u64>()
            .unwrap()
    };
    let id = propose("mint 5", mint);
    let early = exec(&voters[2], &ms, &ExecuteMsg::Execute { proposal_id: id });
    assert!(early.is_err(), "executed with one vote: {early:?}");
    assert_eq!(balance(&token, &to), 0);
    // An outsider cannot vote.
    let outsider = account();
    assert!(exec(
        &outsider,
        &ms,
        &ExecuteMsg::Vote {
            proposal_id: id,
            vote: Vote::Yes,
        }
    )
    .is_err());
    exec(
        &voters[1],
        &ms,
        &ExecuteMsg::Vote {
            proposal_id: id,
            vote: Vote::Yes,
        },
    )
    .unwrap();
    let p: ProposalResponse = query(&ms, &QueryMsg::Proposal { proposal_id: id });
    assert_eq!(p.status, Status::Passed);
    exec(&voters[2], &ms, &ExecuteMsg::Execute { proposal_id: id }).unwrap();
    assert_eq!(balance(&token, &to), 5);

    // Upgrades: the deployer (who instantiated it) cannot migrate it; a passed proposal can.
    let migrate = |who: &Signer| {
        send(
            who,
            vec![to_any(&wasm::MsgMigrateContract {
                sender: who.address.to_string(),
                contract: ms.clone(),
                code_id: ms_code,
                msg: serde_json::to_vec(&MigrateMsg {}).unwrap(),
            })],
        )
    };
    assert!(migrate(&deployer).is_err(), "only the multisig migrates it");
    let id = propose(
        "migrate the multisig",
        as_multisig(to_any(&wasm::MsgMigrateContract {
            sender: ms.clone(),
            contract: ms.clone(),
            code_id: ms_code,
            msg: serde_json::to_vec(&MigrateMsg {}).unwrap(),
        })),
    );
    exec(
        &voters[2],
        &ms,
        &ExecuteMsg::Vote {
            proposal_id: id,
            vote: Vote::Yes,
        },
    )
    .unwrap();
    let o = exec(&outsider, &ms, &ExecuteMsg::Execute { proposal_id: id }).unwrap();
    assert_eq!(
        o.event_attr("migrate", "code_id"),
        Some(ms_code.to_string()),
        "the multisig migrated itself"
    );
    let p: ProposalResponse = query(&ms, &QueryMsg::Proposal { proposal_id: id });
    assert_eq!(p.status, Status::Executed);

    // The voters' side through `luckee multisig`, each voter with a key file of its own.
    let w = Workdir::new();
    for (i, phrase) in phrases.iter().enumerate() {
        w.write_key_file(&format!("voter{i}.key"), phrase, 0o600);
    }
    let outsider_phrase = account_with_phrase();
    w.write_key_file("outsider.key", &outsider_phrase.1, 0o600);
    let ms_cli = |key: &str, args: &[&str]| {
        let mut all = vec![
            "--mnemonic-file",
            key,
            "multisig",
            "--multisig",
            ms.as_str(),
        ];
        all.extend(args);
        w.luckee(&all)
    };
    // Not an address (2), not a multisig (3).
    let r = w.luckee(&["multisig", "--multisig", "wasm1xyz", "list"]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
    let r = w.luckee(&["multisig", "--multisig", &token, "list"]);
    assert_eq!(r.code(), Some(3), "{}", r.stderr());
    assert!(
        r.stderr().contains("does not answer as a cw3 multisig"),
        "{}",
        r.stderr()
    );
    let mint10 = as_multisig(to_any(&wasm::MsgExecuteContract {
        sender: ms.clone(),
        contract: token.clone(),
        msg: serde_json::to_vec(&ft::ExecuteMsg::Mint {
            recipient: to.clone(),
            amount: 10u128.into(),
        })
        .unwrap(),
        funds: vec![],
    }));
    let id = propose("mint 10", mint10).to_string();
    let list = ms_cli("voter0.key", &["list", "-o", "json"]).ok().json();
    let line = list["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(line["status"], "open", "{list}");
    let show = ms_cli("voter0.key", &["show", &id, "-o", "json"])
        .ok()
        .json();
    let said = show["messages"][0].as_str().unwrap_or_default().to_string();
    assert!(
        said.starts_with(&format!("execute {token}: ")) && said.contains(r#""mint""#),
        "{show}"
    );
    assert_eq!(show["votes"].as_array().map(Vec::len), Some(1), "{show}");
    // Refused before any fee: an outsider's vote (7), executing an open proposal (8).
    let seq = |a: &str| d.block_on(c.account(a)).unwrap().unwrap().sequence;
    let before = seq(outsider_phrase.0.address.as_ref());
    let r = ms_cli("outsider.key", &["vote", &id, "yes"]);
    assert_eq!(r.code(), Some(7), "{}", r.stderr());
    assert!(r.stderr().contains("is not a voter"), "{}", r.stderr());
    let r = ms_cli("outsider.key", &["execute", &id]);
    assert_eq!(r.code(), Some(8), "{}", r.stderr());
    assert_eq!(
        seq(outsider_phrase.0.address.as_ref()),
        before,
        "no fee paid"
    );
    let voted = ms_cli("voter1.key", &["vote", &id, "yes", "-o", "json"])
        .ok()
        .json();
    assert_eq!(voted["status"], "passed", "{voted}");
    let done = ms_cli("outsider.key", &["execute", &id, "-o", "json"])
        .ok()
        .json();
    assert_eq!(done["status"], "executed", "{done}");
    assert_eq!(balance(&token, &to), 15);
    let r = ms_cli("outsider.key", &["execute", &id]);
    assert_eq!(r.code(), Some(8), "{}", r.stderr());
    assert!(r.stderr().contains("already executed"), "{}", r.stderr());
    let r = ms_cli("voter2.key", &["vote", &id, "no"]);
    assert_eq!(r.code(), Some(8), "{}", r.stderr());
    // An expired proposal takes no vote (the voting period is in time: so is `latest`).
    let now = d.block_on(c.status()).unwrap().latest_block_time;
    let ends = now as u64 + 2;
    let short = exec(
        &voters[0],
        &ms,
        &ExecuteMsg::Propose {
            title: "expires at once".into(),
            description: String::new(),
            msgs: vec![],
            latest: Some(luckee_multisig::msg::Expiration::AtTime(
                cosmwasm_std::Timestamp::from_seconds(ends),
            )),
        },
    )
    .unwrap();
    let short = short.event_attr("wasm", "proposal_id").unwrap();
    while (d.block_on(c.status()).unwrap().latest_block_time as u64) <= ends {
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let r = ms_cli("voter1.key", &["vote", &short, "yes"]);
    assert_eq!(r.code(), Some(8), "{}", r.stderr());
    assert!(r.stderr().contains("expired"), "{}", r.stderr());
}
