//! Multi-server secure aggregation with user collusion (Li, Zhang, Wan, Sun, Ji, Caire;
//! seed 000; docs/models.md#multi-server). The system model is RECONSTRUCTED from the abstract.
//!
//! U servers, V users per server; user (u,v) sends X[u,v] to its server u only; server u sends
//! Y[u] (a function of what it received) to every other server; every server must decode the
//! global sum ΣW from (X[u,1..V], Y[u'] for u' ≠ u). Any one server may collude with up to T
//! users (from any cluster): it must learn nothing beyond ΣW and the colluders' inputs and keys.

use std::collections::HashSet;

use super::{
    block, inputs_match, instance, key_only, no_strays, param_error, read_params, read_roles,
    sum_block, ParamSpec, RoleDecl, RoleSpec,
};
use crate::scheme::{Name, Scheme, SpecError};
use crate::subsets::{count_subsets, subsets};
use crate::verify::{BlockId, Blocks, Check, Condition, Family, Plan};

pub const SOURCE: &str =
    "Li, Zhang, Wan, Sun, Ji, Caire, arXiv 2601.06836 (seed 000), docs/models.md#multi-server";

pub(crate) const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "servers",
        symbol: "U",
        default: None,
    },
    ParamSpec {
        name: "users-per-server",
        symbol: "V",
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
        example: "W[u,v]",
        indices: 2,
        set: false,
        meaning: "the input of user v of server u",
    },
    RoleSpec {
        role: "uplink",
        example: "X[u,v]",
        indices: 2,
        set: false,
        meaning: "the message of user (u,v) to its server u",
    },
    RoleSpec {
        role: "server",
        example: "Y[u]",
        indices: 1,
        set: false,
        meaning: "the message server u sends to every other server",
    },
    RoleSpec {
        role: "key",
        example: "Z[u,v]",
        indices: 2,
        set: false,
        meaning: "the key of user (u,v)",
    },
];

/// Largest number of users UV accepted (collusion sets are enumerated exhaustively).
pub const MAX_USERS: i64 = 24;

#[derive(Debug, Clone)]
pub struct MultiServer {
    pub servers: u32,
    pub users_per_server: u32,
    pub colluders: u32,
    input: RoleDecl,
    uplink: RoleDecl,
    server: RoleDecl,
    key: RoleDecl,
}

impl MultiServer {
    pub fn from_scheme(s: &Scheme) -> Result<Self, SpecError> {
        let v = read_params(s, PARAMS)?;
        let (u, vv, t) = (v[0], v[1], v[2]);
        if u < 1 {
            return Err(param_error(
                s,
                "servers",
                format!("servers (U) must be at least 1, found {u}"),
            ));
        }
        if vv < 1 {
            return Err(param_error(
                s,
                "users-per-server",
                format!("users-per-server (V) must be at least 1, found {vv}"),
            ));
        }
        let users = u.saturating_mul(vv);
        if !(2..=MAX_USERS).contains(&users) {
            return Err(param_error(
                s,
                "users-per-server",
                format!("the number of users UV must be in 2..={MAX_USERS}, found {users}"),
            ));
        }
        if !(0..users).contains(&t) {
            return Err(param_error(
                s,
                "colluders",
                format!(
                    "colluders (T) must be in 0..=UV−1 = 0..={}, found {t}",
                    users - 1
                ),
            ));
        }
        let mut roles = read_roles(s, ROLES)?.into_iter();
        let mut next = || roles.next().expect("one decl per role");
        let m = MultiServer {
            servers: u as u32,
            users_per_server: vv as u32,
            colluders: t as u32,
            input: next(),
            uplink: next(),
            server: next(),
            key: next(),
        };
        m.validate(s)?;
        Ok(m)
    }

    /// Users in order (1,1), (1,2), …, (U,V); user i (1-based) of collusion sets is the i-th.
    fn users(&self) -> Vec<(u32, u32)> {
        (1..=self.servers)
            .flat_map(|u| (1..=self.users_per_server).map(move |v| (u, v)))
            .collect()
    }

    fn validate(&self, s: &Scheme) -> Result<(), SpecError> {
        let users = self.users();
        let inputs: HashSet<Name> = users
            .iter()
            .map(|&(u, v)| self.input.name(&[u, v], None))
            .collect();
        inputs_match(s, &self.input, &inputs)?;
        let (mut x, mut z, mut y) = (HashSet::new(), HashSet::new(), HashSet::new());
        for &(u, v) in &users {
            let n = self.uplink.name(&[u, v], None);
            instance(s, &self.uplink, &n)?;
            x.insert(n);
            let n = self.key.name(&[u, v], None);
            instance(s, &self.key, &n)?;
            key_only(s, &self.key, &n)?;
            z.insert(n);
        }
        for u in 1..=self.servers {
            let n = self.server.name(&[u], None);
            instance(s, &self.server, &n)?;
            y.insert(n);
        }
        let hint = format!(
            "servers are 1..{} and users of each server 1..{}",
            self.servers, self.users_per_server
        );
        no_strays(s, &self.uplink, &x, &hint)?;
        no_strays(s, &self.key, &z, &hint)?;
        no_strays(s, &self.server, &y, &hint)
    }

    pub fn params(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("servers", self.servers as i64),
            ("users-per-server", self.users_per_server as i64),
            ("colluders", self.colluders as i64),
        ]
    }

    pub fn count_checks(&self) -> u128 {
        let (u, n) = (
            self.servers as u128,
            (self.servers * self.users_per_server) as u64,
        );
        let locality = n as u128 + u;
        let correctness = u;
        let security = u * count_subsets(n, 0, self.colluders as u64);
        locality + correctness + security
    }

    pub fn plan(&self, s: &Scheme) -> Plan {
        let mut b = Blocks::default();
        let users = self.users();
        let w: Vec<Name> = users
            .iter()
            .map(|&(u, v)| self.input.name(&[u, v], None))
            .collect();
        let wid: Vec<BlockId> = w.iter().map(|n| block(s, &mut b, n)).collect();
        let zid: Vec<BlockId> = users
            .iter()
            .map(|&(u, v)| block(s, &mut b, &self.key.name(&[u, v], None)))
            .collect();
        let xid: Vec<BlockId> = users
            .iter()
            .map(|&(u, v)| block(s, &mut b, &self.uplink.name(&[u, v], None)))
            .collect();
        let yid: Vec<BlockId> = (1..=self.servers)
            .map(|u| block(s, &mut b, &self.server.name(&[u], None)))
            .collect();
        let sum = sum_block(s, &mut b, format!("Σ{}", self.input.base), &w);
        let vv = self.users_per_server as usize;
        let cluster = |u: u32| -> std::ops::Range<usize> {
            let start = (u as usize - 1) * vv;
            start..start + vv
        };

        let mut locality = Vec::new();
        for (i, &(u, v)) in users.iter().enumerate() {
            locality.push(Check {
                sets: vec![("user", vec![u, v])],
                condition: Condition::Decodable {
                    view: vec![wid[i], zid[i]],
                    target: vec![xid[i]],
                },
            });
        }
        for u in 1..=self.servers {
            locality.push(Check {
                sets: vec![("server", vec![u])],
                condition: Condition::Decodable {
                    view: xid[cluster(u)].to_vec(),
                    target: vec![yid[(u - 1) as usize]],
                },
            });
        }
        // What server u sees: its users' uplinks and the other servers' messages.
        let views: Vec<Vec<BlockId>> = (1..=self.servers)
            .map(|u| {
                let mut view = xid[cluster(u)].to_vec();
                view.extend(
                    (1..=self.servers)
                        .filter(|&o| o != u)
                        .map(|o| yid[(o - 1) as usize]),
                );
                view
            })
            .collect();
        let correctness = (1..=self.servers)
            .map(|u| Check {
                sets: vec![("server", vec![u])],
                condition: Condition::Decodable {
                    view: views[(u - 1) as usize].clone(),
                    target: vec![sum],
                },
            })
            .collect();
        // Colluder sets outermost, so their state is eliminated once and shared by the servers.
        let mut security = Vec::new();
        for t in subsets(users.len() as u32, 0, self.colluders as usize) {
            let mut cond: Vec<BlockId> = t
                .iter()
                .flat_map(|&i| [wid[i as usize - 1], zid[i as usize - 1]])
                .collect();
            cond.push(sum);
            for u in 1..=self.servers {
                security.push(Check {
                    sets: vec![("server", vec![u]), ("T", t.clone())],
                    condition: Condition::Secure {
                        view: views[(u - 1) as usize].clone(),
                        cond: cond.clone(),
                    },
                });
            }
        }
        let (w_base, t) = (&self.input.base, self.colluders);
        Plan {
            blocks: b,
            families: vec![
                Family {
                    name: "locality",
                    description: "each X[u,v] is a function of (W[u,v], Z[u,v]); each Y[u] of its users' X[u,·]"
                        .into(),
                    checks: locality,
                    decoders: false,
                },
                Family {
                    name: "correctness",
                    description: format!(
                        "H(Σ{w_base} | X[u,·], Y[u'] for u' ≠ u) = 0 at every server u"
                    ),
                    checks: correctness,
                    decoders: true,
                },
                Family {
                    name: "security",
                    description: format!(
                        "I({w_base}; X[u,·], Y[u'≠u] | Σ{w_base}, W_T, Z_T) = 0 for every server u and every user set |T| ≤ {t} (T printed as (server, user) pairs)"
                    ),
                    checks: security,
                    decoders: false,
                },
            ],
        }
    }

    /// Achieved rates, entropies as ranks: R_X = max H(X[u,v])/L, R_Y = max H(Y[u])/L,
    /// R_Z = max H(Z[u,v])/L, R_ZΣ = H(all Z)/L (the smallest source key generating every
    /// user key is the joint of the keys).
    pub fn achieved_rates(&self, s: &Scheme) -> Vec<crate::region::achieved::Achieved> {
        use crate::region::achieved::Achieved;
        use crate::region::ratio;
        let h = |names: &[Name]| super::entropy(s, names) as i64;
        let l = s.input_length as i64;
        let users = self.users();
        let max_over = |names: Vec<Name>| {
            names
                .iter()
                .map(|n| h(std::slice::from_ref(n)))
                .max()
                .unwrap_or(0)
        };
        let x = max_over(
            users
                .iter()
                .map(|&(u, v)| self.uplink.name(&[u, v], None))
                .collect(),
        );
        let y = max_over(
            (1..=self.servers)
                .map(|u| self.server.name(&[u], None))
                .collect(),
        );
        let keys: Vec<Name> = users
            .iter()
            .map(|&(u, v)| self.key.name(&[u, v], None))
            .collect();
        let z = max_over(keys.clone());
        let zs = h(&keys);
        vec![
            Achieved {
                name: "R_X",
                value: ratio(x, l),
                definition: format!("max H(X[u,v]) / L = {x}/{l}"),
            },
            Achieved {
                name: "R_Y",
                value: ratio(y, l),
                definition: format!("max H(Y[u]) / L = {y}/{l}"),
            },
            Achieved {
                name: "R_Z",
                value: ratio(z, l),
                definition: format!("max H(Z[u,v]) / L = {z}/{l}"),
            },
            Achieved {
                name: "R_ZΣ",
                value: ratio(zs, l),
                definition: format!("H(Z[1,1..U,V]) / L = {zs}/{l}: the joint key entropy"),
            },
        ]
    }

    /// H(Z[u,v]) over the users and H(all keys) = H(ZΣ) of the smallest source key, next to
    /// the bounds R_Z ≥ 1 and R_ZΣ ≥ min{U+V+T−2, UV−1}.
    pub fn key_accounting(
        &self,
        s: &Scheme,
        region: &Result<Region, RegionError>,
    ) -> Vec<crate::region::achieved::KeyAccount> {
        let keys: Vec<Name> = self
            .users()
            .iter()
            .map(|&(u, v)| self.key.name(&[u, v], None))
            .collect();
        let base = &self.key.base;
        let labels = (format!("H({base}[u,v])"), format!("H({base}[all]) = H(ZΣ)"));
        super::key_accounting(s, region, &keys, labels, [Some("R_Z"), Some("R_ZΣ")], "")
    }

    pub fn optimal_region(&self) -> Result<Region, RegionError> {
        region(
            self.servers as u64,
            self.users_per_server as u64,
            self.colluders as u64,
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Optimal construction (docs/models.md#multi-server-construction): random zero-sum keys of the optimal dimension.

/// One draw of the zero-sum key construction: L = 1, source key ZΣ of `key_dim` symbols,
/// Z[u,v] = a_{u,v}·ZΣ with a_{u,v} uniform for all users but the last and the last equal to
/// minus their sum; X[u,v] = W[u,v] + Z[u,v]; Y[u] = Σ_v X[u,v]. Optimal with
/// key_dim = min{U+V+T−2, UV−1}; other dimensions are for mutation tests.
pub fn construct_draw(
    servers: u32,
    users_per_server: u32,
    colluders: u32,
    prime: u64,
    key_dim: u32,
    rng: &mut crate::construct::SplitMix64,
) -> String {
    use crate::construct::{linear_or_zero, SpecText};
    let (uu, vv, t) = (servers, users_per_server, colluders);
    let mut w = SpecText::new(
        &format!("Multi-server zero-sum key construction U={uu} V={vv} T={t} (key dimension {key_dim})"),
        "Li et al., seed 000; docs/models.md#multi-server-construction (random zero-sum keys of dimension min{U+V+T−2, UV−1})",
        "multi-server",
        prime,
        1,
        &format!("W[1..{uu},1..{vv}]"),
    );
    w.params(&[("servers", uu), ("users-per-server", vv), ("colluders", t)]);
    w.roles(&[
        ("input", "W[u,v]"),
        ("uplink", "X[u,v]"),
        ("server", "Y[u]"),
        ("key", "Z[u,v]"),
    ]);
    w.section("randomness");
    w.raw("\"ZS\"", key_dim);
    w.section("variables");
    w.comment(
        "Keys Z[u,v] = a_{u,v} · ZS; the a's sum to zero, so the keys cancel in the global sum.",
    );
    let users: Vec<(u32, u32)> = (1..=uu)
        .flat_map(|u| (1..=vv).map(move |v| (u, v)))
        .collect();
    let p = prime;
    let mut total = vec![0u64; key_dim as usize];
    for (i, &(u, v)) in users.iter().enumerate() {
        let a: Vec<u64> = if i + 1 < users.len() {
            let a: Vec<u64> = (0..key_dim).map(|_| rng.below(p)).collect();
            for (acc, x) in total.iter_mut().zip(&a) {
                *acc = (*acc + x) % p;
            }
            a
        } else {
            total.iter().map(|&x| (p - x) % p).collect()
        };
        let terms: Vec<(u32, String)> = a
            .iter()
            .enumerate()
            .map(|(j, &c)| (c as u32, format!("ZS({})", j + 1)))
            .collect();
        w.def(&format!("Z[{u},{v}]"), &linear_or_zero(&terms));
    }
    for &(u, v) in &users {
        w.def(&format!("X[{u},{v}]"), &format!("W[{u},{v}] + Z[{u},{v}]"));
    }
    for u in 1..=uu {
        let xs: Vec<String> = (1..=vv).map(|v| format!("X[{u},{v}]")).collect();
        w.def(&format!("Y[{u}]"), &xs.join(" + "));
    }
    w.finish()
}

/// The optimal key dimension min{U+V+T−2, UV−1}.
pub fn optimal_key_dim(servers: u32, users_per_server: u32, colluders: u32) -> u32 {
    // Saturating: the parameters are checked later (construct_params), this must not panic.
    (servers
        .saturating_add(users_per_server)
        .saturating_add(colluders))
    .saturating_sub(2)
    .min(servers.saturating_mul(users_per_server).saturating_sub(1))
}

/// Check the construction's parameters and pick the prime.
pub fn construct_params(
    servers: u32,
    users_per_server: u32,
    colluders: u32,
    prime: Option<u64>,
) -> Result<u64, crate::construct::ConstructError> {
    region(servers as u64, users_per_server as u64, colluders as u64)
        .map_err(|e| crate::construct::ConstructError::Parameter(e.to_string()))?;
    if (servers as i128) * (users_per_server as i128) > MAX_USERS as i128 {
        return Err(crate::construct::ConstructError::Parameter(format!(
            "--users-per-server: UV = {} users is above the verifier's limit {MAX_USERS}",
            servers as u64 * users_per_server as u64
        )));
    }
    let (u, n) = (servers as u128, (servers * users_per_server) as u64);
    let checks = n as u128 + 2 * u + u * count_subsets(n, 0, colluders as u64);
    crate::construct::choose_prime(
        prime,
        2,
        "the field needs a prime p ≥ 2",
        crate::construct::random_default_prime(checks),
    )
}

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::region::{int, pick, Bound, Extremum, Region, RegionError, Source};

pub const REGION_SOURCE: Source = Source {
    paper: "Li, Zhang, Wan, Sun, Ji, Caire, \"Optimal Rate Region for Multi-server Secure \
            Aggregation with User Collusion\", arXiv 2601.06836",
    in_seeds: true,
    origin: "seed 000",
    section: "docs/models.md#multi-server-region",
    status: "region RESTORED from the abstract; system model RECONSTRUCTED; the paper's own \
             parameter range UNKNOWN (calculator: U, V ≥ 1, UV ≥ 2, 0 ≤ T ≤ UV−1)",
};

/// R_X ≥ 1, R_Y ≥ 1, R_Z ≥ 1, R_ZΣ ≥ min{U+V+T−2, UV−1}, reporting which branch binds.
/// Range: U ≥ 1 servers, V ≥ 1 users per server, UV ≥ 2, 0 ≤ T ≤ UV−1.
pub fn region(servers: u64, users_per_server: u64, colluders: u64) -> Result<Region, RegionError> {
    let (u, v, t) = (servers, users_per_server, colluders);
    if u == 0 {
        return Err(RegionError::param(
            "servers",
            "U must be at least 1, found 0",
        ));
    }
    if v == 0 {
        return Err(RegionError::param(
            "users-per-server",
            "V must be at least 1, found 0",
        ));
    }
    let (bu, bv, bt) = (BigInt::from(u), BigInt::from(v), BigInt::from(t));
    let users = &bu * &bv;
    if users < BigInt::from(2) {
        return Err(RegionError::param(
            "users-per-server",
            "U = V = 1 is a single user, who has nothing to aggregate or hide: UV must be at least 2",
        ));
    }
    if bt >= users {
        return Err(RegionError::param(
            "colluders",
            format!("T must be in 0..=UV−1 = 0..={}, found {t}", &users - 1),
        ));
    }
    let reference = "Li et al., main result (abstract)";
    let one = |name: &str| Bound::new(name, name, int(1), "1", "1", reference);
    let first = BigRational::from_integer(&bu + &bv + &bt - 2);
    let second = BigRational::from_integer(&users - 1);
    let (value, binding) = pick(Extremum::Min, ("U+V+T−2", first), ("UV−1", second));
    let meet = (&bu - 1) * (&bv - 1);
    let source_key = Bound::new(
        "R_ZΣ",
        "R_{Z_\\Sigma}",
        value,
        "min{U+V+T−2, UV−1}",
        "\\min\\{U+V+T-2,\\; UV-1\\}",
        reference,
    )
    .with_binding(binding.clone());
    let mut notes = vec![
        format!(
            "R_ZΣ: {} binds; the branches meet at T = (U−1)(V−1) = {meet} \
             (below it U+V+T−2 binds, above it UV−1: all keys independent except the zero-sum)",
            binding.branch
        ),
        "rates in symbols per input symbol: R_X user→server, R_Y server→server, \
         R_Z individual key, R_ZΣ source key"
            .into(),
        "achieved by random zero-sum keys of dimension R_ZΣ (docs/models.md#multi-server-construction; verified for 17 (U,V,T) triples)"
            .into(),
        "model RECONSTRUCTED from the abstract: every server decodes the global sum".into(),
    ];
    if u == 1 {
        notes.push(
            "U = 1: single-server secure aggregation of V users; there is no server-to-server hop, \
             so the R_Y bound is vacuous"
                .into(),
        );
    }
    Ok(Region::Feasible {
        bounds: vec![one("R_X"), one("R_Y"), one("R_Z"), source_key],
        achievable: vec![],
        notes,
        warnings: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source_key(u: u64, v: u64, t: u64) -> (String, String, bool) {
        let r = region(u, v, t).unwrap();
        let b = r.bound("R_ZΣ").unwrap();
        let bd = b.binds.clone().unwrap();
        (b.value.to_string(), bd.branch, bd.tie)
    }

    #[test]
    fn first_branch_binds_below_the_meeting_point() {
        assert_eq!(source_key(3, 4, 2), ("7".into(), "U+V+T−2".into(), false));
        assert_eq!(source_key(3, 4, 0), ("5".into(), "U+V+T−2".into(), false));
    }

    #[test]
    fn second_branch_binds_above_the_meeting_point() {
        assert_eq!(source_key(3, 4, 9), ("11".into(), "UV−1".into(), false));
        assert_eq!(source_key(3, 4, 11), ("11".into(), "UV−1".into(), false));
    }

    #[test]
    fn branches_tie_at_t_equal_u_minus_1_times_v_minus_1() {
        assert_eq!(
            source_key(3, 4, 6),
            ("11".into(), "U+V+T−2 = UV−1".into(), true)
        );
        // Sanity checks of docs/models.md#multi-server-region: U = 1 gives V−1, V = 1 gives U−1.
        assert_eq!(source_key(1, 5, 0).0, "4");
        assert_eq!(source_key(1, 5, 3).0, "4");
        assert_eq!(source_key(6, 1, 2).0, "5");
    }

    #[test]
    fn communication_and_individual_key_rates_are_one() {
        let r = region(3, 4, 2).unwrap();
        for name in ["R_X", "R_Y", "R_Z"] {
            assert_eq!(r.bound(name).unwrap().value, int(1), "{name}");
        }
        let one_server = region(1, 4, 0).unwrap();
        let Region::Feasible { notes, .. } = one_server else {
            panic!()
        };
        assert!(notes.iter().any(|n| n.contains("R_Y bound is vacuous")));
    }

    #[test]
    fn bad_parameters_are_errors_with_a_reason() {
        let err = |u, v, t| region(u, v, t).err().unwrap().to_string();
        assert!(err(0, 4, 0).starts_with("--servers:"));
        assert!(err(3, 0, 0).starts_with("--users-per-server:"));
        assert!(err(1, 1, 0).contains("UV must be at least 2"));
        assert_eq!(
            err(3, 4, 12),
            "--colluders: T must be in 0..=UV−1 = 0..=11, found 12"
        );
    }

    #[test]
    fn huge_parameters_do_not_overflow() {
        let r = region(u64::MAX, u64::MAX, u64::MAX).unwrap();
        let v = &r.bound("R_ZΣ").unwrap().value;
        assert_eq!(
            *v,
            BigRational::from_integer(BigInt::from(u64::MAX) * 3 - 2)
        );
    }
}
