//! The verification engine. A model describes *what* to check as [`Family`]s of [`Check`]s over
//! named row [`Block`]s; the engine decides *how*: every condition is a rank identity evaluated
//! with the one elimination routine ([`crate::field::Echelon`]).
//!
//! * Decodability  H(target | view) = 0  ⟺  rk(view, target) = rk(view).
//! * Security      I(inputs; view | cond) = tail(view ∪ cond) − tail(cond), where `tail` counts
//!   basis rows whose pivot is an input column (randomness columns come first), i.e. the
//!   dimension of the key-free part of the span.
//!
//! Checks are evaluated in parallel over contiguous chunks (rayon); each worker keeps the
//! echelon bases of the longest block prefix shared with its previous check, so consecutive
//! checks in DFS order cost a few row insertions. Results are gathered in check order, so the
//! report does not depend on the thread count. Witnesses (decoders, leaking combinations) are
//! recomputed afterwards, only for the checks that are printed, with tracking columns.

mod report;
mod witness;

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

use crate::field::Echelon;
use crate::scheme::Scheme;
pub use report::{render_text, Example, FamilyReport, Report, SetLabel, Verdict};
pub use witness::{Decoder, Witness};

pub type BlockId = u32;

/// A named block of rows over the scheme's source columns.
#[derive(Debug, Clone)]
pub struct Block {
    pub label: String,
    pub rows: Vec<Vec<u32>>,
}

impl Block {
    /// Label of each row: `X[1]` for a one-row block, `X[1](j)` otherwise.
    pub fn row_labels(&self) -> Vec<String> {
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
        let label = label.into();
        if let Some(&id) = self.by_label.get(&label) {
            return id;
        }
        let id = self.list.len() as BlockId;
        self.by_label.insert(label.clone(), id);
        self.list.push(Block { label, rows });
        id
    }

    pub fn get(&self, id: BlockId) -> &Block {
        &self.list[id as usize]
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
    /// Show a progress bar on stderr (hidden anyway when stderr is not a terminal).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_failures: 5,
            max_decoders: 0,
            progress: false,
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
    full: PrefixCache,
    cond: PrefixCache,
}

impl Worker<'_> {
    fn evaluate(&mut self, c: &Condition) -> Outcome {
        match c {
            Condition::Decodable { view, target } => {
                let base = self.full.extend(view, self.blocks);
                let mut e = base.clone();
                let added = target
                    .iter()
                    .map(|&t| {
                        e.insert_all(self.blocks.get(t).rows.iter().map(|r| r.as_slice()))
                    })
                    .sum::<usize>();
                added as Outcome
            }
            Condition::Secure { view, cond } => {
                let seq: Vec<BlockId> = view.iter().chain(cond).copied().collect();
                let with_view = self.full.extend(&seq, self.blocks).tail_rank();
                let known = self.cond.extend(cond, self.blocks).tail_rank();
                (with_view - known) as Outcome
            }
        }
    }
}

/// Evaluate every check of the plan; returns one outcome per check, per family, in order.
pub fn evaluate(scheme: &Scheme, plan: &Plan, progress: bool) -> Vec<Vec<Outcome>> {
    let empty = Echelon::with_split(
        scheme.field,
        scheme.num_columns,
        scheme.num_columns,
        scheme.input_start,
    );
    let flat: Vec<&Condition> = plan
        .families
        .iter()
        .flat_map(|f| f.checks.iter().map(|c| &c.condition))
        .collect();
    let threads = rayon::current_num_threads().max(1);
    // Contiguous chunks keep DFS neighbours together; several chunks per thread balance load.
    let chunk = (flat.len() / (threads * 8)).clamp(1, 4096);
    let bar = if progress && flat.len() > 20_000 {
        let b = indicatif::ProgressBar::new(flat.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} checks {pos}/{len} [{bar:30}] {percent}% eta {eta}",
            )
            .expect("static template")
            .progress_chars("=> "),
        );
        Some(b)
    } else {
        None
    };
    let outcomes: Vec<Outcome> = flat
        .par_chunks(chunk)
        .map(|part| {
            let mut w = Worker {
                blocks: &plan.blocks,
                full: PrefixCache::new(empty.clone()),
                cond: PrefixCache::new(empty.clone()),
            };
            let out: Vec<Outcome> = part.iter().map(|c| w.evaluate(c)).collect();
            if let Some(b) = &bar {
                b.inc(part.len() as u64);
            }
            out
        })
        .flatten_iter()
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut it = outcomes.into_iter();
    plan.families
        .iter()
        .map(|f| it.by_ref().take(f.checks.len()).collect())
        .collect()
}

/// Run a plan: evaluate all checks, then build witnesses for the reported ones.
pub fn run(scheme: &Scheme, plan: &Plan, header: report::Header, opts: &Options) -> Report {
    let start = Instant::now();
    let outcomes = evaluate(scheme, plan, opts.progress);
    let families = plan
        .families
        .iter()
        .zip(&outcomes)
        .map(|(fam, out)| report::family_report(scheme, &plan.blocks, fam, out, opts))
        .collect();
    Report::new(header, families, start.elapsed().as_secs_f64())
}

pub use report::Header;
