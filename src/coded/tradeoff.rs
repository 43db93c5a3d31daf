//! Problem 3 over a grid of λ (0 = localization only, 1 = privacy only) and the trade-off
//! plot: MIS bound against the localization-error probability, one point per distinct
//! assignment, labelled with its λ range. SVG written by hand in the style of region/svg.rs.

use std::fmt::Write;

use serde::Serialize;

use super::assign::{self, Search};
use super::{CodedError, Metrics, Objective, System};
use crate::region::svg::{escape, nice_step, tick_label};

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub lambda: f64,
    pub objective: f64,
    pub evaluations: u128,
    pub metrics: Metrics,
}

/// How Problem 3 is solved at each λ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Brute,
    Greedy,
}

/// Solve Problem 3 for one λ.
pub fn solve(
    sys: &System,
    obj: Objective,
    lambda: f64,
    method: Method,
    s0: usize,
    keep: usize,
    progress: Option<&crate::progress::Task>,
) -> Search {
    let (n, u) = (sys.enc.n, sys.unreliable);
    if obj == Objective::Mis && method == Method::Brute {
        return sys
            .table
            .problem1(u, keep)
            .expect("sizes checked by System::new");
    }
    let f = |s: &[u32]| sys.objective(obj, lambda, s);
    match method {
        Method::Brute => assign::brute_force(n, u, keep, &f, progress),
        Method::Greedy => assign::greedy(n, u, s0, &f, progress),
    }
}

/// Problem 3 at `steps + 1` evenly spaced λ in [0, 1].
pub fn sweep(
    sys: &System,
    steps: usize,
    method: Method,
    s0: usize,
    progress: Option<&crate::progress::Task>,
) -> Result<Vec<Point>, CodedError> {
    let steps = steps.max(1);
    (0..=steps)
        .map(|i| {
            let lambda = i as f64 / steps as f64;
            let s = solve(sys, Objective::Joint, lambda, method, s0, 1, progress);
            let best = &s.best[0];
            Ok(Point {
                lambda,
                objective: best.value,
                evaluations: s.evaluations,
                metrics: sys.metrics(&best.set)?,
            })
        })
        .collect()
}

/// "λ = 0.2–0.8" for the λ values sharing one assignment.
fn lambda_range(ls: &[f64]) -> String {
    match ls {
        [one] => format!("λ={one}"),
        [first, .., last] => format!("λ={first}–{last}"),
        [] => String::new(),
    }
}

/// The trade-off plot: x = P̄_e (with its 95% interval), y = MIS bound in bits.
pub fn render_svg(points: &[Point], subtitle: &str) -> String {
    // Group consecutive λ with the same assignment into one labelled point.
    let mut groups: Vec<(Vec<f64>, &Metrics)> = Vec::new();
    for p in points {
        match groups.last_mut() {
            Some((ls, m)) if m.set == p.metrics.set => ls.push(p.lambda),
            _ => groups.push((vec![p.lambda], &p.metrics)),
        }
    }
    let est = |m: &Metrics| m.pep.map(|e| (e.p, e.ci95)).unwrap_or((0.0, (0.0, 0.0)));
    let (w, h) = (900.0, 560.0);
    let (left, right, top, bottom) = (90.0, w - 40.0, 80.0, h - 70.0);
    let xmax_raw = groups
        .iter()
        .map(|g| est(g.1).1 .1)
        .fold(0.0, f64::max)
        .max(1e-3);
    let xstep = nice_step(xmax_raw, 8.0);
    let xmax = (xmax_raw * 1.05 / xstep).ceil() * xstep;
    let ys: Vec<f64> = groups.iter().map(|g| g.1.mis_bound_bits).collect();
    let (ylo_raw, yhi_raw) = ys
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| {
            (a.min(y), b.max(y))
        });
    let ystep = nice_step((yhi_raw - ylo_raw).max(1.0), 6.0);
    let ylo = ((ylo_raw - 0.5 * ystep) / ystep).floor() * ystep;
    let yhi = ((yhi_raw + 0.5 * ystep) / ystep).ceil() * ystep;
    let px = |x: f64| left + x / xmax * (right - left);
    let py = |y: f64| bottom - (y - ylo) / (yhi - ylo) * (bottom - top);

    let mut s = String::new();
    let _ = writeln!(s, r##"<?xml version="1.0" encoding="UTF-8"?>"##);
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">"##
    );
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>"##
    );
    let _ = writeln!(
        s,
        r##"<text x="{left}" y="28" font-size="16" font-weight="bold">Privacy vs robustness (Problem 3, λ from 0 to 1) — floating point, Monte Carlo</text>"##
    );
    let _ = writeln!(
        s,
        r##"<text x="{left}" y="48" font-size="12" fill="#555">{}</text>"##,
        escape(subtitle)
    );
    let mut y = ylo;
    while y <= yhi + 1e-9 {
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{0:.2}" x2="{right}" y2="{0:.2}" stroke="#ddd"/><text x="{1:.2}" y="{2:.2}" text-anchor="end">{3}</text>"##,
            py(y),
            left - 8.0,
            py(y) + 4.0,
            tick_label(y)
        );
        y += ystep;
    }
    let mut x = 0.0;
    while x <= xmax + 1e-12 {
        let _ = writeln!(
            s,
            r##"<line x1="{0:.2}" y1="{bottom}" x2="{0:.2}" y2="{1:.2}" stroke="#000"/><text x="{0:.2}" y="{2:.2}" text-anchor="middle">{3}</text>"##,
            px(x),
            bottom + 5.0,
            bottom + 20.0,
            tick_label(x)
        );
        x += xstep;
    }
    let _ = writeln!(
        s,
        r##"<path d="M {left} {top} V {bottom} H {right}" fill="none" stroke="#000"/>"##
    );
    let _ = writeln!(
        s,
        r##"<text x="{:.2}" y="{:.2}" text-anchor="middle">average localization-error probability P̄e (Monte Carlo, 95% interval)</text>"##,
        (left + right) / 2.0,
        bottom + 45.0
    );
    let mid = (top + bottom) / 2.0;
    let _ = writeln!(
        s,
        r##"<text x="24" y="{mid:.2}" text-anchor="middle" transform="rotate(-90 24 {mid:.2})">MIS bound (11), bits per entry</text>"##
    );
    let pts: Vec<String> = groups
        .iter()
        .map(|g| format!("{:.2},{:.2}", px(est(g.1).0), py(g.1.mis_bound_bits)))
        .collect();
    let _ = writeln!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#1f77b4" stroke-width="2" stroke-dasharray="6 4"/>"##,
        pts.join(" ")
    );
    for (i, (ls, m)) in groups.iter().enumerate() {
        let (p, (lo, hi)) = est(m);
        let (cx, cy) = (px(p), py(m.mis_bound_bits));
        let _ = writeln!(
            s,
            r##"<line x1="{:.2}" y1="{cy:.2}" x2="{:.2}" y2="{cy:.2}" stroke="#d62728" stroke-width="1.5"/>"##,
            px(lo),
            px(hi)
        );
        let _ = writeln!(
            s,
            r##"<circle cx="{cx:.2}" cy="{cy:.2}" r="4.5" fill="#1f77b4"/>"##
        );
        let label = format!(
            "{}: {{{}}}",
            lambda_range(ls),
            m.set
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        // Alternate label sides so neighbours do not collide.
        let (dy, anchor, dx) = if cx > (left + right) / 2.0 {
            (if i % 2 == 0 { -8.0 } else { 16.0 }, "end", -8.0)
        } else {
            (if i % 2 == 0 { -8.0 } else { 16.0 }, "start", 8.0)
        };
        let _ = writeln!(
            s,
            r##"<text x="{:.2}" y="{:.2}" font-size="11" text-anchor="{anchor}" stroke="white" stroke-width="3" paint-order="stroke">{}</text>"##,
            cx + dx,
            cy + dy,
            escape(&label)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coded::encoding::MisConstants;
    use crate::coded::localize::Robust;

    #[test]
    fn sweep_ends_are_the_single_objective_optima_and_plot_renders() {
        // A small system (N = 9, |U| = 5, K = 1, T = 1, deg f = 1, A = 1): brute force.
        let r = Robust {
            degree: 1,
            byzantine: 1,
            sigma_p: 0.05,
            error_std: 1.0,
            c: 1.0,
            sigma_n: 1.0,
            trials: 100,
            seed: 5,
        };
        let sys = System::new(1, 1, 9, 5, MisConstants::default(), Some(r)).unwrap();
        let pts = sweep(&sys, 2, Method::Brute, 1, None).unwrap();
        assert_eq!(pts.len(), 3);
        let mis = sys.table.problem1(5, 1).unwrap();
        assert_eq!(pts[2].metrics.set, mis.best[0].set, "λ = 1 is Problem 1");
        let pep = solve(&sys, Objective::Pep, 0.0, Method::Brute, 1, 1, None);
        assert_eq!(pts[0].metrics.set, pep.best[0].set, "λ = 0 is Problem 2");
        // Along λ the MIS bound cannot go up and P̄_e cannot go down (both exact optima).
        for w in pts.windows(2) {
            assert!(w[1].metrics.mis_bound_bits <= w[0].metrics.mis_bound_bits + 1e-9);
            assert!(w[1].metrics.pep.unwrap().p >= w[0].metrics.pep.unwrap().p);
        }
        let svg = render_svg(&pts, "test");
        assert!(svg.starts_with("<?xml") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("λ=0"));
        assert_eq!(svg, render_svg(&pts, "test"), "deterministic");
    }
}
