//! NS-LCC encoding objects (docs/coded-computing.md#model): Chebyshev nodes, the Lagrange basis, the
//! colluders' matrices A_𝒯, B_𝒯, H_𝒯 = B_𝒯⁻¹A_𝒯, the trace term and the MIS bound (11).
//! Floating point (f64, nalgebra).

use nalgebra::DMatrix;

use super::CodedError;

/// Chebyshev nodes of the first kind, cos((2j−1)π/(2m)), j = 1..m (descending from ≈ 1).
pub fn chebyshev_nodes(m: usize) -> Vec<f64> {
    (1..=m)
        .map(|j| ((2 * j - 1) as f64 * std::f64::consts::PI / (2 * m) as f64).cos())
        .collect()
}

/// ℓ_j(z) = Π_{k≠j} (z − α_k)/(α_j − α_k) for every j (0-based), at one point z.
pub fn lagrange_basis(alpha: &[f64], z: f64) -> Vec<f64> {
    (0..alpha.len())
        .map(|j| {
            alpha
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != j)
                .map(|(_, &ak)| (z - ak) / (alpha[j] - ak))
                .product()
        })
        .collect()
}

/// The encoding of one NS-LCC instance: K data nodes α_1..α_K, T noise nodes α_{K+1}..α_{K+T},
/// N worker nodes β_1..β_N, and ℓ_j(β_i) for all i, j.
#[derive(Debug, Clone)]
pub struct Encoding {
    pub k: usize,
    pub t: usize,
    pub n: usize,
    pub alpha: Vec<f64>,
    pub beta: Vec<f64>,
    /// basis[i][j] = ℓ_{j+1}(β_{i+1}).
    pub basis: Vec<Vec<f64>>,
}

impl Encoding {
    pub fn new(k: usize, t: usize, n: usize) -> Result<Self, CodedError> {
        if k == 0 || t == 0 {
            return Err(CodedError::Param(
                "K (data blocks) and T (colluders) must be at least 1".into(),
            ));
        }
        if n < t || n > 64 {
            return Err(CodedError::Param(format!(
                "N (workers) = {n} must satisfy T ≤ N ≤ 64"
            )));
        }
        let alpha = chebyshev_nodes(k + t);
        let beta = chebyshev_nodes(n);
        let basis = beta.iter().map(|&b| lagrange_basis(&alpha, b)).collect();
        Ok(Self {
            k,
            t,
            n,
            alpha,
            beta,
            basis,
        })
    }

    /// A_𝒯 = [ℓ_j(β_i)]_{i∈𝒯, j∈[K]} (|𝒯| × K); `set` holds 1-based evaluation indices.
    pub fn a_matrix(&self, set: &[u32]) -> DMatrix<f64> {
        DMatrix::from_fn(set.len(), self.k, |r, c| self.basis[set[r] as usize - 1][c])
    }

    /// B_𝒯 = [ℓ_{K+j}(β_i)]_{i∈𝒯, j∈[T]} (|𝒯| × T).
    pub fn b_matrix(&self, set: &[u32]) -> DMatrix<f64> {
        DMatrix::from_fn(set.len(), self.t, |r, c| {
            self.basis[set[r] as usize - 1][self.k + c]
        })
    }

    /// H_𝒯 = B_𝒯⁻¹ A_𝒯 for |𝒯| = T; None if B_𝒯 is numerically singular.
    pub fn h_matrix(&self, set: &[u32]) -> Option<DMatrix<f64>> {
        debug_assert_eq!(set.len(), self.t);
        self.b_matrix(set).lu().solve(&self.a_matrix(set))
    }

    /// tr(H_𝒯 H_𝒯ᵀ) = ‖H_𝒯‖_F² (∞ if B_𝒯 is singular: the colluders then see data noise-free).
    pub fn trace(&self, set: &[u32]) -> f64 {
        match self.h_matrix(set) {
            Some(h) => h.norm_squared(),
            None => f64::INFINITY,
        }
    }
}

/// Constants of the MIS bound (8)/(11): data entries in [−c, c], noise std σ_n.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MisConstants {
    pub c: f64,
    pub sigma_n: f64,
}

impl Default for MisConstants {
    fn default() -> Self {
        Self {
            c: 1.0,
            sigma_n: 1.0,
        }
    }
}

/// MIS ≤ (T/2) log₂(1 + K c²/(T σ_n²) · max_𝒯 tr(H_𝒯 H_𝒯ᵀ)), in bits (per matrix entry).
pub fn mis_bound_bits(k: usize, t: usize, max_trace: f64, m: MisConstants) -> f64 {
    let snr = k as f64 * m.c * m.c / (t as f64 * m.sigma_n * m.sigma_n);
    t as f64 / 2.0 * (1.0 + snr * max_trace).log2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::approx_constant)] // models.md's printed test vector, digits as printed
    fn nodes_match_models_md_test_vector() {
        let a = chebyshev_nodes(6);
        let want = [
            0.965926, 0.707107, 0.258819, -0.258819, -0.707107, -0.965926,
        ];
        for (x, w) in a.iter().zip(want) {
            assert!((x - w).abs() < 1e-6, "{x} vs {w}");
        }
    }

    #[test]
    fn lagrange_basis_is_interpolating_and_sums_to_one() {
        let a = chebyshev_nodes(5);
        for (j, &aj) in a.iter().enumerate() {
            let l = lagrange_basis(&a, aj);
            for (i, v) in l.iter().enumerate() {
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
        let s: f64 = lagrange_basis(&a, 0.123).iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
    }

    #[test]
    fn trace_equals_the_b_inverse_form() {
        // tr(H Hᵀ) = tr(A Aᵀ (B Bᵀ)⁻¹), the form models.md states.
        let e = Encoding::new(3, 3, 21).unwrap();
        let set = [4, 11, 12];
        let (a, b) = (e.a_matrix(&set), e.b_matrix(&set));
        let other = (&a * a.transpose() * (&b * b.transpose()).try_inverse().unwrap()).trace();
        let t = e.trace(&set);
        assert!((t - other).abs() / t < 1e-6, "{t} vs {other}");
        // The worst triple of the Problem-1 optimum dominates its objective 1.8454e5.
        assert!((t - 1.8454e5).abs() / 1.8454e5 < 1e-3, "{t}");
    }

    #[test]
    fn mis_bound_is_monotone() {
        let m = MisConstants::default();
        assert!(mis_bound_bits(3, 3, 10.0, m) < mis_bound_bits(3, 3, 100.0, m));
        let noisier = MisConstants {
            c: 1.0,
            sigma_n: 2.0,
        };
        assert!(mis_bound_bits(3, 3, 10.0, noisier) < mis_bound_bits(3, 3, 10.0, m));
        assert_eq!(mis_bound_bits(3, 3, 0.0, m), 0.0);
    }
}
