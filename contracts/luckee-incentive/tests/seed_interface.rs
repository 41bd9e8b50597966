//! Wires registry, FT and incentive the way the seed's deploy scripts do, sending the seed's
//! JSON as raw strings, so any change to the message interface breaks this test first.

mod common;

use common::{ft_code, incentive_code, registry_code};
use cosmwasm_std::{
    from_json, to_json_vec, Addr, Binary, CosmosMsg, Empty, QueryRequest, WasmMsg, WasmQuery,
};
use cw_multi_test::{App, AppResponse, Executor};
use luckee_incentive::msg::{ConfigResponse, RegisteredContractsResponse, RulesResponse};
use luckee_incentive::ContractError;

/// Sends `json` verbatim as an instantiate message and returns the new contract's address.
fn instantiate_raw(app: &mut App, sender: &Addr, code_id: u64, json: &str) -> Addr {
    let msg = WasmMsg::Instantiate {
        admin: Some(sender.to_string()),
        code_id,
        msg: Binary::from(json.as_bytes()),
        funds: vec![],
        label: "Luckee Incentive v1.0".to_string(),
    };
    let response = app.execute(sender.clone(), CosmosMsg::Wasm(msg)).unwrap();
    let address = response
        .events
        .iter()
        .filter(|e| e.ty == "instantiate")
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "_contract_address")
        .expect("instantiate event");
    Addr::unchecked(&address.value)
}

/// Sends `json` verbatim as an execute message to the incentive contract.
fn execute_raw(
    app: &mut App,
    sender: &Addr,
    contract: &Addr,
    json: &str,
) -> Result<AppResponse, ContractError> {
    let msg = WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: Binary::from(json.as_bytes()),
        funds: vec![],
    };
    app.execute(sender.clone(), CosmosMsg::Wasm(msg))
        .map_err(|e| e.downcast().expect("a ContractError"))
}

/// The raw JSON a smart query answers (what `wasmd query wasm contract-state smart` prints
/// under `.data`).
fn query_raw(app: &App, contract: &Addr, json: &str) -> String {
    let request: QueryRequest<Empty> = QueryRequest::Wasm(WasmQuery::Smart {
        contract_addr: contract.to_string(),
        msg: Binary::from(json.as_bytes()),
    });
    let answer = app
        .wrap()
        .raw_query(&to_json_vec(&request).unwrap())
        .unwrap()
        .unwrap();
    String::from_utf8(answer.to_vec()).unwrap()
}

/// The seed's `instantiate_luckee_incentive.sh` message, whitespace and all.
const SEED_INSTANTIATE: &str = r#"{
  "admin": "ADMIN_ADDRESS",
  "ft_contract": "LUCKY_FT_CONTRACT",
  "registry_contract": "DD_REGISTRY_CONTRACT",
  "config": {
    "enabled": true,
    "emergency_paused": false
  }
}"#;

/// The seed's `emergency_pause_luckee_incentive.sh` message; `system_recovery_…` sends `false`.
const SEED_PAUSE: &str = r#"{
  "emergency_pause": {
    "paused": true
  }
}"#;

struct Deployment {
    app: App,
    admin: Addr,
    ft: Addr,
    incentive: Addr,
}

/// Upload + instantiate the three contracts, then hand the FT's minter to the incentive.
fn deploy() -> Deployment {
    let mut app = App::default();
    let admin = app.api().addr_make("admin");
    let alice = app.api().addr_make("alice");

    let registry_id = app.store_code(registry_code());
    let registry = instantiate_raw(
        &mut app,
        &admin,
        registry_id,
        &format!(r#"{{"members":["{alice}"]}}"#),
    );
    let ft_id = app.store_code(ft_code());
    let ft = instantiate_raw(
        &mut app,
        &admin,
        ft_id,
        &format!(
            r#"{{"name":"Luckee Token","symbol":"LUCKY","decimals":6,"initial_balances":[],
                "mint":{{"minter":"{admin}","cap":"1000000000000000"}}}}"#
        ),
    );
    let incentive_id = app.store_code(incentive_code());
    let json = SEED_INSTANTIATE
        .replace("ADMIN_ADDRESS", admin.as_str())
        .replace("LUCKY_FT_CONTRACT", ft.as_str())
        .replace("DD_REGISTRY_CONTRACT", registry.as_str());
    let incentive = instantiate_raw(&mut app, &admin, incentive_id, &json);

    let update_minter = format!(r#"{{"update_minter":{{"new_minter":"{incentive}"}}}}"#);
    app.execute(
        admin.clone(),
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: ft.to_string(),
            msg: Binary::from(update_minter.as_bytes()),
            funds: vec![],
        }),
    )
    .unwrap();
    Deployment {
        app,
        admin,
        ft,
        incentive,
    }
}

#[test]
fn seed_instantiate_and_get_config_json() {
    let d = deploy();
    // verify_luckee_incentive.sh / health_check / backup: {"get_config":{}}
    let raw = query_raw(&d.app, &d.incentive, r#"{"get_config":{}}"#);
    for fragment in [
        format!(r#""admin":"{}""#, d.admin),
        format!(r#""ft_contract":"{}""#, d.ft),
        r#""registry_contract":"#.to_string(),
        r#""config":{"enabled":true,"emergency_paused":false,"#.to_string(),
        r#""pending_admin":null"#.to_string(),
    ] {
        assert!(raw.contains(&fragment), "{fragment} not in {raw}");
    }
    let config: ConfigResponse = from_json(raw.as_bytes()).unwrap();
    assert!(config.config.enabled);
    assert!(!config.config.emergency_paused);
}

#[test]
fn seed_backup_queries_list_rules_and_registered_contracts() {
    let mut d = deploy();
    let (admin, incentive) = (d.admin.clone(), d.incentive.clone());
    let reporter = d.app.api().addr_make("reporter");
    execute_raw(
        &mut d.app,
        &admin,
        &incentive,
        r#"{"update_rules":{"upsert":[{"id":"daily_checkin","reward":"1000000","points":"10","daily_cap":1,"enabled":true}]}}"#,
    )
    .unwrap();
    execute_raw(
        &mut d.app,
        &admin,
        &incentive,
        &format!(r#"{{"register_contract":{{"address":"{reporter}","label":"game"}}}}"#),
    )
    .unwrap();

    let raw = query_raw(&d.app, &incentive, r#"{"get_rules":{}}"#);
    assert_eq!(
        raw,
        r#"{"rules":[{"id":"daily_checkin","reward":"1000000","points":"10","daily_cap":1,"enabled":true}]}"#
    );
    let rules: RulesResponse = from_json(raw.as_bytes()).unwrap();
    assert_eq!(rules.rules.len(), 1);

    let raw = query_raw(&d.app, &incentive, r#"{"get_registered_contracts":{}}"#);
    let contracts: RegisteredContractsResponse = from_json(raw.as_bytes()).unwrap();
    assert_eq!(contracts.contracts.len(), 1);
    assert_eq!(contracts.contracts[0].address, reporter);
    assert!(raw.starts_with(&format!(
        r#"{{"contracts":[{{"address":"{reporter}","label":"game","#
    )));
}

#[test]
fn seed_emergency_pause_and_recovery_json() {
    let mut d = deploy();
    let (admin, incentive, ft) = (d.admin.clone(), d.incentive.clone(), d.ft.clone());
    let alice = d.app.api().addr_make("alice");
    execute_raw(
        &mut d.app,
        &admin,
        &incentive,
        r#"{"update_rules":{"upsert":[{"id":"checkin","reward":"250","points":"1"}]}}"#,
    )
    .unwrap();
    // Since v0.2.0 the admin names the source of what it reports.
    let distribute = |activity: &str| {
        format!(
            r#"{{"distribute_reward":{{"recipient":"{alice}","rule_id":"checkin","activity_id":"{activity}","source":"{admin}"}}}}"#
        )
    };

    // emergency_pause_luckee_incentive.sh
    execute_raw(&mut d.app, &admin, &incentive, SEED_PAUSE).unwrap();
    let err = execute_raw(&mut d.app, &admin, &incentive, &distribute("a1")).unwrap_err();
    assert_eq!(err, ContractError::Paused);
    assert!(query_raw(&d.app, &incentive, r#"{"get_config":{}}"#)
        .contains(r#""emergency_paused":true"#));

    // system_recovery_luckee_incentive.sh
    let resume = SEED_PAUSE.replace("true", "false");
    execute_raw(&mut d.app, &admin, &incentive, &resume).unwrap();
    execute_raw(&mut d.app, &admin, &incentive, &distribute("a1")).unwrap();
    let balance = query_raw(
        &d.app,
        &ft,
        &format!(r#"{{"balance":{{"address":"{alice}"}}}}"#),
    );
    assert_eq!(balance, r#"{"balance":"250"}"#);
    let points = query_raw(
        &d.app,
        &incentive,
        &format!(r#"{{"get_points":{{"address":"{alice}"}}}}"#),
    );
    assert_eq!(points, format!(r#"{{"address":"{alice}","points":"1"}}"#));
    let processed = query_raw(
        &d.app,
        &incentive,
        &format!(r#"{{"is_activity_processed":{{"reporter":"{admin}","activity_id":"a1"}}}}"#),
    );
    assert_eq!(processed, r#"{"processed":true}"#);
}

#[test]
fn unknown_fields_in_the_seed_config_are_refused() {
    let mut app = App::default();
    let admin = app.api().addr_make("admin");
    let code = app.store_code(incentive_code());
    let json = SEED_INSTANTIATE
        .replace("ADMIN_ADDRESS", admin.as_str())
        .replace("LUCKY_FT_CONTRACT", admin.as_str())
        .replace("DD_REGISTRY_CONTRACT", admin.as_str())
        .replace("\"enabled\"", "\"enabeld\"");
    let msg = WasmMsg::Instantiate {
        admin: None,
        code_id: code,
        msg: Binary::from(json.as_bytes()),
        funds: vec![],
        label: "typo".to_string(),
    };
    let err = app.execute(admin, CosmosMsg::Wasm(msg)).unwrap_err();
    assert!(format!("{err:?}").contains("unknown field"), "{err:?}");
}
