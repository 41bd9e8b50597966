//! End-to-end tests of day-2 operations on the devnet: `luckee plan` / `luckee apply` for every
//! managed field, removals with and without `--prune`, crash safety of `apply`, the admin
//! handover with two keys, emergency withdraw of native coins and of a cw20, and bad inputs
//! refused before anything is sent.

mod stack;
mod support;

use luckee::contracts::ft::Ft;
use luckee::contracts::FtClient;
use luckee_types::ft;
use stack::{Account, Stack, RULE};
use support::{devnet, fund, Workdir};

/// The stack's plan with the given pieces (see `Stack::deploy` for the original).
struct PlanToml {
    enabled: bool,
    rate: Option<(u64, u64)>,
    probe_reward: u64,
    extra_rule: bool,
    checkin: bool,
    reporter_label: Option<&'static str>,
    extra_member: Option<String>,
    registry_label: &'static str,
    admin: Option<String>,
}

impl Default for PlanToml {
    fn default() -> Self {
        PlanToml {
            enabled: true,
            rate: None,
            probe_reward: 1_000_000,
            extra_rule: false,
            checkin: true,
            reporter_label: Some("game-server-1"),
            extra_member: None,
            registry_label: "Luckee Registry (mock) v1.0",
            admin: None,
        }
    }
}

impl PlanToml {
    fn render(&self, s: &Stack) -> String {
        let mut rules = vec![format!(
            r#"{{ id = "{RULE}", reward = "{}", points = "100" }}"#,
            self.probe_reward
        )];
        if self.checkin {
            rules.push(
                r#"{ id = "daily_checkin", reward = "1000000", points = "10", daily_cap = 1 }"#
                    .into(),
            );
        }
        if self.extra_rule {
            rules.push(r#"{ id = "bonus", reward = "5", points = "0", enabled = false }"#.into());
        }
        let reporters = match self.reporter_label {
            Some(l) => format!(
                r#"[{{ address = "{}", label = "{l}" }}]"#,
                s.reporter.address
            ),
            None => "[]".into(),
        };
        let mut members = vec![
            format!("\"{}\"", s.user.address),
            format!("\"{}\"", s.reporter.address),
        ];
        if let Some(m) = &self.extra_member {
            members.push(format!("\"{m}\""));
        }
        format!(
            r#"
            [deploy]
            {admin}
            [deploy.incentive]
            enabled = {enabled}
            {rate}
            rules = [{rules}]
            reporters = {reporters}
            [deploy.registry]
            label = "{label}"
            members = [{members}]
            "#,
            admin = self
                .admin
                .as_ref()
                .map(|a| format!("admin = \"{a}\""))
                .unwrap_or_default(),
            enabled = self.enabled,
            rate = self
                .rate
                .map(|(p, a)| format!(r#"exchange_rate = {{ points = "{p}", amount = "{a}" }}"#))
                .unwrap_or_default(),
            rules = rules.join(", "),
            label = self.registry_label,
            members = members.join(", "),
        )
    }
}

fn random_address() -> String {
    let bytes: [u8; 20] = rand::random();
    cosmrs::AccountId::new("wasm", &bytes).unwrap().to_string()
}

fn balance(addr: &str) -> u128 {
    let d = devnet();
    d.block_on(d.client().balance(addr, "ustake", None))
        .unwrap()
}

fn ft_balance(s: &Stack, addr: &str) -> u128 {
    let d = devnet();
    let c = d.client();
    d.block_on(FtClient::new(&c, s.ft.clone()).balance(addr, None))
        .unwrap()
        .u128()
}

/// `plan` must show exactly the lines starting with `expected` (exit 1), `apply` applies them
/// in one tx, and then `plan` is clean.
fn plan_apply(w: &Workdir, expected: &[&str]) {
    let plan = w.luckee(&["plan"]).expect_code(1);
    let lines: Vec<String> = plan
        .stdout()
        .lines()
        .filter(|l| l.starts_with(['+', '~', '-']))
        .map(str::to_string)
        .collect();
    assert_eq!(
        lines.len(),
        expected.len(),
        "plan shows {lines:?}, expected {expected:?}"
    );
    for e in expected {
        assert!(
            lines.iter().any(|l| l.starts_with(e)),
            "no line starting with {e:?} in {lines:?}"
        );
    }
    let applied = w.luckee(&["apply", "-o", "json"]).ok().json();
    assert!(
        applied["tx"].as_str().is_some_and(|h| h.len() == 64),
        "{applied}"
    );
    assert_eq!(applied["applied"].as_array().unwrap().len(), expected.len());
    w.luckee(&["plan"]).ok();
}

#[test]
fn plan_and_apply_each_managed_field() {
    let s = Stack::deploy();
    let w = &s.w;
    let mut p = PlanToml::default();
    w.write_config(&p.render(&s));
    let clean = w.luckee(&["plan"]).ok();
    assert!(clean.stdout().contains("no changes"), "{}", clean.stdout());
    // A second apply with nothing to do sends nothing.
    let nothing = w.luckee(&["apply"]).ok();
    assert!(
        nothing.stdout().contains("nothing to apply"),
        "{}",
        nothing.stdout()
    );

    p.enabled = false;
    w.write_config(&p.render(&s));
    plan_apply(w, &["~ luckee_incentive config.enabled: true → false"]);
    assert!(!s.config().config.enabled);

    p.rate = Some((50, 2_000_000));
    w.write_config(&p.render(&s));
    plan_apply(w, &["~ luckee_incentive config.exchange_rate"]);

    p.probe_reward = 7;
    w.write_config(&p.render(&s));
    plan_apply(
        w,
        &[&format!(
            "~ luckee_incentive rule {RULE}: reward 1000000 → reward 7"
        )],
    );

    p.extra_rule = true;
    w.write_config(&p.render(&s));
    plan_apply(w, &["+ luckee_incentive rule bonus"]);

    p.reporter_label = Some("game-server-2");
    w.write_config(&p.render(&s));
    plan_apply(
        w,
        &[&format!(
            "~ luckee_incentive reporter {}",
            s.reporter.address
        )],
    );

    let member = random_address();
    p.extra_member = Some(member.clone());
    w.write_config(&p.render(&s));
    plan_apply(w, &[&format!("+ mock_registry member {member}")]);

    p.registry_label = "Luckee Registry (mock) v2";
    w.write_config(&p.render(&s));
    plan_apply(w, &["~ mock_registry label"]);
    w.luckee(&["deploy", "verify"]).ok();

    // Chain-level admin of all three contracts, in the same single tx.
    let other = Account::funded(1_000_000);
    p.admin = Some(other.address.clone());
    w.write_config(&p.render(&s));
    plan_apply(
        w,
        &[
            "~ mock_registry chain admin",
            "~ mock_ft chain admin",
            "~ luckee_incentive chain admin",
        ],
    );
    let d = devnet();
    let info = d
        .block_on(d.client().contract_info(&s.incentive))
        .unwrap()
        .unwrap();
    assert_eq!(info.admin, other.address);
    w.luckee(&["deploy", "verify"]).ok();
    // The plan now wants a label only the new chain admin may set: refused before sending.
    let before = w.state_bytes();
    let bal = balance(&w.address);
    p.registry_label = "v3";
    w.write_config(&p.render(&s));
    let refused = w.luckee(&["apply"]).expect_code(2);
    assert!(
        refused.stderr().contains(&other.address) && refused.stderr().contains(&w.address),
        "{}",
        refused.stderr()
    );
    assert_eq!(w.state_bytes(), before);
    assert_eq!(balance(&w.address), bal, "no fee was paid");
}

#[test]
fn removals_are_drift_and_applied_only_with_prune() {
    let s = Stack::deploy();
    let w = &s.w;
    let p = PlanToml {
        checkin: false,
        reporter_label: None,
        ..Default::default()
    };
    w.write_config(&p.render(&s));
    let plan = w.luckee(&["plan"]).expect_code(1);
    assert!(
        plan.stdout()
            .contains("- luckee_incentive rule daily_checkin"),
        "{}",
        plan.stdout()
    );
    assert!(plan.stdout().contains(&format!(
        "- luckee_incentive reporter {}",
        s.reporter.address
    )));
    // verify sees the removed rule too (it used to say "all checks passed").
    let verify = w.luckee(&["deploy", "verify"]).expect_code(1);
    assert!(
        verify.stdout().contains("plan: - rule daily_checkin"),
        "{}",
        verify.stdout()
    );

    let without = w.luckee(&["apply"]).ok();
    assert!(
        without.stdout().contains("left alone"),
        "{}",
        without.stdout()
    );
    assert!(
        without.stdout().contains("nothing to apply"),
        "{}",
        without.stdout()
    );
    w.luckee(&["plan"]).expect_code(1);

    let pruned = w.luckee(&["apply", "--prune", "-o", "json"]).ok().json();
    assert_eq!(pruned["applied"].as_array().unwrap().len(), 2, "{pruned}");
    w.luckee(&["plan"]).ok();
    w.luckee(&["deploy", "verify"]).ok();
}

#[test]
fn apply_killed_after_broadcast_completes_exactly_once_on_rerun() {
    let s = Stack::deploy();
    let w = &s.w;
    let p = PlanToml {
        probe_reward: 42,
        extra_rule: true,
        ..Default::default()
    };
    w.write_config(&p.render(&s));
    let crashed = w.luckee_env(
        &["apply"],
        &[(luckee::chain::tx::ABORT_AFTER_BROADCAST_ENV, "apply")],
    );
    assert_eq!(
        crashed.code(),
        None,
        "expected an abort:\n{}",
        crashed.stderr()
    );
    let hash = w.state()["pending"]["tx_hash"]
        .as_str()
        .unwrap()
        .to_string();
    let rerun = w.luckee(&["apply"]).ok();
    assert!(
        rerun.stdout().contains(&format!("pending tx {hash}")),
        "{}",
        rerun.stdout()
    );
    assert!(
        rerun.stdout().contains("nothing to apply"),
        "sent a second tx:\n{}",
        rerun.stdout()
    );
    assert!(w.state()["pending"].is_null());
    w.luckee(&["plan"]).ok();
}

#[test]
fn admin_handover_with_two_keys_then_the_old_admin_is_refused_before_broadcast() {
    let s = Stack::deploy();
    let w = &s.w;
    let new_admin = Account::funded(2_000_000);
    w.write_key_file("new-admin.key", &new_admin.mnemonic, 0o600);
    let as_new = [("LUCKEE_MNEMONIC_FILE", "new-admin.key")];

    // Accepting before any proposal, or by a key that was not proposed: refused.
    let early = w
        .luckee_env(&["ops", "admin", "accept"], &as_new)
        .expect_code(2);
    assert!(
        early.stderr().contains("no admin handover is pending"),
        "{}",
        early.stderr()
    );
    let prop = w
        .luckee(&[
            "ops",
            "admin",
            "propose",
            &new_admin.address,
            "--chain-admin",
        ])
        .ok();
    assert!(prop.stdout().contains("propose_admin"), "{}", prop.stdout());
    assert_eq!(
        s.config().pending_admin.unwrap().as_str(),
        new_admin.address
    );
    let d = devnet();
    let info = d
        .block_on(d.client().contract_info(&s.incentive))
        .unwrap()
        .unwrap();
    assert_eq!(
        info.admin, new_admin.address,
        "chain-level admin moved in the same tx"
    );
    let wrong = Account::funded(1_000_000);
    w.write_key_file("wrong.key", &wrong.mnemonic, 0o600);
    let refused = w
        .luckee_env(
            &["ops", "admin", "accept"],
            &[("LUCKEE_MNEMONIC_FILE", "wrong.key")],
        )
        .expect_code(2);
    assert!(
        refused.stderr().contains(&new_admin.address) && refused.stderr().contains(&wrong.address)
    );

    w.luckee_env(&["ops", "admin", "accept"], &as_new).ok();
    assert_eq!(s.config().admin.as_str(), new_admin.address);
    let show = w
        .luckee(&["ops", "admin", "show", "-o", "json"])
        .ok()
        .json();
    assert!(show["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["role"] == "admin" && r["holder"] == new_admin.address.as_str()));

    // The old admin: refused before broadcasting, with both addresses; no fee paid.
    let bal = balance(&w.address);
    let pause = w.luckee(&["ops", "pause"]).expect_code(2);
    assert!(
        pause.stderr().contains(&w.address) && pause.stderr().contains(&new_admin.address),
        "{}",
        pause.stderr()
    );
    let before = w.state_bytes();
    w.write_config(
        &PlanToml {
            enabled: false,
            ..Default::default()
        }
        .render(&s),
    );
    let apply = w.luckee(&["apply"]).expect_code(2);
    assert!(
        apply.stderr().contains(&new_admin.address) && apply.stderr().contains(&w.address),
        "{}",
        apply.stderr()
    );
    assert_eq!(w.state_bytes(), before);
    assert_eq!(balance(&w.address), bal, "the refused commands paid no fee");
    // The new admin can: pause by its key.
    w.luckee_env(&["ops", "pause"], &as_new).ok();
    assert!(s.config().config.emergency_paused);
    // A paused contract is operational state: plan reports it as a note, not as drift.
    w.write_config(&PlanToml::default().render(&s));
    let plan = w.luckee_env(&["plan"], &as_new).expect_code(1);
    assert!(
        plan.stdout().contains("emergency-paused"),
        "{}",
        plan.stdout()
    );
    assert!(
        plan.stdout().contains("~ luckee_incentive admin"),
        "{}",
        plan.stdout()
    );
}

#[test]
fn emergency_withdraw_of_native_coins_and_of_a_cw20() {
    let s = Stack::deploy();
    let w = &s.w;
    // Native: coins sent to the contract, partly withdrawn to a fresh address.
    fund(&s.incentive, 1_000);
    let to = random_address();
    let too_much = w
        .luckee(&["ops", "withdraw", "--native", "ustake", "1001", "--to", &to])
        .expect_code(2);
    assert!(
        too_much
            .stderr()
            .contains("larger than the contract's balance 1000"),
        "{}",
        too_much.stderr()
    );
    let out = w
        .luckee(&[
            "ops", "withdraw", "--native", "ustake", "400", "--to", &to, "-o", "json",
        ])
        .ok()
        .json();
    assert_eq!(
        (
            out["contract_balance_before"].as_u64(),
            out["contract_balance_after"].as_u64()
        ),
        (Some(1000), Some(600))
    );
    assert_eq!(balance(&to), 400);
    assert_eq!(balance(&s.incentive), 600);

    // cw20: the user earns LUCKY, sends some to the contract by mistake, the admin returns it.
    s.distribute("withdraw-test-1").unwrap();
    let transfer = ft::ExecuteMsg::Transfer {
        recipient: s.incentive.clone(),
        amount: 300_000u128.into(),
    };
    s.execute_all::<Ft>(&s.user.signer, &s.ft, &[transfer])
        .unwrap();
    assert_eq!(ft_balance(&s, &s.incentive), 300_000);
    w.luckee(&[
        "ops",
        "withdraw",
        "--cw20",
        &s.ft,
        "300000",
        "--to",
        &s.user.address,
    ])
    .ok();
    assert_eq!(ft_balance(&s, &s.incentive), 0);
    assert_eq!(ft_balance(&s, &s.user.address), 1_000_000);
    // Nothing left: refused before sending.
    w.luckee(&[
        "ops",
        "withdraw",
        "--cw20",
        &s.ft,
        "1",
        "--to",
        &s.user.address,
    ])
    .expect_code(2);
}

#[test]
fn bad_plans_are_refused_before_anything_is_sent() {
    let s = Stack::deploy();
    let w = &s.w;
    let good = PlanToml::default().render(&s);
    let before = w.state_bytes();
    let bal = balance(&w.address);
    let cases = [
        (
            good.replace(r#"points = "100" }"#, r#"points = "100", colour = "red" }"#),
            "unknown field",
        ),
        (
            good.replace(
                r#"daily_cap = 1 }"#,
                &format!(r#"daily_cap = 1 }}, {{ id = "{RULE}", reward = "1", points = "1" }}"#),
            ),
            "duplicate rule id",
        ),
        (
            good.replace(&s.user.address, "wasm1notanaddress"),
            "invalid bech32",
        ),
        (
            good.replace(
                "enabled = true",
                r#"enabled = true
            exchange_rate = { points = "0", amount = "5" }"#,
            ),
            "must both be non-zero",
        ),
    ];
    for (toml, msg) in cases {
        w.write_config(&toml);
        for cmd in [&["apply"][..], &["plan"][..]] {
            let r = w.luckee(cmd).expect_code(2);
            assert!(
                r.stderr().contains(msg),
                "{cmd:?} with {msg}: {}",
                r.stderr()
            );
        }
    }
    assert_eq!(w.state_bytes(), before, "state file byte-identical");
    assert_eq!(balance(&w.address), bal, "nothing was sent");
}
