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

    /// Sender is not the admin, not a registered reporter, or not the proposed admin.
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

    #[error("activity {activity_id} of reporter {reporter} was already processed")]
    ActivityAlreadyProcessed {
        reporter: String,
        activity_id: String,
    },

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
        )
    }
}
