//! Converse side: Shannon-type LP outer bounds with exact certificates (`itsa bound`).
//!
//! [`problem`] is the generic entropy problem (named variables with indices, independence,
//! functional dependencies, decodability, security, rates) and its builder; [`models`]
//! states the built-in models through it; [`problem::Problem::restrict`] keeps a subset of
//! the variables (a relaxation); [`symmetry`] detects the index permutations that map the
//! problem onto itself; [`lp`] builds the symmetry-reduced Shannon LP and solves it in
//! floating point (clarabel by default, HiGHS with `--features highs`); [`certificate`]
//! turns its duals into exact rational weights and verifies the identity exactly;
//! [`report`] renders the outcome, [`latex`] the proof as a LaTeX chain, [`region`] traces a
//! two-rate trade-off. A bound is *proved* only when its certificate verifies.

pub mod certificate;
pub mod latex;
pub mod lp;
pub mod models;
pub mod problem;
pub mod region;
pub mod report;
pub mod symmetry;

use num_rational::BigRational;
use thiserror::Error;

pub use lp::Backend;
pub use problem::{Builder, Ix, Problem};
use problem::{Set, Term};
pub use report::{Report, Status};

#[derive(Debug, Error)]
pub enum BoundError {
    #[error("{0}")]
    Usage(String),
    #[error("unknown variable '{name}' (this model has: {known})")]
    UnknownVariable { name: String, known: String },
    /// Refused before building: the size and what to do.
    #[error("{what}")]
    TooLarge { what: String },
    #[error("LP solver: {0}")]
    Solver(String),
}

/// What to bound, on which variables, and optionally which value to prove.
#[derive(Clone, Debug)]
pub struct Query {
    pub objective: Vec<Term>,
    pub objective_text: String,
    /// Variables kept (all when None).
    pub keep: Option<Set>,
    /// A claimed lower bound to prove (default: the LP optimum, rationalised).
    pub claim: Option<BigRational>,
    /// Re-solve the dual for the fewest-weight certificate (a shorter proof; one more LP).
    pub shorten: bool,
    /// The floating-point LP solver (the certificate is exact whichever is used).
    pub backend: Backend,
    /// Render the certificate as a LaTeX chain (`Report::latex`).
    pub latex: bool,
}

impl Query {
    /// Minimise `text` (a rate, a variable list, or a `+`-sum) on all variables.
    pub fn new(model: &Problem, text: &str) -> Result<Query, BoundError> {
        Ok(Query {
            objective: model.parse_objective(text)?,
            objective_text: text.into(),
            keep: None,
            claim: None,
            shorten: false,
            backend: Backend::default(),
            latex: false,
        })
    }
}

/// Build, solve, certify.
pub fn run(model: &Problem, q: &Query) -> Result<Report, BoundError> {
    let generators = symmetry::detect(model);
    run_with(model, q, &generators)
}

/// [`run`] with the symmetry generators already detected (see [`symmetry::detect`]).
pub fn run_with(
    model: &Problem,
    q: &Query,
    generators: &[symmetry::Perm],
) -> Result<Report, BoundError> {
    let keep = q.keep.unwrap_or(model.all());
    let problem = model.restrict(keep);
    // ITSA_BOUND_DEBUG=1: phase times on stderr (profiling the larger LPs).
    let debug = std::env::var_os("ITSA_BOUND_DEBUG").is_some();
    let start = std::time::Instant::now();
    let lp = lp::build(&problem, &q.objective, generators)?;
    if debug {
        eprintln!(
            "[bound] LP built: {} columns, {} rows ({} generated), {:.2} s",
            lp.cols(),
            lp.rows.len(),
            lp.generated_rows,
            start.elapsed().as_secs_f64()
        );
    }
    // A claim on a large LP: first the single tie-broken solve; if its duals give an exact
    // certificate of the claim, the plain solve (a third of the time at K = 5) is not needed.
    // Clarabel only: HiGHS's crossover already returns a vertex dual of the plain LP, and its
    // solve of the perturbed LP is far slower (K = 5 `H(Z1)`: 676 CPU-s against 20).
    let one_solve =
        q.backend == Backend::Clarabel && !q.shorten && lp.rows.len() >= lp::ONE_SOLVE_MIN_ROWS;
    // Kept when the claim is not reached, for the ranking below (not solved twice).
    let mut perturbed: Option<Vec<f64>> = None;
    if let Some(claim) = q.claim.as_ref().filter(|_| one_solve) {
        if let Ok(p) = lp::solve_perturbed(&lp, q.backend, certificate::PERTURBATION) {
            let t = std::time::Instant::now();
            let cert = certificate::certify_claim(&lp, &p.duals, p.value, claim);
            if debug {
                eprintln!(
                    "[bound] one solve (tie-broken) {:.2} s, certificate {:.2} s: {}",
                    p.seconds,
                    t.elapsed().as_secs_f64(),
                    match &cert {
                        Some(c) => format!("{} rows, bound {}", c.weights.len(), c.bound),
                        None => "claim not reached; solving the LP itself".into(),
                    }
                );
            }
            if let Some(c) = cert {
                return Ok(report::assemble(&problem, q, &lp, &p, Ok(c)));
            }
            perturbed = Some(p.duals);
        }
    }
    let solved = lp::solve(&lp, q.backend)?;
    if debug {
        eprintln!(
            "[bound] {} solve: {:.2} s, value {}",
            q.backend.name(),
            solved.seconds,
            solved.value
        );
    }
    let t = std::time::Instant::now();
    let mut cert = match perturbed {
        Some(p) => certificate::certify_ranked(&lp, &solved.duals, || Some(p)),
        None => certificate::certify_with(&lp, &solved.duals, Some(q.backend)),
    };
    if debug {
        eprintln!(
            "[bound] certificate: {:.2} s ({})",
            t.elapsed().as_secs_f64(),
            match &cert {
                Ok(c) => format!("{} rows, {}", c.weights.len(), c.method),
                Err(f) => f.reason.clone(),
            }
        );
    }
    if q.shorten {
        if let Ok(c) = &cert {
            let t = std::time::Instant::now();
            let short = certificate::shortest(&lp, &solved.duals, &c.bound);
            if debug {
                eprintln!(
                    "[bound] --shorten: {:.2} s, {}",
                    t.elapsed().as_secs_f64(),
                    match &short {
                        Ok(s) => format!("{} rows, bound {}", s.weights.len(), s.bound),
                        Err(f) => f.reason.clone(),
                    }
                );
            }
            if let Ok(short) = short {
                // Keep the shorter certificate only if it verifies and proves as much.
                if short.bound >= c.bound && short.weights.len() < c.weights.len() {
                    cert = Ok(short);
                }
            }
        }
    }
    Ok(report::assemble(&problem, q, &lp, &solved, cert))
}
