//! Parametric linear expressions: the flat grammar of `scheme/expr.rs` with formulas where the
//! flat one has numbers, and sums over index sets.
//!
//! ```text
//! pexpr   := [sign] pterm (sign pterm)*                      sign: + - − ⊕
//! pterm   := [coef ['*' | '·']] pfactor
//! coef    := uint ['/' uint]                                 as in a flat spec
//!          | '(' FORMULA ')'                                 followed by `*`, `·` or a factor
//!                                                            (else the parentheses are a group)
//!          | NAME-LIKE ['*' | '·']                           `C[k,j] *`, `a *` (a formula atom)
//! pfactor := '(' pexpr ')'
//!          | 'sum' '(' pexpr 'for' QUANTIFIERS ')'           Σ over an index set
//!          | NAME-PATTERN ['(' FORMULA ['..' FORMULA] ')']    `Y[k]{U1}`, `ZS{S}(j)`
//! ```
//! FORMULA, QUANTIFIERS and NAME-PATTERN are those of [`crate::lang`]; this module only finds
//! their extent in the string (by bracket matching) and hands them to its parser, shifting
//! every span so that errors point into the whole expression string.

use crate::lang::{self, Expr, ExprKind, LangError, NamePattern, Quantifier, Span};

#[derive(Debug, Clone)]
pub enum Coef {
    /// `num/den` written with integers (the flat syntax).
    Frac { num: u64, den: u64, span: Span },
    /// A formula evaluated in F_p.
    Formula(Expr),
}

#[derive(Debug, Clone)]
pub struct Term {
    pub negative: bool,
    pub coef: Option<Coef>,
    pub factor: Factor,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Factor {
    Group(PExpr),
    Sum(PExpr, Vec<Quantifier>, Span),
    Ref {
        name: NamePattern,
        /// 1-based component or inclusive component range.
        component: Option<(Expr, Option<Expr>)>,
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub struct PExpr {
    pub terms: Vec<Term>,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '\''
}

/// Index of the bracket closing the one at `open` (byte offset), if any.
pub fn matching(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s[open..].char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    None
}

/// Byte offset of the first ` for ` keyword outside brackets, if any.
pub fn find_for(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    let b = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            'f' if depth == 0 && s[i..].starts_with("for") => {
                let before = i == 0 || !is_ident_char(s[..i].chars().next_back().unwrap_or(' '));
                let after = b
                    .get(i + 3)
                    .is_none_or(|&x| !is_ident_char(x as char) || !x.is_ascii());
                if before && after {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Split `s` at commas outside brackets: (offset, part).
pub fn split_top(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push((start, &s[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, &s[start..]));
    out
}

fn shift_pattern(p: &mut NamePattern, by: usize) {
    let sh = |s: &mut Span| {
        s.start += by;
        s.end += by;
    };
    sh(&mut p.base_span);
    sh(&mut p.span);
    for e in p.index.iter_mut().chain(p.set.iter_mut().flatten()) {
        lang::syntax::shift(e, by);
    }
}

/// Parse a formula that is the whole of `s[a..b]`; spans relative to `s`.
pub fn formula_at(s: &str, a: usize, b: usize) -> Result<Expr, LangError> {
    let sub = &s[a..b];
    let mut e = lang::parse_expr(sub).map_err(|e| e.shifted(a))?;
    lang::syntax::shift(&mut e, a);
    Ok(e)
}

/// Parse quantifiers that are the whole of `s[a..b]`; spans relative to `s`.
pub fn quantifiers_at(s: &str, a: usize, b: usize) -> Result<Vec<Quantifier>, LangError> {
    let mut qs = lang::parse_quantifiers(&s[a..b]).map_err(|e| e.shifted(a))?;
    for q in &mut qs {
        lang::syntax::shift_quantifier(q, a);
    }
    Ok(qs)
}

/// Parse a name pattern that is the whole of `s[a..b]`; spans relative to `s`.
pub fn pattern_at(s: &str, a: usize, b: usize) -> Result<NamePattern, LangError> {
    let mut p = lang::parse_name_pattern(&s[a..b]).map_err(|e| e.shifted(a))?;
    shift_pattern(&mut p, a);
    Ok(p)
}

struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, t: &str) -> bool {
        if self.s[self.pos..].starts_with(t) {
            self.pos += t.len();
            true
        } else {
            false
        }
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, LangError> {
        let end = self.pos + self.peek().map_or(0, |c| c.len_utf8());
        Err(LangError::new(Span::from(self.pos..end), message))
    }

    fn uint(&mut self) -> Result<Option<u64>, LangError> {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            return Ok(None);
        }
        self.s[start..self.pos].parse().map(Some).map_err(|_| {
            LangError::new(
                Span::from(start..self.pos),
                "the number is too large".to_string(),
            )
        })
    }

    /// End of a name-like token at `pos`: identifier, then `[…]` and `{…}` groups.
    fn name_end(&self) -> Result<usize, LangError> {
        let mut i = self.pos;
        while let Some(c) = self.s[i..].chars().next() {
            if is_ident_char(c) {
                i += c.len_utf8();
            } else {
                break;
            }
        }
        for open in ['[', '{'] {
            if self.s[i..].starts_with(open) {
                match matching(self.s, i) {
                    Some(close) => i = close + 1,
                    None => {
                        return Err(LangError::new(
                            Span::from(i..i + 1),
                            format!("`{open}` is never closed"),
                        ))
                    }
                }
            }
        }
        Ok(i)
    }

    /// After a coefficient: is a factor next (so the coefficient needs no `*`)?
    fn factor_follows(&self, at: usize) -> bool {
        let rest = self.s[at..].trim_start();
        rest.starts_with('*')
            || rest.starts_with('·')
            || rest.starts_with('(')
            || rest.chars().next().is_some_and(is_ident_start)
    }
}

fn sign(c: &mut Cursor) -> Option<bool> {
    for (s, neg) in [("+", false), ("⊕", false), ("-", true), ("−", true)] {
        if c.eat(s) {
            return Some(neg);
        }
    }
    None
}

fn parse_pexpr(c: &mut Cursor, depth: usize) -> Result<PExpr, LangError> {
    if depth > 64 {
        return c.err("expression nested too deeply");
    }
    let mut terms = Vec::new();
    c.skip_ws();
    let mut negative = sign(c).unwrap_or(false);
    loop {
        c.skip_ws();
        terms.push(parse_term(c, negative, depth)?);
        c.skip_ws();
        match sign(c) {
            Some(neg) => negative = neg,
            None => return Ok(PExpr { terms }),
        }
    }
}

fn parse_term(c: &mut Cursor, negative: bool, depth: usize) -> Result<Term, LangError> {
    let start = c.pos;
    let mut coef = None;
    if let Some(num) = c.uint()? {
        let mut den = 1;
        c.skip_ws();
        if c.eat("/") {
            c.skip_ws();
            match c.uint()? {
                Some(d) => den = d,
                None => return c.err("expected a denominator after `/`"),
            }
        }
        coef = Some(Coef::Frac {
            num,
            den,
            span: Span::from(start..c.pos),
        });
        c.skip_ws();
        if !(c.eat("*") || c.eat("·")) && c.peek().is_none() {
            return Err(LangError::new(
                Span::from(start..c.pos),
                "a constant is not a linear expression: expected a variable after the coefficient",
            ));
        }
        c.skip_ws();
    } else if c.peek() == Some('(') {
        let close = matching(c.s, c.pos)
            .ok_or_else(|| LangError::new(Span::from(c.pos..c.pos + 1), "`(` is never closed"))?;
        if c.factor_follows(close + 1) {
            coef = Some(Coef::Formula(formula_at(c.s, c.pos + 1, close)?));
            c.pos = close + 1;
            c.skip_ws();
            if c.eat("*") || c.eat("·") {
                c.skip_ws();
            }
        }
    } else if c.peek().is_some_and(is_ident_start) && !c.s[c.pos..].starts_with("sum(") {
        let end = c.name_end()?;
        let rest = c.s[end..].trim_start();
        if rest.starts_with('*') || rest.starts_with('·') || rest.starts_with('^') {
            // A formula atom used as a coefficient: `C[k,j] * Z[j]`, `a^k * Z[k]`.
            let (e, used) = lang::parse_atom_prefix(&c.s[c.pos..]).map_err(|e| e.shifted(c.pos))?;
            let mut e = e;
            lang::syntax::shift(&mut e, c.pos);
            c.pos += used;
            c.skip_ws();
            if !(c.eat("*") || c.eat("·")) {
                return c.err("expected `*` after the coefficient");
            }
            c.skip_ws();
            coef = Some(Coef::Formula(e));
        }
    }
    let factor = parse_factor(c, depth)?;
    Ok(Term {
        negative,
        coef,
        factor,
        span: Span::from(start..c.pos),
    })
}

fn parse_factor(c: &mut Cursor, depth: usize) -> Result<Factor, LangError> {
    let start = c.pos;
    match c.peek() {
        Some('(') => {
            c.pos += 1;
            let inner = parse_pexpr(c, depth + 1)?;
            c.skip_ws();
            if !c.eat(")") {
                return c.err("expected `)`");
            }
            Ok(Factor::Group(inner))
        }
        Some(ch) if is_ident_start(ch) => {
            if c.s[c.pos..].starts_with("sum(") {
                let open = c.pos + 3;
                let close = matching(c.s, open).ok_or_else(|| {
                    LangError::new(Span::from(open..open + 1), "`sum(` is never closed")
                })?;
                let inner = &c.s[open + 1..close];
                let Some(f) = find_for(inner) else {
                    return Err(LangError::new(
                        Span::from(start..close + 1),
                        "`sum(…)` needs `for`: sum(TERM for k in SET)",
                    ));
                };
                let body_end = open + 1 + f;
                let mut sub = Cursor {
                    s: &c.s[..body_end],
                    pos: open + 1,
                };
                let body = parse_pexpr(&mut sub, depth + 1)?;
                sub.skip_ws();
                if sub.pos != body_end {
                    return sub.err("unexpected text before `for`");
                }
                let qs = quantifiers_at(c.s, body_end + 3, close)?;
                c.pos = close + 1;
                return Ok(Factor::Sum(body, qs, Span::from(start..c.pos)));
            }
            let end = c.name_end()?;
            let name = pattern_at(c.s, c.pos, end)?;
            c.pos = end;
            let mut component = None;
            if c.peek() == Some('(') {
                let close = matching(c.s, c.pos).ok_or_else(|| {
                    LangError::new(Span::from(c.pos..c.pos + 1), "`(` is never closed")
                })?;
                let e = formula_at(c.s, c.pos + 1, close)?;
                component = Some(match e.kind {
                    ExprKind::Bin(lang::BinOp::Range, a, b) => (*a, Some(*b)),
                    _ => (e, None),
                });
                c.pos = close + 1;
            }
            Ok(Factor::Ref {
                name,
                component,
                span: Span::from(start..c.pos),
            })
        }
        None => c.err("expression ends early: expected a variable or `(`"),
        Some(ch) => c.err(format!("unexpected `{ch}`: expected a variable or `(`")),
    }
}

/// Parse a whole string as one parametric linear expression.
pub fn parse(text: &str) -> Result<PExpr, LangError> {
    let mut c = Cursor { s: text, pos: 0 };
    let e = parse_pexpr(&mut c, 0)?;
    c.skip_ws();
    if c.pos != text.len() {
        return c.err(format!(
            "unexpected `{}`: expected `+`, `-` or the end of the expression",
            c.peek().unwrap_or(' ')
        ));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(e: &PExpr) -> String {
        e.terms
            .iter()
            .map(|t| {
                let c = match &t.coef {
                    None => String::new(),
                    Some(Coef::Frac { num, den, .. }) => format!("{num}/{den} "),
                    Some(Coef::Formula(_)) => "f ".into(),
                };
                let f = match &t.factor {
                    Factor::Group(g) => format!("({})", shape(g)),
                    Factor::Sum(b, qs, _) => format!("sum[{}; {}]", shape(b), qs.len()),
                    Factor::Ref {
                        name, component, ..
                    } => format!(
                        "{}{}",
                        name.base,
                        match component {
                            None => "",
                            Some((_, None)) => "(c)",
                            Some((_, Some(_))) => "(c..c)",
                        }
                    ),
                };
                format!("{}{c}{f}", if t.negative { "-" } else { "+" })
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn parses_flat_and_parametric_terms() {
        let e = parse("-1/3 ZS{1,2} - 1/4 N{1,2}").unwrap();
        assert_eq!(shape(&e), "-1/3 ZS -1/4 N");
        let e = parse("3 (W[2](1) + S[2]) + 10 W[2](2)").unwrap();
        assert_eq!(shape(&e), "+3/1 (+W(c) +S) +10/1 W(c)");
        let e = parse("(1/(k-(K+j))) * Z[j] + C[k,j] * ZS{S}(j) + (2^k) W[k](1..U-T)").unwrap();
        assert_eq!(shape(&e), "+f Z +f ZS(c) +f W(c..c)");
        let e = parse(
            "sum(C[k,j] * Z[j] for j in 1..U) - sum(Z[u,v] for u in 1..U, v in 1..V if u < U)",
        )
        .unwrap();
        assert_eq!(shape(&e), "+sum[+f Z; 1] -sum[+Z; 2]");
        let e = parse("W[k] + Z[k]").unwrap();
        assert_eq!(shape(&e), "+W +Z");
    }

    #[test]
    fn errors_are_located_in_the_string() {
        let e = parse("W[1] + ").unwrap_err();
        assert_eq!(e.span.start, 7);
        let e = parse("W[1] + 3").unwrap_err();
        assert!(e.message.contains("constant"), "{e:?}");
        let e = parse("sum(Z[j] in 1..3)").unwrap_err();
        assert!(e.message.contains("needs `for`"), "{e:?}");
        let e = parse("(1/(k - ) * Z[1]").unwrap_err();
        assert!(e.message.contains("never closed"), "{e:?}");
        let e = parse("W[1] + (1/(k - )) Z[1]").unwrap_err();
        assert_eq!(e.span.start, 15, "{e:?}");
        let e = parse("sum(Z[j] for j 1..3)").unwrap_err();
        assert!(e.message.contains("`in`"), "{e:?}");
        assert!(e.span.start >= 13, "{e:?}");
    }
}
