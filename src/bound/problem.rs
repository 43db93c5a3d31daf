//! An entropy problem: named random variables, the model's constraints on their entropies,
//! and rates (R ≥ H(message) for every message the rate covers). Sets of variables are
//! bitmasks (bit i = variable i).
//!
//! Restriction keeps a subset of the variables. Every constraint is replaced by one the
//! kept variables still satisfy (a consequence of the original), or dropped, so the
//! restricted LP is a relaxation and its optimum is still a valid lower bound.

use num_rational::BigRational;

use super::BoundError;

/// A set of variables as a bitmask.
pub type Set = u64;

/// Most variables an LP may have: 2^n − 1 entropy columns.
pub const MAX_LP_VARS: usize = 16;

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// H(∪ groups) = Σ H(group): the groups are mutually independent.
    Independent(Vec<Set>),
    /// H(target | given) = 0. `defining` marks the functions that define a variable
    /// (messages, keys, sums); restriction may substitute a dropped variable by them.
    Function {
        target: Set,
        given: Set,
        defining: bool,
    },
    /// I(a; b | c) = 0.
    Secret { a: Set, b: Set, c: Set },
    /// H(set) = value (in units of one input).
    Norm { set: Set, value: i64 },
}

#[derive(Clone, Debug)]
pub struct Constraint {
    pub kind: Kind,
    /// Why the model imposes it, e.g. "message X1 = f(W1, Z1)".
    pub why: String,
}

/// A rate: R ≥ H(s) for every set s (messages of one length are bounded by it).
#[derive(Clone, Debug)]
pub struct Rate {
    pub name: String,
    pub sets: Vec<Set>,
    /// The paper's optimal value of this rate and the formula it came from.
    pub paper: Option<(BigRational, String)>,
}

/// A model instance at fixed parameters.
#[derive(Clone, Debug)]
pub struct Model {
    /// e.g. "summation K=3".
    pub title: String,
    pub vars: Vec<String>,
    pub constraints: Vec<Constraint>,
    pub rates: Vec<Rate>,
    /// Generators of the user permutations (as variable permutations) the model allows.
    pub symmetries: Vec<Vec<usize>>,
}

/// What to minimise: a sum of rates and joint entropies.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Rate(usize),
    Entropy(Set),
}

impl Model {
    pub fn var(&self, name: &str) -> Option<usize> {
        self.vars.iter().position(|v| v == name)
    }

    /// Parse a comma-separated list of variable names into a set.
    pub fn parse_set(&self, list: &str) -> Result<Set, BoundError> {
        let mut s = 0;
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let i = self.var(name).ok_or_else(|| BoundError::UnknownVariable {
                name: name.to_string(),
                known: self.vars.join(", "),
            })?;
            s |= 1 << i;
        }
        if s == 0 {
            return Err(BoundError::Usage(format!("empty variable list '{list}'")));
        }
        Ok(s)
    }

    /// `R2`, `Z1,Z2,Z3`, or a sum of those with `+`.
    pub fn parse_objective(&self, text: &str) -> Result<Vec<Term>, BoundError> {
        text.split('+')
            .map(|part| {
                let part = part.trim();
                match self.rates.iter().position(|r| r.name == part) {
                    Some(r) => Ok(Term::Rate(r)),
                    None => self.parse_set(part).map(Term::Entropy),
                }
            })
            .collect()
    }

    /// Names of the variables in a set, comma-separated.
    pub fn names(&self, s: Set) -> String {
        names(&self.vars, s)
    }

    /// The problem on the kept variables only (see the module comment).
    pub fn restrict(&self, keep: Set) -> Problem {
        let mut constraints = Vec::new();
        for c in &self.constraints {
            if let Some(kind) = self.project(&c.kind, keep) {
                let projected = kind != c.kind;
                constraints.push(Constraint {
                    kind,
                    why: if projected {
                        format!("{}; implied on the kept variables", c.why)
                    } else {
                        c.why.clone()
                    },
                });
            }
        }
        let rates = self
            .rates
            .iter()
            .map(|r| Rate {
                name: r.name.clone(),
                sets: r.sets.iter().copied().filter(|&s| s & !keep == 0).collect(),
                paper: r.paper.clone(),
            })
            .collect();
        Problem {
            dropped_constraints: self.constraints.len() - constraints.len(),
            model: Model {
                title: self.title.clone(),
                vars: self.vars.clone(),
                constraints,
                rates,
                symmetries: self.symmetries.clone(),
            },
            keep,
        }
    }

    fn project(&self, kind: &Kind, keep: Set) -> Option<Kind> {
        match kind {
            Kind::Independent(groups) => {
                let g: Vec<Set> = groups
                    .iter()
                    .map(|g| g & keep)
                    .filter(|&g| g != 0)
                    .collect();
                // Independence of sub-collections follows from that of the whole.
                (g.len() >= 2).then_some(Kind::Independent(g))
            }
            Kind::Function {
                target,
                given,
                defining,
            } => {
                let t = target & keep;
                let g = self.resolve(*given, keep, 0)?;
                // H(t | g') = 0 when g' determines every dropped variable of `given`.
                (t & !g != 0).then_some(Kind::Function {
                    target: t,
                    given: g,
                    defining: *defining,
                })
            }
            Kind::Secret { a, b, c } => {
                // I(a'; b' | c) ≤ I(a; b | c) for a' ⊆ a, b' ⊆ b; the condition must stay whole.
                let (a, b) = (a & keep, b & keep);
                (c & !keep == 0 && a != 0 && b != 0).then_some(Kind::Secret { a, b, c: *c })
            }
            Kind::Norm { set, .. } => (set & !keep == 0).then_some(kind.clone()),
        }
    }

    /// A set of kept variables that determines every variable of `s`, substituting each
    /// dropped one by the inputs of a defining function (recursively, a few levels).
    fn resolve(&self, s: Set, keep: Set, depth: usize) -> Option<Set> {
        let mut out = s & keep;
        let mut missing = s & !keep;
        while missing != 0 {
            let v = missing & missing.wrapping_neg();
            missing &= !v;
            if depth >= 4 {
                return None;
            }
            let by = self.constraints.iter().find_map(|c| match c.kind {
                Kind::Function {
                    target,
                    given,
                    defining: true,
                } if target & v != 0 => self.resolve(given, keep, depth + 1),
                _ => None,
            })?;
            out |= by;
        }
        Some(out)
    }
}

/// A model restricted to the kept variables: what the LP is built from.
#[derive(Clone, Debug)]
pub struct Problem {
    pub model: Model,
    pub keep: Set,
    /// Model constraints with no consequence on the kept variables.
    pub dropped_constraints: usize,
}

impl Problem {
    /// The kept variables, in model order.
    pub fn kept(&self) -> Vec<usize> {
        (0..self.model.vars.len())
            .filter(|&i| self.keep >> i & 1 == 1)
            .collect()
    }
}

pub fn names(vars: &[String], s: Set) -> String {
    (0..vars.len())
        .filter(|&i| s >> i & 1 == 1)
        .map(|i| vars[i].as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The constraint in entropy notation, e.g. `I(W1,W2 ; X1 | S) = 0`.
pub fn render(vars: &[String], kind: &Kind) -> String {
    let n = |s| names(vars, s);
    match kind {
        Kind::Independent(groups) => {
            let all = groups.iter().fold(0, |a, g| a | g);
            let parts: Vec<String> = groups.iter().map(|&g| format!("H({})", n(g))).collect();
            format!("H({}) = {}", n(all), parts.join(" + "))
        }
        Kind::Function { target, given, .. } => format!("H({} | {}) = 0", n(*target), n(*given)),
        Kind::Secret { a, b, c } if *c == 0 => format!("I({} ; {}) = 0", n(*a), n(*b)),
        Kind::Secret { a, b, c } => format!("I({} ; {} | {}) = 0", n(*a), n(*b), n(*c)),
        Kind::Norm { set, value } => format!("H({}) = {value}", n(*set)),
    }
}
