//! Coefficient matrices over F_p, as papers declare them: identity, Vandermonde, Cauchy,
//! explicit rows, and a seeded uniformly random matrix for "generic" constructions.
//!
//! Indices are 1-based, as in the papers: `get(i, j)` is the entry of row i, column j.
//! Constructors return [`MatrixError`]; the spec layer locates the error in the spec text and
//! adds the parameter values of the grid point.

use thiserror::Error;

use crate::construct::SplitMix64;
use crate::field::Field;

/// Largest number of entries a declared matrix may have (a bad formula must not allocate
/// gigabytes).
pub const MAX_ENTRIES: usize = 4_000_000;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MatrixError {
    /// `x_i ≡ y_j (mod p)`: the entry 1/(x_i − y_j) divides by zero.
    #[error("cauchy: x[{i}] = {x} and y[{j}] = {y} collide mod {p} (the entry 1/(x[{i}] − y[{j}]) divides by zero)")]
    CauchyCollision {
        i: usize,
        j: usize,
        x: i64,
        y: i64,
        p: u32,
    },
    /// Two x's (or two y's) are equal mod p: not a Cauchy matrix (two equal rows or columns,
    /// so square submatrices are singular).
    #[error("cauchy: {which}[{a}] = {va} and {which}[{b}] = {vb} are equal mod {p}; the points of a Cauchy matrix must be distinct")]
    CauchyRepeated {
        which: &'static str,
        a: usize,
        b: usize,
        va: i64,
        vb: i64,
        p: u32,
    },
    #[error("row {row} has {found} entries but row 1 has {expected}: a matrix's rows must have the same length")]
    Ragged {
        row: usize,
        found: usize,
        expected: usize,
    },
    #[error("a matrix has at least one row and one column, found {rows} × {cols}")]
    Empty { rows: i64, cols: i64 },
    #[error("{rows} × {cols} is too large a matrix (limit {MAX_ENTRIES} entries)")]
    TooLarge { rows: i64, cols: i64 },
}

/// A dense matrix over F_p, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    data: Vec<u32>,
}

fn shape(rows: i64, cols: i64) -> Result<(usize, usize), MatrixError> {
    if rows < 1 || cols < 1 {
        return Err(MatrixError::Empty { rows, cols });
    }
    if (rows as u128) * (cols as u128) > MAX_ENTRIES as u128 {
        return Err(MatrixError::TooLarge { rows, cols });
    }
    Ok((rows as usize, cols as usize))
}

impl Matrix {
    /// Entry (i, j), 1-based; `None` outside the matrix.
    pub fn get(&self, i: i64, j: i64) -> Option<u32> {
        if i < 1 || j < 1 || i as u64 > self.rows as u64 || j as u64 > self.cols as u64 {
            return None;
        }
        Some(self.data[(i as usize - 1) * self.cols + (j as usize - 1)])
    }

    /// Row i (1-based).
    pub fn row(&self, i: usize) -> &[u32] {
        &self.data[(i - 1) * self.cols..i * self.cols]
    }

    /// The n × n identity.
    pub fn identity(n: i64) -> Result<Matrix, MatrixError> {
        let (n, _) = shape(n, n)?;
        let mut data = vec![0; n * n];
        for i in 0..n {
            data[i * n + i] = 1;
        }
        Ok(Matrix {
            rows: n,
            cols: n,
            data,
        })
    }

    /// Explicit rows (already reduced mod p); every row must have the same length.
    pub fn from_rows(rows: Vec<Vec<u32>>) -> Result<Matrix, MatrixError> {
        let expected = rows.first().map_or(0, |r| r.len());
        shape(rows.len() as i64, expected as i64)?;
        for (i, r) in rows.iter().enumerate() {
            if r.len() != expected {
                return Err(MatrixError::Ragged {
                    row: i + 1,
                    found: r.len(),
                    expected,
                });
            }
        }
        Ok(Matrix {
            rows: rows.len(),
            cols: expected,
            data: rows.into_iter().flatten().collect(),
        })
    }

    /// `rows × len(points)` Vandermonde matrix: entry (r, j) = points[j]^(r−1).
    pub fn vandermonde(f: Field, points: &[i64], rows: i64) -> Result<Matrix, MatrixError> {
        let (rows, cols) = shape(rows, points.len() as i64)?;
        let mut data = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            for &x in points {
                data.push(f.pow(f.from_i64(x), r as u64));
            }
        }
        Ok(Matrix { rows, cols, data })
    }

    /// Cauchy matrix: entry (i, j) = 1/(x_i − y_j). The x's must be distinct mod p, the y's
    /// distinct mod p, and no x_i ≡ y_j; then every square submatrix is invertible.
    pub fn cauchy(f: Field, xs: &[i64], ys: &[i64]) -> Result<Matrix, MatrixError> {
        let (rows, cols) = shape(xs.len() as i64, ys.len() as i64)?;
        let p = f.p();
        for (which, pts) in [("x", xs), ("y", ys)] {
            let mut seen: std::collections::HashMap<u32, usize> = Default::default();
            for (b, &v) in pts.iter().enumerate() {
                if let Some(&a) = seen.get(&f.from_i64(v)) {
                    return Err(MatrixError::CauchyRepeated {
                        which,
                        a: a + 1,
                        b: b + 1,
                        va: pts[a],
                        vb: v,
                        p,
                    });
                }
                seen.insert(f.from_i64(v), b);
            }
        }
        let mut data = Vec::with_capacity(rows * cols);
        for (i, &x) in xs.iter().enumerate() {
            for (j, &y) in ys.iter().enumerate() {
                let d = f.sub(f.from_i64(x), f.from_i64(y));
                let v = f.inv(d).ok_or(MatrixError::CauchyCollision {
                    i: i + 1,
                    j: j + 1,
                    x,
                    y,
                    p,
                })?;
                data.push(v);
            }
        }
        Ok(Matrix { rows, cols, data })
    }

    /// Uniformly random entries in F_p from SplitMix64 seeded with `seed`, row by row: the
    /// same seed and shape always give the same matrix.
    pub fn random(f: Field, rows: i64, cols: i64, seed: u64) -> Result<Matrix, MatrixError> {
        let (rows, cols) = shape(rows, cols)?;
        let mut g = SplitMix64(seed);
        let data = (0..rows * cols)
            .map(|_| g.below(f.p() as u64) as u32)
            .collect();
        Ok(Matrix { rows, cols, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(p: u64) -> Field {
        Field::new(p).unwrap()
    }

    #[test]
    fn cauchy_matches_the_hand_reduced_fractions() {
        // Zhao–Sun Example 2 over F_7: x = 1..3, y = 4..5; c(1,1) = 1/(1−4) = −1/3 = 2.
        let c = Matrix::cauchy(f(7), &[1, 2, 3], &[4, 5]).unwrap();
        assert_eq!((c.rows, c.cols), (3, 2));
        let fr = |n: i64, d: i64| f(7).div(f(7).from_i64(n), f(7).from_i64(d)).unwrap();
        assert_eq!(c.get(1, 1), Some(fr(-1, 3)));
        assert_eq!(c.get(3, 2), Some(fr(-1, 2)));
        assert_eq!(c.get(4, 1), None);
        assert_eq!(c.get(0, 1), None);
        // every 2 × 2 minor is nonzero
        let fl = f(7);
        for a in 1..=3 {
            for b in a + 1..=3 {
                let det = fl.sub(
                    fl.mul(c.get(a, 1).unwrap(), c.get(b, 2).unwrap()),
                    fl.mul(c.get(a, 2).unwrap(), c.get(b, 1).unwrap()),
                );
                assert_ne!(det, 0);
            }
        }
    }

    #[test]
    fn cauchy_collisions_name_the_indices() {
        // 1 ≡ 6 mod 5
        let e = Matrix::cauchy(f(5), &[1, 2], &[3, 6]).unwrap_err();
        assert_eq!(
            e,
            MatrixError::CauchyCollision {
                i: 1,
                j: 2,
                x: 1,
                y: 6,
                p: 5
            }
        );
        assert!(e
            .to_string()
            .contains("x[1] = 1 and y[2] = 6 collide mod 5"));
        let e = Matrix::cauchy(f(5), &[1, 6], &[3]).unwrap_err();
        assert!(matches!(
            e,
            MatrixError::CauchyRepeated {
                which: "x",
                a: 1,
                b: 2,
                ..
            }
        ));
    }

    #[test]
    fn vandermonde_identity_rows_and_shapes() {
        let v = Matrix::vandermonde(f(11), &[2, 3, -1], 3).unwrap();
        assert_eq!(v.row(1), &[1, 1, 1]);
        assert_eq!(v.row(2), &[2, 3, 10]);
        assert_eq!(v.row(3), &[4, 9, 1]);
        let i = Matrix::identity(3).unwrap();
        assert_eq!(i.row(2), &[0, 1, 0]);
        assert_eq!(
            Matrix::from_rows(vec![vec![1, 2], vec![3]]).unwrap_err(),
            MatrixError::Ragged {
                row: 2,
                found: 1,
                expected: 2
            }
        );
        assert!(matches!(
            Matrix::identity(0),
            Err(MatrixError::Empty { .. })
        ));
        assert!(matches!(
            Matrix::random(f(11), 1 << 20, 1 << 20, 1),
            Err(MatrixError::TooLarge { .. })
        ));
    }

    #[test]
    fn random_is_reproducible_and_seed_dependent() {
        let a = Matrix::random(f(1_000_003), 4, 5, 7).unwrap();
        let b = Matrix::random(f(1_000_003), 4, 5, 7).unwrap();
        let c = Matrix::random(f(1_000_003), 4, 5, 8).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!((1..=4).all(|i| a.row(i).iter().all(|&v| v < 1_000_003)));
    }
}
