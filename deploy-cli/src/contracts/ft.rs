//! Typed client of the cw20 token (messages: [`luckee_types::ft`], i.e. cw20-base's).

use cosmwasm_std::Uint128;
use luckee_types::ft::{BalanceResponse, ExecuteMsg, MinterResponse, QueryMsg, TokenInfoResponse};

use super::{Contract, ContractApi, ContractKind};
use crate::error::Result;

/// Marker of the FT's (cw20-base) message types.
#[derive(Debug, Clone, Copy)]
pub struct Ft;

impl ContractApi for Ft {
    const KIND: ContractKind = ContractKind::Ft;
    type ExecuteMsg = ExecuteMsg;
    type QueryMsg = QueryMsg;
    type MigrateMsg = luckee_types::ft::MigrateMsg;
}

/// A cw20 token contract (our `mock_ft`, or an existing cw20).
pub type FtClient<'a> = Contract<'a, Ft>;

impl FtClient<'_> {
    /// cw20 `token_info`: name, symbol, decimals, total supply (base units).
    pub async fn token_info(&self, height: Option<u64>) -> Result<TokenInfoResponse> {
        self.query(&QueryMsg::TokenInfo {}, height).await
    }

    /// cw20 `minter`: minter and cap (base units); `None` when the token has no minter.
    pub async fn minter(&self, height: Option<u64>) -> Result<Option<MinterResponse>> {
        self.query(&QueryMsg::Minter {}, height).await
    }

    /// cw20 `balance` of `address`, base units.
    pub async fn balance(&self, address: &str, height: Option<u64>) -> Result<Uint128> {
        let r: BalanceResponse = self
            .query(
                &QueryMsg::Balance {
                    address: address.into(),
                },
                height,
            )
            .await?;
        Ok(r.balance)
    }
}
