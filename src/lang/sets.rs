//! Values, the evaluation environment, and set expressions.
//!
//! A set is a sorted, duplicate-free `Vec<Value>`; the order of [`Value`] is lexicographic, so
//! the subsets of a set come out in the same lexicographic DFS order as [`crate::subsets`]
//! ({1}, {1,2}, {1,2,3}, {1,3}, {2}, …), which keeps consecutive checks sharing prefixes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::syntax::{BinOp, Expr, ExprKind};
use super::{formula, LangError};

/// Largest set the evaluator materialises (quantifiers over `subsets(…)` enumerate lazily).
pub const MAX_SET: u128 = 5_000_000;

/// A value: an integer, a tuple (`(v, u)`), a set, or a truth value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Int(i64),
    Tuple(Vec<Value>),
    Set(Vec<Value>),
    Bool(bool),
}

impl Value {
    /// A set from any elements (sorted, deduplicated).
    pub fn set(mut v: Vec<Value>) -> Value {
        v.sort();
        v.dedup();
        Value::Set(v)
    }

    /// The set {1..n}-style value of integers.
    pub fn int_set(v: &[i64]) -> Value {
        Value::set(v.iter().map(|&i| Value::Int(i)).collect())
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_set(&self) -> Option<&[Value]> {
        match self {
            Value::Set(v) => Some(v),
            _ => None,
        }
    }

    /// The elements of a set of integers as `u32`s (for names and check labels), if it is one.
    pub fn as_u32_set(&self) -> Option<Vec<u32>> {
        self.as_set()?
            .iter()
            .map(|v| v.as_int().and_then(|i| u32::try_from(i).ok()))
            .collect()
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Value::Int(_) => "an integer",
            Value::Tuple(_) => "a tuple",
            Value::Set(_) => "a set",
            Value::Bool(_) => "a truth value",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, v: &[Value]| -> fmt::Result {
            for (i, x) in v.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write!(f, "{x}")?;
            }
            Ok(())
        };
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Tuple(v) => {
                f.write_str("(")?;
                list(f, v)?;
                f.write_str(")")
            }
            Value::Set(v) => {
                f.write_str("{")?;
                list(f, v)?;
                f.write_str("}")
            }
        }
    }
}

/// An undirected graph given by an edge list; `N(k)` is the open and `N[k]` the closed
/// neighbourhood of vertex `k`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    adj: BTreeMap<i64, BTreeSet<i64>>,
}

impl Graph {
    pub fn from_edges(edges: &[(i64, i64)]) -> Graph {
        let mut g = Graph::default();
        for &(a, b) in edges {
            g.adj.entry(a).or_default();
            g.adj.entry(b).or_default();
            if a != b {
                g.adj.entry(a).or_default().insert(b);
                g.adj.entry(b).or_default().insert(a);
            }
        }
        g
    }

    pub fn neighbours(&self, k: i64, closed: bool) -> Value {
        let mut v: Vec<Value> = self
            .adj
            .get(&k)
            .map(|s| s.iter().map(|&i| Value::Int(i)).collect())
            .unwrap_or_default();
        if closed {
            v.push(Value::Int(k));
        }
        Value::set(v)
    }

    pub fn vertices(&self) -> Value {
        Value::set(self.adj.keys().map(|&k| Value::Int(k)).collect())
    }
}

#[derive(Debug, Clone)]
struct Binding {
    name: String,
    value: Value,
    /// A quantifier variable (named in error messages as "at k=2, j=0").
    bound: bool,
}

/// Names in scope: parameters, named sets, graphs, and quantifier variables (a stack).
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Vec<Binding>,
    graphs: Vec<(String, Graph)>,
}

impl Env {
    pub fn new() -> Env {
        Env::default()
    }

    /// Define a parameter or a named set (shadows an earlier definition).
    pub fn define(&mut self, name: &str, value: Value) {
        self.vars.push(Binding {
            name: name.to_string(),
            value,
            bound: false,
        });
    }

    pub fn define_graph(&mut self, name: &str, g: Graph) {
        self.graphs.push((name.to_string(), g));
    }

    /// Bind a quantifier variable; undo with [`Env::pop`].
    pub fn push(&mut self, name: &str, value: Value) {
        self.vars.push(Binding {
            name: name.to_string(),
            value,
            bound: true,
        });
    }

    pub fn pop(&mut self) {
        self.vars.pop();
    }

    /// Number of bindings (for restoring with [`Env::truncate`]).
    pub fn depth(&self) -> usize {
        self.vars.len()
    }

    pub fn truncate(&mut self, depth: usize) {
        self.vars.truncate(depth);
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|b| b.name == name)
            .map(|b| &b.value)
    }

    pub fn graph(&self, name: &str) -> Option<&Graph> {
        self.graphs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, g)| g)
    }

    pub fn knows(&self, name: &str) -> bool {
        self.get(name).is_some() || self.graph(name).is_some()
    }

    /// The quantifier variables in scope, `k=2, j=0` (empty when none).
    pub fn bound_values(&self) -> String {
        let mut seen: Vec<&str> = Vec::new();
        let mut out: Vec<String> = Vec::new();
        for b in self.vars.iter().rev() {
            if b.bound && !seen.contains(&b.name.as_str()) {
                seen.push(&b.name);
                out.push(format!("{}={}", b.name, b.value));
            }
        }
        out.reverse();
        out.join(", ")
    }
}

/// Error at `e`, with the bound variables appended ("… at k=2, j=0").
pub(crate) fn err_at(e: &Expr, env: &Env, message: String) -> LangError {
    let at = env.bound_values();
    if at.is_empty() {
        LangError::new(e.span, message)
    } else {
        LangError::new(e.span, format!("{message} at {at}"))
    }
}

/// Evaluate any expression to a value.
pub fn eval(e: &Expr, env: &Env) -> Result<Value, LangError> {
    match &e.kind {
        ExprKind::Int(i) => Ok(Value::Int(*i)),
        ExprKind::Ident(n) => match env.get(n) {
            Some(v) => Ok(v.clone()),
            None if env.graph(n).is_some() => Ok(env.graph(n).expect("checked").vertices()),
            None => Err(LangError::new(e.span, format!("unknown name `{n}`"))),
        },
        ExprKind::Bin(op, a, b) => match op {
            BinOp::Range => {
                let (lo, hi) = (formula::eval_int(a, env)?, formula::eval_int(b, env)?);
                if hi >= lo && (hi as i128 - lo as i128) as u128 + 1 > MAX_SET {
                    return Err(err_at(
                        e,
                        env,
                        format!("the range {lo}..{hi} has more than {MAX_SET} elements"),
                    ));
                }
                Ok(Value::Set((lo..=hi).map(Value::Int).collect()))
            }
            BinOp::Diff | BinOp::Union | BinOp::Product => {
                let l = eval_set(a, env)?;
                let r = eval_set(b, env)?;
                match op {
                    BinOp::Diff => Ok(Value::Set(
                        l.into_iter()
                            .filter(|x| r.binary_search(x).is_err())
                            .collect(),
                    )),
                    BinOp::Union => {
                        let mut v = l;
                        v.extend(r);
                        Ok(Value::set(v))
                    }
                    _ => {
                        if (l.len() as u128) * (r.len() as u128) > MAX_SET {
                            return Err(err_at(
                                e,
                                env,
                                format!("the product has more than {MAX_SET} elements"),
                            ));
                        }
                        let mut v = Vec::with_capacity(l.len() * r.len());
                        for x in &l {
                            for y in &r {
                                let mut t = match x {
                                    Value::Tuple(t)
                                        if matches!(a.kind, ExprKind::Bin(BinOp::Product, ..)) =>
                                    {
                                        t.clone()
                                    }
                                    other => vec![other.clone()],
                                };
                                t.push(y.clone());
                                v.push(Value::Tuple(t));
                            }
                        }
                        Ok(Value::set(v))
                    }
                }
            }
            BinOp::Eq
            | BinOp::Ne
            | BinOp::Lt
            | BinOp::Le
            | BinOp::Gt
            | BinOp::Ge
            | BinOp::And
            | BinOp::Or
            | BinOp::In => Ok(Value::Bool(formula::eval_bool(e, env)?)),
            _ => Ok(Value::Int(formula::eval_int(e, env)?)),
        },
        ExprKind::Neg(_) => Ok(Value::Int(formula::eval_int(e, env)?)),
        ExprKind::Not(_) => Ok(Value::Bool(formula::eval_bool(e, env)?)),
        ExprKind::Tuple(items) => Ok(Value::Tuple(
            items
                .iter()
                .map(|x| eval(x, env))
                .collect::<Result<_, _>>()?,
        )),
        ExprKind::Set(items) => {
            let mut v = Vec::new();
            for x in items {
                if let ExprKind::Comp(item, qs) = &x.kind {
                    let mut env = env.clone();
                    super::quantifier::for_each(qs, &mut env, &mut |env| {
                        v.push(eval(item, env)?);
                        if v.len() as u128 > MAX_SET {
                            return Err(err_at(
                                x,
                                env,
                                format!("the set has more than {MAX_SET} elements"),
                            ));
                        }
                        Ok(())
                    })?;
                } else {
                    v.push(eval(x, env)?);
                }
            }
            Ok(Value::set(v))
        }
        ExprKind::Index(g, args) => match env.graph(g) {
            Some(graph) => {
                let [k] = args.as_slice() else {
                    return Err(err_at(e, env, format!("`{g}[k]` takes one vertex")));
                };
                Ok(graph.neighbours(formula::eval_int(k, env)?, true))
            }
            None => Err(LangError::new(
                e.span,
                format!("`{g}` is not a graph, so `{g}[…]` means nothing here"),
            )),
        },
        ExprKind::Call(f, args) => call(e, f, args, env),
        ExprKind::Comp(..) => Err(LangError::new(
            e.span,
            "a comprehension `… for …` must be inside `sum(…)`, `min(…)`, `max(…)` or `{…}`",
        )),
    }
}

fn call(e: &Expr, f: &str, args: &[Expr], env: &Env) -> Result<Value, LangError> {
    if let Some(g) = env.graph(f) {
        let [k] = args else {
            return Err(err_at(e, env, format!("`{f}(k)` takes one vertex")));
        };
        return Ok(g.neighbours(formula::eval_int(k, env)?, false));
    }
    match f {
        "subsets" => {
            let (base, lo, hi) = subsets_args(e, args, env)?;
            let n = base.len() as u64;
            let count = crate::subsets::count_subsets(n, lo as u64, hi.min(n as usize) as u64);
            if count > MAX_SET {
                return Err(err_at(
                    e,
                    env,
                    format!("`subsets(…)` has {count} elements, more than the {MAX_SET} a set may hold (quantify over it instead: `S in subsets(…)`)"),
                ));
            }
            let mut out = Vec::new();
            subsets_dfs(&base, lo, hi, &mut |s| {
                out.push(Value::Set(s.to_vec()));
                Ok::<(), LangError>(())
            })?;
            Ok(Value::Set(out))
        }
        "window" => {
            let [s, start, len] = args else {
                return Err(err_at(
                    e,
                    env,
                    "`window(S, start, len)` takes three arguments".into(),
                ));
            };
            let s = eval_set(s, env)?;
            let start = formula::eval_int(start, env)?;
            let len = formula::eval_int(len, env)?;
            if len < 0 || len as usize > s.len() {
                return Err(err_at(
                    e,
                    env,
                    format!(
                        "a window of length {len} does not fit in a set of {} elements",
                        s.len()
                    ),
                ));
            }
            let n = s.len() as i64;
            if n == 0 {
                return Ok(Value::Set(vec![]));
            }
            let v = (0..len)
                .map(|i| {
                    s[((start as i128 - 1 + i as i128).rem_euclid(n as i128)) as usize].clone()
                })
                .collect();
            Ok(Value::set(v))
        }
        _ if formula::is_function(f) => {
            if f == "sum" || f == "min" || f == "max" {
                // min/max over sets are integers too.
            }
            Ok(Value::Int(formula::eval_int(e, env)?))
        }
        _ => Err(LangError::new(
            e.span,
            format!(
                "unknown function or graph `{f}` (functions: {})",
                formula::FUNCTIONS.join(", ")
            ),
        )),
    }
}

/// Evaluate to a set, or fail naming what it is instead.
pub fn eval_set(e: &Expr, env: &Env) -> Result<Vec<Value>, LangError> {
    match eval(e, env)? {
        Value::Set(v) => Ok(v),
        other => Err(err_at(
            e,
            env,
            format!(
                "`{}` must be a set, but it is {}",
                short(e, env),
                other.kind()
            ),
        )),
    }
}

fn short(e: &Expr, _env: &Env) -> String {
    match &e.kind {
        ExprKind::Ident(n) => n.clone(),
        _ => "this".into(),
    }
}

/// `subsets(S, size >= a, size <= b, size == c)`: the base set and the size bounds.
pub(crate) fn subsets_args(
    e: &Expr,
    args: &[Expr],
    env: &Env,
) -> Result<(Vec<Value>, usize, usize), LangError> {
    let Some((base, conds)) = args.split_first() else {
        return Err(err_at(e, env, "`subsets(S, …)` needs a set".into()));
    };
    let base = eval_set(base, env)?;
    let (mut lo, mut hi) = (0i64, base.len() as i64);
    for c in conds {
        let bad = || {
            LangError::new(
                c.span,
                "a condition of `subsets` is `size >= a`, `size <= b`, `size == c` (or `>`, `<`)",
            )
        };
        let ExprKind::Bin(op, l, r) = &c.kind else {
            return Err(bad());
        };
        if !matches!(&l.kind, ExprKind::Ident(n) if n == "size") {
            return Err(bad());
        }
        let v = formula::eval_int(r, env)?;
        match op {
            BinOp::Ge => lo = lo.max(v),
            BinOp::Gt => lo = lo.max(v.saturating_add(1)),
            BinOp::Le => hi = hi.min(v),
            BinOp::Lt => hi = hi.min(v.saturating_sub(1)),
            BinOp::Eq => {
                lo = lo.max(v);
                hi = hi.min(v);
            }
            _ => return Err(bad()),
        }
    }
    let lo = lo.max(0) as usize;
    let hi = hi.max(-1);
    if hi < 0 || (hi as usize) < lo {
        // Empty: lo > hi.
        return Ok((base, 1, 0));
    }
    Ok((base, lo, hi as usize))
}

/// Lexicographic DFS over the subsets of `base` with size in `lo..=hi` (the order of
/// [`crate::subsets::subsets_of`]), without materialising them.
pub(crate) fn subsets_dfs<E>(
    base: &[Value],
    lo: usize,
    hi: usize,
    f: &mut dyn FnMut(&[Value]) -> Result<(), E>,
) -> Result<(), E> {
    if lo > hi {
        return Ok(());
    }
    let mut cur = Vec::new();
    if lo == 0 {
        f(&cur)?;
    }
    dfs(base, 0, lo.max(1), hi, &mut cur, f)
}

fn dfs<E>(
    u: &[Value],
    from: usize,
    lo: usize,
    hi: usize,
    cur: &mut Vec<Value>,
    f: &mut dyn FnMut(&[Value]) -> Result<(), E>,
) -> Result<(), E> {
    if cur.len() == hi {
        return Ok(());
    }
    for i in from..u.len() {
        if cur.len() + 1 + (u.len() - i - 1) < lo {
            break;
        }
        cur.push(u[i].clone());
        if cur.len() >= lo {
            f(cur)?;
        }
        dfs(u, i + 1, lo, hi, cur, f)?;
        cur.pop();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_expr;

    fn env() -> Env {
        let mut e = Env::new();
        e.define("K", Value::Int(4));
        e.define("users", Value::int_set(&[1, 2, 3, 4]));
        e.define_graph("N", Graph::from_edges(&[(1, 2), (2, 3), (3, 4), (4, 1)]));
        e
    }

    fn show(src: &str) -> String {
        eval(&parse_expr(src).unwrap(), &env()).unwrap().to_string()
    }

    #[test]
    fn set_expressions() {
        assert_eq!(show("1..K"), "{1,2,3,4}");
        assert_eq!(show("1..0"), "{}");
        assert_eq!(show("users \\ {2}"), "{1,3,4}");
        assert_eq!(show("{1, 2} union {4}"), "{1,2,4}");
        assert_eq!(show("{1,2} x {3}"), "{(1,3),(2,3)}");
        assert_eq!(show("{1} x {2} x {3}"), "{(1,2,3)}");
        assert_eq!(show("[[1,2],[2,3]]"), "{{1,2},{2,3}}");
        assert_eq!(
            show("subsets(1..3, size >= 2)"),
            "{{1,2},{1,2,3},{1,3},{2,3}}"
        );
        assert_eq!(show("subsets(1..3, size == 4)"), "{}");
        assert_eq!(show("N(1)"), "{2,4}");
        assert_eq!(show("N[1]"), "{1,2,4}");
        assert_eq!(show("window(users, 4, 2)"), "{1,4}");
        assert_eq!(show("window(users, 6, 3)"), "{2,3,4}");
        assert_eq!(show("{2*k for k in users if k != 3}"), "{2,4,8}");
        assert_eq!(show("size(users \\ {1})"), "3");
        assert_eq!(show("3 in users"), "true");
    }

    #[test]
    fn set_errors() {
        let err = |src: &str| eval(&parse_expr(src).unwrap(), &env()).unwrap_err().message;
        assert!(
            err("K \\ {1}").contains("must be a set"),
            "{}",
            err("K \\ {1}")
        );
        assert!(err("M(1)").contains("unknown function or graph `M`"));
        assert!(err("users[1]").contains("not a graph"));
        assert!(err("1..100000000").contains("more than"));
        assert!(err("subsets(1..40, size >= 2)").contains("quantify over it"));
        assert!(err("window(users, 1, 5)").contains("does not fit"));
    }

    #[test]
    fn dfs_order_matches_subsets_rs() {
        let base: Vec<Value> = (1..=5).map(Value::Int).collect();
        let mut got = Vec::new();
        subsets_dfs(&base, 2, 4, &mut |s| {
            got.push(Value::Set(s.to_vec()).as_u32_set().unwrap());
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(got, crate::subsets::subsets(5, 2, 4));
        // And the order of Value is that order.
        let mut sorted: Vec<Value> = got
            .iter()
            .map(|s| Value::int_set(&s.iter().map(|&i| i as i64).collect::<Vec<_>>()))
            .collect();
        let before = sorted.clone();
        sorted.sort();
        assert_eq!(sorted, before);
    }
}
