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
pub mod memory;
mod projection;
mod report;
pub mod shard;
mod witness;

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

use crate::field::{Echelon, Field, RowRef, Scratch, SparseRow};
use crate::scheme::Scheme;
pub use report::{render_text, Example, FamilyReport, Report, SetLabel, Verdict};
pub use witness::{Decoder, Witness};

pub type BlockId = u32;

/// A named block of rows over the scheme's source columns, stored as sparse rows (a row of a
/// Zhao–Sun scheme touches a few dozen of its thousands of columns).
#[derive(Debug, Clone)]
pub struct Block {
    pub label: String,
    pub rows: Vec<SparseRow>,
    /// Length of a dense row (the scheme's column count).
    pub width: usize,
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

    /// Row `j` as a dense row of `width` entries.
    pub fn dense_row(&self, j: usize) -> Vec<u32> {
        self.rows[j].to_dense(self.width)
    }

    /// All rows, dense.
    pub fn dense_rows(&self) -> Vec<Vec<u32>> {
        (0..self.rows.len()).map(|j| self.dense_row(j)).collect()
    }
}

/// The blocks a model's checks refer to; registered once, shared by all checks.
#[derive(Debug, Default, Clone)]
pub struct Blocks {
    list: Vec<Block>,
    by_label: HashMap<String, BlockId>,
}

impl Blocks {
    /// Register a block of dense rows (or return the id of the block with the same label).
    pub fn add(&mut self, label: impl Into<String>, rows: Vec<Vec<u32>>) -> BlockId {
        let width = rows.first().map_or(0, |r| r.len());
        let sparse = rows.iter().map(|r| SparseRow::from_dense(r)).collect();
        self.add_sparse(label, width, sparse)
    }

    /// Register a block of sparse rows over `width` columns (or return the id of the block
    /// with the same label).
    pub fn add_sparse(
        &mut self,
        label: impl Into<String>,
        width: usize,
        rows: Vec<SparseRow>,
    ) -> BlockId {
        self.add_sparse_named(label, width, rows, None)
    }

    /// [`Blocks::add_sparse`] with the spec's names of the rows (see [`Block::row_labels`]).
    pub fn add_sparse_named(
        &mut self,
        label: impl Into<String>,
        width: usize,
        rows: Vec<SparseRow>,
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
            width,
            row_names,
        });
        id
    }

    /// Number of blocks registered.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
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

/// The echelon basis of the longest shared prefix of block sequences: one basis, and the rank
/// after each block of the prefix, so going back to a shorter prefix is a truncation.
struct PrefixCache {
    basis: Echelon,
    stack: Vec<(BlockId, usize)>,
}

impl PrefixCache {
    fn new(empty: Echelon) -> Self {
        PrefixCache {
            basis: empty,
            stack: Vec::new(),
        }
    }

    fn extend(&mut self, seq: &[BlockId], blocks: &Blocks) -> &mut Echelon {
        let common = self
            .stack
            .iter()
            .zip(seq)
            .take_while(|((b, _), s)| b == *s)
            .count();
        self.stack.truncate(common);
        self.basis
            .truncate(self.stack.last().map_or(0, |&(_, rank)| rank));
        for &b in &seq[common..] {
            self.basis.insert_sparse(&blocks.get(b).rows);
            self.stack.push((b, self.basis.rank()));
        }
        &mut self.basis
    }
}

const NO_POSITION: u32 = u32::MAX;

struct Worker<'a> {
    blocks: &'a Blocks,
    space: Space,
    full: PrefixCache,
    cond: PrefixCache,
    /// Full-width work bases (decodability residuals, hidden targets), emptied after use.
    rest: Echelon,
    scratch: Scratch,
    /// Randomness support of each block, for projecting out private columns.
    supports: &'a [projection::ColSet],
    /// The conditioning sequence the cached data below were computed for, and the rows of its
    /// basis that pivot on an input column.
    cond_seq: Vec<BlockId>,
    input_pivot_rows: Vec<usize>,
    common: Option<CommonBasis>,
    /// Per-check buffers: seen columns, kept columns, their new positions (`NO_POSITION` for
    /// dropped columns, reset after each check), own conditioning rows, one gathered row.
    seen: projection::ColSet,
    kept: Vec<usize>,
    position: Vec<u32>,
    own: Vec<usize>,
    gathered: Vec<(u32, u32)>,
}

impl<'a> Worker<'a> {
    fn new(blocks: &'a Blocks, space: Space, supports: &'a [projection::ColSet]) -> Self {
        Worker {
            blocks,
            space,
            full: PrefixCache::new(space.empty()),
            cond: PrefixCache::new(space.empty()),
            rest: space.empty(),
            scratch: Scratch::default(),
            supports,
            cond_seq: Vec::new(),
            input_pivot_rows: Vec::new(),
            common: None,
            seen: projection::ColSet::new(space.columns),
            kept: Vec::new(),
            position: vec![NO_POSITION; space.columns],
            own: Vec::new(),
            gathered: Vec::new(),
        }
    }

    fn evaluate(&mut self, c: &Condition) -> Outcome {
        match c {
            Condition::Decodable { view, target } => {
                // rk(view, target) − rk(view) is the rank of the target rows' residuals modulo
                // the view (they vanish on the view's pivots); no copy of the view's basis.
                let base = self.full.extend(view, self.blocks);
                self.rest.truncate(0);
                for &t in target {
                    for r in &self.blocks.get(t).rows {
                        base.reduce_into(RowRef::Entries(r.entries()), &mut self.scratch);
                        self.rest.insert_entries(self.scratch.residual());
                    }
                }
                self.rest.rank() as Outcome
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
                let e = self.full.extend(view, self.blocks);
                let before = e.rank();
                let added: usize = target
                    .iter()
                    .map(|&t| e.insert_sparse(&self.blocks.get(t).rows))
                    .sum();
                e.truncate(before);
                self.rest.truncate(0);
                let alone: usize = target
                    .iter()
                    .map(|&t| self.rest.insert_sparse(&self.blocks.get(t).rows))
                    .sum();
                (alone - added) as Outcome
            }
        }
    }

    /// The security check on the view's columns only (see [`projection`]); `None` when the
    /// cached conditioning basis does not separate the private columns.
    fn secure_projected(&mut self, view: &[BlockId], cond: &[BlockId]) -> Option<Outcome> {
        let input_start = self.space.input_start;
        self.seen.clear();
        for &b in view {
            self.seen.union_with(&self.supports[b as usize]);
        }
        if self.seen.count() == input_start {
            return None;
        }
        // Trailing conditioning blocks inside the view's columns (e.g. a sum of inputs) need no
        // projection: they join after it, so the cached basis is shared by more checks.
        let shared = cond.len()
            - cond
                .iter()
                .rev()
                .take_while(|&&b| self.supports[b as usize].is_subset(&self.seen))
                .count();
        let (cond, extra) = cond.split_at(shared);
        let e = self.cond.extend(cond, self.blocks);
        if self.cond_seq != cond {
            self.input_pivot_rows = (0..e.rank())
                .filter(|&i| e.pivot(i) >= input_start)
                .collect();
            self.cond_seq = cond.to_vec();
            self.common = None;
        }
        let e = &self.cond.basis;
        let seen = &self.seen;
        // A conditioning row that pivots on a seen column or an input must vanish on the
        // columns no view row touches (then the rows pivoting elsewhere span the projection).
        let separated = |i: usize| {
            e.row_entries(i)
                .all(|(c, _)| c >= input_start || seen.contains(c))
        };
        // Columns from `q` to the inputs are all seen: rows pivoting there are shared by every
        // check on this conditioning with the same `q`, and so are leading view blocks that
        // stay inside them. Layout: [q..input_start), the check's own columns below q, inputs
        // (randomness order is free; shared rows are zero on the check's own columns).
        let q = (0..input_start)
            .rev()
            .take_while(|&i| seen.contains(i))
            .last()
            .unwrap_or(input_start);
        self.own.clear();
        for c in seen.iter() {
            if let Some(i) = e.row_with_pivot(c) {
                if !separated(i) {
                    return None;
                }
                if c < q {
                    self.own.push(i);
                }
            }
        }
        if !self.input_pivot_rows.iter().all(|&i| separated(i)) {
            return None;
        }
        self.own.sort_unstable();
        self.kept.clear();
        self.kept.extend(q..input_start);
        self.kept.extend(seen.iter().take_while(|&i| i < q));
        let split = self.kept.len();
        self.kept.extend(input_start..self.space.columns);
        for (j, &c) in self.kept.iter().enumerate() {
            self.position[c] = j as u32;
        }
        let outcome = self.projected_outcome(view, extra, q, split);
        for &c in &self.kept {
            self.position[c] = NO_POSITION;
        }
        Some(outcome)
    }

    /// The projected computation once `kept` and `position` are set.
    fn projected_outcome(
        &mut self,
        view: &[BlockId],
        extra: &[BlockId],
        q: usize,
        split: usize,
    ) -> Outcome {
        let blocks = self.blocks;
        let supports = self.supports;
        let e = &self.cond.basis;
        let position = &self.position;
        let gathered = &mut self.gathered;
        let gather = |entries: &mut dyn Iterator<Item = (usize, u32)>,
                      out: &mut Vec<(u32, u32)>| {
            out.clear();
            out.extend(entries.filter_map(|(c, v)| {
                let j = position[c];
                (j != NO_POSITION).then_some((j, v))
            }));
        };
        let prefix = view
            .iter()
            .take_while(|&&b| supports[b as usize].iter().all(|c| c >= q))
            .count();
        let (shared_view, own_view) = view.split_at(prefix);
        let width = self.kept.len();
        let key = (q, width, shared_view.to_vec());
        if self.common.as_ref().is_none_or(|c| c.key != key) {
            let field = self.space.field;
            let mut cond_part = Echelon::with_split(field, width, width, split);
            let mut rows: Vec<usize> = (q..self.space.input_start)
                .filter_map(|c| e.row_with_pivot(c))
                .chain(self.input_pivot_rows.iter().copied())
                .collect();
            rows.sort_unstable();
            for i in rows {
                gather(&mut e.row_entries(i), gathered);
                cond_part.push_reduced(gathered);
            }
            let mut full_part = cond_part.clone();
            for &b in shared_view {
                for r in &blocks.get(b).rows {
                    gather(
                        &mut r.entries().iter().map(|&(c, v)| (c as usize, v)),
                        gathered,
                    );
                    full_part.insert_entries(gathered);
                }
            }
            self.common = Some(CommonBasis {
                key,
                cond: cond_part,
                full: full_part,
            });
        }
        let common = self.common.as_mut().expect("just built");
        // The check's own rows: conditioning rows pivoting on its own columns, trailing
        // conditioning blocks, then (for the full span) the rest of the view. Both shared bases
        // are extended, read, and truncated back.
        let (kc, kf) = (common.cond.rank(), common.full.rank());
        for &i in &self.own {
            gather(&mut e.row_entries(i), gathered);
            common.cond.insert_entries(gathered);
            common.full.insert_entries(gathered);
        }
        for &b in extra {
            for r in &blocks.get(b).rows {
                gather(
                    &mut r.entries().iter().map(|&(c, v)| (c as usize, v)),
                    gathered,
                );
                common.cond.insert_entries(gathered);
                common.full.insert_entries(gathered);
            }
        }
        let known = common.cond.tail_rank();
        for &b in own_view {
            for r in &blocks.get(b).rows {
                gather(
                    &mut r.entries().iter().map(|&(c, v)| (c as usize, v)),
                    gathered,
                );
                common.full.insert_entries(gathered);
            }
        }
        let with_view = common.full.tail_rank();
        common.cond.truncate(kc);
        common.full.truncate(kf);
        (with_view - known) as Outcome
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
            .flat_map(|&b| plan.blocks.get(b).dense_rows())
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
        // One worker (caches, scratch buffers) per rayon job, reused across its chunks: a
        // cache is always checked against the sequence asked for, so reuse never changes an
        // outcome, only how often a basis is rebuilt.
        .map_init(
            || Worker::new(&blocks, space, &supports),
            |w, part| {
                let out: Vec<Outcome> = part.iter().map(|c| w.evaluate(c)).collect();
                bar.advance(part.len() as u64);
                out
            },
        )
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

    /// Rank by plain dense elimination with one `%` per multiply-add: the elimination as it was
    /// before compressed rows and the u32 kernel, written independently of [`Echelon`].
    fn dense_reference_rank(p: u64, rows: &[Vec<u32>], cols: std::ops::Range<usize>) -> usize {
        let mut m: Vec<Vec<u64>> = rows
            .iter()
            .map(|r| r[cols.clone()].iter().map(|&v| v as u64).collect())
            .collect();
        let width = cols.len();
        let mut rank = 0;
        for c in 0..width {
            let Some(piv) = (rank..m.len()).find(|&i| m[i][c] != 0) else {
                continue;
            };
            m.swap(rank, piv);
            let inv = Field::new(p).unwrap().inv(m[rank][c] as u32).unwrap() as u64;
            for v in m[rank].iter_mut() {
                *v = *v * inv % p;
            }
            let pivot_row = m[rank].clone();
            for (i, row) in m.iter_mut().enumerate() {
                if i != rank && row[c] != 0 {
                    let f = row[c];
                    for (v, &x) in row.iter_mut().zip(&pivot_row) {
                        *v = (*v + (p - f) * x) % p;
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// Wide random schemes (more columns than a dense basis holds, so the compressed storage
    /// and the projected path both run; small and large primes, so both kernels run): the
    /// engine's outcomes equal the dense reference's rank formulas for every check.
    #[test]
    fn wide_random_schemes_match_the_dense_reference() {
        let (mut outcomes, mut projected) = ((0, 0), 0);
        for seed in 0..8u64 {
            let mut g = Lcg(1000 + seed);
            let p = [2u64, 13, 65_537, crate::field::MAX_PRIME][seed as usize % 4];
            let field = Field::new(p).unwrap();
            let input_start = crate::field::DENSE_WIDTH + 40 + g.next(40) as usize;
            let columns = input_start + 4 + g.next(4) as usize;
            let space = Space {
                field,
                columns,
                input_start,
            };
            // Blocks: a few shared "key" columns near the inputs, private noise columns per
            // block, and input columns; sparse like Zhao–Sun rows.
            let mut plan = Plan::default();
            let ids: Vec<BlockId> = (0..14)
                .map(|i| {
                    let rows = (0..1 + g.next(3))
                        .map(|_| {
                            let mut r = vec![0u32; columns];
                            for _ in 0..1 + g.next(3) {
                                r[g.next(input_start as u32) as usize] = 1 + g.next(field.p() - 1);
                            }
                            for _ in 0..g.next(3) {
                                let c = input_start - 1 - g.next(6) as usize;
                                r[c] = 1 + g.next(field.p() - 1);
                            }
                            if g.next(2) == 0 {
                                let c =
                                    input_start + g.next((columns - input_start) as u32) as usize;
                                r[c] = 1 + g.next(field.p() - 1);
                            }
                            r
                        })
                        .collect();
                    plan.blocks.add(format!("B{i}"), rows)
                })
                .collect();
            let mut checks = Vec::new();
            for _ in 0..80 {
                let pick = |g: &mut Lcg, n: u32| -> Vec<BlockId> {
                    (0..n).map(|_| ids[g.next(14) as usize]).collect()
                };
                let (kind, nv, nt, nc) = (g.next(4), 1 + g.next(5), 1 + g.next(2), g.next(4));
                let condition = match kind {
                    0 => Condition::Decodable {
                        view: pick(&mut g, nv),
                        target: pick(&mut g, nt),
                    },
                    1 => Condition::Hidden {
                        view: pick(&mut g, nv),
                        target: pick(&mut g, 1),
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
            // Sorted so consecutive checks share conditioning prefixes (as models do).
            checks.sort_by(|a, b| base_key(&a.condition).cmp(&base_key(&b.condition)));
            plan.families.push(Family {
                name: "f",
                description: String::new(),
                checks,
                decoders: false,
            });
            let got = evaluate(space, &plan, &crate::progress::Progress::none());
            let supports =
                projection::block_supports(&plan.blocks, space.columns, space.input_start);
            let mut w = Worker::new(&plan.blocks, space, &supports);
            let rows = |ids: &[BlockId]| -> Vec<Vec<u32>> {
                ids.iter()
                    .flat_map(|&i| plan.blocks.get(i).dense_rows())
                    .collect()
            };
            let rk = |r: &[Vec<u32>]| dense_reference_rank(p, r, 0..columns);
            let tail = |r: &[Vec<u32>]| rk(r) - dense_reference_rank(p, r, 0..input_start);
            for (c, &o) in plan.families[0].checks.iter().zip(&got[0]) {
                let want = match &c.condition {
                    Condition::Decodable { view, target } => {
                        let v = rows(view);
                        let mut all = v.clone();
                        all.extend(rows(target));
                        rk(&all) - rk(&v)
                    }
                    Condition::Secure { view, cond } => {
                        let k = rows(cond);
                        let mut all = k.clone();
                        all.extend(rows(view));
                        let want = tail(&all) - tail(&k);
                        if let Some(o) = w.secure_projected(view, cond) {
                            assert_eq!(o as usize, want, "seed {seed}: projected");
                            projected += 1;
                        }
                        want
                    }
                    Condition::Hidden { view, target } => {
                        let v = rows(view);
                        let t = rows(target);
                        let mut all = v.clone();
                        all.extend(t.clone());
                        rk(&t) - (rk(&all) - rk(&v))
                    }
                };
                assert_eq!(o as usize, want, "seed {seed}: {:?}", c.condition);
                if want == 0 {
                    outcomes.0 += 1;
                } else {
                    outcomes.1 += 1;
                }
            }
        }
        assert!(outcomes.0 > 20 && outcomes.1 > 20, "{outcomes:?}");
        assert!(projected > 50, "projected path used {projected} times");
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
                    .flat_map(|&i| plan.blocks.get(i).dense_rows())
                    .collect()
            };
            // The projected path on its own, where it applies, gives the same answers.
            let supports =
                projection::block_supports(&plan.blocks, space.columns, space.input_start);
            let mut w = Worker::new(&plan.blocks, space, &supports);
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
