//! `luckee ops withdraw (--native DENOM AMOUNT | --cw20 ADDRESS AMOUNT) --to ADDRESS` — the
//! seed's `emergency-withdraw`: the incentive's admin moves coins or cw20 tokens the contract
//! holds (`emergency_withdraw {asset, recipient}`).
//!
//! Checked before any fee is paid (exit 2, nothing sent): addresses against the network's
//! bech32 prefix, a positive amount, the signer is `get_config.admin`, and the contract holds
//! at least the amount (bank balance, or the cw20's `balance`). After the tx, the balances at
//! the tx's height and the height before confirm that exactly the amount moved.

use clap::{ArgGroup, Args};
use cosmwasm_std::Uint128;
use luckee_types::incentive::{ExecuteMsg, WithdrawAsset};
use serde::Serialize;

use super::{incentive_address, OpsArgs};
use crate::chain::{ChainClient, TxRequest};
use crate::cmd::authority::{route, Intent};
use crate::cmd::deploy::settle_pending;
use crate::cmd::{Context, Send, TxSummary};
use crate::contracts::{FtClient, IncentiveClient};
use crate::error::{Error, Result};
use crate::state::LockMode;
use crate::ui::{notes_text, Report};

/// Flags of `ops withdraw`.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("asset").required(true).args(["native", "cw20"])))]
pub struct WithdrawArgs {
    /// Native coins: denom and amount in base units, e.g. `--native ustake 1000000`.
    #[arg(long, num_args = 2, value_names = ["DENOM", "AMOUNT"])]
    pub native: Option<Vec<String>>,
    /// cw20 tokens: token contract and amount in base units.
    #[arg(long, num_args = 2, value_names = ["ADDRESS", "AMOUNT"])]
    pub cw20: Option<Vec<String>>,
    /// Recipient (bech32 address).
    #[arg(long, value_name = "ADDRESS")]
    pub to: String,
}

/// What is withdrawn, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asset {
    /// Native coins of `denom`.
    Native {
        /// Denom, e.g. `ustake`.
        denom: String,
        /// Base units.
        amount: u128,
    },
    /// cw20 tokens of the token `contract`.
    Cw20 {
        /// The cw20 contract.
        contract: String,
        /// Base units.
        amount: u128,
    },
}

impl Asset {
    /// The amount, base units.
    pub fn amount(&self) -> u128 {
        match self {
            Asset::Native { amount, .. } | Asset::Cw20 { amount, .. } => *amount,
        }
    }

    /// `1000 ustake` or `1000 of cw20 wasm1…`.
    pub fn describe(&self) -> String {
        match self {
            Asset::Native { denom, amount } => format!("{amount} {denom}"),
            Asset::Cw20 { contract, amount } => format!("{amount} of cw20 {contract}"),
        }
    }
}

/// Parses `--native DENOM AMOUNT` / `--cw20 ADDRESS AMOUNT` (exit 2 on a zero or malformed
/// amount, an empty denom). Addresses are checked by the caller against the network.
pub fn parse_asset(args: &WithdrawArgs) -> Result<Asset> {
    let amount = |s: &str| -> Result<u128> {
        match s.parse::<u128>() {
            Ok(0) => Err(Error::usage(
                "withdraw amount must be positive (base units)",
            )),
            Ok(a) => Ok(a),
            Err(e) => Err(Error::usage(format!(
                "withdraw amount '{s}' is not a whole number of base units: {e}"
            ))),
        }
    };
    match (&args.native, &args.cw20) {
        (Some(v), None) if v.len() == 2 => {
            if v[0].is_empty() {
                return Err(Error::usage("--native: empty denom"));
            }
            Ok(Asset::Native {
                denom: v[0].clone(),
                amount: amount(&v[1])?,
            })
        }
        (None, Some(v)) if v.len() == 2 => Ok(Asset::Cw20 {
            contract: v[0].clone(),
            amount: amount(&v[1])?,
        }),
        _ => Err(Error::usage(
            "give exactly one of --native DENOM AMOUNT or --cw20 ADDRESS AMOUNT",
        )),
    }
}

/// Result of `ops withdraw`.
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// The incentive contract.
    pub contract: String,
    /// What was withdrawn, e.g. `5000 ustake`.
    pub asset: String,
    /// Recipient.
    pub recipient: String,
    /// Contract balance before (base units, at the height before the tx).
    pub contract_balance_before: u128,
    /// Contract balance after (at the tx's height).
    pub contract_balance_after: Option<u128>,
    /// The tx, or a dry run's estimate.
    #[serde(flatten)]
    pub sent: TxSummary,
    /// Resolved pending txs of earlier runs, and remarks.
    pub notes: Vec<String>,
}

impl Report for WithdrawReport {
    fn text(&self) -> String {
        let mut out = notes_text(&self.notes);
        let line = self.sent.line().unwrap_or_default();
        if self.sent.tx.is_some() && self.sent.proposal.is_none() {
            out.push_str(&format!(
                "withdrew {} from {} to {}: contract balance {} → {}, confirmed ({line})\n",
                self.asset,
                self.contract,
                self.recipient,
                self.contract_balance_before,
                self.contract_balance_after.unwrap_or_default(),
            ));
        } else {
            out.push_str(&format!(
                "emergency_withdraw {} to {} (the contract holds {}): {line}\n",
                self.asset, self.recipient, self.contract_balance_before
            ));
        }
        out
    }
}

async fn balance(
    client: &ChainClient,
    asset: &Asset,
    holder: &str,
    height: Option<u64>,
) -> Result<u128> {
    match asset {
        Asset::Native { denom, .. } => client.balance(holder, denom, height).await,
        Asset::Cw20 { contract, .. } => Ok(FtClient::new(client, contract.clone())
            .balance(holder, height)
            .await?
            .u128()),
    }
}

/// Runs `ops withdraw` (see the module docs).
pub async fn run(ctx: &Context, args: &OpsArgs, w: &WithdrawArgs) -> Result<()> {
    let asset = parse_asset(w)?;
    ctx.net.check_address("--to", &w.to)?;
    if let Asset::Cw20 { contract, .. } = &asset {
        ctx.net.check_address("--cw20", contract)?;
    }
    let contract = incentive_address(ctx, args)?;
    let signer = ctx.signer()?;
    let me = signer.address.to_string();
    let client = ctx.connect().await?;
    let (mut store, mut state) = ctx.open_state(LockMode::Exclusive)?;
    let notes = settle_pending(ctx.dry_run, &client, &mut store, &mut state).await?;
    let inc = IncentiveClient::new(&client, contract.clone());
    let cfg = inc.config(None).await?;
    let Some(route) = route(&client, &[cfg.admin.to_string()], &me).await? else {
        return Err(Error::usage(format!(
            "nothing sent: emergency_withdraw needs the incentive's admin {}, but the signer is {me}",
            cfg.admin
        )));
    };
    let held = balance(&client, &asset, &contract, None).await?;
    if asset.amount() > held {
        return Err(Error::usage(format!(
            "nothing sent: the withdraw amount {} is larger than the contract's balance {held}",
            asset.describe()
        )));
    }
    let wasm_asset = match &asset {
        Asset::Native { denom, amount } => WithdrawAsset::Native {
            denom: denom.clone(),
            amount: Uint128::new(*amount),
        },
        Asset::Cw20 { contract, amount } => WithdrawAsset::Cw20 {
            contract: contract.clone(),
            amount: Uint128::new(*amount),
        },
    };
    let intent = Intent::Withdraw {
        kind: if matches!(asset, Asset::Native { .. }) {
            "native"
        } else {
            "cw20"
        }
        .into(),
        asset: match &asset {
            Asset::Native { denom, .. } => denom.clone(),
            Asset::Cw20 { contract, .. } => contract.clone(),
        },
        amount: asset.amount().to_string(),
        to: w.to.clone(),
        contract: Some(contract.clone()),
    };
    let msg = inc.execute(
        route.sender(&me),
        &ExecuteMsg::EmergencyWithdraw {
            asset: wasm_asset,
            recipient: w.to.clone(),
        },
    )?;
    let req = TxRequest {
        msgs: vec![msg],
        memo: "luckee ops withdraw".into(),
        tags: vec!["withdraw".into()],
    };
    let mut report = WithdrawReport {
        chain_id: ctx.net.chain_id.clone(),
        contract: contract.clone(),
        asset: asset.describe(),
        recipient: w.to.clone(),
        contract_balance_before: held,
        contract_balance_after: None,
        sent: TxSummary::default(),
        notes,
    };
    let mut send = Send::new(&client, &signer, &mut store, &mut state);
    let what = [format!(
        "emergency_withdraw {} to {}",
        asset.describe(),
        w.to
    )];
    let (sent, outcome) = send
        .submit(ctx.dry_run, &route, &req, &intent, &what)
        .await?;
    report.sent = sent;
    let Some(outcome) = outcome else {
        ctx.print(&report);
        return Ok(());
    };
    let (h, before) = (outcome.height, Some(outcome.height - 1));
    let contract_before = balance(&client, &asset, &contract, before).await?;
    let contract_after = balance(&client, &asset, &contract, Some(h)).await?;
    let fee_payer_gets_coins = matches!(&asset, Asset::Native { denom, .. } if *denom == ctx.net.gas_price.denom)
        && w.to == me;
    if contract_before - contract_after != asset.amount() {
        return Err(Error::chain(format!(
            "tx {} landed at height {h}, but the contract's balance went {contract_before} → {contract_after}, not down by {}",
            outcome.hash,
            asset.amount()
        )));
    }
    if fee_payer_gets_coins {
        report.notes.push("the recipient paid the fee in the same denom: its balance change is the amount minus the fee".into());
    } else {
        let got = balance(&client, &asset, &w.to, Some(h)).await?
            - balance(&client, &asset, &w.to, before).await?;
        if got != asset.amount() {
            return Err(Error::chain(format!(
                "tx {} landed at height {h}, but the recipient received {got}, not {}",
                outcome.hash,
                asset.amount()
            )));
        }
    }
    report.contract_balance_before = contract_before;
    report.contract_balance_after = Some(contract_after);
    ctx.print(&report);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(native: Option<[&str; 2]>, cw20: Option<[&str; 2]>) -> WithdrawArgs {
        let v = |a: [&str; 2]| a.iter().map(|s| s.to_string()).collect();
        WithdrawArgs {
            native: native.map(v),
            cw20: cw20.map(v),
            to: "wasm1x".into(),
        }
    }

    #[test]
    fn assets_parse_and_bad_amounts_are_usage_errors() {
        assert_eq!(
            parse_asset(&args(Some(["ustake", "5"]), None)).unwrap(),
            Asset::Native {
                denom: "ustake".into(),
                amount: 5
            }
        );
        assert_eq!(
            parse_asset(&args(None, Some(["wasm1t", "7"])))
                .unwrap()
                .amount(),
            7
        );
        for bad in [
            args(Some(["ustake", "0"]), None),
            args(Some(["ustake", "-1"]), None),
            args(Some(["", "1"]), None),
            args(None, None),
        ] {
            assert_eq!(parse_asset(&bad).unwrap_err().exit_code(), 2);
        }
    }
}
