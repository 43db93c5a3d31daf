//! Paper-ready figure of a two-rate region (`itsa region MODEL … --plot-region R1,R2`): the
//! achievable region shaded, the converse lines labelled with their formulas, the optimal
//! corner, and the achieved points of given schemes. One layout is drawn on a small canvas of
//! five primitives, written out as SVG, PDF (via `pdf-writer`, base-14 fonts, nothing
//! embedded) or PGF/TikZ (labels as LaTeX math, so they take the document's fonts).
//!
//! Coordinates are PostScript points (1/72 in), y upwards. Labels are small rich text: `_x`
//! or `_{xy}` is a subscript.

use std::fmt::Write;

use num_traits::ToPrimitive;

use super::catalog::Evaluation;
use super::{Region, RegionError};

/// Output format, chosen by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Pdf,
    /// PGF/TikZ picture (`.pgf` or `.tex`), for `\input` in LaTeX.
    Pgf,
}

impl Format {
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(Format::Svg),
            "pdf" => Some(Format::Pdf),
            "pgf" | "tex" | "tikz" => Some(Format::Pgf),
            _ => None,
        }
    }
}

/// Title, size and fonts of a figure (no tool banner: the title is only what is given).
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub title: Option<String>,
    /// Width and height in points.
    pub width: f64,
    pub height: f64,
    /// SVG font-family; for PDF a family containing "serif"/"times" selects Times, "mono"/
    /// "courier" Courier, anything else Helvetica. PGF uses the document's font.
    pub font_family: String,
    /// Font size in points.
    pub font_size: f64,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            title: None,
            width: cm(8.5),
            height: cm(6.5),
            font_family: "serif".into(),
            font_size: 9.0,
        }
    }
}

fn cm(x: f64) -> f64 {
    x / 2.54 * 72.0
}

/// `8.5cmx6cm`, `3.5inx2.5in`, `240x180` (points), `90mmx60mm`.
pub fn parse_size(s: &str) -> Result<(f64, f64), RegionError> {
    let bad = || {
        RegionError::Usage(format!(
            "--size: '{s}' is not WxH, e.g. 8.5cmx6cm, 3.5inx2.5in or 240x180 (points)"
        ))
    };
    let (w, h) = s.split_once('x').ok_or_else(bad)?;
    let one = |t: &str| -> Result<f64, RegionError> {
        let t = t.trim();
        let (num, unit) = t
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or((t, "pt"), |i| (&t[..i], &t[i..]));
        let v: f64 = num.trim().parse().map_err(|_| bad())?;
        let k = match unit {
            "pt" => 1.0,
            "in" => 72.0,
            "cm" => 72.0 / 2.54,
            "mm" => 72.0 / 25.4,
            _ => return Err(bad()),
        };
        let v = v * k;
        if !(36.0..=2000.0).contains(&v) {
            return Err(RegionError::Usage(format!(
                "--size: each side must lie between 0.5 in and 2000 pt, found '{t}'"
            )));
        }
        Ok(v)
    };
    Ok((one(w)?, one(h)?))
}

/// A label: rich text (`R_1 ≥ 1/(U−T)`) for SVG and PDF, LaTeX math for PGF.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub latex: String,
}

impl Label {
    pub fn new(text: impl Into<String>, latex: impl Into<String>) -> Label {
        Label {
            text: text.into(),
            latex: latex.into(),
        }
    }
}

/// An achieved point of a verified (or violated) scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub x: f64,
    pub y: f64,
    /// Drawn filled when the scheme verified, hollow when it violated a condition.
    pub verified: bool,
}

/// What the figure shows, in rate units.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoRate {
    pub x: Label,
    pub y: Label,
    /// The converse bounds on the two rates (value, label), or `None` when infeasible.
    pub corner: Option<((f64, Label), (f64, Label))>,
    /// A known achievable point when the bounds are not known to be achievable.
    pub achievable: Option<(f64, f64)>,
    /// Why there is no region.
    pub infeasible: Option<String>,
    pub points: Vec<Point>,
}

/// Where a bound is drawn: its exact value; for a key rate with a `log p / log q` factor, the
/// coefficient of the factor (the axis is then in units of the factor, as achieved rates are).
fn to_f64(b: &super::Bound) -> f64 {
    b.value.to_f64().unwrap_or(f64::NAN)
}

impl TwoRate {
    /// The two rates `x` and `y` of an evaluated region.
    pub fn new(e: &Evaluation, x: &str, y: &str) -> Result<TwoRate, RegionError> {
        let names: Vec<&str> = e.region.bounds().iter().map(|b| b.name.as_str()).collect();
        for r in [x, y] {
            if e.region.is_feasible() && !names.contains(&r) {
                return Err(RegionError::Usage(format!(
                    "--plot-region: `{r}` is not a rate of {} (rates: {})",
                    e.model.name,
                    names.join(", ")
                )));
            }
        }
        if x == y {
            return Err(RegionError::Usage(
                "--plot-region: name two different rates, e.g. R1,R2".into(),
            ));
        }
        let axis = |n: &str| {
            let b = e.region.bound(n);
            let latex = b.map_or_else(|| n.to_string(), |b| b.latex_name.clone());
            match b.and_then(|b| b.factor) {
                Some(_) => Label::new(
                    format!("{} (× log p / log q)", rich_name(n)),
                    format!("{latex} \\ (\\times \\log p / \\log q)"),
                ),
                None => Label::new(rich_name(n), latex),
            }
        };
        let mut fig = TwoRate {
            x: axis(x),
            y: axis(y),
            corner: None,
            achievable: None,
            infeasible: None,
            points: Vec::new(),
        };
        match &e.region {
            Region::Infeasible {
                reason, condition, ..
            } => fig.infeasible = Some(format!("infeasible: {condition} ({reason})")),
            Region::Feasible { achievable, .. } => {
                let line = |n: &str| -> Option<(f64, Label)> {
                    let b = e.region.bound(n)?;
                    let text = format!("{} ≥ {}", rich_name(n), b.exact());
                    let value = b.value.to_string();
                    let value_tex = match value.split_once('/') {
                        Some((n, d)) => format!("\\tfrac{{{n}}}{{{d}}}"),
                        None => value,
                    };
                    let factor_tex = b
                        .factor
                        .map_or(String::new(), |_| " \\cdot \\frac{\\log p}{\\log q}".into());
                    let latex = format!("{} \\geq {value_tex}{factor_tex}", b.latex_name);
                    Some((to_f64(b), Label::new(text, latex)))
                };
                fig.corner = line(x).zip(line(y));
                let ach = |n: &str| achievable.iter().find(|b| b.name == n).map(to_f64);
                fig.achievable = ach(x).zip(ach(y));
            }
        }
        Ok(fig)
    }

    /// Draw the figure.
    pub fn render(&self, style: &Style, format: Format) -> Vec<u8> {
        let mut c = Canvas::new(style);
        self.draw(&mut c, style);
        match format {
            Format::Svg => c.svg().into_bytes(),
            Format::Pgf => c.pgf().into_bytes(),
            Format::Pdf => c.pdf(),
        }
    }

    fn draw(&self, c: &mut Canvas, st: &Style) {
        let fs = st.font_size;
        let top_pad = if st.title.is_some() {
            2.2 * fs
        } else {
            0.8 * fs
        };
        let (l, b) = (3.6 * fs, 3.0 * fs);
        let (r, t) = (st.width - 1.0 * fs, st.height - top_pad);
        if let Some(title) = &st.title {
            c.text(
                (l + r) / 2.0,
                st.height - 1.3 * fs,
                &Label::new(title.clone(), latex_escape(title)),
                fs * 1.1,
                Anchor::Middle,
            );
        }
        // Data range: 0 to past every bound and point, on a nice step.
        let mut xmax: f64 = 0.0;
        let mut ymax: f64 = 0.0;
        if let Some(((bx, _), (by, _))) = &self.corner {
            xmax = xmax.max(2.0 * bx);
            ymax = ymax.max(2.0 * by);
        }
        if let Some((ax, ay)) = self.achievable {
            xmax = xmax.max(1.3 * ax);
            ymax = ymax.max(1.3 * ay);
        }
        for p in &self.points {
            xmax = xmax.max(1.15 * p.x);
            ymax = ymax.max(1.15 * p.y);
        }
        let fix = |m: f64| if m.is_finite() && m > 0.0 { m } else { 1.0 };
        let (xs, ys) = (
            super::svg::nice_step(fix(xmax), 5.0),
            super::svg::nice_step(fix(ymax), 5.0),
        );
        let x1 = (fix(xmax) / xs).ceil() * xs;
        let y1 = (fix(ymax) / ys).ceil() * ys;
        let px = |x: f64| l + x / x1 * (r - l);
        let py = |y: f64| b + y / y1 * (t - b);

        // The achievable region (every rate at least its bound): shaded up to the frame.
        if let Some(((bx, lx), (by, ly))) = &self.corner {
            let (cx, cy) = (px(*bx), py(*by));
            c.polygon(&[(cx, cy), (r, cy), (r, t), (cx, t)], GREY_FILL);
            c.line(cx, b, cx, t, CONVERSE);
            c.line(l, cy, r, cy, CONVERSE);
            // Converse labels: along the lines, inside the frame.
            c.text(cx + 0.4 * fs, t - 1.2 * fs, lx, fs, Anchor::Start);
            c.text(l + 0.4 * fs, cy - 1.2 * fs, ly, fs, Anchor::Start);
            c.circle(cx, cy, 0.28 * fs, true, BLACK);
            c.text(
                cx + 0.5 * fs,
                cy - 1.2 * fs,
                &Label::new("optimal corner", "\\text{optimal corner}"),
                0.85 * fs,
                Anchor::Start,
            );
            if let Some((ax, ay)) = self.achievable {
                c.circle(px(ax), py(ay), 0.3 * fs, false, BLACK);
                c.text(
                    px(ax) + 0.5 * fs,
                    py(ay) + 0.4 * fs,
                    &Label::new("known achievable", "\\text{known achievable}"),
                    0.85 * fs,
                    Anchor::Start,
                );
            }
        }
        if let Some(why) = &self.infeasible {
            c.text(
                (l + r) / 2.0,
                (b + t) / 2.0,
                &Label::new(why.clone(), latex_escape(why)),
                fs,
                Anchor::Middle,
            );
        }
        for (i, p) in self.points.iter().enumerate() {
            let (x, y) = (px(p.x), py(p.y));
            let color = PALETTE[i % PALETTE.len()];
            c.circle(x, y, 0.3 * fs, p.verified, color);
            let label = if p.verified {
                p.label.clone()
            } else {
                format!("{} (violated)", p.label)
            };
            // Above the point, towards the middle of the plot; successive labels stacked.
            let lift = (0.6 + 1.1 * i as f64) * fs;
            let width = 0.6 * 0.85 * fs * label.chars().count() as f64;
            let (tx, anchor) = if x + 0.5 * fs + width > st.width - 0.3 * fs {
                (x - 0.5 * fs, Anchor::End)
            } else {
                (x + 0.5 * fs, Anchor::Start)
            };
            c.text(
                tx,
                y + lift,
                &Label::new(label.clone(), latex_escape(&label)),
                0.85 * fs,
                anchor,
            );
        }
        // Axes, ticks, tick labels and axis names.
        c.line(l, b, r, b, AXIS);
        c.line(l, b, l, t, AXIS);
        let mut v = 0.0;
        while v <= x1 + 1e-9 {
            let x = px(v);
            c.line(x, b, x, b - 0.3 * fs, AXIS);
            let s = super::svg::tick_label(v);
            c.text(
                x,
                b - 1.3 * fs,
                &Label::new(s.clone(), s),
                fs,
                Anchor::Middle,
            );
            v += xs;
        }
        let mut v = 0.0;
        while v <= y1 + 1e-9 {
            let y = py(v);
            c.line(l, y, l - 0.3 * fs, y, AXIS);
            let s = super::svg::tick_label(v);
            c.text(
                l - 0.5 * fs,
                y - 0.35 * fs,
                &Label::new(s.clone(), s),
                fs,
                Anchor::End,
            );
            v += ys;
        }
        c.text((l + r) / 2.0, b - 2.6 * fs, &self.x, fs, Anchor::Middle);
        c.text(0.9 * fs, (b + t) / 2.0, &self.y, fs, Anchor::Middle);
    }
}

/// A `--sweep … --plot FILE` line plot (bounds against the swept parameter) drawn on the
/// same canvas as the region figure: SVG, PDF or PGF, with the style's size and fonts and the
/// legend under the plot instead of beside it.
pub fn sweep_figure(plot: &super::svg::Plot, style: &Style, format: Format) -> Vec<u8> {
    let mut c = Canvas::new(style);
    let fs = style.font_size;
    // Legend rows under the x-axis label: as many entries per row as fit.
    let entries: Vec<(String, Option<usize>)> = plot
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| (rich_name_in(&s.label), Some(i)))
        .chain({
            let mut kinds: Vec<String> = Vec::new();
            for b in &plot.bands {
                if !kinds.contains(&b.label) {
                    kinds.push(b.label.clone());
                }
            }
            kinds.into_iter().map(|k| (k, None))
        })
        .collect();
    let entry_w = |t: &str| 2.6 * fs + 0.55 * fs * t.chars().count() as f64 + 1.2 * fs;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for (i, (t, _)) in entries.iter().enumerate() {
        let w = entry_w(t);
        if used + w > style.width - 2.0 * fs && !rows.last().is_some_and(Vec::is_empty) {
            rows.push(Vec::new());
            used = 0.0;
        }
        if let Some(r) = rows.last_mut() {
            r.push(i);
        }
        used += w;
    }
    let legend_h = rows.len() as f64 * 1.4 * fs;
    let top_pad = if style.title.is_some() {
        2.2 * fs
    } else {
        0.8 * fs
    };
    let (l, b) = (3.6 * fs, 3.0 * fs + legend_h + 0.6 * fs);
    let (r, t) = (style.width - 1.0 * fs, style.height - top_pad);
    if let Some(title) = &style.title {
        c.text(
            (l + r) / 2.0,
            style.height - 1.3 * fs,
            &Label::new(title.clone(), latex_escape(title)),
            fs * 1.1,
            Anchor::Middle,
        );
    }
    let pts = || plot.series.iter().flat_map(|s| s.points.iter().flatten());
    let (mut x0, mut x1) = pts()
        .map(|p| p.0)
        .chain(plot.bands.iter().flat_map(|b| [b.from + 0.5, b.to - 0.5]))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, z), x| {
            (a.min(x), z.max(x))
        });
    if !x0.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    (x0, x1) = (x0 - 0.5, x1 + 0.5);
    let ymax = pts()
        .map(|p| p.1)
        .filter(|y| y.is_finite())
        .fold(0.0, f64::max);
    let ymax = if ymax > 0.0 { ymax } else { 1.0 };
    let ystep = super::svg::nice_step(ymax, 6.0);
    let y1 = ((ymax * 1.08) / ystep).ceil() * ystep;
    let xstep = super::svg::nice_step(x1 - x0, 10.0).max(1.0);
    let px = |x: f64| l + (x - x0) / (x1 - x0) * (r - l);
    let py = |y: f64| b + y / y1 * (t - b);
    for band in &plot.bands {
        let (a, z) = (px(band.from.max(x0)), px(band.to.min(x1)));
        c.polygon(&[(a, b), (z, b), (z, t), (a, t)], band_color(&band.label));
    }
    let frame = Frame { l, r, b, t, fs };
    frame.axes(
        &mut c,
        ((x0 / xstep).ceil() * xstep, x1, xstep),
        (0.0, y1, ystep),
        &px,
        &py,
    );
    c.text(
        (l + r) / 2.0,
        b - 2.6 * fs,
        &Label::new(plot.x_label.clone(), latex_escape(&plot.x_label)),
        fs,
        Anchor::Middle,
    );
    c.text(
        0.9 * fs,
        (b + t) / 2.0,
        &Label::new(plot.y_label.clone(), latex_escape(&plot.y_label)),
        fs,
        Anchor::Middle,
    );
    for (i, m) in plot.markers.iter().enumerate() {
        let x = px(m.x);
        c.line(x, b, x, t, MARKER);
        let (dx, anchor) = if x > (l + r) / 2.0 {
            (-0.4 * fs, Anchor::End)
        } else {
            (0.4 * fs, Anchor::Start)
        };
        let label = rich_name_in(&m.label);
        c.text(
            x + dx,
            t - (1.2 + 1.2 * i as f64) * fs,
            &Label::new(label, latex_escape(&m.label)),
            0.85 * fs,
            anchor,
        );
    }
    for (i, ser) in plot.series.iter().enumerate() {
        let stroke = Stroke {
            color: PALETTE[i % PALETTE.len()],
            width: (1.6 - 0.3 * i as f64).max(0.8),
            dash: DASHES[i % DASHES.len()],
        };
        let mut run: Vec<(f64, f64)> = Vec::new();
        for p in &ser.points {
            match p {
                Some((x, y)) if y.is_finite() => {
                    run.push((px(*x), py(*y)));
                    c.circle(px(*x), py(*y), 0.22 * fs, true, stroke.color);
                }
                _ => {
                    c.polyline(&run, stroke);
                    run.clear();
                }
            }
        }
        c.polyline(&run, stroke);
    }
    // The legend.
    for (row, items) in rows.iter().enumerate() {
        let ly = 0.8 * fs + (rows.len() - 1 - row) as f64 * 1.4 * fs;
        let mut lx = l;
        for &i in items {
            let (text, series) = &entries[i];
            match series {
                Some(k) => c.line(
                    lx,
                    ly + 0.35 * fs,
                    lx + 2.0 * fs,
                    ly + 0.35 * fs,
                    Stroke {
                        color: PALETTE[k % PALETTE.len()],
                        width: 1.4,
                        dash: DASHES[k % DASHES.len()],
                    },
                ),
                None => c.polygon(
                    &[
                        (lx, ly),
                        (lx + 2.0 * fs, ly),
                        (lx + 2.0 * fs, ly + 0.8 * fs),
                        (lx, ly + 0.8 * fs),
                    ],
                    band_color(text),
                ),
            }
            c.text(
                lx + 2.5 * fs,
                ly,
                &Label::new(text.clone(), latex_escape(&text.replace('_', " "))),
                0.9 * fs,
                Anchor::Start,
            );
            lx += entry_w(text);
        }
    }
    match format {
        Format::Svg => c.svg().into_bytes(),
        Format::Pgf => c.pgf().into_bytes(),
        Format::Pdf => c.pdf(),
    }
}

/// A labelled scatter plot with a horizontal interval on every point: the `itsa lcc tradeoff
/// --plot` figure (MIS bound against the localization-error probability, one point per
/// distinct assignment). Drawn on the same canvas as the other figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    pub x: Label,
    pub y: Label,
    pub points: Vec<ScatterPoint>,
}

/// One point of a [`Scatter`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPoint {
    pub x: f64,
    /// The interval drawn as a horizontal bar through the point (e.g. a 95% interval).
    pub x_lo: f64,
    pub x_hi: f64,
    pub y: f64,
    /// Short tag beside the point (`λ=0.2`), placed where it covers no other tag, point or
    /// bar.
    pub tag: String,
    /// Longer text listed under the plot after the tag (`{4,8,10,…}`); empty: not listed.
    pub key: String,
}

/// An axis-aligned box (x0, y0, x1, y1), y upwards.
type Bbox = (f64, f64, f64, f64);

fn overlap(a: Bbox, b: Bbox) -> f64 {
    let w = a.2.min(b.2) - a.0.max(b.0);
    let h = a.3.min(b.3) - a.1.max(b.1);
    if w > 0.0 && h > 0.0 {
        w * h
    } else {
        0.0
    }
}

/// Estimated extent of a text of `chars` characters at `size`, drawn at baseline `y`.
fn text_box(x: f64, y: f64, chars: usize, size: f64, anchor: Anchor) -> Bbox {
    let w = 0.58 * size * chars as f64;
    let x0 = match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - w / 2.0,
        Anchor::End => x - w,
    };
    (x0, y - 0.25 * size, x0 + w, y + 0.8 * size)
}

/// Where each tag goes: for the point `anchors[i]` a tag of `chars[i]` characters at `size`,
/// tried at eight positions around the point (right-above first, then further out), keeping
/// the first that stays inside `frame` and covers no earlier tag and no `obstacle`; when none
/// does, the one with the least covered area. Returns (x, baseline, anchor) per tag.
fn place_tags(
    anchors: &[(f64, f64)],
    chars: &[usize],
    size: f64,
    frame: Bbox,
    obstacles: &[Bbox],
) -> Vec<(f64, f64, Anchor)> {
    let mut placed: Vec<Bbox> = Vec::new();
    let mut out = Vec::new();
    for (&(x, y), &n) in anchors.iter().zip(chars) {
        let (d, up, down) = (0.6 * size, 0.65 * size, -0.5 * size - 0.8 * size);
        let mut candidates = Vec::new();
        for k in [1.0, 2.2] {
            candidates.extend([
                (x + d, y + k * up, Anchor::Start),
                (x - d, y + k * up, Anchor::End),
                (x + d, y + down - (k - 1.0) * up, Anchor::Start),
                (x - d, y + down - (k - 1.0) * up, Anchor::End),
            ]);
        }
        candidates.push((x, y + 2.0 * size, Anchor::Middle));
        candidates.push((x, y - 2.6 * size, Anchor::Middle));
        let cost = |&(cx, cy, a): &(f64, f64, Anchor)| {
            let bb = text_box(cx, cy, n, size, a);
            let outside = (bb.2 - bb.0) * (bb.3 - bb.1) - overlap(bb, frame);
            outside
                + placed
                    .iter()
                    .chain(obstacles)
                    .map(|&o| overlap(bb, o))
                    .sum::<f64>()
        };
        let best = candidates
            .iter()
            .find(|c| cost(c) <= 1e-9)
            .or_else(|| candidates.iter().min_by(|a, b| cost(a).total_cmp(&cost(b))))
            .copied()
            .unwrap_or((x + d, y + up, Anchor::Start));
        placed.push(text_box(best.0, best.1, n, size, best.2));
        out.push(best);
    }
    out
}

/// Draw a [`Scatter`]: points joined by a dashed line in the given order, each with its bar
/// and its tag; under the x-axis the key (`tag: key`, one line per point); the title only
/// when the style has one.
pub fn scatter_figure(plot: &Scatter, style: &Style, format: Format) -> Vec<u8> {
    let mut c = Canvas::new(style);
    let fs = style.font_size;
    let ts = 0.85 * fs;
    let keyed: Vec<&ScatterPoint> = plot.points.iter().filter(|p| !p.key.is_empty()).collect();
    let key_h = keyed.len() as f64 * 1.25 * ts;
    let top_pad = if style.title.is_some() {
        2.2 * fs
    } else {
        0.8 * fs
    };
    let (l, b) = (
        3.6 * fs,
        3.0 * fs
            + if keyed.is_empty() {
                0.0
            } else {
                key_h + 0.6 * fs
            },
    );
    let (r, t) = (style.width - 1.0 * fs, style.height - top_pad);
    if let Some(title) = &style.title {
        c.text(
            (l + r) / 2.0,
            style.height - 1.3 * fs,
            &Label::new(title.clone(), latex_escape(title)),
            fs * 1.1,
            Anchor::Middle,
        );
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let xmax = plot
        .points
        .iter()
        .filter_map(|p| finite(p.x_hi.max(p.x)))
        .fold(0.0, f64::max);
    let xmax = if xmax > 0.0 { xmax } else { 1.0 };
    let xstep = super::svg::nice_step(xmax, 6.0);
    let x1 = ((xmax * 1.05) / xstep).ceil() * xstep;
    let (ylo_raw, yhi_raw) = plot
        .points
        .iter()
        .filter_map(|p| finite(p.y))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, z), y| {
            (a.min(y), z.max(y))
        });
    let (ylo_raw, yhi_raw) = if ylo_raw.is_finite() {
        (ylo_raw, yhi_raw)
    } else {
        (0.0, 1.0)
    };
    let ystep = super::svg::nice_step((yhi_raw - ylo_raw).max(1.0), 5.0);
    let mut y0 = ((ylo_raw - 0.6 * ystep) / ystep).floor() * ystep;
    if ylo_raw >= 0.0 {
        y0 = y0.max(0.0);
    }
    let y1 = ((yhi_raw + 0.6 * ystep) / ystep).ceil() * ystep;
    let px = |x: f64| l + x / x1 * (r - l);
    let py = |y: f64| b + (y - y0) / (y1 - y0) * (t - b);

    let frame = Frame { l, r, b, t, fs };
    frame.axes(&mut c, (0.0, x1, xstep), (y0, y1, ystep), &px, &py);
    c.text((l + r) / 2.0, b - 2.6 * fs, &plot.x, fs, Anchor::Middle);
    c.text(0.9 * fs, (b + t) / 2.0, &plot.y, fs, Anchor::Middle);

    let shown: Vec<&ScatterPoint> = plot
        .points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    let at: Vec<(f64, f64)> = shown.iter().map(|p| (px(p.x), py(p.y))).collect();
    let line = Stroke {
        color: PALETTE[4],
        width: 1.0,
        dash: &[4.0, 3.0],
    };
    c.polyline(&at, line);
    let bar = Stroke {
        color: PALETTE[0],
        width: 1.0,
        dash: &[],
    };
    let mut obstacles: Vec<Bbox> = Vec::new();
    for (p, &(x, y)) in shown.iter().zip(&at) {
        let (lo, hi) = (px(p.x_lo.max(0.0)), px(p.x_hi.min(x1)));
        if hi > lo {
            c.line(lo, y, hi, y, bar);
            c.line(lo, y - 0.25 * fs, lo, y + 0.25 * fs, bar);
            c.line(hi, y - 0.25 * fs, hi, y + 0.25 * fs, bar);
            obstacles.push((lo, y - 0.25 * fs, hi, y + 0.25 * fs));
        }
        c.circle(x, y, 0.3 * fs, true, PALETTE[4]);
        obstacles.push((x - 0.35 * fs, y - 0.35 * fs, x + 0.35 * fs, y + 0.35 * fs));
    }
    // The dashed line too: small boxes along each segment, so no tag sits on it.
    for w in at.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let steps = ((x1 - x0).hypot(y1 - y0) / (0.4 * fs)).ceil().max(1.0) as usize;
        for k in 0..=steps {
            let f = k as f64 / steps as f64;
            let (x, y) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
            obstacles.push((x - 0.15 * fs, y - 0.15 * fs, x + 0.15 * fs, y + 0.15 * fs));
        }
    }
    let chars: Vec<usize> = shown.iter().map(|p| p.tag.chars().count()).collect();
    let frame = (l, b, r, t);
    for (p, (x, y, a)) in shown
        .iter()
        .zip(place_tags(&at, &chars, ts, frame, &obstacles))
    {
        c.text(
            x,
            y,
            &Label::new(p.tag.clone(), latex_escape(&p.tag)),
            ts,
            a,
        );
    }
    // The key: `tag: key`, one line per point, under the x-axis name.
    for (i, p) in keyed.iter().enumerate() {
        let line = format!("{}: {}", p.tag, p.key);
        c.text(
            l,
            0.8 * fs + (keyed.len() - 1 - i) as f64 * 1.25 * ts,
            &Label::new(line.clone(), latex_escape(&line)),
            ts,
            Anchor::Start,
        );
    }
    match format {
        Format::Svg => c.svg().into_bytes(),
        Format::Pgf => c.pgf().into_bytes(),
        Format::Pdf => c.pdf(),
    }
}

/// A plot's frame in canvas coordinates (left, right, bottom, top) and its font size.
struct Frame {
    l: f64,
    r: f64,
    b: f64,
    t: f64,
    fs: f64,
}

impl Frame {
    /// Horizontal grid lines with labels at `y = (from, to, step)`, ticks with labels at
    /// `x = (from, to, step)`, and the two axis lines.
    fn axes(
        &self,
        c: &mut Canvas,
        x: (f64, f64, f64),
        y: (f64, f64, f64),
        px: &dyn Fn(f64) -> f64,
        py: &dyn Fn(f64) -> f64,
    ) {
        let Frame { l, r, b, t, fs } = *self;
        let mut v = y.0;
        while v <= y.1 + 1e-9 {
            c.line(l, py(v), r, py(v), GRID);
            let s = super::svg::tick_label(v);
            c.text(
                l - 0.5 * fs,
                py(v) - 0.35 * fs,
                &Label::new(s.clone(), s),
                fs,
                Anchor::End,
            );
            v += y.2;
        }
        let mut u = x.0;
        while u <= x.1 + 1e-9 {
            c.line(px(u), b, px(u), b - 0.3 * fs, AXIS);
            let s = super::svg::tick_label(u);
            c.text(
                px(u),
                b - 1.3 * fs,
                &Label::new(s.clone(), s),
                fs,
                Anchor::Middle,
            );
            u += x.2;
        }
        c.line(l, b, r, b, AXIS);
        c.line(l, b, l, t, AXIS);
    }
}

fn band_color(label: &str) -> (u8, u8, u8) {
    if label == "infeasible" {
        (228, 228, 228)
    } else {
        (255, 241, 184)
    }
}

/// Rate names inside a longer label (`R_ZΣ: U+V+T−2 → UV−1`): `R_X` → subscript X. Only the
/// first character after `_` up to a space or punctuation is lowered.
fn rich_name_in(label: &str) -> String {
    let mut out = String::new();
    let mut chars = label.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '_' {
            let mut sub = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() {
                    sub.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            let _ = write!(out, "_{{{sub}}}");
        } else {
            out.push(ch);
        }
    }
    out
}

/// `R1` → `R_1`, `R_SΣ` stays: rate names as rich text with a subscript.
fn rich_name(n: &str) -> String {
    if n.contains('_') {
        return n.replacen('_', "_{", 1) + "}";
    }
    match n.find(|c: char| c.is_ascii_digit()) {
        Some(i) if i > 0 => format!("{}_{{{}}}", &n[..i], &n[i..]),
        _ => n.to_string(),
    }
}

fn latex_escape(s: &str) -> String {
    let mut out = String::from("\\text{");
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '$' | '#' | '&' | '_' => {
                out.push('\\');
                out.push(ch);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            '≥' => out.push_str("$\\geq$"),
            '≤' => out.push_str("$\\leq$"),
            '−' => out.push('-'),
            '–' => out.push_str("--"),
            '—' => out.push_str("---"),
            'Σ' => out.push_str("$\\Sigma$"),
            'λ' => out.push_str("$\\lambda$"),
            '×' => out.push_str("$\\times$"),
            c => out.push(c),
        }
    }
    out.push('}');
    out
}

#[derive(Clone, Copy)]
struct Stroke {
    color: (u8, u8, u8),
    width: f64,
    /// Dash pattern in points (empty: solid).
    dash: &'static [f64],
}

const BLACK: (u8, u8, u8) = (0, 0, 0);
const GREY_FILL: (u8, u8, u8) = (225, 232, 240);
const AXIS: Stroke = Stroke {
    color: BLACK,
    width: 0.6,
    dash: &[],
};
const CONVERSE: Stroke = Stroke {
    color: (31, 78, 140),
    width: 1.0,
    dash: &[4.0, 2.0],
};
const GRID: Stroke = Stroke {
    color: (221, 221, 221),
    width: 0.4,
    dash: &[],
};
const MARKER: Stroke = Stroke {
    color: (68, 68, 68),
    width: 0.6,
    dash: &[3.0, 3.0],
};
const DASHES: [&[f64]; 4] = [&[], &[6.0, 3.0], &[2.0, 2.0], &[7.0, 3.0, 2.0, 3.0]];
const PALETTE: [(u8, u8, u8); 5] = [
    (200, 40, 40),
    (40, 140, 60),
    (130, 60, 170),
    (230, 120, 20),
    (30, 120, 180),
];

#[derive(Clone, Copy, PartialEq)]
enum Anchor {
    Start,
    Middle,
    End,
}

enum Item {
    Line(f64, f64, f64, f64, Stroke),
    Polyline(Vec<(f64, f64)>, Stroke),
    Polygon(Vec<(f64, f64)>, (u8, u8, u8)),
    Circle(f64, f64, f64, bool, (u8, u8, u8)),
    /// x, y (baseline), label, size, anchor, rotated (y-axis label: drawn vertically).
    Text(f64, f64, Label, f64, Anchor, bool),
}

/// The five drawing primitives, recorded, then written out in one of the formats.
struct Canvas {
    w: f64,
    h: f64,
    family: String,
    items: Vec<Item>,
}

/// Rich text runs: (text, subscript).
fn runs(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut cur = String::new();
    while let Some(ch) = chars.next() {
        if ch == '_' {
            let mut sub = String::new();
            if chars.peek() == Some(&'{') {
                chars.next();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    sub.push(c);
                }
            } else if let Some(c) = chars.next() {
                sub.push(c);
            }
            if !cur.is_empty() {
                out.push((std::mem::take(&mut cur), false));
            }
            out.push((sub, true));
        } else {
            cur.push(ch);
        }
    }
    if !cur.is_empty() {
        out.push((cur, false));
    }
    out
}

fn svg_dash(st: &Stroke) -> String {
    if st.dash.is_empty() {
        String::new()
    } else {
        let d: Vec<String> = st.dash.iter().map(|v| format!("{v}")).collect();
        format!(r#" stroke-dasharray="{}""#, d.join(" "))
    }
}

fn pgf_dash(st: &Stroke) -> String {
    if st.dash.is_empty() {
        return String::new();
    }
    let mut out = String::from(",dash pattern=");
    for (i, d) in st.dash.iter().enumerate() {
        let _ = write!(out, "{}{d}pt ", if i % 2 == 0 { "on " } else { "off " });
    }
    out.trim_end().to_string()
}

fn xml(s: &str) -> String {
    super::svg::escape(s)
}

impl Canvas {
    fn new(st: &Style) -> Canvas {
        Canvas {
            w: st.width,
            h: st.height,
            family: st.font_family.clone(),
            items: Vec::new(),
        }
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, s: Stroke) {
        self.items.push(Item::Line(x1, y1, x2, y2, s));
    }

    fn polyline(&mut self, pts: &[(f64, f64)], s: Stroke) {
        if pts.len() > 1 {
            self.items.push(Item::Polyline(pts.to_vec(), s));
        }
    }

    fn polygon(&mut self, pts: &[(f64, f64)], fill: (u8, u8, u8)) {
        self.items.push(Item::Polygon(pts.to_vec(), fill));
    }

    fn circle(&mut self, x: f64, y: f64, r: f64, filled: bool, color: (u8, u8, u8)) {
        self.items.push(Item::Circle(x, y, r, filled, color));
    }

    /// Text at (x, y); a label drawn at x < 2·size is the rotated y-axis name.
    fn text(&mut self, x: f64, y: f64, label: &Label, size: f64, anchor: Anchor) {
        let rotated = x < size && anchor == Anchor::Middle;
        self.items
            .push(Item::Text(x, y, label.clone(), size, anchor, rotated));
    }

    fn svg(&self) -> String {
        let (w, h) = (self.w, self.h);
        let mut s = String::new();
        let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.2}pt" height="{h:.2}pt" viewBox="0 0 {w:.2} {h:.2}" font-family="{}">"#,
            xml(&self.family)
        );
        let _ = writeln!(s, r#"<rect width="{w:.2}" height="{h:.2}" fill="white"/>"#);
        let rgb = |c: (u8, u8, u8)| format!("rgb({},{},{})", c.0, c.1, c.2);
        for it in &self.items {
            match it {
                Item::Polyline(pts, st) => {
                    let p: Vec<String> = pts
                        .iter()
                        .map(|(x, y)| format!("{x:.2},{:.2}", h - y))
                        .collect();
                    let _ = writeln!(
                        s,
                        r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"{}/>"#,
                        p.join(" "),
                        rgb(st.color),
                        st.width,
                        svg_dash(st)
                    );
                }
                Item::Line(x1, y1, x2, y2, st) => {
                    let dash = svg_dash(st);
                    let _ = writeln!(
                        s,
                        r#"<line x1="{x1:.2}" y1="{:.2}" x2="{x2:.2}" y2="{:.2}" stroke="{}" stroke-width="{}"{dash}/>"#,
                        h - y1,
                        h - y2,
                        rgb(st.color),
                        st.width
                    );
                }
                Item::Polygon(pts, fill) => {
                    let p: Vec<String> = pts
                        .iter()
                        .map(|(x, y)| format!("{x:.2},{:.2}", h - y))
                        .collect();
                    let _ = writeln!(
                        s,
                        r#"<polygon points="{}" fill="{}"/>"#,
                        p.join(" "),
                        rgb(*fill)
                    );
                }
                Item::Circle(x, y, r, filled, c) => {
                    let fill = if *filled { rgb(*c) } else { "white".into() };
                    let _ = writeln!(
                        s,
                        r#"<circle cx="{x:.2}" cy="{:.2}" r="{r:.2}" fill="{fill}" stroke="{}" stroke-width="0.8"/>"#,
                        h - y,
                        rgb(*c)
                    );
                }
                Item::Text(x, y, label, size, anchor, rotated) => {
                    let a = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    let rot = if *rotated {
                        format!(r#" transform="rotate(-90 {x:.2} {:.2})""#, h - y)
                    } else {
                        String::new()
                    };
                    let mut body = String::new();
                    for (t, sub) in runs(&label.text) {
                        if sub {
                            let _ = write!(
                                body,
                                r#"<tspan font-size="{:.2}" dy="{:.2}">{}</tspan><tspan dy="{:.2}">&#8203;</tspan>"#,
                                size * 0.7,
                                size * 0.25,
                                xml(&t),
                                -size * 0.25
                            );
                        } else {
                            body.push_str(&xml(&t));
                        }
                    }
                    let _ = writeln!(
                        s,
                        r#"<text x="{x:.2}" y="{:.2}" font-size="{size:.2}" text-anchor="{a}"{rot}>{body}</text>"#,
                        h - y
                    );
                }
            }
        }
        s.push_str("</svg>\n");
        s
    }

    fn pgf(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "% itsa region figure: \\input{{}} it inside a figure environment (needs tikz, amsmath)."
        );
        let _ = writeln!(
            s,
            "\\begin{{tikzpicture}}[x=1pt,y=1pt,font=\\small]\n\\useasboundingbox (0,0) rectangle ({:.2},{:.2});",
            self.w, self.h
        );
        let rgb = |c: (u8, u8, u8)| format!("{{rgb,255:red,{};green,{};blue,{}}}", c.0, c.1, c.2);
        for it in &self.items {
            match it {
                Item::Line(x1, y1, x2, y2, st) => {
                    let _ = writeln!(
                        s,
                        "\\draw[color={},line width={}pt{}] ({x1:.2},{y1:.2}) -- ({x2:.2},{y2:.2});",
                        rgb(st.color),
                        st.width,
                        pgf_dash(st)
                    );
                }
                Item::Polyline(pts, st) => {
                    let p: Vec<String> = pts
                        .iter()
                        .map(|(x, y)| format!("({x:.2},{y:.2})"))
                        .collect();
                    let _ = writeln!(
                        s,
                        "\\draw[color={},line width={}pt{}] {};",
                        rgb(st.color),
                        st.width,
                        pgf_dash(st),
                        p.join(" -- ")
                    );
                }
                Item::Polygon(pts, fill) => {
                    let p: Vec<String> = pts
                        .iter()
                        .map(|(x, y)| format!("({x:.2},{y:.2})"))
                        .collect();
                    let _ = writeln!(
                        s,
                        "\\fill[color={}] {} -- cycle;",
                        rgb(*fill),
                        p.join(" -- ")
                    );
                }
                Item::Circle(x, y, r, filled, c) => {
                    let _ = writeln!(
                        s,
                        "\\draw[color={},fill={},line width=0.8pt] ({x:.2},{y:.2}) circle ({r:.2});",
                        rgb(*c),
                        if *filled { rgb(*c) } else { "white".into() }
                    );
                }
                Item::Text(x, y, label, size, anchor, rotated) => {
                    let a = match anchor {
                        Anchor::Start => "base west",
                        Anchor::Middle => "base",
                        Anchor::End => "base east",
                    };
                    let rot = if *rotated { ",rotate=90" } else { "" };
                    let _ = writeln!(
                        s,
                        "\\node[anchor={a},inner sep=0pt,font=\\fontsize{{{size:.1}}}{{{:.1}}}\\selectfont{rot}] at ({x:.2},{y:.2}) {{${}$}};",
                        size * 1.2,
                        label.latex
                    );
                }
            }
        }
        s.push_str("\\end{tikzpicture}\n");
        s
    }

    fn pdf(&self) -> Vec<u8> {
        use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
        let family = self.family.to_ascii_lowercase();
        let base = if family.contains("mono") || family.contains("courier") {
            "Courier"
        } else if family.contains("serif") && !family.contains("sans") || family.contains("times") {
            "Times-Roman"
        } else {
            "Helvetica"
        };
        let (catalog, pages, page, content_id, font, symbol) = (
            Ref::new(1),
            Ref::new(2),
            Ref::new(3),
            Ref::new(4),
            Ref::new(5),
            Ref::new(6),
        );
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(pages);
        pdf.pages(pages).kids([page]).count(1);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, self.w as f32, self.h as f32));
        p.parent(pages);
        p.contents(content_id);
        {
            let mut res = p.resources();
            let mut fonts = res.fonts();
            fonts.pair(Name(b"F1"), font);
            fonts.pair(Name(b"F2"), symbol);
        }
        p.finish();
        pdf.type1_font(font)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(symbol).base_font(Name(b"Symbol"));
        let mut c = Content::new();
        let f = |v: f64| v as f32;
        for it in &self.items {
            match it {
                Item::Line(x1, y1, x2, y2, st) => {
                    c.save_state();
                    c.set_stroke_rgb(
                        st.color.0 as f32 / 255.0,
                        st.color.1 as f32 / 255.0,
                        st.color.2 as f32 / 255.0,
                    );
                    c.set_line_width(f(st.width));
                    if !st.dash.is_empty() {
                        c.set_dash_pattern(st.dash.iter().map(|&d| d as f32), 0.0);
                    }
                    c.move_to(f(*x1), f(*y1));
                    c.line_to(f(*x2), f(*y2));
                    c.stroke();
                    c.restore_state();
                }
                Item::Polyline(pts, st) => {
                    c.save_state();
                    c.set_stroke_rgb(
                        st.color.0 as f32 / 255.0,
                        st.color.1 as f32 / 255.0,
                        st.color.2 as f32 / 255.0,
                    );
                    c.set_line_width(f(st.width));
                    if !st.dash.is_empty() {
                        c.set_dash_pattern(st.dash.iter().map(|&d| d as f32), 0.0);
                    }
                    for (i, (x, y)) in pts.iter().enumerate() {
                        if i == 0 {
                            c.move_to(f(*x), f(*y));
                        } else {
                            c.line_to(f(*x), f(*y));
                        }
                    }
                    c.stroke();
                    c.restore_state();
                }
                Item::Polygon(pts, col) => {
                    c.save_state();
                    c.set_fill_rgb(
                        col.0 as f32 / 255.0,
                        col.1 as f32 / 255.0,
                        col.2 as f32 / 255.0,
                    );
                    for (i, (x, y)) in pts.iter().enumerate() {
                        if i == 0 {
                            c.move_to(f(*x), f(*y));
                        } else {
                            c.line_to(f(*x), f(*y));
                        }
                    }
                    c.close_path();
                    c.fill_nonzero();
                    c.restore_state();
                }
                Item::Circle(x, y, r, filled, col) => {
                    // Four Bézier arcs.
                    let k = 0.552_284_8 * r;
                    let (x, y, r) = (*x, *y, *r);
                    c.save_state();
                    let rgb = (
                        col.0 as f32 / 255.0,
                        col.1 as f32 / 255.0,
                        col.2 as f32 / 255.0,
                    );
                    c.set_stroke_rgb(rgb.0, rgb.1, rgb.2);
                    if *filled {
                        c.set_fill_rgb(rgb.0, rgb.1, rgb.2);
                    } else {
                        c.set_fill_rgb(1.0, 1.0, 1.0);
                    }
                    c.set_line_width(0.8);
                    c.move_to(f(x + r), f(y));
                    c.cubic_to(f(x + r), f(y + k), f(x + k), f(y + r), f(x), f(y + r));
                    c.cubic_to(f(x - k), f(y + r), f(x - r), f(y + k), f(x - r), f(y));
                    c.cubic_to(f(x - r), f(y - k), f(x - k), f(y - r), f(x), f(y - r));
                    c.cubic_to(f(x + k), f(y - r), f(x + r), f(y - k), f(x + r), f(y));
                    c.close_path();
                    c.fill_nonzero_and_stroke();
                    c.restore_state();
                }
                Item::Text(x, y, label, size, anchor, rotated) => {
                    // Runs of (font, bytes, size, rise), base-14 metrics approximated.
                    let mut parts: Vec<(bool, Vec<u8>, f64, f64)> = Vec::new();
                    for (t, sub) in runs(&label.text) {
                        let (sz, rise) = if sub {
                            (size * 0.7, -size * 0.25)
                        } else {
                            (*size, 0.0)
                        };
                        for ch in t.chars() {
                            let (sym, byte) = pdf_char(ch);
                            match parts.last_mut() {
                                Some(last) if last.0 == sym && last.2 == sz => last.1.push(byte),
                                _ => parts.push((sym, vec![byte], sz, rise)),
                            }
                        }
                    }
                    let width: f64 = parts
                        .iter()
                        .map(|(_, b, sz, _)| b.len() as f64 * sz * 0.5)
                        .sum();
                    let shift = match anchor {
                        Anchor::Start => 0.0,
                        Anchor::Middle => -width / 2.0,
                        Anchor::End => -width,
                    };
                    c.begin_text();
                    if *rotated {
                        c.set_text_matrix([0.0, 1.0, -1.0, 0.0, f(*x), f(*y + shift)]);
                    } else {
                        c.set_text_matrix([1.0, 0.0, 0.0, 1.0, f(*x + shift), f(*y)]);
                    }
                    for (sym, bytes, sz, rise) in &parts {
                        c.set_font(Name(if *sym { b"F2" } else { b"F1" }), f(*sz));
                        c.set_rise(f(*rise));
                        c.show(Str(bytes));
                    }
                    c.end_text();
                }
            }
        }
        pdf.stream(content_id, &c.finish());
        pdf.finish()
    }
}

/// A character in a base-14 font: (Symbol font?, byte). Greek and maths from Symbol,
/// the rest WinAnsi (Latin-1 range); anything else becomes '?'.
fn pdf_char(ch: char) -> (bool, u8) {
    match ch {
        '≥' => (true, 0xB3),
        '≤' => (true, 0xA3),
        '−' => (true, 0x2D),
        '×' => (true, 0xB4),
        'Σ' => (true, b'S'),
        'Θ' => (true, b'Q'),
        'λ' => (true, b'l'),
        '–' => (false, 0x96),
        '—' => (false, 0x97),
        '‘' => (false, 0x91),
        '’' => (false, 0x92),
        '“' => (false, 0x93),
        '”' => (false, 0x94),
        '•' => (false, 0x95),
        '…' => (false, 0x85),
        c if (c as u32) < 0x80 => (false, c as u8),
        c if (0xA0..0x100).contains(&(c as u32)) => (false, c as u32 as u8),
        _ => (false, b'?'),
    }
}

/// The points of schemes given with `--spec`: each scheme verified, its achieved rates read
/// off the report; schemes of another model are an error.
pub fn achieved_point(
    label: &str,
    report: &crate::verify::Report,
    x: &str,
    y: &str,
) -> Result<Point, RegionError> {
    let rates = report
        .rates
        .as_ref()
        .ok_or_else(|| RegionError::Usage(format!("--spec {label}: the report has no rates")))?;
    let get = |n: &str| -> Result<f64, RegionError> {
        let line = rates.lines.iter().find(|l| l.name == n).ok_or_else(|| {
            RegionError::Usage(format!("--spec {label}: the scheme has no rate {n}"))
        })?;
        let head = line.achieved.split_whitespace().next().unwrap_or("");
        head.parse::<num_rational::BigRational>()
            .ok()
            .and_then(|r| r.to_f64())
            .ok_or_else(|| {
                RegionError::Usage(format!(
                    "--spec {label}: cannot read rate {n} = {}",
                    line.achieved
                ))
            })
    };
    Ok(Point {
        label: label.to_string(),
        x: get(x)?,
        y: get(y)?,
        verified: report.verdict == crate::verify::Verdict::Verified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_units() {
        let (w, h) = parse_size("8.5cmx6cm").unwrap();
        assert!((w - 240.94).abs() < 0.01 && (h - 170.08).abs() < 0.01);
        assert_eq!(parse_size("3inx2in").unwrap(), (216.0, 144.0));
        assert_eq!(parse_size("240x180").unwrap(), (240.0, 180.0));
        assert!(parse_size("8cm").is_err());
        assert!(parse_size("1x1").is_err());
        assert!(parse_size("8furlongx6cm").is_err());
    }

    #[test]
    fn sweeps_draw_gaps_as_separate_polylines() {
        use crate::region::svg::{Band, Marker, Plot, Series};
        let plot = Plot {
            title: String::new(),
            subtitle: String::new(),
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
        let st = Style::default();
        let svg = String::from_utf8(sweep_figure(&plot, &st, Format::Svg)).unwrap();
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("a → b"));
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(
            svg.as_bytes(),
            sweep_figure(&plot, &st, Format::Svg),
            "deterministic"
        );
        let pgf = String::from_utf8(sweep_figure(&plot, &st, Format::Pgf)).unwrap();
        assert!(pgf.matches(" -- (").count() >= 2);
        assert!(sweep_figure(&plot, &st, Format::Pdf).starts_with(b"%PDF-"));
    }

    #[test]
    fn scatter_tags_do_not_overlap_and_the_title_is_optional() {
        // Five points close together (as the λ points of a trade-off bunch up): every tag
        // finds a place covering no other tag and no point.
        let anchors = [
            (100.0, 100.0),
            (104.0, 98.0),
            (108.0, 101.0),
            (112.0, 99.0),
            (150.0, 60.0),
        ];
        let chars = [5, 9, 5, 7, 5];
        let size = 8.0;
        let frame = (40.0, 20.0, 230.0, 160.0);
        let points: Vec<Bbox> = anchors
            .iter()
            .map(|&(x, y)| (x - 3.0, y - 3.0, x + 3.0, y + 3.0))
            .collect();
        let at = place_tags(&anchors, &chars, size, frame, &points);
        let boxes: Vec<Bbox> = at
            .iter()
            .zip(chars)
            .map(|(&(x, y, a), n)| text_box(x, y, n, size, a))
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.0 >= frame.0 && a.2 <= frame.2 && a.1 >= frame.1 && a.3 <= frame.3);
            for b in &boxes[i + 1..] {
                assert_eq!(overlap(*a, *b), 0.0, "tags {a:?} and {b:?} overlap");
            }
            for p in &points {
                assert_eq!(overlap(*a, *p), 0.0, "tag {a:?} covers point {p:?}");
            }
        }
        let plot = Scatter {
            x: Label::new("P_e", "P_e"),
            y: Label::new("bits", "\\text{bits}"),
            points: vec![
                ScatterPoint {
                    x: 0.03,
                    x_lo: 0.02,
                    x_hi: 0.04,
                    y: 56.4,
                    tag: "λ=0".into(),
                    key: "{2,4,5}".into(),
                },
                ScatterPoint {
                    x: 0.15,
                    x_lo: 0.13,
                    x_hi: 0.16,
                    y: 26.2,
                    tag: "λ=0.6–1".into(),
                    key: "{4,11,12}".into(),
                },
            ],
        };
        let mut st = Style::default();
        let svg = String::from_utf8(scatter_figure(&plot, &st, Format::Svg)).unwrap();
        assert!(svg.contains(">λ=0.6–1<") && svg.contains("λ=0: {2,4,5}"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(!svg.contains("font-size=\"9.90\""), "no title by default");
        st.title = Some("Privacy vs robustness".into());
        let svg = String::from_utf8(scatter_figure(&plot, &st, Format::Svg)).unwrap();
        assert!(svg.contains(">Privacy vs robustness</text>"));
        let pgf = String::from_utf8(scatter_figure(&plot, &st, Format::Pgf)).unwrap();
        assert!(pgf.contains("$\\lambda$"));
        assert!(scatter_figure(&plot, &st, Format::Pdf).starts_with(b"%PDF-"));
    }

    #[test]
    fn rich_text_subscripts() {
        assert_eq!(rich_name("R1"), "R_{1}");
        assert_eq!(rich_name("R_SΣ"), "R_{SΣ}");
        assert_eq!(
            runs("R_{1} ≥ 1"),
            vec![
                ("R".to_string(), false),
                ("1".to_string(), true),
                (" ≥ 1".to_string(), false)
            ]
        );
        assert_eq!(pdf_char('≥'), (true, 0xB3));
        assert_eq!(pdf_char('漢'), (false, b'?'));
    }
}
