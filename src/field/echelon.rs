//! Incremental row-echelon basis over F_p: the single elimination routine of itsa.
//!
//! Rows are inserted one at a time and reduced against the rows already present. Insertion
//! only appends, so the basis of a prefix of the inserted rows is the first rows of the basis:
//! [`Echelon::truncate`] goes back to it (a prefix is a length, never a copy).
//!
//! Two refinements serve the verifier without a second routine:
//! * `split`: columns `split..pivot_cols` form the *tail*. Because a row's pivot is its leading
//!   nonzero column, the rows whose pivot lies in the tail span exactly the subspace of
//!   combinations that vanish on every column before `split`. With key/noise columns first and
//!   input columns last, that count is the dimension of what a view reveals about the inputs.
//! * `pivot_cols < width`: extra columns are carried along but never chosen as pivots. Appending
//!   an identity block there records how each basis row was combined from the inserted rows —
//!   the decoding coefficients and leak witnesses printed by the verifier.
//!
//! Storage follows the width. Narrow bases (at most [`DENSE_WIDTH`] columns) keep dense rows and
//! reduce with contiguous multiply-adds the compiler vectorises. Wider bases (a scheme's full
//! column space, thousands of columns of which a row touches a few dozen, and the projected
//! per-check bases of large schemes) keep compressed rows (column, value) and reduce with a
//! sparse accumulator that visits only touched columns, in increasing order. Both compute the same
//! thing: the residual of a row is the unique combination `row − Σ a_i·basis_i` that vanishes
//! at every pivot column, so the basis rows, ranks and witnesses do not depend on the storage.
//!
//! Arithmetic: residues are below p < 2^31, so a product fits 62 bits. For p < 2^16 (every
//! spec the constructions write) products fit a `u32` and accumulators never need reducing
//! before the end (at most 2^32 additions of < 2^32 each fit a `u64`); the multiply is a u32
//! one, which x86-64 SSE2 does two lanes at a time (`pmuludq`) and AVX2/NEON four. Larger
//! primes reduce an accumulator lazily when it could overflow.

use super::{Field, SparseRow};

/// Widest basis stored densely. Measured (docs/performance.md, `cargo bench --bench verify`):
/// dense wins on the 17–55-column hierarchical and multi-server schemes (2–3×), compressed
/// rows win on the dropout ones from 58 columns up, whose projected bases are ~100–250 columns
/// wide but whose rows hold a few dozen entries.
pub const DENSE_WIDTH: usize = 64;

const NONE: u32 = u32::MAX;
/// Accumulators at or above this are reduced before the next addition (large primes only):
/// one more product below 2^62 still fits a u64.
const LAZY_LIMIT: u64 = 1 << 63;

/// Reusable work space of [`Echelon::reduce_into`]; all zero between calls.
#[derive(Debug, Default)]
pub struct Scratch {
    acc: Vec<u64>,
    /// Touched columns not yet visited, one bit each; words `..=hi` may be nonzero.
    mark: Vec<u64>,
    hi: usize,
    /// Residual of the last reduction: nonzero entries in column order.
    out: Vec<(u32, u32)>,
}

impl Scratch {
    fn ensure(&mut self, width: usize) {
        if self.acc.len() < width {
            self.acc.resize(width, 0);
            self.mark.resize(width.div_ceil(64), 0);
        }
    }

    /// The residual of the last [`Echelon::reduce_into`]: nonzero `(column, value)` entries in
    /// column order.
    pub fn residual(&self) -> &[(u32, u32)] {
        &self.out
    }

    #[inline]
    fn touch(&mut self, c: usize) {
        let w = c / 64;
        self.mark[w] |= 1u64 << (c % 64);
        self.hi = self.hi.max(w);
    }
}

/// A row handed to the basis: dense, or entries `(column, value)` in any order (distinct
/// columns, values below p).
#[derive(Debug, Clone, Copy)]
pub enum RowRef<'a> {
    Dense(&'a [u32]),
    Entries(&'a [(u32, u32)]),
}

#[derive(Debug)]
pub struct Echelon {
    field: Field,
    width: usize,
    pivot_cols: usize,
    split: usize,
    dense: bool,
    /// Dense storage: `rank × width`.
    data: Vec<u32>,
    /// Compressed storage: row i is `cols/vals[starts[i]..starts[i + 1]]`, pivot first.
    cols: Vec<u32>,
    vals: Vec<u32>,
    starts: Vec<usize>,
    pivots: Vec<usize>,
    /// Basis row pivoting at each pivot column (`NONE` if none).
    pivot_row: Vec<u32>,
    tail_pivots: usize,
    scratch: Scratch,
}

impl Clone for Echelon {
    fn clone(&self) -> Self {
        Echelon {
            field: self.field,
            width: self.width,
            pivot_cols: self.pivot_cols,
            split: self.split,
            dense: self.dense,
            data: self.data.clone(),
            cols: self.cols.clone(),
            vals: self.vals.clone(),
            starts: self.starts.clone(),
            pivots: self.pivots.clone(),
            pivot_row: self.pivot_row.clone(),
            tail_pivots: self.tail_pivots,
            scratch: Scratch::default(),
        }
    }
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
        Self::with_storage(field, width, pivot_cols, split, width <= DENSE_WIDTH)
    }

    /// Like [`Echelon::with_split`] with the storage chosen by the caller (tests compare both).
    pub fn with_storage(
        field: Field,
        width: usize,
        pivot_cols: usize,
        split: usize,
        dense: bool,
    ) -> Self {
        assert!(split <= pivot_cols && pivot_cols <= width);
        assert!(width < NONE as usize, "too many columns");
        Echelon {
            field,
            width,
            pivot_cols,
            split,
            dense,
            data: Vec::new(),
            cols: Vec::new(),
            vals: Vec::new(),
            starts: vec![0],
            pivots: Vec::new(),
            pivot_row: vec![NONE; pivot_cols],
            tail_pivots: 0,
            scratch: Scratch::default(),
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

    /// Basis row `i` as a dense row.
    pub fn row(&self, i: usize) -> Vec<u32> {
        if self.dense {
            self.data[i * self.width..(i + 1) * self.width].to_vec()
        } else {
            let mut out = vec![0u32; self.width];
            for (c, v) in self.row_entries(i) {
                out[c] = v;
            }
            out
        }
    }

    /// The nonzero entries of basis row `i`, in column order (the pivot first).
    pub fn row_entries(&self, i: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        let (dense, sparse) = if self.dense {
            let base = i * self.width;
            let c = self.pivots[i];
            (
                Some(
                    self.data[base + c..base + self.width]
                        .iter()
                        .enumerate()
                        .filter(|(_, &v)| v != 0)
                        .map(move |(j, &v)| (c + j, v)),
                ),
                None,
            )
        } else {
            let r = self.starts[i]..self.starts[i + 1];
            (
                None,
                Some(
                    self.cols[r.clone()]
                        .iter()
                        .zip(&self.vals[r])
                        .map(|(&c, &v)| (c as usize, v)),
                ),
            )
        };
        dense
            .into_iter()
            .flatten()
            .chain(sparse.into_iter().flatten())
    }

    pub fn pivot(&self, i: usize) -> usize {
        self.pivots[i]
    }

    /// The basis row whose pivot is column `c`, if any.
    pub fn row_with_pivot(&self, c: usize) -> Option<usize> {
        match self.pivot_row.get(c) {
            Some(&r) if r != NONE => Some(r as usize),
            _ => None,
        }
    }

    /// Drop the basis rows from `n` on: back to the basis of the first rows inserted.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.rank() {
            return;
        }
        for &c in &self.pivots[n..] {
            self.pivot_row[c] = NONE;
            if c >= self.split {
                self.tail_pivots -= 1;
            }
        }
        self.pivots.truncate(n);
        if self.dense {
            self.data.truncate(n * self.width);
        } else {
            self.cols.truncate(self.starts[n]);
            self.vals.truncate(self.starts[n]);
            self.starts.truncate(n + 1);
        }
    }

    /// Reduce `row` against the basis (the elimination step everything else builds on).
    pub fn reduce(&self, row: &[u32]) -> Reduced {
        assert_eq!(row.len(), self.width, "row width mismatch");
        let mut s = Scratch::default();
        let lead = self.reduce_into(RowRef::Dense(row), &mut s);
        let mut residual = vec![0u32; self.width];
        for &(c, v) in &s.out {
            residual[c as usize] = v;
        }
        Reduced { residual, lead }
    }

    /// Reduce `row` into `s` (read the residual with [`Scratch::residual`]); returns its
    /// leading column within the pivot columns, `None` if the row lies in the span there.
    pub fn reduce_into(&self, row: RowRef, s: &mut Scratch) -> Option<usize> {
        s.ensure(self.width);
        s.out.clear();
        let small = self.field.p() < 1 << 16;
        match (self.dense, small) {
            (true, true) => self.reduce_dense::<true>(row, s),
            (true, false) => self.reduce_dense::<false>(row, s),
            (false, true) => self.reduce_sparse::<true>(row, s),
            (false, false) => self.reduce_sparse::<false>(row, s),
        }
        s.out
            .first()
            .map(|&(c, _)| c as usize)
            .filter(|&c| c < self.pivot_cols)
    }

    /// Dense kernel: basis rows in insertion order (each is zero at the pivots of the rows
    /// before it), `acc[c..] += (p − coef)·row[c..]` over contiguous memory.
    fn reduce_dense<const SMALL: bool>(&self, row: RowRef, s: &mut Scratch) {
        let f = self.field;
        let p = f.p() as u64;
        let w = self.width;
        let acc = &mut s.acc[..w];
        match row {
            RowRef::Dense(r) => {
                for (a, &v) in acc.iter_mut().zip(r) {
                    *a = v as u64;
                }
            }
            RowRef::Entries(e) => {
                for &(c, v) in e {
                    acc[c as usize] = v as u64;
                }
            }
        }
        let limit = f.delayed_adds();
        let mut pending = 0u64;
        for (i, &c) in self.pivots.iter().enumerate() {
            // Rows are sparse: most entries at pivot columns are exactly zero (no reduction).
            if acc[c] == 0 {
                continue;
            }
            let coef = f.reduce(acc[c]);
            acc[c] = 0;
            if coef == 0 {
                continue;
            }
            if !SMALL && pending == limit {
                // Every entry: a later row may pivot before `c` and add to earlier columns.
                for a in acc.iter_mut() {
                    *a = f.reduce(*a) as u64;
                }
                pending = 0;
            }
            // u32 × u32 → u64: one widening multiply per lane, no emulated 64-bit multiply.
            let m = f.p() - coef;
            let base = i * w;
            let basis_row = &self.data[base + c + 1..base + w];
            for (a, &r) in acc[c + 1..].iter_mut().zip(basis_row) {
                *a += (m as u64) * (r as u64);
            }
            pending += 1;
        }
        for (c, a) in acc.iter_mut().enumerate() {
            if *a != 0 {
                let v = if *a < p { *a as u32 } else { f.reduce(*a) };
                *a = 0;
                if v != 0 {
                    s.out.push((c as u32, v));
                }
            }
        }
    }

    /// Sparse kernel: a bit set of touched columns, visited in increasing order. Eliminating
    /// with the row pivoting at `c` only touches columns after `c` (a basis row is zero before
    /// its pivot), so each column is final when it is visited.
    fn reduce_sparse<const SMALL: bool>(&self, row: RowRef, s: &mut Scratch) {
        let f = self.field;
        let p = f.p() as u64;
        let mut lo = usize::MAX;
        s.hi = 0;
        match row {
            RowRef::Dense(r) => {
                for (c, &v) in r.iter().enumerate() {
                    if v != 0 {
                        s.acc[c] = v as u64;
                        s.touch(c);
                        lo = lo.min(c);
                    }
                }
            }
            RowRef::Entries(e) => {
                for &(c, v) in e {
                    if v != 0 {
                        s.acc[c as usize] = v as u64;
                        s.touch(c as usize);
                        lo = lo.min(c as usize);
                    }
                }
            }
        }
        if lo == usize::MAX {
            return;
        }
        let mut w = lo / 64;
        while w <= s.hi {
            let bits = s.mark[w];
            if bits == 0 {
                w += 1;
                continue;
            }
            s.mark[w] = bits & (bits - 1);
            let c = w * 64 + bits.trailing_zeros() as usize;
            let a = std::mem::take(&mut s.acc[c]);
            let v = if a < p { a as u32 } else { f.reduce(a) };
            if v == 0 {
                continue;
            }
            let r = self.pivot_row.get(c).copied().unwrap_or(NONE);
            if r == NONE {
                s.out.push((c as u32, v));
                continue;
            }
            let m = f.p() - v;
            let range = self.starts[r as usize] + 1..self.starts[r as usize + 1];
            for (&j, &x) in self.cols[range.clone()].iter().zip(&self.vals[range]) {
                let j = j as usize;
                // u32 × u32 → u64: one widening multiply, no emulated 64-bit multiply.
                let t = s.acc[j] + (m as u64) * (x as u64);
                s.acc[j] = if !SMALL && t >= LAZY_LIMIT {
                    f.reduce(t) as u64
                } else {
                    t
                };
                s.mark[j / 64] |= 1u64 << (j % 64);
            }
            if let Some(&last) = self.cols[self.starts[r as usize + 1] - 1..].first() {
                s.hi = s.hi.max(last as usize / 64);
            }
        }
    }

    /// Insert a row; returns its pivot column if it was independent of the basis.
    pub fn insert(&mut self, row: &[u32]) -> Option<usize> {
        assert_eq!(row.len(), self.width, "row width mismatch");
        self.insert_ref(RowRef::Dense(row))
    }

    /// Insert a sparse row (entries in any order, distinct columns, values below p).
    pub fn insert_entries(&mut self, entries: &[(u32, u32)]) -> Option<usize> {
        self.insert_ref(RowRef::Entries(entries))
    }

    /// Insert a row given either way; returns its pivot column if it was independent.
    pub fn insert_ref(&mut self, row: RowRef) -> Option<usize> {
        let mut s = std::mem::take(&mut self.scratch);
        let lead = self.reduce_into(row, &mut s);
        if let Some(c) = lead {
            self.push_residual(&s.out, c);
        }
        self.scratch = s;
        lead
    }

    /// Append a residual (entries in column order, leading entry at `c`), normalised.
    fn push_residual(&mut self, out: &[(u32, u32)], c: usize) {
        let f = self.field;
        let inv = f.inv(out[0].1).expect("pivot is nonzero");
        let i = self.pivots.len();
        if self.dense {
            let base = self.data.len();
            self.data.resize(base + self.width, 0);
            for &(j, v) in out {
                self.data[base + j as usize] = f.mul(v, inv);
            }
        } else {
            for &(j, v) in out {
                self.cols.push(j);
                self.vals.push(f.mul(v, inv));
            }
            self.starts.push(self.cols.len());
        }
        self.note_pivot(i, c);
    }

    fn note_pivot(&mut self, i: usize, c: usize) {
        self.pivots.push(c);
        self.pivot_row[c] = i as u32;
        if c >= self.split {
            self.tail_pivots += 1;
        }
    }

    /// Append a row that is already reduced: `entries` (any order) with the leading entry 1 at
    /// the pivot, zero before it and at the pivot of every row already in the basis.
    ///
    /// No elimination: valid when the row was taken from a basis built by [`Echelon::insert`],
    /// rows are copied in their original order, and the dropped columns are zero in every
    /// copied row and hold no copied pivot. Then each copied row is still zero before its pivot
    /// and at the pivots of the rows copied before it, which is all the reduction relies on.
    pub fn push_reduced(&mut self, entries: &mut [(u32, u32)]) {
        entries.sort_unstable_by_key(|&(c, _)| c);
        let c = entries[0].0 as usize;
        debug_assert_eq!(entries[0].1, 1, "a reduced row is normalised");
        debug_assert!(self.row_with_pivot(c).is_none());
        let i = self.pivots.len();
        if self.dense {
            let base = self.data.len();
            self.data.resize(base + self.width, 0);
            for &(j, v) in entries.iter() {
                self.data[base + j as usize] = v;
            }
        } else {
            for &(j, v) in entries.iter() {
                self.cols.push(j);
                self.vals.push(v);
            }
            self.starts.push(self.cols.len());
        }
        self.note_pivot(i, c);
    }

    /// Insert several rows; returns how many were independent.
    pub fn insert_all<'a>(&mut self, rows: impl IntoIterator<Item = &'a [u32]>) -> usize {
        rows.into_iter()
            .filter(|r| self.insert(r).is_some())
            .count()
    }

    /// Insert several sparse rows; returns how many were independent.
    pub fn insert_sparse<'a>(&mut self, rows: impl IntoIterator<Item = &'a SparseRow>) -> usize {
        rows.into_iter()
            .filter(|r| self.insert_entries(r.entries()).is_some())
            .count()
    }

    /// Bytes held by the basis rows (for the memory estimate of the verifier).
    pub fn bytes(&self) -> usize {
        4 * (self.data.capacity() + self.cols.capacity() + self.vals.capacity())
            + 8 * (self.starts.capacity() + self.pivots.capacity())
            + 4 * self.pivot_row.capacity()
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
        for dense in [true, false] {
            let fl = f(5);
            let mut e = Echelon::with_storage(fl, 4, 4, 2, dense);
            e.insert(&[1, 0, 1, 0]);
            e.insert(&[1, 0, 0, 1]);
            assert_eq!((e.rank(), e.tail_rank()), (2, 1));
            e.insert(&[0, 1, 0, 0]);
            assert_eq!((e.rank(), e.tail_rank()), (3, 1));
            e.insert(&[0, 0, 1, 1]);
            assert_eq!((e.rank(), e.tail_rank()), (4, 2));
            e.truncate(2);
            assert_eq!((e.rank(), e.tail_rank()), (2, 1));
            assert_eq!(e.insert(&[0, 1, 0, 0]), Some(1));
        }
    }

    #[test]
    fn tracking_columns_record_the_combination() {
        // Rows a=(1,1), b=(1,2) over F_5 with identity tracking; reduce target (0,1) = b - a.
        for dense in [true, false] {
            let fl = f(5);
            let mut e = Echelon::with_storage(fl, 2 + 3, 2, 2, dense);
            e.insert(&[1, 1, 1, 0, 0]);
            e.insert(&[1, 2, 0, 1, 0]);
            let r = e.reduce(&[0, 1, 0, 0, 1]);
            assert_eq!(r.lead, None);
            // residual = target - (coefficients) ; tracking part = -(combination), last = 1
            let combo: Vec<u32> = r.residual[2..4].iter().map(|&v| fl.neg(v)).collect();
            assert_eq!(combo, vec![fl.from_i64(-1), 1]);
        }
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

    /// The elimination as it was before compressed rows and the u32 kernel: dense rows, one
    /// `%` per multiply-add, basis rows in insertion order. The reference both storages must
    /// reproduce row for row.
    struct Reference {
        p: u64,
        rows: Vec<(usize, Vec<u64>)>,
    }

    impl Reference {
        fn reduce(&self, row: &[u32]) -> Vec<u64> {
            let mut acc: Vec<u64> = row.iter().map(|&v| v as u64 % self.p).collect();
            for (c, r) in &self.rows {
                let coef = acc[*c];
                if coef != 0 {
                    for (a, &x) in acc.iter_mut().zip(r) {
                        *a = (*a + (self.p - coef) * x) % self.p;
                    }
                }
            }
            acc
        }

        fn insert(&mut self, row: &[u32], pivot_cols: usize) -> Option<usize> {
            let mut acc = self.reduce(row);
            let c = acc[..pivot_cols].iter().position(|&v| v != 0)?;
            let inv = f(self.p).inv(acc[c] as u32).unwrap() as u64;
            for a in acc.iter_mut() {
                *a = *a * inv % self.p;
            }
            self.rows.push((c, acc));
            Some(c)
        }
    }

    #[test]
    fn both_storages_match_the_reference_elimination() {
        let mut state = 11u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        // Small and large primes (the large ones exercise lazy reduction).
        for p in [
            2u64,
            3,
            13,
            65_521,
            65_537,
            1_000_003,
            crate::field::MAX_PRIME,
        ] {
            for _ in 0..40 {
                let width = 1 + next(24) as usize;
                let pivot_cols = 1 + next(width as u64) as usize;
                let split = next(pivot_cols as u64 + 1) as usize;
                let fl = f(p);
                let mut dense = Echelon::with_storage(fl, width, pivot_cols, split, true);
                let mut sparse = Echelon::with_storage(fl, width, pivot_cols, split, false);
                let mut reference = Reference { p, rows: vec![] };
                for _ in 0..1 + next(30) {
                    let density = 1 + next(4);
                    let row: Vec<u32> = (0..width)
                        .map(|_| {
                            if next(density) == 0 {
                                next(p) as u32
                            } else {
                                0
                            }
                        })
                        .collect();
                    let want = reference.reduce(&row);
                    for e in [&dense, &sparse] {
                        let got = e.reduce(&row);
                        let got: Vec<u64> = got.residual.iter().map(|&v| v as u64).collect();
                        assert_eq!(got, want, "p={p}");
                    }
                    let c = reference.insert(&row, pivot_cols);
                    assert_eq!(dense.insert(&row), c);
                    assert_eq!(sparse.insert(&row), c);
                    // Truncating and re-inserting gives the same basis back.
                    if next(5) == 0 && dense.rank() > 0 {
                        let n = dense.rank() - 1;
                        let last = dense.row(n);
                        dense.truncate(n);
                        sparse.truncate(n);
                        reference.rows.truncate(n);
                        assert_eq!(dense.insert(&last), sparse.insert(&last));
                        reference.insert(&last, pivot_cols);
                    }
                }
                assert_eq!(dense.rank(), reference.rows.len());
                for (i, (c, r)) in reference.rows.iter().enumerate() {
                    let r: Vec<u32> = r.iter().map(|&v| v as u32).collect();
                    assert_eq!((dense.pivot(i), &dense.row(i)), (*c, &r));
                    assert_eq!((sparse.pivot(i), &sparse.row(i)), (*c, &r));
                    assert_eq!(dense.row_with_pivot(*c), Some(i));
                }
                let tail = reference.rows.iter().filter(|(c, _)| *c >= split).count();
                assert_eq!((dense.tail_rank(), sparse.tail_rank()), (tail, tail));
            }
        }
    }

    /// Large primes: a long chain of eliminations into one accumulator crosses the lazy
    /// reduction threshold many times (p near 2^31: products near 2^62).
    #[test]
    fn large_prime_accumulators_do_not_overflow() {
        let p = crate::field::MAX_PRIME;
        let fl = f(p);
        let n = 40;
        for dense in [true, false] {
            // Rows e_i + (p−1)·e_n: reducing (1, …, 1, 0) adds (p−1)·(p−1) to the last column
            // n times; the residual is Σ −(p−1) = n mod p at column n.
            let mut e = Echelon::with_storage(fl, n + 1, n, n, dense);
            for i in 0..n {
                let mut r = vec![0u32; n + 1];
                r[i] = 1;
                r[n] = (p - 1) as u32;
                e.insert(&r);
            }
            let mut t = vec![1u32; n + 1];
            t[n] = 0;
            let red = e.reduce(&t);
            assert_eq!(red.residual[n] as u64, n as u64 % p, "dense={dense}");
        }
    }
}
