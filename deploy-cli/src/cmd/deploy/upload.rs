//! `luckee deploy upload [--contract NAME]…` — replaces the seed's `upload_luckee_incentive.sh`.
//!
//! For each artifact (default: every contract the plan deploys): verify it against
//! `checksums.txt`; skip it if its checksum is already stored on this chain — the code_id
//! recorded in the state file is checked with `/cosmwasm.wasm.v1.Query/CodeInfo` (so a reset
//! chain is noticed), otherwise the chain's code list is searched for the checksum — and
//! upload the rest gzip-compressed as `MsgStoreCode`, as few txs as the RPC body limit allows
//! (usually one). Prints the code ids.

use cosmrs::proto::cosmwasm::wasm::v1::MsgStoreCode;
use serde::Serialize;

use super::{planned_kinds, send_recorded, settle_pending};
use crate::artifacts::{self, Artifact};
use crate::chain::tx::{to_any, GasEstimate};
use crate::chain::TxRequest;
use crate::cmd::{Context, Send};
use crate::contracts::ContractKind;
use crate::error::Result;
use crate::state::{CodeRecord, LockMode, PendingUpload, TxEffects};
use crate::ui::{notes_text, or_dash, table, Report};

/// Most gzip-compressed wasm bytes put into one tx. The node's RPC `max_body_bytes`
/// (1,000,000) must hold the tx hex-encoded in the simulate query (×2), so stay below half.
pub const MAX_TX_WASM_BYTES: usize = 440_000;

/// What happened to one code.
#[derive(Debug, Clone, Serialize)]
pub struct CodeRow {
    /// Which contract.
    pub contract: ContractKind,
    /// sha256 of the uncompressed wasm, lower-case hex.
    pub checksum: String,
    /// Code id (absent in a dry run for codes not stored yet).
    pub code_id: Option<u64>,
    /// `stored` (uploaded now), `exists` (recorded and on chain), `adopted` (same checksum
    /// found on chain), `would_store` (dry run).
    pub status: &'static str,
    /// Store tx hash, when uploaded now.
    pub tx: Option<String>,
    /// Uncompressed / gzip sizes in bytes.
    pub size: usize,
    /// gzip size in bytes (what is uploaded).
    pub gzip_size: usize,
}

impl CodeRow {
    fn new(
        a: &Artifact,
        gz: &[u8],
        code_id: Option<u64>,
        status: &'static str,
        tx: Option<String>,
    ) -> CodeRow {
        CodeRow {
            contract: a.kind,
            checksum: a.checksum.clone(),
            code_id,
            status,
            tx,
            size: a.wasm.len(),
            gzip_size: gz.len(),
        }
    }
}

/// Result of `deploy upload`.
#[derive(Debug, Clone, Serialize)]
pub struct UploadReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// One row per artifact.
    pub codes: Vec<CodeRow>,
    /// Gas estimates of the txs a dry run would send.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dry_run: Vec<GasEstimate>,
    /// What an earlier run left behind and was resolved, and warnings.
    pub notes: Vec<String>,
}

impl Report for UploadReport {
    fn text(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .codes
            .iter()
            .map(|c| {
                vec![
                    c.contract.to_string(),
                    or_dash(c.code_id),
                    c.status.to_string(),
                    c.checksum.clone(),
                    or_dash(c.tx.as_ref()),
                ]
            })
            .collect();
        let mut out = notes_text(&self.notes);
        out.push_str(&table(
            &[
                "CONTRACT",
                "CODE_ID",
                "STATUS",
                "CHECKSUM (sha256)",
                "STORE_TX",
            ],
            &rows,
        ));
        for e in &self.dry_run {
            out.push_str(&format!(
                "dry run: gas used {} → gas limit {}, fee {}\n",
                e.gas_used, e.gas_limit, e.fee
            ));
        }
        out
    }
}

/// Splits artifacts into groups whose gzip sizes sum to at most [`MAX_TX_WASM_BYTES`]
/// (one artifact per group if it alone is larger).
pub fn batches(items: Vec<(Artifact, Vec<u8>)>) -> Vec<Vec<(Artifact, Vec<u8>)>> {
    let mut out: Vec<Vec<(Artifact, Vec<u8>)>> = Vec::new();
    let mut size = 0;
    for item in items {
        let len = item.1.len();
        match out.last_mut() {
            Some(batch) if size + len <= MAX_TX_WASM_BYTES => {
                size += len;
                batch.push(item);
            }
            _ => {
                size = len;
                out.push(vec![item]);
            }
        }
    }
    out
}

/// Runs `deploy upload`.
pub async fn run(ctx: &Context, only: &[ContractKind]) -> Result<()> {
    let kinds = if only.is_empty() {
        planned_kinds(&ctx.plan)
    } else {
        only.to_vec()
    };
    let artifacts = artifacts::load(&ctx.artifacts_dir(), &kinds)?;
    let signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    let mut report = UploadReport {
        chain_id: ctx.net.chain_id.clone(),
        codes: vec![],
        dry_run: vec![],
        notes: vec![],
    };
    report.notes = settle_pending(ctx.dry_run, &client, &mut store, &mut state).await?;
    let mut s = Send::new(&client, &signer, &mut store, &mut state);
    report.codes = store_codes(
        ctx,
        &mut s,
        artifacts,
        &mut report.notes,
        Some(&mut report.dry_run),
    )
    .await?;
    ctx.print(&report);
    Ok(())
}

/// The upload path shared by `deploy upload` and `deploy migrate`: for each artifact, its
/// code is found (recorded code_id checked with `CodeInfo`, else the chain's codes searched by
/// checksum) or stored gzip-compressed with `MsgStoreCode`, in as few txs as
/// [`MAX_TX_WASM_BYTES`] allows, each recorded as the pending tx before its broadcast. In a
/// dry run nothing is written or sent: codes to store get the row `would_store`, and their
/// txs' gas estimates are pushed to `dry_run` when given (a caller that simulates the stores
/// within a larger tx passes `None`, so nothing is simulated twice). Returns one row per
/// artifact; `state.codes` holds every stored or adopted code afterwards.
///
/// Errors: exit 3 if a store tx is refused, exit 4 on network faults (the pending hash is
/// kept), exit 6 if the state file cannot be written.
pub async fn store_codes(
    ctx: &Context,
    s: &mut Send<'_>,
    artifacts: Vec<Artifact>,
    notes: &mut Vec<String>,
    mut dry_run: Option<&mut Vec<GasEstimate>>,
) -> Result<Vec<CodeRow>> {
    let sender = s.signer.address.to_string();
    let mut rows = Vec::new();
    let mut to_store = Vec::new();
    for a in artifacts {
        let gz = a.gzipped();
        let row = |code_id, status, tx| CodeRow::new(&a, &gz, code_id, status, tx);
        if let Some(rec) = s
            .state
            .codes
            .get(&a.kind)
            .filter(|r| r.checksum == a.checksum)
            .cloned()
        {
            match s.client.code_info(rec.code_id).await? {
                Some(ci) if ci.checksum == a.checksum => {
                    rows.push(row(Some(rec.code_id), "exists", rec.store_tx.clone()));
                    continue;
                }
                _ => {
                    let note = format!(
                        "recorded code_id {} of {} is not on chain {} with that checksum (chain reset?): storing again",
                        rec.code_id, a.kind, ctx.net.chain_id
                    );
                    tracing::warn!("{note}");
                    notes.push(note);
                    s.state.codes.remove(&a.kind);
                }
            }
        }
        if let Some(ci) = s.client.find_code_by_checksum(&a.checksum, &sender).await? {
            rows.push(row(Some(ci.code_id), "adopted", None));
            s.state.codes.insert(
                a.kind,
                CodeRecord {
                    checksum: a.checksum.clone(),
                    code_id: ci.code_id,
                    store_tx: None,
                    height: None,
                },
            );
            continue;
        }
        to_store.push((a, gz));
    }
    if !ctx.dry_run {
        s.store.save(s.state)?;
    }

    for batch in batches(to_store) {
        let req = TxRequest {
            msgs: batch
                .iter()
                .map(|(_, gz)| {
                    to_any(&MsgStoreCode {
                        sender: sender.clone(),
                        wasm_byte_code: gz.clone(),
                        instantiate_permission: None,
                    })
                })
                .collect(),
            memo: format!(
                "luckee deploy upload ({})",
                batch
                    .iter()
                    .map(|(a, _)| a.kind.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            tags: vec!["upload".into()],
        };
        if ctx.dry_run {
            if let Some(estimates) = dry_run.as_deref_mut() {
                estimates.push(s.client.estimate_fresh(s.signer, &req).await?);
            }
            rows.extend(
                batch
                    .iter()
                    .map(|(a, gz)| CodeRow::new(a, gz, None, "would_store", None)),
            );
            continue;
        }
        let uploads = batch
            .iter()
            .enumerate()
            .map(|(i, (a, _))| PendingUpload {
                msg_index: i,
                contract: a.kind,
                checksum: a.checksum.clone(),
            })
            .collect();
        let outcome = send_recorded(
            s.client,
            s.signer,
            s.store,
            s.state,
            &req,
            TxEffects {
                uploads,
                ..Default::default()
            },
        )
        .await?;
        for (a, gz) in &batch {
            let code_id = s.state.codes.get(&a.kind).map(|c| c.code_id);
            rows.push(CodeRow::new(
                a,
                gz,
                code_id,
                "stored",
                Some(outcome.hash.clone()),
            ));
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(kind: ContractKind) -> Artifact {
        Artifact {
            kind,
            path: "x".into(),
            wasm: vec![],
            checksum: String::new(),
        }
    }

    #[test]
    fn batches_pack_by_gzip_size() {
        let items = vec![
            (art(ContractKind::Registry), vec![0; 200_000]),
            (art(ContractKind::Ft), vec![0; 200_000]),
            (art(ContractKind::Incentive), vec![0; 100_000]),
        ];
        let b = batches(items);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 1]);
        let big = batches(vec![
            (art(ContractKind::Ft), vec![0; 900_000]),
            (art(ContractKind::Incentive), vec![0; 1]),
        ]);
        assert_eq!(big.iter().map(Vec::len).collect::<Vec<_>>(), vec![1, 1]);
    }
}
