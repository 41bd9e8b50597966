//! The command behind a multisig proposal ([`Intent`]): what it would send now (checked by
//! `luckee multisig vote ID yes`, exit 9 when the proposal differs) and its post-checks (run by
//! `luckee multisig execute ID` once the proposal executed).
//!
//! Both read the deployment the way the command itself does: the plan (`luckee.toml`) and the
//! state file of the network's chain-id, so voters run them from the deployment's directory.

use std::collections::BTreeMap;

use cosmwasm_std::{CosmosMsg, Uint128, WasmMsg};
use luckee_types::incentive::{ExecuteMsg, WithdrawAsset};

use super::authority::{proposal_msgs, Intent};
use super::plan::{confirm_applied, default_admin, read_snapshot, recorded_deployment};
use super::Context;
use crate::chain::ChainClient;
use crate::contracts::{typed_migrate_json, ContractKind, IncentiveClient};
use crate::error::{Error, Result};
use crate::reconcile::{self, Change, Desired};
use crate::state::{DeploymentState, StateStore};

/// The deployment's state file (read without the lock). Errors: exit 2 when there is none.
fn deployment(ctx: &Context) -> Result<DeploymentState> {
    recorded_deployment(ctx)?.ok_or_else(|| {
        Error::usage(format!(
            "no deployment recorded in {} for chain-id {}: run luckee multisig from the deployment's directory (its luckee.toml and state file) so that the proposal can be compared with what luckee would send",
            ctx.cwd.join(&ctx.plan.state_dir).display(),
            ctx.net.chain_id
        ))
    })
}

/// The incentive `intent` was made for: the one it recorded, else the state file's.
fn incentive(state: &DeploymentState, intent: &Intent) -> String {
    intent
        .contract()
        .or_else(|| state.address_of(ContractKind::Incentive))
        .unwrap_or_default()
        .to_string()
}

/// What `intent`'s command would propose now, as the `CosmosMsg`s of a proposal by
/// `multisig`. An upgrade is not rebuilt (its code comes from an artifacts directory the voter
/// may not have): [`check_upgrade`] covers it.
async fn rebuild(
    ctx: &Context,
    client: &ChainClient,
    state: &DeploymentState,
    intent: &Intent,
    multisig: &str,
) -> Result<Vec<CosmosMsg>> {
    let inc = IncentiveClient::new(client, incentive(state, intent));
    let msgs = match intent {
        Intent::Apply { prune } => {
            let desired =
                Desired::resolve(&ctx.plan, state, &default_admin(&ctx.plan, state, None));
            let snap = read_snapshot(client, &desired, None).await?;
            // What the multisig may sign (all of an `apply` through it; the part of a
            // `deploy instantiate` setup it was proposed in the deploy tx).
            let applied: Vec<Change> = reconcile::plan_changes(&snap, &desired)
                .to_apply(*prune)
                .into_iter()
                .filter(|c| {
                    let h = reconcile::holders(std::slice::from_ref(c), &snap, &desired);
                    h.is_empty() || h == [multisig]
                })
                .collect();
            reconcile::messages(&applied, &desired, multisig)?
                .into_iter()
                .map(|s| s.msg)
                .collect()
        }
        Intent::EmergencyPause { paused, .. } => {
            let cfg = inc.config(None).await?;
            match cfg.config.emergency_paused == *paused {
                true => vec![],
                false => {
                    vec![inc.execute(multisig, &ExecuteMsg::EmergencyPause { paused: *paused })?]
                }
            }
        }
        Intent::Withdraw {
            kind,
            asset,
            amount,
            to,
            ..
        } => {
            let amount = Uint128::new(amount.parse().map_err(|e| {
                Error::usage(format!("withdraw amount '{amount}' in the intent: {e}"))
            })?);
            let asset = match kind.as_str() {
                "cw20" => WithdrawAsset::Cw20 {
                    contract: asset.clone(),
                    amount,
                },
                _ => WithdrawAsset::Native {
                    denom: asset.clone(),
                    amount,
                },
            };
            vec![inc.execute(
                multisig,
                &ExecuteMsg::EmergencyWithdraw {
                    asset,
                    recipient: to.clone(),
                },
            )?]
        }
        Intent::AdminPropose {
            address,
            chain_admin,
            all_contracts,
            ..
        } => {
            let cfg = inc.config(None).await?;
            super::ops::admin::propose_msgs(
                client,
                state,
                &inc,
                &cfg,
                (address, *chain_admin, *all_contracts),
            )
            .await?
            .into_iter()
            .map(|(m, _, _)| m)
            .collect()
        }
        Intent::AdminAccept { .. } => {
            let cfg = inc.config(None).await?;
            super::ops::admin::accept_msg(&inc, &cfg, multisig)?
                .into_iter()
                .map(|(m, _, _)| m)
                .collect()
        }
        Intent::Upgrade { .. } => return Ok(vec![]),
    };
    proposal_msgs(&msgs)
}

/// What [`check_upgrade`] compares an upgrade proposal with, read from the chain and the
/// state file.
#[derive(Debug, Clone, Default)]
pub struct UpgradeFacts {
    /// Address of each contract (state file).
    pub addresses: BTreeMap<ContractKind, String>,
    /// Code id each contract runs now (`ContractInfo`).
    pub running: BTreeMap<ContractKind, u64>,
    /// Checksum of each target code id (`CodeInfo`); absent: no such code.
    pub checksums: BTreeMap<u64, String>,
    /// Checksums luckee uploaded or ran for each contract (state file: codes and history).
    pub known: BTreeMap<ContractKind, Vec<String>>,
}

/// An upgrade proposal is current while every contract still runs the code it was proposed
/// to move from, and its messages migrate exactly those contracts, each with its typed migrate
/// message, to the recorded codes; each target code id must hold the checksum the intent
/// records, and that checksum must be one luckee uploaded or ran for the contract. Pure.
/// Errors: exit 9 naming the first difference.
pub fn check_upgrade(intent: &Intent, proposal: &[CosmosMsg], facts: &UpgradeFacts) -> Result<()> {
    let Intent::Upgrade { migrates, .. } = intent else {
        return Ok(());
    };
    let stale = |why: String| Err(Error::StaleProposal(format!("nothing sent: {why}")));
    let wanted: Vec<(String, u64)> = migrates
        .iter()
        .map(|m| {
            let a = facts
                .addresses
                .get(&m.contract)
                .cloned()
                .unwrap_or_default();
            (a, m.to.code_id)
        })
        .collect();
    let carried: Vec<(String, u64)> = proposal
        .iter()
        .zip(migrates)
        .filter_map(|(p, m)| match p {
            CosmosMsg::Wasm(WasmMsg::Migrate {
                contract_addr,
                new_code_id,
                msg,
            }) if msg.as_slice() == typed_migrate_json(m.contract).as_slice() => {
                Some((contract_addr.clone(), *new_code_id))
            }
            _ => None,
        })
        .collect();
    if proposal.len() != migrates.len() || carried != wanted {
        return stale(format!(
            "the proposal's messages are not the typed migrates its intent records ({wanted:?})"
        ));
    }
    for m in migrates {
        let on_chain = facts.checksums.get(&m.to.code_id);
        let known = facts.known.get(&m.contract).cloned().unwrap_or_default();
        if on_chain != Some(&m.to.checksum) || !known.contains(&m.to.checksum) {
            return stale(format!(
                "code {} (for {}) has checksum {}, the proposal records {}, and luckee knows {known:?} for that contract: do not approve code you cannot trace to the artifacts",
                m.to.code_id,
                m.contract,
                on_chain.map(String::as_str).unwrap_or("(no such code)"),
                m.to.checksum,
            ));
        }
        let now = facts.running.get(&m.contract).copied();
        if now != Some(m.from.code_id) {
            return stale(format!(
                "{} runs code {} now, but the proposal was made to move it from code {} to {}: the chain changed since; vote no and run the upgrade again",
                m.contract,
                now.map(|c| c.to_string()).unwrap_or_else(|| "(none)".into()),
                m.from.code_id,
                m.to.code_id
            ));
        }
    }
    Ok(())
}

/// Refuses (exit 9) a `yes` vote on a proposal whose messages differ from what its intent's
/// command would send now. Errors: exit 2 without the deployment's state file.
pub async fn check_current(
    ctx: &Context,
    client: &ChainClient,
    intent: &Intent,
    multisig: &str,
    proposal: &[CosmosMsg],
) -> Result<()> {
    let state = deployment(ctx)?;
    if let Intent::Upgrade { migrates, .. } = intent {
        let mut facts = UpgradeFacts::default();
        for m in migrates {
            let k = m.contract;
            if let Some(a) = state.address_of(k) {
                facts.addresses.insert(k, a.to_string());
                if let Some(info) = client.contract_info(a).await? {
                    facts.running.insert(k, info.code_id);
                }
            }
            if let Some(ci) = client.code_info(m.to.code_id).await? {
                facts.checksums.insert(m.to.code_id, ci.checksum);
            }
            // The code luckee uploaded last, and every code in the history (a rollback goes
            // back to one of them).
            let known = facts.known.entry(k).or_default();
            known.extend(state.codes.get(&k).map(|c| c.checksum.clone()));
            for h in state.history.get(&k).into_iter().flatten() {
                known.extend([h.from.checksum.clone(), h.to.checksum.clone()]);
            }
        }
        return check_upgrade(intent, proposal, &facts);
    }
    let now = rebuild(ctx, client, &state, intent, multisig).await?;
    if now == proposal {
        return Ok(());
    }
    let words = |msgs: &[CosmosMsg]| {
        if msgs.is_empty() {
            return "nothing".to_string();
        }
        msgs.iter()
            .map(|m| super::multisig::describe(m, multisig, &[]))
            .collect::<Vec<_>>()
            .join("; ")
    };
    Err(Error::StaleProposal(format!(
        "nothing sent: the proposal carries [{}], but `{}` would send [{}] now (the plan or the chain changed since it was proposed): vote no, and propose again with `{}`",
        words(proposal),
        intent.command_line(),
        words(&now),
        intent.command_line()
    )))
}

/// The post-checks of `intent`'s command after its proposal executed at `height`, as notes;
/// `state` (locked in `store`) follows the chain. Errors: exit 3 when the chain at `height`
/// does not show the command's effect.
pub async fn after_execute(
    ctx: &Context,
    client: &ChainClient,
    store: &mut StateStore,
    state: &mut DeploymentState,
    intent: &Intent,
    multisig: &str,
    height: u64,
) -> Result<Vec<String>> {
    let inc = IncentiveClient::new(client, incentive(state, intent));
    let fail = |what: String| {
        Err(Error::chain(format!(
            "the proposal executed at height {height}, but {what}"
        )))
    };
    match intent {
        Intent::Apply { prune } => {
            let desired =
                Desired::resolve(&ctx.plan, state, &default_admin(&ctx.plan, state, None));
            let still = confirm_applied(client, &desired, state, height, *prune).await?;
            store.save(state)?;
            if !still.is_empty() {
                let lines: Vec<String> = still.iter().map(Change::line).collect();
                return fail(format!(
                    "the chain still differs from the plan there: {}",
                    lines.join("; ")
                ));
            }
            Ok(vec![format!(
                "post-check: the chain matches the plan at height {height} (`luckee plan` exits 0)"
            )])
        }
        Intent::EmergencyPause { paused, .. } => {
            let cfg = inc.config(Some(height)).await?;
            if cfg.config.emergency_paused != *paused {
                return fail(format!(
                    "get_config says emergency_paused = {}",
                    cfg.config.emergency_paused
                ));
            }
            Ok(vec![format!(
                "post-check: get_config at height {height} says emergency_paused = {paused}"
            )])
        }
        Intent::AdminPropose { .. } | Intent::AdminAccept { .. } => {
            let cfg = inc.config(Some(height)).await?;
            let want = match intent {
                Intent::AdminPropose { address, .. } => address.as_str(),
                _ => multisig,
            };
            let ok = cfg.admin.as_str() == want
                || cfg.pending_admin.as_ref().map(|a| a.as_str()) == Some(want);
            if !ok {
                return fail(format!(
                    "get_config shows admin {} / pending {:?}",
                    cfg.admin, cfg.pending_admin
                ));
            }
            for rec in state.contracts.values_mut() {
                if let Some(info) = client.contract_info_at(&rec.address, Some(height)).await? {
                    rec.admin = info.admin;
                }
            }
            store.save(state)?;
            let next = match intent {
                Intent::AdminPropose { address, .. } => format!(
                    "; next: {address} accepts (`luckee ops admin accept` with its key, or a voter's key when it is a multisig)"
                ),
                _ => String::new(),
            };
            Ok(vec![format!(
                "post-check: get_config at height {height}: admin {}, pending {}{next}",
                cfg.admin,
                cfg.pending_admin
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "(none)".into())
            )])
        }
        Intent::Withdraw { amount, to, .. } => Ok(vec![format!(
            "emergency_withdraw of {amount} to {to} executed at height {height}"
        )]),
        // Recorded and checked by the caller (the upgrade's history and post-upgrade checks).
        Intent::Upgrade { .. } => Ok(vec![]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{CodeVersion, PendingMigrate, UpgradeKind};
    use cosmwasm_std::Binary;

    fn code(id: u64, sum: &str) -> CodeVersion {
        CodeVersion {
            code_id: id,
            checksum: sum.into(),
            version: None,
        }
    }

    fn upgrade() -> Intent {
        Intent::Upgrade {
            kind: "migrate".into(),
            migrates: vec![PendingMigrate {
                msg_index: 0,
                contract: ContractKind::Incentive,
                kind: UpgradeKind::Migrate,
                from: code(1, "aa"),
                to: code(7, "bb"),
                store_tx: None,
                backup: None,
            }],
        }
    }

    fn migrate(id: u64, msg: Vec<u8>) -> Vec<CosmosMsg> {
        vec![WasmMsg::Migrate {
            contract_addr: "wasm1inc".into(),
            new_code_id: id,
            msg: Binary::new(msg),
        }
        .into()]
    }

    #[test]
    fn an_upgrade_proposal_is_current_only_with_traceable_code_and_the_typed_message() {
        let typed = typed_migrate_json(ContractKind::Incentive);
        let facts = UpgradeFacts {
            addresses: [(ContractKind::Incentive, "wasm1inc".to_string())].into(),
            running: [(ContractKind::Incentive, 1)].into(),
            checksums: [(7, "bb".to_string())].into(),
            known: [(ContractKind::Incentive, vec!["aa".into(), "bb".into()])].into(),
        };
        let check = |p: &[CosmosMsg], f: &UpgradeFacts| check_upgrade(&upgrade(), p, f);
        assert!(check(&migrate(7, typed.clone()), &facts).is_ok());
        let code = |r: Result<()>| r.unwrap_err().exit_code();
        // Another target code, a custom migrate message.
        assert_eq!(code(check(&migrate(8, typed.clone()), &facts)), 9);
        assert_eq!(code(check(&migrate(7, br#"{"x":1}"#.to_vec()), &facts)), 9);
        // Code 7 on chain is not the recorded checksum, or not one luckee knows.
        let mut other = facts.clone();
        other.checksums.insert(7, "cc".into());
        assert_eq!(code(check(&migrate(7, typed.clone()), &other)), 9);
        let mut unknown = facts.clone();
        unknown
            .known
            .insert(ContractKind::Incentive, vec!["aa".into()]);
        assert_eq!(code(check(&migrate(7, typed.clone()), &unknown)), 9);
        // The contract moved on since the proposal.
        let mut moved = facts.clone();
        moved.running.insert(ContractKind::Incentive, 5);
        let e = check(&migrate(7, typed.clone()), &moved).unwrap_err();
        assert!(e.to_string().contains("runs code 5 now"), "{e}");
        // A non-upgrade intent is not this check's business.
        assert!(check_upgrade(&Intent::Apply { prune: false }, &[], &facts).is_ok());
    }
}
