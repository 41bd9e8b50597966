//! Typed client of a cw3 multisig (`contracts/luckee-multisig`, or any cw-plus
//! cw3-fixed-multisig / cw3-flex-multisig: the messages are cw-plus's own, from
//! [`luckee_multisig::msg`]). `deploy instantiate` creates it as [`super::ContractKind::Multisig`]
//! when the plan has `[deploy.multisig]`; `luckee multisig …` and every admin command that
//! proposes through it use this client.

use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::Any;
use luckee_multisig::msg::{
    ExecuteMsg, ProposalListResponse, ProposalResponse, QueryMsg, ThresholdResponse,
    VoteListResponse, VoterListResponse, VoterResponse,
};

use crate::chain::tx::to_any;
use crate::chain::ChainClient;
use crate::error::{Error, Result};

/// Largest page cw3 returns.
pub const PAGE: u32 = 30;

/// A cw3 multisig at an address, queried through `chain`.
#[derive(Debug)]
pub struct MultisigClient<'a> {
    chain: &'a ChainClient,
    /// Bech32 address of the multisig.
    pub address: String,
}

impl<'a> MultisigClient<'a> {
    /// The multisig at `address`.
    pub fn new(chain: &'a ChainClient, address: impl Into<String>) -> MultisigClient<'a> {
        MultisigClient {
            chain,
            address: address.into(),
        }
    }

    async fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T> {
        self.query_at(msg, None).await
    }

    async fn query_at<T: serde::de::DeserializeOwned>(
        &self,
        msg: &QueryMsg,
        height: Option<u64>,
    ) -> Result<T> {
        self.chain.smart_query(&self.address, msg, height).await
    }

    /// `threshold`: the rule (e.g. absolute count) and the total weight. Also the check that
    /// the address is a cw3 multisig: errors (exit 3) when it answers otherwise, exit 4 when
    /// the node cannot be reached.
    pub async fn threshold(&self) -> Result<ThresholdResponse> {
        self.threshold_at(None).await.map_err(|e| match e {
            // An unreachable node stays exit 4.
            Error::Network(_) => e,
            e => Error::chain(format!(
                "{} does not answer as a cw3 multisig (threshold query): {e}",
                self.address
            )),
        })
    }

    /// `proposal`: one proposal with its current status (computed at the latest block).
    pub async fn proposal(&self, id: u64) -> Result<ProposalResponse> {
        self.query(&QueryMsg::Proposal { proposal_id: id }).await
    }

    /// Every proposal, oldest first (`list_proposals`, pages of [`PAGE`]).
    pub async fn proposals(&self) -> Result<Vec<ProposalResponse>> {
        let mut all: Vec<ProposalResponse> = Vec::new();
        loop {
            let page: ProposalListResponse = self
                .query(&QueryMsg::ListProposals {
                    start_after: all.last().map(|p| p.id),
                    limit: Some(PAGE),
                })
                .await?;
            let n = page.proposals.len();
            all.extend(page.proposals);
            if n < PAGE as usize {
                return Ok(all);
            }
        }
    }

    /// The votes cast on proposal `id` (`list_votes`, every page).
    pub async fn votes(&self, id: u64) -> Result<VoteListResponse> {
        let mut all = VoteListResponse { votes: vec![] };
        loop {
            let page: VoteListResponse = self
                .query(&QueryMsg::ListVotes {
                    proposal_id: id,
                    start_after: all.votes.last().map(|v| v.voter.clone()),
                    limit: Some(PAGE),
                })
                .await?;
            let n = page.votes.len();
            all.votes.extend(page.votes);
            if n < PAGE as usize {
                return Ok(all);
            }
        }
    }

    /// The voting weight of `address` (`voter`): `None` when it is not a voter.
    pub async fn weight(&self, address: &str) -> Result<Option<u64>> {
        let r: VoterResponse = self
            .query(&QueryMsg::Voter {
                address: address.into(),
            })
            .await?;
        Ok(r.weight)
    }

    /// Every voter with its weight (`list_voters`, every page), at `height` (`None`: latest).
    pub async fn voters(&self, height: Option<u64>) -> Result<VoterListResponse> {
        let mut all = VoterListResponse { voters: vec![] };
        loop {
            let page: VoterListResponse = self
                .query_at(
                    &QueryMsg::ListVoters {
                        start_after: all.voters.last().map(|v| v.addr.clone()),
                        limit: Some(PAGE),
                    },
                    height,
                )
                .await?;
            let n = page.voters.len();
            all.voters.extend(page.voters);
            if n < PAGE as usize {
                return Ok(all);
            }
        }
    }

    /// `threshold` at `height` (`None`: latest), without [`Self::threshold`]'s wording.
    pub async fn threshold_at(&self, height: Option<u64>) -> Result<ThresholdResponse> {
        self.query_at(&QueryMsg::Threshold {}, height).await
    }

    /// `MsgExecuteContract` of `msg` to the multisig, sent by `sender`.
    pub fn execute(&self, sender: &str, msg: &ExecuteMsg) -> Result<Any> {
        let json =
            serde_json::to_vec(msg).map_err(|e| Error::usage(format!("execute JSON: {e}")))?;
        Ok(to_any(&wasm::MsgExecuteContract {
            sender: sender.into(),
            contract: self.address.clone(),
            msg: json,
            funds: vec![],
        }))
    }
}
