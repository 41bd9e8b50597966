//! The seed's business metrics (`000_…` §1.2) computed from archive rows (pure: no database).
//!
//! Definitions (per UTC day of the block time; docs/events.md repeats them for operators):
//! - a **reward distribution** is one paid activity: a successful `distribute_reward` (its
//!   `wasm` event) or a batch item with `status = paid` (its `wasm-luckee_batch_item` event);
//!   its amount is the event's `amount` (FT base units);
//! - an activity is **rejected** when a batch item says `status = rejected` (not a member,
//!   unknown rule, limit reached, …) and **skipped** when it was already processed: a batch
//!   item with `status = skipped`, or a single `distribute_reward` that failed on chain because
//!   of it (a retried report is neither a success nor a failure, however it was sent);
//! - a **failed reward tx** is a tx that failed on chain with a `distribute_reward` or
//!   `batch_distribute` to the incentive; every other activity it reported (1, or the batch's
//!   items) is a failed activity;
//! - **activity success rate** = paid / (paid + rejected + failed activities);
//! - a **points exchange** is a successful `mint_for_points` (its `wasm` event); a failed one is
//!   a failed tx with that message; **exchange success rate** = ok / (ok + failed);
//! - **contract interactions** are all archived txs (any of the three contracts), and their
//!   failures the ones with a non-zero code.

use std::collections::BTreeMap;

use cosmwasm_std::Uint128;
use serde::{Deserialize, Serialize};

/// Counters of one UTC day, or of all time (the sum). Amounts are FT base units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Archived txs (to any of our contracts).
    pub txs: u64,
    /// Of which failed on chain.
    pub failed_txs: u64,
    /// Paid activities (single rewards + paid batch items).
    pub rewards_paid: u64,
    /// FT minted for them.
    pub reward_amount: Uint128,
    /// Batch items rejected by the contract.
    pub activities_rejected: u64,
    /// Activities skipped as already processed (batch items, and single reports refused for
    /// it).
    pub activities_skipped: u64,
    /// Reward txs that failed on chain.
    pub failed_reward_txs: u64,
    /// Activities those failed txs reported.
    pub failed_reward_activities: u64,
    /// Successful points exchanges (`mint_for_points`).
    pub exchanges: u64,
    /// Points they burned.
    pub exchange_points: Uint128,
    /// FT they minted.
    pub exchange_amount: Uint128,
    /// Exchange txs that failed on chain.
    pub failed_exchanges: u64,
}

impl Counters {
    /// Adds `o` to `self` (amounts saturate at 2^128 − 1).
    pub fn add(&mut self, o: &Counters) {
        self.txs += o.txs;
        self.failed_txs += o.failed_txs;
        self.rewards_paid += o.rewards_paid;
        self.reward_amount = self.reward_amount.saturating_add(o.reward_amount);
        self.activities_rejected += o.activities_rejected;
        self.activities_skipped += o.activities_skipped;
        self.failed_reward_txs += o.failed_reward_txs;
        self.failed_reward_activities += o.failed_reward_activities;
        self.exchanges += o.exchanges;
        self.exchange_points = self.exchange_points.saturating_add(o.exchange_points);
        self.exchange_amount = self.exchange_amount.saturating_add(o.exchange_amount);
        self.failed_exchanges += o.failed_exchanges;
    }

    /// Activities reported and decided: paid + rejected + failed (skipped ones excluded).
    pub fn activity_attempts(&self) -> u64 {
        self.rewards_paid + self.activity_failures()
    }

    /// Activities not paid because of a failure: rejected + in failed txs.
    pub fn activity_failures(&self) -> u64 {
        self.activities_rejected + self.failed_reward_activities
    }

    /// paid / attempts, `None` without attempts.
    pub fn activity_success_rate(&self) -> Option<f64> {
        ratio(self.rewards_paid, self.activity_attempts())
    }

    /// Exchanges attempted: ok + failed.
    pub fn exchange_attempts(&self) -> u64 {
        self.exchanges + self.failed_exchanges
    }

    /// ok / attempted, `None` without attempts.
    pub fn exchange_success_rate(&self) -> Option<f64> {
        ratio(self.exchanges, self.exchange_attempts())
    }

    /// FT per paid activity (floor), `None` when nothing was paid.
    pub fn average_reward(&self) -> Option<Uint128> {
        (self.rewards_paid > 0)
            .then(|| self.reward_amount / Uint128::from(self.rewards_paid as u128))
    }
}

impl Counters {
    /// Sets the archive's all-time counters (the seed's failure metrics and their totals) and
    /// the cursor in `m`.
    pub fn export(&self, m: &mut crate::metrics::Metrics, cursor: Option<u64>) {
        use crate::metrics as k;
        m.set(k::REWARD_ATTEMPTS, &[], self.activity_attempts() as f64);
        m.set(k::REWARD_FAILURES, &[], self.activity_failures() as f64);
        m.set(k::EXCHANGE_ATTEMPTS, &[], self.exchange_attempts() as f64);
        m.set(k::EXCHANGE_FAILURES, &[], self.failed_exchanges as f64);
        m.set(k::INTERACTIONS, &[], self.txs as f64);
        m.set(k::INTERACTION_FAILURES, &[], self.failed_txs as f64);
        if let Some(h) = cursor {
            m.set(k::EVENTS_HEIGHT, &[], h as f64);
        }
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// One archived message with its tx, in archive order (height, tx index, message index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgRow {
    /// Tx hash.
    pub tx_hash: String,
    /// UTC day of the block, `YYYY-MM-DD`.
    pub day: String,
    /// The tx's result code (0 = success).
    pub code: i64,
    /// Index of the message in its tx.
    pub msg_index: u32,
    /// The contract it addresses.
    pub contract: String,
    /// Its action (`distribute_reward`, `batch_distribute`, `mint_for_points`, …).
    pub action: String,
    /// Activities it reports (a batch's items, else 1).
    pub items: u32,
    /// The chain's log of a failed tx (empty on success).
    pub log: String,
}

/// One wasm event of the incentive contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// UTC day of the block, `YYYY-MM-DD`.
    pub day: String,
    /// `wasm` or `wasm-<custom>`.
    pub kind: String,
    /// Its attributes as the archive stores them (a JSON object of strings).
    pub attributes: String,
}

/// Counters per UTC day, folded from archive rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// `YYYY-MM-DD` → that day's counters.
    pub days: BTreeMap<String, Counters>,
    last_failed_reward_tx: Option<String>,
}

impl Stats {
    /// Counts one message of an archived tx; `incentive` is the incentive's address.
    pub fn add_msg(&mut self, incentive: &str, m: &MsgRow) {
        let day = self.days.entry(m.day.clone()).or_default();
        if m.msg_index == 0 {
            day.txs += 1;
            if m.code != 0 {
                day.failed_txs += 1;
            }
        }
        if m.code == 0 || m.contract != incentive {
            return;
        }
        match m.action.as_str() {
            "distribute_reward" | "batch_distribute" => {
                if m.action == "distribute_reward" && m.log.contains("already processed") {
                    day.activities_skipped += 1;
                } else {
                    day.failed_reward_activities += u64::from(m.items);
                }
                if self.last_failed_reward_tx.as_deref() != Some(&m.tx_hash) {
                    day.failed_reward_txs += 1;
                    self.last_failed_reward_tx = Some(m.tx_hash.clone());
                }
            }
            "mint_for_points" => day.failed_exchanges += 1,
            _ => {}
        }
    }

    /// Counts one wasm event of the incentive (see the module docs for which ones count).
    pub fn add_event(&mut self, e: &EventRow) {
        let attrs: BTreeMap<String, String> =
            serde_json::from_str(&e.attributes).unwrap_or_default();
        let get = |k: &str| attrs.get(k).map(String::as_str);
        let amount = |k: &str| get(k).and_then(|v| v.parse::<u128>().ok()).unwrap_or(0);
        let day = self.days.entry(e.day.clone()).or_default();
        match (e.kind.as_str(), get("action"), get("status")) {
            ("wasm", Some("distribute_reward"), _)
            | ("wasm-luckee_batch_item", _, Some("paid")) => {
                day.rewards_paid += 1;
                day.reward_amount = day.reward_amount.saturating_add(amount("amount").into());
            }
            ("wasm-luckee_batch_item", _, Some("skipped")) => day.activities_skipped += 1,
            ("wasm-luckee_batch_item", _, Some("rejected")) => day.activities_rejected += 1,
            ("wasm", Some("mint_for_points"), _) => {
                day.exchanges += 1;
                day.exchange_points = day.exchange_points.saturating_add(amount("points").into());
                day.exchange_amount = day.exchange_amount.saturating_add(amount("amount").into());
            }
            _ => {}
        }
    }

    /// The sum of every day.
    pub fn total(&self) -> Counters {
        let mut t = Counters::default();
        for c in self.days.values() {
            t.add(c);
        }
        t
    }
}

/// `YYYY-MM-DD` of a `--since` / `--day` flag, checked. Errors: a message for exit 2.
pub fn parse_day(s: &str) -> std::result::Result<String, String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = b.len() == 10 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-';
    let ok = ok && digits(8..10);
    let (m, d) = if ok {
        (
            s[5..7].parse::<u32>().unwrap_or(0),
            s[8..10].parse::<u32>().unwrap_or(0),
        )
    } else {
        (0, 0)
    };
    if !ok || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(format!("{s:?} is not a UTC day (YYYY-MM-DD)"));
    }
    Ok(s.to_string())
}

/// The first UTC day kept by `events prune --older-than AGE` at Unix time `now`: rows of
/// blocks before `<that day>T00:00:00Z` are pruned (whole days, so a day's stats are never cut
/// in half).
pub fn prune_cutoff(now_unix: i64, older_than: std::time::Duration) -> String {
    let cut = now_unix - older_than.as_secs() as i64;
    let day = cut.div_euclid(86_400) * 86_400;
    crate::clock::rfc3339(day)[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const INC: &str = "wasm1inc";

    fn msg(
        tx: &str,
        day: &str,
        code: i64,
        i: u32,
        contract: &str,
        action: &str,
        items: u32,
    ) -> MsgRow {
        MsgRow {
            tx_hash: tx.into(),
            day: day.into(),
            code,
            msg_index: i,
            contract: contract.into(),
            action: action.into(),
            items,
            log: if code == 0 {
                String::new()
            } else {
                "out of gas".into()
            },
        }
    }

    fn event(day: &str, kind: &str, attrs: &[(&str, &str)]) -> EventRow {
        let map: BTreeMap<&str, &str> = attrs.iter().copied().collect();
        EventRow {
            day: day.into(),
            kind: kind.into(),
            attributes: serde_json::to_string(&map).unwrap(),
        }
    }

    #[test]
    fn a_day_of_traffic_gives_the_seed_metrics() {
        let d = "2026-11-24";
        let mut s = Stats::default();
        // Two single rewards (5 and 7), a batch of 3 (paid 10, skipped, rejected), an
        // exchange, and failures: one single reward, one batch of 4, one exchange, and a
        // failed tx to another contract.
        for (tx, code, action, items) in [
            ("A", 0, "distribute_reward", 1),
            ("B", 0, "distribute_reward", 1),
            ("C", 0, "batch_distribute", 3),
            ("D", 0, "mint_for_points", 1),
            ("E", 5, "distribute_reward", 1),
            ("F", 5, "batch_distribute", 4),
            ("G", 5, "mint_for_points", 1),
        ] {
            s.add_msg(INC, &msg(tx, d, code, 0, INC, action, items));
        }
        s.add_msg(INC, &msg("H", d, 5, 0, "wasm1ft", "transfer", 1));
        // A retried single report, refused as already processed: skipped, not a failure.
        let mut dup = msg("I", d, 5, 0, INC, "distribute_reward", 1);
        dup.log = "failed to execute message; message index: 0: activity a-1 of source s was already processed: execute wasm contract failed".into();
        s.add_msg(INC, &dup);
        for e in [
            event(
                d,
                "wasm",
                &[("action", "distribute_reward"), ("amount", "5")],
            ),
            event(
                d,
                "wasm",
                &[("action", "distribute_reward"), ("amount", "7")],
            ),
            event(
                d,
                "wasm",
                &[("action", "batch_distribute"), ("amount", "10")],
            ),
            event(
                d,
                "wasm-luckee_batch_item",
                &[("status", "paid"), ("amount", "10")],
            ),
            event(d, "wasm-luckee_batch_item", &[("status", "skipped")]),
            event(d, "wasm-luckee_batch_item", &[("status", "rejected")]),
            event(
                d,
                "wasm",
                &[
                    ("action", "mint_for_points"),
                    ("points", "100"),
                    ("amount", "1"),
                ],
            ),
        ] {
            s.add_event(&e);
        }
        let c = &s.days[d];
        assert_eq!((c.txs, c.failed_txs), (9, 5));
        assert_eq!((c.rewards_paid, c.reward_amount.u128()), (3, 22));
        assert_eq!((c.activities_rejected, c.activities_skipped), (1, 2));
        assert_eq!((c.failed_reward_txs, c.failed_reward_activities), (3, 5));
        assert_eq!(c.activity_attempts(), 3 + 1 + 5);
        assert_eq!(c.activity_success_rate(), Some(3.0 / 9.0));
        assert_eq!((c.exchanges, c.failed_exchanges), (1, 1));
        assert_eq!(
            (c.exchange_points.u128(), c.exchange_amount.u128()),
            (100, 1)
        );
        assert_eq!(c.exchange_success_rate(), Some(0.5));
        assert_eq!(c.average_reward(), Some(Uint128::new(7)));
        assert_eq!(s.total(), c.clone());
    }

    #[test]
    fn a_failed_tx_of_two_rewards_is_one_failed_tx_and_days_stay_apart() {
        let mut s = Stats::default();
        s.add_msg(
            INC,
            &msg("A", "2026-01-01", 5, 0, INC, "distribute_reward", 1),
        );
        s.add_msg(
            INC,
            &msg("A", "2026-01-01", 5, 1, INC, "distribute_reward", 1),
        );
        s.add_msg(
            INC,
            &msg("B", "2026-01-02", 0, 0, INC, "distribute_reward", 1),
        );
        let one = &s.days["2026-01-01"];
        assert_eq!(
            (one.txs, one.failed_reward_txs, one.failed_reward_activities),
            (1, 1, 2)
        );
        assert_eq!(one.activity_success_rate(), Some(0.0));
        let two = &s.days["2026-01-02"];
        assert_eq!((two.txs, two.failed_txs), (1, 0));
        // No event yet: no decided activity, no rate, no average.
        assert_eq!(two.activity_success_rate(), None);
        assert_eq!(two.average_reward(), None);
        assert_eq!(s.total().txs, 2);
    }

    #[test]
    fn counters_survive_json_with_amounts_as_strings() {
        let c = Counters {
            reward_amount: Uint128::MAX,
            rewards_paid: 1,
            ..Default::default()
        };
        let j = serde_json::to_string(&c).unwrap();
        assert!(j.contains(r#""reward_amount":"340282366920938463463374607431768211455""#));
        assert_eq!(serde_json::from_str::<Counters>(&j).unwrap(), c);
        let mut sum = c.clone();
        sum.add(&c);
        assert_eq!((sum.rewards_paid, sum.reward_amount), (2, Uint128::MAX));
    }

    #[test]
    fn days_and_prune_cutoffs() {
        assert_eq!(parse_day("2026-11-24").unwrap(), "2026-11-24");
        for bad in [
            "2026-13-01",
            "2026-1-01",
            "yesterday",
            "2026-11-24T00:00:00Z",
            "",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
        // 2026-11-24T06:30:00Z minus 180 days is 2026-05-28T06:30Z: keep from 2026-05-28.
        let now = 1_795_501_800;
        assert_eq!(crate::clock::rfc3339(now), "2026-11-24T06:30:00Z");
        let days = |n: u64| std::time::Duration::from_secs(n * 86_400);
        assert_eq!(prune_cutoff(now, days(180)), "2026-05-28");
        assert_eq!(prune_cutoff(now, days(0)), "2026-11-24");
    }
}
