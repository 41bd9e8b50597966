//! `luckee ops admin propose ADDRESS [--chain-admin] [--all-contracts] | accept | show` — the
//! admin handover.
//!
//! The incentive's own `admin` moves in two steps: `propose_admin {new_admin}` signed by the
//! current admin, then `accept_admin {}` signed by the new admin's key. `--chain-admin` also
//! moves the chain-level (wasmd, migration) admin of the incentive with `MsgUpdateAdmin` in the
//! same tx; `--all-contracts` does so for every contract luckee deployed. Before anything is
//! sent, luckee reads who holds each role from the chain and refuses (exit 2, naming both
//! addresses) when the signer does not: no fee is paid for a tx that would fail.
//!
//! Both steps are crash-safe like deploy (pending tx recorded before the broadcast) and
//! confirmed by re-reading `get_config` / `ContractInfo` at the tx's height.

use clap::Subcommand;
use cosmrs::Any;
use luckee_types::incentive::{ConfigResponse, ExecuteMsg};
use serde::Serialize;

use super::{incentive_address, OpsArgs};
use crate::chain::{ChainClient, TxRequest};
use crate::cmd::authority::{route, Intent};
use crate::cmd::deploy::settle_pending;
use crate::cmd::{Context, Send, TxSummary};
use crate::contracts::{update_admin_msg, ContractKind, FtClient, IncentiveClient, RegistryClient};
use crate::error::{Error, Result};
use crate::state::{DeploymentState, LockMode};
use crate::ui::{notes_text, or_dash, table, Report};

/// `luckee ops admin …`
#[derive(Debug, Clone, Subcommand)]
pub enum AdminCommand {
    /// Propose ADDRESS as the incentive's new admin (signed by the current admin); it takes
    /// over when it runs `luckee ops admin accept` with its own key.
    Propose {
        /// The new admin (bech32 address of the network's prefix).
        address: String,
        /// Also move the incentive's chain-level (migration) admin to ADDRESS, in the same tx.
        #[arg(long)]
        chain_admin: bool,
        /// With --chain-admin: move the chain-level admin of every contract luckee deployed.
        #[arg(long, requires = "chain_admin")]
        all_contracts: bool,
    },
    /// Accept a proposed handover: signed by the proposed admin's key.
    Accept,
    /// Who holds each role: incentive admin and pending admin, pausers (one row each),
    /// chain-level admins, registry admin, FT minter.
    Show,
}

/// One role and who holds it.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    /// The contract.
    pub contract: String,
    /// The role, e.g. `admin`, `pending admin`, `chain admin`, `minter`.
    pub role: String,
    /// Who holds it (`None` = nobody).
    pub holder: Option<String>,
}

/// Result of `ops admin …`.
#[derive(Debug, Clone, Serialize)]
pub struct AdminReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// `propose`, `accept` or `show`.
    pub action: &'static str,
    /// The messages sent (or that a dry run would send).
    pub messages: Vec<String>,
    /// The tx, or a dry run's estimate.
    #[serde(flatten)]
    pub sent: TxSummary,
    /// Every role after the run (read at `height`, or latest).
    pub roles: Vec<Role>,
    /// What to do next, resolved pending txs.
    pub notes: Vec<String>,
}

impl Report for AdminReport {
    fn text(&self) -> String {
        let mut out = String::new();
        for m in &self.messages {
            out.push_str(&format!("  {m}\n"));
        }
        match self.sent.line() {
            Some(line) => out.push_str(&format!("{line}\n")),
            None if self.action != "show" => out.push_str("nothing to do\n"),
            None => {}
        }
        let rows: Vec<Vec<String>> = self
            .roles
            .iter()
            .map(|r| {
                vec![
                    r.contract.clone(),
                    r.role.clone(),
                    or_dash(r.holder.as_ref()),
                ]
            })
            .collect();
        out.push_str(&table(&["CONTRACT", "ROLE", "HOLDER"], &rows));
        out.push_str(&notes_text(&self.notes));
        out
    }
}

/// Every role of the deployment at `height`.
async fn roles(
    ctx: &Context,
    client: &crate::chain::ChainClient,
    incentive: &str,
    height: Option<u64>,
) -> Result<Vec<Role>> {
    let role = |contract: &str, role: &str, holder: Option<String>| Role {
        contract: contract.into(),
        role: role.into(),
        holder: holder.filter(|h| !h.is_empty()),
    };
    let inc = IncentiveClient::new(client, incentive);
    let cfg = inc.config(height).await?;
    let mut out = vec![
        role("luckee_incentive", "admin", Some(cfg.admin.to_string())),
        role(
            "luckee_incentive",
            "pending admin",
            cfg.pending_admin.map(|a| a.to_string()),
        ),
    ];
    // Pause-only keys (v0.2.0): one row each; none on an older contract.
    for pauser in inc.pausers_if_supported(height).await?.unwrap_or_default() {
        out.push(role("luckee_incentive", "pauser", Some(pauser)));
    }
    let state = crate::state::read_snapshot(&ctx.cwd.join(&ctx.plan.state_dir), &ctx.net.chain_id)?;
    let mut addresses: Vec<(ContractKind, String)> = state
        .map(|s| {
            s.contracts
                .into_iter()
                .map(|(k, r)| (k, r.address))
                .collect()
        })
        .unwrap_or_default();
    if addresses.is_empty() {
        addresses.push((ContractKind::Incentive, incentive.to_string()));
    }
    for (kind, addr) in &addresses {
        let info = client.contract_info_at(addr, height).await?;
        out.push(role(kind.name(), "chain admin", info.map(|i| i.admin)));
    }
    if let Some((_, reg)) = addresses.iter().find(|(k, _)| *k == ContractKind::Registry) {
        let admin = RegistryClient::new(client, reg.clone())
            .config(height)
            .await?
            .admin;
        out.push(role("mock_registry", "admin", Some(admin.to_string())));
    }
    let minter = FtClient::new(client, cfg.ft_contract.to_string())
        .minter(height)
        .await?;
    out.push(role("ft", "minter", minter.map(|m| m.minter)));
    Ok(out)
}

/// One message of `propose` / `accept`: the message (sent by `holder`), its description, and
/// who holds the role it needs.
pub type AdminMsg = (Any, String, String);

/// The messages of `propose` (see the module docs), each built with the holder of its role as
/// the sender; [`route`] then decides whether the signer sends them or proposes them to the
/// multisig holding the roles. Errors: exit 3 for a contract missing on chain.
pub async fn propose_msgs(
    client: &ChainClient,
    state: &DeploymentState,
    inc: &IncentiveClient<'_>,
    cfg: &ConfigResponse,
    (address, chain_admin, all_contracts): (&str, bool, bool),
) -> Result<Vec<AdminMsg>> {
    let mut msgs = Vec::new();
    if cfg.admin.as_str() != address
        && cfg.pending_admin.as_ref().map(|a| a.as_str()) != Some(address)
    {
        let msg = inc.execute(
            cfg.admin.as_str(),
            &ExecuteMsg::ProposeAdmin {
                new_admin: address.to_string(),
            },
        )?;
        msgs.push((
            msg,
            format!("propose_admin {address}"),
            cfg.admin.to_string(),
        ));
    }
    if !chain_admin {
        return Ok(msgs);
    }
    let targets: Vec<(ContractKind, String)> = if all_contracts {
        state
            .contracts
            .iter()
            .map(|(k, r)| (*k, r.address.clone()))
            .collect()
    } else {
        vec![(ContractKind::Incentive, inc.address().to_string())]
    };
    for (kind, addr) in targets {
        let info = client
            .contract_info(&addr)
            .await?
            .ok_or_else(|| Error::chain(format!("no contract {kind} at {addr}")))?;
        if info.admin == address {
            continue;
        }
        msgs.push((
            update_admin_msg(&info.admin, &addr, address),
            format!("update chain admin of {kind} to {address}"),
            info.admin.clone(),
        ));
    }
    Ok(msgs)
}

/// The message of `accept`, sent by the proposed admin (the signer, or a multisig the signer
/// proposes it to), or `None` when the signer already is the admin; refuses (exit 2) when no
/// handover is pending.
pub fn accept_msg(
    inc: &IncentiveClient<'_>,
    cfg: &ConfigResponse,
    me: &str,
) -> Result<Option<AdminMsg>> {
    if cfg.admin.as_str() == me {
        return Ok(None);
    }
    match cfg.pending_admin.as_ref().map(|a| a.as_str()) {
        Some(p) => Ok(Some((
            inc.execute(p, &ExecuteMsg::AcceptAdmin {})?,
            "accept_admin".into(),
            p.to_string(),
        ))),
        None => Err(Error::usage(format!(
            "nothing sent: no admin handover is pending (the admin {} must run `luckee ops admin propose {me}` first)",
            cfg.admin
        ))),
    }
}

/// Runs one `ops admin` subcommand.
pub async fn run(ctx: &Context, args: &OpsArgs, cmd: &AdminCommand) -> Result<()> {
    let contract = incentive_address(ctx, args)?;
    let action = match cmd {
        AdminCommand::Propose { .. } => "propose",
        AdminCommand::Accept => "accept",
        AdminCommand::Show => "show",
    };
    let mut report = AdminReport {
        chain_id: ctx.net.chain_id.clone(),
        action,
        messages: vec![],
        sent: TxSummary::default(),
        roles: vec![],
        notes: vec![],
    };
    if let AdminCommand::Propose { address, .. } = cmd {
        ctx.net.check_address("new admin", address)?;
    }
    if let AdminCommand::Show = cmd {
        let client = ctx.connect().await?;
        report.roles = roles(ctx, &client, &contract, None).await?;
        ctx.print(&report);
        return Ok(());
    }
    let signer = ctx.signer()?;
    let me = signer.address.to_string();
    let client = ctx.connect().await?;
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    report.notes = settle_pending(ctx.dry_run, &client, &mut store, &mut state).await?;
    let inc = IncentiveClient::new(&client, contract.clone());
    let cfg = inc.config(None).await?;
    let msgs = match cmd {
        AdminCommand::Propose {
            address,
            chain_admin,
            all_contracts,
        } => {
            report.notes.push(format!(
                "next: {address} runs `luckee ops admin accept`; then set deploy.incentive.admin = \"{address}\"{} in luckee.toml so that `luckee plan` stays clean",
                if *chain_admin { format!(" and deploy.admin = \"{address}\"") } else { String::new() }
            ));
            propose_msgs(
                &client,
                &state,
                &inc,
                &cfg,
                (address, *chain_admin, *all_contracts),
            )
            .await?
        }
        _ => accept_msg(&inc, &cfg, &me)?.into_iter().collect(),
    };
    report.messages = msgs.iter().map(|(_, w, _)| w.clone()).collect();
    if msgs.is_empty() {
        report.roles = roles(ctx, &client, &contract, None).await?;
        ctx.print(&report);
        return Ok(());
    }
    let holders: Vec<String> = msgs.iter().map(|(_, _, h)| h.clone()).collect();
    let Some(route) = route(&client, &holders, &me).await? else {
        let needs: Vec<String> = msgs
            .iter()
            .filter(|(_, _, h)| h != &me)
            .map(|(_, w, h)| format!("{w} needs {}", if h.is_empty() { "(none)" } else { h }))
            .collect();
        return Err(Error::usage(format!(
            "nothing sent: {}, but the signer is {me} (sign with that key, or a voter's key when it is a multisig)",
            needs.join("; ")
        )));
    };
    let intent = match cmd {
        AdminCommand::Propose {
            address,
            chain_admin,
            all_contracts,
        } => Intent::AdminPropose {
            address: address.clone(),
            chain_admin: *chain_admin,
            all_contracts: *all_contracts,
            contract: Some(contract.clone()),
        },
        _ => Intent::AdminAccept {
            contract: Some(contract.clone()),
        },
    };
    let req = TxRequest {
        msgs: msgs.into_iter().map(|(m, _, _)| m).collect(),
        memo: format!("luckee ops admin {action}"),
        tags: vec![format!("admin-{action}")],
    };
    let mut send = Send::new(&client, &signer, &mut store, &mut state);
    let (sent, outcome) = send
        .submit(ctx.dry_run, &route, &req, &intent, &report.messages)
        .await?;
    report.sent = sent;
    let Some(outcome) = outcome else {
        ctx.print(&report);
        return Ok(());
    };
    let after = inc.config(Some(outcome.height)).await?;
    let confirmed = match cmd {
        AdminCommand::Propose { address, .. } => {
            after.pending_admin.as_ref().map(|a| a.as_str()) == Some(address.as_str())
                || after.admin.as_str() == address
        }
        _ => after.admin.as_str() == me,
    };
    if !confirmed {
        return Err(Error::chain(format!(
            "tx {} landed at height {} but get_config there shows admin {} / pending {:?}",
            outcome.hash, outcome.height, after.admin, after.pending_admin
        )));
    }
    // The state file records each contract's chain-level admin: keep it true.
    for rec in state.contracts.values_mut() {
        if let Some(info) = client
            .contract_info_at(&rec.address, Some(outcome.height))
            .await?
        {
            rec.admin = info.admin;
        }
    }
    store.save(&state)?;
    report.roles = roles(ctx, &client, &contract, Some(outcome.height)).await?;
    ctx.print(&report);
    Ok(())
}
