//! `itsa test`: re-verify a collection of specs and compare each with its `[expect]` table —
//! regression checking of a paper's examples in CI.

pub mod junit;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::scheme::Expectation;
use crate::verify::{Options, Report, Verdict};

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// The spec verified (or not) but states no expectation.
    NoExpectation,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpecResult {
    pub spec: String,
    pub status: Status,
    /// The verdict itsa found (absent when the spec could not be read).
    pub verdict: Option<Verdict>,
    /// One-line description of what was found, e.g. `violated: correctness 4/6, server-security 11/31`.
    pub found: String,
    /// Why the spec failed (empty when it passed).
    pub problems: Vec<String>,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuiteReport {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub results: Vec<SpecResult>,
    pub seconds: f64,
}

/// Spec files under the given paths (a file is taken as is; a directory is searched
/// recursively for `*.toml` and `*.json` specs), sorted, without duplicates.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let p = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == "toml" || x == "json") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Verify every spec (in parallel) and compare it with its expectation; results keep the
/// order of `files`.
pub fn run(files: &[PathBuf]) -> SuiteReport {
    run_with(files, &crate::progress::Progress::none())
}

/// [`run`], reporting one unit per spec to `progress`.
pub fn run_with(files: &[PathBuf], progress: &crate::progress::Progress) -> SuiteReport {
    run_loading(files, progress, &crate::LoadOptions::default())
}

/// [`run_with`], loading every spec with `load` (`itsa test --set NAME=VALUE`).
pub fn run_loading(
    files: &[PathBuf],
    progress: &crate::progress::Progress,
    load: &crate::LoadOptions,
) -> SuiteReport {
    let start = Instant::now();
    let task = progress.task("specs", Some(files.len() as u64));
    let results: Vec<SpecResult> = files
        .par_iter()
        .map(|f| {
            let r = check(f, load);
            task.advance(1);
            r
        })
        .collect();
    drop(task);
    summarise(results, start)
}

/// The suite report of one spec given as text (`itsa test -`: standard input).
pub fn run_text(text: &str, name: &str) -> SuiteReport {
    run_text_loading(text, name, &crate::LoadOptions::default())
}

/// [`run_text`] with overrides.
pub fn run_text_loading(text: &str, name: &str, load: &crate::LoadOptions) -> SuiteReport {
    let start = Instant::now();
    let loaded = crate::load_str_with(text, name, load).map(|(s, m, _)| (s, m));
    summarise(vec![check_loaded(name.to_string(), loaded, start)], start)
}

fn summarise(results: Vec<SpecResult>, start: Instant) -> SuiteReport {
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    SuiteReport {
        passed: count(Status::Pass),
        failed: count(Status::Fail),
        skipped: count(Status::NoExpectation),
        results,
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn check(path: &Path, load: &crate::LoadOptions) -> SpecResult {
    let start = Instant::now();
    let loaded = crate::load_with(path, load).map(|(s, m, _)| (s, m));
    check_loaded(path.display().to_string(), loaded, start)
}

fn check_loaded(
    spec: String,
    loaded: Result<(crate::scheme::Scheme, crate::models::Model), crate::scheme::SpecError>,
    start: Instant,
) -> SpecResult {
    let (scheme, model) = match loaded {
        Ok(v) => v,
        Err(e) => {
            return SpecResult {
                spec,
                status: Status::Fail,
                verdict: None,
                found: "bad spec".into(),
                problems: vec![e.to_string()],
                seconds: start.elapsed().as_secs_f64(),
            }
        }
    };
    let opts = Options {
        max_failures: 0,
        max_decoders: 0,
        progress: crate::progress::Progress::none(),
    };
    let report = crate::verify_scheme(&scheme, &model, &opts);
    let (status, problems) = match &scheme.expect {
        None => (Status::NoExpectation, vec![]),
        Some(e) => {
            let p = compare(e, &report);
            (
                if p.is_empty() {
                    Status::Pass
                } else {
                    Status::Fail
                },
                p,
            )
        }
    };
    SpecResult {
        spec,
        status,
        verdict: Some(report.verdict),
        found: describe(&report),
        problems,
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Verified => "verified",
        Verdict::Violated => "violated",
    }
}

/// `violated: correctness 4/6, server-security 11/31 failed` or `verified: 62 checks`.
fn describe(r: &Report) -> String {
    let failing: Vec<String> = r
        .families
        .iter()
        .filter(|f| f.failures > 0)
        .map(|f| format!("{} {}/{}", f.name, f.failures, f.checks))
        .collect();
    if failing.is_empty() {
        format!("{}: {} checks", verdict_name(r.verdict), r.checks)
    } else {
        format!("{}: {} failed", verdict_name(r.verdict), failing.join(", "))
    }
}

/// Differences between an expectation and a report, as sentences (empty: as expected).
pub fn compare(e: &Expectation, r: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(v) = &e.verdict {
        if v != verdict_name(r.verdict) {
            problems.push(format!("expected {v}, got {}", verdict_name(r.verdict)));
        }
    }
    for (family, want, _) in &e.failures {
        match r.family(family) {
            None => {
                let names: Vec<&str> = r.families.iter().map(|f| f.name).collect();
                problems.push(format!(
                    "no condition family `{family}` (this model has: {})",
                    names.join(", ")
                ));
            }
            Some(f) if f.failures as u64 != *want => problems.push(format!(
                "`{family}`: expected {want} failure(s), got {} of {} checks",
                f.failures, f.checks
            )),
            Some(_) => {}
        }
    }
    let lines = r.rates.as_ref().map(|x| x.lines.as_slice()).unwrap_or(&[]);
    for (name, want, _) in &e.rates {
        match lines.iter().find(|l| &l.name == name) {
            None => problems.push(format!("no achieved rate `{name}`")),
            // `1/2` matches `1/2` and the coefficient of `1/2 × log 13 / log 3`.
            Some(l) if l.achieved != *want && !l.achieved.starts_with(&format!("{want} ×")) => {
                problems.push(format!("rate {name}: expected {want}, got {}", l.achieved))
            }
            Some(_) => {}
        }
    }
    if let Some(rates) = &r.rates {
        if rates.alarm {
            problems.push(format!(
                "ALARM: {}",
                rates.notes.first().cloned().unwrap_or_default()
            ));
        }
    }
    problems
}

/// One line per spec and the summary line `itsa: N passed, M failed, K skipped`.
pub fn render_text(s: &SuiteReport) -> String {
    let width = s
        .results
        .iter()
        .map(|r| r.spec.chars().count())
        .max()
        .unwrap_or(0);
    let mut o = String::new();
    for r in &s.results {
        let tag = match r.status {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::NoExpectation => "skip",
        };
        let detail = match r.status {
            Status::Pass => format!("{} (as expected)", r.found),
            Status::Fail => format!("{} — {}", r.found, r.problems.join("; ")),
            Status::NoExpectation => format!("{} (no [expect] table)", r.found),
        };
        o.push_str(&format!("{tag}  {:width$}  {detail}\n", r.spec));
    }
    o.push_str(&format!(
        "itsa: {} passed, {} failed, {} skipped\n",
        s.passed, s.failed, s.skipped
    ));
    o
}
