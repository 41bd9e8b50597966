#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use cw2::set_contract_version;
use luckee_types::migrate::migrate_version;

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

pub const CONTRACT_NAME: &str = "crates.io:mock-ft";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// cw20-base instantiate (name, symbol, decimals, initial balances, `mint: {minter, cap}`),
/// recorded under this crate's cw2 name.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let response = cw20_base::contract::instantiate(deps.branch(), env, info, msg)?;
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(response)
}

/// cw20-base execute: transfer, burn, send, allowances, `mint` (minter only, within the cap),
/// `update_minter`, marketing.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    Ok(cw20_base::contract::execute(deps, env, info, msg)?)
}

/// cw20-base queries: balance, token_info, minter, allowances, all_accounts, marketing.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    cw20_base::contract::query(deps, env, msg)
}

/// Refuses another contract name and a downgrade; cw20-base state needs no change.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    migrate_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)
}
