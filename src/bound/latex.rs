//! `--proof --latex`: a certificate as an aligned chain a paper can print.
//!
//! With T_0 the objective and T_k = T_{k−1} − y_k·(lhs_k − rhs_k) for the certificate's rows
//! in order, every step is an equality (equality rows) or T_{k−1} ≥ T_k (inequality rows:
//! y_k ≥ 0 and lhs_k ≥ rhs_k), and the last T_m has no entropy term left: it is the bound.
//! Each line of the chain is one T_k with the row that justifies the step. Rate rows come
//! first (R ≥ H(m) turns a rate into an entropy), then the model's constraints, then the
//! Shannon inequalities. Terms are entropies of the LP's column representatives.

use std::collections::BTreeMap;
use std::fmt::Write;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::certificate::Certificate;
use super::lp::{Lp, Origin};
use super::problem::{Ix, Kind, Restricted, Set, Var};
use super::Query;

/// A variable's name in LaTeX: `W[1,2]` → `W_{1,2}`, `Y[1]{1,2}` → `Y_{1}^{\{1,2\}}`,
/// `S{1,2}` → `S_{\{1,2\}}`, `ZS` → `Z_{\mathrm{S}}`.
pub fn var(v: &Var) -> String {
    let fam = match v.family.as_str() {
        f if f.len() == 1 => f.to_string(),
        f => {
            let (a, b) = f.split_at(1);
            format!("{a}_{{\\mathrm{{{b}}}}}")
        }
    };
    let elems: Vec<String> = v
        .index
        .iter()
        .filter_map(|i| match i {
            Ix::Elem { value, .. } => Some(value.to_string()),
            Ix::Subset { .. } => None,
        })
        .collect();
    let sets: Vec<String> = v
        .index
        .iter()
        .filter_map(|i| match i {
            Ix::Subset { members, .. } => Some(format!(
                "\\{{{}\\}}",
                members
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            )),
            Ix::Elem { .. } => None,
        })
        .collect();
    match (elems.is_empty(), sets.is_empty()) {
        (true, true) => fam,
        (false, true) => format!("{fam}_{{{}}}", elems.join(",")),
        (true, false) => format!("{fam}_{{{}}}", sets.join(",")),
        (false, false) => format!("{fam}_{{{}}}^{{{}}}", elems.join(","), sets.join(",")),
    }
}

fn set(p: &Restricted, s: Set) -> String {
    (0..p.model.vars.len())
        .filter(|&i| s >> i & 1 == 1)
        .map(|i| var(&p.model.vars[i]))
        .collect::<Vec<_>>()
        .join(",")
}

fn rate_name(name: &str) -> String {
    let (a, b) = name.split_at(1.min(name.len()));
    if b.is_empty() {
        a.to_string()
    } else {
        format!("{a}_{{\\mathrm{{{b}}}}}")
    }
}

fn column(p: &Restricted, lp: &Lp, j: usize) -> String {
    if j < lp.rate_cols.len() {
        rate_name(&p.model.rates[lp.rate_cols[j]].name)
    } else {
        let m = lp.closed_sets[j - lp.rate_cols.len()];
        format!("H({})", set(p, lp.model_set(m)))
    }
}

fn frac(r: &BigRational) -> String {
    if r.is_integer() {
        r.numer().to_string()
    } else {
        format!("\\tfrac{{{}}}{{{}}}", r.numer(), r.denom())
    }
}

/// Σ c_j·col_j + constant, in LaTeX.
fn expr(p: &Restricted, lp: &Lp, terms: &BTreeMap<usize, BigRational>, c: &BigRational) -> String {
    let mut s = String::new();
    for (&j, a) in terms {
        let mag = a.abs();
        let coef = if mag.is_one() {
            String::new()
        } else {
            frac(&mag)
        };
        let sign = if a.is_negative() { "-" } else { "+" };
        if s.is_empty() {
            if a.is_negative() {
                s.push('-');
            }
        } else {
            let _ = write!(s, " {sign} ");
        }
        let _ = write!(s, "{coef}{}", column(p, lp, j));
    }
    if !c.is_zero() || s.is_empty() {
        if s.is_empty() {
            s = frac(c);
            if c.is_negative() {
                s = format!("-{}", frac(&c.abs()));
            }
        } else {
            let _ = write!(
                s,
                " {} {}",
                if c.is_negative() { "-" } else { "+" },
                frac(&c.abs())
            );
        }
    }
    s
}

/// The row's statement and justification in LaTeX.
fn justification(p: &Restricted, lp: &Lp, i: usize) -> String {
    let n = |m: u32| set(p, lp.model_set(m));
    match lp.rows[i].origin {
        Origin::Monotone(v) => {
            let all = ((1u64 << lp.local.len()) - 1) as u32;
            format!("H({} \\mid {}) \\ge 0", n(1 << v), n(all & !(1 << v)))
        }
        Origin::Submodular(a, b, 0) => format!("I({} ; {}) \\ge 0", n(1 << a), n(1 << b)),
        Origin::Submodular(a, b, k) => {
            format!("I({} ; {} \\mid {}) \\ge 0", n(1 << a), n(1 << b), n(k))
        }
        Origin::Model(ci) => {
            let c = &p.model.constraints[ci];
            let t = |s: Set| set(p, s);
            let stmt = match &c.kind {
                Kind::Independent(g) => {
                    let all = g.iter().fold(0, |a, x| a | x);
                    let parts: Vec<String> = g.iter().map(|&x| format!("H({})", t(x))).collect();
                    format!("H({}) = {}", t(all), parts.join(" + "))
                }
                Kind::Function { target, given, .. } => {
                    format!("H({} \\mid {}) = 0", t(*target), t(*given))
                }
                Kind::Secret { a, b, c } if *c == 0 => format!("I({} ; {}) = 0", t(*a), t(*b)),
                Kind::Secret { a, b, c } => {
                    format!("I({} ; {} \\mid {}) = 0", t(*a), t(*b), t(*c))
                }
                Kind::Norm { set: s, value } => format!("H({}) = {value}", t(*s)),
            };
            format!("{stmt}\\ \\text{{({})}}", escape(&c.why))
        }
        Origin::Rate(r, s) => format!(
            "{} \\ge H({})\\ \\text{{(rate)}}",
            rate_name(&p.model.rates[r].name),
            set(p, s)
        ),
    }
}

fn escape(t: &str) -> String {
    t.replace('\\', "\\textbackslash{}")
        .replace('{', "\\{")
        .replace('}', "\\}")
        .replace('_', "\\_")
        .replace('&', "\\&")
        .replace('%', "\\%")
        .replace('#', "\\#")
        .replace('Σ', "$\\Sigma$")
        .replace('−', "-")
}

/// The certificate as `\begin{align*} … \end{align*}`.
pub fn chain(p: &Restricted, q: &Query, lp: &Lp, cert: &Certificate) -> String {
    let mut order: Vec<&(usize, BigRational)> = cert.weights.iter().collect();
    order.sort_by_key(|(i, _)| match lp.rows[*i].origin {
        Origin::Rate(..) => 0,
        Origin::Model(_) => 1,
        _ => 2,
    });
    let mut terms: BTreeMap<usize, BigRational> = BTreeMap::new();
    for (j, &c) in lp.objective.iter().enumerate() {
        if c != 0 {
            terms.insert(j, BigRational::from_integer(BigInt::from(c)));
        }
    }
    let mut constant = BigRational::zero();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "% itsa bound: {} — {} ≥ {}; h(A) stands for h(cl A) (A with everything it determines){}",
        p.model.title,
        q.objective_text,
        cert.bound,
        if lp.symmetry.contains("group of order") {
            " and h(σA) = h(A) for the symmetry group (averaging)"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "\\begin{{align*}}");
    let _ = write!(out, "  {}", expr(p, lp, &terms, &constant));
    for (k, (i, y)) in order.iter().enumerate() {
        let row = &lp.rows[*i];
        for &(j, c) in &row.coefs {
            let e = terms.entry(j).or_insert_with(BigRational::zero);
            *e -= y * BigRational::from_integer(BigInt::from(c));
            if e.is_zero() {
                terms.remove(&j);
            }
        }
        constant += y * BigRational::from_integer(BigInt::from(row.rhs));
        let rel = if row.equality { "=" } else { "\\ge" };
        let weight = if y.is_one() {
            String::new()
        } else {
            format!("\\times {}", frac(y))
        };
        let _ = write!(
            out,
            "{}&{rel} {} && {} {weight}",
            if k == 0 { " " } else { " \\\\\n  " },
            expr(p, lp, &terms, &constant),
            justification(p, lp, *i)
        );
    }
    let _ = writeln!(out, ".\n\\end{{align*}}");
    out
}
