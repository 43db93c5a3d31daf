//! `--region R1,R2`: the LP outer bound's two-rate trade-off.
//!
//! The rate region is upward closed (a larger rate is always allowed), so its boundary is a
//! lower-left convex curve with facet normals d = (d1, d2) ≥ 0. Each direction is one LP,
//! minimise d1·R1 + d2·R2, and its certificate proves the line d·R ≥ b exactly. Starting
//! from d = (1,0) and (0,1), the corner V of two neighbouring certified lines is tested with
//! the direction between them: if the certified bound there reaches d·V, no point of the LP
//! region lies below V along d, and the two lines are adjacent facets; otherwise the new line
//! cuts V off and both sides are refined. The vertices printed are exact intersections of
//! certified lines, so the polygon is an exact outer bound. With several `--restrict` sets
//! every direction is solved on each (each LP is a relaxation) and the largest certified
//! bound is kept: the intersection of valid outer bounds is a valid outer bound.

use std::fmt::Write;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Serialize;

use super::certificate::{self, approx};
use super::lp::{self, Lp};
use super::problem::{Problem, Set, Term};
use super::symmetry::Perm;
use super::{BoundError, Query};

/// Most directions tried.
const MAX_DIRECTIONS: usize = 40;

#[derive(Clone, Debug, Serialize)]
pub struct Facet {
    /// d1·R1 + d2·R2 ≥ bound, exact.
    pub d1: i64,
    pub d2: i64,
    pub bound: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionReport {
    pub model: String,
    pub rates: (String, String),
    pub restrictions: Vec<String>,
    /// Certified lines, by increasing slope.
    pub facets: Vec<Facet>,
    /// Exact vertices (R1, R2) of the certified outer polygon, by increasing R1.
    pub vertices: Vec<(String, String)>,
    /// The declared closed form's corner, when both rates declare a value.
    pub declared: Option<(String, String)>,
    /// Every certified line came with an exactly verified certificate.
    pub all_certified: bool,
    pub lp_solves: usize,
}

fn rat(v: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(v))
}

struct Line {
    d: (i64, i64),
    b: BigRational,
}

/// Certified min of d·R over every LP (the largest bound), or None if none certified.
fn certified(lps: &[Lp], cols: &[(usize, usize)], d: (i64, i64), q: &Query) -> Option<BigRational> {
    let mut best: Option<BigRational> = None;
    for (lp, &(c1, c2)) in lps.iter().zip(cols) {
        let mut lp = lp.clone();
        lp.objective.iter_mut().for_each(|c| *c = 0);
        lp.objective[c1] += d.0;
        lp.objective[c2] += d.1;
        let Ok(solved) = lp::solve(&lp, q.backend) else {
            continue;
        };
        if let Ok(c) = certificate::certify(&lp, &solved.duals) {
            if best.as_ref().is_none_or(|b| &c.bound > b) {
                best = Some(c.bound);
            }
        }
    }
    best
}

/// Intersection of d·R = b and e·R = c.
fn meet(a: &Line, b: &Line) -> Option<(BigRational, BigRational)> {
    let det = a.d.0 * b.d.1 - a.d.1 * b.d.0;
    if det == 0 {
        return None;
    }
    let det = rat(det);
    let x = (&a.b * rat(b.d.1) - &b.b * rat(a.d.1)) / &det;
    let y = (&b.b * rat(a.d.0) - &a.b * rat(b.d.0)) / &det;
    Some((x, y))
}

/// Integer direction between two normals (sum of the normals scaled to equal L1 length).
fn between(a: (i64, i64), b: (i64, i64)) -> (i64, i64) {
    let (la, lb) = (a.0 + a.1, b.0 + b.1);
    let d = (a.0 * lb + b.0 * la, a.1 * lb + b.1 * la);
    let g = gcd(d.0, d.1).max(1);
    (d.0 / g, d.1 / g)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

/// Trace the region of rates `r1`, `r2` on each kept set (all variables when empty).
pub fn trace(
    model: &Problem,
    generators: &[Perm],
    r1: usize,
    r2: usize,
    keeps: &[Set],
    q: &Query,
) -> Result<RegionReport, BoundError> {
    let objective = [Term::Rate(r1), Term::Rate(r2)];
    let keeps: Vec<Set> = if keeps.is_empty() {
        vec![model.all()]
    } else {
        keeps.to_vec()
    };
    let mut lps = vec![];
    let mut cols = vec![];
    for &k in &keeps {
        let p = model.restrict(k);
        let lp = lp::build(&p, &objective, generators)?;
        let c1 = lp
            .rate_cols
            .iter()
            .position(|&r| r == r1)
            .expect("rate column");
        let c2 = lp
            .rate_cols
            .iter()
            .position(|&r| r == r2)
            .expect("rate column");
        lps.push(lp);
        cols.push((c1, c2));
    }
    let mut solves = 0;
    let mut solve = |d: (i64, i64)| {
        solves += lps.len();
        certified(&lps, &cols, d, q)
    };
    let lo = solve((1, 0)).ok_or_else(|| not_certified(model, r1))?;
    let hi = solve((0, 1)).ok_or_else(|| not_certified(model, r2))?;
    // Lines ordered from the steepest (normal (1,0)) to the flattest (normal (0,1)).
    let mut lines = vec![Line { d: (1, 0), b: lo }, Line { d: (0, 1), b: hi }];
    let mut all_certified = true;
    let mut i = 0;
    let mut tries = 0;
    while i + 1 < lines.len() && tries < MAX_DIRECTIONS {
        let v = meet(&lines[i], &lines[i + 1]).expect("distinct normals");
        let d = between(lines[i].d, lines[i + 1].d);
        tries += 1;
        let at_v = &v.0 * rat(d.0) + &v.1 * rat(d.1);
        match solve(d) {
            Some(b) if b > at_v => lines.insert(i + 1, Line { d, b }),
            Some(_) => i += 1,
            None => {
                all_certified = false;
                i += 1;
            }
        }
    }
    let vertices: Vec<(BigRational, BigRational)> = lines
        .windows(2)
        .filter_map(|w| meet(&w[0], &w[1]))
        .collect();
    let declared = match (&model.rates[r1].paper, &model.rates[r2].paper) {
        (Some((a, _)), Some((b, _))) => Some((a.to_string(), b.to_string())),
        _ => None,
    };
    Ok(RegionReport {
        model: model.title.clone(),
        rates: (model.rates[r1].name.clone(), model.rates[r2].name.clone()),
        restrictions: keeps.iter().map(|&k| model.names(k)).collect(),
        facets: lines
            .iter()
            .map(|l| Facet {
                d1: l.d.0,
                d2: l.d.1,
                bound: l.b.to_string(),
            })
            .collect(),
        vertices: vertices
            .iter()
            .map(|(x, y)| (x.to_string(), y.to_string()))
            .collect(),
        declared,
        all_certified: all_certified && tries < MAX_DIRECTIONS,
        lp_solves: solves,
    })
}

fn not_certified(model: &Problem, r: usize) -> BoundError {
    BoundError::Solver(format!(
        "no certified lower bound on {} alone: the region cannot be traced",
        model.rates[r].name
    ))
}

pub fn render_text(r: &RegionReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "itsa bound --region: {} — outer bound on ({}, {})",
        r.model, r.rates.0, r.rates.1
    );
    for k in &r.restrictions {
        let _ = writeln!(s, "  LP on: {k}");
    }
    let _ = writeln!(s, "certified facets ({} LP solves):", r.lp_solves);
    for f in &r.facets {
        let _ = writeln!(
            s,
            "  {}·{} + {}·{} ≥ {}",
            f.d1, r.rates.0, f.d2, r.rates.1, f.bound
        );
    }
    let _ = writeln!(s, "vertices (exact):");
    for (x, y) in &r.vertices {
        let _ = writeln!(s, "  ({x}, {y})");
    }
    if let Some((a, b)) = &r.declared {
        let _ = writeln!(
            s,
            "declared closed form: {} ≥ {a}, {} ≥ {b}",
            r.rates.0, r.rates.1
        );
    }
    if !r.all_certified {
        let _ = writeln!(
            s,
            "note: some directions had no verified certificate (or the direction budget ran \
             out): the polygon is still a valid outer bound, possibly not the tightest"
        );
    }
    s
}

fn parse(v: &str) -> f64 {
    v.parse::<BigRational>()
        .map(|r| approx(&r))
        .unwrap_or(f64::NAN)
}

/// An SVG plot: the excluded area below the certified boundary, the declared corner, and
/// achieved points (label, R1, R2).
pub fn render_svg(r: &RegionReport, achieved: &[(String, f64, f64)]) -> String {
    let verts: Vec<(f64, f64)> = r
        .vertices
        .iter()
        .map(|(x, y)| (parse(x), parse(y)))
        .collect();
    let decl = r.declared.as_ref().map(|(a, b)| (parse(a), parse(b)));
    let mut xmax: f64 = 0.0;
    let mut ymax: f64 = 0.0;
    let extra: Vec<(f64, f64)> = achieved.iter().map(|(_, x, y)| (*x, *y)).collect();
    for &(x, y) in verts.iter().chain(decl.iter()).chain(extra.iter()) {
        xmax = xmax.max(x);
        ymax = ymax.max(y);
    }
    let (xmax, ymax) = ((xmax * 1.6).max(1.0), (ymax * 1.6).max(1.0));
    let (w, h, m) = (640.0, 480.0, 70.0);
    let px = |x: f64| m + x / xmax * (w - 2.0 * m);
    let py = |y: f64| h - m - y / ymax * (h - 2.0 * m);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>"
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{}: Shannon-LP outer bound on ({}, {})</text>",
        w / 2.0,
        super::super::region::svg::escape(&r.model),
        r.rates.0,
        r.rates.1
    );
    // Excluded region: below/left of the boundary polyline (shaded).
    if let (Some(first), Some(last)) = (verts.first(), verts.last()) {
        let mut pts = vec![(0.0, ymax), (first.0, ymax)];
        pts.extend(verts.iter().copied());
        pts.push((xmax, last.1));
        pts.push((xmax, 0.0));
        pts.push((0.0, 0.0));
        let poly: Vec<String> = pts
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            s,
            "<polygon points=\"{}\" fill=\"#f2c4c4\" stroke=\"none\"/>",
            poly.join(" ")
        );
        let mut b = vec![(first.0, ymax)];
        b.extend(verts.iter().copied());
        b.push((xmax, last.1));
        let line: Vec<String> = b
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#b22222\" stroke-width=\"2.5\"/>",
            line.join(" ")
        );
        for &(x, y) in &verts {
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#b22222\"/>",
                px(x),
                py(y)
            );
        }
    }
    if let Some((a, b)) = decl {
        let _ = writeln!(
            s,
            "<polyline points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"none\" stroke=\"#1f4e9e\" \
             stroke-width=\"2\" stroke-dasharray=\"7,5\"/>",
            px(a),
            py(ymax),
            px(a),
            py(b),
            px(xmax),
            py(b)
        );
    }
    for (label, x, y) in achieved {
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\" fill=\"#2e8b57\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#2e8b57\">{}</text>",
            px(*x) - 5.0,
            py(*y) - 5.0,
            px(*x) + 9.0,
            py(*y) - 8.0,
            super::super::region::svg::escape(label)
        );
    }
    // Axes with ticks every 1/4 of the range.
    let _ = writeln!(
        s,
        "<line x1=\"{m}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n<line x1=\"{m}\" y1=\"{}\" x2=\"{m}\" y2=\"{m}\" stroke=\"black\"/>",
        h - m,
        w - m,
        h - m,
        h - m
    );
    for k in 0..=4 {
        let (x, y) = (xmax * k as f64 / 4.0, ymax * k as f64 / 4.0);
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{x:.2}</text>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{y:.2}</text>",
            px(x),
            h - m + 18.0,
            m - 6.0,
            py(y) + 4.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n<text x=\"18\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 18 {})\">{}</text>",
        w / 2.0,
        h - 20.0,
        r.rates.0,
        h / 2.0,
        h / 2.0,
        r.rates.1
    );
    // Legend.
    let lx = w - m - 250.0;
    let _ = writeln!(
        s,
        "<rect x=\"{lx}\" y=\"{}\" width=\"16\" height=\"10\" fill=\"#f2c4c4\"/><text x=\"{}\" y=\"{}\">excluded by the certified LP bound</text>",
        m - 20.0,
        lx + 22.0,
        m - 10.0
    );
    let _ = writeln!(
        s,
        "<line x1=\"{lx}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#1f4e9e\" stroke-width=\"2\" stroke-dasharray=\"7,5\"/><text x=\"{}\" y=\"{}\">declared closed form</text>",
        m + 2.0,
        lx + 16.0,
        m + 2.0,
        lx + 22.0,
        m + 6.0
    );
    let _ = writeln!(
        s,
        "<rect x=\"{lx}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"#2e8b57\"/><text x=\"{}\" y=\"{}\">achieved by a verified spec</text>",
        m + 16.0,
        lx + 22.0,
        m + 26.0
    );
    s += "</svg>\n";
    s
}
