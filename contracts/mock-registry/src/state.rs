use cosmwasm_std::{Addr, Empty};
use cw_storage_plus::{Item, Map};

/// Current admin.
pub const ADMIN: Item<Addr> = Item::new("admin");
/// Admin proposed by `propose_admin`, waiting for `accept_admin`.
pub const PENDING_ADMIN: Item<Addr> = Item::new("pending_admin");
/// The members; presence of the key is membership.
pub const MEMBERS: Map<&Addr, Empty> = Map::new("members");
/// Number of keys in [`MEMBERS`], kept so `config` needs no iteration.
pub const MEMBER_COUNT: Item<u64> = Item::new("member_count");
