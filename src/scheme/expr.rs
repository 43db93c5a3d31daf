//! Linear expressions as the papers write them: `3 (W[2](1) + S[2]) + 10 W[2](2)`,
//! `-1/3 (Z[1] + Z[2])`, `11Θ[1](1) ⊕ 11S[1]`.
//!
//! Grammar (whitespace free between tokens, except inside a name):
//! ```text
//! expr   := [sign] term (sign term)*          sign := + | - | − | ⊕
//! term   := [coef ['*' | '·']] factor
//! coef   := uint ['/' uint]                    (a/b means a · b⁻¹ in F_p)
//! factor := '(' expr ')' | name ['(' uint ['..' uint] ')']   (component selection, 1-based)
//! ```
//! Parsing is independent of the field and of what the names mean; [`Expr`] keeps byte
//! offsets so the spec reader can point at the offending token.

use super::names::{parse_pattern_at, Cursor, Name, SyntaxError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coef {
    pub negative: bool,
    pub num: u64,
    pub den: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub coef: Coef,
    pub factor: Factor,
    /// Byte offset of the term's start.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Factor {
    Group(Expr),
    Ref {
        name: Name,
        /// 1-based inclusive component range.
        component: Option<(u32, u32)>,
        offset: usize,
        len: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub terms: Vec<Term>,
}

fn sign(c: &mut Cursor) -> Option<bool> {
    for (s, neg) in [("+", false), ("⊕", false), ("-", true), ("−", true)] {
        if c.eat(s) {
            return Some(neg);
        }
    }
    None
}

fn parse_expr(c: &mut Cursor, depth: usize) -> Result<Expr, SyntaxError> {
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
            None => return Ok(Expr { terms }),
        }
    }
}

fn parse_term(c: &mut Cursor, negative: bool, depth: usize) -> Result<Term, SyntaxError> {
    let offset = c.pos;
    let mut coef = Coef {
        negative,
        num: 1,
        den: 1,
    };
    if let Some(n) = c.uint()? {
        coef.num = n;
        c.skip_ws();
        if c.eat("/") {
            c.skip_ws();
            match c.uint()? {
                Some(d) => coef.den = d,
                None => return c.err("expected a denominator after `/`"),
            }
        }
        c.skip_ws();
        if !(c.eat("*") || c.eat("·")) && c.peek().is_none() {
            return Err(SyntaxError {
                offset,
                message: "a constant is not a linear expression: expected a variable after the coefficient".into(),
            });
        }
        c.skip_ws();
    }
    let factor = match c.peek() {
        Some('(') => {
            c.bump();
            let inner = parse_expr(c, depth + 1)?;
            c.skip_ws();
            if !c.eat(")") {
                return c.err("expected `)`");
            }
            Factor::Group(inner)
        }
        Some(ch) if super::names::is_ident_start(ch) => {
            let start = c.pos;
            let pattern = parse_pattern_at(c)?;
            let Some(name) = pattern.to_name() else {
                return Err(SyntaxError {
                    offset: start,
                    message: "ranges and placeholders are for declarations; an expression names one variable".into(),
                });
            };
            let len = c.pos - start;
            let mut component = None;
            if c.peek() == Some('(') {
                c.bump();
                c.skip_ws();
                let Some(a) = c.uint()? else {
                    return c.err("expected a component number inside `( )`");
                };
                let mut b = a;
                c.skip_ws();
                if c.eat("..") {
                    c.skip_ws();
                    match c.uint()? {
                        Some(v) => b = v,
                        None => return c.err("expected the end of the component range"),
                    }
                }
                c.skip_ws();
                if !c.eat(")") {
                    return c.err("expected `)` after the component");
                }
                if a == 0 || b < a || b > u32::MAX as u64 {
                    return Err(SyntaxError {
                        offset: start,
                        message: format!(
                            "bad component ({a}..{b}): components are numbered from 1"
                        ),
                    });
                }
                component = Some((a as u32, b as u32));
            }
            Factor::Ref {
                name,
                component,
                offset: start,
                len,
            }
        }
        None => return c.err("expression ends early: expected a variable or `(`"),
        Some(ch) => return c.err(format!("unexpected `{ch}`: expected a variable or `(`")),
    };
    Ok(Term {
        coef,
        factor,
        offset,
    })
}

/// Parse a whole string as one linear expression.
pub fn parse_expr_str(text: &str) -> Result<Expr, SyntaxError> {
    let mut c = Cursor::new(text);
    let e = parse_expr(&mut c, 0)?;
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

    fn refs(e: &Expr, out: &mut Vec<String>) {
        for t in &e.terms {
            match &t.factor {
                Factor::Group(g) => refs(g, out),
                Factor::Ref {
                    name, component, ..
                } => out.push(format!("{name}{component:?}")),
            }
        }
    }

    #[test]
    fn parses_paper_notation() {
        let e = parse_expr_str("3 (W[2](1) + S[2]) + 10 W[2](2)").unwrap();
        assert_eq!(e.terms.len(), 2);
        assert_eq!(e.terms[0].coef.num, 3);
        let mut r = vec![];
        refs(&e, &mut r);
        assert_eq!(r, ["W[2]Some((1, 1))", "S[2]None", "W[2]Some((2, 2))"]);
        let e = parse_expr_str("11Θ[1](1) ⊕ 11S[1] − 1/3·Z[1]").unwrap();
        assert_eq!(e.terms.len(), 3);
        assert!(e.terms[2].coef.negative);
        assert_eq!((e.terms[2].coef.num, e.terms[2].coef.den), (1, 3));
    }

    #[test]
    fn errors_have_offsets() {
        let e = parse_expr_str("W[1] + ").unwrap_err();
        assert_eq!(e.offset, 7);
        let e = parse_expr_str("W[1] + 3").unwrap_err();
        assert!(e.message.contains("constant"), "{}", e.message);
        let e = parse_expr_str("W[1] W[2]").unwrap_err();
        assert_eq!(e.offset, 5);
        let e = parse_expr_str("(W[1] + W[2]").unwrap_err();
        assert!(e.message.contains("`)`"));
        let e = parse_expr_str("W[1..2]").unwrap_err();
        assert!(e.message.contains("declarations"));
        let e = parse_expr_str("W[1](0)").unwrap_err();
        assert!(e.message.contains("numbered from 1"));
        assert!(parse_expr_str("3 / W[1]").is_err());
        assert!(parse_expr_str("").is_err());
    }
}
