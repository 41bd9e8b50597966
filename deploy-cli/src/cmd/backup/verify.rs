//! `luckee backup verify DIR` — checks one backup directory without the network:
//!
//! * `manifest.json` is there and parses, and DIR is not an interrupted `.incomplete-…` one;
//! * every listed file exists with the listed size and sha256 (recomputed, streamed);
//! * no file is there that the manifest does not list;
//! * `code.wasm`'s sha256 is the manifest's code checksum;
//! * `state.jsonl` has exactly `state_entries` lines, each `{"key":hex,"value":base64}`, keys
//!   strictly ascending (as `AllContractState` returns them).
//!
//! Prints every check; exit 0 when all pass, 1 otherwise ([`Error::Mismatch`]), 2 when DIR
//! does not exist.

use std::io::BufRead;
use std::path::Path;

use base64::Engine;
use serde::Serialize;

use super::files::{self, hash_file, Manifest, StateLine};
use crate::cmd::Context;
use crate::error::{Error, Result};
use crate::ui::{table, Report};

/// One check of a backup.
#[derive(Debug, Clone, Serialize)]
pub struct FileCheck {
    /// What was checked (usually a file name).
    pub item: String,
    /// Whether it passed.
    pub ok: bool,
    /// What was found.
    pub detail: String,
}

impl FileCheck {
    /// One check.
    pub fn new(item: &str, ok: bool, detail: String) -> FileCheck {
        FileCheck {
            item: item.into(),
            ok,
            detail,
        }
    }
}

/// Result of `backup verify`.
#[derive(Debug, Clone, Serialize)]
pub struct BackupVerifyReport {
    /// The directory.
    pub dir: String,
    /// The manifest, when it could be read.
    pub manifest: Option<Manifest>,
    /// True when every check passed.
    pub ok: bool,
    /// Every check.
    pub checks: Vec<FileCheck>,
}

impl Report for BackupVerifyReport {
    fn text(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .checks
            .iter()
            .map(|c| {
                vec![
                    if c.ok { "ok".into() } else { "FAILED".into() },
                    c.item.clone(),
                    c.detail.clone(),
                ]
            })
            .collect();
        let mut out = table(&["RESULT", "ITEM", "DETAIL"], &rows);
        let failed = self.checks.iter().filter(|c| !c.ok).count();
        match (&self.manifest, failed) {
            (Some(m), 0) => out.push_str(&format!(
                "backup {} is intact{}: {} of {} on {} at height {}, {} state entries\n",
                self.dir,
                if self.checks.iter().any(|c| c.item == "raw state") {
                    " and equal to the live contract"
                } else {
                    ""
                },
                m.contract.name,
                m.contract.address,
                m.chain_id,
                m.height,
                m.state_entries
            )),
            _ => out.push_str(&format!(
                "backup {} FAILED {failed} of {} checks\n",
                self.dir,
                self.checks.len()
            )),
        }
        out
    }
}

/// Runs `backup verify DIR`.
pub fn run(ctx: &Context, dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::usage(format!(
            "{} is not a directory",
            dir.display()
        )));
    }
    let report = verify_dir(dir);
    ctx.print(&report);
    match report.checks.iter().filter(|c| !c.ok).count() {
        0 => Ok(()),
        count => Err(Error::Mismatch { count }),
    }
}

/// All checks of one backup directory (see the module docs).
pub fn verify_dir(dir: &Path) -> BackupVerifyReport {
    let mut checks = Vec::new();
    let mut add =
        |item: &str, ok: bool, detail: String| checks.push(FileCheck::new(item, ok, detail));
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with(files::INCOMPLETE_PREFIX) || name.starts_with(files::PRUNING_PREFIX) {
        add(
            "directory",
            false,
            format!("{name} is an interrupted backup, not a complete one"),
        );
    }
    let manifest = match Manifest::read(dir) {
        Ok(m) => m,
        Err(e) => {
            add(files::MANIFEST, false, e.to_string());
            return BackupVerifyReport {
                dir: dir.display().to_string(),
                manifest: None,
                ok: false,
                checks,
            };
        }
    };
    add(
        files::MANIFEST,
        manifest.format == files::FORMAT,
        format!(
            "format {}, {} {} on {} at height {}",
            manifest.format,
            manifest.contract.name,
            manifest.contract.address,
            manifest.chain_id,
            manifest.height
        ),
    );
    for f in &manifest.files {
        match hash_file(&dir.join(&f.name)) {
            Err(e) => add(&f.name, false, format!("missing or unreadable: {e}")),
            Ok((sha, size)) if sha == f.sha256 && size == f.size => {
                add(&f.name, true, format!("{size} bytes, sha256 {sha}"))
            }
            Ok((sha, size)) => add(
                &f.name,
                false,
                format!(
                    "altered: {size} bytes, sha256 {sha}; manifest says {} bytes, sha256 {}",
                    f.size, f.sha256
                ),
            ),
        }
    }
    let listed = |n: &str| n == files::MANIFEST || manifest.files.iter().any(|f| f.name == n);
    for e in std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
    {
        let n = e.file_name().to_string_lossy().into_owned();
        if !listed(&n) {
            add(&n, false, "not listed in the manifest".into());
        }
    }
    match manifest.files.iter().find(|f| f.name == files::WASM_FILE) {
        Some(w) => add(
            "code checksum",
            w.sha256 == manifest.contract.checksum,
            format!(
                "code {} checksum {}",
                manifest.contract.code_id, manifest.contract.checksum
            ),
        ),
        None => add(files::WASM_FILE, false, "not listed in the manifest".into()),
    }
    match manifest.files.iter().find(|f| f.name == files::STATE_FILE) {
        Some(_) => {
            let (ok, detail) =
                check_state_lines(&dir.join(files::STATE_FILE), manifest.state_entries);
            add("state entries", ok, detail);
        }
        None => add(
            files::STATE_FILE,
            false,
            "not listed in the manifest".into(),
        ),
    }
    let ok = checks.iter().all(|c| c.ok);
    BackupVerifyReport {
        dir: dir.display().to_string(),
        manifest: Some(manifest),
        ok,
        checks,
    }
}

/// Reads `state.jsonl` line by line: count, format, ascending keys.
fn check_state_lines(path: &Path, expected: u64) -> (bool, String) {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return (false, format!("cannot read: {e}")),
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut count = 0u64;
    let mut last: Option<Vec<u8>> = None;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let parsed = line
            .map_err(|e| e.to_string())
            .and_then(|l| serde_json::from_str::<StateLine>(&l).map_err(|e| e.to_string()))
            .and_then(|s| {
                Ok((
                    hex::decode(&s.key).map_err(|e| e.to_string())?,
                    b64.decode(&s.value).map_err(|e| e.to_string())?,
                ))
            });
        let key = match parsed {
            Ok((key, _)) => key,
            Err(e) => return (false, format!("line {}: {e}", i + 1)),
        };
        if last.as_ref().is_some_and(|l| *l >= key) {
            return (
                false,
                format!("line {}: keys not in ascending order", i + 1),
            );
        }
        last = Some(key);
        count += 1;
    }
    (
        count == expected,
        format!("{count} entries (manifest: {expected}), keys ascending"),
    )
}

/// `backup verify DIR --against-chain`: the backup against the live contract on the connected
/// node, at its latest height — code checksum (`CodeInfo`), code id and label (`ContractInfo`),
/// and every raw key/value (`AllContractState`, all pages, merged in key order with
/// `state.jsonl`). The chain-level admin is shown but not compared (`backup restore --admin`
/// changes it on purpose). Exit 1 on any difference; the report counts equal, differing,
/// missing (backup only) and extra (chain only) entries and names the first few keys.
pub async fn against_chain(ctx: &Context, dir: &Path) -> Result<()> {
    let local = verify_dir(dir);
    if !local.ok {
        ctx.print(&local);
        return Err(Error::Mismatch {
            count: local.checks.iter().filter(|c| !c.ok).count(),
        });
    }
    let m = local.manifest.expect("a verified backup has its manifest");
    let lines = files::read_state_lines(dir)?;
    let client = ctx.connect().await?;
    let height = client.status().await?.height;
    let mut checks = Vec::new();
    let mut add =
        |item: &str, ok: bool, detail: String| checks.push(FileCheck::new(item, ok, detail));
    let c = &m.contract;
    let Some(info) = client.contract_info_at(&c.address, Some(height)).await? else {
        add(
            "contract",
            false,
            format!("no contract at {} on {}", c.address, ctx.net.chain_id),
        );
        return finish(ctx, dir, m, checks);
    };
    add(
        "code_id",
        info.code_id == c.code_id,
        format!("backup {} / chain {}", c.code_id, info.code_id),
    );
    add(
        "label",
        info.label == c.label,
        format!("backup {:?} / chain {:?}", c.label, info.label),
    );
    add(
        "admin (not compared)",
        true,
        format!("backup '{}' / chain '{}'", c.admin, info.admin),
    );
    let sum = client
        .code_info(info.code_id)
        .await?
        .map(|ci| ci.checksum)
        .unwrap_or_default();
    add(
        "code checksum",
        sum == c.checksum,
        format!("backup {} / chain {sum}", c.checksum),
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let (mut equal, mut differing, mut missing, mut extra) =
        (0u64, Vec::new(), Vec::new(), Vec::new());
    let mut backup = lines.iter().peekable();
    client
        .for_each_state_page(&c.address, height, 100, |page| {
            for (key, value) in page {
                let k = hex::encode(&key);
                while backup.peek().is_some_and(|l| l.key < k) {
                    missing.push(backup.next().expect("peeked").key.clone());
                }
                match backup.peek() {
                    Some(l) if l.key == k => {
                        if l.value == b64.encode(&value) {
                            equal += 1
                        } else {
                            differing.push(k)
                        }
                        backup.next();
                    }
                    _ => extra.push(k),
                }
            }
            Ok(())
        })
        .await?;
    missing.extend(backup.map(|l| l.key.clone()));
    let few = |v: &[String]| v.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    add(
        "raw state",
        differing.is_empty() && missing.is_empty() && extra.is_empty(),
        format!(
            "{equal} equal, {} differing [{}], {} only in the backup [{}], {} only on chain [{}] (chain height {height})",
            differing.len(), few(&differing), missing.len(), few(&missing), extra.len(), few(&extra)
        ),
    );
    finish(ctx, dir, m, checks)
}

fn finish(ctx: &Context, dir: &Path, m: Manifest, checks: Vec<FileCheck>) -> Result<()> {
    let failed = checks.iter().filter(|c| !c.ok).count();
    ctx.print(&BackupVerifyReport {
        dir: dir.display().to_string(),
        manifest: Some(m),
        ok: failed == 0,
        checks,
    });
    match failed {
        0 => Ok(()),
        count => Err(Error::Mismatch { count }),
    }
}
