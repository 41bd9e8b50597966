//! cw-multi-test suite of the mock FT (cw20-base behind the LUCKY name).

use cosmwasm_std::{Addr, Empty, Uint128};
use cw2::set_contract_version;
use cw_multi_test::{App, Contract, ContractWrapper, Executor};
use luckee_types::migrate::MigrateError;
use mock_ft::contract::{execute, instantiate, migrate, query, CONTRACT_NAME, CONTRACT_VERSION};
use mock_ft::msg::{
    BalanceResponse, Cw20Coin, ExecuteMsg, InstantiateMsg, MigrateMsg, MinterResponse, QueryMsg,
    TokenInfoResponse, DECIMALS, SYMBOL,
};
use mock_ft::ContractError;

fn ft_code() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

struct Suite {
    app: App,
    admin: Addr,
    minter: Addr,
    token: Addr,
}

const CAP: u128 = 1_000_000_000;

impl Suite {
    fn new() -> Self {
        let mut app = App::default();
        let admin = app.api().addr_make("admin");
        let minter = app.api().addr_make("minter");
        let holder = app.api().addr_make("holder");
        let code = app.store_code(ft_code());
        let token = app
            .instantiate_contract(
                code,
                admin.clone(),
                &InstantiateMsg {
                    name: "Luckee Token".to_string(),
                    symbol: SYMBOL.to_string(),
                    decimals: DECIMALS,
                    initial_balances: vec![Cw20Coin {
                        address: holder.to_string(),
                        amount: Uint128::new(500),
                    }],
                    mint: Some(MinterResponse {
                        minter: minter.to_string(),
                        cap: Some(Uint128::new(CAP)),
                    }),
                    marketing: None,
                },
                &[],
                "lucky",
                Some(admin.to_string()),
            )
            .unwrap();
        Suite {
            app,
            admin,
            minter,
            token,
        }
    }

    fn exec(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<(), ContractError> {
        self.app
            .execute_contract(sender.clone(), self.token.clone(), msg, &[])
            .map(|_| ())
            .map_err(|e| e.downcast().unwrap())
    }

    fn mint(&mut self, sender: &Addr, to: &Addr, amount: u128) -> Result<(), ContractError> {
        let msg = ExecuteMsg::Mint {
            recipient: to.to_string(),
            amount: Uint128::new(amount),
        };
        self.exec(sender, &msg)
    }

    fn balance(&self, who: &Addr) -> u128 {
        let r: BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                &self.token,
                &QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .unwrap();
        r.balance.u128()
    }

    fn token_info(&self) -> TokenInfoResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.token, &QueryMsg::TokenInfo {})
            .unwrap()
    }
}

#[test]
fn instantiates_as_lucky_with_six_decimals_and_minter_cap() {
    let suite = Suite::new();
    let info = suite.token_info();
    assert_eq!(info.symbol, "LUCKY");
    assert_eq!(info.decimals, 6);
    assert_eq!(info.total_supply, Uint128::new(500));
    let minter: Option<MinterResponse> = suite
        .app
        .wrap()
        .query_wasm_smart(&suite.token, &QueryMsg::Minter {})
        .unwrap();
    assert_eq!(
        minter,
        Some(MinterResponse {
            minter: suite.minter.to_string(),
            cap: Some(Uint128::new(CAP)),
        })
    );
    let version = cw2::query_contract_info(&suite.app.wrap(), suite.token.to_string()).unwrap();
    assert_eq!(version.contract, CONTRACT_NAME);
}

#[test]
fn only_the_minter_mints_and_never_beyond_the_cap() {
    let mut suite = Suite::new();
    let (minter, admin) = (suite.minter.clone(), suite.admin.clone());
    let user = suite.app.api().addr_make("user");
    suite.mint(&minter, &user, 1_234).unwrap();
    assert_eq!(suite.balance(&user), 1_234);
    assert_eq!(suite.token_info().total_supply, Uint128::new(1_734));

    assert_eq!(
        suite.mint(&admin, &user, 1),
        Err(ContractError::Cw20(
            cw20_base::ContractError::Unauthorized {}
        ))
    );
    assert_eq!(
        suite.mint(&minter, &user, CAP),
        Err(ContractError::Cw20(
            cw20_base::ContractError::CannotExceedCap {}
        ))
    );
    assert_eq!(suite.balance(&user), 1_234);
}

#[test]
fn update_minter_hands_minting_to_a_new_contract() {
    let mut suite = Suite::new();
    let minter = suite.minter.clone();
    let incentive = suite.app.api().addr_make("incentive");
    let user = suite.app.api().addr_make("user");
    suite
        .exec(
            &minter,
            &ExecuteMsg::UpdateMinter {
                new_minter: Some(incentive.to_string()),
            },
        )
        .unwrap();
    assert_eq!(
        suite.mint(&minter, &user, 1),
        Err(ContractError::Cw20(
            cw20_base::ContractError::Unauthorized {}
        ))
    );
    suite.mint(&incentive, &user, 7).unwrap();
    assert_eq!(suite.balance(&user), 7);
}

#[test]
fn transfers_work_as_in_cw20_base() {
    let mut suite = Suite::new();
    let holder = suite.app.api().addr_make("holder");
    let user = suite.app.api().addr_make("user");
    suite
        .exec(
            &holder,
            &ExecuteMsg::Transfer {
                recipient: user.to_string(),
                amount: Uint128::new(200),
            },
        )
        .unwrap();
    assert_eq!(suite.balance(&holder), 300);
    assert_eq!(suite.balance(&user), 200);
}

#[test]
fn migrate_refuses_downgrade_and_other_contracts() {
    let mut suite = Suite::new();
    let admin = suite.admin.clone();
    let token = suite.token.clone();
    let code = suite.app.store_code(ft_code());
    suite
        .app
        .migrate_contract(admin.clone(), token.clone(), &MigrateMsg {}, code)
        .unwrap();

    let refusal = |app: &mut App, name: &str, version: &str| -> ContractError {
        set_contract_version(app.contract_storage_mut(&token).as_mut(), name, version).unwrap();
        app.migrate_contract(admin.clone(), token.clone(), &MigrateMsg {}, code)
            .unwrap_err()
            .downcast()
            .unwrap()
    };
    assert_eq!(
        refusal(&mut suite.app, CONTRACT_NAME, "99.0.0"),
        ContractError::Migrate(MigrateError::CannotDowngrade {
            stored: "99.0.0".to_string(),
            new: CONTRACT_VERSION.to_string(),
        })
    );
    // Plain cw20-base state (another contract name) is refused too.
    assert_eq!(
        refusal(&mut suite.app, "crates.io:cw20-base", "2.0.0"),
        ContractError::Migrate(MigrateError::WrongContract {
            expected: CONTRACT_NAME.to_string(),
            found: "crates.io:cw20-base".to_string(),
        })
    );
}
