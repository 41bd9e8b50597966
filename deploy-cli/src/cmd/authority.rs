//! Who may send what an admin command builds, and how luckee's signer exercises that right
//! (issue 15).
//!
//! Every admin command (`apply`, `ops pause|resume|withdraw|admin`, `deploy migrate|rollback`)
//! knows which address holds the role its messages need: the incentive's `admin`, a
//! chain-level admin, the registry's admin, a pending admin. [`route`] decides:
//! * the holder is the signer → [`Route::Direct`]: the command signs and sends its messages;
//! * the holder is a cw3 multisig and the signer one of its voters → [`Route::Multisig`]: the
//!   command builds the **same** messages with the multisig as their sender, and
//!   [`Send::submit`] wraps them into one cw3 `propose` (title, a description listing each
//!   message in luckee's words and ending with the [`Intent`] line, the exact `CosmosMsg`s)
//!   signed by the voter; the report prints the proposal id and what voters run next;
//! * the holder is a multisig the signer is not a voter of → exit 7, nothing sent;
//! * anything else → `None`: the command refuses with its own exit-2 message.
//!
//! The [`Intent`] line (`luckee-intent: {json}`) records which command with which arguments
//! made the proposal. `luckee multisig vote ID yes` rebuilds what that command would send now
//! and refuses a proposal whose messages differ (exit 9); `luckee multisig execute ID` runs
//! the command's own post-checks after the proposal executed.

use cosmrs::Any;
use cosmwasm_std::CosmosMsg;
use serde::{Deserialize, Serialize};

use super::{Send, TxSummary};
use crate::chain::cosmos_msg::to_cosmos_msg;
use crate::chain::{ChainClient, TxOutcome, TxRequest};
use crate::contracts::multisig::MultisigClient;

use crate::error::{Error, Result};
use crate::state::PendingMigrate;

/// How the signer exercises a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The signer holds it: sign and send.
    Direct,
    /// A cw3 multisig holds it and the signer is one of its voters: propose.
    Multisig {
        /// The multisig's address (the sender of the proposal's messages).
        address: String,
        /// The signer's voting weight.
        weight: u64,
    },
}

impl Route {
    /// The sender of the command's messages: the signer `me`, or the multisig.
    pub fn sender<'a>(&'a self, me: &'a str) -> &'a str {
        match self {
            Route::Direct => me,
            Route::Multisig { address, .. } => address,
        }
    }
}

/// Who holds a command's roles, as [`holders_of`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holders {
    /// Every role is the signer's (or there is none).
    Signer,
    /// One address other than the signer holds every role.
    One(String),
    /// Several holders, or the signer and another: one tx cannot exercise them all.
    Several,
}

/// The holder of every role in `holders` (one entry per message) from the signer `me`'s point
/// of view: a proposal cannot carry messages the signer must send itself. Pure.
pub fn holders_of(holders: &[String], me: &str) -> Holders {
    let mut others: Vec<&String> = holders.iter().filter(|h| h.as_str() != me).collect();
    others.sort();
    others.dedup();
    match (others.len(), holders.iter().all(|h| h != me)) {
        (0, _) => Holders::Signer,
        (1, true) => Holders::One(others[0].clone()),
        _ => Holders::Several,
    }
}

/// Decides how the signer `me` exercises the roles held by `holders` (one entry per message,
/// duplicates allowed; see the module docs). `None`: the signer cannot (the caller refuses
/// with exit 2 naming the roles).
///
/// Source: the cw3 `threshold` query (is the holder a multisig?) and `voter {address: me}`.
/// Errors: exit 7 when the holder is a multisig and `me` is not its voter; exit 4 when the
/// node cannot be reached.
pub async fn route(client: &ChainClient, holders: &[String], me: &str) -> Result<Option<Route>> {
    let holder = match holders_of(holders, me) {
        Holders::Signer => return Ok(Some(Route::Direct)),
        Holders::One(h) => h,
        Holders::Several => return Ok(None),
    };
    // Only a contract can be a multisig; a plain account answers no smart query.
    if holder.is_empty() || client.contract_info(&holder).await?.is_none() {
        return Ok(None);
    }
    let ms = MultisigClient::new(client, holder.clone());
    match ms.threshold_at(None).await {
        Ok(_) => {}
        // An unreachable node is exit 4, not "not a multisig".
        Err(e @ Error::Network(_)) => return Err(e),
        Err(_) => return Ok(None),
    }
    match ms.weight(me).await? {
        Some(weight) if weight > 0 => Ok(Some(Route::Multisig {
            address: holder,
            weight,
        })),
        _ => Err(Error::NotVoter(format!(
            "nothing sent: the role is held by the multisig {holder}, and the signer {me} is not one of its voters (use a voter's key with --mnemonic-file)"
        ))),
    }
}

/// First characters of the description line that records a proposal's [`Intent`].
pub const INTENT_PREFIX: &str = "luckee-intent: ";

/// The command (with its arguments) that made a proposal: stored as the last line of the cw3
/// proposal's description, JSON after [`INTENT_PREFIX`]. Fields hold exactly what the
/// command needs to rebuild its messages (addresses bech32, amounts in base units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Intent {
    /// `luckee apply [--prune]`.
    Apply {
        /// `--prune`.
        prune: bool,
    },
    /// `luckee ops pause` (`paused = true`) / `luckee ops resume` (`false`).
    EmergencyPause {
        /// The requested flag.
        paused: bool,
        /// The incentive it was made for (`--contract`, or the state file's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contract: Option<String>,
    },
    /// `luckee ops withdraw`.
    Withdraw {
        /// `native` or `cw20`.
        kind: String,
        /// The denom, or the cw20 contract.
        asset: String,
        /// Base units.
        amount: String,
        /// Recipient.
        to: String,
        /// The incentive it was made for (`--contract`, or the state file's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contract: Option<String>,
    },
    /// `luckee ops admin propose ADDRESS [--chain-admin [--all-contracts]]`.
    AdminPropose {
        /// The new admin.
        address: String,
        /// `--chain-admin`.
        chain_admin: bool,
        /// `--all-contracts`.
        all_contracts: bool,
        /// The incentive it was made for (`--contract`, or the state file's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contract: Option<String>,
    },
    /// `luckee ops admin accept`.
    AdminAccept {
        /// The incentive it was made for (`--contract`, or the state file's).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contract: Option<String>,
    },
    /// `luckee deploy migrate` / `rollback`: each contract's move, with everything its history
    /// entry and post-upgrade checks need (codes, the verified pre-upgrade backup), recorded
    /// in the state file when the proposal executes.
    Upgrade {
        /// `migrate` or `rollback`.
        kind: String,
        /// One per migrate message, in message order.
        migrates: Vec<PendingMigrate>,
    },
}

impl Intent {
    /// The command line an operator would type, e.g. `luckee apply --prune`.
    pub fn command_line(&self) -> String {
        match self {
            Intent::Apply { prune } => {
                format!("luckee apply{}", if *prune { " --prune" } else { "" })
            }
            Intent::EmergencyPause { paused: true, .. } => "luckee ops pause".into(),
            Intent::EmergencyPause { paused: false, .. } => "luckee ops resume".into(),
            Intent::Withdraw {
                kind,
                asset,
                amount,
                to,
                ..
            } => format!("luckee ops withdraw --{kind} {asset} {amount} --to {to}"),
            Intent::AdminPropose {
                address,
                chain_admin,
                all_contracts,
                ..
            } => format!(
                "luckee ops admin propose {address}{}{}",
                if *chain_admin { " --chain-admin" } else { "" },
                if *all_contracts {
                    " --all-contracts"
                } else {
                    ""
                }
            ),
            Intent::AdminAccept { .. } => "luckee ops admin accept".into(),
            Intent::Upgrade { kind, migrates } => format!(
                "luckee deploy {kind} {}",
                migrates
                    .iter()
                    .map(|m| format!("--contract {}", m.contract))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The incentive an ops intent was made for, if it recorded one.
    pub fn contract(&self) -> Option<&str> {
        match self {
            Intent::EmergencyPause { contract, .. }
            | Intent::Withdraw { contract, .. }
            | Intent::AdminPropose { contract, .. }
            | Intent::AdminAccept { contract } => contract.as_deref(),
            Intent::Apply { .. } | Intent::Upgrade { .. } => None,
        }
    }

    /// The proposal description: `what` (one line per message, in luckee's words), a blank
    /// line, then the intent line.
    pub fn description(&self, what: &[String]) -> String {
        let mut out: String = what.iter().map(|w| format!("- {w}\n")).collect();
        out.push('\n');
        out.push_str(INTENT_PREFIX);
        out.push_str(&serde_json::to_string(self).expect("intents serialize"));
        out
    }

    /// The intent recorded in a proposal `description`, if luckee wrote it. Pure.
    pub fn parse(description: &str) -> Option<Intent> {
        description
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(INTENT_PREFIX))
            .and_then(|json| serde_json::from_str(json).ok())
    }
}

/// A proposal an admin command made instead of sending its messages.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalRef {
    /// The multisig.
    pub multisig: String,
    /// The proposal id (from the `wasm` event's `proposal_id`); `None` in a dry run.
    pub id: Option<u64>,
    /// Its status after the propose tx (`open`, or `passed` when the proposer's weight meets
    /// the threshold).
    pub status: String,
    /// The messages it carries, in luckee's words.
    pub messages: Vec<String>,
}

impl ProposalRef {
    /// What the voters run next.
    pub fn next_steps(&self) -> String {
        match self.id {
            Some(id) => format!(
                "proposal {id} of multisig {} is {}: voters run `luckee multisig vote {id} yes`, then anyone runs `luckee multisig execute {id}` (LUCKEE_MULTISIG={})",
                self.multisig, self.status, self.multisig
            ),
            None => format!(
                "a proposal to multisig {} would carry these messages",
                self.multisig
            ),
        }
    }
}

/// Converts `msgs` (built with the multisig as sender) into the proposal's `CosmosMsg`s.
/// Errors: exit 2 for a message a proposal cannot carry ([`to_cosmos_msg`]).
pub fn proposal_msgs(msgs: &[Any]) -> Result<Vec<CosmosMsg>> {
    msgs.iter().map(to_cosmos_msg).collect()
}

impl Send<'_> {
    /// Sends `req` the way `route` says: [`Route::Direct`] → [`Send::send_or_simulate`]
    /// (the outcome is returned for the command's post-checks); [`Route::Multisig`] → one cw3
    /// `propose` to the multisig carrying `req`'s messages, titled with `intent`'s command
    /// line, described by `what` and the intent line, signed by the voter and recorded like
    /// any tx. A proposal returns no outcome: the command's post-checks run at
    /// `luckee multisig execute`. With `dry_run` the propose is only simulated.
    ///
    /// Errors: exit 2 for a message a proposal cannot carry, 3 if the multisig refuses the
    /// proposal, 4 when the tx is not included in time.
    pub async fn submit(
        &mut self,
        dry_run: bool,
        route: &Route,
        req: &TxRequest,
        intent: &Intent,
        what: &[String],
    ) -> Result<(TxSummary, Option<TxOutcome>)> {
        let Route::Multisig { address, .. } = route else {
            return self.send_or_simulate(dry_run, req, vec![], vec![]).await;
        };
        let ms = MultisigClient::new(self.client, address.clone());
        let propose = luckee_multisig::msg::ExecuteMsg::Propose {
            title: intent.command_line(),
            description: intent.description(what),
            msgs: proposal_msgs(&req.msgs)?,
            latest: None,
        };
        let signer = self.signer.address.to_string();
        let wrapped = TxRequest {
            msgs: vec![ms.execute(&signer, &propose)?],
            memo: format!("{} (multisig proposal)", req.memo),
            tags: vec!["propose".into()],
        };
        let (mut summary, outcome) = self
            .send_or_simulate(dry_run, &wrapped, vec![], vec![])
            .await?;
        let id = match &outcome {
            Some(o) => Some(
                o.event_attr("wasm", "proposal_id")
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| {
                        Error::chain(format!(
                            "tx {} landed but its events name no proposal_id",
                            o.hash
                        ))
                    })?,
            ),
            None => None,
        };
        let status = match id {
            Some(id) => super::multisig::status_name(ms.proposal(id).await?.status).to_string(),
            None => "not proposed (dry run)".into(),
        };
        summary.proposal = Some(ProposalRef {
            multisig: address.clone(),
            id,
            status,
            messages: what.to_vec(),
        });
        Ok((summary, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::ContractKind;
    use crate::state::CodeVersion;

    #[test]
    fn one_holder_other_than_the_signer_is_a_route() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(holders_of(&s(&["me", "me"]), "me"), Holders::Signer);
        assert_eq!(holders_of(&s(&[]), "me"), Holders::Signer);
        assert_eq!(
            holders_of(&s(&["ms", "ms"]), "me"),
            Holders::One("ms".into())
        );
        // A proposal cannot carry what the signer must send itself, nor two holders' messages.
        assert_eq!(holders_of(&s(&["ms", "me"]), "me"), Holders::Several);
        assert_eq!(holders_of(&s(&["ms", "other"]), "me"), Holders::Several);
        assert_eq!(Route::Direct.sender("me"), "me");
        let r = Route::Multisig {
            address: "ms".into(),
            weight: 1,
        };
        assert_eq!(r.sender("me"), "ms");
    }

    #[test]
    fn the_intent_line_round_trips_through_the_description() {
        let intents = [
            Intent::Apply { prune: true },
            Intent::EmergencyPause {
                paused: false,
                contract: Some("wasm1inc".into()),
            },
            Intent::Withdraw {
                kind: "native".into(),
                asset: "ustake".into(),
                amount: "5".into(),
                to: "wasm1to".into(),
                contract: None,
            },
            Intent::AdminPropose {
                address: "wasm1new".into(),
                chain_admin: true,
                all_contracts: false,
                contract: None,
            },
            Intent::AdminAccept { contract: None },
            Intent::Upgrade {
                kind: "migrate".into(),
                migrates: vec![PendingMigrate {
                    msg_index: 0,
                    contract: ContractKind::Incentive,
                    kind: crate::state::UpgradeKind::Migrate,
                    from: CodeVersion {
                        code_id: 1,
                        checksum: "aa".into(),
                        version: Some("0.1.0".into()),
                    },
                    to: CodeVersion {
                        code_id: 7,
                        checksum: "bb".into(),
                        version: None,
                    },
                    store_tx: None,
                    backup: Some("/b/x".into()),
                }],
            },
        ];
        for i in intents {
            let d = i.description(&["update_rules: ~game_win".into()]);
            assert!(
                d.starts_with("- update_rules: ~game_win\n\nluckee-intent: {"),
                "{d}"
            );
            assert_eq!(Intent::parse(&d), Some(i.clone()));
        }
        assert_eq!(
            Intent::Apply { prune: true }.command_line(),
            "luckee apply --prune"
        );
        assert_eq!(
            Intent::EmergencyPause {
                paused: false,
                contract: None
            }
            .command_line(),
            "luckee ops resume"
        );
        assert_eq!(Intent::parse("made by hand"), None);
        assert_eq!(Intent::parse("luckee-intent: {not json"), None);
    }
}
