use cosmwasm_std::{StdError, Uint128};
use luckee_types::migrate::MigrateError;
use thiserror::Error;

/// Errors of the incentive contract.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Migrate(#[from] MigrateError),

    /// Coins were attached to a message; no message of this contract takes any.
    #[error("{0}")]
    Payment(#[from] cw_utils::PaymentError),

    /// Sender is not the admin, not a registered reporter, not a pauser (pause) or not the
    /// proposed admin.
    #[error("unauthorized")]
    Unauthorized,

    /// `config.emergency_paused` is set: user-facing operations are stopped.
    #[error("contract is paused")]
    Paused,

    /// `config.enabled` is false: user-facing operations are switched off.
    #[error("contract is disabled")]
    Disabled,

    #[error("no admin transfer is pending")]
    NoPendingAdmin,

    #[error("invalid exchange rate: points and amount must be non-zero")]
    InvalidExchangeRate,

    #[error("invalid rule id {id:?}: must be 1 to 64 bytes")]
    InvalidRuleId { id: String },

    #[error("rule {id} not found")]
    RuleNotFound { id: String },

    #[error("rule {id} is disabled")]
    RuleDisabled { id: String },

    #[error("invalid activity id: must be 1 to 128 bytes")]
    InvalidActivityId,

    #[error("invalid recipient address {address:?}")]
    InvalidRecipient { address: String },

    #[error("activity {activity_id} of source {source_id} was already processed")]
    ActivityAlreadyProcessed {
        source_id: String,
        activity_id: String,
    },

    /// The admin reported without naming the source of the activity.
    #[error("the admin must name the source of the activities it reports")]
    SourceRequired,

    #[error("invalid source {source_id:?}: must be 1 to 128 bytes")]
    InvalidSource { source_id: String },

    /// A reporter named another source than its registered one.
    #[error("source {given} is not this reporter's source {registered}")]
    SourceMismatch { given: String, registered: String },

    /// A registration would change the source of an address (activities already paid under
    /// its source could then be paid again).
    #[error("{address} reports under source {registered}; its source cannot become {requested}")]
    SourceChange {
        address: String,
        registered: String,
        requested: String,
    },

    #[error("invalid label: at most 64 bytes")]
    InvalidLabel,

    #[error("{got} rules in one message exceed the maximum of {max}")]
    TooManyRules { max: usize, got: usize },

    #[error("{got} pausers in one message exceed the maximum of {max}")]
    TooManyPausers { max: usize, got: usize },

    /// A rule's reward or points exceed `MAX_RULE_REWARD` / `MAX_RULE_POINTS`.
    #[error("rule {id}: reward or points above the maximum")]
    RuleValueTooLarge { id: String },

    /// The reporter's limits do not include this rule.
    #[error("rule {id} is not allowed for this reporter")]
    RuleNotAllowed { id: String },

    /// Paying would take the reporter past its daily mint budget.
    #[error("daily mint budget of {budget} reached for reporter {reporter}")]
    DailyBudgetExceeded { reporter: String, budget: Uint128 },

    /// Minting would take the FT past its cap (batch items only; a single report fails in the
    /// FT's own cap check).
    #[error("mint of {amount} would exceed the FT cap ({left} left)")]
    CapExceeded { amount: Uint128, left: Uint128 },

    #[error("recipient {recipient} is not registered in the registry")]
    RecipientNotRegistered { recipient: String },

    #[error("daily cap of {cap} rewards of rule {rule_id} reached for {recipient}")]
    DailyCapReached {
        rule_id: String,
        recipient: String,
        cap: u32,
    },

    #[error("batch of {got} items exceeds the maximum of {max}")]
    BatchTooLarge { max: usize, got: usize },

    #[error("batch is empty")]
    EmptyBatch,

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("insufficient points: {available} available, {requested} requested")]
    InsufficientPoints {
        available: Uint128,
        requested: Uint128,
    },

    #[error("{points} points buy less than one base unit at the current rate")]
    ExchangeAmountTooSmall { points: Uint128 },

    #[error("exchange amount overflows")]
    ExchangeOverflow,

    #[error("{address} is not a registered contract")]
    ContractNotRegistered { address: String },
}

impl ContractError {
    /// Whether this error concerns one batch item only. Such items are *rejected* (reported,
    /// not paid) while the rest of the batch goes on; any other error fails the whole batch.
    pub fn is_item_rejection(&self) -> bool {
        matches!(
            self,
            ContractError::InvalidActivityId
                | ContractError::InvalidRecipient { .. }
                | ContractError::RuleNotFound { .. }
                | ContractError::RuleDisabled { .. }
                | ContractError::RecipientNotRegistered { .. }
                | ContractError::DailyCapReached { .. }
                | ContractError::RuleNotAllowed { .. }
                | ContractError::DailyBudgetExceeded { .. }
                | ContractError::CapExceeded { .. }
        )
    }
}
