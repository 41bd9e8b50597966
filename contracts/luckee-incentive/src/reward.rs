//! User-facing handlers: reporting activities and exchanging points. These are the hot paths
//! the seed's gas budget is about, so each does a fixed, small number of storage operations:
//!
//! * `distribute_reward`: reads config, reporter (not for the admin), processed marker, rule,
//!   daily usage (capped rules only), points, stats, plus one registry query; writes processed
//!   marker, points (if the rule awards any), daily usage (capped rules only), stats; one mint.
//! * `batch_distribute`: the same per item, but config, reporter and stats once per batch, and
//!   one mint per distinct recipient.
//! * `mint_for_points`: reads config, points, stats; writes points, stats; one mint.

use cosmwasm_std::{
    Addr, Deps, DepsMut, Empty, Env, Event, MessageInfo, Response, Storage, Uint128, WasmMsg,
};
use luckee_types::registry::{IsRegisteredResponse, QueryMsg as RegistryQueryMsg};
use luckee_types::utc_day;

use crate::cw20_msg::Cw20Msg;
use crate::error::ContractError;
use crate::msg::{DistributeItem, RewardRule, MAX_ACTIVITY_ID_LEN, MAX_BATCH_SIZE};
use crate::state::{
    Config, DailyUsage, Stats, CONFIG, DAILY_USAGE, POINTS, PROCESSED, REPORTERS, RULES,
};

/// Fails with `Paused` / `Disabled` unless user-facing operations are allowed.
fn ensure_active(config: &Config) -> Result<(), ContractError> {
    if config.settings.emergency_paused {
        return Err(ContractError::Paused);
    }
    if !config.settings.enabled {
        return Err(ContractError::Disabled);
    }
    Ok(())
}

/// Loads the config for a report by `sender`: active contract, sender is admin or reporter.
fn load_config_for_reporter(deps: Deps, sender: &Addr) -> Result<Config, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    ensure_active(&config)?;
    if *sender != config.admin && !REPORTERS.has(deps.storage, sender) {
        return Err(ContractError::Unauthorized);
    }
    Ok(config)
}

/// What one accepted activity pays.
struct Payout {
    recipient: Addr,
    rule: RewardRule,
    /// New usage of the rule's daily cap, for capped rules.
    usage: Option<DailyUsage>,
}

/// All checks of one activity, reads only: on `Err` nothing has been written.
fn check_activity(
    deps: Deps,
    config: &Config,
    reporter: &Addr,
    today: u64,
    item: &DistributeItem,
) -> Result<Payout, ContractError> {
    if item.activity_id.is_empty() || item.activity_id.len() > MAX_ACTIVITY_ID_LEN {
        return Err(ContractError::InvalidActivityId);
    }
    if PROCESSED.has(deps.storage, (reporter, &item.activity_id)) {
        return Err(ContractError::ActivityAlreadyProcessed {
            reporter: reporter.to_string(),
            activity_id: item.activity_id.clone(),
        });
    }
    let rule = RULES
        .may_load(deps.storage, &item.rule_id)?
        .ok_or_else(|| ContractError::RuleNotFound {
            id: item.rule_id.clone(),
        })?;
    if !rule.enabled {
        return Err(ContractError::RuleDisabled { id: rule.id });
    }
    let recipient =
        deps.api
            .addr_validate(&item.recipient)
            .map_err(|_| ContractError::InvalidRecipient {
                address: item.recipient.clone(),
            })?;
    let usage = match rule.daily_cap {
        None => None,
        Some(cap) => {
            let used = DAILY_USAGE
                .may_load(deps.storage, (&rule.id, &recipient))?
                .filter(|u| u.day == today)
                .map_or(0, |u| u.count);
            if used >= cap {
                return Err(ContractError::DailyCapReached {
                    rule_id: rule.id,
                    recipient: recipient.into_string(),
                    cap,
                });
            }
            Some(DailyUsage {
                day: today,
                count: used + 1,
            })
        }
    };
    let registered: IsRegisteredResponse = deps.querier.query_wasm_smart(
        &config.registry_contract,
        &RegistryQueryMsg::IsRegistered {
            address: recipient.to_string(),
        },
    )?;
    if !registered.registered {
        return Err(ContractError::RecipientNotRegistered {
            recipient: recipient.into_string(),
        });
    }
    Ok(Payout {
        recipient,
        rule,
        usage,
    })
}

/// Writes an accepted activity: processed marker, points, cap usage, and the statistics.
fn record_payout(
    storage: &mut dyn Storage,
    reporter: &Addr,
    activity_id: &str,
    payout: &Payout,
    stats: &mut Stats,
) -> Result<(), ContractError> {
    PROCESSED.save(storage, (reporter, activity_id), &Empty {})?;
    if !payout.rule.points.is_zero() {
        add_points(storage, &payout.recipient, payout.rule.points)?;
    }
    if let Some(usage) = &payout.usage {
        DAILY_USAGE.save(storage, (&payout.rule.id, &payout.recipient), usage)?;
    }
    stats.record(|c| {
        c.rewards_count += 1;
        c.rewards_amount += payout.rule.reward;
        c.points_awarded += payout.rule.points;
    });
    Ok(())
}

fn add_points(storage: &mut dyn Storage, who: &Addr, points: Uint128) -> Result<(), ContractError> {
    let balance = POINTS.may_load(storage, who)?.unwrap_or_default();
    POINTS.save(
        storage,
        who,
        &balance
            .checked_add(points)
            .map_err(cosmwasm_std::StdError::from)?,
    )?;
    Ok(())
}

fn mint_msg(config: &Config, recipient: &Addr, amount: Uint128) -> Result<WasmMsg, ContractError> {
    let mint = Cw20Msg::Mint {
        recipient: recipient.to_string(),
        amount,
    };
    Ok(mint.call(&config.ft_contract)?)
}

/// `distribute_reward`: pays one activity or fails (see `ExecuteMsg::DistributeReward`).
pub fn distribute_reward(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    recipient: String,
    rule_id: String,
    activity_id: String,
) -> Result<Response, ContractError> {
    let config = load_config_for_reporter(deps.as_ref(), &info.sender)?;
    let today = utc_day(env.block.time);
    let item = DistributeItem {
        recipient,
        rule_id,
        activity_id,
    };
    let payout = check_activity(deps.as_ref(), &config, &info.sender, today, &item)?;
    let mut stats = Stats::load_for(deps.storage, today)?;
    record_payout(
        deps.storage,
        &info.sender,
        &item.activity_id,
        &payout,
        &mut stats,
    )?;
    stats.save(deps.storage)?;

    let mut response = Response::new();
    if !payout.rule.reward.is_zero() {
        response = response.add_message(mint_msg(&config, &payout.recipient, payout.rule.reward)?);
    }
    Ok(response
        .add_attribute("action", "distribute_reward")
        .add_attribute("reporter", info.sender)
        .add_attribute("recipient", payout.recipient)
        .add_attribute("rule_id", payout.rule.id)
        .add_attribute("activity_id", item.activity_id)
        .add_attribute("amount", payout.rule.reward)
        .add_attribute("points", payout.rule.points))
}

/// `batch_distribute`: pays, skips or rejects each item (see `ExecuteMsg::BatchDistribute`).
pub fn batch_distribute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    items: Vec<DistributeItem>,
) -> Result<Response, ContractError> {
    if items.is_empty() {
        return Err(ContractError::EmptyBatch);
    }
    if items.len() > MAX_BATCH_SIZE {
        return Err(ContractError::BatchTooLarge {
            max: MAX_BATCH_SIZE,
            got: items.len(),
        });
    }
    let config = load_config_for_reporter(deps.as_ref(), &info.sender)?;
    let today = utc_day(env.block.time);
    let mut stats = Stats::load_for(deps.storage, today)?;
    // FT owed per recipient, in first-seen order: one mint per distinct recipient.
    let mut mints: Vec<(Addr, Uint128)> = vec![];
    let (mut paid, mut skipped, mut rejected) = (0u32, 0u32, 0u32);
    let mut total = Uint128::zero();
    let mut events = Vec::with_capacity(items.len());

    for (index, item) in items.iter().enumerate() {
        let event = item_event(index, item);
        match check_activity(deps.as_ref(), &config, &info.sender, today, item) {
            Ok(payout) => {
                record_payout(
                    deps.storage,
                    &info.sender,
                    &item.activity_id,
                    &payout,
                    &mut stats,
                )?;
                let reward = payout.rule.reward;
                if !reward.is_zero() {
                    match mints.iter_mut().find(|(r, _)| *r == payout.recipient) {
                        Some((_, owed)) => *owed += reward,
                        None => mints.push((payout.recipient, reward)),
                    }
                }
                total += reward;
                paid += 1;
                events.push(
                    event
                        .add_attribute("status", "paid")
                        .add_attribute("amount", reward)
                        .add_attribute("points", payout.rule.points),
                );
            }
            Err(ContractError::ActivityAlreadyProcessed { .. }) => {
                skipped += 1;
                stats.record(|c| c.activities_skipped += 1);
                events.push(event.add_attribute("status", "skipped"));
            }
            Err(err) if err.is_item_rejection() => {
                rejected += 1;
                stats.record(|c| c.activities_rejected += 1);
                events.push(
                    event
                        .add_attribute("status", "rejected")
                        .add_attribute("reason", err.to_string()),
                );
            }
            Err(err) => return Err(err),
        }
    }
    stats.save(deps.storage)?;

    let messages = mints
        .iter()
        .map(|(recipient, amount)| mint_msg(&config, recipient, *amount))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Response::new()
        .add_messages(messages)
        .add_events(events)
        .add_attribute("action", "batch_distribute")
        .add_attribute("reporter", info.sender)
        .add_attribute("items", items.len().to_string())
        .add_attribute("paid", paid.to_string())
        .add_attribute("skipped", skipped.to_string())
        .add_attribute("rejected", rejected.to_string())
        .add_attribute("amount", total))
}

/// The `luckee_batch_item` event of one item; empty fields are left out (attribute values must
/// not be empty).
fn item_event(index: usize, item: &DistributeItem) -> Event {
    let mut event = Event::new("luckee_batch_item").add_attribute("index", index.to_string());
    for (key, value) in [
        ("recipient", &item.recipient),
        ("rule_id", &item.rule_id),
        ("activity_id", &item.activity_id),
    ] {
        if !value.is_empty() {
            event = event.add_attribute(key, value);
        }
    }
    event
}

/// `mint_for_points`: burns `points` of the sender's points and mints
/// `floor(points * rate.amount / rate.points)` FT to the sender.
pub fn mint_for_points(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    points: Uint128,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    ensure_active(&config)?;
    if points.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let rate = &config.settings.exchange_rate;
    // Plain u128 arithmetic (no 256-bit intermediate): overflows only past 2^128.
    let amount = points
        .u128()
        .checked_mul(rate.amount.u128())
        .map(|n| Uint128::new(n / rate.points.u128()))
        .ok_or(ContractError::ExchangeOverflow)?;
    if amount.is_zero() {
        return Err(ContractError::ExchangeAmountTooSmall { points });
    }
    let available = POINTS
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    if available < points {
        return Err(ContractError::InsufficientPoints {
            available,
            requested: points,
        });
    }
    let remaining = available - points;
    if remaining.is_zero() {
        POINTS.remove(deps.storage, &info.sender);
    } else {
        POINTS.save(deps.storage, &info.sender, &remaining)?;
    }
    let mut stats = Stats::load_for(deps.storage, utc_day(env.block.time))?;
    stats.record(|c| {
        c.exchanges_count += 1;
        c.exchanged_points += points;
        c.exchange_minted += amount;
    });
    stats.save(deps.storage)?;

    Ok(Response::new()
        .add_message(mint_msg(&config, &info.sender, amount)?)
        .add_attribute("action", "mint_for_points")
        .add_attribute("recipient", info.sender)
        .add_attribute("points", points)
        .add_attribute("amount", amount)
        .add_attribute("points_remaining", remaining))
}
