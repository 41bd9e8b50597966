//! The wasm artifacts: `artifacts/<contract>.wasm` checked against `artifacts/checksums.txt`.
//!
//! `checksums.txt` is in `sha256sum` format (`<64 hex>  <file name>`), so `sha256sum -c` works
//! on it too. The checksum recorded and compared everywhere is the sha256 of the
//! *uncompressed* wasm — what the chain stores as the code's checksum (`data_hash`); uploads
//! send the gzip-compressed bytes, which wasmd unpacks.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::contracts::ContractKind;
use crate::error::{Error, Result};

/// wasmd's `MaxWasmSize`: largest uncompressed code it accepts, bytes (800 KiB).
pub const MAX_WASM_SIZE: usize = 800 * 1024;

/// Name of the checksum list in the artifacts directory.
pub const CHECKSUMS_FILE: &str = "checksums.txt";

/// One verified artifact.
#[derive(Clone)]
pub struct Artifact {
    /// Which contract.
    pub kind: ContractKind,
    /// Where it was read from.
    pub path: PathBuf,
    /// The uncompressed wasm bytes.
    pub wasm: Vec<u8>,
    /// sha256 of `wasm`, lower-case hex.
    pub checksum: String,
}

impl std::fmt::Debug for Artifact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Artifact")
            .field("kind", &self.kind)
            .field("path", &self.path)
            .field("size", &self.wasm.len())
            .field("checksum", &self.checksum)
            .finish()
    }
}

impl Artifact {
    /// gzip-compressed wasm, as uploaded (`MsgStoreCode.wasm_byte_code`).
    pub fn gzipped(&self) -> Vec<u8> {
        gzip(&self.wasm)
    }
}

/// sha256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// gzip at the best compression level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2),
        flate2::Compression::best(),
    );
    enc.write_all(bytes).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// Parses `sha256sum` output: file name → lower-case hex checksum. Blank lines and `#`
/// comments are ignored; the binary-mode marker `*` before the name is accepted.
pub fn parse_checksums(text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let bad = || {
            Error::usage(format!(
                "{CHECKSUMS_FILE} line {}: expected '<sha256 hex>  <file>', got '{line}'",
                i + 1
            ))
        };
        let (hash, rest) = line.split_once(char::is_whitespace).ok_or_else(bad)?;
        let name = rest.trim_start().trim_start_matches('*');
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) || name.is_empty() {
            return Err(bad());
        }
        let name = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(bad)?;
        out.insert(name, hash.to_ascii_lowercase());
    }
    Ok(out)
}

/// Reads and verifies the artifacts of `kinds` from `dir`.
///
/// Errors (exit 2): `checksums.txt` missing or malformed, an artifact missing or not listed,
/// its sha256 differing from the list, or larger than [`MAX_WASM_SIZE`].
pub fn load(dir: &Path, kinds: &[ContractKind]) -> Result<Vec<Artifact>> {
    let list_path = dir.join(CHECKSUMS_FILE);
    let text = std::fs::read_to_string(&list_path).map_err(|e| {
        Error::usage(format!(
            "cannot read {}: {e} (build the artifacts with ci/build-artifacts)",
            list_path.display()
        ))
    })?;
    let sums = parse_checksums(&text)?;
    kinds
        .iter()
        .map(|&kind| {
            let file = format!("{}.wasm", kind.name());
            let path = dir.join(&file);
            let wasm = std::fs::read(&path).map_err(|e| {
                Error::usage(format!("artifact {} missing or unreadable: {e} (run ci/build-artifacts)", path.display()))
            })?;
            let expected = sums
                .get(&file)
                .ok_or_else(|| Error::usage(format!("{file} is not listed in {}", list_path.display())))?;
            let checksum = sha256_hex(&wasm);
            if &checksum != expected {
                return Err(Error::usage(format!(
                    "checksum mismatch for {}: file has sha256 {checksum}, {CHECKSUMS_FILE} says {expected}",
                    path.display()
                )));
            }
            if wasm.len() > MAX_WASM_SIZE {
                return Err(Error::usage(format!(
                    "{} is {} bytes, above wasmd's MaxWasmSize of {MAX_WASM_SIZE} bytes",
                    path.display(),
                    wasm.len()
                )));
            }
            if !wasm.starts_with(b"\0asm") {
                return Err(Error::usage(format!("{} is not a wasm module", path.display())));
            }
            Ok(Artifact { kind, path, wasm, checksum })
        })
        .collect()
}

/// For `deploy verify`: the sha256 of `<dir>/<kind>.wasm` and the checksum `checksums.txt`
/// lists for it (`None` if the list or the entry is missing). Differences are reported by the
/// caller, not refused. Errors (exit 2): the artifact itself is missing.
pub fn inspect(dir: &Path, kind: ContractKind) -> Result<(String, Option<String>)> {
    let file = format!("{}.wasm", kind.name());
    let path = dir.join(&file);
    let wasm = std::fs::read(&path).map_err(|e| {
        Error::usage(format!(
            "artifact {} missing or unreadable: {e} (run ci/build-artifacts)",
            path.display()
        ))
    })?;
    let listed = std::fs::read_to_string(dir.join(CHECKSUMS_FILE))
        .ok()
        .and_then(|t| parse_checksums(&t).ok())
        .and_then(|m| m.get(&file).cloned());
    Ok((sha256_hex(&wasm), listed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sha256sum_format() {
        let h = "a".repeat(64);
        let text = format!(
            "# built by ci\n{h}  luckee_incentive.wasm\n{}  *artifacts/mock_ft.wasm\n\n",
            "B".repeat(64)
        );
        let m = parse_checksums(&text).unwrap();
        assert_eq!(m["luckee_incentive.wasm"], h);
        assert_eq!(m["mock_ft.wasm"], "b".repeat(64));
        assert!(parse_checksums("abc  x.wasm").is_err());
        assert!(parse_checksums(&h).is_err());
    }

    #[test]
    fn load_checks_presence_and_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let wasm = b"\0asm\x01\0\0\0rest".to_vec();
        std::fs::write(dir.path().join("mock_ft.wasm"), &wasm).unwrap();
        std::fs::write(
            dir.path().join(CHECKSUMS_FILE),
            format!("{}  mock_ft.wasm\n", sha256_hex(&wasm)),
        )
        .unwrap();
        let a = load(dir.path(), &[ContractKind::Ft]).unwrap();
        assert_eq!(a[0].checksum, sha256_hex(&wasm));
        let gz = a[0].gzipped();
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        let missing = load(dir.path(), &[ContractKind::Incentive]).unwrap_err();
        assert_eq!(missing.exit_code(), 2);
        assert!(missing.to_string().contains("missing"), "{missing}");
        std::fs::write(dir.path().join("mock_ft.wasm"), b"\0asm\x01\0\0\0changed").unwrap();
        let e = load(dir.path(), &[ContractKind::Ft]).unwrap_err();
        assert!(e.to_string().contains("checksum mismatch"), "{e}");
    }
}
