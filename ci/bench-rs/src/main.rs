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
//! * `sizes` — artifact sizes, raw and gzip as `luckee deploy upload` sends them;
//! * `flood-reporters` / `flood-rewards` — many `distribute_reward` txs from several reporter
//!   accounts at once, each signed with an explicit sequence number and broadcast with
//!   `broadcast_tx_sync` without waiting for blocks, so that they fill consecutive blocks
//!   (the `events` section's archive backfill of blocks full of reward txs).
//!
//! Signing keys are the devnet's TEST-ONLY accounts (`ci/devnet-accounts.toml`), and for the
//! flood, TEST-ONLY keys derived from fixed strings (see [`flood_key`]). Output: one JSON
//! document (or one JSON line per tx for `gas`) on stdout.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::rpc::Client as _;
use cosmrs::AccountId;
use cosmwasm_std::Uint128;
use luckee::chain::query::AccountInfo;
use luckee::chain::transport::Transport;
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
    /// The addresses of the first COUNT flood reporters (TEST-ONLY keys, see `flood-rewards`),
    /// one per line: fund them at genesis and register them as reporters of the incentive.
    FloodReporters {
        #[arg(long)]
        count: usize,
    },
    /// Sends TXS `distribute_reward` txs (unique activity ids, recipients in turn, rule RULE)
    /// from REPORTERS flood reporters: all signed up front with explicit sequence numbers, then
    /// broadcast (`broadcast_tx_sync`, one ordered stream per reporter, the streams at once)
    /// without waiting for blocks; then waits until every tx is in a block and prints the
    /// heights they landed in and the txs per block.
    FloodRewards {
        #[arg(long)]
        incentive: String,
        #[arg(long, default_value_t = 2000)]
        txs: usize,
        #[arg(long, default_value_t = 4)]
        reporters: usize,
        /// Registered members, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        recipients: Vec<String>,
        #[arg(long, default_value = "game_win")]
        rule: String,
        /// Part of every activity id (unique per flood).
        #[arg(long, default_value = "flood")]
        tag: String,
        /// Gas limit = simulated gas of the first tx × this.
        #[arg(long, default_value_t = 1.5)]
        gas_margin: f64,
        /// Give up waiting for inclusion after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
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

/// Flood reporter number `i`: a TEST-ONLY secp256k1 key derived from a fixed string (never
/// use it anywhere but a throw-away devnet).
fn flood_key(i: usize) -> Res<Signer> {
    let secret = Sha256::digest(format!("luckee-bench/flood-reporter/{i}").as_bytes());
    let key = SigningKey::from_slice(&secret).map_err(|e| format!("flood key {i}: {e}"))?;
    Ok(Signer::from_key(key, "wasm")?)
}

fn flood_address(key: &Signer) -> Res<String> {
    Ok(key.address.to_string())
}

fn flood_reporters(count: usize) -> Res<()> {
    for i in 0..count {
        println!("{}", flood_address(&flood_key(i)?)?);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn flood_rewards(
    cli: &Cli,
    incentive: &str,
    txs: usize,
    reporters: usize,
    recipients: &[String],
    rule: &str,
    tag: &str,
    gas_margin: f64,
    timeout: u64,
) -> Res<()> {
    if txs == 0 || reporters == 0 || recipients.is_empty() {
        return Err("--txs, --reporters and --recipients must not be empty".into());
    }
    let client = connect(cli).await?;
    let net = client.network().clone();
    let keys = (0..reporters).map(flood_key).collect::<Res<Vec<_>>>()?;
    let addrs = keys.iter().map(flood_address).collect::<Res<Vec<_>>>()?;
    let mut accts = Vec::with_capacity(reporters);
    for a in &addrs {
        accts.push(client.account(a).await?.ok_or_else(|| {
            format!("flood reporter {a} does not exist on the chain (fund it at genesis)")
        })?);
    }
    let msg = |j: usize| {
        let r = j % reporters;
        let m = ExecuteMsg::DistributeReward {
            recipient: recipients[j % recipients.len()].clone(),
            rule_id: rule.into(),
            activity_id: format!("bench-{tag}-{j}"),
            source: None,
        };
        execute_msg::<Incentive>(&addrs[r], incentive, &m)
    };
    // Gas: the first tx, simulated (fee 1 so that the fee deduction is charged, as luckee does).
    let req = |j: usize| -> Res<TxRequest> {
        Ok(TxRequest {
            msgs: vec![msg(j)?],
            memo: String::new(),
            tags: vec![],
        })
    };
    let gas_simulated = client
        .estimate(&keys[0], accts[0], &req(0)?)
        .await?
        .gas_used;
    let gas_limit = (gas_simulated as f64 * gas_margin).ceil() as u64;
    let fee = net.gas_price.fee_for(gas_limit)?;

    // Every tx signed up front: tx j is reporter j % K's (j / K)-th.
    let started = Instant::now();
    let mut streams: Vec<Vec<Vec<u8>>> = vec![Vec::new(); reporters];
    let mut hashes: Vec<Vec<String>> = vec![Vec::new(); reporters];
    for j in 0..txs {
        let r = j % reporters;
        let acct = AccountInfo {
            sequence: accts[r].sequence + (j / reporters) as u64,
            ..accts[r]
        };
        let bytes = client.sign(&keys[r], acct, &req(j)?, gas_limit, fee)?.bytes;
        hashes[r].push(luckee::chain::tx::tx_hash(&bytes));
        streams[r].push(bytes);
    }
    let sign_seconds = started.elapsed().as_secs_f64();
    let start_height = client.status().await?.height;

    // One ordered stream per reporter (CheckTx must see its sequences in order), all at once.
    let broadcast_started = Instant::now();
    let transport = Arc::new(Transport::new(&cli.node, Duration::from_secs(30))?);
    let mut set = tokio::task::JoinSet::new();
    for (r, stream) in streams.into_iter().enumerate() {
        let t = transport.clone();
        set.spawn(async move {
            for (n, bytes) in stream.into_iter().enumerate() {
                let res = t
                    .broadcast_tx_sync(bytes)
                    .await
                    .map_err(|e| format!("reporter {r}, tx {n}: broadcast: {e}"))?;
                if res.code.is_err() {
                    return Err(format!(
                        "reporter {r}, tx {n}: CheckTx {} code {}: {}",
                        res.codespace,
                        res.code.value(),
                        res.log
                    ));
                }
            }
            Ok::<(), String>(())
        });
    }
    while let Some(done) = set.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    let broadcast_seconds = broadcast_started.elapsed().as_secs_f64();

    // Included: every reporter's sequence has moved past its last tx.
    let deadline = Instant::now() + Duration::from_secs(timeout);
    for (r, a) in addrs.iter().enumerate() {
        let want = accts[r].sequence + hashes[r].len() as u64;
        loop {
            let now = client.account(a).await?.map_or(0, |x| x.sequence);
            if now >= want {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "reporter {a}: sequence {now} after {timeout} s, expected {want}"
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let included_seconds = broadcast_started.elapsed().as_secs_f64();

    // The heights: first and last tx of each stream (the tx indexer may lag a moment).
    let (mut first, mut last) = (u64::MAX, 0u64);
    for hs in &hashes {
        for h in [&hs[0], &hs[hs.len() - 1]] {
            let found = loop {
                if let Some(t) = client.find_tx(h, &mut start_height.clone()).await? {
                    break t;
                }
                if Instant::now() > deadline {
                    return Err(format!("tx {h} not found by hash").into());
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
            if found.code != 0 {
                return Err(format!("tx {h} failed: {}", found.log).into());
            }
            first = first.min(found.height);
            last = last.max(found.height);
        }
    }
    // Txs per block over those heights (block metas, 20 per call).
    let mut per_block = Vec::new();
    let mut lo = first;
    while lo <= last {
        let hi = last.min(lo + 19);
        let metas = transport
            .blockchain(
                cosmrs::tendermint::block::Height::try_from(lo)?,
                cosmrs::tendermint::block::Height::try_from(hi)?,
            )
            .await?
            .block_metas;
        per_block.extend(metas.iter().map(|m| m.num_txs as f64));
        lo = hi + 1;
    }
    let in_blocks: f64 = per_block.iter().sum();
    let empty = per_block.iter().filter(|n| **n == 0.0).count();
    per_block.sort_by(f64::total_cmp);
    let out = json!({
        "txs": txs, "reporters": reporters, "recipients": recipients.len(),
        "gas_simulated": gas_simulated, "gas_limit": gas_limit,
        "start_height": start_height, "first_height": first, "last_height": last,
        "blocks": last - first + 1, "txs_in_blocks": in_blocks, "empty_blocks": empty,
        "txs_per_block": {
            "min": per_block.first(), "median": per_block.get(per_block.len() / 2),
            "max": per_block.last(), "mean": in_blocks / per_block.len().max(1) as f64,
        },
        "sign_seconds": sign_seconds, "broadcast_seconds": broadcast_seconds,
        "included_seconds": included_seconds,
    });
    println!("{out}");
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
            Cmd::FloodReporters { count } => flood_reporters(*count),
            Cmd::FloodRewards {
                incentive,
                txs,
                reporters,
                recipients,
                rule,
                tag,
                gas_margin,
                timeout,
            } => {
                flood_rewards(
                    &cli,
                    incentive,
                    *txs,
                    *reporters,
                    recipients,
                    rule,
                    tag,
                    *gas_margin,
                    *timeout,
                )
                .await
            }
            Cmd::Report { results, output } => report::run(results, output),
        }
    });
    if let Err(e) = result {
        eprintln!("luckee-bench: {e}");
        std::process::exit(1);
    }
}
