//! The plan against the chain: what differs, and the messages that make the chain match.
//!
//! Everything here is pure (no I/O) and unit-tested without a chain:
//! * [`Snapshot`] — what the chain holds of everything the plan manages, read at one height by
//!   `cmd::plan::read_snapshot` through the typed clients (or, for contracts `deploy
//!   instantiate` is about to create, [`Snapshot::insert_new`] from their instantiate messages);
//! * [`Desired`] — the plan resolved against the deployment (addresses, default admins);
//! * [`plan_changes`] — the differences, one [`Change`] each, plus notes for operational state
//!   that is not drift (a paused contract, a pending admin handover);
//! * [`messages`] — the changes as messages of one atomic tx, in a safe order;
//! * [`authority_problems`] — which changes the signer may not make, checked before any fee is
//!   paid.
//!
//! Removals (rules, reporters, members on chain but not in the plan) are [`Change`]s with
//! [`Op::Remove`]; they are sent only with `--prune`.

use std::collections::{BTreeMap, BTreeSet};

use cosmrs::Any;
use luckee_types::incentive::{
    ExchangeRate, ExecuteMsg as IncentiveMsg, ReporterLimits, RewardRule,
};
use luckee_types::{ft, registry};
use serde::Serialize;

use crate::config::{Plan, ReporterPlan};
use crate::contracts::ft::Ft;
use crate::contracts::incentive::Incentive;
use crate::contracts::registry::Registry;
use crate::contracts::{execute_msg, update_admin_msg, update_label_msg, ContractKind};
use crate::error::Result;
use crate::state::DeploymentState;

/// Chain-level metadata of one contract (`ContractInfo`) that the plan manages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainMeta {
    /// Code id it runs.
    pub code_id: u64,
    /// Chain-level (migration) admin; empty = none.
    pub admin: String,
    /// Contract label.
    pub label: String,
}

/// A registered reporter as the plan sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reporter {
    /// Bech32 address.
    pub address: String,
    /// Label stored with the registration.
    pub label: Option<String>,
    /// The source its activities are marked under (its address on a v0.1.0 contract).
    pub source: String,
    /// Its rule and budget limits (unlimited on a v0.1.0 contract).
    pub limits: ReporterLimits,
}

/// The incentive's managed state (`get_config`, `get_rules`, `get_registered_contracts`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncentiveState {
    /// `get_config.admin`.
    pub admin: String,
    /// `get_config.pending_admin`.
    pub pending_admin: Option<String>,
    /// `get_config.ft_contract`.
    pub ft_contract: String,
    /// `get_config.registry_contract`.
    pub registry_contract: String,
    /// `get_config.config.enabled`.
    pub enabled: bool,
    /// `get_config.config.emergency_paused` (operational state, never drift).
    pub emergency_paused: bool,
    /// `get_config.config.exchange_rate`.
    pub exchange_rate: ExchangeRate,
    /// Every rule, id order.
    pub rules: Vec<RewardRule>,
    /// Every reporter, address order.
    pub reporters: Vec<Reporter>,
    /// `get_config.config.redeem_requires_membership` (true on a v0.1.0 answer).
    pub redeem_requires_membership: bool,
    /// Every pauser (`get_pausers`); `None` for a contract older than v0.2.0, which has none.
    pub pausers: Option<Vec<String>>,
}

/// The registry mock's managed state (`config`, `members`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryState {
    /// The registry's own admin (may register and unregister members).
    pub admin: String,
    /// Every member, address order.
    pub members: Vec<String>,
}

/// What the chain holds of everything the plan manages, at one height.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// Height every query was answered at (0 for a snapshot of contracts not created yet).
    pub height: u64,
    /// Chain-level metadata of each contract luckee deployed (absent: not on chain).
    pub contracts: BTreeMap<ContractKind, ChainMeta>,
    /// The incentive, if it exists.
    pub incentive: Option<IncentiveState>,
    /// The FT's cw20 minter: `None` not read (no FT), `Some(None)` the token has no minter.
    pub ft_minter: Option<Option<String>>,
    /// Our registry mock, if it exists (an `existing` registry is not managed).
    pub registry: Option<RegistryState>,
}

/// The plan resolved against one deployment: every value the chain should hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Desired {
    /// Address of each contract (deployed by luckee or `existing`).
    pub addresses: BTreeMap<ContractKind, String>,
    /// Contracts luckee deployed: their chain-level admin and label are managed.
    pub managed: BTreeSet<ContractKind>,
    /// Chain-level admin of every managed contract (`deploy.admin`).
    pub chain_admin: String,
    /// Label of each managed contract.
    pub labels: BTreeMap<ContractKind, String>,
    /// The incentive's `admin` (`deploy.incentive.admin`).
    pub incentive_admin: String,
    /// `config.enabled`.
    pub enabled: bool,
    /// `config.emergency_paused` at instantiate; afterwards only reported, never applied.
    pub emergency_paused: bool,
    /// `config.exchange_rate`; `None` = not managed (the contract's default stays).
    pub exchange_rate: Option<ExchangeRate>,
    /// Every rule.
    pub rules: Vec<RewardRule>,
    /// Every reporter.
    pub reporters: Vec<ReporterPlan>,
    /// Every pauser.
    pub pausers: Vec<String>,
    /// `config.redeem_requires_membership`; `None` = not managed.
    pub redeem_requires_membership: Option<bool>,
    /// Registry members; `None` when the registry is an `existing` contract (not managed).
    pub members: Option<Vec<String>>,
}

impl Desired {
    /// Resolves `plan` for the deployment recorded in `state` (contract addresses, external
    /// contracts). `default_admin` stands for every admin the plan leaves unset: the deployer
    /// recorded in the state file, or the signer for a first deployment.
    pub fn resolve(plan: &Plan, state: &DeploymentState, default_admin: &str) -> Desired {
        let mut addresses = BTreeMap::new();
        let mut managed = BTreeSet::new();
        for (kind, rec) in &state.contracts {
            addresses.insert(*kind, rec.address.clone());
            managed.insert(*kind);
        }
        for (kind, existing) in [
            (ContractKind::Ft, &plan.ft.existing),
            (ContractKind::Registry, &plan.registry.existing),
            (
                ContractKind::Multisig,
                &plan.multisig.as_ref().and_then(|m| m.existing.clone()),
            ),
        ] {
            if let Some(a) = existing {
                addresses.insert(kind, a.clone());
                managed.remove(&kind);
            }
        }
        let labels = ContractKind::ALL
            .into_iter()
            .map(|k| (k, plan.label_of(k).to_string()))
            .collect();
        Desired {
            addresses,
            managed,
            chain_admin: plan
                .admin
                .clone()
                .unwrap_or_else(|| default_admin.to_string()),
            labels,
            incentive_admin: plan
                .incentive
                .admin
                .clone()
                .unwrap_or_else(|| default_admin.to_string()),
            enabled: plan.incentive.enabled,
            emergency_paused: plan.incentive.emergency_paused,
            exchange_rate: plan.incentive.exchange_rate.clone(),
            rules: plan.incentive.rules.clone(),
            reporters: plan.incentive.reporters.clone(),
            pausers: plan.incentive.pausers.clone(),
            redeem_requires_membership: plan.incentive.redeem_requires_membership,
            members: plan
                .registry
                .existing
                .is_none()
                .then(|| plan.registry.members.clone()),
        }
    }

    /// Address of `kind`, if known.
    pub fn address(&self, kind: ContractKind) -> Option<&str> {
        self.addresses.get(&kind).map(String::as_str)
    }
}

/// Kind of a change: what `plan` prints in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// `+`: something the plan has and the chain lacks.
    Add,
    /// `~`: a value that differs.
    Change,
    /// `-`: something on chain the plan does not have (applied only with `--prune`).
    Remove,
}

impl Op {
    /// `+`, `~` or `-`.
    pub fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Change => '~',
            Op::Remove => '-',
        }
    }
}

/// What applying a change sends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// Incentive `update_rules {upsert: [rule]}`.
    UpsertRule {
        /// The rule as the plan has it.
        rule: RewardRule,
    },
    /// Incentive `update_rules {remove: [id]}`.
    RemoveRule {
        /// Rule id.
        id: String,
    },
    /// Incentive `update_config {enabled}`.
    Enabled {
        /// New value.
        enabled: bool,
    },
    /// Incentive `update_config {exchange_rate}`.
    ExchangeRate {
        /// New rate.
        rate: ExchangeRate,
    },
    /// Incentive `update_config {ft_contract}`.
    FtContract {
        /// New cw20 address.
        address: String,
    },
    /// Incentive `update_config {registry_contract}`.
    RegistryContract {
        /// New registry address.
        address: String,
    },
    /// Incentive `update_config {redeem_requires_membership}`.
    RedeemRequiresMembership {
        /// New value.
        required: bool,
    },
    /// Incentive `register_contract {address, label, source, limits}` (also changes a label
    /// or limits).
    RegisterReporter {
        /// Reporter address.
        address: String,
        /// Its label.
        label: Option<String>,
        /// Its source (`None`: the one it has, else its address).
        source: Option<String>,
        /// Its limits (`None`: unlimited).
        limits: Option<ReporterLimits>,
    },
    /// Incentive `update_pausers {add: [address]}`.
    AddPauser {
        /// Pauser address.
        address: String,
    },
    /// Incentive `update_pausers {remove: [address]}`.
    RemovePauser {
        /// Pauser address.
        address: String,
    },
    /// Incentive `unregister_contract {address}`.
    UnregisterReporter {
        /// Reporter address.
        address: String,
    },
    /// Registry `register_batch` (members are batched, at most `registry::MAX_BATCH` a message).
    AddMember {
        /// Member address.
        address: String,
    },
    /// Registry `unregister_batch`.
    RemoveMember {
        /// Member address.
        address: String,
    },
    /// FT cw20 `update_minter {new_minter: incentive}`, signed by the current minter.
    FtMinter {
        /// The incentive's address.
        minter: String,
    },
    /// Incentive `propose_admin {new_admin}` (first step of the handover).
    ProposeAdmin {
        /// The planned admin.
        new_admin: String,
    },
    /// Incentive `accept_admin {}`: only when the signer is the proposed (planned) admin.
    AcceptAdmin,
    /// `MsgUpdateContractLabel`.
    Label {
        /// New label.
        label: String,
    },
    /// `MsgUpdateAdmin` (chain-level admin).
    ChainAdmin {
        /// New chain-level admin.
        new_admin: String,
    },
}

/// One difference between the plan and the chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `+`, `~` or `-`.
    pub op: Op,
    /// The contract it concerns.
    pub contract: ContractKind,
    /// What differs, e.g. `rule game_win`, `config.enabled`, `reporter wasm1…`, `chain admin`.
    pub target: String,
    /// The chain's value (`None` for an addition).
    pub old: Option<String>,
    /// The plan's value (`None` for a removal).
    pub new: Option<String>,
    /// What applying it sends.
    pub action: Action,
}

impl Change {
    /// Whether this is a removal (applied only with `--prune`).
    pub fn is_prune(&self) -> bool {
        self.op == Op::Remove
    }

    /// One line: `~ luckee_incentive config.enabled: true → false`.
    pub fn line(&self) -> String {
        let value = match (&self.old, &self.new) {
            (Some(o), Some(n)) => format!(": {o} → {n}"),
            (None, Some(n)) => format!(": {n}"),
            (Some(o), None) => format!(": {o}"),
            (None, None) => String::new(),
        };
        format!(
            "{} {} {}{value}",
            self.op.symbol(),
            self.contract,
            self.target
        )
    }
}

/// The differences and what is worth knowing but is not drift.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Every difference, in the order [`messages`] applies them.
    pub changes: Vec<Change>,
    /// Operational state and things the plan cannot change (a paused contract, a pending admin
    /// handover, an `existing` registry whose members are not managed).
    pub notes: Vec<String>,
}

impl Diff {
    /// The changes `apply` sends: all of them with `prune`, else all but the removals.
    pub fn to_apply(&self, prune: bool) -> Vec<Change> {
        self.changes
            .iter()
            .filter(|c| prune || !c.is_prune())
            .cloned()
            .collect()
    }
}

fn rule_text(r: &RewardRule) -> String {
    format!(
        "reward {} points {} daily_cap {} enabled {}",
        r.reward,
        r.points,
        r.daily_cap
            .map(|c| c.to_string())
            .unwrap_or_else(|| "none".into()),
        r.enabled
    )
}

/// The fields in which two rules differ: `("reward 5", "reward 7")`.
fn rule_diff(have: &RewardRule, want: &RewardRule) -> (String, String) {
    let cap = |c: Option<u32>| c.map(|c| c.to_string()).unwrap_or_else(|| "none".into());
    let fields = [
        ("reward", have.reward.to_string(), want.reward.to_string()),
        ("points", have.points.to_string(), want.points.to_string()),
        ("daily_cap", cap(have.daily_cap), cap(want.daily_cap)),
        (
            "enabled",
            have.enabled.to_string(),
            want.enabled.to_string(),
        ),
    ];
    let (mut old, mut new) = (Vec::new(), Vec::new());
    for (name, h, w) in fields {
        if h != w {
            old.push(format!("{name} {h}"));
            new.push(format!("{name} {w}"));
        }
    }
    (old.join(", "), new.join(", "))
}

fn rate_text(r: &ExchangeRate) -> String {
    format!("{} points = {} base units", r.points, r.amount)
}

fn label_text(l: &Option<String>) -> String {
    l.as_deref()
        .map(|l| format!("label {l:?}"))
        .unwrap_or_else(|| "no label".into())
}

fn limits_text(l: &ReporterLimits) -> String {
    if l.is_unlimited() {
        return "unlimited".into();
    }
    let rules = l
        .rules
        .as_ref()
        .map(|r| format!("rules [{}]", r.join(", ")))
        .unwrap_or_else(|| "any rule".into());
    let budget = l
        .daily_mint_budget
        .map(|b| format!("budget {b}/day"))
        .unwrap_or_else(|| "no budget".into());
    format!("{rules}, {budget}")
}

/// A reporter as `plan` prints it: `label "x", source s, unlimited`.
fn reporter_text(label: &Option<String>, source: Option<&str>, limits: &ReporterLimits) -> String {
    let source = source.map(|s| format!(", source {s}")).unwrap_or_default();
    format!("{}{source}, {}", label_text(label), limits_text(limits))
}

/// Compares `desired` with `snap` (see the module docs). A contract missing from the snapshot
/// contributes nothing (it is `deploy instantiate`'s business, and `deploy verify` reports it).
pub fn plan_changes(snap: &Snapshot, desired: &Desired) -> Diff {
    let mut d = Diff::default();
    let mut push =
        |op, contract, target: String, old: Option<String>, new: Option<String>, action| {
            d.changes.push(Change {
                op,
                contract,
                target,
                old,
                new,
                action,
            })
        };
    use ContractKind::{Ft as FtK, Incentive as IncK, Registry as RegK};

    if let Some(inc) = &snap.incentive {
        // Config (one update_config message).
        if inc.enabled != desired.enabled {
            push(
                Op::Change,
                IncK,
                "config.enabled".into(),
                Some(inc.enabled.to_string()),
                Some(desired.enabled.to_string()),
                Action::Enabled {
                    enabled: desired.enabled,
                },
            );
        }
        if let Some(rate) = &desired.exchange_rate {
            if *rate != inc.exchange_rate {
                push(
                    Op::Change,
                    IncK,
                    "config.exchange_rate".into(),
                    Some(rate_text(&inc.exchange_rate)),
                    Some(rate_text(rate)),
                    Action::ExchangeRate { rate: rate.clone() },
                );
            }
        }
        for (kind, field, current) in [
            (FtK, "config.ft_contract", &inc.ft_contract),
            (RegK, "config.registry_contract", &inc.registry_contract),
        ] {
            if let Some(want) = desired.address(kind) {
                if want != current {
                    let address = want.to_string();
                    let action = if kind == FtK {
                        Action::FtContract {
                            address: address.clone(),
                        }
                    } else {
                        Action::RegistryContract {
                            address: address.clone(),
                        }
                    };
                    push(
                        Op::Change,
                        IncK,
                        field.into(),
                        Some(current.clone()),
                        Some(address),
                        action,
                    );
                }
            }
        }
        // Rules (one update_rules message).
        for want in &desired.rules {
            match inc.rules.iter().find(|r| r.id == want.id) {
                None => push(
                    Op::Add,
                    IncK,
                    format!("rule {}", want.id),
                    None,
                    Some(rule_text(want)),
                    Action::UpsertRule { rule: want.clone() },
                ),
                Some(have) if have != want => {
                    let (old, new) = rule_diff(have, want);
                    push(
                        Op::Change,
                        IncK,
                        format!("rule {}", want.id),
                        Some(old),
                        Some(new),
                        Action::UpsertRule { rule: want.clone() },
                    )
                }
                Some(_) => {}
            }
        }
        for have in &inc.rules {
            if !desired.rules.iter().any(|r| r.id == have.id) {
                push(
                    Op::Remove,
                    IncK,
                    format!("rule {}", have.id),
                    Some(rule_text(have)),
                    None,
                    Action::RemoveRule {
                        id: have.id.clone(),
                    },
                );
            }
        }
        if let Some(required) = desired.redeem_requires_membership {
            if required != inc.redeem_requires_membership {
                push(
                    Op::Change,
                    IncK,
                    "config.redeem_requires_membership".into(),
                    Some(inc.redeem_requires_membership.to_string()),
                    Some(required.to_string()),
                    Action::RedeemRequiresMembership { required },
                );
            }
        }
        // Reporters.
        for want in &desired.reporters {
            let action = Action::RegisterReporter {
                address: want.address.clone(),
                label: want.label.clone(),
                source: want.source.clone(),
                limits: want.limits.clone(),
            };
            let want_limits = want.limits.clone().unwrap_or_default();
            let want_text = reporter_text(&want.label, want.source.as_deref(), &want_limits);
            match inc.reporters.iter().find(|r| r.address == want.address) {
                None => push(
                    Op::Add,
                    IncK,
                    format!("reporter {}", want.address),
                    None,
                    Some(want_text),
                    action,
                ),
                Some(have)
                    if have.label != want.label
                        || have.limits != want_limits
                        || want.source.as_ref().is_some_and(|s| *s != have.source) =>
                {
                    let shown = want.source.as_ref().map(|_| have.source.as_str());
                    push(
                        Op::Change,
                        IncK,
                        format!("reporter {}", want.address),
                        Some(reporter_text(&have.label, shown, &have.limits)),
                        Some(want_text),
                        action,
                    )
                }
                Some(_) => {}
            }
        }
        for have in &inc.reporters {
            if !desired.reporters.iter().any(|r| r.address == have.address) {
                push(
                    Op::Remove,
                    IncK,
                    format!("reporter {}", have.address),
                    Some(reporter_text(&have.label, None, &have.limits)),
                    None,
                    Action::UnregisterReporter {
                        address: have.address.clone(),
                    },
                );
            }
        }
        // Pausers.
        match &inc.pausers {
            Some(have) => {
                for want in desired.pausers.iter().filter(|p| !have.contains(p)) {
                    push(
                        Op::Add,
                        IncK,
                        format!("pauser {want}"),
                        None,
                        Some("may pause".into()),
                        Action::AddPauser {
                            address: want.clone(),
                        },
                    );
                }
                for old in have.iter().filter(|p| !desired.pausers.contains(p)) {
                    push(
                        Op::Remove,
                        IncK,
                        format!("pauser {old}"),
                        Some("may pause".into()),
                        None,
                        Action::RemovePauser {
                            address: old.clone(),
                        },
                    );
                }
            }
            None if !desired.pausers.is_empty() => d.notes.push(
                "the incentive on chain predates pausers (v0.2.0): upgrade it with `luckee deploy migrate`, then apply the plan's pausers".into(),
            ),
            None => {}
        }
        // Pause is operational state: a note, never drift.
        if inc.emergency_paused {
            d.notes.push(format!(
                "the incentive is emergency-paused (operational state, not drift): `luckee ops resume` lifts it{}",
                if desired.emergency_paused { "; the plan's emergency_paused = true was its initial value" } else { "" }
            ));
        }
    }

    // Registry members (our mock only).
    match (&snap.registry, &desired.members) {
        (Some(reg), Some(want)) => {
            let have: BTreeSet<&str> = reg.members.iter().map(String::as_str).collect();
            let wanted: BTreeSet<&str> = want.iter().map(String::as_str).collect();
            for m in wanted.difference(&have) {
                push(
                    Op::Add,
                    RegK,
                    format!("member {m}"),
                    None,
                    None,
                    Action::AddMember {
                        address: m.to_string(),
                    },
                );
            }
            for m in have.difference(&wanted) {
                push(
                    Op::Remove,
                    RegK,
                    format!("member {m}"),
                    None,
                    None,
                    Action::RemoveMember {
                        address: m.to_string(),
                    },
                );
            }
        }
        (_, None) if desired.addresses.contains_key(&RegK) && !desired.managed.contains(&RegK) => {
            d.notes.push(
                "the registry is an existing contract: its members are not managed by the plan"
                    .into(),
            );
        }
        _ => {}
    }

    // FT minter = the incentive.
    if let (Some(minter), Some(inc_addr)) = (&snap.ft_minter, desired.address(IncK)) {
        if minter.as_deref() != Some(inc_addr) {
            push(
                Op::Change,
                FtK,
                "minter".into(),
                Some(minter.clone().unwrap_or_else(|| "(none)".into())),
                Some(inc_addr.to_string()),
                Action::FtMinter {
                    minter: inc_addr.to_string(),
                },
            );
        }
    }

    // Chain-level labels (before admins: only the current admin may change a label).
    for (kind, meta) in &snap.contracts {
        if !desired.managed.contains(kind) {
            continue;
        }
        if let Some(label) = desired.labels.get(kind) {
            if *label != meta.label {
                push(
                    Op::Change,
                    *kind,
                    "label".into(),
                    Some(format!("{:?}", meta.label)),
                    Some(format!("{label:?}")),
                    Action::Label {
                        label: label.clone(),
                    },
                );
            }
        }
    }

    // The incentive's admin: a two-step handover.
    if let Some(inc) = &snap.incentive {
        if inc.admin != desired.incentive_admin {
            let (action, note) =
                if inc.pending_admin.as_deref() == Some(desired.incentive_admin.as_str()) {
                    (
                        Action::AcceptAdmin,
                        " (proposed; accept_admin must be signed by the new admin)",
                    )
                } else {
                    (
                        Action::ProposeAdmin {
                            new_admin: desired.incentive_admin.clone(),
                        },
                        "",
                    )
                };
            push(
                Op::Change,
                IncK,
                "admin".into(),
                Some(inc.admin.clone()),
                Some(format!("{}{note}", desired.incentive_admin)),
                action,
            );
        }
    }

    // Chain-level admins last: after them the signer may no longer be allowed the rest.
    for (kind, meta) in &snap.contracts {
        if desired.managed.contains(kind) && meta.admin != desired.chain_admin {
            push(
                Op::Change,
                *kind,
                "chain admin".into(),
                Some(if meta.admin.is_empty() {
                    "(none)".into()
                } else {
                    meta.admin.clone()
                }),
                Some(desired.chain_admin.clone()),
                Action::ChainAdmin {
                    new_admin: desired.chain_admin.clone(),
                },
            );
        }
    }
    d
}

/// One message of a tx and what it does (for reports).
#[derive(Debug, Clone)]
pub struct Step {
    /// The message.
    pub msg: Any,
    /// One line for humans, e.g. `update_rules upsert [game_win] remove []`.
    pub what: String,
}

/// The messages that apply `changes`, signed by `sender`, for the contracts at `desired`'s
/// addresses: one `update_config`, one `update_rules`, reporter registrations, member batches
/// (at most [`registry::MAX_BATCH`] addresses each), the minter hand-over, labels, the admin
/// handover, chain-level admins — in that order, so that every message is sent while the
/// signer still holds the role it needs.
///
/// Errors: exit 2 if a change concerns a contract without an address (a bug in the caller).
pub fn messages(changes: &[Change], desired: &Desired, sender: &str) -> Result<Vec<Step>> {
    let addr = |k: ContractKind| {
        desired.address(k).map(str::to_string).ok_or_else(|| {
            crate::Error::usage(format!("internal: no address of {k} for a planned change"))
        })
    };
    let mut steps = Vec::new();
    let (mut enabled, mut rate, mut ft_c, mut reg_c) = (None, None, None, None);
    let mut redeem = None;
    let (mut add_pausers, mut remove_pausers) = (Vec::new(), Vec::new());
    let (mut upsert, mut remove) = (Vec::new(), Vec::new());
    let (mut add_members, mut remove_members) = (Vec::new(), Vec::new());
    let mut reporters = Vec::new();
    let mut tail = Vec::new();
    for c in changes {
        match &c.action {
            Action::Enabled { enabled: e } => enabled = Some(*e),
            Action::ExchangeRate { rate: r } => rate = Some(r.clone()),
            Action::FtContract { address } => ft_c = Some(address.clone()),
            Action::RegistryContract { address } => reg_c = Some(address.clone()),
            Action::RedeemRequiresMembership { required } => redeem = Some(*required),
            Action::AddPauser { address } => add_pausers.push(address.clone()),
            Action::RemovePauser { address } => remove_pausers.push(address.clone()),
            Action::UpsertRule { rule } => upsert.push(rule.clone()),
            Action::RemoveRule { id } => remove.push(id.clone()),
            Action::RegisterReporter { .. } | Action::UnregisterReporter { .. } => {
                reporters.push(c)
            }
            Action::AddMember { address } => add_members.push(address.clone()),
            Action::RemoveMember { address } => remove_members.push(address.clone()),
            _ => tail.push(c),
        }
    }
    if enabled.is_some() || rate.is_some() || ft_c.is_some() || reg_c.is_some() || redeem.is_some()
    {
        let what = format!(
            "update_config{}{}{}{}{}",
            enabled.map(|e| format!(" enabled={e}")).unwrap_or_default(),
            redeem
                .map(|r| format!(" redeem_requires_membership={r}"))
                .unwrap_or_default(),
            rate.as_ref()
                .map(|r| format!(" exchange_rate={}", rate_text(r)))
                .unwrap_or_default(),
            ft_c.as_ref()
                .map(|a| format!(" ft_contract={a}"))
                .unwrap_or_default(),
            reg_c
                .as_ref()
                .map(|a| format!(" registry_contract={a}"))
                .unwrap_or_default(),
        );
        let msg = IncentiveMsg::UpdateConfig {
            enabled,
            ft_contract: ft_c,
            registry_contract: reg_c,
            exchange_rate: rate,
            redeem_requires_membership: redeem,
        };
        steps.push(Step {
            msg: execute_msg::<Incentive>(sender, &addr(ContractKind::Incentive)?, &msg)?,
            what,
        });
    }
    if !upsert.is_empty() || !remove.is_empty() {
        let ids = |v: Vec<&str>| format!("[{}]", v.join(", "));
        let mut what = "update_rules".to_string();
        if !upsert.is_empty() {
            what += &format!(
                " upsert {}",
                ids(upsert.iter().map(|r| r.id.as_str()).collect())
            );
        }
        if !remove.is_empty() {
            what += &format!(
                " remove {}",
                ids(remove.iter().map(String::as_str).collect())
            );
        }
        let msg = IncentiveMsg::UpdateRules { upsert, remove };
        steps.push(Step {
            msg: execute_msg::<Incentive>(sender, &addr(ContractKind::Incentive)?, &msg)?,
            what,
        });
    }
    for c in reporters {
        let (msg, what) = match &c.action {
            Action::RegisterReporter {
                address,
                label,
                source,
                limits,
            } => (
                IncentiveMsg::RegisterContract {
                    address: address.clone(),
                    label: label.clone(),
                    source: source.clone(),
                    limits: limits.clone(),
                },
                format!("register_contract {address}"),
            ),
            Action::UnregisterReporter { address } => (
                IncentiveMsg::UnregisterContract {
                    address: address.clone(),
                },
                format!("unregister_contract {address}"),
            ),
            _ => unreachable!("only reporter actions are collected"),
        };
        steps.push(Step {
            msg: execute_msg::<Incentive>(sender, &addr(ContractKind::Incentive)?, &msg)?,
            what,
        });
    }
    // Pauser changes, at most `MAX_PAUSERS_PER_MSG` (adds plus removals) per `update_pausers`.
    let pausers: Vec<(String, bool)> = add_pausers
        .into_iter()
        .map(|p| (p, true))
        .chain(remove_pausers.into_iter().map(|p| (p, false)))
        .collect();
    for chunk in pausers.chunks(luckee_types::incentive::MAX_PAUSERS_PER_MSG) {
        let pick = |adding: bool| -> Vec<String> {
            chunk
                .iter()
                .filter(|(_, a)| *a == adding)
                .map(|(p, _)| p.clone())
                .collect()
        };
        let (add, remove) = (pick(true), pick(false));
        let what = format!(
            "update_pausers add [{}] remove [{}]",
            add.join(", "),
            remove.join(", ")
        );
        let msg = IncentiveMsg::UpdatePausers { add, remove };
        steps.push(Step {
            msg: execute_msg::<Incentive>(sender, &addr(ContractKind::Incentive)?, &msg)?,
            what,
        });
    }
    for (list, add) in [(add_members, true), (remove_members, false)] {
        for chunk in list.chunks(registry::MAX_BATCH) {
            let addresses = chunk.to_vec();
            let (msg, what) = if add {
                (
                    registry::ExecuteMsg::RegisterBatch { addresses },
                    format!("register_batch of {} member(s)", chunk.len()),
                )
            } else {
                (
                    registry::ExecuteMsg::UnregisterBatch { addresses },
                    format!("unregister_batch of {} member(s)", chunk.len()),
                )
            };
            steps.push(Step {
                msg: execute_msg::<Registry>(sender, &addr(ContractKind::Registry)?, &msg)?,
                what,
            });
        }
    }
    for c in tail {
        let contract = addr(c.contract)?;
        let step = match &c.action {
            Action::FtMinter { minter } => Step {
                msg: execute_msg::<Ft>(
                    sender,
                    &contract,
                    &ft::ExecuteMsg::UpdateMinter {
                        new_minter: Some(minter.clone()),
                    },
                )?,
                what: format!("update_minter of FT {contract} to {minter}"),
            },
            Action::Label { label } => Step {
                msg: update_label_msg(sender, &contract, label),
                what: format!("update label of {} to {label:?}", c.contract),
            },
            Action::ProposeAdmin { new_admin } => Step {
                msg: execute_msg::<Incentive>(
                    sender,
                    &contract,
                    &IncentiveMsg::ProposeAdmin {
                        new_admin: new_admin.clone(),
                    },
                )?,
                what: format!("propose_admin {new_admin}"),
            },
            Action::AcceptAdmin => Step {
                msg: execute_msg::<Incentive>(sender, &contract, &IncentiveMsg::AcceptAdmin {})?,
                what: "accept_admin".into(),
            },
            Action::ChainAdmin { new_admin } => Step {
                msg: update_admin_msg(sender, &contract, new_admin),
                what: format!("update chain admin of {} to {new_admin}", c.contract),
            },
            _ => unreachable!("batched actions are handled above"),
        };
        steps.push(step);
    }
    Ok(steps)
}

/// The role a change needs and who holds it on chain: `(role, holder)`.
fn required_role(c: &Change, snap: &Snapshot, desired: &Desired) -> Option<(&'static str, String)> {
    let chain_admin = |k: ContractKind| {
        snap.contracts
            .get(&k)
            .map(|m| m.admin.clone())
            .unwrap_or_default()
    };
    match &c.action {
        Action::FtMinter { .. } => Some((
            "the FT's current minter",
            snap.ft_minter
                .clone()
                .flatten()
                .unwrap_or_else(|| "(none)".into()),
        )),
        Action::AddMember { .. } | Action::RemoveMember { .. } => Some((
            "the registry's admin",
            snap.registry
                .as_ref()
                .map(|r| r.admin.clone())
                .unwrap_or_default(),
        )),
        Action::Label { .. } | Action::ChainAdmin { .. } => {
            Some(("the chain-level admin", chain_admin(c.contract)))
        }
        Action::AcceptAdmin => Some((
            "the proposed incentive admin",
            desired.incentive_admin.clone(),
        )),
        _ => snap
            .incentive
            .as_ref()
            .map(|i| ("the incentive's admin", i.admin.clone())),
    }
}

/// Who holds the role each of `changes` needs (one entry per change that needs one; the
/// holder's address, empty for nobody). [`crate::cmd::authority::route`] decides from these
/// whether the signer sends the changes itself or proposes them to a multisig.
pub fn holders(changes: &[Change], snap: &Snapshot, desired: &Desired) -> Vec<String> {
    changes
        .iter()
        .filter_map(|c| required_role(c, snap, desired).map(|(_, h)| h))
        .collect()
}

/// The changes `signer` may not make, one message each naming the role, its holder and the
/// signer (`luckee apply` refuses with exit 2 before broadcasting when any is found).
pub fn authority_problems(
    changes: &[Change],
    snap: &Snapshot,
    desired: &Desired,
    signer: &str,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in changes {
        if let Some((role, holder)) = required_role(c, snap, desired) {
            if holder != signer {
                let msg = format!(
                    "{} {} needs {role} {}, but the signer is {signer}",
                    c.contract,
                    c.target,
                    if holder.is_empty() { "(none)" } else { &holder }
                );
                if !out.contains(&msg) {
                    out.push(msg);
                }
            }
        }
    }
    out
}

impl Snapshot {
    /// Adds the state of contracts `deploy instantiate` is about to create in the same tx, as
    /// their instantiate messages define it: the incentive with the plan's config and rules and
    /// no reporters, the FT with the incentive as minter, the registry with the plan's members
    /// and `registry_admin` as its admin (the multisig, else the signer). `code_ids` are the
    /// codes they are instantiated from.
    pub fn insert_new(
        &mut self,
        new: &[ContractKind],
        desired: &Desired,
        registry_admin: &str,
        code_ids: &BTreeMap<ContractKind, u64>,
    ) {
        for &kind in new {
            self.contracts.insert(
                kind,
                ChainMeta {
                    code_id: code_ids.get(&kind).copied().unwrap_or_default(),
                    admin: desired.chain_admin.clone(),
                    label: desired.labels.get(&kind).cloned().unwrap_or_default(),
                },
            );
            match kind {
                ContractKind::Incentive => {
                    self.incentive = Some(IncentiveState {
                        admin: desired.incentive_admin.clone(),
                        pending_admin: None,
                        ft_contract: desired.address(ContractKind::Ft).unwrap_or_default().into(),
                        registry_contract: desired
                            .address(ContractKind::Registry)
                            .unwrap_or_default()
                            .into(),
                        enabled: desired.enabled,
                        emergency_paused: desired.emergency_paused,
                        exchange_rate: desired.exchange_rate.clone().unwrap_or_default(),
                        rules: desired.rules.clone(),
                        reporters: vec![],
                        redeem_requires_membership: desired
                            .redeem_requires_membership
                            .unwrap_or(true),
                        pausers: Some(desired.pausers.clone()),
                    })
                }
                ContractKind::Ft => {
                    self.ft_minter =
                        Some(desired.address(ContractKind::Incentive).map(str::to_string))
                }
                ContractKind::Registry => {
                    self.registry = Some(RegistryState {
                        admin: registry_admin.to_string(),
                        members: desired.members.clone().unwrap_or_default(),
                    })
                }
                // The multisig has nothing the plan diff reads besides its admin and label.
                ContractKind::Multisig => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::Uint128;

    const ME: &str = "wasm1me";

    fn rule(id: &str, reward: u128) -> RewardRule {
        RewardRule {
            id: id.into(),
            reward: Uint128::new(reward),
            points: Uint128::new(1),
            daily_cap: None,
            enabled: true,
        }
    }

    fn desired() -> Desired {
        let mut plan = Plan::default();
        plan.incentive.rules = vec![rule("a", 1), rule("b", 2)];
        plan.incentive.reporters = vec![ReporterPlan {
            address: "wasm1rep".into(),
            label: Some("r".into()),
            source: None,
            limits: None,
        }];
        plan.incentive.pausers = vec!["wasm1p1".into()];
        plan.incentive.redeem_requires_membership = Some(true);
        plan.registry.members = vec!["wasm1m1".into(), "wasm1m2".into()];
        plan.incentive.exchange_rate = Some(ExchangeRate::default());
        let mut state = DeploymentState::new("c");
        for (k, a) in [
            (ContractKind::Incentive, "wasm1inc"),
            (ContractKind::Ft, "wasm1ft"),
            (ContractKind::Registry, "wasm1reg"),
        ] {
            state.contracts.insert(
                k,
                crate::state::ContractRecord {
                    address: a.into(),
                    code_id: 1,
                    checksum: String::new(),
                    store_tx: None,
                    instantiate_tx: None,
                    label: plan.label_of(k).into(),
                    admin: ME.into(),
                    height: None,
                    salt: String::new(),
                },
            );
        }
        Desired::resolve(&plan, &state, ME)
    }

    /// The snapshot of a chain that equals `d`.
    fn matching(d: &Desired) -> Snapshot {
        let mut s = Snapshot {
            height: 5,
            ..Default::default()
        };
        s.insert_new(&ContractKind::ALL, d, ME, &BTreeMap::new());
        s.incentive.as_mut().unwrap().reporters = d
            .reporters
            .iter()
            .map(|r| Reporter {
                address: r.address.clone(),
                label: r.label.clone(),
                source: r.address.clone(),
                limits: r.limits.clone().unwrap_or_default(),
            })
            .collect();
        s
    }

    #[test]
    fn no_drift_when_equal() {
        let d = desired();
        let diff = plan_changes(&matching(&d), &d);
        assert_eq!(diff.changes, vec![]);
        assert!(diff.notes.is_empty());
    }

    #[test]
    fn each_managed_field_shows_exactly_its_change() {
        let d = desired();
        type Mutate = fn(&mut Snapshot);
        let cases: Vec<(Mutate, &str, Op)> = vec![
            (
                |s| s.incentive.as_mut().unwrap().enabled = false,
                "config.enabled",
                Op::Change,
            ),
            (
                |s| s.incentive.as_mut().unwrap().exchange_rate.points = Uint128::new(7),
                "config.exchange_rate",
                Op::Change,
            ),
            (
                |s| s.incentive.as_mut().unwrap().ft_contract = "wasm1other".into(),
                "config.ft_contract",
                Op::Change,
            ),
            (
                |s| s.incentive.as_mut().unwrap().rules[1].reward = Uint128::new(9),
                "rule b",
                Op::Change,
            ),
            (
                |s| {
                    s.incentive.as_mut().unwrap().rules.pop();
                },
                "rule b",
                Op::Add,
            ),
            (
                |s| s.incentive.as_mut().unwrap().rules.push(rule("z", 1)),
                "rule z",
                Op::Remove,
            ),
            (
                |s| s.incentive.as_mut().unwrap().reporters[0].label = None,
                "reporter wasm1rep",
                Op::Change,
            ),
            (
                |s| s.incentive.as_mut().unwrap().reporters.clear(),
                "reporter wasm1rep",
                Op::Add,
            ),
            (
                |s| {
                    s.incentive.as_mut().unwrap().reporters[0]
                        .limits
                        .daily_mint_budget = Some(cosmwasm_std::Uint128::new(5))
                },
                "reporter wasm1rep",
                Op::Change,
            ),
            (
                |s| s.incentive.as_mut().unwrap().pausers = Some(vec![]),
                "pauser wasm1p1",
                Op::Add,
            ),
            (
                |s| {
                    s.incentive.as_mut().unwrap().pausers =
                        Some(vec!["wasm1p1".into(), "wasm1p2".into()])
                },
                "pauser wasm1p2",
                Op::Remove,
            ),
            (
                |s| s.incentive.as_mut().unwrap().redeem_requires_membership = false,
                "config.redeem_requires_membership",
                Op::Change,
            ),
            (
                |s| {
                    s.incentive.as_mut().unwrap().reporters.push(Reporter {
                        address: "wasm1x".into(),
                        label: None,
                        source: "wasm1x".into(),
                        limits: ReporterLimits::default(),
                    })
                },
                "reporter wasm1x",
                Op::Remove,
            ),
            (
                |s| {
                    s.registry.as_mut().unwrap().members.pop();
                },
                "member wasm1m2",
                Op::Add,
            ),
            (
                |s| s.registry.as_mut().unwrap().members.push("wasm1m9".into()),
                "member wasm1m9",
                Op::Remove,
            ),
            (
                |s| s.ft_minter = Some(Some(ME.into())),
                "minter",
                Op::Change,
            ),
            (
                |s| s.incentive.as_mut().unwrap().admin = "wasm1old".into(),
                "admin",
                Op::Change,
            ),
            (
                |s| s.contracts.get_mut(&ContractKind::Ft).unwrap().admin = "wasm1old".into(),
                "chain admin",
                Op::Change,
            ),
            (
                |s| s.contracts.get_mut(&ContractKind::Registry).unwrap().label = "old".into(),
                "label",
                Op::Change,
            ),
        ];
        for (mutate, target, op) in cases {
            let mut s = matching(&d);
            mutate(&mut s);
            let diff = plan_changes(&s, &d);
            assert_eq!(diff.changes.len(), 1, "{target}: {:?}", diff.changes);
            assert_eq!(
                (diff.changes[0].target.as_str(), diff.changes[0].op),
                (target, op)
            );
            // and every change turns into at least one message
            assert!(
                !messages(&diff.changes, &d, ME).unwrap().is_empty(),
                "{target}"
            );
        }
    }

    #[test]
    fn pausers_reporter_limits_and_redeem_flag_become_their_messages() {
        let mut d = desired();
        d.reporters[0].source = Some("game".into());
        d.reporters[0].limits = Some(ReporterLimits {
            rules: Some(vec!["a".into()]),
            daily_mint_budget: Some(cosmwasm_std::Uint128::new(7)),
        });
        d.pausers = (0..25).map(|i| format!("wasm1p{i}")).collect();
        d.redeem_requires_membership = Some(false);
        let diff = plan_changes(&matching(&desired()), &d);
        let steps = messages(&diff.to_apply(true), &d, ME).unwrap();
        let whats: Vec<&str> = steps.iter().map(|s| s.what.as_str()).collect();
        assert_eq!(whats[0], "update_config redeem_requires_membership=false");
        assert_eq!(whats[1], "register_contract wasm1rep");
        // 24 new pausers (wasm1p1 is one already) in chunks of at most MAX_PAUSERS_PER_MSG.
        assert!(
            whats[2].starts_with("update_pausers add [wasm1p0, wasm1p2, wasm1p3"),
            "{whats:?}"
        );
        assert_eq!(
            whats[3],
            "update_pausers add [wasm1p21, wasm1p22, wasm1p23, wasm1p24] remove []"
        );
        assert_eq!(whats.len(), 4, "{whats:?}");
        let register = String::from_utf8(
            <cosmrs::proto::cosmwasm::wasm::v1::MsgExecuteContract as cosmrs::proto::prost::Message>::decode(
                steps[1].msg.value.as_slice(),
            )
            .unwrap()
            .msg,
        )
        .unwrap();
        assert!(
            register.contains(r#""source":"game""#)
                && register.contains(r#""limits":{"rules":["a"],"daily_mint_budget":"7"}"#),
            "{register}"
        );
        // A contract older than v0.2.0 has no pausers: a note, no message.
        let mut old = matching(&desired());
        old.incentive.as_mut().unwrap().pausers = None;
        let diff = plan_changes(&old, &desired());
        assert!(diff.changes.is_empty(), "{:?}", diff.changes);
        assert!(diff.notes.iter().any(|n| n.contains("predates pausers")));
    }

    #[test]
    fn pause_and_pending_admin_are_notes_not_drift() {
        let d = desired();
        let mut s = matching(&d);
        s.incentive.as_mut().unwrap().emergency_paused = true;
        let diff = plan_changes(&s, &d);
        assert!(diff.changes.is_empty());
        assert!(diff.notes[0].contains("paused"), "{:?}", diff.notes);

        let mut s = matching(&d);
        let inc = s.incentive.as_mut().unwrap();
        inc.admin = "wasm1old".into();
        inc.pending_admin = Some(ME.into());
        let diff = plan_changes(&s, &d);
        assert_eq!(diff.changes[0].action, Action::AcceptAdmin);
        assert!(authority_problems(&diff.changes, &s, &d, ME).is_empty());
        assert_eq!(
            authority_problems(&diff.changes, &s, &d, "wasm1old").len(),
            1
        );
    }

    #[test]
    fn removals_need_prune_and_go_into_one_update_rules() {
        let mut d = desired();
        d.rules.clear();
        let diff = plan_changes(&matching(&desired()), &d);
        assert_eq!(diff.changes.len(), 2);
        assert!(diff.changes.iter().all(Change::is_prune));
        assert!(diff.to_apply(false).is_empty());
        let steps = messages(&diff.to_apply(true), &d, ME).unwrap();
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].what, "update_rules remove [a, b]");
    }

    #[test]
    fn config_changes_merge_into_one_message_and_admins_go_last() {
        let d = desired();
        let mut s = matching(&d);
        let inc = s.incentive.as_mut().unwrap();
        inc.enabled = false;
        inc.exchange_rate.amount = Uint128::new(1);
        inc.admin = "wasm1old".into();
        s.contracts.get_mut(&ContractKind::Incentive).unwrap().admin = "wasm1old".into();
        s.contracts.get_mut(&ContractKind::Incentive).unwrap().label = "x".into();
        let diff = plan_changes(&s, &d);
        let steps = messages(&diff.changes, &d, ME).unwrap();
        let whats: Vec<&str> = steps
            .iter()
            .map(|s| s.what.split(' ').next().unwrap())
            .collect();
        assert_eq!(
            whats,
            ["update_config", "update", "propose_admin", "update"],
            "{steps:?}"
        );
        assert!(steps[0].what.contains("enabled=true") && steps[0].what.contains("exchange_rate="));
        assert!(steps[3].what.starts_with("update chain admin"));
        assert_eq!(steps[3].msg.type_url, "/cosmwasm.wasm.v1.MsgUpdateAdmin");
        assert_eq!(
            steps[1].msg.type_url,
            "/cosmwasm.wasm.v1.MsgUpdateContractLabel"
        );
        // the signer is neither the incentive admin nor the chain admin: every change refused
        let problems = authority_problems(&diff.changes, &s, &d, ME);
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.contains("wasm1old") && p.contains(ME)));
    }

    #[test]
    fn many_members_are_batched_by_the_registry_limit() {
        let mut d = desired();
        let members: Vec<String> = (0..1001).map(|i| format!("wasm1m{i:04}")).collect();
        d.members = Some(members.clone());
        let mut s = matching(&desired());
        s.registry.as_mut().unwrap().members = vec!["wasm1m1".into(), "wasm1m2".into()];
        let diff = plan_changes(&s, &d);
        assert_eq!(
            diff.changes.iter().filter(|c| c.op == Op::Add).count(),
            1001
        );
        assert_eq!(diff.changes.iter().filter(|c| c.is_prune()).count(), 2);
        let steps = messages(&diff.to_apply(false), &d, ME).unwrap();
        let sizes: Vec<&str> = steps.iter().map(|s| s.what.as_str()).collect();
        assert_eq!(
            sizes,
            [
                "register_batch of 500 member(s)",
                "register_batch of 500 member(s)",
                "register_batch of 1 member(s)"
            ]
        );
        // exactly at the boundary: 500 → one message
        d.members = Some(members[..500].to_vec());
        s.registry.as_mut().unwrap().members.clear();
        assert_eq!(
            messages(&plan_changes(&s, &d).changes, &d, ME)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn empty_plan_lists_remove_everything_only_with_prune() {
        let mut d = desired();
        d.rules.clear();
        d.reporters.clear();
        d.members = Some(vec![]);
        let diff = plan_changes(&matching(&desired()), &d);
        assert_eq!(diff.changes.len(), 2 + 1 + 2);
        assert!(diff.to_apply(false).is_empty());
        assert_eq!(messages(&diff.to_apply(true), &d, ME).unwrap().len(), 3);
    }

    #[test]
    fn existing_registry_is_not_managed_and_missing_contracts_add_nothing() {
        let mut plan = Plan::default();
        plan.registry.existing = Some("wasm1ext".into());
        let state = DeploymentState::new("c");
        let d = Desired::resolve(&plan, &state, ME);
        assert_eq!(d.members, None);
        assert!(!d.managed.contains(&ContractKind::Registry));
        let diff = plan_changes(&Snapshot::default(), &d);
        assert!(diff.changes.is_empty());
        assert!(diff.notes[0].contains("existing"));
    }

    #[test]
    fn unchanged_and_changed_labels() {
        let d = desired();
        let s = matching(&d);
        assert!(plan_changes(&s, &d).changes.is_empty());
        let mut s2 = s.clone();
        s2.contracts
            .get_mut(&ContractKind::Incentive)
            .unwrap()
            .label = format!("{} ", d.labels[&ContractKind::Incentive]);
        let c = &plan_changes(&s2, &d).changes[0];
        assert_eq!(
            c.line(),
            format!(
                "~ luckee_incentive label: \"Luckee Incentive v1.0 \" → \"Luckee Incentive v1.0\""
            )
        );
    }
}
