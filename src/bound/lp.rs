//! The Shannon-type LP. Columns: one per rate in the objective, then one per *closed* set of
//! kept variables: every functional dependency H(t | g) = 0 of the model implies
//! h(A) = h(cl A), where cl A adds every t whose g ⊆ A (monotonicity of conditioning), so
//! h(A) and h(cl A) share a column and the dependencies themselves become 0 = 0. The LP is
//! equivalent to the one over all sets, with far fewer columns. Rows: the elemental
//! inequalities, the other model constraints, R ≥ H(message); duplicates are dropped.
//!
//! Only orbit representatives are generated. Columns: the closed sets are enumerated once and
//! each is mapped to the least image of it under the symmetry group (byte lookup tables per
//! group element). Rows: an elemental inequality I(i; j | K) equals I(i; j | cl K) in these
//! coordinates (or is 0 = 0 when i or j ∈ cl K), and I(σi; σj | σK) equals I(i; j | K), so
//! the elemental rows are exactly I(i; j | C) for C one representative closed set per column
//! orbit and i, j ∉ C, plus H(i | rest) ≥ 0.
//!
//! Solved in floating point by a pure-Rust backend (clarabel, interior point) or, with the
//! `highs` cargo feature, HiGHS; the exact claim comes from the certificate, never from this
//! solve.

use std::collections::HashSet;
use std::time::Instant;

use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionWithDual,
    SolverModel,
};

use super::problem::{Kind, Restricted, Set, Term};
use super::symmetry::{self, Perm};
use super::BoundError;

/// Most kept variables: the closed sets are found among all 2^n subsets.
pub const MAX_LP_VARS: usize = 26;

/// Estimated bytes per generated LP row (the row, its dedup key, and the solver's copy).
const BYTES_PER_ROW: u64 = 600;

/// The floating-point LP solver that guides the certificate search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Backend {
    /// Clarabel (pure Rust, interior point): the default.
    #[default]
    Clarabel,
    /// HiGHS (C++, interior point + crossover): with `--features highs`.
    Highs,
}

impl Backend {
    pub fn parse(s: &str) -> Result<Backend, BoundError> {
        match s {
            "clarabel" => Ok(Backend::Clarabel),
            "highs" if cfg!(feature = "highs") => Ok(Backend::Highs),
            "highs" => Err(BoundError::Usage(
                "--solver highs: this itsa was built without HiGHS (cargo build --features highs)"
                    .into(),
            )),
            other => Err(BoundError::Usage(format!(
                "--solver: unknown LP backend '{other}' (clarabel{})",
                if cfg!(feature = "highs") {
                    ", highs"
                } else {
                    ""
                }
            ))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Clarabel => "clarabel",
            Backend::Highs => "HiGHS",
        }
    }
}

/// Where a row came from (rendered only for rows the certificate uses).
#[derive(Clone, Debug)]
pub enum Origin {
    /// H(i | all others) ≥ 0 (local variable index).
    Monotone(usize),
    /// I(i; j | K) ≥ 0 (local indices, local mask).
    Submodular(usize, usize, u32),
    /// The i-th kept model constraint.
    Model(usize),
    /// R ≥ H(set): rate index, model set.
    Rate(usize, Set),
}

/// One row: Σ coef·col (≥ or =) rhs, integer coefficients.
#[derive(Clone, Debug)]
pub struct Row {
    pub coefs: Vec<(usize, i64)>,
    pub rhs: i64,
    pub equality: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Lp {
    /// Local variable i ↦ model variable index.
    pub local: Vec<usize>,
    /// Rate column j ↦ model rate index (rate columns come first).
    pub rate_cols: Vec<usize>,
    /// Entropy column rate_cols.len() + k ↦ its closed set (local mask).
    pub closed_sets: Vec<u32>,
    pub rows: Vec<Row>,
    /// Objective coefficients per column (dense).
    pub objective: Vec<i64>,
    /// Rows generated before dropping duplicates and 0 = 0 / 0 ≥ 0 rows.
    pub generated_rows: usize,
    /// What the symmetry reduction did.
    pub symmetry: String,
}

impl Lp {
    pub fn cols(&self) -> usize {
        self.rate_cols.len() + self.closed_sets.len()
    }

    /// Model set → local mask.
    fn local_mask(&self, s: Set) -> u32 {
        self.local
            .iter()
            .enumerate()
            .filter(|(_, &v)| s >> v & 1 == 1)
            .fold(0, |a, (i, _)| a | 1 << i)
    }

    /// Local mask → model set.
    pub fn model_set(&self, m: u32) -> Set {
        (0..self.local.len())
            .filter(|i| m >> i & 1 == 1)
            .fold(0, |a, i| a | 1 << self.local[i])
    }

    pub fn count(&self, pred: impl Fn(&Origin) -> bool) -> usize {
        self.rows.iter().filter(|r| pred(&r.origin)).count()
    }
}

/// Closure under the functional dependencies, and the column of each closed set.
struct Columns {
    /// (target, given) as local masks.
    deps: Vec<(u32, u32)>,
    first: usize,
    /// cl ∅: the constants (h = 0); usually ∅.
    zero: u32,
    /// Column of each closed set (dense over all masks; u32::MAX for sets not closed).
    of_closed: Vec<u32>,
    /// Representative closed set of each entropy column.
    sets: Vec<u32>,
}

impl Columns {
    fn closure(&self, mut a: u32) -> u32 {
        loop {
            let before = a;
            for &(t, g) in &self.deps {
                if g & !a == 0 {
                    a |= t;
                }
            }
            if a == before {
                return a;
            }
        }
    }

    /// Column of h(A); None when cl A = ∅ (h(∅) = 0).
    fn col(&self, a: u32) -> Option<usize> {
        let c = self.closure(a);
        (c != self.zero).then(|| self.first + self.of_closed[c as usize] as usize)
    }

    /// Enumerate the closed sets and give each orbit (under `group`) one column.
    fn new(deps: Vec<(u32, u32)>, n: usize, group: &[Vec<usize>], first: usize) -> Columns {
        let mut cols = Columns {
            deps,
            first,
            zero: 0,
            of_closed: vec![u32::MAX; 1 << n],
            sets: vec![],
        };
        cols.zero = cols.closure(0);
        // Byte tables: image of each 8-bit chunk under each group element.
        let chunks = n.div_ceil(8).max(1);
        let tables: Vec<Vec<[u32; 256]>> = group
            .iter()
            .map(|g| {
                (0..chunks)
                    .map(|c| {
                        let mut t = [0u32; 256];
                        for (b, slot) in t.iter_mut().enumerate() {
                            *slot = (0..8)
                                .filter(|&k| b >> k & 1 == 1 && 8 * c + k < n)
                                .fold(0, |acc, k| acc | 1 << g[8 * c + k]);
                        }
                        t
                    })
                    .collect()
            })
            .collect();
        let image = |t: &Vec<[u32; 256]>, a: u32| {
            t.iter()
                .enumerate()
                .fold(0u32, |acc, (c, tc)| acc | tc[(a >> (8 * c) & 255) as usize])
        };
        for a in 1..(1u32 << n) {
            if a == cols.zero || cols.closure(a) != a || cols.of_closed[a as usize] != u32::MAX {
                continue;
            }
            // A new orbit: a is its least element (masks are visited in increasing order and
            // closure commutes with the group), and every image gets the same column.
            let j = cols.sets.len() as u32;
            cols.sets.push(a);
            for t in &tables {
                cols.of_closed[image(t, a) as usize] = j;
            }
        }
        cols
    }
}

/// Build the LP for a restricted problem and an objective, with the problem's detected
/// symmetry generators.
pub fn build(p: &Restricted, objective: &[Term], generators: &[Perm]) -> Result<Lp, BoundError> {
    let local = p.kept();
    let n = local.len();
    if n > MAX_LP_VARS {
        return Err(BoundError::TooLarge {
            what: format!(
                "the LP would be over {n} random variables ({}): 2^{n} − 1 = {} entropy \
                 columns before the reductions; at most {MAX_LP_VARS} are supported — keep \
                 fewer with --restrict",
                p.model.names(p.keep),
                (1u128 << n) - 1
            ),
        });
    }
    // LP size before building it: the n + C(n,2)·2^(n−2) elemental inequalities have at most
    // 4 nonzeros each, over 2^n entropy columns (the budget's cells, src/budget.rs).
    let elemental =
        n as u128 + ((n as u128 * (n as u128).saturating_sub(1) / 2) << n.saturating_sub(2));
    crate::budget::charge(
        crate::budget::Resource::Cells,
        4 * elemental + (1u128 << n),
        format!("the LP on {n} variables (nonzero entries)"),
    )
    .map_err(|e| BoundError::Usage(e.to_string()))?;
    let mut rate_cols: Vec<usize> = vec![];
    for t in objective {
        match *t {
            Term::Rate(r) if p.model.rates[r].sets.is_empty() => {
                return Err(BoundError::Usage(format!(
                    "rate {} measures no kept variable: --restrict must keep one of its messages",
                    p.model.rates[r].name
                )))
            }
            Term::Rate(r) if !rate_cols.contains(&r) => rate_cols.push(r),
            Term::Entropy(s) if s & !p.keep != 0 => {
                return Err(BoundError::Usage(format!(
                    "the objective uses {} but --restrict drops it",
                    p.model.names(s & !p.keep)
                )))
            }
            _ => {}
        }
    }
    let mut lp = Lp {
        local,
        rate_cols,
        closed_sets: vec![],
        rows: vec![],
        objective: vec![],
        generated_rows: 0,
        symmetry: String::new(),
    };
    let (group, note) = symmetry::group(p, objective, generators);
    lp.symmetry = note;
    let local_group: Vec<Vec<usize>> = group
        .iter()
        .map(|g| {
            lp.local
                .iter()
                .map(|&v| {
                    lp.local
                        .iter()
                        .position(|&w| w == g[v])
                        .expect("keep is invariant")
                })
                .collect()
        })
        .collect();
    let m = |s: Set| lp.local_mask(s);
    let deps = p
        .model
        .constraints
        .iter()
        .filter_map(|c| match c.kind {
            Kind::Function { target, given, .. } => Some((m(target), m(given))),
            _ => None,
        })
        .collect();
    let cols = Columns::new(deps, n, &local_group, lp.rate_cols.len());
    // Refuse up front what would not fit: every row is generated before duplicates go.
    let pairs = (n * n.saturating_sub(1) / 2) as u64;
    let upper_rows = cols.sets.len() as u64 * pairs + n as u64;
    let need = upper_rows * BYTES_PER_ROW;
    let have = available_memory();
    if need > have {
        return Err(BoundError::TooLarge {
            what: format!(
                "the LP has {} entropy columns (orbits of closed sets) and up to {upper_rows} \
                 elemental rows: about {:.1} GiB, more than the {:.1} GiB available — keep fewer \
                 variables with --restrict",
                cols.sets.len(),
                need as f64 / (1u64 << 30) as f64,
                have as f64 / (1u64 << 30) as f64
            ),
        });
    }
    let mut obj: Vec<(usize, i64)> = vec![];
    for t in objective {
        match *t {
            Term::Rate(r) => {
                let j = lp.rate_cols.iter().position(|&x| x == r).expect("added");
                obj.push((j, 1));
            }
            Term::Entropy(s) => match cols.col(m(s)) {
                Some(j) => obj.push((j, 1)),
                None => {
                    return Err(BoundError::Usage(
                        "the objective is the entropy of the empty set".into(),
                    ))
                }
            },
        }
    }
    let full: u32 = ((1u64 << n) - 1) as u32;
    let mut rows = vec![];
    // Elemental inequalities (they imply all Shannon-type inequalities), orbit
    // representatives only (module comment).
    for i in 0..n {
        let mut r = Acc::default();
        r.add(&cols, full, 1);
        r.add(&cols, full & !(1 << i), -1);
        rows.push(r.row(0, false, Origin::Monotone(i)));
    }
    for &c in &cols.sets.clone() {
        for i in 0..n {
            if c >> i & 1 == 1 {
                continue;
            }
            for j in i + 1..n {
                if c >> j & 1 == 1 {
                    continue;
                }
                let mut r = Acc::default();
                r.add(&cols, c | 1 << i, 1);
                r.add(&cols, c | 1 << j, 1);
                r.add(&cols, c | 1 << i | 1 << j, -1);
                r.add(&cols, c, -1);
                rows.push(r.row(0, false, Origin::Submodular(i, j, c)));
            }
        }
    }
    // The empty conditioning set: I(i; j) ≥ 0 (∅ is closed but has no column).
    for i in 0..n {
        for j in i + 1..n {
            let mut r = Acc::default();
            r.add(&cols, 1 << i, 1);
            r.add(&cols, 1 << j, 1);
            r.add(&cols, 1 << i | 1 << j, -1);
            rows.push(r.row(0, false, Origin::Submodular(i, j, 0)));
        }
    }
    for (ci, c) in p.model.constraints.iter().enumerate() {
        let mut r = Acc::default();
        let mut rhs = 0;
        match &c.kind {
            Kind::Independent(groups) => {
                r.add(&cols, m(groups.iter().fold(0, |a, g| a | g)), 1);
                for &g in groups {
                    r.add(&cols, m(g), -1);
                }
            }
            Kind::Function { target, given, .. } => {
                // 0 = 0 after identification; kept for the record, dropped below.
                r.add(&cols, m(target | given), 1);
                r.add(&cols, m(*given), -1);
            }
            Kind::Secret { a, b, c } => {
                r.add(&cols, m(a | c), 1);
                r.add(&cols, m(b | c), 1);
                r.add(&cols, m(a | b | c), -1);
                r.add(&cols, m(*c), -1);
            }
            Kind::Norm { set, value } => {
                r.add(&cols, m(*set), 1);
                rhs = *value;
            }
        }
        rows.push(r.row(rhs, true, Origin::Model(ci)));
    }
    for (j, &ri) in lp.rate_cols.iter().enumerate() {
        for &s in &p.model.rates[ri].sets {
            let mut r = Acc::default();
            r.coefs.push((j, 1));
            r.add(&cols, m(s), -1);
            rows.push(r.row(0, false, Origin::Rate(ri, s)));
        }
    }
    lp.generated_rows = rows.len();
    // Drop 0 = 0 and 0 ≥ 0 rows and exact duplicates (first occurrence kept).
    let mut seen: HashSet<RowKey> = HashSet::new();
    rows.retain(|r| {
        (!r.coefs.is_empty() || r.rhs != 0) && seen.insert((r.coefs.clone(), r.rhs, r.equality))
    });
    lp.rows = rows;
    lp.closed_sets = cols.sets;
    let mut dense = vec![0i64; lp.cols()];
    for (j, c) in obj {
        dense[j] += c;
    }
    lp.objective = dense;
    Ok(lp)
}

/// A row's content, for dropping duplicates.
type RowKey = (Vec<(usize, i64)>, i64, bool);

/// Sparse row accumulator (h(∅) = 0 is skipped).
#[derive(Default)]
struct Acc {
    coefs: Vec<(usize, i64)>,
}

impl Acc {
    fn add(&mut self, cols: &Columns, mask: u32, c: i64) {
        if let Some(j) = cols.col(mask) {
            self.coefs.push((j, c));
        }
    }

    fn row(mut self, rhs: i64, equality: bool, origin: Origin) -> Row {
        self.coefs.sort_unstable();
        let mut merged: Vec<(usize, i64)> = vec![];
        for (j, c) in self.coefs {
            match merged.last_mut() {
                Some((lj, lc)) if *lj == j => *lc += c,
                _ => merged.push((j, c)),
            }
        }
        merged.retain(|&(_, c)| c != 0);
        Row {
            coefs: merged,
            rhs,
            equality,
            origin,
        }
    }
}

/// The LP's floating-point optimum and row duals.
pub struct Solved {
    pub value: f64,
    /// Column values of the optimal point.
    pub primal: Vec<f64>,
    pub duals: Vec<f64>,
    pub seconds: f64,
    /// The inequality rows were relaxed for tie-breaking ([`solve_perturbed`]): the value is
    /// that relaxed LP's, a little below the LP's own.
    pub relaxed: bool,
}

/// LPs with at least this many rows and a claim to prove get the one-solve path first
/// ([`crate::bound::certificate::certify_claim`]): the interior-point solve of the plain LP
/// is skipped when the tie-broken solve already yields a certificate of the claim.
pub const ONE_SOLVE_MIN_ROWS: usize = 20_000;

/// Memory the LP may use: MemAvailable from /proc/meminfo (8 GiB when unknown).
pub fn available_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(8 << 30, |kib| kib * 1024)
}

fn solver_error(e: ResolutionError) -> BoundError {
    match e {
        ResolutionError::Unbounded => BoundError::Solver(
            "the LP is unbounded below: the constraints do not bound this objective".into(),
        ),
        ResolutionError::Infeasible => {
            BoundError::Solver("the LP is infeasible: the model's constraints contradict".into())
        }
        other => BoundError::Solver(other.to_string()),
    }
}

/// Add the rows, solve, read values and duals. `relax`: subtracted from each row's rhs.
fn solve_model<M>(
    mut model: M,
    lp: &Lp,
    x: &[good_lp::Variable],
    relax: Option<&[f64]>,
) -> Result<(Vec<f64>, Vec<f64>), BoundError>
where
    M: SolverModel<Error = ResolutionError>,
    M::Solution: for<'a> SolutionWithDual<'a>,
{
    use good_lp::solvers::DualValues;
    let refs: Vec<_> = lp
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let e: Expression = r.coefs.iter().map(|&(j, c)| c as f64 * x[j]).sum();
            let rhs = r.rhs as f64 - relax.map_or(0.0, |d| d[i]);
            model.add_constraint(if r.equality { e.eq(rhs) } else { e.geq(rhs) })
        })
        .collect();
    let mut sol = model.solve().map_err(solver_error)?;
    let primal: Vec<f64> = x.iter().map(|&v| sol.value(v)).collect();
    let dual = sol.compute_dual();
    let duals = refs.into_iter().map(|r| dual.dual(r)).collect();
    Ok((primal, duals))
}

/// Minimise in floating point. Duals are the shadow prices of the rows.
pub fn solve(lp: &Lp, backend: Backend) -> Result<Solved, BoundError> {
    solve_relaxed(lp, backend, None)
}

/// [`solve`] with every inequality row relaxed by a small pseudo-random amount
/// ε·(1 + u_i), u_i ∈ [0, 1): the dual objective gains −Σ ε(1 + u_i)·y_i, which breaks the
/// ties of a degenerate LP, so the dual optimum is (generically) a single vertex of the
/// same dual polytope and an interior-point solver's duals concentrate on it. Used only to
/// rank rows for the certificate's vertex search.
pub fn solve_perturbed(lp: &Lp, backend: Backend, eps: f64) -> Result<Solved, BoundError> {
    let relax: Vec<f64> = (0..lp.rows.len())
        .map(|i| {
            if lp.rows[i].equality {
                return 0.0;
            }
            // splitmix64 of the row index: deterministic, well spread.
            let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            eps * (1.0 + (z >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect();
    solve_relaxed(lp, backend, Some(&relax))
}

fn solve_relaxed(lp: &Lp, backend: Backend, relax: Option<&[f64]>) -> Result<Solved, BoundError> {
    let start = Instant::now();
    let mut vars = ProblemVariables::new();
    // Entropies are free: the elemental inequalities imply h ≥ 0.
    let x = vars.add_vector(variable(), lp.cols());
    let objective: Expression = lp
        .objective
        .iter()
        .enumerate()
        .filter(|(_, &c)| c != 0)
        .map(|(j, &c)| c as f64 * x[j])
        .sum();
    let unsolved = vars.minimise(objective);
    let (primal, duals) = match backend {
        Backend::Clarabel => {
            let mut model = unsolved.using(good_lp::solvers::clarabel::clarabel);
            // Clarabel's default tolerances (1e-8): the float solve only has to find the dual's
            // support; the certificate is made exact afterwards.
            model
                .settings()
                .tol_gap_abs(1e-8)
                .tol_gap_rel(1e-8)
                .tol_feas(1e-8)
                .max_iter(500)
                .direct_solve_method(ldl_method(lp).into());
            solve_model(model, lp, &x, relax)?
        }
        #[cfg(feature = "highs")]
        Backend::Highs => {
            use good_lp::solvers::highs::{highs, HighsSolverType};
            solve_model(
                unsolved.using(highs).set_solver(HighsSolverType::Ipm),
                lp,
                &x,
                relax,
            )?
        }
        #[cfg(not(feature = "highs"))]
        Backend::Highs => return Err(BoundError::Usage("built without HiGHS".into())),
    };
    let value: f64 = lp
        .objective
        .iter()
        .zip(&primal)
        .map(|(&c, v)| c as f64 * v)
        .sum();
    if !value.is_finite() || primal.iter().any(|v| !v.is_finite()) {
        return Err(BoundError::Solver(format!(
            "{}: no finite optimum (the LP may be unbounded below: the constraints do not bound \
             this objective)",
            backend.name()
        )));
    }
    Ok(Solved {
        value,
        primal,
        duals,
        seconds: start.elapsed().as_secs_f64(),
        relaxed: relax.is_some(),
    })
}

/// Clarabel's sparse LDLᵀ: faer (supernodal, multithreaded) pays off on the wide LPs (K = 5
/// `H(X1)`, 2 584 columns: 92 → 29 s wall), qdldl is faster below that (K = 3 `H(X1)`: 0.28 vs
/// 0.96 CPU-s; K = 5 `RZsum`, 793 columns: 3.7 vs 7.2) — measured side by side, 2026-12-02.
fn ldl_method(lp: &Lp) -> &'static str {
    if lp.cols() >= 2_000 {
        "faer"
    } else {
        "qdldl"
    }
}

/// A vertex of the dual optimal face on the rows `support` (a subset of the rows carrying
/// the float dual): maximise Σ y_i·rhs_i − ε·Σ|y_i| subject to Σ y_i·row_i = objective,
/// y ≥ 0 on inequalities, by the simplex method (microlp, pure Rust). A vertex has at most
/// as many nonzeros as there are columns, and usually small denominators; with `shortest`
/// the bound is fixed at `bound` and Σ|y_i| alone is minimised (a shorter proof).
pub fn vertex_dual(
    lp: &Lp,
    support: &[usize],
    bound: f64,
    shortest: bool,
) -> Result<Vec<f64>, BoundError> {
    vertex_dual_weighted(lp, support, bound, shortest, None)
}

/// [`vertex_dual`] with a cost per support row in the weight Σ c_k·|y_k| (1 when `None`):
/// the reweighted-ℓ1 rounds of the shortest-certificate search.
pub fn vertex_dual_weighted(
    lp: &Lp,
    support: &[usize],
    bound: f64,
    shortest: bool,
    costs: Option<&[f64]>,
) -> Result<Vec<f64>, BoundError> {
    let cost = |k: usize| costs.map_or(1.0, |c| c[k]);
    let mut vars = ProblemVariables::new();
    let pos = vars.add_vector(variable().min(0), support.len());
    // Equality rows may carry either sign: y = pos − neg.
    let neg: Vec<Option<good_lp::Variable>> = support
        .iter()
        .map(|&i| lp.rows[i].equality.then(|| vars.add(variable().min(0))))
        .collect();
    let weight: Expression = pos
        .iter()
        .enumerate()
        .map(|(k, &p)| cost(k) * p)
        .chain(
            neg.iter()
                .enumerate()
                .filter_map(|(k, n)| n.map(|n| cost(k) * n)),
        )
        .sum();
    let y = |k: usize| -> Expression {
        match neg[k] {
            Some(n) => pos[k] - n,
            None => pos[k].into(),
        }
    };
    let mut per_col: Vec<Expression> = vec![Expression::from(0.0); lp.cols()];
    let mut value = Expression::from(0.0);
    for (k, &i) in support.iter().enumerate() {
        let r = &lp.rows[i];
        for &(j, c) in &r.coefs {
            per_col[j] += c as f64 * y(k);
        }
        if r.rhs != 0 {
            value += r.rhs as f64 * y(k);
        }
    }
    let objective = if shortest {
        weight
    } else {
        // Lexicographic in effect: the weight term only breaks ties among optimal duals.
        1e-6 * weight - value.clone()
    };
    let mut model = vars
        .minimise(objective)
        .using(good_lp::solvers::microlp::microlp);
    // Only the columns some support row touches (or the objective has) constrain y: on a
    // prefix of the support most columns are untouched, and their `0 = 0` rows would only
    // enlarge the simplex basis. An untouched column with a nonzero objective is infeasible.
    let mut touched = vec![false; lp.cols()];
    for &i in support {
        for &(j, _) in &lp.rows[i].coefs {
            touched[j] = true;
        }
    }
    for (j, e) in per_col.into_iter().enumerate() {
        if !touched[j] && lp.objective[j] != 0 {
            return Err(BoundError::Solver(format!(
                "dual vertex (microlp): no support row has column {j} of the objective"
            )));
        }
        if touched[j] {
            model.add_constraint(e.eq(lp.objective[j] as f64));
        }
    }
    if shortest {
        model.add_constraint(value.geq(bound - 1e-9));
    }
    let sol = model
        .solve()
        .map_err(|e| BoundError::Solver(format!("dual vertex (microlp): {e}")))?;
    let mut out = vec![0.0; lp.rows.len()];
    for (k, &i) in support.iter().enumerate() {
        out[i] = sol.value(pos[k]) - neg[k].map_or(0.0, |n| sol.value(n));
    }
    Ok(out)
}
