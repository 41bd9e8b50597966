//! A deployed Luckee stack on the devnet for the `ops` and `backup` end-to-end tests.
//!
//! [`Stack::deploy`] runs the real `luckee deploy upload` and `deploy instantiate` in a fresh
//! [`Workdir`] (its own funded deployer, which is the incentive and registry admin), with one
//! paying rule (`gas_probe`, no daily cap), a funded reporter registered with the incentive,
//! and a funded user who is a registry member. The reporter's and user's mnemonics are
//! written to `reporter.key` / `user.key` (mode 600) for `ops gas`.
//!
//! Also: [`promtool_check_metrics`] lints a `--metrics-file` with the real `promtool`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use luckee::chain::{TxOutcome, TxRequest};
use luckee::contracts::incentive::Incentive;
use luckee::contracts::registry::Registry;
use luckee::contracts::{execute_msg, ContractApi};
use luckee::keys::Signer;
use luckee_types::{incentive, registry};

use crate::support::{devnet, fund, random_mnemonic, Workdir};

/// A funded account of a test.
pub struct Account {
    pub signer: Signer,
    pub mnemonic: String,
    pub address: String,
}

impl Account {
    /// A fresh random account funded with `amount` ustake from the faucet.
    pub fn funded(amount: u128) -> Account {
        let mnemonic = random_mnemonic();
        let signer = Signer::from_phrase(&mnemonic, "wasm", 0).unwrap();
        let address = signer.address.to_string();
        fund(&address, amount);
        Account {
            signer,
            mnemonic,
            address,
        }
    }
}

/// The stack: working dir (deployer key `key.txt`), accounts and contract addresses.
pub struct Stack {
    pub w: Workdir,
    pub deployer: Signer,
    pub reporter: Account,
    pub user: Account,
    pub incentive: String,
    pub ft: String,
    pub registry: String,
}

/// The rule the stack is deployed with.
pub const RULE: &str = "gas_probe";

impl Stack {
    /// Deploys a fresh stack (see the module docs).
    pub fn deploy() -> Stack {
        let w = Workdir::new();
        let reporter = Account::funded(5_000_000);
        let user = Account::funded(5_000_000);
        w.write_config(&format!(
            r#"
            [deploy.incentive]
            rules = [{{ id = "{RULE}", reward = "1000000", points = "100" }},
                     {{ id = "daily_checkin", reward = "1000000", points = "10", daily_cap = 1 }}]
            reporters = [{{ address = "{r}", label = "game-server-1" }}]
            [deploy.registry]
            members = ["{u}", "{r}"]
            "#,
            r = reporter.address,
            u = user.address
        ));
        w.luckee(&["deploy", "upload"]).ok();
        w.luckee(&["deploy", "instantiate"]).ok();
        w.write_key_file("reporter.key", &reporter.mnemonic, 0o600);
        w.write_key_file("user.key", &user.mnemonic, 0o600);
        let s = w.state();
        let addr = |k: &str| s["contracts"][k]["address"].as_str().unwrap().to_string();
        let deployer = Signer::from_phrase(&w.mnemonic, "wasm", 0).unwrap();
        Stack {
            incentive: addr("luckee_incentive"),
            ft: addr("mock_ft"),
            registry: addr("mock_registry"),
            w,
            deployer,
            reporter,
            user,
        }
    }

    /// Sends `msgs` (typed execute messages to `contract`) in one tx signed by `who`.
    pub fn execute_all<C: ContractApi>(
        &self,
        who: &Signer,
        contract: &str,
        msgs: &[C::ExecuteMsg],
    ) -> luckee::Result<TxOutcome> {
        let d = devnet();
        let client = d.client();
        let msgs = msgs
            .iter()
            .map(|m| execute_msg::<C>(who.address.as_ref(), contract, m))
            .collect::<luckee::Result<Vec<_>>>()?;
        let req = TxRequest {
            msgs,
            memo: "luckee e2e".into(),
            tags: vec!["test".into()],
        };
        d.block_on(client.send(who, &req, &mut |_| Ok(())))
    }

    /// The reporter reports `activity_id` for the user under [`RULE`].
    pub fn distribute(&self, activity_id: &str) -> luckee::Result<TxOutcome> {
        let msg = incentive::ExecuteMsg::DistributeReward {
            recipient: self.user.address.clone(),
            rule_id: RULE.into(),
            activity_id: activity_id.into(),
            source: None,
        };
        self.execute_all::<Incentive>(&self.reporter.signer, &self.incentive, &[msg])
    }

    /// `get_config` of the incentive.
    pub fn config(&self) -> incentive::ConfigResponse {
        let d = devnet();
        let c = d.client();
        d.block_on(c.smart_query(&self.incentive, &incentive::QueryMsg::GetConfig {}, None))
            .unwrap()
    }

    /// Points of the user.
    pub fn user_points(&self) -> u128 {
        let d = devnet();
        let c = d.client();
        let r: incentive::PointsResponse = d
            .block_on(c.smart_query(
                &self.incentive,
                &incentive::QueryMsg::GetPoints {
                    address: self.user.address.clone(),
                },
                None,
            ))
            .unwrap();
        r.points.u128()
    }

    /// Registers `n` random addresses in the registry: `per_msg` per `register_batch`,
    /// `per_tx` messages per tx (the deployer is the registry admin). Returns the wall time.
    pub fn register_members(&self, n: usize, per_msg: usize, per_tx: usize) -> Duration {
        let start = std::time::Instant::now();
        let addrs: Vec<String> = (0..n)
            .map(|_| {
                let bytes: [u8; 20] = rand::random();
                cosmrs::AccountId::new("wasm", &bytes).unwrap().to_string()
            })
            .collect();
        let msgs: Vec<registry::ExecuteMsg> = addrs
            .chunks(per_msg)
            .map(|c| registry::ExecuteMsg::RegisterBatch {
                addresses: c.to_vec(),
            })
            .collect();
        for tx in msgs.chunks(per_tx) {
            self.execute_all::<Registry>(&self.deployer, &self.registry, tx)
                .expect("register_batch");
        }
        start.elapsed()
    }
}

/// `promtool` from PATH or the tool cache of `ci/install-tools`; panics if missing.
pub fn promtool() -> PathBuf {
    let cached = Path::new(&std::env::var("HOME").unwrap_or_default())
        .join(".cache/luckee/tools/bin/promtool");
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("promtool"))
                .find(|p| p.exists())
        })
        .unwrap_or_default();
    on_path
        .or_else(|| cached.exists().then_some(cached))
        .expect("promtool not found: run ci/install-tools")
}

/// `promtool check metrics` of a metrics file (text format lint); panics on errors.
pub fn promtool_check_metrics(path: &Path) {
    let text = std::fs::read(path).unwrap();
    let mut child = Command::new(promtool())
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics {}: {}{}\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&text)
    );
}
