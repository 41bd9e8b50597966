//! The signing key: a BIP-39 mnemonic from `LUCKEE_MNEMONIC` or `--mnemonic-file`, derived at
//! HD path `m/44'/118'/0'/0/{index}` (secp256k1, the Cosmos coin type).
//!
//! The mnemonic and the derived seed are held in [`Zeroizing`] buffers and wiped on drop; they
//! never appear in output, logs, state or errors (error messages name the source, never the
//! words). A mnemonic file readable by group or others is refused (`chmod 600` it).

use std::path::{Path, PathBuf};

use cosmrs::bip32::DerivationPath;
use cosmrs::crypto::{secp256k1::SigningKey, PublicKey};
use cosmrs::AccountId;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Environment variable holding the mnemonic (preferred for CI secrets).
pub const MNEMONIC_ENV: &str = "LUCKEE_MNEMONIC";

/// Where the mnemonic comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MnemonicSource {
    /// `--mnemonic-file PATH` / `LUCKEE_MNEMONIC_FILE`: a file with the words (mode 0600/0400).
    File(PathBuf),
    /// The `LUCKEE_MNEMONIC` environment variable.
    Env,
}

impl MnemonicSource {
    /// The file if given, else the environment variable.
    pub fn from_flags(file: Option<PathBuf>) -> MnemonicSource {
        file.map(MnemonicSource::File)
            .unwrap_or(MnemonicSource::Env)
    }

    fn describe(&self) -> String {
        match self {
            MnemonicSource::File(p) => format!("mnemonic file {}", p.display()),
            MnemonicSource::Env => format!("${MNEMONIC_ENV}"),
        }
    }

    /// Reads the phrase (exit 2 if missing, unreadable or too open).
    fn read(&self) -> Result<Zeroizing<String>> {
        match self {
            MnemonicSource::Env => match std::env::var(MNEMONIC_ENV) {
                Ok(v) => Ok(Zeroizing::new(v)),
                Err(_) => Err(Error::usage(format!(
                    "no signing key: set {MNEMONIC_ENV} or pass --mnemonic-file PATH"
                ))),
            },
            MnemonicSource::File(path) => {
                check_private_file(path)?;
                let bytes =
                    Zeroizing::new(std::fs::read(path).map_err(|e| {
                        Error::usage(format!("cannot read {}: {e}", self.describe()))
                    })?);
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| Error::usage(format!("{} is not UTF-8 text", self.describe())))?;
                Ok(Zeroizing::new(text.to_string()))
            }
        }
    }
}

/// Refuses a key file that group or others may read or write (`mode & 0o077 != 0`).
#[cfg(unix)]
pub fn check_private_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::usage(format!("cannot read mnemonic file {}: {e}", path.display())))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::usage(format!(
            "mnemonic file {} has mode {mode:03o}, readable by group/others; run: chmod 600 {}",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

/// Non-unix: no permission bits to check.
#[cfg(not(unix))]
pub fn check_private_file(_path: &Path) -> Result<()> {
    Ok(())
}

/// The deployer's key: signs txs; its address pays the fees. `Debug` shows only the address.
pub struct Signer {
    key: SigningKey,
    /// secp256k1 public key (goes into the tx's signer info).
    pub public_key: PublicKey,
    /// Bech32 account address with the network's prefix.
    pub address: AccountId,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("address", &self.address.as_ref())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Loads the mnemonic from `source` and derives the key at `m/44'/118'/0'/0/{index}`.
    ///
    /// Errors (exit 2): no mnemonic, unreadable or group/world-readable file, not a valid
    /// BIP-39 English phrase (word count, unknown word, checksum).
    pub fn load(source: &MnemonicSource, prefix: &str, index: u32) -> Result<Signer> {
        let phrase = source.read()?;
        Self::from_phrase(&phrase, prefix, index)
            .map_err(|e| Error::usage(format!("{}: {e}", source.describe())))
    }

    /// Derives from a phrase; the error never contains the words.
    pub fn from_phrase(phrase: &str, prefix: &str, index: u32) -> Result<Signer, String> {
        let normalized = Zeroizing::new(phrase.split_whitespace().collect::<Vec<_>>().join(" "));
        let mnemonic = bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &normalized)
            .map_err(|e| describe_bip39_error(&e))?;
        let seed = Zeroizing::new(mnemonic.to_seed(""));
        drop(mnemonic);
        let path: DerivationPath = format!("m/44'/118'/0'/0/{index}")
            .parse()
            .map_err(|e| format!("HD path: {e}"))?;
        let key = SigningKey::derive_from_path(*seed, &path)
            .map_err(|e| format!("key derivation failed: {e}"))?;
        Self::from_key(key, prefix)
    }

    /// Wraps a raw secp256k1 key, for tools that hold one instead of a mnemonic (e.g. the
    /// bench's throw-away accounts). Errors: a `prefix` that makes no bech32 address.
    pub fn from_key(key: SigningKey, prefix: &str) -> Result<Signer, String> {
        let public_key = key.public_key();
        let address = public_key
            .account_id(prefix)
            .map_err(|e| format!("address for prefix '{prefix}': {e}"))?;
        Ok(Signer {
            key,
            public_key,
            address,
        })
    }

    /// Signs `msg` bytes (a SignDoc) with the key.
    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }
}

/// Describes a BIP-39 parse error without echoing any word.
fn describe_bip39_error(e: &bip39::Error) -> String {
    use bip39::Error as E;
    let what = match e {
        E::BadWordCount(n) => format!("it has {n} words (expected 12, 15, 18, 21 or 24)"),
        E::UnknownWord(i) => format!("word #{} is not in the BIP-39 English word list", i + 1),
        E::InvalidChecksum => "its checksum is wrong (a word is mistyped or missing)".to_string(),
        E::BadEntropyBitCount(_) | E::AmbiguousLanguages(_) => {
            "it is not a valid BIP-39 phrase".to_string()
        }
    };
    format!("malformed mnemonic: {what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: &str = "snake bleak bright glory client film bonus ensure evil consider marriage sleep thing onion duty actual report ritual there above property edit suffer boy";

    #[test]
    fn derives_wasm_address_and_hides_key_in_debug() {
        let s = Signer::from_phrase(ADMIN, "wasm", 0).unwrap();
        assert!(s.address.as_ref().starts_with("wasm1"));
        let other = Signer::from_phrase(&format!("  {ADMIN}\n"), "wasm", 0).unwrap();
        assert_eq!(s.address, other.address);
        let next = Signer::from_phrase(ADMIN, "wasm", 1).unwrap();
        assert_ne!(s.address, next.address);
        let dbg = format!("{s:?}");
        assert!(dbg.contains("wasm1") && !dbg.contains("snake"));
    }

    #[test]
    fn malformed_mnemonics_are_described_without_words() {
        let short = Signer::from_phrase("snake bleak bright", "wasm", 0).unwrap_err();
        assert!(
            short.contains("3 words") && !short.contains("snake"),
            "{short}"
        );
        let unknown = ADMIN.replacen("bleak", "notaword", 1);
        let e = Signer::from_phrase(&unknown, "wasm", 0).unwrap_err();
        assert!(e.contains("word #2") && !e.contains("notaword"), "{e}");
        let swapped = ADMIN.replacen("snake", "bleak", 1);
        let e = Signer::from_phrase(&swapped, "wasm", 0).unwrap_err();
        assert!(e.contains("checksum"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn open_mnemonic_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt");
        std::fs::write(&path, ADMIN).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Signer::load(&MnemonicSource::File(path.clone()), "wasm", 0).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let s = Signer::load(&MnemonicSource::File(path), "wasm", 0).unwrap();
        assert!(s.address.as_ref().starts_with("wasm1"));
    }
}
