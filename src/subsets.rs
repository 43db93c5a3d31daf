//! Subset enumeration shared by every model. Sets are sorted `Vec<u32>` of 1-based elements.
//!
//! The order is lexicographic DFS ({1}, {1,2}, {1,2,3}, {1,3}, {2}, …): consecutive sets share
//! long prefixes, which the engine's prefix cache turns into reused elimination work.

/// All subsets of `universe` (sorted) with size in `lo..=hi`, in lexicographic DFS order
/// (none when lo > hi).
pub fn subsets_of(universe: &[u32], lo: usize, hi: usize) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    if lo == 0 {
        out.push(Vec::new());
    }
    dfs(universe, 0, lo.max(1), hi, &mut cur, &mut out);
    out
}

fn dfs(u: &[u32], from: usize, lo: usize, hi: usize, cur: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
    if cur.len() == hi {
        return;
    }
    for i in from..u.len() {
        // Not enough elements left to reach the minimum size: prune.
        if cur.len() + 1 + (u.len() - i - 1) < lo {
            break;
        }
        cur.push(u[i]);
        if cur.len() >= lo {
            out.push(cur.clone());
        }
        dfs(u, i + 1, lo, hi, cur, out);
        cur.pop();
    }
}

/// Subsets of {1..n} with size in `lo..=hi`.
pub fn subsets(n: u32, lo: usize, hi: usize) -> Vec<Vec<u32>> {
    let u: Vec<u32> = (1..=n).collect();
    subsets_of(&u, lo, hi)
}

/// Binomial coefficient as u128 (saturating).
pub fn binomial(n: u64, k: u64) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut r: u128 = 1;
    for i in 0..k {
        r = r.saturating_mul((n - i) as u128) / (i as u128 + 1);
    }
    r
}

/// Number of subsets of an n-set with size in `lo..=hi`.
pub fn count_subsets(n: u64, lo: u64, hi: u64) -> u128 {
    (lo..=hi.min(n)).map(|k| binomial(n, k)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_size_range_gives_no_sets() {
        assert!(subsets(4, 1, 0).is_empty());
        assert!(subsets(4, 3, 2).is_empty());
        assert!(subsets(2, 3, 5).is_empty());
    }

    #[test]
    fn dfs_order_and_counts() {
        let s = subsets(3, 0, 3);
        let shown: Vec<String> = s.iter().map(|v| format!("{v:?}")).collect();
        assert_eq!(
            shown,
            [
                "[]",
                "[1]",
                "[1, 2]",
                "[1, 2, 3]",
                "[1, 3]",
                "[2]",
                "[2, 3]",
                "[3]"
            ]
        );
        for n in 1..8u32 {
            for lo in 0..=n as usize {
                for hi in lo..=n as usize {
                    let got = subsets(n, lo, hi);
                    assert_eq!(
                        got.len() as u128,
                        count_subsets(n as u64, lo as u64, hi as u64)
                    );
                    assert!(got.iter().all(|v| v.len() >= lo && v.len() <= hi));
                }
            }
        }
        assert_eq!(binomial(52, 5), 2_598_960);
        assert_eq!(
            subsets_of(&[2, 5, 7], 2, 2),
            vec![vec![2, 5], vec![2, 7], vec![5, 7]]
        );
    }
}
