//! Messages, responses and shared state types of the Luckee Incentive contract
//! (`contracts/luckee-incentive`).
//!
//! Units: FT amounts are LUCKY base units (`Uint128`, 6 decimals). Points are integer counts
//! (`Uint128`). Days are UTC day numbers (`block_time_seconds / 86400`, see [`crate::utc_day`]).
//!
//! Gating: while `config.emergency_paused` is true or `config.enabled` is false, every
//! user-facing state change (`distribute_reward`, `batch_distribute`, `mint_for_points`) fails
//! with `Paused` / `Disabled`. Admin maintenance messages and all queries keep working.
//!
//! # Roles (v0.2.0)
//!
//! * **Admin** (`config.admin`, handed over with `propose_admin` → `accept_admin`, or
//!   `cancel_admin_proposal`): every maintenance message, resume included. Typically a multisig.
//! * **Pausers** (`update_pausers`): may only send `emergency_pause {paused: true}`, the fast
//!   path for an incident while the admin is a multisig that needs several signatures. They can
//!   never resume, change anything else or report activities.
//! * **Reporters** (`register_contract`): report activities. Each has a stable **source** id
//!   (default: its own address) under which its activities are marked processed, so a failover
//!   reporter or a rotated key registered with the same source can never be paid twice for one
//!   activity. A reporter may carry [`ReporterLimits`]: the rule ids it may report and a daily
//!   mint budget (FT base units per UTC day), so a stolen reporter key mints at most its budget.
//!   `limits: {}` (or omitted) is explicit "unlimited".
//! * **Users**: `mint_for_points` for their own points; with `redeem_requires_membership`
//!   (default true) only while they are members of the registry.
//!
//! Funds: every execute message refuses attached coins (`Payment` error), so nothing sent by
//! mistake is kept by the contract.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Uint128};

/// Largest number of items in one [`ExecuteMsg::BatchDistribute`]; 101 is rejected
/// (`BatchTooLarge`).
pub const MAX_BATCH_SIZE: usize = 100;

/// Longest accepted rule id, in bytes (`InvalidRuleId` otherwise; empty is invalid too).
pub const MAX_RULE_ID_LEN: usize = 64;

/// Longest accepted activity id, in bytes (`InvalidActivityId` otherwise; empty is invalid too).
pub const MAX_ACTIVITY_ID_LEN: usize = 128;

/// Longest accepted reporter source id, in bytes (`InvalidSource` otherwise; empty is invalid
/// too). Long enough for any bech32 address, which is the default source.
pub const MAX_SOURCE_LEN: usize = 128;

/// Longest accepted reporter label, in bytes (`InvalidLabel` otherwise).
pub const MAX_LABEL_LEN: usize = 64;

/// Most rules one `update_rules` (upserts + removals) or the instantiate message may carry
/// (`TooManyRules` otherwise).
pub const MAX_RULES_PER_MSG: usize = 50;

/// Most rule ids in one reporter's [`ReporterLimits::rules`] (`TooManyRules` otherwise).
pub const MAX_REPORTER_RULES: usize = 32;

/// Most addresses one `update_pausers` may add plus remove (`TooManyPausers` otherwise).
pub const MAX_PAUSERS_PER_MSG: usize = 20;

/// Largest accepted [`RewardRule::reward`]: 10^15 base units (10^9 LUCKY). Larger values are
/// refused by `update_rules` (`RuleValueTooLarge`), so running totals stay far from 2^128.
pub const MAX_RULE_REWARD: u128 = 1_000_000_000_000_000;

/// Largest accepted [`RewardRule::points`] per activity (`RuleValueTooLarge` otherwise).
pub const MAX_RULE_POINTS: u128 = 1_000_000_000_000;

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
    /// Whether `mint_for_points` first asks the registry whether the sender is still a member
    /// (`RecipientNotRegistered` otherwise), so a member removed from the registry can no
    /// longer redeem. Default: true. Absent in v0.1.0 answers and state, which read as true
    /// (v0.1.0 never checked; the upgrade turns the check on). Written only when false, so the
    /// default instantiate JSON also suits v0.1.0.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub redeem_requires_membership: bool,
}

impl Default for IncentiveConfig {
    fn default() -> Self {
        IncentiveConfig {
            enabled: true,
            emergency_paused: false,
            exchange_rate: ExchangeRate::default(),
            redeem_requires_membership: true,
        }
    }
}

fn default_true() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// Points → FT exchange rate: `points` points buy `amount` FT base units.
///
/// Exchanging `p` points mints `floor(p * amount / points)` base units, computed with a 256-bit
/// intermediate (so only a result above 2^128 overflows); all `p` points are burned, so rounding
/// never favours the user. Both fields must be non-zero (`InvalidExchangeRate`).
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
    /// FT minted to the recipient per activity, in base units (may be zero for points-only
    /// rules; at most [`MAX_RULE_REWARD`]).
    pub reward: Uint128,
    /// Points credited to the recipient per activity (may be zero for FT-only rules; at most
    /// [`MAX_RULE_POINTS`]).
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
    /// Free-form label for operators, e.g. `"game-server-1"` (at most [`MAX_LABEL_LEN`] bytes).
    pub label: Option<String>,
    /// Block time (seconds) of registration.
    pub registered_at: u64,
    /// Stable id its activities are marked processed under: `(source, activity_id)` pays once,
    /// whichever reporter of that source sends it. Fixed for an address once set (see
    /// `ExecuteMsg::RegisterContract`). Empty in v0.1.0 answers, where it is the address.
    #[serde(default)]
    pub source: String,
    /// Rule and budget limits; all `None` = unlimited (and always so in v0.1.0 answers).
    #[serde(default)]
    pub limits: ReporterLimits,
}

impl RegisteredContract {
    /// The effective source: [`RegisteredContract::source`], or the address for a v0.1.0
    /// answer that has none.
    pub fn source(&self) -> &str {
        if self.source.is_empty() {
            self.address.as_str()
        } else {
            &self.source
        }
    }
}

/// What a reporter may report. `None` means unlimited, so `{}` is the explicit "no limits".
#[cw_serde]
#[derive(Default, Eq)]
#[serde(deny_unknown_fields)]
pub struct ReporterLimits {
    /// Rule ids this reporter may report (`RuleNotAllowed` for any other; at most
    /// [`MAX_REPORTER_RULES`]). `None` = every rule.
    #[serde(default)]
    pub rules: Option<Vec<String>>,
    /// FT base units this reporter's reports may mint per UTC day (`DailyBudgetExceeded` past
    /// it; points are not counted). `None` = unlimited.
    #[serde(default)]
    pub daily_mint_budget: Option<Uint128>,
}

impl ReporterLimits {
    /// Whether there is no limit at all.
    pub fn is_unlimited(&self) -> bool {
        self.rules.is_none() && self.daily_mint_budget.is_none()
    }
}

/// Business counters (the seed's §1.2 metrics), kept both as all-time totals and per UTC day.
/// Counters saturate at their maximum instead of overflowing, so statistics can never stop a
/// payment.
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
    /// Batch items the contract rejected (unknown/disabled/not-allowed rule, unregistered
    /// recipient, daily cap, reporter budget, FT cap). A rejected single `distribute_reward`
    /// fails the whole tx and so leaves no trace here; indexers see it as a failed tx.
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
    /// Initial pausers (see `update_pausers`). Default: none (and left out of the JSON then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pausers: Vec<String>,
}

/// State-changing messages. None accepts attached coins (`Payment` error).
///
/// Admin only (`Unauthorized` otherwise), allowed while paused: `emergency_pause` (pausers may
/// pause, not resume), `update_config`, `propose_admin`, `cancel_admin_proposal`,
/// `update_rules`, `register_contract`, `unregister_contract`, `update_pausers`,
/// `update_minter`, `emergency_withdraw`. `accept_admin` only by the proposed admin.
///
/// User-facing, blocked while paused (`Paused`) or disabled (`Disabled`): `distribute_reward`,
/// `batch_distribute`, `mint_for_points`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ExecuteMsg {
    /// `{"emergency_pause":{"paused":true}}` — sets `config.emergency_paused`. Pausing: the
    /// admin or a pauser; resuming (`false`): the admin only (`Unauthorized`).
    EmergencyPause { paused: bool },
    /// Admin only. Every field is optional; omitted fields keep their value. The pause flag is
    /// changed only through `emergency_pause`.
    UpdateConfig {
        enabled: Option<bool>,
        ft_contract: Option<String>,
        registry_contract: Option<String>,
        exchange_rate: Option<ExchangeRate>,
        /// New in v0.2.0; left out of the JSON when `None`, so the message also suits v0.1.0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        redeem_requires_membership: Option<bool>,
    },
    /// Admin only. First step of an admin transfer (replaces an earlier proposal).
    ProposeAdmin { new_admin: String },
    /// Second step: the proposed admin becomes admin (`NoPendingAdmin` / `Unauthorized`).
    AcceptAdmin {},
    /// Admin only. Withdraws the pending admin proposal (`NoPendingAdmin` if there is none).
    CancelAdminProposal {},
    /// Admin only. Inserts or replaces the `upsert` rules (by id), then deletes the `remove`
    /// ids (removing an unknown id is a no-op). At most [`MAX_RULES_PER_MSG`] entries in all.
    /// Errors: `InvalidRuleId`, `RuleValueTooLarge`, `TooManyRules`.
    UpdateRules {
        #[serde(default)]
        upsert: Vec<RewardRule>,
        #[serde(default)]
        remove: Vec<String>,
    },
    /// Admin only. Allows `address` to report activities; re-registering replaces `label` and
    /// `limits` with the ones given (omitted `limits` = unlimited).
    ///
    /// `source` (1..=[`MAX_SOURCE_LEN`] bytes) is fixed per address once set: omitted, it is the
    /// address's earlier source, or the address itself the first time; a different one is
    /// refused (`SourceChange`) — changing it would let activities already paid under the old
    /// source be paid again. To rotate a reporter key, register the new address with the old
    /// key's source. An address that reported under v0.1.0 has its address as source.
    RegisterContract {
        address: String,
        label: Option<String>,
        /// New in v0.2.0 (left out of the JSON when `None`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// New in v0.2.0 (left out of the JSON when `None`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limits: Option<ReporterLimits>,
    },
    /// Admin only. Revokes a reporter (`ContractNotRegistered` if it was not one). Its source
    /// stays recorded, so registering it again keeps it.
    UnregisterContract { address: String },
    /// Admin only. Adds and removes pausers (at most [`MAX_PAUSERS_PER_MSG`] in all); adding a
    /// pauser twice or removing a non-pauser is a no-op.
    UpdatePausers {
        #[serde(default)]
        add: Vec<String>,
        #[serde(default)]
        remove: Vec<String>,
    },
    /// Admin only. Hands the FT's minter role to `new_minter` (a cw20 `update_minter` sent by
    /// this contract, which must be the current minter), so a replacement incentive contract
    /// can take over. Rewards and exchanges fail to mint afterwards.
    UpdateMinter { new_minter: String },
    /// Reports one activity. Sender: a registered reporter, or the admin naming a `source`.
    ///
    /// Pays rule `rule_id` to `recipient` (FT minted through the FT contract, points credited),
    /// once per (`source`, `activity_id`), ever. A reporter's source is its registered one
    /// (`source` may be omitted; a different one is `SourceMismatch`); the admin must name one
    /// (`SourceRequired`). Errors: `Paused`, `Disabled`, `Unauthorized`, `RuleNotFound`,
    /// `RuleDisabled`, `RuleNotAllowed`, `InvalidRecipient`, `RecipientNotRegistered`,
    /// `ActivityAlreadyProcessed`, `DailyCapReached`, `DailyBudgetExceeded`,
    /// `InvalidActivityId`, `InvalidSource`. Attributes: `action`, `reporter`, `source`,
    /// `recipient`, `rule_id`, `activity_id`, `amount` (FT base units), `points`.
    DistributeReward {
        recipient: String,
        rule_id: String,
        activity_id: String,
        /// New in v0.2.0 (left out of the JSON when `None`, so a reporter's message also suits
        /// v0.1.0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// Reports up to [`MAX_BATCH_SIZE`] activities (`BatchTooLarge` / `EmptyBatch`) under one
    /// source (same rules as `distribute_reward`).
    ///
    /// Items are handled in order: already-processed items are *skipped* (not paid, not an
    /// error), items failing a per-item check (rule, registry membership, daily cap, reporter
    /// limits, ids, the FT's remaining mint cap) are *rejected* (not paid, not marked
    /// processed, not an error), the rest are *paid*. Each item is reported in a
    /// `wasm-luckee_batch_item` event (`index`, `recipient`, `rule_id`, `activity_id`,
    /// `status` = paid/skipped/rejected, plus `amount`/`points` or `reason`); the `wasm` event
    /// carries the counts `items`, `paid`, `skipped`, `rejected` and the total `amount`. One
    /// mint per distinct recipient, one registry query per batch. Sender checks and pause
    /// apply to the whole batch.
    BatchDistribute {
        items: Vec<DistributeItem>,
        /// New in v0.2.0 (left out of the JSON when `None`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// Exchanges `points` of the sender's points for FT at `config.exchange_rate`, rounding
    /// down. Errors: `Paused`, `Disabled`, `ZeroAmount`, `InsufficientPoints`,
    /// `ExchangeAmountTooSmall` (the points would buy 0 base units), `ExchangeOverflow`
    /// (the result exceeds 2^128), `RecipientNotRegistered` (with
    /// `redeem_requires_membership`).
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
    /// Whether `activity_id` was already paid under `source`, or under the source of
    /// `reporter` (its registered or remembered source, else its address). Exactly one of the
    /// two (an invalid-request error otherwise); v0.1.0's `{reporter, activity_id}` still works.
    #[returns(ActivityProcessedResponse)]
    IsActivityProcessed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reporter: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        activity_id: String,
    },
    /// Pausers in address order.
    #[returns(PausersResponse)]
    GetPausers {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// FT a reporter's reports minted on UTC day `day` (default: today) against its budget.
    #[returns(ReporterUsageResponse)]
    GetReporterUsage { address: String, day: Option<u64> },
}

/// Migrates the contract code. Refuses another contract name (`WrongContract`) and state
/// written by a newer code whose storage layout this code does not understand
/// (`StateLayoutTooNew`; see [`STATE_LAYOUT`]).
///
/// From v0.1.0 (layout 1) to v0.2.0 (layout 2) it converts what changed: every reporter gets
/// its address as source (so every activity paid in v0.1.0 stays paid), the statistics are
/// split into their reward and exchange parts, and the layout item is written.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

/// Storage layout version written by this release (an `Item<u16>` under `"layout"`; absent =
/// layout 1 = v0.1.0). `migrate` accepts any stored layout up to this one, also from a newer
/// cw2 version, so a rollback to this code works while the layout is one it understands.
pub const STATE_LAYOUT: u16 = 2;

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

/// Response of `get_pausers`.
#[cw_serde]
pub struct PausersResponse {
    pub pausers: Vec<Addr>,
}

/// Response of `get_reporter_usage`.
#[cw_serde]
pub struct ReporterUsageResponse {
    pub address: Addr,
    /// UTC day number of `minted`.
    pub day: u64,
    /// FT base units its reports minted that day.
    pub minted: Uint128,
    /// Its daily mint budget, base units (`None` = unlimited).
    pub daily_mint_budget: Option<Uint128>,
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
    fn new_optional_fields_are_left_out_so_v0_1_0_accepts_the_json() {
        let msg = ExecuteMsg::DistributeReward {
            recipient: "r".into(),
            rule_id: "g".into(),
            activity_id: "a".into(),
            source: None,
        };
        assert_eq!(
            cosmwasm_std::to_json_string(&msg).unwrap(),
            r#"{"distribute_reward":{"recipient":"r","rule_id":"g","activity_id":"a"}}"#
        );
        let msg = ExecuteMsg::RegisterContract {
            address: "a".into(),
            label: None,
            source: None,
            limits: None,
        };
        assert_eq!(
            cosmwasm_std::to_json_string(&msg).unwrap(),
            r#"{"register_contract":{"address":"a","label":null}}"#
        );
    }

    #[test]
    fn rule_defaults_to_enabled_without_cap() {
        let rule: RewardRule = from_json(r#"{"id":"checkin","reward":"5","points":"1"}"#).unwrap();
        assert!(rule.enabled);
        assert_eq!(rule.daily_cap, None);
    }
}
