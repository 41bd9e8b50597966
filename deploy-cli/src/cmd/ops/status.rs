//! `luckee ops status` — everything an operator looks at first, read at one block height:
//! chain (`/status`: height, block time and age, catching up, RPC latency), the contract
//! (`ContractInfo`, cw2), `get_config` (admin, pending admin, FT and registry, switches,
//! exchange rate), how many rules and reporters (`get_rules`, `get_registered_contracts`, all
//! pages), the FT (cw20 `token_info`: supply; `minter`: minter and cap) and `get_stats`.
//!
//! Exit codes are luckee's usual ones (4 node unreachable, 3 a query refused, 2 config). With
//! `--metrics-file` the gauges and the stats counters are written; when the node cannot be
//! reached the file still gets `luckee_up 0`.

use std::path::Path;

use luckee_types::{ft, incentive};
use serde::Serialize;

use super::{
    incentive_address, set_config_metrics, set_probe_metrics, set_stats_metrics, write_metrics,
    OpsArgs,
};
use crate::chain::{ChainClient, ContractInfo, Probe};
use crate::clock::rfc3339;
use crate::cmd::Context;
use crate::contracts::{FtClient, IncentiveClient};
use crate::error::Result;
use crate::metrics::{self, Metrics};
use crate::ui::{or_dash, Report};

/// The FT as `ops status` sees it.
#[derive(Debug, Clone, Serialize)]
pub struct FtStatus {
    /// cw20 contract address (`get_config.ft_contract`).
    pub address: String,
    /// cw20 `token_info` (name, symbol, decimals, total supply in base units).
    pub token_info: ft::TokenInfoResponse,
    /// cw20 `minter` (minter address and mint cap in base units); `None` = no minter.
    pub minter: Option<ft::MinterResponse>,
    /// Whether the minter is the incentive contract (else rewards cannot be minted).
    pub minter_is_incentive: bool,
}

/// Result of `ops status`.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// RPC endpoint that answered.
    pub endpoint: String,
    /// `/status`, its round trip and the block age; every query below was read at
    /// `probe.status.height`.
    pub probe: Probe,
    /// Latest block time, RFC 3339 UTC.
    pub block_time: String,
    /// The incentive contract's metadata (code id, migration admin, label).
    pub contract: ContractInfo,
    /// cw2 `(contract name, version)`.
    pub cw2: Option<(String, String)>,
    /// `get_config`.
    pub config: incentive::ConfigResponse,
    /// Number of reward rules (`get_rules`, all pages).
    pub rules: usize,
    /// Number of registered reporters (`get_registered_contracts`, all pages).
    pub reporters: usize,
    /// The FT.
    pub ft: FtStatus,
    /// `get_stats` (all-time totals and today's counters).
    pub stats: incentive::StatsResponse,
}

impl Report for StatusReport {
    fn text(&self) -> String {
        let c = &self.config;
        let t = &self.stats.totals;
        let p = &self.probe;
        let lines: Vec<(&str, String)> = vec![
            (
                "chain",
                format!(
                    "{} via {} (moniker {})",
                    self.chain_id, self.endpoint, p.status.moniker
                ),
            ),
            (
                "height",
                format!(
                    "{} at {} ({:.1} s ago){}",
                    p.status.height,
                    self.block_time,
                    p.block_age_seconds,
                    if p.status.catching_up {
                        ", CATCHING UP"
                    } else {
                        ""
                    }
                ),
            ),
            ("rpc latency", format!("{:.3} s", p.latency_seconds)),
            (
                "incentive",
                format!(
                    "{} (code {}, label {:?})",
                    self.contract.address, self.contract.code_id, self.contract.label
                ),
            ),
            (
                "cw2",
                or_dash(self.cw2.as_ref().map(|(n, v)| format!("{n} {v}"))),
            ),
            ("paused", c.config.emergency_paused.to_string()),
            ("enabled", c.config.enabled.to_string()),
            ("admin", c.admin.to_string()),
            ("pending admin", or_dash(c.pending_admin.as_ref())),
            (
                "migration admin",
                if self.contract.admin.is_empty() {
                    "-".into()
                } else {
                    self.contract.admin.clone()
                },
            ),
            (
                "exchange rate",
                format!(
                    "{} points = {} base units",
                    c.config.exchange_rate.points, c.config.exchange_rate.amount
                ),
            ),
            ("registry", c.registry_contract.to_string()),
            (
                "rules / reporters",
                format!("{} / {}", self.rules, self.reporters),
            ),
            (
                "ft",
                format!(
                    "{} ({} {}, {} decimals)",
                    self.ft.address,
                    self.ft.token_info.name,
                    self.ft.token_info.symbol,
                    self.ft.token_info.decimals
                ),
            ),
            (
                "ft supply",
                format!("{} base units", self.ft.token_info.total_supply),
            ),
            (
                "ft minter",
                match &self.ft.minter {
                    Some(m) => format!(
                        "{}{} (cap {})",
                        m.minter,
                        if self.ft.minter_is_incentive {
                            " = incentive"
                        } else {
                            " — NOT the incentive"
                        },
                        or_dash(m.cap)
                    ),
                    None => "(none) — NOT the incentive".into(),
                },
            ),
            (
                "rewards",
                format!(
                    "{} paid, {} base units, {} points",
                    t.rewards_distributed_count, t.rewards_distributed_amount, t.points_awarded
                ),
            ),
            (
                "activities",
                format!(
                    "{} processed, {} rejected, {} skipped",
                    t.activities_processed, t.activities_rejected, t.activities_skipped
                ),
            ),
            (
                "exchanges",
                format!(
                    "{} ({} points → {} base units)",
                    t.points_exchanged_count, t.points_exchanged_amount, t.points_exchange_minted
                ),
            ),
            (
                "today",
                format!(
                    "day {}: {} rewards, {} rejected, {} exchanges",
                    self.stats.day,
                    self.stats.daily.rewards_distributed_count,
                    self.stats.daily.activities_rejected,
                    self.stats.daily.points_exchanged_count
                ),
            ),
        ];
        let w = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        lines
            .iter()
            .map(|(k, v)| format!("{k:<w$}  {v}\n"))
            .collect()
    }
}

/// Runs `ops status`.
pub async fn run(ctx: &Context, args: &OpsArgs, metrics_file: Option<&Path>) -> Result<()> {
    let contract = incentive_address(ctx, args)?;
    let mut m = Metrics::new(&ctx.net.chain_id);
    let result = collect(ctx, &contract, &mut m).await;
    m.set_bool(metrics::UP, &[("contract", &contract)], result.is_ok());
    write_metrics(&m, metrics_file)?;
    ctx.print(&result?);
    Ok(())
}

async fn collect(ctx: &Context, contract: &str, m: &mut Metrics) -> Result<StatusReport> {
    let client = ctx.connect().await?;
    Ok(read(&client, contract, m).await?.report)
}

/// Everything [`read`] found: the report and the full rule and reporter lists.
#[derive(Debug, Clone)]
pub struct StatusRead {
    /// What `ops status` prints.
    pub report: StatusReport,
    /// `get_rules`, all pages.
    pub rules: Vec<incentive::RewardRule>,
    /// `get_registered_contracts`, all pages.
    pub reporters: Vec<incentive::RegisteredContract>,
}

/// Reads the status of the incentive at `contract` through `client`, every query at the
/// height of one `/status` call, and sets the status metrics in `m` (probe, config switches,
/// FT minter and supply, stats counters). Shared by `ops status` and `ops monitor`.
///
/// Errors: exit 4 if the node cannot be reached, exit 3 if a query is refused or the contract
/// does not exist.
pub async fn read(client: &ChainClient, contract: &str, m: &mut Metrics) -> Result<StatusRead> {
    let probe = client.probe().await?;
    set_probe_metrics(m, contract, &probe);
    let h = Some(probe.status.height);
    let inc = IncentiveClient::new(client, contract);
    let config = inc.config(h).await?;
    set_config_metrics(m, contract, &config);
    let info = inc
        .info(h)
        .await?
        .ok_or_else(|| crate::Error::chain(format!("no contract at {contract}")))?;
    let cw2 = inc.cw2(h).await?;
    let rules = inc.all_rules(h).await?;
    let reporters = inc.all_reporters(h).await?;
    let ft_addr = config.ft_contract.to_string();
    let ft = FtClient::new(client, ft_addr.clone());
    let token_info = ft.token_info(h).await?;
    let minter = ft.minter(h).await?;
    let minter_is_incentive = minter.as_ref().is_some_and(|mi| mi.minter == contract);
    let stats = inc.stats(None, h).await?;
    let l = [("contract", contract)];
    m.set_bool(metrics::FT_MINTER_OK, &l, minter_is_incentive);
    m.set(
        metrics::FT_TOTAL_SUPPLY,
        &l,
        token_info.total_supply.u128() as f64,
    );
    set_stats_metrics(m, contract, &stats.totals);
    let report = StatusReport {
        chain_id: client.network().chain_id.clone(),
        endpoint: client.endpoint().to_string(),
        block_time: rfc3339(probe.status.latest_block_time),
        probe,
        contract: info,
        cw2,
        config,
        rules: rules.len(),
        reporters: reporters.len(),
        ft: FtStatus {
            address: ft_addr,
            token_info,
            minter,
            minter_is_incentive,
        },
        stats,
    };
    Ok(StatusRead {
        report,
        rules,
        reporters,
    })
}
