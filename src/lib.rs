//! itsa — information-theoretic secure aggregation.
//!
//! Every scheme itsa handles is linear: each variable is an F_p-linear map of independent
//! uniform source symbols, so every entropy is a rank and every correctness and security
//! condition is a rank identity. Layers, top to bottom:
//! [`models`] (which checks a model implies) → [`verify`] (the engine) → [`scheme`] (data
//! model and spec reader) → [`field`] (F_p and the one elimination routine).
//! [`lang`] is the declaration language (formulas, sets, quantifiers) that declared models
//! ([`models::declared`], TOML, docs/writing-a-model.md) and parametric specs are written in.
//! [`region`] holds the closed-form optimal rate regions (exact rationals) that each model
//! file instantiates, and their renderings (table, JSON, LaTeX, sweeps, SVG).
//! [`bound`] (feature `bound`) computes Shannon-type LP outer bounds with exact certificates.

#[cfg(feature = "bound")]
pub mod bound;
pub mod coded;
pub mod construct;
pub mod field;
pub mod lang;
pub mod models;
pub mod param;
pub mod progress;
pub mod region;
pub mod scheme;
pub mod subsets;
pub mod suite;
pub mod verify;

use std::path::Path;

/// Version of the JSON documents itsa writes (`"schema_version"`, the first key of every JSON
/// output; docs/schema.md). Raised when a key is removed or changes meaning; adding keys
/// does not raise it.
pub const SCHEMA_VERSION: u32 = 1;

/// A JSON document as itsa writes it: `value` (an object) with `"schema_version"` put first.
/// A value that is not an object is wrapped as `{"schema_version", "data"}`.
pub fn versioned(value: serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("schema_version".into(), SCHEMA_VERSION.into());
    match value {
        serde_json::Value::Object(m) => out.extend(m),
        other => {
            out.insert("data".into(), other);
        }
    }
    serde_json::Value::Object(out)
}

/// Load a spec file and validate it against its model.
pub fn load(path: &Path) -> Result<(scheme::Scheme, models::Model), scheme::SpecError> {
    let s = scheme::read_spec(path)?;
    let m = models::Model::from_scheme(&s)?;
    Ok((s, m))
}

/// Load a spec from text (e.g. standard input): JSON when the first non-blank character is
/// `{`, TOML otherwise; `name` is only used in messages.
pub fn load_str(
    text: &str,
    name: &str,
) -> Result<(scheme::Scheme, models::Model), scheme::SpecError> {
    let s = if text.trim_start().starts_with('{') {
        scheme::read_json_spec_str(text, name)?
    } else {
        scheme::read_spec_str(text, name)?
    };
    let m = models::Model::from_scheme(&s)?;
    Ok((s, m))
}

/// How [`load_with`] reads a spec: parameter overrides (`--set NAME=VALUE`) and `force`
/// (expand a declared model beyond its check budget).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub set: Vec<String>,
    pub force: bool,
}

/// [`load`] with overrides; also returns the overrides applied (for the report header).
pub fn load_with(
    path: &Path,
    opts: &LoadOptions,
) -> Result<(scheme::Scheme, models::Model, Vec<String>), scheme::SpecError> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    if let Some(r) = load_parametric(&text, &path.display().to_string(), opts) {
        return r;
    }
    finish_load(scheme::read_spec(path)?, opts)
}

/// A parametric spec is instantiated at the --set values (its construction changes with
/// them); `None` for a flat spec, which keeps its scheme and gets the model's parameters
/// overridden ([`models::apply_overrides`]).
type Loaded = (scheme::Scheme, models::Model, Vec<String>);
fn load_parametric(
    text: &str,
    name: &str,
    opts: &LoadOptions,
) -> Option<Result<Loaded, scheme::SpecError>> {
    if !param::is_parametric(text) {
        return None;
    }
    Some((|| {
        let over = param::parse_sets(text, name, &opts.set)?;
        let s = param::read(text, name, &over)?;
        let m = models::Model::from_scheme_with(
            &s,
            models::declared::instance::LoadOptions { force: opts.force },
        )?;
        Ok((s, m, opts.set.clone()))
    })())
}

/// [`load_str`] with overrides.
pub fn load_str_with(
    text: &str,
    name: &str,
    opts: &LoadOptions,
) -> Result<(scheme::Scheme, models::Model, Vec<String>), scheme::SpecError> {
    if let Some(r) = load_parametric(text, name, opts) {
        return r;
    }
    let s = if text.trim_start().starts_with('{') {
        scheme::read_json_spec_str(text, name)?
    } else {
        scheme::read_spec_str(text, name)?
    };
    finish_load(s, opts)
}

fn finish_load(
    mut s: scheme::Scheme,
    opts: &LoadOptions,
) -> Result<(scheme::Scheme, models::Model, Vec<String>), scheme::SpecError> {
    let changed = models::apply_overrides(&mut s, &opts.set)?;
    let m = models::Model::from_scheme_with(
        &s,
        models::declared::instance::LoadOptions { force: opts.force },
    )?;
    Ok((s, m, changed))
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
