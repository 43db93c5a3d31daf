//! `itsa test PATHS… [--json] [--junit FILE]`: re-verify specs against their [expect] tables.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{print, print_json, CliError, Context};

pub fn run(
    ctx: &Context,
    paths: &[PathBuf],
    json: bool,
    junit: Option<&Path>,
    load: &itsa::LoadOptions,
) -> Result<ExitCode, CliError> {
    let report = if paths.len() == 1 && paths[0].as_os_str() == "-" {
        let (text, name) = super::read_input(&paths[0])?;
        itsa::suite::run_text_loading(&text, &name, load)
    } else {
        let files = itsa::suite::collect(paths).map_err(CliError::Message)?;
        if files.is_empty() {
            return Err(CliError::msg(
                "no *.toml or *.json specs found under the given paths",
            ));
        }
        itsa::suite::run_loading(&files, &ctx.progress, load)
    };
    if let Some(path) = junit {
        super::write_file(path, itsa::suite::junit::render(&report))?;
    }
    if json {
        print_json(&report)?;
    } else {
        print(&itsa::suite::render_text(&report));
    }
    Ok(super::code(report.failed == 0))
}
