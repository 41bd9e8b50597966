//! The LUCKY token: cw20-base with its own cw2 name so `migrate` can tell it apart.
//!
//! Instantiate, execute and query are cw20-base's (messages re-exported in [`msg`] from
//! `luckee_types::ft`); only `migrate` is this crate's own.

pub mod contract;
pub mod error;
pub mod msg;

pub use crate::error::ContractError;
