//! Offline signing in wasmd's JSON tx format (issue 15): a voter whose key never touches the
//! server signs on another machine.
//!
//! * [`unsigned`] — what `--generate-only` prints: the tx as `wasmd tx … --generate-only`
//!   prints it (`body` with the messages in wasmd's JSON, `auth_info` with the fee and gas
//!   limit and no signer, no signatures). `wasmd tx sign FILE` signs it too.
//! * [`sign`] — `luckee tx sign FILE`: SIGN_MODE_DIRECT with the key, for an account number
//!   and sequence; the output is what `wasmd tx sign` prints (`signer_infos` with the
//!   secp256k1 public key, one base64 signature).
//! * [`tx_bytes`] — `luckee tx broadcast FILE`: the protobuf `TxRaw` of a signed file (ours or
//!   wasmd's), ready for `broadcast_tx_sync`.
//!
//! Pure (no node). Messages: `MsgExecuteContract` only (what the voters' commands send); its
//! `msg` is kept as the exact JSON bytes ([`RawValue`]), since the signature covers them.
//! Errors are exit 2 naming the field.

use base64::Engine;
use cosmrs::crypto::PublicKey;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmos::tx::v1beta1::TxRaw;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::proto::traits::{Message, Name};
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{Any, Coin};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::tx::to_any;
use crate::error::{Error, Result};
use crate::keys::Signer;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
/// `@type` of the only public key luckee signs with.
pub const SECP256K1: &str = "/cosmos.crypto.secp256k1.PubKey";

/// A tx in wasmd's JSON (`--generate-only` / `tx sign` output).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonTx {
    /// Messages, memo, timeouts.
    pub body: JsonBody,
    /// Signers and fee.
    pub auth_info: JsonAuthInfo,
    /// Base64 signatures, one per signer info (none when unsigned).
    pub signatures: Vec<String>,
}

/// `body`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonBody {
    /// The messages, each with its `@type`.
    pub messages: Vec<JsonMsg>,
    /// Tx memo.
    pub memo: String,
    /// Height after which the tx is invalid ("0": none), a decimal string.
    pub timeout_height: String,
    /// SDK 0.53 unordered txs (refused when true).
    #[serde(default)]
    pub unordered: bool,
    /// SDK 0.53 timeout timestamp (refused when set).
    #[serde(default)]
    pub timeout_timestamp: Option<serde_json::Value>,
    /// Refused when not empty.
    #[serde(default)]
    pub extension_options: Vec<serde_json::Value>,
    /// Refused when not empty.
    #[serde(default)]
    pub non_critical_extension_options: Vec<serde_json::Value>,
}

/// A `MsgExecuteContract` as wasmd prints it (`msg` inline JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonMsg {
    /// `/cosmwasm.wasm.v1.MsgExecuteContract`.
    #[serde(rename = "@type")]
    pub type_url: String,
    /// Signer of the message.
    pub sender: String,
    /// The contract.
    pub contract: String,
    /// The execute message, exactly the bytes signed.
    pub msg: Box<RawValue>,
    /// Coins sent along.
    #[serde(default)]
    pub funds: Vec<JsonCoin>,
}

/// A coin (`amount` a decimal string of base units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonCoin {
    /// Denom.
    pub denom: String,
    /// Base units.
    pub amount: String,
}

/// `auth_info`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonAuthInfo {
    /// One per signature.
    pub signer_infos: Vec<JsonSignerInfo>,
    /// Fee and gas limit.
    pub fee: JsonFee,
    /// Always null.
    #[serde(default)]
    pub tip: Option<serde_json::Value>,
}

/// One signer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonSignerInfo {
    /// `{"@type": "/cosmos.crypto.secp256k1.PubKey", "key": base64}`.
    pub public_key: JsonPubKey,
    /// `{"single": {"mode": "SIGN_MODE_DIRECT"}}`.
    pub mode_info: serde_json::Value,
    /// The account sequence signed with, a decimal string.
    pub sequence: String,
}

/// A public key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonPubKey {
    /// Key type.
    #[serde(rename = "@type")]
    pub type_url: String,
    /// Compressed secp256k1 key, base64.
    pub key: String,
}

/// `fee`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JsonFee {
    /// Fee coins.
    pub amount: Vec<JsonCoin>,
    /// Gas limit, a decimal string.
    pub gas_limit: String,
    /// Empty.
    #[serde(default)]
    pub payer: String,
    /// Empty.
    #[serde(default)]
    pub granter: String,
}

fn bad(what: impl std::fmt::Display) -> Error {
    Error::usage(format!("tx file: {what}"))
}

fn num(field: &str, s: &str) -> Result<u64> {
    s.parse()
        .map_err(|e| bad(format!("{field} '{s}' is not a number: {e}")))
}

/// wasmd's JSON of a message luckee built. Errors: exit 2 for anything but
/// `MsgExecuteContract`, or a `msg` that is not JSON.
pub fn msg_to_json(any: &Any) -> Result<JsonMsg> {
    if any.type_url != wasm::MsgExecuteContract::type_url() {
        return Err(Error::usage(format!(
            "{}: only contract execute messages can be generated for offline signing",
            any.type_url
        )));
    }
    let m = wasm::MsgExecuteContract::decode(any.value.as_slice())
        .map_err(|e| bad(format!("cannot decode the message: {e}")))?;
    let msg = String::from_utf8(m.msg).map_err(|e| bad(format!("execute msg: {e}")))?;
    Ok(JsonMsg {
        type_url: any.type_url.clone(),
        sender: m.sender,
        contract: m.contract,
        msg: RawValue::from_string(msg).map_err(|e| bad(format!("execute msg: {e}")))?,
        funds: m
            .funds
            .into_iter()
            .map(|c| JsonCoin {
                denom: c.denom,
                amount: c.amount,
            })
            .collect(),
    })
}

/// The SDK message of a JSON message (its `msg` bytes exactly as in the file).
pub fn msg_from_json(m: &JsonMsg) -> Result<Any> {
    if m.type_url != wasm::MsgExecuteContract::type_url() {
        return Err(bad(format!(
            "message type {}: only {} is supported",
            m.type_url,
            wasm::MsgExecuteContract::type_url()
        )));
    }
    Ok(to_any(&wasm::MsgExecuteContract {
        sender: m.sender.clone(),
        contract: m.contract.clone(),
        msg: m.msg.get().as_bytes().to_vec(),
        funds: m
            .funds
            .iter()
            .map(|c| ProtoCoin {
                denom: c.denom.clone(),
                amount: c.amount.clone(),
            })
            .collect(),
    }))
}

/// The unsigned tx of `msgs` with `memo`, gas limit `gas_limit` and fee `fee` base units of
/// `denom` (what `--generate-only` prints).
pub fn unsigned(
    msgs: &[Any],
    memo: &str,
    gas_limit: u64,
    fee: u128,
    denom: &str,
) -> Result<JsonTx> {
    Ok(JsonTx {
        body: JsonBody {
            messages: msgs.iter().map(msg_to_json).collect::<Result<_>>()?,
            memo: memo.to_string(),
            timeout_height: "0".into(),
            unordered: false,
            timeout_timestamp: None,
            extension_options: vec![],
            non_critical_extension_options: vec![],
        },
        auth_info: JsonAuthInfo {
            signer_infos: vec![],
            fee: JsonFee {
                amount: vec![JsonCoin {
                    denom: denom.to_string(),
                    amount: fee.to_string(),
                }],
                gas_limit: gas_limit.to_string(),
                payer: String::new(),
                granter: String::new(),
            },
            tip: None,
        },
        signatures: vec![],
    })
}

impl JsonTx {
    /// Parses a tx file. Errors: exit 2 naming what is wrong.
    pub fn parse(text: &str) -> Result<JsonTx> {
        let tx: JsonTx = serde_json::from_str(text).map_err(bad)?;
        if tx.body.unordered
            || tx.body.timeout_timestamp.is_some()
            || !tx.body.extension_options.is_empty()
            || !tx.body.non_critical_extension_options.is_empty()
        {
            return Err(bad(
                "unordered txs, timeout timestamps and extension options are not supported",
            ));
        }
        if tx.body.messages.is_empty() {
            return Err(bad("no messages"));
        }
        Ok(tx)
    }

    /// The one address that signs every message. Errors: exit 2 for several.
    pub fn signer_address(&self) -> Result<&str> {
        let first = self.body.messages[0].sender.as_str();
        match self.body.messages.iter().all(|m| m.sender == first) {
            true => Ok(first),
            false => Err(bad(
                "the messages have several senders; luckee signs for one",
            )),
        }
    }

    fn body(&self) -> Result<Body> {
        let msgs = self
            .body
            .messages
            .iter()
            .map(msg_from_json)
            .collect::<Result<Vec<_>>>()?;
        let timeout = num("timeout_height", &self.body.timeout_height)?;
        Ok(Body::new(
            msgs,
            self.body.memo.clone(),
            u32::try_from(timeout).map_err(|e| bad(format!("timeout_height: {e}")))?,
        ))
    }

    fn fee(&self) -> Result<Fee> {
        let f = &self.auth_info.fee;
        if !f.payer.is_empty() || !f.granter.is_empty() {
            return Err(bad("fee payer and granter are not supported"));
        }
        let [c] = f.amount.as_slice() else {
            return Err(bad("the fee must be one coin"));
        };
        let coin = Coin {
            denom: c
                .denom
                .parse()
                .map_err(|e| bad(format!("fee denom: {e}")))?,
            amount: num("fee amount", &c.amount)? as u128,
        };
        Ok(Fee::from_amount_and_gas(
            coin,
            num("gas_limit", &f.gas_limit)?,
        ))
    }
}

/// Signs `tx` with `signer` for `chain_id`, account number `account_number` and `sequence`
/// (SIGN_MODE_DIRECT); returns the signed tx. Errors: exit 2 when the messages are not the
/// signer's, the file is already signed, or a field is malformed.
pub fn sign(
    tx: &JsonTx,
    signer: &Signer,
    chain_id: &str,
    account_number: u64,
    sequence: u64,
) -> Result<JsonTx> {
    if !tx.signatures.is_empty() || !tx.auth_info.signer_infos.is_empty() {
        return Err(bad("already signed"));
    }
    let from = tx.signer_address()?;
    if from != signer.address.as_ref() {
        return Err(Error::usage(format!(
            "the tx is to be signed by {from}, but the key is {}: sign with that address's key",
            signer.address
        )));
    }
    let body = tx.body()?;
    let auth_info =
        SignerInfo::single_direct(Some(signer.public_key), sequence).auth_info(tx.fee()?);
    let chain_id = chain_id
        .parse()
        .map_err(|e| Error::usage(format!("chain-id: {e}")))?;
    let raw = SignDoc::new(&body, &auth_info, &chain_id, account_number)
        .map_err(|e| Error::Signing(format!("sign doc: {e}")))?
        .sign(signer.key())
        .map_err(|e| Error::Signing(e.to_string()))?
        .to_bytes()
        .map_err(|e| Error::Signing(format!("encoding tx: {e}")))?;
    let raw = TxRaw::decode(raw.as_slice()).map_err(|e| Error::Signing(e.to_string()))?;
    let mut out = tx.clone();
    out.auth_info.signer_infos = vec![JsonSignerInfo {
        public_key: JsonPubKey {
            type_url: SECP256K1.into(),
            key: B64.encode(signer.public_key.to_bytes()),
        },
        mode_info: serde_json::json!({"single": {"mode": "SIGN_MODE_DIRECT"}}),
        sequence: sequence.to_string(),
    }];
    out.signatures = raw.signatures.iter().map(|s| B64.encode(s)).collect();
    Ok(out)
}

/// The protobuf `TxRaw` bytes of a signed tx file (luckee's or `wasmd tx sign`'s). Errors:
/// exit 2 for an unsigned file, another key type or sign mode, a malformed field.
pub fn tx_bytes(tx: &JsonTx) -> Result<Vec<u8>> {
    let [info] = tx.auth_info.signer_infos.as_slice() else {
        return Err(bad(
            "not signed (one signer info expected): run `luckee tx sign FILE` first",
        ));
    };
    if info.public_key.type_url != SECP256K1 {
        return Err(bad(format!("public key type {}", info.public_key.type_url)));
    }
    if info.mode_info != serde_json::json!({"single": {"mode": "SIGN_MODE_DIRECT"}}) {
        return Err(bad(format!(
            "sign mode {}: only SIGN_MODE_DIRECT",
            info.mode_info
        )));
    }
    let key = B64
        .decode(&info.public_key.key)
        .map_err(|e| bad(format!("public key: {e}")))?;
    let key = PublicKey::try_from(cosmrs::proto::cosmos::crypto::secp256k1::PubKey { key })
        .map_err(|e| bad(format!("public key: {e}")))?;
    let auth_info =
        SignerInfo::single_direct(Some(key), num("sequence", &info.sequence)?).auth_info(tx.fee()?);
    let signatures = tx
        .signatures
        .iter()
        .map(|s| B64.decode(s).map_err(|e| bad(format!("signature: {e}"))))
        .collect::<Result<Vec<_>>>()?;
    if signatures.len() != 1 {
        return Err(bad("exactly one signature expected"));
    }
    let raw = TxRaw {
        body_bytes: tx
            .body()?
            .into_bytes()
            .map_err(|e| bad(format!("body: {e}")))?,
        auth_info_bytes: auth_info
            .into_bytes()
            .map_err(|e| bad(format!("auth_info: {e}")))?,
        signatures,
    };
    Ok(raw.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `wasmd tx wasm execute … --generate-only` and `wasmd tx sign --offline` (v0.61.14),
    /// captured from the devnet: user1 votes yes on proposal 1, account 3, sequence 7.
    const WASMD_UNSIGNED: &str = include_str!("../../tests/fixtures/wasmd-unsigned.json");
    const WASMD_SIGNED: &str = include_str!("../../tests/fixtures/wasmd-signed.json");
    /// ci/devnet-accounts.toml's user1 (TEST-ONLY).
    const USER1: &str = "wasm13kune8fn5zfdqs74vudnh0hhuznlltq3an07wl";

    fn user1() -> Signer {
        let toml = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ci/devnet-accounts.toml"
        ))
        .unwrap();
        let section = toml.split("[user1]").nth(1).unwrap();
        let phrase = section
            .lines()
            .find_map(|l| l.strip_prefix("mnemonic = \""))
            .unwrap()
            .trim_end_matches('"');
        Signer::from_phrase(phrase, "wasm", 0).unwrap()
    }

    #[test]
    fn luckee_signs_wasmd_s_unsigned_tx_exactly_as_wasmd_does() {
        let unsigned = JsonTx::parse(WASMD_UNSIGNED).unwrap();
        assert_eq!(unsigned.signer_address().unwrap(), USER1);
        let ours = sign(&unsigned, &user1(), "luckee-local", 3, 7).unwrap();
        let theirs = JsonTx::parse(WASMD_SIGNED).unwrap();
        // secp256k1 signatures here are deterministic (RFC 6979): the same bytes signed give
        // the same signature, so equal JSON proves the same sign bytes.
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&theirs).unwrap()
        );
        assert_eq!(tx_bytes(&ours).unwrap(), tx_bytes(&theirs).unwrap());
        // Our unsigned output has wasmd's shape, field for field.
        let msgs: Vec<Any> = unsigned
            .body
            .messages
            .iter()
            .map(|m| msg_from_json(m).unwrap())
            .collect();
        let again = unsigned_json(&msgs);
        assert_eq!(
            serde_json::to_value(&again).unwrap(),
            serde_json::from_str::<serde_json::Value>(WASMD_UNSIGNED).unwrap()
        );
    }

    fn unsigned_json(msgs: &[Any]) -> JsonTx {
        unsigned(msgs, "hi", 200_000, 5000, "ustake").unwrap()
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        let unsigned = JsonTx::parse(WASMD_UNSIGNED).unwrap();
        let other =
            Signer::from_key(cosmrs::crypto::secp256k1::SigningKey::random(), "wasm").unwrap();
        let e = sign(&unsigned, &other, "luckee-local", 3, 7).unwrap_err();
        assert!(e.to_string().contains("is to be signed by"), "{e}");
        assert!(tx_bytes(&unsigned)
            .unwrap_err()
            .to_string()
            .contains("not signed"));
        let signed = JsonTx::parse(WASMD_SIGNED).unwrap();
        assert!(sign(&signed, &user1(), "luckee-local", 3, 7)
            .unwrap_err()
            .to_string()
            .contains("already signed"));
        let unordered = WASMD_UNSIGNED.replace("\"unordered\":false", "\"unordered\":true");
        assert!(JsonTx::parse(&unordered).is_err());
        assert!(JsonTx::parse("{").is_err());
        let migrate = to_any(&wasm::MsgMigrateContract::default());
        assert!(msg_to_json(&migrate).is_err());
        assert_eq!(JsonTx::parse("{").unwrap_err().exit_code(), 2);
    }
}
