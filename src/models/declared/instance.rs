//! A declaration tied to a spec: parameters read and checked, names checked against the roles,
//! and the expansion to the engine's [`Plan`].

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::{intern, CondDecl, Declaration, FamilyDecl, Reader, RoleDecl, RoleKind, Src};
use crate::lang::{self, formula, quantifier, Comprehension, Env, Part, Quantifier, Value};
use crate::region::achieved::Achieved;
use crate::region::{ratio, Region, RegionError};
use crate::scheme::{BlockRef, Name, Scheme, SourceKind, SpecError};
use crate::verify::{BlockId, Blocks, Check, Condition, Family, Plan};

/// How a declared model is loaded: `force` expands families beyond the check budget.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    pub force: bool,
}

/// A validated instance of a declared model.
#[derive(Debug, Clone)]
pub struct Declared {
    pub decl: Arc<Declaration>,
    /// (symbol, spec name, value) in declaration order.
    pub values: Vec<(String, String, i64)>,
    pub(super) env: Env,
    pub(super) renames: HashMap<String, String>,
    checks: u128,
    plan: Arc<Mutex<Option<Plan>>>,
}

impl Declared {
    /// Validate `s` against the declaration its `model` names (inline, a file, or shipped).
    pub fn from_scheme(s: &Scheme, opts: LoadOptions) -> Result<Declared, SpecError> {
        let decl = if s.model == crate::scheme::spec::INLINE_MODEL {
            Declaration::parse_inline(&s.origin.text, &s.origin.path)?
        } else {
            match Declaration::resolve(&s.model, &s.origin.path) {
                Some(d) => d?,
                None => {
                    return Err(s.error_at(
                        s.model_span,
                        format!(
                            "unknown model `{}`; known models: {}",
                            s.model,
                            super::super::known_models().join(", ")
                        ),
                    ))
                }
            }
        };
        Declared::with_declaration(Arc::new(decl), s, opts)
    }

    /// Validate `s` against a given declaration (whatever its `model` says).
    pub fn with_declaration(
        decl: Arc<Declaration>,
        s: &Scheme,
        opts: LoadOptions,
    ) -> Result<Declared, SpecError> {
        let r = Reader {
            origin: &decl.origin,
        };
        let d = &*decl;
        // Parameters.
        for p in &s.params {
            if !d
                .params
                .iter()
                .any(|dp| dp.spec_name == p.name || dp.symbol == p.name)
            {
                let expected: Vec<String> = d
                    .params
                    .iter()
                    .map(|dp| format!("{} ({})", dp.spec_name, dp.symbol))
                    .collect();
                return Err(s.error_at(
                    p.span,
                    format!(
                        "model `{}` has no parameter `{}`; expected: {}",
                        d.name,
                        p.name,
                        expected.join(", ")
                    ),
                ));
            }
        }
        // The field's prime and the input length are known to every formula as `p` and `L`
        // (a parameter of the same name shadows them).
        let mut env = Env::new();
        env.define("p", Value::Int(s.field.p() as i64));
        env.define("L", Value::Int(s.input_length as i64));
        let mut values = Vec::new();
        for dp in &d.params {
            let given = s
                .params
                .iter()
                .find(|p| p.name == dp.spec_name || p.name == dp.symbol);
            let v = match (given, dp.default) {
                (Some(p), _) => p.value,
                (None, Some(v)) => v,
                (None, None) => {
                    return Err(s.error_at(
                        s.model_span,
                        format!(
                            "model `{}` needs the parameter `{}` ({}{}) in [params]",
                            d.name,
                            dp.spec_name,
                            dp.symbol,
                            if dp.meaning.is_empty() {
                                String::new()
                            } else {
                                format!(": {}", dp.meaning)
                            }
                        ),
                    ))
                }
            };
            env.define(&dp.symbol, Value::Int(v));
            values.push((dp.symbol.clone(), dp.spec_name.clone(), v));
        }
        let param_span = |sym: &str| {
            d.params
                .iter()
                .find(|dp| dp.symbol == sym)
                .and_then(|dp| {
                    s.params
                        .iter()
                        .find(|p| p.name == dp.spec_name || p.name == dp.symbol)
                })
                .map_or(s.model_span, |p| p.span)
        };
        let mut known_params: Vec<&str> = d.params.iter().map(|p| p.symbol.as_str()).collect();
        known_params.extend(["p", "L"]);
        for dp in &d.params {
            let v = env.get(&dp.symbol).and_then(|x| x.as_int()).unwrap_or(0);
            for (bound, is_min) in [(&dp.min, true), (&dp.max, false)] {
                let Some(b) = bound else { continue };
                check_names(&r, b, &b.value.free_names(), &known_params, "parameter")?;
                let lim = formula::eval_int(&b.value, &env).map_err(|e| r.lang_err(b, e))?;
                if (is_min && v < lim) || (!is_min && v > lim) {
                    let shown = if b.text.trim() == lim.to_string() {
                        lim.to_string()
                    } else {
                        format!("{} = {lim}", b.text)
                    };
                    let name = if dp.spec_name == dp.symbol {
                        dp.symbol.clone()
                    } else {
                        format!("{} ({})", dp.spec_name, dp.symbol)
                    };
                    return Err(s.error_at(
                        param_span(&dp.symbol),
                        format!(
                            "{name} must be at {} {shown}, found {v}",
                            if is_min { "least" } else { "most" },
                        ),
                    ));
                }
            }
        }
        // Graphs (the declaration's, then the spec's `[graphs]`), then the named sets.
        let mut known: Vec<String> = known_params.iter().map(|s| s.to_string()).collect();
        for (name, g, _) in &d.graphs {
            env.define_graph(name, g.clone());
            known.push(name.clone());
        }
        if s.origin.text.contains("graphs") {
            for (name, g) in spec_graphs(s, &env)? {
                env.define_graph(&name, g);
                known.push(name);
            }
        }
        for (name, e) in &d.sets {
            let names = e.value.free_names();
            if let Some((_, span)) = names.iter().find(|(n, _)| n == name) {
                return Err(r.err(
                    e.offset + span.start,
                    format!("the set `{name}` is defined in terms of itself"),
                ));
            }
            let k: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
            check_names(&r, e, &names, &k, "set")?;
            let v = lang::sets::eval(&e.value, &env).map_err(|x| r.lang_err(e, x))?;
            env.define(name, v);
            known.push(name.clone());
        }
        // Constraints, after graphs and sets: they may say `size(N(k)) == d`.
        for c in &d.constraints {
            let names = c.value.free_names();
            let k: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
            // A name the declaration never defines is most often a graph the spec should give
            // (`[graphs]`): say so at the spec, where the fix goes.
            if let Some((n, _)) = names.iter().find(|(n, _)| !k.contains(&n.as_str())) {
                return Err(s.error_at(
                    s.model_span,
                    format!(
                        "model `{}`: its constraint `{}` uses `{n}`, which is not a parameter, set \
                         or graph of the declaration, and this spec gives no graph `{n}` (add \
                         `[graphs] {n} = [[1, 2], …]`; known: {})",
                        d.name,
                        c.text,
                        k.join(", ")
                    ),
                ));
            }
            if !formula::eval_bool(&c.value, &env).map_err(|e| r.lang_err(c, e))? {
                let shown: Vec<String> = names
                    .iter()
                    .filter(|(n, _)| known_params.contains(&n.as_str()))
                    .map(|(n, _)| {
                        format!("{n}={}", env.get(n).map_or("?".into(), |v| v.to_string()))
                    })
                    .collect();
                let at = names
                    .iter()
                    .find(|(n, _)| known_params.contains(&n.as_str()))
                    .map_or(s.model_span, |(n, _)| param_span(n));
                return Err(s.error_at(
                    at,
                    format!(
                        "the parameters break the constraint `{}` of model `{}` ({})",
                        c.text,
                        d.name,
                        shown.join(", ")
                    ),
                ));
            }
        }
        // Roles: the spec's [roles] may rename the declared bases.
        let mut renames = HashMap::new();
        for sr in &s.roles {
            let Some(dr) = d.roles.iter().find(|dr| dr.name == sr.role) else {
                let expected: Vec<String> = d
                    .roles
                    .iter()
                    .map(|dr| format!("{} = \"{}\"", dr.name, dr.pattern.text))
                    .collect();
                return Err(s.error_at(
                    sr.span,
                    format!(
                        "model `{}` has no role `{}`; its roles are: {}",
                        d.name,
                        sr.role,
                        expected.join(", ")
                    ),
                ));
            };
            let (_, n, set) = sr.pattern.shape();
            let p = &dr.pattern.value;
            if n != p.index.len() || set != p.set.is_some() {
                return Err(s.error_at(
                    sr.span,
                    format!(
                        "role `{}` must have the shape `{}` ({})",
                        dr.name, dr.pattern.text, dr.meaning
                    ),
                ));
            }
            renames.insert(p.base.clone(), sr.pattern.base.clone());
        }
        let mut bases: HashSet<String> = HashSet::new();
        for dr in &d.roles {
            let base = renames
                .get(&dr.pattern.value.base)
                .unwrap_or(&dr.pattern.value.base);
            if !bases.insert(base.clone()) {
                return Err(r.err(
                    dr.span.start,
                    format!("the name `{base}` is used by two roles"),
                ));
            }
        }
        let role_bases: Vec<&str> = d
            .roles
            .iter()
            .map(|dr| dr.pattern.value.base.as_str())
            .collect();
        let known_refs: Vec<&str> = known.iter().map(|s| s.as_str()).collect();
        static_checks(&r, d, &known_refs, &role_bases)?;

        let mut m = Declared {
            decl: decl.clone(),
            values,
            env,
            renames,
            checks: 0,
            plan: Arc::new(Mutex::new(None)),
        };
        // Count up front (before anything is enumerated): refuse astronomical expansions
        // unless forced.
        let mut total: u128 = m.locality_count(&r)?;
        for f in &d.families {
            let qs = nest(f);
            let c = quantifier::count(&qs, &mut m.env.clone(), d.max_checks)
                .map_err(|e| r.err(f.span.start, e.message))?;
            if (!c.exact || total.saturating_add(c.value) > d.max_checks) && !opts.force {
                let n = if c.exact {
                    format!("{}", c.value)
                } else {
                    format!("more than {}", c.value)
                };
                return Err(r.err(
                    f.span.start,
                    format!(
                        "family `{}` expands to {n} checks, beyond the budget of {} checks of model `{}` (max-checks); run with --force to expand it anyway",
                        f.name, d.max_checks, d.name
                    ),
                ));
            }
            total = total.saturating_add(c.value);
        }
        m.checks = total;
        m.validate_roles(s)?;
        let plan = m.expand(s)?;
        m.checks = plan.num_checks() as u128;
        *m.plan.lock().unwrap_or_else(|e| e.into_inner()) = Some(plan);
        Ok(m)
    }

    pub fn name(&self) -> &'static str {
        intern(&self.decl.name)
    }

    pub fn source(&self) -> &'static str {
        intern(if self.decl.source.is_empty() {
            &self.decl.origin.path
        } else {
            &self.decl.source
        })
    }

    pub fn params(&self) -> Vec<(&'static str, i64)> {
        self.values
            .iter()
            .map(|(_, spec, v)| (intern(spec), *v))
            .collect()
    }

    pub fn count_checks(&self) -> u128 {
        self.checks
    }

    /// The plan (expanded when the model was loaded; taken, or expanded again).
    pub fn plan(&self, s: &Scheme) -> Plan {
        if let Some(p) = self.plan.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return p;
        }
        // The expansion succeeded once on this scheme and is deterministic.
        self.expand(s).unwrap_or_default()
    }

    fn rename(&self, n: Name) -> Name {
        rename(&self.renames, n)
    }

    /// Instances of a role in its `for` order, with the environment of each.
    pub(super) fn instances(
        &self,
        r: &Reader,
        role: &RoleDecl,
        f: &mut dyn FnMut(Name, &mut Env) -> Result<(), SpecError>,
    ) -> Result<(), SpecError> {
        let mut env = self.env.clone();
        let qs = &role.quantifiers;
        let pat = &role.pattern;
        quantifier::for_each(&qs.value, &mut env, &mut |env| -> Result<(), Stop> {
            let n = pat
                .value
                .eval(env)
                .map_err(|e| Stop::Spec(r.lang_err(pat, e)))?;
            f(self.rename(n), env).map_err(Stop::Spec)
        })
        .map_err(|e| match e {
            Stop::Spec(e) => e,
            Stop::Lang(e) => r.lang_err(qs, e),
        })
    }

    fn validate_roles(&self, s: &Scheme) -> Result<(), SpecError> {
        let d = &*self.decl;
        let r = Reader { origin: &d.origin };
        let mut inputs: HashSet<Name> = HashSet::new();
        for role in &d.roles {
            let mut expected: HashSet<Name> = HashSet::new();
            self.instances(&r, role, &mut |n, _| {
                match (s.block(&n), role.kind) {
                    (None, RoleKind::Input) => {
                        return Err(s.error_at(
                            s.model_span,
                            format!("missing input `{n}` ({}) — list it in `inputs`", role.meaning),
                        ))
                    }
                    (None, _) => {
                        return Err(s.error_at(
                            s.model_span,
                            format!("missing `{n}` ({}) — declare it in [variables]", role.meaning),
                        ))
                    }
                    (Some(BlockRef::Source(i)), RoleKind::Input) if s.sources[i].kind == SourceKind::Input => {}
                    (Some(_), RoleKind::Input) => {
                        return Err(s.error_at(
                            s.span_of(&n).unwrap_or(s.model_span),
                            format!("`{n}` must be declared in `inputs` ({})", role.meaning),
                        ))
                    }
                    (Some(_), RoleKind::Key) => {
                        let rows = s.rows(&n).unwrap_or_default();
                        if let Some(row) = rows.iter().find(|x| s.touches_inputs(x)) {
                            return Err(s.error_at(
                                s.span_of(&n).unwrap_or(s.model_span),
                                format!(
                                    "`{n}` ({}) must be independent of the inputs, but one of its symbols is {}",
                                    role.meaning,
                                    s.format_row(row)
                                ),
                            ));
                        }
                    }
                    _ => {}
                }
                if role.kind == RoleKind::Input {
                    inputs.insert(n.clone());
                }
                expected.insert(n);
                Ok(())
            })?;
            let base = self
                .rename(Name::new(&role.pattern.value.base, vec![], None))
                .base;
            let mut strays: Vec<(&Name, crate::scheme::Span)> = s
                .sources
                .iter()
                .map(|x| (&x.name, x.span))
                .chain(s.variables.iter().map(|v| (&v.name, v.span)))
                .filter(|(n, _)| n.base == base && !expected.contains(*n))
                .collect();
            strays.sort_by_key(|(_, sp)| sp.start);
            if let Some((n, sp)) = strays.first() {
                return Err(s.error_at(
                    *sp,
                    format!(
                        "`{n}` does not fit the model: `{base}` names {}, for {}",
                        role.meaning,
                        if role.quantifiers.text.is_empty() {
                            "no index"
                        } else {
                            &role.quantifiers.text
                        }
                    ),
                ));
            }
        }
        for src in s.inputs() {
            if !inputs.contains(&src.name) {
                return Err(s.error_at(
                    src.span,
                    format!(
                        "input `{}` is not the input of any participant of model `{}`",
                        src.name, d.name
                    ),
                ));
            }
        }
        Ok(())
    }

    fn locality_count(&self, r: &Reader) -> Result<u128, SpecError> {
        let mut n = 0u128;
        for role in &self.decl.roles {
            if let RoleKind::Message(_) = role.kind {
                let c =
                    quantifier::count(&role.quantifiers.value, &mut self.env.clone(), u128::MAX)
                        .map_err(|e| r.lang_err(&role.quantifiers, e))?;
                n = n.saturating_add(c.value);
            }
        }
        Ok(n)
    }

    /// Expand to the engine's plan: locality, then each family in order.
    fn expand(&self, s: &Scheme) -> Result<Plan, SpecError> {
        let d = &*self.decl;
        let r = Reader { origin: &d.origin };
        let mut x = Expander {
            s,
            renames: &self.renames,
            blocks: Blocks::default(),
            ids: HashMap::new(),
            all_inputs: None,
        };
        // What each participant holds: inputs and keys, in role order.
        let mut held: HashMap<(String, Value), Vec<Name>> = HashMap::new();
        for role in d
            .roles
            .iter()
            .filter(|r| !matches!(r.kind, RoleKind::Message(_)))
        {
            let Some(h) = &role.holder else { continue };
            self.instances(&r, role, &mut |n, env| {
                let hv = lang::sets::eval(&h.value, env).map_err(|e| r.lang_err(h, e))?;
                held.entry((role.participant.clone(), hv))
                    .or_default()
                    .push(n);
                Ok(())
            })?;
        }
        let inputs: Vec<Name> = s.inputs().map(|x| x.name.clone()).collect();
        x.all_inputs = Some(inputs);
        let mut locality = Vec::new();
        for role in &d.roles {
            if !matches!(role.kind, RoleKind::Message(_)) {
                continue;
            }
            let holder_vars: Vec<String> = role
                .holder
                .as_ref()
                .map(|h| h.value.free_names().into_iter().map(|(n, _)| n).collect())
                .unwrap_or_default();
            let others: Vec<String> = role
                .quantifiers
                .value
                .iter()
                .flat_map(|q| q.binder.names().into_iter().map(String::from))
                .filter(|n| !holder_vars.contains(n))
                .collect();
            let mut checks = Vec::new();
            self.instances(&r, role, &mut |n, env| {
                let mut sets = Vec::new();
                let mut view = Vec::new();
                if let Some(h) = &role.holder {
                    let hv = lang::sets::eval(&h.value, env).map_err(|e| r.lang_err(h, e))?;
                    sets.push((intern(&role.participant), flat(&hv)));
                    for hn in held
                        .get(&(role.participant.clone(), hv))
                        .into_iter()
                        .flatten()
                    {
                        view.push(x.name(hn, &r, &role.pattern)?);
                    }
                }
                for v in &others {
                    if let Some(val) = env.get(v) {
                        let label = role
                            .report
                            .iter()
                            .find(|(var, _)| var == v)
                            .map_or(v.as_str(), |(_, l)| l.as_str());
                        sets.push((intern(label), flat(val)));
                    }
                }
                for k in &role.knows {
                    view.extend(x.comprehension(k, env, &r)?);
                }
                let target = vec![x.name(&n, &r, &role.pattern)?];
                checks.push(Check {
                    sets,
                    condition: Condition::Decodable { view, target },
                });
                Ok(())
            })?;
            locality.extend(checks);
        }
        let mut families = vec![Family {
            name: "locality",
            description: "each message is a function of its sender's input and randomness".into(),
            checks: locality,
            decoders: false,
        }];
        for f in &d.families {
            families.push(self.expand_family(f, &mut x, &r)?);
        }
        Ok(Plan {
            blocks: x.blocks,
            families,
        })
    }

    fn expand_family(
        &self,
        f: &FamilyDecl,
        x: &mut Expander,
        r: &Reader,
    ) -> Result<Family, SpecError> {
        let qs = nest(f);
        let binders: Vec<String> = qs
            .iter()
            .flat_map(|q| q.binder.names().into_iter().map(String::from))
            .collect();
        let report: Vec<(String, &'static str)> = match &f.report {
            Some(v) => v
                .iter()
                .map(|(var, label)| (var.clone(), intern(label)))
                .collect(),
            None => binders.iter().map(|b| (b.clone(), intern(b))).collect(),
        };
        let (first, second, kind) = match &f.condition {
            CondDecl::Decode { target, from } => (from, target, 0),
            CondDecl::Secure { from, given } => (from, given, 1),
            CondDecl::Hidden { target, from } => (from, target, 2),
        };
        let deps = |cs: &[Src<Comprehension>]| -> Vec<Vec<String>> {
            cs.iter()
                .map(|c| {
                    c.value
                        .free_names()
                        .into_iter()
                        .map(|(n, _)| n)
                        .filter(|n| binders.contains(n))
                        .collect()
                })
                .collect()
        };
        let (d1, d2) = (deps(first), deps(second));
        let mut c1: Vec<HashMap<Vec<Value>, Vec<BlockId>>> = vec![HashMap::new(); first.len()];
        let mut c2: Vec<HashMap<Vec<Value>, Vec<BlockId>>> = vec![HashMap::new(); second.len()];
        let mut checks = Vec::new();
        let mut env = self.env.clone();
        let fill = |cs: &[Src<Comprehension>],
                    deps: &[Vec<String>],
                    cache: &mut [HashMap<Vec<Value>, Vec<BlockId>>],
                    env: &mut Env,
                    x: &mut Expander|
         -> Result<Vec<BlockId>, SpecError> {
            let mut out = Vec::new();
            for (i, c) in cs.iter().enumerate() {
                let key: Vec<Value> = deps[i]
                    .iter()
                    .map(|n| env.get(n).cloned().unwrap_or(Value::Bool(false)))
                    .collect();
                if cache[i].len() > 100_000 {
                    cache[i].clear();
                }
                if let Some(ids) = cache[i].get(&key) {
                    out.extend_from_slice(ids);
                    continue;
                }
                let ids = x.comprehension(c, env, r)?;
                out.extend_from_slice(&ids);
                cache[i].insert(key, ids);
            }
            Ok(out)
        };
        quantifier::for_each(&qs, &mut env, &mut |env| -> Result<(), Stop> {
            let a = fill(first, &d1, &mut c1, env, x).map_err(Stop::Spec)?;
            let b = fill(second, &d2, &mut c2, env, x).map_err(Stop::Spec)?;
            let sets = report
                .iter()
                .filter_map(|(v, label)| env.get(v).map(|val| (*label, flat(val))))
                .collect();
            let condition = match kind {
                0 => Condition::Decodable { view: a, target: b },
                1 => Condition::Secure { view: a, cond: b },
                _ => Condition::Hidden { view: a, target: b },
            };
            checks.push(Check { sets, condition });
            Ok(())
        })
        .map_err(|e| match e {
            Stop::Spec(e) => e,
            Stop::Lang(e) => r.err(f.span.start, format!("family `{}`: {}", f.name, e.message)),
        })?;
        let mut description = if f.description.is_empty() {
            let texts = |cs: &[Src<Comprehension>]| -> String {
                cs.iter()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match &f.condition {
                CondDecl::Decode { target, from } => {
                    format!("decode {} from {}", texts(target), texts(from))
                }
                CondDecl::Secure { from, given } => {
                    format!("inputs secure from {} given {}", texts(from), texts(given))
                }
                CondDecl::Hidden { target, from } => {
                    format!("{} hidden from {}", texts(target), texts(from))
                }
            }
        } else {
            f.description.clone()
        };
        for (sym, _, v) in &self.values {
            description = description.replace(&format!("{{{sym}}}"), &v.to_string());
        }
        Ok(Family {
            name: intern(&f.name),
            description,
            checks,
            decoders: f.decoders,
        })
    }

    /// Achieved rates by the declaration's definitions.
    pub fn achieved_rates(&self, s: &Scheme) -> Vec<Achieved> {
        let Some(region) = &self.decl.region else {
            return vec![];
        };
        let l = s.input_length as i64;
        region
            .rates
            .iter()
            .map(|rate| {
                let rows = |n: &Name| s.rows(n).unwrap_or_default();
                let value_at = |env: &mut Env| -> i64 {
                    let mut names = Vec::new();
                    for c in &rate.of {
                        let _ = c.value.for_each(env, &mut |p| {
                            match p {
                                Part::Name(n) => names.push(self.rename(n)),
                                Part::Sum(v) => names.extend(v.into_iter().map(|n| self.rename(n))),
                            }
                            Ok(())
                        });
                    }
                    let x = match rate.measure.as_str() {
                        "entropy" => names
                            .iter()
                            .map(|n| s.field.rank(&rows(n)))
                            .max()
                            .unwrap_or(0),
                        "sum-entropy" => names.iter().map(|n| s.field.rank(&rows(n))).sum(),
                        "joint" => {
                            let all: Vec<Vec<u32>> = names.iter().flat_map(rows).collect();
                            s.field.rank(&all)
                        }
                        _ => names.iter().map(|n| rows(n).len()).max().unwrap_or(0),
                    };
                    x as i64
                };
                let mut env = self.env.clone();
                let x = match &rate.per {
                    None => value_at(&mut env),
                    Some(per) => {
                        let mut best = 0i64;
                        let _ = quantifier::for_each(&per.value, &mut env, &mut |env| {
                            best = best.max(value_at(env));
                            Ok::<(), lang::LangError>(())
                        });
                        best
                    }
                };
                let div = rate
                    .divide
                    .as_ref()
                    .and_then(|d| formula::eval_int(&d.value, &self.env).ok())
                    .filter(|&d| d > 0)
                    .unwrap_or(1);
                let what = match rate.measure.as_str() {
                    "entropy" => "largest H (rank) of one of",
                    "sum-entropy" => "sum of H (rank) of",
                    "joint" => "joint H (rank) of",
                    _ => "symbols of the longest of",
                };
                let of: Vec<&str> = rate.of.iter().map(|c| c.text.as_str()).collect();
                let per = rate
                    .per
                    .as_ref()
                    .map_or(String::new(), |p| format!(", largest over {}", p.text));
                let shown_div = if div == 1 {
                    String::new()
                } else {
                    format!(" / {div}")
                };
                Achieved {
                    name: intern(&rate.name),
                    value: ratio(x, l * div),
                    definition: format!(
                        "{x}/{}: {what} {}{per}{shown_div}, per input symbol",
                        l * div,
                        of.join(", ")
                    ),
                }
            })
            .collect()
    }

    /// The claimed region at these parameters.
    pub fn optimal_region(&self) -> Result<Region, RegionError> {
        super::region::evaluate(&self.decl, &self.env)
    }
}

/// Spec-level `[graphs]`.
fn spec_graphs(s: &Scheme, env: &Env) -> Result<Vec<(String, lang::Graph)>, SpecError> {
    let r = Reader { origin: &s.origin };
    let doc =
        toml::de::DeTable::parse(&s.origin.text).map_err(|e| r.err(0, e.message().to_string()))?;
    let Some(v) = doc.get_ref().get("graphs") else {
        return Ok(vec![]);
    };
    // A parametric spec may give a graph as a formula of the model's parameters
    // (`N = "{(k, mod(k, K) + 1) for k in 1..K}"`): evaluate it here, at the spec's values.
    if let toml::de::DeValue::Table(t) = v.get_ref() {
        if t.iter().any(|(_, gv)| gv.get_ref().as_str().is_some()) {
            let mut out = Vec::new();
            for (gk, gv) in t.iter() {
                let name = gk.get_ref().to_string();
                let Some(text) = gv.get_ref().as_str() else {
                    // An edge list next to a formula: the pairs as written.
                    let bad = || {
                        r.err(
                            gv.span().start,
                            format!("graph `{name}` is an edge list such as [[1, 2], [2, 3]] or a formula string"),
                        )
                    };
                    let toml::de::DeValue::Array(list) = gv.get_ref() else {
                        return Err(bad());
                    };
                    let mut edges = Vec::new();
                    for e in list.iter() {
                        let toml::de::DeValue::Array(pair) = e.get_ref() else {
                            return Err(bad());
                        };
                        let ends: Vec<i64> = pair
                            .iter()
                            .filter_map(|x| match x.get_ref() {
                                toml::de::DeValue::Integer(i) => i.as_str().parse().ok(),
                                _ => None,
                            })
                            .collect();
                        if ends.len() != 2 || pair.len() != 2 {
                            return Err(bad());
                        }
                        edges.push((ends[0], ends[1]));
                    }
                    out.push((name, lang::Graph::from_edges(&edges)));
                    continue;
                };
                let at = gv.span().start + 1;
                let e = lang::parse_expr(text).map_err(|e| {
                    let e = e.in_source(text);
                    r.err(at + e.span.start, format!("graph `{name}`: {}", e.message))
                })?;
                let val = lang::sets::eval(&e, env).map_err(|e| {
                    let e = e.in_source(text);
                    r.err(at + e.span.start, format!("graph `{name}`: {}", e.message))
                })?;
                let mut edges = Vec::new();
                let items = match &val {
                    Value::Set(items) => items.clone(),
                    _ => vec![val.clone()],
                };
                for it in &items {
                    match it {
                        Value::Tuple(p) | Value::Set(p)
                            if p.len() == 2 && p[0].as_int().is_some() && p[1].as_int().is_some() =>
                        {
                            edges.push((p[0].as_int().unwrap_or(0), p[1].as_int().unwrap_or(0)))
                        }
                        _ => {
                            return Err(r.err(
                                at,
                                format!(
                                    "graph `{name}` must be a set of vertex pairs such as {{(k, mod(k, K) + 1) for k in 1..K}}; `{it}` is not a pair"
                                ),
                            ))
                        }
                    }
                }
                out.push((name, lang::Graph::from_edges(&edges)));
            }
            return Ok(out);
        }
    }
    Ok(super::graphs(&r, v)?
        .into_iter()
        .map(|(n, g, _)| (n, g))
        .collect())
}

/// All quantifiers of a family, outermost first.
pub(super) fn nest(f: &FamilyDecl) -> Vec<Quantifier> {
    let mut qs = Vec::new();
    for q in &f.quantifiers {
        for x in &q.value {
            let mut x = x.clone();
            lang::syntax::shift_quantifier(&mut x, q.offset);
            qs.push(x);
        }
    }
    qs
}

fn flat(v: &Value) -> Vec<u32> {
    match v {
        Value::Int(i) => vec![*i as u32],
        Value::Set(s) | Value::Tuple(s) => s.iter().flat_map(flat).collect(),
        Value::Bool(b) => vec![*b as u32],
    }
}

pub(super) enum Stop {
    Spec(SpecError),
    Lang(lang::LangError),
}

impl From<lang::LangError> for Stop {
    fn from(e: lang::LangError) -> Self {
        Stop::Lang(e)
    }
}

fn check_names<T>(
    r: &Reader,
    src: &Src<T>,
    names: &[(String, crate::scheme::Span)],
    known: &[&str],
    what: &str,
) -> Result<(), SpecError> {
    for (n, span) in names {
        if !known.contains(&n.as_str()) {
            return Err(r.err(
                src.offset + span.start,
                format!(
                    "undefined {what} `{n}` in `{}` (known: {})",
                    src.text,
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Names in quantifiers, comprehensions and bounds must be defined; a quantifier may not range
/// over a set that depends on itself or on a later variable; names must be roles' names.
fn static_checks(
    r: &Reader,
    d: &Declaration,
    known: &[&str],
    role_bases: &[&str],
) -> Result<(), SpecError> {
    let nest_check = |src: &Src<Vec<Quantifier>>,
                      outer: &mut Vec<String>,
                      later_ones: &[String]|
     -> Result<(), SpecError> {
        let mut all: Vec<String> = src
            .value
            .iter()
            .flat_map(|q| q.binder.names().into_iter().map(String::from))
            .collect();
        all.extend(later_ones.iter().cloned());
        for q in src.value.iter() {
            for (n, span) in q.set.free_names() {
                let own = q.binder.names().contains(&n.as_str());
                let later = all.contains(&n) && !outer.contains(&n);
                if own || later {
                    return Err(r.err(
                        src.offset + span.start,
                        format!(
                            "the quantifier `{}` ranges over a set that depends on {} (`{n}`)",
                            q.binder.names().join(", "),
                            if own { "itself" } else { "a later variable" }
                        ),
                    ));
                }
                if !known.contains(&n.as_str()) && !outer.contains(&n) {
                    return Err(r.err(
                        src.offset + span.start,
                        format!(
                            "undefined set or parameter `{n}` (known: {})",
                            known.join(", ")
                        ),
                    ));
                }
            }
            outer.extend(q.binder.names().into_iter().map(String::from));
            for f in &q.filters {
                for (n, span) in f.free_names() {
                    if !known.contains(&n.as_str()) && !outer.contains(&n) {
                        return Err(r.err(
                            src.offset + span.start,
                            format!("undefined name `{n}` in a filter"),
                        ));
                    }
                }
            }
        }
        Ok(())
    };
    let comp_check = |c: &Src<Comprehension>, outer: &[String]| -> Result<(), SpecError> {
        for p in c.value.patterns() {
            if !role_bases.contains(&p.base.as_str()) {
                return Err(r.err(
                    c.offset + p.base_span.start,
                    format!(
                        "no role provides `{}` (roles' names: {})",
                        p.base,
                        role_bases.join(", ")
                    ),
                ));
            }
        }
        let mut qs = c.value.quantifiers.clone();
        if let lang::Term::Sum(_, inner) = &c.value.term {
            qs.extend(inner.iter().cloned());
        }
        let mut o = outer.to_vec();
        nest_check(
            &Src {
                value: qs,
                text: c.text.clone(),
                offset: c.offset,
            },
            &mut o,
            &[],
        )?;
        for (n, span) in c.value.free_names() {
            if !known.contains(&n.as_str()) && !outer.contains(&n) {
                return Err(r.err(
                    c.offset + span.start,
                    format!("undefined set or variable `{n}` in `{}`", c.text),
                ));
            }
        }
        Ok(())
    };
    for role in &d.roles {
        let mut outer = Vec::new();
        nest_check(&role.quantifiers, &mut outer, &[])?;
        let pat_names: Vec<(String, crate::scheme::Span)> = role
            .pattern
            .value
            .index
            .iter()
            .chain(role.pattern.value.set.iter().flatten())
            .flat_map(|e| e.free_names())
            .collect();
        for (n, span) in pat_names.iter() {
            if !known.contains(&n.as_str()) && !outer.contains(n) {
                return Err(r.err(
                    role.pattern.offset + span.start,
                    format!(
                        "`{n}` in the pattern of role `{}` is not bound by its `for`",
                        role.name
                    ),
                ));
            }
        }
        if let Some(h) = &role.holder {
            for (n, span) in h.value.free_names() {
                if !known.contains(&n.as_str()) && !outer.contains(&n) {
                    return Err(r.err(
                        h.offset + span.start,
                        format!("undefined `{n}` in the holder of role `{}`", role.name),
                    ));
                }
            }
        }
        for k in &role.knows {
            comp_check(k, &outer)?;
        }
    }
    for f in &d.families {
        let mut outer = Vec::new();
        let all: Vec<String> = f
            .quantifiers
            .iter()
            .flat_map(|q| &q.value)
            .flat_map(|q| q.binder.names().into_iter().map(String::from))
            .collect();
        for q in &f.quantifiers {
            nest_check(q, &mut outer, &all)?;
        }
        let parts: Vec<&Src<Comprehension>> = match &f.condition {
            CondDecl::Decode { target, from } | CondDecl::Hidden { target, from } => {
                target.iter().chain(from).collect()
            }
            CondDecl::Secure { from, given } => from.iter().chain(given).collect(),
        };
        for c in parts {
            comp_check(c, &outer)?;
        }
        if let Some(rep) = &f.report {
            for (v, _) in rep {
                if !outer.contains(v) {
                    return Err(r.err(
                        f.span.start,
                        format!(
                            "family `{}` reports `{v}`, which none of its quantifiers binds",
                            f.name
                        ),
                    ));
                }
            }
        }
    }
    if let Some(region) = &d.region {
        let mut params: Vec<&str> = d.params.iter().map(|p| p.symbol.as_str()).collect();
        params.extend(["p", "L"]);
        for rate in &region.rates {
            check_names(
                r,
                &rate.bound,
                &rate.bound.value.free_names(),
                &params,
                "parameter",
            )?;
            if let Some(d) = &rate.divide {
                check_names(r, d, &d.value.free_names(), &params, "parameter")?;
            }
            if let Some((fp, fq)) = &rate.log_factor {
                check_names(r, fp, &fp.value.free_names(), &params, "parameter")?;
                check_names(r, fq, &fq.value.free_names(), &params, "parameter")?;
            }
            let mut outer = Vec::new();
            if let Some(per) = &rate.per {
                nest_check(per, &mut outer, &[])?;
            }
            for c in &rate.of {
                comp_check(c, &outer)?;
            }
        }
        if let Some(f) = &region.feasible {
            check_names(r, f, &f.value.free_names(), &params, "parameter")?;
        }
    }
    Ok(())
}

pub(super) fn rename(renames: &HashMap<String, String>, mut n: Name) -> Name {
    if let Some(b) = renames.get(&n.base) {
        n.base = b.clone();
    }
    n
}

struct Expander<'a> {
    s: &'a Scheme,
    renames: &'a HashMap<String, String>,
    blocks: Blocks,
    ids: HashMap<Name, BlockId>,
    all_inputs: Option<Vec<Name>>,
}

impl Expander<'_> {
    fn name<T>(&mut self, n: &Name, r: &Reader, at: &Src<T>) -> Result<BlockId, SpecError> {
        if let Some(&id) = self.ids.get(n) {
            return Ok(id);
        }
        let Some(rows) = self.s.sparse_rows(n) else {
            return Err(r.err(
                at.offset,
                format!("`{n}` (from `{}`) is not declared in the spec", at.text),
            ));
        };
        let id = self
            .blocks
            .add_sparse(n.to_string(), self.s.num_columns, rows);
        self.ids.insert(n.clone(), id);
        Ok(id)
    }

    fn comprehension(
        &mut self,
        c: &Src<Comprehension>,
        env: &mut Env,
        r: &Reader,
    ) -> Result<Vec<BlockId>, SpecError> {
        let mut parts = Vec::new();
        c.value
            .for_each(env, &mut |p| {
                parts.push(p);
                Ok(())
            })
            .map_err(|e| r.lang_err(c, e))?;
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Part::Name(n) => {
                    let n = rename(self.renames, n);
                    out.push(self.name(&n, r, c)?)
                }
                Part::Sum(names) => {
                    let names: Vec<Name> =
                        names.into_iter().map(|n| rename(self.renames, n)).collect();
                    out.push(self.sum(&names, r, c)?)
                }
            }
        }
        Ok(out)
    }

    fn sum(
        &mut self,
        names: &[Name],
        r: &Reader,
        at: &Src<Comprehension>,
    ) -> Result<BlockId, SpecError> {
        let label = sum_label(names, self.all_inputs.as_deref());
        if let Some(id) = self.blocks.id(&label) {
            return Ok(id);
        }
        let s = self.s;
        let f = s.field;
        let mut acc: Vec<Vec<u32>> = Vec::new();
        for n in names {
            let Some(rows) = s.rows(n) else {
                return Err(r.err(
                    at.offset,
                    format!("`{n}` (from `{}`) is not declared in the spec", at.text),
                ));
            };
            if acc.is_empty() {
                acc = vec![vec![0u32; s.num_columns]; rows.len()];
            }
            if rows.len() != acc.len() {
                return Err(r.err(
                    at.offset,
                    format!(
                        "`{}` adds names of different lengths (`{n}` has {} symbols)",
                        at.text,
                        rows.len()
                    ),
                ));
            }
            for (a, row) in acc.iter_mut().zip(&rows) {
                f.axpy(a, 1, row);
            }
        }
        Ok(self.blocks.add(label, acc))
    }
}

/// `ΣW{1,2,4}` for W[1] + W[2] + W[4]; `ΣW` for the sum of all inputs (with more indices);
/// else `Σ(A + B)`.
pub(super) fn sum_label(names: &[Name], all_inputs: Option<&[Name]>) -> String {
    let Some(first) = names.first() else {
        return "Σ()".into();
    };
    let same_base = names.iter().all(|n| n.base == first.base);
    if same_base && names.iter().all(|n| n.index.len() == 1 && n.set.is_none()) {
        let mut idx: Vec<u32> = names.iter().map(|n| n.index[0]).collect();
        idx.sort_unstable();
        return format!("Σ{}{{{}}}", first.base, crate::scheme::names::join(&idx));
    }
    if let Some(all) = all_inputs {
        let a: HashSet<&Name> = all.iter().collect();
        if same_base && names.len() == all.len() && names.iter().all(|n| a.contains(n)) {
            return format!("Σ{}", first.base);
        }
    }
    let shown: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    format!("Σ({})", shown.join(" + "))
}
