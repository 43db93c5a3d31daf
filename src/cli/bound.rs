//! The `itsa bound SPEC --minimize RATE` and `itsa bound MODEL --param value … --minimize RATE`
//! arguments. The binary prints the returned text and maps the status to an exit code.

use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use itsa::bound::problem::{Problem, Term};
use itsa::bound::{lp::Backend, models, region, run_with, symmetry, BoundError, Query, Status};
use itsa::models::declared::entropy;
use itsa::progress::Progress;
use num_rational::BigRational;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BoundArgs {
    /// A spec file (`-` for stdin): the entropy problem of its model's declaration at the
    /// spec's parameters (variables named as in the spec; rates from the declared region).
    #[arg(value_name = "SPEC")]
    pub spec: Option<PathBuf>,
    /// With SPEC: a parameter of a parametric spec, NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    #[command(flatten)]
    pub q: QueryArgs,
    /// Or one of the built-in entropy problems by name.
    #[command(subcommand)]
    pub model: Option<BoundModel>,
}

#[derive(Debug, Subcommand)]
pub enum BoundModel {
    /// One-round secure summation, K users, no dropouts. Variables W[k], Z[k], X[k], S.
    /// Rates: RX (H(X[k])), RZ (H(Z[k])), RZsum (H(Z[1..K])).
    Summation {
        /// K: number of users (2..=8; K ≤ 8 keeps 3K+1 ≤ 25 variables).
        #[arg(long, value_name = "K")]
        users: u32,
        #[command(flatten)]
        q: QueryArgs,
    },
    /// Zhao–Sun two-round aggregation with dropouts. Variables W[k], Z[k], X[k], Y[k]{U1},
    /// S{U1}. Rates: R1 (H(X[k])), R2 (H(Y[k]{U1})). Needs --restrict (22 variables at K=3).
    Dropout {
        /// K: number of users (2..=6).
        #[arg(long, value_name = "K")]
        users: u32,
        /// U: minimum number of users responding in each round.
        #[arg(long, value_name = "U")]
        min_survivors: u32,
        /// T: maximum number of users colluding with the server.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        q: QueryArgs,
    },
    /// Multi-server aggregation with user collusion. Variables W[u,v], Z[u,v], ZS, X[u,v],
    /// Y[u], S. Rates: RX, RY, RZ, RZS (H(ZS), the source key).
    MultiServer {
        /// U: number of servers.
        #[arg(long, value_name = "U")]
        servers: u32,
        /// V: users per server (UV ≤ 9).
        #[arg(long, value_name = "V")]
        users_per_server: u32,
        /// T: users colluding with any one server.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        q: QueryArgs,
    },
}

#[derive(Clone, Debug, Args)]
pub struct QueryArgs {
    /// What to minimise: a rate name (e.g. R2), a comma list of variables for their joint
    /// entropy (e.g. Z[1],Z[2],Z[3]), or a sum of those with '+'.
    #[arg(long, value_name = "RATE|VARS", required_unless_present = "region")]
    pub minimize: Option<String>,
    /// Trace the outer bound's trade-off between two rates (e.g. R1,R2) instead.
    #[arg(long, value_name = "RATE1,RATE2", conflicts_with = "minimize")]
    pub region: Option<String>,
    /// With --region: write the plot (SVG) to this file.
    #[arg(long, value_name = "FILE.svg", requires = "region")]
    pub plot: Option<std::path::PathBuf>,
    /// With --region: a point (R1,R2) achieved by a scheme, as LABEL=R1,R2 (repeatable).
    #[arg(long, value_name = "LABEL=R1,R2", requires = "region")]
    pub achieved: Vec<String>,
    /// Keep only these variables (comma list); constraints are projected or dropped, so
    /// the LP is a relaxation and its bound stays valid. With --region it may be repeated:
    /// every LP is a relaxation, and the tightest certified line per direction is kept.
    #[arg(long, value_name = "VARS")]
    pub restrict: Vec<String>,
    /// Floating-point LP backend: clarabel (pure Rust, default) or highs (needs
    /// `--features highs`). The certificate is verified exactly either way.
    #[arg(long, value_name = "NAME", default_value = "clarabel")]
    pub solver: String,
    /// With --proof: write the certificate as a LaTeX aligned chain instead.
    #[arg(long)]
    pub latex: bool,
    /// Try to prove this lower bound (e.g. 1/2); exit 1 if it is not proved.
    #[arg(long, value_name = "VALUE")]
    pub claim: Option<String>,
    /// Print one JSON object (exact rationals as strings).
    #[arg(long)]
    pub json: bool,
    /// Print the certificate as a proof, one weighted inequality per line.
    #[arg(long)]
    pub proof: bool,
    /// Look for a shorter certificate (minimum total weight; solves a second LP).
    #[arg(long)]
    pub shorten: bool,
}

/// `itsa bound …`: print the answer; exit 0 proved, 1 not proved.
pub fn run(ctx: &super::Context, args: &BoundArgs) -> Result<ExitCode, super::CliError> {
    let (text, status) = compute(args, &ctx.progress)?;
    super::print(&text);
    Ok(super::code(status == Status::Proved))
}

/// Run the command; returns the text to print and the status (for the exit code).
pub fn compute(args: &BoundArgs, progress: &Progress) -> Result<(String, Status), super::CliError> {
    let (model, q): (Problem, &QueryArgs) = match (&args.spec, &args.model) {
        (Some(spec), None) => return compute_spec(spec, &args.set, &args.q, progress),
        (None, None) => {
            return Err(super::CliError::msg(
                "give a spec file (itsa bound SPEC --minimize RATE) or a built-in model \
                 (itsa bound summation --users 3 --minimize RZsum)",
            ))
        }
        (_, Some(BoundModel::Summation { users, q })) => (models::summation(*users)?, q),
        (
            _,
            Some(BoundModel::Dropout {
                users,
                min_survivors,
                colluders,
                q,
            }),
        ) => (models::dropout(*users, *min_survivors, *colluders)?, q),
        (
            _,
            Some(BoundModel::MultiServer {
                servers,
                users_per_server,
                colluders,
                q,
            }),
        ) => (
            models::multi_server(*servers, *users_per_server, *colluders)?,
            q,
        ),
    };
    Ok(run_problem(&model, q, progress)?)
}

/// `itsa bound SPEC`: the declaration's entropy problem at the spec's parameters, and the
/// spec's own rates beside the bound.
fn compute_spec(
    spec: &std::path::Path,
    set: &[String],
    q: &QueryArgs,
    progress: &Progress,
) -> Result<(String, Status), super::CliError> {
    let load = itsa::LoadOptions {
        set: set.to_vec(),
        force: itsa::budget::get().force,
    };
    let (scheme, model, _) = if spec.as_os_str() == "-" {
        let (text, shown) = super::read_input(spec)?;
        itsa::load_str_with(&text, &shown, &load)?
    } else {
        itsa::load_with(spec, &load)?
    };
    let declared = entropy::declared_for(&scheme, &model)?;
    let ep = declared.entropy_problem()?;
    let achieved = declared.achieved_rates(&scheme);
    // A region plot shows the spec's own point beside the outer bound.
    let mut q = q.clone();
    if let Some(rates) = &q.region {
        let value = |n: &str| {
            achieved
                .iter()
                .find(|a| a.name == n.trim())
                .map(|a| &a.value)
        };
        if let [a, b] = rates.split(',').collect::<Vec<_>>().as_slice() {
            if let (Some(x), Some(y)) = (value(a), value(b)) {
                q.achieved.push(format!("{}={x},{y}", scheme.origin.path));
            }
        }
    }
    let q = &q;
    let (mut text, status) = run_problem(&ep.problem, q, progress)?;
    if q.json {
        // The bound report, plus what the spec itself achieves and what the LP left out.
        let mut doc: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| super::CliError::msg(format!("internal: bound JSON: {e}")))?;
        if let Some(obj) = doc.as_object_mut() {
            let rates: serde_json::Map<String, serde_json::Value> = achieved
                .iter()
                .map(|a| (a.name.to_string(), a.value.to_string().into()))
                .collect();
            obj.insert(
                "spec".into(),
                serde_json::json!({
                    "path": scheme.origin.path,
                    "achieved": rates,
                    "notes": ep.notes,
                }),
            );
        }
        text = serde_json::to_string_pretty(&doc)
            .map_err(|e| super::CliError::msg(format!("internal: bound JSON: {e}")))?
            + "\n";
    } else {
        let mut extra = String::new();
        for n in &ep.notes {
            extra += &format!("  note: {n}\n");
        }
        if q.region.is_none() && !achieved.is_empty() {
            let shown: Vec<String> = achieved
                .iter()
                .map(|a| format!("{} = {}", a.name, a.value))
                .collect();
            extra += &format!(
                "  {} achieves {} (its correctness and security: itsa verify {})\n",
                scheme.origin.path,
                shown.join(", "),
                scheme.origin.path
            );
        }
        text += &extra;
    }
    Ok((text, status))
}

/// Run a query on any entropy problem (a built-in model or one built from a declaration).
pub fn run_problem(
    model: &Problem,
    q: &QueryArgs,
    progress: &Progress,
) -> Result<(String, Status), BoundError> {
    let generators = symmetry::detect(model);
    // A spinner on stderr (after a second; hidden when stderr is not a terminal).
    let spinner = progress.task(
        &format!("{}: building, solving and certifying the LP", model.title),
        None,
    );
    let out = match &q.region {
        Some(rates) => run_region(model, q, rates, &generators),
        None => {
            let query = query(model, q)?;
            run_with(model, &query, &generators).and_then(|report| {
                let text = if q.json {
                    json(&report)?
                } else if q.latex {
                    report.latex.clone().unwrap_or_else(|| {
                        itsa::bound::report::render_text(&report, false)
                            + "(no verified certificate: no LaTeX proof)\n"
                    })
                } else {
                    itsa::bound::report::render_text(&report, q.proof)
                };
                Ok((text, report.status))
            })
        }
    };
    drop(spinner);
    out
}

fn run_region(
    model: &Problem,
    q: &QueryArgs,
    rates: &str,
    generators: &[symmetry::Perm],
) -> Result<(String, Status), BoundError> {
    let names: Vec<&str> = rates.split(',').map(str::trim).collect();
    let [a, b] = names.as_slice() else {
        return Err(BoundError::Usage(format!(
            "--region: expected two rate names like R1,R2, found '{rates}'"
        )));
    };
    let find = |n: &str| {
        model.rates.iter().position(|r| r.name == n).ok_or_else(|| {
            BoundError::Usage(format!(
                "--region: unknown rate '{n}' (this model has: {})",
                model
                    .rates
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    };
    let (r1, r2) = (find(a)?, find(b)?);
    if r1 == r2 {
        return Err(BoundError::Usage(
            "--region needs two different rates".into(),
        ));
    }
    let keeps = q
        .restrict
        .iter()
        .map(|r| model.parse_set(r))
        .collect::<Result<Vec<_>, _>>()?;
    let achieved = q
        .achieved
        .iter()
        .map(|a| parse_point(a))
        .collect::<Result<Vec<_>, _>>()?;
    let query = Query {
        objective: vec![Term::Rate(r1), Term::Rate(r2)],
        objective_text: rates.into(),
        keep: None,
        claim: None,
        shorten: false,
        backend: Backend::parse(&q.solver)?,
        latex: false,
    };
    let report = region::trace(model, generators, r1, r2, &keeps, &query)?;
    if let Some(path) = &q.plot {
        std::fs::write(path, region::render_svg(&report, &achieved)).map_err(|e| {
            BoundError::Usage(format!("--plot: cannot write {}: {e}", path.display()))
        })?;
    }
    let text = if q.json {
        json(&report)?
    } else {
        region::render_text(&report)
    };
    let status = if report.all_certified {
        Status::Proved
    } else {
        Status::NotVerified
    };
    Ok((text, status))
}

fn json(value: impl serde::Serialize) -> Result<String, BoundError> {
    super::json_text(value).map_err(|e| BoundError::Usage(format!("{e:?}")))
}

/// `LABEL=R1,R2` with rationals or decimals.
fn parse_point(s: &str) -> Result<(String, f64, f64), BoundError> {
    let bad = || BoundError::Usage(format!("--achieved: expected LABEL=R1,R2, found '{s}'"));
    let (label, xy) = s.split_once('=').ok_or_else(bad)?;
    let (x, y) = xy.split_once(',').ok_or_else(bad)?;
    let num = |t: &str| -> Result<f64, BoundError> {
        let t = t.trim();
        t.parse::<BigRational>()
            .map(|r| itsa::bound::certificate::approx(&r))
            .or_else(|_| t.parse::<f64>())
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(bad)
    };
    Ok((label.trim().to_string(), num(x)?, num(y)?))
}

/// Parse the query flags against a model.
pub fn query(model: &Problem, q: &QueryArgs) -> Result<Query, BoundError> {
    let claim = q
        .claim
        .as_deref()
        .map(|c| {
            c.trim().parse::<BigRational>().map_err(|_| {
                BoundError::Usage(format!("--claim: '{c}' is not a rational like 3 or 1/2"))
            })
        })
        .transpose()?;
    let minimize = q
        .minimize
        .as_deref()
        .ok_or_else(|| BoundError::Usage("--minimize is required".into()))?;
    if q.restrict.len() > 1 {
        return Err(BoundError::Usage(
            "--restrict may be repeated only with --region".into(),
        ));
    }
    Ok(Query {
        objective: model.parse_objective(minimize)?,
        objective_text: minimize.to_string(),
        keep: q.restrict.first().map(|r| model.parse_set(r)).transpose()?,
        claim,
        shorten: q.shorten,
        backend: Backend::parse(&q.solver)?,
        latex: q.latex,
    })
}
