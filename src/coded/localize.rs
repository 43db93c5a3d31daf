//! Robustness for real (docs/coded-computing.md#robustness): simulate the NS-LCC computation with precision
//! noise and Byzantine errors, localize the errors with the DCT code's syndrome and an
//! error-locator polynomial, and estimate the average localization-error probability P̄_e (10)
//! by seeded Monte Carlo. Floating point throughout.
//!
//! Decoder (Wu & Shiu style, in the Chebyshev basis). With θ_i = (2i−1)π/(2N) and x_i = cos θ_i
//! = β_i, a polynomial of degree < k evaluated at the β's has S_q = Σ_i y_i cos(qθ_i) = 0 for
//! k ≤ q ≤ 2N−k (discrete orthogonality), so S_q of the received vector depends on the errors
//! and the noise only. The locator Λ(x) = Π_{e∈ℰ}(x − β_e) = Σ_j λ_j T_j(x) vanishes on ℰ, and
//! T_m T_j = (T_{m+j} + T_{|m−j|})/2 gives Σ_j λ_j (S_{m+j} + S_{|m−j|}) = 0 for
//! m = k+A … N−1: N−k−A equations in A+1 unknowns (hence N − k ≥ 2A, Proposition 3 with no
//! stragglers). λ̂ is the right singular vector of the smallest singular value (exact null
//! vector when σ_p = 0, least-squares under noise). The A candidate indices with the smallest
//! |Λ̂(β_i)| are declared the error locations.

use nalgebra::DMatrix;
use rayon::prelude::*;
use serde::Serialize;

use super::encoding::Encoding;
use super::CodedError;
use crate::construct::SplitMix64;

/// The parameters of the robustness simulation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Robust {
    /// deg f of the computed polynomial (random N(0,1) coefficients each trial).
    pub degree: usize,
    /// A: number of Byzantine workers, placed uniformly among the unreliable indices.
    pub byzantine: usize,
    /// σ_p: precision noise std, added by every worker.
    pub sigma_p: f64,
    /// Byzantine error e_i ~ N(0, error_std²).
    pub error_std: f64,
    /// Data entries uniform in [−c, c]; encoding noise N(0, σ_n²).
    pub c: f64,
    pub sigma_n: f64,
    pub trials: usize,
    pub seed: u64,
}

/// Uniform in [0, 1) with 53 bits.
fn unit(r: &mut SplitMix64) -> f64 {
    (r.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal by Box–Muller (one of the pair; simple and reproducible).
pub fn gaussian(r: &mut SplitMix64) -> f64 {
    let u1 = 1.0 - unit(r); // (0, 1]: log is finite
    let u2 = unit(r);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Everything fixed across trials: the encoding, the code dimension k = deg f·(K+T−1) + 1 and
/// the cosine table cos(qθ_i), q < N + A.
#[derive(Debug, Clone)]
pub struct Localizer {
    pub enc: Encoding,
    pub robust: Robust,
    pub code_dim: usize,
    cos: Vec<Vec<f64>>,
}

/// One simulated round.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// True error locations ℰ (sorted, 1-based).
    pub errors: Vec<u32>,
    /// Declared error locations ℰ̂ (sorted, 1-based).
    pub found: Vec<u32>,
}

impl Localizer {
    pub fn new(enc: Encoding, robust: Robust) -> Result<Self, CodedError> {
        let (n, a) = (enc.n, robust.byzantine);
        if robust.degree == 0 {
            return Err(CodedError::Param("deg f must be at least 1".into()));
        }
        // Checked: huge --degree / --byzantine values must be refused, not overflow.
        let need = robust
            .degree
            .checked_mul((enc.k + enc.t).saturating_sub(1))
            .and_then(|d| d.checked_add(1))
            .and_then(|d| a.checked_mul(2).and_then(|a2| d.checked_add(a2)));
        let Some(need) = need else {
            return Err(CodedError::Param(format!(
                "N = {n} workers cannot localize A = {a} errors with deg f = {}: need N ≥ deg f·(K+T−1) + 1 + 2A (Proposition 3, no stragglers)",
                robust.degree
            )));
        };
        let code_dim = need - 2 * a;
        if a == 0 {
            return Err(CodedError::Param(
                "A (Byzantine workers) must be at least 1 to localize errors".into(),
            ));
        }
        if n < code_dim + 2 * a {
            return Err(CodedError::Param(format!(
                "N = {n} workers cannot localize A = {a} errors: need N ≥ deg f·(K+T−1) + 1 + 2A = {} (Proposition 3, no stragglers)",
                code_dim + 2 * a
            )));
        }
        if !(robust.sigma_p >= 0.0
            && robust.error_std > 0.0
            && robust.sigma_n > 0.0
            && robust.c > 0.0)
        {
            return Err(CodedError::Param(
                "need σ_p ≥ 0 and error std, σ_n, c > 0".into(),
            ));
        }
        let theta: Vec<f64> = (1..=n)
            .map(|i| (2 * i - 1) as f64 * std::f64::consts::PI / (2 * n) as f64)
            .collect();
        let cos = (0..n + a)
            .map(|q| theta.iter().map(|t| (q as f64 * t).cos()).collect())
            .collect();
        Ok(Self {
            enc,
            robust,
            code_dim,
            cos,
        })
    }

    /// The received vector y_i = f(u(β_i)) + e_i·1[i ∈ ℰ] + ν_i for one matrix entry.
    fn receive(&self, rng: &mut SplitMix64, errors: &[u32]) -> Vec<f64> {
        let (enc, r) = (&self.enc, &self.robust);
        let mut v: Vec<f64> = (0..enc.k).map(|_| r.c * (2.0 * unit(rng) - 1.0)).collect();
        v.extend((0..enc.t).map(|_| r.sigma_n * gaussian(rng)));
        let coef: Vec<f64> = (0..=r.degree).map(|_| gaussian(rng)).collect();
        let mut y: Vec<f64> = enc
            .basis
            .iter()
            .map(|l| {
                let u: f64 = l.iter().zip(&v).map(|(a, b)| a * b).sum();
                coef.iter().rev().fold(0.0, |acc, c| acc * u + c) + r.sigma_p * gaussian(rng)
            })
            .collect();
        for &e in errors {
            y[e as usize - 1] += r.error_std * gaussian(rng);
        }
        y
    }

    /// λ̂ in the Chebyshev basis from the received vector.
    fn locator(&self, y: &[f64]) -> Vec<f64> {
        let (n, a, k) = (self.enc.n, self.robust.byzantine, self.code_dim);
        let s = |q: usize| -> f64 { self.cos[q].iter().zip(y).map(|(c, v)| c * v).sum() };
        let syn: Vec<f64> = (0..n + a)
            .map(|q| if q >= k { s(q) } else { 0.0 })
            .collect();
        let rows = n - k - a;
        // Zero rows keep the matrix at least square so the thin SVD still holds the null vector.
        let mut m = DMatrix::zeros(rows.max(a + 1), a + 1);
        for (r, mm) in (k + a..n).enumerate() {
            for j in 0..=a {
                m[(r, j)] = syn[mm + j] + syn[mm.abs_diff(j)];
            }
        }
        let svd = m.svd(false, true);
        let v_t = svd.v_t.expect("requested V^T");
        let (imin, _) = svd
            .singular_values
            .iter()
            .enumerate()
            .min_by(|x, y| x.1.total_cmp(y.1))
            .expect("A + 1 ≥ 2 singular values");
        v_t.row(imin).iter().copied().collect()
    }

    /// |Λ̂(β_i)| = |Σ_j λ̂_j cos(jθ_i)| for a 1-based index i.
    fn locator_abs(&self, lambda: &[f64], i: u32) -> f64 {
        lambda
            .iter()
            .enumerate()
            .map(|(j, l)| l * self.cos[j][i as usize - 1])
            .sum::<f64>()
            .abs()
    }

    /// The A candidates with the smallest |Λ̂| (ties: smaller index), sorted.
    pub fn localize(&self, y: &[f64], candidates: &[u32]) -> Vec<u32> {
        let lambda = self.locator(y);
        let mut scored: Vec<(f64, u32)> = candidates
            .iter()
            .map(|&i| (self.locator_abs(&lambda, i), i))
            .collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut found: Vec<u32> = scored
            .iter()
            .take(self.robust.byzantine)
            .map(|p| p.1)
            .collect();
        found.sort_unstable();
        found
    }

    /// Trial number t on index set `set` (the unreliable workers' indices): ℰ uniform among
    /// the A-subsets of `set`. Trial t draws the same random numbers for every set (common
    /// random numbers), so comparisons between sets are not swamped by sampling noise.
    pub fn trial(&self, set: &[u32], t: u64) -> Trial {
        let mut rng =
            SplitMix64(self.robust.seed ^ t.wrapping_mul(0xD1B5_4A32_D192_ED03).rotate_left(17));
        let mut pool = set.to_vec();
        for i in 0..self.robust.byzantine {
            let j = i + rng.below((pool.len() - i) as u64) as usize;
            pool.swap(i, j);
        }
        let mut errors = pool[..self.robust.byzantine].to_vec();
        errors.sort_unstable();
        let y = self.receive(&mut rng, &errors);
        let found = self.localize(&y, set);
        Trial { errors, found }
    }

    /// Monte Carlo estimate of P̄_e(set) (10) over `trials` seeded trials, in parallel.
    pub fn estimate(&self, set: &[u32]) -> Result<Estimate, CodedError> {
        if set.len() < self.robust.byzantine {
            return Err(CodedError::Param(format!(
                "the index set has {} elements, fewer than A = {}",
                set.len(),
                self.robust.byzantine
            )));
        }
        let n = self.robust.trials as u64;
        let failures: u64 = (0..n)
            .into_par_iter()
            .map(|t| {
                let tr = self.trial(set, t);
                u64::from(tr.errors != tr.found)
            })
            .sum();
        Ok(Estimate::new(failures, n))
    }
}

/// A Monte Carlo proportion with its 95% Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub failures: u64,
    pub trials: u64,
    pub p: f64,
    pub ci95: (f64, f64),
}

impl Estimate {
    pub fn new(failures: u64, trials: u64) -> Self {
        let n = trials.max(1) as f64;
        let p = failures as f64 / n;
        let z = 1.959_963_984_540_054_f64;
        let denom = 1.0 + z * z / n;
        let centre = (p + z * z / (2.0 * n)) / denom;
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
        // The exact ends: no failure seen means the interval starts at 0 (and all means 1).
        let lo = if failures == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        };
        let hi = if failures >= trials {
            1.0
        } else {
            (centre + half).min(1.0)
        };
        Self {
            failures,
            trials,
            p,
            ci95: (lo, hi),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(sigma_p: f64, a: usize, trials: usize) -> Localizer {
        let r = Robust {
            degree: 2,
            byzantine: a,
            sigma_p,
            error_std: 1.0,
            c: 1.0,
            sigma_n: 1.0,
            trials,
            seed: 7,
        };
        Localizer::new(Encoding::new(3, 3, 21).unwrap(), r).unwrap()
    }

    #[test]
    fn gaussian_has_unit_moments() {
        let mut r = SplitMix64(3);
        let xs: Vec<f64> = (0..20000).map(|_| gaussian(&mut r)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / xs.len() as f64;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
    }

    #[test]
    fn codewords_have_zero_syndrome_and_errors_do_not() {
        let l = loc(0.0, 2, 1);
        let mut rng = SplitMix64(1);
        let clean = l.receive(&mut rng, &[]);
        let syn: f64 = (l.code_dim..21)
            .map(|q| {
                l.cos[q]
                    .iter()
                    .zip(&clean)
                    .map(|(c, v)| c * v)
                    .sum::<f64>()
                    .abs()
            })
            .fold(0.0, f64::max);
        assert!(syn < 1e-9, "codeword syndrome {syn}");
        let mut rng = SplitMix64(1);
        let dirty = l.receive(&mut rng, &[5, 9]);
        let syn: f64 = (l.code_dim..21)
            .map(|q| {
                l.cos[q]
                    .iter()
                    .zip(&dirty)
                    .map(|(c, v)| c * v)
                    .sum::<f64>()
                    .abs()
            })
            .fold(0.0, f64::max);
        assert!(syn > 1e-3, "error syndrome {syn}");
    }

    #[test]
    fn exact_localization_without_precision_noise() {
        // σ_p = 0: every injected error pattern is found exactly, even among all 21 indices.
        for a in [1, 2, 3, 5] {
            let l = loc(0.0, a, 200);
            let all: Vec<u32> = (1..=21).collect();
            for t in 0..200 {
                let tr = l.trial(&all, t);
                assert_eq!(tr.errors, tr.found, "A={a} trial {t}");
            }
            assert_eq!(l.estimate(&[4, 11, 12, 13, 14, 15]).unwrap().failures, 0);
        }
    }

    #[test]
    fn localization_degrades_with_precision_noise() {
        let set: Vec<u32> = vec![1, 3, 5, 7, 8, 10, 11, 12, 14, 15, 17, 20];
        let ps: Vec<f64> = [1e-4, 1e-2, 1e-1]
            .iter()
            .map(|&s| loc(s, 2, 400).estimate(&set).unwrap().p)
            .collect();
        assert!(ps[0] < ps[1] && ps[1] < ps[2], "{ps:?}");
        assert!(ps[2] > 0.2, "{ps:?}");
    }

    #[test]
    fn rejects_too_many_errors() {
        let r = loc(0.0, 1, 1).robust;
        let too_many = Robust { byzantine: 6, ..r };
        assert!(Localizer::new(Encoding::new(3, 3, 21).unwrap(), too_many).is_err());
    }

    #[test]
    fn wilson_interval_brackets_the_estimate() {
        let e = Estimate::new(5, 100);
        assert!(e.ci95.0 < 0.05 && 0.05 < e.ci95.1);
        let z = Estimate::new(0, 50);
        assert_eq!(z.ci95.0, 0.0);
        assert!(z.ci95.1 > 0.0);
    }
}
