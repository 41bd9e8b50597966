//! One module per subcommand, plus the [`Context`] they share.

pub mod authority;
pub mod backup;
pub mod deploy;
pub mod events;
pub mod intent;
pub mod multisig;
pub mod ops;
pub mod plan;
pub mod tx;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::chain::tx::GasEstimate;
use crate::chain::{ChainClient, RetryPolicy, TxOutcome, TxRequest};
use crate::cli::GlobalArgs;
use crate::config::{ConfigFile, Network, NetworkOverrides, OpsConfig, Plan};
use crate::error::{Error, Result};
use crate::keys::{MnemonicSource, Signer};
use crate::state::{
    DeploymentState, LockMode, PendingInstantiate, PendingUpload, StateStore, TxEffects,
};
use crate::ui::{print_report, OutputFormat, Report, Ui};

/// Everything a subcommand needs from the command line and config, resolved and validated
/// before any network access.
#[derive(Debug, Clone)]
pub struct Context {
    /// Working directory; relative paths of the plan are relative to it.
    pub cwd: PathBuf,
    /// The selected network with overrides applied.
    pub net: Network,
    /// The deployment plan (addresses validated against the network's bech32 prefix).
    pub plan: Plan,
    /// `--output`.
    pub output: OutputFormat,
    /// Spinner policy.
    pub ui: Ui,
    /// `--dry-run`.
    pub dry_run: bool,
    /// Where the mnemonic comes from.
    pub mnemonic: MnemonicSource,
    /// HD path index.
    pub account_index: u32,
    /// RPC retry policy.
    pub retry: RetryPolicy,
    /// The config's `[ops]` table.
    pub ops: OpsConfig,
}

impl Context {
    /// Loads the config, resolves the network and validates the plan (exit 2 on any problem).
    pub fn new(g: &GlobalArgs, cwd: &Path) -> Result<Context> {
        let file = ConfigFile::load(g.config.as_deref(), cwd)?;
        let overrides = NetworkOverrides {
            node: g.node.clone(),
            chain_id: g.chain_id.clone(),
            gas_prices: g.gas_prices.clone(),
            gas_adjustment: g.gas_adjustment.clone(),
            tx_timeout_secs: g.tx_timeout,
        };
        let net = file.network(&g.network, &overrides)?;
        file.deploy.validate(&net)?;
        Ok(Context {
            cwd: cwd.to_path_buf(),
            net,
            plan: file.deploy,
            ops: file.ops,
            output: g.output,
            ui: Ui::new(g.output),
            dry_run: g.dry_run,
            mnemonic: MnemonicSource::from_flags(g.mnemonic_file.as_ref().map(|p| cwd.join(p))),
            account_index: g.account_index,
            retry: RetryPolicy::default(),
        })
    }

    /// Loads the signing key (exit 2 on a missing, open or malformed mnemonic).
    pub fn signer(&self) -> Result<Signer> {
        Signer::load(&self.mnemonic, &self.net.bech32_prefix, self.account_index)
    }

    /// Connects to the node and checks its chain-id (exit 4 unreachable, exit 2 mismatch).
    pub async fn connect(&self) -> Result<ChainClient> {
        Ok(ChainClient::connect(self.net.clone(), self.retry)
            .await?
            .with_progress(self.ui.progress()))
    }

    /// The artifacts directory.
    pub fn artifacts_dir(&self) -> PathBuf {
        self.cwd.join(&self.plan.artifacts_dir)
    }

    /// Opens and locks the state of the network's chain-id.
    pub fn open_state(&self, mode: LockMode) -> Result<(StateStore, DeploymentState)> {
        StateStore::open(
            &self.cwd.join(&self.plan.state_dir),
            &self.net.chain_id,
            mode,
        )
    }

    /// Prints a report in the selected format.
    pub fn print(&self, report: &impl Report) {
        print_report(self.output, report)
    }
}

/// The tx a command sent or, with `--dry-run`, only simulated. Flattened into the reports of
/// every command that changes the chain (JSON keys `tx`, `height`, `gas_used`, `dry_run`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct TxSummary {
    /// Hash of the tx (upper-case hex).
    pub tx: Option<String>,
    /// Height of the block that included it.
    pub height: Option<u64>,
    /// Gas it used.
    pub gas_used: Option<u64>,
    /// Gas estimate of a `--dry-run` (gas used, gas limit, fee in base units of the fee denom).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<GasEstimate>,
    /// When a multisig holds the role: the proposal the tx created instead of the changes
    /// themselves ([`authority::Send::submit`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<authority::ProposalRef>,
}

impl TxSummary {
    /// One line: `tx HASH at height H, gas used G` or the dry run's estimate; `None` when
    /// nothing was sent or simulated.
    pub fn line(&self) -> Option<String> {
        if let Some(p) = &self.proposal {
            let tx = match (&self.tx, &self.dry_run) {
                (Some(tx), _) => format!(
                    "proposed in tx {tx} at height {}, gas used {}",
                    self.height.unwrap_or_default(),
                    self.gas_used.unwrap_or_default()
                ),
                (None, Some(e)) => format!(
                    "dry run: the propose tx would use gas {} → gas limit {}, fee {}; nothing broadcast",
                    e.gas_used, e.gas_limit, e.fee
                ),
                (None, None) => String::new(),
            };
            return Some(format!("{tx}\n{}", p.next_steps()));
        }
        match (&self.tx, &self.dry_run) {
            (Some(tx), _) => Some(format!(
                "tx {tx} at height {}, gas used {}",
                self.height.unwrap_or_default(),
                self.gas_used.unwrap_or_default()
            )),
            (None, Some(e)) => Some(format!(
                "dry run: gas used {} → gas limit {}, fee {}; nothing broadcast",
                e.gas_used, e.gas_limit, e.fee
            )),
            (None, None) => None,
        }
    }
}

/// The crash-safe way a command changes the chain, shared by every such command.
pub struct Send<'a> {
    /// The connected client.
    pub client: &'a ChainClient,
    /// Who signs.
    pub signer: &'a Signer,
    /// The locked state file (the pending tx hash is recorded there before the broadcast).
    pub store: &'a mut StateStore,
    /// Its content.
    pub state: &'a mut DeploymentState,
}

impl<'a> Send<'a> {
    /// The send path of `signer` through `client`, recording in `store` / `state`.
    pub fn new(
        client: &'a ChainClient,
        signer: &'a Signer,
        store: &'a mut StateStore,
        state: &'a mut DeploymentState,
    ) -> Send<'a> {
        Send {
            client,
            signer,
            store,
            state,
        }
    }

    /// With `--dry-run`: simulates `req` (nothing broadcast, nothing written) and returns the
    /// estimate. Otherwise sends it with [`deploy::send_recorded`] (`uploads` / `instantiates`
    /// describe its store and instantiate messages) and returns the outcome too.
    pub async fn send_or_simulate(
        &mut self,
        dry_run: bool,
        req: &TxRequest,
        uploads: Vec<PendingUpload>,
        instantiates: Vec<PendingInstantiate>,
    ) -> Result<(TxSummary, Option<TxOutcome>)> {
        if dry_run {
            let est = self.client.estimate_fresh(self.signer, req).await?;
            return Ok((
                TxSummary {
                    dry_run: Some(est),
                    ..Default::default()
                },
                None,
            ));
        }
        let o = deploy::send_recorded(
            self.client,
            self.signer,
            self.store,
            self.state,
            req,
            TxEffects {
                uploads,
                instantiates,
                migrates: vec![],
            },
        )
        .await?;
        let summary = TxSummary {
            tx: Some(o.hash.clone()),
            height: Some(o.height),
            gas_used: Some(o.gas_used),
            dry_run: None,
            proposal: None,
        };
        Ok((summary, Some(o)))
    }
}

/// Sets `stop` on the first SIGTERM or SIGINT, logging that `finishing` (e.g. "the current
/// probe") completes before the command exits.
///
/// Errors: exit 2 if the signal handlers cannot be installed.
pub(crate) fn watch_signals(
    stop: tokio::sync::watch::Sender<bool>,
    finishing: &'static str,
) -> Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())
        .map_err(|e| Error::usage(format!("cannot watch SIGTERM: {e}")))?;
    let mut int = signal(SignalKind::interrupt())
        .map_err(|e| Error::usage(format!("cannot watch SIGINT: {e}")))?;
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM: finishing {finishing}"),
            _ = int.recv() => tracing::info!("SIGINT: finishing {finishing}"),
        }
        let _ = stop.send(true);
    });
    Ok(())
}
