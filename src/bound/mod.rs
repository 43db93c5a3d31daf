//! Converse side: Shannon-type LP outer bounds with exact certificates (`itsa bound`).
//!
//! [`models`] states a model at small parameters as an entropy [`problem`] (variables,
//! constraints, rates); [`problem::Model::restrict`] keeps a subset of the variables (a
//! relaxation); [`lp`] builds and solves the Shannon LP in floating point; [`certificate`]
//! turns its duals into exact rational weights and verifies the identity exactly;
//! [`symmetry`] identifies h(A) with h(σA) when users are interchangeable;
//! [`report`] renders the outcome. A bound is *proved* only when its certificate verifies.

pub mod certificate;
pub mod lp;
pub mod models;
pub mod problem;
pub mod report;
pub mod symmetry;

use num_rational::BigRational;
use thiserror::Error;

use problem::{Model, Set, Term};
pub use report::{Report, Status};

#[derive(Debug, Error)]
pub enum BoundError {
    #[error("{0}")]
    Usage(String),
    #[error("unknown variable '{name}' (this model has: {known})")]
    UnknownVariable { name: String, known: String },
    #[error(
        "the LP would have {vars} variables ({names}); at most {max} are supported — \
         keep fewer with --restrict"
    )]
    TooLarge {
        vars: usize,
        max: usize,
        names: String,
    },
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
}

/// Build, solve, certify.
pub fn run(model: &Model, q: &Query) -> Result<Report, BoundError> {
    let all: Set = (1u64 << model.vars.len()) - 1;
    let keep = q.keep.unwrap_or(all);
    let problem = model.restrict(keep);
    let lp = lp::build(&problem, &q.objective)?;
    let solved = lp::solve(&lp)?;
    let mut cert = certificate::certify(&lp, &solved.duals);
    if q.shorten {
        if let Ok(c) = &cert {
            let y = lp::sparsest_dual(&lp, certificate::approx(&c.bound))?;
            // Keep the shorter certificate only if it verifies and proves as much.
            if let Ok(short) = certificate::certify(&lp, &y) {
                if short.bound >= c.bound && short.weights.len() < c.weights.len() {
                    cert = Ok(short);
                }
            }
        }
    }
    Ok(report::assemble(&problem, q, &lp, &solved, cert))
}
