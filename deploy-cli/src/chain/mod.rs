//! The chain client: the one module that talks to the node.
//!
//! Everything goes through CometBFT RPC (tendermint-rpc's request and response types over our
//! [`transport::Transport`], CometBFT 0.38 dialect): gRPC queries as `abci_query` (path = the
//! gRPC method, data = the protobuf request, optional `height` for consistent reads),
//! transactions as `broadcast_tx_sync` then waiting for inclusion (`/tx` by hash, or reading
//! blocks when the node has no tx indexer). See [`query`] for the queries, [`tx`] for signing
//! and broadcasting, and [`ops`] for what `luckee ops` and `luckee backup` add.
//!
//! Faults are classified by cause ([`Fault`]), for every RPC call:
//! * transient — connection refused/reset, timeouts, HTTP 429 and 5xx — are retried with
//!   exponential backoff and jitter, waiting at least the answer's `Retry-After`, within a
//!   total time budget ([`RetryPolicy`]); a connection fault also fails over to the next
//!   configured endpoint. Exhausted: [`Error::Network`] (exit 4);
//! * TLS — unknown issuer, expired, wrong name — is a configuration error: exit 2 at once,
//!   naming the endpoint, the reason and the fix (`SSL_CERT_FILE`), never retried;
//! * HTTP 4xx other than 429 (not an RPC endpoint) and JSON-RPC "method not found": exit 2;
//! * other JSON-RPC errors from a healthy node: not retried (exit 3).

pub mod blocks;
pub mod cosmos_msg;
pub mod offline;
pub mod ops;
pub mod query;
pub mod transport;
pub mod tx;

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cosmrs::rpc::error::ErrorDetail;
use cosmrs::rpc::Client;
use rand::Rng;

use self::transport::Transport;

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
    /// Longest total wait between the tries of one call (the sum of the delays, including
    /// `Retry-After` waits); no retry starts after it.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    /// 5 tries, 250 ms doubling to at most 4 s (≈ 4 s of waiting in all without
    /// `Retry-After`), 30 s per request, 30 s of waiting at most.
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            request_timeout: Duration::from_secs(30),
            budget: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Upper bound of the delay before retry number `retry` (0-based): `base × 2^retry`,
    /// capped at `max_delay`.
    pub fn delay(&self, retry: u32) -> Duration {
        self.base_delay
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_delay)
    }

    /// The wait before retry `retry`: "equal jitter" — half of [`RetryPolicy::delay`] plus a
    /// random part of the other half, so that many clients do not retry in step — but at least
    /// the server's `Retry-After`. `jitter` is in [0, 1).
    pub fn wait(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        let d = self.delay(retry);
        let jittered = d / 2 + d.mul_f64(jitter.clamp(0.0, 1.0) / 2.0);
        jittered.max(retry_after.unwrap_or_default())
    }
}

/// What a failed RPC call means for retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Could not talk to this endpoint (refused, reset, DNS, timeout): retry, next endpoint.
    Connection,
    /// The endpoint answered with HTTP 5xx / 429: retry (after its `Retry-After`).
    Server,
    /// The TLS handshake failed (the reason in words): a configuration error, never retried.
    Tls(String),
    /// The URL is not a CometBFT RPC endpoint (HTTP 4xx, JSON-RPC method not found): exit 2.
    NotRpc,
    /// A real answer (JSON-RPC error, malformed request): do not retry.
    Permanent,
}

/// The TLS problem in a transport error's full report (`Debug` of the whole source chain, as
/// rustls words it), in plain words; `None` if the error is not about TLS.
pub fn tls_problem(report: &str) -> Option<String> {
    let known = [
        ("UnknownIssuer", "certificate signed by an unknown CA"),
        ("Expired", "certificate expired or not yet valid"),
        ("NotValidYet", "certificate not valid yet"),
        (
            "NotValidForName",
            "certificate not valid for this host name",
        ),
        ("BadSignature", "certificate with a bad signature"),
        ("invalid peer certificate", "invalid certificate"),
        ("InvalidCertificate", "invalid certificate"),
        (
            "received corrupt message",
            "not a TLS server, or a broken TLS answer",
        ),
        (
            "InvalidContentType",
            "not a TLS server, or a broken TLS answer",
        ),
    ];
    known
        .iter()
        .find(|(needle, _)| report.contains(needle))
        .map(|(_, words)| words.to_string())
}

/// Classifies an RPC error by its cause (see the module docs).
pub fn classify(e: &cosmrs::rpc::Error) -> Fault {
    match e.detail() {
        ErrorDetail::Http(_) => match tls_problem(&format!("{e:?}")) {
            Some(reason) => Fault::Tls(reason),
            None => Fault::Connection,
        },
        ErrorDetail::Io(_) | ErrorDetail::Timeout(_) | ErrorDetail::ChannelSend(_) => {
            Fault::Connection
        }
        ErrorDetail::HttpRequestFailed(d)
            if d.status.is_server_error() || d.status.as_u16() == 429 =>
        {
            Fault::Server
        }
        ErrorDetail::HttpRequestFailed(_) => Fault::NotRpc,
        ErrorDetail::Response(r)
            if r.source.code() == cosmrs::rpc::response_error::Code::MethodNotFound =>
        {
            Fault::NotRpc
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
    endpoints: Vec<(String, Arc<Transport>)>,
    current: AtomicUsize,
    retry: RetryPolicy,
    progress: Arc<dyn Progress>,
    indexer_disabled: AtomicBool,
    block_interval: std::sync::Mutex<Option<Duration>>,
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
                let t = Transport::new(url, retry.request_timeout)
                    .map_err(|e| Error::usage(format!("RPC endpoint '{url}': {e}")))?;
                Ok((url.clone(), Arc::new(t)))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ChainClient {
            net,
            endpoints,
            current: AtomicUsize::new(0),
            retry,
            progress: Arc::new(NoProgress),
            indexer_disabled: AtomicBool::new(false),
            block_interval: std::sync::Mutex::new(None),
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

    /// The chain's block interval, measured once per client over the last (up to) 10 blocks
    /// (`/status` and `/block`); 1 s if it cannot be measured. Bounded to 100 ms ..= 60 s.
    pub async fn block_interval(&self) -> Duration {
        if let Some(d) = *self
            .block_interval
            .lock()
            .unwrap_or_else(|e| e.into_inner())
        {
            return d;
        }
        let measured = async {
            let s = self.status().await?;
            let back = (s.height - s.earliest_height.max(1)).min(10);
            if back == 0 {
                return Ok::<_, Error>(None);
            }
            let t0 = self.block_time_at(s.height - back).await?;
            let secs = (s.latest_block_time - t0).max(0) as f64 / back as f64;
            Ok(Some(Duration::from_secs_f64(secs)))
        }
        .await;
        let d = match measured {
            Ok(Some(d)) => d.clamp(Duration::from_millis(100), Duration::from_secs(60)),
            _ => Duration::from_secs(1),
        };
        tracing::info!(
            block_interval_ms = d.as_millis() as u64,
            "measured block interval"
        );
        *self
            .block_interval
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(d);
        d
    }

    /// How long to wait for a broadcast tx: the network's tx timeout, or, when that is the
    /// default, at least 10 measured block intervals.
    pub async fn tx_timeout(&self) -> Duration {
        if self.net.tx_timeout_set {
            return self.net.tx_timeout;
        }
        self.net.tx_timeout.max(self.block_interval().await * 10)
    }

    /// Poll cadence while waiting for a block: a quarter of the block interval, 250 ms ..= 2 s.
    pub async fn poll_interval(&self) -> Duration {
        (self.block_interval().await / 4).clamp(Duration::from_millis(250), Duration::from_secs(2))
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
        F: FnMut(Arc<Transport>) -> Fut,
        Fut: Future<Output = std::result::Result<T, cosmrs::rpc::Error>>,
    {
        let mut last = String::new();
        let start = Instant::now();
        let mut waited = Duration::ZERO;
        let attempts = self.retry.attempts.max(1);
        for attempt in 0..attempts {
            let idx = self.current.load(Ordering::Relaxed) % self.endpoints.len();
            let (url, transport) = &self.endpoints[idx];
            let e = match call(transport.clone()).await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            last = format!("{url}: {}", short_rpc_error(&e));
            let retry_after = transport.take_retry_after();
            match classify(&e) {
                Fault::Permanent => return Err(Error::chain(format!("{what} failed: {last}"))),
                Fault::Tls(reason) => {
                    return Err(Error::usage(format!(
                        "TLS connection to {url} failed: {reason}. luckee trusts the system's CA certificates; if the node uses a private CA, point SSL_CERT_FILE at its PEM certificate (export SSL_CERT_FILE=/path/to/ca.pem), otherwise fix the endpoint's certificate. Not retried."
                    )))
                }
                Fault::NotRpc => {
                    return Err(Error::usage(format!(
                        "{what}: {last}: is this a CometBFT RPC endpoint (usually port 26657), not a REST/gRPC one? check --node"
                    )))
                }
                Fault::Connection if self.endpoints.len() > 1 => {
                    self.current.store((idx + 1) % self.endpoints.len(), Ordering::Relaxed);
                }
                Fault::Connection | Fault::Server => {}
            }
            if attempt + 1 == attempts {
                break;
            }
            let wait = self
                .retry
                .wait(attempt, retry_after, rand::thread_rng().gen::<f64>());
            if waited + wait > self.retry.budget {
                tracing::warn!(
                    "{what}: retry budget of {} s spent",
                    self.retry.budget.as_secs()
                );
                break;
            }
            tracing::warn!(
                attempt = attempt + 1,
                wait_ms = wait.as_millis() as u64,
                "{what}: transient fault: {last}"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
        }
        let tried: Vec<&str> = self.endpoints.iter().map(|(u, _)| u.as_str()).collect();
        Err(Error::network(format!(
            "{what}: node not reachable or overloaded after {:.1} s of retries at {} (last error: {last}); check --node / is the node up?",
            start.elapsed().as_secs_f64(),
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
            earliest_height: s.sync_info.earliest_block_height.value(),
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
    fn jittered_waits_stay_in_range_and_honour_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(p.wait(1, None, 0.0), Duration::from_millis(250));
        assert_eq!(p.wait(1, None, 0.999_999).as_millis(), 499);
        assert_eq!(
            p.wait(0, Some(Duration::from_secs(2)), 0.5),
            Duration::from_secs(2)
        );
        assert_eq!(p.wait(9, None, 1.0), Duration::from_secs(4));
    }

    #[test]
    fn tls_problems_are_recognised_in_words() {
        let report = "Http(HttpSubdetail { source: reqwest::Error { kind: Request, source: hyper::Error(Connect, Custom { kind: InvalidData, error: InvalidCertificate(UnknownIssuer) }) } })";
        assert_eq!(
            tls_problem(report).as_deref(),
            Some("certificate signed by an unknown CA")
        );
        assert!(tls_problem("InvalidCertificate(NotValidForName)")
            .unwrap()
            .contains("host name"));
        assert_eq!(tls_problem("Connection refused (os error 111)"), None);
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
