//! A small hand-written SVG line plot: axes with ticks and labels, one polyline per series
//! (broken where a point is missing), shaded bands, dashed vertical markers, and a legend.
//! Output is deterministic (fixed decimals, fixed palette).

use std::fmt::Write;

/// A curve; `None` points are gaps.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<Option<(f64, f64)>>,
}

/// A dashed vertical line at `x`, e.g. where a min switches branch.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub label: String,
}

/// A shaded x-range, e.g. infeasible parameter values.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub title: String,
    pub subtitle: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    pub bands: Vec<Band>,
}

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 540.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 260.0;
const TOP: f64 = 70.0;
const BOTTOM: f64 = 70.0;
const COLORS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
];
const DASHES: [&str; 4] = ["", "8 4", "3 3", "10 4 3 4"];

/// XML text escaping.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving about `target` intervals over `span`.
pub(crate) fn nice_step(span: f64, target: f64) -> f64 {
    let raw = (span / target).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Tick label without trailing zeros: 1, 0.5, 2.5.
pub(crate) fn tick_label(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

struct Frame {
    x0: f64,
    x1: f64,
    y1: f64,
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / (self.x1 - self.x0) * (WIDTH - LEFT - RIGHT)
    }
    fn py(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - y / self.y1 * (HEIGHT - TOP - BOTTOM)
    }
}

impl Plot {
    fn frame(&self) -> (Frame, f64, f64) {
        let pts = || self.series.iter().flat_map(|s| s.points.iter().flatten());
        let xs = pts()
            .map(|p| p.0)
            .chain(self.bands.iter().flat_map(|b| [b.from + 0.5, b.to - 0.5]));
        let (mut x0, mut x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        if !x0.is_finite() {
            (x0, x1) = (0.0, 1.0);
        }
        // Half a step of room on each side keeps end points off the axes.
        (x0, x1) = (x0 - 0.5, x1 + 0.5);
        let ymax = pts()
            .map(|p| p.1)
            .filter(|y| y.is_finite())
            .fold(0.0, f64::max);
        let ymax = if ymax > 0.0 { ymax } else { 1.0 };
        let ystep = nice_step(ymax, 8.0);
        let y1 = ((ymax * 1.08) / ystep).ceil() * ystep;
        let xstep = nice_step(x1 - x0, 12.0).max(1.0);
        (Frame { x0, x1, y1 }, xstep, ystep)
    }

    /// The SVG document.
    pub fn render(&self) -> String {
        let (f, xstep, ystep) = self.frame();
        let (left, right) = (LEFT, WIDTH - RIGHT);
        let (top, bottom) = (TOP, HEIGHT - BOTTOM);
        let mut s = String::new();
        let _ = writeln!(s, r##"<?xml version="1.0" encoding="UTF-8"?>"##);
        let _ = writeln!(
            s,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">"##
        );
        let _ = writeln!(
            s,
            r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white"/>"##
        );
        if !self.title.is_empty() {
            let _ = writeln!(
                s,
                r##"<text x="{left}" y="28" font-size="16" font-weight="bold">{}</text>"##,
                escape(&self.title)
            );
        }
        if !self.subtitle.is_empty() {
            let _ = writeln!(
                s,
                r##"<text x="{left}" y="48" font-size="12" fill="#555">{}</text>"##,
                escape(&self.subtitle)
            );
        }

        // Bands under everything else.
        for b in &self.bands {
            let (a, z) = (f.px(b.from.max(f.x0)), f.px(b.to.min(f.x1)));
            let fill = band_fill(&b.label);
            let _ = writeln!(
                s,
                r##"<rect x="{a:.2}" y="{top:.2}" width="{:.2}" height="{:.2}" fill="{fill}"/>"##,
                z - a,
                bottom - top
            );
        }

        // Grid, ticks and tick labels.
        let mut y = 0.0;
        while y <= f.y1 + 1e-9 {
            let py = f.py(y);
            let _ = writeln!(
                s,
                r##"<line x1="{left}" y1="{py:.2}" x2="{right}" y2="{py:.2}" stroke="#ddd"/>"##
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.2}" y="{:.2}" text-anchor="end">{}</text>"##,
                left - 8.0,
                py + 4.0,
                tick_label(y)
            );
            y += ystep;
        }
        let mut x = (f.x0 / xstep).ceil() * xstep;
        while x <= f.x1 + 1e-9 {
            let px = f.px(x);
            let _ = writeln!(
                s,
                r##"<line x1="{px:.2}" y1="{bottom}" x2="{px:.2}" y2="{:.2}" stroke="#000"/>"##,
                bottom + 5.0
            );
            let _ = writeln!(
                s,
                r##"<text x="{px:.2}" y="{:.2}" text-anchor="middle">{}</text>"##,
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
            r##"<text x="{:.2}" y="{:.2}" text-anchor="middle">{}</text>"##,
            (left + right) / 2.0,
            bottom + 45.0,
            escape(&self.x_label)
        );
        let _ = writeln!(
            s,
            r##"<text x="22" y="{:.2}" text-anchor="middle" transform="rotate(-90 22 {:.2})">{}</text>"##,
            (top + bottom) / 2.0,
            (top + bottom) / 2.0,
            escape(&self.y_label)
        );

        // Branch markers.
        for (i, m) in self.markers.iter().enumerate() {
            let px = f.px(m.x);
            let _ = writeln!(
                s,
                r##"<line x1="{px:.2}" y1="{top}" x2="{px:.2}" y2="{bottom}" stroke="#444" stroke-dasharray="4 4"/>"##
            );
            // Labels go on the side of the line with more room.
            let (dx, anchor) = if px > (left + right) / 2.0 {
                (-5.0, "end")
            } else {
                (5.0, "start")
            };
            let _ = writeln!(
                s,
                r##"<text x="{:.2}" y="{:.2}" font-size="12" fill="#444" text-anchor="{anchor}" stroke="white" stroke-width="4" paint-order="stroke">{}</text>"##,
                px + dx,
                top + 14.0 + 16.0 * i as f64,
                escape(&m.label)
            );
        }

        // Curves: later series are drawn thinner so coinciding curves stay visible.
        for (i, ser) in self.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let dash = DASHES[i % DASHES.len()];
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r##" stroke-dasharray="{dash}""##)
            };
            let mut run: Vec<String> = Vec::new();
            let flush = |run: &mut Vec<String>, s: &mut String| {
                if run.len() > 1 {
                    let _ = writeln!(
                        s,
                        r##"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2.5"{dash_attr}/>"##,
                        run.join(" ")
                    );
                }
                run.clear();
            };
            for p in &ser.points {
                match p {
                    Some((x, y)) if y.is_finite() => {
                        let (px, py) = (f.px(*x), f.py(*y));
                        run.push(format!("{px:.2},{py:.2}"));
                        let _ = writeln!(
                            s,
                            r##"<circle cx="{px:.2}" cy="{py:.2}" r="3.5" fill="{color}"/>"##
                        );
                    }
                    _ => flush(&mut run, &mut s),
                }
            }
            flush(&mut run, &mut s);
        }

        // Legend, right of the plot area.
        let lx = right + 20.0;
        for (i, ser) in self.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let dash = DASHES[i % DASHES.len()];
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r##" stroke-dasharray="{dash}""##)
            };
            let ly = top + 10.0 + 24.0 * i as f64;
            let _ = writeln!(
                s,
                r##"<line x1="{lx}" y1="{ly:.2}" x2="{:.2}" y2="{ly:.2}" stroke="{color}" stroke-width="2.5"{dash_attr}/>"##,
                lx + 30.0
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.2}" y="{:.2}">{}</text>"##,
                lx + 38.0,
                ly + 4.0,
                escape(&ser.label)
            );
        }
        let mut kinds: Vec<&str> = Vec::new();
        for b in &self.bands {
            if !kinds.contains(&b.label.as_str()) {
                kinds.push(&b.label);
            }
        }
        for (j, kind) in kinds.iter().enumerate() {
            let ly = top + 10.0 + 24.0 * (self.series.len() + j) as f64;
            let _ = writeln!(
                s,
                r##"<rect x="{lx}" y="{:.2}" width="30" height="14" fill="{}" stroke="#999"/>"##,
                ly - 7.0,
                band_fill(kind)
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.2}" y="{:.2}">{}</text>"##,
                lx + 38.0,
                ly + 4.0,
                escape(kind)
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

/// Grey for infeasible stretches, light yellow for anything else (e.g. not established).
fn band_fill(label: &str) -> &'static str {
    if label == "infeasible" {
        "#e4e4e4"
    } else {
        "#fff1b8"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(11.0, 5.0), 5.0);
        assert_eq!(nice_step(11.0, 8.0), 2.0);
        assert_eq!(nice_step(1.0, 5.0), 0.2);
        assert_eq!(nice_step(3.5, 5.0), 1.0);
        assert_eq!(tick_label(0.5), "0.5");
        assert_eq!(tick_label(10.0), "10");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }

    #[test]
    fn renders_gaps_as_separate_polylines() {
        let plot = Plot {
            title: "t".into(),
            subtitle: "s".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![Series {
                label: "R".into(),
                points: vec![
                    Some((0.0, 1.0)),
                    Some((1.0, 2.0)),
                    None,
                    Some((3.0, 1.0)),
                    Some((4.0, 1.0)),
                ],
            }],
            markers: vec![Marker {
                x: 2.0,
                label: "a → b".into(),
            }],
            bands: vec![Band {
                from: 1.5,
                to: 2.5,
                label: "infeasible".into(),
            }],
        };
        let svg = plot.render();
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("a → b"));
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(svg, plot.render(), "deterministic");
    }
}
