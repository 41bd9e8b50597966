//! `luckee deploy upload | instantiate | verify | migrate | rollback`.
//!
//! Shared here: the crash-safety protocol around the state file's pending tx
//! ([`resolve_pending`], [`apply_outcome`]), instantiate2 address prediction and the list of
//! contracts the plan deploys.

pub mod instantiate;
pub mod migrate;
pub mod upload;
pub mod verify;

use std::time::Duration;

use crate::clock::unix_now;

use cosmrs::proto::cosmwasm::wasm::v1::{MsgInstantiateContract2Response, MsgStoreCodeResponse};
use cosmrs::AccountId;
use cosmwasm_std::CanonicalAddr;

use super::Context;
use crate::chain::{ChainClient, TxOutcome, TxRequest};
use crate::cli::DeployCommand;
use crate::config::Plan;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::keys::Signer;
use crate::state::{
    CodeRecord, ContractRecord, DeploymentState, PendingTx, StateStore, TxEffects, UpgradeRecord,
};

/// Runs one `deploy` subcommand.
pub async fn run(ctx: &Context, cmd: DeployCommand) -> Result<()> {
    match cmd {
        DeployCommand::Upload { contracts } => upload::run(ctx, &contracts).await,
        DeployCommand::Instantiate => instantiate::run(ctx).await,
        DeployCommand::Verify => verify::run(ctx).await,
        DeployCommand::Migrate {
            contracts,
            msg_file,
            artifacts,
        } => migrate::run_migrate(ctx, &contracts, msg_file.as_deref(), artifacts.as_deref()).await,
        DeployCommand::Rollback { contract, to } => migrate::run_rollback(ctx, contract, to).await,
    }
}

/// The contracts the plan deploys itself, in instantiate order: the registry and FT mocks
/// unless configured as `existing`, and always the incentive.
pub fn planned_kinds(plan: &Plan) -> Vec<ContractKind> {
    ContractKind::ALL
        .into_iter()
        .filter(|k| match k {
            ContractKind::Registry => plan.registry.existing.is_none(),
            ContractKind::Ft => plan.ft.existing.is_none(),
            ContractKind::Incentive => true,
            ContractKind::Multisig => plan.multisig.as_ref().is_some_and(|m| m.existing.is_none()),
        })
        .collect()
}

/// The instantiate2 salt of `kind`: `<plan salt>/<contract name>`.
pub fn salt_for(plan: &Plan, kind: ContractKind) -> String {
    format!("{}/{}", plan.salt, kind.name())
}

/// The address `MsgInstantiateContract2` will give a contract of code `checksum_hex`
/// instantiated by `creator` with `salt` (`fix_msg = false`), in `creator`'s bech32 prefix.
pub fn predict_address(checksum_hex: &str, creator: &AccountId, salt: &str) -> Result<String> {
    let checksum = hex::decode(checksum_hex)
        .map_err(|e| Error::usage(format!("checksum '{checksum_hex}': {e}")))?;
    let canon = CanonicalAddr::from(creator.to_bytes());
    let addr = cosmwasm_std::instantiate2_address(&checksum, &canon, salt.as_bytes())
        .map_err(|e| Error::usage(format!("instantiate2 address: {e}")))?;
    AccountId::new(creator.prefix(), addr.as_slice())
        .map(|a| a.to_string())
        .map_err(|e| Error::usage(format!("instantiate2 address: {e}")))
}

/// Records the effects of the successful tx `o` described by `p` in `state` and clears
/// `pending`. Errors (exit 3) if the chain's answers contradict what was expected (a stored
/// checksum or an instantiate2 address differing from the prediction).
pub fn apply_outcome(state: &mut DeploymentState, p: &PendingTx, o: &TxOutcome) -> Result<()> {
    for u in &p.uploads {
        let r: MsgStoreCodeResponse = o.response(u.msg_index)?;
        let checksum = hex::encode(&r.checksum);
        if checksum != u.checksum {
            return Err(Error::chain(format!(
                "tx {}: code {} stored with checksum {checksum}, expected {}",
                o.hash, r.code_id, u.checksum
            )));
        }
        state.codes.insert(
            u.contract,
            CodeRecord {
                checksum,
                code_id: r.code_id,
                store_tx: Some(o.hash.clone()),
                height: Some(o.height),
            },
        );
    }
    for i in &p.instantiates {
        let r: MsgInstantiateContract2Response = o.response(i.msg_index)?;
        if r.address != i.address {
            return Err(Error::chain(format!(
                "tx {}: {} instantiated at {}, predicted {}",
                o.hash, i.contract, r.address, i.address
            )));
        }
        state.contracts.insert(
            i.contract,
            ContractRecord {
                address: r.address,
                code_id: i.code_id,
                checksum: i.checksum.clone(),
                store_tx: i.store_tx.clone(),
                instantiate_tx: Some(o.hash.clone()),
                label: i.label.clone(),
                admin: i.admin.clone(),
                height: Some(o.height),
                salt: i.salt.clone(),
            },
        );
    }
    for m in &p.migrates {
        let rec = state.contracts.get_mut(&m.contract).ok_or_else(|| {
            Error::usage(format!(
                "tx {}: migrated {}, which the state file does not record",
                o.hash, m.contract
            ))
        })?;
        rec.code_id = m.to.code_id;
        rec.checksum = m.to.checksum.clone();
        rec.store_tx = m.store_tx.clone();
        state
            .history
            .entry(m.contract)
            .or_default()
            .push(UpgradeRecord {
                kind: m.kind,
                from: m.from.clone(),
                to: m.to.clone(),
                tx_hash: o.hash.clone(),
                height: o.height,
                time: crate::clock::rfc3339(p.recorded_at as i64),
                backup: m.backup.clone(),
            });
        state.unchecked_upgrades.insert(m.contract, o.hash.clone());
    }
    state.pending = None;
    Ok(())
}

/// Sends `req` through [`ChainClient::send`], recording it as the state file's pending tx
/// (with its final hash) before every broadcast, then records its effects and clears
/// `pending`. `effects` describes its messages for [`apply_outcome`].
pub async fn send_recorded(
    client: &ChainClient,
    signer: &Signer,
    store: &mut StateStore,
    state: &mut DeploymentState,
    req: &TxRequest,
    effects: TxEffects,
) -> Result<TxOutcome> {
    let mut pending = PendingTx {
        tx_hash: String::new(),
        tags: req.tags.clone(),
        recorded_at: 0,
        from_height: None,
        uploads: effects.uploads,
        instantiates: effects.instantiates,
        migrates: effects.migrates,
    };
    let sent = client
        .send(signer, req, &mut |signed| {
            pending.tx_hash = signed.hash.clone();
            pending.recorded_at = unix_now() as u64;
            pending.from_height = Some(signed.from_height);
            state.pending = Some(pending.clone());
            store.save(state)
        })
        .await;
    let outcome = match sent {
        Ok(o) => o,
        // Rejected by CheckTx, failed simulation or failed in its block: nothing is in flight,
        // so the state file goes back to what it was. A network fault keeps the pending hash:
        // the tx may still land, and the next run looks it up.
        Err(e) if !matches!(e, Error::Network(_)) => {
            if state.pending.take().is_some() {
                store.save(state)?;
            }
            return Err(e);
        }
        Err(e) => return Err(e),
    };
    apply_outcome(state, &pending, &outcome)?;
    store.save(state)?;
    Ok(outcome)
}

/// Before a deploy step: resolves the pending tx of an earlier run, or in a dry run only
/// notes that there is one (a dry run writes nothing). Returns notes for the report.
pub async fn settle_pending(
    dry_run: bool,
    client: &ChainClient,
    store: &mut StateStore,
    state: &mut DeploymentState,
) -> Result<Vec<String>> {
    match (&state.pending, dry_run) {
        (Some(p), true) => Ok(vec![format!(
            "pending tx {} will be resolved by the next real run",
            p.tx_hash
        )]),
        _ => resolve_pending(client, store, state).await,
    }
}

/// Resolves a pending tx left by an earlier (crashed or timed-out) run before anything else
/// is done: looks its hash up, waiting until the network's tx timeout has passed since it was
/// recorded, then records what landed. A tx the chain never saw is dropped; contracts at its
/// predicted instantiate2 addresses are adopted anyway (the address proves they are ours).
/// Returns human-readable notes.
pub async fn resolve_pending(
    client: &ChainClient,
    store: &mut StateStore,
    state: &mut DeploymentState,
) -> Result<Vec<String>> {
    let Some(p) = state.pending.clone() else {
        return Ok(vec![]);
    };
    let age = Duration::from_secs((unix_now() as u64).saturating_sub(p.recorded_at));
    let remaining = client.tx_timeout().await.saturating_sub(age);
    tracing::info!(hash = %p.tx_hash, "resolving pending tx of an earlier run");
    // Without a recorded height (older state files), a node without a tx indexer is searched
    // over the last 1000 blocks.
    let from = match p.from_height {
        Some(h) => h,
        None => client.status().await?.height.saturating_sub(1000).max(1),
    };
    let note = match client.poll_tx(&p.tx_hash, remaining, from).await? {
        Some(o) if o.code == 0 => {
            apply_outcome(state, &p, &o)?;
            format!(
                "pending tx {} ({}) of an earlier run landed at height {}: recorded",
                p.tx_hash,
                p.tags.join(","),
                o.height
            )
        }
        Some(o) => {
            state.pending = None;
            format!(
                "pending tx {} ({}) of an earlier run failed on chain (code {}: {}): nothing to record",
                p.tx_hash,
                p.tags.join(","),
                o.code,
                o.log
            )
        }
        None => {
            for i in &p.instantiates {
                if let Some(ci) = client.contract_info(&i.address).await? {
                    state.contracts.insert(
                        i.contract,
                        ContractRecord {
                            address: i.address.clone(),
                            code_id: ci.code_id,
                            checksum: i.checksum.clone(),
                            store_tx: i.store_tx.clone(),
                            instantiate_tx: None,
                            label: ci.label,
                            admin: ci.admin,
                            height: ci.created_height,
                            salt: i.salt.clone(),
                        },
                    );
                }
            }
            state.pending = None;
            format!(
                "pending tx {} of an earlier run is unknown to the node: treated as dropped",
                p.tx_hash
            )
        }
    };
    store.save(state)?;
    tracing::info!("{note}");
    Ok(vec![note])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::tx::to_any;
    use crate::state::{
        CodeVersion, PendingInstantiate, PendingMigrate, PendingUpload, UpgradeKind,
    };

    /// A successful tx `hash` at height 10 with `msg_responses`.
    fn outcome(hash: &str, msg_responses: Vec<cosmrs::Any>) -> TxOutcome {
        TxOutcome {
            hash: hash.into(),
            height: 10,
            code: 0,
            codespace: String::new(),
            log: String::new(),
            gas_wanted: 0,
            gas_used: 0,
            msg_responses,
            events: vec![],
        }
    }

    fn creator() -> AccountId {
        AccountId::new("wasm", &[7u8; 20]).unwrap()
    }

    #[test]
    fn predicted_address_is_deterministic_and_salted() {
        let sum = "ab".repeat(32);
        let a = predict_address(&sum, &creator(), "luckee-v1/luckee_incentive").unwrap();
        let b = predict_address(&sum, &creator(), "luckee-v1/luckee_incentive").unwrap();
        let c = predict_address(&sum, &creator(), "luckee-v1/mock_ft").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("wasm1") && a.len() == 63, "{a}");
    }

    #[test]
    fn planned_kinds_follow_existing_settings() {
        let mut plan = Plan::default();
        assert_eq!(planned_kinds(&plan), ContractKind::ALL[1..].to_vec());
        plan.ft.existing = Some("wasm1x".into());
        assert_eq!(
            planned_kinds(&plan),
            vec![ContractKind::Registry, ContractKind::Incentive]
        );
        plan.multisig = Some(crate::config::MultisigPlan::default());
        assert_eq!(
            planned_kinds(&plan),
            vec![
                ContractKind::Multisig,
                ContractKind::Registry,
                ContractKind::Incentive
            ]
        );
        plan.multisig.as_mut().unwrap().existing = Some("wasm1ms".into());
        assert_eq!(
            planned_kinds(&plan),
            vec![ContractKind::Registry, ContractKind::Incentive]
        );
        assert_eq!(salt_for(&plan, ContractKind::Ft), "luckee-v1/mock_ft");
    }

    #[test]
    fn apply_outcome_records_codes_and_contracts() {
        let sum = "cd".repeat(32);
        let addr = predict_address(&sum, &creator(), "s/luckee_incentive").unwrap();
        let p = PendingTx {
            tx_hash: "H".into(),
            tags: vec!["upload".into()],
            recorded_at: 0,
            from_height: Some(1),
            uploads: vec![PendingUpload {
                msg_index: 0,
                contract: ContractKind::Incentive,
                checksum: sum.clone(),
            }],
            instantiates: vec![PendingInstantiate {
                msg_index: 1,
                contract: ContractKind::Incentive,
                address: addr.clone(),
                code_id: 3,
                checksum: sum.clone(),
                store_tx: Some("S".into()),
                label: "L".into(),
                admin: "A".into(),
                salt: "s/luckee_incentive".into(),
            }],
            migrates: vec![],
        };
        let o = outcome(
            "H",
            vec![
                to_any(&MsgStoreCodeResponse {
                    code_id: 3,
                    checksum: hex::decode(&sum).unwrap(),
                }),
                to_any(&MsgInstantiateContract2Response {
                    address: addr.clone(),
                    data: vec![],
                }),
            ],
        );
        let mut state = DeploymentState::new("c");
        state.pending = Some(p.clone());
        apply_outcome(&mut state, &p, &o).unwrap();
        assert!(state.pending.is_none());
        assert_eq!(state.codes[&ContractKind::Incentive].code_id, 3);
        let rec = &state.contracts[&ContractKind::Incentive];
        assert_eq!(
            (
                rec.address.as_str(),
                rec.instantiate_tx.as_deref(),
                rec.height
            ),
            (addr.as_str(), Some("H"), Some(10))
        );

        let mut wrong = p.clone();
        wrong.instantiates[0].address = "wasm1other".into();
        assert!(apply_outcome(&mut DeploymentState::new("c"), &wrong, &o).is_err());
    }

    #[test]
    fn apply_outcome_moves_the_contract_and_appends_history() {
        let mut state = DeploymentState::new("c");
        state.contracts.insert(
            ContractKind::Incentive,
            ContractRecord {
                address: "wasm1inc".into(),
                code_id: 1,
                checksum: "aa".into(),
                store_tx: None,
                instantiate_tx: Some("I".into()),
                label: "L".into(),
                admin: "A".into(),
                height: Some(2),
                salt: "s".into(),
            },
        );
        let code = |id: u64, sum: &str, v: &str| CodeVersion {
            code_id: id,
            checksum: sum.into(),
            version: Some(v.into()),
        };
        let p = PendingTx {
            tx_hash: "M".into(),
            tags: vec!["migrate".into()],
            recorded_at: 1_706_702_400,
            from_height: Some(9),
            uploads: vec![],
            instantiates: vec![],
            migrates: vec![PendingMigrate {
                msg_index: 0,
                contract: ContractKind::Incentive,
                kind: UpgradeKind::Migrate,
                from: code(1, "aa", "0.1.0"),
                to: code(4, "bb", "0.2.0"),
                store_tx: Some("S".into()),
                backup: Some("b/luckee_incentive/20240131T120000Z".into()),
            }],
        };
        let o = outcome("M", vec![]);
        state.pending = Some(p.clone());
        apply_outcome(&mut state, &p, &o).unwrap();
        let rec = &state.contracts[&ContractKind::Incentive];
        assert_eq!((rec.code_id, rec.checksum.as_str()), (4, "bb"));
        assert_eq!(
            rec.instantiate_tx.as_deref(),
            Some("I"),
            "instantiate record kept"
        );
        let h = &state.history[&ContractKind::Incentive];
        assert_eq!(h.len(), 1);
        assert_eq!(
            (h[0].tx_hash.as_str(), h[0].height, h[0].time.as_str()),
            ("M", 10, "2024-01-31T12:00:00Z")
        );
        assert_eq!(h[0].from, code(1, "aa", "0.1.0"));
        assert!(state.env_text().contains("LUCKY_INCENTIVE_CODE_ID=4\n"));
        assert_eq!(state.unchecked_upgrades[&ContractKind::Incentive], "M");
        // A second outcome appends; nothing is rewritten.
        let mut back = p.clone();
        back.migrates[0].kind = UpgradeKind::Rollback;
        back.migrates[0].from = code(4, "bb", "0.2.0");
        back.migrates[0].to = code(1, "aa", "0.1.0");
        apply_outcome(&mut state, &back, &o).unwrap();
        let h = &state.history[&ContractKind::Incentive];
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].to.code_id, 4);
        assert_eq!(state.contracts[&ContractKind::Incentive].code_id, 1);
        // A migrate of a contract the file does not record is refused.
        let mut other = p.clone();
        other.migrates[0].contract = ContractKind::Ft;
        assert!(apply_outcome(&mut state, &other, &o).is_err());
    }
}
