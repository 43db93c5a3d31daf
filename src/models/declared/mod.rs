//! Declared models: a model written in TOML (docs/writing-a-model.md) instead of Rust.
//!
//! A declaration names its parameters (with ranges and constraints), index sets, graphs,
//! roles (which names are inputs, keys, messages, and who holds them), families of
//! conditions (quantifiers and one of `decode` / `secure` / `hidden`), and the claimed
//! region (rates and their bounds as exact formulas). [`Declaration::parse`] reads it, with
//! every error located in the file it came from; [`instance::Declared::from_scheme`]
//! validates a spec against it and expands it to the engine's [`crate::verify::Plan`]:
//! locality first (automatic: every message is a function of its holder's inputs, keys and
//! what the role says it `knows`), then the families in the order written, each enumerated
//! outer quantifier slowest so that consecutive checks share prefixes.
//!
//! Shipped declarations live in `models/` at the repository root (embedded in the binary)
//! and are found by bare name: `model = "summation"`.

pub mod entropy;
pub mod instance;
pub mod region;

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::lang::{self, Comprehension, Expr, Graph, LangError, NamePattern, Quantifier};
use crate::scheme::spec::located;
use crate::scheme::{Origin, Span, SpecError};

pub use instance::Declared;

/// Declarations shipped with itsa (the `models/` directory of the repository), by name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("dropout", include_str!("../../../models/dropout.toml")),
    ("summation", include_str!("../../../models/summation.toml")),
    (
        "multi-server",
        include_str!("../../../models/multi-server.toml"),
    ),
    (
        "hierarchical",
        include_str!("../../../models/hierarchical.toml"),
    ),
    (
        "decentralized-keys",
        include_str!("../../../models/decentralized-keys.toml"),
    ),
    (
        "decentralized-groupwise",
        include_str!("../../../models/decentralized-groupwise.toml"),
    ),
    (
        "hierarchical-groupwise",
        include_str!("../../../models/hierarchical-groupwise.toml"),
    ),
    (
        "topological",
        include_str!("../../../models/topological.toml"),
    ),
    (
        "oblivious-server",
        include_str!("../../../models/oblivious-server.toml"),
    ),
];

/// A string of the declaration parsed by the language, with the file offset of its content.
#[derive(Debug, Clone)]
pub struct Src<T> {
    pub value: T,
    pub text: String,
    /// Offset in the declaration's file of byte 0 of `text`.
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct ParamDecl {
    /// The symbol used in formulas (`K`).
    pub symbol: String,
    /// The name in a spec's `[params]` (`users`); the symbol is accepted too.
    pub spec_name: String,
    pub meaning: String,
    pub min: Option<Src<Expr>>,
    pub max: Option<Src<Expr>>,
    pub default: Option<i64>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleKind {
    Input,
    Key,
    Message(u32),
}

#[derive(Debug, Clone)]
pub struct RoleDecl {
    pub name: String,
    pub pattern: Src<NamePattern>,
    pub quantifiers: Src<Vec<Quantifier>>,
    pub kind: RoleKind,
    /// Who holds an instance: a formula of the role's variables (an index or a tuple).
    pub holder: Option<Src<Expr>>,
    /// The label of the holder in reports (`user`, `server`).
    pub participant: String,
    /// What the holder knows besides its inputs and keys (e.g. the messages it received).
    pub knows: Vec<Src<Comprehension>>,
    /// Labels of the role's other variables in locality checks (`m as relay`).
    pub report: Vec<(String, String)>,
    pub meaning: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CondDecl {
    Decode {
        target: Vec<Src<Comprehension>>,
        from: Vec<Src<Comprehension>>,
    },
    Secure {
        from: Vec<Src<Comprehension>>,
        given: Vec<Src<Comprehension>>,
    },
    Hidden {
        target: Vec<Src<Comprehension>>,
        from: Vec<Src<Comprehension>>,
    },
}

#[derive(Debug, Clone)]
pub struct FamilyDecl {
    pub name: String,
    pub description: String,
    pub quantifiers: Vec<Src<Vec<Quantifier>>>,
    /// Which variables the report shows for a check, in order, with their labels.
    pub report: Option<Vec<(String, String)>>,
    pub condition: CondDecl,
    pub decoders: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RateDecl {
    pub name: String,
    pub latex_name: String,
    pub of: Vec<Src<Comprehension>>,
    /// `longest` (symbols of the longest instance), `entropy` (largest rank of one
    /// instance), `joint` (rank of all of them together) or `sum-entropy` (the sum of their
    /// ranks), per input symbol.
    pub measure: String,
    /// `per = "k in clients"`: the largest value over these assignments (`of` may use them).
    pub per: Option<Src<Vec<Quantifier>>>,
    /// Divide the value by this formula of the parameters (e.g. `K` for an average).
    pub divide: Option<Src<Expr>>,
    /// `log-factor = { p = "p", q = "max(q, 2)" }`: the rate is a multiple of log p / log q
    /// (key rates in q-ary units); values are compared as coefficients.
    pub log_factor: Option<(Src<Expr>, Src<Expr>)>,
    pub bound: Src<Expr>,
    pub latex: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct RegionDecl {
    pub feasible: Option<Src<Expr>>,
    pub infeasible: String,
    pub reference: String,
    pub rates: Vec<RateDecl>,
    pub notes: Vec<String>,
}

/// A parsed declaration (not yet tied to parameter values).
#[derive(Debug, Clone)]
pub struct Declaration {
    pub name: String,
    pub source: String,
    pub description: String,
    pub origin: Origin,
    /// Where the declaration starts (its `[model]` table inline, else 0).
    pub span: Span,
    pub params: Vec<ParamDecl>,
    pub constraints: Vec<Src<Expr>>,
    pub sets: Vec<(String, Src<Expr>)>,
    pub graphs: Vec<(String, Graph, Span)>,
    pub roles: Vec<RoleDecl>,
    pub families: Vec<FamilyDecl>,
    pub region: Option<RegionDecl>,
    /// Refuse to expand more checks than this without `--force`.
    pub max_checks: u128,
}

/// Default budget of checks a declared model may expand to without `--force`.
pub const DEFAULT_MAX_CHECKS: u128 = 20_000_000;

type Entry<'a> = (
    &'a Spanned<std::borrow::Cow<'a, str>>,
    &'a Spanned<DeValue<'a>>,
);

pub(crate) struct Reader<'o> {
    pub origin: &'o Origin,
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

impl<'o> Reader<'o> {
    pub fn err(&self, offset: usize, message: impl Into<String>) -> SpecError {
        located(self.origin, offset, message.into())
    }

    pub fn lang_err<T>(&self, src: &Src<T>, e: LangError) -> SpecError {
        let e = e.in_source(&src.text);
        self.err(src.offset + e.span.start, e.message)
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

    fn string<'v>(&self, v: &'v Spanned<DeValue>, what: &str) -> Result<&'v str, SpecError> {
        v.get_ref().as_str().ok_or_else(|| {
            self.err(
                v.span().start,
                format!("{what} must be a string, found {}", kind(v.get_ref())),
            )
        })
    }

    fn integer(&self, v: &Spanned<DeValue>, what: &str) -> Result<i64, SpecError> {
        match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .map_err(|_| self.err(v.span().start, format!("{what} is out of range"))),
            other => Err(self.err(
                v.span().start,
                format!("{what} must be an integer, found {}", kind(other)),
            )),
        }
    }

    fn boolean(&self, v: &Spanned<DeValue>, what: &str) -> Result<bool, SpecError> {
        match v.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            other => Err(self.err(
                v.span().start,
                format!("{what} must be true or false, found {}", kind(other)),
            )),
        }
    }

    /// Offset of the content of a string value (exact when it has no escapes).
    fn content_offset(&self, v: &Spanned<DeValue>, value: &str) -> usize {
        let span = v.span();
        if let Some(raw) = self.origin.text.get(span.clone()) {
            for q in ["\"", "'"] {
                if raw.len() >= 2
                    && raw.starts_with(q)
                    && raw.ends_with(q)
                    && &raw[1..raw.len() - 1] == value
                {
                    return span.start + 1;
                }
            }
        }
        span.start
    }

    fn src<T>(
        &self,
        v: &Spanned<DeValue>,
        what: &str,
        parse: impl Fn(&str) -> Result<T, LangError>,
    ) -> Result<Src<T>, SpecError> {
        let text = match v.get_ref() {
            DeValue::Integer(_) => self.integer(v, what)?.to_string(),
            _ => self.string(v, what)?.to_string(),
        };
        let offset = if matches!(v.get_ref(), DeValue::String(_)) {
            self.content_offset(v, &text)
        } else {
            v.span().start
        };
        match parse(&text) {
            Ok(value) => Ok(Src {
                value,
                text,
                offset,
            }),
            Err(e) => {
                let e = e.in_source(&text);
                Err(self.err(offset + e.span.start, format!("{what}: {}", e.message)))
            }
        }
    }

    /// A string or an array of strings.
    fn strings<'v>(
        &self,
        v: &'v Spanned<DeValue<'v>>,
        what: &str,
    ) -> Result<Vec<&'v Spanned<DeValue<'v>>>, SpecError> {
        match v.get_ref() {
            DeValue::Array(a) => Ok(a.iter().collect()),
            DeValue::String(_) => Ok(vec![v]),
            other => Err(self.err(
                v.span().start,
                format!(
                    "{what} must be a string or an array of strings, found {}",
                    kind(other)
                ),
            )),
        }
    }

    fn comprehensions(
        &self,
        v: &Spanned<DeValue>,
        what: &str,
    ) -> Result<Vec<Src<Comprehension>>, SpecError> {
        self.strings(v, what)?
            .into_iter()
            .map(|x| self.src(x, what, lang::parse_comprehension_str))
            .collect()
    }

    fn unknown(
        &self,
        key: &Spanned<std::borrow::Cow<str>>,
        section: &str,
        expected: &[&str],
    ) -> SpecError {
        self.err(
            key.span().start,
            format!(
                "unknown key `{}` in {section}; expected one of: {}",
                key.get_ref(),
                expected.join(", ")
            ),
        )
    }
}

const TOP: &[&str] = &[
    "name",
    "source",
    "description",
    "params",
    "constraints",
    "sets",
    "graphs",
    "roles",
    "family",
    "region",
    "max-checks",
];

impl Declaration {
    /// Parse a declaration file (its top level is the declaration).
    pub fn parse_file_text(text: &str, path: &str) -> Result<Declaration, SpecError> {
        let origin = Origin {
            path: path.to_string(),
            text: text.to_string(),
        };
        let r = Reader { origin: &origin };
        let doc = DeTable::parse(text).map_err(|e| {
            r.err(
                e.span().map_or(0, |s| s.start),
                format!("TOML syntax: {}", e.message().trim()),
            )
        })?;
        let entries: Vec<Entry> = doc.get_ref().iter().collect();
        parse_entries(&r, &entries, Span::default())
    }

    /// The inline `[model]` table of a spec.
    pub fn parse_inline(spec_text: &str, path: &str) -> Result<Declaration, SpecError> {
        let origin = Origin {
            path: path.to_string(),
            text: spec_text.to_string(),
        };
        let r = Reader { origin: &origin };
        let doc = DeTable::parse(spec_text).map_err(|e| {
            r.err(
                e.span().map_or(0, |s| s.start),
                format!("TOML syntax: {}", e.message().trim()),
            )
        })?;
        let Some(model) = doc.get_ref().get("model") else {
            return Err(r.err(0, "the spec has no `[model]` table"));
        };
        let entries = r.table(model, "model")?;
        parse_entries(&r, &entries, model.span().into())
    }

    /// Find a declaration: a path ending in `.toml` (relative to the spec's directory), or the
    /// bare name of a shipped one.
    pub fn resolve(name: &str, spec_path: &str) -> Option<Result<Declaration, SpecError>> {
        if name.ends_with(".toml") {
            let base = Path::new(spec_path).parent().unwrap_or(Path::new("."));
            let path: PathBuf = base.join(name);
            let shown = path.display().to_string();
            return Some(match std::fs::read_to_string(&path) {
                Ok(text) => Declaration::parse_file_text(&text, &shown),
                Err(e) => Err(SpecError::File {
                    path: spec_path.to_string(),
                    message: format!("cannot read the model declaration {shown}: {e}"),
                }),
            });
        }
        shipped(name)
    }
}

/// A shipped declaration by bare name.
pub fn shipped(name: &str) -> Option<Result<Declaration, SpecError>> {
    SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| Declaration::parse_file_text(text, &format!("models/{n}.toml")))
}

fn parse_entries(r: &Reader, entries: &[Entry], span: Span) -> Result<Declaration, SpecError> {
    let mut d = Declaration {
        name: String::new(),
        source: String::new(),
        description: String::new(),
        origin: r.origin.clone(),
        span,
        params: vec![],
        constraints: vec![],
        sets: vec![],
        graphs: vec![],
        roles: vec![],
        families: vec![],
        region: None,
        max_checks: DEFAULT_MAX_CHECKS,
    };
    for (k, v) in entries {
        match k.get_ref().as_ref() {
            "name" => d.name = r.string(v, "`name`")?.to_string(),
            "source" => d.source = r.string(v, "`source`")?.to_string(),
            "description" => d.description = r.string(v, "`description`")?.to_string(),
            "max-checks" => {
                let n = r.integer(v, "`max-checks`")?;
                if n < 1 {
                    return Err(r.err(v.span().start, "`max-checks` must be at least 1"));
                }
                d.max_checks = n as u128;
            }
            "params" => {
                for (pk, pv) in r.table(v, "params")? {
                    d.params.push(param(r, pk, pv)?);
                }
            }
            "constraints" => {
                for c in r.strings(v, "`constraints`")? {
                    d.constraints
                        .push(r.src(c, "constraint", lang::parse_expr)?);
                }
            }
            "sets" => {
                for (sk, sv) in r.table(v, "sets")? {
                    d.sets.push((
                        sk.get_ref().to_string(),
                        r.src(sv, &format!("set `{}`", sk.get_ref()), lang::parse_expr)?,
                    ));
                }
            }
            "graphs" => d.graphs = graphs(r, v)?,
            "roles" => {
                for (rk, rv) in r.table(v, "roles")? {
                    d.roles.push(role(r, rk, rv)?);
                }
            }
            "family" => match v.get_ref() {
                DeValue::Array(a) => {
                    for f in a.iter() {
                        d.families.push(family(r, f)?);
                    }
                }
                other => {
                    return Err(r.err(
                        v.span().start,
                        format!(
                            "`family` is an array of tables (`[[family]]`), found {}",
                            kind(other)
                        ),
                    ))
                }
            },
            "region" => d.region = Some(region(r, v)?),
            _ => return Err(r.unknown(k, "the model declaration", TOP)),
        }
    }
    if d.name.is_empty() {
        return Err(r.err(span.start, "the model declaration needs a `name`"));
    }
    if d.roles.is_empty() {
        return Err(r.err(span.start, "the model declaration has no `[roles]`"));
    }
    Ok(d)
}

/// `[graphs]`: `G = [[1, 2], [2, 3]]` (an undirected edge list).
pub(crate) fn graphs(
    r: &Reader,
    v: &Spanned<DeValue>,
) -> Result<Vec<(String, Graph, Span)>, SpecError> {
    let mut out = Vec::new();
    for (gk, gv) in r.table(v, "graphs")? {
        let bad = |at: usize| {
            r.err(
                at,
                format!(
                    "graph `{}` is an edge list such as [[1, 2], [2, 3]]",
                    gk.get_ref()
                ),
            )
        };
        let DeValue::Array(edges) = gv.get_ref() else {
            return Err(bad(gv.span().start));
        };
        let mut list = Vec::new();
        for e in edges.iter() {
            let DeValue::Array(pair) = e.get_ref() else {
                return Err(bad(e.span().start));
            };
            if pair.len() != 2 {
                return Err(bad(e.span().start));
            }
            let a = r.integer(&pair[0], "a vertex")?;
            let b = r.integer(&pair[1], "a vertex")?;
            list.push((a, b));
        }
        out.push((
            gk.get_ref().to_string(),
            Graph::from_edges(&list),
            gk.span().into(),
        ));
    }
    Ok(out)
}

fn param(
    r: &Reader,
    k: &Spanned<std::borrow::Cow<str>>,
    v: &Spanned<DeValue>,
) -> Result<ParamDecl, SpecError> {
    let symbol = k.get_ref().to_string();
    let mut p = ParamDecl {
        spec_name: symbol.clone(),
        symbol,
        meaning: String::new(),
        min: None,
        max: None,
        default: None,
        span: k.span().into(),
    };
    if let DeValue::String(s) = v.get_ref() {
        p.spec_name = s.to_string();
        return Ok(p);
    }
    const KEYS: &[&str] = &["spec", "meaning", "min", "max", "default"];
    for (pk, pv) in r.table(v, &format!("params.{}", p.symbol))? {
        match pk.get_ref().as_ref() {
            "spec" => p.spec_name = r.string(pv, "`spec`")?.to_string(),
            "meaning" => p.meaning = r.string(pv, "`meaning`")?.to_string(),
            "min" => p.min = Some(r.src(pv, "`min`", lang::parse_expr)?),
            "max" => p.max = Some(r.src(pv, "`max`", lang::parse_expr)?),
            "default" => p.default = Some(r.integer(pv, "`default`")?),
            _ => return Err(r.unknown(pk, &format!("parameter `{}`", p.symbol), KEYS)),
        }
    }
    Ok(p)
}

fn role(
    r: &Reader,
    k: &Spanned<std::borrow::Cow<str>>,
    v: &Spanned<DeValue>,
) -> Result<RoleDecl, SpecError> {
    const KEYS: &[&str] = &[
        "pattern",
        "for",
        "kind",
        "round",
        "holder",
        "participant",
        "knows",
        "meaning",
    ];
    let name = k.get_ref().to_string();
    let mut pattern = None;
    let mut quantifiers = Src {
        value: vec![],
        text: String::new(),
        offset: k.span().start,
    };
    let mut kind_s: Option<(String, usize)> = None;
    let mut round = 1u32;
    let mut holder = None;
    let mut participant = "holder".to_string();
    let mut knows = vec![];
    let mut report = vec![];
    let mut meaning = String::new();
    for (rk, rv) in r.table(v, &format!("roles.{name}"))? {
        match rk.get_ref().as_ref() {
            "pattern" => pattern = Some(r.src(rv, "`pattern`", lang::parse_name_pattern)?),
            "for" => quantifiers = r.src(rv, "`for`", lang::parse_quantifiers)?,
            "kind" => kind_s = Some((r.string(rv, "`kind`")?.to_string(), rv.span().start)),
            "round" => {
                let n = r.integer(rv, "`round`")?;
                if !(1..=1000).contains(&n) {
                    return Err(r.err(rv.span().start, "`round` is 1, 2, …"));
                }
                round = n as u32;
            }
            "holder" => holder = Some(r.src(rv, "`holder`", lang::parse_expr)?),
            "participant" => participant = r.string(rv, "`participant`")?.to_string(),
            "knows" => knows = r.comprehensions(rv, "`knows`")?,
            "report" => report = labels(r, rv)?,
            "meaning" => meaning = r.string(rv, "`meaning`")?.to_string(),
            _ => return Err(r.unknown(rk, &format!("role `{name}`"), KEYS)),
        }
    }
    let Some(pattern) = pattern else {
        return Err(r.err(
            k.span().start,
            format!("role `{name}` needs a `pattern`, e.g. pattern = \"X[k]\""),
        ));
    };
    let kind = match kind_s.as_ref().map(|(s, at)| (s.as_str(), *at)) {
        Some(("input", _)) => RoleKind::Input,
        Some(("key", _)) => RoleKind::Key,
        Some(("message", _)) => RoleKind::Message(round),
        Some((other, at)) => {
            return Err(r.err(
                at,
                format!(
                    "the kind of a role is \"input\", \"key\" or \"message\", found \"{other}\""
                ),
            ))
        }
        None => {
            return Err(r.err(
                k.span().start,
                format!("role `{name}` needs a `kind` (\"input\", \"key\" or \"message\")"),
            ))
        }
    };
    if meaning.is_empty() {
        meaning = format!("the {name} `{}`", pattern.text);
    }
    Ok(RoleDecl {
        name,
        pattern,
        quantifiers,
        kind,
        holder,
        participant,
        knows,
        report,
        meaning,
        span: k.span().into(),
    })
}

fn family(r: &Reader, v: &Spanned<DeValue>) -> Result<FamilyDecl, SpecError> {
    const KEYS: &[&str] = &[
        "name",
        "description",
        "for",
        "decode",
        "secure",
        "hidden",
        "from",
        "given",
        "report",
        "decoders",
    ];
    let mut name = None;
    let mut description = String::new();
    let mut quantifiers = vec![];
    let mut report = None;
    let mut decoders = false;
    let mut which: Option<(&str, usize)> = None;
    let mut target = vec![];
    let mut from = None;
    let mut given = vec![];
    let set_which =
        |w: &mut Option<(&str, usize)>, new: &'static str, at: usize| -> Result<(), SpecError> {
            if let Some((old, _)) = w {
                return Err(r.err(
                    at,
                    format!("a family has one condition, but this one has `{old}` and `{new}`"),
                ));
            }
            *w = Some((new, at));
            Ok(())
        };
    for (fk, fv) in r.table(v, "family")? {
        let at = fk.span().start;
        match fk.get_ref().as_ref() {
            "name" => name = Some(r.string(fv, "`name`")?.to_string()),
            "description" => description = r.string(fv, "`description`")?.to_string(),
            "for" => {
                for q in r.strings(fv, "`for`")? {
                    quantifiers.push(r.src(q, "`for`", lang::parse_quantifiers)?);
                }
            }
            "decode" => {
                set_which(&mut which, "decode", at)?;
                target = r.comprehensions(fv, "`decode`")?;
            }
            "hidden" => {
                set_which(&mut which, "hidden", at)?;
                target = r.comprehensions(fv, "`hidden`")?;
            }
            "secure" => {
                set_which(&mut which, "secure", at)?;
                let s = r.string(fv, "`secure`")?;
                if s != "inputs" {
                    return Err(r.err(
                        fv.span().start,
                        format!("`secure` says what must stay secret: \"inputs\" (all inputs beyond what `given` reveals), found \"{s}\"; use `hidden` for part of them"),
                    ));
                }
            }
            "from" => from = Some(r.comprehensions(fv, "`from`")?),
            "given" => given = r.comprehensions(fv, "`given`")?,
            "decoders" => decoders = r.boolean(fv, "`decoders`")?,
            "report" => report = Some(labels(r, fv)?),
            _ => return Err(r.unknown(fk, "a [[family]]", KEYS)),
        }
    }
    let start = v.span().start;
    let Some(name) = name else {
        return Err(r.err(start, "a [[family]] needs a `name`"));
    };
    let Some((which, at)) = which else {
        return Err(r.err(
            start,
            format!("family `{name}` needs a condition: `decode`, `secure` or `hidden`"),
        ));
    };
    let Some(from) = from else {
        return Err(r.err(
            start,
            format!("family `{name}` needs `from` (what the decoder or adversary sees)"),
        ));
    };
    if which != "secure" && !given.is_empty() {
        return Err(r.err(
            at,
            format!("`given` belongs to a `secure` condition, not to `{which}`"),
        ));
    }
    let condition = match which {
        "decode" => CondDecl::Decode { target, from },
        "hidden" => CondDecl::Hidden { target, from },
        _ => CondDecl::Secure { from, given },
    };
    Ok(FamilyDecl {
        name,
        description,
        quantifiers,
        report,
        condition,
        decoders,
        span: Span::from(start..start + 1),
    })
}

/// `report = ["U1", "C as T"]`: variables shown for a check, with their labels.
fn labels(r: &Reader, v: &Spanned<DeValue>) -> Result<Vec<(String, String)>, SpecError> {
    let mut out = Vec::new();
    for x in r.strings(v, "`report`")? {
        let s = r.string(x, "`report`")?;
        let (var, label) = match s.split_once(" as ") {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (s.trim(), s.trim()),
        };
        out.push((var.to_string(), label.to_string()));
    }
    Ok(out)
}

fn region(r: &Reader, v: &Spanned<DeValue>) -> Result<RegionDecl, SpecError> {
    const KEYS: &[&str] = &["feasible", "infeasible", "reference", "rate", "notes"];
    const RATE: &[&str] = &[
        "name",
        "latex-name",
        "of",
        "measure",
        "per",
        "divide",
        "log-factor",
        "bound",
        "latex",
    ];
    let mut d = RegionDecl::default();
    for (k, val) in r.table(v, "region")? {
        match k.get_ref().as_ref() {
            "feasible" => d.feasible = Some(r.src(val, "`feasible`", lang::parse_expr)?),
            "infeasible" => d.infeasible = r.string(val, "`infeasible`")?.to_string(),
            "reference" => d.reference = r.string(val, "`reference`")?.to_string(),
            "notes" => {
                for n in r.strings(val, "`notes`")? {
                    d.notes.push(r.string(n, "a note")?.to_string());
                }
            }
            "rate" => {
                let DeValue::Array(rates) = val.get_ref() else {
                    return Err(r.err(
                        val.span().start,
                        "`rate` is an array of tables (`[[region.rate]]`)",
                    ));
                };
                for rv in rates.iter() {
                    let mut name = None;
                    let mut latex_name = None;
                    let mut of = None;
                    let mut measure = "longest".to_string();
                    let mut bound = None;
                    let mut per = None;
                    let mut divide = None;
                    let mut log_factor = None;
                    let mut latex = String::new();
                    for (rk, x) in r.table(rv, "region.rate")? {
                        match rk.get_ref().as_ref() {
                            "name" => name = Some(r.string(x, "`name`")?.to_string()),
                            "latex-name" => {
                                latex_name = Some(r.string(x, "`latex-name`")?.to_string())
                            }
                            "of" => of = Some(r.comprehensions(x, "`of`")?),
                            "measure" => {
                                measure = r.string(x, "`measure`")?.to_string();
                                if !["longest", "entropy", "joint", "sum-entropy"]
                                    .contains(&measure.as_str())
                                {
                                    return Err(r.err(x.span().start, format!("`measure` is \"longest\", \"entropy\", \"joint\" or \"sum-entropy\", found \"{measure}\"")));
                                }
                            }
                            "per" => per = Some(r.src(x, "`per`", lang::parse_quantifiers)?),
                            "divide" => divide = Some(r.src(x, "`divide`", lang::parse_expr)?),
                            "log-factor" => {
                                let (mut fp, mut fq) = (None, None);
                                for (lk, lv) in r.table(x, "log-factor")? {
                                    match lk.get_ref().as_ref() {
                                        "p" => {
                                            fp = Some(r.src(
                                                lv,
                                                "`log-factor.p`",
                                                lang::parse_expr,
                                            )?)
                                        }
                                        "q" => {
                                            fq = Some(r.src(
                                                lv,
                                                "`log-factor.q`",
                                                lang::parse_expr,
                                            )?)
                                        }
                                        _ => return Err(r.unknown(lk, "log-factor", &["p", "q"])),
                                    }
                                }
                                let (Some(fp), Some(fq)) = (fp, fq) else {
                                    return Err(r.err(x.span().start, "`log-factor` needs `p` and `q` (the rate is a multiple of log p / log q)"));
                                };
                                log_factor = Some((fp, fq));
                            }
                            "bound" => bound = Some(r.src(x, "`bound`", lang::parse_expr)?),
                            "latex" => latex = r.string(x, "`latex`")?.to_string(),
                            _ => return Err(r.unknown(rk, "a [[region.rate]]", RATE)),
                        }
                    }
                    let at = rv.span().start;
                    let (Some(name), Some(of), Some(bound)) = (name, of, bound) else {
                        return Err(r.err(
                            at,
                            "a rate needs `name`, `of` (the names it measures) and `bound`",
                        ));
                    };
                    d.rates.push(RateDecl {
                        latex_name: latex_name.unwrap_or_else(|| name.clone()),
                        name,
                        of,
                        measure,
                        per,
                        divide,
                        log_factor,
                        latex: if latex.is_empty() {
                            bound.text.clone()
                        } else {
                            latex
                        },
                        bound,
                        span: Span::from(at..at + 1),
                    });
                }
            }
            _ => return Err(r.unknown(k, "[region]", KEYS)),
        }
    }
    Ok(d)
}

/// Intern a string for the engine's `&'static str` labels (each distinct label leaks once).
pub(crate) fn intern(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static POOL: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut pool = POOL
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(&x) = pool.get(s) {
        return x;
    }
    let x: &'static str = Box::leak(s.to_string().into_boxed_str());
    pool.insert(x);
    x
}
