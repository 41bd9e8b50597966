//! cw-multi-test suite of the mock registry.

use cosmwasm_std::{Addr, Empty};
use cw2::set_contract_version;
use cw_multi_test::{App, Contract, ContractWrapper, Executor};
use luckee_types::migrate::MigrateError;
use mock_registry::contract::{
    execute, instantiate, migrate, query, CONTRACT_NAME, CONTRACT_VERSION,
};
use mock_registry::msg::{
    ExecuteMsg, InstantiateMsg, IsRegisteredResponse, MembersResponse, MigrateMsg, QueryMsg,
    RegistryConfigResponse, MAX_BATCH,
};
use mock_registry::ContractError;

fn registry_code() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

struct Suite {
    app: App,
    admin: Addr,
    registry: Addr,
}

impl Suite {
    fn new(members: &[&str]) -> Self {
        let mut app = App::default();
        let admin = app.api().addr_make("admin");
        let members = members
            .iter()
            .map(|m| app.api().addr_make(m).to_string())
            .collect();
        let code = app.store_code(registry_code());
        let registry = app
            .instantiate_contract(
                code,
                admin.clone(),
                &InstantiateMsg {
                    admin: None,
                    members,
                },
                &[],
                "registry",
                Some(admin.to_string()),
            )
            .unwrap();
        Suite {
            app,
            admin,
            registry,
        }
    }

    fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    fn exec(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<(), ContractError> {
        self.app
            .execute_contract(sender.clone(), self.registry.clone(), msg, &[])
            .map(|_| ())
            .map_err(|e| e.downcast().unwrap())
    }

    fn is_registered(&self, name: &str) -> bool {
        let r: IsRegisteredResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.registry,
                &QueryMsg::IsRegistered {
                    address: self.addr(name).to_string(),
                },
            )
            .unwrap();
        r.registered
    }

    fn config(&self) -> RegistryConfigResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.registry, &QueryMsg::Config {})
            .unwrap()
    }
}

#[test]
fn instantiate_registers_initial_members_once() {
    let suite = Suite::new(&["alice", "bob", "alice"]);
    assert!(suite.is_registered("alice"));
    assert!(suite.is_registered("bob"));
    assert!(!suite.is_registered("carol"));
    let config = suite.config();
    assert_eq!(config.admin, suite.admin);
    assert_eq!(config.member_count, 2);
    assert_eq!(config.pending_admin, None);
}

#[test]
fn admin_registers_and_unregisters_single_members() {
    let mut suite = Suite::new(&[]);
    let admin = suite.admin.clone();
    let carol = suite.addr("carol").to_string();
    suite
        .exec(
            &admin,
            &ExecuteMsg::Register {
                address: carol.clone(),
            },
        )
        .unwrap();
    // Registering twice is a no-op, not a double count.
    suite
        .exec(
            &admin,
            &ExecuteMsg::Register {
                address: carol.clone(),
            },
        )
        .unwrap();
    assert!(suite.is_registered("carol"));
    assert_eq!(suite.config().member_count, 1);
    suite
        .exec(
            &admin,
            &ExecuteMsg::Unregister {
                address: carol.clone(),
            },
        )
        .unwrap();
    suite
        .exec(&admin, &ExecuteMsg::Unregister { address: carol })
        .unwrap();
    assert!(!suite.is_registered("carol"));
    assert_eq!(suite.config().member_count, 0);
}

#[test]
fn batches_register_and_unregister_and_are_bounded() {
    let mut suite = Suite::new(&["alice"]);
    let admin = suite.admin.clone();
    let addresses: Vec<String> = ["alice", "bob", "carol"]
        .iter()
        .map(|n| suite.addr(n).to_string())
        .collect();
    suite
        .exec(
            &admin,
            &ExecuteMsg::RegisterBatch {
                addresses: addresses.clone(),
            },
        )
        .unwrap();
    assert_eq!(suite.config().member_count, 3);
    suite
        .exec(
            &admin,
            &ExecuteMsg::UnregisterBatch {
                addresses: addresses[..2].to_vec(),
            },
        )
        .unwrap();
    assert!(!suite.is_registered("alice"));
    assert!(!suite.is_registered("bob"));
    assert!(suite.is_registered("carol"));
    assert_eq!(suite.config().member_count, 1);

    let too_many: Vec<String> = (0..=MAX_BATCH)
        .map(|i| suite.addr(&format!("m{i}")).to_string())
        .collect();
    let err = suite
        .exec(
            &admin,
            &ExecuteMsg::RegisterBatch {
                addresses: too_many,
            },
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::BatchTooLarge {
            max: MAX_BATCH,
            got: MAX_BATCH + 1
        }
    );
}

#[test]
fn members_are_paginated_in_address_order() {
    let names: Vec<String> = (0..7).map(|i| format!("member{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let suite = Suite::new(&refs);
    let mut expected: Vec<Addr> = names.iter().map(|n| suite.addr(n)).collect();
    expected.sort();

    let all: MembersResponse = suite
        .app
        .wrap()
        .query_wasm_smart(
            &suite.registry,
            &QueryMsg::Members {
                start_after: None,
                limit: None,
            },
        )
        .unwrap();
    assert_eq!(all.members, expected);

    let mut paged = vec![];
    let mut start_after = None;
    loop {
        let page: MembersResponse = suite
            .app
            .wrap()
            .query_wasm_smart(
                &suite.registry,
                &QueryMsg::Members {
                    start_after,
                    limit: Some(3),
                },
            )
            .unwrap();
        if page.members.is_empty() {
            break;
        }
        assert!(page.members.len() <= 3);
        start_after = page.members.last().map(|a| a.to_string());
        paged.extend(page.members);
    }
    assert_eq!(paged, expected);
}

#[test]
fn every_admin_message_is_rejected_for_a_non_admin() {
    let mut suite = Suite::new(&["alice"]);
    let mallory = suite.addr("mallory");
    let target = suite.addr("bob").to_string();
    let msgs = [
        ExecuteMsg::Register {
            address: target.clone(),
        },
        ExecuteMsg::Unregister {
            address: suite.addr("alice").to_string(),
        },
        ExecuteMsg::RegisterBatch {
            addresses: vec![target.clone()],
        },
        ExecuteMsg::UnregisterBatch {
            addresses: vec![suite.addr("alice").to_string()],
        },
        ExecuteMsg::ProposeAdmin {
            new_admin: mallory.to_string(),
        },
    ];
    for msg in msgs {
        assert_eq!(
            suite.exec(&mallory, &msg),
            Err(ContractError::Unauthorized),
            "{msg:?}"
        );
    }
    assert!(suite.is_registered("alice"));
    assert!(!suite.is_registered("bob"));
}

#[test]
fn admin_transfer_takes_two_steps() {
    let mut suite = Suite::new(&[]);
    let admin = suite.admin.clone();
    let next = suite.addr("next");
    let mallory = suite.addr("mallory");
    assert_eq!(
        suite.exec(&next, &ExecuteMsg::AcceptAdmin {}),
        Err(ContractError::NoPendingAdmin)
    );
    suite
        .exec(
            &admin,
            &ExecuteMsg::ProposeAdmin {
                new_admin: next.to_string(),
            },
        )
        .unwrap();
    assert_eq!(suite.config().pending_admin, Some(next.clone()));
    // Proposing does not hand over anything yet.
    assert_eq!(suite.config().admin, admin);
    assert_eq!(
        suite.exec(&mallory, &ExecuteMsg::AcceptAdmin {}),
        Err(ContractError::Unauthorized)
    );
    suite.exec(&next, &ExecuteMsg::AcceptAdmin {}).unwrap();
    let config = suite.config();
    assert_eq!(config.admin, next);
    assert_eq!(config.pending_admin, None);
    // The old admin lost its rights.
    let bob = suite.addr("bob").to_string();
    assert_eq!(
        suite.exec(
            &admin,
            &ExecuteMsg::Register {
                address: bob.clone()
            }
        ),
        Err(ContractError::Unauthorized)
    );
    suite
        .exec(&next, &ExecuteMsg::Register { address: bob })
        .unwrap();
}

#[test]
fn migrate_accepts_same_contract_and_refuses_others() {
    let mut suite = Suite::new(&["alice"]);
    let admin = suite.admin.clone();
    let code = suite.app.store_code(registry_code());
    suite
        .app
        .migrate_contract(admin.clone(), suite.registry.clone(), &MigrateMsg {}, code)
        .unwrap();
    assert!(suite.is_registered("alice"));

    // A newer stored version means this code would be a downgrade.
    let registry = suite.registry.clone();
    assert_eq!(
        migrate_over(&mut suite.app, &registry, code, CONTRACT_NAME, "99.0.0"),
        ContractError::Migrate(MigrateError::CannotDowngrade {
            stored: "99.0.0".to_string(),
            new: CONTRACT_VERSION.to_string(),
        })
    );
    // Another contract's state at this address is refused.
    assert_eq!(
        migrate_over(&mut suite.app, &registry, code, "crates.io:other", "0.0.1"),
        ContractError::Migrate(MigrateError::WrongContract {
            expected: CONTRACT_NAME.to_string(),
            found: "crates.io:other".to_string(),
        })
    );
}

/// Overwrites the stored cw2 version of `contract`, then migrates it to `code` and returns the
/// refusal.
fn migrate_over(
    app: &mut App,
    contract: &Addr,
    code: u64,
    name: &str,
    version: &str,
) -> ContractError {
    set_contract_version(app.contract_storage_mut(contract).as_mut(), name, version).unwrap();
    let admin = app.api().addr_make("admin");
    app.migrate_contract(admin, contract.clone(), &MigrateMsg {}, code)
        .unwrap_err()
        .downcast()
        .unwrap()
}

#[test]
fn are_registered_answers_a_batch_in_order_and_validates_addresses() {
    let suite = Suite::new(&["alice", "bob"]);
    let ask = |addresses: Vec<String>| {
        suite
            .app
            .wrap()
            .query_wasm_smart::<mock_registry::msg::AreRegisteredResponse>(
                &suite.registry,
                &QueryMsg::AreRegistered { addresses },
            )
    };
    let names = ["bob", "carol", "alice", "bob"];
    let answer = ask(names.iter().map(|n| suite.addr(n).to_string()).collect()).unwrap();
    assert_eq!(answer.registered, vec![true, false, true, true]);
    // An upper-case variant is an error, never "not a member".
    let upper = suite.addr("alice").to_string().to_uppercase();
    assert!(ask(vec![upper.clone()]).is_err());
    assert!(suite
        .app
        .wrap()
        .query_wasm_smart::<IsRegisteredResponse>(
            &suite.registry,
            &QueryMsg::IsRegistered { address: upper }
        )
        .is_err());
    let too_many = (0..=MAX_BATCH).map(|i| suite.addr(&format!("m{i}")).to_string());
    assert!(ask(too_many.collect()).is_err());
}

#[test]
fn a_pending_admin_proposal_can_be_cancelled() {
    let mut suite = Suite::new(&[]);
    let (admin, next) = (suite.admin.clone(), suite.addr("next"));
    assert_eq!(
        suite
            .exec(&admin, &ExecuteMsg::CancelAdminProposal {})
            .unwrap_err(),
        ContractError::NoPendingAdmin
    );
    suite
        .exec(
            &admin,
            &ExecuteMsg::ProposeAdmin {
                new_admin: next.to_string(),
            },
        )
        .unwrap();
    assert_eq!(
        suite
            .exec(&next, &ExecuteMsg::CancelAdminProposal {})
            .unwrap_err(),
        ContractError::Unauthorized
    );
    suite
        .exec(&admin, &ExecuteMsg::CancelAdminProposal {})
        .unwrap();
    assert_eq!(suite.config().pending_admin, None);
    assert_eq!(
        suite.exec(&next, &ExecuteMsg::AcceptAdmin {}).unwrap_err(),
        ContractError::NoPendingAdmin
    );
}
