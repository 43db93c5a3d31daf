//! `itsa verify`, `itsa verify --shard`, `itsa merge` and `itsa export`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use itsa::verify::{self, Part, Report, Verdict};

use super::args::ReportArgs;
use super::{print, print_json, CliError, Context};

/// Above this many checks a run needs --force (checks are materialised: ~200 bytes each).
pub const CHECK_LIMIT: u128 = 5_000_000;

/// The verify flags that are not about the report's form.
pub struct Limits {
    pub force: bool,
    pub max_checks: u128,
    pub shard: Option<Part>,
    /// `--set NAME=VALUE` parameter overrides.
    pub set: Vec<String>,
    /// `--memory SIZE` (default: a share of the machine's RAM).
    pub memory: Option<String>,
}

/// Exit code of a report: 0 verified with consistent rates, else 1.
fn report_code(report: &Report) -> ExitCode {
    let alarm = report.rates.as_ref().is_some_and(|r| r.alarm);
    super::code(report.verdict == Verdict::Verified && !alarm)
}

fn print_report(report: &Report, args: &ReportArgs) -> Result<(), CliError> {
    if args.json {
        print_json(report)
    } else {
        print(&verify::render_text(report));
        Ok(())
    }
}

pub fn verify(
    ctx: &Context,
    spec: &Path,
    args: &ReportArgs,
    limits: Limits,
) -> Result<ExitCode, CliError> {
    let budget = match limits.memory.as_deref() {
        None => verify::memory::default_budget(),
        Some(m) => {
            verify::memory::parse_size(m).map_err(|e| CliError::msg(format!("--memory: {e}")))?
        }
    };
    let (text, shown) = super::read_input(spec)?;
    let load = itsa::LoadOptions {
        set: limits.set.clone(),
        force: limits.force,
    };
    // A parametric spec: instantiated at the --set values; its random matrices (with their
    // seeds) are printed with the report.
    let mut notes = Vec::new();
    let (scheme, model, overridden) = if itsa::param::is_parametric(&text) {
        let over = itsa::param::parse_sets(&text, &shown, &limits.set)?;
        let inst = itsa::param::instantiate(&text, &shown, &over)?;
        notes = inst.notes;
        (inst.scheme, inst.model, limits.set.clone())
    } else if spec.as_os_str() == "-" {
        itsa::load_str_with(&text, &shown, &load)?
    } else {
        itsa::load_with(spec, &load)?
    };
    let count = model.count_checks();
    if count > limits.max_checks && !limits.force {
        return Err(CliError::msg(format!(
            "{shown}: this model instance has {count} checks (limit {}, --max-checks); pass --force to run it anyway",
            limits.max_checks
        )));
    }
    // A shard still builds the whole plan: the estimate counts every check.
    let workers = verify::memory::fit(&scheme, count, budget)
        .map_err(|e| CliError::msg(format!("{shown}: {e}")))?;
    if workers < verify::memory::threads() {
        ctx.note(&format!(
            "{shown}: {workers} worker thread(s) fit the memory budget"
        ));
    }
    if count > 20_000 && !args.json {
        ctx.tty_note(&format!(
            "{shown}: {count} checks{}; the progress bar shows the rate and the time left",
            limits
                .shard
                .map_or(String::new(), |p| format!(", part {}/{}", p.index, p.count))
        ));
    }
    if let Some(part) = limits.shard {
        return shard(ctx, &shown, &text, &scheme, &model, part);
    }
    let mut report = itsa::verify_scheme(&scheme, &model, &args.options(ctx.progress.clone()));
    report.header.overridden = overridden;
    if notes.is_empty() {
        print_report(&report, args)?;
    } else if args.json {
        let mut v = serde_json::to_value(&report)
            .map_err(|e| CliError::msg(format!("internal error: cannot serialise: {e}")))?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("matrices".into(), serde_json::json!(notes));
        }
        print_json(v)?;
    } else {
        print(&format!("{}\n", notes.join("\n")));
        print_report(&report, args)?;
    }
    if report.rates.as_ref().is_some_and(|r| r.alarm) {
        ctx.note(&format!(
            "ALARM: {shown}: achieved rates contradict the model's converse (see the rates section)"
        ));
    }
    Ok(report_code(&report))
}

/// `itsa verify --shard i/n`: evaluate one part, print its shard report (JSON).
fn shard(
    ctx: &Context,
    shown: &str,
    text: &str,
    scheme: &itsa::scheme::Scheme,
    model: &itsa::models::Model,
    part: Part,
) -> Result<ExitCode, CliError> {
    let start = std::time::Instant::now();
    let plan = model.plan(scheme);
    let outcomes = verify::evaluate_part(verify::Space::of(scheme), &plan, part, &ctx.progress);
    let report = verify::shard::ShardReport::new(
        shown.to_string(),
        text,
        part,
        plan.num_checks(),
        &outcomes,
        start.elapsed().as_secs_f64(),
    );
    print_json(&report)?;
    Ok(super::code(report.failed.is_empty()))
}

/// `itsa merge`: the full report from all shard reports; same output and exit codes as verify.
pub fn merge(
    ctx: &Context,
    paths: &[PathBuf],
    spec: Option<PathBuf>,
    args: &ReportArgs,
) -> Result<ExitCode, CliError> {
    let mut shards = Vec::new();
    for p in paths {
        let parsed = std::fs::read_to_string(p)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<verify::shard::ShardReport>(&t).map_err(|e| e.to_string())
            });
        shards.push(
            parsed
                .map_err(|e| CliError::msg(format!("{}: not a shard report: {e}", p.display())))?,
        );
    }
    let outcomes = verify::shard::merge(&shards)?;
    let spec = spec.unwrap_or_else(|| PathBuf::from(&shards[0].spec));
    let hash_ok = std::fs::read_to_string(&spec)
        .is_ok_and(|t| verify::shard::spec_hash(&t) == shards[0].spec_hash);
    if !hash_ok {
        return Err(CliError::msg(format!(
            "{} is not the spec the shards were computed from (missing or changed); pass --spec",
            spec.display()
        )));
    }
    let (scheme, model) = itsa::load(&spec)?;
    let mut report = itsa::report_from_outcomes(
        &scheme,
        &model,
        &args.options(ctx.progress.clone()),
        outcomes,
    )?;
    report.elapsed_seconds += shards.iter().map(|s| s.elapsed_seconds).sum::<f64>();
    print_report(&report, args)?;
    Ok(report_code(&report))
}

/// `itsa export`: the rows and checks as JSON (with --json), or a summary of them.
pub fn export(_ctx: &Context, spec: &Path, json: bool) -> Result<ExitCode, CliError> {
    let (scheme, model) = super::load(spec)?;
    let plan = model.plan(&scheme);
    let doc = verify::export::plan_json(&scheme, &plan);
    if json {
        print_json(doc)?;
    } else {
        print(&verify::export::summary(&scheme, &plan));
    }
    Ok(ExitCode::SUCCESS)
}
