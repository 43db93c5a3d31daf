//! Quantifier nests (`U1 in subsets(users, size >= U), U2 in subsets(U1, size >= U)`), their
//! enumeration (lexicographic DFS, lazily for `subsets(…)`) and counting, and comprehensions
//! over names (`X[k] for k in U1`, `sum(W[k] for k in U1)`, `Y[k]{U1} for k in U2`).

use super::sets::{err_at, eval, subsets_args, subsets_dfs, Env, Value};
use super::syntax::{nest_free_names, Binder, Expr, ExprKind, Parser, Quantifier};
use super::{formula, LangError};
use crate::scheme::{Name, Span};

fn bind(q: &Quantifier, env: &mut Env, v: Value) -> Result<(), LangError> {
    match &q.binder {
        Binder::Name(n) => env.push(n, v),
        Binder::Tuple(names) => match v {
            Value::Tuple(items) if items.len() == names.len() => {
                for (n, x) in names.iter().zip(items) {
                    env.push(n, x);
                }
            }
            other => {
                return Err(err_at(
                    &q.set,
                    env,
                    format!(
                        "`{}` takes apart {}-tuples, but the set has the element {other}",
                        binder_text(&q.binder),
                        names.len()
                    ),
                ))
            }
        },
    }
    Ok(())
}

fn binder_text(b: &Binder) -> String {
    match b {
        Binder::Name(n) => n.clone(),
        Binder::Tuple(v) => format!("({})", v.join(", ")),
    }
}

fn passes(q: &Quantifier, env: &Env) -> Result<bool, LangError> {
    for f in &q.filters {
        if !formula::eval_bool(f, env)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `subsets(…)` written directly as a quantifier range is enumerated without materialising it.
fn lazy_subsets(q: &Quantifier, env: &Env) -> bool {
    matches!(&q.set.kind, ExprKind::Call(f, _) if f == "subsets" && env.graph(f).is_none())
}

/// Call `f` once per assignment of the nest's variables, in lexicographic DFS order (outer
/// quantifiers vary slowest). The bindings are pushed onto `env` and popped afterwards.
pub fn for_each<E: From<LangError>>(
    qs: &[Quantifier],
    env: &mut Env,
    f: &mut dyn FnMut(&mut Env) -> Result<(), E>,
) -> Result<(), E> {
    let Some((q, rest)) = qs.split_first() else {
        return f(env);
    };
    let depth = env.depth();
    let mut visit = |env: &mut Env, v: Value| -> Result<(), E> {
        bind(q, env, v)?;
        let r = if passes(q, env)? {
            for_each(rest, env, f)
        } else {
            Ok(())
        };
        env.truncate(depth);
        r
    };
    if lazy_subsets(q, env) {
        let ExprKind::Call(_, args) = &q.set.kind else {
            unreachable!("checked by lazy_subsets")
        };
        let (base, lo, hi) = subsets_args(&q.set, args, env)?;
        let mut scratch = env.clone();
        subsets_dfs(&base, lo, hi, &mut |s| {
            visit(&mut scratch, Value::Set(s.to_vec()))
        })
    } else {
        let set = match eval(&q.set, env)? {
            Value::Set(v) => v,
            other => {
                return Err(err_at(
                    &q.set,
                    env,
                    format!(
                        "`{}` must range over a set, but this is {} ({other})",
                        binder_text(&q.binder),
                        other.kind()
                    ),
                )
                .into())
            }
        };
        for v in set {
            visit(env, v)?;
        }
        Ok(())
    }
}

/// The number of assignments of a nest: `value`, exact unless `exact` is false, in which case
/// the count exceeds the budget it was computed with and `value` is a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub value: u128,
    pub exact: bool,
}

/// Count the assignments of a nest without enumerating levels that later levels do not depend
/// on (their sizes multiply); dependent levels are enumerated, stopping once the count passes
/// `budget`.
pub fn count(qs: &[Quantifier], env: &mut Env, budget: u128) -> Result<Count, LangError> {
    let Some((q, rest)) = qs.split_first() else {
        return Ok(Count {
            value: 1,
            exact: true,
        });
    };
    let rest_names = nest_free_names(rest);
    let independent = q.filters.is_empty()
        && !q
            .binder
            .names()
            .iter()
            .any(|b| rest_names.iter().any(|(n, _)| n == b));
    if independent {
        let here = level_size(q, env)?;
        if here == 0 {
            return Ok(Count {
                value: 0,
                exact: true,
            });
        }
        let inner = count(rest, env, (budget / here).saturating_add(1))?;
        return Ok(Count {
            value: here.saturating_mul(inner.value),
            exact: inner.exact,
        });
    }
    let mut total = Count {
        value: 0,
        exact: true,
    };
    let depth = env.depth();
    let r = for_each(std::slice::from_ref(q), env, &mut |env| {
        let c = count(
            rest,
            env,
            budget.saturating_sub(total.value).saturating_add(1),
        )?;
        total.value = total.value.saturating_add(c.value);
        total.exact &= c.exact;
        if total.value > budget {
            total.exact = false;
            return Err(Stop::Over);
        }
        Ok(())
    });
    env.truncate(depth);
    match r {
        Ok(()) | Err(Stop::Over) => Ok(total),
        Err(Stop::Lang(e)) => Err(e),
    }
}

enum Stop {
    Over,
    Lang(LangError),
}

impl From<LangError> for Stop {
    fn from(e: LangError) -> Self {
        Stop::Lang(e)
    }
}

fn level_size(q: &Quantifier, env: &Env) -> Result<u128, LangError> {
    if lazy_subsets(q, env) {
        let ExprKind::Call(_, args) = &q.set.kind else {
            unreachable!()
        };
        let (base, lo, hi) = subsets_args(&q.set, args, env)?;
        if lo > hi {
            return Ok(0);
        }
        let n = base.len() as u64;
        return Ok(crate::subsets::count_subsets(
            n,
            lo as u64,
            (hi as u64).min(n),
        ));
    }
    match eval(&q.set, env)? {
        Value::Set(v) => Ok(v.len() as u128),
        other => Err(err_at(
            &q.set,
            env,
            format!(
                "a quantifier ranges over a set, but this is {}",
                other.kind()
            ),
        )),
    }
}

/// A name with index formulas: `X[k+1]`, `Z[j, k]`, `Y[k]{U1}`, `N{U1 \ {k}}`, `S`.
#[derive(Debug, Clone)]
pub struct NamePattern {
    pub base: String,
    pub base_span: Span,
    pub index: Vec<Expr>,
    /// The set group: one set-valued expression, or explicit elements.
    pub set: Option<Vec<Expr>>,
    pub span: Span,
}

impl NamePattern {
    /// The concrete name under the current bindings (tuple-valued indices are flattened).
    pub fn eval(&self, env: &Env) -> Result<Name, LangError> {
        let mut index = Vec::with_capacity(self.index.len());
        for e in &self.index {
            match &e.kind {
                ExprKind::Ident(n) if matches!(env.get(n), Some(Value::Tuple(_))) => {
                    let Some(Value::Tuple(t)) = env.get(n) else {
                        unreachable!()
                    };
                    for x in t {
                        index.push(as_index(e, env, x)?);
                    }
                }
                _ => index.push(as_index(e, env, &Value::Int(formula::eval_int(e, env)?))?),
            }
        }
        let set = match &self.set {
            None => None,
            Some(items) => {
                let mut out = Vec::new();
                for e in items {
                    match eval(e, env)? {
                        Value::Set(v) => {
                            for x in &v {
                                out.push(as_index(e, env, x)?);
                            }
                        }
                        x => out.push(as_index(e, env, &x)?),
                    }
                }
                Some(out)
            }
        };
        Ok(Name::new(&self.base, index, set))
    }
}

fn as_index(e: &Expr, env: &Env, v: &Value) -> Result<u32, LangError> {
    match v {
        Value::Int(i) if *i >= 0 && *i <= u32::MAX as i64 => Ok(*i as u32),
        other => Err(err_at(
            e,
            env,
            format!("an index of a name is a non-negative integer, found {other}"),
        )),
    }
}

/// One item of a view, target or condition: a name, or the sum of names (`sum(W[k] for …)`).
#[derive(Debug, Clone)]
pub enum Term {
    Name(NamePattern),
    Sum(NamePattern, Vec<Quantifier>),
}

/// What a comprehension produces per assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Name(Name),
    /// Σ of the names (their symbol-wise sum).
    Sum(Vec<Name>),
}

/// `TERM for QUANTIFIERS` or a single `TERM`.
#[derive(Debug, Clone)]
pub struct Comprehension {
    pub term: Term,
    pub quantifiers: Vec<Quantifier>,
    pub span: Span,
}

impl Comprehension {
    /// Call `f` with each part, in the order of the quantifiers.
    pub fn for_each(
        &self,
        env: &mut Env,
        f: &mut dyn FnMut(Part) -> Result<(), LangError>,
    ) -> Result<(), LangError> {
        let term = &self.term;
        for_each(&self.quantifiers, env, &mut |env| match term {
            Term::Name(p) => f(Part::Name(p.eval(env)?)),
            Term::Sum(p, qs) => {
                let mut names = Vec::new();
                for_each(qs, env, &mut |env| {
                    names.push(p.eval(env)?);
                    Ok::<(), LangError>(())
                })?;
                f(Part::Sum(names))
            }
        })
    }

    /// The name patterns used (for checking them against the roles).
    pub fn patterns(&self) -> Vec<&NamePattern> {
        match &self.term {
            Term::Name(p) | Term::Sum(p, _) => vec![p],
        }
    }

    /// Names the comprehension needs from outside (parameters, sets, outer variables).
    pub fn free_names(&self) -> Vec<(String, Span)> {
        let mut qs = self.quantifiers.clone();
        if let Term::Sum(_, inner) = &self.term {
            qs.extend(inner.iter().cloned());
        }
        let mut out = nest_free_names(&qs);
        let bound: Vec<String> = qs
            .iter()
            .flat_map(|q| q.binder.names().into_iter().map(String::from))
            .collect();
        for p in self.patterns() {
            for e in p.index.iter().chain(p.set.iter().flatten()) {
                for (n, s) in e.free_names() {
                    if !bound.contains(&n) && !out.iter().any(|(o, _)| *o == n) {
                        out.push((n, s));
                    }
                }
            }
        }
        out
    }
}

pub(crate) fn parse_name_pattern(p: &mut Parser) -> Result<NamePattern, LangError> {
    let start = p.here().start;
    let Some((base, base_span)) = p.ident() else {
        return Err(p.unexpected("a name such as `X[k]`"));
    };
    let mut index = Vec::new();
    if p.eat_op("[") && !p.eat_op("]") {
        loop {
            index.push(p.expr()?);
            if p.eat_op("]") {
                break;
            }
            p.expect_op(",")?;
        }
    }
    let mut set = None;
    if p.eat_op("{") {
        let mut items = Vec::new();
        if !p.eat_op("}") {
            loop {
                items.push(p.expr()?);
                if p.eat_op("}") {
                    break;
                }
                p.expect_op(",")?;
            }
        }
        set = Some(items);
    }
    Ok(NamePattern {
        base,
        base_span,
        index,
        set,
        span: Span::from(start..p.prev_end().max(start)),
    })
}

pub(crate) fn parse_comprehension(p: &mut Parser) -> Result<Comprehension, LangError> {
    let start = p.here().start;
    let term = if p.is_kw("sum") && matches!(p.peek_second(), Some(super::syntax::Tok::Op("("))) {
        p.ident();
        p.expect_op("(")?;
        let item = parse_name_pattern(p)?;
        let qs = if p.eat_kw("for") {
            p.quantifiers(&[")"])?
        } else {
            Vec::new()
        };
        p.expect_op(")")?;
        Term::Sum(item, qs)
    } else {
        Term::Name(parse_name_pattern(p)?)
    };
    let quantifiers = if p.eat_kw("for") {
        p.quantifiers(&[])?
    } else {
        Vec::new()
    };
    p.finish()?;
    Ok(Comprehension {
        term,
        quantifiers,
        span: Span::from(start..p.src.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse_comprehension_str, parse_quantifiers};

    fn env() -> Env {
        let mut e = Env::new();
        e.define("K", Value::Int(4));
        e.define("U", Value::Int(3));
        e.define("users", Value::int_set(&[1, 2, 3, 4]));
        e
    }

    fn assignments(src: &str) -> Vec<String> {
        let qs = parse_quantifiers(src).unwrap();
        let mut out = Vec::new();
        let mut e = env();
        for_each(&qs, &mut e, &mut |env| {
            out.push(env.bound_values());
            Ok::<(), LangError>(())
        })
        .unwrap();
        out
    }

    #[test]
    fn nests_enumerate_outer_slowest() {
        assert_eq!(
            assignments("k in 1..2, j in k..2"),
            ["k=1, j=1", "k=1, j=2", "k=2, j=2"]
        );
        assert_eq!(
            assignments("k in users if k > 2, C in subsets(users \\ {k}, size == 3)"),
            ["k=3, C={1,2,4}", "k=4, C={1,2,3}"]
        );
        assert_eq!(
            assignments("(v, u) in {1,2} x {5}"),
            ["v=1, u=5", "v=2, u=5"]
        );
        let sets = assignments("U1 in subsets(users, size >= U)");
        assert_eq!(
            sets,
            [
                "U1={1,2,3}",
                "U1={1,2,3,4}",
                "U1={1,2,4}",
                "U1={1,3,4}",
                "U1={2,3,4}"
            ]
        );
    }

    #[test]
    fn counts_without_enumerating_independent_levels() {
        let c = |src: &str, budget| {
            let qs = parse_quantifiers(src).unwrap();
            count(&qs, &mut env(), budget).unwrap()
        };
        let n = c(
            "U1 in subsets(users, size >= U), U2 in subsets(U1, size >= U)",
            1000,
        );
        // Four U1 of size 3 with one U2 each, and {1,2,3,4} with five.
        assert_eq!(
            n,
            Count {
                value: 4 + 5,
                exact: true
            }
        );
        assert_eq!(
            assignments("U1 in subsets(users, size >= U), U2 in subsets(U1, size >= U)").len(),
            9
        );
        let big = c(
            "T in subsets(1..60, size <= 30), U1 in subsets(1..60, size >= 30)",
            1000,
        );
        assert!(big.exact && big.value > 1u128 << 100, "{big:?}");
        let capped = c(
            "U1 in subsets(1..30, size >= 1), U2 in subsets(U1, size >= 1)",
            1000,
        );
        assert!(!capped.exact && capped.value > 1000);
        assert_eq!(c("k in users if k != 2", 100).value, 3);
    }

    #[test]
    fn comprehensions_make_names_and_sums() {
        let mut e = env();
        e.push("U1", Value::int_set(&[1, 2, 4]));
        let show = |src: &str, e: &mut Env| {
            let c = parse_comprehension_str(src).unwrap();
            let mut out = Vec::new();
            c.for_each(e, &mut |p| {
                out.push(match p {
                    Part::Name(n) => n.to_string(),
                    Part::Sum(v) => format!(
                        "Σ({})",
                        v.iter()
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join("+")
                    ),
                });
                Ok(())
            })
            .unwrap();
            out.join(" ")
        };
        assert_eq!(show("X[k] for k in U1", &mut e), "X[1] X[2] X[4]");
        assert_eq!(
            show("Y[k]{U1} for k in U1 if k != 2", &mut e),
            "Y[1]{1,2,4} Y[4]{1,2,4}"
        );
        assert_eq!(show("sum(W[k] for k in U1)", &mut e), "Σ(W[1]+W[2]+W[4])");
        assert_eq!(
            show("Z[j, k+1] for j in 1..2, k in j..2", &mut e),
            "Z[1,2] Z[1,3] Z[2,3]"
        );
        assert_eq!(show("N{U1 \\ {1}}", &mut e), "N{2,4}");
        assert_eq!(show("S", &mut e), "S");
        let c = parse_comprehension_str("Y[k]{U2} for k in U1").unwrap();
        let free: Vec<String> = c.free_names().into_iter().map(|(n, _)| n).collect();
        assert_eq!(free, ["U1", "U2"]);
    }
}
