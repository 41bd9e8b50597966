//! cw-multi-test suite of the incentive contract (with the real mock FT and registry behind it).

mod common;

use common::*;
use cosmwasm_std::{coins, Addr, Uint128};
use cw_multi_test::Executor;
use luckee_incentive::msg::{
    DistributeItem, ExchangeRate, ExecuteMsg, IncentiveConfig, InstantiateMsg, MigrateMsg,
    QueryMsg, RegisteredContractsResponse, RewardRule, RulesResponse, StatsResponse, WithdrawAsset,
    MAX_BATCH_SIZE,
};
use luckee_incentive::ContractError;
use luckee_types::ft;
use luckee_types::migrate::MigrateError;

fn item(suite: &Suite, recipient: &str, rule_id: &str, activity_id: &str) -> DistributeItem {
    DistributeItem {
        recipient: suite.addr(recipient).to_string(),
        rule_id: rule_id.to_string(),
        activity_id: activity_id.to_string(),
    }
}

// ------------------------------------------------------------------------------------------
// Instantiate and config
// ------------------------------------------------------------------------------------------

#[test]
fn instantiate_stores_addresses_defaults_and_rules() {
    let suite = Suite::new();
    let config = suite.config();
    assert_eq!(config.admin, suite.admin);
    assert_eq!(config.ft_contract, suite.ft);
    assert_eq!(config.registry_contract, suite.registry);
    assert_eq!(config.pending_admin, None);
    assert_eq!(config.config, IncentiveConfig::default());
    assert_eq!(
        config.config.exchange_rate,
        ExchangeRate {
            points: Uint128::new(100),
            amount: Uint128::new(1_000_000)
        }
    );
    let rules: RulesResponse = suite.query(&QueryMsg::GetRules {
        start_after: None,
        limit: None,
    });
    assert_eq!(rules.rules.len(), 3);
    let version = cw2::query_contract_info(&suite.app.wrap(), suite.incentive.to_string()).unwrap();
    assert_eq!(version.contract, "crates.io:luckee-incentive");
}

#[test]
fn instantiate_rejects_a_zero_exchange_rate_and_bad_rule_ids() {
    let mut suite = Suite::new();
    let code = suite.app.store_code(incentive_code());
    let base = InstantiateMsg {
        admin: suite.admin.to_string(),
        ft_contract: suite.ft.to_string(),
        registry_contract: suite.registry.to_string(),
        config: IncentiveConfig::default(),
        rules: vec![],
        pausers: vec![],
    };
    let mut zero_rate = base.clone();
    zero_rate.config.exchange_rate.points = Uint128::zero();
    let mut empty_id = base.clone();
    empty_id.rules = vec![RewardRule {
        id: String::new(),
        ..rules()[0].clone()
    }];
    for (msg, expected) in [
        (zero_rate, ContractError::InvalidExchangeRate),
        (empty_id, ContractError::InvalidRuleId { id: String::new() }),
    ] {
        let err: ContractError = suite
            .app
            .instantiate_contract(code, suite.admin.clone(), &msg, &[], "x", None)
            .unwrap_err()
            .downcast()
            .unwrap();
        assert_eq!(err, expected);
    }
}

#[test]
fn update_config_changes_only_given_fields() {
    let mut suite = Suite::new();
    let rate = ExchangeRate {
        points: Uint128::new(3),
        amount: Uint128::new(2),
    };
    let response = suite
        .admin_exec(&ExecuteMsg::UpdateConfig {
            enabled: None,
            ft_contract: None,
            registry_contract: None,
            exchange_rate: Some(rate.clone()),
            redeem_requires_membership: None,
        })
        .unwrap();
    assert_eq!(
        suite.attr(&response, "action").as_deref(),
        Some("update_config")
    );
    let config = suite.config();
    assert_eq!(config.config.exchange_rate, rate);
    assert!(config.config.enabled);
    assert_eq!(config.ft_contract, suite.ft);

    let err = suite
        .admin_exec(&ExecuteMsg::UpdateConfig {
            enabled: None,
            ft_contract: None,
            registry_contract: None,
            exchange_rate: Some(ExchangeRate {
                points: Uint128::new(1),
                amount: Uint128::zero(),
            }),
            redeem_requires_membership: None,
        })
        .unwrap_err();
    assert_eq!(err, ContractError::InvalidExchangeRate);
}

// ------------------------------------------------------------------------------------------
// distribute_reward
// ------------------------------------------------------------------------------------------

#[test]
fn distribute_reward_mints_ft_credits_points_and_emits_attributes() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let response = suite
        .distribute(&reporter, "alice", CHECKIN, "act-1")
        .unwrap();

    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
    assert_eq!(suite.supply(), CHECKIN_REWARD);
    assert_eq!(suite.points("alice"), CHECKIN_POINTS);
    assert!(suite.processed(&reporter, "act-1"));
    let alice = suite.addr("alice").to_string();
    for (key, value) in [
        ("action", "distribute_reward"),
        ("reporter", reporter.as_str()),
        ("recipient", alice.as_str()),
        ("rule_id", CHECKIN),
        ("activity_id", "act-1"),
        ("amount", "1000000"),
        ("points", "10"),
    ] {
        assert_eq!(suite.attr(&response, key).as_deref(), Some(value), "{key}");
    }
}

#[test]
fn admin_may_report_and_points_only_rules_mint_nothing() {
    let mut suite = Suite::new();
    let admin = suite.admin.clone();
    suite.distribute(&admin, "bob", POINTS_ONLY, "a").unwrap();
    assert_eq!(suite.points("bob"), POINTS_ONLY_POINTS);
    assert_eq!(suite.supply(), 0);
}

#[test]
fn a_reporter_activity_pays_at_most_once() {
    let mut suite = Suite::new();
    let (reporter, admin) = (suite.reporter.clone(), suite.admin.clone());
    suite
        .distribute(&reporter, "alice", CHECKIN, "dup")
        .unwrap();
    let err = suite
        .distribute(&reporter, "alice", CHECKIN, "dup")
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::ActivityAlreadyProcessed {
            source_id: reporter.to_string(),
            activity_id: "dup".to_string(),
        }
    );
    // Even to another recipient or under another rule.
    assert!(suite
        .distribute(&reporter, "bob", POINTS_ONLY, "dup")
        .is_err());
    // Still after a day.
    suite.next_day();
    assert!(suite
        .distribute(&reporter, "alice", CHECKIN, "dup")
        .is_err());
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD);
    assert_eq!(suite.points("bob"), 0);
    // Activity ids are per source: the admin reporting under its own source is another
    // activity.
    assert!(suite.processed_under(reporter.as_str(), "dup"));
    assert!(!suite.processed_under(ADMIN_SOURCE, "dup"));
    suite.distribute(&admin, "alice", CHECKIN, "dup").unwrap();
    assert_eq!(suite.balance("alice"), 2 * CHECKIN_REWARD);
}

#[test]
fn distribute_reward_rejections_have_specific_errors() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let stranger = suite.addr("stranger");
    assert_eq!(
        suite
            .distribute(&stranger, "alice", CHECKIN, "x")
            .unwrap_err(),
        ContractError::Unauthorized
    );
    assert_eq!(
        suite
            .distribute(&reporter, "mallory", CHECKIN, "x")
            .unwrap_err(),
        ContractError::RecipientNotRegistered {
            recipient: suite.addr("mallory").to_string()
        }
    );
    assert_eq!(
        suite
            .distribute(&reporter, "alice", "nope", "x")
            .unwrap_err(),
        ContractError::RuleNotFound {
            id: "nope".to_string()
        }
    );
    assert_eq!(
        suite
            .distribute(&reporter, "alice", CHECKIN, "")
            .unwrap_err(),
        ContractError::InvalidActivityId
    );
    assert_eq!(
        suite
            .distribute(&reporter, "alice", CHECKIN, &"x".repeat(129))
            .unwrap_err(),
        ContractError::InvalidActivityId
    );
    let bad_recipient = ExecuteMsg::DistributeReward {
        recipient: "not an address".to_string(),
        rule_id: CHECKIN.to_string(),
        activity_id: "x".to_string(),
        source: None,
    };
    assert_eq!(
        suite.exec(&reporter, &bad_recipient).unwrap_err(),
        ContractError::InvalidRecipient {
            address: "not an address".to_string()
        }
    );

    let disabled = RewardRule {
        enabled: false,
        ..rules()[0].clone()
    };
    suite
        .admin_exec(&ExecuteMsg::UpdateRules {
            upsert: vec![disabled],
            remove: vec![],
        })
        .unwrap();
    assert_eq!(
        suite
            .distribute(&reporter, "alice", CHECKIN, "x")
            .unwrap_err(),
        ContractError::RuleDisabled {
            id: CHECKIN.to_string()
        }
    );
    // Nothing was paid or marked along the way.
    assert_eq!(suite.supply(), 0);
    assert!(!suite.processed(&reporter, "x"));
}

#[test]
fn unregistered_reporters_can_no_longer_report() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite
        .admin_exec(&ExecuteMsg::UnregisterContract {
            address: reporter.to_string(),
        })
        .unwrap();
    assert_eq!(
        suite
            .distribute(&reporter, "alice", CHECKIN, "a")
            .unwrap_err(),
        ContractError::Unauthorized
    );
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::UnregisterContract {
                address: reporter.to_string()
            })
            .unwrap_err(),
        ContractError::ContractNotRegistered {
            address: reporter.to_string()
        }
    );
}

#[test]
fn daily_cap_limits_rewards_per_recipient_per_utc_day() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite.distribute(&reporter, "alice", CAPPED, "c1").unwrap();
    suite.distribute(&reporter, "alice", CAPPED, "c2").unwrap();
    assert_eq!(
        suite
            .distribute(&reporter, "alice", CAPPED, "c3")
            .unwrap_err(),
        ContractError::DailyCapReached {
            rule_id: CAPPED.to_string(),
            recipient: suite.addr("alice").to_string(),
            cap: CAPPED_CAP,
        }
    );
    // The cap is per recipient...
    suite.distribute(&reporter, "bob", CAPPED, "c4").unwrap();
    // ...and per rule.
    suite.distribute(&reporter, "alice", CHECKIN, "c5").unwrap();
    // A new UTC day resets it; the refused activity was not marked processed.
    suite.next_day();
    suite.distribute(&reporter, "alice", CAPPED, "c3").unwrap();
    assert_eq!(suite.balance("alice"), 3 * CAPPED_REWARD + CHECKIN_REWARD);
}

// ------------------------------------------------------------------------------------------
// batch_distribute
// ------------------------------------------------------------------------------------------

#[test]
fn batch_pays_valid_items_and_rejects_bad_ones_without_failing() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let items = vec![
        item(&suite, "alice", CHECKIN, "b1"),
        item(&suite, "mallory", CHECKIN, "b2"), // not a member
        item(&suite, "bob", POINTS_ONLY, "b3"),
        item(&suite, "alice", CHECKIN, "b4"),
        item(&suite, "carol", "nope", "b5"),  // unknown rule
        item(&suite, "alice", CHECKIN, "b1"), // duplicate inside the batch
    ];
    let response = suite
        .exec(
            &reporter,
            &ExecuteMsg::BatchDistribute {
                items,
                source: None,
            },
        )
        .unwrap();
    let statuses: Vec<String> = batch_items(&response)
        .into_iter()
        .map(|(status, _)| status)
        .collect();
    let expected = ["paid", "rejected", "paid", "paid", "rejected", "skipped"];
    assert_eq!(statuses, expected);
    assert_eq!(suite.attr(&response, "paid").as_deref(), Some("3"));
    assert_eq!(suite.attr(&response, "rejected").as_deref(), Some("2"));
    assert_eq!(suite.attr(&response, "skipped").as_deref(), Some("1"));
    assert_eq!(
        suite.attr(&response, "amount"),
        Some((2 * CHECKIN_REWARD).to_string())
    );
    // Alice's two rewards arrive as one mint.
    let mints = response
        .events
        .iter()
        .filter(|e| {
            e.ty == "wasm"
                && e.attributes
                    .iter()
                    .any(|a| a.key == "action" && a.value == "mint")
        })
        .count();
    assert_eq!(mints, 1);
    assert_eq!(suite.balance("alice"), 2 * CHECKIN_REWARD);
    assert_eq!(suite.points("bob"), POINTS_ONLY_POINTS);
    assert!(!suite.processed(&reporter, "b2"));
    let stats = suite.stats();
    assert_eq!(stats.totals.activities_processed, 3);
    assert_eq!(stats.totals.activities_rejected, 2);
    assert_eq!(stats.totals.activities_skipped, 1);
}

#[test]
fn resubmitting_a_batch_pays_nothing_twice() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let items: Vec<DistributeItem> = (0..10)
        .map(|i| item(&suite, MEMBERS[i % 3], CHECKIN, &format!("r{i}")))
        .collect();
    let msg = ExecuteMsg::BatchDistribute {
        items,
        source: None,
    };
    suite.exec(&reporter, &msg).unwrap();
    let supply = suite.supply();
    assert_eq!(supply, 10 * CHECKIN_REWARD);

    let again = suite.exec(&reporter, &msg).unwrap();
    assert_eq!(suite.supply(), supply);
    assert_eq!(suite.attr(&again, "paid").as_deref(), Some("0"));
    assert_eq!(suite.attr(&again, "skipped").as_deref(), Some("10"));
    assert_eq!(suite.attr(&again, "rejected").as_deref(), Some("0"));
    assert!(batch_items(&again)
        .iter()
        .all(|(status, _)| status == "skipped"));
    assert_eq!(suite.stats().totals.rewards_distributed_count, 10);
}

#[test]
fn batch_size_is_bounded() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let make = |suite: &Suite, n: usize| -> Vec<DistributeItem> {
        (0..n)
            .map(|i| item(suite, MEMBERS[i % 3], POINTS_ONLY, &format!("s{i}")))
            .collect()
    };
    let too_many = make(&suite, MAX_BATCH_SIZE + 1);
    assert_eq!(
        suite
            .exec(
                &reporter,
                &ExecuteMsg::BatchDistribute {
                    items: too_many,
                    source: None,
                }
            )
            .unwrap_err(),
        ContractError::BatchTooLarge { max: 100, got: 101 }
    );
    assert_eq!(
        suite
            .exec(
                &reporter,
                &ExecuteMsg::BatchDistribute {
                    items: vec![],
                    source: None,
                }
            )
            .unwrap_err(),
        ContractError::EmptyBatch
    );
    let full = make(&suite, MAX_BATCH_SIZE);
    let response = suite
        .exec(
            &reporter,
            &ExecuteMsg::BatchDistribute {
                items: full,
                source: None,
            },
        )
        .unwrap();
    assert_eq!(suite.attr(&response, "paid").as_deref(), Some("100"));
}

#[test]
fn batch_from_a_stranger_is_unauthorized() {
    let mut suite = Suite::new();
    let stranger = suite.addr("stranger");
    let items = vec![item(&suite, "alice", CHECKIN, "z")];
    assert_eq!(
        suite
            .exec(
                &stranger,
                &ExecuteMsg::BatchDistribute {
                    items,
                    source: None,
                }
            )
            .unwrap_err(),
        ContractError::Unauthorized
    );
}

// ------------------------------------------------------------------------------------------
// mint_for_points
// ------------------------------------------------------------------------------------------

#[test]
fn mint_for_points_exchanges_at_the_default_rate() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite.distribute(&reporter, "alice", CHECKIN, "p1").unwrap(); // 10 points
    let response = suite.mint_for_points("alice", 4).unwrap();
    // 100 points = 1_000_000 base units → 4 points = 40_000.
    assert_eq!(suite.attr(&response, "amount").as_deref(), Some("40000"));
    assert_eq!(suite.points("alice"), 6);
    assert_eq!(suite.balance("alice"), CHECKIN_REWARD + 40_000);
    assert_eq!(suite.supply(), CHECKIN_REWARD + 40_000);
    let stats = suite.stats();
    assert_eq!(stats.totals.points_exchanged_count, 1);
    assert_eq!(stats.totals.points_exchanged_amount, Uint128::new(4));
    assert_eq!(stats.totals.points_exchange_minted, Uint128::new(40_000));
}

#[test]
fn mint_for_points_rounds_down_and_checks_balance() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    // 3 points buy 2 base units.
    suite.set_rate(3, 2);
    suite
        .distribute(&reporter, "bob", POINTS_ONLY, "p")
        .unwrap(); // 7 points
                   // 7 * 2 / 3 = 4.67 → 4; all 7 points are burned.
    let response = suite.mint_for_points("bob", 7).unwrap();
    assert_eq!(suite.attr(&response, "amount").as_deref(), Some("4"));
    assert_eq!(suite.balance("bob"), 4);
    assert_eq!(suite.points("bob"), 0);

    suite
        .distribute(&reporter, "bob", POINTS_ONLY, "q")
        .unwrap(); // 7 points
    assert_eq!(
        suite.mint_for_points("bob", 1).unwrap_err(),
        ContractError::ExchangeAmountTooSmall {
            points: Uint128::new(1)
        }
    );
    assert_eq!(
        suite.mint_for_points("bob", 0).unwrap_err(),
        ContractError::ZeroAmount
    );
    assert_eq!(
        suite.mint_for_points("bob", 8).unwrap_err(),
        ContractError::InsufficientPoints {
            available: Uint128::new(7),
            requested: Uint128::new(8),
        }
    );
    assert_eq!(suite.points("bob"), 7);
    assert_eq!(suite.balance("bob"), 4);
}

#[test]
fn mint_for_points_refuses_an_overflowing_exchange() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite.set_rate(1, u128::MAX);
    suite
        .distribute(&reporter, "bob", POINTS_ONLY, "p")
        .unwrap(); // 7 points
    assert_eq!(
        suite.mint_for_points("bob", 2).unwrap_err(),
        ContractError::ExchangeOverflow
    );
    assert_eq!(suite.points("bob"), 7);
}

// ------------------------------------------------------------------------------------------
// Pause and enabled switch
// ------------------------------------------------------------------------------------------

/// Every user-facing operation, as (sender, message).
fn user_operations(suite: &Suite) -> Vec<(Addr, ExecuteMsg)> {
    vec![
        (
            suite.reporter.clone(),
            ExecuteMsg::DistributeReward {
                recipient: suite.addr("alice").to_string(),
                rule_id: CHECKIN.to_string(),
                activity_id: "during".to_string(),
                source: None,
            },
        ),
        (
            suite.admin.clone(),
            ExecuteMsg::DistributeReward {
                recipient: suite.addr("alice").to_string(),
                rule_id: CHECKIN.to_string(),
                activity_id: "during-admin".to_string(),
                source: Some(ADMIN_SOURCE.to_string()),
            },
        ),
        (
            suite.reporter.clone(),
            ExecuteMsg::BatchDistribute {
                items: vec![item(suite, "bob", CHECKIN, "during-b")],
                source: None,
            },
        ),
        (
            suite.addr("alice"),
            ExecuteMsg::MintForPoints {
                points: Uint128::new(5),
            },
        ),
    ]
}

#[test]
fn pause_blocks_user_operations_but_not_admin_or_queries() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite
        .distribute(&reporter, "alice", CHECKIN, "before")
        .unwrap();
    let response = suite
        .admin_exec(&ExecuteMsg::EmergencyPause { paused: true })
        .unwrap();
    assert_eq!(suite.attr(&response, "paused").as_deref(), Some("true"));
    assert!(suite.config().config.emergency_paused);

    for (sender, msg) in user_operations(&suite) {
        assert_eq!(
            suite.exec(&sender, &msg).unwrap_err(),
            ContractError::Paused,
            "{msg:?}"
        );
    }
    assert_eq!(suite.supply(), CHECKIN_REWARD);
    assert_eq!(suite.points("alice"), CHECKIN_POINTS);

    // Admin maintenance keeps working while paused.
    let new_rule = RewardRule {
        id: "new".to_string(),
        ..rules()[0].clone()
    };
    suite
        .admin_exec(&ExecuteMsg::UpdateRules {
            upsert: vec![new_rule],
            remove: vec![],
        })
        .unwrap();
    let other = suite.addr("other-reporter").to_string();
    suite
        .admin_exec(&ExecuteMsg::RegisterContract {
            address: other,
            label: None,
            source: None,
            limits: None,
        })
        .unwrap();
    // Queries too.
    assert!(suite.processed(&reporter, "before"));
    assert_eq!(suite.stats().totals.rewards_distributed_count, 1);

    suite
        .admin_exec(&ExecuteMsg::EmergencyPause { paused: false })
        .unwrap();
    for (sender, msg) in user_operations(&suite) {
        suite.exec(&sender, &msg).unwrap();
    }
    assert_eq!(suite.supply(), 4 * CHECKIN_REWARD + 50_000);
}

#[test]
fn disabled_contract_blocks_user_operations_until_enabled() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    suite
        .distribute(&reporter, "alice", CHECKIN, "before")
        .unwrap();
    suite.set_enabled(false);
    assert!(!suite.config().config.enabled);
    for (sender, msg) in user_operations(&suite) {
        assert_eq!(
            suite.exec(&sender, &msg).unwrap_err(),
            ContractError::Disabled,
            "{msg:?}"
        );
    }
    suite.set_enabled(true);
    for (sender, msg) in user_operations(&suite) {
        suite.exec(&sender, &msg).unwrap();
    }
}

// ------------------------------------------------------------------------------------------
// Admin messages
// ------------------------------------------------------------------------------------------

#[test]
fn every_admin_message_is_rejected_for_a_non_admin() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let mallory = suite.addr("mallory");
    let admin_messages = vec![
        ExecuteMsg::EmergencyPause { paused: true },
        ExecuteMsg::UpdateConfig {
            enabled: Some(false),
            ft_contract: None,
            registry_contract: None,
            exchange_rate: None,
            redeem_requires_membership: None,
        },
        ExecuteMsg::ProposeAdmin {
            new_admin: mallory.to_string(),
        },
        ExecuteMsg::UpdateRules {
            upsert: vec![],
            remove: vec![CHECKIN.to_string()],
        },
        ExecuteMsg::RegisterContract {
            address: mallory.to_string(),
            label: None,
            source: None,
            limits: None,
        },
        ExecuteMsg::UnregisterContract {
            address: reporter.to_string(),
        },
        ExecuteMsg::CancelAdminProposal {},
        ExecuteMsg::UpdatePausers {
            add: vec![mallory.to_string()],
            remove: vec![],
        },
        ExecuteMsg::UpdateMinter {
            new_minter: mallory.to_string(),
        },
        ExecuteMsg::EmergencyWithdraw {
            asset: WithdrawAsset::Native {
                denom: "uluck".to_string(),
                amount: Uint128::one(),
            },
            recipient: mallory.to_string(),
        },
    ];
    for msg in &admin_messages {
        // Neither a random account nor a registered reporter may send them.
        for sender in [&mallory, &reporter] {
            assert_eq!(
                suite.exec(sender, msg).unwrap_err(),
                ContractError::Unauthorized,
                "{msg:?}"
            );
        }
    }
    assert_eq!(suite.config().admin, suite.admin);
    assert!(!suite.config().config.emergency_paused);
}

#[test]
fn admin_transfer_takes_two_steps() {
    let mut suite = Suite::new();
    let next = suite.addr("next-admin");
    let mallory = suite.addr("mallory");
    assert_eq!(
        suite.exec(&next, &ExecuteMsg::AcceptAdmin {}).unwrap_err(),
        ContractError::NoPendingAdmin
    );
    suite
        .admin_exec(&ExecuteMsg::ProposeAdmin {
            new_admin: next.to_string(),
        })
        .unwrap();
    assert_eq!(suite.config().pending_admin, Some(next.clone()));
    assert_eq!(suite.config().admin, suite.admin);
    assert_eq!(
        suite
            .exec(&mallory, &ExecuteMsg::AcceptAdmin {})
            .unwrap_err(),
        ContractError::Unauthorized
    );
    suite.exec(&next, &ExecuteMsg::AcceptAdmin {}).unwrap();
    let config = suite.config();
    assert_eq!(config.admin, next);
    assert_eq!(config.pending_admin, None);
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::EmergencyPause { paused: true })
            .unwrap_err(),
        ContractError::Unauthorized
    );
    suite
        .exec(&next, &ExecuteMsg::EmergencyPause { paused: true })
        .unwrap();
}

#[test]
fn update_rules_upserts_removes_and_paginates() {
    let mut suite = Suite::new();
    let changed = RewardRule {
        reward: Uint128::new(42),
        ..rules()[0].clone()
    };
    let extra: Vec<RewardRule> = (0..5)
        .map(|i| RewardRule {
            id: format!("r{i}"),
            ..rules()[2].clone()
        })
        .collect();
    let mut upsert = vec![changed.clone()];
    upsert.extend(extra);
    let response = suite
        .admin_exec(&ExecuteMsg::UpdateRules {
            upsert,
            remove: vec![CAPPED.to_string(), "unknown".to_string()],
        })
        .unwrap();
    assert_eq!(
        suite.attr(&response, "action").as_deref(),
        Some("update_rules")
    );

    let rule: RewardRule = suite.query(&QueryMsg::GetRule {
        id: CHECKIN.to_string(),
    });
    assert_eq!(rule, changed);
    assert!(suite
        .app
        .wrap()
        .query_wasm_smart::<RewardRule>(
            &suite.incentive,
            &QueryMsg::GetRule {
                id: CAPPED.to_string()
            }
        )
        .is_err());

    let all: RulesResponse = suite.query(&QueryMsg::GetRules {
        start_after: None,
        limit: None,
    });
    let ids: Vec<&str> = all.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["checkin", "points_only", "r0", "r1", "r2", "r3", "r4"]
    );
    let page: RulesResponse = suite.query(&QueryMsg::GetRules {
        start_after: Some("points_only".to_string()),
        limit: Some(2),
    });
    let ids: Vec<&str> = page.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r0", "r1"]);

    let too_long = RewardRule {
        id: "x".repeat(65),
        ..rules()[0].clone()
    };
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::UpdateRules {
                upsert: vec![too_long],
                remove: vec![]
            })
            .unwrap_err(),
        ContractError::InvalidRuleId { id: "x".repeat(65) }
    );
}

#[test]
fn registered_contracts_are_listed_and_paginated() {
    let mut suite = Suite::new();
    for i in 0..4 {
        let address = suite.addr(&format!("reporter{i}")).to_string();
        suite
            .admin_exec(&ExecuteMsg::RegisterContract {
                address,
                label: Some(format!("r{i}")),
                source: None,
                limits: None,
            })
            .unwrap();
    }
    let all: RegisteredContractsResponse = suite.query(&QueryMsg::GetRegisteredContracts {
        start_after: None,
        limit: None,
    });
    assert_eq!(all.contracts.len(), 5);
    let mut sorted: Vec<Addr> = all.contracts.iter().map(|c| c.address.clone()).collect();
    sorted.sort();
    assert_eq!(
        all.contracts
            .iter()
            .map(|c| c.address.clone())
            .collect::<Vec<_>>(),
        sorted
    );
    let first = all
        .contracts
        .iter()
        .find(|c| c.address == suite.reporter)
        .unwrap();
    assert_eq!(first.label.as_deref(), Some("game-server"));
    assert_eq!(first.registered_at, suite.app.block_info().time.seconds());

    let page: RegisteredContractsResponse = suite.query(&QueryMsg::GetRegisteredContracts {
        start_after: Some(sorted[1].to_string()),
        limit: Some(2),
    });
    let addresses: Vec<Addr> = page.contracts.into_iter().map(|c| c.address).collect();
    assert_eq!(addresses, sorted[2..4]);
}

#[test]
fn emergency_withdraw_recovers_native_coins_and_cw20_tokens() {
    let mut suite = Suite::new();
    let incentive = suite.incentive.clone();
    let treasury = suite.addr("treasury");
    suite.app.init_modules(|router, _, storage| {
        router
            .bank
            .init_balance(storage, &incentive, coins(1_000, "uluck"))
            .unwrap()
    });
    // Tokens sent to the contract by mistake.
    let reporter = suite.reporter.clone();
    suite.distribute(&reporter, "alice", CHECKIN, "w").unwrap();
    let alice = suite.addr("alice");
    suite
        .app
        .execute_contract(
            alice,
            suite.ft.clone(),
            &ft::ExecuteMsg::Transfer {
                recipient: incentive.to_string(),
                amount: Uint128::new(300),
            },
            &[],
        )
        .unwrap();

    suite
        .admin_exec(&ExecuteMsg::EmergencyWithdraw {
            asset: WithdrawAsset::Native {
                denom: "uluck".to_string(),
                amount: Uint128::new(600),
            },
            recipient: treasury.to_string(),
        })
        .unwrap();
    let response = suite
        .admin_exec(&ExecuteMsg::EmergencyWithdraw {
            asset: WithdrawAsset::Cw20 {
                contract: suite.ft.to_string(),
                amount: Uint128::new(300),
            },
            recipient: treasury.to_string(),
        })
        .unwrap();
    assert_eq!(
        suite.attr(&response, "action").as_deref(),
        Some("emergency_withdraw")
    );
    assert_eq!(
        suite
            .app
            .wrap()
            .query_balance(&treasury, "uluck")
            .unwrap()
            .amount
            .u128(),
        600
    );
    assert_eq!(
        suite
            .app
            .wrap()
            .query_balance(&incentive, "uluck")
            .unwrap()
            .amount
            .u128(),
        400
    );
    assert_eq!(suite.balance_of(&treasury), 300);
    assert_eq!(suite.balance_of(&incentive), 0);
    assert_eq!(
        suite
            .admin_exec(&ExecuteMsg::EmergencyWithdraw {
                asset: WithdrawAsset::Native {
                    denom: "uluck".to_string(),
                    amount: Uint128::zero()
                },
                recipient: treasury.to_string(),
            })
            .unwrap_err(),
        ContractError::ZeroAmount
    );
}

// ------------------------------------------------------------------------------------------
// Stats
// ------------------------------------------------------------------------------------------

#[test]
fn stats_keep_totals_and_per_utc_day_counters() {
    let mut suite = Suite::new();
    let reporter = suite.reporter.clone();
    let day0 = suite.stats().day;
    assert_eq!(day0, suite.app.block_info().time.seconds() / 86_400);
    suite
        .distribute(&reporter, "alice", CHECKIN, "d0-1")
        .unwrap();
    suite.distribute(&reporter, "bob", CAPPED, "d0-2").unwrap();

    suite.next_day();
    let fresh = suite.stats();
    assert_eq!(fresh.day, day0 + 1);
    assert_eq!(fresh.daily.rewards_distributed_count, 0);
    assert_eq!(fresh.totals.rewards_distributed_count, 2);

    suite
        .distribute(&reporter, "alice", CHECKIN, "d1-1")
        .unwrap();
    suite.mint_for_points("alice", 20).unwrap();
    let items = vec![
        item(&suite, "mallory", CHECKIN, "d1-2"),
        item(&suite, "alice", CHECKIN, "d1-1"),
    ];
    suite
        .exec(
            &reporter,
            &ExecuteMsg::BatchDistribute {
                items,
                source: None,
            },
        )
        .unwrap();

    let today = suite.stats();
    assert_eq!(today.daily.rewards_distributed_count, 1);
    assert_eq!(
        today.daily.rewards_distributed_amount,
        Uint128::new(CHECKIN_REWARD)
    );
    assert_eq!(today.daily.activities_processed, 1);
    assert_eq!(today.daily.activities_rejected, 1);
    assert_eq!(today.daily.activities_skipped, 1);
    assert_eq!(today.daily.points_exchanged_count, 1);
    assert_eq!(today.daily.points_exchanged_amount, Uint128::new(20));
    assert_eq!(today.totals.rewards_distributed_count, 3);
    assert_eq!(
        today.totals.rewards_distributed_amount,
        Uint128::new(2 * CHECKIN_REWARD + CAPPED_REWARD)
    );
    assert_eq!(
        today.totals.points_awarded,
        Uint128::new(2 * CHECKIN_POINTS + 1)
    );

    // The previous day is archived with its own counters.
    let yesterday: StatsResponse = suite.query(&QueryMsg::GetStats { day: Some(day0) });
    assert_eq!(yesterday.daily.rewards_distributed_count, 2);
    assert_eq!(
        yesterday.daily.rewards_distributed_amount,
        Uint128::new(CHECKIN_REWARD + CAPPED_REWARD)
    );
    assert_eq!(yesterday.daily.points_exchanged_count, 0);
    let never: StatsResponse = suite.query(&QueryMsg::GetStats {
        day: Some(day0 - 10),
    });
    assert_eq!(never.daily, Default::default());
    // Totals agree with the token: everything minted was counted.
    assert_eq!(
        today.totals.rewards_distributed_amount + today.totals.points_exchange_minted,
        Uint128::new(suite.supply())
    );
}

// ------------------------------------------------------------------------------------------
// Migrate
// ------------------------------------------------------------------------------------------

#[test]
fn migrate_accepts_same_code_and_a_rollback_the_layout_allows() {
    let mut suite = Suite::new();
    let (admin, incentive) = (suite.admin.clone(), suite.incentive.clone());
    let code = suite.app.store_code(incentive_code());
    suite
        .app
        .migrate_contract(admin.clone(), incentive.clone(), &MigrateMsg {}, code)
        .unwrap();
    assert_eq!(suite.config().admin, admin);

    // State of a newer release that kept layout 2: this code may take it over (a rollback).
    cw2::set_contract_version(
        suite.app.contract_storage_mut(&incentive).as_mut(),
        "crates.io:luckee-incentive",
        "9.9.9",
    )
    .unwrap();
    let response = suite
        .app
        .migrate_contract(admin.clone(), incentive.clone(), &MigrateMsg {}, code)
        .unwrap();
    assert_eq!(suite.attr(&response, "from_version").unwrap(), "9.9.9");
    let version = cw2::query_contract_info(&suite.app.wrap(), incentive.to_string()).unwrap();
    assert_eq!(version.version, env!("CARGO_PKG_VERSION"));

    // A newer layout is refused, naming both layouts.
    suite
        .app
        .contract_storage_mut(&incentive)
        .set(b"layout", b"3");
    let err: ContractError = suite
        .app
        .migrate_contract(admin.clone(), incentive.clone(), &MigrateMsg {}, code)
        .unwrap_err()
        .downcast()
        .unwrap();
    assert_eq!(
        err,
        ContractError::Migrate(MigrateError::StateLayoutTooNew {
            stored: 3,
            supported: luckee_incentive::msg::STATE_LAYOUT,
        })
    );

    // Migrating the registry onto the incentive code: the stored name is the registry's.
    let registry = suite.registry.clone();
    let err: ContractError = suite
        .app
        .migrate_contract(admin, registry, &MigrateMsg {}, code)
        .unwrap_err()
        .downcast()
        .unwrap();
    assert_eq!(
        err,
        ContractError::Migrate(MigrateError::WrongContract {
            expected: "crates.io:luckee-incentive".to_string(),
            found: "crates.io:mock-registry".to_string(),
        })
    );
}
