//! Two-round dropout-resilient secure aggregation (Zhao & Sun, seed 004; docs/models.md#dropout).
//!
//! K users, at least U respond in each round, at most T collude with the server. Round 1:
//! user k sends X[k]; the server announces the survivors U1; round 2: user k ∈ U1 sends
//! Y[k]{U1}. The server must decode Σ_{k∈U1} W[k] from X_{U1} and Y^{U1}_{U2} for every
//! U2 ⊆ U1 with |U2| ≥ U; the adversary sees all X's, all Y^{U1}, and the colluders' inputs
//! and randomness, and must learn nothing beyond Σ_{k∈U1} W[k].

use std::collections::HashSet;

use super::{
    block, inputs_match, instance, key_only, no_strays, param_error, read_params, read_roles,
    sum_block, ParamSpec, RoleDecl, RoleSpec,
};
use crate::scheme::{Name, Scheme, SpecError};
use crate::subsets::{binomial, count_subsets, subsets};
use crate::verify::{BlockId, Blocks, Check, Condition, Family, Plan};

pub const SOURCE: &str = "Zhao & Sun, IEEE T-IT 2022 (seed 004), docs/models.md#dropout";

pub(crate) const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "users",
        symbol: "K",
        default: None,
    },
    ParamSpec {
        name: "min-survivors",
        symbol: "U",
        default: None,
    },
    ParamSpec {
        name: "colluders",
        symbol: "T",
        default: None,
    },
];

const ROLES: &[RoleSpec] = &[
    RoleSpec {
        role: "input",
        example: "W[k]",
        indices: 1,
        set: false,
        meaning: "the input of user k",
    },
    RoleSpec {
        role: "round1",
        example: "X[k]",
        indices: 1,
        set: false,
        meaning: "the first-round message of user k",
    },
    RoleSpec {
        role: "round2",
        example: "Y[k]{U1}",
        indices: 1,
        set: true,
        meaning: "the second-round message of user k after the server announced U1",
    },
    RoleSpec {
        role: "randomness",
        example: "R[k]",
        indices: 1,
        set: false,
        meaning: "all randomness held by user k",
    },
];

/// Largest K accepted (sets are enumerated exhaustively).
pub const MAX_USERS: i64 = 24;

#[derive(Debug, Clone)]
pub struct Dropout {
    pub users: u32,
    pub min_survivors: u32,
    pub colluders: u32,
    input: RoleDecl,
    round1: RoleDecl,
    round2: RoleDecl,
    randomness: RoleDecl,
}

impl Dropout {
    pub fn from_scheme(s: &Scheme) -> Result<Self, SpecError> {
        let v = read_params(s, PARAMS)?;
        let (k, u, t) = (v[0], v[1], v[2]);
        if !(2..=MAX_USERS).contains(&k) {
            return Err(param_error(
                s,
                "users",
                format!("users (K) must be in 2..={MAX_USERS}, found {k}"),
            ));
        }
        if !(1..=k).contains(&u) {
            return Err(param_error(
                s,
                "min-survivors",
                format!("min-survivors (U) must be in 1..=K={k}, found {u}"),
            ));
        }
        if !(0..k).contains(&t) {
            return Err(param_error(
                s,
                "colluders",
                format!("colluders (T) must be in 0..K={k}, found {t}"),
            ));
        }
        let mut roles = read_roles(s, ROLES)?.into_iter();
        let mut next = || roles.next().expect("one decl per role");
        let m = Dropout {
            users: k as u32,
            min_survivors: u as u32,
            colluders: t as u32,
            input: next(),
            round1: next(),
            round2: next(),
            randomness: next(),
        };
        m.validate(s)?;
        Ok(m)
    }

    fn first_round_sets(&self) -> Vec<Vec<u32>> {
        subsets(self.users, self.min_survivors as usize, self.users as usize)
    }

    fn validate(&self, s: &Scheme) -> Result<(), SpecError> {
        let users: Vec<u32> = (1..=self.users).collect();
        let hint = format!("users are 1..{}", self.users);
        let inputs: HashSet<Name> = users.iter().map(|&k| self.input.name(&[k], None)).collect();
        inputs_match(s, &self.input, &inputs)?;
        let mut x = HashSet::new();
        let mut r = HashSet::new();
        for &k in &users {
            let n = self.round1.name(&[k], None);
            instance(s, &self.round1, &n)?;
            x.insert(n);
            let n = self.randomness.name(&[k], None);
            instance(s, &self.randomness, &n)?;
            key_only(s, &self.randomness, &n)?;
            r.insert(n);
        }
        no_strays(s, &self.round1, &x, &hint)?;
        no_strays(s, &self.randomness, &r, &hint)?;
        let mut y = HashSet::new();
        for u1 in self.first_round_sets() {
            for &k in &u1 {
                let n = self.round2.name(&[k], Some(&u1));
                instance(s, &self.round2, &n)?;
                y.insert(n);
            }
        }
        no_strays(
            s,
            &self.round2,
            &y,
            &format!(
                "Y[k]{{U1}} exists for every U1 with |U1| ≥ U={} and every k in U1",
                self.min_survivors
            ),
        )
    }

    /// Achieved rates by the paper's definition (7): R1 = L_X/L, R2 = L_Y/L, with L_X, L_Y the
    /// number of symbols sent (the longest over users and announced sets).
    pub fn achieved_rates(&self, s: &Scheme) -> Vec<crate::region::achieved::Achieved> {
        use crate::region::achieved::Achieved;
        let len = |n: &Name| s.num_rows(n).unwrap_or(0);
        let l = s.input_length as i64;
        let lx = (1..=self.users)
            .map(|k| len(&self.round1.name(&[k], None)))
            .max()
            .unwrap_or(0) as i64;
        let ly = self
            .first_round_sets()
            .iter()
            .flat_map(|u1| {
                u1.iter()
                    .map(|&k| len(&self.round2.name(&[k], Some(u1))))
                    .collect::<Vec<_>>()
            })
            .max()
            .unwrap_or(0) as i64;
        vec![
            Achieved {
                name: "R1",
                value: ratio(lx, l),
                definition: format!(
                    "L_X/L = {lx}/{l}: symbols of the longest X[k] per input symbol"
                ),
            },
            Achieved {
                name: "R2",
                value: ratio(ly, l),
                definition: format!(
                    "L_Y/L = {ly}/{l}: symbols of the longest Y[k]{{U1}} per input symbol"
                ),
            },
        ]
    }

    /// H(R[k]) over the users and H(R[1..K]); Zhao & Sun leave the minimum randomness open.
    pub fn key_accounting(
        &self,
        s: &Scheme,
        region: &Result<Region, RegionError>,
    ) -> Vec<crate::region::achieved::KeyAccount> {
        let r: Vec<Name> = (1..=self.users)
            .map(|k| self.randomness.name(&[k], None))
            .collect();
        let base = &self.randomness.base;
        let labels = (
            format!("H({base}[k])"),
            format!("H({base}[1..{}])", self.users),
        );
        let open = "none known: the minimum randomness is left open (Zhao & Sun, Sec. 6)";
        super::key_accounting(s, region, &r, labels, [None, None], open)
    }

    /// The optimal region of these parameters (Theorem 1).
    pub fn optimal_region(&self) -> Result<Region, RegionError> {
        region(
            self.users as u64,
            self.min_survivors as u64,
            self.colluders as u64,
        )
    }

    pub fn params(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("users", self.users as i64),
            ("min-survivors", self.min_survivors as i64),
            ("colluders", self.colluders as i64),
        ]
    }

    pub fn count_checks(&self) -> u128 {
        count_checks(self.users, self.min_survivors, self.colluders)
    }

    pub fn plan(&self, s: &Scheme) -> Plan {
        let mut b = Blocks::default();
        let users: Vec<u32> = (1..=self.users).collect();
        let w: Vec<Name> = users.iter().map(|&k| self.input.name(&[k], None)).collect();
        let wid: Vec<BlockId> = w.iter().map(|n| block(s, &mut b, n)).collect();
        let xid: Vec<BlockId> = users
            .iter()
            .map(|&k| block(s, &mut b, &self.round1.name(&[k], None)))
            .collect();
        let rid: Vec<BlockId> = users
            .iter()
            .map(|&k| block(s, &mut b, &self.randomness.name(&[k], None)))
            .collect();
        let at = |k: u32| (k - 1) as usize;
        let u1s = self.first_round_sets();

        let mut locality = Vec::new();
        for &k in &users {
            let x = xid[at(k)];
            locality.push(Check {
                sets: vec![("user", vec![k])],
                condition: Condition::Decodable {
                    view: vec![wid[at(k)], rid[at(k)]],
                    target: vec![x],
                },
            });
        }
        let mut correctness = Vec::new();
        let mut per_u1 = Vec::new();
        for u1 in &u1s {
            let y = |k: u32, b: &mut Blocks| block(s, b, &self.round2.name(&[k], Some(u1)));
            let yid: Vec<BlockId> = u1.iter().map(|&k| y(k, &mut b)).collect();
            for (&k, &yk) in u1.iter().zip(&yid) {
                locality.push(Check {
                    sets: vec![("user", vec![k]), ("U1", u1.clone())],
                    condition: Condition::Decodable {
                        view: vec![wid[at(k)], rid[at(k)]],
                        target: vec![yk],
                    },
                });
            }
            let sum_inputs: Vec<Name> = u1.iter().map(|&k| w[at(k)].clone()).collect();
            let label = format!("Σ{}{{{}}}", self.input.base, crate::scheme::names::join(u1));
            let sum = sum_block(s, &mut b, label, &sum_inputs);
            let x_u1: Vec<BlockId> = u1.iter().map(|&k| xid[at(k)]).collect();
            for u2 in crate::subsets::subsets_of(u1, self.min_survivors as usize, u1.len()) {
                let mut view = x_u1.clone();
                view.extend(
                    u2.iter()
                        .map(|&k| yid[u1.iter().position(|&j| j == k).expect("U2 ⊆ U1")]),
                );
                correctness.push(Check {
                    sets: vec![("U1", u1.clone()), ("U2", u2)],
                    condition: Condition::Decodable {
                        view,
                        target: vec![sum],
                    },
                });
            }
            let mut view = xid.clone();
            view.extend(&yid);
            per_u1.push((u1, sum, view));
        }
        // Colluder sets outermost: the colluders' state (the bulk of the rows) is then
        // eliminated once per colluder set and shared by every U1.
        let mut security = Vec::new();
        for t in subsets(self.users, 0, self.colluders as usize) {
            let state: Vec<BlockId> = t.iter().flat_map(|&k| [wid[at(k)], rid[at(k)]]).collect();
            for (u1, sum, view) in &per_u1 {
                let mut cond = state.clone();
                cond.push(*sum);
                security.push(Check {
                    sets: vec![("U1", (*u1).clone()), ("T", t.clone())],
                    condition: Condition::Secure {
                        view: view.clone(),
                        cond,
                    },
                });
            }
        }
        let (k, u, t) = (self.users, self.min_survivors, self.colluders);
        Plan {
            blocks: b,
            families: vec![
                Family {
                    name: "locality",
                    description: "each message is a function of its sender's input and randomness"
                        .into(),
                    checks: locality,
                    decoders: false,
                },
                Family {
                    name: "correctness",
                    description: format!(
                        "H(Σ_{{U1}} W | X_U1, Y_U2) = 0 for all U2 ⊆ U1, |U2| ≥ {u} (K={k})"
                    ),
                    checks: correctness,
                    decoders: true,
                },
                Family {
                    name: "security",
                    description: format!(
                        "I(W; all X, Y^U1 | Σ_{{U1}} W, W_T, R_T) = 0 for every U1, |T| ≤ {t}"
                    ),
                    checks: security,
                    decoders: false,
                },
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------
// Optimal rate region: `itsa region dropout` (docs/models.md#dropout-region).

use crate::region::{int, ratio, Bound, Region, RegionError, Source};

pub const REGION_SOURCE: Source = Source {
    paper: "Zhao & Sun, \"Information Theoretic Secure Aggregation with User Dropouts\", \
            arXiv 2101.07750, IEEE T-IT 68(11), 2022",
    in_seeds: true,
    origin: "seed 004",
    section: "docs/models.md#dropout-region",
    status: "Theorem 1 RESTORED (from the abstract); region formula (8) RECONSTRUCTED in this form",
};

/// Theorem 1 of Zhao & Sun: K users, at least U respond in each round, at most T collude
/// with the server. Infeasible iff U ≤ T; otherwise R1 ≥ 1, R2 ≥ 1/(U−T).
/// Range: K ≥ 2, 1 ≤ U ≤ K−1 (U = K is out of the model), 0 ≤ T ≤ K.
pub fn region(k: u64, u: u64, t: u64) -> Result<Region, RegionError> {
    check_users_and_survivors(k, u)?;
    if t > k {
        return Err(RegionError::param(
            "colluders",
            format!("T must be in 0..=K = 0..={k} (there are only K users), found {t}"),
        ));
    }
    if u <= t {
        return Ok(Region::Infeasible {
            reason: format!(
                "U = {u} ≤ T = {t}: when U survivors all collude, the server can simulate their \
                 second-round answers and learn the input of a user outside them \
                 (Zhao & Sun, Theorem 1: infeasible iff U ≤ T)"
            ),
            condition: "U ≤ T".into(),
            latex: "U \\le T".into(),
        });
    }
    let theorem = "Zhao & Sun, Theorem 1";
    Ok(Region::Feasible {
        bounds: vec![
            Bound::new("R1", "R_1", int(1), "1", "1", theorem),
            Bound::new("R2", "R_2", ratio(1, u - t), "1/(U−T)", "\\frac{1}{U-T}", theorem),
        ],
        achievable: vec![],
        notes: vec![
            "rates in symbols per input symbol: R1 = first-round, R2 = second-round message length".into(),
            "the corner point is achieved by the Cauchy-matrix scheme of docs/models.md#dropout-construction (field size ≥ K+U)".into(),
            "the optimal communication depends on (U, T) only through U−T, not on K".into(),
        ],
        warnings: vec![],
    })
}

/// K ≥ 2 and 1 ≤ U ≤ K−1: the user counts shared by the two-round dropout models (this one
/// and the decentralized one); U = K leaves nothing to drop and is out of their scope.
pub fn check_users_and_survivors(k: u64, u: u64) -> Result<(), RegionError> {
    if k < 2 {
        return Err(RegionError::param(
            "users",
            format!("K must be at least 2, found {k}"),
        ));
    }
    if u == 0 || u > k {
        return Err(RegionError::param(
            "min-survivors",
            format!("U must be in 1..=K−1 = 1..={}, found {u}", k - 1),
        ));
    }
    if u == k {
        return Err(RegionError::param(
            "min-survivors",
            format!(
                "U = K = {k} means no user may drop out, which is out of this model \
                 (Zhao & Sun assume U < K; without dropouts one round suffices)"
            ),
        ));
    }
    Ok(())
}

/// Checks of the dropout model with K users, U minimum survivors and T colluders (the
/// plan's size, computed without building it).
pub fn count_checks(users: u32, min_survivors: u32, colluders: u32) -> u128 {
    let (k, u, t) = (users as u64, min_survivors as u64, colluders as u64);
    let locality = k as u128 + (u..=k).map(|s| binomial(k, s) * s as u128).sum::<u128>();
    let correctness: u128 = (u..=k)
        .map(|s| binomial(k, s) * count_subsets(s, u, s))
        .sum();
    let security = count_subsets(k, u, k) * count_subsets(k, 0, t);
    locality + correctness + security
}

// ---------------------------------------------------------------------------------------------
// Optimal construction (docs/models.md#dropout-construction): Cauchy-coded key shares.

/// The general construction of Zhao & Sun for any K, U > T: keys Z_k of U−T symbols, one
/// noise vector N_{U1} of T symbols per first-round set, and user k's share of U1 equal to
/// row x_k = k of the Cauchy matrix 1/(x_k − y_j), y_j = K + j, applied to [Σ_{U1} Z; N_{U1}].
/// Needs a prime p ≥ K + U (so the x's and y's are distinct); default: the smallest.
pub fn construct_spec(
    k: u32,
    u: u32,
    t: u32,
    prime: Option<u64>,
) -> Result<String, crate::construct::ConstructError> {
    use crate::construct::{ConstructError, SpecText};
    let bad = |m: String| Err(ConstructError::Parameter(m));
    if !(2..=MAX_USERS as u32).contains(&k) {
        return bad(format!("--users: K must be in 2..={MAX_USERS}, found {k}"));
    }
    if !(1..=k).contains(&u) {
        return bad(format!(
            "--min-survivors: U must be in 1..=K={k}, found {u}"
        ));
    }
    if u <= t {
        return bad(format!("U = {u} ≤ T = {t}: secure aggregation is infeasible (Zhao & Sun, Theorem 1), so there is nothing to construct"));
    }
    let need = (k + u) as u64;
    let p = crate::construct::choose_prime(
        prime,
        need,
        &format!("the Cauchy construction needs distinct x_1..x_K, y_1..y_U in F_p, i.e. a prime p ≥ K + U = {need}"),
        0,
    )?;
    crate::budget::charge(
        crate::budget::Resource::Checks,
        count_checks(k, u, t),
        format!("verifying the construction K={k} U={u} T={t}"),
    )
    .map_err(|e| ConstructError::Budget(e.to_string()))?;
    let l = u - t;
    let sets = subsets(k, u as usize, k as usize);
    let set = |s: &[u32]| format!("{{{}}}", crate::scheme::names::join(s));
    let mut w = SpecText::new(
        &format!("Zhao–Sun optimal construction K={k} U={u} T={t}"),
        "Zhao & Sun, seed 004 Sec. 4, eqs. (30)-(35); docs/models.md#dropout-construction",
        "dropout",
        p,
        l as usize,
        &format!("W[1..{k}]"),
    );
    w.params(&[("users", k), ("min-survivors", u), ("colluders", t)]);
    w.roles(&[
        ("input", "W[k]"),
        ("round1", "X[k]"),
        ("round2", "Y[k]{U1}"),
        ("randomness", "R[k]"),
    ]);
    w.section("randomness");
    w.raw(&format!("\"Z[1..{k}]\""), l);
    if t > 0 {
        for s in &sets {
            w.raw(&format!("\"N{}\"", set(s)), t);
        }
    }
    w.section("variables");
    w.comment(
        "Shares: user i's row of the Cauchy matrix c(i, j) = 1/(x_i − y_j) = −1/(K + j − i).",
    );
    let mut held: Vec<Vec<String>> = (1..=k).map(|i| vec![format!("Z[{i}]")]).collect();
    for s in &sets {
        let zs = format!("ZS{}", set(s));
        let sum: Vec<String> = s.iter().map(|i| format!("Z[{i}]")).collect();
        w.def(&zs, &sum.join(" + "));
        for &i in s {
            let mut terms: Vec<String> = (1..=l)
                .map(|j| format!("- 1/{} {zs}({j})", k + j - i))
                .collect();
            terms.extend((1..=t).map(|j| format!("- 1/{} N{}({j})", k + l + j - i, set(s))));
            let y = format!("Y[{i}]{}", set(s));
            w.def(&y, &terms.join(" "));
            held[(i - 1) as usize].push(y);
        }
    }
    for i in 1..=k {
        w.list(&format!("R[{i}]"), &held[(i - 1) as usize]);
        w.def(&format!("X[{i}]"), &format!("W[{i}] + Z[{i}]"));
    }
    Ok(w.finish())
}

#[cfg(test)]
mod region_tests {
    use super::*;

    fn bounds(k: u64, u: u64, t: u64) -> Vec<String> {
        region(k, u, t)
            .unwrap()
            .bounds()
            .iter()
            .map(|b| format!("{}={}", b.name, b.value))
            .collect()
    }

    #[test]
    fn feasible_branch_gives_one_and_one_over_u_minus_t() {
        assert_eq!(bounds(10, 7, 2), ["R1=1", "R2=1/5"]);
        assert_eq!(bounds(3, 2, 1), ["R1=1", "R2=1"]);
        assert_eq!(bounds(3, 2, 0), ["R1=1", "R2=1/2"]);
        // Depends on K not at all.
        assert_eq!(bounds(50, 7, 2), bounds(8, 7, 2));
    }

    #[test]
    fn u_at_most_t_is_infeasible_with_the_reason() {
        for (k, u, t) in [(10, 7, 7), (10, 7, 9), (10, 7, 10), (2, 1, 1)] {
            match region(k, u, t).unwrap() {
                Region::Infeasible {
                    reason, condition, ..
                } => {
                    assert_eq!(condition, "U ≤ T");
                    assert!(reason.contains(&format!("U = {u} ≤ T = {t}")), "{reason}");
                }
                r => panic!("({k},{u},{t}) should be infeasible, got {r:?}"),
            }
        }
    }

    #[test]
    fn bad_parameters_are_errors_with_a_reason() {
        let err = |k, u, t| region(k, u, t).err().unwrap().to_string();
        assert!(err(1, 1, 0).starts_with("--users: K must be at least 2"));
        assert!(err(10, 0, 0).starts_with("--min-survivors: U must be in 1..=K−1"));
        assert!(err(10, 11, 0).starts_with("--min-survivors: U must be in 1..=K−1"));
        let u_eq_k = err(10, 10, 2);
        assert!(u_eq_k.contains("out of this model"), "{u_eq_k}");
        assert!(err(10, 7, 11).starts_with("--colluders: T must be in 0..=K"));
    }
}
