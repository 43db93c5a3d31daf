//! Hierarchical secure aggregation with unreliable links (Weng et al., seed 003;
//! models.md §4.1, with the cyclic index sets corrected to match the paper's example).
//!
//! K clients, K relays, one server. Client k is connected to the d relays
//! R_k = {k, k−1, …, k−d+1} (mod K) and sends X[m,k] to each; relay m hears the clients
//! U_m = {m, …, m+d−1} (mod K) and forwards Y[m]. Correctness: any K−s relay messages
//! determine ⊕_k Θ_k. Relay security: relay m learns nothing from its X[m,k]. Server
//! security: any subset of relay messages reveals nothing beyond ⊕_k Θ_k.

use std::collections::HashSet;

use super::{
    block, inputs_match, instance, key_only, no_strays, param_error, read_params, read_roles,
    sum_block, ParamSpec, RoleDecl, RoleSpec,
};
use crate::scheme::{Name, Scheme, SpecError};
use crate::subsets::{count_subsets, subsets};
use crate::verify::{BlockId, Blocks, Check, Condition, Family, Plan};

pub const SOURCE: &str = "Weng et al., seed 003, models.md §4.1";

pub(crate) const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "clients",
        symbol: "K",
        default: None,
    },
    ParamSpec {
        name: "relays-per-client",
        symbol: "d",
        default: None,
    },
    ParamSpec {
        name: "failures",
        symbol: "s",
        default: None,
    },
    ParamSpec {
        name: "alphabet",
        symbol: "q",
        default: Some(0),
    },
];

const ROLES: &[RoleSpec] = &[
    RoleSpec {
        role: "input",
        example: "Θ[k]",
        indices: 1,
        set: false,
        meaning: "the input of client k",
    },
    RoleSpec {
        role: "uplink",
        example: "X[m,k]",
        indices: 2,
        set: false,
        meaning: "the message of client k to relay m",
    },
    RoleSpec {
        role: "relay",
        example: "Y[m]",
        indices: 1,
        set: false,
        meaning: "the message of relay m to the server",
    },
    RoleSpec {
        role: "key",
        example: "S[k]",
        indices: 1,
        set: false,
        meaning: "the secret key of client k",
    },
];

pub const MAX_CLIENTS: i64 = 24;

#[derive(Debug, Clone)]
pub struct Hierarchical {
    pub clients: u32,
    pub relays_per_client: u32,
    pub failures: u32,
    /// Input alphabet q (0 when not given).
    pub alphabet: u64,
    input: RoleDecl,
    uplink: RoleDecl,
    relay: RoleDecl,
    key: RoleDecl,
}

/// Relays of client k: {((k − i) mod K) + 1 : i = 1..d}, sorted.
pub fn relays_of(k: u32, n: u32, d: u32) -> Vec<u32> {
    let mut v: Vec<u32> = (1..=d)
        .map(|i| ((k as i64 - i as i64).rem_euclid(n as i64) + 1) as u32)
        .collect();
    v.sort_unstable();
    v
}

/// Clients of relay m: {((m + i − 2) mod K) + 1 : i = 1..d}, sorted.
pub fn clients_of(m: u32, n: u32, d: u32) -> Vec<u32> {
    let mut v: Vec<u32> = (1..=d).map(|i| (m + i - 2) % n + 1).collect();
    v.sort_unstable();
    v
}

impl Hierarchical {
    pub fn from_scheme(s: &Scheme) -> Result<Self, SpecError> {
        let v = read_params(s, PARAMS)?;
        let (k, d, f, q) = (v[0], v[1], v[2], v[3]);
        if !(2..=MAX_CLIENTS).contains(&k) {
            return Err(param_error(
                s,
                "clients",
                format!("clients (K) must be in 2..={MAX_CLIENTS}, found {k}"),
            ));
        }
        if !(1..=k).contains(&d) {
            return Err(param_error(
                s,
                "relays-per-client",
                format!("relays-per-client (d) must be in 1..=K={k}, found {d}"),
            ));
        }
        if !(0..d).contains(&f) {
            return Err(param_error(
                s,
                "failures",
                format!("failures (s) must satisfy 0 ≤ s < d={d}, found {f}"),
            ));
        }
        if q != 0 {
            if q < 2 {
                return Err(param_error(
                    s,
                    "alphabet",
                    format!("alphabet (q) must be at least 2, found {q}"),
                ));
            }
            let need = k as i128 * (q as i128 - 1);
            if (s.field.p() as i128) <= need {
                return Err(param_error(
                    s,
                    "alphabet",
                    format!(
                        "the prime p={} must exceed K(q−1)={need} so that the real sum is a function of the F_p sum",
                        s.field.p()
                    ),
                ));
            }
        }
        let mut roles = read_roles(s, ROLES)?.into_iter();
        let mut next = || roles.next().expect("one decl per role");
        let m = Hierarchical {
            clients: k as u32,
            relays_per_client: d as u32,
            failures: f as u32,
            alphabet: q as u64,
            input: next(),
            uplink: next(),
            relay: next(),
            key: next(),
        };
        m.validate(s)?;
        Ok(m)
    }

    fn validate(&self, s: &Scheme) -> Result<(), SpecError> {
        let (n, d) = (self.clients, self.relays_per_client);
        let clients: Vec<u32> = (1..=n).collect();
        let inputs: HashSet<Name> = clients
            .iter()
            .map(|&k| self.input.name(&[k], None))
            .collect();
        inputs_match(s, &self.input, &inputs)?;
        let (mut x, mut y, mut keys) = (HashSet::new(), HashSet::new(), HashSet::new());
        for &k in &clients {
            let key = self.key.name(&[k], None);
            instance(s, &self.key, &key)?;
            key_only(s, &self.key, &key)?;
            keys.insert(key);
            for m in relays_of(k, n, d) {
                let name = self.uplink.name(&[m, k], None);
                instance(s, &self.uplink, &name)?;
                x.insert(name);
            }
            let name = self.relay.name(&[k], None);
            instance(s, &self.relay, &name)?;
            y.insert(name);
        }
        let hint = format!("clients and relays are 1..{n}");
        no_strays(
            s,
            &self.uplink,
            &x,
            &format!("X[m,k] exists only for the d={d} relays m of client k, R_k = {{k, k−1, …, k−d+1}} mod K"),
        )?;
        no_strays(s, &self.relay, &y, &hint)?;
        no_strays(s, &self.key, &keys, &hint)
    }

    /// Achieved rates by the paper's definitions (8)–(9), entropies computed as ranks:
    /// R1 = max_k Σ_{m∈R_k} H(X[m,k]) / L, R2 = Σ_m H(Y[m]) / (K L), and the key rates as
    /// coefficients of log p / log q: R_S = max_k H(S[k]) / L, R_SΣ = H(S[1..K]) / L (the
    /// smallest source key that generates all client keys is the keys themselves).
    pub fn achieved_rates(&self, s: &Scheme) -> Vec<crate::region::achieved::Achieved> {
        use crate::region::achieved::Achieved;
        let (n, d) = (self.clients, self.relays_per_client);
        let h = |names: &[Name]| super::entropy(s, names) as i64;
        let l = s.input_length as i64;
        let up = (1..=n)
            .map(|k| {
                relays_of(k, n, d)
                    .into_iter()
                    .map(|m| h(&[self.uplink.name(&[m, k], None)]))
                    .sum::<i64>()
            })
            .max()
            .unwrap_or(0);
        let relay: i64 = (1..=n).map(|m| h(&[self.relay.name(&[m], None)])).sum();
        let key = (1..=n)
            .map(|k| h(&[self.key.name(&[k], None)]))
            .max()
            .unwrap_or(0);
        let keys: Vec<Name> = (1..=n).map(|k| self.key.name(&[k], None)).collect();
        let all_keys = h(&keys);
        let kl = n as i64 * l;
        vec![
            Achieved {
                name: "R1",
                value: ratio(up, l),
                definition: format!("max_k Σ_m H(X[m,k]) / L = {up}/{l}"),
            },
            Achieved {
                name: "R2",
                value: ratio(relay, kl),
                definition: format!("Σ_m H(Y[m]) / (K L) = {relay}/{kl}"),
            },
            Achieved {
                name: "R_S",
                value: ratio(key, l),
                definition: format!("max_k H(S[k]) / L = {key}/{l} (× log p / log q)"),
            },
            Achieved {
                name: "R_SΣ",
                value: ratio(all_keys, l),
                definition: format!("H(S[1..K]) / L = {all_keys}/{l} (× log p / log q)"),
            },
        ]
    }

    /// H(S[k]) over the clients and H(S[1..K]) next to Theorem 1's key bounds (in F_p
    /// symbols: R_S ≥ c·log p/log q means H(S_k) ≥ c·L symbols of F_p).
    pub fn key_accounting(
        &self,
        s: &Scheme,
        region: &Result<Region, RegionError>,
    ) -> Vec<crate::region::achieved::KeyAccount> {
        let keys: Vec<Name> = (1..=self.clients)
            .map(|k| self.key.name(&[k], None))
            .collect();
        let base = &self.key.base;
        let labels = (
            format!("H({base}[k])"),
            format!("H({base}[1..{}]) = H(S_Σ)", self.clients),
        );
        super::key_accounting(s, region, &keys, labels, [Some("R_S"), Some("R_SΣ")], "")
    }

    /// The optimal region (Theorem 1) at this scheme's prime. Without an alphabet the key
    /// rates are compared as multiples of log p / log q, which holds for every q; q = 2 is
    /// used to evaluate the region.
    pub fn optimal_region(&self, s: &Scheme) -> Result<Region, RegionError> {
        let q = if self.alphabet == 0 { 2 } else { self.alphabet };
        region(
            self.clients as u64,
            self.relays_per_client as u64,
            self.failures as u64,
            q,
            Some(s.field.p() as u64),
        )
    }

    pub fn params(&self) -> Vec<(&'static str, i64)> {
        let mut v = vec![
            ("clients", self.clients as i64),
            ("relays-per-client", self.relays_per_client as i64),
            ("failures", self.failures as i64),
        ];
        if self.alphabet != 0 {
            v.push(("alphabet", self.alphabet as i64));
        }
        v
    }

    pub fn count_checks(&self) -> u128 {
        let (n, d, f) = (
            self.clients as u64,
            self.relays_per_client as u64,
            self.failures as u64,
        );
        let locality = (n * d + n) as u128;
        locality + count_subsets(n, n - f, n) + n as u128 + count_subsets(n, 1, n)
    }

    pub fn plan(&self, s: &Scheme) -> Plan {
        let (n, d) = (self.clients, self.relays_per_client);
        let mut b = Blocks::default();
        let clients: Vec<u32> = (1..=n).collect();
        let theta: Vec<Name> = clients
            .iter()
            .map(|&k| self.input.name(&[k], None))
            .collect();
        let sum = sum_block(s, &mut b, format!("Σ{}", self.input.base), &theta);
        let y: Vec<BlockId> = clients
            .iter()
            .map(|&m| block(s, &mut b, &self.relay.name(&[m], None)))
            .collect();

        let mut locality = Vec::new();
        for &k in &clients {
            let own = vec![
                block(s, &mut b, &theta[(k - 1) as usize]),
                block(s, &mut b, &self.key.name(&[k], None)),
            ];
            for m in relays_of(k, n, d) {
                let x = block(s, &mut b, &self.uplink.name(&[m, k], None));
                locality.push(Check {
                    sets: vec![("client", vec![k]), ("relay", vec![m])],
                    condition: Condition::Decodable {
                        view: own.clone(),
                        target: vec![x],
                    },
                });
            }
        }
        let mut relay_security = Vec::new();
        for &m in &clients {
            let heard: Vec<BlockId> = clients_of(m, n, d)
                .into_iter()
                .map(|k| block(s, &mut b, &self.uplink.name(&[m, k], None)))
                .collect();
            locality.push(Check {
                sets: vec![("relay", vec![m])],
                condition: Condition::Decodable {
                    view: heard.clone(),
                    target: vec![y[(m - 1) as usize]],
                },
            });
            relay_security.push(Check {
                sets: vec![("relay", vec![m])],
                condition: Condition::Secure {
                    view: heard,
                    cond: vec![],
                },
            });
        }
        let relay_set = |v: &[u32]| v.iter().map(|&m| y[(m - 1) as usize]).collect::<Vec<_>>();
        let correctness = subsets(n, (n - self.failures) as usize, n as usize)
            .into_iter()
            .map(|v2| Check {
                condition: Condition::Decodable {
                    view: relay_set(&v2),
                    target: vec![sum],
                },
                sets: vec![("relays", v2)],
            })
            .collect();
        let server_security = subsets(n, 1, n as usize)
            .into_iter()
            .map(|v2| Check {
                condition: Condition::Secure {
                    view: relay_set(&v2),
                    cond: vec![sum],
                },
                sets: vec![("relays", v2)],
            })
            .collect();
        let base = &self.input.base;
        Plan {
            blocks: b,
            families: vec![
                Family {
                    name: "locality",
                    description:
                        "each X[m,k] is a function of (Θ_k, S_k); each Y[m] of the X[m,k] it hears"
                            .into(),
                    checks: locality,
                    decoders: false,
                },
                Family {
                    name: "correctness",
                    description: format!(
                        "H(Σ{base} | Y_V2) = 0 for every relay set |V2| ≥ K−s = {}",
                        n - self.failures
                    ),
                    checks: correctness,
                    decoders: true,
                },
                Family {
                    name: "relay-security",
                    description: format!("I({base}; X[m,k] for k ∈ U_m) = 0 for every relay m"),
                    checks: relay_security,
                    decoders: false,
                },
                Family {
                    name: "server-security",
                    description: format!(
                        "I({base}; Y_V2 | Σ{base}) = 0 for every nonempty relay set V2"
                    ),
                    checks: server_security,
                    decoders: false,
                },
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Optimal constructions (models.md §4.4 and §4.5).

/// Polynomials over F_p as coefficient vectors, lowest degree first.
mod poly {
    use crate::field::Field;

    /// Π (x − r) over the given roots (monic).
    pub fn from_roots(f: Field, roots: &[u32]) -> Vec<u32> {
        let mut c = vec![1u32];
        for &r in roots {
            let mut next = vec![0u32; c.len() + 1];
            for (i, &a) in c.iter().enumerate() {
                next[i + 1] = f.add(next[i + 1], a);
                next[i] = f.sub(next[i], f.mul(a, r));
            }
            c = next;
        }
        c
    }

    pub fn mul(f: Field, a: &[u32], b: &[u32]) -> Vec<u32> {
        let mut out = vec![0u32; a.len() + b.len() - 1];
        for (i, &x) in a.iter().enumerate() {
            for (j, &y) in b.iter().enumerate() {
                out[i + j] = f.add(out[i + j], f.mul(x, y));
            }
        }
        out
    }

    pub fn eval(f: Field, c: &[u32], x: u32) -> u32 {
        c.iter().rev().fold(0, |acc, &a| f.add(f.mul(acc, x), a))
    }
}

/// Spec header and the fixed sections shared by both constructions.
fn construction_text(
    title: String,
    reference: &str,
    (k, d, s): (u32, u32, u32),
    p: u64,
    l: u32,
    key_symbols: &str,
) -> crate::construct::SpecText {
    let mut w = crate::construct::SpecText::new(
        &title,
        reference,
        "hierarchical",
        p,
        l as usize,
        &format!("Θ[1..{k}]"),
    );
    w.params(&[("clients", k), ("relays-per-client", d), ("failures", s)]);
    w.roles(&[
        ("input", "Θ[k]"),
        ("uplink", "X[m,k]"),
        ("relay", "Y[m]"),
        ("key", "S[k]"),
    ]);
    w.section("randomness");
    w.raw(key_symbols, 1);
    w.section("variables");
    w
}

/// Relay messages Y[m] = Σ_{k∈U_m} X[m,k] (the relay combiners h_m are plain sums).
fn relay_sums(w: &mut crate::construct::SpecText, k: u32, d: u32) {
    for m in 1..=k {
        let xs: Vec<String> = clients_of(m, k, d)
            .into_iter()
            .map(|c| format!("X[{m},{c}]"))
            .collect();
        w.def(&format!("Y[{m}]"), &xs.join(" + "));
    }
}

/// One draw of the scheme of models.md §4.4 for 0 ≤ s < d ≤ K−1, one segment (L = d−s):
/// random distinct relay points α_m, the polynomial (K, d−s, s) ComEffGC p_{k,u}(x) =
/// v_k(x)·c_{k,u}(x) with v_k vanishing on the relays client k is not connected to and the top
/// d−s coefficients of p_{k,u} equal to e_u, and a random zero-sum key matrix G_S with
/// `key_dim` columns (optimal: max{d, K−d}; other values are for mutation tests).
/// X[m,k] = Σ_u p_{k,u}(α_m)(Θ_k(u) + [u=1] S_k); Y[m] = Σ_{k∈U_m} X[m,k] = Q(α_m) for one
/// polynomial Q of degree K−s−1 whose top d−s coefficients are the sums ⊕_k Θ_k(u).
pub fn construct_draw(
    k: u32,
    d: u32,
    s: u32,
    p: u64,
    key_dim: u32,
    rng: &mut crate::construct::SplitMix64,
) -> String {
    use crate::construct::linear_or_zero;
    let f = crate::field::Field::new(p).expect("prime checked by the caller");
    let lt = d - s; // symbols per segment, L̃ = d − s
    let deg_v = (k - d) as usize;
    // Distinct random relay points.
    let mut alpha: Vec<u32> = Vec::new();
    while alpha.len() < k as usize {
        let a = rng.below(p) as u32;
        if !alpha.contains(&a) {
            alpha.push(a);
        }
    }
    let mut w = construction_text(
        format!("Weng et al. optimal construction K={k} d={d} s={s} (polynomial ComEffGC, zero-sum keys of dimension {key_dim})"),
        "Weng et al., seed 003 §IV-B eqs. (25)-(32); models.md §4.4 (polynomial ComEffGC, random zero-sum G_S)",
        (k, d, s),
        p,
        lt,
        &format!("\"Z[1..{key_dim}]\""),
    );
    w.comment(&format!(
        "Relay points α_1..α_K = {:?}; keys S = G_S · (Z_1..Z_{key_dim}), rows of G_S sum to zero.",
        alpha
    ));
    // Zero-sum key matrix: random rows, the last is minus the sum of the others.
    let mut total = vec![0u32; key_dim as usize];
    for c in 1..=k {
        let row: Vec<u32> = if c < k {
            let row: Vec<u32> = (0..key_dim).map(|_| rng.below(p) as u32).collect();
            for (t, &x) in total.iter_mut().zip(&row) {
                *t = f.add(*t, x);
            }
            row
        } else {
            total.iter().map(|&x| f.neg(x)).collect()
        };
        let terms: Vec<(u32, String)> = row
            .iter()
            .enumerate()
            .map(|(j, &g)| (g, format!("Z[{}]", j + 1)))
            .collect();
        w.def(&format!("S[{c}]"), &linear_or_zero(&terms));
    }
    for c in 1..=k {
        let relays = relays_of(c, k, d);
        let others: Vec<u32> = (1..=k)
            .filter(|m| !relays.contains(m))
            .map(|m| alpha[(m - 1) as usize])
            .collect();
        let v = poly::from_roots(f, &others);
        // p_{c,u} for u = 1..L̃: solve the triangular system for c_{c,u} (degree L̃−1) so
        // that the coefficients of x^D, …, x^{D−L̃+1} of v·c are e_u (v is monic).
        let codes: Vec<Vec<u32>> = (0..lt as usize)
            .map(|u| {
                let mut gamma = vec![0u32; lt as usize]; // gamma[i]: coefficient of x^{L̃−1−i}
                for i in 0..lt as usize {
                    let mut val = u32::from(i == u);
                    for (j, &g) in gamma.iter().enumerate().take(i) {
                        if let Some(e) = deg_v.checked_sub(i - j) {
                            val = f.sub(val, f.mul(g, v[e]));
                        }
                    }
                    gamma[i] = val;
                }
                let c: Vec<u32> = gamma.iter().rev().copied().collect();
                poly::mul(f, &v, &c)
            })
            .collect();
        for &m in &relays {
            let at = alpha[(m - 1) as usize];
            let mut terms: Vec<(u32, String)> = codes
                .iter()
                .enumerate()
                .map(|(u, code)| (poly::eval(f, code, at), format!("Θ[{c}]({})", u + 1)))
                .collect();
            terms.push((poly::eval(f, &codes[0], at), format!("S[{c}]")));
            w.def(&format!("X[{m},{c}]"), &linear_or_zero(&terms));
        }
    }
    relay_sums(&mut w, k, d);
    w.finish()
}

/// The d = K scheme of models.md §4.5 (0 ≤ s ≤ K−2): L = K−s−1, independent one-symbol keys,
/// X[m,k] = Σ_u α_m^{K−s−u} Θ_k(u) + S_k with α_m = m, so Y[m] = Q(α_m) where Q's top K−s−1
/// coefficients are the sums and its constant coefficient Σ_k S_k masks nothing else.
/// (models.md adds random constants r_{k,u}; they are not needed, so this one is deterministic.)
pub fn construct_full_spec(k: u32, s: u32, p: u64) -> String {
    let f = crate::field::Field::new(p).expect("prime checked by the caller");
    let l = k - s - 1;
    let mut w = construction_text(
        format!("Weng et al. d = K variant K={k} s={s} (independent keys)"),
        "Weng et al., seed 003; models.md §4.5 (d = K variant, RECONSTRUCTED)",
        (k, k, s),
        p,
        l,
        &format!("\"Z[1..{k}]\""),
    );
    w.comment("Relay points α_m = m; S_k = Z_k (independent keys, one symbol each).");
    for c in 1..=k {
        w.def(&format!("S[{c}]"), &format!("Z[{c}]"));
    }
    for c in 1..=k {
        for m in relays_of(c, k, k) {
            let mut terms: Vec<(u32, String)> = (1..=l)
                .map(|u| (f.pow(m, (k - s - u) as u64), format!("Θ[{c}]({u})")))
                .collect();
            terms.push((1, format!("S[{c}]")));
            w.def(
                &format!("X[{m},{c}]"),
                &crate::construct::linear(&terms).expect("nonzero"),
            );
        }
    }
    relay_sums(&mut w, k, k);
    w.finish()
}

/// Check the construction's parameters and pick the prime (p > K: distinct relay points).
pub fn construct_params(
    k: u32,
    d: u32,
    s: u32,
    prime: Option<u64>,
) -> Result<u64, crate::construct::ConstructError> {
    let bad = |m: String| Err(crate::construct::ConstructError::Parameter(m));
    if !(2..=MAX_CLIENTS as u32).contains(&k) {
        return bad(format!(
            "--clients: K must be in 2..={MAX_CLIENTS}, found {k}"
        ));
    }
    if !(1..=k).contains(&d) {
        return bad(format!(
            "--relays-per-client: d must be in 1..=K={k}, found {d}"
        ));
    }
    if s >= d {
        return bad(format!(
            "--failures: s must satisfy 0 ≤ s < d={d}, found {s}"
        ));
    }
    if d == k && s == k - 1 {
        return bad(format!("d = K = {k}, s = K−1: infeasible (a single relay that hears every client would have to learn the sum), so there is nothing to construct"));
    }
    crate::construct::choose_prime(
        prime,
        k as u64 + 1,
        &format!("the relay points α_1..α_K must be distinct, i.e. a prime p > K = {k}"),
        crate::construct::random_default_prime(
            (k * d + k + k) as u128
                + crate::subsets::count_subsets(k as u64, (k - s) as u64, k as u64)
                + (1u128 << k),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyclic_sets_match_the_paper_example() {
        // K=5, d=3: client 1 -> relays {4,5,1}; relay 1 <- clients {1,2,3}.
        assert_eq!(relays_of(1, 5, 3), vec![1, 4, 5]);
        assert_eq!(clients_of(1, 5, 3), vec![1, 2, 3]);
        assert_eq!(relays_of(3, 5, 3), vec![1, 2, 3]);
        assert_eq!(clients_of(4, 5, 3), vec![1, 4, 5]);
        // m ∈ R_k ⟺ k ∈ U_m
        for n in 2..8 {
            for d in 1..=n {
                for k in 1..=n {
                    for m in 1..=n {
                        assert_eq!(
                            relays_of(k, n, d).contains(&m),
                            clients_of(m, n, d).contains(&k)
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Optimal rate region: `itsa region hierarchical` (models.md §4.2).

use crate::field::primes::{is_prime, next_prime_above};
use crate::region::{pick, ratio, Bound, Extremum, LogFactor, Region, RegionError, Source};

pub const REGION_SOURCE: Source = Source {
    paper: "Weng, Zhang, Zhao, Caire, Xiao, Skoglund, \"On Resilient and Efficient Linear \
            Secure Aggregation in Hierarchical Federated Learning\"",
    in_seeds: true,
    origin: "seed 003",
    section: "models.md §4.2",
    status: "Theorem 1 RESTORED; supported range 0 ≤ s < d ≤ K−1; d = K flagged (models.md §4.2)",
};

/// Theorem 1 of Weng et al.: K clients and relays, each client on d relays, up to s failed
/// relay links, inputs in {0, …, q−1}, field F_p with p prime > K(q−1) (default: the smallest).
///
/// R1 ≥ d/(d−s); R2 ≥ max{1/(d−s), 1/(K−1)}; R_S ≥ max{1/(d−s), 1/(K−1)}·log p/log q;
/// R_SΣ ≥ max{d/(d−s), (K−d)/(d−s)}·log p/log q. Established for 0 ≤ s < d ≤ K−1; for
/// d = K the Theorem 1 numbers come with warnings and a known achievable point, and
/// d = K, s = K−1 is infeasible.
pub fn region(k: u64, d: u64, s: u64, q: u64, prime: Option<u64>) -> Result<Region, RegionError> {
    if k < 2 {
        return Err(RegionError::param(
            "clients",
            format!("K must be at least 2, found {k}"),
        ));
    }
    if d == 0 || d > k {
        return Err(RegionError::param(
            "relays-per-client",
            format!("d must be in 1..=K = 1..={k}, found {d}"),
        ));
    }
    if s >= d {
        return Err(RegionError::param(
            "failures",
            format!("s must satisfy 0 ≤ s < d = {d}, found {s}"),
        ));
    }
    if q < 2 {
        return Err(RegionError::param(
            "alphabet",
            format!("q must be at least 2, found {q}"),
        ));
    }
    let need = k as u128 * (q as u128 - 1);
    let (p, p_note) = match prime {
        Some(p) if !is_prime(p) => {
            return Err(RegionError::param("prime", format!("{p} is not a prime")))
        }
        Some(p) if p as u128 <= need => {
            return Err(RegionError::param(
                "prime",
                format!(
                    "p = {p} must exceed K(q−1) = {need} so that the real sum is a function of the F_p sum"
                ),
            ))
        }
        Some(p) => {
            let smallest = next_prime_above(need).unwrap_or(p);
            let note = if p == smallest {
                format!("p = {p} (given; the smallest prime > K(q−1) = {need})")
            } else {
                format!(
                    "p = {p} (given; the smallest admissible prime is {smallest} > K(q−1) = {need}, \
                     which gives smaller key rates in q-ary units)"
                )
            };
            (p, note)
        }
        None => match next_prime_above(need) {
            Some(p) => (p, format!("p = {p}: the smallest prime > K(q−1) = {need} (change with --prime)")),
            None => {
                return Err(RegionError::param(
                    "alphabet",
                    format!("K(q−1) = {need} is too large: no prime above it fits in 64 bits"),
                ))
            }
        },
    };
    if d == k && s == k - 1 {
        return Ok(Region::Infeasible {
            reason: format!(
                "d = K = {k} and s = K−1 = {s}: the server must decode ⊕Θ from any single relay, \
                 but with d = K that relay hears every client and would learn the sum itself, \
                 violating relay security (derived from the model of models.md §4.1; Theorem 1's \
                 formulas would still give finite numbers here)"
            ),
            condition: "d = K, s = K−1".into(),
            latex: "d = K,\\ s = K-1".into(),
        });
    }
    let factor = LogFactor { p, q };
    let theorem = "Weng et al., Theorem 1";
    let ds = d - s;
    let (r2, r2_binds) = pick(
        Extremum::Max,
        ("1/(d−s)", ratio(1, ds)),
        ("1/(K−1)", ratio(1, k - 1)),
    );
    let (rs, rs_binds) = pick(
        Extremum::Max,
        ("d/(d−s)", ratio(d, ds)),
        ("(K−d)/(d−s)", ratio(k - d, ds)),
    );
    let max_r2 = "max{1/(d−s), 1/(K−1)}";
    let max_r2_latex = "\\max\\left\\{\\frac{1}{d-s},\\, \\frac{1}{K-1}\\right\\}";
    let bounds = vec![
        Bound::new(
            "R1",
            "R_1",
            ratio(d, ds),
            "d/(d−s)",
            "\\frac{d}{d-s}",
            theorem,
        ),
        Bound::new("R2", "R_2", r2.clone(), max_r2, max_r2_latex, theorem)
            .with_binding(r2_binds.clone()),
        Bound::new(
            "R_S",
            "R_S",
            r2,
            &format!("{max_r2} × log p / log q"),
            &format!("{max_r2_latex} \\frac{{\\log p}}{{\\log q}}"),
            theorem,
        )
        .with_factor(factor)
        .with_binding(r2_binds),
        Bound::new(
            "R_SΣ",
            "R_{S_\\Sigma}",
            rs,
            "max{d/(d−s), (K−d)/(d−s)} × log p / log q",
            "\\max\\left\\{\\frac{d}{d-s},\\, \\frac{K-d}{d-s}\\right\\} \\frac{\\log p}{\\log q}",
            theorem,
        )
        .with_factor(factor)
        .with_binding(rs_binds.clone()),
    ];
    let which = match (rs_binds.tie, rs_binds.branch.as_str()) {
        (true, _) => "relay and server security bind equally",
        (false, "d/(d−s)") => "relay security binds",
        _ => "server security binds",
    };
    let mut notes = vec![
        p_note,
        format!(
            "R_SΣ: {} ({which}); R1 counts all d uplinks of one client, R2 is the average per relay",
            rs_binds.branch
        ),
        "key rates R_S, R_SΣ are in q-ary units: their factor log p / log q is irrational, its decimal \
         value is floating point"
            .into(),
    ];
    let mut warnings = vec![];
    let mut achievable = vec![];
    if d < k {
        notes.push(
            "the corner point is achieved by the scheme of models.md §4.4 (verified for 14 (K,d,s) triples)"
                .into(),
        );
    } else {
        let m = k - s - 1;
        warnings.push(
            "d = K is outside 0 ≤ s < d ≤ K−1, the range of the paper's scheme: these are Theorem 1's \
             formulas evaluated at d = K, NOT an established region (models.md §4.2)"
                .into(),
        );
        warnings.push(if s == 0 {
            "at d = K, s = 0 the paper disagrees with itself: R_SΣ is 1 × log p / log q by Theorem 1, \
             1/(K−1) × log p / log q by Remark 1, and K/(K−1) × log p / log q by §IV-B3"
                .into()
        } else {
            format!(
                "at d = K, s ≥ 1 Theorem 1's R2 ≥ 1/(K−s) = {} is NOT achievable: any K−s relays would \
                 carry a bijective function of the sum, and each relay hears every client, so it would \
                 learn the sum (violates relay security)",
                ratio(1, k - s)
            )
        });
        warnings.push(format!(
            "known achievable point (models.md §4.5, verified): R1 = K/(K−s−1) = {}, R2 = R_S = 1/(K−s−1) = {}, \
             R_SΣ = K/(K−s−1) = {} (key rates × log p / log q); whether Theorem 1's R1 and R_SΣ are tight \
             at d = K is open",
            ratio(k, m),
            ratio(1, m),
            ratio(k, m)
        ));
        let scheme = "models.md §4.5 (d = K scheme, RECONSTRUCTED; verified)";
        achievable = vec![
            Bound::new(
                "R1",
                "R_1",
                ratio(k, m),
                "K/(K−s−1)",
                "\\frac{K}{K-s-1}",
                scheme,
            ),
            Bound::new(
                "R2",
                "R_2",
                ratio(1, m),
                "1/(K−s−1)",
                "\\frac{1}{K-s-1}",
                scheme,
            ),
            Bound::new(
                "R_S",
                "R_S",
                ratio(1, m),
                "1/(K−s−1) × log p / log q",
                "\\frac{1}{K-s-1} \\frac{\\log p}{\\log q}",
                scheme,
            )
            .with_factor(factor),
            Bound::new(
                "R_SΣ",
                "R_{S_\\Sigma}",
                ratio(k, m),
                "K/(K−s−1) × log p / log q",
                "\\frac{K}{K-s-1} \\frac{\\log p}{\\log q}",
                scheme,
            )
            .with_factor(factor),
        ];
    }
    Ok(Region::Feasible {
        bounds,
        achievable,
        notes,
        warnings,
    })
}

#[cfg(test)]
mod region_tests {
    use super::*;
    use crate::region::int;

    fn values(r: &Region) -> Vec<String> {
        r.bounds()
            .iter()
            .map(|b| format!("{}={}", b.name, b.value))
            .collect()
    }

    fn binds(r: &Region, name: &str) -> String {
        r.bound(name).unwrap().binds.clone().unwrap().branch
    }

    #[test]
    fn seed_example_with_the_default_prime() {
        let r = region(5, 3, 1, 3, None).unwrap();
        assert_eq!(values(&r), ["R1=3/2", "R2=1/2", "R_S=1/2", "R_SΣ=3/2"]);
        // smallest prime > K(q−1) = 10 is 11 (the seed's example uses 13).
        assert_eq!(
            r.bound("R_S").unwrap().factor,
            Some(LogFactor { p: 11, q: 3 })
        );
        assert!(r.warnings().is_empty());
    }

    #[test]
    fn seed_example_with_its_prime_13() {
        let r = region(5, 3, 1, 3, Some(13)).unwrap();
        let rs = r.bound("R_S").unwrap();
        assert_eq!(
            (rs.value.clone(), rs.factor),
            (ratio(1, 2), Some(LogFactor { p: 13, q: 3 }))
        );
        assert!((rs.approx.unwrap() - 1.167_358_8).abs() < 1e-6);
        let rss = r.bound("R_SΣ").unwrap();
        assert!((rss.approx.unwrap() - 3.502_076_4).abs() < 1e-6);
        let Region::Feasible { notes, .. } = r else {
            panic!()
        };
        assert!(
            notes[0].contains("smallest admissible prime is 11"),
            "{}",
            notes[0]
        );
    }

    #[test]
    fn r2_max_branches() {
        // d ≤ K−1: 1/(d−s) binds (ties with 1/(K−1) when d−s = K−1).
        assert_eq!(binds(&region(5, 3, 1, 2, None).unwrap(), "R2"), "1/(d−s)");
        let tie = region(5, 4, 0, 2, None).unwrap();
        assert_eq!(binds(&tie, "R2"), "1/(d−s) = 1/(K−1)");
        assert_eq!(tie.bound("R2").unwrap().value, ratio(1, 4));
        // d = K, s = 0: 1/(K−1) binds.
        let dk = region(5, 5, 0, 2, None).unwrap();
        assert_eq!(binds(&dk, "R2"), "1/(K−1)");
        assert_eq!(dk.bound("R2").unwrap().value, ratio(1, 4));
        assert_eq!(binds(&dk, "R_S"), "1/(K−1)");
    }

    #[test]
    fn source_key_max_branches() {
        // 2d > K: relay security d/(d−s); 2d < K: server security (K−d)/(d−s); 2d = K: tie.
        let relay = region(5, 3, 1, 2, None).unwrap();
        assert_eq!(
            (
                binds(&relay, "R_SΣ"),
                relay.bound("R_SΣ").unwrap().value.clone()
            ),
            ("d/(d−s)".into(), ratio(3, 2))
        );
        let server = region(5, 2, 1, 2, None).unwrap();
        assert_eq!(
            (
                binds(&server, "R_SΣ"),
                server.bound("R_SΣ").unwrap().value.clone()
            ),
            ("(K−d)/(d−s)".into(), int(3))
        );
        let tie = region(4, 2, 0, 2, None).unwrap();
        assert_eq!(binds(&tie, "R_SΣ"), "d/(d−s) = (K−d)/(d−s)");
        assert_eq!(tie.bound("R_SΣ").unwrap().value, int(1));
        // d = 1 is plain secure aggregation: R_SΣ = K−1.
        assert_eq!(
            region(6, 1, 0, 2, None)
                .unwrap()
                .bound("R_SΣ")
                .unwrap()
                .value,
            int(5)
        );
    }

    #[test]
    fn d_equal_k_gives_theorem_1_with_warnings_and_the_achievable_point() {
        let r = region(5, 5, 1, 2, None).unwrap();
        assert_eq!(values(&r), ["R1=5/4", "R2=1/4", "R_S=1/4", "R_SΣ=5/4"]);
        let Region::Feasible {
            achievable,
            warnings,
            ..
        } = &r
        else {
            panic!()
        };
        let point: Vec<String> = achievable
            .iter()
            .map(|b| format!("{}={}", b.name, b.value))
            .collect();
        assert_eq!(point, ["R1=5/3", "R2=1/3", "R_S=1/3", "R_SΣ=5/3"]);
        assert!(warnings[0].contains("NOT an established region"));
        assert!(warnings[1].contains("NOT achievable"));
        let s0 = region(4, 4, 0, 2, None).unwrap();
        assert_eq!(values(&s0), ["R1=1", "R2=1/3", "R_S=1/3", "R_SΣ=1"]);
        assert!(s0.warnings()[1].contains("disagrees with itself"));
    }

    #[test]
    fn d_equal_k_with_s_equal_k_minus_1_is_infeasible() {
        for k in 2..6 {
            match region(k, k, k - 1, 2, None).unwrap() {
                Region::Infeasible { condition, .. } => assert_eq!(condition, "d = K, s = K−1"),
                r => panic!("K={k}: {r:?}"),
            }
        }
        // d < K with s = d−1 stays feasible.
        assert!(region(5, 2, 1, 2, None).unwrap().is_feasible());
    }

    #[test]
    fn bad_parameters_are_errors_with_a_reason() {
        let err = |k, d, s, q, p| region(k, d, s, q, p).err().unwrap().to_string();
        assert!(err(1, 1, 0, 2, None).starts_with("--clients:"));
        assert!(err(5, 0, 0, 2, None).starts_with("--relays-per-client:"));
        assert!(err(5, 6, 0, 2, None).starts_with("--relays-per-client:"));
        assert_eq!(
            err(5, 3, 3, 2, None),
            "--failures: s must satisfy 0 ≤ s < d = 3, found 3"
        );
        assert!(err(5, 3, 1, 1, None).starts_with("--alphabet: q must be at least 2"));
        assert_eq!(err(5, 3, 1, 3, Some(12)), "--prime: 12 is not a prime");
        assert!(err(5, 3, 1, 3, Some(7)).starts_with("--prime: p = 7 must exceed K(q−1) = 10"));
        assert!(err(u64::MAX, 3, 1, u64::MAX, None).starts_with("--alphabet: K(q−1) ="));
    }
}
