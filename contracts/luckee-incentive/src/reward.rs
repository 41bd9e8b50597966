//! User-facing handlers: reporting activities and exchanging points. These are the hot paths
//! the seed's gas budget is about, so each does a fixed, small number of storage operations:
//!
//! * `distribute_reward`: reads config, the reporter (source and limits; not for the admin),
//!   the processed marker, the rule, daily usage (capped rules only), the reporter's minted
//!   amount (budget-limited reporters only), points and the reward statistics, plus one
//!   registry query; writes the processed marker, points (if the rule awards any), daily usage
//!   (capped rules only), the minted amount (budget-limited reporters only) and the reward
//!   statistics; one mint.
//! * `batch_distribute`: the same per item, but config, reporter, statistics and the minted
//!   amount once per batch, each rule read once, one registry query for all recipients, one
//!   read of the FT's cap (only if the cap matters), one mint per distinct recipient.
//! * `mint_for_points`: reads config, points and the exchange statistics, asks the registry
//!   (with `redeem_requires_membership`); writes points and the exchange statistics; one mint.

use cosmwasm_std::{
    from_json, Addr, Deps, DepsMut, Empty, Env, Event, MessageInfo, Response, StdResult, Storage,
    Uint128, WasmMsg,
};
use luckee_types::registry::{
    AreRegisteredResponse, IsRegisteredResponse, QueryMsg as RegistryQueryMsg,
};
use luckee_types::utc_day;
use serde::Deserialize;

use crate::admin::validate_source;
use crate::cw20_msg::{Cw20Msg, Cw20Query, MinterResponse, TokenInfoResponse};
use crate::error::ContractError;
use crate::msg::{DistributeItem, ReporterLimits, RewardRule, MAX_ACTIVITY_ID_LEN, MAX_BATCH_SIZE};
use crate::state::{
    bump, bump128, Config, DailyUsage, DayAmount, DayStats, ExchangeCounters, RewardCounters,
    CONFIG, DAILY_EXCHANGE_STATS, DAILY_REWARD_STATS, DAILY_USAGE, EXCHANGE_STATS, POINTS,
    PROCESSED, REPORTERS, REPORTER_MINTED, REWARD_STATS, RULES,
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

/// Who reports, under which source, within which limits.
struct Reporter {
    address: Addr,
    source: String,
    limits: ReporterLimits,
}

/// The reporter behind `sender`: a registered reporter (its own source; a different `source`
/// is `SourceMismatch`), or the admin naming a `source` (`SourceRequired`), else
/// `Unauthorized`.
fn load_reporter(
    deps: Deps,
    config: &Config,
    sender: &Addr,
    source: Option<String>,
) -> Result<Reporter, ContractError> {
    if let Some(entry) = REPORTERS.may_load(deps.storage, sender)? {
        let registered = entry.source().to_string();
        if let Some(given) = source {
            if given != registered {
                return Err(ContractError::SourceMismatch { given, registered });
            }
        }
        return Ok(Reporter {
            address: entry.address,
            source: registered,
            limits: entry.limits,
        });
    }
    if *sender != config.admin {
        return Err(ContractError::Unauthorized);
    }
    let source = source.ok_or(ContractError::SourceRequired)?;
    validate_source(&source)?;
    Ok(Reporter {
        address: sender.clone(),
        source,
        limits: ReporterLimits::default(),
    })
}

/// What one accepted activity pays.
struct Payout {
    recipient: Addr,
    rule: RewardRule,
    /// New usage of the rule's daily cap, for capped rules.
    usage: Option<DailyUsage>,
}

/// The state one message's reports share: reporter, rules read so far, the reporter's budget,
/// and (batches) the registry's answers and the FT's remaining cap.
struct Round<'a> {
    config: &'a Config,
    reporter: Reporter,
    today: u64,
    /// Rules read so far, so a batch reads each rule once.
    rules: Vec<RewardRule>,
    /// (daily budget, minted today) of a budget-limited reporter.
    budget: Option<(Uint128, Uint128)>,
    /// Batches: each distinct valid recipient's membership, from one registry query.
    members: Option<Vec<(Addr, bool)>>,
    /// Batches: FT the cw20 cap still allows; `None` until first needed, `Some(None)` = no cap.
    cap_left: Option<Option<Uint128>>,
    batch: bool,
}

impl<'a> Round<'a> {
    fn new(deps: Deps, config: &'a Config, reporter: Reporter, today: u64) -> StdResult<Self> {
        let budget = match reporter.limits.daily_mint_budget {
            Some(budget) => {
                let minted = REPORTER_MINTED
                    .may_load(deps.storage, &reporter.address)?
                    .map_or_else(Uint128::zero, |m| m.on(today));
                Some((budget, minted))
            }
            None => None,
        };
        Ok(Round {
            config,
            reporter,
            today,
            rules: vec![],
            budget,
            members: None,
            cap_left: None,
            batch: false,
        })
    }

    fn rule(&mut self, storage: &dyn Storage, id: &str) -> Result<RewardRule, ContractError> {
        if let Some(rule) = self.rules.iter().find(|r| r.id == id) {
            return Ok(rule.clone());
        }
        let rule = RULES
            .may_load(storage, id)?
            .ok_or_else(|| ContractError::RuleNotFound { id: id.to_string() })?;
        self.rules.push(rule.clone());
        Ok(rule)
    }

    fn is_member(&self, deps: Deps, recipient: &Addr) -> StdResult<bool> {
        if let Some(members) = &self.members {
            if let Some((_, registered)) = members.iter().find(|(a, _)| a == recipient) {
                return Ok(*registered);
            }
        }
        is_member(deps, &self.config.registry_contract, recipient)
    }

    /// All checks of one activity, reads only: on `Err` nothing has been written.
    fn check(&mut self, deps: Deps, item: &DistributeItem) -> Result<Payout, ContractError> {
        if item.activity_id.is_empty() || item.activity_id.len() > MAX_ACTIVITY_ID_LEN {
            return Err(ContractError::InvalidActivityId);
        }
        if PROCESSED.has(deps.storage, (&self.reporter.source, &item.activity_id)) {
            return Err(ContractError::ActivityAlreadyProcessed {
                source_id: self.reporter.source.clone(),
                activity_id: item.activity_id.clone(),
            });
        }
        let rule = self.rule(deps.storage, &item.rule_id)?;
        if !rule.enabled {
            return Err(ContractError::RuleDisabled { id: rule.id });
        }
        if let Some(allowed) = &self.reporter.limits.rules {
            if !allowed.contains(&rule.id) {
                return Err(ContractError::RuleNotAllowed { id: rule.id });
            }
        }
        let recipient = deps.api.addr_validate(&item.recipient).map_err(|_| {
            ContractError::InvalidRecipient {
                address: item.recipient.clone(),
            }
        })?;
        let usage = match rule.daily_cap {
            None => None,
            Some(cap) => {
                let used = DAILY_USAGE
                    .may_load(deps.storage, (&rule.id, &recipient))?
                    .filter(|u| u.day == self.today)
                    .map_or(0, |u| u.count);
                if used >= cap {
                    return Err(ContractError::DailyCapReached {
                        rule_id: rule.id,
                        recipient: recipient.into_string(),
                        cap,
                    });
                }
                Some(DailyUsage {
                    day: self.today,
                    count: used + 1,
                })
            }
        };
        if !self.is_member(deps, &recipient)? {
            return Err(ContractError::RecipientNotRegistered {
                recipient: recipient.into_string(),
            });
        }
        let reward = rule.reward;
        if !reward.is_zero() {
            if let Some((budget, minted)) = self.budget {
                if minted.saturating_add(reward) > budget {
                    return Err(ContractError::DailyBudgetExceeded {
                        reporter: self.reporter.address.to_string(),
                        budget,
                    });
                }
            }
            if self.batch {
                if self.cap_left.is_none() {
                    self.cap_left = Some(ft_cap_left(deps, &self.config.ft_contract)?);
                }
                if let Some(Some(left)) = self.cap_left {
                    if reward > left {
                        return Err(ContractError::CapExceeded {
                            amount: reward,
                            left,
                        });
                    }
                }
            }
        }
        Ok(Payout {
            recipient,
            rule,
            usage,
        })
    }

    /// Writes an accepted activity: processed marker, points, cap usage, and the statistics.
    fn record(
        &mut self,
        storage: &mut dyn Storage,
        activity_id: &str,
        payout: &Payout,
        stats: &mut DayStats<RewardCounters>,
    ) -> Result<(), ContractError> {
        PROCESSED.save(storage, (&self.reporter.source, activity_id), &Empty {})?;
        let (reward, points) = (payout.rule.reward, payout.rule.points);
        if !points.is_zero() {
            add_points(storage, &payout.recipient, points)?;
        }
        if let Some(usage) = &payout.usage {
            DAILY_USAGE.save(storage, (&payout.rule.id, &payout.recipient), usage)?;
        }
        if let Some((_, minted)) = &mut self.budget {
            *minted = minted.saturating_add(reward);
        }
        if let Some(Some(left)) = &mut self.cap_left {
            *left = left.saturating_sub(reward);
        }
        stats.record(|c| {
            bump(&mut c.count, 1);
            bump128(&mut c.amount, reward);
            bump128(&mut c.points, points);
        });
        Ok(())
    }

    /// Writes what the whole message changed for the reporter: its minted amount of today.
    fn finish(&self, storage: &mut dyn Storage, minted_before: Option<Uint128>) -> StdResult<()> {
        if let Some((_, minted)) = self.budget {
            if Some(minted) != minted_before {
                let today = DayAmount {
                    day: self.today,
                    amount: minted,
                };
                REPORTER_MINTED.save(storage, &self.reporter.address, &today)?;
            }
        }
        Ok(())
    }
}

fn is_member(deps: Deps, registry: &Addr, address: &Addr) -> StdResult<bool> {
    let answer: IsRegisteredResponse = deps.querier.query_wasm_smart(
        registry,
        &RegistryQueryMsg::IsRegistered {
            address: address.to_string(),
        },
    )?;
    Ok(answer.registered)
}

/// Membership of each of `addresses` in one `are_registered` query; a registry that does not
/// answer it gets one `is_registered` per address.
fn members_of(deps: Deps, registry: &Addr, addresses: Vec<Addr>) -> StdResult<Vec<(Addr, bool)>> {
    let query = RegistryQueryMsg::AreRegistered {
        addresses: addresses.iter().map(|a| a.to_string()).collect(),
    };
    let answers = match deps
        .querier
        .query_wasm_smart::<AreRegisteredResponse>(registry, &query)
    {
        Ok(answer) if answer.registered.len() == addresses.len() => answer.registered,
        _ => addresses
            .iter()
            .map(|a| is_member(deps, registry, a))
            .collect::<StdResult<_>>()?,
    };
    Ok(addresses.into_iter().zip(answers).collect())
}

/// cw20-base's stored `token_info`, the fields read here.
#[derive(Deserialize)]
struct StoredTokenInfo {
    total_supply: Uint128,
    mint: Option<StoredMinter>,
}

#[derive(Deserialize)]
struct StoredMinter {
    cap: Option<Uint128>,
}

/// FT the token's mint cap still allows (`None` = no cap): one raw read of cw20-base's
/// `token_info` item, or, for a token with another storage layout, the cw20 `minter` and
/// `token_info` queries.
fn ft_cap_left(deps: Deps, ft: &Addr) -> StdResult<Option<Uint128>> {
    if let Some(raw) = deps.querier.query_wasm_raw(ft, b"token_info".as_slice())? {
        let info: StoredTokenInfo = from_json(raw)?;
        let cap = info.mint.and_then(|m| m.cap);
        return Ok(cap.map(|cap| cap.saturating_sub(info.total_supply)));
    }
    let minter: Option<MinterResponse> =
        deps.querier.query_wasm_smart(ft, &Cw20Query::Minter {})?;
    match minter.and_then(|m| m.cap) {
        None => Ok(None),
        Some(cap) => {
            let info: TokenInfoResponse = deps
                .querier
                .query_wasm_smart(ft, &Cw20Query::TokenInfo {})?;
            Ok(Some(cap.saturating_sub(info.total_supply)))
        }
    }
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

fn load_reward_stats(storage: &mut dyn Storage, today: u64) -> StdResult<DayStats<RewardCounters>> {
    DayStats::load_for(storage, &REWARD_STATS, &DAILY_REWARD_STATS, today)
}

/// `distribute_reward`: pays one activity or fails (see `ExecuteMsg::DistributeReward`).
pub fn distribute_reward(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    item: DistributeItem,
    source: Option<String>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    ensure_active(&config)?;
    let reporter = load_reporter(deps.as_ref(), &config, &info.sender, source)?;
    let today = utc_day(env.block.time);
    let mut round = Round::new(deps.as_ref(), &config, reporter, today)?;
    let minted_before = round.budget.map(|(_, m)| m);
    let payout = round.check(deps.as_ref(), &item)?;
    let mut stats = load_reward_stats(deps.storage, today)?;
    round.record(deps.storage, &item.activity_id, &payout, &mut stats)?;
    REWARD_STATS.save(deps.storage, &stats)?;
    round.finish(deps.storage, minted_before)?;

    let mut response = Response::new();
    if !payout.rule.reward.is_zero() {
        response = response.add_message(mint_msg(&config, &payout.recipient, payout.rule.reward)?);
    }
    Ok(response
        .add_attribute("action", "distribute_reward")
        .add_attribute("reporter", info.sender)
        .add_attribute("source", round.reporter.source)
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
    source: Option<String>,
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
    let config = CONFIG.load(deps.storage)?;
    ensure_active(&config)?;
    let reporter = load_reporter(deps.as_ref(), &config, &info.sender, source)?;
    let today = utc_day(env.block.time);
    let mut round = Round::new(deps.as_ref(), &config, reporter, today)?;
    round.batch = true;
    let minted_before = round.budget.map(|(_, m)| m);
    // One registry round trip for every distinct valid recipient.
    let mut recipients: Vec<Addr> = vec![];
    for item in &items {
        if let Ok(addr) = deps.api.addr_validate(&item.recipient) {
            if !recipients.contains(&addr) {
                recipients.push(addr);
            }
        }
    }
    round.members = Some(members_of(
        deps.as_ref(),
        &config.registry_contract,
        recipients,
    )?);
    let mut stats = load_reward_stats(deps.storage, today)?;
    // FT owed per recipient, in first-seen order: one mint per distinct recipient.
    let mut mints: Vec<(Addr, Uint128)> = vec![];
    let (mut paid, mut skipped, mut rejected) = (0u32, 0u32, 0u32);
    let mut total = Uint128::zero();
    let mut events = Vec::with_capacity(items.len());

    for (index, item) in items.iter().enumerate() {
        let event = item_event(index, item);
        match round.check(deps.as_ref(), item) {
            Ok(payout) => {
                round.record(deps.storage, &item.activity_id, &payout, &mut stats)?;
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
                stats.record(|c| bump(&mut c.skipped, 1));
                events.push(event.add_attribute("status", "skipped"));
            }
            Err(err) if err.is_item_rejection() => {
                rejected += 1;
                stats.record(|c| bump(&mut c.rejected, 1));
                events.push(
                    event
                        .add_attribute("status", "rejected")
                        .add_attribute("reason", err.to_string()),
                );
            }
            Err(err) => return Err(err),
        }
    }
    REWARD_STATS.save(deps.storage, &stats)?;
    round.finish(deps.storage, minted_before)?;

    let messages = mints
        .iter()
        .map(|(recipient, amount)| mint_msg(&config, recipient, *amount))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Response::new()
        .add_messages(messages)
        .add_events(events)
        .add_attribute("action", "batch_distribute")
        .add_attribute("reporter", info.sender)
        .add_attribute("source", round.reporter.source)
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
    // 256-bit intermediate: fails only if the result itself exceeds 2^128.
    let amount = points
        .checked_multiply_ratio(rate.amount, rate.points)
        .map_err(|_| ContractError::ExchangeOverflow)?;
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
    if config.settings.redeem_requires_membership
        && !is_member(deps.as_ref(), &config.registry_contract, &info.sender)?
    {
        return Err(ContractError::RecipientNotRegistered {
            recipient: info.sender.into_string(),
        });
    }
    let remaining = available - points;
    if remaining.is_zero() {
        POINTS.remove(deps.storage, &info.sender);
    } else {
        POINTS.save(deps.storage, &info.sender, &remaining)?;
    }
    let today = utc_day(env.block.time);
    let mut stats: DayStats<ExchangeCounters> =
        DayStats::load_for(deps.storage, &EXCHANGE_STATS, &DAILY_EXCHANGE_STATS, today)?;
    stats.record(|c| {
        bump(&mut c.count, 1);
        bump128(&mut c.points, points);
        bump128(&mut c.minted, amount);
    });
    EXCHANGE_STATS.save(deps.storage, &stats)?;

    Ok(Response::new()
        .add_message(mint_msg(&config, &info.sender, amount)?)
        .add_attribute("action", "mint_for_points")
        .add_attribute("recipient", info.sender)
        .add_attribute("points", points)
        .add_attribute("amount", amount)
        .add_attribute("points_remaining", remaining))
}
