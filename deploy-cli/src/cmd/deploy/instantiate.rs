//! `luckee deploy instantiate` — replaces the seed's `instantiate_luckee_incentive.sh`.
//!
//! # Minter hand-off: instantiate2 with predicted addresses
//!
//! Every contract is created with `MsgInstantiateContract2`, whose address is a pure function
//! of (code checksum, creator, salt) and so is known before anything is sent. That lets the
//! whole stack go into **one tx, one block**: the registry mock, the FT mock *born with the
//! incentive's predicted address as its minter*, the incentive (whose instantiate message
//! needs the FT and registry addresses) and the reporter registrations. Compared with
//! `update_minter` after a classic instantiate this:
//! * never leaves a window in which the deployer's hot key is the FT's minter;
//! * takes one block instead of three (mocks, incentive, hand-off), and is atomic: either the
//!   whole wired stack exists or nothing does;
//! * makes crash recovery exact: a re-run can look at the predicted addresses, and the chain
//!   itself refuses a second instance at the same address, so there is never a duplicate.
//!
//! `update_minter` is still sent when the FT is an `existing` contract (production) whose
//! current minter is the signer; if someone else is the minter, a warning says so and
//! `deploy verify` reports it.
//!
//! Already-instantiated contracts (recorded in the state file and present on chain) are kept;
//! then the setup step runs the same code as `luckee apply` ([`crate::reconcile`]) over a
//! snapshot in which the contracts created by this tx are what their instantiate messages
//! define: the config, rules, reporters, members, FT minter, labels and admins the plan wants
//! and the chain lacks are sent in the same tx. Nothing is removed here (`apply --prune` does
//! that), and changes the signer has no right to make are left out with a note.

use std::collections::BTreeMap;

use cosmrs::proto::cosmwasm::wasm::v1::MsgInstantiateContract2;
use luckee_types::{ft, incentive, registry};
use serde::Serialize;

use super::{planned_kinds, predict_address, salt_for, settle_pending};
use crate::chain::tx::to_any;
use crate::chain::{ChainClient, TxRequest};
use crate::cmd::authority::{proposal_msgs, Intent};
use crate::cmd::plan::{default_admin, read_snapshot};
use crate::cmd::{Context, Send, TxSummary};
use crate::config::Plan;
use crate::contracts::multisig::MultisigClient;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::keys::Signer;
use crate::reconcile::{self, Desired, Step};
use crate::state::{ContractRecord, DeploymentState, LockMode, PendingInstantiate};
use crate::ui::{notes_text, or_dash, table, Report};

/// One contract's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ContractRow {
    /// Which contract.
    pub contract: ContractKind,
    /// Its bech32 address (predicted for new ones).
    pub address: String,
    /// Code id it was (or will be) instantiated from.
    pub code_id: Option<u64>,
    /// `instantiated`, `exists`, `adopted` (found at its predicted address), `external`
    /// (configured existing contract), `would_instantiate` (dry run).
    pub status: &'static str,
}

/// Result of `deploy instantiate`.
#[derive(Debug, Clone, Serialize)]
pub struct InstantiateReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// One row per contract.
    pub contracts: Vec<ContractRow>,
    /// Execute messages sent (or that a dry run would send), described.
    pub actions: Vec<String>,
    /// The tx sent, or a dry run's estimate.
    #[serde(flatten)]
    pub sent: TxSummary,
    /// What an earlier run left behind and was resolved, and warnings.
    pub notes: Vec<String>,
}

impl Report for InstantiateReport {
    fn text(&self) -> String {
        let mut out = notes_text(&self.notes);
        let rows: Vec<Vec<String>> = self
            .contracts
            .iter()
            .map(|c| {
                vec![
                    c.contract.to_string(),
                    or_dash(c.code_id),
                    c.status.to_string(),
                    c.address.clone(),
                ]
            })
            .collect();
        out.push_str(&table(&["CONTRACT", "CODE_ID", "STATUS", "ADDRESS"], &rows));
        for a in &self.actions {
            out.push_str(&format!("  + {a}\n"));
        }
        match self.sent.line() {
            Some(line) => out.push_str(&format!("{line}\n")),
            None => {
                out.push_str("nothing to do: every contract exists and matches the plan's setup\n")
            }
        }
        out
    }
}

/// The instantiate message of `kind` (typed from `luckee-types`, the multisig's from
/// `luckee_multisig::msg`), as JSON bytes. `registry_admin` becomes the registry mock's admin.
fn instantiate_msg(
    kind: ContractKind,
    plan: &Plan,
    registry_admin: &str,
    desired: &Desired,
) -> Result<Vec<u8>> {
    let addr = |k: ContractKind| desired.address(k).unwrap_or_default().to_string();
    let json = match kind {
        ContractKind::Multisig => {
            let m = plan.multisig.clone().unwrap_or_default();
            serde_json::to_vec(&luckee_multisig::msg::InstantiateMsg {
                voters: m
                    .voters
                    .iter()
                    .map(|v| luckee_multisig::msg::Voter {
                        addr: v.address.clone(),
                        weight: v.weight,
                    })
                    .collect(),
                threshold: luckee_multisig::msg::Threshold::AbsoluteCount {
                    weight: m.threshold,
                },
                max_voting_period: luckee_multisig::msg::Duration::Time(m.voting_period_secs()?),
            })
        }
        ContractKind::Registry => serde_json::to_vec(&registry::InstantiateMsg {
            admin: Some(registry_admin.into()),
            members: plan.registry.members.clone(),
        }),
        ContractKind::Ft => serde_json::to_vec(&ft::InstantiateMsg {
            name: plan.ft.name.clone(),
            symbol: plan.ft.symbol.clone(),
            decimals: plan.ft.decimals,
            initial_balances: vec![],
            mint: Some(ft::MinterResponse {
                minter: addr(ContractKind::Incentive),
                cap: plan.ft.cap,
            }),
            marketing: None,
        }),
        ContractKind::Incentive => serde_json::to_vec(&incentive::InstantiateMsg {
            admin: desired.incentive_admin.clone(),
            ft_contract: addr(ContractKind::Ft),
            registry_contract: addr(ContractKind::Registry),
            config: incentive::IncentiveConfig {
                enabled: plan.incentive.enabled,
                emergency_paused: plan.incentive.emergency_paused,
                exchange_rate: plan.incentive.exchange_rate.clone().unwrap_or_default(),
                redeem_requires_membership: plan
                    .incentive
                    .redeem_requires_membership
                    .unwrap_or(true),
            },
            rules: plan.incentive.rules.clone(),
            pausers: plan.incentive.pausers.clone(),
        }),
    };
    json.map_err(|e| Error::usage(format!("instantiate JSON of {kind}: {e}")))
}

/// Checks that the stored code of every planned contract is recorded and still on chain with
/// its checksum (exit 2 / exit 3 otherwise).
async fn check_codes(
    client: &ChainClient,
    state: &DeploymentState,
    kinds: &[ContractKind],
) -> Result<()> {
    let chain_id = &client.network().chain_id;
    for kind in kinds {
        let code = state.codes.get(kind).ok_or_else(|| {
            Error::usage(format!(
                "no stored code of {kind} on chain {chain_id}: run `luckee deploy upload` first"
            ))
        })?;
        match client.code_info(code.code_id).await? {
            Some(ci) if ci.checksum == code.checksum => {}
            _ => {
                return Err(Error::chain(format!(
                    "code_id {} of {kind} in the state file is not on chain {chain_id} with checksum {} (chain reset?): run `luckee deploy upload`",
                    code.code_id, code.checksum
                )))
            }
        }
    }
    Ok(())
}

/// For each planned contract: keeps a recorded one that exists, adopts one found at its
/// predicted address, or plans its instantiate2 (returned). Fills the report's rows and notes.
async fn resolve_contracts(
    client: &ChainClient,
    plan: &Plan,
    signer: &Signer,
    state: &mut DeploymentState,
    admin: &str,
    report: &mut InstantiateReport,
) -> Result<Vec<PendingInstantiate>> {
    let mut new = Vec::new();
    for kind in planned_kinds(plan) {
        if let Some(rec) = state.contracts.get(&kind).cloned() {
            if let Some(info) = client.contract_info(&rec.address).await? {
                if (info.code_id, &info.admin, &info.label) != (rec.code_id, &rec.admin, &rec.label)
                {
                    report.notes.push(format!(
                        "{kind} at {} differs from the state file (code_id {}, admin '{}', label '{}'): see `luckee deploy verify`",
                        rec.address, info.code_id, info.admin, info.label
                    ));
                }
                let row = ContractRow {
                    contract: kind,
                    address: rec.address,
                    code_id: Some(rec.code_id),
                    status: "exists",
                };
                report.contracts.push(row);
                continue;
            }
            report.notes.push(format!(
                "{kind} recorded at {} is not on chain (chain reset?): instantiating again",
                rec.address
            ));
            state.contracts.remove(&kind);
        }
        let code = state.codes[&kind].clone();
        let salt = salt_for(plan, kind);
        let predicted = predict_address(&code.checksum, &signer.address, &salt)?;
        if let Some(ci) = client.contract_info(&predicted).await? {
            // Something lives at the predicted address: adopt it if it is what this plan would
            // have created (e.g. the state file lost a landed instantiate), else refuse.
            let want = (
                code.code_id,
                signer.address.to_string(),
                plan.label_of(kind),
                admin,
            );
            let differences = adoption_differences(&ci, want);
            if !differences.is_empty() {
                return Err(Error::usage(format!(
                    "{kind}: a contract already exists at its predicted instantiate2 address {predicted} (salt '{salt}') but differs from the plan: {}; change deploy.salt to deploy a new set, or fix the plan to adopt it",
                    differences.join(", ")
                )));
            }
            let record = ContractRecord {
                address: predicted.clone(),
                code_id: ci.code_id,
                checksum: code.checksum.clone(),
                store_tx: code.store_tx.clone(),
                instantiate_tx: None,
                label: ci.label,
                admin: ci.admin,
                height: ci.created_height,
                salt,
            };
            state.contracts.insert(kind, record);
            report.contracts.push(ContractRow {
                contract: kind,
                address: predicted,
                code_id: Some(ci.code_id),
                status: "adopted",
            });
            continue;
        }
        new.push(PendingInstantiate {
            msg_index: 0,
            contract: kind,
            address: predicted,
            code_id: code.code_id,
            checksum: code.checksum,
            store_tx: code.store_tx,
            label: plan.label_of(kind).to_string(),
            admin: admin.to_string(),
            salt,
        });
    }
    for (kind, existing) in [
        (ContractKind::Ft, &plan.ft.existing),
        (ContractKind::Registry, &plan.registry.existing),
    ] {
        match existing {
            Some(a) => {
                state.external.insert(kind, a.clone());
                report.contracts.push(ContractRow {
                    contract: kind,
                    address: a.clone(),
                    code_id: None,
                    status: "external",
                });
            }
            None => {
                state.external.remove(&kind);
            }
        }
    }
    Ok(new)
}

/// The multisig of `[deploy.multisig]`: its `existing` address, the one recorded in the state
/// file, or the instantiate2 address it gets from `signer` (code checksum from the state file;
/// exit 2 when its code was not uploaded). `None` without the section.
fn multisig_address(
    plan: &Plan,
    state: &DeploymentState,
    signer: &Signer,
) -> Result<Option<String>> {
    let Some(m) = &plan.multisig else {
        return Ok(None);
    };
    if let Some(a) = m.existing.clone() {
        return Ok(Some(a));
    }
    if let Some(a) = state.address_of(ContractKind::Multisig) {
        return Ok(Some(a.to_string()));
    }
    let code = state.codes.get(&ContractKind::Multisig).ok_or_else(|| {
        Error::usage("no stored code of luckee_multisig: run `luckee deploy upload` first")
    })?;
    predict_address(
        &code.checksum,
        &signer.address,
        &salt_for(plan, ContractKind::Multisig),
    )
    .map(Some)
}

/// How the contract found at a predicted address differs from what the plan would create
/// (`code_id`, creator, label, chain-level admin), one `field: found … planned …` each.
pub fn adoption_differences(
    found: &crate::chain::ContractInfo,
    want: (u64, String, &str, &str),
) -> Vec<String> {
    let (code_id, creator, label, admin) = want;
    let mut out = Vec::new();
    if found.code_id != code_id {
        out.push(format!(
            "code_id: found {}, planned {code_id}",
            found.code_id
        ));
    }
    if found.creator != creator {
        out.push(format!(
            "creator: found {}, planned {creator}",
            found.creator
        ));
    }
    if found.label != label {
        out.push(format!("label: found {:?}, planned {label:?}", found.label));
    }
    if found.admin != admin {
        out.push(format!("admin: found '{}', planned '{admin}'", found.admin));
    }
    out
}

/// Runs `deploy instantiate`.
pub async fn run(ctx: &Context) -> Result<()> {
    let plan = &ctx.plan;
    let signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    let mut report = InstantiateReport {
        chain_id: ctx.net.chain_id.clone(),
        contracts: vec![],
        actions: vec![],
        sent: TxSummary::default(),
        notes: settle_pending(ctx.dry_run, &client, &mut store, &mut state).await?,
    };
    let me = signer.address.to_string();
    state.deployer.get_or_insert_with(|| me.clone());
    check_codes(&client, &state, &planned_kinds(plan)).await?;
    // With `[deploy.multisig]` the multisig (existing, recorded or about to be created at its
    // predicted address) stands for every admin the plan leaves unset.
    let multisig = multisig_address(plan, &state, &signer)?;
    let default = multisig
        .clone()
        .unwrap_or_else(|| default_admin(plan, &state, Some(&me)));
    let admin = plan.admin.clone().unwrap_or_else(|| default.clone());
    let registry_admin = multisig.clone().unwrap_or_else(|| me.clone());
    let mut new =
        resolve_contracts(&client, plan, &signer, &mut state, &admin, &mut report).await?;

    // The plan with every address, including those this tx creates.
    let mut desired = Desired::resolve(plan, &state, &default);
    for p in &new {
        desired.addresses.insert(p.contract, p.address.clone());
        desired.managed.insert(p.contract);
    }
    let mut steps = Vec::new();
    for p in &mut new {
        p.msg_index = steps.len();
        steps.push(Step {
            msg: to_any(&MsgInstantiateContract2 {
                sender: me.clone(),
                admin: p.admin.clone(),
                code_id: p.code_id,
                label: p.label.clone(),
                msg: instantiate_msg(p.contract, plan, &registry_admin, &desired)?,
                funds: vec![],
                salt: p.salt.clone().into_bytes(),
                fix_msg: false,
            }),
            what: format!(
                "instantiate2 {} (code {}) at {}",
                p.contract, p.code_id, p.address
            ),
        });
        report.contracts.push(ContractRow {
            contract: p.contract,
            address: p.address.clone(),
            code_id: Some(p.code_id),
            status: if ctx.dry_run {
                "would_instantiate"
            } else {
                "instantiated"
            },
        });
    }

    // Setup: the same reconcile as `apply`, without removals.
    let mut snap = read_snapshot(&client, &desired, None).await?;
    let kinds: Vec<ContractKind> = new.iter().map(|p| p.contract).collect();
    let code_ids: BTreeMap<ContractKind, u64> =
        new.iter().map(|p| (p.contract, p.code_id)).collect();
    snap.insert_new(&kinds, &desired, &registry_admin, &code_ids);
    let diff = reconcile::plan_changes(&snap, &desired);
    report.notes.extend(diff.notes.iter().cloned());
    let (mut allowed, mut refused, mut proposed) = (Vec::new(), Vec::new(), Vec::new());
    // With a multisig admin, the setup only it may sign (e.g. reporter registrations) is
    // proposed to it in the same tx when the signer is one of its voters.
    let voter = multisig.as_deref().filter(|_| {
        plan.multisig
            .as_ref()
            .is_some_and(|m| m.voters.iter().any(|v| v.address == me))
    });
    for c in diff.to_apply(false) {
        let one = std::slice::from_ref(&c);
        match reconcile::authority_problems(one, &snap, &desired, &me).pop() {
            None => allowed.push(c),
            Some(_)
                if voter.is_some()
                    && reconcile::holders(one, &snap, &desired) == [voter.unwrap_or_default()] =>
            {
                proposed.push(c)
            }
            Some(p) => refused.push(p),
        }
    }
    for p in refused {
        report
            .notes
            .push(format!("not applied: {p}; see `luckee plan`"));
    }
    steps.extend(reconcile::messages(&allowed, &desired, &me)?);
    if let (Some(ms), false) = (voter, proposed.is_empty()) {
        let msgs: Vec<_> = reconcile::messages(&proposed, &desired, ms)?
            .into_iter()
            .map(|s| s.msg)
            .collect();
        let what: Vec<String> = proposed.iter().map(reconcile::Change::line).collect();
        let intent = Intent::Apply { prune: false };
        let propose = luckee_multisig::msg::ExecuteMsg::Propose {
            title: intent.command_line(),
            description: intent.description(&what),
            msgs: proposal_msgs(&msgs)?,
            latest: None,
        };
        steps.push(Step {
            msg: MultisigClient::new(&client, ms).execute(&me, &propose)?,
            what: format!(
                "propose to the multisig {ms} what only it may sign: {}",
                what.join("; ")
            ),
        });
    }
    report.contracts.sort_by_key(|c| c.contract);
    report.actions = steps.iter().map(|s| s.what.clone()).collect();
    for n in &report.notes {
        tracing::warn!("{n}");
    }
    if steps.is_empty() {
        if !ctx.dry_run {
            store.save(&state)?;
        }
        ctx.print(&report);
        return Ok(());
    }
    let mut tags = Vec::new();
    if new.iter().any(|p| p.contract != ContractKind::Ft) {
        tags.push("instantiate".to_string());
    }
    if new.iter().any(|p| p.contract == ContractKind::Ft)
        || allowed
            .iter()
            .any(|c| matches!(c.action, reconcile::Action::FtMinter { .. }))
    {
        tags.push("minter".to_string());
    }
    if steps.len() > new.len() {
        tags.push("setup".to_string());
    }
    let req = TxRequest {
        msgs: steps.into_iter().map(|s| s.msg).collect(),
        memo: "luckee deploy instantiate".into(),
        tags,
    };
    let mut send = Send::new(&client, &signer, &mut store, &mut state);
    let (sent, outcome) = send
        .send_or_simulate(ctx.dry_run, &req, vec![], new)
        .await?;
    report.sent = sent;
    if let (Some(o), Some(ms)) = (&outcome, voter) {
        if let Some(id) = o.event_attr("wasm", "proposal_id") {
            report.notes.push(format!(
                "proposal {id} of multisig {ms} carries the setup only the multisig may sign: voters run `luckee multisig vote {id} yes`, then `luckee multisig execute {id}` (LUCKEE_MULTISIG={ms})"
            ));
        }
    }
    ctx.print(&report);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adoption_names_every_difference() {
        let found = crate::chain::ContractInfo {
            address: "wasm1c".into(),
            code_id: 4,
            creator: "wasm1me".into(),
            admin: "wasm1me".into(),
            label: "L".into(),
            created_height: Some(3),
        };
        assert!(adoption_differences(&found, (4, "wasm1me".into(), "L", "wasm1me")).is_empty());
        let d = adoption_differences(&found, (5, "wasm1other".into(), "M", ""));
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d[0].starts_with("code_id: found 4, planned 5"));
    }
}
