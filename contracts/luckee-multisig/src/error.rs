use cosmwasm_std::StdError;
use luckee_types::migrate::MigrateError;
use thiserror::Error;

/// Errors of the multisig: cw3-fixed-multisig's own (not a voter, wrong status, expired, …),
/// plus the migration guard.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Multisig(#[from] cw3_fixed_multisig::ContractError),

    #[error("{0}")]
    Migrate(#[from] MigrateError),
}
