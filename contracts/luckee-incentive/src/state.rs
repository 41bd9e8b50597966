//! Storage layout. Hot-path entries (`PROCESSED`, `POINTS`, `DAILY_USAGE`, `STATS`) use short
//! namespaces and compact field names: on-chain writes are charged per byte of key and value.

use cosmwasm_std::{Addr, Empty, StdResult, Storage, Uint128};
use cw_storage_plus::{Item, Map};
use luckee_types::incentive::{IncentiveConfig, RegisteredContract, RewardRule, StatsCounters};
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
/// Reward rules by id.
pub const RULES: Map<&str, RewardRule> = Map::new("rules");
/// Reporters allowed to call `distribute_reward` / `batch_distribute` (besides the admin).
pub const REPORTERS: Map<&Addr, RegisteredContract> = Map::new("reporters");
/// (reporter, activity_id) pairs already paid; presence of the key is the marker.
pub const PROCESSED: Map<(&Addr, &str), Empty> = Map::new("p");
/// Points balance per address (absent = zero).
pub const POINTS: Map<&Addr, Uint128> = Map::new("pt");
/// Rewards of a capped rule a recipient got on `day`, keyed by (rule_id, recipient).
pub const DAILY_USAGE: Map<(&str, &Addr), DailyUsage> = Map::new("du");
/// Totals plus the counters of the latest active day.
pub const STATS: Item<Stats> = Item::new("st");
/// Counters of past days, archived from [`STATS`] when a new day starts.
pub const DAILY_STATS: Map<u64, Counters> = Map::new("ds");

/// Per-recipient, per-rule usage of a daily cap. A record of an older day counts as zero.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq)]
pub struct DailyUsage {
    #[serde(rename = "d")]
    pub day: u64,
    #[serde(rename = "c")]
    pub count: u32,
}

/// Storage form of [`StatsCounters`] with short field names (same meaning, field by field).
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

impl From<Counters> for StatsCounters {
    fn from(c: Counters) -> Self {
        StatsCounters {
            rewards_distributed_count: c.rewards_count,
            rewards_distributed_amount: c.rewards_amount,
            points_awarded: c.points_awarded,
            // Every processed activity pays exactly one reward.
            activities_processed: c.rewards_count,
            activities_rejected: c.activities_rejected,
            activities_skipped: c.activities_skipped,
            points_exchanged_count: c.exchanges_count,
            points_exchanged_amount: c.exchanged_points,
            points_exchange_minted: c.exchange_minted,
        }
    }
}

/// All-time totals and the counters of day `day` in a single entry, so a hot path does one
/// read and one write for its statistics.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Stats {
    #[serde(rename = "d")]
    pub day: u64,
    #[serde(rename = "t")]
    pub totals: Counters,
    #[serde(rename = "c")]
    pub today: Counters,
}

impl Stats {
    /// Loads the statistics for recording on `today`, archiving the previous day's counters to
    /// [`DAILY_STATS`] if `today` is a new day.
    pub fn load_for(storage: &mut dyn Storage, today: u64) -> StdResult<Stats> {
        let mut stats = STATS.may_load(storage)?.unwrap_or_default();
        if stats.day != today {
            if stats.today != Counters::default() {
                DAILY_STATS.save(storage, stats.day, &stats.today)?;
            }
            stats.day = today;
            stats.today = Counters::default();
        }
        Ok(stats)
    }

    pub fn save(&self, storage: &mut dyn Storage) -> StdResult<()> {
        STATS.save(storage, self)
    }

    /// Applies `update` to both the totals and today's counters.
    pub fn record(&mut self, update: impl Fn(&mut Counters)) {
        update(&mut self.totals);
        update(&mut self.today);
    }

    /// Counters of `day`, whether still current here or already archived (zero if none).
    pub fn counters_of(&self, storage: &dyn Storage, day: u64) -> StdResult<Counters> {
        if day == self.day {
            return Ok(self.today.clone());
        }
        Ok(DAILY_STATS.may_load(storage, day)?.unwrap_or_default())
    }
}
