//! Incremental row-echelon basis over F_p: the single elimination routine of itsa.
//!
//! Rows are inserted one at a time and reduced against the rows already present, so a basis
//! built for a shared prefix of rows can be cloned (one `memcpy`) and extended for each check.
//!
//! Two refinements serve the verifier without a second routine:
//! * `split`: columns `split..pivot_cols` form the *tail*. Because a row's pivot is its leading
//!   nonzero column, the rows whose pivot lies in the tail span exactly the subspace of
//!   combinations that vanish on every column before `split`. With key/noise columns first and
//!   input columns last, that count is the dimension of what a view reveals about the inputs.
//! * `pivot_cols < width`: extra columns are carried along but never chosen as pivots. Appending
//!   an identity block there records how each basis row was combined from the inserted rows —
//!   the decoding coefficients and leak witnesses printed by the verifier.

use super::Field;

#[derive(Debug, Clone)]
pub struct Echelon {
    field: Field,
    width: usize,
    pivot_cols: usize,
    split: usize,
    data: Vec<u32>,
    pivots: Vec<usize>,
    tail_pivots: usize,
}

/// Result of reducing a row against a basis: the residual and its leading column, if any
/// (`None` means the row lies in the span, within the pivot columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reduced {
    pub residual: Vec<u32>,
    pub lead: Option<usize>,
}

impl Echelon {
    /// An empty basis for rows of `width` entries, pivots searched in `0..pivot_cols`.
    pub fn new(field: Field, width: usize, pivot_cols: usize) -> Self {
        Self::with_split(field, width, pivot_cols, pivot_cols)
    }

    /// Like [`Echelon::new`], also counting pivots at columns `split..pivot_cols`.
    pub fn with_split(field: Field, width: usize, pivot_cols: usize, split: usize) -> Self {
        assert!(split <= pivot_cols && pivot_cols <= width);
        Echelon {
            field,
            width,
            pivot_cols,
            split,
            data: Vec::new(),
            pivots: Vec::new(),
            tail_pivots: 0,
        }
    }

    pub fn field(&self) -> Field {
        self.field
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn rank(&self) -> usize {
        self.pivots.len()
    }

    /// Number of basis rows whose pivot is in the tail (`split..pivot_cols`).
    pub fn tail_rank(&self) -> usize {
        self.tail_pivots
    }

    pub fn row(&self, i: usize) -> &[u32] {
        &self.data[i * self.width..(i + 1) * self.width]
    }

    pub fn pivot(&self, i: usize) -> usize {
        self.pivots[i]
    }

    /// Reduce `row` against the basis (the elimination step everything else builds on).
    ///
    /// Delayed reduction: the residual is kept in u64 accumulators and each basis row adds
    /// (p − coef)·row without reducing; entries are reduced only when another addition could
    /// overflow (every 4 steps for p near 2^31, practically never for small p) and at the end.
    pub fn reduce(&self, row: &[u32]) -> Reduced {
        assert_eq!(row.len(), self.width, "row width mismatch");
        let f = self.field;
        let p = f.p() as u64;
        let limit = f.delayed_adds();
        let mut acc: Vec<u64> = row.iter().map(|&v| v as u64).collect();
        let mut pending = 0u64;
        for (i, &c) in self.pivots.iter().enumerate() {
            // Rows are sparse: most entries at pivot columns are exactly zero (no reduction).
            if acc[c] == 0 {
                continue;
            }
            let coef = f.reduce(acc[c]);
            if coef != 0 {
                if pending == limit {
                    for a in acc[c..].iter_mut() {
                        *a = f.reduce(*a) as u64;
                    }
                    pending = 0;
                }
                let m = p - coef as u64;
                let base = i * self.width;
                let basis_row = &self.data[base + c..base + self.width];
                for (a, &r) in acc[c..].iter_mut().zip(basis_row) {
                    *a += m * r as u64;
                }
                pending += 1;
            }
        }
        let residual: Vec<u32> = acc
            .into_iter()
            .map(|a| if a < p { a as u32 } else { f.reduce(a) })
            .collect();
        let lead = residual[..self.pivot_cols].iter().position(|&v| v != 0);
        Reduced { residual, lead }
    }

    /// Insert a row; returns its pivot column if it was independent of the basis.
    pub fn insert(&mut self, row: &[u32]) -> Option<usize> {
        let Reduced { mut residual, lead } = self.reduce(row);
        let c = lead?;
        let inv = self.field.inv(residual[c]).expect("pivot is nonzero");
        for v in residual[c..].iter_mut() {
            *v = self.field.mul(*v, inv);
        }
        self.data.extend_from_slice(&residual);
        self.pivots.push(c);
        if c >= self.split {
            self.tail_pivots += 1;
        }
        Some(c)
    }

    /// Append row `i` of `other`, already reduced, keeping only the columns `keep` (in order).
    ///
    /// No elimination: valid when `other` was built by [`Echelon::insert`], rows are copied in
    /// their original order, and the dropped columns are zero in every copied row and hold no
    /// copied pivot. Then each copied row is still zero before its pivot and at the pivots of
    /// the rows copied before it, which is all [`Echelon::reduce`] relies on.
    pub fn push_projected(&mut self, other: &Echelon, i: usize, keep: &[usize]) {
        debug_assert_eq!(keep.len(), self.width);
        let row = other.row(i);
        let old_pivot = other.pivot(i);
        let c = keep
            .iter()
            .position(|&k| k == old_pivot)
            .expect("the pivot column is kept");
        self.data.extend(keep.iter().map(|&k| row[k]));
        self.pivots.push(c);
        if c >= self.split {
            self.tail_pivots += 1;
        }
    }

    /// Insert several rows; returns how many were independent.
    pub fn insert_all<'a>(&mut self, rows: impl IntoIterator<Item = &'a [u32]>) -> usize {
        rows.into_iter()
            .filter(|r| self.insert(r).is_some())
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(p: u64) -> Field {
        Field::new(p).unwrap()
    }

    #[test]
    fn rank_of_dependent_rows() {
        let fl = f(7);
        let rows = vec![vec![1, 2, 3], vec![2, 4, 6], vec![0, 1, 1], vec![1, 3, 4]];
        assert_eq!(fl.rank(&rows), 2);
        assert_eq!(fl.rank(&[vec![0, 0, 0]]), 0);
    }

    #[test]
    fn tail_rank_counts_key_free_combinations() {
        // columns: k0 k1 | w0 w1 ; rows k0+w0, k0+w1, k1 -> key-free combination w0-w1 only.
        let fl = f(5);
        let mut e = Echelon::with_split(fl, 4, 4, 2);
        e.insert(&[1, 0, 1, 0]);
        e.insert(&[1, 0, 0, 1]);
        assert_eq!((e.rank(), e.tail_rank()), (2, 1));
        e.insert(&[0, 1, 0, 0]);
        assert_eq!((e.rank(), e.tail_rank()), (3, 1));
        e.insert(&[0, 0, 1, 1]);
        assert_eq!((e.rank(), e.tail_rank()), (4, 2));
    }

    #[test]
    fn tracking_columns_record_the_combination() {
        // Rows a=(1,1), b=(1,2) over F_5 with identity tracking; reduce target (0,1) = b - a.
        let fl = f(5);
        let mut e = Echelon::new(fl, 2 + 3, 2);
        e.insert(&[1, 1, 1, 0, 0]);
        e.insert(&[1, 2, 0, 1, 0]);
        let r = e.reduce(&[0, 1, 0, 0, 1]);
        assert_eq!(r.lead, None);
        // residual = target - (coefficients) ; tracking part = -(combination), last = 1
        let combo: Vec<u32> = r.residual[2..4].iter().map(|&v| fl.neg(v)).collect();
        assert_eq!(combo, vec![fl.from_i64(-1), 1]);
    }

    #[test]
    fn clone_extends_independently() {
        let fl = f(3);
        let mut a = Echelon::new(fl, 3, 3);
        a.insert(&[1, 0, 0]);
        let mut b = a.clone();
        b.insert(&[0, 1, 0]);
        assert_eq!((a.rank(), b.rank()), (1, 2));
    }
}
