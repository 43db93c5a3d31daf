//! Index assignment for the unreliable workers: Problem 1 exactly (branch and bound over all
//! C(N, |𝒰|) index sets with a precomputed trace table), brute force for any objective, and the
//! greedy Algorithm 1 (models.md §6.2–6.3). Sets are sorted 1-based evaluation indices.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::encoding::Encoding;
use super::CodedError;
use crate::subsets::{binomial, subsets, subsets_of};

/// An index set and its objective value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    pub set: Vec<u32>,
    pub value: f64,
}

/// The result of a search: the best few sets and how many objective evaluations it took.
#[derive(Debug, Clone, Serialize)]
pub struct Search {
    pub method: &'static str,
    pub best: Vec<Ranked>,
    /// The paper's count (Table IV): C(N,|𝒰|) for brute force, C(N,s0) + Σ (N−i) for greedy.
    pub evaluations: u128,
    /// Brute-force Problem 1 only: candidates actually scored (the rest were pruned: their
    /// partial max already exceeded the k-th best, so their exact value cannot matter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scored: Option<u64>,
}

/// Total order for ranking: value, then the set lexicographically (deterministic ties).
fn better(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
    a.value.total_cmp(&b.value).then_with(|| a.set.cmp(&b.set))
}

fn push_top(top: &mut Vec<Ranked>, r: Ranked, keep: usize) {
    let pos = top
        .binary_search_by(|x| better(x, &r))
        .unwrap_or_else(|p| p);
    if pos < keep {
        top.insert(pos, r);
        top.truncate(keep);
    }
}

/// tr(H_𝒯 H_𝒯ᵀ) for every T-subset 𝒯 of [N], indexed by colex rank (0-based elements
/// c_1 < … < c_T ↦ Σ C(c_i, i)). Computed once; every candidate is then a max of lookups.
#[derive(Debug, Clone)]
pub struct TraceTable {
    pub n: usize,
    pub t: usize,
    traces: Vec<f64>,
    /// binom[x][j] = C(x, j) for x ≤ N, j ≤ T.
    binom: Vec<Vec<usize>>,
}

impl TraceTable {
    pub fn new(enc: &Encoding) -> Self {
        let (n, t) = (enc.n, enc.t);
        let binom: Vec<Vec<usize>> = (0..=n)
            .map(|x| {
                (0..=t)
                    .map(|j| binomial(x as u64, j as u64) as usize)
                    .collect()
            })
            .collect();
        let mut table = Self {
            n,
            t,
            traces: vec![0.0; binom[n][t]],
            binom,
        };
        let all = subsets(n as u32, t, t);
        let vals: Vec<(usize, f64)> = all
            .par_iter()
            .map(|s| (table.index_of(s), enc.trace(s)))
            .collect();
        for (r, v) in vals {
            table.traces[r] = v;
        }
        table
    }

    /// Position of a sorted T-subset in the table (combinatorial number system).
    fn index_of(&self, set: &[u32]) -> usize {
        set.iter()
            .enumerate()
            .map(|(i, &c)| self.binom[c as usize - 1][i + 1])
            .sum()
    }

    /// tr(H_𝒯 H_𝒯ᵀ) of one T-subset (sorted, 1-based).
    pub fn trace(&self, set: &[u32]) -> f64 {
        self.traces[self.index_of(set)]
    }

    /// Problem-1 objective of an index set: the max trace over its T-subsets, and the worst
    /// T-subset. Sets smaller than T have no colluding set: (0, empty).
    pub fn objective(&self, set: &[u32]) -> (f64, Vec<u32>) {
        let mut best = (0.0, Vec::new());
        for s in subsets_of(set, self.t, self.t) {
            let v = self.trace(&s);
            if v > best.0 || best.1.is_empty() {
                best = (v, s);
            }
        }
        best
    }

    /// The largest trace over all T-subsets of [N]: the leakage bound without profiling.
    pub fn global_max(&self) -> f64 {
        self.traces.iter().copied().fold(0.0, f64::max)
    }

    /// Problem 1 exactly: the `keep` best index sets of size `u` by max T-subset trace.
    ///
    /// Depth-first over sets in increasing element order; adding element e creates exactly the
    /// T-subsets {e} ∪ (T−1)-subset of the current prefix, whose colex ranks are the ranks of
    /// those (T−1)-subsets plus C(e, T). So each prefix keeps the ranks of its j-subsets
    /// (j < T) and a candidate costs only its new lookups. The partial max can only grow, so a
    /// prefix whose max exceeds the k-th best found anywhere (shared atomically) is pruned.
    /// Work is split over the first two elements and run in parallel (rayon).
    pub fn problem1(&self, u: usize, keep: usize) -> Result<Search, CodedError> {
        let (n, t) = (self.n, self.t);
        if u < t || u > n {
            return Err(CodedError::Param(format!(
                "|U| = {u} must satisfy T = {t} ≤ |U| ≤ N = {n}"
            )));
        }
        let keep = keep.max(1);
        let threshold = AtomicU64::new(f64::INFINITY.to_bits());
        let scored = AtomicU64::new(0);
        let split = u.min(2);
        let prefixes = subsets(n as u32, split, split);
        let tops: Vec<Vec<Ranked>> = prefixes
            .par_iter()
            .map(|prefix| {
                let mut dfs = Dfs {
                    table: self,
                    u,
                    keep,
                    threshold: &threshold,
                    scored: 0,
                    lists: vec![Vec::new(); t],
                    set: Vec::with_capacity(u),
                    top: Vec::new(),
                };
                dfs.lists[0].push(0);
                let mut max = 0.0;
                for &e in prefix {
                    max = dfs.add(e as usize - 1, max);
                }
                dfs.run(max);
                scored.fetch_add(dfs.scored, Ordering::Relaxed);
                dfs.top
            })
            .collect();
        let mut best = Vec::new();
        for r in tops.into_iter().flatten() {
            push_top(&mut best, r, keep);
        }
        Ok(Search {
            method: "brute force (exact, branch and bound)",
            best,
            evaluations: binomial(n as u64, u as u64),
            scored: Some(scored.into_inner()),
        })
    }
}

struct Dfs<'a> {
    table: &'a TraceTable,
    u: usize,
    keep: usize,
    threshold: &'a AtomicU64,
    scored: u64,
    /// lists[j] = colex ranks of the j-subsets of the current prefix, j < T.
    lists: Vec<Vec<usize>>,
    /// Current prefix, 0-based elements.
    set: Vec<usize>,
    top: Vec<Ranked>,
}

impl Dfs<'_> {
    /// Append element e (larger than every element so far); return the new partial max.
    fn add(&mut self, e: usize, max: f64) -> f64 {
        let t = self.table.t;
        let b = &self.table.binom[e];
        let mut m = max;
        for &r in &self.lists[t - 1] {
            m = m.max(self.table.traces[r + b[t]]);
        }
        for j in (1..t).rev() {
            let (lo, hi) = self.lists.split_at_mut(j);
            hi[0].extend(lo[j - 1].iter().map(|r| r + b[j]));
        }
        self.set.push(e);
        m
    }

    fn run(&mut self, max: f64) {
        if max > f64::from_bits(self.threshold.load(Ordering::Relaxed)) {
            return;
        }
        if self.set.len() == self.u {
            self.scored += 1;
            let r = Ranked {
                set: self.set.iter().map(|&e| e as u32 + 1).collect(),
                value: max,
            };
            push_top(&mut self.top, r, self.keep);
            if self.top.len() == self.keep {
                // Positive f64s order like their bit patterns.
                let kth = self.top[self.keep - 1].value.to_bits();
                self.threshold.fetch_min(kth, Ordering::Relaxed);
            }
            return;
        }
        let n = self.table.n;
        let start = self.set.last().map_or(0, |&l| l + 1);
        let need = self.u - self.set.len();
        for e in start..=(n - need) {
            let lens: Vec<usize> = self.lists.iter().map(Vec::len).collect();
            let m = self.add(e, max);
            self.run(m);
            self.set.pop();
            for (l, len) in self.lists.iter_mut().zip(lens) {
                l.truncate(len);
            }
        }
    }
}

/// Brute force for any objective: every index set of size `u` of [N], scored in parallel.
pub fn brute_force(
    n: usize,
    u: usize,
    keep: usize,
    objective: &(dyn Fn(&[u32]) -> f64 + Sync),
    progress: Option<&crate::progress::Task>,
) -> Search {
    let all = subsets(n as u32, u, u);
    let scored: Vec<Ranked> = all
        .into_par_iter()
        .map(|set| {
            let value = objective(&set);
            if let Some(p) = progress {
                p.advance(1);
            }
            Ranked { set, value }
        })
        .collect();
    let mut best = Vec::new();
    for r in scored {
        push_top(&mut best, r, keep.max(1));
    }
    Search {
        method: "brute force (exact over all index sets)",
        best,
        evaluations: binomial(n as u64, u as u64),
        scored: None,
    }
}

/// Greedy Algorithm 1: the best set of size s0 by brute force, then repeatedly add the index
/// that minimises the objective of the enlarged set (ties: smallest index), up to size `u`.
pub fn greedy(
    n: usize,
    u: usize,
    s0: usize,
    objective: &(dyn Fn(&[u32]) -> f64 + Sync),
    progress: Option<&crate::progress::Task>,
) -> Search {
    let s0 = s0.clamp(1, u);
    let init = brute_force(n, s0, 1, objective, progress);
    let mut evaluations = init.evaluations;
    let mut cur = init.best.into_iter().next().expect("C(N, s0) ≥ 1");
    while cur.set.len() < u {
        let pool: Vec<u32> = (1..=n as u32).filter(|i| !cur.set.contains(i)).collect();
        evaluations += pool.len() as u128;
        let next = pool
            .par_iter()
            .map(|&i| {
                let mut set = cur.set.clone();
                set.push(i);
                set.sort_unstable();
                let value = objective(&set);
                if let Some(p) = progress {
                    p.advance(1);
                }
                Ranked { set, value }
            })
            .min_by(better)
            .expect("pool is nonempty while |set| < N");
        cur = next;
    }
    Search {
        method: "greedy (Algorithm 1)",
        best: vec![cur],
        evaluations,
        scored: None,
    }
}

/// Greedy's evaluation count C(N, s0) + Σ_{i=s0}^{u−1} (N − i) (Table IV).
pub fn greedy_evaluations(n: usize, u: usize, s0: usize) -> u128 {
    binomial(n as u64, s0 as u64) + (s0..u).map(|i| (n - i) as u128).sum::<u128>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(k: usize, t: usize, n: usize) -> TraceTable {
        TraceTable::new(&Encoding::new(k, t, n).unwrap())
    }

    #[test]
    fn branch_and_bound_matches_plain_brute_force() {
        for (k, t, n, u) in [(2, 2, 9, 5), (3, 1, 8, 4), (1, 3, 10, 6), (2, 2, 7, 7)] {
            let tab = table(k, t, n);
            let fast = tab.problem1(u, 4).unwrap();
            let plain = brute_force(n, u, 4, &|s: &[u32]| tab.objective(s).0, None);
            assert_eq!(fast.best, plain.best, "K={k} T={t} N={n} |U|={u}");
            assert_eq!(fast.evaluations, binomial(n as u64, u as u64));
            assert!(fast.scored.unwrap() as u128 <= fast.evaluations);
        }
    }

    #[test]
    fn objective_is_max_over_t_subsets() {
        let tab = table(3, 3, 21);
        let set = [4, 11, 12, 13];
        let (v, worst) = tab.objective(&set);
        let manual = subsets_of(&set, 3, 3)
            .iter()
            .map(|s| tab.trace(s))
            .fold(0.0, f64::max);
        assert_eq!(v, manual);
        assert_eq!(tab.trace(&worst), v);
        assert!(tab.global_max() >= v);
    }

    #[test]
    fn greedy_counts_and_reaches_size() {
        let tab = table(2, 2, 9);
        let g = greedy(9, 5, 2, &|s: &[u32]| tab.objective(s).0, None);
        assert_eq!(g.best[0].set.len(), 5);
        assert_eq!(g.evaluations, greedy_evaluations(9, 5, 2));
        assert_eq!(g.evaluations, 36 + 7 + 6 + 5);
        // Greedy can never beat the exact optimum.
        let exact = tab.problem1(5, 1).unwrap();
        assert!(g.best[0].value >= exact.best[0].value);
    }

    #[test]
    fn rejects_bad_sizes() {
        let tab = table(3, 3, 10);
        assert!(tab.problem1(2, 1).is_err());
        assert!(tab.problem1(11, 1).is_err());
    }
}
