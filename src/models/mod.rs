//! One file per model. A model reads its parameters and roles from a [`Scheme`], validates
//! them (errors are located in the spec), and describes *which* checks exist as a
//! [`Plan`]; it never does linear algebra itself.

pub mod decentralized;
pub mod declared;
pub mod dropout;
pub mod hierarchical;
pub mod hierarchical_collusion;
pub mod multi_server;
pub mod threshold_sharing;

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::scheme::names::Item;
use crate::scheme::{Name, Scheme, SourceKind, Span, SpecError};
use crate::verify::{Blocks, Header, Plan};

/// What every model gives the engine and the report. Each model file implements it; a
/// model lives in its own file plus one line of [`REGISTRY`].
pub trait ModelImpl: std::fmt::Debug + Send + Sync {
    /// The name written in `model = "..."`.
    fn name(&self) -> &'static str;
    /// Where the model's conditions come from.
    fn source(&self) -> &'static str;
    /// Parameter values by spec name, in the model's order.
    fn params(&self) -> Vec<(&'static str, i64)>;
    /// Number of checks the plan will contain (computed without building it).
    fn count_checks(&self) -> u128;
    /// Which checks exist.
    fn plan(&self, s: &Scheme) -> Plan;
    /// Achieved rates next to the model's optimal region (or what replaces it).
    fn rates(&self, s: &Scheme, verified: bool) -> crate::region::achieved::RateReport;
}

/// A compiled model: its name, parameters and loader. The one list of compiled models.
pub struct Compiled {
    pub name: &'static str,
    pub source: &'static str,
    pub(crate) params: &'static [ParamSpec],
    pub load: fn(&Scheme) -> Result<Model, SpecError>,
}

impl Compiled {
    /// Parameters as (spec name, paper symbol, default).
    pub fn params(&self) -> Vec<(&'static str, &'static str, Option<i64>)> {
        self.params
            .iter()
            .map(|p| (p.name, p.symbol, p.default))
            .collect()
    }
}

/// The compiled models (constructions and special adversaries live in their files).
pub const REGISTRY: &[Compiled] = &[
    Compiled {
        name: "dropout",
        source: dropout::SOURCE,
        params: dropout::PARAMS,
        load: |s| Ok(Model::Dropout(dropout::Dropout::from_scheme(s)?)),
    },
    Compiled {
        name: "hierarchical",
        source: hierarchical::SOURCE,
        params: hierarchical::PARAMS,
        load: |s| {
            Ok(Model::Hierarchical(
                hierarchical::Hierarchical::from_scheme(s)?,
            ))
        },
    },
    Compiled {
        name: "multi-server",
        source: multi_server::SOURCE,
        params: multi_server::PARAMS,
        load: |s| {
            Ok(Model::MultiServer(multi_server::MultiServer::from_scheme(
                s,
            )?))
        },
    },
    Compiled {
        name: "threshold-sharing",
        source: threshold_sharing::SOURCE,
        params: threshold_sharing::PARAMS,
        load: |s| {
            Ok(Model::ThresholdSharing(
                threshold_sharing::ThresholdSharing::from_scheme(s)?,
            ))
        },
    },
];

/// The compiled model of this name.
pub fn compiled(name: &str) -> Option<&'static Compiled> {
    REGISTRY.iter().find(|c| c.name == name)
}

#[derive(Debug, Clone)]
pub enum Model {
    Dropout(dropout::Dropout),
    Hierarchical(hierarchical::Hierarchical),
    MultiServer(multi_server::MultiServer),
    ThresholdSharing(threshold_sharing::ThresholdSharing),
    /// A model declared in TOML (inline, a file, or shipped in `models/`).
    Declared(Box<declared::Declared>),
}

/// Every model name a spec may use: the compiled ones, then the shipped declarations.
pub fn known_models() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = REGISTRY.iter().map(|c| c.name).collect();
    for (n, _) in declared::SHIPPED {
        if !v.contains(n) {
            v.push(n);
        }
    }
    v
}

impl Model {
    /// Validate the scheme against its declared model.
    pub fn from_scheme(s: &Scheme) -> Result<Model, SpecError> {
        Model::from_scheme_with(s, declared::instance::LoadOptions::default())
    }

    /// [`Model::from_scheme`] with options for declared models (`--force`): a compiled model
    /// of the registry, else a declaration (inline, a file, or shipped).
    pub fn from_scheme_with(
        s: &Scheme,
        opts: declared::instance::LoadOptions,
    ) -> Result<Model, SpecError> {
        match compiled(&s.model) {
            Some(c) => (c.load)(s),
            None => Ok(Model::Declared(Box::new(declared::Declared::from_scheme(
                s, opts,
            )?))),
        }
    }

    /// The one dispatch point.
    pub fn inner(&self) -> &dyn ModelImpl {
        match self {
            Model::Dropout(m) => m,
            Model::Hierarchical(m) => m,
            Model::MultiServer(m) => m,
            Model::ThresholdSharing(m) => m,
            Model::Declared(m) => &**m,
        }
    }

    pub fn name(&self) -> &'static str {
        self.inner().name()
    }

    pub fn source(&self) -> &'static str {
        self.inner().source()
    }

    pub fn params(&self) -> Vec<(&'static str, i64)> {
        self.inner().params()
    }

    /// Number of checks the plan will contain (computed without building it).
    pub fn count_checks(&self) -> u128 {
        self.inner().count_checks()
    }

    pub fn plan(&self, s: &Scheme) -> Plan {
        self.inner().plan(s)
    }

    /// A set whose members number (group, member) pairs, with the group size: multi-server
    /// colluders `T` (user (u,v) is (u−1)V+v), shown as pairs in reports.
    pub fn pair_sets(&self) -> Option<(&'static str, u32)> {
        match self {
            Model::MultiServer(m) => Some(("T", m.users_per_server)),
            _ => None,
        }
    }

    /// Achieved rates of the scheme next to the model's optimal region.
    pub fn rates(&self, s: &Scheme, verified: bool) -> crate::region::achieved::RateReport {
        self.inner().rates(s, verified)
    }

    pub fn header(&self, s: &Scheme) -> Header {
        let mut params = Map::new();
        for (k, v) in self.params() {
            params.insert(k.to_string(), Value::from(v));
        }
        Header {
            file: s.origin.path.clone(),
            title: s.title.clone(),
            reference: s.reference.clone(),
            model: self.name().to_string(),
            model_source: self.source().to_string(),
            params,
            prime: s.field.p(),
            input_length: s.input_length,
            overridden: vec![],
        }
    }
}

/// Rates of a model with a region: achieved against optimal, plus randomness accounting.
pub(crate) fn rate_report(
    achieved: &[crate::region::achieved::Achieved],
    region: &Result<crate::region::Region, crate::region::RegionError>,
    verified: bool,
    randomness: Vec<crate::region::achieved::KeyAccount>,
) -> crate::region::achieved::RateReport {
    let mut r = crate::region::achieved::compare(achieved, region, verified);
    r.randomness = randomness;
    r
}

macro_rules! model_impl {
    ($t:ty, $name:expr, $source:expr, |$m:ident, $s:ident, $v:ident| $rates:expr) => {
        impl ModelImpl for $t {
            fn name(&self) -> &'static str {
                $name
            }
            fn source(&self) -> &'static str {
                $source
            }
            fn params(&self) -> Vec<(&'static str, i64)> {
                <$t>::params(self)
            }
            fn count_checks(&self) -> u128 {
                <$t>::count_checks(self)
            }
            fn plan(&self, s: &Scheme) -> Plan {
                <$t>::plan(self, s)
            }
            fn rates(&self, $s: &Scheme, $v: bool) -> crate::region::achieved::RateReport {
                let $m = self;
                $rates
            }
        }
    };
}

model_impl!(dropout::Dropout, "dropout", dropout::SOURCE, |m, s, v| {
    let region = m.optimal_region();
    rate_report(
        &m.achieved_rates(s),
        &region,
        v,
        m.key_accounting(s, &region),
    )
});
model_impl!(
    multi_server::MultiServer,
    "multi-server",
    multi_server::SOURCE,
    |m, s, v| {
        let region = m.optimal_region();
        rate_report(
            &m.achieved_rates(s),
            &region,
            v,
            m.key_accounting(s, &region),
        )
    }
);
model_impl!(
    hierarchical::Hierarchical,
    "hierarchical",
    hierarchical::SOURCE,
    |m, s, v| {
        let region = m.optimal_region(s);
        let mut r = rate_report(
            &m.achieved_rates(s),
            &region,
            v,
            m.key_accounting(s, &region),
        );
        if m.alphabet == 0 {
            r.notes.push("no alphabet given: key rates are compared as multiples of log p / log q, valid for every q".into());
        }
        r
    }
);
// A threshold model has no rate region: it reports its communication instead.
model_impl!(
    threshold_sharing::ThresholdSharing,
    "threshold-sharing",
    threshold_sharing::SOURCE,
    |m, s, _v| m.communication(s)
);

impl ModelImpl for declared::Declared {
    fn name(&self) -> &'static str {
        declared::Declared::name(self)
    }
    fn source(&self) -> &'static str {
        declared::Declared::source(self)
    }
    fn params(&self) -> Vec<(&'static str, i64)> {
        declared::Declared::params(self)
    }
    fn count_checks(&self) -> u128 {
        declared::Declared::count_checks(self)
    }
    fn plan(&self, s: &Scheme) -> Plan {
        declared::Declared::plan(self, s)
    }
    fn rates(&self, s: &Scheme, verified: bool) -> crate::region::achieved::RateReport {
        rate_report(
            &self.achieved_rates(s),
            &self.optimal_region(),
            verified,
            vec![],
        )
    }
}

/// A parameter a model takes: spec name, paper symbol, and default if optional.
pub(crate) struct ParamSpec {
    pub name: &'static str,
    pub symbol: &'static str,
    pub default: Option<i64>,
}

/// The parameters of a compiled model or a shipped declaration as (spec name, symbol,
/// default) — e.g. `("users", "K", None)` — for parametric specs, whose formulas use the
/// symbols; `None` for an unknown model.
pub fn param_symbols(model: &str) -> Option<Vec<(String, String, Option<i64>)>> {
    let specs: &[ParamSpec] = match model {
        "dropout" => dropout::PARAMS,
        "hierarchical" => hierarchical::PARAMS,
        "multi-server" => multi_server::PARAMS,
        "threshold-sharing" => threshold_sharing::PARAMS,
        other => {
            let d = declared::shipped(other)?.ok()?;
            return Some(
                d.params
                    .iter()
                    .map(|p| (p.spec_name.clone(), p.symbol.clone(), p.default))
                    .collect(),
            );
        }
    };
    Some(
        specs
            .iter()
            .map(|p| (p.name.to_string(), p.symbol.to_string(), p.default))
            .collect(),
    )
}

/// Read the model's parameters in the order of `specs`; unknown or missing ones are errors.
pub(crate) fn read_params(s: &Scheme, specs: &[ParamSpec]) -> Result<Vec<i64>, SpecError> {
    for p in &s.params {
        if !specs.iter().any(|sp| sp.name == p.name) {
            let expected: Vec<String> = specs
                .iter()
                .map(|sp| format!("{} ({})", sp.name, sp.symbol))
                .collect();
            return Err(s.error_at(
                p.span,
                format!(
                    "model `{}` has no parameter `{}`; expected: {}",
                    s.model,
                    p.name,
                    expected.join(", ")
                ),
            ));
        }
    }
    specs
        .iter()
        .map(|sp| match (s.param(sp.name), sp.default) {
            (Some(p), _) => Ok(p.value),
            (None, Some(d)) => Ok(d),
            (None, None) => Err(s.error_at(
                s.model_span,
                format!(
                    "model `{}` needs the parameter `{}` ({}) in [params]",
                    s.model, sp.name, sp.symbol
                ),
            )),
        })
        .collect()
}

/// Error located at a parameter's value (or at the model line when it was defaulted).
pub(crate) fn param_error(s: &Scheme, name: &str, message: String) -> SpecError {
    let span = s.param(name).map_or(s.model_span, |p| p.span);
    s.error_at(span, message)
}

/// A role a model needs: its name, its shape, and what it means.
pub(crate) struct RoleSpec {
    pub role: &'static str,
    pub example: &'static str,
    pub indices: usize,
    pub set: bool,
    pub meaning: &'static str,
}

/// A role as declared in the spec: the base name its instances use.
#[derive(Debug, Clone)]
pub struct RoleDecl {
    pub base: String,
    pub span: Span,
    pub meaning: &'static str,
}

impl RoleDecl {
    pub fn name(&self, index: &[u32], set: Option<&[u32]>) -> Name {
        Name::new(&self.base, index.to_vec(), set.map(|s| s.to_vec()))
    }
}

pub(crate) fn read_roles(s: &Scheme, specs: &[RoleSpec]) -> Result<Vec<RoleDecl>, SpecError> {
    for r in &s.roles {
        if !specs.iter().any(|sp| sp.role == r.role) {
            let expected: Vec<String> = specs
                .iter()
                .map(|sp| format!("{} = \"{}\"", sp.role, sp.example))
                .collect();
            return Err(s.error_at(
                r.span,
                format!(
                    "model `{}` has no role `{}`; its roles are: {}",
                    s.model,
                    r.role,
                    expected.join(", ")
                ),
            ));
        }
    }
    let mut bases: HashSet<String> = HashSet::new();
    specs
        .iter()
        .map(|sp| {
            let Some(r) = s.role(sp.role) else {
                return Err(s.error_at(
                    s.model_span,
                    format!(
                        "model `{}` needs the role `{}` ({}) in [roles], e.g. {} = \"{}\"",
                        s.model, sp.role, sp.meaning, sp.role, sp.example
                    ),
                ));
            };
            let p = &r.pattern;
            let placeholders = p
                .index
                .iter()
                .chain(p.set.iter().flatten())
                .all(|i| matches!(i, Item::Placeholder(_)));
            if p.index.len() != sp.indices || p.set.is_some() != sp.set || !placeholders {
                return Err(s.error_at(
                    r.span,
                    format!(
                        "role `{}` must have the shape `{}` ({}), with letters as placeholders",
                        sp.role, sp.example, sp.meaning
                    ),
                ));
            }
            if !bases.insert(p.base.clone()) {
                return Err(s.error_at(
                    r.span,
                    format!("the name `{}` is used by two roles", p.base),
                ));
            }
            Ok(RoleDecl {
                base: p.base.clone(),
                span: r.span,
                meaning: sp.meaning,
            })
        })
        .collect()
}

/// Rows of a role instance; a missing instance is an error at the role declaration.
pub(crate) fn instance(s: &Scheme, role: &RoleDecl, name: &Name) -> Result<(), SpecError> {
    if s.block(name).is_some() {
        Ok(())
    } else {
        Err(s.error_at(
            role.span,
            format!(
                "missing `{name}` ({}) — declare it in [variables]",
                role.meaning
            ),
        ))
    }
}

/// Every declared name with the role's base must be one of the expected instances.
pub(crate) fn no_strays(
    s: &Scheme,
    role: &RoleDecl,
    expected: &HashSet<Name>,
    hint: &str,
) -> Result<(), SpecError> {
    let mut strays: Vec<(&Name, Span)> = s
        .sources
        .iter()
        .map(|x| (&x.name, x.span))
        .chain(s.variables.iter().map(|v| (&v.name, v.span)))
        .filter(|(n, _)| n.base == role.base && !expected.contains(*n))
        .collect();
    strays.sort_by_key(|(_, sp)| sp.start);
    match strays.first() {
        None => Ok(()),
        Some((n, sp)) => Err(s.error_at(
            *sp,
            format!(
                "`{n}` does not fit the model: `{}` names {}; {hint}",
                role.base, role.meaning
            ),
        )),
    }
}

/// The inputs of the role must be exactly the declared input sources.
pub(crate) fn inputs_match(
    s: &Scheme,
    role: &RoleDecl,
    expected: &HashSet<Name>,
) -> Result<(), SpecError> {
    for src in s.inputs() {
        if !expected.contains(&src.name) {
            return Err(s.error_at(
                src.span,
                format!(
                    "input `{}` is not the input of any participant (the `input` role is `{}`)",
                    src.name, role.base
                ),
            ));
        }
    }
    let mut sorted: Vec<&Name> = expected.iter().collect();
    sorted.sort();
    for n in sorted {
        match s.block(n) {
            Some(crate::scheme::BlockRef::Source(i)) if s.sources[i].kind == SourceKind::Input => {}
            Some(_) => {
                return Err(s.error_at(
                    s.span_of(n).unwrap_or(role.span),
                    format!("`{n}` must be declared in `inputs` ({})", role.meaning),
                ))
            }
            None => {
                return Err(s.error_at(
                    role.span,
                    format!(
                        "missing input `{n}` ({}) — list it in `inputs`",
                        role.meaning
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// Keys and randomness must be independent of the inputs: no input column in their rows.
pub(crate) fn key_only(s: &Scheme, role: &RoleDecl, name: &Name) -> Result<(), SpecError> {
    let rows = s.sparse_rows(name).unwrap_or_default();
    let touches = |r: &&crate::field::SparseRow| {
        r.entries()
            .last()
            .is_some_and(|&(c, _)| c as usize >= s.input_start)
    };
    if let Some(r) = rows.iter().find(touches).map(|r| r.to_dense(s.num_columns)) {
        return Err(s.error_at(
            s.span_of(name).unwrap_or(role.span),
            format!(
                "`{name}` ({}) must be independent of the inputs, but one of its symbols is {}",
                role.meaning,
                s.format_row(&r)
            ),
        ));
    }
    Ok(())
}

/// H(names) as a rank, in F_p symbols.
pub(crate) fn entropy(s: &Scheme, names: &[Name]) -> usize {
    let rows: Vec<crate::field::SparseRow> = names
        .iter()
        .flat_map(|n| s.sparse_rows(n).unwrap_or_default())
        .collect();
    s.field.rank_sparse(&rows, s.num_columns)
}

/// Randomness accounting of per-user keys: H(key) over the users (labelled `each`) and the
/// joint H(all keys) (`joint`), in F_p symbols, next to the region bounds named in `bounds`
/// (rate names, e.g. `R_Z`, `R_ZΣ`); `no_bound` says why a quantity has none.
pub(crate) fn key_accounting(
    s: &Scheme,
    region: &Result<crate::region::Region, crate::region::RegionError>,
    keys: &[Name],
    (each, joint): (String, String),
    bounds: [Option<&str>; 2],
    no_bound: &str,
) -> Vec<crate::region::achieved::KeyAccount> {
    use crate::region::achieved::key_account;
    let per_user: Vec<usize> = keys
        .iter()
        .map(|n| entropy(s, std::slice::from_ref(n)))
        .collect();
    let l = s.input_length;
    vec![
        key_account(each, &per_user, bounds[0], region, l, no_bound),
        key_account(joint, &[entropy(s, keys)], bounds[1], region, l, no_bound),
    ]
}

/// Register a scheme name as a block.
pub(crate) fn block(s: &Scheme, blocks: &mut Blocks, name: &Name) -> crate::verify::BlockId {
    let rows = s.sparse_rows(name).expect("validated instance");
    blocks.add_sparse_named(name.to_string(), s.num_columns, rows, s.row_names(name))
}

/// Register the sum of the given input blocks, e.g. `ΣW{1,2}`.
pub(crate) fn sum_block(
    s: &Scheme,
    blocks: &mut Blocks,
    label: String,
    inputs: &[Name],
) -> crate::verify::BlockId {
    let f = s.field;
    let mut acc = vec![crate::field::SparseRow::default(); s.input_length];
    for n in inputs {
        for (a, r) in acc
            .iter_mut()
            .zip(s.sparse_rows(n).expect("validated input"))
        {
            *a = f.axpy_sparse(a, 1, &r);
        }
    }
    blocks.add_sparse(label, s.num_columns, acc)
}

/// Apply `--set NAME=VALUE` overrides to the spec's parameters (a value may be a formula of
/// the other parameters, e.g. `T=U-1`); returns what changed, e.g. `colluders=2 (spec: 1)`.
/// A bad assignment is an error naming the argument.
pub fn apply_overrides(s: &mut Scheme, sets: &[String]) -> Result<Vec<String>, SpecError> {
    use crate::lang::{params::parse_assignment, Env, Value};
    let mut out = Vec::new();
    for arg in sets {
        let bad = |m: String| SpecError::File {
            path: format!("--set {arg}"),
            message: m,
        };
        let a = parse_assignment(arg)
            .map_err(|e| bad(format!("{} (at column {})", e.message, e.span.start + 1)))?;
        let mut env = Env::new();
        for p in &s.params {
            env.define(&p.name, Value::Int(p.value));
        }
        // The symbols of a declared model (or of the declaration shipped under this name).
        let decl = if s.model == crate::scheme::spec::INLINE_MODEL {
            declared::Declaration::parse_inline(&s.origin.text, &s.origin.path).ok()
        } else {
            declared::Declaration::resolve(&s.model, &s.origin.path).and_then(|d| d.ok())
        };
        for dp in decl.iter().flat_map(|d| &d.params) {
            if let Some(p) = s.params.iter().find(|p| p.name == dp.spec_name) {
                env.define(&dp.symbol, Value::Int(p.value));
            }
        }
        let v = a.int_value(&env).map_err(|e| bad(e.message))?;
        let spec_name = decl
            .iter()
            .flat_map(|d| &d.params)
            .find(|dp| dp.symbol == a.name)
            .map_or(a.name.clone(), |dp| dp.spec_name.clone());
        match s
            .params
            .iter_mut()
            .find(|p| p.name == spec_name || p.name == a.name)
        {
            Some(p) => {
                out.push(format!("{}={v} (spec: {})", a.name, p.value));
                p.value = v;
            }
            None => {
                out.push(format!("{}={v} (not in the spec)", a.name));
                s.params.push(crate::scheme::Param {
                    name: a.name.clone(),
                    value: v,
                    span: s.model_span,
                });
            }
        }
    }
    Ok(out)
}

/// `itsa models`: the compiled models and the shipped declarations, one line each.
pub fn list_text() -> String {
    let mut o = String::from("compiled models (constructions, special adversaries):\n");
    for c in REGISTRY {
        let params: Vec<String> = c
            .params
            .iter()
            .map(|p| format!("{} ({})", p.name, p.symbol))
            .collect();
        o.push_str(&format!("  {:<18} params: {}\n", c.name, params.join(", ")));
    }
    o.push_str("\ndeclared models (models/*.toml; use by name: model = \"NAME\"):\n");
    let w = declared::SHIPPED
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    for (name, _) in declared::SHIPPED {
        match declared::shipped(name) {
            Some(Ok(d)) => {
                let params: Vec<String> = d
                    .params
                    .iter()
                    .map(|p| format!("{} ({})", p.spec_name, p.symbol))
                    .collect();
                let fams: Vec<&str> = d.families.iter().map(|f| f.name.as_str()).collect();
                o.push_str(&format!(
                    "  {name:<w$} {}\n  {:<w$} params: {}; families: locality, {}\n",
                    d.description,
                    "",
                    params.join(", "),
                    fams.join(", ")
                ));
            }
            Some(Err(e)) => o.push_str(&format!("  {name:<w$} BROKEN DECLARATION: {e}\n")),
            None => {}
        }
    }
    o
}
