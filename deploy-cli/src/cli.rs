//! Command-line interface (clap derive). Flags mirror wasmd's names where they overlap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::contracts::ContractKind;
use crate::error::EXIT_CODES_HELP;
use crate::ui::OutputFormat;

/// `luckee`: deploys and operates the Luckee Incentive contracts on a CosmWasm chain.
#[derive(Debug, Parser)]
#[command(name = "luckee", version, about, long_about = None, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    #[command(flatten)]
    /// Flags accepted by every subcommand.
    pub global: GlobalArgs,
    #[command(subcommand)]
    /// The subcommand.
    pub command: Command,
}

/// Flags accepted by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Config file (TOML with networks.NAME and deploy tables); default ./luckee.toml if present.
    #[arg(long, global = true, env = "LUCKEE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Network from the config file, or the built-in `local` (ci/devnet).
    #[arg(long, global = true, env = "LUCKEE_NETWORK", default_value = "local")]
    pub network: String,
    /// CometBFT RPC endpoint(s), tried in order; overrides the network's `rpc`.
    #[arg(
        long,
        global = true,
        env = "LUCKEE_NODE",
        value_delimiter = ',',
        value_name = "URL"
    )]
    pub node: Vec<String>,
    /// Expected chain-id; the node's must match.
    #[arg(long, global = true, env = "LUCKEE_CHAIN_ID")]
    pub chain_id: Option<String>,
    /// Gas price with fee denom, e.g. 0.025ustake (fee = ceil(gas limit × price)).
    #[arg(long, global = true, env = "LUCKEE_GAS_PRICES", value_name = "PRICE")]
    pub gas_prices: Option<String>,
    /// Multiplier of simulated gas giving the gas limit (default 1.3).
    #[arg(
        long,
        global = true,
        env = "LUCKEE_GAS_ADJUSTMENT",
        value_name = "FACTOR"
    )]
    pub gas_adjustment: Option<String>,
    /// Seconds to wait for a broadcast tx to be included in a block (default 60).
    #[arg(long, global = true, env = "LUCKEE_TX_TIMEOUT", value_name = "SECONDS")]
    pub tx_timeout: Option<u64>,
    /// File holding the signer's BIP-39 mnemonic (mode 600); else $LUCKEE_MNEMONIC is used.
    #[arg(long, global = true, env = "LUCKEE_MNEMONIC_FILE", value_name = "PATH")]
    pub mnemonic_file: Option<PathBuf>,
    /// Address index of the HD path m/44'/118'/0'/0/{index}.
    #[arg(long, global = true, env = "LUCKEE_ACCOUNT_INDEX", default_value_t = 0)]
    pub account_index: u32,
    /// Output format: text tables, or one JSON document on stdout.
    #[arg(long, short = 'o', global = true, env = "LUCKEE_OUTPUT", value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// Simulate and print what would be sent; broadcast nothing, write no state.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Log lines on stderr as text, or as one JSON object per line (time, level, target,
    /// message, fields) for log shippers.
    #[arg(long, global = true, env = "LUCKEE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `fields.message` and the
    /// event's other fields.
    Json,
}

/// Top-level subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Upload, instantiate and verify the contracts (replaces the seed's deploy scripts).
    Deploy {
        #[command(subcommand)]
        /// Which deploy step.
        command: DeployCommand,
    },
    /// Operate the incentive: pause, resume, status, health check and gas report (replaces
    /// the seed's emergency pause, recovery, health check and performance monitor scripts).
    Ops {
        #[command(flatten)]
        /// Flags of every ops subcommand.
        args: crate::cmd::ops::OpsArgs,
        #[command(subcommand)]
        /// Which operation.
        command: crate::cmd::ops::OpsCommand,
    },
    /// Read-only diff of luckee.toml against the chain: config, rules, reporters, registry
    /// members, FT minter, admins and labels, one line per change (+ add, ~ change,
    /// - remove). Exit 0 when the chain equals the plan, 1 when there is drift.
    Plan,
    /// Make the chain match luckee.toml: sends exactly the changes `plan` shows, in one tx,
    /// then re-reads the chain to confirm. Removals only with --prune; --dry-run simulates.
    Apply {
        /// Also remove rules, reporters and registry members that are on chain but not in the
        /// plan.
        #[arg(long)]
        prune: bool,
    },
    /// Back up every deployed contract (complete raw state at one height, queries, code) into
    /// verified, atomically written directories; `backup verify DIR` checks one.
    Backup(crate::cmd::backup::BackupArgs),
    /// The event archive: `events sync` archives every tx of the deployment's contracts
    /// (failed ones too) into SQLite or PostgreSQL.
    Events {
        #[command(subcommand)]
        /// Which step.
        command: crate::cmd::events::EventsCommand,
    },
    /// The voters' side of a cw3 multisig admin: list and show proposals (messages decoded into
    /// luckee's words), vote, execute a passed one. Refused before any fee: a key that is not
    /// a voter (exit 7), a proposal not open for it (exit 8), a yes on a proposal whose
    /// messages differ from what luckee would send now (exit 9).
    Multisig {
        /// Flags of every multisig subcommand.
        #[command(flatten)]
        args: crate::cmd::multisig::MultisigArgs,
        #[command(subcommand)]
        /// Which step.
        command: crate::cmd::multisig::MultisigCommand,
    },
    /// Offline signing: `tx sign FILE` signs an unsigned tx (from --generate-only) where the
    /// key is; `tx broadcast FILE` sends a signed one.
    Tx {
        #[command(subcommand)]
        /// Which step.
        command: crate::cmd::tx::TxCommand,
    },
    /// Print a shell completion script (clap_complete), e.g.
    /// `luckee completions bash > /etc/bash_completion.d/luckee`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// `luckee deploy …`
#[derive(Debug, Subcommand)]
pub enum DeployCommand {
    /// Store the artifacts' code (gzip), skipping codes already on chain; prints code ids.
    Upload {
        /// Upload only these (luckee_incentive, mock_ft, mock_registry); default: what the plan needs.
        #[arg(long = "contract", value_name = "NAME")]
        contracts: Vec<ContractKind>,
    },
    /// Instantiate registry and FT mocks and the incentive (instantiate2), hand the FT's minter
    /// to the incentive, apply rules/reporters/members; existing contracts are checked and kept.
    Instantiate,
    /// Migrate contracts to the code in the artifacts directory: store it if needed, take and
    /// verify a `pre-migrate` backup, one MsgMigrateContract tx with the typed migrate message,
    /// post-upgrade checks (exit 1 with the rollback command when one fails), history in the
    /// state file. Nothing to do (exit 0) when the chain already runs the artifacts' code.
    Migrate {
        /// Migrate only these (luckee_incentive, mock_ft, mock_registry); default: every
        /// contract luckee deployed.
        #[arg(long = "contract", value_name = "NAME")]
        contracts: Vec<ContractKind>,
        /// A migrate message (JSON) instead of the typed one, for a message the types do not
        /// cover; checked against the artifact's schema. Needs exactly one --contract.
        #[arg(long, value_name = "FILE")]
        msg_file: Option<PathBuf>,
        /// Take the new code from DIR (with its checksums.txt and schema/) instead of the
        /// plan's artifacts directory.
        #[arg(long, value_name = "DIR")]
        artifacts: Option<PathBuf>,
    },
    /// Migrate a contract back to the code it ran before its last migrate (from the state
    /// file's history), or to --to CODE_ID, after a `pre-rollback` backup, with the same
    /// post-upgrade checks. Refused before anything is sent when that code does not understand
    /// the stored state layout.
    Rollback {
        /// Which contract (default luckee_incentive).
        #[arg(long, value_name = "NAME", default_value = "luckee_incentive")]
        contract: ContractKind,
        /// The code id to go back to (default: from the history).
        #[arg(long, value_name = "CODE_ID")]
        to: Option<u64>,
    },
    /// Compare chain, state file, plan and artifacts; exit 0 only if everything matches.
    Verify,
}

#[cfg(test)]
mod completion_tests {
    use clap::CommandFactory;

    #[test]
    fn completion_scripts_name_every_command() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut super::Cli::command(), "luckee", &mut out);
            let text = String::from_utf8(out).unwrap();
            for word in [
                "deploy",
                "migrate",
                "rollback",
                "monitor",
                "backup",
                "log-format",
            ] {
                assert!(text.contains(word), "{shell:?} completion lacks {word}");
            }
        }
    }
}
