//! One file per model. A model reads its parameters and roles from a [`Scheme`], validates
//! them (errors are located in the spec), and describes *which* checks exist as a
//! [`Plan`]; it never does linear algebra itself.

pub mod decentralized;
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

/// Models itsa knows, as written in `model = "..."`.
pub const MODELS: &[&str] = &[
    "dropout",
    "hierarchical",
    "multi-server",
    "threshold-sharing",
];

#[derive(Debug, Clone)]
pub enum Model {
    Dropout(dropout::Dropout),
    Hierarchical(hierarchical::Hierarchical),
    MultiServer(multi_server::MultiServer),
    ThresholdSharing(threshold_sharing::ThresholdSharing),
}

impl Model {
    /// Validate the scheme against its declared model.
    pub fn from_scheme(s: &Scheme) -> Result<Model, SpecError> {
        match s.model.as_str() {
            "dropout" => Ok(Model::Dropout(dropout::Dropout::from_scheme(s)?)),
            "hierarchical" => Ok(Model::Hierarchical(
                hierarchical::Hierarchical::from_scheme(s)?,
            )),
            "multi-server" => Ok(Model::MultiServer(multi_server::MultiServer::from_scheme(
                s,
            )?)),
            "threshold-sharing" => Ok(Model::ThresholdSharing(
                threshold_sharing::ThresholdSharing::from_scheme(s)?,
            )),
            other => Err(s.error_at(
                s.model_span,
                format!(
                    "unknown model `{other}`; known models: {}",
                    MODELS.join(", ")
                ),
            )),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Model::Dropout(_) => "dropout",
            Model::Hierarchical(_) => "hierarchical",
            Model::MultiServer(_) => "multi-server",
            Model::ThresholdSharing(_) => "threshold-sharing",
        }
    }

    pub fn source(&self) -> &'static str {
        match self {
            Model::Dropout(_) => dropout::SOURCE,
            Model::Hierarchical(_) => hierarchical::SOURCE,
            Model::MultiServer(_) => multi_server::SOURCE,
            Model::ThresholdSharing(_) => threshold_sharing::SOURCE,
        }
    }

    pub fn params(&self) -> Vec<(&'static str, i64)> {
        match self {
            Model::Dropout(m) => m.params(),
            Model::Hierarchical(m) => m.params(),
            Model::MultiServer(m) => m.params(),
            Model::ThresholdSharing(m) => m.params(),
        }
    }

    /// Number of checks the plan will contain (computed without building it).
    pub fn count_checks(&self) -> u128 {
        match self {
            Model::Dropout(m) => m.count_checks(),
            Model::Hierarchical(m) => m.count_checks(),
            Model::MultiServer(m) => m.count_checks(),
            Model::ThresholdSharing(m) => m.count_checks(),
        }
    }

    pub fn plan(&self, s: &Scheme) -> Plan {
        match self {
            Model::Dropout(m) => m.plan(s),
            Model::Hierarchical(m) => m.plan(s),
            Model::MultiServer(m) => m.plan(s),
            Model::ThresholdSharing(m) => m.plan(s),
        }
    }

    /// Achieved rates of the scheme next to the model's optimal region.
    pub fn rates(&self, s: &Scheme, verified: bool) -> crate::region::achieved::RateReport {
        let (achieved, region) = match self {
            Model::Dropout(m) => (m.achieved_rates(s), m.optimal_region()),
            Model::Hierarchical(m) => (m.achieved_rates(s), m.optimal_region(s)),
            Model::MultiServer(m) => (m.achieved_rates(s), m.optimal_region()),
            // A threshold model has no rate region: report its communication instead.
            Model::ThresholdSharing(m) => return m.communication(s),
        };
        let mut r = crate::region::achieved::compare(&achieved, &region, verified);
        r.randomness = match self {
            Model::Dropout(m) => m.key_accounting(s, &region),
            Model::Hierarchical(m) => m.key_accounting(s, &region),
            Model::MultiServer(m) => m.key_accounting(s, &region),
            Model::ThresholdSharing(_) => vec![],
        };
        if let Model::Hierarchical(m) = self {
            if m.alphabet == 0 {
                r.notes.push("no alphabet given: key rates are compared as multiples of log p / log q, valid for every q".into());
            }
        }
        r
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
        }
    }
}

/// A parameter a model takes: spec name, paper symbol, and default if optional.
pub(crate) struct ParamSpec {
    pub name: &'static str,
    pub symbol: &'static str,
    pub default: Option<i64>,
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
    blocks.add_sparse(name.to_string(), s.num_columns, rows)
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
