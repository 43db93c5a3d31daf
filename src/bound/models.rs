//! The built-in models as entropy problems, each a short [`Problem::builder`] program
//! (docs/models.md: one-round secure summation, Zhao–Sun dropout, multi-server).
//!
//! Entropies only: there is no field, so "the sum" is its own random variable S_A with the
//! properties of Σ_{k∈A} W_k over F_q with uniform inputs: a function of the inputs, uniform
//! (H(S_A) = 1), and together with all but one input of A it determines the remaining one.
//! Symmetries are not listed here: [`super::symmetry::detect`] finds them from the indices.

use num_bigint::BigInt;
use num_rational::BigRational;

use super::problem::{Builder, Ix, Problem, Set};
use super::BoundError;
use crate::subsets::subsets;

fn int(v: u64) -> BigRational {
    BigRational::from_integer(BigInt::from(v))
}

fn declared(v: BigRational, formula: &str) -> Option<(BigRational, String)> {
    Some((v, formula.into()))
}

fn or(v: &[Set]) -> Set {
    v.iter().fold(0, |a, s| a | s)
}

fn user(k: u32) -> Vec<Ix> {
    vec![Ix::elem("user", k)]
}

fn list(set: &[u32]) -> String {
    set.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// Inputs W_k of unit entropy, mutually independent and independent of the keys.
fn inputs_and_keys(b: &mut Builder, w: &[Set], keys: Set) {
    let mut groups = w.to_vec();
    groups.push(keys);
    b.independent(&groups, "inputs independent of each other and of the keys");
    for &wk in w {
        b.entropy(wk, 1, "normalisation H(W_k) = 1");
    }
}

/// One-round secure summation: K users, X_k = f(W_k, Z_k), the server decodes
/// S = ΣW from X_1..X_K and learns nothing else (I(W; X | S) = 0).
pub fn summation(k: u32) -> Result<Problem, BoundError> {
    if !(2..=8).contains(&k) {
        return Err(BoundError::Usage(format!(
            "summation: --users must be in 2..=8 (3K+1 random variables), found {k}"
        )));
    }
    let mut b = Problem::builder(format!("summation K={k}"));
    let w: Vec<Set> = (1..=k).map(|i| b.var("W", user(i))).collect();
    let z: Vec<Set> = (1..=k).map(|i| b.var("Z", user(i))).collect();
    let x: Vec<Set> = (1..=k).map(|i| b.var("X", user(i))).collect();
    let s = b.var("S", vec![]);
    let (w_all, z_all, x_all) = (or(&w), or(&z), or(&x));
    inputs_and_keys(&mut b, &w, z_all);
    b.sum(s, &w);
    for i in 0..k as usize {
        b.function(
            x[i],
            w[i] | z[i],
            format!("message X[{0}] = f(W[{0}], Z[{0}])", i + 1),
        );
    }
    b.decodes(x_all, s, "correctness: the server decodes S");
    b.secure(w_all, x_all, s, "security: the messages reveal only S");
    b.rate("RX", x.clone(), declared(int(1), "1"));
    b.rate("RZ", z.clone(), declared(int(1), "1"));
    b.rate("RZsum", vec![z_all], declared(int(k as u64 - 1), "K−1"));
    b.build()
}

/// Zhao–Sun two-round secure aggregation with dropouts (models.md §2.1).
pub fn dropout(k: u32, u: u32, t: u32) -> Result<Problem, BoundError> {
    if !(2..=6).contains(&k) || u == 0 || u >= k || t >= u {
        return Err(BoundError::Usage(format!(
            "dropout: need 2 ≤ K ≤ 6, 1 ≤ U ≤ K−1 and T < U (feasible region), found K={k}, U={u}, T={t}"
        )));
    }
    let mut b = Problem::builder(format!("dropout K={k} U={u} T={t}"));
    let w: Vec<Set> = (1..=k).map(|i| b.var("W", user(i))).collect();
    let z: Vec<Set> = (1..=k).map(|i| b.var("Z", user(i))).collect();
    let x: Vec<Set> = (1..=k).map(|i| b.var("X", user(i))).collect();
    let first_round = subsets(k, u as usize, k as usize);
    // Y[k]{U1} for every announced set U1 ∋ k, and the sum S{U1}.
    let mut y: Vec<Vec<Set>> = vec![];
    let mut sums = vec![];
    for u1 in &first_round {
        y.push(
            (1..=k)
                .map(|i| {
                    if u1.contains(&i) {
                        b.var("Y", vec![Ix::elem("user", i), Ix::subset("user", u1)])
                    } else {
                        0
                    }
                })
                .collect(),
        );
        sums.push(b.var("S", vec![Ix::subset("user", u1)]));
    }
    let (w_all, z_all, x_all) = (or(&w), or(&z), or(&x));
    inputs_and_keys(&mut b, &w, z_all);
    for i in 0..k as usize {
        b.function(
            x[i],
            w[i] | z[i],
            format!("message X[{0}] = f(W[{0}], Z[{0}])", i + 1),
        );
    }
    for (j, u1) in first_round.iter().enumerate() {
        let name = list(u1);
        let w_u1: Vec<Set> = u1.iter().map(|&i| w[i as usize - 1]).collect();
        b.sum(sums[j], &w_u1);
        for &i in u1 {
            let i = i as usize;
            b.function(
                y[j][i - 1],
                w[i - 1] | z[i - 1],
                format!("message Y[{i}]{{{name}}} = f(W[{i}], Z[{i}])"),
            );
        }
        let x_u1 = u1.iter().fold(0, |a, &i| a | x[i as usize - 1]);
        for u2 in subsets(u1.len() as u32, u as usize, u1.len()) {
            let y_u2 = u2
                .iter()
                .fold(0, |a, &p| a | y[j][u1[p as usize - 1] as usize - 1]);
            let u2_users: Vec<u32> = u2.iter().map(|&p| u1[p as usize - 1]).collect();
            b.decodes(
                x_u1 | y_u2,
                sums[j],
                format!("correctness: U1={{{name}}}, U2={{{}}}", list(&u2_users)),
            );
        }
        let y_u1 = or(&y[j]);
        for col in subsets(k, 0, t as usize) {
            let wz_t = col
                .iter()
                .fold(0, |a, &i| a | w[i as usize - 1] | z[i as usize - 1]);
            b.secure(
                w_all,
                x_all | y_u1,
                sums[j] | wz_t,
                format!("security: U1={{{name}}}, T={{{}}}", list(&col)),
            );
        }
    }
    let paper_r2 = BigRational::new(BigInt::from(1), BigInt::from(u - t));
    b.rate("R1", x.clone(), declared(int(1), "1"));
    b.rate(
        "R2",
        y.iter().flatten().copied().filter(|&s| s != 0).collect(),
        declared(paper_r2, "1/(U−T)"),
    );
    b.build()
}

/// Multi-server secure aggregation with user collusion (models.md §3.1).
pub fn multi_server(us: u32, vs: u32, t: u32) -> Result<Problem, BoundError> {
    if us * vs < 2 || us * vs > 9 || t >= us * vs {
        return Err(BoundError::Usage(format!(
            "multi-server: need 2 ≤ UV ≤ 9 and T ≤ UV−1, found U={us}, V={vs}, T={t}"
        )));
    }
    let mut b = Problem::builder(format!("multi-server U={us} V={vs} T={t}"));
    let users: Vec<(u32, u32)> = (1..=us)
        .flat_map(|a| (1..=vs).map(move |c| (a, c)))
        .collect();
    let at = |(a, c): (u32, u32)| vec![Ix::elem("server", a), Ix::elem("user", c)];
    let w: Vec<Set> = users.iter().map(|&uc| b.var("W", at(uc))).collect();
    let z: Vec<Set> = users.iter().map(|&uc| b.var("Z", at(uc))).collect();
    let zs = b.var("ZS", vec![]);
    let x: Vec<Set> = users.iter().map(|&uc| b.var("X", at(uc))).collect();
    let y: Vec<Set> = (1..=us)
        .map(|a| b.var("Y", vec![Ix::elem("server", a)]))
        .collect();
    let s = b.var("S", vec![]);
    let (w_all, z_all) = (or(&w), or(&z));
    inputs_and_keys(&mut b, &w, z_all | zs);
    b.sum(s, &w);
    let cluster = |a: u32, v: &[Set]| {
        users
            .iter()
            .zip(v)
            .filter(|((ua, _), _)| *ua == a)
            .fold(0, |acc, (_, &s)| acc | s)
    };
    for (i, (a, c)) in users.iter().enumerate() {
        b.function(z[i], zs, format!("key Z[{a},{c}] = f(ZS)"));
        b.function(
            x[i],
            w[i] | z[i],
            format!("message X[{a},{c}] = f(W[{a},{c}], Z[{a},{c}])"),
        );
    }
    for a in 1..=us {
        b.function(
            y[a as usize - 1],
            cluster(a, &x),
            format!("server message Y[{a}] = f(X[{a},*])"),
        );
    }
    for a in 1..=us {
        let others = (1..=us)
            .filter(|&o| o != a)
            .fold(0, |acc, o| acc | y[o as usize - 1]);
        let view = cluster(a, &x) | others;
        b.decodes(view, s, format!("correctness: server {a}"));
        for col in subsets(us * vs, 0, t as usize) {
            let wz_t = col
                .iter()
                .fold(0, |acc, &i| acc | w[i as usize - 1] | z[i as usize - 1]);
            let names: Vec<String> = col
                .iter()
                .map(|&i| {
                    let (p, q) = users[i as usize - 1];
                    format!("[{p},{q}]")
                })
                .collect();
            b.secure(
                w_all,
                view,
                s | wz_t,
                format!("security: server {a}, T={{{}}}", names.join(",")),
            );
        }
    }
    let zsum = (us + vs + t - 2).min(us * vs - 1) as u64;
    b.rate("RX", x.clone(), declared(int(1), "1"));
    b.rate("RY", y.clone(), declared(int(1), "1"));
    b.rate("RZ", z.clone(), declared(int(1), "1"));
    b.rate("RZS", vec![zs], declared(int(zsum), "min{U+V+T−2, UV−1}"));
    b.build()
}
