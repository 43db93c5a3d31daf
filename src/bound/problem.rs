//! A generic entropy problem: named random variables with structured indices (the spec's
//! names, `W[1]`, `W[1,2]`, `Y[1]{1,2}`, `S{1,2}`), independence groups, functional
//! dependencies (locality), decodability and security conditions, normalisations, and rates
//! (R ≥ H(message) for every message the rate covers). Sets of variables are bitmasks
//! (bit i = variable i; at most 64 variables).
//!
//! Build one with [`Problem::builder`]; every model of [`super::models`] is such a builder
//! program, and a model declaration (families of decode / secure conditions over role
//! instances) maps onto the same calls. The indices carry the *index sets* they range over
//! (`user`, `server`, …): [`super::symmetry`] finds the permutations of each index set that
//! map the whole problem onto itself.
//!
//! Restriction keeps a subset of the variables. Every constraint is replaced by one the
//! kept variables still satisfy (a consequence of the original), or dropped, so the
//! restricted LP is a relaxation and its optimum is still a valid lower bound.

use num_rational::BigRational;

use super::BoundError;

/// A set of variables as a bitmask.
pub type Set = u64;

/// Most variables a problem may declare (bits of [`Set`]).
pub const MAX_PROBLEM_VARS: usize = 64;

/// One index of a variable: an element or a subset of a named index set.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ix {
    /// `W[3]`: element 3 of index set `set`.
    Elem { set: String, value: u32 },
    /// `Y[1]{1,2}`: the subset {1,2} of index set `set` (sorted, no repeats).
    Subset { set: String, members: Vec<u32> },
}

impl Ix {
    pub fn elem(set: &str, value: u32) -> Ix {
        Ix::Elem {
            set: set.into(),
            value,
        }
    }

    pub fn subset(set: &str, members: &[u32]) -> Ix {
        let mut m = members.to_vec();
        m.sort_unstable();
        m.dedup();
        Ix::Subset {
            set: set.into(),
            members: m,
        }
    }

    pub fn set_name(&self) -> &str {
        match self {
            Ix::Elem { set, .. } | Ix::Subset { set, .. } => set,
        }
    }
}

/// A random variable: family letter(s) and indices; `name` is the rendered spec name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Var {
    pub family: String,
    pub index: Vec<Ix>,
    pub name: String,
}

impl Var {
    pub fn new(family: &str, index: Vec<Ix>) -> Var {
        let name = render_name(family, &index);
        Var {
            family: family.into(),
            index,
            name,
        }
    }
}

/// `W` + [elem 1, elem 2] → `W[1,2]`; `Y` + [elem 1, subset {1,2}] → `Y[1]{1,2}`.
pub fn render_name(family: &str, index: &[Ix]) -> String {
    let mut s = family.to_string();
    let mut i = 0;
    while i < index.len() {
        match &index[i] {
            Ix::Elem { .. } => {
                let mut parts = vec![];
                while let Some(Ix::Elem { value, .. }) = index.get(i) {
                    parts.push(value.to_string());
                    i += 1;
                }
                s += &format!("[{}]", parts.join(","));
            }
            Ix::Subset { members, .. } => {
                let m: Vec<String> = members.iter().map(u32::to_string).collect();
                s += &format!("{{{}}}", m.join(","));
                i += 1;
            }
        }
    }
    s
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// H(∪ groups) = Σ H(group): the groups are mutually independent.
    Independent(Vec<Set>),
    /// H(target | given) = 0. `defining` marks the functions that define a variable
    /// (messages, keys, sums: locality); restriction may substitute a dropped variable by
    /// them. Decodability conditions are non-defining.
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
    /// Why the model imposes it, e.g. "message X[1] = f(W[1], Z[1])".
    pub why: String,
}

/// A rate: R ≥ H(s) for every set s (messages of one length are bounded by it).
#[derive(Clone, Debug)]
pub struct Rate {
    pub name: String,
    pub sets: Vec<Set>,
    /// The declared optimal value of this rate and the formula it came from.
    pub paper: Option<(BigRational, String)>,
}

/// An entropy problem at fixed parameters.
#[derive(Clone, Debug)]
pub struct Problem {
    /// e.g. "summation K=3".
    pub title: String,
    pub vars: Vec<Var>,
    pub constraints: Vec<Constraint>,
    pub rates: Vec<Rate>,
}

/// What to minimise: a sum of rates and joint entropies.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Rate(usize),
    Entropy(Set),
}

/// Builds a [`Problem`]; variables first (each returns its one-bit [`Set`]), then conditions.
#[derive(Debug)]
pub struct Builder {
    p: Problem,
    error: Option<BoundError>,
}

impl Builder {
    /// Declare a variable, e.g. `var("Y", vec![Ix::elem("user", 1), Ix::subset("user", &[1, 2])])`
    /// for `Y[1]{1,2}`. Returns its one-variable set (0 past 64 variables: `build` then fails).
    pub fn var(&mut self, family: &str, index: Vec<Ix>) -> Set {
        let v = Var::new(family, index);
        if self.p.vars.iter().any(|w| w.name == v.name) {
            self.error.get_or_insert(BoundError::Usage(format!(
                "variable {} declared twice",
                v.name
            )));
            return 0;
        }
        if self.p.vars.len() >= MAX_PROBLEM_VARS {
            self.error.get_or_insert(BoundError::TooLarge {
                what: format!(
                    "{} declares more than {MAX_PROBLEM_VARS} random variables",
                    self.p.title
                ),
            });
            return 0;
        }
        self.p.vars.push(v);
        1 << (self.p.vars.len() - 1)
    }

    fn add(&mut self, kind: Kind, why: impl Into<String>) -> &mut Self {
        self.p.constraints.push(Constraint {
            kind,
            why: why.into(),
        });
        self
    }

    /// The groups are mutually independent: H(∪ g) = Σ H(g).
    pub fn independent(&mut self, groups: &[Set], why: impl Into<String>) -> &mut Self {
        self.add(Kind::Independent(groups.to_vec()), why)
    }

    /// Locality: `target` is a function of `given` (defines it; restriction may substitute).
    pub fn function(&mut self, target: Set, given: Set, why: impl Into<String>) -> &mut Self {
        self.add(
            Kind::Function {
                target,
                given,
                defining: true,
            },
            why,
        )
    }

    /// Decodability: H(target | view) = 0.
    pub fn decodes(&mut self, view: Set, target: Set, why: impl Into<String>) -> &mut Self {
        self.add(
            Kind::Function {
                target,
                given: view,
                defining: false,
            },
            why,
        )
    }

    /// Security: I(inputs ; view | given) = 0 (what the view may reveal is in `given`).
    pub fn secure(
        &mut self,
        inputs: Set,
        view: Set,
        given: Set,
        why: impl Into<String>,
    ) -> &mut Self {
        self.add(
            Kind::Secret {
                a: inputs,
                b: view,
                c: given,
            },
            why,
        )
    }

    /// H(set) = value (units of one input symbol).
    pub fn entropy(&mut self, set: Set, value: i64, why: impl Into<String>) -> &mut Self {
        self.add(Kind::Norm { set, value }, why)
    }

    /// `s` is the sum of the inputs `w` over a field with uniform inputs: a function of them,
    /// uniform (H = 1), and with all inputs but one it determines the remaining one.
    pub fn sum(&mut self, s: Set, w: &[Set]) -> &mut Self {
        let all = w.iter().fold(0, |a, x| a | x);
        self.function(s, all, "the sum is a function of its inputs");
        self.entropy(s, 1, "the sum is uniform");
        for &wk in w {
            self.add(
                Kind::Function {
                    target: wk,
                    given: s | (all & !wk),
                    defining: false,
                },
                "the sum and the other inputs determine an input",
            );
        }
        self
    }

    /// A rate R ≥ H(m) for every m in `messages`, with its declared value if known.
    pub fn rate(
        &mut self,
        name: &str,
        messages: Vec<Set>,
        declared: Option<(BigRational, String)>,
    ) -> &mut Self {
        self.p.rates.push(Rate {
            name: name.into(),
            sets: messages,
            paper: declared,
        });
        self
    }

    pub fn build(self) -> Result<Problem, BoundError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.p),
        }
    }
}

impl Problem {
    pub fn builder(title: impl Into<String>) -> Builder {
        Builder {
            p: Problem {
                title: title.into(),
                vars: vec![],
                constraints: vec![],
                rates: vec![],
            },
            error: None,
        }
    }

    pub fn var(&self, name: &str) -> Option<usize> {
        self.vars.iter().position(|v| v.name == name)
    }

    pub fn all(&self) -> Set {
        if self.vars.len() >= 64 {
            u64::MAX
        } else {
            (1u64 << self.vars.len()) - 1
        }
    }

    /// Parse a comma-separated list of variable names (commas inside `[..]` and `{..}`
    /// belong to the name) into a set.
    pub fn parse_set(&self, list: &str) -> Result<Set, BoundError> {
        let mut s = 0;
        for name in split_top(list, ',')
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
        {
            let i = self.var(name).ok_or_else(|| BoundError::UnknownVariable {
                name: name.to_string(),
                known: self.var_names().join(", "),
            })?;
            s |= 1 << i;
        }
        if s == 0 {
            return Err(BoundError::Usage(format!("empty variable list '{list}'")));
        }
        Ok(s)
    }

    /// `R2`, `Z[1],Z[2],Z[3]`, or a sum of those with `+`.
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

    pub fn var_names(&self) -> Vec<String> {
        self.vars.iter().map(|v| v.name.clone()).collect()
    }

    /// Names of the variables in a set, comma-separated.
    pub fn names(&self, s: Set) -> String {
        names(&self.var_names(), s)
    }

    /// The problem on the kept variables only (see the module comment).
    pub fn restrict(&self, keep: Set) -> Restricted {
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
        Restricted {
            dropped_constraints: self.constraints.len() - constraints.len(),
            model: Problem {
                title: self.title.clone(),
                vars: self.vars.clone(),
                constraints,
                rates,
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

/// A problem restricted to the kept variables: what the LP is built from.
#[derive(Clone, Debug)]
pub struct Restricted {
    pub model: Problem,
    pub keep: Set,
    /// Problem constraints with no consequence on the kept variables.
    pub dropped_constraints: usize,
}

impl Restricted {
    /// The kept variables, in declaration order.
    pub fn kept(&self) -> Vec<usize> {
        (0..self.model.vars.len())
            .filter(|&i| self.keep >> i & 1 == 1)
            .collect()
    }
}

/// Split at `sep` outside brackets and braces.
pub fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = vec![];
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

pub fn names(vars: &[String], s: Set) -> String {
    (0..vars.len())
        .filter(|&i| s >> i & 1 == 1)
        .map(|i| vars[i].as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The constraint in entropy notation, e.g. `I(W[1],W[2] ; X[1] | S) = 0`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec_style() {
        assert_eq!(render_name("W", &[Ix::elem("user", 3)]), "W[3]");
        assert_eq!(
            render_name("W", &[Ix::elem("server", 1), Ix::elem("user", 2)]),
            "W[1,2]"
        );
        assert_eq!(
            render_name("Y", &[Ix::elem("user", 1), Ix::subset("user", &[2, 1])]),
            "Y[1]{1,2}"
        );
        assert_eq!(render_name("S", &[]), "S");
        assert_eq!(
            split_top("W[1,2],Y[1]{1,2}, S", ','),
            vec!["W[1,2]", "Y[1]{1,2}", " S"]
        );
    }

    #[test]
    fn builder_refuses_duplicates() {
        let mut b = Problem::builder("t");
        b.var("W", vec![Ix::elem("user", 1)]);
        b.var("W", vec![Ix::elem("user", 1)]);
        assert!(b.build().is_err());
    }
}
