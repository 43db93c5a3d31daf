//! The outcome of `itsa bound`: status, LP facts, certificate as readable proof and JSON.

use std::fmt::Write;

use num_rational::BigRational;
use num_traits::Signed;
use serde::Serialize;

use super::certificate::{approx, Certificate, Failure};
use super::lp::{Lp, Origin, Solved};
use super::problem::{names, render, Restricted, Term};
use super::Query;

/// Tolerance for comparing the floating-point LP value with a claim.
const LP_TOL: f64 = 1e-6;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An exactly verified certificate proves objective ≥ bound (≥ the claim, if any).
    Proved,
    /// The LP optimum is below the claim: Shannon-type inequalities with these constraints
    /// cannot prove it.
    NotProvable,
    /// The LP suggests the bound, but no certificate verified exactly: NOT proved.
    NotVerified,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProofLine {
    /// Exact weight, e.g. "1/2".
    pub weight: String,
    /// The row in entropy notation, e.g. "I(W1 ; X1 | S) ≥ 0".
    pub row: String,
    /// elemental / model / rate.
    pub kind: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Paper {
    pub value: String,
    pub formula: String,
    /// "agrees" or "gap: paper − bound = …".
    pub comparison: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub model: String,
    pub objective: String,
    pub variables: Vec<String>,
    pub dropped: Vec<String>,
    pub constraints_used: Vec<String>,
    /// Model constraints dropped by the restriction (nothing implied on the kept variables).
    pub constraints_dropped: usize,
    pub lp_columns: usize,
    pub lp_rows: usize,
    /// Rows before dropping duplicates and trivial rows.
    pub generated_rows: usize,
    pub elemental_rows: usize,
    pub symmetry: String,
    pub solve_seconds: f64,
    /// The floating-point LP backend (clarabel or HiGHS).
    pub solver: String,
    /// Floating-point LP optimum; the exact statement is the certificate's.
    pub lp_value: f64,
    /// The one solve was of the LP with its inequalities relaxed by ≤ 2·10⁻⁵ each (to single
    /// out one dual vertex), so `lp_value` is that relaxed LP's, a little below the LP's.
    pub lp_relaxed: bool,
    pub claim: Option<String>,
    pub status: Status,
    /// Exact certified lower bound (when a certificate verified).
    pub bound: Option<String>,
    pub certificate_method: Option<String>,
    pub proof: Vec<ProofLine>,
    pub failure: Option<String>,
    /// With NOT PROVABLE: objective value of an exactly verified feasible point (if found).
    pub witness_value: Option<String>,
    pub paper: Option<Paper>,
    /// With `--latex`: the certificate as an aligned chain of (in)equalities.
    pub latex: Option<String>,
}

pub fn assemble(
    p: &Restricted,
    q: &Query,
    lp: &Lp,
    solved: &Solved,
    cert: Result<Certificate, Failure>,
) -> Report {
    let vars = &p.model.var_names();
    let kept: Vec<String> = p.kept().iter().map(|&i| vars[i].clone()).collect();
    let dropped: Vec<String> = (0..vars.len())
        .filter(|&i| p.keep >> i & 1 == 0)
        .map(|i| vars[i].clone())
        .collect();
    let constraints_used = p
        .model
        .constraints
        .iter()
        .map(|c| format!("{}   [{}]", render(vars, &c.kind), c.why))
        .collect();
    let (status, failure) = match (&cert, &q.claim) {
        (Ok(c), Some(claim)) if &c.bound >= claim => (Status::Proved, None),
        (Ok(_), None) => (Status::Proved, None),
        (_, Some(claim)) if solved.value < approx(claim) - LP_TOL => (
            Status::NotProvable,
            Some(format!(
                "the LP optimum {:.6} is below the claim {claim}",
                solved.value
            )),
        ),
        (Ok(c), Some(claim)) => (
            Status::NotVerified,
            Some(format!(
                "the certificate proves only {} < claim {claim}",
                c.bound
            )),
        ),
        (Err(f), _) => (Status::NotVerified, Some(f.reason.clone())),
    };
    let proof = match &cert {
        Ok(c) => c
            .weights
            .iter()
            .map(|(i, w)| {
                let (row, kind) = row_text(p, lp, *i);
                ProofLine {
                    weight: w.to_string(),
                    row,
                    kind,
                }
            })
            .collect(),
        Err(_) => vec![],
    };
    let bound = cert.as_ref().ok().map(|c| c.bound.clone());
    let witness_value = (status == Status::NotProvable)
        .then(|| super::certificate::witness(lp, &solved.primal))
        .flatten()
        .filter(|w| q.claim.as_ref().is_some_and(|c| w < c))
        .map(|w| w.to_string());
    let paper = match q.objective.as_slice() {
        [Term::Rate(r)] => p.model.rates[*r].paper.as_ref().map(|(v, f)| Paper {
            value: v.to_string(),
            formula: f.clone(),
            comparison: compare(v, bound.as_ref(), solved.value),
        }),
        _ => None,
    };
    Report {
        model: p.model.title.clone(),
        objective: q.objective_text.clone(),
        variables: kept,
        dropped,
        constraints_used,
        constraints_dropped: p.dropped_constraints,
        lp_columns: lp.cols(),
        lp_rows: lp.rows.len(),
        generated_rows: lp.generated_rows,
        elemental_rows: lp.count(|o| matches!(o, Origin::Monotone(_) | Origin::Submodular(..))),
        symmetry: lp.symmetry.clone(),
        solve_seconds: solved.seconds,
        solver: q.backend.name().to_string(),
        lp_value: solved.value,
        lp_relaxed: solved.relaxed,
        claim: q.claim.as_ref().map(|c| c.to_string()),
        status,
        bound: bound.as_ref().map(|b| b.to_string()),
        certificate_method: cert.as_ref().ok().map(|c| c.method.to_string()),
        proof,
        failure,
        witness_value,
        paper,
        latex: match (&cert, q.latex) {
            (Ok(c), true) => Some(super::latex::chain(p, q, lp, c)),
            _ => None,
        },
    }
}

fn compare(paper: &BigRational, bound: Option<&BigRational>, lp: f64) -> String {
    match bound {
        Some(b) if b == paper => "agrees (certified)".into(),
        Some(b) => {
            let gap = paper - b;
            let side = if gap.is_positive() {
                "declared value above the certified LP bound"
            } else {
                "declared value BELOW the certified LP bound: the declared region claims rates the converse excludes"
            };
            format!("gap: declared − LP bound = {gap} ({side})")
        }
        None => format!(
            "gap: declared − LP value ≈ {:.6} (no certificate)",
            approx(paper) - lp
        ),
    }
}

/// A row in entropy notation.
pub fn row_text(p: &Restricted, lp: &Lp, i: usize) -> (String, &'static str) {
    let vars = &p.model.var_names();
    let n = |m: u32| names(vars, lp.model_set(m));
    match lp.rows[i].origin {
        Origin::Monotone(v) => {
            let all = ((1u64 << lp.local.len()) - 1) as u32;
            (
                format!("H({} | {}) ≥ 0", n(1 << v), n(all & !(1 << v))),
                "elemental",
            )
        }
        Origin::Submodular(a, b, 0) => {
            (format!("I({} ; {}) ≥ 0", n(1 << a), n(1 << b)), "elemental")
        }
        Origin::Submodular(a, b, k) => (
            format!("I({} ; {} | {}) ≥ 0", n(1 << a), n(1 << b), n(k)),
            "elemental",
        ),
        Origin::Model(ci) => {
            let c = &p.model.constraints[ci];
            (format!("{}   [{}]", render(vars, &c.kind), c.why), "model")
        }
        Origin::Rate(r, s) => (
            format!("{} − H({}) ≥ 0", p.model.rates[r].name, names(vars, s)),
            "rate",
        ),
    }
}

/// Human report; the proof lines only with `proof`.
pub fn render_text(r: &Report, proof: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "itsa bound: {} — minimise {}", r.model, r.objective);
    let _ = writeln!(
        s,
        "variables ({}): {}",
        r.variables.len(),
        r.variables.join(" ")
    );
    if !r.dropped.is_empty() {
        let _ = writeln!(
            s,
            "restricted: dropped {} and {} constraints on them (relaxation: the bound stays valid)",
            r.dropped.join(" "),
            r.constraints_dropped
        );
    }
    let _ = writeln!(s, "constraints used ({}):", r.constraints_used.len());
    for c in &r.constraints_used {
        let _ = writeln!(s, "  {c}");
    }
    let _ = writeln!(
        s,
        "LP: {} columns (h of sets closed under the functional dependencies, and rates), {} rows \
         ({} elemental; {} generated before removing duplicates)",
        r.lp_columns, r.lp_rows, r.elemental_rows, r.generated_rows
    );
    let _ = writeln!(s, "symmetry: {}", r.symmetry);
    let _ = writeln!(
        s,
        "{} (floating point) solve {:.3} s: LP value {:.9}",
        r.solver, r.solve_seconds, r.lp_value
    );
    if r.lp_relaxed {
        let _ = writeln!(
            s,
            "  (one solve, of the LP with each inequality relaxed by ≤ 2·10⁻⁵ to single out one \
             dual vertex: its value is a little below the LP's; the claim is the certificate's)"
        );
    }
    if let Some(p) = &r.paper {
        let _ = writeln!(
            s,
            "declared: {} = {} — {}",
            p.formula, p.value, p.comparison
        );
    }
    match r.status {
        Status::Proved => {
            let b = r.bound.as_deref().unwrap_or("?");
            let _ = writeln!(
                s,
                "PROVED: {} ≥ {b}  (certificate: {} rows, exact weights from {}, verified exactly{})",
                r.objective,
                r.proof.len(),
                r.certificate_method.as_deref().unwrap_or("?"),
                r.claim
                    .as_ref()
                    .map(|c| format!("; claim {c}"))
                    .unwrap_or_default()
            );
        }
        Status::NotProvable => {
            let _ = writeln!(
                s,
                "NOT PROVABLE: {} ≥ {} — {}; no Shannon-type proof exists from these constraints",
                r.objective,
                r.claim.as_deref().unwrap_or("?"),
                r.failure.as_deref().unwrap_or("")
            );
            match &r.witness_value {
                Some(w) => {
                    let _ = writeln!(
                        s,
                        "  exact witness: a rational point satisfying every LP row (checked exactly) has {} = {w}",
                        r.objective
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "  (judged from the floating-point LP optimum; no exact witness point found)"
                    );
                }
            }
            if let Some(b) = &r.bound {
                let _ = writeln!(s, "  (what is certified: {} ≥ {b})", r.objective);
            }
        }
        Status::NotVerified => {
            let _ = writeln!(
                s,
                "NOT PROVED: no exactly verified certificate — {}",
                r.failure.as_deref().unwrap_or("")
            );
        }
    }
    if proof && !r.proof.is_empty() {
        let _ = writeln!(
            s,
            "proof: {} = Σ weight × (row's left side), an identity in the h(A) once h(A) = h(cl A) \
             (cl A: A plus everything it determines), hence ≥ Σ weight × (row's right side) = {}",
            r.objective,
            r.bound.as_deref().unwrap_or("?")
        );
        if r.symmetry.contains("group of order") {
            let _ = writeln!(
                s,
                "  (and h(A) = h(σA): applied to the average of h over the symmetry group, which is \
                 feasible with the same objective value)"
            );
        }
        for l in &r.proof {
            let _ = writeln!(s, "  {:>8} × {}", l.weight, l.row);
        }
    }
    s
}
