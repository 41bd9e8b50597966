//! Entry points: instantiate, execute (dispatch), query (dispatch), migrate.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Order, Response, StdResult, Storage};
use cw2::set_contract_version;
use luckee_types::migrate::migrate_layout;

use crate::admin::{self, ensure_rule_count, save_rule, set_pausers, validate_exchange_rate};
use crate::error::ContractError;
use crate::msg::{
    DistributeItem, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, MAX_RULES_PER_MSG,
    STATE_LAYOUT,
};
use crate::state::{
    v1, Config, DayStats, CONFIG, EXCHANGE_STATS, LAYOUT, REPORTERS, REWARD_STATS, SOURCES,
};
use crate::{query, reward};

pub const CONTRACT_NAME: &str = "crates.io:luckee-incentive";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    LAYOUT.save(deps.storage, &STATE_LAYOUT)?;
    validate_exchange_rate(&msg.config.exchange_rate)?;
    ensure_rule_count(msg.rules.len(), MAX_RULES_PER_MSG)?;
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
    set_pausers(deps.branch(), &msg.pausers, &[])?;
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
        .add_attribute("rules", msg.rules.len().to_string())
        .add_attribute("pausers", msg.pausers.len().to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    match msg {
        ExecuteMsg::EmergencyPause { paused } => admin::emergency_pause(deps, info, paused),
        ExecuteMsg::UpdateConfig {
            enabled,
            ft_contract,
            registry_contract,
            exchange_rate,
            redeem_requires_membership,
        } => admin::update_config(
            deps,
            info,
            enabled,
            ft_contract,
            registry_contract,
            exchange_rate,
            redeem_requires_membership,
        ),
        ExecuteMsg::ProposeAdmin { new_admin } => admin::propose_admin(deps, info, new_admin),
        ExecuteMsg::AcceptAdmin {} => admin::accept_admin(deps, info),
        ExecuteMsg::CancelAdminProposal {} => admin::cancel_admin_proposal(deps, info),
        ExecuteMsg::UpdateRules { upsert, remove } => {
            admin::update_rules(deps, info, upsert, remove)
        }
        ExecuteMsg::RegisterContract {
            address,
            label,
            source,
            limits,
        } => admin::register_contract(deps, env, info, address, label, source, limits),
        ExecuteMsg::UnregisterContract { address } => {
            admin::unregister_contract(deps, info, address)
        }
        ExecuteMsg::UpdatePausers { add, remove } => admin::update_pausers(deps, info, add, remove),
        ExecuteMsg::UpdateMinter { new_minter } => admin::update_minter(deps, info, new_minter),
        ExecuteMsg::EmergencyWithdraw { asset, recipient } => {
            admin::emergency_withdraw(deps, info, asset, recipient)
        }
        ExecuteMsg::DistributeReward {
            recipient,
            rule_id,
            activity_id,
            source,
        } => {
            let item = DistributeItem {
                recipient,
                rule_id,
                activity_id,
            };
            reward::distribute_reward(deps, env, info, item, source)
        }
        ExecuteMsg::BatchDistribute { items, source } => {
            reward::batch_distribute(deps, env, info, items, source)
        }
        ExecuteMsg::MintForPoints { points } => reward::mint_for_points(deps, env, info, points),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    query::query(deps, env, msg)
}

/// Refuses another contract name and a stored layout newer than [`STATE_LAYOUT`] (so a
/// rollback to this code works while the layout allows it), then converts layout 1 (v0.1.0)
/// state: see [`MigrateMsg`].
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let stored_layout = LAYOUT.may_load(deps.storage)?.unwrap_or(1);
    let response = migrate_layout::<ContractError>(
        deps.storage,
        CONTRACT_NAME,
        CONTRACT_VERSION,
        stored_layout,
        STATE_LAYOUT,
    )?;
    if stored_layout < 2 {
        let reporters = migrate_from_layout_1(deps.storage)?;
        LAYOUT.save(deps.storage, &STATE_LAYOUT)?;
        return Ok(response.add_attribute("reporters_converted", reporters.to_string()));
    }
    Ok(response)
}

/// Layout 1 → 2: each reporter gets its address as source (recorded in `SOURCES` too, so the
/// v0.1.0 markers keyed by its address keep answering), and the v0.1.0 statistics item is split
/// into its reward and exchange parts (the archive of past days stays where it is and
/// `get_stats` still reads it). Returns the number of reporters converted.
fn migrate_from_layout_1(storage: &mut dyn Storage) -> Result<usize, ContractError> {
    let reporters = REPORTERS
        .range(storage, None, None, Order::Ascending)
        .collect::<StdResult<Vec<_>>>()?;
    for (address, mut entry) in reporters.iter().cloned() {
        entry.source = address.to_string();
        SOURCES.save(storage, &address, &entry.source)?;
        REPORTERS.save(storage, &address, &entry)?;
    }
    if let Some(old) = v1::STATS.may_load(storage)? {
        let (reward_totals, exchange_totals) = old.totals.split();
        let (reward_today, exchange_today) = old.today.split();
        let reward = DayStats {
            day: old.day,
            totals: reward_totals,
            today: reward_today,
        };
        let exchange = DayStats {
            day: old.day,
            totals: exchange_totals,
            today: exchange_today,
        };
        REWARD_STATS.save(storage, &reward)?;
        EXCHANGE_STATS.save(storage, &exchange)?;
        v1::STATS.remove(storage);
    }
    Ok(reporters.len())
}
