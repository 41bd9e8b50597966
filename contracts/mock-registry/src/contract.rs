#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Empty, Env, MessageInfo, Order, Response,
    StdResult, Storage,
};
use cw2::set_contract_version;
use cw_storage_plus::Bound;
use luckee_types::migrate::migrate_version;
use luckee_types::page_limit;

use crate::error::ContractError;
use crate::msg::{
    AreRegisteredResponse, ExecuteMsg, InstantiateMsg, IsRegisteredResponse, MembersResponse,
    MigrateMsg, QueryMsg, RegistryConfigResponse, MAX_BATCH,
};
use crate::state::{ADMIN, MEMBERS, MEMBER_COUNT, PENDING_ADMIN};

pub const CONTRACT_NAME: &str = "crates.io:mock-registry";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let admin = match msg.admin {
        Some(admin) => deps.api.addr_validate(&admin)?,
        None => info.sender,
    };
    ADMIN.save(deps.storage, &admin)?;
    MEMBER_COUNT.save(deps.storage, &0)?;
    let added = set_members(deps, &msg.members, true)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("admin", admin)
        .add_attribute("added", added.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::Register { address } => {
            ensure_admin(deps.as_ref(), &info)?;
            let added = set_members(deps, &[address], true)?;
            Ok(count_response("register", "added", added))
        }
        ExecuteMsg::Unregister { address } => {
            ensure_admin(deps.as_ref(), &info)?;
            let removed = set_members(deps, &[address], false)?;
            Ok(count_response("unregister", "removed", removed))
        }
        ExecuteMsg::RegisterBatch { addresses } => {
            ensure_admin(deps.as_ref(), &info)?;
            let added = set_members(deps, &addresses, true)?;
            Ok(count_response("register_batch", "added", added))
        }
        ExecuteMsg::UnregisterBatch { addresses } => {
            ensure_admin(deps.as_ref(), &info)?;
            let removed = set_members(deps, &addresses, false)?;
            Ok(count_response("unregister_batch", "removed", removed))
        }
        ExecuteMsg::ProposeAdmin { new_admin } => {
            ensure_admin(deps.as_ref(), &info)?;
            let new_admin = deps.api.addr_validate(&new_admin)?;
            PENDING_ADMIN.save(deps.storage, &new_admin)?;
            Ok(Response::new()
                .add_attribute("action", "propose_admin")
                .add_attribute("pending_admin", new_admin))
        }
        ExecuteMsg::AcceptAdmin {} => accept_admin(deps, info),
        ExecuteMsg::CancelAdminProposal {} => {
            ensure_admin(deps.as_ref(), &info)?;
            if !PENDING_ADMIN.exists(deps.storage) {
                return Err(ContractError::NoPendingAdmin);
            }
            PENDING_ADMIN.remove(deps.storage);
            Ok(Response::new().add_attribute("action", "cancel_admin_proposal"))
        }
    }
}

fn ensure_admin(deps: Deps, info: &MessageInfo) -> Result<(), ContractError> {
    if info.sender != ADMIN.load(deps.storage)? {
        return Err(ContractError::Unauthorized);
    }
    Ok(())
}

fn count_response(action: &str, key: &str, count: u64) -> Response {
    Response::new()
        .add_attribute("action", action)
        .add_attribute(key, count.to_string())
}

/// Adds (`register = true`) or removes members, returning how many actually changed.
fn set_members(deps: DepsMut, addresses: &[String], register: bool) -> Result<u64, ContractError> {
    if addresses.len() > MAX_BATCH {
        return Err(ContractError::BatchTooLarge {
            max: MAX_BATCH,
            got: addresses.len(),
        });
    }
    let mut changed = 0u64;
    for address in addresses {
        let addr = deps.api.addr_validate(address)?;
        let present = MEMBERS.has(deps.storage, &addr);
        if register && !present {
            MEMBERS.save(deps.storage, &addr, &Empty {})?;
            changed += 1;
        } else if !register && present {
            MEMBERS.remove(deps.storage, &addr);
            changed += 1;
        }
    }
    if changed > 0 {
        update_count(deps.storage, changed, register)?;
    }
    Ok(changed)
}

fn update_count(storage: &mut dyn Storage, changed: u64, added: bool) -> StdResult<()> {
    MEMBER_COUNT.update(storage, |count| -> StdResult<u64> {
        Ok(if added {
            count + changed
        } else {
            count - changed
        })
    })?;
    Ok(())
}

fn accept_admin(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    let pending = PENDING_ADMIN
        .may_load(deps.storage)?
        .ok_or(ContractError::NoPendingAdmin)?;
    if info.sender != pending {
        return Err(ContractError::Unauthorized);
    }
    ADMIN.save(deps.storage, &pending)?;
    PENDING_ADMIN.remove(deps.storage);
    Ok(Response::new()
        .add_attribute("action", "accept_admin")
        .add_attribute("admin", pending))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::IsRegistered { address } => {
            let registered = MEMBERS.has(deps.storage, &deps.api.addr_validate(&address)?);
            to_json_binary(&IsRegisteredResponse { registered })
        }
        QueryMsg::AreRegistered { addresses } => {
            if addresses.len() > MAX_BATCH {
                return Err(cosmwasm_std::StdError::generic_err(format!(
                    "batch of {} addresses exceeds the maximum of {MAX_BATCH}",
                    addresses.len()
                )));
            }
            let registered = addresses
                .iter()
                .map(|a| Ok(MEMBERS.has(deps.storage, &deps.api.addr_validate(a)?)))
                .collect::<StdResult<_>>()?;
            to_json_binary(&AreRegisteredResponse { registered })
        }
        QueryMsg::Members { start_after, limit } => {
            let start = start_after.map(Addr::unchecked);
            let members = MEMBERS
                .keys(
                    deps.storage,
                    start.as_ref().map(Bound::exclusive),
                    None,
                    Order::Ascending,
                )
                .take(page_limit(limit))
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&MembersResponse { members })
        }
        QueryMsg::Config {} => to_json_binary(&RegistryConfigResponse {
            admin: ADMIN.load(deps.storage)?,
            pending_admin: PENDING_ADMIN.may_load(deps.storage)?,
            member_count: MEMBER_COUNT.load(deps.storage)?,
        }),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    migrate_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)
}
