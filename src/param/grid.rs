//! The grid driver: instantiate a parametric spec at every point of a parameter grid, verify
//! each instance, and summarise. A point where the spec itself is ill-formed (a Cauchy matrix
//! whose points collide mod p, a division by zero in a coefficient, a parameter the model
//! refuses) is reported as such, never as a violation.
//!
//! Small points run in parallel with each other (rayon); large ones run one at a time, each
//! with the engine's own parallelism, so memory stays that of the largest point.

use rayon::prelude::*;
use serde::Serialize;

use super::Instance;
use crate::scheme::SpecError;
use crate::verify::{Options, Report, Verdict};

/// Points with at most this many checks are verified side by side.
pub const SMALL_POINT: u128 = 20_000;

/// One grid point: parameter values in grid order.
pub type Point = Vec<(String, i64)>;

/// `K=4 U=3 T=1`.
pub fn point_label(p: &Point) -> String {
    p.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone)]
pub enum Outcome {
    /// The instance was verified (the report says whether it passed).
    Checked {
        report: Box<Report>,
        /// Random matrices of the instance and their seeds.
        notes: Vec<String>,
    },
    /// The spec is ill-formed at this point.
    IllFormed(SpecError),
    /// The instance has more checks than the safety limit.
    TooLarge { checks: u128, limit: u128 },
}

#[derive(Debug, Clone)]
pub struct PointResult {
    pub point: Point,
    pub outcome: Outcome,
}

impl PointResult {
    /// Verified, with no rate alarm.
    pub fn passed(&self) -> bool {
        matches!(&self.outcome, Outcome::Checked { report, .. }
            if report.verdict == Verdict::Verified && !report.rates.as_ref().is_some_and(|r| r.alarm))
    }

    pub fn violated(&self) -> bool {
        matches!(&self.outcome, Outcome::Checked { .. }) && !self.passed()
    }
}

/// Verify every point. `instantiate` builds the instance of a point (or says why the spec is
/// ill-formed there); results come back in grid order.
pub fn run<F>(
    points: &[Point],
    instantiate: F,
    opts: &Options,
    max_checks: u128,
) -> Vec<PointResult>
where
    F: Fn(&Point) -> Result<Instance, SpecError> + Sync,
{
    let opts = Options {
        progress: crate::progress::Progress::none(),
        ..opts.clone()
    };
    let prepared: Vec<Result<Instance, SpecError>> = points.par_iter().map(&instantiate).collect();
    let one = |(point, inst): (&Point, Result<Instance, SpecError>)| {
        let outcome = match inst {
            Err(e) => Outcome::IllFormed(e),
            Ok(inst) => {
                let checks = inst.model.count_checks();
                if checks > max_checks {
                    Outcome::TooLarge {
                        checks,
                        limit: max_checks,
                    }
                } else {
                    let report = crate::verify_scheme(&inst.scheme, &inst.model, &opts);
                    Outcome::Checked {
                        report: Box::new(report),
                        notes: inst.notes,
                    }
                }
            }
        };
        PointResult {
            point: point.clone(),
            outcome,
        }
    };
    let small = |i: &Result<Instance, SpecError>| {
        i.as_ref()
            .map_or(true, |inst| inst.model.count_checks() <= SMALL_POINT)
    };
    let mut indexed: Vec<(usize, &Point, Result<Instance, SpecError>)> = points
        .iter()
        .zip(prepared)
        .enumerate()
        .map(|(i, (p, r))| (i, p, r))
        .collect();
    let (small_pts, large_pts): (Vec<_>, Vec<_>) =
        indexed.drain(..).partition(|(_, _, r)| small(r));
    let mut out: Vec<(usize, PointResult)> = small_pts
        .into_par_iter()
        .map(|(i, p, r)| (i, one((p, r))))
        .collect();
    out.extend(large_pts.into_iter().map(|(i, p, r)| (i, one((p, r)))));
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// Counts over a grid run.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub points: usize,
    pub verified: usize,
    pub violated: usize,
    pub ill_formed: usize,
    pub too_large: usize,
    /// The first point that failed verification.
    pub first_violation: Option<String>,
}

pub fn summarize(results: &[PointResult]) -> Summary {
    Summary {
        points: results.len(),
        verified: results.iter().filter(|r| r.passed()).count(),
        violated: results.iter().filter(|r| r.violated()).count(),
        ill_formed: results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::IllFormed(_)))
            .count(),
        too_large: results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::TooLarge { .. }))
            .count(),
        first_violation: results
            .iter()
            .find(|r| r.violated())
            .map(|r| point_label(&r.point)),
    }
}

/// Exit code of a grid run: 1 if a point is violated, else 2 if a point is ill-formed or too
/// large, else 0.
pub fn exit_code(s: &Summary) -> u8 {
    if s.violated > 0 {
        1
    } else if s.ill_formed + s.too_large > 0 {
        2
    } else {
        0
    }
}

fn rates_brief(r: &Report) -> String {
    r.rates.as_ref().map_or(String::new(), |rr| {
        rr.lines
            .iter()
            .map(|l| {
                if l.status == "optimal" {
                    format!("{}={} optimal", l.name, l.achieved)
                } else {
                    format!("{}={} ({})", l.name, l.achieved, l.status)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// One line per point, the summary, and the first failing point's report in full.
pub fn render_text(results: &[PointResult]) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let width = results
        .iter()
        .map(|r| point_label(&r.point).chars().count())
        .max()
        .unwrap_or(0);
    for r in results {
        let label = point_label(&r.point);
        let pad = width - label.chars().count();
        let _ = match &r.outcome {
            Outcome::Checked { report, .. } => {
                let failed: Vec<String> = report
                    .families
                    .iter()
                    .filter(|f| f.failures > 0)
                    .map(|f| format!("{} {}", f.name, f.failures))
                    .collect();
                let verdict = if r.passed() {
                    "VERIFIED".to_string()
                } else if failed.is_empty() {
                    "ALARM (rates below the converse)".to_string()
                } else {
                    format!("VIOLATED ({} failed: {})", report.failures, failed.join(", "))
                };
                writeln!(
                    o,
                    "{label}{:pad$}  {verdict}  {} checks  {}",
                    "",
                    report.checks,
                    rates_brief(report)
                )
            }
            Outcome::IllFormed(e) => writeln!(o, "{label}{:pad$}  ILL-FORMED  {e}", ""),
            Outcome::TooLarge { checks, limit } => writeln!(
                o,
                "{label}{:pad$}  SKIPPED  {checks} checks is above the limit {limit} (--max-checks, --force)",
                ""
            ),
        };
    }
    let s = summarize(results);
    let _ = writeln!(
        o,
        "grid: {} point(s): {} verified, {} violated, {} ill-formed{}",
        s.points,
        s.verified,
        s.violated,
        s.ill_formed,
        if s.too_large > 0 {
            format!(", {} skipped (too large)", s.too_large)
        } else {
            String::new()
        }
    );
    if let Some(first) = results.iter().find(|r| r.violated()) {
        let _ = writeln!(o, "\nfirst failing point: {}", point_label(&first.point));
        if let Outcome::Checked { report, notes } = &first.outcome {
            for n in notes {
                let _ = writeln!(o, "  {n}");
            }
            o.push_str(&crate::verify::render_text(report));
        }
    }
    o
}

/// `{"summary": …, "points": [{"point": {...}, "status": …, "report" | "error": …}, …]}`.
pub fn render_json(results: &[PointResult]) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let points: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut point = Map::new();
            for (k, v) in &r.point {
                point.insert(k.clone(), json!(v));
            }
            match &r.outcome {
                Outcome::Checked { report, notes } => json!({
                    "point": point,
                    "status": if r.passed() { "verified" } else { "violated" },
                    "matrices": notes,
                    "report": report,
                }),
                Outcome::IllFormed(e) => json!({
                    "point": point,
                    "status": "ill-formed",
                    "error": e.to_string(),
                }),
                Outcome::TooLarge { checks, limit } => json!({
                    "point": point,
                    "status": "too-large",
                    "error": format!("{checks} checks is above the limit {limit}"),
                }),
            }
        })
        .collect();
    json!({ "summary": summarize(results), "points": points })
}
