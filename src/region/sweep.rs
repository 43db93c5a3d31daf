//! A region evaluated over a range of one parameter (`--sweep NAME=a..b`): one row per
//! value, as a text table, CSV or JSON, and as the data of a plot ([`Sweep::plot`]).

use serde_json::{json, Map, Value};

use super::catalog::Model;
use super::render::{region_json, source_lines, table};
use super::svg::{Band, Marker, Plot, Series};
use super::{to_f64, Region, RegionError};

/// `colluders=0..11`: both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepSpec {
    pub flag: String,
    pub from: u64,
    pub to: u64,
}

impl SweepSpec {
    pub fn parse(s: &str) -> Result<SweepSpec, RegionError> {
        let bad = |why: &str| {
            RegionError::Usage(format!(
                "--sweep {s:?}: {why}; expected NAME=A..B, e.g. colluders=0..11 (both ends included)"
            ))
        };
        let (flag, range) = s.split_once('=').ok_or_else(|| bad("no `=`"))?;
        let (a, b) = range
            .split_once("..")
            .ok_or_else(|| bad("no `..` in the range"))?;
        let num = |x: &str| {
            x.trim()
                .parse::<u64>()
                .map_err(|_| bad(&format!("`{x}` is not a non-negative integer")))
        };
        let (from, to) = (num(a)?, num(b)?);
        if from > to {
            return Err(bad("the range is empty (A > B)"));
        }
        crate::budget::charge(
            crate::budget::Resource::Points,
            (to - from) as u128 + 1,
            format!("the sweep {s}"),
        )
        .map_err(|e| RegionError::Usage(e.to_string()))?;
        Ok(SweepSpec {
            flag: flag.trim().trim_start_matches("--").to_string(),
            from,
            to,
        })
    }
}

/// The rows of a sweep.
pub struct Sweep {
    pub model: &'static Model,
    /// Index of the swept parameter in `model.params`.
    pub index: usize,
    /// The other parameters (the swept one is `None`).
    pub fixed: Vec<Option<u64>>,
    pub rows: Vec<(u64, Region)>,
}

/// Evaluate `model` at every value of the sweep. Any invalid value makes the whole sweep
/// an error naming that value.
pub fn run(
    model: &'static Model,
    given: &[(&str, u64)],
    spec: &SweepSpec,
) -> Result<Sweep, RegionError> {
    let (index, param) = model.param(&spec.flag)?;
    let mut fixed = vec![None; model.params.len()];
    for &(flag, v) in given {
        let (i, p) = model.param(flag)?;
        if i == index {
            return Err(RegionError::Usage(format!(
                "--{} is swept by --sweep and cannot also be given",
                p.flag
            )));
        }
        fixed[i] = Some(v);
    }
    let mut rows = Vec::new();
    for x in spec.from..=spec.to {
        let mut values = fixed.clone();
        values[index] = Some(x);
        let e = model.evaluate_values(values).map_err(|err| match err {
            RegionError::Parameter { reason, flag } => {
                RegionError::Usage(format!("at {}={x}: --{flag}: {reason}", param.flag))
            }
            other => other,
        })?;
        rows.push((x, e.region));
    }
    Ok(Sweep {
        model,
        index,
        fixed,
        rows,
    })
}

/// Row status: `feasible`, `warning` (bounds not established), or `infeasible`.
fn status(r: &Region) -> &'static str {
    match r {
        Region::Infeasible { .. } => "infeasible",
        Region::Feasible { warnings, .. } if !warnings.is_empty() => "warning",
        Region::Feasible { .. } => "feasible",
    }
}

/// One bound's columns: its name and whether any row carries a factor or a binding branch.
struct Column {
    name: String,
    factor: bool,
    binds: bool,
}

impl Sweep {
    fn param_symbol(&self) -> &'static str {
        self.model.params[self.index].symbol
    }

    fn flag(&self) -> &'static str {
        self.model.params[self.index].flag
    }

    fn columns(&self) -> Vec<Column> {
        let mut cols: Vec<Column> = Vec::new();
        for b in self.rows.iter().flat_map(|(_, r)| r.bounds()) {
            match cols.iter_mut().find(|c| c.name == b.name) {
                Some(c) => {
                    c.factor |= b.factor.is_some();
                    c.binds |= b.binds.is_some();
                }
                None => cols.push(Column {
                    name: b.name.clone(),
                    factor: b.factor.is_some(),
                    binds: b.binds.is_some(),
                }),
            }
        }
        cols
    }

    fn header(&self, cols: &[Column]) -> Vec<String> {
        let mut h = vec![self.param_symbol().to_string(), "status".into()];
        let any_factor = cols.iter().any(|c| c.factor);
        for c in cols {
            if c.factor {
                h.push(format!("{} (× log p/log q)", c.name));
                h.push(format!("{} ≈ (float)", c.name));
            } else {
                h.push(c.name.clone());
            }
            if c.binds {
                h.push(format!("{} binds", c.name));
            }
        }
        if any_factor {
            h.push("log p / log q".into());
        }
        h
    }

    fn cells(&self, cols: &[Column], x: u64, r: &Region) -> Vec<String> {
        let mut row = vec![x.to_string(), status(r).to_string()];
        for c in cols {
            let b = r.bound(&c.name);
            row.push(b.map_or(String::new(), |b| b.value.to_string()));
            if c.factor {
                row.push(
                    b.and_then(|b| b.approx)
                        .map_or(String::new(), |a| format!("{a:.6}")),
                );
            }
            if c.binds {
                row.push(
                    b.and_then(|b| b.binds.as_ref())
                        .map_or(String::new(), |x| x.branch.clone()),
                );
            }
        }
        if cols.iter().any(|c| c.factor) {
            let f = r.bounds().iter().find_map(|b| b.factor);
            row.push(f.map_or(String::new(), |f| f.symbolic()));
        }
        row
    }

    /// `U = 3, V = 4` (the fixed parameters).
    pub fn fixed_line(&self) -> String {
        self.model
            .params
            .iter()
            .zip(&self.fixed)
            .filter_map(|(p, v)| v.map(|v| format!("{} = {v}", p.symbol)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn range_line(&self) -> String {
        let (a, b) = (
            self.rows.first().map_or(0, |r| r.0),
            self.rows.last().map_or(0, |r| r.0),
        );
        format!("{} (--{}) = {a}..{b}", self.param_symbol(), self.flag())
    }

    pub fn text(&self) -> String {
        let cols = self.columns();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|(x, r)| self.cells(&cols, *x, r))
            .collect();
        let mut out = format!(
            "itsa region {}: sweep {} at {}\n",
            self.model.name,
            self.range_line(),
            self.fixed_line()
        );
        out.push_str(&source_lines(self.model.source));
        out.push('\n');
        out.push_str(&table(&self.header(&cols), &rows));
        let mut remarks = Vec::new();
        for (x, r) in &self.rows {
            let sym = self.param_symbol();
            match r {
                Region::Infeasible { reason, .. } => {
                    remarks.push(format!("  {sym} = {x}: INFEASIBLE: {reason}"))
                }
                Region::Feasible { warnings, .. } => remarks.extend(
                    warnings
                        .iter()
                        .map(|w| format!("  {sym} = {x}: WARNING: {w}")),
                ),
            }
        }
        if !remarks.is_empty() {
            out.push('\n');
            out.push_str(&(remarks.join("\n") + "\n"));
        }
        out
    }

    pub fn csv(&self) -> String {
        let cols = self.columns();
        let mut header = self.header(&cols);
        header[0] = self.flag().to_string();
        header.push("reason or warnings".into());
        let mut out = csv_line(&header);
        for (x, r) in &self.rows {
            let mut row = self.cells(&cols, *x, r);
            row.push(match r {
                Region::Infeasible { reason, .. } => reason.clone(),
                Region::Feasible { warnings, .. } => warnings.join(" | "),
            });
            out.push_str(&csv_line(&row));
        }
        out
    }

    pub fn json(&self) -> Value {
        let mut fixed = Map::new();
        for (p, v) in self.model.params.iter().zip(&self.fixed) {
            if let Some(v) = v {
                fixed.insert(p.flag.to_string(), json!(v));
            }
        }
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|(x, r)| {
                let mut m = Map::new();
                m.insert(self.flag().to_string(), json!(x));
                m.extend(region_json(r));
                Value::Object(m)
            })
            .collect();
        json!({
            "model": self.model.name,
            "title": self.model.title,
            "source": self.model.source,
            "fixed": fixed,
            "sweep": {
                "param": self.flag(),
                "symbol": self.param_symbol(),
                "from": self.rows.first().map(|r| r.0),
                "to": self.rows.last().map(|r| r.0),
            },
            "rows": rows,
        })
    }

    /// The plot of every bound against the swept parameter, with infeasible stretches
    /// shaded and a marker wherever a min/max switches branch.
    pub fn plot(&self) -> Plot {
        let cols = self.columns();
        let mut series: Vec<Series> = Vec::new();
        for c in &cols {
            let points: Vec<Option<(f64, f64)>> = self
                .rows
                .iter()
                .map(|(x, r)| {
                    r.bound(&c.name)
                        .map(|b| (*x as f64, b.approx.unwrap_or_else(|| to_f64(&b.value))))
                })
                .collect();
            let label = if c.factor {
                format!("{} (× log p/log q, float)", c.name)
            } else {
                c.name.clone()
            };
            // Identical curves share one legend entry instead of hiding each other.
            match series.iter_mut().find(|s| s.points == points) {
                Some(s) => s.label = format!("{} = {}", s.label, label),
                None => series.push(Series { label, points }),
            }
        }
        Plot {
            // No tool banner: the fixed parameters go into the axis label, a title only
            // when asked for (--title).
            title: String::new(),
            subtitle: String::new(),
            x_label: format!(
                "{} (--{}); {}",
                self.param_symbol(),
                self.flag(),
                self.fixed_line()
            ),
            y_label: "lower bound on the rate (per input symbol)".into(),
            series,
            markers: self.branch_markers(&cols),
            bands: self.bands(),
        }
    }

    /// Stretches of infeasible rows and of rows whose bounds are not established.
    fn bands(&self) -> Vec<Band> {
        let mut bands: Vec<Band> = Vec::new();
        for (x, r) in &self.rows {
            let kind = match status(r) {
                "infeasible" => "infeasible",
                "warning" => "not established",
                _ => continue,
            };
            let x = *x as f64;
            match bands.last_mut() {
                Some(b) if b.label == kind && (b.to - (x - 0.5)).abs() < 1e-9 => b.to = x + 0.5,
                _ => bands.push(Band {
                    from: x - 0.5,
                    to: x + 0.5,
                    label: kind.into(),
                }),
            }
        }
        bands
    }

    /// Where a bound's binding branch changes: at the tie value when there is one, else
    /// half-way between the last row of one branch and the first of the next.
    fn branch_markers(&self, cols: &[Column]) -> Vec<Marker> {
        let mut markers: Vec<Marker> = Vec::new();
        for c in cols.iter().filter(|c| c.binds) {
            let seq: Vec<(f64, String, bool)> = self
                .rows
                .iter()
                .filter_map(|(x, r)| {
                    let b = r.bound(&c.name)?.binds.as_ref()?;
                    Some((*x as f64, b.branch.clone(), b.tie))
                })
                .collect();
            let mut found = Vec::new();
            let mut prev: Option<(f64, &str)> = None;
            for (x, branch, tie) in &seq {
                if *tie {
                    continue;
                }
                if let Some((px, pb)) = prev {
                    if pb != branch {
                        let ties: Vec<f64> = seq
                            .iter()
                            .filter(|s| s.2 && s.0 > px && s.0 < *x)
                            .map(|s| s.0)
                            .collect();
                        let sym = self.param_symbol();
                        let (at, place) = match ties[..] {
                            [t] => (t, format!("{sym} = {t}")),
                            _ => ((px + x) / 2.0, format!("{sym} = {px}..{x}")),
                        };
                        found.push((at, format!("{pb} → {branch} ({place})")));
                    }
                }
                prev = Some((*x, branch));
            }
            // Ties that are not the meeting point of a switch are marked on their own.
            let sym = self.param_symbol();
            for (x, branch, _) in seq.iter().filter(|s| s.2) {
                if !found.iter().any(|(at, _)| at == x) {
                    found.push((*x, format!("{branch} ({sym} = {x})")));
                }
            }
            for (at, what) in found {
                // Bounds that switch together (R2 and R_S) share one marker.
                match markers
                    .iter_mut()
                    .find(|m| (m.x - at).abs() < 1e-9 && m.label.ends_with(&format!(": {what}")))
                {
                    Some(m) => {
                        let (names, _) = m.label.split_once(": ").unwrap_or_default();
                        m.label = format!("{names}, {}: {what}", c.name);
                    }
                    None => markers.push(Marker {
                        x: at,
                        label: format!("{}: {what}", c.name),
                    }),
                }
            }
        }
        markers
    }
}

/// One CSV record (RFC 4180 quoting, by the `csv` crate), with its line break.
fn csv_line(cells: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail; an error would leave the record out.
    let _ = w.write_record(cells);
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::catalog::find;

    fn multi_server_t(a: u64, b: u64) -> Sweep {
        let spec = SweepSpec::parse(&format!("colluders={a}..{b}")).unwrap();
        run(
            find("multi-server").unwrap(),
            &[("servers", 3), ("users-per-server", 4)],
            &spec,
        )
        .unwrap()
    }

    #[test]
    fn spec_parsing() {
        let s = SweepSpec::parse("colluders=0..11").unwrap();
        assert_eq!((s.flag.as_str(), s.from, s.to), ("colluders", 0, 11));
        assert_eq!(SweepSpec::parse("--users=3..3").unwrap().flag, "users");
        for bad in [
            "colluders",
            "colluders=0-11",
            "colluders=5..2",
            "colluders=a..3",
            "t=0..99999",
        ] {
            assert!(SweepSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn one_row_per_value() {
        let s = multi_server_t(0, 11);
        assert_eq!(s.rows.len(), 12);
        let zs: Vec<String> = s
            .rows
            .iter()
            .map(|(_, r)| r.bound("R_ZΣ").unwrap().value.to_string())
            .collect();
        assert_eq!(
            zs,
            ["5", "6", "7", "8", "9", "10", "11", "11", "11", "11", "11", "11"]
        );
    }

    #[test]
    fn sweep_errors_name_the_value_or_the_conflict() {
        let spec = SweepSpec::parse("colluders=0..12").unwrap();
        let m = find("multi-server").unwrap();
        let e = run(m, &[("servers", 3), ("users-per-server", 4)], &spec)
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("at colluders=12: --colluders:"), "{e}");
        let e = run(
            m,
            &[("servers", 3), ("users-per-server", 4), ("colluders", 1)],
            &spec,
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("cannot also be given"));
        let e = run(m, &[("servers", 3)], &spec).err().unwrap();
        assert!(e.to_string().starts_with("missing --users-per-server"));
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_value() {
        let csv = multi_server_t(5, 7).csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "colluders,status,R_X,R_Y,R_Z,R_ZΣ,R_ZΣ binds,reason or warnings"
        );
        assert_eq!(lines[1], "5,feasible,1,1,1,10,U+V+T−2,");
        assert_eq!(lines[2], "6,feasible,1,1,1,11,U+V+T−2 = UV−1,");
        assert_eq!(lines[3], "7,feasible,1,1,1,11,UV−1,");
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn csv_quotes_reasons_with_commas() {
        let spec = SweepSpec::parse("colluders=6..7").unwrap();
        let s = run(
            find("dropout").unwrap(),
            &[("users", 10), ("min-survivors", 7)],
            &spec,
        )
        .unwrap();
        let csv = s.csv();
        let last = csv.lines().nth(2).unwrap();
        assert!(last.starts_with("7,infeasible,,,\"U = 7 ≤ T = 7"), "{last}");
    }

    #[test]
    fn plot_merges_identical_curves_and_marks_the_branch_switch() {
        let p = multi_server_t(0, 11).plot();
        let labels: Vec<&str> = p.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["R_X = R_Y = R_Z", "R_ZΣ"]);
        assert_eq!(p.markers.len(), 1);
        assert_eq!(p.markers[0].x, 6.0);
        assert_eq!(p.markers[0].label, "R_ZΣ: U+V+T−2 → UV−1 (T = 6)");
        // No switch and no tie, no marker.
        let p = multi_server_t(0, 5).plot();
        assert!(p.markers.is_empty());
        // A tie that does not separate two branches is marked as a tie.
        let p = multi_server_t(4, 6).plot();
        assert_eq!(p.markers.len(), 1);
        assert_eq!(p.markers[0].label, "R_ZΣ: U+V+T−2 = UV−1 (T = 6)");
        // Without a tie row the marker sits half-way: hierarchical, K = 5 odd, R_SΣ switches
        // from (K−d)/(d−s) at d = 2 to d/(d−s) at d = 3.
        let spec = SweepSpec::parse("relays-per-client=2..4").unwrap();
        let m = find("hierarchical").unwrap();
        let s = run(
            m,
            &[("clients", 5), ("failures", 1), ("alphabet", 2)],
            &spec,
        )
        .unwrap();
        let p = s.plot();
        assert_eq!(p.markers.len(), 1, "{:?}", p.markers);
        assert_eq!(p.markers[0].x, 2.5);
        assert_eq!(p.markers[0].label, "R_SΣ: (K−d)/(d−s) → d/(d−s) (d = 2..3)");
    }

    #[test]
    fn plot_shades_infeasible_values() {
        let spec = SweepSpec::parse("colluders=0..10").unwrap();
        let s = run(
            find("dropout").unwrap(),
            &[("users", 10), ("min-survivors", 7)],
            &spec,
        )
        .unwrap();
        let p = s.plot();
        assert_eq!(p.bands.len(), 1);
        assert_eq!((p.bands[0].from, p.bands[0].to), (6.5, 10.5));
        assert_eq!(p.series[1].points[7], None);
    }
}
