//! `luckee-bench`: the Rust half of `ci/bench`, built on the `luckee` library (crate
//! `deploy-cli`). It is a measuring tool, not part of the product:
//!
//! * `query` — one `get_config` through luckee's query path (`ChainClient::connect` +
//!   `smart_query`), as one process: what `ci/bench` times against
//!   `wasmd query wasm contract-state smart`; `query-latency` times the same call in-process;
//! * `seed-registry` — fills the registry mock up to N raw state entries (deterministic
//!   generated member addresses, `register_batch` × 500, several messages per tx);
//! * `gas` — sends real txs (`distribute_reward`, `mint_for_points`, `update_rules`,
//!   `emergency_pause` on/off, `batch_distribute` of 100, and a bank send as the floor of any
//!   tx) and prints each tx's `gas_used`;
//! * `sizes` — artifact sizes, raw and gzip as `luckee deploy upload` sends them.
//!
//! Signing keys are the devnet's TEST-ONLY accounts (`ci/devnet-accounts.toml`). Output: one
//! JSON document (or one JSON line per tx for `gas`) on stdout.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand};
use cosmrs::AccountId;
use cosmwasm_std::Uint128;
use luckee::chain::{ChainClient, RetryPolicy, TxOutcome, TxRequest};
use luckee::config::Network;
use luckee::contracts::execute_msg;
use luckee::contracts::incentive::Incentive;
use luckee::contracts::registry::Registry;
use luckee::keys::Signer;
use luckee_types::incentive::{DistributeItem, ExecuteMsg, QueryMsg, RewardRule};
use luckee_types::registry;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

mod report;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Largest `register_batch` the registry mock accepts.
const REGISTER_BATCH: usize = registry::MAX_BATCH;
/// `register_batch` messages per seeding tx.
const MSGS_PER_SEED_TX: usize = 4;
/// Items of one `batch_distribute` (the contract's maximum).
const BATCH_ITEMS: usize = luckee_types::incentive::MAX_BATCH_SIZE;

#[derive(Parser)]
#[command(name = "luckee-bench", about = "ci/bench's helper (see ci/bench)")]
struct Cli {
    /// CometBFT RPC endpoint of the bench devnet.
    #[arg(long, env = "LUCKEE_NODE", default_value = "http://127.0.0.1:26657")]
    node: String,
    /// Chain-id the node must report.
    #[arg(long, env = "CHAIN_ID", default_value = "luckee-local")]
    chain_id: String,
    /// The devnet's accounts file (TEST-ONLY mnemonics).
    #[arg(
        long,
        env = "LUCKEE_DEVNET_ACCOUNTS",
        default_value = "ci/devnet-accounts.toml"
    )]
    accounts: PathBuf,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// One `get_config` smart query through luckee's chain client; prints the answer.
    Query {
        #[arg(long)]
        contract: String,
    },
    /// Connects once, then times RUNS `get_config` smart queries in-process.
    QueryLatency {
        #[arg(long)]
        contract: String,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Registers generated members until the registry holds ENTRIES raw state entries (and at
    /// least MIN_MEMBERS generated members).
    SeedRegistry {
        #[arg(long)]
        registry: String,
        #[arg(long, default_value_t = 10_000)]
        entries: u64,
        #[arg(long, default_value_t = 0)]
        min_members: usize,
    },
    /// Sends RUNS rounds of the measured txs; one JSON line per tx.
    Gas {
        #[arg(long)]
        incentive: String,
        /// Label of this round (e.g. unpinned / pinned); part of every activity id.
        #[arg(long)]
        phase: String,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Index of the first generated member used as a batch recipient (each batch pays 100
        /// distinct, so far unpaid members).
        #[arg(long, default_value_t = 0)]
        member_offset: usize,
    },
    /// Raw and gzip sizes of the artifacts (gzip as `luckee deploy upload` sends them).
    Sizes {
        #[arg(long, default_value = "artifacts")]
        artifacts: PathBuf,
    },
    /// The deployed stack's observable state with its own addresses replaced by role names,
    /// so two deployments (luckee's instantiate2, the old way's instantiate) compare equal
    /// when they are wired and configured alike.
    Fingerprint {
        #[arg(long)]
        registry: String,
        #[arg(long)]
        ft: String,
        #[arg(long)]
        incentive: String,
    },
    /// Reads ci/bench's samples (JSON lines) and prints the table, or one JSON document.
    Report {
        #[arg(long)]
        results: PathBuf,
        #[arg(long, default_value = "text")]
        output: String,
    },
}

/// Generated registry member number `i`: a valid, deterministic `wasm1…` address.
fn member(i: usize) -> String {
    let hash = Sha256::digest(format!("luckee-bench/member/{i}").as_bytes());
    AccountId::new("wasm", &hash[..20])
        .expect("20-byte account id")
        .to_string()
}

fn mnemonic(accounts: &Path, key: &str) -> Res<String> {
    let text =
        std::fs::read_to_string(accounts).map_err(|e| format!("{}: {e}", accounts.display()))?;
    let doc: toml::Table = text.parse()?;
    let m = doc
        .get(key)
        .and_then(|t| t.get("mnemonic"))
        .and_then(|m| m.as_str())
        .ok_or_else(|| format!("no [{key}] mnemonic in {}", accounts.display()))?;
    Ok(m.to_string())
}

fn signer(accounts: &Path, key: &str) -> Res<Signer> {
    Ok(Signer::from_phrase(&mnemonic(accounts, key)?, "wasm", 0)?)
}

async fn connect(cli: &Cli) -> Res<ChainClient> {
    let mut net = Network::local();
    net.rpc = vec![cli.node.clone()];
    net.chain_id = cli.chain_id.clone();
    Ok(ChainClient::connect(net, RetryPolicy::default()).await?)
}

async fn send(client: &ChainClient, who: &Signer, msgs: Vec<cosmrs::Any>) -> Res<TxOutcome> {
    let req = TxRequest {
        msgs,
        memo: String::new(),
        tags: vec!["bench".into()],
    };
    Ok(client.send(who, &req, &mut |_| Ok(())).await?)
}

/// Raw state entries of `contract` at the latest height.
async fn count_entries(client: &ChainClient, contract: &str) -> Res<u64> {
    let height = client.status().await?.height;
    Ok(client
        .for_each_state_page(contract, height, 1000, |_| Ok(()))
        .await?)
}

fn tx_line(op: &str, phase: &str, run: usize, items: usize, tx: &TxOutcome) -> Value {
    json!({
        "kind": "gas", "op": op, "phase": phase, "run": run, "items": items,
        "gas_used": tx.gas_used, "gas_wanted": tx.gas_wanted, "height": tx.height, "tx": tx.hash,
    })
}

async fn gas(
    cli: &Cli,
    incentive: &str,
    phase: &str,
    runs: usize,
    member_offset: usize,
) -> Res<()> {
    let client = connect(cli).await?;
    let admin = signer(&cli.accounts, "admin")?;
    let reporter = signer(&cli.accounts, "reporter")?;
    let user = signer(&cli.accounts, "user1")?;
    let user_addr = user.address.to_string();
    let exec = |who: &Signer, msg: &ExecuteMsg| {
        execute_msg::<Incentive>(who.address.as_ref(), incentive, msg)
    };
    let print = |v: Value| println!("{v}");
    // A points-only rule, for the "no mint" row (not measured itself).
    let points_rule = RewardRule {
        id: "bench_points".into(),
        reward: Uint128::zero(),
        points: Uint128::new(5),
        daily_cap: None,
        enabled: true,
    };
    let msg = ExecuteMsg::UpdateRules {
        upsert: vec![points_rule],
        remove: vec![],
    };
    send(&client, &admin, vec![exec(&admin, &msg)?]).await?;
    for run in 0..runs {
        // The floor under every budget: a tx without a contract (1ustake bank send).
        let send_msg = cosmrs::proto::cosmos::bank::v1beta1::MsgSend {
            from_address: admin.address.to_string(),
            to_address: user_addr.clone(),
            amount: vec![cosmrs::proto::cosmos::base::v1beta1::Coin {
                denom: "ustake".into(),
                amount: "1".into(),
            }],
        };
        let tx = send(&client, &admin, vec![luckee::chain::tx::to_any(&send_msg)]).await?;
        print(tx_line("bank_send", phase, run, 1, &tx));

        // One reward to a registered user (rule without daily cap).
        let msg = ExecuteMsg::DistributeReward {
            recipient: user_addr.clone(),
            rule_id: "game_win".into(),
            activity_id: format!("bench-{phase}-single-{run}"),
            source: None,
        };
        let tx = send(&client, &reporter, vec![exec(&reporter, &msg)?]).await?;
        print(tx_line("distribute_reward", phase, run, 1, &tx));

        // The same without a mint: a points-only rule.
        let msg = ExecuteMsg::DistributeReward {
            recipient: user_addr.clone(),
            rule_id: "bench_points".into(),
            activity_id: format!("bench-{phase}-points-{run}"),
            source: None,
        };
        let tx = send(&client, &reporter, vec![exec(&reporter, &msg)?]).await?;
        print(tx_line("distribute_points_only", phase, run, 1, &tx));

        // The floor of a contract call: the admin check (one read), nothing written.
        let msg = ExecuteMsg::UpdatePausers {
            add: vec![],
            remove: vec![],
        };
        let tx = send(&client, &admin, vec![exec(&admin, &msg)?]).await?;
        print(tx_line("contract_floor", phase, run, 1, &tx));

        // The user exchanges 10 of the points it just earned.
        let msg = ExecuteMsg::MintForPoints {
            points: Uint128::new(10),
        };
        let tx = send(&client, &user, vec![exec(&user, &msg)?]).await?;
        print(tx_line("mint_for_points", phase, run, 1, &tx));

        // The admin upserts one rule.
        let rule = RewardRule {
            id: "bench_rule".into(),
            reward: Uint128::new(1_000 + run as u128),
            points: Uint128::new(1),
            daily_cap: None,
            enabled: true,
        };
        let msg = ExecuteMsg::UpdateRules {
            upsert: vec![rule],
            remove: vec![],
        };
        let tx = send(&client, &admin, vec![exec(&admin, &msg)?]).await?;
        print(tx_line("update_rules", phase, run, 1, &tx));

        // One emergency pause, and the resume that follows it.
        let tx = send(
            &client,
            &admin,
            vec![exec(&admin, &ExecuteMsg::EmergencyPause { paused: true })?],
        )
        .await?;
        print(tx_line("emergency_pause", phase, run, 1, &tx));
        let tx = send(
            &client,
            &admin,
            vec![exec(&admin, &ExecuteMsg::EmergencyPause { paused: false })?],
        )
        .await?;
        print(tx_line("emergency_resume", phase, run, 1, &tx));

        // 100 activities of 100 distinct members, all paid.
        let first = member_offset + run * BATCH_ITEMS;
        let items = (0..BATCH_ITEMS)
            .map(|j| DistributeItem {
                recipient: member(first + j),
                rule_id: "game_win".into(),
                activity_id: format!("bench-{phase}-batch-{run}-{j}"),
            })
            .collect();
        let tx = send(
            &client,
            &reporter,
            vec![exec(
                &reporter,
                &ExecuteMsg::BatchDistribute {
                    items,
                    source: None,
                },
            )?],
        )
        .await?;
        let paid = tx.event_attr("wasm", "paid").unwrap_or_default();
        if paid != BATCH_ITEMS.to_string() {
            return Err(format!(
                "batch {} paid {paid} of {BATCH_ITEMS} items (members not registered?)",
                tx.hash
            )
            .into());
        }
        print(tx_line("batch_distribute", phase, run, BATCH_ITEMS, &tx));
    }
    Ok(())
}

async fn seed_registry(
    cli: &Cli,
    registry_addr: &str,
    entries: u64,
    min_members: usize,
) -> Res<()> {
    let started = Instant::now();
    let client = connect(cli).await?;
    let admin = signer(&cli.accounts, "admin")?;
    let before = count_entries(&client, registry_addr).await?;
    // One raw entry per member (the member count lives in a single item).
    let wanted = (entries.saturating_sub(before) as usize).max(min_members);
    let addrs: Vec<String> = (0..wanted).map(member).collect();
    let (mut txs, mut gas_used) = (0, 0);
    for chunk in addrs.chunks(REGISTER_BATCH * MSGS_PER_SEED_TX) {
        let msgs = chunk
            .chunks(REGISTER_BATCH)
            .map(|c| {
                let msg = registry::ExecuteMsg::RegisterBatch {
                    addresses: c.to_vec(),
                };
                execute_msg::<Registry>(admin.address.as_ref(), registry_addr, &msg)
            })
            .collect::<luckee::Result<Vec<_>>>()?;
        let tx = send(&client, &admin, msgs).await?;
        txs += 1;
        gas_used += tx.gas_used;
    }
    let after = count_entries(&client, registry_addr).await?;
    let out = json!({
        "registry": registry_addr, "entries_before": before, "registered": wanted,
        "entries_after": after, "txs": txs, "gas_used": gas_used,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{out}");
    Ok(())
}

async fn query(cli: &Cli, contract: &str) -> Res<()> {
    let client = connect(cli).await?;
    let config: Value = client
        .smart_query(contract, &QueryMsg::GetConfig {}, None)
        .await?;
    println!("{config}");
    Ok(())
}

async fn query_latency(cli: &Cli, contract: &str, runs: usize) -> Res<()> {
    let client = connect(cli).await?;
    let mut seconds = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let _: Value = client
            .smart_query(contract, &QueryMsg::GetConfig {}, None)
            .await?;
        seconds.push(t.elapsed().as_secs_f64());
    }
    println!("{}", json!({ "seconds": seconds }));
    Ok(())
}

fn sizes(dir: &Path) -> Res<()> {
    let mut out = Vec::new();
    for kind in luckee::contracts::ContractKind::ALL {
        let path = dir.join(format!("{}.wasm", kind.name()));
        let wasm = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let gz = luckee::artifacts::gzip(&wasm);
        out.push(
            json!({ "contract": kind.name(), "raw_bytes": wasm.len(), "gzip_bytes": gz.len() }),
        );
    }
    println!("{}", Value::Array(out));
    Ok(())
}

async fn fingerprint(
    cli: &Cli,
    registry_addr: &str,
    ft_addr: &str,
    incentive_addr: &str,
) -> Res<()> {
    use luckee_types::{ft, incentive, registry as reg};
    let client = connect(cli).await?;
    let roles = [
        (registry_addr, "<registry>"),
        (ft_addr, "<ft>"),
        (incentive_addr, "<incentive>"),
    ];
    let limit = Some(luckee_types::MAX_PAGE_LIMIT);
    let mut out = serde_json::Map::new();
    for (addr, role) in roles {
        let info = client
            .contract_info(addr)
            .await?
            .ok_or_else(|| format!("no contract {addr}"))?;
        let code = client
            .code_info(info.code_id)
            .await?
            .ok_or_else(|| format!("no code {}", info.code_id))?;
        let mut v = json!({ "label": info.label, "admin": info.admin, "creator": info.creator, "checksum": code.checksum });
        match role {
            "<registry>" => {
                v["config"] = client
                    .smart_query(addr, &reg::QueryMsg::Config {}, None)
                    .await?;
                let members = client
                    .smart_query_all(
                        addr,
                        None,
                        |start_after| reg::QueryMsg::Members { start_after, limit },
                        |r: reg::MembersResponse| r.members,
                        |m| m.to_string(),
                    )
                    .await?;
                v["members"] = json!(members);
            }
            "<ft>" => {
                v["token_info"] = client
                    .smart_query(addr, &ft::QueryMsg::TokenInfo {}, None)
                    .await?;
                v["minter"] = client
                    .smart_query(addr, &ft::QueryMsg::Minter {}, None)
                    .await?;
            }
            _ => {
                v["config"] = client
                    .smart_query(addr, &incentive::QueryMsg::GetConfig {}, None)
                    .await?;
                v["rules"] = client
                    .smart_query(
                        addr,
                        &incentive::QueryMsg::GetRules {
                            start_after: None,
                            limit,
                        },
                        None,
                    )
                    .await?;
                let reporters: incentive::RegisteredContractsResponse = client
                    .smart_query(
                        addr,
                        &incentive::QueryMsg::GetRegisteredContracts {
                            start_after: None,
                            limit,
                        },
                        None,
                    )
                    .await?;
                // Registration time differs between any two deployments.
                v["reporters"] = json!(reporters
                    .contracts
                    .iter()
                    .map(|c| json!([c.address, c.label]))
                    .collect::<Vec<_>>());
            }
        }
        out.insert(role.into(), v);
    }
    let mut text = Value::Object(out).to_string();
    for (addr, role) in roles {
        text = text.replace(addr, role);
    }
    println!("{text}");
    Ok(())
}

fn main() {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(async {
        match &cli.cmd {
            Cmd::Query { contract } => query(&cli, contract).await,
            Cmd::QueryLatency { contract, runs } => query_latency(&cli, contract, *runs).await,
            Cmd::SeedRegistry {
                registry,
                entries,
                min_members,
            } => seed_registry(&cli, registry, *entries, *min_members).await,
            Cmd::Gas {
                incentive,
                phase,
                runs,
                member_offset,
            } => gas(&cli, incentive, phase, *runs, *member_offset).await,
            Cmd::Sizes { artifacts } => sizes(artifacts),
            Cmd::Fingerprint {
                registry,
                ft,
                incentive,
            } => fingerprint(&cli, registry, ft, incentive).await,
            Cmd::Report { results, output } => report::run(results, output),
        }
    });
    if let Err(e) = result {
        eprintln!("luckee-bench: {e}");
        std::process::exit(1);
    }
}
