//! `luckee deploy verify` — replaces the seed's `verify_luckee_incentive.sh`.
//!
//! Per contract the plan deploys: the on-chain code checksum (`CodeInfo`) equals the
//! artifact's sha256 (and the artifact equals `checksums.txt`); contract info (`ContractInfo`:
//! code_id, admin, label) equals the state file and the plan; the cw2 name/version (raw query
//! of `contract_info`) is the expected one. Then the incentive's `get_config` equals the plan
//! (admin, ft_contract, registry_contract, enabled, emergency_paused) and the FT's minter is
//! the incentive. Prints a table (or JSON) of every check; exit 0 only when all pass, else
//! exit 1 ([`Error::Mismatch`]). Needs no key.

use luckee_types::{ft, incentive};
use serde::Serialize;

use super::planned_kinds;
use crate::artifacts;
use crate::chain::ChainClient;
use crate::cmd::Context;
use crate::contracts::ContractKind;
use crate::error::{Error, Result};
use crate::state::{DeploymentState, LockMode};
use crate::ui::{table, Report};

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
        return Err(Error::config(format!(
            "no deployment state {}: nothing to verify (run `luckee deploy upload` and `deploy instantiate`)",
            store.json_path().display()
        )));
    }
    let mut r = VerifyReport {
        chain_id: ctx.net.chain_id.clone(),
        ok: false,
        checks: vec![],
    };
    r.add(
        "state",
        "no unresolved pending tx",
        "(none)",
        or_none(state.pending.as_ref().map(|p| p.tx_hash.clone())),
    );
    let deployer = state.deployer.clone().unwrap_or_default();
    let default_version = env!("CARGO_PKG_VERSION").to_string();
    for (&kind, (sha, listed)) in kinds.iter().zip(local) {
        r.add(
            kind,
            "artifact sha256 listed in checksums.txt",
            or_none(listed),
            &sha,
        );
        let (label, cw2_name, cw2_version) = match kind {
            ContractKind::Registry => (
                &plan.registry.label,
                &plan.registry.cw2_name,
                &plan.registry.cw2_version,
            ),
            ContractKind::Ft => (&plan.ft.label, &plan.ft.cw2_name, &plan.ft.cw2_version),
            ContractKind::Incentive => (
                &plan.incentive.label,
                &plan.incentive.cw2_name,
                &plan.incentive.cw2_version,
            ),
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
        r.add(
            kind,
            "contract admin = state",
            &rec.admin,
            or_none(Some(&info.admin).filter(|a| !a.is_empty())),
        );
        r.add(
            kind,
            "contract admin = plan",
            plan.admin.as_deref().unwrap_or(&deployer),
            &info.admin,
        );
        r.add(kind, "contract label = state", &rec.label, &info.label);
        r.add(kind, "contract label = plan", label, &info.label);
        let code = client.code_info(info.code_id).await?;
        let on_chain = or_none(code.map(|c| c.checksum));
        r.add(kind, "code checksum = artifact", &sha, &on_chain);
        r.add(kind, "code checksum = state", &rec.checksum, &on_chain);
        let cw2 = client.cw2_version(&rec.address).await?;
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
    check_wiring(&client, ctx, &state, &deployer, &mut r).await?;
    r.ok = r.failures() == 0;
    ctx.print(&r);
    match r.failures() {
        0 => Ok(()),
        count => Err(Error::Mismatch { count }),
    }
}

/// `get_config` against the plan and the FT's minter against the incentive.
async fn check_wiring(
    client: &ChainClient,
    ctx: &Context,
    state: &DeploymentState,
    deployer: &str,
    r: &mut VerifyReport,
) -> Result<()> {
    let plan = &ctx.plan;
    let Some(inc) = state.address_of(ContractKind::Incentive) else {
        return Ok(());
    };
    if client.contract_info(inc).await?.is_none() {
        return Ok(());
    }
    let name = ContractKind::Incentive;
    let ft_addr = state.address_of(ContractKind::Ft).map(str::to_string);
    let reg_addr = state.address_of(ContractKind::Registry).map(str::to_string);
    match client
        .smart_query::<incentive::ConfigResponse>(inc, &incentive::QueryMsg::GetConfig {}, None)
        .await
    {
        Ok(cfg) => {
            r.add(
                name,
                "get_config.admin",
                plan.incentive.admin.as_deref().unwrap_or(deployer),
                cfg.admin,
            );
            r.add(
                name,
                "get_config.ft_contract",
                or_none(ft_addr.clone()),
                cfg.ft_contract,
            );
            r.add(
                name,
                "get_config.registry_contract",
                or_none(reg_addr),
                cfg.registry_contract,
            );
            r.add(
                name,
                "get_config.config.enabled",
                plan.incentive.enabled,
                cfg.config.enabled,
            );
            r.add(
                name,
                "get_config.config.emergency_paused",
                plan.incentive.emergency_paused,
                cfg.config.emergency_paused,
            );
        }
        Err(e) => r.add(name, "get_config answers", "a config", e),
    }
    if let Some(ft_addr) = ft_addr {
        if client.contract_info(&ft_addr).await?.is_some() {
            let minter = client
                .smart_query::<Option<ft::MinterResponse>>(&ft_addr, &ft::QueryMsg::Minter {}, None)
                .await;
            let actual = match minter {
                Ok(m) => or_none(m.map(|m| m.minter)),
                Err(e) => e.to_string(),
            };
            r.add(ContractKind::Ft, "minter = incentive", inc, actual);
        }
    }
    Ok(())
}
