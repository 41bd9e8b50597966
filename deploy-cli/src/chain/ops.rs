//! Queries and message builders of `luckee ops` and `luckee backup`: a timed `/status` probe,
//! block time and age, every page of a paginated smart query and every page of the raw
//! contract state at one fixed height.
//!
//! Consistency: [`ChainClient::for_each_state_page`] and [`ChainClient::smart_query_all`]
//! take a `height`; every page is answered from the state committed at that block, so a backup
//! reading many pages sees one snapshot even while blocks keep coming.

use std::time::Instant;

use cosmrs::proto::cosmos::base::query::v1beta1::PageRequest;
use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::proto::traits::Message;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::query::NodeStatus;
use super::ChainClient;
use crate::error::{Error, Result};

/// One timed `/status` call: what the node said and how long the answer took.
#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    /// The node's `/status` (chain-id, latest height and block time, catching-up flag).
    pub status: NodeStatus,
    /// Wall-clock round trip of the call, seconds (including retries of transient faults).
    pub latency_seconds: f64,
    /// Local time minus the latest block's time, seconds (negative if the local clock is behind).
    pub block_age_seconds: f64,
}

impl ChainClient {
    /// Times one `/status` call ([`ChainClient::status`], with the client's retry policy).
    ///
    /// Errors: exit 4 ([`Error::Network`]) if the node cannot be reached.
    pub async fn probe(&self) -> Result<Probe> {
        let start = Instant::now();
        let status = self.status().await?;
        let latency_seconds = start.elapsed().as_secs_f64();
        let block_age_seconds = crate::clock::unix_now() - status.latest_block_time as f64;
        Ok(Probe {
            status,
            latency_seconds,
            block_age_seconds,
        })
    }

    /// Every page of a paginated smart query at `height` (`None` = latest), in order, handed to
    /// `on_page` as it arrives: `query(start_after)` builds the query of one page, `items`
    /// extracts its entries and `cursor` gives an entry's `start_after` value. Stops at an
    /// empty page (or one that repeats the last cursor). Returns the number of entries.
    ///
    /// Source: `/cosmwasm.wasm.v1.Query/SmartContractState`, one call per page.
    pub async fn smart_query_pages<Q, R, T>(
        &self,
        contract: &str,
        height: Option<u64>,
        query: impl Fn(Option<String>) -> Q,
        items: impl Fn(R) -> Vec<T>,
        cursor: impl Fn(&T) -> String,
        mut on_page: impl FnMut(Vec<T>) -> Result<()>,
    ) -> Result<u64>
    where
        Q: Serialize,
        R: DeserializeOwned,
    {
        let mut total = 0u64;
        let mut start_after: Option<String> = None;
        loop {
            let page = items(
                self.smart_query(contract, &query(start_after.clone()), height)
                    .await?,
            );
            let Some(last) = page.last() else {
                return Ok(total);
            };
            let next = cursor(last);
            if start_after.as_deref() == Some(next.as_str()) {
                return Ok(total);
            }
            start_after = Some(next);
            total += page.len() as u64;
            on_page(page)?;
        }
    }

    /// [`ChainClient::smart_query_pages`] collected into one list.
    pub async fn smart_query_all<Q, R, T>(
        &self,
        contract: &str,
        height: Option<u64>,
        query: impl Fn(Option<String>) -> Q,
        items: impl Fn(R) -> Vec<T>,
        cursor: impl Fn(&T) -> String,
    ) -> Result<Vec<T>>
    where
        Q: Serialize,
        R: DeserializeOwned,
    {
        let mut all = Vec::new();
        self.smart_query_pages(contract, height, query, items, cursor, |page| {
            all.extend(page);
            Ok(())
        })
        .await?;
        Ok(all)
    }

    /// Reads the complete raw state of `contract` at block `height`, page by page
    /// (`/cosmwasm.wasm.v1.Query/AllContractState`, `limit` entries per page, keys in
    /// ascending byte order), handing each page's `(key, value)` pairs to `on_page` as soon as
    /// it arrives — nothing but the current page is held in memory. Returns the number of
    /// entries.
    ///
    /// Every answer must be for `height` (exit 3 otherwise, e.g. when the node pruned that
    /// height meanwhile); exit 3 if there is no contract at `contract` at that height.
    pub async fn for_each_state_page(
        &self,
        contract: &str,
        height: u64,
        limit: u64,
        mut on_page: impl FnMut(Vec<(Vec<u8>, Vec<u8>)>) -> Result<()>,
    ) -> Result<u64> {
        const PATH: &str = "/cosmwasm.wasm.v1.Query/AllContractState";
        let mut key = Vec::new();
        let mut total = 0u64;
        loop {
            let req = wasm::QueryAllContractStateRequest {
                address: contract.into(),
                pagination: Some(PageRequest {
                    key: std::mem::take(&mut key),
                    limit,
                    ..Default::default()
                }),
            };
            let a = self
                .abci_query_raw(PATH, req.encode_to_vec(), Some(height))
                .await?;
            if a.code != 0 {
                return Err(Error::chain(format!(
                    "raw state of {contract} at height {height} (codespace {}, code {}): {}",
                    a.codespace, a.code, a.log
                )));
            }
            if a.height != height {
                return Err(Error::chain(format!(
                    "raw state of {contract}: asked for height {height}, the node answered for {}",
                    a.height
                )));
            }
            let resp = wasm::QueryAllContractStateResponse::decode(a.value.as_slice())
                .map_err(|e| Error::chain(format!("{PATH}: undecodable response: {e}")))?;
            total += resp.models.len() as u64;
            on_page(resp.models.into_iter().map(|m| (m.key, m.value)).collect())?;
            match resp
                .pagination
                .map(|p| p.next_key)
                .filter(|k| !k.is_empty())
            {
                Some(next) => key = next,
                None => return Ok(total),
            }
        }
    }
}
