//! Projecting out randomness columns private to the conditioning of a security check.
//!
//! Lemma. Let P be randomness columns that no view row touches, and C' the subspace of
//! span(cond) that vanishes on P. Then tail(view ∪ cond) − tail(cond) = tail(view ∪ C') −
//! tail(C'): a key-free combination of view and cond rows is zero on P, and so is its view
//! part, hence its cond part lies in C'. After projecting, the P columns are zero everywhere and
//! are dropped, so the check runs on (view columns ∪ input columns) instead of all columns.
//!
//! C' is read off the cached echelon basis of the conditioning: if every basis row whose pivot
//! is outside P also vanishes on P, those rows span C' (a combination involving a row with pivot
//! in P is nonzero at the smallest such pivot). The engine orders randomness columns so that
//! columns few views touch come first, which makes this hold whenever the conditioning's
//! private randomness is confined to its own rows (e.g. a colluder's shares for *other* survivor
//! sets); when it does not hold the check falls back to the full computation, so answers never
//! depend on the model's structure.

use super::{BlockId, Blocks, Condition, Plan};
use crate::field::SparseRow;

/// A set of column indices, one bit each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ColSet {
    words: Vec<u64>,
}

impl ColSet {
    pub fn new(columns: usize) -> Self {
        ColSet {
            words: vec![0; columns.div_ceil(64)],
        }
    }

    /// Columns where some row is nonzero, restricted to `0..limit`.
    pub fn support<'a>(
        columns: usize,
        limit: usize,
        rows: impl IntoIterator<Item = &'a SparseRow>,
    ) -> Self {
        let mut s = ColSet::new(columns);
        for r in rows {
            for &(c, _) in r.entries() {
                if (c as usize) < limit {
                    s.insert(c as usize);
                }
            }
        }
        s
    }

    /// Number of columns in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    pub fn union_with(&mut self, other: &ColSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub fn is_subset(&self, other: &ColSet) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .all(|(a, b)| a & !b == 0)
    }

    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &bits)| {
            let mut b = bits;
            std::iter::from_fn(move || {
                (b != 0).then(|| {
                    let i = b.trailing_zeros() as usize;
                    b &= b - 1;
                    w * 64 + i
                })
            })
        })
    }
}

/// Randomness support of each block (columns `0..input_start` where a row is nonzero).
pub(super) fn block_supports(blocks: &Blocks, columns: usize, input_start: usize) -> Vec<ColSet> {
    blocks
        .list
        .iter()
        .map(|b| ColSet::support(columns, input_start, &b.rows))
        .collect()
}

/// New position of every column: randomness columns touched by fewer security views come first
/// (ties keep their order); input columns stay where they are, after all randomness.
pub(super) fn column_order(plan: &Plan, columns: usize, input_start: usize) -> Vec<usize> {
    let supports = block_supports(&plan.blocks, columns, input_start);
    let mut count = vec![0u64; input_start];
    let mut vs = ColSet::new(columns);
    let mut last: Option<&[BlockId]> = None;
    for c in plan.families.iter().flat_map(|f| &f.checks) {
        if let Condition::Secure { view, .. } = &c.condition {
            if last != Some(view.as_slice()) {
                vs.clear();
                for &b in view {
                    vs.union_with(&supports[b as usize]);
                }
                last = Some(view.as_slice());
            }
            for i in vs.iter() {
                count[i] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..input_start).collect();
    order.sort_by_key(|&i| (count[i], i));
    let mut position = vec![0; columns];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new;
    }
    for (i, p) in position.iter_mut().enumerate().skip(input_start) {
        *p = i;
    }
    position
}

/// The same blocks with their columns moved to `position[old]`.
pub(super) fn permute(blocks: &Blocks, position: &[usize]) -> Blocks {
    let mut out = blocks.clone();
    for b in &mut out.list {
        for r in &mut b.rows {
            *r = SparseRow::from_entries(
                r.entries()
                    .iter()
                    .map(|&(c, v)| (position[c as usize] as u32, v))
                    .collect(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colset_operations() {
        let mut a = ColSet::new(130);
        for i in [0, 63, 64, 129] {
            a.insert(i);
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 63, 64, 129]);
        assert!(a.contains(64) && !a.contains(65));
        let mut b = ColSet::new(130);
        b.insert(63);
        assert!(b.is_subset(&a) && !a.is_subset(&b));
        b.union_with(&a);
        assert_eq!(a, b);
        let s = ColSet::support(5, 3, [&SparseRow::from_dense(&[0u32, 2, 0, 1, 1])]);
        assert_eq!(s.count(), 1);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![1]);
    }
}
