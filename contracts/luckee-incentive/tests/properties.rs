//! Property tests over random operation sequences against the three wired contracts, checked
//! step by step against a small model of the incentive rules:
//!
//! * FT total supply always equals the sum of everything the incentive minted;
//! * no (reporter, activity) is ever paid twice;
//! * while paused (or disabled), no user operation succeeds or changes anything.
//!
//! 10 000+ sequences per `cargo test` run in total (see the `cases` of each property).

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use cosmwasm_std::{Addr, Uint128};
use cw_multi_test::AppResponse;
use luckee_incentive::msg::{DistributeItem, ExecuteMsg};
use luckee_incentive::ContractError;
use proptest::prelude::*;

/// Recipients by index; the last one is not a registry member.
const RECIPIENTS: [&str; 4] = ["alice", "bob", "carol", "mallory"];
/// Rules by index; the last one does not exist.
const RULES: [&str; 4] = [CHECKIN, CAPPED, POINTS_ONLY, "missing"];
/// Exchange rate used by the properties: 3 points buy 2 base units (rounding matters).
const RATE_POINTS: u128 = 3;
const RATE_AMOUNT: u128 = 2;

#[derive(Clone, Debug)]
struct Item {
    recipient: usize,
    rule: usize,
    activity: u8,
}

#[derive(Clone, Debug)]
enum Op {
    /// `distribute_reward`, by the admin (`reporter = 0`) or the registered reporter.
    Distribute {
        reporter: usize,
        item: Item,
    },
    Batch {
        reporter: usize,
        items: Vec<Item>,
    },
    /// `mint_for_points` by a recipient.
    Exchange {
        user: usize,
        points: u128,
    },
    Pause(bool),
    Enable(bool),
    NextDay,
}

/// An activity among `activities` possible ids.
fn item(activities: u8) -> impl Strategy<Value = Item> {
    (0..RECIPIENTS.len(), 0..RULES.len(), 0..activities).prop_map(|(recipient, rule, activity)| {
        Item {
            recipient,
            rule,
            activity,
        }
    })
}

/// Operation mix; `pause_weight` tunes how often the switches flip.
fn op(pause_weight: u32, activities: u8) -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..2usize, item(activities)).prop_map(|(reporter, item)| Op::Distribute { reporter, item }),
        3 => (0..2usize, prop::collection::vec(item(activities), 1..6))
            .prop_map(|(reporter, items)| Op::Batch { reporter, items }),
        3 => (0..RECIPIENTS.len(), 0u128..40).prop_map(|(user, points)| Op::Exchange { user, points }),
        pause_weight => any::<bool>().prop_map(Op::Pause),
        pause_weight => any::<bool>().prop_map(Op::Enable),
        1 => Just(Op::NextDay),
    ]
}

/// What the contracts should do, tracked independently of them.
#[derive(Default)]
struct Model {
    paused: bool,
    disabled: bool,
    day: u64,
    processed: HashSet<(usize, u8)>,
    /// Rewards of the capped rule per (recipient, day).
    capped_usage: HashMap<(usize, u64), u32>,
    points: [u128; 4],
    minted: u128,
}

/// Outcome of one activity as the model predicts it.
#[derive(Debug, PartialEq)]
enum Expect {
    Paid { reward: u128, points: u128 },
    Duplicate,
    Rejected,
}

impl Model {
    fn gate(&self) -> Option<ContractError> {
        if self.paused {
            Some(ContractError::Paused)
        } else if self.disabled {
            Some(ContractError::Disabled)
        } else {
            None
        }
    }

    /// Applies one activity to the model (same check order as the contract).
    fn activity(&mut self, reporter: usize, item: &Item) -> Expect {
        if self.processed.contains(&(reporter, item.activity)) {
            return Expect::Duplicate;
        }
        let (reward, points, capped) = match RULES[item.rule] {
            CHECKIN => (CHECKIN_REWARD, CHECKIN_POINTS, false),
            CAPPED => (CAPPED_REWARD, 1, true),
            POINTS_ONLY => (0, POINTS_ONLY_POINTS, false),
            _ => return Expect::Rejected,
        };
        let usage = self
            .capped_usage
            .get(&(item.recipient, self.day))
            .copied()
            .unwrap_or(0);
        if capped && usage >= CAPPED_CAP {
            return Expect::Rejected;
        }
        if RECIPIENTS[item.recipient] == "mallory" {
            return Expect::Rejected;
        }
        if capped {
            self.capped_usage
                .insert((item.recipient, self.day), usage + 1);
        }
        self.processed.insert((reporter, item.activity));
        self.points[item.recipient] += points;
        self.minted += reward;
        Expect::Paid { reward, points }
    }
}

/// What a run observed, for the properties to assert on.
#[derive(Default)]
struct Trace {
    /// (reporter, activity) of every payment the contract reported, in order.
    payments: Vec<(usize, u8)>,
    /// After each step: (FT total supply, sum of the `amount` attributes of every successful
    /// incentive operation so far).
    supply_vs_minted: Vec<(u128, u128)>,
    /// User operations attempted while paused or disabled, and how many of them succeeded.
    gated_attempts: u32,
    gated_successes: u32,
}

struct Runner {
    suite: Suite,
    reporters: [Addr; 2],
    model: Model,
    trace: Trace,
    minted_by_events: u128,
}

impl Runner {
    fn new() -> Self {
        let mut suite = Suite::new();
        suite.set_rate(RATE_POINTS, RATE_AMOUNT);
        let reporters = [suite.admin.clone(), suite.reporter.clone()];
        Runner {
            suite,
            reporters,
            model: Model::default(),
            trace: Trace::default(),
            minted_by_events: 0,
        }
    }

    fn msg_item(&self, item: &Item) -> DistributeItem {
        DistributeItem {
            recipient: self.suite.addr(RECIPIENTS[item.recipient]).to_string(),
            rule_id: RULES[item.rule].to_string(),
            activity_id: format!("act-{}", item.activity),
        }
    }

    /// The `amount` attribute of a successful incentive operation, added to the running sum.
    fn record_amount(&mut self, response: &AppResponse) -> u128 {
        let amount: u128 = self
            .suite
            .attr(response, "amount")
            .unwrap()
            .parse()
            .unwrap();
        self.minted_by_events += amount;
        amount
    }

    /// Executes a user operation. While the model says paused or disabled, it must fail with
    /// that error; then `None` is returned (nothing to apply to the model).
    fn exec_user(
        &mut self,
        sender: &Addr,
        msg: &ExecuteMsg,
    ) -> Option<Result<AppResponse, ContractError>> {
        let result = self.suite.exec(sender, msg);
        let Some(gate) = self.model.gate() else {
            return Some(result);
        };
        self.trace.gated_attempts += 1;
        match result {
            Ok(_) => self.trace.gated_successes += 1,
            Err(err) => assert_eq!(err, gate),
        }
        None
    }

    fn step(&mut self, op: &Op) {
        match op {
            Op::Distribute { reporter, item } => {
                let DistributeItem {
                    recipient,
                    rule_id,
                    activity_id,
                } = self.msg_item(item);
                let msg = ExecuteMsg::DistributeReward {
                    recipient,
                    rule_id,
                    activity_id,
                };
                let sender = self.reporters[*reporter].clone();
                let Some(result) = self.exec_user(&sender, &msg) else {
                    return;
                };
                match (self.model.activity(*reporter, item), result) {
                    (Expect::Paid { reward, .. }, Ok(response)) => {
                        assert_eq!(self.record_amount(&response), reward);
                        self.trace.payments.push((*reporter, item.activity));
                    }
                    (Expect::Duplicate, Err(ContractError::ActivityAlreadyProcessed { .. })) => {}
                    (Expect::Rejected, Err(err)) => assert!(err.is_item_rejection(), "{err:?}"),
                    (expected, result) => panic!("expected {expected:?}, got {result:?}"),
                }
            }
            Op::Batch { reporter, items } => {
                let msg = ExecuteMsg::BatchDistribute {
                    items: items.iter().map(|i| self.msg_item(i)).collect(),
                };
                let sender = self.reporters[*reporter].clone();
                let Some(result) = self.exec_user(&sender, &msg) else {
                    return;
                };
                let response = result.unwrap();
                let statuses = batch_items(&response);
                assert_eq!(statuses.len(), items.len());
                let mut expected_total = 0;
                for (item, (status, _)) in items.iter().zip(&statuses) {
                    let expected = match self.model.activity(*reporter, item) {
                        Expect::Paid { reward, .. } => {
                            expected_total += reward;
                            self.trace.payments.push((*reporter, item.activity));
                            "paid"
                        }
                        Expect::Duplicate => "skipped",
                        Expect::Rejected => "rejected",
                    };
                    assert_eq!(status, expected, "{item:?}");
                }
                assert_eq!(self.record_amount(&response), expected_total);
            }
            Op::Exchange { user, points } => {
                let sender = self.suite.addr(RECIPIENTS[*user]);
                let msg = ExecuteMsg::MintForPoints {
                    points: Uint128::new(*points),
                };
                let Some(result) = self.exec_user(&sender, &msg) else {
                    return;
                };
                // Rounds down: never more than the rate gives.
                let amount = points * RATE_AMOUNT / RATE_POINTS;
                let available = self.model.points[*user];
                match result {
                    Ok(response) => {
                        assert!(*points > 0 && amount > 0 && *points <= available);
                        assert_eq!(self.record_amount(&response), amount);
                        self.model.points[*user] -= points;
                        self.model.minted += amount;
                    }
                    Err(ContractError::ZeroAmount) => assert_eq!(*points, 0),
                    Err(ContractError::ExchangeAmountTooSmall { .. }) => assert_eq!(amount, 0),
                    Err(ContractError::InsufficientPoints { .. }) => assert!(*points > available),
                    Err(err) => panic!("unexpected {err:?}"),
                }
            }
            Op::Pause(paused) => {
                self.suite
                    .admin_exec(&ExecuteMsg::EmergencyPause { paused: *paused })
                    .unwrap();
                self.model.paused = *paused;
            }
            Op::Enable(enabled) => {
                self.suite.set_enabled(*enabled);
                self.model.disabled = !enabled;
            }
            Op::NextDay => {
                self.suite.next_day();
                self.model.day += 1;
            }
        }
    }

    /// Runs `ops` on a fresh deployment. Every outcome is checked against the model as it
    /// happens; supply and points are compared with it after every step and at the end.
    fn run(ops: &[Op]) -> Trace {
        let mut runner = Runner::new();
        for op in ops {
            runner.step(op);
            let supply = runner.suite.supply();
            assert_eq!(supply, runner.model.minted, "after {op:?}");
            runner
                .trace
                .supply_vs_minted
                .push((supply, runner.minted_by_events));
        }
        for (i, name) in RECIPIENTS.iter().enumerate() {
            assert_eq!(
                runner.suite.points(name),
                runner.model.points[i],
                "points of {name}"
            );
        }
        let totals = runner.suite.stats().totals;
        assert_eq!(
            (totals.rewards_distributed_amount + totals.points_exchange_minted).u128(),
            runner.model.minted
        );
        runner.trace
    }
}

fn ops(pause_weight: u32, activities: u8) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(pause_weight, activities), 1..14)
}

proptest! {
    // 4 000 + 3 000 + 3 000 = 10 000 sequences per run.
    #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]

    /// FT total supply equals the sum of everything the incentive minted (its `amount`
    /// attributes), after every step.
    #[test]
    fn ft_supply_equals_everything_the_incentive_minted(ops in ops(1, 10)) {
        let trace = Runner::run(&ops);
        prop_assert_eq!(trace.supply_vs_minted.len(), ops.len());
        for (supply, minted) in trace.supply_vs_minted {
            prop_assert_eq!(supply, minted);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    /// No (reporter, activity) is paid twice, however often it is reported, singly or in
    /// batches, across days. A small activity-id space makes repeats frequent.
    #[test]
    fn no_activity_is_paid_twice(ops in ops(1, 4)) {
        let trace = Runner::run(&ops);
        let distinct: HashSet<_> = trace.payments.iter().collect();
        prop_assert_eq!(distinct.len(), trace.payments.len(), "payments: {:?}", trace.payments);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    /// While paused or disabled, no user operation succeeds (and, checked by the runner,
    /// nothing is minted or credited).
    #[test]
    fn paused_contract_accepts_no_user_operation(ops in ops(5, 10)) {
        let trace = Runner::run(&ops);
        prop_assert_eq!(trace.gated_successes, 0, "of {} gated attempts", trace.gated_attempts);
    }
}
