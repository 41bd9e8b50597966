//! `luckee deploy verify` — replaces the seed's `verify_luckee_incentive.sh`.
//!
//! Per contract the plan deploys: the on-chain code checksum (`CodeInfo`) equals the
//! artifact's sha256 (and the artifact equals `checksums.txt`); contract info (`ContractInfo`:
//! code_id, admin, label) equals the state file and the plan; the cw2 name/version (raw query
//! of `contract_info`) is the expected one. Then the full plan diff of `luckee plan`
//! ([`crate::reconcile::plan_changes`]: config, rules, reporters, members, FT minter, admins,
//! labels), one failed check per difference — a rule removed from the plan fails verify. A
//! paused contract is a note, not a failure (pause is operational state). Prints a table (or
//! JSON) of every check; exit 0 only when all pass, else exit 1 ([`Error::Mismatch`]). Needs
//! no key.

use serde::Serialize;

use super::planned_kinds;
use crate::artifacts;
use crate::cmd::plan::{default_admin, read_snapshot};
use crate::cmd::Context;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::reconcile::{self, Desired};
use crate::state::LockMode;
use crate::ui::{notes_text, table, Report};

/// One comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// Contract name, or `state` for file-level checks.
    pub contract: String,
    /// What was compared.
    pub check: String,
    /// The value the plan / state file / artifact says.
    pub expected: String,
    /// The value found.
    pub actual: String,
    /// Whether they are equal.
    pub ok: bool,
}

/// Result of `deploy verify`.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Chain-id of the network.
    pub chain_id: String,
    /// True when every check passed.
    pub ok: bool,
    /// Every comparison made.
    pub checks: Vec<Check>,
    /// Operational state that is not a difference (e.g. the incentive is paused).
    pub notes: Vec<String>,
}

impl VerifyReport {
    fn add(
        &mut self,
        contract: impl ToString,
        check: &str,
        expected: impl ToString,
        actual: impl ToString,
    ) {
        let (expected, actual) = (expected.to_string(), actual.to_string());
        self.checks.push(Check {
            contract: contract.to_string(),
            check: check.into(),
            ok: expected == actual,
            expected,
            actual,
        });
    }

    /// Number of failed checks.
    pub fn failures(&self) -> usize {
        self.checks.iter().filter(|c| !c.ok).count()
    }
}

impl Report for VerifyReport {
    fn text(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .checks
            .iter()
            .map(|c| {
                vec![
                    if c.ok { "ok".into() } else { "MISMATCH".into() },
                    c.contract.clone(),
                    c.check.clone(),
                    if c.ok {
                        c.actual.clone()
                    } else {
                        format!("expected {} / actual {}", c.expected, c.actual)
                    },
                ]
            })
            .collect();
        let mut out = table(&["RESULT", "CONTRACT", "CHECK", "VALUE"], &rows);
        out.push_str(&notes_text(&self.notes));
        let failures = self.failures();
        if failures == 0 {
            out.push_str(&format!(
                "all {} checks passed on {}\n",
                self.checks.len(),
                self.chain_id
            ));
        } else {
            out.push_str(&format!(
                "{failures} of {} checks FAILED on {}\n",
                self.checks.len(),
                self.chain_id
            ));
        }
        out
    }
}

fn or_none(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "(none)".into())
}

/// Runs `deploy verify`.
pub async fn run(ctx: &Context) -> Result<()> {
    let plan = &ctx.plan;
    let kinds = planned_kinds(plan);
    let local: Vec<_> = kinds
        .iter()
        .map(|&k| artifacts::inspect(&ctx.artifacts_dir(), k))
        .collect::<Result<_>>()?;
    let client = ctx.connect().await?;
    let (store, state) = ctx.open_state(LockMode::Shared)?;
    if !store.exists() {
        return Err(Error::usage(format!(
            "no deployment state {}: nothing to verify (run `luckee deploy upload` and `deploy instantiate`)",
            store.json_path().display()
        )));
    }
    let mut r = VerifyReport {
        chain_id: ctx.net.chain_id.clone(),
        ok: false,
        checks: vec![],
        notes: vec![],
    };
    r.add(
        "state",
        "no unresolved pending tx",
        "(none)",
        or_none(state.pending.as_ref().map(|p| p.tx_hash.clone())),
    );
    let default_version = env!("CARGO_PKG_VERSION").to_string();
    for (&kind, (sha, listed)) in kinds.iter().zip(local) {
        r.add(
            kind,
            "artifact sha256 listed in checksums.txt",
            or_none(listed),
            &sha,
        );
        let (cw2_name, cw2_version) = match kind {
            ContractKind::Registry => (&plan.registry.cw2_name, &plan.registry.cw2_version),
            ContractKind::Ft => (&plan.ft.cw2_name, &plan.ft.cw2_version),
            ContractKind::Incentive => (&plan.incentive.cw2_name, &plan.incentive.cw2_version),
            ContractKind::Multisig => match &plan.multisig {
                Some(m) => (&m.cw2_name, &m.cw2_version),
                None => continue,
            },
        };
        let Some(rec) = state.contracts.get(&kind) else {
            r.add(kind, "instantiated (state file)", "an address", "(none)");
            continue;
        };
        let Some(info) = client.contract_info(&rec.address).await? else {
            r.add(
                kind,
                "contract exists on chain",
                &rec.address,
                "(no such contract)",
            );
            continue;
        };
        r.add(kind, "contract code_id = state", rec.code_id, info.code_id);
        // The state file's record of the chain-level admin and label (kept current by `apply`
        // and `ops admin`); the plan's values are part of the plan diff below.
        let admin = Some(&info.admin).filter(|a| !a.is_empty());
        r.add(kind, "contract admin = state", &rec.admin, or_none(admin));
        r.add(kind, "contract label = state", &rec.label, &info.label);
        let code = client.code_info(info.code_id).await?;
        let on_chain = or_none(code.map(|c| c.checksum));
        r.add(kind, "code checksum = artifact", &sha, &on_chain);
        r.add(kind, "code checksum = state", &rec.checksum, &on_chain);
        let cw2 = client.cw2_version_at(&rec.address, None).await?;
        r.add(
            kind,
            "cw2 name",
            cw2_name,
            or_none(cw2.as_ref().map(|c| c.0.clone())),
        );
        r.add(
            kind,
            "cw2 version",
            cw2_version.as_ref().unwrap_or(&default_version),
            or_none(cw2.map(|c| c.1)),
        );
    }
    for (kind, existing) in [
        (ContractKind::Ft, &plan.ft.existing),
        (ContractKind::Registry, &plan.registry.existing),
    ] {
        if let Some(a) = existing {
            let found = client.contract_info(a).await?.map(|_| a.clone());
            r.add(kind, "existing contract on chain", a, or_none(found));
        }
    }
    // The plan diff: exactly what `luckee plan` shows, one failed check per difference.
    let desired = Desired::resolve(plan, &state, &default_admin(plan, &state, None));
    match read_snapshot(&client, &desired, None).await {
        Ok(snap) => {
            // The snapshot read get_config (when the incentive exists): no second query.
            if snap.incentive.is_some() {
                r.add(ContractKind::Incentive, "get_config answers", "ok", "ok");
            }
            let diff = reconcile::plan_changes(&snap, &desired);
            r.add(
                "plan",
                "differences from the plan (luckee plan)",
                0,
                diff.changes.len(),
            );
            for c in diff.changes {
                let target = format!("plan: {} {}", c.op.symbol(), c.target);
                let show = |v: Option<String>, present: bool| {
                    v.unwrap_or_else(|| {
                        if present {
                            "(present)".into()
                        } else {
                            "(absent)".into()
                        }
                    })
                };
                let (add, remove) = (c.op == reconcile::Op::Add, c.op == reconcile::Op::Remove);
                r.checks.push(Check {
                    contract: c.contract.to_string(),
                    check: target,
                    expected: show(c.new, !remove),
                    actual: show(c.old, !add),
                    ok: false,
                });
            }
            r.notes = diff.notes;
        }
        Err(e) => r.add("plan", "plan snapshot readable", "ok", e),
    }
    r.ok = r.failures() == 0;
    ctx.print(&r);
    match r.failures() {
        0 => Ok(()),
        count => Err(Error::Mismatch { count }),
    }
}
