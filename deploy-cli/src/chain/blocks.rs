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

impl ChainClient {
    /// The txs of the block at `height` with their results (`/block`, and `/block_results`
    /// when the block has txs), with the client's retries.
    ///
    /// Errors: exit 2 if the node pruned the height (naming its earliest block); exit 3 if the
    /// results are missing; exit 4 if the node cannot be reached.
    pub async fn block_txs(&self, height: u64) -> Result<BlockTxs> {
        let h = cosmrs::tendermint::block::Height::try_from(height)
            .map_err(|e| Error::usage(format!("height {height}: {e}")))?;
        let block = match self.rpc("block", |c| async move { c.block(h).await }).await {
            Ok(b) => b.block,
            Err(Error::Chain(e)) if is_pruned_block(&e) => {
                return Err(self.pruned(height, &e).await)
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
        let results = self
            .rpc("block_results", |c| async move { c.block_results(h).await })
            .await?
            .txs_results
            .unwrap_or_default();
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
