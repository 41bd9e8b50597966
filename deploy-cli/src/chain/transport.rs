//! The HTTP(S) transport of CometBFT RPC: tendermint-rpc's JSON-RPC requests and responses
//! over our own reqwest client, so that what tendermint-rpc's `HttpClient` hides is visible:
//! the `Retry-After` header of a 429 / 503 answer is kept for the retry loop
//! ([`Transport::take_retry_after`]).
//!
//! TLS: rustls with the operating system's trust store (`rustls-native-certs`), so
//! `SSL_CERT_FILE` (a PEM bundle) adds a private CA. Basic auth in the URL (`https://user:pw@…`)
//! is not supported; use an authenticating proxy on loopback instead.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use cosmrs::rpc::{Client, Error as RpcError, Response, SimpleRequest};

/// One RPC endpoint.
#[derive(Debug)]
pub struct Transport {
    inner: reqwest::Client,
    url: reqwest::Url,
    retry_after: Mutex<Option<Duration>>,
}

impl Transport {
    /// A transport for `url` (`http://` or `https://`) with a per-request `timeout`.
    pub fn new(url: &str, timeout: Duration) -> Result<Transport, String> {
        let url = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("scheme '{}' is not http or https", url.scheme()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("credentials in the URL are not supported".into());
        }
        let inner = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("luckee/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Transport {
            inner,
            url,
            retry_after: Mutex::new(None),
        })
    }

    /// The `Retry-After` of the last 429 / 503 answer, if it had one (taken: asked once).
    pub fn take_retry_after(&self) -> Option<Duration> {
        self.retry_after
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

/// `Retry-After` in its delay-seconds form (the HTTP-date form is not used by RPC providers we
/// know of and is ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[async_trait]
impl Client for Transport {
    async fn perform<R>(&self, request: R) -> Result<R::Output, RpcError>
    where
        R: SimpleRequest,
    {
        let body = request.into_json();
        tracing::trace!(url = %self.url, %body, "rpc request");
        let response = self
            .inner
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(RpcError::http)?;
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            let wait = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            *self.retry_after.lock().unwrap_or_else(|e| e.into_inner()) = wait;
            return Err(RpcError::http_request_failed(status));
        }
        let bytes = response.bytes().await.map_err(RpcError::http)?;
        R::Response::from_string(&bytes).map(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_bad_urls() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert!(Transport::new("ftp://x", Duration::from_secs(1)).is_err());
        assert!(Transport::new("https://u:p@x", Duration::from_secs(1)).is_err());
        assert!(Transport::new("not a url", Duration::from_secs(1)).is_err());
        assert!(Transport::new("https://rpc.example:443", Duration::from_secs(1)).is_ok());
    }
}
