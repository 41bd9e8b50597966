//! `luckee backup restore DIR… --genesis GENESIS.json [--admin ADDRESS [--incentive-admin]]` —
//! a backup becomes a chain: the codes and contracts of the backup directories are written, with
//! their complete raw state, into `app_state.wasm` of a (fresh `wasmd init`) genesis file, which
//! wasmd imports at genesis (`codes` with `code_bytes`, `contracts` with `contract_info`,
//! `contract_state` and `contract_code_history`, `sequences`).
//!
//! Refused before anything is written (exit 2; the genesis file is left untouched, and it is
//! replaced atomically when everything succeeds): a backup that does not verify, backups of
//! different chain-ids or heights (the odd one is named), two backups of one contract, one code
//! id with two checksums, a genesis whose accounts use another bech32 prefix than the backups'
//! addresses, a genesis that is not JSON or has no `app_state.wasm`. An unreadable genesis is
//! exit 6.
//!
//! Restored as it was: code ids and checksums, addresses, creators, labels, chain-level admins
//! (or `--admin`), creation heights and every raw key/value. Not restored: the contracts' bank
//! balances (native coins they held) and the code history before the backup (one `GENESIS`
//! entry per contract). `--incentive-admin` also rewrites the incentive's own `admin` (its
//! `config` item) and drops a pending admin, so that a rehearsal chain can be operated with a
//! local key; the restored incentive state then differs from the backup in that one entry.
//!
//! It also writes the state file of the restored chain (`deployments/<genesis chain-id>.json`
//! under the plan's `state_dir`, unless one exists there), so that `deploy verify`, `plan`,
//! `apply` and `ops` work on the restored stack at once.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value};

use super::files::{read_state_lines, Manifest, StateLine, WASM_FILE};
use super::verify::verify_dir;
use crate::cmd::Context;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::state::{CodeRecord, ContractRecord, DeploymentState, LockMode};
use crate::ui::{table, Report};

/// One backup directory, read and verified.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Address of the account that instantiated the contract.
    pub creator: String,
    /// Height of the block that created it.
    pub created_height: Option<u64>,
    /// The code's creator and instantiate permission (`code_info.json`).
    pub code_creator: String,
    /// `instantiate_permission.permission` (1 Nobody, 3 Everybody, 4 AnyOfAddresses).
    pub permission: i32,
    /// `instantiate_permission.addresses`.
    pub permitted: Vec<String>,
    /// The code (uncompressed wasm).
    pub wasm: Vec<u8>,
    /// Every raw entry: key (lower-case hex), value (base64), in key order.
    pub state: Vec<StateLine>,
}

fn field<'a>(v: &'a Value, key: &str, file: &Path) -> Result<&'a Value> {
    v.get(key)
        .ok_or_else(|| Error::usage(format!("{}: no field '{key}'", file.display())))
}

fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::usage(format!("{} is not JSON: {e}", path.display())))
}

/// Reads `dir` after `backup verify` passed on it (exit 2 naming the failed checks otherwise).
pub fn load(dir: &Path) -> Result<Loaded> {
    let report = verify_dir(dir);
    if !report.ok {
        let bad: Vec<String> = report
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.item, c.detail))
            .collect();
        return Err(Error::usage(format!(
            "backup {} does not verify, refusing to restore it: {}",
            dir.display(),
            bad.join("; ")
        )));
    }
    let manifest = report.manifest.expect("a verified backup has its manifest");
    let ci_path = dir.join("contract_info.json");
    let ci = read_json(&ci_path)?;
    let code_path = dir.join("code_info.json");
    let code = read_json(&code_path)?;
    let wasm_path = dir.join(WASM_FILE);
    let wasm = std::fs::read(&wasm_path).map_err(|e| Error::io("read", &wasm_path, e))?;
    let state = read_state_lines(dir)?;
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    Ok(Loaded {
        dir: dir.to_path_buf(),
        creator: s(field(&ci, "creator", &ci_path)?),
        created_height: ci.get("created_height").and_then(Value::as_u64),
        code_creator: s(field(&code, "creator", &code_path)?),
        permission: field(&code, "permission", &code_path)?
            .as_i64()
            .unwrap_or(3) as i32,
        permitted: code
            .get("permitted")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(s).collect())
            .unwrap_or_default(),
        manifest,
        wasm,
        state,
    })
}

/// The backups must be one snapshot: same chain-id and height, one directory per contract.
/// Errors (exit 2) name the odd directory.
pub fn check_one_snapshot(backups: &[Loaded]) -> Result<()> {
    let Some(first) = backups.first() else {
        return Err(Error::usage("no backup directory given"));
    };
    for b in &backups[1..] {
        let (m, f) = (&b.manifest, &first.manifest);
        if (m.chain_id.as_str(), m.height) != (f.chain_id.as_str(), f.height) {
            return Err(Error::usage(format!(
                "{} is of chain-id {} at height {}, but {} is of {} at {}: restore the backups of one `luckee backup` run together",
                b.dir.display(),
                m.chain_id,
                m.height,
                first.dir.display(),
                f.chain_id,
                f.height
            )));
        }
    }
    for (i, b) in backups.iter().enumerate() {
        if let Some(o) = backups[..i]
            .iter()
            .find(|o| o.manifest.contract.address == b.manifest.contract.address)
        {
            return Err(Error::usage(format!(
                "{} and {} are backups of the same contract {}",
                o.dir.display(),
                b.dir.display(),
                b.manifest.contract.address
            )));
        }
    }
    Ok(())
}

/// The bech32 prefix of the genesis's accounts (`app_state.auth.accounts`, `bank.balances`),
/// `None` for a genesis without any.
pub fn genesis_prefix(genesis: &Value) -> Option<String> {
    let app = &genesis["app_state"];
    let from_auth = app["auth"]["accounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["address"].as_str());
    let from_bank = app["bank"]["balances"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["address"].as_str());
    from_auth
        .chain(from_bank)
        .find_map(|a| a.rsplit_once('1').map(|(p, _)| p.to_string()))
}

fn permission_name(p: i32) -> &'static str {
    match p {
        1 => "Nobody",
        4 => "AnyOfAddresses",
        _ => "Everybody",
    }
}

/// The incentive's `config` item with `admin` replaced (raw key `config`, JSON value).
fn with_incentive_admin(state: &[StateLine], admin: &str) -> Result<Vec<StateLine>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let config_key = hex::encode(b"config");
    let pending_key = hex::encode(b"pending_admin");
    let mut found = false;
    let mut out = Vec::with_capacity(state.len());
    for l in state {
        if l.key == pending_key {
            continue;
        }
        if l.key == config_key {
            let raw = b64
                .decode(&l.value)
                .map_err(|e| Error::usage(format!("incentive config value: {e}")))?;
            let mut cfg: Value = serde_json::from_slice(&raw)
                .map_err(|e| Error::usage(format!("incentive config is not JSON: {e}")))?;
            cfg["admin"] = json!(admin);
            out.push(StateLine {
                key: l.key.clone(),
                value: b64.encode(serde_json::to_vec(&cfg).expect("json")),
            });
            found = true;
        } else {
            out.push(l.clone());
        }
    }
    if !found {
        return Err(Error::usage(
            "--incentive-admin: the incentive backup has no `config` item",
        ));
    }
    Ok(out)
}

/// `app_state.wasm` of `existing` (the genesis's) with the backups' codes and contracts added
/// (see the module docs). Pure. Errors (exit 2): a code id with two checksums, a code id or
/// contract address the genesis already has, `--incentive-admin` without an incentive backup.
pub fn wasm_genesis(
    backups: &[Loaded],
    existing: &Value,
    admin: Option<&str>,
    incentive_admin: bool,
) -> Result<Value> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut wasm = existing.clone();
    for k in ["codes", "contracts", "sequences"] {
        if !wasm[k].is_array() {
            wasm[k] = json!([]);
        }
    }
    let existing_code = |id: u64, w: &Value| {
        w["codes"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["code_id"].as_str() == Some(&id.to_string()))
    };
    let mut code_ids: Vec<(u64, String)> = Vec::new();
    if incentive_admin
        && !backups
            .iter()
            .any(|b| b.manifest.contract.name == ContractKind::Incentive.name())
    {
        return Err(Error::usage(
            "--incentive-admin: none of the backups is of the luckee_incentive contract",
        ));
    }
    for b in backups {
        let c = &b.manifest.contract;
        match code_ids.iter().find(|(id, _)| *id == c.code_id) {
            Some((_, sum)) if *sum != c.checksum => {
                return Err(Error::usage(format!(
                    "code_id {} appears with two checksums ({sum} and {} in {})",
                    c.code_id,
                    c.checksum,
                    b.dir.display()
                )))
            }
            Some(_) => {}
            None => {
                if existing_code(c.code_id, &wasm) {
                    return Err(Error::usage(format!(
                        "the genesis already has a code with id {}",
                        c.code_id
                    )));
                }
                code_ids.push((c.code_id, c.checksum.clone()));
                let hash = hex::decode(&c.checksum)
                    .map_err(|e| Error::usage(format!("checksum {}: {e}", c.checksum)))?;
                wasm["codes"].as_array_mut().expect("array").push(json!({
                    "code_id": c.code_id.to_string(),
                    "code_info": {
                        "code_hash": b64.encode(hash),
                        "creator": b.code_creator,
                        "instantiate_config": {"permission": permission_name(b.permission), "addresses": b.permitted},
                    },
                    "code_bytes": b64.encode(&b.wasm),
                    "pinned": false,
                }));
            }
        }
        if wasm["contracts"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|x| x["contract_address"] == json!(c.address))
        {
            return Err(Error::usage(format!(
                "the genesis already has a contract at {}",
                c.address
            )));
        }
        let state = match (incentive_admin, admin) {
            (true, Some(a)) if c.name == ContractKind::Incentive.name() => {
                with_incentive_admin(&b.state, a)?
            }
            _ => b.state.clone(),
        };
        let created =
            json!({"block_height": b.created_height.unwrap_or(1).to_string(), "tx_index": "0"});
        wasm["contracts"].as_array_mut().expect("array").push(json!({
            "contract_address": c.address,
            "contract_info": {
                "code_id": c.code_id.to_string(),
                "creator": b.creator,
                "admin": admin.unwrap_or(&c.admin),
                "label": c.label,
                "created": created,
                "ibc_port_id": "",
                "extension": null,
            },
            "contract_state": state.iter().map(|l| json!({"key": l.key.to_uppercase(), "value": l.value})).collect::<Vec<_>>(),
            "contract_code_history": [{
                "operation": "CONTRACT_CODE_HISTORY_OPERATION_TYPE_GENESIS",
                "code_id": c.code_id.to_string(),
                "updated": created,
                "msg": {},
            }],
        }));
    }
    // Sequences: the next code id above every code, the next instance id above the count.
    let max_code = wasm["codes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["code_id"].as_str()?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let contracts = wasm["contracts"].as_array().map(Vec::len).unwrap_or(0) as u64;
    let set_seq = |w: &mut Value, key: &[u8], at_least: u64| {
        let id_key = b64.encode(key);
        let seqs = w["sequences"].as_array_mut().expect("array");
        match seqs.iter_mut().find(|s| s["id_key"] == json!(id_key)) {
            Some(s) => {
                let cur = s["value"]
                    .as_str()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                s["value"] = json!(cur.max(at_least).to_string());
            }
            None => seqs.push(json!({"id_key": id_key, "value": at_least.to_string()})),
        }
    };
    set_seq(&mut wasm, b"\x04lastCodeId", max_code + 1);
    set_seq(&mut wasm, b"\x04lastContractId", contracts + 1);
    Ok(wasm)
}

/// The deployment state of the restored stack on the chain `chain_id` (as `deploy` would have
/// recorded it): codes, contracts (luckee-deployed ones) and `existing` ones, the creator as
/// deployer. Pure.
pub fn restored_state(
    backups: &[Loaded],
    chain_id: &str,
    salt: &str,
    admin: Option<&str>,
) -> Result<DeploymentState> {
    let mut state = DeploymentState::new(chain_id);
    for b in backups {
        let c = &b.manifest.contract;
        let kind: ContractKind = c.name.parse()?;
        if !c.deployed_by_luckee {
            state.external.insert(kind, c.address.clone());
            continue;
        }
        state.deployer.get_or_insert_with(|| b.creator.clone());
        state.codes.insert(
            kind,
            CodeRecord {
                checksum: c.checksum.clone(),
                code_id: c.code_id,
                store_tx: None,
                height: None,
            },
        );
        state.contracts.insert(
            kind,
            ContractRecord {
                address: c.address.clone(),
                code_id: c.code_id,
                checksum: c.checksum.clone(),
                store_tx: None,
                instantiate_tx: None,
                label: c.label.clone(),
                admin: admin.unwrap_or(&c.admin).to_string(),
                height: b.created_height,
                salt: format!("{salt}/{}", kind.name()),
            },
        );
    }
    Ok(state)
}

/// One restored contract.
#[derive(Debug, Clone, Serialize)]
pub struct RestoredRow {
    /// Contract name (`luckee_incentive`, …).
    pub contract: String,
    /// Its address (unchanged).
    pub address: String,
    /// Code id (unchanged).
    pub code_id: u64,
    /// Raw state entries written.
    pub entries: usize,
    /// Chain-level admin on the restored chain.
    pub admin: String,
}

/// Result of `backup restore`.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// The genesis file written.
    pub genesis: String,
    /// Chain-id and height of the backups.
    pub source_chain_id: String,
    /// Height of the backups.
    pub source_height: u64,
    /// Every contract written.
    pub contracts: Vec<RestoredRow>,
    /// The state file written for the restored chain (`None`: one existed and was kept).
    pub state_file: Option<String>,
}

impl Report for RestoreReport {
    fn text(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .contracts
            .iter()
            .map(|r| {
                vec![
                    r.contract.clone(),
                    r.address.clone(),
                    r.code_id.to_string(),
                    r.entries.to_string(),
                    r.admin.clone(),
                ]
            })
            .collect();
        let mut out = table(
            &["CONTRACT", "ADDRESS", "CODE_ID", "ENTRIES", "ADMIN"],
            &rows,
        );
        if let Some(f) = &self.state_file {
            out.push_str(&format!("state file for the restored chain: {f}\n"));
        }
        out.push_str(&format!(
            "restored {} contract(s) of {} at height {} into {}; start the chain, then `luckee backup verify DIR --against-chain`\n",
            self.contracts.len(),
            self.source_chain_id,
            self.source_height,
            self.genesis
        ));
        out
    }
}

/// Runs `backup restore` (see the module docs).
pub fn run(
    ctx: &Context,
    dirs: &[PathBuf],
    genesis: &Path,
    admin: Option<&str>,
    incentive_admin: bool,
) -> Result<()> {
    if let Some(a) = admin {
        ctx.net.check_address("--admin", a)?;
    }
    if incentive_admin && admin.is_none() {
        return Err(Error::usage("--incentive-admin needs --admin ADDRESS"));
    }
    let backups = dirs
        .iter()
        .map(|d| load(&ctx.cwd.join(d)))
        .collect::<Result<Vec<_>>>()?;
    check_one_snapshot(&backups)?;
    let path = ctx.cwd.join(genesis);
    let mut doc = read_json(&path)?;
    if !doc["app_state"]["wasm"].is_object() {
        return Err(Error::usage(format!(
            "{} has no app_state.wasm: not a wasmd genesis",
            path.display()
        )));
    }
    let backup_prefix = backups[0]
        .manifest
        .contract
        .address
        .rsplit_once('1')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    if let Some(p) = genesis_prefix(&doc) {
        if p != backup_prefix {
            return Err(Error::usage(format!(
                "{} uses bech32 prefix '{p}', the backups' addresses '{backup_prefix}': restore onto a chain built with prefix '{backup_prefix}' (for wasmd: the binary's Bech32Prefix, e.g. wasmd built with that prefix)",
                path.display()
            )));
        }
    }
    doc["app_state"]["wasm"] =
        wasm_genesis(&backups, &doc["app_state"]["wasm"], admin, incentive_admin)?;
    let chain_id = doc["chain_id"].as_str().unwrap_or_default().to_string();
    let state = restored_state(&backups, &chain_id, &ctx.plan.salt, admin)?;
    // The state file of the restored chain, unless one exists (never overwritten).
    let state_dir = ctx.cwd.join(&ctx.plan.state_dir);
    let (mut store, existing) =
        crate::state::StateStore::open(&state_dir, &chain_id, LockMode::Exclusive)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bytes =
        serde_json::to_vec_pretty(&doc).map_err(|e| Error::usage(format!("genesis JSON: {e}")))?;
    crate::fs::atomic_write(dir, &path, &bytes)?;
    let state_file = if store.exists() && existing != DeploymentState::new(&chain_id) {
        None
    } else {
        store.save(&state)?;
        Some(store.json_path().display().to_string())
    };
    let m = &backups[0].manifest;
    ctx.print(&RestoreReport {
        genesis: path.display().to_string(),
        source_chain_id: m.chain_id.clone(),
        source_height: m.height,
        contracts: backups
            .iter()
            .map(|b| RestoredRow {
                contract: b.manifest.contract.name.clone(),
                address: b.manifest.contract.address.clone(),
                code_id: b.manifest.contract.code_id,
                entries: b.state.len(),
                admin: admin.unwrap_or(&b.manifest.contract.admin).to_string(),
            })
            .collect(),
        state_file,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::backup::files::ManifestContract;

    fn loaded(name: &str, address: &str, code_id: u64, height: u64) -> Loaded {
        let b64 = base64::engine::general_purpose::STANDARD;
        let config = serde_json::to_vec(&json!({"admin": "wasm1old", "enabled": true})).unwrap();
        Loaded {
            dir: PathBuf::from(format!("/b/{name}")),
            manifest: Manifest {
                format: 1,
                luckee_version: "0.1.0".into(),
                chain_id: "c".into(),
                height,
                block_time: String::new(),
                started_at: String::new(),
                finished_at_unix: 0.0,
                duration_seconds: 0.0,
                contract: ManifestContract {
                    name: name.into(),
                    address: address.into(),
                    code_id,
                    checksum: "ab".repeat(32),
                    label: format!("{name} label"),
                    admin: "wasm1admin".into(),
                    deployed_by_luckee: true,
                },
                tag: None,
                state_entries: 2,
                files: vec![],
            },
            creator: "wasm1creator".into(),
            created_height: Some(7),
            code_creator: "wasm1creator".into(),
            permission: 3,
            permitted: vec![],
            wasm: b"\0asm".to_vec(),
            state: vec![
                StateLine {
                    key: hex::encode(b"config"),
                    value: b64.encode(config),
                },
                StateLine {
                    key: hex::encode(b"pending_admin"),
                    value: b64.encode(b"\"wasm1p\""),
                },
            ],
        }
    }

    fn empty() -> Value {
        json!({"params": {}, "codes": [], "contracts": [], "sequences": []})
    }

    #[test]
    fn contracts_codes_and_sequences_are_written() {
        let b = [
            loaded("mock_registry", "wasm1reg", 4, 9),
            loaded("luckee_incentive", "wasm1inc", 6, 9),
        ];
        let mut b1 = b[1].clone();
        b1.manifest.contract.checksum = "cd".repeat(32);
        let w = wasm_genesis(&[b[0].clone(), b1], &empty(), None, false).unwrap();
        assert_eq!(w["codes"].as_array().unwrap().len(), 2);
        assert_eq!(w["contracts"][1]["contract_info"]["admin"], "wasm1admin");
        assert_eq!(
            w["contracts"][0]["contract_state"][0]["key"],
            hex::encode_upper(b"config")
        );
        let seq = |k: &[u8]| {
            let id = base64::engine::general_purpose::STANDARD.encode(k);
            w["sequences"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["id_key"] == json!(id))
                .unwrap()["value"]
                .clone()
        };
        assert_eq!(seq(b"\x04lastCodeId"), "7");
        assert_eq!(seq(b"\x04lastContractId"), "3");
        // the same code id with two checksums is refused
        let mut clash = b[1].clone();
        clash.manifest.contract.code_id = 4;
        clash.manifest.contract.checksum = "ef".repeat(32);
        assert_eq!(
            wasm_genesis(&[b[0].clone(), clash], &empty(), None, false)
                .unwrap_err()
                .exit_code(),
            2
        );
    }

    #[test]
    fn admin_override_and_incentive_admin() {
        let b = [loaded("luckee_incentive", "wasm1inc", 6, 9)];
        let w = wasm_genesis(&b, &empty(), Some("wasm1me"), true).unwrap();
        assert_eq!(w["contracts"][0]["contract_info"]["admin"], "wasm1me");
        let state = w["contracts"][0]["contract_state"].as_array().unwrap();
        assert_eq!(state.len(), 1, "pending admin dropped");
        let raw = base64::engine::general_purpose::STANDARD
            .decode(state[0]["value"].as_str().unwrap())
            .unwrap();
        let cfg: Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(
            (cfg["admin"].as_str(), cfg["enabled"].as_bool()),
            (Some("wasm1me"), Some(true))
        );
        let reg = [loaded("mock_registry", "wasm1reg", 4, 9)];
        assert!(wasm_genesis(&reg, &empty(), Some("wasm1me"), true).is_err());
    }

    #[test]
    fn one_snapshot_and_prefix() {
        let a = loaded("mock_registry", "wasm1reg", 4, 9);
        let b = loaded("mock_ft", "wasm1ft", 5, 10);
        let e = check_one_snapshot(&[a.clone(), b]).unwrap_err().to_string();
        assert!(e.contains("/b/mock_ft") && e.contains("height 10"), "{e}");
        assert!(check_one_snapshot(&[a.clone(), a.clone()])
            .unwrap_err()
            .to_string()
            .contains("same contract"));
        let g = json!({"app_state": {"auth": {"accounts": [{"address": "cosmos1abc"}]}}});
        assert_eq!(genesis_prefix(&g).as_deref(), Some("cosmos"));
        assert_eq!(genesis_prefix(&json!({"app_state": {}})), None);
    }
}
