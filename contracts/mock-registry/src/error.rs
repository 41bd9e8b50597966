use cosmwasm_std::StdError;
use luckee_types::migrate::MigrateError;
use thiserror::Error;

/// Errors of the mock registry.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Migrate(#[from] MigrateError),

    /// Coins were attached to a message that takes none.
    #[error("{0}")]
    Payment(#[from] cw_utils::PaymentError),

    /// The sender is not the admin (or, for `accept_admin`, not the proposed admin).
    #[error("unauthorized")]
    Unauthorized,

    /// `accept_admin` without a pending proposal.
    #[error("no admin transfer is pending")]
    NoPendingAdmin,

    /// A batch with more than `MAX_BATCH` addresses.
    #[error("batch of {got} addresses exceeds the maximum of {max}")]
    BatchTooLarge { max: usize, got: usize },
}
