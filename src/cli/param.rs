//! `itsa verify --grid` and `itsa expand`: parametric specs (the library's `itsa::param`).

use std::path::Path;
use std::process::ExitCode;

use itsa::param::{self, grid};

use super::args::ReportArgs;
use super::{print, print_json, CliError, Context};

/// `itsa verify SPEC --grid G`: every point, one line each, the summary, the first failing
/// point's full report; `--json`: one report per point.
pub fn verify_grid(
    _ctx: &Context,
    spec: &Path,
    sets: &[String],
    grid_arg: &str,
    args: &ReportArgs,
    max_checks: u128,
) -> Result<ExitCode, CliError> {
    let (text, shown) = super::read_input(spec)?;
    let over = param::parse_sets(&text, &shown, sets)?;
    let points = param::grid_points(&text, &shown, &over, grid_arg)?;
    let opts = args.options(itsa::progress::Progress::none());
    let results = grid::run(
        &points,
        |p| param::instantiate(&text, &shown, p),
        &opts,
        max_checks,
    );
    if args.json {
        print_json(grid::render_json(&results))?;
    } else {
        print(&grid::render_text(&results));
    }
    Ok(ExitCode::from(grid::exit_code(&grid::summarize(&results))))
}

/// `itsa expand`: the flat spec of a parametric spec at a point, checked to read back and to
/// satisfy its model before it is printed or written.
pub fn expand(
    _ctx: &Context,
    spec: &Path,
    sets: &[String],
    output: Option<&Path>,
) -> Result<ExitCode, CliError> {
    let (text, shown) = super::read_input(spec)?;
    let over = param::parse_sets(&text, &shown, sets)?;
    let x = param::expand(&text, &shown, &over)?;
    let s = param::to_scheme(&x, &text, &shown)?;
    itsa::models::Model::from_scheme(&s)?;
    match output {
        Some(o) => super::write_file(o, &x.text)?,
        None => print(&x.text),
    }
    Ok(ExitCode::SUCCESS)
}
