//! Sparse rows over F_p: the nonzero `(column, value)` pairs of a row, in increasing column
//! order. Scheme variables, plan blocks and wide echelon bases are stored this way, so memory
//! and time follow the entries a row holds, not the scheme's full column count.

use super::Field;

/// A row as its nonzero entries, sorted by column, values in `1..p`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SparseRow {
    entries: Vec<(u32, u32)>,
}

impl SparseRow {
    /// The nonzero entries of a dense row.
    pub fn from_dense(row: &[u32]) -> Self {
        SparseRow {
            entries: row
                .iter()
                .enumerate()
                .filter(|(_, &v)| v != 0)
                .map(|(c, &v)| (c as u32, v))
                .collect(),
        }
    }

    /// From entries in any order: sorted, and zero values dropped. Columns must be distinct.
    pub fn from_entries(mut entries: Vec<(u32, u32)>) -> Self {
        entries.retain(|&(_, v)| v != 0);
        entries.sort_unstable_by_key(|&(c, _)| c);
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        SparseRow { entries }
    }

    /// The row with a single 1 at `col`.
    pub fn unit(col: usize) -> Self {
        SparseRow {
            entries: vec![(col as u32, 1)],
        }
    }

    pub fn entries(&self) -> &[(u32, u32)] {
        &self.entries
    }

    /// Number of nonzero entries.
    pub fn nnz(&self) -> usize {
        self.entries.len()
    }

    pub fn is_zero(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value at `col` (0 when absent).
    pub fn get(&self, col: usize) -> u32 {
        self.entries
            .binary_search_by_key(&(col as u32), |&(c, _)| c)
            .map_or(0, |i| self.entries[i].1)
    }

    /// The dense row of `width` entries.
    pub fn to_dense(&self, width: usize) -> Vec<u32> {
        let mut out = vec![0u32; width];
        for &(c, v) in &self.entries {
            out[c as usize] = v;
        }
        out
    }
}

impl Field {
    /// `c · row`.
    pub fn scale_sparse(&self, c: u32, row: &SparseRow) -> SparseRow {
        if c == 0 {
            return SparseRow::default();
        }
        SparseRow {
            entries: row
                .entries
                .iter()
                .map(|&(col, v)| (col, self.mul(v, c)))
                .collect(),
        }
    }

    /// `acc + c · row` (a merge of the two entry lists).
    pub fn axpy_sparse(&self, acc: &SparseRow, c: u32, row: &SparseRow) -> SparseRow {
        if c == 0 {
            return acc.clone();
        }
        let (a, b) = (&acc.entries, &row.entries);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let take_a = j == b.len() || (i < a.len() && a[i].0 < b[j].0);
            let take_b = i == a.len() || (j < b.len() && b[j].0 < a[i].0);
            if take_a {
                out.push(a[i]);
                i += 1;
            } else if take_b {
                out.push((b[j].0, self.mul(b[j].1, c)));
                j += 1;
            } else {
                let v = self.add(a[i].1, self.mul(b[j].1, c));
                if v != 0 {
                    out.push((a[i].0, v));
                }
                i += 1;
                j += 1;
            }
        }
        SparseRow { entries: out }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_rows_match_dense_arithmetic() {
        let f = Field::new(7).unwrap();
        let a = vec![0, 3, 0, 4, 0, 6];
        let b = vec![1, 4, 0, 3, 0, 0];
        let (sa, sb) = (SparseRow::from_dense(&a), SparseRow::from_dense(&b));
        assert_eq!(sa.nnz(), 3);
        assert_eq!(sa.to_dense(6), a);
        assert_eq!((sa.get(3), sa.get(2)), (4, 0));
        for c in 0..7 {
            let mut d = a.clone();
            f.axpy(&mut d, c, &b);
            assert_eq!(f.axpy_sparse(&sa, c, &sb).to_dense(6), d, "c={c}");
            let scaled: Vec<u32> = b.iter().map(|&v| f.mul(v, c)).collect();
            assert_eq!(f.scale_sparse(c, &sb).to_dense(6), scaled);
        }
        // 3 + 4·1 = 0 mod 7 at column 1: the entry disappears.
        assert_eq!(f.axpy_sparse(&sa, 1, &sb).get(1), 0);
        assert!(!f
            .axpy_sparse(&sa, 1, &sb)
            .entries()
            .iter()
            .any(|&(_, v)| v == 0));
        assert_eq!(
            SparseRow::from_entries(vec![(5, 2), (0, 0), (1, 3)]).entries(),
            &[(1, 3), (5, 2)]
        );
        assert_eq!(SparseRow::unit(2).to_dense(3), vec![0, 0, 1]);
    }
}
