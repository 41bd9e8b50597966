use cosmwasm_std::StdError;
use luckee_types::migrate::MigrateError;
use thiserror::Error;

/// Errors of the mock FT: cw20-base's own, plus the migration guard.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Cw20(#[from] cw20_base::ContractError),

    #[error("{0}")]
    Migrate(#[from] MigrateError),
}
