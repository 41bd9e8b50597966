//! Local files: atomic writes, OS file locks, and names derived from a chain-id.
//!
//! Every file luckee records (state, `.env`, backups, metrics) is written with
//! [`atomic_write`]: a temp file in the same directory, fsynced, renamed over the old file, then
//! the directory fsynced, so a crash leaves the old or the new file, never a torn one.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// How a run holds a lock file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Runs that write (deploy, apply, admin changes): one at a time.
    Exclusive,
    /// Read-only runs (verify, plan): any number, but not while an exclusive run holds it.
    Shared,
}

/// Opens (creating it if needed) the lock file `path` and tries to take an OS lock on it
/// without waiting: the open file holds the lock until dropped; `Ok(None)` if another process
/// holds a conflicting lock. Errors: exit 6 ([`Error::Io`]) if the file cannot be opened or
/// locked.
pub fn try_lock(path: &Path, mode: LockMode) -> Result<Option<File>> {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("open lock", path, e))?;
    let locked = match mode {
        LockMode::Exclusive => fs4::fs_std::FileExt::try_lock_exclusive(&lock),
        LockMode::Shared => fs4::fs_std::FileExt::try_lock_shared(&lock),
    }
    .map_err(|e| Error::io("lock", path, e))?;
    Ok(locked.then_some(lock))
}

/// Writes `bytes` to `path` atomically: temp file in `dir`, fsync, rename, fsync `dir`.
/// Errors: exit 6 ([`Error::Io`]); `path` then still holds its old content.
pub fn atomic_write(dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    atomic_write_mode(dir, path, bytes, None)
}

/// [`atomic_write`] giving the new file the Unix permission bits `mode` (e.g. `0o644` for a
/// file another user must read) instead of the temp file's private `0600`.
pub fn atomic_write_mode(dir: &Path, path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    let fail = |e: std::io::Error| Error::io("write", path, e);
    let mut tmp = tempfile::Builder::new()
        .prefix(".luckee-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(fail)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(fail)?;
    Ok(())
}

/// `chain_id` if it can name a file or directory (state files, backup trees): non-empty, no
/// path separator, not starting with `.`. Errors: exit 2 naming the chain-id.
pub fn chain_id_as_file_name(chain_id: &str) -> Result<&str> {
    if chain_id.is_empty() || chain_id.contains(['/', '\\']) || chain_id.starts_with('.') {
        return Err(Error::usage(format!(
            "chain-id '{chain_id}' cannot name a file (empty, a path separator or a leading '.')"
        )));
    }
    Ok(chain_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_ids_that_cannot_be_file_names_are_refused() {
        assert_eq!(
            chain_id_as_file_name("luckee-local").unwrap(),
            "luckee-local"
        );
        for bad in ["", "../x", "a/b", "a\\b", ".hidden"] {
            assert_eq!(
                chain_id_as_file_name(bad).unwrap_err().exit_code(),
                2,
                "{bad}"
            );
        }
    }

    #[test]
    fn atomic_write_replaces_and_reports_io_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        atomic_write(dir.path(), &p, b"one").unwrap();
        atomic_write(dir.path(), &p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let missing = dir.path().join("no/such/dir");
        let e = atomic_write(&missing, &missing.join("f"), b"x").unwrap_err();
        assert_eq!(e.exit_code(), 6, "{e}");
    }
}
