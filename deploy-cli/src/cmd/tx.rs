//! `luckee tx sign FILE` and `luckee tx broadcast FILE` — offline signing for voters who keep
//! their keys away from the server (issue 15).
//!
//! The server prints an unsigned tx with `luckee multisig vote|execute … --generate-only
//! --from VOTER` (wasmd's JSON: `wasmd tx sign` signs it too). On the voter's machine,
//! `luckee tx sign FILE --mnemonic-file voter.key` signs it (SIGN_MODE_DIRECT) and prints the
//! signed tx; with `--account-number N --sequence S` (printed by `--generate-only`) it needs no
//! node at all. Back on the server, `luckee tx broadcast SIGNED_FILE` sends it and waits for
//! its block. The JSON mapping is [`crate::chain::offline`].

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Serialize;

use super::{Context, TxSummary};
use crate::chain::offline::{self, JsonTx};
use crate::error::{Error, Result};
use crate::ui::Report;

/// `luckee tx …`
#[derive(Debug, Subcommand)]
pub enum TxCommand {
    /// Sign an unsigned tx file (from --generate-only or `wasmd … --generate-only`) with the
    /// key (--mnemonic-file / LUCKEE_MNEMONIC); prints the signed tx (wasmd's JSON) on stdout.
    Sign {
        /// The unsigned tx (JSON), or - for standard input.
        file: PathBuf,
        /// Sign offline: the account number (printed by --generate-only); needs --sequence.
        #[arg(long, requires = "sequence")]
        account_number: Option<u64>,
        /// Sign offline: the account sequence (printed by --generate-only); needs
        /// --account-number.
        #[arg(long, requires = "account_number")]
        sequence: Option<u64>,
    },
    /// Broadcast a signed tx file (luckee's or `wasmd tx sign`'s) and wait for its block.
    Broadcast {
        /// The signed tx (JSON), or - for standard input.
        file: PathBuf,
    },
}

/// Result of `tx broadcast`.
#[derive(Debug, Clone, Serialize)]
pub struct BroadcastReport {
    /// Chain-id.
    pub chain_id: String,
    /// Who signed it.
    pub signer: String,
    /// The tx.
    #[serde(flatten)]
    pub sent: TxSummary,
}

impl Report for BroadcastReport {
    fn text(&self) -> String {
        format!(
            "{} on {} (signed by {})\n",
            self.sent.line().unwrap_or_default(),
            self.chain_id,
            self.signer
        )
    }
}

fn read(file: &Path) -> Result<JsonTx> {
    let text = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|e| Error::io("read", "stdin", e))?
    } else {
        std::fs::read_to_string(file).map_err(|e| Error::io("read", file, e))?
    };
    JsonTx::parse(&text)
}

/// Runs one `tx` subcommand.
pub async fn run(ctx: &Context, cmd: &TxCommand) -> Result<()> {
    match cmd {
        TxCommand::Sign {
            file,
            account_number,
            sequence,
        } => {
            let tx = read(file)?;
            let signer = ctx.signer()?;
            let (number, seq) = match (account_number, sequence) {
                (Some(n), Some(s)) => (*n, *s),
                _ => {
                    let client = ctx.connect().await?;
                    let a = client.signer_account(&signer).await?;
                    (a.account_number, a.sequence)
                }
            };
            let signed = offline::sign(&tx, &signer, &ctx.net.chain_id, number, seq)?;
            println!(
                "{}",
                serde_json::to_string(&signed)
                    .map_err(|e| Error::usage(format!("tx JSON: {e}")))?
            );
            Ok(())
        }
        TxCommand::Broadcast { file } => {
            let tx = read(file)?;
            let bytes = offline::tx_bytes(&tx)?;
            let signer = tx.signer_address()?.to_string();
            let client = ctx.connect().await?;
            let o = client.broadcast_raw(bytes).await?;
            ctx.print(&BroadcastReport {
                chain_id: ctx.net.chain_id.clone(),
                signer,
                sent: TxSummary {
                    tx: Some(o.hash),
                    height: Some(o.height),
                    gas_used: Some(o.gas_used),
                    ..Default::default()
                },
            });
            Ok(())
        }
    }
}
