//! The five declared models of docs/models.md §§ decentralized-keys … oblivious-server: the
//! construction of each verifies on a grid of small parameters under its shipped declaration,
//! with every rate `optimal` against the declared region, and the construction with one key
//! symbol fewer (key dimension minus one) fails on every grid point, where the converse says
//! it must. The flat specs are written here from the constructions (the same constructions as
//! the independent Python checker bench/new-models/check.py, which prints the same counts).
//!
//! Grids (debug-mode test time a few seconds):
//! - decentralized-keys: K = 3..6, T = 0..K−1 (18 points), p = 7;
//! - decentralized-groupwise: K = 4..7, T = 0..K−3, G = 2..K−T−1 (34 points) and the boundary
//!   T = K−2, G = 2 for K = 3..5, p = 10007, seeded random zero-sum masks;
//! - hierarchical-groupwise: U = 2..3, V = 1..3, G = 2..min(UV, 4) (15 points), p = 10007;
//! - topological: rings C3..C6 and C8, complete K4 and K5, prisms C3×K2 (F_11, layer-constant
//!   modulation) and C4×K2 (the cube, F_7), keys a basis of ker(A − Λ) (of dimension d there);
//! - oblivious-server: K = 2..6, p = 7 (two mutations: total key K−1 and individual key 1).

use std::collections::BTreeMap;
use std::fmt::Write;

use itsa::models::Model;
use itsa::scheme::read_spec_str;
use itsa::verify::{Options, Report, Verdict};

/// A flat spec under construction: sources, variables as one linear form per symbol.
struct Spec {
    model: &'static str,
    prime: u64,
    l: usize,
    params: Vec<(&'static str, i64)>,
    inputs: Vec<String>,
    randomness: Vec<(String, usize)>,
    variables: Vec<(String, Vec<Form>)>,
    graph: Option<Vec<(usize, usize)>>,
}

/// A linear form: symbol name ("W[1](2)") → coefficient in 0..p.
type Form = BTreeMap<String, u64>;

fn sym(name: &str, i: usize) -> String {
    format!("{name}({i})")
}

fn unit(name: &str, i: usize) -> Form {
    Form::from([(sym(name, i), 1)])
}

fn add(a: &mut Form, b: &Form, c: u64, p: u64) {
    for (k, v) in b {
        let e = a.entry(k.clone()).or_insert(0);
        *e = (*e + v * c) % p;
    }
    a.retain(|_, v| *v != 0);
}

impl Spec {
    fn new(model: &'static str, prime: u64, l: usize, params: Vec<(&'static str, i64)>) -> Spec {
        Spec {
            model,
            prime,
            l,
            params,
            inputs: vec![],
            randomness: vec![],
            variables: vec![],
            graph: None,
        }
    }

    fn text(&self) -> String {
        let p = self.prime;
        let form = |f: &Form| -> String {
            if f.is_empty() {
                // The zero symbol (a key of dimension zero keeps its name).
                return "0 ZERO(1)".into();
            }
            let mut s = String::new();
            for (i, (k, c)) in f.iter().enumerate() {
                let (neg, c) = if *c > p / 2 {
                    (true, p - c)
                } else {
                    (false, *c)
                };
                let sign = match (i, neg) {
                    (0, true) => "-",
                    (0, false) => "",
                    (_, true) => " - ",
                    (_, false) => " + ",
                };
                let coef = if c == 1 {
                    String::new()
                } else {
                    format!("{c} ")
                };
                let _ = write!(s, "{sign}{coef}{k}");
            }
            s
        };
        let mut t = String::new();
        let _ = writeln!(t, "title = \"generated\"\nmodel = \"{}\"", self.model);
        let _ = writeln!(t, "prime = {p}\ninput-length = {}", self.l);
        let inputs: Vec<String> = self.inputs.iter().map(|n| format!("\"{n}\"")).collect();
        let _ = writeln!(t, "inputs = [{}]\n\n[params]", inputs.join(", "));
        for (n, v) in &self.params {
            let _ = writeln!(t, "{n} = {v}");
        }
        let _ = writeln!(t, "\n[randomness]");
        let zero = self
            .variables
            .iter()
            .any(|(_, v)| v.iter().any(|f| f.is_empty()));
        if zero {
            let _ = writeln!(t, "\"ZERO\" = 1");
        }
        for (n, c) in &self.randomness {
            let _ = writeln!(t, "\"{n}\" = {c}");
        }
        let _ = writeln!(t, "\n[variables]");
        for (n, v) in &self.variables {
            let forms: Vec<String> = v.iter().map(|f| format!("\"{}\"", form(f))).collect();
            let _ = writeln!(t, "\"{n}\" = [{}]", forms.join(", "));
        }
        if let Some(g) = &self.graph {
            let edges: Vec<String> = g.iter().map(|(a, b)| format!("[{a}, {b}]")).collect();
            let _ = writeln!(t, "\n[graphs]\nN = [{}]", edges.join(", "));
        }
        t
    }
}

/// Verify a generated spec under its declared model.
fn run(s: &Spec) -> Report {
    let text = s.text();
    let scheme = read_spec_str(&text, "generated.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let model = Model::from_scheme(&scheme).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let opts = Options {
        max_failures: 1,
        max_decoders: 0,
        progress: itsa::progress::Progress::none(),
    };
    itsa::verify_scheme(&scheme, &model, &opts)
}

/// The construction verifies with every rate optimal and the given check count.
fn assert_optimal(s: &Spec, what: &str, checks: usize) {
    let r = run(s);
    assert_eq!(r.verdict, Verdict::Verified, "{what}: {:?}", r.families);
    assert_eq!(r.checks, checks, "{what}: check count");
    let rates = r.rates.as_ref().expect("rates");
    assert!(!rates.lines.is_empty(), "{what}: no rates");
    for line in &rates.lines {
        assert_eq!(line.status, "optimal", "{what}: {line:?}");
    }
}

/// The mutation fails; returns the families that failed.
fn assert_fails(s: &Spec, what: &str) -> Vec<String> {
    let r = run(s);
    assert_eq!(
        r.verdict,
        Verdict::Violated,
        "{what}: the mutation verified"
    );
    r.families
        .iter()
        .filter(|f| f.failures > 0)
        .map(|f| f.name.to_string())
        .collect()
}

fn binom(n: usize, k: usize) -> usize {
    if k > n {
        return 0;
    }
    (0..k).fold(1, |a, i| a * (n - i) / (i + 1))
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `Z{1,2}`
fn set_name(base: &str, s: &[usize]) -> String {
    let v: Vec<String> = s.iter().map(|x| x.to_string()).collect();
    format!("{base}{{{}}}", v.join(","))
}

fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = vec![];
    let mut cur = vec![];
    fn rec(start: usize, n: usize, k: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for i in start..=n {
            cur.push(i);
            rec(i + 1, n, k, cur, out);
            cur.pop();
        }
    }
    rec(1, n, k, &mut cur, &mut out);
    out
}

// ---------------------------------------------------------------- decentralized-keys

/// Zero-sum keys: S[1..K−1], Z[k] = S[k], Z[K] = −ΣS; `drop` removes S[K−1].
fn decentralized_keys(k: usize, t: usize, drop: bool) -> Spec {
    let p = 7;
    let mut s = Spec::new(
        "decentralized-keys",
        p,
        1,
        vec![("users", k as i64), ("colluders", t as i64)],
    );
    let keys = if drop { k - 2 } else { k - 1 };
    for j in 1..=keys {
        s.randomness.push((format!("S[{j}]"), 1));
    }
    for u in 1..=k {
        s.inputs.push(format!("W[{u}]"));
        let mut z = Form::new();
        if u < k {
            if u <= keys {
                z = unit(&format!("S[{u}]"), 1);
            }
        } else {
            for j in 1..=keys {
                add(&mut z, &unit(&format!("S[{j}]"), 1), p - 1, p);
            }
        }
        let mut x = unit(&format!("W[{u}]"), 1);
        add(&mut x, &z, 1, p);
        s.variables.push((format!("Z[{u}]"), vec![z]));
        s.variables.push((format!("X[{u}]"), vec![x]));
    }
    s
}

#[test]
fn decentralized_keys_grid() {
    for k in 3..=6 {
        for t in 0..k {
            let security: usize = k * (0..=t).map(|i| binom(k - 1, i)).sum::<usize>();
            let what = format!("decentralized-keys K={k} T={t}");
            assert_optimal(&decentralized_keys(k, t, false), &what, 2 * k + security);
            let failed = assert_fails(&decentralized_keys(k, t, true), &what);
            assert_eq!(failed, ["security"], "{what}");
        }
    }
}

// ------------------------------------------------------- groupwise keys (models 2 and 3)

/// xorshift64*: the test's own seeded generator (the masks only need to be generic).
struct Rng(u64);

impl Rng {
    fn below(&mut self, p: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % p
    }
}

/// A group and the forms of its key's symbols.
type GroupKey = (Vec<usize>, Vec<Form>);

/// Random zero-sum masks over the group keys: for every group S (users numbered 1..n) and
/// member k, a random L × m matrix A[k,S], the last member's the negated sum of the others';
/// returns X-mask forms per user (L of them) and the key forms per group.
fn zero_sum_masks(
    n: usize,
    g: usize,
    l: usize,
    m: usize,
    p: u64,
    seed: u64,
) -> (Vec<Vec<Form>>, Vec<GroupKey>) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut masks = vec![vec![Form::new(); l]; n + 1];
    let mut keys = vec![];
    for s in subsets(n, g) {
        let name = set_name("Z", &s);
        let key: Vec<Form> = (1..=m).map(|i| unit(&name, i)).collect();
        let mut total = vec![vec![0u64; m]; l];
        for (pos, &k) in s.iter().enumerate() {
            for (r, row) in total.iter_mut().enumerate() {
                for (c, tot) in row.iter_mut().enumerate() {
                    let a = if pos + 1 < s.len() {
                        let a = rng.below(p);
                        *tot = (*tot + a) % p;
                        a
                    } else {
                        (p - *tot) % p
                    };
                    add(&mut masks[k][r], &key[c], a, p);
                }
            }
        }
        keys.push((s, key));
    }
    (masks, keys)
}

/// The rate a/b in lowest terms as (L, L_G) = (b, a).
fn lengths(num: usize, den: usize) -> (usize, usize) {
    let g = gcd(num, den);
    (den / g, num / g)
}

/// Decentralized groupwise: X[k] = W[k] + Σ_{S∋k} A[k,S] Z{S}; `short` keys have one symbol
/// fewer (all of them).
fn groupwise(k: usize, t: usize, g: usize, short: bool) -> Spec {
    let p = 10007;
    let n = k - t - 1;
    let (l, m) = if n == 1 {
        (1, 1)
    } else {
        lengths(n - 1, binom(n, g))
    };
    let m_used = if short { m - 1 } else { m };
    let mut s = Spec::new(
        "decentralized-groupwise",
        p,
        l,
        vec![
            ("users", k as i64),
            ("colluders", t as i64),
            ("group-size", g as i64),
        ],
    );
    let (masks, keys) = zero_sum_masks(k, g, l, m_used.max(1), p, 1);
    for (set, key) in &keys {
        let name = set_name("Z", set);
        if m_used == 0 {
            s.variables.push((name, vec![Form::new()]));
        } else {
            s.randomness.push((name, m_used));
        }
        let _ = key;
    }
    #[allow(clippy::needless_range_loop)] // users are numbered from 1, as in the spec
    for u in 1..=k {
        s.inputs.push(format!("W[{u}]"));
        let mut held = vec![];
        for (set, key) in &keys {
            if set.contains(&u) && m_used > 0 {
                held.extend(key.iter().cloned());
            }
        }
        if held.is_empty() {
            held.push(Form::new());
        }
        s.variables.push((format!("R[{u}]"), held));
        let x: Vec<Form> = (1..=l)
            .map(|i| {
                let mut f = unit(&format!("W[{u}]"), i);
                if m_used > 0 {
                    add(&mut f, &masks[u][i - 1], 1, p);
                }
                f
            })
            .collect();
        s.variables.push((format!("X[{u}]"), x));
    }
    s
}

#[test]
fn decentralized_groupwise_grid() {
    let mut points = vec![];
    for k in 4..=7 {
        for t in 0..=k - 3 {
            for g in 2..=k - t - 1 {
                points.push((k, t, g));
            }
        }
    }
    // The boundary T = K−2, G = 2, infeasible by the abstract, feasible in fact.
    for k in 3..=5 {
        points.push((k, k - 2, 2));
    }
    for (k, t, g) in points {
        let what = format!("decentralized-groupwise K={k} T={t} G={g}");
        let security: usize = k * (0..=t).map(|i| binom(k - 1, i)).sum::<usize>();
        assert_optimal(&groupwise(k, t, g, false), &what, 2 * k + security);
        let failed = assert_fails(&groupwise(k, t, g, true), &what);
        assert_eq!(failed, ["security"], "{what}");
    }
}

#[test]
fn groupwise_declared_region_at_the_boundaries() {
    use itsa::models::declared::{region::region_at, shipped};
    use itsa::region::Region;
    let d = shipped("decentralized-groupwise").unwrap().unwrap();
    let at = |k: i64, t: i64, g: i64| {
        region_at(&d, &[("K".into(), k), ("T".into(), t), ("G".into(), g)]).unwrap()
    };
    let rg = |r: &Region| match r {
        Region::Feasible { bounds, .. } => bounds[1].value.to_string(),
        Region::Infeasible { .. } => "infeasible".into(),
    };
    assert_eq!(rg(&at(5, 1, 2)), "2/3");
    assert_eq!(rg(&at(7, 0, 3)), "1/4");
    assert_eq!(rg(&at(3, 1, 2)), "1");
    assert_eq!(rg(&at(4, 2, 2)), "1");
    assert_eq!(rg(&at(5, 3, 3)), "infeasible");
    assert_eq!(rg(&at(5, 1, 4)), "infeasible");
    assert_eq!(rg(&at(5, 0, 1)), "infeasible");
    // Outside the declared ranges: located usage errors, not panics.
    let err = region_at(&d, &[("K".into(), 4), ("T".into(), 3), ("G".into(), 2)]).unwrap_err();
    assert!(err.to_string().contains("T <= K - 2"), "{err}");
    let err = region_at(&d, &[("K".into(), 4), ("G".into(), 2), ("Q".into(), 1)]).unwrap_err();
    assert!(err.to_string().contains("no parameter `Q`"), "{err}");
}

/// Hierarchical groupwise: users (u,v) numbered (u−1)V+v; X[u,v] = W[u,v] + masks;
/// Y[u] = Σ_v X[u,v].
fn hierarchical(u: usize, v: usize, g: usize, short: bool) -> Spec {
    let p = 10007;
    let n = u * v;
    let relay = (v, binom(n, g) - binom((u - 1) * v, g));
    let server = (u - 1, binom(n, g) - u * binom(v, g));
    // max of the two fractions
    let (num, den) = if relay.0 * server.1 >= server.0 * relay.1 {
        relay
    } else {
        server
    };
    let (l, m) = lengths(num, den);
    let m_used = if short { m - 1 } else { m };
    let mut s = Spec::new(
        "hierarchical-groupwise",
        p,
        l,
        vec![
            ("relays", u as i64),
            ("users-per-relay", v as i64),
            ("group-size", g as i64),
        ],
    );
    let (masks, keys) = zero_sum_masks(n, g, l, m_used.max(1), p, 1);
    for (set, _) in &keys {
        let name = set_name("Z", set);
        if m_used == 0 {
            s.variables.push((name, vec![Form::new()]));
        } else {
            s.randomness.push((name, m_used));
        }
    }
    for a in 1..=u {
        let mut y = vec![Form::new(); l];
        for b in 1..=v {
            let flat = (a - 1) * v + b;
            s.inputs.push(format!("W[{a},{b}]"));
            let mut held = vec![];
            for (set, key) in &keys {
                if set.contains(&flat) && m_used > 0 {
                    held.extend(key.iter().cloned());
                }
            }
            if held.is_empty() {
                held.push(Form::new());
            }
            s.variables.push((format!("R[{a},{b}]"), held));
            let x: Vec<Form> = (1..=l)
                .map(|i| {
                    let mut f = unit(&format!("W[{a},{b}]"), i);
                    if m_used > 0 {
                        add(&mut f, &masks[flat][i - 1], 1, p);
                    }
                    f
                })
                .collect();
            for (i, yi) in y.iter_mut().enumerate() {
                add(yi, &unit(&format!("X[{a},{b}]"), i + 1), 1, p);
            }
            s.variables.push((format!("X[{a},{b}]"), x));
        }
        s.variables.push((format!("Y[{a}]"), y));
    }
    s
}

#[test]
fn hierarchical_groupwise_grid() {
    for u in 2..=3 {
        for v in 1..=3 {
            for g in 2..=(u * v).min(4) {
                let what = format!("hierarchical-groupwise U={u} V={v} G={g}");
                assert_optimal(&hierarchical(u, v, g, false), &what, u * v + 2 * u + 2);
                let failed = assert_fails(&hierarchical(u, v, g, true), &what);
                assert!(!failed.is_empty(), "{what}");
            }
        }
    }
}

// ---------------------------------------------------------------------- topological

/// A basis of ker(M) over F_p (M is n × n), as column vectors.
fn kernel(mut m: Vec<Vec<u64>>, p: u64) -> Vec<Vec<u64>> {
    let n = m.len();
    let inv = |a: u64| -> u64 {
        let mut r = 1u64;
        let (mut b, mut e) = (a % p, p - 2);
        while e > 0 {
            if e & 1 == 1 {
                r = r * b % p;
            }
            b = b * b % p;
            e >>= 1;
        }
        r
    };
    let mut pivots = vec![];
    let mut row = 0;
    for col in 0..n {
        let Some(r) = (row..n).find(|&r| m[r][col] != 0) else {
            continue;
        };
        m.swap(row, r);
        let iv = inv(m[row][col]);
        for x in m[row].iter_mut() {
            *x = *x * iv % p;
        }
        let pivot_row = m[row].clone();
        for (r, other) in m.iter_mut().enumerate() {
            if r != row && other[col] != 0 {
                let f = other[col];
                for (x, y) in other.iter_mut().zip(&pivot_row) {
                    *x = (*x + p * p - f * y) % p;
                }
            }
        }
        pivots.push(col);
        row += 1;
    }
    let free: Vec<usize> = (0..n).filter(|c| !pivots.contains(c)).collect();
    free.iter()
        .map(|&f| {
            let mut v = vec![0u64; n];
            v[f] = 1;
            for (r, &pc) in pivots.iter().enumerate() {
                v[pc] = (p - m[r][f]) % p;
            }
            v
        })
        .collect()
}

/// Keys in ker(A − Λ): Z[k] = Σ_j y_j[k] S[j] over the first `keys` kernel vectors;
/// X[k] = W[k] + Z[k].
fn topological(
    n: usize,
    edges: &[(usize, usize)],
    lambda: &[u64],
    p: u64,
    d: usize,
    keys: usize,
) -> Spec {
    let mut a = vec![vec![0u64; n]; n];
    for &(x, y) in edges {
        a[x - 1][y - 1] = 1;
        a[y - 1][x - 1] = 1;
    }
    for (i, row) in a.iter_mut().enumerate() {
        row[i] = (row[i] + p - lambda[i] % p) % p;
    }
    let ker = kernel(a, p);
    assert_eq!(ker.len(), d, "ker(A − Λ) must have dimension d = {d}");
    let mut s = Spec::new(
        "topological",
        p,
        1,
        vec![("users", n as i64), ("degree", d as i64)],
    );
    s.graph = Some(edges.to_vec());
    for j in 1..=keys {
        s.randomness.push((format!("S[{j}]"), 1));
    }
    for k in 1..=n {
        s.inputs.push(format!("W[{k}]"));
        let mut z = Form::new();
        for (j, y) in ker.iter().take(keys).enumerate() {
            add(&mut z, &unit(&format!("S[{}]", j + 1), 1), y[k - 1], p);
        }
        let mut x = unit(&format!("W[{k}]"), 1);
        add(&mut x, &z, 1, p);
        s.variables.push((format!("Z[{k}]"), vec![z]));
        s.variables.push((format!("X[{k}]"), vec![x]));
    }
    s
}

fn ring(n: usize) -> Vec<(usize, usize)> {
    (1..=n).map(|k| (k, k % n + 1)).collect()
}

fn complete(n: usize) -> Vec<(usize, usize)> {
    subsets(n, 2).into_iter().map(|e| (e[0], e[1])).collect()
}

fn prism(m: usize) -> Vec<(usize, usize)> {
    let mut e = ring(m);
    e.extend(ring(m).into_iter().map(|(a, b)| (a + m, b + m)));
    e.extend((1..=m).map(|k| (k, k + m)));
    e
}

#[test]
fn topological_graphs() {
    // (name, vertices, edges, Λ, p, d): constant λ on rings (−1 when 3 | n, 0 when 4 | n,
    // λ = 3 = ω + 1/ω on C5 over F_11), Λ = −I on complete graphs, layer-constant on prisms.
    type Case = (
        &'static str,
        usize,
        Vec<(usize, usize)>,
        Vec<u64>,
        u64,
        usize,
    );
    let cases: Vec<Case> = vec![
        ("C3", 3, ring(3), vec![6; 3], 7, 2),
        ("C4", 4, ring(4), vec![0; 4], 7, 2),
        ("C5", 5, ring(5), vec![3; 5], 11, 2),
        ("C6", 6, ring(6), vec![6; 6], 7, 2),
        ("C8", 8, ring(8), vec![0; 8], 7, 2),
        ("K4", 4, complete(4), vec![6; 4], 7, 3),
        ("K5", 5, complete(5), vec![6; 5], 7, 4),
        (
            "C3xK2",
            6,
            prism(3),
            [vec![4; 3], vec![8; 3]].concat(),
            11,
            3,
        ),
        ("C4xK2", 8, prism(4), vec![1; 8], 7, 3),
    ];
    for (name, n, edges, lambda, p, d) in cases {
        let what = format!("topological {name} over F_{p}");
        assert_optimal(&topological(n, &edges, &lambda, p, d, d), &what, 3 * n);
        let failed = assert_fails(&topological(n, &edges, &lambda, p, d, d - 1), &what);
        assert!(
            failed.contains(&"security".to_string()),
            "{what}: {failed:?}"
        );
    }
}

#[test]
fn topological_rejects_a_graph_that_is_not_regular() {
    // A path 1-2-3 with d = 2 breaks the regularity constraint: a located error, not a panic.
    let mut s = topological(3, &ring(3), &[6; 3], 7, 2, 2);
    s.graph = Some(vec![(1, 2), (2, 3)]);
    let text = s.text();
    let scheme = read_spec_str(&text, "generated.toml").unwrap();
    let err = Model::from_scheme(&scheme).unwrap_err().to_string();
    assert!(err.contains("min(size(N(k)) for k in users) == d"), "{err}");
}

// ----------------------------------------------------------------- oblivious server

/// Masks N[1..K]; Z[k] = (N[k], ΣN); X[k] = W[k] + N[k]; Y[k] = ΣX. `drop_total` removes
/// N[K]; `single` gives every user only N[k] (individual key 1).
fn oblivious(k: usize, drop_total: bool, single: bool) -> Spec {
    let p = 7;
    let mut s = Spec::new("oblivious-server", p, 1, vec![("users", k as i64)]);
    let masks = if drop_total { k - 1 } else { k };
    for j in 1..=masks {
        s.randomness.push((format!("N[{j}]"), 1));
    }
    let mut sum_n = Form::new();
    for j in 1..=masks {
        add(&mut sum_n, &unit(&format!("N[{j}]"), 1), 1, p);
    }
    let mut y = Form::new();
    for u in 1..=k {
        s.inputs.push(format!("W[{u}]"));
        let own = if u <= masks {
            unit(&format!("N[{u}]"), 1)
        } else {
            Form::new()
        };
        let z = if single {
            vec![own.clone()]
        } else {
            vec![own.clone(), sum_n.clone()]
        };
        let mut x = unit(&format!("W[{u}]"), 1);
        add(&mut x, &own, 1, p);
        add(&mut y, &unit(&format!("X[{u}]"), 1), 1, p);
        s.variables.push((format!("Z[{u}]"), z));
        s.variables.push((format!("X[{u}]"), vec![x]));
    }
    for u in 1..=k {
        s.variables.push((format!("Y[{u}]"), vec![y.clone()]));
    }
    s
}

#[test]
fn oblivious_server_grid() {
    for k in 2..=6 {
        let what = format!("oblivious-server K={k}");
        assert_optimal(&oblivious(k, false, false), &what, 4 * k + 1);
        let failed = assert_fails(&oblivious(k, true, false), &what);
        assert!(
            failed.contains(&"server-security".to_string()),
            "{what}: {failed:?}"
        );
        let failed = assert_fails(&oblivious(k, false, true), &what);
        assert!(
            failed.contains(&"correctness".to_string()),
            "{what}: {failed:?}"
        );
    }
}

// ------------------------------------------------------------------ itsa region / models

fn itsa(args: &[&str]) -> (i32, String, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn itsa_models_and_region_for_the_declared_models() {
    let (code, out, _) = itsa(&["models"]);
    assert_eq!(code, 0);
    for m in [
        "decentralized-keys",
        "decentralized-groupwise",
        "hierarchical-groupwise",
        "topological",
        "oblivious-server",
    ] {
        assert!(out.contains(m), "itsa models lacks {m}:\n{out}");
    }
    // Exact values, by spec name or by symbol, with the paper reference.
    let (code, out, err) = itsa(&[
        "region",
        "hierarchical-groupwise",
        "--relays",
        "2",
        "--V",
        "2",
        "--group-size=2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("arXiv 2604.26344"), "{out}");
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("R_G   2/5")),
        "{out}"
    );
    let (code, out, _) = itsa(&["region", "decentralized-keys", "--users", "5", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["bounds"][2]["name"], "R_ZΣ");
    assert_eq!(v["bounds"][2]["value"], "4");
    let (code, out, _) = itsa(&["region", "oblivious-server", "--K", "4"]);
    assert_eq!(code, 0);
    assert!(out.contains("R_ZΣ  4"), "{out}");
    // The boundary case is feasible (itsa's finding), G ≥ 3 there is not.
    let (_, out, _) = itsa(&[
        "region",
        "decentralized-groupwise",
        "--K",
        "4",
        "--T",
        "2",
        "--G",
        "2",
    ]);
    assert!(
        out.contains("OPTIMAL REGION") && out.contains("R_G   1 "),
        "{out}"
    );
    let (code, out, _) = itsa(&[
        "region",
        "decentralized-groupwise",
        "--K",
        "5",
        "--T",
        "3",
        "--G",
        "3",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("INFEASIBLE"), "{out}");
    let (_, out, _) = itsa(&[
        "region",
        "topological",
        "--users",
        "6",
        "--degree",
        "3",
        "--latex",
    ]);
    assert!(out.contains("R_{Z_\\Sigma} &\\ge d = 3"), "{out}");
    // Bad input: exit 2 with a message, never a panic.
    for (args, msg) in [
        (
            vec!["region", "decentralized-keys", "--users", "2"],
            "must be at least 3",
        ),
        (
            vec!["region", "decentralized-keys", "--users", "x"],
            "not an integer",
        ),
        (
            vec!["region", "decentralized-keys", "--users"],
            "needs a value",
        ),
        (vec!["region", "decentralized-keys"], "missing --users"),
        (
            vec![
                "region",
                "topological",
                "--users",
                "4",
                "--degree",
                "2",
                "--girth",
                "3",
            ],
            "no parameter `girth`",
        ),
        (
            vec!["region", "no-such-model", "--K", "3"],
            "unknown model `no-such-model`",
        ),
        (
            vec![
                "region",
                "hierarchical-groupwise",
                "--U",
                "2",
                "--V",
                "1",
                "--G",
                "3",
            ],
            "G <= U * V",
        ),
    ] {
        let (code, _, err) = itsa(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn parametric_constructions_verify_on_their_grids() {
    for (spec, grid, points) in [
        (
            "specs/decentralized-keys-general.toml",
            "K=3..6, T=0..K-1",
            18,
        ),
        ("specs/oblivious-server-general.toml", "K=2..6", 5),
        (
            "specs/decentralized-groupwise-general.toml",
            "K=4..6, T=0..K-3, G=2..K-T-1",
            19,
        ),
        (
            "specs/decentralized-groupwise-general.toml",
            "K=3..5, T=K-2, G=2",
            3,
        ),
        (
            "specs/hierarchical-groupwise-general.toml",
            "U=2..3, V=1..2, G=2..min(U*V, 4)",
            9,
        ),
        (
            "specs/topological-ring-general.toml",
            "K={3, 4, 6, 8, 9, 12}",
            6,
        ),
    ] {
        let (code, out, err) = itsa(&["verify", spec, "--grid", grid]);
        assert_eq!(code, 0, "{spec} {grid}: {out}{err}");
        let summary = format!("grid: {points} point(s): {points} verified, 0 violated");
        assert!(out.contains(&summary), "{spec} {grid}: {out}");
        let verified: Vec<&str> = out.lines().filter(|l| l.contains(" VERIFIED ")).collect();
        assert_eq!(verified.len(), points, "{out}");
        for l in verified {
            assert!(
                !l.contains("BELOW") && !l.contains('+'),
                "{spec}: not optimal: {l}"
            );
        }
    }
}

#[test]
fn a_graph_formula_that_is_not_an_edge_set_is_a_located_error() {
    let text = std::fs::read_to_string("specs/topological-ring-general.toml").unwrap();
    let dir = std::env::temp_dir().join(format!("itsa-new-models-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (graph, msg) in [
        (
            "N = \"{k for k in 1..K}\"",
            "graph `N`: `1` is not a pair of vertices",
        ),
        (
            "N = \"{(k, mod(k, K) + 1) for k in 1..Q}\"",
            "unknown name `Q`",
        ),
    ] {
        let bad: String = text
            .lines()
            .map(|l| if l.starts_with("N = ") { graph } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        let path = dir.join("bad-graph.toml");
        std::fs::write(&path, bad).unwrap();
        let (code, _, err) = itsa(&["verify", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(msg) && err.contains("bad-graph.toml:23:"),
            "{err}"
        );
    }
    // The expansion writes the evaluated edge list, and the flat spec verifies the same way.
    let (code, out, _) = itsa(&[
        "expand",
        "specs/topological-ring-general.toml",
        "--set",
        "K=6",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("N = [[1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [6, 1]]"),
        "{out}"
    );
    let flat = dir.join("ring6.toml");
    std::fs::write(&flat, out).unwrap();
    let (code, out, _) = itsa(&["verify", flat.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("18 checks, 0 failed"), "{out}");
}
