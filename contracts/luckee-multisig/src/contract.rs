#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use cw2::set_contract_version;
use luckee_types::migrate::migrate_version;

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

pub const CONTRACT_NAME: &str = "crates.io:luckee-multisig";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// cw3-fixed-multisig instantiate (`voters` with weights, `threshold`, `max_voting_period`;
/// refuses no voters and an unreachable threshold), recorded under this crate's cw2 name.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let response = cw3_fixed_multisig::contract::instantiate(deps.branch(), env, info, msg)?;
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(response.add_attribute("action", "instantiate"))
}

/// cw3-fixed-multisig execute: `propose` (voters only; the proposer votes yes), `vote`,
/// `execute` (a passed proposal, by anyone), `close` (a rejected or expired one).
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    Ok(cw3_fixed_multisig::contract::execute(deps, env, info, msg)?)
}

/// cw3-fixed-multisig queries: threshold, proposal(s), vote(s), voter(s).
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    cw3_fixed_multisig::contract::query(deps, env, msg)
}

/// Refuses another contract name and a downgrade; the cw3 state needs no change.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    migrate_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::{Duration, ProposalResponse, Status, Threshold, Vote, Voter, VoterResponse};
    use cosmwasm_std::{to_json_binary, Addr, CosmosMsg, Empty, Uint128, WasmMsg};
    use cw20::{BalanceResponse, Cw20ExecuteMsg, Cw20QueryMsg, MinterResponse};
    use cw_multi_test::{App, AppBuilder, Contract, ContractWrapper, Executor, IntoAddr};
    use luckee_types::ft;

    fn multisig() -> Box<dyn Contract<Empty>> {
        Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
    }

    fn token() -> Box<dyn Contract<Empty>> {
        Box::new(ContractWrapper::new(
            mock_ft::contract::execute,
            mock_ft::contract::instantiate,
            mock_ft::contract::query,
        ))
    }

    /// A 2-of-3 multisig (voters a, b, c) that is the minter of a fresh token.
    fn setup() -> (App, [Addr; 3], Addr, Addr) {
        let mut app = AppBuilder::new().build(|_, _, _| {});
        let voters = ["a", "b", "c"].map(|n| n.into_addr());
        let code = app.store_code(multisig());
        let ms = app
            .instantiate_contract(
                code,
                voters[0].clone(),
                &InstantiateMsg {
                    voters: voters
                        .iter()
                        .map(|v| Voter {
                            addr: v.to_string(),
                            weight: 1,
                        })
                        .collect(),
                    threshold: Threshold::AbsoluteCount { weight: 2 },
                    max_voting_period: Duration::Time(3600),
                },
                &[],
                "admin multisig",
                None,
            )
            .unwrap();
        let ft_code = app.store_code(token());
        let ft = app
            .instantiate_contract(
                ft_code,
                voters[0].clone(),
                &ft::InstantiateMsg {
                    name: "Lucky".into(),
                    symbol: ft::SYMBOL.into(),
                    decimals: ft::DECIMALS,
                    initial_balances: vec![],
                    mint: Some(MinterResponse {
                        minter: ms.to_string(),
                        cap: None,
                    }),
                    marketing: None,
                },
                &[],
                "LUCKY",
                None,
            )
            .unwrap();
        (app, voters, ms, ft)
    }

    fn propose_mint(app: &mut App, by: &Addr, ms: &Addr, ft: &Addr, to: &Addr) -> u64 {
        let mint: CosmosMsg = WasmMsg::Execute {
            contract_addr: ft.to_string(),
            msg: to_json_binary(&Cw20ExecuteMsg::Mint {
                recipient: to.to_string(),
                amount: Uint128::new(5),
            })
            .unwrap(),
            funds: vec![],
        }
        .into();
        let r = app
            .execute_contract(
                by.clone(),
                ms.clone(),
                &ExecuteMsg::Propose {
                    title: "mint 5".into(),
                    description: "test".into(),
                    msgs: vec![mint],
                    latest: None,
                },
                &[],
            )
            .unwrap();
        r.events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == "proposal_id")
            .unwrap()
            .value
            .parse()
            .unwrap()
    }

    fn balance(app: &App, ft: &Addr, who: &Addr) -> u128 {
        let b: BalanceResponse = app
            .wrap()
            .query_wasm_smart(
                ft,
                &Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        b.balance.u128()
    }

    #[test]
    fn two_of_three_executes_only_after_the_second_vote() {
        let (mut app, v, ms, ft) = setup();
        let to = "user".into_addr();
        let id = propose_mint(&mut app, &v[0], &ms, &ft, &to);
        // The proposer's yes alone is 1 of 2: not executable.
        let early = app.execute_contract(
            v[2].clone(),
            ms.clone(),
            &ExecuteMsg::Execute { proposal_id: id },
            &[],
        );
        assert!(early.is_err());
        assert_eq!(balance(&app, &ft, &to), 0);
        app.execute_contract(
            v[1].clone(),
            ms.clone(),
            &ExecuteMsg::Vote {
                proposal_id: id,
                vote: Vote::Yes,
            },
            &[],
        )
        .unwrap();
        let p: ProposalResponse = app
            .wrap()
            .query_wasm_smart(&ms, &QueryMsg::Proposal { proposal_id: id })
            .unwrap();
        assert_eq!(p.status, Status::Passed);
        // Anyone may execute a passed proposal; the multisig is the one that mints.
        app.execute_contract(
            "anyone".into_addr(),
            ms.clone(),
            &ExecuteMsg::Execute { proposal_id: id },
            &[],
        )
        .unwrap();
        assert_eq!(balance(&app, &ft, &to), 5);
        // Executed once: a second execute is refused.
        assert!(app
            .execute_contract(
                v[1].clone(),
                ms.clone(),
                &ExecuteMsg::Execute { proposal_id: id },
                &[],
            )
            .is_err());
    }

    #[test]
    fn a_non_voter_cannot_propose_or_vote_and_voters_are_listed_with_weights() {
        let (mut app, v, ms, ft) = setup();
        let outsider = "outsider".into_addr();
        let err = app
            .execute_contract(
                outsider.clone(),
                ms.clone(),
                &ExecuteMsg::Propose {
                    title: "t".into(),
                    description: "d".into(),
                    msgs: vec![],
                    latest: None,
                },
                &[],
            )
            .unwrap_err();
        assert!(
            err.root_cause().to_string().contains("Unauthorized"),
            "{err}"
        );
        let id = propose_mint(&mut app, &v[0], &ms, &ft, &outsider);
        assert!(app
            .execute_contract(
                outsider.clone(),
                ms.clone(),
                &ExecuteMsg::Vote {
                    proposal_id: id,
                    vote: Vote::Yes,
                },
                &[],
            )
            .is_err());
        let w: VoterResponse = app
            .wrap()
            .query_wasm_smart(
                &ms,
                &QueryMsg::Voter {
                    address: v[2].to_string(),
                },
            )
            .unwrap();
        assert_eq!(w.weight, Some(1));
        let none: VoterResponse = app
            .wrap()
            .query_wasm_smart(
                &ms,
                &QueryMsg::Voter {
                    address: outsider.to_string(),
                },
            )
            .unwrap();
        assert_eq!(none.weight, None);
    }

    #[test]
    fn cw2_names_this_crate_and_migrate_refuses_a_downgrade() {
        let (app, _, ms, _) = setup();
        let info = cw2::query_contract_info(&app.wrap(), ms.to_string()).unwrap();
        assert_eq!(info.contract, CONTRACT_NAME);
        assert_eq!(info.version, CONTRACT_VERSION);

        let mut deps = cosmwasm_std::testing::mock_dependencies();
        set_contract_version(&mut deps.storage, CONTRACT_NAME, "99.0.0").unwrap();
        let env = cosmwasm_std::testing::mock_env();
        assert!(migrate(deps.as_mut(), env.clone(), MigrateMsg {}).is_err());
        set_contract_version(&mut deps.storage, "crates.io:cw3-fixed-multisig", "2.0.0").unwrap();
        assert!(migrate(deps.as_mut(), env.clone(), MigrateMsg {}).is_err());
        set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.1.0").unwrap();
        migrate(deps.as_mut(), env, MigrateMsg {}).unwrap();
    }
}
