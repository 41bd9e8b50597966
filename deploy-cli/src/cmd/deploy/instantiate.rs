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
//! the plan's rules, reporters and registry members are then reconciled idempotently: only
//! missing or different entries are sent (nothing is ever removed).

use cosmrs::proto::cosmwasm::wasm::v1::{MsgExecuteContract, MsgInstantiateContract2};
use cosmrs::Any;
use luckee_types::{ft, incentive, registry};
use serde::Serialize;

use super::{planned_kinds, predict_address, salt_for, send_recorded, settle_pending};
use crate::chain::tx::{to_any, GasEstimate};
use crate::chain::{ChainClient, TxRequest};
use crate::cmd::Context;
use crate::config::Plan;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::state::{ContractRecord, LockMode, PendingInstantiate};
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
    /// The tx sent, if any.
    pub tx: Option<String>,
    /// Height of the block that included `tx`.
    pub height: Option<u64>,
    /// Gas used by `tx`.
    pub gas_used: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Gas estimate of the tx a dry run would send.
    pub dry_run: Option<GasEstimate>,
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
        match (&self.tx, &self.dry_run) {
            (Some(tx), _) => out.push_str(&format!(
                "tx {tx} included at height {}, gas used {}\n",
                self.height.unwrap_or_default(),
                self.gas_used.unwrap_or_default()
            )),
            (None, Some(e)) => out.push_str(&format!(
                "dry run: gas used {} → gas limit {}, fee {}; nothing broadcast\n",
                e.gas_used, e.gas_limit, e.fee
            )),
            (None, None) => {
                out.push_str("nothing to do: every contract exists and matches the plan's setup\n")
            }
        }
        out
    }
}

/// A message to send, with its description and tag.
struct Step {
    msg: Any,
    what: String,
    tag: &'static str,
}

fn exec(
    sender: &str,
    contract: &str,
    msg: &impl Serialize,
    what: String,
    tag: &'static str,
) -> Result<Step> {
    let json = serde_json::to_vec(msg).map_err(|e| Error::config(format!("execute JSON: {e}")))?;
    let msg = to_any(&MsgExecuteContract {
        sender: sender.into(),
        contract: contract.into(),
        msg: json,
        funds: vec![],
    });
    Ok(Step { msg, what, tag })
}

/// The instantiate message of `kind` (typed from `luckee-types`), as JSON bytes.
fn instantiate_msg(
    kind: ContractKind,
    plan: &Plan,
    signer: &str,
    incentive_admin: &str,
    addr: &std::collections::BTreeMap<ContractKind, String>,
) -> Result<Vec<u8>> {
    let json = match kind {
        ContractKind::Registry => serde_json::to_vec(&registry::InstantiateMsg {
            admin: Some(signer.into()),
            members: plan.registry.members.clone(),
        }),
        ContractKind::Ft => serde_json::to_vec(&ft::InstantiateMsg {
            name: plan.ft.name.clone(),
            symbol: plan.ft.symbol.clone(),
            decimals: plan.ft.decimals,
            initial_balances: vec![],
            mint: Some(ft::MinterResponse {
                minter: addr[&ContractKind::Incentive].clone(),
                cap: plan.ft.cap,
            }),
            marketing: None,
        }),
        ContractKind::Incentive => serde_json::to_vec(&incentive::InstantiateMsg {
            admin: incentive_admin.into(),
            ft_contract: addr[&ContractKind::Ft].clone(),
            registry_contract: addr[&ContractKind::Registry].clone(),
            config: incentive::IncentiveConfig {
                enabled: plan.incentive.enabled,
                emergency_paused: plan.incentive.emergency_paused,
                exchange_rate: plan.incentive.exchange_rate.clone().unwrap_or_default(),
            },
            rules: plan.incentive.rules.clone(),
        }),
    };
    json.map_err(|e| Error::config(format!("instantiate JSON of {kind}: {e}")))
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
        tx: None,
        height: None,
        gas_used: None,
        dry_run: None,
        notes: vec![],
    };
    report.notes = settle_pending(ctx.dry_run, &client, &mut store, &mut state).await?;
    let me = signer.address.to_string();
    state.deployer.get_or_insert_with(|| me.clone());
    let admin = plan.admin.clone().unwrap_or_else(|| me.clone());
    let incentive_admin = plan.incentive.admin.clone().unwrap_or_else(|| me.clone());
    let kinds = planned_kinds(plan);

    // The codes must be stored (deploy upload) and still on chain.
    for kind in &kinds {
        let code = state.codes.get(kind).ok_or_else(|| {
            Error::config(format!(
                "no stored code of {kind} on chain {}: run `luckee deploy upload` first",
                ctx.net.chain_id
            ))
        })?;
        match client.code_info(code.code_id).await? {
            Some(ci) if ci.checksum == code.checksum => {}
            _ => {
                return Err(Error::chain(format!(
                    "code_id {} of {kind} in the state file is not on chain {} with checksum {} (chain reset?): run `luckee deploy upload`",
                    code.code_id, ctx.net.chain_id, code.checksum
                )))
            }
        }
    }

    // Which contracts exist, which are new, and every address.
    let mut addr = std::collections::BTreeMap::new();
    let mut new: Vec<PendingInstantiate> = Vec::new();
    for &kind in &kinds {
        if let Some(rec) = state.contracts.get(&kind).cloned() {
            if let Some(info) = client.contract_info(&rec.address).await? {
                if (info.code_id, &info.admin, &info.label) != (rec.code_id, &rec.admin, &rec.label)
                {
                    let note = format!(
                        "{kind} at {} differs from the state file (code_id {}, admin '{}', label '{}'): see `luckee deploy verify`",
                        rec.address, info.code_id, info.admin, info.label
                    );
                    tracing::warn!("{note}");
                    report.notes.push(note);
                }
                addr.insert(kind, rec.address.clone());
                report.contracts.push(ContractRow {
                    contract: kind,
                    address: rec.address,
                    code_id: Some(rec.code_id),
                    status: "exists",
                });
                continue;
            }
            let note = format!(
                "{kind} recorded at {} is not on chain (chain reset?): instantiating again",
                rec.address
            );
            tracing::warn!("{note}");
            report.notes.push(note);
            state.contracts.remove(&kind);
        }
        let code = state.codes[&kind].clone();
        let salt = salt_for(plan, kind);
        let predicted = predict_address(&code.checksum, &signer.address, &salt)?;
        if let Some(ci) = client.contract_info(&predicted).await? {
            // Ours (same creator, checksum and salt), e.g. from a run whose state was lost.
            let checksum = match client.code_info(ci.code_id).await? {
                Some(c) => c.checksum,
                None => code.checksum.clone(),
            };
            state.contracts.insert(
                kind,
                ContractRecord {
                    address: predicted.clone(),
                    code_id: ci.code_id,
                    checksum,
                    store_tx: code.store_tx.clone(),
                    instantiate_tx: None,
                    label: ci.label,
                    admin: ci.admin,
                    height: ci.created_height,
                    salt,
                },
            );
            addr.insert(kind, predicted.clone());
            report.contracts.push(ContractRow {
                contract: kind,
                address: predicted,
                code_id: Some(ci.code_id),
                status: "adopted",
            });
            continue;
        }
        let label = match kind {
            ContractKind::Registry => plan.registry.label.clone(),
            ContractKind::Ft => plan.ft.label.clone(),
            ContractKind::Incentive => plan.incentive.label.clone(),
        };
        addr.insert(kind, predicted.clone());
        new.push(PendingInstantiate {
            msg_index: 0,
            contract: kind,
            address: predicted,
            code_id: code.code_id,
            checksum: code.checksum,
            store_tx: code.store_tx,
            label,
            admin: admin.clone(),
            salt,
        });
    }
    for (kind, existing) in [
        (ContractKind::Ft, &plan.ft.existing),
        (ContractKind::Registry, &plan.registry.existing),
    ] {
        match existing {
            Some(a) => {
                addr.insert(kind, a.clone());
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

    // Messages: instantiate2 of the new contracts (registry, FT, incentive), then setup.
    let mut steps = Vec::new();
    for p in &mut new {
        let msg = instantiate_msg(p.contract, plan, &me, &incentive_admin, &addr)?;
        p.msg_index = steps.len();
        steps.push(Step {
            msg: to_any(&MsgInstantiateContract2 {
                sender: me.clone(),
                admin: p.admin.clone(),
                code_id: p.code_id,
                label: p.label.clone(),
                msg,
                funds: vec![],
                salt: p.salt.clone().into_bytes(),
                fix_msg: false,
            }),
            what: format!(
                "instantiate2 {} (code {}) at {}",
                p.contract, p.code_id, p.address
            ),
            tag: if p.contract == ContractKind::Ft {
                "minter"
            } else {
                "instantiate"
            },
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
    let is_new = |k: ContractKind| new.iter().any(|p| p.contract == k);
    steps.extend(
        setup_steps(
            &client,
            ctx,
            &me,
            &addr,
            is_new(ContractKind::Incentive),
            is_new(ContractKind::Ft),
            is_new(ContractKind::Registry),
            &mut report.notes,
        )
        .await?,
    );
    report.contracts.sort_by_key(|c| c.contract);
    report.actions = steps.iter().map(|s| s.what.clone()).collect();
    if steps.is_empty() {
        if !ctx.dry_run {
            store.save(&state)?;
        }
        ctx.print(&report);
        return Ok(());
    }

    let mut tags: Vec<String> = Vec::new();
    for s in &steps {
        if !tags.iter().any(|t| t == s.tag) {
            tags.push(s.tag.to_string());
        }
    }
    let req = TxRequest {
        msgs: steps.into_iter().map(|s| s.msg).collect(),
        memo: "luckee deploy instantiate".into(),
        tags,
    };
    if ctx.dry_run {
        report.dry_run = Some(client.estimate_fresh(&signer, &req).await?);
        ctx.print(&report);
        return Ok(());
    }
    let outcome =
        send_recorded(&client, &signer, &mut store, &mut state, &req, vec![], new).await?;
    report.tx = Some(outcome.hash.clone());
    report.height = Some(outcome.height);
    report.gas_used = Some(outcome.gas_used);
    ctx.print(&report);
    Ok(())
}

/// The idempotent setup messages: FT minter hand-off for an FT that already exists, rules and
/// reporters of the incentive, members of our registry mock — only what differs from the plan.
#[allow(clippy::too_many_arguments)]
async fn setup_steps(
    client: &ChainClient,
    ctx: &Context,
    me: &str,
    addr: &std::collections::BTreeMap<ContractKind, String>,
    incentive_new: bool,
    ft_new: bool,
    registry_new: bool,
    notes: &mut Vec<String>,
) -> Result<Vec<Step>> {
    let plan = &ctx.plan;
    let mut steps = Vec::new();
    let incentive = &addr[&ContractKind::Incentive];
    let mut warn = |n: String| {
        tracing::warn!("{n}");
        notes.push(n);
    };

    // FT minter (a new FT mock is born with the right minter).
    if !ft_new {
        let ft_addr = &addr[&ContractKind::Ft];
        let minter: Option<ft::MinterResponse> = client
            .smart_query(ft_addr, &ft::QueryMsg::Minter {}, None)
            .await?;
        let current = minter.map(|m| m.minter);
        if current.as_deref() != Some(incentive.as_str()) {
            if current.as_deref() == Some(me) {
                steps.push(exec(
                    me,
                    ft_addr,
                    &ft::ExecuteMsg::UpdateMinter {
                        new_minter: Some(incentive.clone()),
                    },
                    format!("update_minter of FT {ft_addr} to the incentive {incentive}"),
                    "minter",
                )?);
            } else {
                warn(format!(
                    "FT {ft_addr} minter is {}, not the incentive; only that account can hand it over (update_minter)",
                    current.as_deref().unwrap_or("none")
                ));
            }
        }
    }

    // Incentive rules and reporters.
    let incentive_admin = if incentive_new {
        plan.incentive
            .admin
            .clone()
            .unwrap_or_else(|| me.to_string())
    } else {
        let cfg: incentive::ConfigResponse = client
            .smart_query(incentive, &incentive::QueryMsg::GetConfig {}, None)
            .await?;
        cfg.admin.to_string()
    };
    let wanted_reporters = &plan.incentive.reporters;
    if incentive_admin != me {
        if !plan.incentive.rules.is_empty() && !incentive_new || !wanted_reporters.is_empty() {
            warn(format!("incentive admin is {incentive_admin}, not the signer: rules and reporters of the plan not applied"));
        }
    } else {
        if !incentive_new && !plan.incentive.rules.is_empty() {
            let rules = client
                .smart_query_all(
                    incentive,
                    None,
                    |start_after| incentive::QueryMsg::GetRules {
                        start_after,
                        limit: None,
                    },
                    |r: incentive::RulesResponse| r.rules,
                    |r| r.id.clone(),
                )
                .await?;
            let upsert: Vec<_> = plan
                .incentive
                .rules
                .iter()
                .filter(|want| !rules.iter().any(|have| have == *want))
                .cloned()
                .collect();
            if !upsert.is_empty() {
                let ids = upsert
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                steps.push(exec(
                    me,
                    incentive,
                    &incentive::ExecuteMsg::UpdateRules {
                        upsert,
                        remove: vec![],
                    },
                    format!("update_rules upsert [{ids}]"),
                    "setup",
                )?);
            }
        }
        let have = if incentive_new || wanted_reporters.is_empty() {
            vec![]
        } else {
            client
                .smart_query_all(
                    incentive,
                    None,
                    |start_after| incentive::QueryMsg::GetRegisteredContracts {
                        start_after,
                        limit: None,
                    },
                    |r: incentive::RegisteredContractsResponse| r.contracts,
                    |c| c.address.to_string(),
                )
                .await?
        };
        for r in wanted_reporters {
            if have
                .iter()
                .any(|h| h.address.as_str() == r.address && h.label == r.label)
            {
                continue;
            }
            steps.push(exec(
                me,
                incentive,
                &incentive::ExecuteMsg::RegisterContract {
                    address: r.address.clone(),
                    label: r.label.clone(),
                },
                format!("register_contract {}", r.address),
                "setup",
            )?);
        }
    }

    // Members of our registry mock (a new one gets them in its instantiate message).
    if !plan.registry.members.is_empty() && !registry_new {
        if plan.registry.existing.is_some() {
            warn("registry is an existing contract: deploy.registry.members not applied".into());
        } else {
            let reg = &addr[&ContractKind::Registry];
            let members = client
                .smart_query_all(
                    reg,
                    None,
                    |start_after| registry::QueryMsg::Members {
                        start_after,
                        limit: None,
                    },
                    |r: registry::MembersResponse| r.members,
                    |m| m.to_string(),
                )
                .await?;
            let missing: Vec<String> = plan
                .registry
                .members
                .iter()
                .filter(|m| !members.iter().any(|h| h.as_str() == m.as_str()))
                .cloned()
                .collect();
            for chunk in missing.chunks(registry::MAX_BATCH) {
                steps.push(exec(
                    me,
                    reg,
                    &registry::ExecuteMsg::RegisterBatch {
                        addresses: chunk.to_vec(),
                    },
                    format!("register_batch of {} registry member(s)", chunk.len()),
                    "setup",
                )?);
            }
        }
    }
    Ok(steps)
}
