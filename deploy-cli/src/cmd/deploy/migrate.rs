//! `luckee deploy migrate [--contract NAME]… [--msg-file FILE] [--artifacts DIR]` and
//! `luckee deploy rollback [--contract NAME] [--to CODE_ID]` — replace `wasmd tx wasm migrate`.
//!
//! `migrate`, per contract recorded in the state file (default: all of luckee's):
//! 1. compares the artifact's checksum with the code the contract runs (`ContractInfo` →
//!    `CodeInfo`); equal → nothing to do (exit 0, nothing sent);
//! 2. refuses (exit 2, before any fee) a signer that is not the contract's chain-level admin,
//!    naming both addresses, and a backup root it cannot write into (exit 6);
//! 3. stores the new code through the upload path ([`super::upload::store_codes`]: idempotent,
//!    gzip, recorded before broadcast);
//! 4. simulates the migrate tx (a contract that refuses the migration is refused here, exit 3);
//! 5. takes a backup tagged `pre-migrate` of every contract being migrated and verifies it
//!    ([`crate::cmd::backup::take_verified`]); a backup that fails or does not verify stops
//!    the upgrade (nothing migrated);
//! 6. sends one tx with a `MsgMigrateContract` per contract, each with the contract's typed
//!    migrate message from `luckee-types` (or `--msg-file`, checked against the artifact's
//!    schema), recorded as the pending tx with everything its history entry needs;
//! 7. verifies ([`post_checks`]): code id and checksum, cw2 name unchanged and version = the
//!    artifact's (`schema/<crate>/<crate>.json` `contract_version`), the configuration query
//!    unchanged, FT total supply − incentive minted total unchanged, and a sample of the
//!    processed-activity markers of the backup still answering `is_activity_processed = true`.
//!    A failed check exits 1 and prints the rollback command;
//! 8. the state file gets an append-only history entry per contract ([`UpgradeRecord`]) and
//!    the new code id (so the `.env` file follows).
//!
//! `rollback` migrates one contract (default the incentive) back to the code it ran before its
//! last migrate still in effect in the history ([`rollback_target`]), or to `--to CODE_ID`,
//! after a `pre-rollback` backup, with the same checks. The incentive (v0.2.0 on) accepts an
//! older code while the stored state layout is one that code understands; a code that does not
//! understand it refuses in simulation, shown as "rollback not possible: state layout N is
//! newer than what code X understands — restore or migrate forward" (exit 3, nothing sent,
//! no backup taken). v0.1.0 can never be a rollback target: its `migrate` refuses any lower
//! cw2 version, and it predates the layout item, so it understands only layout 1.
//!
//! Crash safety: every tx goes through [`super::send_recorded`]. A run killed after the store
//! broadcast resolves the store on the next run and goes on; killed after the migrate
//! broadcast, the next run records the history entry (with the first run's backup) from the
//! pending record, runs the post-checks, and takes no second backup.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::upload::{store_codes, CodeRow};
use super::{send_recorded, settle_pending};
use crate::artifacts::{self, Artifact};
use crate::chain::tx::GasEstimate;
use crate::chain::{ChainClient, TxRequest};
use crate::cmd::authority::{route, Intent, ProposalRef, Route};
use crate::cmd::backup::{self, files, TakenBackup};
use crate::cmd::deploy::verify::Check;
use crate::cmd::{Context, Send};
use crate::contracts::multisig::MultisigClient;
use crate::contracts::{
    migrate_msg, typed_migrate_json, ContractKind, FtClient, IncentiveClient, RegistryClient,
};
use crate::error::{Error, Result};
use crate::state::{
    CodeVersion, DeploymentState, LockMode, PendingMigrate, TxEffects, UpgradeKind, UpgradeRecord,
};
use crate::ui::{notes_text, or_dash, table, Report};

/// Manifest tag of the backup `deploy migrate` takes.
pub const PRE_MIGRATE_TAG: &str = "pre-migrate";
/// Manifest tag of the backup `deploy rollback` takes.
pub const PRE_ROLLBACK_TAG: &str = "pre-rollback";
/// How many processed-activity markers of the backup are re-queried after an upgrade.
pub const MARKER_SAMPLE: usize = 20;
/// Namespace of the incentive's processed-activity map (`Map<(&str, &str), Empty>`, key
/// `(source, activity_id)`), the same bytes since v0.1.0.
pub const PROCESSED_NAMESPACE: &[u8] = b"p";
/// Raw key of the incentive's state-layout item (`Item<u16>`, absent = layout 1 = v0.1.0).
pub const LAYOUT_KEY: &[u8] = b"layout";

/// The contract as the chain has it before an upgrade (`ContractInfo`, `CodeInfo`, cw2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnChain {
    /// Which contract.
    pub contract: ContractKind,
    /// Its address.
    pub address: String,
    /// Code id it runs.
    pub code_id: u64,
    /// That code's checksum, lower-case hex.
    pub checksum: String,
    /// Chain-level (migration) admin; empty = none.
    pub admin: String,
    /// cw2 `(name, version)`, if set.
    pub cw2: Option<(String, String)>,
}

impl OnChain {
    /// The running code as an upgrade's `from`.
    pub fn code_version(&self) -> CodeVersion {
        CodeVersion {
            code_id: self.code_id,
            checksum: self.checksum.clone(),
            version: self.cw2.as_ref().map(|(_, v)| v.clone()),
        }
    }
}

/// What to do with one contract, decided by [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// It already runs the artifact's code.
    UpToDate,
    /// Migrate it from the code it runs.
    Migrate,
}

/// Decides whether `on_chain` must be migrated to the code with `checksum`, and whether
/// `signer` may do it. Pure.
///
/// Errors (exit 2, nothing sent): the contract has no chain-level admin, or the signer is not
/// that admin (both addresses named).
pub fn decide(on_chain: &OnChain, checksum: &str, signer: &str) -> Result<Decision> {
    if on_chain.checksum == checksum {
        return Ok(Decision::UpToDate);
    }
    ensure_admin(on_chain, signer)?;
    Ok(Decision::Migrate)
}

/// Refuses (exit 2) a `signer` that is not the chain-level admin of `on_chain`.
pub fn ensure_admin(on_chain: &OnChain, signer: &str) -> Result<()> {
    if on_chain.admin.is_empty() {
        return Err(Error::usage(format!(
            "{} {} has no chain-level admin: no one can migrate it",
            on_chain.contract, on_chain.address
        )));
    }
    if on_chain.admin != signer {
        return Err(Error::usage(format!(
            "{} {} can only be migrated by its chain-level admin {}; the signer is {} (nothing was sent)",
            on_chain.contract, on_chain.address, on_chain.admin, signer
        )));
    }
    Ok(())
}

/// The code `deploy rollback` goes back to by default: replaying `history` (migrates push the
/// code they left, rollbacks pop one), the code left by the latest migrate not yet rolled
/// back. `None` when there is none. Pure.
pub fn rollback_target(history: &[UpgradeRecord]) -> Option<CodeVersion> {
    let mut stack: Vec<&CodeVersion> = Vec::new();
    for h in history {
        match h.kind {
            UpgradeKind::Migrate => stack.push(&h.from),
            UpgradeKind::Rollback => {
                stack.pop();
            }
        }
    }
    stack.last().map(|c| (*c).clone())
}

/// The cw2 version the artifact of `kind` in `dir` declares: `contract_version` of
/// `dir/schema/<crate>/<crate>.json` (written by `ci/build-artifacts`); `None` without a schema.
pub fn artifact_version(dir: &Path, kind: ContractKind) -> Option<String> {
    let krate = kind.name().replace('_', "-");
    let path = dir
        .join("schema")
        .join(&krate)
        .join(format!("{krate}.json"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    v.get("contract_version")?.as_str().map(str::to_string)
}

/// Reads `--msg-file` and checks it against the `migrate` section of the artifact's schema: it
/// must be a JSON object whose properties the schema declares, with every required one present
/// (the shape `cosmwasm-schema` writes for a migrate struct). Errors: exit 2 naming the file.
pub fn read_msg_file(path: &Path, schema_dir: &Path, kind: ContractKind) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let msg: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::usage(format!("{}: not JSON: {e}", path.display())))?;
    let krate = kind.name().replace('_', "-");
    let schema_path = schema_dir
        .join("schema")
        .join(&krate)
        .join(format!("{krate}.json"));
    let schema: serde_json::Value = std::fs::read(&schema_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| {
            Error::usage(format!(
                "--msg-file needs the artifact's schema {} to check the message against",
                schema_path.display()
            ))
        })?;
    check_against_migrate_schema(&msg, &schema)
        .map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
    Ok(serde_json::to_vec(&msg).expect("a JSON value serializes"))
}

/// Checks `msg` against the `migrate` section of a `cosmwasm-schema` API document. Pure.
pub fn check_against_migrate_schema(
    msg: &serde_json::Value,
    schema: &serde_json::Value,
) -> std::result::Result<(), String> {
    let migrate = schema
        .get("migrate")
        .filter(|m| !m.is_null())
        .ok_or("the contract's schema has no migrate message")?;
    let obj = msg
        .as_object()
        .ok_or("the migrate message must be a JSON object")?;
    let props = migrate
        .get("properties")
        .and_then(|p| p.as_object())
        .cloned()
        .unwrap_or_default();
    for key in obj.keys() {
        if !props.contains_key(key) {
            return Err(format!(
                "field '{key}' is not in the contract's migrate message (known: {})",
                if props.is_empty() {
                    "none".to_string()
                } else {
                    props.keys().cloned().collect::<Vec<_>>().join(", ")
                }
            ));
        }
    }
    for req in migrate
        .get("required")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str())
    {
        if !obj.contains_key(req) {
            return Err(format!("required field '{req}' is missing"));
        }
    }
    Ok(())
}

/// `(source, activity_id)` of up to `n` processed-activity markers among a backup's raw state
/// lines (first, last and evenly spaced between), decoded from the keys of the map
/// [`PROCESSED_NAMESPACE`]. Pure.
pub fn marker_sample(lines: &[files::StateLine], n: usize) -> Vec<(String, String)> {
    let mut prefix = (PROCESSED_NAMESPACE.len() as u16).to_be_bytes().to_vec();
    prefix.extend_from_slice(PROCESSED_NAMESPACE);
    let markers: Vec<(String, String)> = lines
        .iter()
        .filter_map(|l| hex::decode(&l.key).ok())
        .filter_map(|k| {
            let rest = k.strip_prefix(prefix.as_slice())?;
            let len = u16::from_be_bytes([*rest.first()?, *rest.get(1)?]) as usize;
            let source = rest.get(2..2 + len)?;
            let id = rest.get(2 + len..)?;
            Some((
                String::from_utf8(source.to_vec()).ok()?,
                String::from_utf8(id.to_vec()).ok()?,
            ))
        })
        .collect();
    if markers.len() <= n {
        return markers;
    }
    let step = (markers.len() - 1) as f64 / (n - 1).max(1) as f64;
    (0..n)
        .map(|i| markers[((i as f64 * step).round() as usize).min(markers.len() - 1)].clone())
        .collect()
}

/// A contract's state as the post-upgrade checks compare it, read at one height.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// Height it was read at.
    pub height: u64,
    /// Code id the contract runs.
    pub code_id: u64,
    /// That code's checksum.
    pub checksum: String,
    /// cw2 `(name, version)`.
    pub cw2: Option<(String, String)>,
    /// The configuration query as JSON: incentive `get_config`; registry `config`; FT
    /// `token_info` without `total_supply`, and `minter`.
    pub config: serde_json::Value,
    /// Incentive only, when the FT is known: (FT `total_supply`, the incentive's minted total
    /// = rewards + exchanges), base units.
    pub supply: Option<(u128, u128)>,
}

/// What the upgrade should have produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Code id and checksum the contract must run, and (when known) its cw2 version.
    pub to: CodeVersion,
}

/// The post-upgrade checks of one contract (module docs, step 7): `before` was read just
/// before the migrate tx, `after` just after it; `markers` are the sampled markers with the
/// answer of `is_activity_processed`. Pure.
pub fn post_checks(
    kind: ContractKind,
    before: &Snapshot,
    after: &Snapshot,
    expected: &Expected,
    markers: &[(String, String, bool)],
) -> Vec<Check> {
    let c = |check: &str, expected: String, actual: String| Check {
        contract: kind.to_string(),
        check: check.into(),
        ok: expected == actual,
        expected,
        actual,
    };
    let cw2 = |s: &Snapshot, name: bool| {
        s.cw2
            .as_ref()
            .map(|(n, v)| if name { n.clone() } else { v.clone() })
            .unwrap_or_else(|| "-".into())
    };
    let mut out = vec![
        c(
            "code_id",
            expected.to.code_id.to_string(),
            after.code_id.to_string(),
        ),
        c(
            "checksum",
            expected.to.checksum.clone(),
            after.checksum.clone(),
        ),
        c("cw2 name unchanged", cw2(before, true), cw2(after, true)),
    ];
    if let Some(v) = &expected.to.version {
        out.push(c("cw2 version", v.clone(), cw2(after, false)));
    }
    out.push(c(
        "configuration unchanged",
        before.config.to_string(),
        after.config.to_string(),
    ));
    if let (Some((s0, m0)), Some((s1, m1))) = (before.supply, after.supply) {
        let d0 = s0 as i128 - m0 as i128;
        let d1 = s1 as i128 - m1 as i128;
        out.push(c(
            "FT supply − incentive minted unchanged",
            d0.to_string(),
            d1.to_string(),
        ));
    }
    if kind == ContractKind::Incentive {
        let missing: Vec<String> = markers
            .iter()
            .filter(|(_, _, processed)| !processed)
            .map(|(s, id, _)| format!("{s}/{id}"))
            .collect();
        out.push(Check {
            contract: kind.to_string(),
            check: format!("{} processed-activity markers of the backup", markers.len()),
            expected: "all processed".into(),
            actual: if missing.is_empty() {
                "all processed".into()
            } else {
                format!("not processed: {}", missing.join(", "))
            },
            ok: missing.is_empty(),
        });
    }
    out
}

/// The rollback command an operator runs when a post-check failed.
pub fn rollback_command(kind: ContractKind, to_code_id: u64) -> String {
    format!(
        "luckee deploy rollback --contract {} --to {to_code_id}",
        kind.name()
    )
}

/// Turns a refused migrate simulation into the operator's words: a code that does not
/// understand the stored state layout ("rollback not possible: state layout N is newer than
/// what code X understands — restore or migrate forward"). Other errors pass through.
pub fn explain_refusal(e: Error, kind: UpgradeKind, code_id: u64, stored_layout: u16) -> Error {
    let Error::Simulation { log, .. } = &e else {
        return e;
    };
    let why = if log.contains("is newer than layout") {
        "it reads an older layout"
    } else if log.contains("cannot downgrade from") {
        "it predates state-layout versioning, understands only layout 1 and refuses any \
         lower cw2 version"
    } else {
        return e;
    };
    Error::chain(format!(
        "{} not possible: state layout {stored_layout} is newer than what code {code_id} \
         understands ({why}) — restore or migrate forward. The contract's answer: {log}",
        kind.as_str()
    ))
}

/// One contract's row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeRow {
    /// Which contract.
    pub contract: ContractKind,
    /// Its address.
    pub address: String,
    /// `up_to_date`, `migrated`, `rolled_back`, `would_migrate`, `would_roll_back`, or
    /// `recorded` (a pending migrate of an earlier run that landed).
    pub status: &'static str,
    /// The code it ran.
    pub from: CodeVersion,
    /// The code it runs now (or would).
    pub to: Option<CodeVersion>,
}

/// Result of `deploy migrate` / `deploy rollback`.
#[derive(Debug, Clone, Serialize)]
pub struct UpgradeReport {
    /// Chain-id.
    pub chain_id: String,
    /// `migrate` or `rollback`.
    pub kind: &'static str,
    /// One row per contract considered.
    pub contracts: Vec<UpgradeRow>,
    /// Codes stored or found (migrate).
    pub codes: Vec<CodeRow>,
    /// The verified pre-upgrade backups taken (or, in a dry run, the root they would go to).
    pub backups: Vec<TakenBackup>,
    /// Where the backups go: `ROOT/<chain-id>`.
    pub backup_dir: PathBuf,
    /// Hash of the migrate tx.
    pub tx: Option<String>,
    /// Its height.
    pub height: Option<u64>,
    /// Gas it used.
    pub gas_used: Option<u64>,
    /// Latest height when the run started (blocks taken = `height − start_height`).
    pub start_height: u64,
    /// Gas estimate of the migrate tx (dry run; the store is simulated with it when the code
    /// is not on chain yet).
    pub dry_run: Option<GasEstimate>,
    /// Post-upgrade checks.
    pub checks: Vec<Check>,
    /// Resolved pending txs and other remarks.
    pub notes: Vec<String>,
    /// Wall time of the run, seconds.
    pub seconds: f64,
    /// The multisig proposal made instead of the migrate tx, when a multisig is the admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<ProposalRef>,
}

impl UpgradeReport {
    /// Adds the row and tx of an upgrade recorded in the history (`rec`) whose checks ran now.
    fn recorded(&mut self, contract: ContractKind, address: String, rec: &UpgradeRecord) {
        self.contracts.push(UpgradeRow {
            contract,
            address,
            status: "recorded",
            from: rec.from.clone(),
            to: Some(rec.to.clone()),
        });
        self.tx = Some(rec.tx_hash.clone());
        self.height = Some(rec.height);
    }

    /// An empty report of a `kind` run on `ctx`'s chain, backups under `root`.
    fn new(ctx: &Context, kind: UpgradeKind, root: &Path, start_height: u64) -> UpgradeReport {
        UpgradeReport {
            chain_id: ctx.net.chain_id.clone(),
            kind: kind.as_str(),
            contracts: vec![],
            codes: vec![],
            backups: vec![],
            backup_dir: root.join(&ctx.net.chain_id),
            tx: None,
            height: None,
            gas_used: None,
            start_height,
            dry_run: None,
            checks: vec![],
            notes: vec![],
            seconds: 0.0,
            proposal: None,
        }
    }
}

impl Report for UpgradeReport {
    fn text(&self) -> String {
        let mut out = notes_text(&self.notes);
        let ver = |c: &CodeVersion| {
            format!(
                "code {} ({}, {})",
                c.code_id,
                &c.checksum[..c.checksum.len().min(12)],
                c.version.as_deref().unwrap_or("cw2 ?")
            )
        };
        let rows: Vec<Vec<String>> = self
            .contracts
            .iter()
            .map(|r| {
                vec![
                    r.contract.to_string(),
                    r.status.into(),
                    ver(&r.from),
                    r.to.as_ref().map(ver).unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        out.push_str(&table(&["CONTRACT", "STATUS", "FROM", "TO"], &rows));
        for c in &self.codes {
            out.push_str(&format!(
                "code of {}: {} (code_id {})\n",
                c.contract,
                c.status,
                or_dash(c.code_id)
            ));
        }
        for b in &self.backups {
            out.push_str(&format!(
                "backup of {} at height {} ({} entries, verified): {}\n",
                b.contract,
                b.height,
                b.state_entries,
                b.dir.display()
            ));
        }
        if let Some(e) = &self.dry_run {
            out.push_str(&format!(
                "dry run: would back up into {}, then send the {} tx: gas used {} → gas limit {}, fee {}\n",
                self.backup_dir.display(),
                self.kind,
                e.gas_used,
                e.gas_limit,
                e.fee
            ));
        }
        if let (Some(tx), Some(h), Some(p)) = (&self.tx, self.height, &self.proposal) {
            out.push_str(&format!(
                "{} proposed in tx {tx} at height {h}: nothing changes until the multisig executes it; the history entry and the post-upgrade checks run then (`luckee multisig execute`)\n{}\n",
                self.kind,
                p.next_steps()
            ));
        } else if let (Some(tx), Some(h)) = (&self.tx, self.height) {
            out.push_str(&format!(
                "{} tx {tx} at height {h} ({} block(s) after the start), gas used {}\n",
                self.kind,
                h.saturating_sub(self.start_height),
                or_dash(self.gas_used)
            ));
        }
        if !self.checks.is_empty() {
            let rows: Vec<Vec<String>> = self
                .checks
                .iter()
                .map(|c| {
                    vec![
                        if c.ok { "ok" } else { "FAILED" }.into(),
                        c.contract.clone(),
                        c.check.clone(),
                        c.actual.clone(),
                    ]
                })
                .collect();
            out.push_str(&table(&["RESULT", "CONTRACT", "CHECK", "FOUND"], &rows));
        }
        out.push_str(&format!("done in {:.2} s\n", self.seconds));
        out
    }
}

/// Reads `kind` at `address` as [`OnChain`]. Errors: exit 3 if the contract or its code is
/// missing.
pub async fn on_chain(client: &ChainClient, kind: ContractKind, address: &str) -> Result<OnChain> {
    let info = client
        .contract_info(address)
        .await?
        .ok_or_else(|| Error::chain(format!("no contract {address} ({kind}) on chain")))?;
    let code = client
        .code_info(info.code_id)
        .await?
        .ok_or_else(|| Error::chain(format!("code {} of {address} is gone", info.code_id)))?;
    Ok(OnChain {
        contract: kind,
        address: address.into(),
        code_id: info.code_id,
        checksum: code.checksum,
        admin: info.admin,
        cw2: client.cw2_version_at(address, None).await?,
    })
}

/// Reads the [`Snapshot`] of `kind` at `address` at the latest height through the typed
/// clients (`ft` = the FT's address, for the supply invariant of the incentive).
pub async fn snapshot(
    client: &ChainClient,
    kind: ContractKind,
    address: &str,
    ft: Option<&str>,
) -> Result<Snapshot> {
    let height = client.status().await?.height;
    let h = Some(height);
    let info = client
        .contract_info_at(address, h)
        .await?
        .ok_or_else(|| Error::chain(format!("no contract {address} at height {height}")))?;
    let code = client
        .code_info(info.code_id)
        .await?
        .ok_or_else(|| Error::chain(format!("code {} of {address} is gone", info.code_id)))?;
    let (config, supply) = match kind {
        ContractKind::Incentive => {
            let inc = IncentiveClient::new(client, address.to_string());
            let config = json(&inc.config(h).await?);
            let supply = match ft {
                Some(ft) => {
                    let t = inc.stats(None, h).await?.totals;
                    let minted =
                        t.rewards_distributed_amount.u128() + t.points_exchange_minted.u128();
                    let total = FtClient::new(client, ft.to_string())
                        .token_info(h)
                        .await?
                        .total_supply
                        .u128();
                    Some((total, minted))
                }
                None => None,
            };
            (config, supply)
        }
        ContractKind::Registry => {
            let reg = RegistryClient::new(client, address.to_string());
            (json(&reg.config(h).await?), None)
        }
        ContractKind::Multisig => {
            let ms = MultisigClient::new(client, address.to_string());
            let threshold = json(&ms.threshold_at(h).await?);
            let voters = json(&ms.voters(h).await?);
            (
                serde_json::json!({"threshold": threshold, "voters": voters}),
                None,
            )
        }
        ContractKind::Ft => {
            let ft = FtClient::new(client, address.to_string());
            let mut info = json(&ft.token_info(h).await?);
            if let Some(o) = info.as_object_mut() {
                o.remove("total_supply");
            }
            let minter = json(&ft.minter(h).await?);
            (
                serde_json::json!({"token_info": info, "minter": minter}),
                None,
            )
        }
    };
    Ok(Snapshot {
        height,
        code_id: info.code_id,
        checksum: code.checksum,
        cw2: client.cw2_version_at(address, h).await?,
        config,
        supply,
    })
}

/// A typed query response as a JSON value (for comparisons).
fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("query responses serialize")
}

/// The sampled markers of the incentive's backup `dir`, each re-queried
/// (`is_activity_processed {source}`).
async fn query_markers(
    client: &ChainClient,
    address: &str,
    dir: &Path,
) -> Result<Vec<(String, String, bool)>> {
    let sample = marker_sample(&files::read_state_lines(dir)?, MARKER_SAMPLE);
    let inc = IncentiveClient::new(client, address.to_string());
    let mut out = Vec::with_capacity(sample.len());
    for (source, id) in sample {
        let processed = inc.is_activity_processed(&source, &id, None).await?;
        out.push((source, id, processed));
    }
    Ok(out)
}

/// The state before an upgrade as its backup `dir` recorded it: the configuration query
/// files and the raw cw2 item (`contract_info`); code and supply are taken from `after`
/// (the checks compare those with the expected code, not with `before`).
pub fn before_from_backup(kind: ContractKind, dir: &Path, after: &Snapshot) -> Result<Snapshot> {
    let read = |name: &str| -> Result<serde_json::Value> {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::usage(format!("{}: {e}", path.display())))
    };
    let config = match kind {
        ContractKind::Incentive | ContractKind::Registry => read("config.json")?,
        ContractKind::Multisig => {
            serde_json::json!({"threshold": read("threshold.json")?, "voters": read("voters.json")?})
        }
        ContractKind::Ft => {
            let mut info = read("token_info.json")?;
            if let Some(o) = info.as_object_mut() {
                o.remove("total_supply");
            }
            serde_json::json!({"token_info": info, "minter": read("minter.json")?})
        }
    };
    let cw2_key = hex::encode(b"contract_info");
    let cw2 = files::read_state_lines(dir)?
        .into_iter()
        .find(|l| l.key == cw2_key)
        .and_then(|l| {
            use base64::Engine;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(l.value)
                .ok()?;
            let v: serde_json::Value = serde_json::from_slice(&raw).ok()?;
            Some((
                v.get("contract")?.as_str()?.to_string(),
                v.get("version")?.as_str()?.to_string(),
            ))
        });
    Ok(Snapshot {
        cw2,
        config,
        supply: None,
        ..after.clone()
    })
}

/// The incentive's stored state layout (raw query of [`LAYOUT_KEY`]; absent = 1).
pub async fn stored_layout(client: &ChainClient, address: &str) -> Result<u16> {
    Ok(match client.raw_query(address, LAYOUT_KEY, None).await? {
        Some(raw) => serde_json::from_slice(&raw).unwrap_or(1),
        None => 1,
    })
}

/// One contract an upgrade is about to migrate.
struct Move {
    on_chain: OnChain,
    to: CodeVersion,
    store_tx: Option<String>,
    msg: Vec<u8>,
}

impl Move {
    /// Its report row with `status` (`would_migrate`, `proposed`, `migrated`, …).
    fn row(&self, status: &'static str) -> UpgradeRow {
        UpgradeRow {
            contract: self.on_chain.contract,
            address: self.on_chain.address.clone(),
            status,
            from: self.on_chain.code_version(),
            to: Some(self.to.clone()),
        }
    }
}

/// Runs `deploy migrate`.
pub async fn run_migrate(
    ctx: &Context,
    only: &[ContractKind],
    msg_file: Option<&Path>,
    artifacts_dir: Option<&Path>,
) -> Result<()> {
    let started = Instant::now();
    let dir = artifacts_dir
        .map(|d| ctx.cwd.join(d))
        .unwrap_or_else(|| ctx.artifacts_dir());
    let signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    let kinds = upgradable(&state, only)?;
    if msg_file.is_some() && kinds.len() != 1 {
        return Err(Error::usage(
            "--msg-file is one contract's migrate message: name that contract with --contract",
        ));
    }
    let arts = artifacts::load(&dir, &kinds)?;
    let msg_override = match msg_file {
        Some(f) => Some(read_msg_file(&ctx.cwd.join(f), &dir, kinds[0])?),
        None => None,
    };
    let root = backup::root_of(ctx, None);
    let start_height = client.status().await?.height;
    let mut report = UpgradeReport::new(ctx, UpgradeKind::Migrate, &root, start_height);
    let recorded = resolve_earlier(ctx, &client, &mut store, &mut state, &mut report).await?;

    let me = signer.address.to_string();
    let mut found = Vec::new();
    for a in arts {
        let address = state.contracts[&a.kind].address.clone();
        let now = on_chain(&client, a.kind, &address).await?;
        found.push((a, now));
    }
    // Who must send the migrates: the signer, or a multisig it proposes them to.
    let holders: Vec<String> = found
        .iter()
        .filter(|(a, now)| now.checksum != a.checksum)
        .map(|(_, now)| now.admin.clone())
        .collect();
    let route = route(&client, &holders, &me)
        .await?
        .unwrap_or(Route::Direct);
    if msg_override.is_some() && matches!(route, Route::Multisig { .. }) {
        return Err(Error::usage(
            "--msg-file cannot go through the multisig: voters' `multisig vote yes` checks an upgrade proposal against the typed migrate message; migrate with the typed message, or propose the custom one by hand",
        ));
    }
    let sender = route.sender(&me).to_string();
    let mut todo: Vec<(Artifact, OnChain)> = Vec::new();
    for (a, now) in found {
        let address = now.address.clone();
        match decide(&now, &a.checksum, &sender)? {
            Decision::UpToDate => {
                if !recorded.iter().any(|(k, _)| *k == a.kind) {
                    report.contracts.push(UpgradeRow {
                        contract: a.kind,
                        address,
                        status: "up_to_date",
                        from: now.code_version(),
                        to: None,
                    });
                }
            }
            Decision::Migrate => todo.push((a, now)),
        }
    }
    if todo.is_empty() {
        return finish(ctx, report, started);
    }
    if !ctx.dry_run {
        backup::ensure_writable(&root, &ctx.net.chain_id)?;
    }

    // Store the new codes (the upload path).
    let mut send = Send::new(&client, &signer, &mut store, &mut state);
    report.codes = store_codes(
        ctx,
        &mut send,
        todo.iter().map(|(a, _)| a.clone()).collect(),
        &mut report.notes,
        // A dry run simulates the stores together with the migrates below.
        None,
    )
    .await?;
    let mut next_code_id = None;
    let mut moves = Vec::new();
    let mut dry_stores = Vec::new();
    for (a, now) in todo {
        let (code_id, store_tx) = match state.codes.get(&a.kind) {
            Some(c) if c.checksum == a.checksum => (c.code_id, c.store_tx.clone()),
            // Dry run, code not stored yet: the id the store in the same simulated tx gets.
            _ => {
                let id = match next_code_id {
                    Some(id) => id + 1,
                    None => {
                        client
                            .all_codes()
                            .await?
                            .iter()
                            .map(|c| c.code_id)
                            .max()
                            .unwrap_or(0)
                            + 1
                    }
                };
                next_code_id = Some(id);
                dry_stores.push(crate::chain::tx::to_any(
                    &cosmrs::proto::cosmwasm::wasm::v1::MsgStoreCode {
                        sender: me.clone(),
                        wasm_byte_code: a.gzipped(),
                        instantiate_permission: None,
                    },
                ));
                (id, None)
            }
        };
        let to = CodeVersion {
            code_id,
            checksum: a.checksum.clone(),
            version: artifact_version(&dir, a.kind),
        };
        let msg = msg_override
            .clone()
            .unwrap_or_else(|| typed_migrate_json(a.kind));
        moves.push(Move {
            on_chain: now,
            to,
            store_tx,
            msg,
        });
    }
    let mut req = migrate_request(&sender, &moves, UpgradeKind::Migrate);
    if ctx.dry_run && matches!(route, Route::Multisig { .. }) {
        report.notes.push(format!(
            "dry run: the migrate would be proposed to the multisig {sender} (a multisig's messages cannot be simulated before it executes them); nothing stored, nothing sent"
        ));
        report
            .contracts
            .extend(moves.iter().map(|m| m.row("would_propose")));
        return finish(ctx, report, started);
    }
    if ctx.dry_run {
        // Codes not stored yet are stored in the same simulated tx, before the migrates.
        let mut msgs = std::mem::take(&mut dry_stores);
        msgs.append(&mut req.msgs);
        req.msgs = msgs;
        report.dry_run = Some(client.estimate_fresh(&signer, &req).await?);
        report
            .contracts
            .extend(moves.iter().map(|m| m.row("would_migrate")));
        return finish(ctx, report, started);
    }
    let mut send = Send::new(&client, &signer, &mut store, &mut state);
    upgrade(
        ctx,
        &mut send,
        &root,
        (moves, &route),
        UpgradeKind::Migrate,
        &mut report,
    )
    .await?;
    finish(ctx, report, started)
}

/// Runs `deploy rollback`.
pub async fn run_rollback(ctx: &Context, kind: ContractKind, to: Option<u64>) -> Result<()> {
    let started = Instant::now();
    let signer = ctx.signer()?;
    let client = ctx.connect().await?;
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    upgradable(&state, &[kind])?;
    let root = backup::root_of(ctx, None);
    let start_height = client.status().await?.height;
    let mut report = UpgradeReport::new(ctx, UpgradeKind::Rollback, &root, start_height);
    let recorded = resolve_earlier(ctx, &client, &mut store, &mut state, &mut report).await?;
    // A rollback of an earlier run that landed is this run's work done; a recorded migrate
    // is not (the rollback goes on from the updated history).
    if recorded.contains(&(kind, UpgradeKind::Rollback)) {
        return finish(ctx, report, started);
    }
    let address = state.contracts[&kind].address.clone();
    let now = on_chain(&client, kind, &address).await?;
    let history = state.history.get(&kind).cloned().unwrap_or_default();
    let target = match to {
        Some(code_id) => {
            let ci = client.code_info(code_id).await?.ok_or_else(|| {
                Error::usage(format!("--to {code_id}: no code with that id on chain {}", ctx.net.chain_id))
            })?;
            // The version is known when the history names this code.
            let version = history
                .iter()
                .flat_map(|h| [&h.from, &h.to])
                .find(|c| c.code_id == code_id)
                .and_then(|c| c.version.clone());
            CodeVersion {
                code_id,
                checksum: ci.checksum,
                version,
            }
        }
        None => rollback_target(&history).ok_or_else(|| {
            Error::usage(format!(
                "nothing to roll back to: the history of {kind} in the state file has no earlier code (name one with --to CODE_ID)"
            ))
        })?,
    };
    if target.code_id == now.code_id {
        report
            .notes
            .push(format!("{kind} already runs code {}", now.code_id));
        report.contracts.push(UpgradeRow {
            contract: kind,
            address,
            status: "up_to_date",
            from: now.code_version(),
            to: None,
        });
        return finish(ctx, report, started);
    }
    let me = signer.address.to_string();
    let route = route(&client, std::slice::from_ref(&now.admin), &me)
        .await?
        .unwrap_or(Route::Direct);
    ensure_admin(&now, route.sender(&me))?;
    if ctx.dry_run && matches!(route, Route::Multisig { .. }) {
        report.notes.push(format!(
            "dry run: the rollback would be proposed to the multisig {} (a multisig's messages cannot be simulated before it executes them); nothing sent",
            route.sender(&me)
        ));
        return finish(ctx, report, started);
    }
    let moves = vec![Move {
        store_tx: state
            .codes
            .values()
            .find(|c| c.code_id == target.code_id)
            .and_then(|c| c.store_tx.clone()),
        on_chain: now,
        to: target,
        msg: typed_migrate_json(kind),
    }];
    if ctx.dry_run {
        let req = migrate_request(signer.address.as_ref(), &moves, UpgradeKind::Rollback);
        let layout = stored_layout(&client, &address).await?;
        report.dry_run =
            Some(client.estimate_fresh(&signer, &req).await.map_err(|e| {
                explain_refusal(e, UpgradeKind::Rollback, moves[0].to.code_id, layout)
            })?);
        report.contracts.push(moves[0].row("would_roll_back"));
        return finish(ctx, report, started);
    }
    backup::ensure_writable(&root, &ctx.net.chain_id)?;
    let mut send = Send::new(&client, &signer, &mut store, &mut state);
    upgrade(
        ctx,
        &mut send,
        &root,
        (moves, &route),
        UpgradeKind::Rollback,
        &mut report,
    )
    .await?;
    finish(ctx, report, started)
}

/// The contracts an upgrade may touch: `only`, else every contract luckee instantiated.
/// Errors: exit 2 for nothing deployed or a contract the state file does not record as ours.
fn upgradable(state: &DeploymentState, only: &[ContractKind]) -> Result<Vec<ContractKind>> {
    if state.contracts.is_empty() {
        return Err(Error::usage(format!(
            "nothing to upgrade: no contract of luckee recorded for chain-id {} (run `luckee deploy instantiate`)",
            state.chain_id
        )));
    }
    if only.is_empty() {
        return Ok(state.contracts.keys().copied().collect());
    }
    for k in only {
        if !state.contracts.contains_key(k) {
            return Err(Error::usage(format!(
                "{k} is not a contract luckee deployed on {} (an `existing` contract is upgraded by its owner)",
                state.chain_id
            )));
        }
    }
    let mut v = only.to_vec();
    v.sort();
    v.dedup();
    Ok(v)
}

/// The tx of `moves`: one `MsgMigrateContract` each, in order.
fn migrate_request(sender: &str, moves: &[Move], kind: UpgradeKind) -> TxRequest {
    TxRequest {
        msgs: moves
            .iter()
            .map(|m| migrate_msg(sender, &m.on_chain.address, m.to.code_id, m.msg.clone()))
            .collect(),
        memo: format!(
            "luckee deploy {} ({})",
            kind.as_str(),
            moves
                .iter()
                .map(|m| format!("{} → code {}", m.on_chain.contract.name(), m.to.code_id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        tags: vec![kind.as_str().into()],
    }
}

/// Resolves the pending tx of an earlier run, then runs the post-checks of every upgrade whose
/// checks never ran ([`DeploymentState::unchecked_upgrades`]: its run was killed or lost the
/// node after the tx landed) against its recorded backup. Returns those upgrades' contracts
/// and kinds.
async fn resolve_earlier(
    ctx: &Context,
    client: &ChainClient,
    store: &mut crate::state::StateStore,
    state: &mut DeploymentState,
    report: &mut UpgradeReport,
) -> Result<Vec<(ContractKind, UpgradeKind)>> {
    report.notes = settle_pending(ctx.dry_run, client, store, state).await?;
    let mut recorded = Vec::new();
    for (kind, hash) in state.unchecked_upgrades.clone() {
        let Some(rec) = state
            .history
            .get(&kind)
            .and_then(|h| h.iter().rev().find(|r| r.tx_hash == hash))
            .cloned()
        else {
            continue;
        };
        let address = state.contracts[&kind].address.clone();
        let after = snapshot(client, kind, &address, state.address_of(ContractKind::Ft)).await?;
        // A multisig upgrade executed elsewhere may name a backup taken on another machine.
        let backup = rec.backup.as_ref().filter(|d| d.exists());
        if let (Some(dir), None) = (&rec.backup, backup) {
            report.notes.push(format!(
                "{kind}: the pre-upgrade backup {} is not on this machine: only code and cw2 are checked",
                dir.display()
            ));
        }
        let markers = match (backup, kind) {
            (Some(dir), ContractKind::Incentive) => query_markers(client, &address, dir).await?,
            _ => vec![],
        };
        // That run's `before` is gone: the backup it took just before the tx holds the same
        // configuration query and cw2 item. (The supply invariant needs both contracts at one
        // height, which the backup does not have: not checked here.)
        let before = match backup {
            Some(dir) => before_from_backup(kind, dir, &after)?,
            None => after.clone(),
        };
        report.checks.extend(post_checks(
            kind,
            &before,
            &after,
            &Expected { to: rec.to.clone() },
            &markers,
        ));
        report.recorded(kind, address, &rec);
        recorded.push((kind, rec.kind));
    }
    if !ctx.dry_run && !recorded.is_empty() {
        for (kind, _) in &recorded {
            state.unchecked_upgrades.remove(kind);
        }
        store.save(state)?;
    }
    Ok(recorded)
}

/// After `luckee multisig execute` ran a proposal of `deploy migrate` / `rollback` in tx
/// `hash` (its history entries recorded in `state` as unchecked): the post-upgrade checks of
/// each contract against `befores` (its snapshot just before the execute), with the markers
/// of the pre-upgrade backup when that backup is on this machine, printed as the upgrade report
/// with `note`. Exit 1 when a check fails (with the rollback command), like the upgrade.
pub async fn check_executed(
    ctx: &Context,
    client: &ChainClient,
    (store, state): (&mut crate::state::StateStore, &mut DeploymentState),
    (kind, hash): (UpgradeKind, &str),
    note: String,
    befores: Vec<(ContractKind, Snapshot)>,
) -> Result<()> {
    let started = Instant::now();
    let root = backup::root_of(ctx, None);
    let mut report = UpgradeReport::new(ctx, kind, &root, client.status().await?.height);
    report.notes.push(note);
    let ft = state.address_of(ContractKind::Ft).map(str::to_string);
    for (contract, before) in &befores {
        let Some(rec) = state
            .history
            .get(contract)
            .and_then(|h| h.iter().rev().find(|r| r.tx_hash == hash))
            .cloned()
        else {
            continue;
        };
        let address = state.contracts[contract].address.clone();
        let after = snapshot(client, *contract, &address, ft.as_deref()).await?;
        let markers = match rec.backup.as_ref().filter(|d| d.exists()) {
            Some(dir) if *contract == ContractKind::Incentive => {
                query_markers(client, &address, dir).await?
            }
            Some(_) => vec![],
            None => {
                report.notes.push(format!(
                    "{contract}: the pre-upgrade backup {} is not on this machine: processed-activity markers not re-queried",
                    rec.backup.as_ref().map(|d| d.display().to_string()).unwrap_or_default()
                ));
                vec![]
            }
        };
        report.checks.extend(post_checks(
            *contract,
            before,
            &after,
            &Expected { to: rec.to.clone() },
            &markers,
        ));
        report.recorded(*contract, address, &rec);
        state.unchecked_upgrades.remove(contract);
    }
    store.save(state)?;
    finish(ctx, report, started)
}

/// Backup, simulate, send and verify `moves` (the shared half of migrate and rollback). When
/// `route` is a multisig, the migrates are proposed to it after the backup instead (not
/// simulated: a multisig's messages cannot be, before it executes them); the history entry
/// and the post-checks wait for `luckee multisig execute`.
async fn upgrade(
    ctx: &Context,
    s: &mut Send<'_>,
    root: &Path,
    (moves, route): (Vec<Move>, &Route),
    kind: UpgradeKind,
    report: &mut UpgradeReport,
) -> Result<()> {
    let (client, signer) = (s.client, s.signer);
    let me = signer.address.to_string();
    let sender = route.sender(&me).to_string();
    let req = migrate_request(&sender, &moves, kind);
    let proposed = matches!(route, Route::Multisig { .. });
    // A contract that refuses the migration is refused here: no backup, nothing sent.
    let simulated = match proposed {
        true => Ok(()),
        false => client.estimate_fresh(signer, &req).await.map(|_| ()),
    };
    if let Err(e) = simulated {
        // Explained only when it is the incentive's message that failed (the only contract
        // with a state layout): a single-message tx, or wasmd's "message index: N" naming it.
        let log = match &e {
            Error::Simulation { log, .. } => log.clone(),
            _ => String::new(),
        };
        let inc = moves.iter().enumerate().find(|(i, m)| {
            m.on_chain.contract == ContractKind::Incentive
                && (moves.len() == 1 || log.contains(&format!("message index: {i}")))
        });
        return Err(match inc.map(|(_, m)| m) {
            Some(m) => {
                let layout = stored_layout(client, &m.on_chain.address).await?;
                explain_refusal(e, kind, m.to.code_id, layout)
            }
            None => e,
        });
    }
    let tag = match kind {
        UpgradeKind::Migrate => PRE_MIGRATE_TAG,
        UpgradeKind::Rollback => PRE_ROLLBACK_TAG,
    };
    let targets: Vec<(ContractKind, String)> = moves
        .iter()
        .map(|m| (m.on_chain.contract, m.on_chain.address.clone()))
        .collect();
    report.backups = backup::take_verified(ctx, client, root, &targets, tag).await?;
    let ft = s.state.address_of(ContractKind::Ft).map(str::to_string);
    let mut befores = Vec::new();
    for m in &moves {
        befores.push(
            snapshot(
                client,
                m.on_chain.contract,
                &m.on_chain.address,
                ft.as_deref(),
            )
            .await?,
        );
    }
    let effects = TxEffects {
        migrates: moves
            .iter()
            .enumerate()
            .map(|(i, m)| PendingMigrate {
                msg_index: i,
                contract: m.on_chain.contract,
                kind,
                from: m.on_chain.code_version(),
                to: m.to.clone(),
                store_tx: m.store_tx.clone(),
                backup: report
                    .backups
                    .iter()
                    .find(|b| b.contract == m.on_chain.contract)
                    .map(|b| b.dir.clone()),
            })
            .collect(),
        ..Default::default()
    };
    if proposed {
        let what: Vec<String> = moves
            .iter()
            .map(|m| {
                format!(
                    "{} {} from code {} to code {}",
                    kind.as_str(),
                    m.on_chain.contract,
                    m.on_chain.code_id,
                    m.to.code_id
                )
            })
            .collect();
        let intent = Intent::Upgrade {
            kind: kind.as_str().into(),
            migrates: effects.migrates,
        };
        let (sent, _) = s.submit(false, route, &req, &intent, &what).await?;
        report.tx = sent.tx;
        report.height = sent.height;
        report.gas_used = sent.gas_used;
        report.proposal = sent.proposal;
        report
            .contracts
            .extend(moves.iter().map(|m| m.row("proposed")));
        return Ok(());
    }
    let outcome = send_recorded(client, signer, s.store, s.state, &req, effects).await?;
    report.tx = Some(outcome.hash.clone());
    report.height = Some(outcome.height);
    report.gas_used = Some(outcome.gas_used);
    for (m, before) in moves.iter().zip(&befores) {
        let kind_ = m.on_chain.contract;
        let after = snapshot(client, kind_, &m.on_chain.address, ft.as_deref()).await?;
        let markers = match report.backups.iter().find(|b| b.contract == kind_) {
            Some(b) if kind_ == ContractKind::Incentive => {
                query_markers(client, &m.on_chain.address, &b.dir).await?
            }
            _ => vec![],
        };
        report.checks.extend(post_checks(
            kind_,
            before,
            &after,
            &Expected { to: m.to.clone() },
            &markers,
        ));
        report.contracts.push(m.row(match kind {
            UpgradeKind::Migrate => "migrated",
            UpgradeKind::Rollback => "rolled_back",
        }));
        s.state.unchecked_upgrades.remove(&kind_);
    }
    s.store.save(s.state)
}

/// Prints the report and ends the run: exit 0, or exit 1 ([`Error::UpgradeCheck`]) when a
/// post-check failed, naming the failed checks and the rollback command of each contract
/// concerned.
fn finish(ctx: &Context, mut report: UpgradeReport, started: Instant) -> Result<()> {
    report.seconds = started.elapsed().as_secs_f64();
    ctx.print(&report);
    let failed: Vec<&Check> = report.checks.iter().filter(|c| !c.ok).collect();
    if failed.is_empty() {
        return Ok(());
    }
    let mut msg = format!(
        "post-upgrade check failed: {}",
        failed
            .iter()
            .map(|c| format!(
                "{} {} (expected {}, found {})",
                c.contract, c.check, c.expected, c.actual
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    for row in &report.contracts {
        if failed
            .iter()
            .any(|c| c.contract == row.contract.to_string())
        {
            msg.push_str(&format!(
                "\nto go back to code {}: {}",
                row.from.code_id,
                rollback_command(row.contract, row.from.code_id)
            ));
        }
    }
    Err(Error::UpgradeCheck(msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_chain(admin: &str) -> OnChain {
        OnChain {
            contract: ContractKind::Incentive,
            address: "wasm1inc".into(),
            code_id: 3,
            checksum: "aa".into(),
            admin: admin.into(),
            cw2: Some(("crates.io:luckee-incentive".into(), "0.1.0".into())),
        }
    }

    fn code(id: u64) -> CodeVersion {
        CodeVersion {
            code_id: id,
            checksum: format!("{id:02x}"),
            version: Some(format!("0.{id}.0")),
        }
    }

    fn entry(kind: UpgradeKind, from: u64, to: u64) -> UpgradeRecord {
        UpgradeRecord {
            kind,
            from: code(from),
            to: code(to),
            tx_hash: "T".into(),
            height: 1,
            time: "t".into(),
            backup: None,
        }
    }

    #[test]
    fn same_checksum_is_up_to_date_for_anyone_else_only_the_admin_migrates() {
        let c = on_chain("wasm1admin");
        assert_eq!(decide(&c, "aa", "wasm1other").unwrap(), Decision::UpToDate);
        assert_eq!(decide(&c, "bb", "wasm1admin").unwrap(), Decision::Migrate);
        let e = decide(&c, "bb", "wasm1other").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let msg = e.to_string();
        assert!(
            msg.contains("wasm1admin") && msg.contains("wasm1other"),
            "{msg}"
        );
        let e = decide(&on_chain(""), "bb", "wasm1admin").unwrap_err();
        assert!(e.to_string().contains("no chain-level admin"), "{e}");
    }

    #[test]
    fn rollback_target_replays_the_history() {
        use UpgradeKind::*;
        assert_eq!(rollback_target(&[]), None);
        let h = vec![entry(Migrate, 1, 2)];
        assert_eq!(rollback_target(&h).unwrap().code_id, 1);
        let h = vec![entry(Migrate, 1, 2), entry(Migrate, 2, 3)];
        assert_eq!(rollback_target(&h).unwrap().code_id, 2);
        let h = vec![
            entry(Migrate, 1, 2),
            entry(Migrate, 2, 3),
            entry(Rollback, 3, 2),
        ];
        assert_eq!(rollback_target(&h).unwrap().code_id, 1);
        let h = vec![entry(Migrate, 2, 3), entry(Rollback, 3, 2)];
        assert_eq!(
            rollback_target(&h),
            None,
            "a rollback is not undone by rollback"
        );
    }

    fn marker_line(source: &str, id: &str) -> files::StateLine {
        let mut key = vec![0, 1, b'p'];
        key.extend_from_slice(&(source.len() as u16).to_be_bytes());
        key.extend_from_slice(source.as_bytes());
        key.extend_from_slice(id.as_bytes());
        files::StateLine {
            key: hex::encode(key),
            value: "e30=".into(),
        }
    }

    #[test]
    fn markers_are_decoded_from_the_processed_map_and_sampled_evenly() {
        let mut lines = vec![files::StateLine {
            key: hex::encode(b"contract_info"),
            value: String::new(),
        }];
        // Another map whose name starts with "p" is not the processed map.
        lines.push(files::StateLine {
            key: hex::encode([&[0u8, 2][..], b"pz", b"x"].concat()),
            value: String::new(),
        });
        lines.extend((0..100).map(|i| marker_line("game-servers", &format!("a{i:03}"))));
        let all = marker_sample(&lines, 1000);
        assert_eq!(all.len(), 100);
        assert_eq!(all[0], ("game-servers".into(), "a000".into()));
        let s = marker_sample(&lines, 5);
        let ids: Vec<&str> = s.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, ["a000", "a025", "a050", "a074", "a099"]);
        assert!(marker_sample(&lines[..2], 5).is_empty());
    }

    #[test]
    fn msg_file_is_checked_against_the_migrate_schema() {
        let schema = serde_json::json!({
            "migrate": {"type": "object", "properties": {"note": {"type": "string"}}, "required": ["note"]}
        });
        let ok = serde_json::json!({"note": "x"});
        assert_eq!(check_against_migrate_schema(&ok, &schema), Ok(()));
        let extra = serde_json::json!({"note": "x", "evil": 1});
        assert!(check_against_migrate_schema(&extra, &schema)
            .unwrap_err()
            .contains("evil"));
        let missing = serde_json::json!({});
        assert!(check_against_migrate_schema(&missing, &schema)
            .unwrap_err()
            .contains("note"));
        assert!(check_against_migrate_schema(&serde_json::json!([]), &schema).is_err());
        let empty =
            serde_json::json!({"migrate": {"type": "object", "additionalProperties": false}});
        assert_eq!(check_against_migrate_schema(&missing, &empty), Ok(()));
        assert!(check_against_migrate_schema(&ok, &empty).is_err());
        assert!(check_against_migrate_schema(&ok, &serde_json::json!({"migrate": null})).is_err());
    }

    fn snap(
        code_id: u64,
        version: &str,
        config: serde_json::Value,
        supply: (u128, u128),
    ) -> Snapshot {
        Snapshot {
            height: 10,
            code_id,
            checksum: format!("{code_id:02x}"),
            cw2: Some(("crates.io:luckee-incentive".into(), version.into())),
            config,
            supply: Some(supply),
        }
    }

    #[test]
    fn post_checks_pass_for_a_clean_upgrade_and_name_each_failure() {
        let cfg = serde_json::json!({"admin": "a"});
        let before = snap(1, "0.1.0", cfg.clone(), (500, 500));
        // Activity between the two reads: supply and minted grow together.
        let after = snap(2, "0.2.0", cfg.clone(), (700, 700));
        let expected = Expected { to: code(2) };
        let mut expected = expected;
        expected.to.version = Some("0.2.0".into());
        let markers = vec![("s".to_string(), "a".to_string(), true)];
        let checks = post_checks(
            ContractKind::Incentive,
            &before,
            &after,
            &expected,
            &markers,
        );
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert_eq!(checks.len(), 7);

        let mut bad = after.clone();
        bad.config = serde_json::json!({"admin": "b"});
        bad.supply = Some((701, 700));
        bad.cw2 = Some(("crates.io:other".into(), "0.3.0".into()));
        let markers = vec![("s".to_string(), "a".to_string(), false)];
        let failed: Vec<String> =
            post_checks(ContractKind::Incentive, &before, &bad, &expected, &markers)
                .into_iter()
                .filter(|c| !c.ok)
                .map(|c| c.check)
                .collect();
        assert_eq!(
            failed,
            [
                "cw2 name unchanged",
                "cw2 version",
                "configuration unchanged",
                "FT supply − incentive minted unchanged",
                "1 processed-activity markers of the backup"
            ]
        );
        let wrong_code = snap(3, "0.2.0", cfg, (700, 700));
        assert!(!post_checks(ContractKind::Ft, &before, &wrong_code, &expected, &[])[0].ok);
    }

    #[test]
    fn refusals_are_explained_in_the_operators_words() {
        let sim = |log: &str| Error::Simulation {
            codespace: "wasm".into(),
            code: 5,
            log: log.into(),
        };
        let e = explain_refusal(
            sim("migrate wasm contract failed: state layout 3 is newer than layout 2 this code understands"),
            UpgradeKind::Rollback,
            7,
            3,
        );
        let msg = e.to_string();
        assert!(
            msg.starts_with(
                "rollback not possible: state layout 3 is newer than what code 7 understands"
            ),
            "{msg}"
        );
        assert!(msg.contains("restore or migrate forward"));
        assert_eq!(e.exit_code(), 3);
        let e = explain_refusal(
            sim("cannot downgrade from 0.2.0 to 0.1.0"),
            UpgradeKind::Rollback,
            1,
            2,
        );
        assert!(e
            .to_string()
            .contains("state layout 2 is newer than what code 1 understands"));
        let other = explain_refusal(sim("out of gas"), UpgradeKind::Rollback, 1, 2);
        assert!(matches!(other, Error::Simulation { .. }));
        assert_eq!(
            rollback_command(ContractKind::Incentive, 4),
            "luckee deploy rollback --contract luckee_incentive --to 4"
        );
    }
}
