//! The declaration language shared by model declarations and parametric specs: formulas, set
//! expressions, quantifiers and comprehensions, and the `--set` / `--grid` parameter parser.
//! One grammar, one parser; every parsed piece keeps byte offsets ([`Span`]) into the string
//! it was parsed from, so a caller turns a [`LangError`] into a file:line:col error by adding
//! the offset of that string's content in the file (see `scheme::spec::located`).
//!
//! # Grammar (loosest binding first)
//! ```text
//! expr   := expr or expr | expr and expr | not expr
//!         | set (== != < <= > >= in) set          -- comparisons, membership
//! set    := range ( \ | union | x ) range ...     -- difference, union, product (also ∖ ∪ ×)
//! range  := sum [ .. sum ]                         -- a..b = {a, a+1, …, b}, empty when b < a
//! sum    := term (+|-) term ...   term := unary (*|/) unary ...
//! unary  := -unary | atom [ ^ unary ]              -- -2^2 = -4
//! atom   := INT | NAME | NAME(args) | NAME[args] | (expr) | (a, b) | {items} | [items]
//! items  := expr, expr, …  |  expr for QUANTIFIERS   -- set builder {2*k for k in S if k != 3}
//! QUANTIFIERS := BINDER in set [if expr]…, BINDER in set …   BINDER := k | (v, u)
//! ```
//! Functions: `min max` (of arguments, of a set, or of a comprehension), `sum(e for …)`,
//! `floor ceil abs`, `binom(n, k)`, `mod(a, b)` (non-negative), `size(S)`,
//! `subsets(S, size >= a, size <= b)` (also `size == c`, `<`, `>`), `window(S, start, len)`
//! (the `len` elements of S from position `start`, 1-based, wrapping around). A graph `N`
//! bound in the [`Env`] gives `N(k)` (open neighbourhood) and `N[k]` (closed).
//!
//! # Values and order
//! [`Value`]: integers, tuples, sets (sorted, deduplicated) and truth values. Sets of sets
//! are ordered lexicographically, which is the lexicographic DFS order of [`crate::subsets`];
//! quantifiers enumerate in that order, outer quantifiers slowest, and `x in subsets(…)` is
//! enumerated lazily (never materialised).
//!
//! # API
//! * [`parse_expr`] → [`Expr`]; evaluate with [`formula::eval_rational`] (exact, for regions
//!   and constraints), [`formula::eval_int`] (indices), [`formula::eval_fp`] (coefficients:
//!   `/` is the inverse; a zero divisor is an error "division by zero in `1/(k - (K + j))` at
//!   k=2, j=0"), [`formula::eval_bool`], or [`sets::eval`] (any value).
//! * [`parse_quantifiers`] → `Vec<Quantifier>`; [`quantifier::for_each`] enumerates,
//!   [`quantifier::count`] counts (closed form for levels nothing depends on).
//! * [`parse_comprehension_str`] → [`Comprehension`] (`X[k] for k in U1`,
//!   `sum(W[k] for k in U1)`, `Y[k]{U1} for k in U2`); [`Comprehension::for_each`] yields
//!   [`Part`]s (a [`crate::scheme::Name`] or a sum of names).
//! * [`parse_prefix`] / [`parse_atom_prefix`]: an expression (or one atom) at the start of a
//!   larger string, and its length (for formulas embedded in other syntax, e.g. the
//!   coefficient of `(1/(k-(K+j))) * Z[j]`).
//! * [`parse_name_pattern`]: `Y[k]{U1 \ {j}}` → [`NamePattern`]; `NamePattern::eval` gives the
//!   concrete [`crate::scheme::Name`] under the bindings of an [`Env`].
//! * [`params::parse_assignment`] (`--set NAME=VALUE`), [`params::parse_grid`] (`--grid`).
//!
//! Errors from the evaluators carry the span of the offending sub-expression; call
//! [`LangError::in_source`] with the parsed string before showing them (it fills in quoted
//! text such as the divisor of a division by zero). The parse functions here already do.

pub mod formula;
pub mod params;
pub mod quantifier;
pub mod sets;
pub mod syntax;

use thiserror::Error;

pub use crate::scheme::Span;
pub use quantifier::{Comprehension, Count, NamePattern, Part, Term};
pub use sets::{Env, Graph, Value};
pub use syntax::{BinOp, Binder, Expr, ExprKind, Quantifier};

/// An error at a byte range of the parsed string.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{message}")]
pub struct LangError {
    pub span: Span,
    pub message: String,
}

impl LangError {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        LangError {
            span,
            message: message.into(),
        }
    }

    /// Fill in quoted source text (the `\u{1}` placeholder) from the parsed string.
    pub fn in_source(mut self, src: &str) -> Self {
        if self.message.contains('\u{1}') {
            let text = src.get(self.span.start..self.span.end).unwrap_or("");
            self.message = self.message.replacen('\u{1}', text, 1);
        }
        self
    }

    /// The same error with its span moved by `by` bytes.
    pub fn shifted(mut self, by: usize) -> Self {
        self.span.start += by;
        self.span.end += by;
        self
    }
}

/// Parse a whole string as one expression.
pub fn parse_expr(src: &str) -> Result<Expr, LangError> {
    let mut p = syntax::Parser::new(src)?;
    let e = p.expr()?;
    p.finish()?;
    Ok(e)
}

/// Parse an expression at the start of `src`; returns it and the number of bytes it used.
/// Stops before the first token that cannot continue the expression.
pub fn parse_prefix(src: &str) -> Result<(Expr, usize), LangError> {
    let mut p = syntax::Parser::new_lenient(src);
    let e = p.expr()?;
    Ok((e, p.prev_end()))
}

/// Parse one atom (a number, a name, a call `f(…)`, `N[k]`, a parenthesised formula, a set
/// literal; with an optional `^ exponent`) at the start of `src`, and the bytes it used:
/// `(1/(k-(K+j))) * Z[j]` gives the coefficient `1/(k-(K+j))` and 13.
pub fn parse_atom_prefix(src: &str) -> Result<(Expr, usize), LangError> {
    let mut p = syntax::Parser::new_lenient(src);
    let e = p.atom()?;
    Ok((e, p.prev_end()))
}

/// Parse `k in S, j in T if j != k, …`.
pub fn parse_quantifiers(src: &str) -> Result<Vec<Quantifier>, LangError> {
    let mut p = syntax::Parser::new(src)?;
    let qs = p.quantifiers(&[])?;
    p.finish()?;
    Ok(qs)
}

/// Parse `TERM` or `TERM for QUANTIFIERS`, TERM a name pattern or `sum(PATTERN for …)`.
pub fn parse_comprehension_str(src: &str) -> Result<Comprehension, LangError> {
    let mut p = syntax::Parser::new(src)?;
    quantifier::parse_comprehension(&mut p)
}

/// Parse a name pattern such as `Y[k]{U1 \ {j}}` (the whole string).
pub fn parse_name_pattern(src: &str) -> Result<NamePattern, LangError> {
    let mut p = syntax::Parser::new(src)?;
    let n = quantifier::parse_name_pattern(&mut p)?;
    p.finish()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        let e = parse_expr("1 + * 2").unwrap_err();
        assert_eq!(
            (e.span.start, e.message.as_str()),
            (4, "expected a number, a name, `(`, `{` or `[`, found `*`")
        );
        let e = parse_expr("min(1, 2").unwrap_err();
        assert!(e.message.contains("found the end"), "{e:?}");
        let e = parse_expr("K # 2").unwrap_err();
        assert_eq!(e.span.start, 2);
        let e = parse_quantifiers("k users").unwrap_err();
        assert!(e.message.contains("expected `in`"), "{e:?}");
        let e = parse_comprehension_str("X[k] for k in 1..3 extra").unwrap_err();
        assert_eq!(e.span.start, 19);
    }

    #[test]
    fn prefix_parsing_reports_the_length() {
        let (e, n) = parse_atom_prefix("(1/(k-(K+j))) * Z[j]").unwrap();
        assert_eq!(n, "(1/(k-(K+j)))".len());
        assert!(matches!(e.kind, ExprKind::Bin(BinOp::Div, ..)));
        let (_, n) = parse_prefix("K - 1 ; rest # not lexed").unwrap();
        assert_eq!(n, 5);
        let (_, n) = parse_prefix("2*k + 1, more").unwrap();
        assert_eq!(n, 7);
    }

    #[test]
    fn hostile_input_is_an_error_never_a_panic() {
        // Deep nesting, long sign chains, huge ranges, powers and windows.
        let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse_expr(&deep).unwrap_err().message.contains("nested"));
        assert!(parse_expr(&"-".repeat(5000)).is_err());
        assert!(parse_expr(&"not ".repeat(5000)).is_err());
        let many = vec!["k in {1}"; 500].join(", ");
        assert!(parse_quantifiers(&many)
            .unwrap_err()
            .message
            .contains("quantifiers"));
        let env = Env::new();
        for src in [
            "(-9223372036854775807 - 1)..9223372036854775807",
            "((2^4096)^4096)^4096",
            "window({1,2}, 9223372036854775807, 2)",
            "mod(-9223372036854775807 - 1, -1)",
            "binom(10000000, 3)",
            "9223372036854775807 * 2",
            "2^-100000",
            "subsets(1..60, size >= 1)",
            "{k for k in 1..10000000}",
        ] {
            let e = parse_expr(src).unwrap();
            let _ = sets::eval(&e, &env);
            let _ = formula::eval_rational(&e, &env);
        }
        // Pseudo-random strings over the language's alphabet parse or fail cleanly.
        let alphabet: Vec<char> = "0123456789+-*/^()[]{},.. xkKS\\ininorandnot<=>!=Σ"
            .chars()
            .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(x % 24) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            if let Ok(e) = parse_expr(&s) {
                let mut env = Env::new();
                env.define("K", Value::Int(3));
                env.define("S", Value::int_set(&[1, 2]));
                let _ = sets::eval(&e, &env);
                let _ = formula::eval_rational(&e, &env);
                let _ = formula::eval_fp(&e, &env, &crate::field::Field::new(7).unwrap());
            }
            let _ = parse_quantifiers(&s);
            let _ = parse_comprehension_str(&s);
        }
    }

    #[test]
    fn free_names_skip_bound_variables() {
        let e = parse_expr("sum(binom(K, s) for s in U..K) + T").unwrap();
        let names: Vec<String> = e.free_names().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["U", "K", "T"]);
    }

    #[test]
    fn division_by_zero_quotes_the_formula() {
        let src = "2 + 1/(k - (K + j))";
        let e = parse_expr(src).unwrap();
        let mut env = Env::new();
        env.define("K", Value::Int(3));
        env.push("k", Value::Int(3));
        env.push("j", Value::Int(0));
        let err = formula::eval_rational(&e, &env).unwrap_err().in_source(src);
        assert_eq!(
            err.message,
            "division by zero in `1/(k - (K + j))` at k=3, j=0"
        );
        assert_eq!(err.span, Span::from(4..19));
    }
}
