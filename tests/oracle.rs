//! The trust anchor: entropies computed by enumerating the joint distribution of random small
//! linear schemes over F_2 and F_3 agree with the rank formulas the engine uses.
//!
//! Sources s ∈ F_p^n are uniform; a variable is a matrix A, its value A·s. For every
//! assignment of s we tabulate the joint values and compute H and I directly (in units of
//! log p), then compare with rk(A), I(A;B|C) = rk(AC)+rk(BC)−rk(ABC)−rk(C), the engine's
//! leakage I(inputs; view | cond) = tail(view ∪ cond) − tail(cond), and its decodability test.

use std::collections::HashMap;

use itsa::field::Field;
use itsa::verify::Space;
use proptest::prelude::*;

type Rows = Vec<Vec<u32>>;

fn apply(rows: &Rows, s: &[u32], p: u32) -> Vec<u32> {
    rows.iter()
        .map(|r| r.iter().zip(s).map(|(a, b)| a * b).sum::<u32>() % p)
        .collect()
}

/// Entropy (base p) of the joint value of the given row groups, by enumeration of F_p^n.
fn entropy(groups: &[&Rows], n: usize, p: u32) -> f64 {
    let total = (p as usize).pow(n as u32);
    let mut counts: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut s = vec![0u32; n];
    for idx in 0..total {
        let mut x = idx;
        for v in s.iter_mut() {
            *v = (x % p as usize) as u32;
            x /= p as usize;
        }
        let key: Vec<u32> = groups.iter().flat_map(|g| apply(g, &s, p)).collect();
        *counts.entry(key).or_default() += 1;
    }
    counts
        .values()
        .map(|&c| {
            let q = c as f64 / total as f64;
            -q * q.ln() / (p as f64).ln()
        })
        .sum()
}

fn cmi(a: &Rows, b: &Rows, c: &Rows, n: usize, p: u32) -> f64 {
    entropy(&[a, c], n, p) + entropy(&[b, c], n, p)
        - entropy(&[a, b, c], n, p)
        - entropy(&[c], n, p)
}

fn cat(a: &Rows, b: &Rows) -> Rows {
    a.iter().chain(b).cloned().collect()
}

fn close(x: f64, y: usize) -> bool {
    (x - y as f64).abs() < 1e-9
}

/// (p, n, split, A, B, C): n ≤ 8 source symbols, the first `split` are randomness.
fn scheme() -> impl Strategy<Value = (u32, usize, usize, Rows, Rows, Rows)> {
    (prop_oneof![Just(2u32), Just(3u32)], 2usize..=8).prop_flat_map(|(p, n)| {
        let n = if p == 3 { n.min(7) } else { n };
        let row = proptest::collection::vec(0..p, n);
        let rows = move |max: usize| proptest::collection::vec(row.clone(), 0..=max);
        (Just(p), Just(n), 0..=n, rows(4), rows(4), rows(3))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200)
    ))]

    #[test]
    fn rank_formulas_match_enumeration((p, n, split, a, b, c) in scheme()) {
        let f = Field::new(p as u64).unwrap();
        let space = Space { field: f, columns: n, input_start: split };
        // H(A) = rk(A)
        prop_assert!(close(entropy(&[&a], n, p), f.rank(&a)));
        // I(A;B|C) by ranks
        let rk = |m: &Rows| f.rank(m);
        let by_rank = rk(&cat(&a, &c)) + rk(&cat(&b, &c)) - rk(&cat(&cat(&a, &b), &c)) - rk(&c);
        prop_assert!(close(cmi(&a, &b, &c, n, p), by_rank));
        // H(B | A) = 0 exactly when the engine's decodability test says so, and equals it
        prop_assert!(close(entropy(&[&a, &b], n, p) - entropy(&[&a], n, p), space.conditional_entropy(&a, &b)));
        // leakage about the inputs (columns split..n) given C, from the engine's tail ranks
        let inputs: Rows = (split..n)
            .map(|j| { let mut r = vec![0; n]; r[j] = 1; r })
            .collect();
        prop_assert!(close(cmi(&inputs, &a, &c, n, p), space.leakage(&a, &c)));
    }
}
