//! Admin-only handlers (and the pausers' `emergency_pause {paused: true}`). None of them is
//! blocked by the pause or `enabled` switches, so the admin can always repair and resume the
//! contract.

use cosmwasm_std::{
    Addr, BankMsg, Coin, CosmosMsg, Deps, DepsMut, Empty, Env, MessageInfo, Order, Response,
    Storage, Uint128,
};

use crate::cw20_msg::Cw20Msg;
use crate::error::ContractError;
use crate::msg::{
    ExchangeRate, RegisteredContract, ReporterLimits, RewardRule, WithdrawAsset, MAX_LABEL_LEN,
    MAX_PAUSERS_PER_MSG, MAX_REPORTER_RULES, MAX_RULES_PER_MSG, MAX_RULE_ID_LEN, MAX_RULE_POINTS,
    MAX_RULE_REWARD, MAX_SOURCE_LEN,
};
use crate::state::{Config, CONFIG, PAUSERS, PENDING_ADMIN, PROCESSED, REPORTERS, RULES, SOURCES};

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

/// A source id: 1..=`MAX_SOURCE_LEN` bytes (`InvalidSource`).
pub fn validate_source(source: &str) -> Result<(), ContractError> {
    if source.is_empty() || source.len() > MAX_SOURCE_LEN {
        return Err(ContractError::InvalidSource {
            source_id: source.to_string(),
        });
    }
    Ok(())
}

/// At most `max` entries (`TooManyRules`).
pub fn ensure_rule_count(got: usize, max: usize) -> Result<(), ContractError> {
    if got > max {
        return Err(ContractError::TooManyRules { max, got });
    }
    Ok(())
}

/// Validates and stores one rule (insert or replace): id length, reward and points bounds.
pub fn save_rule(storage: &mut dyn Storage, rule: &RewardRule) -> Result<(), ContractError> {
    validate_rule_id(&rule.id)?;
    if rule.reward.u128() > MAX_RULE_REWARD || rule.points.u128() > MAX_RULE_POINTS {
        return Err(ContractError::RuleValueTooLarge {
            id: rule.id.clone(),
        });
    }
    RULES.save(storage, &rule.id, rule)?;
    Ok(())
}

/// Adds (`add`) and removes (`remove`) pausers, at most `MAX_PAUSERS_PER_MSG` in all.
pub fn set_pausers(deps: DepsMut, add: &[String], remove: &[String]) -> Result<(), ContractError> {
    let got = add.len() + remove.len();
    if got > MAX_PAUSERS_PER_MSG {
        return Err(ContractError::TooManyPausers {
            max: MAX_PAUSERS_PER_MSG,
            got,
        });
    }
    for address in add {
        PAUSERS.save(deps.storage, &deps.api.addr_validate(address)?, &Empty {})?;
    }
    for address in remove {
        PAUSERS.remove(deps.storage, &deps.api.addr_validate(address)?);
    }
    Ok(())
}

/// Pausing: the admin or a pauser. Resuming: the admin only.
pub fn emergency_pause(
    deps: DepsMut,
    info: MessageInfo,
    paused: bool,
) -> Result<Response, ContractError> {
    let mut config = CONFIG.load(deps.storage)?;
    let allowed =
        info.sender == config.admin || (paused && PAUSERS.has(deps.storage, &info.sender));
    if !allowed {
        return Err(ContractError::Unauthorized);
    }
    config.settings.emergency_paused = paused;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "emergency_pause")
        .add_attribute("paused", paused.to_string())
        .add_attribute("by", info.sender))
}

pub fn update_config(
    deps: DepsMut,
    info: MessageInfo,
    enabled: Option<bool>,
    ft_contract: Option<String>,
    registry_contract: Option<String>,
    exchange_rate: Option<ExchangeRate>,
    redeem_requires_membership: Option<bool>,
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
    if let Some(required) = redeem_requires_membership {
        config.settings.redeem_requires_membership = required;
        response = response.add_attribute("redeem_requires_membership", required.to_string());
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

pub fn cancel_admin_proposal(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    let pending = PENDING_ADMIN
        .may_load(deps.storage)?
        .ok_or(ContractError::NoPendingAdmin)?;
    PENDING_ADMIN.remove(deps.storage);
    Ok(Response::new()
        .add_attribute("action", "cancel_admin_proposal")
        .add_attribute("cancelled", pending))
}

/// One write per upserted rule and one delete per removed id: no iteration over stored rules.
pub fn update_rules(
    deps: DepsMut,
    info: MessageInfo,
    upsert: Vec<RewardRule>,
    remove: Vec<String>,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    ensure_rule_count(upsert.len() + remove.len(), MAX_RULES_PER_MSG)?;
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

/// The source `address` reports under after this registration: the one it already has (a
/// different `requested` one is `SourceChange`), else `requested`, else the address. An address
/// with no recorded source that already has markers under its own address (it reported under
/// v0.1.0, or as the admin) keeps the address as its source.
fn source_for(
    storage: &dyn Storage,
    address: &Addr,
    requested: Option<String>,
) -> Result<String, ContractError> {
    let current = match SOURCES.may_load(storage, address)? {
        Some(source) => Some(source),
        None => {
            let reported = PROCESSED
                .prefix(address.as_str())
                .keys_raw(storage, None, None, Order::Ascending)
                .next()
                .is_some();
            reported.then(|| address.to_string())
        }
    };
    match (current, requested) {
        (Some(current), Some(requested)) if current != requested => {
            Err(ContractError::SourceChange {
                address: address.to_string(),
                registered: current,
                requested,
            })
        }
        (Some(current), _) => Ok(current),
        (None, Some(requested)) => {
            validate_source(&requested)?;
            Ok(requested)
        }
        (None, None) => Ok(address.to_string()),
    }
}

fn validate_limits(limits: &ReporterLimits) -> Result<(), ContractError> {
    if let Some(rules) = &limits.rules {
        ensure_rule_count(rules.len(), MAX_REPORTER_RULES)?;
        rules.iter().try_for_each(|id| validate_rule_id(id))?;
    }
    Ok(())
}

pub fn register_contract(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    address: String,
    label: Option<String>,
    source: Option<String>,
    limits: Option<ReporterLimits>,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    let address = deps.api.addr_validate(&address)?;
    let label = label.filter(|l| !l.is_empty());
    if label.as_ref().is_some_and(|l| l.len() > MAX_LABEL_LEN) {
        return Err(ContractError::InvalidLabel);
    }
    let limits = limits.unwrap_or_default();
    validate_limits(&limits)?;
    let source = source_for(deps.storage, &address, source)?;
    SOURCES.save(deps.storage, &address, &source)?;
    let entry = RegisteredContract {
        address: address.clone(),
        label,
        registered_at: env.block.time.seconds(),
        source,
        limits,
    };
    REPORTERS.save(deps.storage, &address, &entry)?;
    let mut response = Response::new()
        .add_attribute("action", "register_contract")
        .add_attribute("address", address)
        .add_attribute("source", entry.source);
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
    let addr = deps.api.addr_validate(&address)?;
    if !REPORTERS.has(deps.storage, &addr) {
        return Err(ContractError::ContractNotRegistered { address });
    }
    REPORTERS.remove(deps.storage, &addr);
    Ok(Response::new()
        .add_attribute("action", "unregister_contract")
        .add_attribute("address", addr))
}

pub fn update_pausers(
    deps: DepsMut,
    info: MessageInfo,
    add: Vec<String>,
    remove: Vec<String>,
) -> Result<Response, ContractError> {
    load_config_as_admin(deps.as_ref(), &info)?;
    set_pausers(deps, &add, &remove)?;
    Ok(Response::new()
        .add_attribute("action", "update_pausers")
        .add_attribute("added", add.len().to_string())
        .add_attribute("removed", remove.len().to_string()))
}

/// Hands the FT minter role to `new_minter` with a cw20 `update_minter` from this contract.
pub fn update_minter(
    deps: DepsMut,
    info: MessageInfo,
    new_minter: String,
) -> Result<Response, ContractError> {
    let config = load_config_as_admin(deps.as_ref(), &info)?;
    let new_minter = deps.api.addr_validate(&new_minter)?;
    let msg = Cw20Msg::UpdateMinter {
        new_minter: Some(new_minter.to_string()),
    };
    Ok(Response::new()
        .add_message(msg.call(&config.ft_contract)?)
        .add_attribute("action", "update_minter")
        .add_attribute("new_minter", new_minter))
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
