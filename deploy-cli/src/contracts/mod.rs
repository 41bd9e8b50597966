//! The three contracts `luckee` deploys: their names ([`ContractKind`]) and typed clients.
//!
//! A client is an address plus a [`ChainClient`] (in the spirit of cw20's `Cw20Contract` and
//! cw-orch's contract interfaces): queries are async methods returning the response types of
//! `luckee-types` (list queries page internally), and execute messages are builders that take
//! the contract's typed `ExecuteMsg` and return an `Any` for a [`crate::chain::TxRequest`] —
//! nowhere is contract JSON written by hand. Chain-level operations every contract shares
//! (contract info, cw2, `MsgUpdateAdmin`, `MsgUpdateContractLabel`) live on [`Contract`].
//!
//! * [`IncentiveClient`] — `luckee_incentive` ([`incentive`]);
//! * [`FtClient`] — the cw20 token ([`ft`]);
//! * [`RegistryClient`] — the member registry ([`registry`]).
//! * [`multisig::MultisigClient`] — a cw3 multisig admin (not one of the stack's kinds yet).

pub mod ft;
pub mod incentive;
pub mod multisig;
pub mod registry;

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use cosmrs::proto::cosmwasm::wasm::v1 as wasm;
use cosmrs::Any;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::chain::tx::to_any;
use crate::chain::{ChainClient, ContractInfo};
use crate::error::{Error, Result};

pub use ft::FtClient;
pub use incentive::IncentiveClient;
pub use registry::RegistryClient;

/// The message types of one contract (a marker type per contract implements it).
pub trait ContractApi {
    /// Which contract.
    const KIND: ContractKind;
    /// Its execute message (from `luckee-types`).
    type ExecuteMsg: Serialize;
    /// Its query message (from `luckee-types`).
    type QueryMsg: Serialize;
    /// Its migrate message (from `luckee-types`).
    type MigrateMsg: Serialize;
}

/// A deployed contract of type `C` at an address, queried and addressed through `chain`.
pub struct Contract<'a, C: ContractApi> {
    chain: &'a ChainClient,
    address: String,
    api: PhantomData<C>,
}

impl<C: ContractApi> fmt::Debug for Contract<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contract")
            .field("kind", &C::KIND)
            .field("address", &self.address)
            .finish()
    }
}

impl<'a, C: ContractApi> Contract<'a, C> {
    /// The contract at `address` (bech32; not checked here — the plan and flags are
    /// validated against the network's prefix before any client is made).
    pub fn new(chain: &'a ChainClient, address: impl Into<String>) -> Self {
        Contract {
            chain,
            address: address.into(),
            api: PhantomData,
        }
    }

    /// Its bech32 address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The chain client it talks through.
    pub fn chain(&self) -> &'a ChainClient {
        self.chain
    }

    /// Smart query `msg` at `height` (`None` = latest), answer deserialized into `T`
    /// (`/cosmwasm.wasm.v1.Query/SmartContractState`). Errors: exit 3 with the contract's
    /// error, exit 4 when the node cannot be reached.
    pub async fn query<T: DeserializeOwned>(
        &self,
        msg: &C::QueryMsg,
        height: Option<u64>,
    ) -> Result<T> {
        self.chain.smart_query(&self.address, msg, height).await
    }

    /// Every page of a `start_after`-paginated list query at `height`: `page(start_after)`
    /// builds one page's query (use [`luckee_types::MAX_PAGE_LIMIT`]), `items` extracts the
    /// entries and `cursor` gives an entry's `start_after` value.
    pub async fn query_all<R: DeserializeOwned, T>(
        &self,
        height: Option<u64>,
        page: impl Fn(Option<String>) -> C::QueryMsg,
        items: impl Fn(R) -> Vec<T>,
        cursor: impl Fn(&T) -> String,
    ) -> Result<Vec<T>> {
        self.chain
            .smart_query_all(&self.address, height, page, items, cursor)
            .await
    }

    /// [`Contract::query_all`] streamed: each page is handed to `on_page` as it arrives (only
    /// one page is held in memory). Returns the number of entries.
    pub async fn query_pages<R: DeserializeOwned, T>(
        &self,
        height: Option<u64>,
        page: impl Fn(Option<String>) -> C::QueryMsg,
        items: impl Fn(R) -> Vec<T>,
        cursor: impl Fn(&T) -> String,
        on_page: impl FnMut(Vec<T>) -> Result<()>,
    ) -> Result<u64> {
        self.chain
            .smart_query_pages(&self.address, height, page, items, cursor, on_page)
            .await
    }

    /// `MsgExecuteContract` of `msg` sent by `sender`, no funds, as an `Any`
    /// ([`execute_msg`]).
    pub fn execute(&self, sender: &str, msg: &C::ExecuteMsg) -> Result<Any> {
        execute_msg::<C>(sender, &self.address, msg)
    }

    /// Contract metadata at `height` (`/cosmwasm.wasm.v1.Query/ContractInfo`): code id,
    /// creator, chain-level admin, label; `None` if no contract has this address.
    pub async fn info(&self, height: Option<u64>) -> Result<Option<ContractInfo>> {
        self.chain.contract_info_at(&self.address, height).await
    }

    /// The cw2 `contract_info` item at `height` (raw query): `(contract name, version)`.
    pub async fn cw2(&self, height: Option<u64>) -> Result<Option<(String, String)>> {
        self.chain.cw2_version_at(&self.address, height).await
    }

    /// `MsgUpdateAdmin`: the chain-level (migration) admin becomes `new_admin`. Only the
    /// current admin may send it.
    pub fn update_admin(&self, sender: &str, new_admin: &str) -> Any {
        update_admin_msg(sender, &self.address, new_admin)
    }

    /// `MsgUpdateContractLabel` (wasmd ≥ 0.45): the contract's label becomes `label`. Only
    /// the chain-level admin may send it.
    pub fn update_label(&self, sender: &str, label: &str) -> Any {
        update_label_msg(sender, &self.address, label)
    }
}

/// `MsgExecuteContract` of the typed `msg` of contract type `C` at `contract`, sent by
/// `sender`, no funds, as an `Any` — the builder behind [`Contract::execute`], usable without a
/// chain connection (pure planning code). Errors: exit 2 if the message cannot be serialized
/// (never for luckee-types messages).
pub fn execute_msg<C: ContractApi>(
    sender: &str,
    contract: &str,
    msg: &C::ExecuteMsg,
) -> Result<Any> {
    let json = serde_json::to_vec(msg).map_err(|e| Error::usage(format!("execute JSON: {e}")))?;
    Ok(to_any(&wasm::MsgExecuteContract {
        sender: sender.into(),
        contract: contract.into(),
        msg: json,
        funds: vec![],
    }))
}

/// `MsgMigrateContract` of `contract` to code `code_id` with the migrate message `msg` (JSON
/// bytes), sent by `sender` (the chain-level admin), as an `Any`.
pub fn migrate_msg(sender: &str, contract: &str, code_id: u64, msg: Vec<u8>) -> Any {
    to_any(&wasm::MsgMigrateContract {
        sender: sender.into(),
        contract: contract.into(),
        code_id,
        msg,
    })
}

/// The JSON of the typed migrate message of `kind` (`luckee_types::<contract>::MigrateMsg`,
/// an empty object for every current contract).
pub fn typed_migrate_json(kind: ContractKind) -> Vec<u8> {
    fn json<T: Serialize>(msg: &T) -> Vec<u8> {
        serde_json::to_vec(msg).expect("migrate messages serialize")
    }
    match kind {
        ContractKind::Incentive => json(&luckee_types::incentive::MigrateMsg {}),
        ContractKind::Registry => json(&luckee_types::registry::MigrateMsg {}),
        ContractKind::Ft => json(&luckee_types::ft::MigrateMsg {}),
        ContractKind::Multisig => json(&luckee_multisig::msg::MigrateMsg {}),
    }
}

/// `MsgUpdateAdmin` of `contract` to `new_admin`, sent by `sender` (the current admin).
pub fn update_admin_msg(sender: &str, contract: &str, new_admin: &str) -> Any {
    to_any(&wasm::MsgUpdateAdmin {
        sender: sender.into(),
        new_admin: new_admin.into(),
        contract: contract.into(),
    })
}

/// `MsgUpdateContractLabel` of `contract` to `label`, sent by `sender` (the current admin).
pub fn update_label_msg(sender: &str, contract: &str, label: &str) -> Any {
    to_any(&wasm::MsgUpdateContractLabel {
        sender: sender.into(),
        new_label: label.into(),
        contract: contract.into(),
    })
}

/// One of the deployable contracts. The string form is the artifact's file stem
/// (`artifacts/<name>.wasm`) and the key in the state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContractKind {
    /// The cw3 multisig admin (`luckee_multisig`, `[deploy.multisig]`); instantiated first, as
    /// its own chain-level admin, so that it can be every other contract's admin.
    Multisig,
    /// The member registry mock (`mock_registry`); instantiated first.
    Registry,
    /// The LUCKY cw20 mock (`mock_ft`).
    Ft,
    /// The Luckee Incentive contract (`luckee_incentive`).
    Incentive,
}

impl ContractKind {
    /// All four, in instantiate order (multisig, registry, FT, incentive).
    pub const ALL: [ContractKind; 4] = [
        ContractKind::Multisig,
        ContractKind::Registry,
        ContractKind::Ft,
        ContractKind::Incentive,
    ];

    /// Artifact file stem and state-file key.
    pub fn name(self) -> &'static str {
        match self {
            ContractKind::Multisig => "luckee_multisig",
            ContractKind::Registry => "mock_registry",
            ContractKind::Ft => "mock_ft",
            ContractKind::Incentive => "luckee_incentive",
        }
    }

    /// Variable of the code id in `deployments/<chain-id>.env` (the seed's name for the incentive).
    pub fn code_id_env(self) -> &'static str {
        match self {
            ContractKind::Multisig => "LUCKEE_MULTISIG_CODE_ID",
            ContractKind::Registry => "MOCK_REGISTRY_CODE_ID",
            ContractKind::Ft => "MOCK_FT_CODE_ID",
            ContractKind::Incentive => "LUCKY_INCENTIVE_CODE_ID",
        }
    }

    /// Variable of the contract address in the `.env` file (the seed's names).
    pub fn address_env(self) -> &'static str {
        match self {
            // The same name as `luckee multisig --multisig`'s variable: sourcing the .env file
            // points the voters' commands at it.
            ContractKind::Multisig => "LUCKEE_MULTISIG",
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
                Error::usage(format!(
                    "unknown contract '{s}' (expected luckee_incentive, mock_ft, mock_registry or luckee_multisig)"
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
