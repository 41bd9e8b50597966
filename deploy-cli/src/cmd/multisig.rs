//! `luckee multisig --multisig ADDRESS list | show ID | vote ID yes|no|abstain | execute ID` —
//! the voters' side of a cw3 multisig admin (proposals come from the admin commands, see
//! [`super::authority`]).
//!
//! `show` decodes each proposal message back into luckee's words: which of the deployment's
//! contracts (by name, from the state file when there is one), and what (the execute
//! message's variant with its JSON, a migrate to a code id, an admin change). `vote` and
//! `execute` are refused before any fee: a signer that is not a voter (exit 7), a proposal
//! whose status or expiry does not allow it (exit 8) — the same rules the contract applies
//! ([`check_vote`], [`check_execute`], pure) — and a `yes` on a proposal luckee made whose
//! messages differ from what its command would send now (exit 9, [`super::intent`]). After
//! `execute`, the post-checks of the command that made the proposal run.

use clap::{Args, Subcommand, ValueEnum};
use cosmwasm_std::{BlockInfo, CosmosMsg, Timestamp, WasmMsg};
use luckee_multisig::msg::{ExecuteMsg, Expiration, ProposalResponse, Status, Vote};
use serde::Serialize;

use super::authority::Intent;
use super::deploy::{migrate, send_recorded, settle_pending};
use super::{intent, Context, TxSummary};
use crate::chain::TxRequest;
use crate::contracts::multisig::MultisigClient;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::state::{LockMode, TxEffects, UpgradeKind};
use crate::ui::Report;

/// Flags of every `multisig` subcommand.
#[derive(Debug, Clone, Args)]
pub struct MultisigArgs {
    /// Address of the cw3 multisig.
    #[arg(long, env = "LUCKEE_MULTISIG", value_name = "ADDRESS")]
    pub multisig: String,
}

/// `luckee multisig …`
#[derive(Debug, Subcommand)]
pub enum MultisigCommand {
    /// Every proposal: id, status, expiry, title.
    List,
    /// One proposal: status, votes against the threshold, and each message in luckee's words.
    Show {
        /// Proposal id.
        id: u64,
    },
    /// Vote on a proposal, signed by a voter's key (--mnemonic-file / LUCKEE_MNEMONIC), or
    /// with --generate-only --from VOTER printed unsigned for `luckee tx sign`.
    Vote {
        /// Proposal id.
        id: u64,
        /// yes, no or abstain.
        vote: VoteArg,
        /// Offline signing.
        #[command(flatten)]
        offline: GenerateArgs,
    },
    /// Execute a passed proposal (any key may).
    Execute {
        /// Proposal id.
        id: u64,
        /// Offline signing.
        #[command(flatten)]
        offline: GenerateArgs,
    },
}

/// `--generate-only [--from ADDRESS]`: for a voter whose key stays on another machine.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// Check and simulate as usual, then print the unsigned tx (wasmd's JSON) on stdout
    /// instead of signing it: sign it with `luckee tx sign FILE` (or `wasmd tx sign`) where
    /// the key is, send it with `luckee tx broadcast FILE`.
    #[arg(long)]
    pub generate_only: bool,
    /// With --generate-only: the address that will sign (default: the key's address).
    #[arg(long, value_name = "ADDRESS", requires = "generate_only")]
    pub from: Option<String>,
}

/// Who signs: `--from`, else the key's address (exit 2 when neither is given).
fn signer_address(ctx: &Context, offline: &GenerateArgs) -> Result<String> {
    match &offline.from {
        Some(a) => {
            ctx.net.check_address("--from", a)?;
            Ok(a.clone())
        }
        None => Ok(ctx
            .signer()
            .map_err(|e| {
                Error::usage(format!(
                    "{e} (with --generate-only, name the signer with --from ADDRESS instead)"
                ))
            })?
            .address
            .to_string()),
    }
}

/// A vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VoteArg {
    /// In favour.
    Yes,
    /// Against.
    No,
    /// Counted for the quorum only.
    Abstain,
}

impl From<VoteArg> for Vote {
    fn from(v: VoteArg) -> Vote {
        match v {
            VoteArg::Yes => Vote::Yes,
            VoteArg::No => Vote::No,
            VoteArg::Abstain => Vote::Abstain,
        }
    }
}

/// Refuses a vote the contract would refuse (pure): exit 7 when `weight` is `None` (not a
/// voter), exit 8 when the proposal is executed or closed, or expired at `block`.
pub fn check_vote(
    p: &ProposalResponse,
    voter: &str,
    weight: Option<u64>,
    block: &BlockInfo,
) -> Result<()> {
    if weight.is_none() {
        return Err(Error::NotVoter(format!(
            "nothing sent: {voter} is not a voter of this multisig: use a voter's key (--mnemonic-file / LUCKEE_MNEMONIC); `luckee multisig show {}` lists who voted",
            p.id
        )));
    }
    if ![Status::Open, Status::Passed, Status::Rejected].contains(&p.status) {
        return Err(Error::Proposal(format!(
            "nothing sent: proposal {} is {}: it takes no more votes",
            p.id,
            status_name(p.status)
        )));
    }
    if p.expires.is_expired(block) {
        return Err(Error::Proposal(format!(
            "nothing sent: proposal {} expired ({}): it takes no more votes",
            p.id,
            expiry(&p.expires)
        )));
    }
    Ok(())
}

/// Refuses an execute the contract would refuse (pure): exit 8 unless the proposal passed.
pub fn check_execute(p: &ProposalResponse) -> Result<()> {
    if p.status != Status::Passed {
        let hint = match p.status {
            Status::Open => ": it needs more yes votes (`luckee multisig show` counts them)",
            Status::Executed => ": it was already executed",
            _ => "",
        };
        return Err(Error::Proposal(format!(
            "nothing sent: proposal {} is {}, not passed{hint}",
            p.id,
            status_name(p.status)
        )));
    }
    Ok(())
}

/// When voting ends, readable: `height H`, an RFC 3339 UTC time, or `never` (pure).
pub fn expiry(e: &Expiration) -> String {
    match e {
        Expiration::AtHeight(h) => format!("height {h}"),
        Expiration::AtTime(t) => crate::clock::rfc3339(t.seconds() as i64),
        Expiration::Never {} => "never".into(),
    }
}

pub(crate) fn status_name(s: Status) -> &'static str {
    match s {
        Status::Pending => "pending",
        Status::Open => "open",
        Status::Rejected => "rejected",
        Status::Passed => "passed",
        Status::Executed => "executed",
    }
}

/// One proposal message in luckee's words (pure): `names` maps the deployment's addresses to
/// their contract names; the multisig is the sender of every message it dispatches.
pub fn describe(msg: &CosmosMsg, multisig: &str, names: &[(String, String)]) -> String {
    let name = |addr: &str| {
        if addr == multisig {
            return format!("this multisig ({addr})");
        }
        names
            .iter()
            .find(|(a, _)| a == addr)
            .map(|(_, n)| format!("{n} ({addr})"))
            .unwrap_or_else(|| addr.to_string())
    };
    let text = |b: &cosmwasm_std::Binary| String::from_utf8_lossy(b.as_slice()).into_owned();
    match msg {
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr,
            msg,
            funds,
        }) => {
            let funds: Vec<String> = funds.iter().map(|c| c.to_string()).collect();
            let funds = if funds.is_empty() {
                String::new()
            } else {
                format!(" with {}", funds.join(","))
            };
            format!("execute {}: {}{funds}", name(contract_addr), text(msg))
        }
        CosmosMsg::Wasm(WasmMsg::Migrate {
            contract_addr,
            new_code_id,
            msg,
        }) => format!(
            "migrate {} to code {new_code_id} with {}",
            name(contract_addr),
            text(msg)
        ),
        CosmosMsg::Wasm(WasmMsg::UpdateAdmin {
            contract_addr,
            admin,
        }) => format!(
            "set the chain-level admin of {} to {}",
            name(contract_addr),
            name(admin)
        ),
        CosmosMsg::Wasm(WasmMsg::ClearAdmin { contract_addr }) => {
            format!("clear the chain-level admin of {}", name(contract_addr))
        }
        other => format!(
            "not decoded (luckee never proposes it): {}",
            serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}"))
        ),
    }
}

/// One line of `multisig list`.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalLine {
    /// Proposal id.
    pub id: u64,
    /// `open`, `passed`, `rejected`, `executed`, `pending`.
    pub status: &'static str,
    /// When voting ends (block height or time, as cw-utils prints it).
    pub expires: String,
    /// Title.
    pub title: String,
    /// Who proposed it.
    pub proposer: String,
}

/// Result of `multisig list`.
#[derive(Debug, Clone, Serialize)]
pub struct ListReport {
    /// The multisig.
    pub multisig: String,
    /// Its threshold, as cw3 describes it (JSON).
    pub threshold: serde_json::Value,
    /// Every proposal, oldest first.
    pub proposals: Vec<ProposalLine>,
}

impl Report for ListReport {
    fn text(&self) -> String {
        let mut out = format!(
            "multisig {} (threshold {})\n",
            self.multisig, self.threshold
        );
        if self.proposals.is_empty() {
            out += "no proposal\n";
        }
        for p in &self.proposals {
            out += &format!(
                "{:>4}  {:<9} {:<28} {}\n",
                p.id, p.status, p.expires, p.title
            );
        }
        out
    }
}

/// Result of `multisig show`.
#[derive(Debug, Clone, Serialize)]
pub struct ShowReport {
    /// The multisig.
    pub multisig: String,
    /// Proposal id.
    pub id: u64,
    /// Title and description.
    pub title: String,
    /// Description.
    pub description: String,
    /// Status now.
    pub status: &'static str,
    /// Expiry.
    pub expires: String,
    /// Who proposed it.
    pub proposer: String,
    /// The threshold that applies to it (JSON).
    pub threshold: serde_json::Value,
    /// `(voter, vote, weight)` of every vote cast.
    pub votes: Vec<(String, String, u64)>,
    /// Each message in luckee's words.
    pub messages: Vec<String>,
    /// The messages as the proposal holds them (cw3 `CosmosMsg` JSON).
    pub raw: serde_json::Value,
}

impl Report for ShowReport {
    fn text(&self) -> String {
        let mut out = format!(
            "proposal {} of {}: {}\nstatus {}, expires {}, proposed by {}\nthreshold {}\n",
            self.id,
            self.multisig,
            self.title,
            self.status,
            self.expires,
            self.proposer,
            self.threshold
        );
        if !self.description.is_empty() {
            out += &format!("{}\n", self.description);
        }
        out += "votes:\n";
        for (voter, vote, weight) in &self.votes {
            out += &format!("  {vote:<8} {voter} (weight {weight})\n");
        }
        out += "messages:\n";
        for (i, m) in self.messages.iter().enumerate() {
            out += &format!("  {}. {m}\n", i + 1);
        }
        out
    }
}

/// Result of `multisig vote` / `execute`.
#[derive(Debug, Clone, Serialize)]
pub struct ActReport {
    /// The multisig.
    pub multisig: String,
    /// Proposal id.
    pub id: u64,
    /// `vote yes`, `vote no`, `vote abstain` or `execute`.
    pub action: String,
    /// Status after the tx (or now, with --dry-run).
    pub status: &'static str,
    /// The tx.
    #[serde(flatten)]
    pub tx: TxSummary,
    /// The command behind the proposal (its intent line), and after `execute` its
    /// post-checks.
    pub notes: Vec<String>,
}

impl Report for ActReport {
    fn text(&self) -> String {
        let mut out = format!(
            "{} on proposal {} of {}: status {}\n",
            self.action, self.id, self.multisig, self.status
        );
        if let Some(l) = self.tx.line() {
            out += &format!("{l}\n");
        }
        out += &crate::ui::notes_text(&self.notes);
        out
    }
}

fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Runs one `multisig` subcommand.
pub async fn run(ctx: &Context, args: &MultisigArgs, cmd: MultisigCommand) -> Result<()> {
    let prefix = &ctx.net.bech32_prefix;
    match args.multisig.parse::<cosmrs::AccountId>() {
        Ok(a) if a.prefix() == prefix.as_str() => {}
        _ => {
            return Err(Error::usage(format!(
                "--multisig {}: not a bech32 address with prefix {prefix}",
                args.multisig
            )))
        }
    }
    let client = ctx.connect().await?;
    let ms = MultisigClient::new(&client, args.multisig.clone());
    let threshold = ms.threshold().await?;
    match cmd {
        MultisigCommand::List => {
            let proposals = ms
                .proposals()
                .await?
                .into_iter()
                .map(|p| ProposalLine {
                    id: p.id,
                    status: status_name(p.status),
                    expires: expiry(&p.expires),
                    title: p.title,
                    proposer: p.proposer.to_string(),
                })
                .collect();
            ctx.print(&ListReport {
                multisig: ms.address.clone(),
                threshold: json(&threshold),
                proposals,
            });
            Ok(())
        }
        MultisigCommand::Show { id } => {
            let p = ms.proposal(id).await?;
            let names = deployment_names(ctx);
            let votes = ms
                .votes(id)
                .await?
                .votes
                .into_iter()
                .map(|v| (v.voter, format!("{:?}", v.vote).to_lowercase(), v.weight))
                .collect();
            ctx.print(&ShowReport {
                multisig: ms.address.clone(),
                id,
                messages: p
                    .msgs
                    .iter()
                    .map(|m| describe(m, &ms.address, &names))
                    .collect(),
                raw: json(&p.msgs),
                title: p.title,
                description: p.description,
                status: status_name(p.status),
                expires: expiry(&p.expires),
                proposer: p.proposer.to_string(),
                threshold: json(&p.threshold),
                votes,
            });
            Ok(())
        }
        MultisigCommand::Vote { id, vote, offline } => {
            let me = signer_address(ctx, &offline)?;
            let p = ms.proposal(id).await?;
            let weight = ms.weight(&me).await?;
            let status = client.status().await?;
            let block = BlockInfo {
                height: status.height,
                time: Timestamp::from_seconds(status.latest_block_time.max(0) as u64),
                chain_id: ctx.net.chain_id.clone(),
            };
            check_vote(&p, &me, weight, &block)?;
            let intent = Intent::parse(&p.description);
            let mut notes = Vec::new();
            match &intent {
                // Only a yes vote is refused on a stale proposal: voting no on it is the fix.
                Some(i) if vote == VoteArg::Yes => {
                    intent::check_current(ctx, &client, i, &ms.address, &p.msgs).await?;
                    notes.push(format!(
                        "made by `{}`: its messages are what luckee would send now",
                        i.command_line()
                    ));
                }
                Some(_) => {}
                None => notes.push(
                    "not made by luckee (no intent line): compare its messages by hand (`luckee multisig show`)".into(),
                ),
            }
            let msg = ExecuteMsg::Vote {
                proposal_id: id,
                vote: vote.into(),
            };
            let action = format!("vote {}", format!("{vote:?}").to_lowercase());
            if offline.generate_only {
                return generate(ctx, &client, &ms, &me, (id, &msg), &action).await;
            }
            let signer = ctx.signer()?;
            act(ctx, &client, &ms, &signer, (id, &msg), action, notes).await
        }
        MultisigCommand::Execute { id, offline } => {
            let p = ms.proposal(id).await?;
            check_execute(&p)?;
            let msg = ExecuteMsg::Execute { proposal_id: id };
            let intent = Intent::parse(&p.description);
            if offline.generate_only {
                if let Some(Intent::Upgrade { .. }) = intent {
                    return Err(Error::usage(format!(
                        "proposal {id} is an upgrade: its execute records the history and runs the post-upgrade checks, so run `luckee multisig execute {id}` (any funded key) in the deployment's directory, not offline"
                    )));
                }
                let me = signer_address(ctx, &offline)?;
                return generate(ctx, &client, &ms, &me, (id, &msg), "execute").await;
            }
            let signer = ctx.signer()?;
            let deployed = super::plan::recorded_deployment(ctx)?.is_some();
            let notes = match intent {
                Some(intent) if deployed => {
                    // Checked again: the plan or the chain may have changed since the votes.
                    intent::check_current(ctx, &client, &intent, &ms.address, &p.msgs).await?;
                    if !ctx.dry_run {
                        return execute_checked(ctx, &client, &ms, &signer, id, &msg, intent)
                            .await;
                    }
                    vec![format!(
                        "made by `{}`: its messages are what luckee would send now",
                        intent.command_line()
                    )]
                }
                _ => vec!["no post-checks: the proposal has no luckee intent line, or no deployment state file is here".into()],
            };
            act(
                ctx,
                &client,
                &ms,
                &signer,
                (id, &msg),
                "execute".into(),
                notes,
            )
            .await
        }
    }
}

/// `--generate-only`: simulates `msg` from `from` (a throw-away key stands in for the
/// signature: simulation does not verify it) and prints the unsigned tx, with the gas limit
/// and fee of the estimate, on stdout; on stderr the account number and sequence to sign with.
async fn generate(
    ctx: &Context,
    client: &crate::chain::ChainClient,
    ms: &MultisigClient<'_>,
    from: &str,
    (id, msg): (u64, &ExecuteMsg),
    action: &str,
) -> Result<()> {
    let req = request(ms, from, (id, msg), action)?;
    let acct = client.account(from).await?.ok_or_else(|| {
        Error::chain(format!(
            "account {from} does not exist on {} (never funded): it cannot pay the fee",
            ctx.net.chain_id
        ))
    })?;
    let stand_in = crate::keys::Signer::from_key(
        cosmrs::crypto::secp256k1::SigningKey::random(),
        &ctx.net.bech32_prefix,
    )
    .map_err(Error::usage)?;
    let est = client.estimate(&stand_in, acct, &req).await?;
    let tx = crate::chain::offline::unsigned(
        &req.msgs,
        &req.memo,
        est.gas_limit,
        est.fee,
        &ctx.net.gas_price.denom,
    )?;
    println!(
        "{}",
        serde_json::to_string(&tx).map_err(|e| Error::usage(format!("tx JSON: {e}")))?
    );
    eprintln!(
        "unsigned: sign it where {from}'s key is with `luckee tx sign FILE` (offline: add --account-number {} --sequence {}), then `luckee tx broadcast SIGNED_FILE`",
        acct.account_number, acct.sequence
    );
    Ok(())
}

/// Executes proposal `id` recorded like any of luckee's txs (for an upgrade with its history
/// entries), then runs the post-checks of the command behind it ([`intent::after_execute`];
/// an upgrade's post-upgrade checks print the upgrade report, exit 1 when one fails).
async fn execute_checked(
    ctx: &Context,
    client: &crate::chain::ChainClient,
    ms: &MultisigClient<'_>,
    signer: &crate::keys::Signer,
    id: u64,
    msg: &ExecuteMsg,
    intent: Intent,
) -> Result<()> {
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    let mut notes = settle_pending(false, client, &mut store, &mut state).await?;
    let req = request(ms, signer.address.as_ref(), (id, msg), "execute")?;
    let migrates = match &intent {
        Intent::Upgrade { migrates, .. } => migrates.clone(),
        _ => vec![],
    };
    let upgrade = !migrates.is_empty();
    // The upgrade's post-checks compare with the contracts just before the execute (the
    // proposal's backup may be a voting period old: a pause since is no regression).
    let mut befores = Vec::new();
    for m in &migrates {
        if let Some(address) = state.address_of(m.contract) {
            let ft = state.address_of(ContractKind::Ft);
            befores.push((
                m.contract,
                migrate::snapshot(client, m.contract, address, ft).await?,
            ));
        }
    }
    let o = send_recorded(
        client,
        signer,
        &mut store,
        &mut state,
        &req,
        TxEffects {
            migrates,
            ..Default::default()
        },
    )
    .await?;
    if let Intent::Upgrade { kind, .. } = &intent {
        if upgrade {
            let kind = match kind.as_str() {
                "rollback" => UpgradeKind::Rollback,
                _ => UpgradeKind::Migrate,
            };
            let note = format!(
                "executed proposal {id} of multisig {} in tx {} at height {}",
                ms.address, o.hash, o.height
            );
            return migrate::check_executed(
                ctx,
                client,
                (&mut store, &mut state),
                (kind, &o.hash),
                note,
                befores,
            )
            .await;
        }
    }
    notes.push(format!("made by `{}`", intent.command_line()));
    notes.extend(
        intent::after_execute(
            ctx,
            client,
            &mut store,
            &mut state,
            &intent,
            &ms.address,
            o.height,
        )
        .await?,
    );
    ctx.print(&ActReport {
        multisig: ms.address.clone(),
        id,
        action: "execute".into(),
        status: status_name(ms.proposal(id).await?.status),
        tx: TxSummary {
            tx: Some(o.hash),
            height: Some(o.height),
            gas_used: Some(o.gas_used),
            ..Default::default()
        },
        notes,
    });
    Ok(())
}

/// The tx of `msg` (a vote or execute of proposal `id`) to the multisig, sent by `sender`,
/// memo `luckee multisig ACTION ID`.
fn request(
    ms: &MultisigClient<'_>,
    sender: &str,
    (id, msg): (u64, &ExecuteMsg),
    action: &str,
) -> Result<TxRequest> {
    Ok(TxRequest {
        msgs: vec![ms.execute(sender, msg)?],
        memo: format!("luckee multisig {action} {id}"),
        tags: vec!["multisig".into()],
    })
}

/// Sends (or with --dry-run simulates) `msg` to the multisig and reports the proposal's
/// status afterwards.
async fn act(
    ctx: &Context,
    client: &crate::chain::ChainClient,
    ms: &MultisigClient<'_>,
    signer: &crate::keys::Signer,
    (id, msg): (u64, &ExecuteMsg),
    action: String,
    notes: Vec<String>,
) -> Result<()> {
    let req = request(ms, signer.address.as_ref(), (id, msg), &action)?;
    let mut tx = TxSummary::default();
    if ctx.dry_run {
        tx.dry_run = Some(client.estimate_fresh(signer, &req).await?);
    } else {
        let o = client.send(signer, &req, &mut |_| Ok(())).await?;
        tx.tx = Some(o.hash);
        tx.height = Some(o.height);
        tx.gas_used = Some(o.gas_used);
    }
    let status = status_name(ms.proposal(id).await?.status);
    ctx.print(&ActReport {
        multisig: ms.address.clone(),
        id,
        action,
        status,
        tx,
        notes,
    });
    Ok(())
}

/// `(address, contract name)` of the deployment recorded in the state dir, if any.
fn deployment_names(ctx: &Context) -> Vec<(String, String)> {
    let dir = ctx.cwd.join(&ctx.plan.state_dir);
    let Ok(Some(state)) = crate::state::read_snapshot(&dir, &ctx.net.chain_id) else {
        return vec![];
    };
    ContractKind::ALL
        .iter()
        .filter_map(|k| Some((state.address_of(*k)?.to_string(), k.name().to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{to_json_binary, Addr};
    use luckee_multisig::msg::ThresholdResponse;

    fn proposal(status: Status, expires: Expiration) -> ProposalResponse {
        ProposalResponse {
            id: 4,
            title: "t".into(),
            description: String::new(),
            msgs: vec![],
            status,
            expires,
            threshold: ThresholdResponse::AbsoluteCount {
                weight: 2,
                total_weight: 3,
            },
            proposer: Addr::unchecked("wasm1a"),
            deposit: None,
        }
    }

    fn block(height: u64) -> BlockInfo {
        BlockInfo {
            height,
            time: Timestamp::from_seconds(1_000),
            chain_id: "c".into(),
        }
    }

    #[test]
    fn votes_follow_the_contracts_rules() {
        let open = proposal(Status::Open, Expiration::AtHeight(100));
        assert!(check_vote(&open, "wasm1v", Some(1), &block(50)).is_ok());
        assert_eq!(
            check_vote(&open, "wasm1x", None, &block(50))
                .unwrap_err()
                .exit_code(),
            7
        );
        assert_eq!(
            check_vote(&open, "wasm1v", Some(1), &block(100))
                .unwrap_err()
                .exit_code(),
            8
        );
        let at_time = proposal(
            Status::Passed,
            Expiration::AtTime(Timestamp::from_seconds(999)),
        );
        assert_eq!(
            check_vote(&at_time, "wasm1v", Some(1), &block(1))
                .unwrap_err()
                .exit_code(),
            8
        );
        for s in [Status::Executed, Status::Pending] {
            let p = proposal(s, Expiration::Never {});
            assert_eq!(
                check_vote(&p, "wasm1v", Some(1), &block(1))
                    .unwrap_err()
                    .exit_code(),
                8
            );
        }
        // A passed or rejected proposal still takes votes until it expires (cw3's rule).
        for s in [Status::Passed, Status::Rejected] {
            assert!(check_vote(
                &proposal(s, Expiration::Never {}),
                "wasm1v",
                Some(1),
                &block(1)
            )
            .is_ok());
        }
    }

    #[test]
    fn only_a_passed_proposal_executes() {
        assert!(check_execute(&proposal(Status::Passed, Expiration::Never {})).is_ok());
        for s in [
            Status::Open,
            Status::Rejected,
            Status::Executed,
            Status::Pending,
        ] {
            let e = check_execute(&proposal(s, Expiration::Never {})).unwrap_err();
            assert_eq!(e.exit_code(), 8, "{s:?}");
        }
        let e = check_execute(&proposal(Status::Executed, Expiration::Never {})).unwrap_err();
        assert!(e.to_string().contains("already executed"), "{e}");
    }

    #[test]
    fn messages_read_in_luckee_words() {
        let names = vec![("wasm1inc".to_string(), "luckee_incentive".to_string())];
        let pause: CosmosMsg = WasmMsg::Execute {
            contract_addr: "wasm1inc".into(),
            msg: to_json_binary(&serde_json::json!({"emergency_pause": {"paused": false}}))
                .unwrap(),
            funds: vec![],
        }
        .into();
        assert_eq!(
            describe(&pause, "wasm1ms", &names),
            r#"execute luckee_incentive (wasm1inc): {"emergency_pause":{"paused":false}}"#
        );
        let migrate: CosmosMsg = WasmMsg::Migrate {
            contract_addr: "wasm1inc".into(),
            new_code_id: 9,
            msg: to_json_binary(&serde_json::json!({})).unwrap(),
        }
        .into();
        assert_eq!(
            describe(&migrate, "wasm1ms", &names),
            "migrate luckee_incentive (wasm1inc) to code 9 with {}"
        );
        let admin: CosmosMsg = WasmMsg::UpdateAdmin {
            contract_addr: "wasm1other".into(),
            admin: "wasm1ms".into(),
        }
        .into();
        assert_eq!(
            describe(&admin, "wasm1ms", &names),
            "set the chain-level admin of wasm1other to this multisig (wasm1ms)"
        );
        let own: CosmosMsg = WasmMsg::Migrate {
            contract_addr: "wasm1ms".into(),
            new_code_id: 3,
            msg: to_json_binary(&serde_json::json!({})).unwrap(),
        }
        .into();
        assert_eq!(
            describe(&own, "wasm1ms", &names),
            "migrate this multisig (wasm1ms) to code 3 with {}"
        );
        assert_eq!(expiry(&Expiration::AtHeight(7)), "height 7");
        assert_eq!(
            expiry(&Expiration::AtTime(Timestamp::from_seconds(1_795_501_800))),
            "2026-11-24T06:30:00Z"
        );
        assert_eq!(expiry(&Expiration::Never {}), "never");
        let bank: CosmosMsg = cosmwasm_std::BankMsg::Burn { amount: vec![] }.into();
        assert!(describe(&bank, "wasm1ms", &names).starts_with("not decoded"));
    }
}
