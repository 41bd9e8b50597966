//! Query handlers.

use cosmwasm_std::{to_json_binary, Addr, Binary, Deps, Env, Order, StdError, StdResult};
use cw_storage_plus::Bound;
use luckee_types::{page_limit, utc_day};

use crate::msg::{
    ActivityProcessedResponse, ConfigResponse, PausersResponse, PointsResponse, QueryMsg,
    RegisteredContractsResponse, ReporterUsageResponse, RulesResponse, StatsResponse,
};
use crate::state::{
    stats_counters, v1, DayStats, ExchangeCounters, RewardCounters, CONFIG, DAILY_EXCHANGE_STATS,
    DAILY_REWARD_STATS, EXCHANGE_STATS, PAUSERS, PENDING_ADMIN, POINTS, PROCESSED, REPORTERS,
    REPORTER_MINTED, REWARD_STATS, RULES, SOURCES,
};

pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::GetConfig {} => to_json_binary(&query_config(deps)?),
        QueryMsg::GetRules { start_after, limit } => {
            let start = start_after.as_deref().map(Bound::exclusive);
            let rules = RULES
                .range(deps.storage, start, None, Order::Ascending)
                .take(page_limit(limit))
                .map(|entry| entry.map(|(_, rule)| rule))
                .collect::<StdResult<_>>()?;
            to_json_binary(&RulesResponse { rules })
        }
        QueryMsg::GetRule { id } => {
            let rule = RULES
                .may_load(deps.storage, &id)?
                .ok_or_else(|| StdError::not_found(format!("rule {id}")))?;
            to_json_binary(&rule)
        }
        QueryMsg::GetRegisteredContracts { start_after, limit } => {
            let start = start_after.map(Addr::unchecked);
            let contracts = REPORTERS
                .range(
                    deps.storage,
                    start.as_ref().map(Bound::exclusive),
                    None,
                    Order::Ascending,
                )
                .take(page_limit(limit))
                .map(|entry| entry.map(|(_, contract)| contract))
                .collect::<StdResult<_>>()?;
            to_json_binary(&RegisteredContractsResponse { contracts })
        }
        QueryMsg::GetStats { day } => {
            let day = day.unwrap_or_else(|| utc_day(env.block.time));
            to_json_binary(&query_stats(deps, day)?)
        }
        QueryMsg::GetPoints { address } => {
            let address = deps.api.addr_validate(&address)?;
            let points = POINTS.may_load(deps.storage, &address)?.unwrap_or_default();
            to_json_binary(&PointsResponse { address, points })
        }
        QueryMsg::IsActivityProcessed {
            reporter,
            source,
            activity_id,
        } => {
            let source = match (reporter, source) {
                (None, Some(source)) => source,
                (Some(reporter), None) => {
                    let reporter = deps.api.addr_validate(&reporter)?;
                    SOURCES
                        .may_load(deps.storage, &reporter)?
                        .unwrap_or_else(|| reporter.into_string())
                }
                _ => {
                    return Err(StdError::generic_err(
                        "is_activity_processed takes exactly one of reporter and source",
                    ))
                }
            };
            let processed = PROCESSED.has(deps.storage, (&source, &activity_id));
            to_json_binary(&ActivityProcessedResponse { processed })
        }
        QueryMsg::GetPausers { start_after, limit } => {
            let start = start_after.map(Addr::unchecked);
            let pausers = PAUSERS
                .keys(
                    deps.storage,
                    start.as_ref().map(Bound::exclusive),
                    None,
                    Order::Ascending,
                )
                .take(page_limit(limit))
                .collect::<StdResult<_>>()?;
            to_json_binary(&PausersResponse { pausers })
        }
        QueryMsg::GetReporterUsage { address, day } => {
            let address = deps.api.addr_validate(&address)?;
            let day = day.unwrap_or_else(|| utc_day(env.block.time));
            let minted = REPORTER_MINTED
                .may_load(deps.storage, &address)?
                .map_or_else(Default::default, |m| m.on(day));
            let daily_mint_budget = REPORTERS
                .may_load(deps.storage, &address)?
                .and_then(|r| r.limits.daily_mint_budget);
            to_json_binary(&ReporterUsageResponse {
                address,
                day,
                minted,
                daily_mint_budget,
            })
        }
    }
}

/// Totals and the counters of `day`: the reward and exchange parts, plus, for a day archived
/// before the v0.2.0 upgrade, the v0.1.0 archive.
fn query_stats(deps: Deps, day: u64) -> StdResult<StatsResponse> {
    let reward: DayStats<RewardCounters> = REWARD_STATS.may_load(deps.storage)?.unwrap_or_default();
    let exchange: DayStats<ExchangeCounters> =
        EXCHANGE_STATS.may_load(deps.storage)?.unwrap_or_default();
    let mut daily_reward = reward.counters_of(deps.storage, &DAILY_REWARD_STATS, day)?;
    let mut daily_exchange = exchange.counters_of(deps.storage, &DAILY_EXCHANGE_STATS, day)?;
    if let Some(old) = v1::DAILY_STATS.may_load(deps.storage, day)? {
        let (r, x) = old.split();
        daily_reward = RewardCounters {
            count: daily_reward.count.saturating_add(r.count),
            amount: daily_reward.amount.saturating_add(r.amount),
            points: daily_reward.points.saturating_add(r.points),
            rejected: daily_reward.rejected.saturating_add(r.rejected),
            skipped: daily_reward.skipped.saturating_add(r.skipped),
        };
        daily_exchange = ExchangeCounters {
            count: daily_exchange.count.saturating_add(x.count),
            points: daily_exchange.points.saturating_add(x.points),
            minted: daily_exchange.minted.saturating_add(x.minted),
        };
    }
    Ok(StatsResponse {
        totals: stats_counters(&reward.totals, &exchange.totals),
        day,
        daily: stats_counters(&daily_reward, &daily_exchange),
    })
}

fn query_config(deps: Deps) -> StdResult<ConfigResponse> {
    let config = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        admin: config.admin,
        pending_admin: PENDING_ADMIN.may_load(deps.storage)?,
        ft_contract: config.ft_contract,
        registry_contract: config.registry_contract,
        config: config.settings,
    })
}
