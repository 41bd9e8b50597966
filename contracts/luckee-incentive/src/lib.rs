//! Luckee Incentive: registered reporters report user activities; each activity pays its reward
//! rule once (FT minted through the LUCKY cw20 contract, points credited); users exchange points
//! for FT. Messages live in `luckee_types::incentive` (re-exported as [`msg`]).
//!
//! Where things are:
//! * [`contract`] — entry points and message dispatch.
//! * [`admin`] — admin-only handlers (config, pause, rules, reporters, withdraw, admin transfer).
//! * [`reward`] — user-facing handlers (`distribute_reward`, `batch_distribute`,
//!   `mint_for_points`): the gas-budgeted hot paths.
//! * [`query`] — query handlers.
//! * [`state`] — storage layout.

pub mod admin;
pub mod contract;
pub mod cw20_msg;
pub mod error;
pub mod msg;
pub mod query;
pub mod reward;
pub mod state;

pub use crate::error::ContractError;
