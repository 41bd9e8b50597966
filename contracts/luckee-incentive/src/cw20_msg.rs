//! The cw20 messages this contract sends to the FT. They serialize exactly like the
//! matching `cw20::Cw20ExecuteMsg` variants (see the test), but a small enum keeps the
//! serialization code of the full cw20 enum out of the wasm.

use cosmwasm_std::{to_json_binary, Addr, StdResult, Uint128, WasmMsg};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cw20Msg {
    Mint { recipient: String, amount: Uint128 },
    Transfer { recipient: String, amount: Uint128 },
    UpdateMinter { new_minter: Option<String> },
}

/// The two cw20 queries this contract may send (only to a token whose storage is not
/// cw20-base's, see `reward::ft_cap_left`).
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cw20Query {
    Minter {},
    TokenInfo {},
}

/// The part of cw20's `minter` answer read here (`null` when the token has no minter).
#[derive(Deserialize)]
pub struct MinterResponse {
    pub cap: Option<Uint128>,
}

/// The part of cw20's `token_info` answer read here.
#[derive(Deserialize)]
pub struct TokenInfoResponse {
    pub total_supply: Uint128,
}

impl Cw20Msg {
    /// This message as a call of the cw20 contract at `token`.
    pub fn call(&self, token: &Addr) -> StdResult<WasmMsg> {
        Ok(WasmMsg::Execute {
            contract_addr: token.to_string(),
            msg: to_json_binary(self)?,
            funds: vec![],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cw20::Cw20ExecuteMsg;

    #[test]
    fn serializes_like_cw20() {
        let (recipient, amount) = ("addr".to_string(), Uint128::new(42));
        assert_eq!(
            to_json_binary(&Cw20Msg::Mint {
                recipient: recipient.clone(),
                amount
            })
            .unwrap(),
            to_json_binary(&Cw20ExecuteMsg::Mint {
                recipient: recipient.clone(),
                amount
            })
            .unwrap()
        );
        assert_eq!(
            to_json_binary(&Cw20Msg::Transfer {
                recipient: recipient.clone(),
                amount
            })
            .unwrap(),
            to_json_binary(&Cw20ExecuteMsg::Transfer { recipient, amount }).unwrap()
        );
        let new_minter = Some("next".to_string());
        assert_eq!(
            to_json_binary(&Cw20Msg::UpdateMinter {
                new_minter: new_minter.clone()
            })
            .unwrap(),
            to_json_binary(&Cw20ExecuteMsg::UpdateMinter { new_minter }).unwrap()
        );
    }
}
