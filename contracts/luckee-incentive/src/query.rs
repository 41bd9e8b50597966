//! Query handlers.

use cosmwasm_std::{to_json_binary, Addr, Binary, Deps, Env, Order, StdError, StdResult};
use cw_storage_plus::Bound;
use luckee_types::{page_limit, utc_day};

use crate::msg::{
    ActivityProcessedResponse, ConfigResponse, PointsResponse, QueryMsg,
    RegisteredContractsResponse, RulesResponse, StatsResponse,
};
use crate::state::{Stats, CONFIG, PENDING_ADMIN, POINTS, PROCESSED, REPORTERS, RULES, STATS};

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
            let stats: Stats = STATS.may_load(deps.storage)?.unwrap_or_default();
            to_json_binary(&StatsResponse {
                daily: stats.counters_of(deps.storage, day)?.into(),
                totals: stats.totals.into(),
                day,
            })
        }
        QueryMsg::GetPoints { address } => {
            let address = deps.api.addr_validate(&address)?;
            let points = POINTS.may_load(deps.storage, &address)?.unwrap_or_default();
            to_json_binary(&PointsResponse { address, points })
        }
        QueryMsg::IsActivityProcessed {
            reporter,
            activity_id,
        } => {
            let reporter = deps.api.addr_validate(&reporter)?;
            let processed = PROCESSED.has(deps.storage, (&reporter, &activity_id));
            to_json_binary(&ActivityProcessedResponse { processed })
        }
    }
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
