//! Configuration: named networks and the deployment plan, read from a TOML file.
//!
//! The file is `--config PATH`, else `$LUCKEE_CONFIG`, else `luckee.toml` in the working
//! directory; a missing default file is fine (built-in `local` network, default plan), a
//! missing explicit one is a usage error. See `luckee.toml.example` at the repository root.
//!
//! ```toml
//! [networks.testnet]
//! chain_id = "my-testnet-1"
//! rpc = ["https://rpc-1.example:443", "https://rpc-2.example:443"]  # fail over in order
//! bech32_prefix = "wasm"
//! gas_prices = "0.025ustake"      # price per gas unit, in the fee denom
//! gas_adjustment = 1.3            # simulated gas × this = gas limit
//! tx_timeout_secs = 60            # wait this long for a broadcast tx to be in a block
//!
//! [deploy.incentive]
//! label = "Luckee Incentive v1.0"
//! rules = [{ id = "daily_checkin", reward = "1000000", points = "10", daily_cap = 1 }]
//! ```
//!
//! Precedence for every network field: flag (`--node`, `--chain-id`, `--gas-prices`,
//! `--gas-adjustment`, `--tx-timeout`) > `LUCKEE_*` environment variable > config file >
//! built-in `local` defaults (which match `ci/devnet`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use cosmrs::AccountId;
use cosmwasm_std::{Decimal, Uint128};
use luckee_types::incentive::{ExchangeRate, ReporterLimits, RewardRule};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Name of the built-in network that matches `ci/devnet`.
pub const LOCAL_NETWORK: &str = "local";
/// Default config file name, looked up in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "luckee.toml";
/// Default gas adjustment (the seed's `--gas-adjustment 1.3`).
pub const DEFAULT_GAS_ADJUSTMENT: &str = "1.3";
/// Default seconds to wait for a broadcast tx to be included in a block.
pub const DEFAULT_TX_TIMEOUT_SECS: u64 = 60;
/// Default label of the incentive contract (the seed's `--label`).
pub const DEFAULT_INCENTIVE_LABEL: &str = "Luckee Incentive v1.0";

/// A gas price: `amount` of `denom` base units per unit of gas, e.g. `0.025ustake`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasPrice {
    /// Price per gas unit (fixed-point, 18 decimals).
    pub amount: Decimal,
    /// Fee denom, e.g. `ustake`.
    pub denom: String,
}

impl GasPrice {
    /// The fee for `gas_limit` gas: `ceil(gas_limit × amount)` base units of `denom`.
    pub fn fee_for(&self, gas_limit: u64) -> Result<u128> {
        Uint128::from(gas_limit)
            .checked_mul_ceil(self.amount)
            .map(|v| v.u128())
            .map_err(|e| Error::usage(format!("fee overflow for {gas_limit} gas: {e}")))
    }
}

impl FromStr for GasPrice {
    type Err = Error;

    /// Parses wasmd's `--gas-prices` form, `<decimal><denom>`, e.g. `0.025ustake`.
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| {
                Error::usage(format!(
                    "gas price '{s}' has no denom (expected e.g. 0.025ustake)"
                ))
            })?;
        let (amount, denom) = s.split_at(split);
        let amount = Decimal::from_str(amount)
            .map_err(|e| Error::usage(format!("gas price '{s}': invalid amount: {e}")))?;
        let valid_denom = denom.len() >= 2
            && denom.starts_with(|c: char| c.is_ascii_alphabetic())
            && denom
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c));
        if !valid_denom {
            return Err(Error::usage(format!(
                "gas price '{s}': invalid denom '{denom}'"
            )));
        }
        Ok(GasPrice {
            amount,
            denom: denom.to_string(),
        })
    }
}

impl std::fmt::Display for GasPrice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

/// A fully resolved network: where to send queries and txs and how to pay for them.
#[derive(Debug, Clone)]
pub struct Network {
    /// The name it was selected by (`--network`).
    pub name: String,
    /// Expected chain-id; checked against the node on startup.
    pub chain_id: String,
    /// CometBFT RPC endpoints, tried in order (failover on connection errors).
    pub rpc: Vec<String>,
    /// Bech32 prefix of account and contract addresses, e.g. `wasm`.
    pub bech32_prefix: String,
    /// Gas price; its denom is the fee denom.
    pub gas_price: GasPrice,
    /// Simulated gas is multiplied by this to get the gas limit.
    pub gas_adjustment: Decimal,
    /// How long to wait for a broadcast tx to be included in a block.
    pub tx_timeout: Duration,
    /// Whether `tx_timeout` was set (flag, variable or file); a default one grows with the
    /// measured block interval (at least 10 blocks).
    pub tx_timeout_set: bool,
}

impl Network {
    /// The built-in `local` network, matching `ci/devnet` (chain-id `luckee-local`, RPC
    /// `http://127.0.0.1:26657`, prefix `wasm`, `0.025ustake`, adjustment 1.3, 60 s).
    pub fn local() -> Network {
        Network {
            name: LOCAL_NETWORK.into(),
            chain_id: "luckee-local".into(),
            rpc: vec!["http://127.0.0.1:26657".into()],
            bech32_prefix: "wasm".into(),
            gas_price: GasPrice {
                amount: Decimal::from_str("0.025").expect("const"),
                denom: "ustake".into(),
            },
            gas_adjustment: Decimal::from_str(DEFAULT_GAS_ADJUSTMENT).expect("const"),
            tx_timeout: Duration::from_secs(DEFAULT_TX_TIMEOUT_SECS),
            tx_timeout_set: false,
        }
    }

    /// Checks that `addr` is a bech32 address with this network's prefix; `what` names the field
    /// in the error (exit 2).
    pub fn check_address(&self, what: &str, addr: &str) -> Result<AccountId> {
        let id = AccountId::from_str(addr)
            .map_err(|e| Error::usage(format!("{what}: invalid bech32 address '{addr}': {e}")))?;
        if id.prefix() != self.bech32_prefix {
            return Err(Error::usage(format!(
                "{what}: address '{addr}' has prefix '{}', network '{}' uses '{}'",
                id.prefix(),
                self.name,
                self.bech32_prefix
            )));
        }
        Ok(id)
    }
}

/// Overrides of network fields from flags or `LUCKEE_*` variables (flags win; clap merges both).
#[derive(Debug, Clone, Default)]
pub struct NetworkOverrides {
    /// `--node` / `LUCKEE_NODE`: RPC endpoints (comma-separated in one value is accepted).
    pub node: Vec<String>,
    /// `--chain-id` / `LUCKEE_CHAIN_ID`.
    pub chain_id: Option<String>,
    /// `--gas-prices` / `LUCKEE_GAS_PRICES`, e.g. `0.025ustake`.
    pub gas_prices: Option<String>,
    /// `--gas-adjustment` / `LUCKEE_GAS_ADJUSTMENT`, e.g. `1.3`.
    pub gas_adjustment: Option<String>,
    /// `--tx-timeout` / `LUCKEE_TX_TIMEOUT`, seconds.
    pub tx_timeout_secs: Option<u64>,
}

/// One `[networks.NAME]` table; every field optional (missing fields of `local` take the
/// built-in values, of other networks are an error where no default exists).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFile {
    /// Chain-id the node must report.
    pub chain_id: Option<String>,
    /// CometBFT RPC endpoints, in failover order.
    pub rpc: Option<Vec<String>>,
    /// Bech32 prefix of addresses.
    pub bech32_prefix: Option<String>,
    /// Gas price with fee denom, e.g. `0.025ustake`.
    pub gas_prices: Option<String>,
    /// Simulated gas × this = gas limit.
    pub gas_adjustment: Option<f64>,
    /// Seconds to wait for inclusion of a broadcast tx.
    pub tx_timeout_secs: Option<u64>,
}

/// `[deploy.incentive]`: the Luckee Incentive contract.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct IncentivePlan {
    /// Contract label (wasmd `--label`).
    pub label: String,
    /// The incentive's own `admin` (maintenance messages); default: the signer.
    pub admin: Option<String>,
    /// `config.enabled` (managed: `apply` sends `update_config`).
    pub enabled: bool,
    /// `config.emergency_paused` at instantiate only: pause is operational state, so `plan`
    /// and `verify` report a paused contract as a note, never as drift.
    pub emergency_paused: bool,
    /// `config.exchange_rate`; default: the contract's (100 points = 1 LUCKY).
    pub exchange_rate: Option<ExchangeRate>,
    /// Reward rules: added or changed by `apply` / `deploy instantiate`; rules on chain but not
    /// here are removed by `apply --prune`.
    pub rules: Vec<RewardRule>,
    /// Reporters (`register_contract`); others on chain are removed by `apply --prune`.
    pub reporters: Vec<ReporterPlan>,
    /// Pausers (`update_pausers`): addresses that may only `emergency_pause {paused: true}`;
    /// others on chain are removed by `apply --prune`.
    pub pausers: Vec<String>,
    /// `config.redeem_requires_membership`; `None` = not managed (the contract's default,
    /// true, stays).
    pub redeem_requires_membership: Option<bool>,
    /// Expected cw2 contract name for verify.
    pub cw2_name: String,
    /// Expected cw2 version for verify; default: this luckee's version (the workspace's).
    pub cw2_version: Option<String>,
}

/// The contract's limits on one reporter entry (label, source, rule list), checked before a
/// fee is paid (exit 2 naming `field`).
fn check_reporter(field: &str, r: &ReporterPlan) -> Result<()> {
    use luckee_types::incentive::{MAX_LABEL_LEN, MAX_REPORTER_RULES, MAX_SOURCE_LEN};
    if r.label.as_ref().is_some_and(|l| l.len() > MAX_LABEL_LEN) {
        return Err(Error::usage(format!(
            "{field}.label must be at most {MAX_LABEL_LEN} bytes"
        )));
    }
    if let Some(source) = &r.source {
        if source.is_empty() || source.len() > MAX_SOURCE_LEN {
            return Err(Error::usage(format!(
                "{field}.source '{source}' must be 1..={MAX_SOURCE_LEN} bytes"
            )));
        }
    }
    if let Some(rules) = r.limits.as_ref().and_then(|l| l.rules.as_ref()) {
        if rules.len() > MAX_REPORTER_RULES {
            return Err(Error::usage(format!(
                "{field}.limits.rules lists {} rules, at most {MAX_REPORTER_RULES}",
                rules.len()
            )));
        }
    }
    Ok(())
}

impl Default for IncentivePlan {
    fn default() -> Self {
        IncentivePlan {
            label: DEFAULT_INCENTIVE_LABEL.into(),
            admin: None,
            enabled: true,
            emergency_paused: false,
            exchange_rate: None,
            rules: vec![],
            reporters: vec![],
            pausers: vec![],
            redeem_requires_membership: None,
            cw2_name: "crates.io:luckee-incentive".into(),
            cw2_version: None,
        }
    }
}

/// A reporter of the incentive contract (`register_contract {address, label, source,
/// limits}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReporterPlan {
    /// Bech32 address of the reporter.
    pub address: String,
    #[serde(default)]
    /// Label stored with the registration (at most 64 bytes).
    pub label: Option<String>,
    /// Source its activities are marked processed under; default: the one it already has on
    /// chain, else its address. Fixed once set: name the old key's source when rotating a key.
    #[serde(default)]
    pub source: Option<String>,
    /// Rule ids it may report and its daily mint budget (LUCKY base units per UTC day);
    /// omitted = unlimited, e.g. `limits = { rules = ["game_win"], daily_mint_budget =
    /// "50000000" }`.
    #[serde(default)]
    pub limits: Option<ReporterLimits>,
}

/// `[deploy.ft]`: the LUCKY cw20 token — our `mock_ft`, or an `existing` contract.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FtPlan {
    /// Use this deployed cw20 instead of instantiating `mock_ft`.
    pub existing: Option<String>,
    /// Contract label of the mock.
    pub label: String,
    /// cw20 token name.
    pub name: String,
    /// cw20 symbol (3-12 letters).
    pub symbol: String,
    /// Decimals of the token (6 for LUCKY).
    pub decimals: u8,
    /// Mint cap in base units; default: none.
    pub cap: Option<Uint128>,
    /// Expected cw2 name for verify.
    pub cw2_name: String,
    /// Expected cw2 version for verify; default: this luckee's version.
    pub cw2_version: Option<String>,
}

impl Default for FtPlan {
    fn default() -> Self {
        FtPlan {
            existing: None,
            label: "Luckee FT (mock) v1.0".into(),
            name: "Luckee Token".into(),
            symbol: luckee_types::ft::SYMBOL.into(),
            decimals: luckee_types::ft::DECIMALS,
            cap: None,
            cw2_name: "crates.io:mock-ft".into(),
            cw2_version: None,
        }
    }
}

/// `[deploy.registry]`: the member registry — our `mock_registry`, or an `existing` one.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistryPlan {
    /// Use this deployed registry instead of instantiating `mock_registry`.
    pub existing: Option<String>,
    /// Contract label of the mock.
    pub label: String,
    /// Members of our mock registry; others on chain are removed by `apply --prune`.
    pub members: Vec<String>,
    /// Expected cw2 name for verify.
    pub cw2_name: String,
    /// Expected cw2 version for verify; default: this luckee's version.
    pub cw2_version: Option<String>,
}

impl Default for RegistryPlan {
    fn default() -> Self {
        RegistryPlan {
            existing: None,
            label: "Luckee Registry (mock) v1.0".into(),
            members: vec![],
            cw2_name: "crates.io:mock-registry".into(),
            cw2_version: None,
        }
    }
}

/// One voter of `[deploy.multisig]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MultisigVoter {
    /// The voter's bech32 address.
    pub address: String,
    /// Its voting weight (≥ 1).
    #[serde(default = "one")]
    pub weight: u64,
}

fn one() -> u64 {
    1
}

/// `[deploy.multisig]`: a cw3 multisig (`luckee_multisig`) as the admin of everything —
/// `deploy instantiate` creates it first, in the same instantiate2 tx, as its own chain-level
/// admin, and makes it the incentive's `admin`, the registry mock's admin and the chain-level
/// admin of every contract (unless `deploy.admin` / `deploy.incentive.admin` say otherwise).
/// Or `existing`: a cw3 multisig already on chain.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MultisigPlan {
    /// Use this cw3 multisig instead of instantiating `luckee_multisig`.
    pub existing: Option<String>,
    /// Contract label.
    pub label: String,
    /// The voters and their weights.
    pub voters: Vec<MultisigVoter>,
    /// Total yes weight a proposal needs to pass (cw3 `absolute_count`), 1..=total weight.
    pub threshold: u64,
    /// How long a proposal stays open, e.g. "24h" (humantime; stored as cw3 `time` seconds).
    pub max_voting_period: String,
    /// Expected cw2 name for verify.
    pub cw2_name: String,
    /// Expected cw2 version for verify; default: this luckee's version.
    pub cw2_version: Option<String>,
}

impl Default for MultisigPlan {
    fn default() -> Self {
        MultisigPlan {
            existing: None,
            label: "Luckee Multisig v1.0".into(),
            voters: vec![],
            threshold: 0,
            max_voting_period: "24h".into(),
            cw2_name: "crates.io:luckee-multisig".into(),
            cw2_version: None,
        }
    }
}

impl MultisigPlan {
    /// `max_voting_period` in seconds. Errors: exit 2 on a malformed or zero duration.
    pub fn voting_period_secs(&self) -> Result<u64> {
        match humantime::parse_duration(&self.max_voting_period) {
            Ok(d) if d.as_secs() > 0 => Ok(d.as_secs()),
            Ok(_) => Err(Error::usage(
                "deploy.multisig.max_voting_period must be at least 1s",
            )),
            Err(e) => Err(Error::usage(format!(
                "deploy.multisig.max_voting_period '{}': {e} (e.g. \"24h\", \"90m\")",
                self.max_voting_period
            ))),
        }
    }

    /// Checks the section (exit 2, naming the field): an `existing` address, or voters (valid,
    /// unique addresses, weights ≥ 1) with a threshold of 1..=their total weight and a voting
    /// period — not both.
    pub fn validate(&self, net: &Network) -> Result<()> {
        if let Some(a) = &self.existing {
            net.check_address("deploy.multisig.existing", a)?;
            if !self.voters.is_empty() {
                return Err(Error::usage(
                    "deploy.multisig: give either existing or voters, not both",
                ));
            }
            return Ok(());
        }
        if self.voters.is_empty() {
            return Err(Error::usage(
                "deploy.multisig.voters is empty: list the voters ({ address, weight }) or give existing = \"wasm1…\"",
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, v) in self.voters.iter().enumerate() {
            net.check_address(&format!("deploy.multisig.voters[{i}].address"), &v.address)?;
            if v.weight == 0 {
                return Err(Error::usage(format!(
                    "deploy.multisig.voters[{i}].weight must be at least 1"
                )));
            }
            if !seen.insert(v.address.as_str()) {
                return Err(Error::usage(format!(
                    "deploy.multisig.voters[{i}]: duplicate voter {}",
                    v.address
                )));
            }
        }
        let total: u64 = self.voters.iter().map(|v| v.weight).sum();
        if self.threshold == 0 || self.threshold > total {
            return Err(Error::usage(format!(
                "deploy.multisig.threshold {} must be 1..={total} (the voters' total weight)",
                self.threshold
            )));
        }
        self.voting_period_secs().map(|_| ())
    }
}

/// `[deploy]`: the deployment plan.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Plan {
    /// Directory with the `.wasm` files and `checksums.txt`.
    pub artifacts_dir: PathBuf,
    /// Directory of `<chain-id>.json` / `.env` / `.lock`.
    pub state_dir: PathBuf,
    /// Contract (migration) admin of every contract we instantiate; default: the signer.
    pub admin: Option<String>,
    /// Salt prefix of the instantiate2 addresses (`<salt>/<contract>`); change it to deploy a
    /// second, independent set from the same key.
    pub salt: String,
    /// The incentive contract.
    pub incentive: IncentivePlan,
    /// The LUCKY token.
    pub ft: FtPlan,
    /// The member registry.
    pub registry: RegistryPlan,
    /// The multisig admin, if any (`[deploy.multisig]`).
    pub multisig: Option<MultisigPlan>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            artifacts_dir: "artifacts".into(),
            state_dir: "deployments".into(),
            admin: None,
            salt: "luckee-v1".into(),
            incentive: IncentivePlan::default(),
            ft: FtPlan::default(),
            registry: RegistryPlan::default(),
            multisig: None,
        }
    }
}

impl Plan {
    /// The planned label of `kind` (`deploy.<contract>.label`).
    pub fn label_of(&self, kind: crate::contracts::ContractKind) -> &str {
        match kind {
            crate::contracts::ContractKind::Registry => &self.registry.label,
            crate::contracts::ContractKind::Ft => &self.ft.label,
            crate::contracts::ContractKind::Incentive => &self.incentive.label,
            crate::contracts::ContractKind::Multisig => self
                .multisig
                .as_ref()
                .map(|m| m.label.as_str())
                .unwrap_or_default(),
        }
    }

    /// Checks the plan before anything is sent (exit 2 on the first problem, naming its
    /// field): every address against `net`'s bech32 prefix; rule ids unique and
    /// 1..=`MAX_RULE_ID_LEN` bytes; reporters and members unique; a non-zero exchange rate.
    pub fn validate(&self, net: &Network) -> Result<()> {
        let opt = |what: &str, a: &Option<String>| {
            a.as_deref().map(|a| net.check_address(what, a)).transpose()
        };
        opt("deploy.admin", &self.admin)?;
        opt("deploy.incentive.admin", &self.incentive.admin)?;
        opt("deploy.ft.existing", &self.ft.existing)?;
        opt("deploy.registry.existing", &self.registry.existing)?;
        if let Some(m) = &self.multisig {
            m.validate(net)?;
        }
        for (i, r) in self.incentive.reporters.iter().enumerate() {
            net.check_address(
                &format!("deploy.incentive.reporters[{i}].address"),
                &r.address,
            )?;
        }
        for (i, m) in self.registry.members.iter().enumerate() {
            net.check_address(&format!("deploy.registry.members[{i}]"), m)?;
        }
        for (i, p) in self.incentive.pausers.iter().enumerate() {
            net.check_address(&format!("deploy.incentive.pausers[{i}]"), p)?;
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in self.incentive.rules.iter().enumerate() {
            if r.id.is_empty() || r.id.len() > luckee_types::incentive::MAX_RULE_ID_LEN {
                return Err(Error::usage(format!(
                    "deploy.incentive.rules[{i}].id '{}' must be 1..={} bytes",
                    r.id,
                    luckee_types::incentive::MAX_RULE_ID_LEN
                )));
            }
            if !seen.insert(r.id.as_str()) {
                return Err(Error::usage(format!(
                    "deploy.incentive.rules[{i}]: duplicate rule id '{}'",
                    r.id
                )));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in self.incentive.reporters.iter().enumerate() {
            if !seen.insert(r.address.as_str()) {
                return Err(Error::usage(format!(
                    "deploy.incentive.reporters[{i}]: duplicate reporter {}",
                    r.address
                )));
            }
            check_reporter(&format!("deploy.incentive.reporters[{i}]"), r)?;
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, p) in self.incentive.pausers.iter().enumerate() {
            if !seen.insert(p.as_str()) {
                return Err(Error::usage(format!(
                    "deploy.incentive.pausers[{i}]: duplicate pauser {p}"
                )));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, m) in self.registry.members.iter().enumerate() {
            if !seen.insert(m.as_str()) {
                return Err(Error::usage(format!(
                    "deploy.registry.members[{i}]: duplicate member {m}"
                )));
            }
        }
        if let Some(rate) = &self.incentive.exchange_rate {
            if rate.points.is_zero() || rate.amount.is_zero() {
                return Err(Error::usage(format!(
                    "deploy.incentive.exchange_rate: points ({}) and amount ({}) must both be non-zero",
                    rate.points, rate.amount
                )));
            }
        }
        if self.salt.is_empty() || self.salt.len() > 40 {
            return Err(Error::usage("deploy.salt must be 1..=40 bytes"));
        }
        Ok(())
    }
}

/// `[ops]`: keys `luckee ops gas` simulates with (nothing is broadcast) and where backups go.
/// Relative paths are relative to the working directory; flags override every field.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpsConfig {
    /// Mnemonic file of a registered reporter (funded): signs the simulated
    /// `distribute_reward`; default: the signer (the admin may report too).
    pub reporter_mnemonic_file: Option<PathBuf>,
    /// Mnemonic file of a registry member holding points (funded): signs the simulated
    /// `mint_for_points` and is the default recipient of the simulated `distribute_reward`.
    pub user_mnemonic_file: Option<PathBuf>,
    /// Root directory of `luckee backup` (default `backups`).
    pub backup_dir: Option<PathBuf>,
}

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigFile {
    /// `[networks.NAME]` tables.
    pub networks: BTreeMap<String, NetworkFile>,
    /// The `[deploy]` plan.
    pub deploy: Plan,
    /// The `[ops]` table.
    pub ops: OpsConfig,
}

impl ConfigFile {
    /// Loads the config: `explicit` (must exist) or `luckee.toml` in `cwd` (may be missing).
    pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<ConfigFile> {
        let (path, required) = match explicit {
            Some(p) => (cwd.join(p), true),
            None => (cwd.join(DEFAULT_CONFIG_FILE), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text)
                .map_err(|e| Error::usage(format!("config {}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                Ok(ConfigFile::default())
            }
            Err(e) => Err(Error::usage(format!(
                "cannot read config {}: {e}",
                path.display()
            ))),
        }
    }

    /// Parses TOML text.
    pub fn parse(text: &str) -> Result<ConfigFile> {
        toml::from_str(text).map_err(|e| Error::usage(e.message().trim()))
    }

    /// Resolves network `name` with `overrides` applied on top (exit 2 if unknown or invalid).
    pub fn network(&self, name: &str, overrides: &NetworkOverrides) -> Result<Network> {
        let file = self.networks.get(name);
        let mut net = if name == LOCAL_NETWORK {
            Network::local()
        } else if file.is_some() {
            Network {
                name: name.into(),
                chain_id: String::new(),
                rpc: vec![],
                ..Network::local()
            }
        } else {
            let known: Vec<&str> = std::iter::once(LOCAL_NETWORK)
                .chain(
                    self.networks
                        .keys()
                        .map(String::as_str)
                        .filter(|n| *n != LOCAL_NETWORK),
                )
                .collect();
            return Err(Error::usage(format!(
                "unknown network '{name}' (configured: {})",
                known.join(", ")
            )));
        };
        if let Some(f) = file {
            let ctx = |field: &str| format!("networks.{name}.{field}");
            if let Some(v) = &f.chain_id {
                net.chain_id = v.clone();
            }
            if let Some(v) = &f.rpc {
                net.rpc = v.clone();
            }
            if let Some(v) = &f.bech32_prefix {
                net.bech32_prefix = v.clone();
            }
            if let Some(v) = &f.gas_prices {
                net.gas_price = v
                    .parse()
                    .map_err(|e| Error::usage(format!("{}: {e}", ctx("gas_prices"))))?;
            }
            if let Some(v) = f.gas_adjustment {
                net.gas_adjustment = parse_adjustment(&v.to_string())
                    .map_err(|e| Error::usage(format!("{}: {e}", ctx("gas_adjustment"))))?;
            }
            if let Some(v) = f.tx_timeout_secs {
                net.tx_timeout = Duration::from_secs(v);
                net.tx_timeout_set = true;
            }
        }
        if !overrides.node.is_empty() {
            net.rpc = overrides
                .node
                .iter()
                .flat_map(|n| n.split(','))
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(v) = &overrides.chain_id {
            net.chain_id = v.clone();
        }
        if let Some(v) = &overrides.gas_prices {
            net.gas_price = v.parse()?;
        }
        if let Some(v) = &overrides.gas_adjustment {
            net.gas_adjustment = parse_adjustment(v)?;
        }
        if let Some(v) = overrides.tx_timeout_secs {
            net.tx_timeout = Duration::from_secs(v);
            net.tx_timeout_set = true;
        }
        net.rpc = net
            .rpc
            .iter()
            .map(|u| normalize_rpc_url(u))
            .collect::<Result<_>>()?;
        if net.chain_id.is_empty() {
            return Err(Error::usage(format!("network '{name}' has no chain_id")));
        }
        if net.rpc.is_empty() {
            return Err(Error::usage(format!(
                "network '{name}' has no rpc endpoint (set rpc = [..] or --node)"
            )));
        }
        if net.bech32_prefix.is_empty()
            || !net
                .bech32_prefix
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        {
            return Err(Error::usage(format!(
                "network '{name}': invalid bech32_prefix '{}'",
                net.bech32_prefix
            )));
        }
        if net.tx_timeout.is_zero() {
            return Err(Error::usage(format!(
                "network '{name}': tx timeout must be > 0 s"
            )));
        }
        Ok(net)
    }
}

/// Parses a gas adjustment (a decimal ≥ 1).
pub fn parse_adjustment(s: &str) -> Result<Decimal> {
    let d = Decimal::from_str(s.trim())
        .map_err(|e| Error::usage(format!("gas adjustment '{s}': {e}")))?;
    if d < Decimal::one() {
        return Err(Error::usage(format!("gas adjustment '{s}' must be >= 1")));
    }
    Ok(d)
}

/// Accepts `http(s)://host:port` and wasmd's `tcp://host:port` (mapped to `http://`).
pub fn normalize_rpc_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let url = match url.strip_prefix("tcp://") {
        Some(rest) => format!("http://{rest}"),
        None => url.to_string(),
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() <= "https://".len()
    {
        return Err(Error::usage(format!(
            "RPC endpoint '{url}' must start with http://, https:// or tcp://"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_price_parses_and_fee_rounds_up() {
        let p: GasPrice = "0.025ustake".parse().unwrap();
        assert_eq!(p.denom, "ustake");
        assert_eq!(p.fee_for(100_000).unwrap(), 2_500);
        assert_eq!(p.fee_for(100_001).unwrap(), 2_501); // 2500.025 → 2501
        assert_eq!(p.fee_for(0).unwrap(), 0);
        assert_eq!(p.to_string(), "0.025ustake");
        let ibc: GasPrice = "1ibc/ABC".parse().unwrap();
        assert_eq!(ibc.denom, "ibc/ABC");
        for bad in ["", "0.025", "ustake", "0.0.1ustake", "0.025u", "1 ustake"] {
            assert!(bad.parse::<GasPrice>().is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn local_network_matches_devnet_and_overrides_win() {
        let cfg = ConfigFile::default();
        let net = cfg.network("local", &NetworkOverrides::default()).unwrap();
        assert_eq!(net.chain_id, "luckee-local");
        assert_eq!(net.rpc, vec!["http://127.0.0.1:26657"]);
        assert_eq!(net.gas_price.to_string(), "0.025ustake");
        assert_eq!(net.gas_adjustment.to_string(), "1.3");
        let ov = NetworkOverrides {
            node: vec!["tcp://127.0.0.1:1,http://127.0.0.1:2/".into()],
            chain_id: Some("other".into()),
            gas_prices: Some("0.1uatom".into()),
            gas_adjustment: Some("1.5".into()),
            tx_timeout_secs: Some(5),
        };
        let net = cfg.network("local", &ov).unwrap();
        assert_eq!(net.rpc, vec!["http://127.0.0.1:1", "http://127.0.0.1:2"]);
        assert_eq!(net.chain_id, "other");
        assert_eq!(net.gas_price.denom, "uatom");
        assert_eq!(net.tx_timeout, Duration::from_secs(5));
        let bad = NetworkOverrides {
            gas_adjustment: Some("0.5".into()),
            ..Default::default()
        };
        assert!(cfg.network("local", &bad).is_err());
    }

    #[test]
    fn file_networks_and_plan_parse() {
        let cfg = ConfigFile::parse(
            r#"
            [networks.testnet]
            chain_id = "t-1"
            rpc = ["https://a.example", "https://b.example"]
            gas_prices = "0.01uluck"
            gas_adjustment = 1.4
            [deploy]
            salt = "v2"
            [deploy.incentive]
            rules = [{ id = "daily_checkin", reward = "1000000", points = "10", daily_cap = 1 }]
            reporters = [{ address = "wasm1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", label = "x" }]
            [deploy.ft]
            existing = "wasm1abc"
            "#,
        )
        .unwrap();
        let net = cfg
            .network("testnet", &NetworkOverrides::default())
            .unwrap();
        assert_eq!(net.chain_id, "t-1");
        assert_eq!(net.rpc.len(), 2);
        assert_eq!(net.gas_adjustment.to_string(), "1.4");
        assert_eq!(net.bech32_prefix, "wasm");
        assert_eq!(cfg.deploy.incentive.rules[0].id, "daily_checkin");
        assert!(cfg.deploy.incentive.rules[0].enabled);
        assert_eq!(cfg.deploy.incentive.label, DEFAULT_INCENTIVE_LABEL);
        let err = cfg.deploy.validate(&net).unwrap_err().to_string();
        assert!(
            err.contains("deploy.incentive.reporters[0].address")
                || err.contains("deploy.ft.existing"),
            "{err}"
        );
        assert!(cfg
            .network("nope", &NetworkOverrides::default())
            .unwrap_err()
            .to_string()
            .contains("unknown network"));
    }

    #[test]
    fn shipped_example_config_is_valid() {
        let cfg = ConfigFile::parse(include_str!("../../luckee.toml.example")).unwrap();
        for name in ["local", "testnet"] {
            let net = cfg.network(name, &NetworkOverrides::default()).unwrap();
            cfg.deploy.validate(&net).unwrap();
        }
        assert_eq!(
            cfg.network("local", &NetworkOverrides::default())
                .unwrap()
                .chain_id,
            Network::local().chain_id
        );
        assert_eq!(cfg.deploy.incentive.rules.len(), 1);
    }

    #[test]
    fn unknown_fields_and_missing_chain_id_are_errors() {
        assert!(ConfigFile::parse("[networks.x]\nchainid = \"a\"").is_err());
        let cfg = ConfigFile::parse("[networks.x]\nrpc = [\"http://h:1\"]").unwrap();
        assert!(cfg
            .network("x", &NetworkOverrides::default())
            .unwrap_err()
            .to_string()
            .contains("chain_id"));
    }

    #[test]
    fn address_checks_prefix() {
        let net = Network::local();
        let addr = "wasm1qnk2n4nlkpw9xfqntladh74w6ujtulwnmxnh3k";
        if AccountId::from_str(addr).is_ok() {
            assert!(net.check_address("x", addr).is_ok());
        }
        let e = net
            .check_address("deploy.admin", "cosmos1notvalid")
            .unwrap_err()
            .to_string();
        assert!(e.contains("deploy.admin"), "{e}");
    }
}
