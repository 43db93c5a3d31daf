//! The `itsa region MODEL --param value …` arguments and what to print for them.
//! The binary only parses, prints the returned text and maps errors to exit code 2.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use itsa::progress::Progress;
use itsa::region::catalog::{self, Model};
use itsa::region::render;
use itsa::region::sweep::{self, SweepSpec};
use itsa::region::RegionError;

use super::{print, CliError, Context};

#[derive(Debug, Args)]
pub struct RegionArgs {
    #[command(subcommand)]
    pub model: ModelArgs,
}

/// Output selection shared by every model.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print JSON (exact rationals as strings such as "3/2").
    #[arg(long, conflicts_with_all = ["latex", "csv"])]
    pub json: bool,
    /// Print the region as LaTeX display math (needs amsmath).
    #[arg(long, conflicts_with = "sweep")]
    pub latex: bool,
    /// Evaluate over a range of one parameter, both ends included, e.g. colluders=0..11.
    #[arg(long, value_name = "NAME=A..B")]
    pub sweep: Option<String>,
    /// With --sweep: print CSV instead of a table.
    #[arg(long, requires = "sweep")]
    pub csv: bool,
    /// With --sweep: also draw the sweep as an SVG line plot into FILE.
    #[arg(long, value_name = "FILE.svg", requires = "sweep")]
    pub plot: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ModelArgs {
    /// Two-round secure aggregation with user dropouts (Zhao & Sun, seed 004):
    /// infeasible iff U ≤ T, else R1 ≥ 1, R2 ≥ 1/(U−T).
    Dropout {
        /// K: number of users (≥ 2).
        #[arg(long, value_name = "K")]
        users: Option<u64>,
        /// U: minimum number of users responding in each round (1 ≤ U ≤ K−1).
        #[arg(long, value_name = "U")]
        min_survivors: Option<u64>,
        /// T: maximum number of users colluding with the server (0 ≤ T ≤ K).
        #[arg(long, value_name = "T")]
        colluders: Option<u64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Multi-server secure aggregation with user collusion (Li et al., seed 000):
    /// R_X, R_Y, R_Z ≥ 1, R_ZΣ ≥ min{U+V+T−2, UV−1}.
    MultiServer {
        /// U: number of servers (≥ 1).
        #[arg(long, value_name = "U")]
        servers: Option<u64>,
        /// V: number of users per server (≥ 1, UV ≥ 2).
        #[arg(long, value_name = "V")]
        users_per_server: Option<u64>,
        /// T: maximum number of users colluding with any one server (0 ≤ T ≤ UV−1).
        #[arg(long, value_name = "T")]
        colluders: Option<u64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Hierarchical secure aggregation with unreliable links (Weng et al., seed 003):
    /// R1 ≥ d/(d−s), R2 ≥ max{1/(d−s), 1/(K−1)}, key rates × log p / log q.
    Hierarchical {
        /// K: number of clients, equal to the number of relays (≥ 2).
        #[arg(long, value_name = "K")]
        clients: Option<u64>,
        /// d: relays each client is connected to (1 ≤ d ≤ K; d = K is flagged).
        #[arg(long, value_name = "d")]
        relays_per_client: Option<u64>,
        /// s: relay-to-server links that may fail (0 ≤ s < d).
        #[arg(long, value_name = "s")]
        failures: Option<u64>,
        /// q: input alphabet size, inputs in {0, …, q−1} (≥ 2).
        #[arg(long, value_name = "q")]
        alphabet: Option<u64>,
        /// p: field size, a prime > K(q−1) [default: the smallest such prime].
        #[arg(long, value_name = "p")]
        prime: Option<u64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Hierarchical secure aggregation with user collusion (arXiv 2410.14035; outside the
    /// seeds, recalled): R_X, R_Y, R_Z ≥ 1, R_ZΣ ≥ max{V+T, min{U+T−1, UV−1}}.
    HierarchicalCollusion {
        /// U: number of relays (≥ 1; U = 1 is infeasible).
        #[arg(long, value_name = "U")]
        relays: Option<u64>,
        /// V: number of users per relay (≥ 1).
        #[arg(long, value_name = "V")]
        users_per_relay: Option<u64>,
        /// T: maximum number of users colluding with the server or a relay (0 ≤ T ≤ UV).
        #[arg(long, value_name = "T")]
        colluders: Option<u64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Decentralized secure aggregation with user dropouts (arXiv 2605.22261; outside the
    /// seeds): infeasible iff U ≤ T+1, else R1 ≥ 1, R2 ≥ 1/(U−T−1).
    Decentralized {
        /// K: number of users (≥ 2).
        #[arg(long, value_name = "K")]
        users: Option<u64>,
        /// U: minimum number of surviving users (1 ≤ U ≤ K−1).
        #[arg(long, value_name = "U")]
        min_survivors: Option<u64>,
        /// T: maximum number of other users each user colludes with (0 ≤ T ≤ K−1).
        #[arg(long, value_name = "T")]
        colluders: Option<u64>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Threshold key-sharing (threshold Joye–Libert, seed 001; Bonawitz et al. for comparison):
    /// smallest secure Shamir threshold t against a passive and an active server with
    /// |C| = n − t corrupted clients, by exhaustive verification (a table, not a rate region).
    ThresholdSharing(ThresholdArgs),
    /// A declared model (models/*.toml, `itsa models`) or a declaration file: parameters as
    /// `--NAME VALUE` by spec name or symbol, e.g. `itsa region topological --users 6 --degree 3`.
    #[command(external_subcommand)]
    Declared(Vec<String>),
}

#[derive(Debug, Args)]
pub struct ThresholdArgs {
    /// n: number of clients (3 ≤ n ≤ 8).
    #[arg(long, value_name = "n", required_unless_present = "sweep")]
    pub clients: Option<u32>,
    /// The table for a range of n, both ends included, e.g. clients=3..7.
    #[arg(long, value_name = "clients=A..B", conflicts_with = "clients")]
    pub sweep: Option<String>,
    /// Which protocol's skeleton: tjl (seed 001) or bonawitz (CCS'17).
    #[arg(long, default_value = "tjl", value_parser = ["tjl", "bonawitz"])]
    pub scheme: String,
    /// The field size p (default: the smallest prime > n).
    #[arg(long)]
    pub prime: Option<u64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `itsa region threshold-sharing`: verified threshold tables (src/region/threshold.rs).
fn run_threshold(a: &ThresholdArgs, progress: &Progress) -> Result<Output, RegionError> {
    use itsa::models::threshold_sharing::Protocol;
    use itsa::region::threshold;
    let protocol = Protocol::parse(&a.scheme).unwrap_or(Protocol::Tjl);
    let stdout = match (&a.sweep, a.clients) {
        (Some(s), _) => {
            let spec = SweepSpec::parse(s)?;
            if spec.flag != "clients" {
                return Err(RegionError::Usage(format!(
                    "--sweep: threshold-sharing sweeps over `clients` only, e.g. clients=3..7 (got `{}`)",
                    spec.flag
                )));
            }
            let task = progress.task("tables", Some(spec.to - spec.from + 1));
            let tables = (spec.from..=spec.to)
                .map(|n| {
                    let t = threshold::table(protocol, n as u32, a.prime, progress);
                    task.advance(1);
                    t
                })
                .collect::<Result<Vec<_>, _>>()?;
            drop(task);
            if a.json {
                pretty(&serde_json::json!({ "tables": tables }))
            } else {
                threshold::sweep_text(&tables)
            }
        }
        (None, Some(n)) => {
            let t = threshold::table(protocol, n, a.prime, progress)?;
            if a.json {
                pretty(&serde_json::to_value(&t).unwrap_or_default())
            } else {
                threshold::text(&t)
            }
        }
        (None, None) => {
            return Err(RegionError::Missing {
                flag: "clients",
                meaning: "number of clients",
            })
        }
    };
    Ok(Output { stdout, plot: None })
}

/// Model name, the given `(flag, value)` pairs, and the output options.
type Parts<'a> = (
    &'static str,
    Vec<(&'static str, Option<u64>)>,
    &'a OutputArgs,
);

impl ModelArgs {
    /// Model name, the given `(flag, value)` pairs, and the output options (`None` for the
    /// threshold table, which is not a catalog region).
    fn parts(&self) -> Option<Parts<'_>> {
        Some(match self {
            ModelArgs::ThresholdSharing(_) | ModelArgs::Declared(_) => return None,
            ModelArgs::Dropout {
                users,
                min_survivors,
                colluders,
                out,
            } => (
                "dropout",
                vec![
                    ("users", *users),
                    ("min-survivors", *min_survivors),
                    ("colluders", *colluders),
                ],
                out,
            ),
            ModelArgs::MultiServer {
                servers,
                users_per_server,
                colluders,
                out,
            } => (
                "multi-server",
                vec![
                    ("servers", *servers),
                    ("users-per-server", *users_per_server),
                    ("colluders", *colluders),
                ],
                out,
            ),
            ModelArgs::Hierarchical {
                clients,
                relays_per_client,
                failures,
                alphabet,
                prime,
                out,
            } => (
                "hierarchical",
                vec![
                    ("clients", *clients),
                    ("relays-per-client", *relays_per_client),
                    ("failures", *failures),
                    ("alphabet", *alphabet),
                    ("prime", *prime),
                ],
                out,
            ),
            ModelArgs::HierarchicalCollusion {
                relays,
                users_per_relay,
                colluders,
                out,
            } => (
                "hierarchical-collusion",
                vec![
                    ("relays", *relays),
                    ("users-per-relay", *users_per_relay),
                    ("colluders", *colluders),
                ],
                out,
            ),
            ModelArgs::Decentralized {
                users,
                min_survivors,
                colluders,
                out,
            } => (
                "decentralized",
                vec![
                    ("users", *users),
                    ("min-survivors", *min_survivors),
                    ("colluders", *colluders),
                ],
                out,
            ),
        })
    }
}

/// What `itsa region` prints, and the plot file it wrote.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub plot: Option<PathBuf>,
}

/// `itsa region …`: print the answer, note the plot file written.
pub fn run(ctx: &Context, args: &RegionArgs) -> Result<ExitCode, CliError> {
    let out = compute(args, &ctx.progress)?;
    print(&out.stdout);
    if let Some(path) = out.plot {
        ctx.note(&format!("wrote {}", path.display()));
    }
    Ok(ExitCode::SUCCESS)
}

/// Compute the answer. Errors are bad parameters or usage (exit code 2).
pub fn compute(args: &RegionArgs, progress: &Progress) -> Result<Output, RegionError> {
    if let ModelArgs::ThresholdSharing(a) = &args.model {
        return run_threshold(a, progress);
    }
    if let ModelArgs::Declared(argv) = &args.model {
        return run_declared(argv);
    }
    let Some((name, params, out)) = args.model.parts() else {
        return Err(RegionError::Usage(
            "internal error: not a catalog model".into(),
        ));
    };
    let model: &'static Model = catalog::find(name)?;
    let given: Vec<(&str, u64)> = params
        .iter()
        .filter_map(|&(f, v)| v.map(|v| (f, v)))
        .collect();
    let Some(spec) = &out.sweep else {
        let e = model.evaluate(&given)?;
        let stdout = if out.json {
            pretty(&render::json(&e))
        } else if out.latex {
            render::latex(&e)
        } else {
            render::text(&e)
        };
        return Ok(Output { stdout, plot: None });
    };
    let spec = SweepSpec::parse(spec)?;
    let s = sweep::run(model, &given, &spec)?;
    if let Some(path) = &out.plot {
        std::fs::write(path, s.plot().render())
            .map_err(|e| RegionError::Usage(format!("--plot {}: {e}", path.display())))?;
    }
    let stdout = if out.json {
        pretty(&s.json())
    } else if out.csv {
        s.csv()
    } else {
        s.text()
    };
    Ok(Output {
        stdout,
        plot: out.plot.clone(),
    })
}

/// `itsa region NAME --param value …` for a declared model (shipped, or a path to a `.toml`).
fn run_declared(argv: &[String]) -> Result<Output, RegionError> {
    use itsa::models::declared::{self, region};
    let Some(name) = argv.first() else {
        return Err(RegionError::Usage("missing the model name".into()));
    };
    let decl = if name.ends_with(".toml") {
        let text = std::fs::read_to_string(name)
            .map_err(|e| RegionError::Usage(format!("cannot read {name}: {e}")))?;
        declared::Declaration::parse_file_text(&text, name)
    } else {
        match declared::shipped(name) {
            Some(d) => d,
            None => {
                return Err(RegionError::Usage(format!(
                    "unknown model `{name}`; models with a region: {}",
                    catalog::MODELS
                        .iter()
                        .map(|m| m.name)
                        .chain(["threshold-sharing"])
                        .chain(declared::SHIPPED.iter().map(|(n, _)| *n))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
    .map_err(|e| RegionError::Usage(e.to_string()))?;
    let (mut json, mut latex) = (false, false);
    let mut given: Vec<(String, i64)> = Vec::new();
    let mut rest = argv[1..].iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--json" => json = true,
            "--latex" => latex = true,
            "--sweep" | "--csv" | "--plot" => {
                return Err(RegionError::Usage(format!(
                    "{a} is not available for declared models yet; evaluate one point at a time"
                )))
            }
            _ => {
                let Some(flag) = a.strip_prefix("--") else {
                    return Err(RegionError::Usage(format!(
                        "unexpected argument `{a}`; parameters are given as --NAME VALUE"
                    )));
                };
                let (flag, value) = match flag.split_once('=') {
                    Some((f, v)) => (f.to_string(), v.to_string()),
                    None => match rest.next() {
                        Some(v) => (flag.to_string(), v.clone()),
                        None => return Err(RegionError::Usage(format!("--{flag} needs a value"))),
                    },
                };
                let v: i64 = value.trim().parse().map_err(|_| {
                    RegionError::Usage(format!("--{flag}: `{value}` is not an integer"))
                })?;
                given.push((flag, v));
            }
        }
    }
    if json && latex {
        return Err(RegionError::Usage(
            "--json and --latex cannot be used together".into(),
        ));
    }
    let values = region::values_at(&decl, &given)?.values;
    let r = region::region_at(&decl, &given)?;
    let reference = decl
        .region
        .as_ref()
        .map(|r| r.reference.clone())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| decl.source.clone());
    let params: Vec<catalog::Param> = decl
        .params
        .iter()
        .map(|p| catalog::Param {
            flag: p.spec_name.clone().leak(),
            symbol: p.symbol.clone().leak(),
            meaning: p.meaning.clone().leak(),
            required: p.default.is_none(),
        })
        .collect();
    let source = itsa::region::Source {
        paper: reference.leak(),
        in_seeds: false,
        origin: "declared model",
        section: format!("models/{}.toml", decl.name).leak(),
        status: "as declared (exact formulas evaluated by itsa)",
    };
    let model = catalog::declared_entry(&decl.name, &decl.description, source, params);
    let e = catalog::Evaluation {
        model,
        values: values
            .iter()
            .map(|(_, _, v)| u64::try_from(*v).ok())
            .collect(),
        region: r,
    };
    let stdout = if json {
        pretty(&render::json(&e))
    } else if latex {
        render::latex(&e)
    } else {
        render::text(&e)
    };
    Ok(Output { stdout, plot: None })
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(&itsa::versioned(v.clone())).unwrap_or_default() + "\n"
}
