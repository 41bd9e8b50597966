//! `luckee-bench report`: turns ci/bench's samples (one JSON object per line, `kind` naming the
//! measurement) into the table, or into one JSON document (`--output json`).
//!
//! Every figure is median [min – max] over the runs. Contenders ran alternately (luckee, old
//! way, luckee, …) on the same node; a ratio is old way ÷ luckee of one pair (same run index),
//! summarized the same way.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{json, Value};

use super::Res;

/// The seed's warning thresholds of `contract_performance_metrics.gas_usage`.
const BUDGETS: [(&str, u64); 3] = [
    ("distribute_reward", 130_000),
    ("mint_for_points", 90_000),
    ("update_rules", 50_000),
];
/// luckee-incentive v0.2.0's targets: whole-tx `gas_used`, codes pinned (issue "v0.2.0").
const TARGETS: [(&str, u64); 3] = [
    ("distribute_reward", 110_000),
    ("mint_for_points", 90_000),
    ("update_rules", 60_000),
];
/// v0.2.0 target of `batch_distribute` ×100, per item, pinned.
const BATCH_PER_ITEM_TARGET: u64 = 25_000;
/// Size targets of the optimized artifacts, bytes (v0.2.0).
const SIZE_TARGETS: [(&str, u64); 2] = [("luckee_incentive", 250_000), ("mock_registry", 200_000)];
/// Gas rows, in table order.
const GAS_OPS: [&str; 8] = [
    "distribute_reward",
    "distribute_points_only",
    "mint_for_points",
    "update_rules",
    "emergency_pause",
    "batch_distribute",
    "contract_floor",
    "bank_send",
];
/// Targets of `luckee events sync` (issue 13): backfill of blocks without our txs, blocks/s;
/// archive of blocks full of reward txs, txs/s; peak RSS of either, MB.
const EVENTS_BLOCKS_PER_SECOND: f64 = 1_000.0;
const EVENTS_TXS_PER_SECOND: f64 = 500.0;
const EVENTS_RSS_MB: f64 = 100.0;
/// The archives of the events section, as its samples name them, with their display names.
const EVENTS_DBS: [(&str, &str); 2] = [("sqlite", "SQLite"), ("postgres", "PostgreSQL")];
const LUCKEE: &str = "luckee";
const OLD: &str = "old_way";

/// median, min, max and count of samples.
#[derive(Debug, Clone, Copy)]
struct Stats {
    median: f64,
    min: f64,
    max: f64,
    n: usize,
}

impl Stats {
    fn of(mut xs: Vec<f64>) -> Option<Stats> {
        if xs.is_empty() {
            return None;
        }
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        let median = if n % 2 == 1 {
            xs[n / 2]
        } else {
            (xs[n / 2 - 1] + xs[n / 2]) / 2.0
        };
        Some(Stats {
            median,
            min: xs[0],
            max: xs[n - 1],
            n,
        })
    }

    fn json(&self) -> Value {
        json!({ "median": self.median, "min": self.min, "max": self.max, "n": self.n })
    }

    fn show(&self, f: impl Fn(f64) -> String) -> String {
        if self.min == self.max {
            f(self.median)
        } else {
            format!("{} [{} – {}]", f(self.median), f(self.min), f(self.max))
        }
    }
}

fn opt_json(s: Option<Stats>) -> Value {
    s.map_or(Value::Null, |s| s.json())
}

fn secs(x: f64) -> String {
    if x < 0.1 {
        format!("{:.1} ms", x * 1000.0)
    } else {
        format!("{x:.2} s")
    }
}

fn ratio(x: f64) -> String {
    format!("{x:.1}×")
}

/// 1234567 → "1 234 567".
fn int(x: f64) -> String {
    let s = format!("{:.0}", x.round());
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// All samples, grouped by `kind`.
struct Samples(BTreeMap<String, Vec<Value>>);

impl Samples {
    fn load(path: &Path) -> Res<Samples> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut by_kind: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let v: Value = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
            let kind = v
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            by_kind.entry(kind).or_default().push(v);
        }
        Ok(Samples(by_kind))
    }

    fn kind(&self, kind: &str) -> &[Value] {
        self.0.get(kind).map_or(&[], Vec::as_slice)
    }

    fn one(&self, kind: &str) -> Value {
        self.kind(kind).last().cloned().unwrap_or(Value::Null)
    }

    /// `key` of every sample of `kind` by `contender`, keyed by run.
    fn by_run(&self, kind: &str, contender: &str, key: &str) -> BTreeMap<u64, f64> {
        self.kind(kind)
            .iter()
            .filter(|v| v["contender"] == contender)
            .filter_map(|v| Some((v["run"].as_u64()?, f(v, key)?)))
            .collect()
    }

    fn stats(&self, kind: &str, contender: &str, key: &str) -> Option<Stats> {
        Stats::of(self.by_run(kind, contender, key).into_values().collect())
    }

    /// Old way ÷ luckee of each pair (same run) of `key`.
    fn ratio(&self, kind: &str, key: &str) -> Option<Stats> {
        let a = self.by_run(kind, LUCKEE, key);
        let b = self.by_run(kind, OLD, key);
        Stats::of(
            a.iter()
                .filter_map(|(run, x)| Some(b.get(run)? / x))
                .filter(|r| r.is_finite())
                .collect(),
        )
    }

    /// `key` of every `events` sample of archive `db` and `phase` (empty / rewards).
    fn events(&self, db: &str, phase: &str, key: &str) -> Option<Stats> {
        Stats::of(
            self.kind("events")
                .iter()
                .filter(|v| v["contender"] == db && v["phase"] == phase)
                .filter_map(|v| f(v, key))
                .collect(),
        )
    }

    fn gas(&self, op: &str, phase: &str) -> Option<Stats> {
        Stats::of(
            self.kind("gas")
                .iter()
                .filter(|v| v["op"] == op && v["phase"] == phase)
                .filter_map(|v| f(v, "gas_used"))
                .collect(),
        )
    }
}

/// A pair comparison row: luckee, old way, ratio.
fn pair_json(s: &Samples, kind: &str, key: &str) -> Value {
    json!({ "luckee": opt_json(s.stats(kind, LUCKEE, key)), "old_way": opt_json(s.stats(kind, OLD, key)), "old_way_over_luckee": opt_json(s.ratio(kind, key)) })
}

fn document(s: &Samples) -> Value {
    let deploy_fps: Vec<&Value> = s.kind("fingerprint").iter().map(|v| &v["sha256"]).collect();
    let backup_digests: Vec<&Value> = s
        .kind("backup")
        .iter()
        .map(|v| &v["state_sha256"])
        .collect();
    let gas: Vec<Value> = GAS_OPS
        .iter()
        .map(|op| {
            let budget = BUDGETS.iter().find(|(o, _)| o == op).map(|(_, b)| *b);
            let target = TARGETS.iter().find(|(o, _)| o == op).map(|(_, b)| *b);
            let (u, p) = (s.gas(op, "unpinned"), s.gas(op, "pinned"));
            let mut row = json!({
                "op": op, "seed_budget": budget, "target_pinned": target,
                "unpinned": opt_json(u), "pinned": opt_json(p),
                "pinned_over_unpinned": match (u, p) { (Some(u), Some(p)) => json!(p.median / u.median), _ => Value::Null },
            });
            if *op == "batch_distribute" {
                let items = s.kind("gas").iter().find(|v| v["op"] == *op).and_then(|v| f(v, "items")).unwrap_or(1.0);
                row["items"] = json!(items);
                row["per_item"] = json!({
                    "unpinned": u.map(|u| u.median / items), "pinned": p.map(|p| p.median / items),
                    "seed_budget_of_distribute_reward": 130_000,
                    "target_pinned": BATCH_PER_ITEM_TARGET,
                });
            }
            row
        })
        .collect();
    json!({
        "meta": s.one("meta"),
        "deploy": {
            "seconds": pair_json(s, "deploy", "seconds"),
            "blocks": pair_json(s, "deploy", "blocks"),
            "txs": pair_json(s, "deploy", "txs"),
            "distinct_tx_heights": pair_json(s, "deploy", "distinct_heights"),
            "gas_used_all_txs": pair_json(s, "deploy", "gas_used"),
            "blocks_definition": "last tx height - first tx height + 1 on a fresh devnet (every tx on the chain is the contender's)",
            "old_way_wait_tx_misses": s.kind("deploy").iter().filter_map(|v| v["wait_tx_misses"].as_u64()).sum::<u64>(),
            "same_end_state": !deploy_fps.is_empty() && deploy_fps.windows(2).all(|w| w[0] == w[1]),
            "samples": s.kind("deploy"),
        },
        "gas": {
            "rows": gas,
            "pinning": s.one("pin"),
            "registry_seed": s.one("seed"),
            "samples": s.kind("gas"),
        },
        "backup": {
            "seconds": pair_json(s, "backup", "seconds"),
            "bytes": pair_json(s, "backup", "bytes"),
            "entries": s.kind("backup").first().map(|v| v["entries"].clone()),
            "same_raw_state": !backup_digests.is_empty() && backup_digests.windows(2).all(|w| w[0] == w[1]),
            "samples": s.kind("backup"),
        },
        "query": {
            "seconds": pair_json(s, "query", "seconds"),
            "luckee_ops_status_seconds": opt_json(s.stats("query", "luckee_ops_status", "seconds")),
            "in_process_seconds": opt_json(Stats::of(
                s.one("query_inprocess")["seconds"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default(),
            )),
            "samples": s.kind("query"),
        },
        "artifacts": s.one("sizes")["artifacts"].clone(),
        "restore_drill": {
            "write_seconds": opt_json(s.stats("restore", LUCKEE, "write")),
            "chain_start_seconds": opt_json(s.stats("restore", LUCKEE, "chain_start")),
            "verify_seconds": opt_json(s.stats("restore", LUCKEE, "verify")),
            "rto_seconds": opt_json(s.stats("restore", LUCKEE, "total")),
            "target_seconds": 30,
            "rto_definition": "backup dirs → restored chain answering (init + restore + start) → backup verify --against-chain equal for all three",
            "samples": s.kind("restore"),
        },
        "upgrade": {
            "migrate_seconds": opt_json(s.stats("upgrade", "migrate", "seconds")),
            "migrate_blocks": opt_json(s.stats("upgrade", "migrate", "blocks")),
            "migrate_gas": opt_json(s.stats("upgrade", "migrate", "gas_used")),
            "rollback_seconds": opt_json(s.stats("upgrade", "rollback", "seconds")),
            "rollback_blocks": opt_json(s.stats("upgrade", "rollback", "blocks")),
            "rollback_gas": opt_json(s.stats("upgrade", "rollback", "gas_used")),
            "target_seconds": 3,
            "target_blocks": 3,
            "definition": "luckee deploy migrate --contract luckee_incentive of a code new to the chain (store + pre-migrate backup + verify + migrate tx + post-checks), then deploy rollback (backup + migrate tx + post-checks), on the 10 000-entry stack; blocks = migrate tx height − latest height at the start",
            "samples": s.kind("upgrade"),
        },
        "monitor": {
            "sample": s.one("monitor"),
            "metrics_seconds": opt_json(Stats::of(
                s.one("monitor")["metrics_seconds"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default(),
            )),
            "targets": {"rss_mb": 20, "cpu_seconds_per_hour": 2, "metrics_seconds": 0.02},
        },
        "slow_blocks": {
            "seconds": opt_json(s.stats("slow_deploy", LUCKEE, "seconds")),
            "block_interval_seconds": opt_json(s.stats("slow_deploy", LUCKEE, "interval")),
            "blocks": opt_json(s.stats("slow_deploy", LUCKEE, "blocks")),
            "goal_seconds": opt_json(s.stats("slow_deploy", LUCKEE, "goal")),
            "goal": "wall time of upload + instantiate <= 2 block intervals + 1 s",
            "samples": s.kind("slow_deploy"),
        },
        "events": events_json(s),
        "multisig": {
            "direct": {
                "seconds": opt_json(s.stats("multisig", "direct", "seconds")),
                "blocks": opt_json(s.stats("multisig", "direct", "blocks")),
                "gas": opt_json(s.stats("multisig", "direct", "gas")),
            },
            "multisig": {
                "seconds": opt_json(s.stats("multisig", "multisig", "seconds")),
                "blocks": opt_json(s.stats("multisig", "multisig", "blocks")),
                "gas": opt_json(s.stats("multisig", "multisig", "gas")),
                "propose_gas": opt_json(s.stats("multisig", "multisig", "propose_gas")),
                "vote_gas": opt_json(s.stats("multisig", "multisig", "vote_gas")),
                "execute_gas": opt_json(s.stats("multisig", "multisig", "execute_gas")),
            },
            "definition": "one rule change: luckee apply on a single-key stack, against apply (a cw3 propose) + multisig vote by a second voter + multisig execute on a stack whose admin is a 2-of-3 multisig; blocks = last tx height − latest height at the start; gas summed over the txs; no target",
            "samples": s.kind("multisig"),
        },
        "total_seconds": s.one("end")["total_seconds"].clone(),
    })
}

/// The events section: per archive, each figure over the runs, with the targets.
fn events_json(s: &Samples) -> Value {
    let mut dbs = serde_json::Map::new();
    for (db, _) in EVENTS_DBS {
        dbs.insert(
            db.into(),
            json!({
                "empty_blocks_per_second": opt_json(s.events(db, "empty", "blocks_per_second")),
                "empty_seconds": opt_json(s.events(db, "empty", "seconds")),
                "empty_peak_rss_mb": opt_json(s.events(db, "empty", "peak_rss_mb")),
                "rewards_txs_per_second": opt_json(s.events(db, "rewards", "txs_per_second")),
                "rewards_seconds": opt_json(s.events(db, "rewards", "seconds")),
                "rewards_peak_rss_mb": opt_json(s.events(db, "rewards", "peak_rss_mb")),
            }),
        );
    }
    json!({
        "archives": dbs,
        "targets": {
            "empty_blocks_per_second": EVENTS_BLOCKS_PER_SECOND,
            "rewards_txs_per_second": EVENTS_TXS_PER_SECOND,
            "peak_rss_mb": EVENTS_RSS_MB,
        },
        "definition": "luckee events sync --from A --to B -o json into a fresh archive each run (default --concurrency 8); blocks/s and txs/s from its report (seconds = the whole command: open + migrate the archive, connect, fetch, write); peak RSS = GNU time's maximum resident set size; throughput targets judged on the median, RSS on the maximum",
        "chain": s.one("events_chain"),
        "reward_blocks": s.one("events_flood"),
        "section_seconds": s.one("events_section")["seconds"].clone(),
        "samples": s.kind("events"),
    })
}

/// Left-aligned columns, two spaces apart.
fn table(out: &mut String, rows: &[Vec<String>]) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = if c + 1 == r.len() {
                0
            } else {
                widths[c] - cell.chars().count() + 2
            };
            line.push_str(cell);
            line.push_str(&" ".repeat(pad));
        }
        let _ = writeln!(out, "  {}", line.trim_end());
    }
}

fn stat_cell(v: &Value, fmt: impl Fn(f64) -> String) -> String {
    match (f(v, "median"), f(v, "min"), f(v, "max")) {
        (Some(m), Some(lo), Some(hi)) => Stats {
            median: m,
            min: lo,
            max: hi,
            n: 0,
        }
        .show(fmt),
        _ => "-".into(),
    }
}

/// One row of a luckee / old way table: label, the `pair_json` value, number format.
type PairRow<'a> = (&'a str, &'a Value, fn(f64) -> String);

fn text(d: &Value) -> String {
    let mut o = String::new();
    let m = &d["meta"];
    let s = |v: &Value| {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string())
    };
    let _ = writeln!(o, "Luckee benchmark (ci/bench) — {} runs per contender, alternating luckee / old way on one devnet", s(&m["runs"]));
    let _ = writeln!(
        o,
        "machine   {} cores, {}, {} GiB RAM, {}",
        s(&m["machine"]["cores"]),
        s(&m["machine"]["cpu"]),
        s(&m["machine"]["mem_gib"]),
        s(&m["machine"]["os"])
    );
    let _ = writeln!(
        o,
        "versions  wasmd {} · luckee {} · {}",
        s(&m["versions"]["wasmd"]),
        s(&m["versions"]["luckee"]),
        s(&m["versions"]["rustc"])
    );
    let _ = writeln!(
        o,
        "chain     {} (ci/devnet, own data dir and ports), block time {} configured (timeout_commit), {} s measured over {} blocks",
        s(&m["chain"]["chain_id"]),
        s(&m["chain"]["block_time_configured"]),
        m["chain"]["block_time_measured_s"].as_f64().map_or("?".into(), |x| format!("{x:.2}")),
        s(&m["chain"]["blocks_measured"])
    );
    let _ = writeln!(o, "figures   median [min – max]; ratio = old way ÷ luckee of each pair (same run), then median [min – max]");

    let pair = |o: &mut String, head: [&str; 3], rows: Vec<PairRow>| {
        let mut t = vec![vec![
            String::new(),
            head[0].into(),
            head[1].into(),
            head[2].into(),
        ]];
        for (label, v, fmt) in rows {
            t.push(vec![
                label.into(),
                stat_cell(&v["luckee"], fmt),
                stat_cell(&v["old_way"], fmt),
                stat_cell(&v["old_way_over_luckee"], ratio),
            ]);
        }
        table(o, &t);
    };

    let dep = &d["deploy"];
    let _ = writeln!(o, "\n1. Full-stack deploy, fresh devnet each run (store 3 codes, instantiate 3, FT minter → incentive, get_config)");
    pair(
        &mut o,
        [
            "luckee deploy upload+instantiate+verify",
            "old way (wasmd CLI scripts)",
            "old ÷ luckee",
        ],
        vec![
            ("wall time", &dep["seconds"], secs),
            ("blocks", &dep["blocks"], int),
            ("txs", &dep["txs"], int),
            ("gas used, all txs", &dep["gas_used_all_txs"], int),
        ],
    );
    let _ = writeln!(o, "  blocks = last tx height − first tx height + 1 (every tx on the fresh chain is the contender's)");
    let _ = writeln!(
        o,
        "  same end state (rules, reporter, members, minter, labels, admins, code checksums): {}",
        yes_no(&dep["same_end_state"])
    );
    let _ = writeln!(
        o,
        "  old way: `wasmd query wait-tx` missed {} included tx(s) in all runs (each cost 3 s until polling found it)",
        dep["old_way_wait_tx_misses"]
    );

    let _ = writeln!(
        o,
        "\n2. Gas per operation (whole-tx gas_used of real txs; seed budget = the seed's warning threshold; target = luckee-incentive v0.2.0's, pinned)"
    );
    let mut t = vec![[
        "operation",
        "seed budget",
        "unpinned",
        "vs seed",
        "target",
        "pinned (gov proposal)",
        "vs target",
        "pinned ÷ unpinned",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect::<Vec<_>>()];
    for row in d["gas"]["rows"].as_array().into_iter().flatten() {
        let op = s(&row["op"]);
        let budget = row["seed_budget"].as_f64();
        let label = match op.as_str() {
            "batch_distribute" => format!(
                "batch_distribute ×{} (total)",
                row["items"].as_f64().map_or("?".into(), int)
            ),
            "bank_send" => "(floor: bank send, no contract)".into(),
            "contract_floor" => "(floor: contract call, 1 read)".into(),
            "distribute_points_only" => "distribute_reward, no mint".into(),
            _ => op.clone(),
        };
        let target = row["target_pinned"].as_f64();
        t.push(vec![
            label,
            budget.map_or("-".into(), int),
            stat_cell(&row["unpinned"], int),
            vs_budget(f(&row["unpinned"], "median"), budget),
            target.map_or("-".into(), int),
            stat_cell(&row["pinned"], int),
            vs_budget(f(&row["pinned"], "median"), target),
            row["pinned_over_unpinned"]
                .as_f64()
                .map_or("-".into(), |x| format!("{x:.2}")),
        ]);
        if op == "batch_distribute" {
            let per = &row["per_item"];
            let (u, p) = (per["unpinned"].as_f64(), per["pinned"].as_f64());
            let target = BATCH_PER_ITEM_TARGET as f64;
            t.push(vec![
                "  per item".into(),
                "130 000 (single)".into(),
                u.map_or("-".into(), int),
                vs_budget(u, Some(130_000.0)),
                int(target),
                p.map_or("-".into(), int),
                vs_budget(p, Some(target)),
                String::new(),
            ]);
        }
    }
    table(&mut o, &t);
    let pin = &d["gas"]["pinning"];
    let _ = writeln!(
        o,
        "  emergency_pause = {{paused: true}}; batch = 100 activities of 100 distinct registered members (one mint each)"
    );
    let _ = writeln!(
        o,
        "  no mint = a points-only rule (the cw20 mint's share is the difference); contract floor = update_pausers {{}} (admin check, nothing written)"
    );
    if !pin.is_null() {
        let _ = writeln!(
            o,
            "  pinning: gov proposal {} (MsgPinCodes {}), validator votes yes, {} to passed and pinned",
            s(&pin["proposal"]),
            s(&pin["codes"]),
            pin["seconds"].as_f64().map_or("?".into(), secs)
        );
    }

    let b = &d["backup"];
    let e = &b["entries"];
    let _ = writeln!(
        o,
        "\n3. Backup of the stack: registry {} raw entries, FT {}, incentive {}",
        e["mock_registry"].as_f64().map_or("?".into(), int),
        e["mock_ft"].as_f64().map_or("?".into(), int),
        e["luckee_incentive"].as_f64().map_or("?".into(), int)
    );
    pair(
        &mut o,
        [
            "luckee backup",
            "old way (contract-state all loop)",
            "old ÷ luckee",
        ],
        vec![
            ("wall time", &b["seconds"], secs),
            ("bytes written", &b["bytes"], int),
        ],
    );
    let _ = writeln!(
        o,
        "  same raw state (every key/value of the three contracts): {}",
        yes_no(&b["same_raw_state"])
    );
    let _ = writeln!(o, "  luckee also saves code.wasm, contract/code info, smart queries and a manifest with every file's sha256, at one height");

    let q = &d["query"];
    let _ = writeln!(
        o,
        "\n4. One smart query get_config, one process each (start to answer)"
    );
    pair(
        &mut o,
        [
            "luckee chain client (luckee-bench query)",
            "wasmd query wasm contract-state smart",
            "old ÷ luckee",
        ],
        vec![("wall time", &q["seconds"], secs)],
    );
    let _ = writeln!(
        o,
        "  `luckee ops status -o json` (get_config and the rest of the status, one process): {}",
        stat_cell(&q["luckee_ops_status_seconds"], secs)
    );
    let _ = writeln!(
        o,
        "  in-process, connected (luckee::chain::ChainClient::smart_query): {}",
        stat_cell(&q["in_process_seconds"], secs)
    );

    let _ = writeln!(o, "\n5. Artifacts");
    let mut t = vec![vec![
        "contract".into(),
        "raw bytes".into(),
        "target".into(),
        "vs target".into(),
        "gzip bytes (as uploaded)".into(),
        "gzip ÷ raw".into(),
    ]];
    let (mut raw, mut gz) = (0.0, 0.0);
    for a in d["artifacts"].as_array().into_iter().flatten() {
        let (r, g) = (
            f(a, "raw_bytes").unwrap_or(0.0),
            f(a, "gzip_bytes").unwrap_or(0.0),
        );
        raw += r;
        gz += g;
        let target = SIZE_TARGETS
            .iter()
            .find(|(c, _)| *c == s(&a["contract"]))
            .map(|(_, t)| *t as f64);
        t.push(vec![
            s(&a["contract"]),
            int(r),
            target.map_or("-".into(), int),
            vs_budget(Some(r), target),
            int(g),
            format!("{:.2}", g / r),
        ]);
    }
    t.push(vec![
        "total".into(),
        int(raw),
        "-".into(),
        "-".into(),
        int(gz),
        format!("{:.2}", gz / raw),
    ]);
    table(&mut o, &t);
    let rd = &d["restore_drill"];
    if let Some(rto) = rd["rto_seconds"]["median"].as_f64() {
        let _ = writeln!(
            o,
            "\n7. Restore drill RTO (10 000-entry stack): backup dirs → restored chain → verify --against-chain equal\n   RTO {}   target ≤ 30 s: {}\n   split: restore write {} (alone), chain start incl. init + restore {}, verify {}",
            stat_cell(&rd["rto_seconds"], secs),
            if rto <= 30.0 { "met" } else { "NOT met" },
            stat_cell(&rd["write_seconds"], secs),
            stat_cell(&rd["chain_start_seconds"], secs),
            stat_cell(&rd["verify_seconds"], secs),
        );
    }
    let up = &d["upgrade"];
    if let (Some(ms), Some(mb)) = (
        up["migrate_seconds"]["median"].as_f64(),
        up["migrate_blocks"]["median"].as_f64(),
    ) {
        let rs = up["rollback_seconds"]["median"]
            .as_f64()
            .unwrap_or(f64::MAX);
        let rb = up["rollback_blocks"]["median"].as_f64().unwrap_or(f64::MAX);
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        let _ = writeln!(
            o,
            "\n8. Upgrade of the incentive (10 000-entry stack), target ≤ 3 s and ≤ 3 blocks each\n   migrate (store + backup + migrate + checks) {}   blocks {}   migrate tx gas {}: {}\n   rollback (backup + migrate + checks)         {}   blocks {}   migrate tx gas {}: {}",
            stat_cell(&up["migrate_seconds"], secs),
            stat_cell(&up["migrate_blocks"], int),
            stat_cell(&up["migrate_gas"], int),
            met(ms <= 3.0 && mb <= 3.0),
            stat_cell(&up["rollback_seconds"], secs),
            stat_cell(&up["rollback_blocks"], int),
            stat_cell(&up["rollback_gas"], int),
            met(rs <= 3.0 && rb <= 3.0),
        );
    }
    let mo = &d["monitor"];
    if let (Some(rss), Some(cpu_h), Some(ms)) = (
        mo["sample"]["rss_mb"].as_f64(),
        mo["sample"]["cpu_seconds_per_hour_15s"].as_f64(),
        mo["metrics_seconds"]["median"].as_f64(),
    ) {
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        let _ = writeln!(
            o,
            "\n9. ops monitor on the 10 000-entry stack ({} probes at 1 s)\n   RSS {rss:.1} MB (peak {:.1} MB), target ≤ 20 MB: {}\n   CPU {:.4} s per probe → {cpu_h:.2} CPU-s per hour at 15 s, target ≤ 2: {}\n   GET /metrics {}, target ≤ 20 ms: {}\n   pause confirmed → luckee_incentive_paused 1: {:.2} s, target ≤ one interval (1 s): {}",
            mo["sample"]["probes"].as_f64().unwrap_or(0.0),
            mo["sample"]["peak_rss_mb"].as_f64().unwrap_or(0.0),
            met(rss <= 20.0),
            mo["sample"]["cpu_per_probe"].as_f64().unwrap_or(0.0),
            met(cpu_h <= 2.0),
            stat_cell(&mo["metrics_seconds"], secs),
            met(ms <= 0.02),
            mo["sample"]["detection_seconds"].as_f64().unwrap_or(f64::NAN),
            met(mo["sample"]["detection_seconds"].as_f64().is_some_and(|d| d <= 1.0)),
        );
    }
    let sb = &d["slow_blocks"];
    if let (Some(sec), Some(iv)) = (
        sb["seconds"]["median"].as_f64(),
        sb["block_interval_seconds"]["median"].as_f64(),
    ) {
        let goal = 2.0 * iv + 1.0;
        let _ = writeln!(
            o,
            "\n6. Full deploy (upload + instantiate) on slow blocks, fresh devnet each run\n   luckee {}   blocks {}   block interval {}   floor 2 intervals = {:.2} s, goal ≤ {goal:.2} s: {}",
            stat_cell(&sb["seconds"], secs),
            stat_cell(&sb["blocks"], int),
            stat_cell(&sb["block_interval_seconds"], secs),
            2.0 * iv,
            if sec <= goal { "met" } else { "NOT met" }
        );
    }
    events_text(&mut o, &d["events"]);
    let ms = &d["multisig"];
    if !ms["multisig"]["seconds"].is_null() {
        let _ = writeln!(
            o,
            "\n11. An admin change (one rule) with one key against a 2-of-3 multisig, no target\n   direct apply                      {}   blocks {}   gas {}\n   propose + vote + execute          {}   blocks {}   gas {} (propose {}, vote {}, execute {})",
            stat_cell(&ms["direct"]["seconds"], secs),
            stat_cell(&ms["direct"]["blocks"], int),
            stat_cell(&ms["direct"]["gas"], int),
            stat_cell(&ms["multisig"]["seconds"], secs),
            stat_cell(&ms["multisig"]["blocks"], int),
            stat_cell(&ms["multisig"]["gas"], int),
            stat_cell(&ms["multisig"]["propose_gas"], int),
            stat_cell(&ms["multisig"]["vote_gas"], int),
            stat_cell(&ms["multisig"]["execute_gas"], int),
        );
    }
    if let Some(total) = d["total_seconds"].as_f64() {
        let _ = writeln!(o, "\nci/bench took {total:.0} s");
    }
    o
}

fn events_text(o: &mut String, ev: &Value) {
    let archives = &ev["archives"];
    if EVENTS_DBS
        .iter()
        .all(|(db, _)| archives[db]["empty_blocks_per_second"].is_null())
    {
        return;
    }
    let (chain, flood) = (&ev["chain"], &ev["reward_blocks"]);
    let num = |v: &Value| v.as_f64().map_or("?".into(), int);
    let _ = writeln!(
        o,
        "\n10. Event archive backfill (luckee events sync into a fresh archive each run, default --concurrency 8)"
    );
    let _ = writeln!(
        o,
        "   chain: a devnet of its own at {} blocks reached height {} in {} ({} blocks/s, start-up included), then {} blocks",
        chain["fast_block_time"].as_str().unwrap_or("?"),
        num(&chain["height"]),
        chain["seconds"].as_f64().map_or("?".into(), secs),
        num(&chain["blocks_per_second"]),
        chain["block_time_after"].as_str().unwrap_or("?"),
    );
    let _ = writeln!(
        o,
        "   empty blocks = heights 1 – {} (no tx at all); reward blocks = {} distribute_reward txs of {} reporters in {} consecutive blocks ({} – {}), {} [{} – {}] txs per block",
        ev["samples"]
            .as_array()
            .and_then(|a| a.iter().find(|v| v["phase"] == "empty"))
            .map_or("?".into(), |v| num(&v["to"])),
        num(&flood["txs"]),
        num(&flood["reporters"]),
        num(&flood["blocks"]),
        num(&flood["first_height"]),
        num(&flood["last_height"]),
        num(&flood["txs_per_block"]["median"]),
        num(&flood["txs_per_block"]["min"]),
        num(&flood["txs_per_block"]["max"]),
    );
    let met = |ok: bool| if ok { "met" } else { "NOT met" }.to_string();
    let mut t = vec![vec![String::new(), "target".to_string()]];
    for (_, name) in EVENTS_DBS {
        t[0].extend([name.to_string(), String::new()]);
    }
    // (label, key, format, target: (limit, at least?)); a floor is judged on the median, a
    // ceiling on the maximum.
    type Row<'a> = (&'a str, &'a str, fn(f64) -> String, Option<(f64, bool)>);
    let rows: [Row; 6] = [
        (
            "empty blocks: blocks/s",
            "empty_blocks_per_second",
            int,
            Some((EVENTS_BLOCKS_PER_SECOND, true)),
        ),
        ("empty blocks: sync time", "empty_seconds", secs, None),
        (
            "empty blocks: peak RSS",
            "empty_peak_rss_mb",
            mb,
            Some((EVENTS_RSS_MB, false)),
        ),
        (
            "reward blocks: archived txs/s",
            "rewards_txs_per_second",
            int,
            Some((EVENTS_TXS_PER_SECOND, true)),
        ),
        ("reward blocks: sync time", "rewards_seconds", secs, None),
        (
            "reward blocks: peak RSS",
            "rewards_peak_rss_mb",
            mb,
            Some((EVENTS_RSS_MB, false)),
        ),
    ];
    for (label, key, fmt, target) in rows {
        let mut row = vec![
            label.to_string(),
            target.map_or(String::new(), |(l, at_least)| {
                format!("{} {}", if at_least { "≥" } else { "≤" }, fmt(l))
            }),
        ];
        for (db, _) in EVENTS_DBS {
            let v = &archives[db][key];
            row.push(stat_cell(v, fmt));
            row.push(match target {
                Some((l, true)) => f(v, "median").map_or("-".into(), |x| met(x >= l)),
                Some((l, false)) => f(v, "max").map_or("-".into(), |x| met(x <= l)),
                None => String::new(),
            });
        }
        t.push(row);
    }
    table(o, &t);
    let _ = writeln!(
        o,
        "  sync time = the whole command as luckee reports it (open + migrate the archive, connect, fetch, write); peak RSS = GNU time's maximum resident set size"
    );
    let _ = writeln!(
        o,
        "  throughput judged on the median, RSS on the maximum; the reward txs were broadcast in {} (signed up front, one ordered stream per reporter); section {}",
        flood["broadcast_seconds"].as_f64().map_or("?".into(), secs),
        ev["section_seconds"].as_f64().map_or("?".into(), secs),
    );
}

fn mb(x: f64) -> String {
    format!("{x:.1} MB")
}

/// "ok −7%" within the budget, "OVER +37%" above it, "-" without one.
fn vs_budget(x: Option<f64>, budget: Option<f64>) -> String {
    match (x, budget) {
        (Some(x), Some(b)) => {
            let pct = (x / b - 1.0) * 100.0;
            if x <= b {
                format!("ok −{:.0}%", -pct)
            } else {
                format!("OVER +{pct:.0}%")
            }
        }
        _ => "-".into(),
    }
}

fn yes_no(v: &Value) -> &'static str {
    if v.as_bool() == Some(true) {
        "yes"
    } else {
        "NO"
    }
}

pub fn run(results: &Path, output: &str) -> Res<()> {
    let samples = Samples::load(results)?;
    let doc = document(&samples);
    match output {
        "json" => println!("{}", serde_json::to_string_pretty(&doc)?),
        "text" => print!("{}", text(&doc)),
        other => return Err(format!("--output {other}: expected text or json").into()),
    }
    Ok(())
}
