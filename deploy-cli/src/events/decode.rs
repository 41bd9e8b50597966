//! One block's txs as archive rows (pure: no chain, no database).
//!
//! A tx is archived when one of its messages addresses one of our contracts
//! (`MsgExecuteContract`, `MsgMigrateContract`, `MsgUpdateAdmin`, `MsgClearAdmin`,
//! `MsgUpdateContractLabel`), or, for an instantiate, when one of its wasm events names one of
//! them (`_contract_address`). Failed txs are archived with the messages they attempted (their
//! `action`: the execute message's variant, e.g. `distribute_reward`), so success rates can
//! count them; successful ones also with every wasm event of our contracts.

use std::collections::{BTreeMap, BTreeSet};

use cosmrs::proto::cosmos::tx::v1beta1::{AuthInfo, TxBody, TxRaw};
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::tendermint::abci::types::ExecTxResult;
use prost::Message;
use serde::Serialize;

/// One archived tx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedTx {
    /// Tx hash, upper-case hex (sha256 of the tx bytes).
    pub hash: String,
    /// Block height.
    pub height: u64,
    /// Block time, RFC 3339 UTC.
    pub time: String,
    /// Index of the tx in its block.
    pub index: u32,
    /// ABCI result code (0 = success).
    pub code: u32,
    /// Codespace of a failure (`wasm`, `sdk`, …), empty on success.
    pub codespace: String,
    /// The chain's log of a failure (`None` on success).
    pub log: Option<String>,
    /// Gas limit of the tx.
    pub gas_wanted: i64,
    /// Gas it used.
    pub gas_used: i64,
    /// Fee paid, e.g. `11887ustake` (coins joined with `,`).
    pub fee: String,
    /// Sender of its first message (the signer of every message luckee archives).
    pub signer: String,
    /// Tx memo.
    pub memo: String,
    /// Its messages, in order.
    pub msgs: Vec<ArchivedMsg>,
    /// Wasm events of our contracts (successful txs only), in order.
    pub events: Vec<ArchivedEvent>,
}

/// One message of an archived tx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedMsg {
    /// Index in the tx.
    pub index: u32,
    /// Protobuf type URL, e.g. `/cosmwasm.wasm.v1.MsgExecuteContract`.
    pub type_url: String,
    /// The contract it addresses (empty for an instantiate or a message not to a contract).
    pub contract: String,
    /// What it does: the execute message's variant (`distribute_reward`, …), `migrate`,
    /// `update_admin`, `clear_admin`, `update_label`, `instantiate`, or `other`.
    pub action: String,
    /// Activities it reports: the number of items of a `batch_distribute`, else 1 (so that a
    /// failed batch counts every activity it attempted).
    pub items: u32,
}

/// One wasm event (`wasm` or `wasm-*`) of one of our contracts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivedEvent {
    /// Index of the message that emitted it (the SDK's `msg_index` attribute; 0 if absent).
    pub msg_index: u32,
    /// Index of the event among the tx's events.
    pub event_index: u32,
    /// Event type: `wasm` or `wasm-<custom>`.
    pub kind: String,
    /// `_contract_address`.
    pub contract: String,
    /// The `action` attribute, if any.
    pub action: Option<String>,
    /// Every attribute, in order (`_contract_address` and `msg_index` included).
    pub attributes: Vec<(String, String)>,
}

/// Sender, contract, action and item count of one message.
type Addressed = (String, String, String, u32);

/// The message's sender, contract and action, for the wasm messages that address a contract
/// (`other` and empty strings for the rest).
fn message(any: &cosmrs::Any) -> Addressed {
    let v = any.value.as_slice();
    let parsed: Option<Addressed> = match any.type_url.as_str() {
        "/cosmwasm.wasm.v1.MsgExecuteContract" => {
            wasm::MsgExecuteContract::decode(v).ok().map(|m| {
                let json = serde_json::from_slice::<serde_json::Value>(&m.msg).ok();
                let variant = json.as_ref().and_then(|j| j.as_object()?.iter().next());
                let action = variant
                    .map(|(k, _)| k.clone())
                    .unwrap_or_else(|| "other".into());
                let items = variant
                    .and_then(|(_, v)| v.get("items")?.as_array().map(|a| a.len() as u32))
                    .unwrap_or(1);
                (m.sender, m.contract, action, items)
            })
        }
        "/cosmwasm.wasm.v1.MsgMigrateContract" => wasm::MsgMigrateContract::decode(v)
            .ok()
            .map(|m| (m.sender, m.contract, "migrate".into(), 1)),
        "/cosmwasm.wasm.v1.MsgUpdateAdmin" => wasm::MsgUpdateAdmin::decode(v)
            .ok()
            .map(|m| (m.sender, m.contract, "update_admin".into(), 1)),
        "/cosmwasm.wasm.v1.MsgClearAdmin" => wasm::MsgClearAdmin::decode(v)
            .ok()
            .map(|m| (m.sender, m.contract, "clear_admin".into(), 1)),
        "/cosmwasm.wasm.v1.MsgUpdateContractLabel" => wasm::MsgUpdateContractLabel::decode(v)
            .ok()
            .map(|m| (m.sender, m.contract, "update_label".into(), 1)),
        "/cosmwasm.wasm.v1.MsgInstantiateContract" => wasm::MsgInstantiateContract::decode(v)
            .ok()
            .map(|m| (m.sender, String::new(), "instantiate".into(), 1)),
        "/cosmwasm.wasm.v1.MsgInstantiateContract2" => wasm::MsgInstantiateContract2::decode(v)
            .ok()
            .map(|m| (m.sender, String::new(), "instantiate".into(), 1)),
        _ => None,
    };
    parsed.unwrap_or_else(|| (String::new(), String::new(), "other".into(), 1))
}

/// Decodes tx `index` of the block at `height` / `time` (`bytes` and its `result`) into an
/// [`ArchivedTx`] if it touches one of `ours` (bech32 addresses); `None` otherwise or when the
/// bytes are not a tx.
pub fn decode_tx(
    bytes: &[u8],
    result: &ExecTxResult,
    height: u64,
    time: &str,
    index: u32,
    ours: &BTreeSet<String>,
) -> Option<ArchivedTx> {
    let raw = TxRaw::decode(bytes).ok()?;
    let body = TxBody::decode(raw.body_bytes.as_slice()).ok()?;
    let auth = AuthInfo::decode(raw.auth_info_bytes.as_slice()).ok()?;
    let mut signer = String::new();
    let msgs: Vec<ArchivedMsg> = body
        .messages
        .iter()
        .enumerate()
        .map(|(i, any)| {
            let (sender, contract, action, items) = message(any);
            if signer.is_empty() {
                signer = sender;
            }
            ArchivedMsg {
                index: i as u32,
                type_url: any.type_url.clone(),
                contract,
                action,
                items,
            }
        })
        .collect();
    let success = result.code.is_ok();
    let events: Vec<ArchivedEvent> = if success {
        result
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == "wasm" || e.kind.starts_with("wasm-"))
            .filter_map(|(i, e)| {
                let attributes: Vec<(String, String)> = e
                    .attributes
                    .iter()
                    .filter_map(|a| {
                        Some((
                            a.key_str().ok()?.to_string(),
                            a.value_str().ok()?.to_string(),
                        ))
                    })
                    .collect();
                let get = |k: &str| {
                    attributes
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                };
                let contract = get("_contract_address")?;
                if !ours.contains(&contract) {
                    return None;
                }
                Some(ArchivedEvent {
                    msg_index: get("msg_index").and_then(|v| v.parse().ok()).unwrap_or(0),
                    event_index: i as u32,
                    kind: e.kind.clone(),
                    contract,
                    action: get("action"),
                    attributes,
                })
            })
            .collect()
    } else {
        vec![]
    };
    let touches = msgs.iter().any(|m| ours.contains(&m.contract)) || !events.is_empty();
    if !touches {
        return None;
    }
    let fee = auth
        .fee
        .map(|f| {
            f.amount
                .iter()
                .map(|c| format!("{}{}", c.amount, c.denom))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    Some(ArchivedTx {
        hash: crate::chain::tx::tx_hash(bytes),
        height,
        time: time.to_string(),
        index,
        code: result.code.value(),
        codespace: if success {
            String::new()
        } else {
            result.codespace.clone()
        },
        log: (!success).then(|| result.log.clone()),
        gas_wanted: result.gas_wanted,
        gas_used: result.gas_used,
        fee,
        signer,
        memo: body.memo,
        msgs,
        events,
    })
}

/// Attributes as a JSON object (a repeated key keeps its last value), for the database.
pub fn attributes_json(attributes: &[(String, String)]) -> String {
    let map: BTreeMap<&str, &str> = attributes
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    serde_json::to_string(&map).expect("strings serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmrs::proto::cosmos::base::v1beta1::Coin;
    use cosmrs::proto::cosmos::tx::v1beta1::Fee;
    use cosmrs::tendermint::abci::{Event, EventAttributeIndexExt};

    fn tx_bytes(contract: &str, msg: &str) -> Vec<u8> {
        let exec = crate::chain::tx::to_any(&wasm::MsgExecuteContract {
            sender: "wasm1reporter".into(),
            contract: contract.into(),
            msg: msg.as_bytes().to_vec(),
            funds: vec![],
        });
        let body = TxBody {
            messages: vec![exec],
            memo: "m".into(),
            ..Default::default()
        };
        let auth = AuthInfo {
            fee: Some(Fee {
                amount: vec![Coin {
                    denom: "ustake".into(),
                    amount: "5000".into(),
                }],
                gas_limit: 200_000,
                ..Default::default()
            }),
            ..Default::default()
        };
        TxRaw {
            body_bytes: body.encode_to_vec(),
            auth_info_bytes: auth.encode_to_vec(),
            signatures: vec![vec![0; 64]],
        }
        .encode_to_vec()
    }

    fn ours() -> BTreeSet<String> {
        ["wasm1inc".to_string()].into()
    }

    #[test]
    fn a_successful_execute_is_archived_with_its_wasm_events() {
        let bytes = tx_bytes("wasm1inc", r#"{"distribute_reward":{"recipient":"u"}}"#);
        let result = ExecTxResult {
            gas_wanted: 200_000,
            gas_used: 150_000,
            events: vec![
                Event::new("message", [("action", "x").index()]),
                Event::new(
                    "wasm",
                    [
                        ("_contract_address", "wasm1inc").index(),
                        ("action", "distribute_reward").index(),
                        ("msg_index", "0").index(),
                    ],
                ),
                Event::new("wasm", [("_contract_address", "wasm1other").index()]),
            ],
            ..Default::default()
        };
        let t = decode_tx(&bytes, &result, 7, "2026-01-01T00:00:00Z", 2, &ours()).unwrap();
        assert_eq!(t.hash, crate::chain::tx::tx_hash(&bytes));
        assert_eq!((t.height, t.index, t.code), (7, 2, 0));
        assert_eq!(
            (t.fee.as_str(), t.signer.as_str(), t.memo.as_str()),
            ("5000ustake", "wasm1reporter", "m")
        );
        assert_eq!(t.log, None);
        assert_eq!(t.msgs.len(), 1);
        assert_eq!(
            (t.msgs[0].contract.as_str(), t.msgs[0].action.as_str()),
            ("wasm1inc", "distribute_reward")
        );
        assert_eq!(t.events.len(), 1, "only our contract's wasm events");
        assert_eq!(
            (t.events[0].event_index, t.events[0].action.as_deref()),
            (1, Some("distribute_reward"))
        );
        assert_eq!(
            attributes_json(&t.events[0].attributes),
            r#"{"_contract_address":"wasm1inc","action":"distribute_reward","msg_index":"0"}"#
        );
    }

    #[test]
    fn a_failed_tx_keeps_what_it_attempted_and_others_are_skipped() {
        let bytes = tx_bytes("wasm1inc", r#"{"mint_for_points":{"points":"5"}}"#);
        let failed = ExecTxResult {
            code: 5.into(),
            codespace: "wasm".into(),
            log: "insufficient points".into(),
            ..Default::default()
        };
        let t = decode_tx(&bytes, &failed, 7, "t", 0, &ours()).unwrap();
        assert_eq!((t.code, t.codespace.as_str()), (5, "wasm"));
        assert_eq!(t.log.as_deref(), Some("insufficient points"));
        assert_eq!(t.msgs[0].action, "mint_for_points");
        assert!(t.events.is_empty());
        let other = tx_bytes("wasm1other", r#"{"transfer":{}}"#);
        assert_eq!(
            decode_tx(&other, &ExecTxResult::default(), 7, "t", 0, &ours()),
            None
        );
        assert_eq!(
            decode_tx(b"not a tx", &ExecTxResult::default(), 7, "t", 0, &ours()),
            None
        );
    }
}
