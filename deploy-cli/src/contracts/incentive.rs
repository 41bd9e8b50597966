//! Typed client of `luckee_incentive` (messages: [`luckee_types::incentive`]).

use cosmwasm_std::Uint128;
use luckee_types::incentive::{
    ActivityProcessedResponse, ConfigResponse, ExecuteMsg, PausersResponse, PointsResponse,
    QueryMsg, RegisteredContract, RegisteredContractsResponse, RewardRule, RulesResponse,
    StatsResponse,
};
use luckee_types::MAX_PAGE_LIMIT;

use super::{Contract, ContractApi, ContractKind};
use crate::error::Result;

/// Marker of the incentive contract's message types.
#[derive(Debug, Clone, Copy)]
pub struct Incentive;

impl ContractApi for Incentive {
    const KIND: ContractKind = ContractKind::Incentive;
    type ExecuteMsg = ExecuteMsg;
    type QueryMsg = QueryMsg;
    type MigrateMsg = luckee_types::incentive::MigrateMsg;
}

/// Whether semver `version` is at least `major.minor` (an unparsable version is not).
fn version_at_least(version: &str, major: u64, minor: u64) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u64>());
    match (parts.next(), parts.next()) {
        (Some(Ok(ma)), Some(Ok(mi))) => (ma, mi) >= (major, minor),
        _ => false,
    }
}

/// A `luckee_incentive` contract.
pub type IncentiveClient<'a> = Contract<'a, Incentive>;

impl IncentiveClient<'_> {
    /// `get_config`: admin, pending admin, FT and registry addresses, switches, exchange rate.
    pub async fn config(&self, height: Option<u64>) -> Result<ConfigResponse> {
        self.query(&QueryMsg::GetConfig {}, height).await
    }

    /// Every reward rule (`get_rules`, all pages of [`MAX_PAGE_LIMIT`], id order), handed to
    /// `on_page` page by page. Returns the number of rules.
    pub async fn rules_pages(
        &self,
        height: Option<u64>,
        on_page: impl FnMut(Vec<RewardRule>) -> Result<()>,
    ) -> Result<u64> {
        self.query_pages(
            height,
            |start_after| QueryMsg::GetRules {
                start_after,
                limit: Some(MAX_PAGE_LIMIT),
            },
            |r: RulesResponse| r.rules,
            |r| r.id.clone(),
            on_page,
        )
        .await
    }

    /// Every reward rule, collected ([`Self::rules_pages`]).
    pub async fn all_rules(&self, height: Option<u64>) -> Result<Vec<RewardRule>> {
        let mut all = Vec::new();
        self.rules_pages(height, |p| {
            all.extend(p);
            Ok(())
        })
        .await?;
        Ok(all)
    }

    /// Every registered reporter (`get_registered_contracts`, all pages, address order),
    /// handed to `on_page` page by page. Returns the number of reporters.
    pub async fn reporters_pages(
        &self,
        height: Option<u64>,
        on_page: impl FnMut(Vec<RegisteredContract>) -> Result<()>,
    ) -> Result<u64> {
        self.query_pages(
            height,
            |start_after| QueryMsg::GetRegisteredContracts {
                start_after,
                limit: Some(MAX_PAGE_LIMIT),
            },
            |r: RegisteredContractsResponse| r.contracts,
            |c| c.address.to_string(),
            on_page,
        )
        .await
    }

    /// Every registered reporter, collected ([`Self::reporters_pages`]).
    pub async fn all_reporters(&self, height: Option<u64>) -> Result<Vec<RegisteredContract>> {
        let mut all = Vec::new();
        self.reporters_pages(height, |p| {
            all.extend(p);
            Ok(())
        })
        .await?;
        Ok(all)
    }

    /// Every pauser (`get_pausers`, all pages, address order; v0.2.0 onward), collected.
    pub async fn all_pausers(&self, height: Option<u64>) -> Result<Vec<String>> {
        let mut all = Vec::new();
        self.query_pages(
            height,
            |start_after| QueryMsg::GetPausers {
                start_after,
                limit: Some(MAX_PAGE_LIMIT),
            },
            |r: PausersResponse| r.pausers,
            |a| a.to_string(),
            |page| {
                all.extend(page.into_iter().map(|a| a.to_string()));
                Ok(())
            },
        )
        .await?;
        Ok(all)
    }

    /// Every pauser, or `None` for a contract older than v0.2.0 (by its cw2 version), which
    /// has neither pausers nor the `get_pausers` query.
    pub async fn pausers_if_supported(&self, height: Option<u64>) -> Result<Option<Vec<String>>> {
        if self.is_v0_2_or_later(height).await? {
            Ok(Some(self.all_pausers(height).await?))
        } else {
            Ok(None)
        }
    }

    /// Whether the contract's cw2 version is 0.2.0 or later: reporter sources and limits,
    /// pausers, `redeem_requires_membership` (raw query of the cw2 item).
    pub async fn is_v0_2_or_later(&self, height: Option<u64>) -> Result<bool> {
        Ok(matches!(self.cw2(height).await?, Some((_, v)) if version_at_least(&v, 0, 2)))
    }

    /// `get_stats`: all-time totals and the counters of UTC day `day` (default today).
    pub async fn stats(&self, day: Option<u64>, height: Option<u64>) -> Result<StatsResponse> {
        self.query(&QueryMsg::GetStats { day }, height).await
    }

    /// `get_points`: the points balance of `address`.
    pub async fn points(&self, address: &str, height: Option<u64>) -> Result<Uint128> {
        let r: PointsResponse = self
            .query(
                &QueryMsg::GetPoints {
                    address: address.into(),
                },
                height,
            )
            .await?;
        Ok(r.points)
    }

    /// `is_activity_processed {source}`: whether `activity_id` was already paid under
    /// `source` (a reporter's source is its address unless registered with another one).
    pub async fn is_activity_processed(
        &self,
        source: &str,
        activity_id: &str,
        height: Option<u64>,
    ) -> Result<bool> {
        let r: ActivityProcessedResponse = self
            .query(
                &QueryMsg::IsActivityProcessed {
                    reporter: None,
                    source: Some(source.into()),
                    activity_id: activity_id.into(),
                },
                height,
            )
            .await?;
        Ok(r.processed)
    }
}
