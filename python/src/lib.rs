//! `itsa._itsa`: the native half of the Python package (python/itsa/ is the other half).
//!
//! Every function calls the itsa library — the engine stays Rust; the binary is not involved —
//! and returns JSON text (exactly what the CLI's `--json` prints) plus the CLI's text
//! rendering; python/itsa/__init__.py turns the JSON into Python objects. Errors are raised as
//! the exception classes of python/itsa/_errors.py, so a spec error keeps its file:line:col.
//! The GIL is released while the engine runs (it is parallel, with rayon).

use std::collections::BTreeMap;
use std::path::Path;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde_json::json;

use itsa::construct::{ConstructError, Construction, SplitMix64};
use itsa::region::RegionError;
use itsa::scheme::SpecError;
use itsa::verify::{render_text, Options};

/// Above this many checks `verify` needs `force=True` (the CLI's default `--max-checks`).
const CHECK_LIMIT: u128 = 5_000_000;

/// Raise `itsa._errors.<class>(*args)`.
fn raise<'py, A>(py: Python<'py>, class: &str, args: A) -> PyErr
where
    A: pyo3::call::PyCallArgs<'py>,
{
    let made = py
        .import("itsa._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args));
    match made {
        Ok(exc) => PyErr::from_value(exc),
        Err(e) => e,
    }
}

fn spec_error(py: Python<'_>, e: &SpecError, note: &str) -> PyErr {
    let message = format!("{}{note}", e.message());
    match e {
        SpecError::At {
            path,
            line,
            col,
            source_line,
            ..
        } => raise(
            py,
            "SpecError",
            (message, path.clone(), *line, *col, source_line.clone()),
        ),
        SpecError::File { path, .. } => raise(
            py,
            "SpecError",
            (message, path.clone(), py.None(), py.None(), py.None()),
        ),
    }
}

fn parameter_error(py: Python<'_>, message: String) -> PyErr {
    raise(py, "ParameterError", (message,))
}

fn region_error(py: Python<'_>, e: &RegionError) -> PyErr {
    parameter_error(py, e.to_string())
}

fn construct_error(py: Python<'_>, e: &ConstructError) -> PyErr {
    match e {
        ConstructError::Parameter(m) => parameter_error(py, m.clone()),
        other => raise(py, "ConstructionError", (other.to_string(),)),
    }
}

/// A JSON document exactly as the CLI prints it: `schema_version` first ([`itsa::versioned`]).
fn document(v: impl serde::Serialize) -> PyResult<String> {
    let v = serde_json::to_value(v).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    serde_json::to_string_pretty(&itsa::versioned(v))
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// `itsa verify [--set NAME=VALUE ...] --json` as (JSON text, text report).
#[pyfunction]
#[pyo3(signature = (source, is_path, name, params, max_failures, max_decoders, force, max_checks))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of itsa.verify, one to one
fn verify(
    py: Python<'_>,
    source: &str,
    is_path: bool,
    name: &str,
    params: Vec<(String, i64)>,
    max_failures: usize,
    max_decoders: usize,
    force: bool,
    max_checks: Option<u128>,
) -> PyResult<(String, String)> {
    // Overrides go through the library's `--set NAME=VALUE` (flat and parametric specs alike).
    let load = itsa::LoadOptions {
        set: params
            .iter()
            .map(|(k, v)| format!("{}={v}", k.replace('_', "-")))
            .collect(),
        force,
    };
    let loaded = if is_path {
        itsa::load_with(Path::new(source), &load)
    } else {
        itsa::load_str_with(source, name, &load)
    };
    let (scheme, model, overridden) = loaded.map_err(|e| spec_error(py, &e, ""))?;
    let count = model.count_checks();
    let limit = max_checks.unwrap_or(CHECK_LIMIT);
    if count > limit && !force {
        return Err(parameter_error(
            py,
            format!(
                "{}: this model instance has {count} checks (limit {limit}, max_checks); pass force=True to run it anyway",
                scheme.origin.path
            ),
        ));
    }
    let opts = Options {
        max_failures,
        max_decoders,
        progress: itsa::progress::Progress::none(),
    };
    let mut report = py.detach(|| itsa::verify_scheme(&scheme, &model, &opts));
    report.header.overridden = overridden;
    Ok((document(&report)?, render_text(&report)))
}

/// `itsa region MODEL --json` as (JSON text, text table, LaTeX), for a catalog model.
#[pyfunction]
fn region(
    py: Python<'_>,
    model: &str,
    params: Vec<(String, u64)>,
) -> PyResult<(String, String, String)> {
    use itsa::region::{catalog, render};
    let m = catalog::find(model).map_err(|e| region_error(py, &e))?;
    let flags: Vec<String> = params.iter().map(|(k, _)| k.replace('_', "-")).collect();
    let given: Vec<(&str, u64)> = flags
        .iter()
        .zip(&params)
        .map(|(f, (_, v))| (f.as_str(), *v))
        .collect();
    let e = m.evaluate(&given).map_err(|e| region_error(py, &e))?;
    Ok((
        document(render::json(&e))?,
        render::text(&e),
        render::latex(&e),
    ))
}

/// `itsa region threshold-sharing --clients n --json` as (JSON text, text table).
#[pyfunction]
#[pyo3(signature = (scheme, clients, prime=None))]
fn threshold_table(
    py: Python<'_>,
    scheme: &str,
    clients: u32,
    prime: Option<u64>,
) -> PyResult<(String, String)> {
    use itsa::models::threshold_sharing::Protocol;
    use itsa::region::threshold;
    let protocol = Protocol::parse(scheme).ok_or_else(|| {
        parameter_error(
            py,
            format!("scheme: '{scheme}' is not a threshold protocol (tjl or bonawitz)"),
        )
    })?;
    let t = py
        .detach(|| threshold::table(protocol, clients, prime, &itsa::progress::Progress::none()))
        .map_err(|e| region_error(py, &e))?;
    Ok((document(&t)?, threshold::text(&t)))
}

/// One construction request: the model's parameters by their CLI names (`_` or `-`).
struct Request {
    params: BTreeMap<String, u64>,
}

impl Request {
    fn take(&mut self, name: &str) -> Option<u64> {
        self.params.remove(name)
    }

    fn need(&mut self, py: Python<'_>, name: &str, meaning: &str) -> PyResult<u32> {
        let v = self
            .take(name)
            .ok_or_else(|| parameter_error(py, format!("missing parameter {name} ({meaning})")))?;
        u32::try_from(v).map_err(|_| parameter_error(py, format!("{name}: {v} is too large")))
    }
}

/// One random draw of a construction at a key dimension.
type Draw = Box<dyn Fn(u32, &mut SplitMix64) -> String + Send>;

/// What to build: a fixed spec, or draws from seeds at a key dimension (as `itsa construct`).
enum Recipe {
    Fixed(String),
    Random { optimal_dim: u32, make: Draw },
}

/// `itsa construct MODEL … --json` as (spec text, JSON report, text report).
#[pyfunction]
#[pyo3(signature = (model, params, scheme=None, prime=None, seed=1, attempts=10, key_dim=None))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of itsa.construct, one to one
fn construct(
    py: Python<'_>,
    model: &str,
    params: Vec<(String, u64)>,
    scheme: Option<String>,
    prime: Option<u64>,
    seed: u64,
    attempts: u32,
    key_dim: Option<u32>,
) -> PyResult<(String, String, String)> {
    use itsa::models::{dropout, hierarchical, multi_server, threshold_sharing};
    let mut req = Request {
        params: params
            .into_iter()
            .map(|(k, v)| (k.replace('_', "-"), v))
            .collect(),
    };
    let ce = |e: ConstructError| construct_error(py, &e);
    let recipe = match model {
        "dropout" => {
            let k = req.need(py, "users", "K, number of users")?;
            let u = req.need(py, "min-survivors", "U, users responding per round")?;
            let t = req.need(py, "colluders", "T, colluding users")?;
            Recipe::Fixed(dropout::construct_spec(k, u, t, prime).map_err(ce)?)
        }
        "multi-server" => {
            let u = req.need(py, "servers", "U, number of servers")?;
            let v = req.need(py, "users-per-server", "V, users per server")?;
            let t = req.need(py, "colluders", "T, colluding users")?;
            let p = multi_server::construct_params(u, v, t, prime).map_err(ce)?;
            Recipe::Random {
                optimal_dim: multi_server::optimal_key_dim(u, v, t),
                make: Box::new(move |dim, rng| multi_server::construct_draw(u, v, t, p, dim, rng)),
            }
        }
        "hierarchical" => {
            let k = req.need(py, "clients", "K, number of clients")?;
            let d = req.need(py, "relays-per-client", "d, relays per client")?;
            let s = req.need(py, "failures", "s, relay failures tolerated")?;
            let p = hierarchical::construct_params(k, d, s, prime).map_err(ce)?;
            if d == k {
                Recipe::Fixed(hierarchical::construct_full_spec(k, s, p))
            } else {
                Recipe::Random {
                    optimal_dim: d.max(k - d),
                    make: Box::new(move |dim, rng| {
                        hierarchical::construct_draw(k, d, s, p, dim, rng)
                    }),
                }
            }
        }
        "threshold-sharing" => {
            let n = req.need(py, "clients", "n, number of clients")?;
            let t = req.need(py, "threshold", "t, Shamir threshold")?;
            let c = match req.take("corrupted") {
                Some(c) => u32::try_from(c)
                    .map_err(|_| parameter_error(py, format!("corrupted: {c} is too large")))?,
                None => n.saturating_sub(t),
            };
            let m = req.take("input-length").unwrap_or(1) as usize;
            let name = scheme.as_deref().unwrap_or("tjl");
            let protocol = threshold_sharing::Protocol::parse(name).ok_or_else(|| {
                parameter_error(
                    py,
                    format!("scheme: '{name}' is not a threshold protocol (tjl or bonawitz)"),
                )
            })?;
            Recipe::Fixed(
                threshold_sharing::construct_spec(protocol, n, t, c, m, prime).map_err(ce)?,
            )
        }
        other => {
            return Err(parameter_error(
                py,
                format!(
                    "no construction for model '{other}'; constructions: dropout, multi-server, hierarchical, threshold-sharing"
                ),
            ))
        }
    };
    if let Some((k, _)) = req.params.iter().next() {
        return Err(parameter_error(
            py,
            format!("construct('{model}'): unknown parameter {k}"),
        ));
    }
    if scheme.is_some() && model != "threshold-sharing" {
        return Err(parameter_error(
            py,
            "scheme= applies to threshold-sharing only".into(),
        ));
    }
    if key_dim.is_some() && matches!(recipe, Recipe::Fixed(_)) {
        return Err(parameter_error(
            py,
            "key_dim applies to the random constructions only (multi-server; hierarchical with d < K)"
                .into(),
        ));
    }
    if key_dim == Some(0) {
        return Err(parameter_error(
            py,
            "key_dim: at least one key symbol (0 would be no key at all)".into(),
        ));
    }
    let opts = Options {
        max_failures: 5,
        max_decoders: 0,
        progress: itsa::progress::Progress::none(),
    };
    let built: Result<Construction, ConstructError> = py.detach(|| match recipe {
        Recipe::Fixed(spec) => itsa::construct::deterministic(spec, &opts),
        Recipe::Random { optimal_dim, make } => match key_dim {
            Some(dim) => {
                let spec = make(dim, &mut SplitMix64(seed));
                let mut c = itsa::construct::deterministic(spec, &opts)?;
                c.seed = Some(seed);
                Ok(c)
            }
            None => {
                itsa::construct::first_verified(seed, attempts, &opts, |rng| make(optimal_dim, rng))
            }
        },
    });
    let c = built.map_err(|e| construct_error(py, &e))?;
    let mut v =
        serde_json::to_value(&c.report).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    if let (Some(obj), Some(seed)) = (v.as_object_mut(), c.seed) {
        obj.insert(
            "construction".into(),
            json!({ "seed": seed, "attempts": c.attempts }),
        );
    }
    Ok((c.spec, document(v)?, render_text(&c.report)))
}

/// `itsa bound MODEL … --minimize RATE --json` as (JSON text, text, text with the proof).
#[cfg(feature = "bound")]
#[pyfunction]
#[pyo3(signature = (model, params, minimize, restrict=None, claim=None, shorten=false))]
fn bound(
    py: Python<'_>,
    model: &str,
    params: Vec<(String, u32)>,
    minimize: String,
    restrict: Option<String>,
    claim: Option<String>,
    shorten: bool,
) -> PyResult<(String, String, String)> {
    use itsa::bound::{models, report};
    let mut p: BTreeMap<String, u32> = params
        .into_iter()
        .map(|(k, v)| (k.replace('_', "-"), v))
        .collect();
    let mut need = |name: &str| {
        p.remove(name)
            .ok_or_else(|| parameter_error(py, format!("missing parameter {name}")))
    };
    let be = |e: itsa::bound::BoundError| raise(py, "BoundError", (e.to_string(),));
    let m = match model {
        "summation" => models::summation(need("users")?),
        "dropout" => models::dropout(need("users")?, need("min-survivors")?, need("colluders")?),
        "multi-server" => models::multi_server(
            need("servers")?,
            need("users-per-server")?,
            need("colluders")?,
        ),
        other => {
            return Err(parameter_error(
                py,
                format!("no bound model '{other}'; models: summation, dropout, multi-server"),
            ))
        }
    }
    .map_err(be)?;
    if let Some(k) = p.keys().next() {
        return Err(parameter_error(
            py,
            format!("bound('{model}'): unknown parameter {k}"),
        ));
    }
    // As the CLI reads --minimize / --restrict / --claim / --shorten (src/cli/bound.rs).
    let claim = claim
        .as_deref()
        .map(|c| {
            c.trim().parse::<num_rational::BigRational>().map_err(|_| {
                parameter_error(py, format!("claim: '{c}' is not a rational like 3 or 1/2"))
            })
        })
        .transpose()?;
    let query = itsa::bound::Query {
        objective: m.parse_objective(&minimize).map_err(be)?,
        objective_text: minimize.clone(),
        keep: restrict
            .as_deref()
            .map(|r| m.parse_set(r))
            .transpose()
            .map_err(be)?,
        claim,
        shorten,
        backend: itsa::bound::Backend::default(),
        latex: false,
    };
    let r = py.detach(|| itsa::bound::run(&m, &query)).map_err(be)?;
    Ok((
        document(&r)?,
        report::render_text(&r, false),
        report::render_text(&r, true),
    ))
}

/// The native module; its Python face is the package `itsa`.
#[pymodule]
fn _itsa(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(region, m)?)?;
    m.add_function(wrap_pyfunction!(threshold_table, m)?)?;
    m.add_function(wrap_pyfunction!(construct, m)?)?;
    #[cfg(feature = "bound")]
    m.add_function(wrap_pyfunction!(bound, m)?)?;
    m.add("HAS_BOUND", cfg!(feature = "bound"))?;
    m.add("CHECK_LIMIT", CHECK_LIMIT)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
