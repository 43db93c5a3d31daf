//! Exact arithmetic over a prime field F_p, and the one elimination routine of the crate
//! ([`Echelon`]). Everything above this layer (rank, decoding, leak witnesses) goes through it.

mod echelon;
pub mod primes;
mod sparse;

pub use echelon::{Echelon, Reduced, RowRef, Scratch, DENSE_WIDTH};
pub use primes::{is_prime, next_prime_above};
pub use sparse::SparseRow;

use thiserror::Error;

/// Largest prime modulus accepted: products of two residues must fit a `u64` with room for
/// one addition, so residues stay below 2^31.
pub const MAX_PRIME: u64 = (1 << 31) - 1;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FieldError {
    #[error("{0} is not a prime: the field F_p needs a prime modulus")]
    NotPrime(u64),
    #[error(
        "prime {0} is too large: itsa works with primes below 2^31 (the largest is {MAX_PRIME})"
    )]
    TooLarge(u64),
    #[error("division by zero in F_{0}")]
    DivisionByZero(u32),
}

/// The prime field F_p with p < 2^31. Elements are `u32` residues in `0..p`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    p: u32,
    /// floor((2^64 − 1) / p), for Barrett reduction of u64 products (no hardware division).
    barrett: u64,
}

impl Field {
    /// The field F_p; refuses non-primes and primes that do not fit the arithmetic.
    pub fn new(p: u64) -> Result<Self, FieldError> {
        if p > MAX_PRIME {
            return Err(FieldError::TooLarge(p));
        }
        if !is_prime(p) {
            return Err(FieldError::NotPrime(p));
        }
        Ok(Field {
            p: p as u32,
            barrett: u64::MAX / p,
        })
    }

    pub fn p(&self) -> u32 {
        self.p
    }

    /// Reduce any signed integer into `0..p`.
    pub fn from_i64(&self, v: i64) -> u32 {
        v.rem_euclid(self.p as i64) as u32
    }

    pub fn add(&self, a: u32, b: u32) -> u32 {
        let s = a as u64 + b as u64;
        (if s >= self.p as u64 {
            s - self.p as u64
        } else {
            s
        }) as u32
    }

    pub fn sub(&self, a: u32, b: u32) -> u32 {
        if a >= b {
            a - b
        } else {
            a + self.p - b
        }
    }

    pub fn neg(&self, a: u32) -> u32 {
        if a == 0 {
            0
        } else {
            self.p - a
        }
    }

    /// x mod p for any u64 x, by Barrett reduction: the estimated quotient is at most two
    /// below the true one, so at most two corrections follow.
    #[inline]
    pub fn reduce(&self, x: u64) -> u32 {
        let q = ((x as u128 * self.barrett as u128) >> 64) as u64;
        let mut r = x - q * self.p as u64;
        while r >= self.p as u64 {
            r -= self.p as u64;
        }
        r as u32
    }

    /// How many products (p−1)² can be added to a residue below p before a u64 could
    /// overflow: the budget of delayed reduction.
    #[inline]
    pub fn delayed_adds(&self) -> u64 {
        let m = (self.p as u64 - 1).max(1);
        (u64::MAX - self.p as u64) / (m * m)
    }

    pub fn mul(&self, a: u32, b: u32) -> u32 {
        self.reduce(a as u64 * b as u64)
    }

    pub fn pow(&self, mut a: u32, mut e: u64) -> u32 {
        let mut r = 1u32;
        while e > 0 {
            if e & 1 == 1 {
                r = self.mul(r, a);
            }
            a = self.mul(a, a);
            e >>= 1;
        }
        r
    }

    /// Multiplicative inverse (Fermat); `None` for zero.
    pub fn inv(&self, a: u32) -> Option<u32> {
        if a % self.p == 0 {
            None
        } else {
            Some(self.pow(a % self.p, self.p as u64 - 2))
        }
    }

    pub fn div(&self, a: u32, b: u32) -> Result<u32, FieldError> {
        self.inv(b)
            .map(|i| self.mul(a, i))
            .ok_or(FieldError::DivisionByZero(self.p))
    }

    /// `acc += c * row`, elementwise mod p.
    pub fn axpy(&self, acc: &mut [u32], c: u32, row: &[u32]) {
        if c == 0 {
            return;
        }
        for (a, &r) in acc.iter_mut().zip(row) {
            *a = self.reduce(*a as u64 + c as u64 * r as u64);
        }
    }

    /// Rank of a list of rows (each of the same length).
    pub fn rank(&self, rows: &[Vec<u32>]) -> usize {
        let width = rows.first().map_or(0, |r| r.len());
        let sparse: Vec<SparseRow> = rows.iter().map(|r| SparseRow::from_dense(r)).collect();
        self.rank_sparse(&sparse, width)
    }

    /// Rank of sparse rows over `width` columns.
    pub fn rank_sparse(&self, rows: &[SparseRow], width: usize) -> usize {
        // The rank does not depend on the column order. Pivoting on the rarest columns first
        // keeps elimination local when rows have private columns (e.g. the noise symbols of
        // one first-round set): measured 5.0 s → 0.14 s for the rates and randomness of Zhao–Sun
        // K=12, U=8, T=3 (2442 rows × 2502 columns). All-zero columns are dropped.
        let mut count = vec![0usize; width];
        for r in rows {
            for &(c, _) in r.entries() {
                count[c as usize] += 1;
            }
        }
        let mut cols: Vec<usize> = (0..width).filter(|&c| count[c] > 0).collect();
        cols.sort_by_key(|&c| (count[c], c));
        let mut position = vec![0u32; width];
        for (new, &old) in cols.iter().enumerate() {
            position[old] = new as u32;
        }
        let mut e = Echelon::new(*self, cols.len(), cols.len());
        let mut permuted = Vec::new();
        for r in rows {
            permuted.clear();
            permuted.extend(r.entries().iter().map(|&(c, v)| (position[c as usize], v)));
            e.insert_entries(&permuted);
        }
        e.rank()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_with_rare_columns_first_equals_plain_elimination() {
        let f = Field::new(5).unwrap();
        let mut state = 7u64;
        let mut next = |m: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((state >> 33) % m) as u32
        };
        for _ in 0..300 {
            let (n, w) = (1 + next(7) as usize, 1 + next(9) as usize);
            // sparse rows (many zeros, some all-zero columns) over F_5
            let rows: Vec<Vec<u32>> = (0..n)
                .map(|_| {
                    (0..w)
                        .map(|_| if next(3) == 0 { next(5) } else { 0 })
                        .collect()
                })
                .collect();
            let mut plain = Echelon::new(f, w, w);
            for r in &rows {
                plain.insert(r);
            }
            assert_eq!(f.rank(&rows), plain.rank(), "{rows:?}");
        }
    }

    #[test]
    fn primes_are_recognised() {
        let primes: Vec<u64> = (0..40).filter(|&n| is_prime(n)).collect();
        assert_eq!(primes, vec![2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]);
        assert!(is_prime(MAX_PRIME));
        assert!(!is_prime(MAX_PRIME - 2));
    }

    #[test]
    fn field_refuses_composites_and_huge_primes() {
        assert_eq!(Field::new(15), Err(FieldError::NotPrime(15)));
        assert_eq!(Field::new(1), Err(FieldError::NotPrime(1)));
        assert_eq!(
            Field::new(4_294_967_311),
            Err(FieldError::TooLarge(4_294_967_311))
        );
        assert!(Field::new(MAX_PRIME).is_ok());
    }

    #[test]
    fn barrett_reduction_matches_remainder() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for p in [2u64, 3, 13, 65_521, 1_000_003, MAX_PRIME] {
            let f = Field::new(p).unwrap();
            for probe in [
                0,
                1,
                p - 1,
                p,
                p + 1,
                u64::MAX,
                u64::MAX - 1,
                (p - 1) * (p - 1) + p - 1,
            ] {
                assert_eq!(f.reduce(probe) as u64, probe % p, "p={p} x={probe}");
            }
            for _ in 0..100_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                assert_eq!(f.reduce(x) as u64, x % p);
            }
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        let f = Field::new(13).unwrap();
        assert_eq!(f.from_i64(-1), 12);
        assert_eq!(f.mul(7, 2), 1);
        assert_eq!(f.inv(7), Some(2));
        assert_eq!(f.inv(0), None);
        assert_eq!(f.div(1, 0), Err(FieldError::DivisionByZero(13)));
        for a in 1..13 {
            assert_eq!(f.mul(a, f.inv(a).unwrap()), 1);
            assert_eq!(f.add(a, f.neg(a)), 0);
            assert_eq!(f.sub(f.add(a, 5), 5), a);
        }
        assert_eq!(Field::new(MAX_PRIME).unwrap().delayed_adds(), 4);
        let big = Field::new(MAX_PRIME).unwrap();
        let x = (MAX_PRIME - 1) as u32;
        assert_eq!(big.mul(x, x), 1);
    }
}
