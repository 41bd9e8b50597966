//! v0.2.0: one test per finding of the contract review (each fails on v0.1.0 logic), the
//! operator roles (pausers, reporter sources and limits) and the migration from v0.1.0 state.

mod common;

use common::*;
use cosmwasm_std::{coins, to_json_vec, Addr, Uint128};
use cw_multi_test::{BankSudo, Executor, SudoMsg};
use luckee_incentive::msg::{
    DistributeItem, ExchangeRate, ExecuteMsg, MigrateMsg, PausersResponse, QueryMsg,
    RegisteredContract, RegisteredContractsResponse, ReporterLimits, ReporterUsageResponse,
    RewardRule, MAX_RULES_PER_MSG, MAX_RULE_REWARD,
};
use luckee_incentive::state::v1;
use luckee_incentive::ContractError;
use luckee_types::{ft, registry};

fn item(suite: &Suite, recipient: &str, rule_id: &str, activity_id: &str) -> DistributeItem {
    DistributeItem {
        recipient: suite.addr(recipient).to_string(),
        rule_id: rule_id.to_string(),
        activity_id: activity_id.to_string(),
    }
}

fn batch(items: Vec<DistributeItem>) -> ExecuteMsg {
    ExecuteMsg::BatchDistribute {
        items,
        source: None,
    }
}

// ------------------------------------------------------------------------------------------
// Finding 1: pay-once holds per source, not per reporter address
// ------------------------------------------------------------------------------------------

#[test]
fn a_failover_reporter_sharing_the_source_cannot_be_paid_again() {
    let mut suite = Suite::new();
    let (primary, failover) = (suite.addr("server-1"), suite.addr("server-2"));
    suite.register(&primary, Some("game"), None).unwrap();
    suite.register(&failover, Some("game"), None).unwrap();
    suite
        .distribute(&primary, "alice", CHECKIN, "match-7")
        .unwrap();
    assert_eq!(
        suite
            .distribute(&failover, "alice", CHECKIN, "match-7")
            .unwrap_err(),
        ContractError::ActivityAlreadyProcessed {
            source_id: "game".to_string(),
            activity_id: "match-7".to_string(),
        }
    );
    // A batch of the failover skips it too.
    let response = suite
        .exec(
            &failover,
            &batch(vec![item(&suite, "alice", CHECKIN, "match-7")]),
        )
        .unwrap();
    assert_eq!(batch_items(&response)[0].0, "skipped");
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
    assert!(suite.processed(&failover, "match-7"));
    assert!(suite.processed_under("game", "match-7"));
}

#[test]
fn a_rotated_reporter_key_keeps_its_source() {
    let mut suite = Suite::new();
    let (old, new) = (suite.addr("key-2025"), suite.addr("key-2026"));
    suite.register(&old, Some("game"), None).unwrap();
    suite.distribute(&old, "alice", CHECKIN, "a-1").unwrap();
    suite
        .admin_exec(&ExecuteMsg::UnregisterContract {
            address: old.to_string(),
        })
        .unwrap();
    suite.register(&new, Some("game"), None).unwrap();
    assert!(matches!(
        suite.distribute(&new, "alice", CHECKIN, "a-1").unwrap_err(),
        ContractError::ActivityAlreadyProcessed { .. }
    ));
    // Re-registering the old key later without a source brings back its source...
    suite.register(&old, None, None).unwrap();
    let reporters: RegisteredContractsResponse = suite.query(&QueryMsg::GetRegisteredContracts {
        start_after: None,
        limit: None,
    });
    let entry = reporters
        .contracts
        .iter()
        .find(|c| c.address == old)
        .unwrap();
    assert_eq!(entry.source, "game");
    // ...and a different source is refused: it would reopen every paid activity.
    assert_eq!(
        suite.register(&old, Some("other"), None).unwrap_err(),
        ContractError::SourceChange {
            address: old.to_string(),
            registered: "game".to_string(),
            requested: "other".to_string(),
        }
    );
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
}

#[test]
fn the_admin_must_name_a_source_and_reporters_cannot_borrow_one() {
    let mut suite = Suite::new();
    let (admin, reporter) = (suite.admin.clone(), suite.reporter.clone());
    suite
        .distribute(&reporter, "alice", CHECKIN, "r-1")
        .unwrap();
    let alice = suite.addr("alice").to_string();
    let report = |activity_id: &str, source: Option<String>| ExecuteMsg::DistributeReward {
        recipient: alice.clone(),
        rule_id: CHECKIN.to_string(),
        activity_id: activity_id.to_string(),
        source,
    };
    assert_eq!(
        suite.exec(&admin, &report("r-1", None)).unwrap_err(),
        ContractError::SourceRequired
    );
    // The admin re-sending the reporter's activity under the reporter's source is a duplicate.
    assert!(matches!(
        suite
            .exec(&admin, &report("r-1", Some(reporter.to_string())))
            .unwrap_err(),
        ContractError::ActivityAlreadyProcessed { .. }
    ));
    // A reporter naming another source is refused.
    let borrowed = report("r-2", Some("someone-else".to_string()));
    assert_eq!(
        suite.exec(&reporter, &borrowed).unwrap_err(),
        ContractError::SourceMismatch {
            given: "someone-else".to_string(),
            registered: reporter.to_string(),
        }
    );
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
}

#[test]
fn an_address_that_already_reported_keeps_its_address_as_source() {
    let mut suite = Suite::new();
    let admin = suite.admin.clone();
    // The admin reported under its own address (as every admin report of v0.1.0 is marked).
    let msg = ExecuteMsg::DistributeReward {
        recipient: suite.addr("alice").to_string(),
        rule_id: CHECKIN.to_string(),
        activity_id: "x".to_string(),
        source: Some(admin.to_string()),
    };
    suite.exec(&admin, &msg).unwrap();
    assert!(matches!(
        suite.register(&admin, Some("fresh"), None).unwrap_err(),
        ContractError::SourceChange { .. }
    ));
}

// ------------------------------------------------------------------------------------------
// Finding 2: attached coins are refused
// ------------------------------------------------------------------------------------------

#[test]
fn coins_attached_to_any_message_are_refused() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite
        .app
        .sudo(SudoMsg::Bank(BankSudo::Mint {
            to_address: reporter.to_string(),
            amount: coins(1_000, "ustake"),
        }))
        .unwrap();
    let incentive = suite.incentive.clone();
    let msg = ExecuteMsg::DistributeReward {
        recipient: suite.addr("alice").to_string(),
        rule_id: CHECKIN.to_string(),
        activity_id: "paid-with-coins".to_string(),
        source: None,
    };
    let err: ContractError = suite
        .app
        .execute_contract(
            reporter.clone(),
            incentive.clone(),
            &msg,
            &coins(5, "ustake"),
        )
        .unwrap_err()
        .downcast()
        .unwrap();
    assert!(matches!(err, ContractError::Payment(_)), "{err:?}");
    assert_eq!(
        suite
            .app
            .wrap()
            .query_balance(&incentive, "ustake")
            .unwrap()
            .amount,
        Uint128::zero()
    );
    // The registry refuses them too.
    let registry = suite.registry.clone();
    let admin = suite.admin.clone();
    suite
        .app
        .sudo(SudoMsg::Bank(BankSudo::Mint {
            to_address: admin.to_string(),
            amount: coins(10, "ustake"),
        }))
        .unwrap();
    assert!(suite
        .app
        .execute_contract(
            admin,
            registry,
            &registry::ExecuteMsg::Register {
                address: suite.addr("dave").to_string()
            },
            &coins(1, "ustake"),
        )
        .is_err());
}

// ------------------------------------------------------------------------------------------
// Finding 3: totals never block a payout; rule values are bounded
// ------------------------------------------------------------------------------------------

#[test]
fn totals_at_the_maximum_saturate_instead_of_blocking_payouts() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let incentive = suite.incentive.clone();
    let max = u128::MAX;
    suite.app.contract_storage_mut(&incentive).set(
        b"sr",
        format!(
            r#"{{"d":0,"t":{{"c":{},"a":"{max}","p":"{max}"}},"c":{{}}}}"#,
            u64::MAX
        )
        .as_bytes(),
    );
    suite
        .distribute(&reporter, "alice", CHECKIN, "after-max")
        .unwrap();
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
    let totals = suite.stats().totals;
    assert_eq!(totals.rewards_distributed_amount, Uint128::MAX);
    assert_eq!(totals.rewards_distributed_count, u64::MAX);
    // Today's counters are fresh and exact.
    assert_eq!(suite.stats().daily.rewards_distributed_count, 1);
}

#[test]
fn rule_values_above_the_bounds_are_refused() {
    let mut suite = Suite::new();
    let huge = RewardRule {
        id: "jackpot".to_string(),
        reward: Uint128::new(MAX_RULE_REWARD + 1),
        points: Uint128::zero(),
        daily_cap: None,
        enabled: true,
    };
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::UpdateRules {
                upsert: vec![huge.clone()],
                remove: vec![],
            })
            .unwrap_err(),
        ContractError::RuleValueTooLarge {
            id: "jackpot".to_string()
        }
    );
    let at_bound = RewardRule {
        reward: Uint128::new(MAX_RULE_REWARD),
        ..huge
    };
    suite
        .admin_exec(&ExecuteMsg::UpdateRules {
            upsert: vec![at_bound],
            remove: vec![],
        })
        .unwrap();
}

// ------------------------------------------------------------------------------------------
// Finding 4: the exchange multiplies in 256 bits
// ------------------------------------------------------------------------------------------

#[test]
fn an_exchange_whose_product_overflows_128_bits_but_result_fits_is_paid() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite
        .distribute(&reporter, "bob", POINTS_ONLY, "p")
        .unwrap(); // 7 points
    let big = 10u128.pow(38); // 7 * 10^38 > 2^128, 7 * 10^38 / 10^38 = 7
    suite
        .admin_exec(&ExecuteMsg::UpdateConfig {
            enabled: None,
            ft_contract: None,
            registry_contract: None,
            exchange_rate: Some(ExchangeRate {
                points: Uint128::new(big),
                amount: Uint128::new(big),
            }),
            redeem_requires_membership: None,
        })
        .unwrap();
    suite.mint_for_points("bob", 7).unwrap();
    assert_eq!(suite.balance("bob"), 7);
    assert_eq!(suite.points("bob"), 0);
}

// ------------------------------------------------------------------------------------------
// Finding 5: redemption checks registry membership
// ------------------------------------------------------------------------------------------

#[test]
fn a_member_removed_from_the_registry_can_no_longer_redeem() {
    let mut suite = Suite::new();
    let (reporter, admin, registry) = (
        suite.reporter.clone(),
        suite.admin.clone(),
        suite.registry.clone(),
    );
    suite.distribute(&reporter, "alice", CHECKIN, "c").unwrap(); // 10 points
    let alice = suite.addr("alice");
    suite
        .app
        .execute_contract(
            admin,
            registry,
            &registry::ExecuteMsg::Unregister {
                address: alice.to_string(),
            },
            &[],
        )
        .unwrap();
    assert_eq!(
        suite.mint_for_points("alice", 10).unwrap_err(),
        ContractError::RecipientNotRegistered {
            recipient: alice.to_string()
        }
    );
    assert_eq!(suite.points("alice"), 10);
    // The documented switch turns the check off.
    assert!(suite.config().config.redeem_requires_membership);
    suite
        .admin_exec(&ExecuteMsg::UpdateConfig {
            enabled: None,
            ft_contract: None,
            registry_contract: None,
            exchange_rate: None,
            redeem_requires_membership: Some(false),
        })
        .unwrap();
    suite.mint_for_points("alice", 10).unwrap();
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD + 100_000);
}

// ------------------------------------------------------------------------------------------
// Finding 6: the FT cap rejects only the items that exceed it
// ------------------------------------------------------------------------------------------

#[test]
fn items_over_the_ft_cap_are_rejected_and_the_batch_carries_on() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let ft_addr = suite.ft.clone();
    // Cap: what is minted so far plus 1.5 LUCKY.
    {
        let mut storage = suite.app.contract_storage_mut(&ft_addr);
        let mut info = cw20_base::state::TOKEN_INFO.load(storage.as_ref()).unwrap();
        let supply = info.total_supply;
        info.mint.as_mut().unwrap().cap = Some(supply + Uint128::new(1_500_000));
        cw20_base::state::TOKEN_INFO
            .save(storage.as_mut(), &info)
            .unwrap();
    }
    let items = vec![
        item(&suite, "alice", CHECKIN, "cap-1"),
        item(&suite, "bob", CHECKIN, "cap-2"),
        item(&suite, "carol", POINTS_ONLY, "cap-3"),
        item(&suite, "carol", CAPPED, "cap-4"),
    ];
    let response = suite.exec(&reporter, &batch(items)).unwrap();
    let statuses: Vec<_> = batch_items(&response).into_iter().map(|(s, _)| s).collect();
    assert_eq!(statuses, ["paid", "rejected", "paid", "paid"]);
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
    assert_eq!(suite.balance("bob"), 0);
    assert_eq!(suite.balance("carol"), CAPPED_REWARD);
    assert_eq!(suite.points("carol"), POINTS_ONLY_POINTS + 1);
    // The rejected item was not marked: it can be paid once the cap allows.
    assert!(!suite.processed(&reporter, "cap-2"));
}

// ------------------------------------------------------------------------------------------
// Finding 7: addresses are validated, never taken as given
// ------------------------------------------------------------------------------------------

#[test]
fn an_upper_case_address_is_an_error_not_a_missing_entry() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let upper = reporter.to_string().to_uppercase();
    let err = suite
        .admin_exec(&ExecuteMsg::UnregisterContract {
            address: upper.clone(),
        })
        .unwrap_err();
    assert!(matches!(err, ContractError::Std(_)), "{err:?}");
    let registry = suite.registry.clone();
    let answer: Result<registry::IsRegisteredResponse, _> = suite.app.wrap().query_wasm_smart(
        &registry,
        &registry::QueryMsg::IsRegistered {
            address: suite.addr("alice").to_string().to_uppercase(),
        },
    );
    assert!(answer.is_err(), "{answer:?}");
    // The lower-case address still works for both.
    suite
        .admin_exec(&ExecuteMsg::UnregisterContract {
            address: reporter.to_string(),
        })
        .unwrap();
}

// ------------------------------------------------------------------------------------------
// Finding 8: cancel an admin proposal, hand over the minter, size limits
// ------------------------------------------------------------------------------------------

#[test]
fn a_pending_admin_proposal_can_be_cancelled_in_both_contracts() {
    let mut suite = Suite::new();
    let (admin, next) = (suite.admin.clone(), suite.addr("next-admin"));
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::CancelAdminProposal {})
            .unwrap_err(),
        ContractError::NoPendingAdmin
    );
    suite
        .admin_exec(&ExecuteMsg::ProposeAdmin {
            new_admin: next.to_string(),
        })
        .unwrap();
    suite
        .admin_exec(&ExecuteMsg::CancelAdminProposal {})
        .unwrap();
    assert_eq!(suite.config().pending_admin, None);
    assert_eq!(
        suite.exec(&next, &ExecuteMsg::AcceptAdmin {}).unwrap_err(),
        ContractError::NoPendingAdmin
    );

    let registry = suite.registry.clone();
    let exec = |suite: &mut Suite, sender: &Addr, msg: &registry::ExecuteMsg| {
        suite
            .app
            .execute_contract(sender.clone(), registry.clone(), msg, &[])
    };
    exec(
        &mut suite,
        &admin,
        &registry::ExecuteMsg::ProposeAdmin {
            new_admin: next.to_string(),
        },
    )
    .unwrap();
    assert!(exec(
        &mut suite,
        &next,
        &registry::ExecuteMsg::CancelAdminProposal {}
    )
    .is_err());
    exec(
        &mut suite,
        &admin,
        &registry::ExecuteMsg::CancelAdminProposal {},
    )
    .unwrap();
    assert!(exec(&mut suite, &next, &registry::ExecuteMsg::AcceptAdmin {}).is_err());
    let config: registry::RegistryConfigResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&registry, &registry::QueryMsg::Config {})
        .unwrap();
    assert_eq!((config.admin, config.pending_admin), (admin, None));
}

#[test]
fn the_admin_can_hand_the_ft_minter_role_to_a_replacement() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let replacement = suite.addr("incentive-v2");
    suite
        .admin_exec(&ExecuteMsg::UpdateMinter {
            new_minter: replacement.to_string(),
        })
        .unwrap();
    let minter: ft::MinterResponse = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.ft, &ft::QueryMsg::Minter {})
        .unwrap();
    assert_eq!(minter.minter, replacement.to_string());
    // This contract can no longer mint: the FT refuses the mint, the report fails.
    let msg = ExecuteMsg::DistributeReward {
        recipient: suite.addr("alice").to_string(),
        rule_id: CHECKIN.to_string(),
        activity_id: "late".to_string(),
        source: None,
    };
    let incentive = suite.incentive.clone();
    let err = suite
        .app
        .execute_contract(reporter, incentive, &msg, &[])
        .unwrap_err();
    assert!(format!("{err:?}").contains("Unauthorized"), "{err:?}");
}

#[test]
fn labels_and_rule_lists_have_size_limits() {
    let mut suite = Suite::new();
    let someone = suite.addr("someone");
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::RegisterContract {
                address: someone.to_string(),
                label: Some("x".repeat(65)),
                source: None,
                limits: None,
            })
            .unwrap_err(),
        ContractError::InvalidLabel
    );
    let many: Vec<String> = (0..=MAX_RULES_PER_MSG).map(|i| format!("r{i}")).collect();
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::UpdateRules {
                upsert: vec![],
                remove: many,
            })
            .unwrap_err(),
        ContractError::TooManyRules {
            max: MAX_RULES_PER_MSG,
            got: MAX_RULES_PER_MSG + 1
        }
    );
    let limits = ReporterLimits {
        rules: Some((0..33).map(|i| format!("r{i}")).collect()),
        daily_mint_budget: None,
    };
    assert!(matches!(
        suite.register(&someone, None, Some(limits)).unwrap_err(),
        ContractError::TooManyRules { max: 32, got: 33 }
    ));
}

// ------------------------------------------------------------------------------------------
// Roles: pausers and reporter limits
// ------------------------------------------------------------------------------------------

#[test]
fn a_pauser_can_pause_but_not_resume_nor_anything_else() {
    let mut suite = Suite::new();
    let pauser = suite.addr("on-call");
    suite
        .admin_exec(&ExecuteMsg::UpdatePausers {
            add: vec![pauser.to_string()],
            remove: vec![],
        })
        .unwrap();
    let listed: PausersResponse = suite.query(&QueryMsg::GetPausers {
        start_after: None,
        limit: None,
    });
    assert_eq!(listed.pausers, vec![pauser.clone()]);
    suite
        .exec(&pauser, &ExecuteMsg::EmergencyPause { paused: true })
        .unwrap();
    assert!(suite.config().config.emergency_paused);
    assert_eq!(
        suite
            .exec(&pauser, &ExecuteMsg::EmergencyPause { paused: false })
            .unwrap_err(),
        ContractError::Unauthorized
    );
    assert_eq!(
        suite
            .exec(
                &pauser,
                &ExecuteMsg::UpdatePausers {
                    add: vec![],
                    remove: vec![pauser.to_string()],
                }
            )
            .unwrap_err(),
        ContractError::Unauthorized
    );
    suite
        .admin_exec(&ExecuteMsg::EmergencyPause { paused: false })
        .unwrap();
    // Removed, it can no longer pause.
    suite
        .admin_exec(&ExecuteMsg::UpdatePausers {
            add: vec![],
            remove: vec![pauser.to_string()],
        })
        .unwrap();
    assert_eq!(
        suite
            .exec(&pauser, &ExecuteMsg::EmergencyPause { paused: true })
            .unwrap_err(),
        ContractError::Unauthorized
    );
}

#[test]
fn a_limited_reporter_is_held_to_its_rules_and_daily_budget() {
    let mut suite = Suite::new();
    let limited = suite.addr("stolen-key");
    let limits = ReporterLimits {
        rules: Some(vec![CHECKIN.to_string(), POINTS_ONLY.to_string()]),
        daily_mint_budget: Some(Uint128::new(2 * CHECKIN_REWARD)),
    };
    suite.register(&limited, None, Some(limits)).unwrap();
    assert_eq!(
        suite
            .distribute(&limited, "alice", CAPPED, "c")
            .unwrap_err(),
        ContractError::RuleNotAllowed {
            id: CAPPED.to_string()
        }
    );
    suite.distribute(&limited, "alice", CHECKIN, "1").unwrap();
    let response = suite
        .exec(
            &limited,
            &batch(vec![
                item(&suite, "bob", CHECKIN, "2"),
                item(&suite, "carol", CHECKIN, "3"),
                item(&suite, "carol", POINTS_ONLY, "4"),
            ]),
        )
        .unwrap();
    let statuses: Vec<_> = batch_items(&response).into_iter().map(|(s, _)| s).collect();
    // Budget: 2 LUCKY a day. Points-only items do not count.
    assert_eq!(statuses, ["paid", "rejected", "paid"]);
    assert_eq!(
        suite
            .distribute(&limited, "carol", CHECKIN, "5")
            .unwrap_err(),
        ContractError::DailyBudgetExceeded {
            reporter: limited.to_string(),
            budget: Uint128::new(2 * CHECKIN_REWARD),
        }
    );
    let usage: ReporterUsageResponse = suite.query(&QueryMsg::GetReporterUsage {
        address: limited.to_string(),
        day: None,
    });
    assert_eq!(usage.minted, Uint128::new(2 * CHECKIN_REWARD));
    // A new UTC day, a new budget.
    suite.next_day();
    suite.distribute(&limited, "carol", CHECKIN, "5").unwrap();
    // Unlimited is explicit in the listing.
    let reporters: RegisteredContractsResponse = suite.query(&QueryMsg::GetRegisteredContracts {
        start_after: None,
        limit: None,
    });
    let default = reporters
        .contracts
        .iter()
        .find(|c| c.address == suite.reporter)
        .unwrap();
    assert!(default.limits.is_unlimited());
}

// ------------------------------------------------------------------------------------------
// Migration from v0.1.0 state
// ------------------------------------------------------------------------------------------

/// Turns the suite's incentive into what v0.1.0 left: cw2 0.1.0, no layout item, reporter
/// entries without source or limits, the statistics in one `st` item plus a `ds` archive, and
/// processed markers keyed by (reporter address, activity_id).
fn make_v0_1_0_state(suite: &mut Suite) -> Addr {
    let incentive = suite.incentive.clone();
    let reporter = suite.reporter.clone();
    let mut storage = suite.app.contract_storage_mut(&incentive);
    cw2::set_contract_version(storage.as_mut(), "crates.io:luckee-incentive", "0.1.0").unwrap();
    storage.remove(b"layout");
    for key in [b"sr".as_slice(), b"sx".as_slice()] {
        storage.remove(key);
    }
    // What v0.1.0 stored for the registered reporter.
    let old_entry =
        format!(r#"{{"address":"{reporter}","label":"game-server","registered_at":1571797419}}"#);
    let mut key = Vec::new();
    key.extend_from_slice(&(b"reporters".len() as u16).to_be_bytes());
    key.extend_from_slice(b"reporters");
    key.extend_from_slice(reporter.as_bytes());
    storage.set(&key, old_entry.as_bytes());
    let src_key = [&(3u16.to_be_bytes())[..], b"src", reporter.as_bytes()].concat();
    storage.remove(&src_key);
    let totals = v1::Counters {
        rewards_count: 3,
        rewards_amount: Uint128::new(3_000_000),
        points_awarded: Uint128::new(30),
        exchanges_count: 1,
        exchanged_points: Uint128::new(10),
        exchange_minted: Uint128::new(100_000),
        ..Default::default()
    };
    let today = 19_000;
    let stats = v1::Stats {
        day: today,
        totals: totals.clone(),
        today: v1::Counters {
            rewards_count: 1,
            rewards_amount: Uint128::new(1_000_000),
            ..Default::default()
        },
    };
    storage.set(b"st", &to_json_vec(&stats).unwrap());
    v1::DAILY_STATS
        .save(
            storage.as_mut(),
            today - 1,
            &v1::Counters {
                rewards_count: 2,
                ..Default::default()
            },
        )
        .unwrap();
    incentive
}

#[test]
fn migrating_v0_1_0_state_keeps_every_paid_activity_paid() {
    let mut suite = Suite::new();
    let (admin, reporter) = (suite.admin.clone(), suite.reporter.clone());
    // Markers of v0.1.0 and v0.2.0 share their bytes: (reporter address, activity_id).
    suite
        .distribute(&reporter, "alice", CHECKIN, "paid-in-v0.1.0")
        .unwrap();
    let incentive = make_v0_1_0_state(&mut suite);
    let code = suite.app.store_code(incentive_code());
    let response = suite
        .app
        .migrate_contract(admin, incentive.clone(), &MigrateMsg {}, code)
        .unwrap();
    assert_eq!(suite.attr(&response, "from_version").unwrap(), "0.1.0");
    assert_eq!(suite.attr(&response, "from_layout").unwrap(), "1");
    assert_eq!(suite.attr(&response, "reporters_converted").unwrap(), "1");

    let reporters: RegisteredContractsResponse = suite.query(&QueryMsg::GetRegisteredContracts {
        start_after: None,
        limit: None,
    });
    let entry: &RegisteredContract = &reporters.contracts[0];
    assert_eq!(entry.source, reporter.to_string());
    assert!(entry.limits.is_unlimited());
    assert!(suite.processed(&reporter, "paid-in-v0.1.0"));
    assert!(matches!(
        suite
            .distribute(&reporter, "alice", CHECKIN, "paid-in-v0.1.0")
            .unwrap_err(),
        ContractError::ActivityAlreadyProcessed { .. }
    ));
    // Its source is fixed now: it cannot be moved to reopen its markers.
    assert!(matches!(
        suite.register(&reporter, Some("new"), None).unwrap_err(),
        ContractError::SourceChange { .. }
    ));
    // Statistics: totals carried over, the archived v0.1.0 day still answers.
    let stats: luckee_incentive::msg::StatsResponse =
        suite.query(&QueryMsg::GetStats { day: Some(18_999) });
    assert_eq!(stats.totals.rewards_distributed_count, 3);
    assert_eq!(stats.totals.points_exchange_minted, Uint128::new(100_000));
    assert_eq!(stats.daily.rewards_distributed_count, 2);
    let layout = suite
        .app
        .wrap()
        .query_wasm_raw(&incentive, b"layout".as_slice())
        .unwrap();
    assert_eq!(layout.as_deref(), Some(b"2".as_slice()));
}

/// A registry of an older interface: no `are_registered` (any other query is the mock's).
fn registry_without_batch_query(
    deps: cosmwasm_std::Deps,
    env: cosmwasm_std::Env,
    msg: registry::QueryMsg,
) -> cosmwasm_std::StdResult<cosmwasm_std::Binary> {
    if let registry::QueryMsg::AreRegistered { .. } = msg {
        return Err(cosmwasm_std::StdError::generic_err(
            "unknown variant `are_registered`",
        ));
    }
    mock_registry::contract::query(deps, env, msg)
}

#[test]
fn a_batch_falls_back_to_one_is_registered_per_recipient_without_are_registered() {
    let mut suite = Suite::new();
    let (admin, reporter, registry) = (
        suite.admin.clone(),
        suite.reporter.clone(),
        suite.registry.clone(),
    );
    use mock_registry::contract::{execute, instantiate, migrate};
    let legacy = suite.app.store_code(Box::new(
        cw_multi_test::ContractWrapper::new(execute, instantiate, registry_without_batch_query)
            .with_migrate(migrate),
    ));
    suite
        .app
        .migrate_contract(admin, registry.clone(), &registry::MigrateMsg {}, legacy)
        .unwrap();
    assert!(suite
        .app
        .wrap()
        .query_wasm_smart::<registry::AreRegisteredResponse>(
            &registry,
            &registry::QueryMsg::AreRegistered { addresses: vec![] }
        )
        .is_err());
    let response = suite
        .exec(
            &reporter,
            &batch(vec![
                item(&suite, "alice", CHECKIN, "f-1"),
                item(&suite, "mallory", CHECKIN, "f-2"),
                item(&suite, "bob", POINTS_ONLY, "f-3"),
            ]),
        )
        .unwrap();
    let statuses: Vec<_> = batch_items(&response).into_iter().map(|(s, _)| s).collect();
    assert_eq!(statuses, ["paid", "rejected", "paid"]);
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
}
