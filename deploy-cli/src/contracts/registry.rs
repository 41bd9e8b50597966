//! Typed client of the member registry (messages: [`luckee_types::registry`]).

use luckee_types::registry::{ExecuteMsg, MembersResponse, QueryMsg, RegistryConfigResponse};
use luckee_types::MAX_PAGE_LIMIT;

use super::{Contract, ContractApi, ContractKind};
use crate::error::Result;

/// Marker of the registry's message types.
#[derive(Debug, Clone, Copy)]
pub struct Registry;

impl ContractApi for Registry {
    const KIND: ContractKind = ContractKind::Registry;
    type ExecuteMsg = ExecuteMsg;
    type QueryMsg = QueryMsg;
    type MigrateMsg = luckee_types::registry::MigrateMsg;
}

/// A member registry (our `mock_registry`, or an existing one with the same interface).
pub type RegistryClient<'a> = Contract<'a, Registry>;

impl RegistryClient<'_> {
    /// `config`: the registry's admin and pending admin.
    pub async fn config(&self, height: Option<u64>) -> Result<RegistryConfigResponse> {
        self.query(&QueryMsg::Config {}, height).await
    }

    /// Every member (`members`, all pages of [`MAX_PAGE_LIMIT`], address order) as bech32
    /// strings, handed to `on_page` page by page. Returns the number of members.
    pub async fn members_pages(
        &self,
        height: Option<u64>,
        on_page: impl FnMut(Vec<String>) -> Result<()>,
    ) -> Result<u64> {
        self.query_pages(
            height,
            |start_after| QueryMsg::Members {
                start_after,
                limit: Some(MAX_PAGE_LIMIT),
            },
            |r: MembersResponse| r.members.into_iter().map(|m| m.to_string()).collect(),
            |m: &String| m.clone(),
            on_page,
        )
        .await
    }

    /// Every member, collected ([`Self::members_pages`]).
    pub async fn all_members(&self, height: Option<u64>) -> Result<Vec<String>> {
        let mut all = Vec::new();
        self.members_pages(height, |p| {
            all.extend(p);
            Ok(())
        })
        .await?;
        Ok(all)
    }
}
