//! Whole blocks with their tx results (`/block` + `/block_results`), for the event archive.
//! Works on nodes with the tx indexer disabled.

use cosmrs::rpc::Client;
use cosmrs::tendermint::abci::types::ExecTxResult;

use super::query::is_pruned_block;
use super::ChainClient;
use crate::error::{Error, Result};

/// One block's txs and their results.
#[derive(Debug, Clone)]
pub struct BlockTxs {
    /// Height.
    pub height: u64,
    /// Block time, RFC 3339 UTC.
    pub time: String,
    /// Each tx's bytes with its result, in block order.
    pub txs: Vec<(Vec<u8>, ExecTxResult)>,
}

/// Most block metas one `/blockchain` call returns (CometBFT's limit).
pub const METAS_PER_CALL: u64 = 20;

impl ChainClient {
    /// The heights in `min..=max` whose blocks hold at least one tx, from the block metas of
    /// `/blockchain` (at most [`METAS_PER_CALL`] heights per call; `max - min` must be below
    /// it), with the client's retries.
    ///
    /// Errors: exit 4 if the node no longer has some of those heights (CometBFT silently
    /// clamps to its earliest block: any missing meta is refused, naming the earliest block) or
    /// cannot be reached; exit 3 if `max` is above the latest block.
    pub async fn tx_heights(&self, min: u64, max: u64) -> Result<Vec<u64>> {
        debug_assert!(min <= max && max - min < METAS_PER_CALL);
        let h = |v: u64| {
            cosmrs::tendermint::block::Height::try_from(v)
                .map_err(|e| Error::usage(format!("height {v}: {e}")))
        };
        let (lo, hi) = (h(min)?, h(max)?);
        let metas = match self
            .rpc("blockchain", |c| async move { c.blockchain(lo, hi).await })
            .await
        {
            Ok(r) => r.block_metas,
            // The whole range is below the node's earliest block (CometBFT clamps `min` up to
            // it, past `max`).
            Err(Error::Chain(e)) if e.contains("greater than max height") => {
                return Err(self.pruned_blocks(min).await)
            }
            Err(e) => return Err(e),
        };
        let have: Vec<u64> = metas.iter().map(|m| m.header.height.value()).collect();
        let expected = max - min + 1;
        if (have.len() as u64) < expected || have.iter().any(|x| *x < min || *x > max) {
            let earliest = have.iter().min().copied().unwrap_or(max + 1);
            if earliest > min {
                return Err(self.pruned_blocks(min).await);
            }
            return Err(Error::chain(format!(
                "the node answered heights {have:?} for blocks {min}..={max}"
            )));
        }
        let mut out: Vec<u64> = metas
            .iter()
            .filter(|m| m.num_txs > 0)
            .map(|m| m.header.height.value())
            .collect();
        out.sort_unstable();
        Ok(out)
    }

    /// The error for a block the node no longer has: exit 4, naming the node's earliest block
    /// and the `--from` that starts there.
    pub async fn pruned_blocks(&self, height: u64) -> Error {
        let earliest = match self.status().await {
            Ok(s) => s.earliest_height.to_string(),
            Err(_) => "unknown".into(),
        };
        Error::network(format!(
            "the node {} no longer has block {height} (pruned; its earliest block is {earliest}): \
             archive from a node with full history (--node, pruning = \"nothing\" and \
             min-retain-blocks = 0), or start a new archive there with --from {earliest} \
             (heights before it stay missing)",
            self.endpoint()
        ))
    }

    /// The txs of the block at `height` with their results (`/block`, and `/block_results`
    /// when the block has txs), with the client's retries.
    ///
    /// Errors: exit 4 if the node pruned the height (naming its earliest block) or cannot be
    /// reached; exit 3 if the results are missing.
    pub async fn block_txs(&self, height: u64) -> Result<BlockTxs> {
        let h = cosmrs::tendermint::block::Height::try_from(height)
            .map_err(|e| Error::usage(format!("height {height}: {e}")))?;
        let block = match self.rpc("block", |c| async move { c.block(h).await }).await {
            Ok(b) => b.block,
            Err(Error::Chain(e)) if is_pruned_block(&e) => {
                return Err(self.pruned_blocks(height).await)
            }
            Err(e) => return Err(e),
        };
        let time = crate::clock::rfc3339(block.header.time.unix_timestamp());
        let data = block.data;
        if data.is_empty() {
            return Ok(BlockTxs {
                height,
                time,
                txs: vec![],
            });
        }
        // A block is stored before its results: at the tip (or on an endpoint a little
        // behind) they may come a moment later.
        let mut waited = 0;
        let results = loop {
            match self
                .rpc("block_results", |c| async move { c.block_results(h).await })
                .await
            {
                Ok(r) => break r.txs_results.unwrap_or_default(),
                Err(Error::Chain(e)) if e.contains("could not find results") && waited < 50 => {
                    waited += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        };
        if results.len() != data.len() {
            return Err(Error::chain(format!(
                "block {height} has {} txs but {} results",
                data.len(),
                results.len()
            )));
        }
        Ok(BlockTxs {
            height,
            time,
            txs: data.into_iter().zip(results).collect(),
        })
    }
}
