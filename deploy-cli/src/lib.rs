//! `luckee`: deploys and operates the Luckee Incentive contracts (library half of the CLI).
//!
//! The binary (`src/main.rs`) only parses the command line and calls [`run`]. Modules:
//!
//! * [`cli`] — flags and subcommands; [`config`] — networks and the deployment plan (TOML);
//! * [`keys`] — the signing key from a mnemonic; [`state`] — the deployment state file;
//! * [`artifacts`] — wasm files and `checksums.txt`;
//! * [`chain`] — the only module that talks to the node (queries, signing, broadcasting);
//! * [`contracts`] — the three contracts: names and typed clients over [`chain`];
//! * [`reconcile`] — the plan against a snapshot of the chain: pure diff and messages;
//! * [`fs`] — atomic writes and locks; [`clock`] — Unix time;
//! * [`cmd`] — one module per subcommand; [`ui`] — output format and spinner;
//! * [`metrics`] — Prometheus text-format metrics (`--metrics-file`);
//! * [`error`] — typed errors and the documented exit codes.

#![warn(missing_docs)]

pub mod artifacts;
pub mod chain;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod contracts;
pub mod error;
pub mod events;
pub mod fs;
pub mod keys;
pub mod metrics;
pub mod reconcile;
pub mod state;
pub mod ui;

pub use error::{Error, Result};

/// Runs a parsed command line; `Ok` carries the report already printed on stdout.
///
/// Errors carry their exit code ([`Error::exit_code`]).
pub async fn run(cli: cli::Cli) -> Result<()> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("read", ".", e))?;
    match cli.command {
        cli::Command::Deploy { command } => {
            cmd::deploy::run(&cmd::Context::new(&cli.global, &cwd)?, command).await
        }
        cli::Command::Ops { args, command } => {
            cmd::ops::run(&cli.global, &cwd, args, command).await
        }
        cli::Command::Plan => cmd::plan::run_plan(&cmd::Context::new(&cli.global, &cwd)?).await,
        cli::Command::Apply { prune } => {
            cmd::plan::run_apply(&cmd::Context::new(&cli.global, &cwd)?, prune).await
        }
        cli::Command::Backup(args) => {
            cmd::backup::run(&cmd::Context::new(&cli.global, &cwd)?, args).await
        }
        cli::Command::Events { command } => {
            cmd::events::run(&cmd::Context::new(&cli.global, &cwd)?, command).await
        }
        cli::Command::Multisig { args, command } => {
            cmd::multisig::run(&cmd::Context::new(&cli.global, &cwd)?, &args, command).await
        }
        cli::Command::Tx { command } => {
            cmd::tx::run(&cmd::Context::new(&cli.global, &cwd)?, &command).await
        }
        cli::Command::Completions { shell } => {
            use clap::CommandFactory;
            use std::io::Write;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli::Cli::command(), "luckee", &mut script);
            match std::io::stdout().lock().write_all(&script) {
                // `luckee completions bash | head`: the reader left, nothing is wrong.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| Error::io("write", "stdout", e)),
            }
        }
    }
}
