//! Transactions: simulate, sign (SIGN_MODE_DIRECT), broadcast, wait for inclusion.
//!
//! [`ChainClient::send`] is the one way `luckee` changes the chain:
//! 1. account number and sequence via `/cosmos.auth.v1beta1.Query/Account`;
//! 2. gas: `/cosmos.tx.v1beta1.Service/Simulate`, gas limit = ceil(gas_used × gas adjustment),
//!    fee = ceil(gas limit × gas price) in the fee denom;
//! 3. sign with SIGN_MODE_DIRECT; the caller's `before_broadcast` hook sees the final bytes
//!    and hash first (to record the pending hash in the state file);
//! 4. `broadcast_tx_sync`; a CheckTx code ≠ 0 is an error (exit 3) except sequence mismatch,
//!    which re-reads the account and re-signs (after checking the earlier hash did not land);
//! 5. poll `tx` by hash until it is in a block or the network's tx timeout passes (exit 4,
//!    naming the hash); a DeliverTx code ≠ 0 is [`Error::TxFailed`] (exit 3).
//!
//! Results come from the tx's `msg_responses` (SDK ≥ 0.50 has no `logs`).

use std::time::{Duration, Instant};

use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::traits::{Message, Name};
use cosmrs::rpc::Client;
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{Any, Coin};
use cosmwasm_std::Uint128;
use sha2::{Digest, Sha256};

use super::query::AccountInfo;
use super::ChainClient;
use crate::error::{is_sequence_mismatch, is_tx_in_mempool, Error, Result};
use crate::keys::Signer;

/// Test-only hook: when this environment variable lists (comma-separated) one of a tx's
/// [`TxRequest::tags`], the process aborts right after that tx's successful broadcast — as if
/// killed — so tests can prove crash safety. Never set it in production.
#[doc(hidden)]
pub const ABORT_AFTER_BROADCAST_ENV: &str = "LUCKEE_TEST_ABORT_AFTER_BROADCAST";

/// Test-only hook like [`ABORT_AFTER_BROADCAST_ENV`], but aborting just *before* the
/// broadcast (after the pending hash was recorded): the tx never reaches the node.
#[doc(hidden)]
pub const ABORT_BEFORE_BROADCAST_ENV: &str = "LUCKEE_TEST_ABORT_BEFORE_BROADCAST";

/// How many times a tx is re-signed after a sequence mismatch.
const SEQUENCE_RETRIES: u32 = 4;
/// Back-off unit between re-signs after a sequence mismatch (× the attempt number).
const RESIGN_BACKOFF: Duration = Duration::from_millis(250);

/// What to send: messages (executed in order, atomically), a memo, and tags naming what the
/// tx does (`upload`, `instantiate`, `minter`, `setup`, …) for logs and the test hook.
#[derive(Debug, Clone, Default)]
pub struct TxRequest {
    /// Messages, executed in order and atomically.
    pub msgs: Vec<Any>,
    /// Tx memo (free text, stored on chain).
    pub memo: String,
    /// What the tx does, e.g. `upload`, `instantiate`, `minter`, `setup`.
    pub tags: Vec<String>,
}

/// A signed tx, ready to broadcast.
#[derive(Debug, Clone)]
pub struct SignedTx {
    /// Protobuf-encoded `TxRaw`.
    pub bytes: Vec<u8>,
    /// Upper-case hex sha256 of `bytes` — the tx hash.
    pub hash: String,
    /// Gas limit set in the fee.
    pub gas_limit: u64,
    /// Fee amount in the fee denom's base units.
    pub fee: u128,
    /// Sequence it was signed with.
    pub sequence: u64,
    /// The chain's latest height when it was signed: it can only land above. Recorded with a
    /// pending tx, so that a node without a tx indexer can be searched block by block.
    pub from_height: u64,
}

/// Gas estimate of a tx (also the `--dry-run` output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct GasEstimate {
    /// Gas used in simulation.
    pub gas_used: u64,
    /// Gas limit = ceil(gas_used × gas adjustment).
    pub gas_limit: u64,
    /// Fee = ceil(gas_limit × gas price), base units of the fee denom.
    pub fee: u128,
}

/// A tx that is in a block.
#[derive(Debug, Clone)]
pub struct TxOutcome {
    /// Tx hash, upper-case hex.
    pub hash: String,
    /// Block height.
    pub height: u64,
    /// DeliverTx result code (0 = success).
    pub code: u32,
    /// Codespace of a non-zero code.
    pub codespace: String,
    /// The chain's log (error message when `code` ≠ 0).
    pub log: String,
    /// Gas limit of the tx.
    pub gas_wanted: u64,
    /// Gas the tx consumed.
    pub gas_used: u64,
    /// One response per message, in order (e.g. `MsgStoreCodeResponse`).
    pub msg_responses: Vec<Any>,
    /// ABCI events of the tx.
    pub events: Vec<cosmrs::tendermint::abci::Event>,
}

impl TxOutcome {
    /// `Ok(self)` if the tx succeeded, [`Error::TxFailed`] otherwise.
    pub fn into_result(self) -> Result<TxOutcome> {
        if self.code == 0 {
            Ok(self)
        } else {
            Err(Error::TxFailed {
                hash: self.hash,
                height: self.height,
                code: self.code,
                codespace: self.codespace,
                log: self.log,
            })
        }
    }

    /// Decodes the response of message `index` as `M`.
    pub fn response<M: Message + Name + Default>(&self, index: usize) -> Result<M> {
        let any = self.msg_responses.get(index).ok_or_else(|| {
            Error::chain(format!("tx {}: no response for message {index}", self.hash))
        })?;
        if any.type_url != M::type_url() {
            return Err(Error::chain(format!(
                "tx {}: message {index} answered {}, expected {}",
                self.hash,
                any.type_url,
                M::type_url()
            )));
        }
        M::decode(any.value.as_slice())
            .map_err(|e| Error::chain(format!("tx {}: bad {}: {e}", self.hash, M::NAME)))
    }

    /// Value of attribute `key` of the first event of type `kind` (e.g. `store_code`/`code_id`).
    pub fn event_attr(&self, kind: &str, key: &str) -> Option<String> {
        self.events
            .iter()
            .filter(|e| e.kind == kind)
            .flat_map(|e| &e.attributes)
            .find_map(|a| {
                (a.key_bytes() == key.as_bytes())
                    .then(|| String::from_utf8_lossy(a.value_bytes()).into_owned())
            })
    }
}

/// Why a broadcast did not go through.
enum Broadcast {
    Accepted,
    WrongSequence(String),
}

/// The sequence CheckTx expected, from its log `account sequence mismatch, expected 7, got 6`.
pub fn expected_sequence_in(log: &str) -> Option<u64> {
    let rest = &log[log.find("expected ")? + "expected ".len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Upper-case hex sha256 of tx bytes: the tx hash CometBFT indexes.
pub fn tx_hash(bytes: &[u8]) -> String {
    hex::encode_upper(Sha256::digest(bytes))
}

/// Packs a protobuf message into an `Any`.
pub fn to_any<M: Message + Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

impl ChainClient {
    /// Signs `req` (SIGN_MODE_DIRECT) for `acct` (account number and sequence) with the given
    /// gas limit (gas) and fee (base denom of the network's gas price); nothing is sent.
    ///
    /// Errors: exit 2 for a fee denom or chain-id the SDK types refuse, or a signing failure.
    pub fn sign(
        &self,
        signer: &Signer,
        acct: AccountInfo,
        req: &TxRequest,
        gas_limit: u64,
        fee: u128,
    ) -> Result<SignedTx> {
        let net = self.network();
        let body = Body::new(req.msgs.clone(), req.memo.clone(), 0u32);
        let denom = net
            .gas_price
            .denom
            .parse()
            .map_err(|e| Error::usage(format!("fee denom: {e}")))?;
        let auth_info =
            SignerInfo::single_direct(Some(signer.public_key), acct.sequence).auth_info(
                Fee::from_amount_and_gas(Coin { denom, amount: fee }, gas_limit),
            );
        let chain_id = net
            .chain_id
            .parse()
            .map_err(|e| Error::usage(format!("chain-id: {e}")))?;
        let doc = SignDoc::new(&body, &auth_info, &chain_id, acct.account_number)
            .map_err(|e| Error::Signing(format!("sign doc: {e}")))?;
        let raw = doc
            .sign(signer.key())
            .map_err(|e| Error::Signing(e.to_string()))?;
        let bytes = raw
            .to_bytes()
            .map_err(|e| Error::Signing(format!("encoding tx: {e}")))?;
        Ok(SignedTx {
            hash: tx_hash(&bytes),
            bytes,
            gas_limit,
            fee,
            sequence: acct.sequence,
            from_height: 0,
        })
    }

    /// The signer's account, or exit 3 if it does not exist (never funded).
    pub async fn signer_account(&self, signer: &Signer) -> Result<AccountInfo> {
        self.account(signer.address.as_ref()).await?.ok_or_else(|| {
            Error::chain(format!(
                "account {} does not exist on {} (never funded): send it some {} first",
                signer.address,
                self.network().chain_id,
                self.network().gas_price.denom
            ))
        })
    }

    /// Simulates `req` signed by `signer` (`/cosmos.tx.v1beta1.Service/Simulate`) and returns
    /// gas used, gas limit and fee. Errors: exit 3 with the chain's log if it would fail.
    pub async fn estimate(
        &self,
        signer: &Signer,
        acct: AccountInfo,
        req: &TxRequest,
    ) -> Result<GasEstimate> {
        // A non-zero placeholder fee, so that simulation runs (and charges gas for) the fee
        // deduction the real tx will do; with a zero fee it is skipped and the estimate is
        // ~20k gas short.
        let draft = self.sign(signer, acct, req, 0, 1)?;
        #[allow(deprecated)]
        let sim = SimulateRequest {
            tx: None,
            tx_bytes: draft.bytes,
        };
        let a = self
            .abci_query_raw(
                "/cosmos.tx.v1beta1.Service/Simulate",
                sim.encode_to_vec(),
                None,
            )
            .await?;
        if a.code != 0 {
            return Err(Error::Simulation {
                codespace: a.codespace,
                code: a.code,
                log: a.log,
            });
        }
        let resp = SimulateResponse::decode(a.value.as_slice())
            .map_err(|e| Error::chain(format!("simulate response: {e}")))?;
        let gas_used = resp.gas_info.map(|g| g.gas_used).unwrap_or_default();
        let gas_limit = Uint128::from(gas_used)
            .checked_mul_ceil(self.network().gas_adjustment)
            .map_err(|e| Error::usage(format!("gas limit overflow: {e}")))?;
        let gas_limit =
            u64::try_from(gas_limit.u128()).map_err(|e| Error::usage(format!("gas limit: {e}")))?;
        let fee = self.network().gas_price.fee_for(gas_limit)?;
        Ok(GasEstimate {
            gas_used,
            gas_limit,
            fee,
        })
    }

    /// [`Self::estimate`] with the signer's current account (what `--dry-run` prints).
    pub async fn estimate_fresh(&self, signer: &Signer, req: &TxRequest) -> Result<GasEstimate> {
        let acct = self.signer_account(signer).await?;
        self.estimate(signer, acct, req).await
    }

    /// Simulates, signs, calls `before_broadcast` with the signed tx, broadcasts and waits for
    /// inclusion (see the module docs). Returns the successful outcome.
    ///
    /// `before_broadcast` runs again (with the new hash) whenever the tx is re-signed; if it
    /// fails nothing is broadcast.
    pub async fn send(
        &self,
        signer: &Signer,
        req: &TxRequest,
        before_broadcast: &mut dyn FnMut(&SignedTx) -> Result<()>,
    ) -> Result<TxOutcome> {
        if req.msgs.is_empty() {
            return Err(Error::usage("internal: empty tx"));
        }
        let mut sent: Vec<String> = Vec::new();
        let mut expected_sequence = None;
        let from_height = self.status().await?.height;
        for attempt in 0..=SEQUENCE_RETRIES {
            // An earlier attempt whose CheckTx said "wrong sequence" may still be the one that
            // landed (e.g. a broadcast whose answer was lost): look before re-signing.
            for h in &sent {
                if let Some(found) = self.find_tx(h, &mut from_height.clone()).await? {
                    return found.into_result();
                }
            }
            // The account query answers from the last block; simulation and CheckTx from the
            // mempool's state, which may already expect a later sequence (another tx of this
            // key in flight). Use the later of the two.
            let acct = self.signer_account(signer).await?;
            let acct = AccountInfo {
                sequence: acct.sequence.max(expected_sequence.unwrap_or_default()),
                ..acct
            };
            let est = match self.estimate(signer, acct, req).await {
                Ok(est) => est,
                Err(e) if e.is_sequence_mismatch() => {
                    tracing::warn!(
                        attempt = attempt + 1,
                        "sequence mismatch in simulation, retrying: {e}"
                    );
                    expected_sequence = expected_sequence_in(&e.to_string());
                    tokio::time::sleep(RESIGN_BACKOFF * (attempt + 1)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let mut signed = self.sign(signer, acct, req, est.gas_limit, est.fee)?;
            signed.from_height = from_height;
            tracing::info!(
                hash = %signed.hash, sequence = signed.sequence, gas_limit = est.gas_limit, fee = %est.fee,
                tags = ?req.tags, "broadcasting tx"
            );
            before_broadcast(&signed)?;
            test_abort_hook(ABORT_BEFORE_BROADCAST_ENV, &req.tags, &signed.hash);
            sent.push(signed.hash.clone());
            match self.broadcast(&signed).await? {
                Broadcast::Accepted => {
                    test_abort_hook(ABORT_AFTER_BROADCAST_ENV, &req.tags, &signed.hash);
                    return self
                        .wait_for_tx(&signed.hash, from_height)
                        .await?
                        .into_result();
                }
                Broadcast::WrongSequence(log) => {
                    tracing::warn!(
                        attempt = attempt + 1,
                        "sequence mismatch, re-signing: {log}"
                    );
                    expected_sequence = expected_sequence_in(&log);
                    tokio::time::sleep(RESIGN_BACKOFF * (attempt + 1)).await;
                }
            }
        }
        Err(Error::chain(format!("account sequence kept changing under us after {SEQUENCE_RETRIES} re-signs; is another process using this key?")))
    }

    /// Broadcasts a tx signed elsewhere (protobuf `TxRaw` bytes, e.g. from
    /// [`super::offline::tx_bytes`]) and waits for its block; re-sending the same bytes is
    /// harmless (the node dedups by hash), and a tx already in a block is found first.
    ///
    /// Errors: exit 3 when CheckTx rejects it (a stale sequence names the account's current
    /// one: sign again) or it fails in its block; exit 4 when it is not included in time.
    pub async fn broadcast_raw(&self, bytes: Vec<u8>) -> Result<TxOutcome> {
        let hash = tx_hash(&bytes);
        let from_height = self.status().await?.height;
        if let Some(found) = self
            .find_tx(&hash, &mut from_height.saturating_sub(100).clone())
            .await?
        {
            return found.into_result();
        }
        let signed = SignedTx {
            bytes,
            hash: hash.clone(),
            gas_limit: 0,
            fee: 0,
            sequence: 0,
            from_height,
        };
        match self.broadcast(&signed).await? {
            Broadcast::Accepted => self.wait_for_tx(&hash, from_height).await?.into_result(),
            Broadcast::WrongSequence(log) => Err(Error::chain(format!(
                "tx {hash} was signed with a stale account sequence ({log}): sign it again with the current one"
            ))),
        }
    }

    /// `broadcast_tx_sync` of `signed`, retried on transient faults (re-sending the same bytes
    /// is harmless: the node dedups by hash). CheckTx rejections other than a sequence
    /// mismatch are exit 3.
    async fn broadcast(&self, signed: &SignedTx) -> Result<Broadcast> {
        let bytes = signed.bytes.clone();
        let res = self
            .rpc("broadcast_tx_sync", |c| {
                let bytes = bytes.clone();
                async move {
                    match c.broadcast_tx_sync(bytes).await {
                        Ok(r) => Ok(Some(r)),
                        // CometBFT: the same tx bytes are already in the mempool (an earlier
                        // attempt got through): that is an accepted broadcast.
                        Err(e) if is_tx_in_mempool("", 0, &super::short_rpc_error(&e)) => Ok(None),
                        Err(e) => Err(e),
                    }
                }
            })
            .await?;
        let Some(r) = res else {
            return Ok(Broadcast::Accepted);
        };
        let code = r.code.value();
        match (r.codespace.as_str(), code) {
            (_, 0) => Ok(Broadcast::Accepted),
            (cs, c) if is_tx_in_mempool(cs, c, "") => Ok(Broadcast::Accepted),
            (cs, c) if is_sequence_mismatch(cs, c, &r.log) => Ok(Broadcast::WrongSequence(r.log)),
            _ => Err(Error::chain(format!(
                "tx {} rejected by CheckTx ({} code {code}): {}",
                signed.hash, r.codespace, r.log
            ))),
        }
    }

    /// Looks a tx up by hash; `None` if the node does not know it (not yet, or never).
    ///
    /// Source: `/tx` when the node indexes txs. A node with `tx_index.indexer = "null"` (common
    /// on validators and sentries) answers "transaction indexing is disabled": that is noticed
    /// once per client (said at `-v`), and from then on the blocks from `*from_height` to the
    /// latest height are searched instead (`/block`, then `/block_results` of the block that
    /// holds the tx); `*from_height` advances past every block searched, so repeated calls
    /// read each block once.
    pub async fn find_tx(&self, hash: &str, from_height: &mut u64) -> Result<Option<TxOutcome>> {
        if !self.indexer_disabled() {
            match self.find_indexed_tx(hash).await {
                Err(Error::Chain(e)) if e.contains(INDEXER_DISABLED) => {
                    self.set_indexer_disabled();
                    tracing::info!(
                        endpoint = self.endpoint(),
                        "the node's tx indexer is disabled: confirming txs by reading blocks from height {from_height}"
                    );
                }
                other => return other,
            }
        }
        self.find_tx_in_blocks(hash, from_height).await
    }

    /// `/tx` by hash; `None` if the node does not know it. Errors: exit 3 when the node
    /// refuses the call (e.g. its tx indexer is disabled).
    async fn find_indexed_tx(&self, hash: &str) -> Result<Option<TxOutcome>> {
        let h: cosmrs::tendermint::Hash = hash
            .parse()
            .map_err(|e| Error::usage(format!("tx hash '{hash}': {e}")))?;
        let res = self
            .rpc("tx", |c| async move {
                match c.tx(h, false).await {
                    Ok(r) => Ok(Some(r)),
                    Err(e) if super::short_rpc_error(&e).contains("not found") => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await?;
        let Some(r) = res else { return Ok(None) };
        outcome_of(hash, r.height.value(), r.tx_result).map(Some)
    }

    /// Searches the blocks from `*from_height` to the latest for `hash` (see [`Self::find_tx`]).
    async fn find_tx_in_blocks(
        &self,
        hash: &str,
        from_height: &mut u64,
    ) -> Result<Option<TxOutcome>> {
        let latest = self.status().await?.height;
        if *from_height == 0 {
            *from_height = latest;
        }
        while *from_height <= latest {
            let height = block_height(*from_height)?;
            let block = self
                .rpc("block", |c| async move { c.block(height).await })
                .await?;
            if let Some(index) = block.block.data.iter().position(|tx| tx_hash(tx) == hash) {
                // The block is stored a moment before its results: not there yet = not yet
                // known; this block is read again on the next poll.
                let results = match self
                    .rpc(
                        "block_results",
                        |c| async move { c.block_results(height).await },
                    )
                    .await
                {
                    Ok(r) => r,
                    Err(Error::Chain(e)) if e.contains("could not find results for height") => {
                        return Ok(None)
                    }
                    Err(e) => return Err(e),
                };
                let result = results.txs_results.unwrap_or_default().into_iter().nth(index).ok_or_else(|| {
                    Error::chain(format!("block_results of height {height} lack the result of tx {hash} (index {index})"))
                })?;
                return outcome_of(hash, height.value(), result).map(Some);
            }
            *from_height += 1;
        }
        Ok(None)
    }

    /// Waits until `hash` is in a block (success or failure) or the network's tx timeout
    /// passes; `from_height` is the height before it was broadcast. Errors: exit 4 naming the
    /// hash on timeout (its outcome is unknown, never reported as failed).
    pub async fn wait_for_tx(&self, hash: &str, from_height: u64) -> Result<TxOutcome> {
        let timeout = self.tx_timeout().await;
        self.poll_tx(hash, timeout, from_height).await?.ok_or_else(|| {
            Error::network(format!(
                "tx {hash} was not included in a block within {} s; it may still land: re-run to resolve it",
                timeout.as_secs()
            ))
        })
    }

    /// Looks for `hash` for at most `within` (at least once), from block `from_height` on
    /// ([`Self::find_tx`]); `None` if still unknown.
    pub async fn poll_tx(
        &self,
        hash: &str,
        within: Duration,
        from_height: u64,
    ) -> Result<Option<TxOutcome>> {
        let start = Instant::now();
        let poll = self.poll_interval().await;
        let mut from = from_height;
        loop {
            self.progress(Some(&format!(
                "waiting for tx {hash} to be included (after height {from})"
            )));
            let found = self.find_tx(hash, &mut from).await;
            if !matches!(found, Ok(None)) {
                self.progress(None);
            }
            if let Some(found) = found? {
                tracing::info!(%hash, height = found.height, code = found.code, gas_used = found.gas_used, "tx included");
                return Ok(Some(found));
            }
            if start.elapsed() >= within {
                self.progress(None);
                return Ok(None);
            }
            tokio::time::sleep(poll).await;
        }
    }
}

/// What CometBFT answers to `/tx` when its indexer is off.
const INDEXER_DISABLED: &str = "transaction indexing is disabled";

fn block_height(h: u64) -> Result<cosmrs::tendermint::block::Height> {
    cosmrs::tendermint::block::Height::try_from(h)
        .map_err(|e| Error::usage(format!("height {h}: {e}")))
}

/// A tx's result (`/tx` or `/block_results`) as a [`TxOutcome`].
fn outcome_of(
    hash: &str,
    height: u64,
    result: cosmrs::tendermint::abci::types::ExecTxResult,
) -> Result<TxOutcome> {
    let msg_responses = decode_msg_data(result.data.as_ref())
        .map_err(|e| Error::chain(format!("tx {hash}: undecodable result data: {e}")))?;
    Ok(TxOutcome {
        hash: hash.to_string(),
        height,
        code: result.code.value(),
        codespace: result.codespace,
        log: result.log,
        gas_wanted: u64::try_from(result.gas_wanted).unwrap_or_default(),
        gas_used: u64::try_from(result.gas_used).unwrap_or_default(),
        msg_responses,
        events: result.events,
    })
}

/// Decodes a tx result's `data` (`TxMsgData`) into its `msg_responses`.
///
/// CometBFT 0.38 sends `data` base64-encoded in JSON, but tendermint-rpc 0.40 deserializes the
/// field without decoding it, so the bytes are usually the base64 text: decode that first.
pub fn decode_msg_data(data: &[u8]) -> std::result::Result<Vec<Any>, String> {
    use base64::Engine;
    if data.is_empty() {
        return Ok(vec![]);
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(data).ok();
    let candidates = decoded
        .iter()
        .map(Vec::as_slice)
        .chain(std::iter::once(data));
    let mut last = String::new();
    for bytes in candidates {
        match TxMsgData::decode(bytes) {
            Ok(d) => return Ok(d.msg_responses),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// See [`ABORT_AFTER_BROADCAST_ENV`] and [`ABORT_BEFORE_BROADCAST_ENV`].
fn test_abort_hook(var: &str, tags: &[String], hash: &str) {
    if let Ok(v) = std::env::var(var) {
        if v.split(',')
            .map(str::trim)
            .any(|t| tags.iter().any(|tag| tag == t))
        {
            eprintln!(
                "{var}: aborting at the broadcast of tx {hash} ({})",
                tags.join(",")
            );
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmrs::proto::cosmwasm::wasm::v1::MsgStoreCodeResponse;

    #[test]
    fn msg_data_decodes_raw_or_base64() {
        use base64::Engine;
        let resp = MsgStoreCodeResponse {
            code_id: 1,
            checksum: vec![2; 32],
        };
        #[allow(deprecated)]
        let data = TxMsgData {
            data: vec![],
            msg_responses: vec![to_any(&resp)],
        }
        .encode_to_vec();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
        assert_eq!(decode_msg_data(&data).unwrap().len(), 1);
        assert_eq!(
            decode_msg_data(b64.as_bytes()).unwrap()[0].type_url,
            "/cosmwasm.wasm.v1.MsgStoreCodeResponse"
        );
        assert!(decode_msg_data(b"").unwrap().is_empty());
        assert!(decode_msg_data(b"\xff\xff").is_err());
    }

    #[test]
    fn expected_sequence_is_parsed_from_checktx_log() {
        let log = "account sequence mismatch, expected 7, got 6: incorrect account sequence";
        assert_eq!(expected_sequence_in(log), Some(7));
        assert_eq!(expected_sequence_in("something else"), None);
    }

    #[test]
    fn hash_is_upper_hex_sha256() {
        assert_eq!(
            tx_hash(b""),
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
        );
    }

    #[test]
    fn outcome_decodes_typed_responses_and_failures() {
        let resp = MsgStoreCodeResponse {
            code_id: 9,
            checksum: vec![1; 32],
        };
        let out = TxOutcome {
            hash: "AB".into(),
            height: 3,
            code: 0,
            codespace: String::new(),
            log: String::new(),
            gas_wanted: 10,
            gas_used: 5,
            msg_responses: vec![to_any(&resp)],
            events: vec![cosmrs::tendermint::abci::Event::new(
                "store_code",
                [("code_id", "9")],
            )],
        };
        assert_eq!(out.response::<MsgStoreCodeResponse>(0).unwrap().code_id, 9);
        assert!(out.response::<MsgStoreCodeResponse>(1).is_err());
        assert!(out
            .response::<cosmrs::proto::cosmwasm::wasm::v1::MsgInstantiateContract2Response>(0)
            .is_err());
        assert_eq!(
            out.event_attr("store_code", "code_id").as_deref(),
            Some("9")
        );
        let failed = TxOutcome {
            code: 5,
            codespace: "sdk".into(),
            log: "insufficient funds".into(),
            ..out
        };
        let e = failed.into_result().unwrap_err();
        assert_eq!(e.exit_code(), 3);
        assert!(e.to_string().contains("AB") && e.to_string().contains("insufficient funds"));
    }
}
