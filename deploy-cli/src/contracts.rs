//! The three contracts `luckee` deploys, by their artifact names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// One of the deployable contracts. The string form is the artifact's file stem
/// (`artifacts/<name>.wasm`) and the key in the state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContractKind {
    /// The member registry mock (`mock_registry`); instantiated first.
    Registry,
    /// The LUCKY cw20 mock (`mock_ft`).
    Ft,
    /// The Luckee Incentive contract (`luckee_incentive`).
    Incentive,
}

impl ContractKind {
    /// All three, in instantiate order (registry, FT, incentive).
    pub const ALL: [ContractKind; 3] = [
        ContractKind::Registry,
        ContractKind::Ft,
        ContractKind::Incentive,
    ];

    /// Artifact file stem and state-file key.
    pub fn name(self) -> &'static str {
        match self {
            ContractKind::Registry => "mock_registry",
            ContractKind::Ft => "mock_ft",
            ContractKind::Incentive => "luckee_incentive",
        }
    }

    /// Variable of the code id in `deployments/<chain-id>.env` (the seed's name for the incentive).
    pub fn code_id_env(self) -> &'static str {
        match self {
            ContractKind::Registry => "MOCK_REGISTRY_CODE_ID",
            ContractKind::Ft => "MOCK_FT_CODE_ID",
            ContractKind::Incentive => "LUCKY_INCENTIVE_CODE_ID",
        }
    }

    /// Variable of the contract address in the `.env` file (the seed's names).
    pub fn address_env(self) -> &'static str {
        match self {
            ContractKind::Registry => "DD_REGISTRY_CONTRACT",
            ContractKind::Ft => "LUCKY_FT_CONTRACT",
            ContractKind::Incentive => "LUCKY_INCENTIVE_CONTRACT",
        }
    }
}

impl fmt::Display for ContractKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ContractKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        ContractKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                Error::config(format!(
                    "unknown contract '{s}' (expected luckee_incentive, mock_ft or mock_registry)"
                ))
            })
    }
}

/// Serialized as its [`ContractKind::name`].
impl Serialize for ContractKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for ContractKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
