//! Shared helpers of the end-to-end tests: they run against the real devnet (`ci/devnet up`).
//!
//! * [`devnet`] finds the node from `LUCKEE_NODE` / `CHAIN_ID` (default: the local devnet) and
//!   PANICS when it cannot reach it — an e2e test never skips silently.
//! * [`Workdir::new`] funds a fresh random account from the devnet's `faucet` account (one
//!   funding at a time per process, sequence mismatches retried), so tests never share a
//!   sequence, and prepares a temp working dir with its own config, artifacts, key and state.
//! * [`Workdir::luckee`] runs the real `luckee` binary there.
//!
//! Artifacts come from `LUCKEE_TEST_ARTIFACTS` or `<repo>/artifacts` (built by
//! `ci/build-artifacts`); a missing one panics with that hint.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use luckee::chain::tx::to_any;
use luckee::chain::{ChainClient, RetryPolicy, TxRequest};
use luckee::config::Network;
use luckee::keys::Signer;
use rand::RngCore;
use serde_json::Value;

/// ustake given to each fresh test account (fees of a full deploy are well below 1 STAKE).
pub const FUNDING: u128 = 50_000_000;

/// The devnet the tests talk to.
pub struct Devnet {
    pub node: String,
    pub chain_id: String,
    runtime: tokio::runtime::Runtime,
}

impl Devnet {
    /// Runs a future on the shared runtime.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// The network as luckee sees it.
    pub fn network(&self) -> Network {
        Network {
            rpc: vec![self.node.clone()],
            chain_id: self.chain_id.clone(),
            ..Network::local()
        }
    }

    /// A connected chain client.
    pub fn client(&self) -> ChainClient {
        let node = self.node.clone();
        self.block_on(ChainClient::connect(self.network(), RetryPolicy::default()))
            .unwrap_or_else(|e| panic!("devnet not reachable at {node}: run ci/devnet up ({e})"))
    }

    /// Latest block height.
    pub fn height(&self) -> u64 {
        let c = self.client();
        self.block_on(c.status()).expect("status").height
    }
}

/// The devnet, checked once per process. Panics if it cannot be reached.
pub fn devnet() -> &'static Devnet {
    static DEVNET: OnceLock<Devnet> = OnceLock::new();
    DEVNET.get_or_init(|| {
        let node = std::env::var("LUCKEE_NODE").unwrap_or_else(|_| "http://127.0.0.1:26657".into());
        let chain_id = std::env::var("CHAIN_ID").unwrap_or_else(|_| "luckee-local".into());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let d = Devnet {
            node,
            chain_id,
            runtime,
        };
        let net = d.network();
        let retry = RetryPolicy {
            attempts: 2,
            ..Default::default()
        };
        if let Err(e) = d.block_on(ChainClient::connect(net, retry)) {
            panic!(
                "devnet not reachable at {} (chain-id {}): run ci/devnet up — {e}",
                d.node, d.chain_id
            );
        }
        d
    })
}

/// A running `ci/flaky-proxy` in front of the devnet's RPC, started with `args` (after
/// `--upstream`): the process (kill it when done) and its URL.
pub fn flaky_proxy(args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut proxy = Command::new(repo_root().join("ci/flaky-proxy"))
        .args(["--upstream", &devnet().node])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start ci/flaky-proxy (python3)");
    let mut line = String::new();
    std::io::BufReader::new(proxy.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("PORT ")
        .unwrap_or_else(|| panic!("flaky-proxy said {line:?}"))
        .to_string();
    (proxy, format!("http://127.0.0.1:{port}"))
}

/// The devnet's wasmd binary, with the key of `mnemonic` imported as `key` into the
/// throw-away test keyring under `keyring` (on first use). Returns the binary's path.
pub fn wasmd_key(keyring: &Path, key: &str, mnemonic: &str) -> String {
    let wasmd = std::env::var("WASMD").unwrap_or_else(|_| {
        format!(
            "{}/.cache/luckee/wasmd/v0.61.14/bin/wasmd",
            std::env::var("HOME").unwrap()
        )
    });
    let home = keyring.display().to_string();
    let known = Command::new(&wasmd)
        .args([
            "keys",
            "show",
            key,
            "--keyring-backend",
            "test",
            "--home",
            &home,
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !known {
        let mut add = Command::new(&wasmd)
            .args([
                "keys",
                "add",
                key,
                "--recover",
                "--keyring-backend",
                "test",
                "--home",
                &home,
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(add.stdin.take().unwrap(), "{mnemonic}").unwrap();
        assert!(add.wait().unwrap().success(), "wasmd keys add {key}");
    }
    wasmd
}

/// The seed's way: `wasmd tx wasm execute CONTRACT MSG` with a fixed gas limit (no
/// simulation, so a message the contract refuses still lands, as a failed tx), signed by the
/// key of `mnemonic`, imported as `key` into the throw-away keyring under `keyring` on first
/// use. Returns wasmd's JSON answer (checked: accepted into the mempool).
pub fn raw_wasmd_execute(
    keyring: &Path,
    key: &str,
    mnemonic: &str,
    contract: &str,
    msg: &str,
) -> Value {
    let wasmd = wasmd_key(keyring, key, mnemonic);
    let home = keyring.display().to_string();
    let d = devnet();
    let out = Command::new(&wasmd)
        .args([
            "tx",
            "wasm",
            "execute",
            contract,
            msg,
            "--from",
            key,
            "--keyring-backend",
            "test",
            "--home",
            &home,
            "--chain-id",
            &d.chain_id,
            "--node",
            &d.node,
            "--gas",
            "400000",
            "--fees",
            "10000ustake",
            "-y",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "wasmd tx wasm execute: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], 0, "accepted into the mempool: {v}");
    v
}

/// The outcome of tx `hash` (sent by [`raw_wasmd_execute`]) once it is in a block (30 s at
/// most; panics otherwise).
pub fn landed(hash: &str) -> luckee::chain::TxOutcome {
    let d = devnet();
    let c = d.client();
    let mut from = d.height().saturating_sub(5);
    d.block_on(async {
        for _ in 0..120 {
            if let Some(o) = c.find_tx(hash, &mut from).await? {
                return Ok::<_, luckee::Error>(Some(o));
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        Ok(None)
    })
    .unwrap()
    .unwrap_or_else(|| panic!("tx {hash} landed within 30 s"))
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The artifacts directory the tests copy from.
pub fn artifacts_source() -> PathBuf {
    let dir = std::env::var("LUCKEE_TEST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("artifacts"));
    for f in [
        "luckee_incentive.wasm",
        "mock_ft.wasm",
        "mock_registry.wasm",
        "checksums.txt",
    ] {
        assert!(
            dir.join(f).exists(),
            "artifact {} missing: run ci/build-artifacts (or set LUCKEE_TEST_ARTIFACTS)",
            dir.join(f).display()
        );
    }
    dir
}

/// The mnemonic of a devnet test account from `ci/devnet-accounts.toml`.
pub fn devnet_mnemonic(name: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join("ci/devnet-accounts.toml"))
        .expect("ci/devnet-accounts.toml");
    let v: toml::Value = toml::from_str(&text).expect("accounts TOML");
    v[name]["mnemonic"].as_str().expect("mnemonic").to_string()
}

/// A new random 24-word mnemonic.
pub fn random_mnemonic() -> String {
    let mut entropy = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut entropy);
    bip39::Mnemonic::from_entropy(&entropy).unwrap().to_string()
}

/// Sends `amount` ustake from the faucet to `to` (serialised per process; the chain client
/// re-signs on sequence mismatch, e.g. when another process uses the faucet too).
pub fn fund(to: &str, amount: u128) {
    static FAUCET: Mutex<()> = Mutex::new(());
    let _guard = FAUCET.lock().unwrap_or_else(|e| e.into_inner());
    let d = devnet();
    let faucet = Signer::from_phrase(&devnet_mnemonic("faucet"), "wasm", 0).unwrap();
    let client = d.client();
    let msg = MsgSend {
        from_address: faucet.address.to_string(),
        to_address: to.into(),
        amount: vec![Coin {
            denom: "ustake".into(),
            amount: amount.to_string(),
        }],
    };
    let req = TxRequest {
        msgs: vec![to_any(&msg)],
        memo: "luckee e2e funding".into(),
        tags: vec!["fund".into()],
    };
    let mut last = None;
    for _ in 0..3 {
        match d.block_on(client.send(&faucet, &req, &mut |_| Ok(()))) {
            Ok(_) => return,
            Err(e) => {
                last = Some(e.to_string());
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
    panic!("funding {to} from the faucet failed: {}", last.unwrap());
}

/// A test's working directory with its own funded account, config, artifacts and state.
pub struct Workdir {
    dir: tempfile::TempDir,
    /// The account's address.
    pub address: String,
    pub mnemonic: String,
}

/// Appends a wasm custom section named `luckee-test` holding `tag`: a valid module with a new
/// checksum (the chain has never seen it, so it must really be stored).
pub fn uniquify_wasm(wasm: &[u8], tag: &[u8]) -> Vec<u8> {
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    let name = b"luckee-test";
    let mut body = Vec::new();
    leb(name.len(), &mut body);
    body.extend_from_slice(name);
    body.extend_from_slice(tag);
    let mut out = wasm.to_vec();
    out.push(0);
    leb(body.len(), &mut out);
    out.extend_from_slice(&body);
    out
}

impl Workdir {
    /// A funded fresh account, the shared artifacts (codes may already be on chain) and the
    /// default plan.
    pub fn new() -> Workdir {
        Self::with_artifacts(false)
    }

    /// Like [`Workdir::new`], with artifacts made unique to this test (`unique = true`) so that
    /// uploading really stores new codes.
    pub fn with_artifacts(unique: bool) -> Workdir {
        let w = Self::unfunded(unique);
        fund(&w.address, FUNDING);
        w
    }

    /// A working dir whose account was never funded.
    pub fn unfunded(unique: bool) -> Workdir {
        devnet();
        let dir = tempfile::tempdir().unwrap();
        let mnemonic = random_mnemonic();
        let address = Signer::from_phrase(&mnemonic, "wasm", 0)
            .unwrap()
            .address
            .to_string();
        let w = Workdir {
            dir,
            address,
            mnemonic,
        };
        std::fs::create_dir_all(w.path().join("artifacts")).unwrap();
        let src = artifacts_source();
        let tag = w.address.as_bytes().to_vec();
        for name in [
            "luckee_incentive",
            "mock_ft",
            "mock_registry",
            "luckee_multisig",
        ] {
            // A release older than the multisig (v0.1.0) has no luckee_multisig.wasm.
            let Ok(wasm) = std::fs::read(src.join(format!("{name}.wasm"))) else {
                assert_eq!(
                    name,
                    "luckee_multisig",
                    "{name}.wasm missing in {}",
                    src.display()
                );
                continue;
            };
            let wasm = if unique {
                uniquify_wasm(&wasm, &tag)
            } else {
                wasm
            };
            std::fs::write(w.path().join(format!("artifacts/{name}.wasm")), wasm).unwrap();
        }
        w.write_checksums();
        w.write_key_file("key.txt", &w.mnemonic.clone(), 0o600);
        w
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Rewrites `artifacts/checksums.txt` from the files (as ci/build-artifacts does).
    pub fn write_checksums(&self) {
        let mut text = String::new();
        for name in [
            "luckee_incentive",
            "mock_ft",
            "mock_registry",
            "luckee_multisig",
        ] {
            let Ok(bytes) = std::fs::read(self.path().join(format!("artifacts/{name}.wasm")))
            else {
                continue;
            };
            text.push_str(&format!(
                "{}  {name}.wasm\n",
                luckee::artifacts::sha256_hex(&bytes)
            ));
        }
        std::fs::write(self.path().join("artifacts/checksums.txt"), text).unwrap();
    }

    /// Writes a mnemonic file with `mode`.
    pub fn write_key_file(&self, name: &str, mnemonic: &str, mode: u32) -> PathBuf {
        let p = self.path().join(name);
        std::fs::write(&p, mnemonic).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    /// Writes `luckee.toml`.
    pub fn write_config(&self, toml: &str) {
        std::fs::write(self.path().join("luckee.toml"), toml).unwrap();
    }

    /// Runs `luckee ARGS` here with the devnet's node and chain-id and this account's key file.
    pub fn luckee(&self, args: &[&str]) -> Run {
        self.luckee_env(args, &[])
    }

    /// Starts `luckee ARGS` here without waiting (see [`Workdir::luckee`]).
    pub fn spawn(&self, args: &[&str]) -> (Vec<String>, std::process::Child) {
        let child = self
            .command(args, &[])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn luckee");
        (args.iter().map(|s| s.to_string()).collect(), child)
    }

    /// [`Workdir::luckee`] with extra environment variables; an empty value removes one.
    pub fn luckee_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self.command(args, env).output().expect("run luckee");
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            out,
        }
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let d = devnet();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_luckee"));
        cmd.current_dir(self.path())
            .env_clear()
            .env("LUCKEE_NODE", &d.node)
            .env("LUCKEE_CHAIN_ID", &d.chain_id)
            .env("LUCKEE_MNEMONIC_FILE", "key.txt")
            .args(args);
        for (k, v) in env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        cmd
    }

    /// Bytes of the state file, if any.
    pub fn state_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(self.state_path()).ok()
    }

    /// Path of the state file.
    pub fn state_path(&self) -> PathBuf {
        self.path()
            .join(format!("deployments/{}.json", devnet().chain_id))
    }

    /// The state file as JSON.
    pub fn state(&self) -> Value {
        serde_json::from_slice(&self.state_bytes().expect("state file")).expect("state JSON")
    }

    /// Contracts on chain created by this account.
    pub fn contracts_on_chain(&self) -> Vec<String> {
        let d = devnet();
        let c = d.client();
        d.block_on(c.contracts_by_creator(&self.address)).unwrap()
    }

    /// Code ids on chain whose checksum is `checksum`.
    pub fn codes_with_checksum(&self, checksum: &str) -> Vec<u64> {
        let d = devnet();
        let c = d.client();
        d.block_on(c.all_codes())
            .unwrap()
            .into_iter()
            .filter(|i| i.checksum == checksum)
            .map(|i| i.code_id)
            .collect()
    }
}

/// A finished `luckee` run.
pub struct Run {
    pub args: Vec<String>,
    pub out: Output,
}

impl Run {
    /// Exit code (`None` if killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// Asserts exit code `code` and returns `self`.
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            Some(code),
            "luckee {:?}: expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.args,
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// Asserts success.
    pub fn ok(self) -> Run {
        self.expect_code(0)
    }

    /// stdout parsed as JSON (for `--output json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout()).unwrap_or_else(|e| {
            panic!(
                "luckee {:?}: stdout is not JSON ({e}):\n{}",
                self.args,
                self.stdout()
            )
        })
    }
}

/// A free TCP port on 127.0.0.1 (bound once, then released for the server under test).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `curl -s URL`: (HTTP status, body); status 0 when nothing answered.
pub fn http_get(url: &str) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-m", "5", "-w", "\n%{http_code}", url])
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}
