//! The Shannon-type LP. Columns: one per rate in the objective, then one per *closed* set of
//! kept variables: every functional dependency H(t | g) = 0 of the model implies
//! h(A) = h(cl A), where cl A adds every t whose g ⊆ A (monotonicity of conditioning), so
//! h(A) and h(cl A) share a column and the dependencies themselves become 0 = 0. The LP is
//! equivalent to the one over all sets, with far fewer columns. Rows: the elemental
//! inequalities, the other model constraints, R ≥ H(message); duplicates are dropped.
//! Solved in floating point by HiGHS (interior point + crossover: vertex duals with few
//! nonzeros); the exact claim comes from the certificate, never from this solve.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use good_lp::solvers::highs::{highs, HighsSolverType};
use good_lp::{
    variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionWithDual,
    SolverModel,
};

use super::problem::{Kind, Problem, Set, Term, MAX_LP_VARS};
use super::symmetry;
use super::BoundError;

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
    /// The symmetry group as permutations of local indices (identity included).
    group: Vec<Vec<usize>>,
    first: usize,
    index: HashMap<u32, usize>,
    /// Column per raw mask, filled on first use (u32::MAX: not yet computed).
    memo: Vec<u32>,
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

    /// Column of h(A); None for A = ∅ (h(∅) = 0).
    fn col(&mut self, a: u32) -> Option<usize> {
        if a == 0 {
            return None;
        }
        if self.memo[a as usize] != u32::MAX {
            return Some(self.memo[a as usize] as usize);
        }
        // Representative of the orbit of cl A (closure commutes with the group).
        let c = self
            .group
            .iter()
            .map(|g| self.closure(permute(g, a)))
            .min()
            .expect("the identity is in the group");
        let next = self.first + self.sets.len();
        let j = *self.index.entry(c).or_insert(next);
        if j == next {
            self.sets.push(c);
        }
        self.memo[a as usize] = j as u32;
        Some(j)
    }
}

fn permute(g: &[usize], a: u32) -> u32 {
    (0..g.len())
        .filter(|&i| a >> i & 1 == 1)
        .fold(0, |acc, i| acc | 1 << g[i])
}

/// Build the LP for a restricted problem and an objective.
pub fn build(p: &Problem, objective: &[Term]) -> Result<Lp, BoundError> {
    let local = p.kept();
    let n = local.len();
    if n > MAX_LP_VARS {
        return Err(BoundError::TooLarge {
            vars: n,
            max: MAX_LP_VARS,
            names: p.model.names(p.keep),
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
    let (group, note) = symmetry::group(p, objective);
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
    let mut cols = Columns {
        deps,
        group: local_group,
        first: lp.rate_cols.len(),
        index: HashMap::new(),
        memo: vec![u32::MAX; 1 << n],
        sets: vec![],
    };
    let mut obj: Vec<(usize, i64)> = vec![];
    for t in objective {
        match *t {
            Term::Rate(r) => {
                let j = lp.rate_cols.iter().position(|&x| x == r).expect("added");
                obj.push((j, 1));
            }
            Term::Entropy(s) => obj.push((cols.col(m(s)).expect("nonempty"), 1)),
        }
    }
    let full: u32 = ((1u64 << n) - 1) as u32;
    let mut rows = vec![];
    // Elemental inequalities (they imply all Shannon-type inequalities).
    for i in 0..n {
        let mut r = Acc::default();
        r.add(&mut cols, full, 1);
        r.add(&mut cols, full & !(1 << i), -1);
        rows.push(r.row(0, false, Origin::Monotone(i)));
    }
    for i in 0..n {
        for j in i + 1..n {
            let rest = full & !(1 << i) & !(1 << j);
            // Every subset k of `rest`, by the standard submask walk.
            let mut k = rest;
            loop {
                let mut r = Acc::default();
                r.add(&mut cols, k | 1 << i, 1);
                r.add(&mut cols, k | 1 << j, 1);
                r.add(&mut cols, k | 1 << i | 1 << j, -1);
                r.add(&mut cols, k, -1);
                rows.push(r.row(0, false, Origin::Submodular(i, j, k)));
                if k == 0 {
                    break;
                }
                k = (k - 1) & rest;
            }
        }
    }
    for (ci, c) in p.model.constraints.iter().enumerate() {
        let mut r = Acc::default();
        let mut rhs = 0;
        match &c.kind {
            Kind::Independent(groups) => {
                r.add(&mut cols, m(groups.iter().fold(0, |a, g| a | g)), 1);
                for &g in groups {
                    r.add(&mut cols, m(g), -1);
                }
            }
            Kind::Function { target, given, .. } => {
                // 0 = 0 after identification; kept for the record, dropped below.
                r.add(&mut cols, m(target | given), 1);
                r.add(&mut cols, m(*given), -1);
            }
            Kind::Secret { a, b, c } => {
                r.add(&mut cols, m(a | c), 1);
                r.add(&mut cols, m(b | c), 1);
                r.add(&mut cols, m(a | b | c), -1);
                r.add(&mut cols, m(*c), -1);
            }
            Kind::Norm { set, value } => {
                r.add(&mut cols, m(*set), 1);
                rhs = *value;
            }
        }
        rows.push(r.row(rhs, true, Origin::Model(ci)));
    }
    for (j, &ri) in lp.rate_cols.iter().enumerate() {
        for &s in &p.model.rates[ri].sets {
            let mut r = Acc::default();
            r.coefs.push((j, 1));
            r.add(&mut cols, m(s), -1);
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
    fn add(&mut self, cols: &mut Columns, mask: u32, c: i64) {
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
}

/// Minimise with HiGHS (IPM + crossover). Duals are the shadow prices of the rows.
pub fn solve(lp: &Lp) -> Result<Solved, BoundError> {
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
    let mut model = vars
        .minimise(objective)
        .using(highs)
        .set_solver(HighsSolverType::Ipm);
    let refs: Vec<_> = lp
        .rows
        .iter()
        .map(|r| {
            let e: Expression = r.coefs.iter().map(|&(j, c)| c as f64 * x[j]).sum();
            let rhs = r.rhs as f64;
            model.add_constraint(if r.equality { e.eq(rhs) } else { e.geq(rhs) })
        })
        .collect();
    let mut sol = model.solve().map_err(|e| match e {
        ResolutionError::Unbounded => BoundError::Solver(
            "the LP is unbounded below: the constraints do not bound this objective".into(),
        ),
        ResolutionError::Infeasible => {
            BoundError::Solver("the LP is infeasible: the model's constraints contradict".into())
        }
        other => BoundError::Solver(other.to_string()),
    })?;
    let value = lp
        .objective
        .iter()
        .enumerate()
        .map(|(j, &c)| c as f64 * sol.value(x[j]))
        .sum();
    let primal = x.iter().map(|&v| sol.value(v)).collect();
    let dual = sol.compute_dual();
    use good_lp::solvers::DualValues;
    let duals = refs.into_iter().map(|r| dual.dual(r)).collect();
    Ok(Solved {
        value,
        primal,
        duals,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// A sparser dual for a shorter proof: minimise Σ|y_i| over all y with Σ y_i·row_i =
/// objective, y ≥ 0 on inequalities and Σ y_i·rhs_i ≥ `bound` (the dual LP with the bound
/// fixed). Returns the y values (same orientation as a certificate).
pub fn sparsest_dual(lp: &Lp, bound: f64) -> Result<Vec<f64>, BoundError> {
    let mut vars = ProblemVariables::new();
    let pos = vars.add_vector(variable().min(0), lp.rows.len());
    // Equality rows may carry either sign: y = pos − neg.
    let neg: Vec<Option<good_lp::Variable>> = lp
        .rows
        .iter()
        .map(|r| r.equality.then(|| vars.add(variable().min(0))))
        .collect();
    let weight: Expression = pos
        .iter()
        .copied()
        .map(Expression::from)
        .chain(neg.iter().flatten().copied().map(Expression::from))
        .sum();
    let mut model = vars
        .minimise(weight)
        .using(highs)
        .set_solver(HighsSolverType::Ipm);
    let y = |i: usize| -> Expression {
        match neg[i] {
            Some(n) => pos[i] - n,
            None => pos[i].into(),
        }
    };
    let mut per_col: Vec<Expression> = vec![Expression::from(0.0); lp.cols()];
    let mut value = Expression::from(0.0);
    for (i, r) in lp.rows.iter().enumerate() {
        for &(j, c) in &r.coefs {
            per_col[j] += c as f64 * y(i);
        }
        if r.rhs != 0 {
            value += r.rhs as f64 * y(i);
        }
    }
    for (j, e) in per_col.into_iter().enumerate() {
        model.add_constraint(e.eq(lp.objective[j] as f64));
    }
    model.add_constraint(value.geq(bound - 1e-9));
    let sol = model
        .solve()
        .map_err(|e| BoundError::Solver(format!("shortening the proof: {e}")))?;
    Ok((0..lp.rows.len())
        .map(|i| sol.value(pos[i]) - neg[i].map_or(0.0, |n| sol.value(n)))
        .collect())
}
