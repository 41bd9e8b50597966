//! Messages of the member registry (`contracts/mock-registry`), which stands in for the
//! production member registry. The incentive contract sends it [`QueryMsg::IsRegistered`]
//! (one recipient) and [`QueryMsg::AreRegistered`] (a whole batch in one round trip; when a
//! registry does not know that query, the incentive falls back to one `is_registered` per
//! recipient).

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
    /// Withdraws the pending admin proposal (`NoPendingAdmin` if there is none).
    CancelAdminProposal {},
}

/// Largest number of addresses in one `register_batch` / `unregister_batch`.
pub const MAX_BATCH: usize = 500;

/// Queries.
#[cw_serde]
#[derive(QueryResponses)]
#[serde(deny_unknown_fields)]
pub enum QueryMsg {
    /// `{"is_registered":{"address":"<addr>"}}` — whether `address` is a member. An invalid
    /// address (wrong prefix or checksum, upper case) is a query error, never "not a member".
    #[returns(IsRegisteredResponse)]
    IsRegistered { address: String },
    /// Membership of each of `addresses` (at most [`MAX_BATCH`]), in the same order. Same
    /// address validation as `is_registered`.
    #[returns(AreRegisteredResponse)]
    AreRegistered { addresses: Vec<String> },
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

/// Response of [`QueryMsg::AreRegistered`]: `registered[i]` answers `addresses[i]`.
#[cw_serde]
pub struct AreRegisteredResponse {
    pub registered: Vec<bool>,
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
