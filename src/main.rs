//! `itsa` command line: a thin shell over the library. Exit codes: 0 verified (or, for
//! `itsa region`, computed — "infeasible" included), 1 violated, 2 bad input or usage.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use itsa::construct::ConstructError;
use itsa::region::cli::RegionArgs;
use itsa::scheme::SpecError;
use itsa::verify::{self, Options, Verdict};

/// Above this many checks a run needs --force (checks are materialised: ~200 bytes each).
const CHECK_LIMIT: u128 = 5_000_000;

#[derive(Parser)]
#[command(
    name = "itsa",
    version,
    about = "Information-theoretic secure aggregation: exact verification of linear schemes over F_p"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a scheme spec exhaustively: every dropout / failure / collusion set of its model.
    Verify {
        /// The spec file (TOML), e.g. specs/zhao-sun-example1.toml
        spec: PathBuf,
        /// Print one JSON object instead of the human report.
        #[arg(long)]
        json: bool,
        /// Print decoding coefficients of passing correctness checks.
        #[arg(long)]
        show_decoders: bool,
        /// Failures printed with witnesses, per condition family.
        #[arg(long, default_value_t = 5, value_name = "N")]
        max_failures: usize,
        /// Decoders printed per family with --show-decoders.
        #[arg(long, default_value_t = 100, value_name = "N")]
        max_decoders: usize,
        /// Run even when the number of checks exceeds the safety limit.
        #[arg(long)]
        force: bool,
        /// The safety limit: refuse runs with more checks than this unless --force.
        #[arg(long, default_value_t = CHECK_LIMIT, value_name = "N")]
        max_checks: u128,
        /// Verify only part i of n (e.g. 2/4) and print a shard report (JSON) for `itsa merge`.
        #[arg(long, value_name = "i/n")]
        shard: Option<verify::Part>,
        /// Memory budget, e.g. 8G or 500M (default: 3/4 of the machine's RAM). A run estimated
        /// not to fit is refused before it starts; fewer worker threads are used if that fits.
        #[arg(long, value_name = "SIZE")]
        memory: Option<String>,
    },
    /// Write a spec's rows and check list as JSON (for the Python baselines in bench/baselines/).
    Export {
        /// The spec file (TOML).
        spec: PathBuf,
        /// JSON is the only format (the flag is accepted for clarity).
        #[arg(long)]
        json: bool,
    },
    /// Combine the shard reports of `itsa verify --shard i/n` (all n parts) into the full report.
    Merge {
        /// Shard reports (JSON files), one per part, in any order.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// The spec (default: the path recorded in the shard reports).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Print one JSON object instead of the human report.
        #[arg(long)]
        json: bool,
        /// Print decoding coefficients of passing correctness checks.
        #[arg(long)]
        show_decoders: bool,
        /// Failures printed with witnesses, per condition family.
        #[arg(long, default_value_t = 5, value_name = "N")]
        max_failures: usize,
        /// Decoders printed per family with --show-decoders.
        #[arg(long, default_value_t = 100, value_name = "N")]
        max_decoders: usize,
    },
    /// Optimal rate region of a model at given parameters, exactly (see docs/regions.md).
    Region(RegionArgs),
    /// Build a paper's optimal scheme for given parameters, verify it, and print or write it.
    Construct {
        #[command(subcommand)]
        model: ConstructModel,
    },
    /// Shannon-type LP lower bound on a rate, with an exactly verified certificate (docs/bounds.md).
    #[cfg(feature = "bound")]
    Bound(itsa::bound::cli::BoundArgs),
    /// Real-valued NS-LCC under profiled workers (seed 002): MIS bound, Byzantine error
    /// localization, index assignment (floating point; see docs/coded-computing.md).
    Lcc(itsa::coded::cli::LccArgs),
    /// Re-verify a collection of specs and compare each with its [expect] table (for CI).
    Test {
        /// Spec files or directories (searched recursively for *.toml and *.json).
        #[arg(default_value = "specs")]
        paths: Vec<PathBuf>,
        /// Print one JSON object instead of one line per spec.
        #[arg(long)]
        json: bool,
        /// Also write the results as JUnit XML to this file.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ConstructModel {
    /// Zhao–Sun Cauchy construction (models.md §2.5.3); needs U > T and a prime p ≥ K + U.
    Dropout {
        /// K: number of users.
        #[arg(long, value_name = "K")]
        users: u32,
        /// U: minimum number of users responding in each round.
        #[arg(long, value_name = "U")]
        min_survivors: u32,
        /// T: maximum number of colluding users.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        common: ConstructCommon,
    },
    /// Multi-server zero-sum key construction (models.md §3.3): random keys of dimension
    /// min{U+V+T−2, UV−1}, re-drawn (each draw verified) until one passes.
    MultiServer {
        /// U: number of servers.
        #[arg(long, value_name = "U")]
        servers: u32,
        /// V: users per server.
        #[arg(long, value_name = "V")]
        users_per_server: u32,
        /// T: maximum number of users colluding with a server.
        #[arg(long, value_name = "T")]
        colluders: u32,
        #[command(flatten)]
        random: RandomDraw,
        #[command(flatten)]
        common: ConstructCommon,
    },
    /// Weng et al. hierarchical scheme: polynomial ComEffGC with random zero-sum keys for
    /// 0 ≤ s < d ≤ K−1 (models.md §4.4), or the independent-key variant for d = K (§4.5).
    Hierarchical {
        /// K: number of clients (and of relays).
        #[arg(long, value_name = "K")]
        clients: u32,
        /// d: relays per client.
        #[arg(long, value_name = "d")]
        relays_per_client: u32,
        /// s: relay failures tolerated.
        #[arg(long, value_name = "s")]
        failures: u32,
        #[command(flatten)]
        random: RandomDraw,
        #[command(flatten)]
        common: ConstructCommon,
    },
    /// Threshold key-sharing skeleton (models.md §5.6): threshold Joye–Libert or Bonawitz et al.
    ThresholdSharing {
        /// n: number of clients.
        #[arg(long, value_name = "n")]
        clients: u32,
        /// t: Shamir threshold (shares needed to reconstruct).
        #[arg(long, value_name = "t")]
        threshold: u32,
        /// |C|: corrupted clients colluding with the server [default: n − t, the paper's convention].
        #[arg(long, value_name = "C")]
        corrupted: Option<u32>,
        /// Which protocol's skeleton: tjl (seed 001) or bonawitz (CCS'17).
        #[arg(long, default_value = "tjl", value_parser = ["tjl", "bonawitz"])]
        scheme: String,
        /// m: input dimension (symbols per input).
        #[arg(long, value_name = "m", default_value_t = 1)]
        input_length: usize,
        #[command(flatten)]
        common: ConstructCommon,
    },
}

#[derive(clap::Args)]
struct RandomDraw {
    /// Seed of the first random draw (draw i uses seed + i).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Draws tried before giving up (each is verified exhaustively).
    #[arg(long, default_value_t = 10, value_name = "N")]
    attempts: u32,
    /// Use this key dimension instead of the optimal one: one draw (--seed), reported as it
    /// is. Below the optimum it must violate security — a computational check of the converse.
    #[arg(long, value_name = "N")]
    key_dim: Option<u32>,
}

/// One random draw of a construction at a key dimension.
type Draw<'a> = Box<dyn Fn(u32, &mut itsa::construct::SplitMix64) -> String + 'a>;

/// What a construct command builds: a fixed spec, or one drawn at random from seeds.
enum Recipe<'a> {
    Fixed(String),
    Random {
        random: &'a RandomDraw,
        optimal_dim: u32,
        make: Draw<'a>,
    },
}

impl Recipe<'_> {
    /// The key dimension of a random recipe: --key-dim, or the optimal one.
    fn key_dim(random: &RandomDraw, optimal: u32) -> Result<u32, ConstructError> {
        match random.key_dim {
            Some(0) => Err(ConstructError::Parameter(
                "--key-dim: at least one key symbol (0 would be no key at all)".into(),
            )),
            Some(dim) => Ok(dim),
            None => Ok(optimal),
        }
    }

    /// The spec text without verifying it (--no-verify): for a random recipe, the draw at --seed.
    fn unverified(&self) -> Result<String, ConstructError> {
        match self {
            Recipe::Fixed(spec) => Ok(spec.clone()),
            Recipe::Random {
                random,
                optimal_dim,
                make,
            } => {
                let dim = Self::key_dim(random, *optimal_dim)?;
                Ok(make(dim, &mut itsa::construct::SplitMix64(random.seed)))
            }
        }
    }

    /// Build and verify: the optimal random construction is re-drawn until a draw verifies;
    /// with --key-dim one draw is made and reported as it is.
    fn build(&self, opts: &Options) -> Result<itsa::construct::Construction, ConstructError> {
        match self {
            Recipe::Fixed(spec) => itsa::construct::deterministic(spec.clone(), opts),
            Recipe::Random {
                random,
                optimal_dim,
                make,
            } => {
                let dim = Self::key_dim(random, *optimal_dim)?;
                if random.key_dim.is_some() {
                    let mut c = itsa::construct::deterministic(self.unverified()?, opts)?;
                    c.seed = Some(random.seed);
                    Ok(c)
                } else {
                    itsa::construct::first_verified(random.seed, random.attempts, opts, |rng| {
                        make(dim, rng)
                    })
                }
            }
        }
    }
}

#[derive(clap::Args)]
struct ConstructCommon {
    /// The field size p (default: the smallest prime the construction allows).
    #[arg(long)]
    prime: Option<u64>,
    /// Write the scheme as a spec to FILE (.toml or .json) instead of printing the report.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the verification report as JSON.
    #[arg(long)]
    json: bool,
    /// Only write the spec (needs -o), without verifying it: for benchmark instances too
    /// large to verify twice. Verify it afterwards with `itsa verify FILE`.
    #[arg(long, requires = "output")]
    no_verify: bool,
}

fn construct(model: ConstructModel) -> ExitCode {
    use itsa::models::{hierarchical, multi_server};
    let (recipe, common) = match &model {
        ConstructModel::Dropout {
            users,
            min_survivors,
            colluders,
            common,
        } => (
            itsa::models::dropout::construct_spec(*users, *min_survivors, *colluders, common.prime)
                .map(Recipe::Fixed),
            common,
        ),
        ConstructModel::MultiServer {
            servers,
            users_per_server,
            colluders,
            random,
            common,
        } => {
            let (u, v, t) = (*servers, *users_per_server, *colluders);
            (
                multi_server::construct_params(u, v, t, common.prime).map(|p| Recipe::Random {
                    random,
                    optimal_dim: multi_server::optimal_key_dim(u, v, t),
                    make: Box::new(move |dim, rng| {
                        multi_server::construct_draw(u, v, t, p, dim, rng)
                    }),
                }),
                common,
            )
        }
        ConstructModel::Hierarchical {
            clients,
            relays_per_client,
            failures,
            random,
            common,
        } => {
            let (k, d, s) = (*clients, *relays_per_client, *failures);
            (
                hierarchical::construct_params(k, d, s, common.prime).map(|p| {
                    if d == k {
                        Recipe::Fixed(hierarchical::construct_full_spec(k, s, p))
                    } else {
                        Recipe::Random {
                            random,
                            optimal_dim: d.max(k - d),
                            make: Box::new(move |dim, rng| {
                                hierarchical::construct_draw(k, d, s, p, dim, rng)
                            }),
                        }
                    }
                }),
                common,
            )
        }
        ConstructModel::ThresholdSharing {
            clients,
            threshold,
            corrupted,
            scheme,
            input_length,
            common,
        } => {
            use itsa::models::threshold_sharing::{construct_spec, Protocol};
            let protocol = Protocol::parse(scheme).unwrap_or(Protocol::Tjl);
            let c = corrupted.unwrap_or(clients.saturating_sub(*threshold));
            (
                construct_spec(
                    protocol,
                    *clients,
                    *threshold,
                    c,
                    *input_length,
                    common.prime,
                )
                .map(Recipe::Fixed),
                common,
            )
        }
    };
    let json_spec = match common
        .output
        .as_ref()
        .map(|o| o.extension().and_then(|e| e.to_str()))
    {
        None | Some(Some("toml")) => false,
        Some(Some("json")) => true,
        Some(_) => {
            eprintln!("error: --output: write the spec to a .toml or .json file");
            return ExitCode::from(2);
        }
    };
    let to_file = |spec: &str| -> Result<String, String> {
        if json_spec {
            itsa::scheme::toml_spec_to_json(spec).map_err(|e| e.to_string())
        } else {
            Ok(spec.to_string())
        }
    };
    if common.no_verify {
        let out = common
            .output
            .as_ref()
            .expect("clap: --no-verify requires -o");
        let written = recipe
            .and_then(|r| r.unverified())
            .map_err(|e| e.to_string())
            .and_then(|spec| to_file(&spec))
            .and_then(|text| {
                std::fs::write(out, text)
                    .map_err(|e| format!("cannot write {}: {e}", out.display()))
            });
        return match written {
            Ok(()) => {
                println!("wrote {} (not verified)", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let opts = Options {
        max_failures: 5,
        max_decoders: 0,
        progress: !common.json && common.output.is_none(),
    };
    let built = recipe.and_then(|r| r.build(&opts));
    let c = match built {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let ok =
        c.report.verdict == Verdict::Verified && !c.report.rates.as_ref().is_some_and(|r| r.alarm);
    let drawn = c.seed.map(|seed| {
        if c.report.verdict == Verdict::Verified {
            format!(
                "random draw: seed {seed}, accepted at attempt {}",
                c.attempts
            )
        } else {
            format!("random draw: seed {seed} (one draw at --key-dim, not re-drawn)")
        }
    });
    match &common.output {
        Some(out) => {
            let text = match to_file(&c.spec) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if let Err(e) = std::fs::write(out, text) {
                eprintln!("error: cannot write {}: {e}", out.display());
                return ExitCode::from(2);
            }
            let verdict = if ok { "verified" } else { "VIOLATED" };
            println!(
                "wrote {} ({verdict}: {} checks, {} failed{})",
                out.display(),
                c.report.checks,
                c.report.failures,
                drawn.map(|d| format!("; {d}")).unwrap_or_default()
            );
        }
        None if common.json => {
            let mut v = serde_json::to_value(&c.report).expect("report serialises");
            if let (Some(obj), Some(seed)) = (v.as_object_mut(), c.seed) {
                obj.insert(
                    "construction".into(),
                    serde_json::json!({ "seed": seed, "attempts": c.attempts }),
                );
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&v).expect("report serialises")
            );
        }
        None => {
            if let Some(d) = drawn {
                println!("{d}");
            }
            print!("{}", verify::render_text(&c.report));
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `itsa verify --shard i/n`: evaluate one part, print its shard report (JSON).
fn verify_shard(
    spec: &std::path::Path,
    scheme: &itsa::scheme::Scheme,
    model: &itsa::models::Model,
    part: verify::Part,
    progress: bool,
) -> ExitCode {
    let text = match std::fs::read_to_string(spec) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", spec.display());
            return ExitCode::from(2);
        }
    };
    let start = std::time::Instant::now();
    let plan = model.plan(scheme);
    let outcomes = verify::evaluate_part(verify::Space::of(scheme), &plan, part, progress);
    let report = verify::shard::ShardReport::new(
        spec.display().to_string(),
        &text,
        part,
        plan.num_checks(),
        &outcomes,
        start.elapsed().as_secs_f64(),
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&report).expect("shard report serialises")
    );
    if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `itsa merge`: the full report from all shard reports; same output and exit codes as verify.
fn merge(paths: &[PathBuf], spec: Option<PathBuf>, json: bool, opts: &Options) -> ExitCode {
    let mut shards = Vec::new();
    for p in paths {
        let parsed = std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<verify::shard::ShardReport>(&t).map_err(|e| e.to_string())
            });
        match parsed {
            Ok(s) => shards.push(s),
            Err(e) => {
                eprintln!("error: {}: not a shard report: {e}", p.display());
                return ExitCode::from(2);
            }
        }
    }
    let outcomes = match verify::shard::merge(&shards) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let spec = spec.unwrap_or_else(|| PathBuf::from(&shards[0].spec));
    let hash_ok = std::fs::read_to_string(&spec)
        .is_ok_and(|t| verify::shard::spec_hash(&t) == shards[0].spec_hash);
    if !hash_ok {
        eprintln!(
            "error: {} is not the spec the shards were computed from (missing or changed); pass --spec",
            spec.display()
        );
        return ExitCode::from(2);
    }
    let (scheme, model) = match itsa::load(&spec) {
        Ok(v) => v,
        Err(e) => {
            print_spec_error(&e);
            return ExitCode::from(2);
        }
    };
    let mut report = match itsa::report_from_outcomes(&scheme, &model, opts, outcomes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    report.elapsed_seconds += shards.iter().map(|s| s.elapsed_seconds).sum::<f64>();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serialises")
        );
    } else {
        print!("{}", verify::render_text(&report));
    }
    let alarm = report.rates.as_ref().is_some_and(|r| r.alarm);
    match report.verdict {
        Verdict::Verified if !alarm => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

fn print_spec_error(e: &SpecError) {
    eprintln!("error: {e}");
    if let SpecError::At {
        line,
        col,
        source_line,
        ..
    } = e
    {
        let gutter = line.to_string();
        eprintln!("{:w$} |", "", w = gutter.len());
        eprintln!("{gutter} | {source_line}");
        let pad: String = source_line
            .chars()
            .take(col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        eprintln!("{:w$} | {pad}^", "", w = gutter.len());
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Region(args) => match itsa::region::cli::run(&args) {
            Ok(out) => {
                // A closed pipe (`| head`) is not an error worth a panic.
                let _ = std::io::stdout().write_all(out.stdout.as_bytes());
                if let Some(path) = out.plot {
                    eprintln!("wrote {}", path.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Construct { model } => construct(model),
        #[cfg(feature = "bound")]
        Command::Bound(args) => match itsa::bound::cli::run(&args) {
            Ok((text, report)) => {
                let _ = std::io::stdout().write_all(text.as_bytes());
                if report.status == itsa::bound::Status::Proved {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Lcc(args) => match itsa::coded::cli::run(&args) {
            Ok(out) => {
                let _ = std::io::stdout().write_all(out.stdout.as_bytes());
                if let Some(path) = out.plot {
                    eprintln!("wrote {}", path.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::Export { spec, json: _ } => match itsa::load(&spec) {
            Ok((scheme, model)) => {
                let plan = model.plan(&scheme);
                let v = verify::export::plan_json(verify::Space::of(&scheme), &plan);
                println!("{v}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_spec_error(&e);
                ExitCode::from(2)
            }
        },
        Command::Merge {
            shards,
            spec,
            json,
            show_decoders,
            max_failures,
            max_decoders,
        } => {
            let opts = Options {
                max_failures,
                max_decoders: if show_decoders { max_decoders } else { 0 },
                progress: false,
            };
            merge(&shards, spec, json, &opts)
        }
        Command::Test { paths, json, junit } => {
            let files = match itsa::suite::collect(&paths) {
                Ok(f) if f.is_empty() => {
                    eprintln!("error: no *.toml or *.json specs found under the given paths");
                    return ExitCode::from(2);
                }
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let report = itsa::suite::run(&files);
            if let Some(path) = junit {
                if let Err(e) = std::fs::write(&path, itsa::suite::junit::render(&report)) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("report serialises")
                );
            } else {
                print!("{}", itsa::suite::render_text(&report));
            }
            if report.failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Verify {
            spec,
            json,
            show_decoders,
            max_failures,
            max_decoders,
            force,
            max_checks,
            shard,
            memory,
        } => {
            let budget = match memory.as_deref().map(verify::memory::parse_size) {
                None => verify::memory::default_budget(),
                Some(Ok(b)) => b,
                Some(Err(e)) => {
                    eprintln!("error: --memory: {e}");
                    return ExitCode::from(2);
                }
            };
            let (scheme, model) = match itsa::load(&spec) {
                Ok(v) => v,
                Err(e) => {
                    print_spec_error(&e);
                    return ExitCode::from(2);
                }
            };
            let count = model.count_checks();
            if count > max_checks && !force {
                eprintln!(
                    "error: {}: this model instance has {count} checks (limit {max_checks}, --max-checks); pass --force to run it anyway",
                    spec.display()
                );
                return ExitCode::from(2);
            }
            // A shard still builds the whole plan: the estimate counts every check.
            match verify::memory::fit(&scheme, count, budget) {
                Ok(w) if w < verify::memory::threads() => {
                    eprintln!(
                        "{}: {w} worker thread(s) fit the memory budget",
                        spec.display()
                    )
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!("error: {}: {e}", spec.display());
                    return ExitCode::from(2);
                }
            }
            if count > 20_000 && !json {
                eprintln!(
                    "{}: {count} checks{}; the progress bar shows the rate and the time left",
                    spec.display(),
                    shard.map_or(String::new(), |p| format!(", part {}/{}", p.index, p.count))
                );
            }
            if let Some(part) = shard {
                return verify_shard(&spec, &scheme, &model, part, !json);
            }
            let opts = Options {
                max_failures,
                max_decoders: if show_decoders { max_decoders } else { 0 },
                progress: !json,
            };
            let report = itsa::verify_scheme(&scheme, &model, &opts);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("report serialises")
                );
            } else {
                print!("{}", verify::render_text(&report));
            }
            let alarm = report.rates.as_ref().is_some_and(|r| r.alarm);
            if alarm {
                eprintln!("ALARM: {}: achieved rates contradict the model's converse (see the rates section)", spec.display());
            }
            match report.verdict {
                Verdict::Verified if !alarm => ExitCode::SUCCESS,
                _ => ExitCode::from(1),
            }
        }
    }
}
