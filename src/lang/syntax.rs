//! Lexer, AST and parser of the declaration language: one grammar for formulas, set
//! expressions, quantifiers and comprehensions (see the module doc of [`crate::lang`]).

use super::LangError;
use crate::scheme::Span;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Int(i64),
    Ident(String),
    /// Punctuation and operators, normalised (`≤` → `<=`, `∖` → `\`, `×` → `x`, `∪` → `union`).
    Op(&'static str),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

const OPS: &[(&str, &str)] = &[
    ("..", ".."),
    ("==", "=="),
    ("!=", "!="),
    ("<=", "<="),
    (">=", ">="),
    ("≤", "<="),
    ("≥", ">="),
    ("≠", "!="),
    ("∖", "\\"),
    ("×", "x"),
    ("∪", "union"),
    ("∈", "in"),
    ("<", "<"),
    (">", ">"),
    ("=", "="),
    ("+", "+"),
    ("-", "-"),
    ("*", "*"),
    ("/", "/"),
    ("^", "^"),
    ("(", "("),
    (")", ")"),
    ("[", "["),
    ("]", "]"),
    ("{", "{"),
    ("}", "}"),
    (",", ","),
    ("\\", "\\"),
    (":", ":"),
];

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '\''
}

pub(crate) fn lex(src: &str) -> Result<Vec<Token>, LangError> {
    let mut out = Vec::new();
    lex_into(src, &mut out)?;
    Ok(out)
}

/// Lex as much as possible; on an error, `out` holds the tokens before it.
fn lex_into(src: &str, out: &mut Vec<Token>) -> Result<(), LangError> {
    let mut i = 0;
    let b = src.as_bytes();
    'outer: while i < src.len() {
        let c = src[i..].chars().next().expect("in bounds");
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
                i += 1;
            }
            let digits: String = src[start..i].chars().filter(|&c| c != '_').collect();
            let v: i64 = digits.parse().map_err(|_| {
                LangError::new(
                    Span::from(start..i),
                    format!("the number {digits} is too large"),
                )
            })?;
            out.push(Token {
                tok: Tok::Int(v),
                span: Span::from(start..i),
            });
            continue;
        }
        if is_ident_start(c) {
            let start = i;
            while let Some(c) = src[i..].chars().next() {
                if !is_ident_char(c) {
                    break;
                }
                i += c.len_utf8();
            }
            out.push(Token {
                tok: Tok::Ident(src[start..i].to_string()),
                span: Span::from(start..i),
            });
            continue;
        }
        for (text, op) in OPS {
            if src[i..].starts_with(text) {
                out.push(Token {
                    tok: Tok::Op(op),
                    span: Span::from(i..i + text.len()),
                });
                i += text.len();
                continue 'outer;
            }
        }
        return Err(LangError::new(
            Span::from(i..i + c.len_utf8()),
            format!("unexpected character `{c}`"),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `a..b`: the integers a, a+1, …, b (empty when b < a).
    Range,
    /// `S \ T`.
    Diff,
    /// `S union T` (also `∪`).
    Union,
    /// `S x T` (also `×`): the set of pairs.
    Product,
    /// `e in S`: membership (a boolean).
    In,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Range => "..",
            BinOp::Diff => "\\",
            BinOp::Union => "union",
            BinOp::Product => "x",
            BinOp::In => "in",
        }
    }
}

/// A parsed expression with its span in the parsed text.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Int(i64),
    Ident(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `f(args)`: a function, or the open neighbourhood `N(k)` of a graph `N`.
    Call(String, Vec<Expr>),
    /// `N[k]`: the closed neighbourhood of `k` in the graph `N`.
    Index(String, Vec<Expr>),
    /// `(a, b)`.
    Tuple(Vec<Expr>),
    /// `{a, b}` or `[a, b]`: an explicit set.
    Set(Vec<Expr>),
    /// `e for k in S, …` (inside `sum(…)`, `min(…)`, `max(…)`, `{…}`).
    Comp(Box<Expr>, Vec<Quantifier>),
}

/// A bound variable: a name or a tuple of names (`(v, u) in servers x users`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binder {
    Name(String),
    Tuple(Vec<String>),
}

impl Binder {
    pub fn names(&self) -> Vec<&str> {
        match self {
            Binder::Name(n) => vec![n.as_str()],
            Binder::Tuple(v) => v.iter().map(|s| s.as_str()).collect(),
        }
    }
}

/// `k in S if FILTER`: one level of a quantifier nest.
#[derive(Debug, Clone)]
pub struct Quantifier {
    pub binder: Binder,
    pub binder_span: Span,
    pub set: Expr,
    pub filters: Vec<Expr>,
    pub span: Span,
}

pub(crate) struct Parser<'a> {
    pub src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// Nesting depth (bounded, so a pathological input cannot overflow the stack).
    depth: usize,
}

/// Deepest nesting of parentheses, brackets and sub-expressions accepted.
const MAX_DEPTH: usize = 100;

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Result<Self, LangError> {
        Ok(Parser {
            src,
            toks: lex(src)?,
            pos: 0,
            depth: 0,
        })
    }

    /// A parser over the tokens before the first character that cannot be lexed.
    pub fn new_lenient(src: &'a str) -> Self {
        let mut toks = Vec::new();
        let _ = lex_into(src, &mut toks);
        Parser {
            src,
            toks,
            pos: 0,
            depth: 0,
        }
    }

    /// One atom with an optional exponent.
    pub fn atom(&mut self) -> Result<Expr, LangError> {
        self.power()
    }

    pub fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }

    pub fn here(&self) -> Span {
        match self.toks.get(self.pos) {
            Some(t) => t.span,
            None => Span::from(self.src.len()..self.src.len()),
        }
    }

    pub fn peek_second(&self) -> Option<&Tok> {
        self.peek_at(1)
    }

    pub fn prev_end(&self) -> usize {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].span.end
        }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(s)) if s == kw)
    }

    pub fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect_op(&mut self, op: &str) -> Result<(), LangError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{op}`")))
        }
    }

    pub fn unexpected(&self, wanted: &str) -> LangError {
        match self.toks.get(self.pos) {
            Some(t) => LangError::new(
                t.span,
                format!(
                    "expected {wanted}, found `{}`",
                    &self.src[t.span.start..t.span.end]
                ),
            ),
            None => LangError::new(self.here(), format!("expected {wanted}, found the end")),
        }
    }

    pub fn ident(&mut self) -> Option<(String, Span)> {
        match self.toks.get(self.pos) {
            Some(Token {
                tok: Tok::Ident(s),
                span,
            }) if !is_keyword(s) => {
                let r = (s.clone(), *span);
                self.pos += 1;
                Some(r)
            }
            _ => None,
        }
    }

    pub fn finish(&self) -> Result<(), LangError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.unexpected("the end"))
        }
    }

    fn node(&self, kind: ExprKind, start: usize) -> Expr {
        Expr {
            kind,
            span: Span::from(start..self.prev_end().max(start)),
        }
    }

    pub fn expr(&mut self) -> Result<Expr, LangError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(LangError::new(
                self.here(),
                format!("the expression is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        let r = self.or();
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let mut l = self.and()?;
        while self.eat_kw("or") {
            let r = self.and()?;
            l = self.node(ExprKind::Bin(BinOp::Or, Box::new(l), Box::new(r)), start);
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let mut l = self.not()?;
        while self.eat_kw("and") {
            let r = self.not()?;
            l = self.node(ExprKind::Bin(BinOp::And, Box::new(l), Box::new(r)), start);
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        if self.eat_kw("not") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(LangError::new(self.here(), "too many `not`s in a row"));
            }
            let e = self.not();
            self.depth -= 1;
            return Ok(self.node(ExprKind::Not(Box::new(e?)), start));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let l = self.setops()?;
        let op = match self.peek() {
            Some(Tok::Op("==")) => BinOp::Eq,
            Some(Tok::Op("!=")) => BinOp::Ne,
            Some(Tok::Op("<")) => BinOp::Lt,
            Some(Tok::Op("<=")) => BinOp::Le,
            Some(Tok::Op(">")) => BinOp::Gt,
            Some(Tok::Op(">=")) => BinOp::Ge,
            Some(Tok::Op("in")) => BinOp::In,
            Some(Tok::Ident(s)) if s == "in" => BinOp::In,
            _ => return Ok(l),
        };
        self.pos += 1;
        let r = self.setops()?;
        Ok(self.node(ExprKind::Bin(op, Box::new(l), Box::new(r)), start))
    }

    fn setops(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let mut l = self.range()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("\\")) => BinOp::Diff,
                Some(Tok::Op("union")) => BinOp::Union,
                Some(Tok::Op("x")) => BinOp::Product,
                Some(Tok::Ident(s)) if s == "union" => BinOp::Union,
                // `x` between two operands is the product (juxtaposition is otherwise invalid).
                Some(Tok::Ident(s)) if s == "x" && self.starts_operand(1) => BinOp::Product,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.range()?;
            l = self.node(ExprKind::Bin(op, Box::new(l), Box::new(r)), start);
        }
    }

    fn starts_operand(&self, k: usize) -> bool {
        match self.peek_at(k) {
            Some(Tok::Int(_)) => true,
            Some(Tok::Ident(s)) => !is_keyword(s),
            Some(Tok::Op(o)) => matches!(*o, "(" | "{" | "[" | "-"),
            None => false,
        }
    }

    fn range(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let l = self.additive()?;
        if self.eat_op("..") {
            let r = self.additive()?;
            return Ok(self.node(ExprKind::Bin(BinOp::Range, Box::new(l), Box::new(r)), start));
        }
        Ok(l)
    }

    fn additive(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let mut l = self.multiplicative()?;
        loop {
            let op = if self.eat_op("+") {
                BinOp::Add
            } else if self.eat_op("-") {
                BinOp::Sub
            } else {
                return Ok(l);
            };
            let r = self.multiplicative()?;
            l = self.node(ExprKind::Bin(op, Box::new(l), Box::new(r)), start);
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let mut l = self.unary()?;
        loop {
            let op = if self.eat_op("*") {
                BinOp::Mul
            } else if self.eat_op("/") {
                BinOp::Div
            } else {
                return Ok(l);
            };
            let r = self.unary()?;
            l = self.node(ExprKind::Bin(op, Box::new(l), Box::new(r)), start);
        }
    }

    fn unary(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        if self.eat_op("-") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(LangError::new(self.here(), "too many signs in a row"));
            }
            let e = self.unary();
            self.depth -= 1;
            return Ok(self.node(ExprKind::Neg(Box::new(e?)), start));
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        let base = self.primary()?;
        if self.eat_op("^") {
            let e = self.unary()?;
            return Ok(self.node(
                ExprKind::Bin(BinOp::Pow, Box::new(base), Box::new(e)),
                start,
            ));
        }
        Ok(base)
    }

    /// Comma-separated items up to `close`; an item followed by `for` is a comprehension.
    fn items(&mut self, close: &str) -> Result<Vec<Expr>, LangError> {
        let mut out = Vec::new();
        if self.eat_op(close) {
            return Ok(out);
        }
        loop {
            let start = self.here().start;
            let e = self.expr()?;
            if self.is_kw("for") {
                self.pos += 1;
                let qs = self.quantifiers(&[close])?;
                out.push(self.node(ExprKind::Comp(Box::new(e), qs), start));
            } else {
                out.push(e);
            }
            if self.eat_op(close) {
                return Ok(out);
            }
            if !self.eat_op(",") {
                return Err(self.unexpected(&format!("`,` or `{close}`")));
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, LangError> {
        let start = self.here().start;
        match self.peek().cloned() {
            Some(Tok::Int(v)) => {
                self.pos += 1;
                Ok(self.node(ExprKind::Int(v), start))
            }
            Some(Tok::Ident(name)) if !is_keyword(&name) => {
                self.pos += 1;
                if self.eat_op("(") {
                    let args = self.items(")")?;
                    Ok(self.node(ExprKind::Call(name, args), start))
                } else if self.eat_op("[") {
                    let args = self.items("]")?;
                    Ok(self.node(ExprKind::Index(name, args), start))
                } else {
                    Ok(self.node(ExprKind::Ident(name), start))
                }
            }
            Some(Tok::Op("(")) => {
                self.pos += 1;
                let mut items = self.items(")")?;
                if items.len() == 1 {
                    let mut e = items.pop().expect("one item");
                    e.span = Span::from(start..self.prev_end());
                    Ok(e)
                } else {
                    Ok(self.node(ExprKind::Tuple(items), start))
                }
            }
            Some(Tok::Op("{")) => {
                self.pos += 1;
                let items = self.items("}")?;
                Ok(self.node(ExprKind::Set(items), start))
            }
            Some(Tok::Op("[")) => {
                self.pos += 1;
                let items = self.items("]")?;
                Ok(self.node(ExprKind::Set(items), start))
            }
            _ => Err(self.unexpected("a number, a name, `(`, `{` or `[`")),
        }
    }

    /// `k in S [if F]…, (a, b) in T, …` up to one of `stops` (not consumed) or the end.
    pub fn quantifiers(&mut self, stops: &[&str]) -> Result<Vec<Quantifier>, LangError> {
        let mut out = Vec::new();
        loop {
            let start = self.here().start;
            let binder = if self.eat_op("(") {
                let mut names = Vec::new();
                loop {
                    let Some((n, _)) = self.ident() else {
                        return Err(self.unexpected("a variable name"));
                    };
                    names.push(n);
                    if self.eat_op(")") {
                        break;
                    }
                    self.expect_op(",")?;
                }
                Binder::Tuple(names)
            } else {
                match self.ident() {
                    Some((n, _)) => Binder::Name(n),
                    None => return Err(self.unexpected("a variable name")),
                }
            };
            let binder_span = Span::from(start..self.prev_end());
            if !(self.eat_kw("in") || self.eat_op("in")) {
                return Err(self.unexpected("`in`"));
            }
            let set = self.setops()?;
            let mut filters = Vec::new();
            while self.eat_kw("if") {
                filters.push(self.expr()?);
            }
            out.push(Quantifier {
                binder,
                binder_span,
                set,
                filters,
                span: Span::from(start..self.prev_end()),
            });
            if out.len() > MAX_DEPTH {
                return Err(LangError::new(
                    Span::from(start..self.prev_end()),
                    format!("more than {MAX_DEPTH} quantifiers in one nest"),
                ));
            }
            if self.at_end() || stops.iter().any(|s| self.is_op(s)) {
                return Ok(out);
            }
            if !self.eat_op(",") {
                return Err(self.unexpected("`,`, `if` or the end of the quantifiers"));
            }
        }
    }
}

pub(crate) fn is_keyword(s: &str) -> bool {
    matches!(s, "and" | "or" | "not" | "in" | "for" | "if" | "union")
}

impl Expr {
    /// Every free identifier (parameters, sets, bound variables, graphs, function names are
    /// excluded), with the span of its first use; names bound by inner comprehensions are not free.
    pub fn free_names(&self) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        let mut bound = Vec::new();
        self.collect(&mut bound, &mut out);
        out
    }

    fn collect(&self, bound: &mut Vec<String>, out: &mut Vec<(String, Span)>) {
        let mut push = |n: &str, span: Span, bound: &Vec<String>| {
            if !bound.iter().any(|b| b == n) && !out.iter().any(|(o, _)| o == n) {
                out.push((n.to_string(), span));
            }
        };
        match &self.kind {
            ExprKind::Int(_) => {}
            ExprKind::Ident(n) => {
                if n != "size" {
                    push(n, self.span, bound)
                }
            }
            ExprKind::Neg(e) | ExprKind::Not(e) => e.collect(bound, out),
            ExprKind::Bin(_, a, b) => {
                a.collect(bound, out);
                b.collect(bound, out);
            }
            ExprKind::Call(f, args) => {
                if !super::formula::is_function(f) {
                    push(f, self.span, bound);
                }
                for a in args {
                    a.collect(bound, out);
                }
            }
            ExprKind::Index(g, args) => {
                push(g, self.span, bound);
                for a in args {
                    a.collect(bound, out);
                }
            }
            ExprKind::Tuple(v) | ExprKind::Set(v) => {
                for a in v {
                    a.collect(bound, out);
                }
            }
            ExprKind::Comp(e, qs) => {
                let depth = bound.len();
                for q in qs {
                    q.set.collect(bound, out);
                    bound.extend(q.binder.names().into_iter().map(String::from));
                    for f in &q.filters {
                        f.collect(bound, out);
                    }
                }
                e.collect(bound, out);
                bound.truncate(depth);
            }
        }
    }

    /// The text of this expression in `src` (the string it was parsed from).
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.span.start..self.span.end).unwrap_or("")
    }
}

/// Free names of a quantifier nest (outer binders are bound in inner levels).
pub fn nest_free_names(qs: &[Quantifier]) -> Vec<(String, Span)> {
    let mut out: Vec<(String, Span)> = Vec::new();
    let mut bound: Vec<String> = Vec::new();
    for q in qs {
        let mut add = |v: Vec<(String, Span)>, bound: &Vec<String>| {
            for (n, s) in v {
                if !bound.contains(&n) && !out.iter().any(|(o, _)| *o == n) {
                    out.push((n, s));
                }
            }
        };
        add(q.set.free_names(), &bound);
        bound.extend(q.binder.names().into_iter().map(String::from));
        for f in &q.filters {
            add(f.free_names(), &bound);
        }
    }
    out
}

fn shift_span(s: &mut Span, by: usize) {
    s.start += by;
    s.end += by;
}

/// Move every span of `e` by `by` bytes (for an expression parsed out of a larger string).
pub fn shift(e: &mut Expr, by: usize) {
    shift_span(&mut e.span, by);
    match &mut e.kind {
        ExprKind::Int(_) | ExprKind::Ident(_) => {}
        ExprKind::Neg(a) | ExprKind::Not(a) => shift(a, by),
        ExprKind::Bin(_, a, b) => {
            shift(a, by);
            shift(b, by);
        }
        ExprKind::Call(_, v) | ExprKind::Index(_, v) | ExprKind::Tuple(v) | ExprKind::Set(v) => {
            v.iter_mut().for_each(|x| shift(x, by))
        }
        ExprKind::Comp(a, qs) => {
            shift(a, by);
            qs.iter_mut().for_each(|q| shift_quantifier(q, by));
        }
    }
}

pub fn shift_quantifier(q: &mut Quantifier, by: usize) {
    shift_span(&mut q.span, by);
    shift_span(&mut q.binder_span, by);
    shift(&mut q.set, by);
    q.filters.iter_mut().for_each(|f| shift(f, by));
}
