//! The multisig's messages: a stock cw-plus `cw3-fixed-multisig` 2.0's, re-exported (this crate
//! adds only `migrate` and its own cw2 name). The CLI uses them through this crate's `library`
//! feature. They are not in `luckee-types`: a new dependency there changes the bytes of the
//! other three contracts (crate metadata hashes feed code layout), and their checksums are
//! released.
//!
//! Nothing is redefined: these are cw-plus's own messages, so every cw3 tool (DAO DAO's UI,
//! `wasmd tx wasm execute`) speaks to it. Instantiate with the voters (address and weight), a
//! `threshold` (e.g. `absolute_count: {weight: 2}` for 2-of-3) and `max_voting_period` (e.g.
//! `time: 86400`, seconds). A proposal carries `CosmosMsg`s; the proposer's vote counts as yes;
//! once the threshold is reached anyone may `execute` it (even after it expired).

pub use cw3::{
    ProposalListResponse, ProposalResponse, Status, Vote, VoteInfo, VoteListResponse, VoteResponse,
    VoterDetail, VoterListResponse, VoterResponse,
};
pub use cw3_fixed_multisig::msg::{ExecuteMsg, InstantiateMsg, QueryMsg, Voter};
pub use cw_utils::{Duration, Expiration, Threshold, ThresholdResponse};

use cosmwasm_schema::cw_serde;

/// `migrate` of the multisig: no parameters (the state layout is cw3-fixed-multisig's).
#[cw_serde]
pub struct MigrateMsg {}
