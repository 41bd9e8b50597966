//! The migration rules shared by the contracts: always the same contract name; then either no
//! downgrade ([`migrate_version`]: registry and FT), or — for contracts with an explicit storage
//! layout version ([`migrate_layout`]: the incentive from v0.2.0) — any version whose code
//! understands the stored layout, so a rollback works while the layout allows it.

use cosmwasm_std::{Response, StdError, Storage};
use cw2::{get_contract_version, set_contract_version};
use thiserror::Error;

/// Why a `migrate` was refused.
#[derive(Error, Debug, PartialEq, Eq)]
pub enum MigrateError {
    /// The stored cw2 contract name is another contract's.
    #[error("cannot migrate from contract {found} (expected {expected})")]
    WrongContract { expected: String, found: String },
    /// The stored version is newer than the code being migrated to.
    #[error("cannot downgrade from {stored} to {new}")]
    CannotDowngrade { stored: String, new: String },
    /// A version string is not semver.
    #[error("invalid semver version: {version}")]
    InvalidVersion { version: String },
    /// The stored state was written in a layout newer than this code understands.
    #[error("state layout {stored} is newer than layout {supported} this code understands")]
    StateLayoutTooNew { stored: u16, supported: u16 },
}

fn parse(version: &str) -> Result<semver::Version, MigrateError> {
    version.parse().map_err(|_| MigrateError::InvalidVersion {
        version: version.to_string(),
    })
}

/// Checks that code `name`@`version` may replace the stored cw2 `stored_name`@`stored_version`:
/// the names must match and the new version must not be lower (equal is allowed, so a
/// re-migration to the same code is a harmless no-op).
pub fn ensure_upgrade(
    stored_name: &str,
    stored_version: &str,
    name: &str,
    version: &str,
) -> Result<(), MigrateError> {
    if stored_name != name {
        return Err(MigrateError::WrongContract {
            expected: name.to_string(),
            found: stored_name.to_string(),
        });
    }
    if parse(stored_version)? > parse(version)? {
        return Err(MigrateError::CannotDowngrade {
            stored: stored_version.to_string(),
            new: version.to_string(),
        });
    }
    Ok(())
}

/// The whole cw2 side of a `migrate` entry point: checks the stored version with
/// [`ensure_upgrade`], records `name`@`version`, and returns a response with the `migrate`,
/// `from_version` and `to_version` attributes.
pub fn migrate_version<E>(
    storage: &mut dyn Storage,
    name: &str,
    version: &str,
) -> Result<Response, E>
where
    E: From<StdError> + From<MigrateError>,
{
    let stored = get_contract_version(storage)?;
    ensure_upgrade(&stored.contract, &stored.version, name, version)?;
    set_contract_version(storage, name, version)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version))
}

/// The cw2 side of a `migrate` for a contract with a storage layout version: checks the name,
/// refuses a `stored_layout` above `supported_layout` ([`MigrateError::StateLayoutTooNew`]),
/// records `name`@`version` and returns a response with the `migrate`, `from_version`,
/// `to_version`, `from_layout` and `to_layout` attributes. Converting the state between
/// layouts is the caller's job, done after this returns `Ok`.
pub fn migrate_layout<E>(
    storage: &mut dyn Storage,
    name: &str,
    version: &str,
    stored_layout: u16,
    supported_layout: u16,
) -> Result<Response, E>
where
    E: From<StdError> + From<MigrateError>,
{
    let stored = get_contract_version(storage)?;
    if stored.contract != name {
        return Err(MigrateError::WrongContract {
            expected: name.to_string(),
            found: stored.contract,
        }
        .into());
    }
    if stored_layout > supported_layout {
        return Err(MigrateError::StateLayoutTooNew {
            stored: stored_layout,
            supported: supported_layout,
        }
        .into());
    }
    set_contract_version(storage, name, version)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version)
        .add_attribute("from_layout", stored_layout.to_string())
        .add_attribute("to_layout", supported_layout.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_name_upgrade_or_equal_is_allowed() {
        assert_eq!(ensure_upgrade("a", "0.1.0", "a", "0.2.0"), Ok(()));
        assert_eq!(ensure_upgrade("a", "0.2.0", "a", "0.2.0"), Ok(()));
    }

    #[test]
    fn other_name_downgrade_and_garbage_are_refused() {
        assert!(matches!(
            ensure_upgrade("b", "0.1.0", "a", "0.2.0"),
            Err(MigrateError::WrongContract { .. })
        ));
        assert!(matches!(
            ensure_upgrade("a", "1.0.0", "a", "0.2.0"),
            Err(MigrateError::CannotDowngrade { .. })
        ));
        assert!(matches!(
            ensure_upgrade("a", "x", "a", "0.2.0"),
            Err(MigrateError::InvalidVersion { .. })
        ));
    }
}
