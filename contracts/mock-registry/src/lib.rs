//! Mock member registry: the admin registers and unregisters members; anyone can ask
//! `is_registered`. Messages live in `luckee_types::registry` (re-exported as [`msg`]).

pub mod contract;
pub mod error;
pub mod msg;
pub mod state;

pub use crate::error::ContractError;
