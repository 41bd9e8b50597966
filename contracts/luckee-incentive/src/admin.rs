//! Admin-only handlers. None of them is blocked by the pause or `enabled` switches, so the admin
//! can always repair and resume the contract.

use cosmwasm_std::{
    Addr, BankMsg, Coin, CosmosMsg, Deps, DepsMut, Env, MessageInfo, Response, Storage, Uint128,
};

use crate::cw20_msg::Cw20Msg;
use crate::error::ContractError;
use crate::msg::{ExchangeRate, RegisteredContract, RewardRule, WithdrawAsset, MAX_RULE_ID_LEN};
use crate::state::{Config, CONFIG, PENDING_ADMIN, REPORTERS, RULES};

/// Loads the config and checks that `info.sender` is its admin.
pub fn load_config_as_admin(deps: Deps, info: &MessageInfo) -> Result<Config, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if info.sender != config.admin {
        return Err(ContractError::Unauthorized);
    }
    Ok(config)
}

pub fn validate_exchange_rate(rate: &ExchangeRate) -> Result<(), ContractError> {
    if rate.points.is_zero() || rate.amount.is_zero() {
        return Err(ContractError::InvalidExchangeRate);
    }
    Ok(())
}

fn validate_rule_id(id: &str) -> Result<(), ContractError> {
    if id.is_empty() || id.len() > MAX_RULE_ID_LEN {
        return Err(ContractError::InvalidRuleId { id: id.to_string() });
    }
    Ok(())
}

/// Validates and stores one rule (insert or replace).
pub fn save_rule(storage: &mut dyn Storage, rule: &RewardRule) -> Result<(), ContractError> {
    validate_rule_id(&rule.id)?;
    RULES.save(storage, &rule.id, rule)?;
    Ok(())
}

pub fn emergency_pause(
    deps: DepsMut,
    info: MessageInfo,
    paused: bool,
) -> Result<Response, ContractError> {
    let mut config = load_config_as_admin(deps.as_ref(), &info)?;
    config.settings.emergency_paused = paused;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "emergency_pause")
        .add_attribute("paused", paused.to_string()))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    enabled: Option<bool>,
    ft_contract: Option<String>,
    registry_contract: Option<String>,
    exchange_rate: Option<ExchangeRate>,
) -> Result<Response, ContractError> {
    let mut config = load_config_as_admin(deps.as_ref(), &info)?;
    let mut response = Response::new().add_attribute("action", "update_config");
    if let Some(enabled) = enabled {
        config.settings.enabled = enabled;
        response = response.add_attribute("enabled", enabled.to_string());
    }
    if let Some(ft_contract) = ft_contract {
        config.ft_contract = deps.api.addr_validate(&ft_contract)?;
        response = response.add_attribute("ft_contract", ft_contract);
    }
    if let Some(registry_contract) = registry_contract {
        config.registry_contract = deps.api.addr_validate(&registry_contract)?;
        response = response.add_attribute("registry_contract", registry_contract);
    }
    if let Some(rate) = exchange_rate {
        validate_exchange_rate(&rate)?;
        response = response
            .add_attribute("exchange_rate_points", rate.points)
            .add_attribute("exchange_rate_amount", rate.amount);
        config.settings.exchange_rate = rate;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(response)
}

pub fn propose_admin(
    deps: DepsMut,
    info: MessageInfo,
    new_admin: String,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    let new_admin = deps.api.addr_validate(&new_admin)?;
    PENDING_ADMIN.save(deps.storage, &new_admin)?;
    Ok(Response::new()
        .add_attribute("action", "propose_admin")
        .add_attribute("pending_admin", new_admin))
}

pub fn accept_admin(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    let pending = PENDING_ADMIN
        .may_load(deps.storage)?
        .ok_or(ContractError::NoPendingAdmin)?;
    if info.sender != pending {
        return Err(ContractError::Unauthorized);
    }
    CONFIG.update(deps.storage, |mut config| -> Result<_, ContractError> {
        config.admin = pending.clone();
        Ok(config)
    })?;
    PENDING_ADMIN.remove(deps.storage);
    Ok(Response::new()
        .add_attribute("action", "accept_admin")
        .add_attribute("admin", pending))
}

/// One write per upserted rule and one delete per removed id: no iteration over stored rules.
pub fn update_rules(
    deps: DepsMut,
    info: MessageInfo,
    upsert: Vec<RewardRule>,
    remove: Vec<String>,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    let mut response = Response::new().add_attribute("action", "update_rules");
    for rule in &upsert {
        save_rule(deps.storage, rule)?;
        response = response.add_attribute("upsert", &rule.id);
    }
    for id in &remove {
        validate_rule_id(id)?;
        RULES.remove(deps.storage, id);
        response = response.add_attribute("remove", id);
    }
    Ok(response)
}

pub fn register_contract(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    address: String,
    label: Option<String>,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    let address = deps.api.addr_validate(&address)?;
    let entry = RegisteredContract {
        address: address.clone(),
        label: label.filter(|l| !l.is_empty()),
        registered_at: env.block.time.seconds(),
    };
    REPORTERS.save(deps.storage, &address, &entry)?;
    let mut response = Response::new()
        .add_attribute("action", "register_contract")
        .add_attribute("address", address);
    if let Some(label) = entry.label {
        response = response.add_attribute("label", label);
    }
    Ok(response)
}

pub fn unregister_contract(
    deps: DepsMut,
    info: MessageInfo,
    address: String,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    let addr = Addr::unchecked(&address);
    if !REPORTERS.has(deps.storage, &addr) {
        return Err(ContractError::ContractNotRegistered { address });
    }
    REPORTERS.remove(deps.storage, &addr);
    Ok(Response::new()
        .add_attribute("action", "unregister_contract")
        .add_attribute("address", address))
}

pub fn emergency_withdraw(
    deps: DepsMut,
    info: MessageInfo,
    asset: WithdrawAsset,
    recipient: String,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    let recipient = deps.api.addr_validate(&recipient)?;
    let (message, asset_attr, amount): (CosmosMsg, String, Uint128) = match asset {
        WithdrawAsset::Native { denom, amount } => (
            BankMsg::Send {
                to_address: recipient.to_string(),
                amount: vec![Coin::new(amount, denom.clone())],
            }
            .into(),
            denom,
            amount,
        ),
        WithdrawAsset::Cw20 { contract, amount } => {
            let contract = deps.api.addr_validate(&contract)?;
            let transfer = Cw20Msg::Transfer {
                recipient: recipient.to_string(),
                amount,
            };
            (
                transfer.call(&contract)?.into(),
                contract.into_string(),
                amount,
            )
        }
    };
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    Ok(Response::new()
        .add_message(message)
        .add_attribute("action", "emergency_withdraw")
        .add_attribute("recipient", recipient)
        .add_attribute("asset", asset_attr)
        .add_attribute("amount", amount))
}
