//! Issue 15 end to end on the devnet: a stack deployed with `[deploy.multisig]` (a 2-of-3 of
//! three voter keys, one pauser), where every admin command proposes through the multisig.
//!
//! Deploy by a voter (the multisig in the same instantiate2 tx, admin of everything; the
//! reporter registration proposed to it in that tx, voted and executed) → `plan` clean →
//! `apply` of a rule change makes proposal 1, nothing changes → execute while open refused (8)
//! → a second vote → a stale proposal's yes vote refused (9), its no vote taken → execute
//! runs apply's post-check and `plan` exits 0 → a pauser pauses at once, cannot resume (7),
//! resume goes through a proposal → the seed's raw `wasmd tx wasm execute emergency_pause` by
//! the old single key fails on chain and `ops health` stays OK → a migrate of the incentive
//! through the multisig, with its history entry and post-upgrade checks at execute → an
//! outsider's vote (7) and a double execute (8).

mod stack;
mod support;

use serde_json::Value;
use stack::Account;
use support::{devnet, Workdir};

/// The plan: the multisig of `voters` (2-of-3), one rule paying `reward`, the pauser (also a
/// registered reporter: its registration is setup only the multisig may sign).
fn plan(voters: &[Account], pauser: &Account, reward: &str) -> String {
    format!(
        r#"
        [deploy.multisig]
        voters = [{{ address = "{}" }}, {{ address = "{}" }}, {{ address = "{}" }}]
        threshold = 2
        max_voting_period = "1h"
        [deploy.incentive]
        rules = [{{ id = "game_win", reward = "{reward}", points = "10" }}]
        pausers = ["{p}"]
        reporters = [{{ address = "{p}", label = "game-server" }}]
        "#,
        voters[0].address,
        voters[1].address,
        voters[2].address,
        p = pauser.address
    )
}

/// `luckee -o json ARGS` signed by the key file `key`.
fn as_key(w: &Workdir, key: &str, args: &[&str]) -> support::Run {
    let mut all = vec!["-o", "json"];
    all.extend_from_slice(args);
    w.luckee_env(&all, &[("LUCKEE_MNEMONIC_FILE", key)])
}

/// `luckee -o json multisig --multisig MS ARGS` signed by the key file `key`.
fn ms_cmd(w: &Workdir, key: &str, ms: &str, args: &[&str]) -> support::Run {
    let mut all = vec!["multisig", "--multisig", ms];
    all.extend_from_slice(args);
    as_key(w, key, &all)
}

fn rule_reward(w: &Workdir, incentive: &str) -> String {
    let d = devnet();
    let c = d.client();
    let rules: Value = d
        .block_on(c.smart_query(
            incentive,
            &luckee_types::incentive::QueryMsg::GetRules {
                start_after: None,
                limit: None,
            },
            None,
        ))
        .unwrap();
    let _ = w;
    rules["rules"][0]["reward"].as_str().unwrap().to_string()
}

fn paused(incentive: &str) -> bool {
    let d = devnet();
    let c = d.client();
    let cfg: luckee_types::incentive::ConfigResponse = d
        .block_on(c.smart_query(
            incentive,
            &luckee_types::incentive::QueryMsg::GetConfig {},
            None,
        ))
        .unwrap();
    cfg.config.emergency_paused
}

fn sequence(address: &str) -> u64 {
    let d = devnet();
    let c = d.client();
    d.block_on(c.account(address))
        .unwrap()
        .map(|a| a.sequence)
        .unwrap_or_default()
}

#[test]
fn a_multisig_admin_takes_every_admin_command_through_a_proposal() {
    let w = Workdir::new();
    let voters: Vec<Account> = (0..3).map(|_| Account::funded(5_000_000)).collect();
    let pauser = Account::funded(5_000_000);
    let outsider = Account::funded(5_000_000);
    for (i, v) in voters.iter().enumerate() {
        w.write_key_file(&format!("v{i}.key"), &v.mnemonic, 0o600);
    }
    w.write_key_file("pauser.key", &pauser.mnemonic, 0o600);
    w.write_key_file("outsider.key", &outsider.mnemonic, 0o600);
    w.write_config(&plan(&voters, &pauser, "5000000"));

    // Deploy: the multisig is created first in the one instantiate2 tx and holds every role.
    // Deployed by voter 0: the reporter registration, which only the multisig may sign, is
    // proposed to it in the same tx (proposal 1).
    as_key(&w, "v0.key", &["deploy", "upload"]).ok();
    let inst = as_key(&w, "v0.key", &["deploy", "instantiate"]).ok().json();
    assert!(inst["tx"].is_string(), "{inst}");
    assert!(
        inst["notes"].to_string().contains("proposal 1 of multisig"),
        "{inst}"
    );
    let state = w.state();
    let addr = |k: &str| {
        state["contracts"][k]["address"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (ms, inc) = (addr("luckee_multisig"), addr("luckee_incentive"));
    let heights: Vec<u64> = [
        "luckee_multisig",
        "luckee_incentive",
        "mock_ft",
        "mock_registry",
    ]
    .iter()
    .map(|k| state["contracts"][k]["height"].as_u64().unwrap())
    .collect();
    assert!(
        heights.iter().all(|h| *h == heights[0]),
        "one tx: {heights:?}"
    );
    let roles = w
        .luckee(&["-o", "json", "ops", "admin", "show"])
        .ok()
        .json();
    for r in roles["roles"].as_array().unwrap() {
        match (r["role"].as_str().unwrap(), r["contract"].as_str().unwrap()) {
            ("admin" | "chain admin", _) => assert_eq!(r["holder"], ms.as_str(), "{r}"),
            ("pauser", _) => assert_eq!(r["holder"], pauser.address.as_str()),
            _ => {}
        }
    }
    w.luckee(&["plan"]).expect_code(1);
    ms_cmd(&w, "v1.key", &ms, &["vote", "1", "yes"]).ok();
    let setup = ms_cmd(&w, "key.txt", &ms, &["execute", "1"]).ok().json();
    assert!(
        setup["notes"]
            .to_string()
            .contains("the chain matches the plan"),
        "{setup}"
    );
    w.luckee(&["plan"]).ok();

    // apply of a rule change by a voter: proposal 2, nothing changes yet.
    w.write_config(&plan(&voters, &pauser, "7000000"));
    w.luckee(&["plan"]).expect_code(1);
    let applied = as_key(&w, "v0.key", &["apply"]).ok().json();
    assert_eq!(applied["proposal"]["id"], 2, "{applied}");
    assert_eq!(applied["proposal"]["status"], "open");
    assert_eq!(rule_reward(&w, &inc), "5000000");
    // `show` reads the proposal in luckee's words.
    let show = ms_cmd(&w, "v0.key", &ms, &["show", "2"]).ok().json();
    assert!(show["description"]
        .as_str()
        .unwrap()
        .contains("luckee-intent: "));
    assert!(
        show["messages"][0]
            .as_str()
            .unwrap()
            .contains("update_rules"),
        "{show}"
    );
    // One vote is not enough: execute is refused before any fee.
    let seq = sequence(&w.address);
    ms_cmd(&w, "key.txt", &ms, &["execute", "2"]).expect_code(8);
    assert_eq!(sequence(&w.address), seq, "no fee paid");
    let voted = ms_cmd(&w, "v1.key", &ms, &["vote", "2", "yes"]).ok().json();
    assert_eq!(voted["status"], "passed", "{voted}");
    assert_eq!(rule_reward(&w, &inc), "5000000", "passed is not executed");

    // A proposal made from a plan that changed since: a yes vote is refused (9), a no is not.
    w.write_config(&plan(&voters, &pauser, "9000000"));
    let p2 = as_key(&w, "v0.key", &["apply"]).ok().json();
    assert_eq!(p2["proposal"]["id"], 3);
    // Proposal 2 passed, but the plan changed since: its execute is refused too (9).
    ms_cmd(&w, "key.txt", &ms, &["execute", "2"]).expect_code(9);
    w.write_config(&plan(&voters, &pauser, "7000000"));
    let seq = sequence(&voters[1].address);
    let stale = ms_cmd(&w, "v1.key", &ms, &["vote", "3", "yes"]).expect_code(9);
    assert!(
        stale.stderr().contains("luckee apply"),
        "{}",
        stale.stderr()
    );
    assert_eq!(sequence(&voters[1].address), seq, "no fee paid");
    ms_cmd(&w, "v1.key", &ms, &["vote", "3", "no"]).ok();

    // Anyone executes the passed proposal 2; apply's post-check runs; plan is clean.
    let done = ms_cmd(&w, "key.txt", &ms, &["execute", "2"]).ok().json();
    assert_eq!(done["status"], "executed", "{done}");
    assert!(
        done["notes"]
            .to_string()
            .contains("the chain matches the plan"),
        "{done}"
    );
    assert_eq!(rule_reward(&w, &inc), "7000000");
    w.luckee(&["plan"]).ok();
    ms_cmd(&w, "key.txt", &ms, &["execute", "2"]).expect_code(8);

    // A pauser pauses at once; resume needs the multisig.
    let p = as_key(&w, "pauser.key", &["ops", "pause", "--reason", "incident"])
        .ok()
        .json();
    assert!(p["tx"].is_string() && p["proposal"].is_null(), "{p}");
    assert!(paused(&inc));
    as_key(&w, "pauser.key", &["ops", "resume"]).expect_code(7);
    let r = as_key(&w, "v2.key", &["ops", "resume"]).ok().json();
    let id = r["proposal"]["id"].as_u64().unwrap();
    assert_eq!(id, 4, "{r}");
    assert!(paused(&inc), "a proposal is not a resume");
    ms_cmd(&w, "outsider.key", &ms, &["vote", "4", "yes"]).expect_code(7);
    ms_cmd(&w, "v0.key", &ms, &["vote", "4", "yes"]).ok();
    let done = ms_cmd(&w, "outsider.key", &ms, &["execute", "4"])
        .ok()
        .json();
    assert!(
        done["notes"]
            .to_string()
            .contains("emergency_paused = false"),
        "{done}"
    );
    assert!(!paused(&inc));

    // The seed's raw script with the deployer's key (the single admin of old) now fails on
    // chain…
    let keyring = tempfile::tempdir().unwrap();
    let v = support::raw_wasmd_execute(
        keyring.path(),
        "deployer",
        &voters[0].mnemonic,
        &inc,
        r#"{"emergency_pause":{"paused":true}}"#,
    );
    let hash = v["txhash"].as_str().unwrap().to_string();
    let outcome = support::landed(&hash);
    assert_ne!(outcome.code, 0, "refused on chain: {outcome:?}");
    assert!(
        outcome.log.to_lowercase().contains("unauthorized"),
        "{}",
        outcome.log
    );
    assert!(!paused(&inc));
    // …and luckee refuses the old key before any fee: it is not a voter (7).
    w.luckee(&["ops", "pause"]).expect_code(7);
    w.luckee(&["ops", "health"]).ok();

    // Migrate through the multisig: a rebuilt incentive (same version, new checksum).
    let wasm = std::fs::read(w.path().join("artifacts/luckee_incentive.wasm")).unwrap();
    std::fs::write(
        w.path().join("artifacts/luckee_incentive.wasm"),
        support::uniquify_wasm(&wasm, w.address.as_bytes()),
    )
    .unwrap();
    w.write_checksums();
    let before = w.state()["contracts"]["luckee_incentive"]["code_id"]
        .as_u64()
        .unwrap();
    let m = as_key(
        &w,
        "v0.key",
        &["deploy", "migrate", "--contract", "luckee_incentive"],
    )
    .ok()
    .json();
    let id = m["proposal"]["id"].as_u64().unwrap();
    assert_eq!(m["contracts"][0]["status"], "proposed", "{m}");
    assert_eq!(
        m["backups"].as_array().unwrap().len(),
        1,
        "pre-migrate backup taken"
    );
    let s = w.state();
    assert_eq!(s["contracts"]["luckee_incentive"]["code_id"], before);
    ms_cmd(&w, "v1.key", &ms, &["vote", &id.to_string(), "yes"]).ok();
    let up = ms_cmd(&w, "key.txt", &ms, &["execute", &id.to_string()])
        .ok()
        .json();
    let checks = up["checks"].as_array().unwrap();
    assert!(checks.len() >= 4, "the post-upgrade checks ran: {up}");
    assert!(checks.iter().all(|c| c["ok"] == true), "{up}");
    let s = w.state();
    let after = s["contracts"]["luckee_incentive"]["code_id"]
        .as_u64()
        .unwrap();
    assert_ne!(after, before);
    assert_eq!(
        s["history"]["luckee_incentive"].as_array().unwrap().len(),
        1
    );
    assert!(s.get("unchecked_upgrades").is_none(), "{s}");
    w.luckee(&["deploy", "verify"]).ok();

    // Rollback through the multisig: back to the code it ran before, from the history.
    let r = as_key(&w, "v2.key", &["deploy", "rollback"]).ok().json();
    let id = r["proposal"]["id"].as_u64().unwrap().to_string();
    assert_eq!(w.state()["contracts"]["luckee_incentive"]["code_id"], after);
    ms_cmd(&w, "v0.key", &ms, &["vote", &id, "yes"]).ok();
    let back = ms_cmd(&w, "key.txt", &ms, &["execute", &id]).ok().json();
    assert_eq!(back["kind"], "rollback", "{back}");
    let checks = back["checks"].as_array().unwrap();
    assert!(
        !checks.is_empty() && checks.iter().all(|c| c["ok"] == true),
        "{back}"
    );
    let s = w.state();
    assert_eq!(s["contracts"]["luckee_incentive"]["code_id"], before);
    assert_eq!(
        s["history"]["luckee_incentive"].as_array().unwrap().len(),
        2
    );
    // The released artifact back in place: the stack verifies against it again.
    std::fs::write(w.path().join("artifacts/luckee_incentive.wasm"), &wasm).unwrap();
    w.write_checksums();
    w.luckee(&["deploy", "verify"]).ok();
}

/// An existing single-key deployment moves to a multisig: the old admin proposes it (and
/// hands over every chain-level admin), a voter proposes `accept_admin` to the multisig, a
/// second vote and an execute complete the handover; with `[deploy.multisig] existing` the
/// plan is clean, and the old key can no longer pause.
#[test]
fn a_single_key_deployment_moves_to_a_multisig() {
    let s = stack::Stack::deploy();
    let voters: Vec<Account> = (0..3).map(|_| Account::funded(5_000_000)).collect();
    let pauser = Account::funded(5_000_000);
    // A multisig of the three voters (deployed with its own stack by another workdir).
    let other = Workdir::new();
    other.write_config(&plan(&voters, &pauser, "5000000"));
    other.luckee(&["deploy", "upload"]).ok();
    other.luckee(&["deploy", "instantiate"]).ok();
    let ms = other.state()["contracts"]["luckee_multisig"]["address"]
        .as_str()
        .unwrap()
        .to_string();
    for (i, v) in voters.iter().enumerate() {
        s.w.write_key_file(&format!("v{i}.key"), &v.mnemonic, 0o600);
    }

    let p =
        s.w.luckee(&[
            "-o",
            "json",
            "ops",
            "admin",
            "propose",
            &ms,
            "--chain-admin",
            "--all-contracts",
        ])
        .ok()
        .json();
    assert!(p["tx"].is_string() && p["proposal"].is_null(), "{p}");
    // A key that is not a voter cannot propose the accept to the multisig.
    let outsider = Account::funded(5_000_000);
    s.w.write_key_file("outsider.key", &outsider.mnemonic, 0o600);
    as_key(&s.w, "outsider.key", &["ops", "admin", "accept"]).expect_code(7);
    let a = as_key(&s.w, "v0.key", &["ops", "admin", "accept"])
        .ok()
        .json();
    let id = a["proposal"]["id"].as_u64().unwrap().to_string();
    assert_eq!(s.config().admin.as_str(), s.deployer.address.as_ref());
    ms_cmd(&s.w, "v2.key", &ms, &["vote", &id, "yes"]).ok();
    let done = ms_cmd(&s.w, "v2.key", &ms, &["execute", &id]).ok().json();
    assert!(
        done["notes"].to_string().contains(&format!("admin {ms}")),
        "{done}"
    );
    assert_eq!(s.config().admin.as_str(), ms);
    assert!(s.config().pending_admin.is_none());

    let toml = std::fs::read_to_string(s.w.path().join("luckee.toml")).unwrap();
    s.w.write_config(&format!("{toml}\n[deploy.multisig]\nexisting = \"{ms}\"\n"));
    s.w.luckee(&["plan"]).ok();
    s.w.luckee(&["ops", "pause"]).expect_code(7);
    let r = as_key(&s.w, "v1.key", &["ops", "pause", "--dry-run"])
        .ok()
        .json();
    assert_eq!(r["proposal"]["multisig"], ms.as_str(), "{r}");
}

/// The numbers `--generate-only` prints on stderr for offline signing: (account number,
/// sequence).
fn sign_numbers(stderr: &str) -> (String, String) {
    let after = |flag: &str| {
        stderr
            .split(flag)
            .nth(1)
            .unwrap_or_else(|| panic!("{flag} in: {stderr}"))
            .split(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .unwrap()
            .to_string()
    };
    (after("--account-number "), after("--sequence "))
}

/// Offline signing: the server (no voter key) prints the unsigned vote with `--generate-only`,
/// the voter signs it on another machine that reaches no node (`tx sign` with the account
/// number and sequence), the server broadcasts it. The execute is signed by `wasmd tx sign`
/// instead: the files are wasmd's format both ways.
#[test]
fn a_voter_signs_offline_and_the_server_broadcasts() {
    let w = Workdir::new();
    let voters: Vec<Account> = (0..3).map(|_| Account::funded(5_000_000)).collect();
    let pauser = Account::funded(5_000_000);
    w.write_key_file("v0.key", &voters[0].mnemonic, 0o600);
    w.write_config(&plan(&voters, &pauser, "5000000"));
    as_key(&w, "v0.key", &["deploy", "upload"]).ok();
    as_key(&w, "v0.key", &["deploy", "instantiate"]).ok();
    let ms = w.state()["contracts"]["luckee_multisig"]["address"]
        .as_str()
        .unwrap()
        .to_string();
    w.luckee(&["plan"]).expect_code(1);

    // The server: its own key (key.txt) is no voter; it names voter 1 with --from.
    let v1 = voters[1].address.as_str();
    let unsigned = ms_cmd(
        &w,
        "key.txt",
        &ms,
        &["vote", "1", "yes", "--generate-only", "--from", v1],
    )
    .ok();
    let (number, sequence) = sign_numbers(&unsigned.stderr());
    let tx: Value = serde_json::from_str(&unsigned.stdout()).unwrap();
    assert_eq!(tx["body"]["messages"][0]["sender"], v1, "{tx}");
    assert_eq!(tx["body"]["messages"][0]["msg"]["vote"]["vote"], "yes");
    assert!(tx["signatures"].as_array().unwrap().is_empty());
    assert_eq!(
        ms_cmd(&w, "v0.key", &ms, &["show", "1"]).ok().json()["status"],
        "open"
    );
    // An outsider cannot even generate: 7 before anything.
    ms_cmd(
        &w,
        "key.txt",
        &ms,
        &["vote", "1", "yes", "--generate-only", "--from", &w.address],
    )
    .expect_code(7);

    // The voter's machine: only its key file, and no node reachable.
    let machine = tempfile::tempdir().unwrap();
    std::fs::write(machine.path().join("unsigned.json"), unsigned.stdout()).unwrap();
    let key = machine.path().join("v1.key");
    std::fs::write(&key, &voters[1].mnemonic).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let offline_sign = |key: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_luckee"))
            .current_dir(machine.path())
            .env_clear()
            .env("LUCKEE_NODE", "http://127.0.0.1:1")
            .env("LUCKEE_CHAIN_ID", &devnet().chain_id)
            .env("LUCKEE_MNEMONIC_FILE", key)
            .args([
                "tx",
                "sign",
                "unsigned.json",
                "--account-number",
                &number,
                "--sequence",
                &sequence,
            ])
            .output()
            .unwrap()
    };
    let signed = offline_sign(&key);
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    // The wrong key is refused (exit 2), naming the address it is for.
    let other = machine.path().join("v2.key");
    std::fs::write(&other, &voters[2].mnemonic).unwrap();
    std::fs::set_permissions(&other, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let wrong = offline_sign(&other);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains(v1));

    // Back on the server: broadcast; again is the same tx, found in its block.
    std::fs::write(w.path().join("signed.json"), &signed.stdout).unwrap();
    let sent = w
        .luckee(&["-o", "json", "tx", "broadcast", "signed.json"])
        .ok()
        .json();
    assert!(sent["height"].as_u64().unwrap() > 0, "{sent}");
    let again = w
        .luckee(&["-o", "json", "tx", "broadcast", "signed.json"])
        .ok()
        .json();
    assert_eq!(again["tx"], sent["tx"]);
    let show = ms_cmd(&w, "key.txt", &ms, &["show", "1"]).ok().json();
    assert_eq!(show["status"], "passed", "{show}");
    // The unsigned file cannot be broadcast (2).
    std::fs::write(w.path().join("unsigned.json"), unsigned.stdout()).unwrap();
    w.luckee(&["tx", "broadcast", "unsigned.json"])
        .expect_code(2);

    // The execute, generated by luckee and signed by `wasmd tx sign`.
    let v2 = voters[2].address.as_str();
    let gen = ms_cmd(
        &w,
        "key.txt",
        &ms,
        &["execute", "1", "--generate-only", "--from", v2],
    )
    .ok();
    let (number, sequence) = sign_numbers(&gen.stderr());
    std::fs::write(machine.path().join("execute.json"), gen.stdout()).unwrap();
    let keyring = tempfile::tempdir().unwrap();
    let wasmd = support::wasmd_key(keyring.path(), "v2", &voters[2].mnemonic);
    let by_wasmd = std::process::Command::new(wasmd)
        .args([
            "tx",
            "sign",
            "execute.json",
            "--from",
            "v2",
            "--keyring-backend",
            "test",
            "--home",
            keyring.path().to_str().unwrap(),
            "--chain-id",
            &devnet().chain_id,
            "--offline",
            "--account-number",
            &number,
            "--sequence",
            &sequence,
        ])
        .current_dir(machine.path())
        .output()
        .unwrap();
    assert!(
        by_wasmd.status.success(),
        "{}",
        String::from_utf8_lossy(&by_wasmd.stderr)
    );
    std::fs::write(w.path().join("executed.json"), &by_wasmd.stdout).unwrap();
    w.luckee(&["tx", "broadcast", "executed.json"]).ok();
    let show = ms_cmd(&w, "key.txt", &ms, &["show", "1"]).ok().json();
    assert_eq!(show["status"], "executed", "{show}");
    w.luckee(&["plan"]).ok();
}
