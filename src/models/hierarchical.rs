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

const PARAMS: &[ParamSpec] = &[
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
