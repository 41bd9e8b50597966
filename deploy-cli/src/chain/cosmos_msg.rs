//! Between the SDK messages luckee signs (`Any`: `MsgExecuteContract`, `MsgMigrateContract`,
//! `MsgUpdateAdmin`, `MsgClearAdmin`) and the `CosmosMsg`s a cw3 multisig proposal carries
//! (issue 15): a multisig executes a proposal by dispatching its `CosmosMsg`s as itself, so
//! [`to_cosmos_msg`] drops the sender and [`to_any`] puts the multisig back as the sender.
//! Pure; the round trip is exact (`to_any(&to_cosmos_msg(m)?, sender) == m` for a message
//! whose sender is `sender`).
//!
//! Only the wasm messages above can go through a proposal: the contracts are built without the
//! `cosmwasm_2_0` feature (`CosmosMsg::Any`), which would change every released wasm (cargo
//! unifies features in the one build). A label change (`MsgUpdateContractLabel`) or a code
//! upload (`MsgStoreCode`) is refused with exit 2: voters upload code with their own key.

use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::Any;
use cosmwasm_std::{Binary, Coin, CosmosMsg, Uint128, WasmMsg};
use prost::{Message, Name};

use super::tx::to_any as pack;
use crate::error::{Error, Result};

fn decode<M: Message + Name + Default>(any: &Any) -> Result<M> {
    M::decode(any.value.as_slice())
        .map_err(|e| Error::usage(format!("{}: cannot decode: {e}", any.type_url)))
}

/// The `CosmosMsg` a multisig must dispatch to have the same effect as `any` (its sender
/// becomes the multisig).
///
/// Errors (exit 2): a message type a proposal cannot carry (named, with the reason), bytes
/// that do not decode, a fund amount that is not an integer.
pub fn to_cosmos_msg(any: &Any) -> Result<CosmosMsg> {
    let wasm = if any.type_url == wasm::MsgExecuteContract::type_url() {
        let m: wasm::MsgExecuteContract = decode(any)?;
        let funds = m
            .funds
            .iter()
            .map(|c| {
                let amount = c.amount.parse::<u128>().map_err(|e| {
                    Error::usage(format!("fund amount '{}{}': {e}", c.amount, c.denom))
                })?;
                Ok(Coin {
                    denom: c.denom.clone(),
                    amount: Uint128::new(amount),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        WasmMsg::Execute {
            contract_addr: m.contract,
            msg: Binary::new(m.msg),
            funds,
        }
    } else if any.type_url == wasm::MsgMigrateContract::type_url() {
        let m: wasm::MsgMigrateContract = decode(any)?;
        WasmMsg::Migrate {
            contract_addr: m.contract,
            new_code_id: m.code_id,
            msg: Binary::new(m.msg),
        }
    } else if any.type_url == wasm::MsgUpdateAdmin::type_url() {
        let m: wasm::MsgUpdateAdmin = decode(any)?;
        WasmMsg::UpdateAdmin {
            contract_addr: m.contract,
            admin: m.new_admin,
        }
    } else if any.type_url == wasm::MsgClearAdmin::type_url() {
        let m: wasm::MsgClearAdmin = decode(any)?;
        WasmMsg::ClearAdmin {
            contract_addr: m.contract,
        }
    } else {
        return Err(Error::usage(format!(
            "{} cannot go through a multisig proposal: a proposal carries only contract \
             execute, migrate, update_admin and clear_admin messages (a label change or a \
             code upload is sent by a voter's own key)",
            any.type_url
        )));
    };
    Ok(CosmosMsg::Wasm(wasm))
}

/// The SDK message a multisig at `sender` sends when it dispatches `msg` (what a proposal will
/// do, in the form luckee builds and compares). Errors (exit 2): a `CosmosMsg` other than the
/// four wasm messages of [`to_cosmos_msg`].
pub fn to_any(msg: &CosmosMsg, sender: &str) -> Result<Any> {
    let CosmosMsg::Wasm(w) = msg else {
        return Err(Error::usage(format!(
            "a proposal message luckee does not know: {}",
            serde_json::to_string(msg).unwrap_or_else(|_| format!("{msg:?}"))
        )));
    };
    Ok(match w {
        WasmMsg::Execute {
            contract_addr,
            msg,
            funds,
        } => pack(&wasm::MsgExecuteContract {
            sender: sender.into(),
            contract: contract_addr.clone(),
            msg: msg.to_vec(),
            funds: funds
                .iter()
                .map(|c| ProtoCoin {
                    denom: c.denom.clone(),
                    amount: c.amount.to_string(),
                })
                .collect(),
        }),
        WasmMsg::Migrate {
            contract_addr,
            new_code_id,
            msg,
        } => pack(&wasm::MsgMigrateContract {
            sender: sender.into(),
            contract: contract_addr.clone(),
            code_id: *new_code_id,
            msg: msg.to_vec(),
        }),
        WasmMsg::UpdateAdmin {
            contract_addr,
            admin,
        } => pack(&wasm::MsgUpdateAdmin {
            sender: sender.into(),
            new_admin: admin.clone(),
            contract: contract_addr.clone(),
        }),
        WasmMsg::ClearAdmin { contract_addr } => pack(&wasm::MsgClearAdmin {
            sender: sender.into(),
            contract: contract_addr.clone(),
        }),
        other => {
            return Err(Error::usage(format!(
                "a proposal message luckee does not know: {}",
                serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}"))
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: &str = "wasm1multisig";

    fn samples() -> Vec<Any> {
        vec![
            pack(&wasm::MsgExecuteContract {
                sender: MS.into(),
                contract: "wasm1inc".into(),
                msg: br#"{"emergency_pause":{"paused":false}}"#.to_vec(),
                funds: vec![ProtoCoin {
                    denom: "ustake".into(),
                    amount: "340282366920938463463374607431768211455".into(),
                }],
            }),
            pack(&wasm::MsgMigrateContract {
                sender: MS.into(),
                contract: "wasm1inc".into(),
                code_id: 7,
                msg: b"{}".to_vec(),
            }),
            pack(&wasm::MsgUpdateAdmin {
                sender: MS.into(),
                new_admin: "wasm1new".into(),
                contract: "wasm1ft".into(),
            }),
            pack(&wasm::MsgClearAdmin {
                sender: MS.into(),
                contract: "wasm1reg".into(),
            }),
        ]
    }

    #[test]
    fn every_supported_message_round_trips_exactly() {
        for any in samples() {
            let cosmos = to_cosmos_msg(&any).unwrap();
            assert_eq!(to_any(&cosmos, MS).unwrap(), any, "{}", any.type_url);
        }
    }

    #[test]
    fn a_proposal_carries_them_as_cw3_expects() {
        let json: Vec<serde_json::Value> = samples()
            .iter()
            .map(|a| serde_json::to_value(to_cosmos_msg(a).unwrap()).unwrap())
            .collect();
        assert_eq!(
            json[0],
            serde_json::json!({"wasm": {"execute": {
                "contract_addr": "wasm1inc",
                // base64 of the execute JSON, as cw3 stores it
                "msg": "eyJlbWVyZ2VuY3lfcGF1c2UiOnsicGF1c2VkIjpmYWxzZX19",
                "funds": [{"denom": "ustake", "amount": "340282366920938463463374607431768211455"}],
            }}})
        );
        assert_eq!(
            json[1],
            serde_json::json!({"wasm": {"migrate": {"contract_addr": "wasm1inc", "new_code_id": 7, "msg": "e30="}}})
        );
        assert_eq!(
            json[2],
            serde_json::json!({"wasm": {"update_admin": {"contract_addr": "wasm1ft", "admin": "wasm1new"}}})
        );
        assert_eq!(
            json[3],
            serde_json::json!({"wasm": {"clear_admin": {"contract_addr": "wasm1reg"}}})
        );
    }

    #[test]
    fn what_a_proposal_cannot_carry_is_refused_with_exit_2() {
        let label = pack(&wasm::MsgUpdateContractLabel {
            sender: MS.into(),
            new_label: "x".into(),
            contract: "wasm1inc".into(),
        });
        let e = to_cosmos_msg(&label).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("MsgUpdateContractLabel"), "{e}");
        let bad_fund = pack(&wasm::MsgExecuteContract {
            sender: MS.into(),
            contract: "wasm1inc".into(),
            msg: b"{}".to_vec(),
            funds: vec![ProtoCoin {
                denom: "ustake".into(),
                amount: "1.5".into(),
            }],
        });
        assert_eq!(to_cosmos_msg(&bad_fund).unwrap_err().exit_code(), 2);
        let bank = CosmosMsg::Bank(cosmwasm_std::BankMsg::Burn { amount: vec![] });
        assert_eq!(to_any(&bank, MS).unwrap_err().exit_code(), 2);
        let instantiate = CosmosMsg::Wasm(WasmMsg::Instantiate {
            admin: None,
            code_id: 1,
            msg: Binary::default(),
            funds: vec![],
            label: "x".into(),
        });
        assert_eq!(to_any(&instantiate, MS).unwrap_err().exit_code(), 2);
    }
}
