//! `itsa` command line: a thin shell over the library. Exit codes: 0 verified (or, for
//! `itsa region`, computed — "infeasible" included), 1 violated, 2 bad input or usage.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
    /// Re-verify a collection of specs and compare each with its [expect] table (for CI).
    Test {
        /// Spec files or directories (searched recursively for *.toml).
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
}

#[derive(clap::Args)]
struct ConstructCommon {
    /// The field size p (default: the smallest prime the construction allows).
    #[arg(long)]
    prime: Option<u64>,
    /// Write the scheme as a spec to FILE (.toml) instead of printing the report.
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
    let (spec, common) = match model {
        ConstructModel::Dropout {
            users,
            min_survivors,
            colluders,
            common,
        } => (
            itsa::models::dropout::construct_spec(users, min_survivors, colluders, common.prime),
            common,
        ),
    };
    if let Some(out) = &common.output {
        if out.extension().is_none_or(|e| e != "toml") {
            eprintln!("error: --output: write the spec to a .toml file (JSON specs are not supported yet)");
            return ExitCode::from(2);
        }
    }
    if common.no_verify {
        let written = spec.map_err(|e| e.to_string()).and_then(|text| {
            let out = common
                .output
                .as_ref()
                .expect("clap: --no-verify requires -o");
            std::fs::write(out, text)
                .map(|_| out.clone())
                .map_err(|e| format!("cannot write {}: {e}", out.display()))
        });
        return match written {
            Ok(out) => {
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
        progress: !common.json,
    };
    let built = spec.and_then(|s| itsa::construct::deterministic(s, &opts));
    let c = match built {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let ok =
        c.report.verdict == Verdict::Verified && !c.report.rates.as_ref().is_some_and(|r| r.alarm);
    match &common.output {
        Some(out) => {
            if let Err(e) = std::fs::write(out, &c.spec) {
                eprintln!("error: cannot write {}: {e}", out.display());
                return ExitCode::from(2);
            }
            let verdict = if ok { "verified" } else { "VIOLATED" };
            println!(
                "wrote {} ({verdict}: {} checks, {} failed)",
                out.display(),
                c.report.checks,
                c.report.failures
            );
        }
        None if common.json => println!(
            "{}",
            serde_json::to_string_pretty(&c.report).expect("report serialises")
        ),
        None => print!("{}", verify::render_text(&c.report)),
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
                    eprintln!("error: no *.toml specs found under the given paths");
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
        } => {
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
