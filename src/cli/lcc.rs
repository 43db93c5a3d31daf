//! The `itsa lcc …` arguments and what to print for them. The binary prints the returned
//! text and maps errors to exit code 2.

use std::fmt::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use itsa::progress::Progress;
use serde_json::json;

use itsa::coded::assign::{self, Search};
use itsa::coded::encoding::MisConstants;
use itsa::coded::localize::Robust;
use itsa::coded::tradeoff::{self, Method};
use itsa::coded::{CodedError, Metrics, Objective, System};
use itsa::region::figure::{scatter_figure, Format, Style};

pub const FLOAT_NOTE: &str = "floating point (f64); P̄e is a seeded Monte Carlo estimate";

#[derive(Debug, Args)]
pub struct LccArgs {
    #[command(subcommand)]
    pub cmd: LccCommand,
}

/// The NS-LCC system (docs/coded-computing.md#model); defaults are the seed's Tables I/II system.
#[derive(Debug, Args)]
pub struct SystemArgs {
    /// N: number of workers (evaluation points β_1..β_N).
    #[arg(long, default_value_t = 21, value_name = "N")]
    pub workers: usize,
    /// |U|: number of unreliable workers.
    #[arg(long, default_value_t = 12, value_name = "U")]
    pub unreliable: usize,
    /// K: number of data blocks (data at α_1..α_K).
    #[arg(long, default_value_t = 3, value_name = "K")]
    pub data_blocks: usize,
    /// T: maximum number of colluding curious workers (noise at α_{K+1}..α_{K+T}).
    #[arg(long, default_value_t = 3, value_name = "T")]
    pub colluders: usize,
    /// c: data entries lie in [−c, c].
    #[arg(long, default_value_t = 1.0, value_name = "c")]
    pub data_bound: f64,
    /// σ_n: standard deviation of the encoding noise.
    #[arg(long, default_value_t = 1.0, value_name = "SIGMA")]
    pub noise_std: f64,
}

/// The robustness simulation (docs/coded-computing.md#robustness).
#[derive(Debug, Args)]
pub struct RobustArgs {
    /// deg f of the computed polynomial.
    #[arg(long, default_value_t = 2)]
    pub degree: usize,
    /// A: number of Byzantine workers (among the unreliable ones).
    #[arg(long, default_value_t = 2, value_name = "A")]
    pub byzantine: usize,
    /// σ_p: precision-noise standard deviation added by every worker.
    #[arg(long, default_value_t = 0.002, value_name = "SIGMA")]
    pub precision_noise: f64,
    /// Standard deviation of a Byzantine worker's error.
    #[arg(long, default_value_t = 1.0, value_name = "SIGMA")]
    pub error_std: f64,
    /// Monte Carlo trials per index set.
    #[arg(long, default_value_t = 2000)]
    pub trials: usize,
    /// Seed of the Monte Carlo (same seed, same numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum LccCommand {
    /// Trace term and MIS bound (11) of one assignment of indices to the unreliable workers.
    Mis {
        #[command(flatten)]
        sys: SystemArgs,
        /// The unreliable workers' indices, e.g. 4,11-21 (default 1..|U|, the identity map).
        #[arg(long, value_name = "LIST")]
        set: Option<String>,
        /// Also print A_𝒯, B_𝒯 and H_𝒯 of the worst colluding set.
        #[arg(long)]
        matrices: bool,
        #[arg(long)]
        json: bool,
    },
    /// Simulate DCT error localization on one assignment and estimate P̄e (Monte Carlo).
    Pep {
        #[command(flatten)]
        sys: SystemArgs,
        #[command(flatten)]
        robust: RobustArgs,
        /// The unreliable workers' indices (default 1..|U|).
        #[arg(long, value_name = "LIST")]
        set: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Best assignment: Problem 1 (mis), 2 (pep) or 3 (joint).
    Assign {
        #[command(flatten)]
        sys: SystemArgs,
        #[command(flatten)]
        robust: RobustArgs,
        #[arg(long, value_enum, default_value = "mis")]
        objective: ObjectiveArg,
        /// Weight of the (normalised) MIS term in the joint objective.
        #[arg(long, default_value_t = 0.5)]
        lambda: f64,
        /// Default: brute for mis, greedy for pep and joint.
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
        /// Greedy: size of the brute-forced initial set (default T).
        #[arg(long)]
        s0: Option<usize>,
        /// Brute force: how many best sets to list.
        #[arg(long, default_value_t = 3)]
        top: usize,
        /// Also run the other method and report the gap (always on for mis).
        #[arg(long)]
        compare: bool,
        #[arg(long)]
        json: bool,
    },
    /// Problem 3 as λ runs from 0 to 1: MIS bound vs localization error.
    Tradeoff {
        #[command(flatten)]
        sys: SystemArgs,
        #[command(flatten)]
        robust: RobustArgs,
        /// Number of λ intervals (λ = 0, 1/steps, …, 1).
        #[arg(long, default_value_t = 5)]
        steps: usize,
        #[arg(long, value_enum, default_value = "greedy")]
        method: MethodArg,
        /// Greedy: size of the brute-forced initial set (default T).
        #[arg(long)]
        s0: Option<usize>,
        /// Draw the trade-off into FILE: .svg, .pdf, or .pgf/.tex (PGF/TikZ for LaTeX).
        #[arg(long, value_name = "FILE")]
        plot: Option<PathBuf>,
        #[command(flatten)]
        figure: super::region::FigureArgs,
        #[arg(long)]
        json: bool,
    },
}

pub struct Output {
    pub stdout: String,
    pub plot: Option<PathBuf>,
}

/// "4,11-21" → [4, 11, …, 21].
pub fn parse_set(s: &str) -> Result<Vec<u32>, CodedError> {
    let bad = |p: &str| CodedError::Param(format!("--set: cannot read '{p}' (use e.g. 4,11-21)"));
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (
                    a.trim().parse().map_err(|_| bad(part))?,
                    b.trim().parse().map_err(|_| bad(part))?,
                );
                if a > b || b - a > 1000 {
                    return Err(bad(part));
                }
                out.extend(a..=b);
            }
            None => out.push(part.parse().map_err(|_| bad(part))?),
        }
    }
    Ok(out)
}

fn fmt_set(s: &[u32]) -> String {
    format!(
        "{{{}}}",
        s.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    )
}

fn mis_constants(s: &SystemArgs) -> MisConstants {
    MisConstants {
        c: s.data_bound,
        sigma_n: s.noise_std,
    }
}

fn robust(s: &SystemArgs, r: &RobustArgs) -> Result<Robust, CodedError> {
    if r.trials == 0 {
        return Err(CodedError::Param("--trials must be at least 1".into()));
    }
    itsa::budget::charge(
        itsa::budget::Resource::Trials,
        r.trials as u128,
        format!("--trials {}", r.trials),
    )
    .map_err(|e| CodedError::Param(e.to_string()))?;
    Ok(Robust {
        degree: r.degree,
        byzantine: r.byzantine,
        sigma_p: r.precision_noise,
        error_std: r.error_std,
        c: s.data_bound,
        sigma_n: s.noise_std,
        trials: r.trials,
        seed: r.seed,
    })
}

fn build(s: &SystemArgs, r: Option<&RobustArgs>) -> Result<System, CodedError> {
    // The encoding holds N × (K + T) Lagrange coefficients (and the decoder as many again).
    itsa::budget::charge(
        itsa::budget::Resource::Cells,
        itsa::budget::product(&[
            s.workers as u128,
            (s.data_blocks as u128).saturating_add(s.colluders as u128),
            2,
        ]),
        format!(
            "the NS-LCC system N={} K={} T={}",
            s.workers, s.data_blocks, s.colluders
        ),
    )
    .map_err(|e| CodedError::Param(e.to_string()))?;
    // The trace table solves one T × (K + T) system per T-subset of the N workers: charge that
    // work (in matrix entries touched) before it starts.
    let t = (s.colluders as u64).min(s.workers as u64);
    let k_plus_t = (s.data_blocks as u128).saturating_add(s.colluders as u128);
    itsa::budget::charge(
        itsa::budget::Resource::Cells,
        itsa::budget::product(&[
            itsa::subsets::binomial(s.workers as u64, t),
            k_plus_t,
            k_plus_t,
            (t as u128).max(1),
        ]),
        format!(
            "the trace table of C(N={}, T={}) colluding sets",
            s.workers, s.colluders
        ),
    )
    .map_err(|e| CodedError::Param(e.to_string()))?;
    let rob = r.map(|r| robust(s, r)).transpose()?;
    System::new(
        s.data_blocks,
        s.colluders,
        s.workers,
        s.unreliable,
        mis_constants(s),
        rob,
    )
}

fn header(sys: &System) -> String {
    let mut h = format!(
        "  system  N={} |U|={} K={} T={}  c={} σ_n={}  ({FLOAT_NOTE})\n",
        sys.enc.n, sys.unreliable, sys.enc.k, sys.enc.t, sys.mis.c, sys.mis.sigma_n
    );
    if let Some(l) = &sys.localizer {
        let r = &l.robust;
        let _ = writeln!(
            h,
            "  robust  deg f={} A={} σ_p={} error std={}  code dimension k={}  trials={} seed={}",
            r.degree, r.byzantine, r.sigma_p, r.error_std, l.code_dim, r.trials, r.seed
        );
    }
    h
}

fn metrics_line(m: &Metrics) -> String {
    let mut s = format!(
        "max trace {:.5e}  MIS bound {:.3} bits ({:.3} of unprofiled)  worst colluders {}",
        m.max_trace,
        m.mis_bound_bits,
        m.mis_normalised,
        fmt_set(&m.worst_colluders)
    );
    if let Some(e) = &m.pep {
        let _ = write!(
            s,
            "  P̄e {:.4} (95% {:.4}–{:.4}, {}/{} failed)",
            e.p, e.ci95.0, e.ci95.1, e.failures, e.trials
        );
    }
    s
}

/// `itsa lcc --objective`: mirrors [`Objective`] (clap stays out of the library).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ObjectiveArg {
    /// Problem 1: max over colluding T-subsets of tr(H_𝒯 H_𝒯ᵀ) (equivalently the MIS bound).
    Mis,
    /// Problem 2: average localization-error probability P̄_e (Monte Carlo).
    Pep,
    /// Problem 3: λ·MIS/MIS_max + (1−λ)·P̄_e.
    Joint,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Self {
        match o {
            ObjectiveArg::Mis => Objective::Mis,
            ObjectiveArg::Pep => Objective::Pep,
            ObjectiveArg::Joint => Objective::Joint,
        }
    }
}

/// `itsa lcc --method`: mirrors [`Method`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    /// Exact over all index sets.
    Brute,
    /// Algorithm 1 of the paper.
    Greedy,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Brute => Method::Brute,
            MethodArg::Greedy => Method::Greedy,
        }
    }
}

pub fn run(args: &LccArgs, progress: &Progress) -> Result<Output, CodedError> {
    match &args.cmd {
        LccCommand::Mis {
            sys,
            set,
            matrices,
            json,
        } => {
            let system = build(sys, None)?;
            let set = chosen_set(&system, set.as_deref())?;
            let m = system.metrics(&set)?;
            if *json {
                let v = json!({
                    "arithmetic": FLOAT_NOTE,
                    "alpha": system.enc.alpha,
                    "beta": system.enc.beta,
                    "mis_bound_unprofiled_bits": system.mis_max_bits(),
                    "metrics": m,
                });
                return Ok(text(pretty(&v)));
            }
            let mut s = String::from("NS-LCC privacy of one assignment (MIS bound (11))\n");
            s += &header(&system);
            let _ = writeln!(
                s,
                "  α (data then noise) = {}",
                fmt_nodes(&system.enc.alpha)
            );
            let _ = writeln!(s, "  set {}", fmt_set(&set));
            let _ = writeln!(s, "  {}", metrics_line(&m));
            let _ = writeln!(
                s,
                "  without profiling (max over all T-subsets of [N]): MIS bound {:.3} bits",
                system.mis_max_bits()
            );
            if *matrices {
                let w = &m.worst_colluders;
                let _ = write!(s, "  A_𝒯 for 𝒯 = {}:{}", fmt_set(w), system.enc.a_matrix(w));
                let _ = write!(s, "  B_𝒯:{}", system.enc.b_matrix(w));
                if let Some(h) = system.enc.h_matrix(w) {
                    let _ = write!(s, "  H_𝒯 = B_𝒯⁻¹A_𝒯:{h}");
                }
            }
            Ok(text(s))
        }
        LccCommand::Pep {
            sys,
            robust,
            set,
            json,
        } => {
            let system = build(sys, Some(robust))?;
            let set = chosen_set(&system, set.as_deref())?;
            let m = system.metrics(&set)?;
            if *json {
                return Ok(text(pretty(&json!({
                    "arithmetic": FLOAT_NOTE,
                    "robust": system.localizer.as_ref().map(|l| l.robust),
                    "metrics": m,
                }))));
            }
            let mut s =
                String::from("NS-LCC Byzantine error localization (DCT syndrome, error locator)\n");
            s += &header(&system);
            let _ = writeln!(s, "  set {}", fmt_set(&set));
            let _ = writeln!(s, "  {}", metrics_line(&m));
            Ok(text(s))
        }
        LccCommand::Assign {
            sys,
            robust,
            objective,
            lambda,
            method,
            s0,
            top,
            compare,
            json,
        } => {
            if !(0.0..=1.0).contains(lambda) {
                return Err(CodedError::Param("--lambda must lie in [0, 1]".into()));
            }
            let objective = &Objective::from(*objective);
            let method = method.map(Method::from);
            let needs_sim = *objective != Objective::Mis;
            let system = build(sys, Some(robust).filter(|_| needs_sim))?;
            let method = method.unwrap_or(if needs_sim {
                Method::Greedy
            } else {
                Method::Brute
            });
            let s0 = check_s0(&system, *objective, *s0)?;
            let methods: Vec<Method> = if *compare || !needs_sim {
                vec![method, other(method)]
            } else {
                vec![method]
            };
            let mut searches = Vec::new();
            for m in methods {
                check_budget(&system, *objective, m, s0, 1)?;
                let total = match m {
                    Method::Brute if needs_sim => {
                        itsa::subsets::binomial(system.enc.n as u64, system.unreliable as u64)
                    }
                    Method::Brute => 0,
                    Method::Greedy => {
                        assign::greedy_evaluations(system.enc.n, system.unreliable, s0)
                    }
                };
                let bar = needs_sim.then(|| progress.task("evaluations", Some(total as u64)));
                let s = tradeoff::solve(&system, *objective, *lambda, m, s0, *top, bar.as_ref());
                drop(bar);
                let metrics: Vec<Metrics> = s
                    .best
                    .iter()
                    .map(|r| system.metrics(&r.set))
                    .collect::<Result<_, _>>()?;
                searches.push((s, metrics));
            }
            let gap = (searches.len() == 2).then(|| {
                let v = |i: usize| searches[i].0.best[0].value;
                let (b, g) = if methods_first_is_brute(&searches) {
                    (v(0), v(1))
                } else {
                    (v(1), v(0))
                };
                g - b
            });
            if *json {
                let runs: Vec<_> = searches
                    .iter()
                    .map(|(s, m)| json!({"search": s, "metrics": m}))
                    .collect();
                return Ok(text(pretty(&json!({
                    "arithmetic": FLOAT_NOTE,
                    "objective": objective,
                    "lambda": if *objective == Objective::Joint { Some(*lambda) } else { None },
                    "normalisation": JOINT_NORMALISATION,
                    "s0": s0,
                    "runs": runs,
                    "greedy_minus_brute": gap,
                }))));
            }
            let mut s =
                String::from("NS-LCC assignment of evaluation indices to the unreliable workers\n");
            s += &header(&system);
            let _ = writeln!(s, "  objective {}", describe(*objective, *lambda));
            for (search, metrics) in &searches {
                let _ = write!(
                    s,
                    "  {}: {} objective evaluations",
                    search.method, search.evaluations
                );
                if let Some(n) = search.scored {
                    let _ = write!(s, " (Table IV count; {n} scored, the rest pruned)");
                }
                if search.method.starts_with("greedy") {
                    let _ = write!(s, ", s0 = {s0}");
                }
                s.push('\n');
                for (i, (r, m)) in search.best.iter().zip(metrics).enumerate() {
                    let _ = writeln!(
                        s,
                        "    #{}  {}  objective {:.5e}\n        {}",
                        i + 1,
                        fmt_set(&r.set),
                        r.value,
                        metrics_line(m)
                    );
                }
            }
            if let Some(g) = gap {
                let _ = writeln!(
                    s,
                    "  greedy − brute force = {g:.5e} ({})",
                    if g == 0.0 {
                        "greedy found the optimum"
                    } else {
                        "greedy is suboptimal here"
                    }
                );
            }
            Ok(text(s))
        }
        LccCommand::Tradeoff {
            sys,
            robust,
            steps,
            method,
            s0,
            plot,
            figure,
            json,
        } => {
            // The figure options are checked before the (long) sweep runs.
            let figure_out = match plot {
                Some(path) => Some((
                    path,
                    Format::from_path(path).ok_or_else(|| {
                        CodedError::Param(format!(
                            "--plot {}: write the plot to a .svg, .pdf, .pgf or .tex file",
                            path.display()
                        ))
                    })?,
                    tradeoff_style(figure)?,
                )),
                None => None,
            };
            itsa::budget::charge(
                itsa::budget::Resource::Points,
                (*steps as u128).saturating_add(1),
                format!("lcc tradeoff --steps {steps}"),
            )
            .map_err(|e| CodedError::Param(e.to_string()))?;
            let method = &Method::from(*method);
            let system = build(sys, Some(robust))?;
            let s0 = check_s0(&system, Objective::Joint, *s0)?;
            check_budget(&system, Objective::Joint, *method, s0, *steps as u128 + 1)?;
            let per = match method {
                Method::Brute => {
                    itsa::subsets::binomial(system.enc.n as u64, system.unreliable as u64)
                }
                Method::Greedy => assign::greedy_evaluations(system.enc.n, system.unreliable, s0),
            };
            let bar = progress.task("evaluations", Some((per * (*steps as u128 + 1)) as u64));
            let points = tradeoff::sweep(&system, *steps, *method, s0, Some(&bar))?;
            drop(bar);
            if let Some((path, format, style)) = &figure_out {
                let fig = scatter_figure(&tradeoff::figure(&points), style, *format);
                std::fs::write(path, fig).map_err(|e| CodedError::Io {
                    path: path.display().to_string(),
                    source: e,
                })?;
            }
            let stdout = if *json {
                pretty(&json!({
                    "arithmetic": FLOAT_NOTE,
                    "normalisation": JOINT_NORMALISATION,
                    "method": method,
                    "s0": s0,
                    "points": points,
                }))
            } else {
                let mut s =
                    String::from("NS-LCC privacy/robustness trade-off (Problem 3 over λ)\n");
                s += &header(&system);
                let _ = writeln!(s, "  objective {}", describe(Objective::Joint, f64::NAN));
                for p in &points {
                    let _ = writeln!(
                        s,
                        "  λ={:<5} {}  objective {:.4}  evaluations {}\n        {}",
                        p.lambda,
                        fmt_set(&p.metrics.set),
                        p.objective,
                        p.evaluations,
                        metrics_line(&p.metrics)
                    );
                }
                s
            };
            Ok(Output {
                stdout,
                plot: plot.clone(),
            })
        }
    }
}

pub const JOINT_NORMALISATION: &str = "λ·MIS(I)/MIS_max + (1−λ)·P̄e(I); MIS(I) is bound (11) in bits, MIS_max the same bound maximised over all T-subsets of [N] (no profiling), so both terms lie in [0, 1]";

fn describe(o: Objective, lambda: f64) -> String {
    match o {
        Objective::Mis => "Problem 1: min over index sets I of max_{𝒯⊆I,|𝒯|=T} tr(H_𝒯 H_𝒯ᵀ)".into(),
        Objective::Pep => {
            "Problem 2: min over index sets I of P̄e(I) (Monte Carlo, common random numbers)".into()
        }
        Objective::Joint if lambda.is_nan() => format!("Problem 3: {JOINT_NORMALISATION}"),
        Objective::Joint => format!("Problem 3 at λ={lambda}: {JOINT_NORMALISATION}"),
    }
}

/// The trade-off figure's style: the shared figure options (`--title`, default none;
/// `--size`, default 12 cm × 9 cm, room for the key of assignments under the plot).
fn tradeoff_style(f: &super::region::FigureArgs) -> Result<Style, CodedError> {
    let mut style = f.style().map_err(|e| CodedError::Param(e.to_string()))?;
    if f.size.is_none() {
        (style.width, style.height) = (12.0 / 2.54 * 72.0, 9.0 / 2.54 * 72.0);
    }
    Ok(style)
}

fn methods_first_is_brute(s: &[(Search, Vec<Metrics>)]) -> bool {
    s[0].0.method.starts_with("brute")
}

fn other(m: Method) -> Method {
    match m {
        Method::Brute => Method::Greedy,
        Method::Greedy => Method::Brute,
    }
}

fn check_s0(sys: &System, o: Objective, s0: Option<usize>) -> Result<usize, CodedError> {
    let t = sys.enc.t;
    let s0 = s0.unwrap_or(t);
    let min = match o {
        Objective::Mis | Objective::Joint => t,
        Objective::Pep => sys.localizer.as_ref().map_or(1, |l| l.robust.byzantine),
    };
    if s0 < min.max(1) || s0 > sys.unreliable {
        return Err(CodedError::Param(format!(
            "--s0 {s0} must lie in {}..={} for this objective",
            min.max(1),
            sys.unreliable
        )));
    }
    Ok(s0)
}

/// The search's cost against the budget (src/budget.rs), before it starts: index sets a
/// brute force visits (checks) and simulated Monte Carlo trials, over `points` λ values.
fn check_budget(
    sys: &System,
    o: Objective,
    m: Method,
    s0: usize,
    points: u128,
) -> Result<(), CodedError> {
    use itsa::budget::{charge, product, Resource};
    let sets = match m {
        Method::Brute => itsa::subsets::binomial(sys.enc.n as u64, sys.unreliable as u64),
        Method::Greedy => assign::greedy_evaluations(sys.enc.n, sys.unreliable, s0),
    };
    let err = |e: itsa::budget::BudgetError| CodedError::Param(e.to_string());
    charge(
        Resource::Checks,
        product(&[sets, points]),
        format!(
            "the {} search over C({}, {}) index sets",
            if m == Method::Brute {
                "brute-force"
            } else {
                "greedy"
            },
            sys.enc.n,
            sys.unreliable
        ),
    )
    .map_err(err)?;
    if o != Objective::Mis {
        let trials = sys.localizer.as_ref().map_or(0, |l| l.robust.trials) as u128;
        charge(
            Resource::Trials,
            product(&[sets, trials, points]),
            format!("simulating {sets} index set(s) × {trials} trials × {points} point(s)"),
        )
        .map_err(err)?;
    }
    Ok(())
}

fn chosen_set(sys: &System, set: Option<&str>) -> Result<Vec<u32>, CodedError> {
    let v = match set {
        Some(s) => parse_set(s)?,
        None => (1..=sys.unreliable as u32).collect(),
    };
    sys.check_set(&v)
}

fn fmt_nodes(v: &[f64]) -> String {
    format!(
        "({})",
        v.iter()
            .map(|x| format!("{x:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// `itsa lcc …`: print the answer, note the plot file written.
pub fn run_command(
    ctx: &super::Context,
    args: &LccArgs,
) -> Result<std::process::ExitCode, super::CliError> {
    let out = run(args, &ctx.progress)?;
    super::print(&out.stdout);
    if let Some(path) = out.plot {
        ctx.note(&format!("wrote {}", path.display()));
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(&itsa::versioned(v.clone())).unwrap_or_default();
    s.push('\n');
    s
}

fn text(stdout: String) -> Output {
    Output { stdout, plot: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_index_lists() {
        assert_eq!(parse_set("4,11-13").unwrap(), vec![4, 11, 12, 13]);
        assert_eq!(parse_set(" 1 , 2 ").unwrap(), vec![1, 2]);
        assert!(parse_set("3-1").is_err());
        assert!(parse_set("a").is_err());
    }
}
