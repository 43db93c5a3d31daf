//! The verification engine. A model describes *what* to check as [`Family`]s of [`Check`]s over
//! named row [`Block`]s; the engine decides *how*: every condition is a rank identity evaluated
//! with the one elimination routine ([`crate::field::Echelon`]).
//!
//! * Decodability  H(target | view) = 0  ⟺  rk(view, target) = rk(view).
//! * Security      I(inputs; view | cond) = tail(view ∪ cond) − tail(cond), where `tail` counts
//!   basis rows whose pivot is an input column (randomness columns come first), i.e. the
//!   dimension of the key-free part of the span.
//! * Hiding        I(target; view) = rk(target) − (rk(view, target) − rk(view)) = 0: the view
//!   determines no nonzero combination of the target (one input, say), whatever else it leaks.
//!
//! Checks are evaluated in parallel over contiguous chunks (rayon); each worker keeps the
//! echelon bases of the longest block prefix shared with its previous check, so consecutive
//! checks in DFS order cost a few row insertions. Blocks are inserted in the order the check
//! lists them (for security: conditioning blocks, then view blocks), so a model orders its
//! checks and blocks to put what consecutive checks share first. Results are gathered in check order, so the
//! report does not depend on the thread count. Witnesses (decoders, leaking combinations) are
//! recomputed afterwards, only for the checks that are printed, with tracking columns.

pub mod export;
pub mod latex;
mod projection;
mod report;
pub mod shard;
mod witness;

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

use crate::field::{Echelon, Field};
use crate::scheme::Scheme;
pub use report::{render_text, Example, FamilyReport, Report, SetLabel, Verdict};
pub use witness::{Decoder, Witness};

pub type BlockId = u32;

/// A named block of rows over the scheme's source columns.
#[derive(Debug, Clone)]
pub struct Block {
    pub label: String,
    pub rows: Vec<Vec<u32>>,
    /// The spec's names of the rows, when the block is a stack of named variables.
    pub row_names: Option<Vec<String>>,
}

impl Block {
    /// Label of each row: the spec's names for a stack of named parts (`Y[1]{1,2}`), else
    /// `X[1]` for a one-row block and `X[1](j)` otherwise.
    pub fn row_labels(&self) -> Vec<String> {
        if let Some(names) = &self.row_names {
            return names.clone();
        }
        if self.rows.len() == 1 {
            vec![self.label.clone()]
        } else {
            (1..=self.rows.len())
                .map(|j| format!("{}({j})", self.label))
                .collect()
        }
    }
}

/// The blocks a model's checks refer to; registered once, shared by all checks.
#[derive(Debug, Default, Clone)]
pub struct Blocks {
    list: Vec<Block>,
    by_label: HashMap<String, BlockId>,
}

impl Blocks {
    /// Register a block (or return the id of the block with the same label).
    pub fn add(&mut self, label: impl Into<String>, rows: Vec<Vec<u32>>) -> BlockId {
        self.add_named(label, rows, None)
    }

    /// [`Blocks::add`] with the spec's names of the rows (see [`Block::row_names`]).
    pub fn add_named(
        &mut self,
        label: impl Into<String>,
        rows: Vec<Vec<u32>>,
        row_names: Option<Vec<String>>,
    ) -> BlockId {
        let label = label.into();
        if let Some(&id) = self.by_label.get(&label) {
            return id;
        }
        let id = self.list.len() as BlockId;
        self.by_label.insert(label.clone(), id);
        let row_names = row_names.filter(|n| n.len() == rows.len());
        self.list.push(Block {
            label,
            rows,
            row_names,
        });
        id
    }

    pub fn get(&self, id: BlockId) -> &Block {
        &self.list[id as usize]
    }

    /// Every block, in registration order (position = id).
    pub fn iter(&self) -> impl Iterator<Item = &Block> {
        self.list.iter()
    }

    pub fn id(&self, label: &str) -> Option<BlockId> {
        self.by_label.get(label).copied()
    }
}

/// One rank condition.
#[derive(Debug, Clone)]
pub enum Condition {
    /// H(target | view) = 0.
    Decodable {
        view: Vec<BlockId>,
        target: Vec<BlockId>,
    },
    /// I(all inputs; view | cond) = 0.
    Secure {
        view: Vec<BlockId>,
        cond: Vec<BlockId>,
    },
    /// I(target; view) = 0: nothing about the target is determined by the view. Unlike
    /// `Secure`, other inputs may leak; the outcome is the dimension of the revealed part.
    Hidden {
        view: Vec<BlockId>,
        target: Vec<BlockId>,
    },
}

/// A check: the sets it is about (for the report) and its condition.
#[derive(Debug, Clone)]
pub struct Check {
    pub sets: Vec<(&'static str, Vec<u32>)>,
    pub condition: Condition,
}

/// A family of checks of one kind, e.g. `correctness` or `server-security`.
#[derive(Debug, Clone)]
pub struct Family {
    pub name: &'static str,
    pub description: String,
    pub checks: Vec<Check>,
    /// Print decoding coefficients of passing checks with `--show-decoders`.
    pub decoders: bool,
}

/// Everything a model instance hands the engine.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub blocks: Blocks,
    pub families: Vec<Family>,
}

impl Plan {
    pub fn num_checks(&self) -> usize {
        self.families.iter().map(|f| f.checks.len()).sum()
    }
}

/// Outcome of one check: 0 = pass; otherwise the rank deficit or the leaked dimension.
pub type Outcome = u32;

#[derive(Debug, Clone)]
pub struct Options {
    /// Failures with witnesses printed per family.
    pub max_failures: usize,
    /// Decoders printed per family (0 = none).
    pub max_decoders: usize,
    /// Where to report progress (checks evaluated); the default reports nowhere.
    pub progress: crate::progress::Progress,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_failures: 5,
            max_decoders: 0,
            progress: crate::progress::Progress::none(),
        }
    }
}

/// Echelon bases of the longest shared prefix of block sequences.
struct PrefixCache {
    empty: Echelon,
    stack: Vec<(BlockId, Echelon)>,
}

impl PrefixCache {
    fn new(empty: Echelon) -> Self {
        PrefixCache {
            empty,
            stack: Vec::new(),
        }
    }

    fn extend(&mut self, seq: &[BlockId], blocks: &Blocks) -> &Echelon {
        let common = self
            .stack
            .iter()
            .zip(seq)
            .take_while(|((b, _), s)| b == *s)
            .count();
        self.stack.truncate(common);
        for &b in &seq[common..] {
            let mut e = self.stack.last().map_or(&self.empty, |(_, e)| e).clone();
            e.insert_all(blocks.get(b).rows.iter().map(|r| r.as_slice()));
            self.stack.push((b, e));
        }
        self.stack.last().map_or(&self.empty, |(_, e)| e)
    }
}

struct Worker<'a> {
    blocks: &'a Blocks,
    space: Space,
    full: PrefixCache,
    cond: PrefixCache,
    /// Randomness support of each block, for projecting out private columns.
    supports: &'a [projection::ColSet],
    /// Randomness support of each row of the cached conditioning basis, and which
    /// conditioning sequence it was computed for.
    cond_rows: Vec<projection::ColSet>,
    cond_seq: Vec<BlockId>,
    common: Option<CommonBasis>,
}

impl Worker<'_> {
    fn evaluate(&mut self, c: &Condition) -> Outcome {
        match c {
            Condition::Decodable { view, target } => {
                // rk(view, target) − rk(view) is the rank of the target rows' residuals modulo
                // the view (they vanish on the view's pivots); no copy of the view's basis.
                let base = self.full.extend(view, self.blocks);
                let mut rest = Echelon::new(base.field(), base.width(), base.width());
                for &t in target {
                    for r in &self.blocks.get(t).rows {
                        rest.insert(&base.reduce(r).residual);
                    }
                }
                rest.rank() as Outcome
            }
            Condition::Secure { view, cond } => {
                if let Some(o) = self.secure_projected(view, cond) {
                    return o;
                }
                // Conditioning first: models enumerate so that consecutive checks share it
                // (e.g. the colluders' state), which is usually the larger part.
                let seq: Vec<BlockId> = cond.iter().chain(view).copied().collect();
                let with_view = self.full.extend(&seq, self.blocks).tail_rank();
                let known = self.cond.extend(cond, self.blocks).tail_rank();
                (with_view - known) as Outcome
            }
            Condition::Hidden { view, target } => {
                let rows = |e: &mut Echelon| {
                    target
                        .iter()
                        .map(|&t| {
                            e.insert_all(self.blocks.get(t).rows.iter().map(|r| r.as_slice()))
                        })
                        .sum::<usize>()
                };
                let mut e = self.full.extend(view, self.blocks).clone();
                let added = rows(&mut e);
                let alone = rows(&mut self.full.empty.clone());
                (alone - added) as Outcome
            }
        }
    }

    /// The security check on the view's columns only (see [`projection`]); `None` when the
    /// cached conditioning basis does not separate the private columns.
    fn secure_projected(&mut self, view: &[BlockId], cond: &[BlockId]) -> Option<Outcome> {
        let Space {
            field,
            columns,
            input_start,
        } = self.space;
        let mut seen = projection::ColSet::new(columns);
        for &b in view {
            seen.union_with(&self.supports[b as usize]);
        }
        if (0..input_start).all(|i| seen.contains(i)) {
            return None;
        }
        // Trailing conditioning blocks inside the view's columns (e.g. a sum of inputs) need no
        // projection: they join after it, so the cached basis is shared by more checks.
        let shared = cond.len()
            - cond
                .iter()
                .rev()
                .take_while(|&&b| self.supports[b as usize].is_subset(&seen))
                .count();
        let (cond, extra) = cond.split_at(shared);
        let e = self.cond.extend(cond, self.blocks);
        if self.cond_seq != cond {
            self.cond_rows = (0..e.rank())
                .map(|i| projection::ColSet::support(columns, input_start, [e.row(i)]))
                .collect();
            self.cond_seq = cond.to_vec();
            self.common = None;
        }
        // Columns from `q` to the inputs are all seen: rows pivoting there are shared by every
        // check on this conditioning with the same `q`, and so are leading view blocks that
        // stay inside them. Layout: [q..input_start), the check's own columns below q, inputs
        // (randomness order is free; shared rows are zero on the check's own columns).
        let q = (0..input_start)
            .rev()
            .take_while(|&i| seen.contains(i))
            .last()
            .unwrap_or(input_start);
        let mut kept: Vec<usize> = (q..input_start).collect();
        kept.extend(seen.iter().take_while(|&i| i < q));
        let split = kept.len();
        kept.extend(input_start..columns);
        for (i, support) in self.cond_rows.iter().enumerate() {
            let pivot = e.pivot(i);
            if (pivot >= input_start || seen.contains(pivot)) && !support.is_subset(&seen) {
                return None;
            }
        }
        let prefix = view
            .iter()
            .take_while(|&&b| self.supports[b as usize].iter().all(|c| c >= q))
            .count();
        let (shared_view, own_view) = view.split_at(prefix);
        let gather = |row: &[u32]| -> Vec<u32> { kept.iter().map(|&c| row[c]).collect() };
        let key = (q, kept.len(), shared_view.to_vec());
        if self.common.as_ref().is_none_or(|c| c.key != key) {
            let mut cond_part = Echelon::with_split(field, kept.len(), kept.len(), split);
            for i in 0..e.rank() {
                if e.pivot(i) >= q {
                    cond_part.push_projected(e, i, &kept);
                }
            }
            let mut full_part = cond_part.clone();
            for &b in shared_view {
                for r in &self.blocks.get(b).rows {
                    full_part.insert(&gather(r));
                }
            }
            self.common = Some(CommonBasis {
                key,
                cond: cond_part,
                full: full_part,
            });
        }
        let common = self.common.as_ref().expect("just built");
        // The check's own rows: conditioning rows pivoting on its own columns, trailing
        // conditioning blocks, then (for the full span) the rest of the view.
        let mut own: Vec<Vec<u32>> = (0..e.rank())
            .filter(|&i| e.pivot(i) < q && seen.contains(e.pivot(i)))
            .map(|i| gather(e.row(i)))
            .collect();
        for &b in extra {
            own.extend(self.blocks.get(b).rows.iter().map(|r| gather(r)));
        }
        let mut known = common.cond.clone();
        known.insert_all(own.iter().map(|r| r.as_slice()));
        let mut full = common.full.clone();
        full.insert_all(own.iter().map(|r| r.as_slice()));
        for &b in own_view {
            for r in &self.blocks.get(b).rows {
                full.insert(&gather(r));
            }
        }
        Some((full.tail_rank() - known.tail_rank()) as Outcome)
    }
}

/// Projected bases shared by consecutive security checks on the same conditioning: its rows
/// pivoting in the always-seen columns, without and with the shared leading view blocks.
struct CommonBasis {
    key: (usize, usize, Vec<BlockId>),
    cond: Echelon,
    full: Echelon,
}

/// The column space checks live in: randomness columns `0..input_start`, inputs after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    pub field: Field,
    pub columns: usize,
    pub input_start: usize,
}

impl Space {
    pub fn of(s: &Scheme) -> Space {
        Space {
            field: s.field,
            columns: s.num_columns,
            input_start: s.input_start,
        }
    }

    fn empty(&self) -> Echelon {
        Echelon::with_split(self.field, self.columns, self.columns, self.input_start)
    }

    /// H(target | view) in symbols: rk(view, target) − rk(view), from scratch.
    pub fn conditional_entropy(&self, view: &[Vec<u32>], target: &[Vec<u32>]) -> usize {
        let mut e = self.empty();
        let r = e.insert_all(view.iter().map(|r| r.as_slice()));
        r + e.insert_all(target.iter().map(|r| r.as_slice())) - r
    }

    /// I(all inputs; view | cond) in symbols: tail(view ∪ cond) − tail(cond), from scratch.
    /// The engine computes the same quantity with cached prefixes.
    pub fn leakage(&self, view: &[Vec<u32>], cond: &[Vec<u32>]) -> usize {
        let mut c = self.empty();
        c.insert_all(cond.iter().map(|r| r.as_slice()));
        let mut all = c.clone();
        all.insert_all(view.iter().map(|r| r.as_slice()));
        all.tail_rank() - c.tail_rank()
    }

    /// I(target; view) in symbols: rk(target) − (rk(view, target) − rk(view)), from scratch.
    pub fn revealed(&self, view: &[Vec<u32>], target: &[Vec<u32>]) -> usize {
        let mut alone = self.empty();
        alone.insert_all(target.iter().map(|r| r.as_slice()));
        alone.rank() - self.conditional_entropy(view, target)
    }
}

/// What a check's cached basis is built from: the kind, then the view (decodability, hidden
/// target) or the conditioning (security).
fn base_key(c: &Condition) -> (u8, &[BlockId]) {
    match c {
        Condition::Decodable { view, .. } => (0, view),
        Condition::Secure { cond, .. } => (1, cond),
        Condition::Hidden { view, .. } => (2, view),
    }
}

/// Evaluate every check of the plan; returns one outcome per check, per family, in order.
pub fn evaluate(
    space: Space,
    plan: &Plan,
    progress: &crate::progress::Progress,
) -> Vec<Vec<Outcome>> {
    let flat = evaluate_part(space, plan, Part::ALL, progress)
        .into_iter()
        .map(|(_, o)| o)
        .collect::<Vec<_>>();
    split_by_family(plan, flat)
}

/// One outcome per check, in check order, cut into the plan's families.
pub fn split_by_family(plan: &Plan, flat: Vec<Outcome>) -> Vec<Vec<Outcome>> {
    let mut it = flat.into_iter();
    plan.families
        .iter()
        .map(|f| it.by_ref().take(f.checks.len()).collect())
        .collect()
}

/// A deterministic share of a plan's checks: part `index` (1-based) of `count` equal parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub index: usize,
    pub count: usize,
}

impl Part {
    pub const ALL: Part = Part { index: 1, count: 1 };

    /// The positions `lo..hi` of this part in a list of `n` checks.
    pub fn range(&self, n: usize) -> std::ops::Range<usize> {
        // In u128: n · i cannot overflow for any usize n and i (n, i < 2^64).
        let at = |i: usize| (n as u128 * i as u128).div_ceil(self.count as u128) as usize;
        at(self.index - 1)..at(self.index)
    }
}

/// The order checks are evaluated in (plan indices): checks with the same base (view to decode
/// from, or conditioning) run consecutively so its echelon basis is built once; lexicographic
/// order also keeps shared prefixes together. A [`Part`] is a contiguous slice of it.
fn evaluation_order(flat: &[&Condition]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..flat.len()).collect();
    order.sort_by(|&a, &b| base_key(flat[a]).cmp(&base_key(flat[b])));
    order
}

/// The order the engine evaluates a plan's checks in (plan indices); parts are slices of it.
pub fn plan_order(plan: &Plan) -> Vec<usize> {
    let flat: Vec<&Condition> = plan
        .families
        .iter()
        .flat_map(|f| f.checks.iter().map(|c| &c.condition))
        .collect();
    evaluation_order(&flat)
}

/// The plan indices of the checks part `part` of `order` ([`plan_order`]), sorted (what a
/// shard covers).
pub fn part_of(order: &[usize], part: Part) -> Vec<usize> {
    let mut mine = order[part.range(order.len())].to_vec();
    mine.sort_unstable();
    mine
}

/// The plan indices of the checks part `part` evaluates, sorted.
pub fn part_indices(plan: &Plan, part: Part) -> Vec<usize> {
    part_of(&plan_order(plan), part)
}

/// One check's outcome from scratch with the reference rank formulas of [`Space`]
/// (`conditional_entropy`, `leakage`, `revealed`) — an evaluation path independent of the
/// engine's cached, projected one, used to audit merged shards.
pub fn evaluate_one(space: Space, plan: &Plan, check: &Check) -> Outcome {
    let rows = |ids: &[BlockId]| -> Vec<Vec<u32>> {
        ids.iter()
            .flat_map(|&b| plan.blocks.get(b).rows.iter().cloned())
            .collect()
    };
    let o = match &check.condition {
        Condition::Decodable { view, target } => {
            space.conditional_entropy(&rows(view), &rows(target))
        }
        Condition::Secure { view, cond } => space.leakage(&rows(view), &rows(cond)),
        Condition::Hidden { view, target } => space.revealed(&rows(view), &rows(target)),
    };
    o as Outcome
}

/// Evaluate one part of the plan's checks: `(check index in plan order, outcome)`, sorted by
/// index. Checks are first put in evaluation order (grouped by the basis they share) and the
/// part is a contiguous slice of that order, so each part keeps the sharing.
pub fn evaluate_part(
    space: Space,
    plan: &Plan,
    part: Part,
    progress: &crate::progress::Progress,
) -> Vec<(usize, Outcome)> {
    let empty = space.empty();
    // Columns few views touch first (ranks and tail counts do not depend on column order).
    let position = projection::column_order(plan, space.columns, space.input_start);
    let blocks = projection::permute(&plan.blocks, &position);
    let supports = projection::block_supports(&blocks, space.columns, space.input_start);
    let flat: Vec<&Condition> = plan
        .families
        .iter()
        .flat_map(|f| f.checks.iter().map(|c| &c.condition))
        .collect();
    let order = evaluation_order(&flat);
    let order = &order[part.range(flat.len())];
    let sorted: Vec<&Condition> = order.iter().map(|&i| flat[i]).collect();
    let threads = rayon::current_num_threads().max(1);
    // Contiguous chunks keep DFS neighbours together; several chunks per thread balance load.
    let chunk = (sorted.len() / (threads * 8)).clamp(1, 4096);
    let bar = progress.task("checks", Some(sorted.len() as u64));
    let by_order: Vec<Outcome> = sorted
        .par_chunks(chunk)
        .map(|part| {
            let mut w = Worker {
                blocks: &blocks,
                space,
                full: PrefixCache::new(empty.clone()),
                cond: PrefixCache::new(empty.clone()),
                supports: &supports,
                cond_rows: Vec::new(),
                cond_seq: Vec::new(),
                common: None,
            };
            let out: Vec<Outcome> = part.iter().map(|c| w.evaluate(c)).collect();
            bar.advance(part.len() as u64);
            out
        })
        .flatten_iter()
        .collect();
    drop(bar);
    let mut out: Vec<(usize, Outcome)> = order.iter().copied().zip(by_order).collect();
    out.sort_unstable_by_key(|&(i, _)| i);
    out
}

/// Run a plan: evaluate all checks, then build witnesses for the reported ones.
pub fn run(scheme: &Scheme, plan: &Plan, header: report::Header, opts: &Options) -> Report {
    let start = Instant::now();
    let outcomes = evaluate(Space::of(scheme), plan, &opts.progress);
    report_from_outcomes(scheme, plan, header, opts, outcomes, start)
}

/// The report of a plan whose outcomes are known (e.g. merged from shards): witnesses are
/// recomputed for the printed checks exactly as [`run`] does.
pub fn report_from_outcomes(
    scheme: &Scheme,
    plan: &Plan,
    header: report::Header,
    opts: &Options,
    outcomes: Vec<Vec<Outcome>>,
    start: Instant,
) -> Report {
    let families = plan
        .families
        .iter()
        .zip(&outcomes)
        .map(|(fam, out)| report::family_report(scheme, &plan.blocks, fam, out, opts))
        .collect();
    Report::new(header, families, start.elapsed().as_secs_f64())
}

pub use report::Header;

#[cfg(test)]
mod tests {
    use super::*;

    /// Small deterministic generator (tests only).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, m: u32) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % m as u64) as u32
        }
    }

    /// `Hidden` asks only about the target: a sum of two inputs hides each of them (while
    /// `Secure` reports it as a leak), and a key next to its masked input reveals the input.
    #[test]
    fn hidden_is_about_the_target_only() {
        // Columns: key k | inputs x1, x2.
        let space = Space {
            field: Field::new(7).unwrap(),
            columns: 3,
            input_start: 1,
        };
        let x1 = vec![vec![0, 1, 0]];
        let masked = vec![1, 1, 0];
        let key = vec![1, 0, 0];
        let sum = vec![vec![0, 1, 1]];
        assert_eq!(space.revealed(std::slice::from_ref(&masked), &x1), 0);
        assert_eq!(space.revealed(&[masked.clone(), key], &x1), 1);
        assert_eq!(space.revealed(&sum, &x1), 0);
        assert_eq!(space.leakage(&sum, &[]), 1);
        let mut plan = Plan::default();
        let v = plan.blocks.add("sum", sum.clone());
        let t = plan.blocks.add("x1", x1.clone());
        let m = plan.blocks.add("masked", vec![masked]);
        let x2 = plan.blocks.add("x2", vec![vec![0, 0, 1]]);
        // The sum alone; the sum and x2 (determines x1); the masked input alone.
        let checks = [vec![v], vec![v, x2], vec![m]]
            .into_iter()
            .map(|view| Check {
                sets: vec![],
                condition: Condition::Hidden {
                    view,
                    target: vec![t],
                },
            })
            .collect();
        plan.families.push(Family {
            name: "hidden",
            description: String::new(),
            checks,
            decoders: false,
        });
        assert_eq!(
            evaluate(space, &plan, &crate::progress::Progress::none()),
            vec![vec![0, 1, 0]]
        );
    }

    /// The cached, parallel engine agrees with from-scratch rank formulas on random plans
    /// whose checks share prefixes (the situation the cache exists for).
    #[test]
    fn cached_engine_matches_fresh_computation() {
        random_plans_agree(0..20, 1);
    }

    /// Sparse rows leave columns private to the conditioning, so the projected path
    /// (and its fallback) is exercised, with leaking and non-leaking checks.
    #[test]
    fn projected_engine_matches_fresh_computation() {
        random_plans_agree(100..160, 3);
    }

    /// Random plans compared with from-scratch formulas; an entry is nonzero with probability
    /// 1/`sparsity` (dense when 1).
    fn random_plans_agree(seeds: std::ops::Range<u64>, sparsity: u32) {
        let (mut leaks, mut projected) = ((0, 0), 0);
        let sparse = sparsity > 1;
        for seed in seeds {
            let mut g = Lcg(seed);
            let field = Field::new([2, 3, 5, 13][seed as usize % 4]).unwrap();
            let columns = 6 + g.next(5) as usize;
            let space = Space {
                field,
                columns,
                input_start: 2 + g.next(4) as usize,
            };
            let mut plan = Plan::default();
            let ids: Vec<BlockId> = (0..8)
                .map(|i| {
                    let rows = (0..1 + g.next(2))
                        .map(|_| {
                            (0..columns)
                                .map(|_| {
                                    if g.next(sparsity) == 0 {
                                        g.next(field.p())
                                    } else {
                                        0
                                    }
                                })
                                .collect()
                        })
                        .collect();
                    plan.blocks.add(format!("B{i}"), rows)
                })
                .collect();
            let mut checks = Vec::new();
            for _ in 0..60 {
                let pick = |g: &mut Lcg, n: u32| -> Vec<BlockId> {
                    (0..n).map(|_| ids[g.next(8) as usize]).collect()
                };
                let (nv, nc) = (1 + g.next(4), g.next(3));
                let condition = match g.next(3) {
                    0 => Condition::Decodable {
                        view: pick(&mut g, nv),
                        target: pick(&mut g, 1 + nc),
                    },
                    1 => Condition::Hidden {
                        view: pick(&mut g, nv),
                        target: pick(&mut g, 1 + nc),
                    },
                    _ => Condition::Secure {
                        view: pick(&mut g, nv),
                        cond: pick(&mut g, nc),
                    },
                };
                checks.push(Check {
                    sets: vec![],
                    condition,
                });
            }
            plan.families.push(Family {
                name: "f",
                description: String::new(),
                checks,
                decoders: false,
            });
            let got = evaluate(space, &plan, &crate::progress::Progress::none());
            let rows = |ids: &[BlockId]| -> Vec<Vec<u32>> {
                ids.iter()
                    .flat_map(|&i| plan.blocks.get(i).rows.clone())
                    .collect()
            };
            // The projected path on its own, where it applies, gives the same answers.
            let supports =
                projection::block_supports(&plan.blocks, space.columns, space.input_start);
            let mut w = Worker {
                blocks: &plan.blocks,
                space,
                full: PrefixCache::new(space.empty()),
                cond: PrefixCache::new(space.empty()),
                supports: &supports,
                cond_rows: Vec::new(),
                cond_seq: Vec::new(),
                common: None,
            };
            for (c, &o) in plan.families[0].checks.iter().zip(&got[0]) {
                if let Condition::Secure { view, cond } = &c.condition {
                    if let Some(p) = w.secure_projected(view, cond) {
                        assert_eq!(p, o, "seed {seed}: projected");
                        projected += 1;
                    }
                }
            }
            for (c, &o) in plan.families[0].checks.iter().zip(&got[0]) {
                let want = match &c.condition {
                    Condition::Decodable { view, target } => {
                        space.conditional_entropy(&rows(view), &rows(target))
                    }
                    Condition::Secure { view, cond } => space.leakage(&rows(view), &rows(cond)),
                    Condition::Hidden { view, target } => {
                        space.revealed(&rows(view), &rows(target))
                    }
                };
                assert_eq!(o as usize, want, "seed {seed}");
                if matches!(c.condition, Condition::Secure { .. }) {
                    if want == 0 {
                        leaks.0 += 1;
                    } else {
                        leaks.1 += 1;
                    }
                }
            }
        }
        // Both outcomes occur, so the comparison can fail either way.
        assert!(leaks.0 > 0 && leaks.1 > 0, "{leaks:?}");
        assert!(
            !sparse || projected > 50,
            "projected path used {projected} times"
        );
    }
}
