//! itsa — information-theoretic secure aggregation.
//!
//! Every scheme itsa handles is linear: each variable is an F_p-linear map of independent
//! uniform source symbols, so every entropy is a rank and every correctness and security
//! condition is a rank identity. Layers, top to bottom:
//! [`models`] (which checks a model implies) → [`verify`] (the engine) → [`scheme`] (data
//! model and spec reader) → [`field`] (F_p and the one elimination routine).
//! [`region`] holds the closed-form optimal rate regions (exact rationals) that each model
//! file instantiates, and their renderings (table, JSON, LaTeX, sweeps, SVG).
//! [`bound`] (feature `bound`) computes Shannon-type LP outer bounds with exact certificates.

#[cfg(feature = "bound")]
pub mod bound;
pub mod budget;
pub mod coded;
pub mod construct;
pub mod field;
pub mod models;
pub mod out;
pub mod region;
pub mod scheme;
pub mod subsets;
pub mod suite;
pub mod verify;

use std::path::Path;

/// Load a spec file and validate it against its model.
pub fn load(path: &Path) -> Result<(scheme::Scheme, models::Model), scheme::SpecError> {
    let s = scheme::read_spec(path)?;
    let m = models::Model::from_scheme(&s)?;
    Ok((s, m))
}

/// Verify a loaded scheme: evaluate every check of its model, then put the achieved rates
/// next to the model's optimal region.
pub fn verify_scheme(
    scheme: &scheme::Scheme,
    model: &models::Model,
    opts: &verify::Options,
) -> verify::Report {
    let plan = model.plan(scheme);
    let mut report = verify::run(scheme, &plan, model.header(scheme), opts);
    report.rates = Some(model.rates(scheme, report.verdict == verify::Verdict::Verified));
    report
}

/// The report of a scheme whose check outcomes (one per check, in plan order) were computed
/// elsewhere, e.g. merged from shards: the same report [`verify_scheme`] builds.
pub fn report_from_outcomes(
    scheme: &scheme::Scheme,
    model: &models::Model,
    opts: &verify::Options,
    outcomes: Vec<verify::Outcome>,
) -> Result<verify::Report, verify::shard::ShardError> {
    let start = std::time::Instant::now();
    let plan = model.plan(scheme);
    if outcomes.len() != plan.num_checks() {
        return Err(verify::shard::ShardError::Mismatch(format!(
            "the shards cover {} checks but the spec has {}",
            outcomes.len(),
            plan.num_checks()
        )));
    }
    let outcomes = verify::split_by_family(&plan, outcomes);
    let mut report =
        verify::report_from_outcomes(scheme, &plan, model.header(scheme), opts, outcomes, start);
    report.rates = Some(model.rates(scheme, report.verdict == verify::Verdict::Verified));
    Ok(report)
}
