//! Problem 3 over a grid of λ (0 = localization only, 1 = privacy only) and the trade-off
//! plot's data: MIS bound against the localization-error probability, one point per distinct
//! assignment, tagged with its λ range (drawn by `region::figure::scatter_figure`).

use serde::Serialize;

use super::assign::{self, Search};
use super::{CodedError, Metrics, Objective, System};
use crate::region::figure::{Label, Scatter, ScatterPoint};

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

/// The trade-off plot's data: x = P̄_e with its 95% interval, y = the MIS bound in bits; one
/// point per run of consecutive λ with the same assignment, tagged with its λ range, the
/// assignment listed in the key. Drawn by [`crate::region::figure::scatter_figure`] (SVG, PDF
/// or PGF, the `--title`/`--size`/font options of the other figures).
pub fn figure(points: &[Point]) -> Scatter {
    // Group consecutive λ with the same assignment into one labelled point.
    let mut groups: Vec<(Vec<f64>, &Metrics)> = Vec::new();
    for p in points {
        match groups.last_mut() {
            Some((ls, m)) if m.set == p.metrics.set => ls.push(p.lambda),
            _ => groups.push((vec![p.lambda], &p.metrics)),
        }
    }
    let points = groups
        .iter()
        .map(|(ls, m)| {
            let (p, (lo, hi)) = m.pep.map(|e| (e.p, e.ci95)).unwrap_or((0.0, (0.0, 0.0)));
            let set: Vec<String> = m.set.iter().map(u32::to_string).collect();
            ScatterPoint {
                x: p,
                x_lo: lo,
                x_hi: hi,
                y: m.mis_bound_bits,
                tag: lambda_range(ls),
                key: format!("{{{}}}", set.join(",")),
            }
        })
        .collect();
    Scatter {
        x: Label::new(
            "localization-error probability P_e (Monte Carlo, 95% interval)",
            "\\text{localization-error probability } \\bar P_e \\text{ (Monte Carlo, 95\\% interval)}",
        ),
        y: Label::new(
            "MIS bound (bits per entry)",
            "\\text{MIS bound (bits per entry)}",
        ),
        points,
    }
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
        use crate::region::figure::{scatter_figure, Format, Style};
        let fig = figure(&pts);
        assert_eq!(fig.points[0].tag, "λ=0");
        assert!(fig.points.len() <= 3 && fig.points.last().unwrap().tag.ends_with('1'));
        let svg = scatter_figure(&fig, &Style::default(), Format::Svg);
        assert!(svg.starts_with(b"<?xml") && svg.ends_with(b"</svg>\n"));
        assert_eq!(
            svg,
            scatter_figure(&fig, &Style::default(), Format::Svg),
            "deterministic"
        );
    }
}
