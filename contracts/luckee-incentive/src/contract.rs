//! Entry points: instantiate, execute (dispatch), query (dispatch), migrate.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use cw2::set_contract_version;
use luckee_types::migrate::migrate_version;

use crate::admin::{self, save_rule, validate_exchange_rate};
use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};
use crate::state::{Config, CONFIG};
use crate::{query, reward};

pub const CONTRACT_NAME: &str = "crates.io:luckee-incentive";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    validate_exchange_rate(&msg.config.exchange_rate)?;
    let config = Config {
        admin: deps.api.addr_validate(&msg.admin)?,
        ft_contract: deps.api.addr_validate(&msg.ft_contract)?,
        registry_contract: deps.api.addr_validate(&msg.registry_contract)?,
        settings: msg.config,
    };
    CONFIG.save(deps.storage, &config)?;
    for rule in &msg.rules {
        save_rule(deps.storage, rule)?;
    }
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("admin", config.admin)
        .add_attribute("ft_contract", config.ft_contract)
        .add_attribute("registry_contract", config.registry_contract)
        .add_attribute("enabled", config.settings.enabled.to_string())
        .add_attribute(
            "emergency_paused",
            config.settings.emergency_paused.to_string(),
        )
        .add_attribute("rules", msg.rules.len().to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::EmergencyPause { paused } => admin::emergency_pause(deps, info, paused),
        ExecuteMsg::UpdateConfig {
            enabled,
            ft_contract,
            registry_contract,
            exchange_rate,
        } => admin::update_config(
            deps,
            info,
            enabled,
            ft_contract,
            registry_contract,
            exchange_rate,
        ),
        ExecuteMsg::ProposeAdmin { new_admin } => admin::propose_admin(deps, info, new_admin),
        ExecuteMsg::AcceptAdmin {} => admin::accept_admin(deps, info),
        ExecuteMsg::UpdateRules { upsert, remove } => {
            admin::update_rules(deps, info, upsert, remove)
        }
        ExecuteMsg::RegisterContract { address, label } => {
            admin::register_contract(deps, env, info, address, label)
        }
        ExecuteMsg::UnregisterContract { address } => {
            admin::unregister_contract(deps, info, address)
        }
        ExecuteMsg::EmergencyWithdraw { asset, recipient } => {
            admin::emergency_withdraw(deps, info, asset, recipient)
        }
        ExecuteMsg::DistributeReward {
            recipient,
            rule_id,
            activity_id,
        } => reward::distribute_reward(deps, env, info, recipient, rule_id, activity_id),
        ExecuteMsg::BatchDistribute { items } => reward::batch_distribute(deps, env, info, items),
        ExecuteMsg::MintForPoints { points } => reward::mint_for_points(deps, env, info, points),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    query::query(deps, env, msg)
}

/// Refuses another contract name and a downgrade; the storage layout needs no change yet.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    migrate_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)
}
