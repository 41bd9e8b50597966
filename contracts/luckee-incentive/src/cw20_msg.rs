//! The two cw20 messages this contract sends to the FT. They serialize exactly like the
//! matching `cw20::Cw20ExecuteMsg` variants (see the test), but a two-variant enum keeps the
//! serialization code of the full cw20 enum out of the wasm.

use cosmwasm_std::{to_json_binary, Addr, StdResult, Uint128, WasmMsg};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cw20Msg {
    Mint { recipient: String, amount: Uint128 },
    Transfer { recipient: String, amount: Uint128 },
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
    }
}
