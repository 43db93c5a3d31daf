//! `itsa verify`, `itsa verify --shard`, `itsa merge` and `itsa export`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use itsa::verify::{self, Part, Report, Verdict};

use super::args::ReportArgs;
use super::{print, print_json, CliError, Context};

/// The verify flags that are not about the report's form (the budget is global: src/budget.rs).
pub struct Limits {
    pub shard: Option<Part>,
    /// --latex: print the failures and decoders as equations.
    pub latex: bool,
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
        force: itsa::budget::get().force,
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
    itsa::budget::charge(
        itsa::budget::Resource::Checks,
        count,
        format!("{shown}: this model instance"),
    )
    .map_err(|e| CliError::msg(e.to_string()))?;
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
    if limits.latex {
        print(&verify::latex::render_latex(&report));
    } else if notes.is_empty() {
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
    let report = verify::shard::run_part(shown, text, scheme, model, part, &ctx.progress)
        .map_err(|e| CliError::msg(format!("{shown}: {e}")))?;
    print_json(&report)?;
    Ok(super::code(report.failed.is_empty()))
}

/// `itsa merge`: the full report from all shard reports, checked and audited (src/verify/shard.rs);
/// same output and exit codes as verify, plus what was audited.
pub fn merge(
    ctx: &Context,
    paths: &[PathBuf],
    spec: Option<PathBuf>,
    args: &ReportArgs,
    audit: verify::shard::AuditLevel,
    seed: Option<u64>,
) -> Result<ExitCode, CliError> {
    use verify::shard::MergeError;
    let seed = seed.unwrap_or_else(verify::shard::fresh_seed);
    let (report, summary) = verify::shard::merge_files(
        paths,
        spec.as_deref(),
        &args.options(ctx.progress.clone()),
        audit,
        seed,
    )
    .map_err(|e| match e {
        MergeError::Spec(e) => CliError::from(e),
        e => CliError::msg(e.to_string()),
    })?;
    if args.json {
        let mut v = serde_json::to_value(&report)
            .map_err(|e| CliError::msg(format!("internal error: cannot serialise: {e}")))?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "audit".into(),
                serde_json::to_value(&summary).unwrap_or_default(),
            );
        }
        print_json(v)?;
    } else {
        print(&(verify::render_text(&report) + &summary.text()));
    }
    Ok(report_code(&report))
}

/// `itsa export`: the rows and checks as JSON (with --json), or a summary of them.
pub fn export(_ctx: &Context, spec: &Path, json: bool) -> Result<ExitCode, CliError> {
    let (scheme, model) = super::load(spec)?;
    itsa::budget::charge(
        itsa::budget::Resource::Checks,
        model.count_checks(),
        format!("{}: this model instance", spec.display()),
    )
    .map_err(|e| CliError::msg(e.to_string()))?;
    let plan = model.plan(&scheme);
    let doc = verify::export::plan_json(&scheme, &plan);
    if json {
        print_json(doc)?;
    } else {
        print(&verify::export::summary(&scheme, &plan));
    }
    Ok(ExitCode::SUCCESS)
}
