//! `itsa` command line: a thin shell over the library. `main` calls [`run`] and is the one
//! place that prints errors. Exit codes: 0 verified / computed / proved, 1 violated / not
//! provable, 2 bad input or usage. The argument types and the per-command glue live in
//! src/cli/ (clap, indicatif and the terminal stay in the binary).

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cli::args::{Global, ReportArgs};
use cli::CliError;

#[derive(Parser)]
#[command(
    name = "itsa",
    version = cli::VERSION,
    about = "Information-theoretic secure aggregation: exact verification of linear schemes over F_p",
    after_help = "Exit codes: 0 verified / computed / proved, 1 violated / not provable, 2 bad input or usage.\nDocumentation: docs/cli.md (docs/ of the itsa repository)."
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verify a scheme spec exhaustively: every dropout / failure / collusion set of its model.
    Verify {
        /// The spec file (TOML or JSON), e.g. specs/zhao-sun-example1.toml; `-` reads standard input.
        spec: PathBuf,
        #[command(flatten)]
        report: ReportArgs,
        /// Print the failures and decoders as LaTeX equations (amsmath) instead of the text report.
        #[arg(long, conflicts_with = "json")]
        latex: bool,
        /// Verify only part i of n (e.g. 2/4) and print a shard report (JSON) for `itsa merge`.
        #[arg(long, value_name = "i/n")]
        shard: Option<itsa::verify::Part>,
        /// Override a parameter (repeatable), e.g. --set colluders=2 or --set T=U-1. A flat
        /// spec keeps its scheme and changes the model's parameter; a parametric spec is
        /// instantiated at the new value.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Memory budget, e.g. 8G or 500M (default: 3/4 of the machine's RAM). A run estimated
        /// not to fit is refused before it starts; fewer worker threads are used if that fits.
        #[arg(long, value_name = "SIZE")]
        memory: Option<String>,
        /// Verify a parametric spec at every point of a grid, e.g. 'K=3..8, U=1..K-1, T=0..U-1'.
        #[arg(long, value_name = "GRID", conflicts_with = "shard")]
        grid: Option<String>,
    },
    /// Print a parametric spec instantiated at its parameters (--set) as a flat spec.
    Expand {
        /// The parametric spec (TOML); `-` reads standard input.
        spec: PathBuf,
        /// Set a parameter, e.g. --set K=5 (repeatable; values are formulas).
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Write the flat spec to FILE instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// List the models: compiled ones and the shipped declarations (models/*.toml).
    Models,
    /// Write a spec's rows and check list (with column labels) for other tools; see docs/cli.md.
    Export {
        /// The spec file (TOML or JSON); `-` reads standard input.
        spec: PathBuf,
        /// Print the rows and checks as JSON (without it: a summary of what would be exported).
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
        #[command(flatten)]
        report: ReportArgs,
        /// Passing checks to re-evaluate (a random sample), or `all`; every failure a shard
        /// reports is always re-evaluated.
        #[arg(long, default_value_t = itsa::verify::shard::AuditLevel::Sample(itsa::verify::shard::DEFAULT_AUDIT), value_name = "N|all")]
        audit: itsa::verify::shard::AuditLevel,
        /// Seed of the audit sample (default: a fresh one, printed with the report).
        #[arg(long, value_name = "S")]
        audit_seed: Option<u64>,
    },
    /// Optimal rate region of a model at given parameters, exactly (see docs/regions.md).
    Region(cli::region::RegionArgs),
    /// Build a paper's optimal scheme for given parameters, verify it, and print or write it.
    Construct {
        #[command(subcommand)]
        model: cli::construct::ConstructModel,
    },
    /// Shannon-type LP lower bound on a rate, with an exactly verified certificate (docs/bounds.md).
    #[cfg(feature = "bound")]
    Bound(cli::bound::BoundArgs),
    /// Real-valued NS-LCC under profiled workers (seed 002): MIS bound, Byzantine error
    /// localization, index assignment (floating point; see docs/coded-computing.md).
    Lcc(cli::lcc::LccArgs),
    /// Re-verify a collection of specs and compare each with its [expect] table (for CI).
    Test {
        /// Spec files or directories (searched recursively for *.toml and *.json); `-` reads
        /// one spec from standard input.
        #[arg(default_value = "specs")]
        paths: Vec<PathBuf>,
        /// Print one JSON object instead of one line per spec.
        #[arg(long)]
        json: bool,
        /// Also write the results as JUnit XML to this file.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Override a parameter in every spec (repeatable), e.g. --set colluders=2.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
    },
    /// Print a shell completion script (e.g. `itsa completions bash > ~/.local/share/bash-completion/completions/itsa`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) generated from these definitions (`itsa man | man -l -`).
    Man,
}

/// Parse the command line and run the command: the exit code, or the error to print.
fn run() -> Result<ExitCode, CliError> {
    let parsed = Cli::parse();
    let ctx = cli::Context::new(&parsed.global);
    match parsed.command {
        Command::Verify {
            spec,
            report,
            shard: _,
            set,
            memory: _,
            grid: Some(g),
            ..
        } => {
            let b = itsa::budget::get();
            cli::param::verify_grid(
                &ctx,
                &spec,
                &set,
                &g,
                &report,
                if b.force { u128::MAX } else { b.checks },
            )
        }
        Command::Verify {
            spec,
            report,
            latex,
            shard,
            set,
            memory,
            grid: None,
        } => cli::verify::verify(
            &ctx,
            &spec,
            &report,
            cli::verify::Limits {
                shard,
                latex,
                set,
                memory,
            },
        ),
        Command::Expand { spec, set, output } => {
            cli::param::expand(&ctx, &spec, &set, output.as_deref())
        }
        Command::Export { spec, json } => cli::verify::export(&ctx, &spec, json),
        Command::Merge {
            shards,
            spec,
            report,
            audit,
            audit_seed,
        } => cli::verify::merge(&ctx, &shards, spec, &report, audit, audit_seed),
        Command::Region(args) => cli::region::run(&ctx, &args),
        Command::Construct { model } => cli::construct::run(&ctx, model),
        #[cfg(feature = "bound")]
        Command::Bound(args) => cli::bound::run(&ctx, &args),
        Command::Lcc(args) => cli::lcc::run_command(&ctx, &args),
        Command::Test {
            paths,
            json,
            junit,
            set,
        } => cli::suite::run(
            &ctx,
            &paths,
            json,
            junit.as_deref(),
            &itsa::LoadOptions {
                set,
                force: itsa::budget::get().force,
            },
        ),
        Command::Models => {
            cli::print(&itsa::models::list_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            cli::docs::completions::<Cli>(shell);
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => cli::docs::man::<Cli>(),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            e.print();
            e.exit_code()
        }
    }
}
