//! Storage layout (layout 2 = v0.2.0; see `luckee_types::incentive::STATE_LAYOUT`). Hot-path
//! entries (`PROCESSED`, `POINTS`, `DAILY_USAGE`, `REWARD_STATS`, `EXCHANGE_STATS`,
//! `REPORTER_MINTED`) use short namespaces and compact field names, and zero counters are not
//! written: on-chain writes are charged per byte of key and value (30 gas per byte on wasmd).

use cosmwasm_std::{Addr, Empty, StdResult, Storage, Uint128};
use cw_storage_plus::{Item, Map};
use luckee_types::incentive::{IncentiveConfig, RegisteredContract, RewardRule, StatsCounters};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Everything `get_config` shows except the pending admin; one read on every hot path.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Config {
    pub admin: Addr,
    pub ft_contract: Addr,
    pub registry_contract: Addr,
    pub settings: IncentiveConfig,
}

pub const CONFIG: Item<Config> = Item::new("config");
/// Admin proposed by `propose_admin`, waiting for `accept_admin`.
pub const PENDING_ADMIN: Item<Addr> = Item::new("pending_admin");
/// Storage layout version (absent = 1 = v0.1.0).
pub const LAYOUT: Item<u16> = Item::new("layout");
/// Reward rules by id.
pub const RULES: Map<&str, RewardRule> = Map::new("rules");
/// Reporters allowed to call `distribute_reward` / `batch_distribute` (besides the admin),
/// with their source and limits.
pub const REPORTERS: Map<&Addr, RegisteredContract> = Map::new("reporters");
/// The source of every address ever registered as a reporter; kept after `unregister_contract`
/// so that an address can never change its source.
pub const SOURCES: Map<&Addr, String> = Map::new("src");
/// Addresses that may `emergency_pause {paused: true}`.
pub const PAUSERS: Map<&Addr, Empty> = Map::new("pausers");
/// (source, activity_id) pairs already paid; presence of the key is the marker. v0.1.0 keyed
/// the same namespace by (reporter address, activity_id) with the same byte encoding, so its
/// markers are exactly those of the sources equal to a reporter's address.
pub const PROCESSED: Map<(&str, &str), Empty> = Map::new("p");
/// Points balance per address (absent = zero).
pub const POINTS: Map<&Addr, Uint128> = Map::new("pt");
/// Rewards of a capped rule a recipient got on `day`, keyed by (rule_id, recipient).
pub const DAILY_USAGE: Map<(&str, &Addr), DailyUsage> = Map::new("du");
/// FT base units minted by a budget-limited reporter's reports on `day`.
pub const REPORTER_MINTED: Map<&Addr, DayAmount> = Map::new("rm");
/// Reward totals plus the reward counters of the latest active day.
pub const REWARD_STATS: Item<DayStats<RewardCounters>> = Item::new("sr");
/// Exchange totals plus the exchange counters of the latest active day.
pub const EXCHANGE_STATS: Item<DayStats<ExchangeCounters>> = Item::new("sx");
/// Reward counters of past days, archived from [`REWARD_STATS`] when a new day starts.
pub const DAILY_REWARD_STATS: Map<u64, RewardCounters> = Map::new("dr");
/// Exchange counters of past days, archived from [`EXCHANGE_STATS`] when a new day starts.
pub const DAILY_EXCHANGE_STATS: Map<u64, ExchangeCounters> = Map::new("dx");

/// Per-recipient, per-rule usage of a daily cap. A record of an older day counts as zero.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq)]
pub struct DailyUsage {
    #[serde(rename = "d")]
    pub day: u64,
    #[serde(rename = "c")]
    pub count: u32,
}

/// An amount that belongs to one UTC day; a record of an older day counts as zero.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq)]
pub struct DayAmount {
    #[serde(rename = "d")]
    pub day: u64,
    #[serde(rename = "a")]
    pub amount: Uint128,
}

impl DayAmount {
    /// The amount if it belongs to `day`, else zero.
    pub fn on(self, day: u64) -> Uint128 {
        if self.day == day {
            self.amount
        } else {
            Uint128::zero()
        }
    }
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

/// Reward counters (see [`StatsCounters`]), zero fields left out of storage.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct RewardCounters {
    /// Activities paid.
    #[serde(rename = "c", default, skip_serializing_if = "is_zero_u64")]
    pub count: u64,
    /// FT minted as rewards, base units.
    #[serde(rename = "a", default, skip_serializing_if = "Uint128::is_zero")]
    pub amount: Uint128,
    /// Points credited by rewards.
    #[serde(rename = "p", default, skip_serializing_if = "Uint128::is_zero")]
    pub points: Uint128,
    /// Batch items rejected.
    #[serde(rename = "r", default, skip_serializing_if = "is_zero_u64")]
    pub rejected: u64,
    /// Batch items skipped as already processed.
    #[serde(rename = "s", default, skip_serializing_if = "is_zero_u64")]
    pub skipped: u64,
}

/// Exchange counters (see [`StatsCounters`]), zero fields left out of storage.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ExchangeCounters {
    /// Successful `mint_for_points`.
    #[serde(rename = "c", default, skip_serializing_if = "is_zero_u64")]
    pub count: u64,
    /// Points burned.
    #[serde(rename = "p", default, skip_serializing_if = "Uint128::is_zero")]
    pub points: Uint128,
    /// FT minted, base units.
    #[serde(rename = "m", default, skip_serializing_if = "Uint128::is_zero")]
    pub minted: Uint128,
}

/// Adds `n` without ever overflowing: statistics saturate, payments never stop for them.
pub fn bump(counter: &mut u64, n: u64) {
    *counter = counter.saturating_add(n);
}

/// Adds `n` without ever overflowing (see [`bump`]).
pub fn bump128(counter: &mut Uint128, n: Uint128) {
    *counter = counter.saturating_add(n);
}

/// All-time totals and the counters of day `day` in a single entry, so a hot path does one
/// read and one write for its statistics.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct DayStats<C> {
    #[serde(rename = "d")]
    pub day: u64,
    #[serde(rename = "t")]
    pub totals: C,
    #[serde(rename = "c")]
    pub today: C,
}

impl<C> DayStats<C>
where
    C: Serialize + DeserializeOwned + Default + Clone + PartialEq,
{
    /// Loads the statistics in `item` for recording on `today`, archiving the previous day's
    /// counters to `archive` if `today` is a new day.
    pub fn load_for(
        storage: &mut dyn Storage,
        item: &Item<DayStats<C>>,
        archive: &Map<u64, C>,
        today: u64,
    ) -> StdResult<Self> {
        let mut stats = item.may_load(storage)?.unwrap_or_default();
        if stats.day != today {
            if stats.today != C::default() {
                archive.save(storage, stats.day, &stats.today)?;
            }
            stats.day = today;
            stats.today = C::default();
        }
        Ok(stats)
    }

    /// Applies `update` to both the totals and today's counters.
    pub fn record(&mut self, update: impl Fn(&mut C)) {
        update(&mut self.totals);
        update(&mut self.today);
    }

    /// Counters of `day`, whether still current here or already archived (zero if none).
    pub fn counters_of(
        &self,
        storage: &dyn Storage,
        archive: &Map<u64, C>,
        day: u64,
    ) -> StdResult<C> {
        if day == self.day {
            return Ok(self.today.clone());
        }
        Ok(archive.may_load(storage, day)?.unwrap_or_default())
    }
}

/// Both parts as the `get_stats` answer shows them.
pub fn stats_counters(reward: &RewardCounters, exchange: &ExchangeCounters) -> StatsCounters {
    StatsCounters {
        rewards_distributed_count: reward.count,
        rewards_distributed_amount: reward.amount,
        points_awarded: reward.points,
        // Every processed activity pays exactly one reward.
        activities_processed: reward.count,
        activities_rejected: reward.rejected,
        activities_skipped: reward.skipped,
        points_exchanged_count: exchange.count,
        points_exchanged_amount: exchange.points,
        points_exchange_minted: exchange.minted,
    }
}

/// The v0.1.0 (layout 1) statistics, read by `migrate` and, for days archived before the
/// upgrade, by `get_stats`.
pub mod v1 {
    use super::*;

    /// v0.1.0: totals and the current day, both parts in one entry.
    pub const STATS: Item<Stats> = Item::new("st");
    /// v0.1.0: archived days.
    pub const DAILY_STATS: Map<u64, Counters> = Map::new("ds");

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
    pub struct Counters {
        #[serde(rename = "rc", default)]
        pub rewards_count: u64,
        #[serde(rename = "ra", default)]
        pub rewards_amount: Uint128,
        #[serde(rename = "pa", default)]
        pub points_awarded: Uint128,
        #[serde(rename = "ar", default)]
        pub activities_rejected: u64,
        #[serde(rename = "as", default)]
        pub activities_skipped: u64,
        #[serde(rename = "xc", default)]
        pub exchanges_count: u64,
        #[serde(rename = "xp", default)]
        pub exchanged_points: Uint128,
        #[serde(rename = "xm", default)]
        pub exchange_minted: Uint128,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
    pub struct Stats {
        #[serde(rename = "d")]
        pub day: u64,
        #[serde(rename = "t")]
        pub totals: Counters,
        #[serde(rename = "c")]
        pub today: Counters,
    }

    impl Counters {
        /// The two layout-2 parts of these counters.
        pub fn split(&self) -> (RewardCounters, ExchangeCounters) {
            (
                RewardCounters {
                    count: self.rewards_count,
                    amount: self.rewards_amount,
                    points: self.points_awarded,
                    rejected: self.activities_rejected,
                    skipped: self.activities_skipped,
                },
                ExchangeCounters {
                    count: self.exchanges_count,
                    points: self.exchanged_points,
                    minted: self.exchange_minted,
                },
            )
        }
    }
}
