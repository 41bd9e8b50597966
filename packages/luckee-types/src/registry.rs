//! Messages of the member registry (`contracts/mock-registry`), which stands in for the
//! production member registry. The incentive contract only ever sends it
//! [`QueryMsg::IsRegistered`] and reads [`IsRegisteredResponse`].

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Addr;

/// Instantiates the registry.
///
/// ```json
/// {"admin":"<addr>","members":["<addr>", "..."]}
/// ```
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// Registry admin; defaults to the instantiating sender.
    pub admin: Option<String>,
    /// Members registered from the start (duplicates are ignored).
    #[serde(default)]
    pub members: Vec<String>,
}

/// State-changing messages. All are admin only, except [`ExecuteMsg::AcceptAdmin`] which only
/// the proposed admin may send. A non-admin gets `Unauthorized`.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ExecuteMsg {
    /// Registers one member. Registering an existing member is a no-op (`added = 0`).
    Register { address: String },
    /// Unregisters one member. Unregistering a non-member is a no-op (`removed = 0`).
    Unregister { address: String },
    /// Registers many members at once (at most [`MAX_BATCH`] addresses, else `BatchTooLarge`).
    RegisterBatch { addresses: Vec<String> },
    /// Unregisters many members at once (at most [`MAX_BATCH`] addresses, else `BatchTooLarge`).
    UnregisterBatch { addresses: Vec<String> },
    /// First step of an admin transfer: names the proposed admin (replaces any earlier proposal).
    ProposeAdmin { new_admin: String },
    /// Second step: the proposed admin accepts and becomes admin (`NoPendingAdmin` /
    /// `Unauthorized` otherwise).
    AcceptAdmin {},
}

/// Largest number of addresses in one `register_batch` / `unregister_batch`.
pub const MAX_BATCH: usize = 500;

/// Queries.
#[cw_serde]
#[derive(QueryResponses)]
#[serde(deny_unknown_fields)]
pub enum QueryMsg {
    /// `{"is_registered":{"address":"<addr>"}}` — whether `address` is a member.
    #[returns(IsRegisteredResponse)]
    IsRegistered { address: String },
    /// Members in address order, paginated (`start_after` is exclusive; `limit` defaults to
    /// [`crate::DEFAULT_PAGE_LIMIT`], capped at [`crate::MAX_PAGE_LIMIT`]).
    #[returns(MembersResponse)]
    Members {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Admin, pending admin and member count.
    #[returns(RegistryConfigResponse)]
    Config {},
}

/// Migrates the registry code (refuses another contract name or a downgrade).
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

/// Response of [`QueryMsg::IsRegistered`].
#[cw_serde]
pub struct IsRegisteredResponse {
    pub registered: bool,
}

/// Response of [`QueryMsg::Members`].
#[cw_serde]
pub struct MembersResponse {
    pub members: Vec<Addr>,
}

/// Response of [`QueryMsg::Config`].
#[cw_serde]
pub struct RegistryConfigResponse {
    pub admin: Addr,
    pub pending_admin: Option<Addr>,
    pub member_count: u64,
}
