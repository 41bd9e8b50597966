//! The on-disk format of one backup: `manifest.json`, the hashed files it lists, the raw state
//! as JSON lines, and how directories are recognised (complete, interrupted, being pruned).
//!
//! ```text
//! ROOT/<chain-id>/.luckee-backup.lock          held (OS lock) while a backup runs
//! ROOT/<chain-id>/<contract>/20240131T120000Z/  one complete backup (only ever renamed into place)
//!     manifest.json   contract_info.json   code_info.json   code.wasm   state.jsonl   <queries>.json
//! ROOT/<chain-id>/<contract>/.incomplete-…/    a backup being written, or one killed midway
//! ROOT/<chain-id>/<contract>/.pruning-…/       a backup being deleted by retention
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Version of the backup format written in `manifest.json`.
pub const FORMAT: u32 = 1;
/// The manifest's file name; written last, so a directory without it is not a backup.
pub const MANIFEST: &str = "manifest.json";
/// The raw contract state: one JSON object per line, `{"key":"<hex>","value":"<base64>"}`, in
/// ascending key order (the order of `AllContractState`).
pub const STATE_FILE: &str = "state.jsonl";
/// The code's wasm bytes (sha256 = the code checksum).
pub const WASM_FILE: &str = "code.wasm";
/// Prefix of a backup being written (or killed midway): never a complete backup.
pub const INCOMPLETE_PREFIX: &str = ".incomplete-";
/// Prefix of a complete backup being deleted by retention.
pub const PRUNING_PREFIX: &str = ".pruning-";
/// Lock file in `ROOT/<chain-id>/`.
pub const LOCK_FILE: &str = ".luckee-backup.lock";

/// One file of a backup, as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// File name inside the backup directory.
    pub name: String,
    /// sha256 of its bytes, lower-case hex.
    pub sha256: String,
    /// Size, bytes.
    pub size: u64,
}

/// The contract a backup is of (`ContractInfo` and `CodeInfo` at the backup height).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestContract {
    /// Which contract (`luckee_incentive`, `mock_ft`, `mock_registry`).
    pub name: String,
    /// Bech32 address.
    pub address: String,
    /// Code id it runs.
    pub code_id: u64,
    /// sha256 of that code's wasm, lower-case hex (= sha256 of `code.wasm`).
    pub checksum: String,
    /// Label.
    pub label: String,
    /// Migration admin (empty = none).
    pub admin: String,
    /// Whether luckee deployed it (`false`: an `existing` contract of the plan).
    pub deployed_by_luckee: bool,
}

/// `manifest.json`: what was backed up, from which chain and block, and every file's hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// Version of the luckee that wrote it.
    pub luckee_version: String,
    /// Chain-id.
    pub chain_id: String,
    /// Block height every query was answered at.
    pub height: u64,
    /// That block's time, RFC 3339 UTC.
    pub block_time: String,
    /// When the backup started, RFC 3339 UTC (local clock).
    pub started_at: String,
    /// When it was complete (before the rename into place), Unix seconds.
    pub finished_at_unix: f64,
    /// How long it took, seconds.
    pub duration_seconds: f64,
    /// The contract.
    pub contract: ManifestContract,
    /// Why it was taken, when not by `luckee backup`: `pre-migrate` or `pre-rollback`
    /// (`deploy migrate` / `rollback`). Retention (`--keep`, `--max-age`) never deletes a
    /// tagged backup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Number of raw state entries in [`STATE_FILE`].
    pub state_entries: u64,
    /// Every other file of the directory.
    pub files: Vec<FileEntry>,
}

impl Manifest {
    /// Reads `dir/manifest.json`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::usage(format!(
                "{} is not a luckee backup manifest: {e}",
                path.display()
            ))
        })
    }

    /// Total size of the listed files, bytes.
    pub fn size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// One raw state entry, a line of [`STATE_FILE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateLine {
    /// The storage key, lower-case hex.
    pub key: String,
    /// The value, standard base64.
    pub value: String,
}

/// Every line of `dir/state.jsonl`, in file (key) order. Errors: exit 6 if unreadable, exit 2
/// if a line is not a state entry.
pub fn read_state_lines(dir: &Path) -> Result<Vec<StateLine>> {
    let path = dir.join(STATE_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    text.lines()
        .map(serde_json::from_str::<StateLine>)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::usage(format!("{}: {e}", path.display())))
}

/// A file being written into a backup: hashes and counts every byte, fsynced on
/// [`HashedFile::finish`].
pub struct HashedFile {
    name: String,
    path: PathBuf,
    out: BufWriter<File>,
    hasher: Sha256,
    size: u64,
}

impl HashedFile {
    /// Creates `dir/name` (must not exist).
    pub fn create(dir: &Path, name: &str) -> Result<HashedFile> {
        let path = dir.join(name);
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("create", &path, e))?;
        Ok(HashedFile {
            name: name.into(),
            path,
            out: BufWriter::with_capacity(1 << 16, file),
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// Writes `value` as pretty JSON plus a newline.
    pub fn json(mut self, value: &impl Serialize) -> Result<FileEntry> {
        serde_json::to_writer_pretty(&mut self, value).map_err(|e| self.io_error(e.into()))?;
        self.write_all(b"\n").map_err(|e| self.io_error(e))?;
        self.finish()
    }

    /// An exit-6 error for a failed write of this file.
    pub fn io_error(&self, e: std::io::Error) -> Error {
        Error::io("write", &self.path, e)
    }

    /// Flushes, fsyncs and returns the manifest entry.
    pub fn finish(self) -> Result<FileEntry> {
        let path = self.path.clone();
        let fail = |e: std::io::Error| Error::io("write", &path, e);
        let file = self.out.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        Ok(FileEntry {
            name: self.name,
            sha256: hex::encode(self.hasher.finalize()),
            size: self.size,
        })
    }
}

impl Write for HashedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// sha256 (hex) and size of a file, read in 64 KiB chunks.
pub fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut file = File::open(path)?;
    let size = std::io::copy(&mut file, &mut hasher)?;
    Ok((hex::encode(hasher.finalize()), size))
}

/// fsyncs a directory (so a rename or a new entry in it is durable).
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("fsync", dir, e))
}

/// Directory name of a backup started at Unix time `unix` (seconds): `YYYYMMDDTHHMMSSZ`, UTC.
pub fn timestamp_name(unix: u64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix);
    humantime::format_rfc3339_seconds(t)
        .to_string()
        .replace(['-', ':'], "")
}

/// Whether `name` is a complete backup's directory name: `YYYYMMDDTHHMMSSZ`, optionally
/// followed by `-N` (a second backup within the same second).
pub fn is_backup_name(name: &str) -> bool {
    let (stamp, suffix) = name.split_once('-').unwrap_or((name, "1"));
    let b = stamp.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
        && !suffix.is_empty()
        && suffix.bytes().all(|c| c.is_ascii_digit())
}

/// Complete backups in a contract directory, oldest first: directories with a backup name and
/// a readable manifest. Interrupted (`.incomplete-…`) and foreign directories are ignored.
pub fn complete_backups(contract_dir: &Path) -> Vec<(PathBuf, Manifest)> {
    let Ok(entries) = std::fs::read_dir(contract_dir) else {
        return vec![];
    };
    let mut found: Vec<(PathBuf, Manifest)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_type().is_ok_and(|t| t.is_dir())
                && is_backup_name(&e.file_name().to_string_lossy())
        })
        .filter_map(|e| Manifest::read(&e.path()).ok().map(|m| (e.path(), m)))
        .collect();
    found.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_names_are_utc_and_recognised() {
        assert_eq!(timestamp_name(1_706_702_400), "20240131T120000Z");
        assert!(is_backup_name("20240131T120000Z"));
        assert!(is_backup_name("20240131T120000Z-2"));
        for bad in [
            ".incomplete-x",
            "20240131T120000",
            "2024013xT120000Z",
            "20240131T120000Z-",
            "latest",
            ".pruning-20240131T120000Z",
        ] {
            assert!(!is_backup_name(bad), "{bad}");
        }
    }

    #[test]
    fn hashed_file_matches_hash_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = HashedFile::create(dir.path(), "a.json")
            .unwrap()
            .json(&serde_json::json!({"x": [1, 2]}))
            .unwrap();
        assert_eq!(
            hash_file(&dir.path().join("a.json")).unwrap(),
            (e.sha256.clone(), e.size)
        );
        assert!(
            HashedFile::create(dir.path(), "a.json").is_err(),
            "never overwrites"
        );
    }
}
