//! Symmetry reduction. If a group of variable permutations maps the kept variables, the
//! constraint set and the objective onto themselves, the average of any feasible entropy
//! vector over the group is feasible with the same objective value, so the LP may be solved
//! over symmetric vectors only: h(A) and h(σA) share a column. The bound (and its
//! certificate) then holds for every feasible vector, not only symmetric ones.
//!
//! The permutations are found, not listed: [`detect`] tries every transposition of two
//! neighbouring values of each index set (`user`, `server`, …) acting on all indices over
//! that set — and, for an index that follows another in a variable's name (`W[u,v]`), the
//! same transposition only where the earlier index has a fixed value (users within one
//! server) — plus the rotation and the reflection of each index set's values (the dihedral
//! symmetries of a ring of relays or users, where no transposition is a symmetry), and keeps
//! those that map every variable to a variable and the constraint set and every rate onto
//! themselves.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::problem::{Ix, Kind, Problem, Restricted, Set, Term, Var};

/// A permutation of the model's variables: variable i ↦ perm[i].
pub type Perm = Vec<usize>;

pub fn apply(p: &[usize], s: Set) -> Set {
    (0..p.len())
        .filter(|&i| s >> i & 1 == 1)
        .fold(0, |a, i| a | 1 << p[i])
}

/// Canonical form of a constraint, for comparing constraint sets.
fn canon(k: &Kind) -> (u8, Vec<Set>, i64) {
    match k {
        Kind::Independent(g) => {
            let mut g = g.clone();
            g.sort_unstable();
            (0, g, 0)
        }
        Kind::Function { target, given, .. } => (1, vec![*target, *given], 0),
        Kind::Secret { a, b, c } => (2, vec![*a.min(b), *a.max(b), *c], 0),
        Kind::Norm { set, value } => (3, vec![*set], *value),
    }
}

fn map_kind(p: &[usize], k: &Kind) -> Kind {
    match k {
        Kind::Independent(g) => Kind::Independent(g.iter().map(|&s| apply(p, s)).collect()),
        Kind::Function {
            target,
            given,
            defining,
        } => Kind::Function {
            target: apply(p, *target),
            given: apply(p, *given),
            defining: *defining,
        },
        Kind::Secret { a, b, c } => Kind::Secret {
            a: apply(p, *a),
            b: apply(p, *b),
            c: apply(p, *c),
        },
        Kind::Norm { set, value } => Kind::Norm {
            set: apply(p, *set),
            value: *value,
        },
    }
}

/// A candidate move on indices: map the values of index set `set` by `map` (a permutation
/// of its values; values not in it are fixed), optionally only in variables whose index over
/// `within.0` equals `within.1`.
struct Swap<'a> {
    set: &'a str,
    map: BTreeMap<u32, u32>,
    within: Option<(&'a str, u32)>,
}

impl Swap<'_> {
    fn image(&self, v: &Var) -> Var {
        if let Some((ws, wv)) = self.within {
            let here = v
                .index
                .iter()
                .any(|ix| matches!(ix, Ix::Elem { set, value } if set == ws && *value == wv));
            if !here {
                return v.clone();
            }
        }
        let t = |x: u32| self.map.get(&x).copied().unwrap_or(x);
        let index = v
            .index
            .iter()
            .map(|ix| match ix {
                Ix::Elem { set, value } if set == self.set => Ix::elem(set, t(*value)),
                Ix::Subset { set, members } if set == self.set => {
                    Ix::subset(set, &members.iter().map(|&m| t(m)).collect::<Vec<_>>())
                }
                other => other.clone(),
            })
            .collect();
        Var::new(&v.family, index)
    }
}

/// The symmetry generators of a problem (see the module comment), as variable permutations.
pub fn detect(p: &Problem) -> Vec<Perm> {
    // Values of each index set, and which index sets follow which in a name.
    let mut values: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    let mut nested: BTreeSet<(&str, &str)> = BTreeSet::new();
    for v in &p.vars {
        for (k, ix) in v.index.iter().enumerate() {
            let e = values.entry(ix.set_name()).or_default();
            match ix {
                Ix::Elem { value, .. } => {
                    e.insert(*value);
                }
                Ix::Subset { members, .. } => e.extend(members.iter().copied()),
            }
            for later in &v.index[k + 1..] {
                if matches!(ix, Ix::Elem { .. }) && later.set_name() != ix.set_name() {
                    nested.insert((ix.set_name(), later.set_name()));
                }
            }
        }
    }
    let mut swaps = vec![];
    for (set, vals) in &values {
        let vals: Vec<u32> = vals.iter().copied().collect();
        let n = vals.len();
        let mut maps: Vec<BTreeMap<u32, u32>> = vals
            .windows(2)
            .map(|w| BTreeMap::from([(w[0], w[1]), (w[1], w[0])]))
            .collect();
        if n >= 3 {
            // Rotation v_i -> v_{i+1 mod n} and reflection v_i -> v_{n+1-i}.
            maps.push((0..n).map(|i| (vals[i], vals[(i + 1) % n])).collect());
            maps.push((0..n).map(|i| (vals[i], vals[n - 1 - i])).collect());
        }
        for map in maps {
            for &(outer, inner) in &nested {
                if inner == *set {
                    for &o in &values[outer] {
                        swaps.push(Swap {
                            set,
                            map: map.clone(),
                            within: Some((outer, o)),
                        });
                    }
                }
            }
            swaps.push(Swap {
                set,
                map,
                within: None,
            });
        }
    }
    let position: std::collections::HashMap<&str, usize> = p
        .vars
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.as_str(), i))
        .collect();
    let all = canon_set(p.constraints.iter().map(|c| &c.kind));
    let mut gens: Vec<Perm> = vec![];
    for sw in &swaps {
        let Some(perm) = p
            .vars
            .iter()
            .map(|v| position.get(sw.image(v).name.as_str()).copied())
            .collect::<Option<Perm>>()
        else {
            continue;
        };
        let identity = perm.iter().enumerate().all(|(i, &j)| i == j);
        let bijective = perm.iter().collect::<HashSet<_>>().len() == perm.len();
        if identity || !bijective || gens.contains(&perm) {
            continue;
        }
        let constraints_ok = p
            .constraints
            .iter()
            .all(|c| all.contains(&canon(&map_kind(&perm, &c.kind))));
        let rates_ok = p.rates.iter().all(|r| {
            let sets: HashSet<Set> = r.sets.iter().copied().collect();
            sets.iter().all(|&s| sets.contains(&apply(&perm, s)))
        });
        if constraints_ok && rates_ok {
            gens.push(perm);
        }
    }
    gens
}

fn canon_set<'a>(kinds: impl Iterator<Item = &'a Kind>) -> HashSet<(u8, Vec<Set>, i64)> {
    kinds.map(canon).collect()
}

/// Is the restricted problem with this objective invariant under the permutation?
fn preserves(prob: &Restricted, objective: &[Term], g: &[usize]) -> bool {
    if apply(g, prob.keep) != prob.keep {
        return false;
    }
    let all = canon_set(prob.model.constraints.iter().map(|c| &c.kind));
    let constraints_ok = prob
        .model
        .constraints
        .iter()
        .all(|c| all.contains(&canon(&map_kind(g, &c.kind))));
    let objective_ok = objective.iter().all(|t| match t {
        Term::Entropy(s) => apply(g, *s) == *s,
        Term::Rate(r) => {
            let sets: HashSet<Set> = prob.model.rates[*r].sets.iter().copied().collect();
            sets.iter().all(|&s| sets.contains(&apply(g, s)))
        }
    });
    constraints_ok && objective_ok
}

/// Most group elements enumerated (S_7).
pub const MAX_GROUP: usize = 5040;

/// The group generated by the detected generators that preserve the restricted problem and
/// the objective (all elements, identity included), and a note on what was used.
pub fn group(prob: &Restricted, objective: &[Term], generators: &[Perm]) -> (Vec<Perm>, String) {
    let n = prob.model.vars.len();
    let gens: Vec<&Perm> = generators
        .iter()
        .filter(|g| preserves(prob, objective, g))
        .collect();
    let identity: Perm = (0..n).collect();
    let mut elems = vec![identity.clone()];
    let mut seen: HashSet<Perm> = HashSet::from([identity]);
    let mut i = 0;
    while i < elems.len() && elems.len() <= MAX_GROUP {
        for g in &gens {
            let h: Perm = elems[i].iter().map(|&x| g[x]).collect();
            if seen.insert(h.clone()) {
                elems.push(h);
            }
        }
        i += 1;
    }
    // A truncated enumeration is not a group: averaging needs the whole group.
    if elems.len() > MAX_GROUP {
        return (
            vec![(0..n).collect()],
            format!("not used: the symmetry group has more than {MAX_GROUP} elements"),
        );
    }
    let note = if generators.is_empty() {
        "none (no index permutation maps the problem onto itself)".to_string()
    } else if gens.is_empty() {
        "not used: no detected index permutation preserves the kept variables, constraints and \
         objective"
            .to_string()
    } else {
        format!(
            "{} of {} detected index-permutation generators preserve the problem: group of order \
             {}; h(A) identified with h(σA)",
            gens.len(),
            generators.len(),
            elems.len()
        )
    };
    (elems, note)
}
