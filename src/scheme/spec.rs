//! The spec reader: TOML text → [`Scheme`], with every error located at file:line:col.
//!
//! The format is documented in docs/spec-format.md. The reader knows nothing about models:
//! it declares sources, evaluates variables, and records params and roles with their spans;
//! `models` validates those against the chosen model.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use thiserror::Error;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::expr::{parse_expr_str, Coef, Expr, Factor, Term};
use super::names::{parse_pattern, Name};
use super::{
    BlockRef, Expectation, Origin, Param, Role, Scheme, Source, SourceKind, Span, Variable,
};
use crate::field::{Field, SparseRow};

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SpecError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("{path}:{line}:{col}: {message}")]
    At {
        path: String,
        line: usize,
        col: usize,
        message: String,
        /// The source line the error points into, for display.
        source_line: String,
    },
}

impl SpecError {
    /// The message without the location prefix.
    pub fn message(&self) -> &str {
        match self {
            SpecError::File { message, .. } | SpecError::At { message, .. } => message,
        }
    }
}

/// Build a located error from a byte offset of the origin's text.
pub fn located(origin: &Origin, offset: usize, message: String) -> SpecError {
    let text = &origin.text;
    let mut offset = offset.min(text.len());
    // An offset inside a multi-byte character (e.g. a parser's position in truncated text)
    // points at that character.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let col = text[line_start..offset].chars().count() + 1;
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    SpecError::At {
        path: origin.path.clone(),
        line,
        col,
        message,
        source_line: text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string(),
    }
}

/// Read a spec file: TOML, or JSON when the file name ends in `.json`.
pub fn read_spec(path: &Path) -> Result<Scheme, SpecError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| SpecError::File {
        path: shown.clone(),
        message: format!("cannot read the spec: {e}"),
    })?;
    let text = text_of(bytes, &shown)?;
    if super::json::is_json(path) {
        super::json::read_json_spec_str(&text, &shown)
    } else {
        read_spec_str(&text, &shown)
    }
}

/// `X` for one row, `X(1)`, `X(2)`, … for several: how a row of a block is named.
pub fn component_names(name: &str, len: usize) -> Vec<String> {
    if len == 1 {
        vec![name.to_string()]
    } else {
        (1..=len).map(|j| format!("{name}({j})")).collect()
    }
}

/// The text of a spec file; invalid UTF-8 is an error located at its first bad byte.
pub fn text_of(bytes: Vec<u8>, path: &str) -> Result<String, SpecError> {
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let valid = String::from_utf8_lossy(&bytes[..good]).into_owned();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        let rest = String::from_utf8_lossy(&bytes[good..]);
        let line_rest = rest.split('\n').next().unwrap_or("");
        SpecError::At {
            path: path.to_string(),
            line: valid.matches('\n').count() + 1,
            col: valid[line_start..].chars().count() + 1,
            message: format!(
                "invalid UTF-8 (byte 0x{:02x}); a spec is UTF-8 text",
                bytes[good]
            ),
            source_line: format!("{}{}", &valid[line_start..], line_rest),
        }
    })
}

struct Reader {
    origin: Origin,
}

type Entry<'a> = (&'a Spanned<Cow<'a, str>>, &'a Spanned<DeValue<'a>>);

impl Reader {
    fn err(&self, offset: usize, message: impl Into<String>) -> SpecError {
        located(&self.origin, offset, message.into())
    }

    fn integer(&self, v: &Spanned<DeValue>, what: &str) -> Result<i64, SpecError> {
        match v.get_ref() {
            DeValue::Integer(i) => integer_literal(i)
                .ok_or_else(|| self.err(v.span().start, format!("{what} is out of range"))),
            _ => Err(self.err(
                v.span().start,
                format!("{what} must be an integer, found {}", kind(v.get_ref())),
            )),
        }
    }

    fn string<'v>(&self, v: &'v Spanned<DeValue>, what: &str) -> Result<&'v str, SpecError> {
        v.get_ref().as_str().ok_or_else(|| {
            self.err(
                v.span().start,
                format!("{what} must be a string, found {}", kind(v.get_ref())),
            )
        })
    }

    /// Byte offset of the first character of a string value's content, when the content is
    /// written without escapes (so offsets inside the value map 1:1 onto the file).
    fn content_start(&self, v: &Spanned<DeValue>, value: &str) -> Option<usize> {
        content_start(&self.origin.text, v.span(), value)
    }

    /// Offset in the file of byte `at` of a string value (falls back to the value's start).
    fn in_string(&self, v: &Spanned<DeValue>, value: &str, at: usize) -> usize {
        self.content_start(v, value)
            .map_or(v.span().start, |s| s + at)
    }

    fn table<'v>(
        &self,
        v: &'v Spanned<DeValue<'v>>,
        what: &str,
    ) -> Result<Vec<Entry<'v>>, SpecError> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t.iter().collect()),
            other => Err(self.err(
                v.span().start,
                format!("`{what}` must be a table, found {}", kind(other)),
            )),
        }
    }

    fn name(&self, key: &Spanned<Cow<str>>, allow_ranges: bool) -> Result<Vec<Name>, SpecError> {
        let start = key_content_start(&self.origin.text, key);
        let pat = parse_pattern(key.get_ref()).map_err(|e| {
            self.err(
                start + e.offset,
                format!("bad name `{}`: {}", key.get_ref(), e.message),
            )
        })?;
        if allow_ranges {
            pat.expand()
                .map_err(|m| self.err(start, format!("bad name `{}`: {m}", key.get_ref())))
        } else {
            match pat.to_name() {
                Some(n) => Ok(vec![n]),
                None => Err(self.err(
                    start,
                    format!(
                        "bad name `{}`: a variable is defined one at a time (no ranges or letters in its indices)",
                        key.get_ref()
                    ),
                )),
            }
        }
    }
}

impl Reader {
    /// `[expect]`: `verdict = "verified" | "violated"`, `failures = { family = n, ... }`,
    /// `rates = { R2 = "1/2", ... }`.
    fn expectation(&self, v: &Spanned<DeValue>) -> Result<Expectation, SpecError> {
        let mut e = Expectation {
            span: v.span().into(),
            ..Expectation::default()
        };
        for (k, val) in self.table(v, "expect")? {
            match k.get_ref().as_ref() {
                "verdict" => {
                    let s = self.string(val, "`expect.verdict`")?;
                    if s != "verified" && s != "violated" {
                        return Err(self.err(
                            val.span().start,
                            format!(
                                "`expect.verdict` is \"verified\" or \"violated\", found \"{s}\""
                            ),
                        ));
                    }
                    e.verdict = Some(s.to_string());
                }
                "failures" => {
                    for (fk, fv) in self.table(val, "expect.failures")? {
                        let n =
                            self.integer(fv, &format!("expected failures of `{}`", fk.get_ref()))?;
                        if n < 0 {
                            return Err(
                                self.err(fv.span().start, "a failure count cannot be negative")
                            );
                        }
                        e.failures
                            .push((fk.get_ref().to_string(), n as u64, fv.span().into()));
                    }
                }
                "rates" => {
                    for (rk, rv) in self.table(val, "expect.rates")? {
                        let s = self.string(rv, &format!("expected rate `{}`", rk.get_ref()))?;
                        e.rates
                            .push((rk.get_ref().to_string(), s.to_string(), rv.span().into()));
                    }
                }
                other => {
                    return Err(self.err(
                        k.span().start,
                        format!(
                            "unknown key `{other}` in [expect]; expected verdict, failures, rates"
                        ),
                    ))
                }
            }
        }
        Ok(e)
    }
}

/// The value of a TOML integer literal, if it fits an `i64`.
pub(crate) fn integer_literal(i: &toml::de::DeInteger) -> Option<i64> {
    let digits = i.as_str().replace('_', "");
    let digits = digits
        .trim_start_matches("0x")
        .trim_start_matches("0o")
        .trim_start_matches("0b");
    i64::from_str_radix(digits, i.radix()).ok()
}

/// Kind of a TOML value, for messages ("a string", "an array", …).
pub(crate) fn value_kind(v: &DeValue) -> &'static str {
    kind(v)
}

/// Byte offset of the first character of a string value's content (the value spans `span` of
/// `text`), when the content is written without escapes.
pub(crate) fn content_start(
    text: &str,
    span: std::ops::Range<usize>,
    value: &str,
) -> Option<usize> {
    let raw = text.get(span.clone())?;
    for q in ["\"", "'"] {
        if raw.len() >= 2
            && raw.starts_with(q)
            && raw.ends_with(q)
            && &raw[1..raw.len() - 1] == value
        {
            return Some(span.start + 1);
        }
    }
    None
}

pub(crate) fn key_content_start(text: &str, key: &Spanned<Cow<str>>) -> usize {
    let s = key.span().start;
    match text.as_bytes().get(s) {
        Some(b'"') | Some(b'\'') => s + 1,
        _ => s,
    }
}

fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

const TOP_KEYS: &[&str] = &[
    "title",
    "reference",
    "description",
    "model",
    "prime",
    "input-length",
    "inputs",
    "params",
    "roles",
    "randomness",
    "variables",
    "expect",
    "graphs",
];

/// `Scheme::model` of a spec whose model is declared inline in a `[model]` table.
pub const INLINE_MODEL: &str = "[model]";

/// A parsed, not yet evaluated, variable definition.
struct PendingVar<'v> {
    name: Name,
    key_offset: usize,
    /// (expression, its value in the TOML, the string)
    parts: Vec<(Expr, &'v Spanned<DeValue<'v>>, &'v str)>,
}

/// Read a spec from text; `path` is only used in messages. A parametric spec (loops,
/// formulas, `[matrices]`; see [`crate::param`]) is instantiated at its own parameter values.
pub fn read_spec_str(text: &str, path: &str) -> Result<Scheme, SpecError> {
    if crate::param::is_parametric(text) {
        return crate::param::read(text, path, &[]);
    }
    read_flat_spec_str(text, path)
}

/// Read a flat spec (today's format: no loops or formulas) from text.
pub fn read_flat_spec_str(text: &str, path: &str) -> Result<Scheme, SpecError> {
    let r = Reader {
        origin: Origin {
            path: path.to_string(),
            text: text.to_string(),
        },
    };
    let doc = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        r.err(at, format!("TOML syntax: {}", e.message().trim()))
    })?;
    let doc = doc.get_ref();

    let mut title = None;
    let mut reference = None;
    let mut model: Option<(String, Span)> = None;
    let mut prime: Option<(i64, usize)> = None;
    let mut input_length: Option<(i64, usize)> = None;
    let mut input_decls = Vec::new();
    let mut params = Vec::new();
    let mut roles = Vec::new();
    let mut rand_entries = Vec::new();
    let mut var_entries = Vec::new();
    let mut expect = None;

    for (key, value) in doc.iter() {
        let k: &str = key.get_ref();
        let at = value.span().start;
        match k {
            "title" => title = Some(r.string(value, "`title`")?.to_string()),
            "reference" => reference = Some(r.string(value, "`reference`")?.to_string()),
            "description" => {
                r.string(value, "`description`")?;
            }
            // An inline declaration (`[model]` table) is read by `models::declared`.
            "model" if matches!(value.get_ref(), DeValue::Table(_)) => {
                model = Some((INLINE_MODEL.to_string(), value.span().into()))
            }
            "model" => model = Some((r.string(value, "`model`")?.to_string(), value.span().into())),
            // Graphs for declared models (edge lists), read by `models::declared`.
            "graphs" => {
                r.table(value, "graphs")?;
            }
            "prime" => prime = Some((r.integer(value, "`prime`")?, at)),
            "input-length" => input_length = Some((r.integer(value, "`input-length`")?, at)),
            "inputs" => match value.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        let s = r.string(item, "each entry of `inputs`")?;
                        input_decls.push((item, s));
                    }
                }
                DeValue::String(s) => input_decls.push((value, s.as_ref())),
                other => {
                    return Err(r.err(
                        at,
                        format!("`inputs` must be an array of names, found {}", kind(other)),
                    ))
                }
            },
            "params" => {
                for (pk, pv) in r.table(value, "params")? {
                    params.push(Param {
                        name: pk.get_ref().to_string(),
                        value: r.integer(pv, &format!("parameter `{}`", pk.get_ref()))?,
                        span: pv.span().into(),
                    });
                }
            }
            "roles" => {
                for (rk, rv) in r.table(value, "roles")? {
                    let s = r.string(rv, &format!("role `{}`", rk.get_ref()))?;
                    let pattern = parse_pattern(s).map_err(|e| {
                        r.err(
                            r.in_string(rv, s, e.offset),
                            format!("bad role pattern `{s}`: {}", e.message),
                        )
                    })?;
                    roles.push(Role {
                        role: rk.get_ref().to_string(),
                        pattern,
                        span: rv.span().into(),
                    });
                }
            }
            "randomness" => rand_entries = r.table(value, "randomness")?,
            "variables" => var_entries = r.table(value, "variables")?,
            "expect" => expect = Some(r.expectation(value)?),
            other => {
                return Err(r.err(
                    key.span().start,
                    format!(
                        "unknown key `{other}`; expected one of: {}",
                        TOP_KEYS.join(", ")
                    ),
                ))
            }
        }
    }

    let missing = |what: &str| r.err(0, format!("missing `{what}` (see docs/spec-format.md)"));
    let (model, model_span) = model.ok_or_else(|| missing("model"))?;
    let (p, p_at) = prime.ok_or_else(|| missing("prime"))?;
    if p < 0 {
        return Err(r.err(p_at, format!("prime must be positive, found {p}")));
    }
    let field = Field::new(p as u64).map_err(|e| r.err(p_at, e.to_string()))?;
    let (l, l_at) = input_length.ok_or_else(|| missing("input-length"))?;
    if !(1..=1_000_000).contains(&l) {
        return Err(r.err(l_at, format!("input-length must be at least 1, found {l}")));
    }
    let input_length = l as usize;
    if input_decls.is_empty() {
        return Err(missing("inputs"));
    }

    // Sources: randomness first, then inputs (column order matters to the verifier).
    let mut d = Decls::default();
    for (key, value) in &rand_entries {
        let len = r.integer(value, &format!("the length of `{}`", key.get_ref()))?;
        if !(1..=100_000).contains(&len) {
            return Err(r.err(
                value.span().start,
                format!("a source has at least 1 symbol, found {len}"),
            ));
        }
        let span = Span::from(key.span());
        for name in r.name(key, true)? {
            d.declare(&r, name, SourceKind::Randomness, len as usize, span)?;
        }
    }
    let input_start = d.col;
    for (value, s) in &input_decls {
        let pat = parse_pattern(s).map_err(|e| {
            r.err(
                r.in_string(value, s, e.offset),
                format!("bad input name `{s}`: {}", e.message),
            )
        })?;
        let names = pat
            .expand()
            .map_err(|m| r.err(value.span().start, format!("bad input name `{s}`: {m}")))?;
        for name in names {
            d.declare(
                &r,
                name,
                SourceKind::Input,
                input_length,
                value.span().into(),
            )?;
        }
    }
    let Decls {
        sources,
        mut lookup,
        mut declared_at,
        col,
    } = d;
    let num_columns = col;
    if num_columns > 1_000_000 {
        return Err(r.err(0, format!("{num_columns} source symbols is too many")));
    }

    // Variables: names first (so references can point forward), then expressions.
    let mut pending: Vec<PendingVar> = Vec::new();
    for (key, value) in &var_entries {
        let name = r.name(key, false)?.remove(0);
        let key_offset = key_content_start(text, key);
        if let Some(&first) = declared_at.get(&name) {
            return Err(r.err(
                key_offset,
                format!(
                    "`{name}` is declared twice (first on line {})",
                    line_of(text, first)
                ),
            ));
        }
        declared_at.insert(name.clone(), key_offset);
        let items: Vec<&Spanned<DeValue>> = match value.get_ref() {
            DeValue::String(_) => vec![*value],
            DeValue::Array(a) if !a.is_empty() => a.iter().collect(),
            DeValue::Array(_) => {
                return Err(r.err(
                    value.span().start,
                    format!("`{name}` is defined as an empty list"),
                ))
            }
            other => {
                return Err(r.err(
                    value.span().start,
                    format!(
                        "`{name}` must be an expression string or a list of them, found {}",
                        kind(other)
                    ),
                ))
            }
        };
        let mut parts = Vec::new();
        for item in items {
            let s = r.string(item, &format!("each part of `{name}`"))?;
            let e = parse_expr_str(s).map_err(|e| {
                r.err(
                    r.in_string(item, s, e.offset),
                    format!("in `{name}`: {}", e.message),
                )
            })?;
            parts.push((e, item, s));
        }
        lookup.insert(name.clone(), BlockRef::Variable(pending.len()));
        pending.push(PendingVar {
            name,
            key_offset,
            parts,
        });
    }

    let mut ev = Evaluator {
        r: &r,
        field,
        sources: &sources,
        lookup: &lookup,
        pending: &pending,
        rows: vec![None; pending.len()],
        names: vec![Vec::new(); pending.len()],
        active: vec![false; pending.len()],
        stack: Vec::new(),
        cells: 0,
        budget: crate::budget::get(),
    };
    for i in 0..pending.len() {
        ev.resolve(i)?;
    }
    let rows = ev.rows;
    let names = ev.names;
    let variables = pending
        .iter()
        .zip(rows)
        .zip(names)
        .map(|((pv, rows), row_names)| Variable {
            name: pv.name.clone(),
            rows: rows.expect("all variables resolved"),
            row_names,
            span: Span {
                start: pv.key_offset,
                end: pv.key_offset,
            },
        })
        .collect();

    Ok(Scheme {
        title,
        reference,
        field,
        model,
        model_span,
        input_length,
        params,
        roles,
        sources,
        variables,
        num_columns,
        input_start,
        origin: r.origin.clone(),
        expect,
        lookup,
    })
}

#[derive(Default)]
struct Decls {
    sources: Vec<Source>,
    lookup: HashMap<Name, BlockRef>,
    declared_at: HashMap<Name, usize>,
    col: usize,
}

impl Decls {
    fn declare(
        &mut self,
        r: &Reader,
        name: Name,
        kind: SourceKind,
        len: usize,
        span: Span,
    ) -> Result<(), SpecError> {
        if let Some(&first) = self.declared_at.get(&name) {
            return Err(r.err(
                span.start,
                format!(
                    "`{name}` is declared twice (first on line {})",
                    line_of(&r.origin.text, first)
                ),
            ));
        }
        self.declared_at.insert(name.clone(), span.start);
        self.lookup
            .insert(name.clone(), BlockRef::Source(self.sources.len()));
        self.sources.push(Source {
            name,
            kind,
            start: self.col,
            len,
            span,
        });
        self.col += len;
        Ok(())
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

struct Evaluator<'a, 'v> {
    r: &'a Reader,
    field: Field,
    sources: &'a [Source],
    lookup: &'a HashMap<Name, BlockRef>,
    pending: &'a [PendingVar<'v>],
    rows: Vec<Option<Vec<SparseRow>>>,
    /// Per resolved variable: the name of each row when it is a stack of named parts.
    names: Vec<Vec<String>>,
    active: Vec<bool>,
    stack: Vec<usize>,
    /// Nonzero matrix entries materialised so far, charged to the budget before each copy.
    cells: u128,
    budget: crate::budget::Budget,
}

const MAX_DEPTH: usize = 2_000;

impl Evaluator<'_, '_> {
    fn resolve(&mut self, i: usize) -> Result<(), SpecError> {
        if self.rows[i].is_some() {
            return Ok(());
        }
        if self.stack.len() > MAX_DEPTH {
            return Err(self.r.err(
                self.pending[i].key_offset,
                format!("definitions nest more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.active[i] = true;
        self.stack.push(i);
        let mut all = Vec::new();
        let mut names = Vec::new();
        let stacked = self.pending[i].parts.len() > 1;
        for (e, item, s) in &self.pending[i].parts {
            let base = self.r.content_start(item, s);
            let at = |off: usize| base.map_or(item.span().start, |b| b + off);
            let rows = self.eval(e, &at)?;
            if stacked {
                names.extend(self.part_names(e, rows.len()));
            }
            all.extend(rows);
        }
        self.stack.pop();
        self.active[i] = false;
        self.rows[i] = Some(all);
        if names.iter().all(Option::is_some) {
            self.names[i] = names.into_iter().flatten().collect();
        }
        Ok(())
    }

    /// Row names of one part of a stack when the part is a plain reference (`Y[1]{1,2}`, or a
    /// component range of one): the referenced rows' own names, so that a witness says
    /// `Y[1]{1,2}` instead of `R[1](2)`. `None` for a computed part.
    fn part_names(&self, e: &Expr, n: usize) -> Vec<Option<String>> {
        let plain = match e.terms.as_slice() {
            [Term {
                coef,
                factor: Factor::Ref {
                    name, component, ..
                },
                ..
            }] if !coef.negative && coef.num == 1 && coef.den == 1 => Some((name, *component)),
            _ => None,
        };
        let Some((name, component)) = plain else {
            return vec![None; n];
        };
        let own: Vec<String> = match self.lookup.get(name) {
            Some(BlockRef::Variable(j)) if !self.names[*j].is_empty() => self.names[*j].clone(),
            Some(BlockRef::Variable(j)) => {
                let len = self.rows[*j].as_ref().map_or(0, Vec::len);
                component_names(&name.to_string(), len)
            }
            Some(BlockRef::Source(j)) => component_names(&name.to_string(), self.sources[*j].len),
            None => return vec![None; n],
        };
        let (lo, hi) = component.map_or((1, own.len()), |(a, b)| (a as usize, b as usize));
        let picked: Vec<Option<String>> = own
            .get(lo.saturating_sub(1)..hi.min(own.len()))
            .map(|s| s.iter().cloned().map(Some).collect())
            .unwrap_or_default();
        if picked.len() == n {
            picked
        } else {
            vec![None; n]
        }
    }

    fn eval(&mut self, e: &Expr, at: &dyn Fn(usize) -> usize) -> Result<Vec<SparseRow>, SpecError> {
        let f = self.field;
        let mut acc: Option<Vec<SparseRow>> = None;
        for t in &e.terms {
            let c = self
                .coef(&t.coef)
                .map_err(|m| self.r.err(at(t.offset), m))?;
            let value = match &t.factor {
                Factor::Group(g) => self.eval(g, at)?,
                Factor::Ref {
                    name,
                    component,
                    offset,
                    ..
                } => self.reference(name, *component, at(*offset))?,
            };
            acc = Some(match acc {
                None => value.iter().map(|r| f.scale_sparse(c, r)).collect(),
                Some(mut sum) => {
                    if sum.len() != value.len() {
                        return Err(self.r.err(
                            at(t.offset),
                            format!(
                                "dimension mismatch: this term has {} symbol(s) but the terms before it have {}",
                                value.len(),
                                sum.len()
                            ),
                        ));
                    }
                    for (s, v) in sum.iter_mut().zip(&value) {
                        *s = f.axpy_sparse(s, c, v);
                    }
                    sum
                }
            });
        }
        Ok(acc.unwrap_or_default())
    }

    /// Charge `entries` nonzero matrix entries (rows are sparse) to the cells budget before
    /// they are copied.
    fn charge(&mut self, entries: usize, offset: usize) -> Result<(), SpecError> {
        self.cells = self.cells.saturating_add(entries as u128);
        self.budget
            .charge(
                crate::budget::Resource::Cells,
                self.cells,
                "evaluating the variables (nonzero entries of their sparse rows)".to_string(),
            )
            .map_err(|e| self.r.err(offset, e.to_string()))
    }

    fn coef(&self, c: &Coef) -> Result<u32, String> {
        let f = self.field;
        let num = (c.num % f.p() as u64) as u32;
        let den = (c.den % f.p() as u64) as u32;
        let v = f.div(num, den).map_err(|_| {
            format!(
                "coefficient {}/{} divides by zero in F_{}",
                c.num,
                c.den,
                f.p()
            )
        })?;
        Ok(if c.negative { f.neg(v) } else { v })
    }

    fn reference(
        &mut self,
        name: &Name,
        component: Option<(u32, u32)>,
        offset: usize,
    ) -> Result<Vec<SparseRow>, SpecError> {
        let rows = match self.lookup.get(name) {
            None => return Err(self.r.err(offset, self.unknown(name))),
            Some(BlockRef::Source(s)) => {
                let s = &self.sources[*s];
                self.charge(s.len, offset)?;
                (0..s.len)
                    .map(|j| SparseRow::unit(s.start + j))
                    .collect::<Vec<_>>()
            }
            Some(BlockRef::Variable(j)) => {
                let j = *j;
                if self.active[j] {
                    let start = self.stack.iter().position(|&x| x == j).unwrap_or(0);
                    let mut cycle: Vec<String> = self.stack[start..]
                        .iter()
                        .map(|&x| self.pending[x].name.to_string())
                        .collect();
                    cycle.push(self.pending[j].name.to_string());
                    return Err(self.r.err(
                        offset,
                        format!("cycle in definitions: {}", cycle.join(" → ")),
                    ));
                }
                self.resolve(j)?;
                let nnz = self.rows[j]
                    .as_ref()
                    .map_or(0, |r| r.iter().map(SparseRow::nnz).sum());
                self.charge(nnz, offset)?;
                self.rows[j].clone().unwrap_or_default()
            }
        };
        match component {
            None => Ok(rows),
            Some((a, b)) => {
                if b as usize > rows.len() {
                    Err(self.r.err(
                        offset,
                        format!(
                            "`{name}` has {} symbol(s); component ({}) does not exist",
                            rows.len(),
                            if a == b {
                                a.to_string()
                            } else {
                                format!("{a}..{b}")
                            }
                        ),
                    ))
                } else {
                    Ok(rows[a as usize - 1..b as usize].to_vec())
                }
            }
        }
    }

    fn unknown(&self, name: &Name) -> String {
        let mut same_base: Vec<String> = self
            .lookup
            .keys()
            .filter(|n| n.base == name.base)
            .map(|n| n.to_string())
            .collect();
        same_base.sort();
        if same_base.is_empty() {
            format!("unknown name `{name}`: not declared in `inputs`, `randomness` or `variables`")
        } else {
            let shown: Vec<_> = same_base.iter().take(6).cloned().collect();
            format!(
                "unknown name `{name}`; declared names with that base: {}{}",
                shown.join(", "),
                if same_base.len() > 6 { ", …" } else { "" }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
model = "dropout"
prime = 7
input-length = 2
inputs = ["W[1..2]"]

[randomness]
"Z[1..2]" = 2

[variables]
"X[1]" = "W[1] + Z[1]"
"A" = ["3 (W[1](1) + Z[1](2)) - 1/2 X[1](2)", "Z[2](1)"]
"#;

    fn err(text: &str) -> (usize, usize, String) {
        match read_spec_str(text, "t.toml").unwrap_err() {
            SpecError::At {
                line, col, message, ..
            } => (line, col, message),
            e => panic!("unlocated: {e}"),
        }
    }

    #[test]
    fn reads_sources_and_variables() {
        let s = read_spec_str(OK, "t.toml").unwrap();
        assert_eq!(s.num_columns, 8);
        assert_eq!(s.input_start, 4);
        let x = s.rows(&Name::new("X", vec![1], None)).unwrap();
        assert_eq!(s.format_row(&x[0]), "Z[1](1) + W[1](1)");
        let a = s.rows(&Name::new("A", vec![], None)).unwrap();
        assert_eq!(a.len(), 2);
        // 3 W1(1) + 3 Z1(2) - 1/2 (W1(2) + Z1(2)) ; 1/2 = 4 mod 7 -> -4 = 3
        assert_eq!(s.format_row(&a[0]), "6·Z[1](2) + 3·W[1](1) + 3·W[1](2)");
        assert_eq!(s.format_row(&a[1]), "Z[2](1)");
    }

    #[test]
    fn errors_point_at_the_culprit() {
        let bad = OK.replace("\"W[1] + Z[1]\"", "\"W[1] + Q[1]\"");
        assert_eq!(
            err(&bad),
            (
                11,
                18,
                "unknown name `Q[1]`: not declared in `inputs`, `randomness` or `variables`".into()
            )
        );
        let bad = OK.replace("\"W[1] + Z[1]\"", "\"W[1] + Z[1](1)\"");
        let (line, col, m) = err(&bad);
        assert_eq!((line, col), (11, 18));
        assert!(m.contains("dimension mismatch"), "{m}");
        let bad = OK.replace("prime = 7", "prime = 9");
        assert_eq!(err(&bad).0, 3);
        assert!(err(&bad).2.contains("not a prime"));
        let bad = OK.replace("\"X[1]\" = \"W[1] + Z[1]\"", "\"X[1]\" = \"W[1] + A(1)\"");
        let (_, _, m) = err(&bad);
        assert!(m.contains("cycle"), "{m}");
        let bad = OK.replace("[variables]", "[variables]\n\"Z[1]\" = \"W[1]\"");
        assert!(err(&bad).2.contains("declared twice"));
        let bad = OK.replace("model = \"dropout\"", "modle = \"dropout\"");
        assert!(err(&bad).2.contains("unknown key `modle`"));
        let bad = OK.replace("\"W[1] + Z[1]\"", "\"W[1] + 1/7 Z[1]\"");
        assert!(err(&bad).2.contains("divides by zero"));
        let bad = OK.replace("\"W[1] + Z[1]\"", "\"W[1] + Z[1](3)\"");
        assert!(err(&bad).2.contains("does not exist"));
        let bad = OK.replace("input-length = 2", "input-length = 2.5");
        assert!(err(&bad).2.contains("must be an integer"));
        let bad = OK.replace("[randomness]", "[randomness\n");
        assert!(err(&bad).2.contains("TOML syntax"));
    }
}
