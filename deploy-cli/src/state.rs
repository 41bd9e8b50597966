//! Deployment state: `deployments/<chain-id>.json` (the record of what landed on which chain)
//! and `deployments/<chain-id>.env` (the seed's shell variables, derived from it).
//!
//! * Locked: `<chain-id>.lock` is held with an OS file lock (exclusive for deploy runs, shared
//!   for verify) for the whole run; a second concurrent run exits 5.
//! * Atomic: every write goes to a temp file in the same directory, is fsynced, renamed over
//!   the old file, and the directory is fsynced — a crash leaves the old or the new file, never
//!   a torn one.
//! * Crash-safe protocol: before a tx is broadcast its hash is saved in [`DeploymentState::pending`];
//!   the next run looks that hash up and records (or discards) its effects before doing
//!   anything else.
//! * Written only when its content changes, so a run that changes nothing leaves both files
//!   byte-identical.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::contracts::ContractKind;
use crate::error::{Error, Result};
pub use crate::fs::LockMode;
use crate::fs::{atomic_write, chain_id_as_file_name, try_lock};

/// Version of the state-file schema.
pub const STATE_VERSION: u32 = 1;

/// A stored code: one upload of an artifact (`MsgStoreCode`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    /// sha256 of the uncompressed wasm, lower-case hex (the chain's code checksum).
    pub checksum: String,
    /// Code id assigned by the chain.
    pub code_id: u64,
    /// Hash of the store tx (upper-case hex); `None` when an existing code was adopted.
    pub store_tx: Option<String>,
    /// Height of the store tx's block.
    pub height: Option<u64>,
}

/// An instantiated contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRecord {
    /// Bech32 contract address.
    pub address: String,
    /// Code id it was instantiated from.
    pub code_id: u64,
    /// sha256 of that code's wasm, lower-case hex.
    pub checksum: String,
    /// Hash of the store tx of that code.
    pub store_tx: Option<String>,
    /// Hash of the instantiate tx; `None` when found on chain without its tx.
    pub instantiate_tx: Option<String>,
    /// Label given at instantiate.
    pub label: String,
    /// Contract (migration) admin.
    pub admin: String,
    /// Height of the instantiate tx's block.
    pub height: Option<u64>,
    /// instantiate2 salt (UTF-8).
    pub salt: String,
}

/// A store-code message of a pending tx.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingUpload {
    /// Index of the message in the tx.
    pub msg_index: usize,
    /// Which contract.
    pub contract: ContractKind,
    /// sha256 of the uncompressed wasm being stored, lower-case hex.
    pub checksum: String,
}

/// An instantiate2 message of a pending tx, with the address it will create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInstantiate {
    /// Index of the message in the tx.
    pub msg_index: usize,
    /// Which contract.
    pub contract: ContractKind,
    /// The predicted instantiate2 address.
    pub address: String,
    /// Code id instantiated.
    pub code_id: u64,
    /// sha256 of that code, lower-case hex.
    pub checksum: String,
    /// Store tx of that code.
    pub store_tx: Option<String>,
    /// Label given.
    pub label: String,
    /// Contract (migration) admin.
    pub admin: String,
    /// instantiate2 salt (UTF-8).
    pub salt: String,
}

/// Whether an upgrade moved a contract to a new code (`deploy migrate`) or back to an earlier
/// one (`deploy rollback`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeKind {
    /// `luckee deploy migrate`.
    Migrate,
    /// `luckee deploy rollback`.
    Rollback,
}

impl UpgradeKind {
    /// `migrate` or `rollback`.
    pub fn as_str(self) -> &'static str {
        match self {
            UpgradeKind::Migrate => "migrate",
            UpgradeKind::Rollback => "rollback",
        }
    }
}

/// One code of an upgrade: code id, checksum and the cw2 version it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeVersion {
    /// Code id on chain.
    pub code_id: u64,
    /// sha256 of its wasm, lower-case hex.
    pub checksum: String,
    /// cw2 version: read from the contract before the upgrade (`from`), or the version the new
    /// code declares (`to`: the artifact's schema, or the history); `None` when unknown.
    pub version: Option<String>,
}

/// A `MsgMigrateContract` of a pending tx: everything its history entry needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMigrate {
    /// Index of the message in the tx.
    pub msg_index: usize,
    /// Which contract.
    pub contract: ContractKind,
    /// Migrate or rollback.
    pub kind: UpgradeKind,
    /// The code the contract ran before.
    pub from: CodeVersion,
    /// The code it is migrated to.
    pub to: CodeVersion,
    /// Store tx of the new code, if luckee stored it.
    pub store_tx: Option<String>,
    /// The verified backup taken just before (`…/<contract>/<UTC time>/`).
    pub backup: Option<PathBuf>,
}

/// One entry of a contract's upgrade history (append-only: entries are never changed or
/// removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeRecord {
    /// Migrate or rollback.
    pub kind: UpgradeKind,
    /// The code the contract ran before.
    pub from: CodeVersion,
    /// The code it runs since.
    pub to: CodeVersion,
    /// Hash of the `MsgMigrateContract` tx (upper-case hex).
    pub tx_hash: String,
    /// Height of that tx's block.
    pub height: u64,
    /// When the tx was broadcast, RFC 3339 UTC (this machine's clock).
    pub time: String,
    /// The verified pre-upgrade backup directory.
    pub backup: Option<PathBuf>,
}

/// What a tx's messages do, for [`PendingTx`]: its store, instantiate and migrate messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxEffects {
    /// Store-code messages.
    pub uploads: Vec<PendingUpload>,
    /// instantiate2 messages.
    pub instantiates: Vec<PendingInstantiate>,
    /// Migrate messages.
    pub migrates: Vec<PendingMigrate>,
}

/// A tx that was signed and recorded but whose outcome this file does not know yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTx {
    /// Tx hash (upper-case hex sha256 of the tx bytes).
    pub tx_hash: String,
    /// What the tx does (`upload`, `instantiate`, `minter`, `setup`).
    pub tags: Vec<String>,
    /// Unix time (seconds) just before broadcast.
    pub recorded_at: u64,
    /// The chain's latest height when it was signed (it lands above): where a node without a
    /// tx indexer is searched from. Absent in state files of luckee ≤ 0.1.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_height: Option<u64>,
    /// Store-code messages, in message order.
    #[serde(default)]
    pub uploads: Vec<PendingUpload>,
    /// instantiate2 messages, in message order.
    #[serde(default)]
    pub instantiates: Vec<PendingInstantiate>,
    /// Migrate messages (`deploy migrate` / `rollback`), in message order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub migrates: Vec<PendingMigrate>,
}

/// The whole state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentState {
    /// [`STATE_VERSION`].
    pub version: u32,
    /// Chain-id this file belongs to.
    pub chain_id: String,
    /// Address of the key that deployed (the default admin of the plan).
    #[serde(default)]
    pub deployer: Option<String>,
    /// Codes by contract, the latest upload of each artifact.
    #[serde(default)]
    pub codes: BTreeMap<ContractKind, CodeRecord>,
    /// Instantiated contracts.
    #[serde(default)]
    pub contracts: BTreeMap<ContractKind, ContractRecord>,
    /// Contracts the plan names as existing (not deployed by us), by contract kind.
    #[serde(default)]
    pub external: BTreeMap<ContractKind, String>,
    /// The tx in flight, if any.
    #[serde(default)]
    pub pending: Option<PendingTx>,
    /// Upgrade history of each contract, oldest first, append-only (`deploy migrate` /
    /// `rollback`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub history: BTreeMap<ContractKind, Vec<UpgradeRecord>>,
    /// Upgrades whose post-checks have not run yet: the migrate tx hash by contract. Set when
    /// the tx is recorded, cleared once `deploy migrate` / `rollback` ran the checks (passed or
    /// not: the result is reported then); the next run of either runs them first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unchecked_upgrades: BTreeMap<ContractKind, String>,
}

impl DeploymentState {
    /// An empty state for `chain_id`.
    pub fn new(chain_id: &str) -> Self {
        DeploymentState {
            version: STATE_VERSION,
            chain_id: chain_id.into(),
            deployer: None,
            codes: BTreeMap::new(),
            contracts: BTreeMap::new(),
            external: BTreeMap::new(),
            pending: None,
            history: BTreeMap::new(),
            unchecked_upgrades: BTreeMap::new(),
        }
    }

    /// The address of `kind`: our instance, else the external one.
    pub fn address_of(&self, kind: ContractKind) -> Option<&str> {
        self.contracts
            .get(&kind)
            .map(|c| c.address.as_str())
            .or_else(|| self.external.get(&kind).map(String::as_str))
    }

    /// The `.env` file text: `CHAIN_ID`, the seed's contract variables and the code ids.
    pub fn env_text(&self) -> String {
        let mut out =
            String::from("# Written by luckee from the .json file beside it; do not edit.\n");
        out.push_str(&format!("CHAIN_ID={}\n", self.chain_id));
        for kind in [
            ContractKind::Incentive,
            ContractKind::Ft,
            ContractKind::Registry,
        ] {
            let code = self
                .contracts
                .get(&kind)
                .map(|c| c.code_id)
                .or(self.codes.get(&kind).map(|c| c.code_id));
            if let Some(code_id) = code {
                out.push_str(&format!("{}={code_id}\n", kind.code_id_env()));
            }
            if let Some(addr) = self.address_of(kind) {
                out.push_str(&format!("{}={addr}\n", kind.address_env()));
            }
        }
        out
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("state serializes");
        v.push(b'\n');
        v
    }
}

/// The open, locked state of one chain. Dropping it releases the lock.
#[derive(Debug)]
pub struct StateStore {
    dir: PathBuf,
    chain_id: String,
    json_path: PathBuf,
    env_path: PathBuf,
    on_disk: Option<Vec<u8>>,
    existed: bool,
    _lock: File,
}

impl StateStore {
    /// Opens (creating `dir` if needed) and locks the state of `chain_id`, and reads it.
    ///
    /// Errors: exit 5 if another run holds the lock; exit 2 if the file is not valid state JSON
    /// (it is left untouched), or is for another chain-id or schema version.
    pub fn open(
        dir: &Path,
        chain_id: &str,
        mode: LockMode,
    ) -> Result<(StateStore, DeploymentState)> {
        chain_id_as_file_name(chain_id)?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        let lock_path = dir.join(format!("{chain_id}.lock"));
        let lock = try_lock(&lock_path, mode)?
            .ok_or_else(|| Error::Busy(lock_path.display().to_string()))?;
        let json_path = dir.join(format!("{chain_id}.json"));
        let env_path = dir.join(format!("{chain_id}.env"));
        let (on_disk, state) = match read_state_file(&json_path, chain_id)? {
            Some((bytes, state)) => (Some(bytes), state),
            None => (None, DeploymentState::new(chain_id)),
        };
        Ok((
            StateStore {
                dir: dir.to_path_buf(),
                chain_id: chain_id.to_string(),
                json_path,
                env_path,
                existed: on_disk.is_some(),
                on_disk,
                _lock: lock,
            },
            state,
        ))
    }

    /// Path of the `.json` file.
    pub fn json_path(&self) -> &Path {
        &self.json_path
    }

    /// Whether a state file existed or has been written.
    pub fn exists(&self) -> bool {
        self.on_disk.is_some()
    }

    /// Writes `state` (and the `.env` file) atomically if it differs from what is on disk. An
    /// empty state is not written where no file existed when the run began (a failed first
    /// run leaves no file: one it created meanwhile is removed again).
    pub fn save(&mut self, state: &DeploymentState) -> Result<()> {
        let bytes = state.to_bytes();
        if self.on_disk.as_deref() == Some(bytes.as_slice()) {
            return Ok(());
        }
        if !self.existed && *state == DeploymentState::new(&self.chain_id) {
            if self.on_disk.take().is_some() {
                for p in [&self.json_path, &self.env_path] {
                    std::fs::remove_file(p).map_err(|e| Error::io("remove", p, e))?;
                }
            }
            return Ok(());
        }
        atomic_write(&self.dir, &self.json_path, &bytes)?;
        atomic_write(&self.dir, &self.env_path, state.env_text().as_bytes())?;
        self.on_disk = Some(bytes);
        Ok(())
    }
}

/// Reads the state of `chain_id` in `dir` without taking the lock (`None` if there is none
/// yet). Safe while another run writes it, since every write is an atomic rename; for
/// read-only commands that must not wait for (or be refused by) a running deploy, such as
/// `ops pause` and `backup`.
///
/// Errors: exit 6 if the file is unreadable; exit 2 if it is not state JSON, or for another
/// chain-id / schema.
pub fn read_snapshot(dir: &Path, chain_id: &str) -> Result<Option<DeploymentState>> {
    Ok(read_state_file(&dir.join(format!("{chain_id}.json")), chain_id)?.map(|(_, state)| state))
}

/// Reads and checks `<chain-id>.json`: its bytes and parsed state, `None` if missing.
fn read_state_file(json_path: &Path, chain_id: &str) -> Result<Option<(Vec<u8>, DeploymentState)>> {
    let bytes = match std::fs::read(json_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("read", json_path, e)),
    };
    let state: DeploymentState = serde_json::from_slice(&bytes).map_err(|e| {
        Error::usage(format!(
            "state file {} is corrupt ({e}); repair it or move it away (nothing was changed)",
            json_path.display()
        ))
    })?;
    if state.version != STATE_VERSION {
        return Err(Error::usage(format!(
            "state file {} has version {}, this luckee reads version {STATE_VERSION}",
            json_path.display(),
            state.version
        )));
    }
    if state.chain_id != chain_id {
        return Err(Error::usage(format!(
            "state file {} is for chain-id '{}', not '{chain_id}'",
            json_path.display(),
            state.chain_id
        )));
    }
    Ok(Some((bytes, state)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DeploymentState {
        let mut s = DeploymentState::new("luckee-local");
        s.codes.insert(
            ContractKind::Incentive,
            CodeRecord {
                checksum: "ab".repeat(32),
                code_id: 7,
                store_tx: Some("AA".into()),
                height: Some(5),
            },
        );
        s.contracts.insert(
            ContractKind::Incentive,
            ContractRecord {
                address: "wasm1xyz".into(),
                code_id: 7,
                checksum: "ab".repeat(32),
                store_tx: Some("AA".into()),
                instantiate_tx: Some("BB".into()),
                label: "Luckee Incentive v1.0".into(),
                admin: "wasm1admin".into(),
                height: Some(6),
                salt: "luckee-v1/luckee_incentive".into(),
            },
        );
        s.external.insert(ContractKind::Ft, "wasm1ft".into());
        s
    }

    #[test]
    fn roundtrip_env_and_no_rewrite_when_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, state) =
            StateStore::open(dir.path(), "luckee-local", LockMode::Exclusive).unwrap();
        assert_eq!(state, DeploymentState::new("luckee-local"));
        assert!(!store.exists());
        store.save(&state).unwrap();
        assert!(
            !dir.path().join("luckee-local.json").exists(),
            "empty state is not written"
        );
        let mut pending = state.clone();
        pending.pending = Some(PendingTx {
            tx_hash: "AB".into(),
            tags: vec![],
            recorded_at: 0,
            from_height: None,
            uploads: vec![],
            instantiates: vec![],
            migrates: vec![],
        });
        store.save(&pending).unwrap();
        assert!(dir.path().join("luckee-local.json").exists());
        store.save(&state).unwrap();
        assert!(
            !dir.path().join("luckee-local.json").exists(),
            "back to no file"
        );
        assert!(!dir.path().join("luckee-local.env").exists());
        let s = sample();
        store.save(&s).unwrap();
        let json = dir.path().join("luckee-local.json");
        let mtime = std::fs::metadata(&json).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        store.save(&s).unwrap();
        assert_eq!(std::fs::metadata(&json).unwrap().modified().unwrap(), mtime);
        drop(store);
        let (_store, back) =
            StateStore::open(dir.path(), "luckee-local", LockMode::Shared).unwrap();
        assert_eq!(back, s);
        let env = std::fs::read_to_string(dir.path().join("luckee-local.env")).unwrap();
        assert!(env.contains("LUCKY_INCENTIVE_CODE_ID=7\n"), "{env}");
        assert!(env.contains("LUCKY_INCENTIVE_CONTRACT=wasm1xyz\n"));
        assert!(env.contains("LUCKY_FT_CONTRACT=wasm1ft\n"));
        assert!(!env.contains("DD_REGISTRY_CONTRACT"));
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")));
    }

    #[test]
    fn second_exclusive_open_is_busy_and_shared_opens_coexist() {
        let dir = tempfile::tempdir().unwrap();
        let (_a, _) = StateStore::open(dir.path(), "c", LockMode::Exclusive).unwrap();
        let e = StateStore::open(dir.path(), "c", LockMode::Exclusive).unwrap_err();
        assert_eq!(e.exit_code(), 5);
        assert_eq!(
            StateStore::open(dir.path(), "c", LockMode::Shared)
                .unwrap_err()
                .exit_code(),
            5
        );
        let dir2 = tempfile::tempdir().unwrap();
        let (_s1, _) = StateStore::open(dir2.path(), "c", LockMode::Shared).unwrap();
        let (_s2, _) = StateStore::open(dir2.path(), "c", LockMode::Shared).unwrap();
    }

    #[test]
    fn corrupt_or_foreign_state_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("c.json");
        std::fs::write(&json, b"{ not json").unwrap();
        let e = StateStore::open(dir.path(), "c", LockMode::Exclusive).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("corrupt"));
        assert_eq!(std::fs::read(&json).unwrap(), b"{ not json");
        let mut other = sample();
        other.chain_id = "d".into();
        std::fs::write(&json, serde_json::to_vec(&other).unwrap()).unwrap();
        assert!(StateStore::open(dir.path(), "c", LockMode::Exclusive)
            .unwrap_err()
            .to_string()
            .contains("chain-id"));
        assert!(StateStore::open(dir.path(), "../x", LockMode::Exclusive).is_err());
    }

    #[test]
    fn pending_roundtrips() {
        let mut s = sample();
        s.pending = Some(PendingTx {
            tx_hash: "CC".into(),
            tags: vec!["instantiate".into()],
            recorded_at: 1,
            from_height: Some(5),
            uploads: vec![PendingUpload {
                msg_index: 0,
                contract: ContractKind::Ft,
                checksum: "00".into(),
            }],
            instantiates: vec![],
            migrates: vec![],
        });
        let back: DeploymentState = serde_json::from_slice(&s.to_bytes()).unwrap();
        assert_eq!(back, s);
        assert!(String::from_utf8(s.to_bytes())
            .unwrap()
            .contains("\"mock_ft\""));
    }
}
