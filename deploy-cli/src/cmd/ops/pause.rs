//! `luckee ops pause [--reason TEXT]` / `luckee ops resume` — replace the seed's
//! `emergency_pause_luckee_incentive.sh` and `system_recovery_luckee_incentive.sh`.
//!
//! 1. `get_config` (latest): already in the requested state → nothing sent, exit 0;
//! 2. the signer must be `get_config.admin`, or, to pause (never to resume), one of the
//!    contract's pausers (`get_pausers`, v0.2.0) — exit 2 otherwise, nothing sent. When the
//!    admin is a cw3 multisig and the signer one of its voters, the message is proposed to the
//!    multisig instead ([`crate::cmd::authority`]; exit 7 for a key that is not a voter): a
//!    pauser still pauses at once, but resume needs the multisig's votes;
//! 3. `{"emergency_pause":{"paused":true|false}}` as that signer, the reason as the tx memo,
//!    simulated, signed, broadcast, waited for (exit 3 if rejected, 4 if not included in time);
//! 4. confirmed with `get_config` at the tx's height (exit 3 if the flag is not as requested).
//!
//! `--dry-run` stops after the simulation and prints the gas estimate.

use luckee_types::incentive;
use serde::Serialize;

use super::{incentive_address, OpsArgs};
use crate::chain::tx::GasEstimate;
use crate::chain::TxRequest;
use crate::cmd::authority::{route, Intent, ProposalRef, Route};
use crate::cmd::deploy::settle_pending;
use crate::cmd::{Context, Send};
use crate::contracts::IncentiveClient;
use crate::error::{Error, Result};
use crate::state::LockMode;
use crate::ui::Report;

/// Longest memo the Cosmos SDK accepts by default (`auth` param `max_memo_characters`).
pub const MAX_MEMO_CHARS: usize = 256;

/// Result of `ops pause` / `ops resume`.
#[derive(Debug, Clone, Serialize)]
pub struct PauseReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// The incentive contract.
    pub contract: String,
    /// `pause` or `resume`.
    pub action: &'static str,
    /// `config.emergency_paused` as confirmed by `get_config` after the run (or as found).
    pub paused: bool,
    /// Whether a tx was sent (false: it already was in the requested state, or dry run).
    pub changed: bool,
    /// Hash of the `emergency_pause` tx.
    pub tx: Option<String>,
    /// Height of its block (`get_config` was read at this height).
    pub height: Option<u64>,
    /// Gas it used.
    pub gas_used: Option<u64>,
    /// The tx memo (the `--reason`).
    pub memo: Option<String>,
    /// Gas estimate of a `--dry-run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<GasEstimate>,
    /// The multisig proposal made instead, when a multisig is the admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<ProposalRef>,
}

impl Report for PauseReport {
    fn text(&self) -> String {
        let state = if self.paused {
            "PAUSED"
        } else {
            "RUNNING (not paused)"
        };
        if let Some(p) = &self.proposal {
            return format!(
                "{} needs the incentive's admin, the multisig {}: proposed emergency_pause {{paused: {}}}{}\n{}\n",
                self.action,
                p.multisig,
                self.action == "pause",
                match (&self.tx, &self.dry_run) {
                    (Some(tx), _) => format!(" in tx {tx} at height {}", self.height.unwrap_or_default()),
                    (None, Some(e)) => format!(" (dry run: gas limit {}, fee {}; nothing broadcast)", e.gas_limit, e.fee),
                    _ => String::new(),
                },
                p.next_steps()
            );
        }
        match (&self.tx, &self.dry_run) {
            (Some(tx), _) => format!(
                "incentive {} is now {state} on {}\ntx {tx} at height {}, gas used {}, memo {:?}\nconfirmed by get_config at height {}\n",
                self.contract,
                self.chain_id,
                self.height.unwrap_or_default(),
                self.gas_used.unwrap_or_default(),
                self.memo.as_deref().unwrap_or(""),
                self.height.unwrap_or_default(),
            ),
            (None, Some(e)) => format!(
                "dry run: {} would send emergency_pause (gas used {} → gas limit {}, fee {}); nothing broadcast\n",
                self.action, e.gas_used, e.gas_limit, e.fee
            ),
            (None, None) => format!("incentive {} is already {state}: nothing sent\n", self.contract),
        }
    }
}

/// Runs `ops pause` (`paused = true`) or `ops resume` (`paused = false`).
pub async fn run(
    ctx: &Context,
    args: &OpsArgs,
    paused: bool,
    reason: Option<String>,
) -> Result<()> {
    let action = if paused { "pause" } else { "resume" };
    let memo = reason.unwrap_or_else(|| format!("luckee ops {action}"));
    if memo.chars().count() > MAX_MEMO_CHARS {
        return Err(Error::usage(format!(
            "--reason is {} characters; a tx memo takes at most {MAX_MEMO_CHARS}",
            memo.chars().count()
        )));
    }
    let contract = incentive_address(ctx, args)?;
    let signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let inc = IncentiveClient::new(&client, contract.clone());
    let before = inc.config(None).await?;
    let mut report = PauseReport {
        chain_id: ctx.net.chain_id.clone(),
        contract: contract.clone(),
        action,
        paused: before.config.emergency_paused,
        changed: false,
        tx: None,
        height: None,
        gas_used: None,
        memo: None,
        dry_run: None,
        proposal: None,
    };
    if before.config.emergency_paused == paused {
        ctx.print(&report);
        return Ok(());
    }
    if before.admin.as_str() != signer.address.as_ref() {
        let pauser = paused
            && inc
                .pausers_if_supported(None)
                .await?
                .is_some_and(|p| p.iter().any(|p| p == signer.address.as_ref()));
        let me = signer.address.to_string();
        let multisig = match pauser {
            true => None,
            false => route(&client, &[before.admin.to_string()], &me).await?,
        };
        if let Some(route @ Route::Multisig { .. }) = multisig {
            let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
            settle_pending(ctx.dry_run, &client, &mut store, &mut state).await?;
            let req = TxRequest {
                msgs: vec![inc.execute(
                    route.sender(&me),
                    &incentive::ExecuteMsg::EmergencyPause { paused },
                )?],
                memo: memo.clone(),
                tags: vec![action.to_string()],
            };
            let what = [format!("emergency_pause {{paused: {paused}}}: {memo}")];
            let mut send = Send::new(&client, &signer, &mut store, &mut state);
            let (sent, _) = send
                .submit(
                    ctx.dry_run,
                    &route,
                    &req,
                    &Intent::EmergencyPause {
                        paused,
                        contract: Some(contract.clone()),
                    },
                    &what,
                )
                .await?;
            report.tx = sent.tx;
            report.height = sent.height;
            report.gas_used = sent.gas_used;
            report.dry_run = sent.dry_run;
            report.proposal = sent.proposal;
            report.memo = Some(memo);
            ctx.print(&report);
            return Ok(());
        }
        if !pauser {
            return Err(Error::usage(if paused {
                format!(
                    "nothing sent: the signer {} is neither the incentive's admin {} nor one of its pausers: use one of their keys (--mnemonic-file / LUCKEE_MNEMONIC)",
                    signer.address, before.admin
                )
            } else {
                format!(
                    "nothing sent: only the incentive's admin {} may resume (pausers cannot); the signer is {}: use the admin's key (--mnemonic-file / LUCKEE_MNEMONIC)",
                    before.admin, signer.address
                )
            }));
        }
    }
    let msg = inc.execute(
        signer.address.as_ref(),
        &incentive::ExecuteMsg::EmergencyPause { paused },
    )?;
    let req = TxRequest {
        msgs: vec![msg],
        memo: memo.clone(),
        tags: vec![action.to_string()],
    };
    if ctx.dry_run {
        report.dry_run = Some(client.estimate_fresh(&signer, &req).await?);
        ctx.print(&report);
        return Ok(());
    }
    let outcome = client.send(&signer, &req, &mut |_| Ok(())).await?;
    let after = inc.config(Some(outcome.height)).await?;
    if after.config.emergency_paused != paused {
        return Err(Error::chain(format!(
            "tx {} landed at height {} but get_config there says emergency_paused = {}",
            outcome.hash, outcome.height, after.config.emergency_paused
        )));
    }
    report.paused = after.config.emergency_paused;
    report.changed = true;
    report.tx = Some(outcome.hash);
    report.height = Some(outcome.height);
    report.gas_used = Some(outcome.gas_used);
    report.memo = Some(memo);
    ctx.print(&report);
    Ok(())
}
