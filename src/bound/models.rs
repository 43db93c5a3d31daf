//! The models as entropy problems (docs/models.md#dropout, docs/models.md#multi-server, and one-round secure summation).
//!
//! Entropies only: there is no field, so "the sum" is its own random variable S_A with the
//! properties of Σ_{k∈A} W_k over F_q with uniform inputs: a function of the inputs, uniform
//! (H(S_A) = 1), and together with all but one input of A it determines the remaining one.

use num_bigint::BigInt;
use num_rational::BigRational;

use super::problem::{Constraint, Kind, Model, Rate, Set};
use super::BoundError;
use crate::subsets::subsets;

/// Variables are added by name; sets are built from the returned indices.
struct Builder {
    vars: Vec<String>,
    constraints: Vec<Constraint>,
}

impl Builder {
    fn var(&mut self, name: String) -> Set {
        self.vars.push(name);
        1 << (self.vars.len() - 1)
    }

    fn add(&mut self, kind: Kind, why: impl Into<String>) {
        self.constraints.push(Constraint {
            kind,
            why: why.into(),
        });
    }

    fn function(&mut self, target: Set, given: Set, defining: bool, why: impl Into<String>) {
        self.add(
            Kind::Function {
                target,
                given,
                defining,
            },
            why,
        );
    }

    /// Inputs W_k of unit entropy, mutually independent and independent of the keys.
    fn inputs_and_keys(&mut self, w: &[Set], keys: Set) {
        let mut groups = w.to_vec();
        groups.push(keys);
        self.add(
            Kind::Independent(groups),
            "inputs independent of each other and of the keys",
        );
        for &wk in w {
            self.add(Kind::Norm { set: wk, value: 1 }, "normalisation H(W_k) = 1");
        }
    }

    /// S = Σ_{k∈A} W_k: a function of W_A, uniform, and invertible in each input.
    fn sum(&mut self, s: Set, w_a: &[Set]) {
        let all = w_a.iter().fold(0, |a, w| a | w);
        self.function(s, all, true, "the sum is a function of its inputs");
        self.add(Kind::Norm { set: s, value: 1 }, "the sum is uniform");
        for &wk in w_a {
            self.function(
                wk,
                s | (all & !wk),
                false,
                "the sum and the other inputs determine an input",
            );
        }
    }
}

fn int(v: u64) -> BigRational {
    BigRational::from_integer(BigInt::from(v))
}

fn digits(set: &[u32]) -> String {
    set.iter().map(u32::to_string).collect()
}

/// One-round secure summation: K users, X_k = f(W_k, Z_k), the server decodes
/// S = ΣW from X_1..X_K and learns nothing else (I(W; X | S) = 0).
pub fn summation(k: u32) -> Result<Model, BoundError> {
    if !(2..=5).contains(&k) {
        return Err(BoundError::Usage(format!(
            "summation: --users must be in 2..=5 (LP size 2^(3K+1)), found {k}"
        )));
    }
    let mut b = Builder {
        vars: vec![],
        constraints: vec![],
    };
    let w: Vec<Set> = (1..=k).map(|i| b.var(format!("W{i}"))).collect();
    let z: Vec<Set> = (1..=k).map(|i| b.var(format!("Z{i}"))).collect();
    let x: Vec<Set> = (1..=k).map(|i| b.var(format!("X{i}"))).collect();
    let s = b.var("S".into());
    let (w_all, z_all, x_all) = (or(&w), or(&z), or(&x));
    b.inputs_and_keys(&w, z_all);
    b.sum(s, &w);
    for i in 0..k as usize {
        b.function(
            x[i],
            w[i] | z[i],
            true,
            format!("message X{0} = f(W{0}, Z{0})", i + 1),
        );
    }
    b.function(s, x_all, false, "correctness: the server decodes S");
    b.add(
        Kind::Secret {
            a: w_all,
            b: x_all,
            c: s,
        },
        "security: the messages reveal only S",
    );
    let rates = vec![
        rate("RX", x.clone(), int(1), "1"),
        rate("RZ", z.clone(), int(1), "1"),
        rate("RZsum", vec![z_all], int(k as u64 - 1), "K−1"),
    ];
    let symmetries = transpositions(k)
        .map(|sw| perm(&b.vars, |name| rename_users(name, &sw)))
        .collect();
    Ok(Model {
        title: format!("summation K={k}"),
        vars: b.vars,
        constraints: b.constraints,
        rates,
        symmetries,
    })
}

/// Zhao–Sun two-round secure aggregation with dropouts (docs/models.md#dropout).
pub fn dropout(k: u32, u: u32, t: u32) -> Result<Model, BoundError> {
    if !(2..=4).contains(&k) || u == 0 || u >= k || t >= u {
        return Err(BoundError::Usage(format!(
            "dropout: need 2 ≤ K ≤ 4, 1 ≤ U ≤ K−1 and T < U (feasible region), found K={k}, U={u}, T={t}"
        )));
    }
    let mut b = Builder {
        vars: vec![],
        constraints: vec![],
    };
    let w: Vec<Set> = (1..=k).map(|i| b.var(format!("W{i}"))).collect();
    let z: Vec<Set> = (1..=k).map(|i| b.var(format!("Z{i}"))).collect();
    let x: Vec<Set> = (1..=k).map(|i| b.var(format!("X{i}"))).collect();
    let first_round = subsets(k, u as usize, k as usize);
    // Y[k]@U1 for every announced set U1 ∋ k, and the sum S_U1.
    let mut y: Vec<Vec<Set>> = vec![];
    let mut sums = vec![];
    for u1 in &first_round {
        let name = digits(u1);
        y.push(
            (1..=k)
                .map(|i| {
                    if u1.contains(&i) {
                        b.var(format!("Y{i}@{name}"))
                    } else {
                        0
                    }
                })
                .collect(),
        );
        sums.push(b.var(format!("S{name}")));
    }
    let (w_all, z_all, x_all) = (or(&w), or(&z), or(&x));
    b.inputs_and_keys(&w, z_all);
    for i in 0..k as usize {
        b.function(
            x[i],
            w[i] | z[i],
            true,
            format!("message X{0} = f(W{0}, Z{0})", i + 1),
        );
    }
    for (j, u1) in first_round.iter().enumerate() {
        let name = digits(u1);
        let w_u1: Vec<Set> = u1.iter().map(|&i| w[i as usize - 1]).collect();
        b.sum(sums[j], &w_u1);
        for &i in u1 {
            let i = i as usize;
            b.function(
                y[j][i - 1],
                w[i - 1] | z[i - 1],
                true,
                format!("message Y{i}@{name} = f(W{i}, Z{i})"),
            );
        }
        let x_u1 = u1.iter().fold(0, |a, &i| a | x[i as usize - 1]);
        for u2 in subsets(u1.len() as u32, u as usize, u1.len()) {
            let y_u2 = u2
                .iter()
                .fold(0, |a, &p| a | y[j][u1[p as usize - 1] as usize - 1]);
            b.function(
                sums[j],
                x_u1 | y_u2,
                false,
                format!(
                    "correctness: U1={name}, U2={}",
                    digits(&u2.iter().map(|&p| u1[p as usize - 1]).collect::<Vec<_>>())
                ),
            );
        }
        let y_u1 = or(&y[j]);
        for col in subsets(k, 0, t as usize) {
            let wz_t = col
                .iter()
                .fold(0, |a, &i| a | w[i as usize - 1] | z[i as usize - 1]);
            b.add(
                Kind::Secret {
                    a: w_all,
                    b: x_all | y_u1,
                    c: sums[j] | wz_t,
                },
                format!("security: U1={name}, T={{{}}}", digits(&col)),
            );
        }
    }
    let paper_r2 = BigRational::new(BigInt::from(1), BigInt::from(u - t));
    let rates = vec![
        rate("R1", x.clone(), int(1), "1"),
        rate(
            "R2",
            y.iter().flatten().copied().filter(|&s| s != 0).collect(),
            paper_r2,
            "1/(U−T)",
        ),
    ];
    let symmetries = transpositions(k)
        .map(|sw| perm(&b.vars, |name| rename_users(name, &sw)))
        .collect();
    Ok(Model {
        title: format!("dropout K={k} U={u} T={t}"),
        vars: b.vars,
        constraints: b.constraints,
        rates,
        symmetries,
    })
}

/// Multi-server secure aggregation with user collusion (docs/models.md#multi-server).
pub fn multi_server(us: u32, vs: u32, t: u32) -> Result<Model, BoundError> {
    if us * vs < 2 || us * vs > 4 || t >= us * vs {
        return Err(BoundError::Usage(format!(
            "multi-server: need 2 ≤ UV ≤ 4 and T ≤ UV−1, found U={us}, V={vs}, T={t}"
        )));
    }
    let mut b = Builder {
        vars: vec![],
        constraints: vec![],
    };
    let users: Vec<(u32, u32)> = (1..=us)
        .flat_map(|a| (1..=vs).map(move |c| (a, c)))
        .collect();
    let w: Vec<Set> = users
        .iter()
        .map(|(a, c)| b.var(format!("W{a}{c}")))
        .collect();
    let z: Vec<Set> = users
        .iter()
        .map(|(a, c)| b.var(format!("Z{a}{c}")))
        .collect();
    let zs = b.var("ZS".into());
    let x: Vec<Set> = users
        .iter()
        .map(|(a, c)| b.var(format!("X{a}{c}")))
        .collect();
    let y: Vec<Set> = (1..=us).map(|a| b.var(format!("Y{a}"))).collect();
    let s = b.var("S".into());
    let (w_all, z_all) = (or(&w), or(&z));
    b.inputs_and_keys(&w, z_all | zs);
    b.sum(s, &w);
    let cluster = |a: u32, v: &[Set]| {
        users
            .iter()
            .zip(v)
            .filter(|((ua, _), _)| *ua == a)
            .fold(0, |acc, (_, &s)| acc | s)
    };
    for (i, (a, c)) in users.iter().enumerate() {
        b.function(z[i], zs, true, format!("key Z{a}{c} = f(ZS)"));
        b.function(
            x[i],
            w[i] | z[i],
            true,
            format!("message X{a}{c} = f(W{a}{c}, Z{a}{c})"),
        );
    }
    for a in 1..=us {
        b.function(
            y[a as usize - 1],
            cluster(a, &x),
            true,
            format!("server message Y{a} = f(X{a}*)"),
        );
    }
    for a in 1..=us {
        let others = (1..=us)
            .filter(|&o| o != a)
            .fold(0, |acc, o| acc | y[o as usize - 1]);
        let view = cluster(a, &x) | others;
        b.function(s, view, false, format!("correctness: server {a}"));
        for col in subsets(us * vs, 0, t as usize) {
            let wz_t = col
                .iter()
                .fold(0, |acc, &i| acc | w[i as usize - 1] | z[i as usize - 1]);
            let names: Vec<String> = col
                .iter()
                .map(|&i| {
                    let (p, q) = users[i as usize - 1];
                    format!("{p}{q}")
                })
                .collect();
            b.add(
                Kind::Secret {
                    a: w_all,
                    b: view,
                    c: s | wz_t,
                },
                format!("security: server {a}, T={{{}}}", names.join(",")),
            );
        }
    }
    let zsum = (us + vs + t - 2).min(us * vs - 1) as u64;
    let rates = vec![
        rate("RX", x.clone(), int(1), "1"),
        rate("RY", y.clone(), int(1), "1"),
        rate("RZ", z.clone(), int(1), "1"),
        rate("RZS", vec![zs], int(zsum), "min{U+V+T−2, UV−1}"),
    ];
    // Users within a cluster are interchangeable, and so are clusters.
    let mut symmetries = vec![];
    for a in 1..=us {
        for c in 1..vs {
            let sw = |(p, q): (u32, u32)| {
                if p != a {
                    (p, q)
                } else if q == c {
                    (p, c + 1)
                } else if q == c + 1 {
                    (p, c)
                } else {
                    (p, q)
                }
            };
            symmetries.push(perm(&b.vars, |n| rename_clusters(n, sw)));
        }
    }
    for a in 1..us {
        let sw = |(p, q): (u32, u32)| {
            let p = if p == a {
                a + 1
            } else if p == a + 1 {
                a
            } else {
                p
            };
            (p, q)
        };
        symmetries.push(perm(&b.vars, |n| rename_clusters(n, sw)));
    }
    Ok(Model {
        title: format!("multi-server U={us} V={vs} T={t}"),
        vars: b.vars,
        constraints: b.constraints,
        rates,
        symmetries,
    })
}

/// The swaps (i, i+1) of users, as maps on user numbers; they generate all permutations.
fn transpositions(k: u32) -> impl Iterator<Item = Vec<u32>> {
    (1..k).map(move |i| {
        (0..=k)
            .map(|x| {
                if x == i {
                    i + 1
                } else if x == i + 1 {
                    i
                } else {
                    x
                }
            })
            .collect()
    })
}

/// Rename a summation/dropout variable under a user map σ (σ[i] = image of user i):
/// W2 → W{σ2}, Y2@123 → Y{σ2}@{σ(123) sorted}, S12 → S{σ(12) sorted}.
fn rename_users(name: &str, sigma: &[u32]) -> String {
    let map_digits = |d: &str| {
        let mut v: Vec<u32> = d
            .chars()
            .map(|c| sigma[c.to_digit(10).expect("user digit") as usize])
            .collect();
        v.sort_unstable();
        digits(&v)
    };
    let (head, at) = match name.split_once('@') {
        Some((h, a)) => (h, Some(a)),
        None => (name, None),
    };
    let (letter, num) = head.split_at(1);
    match (letter, at) {
        ("S", _) => format!("S{}", map_digits(num)),
        (_, Some(a)) => format!("{letter}{}@{}", map_digits(num), map_digits(a)),
        _ => format!("{letter}{}", map_digits(num)),
    }
}

/// Rename a multi-server variable under a map of (server, user) pairs: W12 → W{σ(1,2)},
/// Y1 → Y{σ(1,·) server}; ZS and S are fixed.
fn rename_clusters(name: &str, sigma: impl Fn((u32, u32)) -> (u32, u32)) -> String {
    let (letter, num) = name.split_at(1);
    let d: Vec<u32> = num.chars().filter_map(|c| c.to_digit(10)).collect();
    match d.as_slice() {
        [a, c] => {
            let (p, q) = sigma((*a, *c));
            format!("{letter}{p}{q}")
        }
        [a] => format!("{letter}{}", sigma((*a, 1)).0),
        _ => name.to_string(),
    }
}

/// A variable permutation from a renaming (every image must be a variable).
fn perm(vars: &[String], rename: impl Fn(&str) -> String) -> Vec<usize> {
    vars.iter()
        .map(|v| {
            let image = rename(v);
            vars.iter()
                .position(|w| *w == image)
                .unwrap_or_else(|| panic!("symmetry maps {v} to unknown {image}"))
        })
        .collect()
}

fn or(v: &[Set]) -> Set {
    v.iter().fold(0, |a, s| a | s)
}

fn rate(name: &str, sets: Vec<Set>, paper: BigRational, formula: &str) -> Rate {
    Rate {
        name: name.into(),
        sets,
        paper: Some((paper, formula.into())),
    }
}
