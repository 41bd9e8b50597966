//! The three contracts wired together in cw-multi-test: registry (members), FT (incentive is
//! its minter) and incentive (with a registered reporter and three reward rules).

#![allow(dead_code)] // Each test binary uses its own subset.

use cosmwasm_std::{Addr, Empty, Uint128};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use luckee_incentive::msg::{
    ConfigResponse, ExchangeRate, ExecuteMsg, IncentiveConfig, InstantiateMsg, PointsResponse,
    QueryMsg, RewardRule, StatsResponse,
};
use luckee_incentive::ContractError;
use luckee_types::ft;
use luckee_types::registry;

pub fn incentive_code() -> Box<dyn Contract<Empty>> {
    use luckee_incentive::contract::{execute, instantiate, migrate, query};
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

pub fn ft_code() -> Box<dyn Contract<Empty>> {
    use mock_ft::contract::{execute, instantiate, migrate, query};
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

pub fn registry_code() -> Box<dyn Contract<Empty>> {
    use mock_registry::contract::{execute, instantiate, migrate, query};
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

/// Pays 1 LUCKY and 10 points, unlimited.
pub const CHECKIN: &str = "checkin";
pub const CHECKIN_REWARD: u128 = 1_000_000;
pub const CHECKIN_POINTS: u128 = 10;
/// Pays 500 base units and 1 point, at most twice per recipient per UTC day.
pub const CAPPED: &str = "capped";
pub const CAPPED_REWARD: u128 = 500;
pub const CAPPED_CAP: u32 = 2;
/// Pays 7 points and no FT.
pub const POINTS_ONLY: &str = "points_only";
pub const POINTS_ONLY_POINTS: u128 = 7;

/// The source the suite's admin names when it reports (`Suite::distribute`).
pub const ADMIN_SOURCE: &str = "ops-manual";

/// Registry members at instantiation.
pub const MEMBERS: [&str; 3] = ["alice", "bob", "carol"];

pub fn rules() -> Vec<RewardRule> {
    vec![
        RewardRule {
            id: CHECKIN.to_string(),
            reward: Uint128::new(CHECKIN_REWARD),
            points: Uint128::new(CHECKIN_POINTS),
            daily_cap: None,
            enabled: true,
        },
        RewardRule {
            id: CAPPED.to_string(),
            reward: Uint128::new(CAPPED_REWARD),
            points: Uint128::new(1),
            daily_cap: Some(CAPPED_CAP),
            enabled: true,
        },
        RewardRule {
            id: POINTS_ONLY.to_string(),
            reward: Uint128::zero(),
            points: Uint128::new(POINTS_ONLY_POINTS),
            daily_cap: None,
            enabled: true,
        },
    ]
}

pub struct Suite {
    pub app: App,
    pub admin: Addr,
    /// A registered reporter contract.
    pub reporter: Addr,
    pub ft: Addr,
    pub registry: Addr,
    pub incentive: Addr,
}

impl Suite {
    /// Registry with [`MEMBERS`], FT (minter handed to the incentive), incentive with
    /// [`rules`] and `reporter` registered.
    pub fn new() -> Self {
        let mut app = App::default();
        let admin = app.api().addr_make("admin");
        let reporter = app.api().addr_make("reporter");

        let registry_id = app.store_code(registry_code());
        let members = MEMBERS
            .iter()
            .map(|m| app.api().addr_make(m).to_string())
            .collect();
        let registry = app
            .instantiate_contract(
                registry_id,
                admin.clone(),
                &registry::InstantiateMsg {
                    admin: None,
                    members,
                },
                &[],
                "registry",
                Some(admin.to_string()),
            )
            .unwrap();

        let ft_id = app.store_code(ft_code());
        let ft = app
            .instantiate_contract(
                ft_id,
                admin.clone(),
                &ft::InstantiateMsg {
                    name: "Luckee Token".to_string(),
                    symbol: ft::SYMBOL.to_string(),
                    decimals: ft::DECIMALS,
                    initial_balances: vec![],
                    mint: Some(ft::MinterResponse {
                        minter: admin.to_string(),
                        cap: None,
                    }),
                    marketing: None,
                },
                &[],
                "lucky",
                Some(admin.to_string()),
            )
            .unwrap();

        let incentive_id = app.store_code(incentive_code());
        let incentive = app
            .instantiate_contract(
                incentive_id,
                admin.clone(),
                &InstantiateMsg {
                    admin: admin.to_string(),
                    ft_contract: ft.to_string(),
                    registry_contract: registry.to_string(),
                    config: IncentiveConfig::default(),
                    rules: rules(),
                    pausers: vec![],
                },
                &[],
                "incentive",
                Some(admin.to_string()),
            )
            .unwrap();

        app.execute_contract(
            admin.clone(),
            ft.clone(),
            &ft::ExecuteMsg::UpdateMinter {
                new_minter: Some(incentive.to_string()),
            },
            &[],
        )
        .unwrap();
        app.execute_contract(
            admin.clone(),
            incentive.clone(),
            &ExecuteMsg::RegisterContract {
                address: reporter.to_string(),
                label: Some("game-server".to_string()),
                source: None,
                limits: None,
            },
            &[],
        )
        .unwrap();

        Suite {
            app,
            admin,
            reporter,
            ft,
            registry,
            incentive,
        }
    }

    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    pub fn exec(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<AppResponse, ContractError> {
        self.app
            .execute_contract(sender.clone(), self.incentive.clone(), msg, &[])
            .map_err(|e| e.downcast().expect("a ContractError"))
    }

    pub fn admin_exec(&mut self, msg: &ExecuteMsg) -> Result<AppResponse, ContractError> {
        let admin = self.admin.clone();
        self.exec(&admin, msg)
    }

    /// Admin `update_config` of the exchange rate only: `points` points buy `amount` base units.
    pub fn set_rate(&mut self, points: u128, amount: u128) {
        let rate = ExchangeRate {
            points: Uint128::new(points),
            amount: Uint128::new(amount),
        };
        self.admin_exec(&ExecuteMsg::UpdateConfig {
            enabled: None,
            ft_contract: None,
            registry_contract: None,
            exchange_rate: Some(rate),
            redeem_requires_membership: None,
        })
        .unwrap();
    }

    /// Admin `update_config` of the `enabled` switch only.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.admin_exec(&ExecuteMsg::UpdateConfig {
            enabled: Some(enabled),
            ft_contract: None,
            registry_contract: None,
            exchange_rate: None,
            redeem_requires_membership: None,
        })
        .unwrap();
    }

    /// `distribute_reward` by `reporter` to the member called `recipient`.
    pub fn distribute(
        &mut self,
        reporter: &Addr,
        recipient: &str,
        rule_id: &str,
        activity_id: &str,
    ) -> Result<AppResponse, ContractError> {
        let msg = ExecuteMsg::DistributeReward {
            recipient: self.addr(recipient).to_string(),
            rule_id: rule_id.to_string(),
            activity_id: activity_id.to_string(),
            source: (*reporter == self.admin).then(|| ADMIN_SOURCE.to_string()),
        };
        self.exec(reporter, &msg)
    }

    pub fn mint_for_points(
        &mut self,
        who: &str,
        points: u128,
    ) -> Result<AppResponse, ContractError> {
        let sender = self.addr(who);
        self.exec(
            &sender,
            &ExecuteMsg::MintForPoints {
                points: Uint128::new(points),
            },
        )
    }

    pub fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.incentive, msg)
            .unwrap()
    }

    pub fn config(&self) -> ConfigResponse {
        self.query(&QueryMsg::GetConfig {})
    }

    pub fn stats(&self) -> StatsResponse {
        self.query(&QueryMsg::GetStats { day: None })
    }

    pub fn points(&self, who: &str) -> u128 {
        let r: PointsResponse = self.query(&QueryMsg::GetPoints {
            address: self.addr(who).to_string(),
        });
        r.points.u128()
    }

    pub fn balance(&self, who: &str) -> u128 {
        self.balance_of(&self.addr(who))
    }

    pub fn balance_of(&self, who: &Addr) -> u128 {
        let r: ft::BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.ft,
                &ft::QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        r.balance.u128()
    }

    pub fn supply(&self) -> u128 {
        let r: ft::TokenInfoResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.ft, &ft::QueryMsg::TokenInfo {})
            .unwrap();
        r.total_supply.u128()
    }

    /// Whether `activity_id` was paid under the source of `reporter`.
    pub fn processed(&self, reporter: &Addr, activity_id: &str) -> bool {
        let r: luckee_incentive::msg::ActivityProcessedResponse =
            self.query(&QueryMsg::IsActivityProcessed {
                reporter: Some(reporter.to_string()),
                source: None,
                activity_id: activity_id.to_string(),
            });
        r.processed
    }

    /// Whether `activity_id` was paid under `source`.
    pub fn processed_under(&self, source: &str, activity_id: &str) -> bool {
        let r: luckee_incentive::msg::ActivityProcessedResponse =
            self.query(&QueryMsg::IsActivityProcessed {
                reporter: None,
                source: Some(source.to_string()),
                activity_id: activity_id.to_string(),
            });
        r.processed
    }

    /// Admin `register_contract` of `address` with `source` and `limits`.
    pub fn register(
        &mut self,
        address: &Addr,
        source: Option<&str>,
        limits: Option<luckee_incentive::msg::ReporterLimits>,
    ) -> Result<AppResponse, ContractError> {
        self.admin_exec(&ExecuteMsg::RegisterContract {
            address: address.to_string(),
            label: None,
            source: source.map(str::to_string),
            limits,
        })
    }

    pub fn next_day(&mut self) {
        self.app.update_block(|b| {
            b.time = b.time.plus_days(1);
            b.height += 17_280;
        });
    }

    /// Value of attribute `key` in the incentive contract's own `wasm` event.
    pub fn attr(&self, response: &AppResponse, key: &str) -> Option<String> {
        response
            .events
            .iter()
            .filter(|e| e.ty == "wasm")
            .filter(|e| {
                e.attributes
                    .iter()
                    .any(|a| a.key == "_contract_address" && a.value == self.incentive.as_str())
            })
            .flat_map(|e| e.attributes.iter())
            .find(|a| a.key == key)
            .map(|a| a.value.clone())
    }
}

/// The `wasm-luckee_batch_item` events of a batch response, as (status, activity_id) pairs.
pub fn batch_items(response: &AppResponse) -> Vec<(String, String)> {
    response
        .events
        .iter()
        .filter(|e| e.ty == "wasm-luckee_batch_item")
        .map(|e| {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap_or_default()
            };
            (get("status"), get("activity_id"))
        })
        .collect()
}
