//! `luckee`: deploys and operates the Luckee Incentive contracts (library half of the CLI).
//!
//! The binary (`src/main.rs`) only parses the command line and calls [`run`]. Modules:
//!
//! * [`cli`] — flags and subcommands; [`config`] — networks and the deployment plan (TOML);
//! * [`keys`] — the signing key from a mnemonic; [`state`] — the deployment state file;
//! * [`artifacts`] — wasm files and `checksums.txt`; [`contracts`] — the three contracts;
//! * [`chain`] — the only module that talks to the node (queries, signing, broadcasting);
//! * [`cmd`] — one module per subcommand; [`ui`] — output format and spinner;
//! * [`metrics`] — Prometheus text-format metrics (`--metrics-file`);
//! * [`error`] — typed errors and the documented exit codes.

#![warn(missing_docs)]

pub mod artifacts;
pub mod chain;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod contracts;
pub mod error;
pub mod keys;
pub mod metrics;
pub mod state;
pub mod ui;

pub use error::{Error, Result};

/// Runs a parsed command line; `Ok` carries the report already printed on stdout.
///
/// Errors carry their exit code ([`Error::exit_code`]).
pub async fn run(cli: cli::Cli) -> Result<()> {
    let cwd = std::env::current_dir().map_err(|e| Error::config(format!("current dir: {e}")))?;
    match cli.command {
        cli::Command::Deploy { command } => {
            cmd::deploy::run(&cmd::Context::new(&cli.global, &cwd)?, command).await
        }
        cli::Command::Ops { args, command } => {
            cmd::ops::run(&cli.global, &cwd, args, command).await
        }
        cli::Command::Backup(args) => {
            cmd::backup::run(&cmd::Context::new(&cli.global, &cwd)?, args).await
        }
    }
}
