//! The LUCKY fungible token: a stock cw20-base contract (`contracts/mock-ft` wraps it).
//!
//! Nothing is redefined: these are cw20-base's own messages, so every cw20 tool speaks to it.
//! Instantiate with `name`, `symbol: "LUCKY"`, `decimals: 6` and `mint: {minter, cap}`; the
//! incentive contract must be the minter (set at instantiate or later with `update_minter`).

pub use cw20::{
    AllowanceResponse, BalanceResponse, Cw20Coin, Cw20ExecuteMsg, Cw20QueryMsg, Logo,
    MinterResponse, TokenInfoResponse,
};
pub use cw20_base::msg::{
    ExecuteMsg, InstantiateMarketingInfo, InstantiateMsg, MigrateMsg, QueryMsg,
};

/// Symbol of the Luckee token.
pub const SYMBOL: &str = "LUCKY";

/// Decimals of the Luckee token: `1_000_000` base units = 1 LUCKY.
pub const DECIMALS: u8 = 6;
