//! Threshold key-sharing secure aggregation (threshold Joye–Libert, seed 001; Bonawitz et al.
//! CCS'17 for comparison), as the information-theoretic linear skeleton of docs/models.md#threshold-skeleton.
//!
//! n clients, Shamir threshold t, up to `corrupted` clients colluding with the server.
//! Round 1: client u sends its masked input y[u] (late packets of failed clients arrive too).
//! Round 2: client v, shown the online set O (failed set F = [n] \ O), reveals its share
//! Sb[w,v] of the blinding seed of every w ∈ O and its recovery share Z[v]{F} (TJL: its share
//! of the failed clients' zero-value; Bonawitz: its shares of their pairwise-mask keys).
//! Passive adversary: one consistent O for everybody. Active adversary: honest clients are
//! split into those told "u failed" and those told "u online" (docs/models.md#threshold-skeleton).

use std::collections::HashSet;

use super::{
    block, inputs_match, instance, key_only, no_strays, param_error, read_params, read_roles,
    sum_block, ParamSpec, RoleDecl, RoleSpec,
};
use crate::scheme::names::join;
use crate::scheme::{Name, Scheme, SpecError};
use crate::subsets::{binomial, count_subsets, subsets, subsets_of};
use crate::verify::{BlockId, Blocks, Check, Condition, Family, Plan};

pub const SOURCE: &str =
    "Mansouri, Önen, Ben Jaballah (seed 001), linear skeleton of docs/models.md#threshold-skeleton";

pub(crate) const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "clients",
        symbol: "n",
        default: None,
    },
    ParamSpec {
        name: "threshold",
        symbol: "t",
        default: None,
    },
    ParamSpec {
        name: "corrupted",
        symbol: "|C|",
        default: None,
    },
];

const ROLES: &[RoleSpec] = &[
    RoleSpec {
        role: "input",
        example: "x[u]",
        indices: 1,
        set: false,
        meaning: "the input of client u",
    },
    RoleSpec {
        role: "masked",
        example: "y[u]",
        indices: 1,
        set: false,
        meaning: "the round-1 masked input of client u",
    },
    RoleSpec {
        role: "seed-share",
        example: "Sb[w,v]",
        indices: 2,
        set: false,
        meaning: "client v's Shamir share of client w's blinding seed (revealed when w is online)",
    },
    RoleSpec {
        role: "recovery-share",
        example: "Z[v]{F}",
        indices: 1,
        set: true,
        meaning: "what client v reveals to remove the masks of the clients F it was told failed",
    },
    RoleSpec {
        role: "state",
        example: "S[u]",
        indices: 1,
        set: false,
        meaning: "everything client u holds besides its input (keys, seeds, received shares)",
    },
];

/// Largest n accepted (online sets, corrupted sets and splits are enumerated exhaustively).
pub const MAX_CLIENTS: i64 = 10;

/// Largest n of `itsa region threshold-sharing` (one exhaustive verification per t).
pub const MAX_REGION_CLIENTS: u32 = 8;

#[derive(Debug, Clone)]
pub struct ThresholdSharing {
    pub clients: u32,
    pub threshold: u32,
    pub corrupted: u32,
    input: RoleDecl,
    masked: RoleDecl,
    seed_share: RoleDecl,
    recovery: RoleDecl,
    state: RoleDecl,
}

impl ThresholdSharing {
    pub fn from_scheme(s: &Scheme) -> Result<Self, SpecError> {
        let v = read_params(s, PARAMS)?;
        let (n, t, c) = (v[0], v[1], v[2]);
        if !(2..=MAX_CLIENTS).contains(&n) {
            return Err(param_error(
                s,
                "clients",
                format!("clients (n) must be in 2..={MAX_CLIENTS}, found {n}"),
            ));
        }
        if !(1..=n).contains(&t) {
            return Err(param_error(
                s,
                "threshold",
                format!("threshold (t) must be in 1..=n={n}, found {t}"),
            ));
        }
        if !(0..n).contains(&c) {
            return Err(param_error(
                s,
                "corrupted",
                format!(
                    "corrupted (|C|) must be in 0..n={n} (at least one honest client), found {c}"
                ),
            ));
        }
        let mut roles = read_roles(s, ROLES)?.into_iter();
        let mut next = || roles.next().expect("one decl per role");
        let m = ThresholdSharing {
            clients: n as u32,
            threshold: t as u32,
            corrupted: c as u32,
            input: next(),
            masked: next(),
            seed_share: next(),
            recovery: next(),
            state: next(),
        };
        m.validate(s)?;
        Ok(m)
    }

    fn all(&self) -> Vec<u32> {
        (1..=self.clients).collect()
    }

    /// Online sets the server may announce: |O| ≥ t.
    fn online_sets(&self) -> Vec<Vec<u32>> {
        subsets(self.clients, self.threshold as usize, self.clients as usize)
    }

    /// Failed sets a recovery share exists for: nonempty, with at least t clients left online.
    fn failed_sets(&self) -> Vec<Vec<u32>> {
        subsets_of(&self.all(), 1, (self.clients - self.threshold) as usize)
    }

    /// Corrupted sets of the active adversary: |C| ≤ bound and at least two honest clients
    /// (with one, the legitimate sum of everybody else already reveals it).
    fn active_corrupted_sets(&self) -> Vec<Vec<u32>> {
        let hi = (self.corrupted as usize).min(self.clients as usize - 2);
        subsets_of(&self.all(), 0, hi)
    }

    fn validate(&self, s: &Scheme) -> Result<(), SpecError> {
        let all = self.all();
        let hint = format!("clients are 1..{}", self.clients);
        let inputs: HashSet<Name> = all.iter().map(|&u| self.input.name(&[u], None)).collect();
        inputs_match(s, &self.input, &inputs)?;
        let (mut ys, mut st, mut sb, mut z) = (
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
        );
        for &u in &all {
            let n = self.masked.name(&[u], None);
            instance(s, &self.masked, &n)?;
            ys.insert(n);
            let n = self.state.name(&[u], None);
            instance(s, &self.state, &n)?;
            key_only(s, &self.state, &n)?;
            st.insert(n);
            for &w in &all {
                let n = self.seed_share.name(&[w, u], None);
                instance(s, &self.seed_share, &n)?;
                key_only(s, &self.seed_share, &n)?;
                sb.insert(n);
            }
            for f in self.failed_sets() {
                let n = self.recovery.name(&[u], Some(&f));
                instance(s, &self.recovery, &n)?;
                key_only(s, &self.recovery, &n)?;
                z.insert(n);
            }
        }
        no_strays(s, &self.masked, &ys, &hint)?;
        no_strays(s, &self.state, &st, &hint)?;
        no_strays(
            s,
            &self.seed_share,
            &sb,
            &format!("{hint}; Sb[w,v] for every w, v"),
        )?;
        no_strays(
            s,
            &self.recovery,
            &z,
            &format!(
                "Z[v]{{F}} exists for every client v and every nonempty F with |F| ≤ n − t = {}",
                self.clients - self.threshold
            ),
        )
    }

    pub fn params(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("clients", self.clients as i64),
            ("threshold", self.threshold as i64),
            ("corrupted", self.corrupted as i64),
        ]
    }

    pub fn count_checks(&self) -> u128 {
        let (n, t, c) = (
            self.clients as u64,
            self.threshold as u64,
            self.corrupted as u64,
        );
        let failed = count_subsets(n, 1, n - t);
        let locality = n as u128 * (1 + n as u128 + failed);
        let correctness: u128 = (t..=n).map(|s| binomial(n, s) * binomial(s, t)).sum();
        let passive = count_subsets(n, t, n) * count_subsets(n, 0, c);
        let active: u128 = (0..=c.min(n.saturating_sub(2)))
            .map(|k| {
                // Splits exist only when "u failed" leaves at least t clients online.
                let splits = if n > t { 1u128 << (n - k) } else { 1 };
                binomial(n, k) * (n - k) as u128 * splits
            })
            .sum();
        locality + correctness + passive + active
    }

    pub fn plan(&self, s: &Scheme) -> Plan {
        let mut b = Blocks::default();
        let all = self.all();
        let at = |u: u32| (u - 1) as usize;
        let x: Vec<Name> = all.iter().map(|&u| self.input.name(&[u], None)).collect();
        let xid: Vec<BlockId> = x.iter().map(|n| block(s, &mut b, n)).collect();
        let yid: Vec<BlockId> = all
            .iter()
            .map(|&u| block(s, &mut b, &self.masked.name(&[u], None)))
            .collect();
        let sid: Vec<BlockId> = all
            .iter()
            .map(|&u| block(s, &mut b, &self.state.name(&[u], None)))
            .collect();
        // sb[w][v]: v's share of w's seed.
        let sb: Vec<Vec<BlockId>> = all
            .iter()
            .map(|&w| {
                all.iter()
                    .map(|&v| block(s, &mut b, &self.seed_share.name(&[w, v], None)))
                    .collect()
            })
            .collect();
        let z = |v: u32, f: &[u32], b: &mut Blocks| -> Option<BlockId> {
            (!f.is_empty() && f.len() <= (self.clients - self.threshold) as usize)
                .then(|| block(s, b, &self.recovery.name(&[v], Some(f))))
        };
        // What client v sends in round 2 when shown the online set `o`.
        let response = |v: u32, o: &[u32], b: &mut Blocks| -> Vec<BlockId> {
            let f: Vec<u32> = all.iter().copied().filter(|w| !o.contains(w)).collect();
            let mut r: Vec<BlockId> = o.iter().map(|&w| sb[at(w)][at(v)]).collect();
            r.extend(z(v, &f, b));
            r
        };

        let mut locality = Vec::new();
        for &u in &all {
            let own = vec![xid[at(u)], sid[at(u)]];
            locality.push(Check {
                sets: vec![("client", vec![u])],
                condition: Condition::Decodable {
                    view: own.clone(),
                    target: vec![yid[at(u)]],
                },
            });
            let mut held: Vec<BlockId> = all.iter().map(|&w| sb[at(w)][at(u)]).collect();
            for f in self.failed_sets() {
                held.extend(z(u, &f, &mut b));
            }
            for h in held {
                locality.push(Check {
                    sets: vec![("client", vec![u])],
                    condition: Condition::Decodable {
                        view: vec![sid[at(u)]],
                        target: vec![h],
                    },
                });
            }
        }

        let mut correctness = Vec::new();
        let mut sums = Vec::new();
        for o in self.online_sets() {
            let inputs: Vec<Name> = o.iter().map(|&u| x[at(u)].clone()).collect();
            let label = format!("Σ{}{{{}}}", self.input.base, join(&o));
            let sum = sum_block(s, &mut b, label, &inputs);
            for r in subsets_of(&o, self.threshold as usize, self.threshold as usize) {
                let mut view: Vec<BlockId> = o.iter().map(|&u| yid[at(u)]).collect();
                for &v in &r {
                    view.extend(response(v, &o, &mut b));
                }
                correctness.push(Check {
                    sets: vec![("O", o.clone()), ("responders", r)],
                    condition: Condition::Decodable {
                        view,
                        target: vec![sum],
                    },
                });
            }
            let mut view = yid.clone();
            for &v in &o {
                view.extend(response(v, &o, &mut b));
            }
            sums.push((o, sum, view));
        }

        // Corrupted sets outermost: their state is eliminated once and shared by every O.
        let mut passive = Vec::new();
        for c in subsets(self.clients, 0, self.corrupted as usize) {
            let state: Vec<BlockId> = c.iter().flat_map(|&u| [sid[at(u)], xid[at(u)]]).collect();
            for (o, sum, view) in &sums {
                let mut cond = state.clone();
                cond.push(*sum);
                passive.push(Check {
                    sets: vec![("C", c.clone()), ("O", o.clone())],
                    condition: Condition::Secure {
                        view: view.clone(),
                        cond,
                    },
                });
            }
        }

        let mut active = Vec::new();
        let everyone = all.clone();
        for c in self.active_corrupted_sets() {
            let honest: Vec<u32> = all.iter().copied().filter(|u| !c.contains(u)).collect();
            for &u in &honest {
                let without_u: Vec<u32> = all.iter().copied().filter(|&w| w != u).collect();
                // Clients told "u failed" see |O| = n − 1; below t they abort, so no split.
                let splits = if without_u.len() >= self.threshold as usize {
                    subsets_of(&honest, 0, honest.len())
                } else {
                    vec![vec![]]
                };
                for told_failed in splits {
                    let told_online: Vec<u32> = honest
                        .iter()
                        .copied()
                        .filter(|v| !told_failed.contains(v))
                        .collect();
                    let mut view = yid.clone();
                    for &v in &told_failed {
                        view.extend(response(v, &without_u, &mut b));
                    }
                    for &v in &told_online {
                        view.extend(response(v, &everyone, &mut b));
                    }
                    // The corrupted clients' shares first (readable witnesses), then the
                    // rest of their state and inputs.
                    for &v in &c {
                        view.extend(all.iter().map(|&w| sb[at(w)][at(v)]));
                        view.extend(z(v, &[u], &mut b));
                    }
                    for &v in &c {
                        view.extend([sid[at(v)], xid[at(v)]]);
                    }
                    active.push(Check {
                        sets: vec![
                            ("C", c.clone()),
                            ("target", vec![u]),
                            ("told-u-failed", told_failed),
                            ("told-u-online", told_online),
                        ],
                        condition: Condition::Hidden {
                            view,
                            target: vec![xid[at(u)]],
                        },
                    });
                }
            }
        }

        let (n, t, c) = (self.clients, self.threshold, self.corrupted);
        Plan {
            blocks: b,
            families: vec![
                Family {
                    name: "locality",
                    description: "each message is a function of its sender's input and state"
                        .into(),
                    checks: locality,
                    decoders: false,
                },
                Family {
                    name: "correctness",
                    description: format!(
                        "H(Σ_O x | y_O, round 2 of any {t} responders) = 0 for every O, |O| ≥ {t} (n={n})"
                    ),
                    checks: correctness,
                    decoders: true,
                },
                Family {
                    name: "passive-security",
                    description: format!(
                        "I(x; all y, round 2 of O | Σ_O x, x_C, S_C) = 0 for every O, |C| ≤ {c}"
                    ),
                    checks: passive,
                    decoders: false,
                },
                Family {
                    name: "active-security",
                    description: format!(
                        "I(x_u; all y, round 2 of a split told u failed / online, x_C, S_C) = 0 for honest u, |C| ≤ {c}, ≥ 2 honest"
                    ),
                    checks: active,
                    decoders: false,
                },
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Communication (item 5 of issue 5): field elements of the constructed messages.

/// The seed's Table 1 (docs/models.md#threshold-communication), communication rows: (who, TJL, CCS17).
pub const SEED_TABLE: &[(&str, &str, &str)] = &[
    ("client", "O(n + m)", "O(n + m)"),
    ("server", "O(n² + nm)", "O(n² + nm)"),
];

impl ThresholdSharing {
    fn rows(&self, s: &Scheme, n: &Name) -> usize {
        s.num_rows(n).unwrap_or(0)
    }

    /// Field elements one client sends in one aggregation, in the worst case over the online
    /// set it is shown: y[u], its seed shares to the others, and its round-2 answer.
    fn client_upload(&self, s: &Scheme, u: u32) -> usize {
        let all = self.all();
        let y = self.rows(s, &self.masked.name(&[u], None));
        let shares: usize = all
            .iter()
            .filter(|&&v| v != u)
            .map(|&v| self.rows(s, &self.seed_share.name(&[u, v], None)))
            .sum();
        let round2 = self
            .online_sets()
            .iter()
            .filter(|o| o.contains(&u))
            .map(|o| {
                let f: Vec<u32> = all.iter().copied().filter(|w| !o.contains(w)).collect();
                let seeds: usize = o
                    .iter()
                    .map(|&w| self.rows(s, &self.seed_share.name(&[w, u], None)))
                    .sum();
                let z = if f.is_empty() {
                    0
                } else {
                    self.rows(s, &self.recovery.name(&[u], Some(&f)))
                };
                seeds + z
            })
            .max()
            .unwrap_or(0);
        y + shares + round2
    }

    /// Communication counted from the messages, next to the seed's Table 1. Reported in the
    /// rates section of `itsa verify` (there is no optimal region for this model).
    pub fn communication(&self, s: &Scheme) -> crate::region::achieved::RateReport {
        use crate::region::achieved::{RateLine, RateReport};
        let (n, m) = (self.clients as usize, s.input_length);
        let client = (1..=self.clients)
            .map(|u| self.client_upload(s, u))
            .max()
            .unwrap_or(0);
        let received: usize = (1..=self.clients).map(|u| self.client_upload(s, u)).sum();
        let forwarded: usize = self
            .all()
            .iter()
            .flat_map(|&w| self.all().into_iter().map(move |v| (w, v)))
            .filter(|(w, v)| w != v)
            .map(|(w, v)| self.rows(s, &self.seed_share.name(&[w, v], None)))
            .sum();
        let line = |name: &str, value: usize, what: &str, seed: (&str, &str)| RateLine {
            name: name.into(),
            achieved: value.to_string(),
            optimal: None,
            status: format!("seed Table 1: TJL {}, CCS17 {}", seed.0, seed.1),
            definition: what.into(),
            reference: None,
        };
        RateReport {
            title: Some(format!(
                "communication (exact, F_p elements per aggregation; n = {n}, m = {m})"
            )),
            lines: vec![
                line(
                    "client",
                    client,
                    "field elements a client sends per aggregation (worst online set): y[u] + seed shares + round 2",
                    (SEED_TABLE[0].1, SEED_TABLE[0].2),
                ),
                line(
                    "server",
                    received + forwarded,
                    "field elements the server receives (all clients) plus the seed shares it forwards",
                    (SEED_TABLE[1].1, SEED_TABLE[1].2),
                ),
            ],
            notes: vec![
                "counted from the messages of the spec; there is no rate region for this model".into(),
                "the skeleton replaces the PRG by the identity, so a seed share carries m elements instead of one: the skeleton's counts are the seed's with every share multiplied by m (docs/threshold-sharing.md)".into(),
            ],
            alarm: false,
            ..RateReport::default()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Constructions (docs/models.md#threshold-skeleton): the threshold Joye–Libert skeleton and, for comparison, the
// pairwise-mask skeleton of Bonawitz et al. (CCS'17), emitted as spec text.

/// Which protocol's skeleton to construct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Threshold Joye–Libert (seed 001): zero-sum keys, one zero-value share per client.
    Tjl,
    /// Bonawitz et al.: pairwise masks, shares of each failed client's key.
    Bonawitz,
}

impl Protocol {
    pub fn parse(s: &str) -> Option<Protocol> {
        match s {
            "tjl" => Some(Protocol::Tjl),
            "bonawitz" => Some(Protocol::Bonawitz),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tjl => "tjl",
            Protocol::Bonawitz => "bonawitz",
        }
    }
}

/// `c0 + v c1 + v² c2 + …`: client v's Shamir share of `secret` with coefficient sources.
fn shamir(p: u64, secret: &str, coefs: &[String], v: u32) -> String {
    let mut out = secret.to_string();
    let mut pow = 1u64;
    for c in coefs {
        pow = pow * v as u64 % p;
        out.push_str(&format!(" + {pow} {c}"));
    }
    out
}

/// Spec text of the skeleton with n clients, threshold t, up to `c` corrupted clients and
/// input dimension m. Needs a prime p > n (distinct nonzero Shamir points); default: the
/// smallest.
pub fn construct_spec(
    protocol: Protocol,
    n: u32,
    t: u32,
    c: u32,
    m: usize,
    prime: Option<u64>,
) -> Result<String, crate::construct::ConstructError> {
    use crate::construct::{ConstructError, SpecText};
    use crate::field::{is_prime, MAX_PRIME};
    let bad = |m: String| Err(ConstructError::Parameter(m));
    if !(2..=MAX_CLIENTS as u32).contains(&n) {
        return bad(format!(
            "--clients: n must be in 2..={MAX_CLIENTS}, found {n}"
        ));
    }
    if !(1..=n).contains(&t) {
        return bad(format!("--threshold: t must be in 1..=n={n}, found {t}"));
    }
    if c >= n {
        return bad(format!(
            "--corrupted: |C| must be in 0..n={n} (at least one honest client), found {c}"
        ));
    }
    if !(1..=16).contains(&m) {
        return bad(format!("--input-length: m must be in 1..=16, found {m}"));
    }
    let p = match prime {
        Some(p) if !is_prime(p) => return bad(format!("--prime: {p} is not a prime")),
        Some(p) if p <= n as u64 => {
            return bad(format!("--prime: Shamir sharing needs n = {n} distinct nonzero points, i.e. a prime p > n; {p} is too small"))
        }
        Some(p) if p > MAX_PRIME => return bad(format!("--prime: {p} is above the verifier's limit {MAX_PRIME}")),
        Some(p) => p,
        None => (n as u64 + 1..).find(|&q| is_prime(q)).expect("a prime exists"),
    };
    let all: Vec<u32> = (1..=n).collect();
    let set = |f: &[u32]| format!("{{{}}}", join(f));
    let failed = subsets_of(&all, 1, (n - t) as usize);
    let (title, reference) = match protocol {
        Protocol::Tjl => (
            format!("Threshold Joye–Libert skeleton n={n} t={t} |C|≤{c}"),
            "Mansouri, Önen, Ben Jaballah (seed 001) Sec. 5, Fig. 4; skeleton of docs/models.md#threshold-skeleton",
        ),
        Protocol::Bonawitz => (
            format!("Bonawitz et al. pairwise-mask skeleton n={n} t={t} |C|≤{c}"),
            "Bonawitz et al., CCS'17 (compared in seed 001 Sec. 6); skeleton of docs/models.md#threshold-skeleton",
        ),
    };
    let mut w = SpecText::new(
        &title,
        reference,
        "threshold-sharing",
        p,
        m,
        &format!("x[1..{n}]"),
    );
    w.params(&[("clients", n), ("threshold", t), ("corrupted", c)]);
    w.roles(&[
        ("input", "x[u]"),
        ("masked", "y[u]"),
        ("seed-share", "Sb[w,v]"),
        ("recovery-share", "Z[v]{F}"),
        ("state", "S[u]"),
    ]);
    let coefs = |base: &str, idx: &str| -> Vec<String> {
        (1..t).map(|i| format!("{base}[{idx},{i}]")).collect()
    };
    w.section("randomness");
    w.comment("Blinding seeds b[u] (the PRG is idealised as the identity: B_u = b_u).");
    w.raw(&format!("\"b[1..{n}]\""), m);
    match protocol {
        Protocol::Tjl => {
            w.comment("JL keys with the exponent linearised (H(τ)^sk ↦ k); k[n] = −Σ k keeps Σ k = 0 = −sk_0.");
            w.raw(&format!("\"k[1..{}]\"", n - 1), m);
        }
        Protocol::Bonawitz => {
            w.comment("Pairwise mask seeds s[u,v], u < v (key agreement idealised as a shared uniform seed).");
            for u in 1..=n {
                for v in u + 1..=n {
                    w.raw(&format!("\"s[{u},{v}]\""), m);
                }
            }
        }
    }
    w.comment("Shamir coefficients (degree t − 1; ISS over the integers becomes Shamir over F_p).");
    for &u in &all {
        for name in coefs("ab", &u.to_string()) {
            w.raw(&format!("\"{name}\""), m);
        }
        match protocol {
            Protocol::Tjl => {
                for name in coefs("ak", &u.to_string()) {
                    w.raw(&format!("\"{name}\""), m);
                }
            }
            Protocol::Bonawitz => {
                for &j in all.iter().filter(|&&j| j != u) {
                    for name in coefs("as", &format!("{u},{j}")) {
                        w.raw(&format!("\"{name}\""), m);
                    }
                }
            }
        }
    }
    w.section("variables");
    let pair = |u: u32, v: u32| format!("s[{},{}]", u.min(v), u.max(v));
    let mut state: Vec<Vec<String>> = all.iter().map(|&u| vec![format!("b[{u}]")]).collect();
    match protocol {
        Protocol::Tjl => {
            let rest: Vec<String> = (1..n).map(|u| format!("- k[{u}]")).collect();
            w.def(&format!("k[{n}]"), &rest.join(" "));
            w.comment("Sk[u,v]: client v's share of k[u] (dealt once, at setup).");
            for &u in &all {
                for &v in &all {
                    w.def(
                        &format!("Sk[{u},{v}]"),
                        &shamir(p, &format!("k[{u}]"), &coefs("ak", &u.to_string()), v),
                    );
                }
            }
            w.comment("Round 1: JL.Protect(k_u, x_u + B_u) linearised.");
            for &u in &all {
                w.def(&format!("y[{u}]"), &format!("x[{u}] + b[{u}] + k[{u}]"));
                state[(u - 1) as usize].push(format!("k[{u}]"));
                state[(u - 1) as usize].extend(coefs("ak", &u.to_string()));
            }
            w.comment("Z[v]{F}: v's share of the protected zero-value of the failed set F (ShareProtect).");
            for &v in &all {
                for f in &failed {
                    let terms: Vec<String> = f.iter().map(|x| format!("Sk[{x},{v}]")).collect();
                    w.def(&format!("Z[{v}]{}", set(f)), &terms.join(" + "));
                }
            }
        }
        Protocol::Bonawitz => {
            w.comment("Pairwise mask M_u = Σ_{v>u} s[u,v] − Σ_{v<u} s[v,u]; Σ_u M_u = 0.");
            for &u in &all {
                let terms: Vec<String> = all
                    .iter()
                    .filter(|&&v| v != u)
                    .map(|&v| {
                        let sign = if v > u { "+" } else { "-" };
                        format!("{sign} {}", pair(u, v))
                    })
                    .collect();
                w.def(&format!("M[{u}]"), &terms.join(" "));
                w.def(&format!("y[{u}]"), &format!("x[{u}] + b[{u}] + M[{u}]"));
                let st = &mut state[(u - 1) as usize];
                st.extend(all.iter().filter(|&&v| v != u).map(|&v| pair(u, v)));
                for &j in all.iter().filter(|&&j| j != u) {
                    st.extend(coefs("as", &format!("{u},{j}")));
                }
            }
            w.comment("Ss[u,v]: client v's shares of u's key (all of u's pairwise seeds).");
            for &u in &all {
                for &v in &all {
                    let items: Vec<String> = all
                        .iter()
                        .filter(|&&j| j != u)
                        .map(|&j| shamir(p, &pair(u, j), &coefs("as", &format!("{u},{j}")), v))
                        .collect();
                    w.list(&format!("Ss[{u},{v}]"), &items);
                }
            }
            w.comment("Z[v]{F}: v's shares of the keys of the failed clients F.");
            for &v in &all {
                for f in &failed {
                    let items: Vec<String> = f.iter().map(|x| format!("Ss[{x},{v}]")).collect();
                    w.list(&format!("Z[{v}]{}", set(f)), &items);
                }
            }
        }
    }
    w.comment(
        "Sb[u,v]: client v's share of u's blinding seed (sent at round 1 over a private channel).",
    );
    for &u in &all {
        state[(u - 1) as usize].extend(coefs("ab", &u.to_string()));
        for &v in &all {
            w.def(
                &format!("Sb[{u},{v}]"),
                &shamir(p, &format!("b[{u}]"), &coefs("ab", &u.to_string()), v),
            );
        }
    }
    w.comment(
        "S[u]: client u's state — own keys, seeds and coefficients, and every share it holds.",
    );
    for &u in &all {
        let st = &mut state[(u - 1) as usize];
        for &x in &all {
            st.push(format!("Sb[{x},{u}]"));
            st.push(match protocol {
                Protocol::Tjl => format!("Sk[{x},{u}]"),
                Protocol::Bonawitz => format!("Ss[{x},{u}]"),
            });
        }
        w.list(&format!("S[{u}]"), st);
    }
    Ok(w.finish())
}
