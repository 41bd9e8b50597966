//! `luckee plan` and `luckee apply [--prune]`: the plan file as the single source of truth.
//!
//! Both read a [`Snapshot`] of everything the plan manages through the typed clients (at one
//! height), resolve the plan ([`Desired`]) and diff them with the pure
//! [`reconcile::plan_changes`]. `plan` prints the diff (exit 0 none, 1 drift). `apply` sends
//! exactly those changes in **one tx** (removals only with `--prune`), crash-safe like deploy
//! (the pending tx hash is recorded before the broadcast and resolved by the next run), then
//! re-reads the chain at the tx's height and confirms that nothing it applied still differs.

use serde::Serialize;

use super::authority::{self, Intent};
use super::deploy::settle_pending;
use super::{Context, Send, TxSummary};
use crate::chain::{ChainClient, TxRequest};
use crate::config::Plan;
use crate::contracts::{ContractKind, FtClient, IncentiveClient, RegistryClient};
use crate::error::{Error, Result};
use crate::reconcile::{
    self, Action, ChainMeta, Change, Desired, IncentiveState, RegistryState, Reporter, Snapshot,
};
use crate::state::{DeploymentState, LockMode};
use crate::ui::{notes_text, Report};

/// Reads everything `desired` manages at `height` (`None`: the latest height, read once so
/// that every query sees the same block). Contracts that do not exist are left out.
///
/// Source: `ContractInfo` of each managed contract, the incentive's `get_config`, `get_rules`
/// and `get_registered_contracts`, the FT's cw20 `minter`, the registry's `config` and
/// `members` (all pages).
pub async fn read_snapshot(
    chain: &ChainClient,
    desired: &Desired,
    height: Option<u64>,
) -> Result<Snapshot> {
    let height = match height {
        Some(h) => h,
        None => chain.status().await?.height,
    };
    let h = Some(height);
    let mut snap = Snapshot {
        height,
        ..Default::default()
    };
    let mut exists = std::collections::BTreeMap::new();
    for (&kind, address) in &desired.addresses {
        let info = chain.contract_info_at(address, h).await?;
        if let Some(i) = &info {
            if desired.managed.contains(&kind) {
                snap.contracts.insert(
                    kind,
                    ChainMeta {
                        code_id: i.code_id,
                        admin: i.admin.clone(),
                        label: i.label.clone(),
                    },
                );
            }
        }
        exists.insert(kind, info.is_some());
    }
    let here = |k: ContractKind| exists.get(&k).copied().unwrap_or(false);
    if here(ContractKind::Incentive) {
        let inc = IncentiveClient::new(chain, desired.addresses[&ContractKind::Incentive].clone());
        let cfg = inc.config(h).await?;
        let pausers = inc.pausers_if_supported(h).await?;
        snap.incentive = Some(IncentiveState {
            admin: cfg.admin.to_string(),
            pending_admin: cfg.pending_admin.map(|a| a.to_string()),
            ft_contract: cfg.ft_contract.to_string(),
            registry_contract: cfg.registry_contract.to_string(),
            enabled: cfg.config.enabled,
            emergency_paused: cfg.config.emergency_paused,
            exchange_rate: cfg.config.exchange_rate,
            rules: inc.all_rules(h).await?,
            reporters: inc
                .all_reporters(h)
                .await?
                .into_iter()
                .map(|r| Reporter {
                    source: r.source().to_string(),
                    address: r.address.to_string(),
                    label: r.label,
                    limits: r.limits,
                })
                .collect(),
            redeem_requires_membership: cfg.config.redeem_requires_membership,
            pausers,
        });
    }
    if here(ContractKind::Ft) {
        let ft = FtClient::new(chain, desired.addresses[&ContractKind::Ft].clone());
        snap.ft_minter = Some(ft.minter(h).await?.map(|m| m.minter));
    }
    if here(ContractKind::Registry) && desired.members.is_some() {
        let reg = RegistryClient::new(chain, desired.addresses[&ContractKind::Registry].clone());
        snap.registry = Some(RegistryState {
            admin: reg.config(h).await?.admin.to_string(),
            members: reg.all_members(h).await?,
        });
    }
    Ok(snap)
}

/// Who stands for every admin the plan leaves unset: the multisig of `[deploy.multisig]`
/// (its `existing` address, or the one recorded in the state file), else the deployer recorded
/// in the state file, else the signer (a first deployment).
pub fn default_admin(plan: &Plan, state: &DeploymentState, signer: Option<&str>) -> String {
    plan.multisig
        .as_ref()
        .and_then(|m| {
            m.existing
                .clone()
                .or_else(|| state.address_of(ContractKind::Multisig).map(str::to_string))
        })
        .or_else(|| state.deployer.clone())
        .or_else(|| signer.map(str::to_string))
        .unwrap_or_default()
}

/// Result of `luckee plan`.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// Height the chain was read at.
    pub height: u64,
    /// Every difference (`+` add, `~` change, `-` remove).
    pub changes: Vec<Change>,
    /// Operational state and things the plan does not manage.
    pub notes: Vec<String>,
}

impl Report for PlanReport {
    fn text(&self) -> String {
        let mut out: String = self.changes.iter().map(|c| c.line() + "\n").collect();
        out.push_str(&notes_text(&self.notes));
        let prune = self.changes.iter().filter(|c| c.is_prune()).count();
        if self.changes.is_empty() {
            out.push_str(&format!(
                "no changes: {} matches the plan at height {}\n",
                self.chain_id, self.height
            ));
        } else {
            out.push_str(&format!(
                "{} change(s) at height {}{}: run `luckee apply`{}\n",
                self.changes.len(),
                self.height,
                if prune > 0 {
                    format!(", {prune} of them removal(s)")
                } else {
                    String::new()
                },
                if prune > 0 {
                    " (removals only with --prune)"
                } else {
                    ""
                }
            ));
        }
        out
    }
}

/// The deployment state, read without the lock; exit 2 when nothing is deployed.
fn deployed_state(ctx: &Context) -> Result<DeploymentState> {
    match recorded_deployment(ctx)? {
        Some(s) => Ok(s),
        None => Err(Error::usage(format!(
            "no incentive contract recorded in {} for chain-id {}: run `luckee deploy upload` and `luckee deploy instantiate` first",
            ctx.cwd.join(&ctx.plan.state_dir).display(),
            ctx.net.chain_id
        ))),
    }
}

/// The state file of the network's chain-id (read without the lock) when it records an
/// incentive contract; `None` otherwise. Errors: exit 2 / 6 for a corrupt or unreadable file.
pub(crate) fn recorded_deployment(ctx: &Context) -> Result<Option<DeploymentState>> {
    let dir = ctx.cwd.join(&ctx.plan.state_dir);
    Ok(crate::state::read_snapshot(&dir, &ctx.net.chain_id)?
        .filter(|s| s.address_of(ContractKind::Incentive).is_some()))
}

/// Runs `luckee plan`: exit 0 when the chain equals the plan, 1 when there is drift.
pub async fn run_plan(ctx: &Context) -> Result<()> {
    let state = deployed_state(ctx)?;
    let signer = ctx.signer().ok().map(|s| s.address.to_string());
    let desired = Desired::resolve(
        &ctx.plan,
        &state,
        &default_admin(&ctx.plan, &state, signer.as_deref()),
    );
    let client = ctx.connect().await?;
    let snap = read_snapshot(&client, &desired, None).await?;
    let diff = reconcile::plan_changes(&snap, &desired);
    let count = diff.changes.len();
    ctx.print(&PlanReport {
        chain_id: ctx.net.chain_id.clone(),
        height: snap.height,
        changes: diff.changes,
        notes: diff.notes,
    });
    match count {
        0 => Ok(()),
        count => Err(Error::Drift { count }),
    }
}

/// Result of `luckee apply`.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// The changes sent (or that a dry run would send).
    pub applied: Vec<Change>,
    /// Removals shown by `plan` but left alone (no `--prune`).
    pub left: Vec<Change>,
    /// The tx's messages, one line each.
    pub messages: Vec<String>,
    /// The tx (the chain was re-read at its height), or a dry run's estimate.
    #[serde(flatten)]
    pub sent: TxSummary,
    /// Pending txs of earlier runs that were resolved, and operational notes.
    pub notes: Vec<String>,
}

impl Report for ApplyReport {
    fn text(&self) -> String {
        let mut out = notes_text(&self.notes);
        for c in &self.applied {
            out.push_str(&c.line());
            out.push('\n');
        }
        for c in &self.left {
            out.push_str(&format!(
                "{}   (left alone: removals need --prune)\n",
                c.line()
            ));
        }
        match self.sent.line() {
            Some(line) if self.sent.proposal.is_some() => out.push_str(&format!(
                "{} change(s) proposed to the multisig; nothing changes until it executes\n{line}\n",
                self.applied.len()
            )),
            Some(line) if self.sent.tx.is_some() => out.push_str(&format!(
                "applied {} change(s) in one {line}; the chain now matches the plan{}\n",
                self.applied.len(),
                if self.left.is_empty() {
                    ""
                } else {
                    " except the removals above"
                }
            )),
            Some(line) => out.push_str(&format!("{} message(s); {line}\n", self.messages.len())),
            None => out.push_str("nothing to apply: the chain matches the plan\n"),
        }
        out
    }
}

/// Re-reads the chain at `height` (after an apply tx, or a multisig proposal of one that
/// executed there), records each contract's chain-level admin and label in `state`, and
/// returns what the plan still wants applied there (a pending `accept_admin` aside).
pub async fn confirm_applied(
    client: &ChainClient,
    desired: &Desired,
    state: &mut DeploymentState,
    height: u64,
    prune: bool,
) -> Result<Vec<Change>> {
    let after = read_snapshot(client, desired, Some(height)).await?;
    // The state file records each contract's chain-level admin and label: keep them true.
    for (kind, meta) in &after.contracts {
        if let Some(rec) = state.contracts.get_mut(kind) {
            rec.admin = meta.admin.clone();
            rec.label = meta.label.clone();
        }
    }
    Ok(reconcile::plan_changes(&after, desired)
        .to_apply(prune)
        .into_iter()
        .filter(|c| c.action != Action::AcceptAdmin)
        .collect())
}

/// Runs `luckee apply [--prune]` (see the module docs).
pub async fn run_apply(ctx: &Context, prune: bool) -> Result<()> {
    let signer = ctx.signer()?;
    let me = signer.address.to_string();
    let client = ctx.connect().await?;
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    let mut report = ApplyReport {
        chain_id: ctx.net.chain_id.clone(),
        applied: vec![],
        left: vec![],
        messages: vec![],
        sent: TxSummary::default(),
        notes: settle_pending(ctx.dry_run, &client, &mut store, &mut state).await?,
    };
    if state.address_of(ContractKind::Incentive).is_none() {
        return Err(Error::usage(format!(
            "no incentive contract recorded for chain-id {}: run `luckee deploy instantiate` first",
            ctx.net.chain_id
        )));
    }
    let desired = Desired::resolve(
        &ctx.plan,
        &state,
        &default_admin(&ctx.plan, &state, Some(&me)),
    );
    let snap = read_snapshot(&client, &desired, None).await?;
    let diff = reconcile::plan_changes(&snap, &desired);
    report.notes.extend(diff.notes.iter().cloned());
    report.applied = diff.to_apply(prune);
    report.left = diff
        .changes
        .iter()
        .filter(|c| !prune && c.is_prune())
        .cloned()
        .collect();
    if report.applied.is_empty() {
        ctx.print(&report);
        return Ok(());
    }
    let holders = reconcile::holders(&report.applied, &snap, &desired);
    let Some(route) = authority::route(&client, &holders, &me).await? else {
        let problems = reconcile::authority_problems(&report.applied, &snap, &desired, &me);
        return Err(Error::usage(format!(
            "nothing sent: {} (use the right key with --mnemonic-file)",
            problems.join("; ")
        )));
    };
    let steps = reconcile::messages(&report.applied, &desired, route.sender(&me))?;
    report.messages = steps.iter().map(|s| s.what.clone()).collect();
    let req = TxRequest {
        msgs: steps.into_iter().map(|s| s.msg).collect(),
        memo: "luckee apply".into(),
        tags: vec!["apply".into()],
    };
    let what: Vec<String> = report.applied.iter().map(Change::line).collect();
    let mut send = Send::new(&client, &signer, &mut store, &mut state);
    let (sent, outcome) = send
        .submit(ctx.dry_run, &route, &req, &Intent::Apply { prune }, &what)
        .await?;
    report.sent = sent;
    let Some(outcome) = outcome else {
        ctx.print(&report);
        return Ok(());
    };
    let still = confirm_applied(&client, &desired, &mut state, outcome.height, prune).await?;
    store.save(&state)?;
    if let Some(c) = report
        .applied
        .iter()
        .find(|c| matches!(c.action, Action::ProposeAdmin { .. }))
    {
        report.notes.push(format!(
            "admin handover proposed: the new admin {} must run `luckee ops admin accept` (or `luckee apply`) with its own key",
            c.new.as_deref().unwrap_or_default()
        ));
    }
    ctx.print(&report);
    if !still.is_empty() {
        return Err(Error::chain(format!(
            "tx {} landed at height {} but the chain still differs from the plan there: {}",
            outcome.hash,
            outcome.height,
            still
                .iter()
                .map(Change::line)
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    Ok(())
}
