//! Exact certificates. A certificate is a list of rows with rational weights y_i (y_i ≥ 0
//! on inequality rows, any sign on equality rows) such that Σ y_i·row_i equals the
//! objective identically in every LP column. Then for every feasible h,
//! objective(h) = Σ y_i·lhs_i(h) ≥ Σ y_i·rhs_i = bound — a proof checkable by hand.
//!
//! The weights come from the LP's floating-point duals: rationalised with small
//! denominators; if that does not verify (an interior-point dual is dense and carries
//! ~1e-9 noise), a vertex of the dual optimal face is found on the duals' support by the
//! simplex method and rationalised; failing that, the weights are re-solved exactly on the
//! support (a small Gaussian elimination over BigRational, local to certificates: the
//! crate's elimination routine works over F_p). Only exact verification makes a bound proved.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::lp::{self, Lp};

/// Duals below this magnitude are treated as zero.
const SUPPORT_EPS: f64 = 1e-7;

/// Relaxation of the inequality rows in the ranking solve (times 1..2, per row).
pub const PERTURBATION: f64 = 1e-5;

#[derive(Clone, Debug)]
pub struct Certificate {
    /// (row index, weight), weights nonzero.
    pub weights: Vec<(usize, BigRational)>,
    /// Σ y_i·rhs_i.
    pub bound: BigRational,
    /// How the weights were obtained: "rounded duals" or "exact re-solve on the dual support".
    pub method: &'static str,
}

/// Why no certificate could be verified.
#[derive(Clone, Debug)]
pub struct Failure {
    pub reason: String,
}

/// Turn floating-point duals into an exactly verified certificate, or say why not.
pub fn certify(lp: &Lp, duals: &[f64]) -> Result<Certificate, Failure> {
    certify_with(lp, duals, None)
}

/// [`certify`]; with a backend, a large dual support is ranked for the vertex search by
/// the duals of one more solve with tie-breaking perturbed rows ([`lp::solve_perturbed`]).
pub fn certify_with(
    lp: &Lp,
    duals: &[f64],
    backend: Option<lp::Backend>,
) -> Result<Certificate, Failure> {
    certify_ranked(lp, duals, || {
        backend.and_then(|b| {
            lp::solve_perturbed(lp, b, PERTURBATION)
                .ok()
                .map(|p| p.duals)
        })
    })
}

/// [`certify_with`] with the perturbed duals supplied by `perturbed` (called only when the
/// support is large): the caller may already hold them ([`certify_claim`] fell short).
pub fn certify_ranked(
    lp: &Lp,
    duals: &[f64],
    perturbed: impl FnOnce() -> Option<Vec<f64>>,
) -> Result<Certificate, Failure> {
    let sign = orientation(lp, duals);
    let y: Vec<f64> = duals.iter().map(|d| d * sign).collect();
    let support: Vec<usize> = (0..y.len()).filter(|&i| y[i].abs() > SUPPORT_EPS).collect();
    let rounded: Vec<(usize, BigRational)> = support
        .iter()
        .map(|&i| (i, rationalise(y[i], 1_000_000)))
        .filter(|(_, v)| !v.is_zero())
        .collect();
    if let Ok(c) = verify(lp, &rounded, "rounded duals") {
        return Ok(c);
    }
    // The interior-point dual lies in the relative interior of the optimal face: its support
    // holds every row any optimal dual uses, so a vertex found there is optimal for the LP.
    let bound: f64 = support.iter().map(|&i| y[i] * lp.rows[i].rhs as f64).sum();
    let debug = std::env::var_os("ITSA_BOUND_DEBUG").is_some();
    if debug {
        eprintln!(
            "[bound] rounded duals on {} rows do not verify; dual vertex search",
            support.len()
        );
    }
    // A large support (clarabel's dual is dense on a degenerate LP: tens of thousands of rows
    // at K = 6) makes the simplex slow; a vertex needs at most one row per column, so first
    // try the rows with the largest float duals (all non-elemental rows included), doubling
    // until a vertex there proves the LP's value, then the whole support. Any certificate
    // found is verified exactly, so the choice of rows only affects speed.
    // Rank by the duals of the perturbed solve when the support is large: they concentrate
    // on one vertex of the (same) dual polytope; else by the duals themselves.
    let mut key: Vec<f64> = y.clone();
    let mut ranked: Vec<usize> = support.clone();
    if support.len() > 2 * lp.cols() {
        let t = std::time::Instant::now();
        if let Some(p) = perturbed() {
            let s = orientation(lp, &p);
            key = p.iter().map(|d| d * s).collect();
            let mut extra: Vec<usize> = (0..key.len())
                .filter(|&i| key[i].abs() > SUPPORT_EPS && y[i].abs() <= SUPPORT_EPS)
                .collect();
            ranked.append(&mut extra);
            if debug {
                eprintln!(
                    "[bound] perturbed solve for the ranking: {:.2} s, {} rows above {SUPPORT_EPS}",
                    t.elapsed().as_secs_f64(),
                    key.iter().filter(|v| v.abs() > SUPPORT_EPS).count()
                );
            }
        }
    }
    rank(lp, &mut ranked, &key);
    // The float value is only ~1e-6 accurate (an interior point): a part's vertex is taken
    // when it reaches the simplest fraction near it, or the value within that accuracy.
    let target = rationalise(bound, 1000);
    let slack = 1e-6 * bound.abs().max(1.0);
    let accept = |c: &Certificate| c.bound >= target || approx(&c.bound) >= bound - slack;
    if let Some(c) = vertex_search(
        lp,
        &ranked,
        support.len(),
        bound,
        lp.cols().max(64),
        usize::MAX,
        accept,
    ) {
        return Ok(c);
    }
    let solved = solve_on_support(lp, &support, &y).ok_or_else(|| Failure {
        reason: format!(
            "the dual support ({} rows) admits no exact solution of Σ y_i·row_i = objective",
            support.len()
        ),
    })?;
    verify(lp, &solved, "exact re-solve on the dual support").map_err(|reason| Failure { reason })
}

/// Order rows for the vertex search: the model's own rows first, then by |key| descending.
fn rank(lp: &Lp, rows: &mut [usize], key: &[f64]) {
    rows.sort_by(|&a, &b| {
        let elemental = |i: usize| {
            matches!(
                lp.rows[i].origin,
                lp::Origin::Monotone(_) | lp::Origin::Submodular(..)
            )
        };
        elemental(a)
            .cmp(&elemental(b))
            .then(key[b].abs().total_cmp(&key[a].abs()))
    });
}

/// Dual vertices on growing prefixes of `ranked` (`start` rows first, then doubling, at most
/// `limit` rows): the first exact certificate `accept` takes, or on the whole of `ranked`
/// the vertex found there (optimal when `ranked` holds the whole dual support). `bound` is the
/// float value the vertex search aims at; `support` is only for the debug line.
fn vertex_search(
    lp: &Lp,
    ranked: &[usize],
    support: usize,
    bound: f64,
    start: usize,
    limit: usize,
    accept: impl Fn(&Certificate) -> bool,
) -> Option<Certificate> {
    let debug = std::env::var_os("ITSA_BOUND_DEBUG").is_some();
    let mut size = start;
    loop {
        let full = size >= ranked.len();
        let mut part: Vec<usize> = ranked[..size.min(ranked.len())].to_vec();
        part.sort_unstable();
        let t = std::time::Instant::now();
        let found = lp::vertex_dual(lp, &part, bound, false)
            .map_err(|e| e.to_string())
            .and_then(|v| exact_vertex(lp, &v, "dual vertex on the support (simplex)"));
        if debug {
            eprintln!(
                "[bound] vertex search on {} of {support} support rows: {:.2} s, {}",
                part.len(),
                t.elapsed().as_secs_f64(),
                match &found {
                    Ok(c) => format!("{} rows, bound {}", c.weights.len(), c.bound),
                    Err(e) => e.clone(),
                }
            );
        }
        match found {
            // On the whole support the vertex is optimal; on a part, only if accepted.
            Ok(c) if full || accept(&c) => return Some(c),
            _ if full || size >= limit => return None,
            _ => size *= 2,
        }
    }
}

/// One solve for a claim on a large LP: the duals of the LP with tie-breaking relaxed rows
/// ([`lp::solve_perturbed`]) lie on (generically) one vertex of the true dual polytope, so a
/// vertex search on their largest rows usually gives an exact certificate straight away;
/// returned only when it proves `claim` (else the caller solves the LP as usual).
pub fn certify_claim(
    lp: &Lp,
    perturbed_duals: &[f64],
    perturbed_value: f64,
    claim: &BigRational,
) -> Option<Certificate> {
    let sign = orientation(lp, perturbed_duals);
    let key: Vec<f64> = perturbed_duals.iter().map(|d| d * sign).collect();
    let mut ranked: Vec<usize> = (0..key.len())
        .filter(|&i| key[i].abs() > SUPPORT_EPS)
        .collect();
    rank(lp, &mut ranked, &key);
    // Tie-broken duals concentrate on one vertex, usually of far fewer rows than columns: start
    // small (K = 5 `X[1]`: 256 rows gave a 42-row certificate in 0.02 s, against 1.9 s for a
    // 108-row one when starting at one row per column); failed prefixes cost at most as much
    // again as the last one.
    // The search also stops at a vertex reaching the (relaxed) LP's value: no larger prefix
    // can prove more, so a claim above it is left to the plain solve (a false claim would
    // otherwise run the simplex on ever larger prefixes: K = 6 `RZsum ≥ 6`, > 5 minutes).
    let limit = 4 * lp.cols().max(64);
    let reached = |c: &Certificate| approx(&c.bound) >= perturbed_value - 1e-6;
    vertex_search(lp, &ranked, ranked.len(), approx(claim), 64, limit, |c| {
        &c.bound >= claim || reached(c)
    })
    .filter(|c| &c.bound >= claim)
}

fn rounded_weights(y: &[f64]) -> Vec<(usize, BigRational)> {
    (0..y.len())
        .filter(|&i| y[i].abs() > SUPPORT_EPS)
        .map(|i| (i, rationalise(y[i], 1_000_000)))
        .filter(|(_, v)| !v.is_zero())
        .collect()
}

/// The fewest-weight certificate proving `bound`: minimise Σ|y_i| over the float dual's
/// support (which contains every optimal dual's support), then verify exactly.
pub fn shortest(lp: &Lp, duals: &[f64], bound: &BigRational) -> Result<Certificate, Failure> {
    let support: Vec<usize> = (0..duals.len())
        .filter(|&i| duals[i].abs() > SUPPORT_EPS)
        .collect();
    let target = approx(bound);
    let v = lp::vertex_dual(lp, &support, target, true).map_err(|e| Failure {
        reason: e.to_string(),
    })?;
    let mut best = exact_vertex(lp, &v, "fewest-weight dual (simplex)")
        .map_err(|reason| Failure { reason })?;
    // Fewer rows: reweighted ℓ1 (cost 1/(|y_k| + δ) from the last vertex), a few rounds on the
    // same support; a round's vertex replaces the best only if it verifies exactly, proves
    // as much and has fewer rows.
    let mut last = v;
    for _ in 0..REWEIGHT_ROUNDS {
        let costs: Vec<f64> = support
            .iter()
            .map(|&i| 1.0 / (last[i].abs() + REWEIGHT_DELTA))
            .collect();
        let Ok(v) = lp::vertex_dual_weighted(lp, &support, target, true, Some(&costs)) else {
            break;
        };
        if let Ok(c) = exact_vertex(lp, &v, "fewest-row dual (simplex, reweighted ℓ1)") {
            if c.bound >= *bound && c.weights.len() < best.weights.len() {
                best = c;
            } else if c.weights.len() >= best.weights.len() {
                break;
            }
        }
        last = v;
    }
    Ok(best)
}

/// Rounds of reweighted ℓ1 in [`shortest`], and the δ in its costs 1/(|y| + δ).
const REWEIGHT_ROUNDS: usize = 4;
const REWEIGHT_DELTA: f64 = 1e-3;

/// A simplex vertex in floating point → exact weights: rounded, or else re-solved exactly
/// on the vertex's support (its rows are linearly independent at a vertex, so the exact
/// solution there is unique and is the vertex itself).
fn exact_vertex(lp: &Lp, v: &[f64], method: &'static str) -> Result<Certificate, String> {
    if let Ok(c) = verify(lp, &rounded_weights(v), method) {
        return Ok(c);
    }
    let support: Vec<usize> = (0..v.len()).filter(|&i| v[i].abs() > 1e-9).collect();
    let solved = solve_on_support(lp, &support, v).ok_or_else(|| {
        format!(
            "the vertex's {} rows admit no exact solution",
            support.len()
        )
    })?;
    verify(lp, &solved, method)
}

/// good_lp reports shadow prices; pick the sign under which Σ y_i·row_i ≈ objective.
fn orientation(lp: &Lp, duals: &[f64]) -> f64 {
    let mut acc = vec![0.0; lp.cols()];
    for (r, &d) in lp.rows.iter().zip(duals) {
        for &(j, c) in &r.coefs {
            acc[j] += d * c as f64;
        }
    }
    let err = |s: f64| -> f64 {
        acc.iter()
            .zip(&lp.objective)
            .map(|(a, &c)| (s * a - c as f64).abs())
            .sum()
    };
    if err(1.0) <= err(-1.0) {
        1.0
    } else {
        -1.0
    }
}

/// Exact check: signs, and Σ y_i·row_i = objective in every column.
pub fn verify(
    lp: &Lp,
    weights: &[(usize, BigRational)],
    method: &'static str,
) -> Result<Certificate, String> {
    let mut acc: BTreeMap<usize, BigRational> = BTreeMap::new();
    let mut bound = BigRational::zero();
    for (i, y) in weights {
        let row = &lp.rows[*i];
        if !row.equality && y.is_negative() {
            return Err(format!("inequality row {i} has negative weight {y}"));
        }
        for &(j, c) in &row.coefs {
            *acc.entry(j).or_insert_with(BigRational::zero) +=
                y * BigRational::from(BigInt::from(c));
        }
        bound += y * BigRational::from(BigInt::from(row.rhs));
    }
    for j in 0..lp.cols() {
        let want = BigRational::from(BigInt::from(lp.objective[j]));
        let got = acc.get(&j).cloned().unwrap_or_else(BigRational::zero);
        if got != want {
            return Err(format!(
                "column {j}: the weighted rows give {got}, the objective has {want}"
            ));
        }
    }
    Ok(Certificate {
        weights: weights.to_vec(),
        bound,
        method,
    })
}

/// Best rational approximation with denominator ≤ max_den (continued fractions).
pub fn rationalise(x: f64, max_den: i64) -> BigRational {
    let neg = x < 0.0;
    let mut v = x.abs();
    let (mut p0, mut q0, mut p1, mut q1) = (0i64, 1i64, 1i64, 0i64);
    for _ in 0..40 {
        let a = v.floor();
        if a > 1e12 {
            break;
        }
        let a = a as i64;
        let (p2, q2) = (a * p1 + p0, a * q1 + q0);
        if q2 > max_den {
            break;
        }
        (p0, q0, p1, q1) = (p1, q1, p2, q2);
        let frac = v - a as f64;
        // Stop at the first convergent within the LP's accuracy: the duals carry ~1e-9 noise.
        if frac < 1e-12 || (p1 as f64 / q1 as f64 - x.abs()).abs() < 1e-9 * x.abs().max(1.0) {
            break;
        }
        v = 1.0 / frac;
    }
    if q1 == 0 {
        return BigRational::zero();
    }
    let r = BigRational::new(BigInt::from(p1), BigInt::from(q1));
    if neg {
        -r
    } else {
        r
    }
}

/// Solve Σ_{i∈support} y_i·row_i = objective exactly; free unknowns keep their rounded
/// float values. Returns None when the system is inconsistent.
fn solve_on_support(lp: &Lp, support: &[usize], y: &[f64]) -> Option<Vec<(usize, BigRational)>> {
    // Equations: one per column touched by the support or the objective.
    let mut cols: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in support {
        for &(j, _) in &lp.rows[i].coefs {
            let next = cols.len();
            cols.entry(j).or_insert(next);
        }
    }
    for (j, &c) in lp.objective.iter().enumerate() {
        if c != 0 && !cols.contains_key(&j) {
            return None;
        }
    }
    let s = support.len();
    // Sparse equations: unknown index ↦ coefficient; the right-hand side under key `s`.
    let mut m: Vec<BTreeMap<usize, BigRational>> = vec![BTreeMap::new(); cols.len()];
    for (k, &i) in support.iter().enumerate() {
        for &(j, c) in &lp.rows[i].coefs {
            m[cols[&j]].insert(k, BigRational::from(BigInt::from(c)));
        }
    }
    for (&j, &e) in &cols {
        if lp.objective[j] != 0 {
            m[e].insert(s, BigRational::from(BigInt::from(lp.objective[j])));
        }
    }
    let preferred: Vec<BigRational> = support.iter().map(|&i| rationalise(y[i], 1000)).collect();
    let x = solve_exact(m, &preferred)?;
    Some(
        support
            .iter()
            .copied()
            .zip(x)
            .filter(|(_, v)| !v.is_zero())
            .collect(),
    )
}

/// Sparse Gauss–Jordan on equations Σ_k a_k x_k = rhs (rhs under key `unknowns`); free
/// unknowns are set to `preferred`. None when inconsistent.
fn solve_exact(
    mut m: Vec<BTreeMap<usize, BigRational>>,
    preferred: &[BigRational],
) -> Option<Vec<BigRational>> {
    let unknowns = preferred.len();
    let mut pivots: Vec<(usize, usize)> = vec![];
    let mut used = vec![false; m.len()];
    for col in 0..unknowns {
        // The shortest unused equation containing `col` keeps fill-in small.
        let Some(p) = (0..m.len())
            .filter(|&r| !used[r] && m[r].contains_key(&col))
            .min_by_key(|&r| m[r].len())
        else {
            continue;
        };
        used[p] = true;
        let inv = BigRational::one() / &m[p][&col];
        for v in m[p].values_mut() {
            *v *= &inv;
        }
        let pivot_row = m[p].clone();
        for (r, line) in m.iter_mut().enumerate() {
            if r == p {
                continue;
            }
            let Some(f) = line.get(&col).cloned() else {
                continue;
            };
            for (k, pv) in &pivot_row {
                let e = line.entry(*k).or_insert_with(BigRational::zero);
                *e -= &f * pv;
                if e.is_zero() {
                    line.remove(k);
                }
            }
        }
        pivots.push((p, col));
    }
    // Inconsistent: an equation left with only a nonzero right-hand side.
    if m.iter().any(|l| l.len() == 1 && l.contains_key(&unknowns)) {
        return None;
    }
    let mut x = preferred.to_vec();
    let pivot_cols: std::collections::HashSet<usize> = pivots.iter().map(|&(_, c)| c).collect();
    for &(r, c) in &pivots {
        let mut v = m[r]
            .get(&unknowns)
            .cloned()
            .unwrap_or_else(BigRational::zero);
        for (k, a) in &m[r] {
            if *k != c && *k != unknowns && !pivot_cols.contains(k) {
                v -= a * &preferred[*k];
            }
        }
        x[c] = v;
    }
    Some(x)
}

/// An exactly feasible point near the LP's optimum: the column values rounded to fractions,
/// every row checked exactly. Returns its objective value; it shows that no Shannon-type
/// argument from these constraints proves more than that value.
pub fn witness(lp: &Lp, primal: &[f64]) -> Option<BigRational> {
    let x: Vec<BigRational> = primal.iter().map(|&v| rationalise(v, 10_000)).collect();
    for r in &lp.rows {
        let lhs: BigRational = r
            .coefs
            .iter()
            .map(|&(j, c)| &x[j] * BigRational::from(BigInt::from(c)))
            .sum();
        let rhs = BigRational::from(BigInt::from(r.rhs));
        if (r.equality && lhs != rhs) || (!r.equality && lhs < rhs) {
            return None;
        }
    }
    Some(
        lp.objective
            .iter()
            .zip(&x)
            .map(|(&c, v)| v * BigRational::from(BigInt::from(c)))
            .sum(),
    )
}

/// A float for display (JSON keeps the exact string).
pub fn approx(r: &BigRational) -> f64 {
    r.numer().to_f64().unwrap_or(f64::NAN) / r.denom().to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rationalise_recovers_small_fractions() {
        assert_eq!(rationalise(0.5, 1000), BigRational::new(1.into(), 2.into()));
        assert_eq!(
            rationalise(-2.0 / 3.0 + 1e-12, 1000),
            BigRational::new((-2).into(), 3.into())
        );
        assert_eq!(rationalise(3.0, 1000), BigRational::from_integer(3.into()));
        assert!(rationalise(1e-13, 1000).is_zero());
    }

    #[test]
    fn exact_solver_detects_inconsistency_and_solves() {
        let r = |a: i64| BigRational::from_integer(a.into());
        let eq = |v: &[(usize, i64)]| {
            v.iter()
                .map(|&(k, a)| (k, r(a)))
                .collect::<BTreeMap<_, _>>()
        };
        // x + y = 2, x − y = 0 → x = y = 1.
        let m = vec![eq(&[(0, 1), (1, 1), (2, 2)]), eq(&[(0, 1), (1, -1)])];
        assert_eq!(solve_exact(m, &[r(0), r(0)]), Some(vec![r(1), r(1)]));
        // x = 1, x = 2: inconsistent.
        let m = vec![eq(&[(0, 1), (1, 1)]), eq(&[(0, 1), (1, 2)])];
        assert_eq!(solve_exact(m, &[r(0)]), None);
        // x + y = 1 with y free (preferred 1/2) → x = 1/2.
        let m = vec![eq(&[(0, 1), (1, 1), (2, 1)])];
        let half = BigRational::new(1.into(), 2.into());
        assert_eq!(
            solve_exact(m, &[r(0), half.clone()]),
            Some(vec![half.clone(), half])
        );
    }
}
