//! The admin multisig of a Luckee deployment: cw-plus `cw3-fixed-multisig` with its own cw2
//! name and a `migrate` entry point (the stock contract has none, so it could never be
//! upgraded).
//!
//! Instantiate, execute and query are cw3-fixed-multisig's (messages re-exported in [`msg`]);
//! only `migrate` is this crate's own. Make the multisig its
//! own chain-level admin: then only a passed proposal can migrate it.

pub mod contract;
pub mod error;
pub mod msg;

pub use crate::error::ContractError;
