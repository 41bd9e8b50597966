//! Property tests over random operation sequences against the three wired contracts, checked
//! step by step against a small model of the incentive rules:
//!
//! * FT total supply always equals the sum of everything the incentive minted;
//! * no (source, activity) is ever paid twice — across two reporters sharing a source, across
//!   a reporter key rotation and across the admin naming that source;
//! * a budget-limited reporter never mints more than its daily budget, nor reports a rule
//!   outside its list;
//! * pausers can pause but never resume;
//! * statistics near 2^128 never block a payout;
//! * while paused (or disabled), no user operation succeeds or changes anything.
//!
//! 10 000+ sequences per `cargo test` run in total (see the `cases` of each property).

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use cosmwasm_std::{Addr, Uint128};
use cw_multi_test::AppResponse;
use luckee_incentive::msg::{DistributeItem, ExecuteMsg, ReporterLimits};
use luckee_incentive::ContractError;
use proptest::prelude::*;

/// Recipients by index; the last one is not a registry member.
const RECIPIENTS: [&str; 4] = ["alice", "bob", "carol", "mallory"];
/// Rules by index; the last one does not exist.
const RULES: [&str; 4] = [CHECKIN, CAPPED, POINTS_ONLY, "missing"];
/// Exchange rate used by the properties: 3 points buy 2 base units (rounding matters).
const RATE_POINTS: u128 = 3;
const RATE_AMOUNT: u128 = 2;
/// Source shared by reporters 1 and 2 (and named by the admin half of the time).
const SHARED: &str = "game-servers";
/// The other source the admin names.
const OPS: &str = "ops-manual";
/// Reporter 2 (failover, same source) may report only these rules...
const LIMITED_RULES: [&str; 2] = [CHECKIN, CAPPED];
/// ...and mint at most this much per UTC day: two check-ins and one capped reward.
const LIMITED_BUDGET: u128 = 2 * CHECKIN_REWARD + CAPPED_REWARD;

#[derive(Clone, Debug)]
struct Item {
    recipient: usize,
    rule: usize,
    activity: u8,
}

#[derive(Clone, Debug)]
enum Op {
    /// `distribute_reward`, by the admin (`reporter = 0`, naming [`SHARED`] or [`OPS`] as
    /// `admin_shared` says), reporter 1 or the limited failover reporter 2 (both [`SHARED`]).
    Distribute {
        reporter: usize,
        admin_shared: bool,
        item: Item,
    },
    Batch {
        reporter: usize,
        admin_shared: bool,
        items: Vec<Item>,
    },
    /// Reporter 1's key is rotated: a new address registered with its source, the old one
    /// unregistered.
    Rotate,
    /// `emergency_pause` sent by the pauser.
    PauserPause(bool),
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
        6 => (0..3usize, any::<bool>(), item(activities))
            .prop_map(|(reporter, admin_shared, item)| Op::Distribute { reporter, admin_shared, item }),
        3 => (0..3usize, any::<bool>(), prop::collection::vec(item(activities), 1..6))
            .prop_map(|(reporter, admin_shared, items)| Op::Batch { reporter, admin_shared, items }),
        1 => Just(Op::Rotate),
        pause_weight => any::<bool>().prop_map(Op::PauserPause),
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
    processed: HashSet<(&'static str, u8)>,
    /// FT minted by reporter 2's reports per day.
    limited_minted: HashMap<u64, u128>,
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

/// The source a report by `reporter` is marked under.
fn source_of(reporter: usize, admin_shared: bool) -> &'static str {
    match (reporter, admin_shared) {
        (0, false) => OPS,
        _ => SHARED,
    }
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

    /// Applies one activity reported by `reporter` under `source` to the model (same check
    /// order as the contract).
    fn activity(&mut self, reporter: usize, source: &'static str, item: &Item) -> Expect {
        if self.processed.contains(&(source, item.activity)) {
            return Expect::Duplicate;
        }
        let (reward, points, capped) = match RULES[item.rule] {
            CHECKIN => (CHECKIN_REWARD, CHECKIN_POINTS, false),
            CAPPED => (CAPPED_REWARD, 1, true),
            POINTS_ONLY => (0, POINTS_ONLY_POINTS, false),
            _ => return Expect::Rejected,
        };
        if reporter == 2 && !LIMITED_RULES.contains(&RULES[item.rule]) {
            return Expect::Rejected;
        }
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
        let limited = self.limited_minted.get(&self.day).copied().unwrap_or(0);
        if reporter == 2 && reward > 0 && limited + reward > LIMITED_BUDGET {
            return Expect::Rejected;
        }
        if reporter == 2 {
            self.limited_minted.insert(self.day, limited + reward);
        }
        if capped {
            self.capped_usage
                .insert((item.recipient, self.day), usage + 1);
        }
        self.processed.insert((source, item.activity));
        self.points[item.recipient] += points;
        self.minted += reward;
        Expect::Paid { reward, points }
    }
}

/// What a run observed, for the properties to assert on.
#[derive(Default)]
struct Trace {
    /// (source, activity) of every payment the contract reported, in order.
    payments: Vec<(&'static str, u8)>,
    /// FT minted by the limited reporter's reports, per day, as the contract reported it.
    limited_minted: HashMap<u64, u128>,
    /// Pauser resumes attempted, and how many succeeded.
    pauser_resumes: u32,
    pauser_resume_successes: u32,
    /// After each step: (FT total supply, sum of the `amount` attributes of every successful
    /// incentive operation so far).
    supply_vs_minted: Vec<(u128, u128)>,
    /// User operations attempted while paused or disabled, and how many of them succeeded.
    gated_attempts: u32,
    gated_successes: u32,
}

struct Runner {
    suite: Suite,
    reporters: [Addr; 3],
    pauser: Addr,
    rotations: u32,
    model: Model,
    trace: Trace,
    minted_by_events: u128,
}

impl Runner {
    fn new() -> Self {
        let mut suite = Suite::new();
        suite.set_rate(RATE_POINTS, RATE_AMOUNT);
        let (first, failover) = (suite.addr("server-1"), suite.addr("server-2"));
        suite.register(&first, Some(SHARED), None).unwrap();
        let limits = ReporterLimits {
            rules: Some(LIMITED_RULES.iter().map(|r| r.to_string()).collect()),
            daily_mint_budget: Some(Uint128::new(LIMITED_BUDGET)),
        };
        suite
            .register(&failover, Some(SHARED), Some(limits))
            .unwrap();
        let pauser = suite.addr("pauser");
        suite
            .admin_exec(&ExecuteMsg::UpdatePausers {
                add: vec![pauser.to_string()],
                remove: vec![],
            })
            .unwrap();
        let reporters = [suite.admin.clone(), first, failover];
        Runner {
            suite,
            reporters,
            pauser,
            rotations: 0,
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
            Op::Distribute {
                reporter,
                admin_shared,
                item,
            } => {
                let DistributeItem {
                    recipient,
                    rule_id,
                    activity_id,
                } = self.msg_item(item);
                let source = source_of(*reporter, *admin_shared);
                let msg = ExecuteMsg::DistributeReward {
                    recipient,
                    rule_id,
                    activity_id,
                    source: (*reporter == 0).then(|| source.to_string()),
                };
                let sender = self.reporters[*reporter].clone();
                let Some(result) = self.exec_user(&sender, &msg) else {
                    return;
                };
                match (self.model.activity(*reporter, source, item), result) {
                    (Expect::Paid { reward, .. }, Ok(response)) => {
                        assert_eq!(self.record_amount(&response), reward);
                        self.trace.payments.push((source, item.activity));
                        if *reporter == 2 {
                            *self.trace.limited_minted.entry(self.model.day).or_default() += reward;
                        }
                    }
                    (Expect::Duplicate, Err(ContractError::ActivityAlreadyProcessed { .. })) => {}
                    (Expect::Rejected, Err(err)) => assert!(err.is_item_rejection(), "{err:?}"),
                    (expected, result) => panic!("expected {expected:?}, got {result:?}"),
                }
            }
            Op::Batch {
                reporter,
                admin_shared,
                items,
            } => {
                let source = source_of(*reporter, *admin_shared);
                let msg = ExecuteMsg::BatchDistribute {
                    items: items.iter().map(|i| self.msg_item(i)).collect(),
                    source: (*reporter == 0).then(|| source.to_string()),
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
                    let expected = match self.model.activity(*reporter, source, item) {
                        Expect::Paid { reward, .. } => {
                            expected_total += reward;
                            self.trace.payments.push((source, item.activity));
                            if *reporter == 2 {
                                *self.trace.limited_minted.entry(self.model.day).or_default() +=
                                    reward;
                            }
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
            Op::Rotate => {
                self.rotations += 1;
                let (old, new) = (
                    self.reporters[1].clone(),
                    self.suite.addr(&format!("server-1-key-{}", self.rotations)),
                );
                self.suite.register(&new, Some(SHARED), None).unwrap();
                self.suite
                    .admin_exec(&ExecuteMsg::UnregisterContract {
                        address: old.to_string(),
                    })
                    .unwrap();
                self.reporters[1] = new;
            }
            Op::PauserPause(paused) => {
                let pauser = self.pauser.clone();
                let result = self
                    .suite
                    .exec(&pauser, &ExecuteMsg::EmergencyPause { paused: *paused });
                if *paused {
                    result.unwrap();
                    self.model.paused = true;
                } else {
                    self.trace.pauser_resumes += 1;
                    match result {
                        Ok(_) => self.trace.pauser_resume_successes += 1,
                        Err(err) => assert_eq!(err, ContractError::Unauthorized),
                    }
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
        Self::run_on(Runner::new(), ops, 0)
    }

    /// Runs `ops` on a deployment whose reward and exchange totals start `headroom` below
    /// 2^128 (written straight into the contract's storage).
    fn run_saturated(ops: &[Op], headroom: u128) -> Trace {
        let mut runner = Runner::new();
        let near_max = Uint128::new(u128::MAX - headroom);
        let incentive = runner.suite.incentive.clone();
        let mut storage = runner.suite.app.contract_storage_mut(&incentive);
        let reward = format!(
            r#"{{"d":0,"t":{{"c":{},"a":"{near_max}","p":"{near_max}"}},"c":{{}}}}"#,
            u64::MAX - 1
        );
        storage.set(b"sr", reward.as_bytes());
        let exchange =
            format!(r#"{{"d":0,"t":{{"c":1,"p":"{near_max}","m":"{near_max}"}},"c":{{}}}}"#);
        storage.set(b"sx", exchange.as_bytes());
        drop(storage);
        Self::run_on(runner, ops, headroom)
    }

    fn run_on(mut runner: Runner, ops: &[Op], headroom: u128) -> Trace {
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
        if headroom == 0 {
            assert_eq!(
                (totals.rewards_distributed_amount + totals.points_exchange_minted).u128(),
                runner.model.minted
            );
        } else {
            // Saturated: at the maximum or still below it by what was not minted.
            let rewards = totals.rewards_distributed_amount.u128();
            assert!(rewards >= u128::MAX - headroom, "{rewards}");
        }
        runner.trace
    }
}

fn ops(pause_weight: u32, activities: u8) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(pause_weight, activities), 1..14)
}

proptest! {
    // 4 000 + 3 000 + 3 000 + 1 000 = 11 000 sequences per run.
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

    /// No (source, activity) is paid twice, however often it is reported, singly or in
    /// batches, across days, by two reporters sharing a source, across key rotations and by
    /// the admin naming that source. A small activity-id space makes repeats frequent. The
    /// limited reporter never mints more than its daily budget.
    #[test]
    fn no_activity_is_paid_twice_and_budgets_hold(ops in ops(1, 4)) {
        let trace = Runner::run(&ops);
        let distinct: HashSet<_> = trace.payments.iter().collect();
        prop_assert_eq!(distinct.len(), trace.payments.len(), "payments: {:?}", trace.payments);
        for (day, minted) in &trace.limited_minted {
            prop_assert!(*minted <= LIMITED_BUDGET, "day {}: {}", day, minted);
        }
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
        prop_assert_eq!(
            trace.pauser_resume_successes, 0,
            "of {} pauser resumes", trace.pauser_resumes
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    /// With every running total a few units below 2^128, payouts and exchanges go on exactly
    /// as the model says (the runner checks each outcome and the FT supply): statistics
    /// saturate, they never block a payment.
    #[test]
    fn totals_near_the_maximum_never_block_a_payout(ops in ops(1, 10), headroom in 1u128..4) {
        let trace = Runner::run_saturated(&ops, headroom);
        prop_assert_eq!(trace.supply_vs_minted.len(), ops.len());
    }
}
