//! Typed errors and the process exit codes of `luckee`.
//!
//! Every failure the library can report is an [`Error`]; its [`Error::exit_code`] is what the
//! `luckee` binary exits with. The codes are part of the command-line interface (scripts, cron
//! and CI branch on them) and do not change between releases:
//!
//! | code | meaning | typical causes | what to do |
//! |-----:|---------|----------------|------------|
//! | 0 | success | everything done, or nothing left to do; `deploy verify` found no difference | — |
//! | 1 | verification mismatch or drift | `deploy verify` found a difference between chain, state file, plan and artifacts; `plan` found the chain differing from luckee.toml; a post-upgrade check of `deploy migrate` / `rollback` failed | read the listed differences; `luckee apply` fixes drift |
//! | 2 | usage or configuration error | bad flag, unreadable/invalid config, invalid bech32 address, wrong chain-id, malformed mnemonic, mnemonic file readable by group/others, missing artifact, checksum mismatch against `checksums.txt`, corrupt state file | fix the input; nothing was broadcast |
//! | 3 | transaction failure | the chain rejected or failed a tx (CheckTx or DeliverTx code ≠ 0, failed simulation, unfunded or unknown account, recorded code missing on chain) | read the chain's log; the state file records what landed |
//! | 4 | transient network failure | node unreachable, RPC timeouts or 5xx after retries, tx not included before the timeout | re-run later: a pending tx is looked up by hash first, nothing is sent twice |
//! | 5 | busy | another `luckee` run holds the lock on the same state file, or another `luckee backup` runs on the same backup directory | wait for it to finish |
//! | 6 | local I/O failure | the state file, its lock, a backup, an archive or a metrics file could not be read or written (permissions, full disk, read-only mount) | fix the file system; the state file is written atomically, so it is either the old or the new version |
//! | 7 | not a voter | `luckee multisig vote` signed by a key that is not a voter of the multisig | use a voter's key; nothing was sent |
//! | 8 | proposal not in a state for it | `multisig vote` on an executed, closed or expired proposal; `multisig execute` of one that has not passed or was already executed | `multisig show ID` says its status; nothing was sent |
//!
//! `luckee backup verify` exits 1 when a file of the backup is missing, extra or altered.
//!
//! `luckee ops health` and `luckee ops gas` are monitoring plugins and use the Nagios plugin
//! codes instead ([`Error::Check`], [`monitoring`]): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
//! (every other failure of these two, e.g. a bad config, is 3).
//!
//! In every failing case the state file is left as it was, except for records of
//! transactions that really landed (or the pending tx hash recorded before a broadcast).

use std::fmt;

/// Process exit codes (see the module docs for the table).
pub mod exit {
    /// Success, or nothing to do.
    pub const OK: i32 = 0;
    /// `deploy verify` found differences.
    pub const MISMATCH: i32 = 1;
    /// Bad flags, configuration, key, artifacts or state file.
    pub const USAGE: i32 = 2;
    /// A transaction (or its simulation) was rejected or failed on chain.
    pub const TX_FAILED: i32 = 3;
    /// The node could not be reached or did not answer in time, even after retries.
    pub const NETWORK: i32 = 4;
    /// Another run holds the state lock.
    pub const BUSY: i32 = 5;
    /// A local file (state, lock, backup, metrics) could not be read or written.
    pub const IO: i32 = 6;
    /// The signer is not a voter of the multisig.
    pub const NOT_VOTER: i32 = 7;
    /// The proposal's status (or expiry) does not allow the vote or execute asked.
    pub const PROPOSAL: i32 = 8;
    /// A `yes` vote on a proposal whose messages differ from what luckee would send now.
    pub const STALE_PROPOSAL: i32 = 9;
}

/// Exit codes of the monitoring commands `ops health` and `ops gas` (the Nagios plugin
/// convention).
pub mod monitoring {
    /// Every check passed.
    pub const OK: i32 = 0;
    /// A check is above its warning threshold (e.g. the contract is paused).
    pub const WARNING: i32 = 1;
    /// A check is above its critical threshold (e.g. the node is unreachable).
    pub const CRITICAL: i32 = 2;
    /// The checks could not be made (bad config, no deployment, no key to simulate with).
    pub const UNKNOWN: i32 = 3;
}

/// The exit-code table as plain text, shown at the end of `luckee --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success (or nothing to do; verify found no difference)
  1  verification mismatch or drift (deploy verify, plan found differences; a
     post-upgrade check of deploy migrate / rollback failed)
  2  usage or configuration error (flags, config, bech32 address, chain-id, mnemonic,
     key file permissions, missing artifact, checksum mismatch, corrupt state file)
  3  transaction failure (CheckTx/DeliverTx/simulation rejected, unfunded account)
  4  transient network failure (node unreachable, timeouts after retries, tx not
     included in time; re-run to resolve the recorded pending tx)
  5  busy (another luckee run holds the state file lock, or another backup runs
     on the same backup directory)
  6  local I/O failure (state file, lock, backup or metrics file could not be
     read or written: permissions, full disk)
  7  not a voter of the multisig (multisig vote, or an admin command proposing
     through the multisig that holds the role); nothing sent
  8  proposal not open for it (vote: executed, closed or expired; execute: not
     passed, or already executed); nothing sent
  9  stale proposal (multisig vote yes, multisig execute): its messages differ
     from what luckee would send now for the same command (the plan or the chain
     changed since); nothing sent
backup verify: 1 when a file of the backup is missing, extra or altered.
ops health, ops gas (Nagios plugin codes): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.";

/// Every error of the `luckee` library. The variant decides the exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command-line usage, configuration, plan or key material (exit 2). The message names
    /// the offending input; nothing was broadcast.
    #[error("{0}")]
    Usage(String),
    /// A local file could not be read or written (exit 6): state file, lock, backup, metrics.
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        /// What was attempted: `read`, `write`, `create`, `remove`, `lock`, `fsync`.
        op: &'static str,
        /// The file or directory.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The key could not sign, or the signed tx could not be encoded (exit 2; nothing sent).
    #[error("signing failed: {0}")]
    Signing(String),
    /// `deploy verify` or `plan` found `count` differences (exit 1); the details were already
    /// printed.
    #[error(
        "verification failed: {count} difference(s) between chain, state file, plan and artifacts"
    )]
    Mismatch {
        /// Number of failed checks.
        count: usize,
    },
    /// An upgrade's own check failed (exit 1): its pre-upgrade backup does not verify (nothing
    /// was migrated), or a post-upgrade check found the migrated contract differing from what
    /// was expected (the message names the check and the rollback command).
    #[error("{0}")]
    UpgradeCheck(String),
    /// `luckee plan` found `count` differences between the plan and the chain (exit 1, like
    /// [`Error::Mismatch`]); the changes were already printed.
    #[error("drift: {count} change(s) between luckee.toml and the chain; `luckee apply` makes the chain match")]
    Drift {
        /// Number of changes.
        count: usize,
    },
    /// A transaction landed in a block with a non-zero result code (exit 3).
    #[error(
        "transaction {hash} failed at height {height} (code {code}, codespace {codespace}): {log}"
    )]
    TxFailed {
        /// Tx hash, upper-case hex.
        hash: String,
        /// Block height it was included at.
        height: u64,
        /// ABCI result code.
        code: u32,
        /// Codespace of the code (e.g. `sdk`, `wasm`).
        codespace: String,
        /// The chain's log message.
        log: String,
    },
    /// `/cosmos.tx.v1beta1.Service/Simulate` refused the tx (exit 3): it would fail on chain.
    #[error("simulation failed ({codespace} code {code}): {log}")]
    Simulation {
        /// Codespace of the error (`sdk`, `wasm`, …).
        codespace: String,
        /// ABCI code.
        code: u32,
        /// The node's message (for a contract error: the contract's error text).
        log: String,
    },
    /// The chain refused something before inclusion: CheckTx rejection, an account that does
    /// not exist, a recorded code that is gone, a query the contract refused (exit 3).
    #[error("{0}")]
    Chain(String),
    /// The node could not be reached or did not answer in time, after retries (exit 4).
    #[error("{0}")]
    Network(String),
    /// Another run holds the lock on the state file (exit 5).
    #[error("another luckee run holds the lock on {0}; wait for it to finish")]
    Busy(String),
    /// The signer is not a voter of the multisig (exit 7); nothing was sent.
    #[error("{0}")]
    NotVoter(String),
    /// A multisig proposal's status does not allow what was asked (exit 8); nothing was sent.
    #[error("{0}")]
    Proposal(String),
    /// A proposal's messages differ from what luckee would send now for the command that made
    /// it (exit 9); nothing was sent.
    #[error("{0}")]
    StaleProposal(String),
    /// A monitoring command (`ops health`, `ops gas`) ended WARNING, CRITICAL or UNKNOWN; its
    /// report was already printed. `code` is the Nagios code ([`monitoring`]).
    #[error("{summary}")]
    Check {
        /// 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
        code: i32,
        /// One line: the status and what caused it.
        summary: String,
    },
}

/// SDK codespace `sdk`, code 32: account sequence mismatch.
pub const CODE_WRONG_SEQUENCE: u32 = 32;
/// SDK codespace `sdk`, code 19: the tx is already in the mempool cache.
pub const CODE_TX_IN_MEMPOOL: u32 = 19;

/// Whether an ABCI `(codespace, code, log)` means "account sequence mismatch" (the tx was
/// signed with a sequence other than the one the node expects next).
pub fn is_sequence_mismatch(codespace: &str, code: u32, log: &str) -> bool {
    (codespace == "sdk" && code == CODE_WRONG_SEQUENCE) || log.contains("account sequence mismatch")
}

/// Whether an ABCI `(codespace, code)` or a CometBFT RPC error text means "this exact tx is
/// already in the mempool" (an earlier broadcast of the same bytes got through).
pub fn is_tx_in_mempool(codespace: &str, code: u32, rpc_error: &str) -> bool {
    (codespace == "sdk" && code == CODE_TX_IN_MEMPOOL)
        || rpc_error.contains("already exists in cache")
}

impl Error {
    /// The process exit code for this error (see the module docs).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Signing(_) => exit::USAGE,
            Error::Io { .. } => exit::IO,
            Error::Mismatch { .. } | Error::Drift { .. } | Error::UpgradeCheck(_) => exit::MISMATCH,
            Error::TxFailed { .. } | Error::Simulation { .. } | Error::Chain(_) => exit::TX_FAILED,
            Error::Network(_) => exit::NETWORK,
            Error::Busy(_) => exit::BUSY,
            Error::NotVoter(_) => exit::NOT_VOTER,
            Error::Proposal(_) => exit::PROPOSAL,
            Error::StaleProposal(_) => exit::STALE_PROPOSAL,
            Error::Check { code, .. } => *code,
        }
    }

    /// A usage / configuration error from anything printable.
    pub fn usage(msg: impl fmt::Display) -> Self {
        Error::Usage(msg.to_string())
    }

    /// A local I/O failure: `op` (`read`, `write`, …) of `path`.
    pub fn io(
        op: &'static str,
        path: impl Into<std::path::PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            op,
            path: path.into(),
            source,
        }
    }

    /// A chain-side rejection from anything printable.
    pub fn chain(msg: impl fmt::Display) -> Self {
        Error::Chain(msg.to_string())
    }

    /// A transient network failure from anything printable.
    pub fn network(msg: impl fmt::Display) -> Self {
        Error::Network(msg.to_string())
    }

    /// Whether this is a simulation that failed only because of the account sequence (the
    /// mempool expects a later one): worth re-signing, not a real failure.
    pub fn is_sequence_mismatch(&self) -> bool {
        matches!(self, Error::Simulation { codespace, code, log } if is_sequence_mismatch(codespace, *code, log))
    }
}

/// Result alias of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct_per_category() {
        let codes = [
            Error::usage("x").exit_code(),
            Error::Mismatch { count: 1 }.exit_code(),
            Error::chain("x").exit_code(),
            Error::network("x").exit_code(),
            Error::Busy("x".into()).exit_code(),
            Error::io("read", "/x", std::io::Error::other("boom")).exit_code(),
            Error::NotVoter("x".into()).exit_code(),
            Error::Proposal("x".into()).exit_code(),
            Error::StaleProposal("x".into()).exit_code(),
        ];
        assert_eq!(codes, [2, 1, 3, 4, 5, 6, 7, 8, 9]);
        let mut sorted = codes.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }

    #[test]
    fn sequence_and_mempool_predicates() {
        assert!(is_sequence_mismatch("sdk", 32, ""));
        assert!(is_sequence_mismatch(
            "",
            0,
            "account sequence mismatch, expected 7, got 6"
        ));
        assert!(!is_sequence_mismatch("sdk", 5, "insufficient funds"));
        assert!(is_tx_in_mempool("sdk", 19, ""));
        assert!(is_tx_in_mempool("", 0, "tx already exists in cache"));
        assert!(!is_tx_in_mempool("sdk", 32, "nope"));
        let sim = Error::Simulation {
            codespace: "sdk".into(),
            code: 32,
            log: "x".into(),
        };
        assert!(sim.is_sequence_mismatch());
        assert_eq!(sim.exit_code(), 3);
        assert!(!Error::chain("account sequence mismatch").is_sequence_mismatch());
    }
}
