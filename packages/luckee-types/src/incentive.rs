//! Messages, responses and shared state types of the Luckee Incentive contract
//! (`contracts/luckee-incentive`).
//!
//! Units: FT amounts are LUCKY base units (`Uint128`, 6 decimals). Points are integer counts
//! (`Uint128`). Days are UTC day numbers (`block_time_seconds / 86400`, see [`crate::utc_day`]).
//!
//! Gating: while `config.emergency_paused` is true or `config.enabled` is false, every
//! user-facing state change (`distribute_reward`, `batch_distribute`, `mint_for_points`) fails
//! with `Paused` / `Disabled`. Admin maintenance messages and all queries keep working.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Uint128};

/// Largest number of items in one [`ExecuteMsg::BatchDistribute`]; 101 is rejected
/// (`BatchTooLarge`).
pub const MAX_BATCH_SIZE: usize = 100;

/// Longest accepted rule id, in bytes (`InvalidRuleId` otherwise; empty is invalid too).
pub const MAX_RULE_ID_LEN: usize = 64;

/// Longest accepted activity id, in bytes (`InvalidActivityId` otherwise; empty is invalid too).
pub const MAX_ACTIVITY_ID_LEN: usize = 128;

// ---------------------------------------------------------------------------------------------
// Shared state types
// ---------------------------------------------------------------------------------------------

/// The switchable part of the configuration: the `config` object of the instantiate message and
/// of the `get_config` response.
///
/// The seed instantiates with exactly `{"enabled":true,"emergency_paused":false}`; every other
/// field is optional and takes its default.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct IncentiveConfig {
    /// Master switch. When false, user-facing state changes fail with `Disabled`.
    /// Default: true.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Emergency stop, toggled by `emergency_pause`. When true, user-facing state changes fail
    /// with `Paused`. Default: false.
    #[serde(default)]
    pub emergency_paused: bool,
    /// Rate of `mint_for_points`. Default: [`ExchangeRate::default`] (100 points = 1 LUCKY).
    #[serde(default)]
    pub exchange_rate: ExchangeRate,
}

impl Default for IncentiveConfig {
    fn default() -> Self {
        IncentiveConfig {
            enabled: true,
            emergency_paused: false,
            exchange_rate: ExchangeRate::default(),
        }
    }
}

fn default_true() -> bool {
    true
}

/// Points → FT exchange rate: `points` points buy `amount` FT base units.
///
/// Exchanging `p` points mints `floor(p * amount / points)` base units; all `p` points are
/// burned, so rounding never favours the user. Both fields must be non-zero
/// (`InvalidExchangeRate`).
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct ExchangeRate {
    /// Number of points in one unit of the rate (denominator).
    pub points: Uint128,
    /// FT base units paid for `points` points (numerator).
    pub amount: Uint128,
}

impl Default for ExchangeRate {
    /// 100 points = 1 LUCKY (1_000_000 base units), i.e. 10_000 base units per point.
    fn default() -> Self {
        ExchangeRate {
            points: Uint128::new(100),
            amount: Uint128::new(1_000_000),
        }
    }
}

/// A reward rule: what one reported activity of this kind pays.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct RewardRule {
    /// Rule id, 1..=[`MAX_RULE_ID_LEN`] bytes, e.g. `"daily_checkin"`.
    pub id: String,
    /// FT minted to the recipient per activity, in base units (may be zero for points-only rules).
    pub reward: Uint128,
    /// Points credited to the recipient per activity (may be zero for FT-only rules).
    pub points: Uint128,
    /// Optional cap: at most this many rewards of this rule per recipient per UTC day
    /// (`DailyCapReached` when exceeded). `None` = unlimited.
    pub daily_cap: Option<u32>,
    /// Disabled rules pay nothing (`RuleDisabled`). Default: true.
    #[serde(default = "default_true")]
    pub enabled: bool,
}

/// A contract (or operator account) allowed to report activities with `distribute_reward` /
/// `batch_distribute`.
#[cw_serde]
pub struct RegisteredContract {
    pub address: Addr,
    /// Free-form label for operators, e.g. `"game-server-1"`.
    pub label: Option<String>,
    /// Block time (seconds) of registration.
    pub registered_at: u64,
}

/// Business counters (the seed's §1.2 metrics), kept both as all-time totals and per UTC day.
///
/// Success rates and averages follow directly, e.g. activity success rate =
/// `activities_processed / (activities_processed + activities_rejected)` and average reward =
/// `rewards_distributed_amount / rewards_distributed_count`.
#[cw_serde]
#[derive(Default)]
pub struct StatsCounters {
    /// Activities that paid a reward (each counted once).
    pub rewards_distributed_count: u64,
    /// Sum of FT minted as rewards, base units.
    pub rewards_distributed_amount: Uint128,
    /// Sum of points credited by rewards.
    pub points_awarded: Uint128,
    /// Activities accepted and marked processed (equals `rewards_distributed_count`).
    pub activities_processed: u64,
    /// Batch items the contract rejected (unknown/disabled rule, unregistered recipient, daily
    /// cap). A rejected single `distribute_reward` fails the whole tx and so leaves no trace
    /// here; indexers see it as a failed tx.
    pub activities_rejected: u64,
    /// Batch items skipped because they were already processed (idempotent re-submits).
    pub activities_skipped: u64,
    /// Number of successful `mint_for_points` exchanges.
    pub points_exchanged_count: u64,
    /// Sum of points burned by exchanges.
    pub points_exchanged_amount: Uint128,
    /// Sum of FT minted by exchanges, base units.
    pub points_exchange_minted: Uint128,
}

/// An asset held by the incentive contract, for `emergency_withdraw`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum WithdrawAsset {
    /// Native coin of `denom`, `amount` in its base units.
    Native { denom: String, amount: Uint128 },
    /// cw20 token at `contract`, `amount` in its base units.
    Cw20 { contract: String, amount: Uint128 },
}

/// One item of [`ExecuteMsg::BatchDistribute`]; same meaning as the fields of
/// [`ExecuteMsg::DistributeReward`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct DistributeItem {
    pub recipient: String,
    pub rule_id: String,
    pub activity_id: String,
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/// Instantiates the incentive contract. The seed's exact JSON is accepted:
///
/// ```json
/// {"admin":"<addr>","ft_contract":"<addr>","registry_contract":"<addr>",
///  "config":{"enabled":true,"emergency_paused":false}}
/// ```
///
/// The incentive contract must be made the FT's minter for rewards and exchanges to mint.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// Contract admin (all maintenance messages).
    pub admin: String,
    /// The LUCKY cw20 contract this contract mints from.
    pub ft_contract: String,
    /// The member registry queried for every recipient.
    pub registry_contract: String,
    /// Initial switches and rate; omitted fields take [`IncentiveConfig`]'s defaults.
    #[serde(default)]
    pub config: IncentiveConfig,
    /// Initial reward rules (same validation as `update_rules`). Default: none.
    #[serde(default)]
    pub rules: Vec<RewardRule>,
}

/// State-changing messages.
///
/// Admin only (`Unauthorized` otherwise), allowed while paused: `emergency_pause`,
/// `update_config`, `propose_admin`, `update_rules`, `register_contract`, `unregister_contract`,
/// `emergency_withdraw`. `accept_admin` only by the proposed admin.
///
/// User-facing, blocked while paused (`Paused`) or disabled (`Disabled`): `distribute_reward`,
/// `batch_distribute`, `mint_for_points`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ExecuteMsg {
    /// `{"emergency_pause":{"paused":true}}` — admin only; sets `config.emergency_paused`.
    EmergencyPause { paused: bool },
    /// Admin only. Every field is optional; omitted fields keep their value. The pause flag is
    /// changed only through `emergency_pause`.
    UpdateConfig {
        enabled: Option<bool>,
        ft_contract: Option<String>,
        registry_contract: Option<String>,
        exchange_rate: Option<ExchangeRate>,
    },
    /// Admin only. First step of an admin transfer (replaces an earlier proposal).
    ProposeAdmin { new_admin: String },
    /// Second step: the proposed admin becomes admin (`NoPendingAdmin` / `Unauthorized`).
    AcceptAdmin {},
    /// Admin only. Inserts or replaces the `upsert` rules (by id), then deletes the `remove`
    /// ids (removing an unknown id is a no-op). Errors: `InvalidRuleId`.
    UpdateRules {
        #[serde(default)]
        upsert: Vec<RewardRule>,
        #[serde(default)]
        remove: Vec<String>,
    },
    /// Admin only. Allows `address` to report activities (re-registering updates the label).
    RegisterContract {
        address: String,
        label: Option<String>,
    },
    /// Admin only. Revokes a reporter (`ContractNotRegistered` if it was not one).
    UnregisterContract { address: String },
    /// Reports one activity. Sender: a registered contract or the admin.
    ///
    /// Pays rule `rule_id` to `recipient` (FT minted through the FT contract, points credited),
    /// once per (sender, `activity_id`), ever. Errors: `Paused`, `Disabled`, `Unauthorized`,
    /// `RuleNotFound`, `RuleDisabled`, `InvalidRecipient`, `RecipientNotRegistered`,
    /// `ActivityAlreadyProcessed`, `DailyCapReached`, `InvalidActivityId`. Attributes: `action`,
    /// `reporter`, `recipient`, `rule_id`, `activity_id`, `amount` (FT base units), `points`.
    DistributeReward {
        recipient: String,
        rule_id: String,
        activity_id: String,
    },
    /// Reports up to [`MAX_BATCH_SIZE`] activities (`BatchTooLarge` / `EmptyBatch`).
    ///
    /// Items are handled in order: already-processed items are *skipped* (not paid, not an
    /// error), items failing a per-item check (rule, registry membership, daily cap, ids) are
    /// *rejected* (not paid, not marked processed, not an error), the rest are *paid*. Each item
    /// is reported in a `wasm-luckee_batch_item` event (`index`, `recipient`, `rule_id`,
    /// `activity_id`, `status` = paid/skipped/rejected, plus `amount`/`points` or `reason`);
    /// the `wasm` event carries the counts `items`, `paid`, `skipped`, `rejected` and the total
    /// `amount`. One mint per distinct recipient. Sender checks and pause apply to the whole
    /// batch.
    BatchDistribute { items: Vec<DistributeItem> },
    /// Exchanges `points` of the sender's points for FT at `config.exchange_rate`, rounding
    /// down. Errors: `Paused`, `Disabled`, `ZeroAmount`, `InsufficientPoints`,
    /// `ExchangeAmountTooSmall` (the points would buy 0 base units), `ExchangeOverflow`
    /// (`points * rate.amount` exceeds 2^128).
    MintForPoints { points: Uint128 },
    /// Admin only. Sends native coins or cw20 tokens held by this contract to `recipient`.
    EmergencyWithdraw {
        asset: WithdrawAsset,
        recipient: String,
    },
}

/// Queries. List queries are paginated with an exclusive `start_after` and a `limit` defaulting
/// to [`crate::DEFAULT_PAGE_LIMIT`] (capped at [`crate::MAX_PAGE_LIMIT`]).
#[cw_serde]
#[derive(QueryResponses)]
#[serde(deny_unknown_fields)]
pub enum QueryMsg {
    /// `{"get_config":{}}` — addresses, admin (and pending admin) and switches.
    #[returns(ConfigResponse)]
    GetConfig {},
    /// `{"get_rules":{}}` — reward rules in id order.
    #[returns(RulesResponse)]
    GetRules {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// One rule by id (a not-found query error if missing).
    #[returns(RewardRule)]
    GetRule { id: String },
    /// `{"get_registered_contracts":{}}` — registered reporters in address order.
    #[returns(RegisteredContractsResponse)]
    GetRegisteredContracts {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// All-time totals and the counters of UTC day `day` (default: the current day).
    #[returns(StatsResponse)]
    GetStats { day: Option<u64> },
    /// Points balance of `address` (zero if it never earned any).
    #[returns(PointsResponse)]
    GetPoints { address: String },
    /// Whether `reporter` already reported `activity_id` (and was paid for it).
    #[returns(ActivityProcessedResponse)]
    IsActivityProcessed {
        reporter: String,
        activity_id: String,
    },
}

/// Migrates the contract code. Refuses another contract name (`WrongContract`) and a
/// downgrade (`CannotDowngrade`).
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// Response of `get_config`.
#[cw_serde]
pub struct ConfigResponse {
    pub admin: Addr,
    /// Proposed admin waiting for `accept_admin`, if any.
    pub pending_admin: Option<Addr>,
    pub ft_contract: Addr,
    pub registry_contract: Addr,
    pub config: IncentiveConfig,
}

/// Response of `get_rules`.
#[cw_serde]
pub struct RulesResponse {
    pub rules: Vec<RewardRule>,
}

/// Response of `get_registered_contracts`.
#[cw_serde]
pub struct RegisteredContractsResponse {
    pub contracts: Vec<RegisteredContract>,
}

/// Response of `get_stats`.
#[cw_serde]
pub struct StatsResponse {
    /// All-time counters.
    pub totals: StatsCounters,
    /// The UTC day number `daily` belongs to.
    pub day: u64,
    /// Counters of that day (all zero for a day without activity).
    pub daily: StatsCounters,
}

/// Response of `get_points`.
#[cw_serde]
pub struct PointsResponse {
    pub address: Addr,
    pub points: Uint128,
}

/// Response of `is_activity_processed`.
#[cw_serde]
pub struct ActivityProcessedResponse {
    pub processed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::from_json;

    #[test]
    fn seed_instantiate_json_takes_defaults() {
        let msg: InstantiateMsg = from_json(
            r#"{"admin":"a","ft_contract":"f","registry_contract":"r","config":{"enabled":true,"emergency_paused":false}}"#,
        )
        .unwrap();
        assert_eq!(msg.config, IncentiveConfig::default());
        assert!(msg.rules.is_empty());
    }

    #[test]
    fn seed_query_json_parses() {
        assert_eq!(
            from_json::<QueryMsg>(r#"{"get_config":{}}"#).unwrap(),
            QueryMsg::GetConfig {}
        );
        assert_eq!(
            from_json::<QueryMsg>(r#"{"get_rules":{}}"#).unwrap(),
            QueryMsg::GetRules {
                start_after: None,
                limit: None
            }
        );
        assert_eq!(
            from_json::<QueryMsg>(r#"{"get_registered_contracts":{}}"#).unwrap(),
            QueryMsg::GetRegisteredContracts {
                start_after: None,
                limit: None
            }
        );
        assert_eq!(
            from_json::<ExecuteMsg>(r#"{"emergency_pause":{"paused":true}}"#).unwrap(),
            ExecuteMsg::EmergencyPause { paused: true }
        );
    }

    #[test]
    fn unknown_fields_are_refused_in_inputs() {
        let typo =
            r#"{"admin":"a","ft_contract":"f","registry_contract":"r","config":{"enabeld":true}}"#;
        assert!(from_json::<InstantiateMsg>(typo).is_err());
        assert!(from_json::<ExecuteMsg>(r#"{"emergency_pause":{"paused":true,"x":1}}"#).is_err());
        assert!(from_json::<QueryMsg>(r#"{"get_rules":{"limt":5}}"#).is_err());
    }

    #[test]
    fn rule_defaults_to_enabled_without_cap() {
        let rule: RewardRule = from_json(r#"{"id":"checkin","reward":"5","points":"1"}"#).unwrap();
        assert!(rule.enabled);
        assert_eq!(rule.daily_cap, None);
    }
}
