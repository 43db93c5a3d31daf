//! A declared model as an entropy problem: the converse side (`itsa bound SPEC`) of the same
//! declaration the verifier expands to rank checks.
//!
//! Random variables are the role instances (inputs, keys, messages, with the spec's names)
//! and one variable per sum a family decodes or conditions on (`ΣW{1,2}`, named as the
//! verifier's reports name it). Constraints:
//! * inputs mutually independent and independent of all keys together, each of entropy 1
//!   (rates are per input symbol);
//! * locality: a message is a function of what its holder holds (its inputs and keys) and
//!   knows (`knows`), as the verifier's `locality` family checks;
//! * each sum has the properties of a sum of uniform inputs over a field
//!   ([`Builder::sum`]); a sum of anything but inputs has no entropic meaning and is refused;
//! * every family: `decode` → H(target | from) = 0; `secure = "inputs"` →
//!   I(all inputs ; from | given) = 0; `hidden` → I(target ; from) = 0;
//! * every region rate whose measure is a per-message or joint entropy: R ≥ H(m) for each m
//!   (joint: R ≥ H(all of them)), with the declared bound as the value to compare with.
//!
//! The index sets of names are inferred from the roles' quantifiers (`k in users`,
//! `U1 in subsets(users, …)`, `(u, v) in servers x (1..V)`), so that
//! [`crate::bound::symmetry::detect`] can try permutations of each index set; it keeps only
//! those that map the whole problem onto itself, so an inference that is too coarse or too
//! fine costs symmetry, never soundness.

use std::collections::HashMap;

use num_rational::BigRational;

use super::instance::{nest, rename, sum_label, Declared, Stop};
use super::{Reader, RoleDecl, RoleKind, Src};
use crate::bound::problem::{Builder, Ix, Problem, Set};
use crate::bound::BoundError;
use crate::lang::syntax::{Binder, Expr, ExprKind};
use crate::lang::{self, formula, quantifier, Comprehension, Env, Part, Value};
use crate::scheme::Name;

/// Families may not expand to more constraints than this (the LP would not be solvable
/// anyway; the variables are at most 64).
const MAX_CONSTRAINTS: usize = 1_000_000;

/// The entropy problem of a declared model instance, with what could not be stated in it.
#[derive(Debug, Clone)]
pub struct EntropyProblem {
    pub problem: Problem,
    /// Region rates left out (a measure the LP cannot express), one line each.
    pub notes: Vec<String>,
}

/// What the elements of a set range over, as far as the declaration says.
#[derive(Clone, Debug, PartialEq)]
enum Dom {
    /// An index set with a name (a declared set, or a range written out, e.g. `1..V`).
    Named(String),
    /// Pairs (tuples) of elements of these.
    Tuple(Vec<Dom>),
    /// Subsets of this.
    Subsets(Box<Dom>),
    Unknown,
}

/// A short, span-free rendering of an expression (a label for an unnamed range).
fn render(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Ident(n) => n.clone(),
        ExprKind::Neg(a) => format!("-{}", render(a)),
        ExprKind::Bin(op, a, b) => format!("({}{}{})", render(a), op.symbol(), render(b)),
        ExprKind::Call(f, args) => {
            let a: Vec<String> = args.iter().map(render).collect();
            format!("{f}({})", a.join(","))
        }
        _ => "?".into(),
    }
}

struct Domains<'d> {
    sets: &'d [(String, Src<Expr>)],
}

impl Domains<'_> {
    /// The domain of the elements of the set `e` denotes.
    fn elements(&self, e: &Expr, binders: &HashMap<String, Dom>, depth: u32) -> Dom {
        if depth > 16 {
            return Dom::Unknown;
        }
        match &e.kind {
            ExprKind::Ident(n) => {
                if let Some(d) = binders.get(n) {
                    // A set-valued variable (`k in U1`): its elements are those of the sets
                    // it ranges over.
                    return match d {
                        Dom::Subsets(inner) => (**inner).clone(),
                        _ => Dom::Unknown,
                    };
                }
                match self.sets.iter().find(|(name, _)| name == n) {
                    Some((_, def)) => match &def.value.kind {
                        ExprKind::Bin(lang::syntax::BinOp::Product, ..)
                        | ExprKind::Ident(_)
                        | ExprKind::Bin(lang::syntax::BinOp::Diff, ..)
                        | ExprKind::Bin(lang::syntax::BinOp::Union, ..) => {
                            self.elements(&def.value, binders, depth + 1)
                        }
                        _ => Dom::Named(n.clone()),
                    },
                    None => Dom::Unknown,
                }
            }
            ExprKind::Bin(lang::syntax::BinOp::Range, ..) => Dom::Named(render(e)),
            ExprKind::Bin(lang::syntax::BinOp::Product, a, b) => {
                let mut parts = Vec::new();
                for x in [a, b] {
                    match self.elements(x, binders, depth + 1) {
                        // `A x B x C` parses as `(A x B) x C`: flatten, as tuples are.
                        Dom::Tuple(v) if matches!(x.kind, ExprKind::Bin(..)) => parts.extend(v),
                        d => parts.push(d),
                    }
                }
                Dom::Tuple(parts)
            }
            ExprKind::Bin(lang::syntax::BinOp::Diff | lang::syntax::BinOp::Union, a, _) => {
                self.elements(a, binders, depth + 1)
            }
            ExprKind::Call(f, args) if f == "subsets" && !args.is_empty() => {
                Dom::Subsets(Box::new(self.elements(&args[0], binders, depth + 1)))
            }
            _ => Dom::Unknown,
        }
    }

    /// The domains of a quantifier list's variables, in order.
    fn bind(&self, qs: &[lang::Quantifier], binders: &mut HashMap<String, Dom>) {
        for q in qs {
            let d = self.elements(&q.set, binders, 0);
            match &q.binder {
                Binder::Name(n) => {
                    binders.insert(n.clone(), d);
                }
                Binder::Tuple(ns) => {
                    let parts = match d {
                        Dom::Tuple(v) if v.len() == ns.len() => v,
                        _ => vec![Dom::Unknown; ns.len()],
                    };
                    for (n, d) in ns.iter().zip(parts) {
                        binders.insert(n.clone(), d);
                    }
                }
            }
        }
    }
}

/// Index-set labels of a role's name positions: one per flattened index, and the set group's.
struct Labels {
    index: Vec<Option<String>>,
    set: Option<String>,
}

fn named(d: &Dom) -> Option<String> {
    match d {
        Dom::Named(n) => Some(n.clone()),
        _ => None,
    }
}

fn role_labels(doms: &Domains, role: &RoleDecl) -> Labels {
    let mut binders = HashMap::new();
    doms.bind(&role.quantifiers.value, &mut binders);
    let pat = &role.pattern.value;
    let mut index = Vec::new();
    for e in &pat.index {
        match &e.kind {
            ExprKind::Ident(n) => match binders.get(n) {
                Some(Dom::Tuple(v)) => index.extend(v.iter().map(named)),
                Some(d) => index.push(named(d)),
                None => index.push(None),
            },
            _ => index.push(None),
        }
    }
    let set = match pat.set.as_deref() {
        Some([e]) => named(&doms.elements(e, &binders, 0)),
        _ => None,
    };
    Labels { index, set }
}

/// The bound variable of a role instance: the spec's name, indices labelled by index set
/// (`base#i` where the declaration does not say which set an index ranges over).
fn indices(n: &Name, labels: &Labels) -> Vec<Ix> {
    let fits = labels.index.len() == n.index.len();
    let mut ix: Vec<Ix> = n
        .index
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let l = fits.then(|| labels.index[i].clone()).flatten();
            Ix::elem(&l.unwrap_or_else(|| format!("{}#{i}", n.base)), v)
        })
        .collect();
    if let Some(s) = &n.set {
        let l = labels.set.clone();
        ix.push(Ix::subset(
            &l.unwrap_or_else(|| format!("{}#set", n.base)),
            s,
        ));
    }
    ix
}

struct State<'a> {
    b: Builder,
    vars: HashMap<Name, Set>,
    inputs: Vec<Set>,
    input_names: Vec<Name>,
    /// Index-set label of each single-index input base (for the sums' subset index).
    input_label: HashMap<String, String>,
    sums: HashMap<String, Set>,
    renames: &'a HashMap<String, String>,
    model: &'a str,
}

fn usage(m: impl Into<String>) -> BoundError {
    BoundError::Usage(m.into())
}

impl State<'_> {
    fn name(&self, n: &Name, at: &str) -> Result<Set, BoundError> {
        self.vars.get(n).copied().ok_or_else(|| {
            usage(format!(
                "model `{}`: `{n}` (from `{at}`) is not an instance of a role, so the entropy \
                 problem does not know what it is a function of",
                self.model
            ))
        })
    }

    fn sum(&mut self, names: &[Name], at: &str) -> Result<Set, BoundError> {
        let label = sum_label(names, Some(&self.input_names));
        if let Some(&s) = self.sums.get(&label) {
            return Ok(s);
        }
        let mut ws = Vec::new();
        for n in names {
            let v = self.name(n, at)?;
            if !self.inputs.contains(&v) {
                return Err(usage(format!(
                    "model `{}`: `{at}` sums `{n}`, which is not an input; only sums of \
                     inputs have entropic properties the LP can state (uniform, and invertible \
                     given the other inputs)",
                    self.model
                )));
            }
            if !ws.contains(&v) {
                ws.push(v);
            }
        }
        let first = &names[0];
        let single = names
            .iter()
            .all(|n| n.base == first.base && n.index.len() == 1 && n.set.is_none());
        let base = format!("Σ{}", first.base);
        let s = if single {
            let idx: Vec<u32> = names.iter().map(|n| n.index[0]).collect();
            let l = self
                .input_label
                .get(&first.base)
                .cloned()
                .unwrap_or_else(|| format!("{}#0", first.base));
            self.b.var(&base, vec![Ix::subset(&l, &idx)])
        } else if label == base {
            self.b.var(&base, vec![])
        } else {
            self.b.var(&label, vec![])
        };
        self.b.sum(s, &ws);
        self.sums.insert(label, s);
        Ok(s)
    }

    /// The variable of each part of the comprehensions, in order (an empty sum has none).
    fn parts(
        &mut self,
        cs: &[Src<Comprehension>],
        env: &mut Env,
        r: &Reader,
    ) -> Result<Vec<Set>, BoundError> {
        let mut out = Vec::new();
        for c in cs {
            let mut parts = Vec::new();
            c.value
                .for_each(env, &mut |p| {
                    parts.push(p);
                    Ok(())
                })
                .map_err(|e| usage(r.lang_err(c, e).to_string()))?;
            for p in parts {
                out.push(match p {
                    Part::Name(n) => self.name(&rename(self.renames, n), &c.text)?,
                    Part::Sum(ns) if ns.is_empty() => continue,
                    Part::Sum(ns) => {
                        let ns: Vec<Name> =
                            ns.into_iter().map(|n| rename(self.renames, n)).collect();
                        self.sum(&ns, &c.text)?
                    }
                });
            }
        }
        Ok(out)
    }

    /// All variables of the comprehensions together.
    fn comprehensions(
        &mut self,
        cs: &[Src<Comprehension>],
        env: &mut Env,
        r: &Reader,
    ) -> Result<Set, BoundError> {
        Ok(self.parts(cs, env, r)?.iter().fold(0, |a, x| a | x))
    }
}

fn stop(e: Stop) -> BoundError {
    match e {
        Stop::Spec(e) => usage(e.to_string()),
        Stop::Lang(e) => usage(e.message),
    }
}

impl Declared {
    /// This instance's entropy problem (see the module documentation).
    pub fn entropy_problem(&self) -> Result<EntropyProblem, BoundError> {
        let d = &*self.decl;
        let r = Reader { origin: &d.origin };
        let doms = Domains { sets: &d.sets };
        let params: Vec<String> = self
            .values
            .iter()
            .map(|(sym, _, v)| format!("{sym}={v}"))
            .collect();
        let mut st = State {
            b: Problem::builder(format!("{} {}", d.name, params.join(" "))),
            vars: HashMap::new(),
            inputs: vec![],
            input_names: vec![],
            input_label: HashMap::new(),
            sums: HashMap::new(),
            renames: &self.renames,
            model: &d.name,
        };
        // Variables: every role instance, inputs first, then keys, then messages.
        let mut keys: Set = 0;
        let mut roles: Vec<&RoleDecl> = d.roles.iter().collect();
        roles.sort_by_key(|role| match role.kind {
            RoleKind::Input => 0,
            RoleKind::Key => 1,
            RoleKind::Message(_) => 2,
        });
        // Held by each participant (inputs and keys), as the verifier's locality sees it.
        let mut held: HashMap<(String, Value), Set> = HashMap::new();
        for role in &roles {
            let labels = role_labels(&doms, role);
            if role.kind == RoleKind::Input {
                if let [Some(l)] = labels.index.as_slice() {
                    let base = rename(&self.renames, role_name(role)).base;
                    st.input_label.insert(base, l.clone());
                }
            }
            self.instances(&r, role, &mut |n, env| {
                let v = st.b.var(&n.base, indices(&n, &labels));
                match role.kind {
                    RoleKind::Input => {
                        st.inputs.push(v);
                        st.input_names.push(n.clone());
                    }
                    RoleKind::Key => keys |= v,
                    RoleKind::Message(_) => {}
                }
                if !matches!(role.kind, RoleKind::Message(_)) {
                    if let Some(h) = &role.holder {
                        let hv = lang::sets::eval(&h.value, env).map_err(|e| r.lang_err(h, e))?;
                        *held.entry((role.participant.clone(), hv)).or_default() |= v;
                    }
                }
                st.vars.insert(n, v);
                Ok(())
            })
            .map_err(|e| usage(e.to_string()))?;
        }
        if st.vars.len() > 64 {
            return Err(BoundError::TooLarge {
                what: format!(
                    "model `{}` at {} has {} role instances (random variables); the entropy \
                     problem holds at most 64, and the LP at most 26 after --restrict",
                    d.name,
                    params.join(" "),
                    st.vars.len()
                ),
            });
        }
        let mut groups = st.inputs.clone();
        if keys != 0 {
            groups.push(keys);
        }
        st.b.independent(&groups, "inputs independent of each other and of the keys");
        for (i, &w) in st.inputs.clone().iter().enumerate() {
            let name = st.input_names[i].to_string();
            st.b.entropy(w, 1, format!("normalisation H({name}) = 1"));
        }
        // Locality.
        for role in d
            .roles
            .iter()
            .filter(|r| matches!(r.kind, RoleKind::Message(_)))
        {
            let mut pending = Vec::new();
            self.instances(&r, role, &mut |n, env| {
                let mut given: Set = 0;
                if let Some(h) = &role.holder {
                    let hv = lang::sets::eval(&h.value, env).map_err(|e| r.lang_err(h, e))?;
                    given |= held
                        .get(&(role.participant.clone(), hv.clone()))
                        .copied()
                        .unwrap_or(0);
                    pending.push((n, given, role.knows.clone(), env.clone(), Some(hv)));
                } else {
                    pending.push((n, given, role.knows.clone(), env.clone(), None));
                }
                Ok(())
            })
            .map_err(|e| usage(e.to_string()))?;
            for (n, mut given, knows, mut env, hv) in pending {
                given |= st.comprehensions(&knows, &mut env, &r)?;
                let m = st.name(&n, &role.pattern.text)?;
                let who = hv.map_or(String::new(), |v| format!("{} {v}", role.participant));
                st.b.function(
                    m,
                    given,
                    format!("locality: {n} is a function of {who}'s view"),
                );
            }
        }
        // Families.
        let mut count = 0usize;
        for f in &d.families {
            let qs = nest(f);
            let report: Vec<(String, String)> = match &f.report {
                Some(v) => v.clone(),
                None => qs
                    .iter()
                    .flat_map(|q| q.binder.names().into_iter().map(|n| (n.into(), n.into())))
                    .collect(),
            };
            let mut env = self.env.clone();
            let mut rows: Vec<(Set, Set, String)> = Vec::new();
            let (first, second) = match &f.condition {
                super::CondDecl::Decode { target, from } => (from, target),
                super::CondDecl::Secure { from, given } => (from, given),
                super::CondDecl::Hidden { target, from } => (from, target),
            };
            let mut failed: Option<BoundError> = None;
            let res = quantifier::for_each(&qs, &mut env, &mut |env| -> Result<(), Stop> {
                let a = st.comprehensions(first, env, &r);
                let b = st.comprehensions(second, env, &r);
                match (a, b) {
                    (Ok(a), Ok(b)) => {
                        let at: Vec<String> = report
                            .iter()
                            .filter_map(|(v, l)| env.get(v).map(|x| format!("{l}={x}")))
                            .collect();
                        rows.push((a, b, at.join(", ")));
                        if rows.len() + count > MAX_CONSTRAINTS {
                            failed = Some(BoundError::TooLarge {
                                what: format!(
                                    "model `{}`: the families expand to more than \
                                     {MAX_CONSTRAINTS} constraints",
                                    d.name
                                ),
                            });
                            return Err(Stop::Lang(lang::LangError::new(
                                Default::default(),
                                "too many constraints",
                            )));
                        }
                        Ok(())
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        failed = Some(e);
                        Err(Stop::Lang(lang::LangError::new(
                            Default::default(),
                            "stopped",
                        )))
                    }
                }
            });
            res.map_err(|e| failed.take().unwrap_or_else(|| stop(e)))?;
            count += rows.len();
            let all_inputs = st.inputs.iter().fold(0, |a, x| a | x);
            for (a, b, at) in rows {
                let why = if at.is_empty() {
                    f.name.clone()
                } else {
                    format!("{}: {at}", f.name)
                };
                match &f.condition {
                    super::CondDecl::Decode { .. } => st.b.decodes(a, b, why),
                    super::CondDecl::Secure { .. } => st.b.secure(all_inputs, a, b, why),
                    super::CondDecl::Hidden { .. } => st.b.secure(b, a, 0, why),
                };
            }
        }
        // Rates.
        let mut notes = Vec::new();
        for rate in d.region.iter().flat_map(|g| g.rates.iter()) {
            let unsupported = if rate.log_factor.is_some() {
                Some("is in q-ary units (log-factor)")
            } else if rate.divide.is_some() {
                Some("is divided by a formula (an average)")
            } else if !matches!(rate.measure.as_str(), "entropy" | "longest" | "joint") {
                Some("is a sum of entropies")
            } else {
                None
            };
            if let Some(why) = unsupported {
                notes.push(format!(
                    "rate {} is not stated in the LP: it {why}; minimise its entropy \
                     expression instead",
                    rate.name
                ));
                continue;
            }
            let joint = rate.measure == "joint";
            let mut sets: Vec<Set> = Vec::new();
            let mut env = self.env.clone();
            let mut failed: Option<BoundError> = None;
            let mut per_assignment = |env: &mut Env, st: &mut State| -> Result<(), BoundError> {
                // Each instance separately (per-message rates) or all together (joint).
                let parts = st.parts(&rate.of, env, &r)?;
                if joint {
                    sets.push(parts.iter().fold(0, |a, x| a | x));
                } else {
                    sets.extend(parts);
                }
                Ok(())
            };
            match &rate.per {
                Some(qs) => {
                    let mut qs = qs.value.clone();
                    for q in &mut qs {
                        lang::syntax::shift_quantifier(
                            q,
                            rate.per.as_ref().map_or(0, |p| p.offset),
                        );
                    }
                    let res = quantifier::for_each(&qs, &mut env, &mut |env| -> Result<(), Stop> {
                        per_assignment(env, &mut st).map_err(|e| {
                            failed = Some(e);
                            Stop::Lang(lang::LangError::new(Default::default(), "stopped"))
                        })
                    });
                    res.map_err(|e| failed.take().unwrap_or_else(|| stop(e)))?;
                }
                None => per_assignment(&mut env, &mut st)?,
            }
            sets.sort_unstable();
            sets.dedup();
            let declared: Option<(BigRational, String)> =
                formula::eval_rational(&rate.bound.value, &self.env)
                    .ok()
                    .map(|v| (v, rate.bound.text.clone()));
            st.b.rate(&rate.name, sets, declared);
        }
        Ok(EntropyProblem {
            problem: st.b.build()?,
            notes,
        })
    }
}

/// The declared (not renamed) name shape of a role, for its base.
fn role_name(role: &RoleDecl) -> Name {
    Name::new(&role.pattern.value.base, vec![], None)
}

/// The declaration behind a loaded spec: its own if the model is declared, else the shipped
/// declaration of the compiled model of the same name (the differential tests keep the two
/// in agreement).
pub fn declared_for(
    s: &crate::scheme::Scheme,
    m: &crate::models::Model,
) -> Result<Declared, BoundError> {
    if let crate::models::Model::Declared(d) = m {
        return Ok((**d).clone());
    }
    let decl = super::shipped(&s.model)
        .ok_or_else(|| {
            usage(format!(
                "model `{}` has no declaration (models/*.toml), so it has no entropy problem; \
                 itsa bound reads declared models",
                s.model
            ))
        })?
        .map_err(|e| usage(e.to_string()))?;
    Declared::with_declaration(
        std::sync::Arc::new(decl),
        s,
        super::instance::LoadOptions {
            force: crate::budget::get().force,
        },
    )
    .map_err(|e| usage(e.to_string()))
}
