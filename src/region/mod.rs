//! Closed-form optimal rate regions (`itsa region`): the shared types.
//!
//! Each model's `region` function (in `src/models/<model>.rs`) returns a [`Region`]: either
//! *infeasible* with the reason, or a list of lower bounds on rates ([`Bound`]). Every claimed
//! value is an exact rational ([`BigRational`]). The only floating-point numbers anywhere are
//! the numeric values of `log p / log q` factors ([`LogFactor`]), which are always printed
//! symbolically first and marked as floating point.
//!
//! Submodules: [`catalog`] (which models exist and their parameters), [`render`] (text,
//! JSON, LaTeX of one evaluation), [`sweep`] (a parameter range, CSV), [`svg`] (a line plot
//! of a sweep), [`cli`] (the `itsa region` arguments).

pub mod achieved;
pub mod catalog;
pub mod render;
pub mod svg;
pub mod sweep;
pub mod threshold;

use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use serde::{Serialize, Serializer};
use thiserror::Error;

/// Where a region comes from.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Source {
    /// Authors, title and identifiers of the paper.
    pub paper: &'static str,
    /// `true` for the five seed papers of the project, `false` for results from outside them.
    pub in_seeds: bool,
    /// "seed 004" or "outside the seeds".
    pub origin: &'static str,
    /// Section of models.md with the formula.
    pub section: &'static str,
    /// How the formula was obtained: RESTORED, RECONSTRUCTED or recalled, per models.md.
    pub status: &'static str,
}

/// The factor `log p / log q` that converts a rate counted in F_p symbols into q-ary units.
///
/// It is irrational in general, so a bound carrying it keeps its rational part exact in
/// [`Bound::value`] and the factor symbolically here; [`LogFactor::approx`] is floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogFactor {
    pub p: u64,
    pub q: u64,
}

impl LogFactor {
    /// `log 13 / log 3`.
    pub fn symbolic(&self) -> String {
        format!("log {} / log {}", self.p, self.q)
    }

    /// `\frac{\log 13}{\log 3}`.
    pub fn latex(&self) -> String {
        format!("\\frac{{\\log {}}}{{\\log {}}}", self.p, self.q)
    }

    /// Floating-point value of the factor.
    pub fn approx(&self) -> f64 {
        (self.p as f64).ln() / (self.q as f64).ln()
    }
}

impl Serialize for LogFactor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json {
            symbolic: String,
            p: u64,
            q: u64,
            approx: f64,
            approx_is_floating_point: bool,
        }
        Json {
            symbolic: self.symbolic(),
            p: self.p,
            q: self.q,
            approx: self.approx(),
            approx_is_floating_point: true,
        }
        .serialize(s)
    }
}

/// Which branch of a `min{…}` / `max{…}` gives the bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Binding {
    /// The binding branch, e.g. `UV−1`; on a tie both, e.g. `U+V+T−2 = UV−1`.
    pub branch: String,
    /// Both branches have the same value.
    pub tie: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extremum {
    Min,
    Max,
}

/// `min` or `max` of two labelled branches, with the branch that binds.
pub fn pick(
    kind: Extremum,
    a: (&str, BigRational),
    b: (&str, BigRational),
) -> (BigRational, Binding) {
    if a.1 == b.1 {
        let branch = format!("{} = {}", a.0, b.0);
        return (a.1, Binding { branch, tie: true });
    }
    let a_wins = match kind {
        Extremum::Min => a.1 < b.1,
        Extremum::Max => a.1 > b.1,
    };
    let (label, value) = if a_wins { a } else { b };
    let binding = Binding {
        branch: label.to_string(),
        tie: false,
    };
    (value, binding)
}

/// A lower bound `name ≥ value` (times `factor` when present).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bound {
    /// Rate name as printed, e.g. `R2`, `R_ZΣ`.
    pub name: String,
    /// The same name in LaTeX, e.g. `R_2`, `R_{Z_\Sigma}`.
    pub latex_name: String,
    /// Exact value of the bound (its rational part when `factor` is present).
    #[serde(serialize_with = "ser_rational")]
    pub value: BigRational,
    /// The formula it came from, e.g. `1/(U−T)`.
    pub expression: String,
    /// The formula in LaTeX, e.g. `\frac{1}{U-T}`.
    pub latex: String,
    /// Paper and statement, e.g. `Zhao & Sun, Theorem 1`.
    pub reference: String,
    /// `log p / log q` multiplying `value`, for key rates measured in q-ary units.
    pub factor: Option<LogFactor>,
    /// For a bound that is a `min` or `max`: the branch that binds.
    pub binds: Option<Binding>,
    /// `value × factor` as a floating-point number (only when `factor` is present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approx: Option<f64>,
}

impl Bound {
    pub fn new(
        name: &str,
        latex_name: &str,
        value: BigRational,
        expression: &str,
        latex: &str,
        reference: &str,
    ) -> Bound {
        Bound {
            name: name.to_string(),
            latex_name: latex_name.to_string(),
            value,
            expression: expression.to_string(),
            latex: latex.to_string(),
            reference: reference.to_string(),
            factor: None,
            binds: None,
            approx: None,
        }
    }

    pub fn with_factor(mut self, f: LogFactor) -> Bound {
        self.approx = Some(to_f64(&self.value) * f.approx());
        self.factor = Some(f);
        self
    }

    pub fn with_binding(mut self, b: Binding) -> Bound {
        self.binds = Some(b);
        self
    }

    /// The exact value as printed: `3/2`, or `1/2 × log 13 / log 3` with a factor.
    pub fn exact(&self) -> String {
        match &self.factor {
            None => self.value.to_string(),
            Some(f) => format!("{} × {}", self.value, f.symbolic()),
        }
    }

    /// Compare an achieved rate with this bound. For a bound with a `factor`, `achieved` is
    /// the rational coefficient of the same factor (rates counted in F_p symbols).
    pub fn compare(&self, achieved: &BigRational) -> Status {
        if *achieved == self.value {
            Status::Optimal
        } else if *achieved > self.value {
            Status::Slack(achieved - &self.value)
        } else {
            Status::BelowConverse(&self.value - achieved)
        }
    }
}

/// An achieved rate against a bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Meets the bound exactly.
    Optimal,
    /// Above the bound by this much.
    Slack(BigRational),
    /// Below the bound by this much: the scheme, its spec or the formula is wrong.
    BelowConverse(BigRational),
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Optimal => write!(f, "optimal"),
            Status::Slack(d) => write!(f, "+{d}"),
            Status::BelowConverse(_) => write!(f, "BELOW THE CONVERSE"),
        }
    }
}

/// The answer of a model's `region` function.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Region {
    /// The region is `{ every rate ≥ its bound }`.
    Feasible {
        bounds: Vec<Bound>,
        /// A known achievable point, when the bounds are *not* known to be achievable
        /// (hierarchical with d = K); empty when the bounds are the optimal corner point.
        achievable: Vec<Bound>,
        notes: Vec<String>,
        /// Reasons to distrust the bounds; printed prominently.
        warnings: Vec<String>,
    },
    /// No scheme exists.
    Infeasible {
        reason: String,
        /// The condition that makes it infeasible, e.g. `U ≤ T`.
        condition: String,
        /// The same in LaTeX, e.g. `U \le T`.
        latex: String,
    },
}

impl Region {
    pub fn is_feasible(&self) -> bool {
        matches!(self, Region::Feasible { .. })
    }

    /// The bounds (empty when infeasible).
    pub fn bounds(&self) -> &[Bound] {
        match self {
            Region::Feasible { bounds, .. } => bounds,
            Region::Infeasible { .. } => &[],
        }
    }

    pub fn bound(&self, name: &str) -> Option<&Bound> {
        self.bounds().iter().find(|b| b.name == name)
    }

    pub fn warnings(&self) -> &[String] {
        match self {
            Region::Feasible { warnings, .. } => warnings,
            Region::Infeasible { .. } => &[],
        }
    }
}

/// A parameter combination the calculator cannot answer for, with a one-line reason.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegionError {
    /// A parameter outside the model's range.
    #[error("--{flag}: {reason}")]
    Parameter { flag: &'static str, reason: String },
    /// A required parameter was not given.
    #[error("missing --{flag} ({meaning})")]
    Missing {
        flag: &'static str,
        meaning: &'static str,
    },
    /// Bad usage: unknown model, malformed sweep, unwritable plot file, …
    #[error("{0}")]
    Usage(String),
}

impl RegionError {
    pub fn param(flag: &'static str, reason: impl Into<String>) -> RegionError {
        RegionError::Parameter {
            flag,
            reason: reason.into(),
        }
    }
}

/// Exact integer as a rational.
pub fn int(n: u64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

/// Exact `n / d` (d ≠ 0).
pub fn ratio(n: impl Into<BigInt>, d: impl Into<BigInt>) -> BigRational {
    let d = d.into();
    debug_assert!(!d.is_zero(), "ratio with zero denominator");
    BigRational::new(n.into(), d)
}

/// Floating-point value of a rational, for plots and `≈` columns only.
pub fn to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

/// `3/2` → `\frac{3}{2}`, `2` → `2`, `-1/2` → `-\frac{1}{2}`.
pub fn latex_rational(r: &BigRational) -> String {
    if r.is_integer() {
        return r.numer().to_string();
    }
    let sign = if r.numer() < &BigInt::zero() { "-" } else { "" };
    let n = r.numer().magnitude();
    format!("{sign}\\frac{{{n}}}{{{}}}", r.denom())
}

fn ser_rational<S: Serializer>(r: &BigRational, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(v: BigRational) -> Bound {
        Bound::new("R", "R", v, "x", "x", "test")
    }

    #[test]
    fn rationals_print_exactly() {
        assert_eq!(ratio(3, 2).to_string(), "3/2");
        assert_eq!(ratio(4, 2).to_string(), "2");
        assert_eq!(int(7).to_string(), "7");
        assert_eq!(latex_rational(&ratio(3, 2)), "\\frac{3}{2}");
        assert_eq!(latex_rational(&ratio(-1, 2)), "-\\frac{1}{2}");
        assert_eq!(latex_rational(&int(11)), "11");
    }

    #[test]
    fn pick_reports_the_binding_branch_and_ties() {
        let (v, bd) = pick(Extremum::Min, ("a", int(7)), ("b", int(11)));
        assert_eq!((v, bd.branch.as_str(), bd.tie), (int(7), "a", false));
        let (v, bd) = pick(Extremum::Min, ("a", int(14)), ("b", int(11)));
        assert_eq!((v, bd.branch.as_str(), bd.tie), (int(11), "b", false));
        let (v, bd) = pick(Extremum::Max, ("a", ratio(1, 2)), ("b", ratio(1, 4)));
        assert_eq!((v, bd.branch.as_str()), (ratio(1, 2), "a"));
        let (v, bd) = pick(Extremum::Max, ("a", int(3)), ("b", int(3)));
        assert_eq!((v, bd.branch.as_str(), bd.tie), (int(3), "a = b", true));
    }

    #[test]
    fn compare_classifies_achieved_rates() {
        let bound = b(ratio(1, 2));
        assert_eq!(bound.compare(&ratio(1, 2)), Status::Optimal);
        assert_eq!(bound.compare(&ratio(2, 4)), Status::Optimal);
        assert_eq!(bound.compare(&int(1)), Status::Slack(ratio(1, 2)));
        assert_eq!(
            bound.compare(&ratio(1, 3)),
            Status::BelowConverse(ratio(1, 6))
        );
        assert_eq!(Status::Slack(ratio(1, 2)).to_string(), "+1/2");
        assert_eq!(
            Status::BelowConverse(ratio(1, 6)).to_string(),
            "BELOW THE CONVERSE"
        );
    }

    #[test]
    fn factor_is_symbolic_and_numeric() {
        let f = LogFactor { p: 13, q: 3 };
        assert_eq!(f.symbolic(), "log 13 / log 3");
        assert!((f.approx() - 2.334_717_6).abs() < 1e-6);
        let bound = b(ratio(1, 2)).with_factor(f);
        assert_eq!(bound.exact(), "1/2 × log 13 / log 3");
        assert!((bound.approx.unwrap() - 1.167_358_8).abs() < 1e-6);
        let json = serde_json::to_value(&bound).unwrap();
        assert_eq!(json["value"], "1/2");
        assert_eq!(json["factor"]["symbolic"], "log 13 / log 3");
        assert_eq!(json["factor"]["approx_is_floating_point"], true);
    }
}
