//! The chain client: the one module that talks to the node.
//!
//! Everything goes through CometBFT RPC (tendermint-rpc's `HttpClient`, `CompatMode::V0_38`):
//! gRPC queries as `abci_query` (path = the gRPC method, data = the protobuf request, optional
//! `height` for consistent reads), transactions as `broadcast_tx_sync` then polling `tx` by
//! hash. See [`query`] for the queries, [`tx`] for signing and broadcasting, and [`ops`] for
//! what `luckee ops` and `luckee backup` add (timed probe, paged reads at one height).
//!
//! Fault handling, for every RPC call:
//! * transient faults — connection refused/reset, HTTP timeouts, HTTP 5xx/429 — are retried
//!   with exponential backoff ([`RetryPolicy`]); a connection-level fault also fails over to
//!   the next configured endpoint;
//! * when the retries are exhausted the call fails with [`Error::Network`] (exit 4);
//! * JSON-RPC errors from a healthy node are not retried.

pub mod ops;
pub mod query;
pub mod tx;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cosmrs::rpc::client::CompatMode;
use cosmrs::rpc::error::ErrorDetail;
use cosmrs::rpc::{Client, HttpClient, HttpClientUrl};

use crate::config::Network;
use crate::error::{Error, Result};

pub use ops::Probe;
pub use query::{CodeInfo, ContractInfo, NodeStatus};
pub use tx::{TxOutcome, TxRequest};

/// How often and how patiently transient RPC faults are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total tries of one call (≥ 1).
    pub attempts: u32,
    /// Delay before the first retry; doubled each time.
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
    /// Per-request HTTP timeout.
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    /// 5 tries, 250 ms doubling to at most 4 s (≈ 4 s of waiting in all), 30 s per request.
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Delay before retry number `retry` (0-based).
    pub fn delay(&self, retry: u32) -> Duration {
        self.base_delay
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_delay)
    }
}

/// What a failed RPC call means for retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Could not talk to this endpoint (refused, reset, DNS, timeout): retry, next endpoint.
    Connection,
    /// The endpoint answered with HTTP 5xx / 429: retry.
    Server,
    /// A real answer (JSON-RPC error, malformed request): do not retry.
    Permanent,
}

pub(crate) fn classify(e: &cosmrs::rpc::Error) -> Fault {
    match e.detail() {
        ErrorDetail::Http(_)
        | ErrorDetail::Io(_)
        | ErrorDetail::Timeout(_)
        | ErrorDetail::ChannelSend(_) => Fault::Connection,
        ErrorDetail::HttpRequestFailed(d)
            if d.status.is_server_error() || d.status.as_u16() == 429 =>
        {
            Fault::Server
        }
        _ => Fault::Permanent,
    }
}

/// Where the chain client reports long waits (e.g. for a tx to be included), so that a
/// front end can show a spinner. The chain module knows nothing about terminals.
pub trait Progress: Send + Sync {
    /// `Some(what)`: a wait starts (or its description changes); `None`: it is over.
    fn waiting(&self, what: Option<&str>);
}

/// A [`Progress`] that shows nothing (tests, JSON output, libraries).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn waiting(&self, _what: Option<&str>) {}
}

/// A connection to one chain through one or more RPC endpoints.
pub struct ChainClient {
    net: Network,
    endpoints: Vec<(String, HttpClient)>,
    current: AtomicUsize,
    retry: RetryPolicy,
    progress: Arc<dyn Progress>,
    indexer_disabled: AtomicBool,
}

impl std::fmt::Debug for ChainClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainClient")
            .field("chain_id", &self.net.chain_id)
            .field("rpc", &self.net.rpc)
            .finish()
    }
}

impl ChainClient {
    /// Builds the client for `net` without contacting the node.
    ///
    /// Errors: exit 2 if an endpoint URL is invalid.
    pub fn new(net: Network, retry: RetryPolicy) -> Result<ChainClient> {
        let endpoints = net
            .rpc
            .iter()
            .map(|url| {
                let parsed: HttpClientUrl = url
                    .parse()
                    .map_err(|e| Error::usage(format!("RPC endpoint '{url}': {e}")))?;
                let client = HttpClient::builder(parsed)
                    .compat_mode(CompatMode::V0_38)
                    .timeout(retry.request_timeout)
                    .build()
                    .map_err(|e| Error::usage(format!("RPC endpoint '{url}': {e}")))?;
                Ok((url.clone(), client))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ChainClient {
            net,
            endpoints,
            current: AtomicUsize::new(0),
            retry,
            progress: Arc::new(NoProgress),
            indexer_disabled: AtomicBool::new(false),
        })
    }

    /// Builds the client and checks that the node's chain-id (`/status` → `node_info.network`)
    /// is the configured one.
    ///
    /// Errors: exit 4 if no endpoint answers; exit 2 on a chain-id mismatch.
    pub async fn connect(net: Network, retry: RetryPolicy) -> Result<ChainClient> {
        let client = ChainClient::new(net, retry)?;
        let status = client.status().await?;
        if status.chain_id != client.net.chain_id {
            return Err(Error::usage(format!(
                "node {} reports chain-id '{}', but network '{}' expects '{}' (check --network / --chain-id / --node)",
                client.endpoint(),
                status.chain_id,
                client.net.name,
                client.net.chain_id
            )));
        }
        tracing::debug!(
            height = status.height,
            endpoint = client.endpoint(),
            "connected"
        );
        Ok(client)
    }

    /// The network this client talks to.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// Reports long waits to `progress` from now on (default: [`NoProgress`]).
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> ChainClient {
        self.progress = progress;
        self
    }

    /// Whether the node answered that its tx indexer is disabled (see [`ChainClient::find_tx`]).
    pub fn indexer_disabled(&self) -> bool {
        self.indexer_disabled.load(Ordering::Relaxed)
    }

    pub(crate) fn set_indexer_disabled(&self) {
        self.indexer_disabled.store(true, Ordering::Relaxed);
    }

    /// Reports the start (`Some`) or end (`None`) of a long wait.
    pub(crate) fn progress(&self, what: Option<&str>) {
        self.progress.waiting(what);
    }

    /// URL of the endpoint currently in use.
    pub fn endpoint(&self) -> &str {
        &self.endpoints[self.current.load(Ordering::Relaxed) % self.endpoints.len()].0
    }

    /// Runs one RPC call with retries and endpoint failover. `what` names the call in errors.
    pub(crate) async fn rpc<T, F, Fut>(&self, what: &str, mut call: F) -> Result<T>
    where
        F: FnMut(HttpClient) -> Fut,
        Fut: Future<Output = std::result::Result<T, cosmrs::rpc::Error>>,
    {
        let mut last = String::new();
        for attempt in 0..self.retry.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.retry.delay(attempt - 1)).await;
            }
            let idx = self.current.load(Ordering::Relaxed) % self.endpoints.len();
            let (url, client) = &self.endpoints[idx];
            match call(client.clone()).await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let fault = classify(&e);
                    last = format!("{url}: {}", short_rpc_error(&e));
                    if fault == Fault::Permanent {
                        return Err(Error::chain(format!("{what} failed: {last}")));
                    }
                    tracing::warn!(attempt = attempt + 1, "{what}: transient fault: {last}");
                    if fault == Fault::Connection && self.endpoints.len() > 1 {
                        self.current
                            .store((idx + 1) % self.endpoints.len(), Ordering::Relaxed);
                    }
                }
            }
        }
        let tried: Vec<&str> = self.endpoints.iter().map(|(u, _)| u.as_str()).collect();
        Err(Error::network(format!(
            "{what}: node not reachable after {} attempts at {} (last error: {last}); check --node / is the node up?",
            self.retry.attempts.max(1),
            tried.join(", ")
        )))
    }

    /// `/status`: chain-id, latest height and block time, catching-up flag.
    pub async fn status(&self) -> Result<NodeStatus> {
        let s = self
            .rpc("status", |c| async move { c.status().await })
            .await?;
        Ok(NodeStatus {
            chain_id: s.node_info.network.to_string(),
            height: s.sync_info.latest_block_height.value(),
            latest_block_time: s.sync_info.latest_block_time.unix_timestamp(),
            catching_up: s.sync_info.catching_up,
            moniker: s.node_info.moniker.to_string(),
        })
    }
}

/// A one-line description of an RPC error (reqwest errors are otherwise very long).
pub(crate) fn short_rpc_error(e: &cosmrs::rpc::Error) -> String {
    match e.detail() {
        ErrorDetail::Response(r) => r.source.to_string(),
        _ => one_line(&e.to_string()),
    }
}

/// Folds a multi-line error report (`msg\n\nCaused by:\n    cause\n\nLocation: …`) into
/// `msg: cause`, dropping the source location.
pub fn one_line(report: &str) -> String {
    let body = report.split("\nLocation:").next().unwrap_or(report);
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "Caused by:")
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(0), Duration::from_millis(250));
        assert_eq!(p.delay(1), Duration::from_millis(500));
        assert_eq!(p.delay(4), Duration::from_secs(4));
        assert_eq!(p.delay(60), Duration::from_secs(4));
    }

    #[test]
    fn error_reports_fold_into_one_line() {
        let r = "HTTP error\n\nCaused by:\n    error sending request: Connection refused (os error 111)\n\nLocation:\n    /x/eyre.rs:10:9";
        assert_eq!(
            one_line(r),
            "HTTP error: error sending request: Connection refused (os error 111)"
        );
        assert_eq!(one_line("plain"), "plain");
    }

    #[tokio::test]
    async fn unreachable_node_is_a_network_error_after_failover() {
        let mut net = Network::local();
        // Port 9 (discard) on loopback: connection refused.
        net.rpc = vec!["http://127.0.0.1:9".into(), "http://127.0.0.1:10".into()];
        let retry = RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            ..Default::default()
        };
        let e = ChainClient::connect(net, retry).await.unwrap_err();
        assert_eq!(e.exit_code(), 4, "{e}");
        assert!(e.to_string().contains("127.0.0.1:"), "{e}");
    }
}
