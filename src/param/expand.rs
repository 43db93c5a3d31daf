//! Expansion of a parametric spec at one point into flat spec text.
//!
//! Order of evaluation: `[params]` (integers or formulas of the model's parameter symbols,
//! `--set`/`--grid` values first), `[let]` (derived values), `prime` and `input-length`,
//! `[matrices]`, then the declarations (`inputs`, `[randomness]`, the names of `[variables]`)
//! and last the expressions, so a reference to an undeclared name is caught here, located at
//! the reference, with the index values bound there.

use std::collections::HashMap;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::expr::{self, Coef, Factor, PExpr};
use super::matrix::{Matrix, MatrixError};
use crate::construct::SpecText;
use crate::field::{is_prime, Field, MAX_PRIME};
use crate::lang::{self, formula, quantifier, sets, Env, Expr, ExprKind, LangError, Value};
use crate::scheme::spec::{content_start, integer_literal, key_content_start, located, value_kind};
use crate::scheme::{Name, Origin, SpecError};

type Key<'a> = Spanned<std::borrow::Cow<'a, str>>;
type Val<'a> = Spanned<DeValue<'a>>;

/// Top-level keys of a parametric spec (a flat spec's plus `let` and `matrices`).
const TOP_KEYS: &[&str] = &[
    "title",
    "reference",
    "description",
    "model",
    "prime",
    "input-length",
    "inputs",
    "params",
    "let",
    "matrices",
    "roles",
    "randomness",
    "variables",
    "expect",
    "graphs",
];

/// Most names one instance may declare, and most terms its expressions may expand to: an
/// instance beyond them could never be verified, and enumerating it must not hang.
pub const MAX_NAMES: usize = 500_000;
pub const MAX_TERMS: usize = 20_000_000;

/// A parameter of a parametric spec, with the value it has at the current point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamInfo {
    /// The name in `[params]` (e.g. `min-survivors`) or in `[let]`.
    pub name: String,
    /// The model's symbol (e.g. `U`), when it is an identifier.
    pub symbol: Option<String>,
    pub value: i64,
    /// A model parameter (`[params]`) rather than a derived value (`[let]`).
    pub model_param: bool,
}

impl ParamInfo {
    /// The name formulas and `--set` use: the symbol when there is one.
    pub fn label(&self) -> &str {
        self.symbol.as_deref().unwrap_or(&self.name)
    }
}

/// The flat spec text of one instance.
#[derive(Debug, Clone)]
pub struct Expansion {
    pub text: String,
    /// Per line of `text` (0-based), the offset in the parametric source it came from.
    pub origins: Vec<Option<usize>>,
    /// Random matrices and their seeds.
    pub notes: Vec<String>,
    /// The parameter values of this instance (`K=4`, …), model parameters first.
    pub point: Vec<(String, i64)>,
}

/// Does this text use parametric features (loops, formulas, sums, `[matrices]`, `[let]`,
/// formula-valued parameters)? A spec that does not is read by the flat reader unchanged.
pub fn is_parametric(text: &str) -> bool {
    let Ok(doc) = DeTable::parse(text) else {
        return false;
    };
    let doc = doc.get_ref();
    let has_for = |s: &str| expr::find_for(s).is_some() || s.contains("sum(");
    let strings_in = |v: &Val, f: &dyn Fn(&str) -> bool| -> bool {
        match v.get_ref() {
            DeValue::String(s) => f(s),
            DeValue::Array(a) => a.iter().any(|x| x.get_ref().as_str().is_some_and(f)),
            _ => false,
        }
    };
    for (k, v) in doc.iter() {
        match k.get_ref().as_ref() {
            "let" | "matrices" => return true,
            // A graph given by a formula (`N = "{(k, mod(k, K) + 1) for k in 1..K}"`).
            "graphs" => {
                if let DeValue::Table(t) = v.get_ref() {
                    if t.iter().any(|(_, gv)| gv.get_ref().as_str().is_some()) {
                        return true;
                    }
                }
            }
            "prime" | "input-length" if v.get_ref().as_str().is_some() => return true,
            "inputs" if strings_in(v, &has_for) => return true,
            "params" | "randomness" | "variables" => {
                let DeValue::Table(t) = v.get_ref() else {
                    continue;
                };
                for (tk, tv) in t.iter() {
                    let section = k.get_ref().as_ref();
                    if section == "params" && tv.get_ref().as_str().is_some() {
                        return true;
                    }
                    if section == "randomness" && tv.get_ref().as_str().is_some() {
                        return true;
                    }
                    if expr::find_for(tk.get_ref()).is_some() {
                        return true;
                    }
                    if section == "variables" && strings_in(tv, &has_for) {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

struct Ctx<'t> {
    text: &'t str,
    origin: Origin,
}

impl Ctx<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> SpecError {
        located(&self.origin, offset, message.into())
    }

    /// A language error in the string value `v` (whose content is `s`).
    fn in_value(&self, v: &Val, s: &str, e: LangError) -> SpecError {
        let e = e.in_source(s);
        let at = content_start(self.text, v.span(), s).map_or(v.span().start, |b| b + e.span.start);
        self.err(at, e.message)
    }

    /// A language error in a (quoted or bare) key.
    fn in_key(&self, k: &Key, e: LangError) -> SpecError {
        let e = e.in_source(k.get_ref());
        self.err(key_content_start(self.text, k) + e.span.start, e.message)
    }

    fn value_at(&self, v: &Val, s: &str) -> usize {
        content_start(self.text, v.span(), s).unwrap_or(v.span().start)
    }

    /// An integer, or a string formula evaluated to an integer.
    fn int(&self, v: &Val, env: &Env, what: &str) -> Result<i64, SpecError> {
        match v.get_ref() {
            DeValue::Integer(i) => integer_literal(i)
                .ok_or_else(|| self.err(v.span().start, format!("{what} is out of range"))),
            DeValue::String(s) => {
                // A string here is a formula; say so, since a flat spec wants an integer.
                let hint = |mut e: LangError| {
                    e.message = format!(
                        "{what} must be an integer or a formula of the parameters: {}",
                        e.message
                    );
                    e
                };
                let e = lang::parse_expr(s).map_err(|e| self.in_value(v, s, hint(e)))?;
                formula::eval_int(&e, env).map_err(|e| self.in_value(v, s, hint(e)))
            }
            other => Err(self.err(
                v.span().start,
                format!(
                    "{what} must be an integer or a formula string, found {}",
                    value_kind(other)
                ),
            )),
        }
    }

    fn raw(&self, span: std::ops::Range<usize>) -> &str {
        &self.text[span]
    }
}

/// An error inside a quantifier loop: from the language (the quantifiers' own string, located
/// by the caller) or already located.
enum Fail {
    Lang(LangError),
    Spec(SpecError),
}

impl From<LangError> for Fail {
    fn from(e: LangError) -> Self {
        Fail::Lang(e)
    }
}

impl From<SpecError> for Fail {
    fn from(e: SpecError) -> Self {
        Fail::Spec(e)
    }
}

/// Locate a loop's language errors with `at`.
fn lift<T>(r: Result<T, Fail>, at: impl FnOnce(LangError) -> SpecError) -> Result<T, SpecError> {
    r.map_err(|f| match f {
        Fail::Lang(e) => at(e),
        Fail::Spec(e) => e,
    })
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(ch) if ch.is_alphabetic() || ch == '_')
        && c.all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '\'')
}

fn table<'a>(
    ctx: &Ctx,
    v: &'a Val<'a>,
    what: &str,
) -> Result<Vec<(&'a Key<'a>, &'a Val<'a>)>, SpecError> {
    match v.get_ref() {
        DeValue::Table(t) => Ok(t.iter().collect()),
        other => Err(ctx.err(
            v.span().start,
            format!("`{what}` must be a table, found {}", value_kind(other)),
        )),
    }
}

/// The parsed document's top-level entries by name.
struct Doc<'a> {
    entries: Vec<(&'a Key<'a>, &'a Val<'a>)>,
}

impl<'a> Doc<'a> {
    fn get(&self, k: &str) -> Option<&'a Val<'a>> {
        self.entries
            .iter()
            .find(|(key, _)| key.get_ref() == k)
            .map(|(_, v)| *v)
    }
}

/// Evaluate the parameters: `[params]` then `[let]`, `overrides` replacing written values.
fn eval_params(
    ctx: &Ctx,
    doc: &Doc,
    overrides: &[(String, i64)],
) -> Result<(Env, Vec<ParamInfo>), SpecError> {
    let model = doc
        .get("model")
        .and_then(|v| v.get_ref().as_str())
        .unwrap_or("");
    let symbols = crate::models::param_symbols(model).unwrap_or_default();
    let symbol_of = |name: &str| {
        symbols
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, s, _)| s.to_string())
            .filter(|s| is_ident(s))
    };
    struct Pending<'a> {
        info: ParamInfo,
        value: Option<&'a Val<'a>>,
    }
    let mut pending: Vec<Pending> = Vec::new();
    if let Some(v) = doc.get("params") {
        for (k, val) in table(ctx, v, "params")? {
            pending.push(Pending {
                info: ParamInfo {
                    name: k.get_ref().to_string(),
                    symbol: symbol_of(k.get_ref()),
                    value: 0,
                    model_param: true,
                },
                value: Some(val),
            });
        }
    }
    // A model parameter with a default may be set without appearing in [params].
    for (name, value) in overrides {
        let known = pending
            .iter()
            .any(|p| p.info.name == *name || p.info.symbol.as_deref() == Some(name.as_str()));
        if !known {
            if let Some((n, s, _)) = symbols.iter().find(|(n, s, _)| n == name || s == name) {
                pending.push(Pending {
                    info: ParamInfo {
                        name: n.to_string(),
                        symbol: Some(s.to_string()).filter(|s| is_ident(s)),
                        value: *value,
                        model_param: true,
                    },
                    value: None,
                });
            }
        }
    }
    let n_model = pending.len();
    if let Some(v) = doc.get("let") {
        for (k, val) in table(ctx, v, "let")? {
            if !is_ident(k.get_ref()) {
                return Err(ctx.err(
                    key_content_start(ctx.text, k),
                    format!(
                        "`{}` is not a name formulas can use (letters, digits, `_`)",
                        k.get_ref()
                    ),
                ));
            }
            pending.push(Pending {
                info: ParamInfo {
                    name: k.get_ref().to_string(),
                    symbol: None,
                    value: 0,
                    model_param: false,
                },
                value: Some(val),
            });
        }
    }
    for (name, _) in overrides {
        if !pending
            .iter()
            .any(|p| p.info.name == *name || p.info.symbol.as_deref() == Some(name.as_str()))
        {
            let known: Vec<String> = pending
                .iter()
                .map(|p| match &p.info.symbol {
                    Some(s) => format!("{s} ({})", p.info.name),
                    None => p.info.name.clone(),
                })
                .collect();
            return Err(SpecError::File {
                path: ctx.origin.path.clone(),
                message: format!(
                    "the spec has no parameter `{name}`; its parameters: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            });
        }
    }
    let mut env = Env::new();
    let bind = |env: &mut Env, info: &ParamInfo| {
        if let Some(s) = &info.symbol {
            env.define(s, Value::Int(info.value));
        }
        if is_ident(&info.name) {
            env.define(&info.name, Value::Int(info.value));
        }
    };
    let mut done = vec![false; pending.len()];
    for (i, p) in pending.iter_mut().enumerate() {
        let over = overrides
            .iter()
            .find(|(n, _)| *n == p.info.name || p.info.symbol.as_deref() == Some(n.as_str()));
        if let Some((_, v)) = over {
            p.info.value = *v;
            done[i] = true;
        } else if let Some(v) = p.value {
            if let DeValue::Integer(_) = v.get_ref() {
                p.info.value = ctx.int(v, &env, &format!("parameter `{}`", p.info.name))?;
                done[i] = true;
            }
        } else {
            done[i] = true;
        }
        if done[i] {
            bind(&mut env, &p.info);
        }
    }
    // Formulas, in dependency order: each round evaluates those whose names are all known.
    loop {
        let mut progress = false;
        let mut first_err = None;
        for i in 0..pending.len() {
            if done[i] {
                continue;
            }
            let v = pending[i].value.expect("undone entries have a value");
            let what = format!("parameter `{}`", pending[i].info.name);
            match ctx.int(v, &env, &what) {
                Ok(x) => {
                    pending[i].info.value = x;
                    done[i] = true;
                    bind(&mut env, &pending[i].info);
                    progress = true;
                }
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match first_err {
            None => break,
            Some(e) if !progress => return Err(e),
            Some(_) => {}
        }
    }
    let _ = n_model;
    Ok((env, pending.into_iter().map(|p| p.info).collect()))
}

fn parse_doc<'a>(ctx: &Ctx, parsed: &'a DeTable<'a>) -> Result<Doc<'a>, SpecError> {
    let entries: Vec<_> = parsed.iter().collect();
    for (k, _) in &entries {
        if !TOP_KEYS.contains(&k.get_ref().as_ref()) {
            return Err(ctx.err(
                k.span().start,
                format!(
                    "unknown key `{}`; expected one of: {}",
                    k.get_ref(),
                    TOP_KEYS.join(", ")
                ),
            ));
        }
    }
    Ok(Doc { entries })
}

fn toml_doc<'a>(ctx: &Ctx, text: &'a str) -> Result<Spanned<DeTable<'a>>, SpecError> {
    DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        ctx.err(at, format!("TOML syntax: {}", e.message().trim()))
    })
}

/// The parameters of a parametric spec at its own values (overridden by `overrides`): the
/// environment formulas see, and the list of parameters. `--grid` evaluates its ranges in it.
pub fn parameters(
    text: &str,
    path: &str,
    overrides: &[(String, i64)],
) -> Result<(Env, Vec<ParamInfo>), SpecError> {
    let ctx = Ctx {
        text,
        origin: Origin {
            path: path.to_string(),
            text: text.to_string(),
        },
    };
    let parsed = toml_doc(&ctx, text)?;
    let doc = parse_doc(&ctx, parsed.get_ref())?;
    eval_params(&ctx, &doc, overrides)
}

/// Matrices by name, for coefficient formulas.
type Matrices = HashMap<String, Matrix>;

/// Does a formula need the matrix-aware evaluator (it names a matrix or uses `prod`)?
fn needs_own(e: &Expr, m: &Matrices) -> bool {
    match &e.kind {
        ExprKind::Index(n, args) => m.contains_key(n) || args.iter().any(|a| needs_own(a, m)),
        ExprKind::Call(f, args) => f == "prod" || args.iter().any(|a| needs_own(a, m)),
        ExprKind::Neg(a) | ExprKind::Not(a) => needs_own(a, m),
        ExprKind::Bin(_, a, b) => needs_own(a, m) || needs_own(b, m),
        ExprKind::Tuple(v) | ExprKind::Set(v) => v.iter().any(|a| needs_own(a, m)),
        ExprKind::Comp(a, qs) => {
            needs_own(a, m)
                || qs
                    .iter()
                    .any(|q| needs_own(&q.set, m) || q.filters.iter().any(|f| needs_own(f, m)))
        }
        ExprKind::Int(_) | ExprKind::Ident(_) => false,
    }
}

fn div_zero(e: &Expr, env: &Env) -> LangError {
    sets::err_at(e, env, "division by zero in `\u{1}`".into())
}

/// A coefficient formula in F_p: the language's evaluator, plus matrix entries `C[i,j]`
/// (`a[j]` for a one-row or one-column matrix) and `prod(… for …)`.
fn fp(e: &Expr, env: &Env, f: &Field, m: &Matrices) -> Result<u32, LangError> {
    if !needs_own(e, m) {
        return formula::eval_fp(e, env, f);
    }
    match &e.kind {
        ExprKind::Index(name, args) if m.contains_key(name) => {
            let mat = &m[name];
            let idx: Vec<i64> = args
                .iter()
                .map(|a| formula::eval_int(a, env))
                .collect::<Result<_, _>>()?;
            let (i, j) = match idx.as_slice() {
                [i, j] => (*i, *j),
                [k] if mat.rows == 1 => (1, *k),
                [k] if mat.cols == 1 => (*k, 1),
                _ => {
                    return Err(sets::err_at(
                        e,
                        env,
                        format!(
                            "`{name}` is a {} × {} matrix: write {name}[i, j]{}",
                            mat.rows,
                            mat.cols,
                            if idx.len() == 1 {
                                " (one index is for a matrix with one row or one column)"
                            } else {
                                ""
                            }
                        ),
                    ))
                }
            };
            mat.get(i, j).ok_or_else(|| {
                sets::err_at(
                    e,
                    env,
                    format!(
                        "{name}[{i},{j}] is outside the matrix: `{name}` is {} × {}",
                        mat.rows, mat.cols
                    ),
                )
            })
        }
        ExprKind::Neg(a) => Ok(f.neg(fp(a, env, f, m)?)),
        ExprKind::Bin(op, a, b) => {
            use lang::BinOp::*;
            match op {
                Add | Sub | Mul | Div => {
                    let (x, y) = (fp(a, env, f, m)?, fp(b, env, f, m)?);
                    Ok(match op {
                        Add => f.add(x, y),
                        Sub => f.sub(x, y),
                        Mul => f.mul(x, y),
                        _ => f.mul(x, f.inv(y).ok_or_else(|| div_zero(e, env))?),
                    })
                }
                Pow => {
                    let x = fp(a, env, f, m)?;
                    let n = formula::eval_int(b, env)?;
                    if n < 0 {
                        let xi = f.inv(x).ok_or_else(|| div_zero(e, env))?;
                        Ok(f.pow(xi, n.unsigned_abs()))
                    } else {
                        Ok(f.pow(x, n as u64))
                    }
                }
                _ => Err(sets::err_at(
                    e,
                    env,
                    "a coefficient with matrix entries uses + - * / ^, sum(…) and prod(…)".into(),
                )),
            }
        }
        ExprKind::Call(g, args) if g == "sum" || g == "prod" => {
            let [arg] = args.as_slice() else {
                return Err(sets::err_at(
                    e,
                    env,
                    format!("`{g}(e for k in S)` takes one comprehension"),
                ));
            };
            let ExprKind::Comp(body, qs) = &arg.kind else {
                return Err(sets::err_at(
                    e,
                    env,
                    format!("`{g}(…)` takes a comprehension: {g}(e for k in S)"),
                ));
            };
            let mut acc = u32::from(g == "prod");
            let mut env = env.clone();
            quantifier::for_each(qs, &mut env, &mut |env| {
                let v = fp(body, env, f, m)?;
                acc = if g == "sum" {
                    f.add(acc, v)
                } else {
                    f.mul(acc, v)
                };
                Ok::<(), LangError>(())
            })?;
            Ok(acc)
        }
        _ => Err(sets::err_at(
            e,
            env,
            "a coefficient with matrix entries uses + - * / ^, sum(…) and prod(…)".into(),
        )),
    }
}

/// A list argument of a matrix constructor, in the order written: `[1, 2, 4]`,
/// `[K + j for j in 1..U]`, or any set (`1..K`, in increasing order).
fn int_list(e: &Expr, env: &Env) -> Result<Vec<i64>, LangError> {
    let mut out = Vec::new();
    let mut push = |v: Value, e: &Expr, env: &Env| -> Result<(), LangError> {
        match v {
            Value::Int(i) => out.push(i),
            Value::Set(items) => {
                for x in items {
                    match x {
                        Value::Int(i) => out.push(i),
                        other => {
                            return Err(sets::err_at(
                                e,
                                env,
                                format!("a list of points holds integers, found {other}"),
                            ))
                        }
                    }
                }
            }
            other => {
                return Err(sets::err_at(
                    e,
                    env,
                    format!("a list of points holds integers, found {other}"),
                ))
            }
        }
        Ok(())
    };
    match &e.kind {
        ExprKind::Set(items) => {
            for x in items {
                if let ExprKind::Comp(body, qs) = &x.kind {
                    let mut env = env.clone();
                    quantifier::for_each(qs, &mut env, &mut |env| {
                        let v = sets::eval(body, env)?;
                        push(v, body, env)
                    })?;
                } else {
                    let v = sets::eval(x, env)?;
                    push(v, x, env)?;
                }
            }
        }
        _ => {
            let v = sets::eval(e, env)?;
            push(v, e, env)?;
        }
    }
    Ok(out)
}

fn matrix_error(e: &Expr, env: &Env, m: MatrixError) -> LangError {
    sets::err_at(e, env, m.to_string())
}

/// Evaluate the `[matrices]` table.
fn eval_matrices(
    ctx: &Ctx,
    v: &Val,
    env: &mut Env,
    f: &Field,
    notes: &mut Vec<String>,
) -> Result<Matrices, SpecError> {
    let mut m = Matrices::new();
    for (k, val) in table(ctx, v, "matrices")? {
        let key: &str = k.get_ref();
        let (name, mat) = if let Some(at) = expr::find_for(key) {
            // "C[i,j] for i in 1..r, j in 1..c" = "formula"
            let pat_text = key[..at].trim_end();
            let pat = expr::pattern_at(key, 0, pat_text.len()).map_err(|e| ctx.in_key(k, e))?;
            let qs = expr::quantifiers_at(key, at + 3, key.len()).map_err(|e| ctx.in_key(k, e))?;
            if pat.index.len() != 2 || pat.set.is_some() {
                return Err(ctx.err(
                    key_content_start(ctx.text, k),
                    format!(
                        "a matrix by formula is declared `{}[i, j] for i in …, j in …`",
                        pat.base
                    ),
                ));
            }
            let DeValue::String(s) = val.get_ref() else {
                return Err(ctx.err(
                    val.span().start,
                    format!(
                        "the entries of `{}` are a formula string, found {}",
                        pat.base,
                        value_kind(val.get_ref())
                    ),
                ));
            };
            let body = lang::parse_expr(s).map_err(|e| ctx.in_value(val, s, e))?;
            let mut entries: Vec<(i64, i64, u32)> = Vec::new();
            let mut env2 = env.clone();
            let r = quantifier::for_each(&qs, &mut env2, &mut |env| {
                let i = formula::eval_int(&pat.index[0], env).map_err(|e| ctx.in_key(k, e))?;
                let j = formula::eval_int(&pat.index[1], env).map_err(|e| ctx.in_key(k, e))?;
                let x = fp(&body, env, f, &m).map_err(|e| ctx.in_value(val, s, e))?;
                if entries.len() >= super::matrix::MAX_ENTRIES {
                    return Err(Fail::Spec(
                        ctx.err(key_content_start(ctx.text, k), "too many matrix entries"),
                    ));
                }
                entries.push((i, j, x));
                Ok::<(), Fail>(())
            });
            lift(r, |e| ctx.in_key(k, e))?;
            let rows = entries.iter().map(|e| e.0).max().unwrap_or(0);
            let cols = entries.iter().map(|e| e.1).max().unwrap_or(0);
            let at = key_content_start(ctx.text, k);
            if entries.iter().any(|e| e.0 < 1 || e.1 < 1) || rows < 1 || cols < 1 {
                return Err(ctx.err(
                    at,
                    format!("the entries of `{}` are indexed from 1", pat.base),
                ));
            }
            if (rows as u128) * (cols as u128) > super::matrix::MAX_ENTRIES as u128 {
                return Err(ctx.err(at, format!("`{}` is too large ({rows} × {cols})", pat.base)));
            }
            let mut grid: Vec<Vec<Option<u32>>> = vec![vec![None; cols as usize]; rows as usize];
            for (i, j, x) in entries {
                let slot = &mut grid[i as usize - 1][j as usize - 1];
                if slot.is_some() {
                    return Err(ctx.err(at, format!("{}[{i},{j}] is given twice", pat.base)));
                }
                *slot = Some(x);
            }
            let mut rows_out = Vec::new();
            for (i, r) in grid.into_iter().enumerate() {
                let mut row = Vec::new();
                for (j, x) in r.into_iter().enumerate() {
                    row.push(x.ok_or_else(|| {
                        ctx.err(
                            at,
                            format!(
                                "{}[{},{}] is not given: a matrix by formula fills the whole {rows} × {cols} rectangle",
                                pat.base,
                                i + 1,
                                j + 1
                            ),
                        )
                    })?);
                }
                rows_out.push(row);
            }
            (
                pat.base.clone(),
                Matrix::from_rows(rows_out).map_err(|e| ctx.err(at, e.to_string()))?,
            )
        } else {
            if !is_ident(key) {
                return Err(ctx.err(
                    key_content_start(ctx.text, k),
                    format!("`{key}` is not a matrix name (letters, digits, `_`)"),
                ));
            }
            let mat = match val.get_ref() {
                DeValue::String(s) => constructor(ctx, val, s, env, f, &m, key, notes)?,
                DeValue::Array(rows) => {
                    let mut out = Vec::new();
                    for row in rows.iter() {
                        let DeValue::Array(items) = row.get_ref() else {
                            return Err(ctx.err(
                                row.span().start,
                                format!(
                                    "each row of `{key}` is an array, found {}",
                                    value_kind(row.get_ref())
                                ),
                            ));
                        };
                        let mut r = Vec::new();
                        for item in items.iter() {
                            r.push(match item.get_ref() {
                                DeValue::Integer(_) => {
                                    f.from_i64(ctx.int(item, env, "a matrix entry")?)
                                }
                                DeValue::String(s) => {
                                    let e = lang::parse_expr(s)
                                        .map_err(|e| ctx.in_value(item, s, e))?;
                                    fp(&e, env, f, &m).map_err(|e| ctx.in_value(item, s, e))?
                                }
                                other => {
                                    return Err(ctx.err(
                                        item.span().start,
                                        format!(
                                            "a matrix entry is an integer or a formula string, found {}",
                                            value_kind(other)
                                        ),
                                    ))
                                }
                            });
                        }
                        out.push(r);
                    }
                    Matrix::from_rows(out).map_err(|e| ctx.err(val.span().start, e.to_string()))?
                }
                other => {
                    return Err(ctx.err(
                        val.span().start,
                        format!(
                            "matrix `{key}` is a constructor string or an array of rows, found {}",
                            value_kind(other)
                        ),
                    ))
                }
            };
            (key.to_string(), mat)
        };
        if m.contains_key(&name) {
            return Err(ctx.err(
                key_content_start(ctx.text, k),
                format!("matrix `{name}` is declared twice"),
            ));
        }
        env.define(&format!("rows_{name}"), Value::Int(mat.rows as i64));
        m.insert(name, mat);
    }
    Ok(m)
}

/// `cauchy(xs, ys)`, `vandermonde(points, rows)`, `identity(n)`, `random(rows, cols, seed)`.
#[allow(clippy::too_many_arguments)]
fn constructor(
    ctx: &Ctx,
    val: &Val,
    s: &str,
    env: &Env,
    f: &Field,
    m: &Matrices,
    name: &str,
    notes: &mut Vec<String>,
) -> Result<Matrix, SpecError> {
    let e = lang::parse_expr(s).map_err(|e| ctx.in_value(val, s, e))?;
    let lerr = |e: LangError| ctx.in_value(val, s, e);
    let ExprKind::Call(fun, args) = &e.kind else {
        return Err(lerr(LangError::new(
            e.span,
            "a matrix is `cauchy(xs, ys)`, `vandermonde(points, rows)`, `identity(n)`, `random(rows, cols, seed)`, or an array of rows",
        )));
    };
    let want = |n: usize, usage: &str| -> Result<(), SpecError> {
        if args.len() == n {
            Ok(())
        } else {
            Err(lerr(LangError::new(
                e.span,
                format!("`{usage}` takes {n} argument(s), found {}", args.len()),
            )))
        }
    };
    let int = |a: &Expr| formula::eval_int(a, env).map_err(lerr);
    let _ = m;
    let r = match fun.as_str() {
        "cauchy" => {
            want(2, "cauchy(xs, ys)")?;
            let xs = int_list(&args[0], env).map_err(lerr)?;
            let ys = int_list(&args[1], env).map_err(lerr)?;
            Matrix::cauchy(*f, &xs, &ys)
        }
        "vandermonde" => {
            want(2, "vandermonde(points, rows)")?;
            let pts = int_list(&args[0], env).map_err(lerr)?;
            Matrix::vandermonde(*f, &pts, int(&args[1])?)
        }
        "identity" => {
            want(1, "identity(n)")?;
            Matrix::identity(int(&args[0])?)
        }
        "random" => {
            want(3, "random(rows, cols, seed)")?;
            let (r, c, seed) = (int(&args[0])?, int(&args[1])?, int(&args[2])?);
            if seed < 0 {
                return Err(lerr(LangError::new(
                    args[2].span,
                    format!("a seed is a non-negative integer, found {seed}"),
                )));
            }
            let mat = Matrix::random(*f, r, c, seed as u64);
            if mat.is_ok() {
                notes.push(format!(
                    "matrix {name} = random({r}, {c}, seed {seed}): uniform over F_{} (SplitMix64)",
                    f.p()
                ));
            }
            mat
        }
        other => {
            return Err(lerr(LangError::new(
                e.span,
                format!("unknown matrix constructor `{other}`; known: cauchy, vandermonde, identity, random"),
            )))
        }
    };
    r.map_err(|me| lerr(matrix_error(&e, env, me)))
}

/// Every name a declaration pattern denotes under `env`: index items may be ranges or sets
/// (`Z[1..3]`, `W[1..U, 1..V]` declare their product), the set group is one set.
fn declared_names(p: &lang::NamePattern, env: &Env) -> Result<Vec<Name>, LangError> {
    let mut index_sets: Vec<Vec<u32>> = Vec::new();
    for e in &p.index {
        let vals = match sets::eval(e, env)? {
            Value::Int(i) => vec![Value::Int(i)],
            Value::Set(v) => v,
            Value::Tuple(t) => t,
            other => {
                return Err(sets::err_at(
                    e,
                    env,
                    format!("an index is an integer or a range, found {other}"),
                ))
            }
        };
        let mut out = Vec::new();
        for v in vals {
            match v {
                Value::Int(i) if (0..=u32::MAX as i64).contains(&i) => out.push(i as u32),
                other => {
                    return Err(sets::err_at(
                        e,
                        env,
                        format!("an index of a name is a non-negative integer, found {other}"),
                    ))
                }
            }
        }
        index_sets.push(out);
    }
    let set = match &p.set {
        None => None,
        Some(_) => Some(
            lang::NamePattern {
                index: Vec::new(),
                ..p.clone()
            }
            .eval(env)?
            .set
            .unwrap_or_default(),
        ),
    };
    let mut names = vec![Vec::new()];
    for s in &index_sets {
        let mut next = Vec::with_capacity(names.len() * s.len());
        for n in &names {
            for &i in s {
                let mut m: Vec<u32> = n.clone();
                m.push(i);
                next.push(m);
            }
        }
        names = next;
        if names.len() > 5_000_000 {
            return Err(LangError::new(p.span, "this declares too many names"));
        }
    }
    Ok(names
        .into_iter()
        .map(|index| Name::new(&p.base, index, set.clone()))
        .collect())
}

/// A declaration key: `PATTERN` or `PATTERN for QUANTIFIERS`; calls `f` for every name.
fn each_declared(
    ctx: &Ctx,
    k: &Key,
    env: &mut Env,
    f: &mut dyn FnMut(Name, &mut Env) -> Result<(), SpecError>,
) -> Result<(), SpecError> {
    let key: &str = k.get_ref();
    let (pat_end, qs) = match expr::find_for(key) {
        Some(at) => (
            key[..at].trim_end().len(),
            expr::quantifiers_at(key, at + 3, key.len()).map_err(|e| ctx.in_key(k, e))?,
        ),
        None => (key.trim_end().len(), Vec::new()),
    };
    let lead = key.len() - key.trim_start().len();
    let pat = expr::pattern_at(key, lead, pat_end).map_err(|e| ctx.in_key(k, e))?;
    let r = quantifier::for_each(&qs, env, &mut |env| {
        for n in declared_names(&pat, env).map_err(|e| ctx.in_key(k, e))? {
            f(n, env)?;
        }
        Ok::<(), Fail>(())
    });
    lift(r, |e| ctx.in_key(k, e))
}

/// What the expressions may refer to.
struct Scope<'a> {
    field: Field,
    matrices: &'a Matrices,
    declared: &'a HashMap<Name, usize>,
    /// Terms expanded so far (bounded by [`MAX_TERMS`]).
    terms: std::cell::Cell<usize>,
}

/// Expand a parametric linear expression into (coefficient, atom) terms.
fn expand_terms(
    e: &PExpr,
    env: &mut Env,
    sc: &Scope,
    scale: u32,
    out: &mut Vec<(u32, String)>,
) -> Result<(), LangError> {
    let f = sc.field;
    for t in &e.terms {
        let mut c = match &t.coef {
            None => 1,
            Some(Coef::Frac { num, den, span }) => {
                let n = (*num % f.p() as u64) as u32;
                let d = (*den % f.p() as u64) as u32;
                f.div(n, d).map_err(|_| {
                    LangError::new(
                        *span,
                        format!("coefficient {num}/{den} divides by zero in F_{}", f.p()),
                    )
                })?
            }
            Some(Coef::Formula(x)) => fp(x, env, &f, sc.matrices)?,
        };
        if t.negative {
            c = f.neg(c);
        }
        let c = f.mul(c, scale);
        match &t.factor {
            Factor::Group(g) => expand_terms(g, env, sc, c, out)?,
            Factor::Sum(body, qs, _) => {
                quantifier::for_each(qs, env, &mut |env| expand_terms(body, env, sc, c, out))?
            }
            Factor::Ref {
                name, component, ..
            } => {
                let n = name.eval(env)?;
                if !sc.declared.contains_key(&n) {
                    return Err(sets::err_at(
                        &Expr {
                            kind: ExprKind::Int(0),
                            span: name.span,
                        },
                        env,
                        unknown(&n, sc.declared),
                    ));
                }
                let comp = match component {
                    None => String::new(),
                    Some((a, b)) => {
                        let x = formula::eval_int(a, env)?;
                        let y = match b {
                            Some(b) => formula::eval_int(b, env)?,
                            None => x,
                        };
                        if x < 1 || y < x {
                            return Err(sets::err_at(
                                a,
                                env,
                                format!("bad component ({x}..{y}) of `{n}`: components are numbered from 1"),
                            ));
                        }
                        if x == y {
                            format!("({x})")
                        } else {
                            format!("({x}..{y})")
                        }
                    }
                };
                sc.terms.set(sc.terms.get() + 1);
                if sc.terms.get() > MAX_TERMS {
                    return Err(LangError::new(
                        name.span,
                        format!("the expressions of this instance expand to more than {MAX_TERMS} terms: too large to verify"),
                    ));
                }
                out.push((c, format!("{n}{comp}")));
            }
        }
    }
    Ok(())
}

fn unknown(n: &Name, declared: &HashMap<Name, usize>) -> String {
    let mut same: Vec<String> = declared
        .keys()
        .filter(|d| d.base == n.base)
        .map(|d| d.to_string())
        .collect();
    same.sort();
    if same.is_empty() {
        format!("unknown name `{n}`: not declared in `inputs`, `randomness` or `variables`")
    } else {
        let shown: Vec<_> = same.iter().take(6).cloned().collect();
        format!(
            "unknown name `{n}`; declared names with that base: {}{}",
            shown.join(", "),
            if same.len() > 6 { ", …" } else { "" }
        )
    }
}

/// `3 Z[1] - 2 Z[2]`: nonzero terms, coefficients in the balanced range −p/2..p/2.
fn render_terms(f: &Field, terms: &[(u32, String)]) -> Option<String> {
    let p = f.p();
    let mut out = String::new();
    for (c, atom) in terms.iter().filter(|(c, _)| *c != 0) {
        let (neg, mag) = if *c > p / 2 {
            (true, p - c)
        } else {
            (false, *c)
        };
        if out.is_empty() {
            if neg {
                out.push('-');
            }
        } else {
            out.push_str(if neg { " - " } else { " + " });
        }
        if mag != 1 {
            out.push_str(&format!("{mag} "));
        }
        out.push_str(atom);
    }
    if out.is_empty() {
        terms.first().map(|(_, a)| format!("0 {a}"))
    } else {
        Some(out)
    }
}

/// Expand a parametric spec at a point (its own parameter values, overridden by `overrides`).
pub fn expand(text: &str, path: &str, overrides: &[(String, i64)]) -> Result<Expansion, SpecError> {
    let ctx = Ctx {
        text,
        origin: Origin {
            path: path.to_string(),
            text: text.to_string(),
        },
    };
    let parsed = toml_doc(&ctx, text)?;
    let doc = parse_doc(&ctx, parsed.get_ref())?;
    let missing = |what: &str| ctx.err(0, format!("missing `{what}` (see docs/spec-format.md)"));
    let (mut env, params) = eval_params(&ctx, &doc, overrides)?;
    let model_v = doc.get("model").ok_or_else(|| missing("model"))?;
    let model = model_v.get_ref().as_str().ok_or_else(|| {
        ctx.err(
            model_v.span().start,
            format!(
                "`model` must be a string, found {}",
                value_kind(model_v.get_ref())
            ),
        )
    })?;

    // prime = 101 | "formula" | "next_prime(formula)" (the smallest prime ≥ the value)
    let prime_v = doc.get("prime").ok_or_else(|| missing("prime"))?;
    let p = match prime_v.get_ref() {
        DeValue::String(s) => {
            let e = lang::parse_expr(s).map_err(|e| ctx.in_value(prime_v, s, e))?;
            match &e.kind {
                ExprKind::Call(f, args) if f == "next_prime" && args.len() == 1 => {
                    let n = formula::eval_int(&args[0], &env)
                        .map_err(|e| ctx.in_value(prime_v, s, e))?;
                    if n > MAX_PRIME as i64 {
                        return Err(ctx.err(
                            ctx.value_at(prime_v, s),
                            format!("next_prime({n}): above the largest prime itsa accepts ({MAX_PRIME})"),
                        ));
                    }
                    (n.max(2) as u64..)
                        .find(|&c| is_prime(c))
                        .expect("a prime exists below 2^31") as i64
                }
                _ => formula::eval_int(&e, &env).map_err(|e| ctx.in_value(prime_v, s, e))?,
            }
        }
        _ => ctx.int(prime_v, &env, "`prime`")?,
    };
    if p < 0 {
        return Err(ctx.err(
            prime_v.span().start,
            format!("prime must be positive, found {p}"),
        ));
    }
    let field = Field::new(p as u64).map_err(|e| ctx.err(prime_v.span().start, e.to_string()))?;
    let l_v = doc
        .get("input-length")
        .ok_or_else(|| missing("input-length"))?;
    let l = ctx.int(l_v, &env, "`input-length`")?;
    if !(1..=1_000_000).contains(&l) {
        return Err(ctx.err(
            l_v.span().start,
            format!("input-length must be at least 1, found {l}"),
        ));
    }
    let mut notes = Vec::new();
    let matrices = match doc.get("matrices") {
        Some(v) => eval_matrices(&ctx, v, &mut env, &field, &mut notes)?,
        None => Matrices::new(),
    };

    // Declarations.
    let mut declared: HashMap<Name, usize> = HashMap::new();
    let mut declare = |n: &Name, at: usize| -> Result<(), SpecError> {
        if declared.len() >= MAX_NAMES {
            return Err(ctx.err(
                at,
                format!("this instance declares more than {MAX_NAMES} names (at `{n}`): too large to verify"),
            ));
        }
        if let Some(&first) = declared.get(n) {
            return Err(ctx.err(
                at,
                format!(
                    "`{n}` is declared twice (first on line {})",
                    ctx.text[..first].matches('\n').count() + 1
                ),
            ));
        }
        declared.insert(n.clone(), at);
        Ok(())
    };
    let mut inputs: Vec<(String, usize)> = Vec::new();
    let input_items: Vec<&Val> = match doc.get("inputs") {
        None => return Err(missing("inputs")),
        Some(v) => match v.get_ref() {
            DeValue::Array(a) => a.iter().collect(),
            DeValue::String(_) => vec![v],
            other => {
                return Err(ctx.err(
                    v.span().start,
                    format!(
                        "`inputs` must be an array of names, found {}",
                        value_kind(other)
                    ),
                ))
            }
        },
    };
    for item in &input_items {
        let Some(s) = item.get_ref().as_str() else {
            return Err(ctx.err(
                item.span().start,
                format!(
                    "each entry of `inputs` must be a string, found {}",
                    value_kind(item.get_ref())
                ),
            ));
        };
        let at = ctx.value_at(item, s);
        let (pat_end, qs) = match expr::find_for(s) {
            Some(f) => (
                s[..f].trim_end().len(),
                expr::quantifiers_at(s, f + 3, s.len()).map_err(|e| ctx.in_value(item, s, e))?,
            ),
            None => (s.trim_end().len(), Vec::new()),
        };
        let lead = s.len() - s.trim_start().len();
        let pat = expr::pattern_at(s, lead, pat_end).map_err(|e| ctx.in_value(item, s, e))?;
        let r = quantifier::for_each(&qs, &mut env, &mut |env| {
            for n in declared_names(&pat, env).map_err(|e| ctx.in_value(item, s, e))? {
                declare(&n, at)?;
                inputs.push((n.to_string(), at));
            }
            Ok::<(), Fail>(())
        });
        lift(r, |e| ctx.in_value(item, s, e))?;
    }
    if inputs.is_empty() {
        return Err(missing("inputs"));
    }
    let mut randomness: Vec<(String, i64, usize)> = Vec::new();
    let rand_entries = match doc.get("randomness") {
        Some(v) => table(&ctx, v, "randomness")?,
        None => Vec::new(),
    };
    for (k, v) in &rand_entries {
        let at = key_content_start(text, k);
        each_declared(&ctx, k, &mut env, &mut |n, env| {
            let len = ctx.int(v, env, &format!("the length of `{n}`"))?;
            if !(0..=100_000).contains(&len) {
                return Err(ctx.err(
                    v.span().start,
                    format!("a source has 0 to 100000 symbols (0 declares nothing), found {len} for `{n}`"),
                ));
            }
            if len > 0 {
                declare(&n, at)?;
                randomness.push((n.to_string(), len, at));
            }
            Ok(())
        })?;
    }
    let var_entries = match doc.get("variables") {
        Some(v) => table(&ctx, v, "variables")?,
        None => Vec::new(),
    };
    for (k, _) in &var_entries {
        let at = key_content_start(text, k);
        each_declared(&ctx, k, &mut env, &mut |n, _| declare(&n, at))?;
    }

    // Write the flat spec.
    let mut w = SpecText::default();
    let point: Vec<(String, i64)> = params
        .iter()
        .map(|p| (p.label().to_string(), p.value))
        .collect();
    w.comment(&format!(
        "Expanded by `itsa expand` from {path} at {}; verify with `itsa verify FILE`.",
        super::grid::point_label(&point)
    ));
    for n in &notes {
        w.comment(n);
    }
    for key in ["title", "reference", "description"] {
        if let Some(v) = doc.get(key) {
            w.origin(Some(v.span().start));
            w.raw(key, ctx.raw(v.span()));
        }
    }
    w.origin(Some(model_v.span().start));
    w.header(
        None,
        None,
        model,
        field.p() as u64,
        l as usize,
        &inputs.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
    );
    // Lines of the header each get their own origin.
    w.section("params");
    for p in params.iter().filter(|p| p.model_param) {
        let at = doc
            .get("params")
            .and_then(|t| match t.get_ref() {
                DeValue::Table(t) => t.get(p.name.as_str()).map(|v| v.span().start),
                _ => None,
            })
            .unwrap_or(model_v.span().start);
        w.origin(Some(at));
        w.raw(&toml_key(&p.name), p.value);
    }
    if let Some(v) = doc.get("roles") {
        w.section("roles");
        for (rk, rv) in table(&ctx, v, "roles")? {
            w.origin(Some(rv.span().start));
            w.raw(ctx.raw(rk.span()), ctx.raw(rv.span()));
        }
    }
    if !randomness.is_empty() {
        w.section("randomness");
        for (n, len, at) in &randomness {
            w.origin(Some(*at));
            w.raw(&format!("\"{n}\""), len);
        }
    }
    let scope = Scope {
        field,
        matrices: &matrices,
        declared: &declared,
        terms: std::cell::Cell::new(0),
    };
    if !var_entries.is_empty() {
        w.section("variables");
    }
    for (k, v) in &var_entries {
        let items: Vec<&Val> = match v.get_ref() {
            DeValue::String(_) => vec![*v],
            DeValue::Array(a) if !a.is_empty() => a.iter().collect(),
            DeValue::Array(_) => {
                return Err(ctx.err(
                    v.span().start,
                    format!("`{}` is defined as an empty list", k.get_ref()),
                ))
            }
            other => {
                return Err(ctx.err(
                    v.span().start,
                    format!(
                        "`{}` must be an expression string or a list of them, found {}",
                        k.get_ref(),
                        value_kind(other)
                    ),
                ))
            }
        };
        // Parse once: (item, its string, body expression, quantifiers of a list comprehension).
        let mut parsed_items = Vec::new();
        for item in &items {
            let Some(s) = item.get_ref().as_str() else {
                return Err(ctx.err(
                    item.span().start,
                    format!(
                        "each part of `{}` must be a string, found {}",
                        k.get_ref(),
                        value_kind(item.get_ref())
                    ),
                ));
            };
            let (body_end, qs) = match expr::find_for(s) {
                Some(f) if is_list(v) => (
                    f,
                    expr::quantifiers_at(s, f + 3, s.len())
                        .map_err(|e| ctx.in_value(item, s, e))?,
                ),
                _ => (s.len(), Vec::new()),
            };
            let body = expr::parse(&s[..body_end]).map_err(|e| ctx.in_value(item, s, e))?;
            parsed_items.push((*item, s, body, qs));
        }
        each_declared(&ctx, k, &mut env, &mut |n, env| {
            let mut parts = Vec::new();
            for (item, s, body, qs) in &parsed_items {
                let r = quantifier::for_each(qs, env, &mut |env| {
                    let mut terms = Vec::new();
                    expand_terms(body, env, &scope, 1, &mut terms)
                        .map_err(|e| ctx.in_value(item, s, e))?;
                    let rendered = render_terms(&field, &terms).ok_or_else(|| {
                        ctx.err(
                            ctx.value_at(item, s),
                            format!(
                                "`{n}` is empty here (every sum is over an empty set){}",
                                at_bound(env)
                            ),
                        )
                    })?;
                    parts.push((rendered, ctx.value_at(item, s)));
                    Ok::<(), Fail>(())
                });
                lift(r, |e| ctx.in_value(item, s, e))?;
            }
            if parts.is_empty() {
                return Err(ctx.err(
                    v.span().start,
                    format!("`{n}` is an empty list here{}", at_bound(env)),
                ));
            }
            w.origin(Some(parts[0].1));
            if is_list(v) {
                let list: Vec<String> = parts.into_iter().map(|(s, _)| s).collect();
                w.list(&n.to_string(), &list);
            } else {
                w.def(&n.to_string(), &parts[0].0);
            }
            Ok(())
        })?;
    }
    if let Some(v) = doc.get("expect") {
        w.section("expect");
        for (ek, ev) in table(&ctx, v, "expect")? {
            w.origin(Some(ev.span().start));
            w.raw(ctx.raw(ek.span()), ctx.raw(ev.span()));
        }
    }
    if let Some(v) = doc.get("graphs") {
        // Edge lists pass through; a string is a set of vertex pairs evaluated at this point.
        w.section("graphs");
        for (gk, gv) in table(&ctx, v, "graphs")? {
            w.origin(Some(gv.span().start));
            match gv.get_ref() {
                DeValue::String(s) => {
                    let e = lang::parse_expr(s).map_err(|e| ctx.in_value(gv, s, e))?;
                    let val = lang::sets::eval(&e, &env).map_err(|e| ctx.in_value(gv, s, e))?;
                    let edges = graph_edges(&val).map_err(|m| {
                        ctx.err(
                            ctx.value_at(gv, s),
                            format!("graph `{}`: {m}", gk.get_ref()),
                        )
                    })?;
                    w.raw(ctx.raw(gk.span()), edges);
                }
                _ => w.raw(ctx.raw(gk.span()), ctx.raw(gv.span())),
            }
        }
    }
    let (text_out, origins) = w.finish_with_origins();
    Ok(Expansion {
        text: text_out,
        origins,
        notes,
        point,
    })
}

/// `[[1, 2], [2, 3]]` from a set of pairs (tuples or two-element sets) of integers.
fn graph_edges(v: &Value) -> Result<String, String> {
    let Value::Set(items) = v else {
        return Err(format!(
            "expected a set of vertex pairs such as {{(k, mod(k, K) + 1) for k in 1..K}}, found {} ({v})",
            v.kind()
        ));
    };
    let mut edges = Vec::new();
    for it in items {
        let pair = match it {
            Value::Tuple(t) | Value::Set(t) if t.len() == 2 => (t[0].as_int(), t[1].as_int()),
            _ => (None, None),
        };
        match pair {
            (Some(a), Some(b)) => edges.push(format!("[{a}, {b}]")),
            _ => return Err(format!("`{it}` is not a pair of vertices")),
        }
    }
    Ok(format!("[{}]", edges.join(", ")))
}

fn is_list(v: &Val) -> bool {
    matches!(v.get_ref(), DeValue::Array(_))
}

fn at_bound(env: &Env) -> String {
    let b = env.bound_values();
    if b.is_empty() {
        String::new()
    } else {
        format!(" at {b}")
    }
}

/// A TOML key: bare when it can be, else quoted.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        format!("\"{k}\"")
    }
}
