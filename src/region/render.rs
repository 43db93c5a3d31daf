//! One evaluated region as an aligned text table, as JSON, and as LaTeX display math.

use serde_json::{json, Map, Value};

use super::catalog::Evaluation;
use super::{latex_rational, Bound, Region, Source};

/// Left-aligned columns separated by two spaces; widths count characters, not bytes.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &[String]| {
        let mut s = String::from("  ");
        for (c, w) in cells.iter().zip(&widths) {
            s.push_str(c);
            s.push_str(&" ".repeat(w - c.chars().count() + 2));
        }
        s.trim_end().to_string() + "\n"
    };
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    let mut out = line(header);
    out.push_str(&line(&rule));
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

/// The `source` lines shared by every text output.
pub fn source_lines(src: &Source) -> String {
    let mut s = format!(
        "source      {}\n            {} · {} · {}\n",
        src.paper, src.origin, src.section, src.status
    );
    if !src.in_seeds {
        s.push_str("NOTE        a result from OUTSIDE the project's seed papers\n");
    }
    s
}

/// `K = 10 (--users), U = 7 (--min-survivors), …`
fn params_with_flags(e: &Evaluation) -> String {
    e.model
        .params
        .iter()
        .zip(&e.values)
        .filter_map(|(p, v)| v.map(|v| format!("{} = {v} (--{})", p.symbol, p.flag)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn bounds_table(bounds: &[Bound]) -> String {
    let with_factor = bounds.iter().any(|b| b.factor.is_some());
    let with_binds = bounds.iter().any(|b| b.binds.is_some());
    let mut header = vec!["rate".to_string(), "≥ (exact)".into()];
    if with_factor {
        header.push("≈ (floating point)".into());
    }
    header.push("formula".into());
    if with_binds {
        header.push("binds".into());
    }
    header.push("reference".into());
    let rows: Vec<Vec<String>> = bounds
        .iter()
        .map(|b| {
            let mut r = vec![b.name.clone(), b.exact()];
            if with_factor {
                r.push(b.approx.map_or(String::new(), |a| format!("{a:.6}")));
            }
            r.push(b.expression.clone());
            if with_binds {
                r.push(b.binds.as_ref().map_or(String::new(), |x| x.branch.clone()));
            }
            r.push(b.reference.clone());
            r
        })
        .collect();
    table(&header, &rows)
}

/// The human-readable answer.
pub fn text(e: &Evaluation) -> String {
    let mut out = format!("itsa region {}: {}\n", e.model.name, e.model.title);
    out.push_str(&source_lines(e.model.source));
    out.push_str(&format!("parameters  {}\n\n", params_with_flags(e)));
    match &e.region {
        Region::Infeasible {
            reason, condition, ..
        } => {
            out.push_str(&format!(
                "INFEASIBLE ({condition}): no secure scheme exists for these parameters.\n"
            ));
            out.push_str(&format!("reason: {reason}\n"));
        }
        Region::Feasible {
            bounds,
            achievable,
            notes,
            warnings,
        } => {
            for w in warnings {
                out.push_str(&format!("WARNING: {w}\n"));
            }
            if warnings.is_empty() {
                out.push_str("OPTIMAL REGION: all rates at or above these lower bounds (rates per input symbol)\n");
            } else {
                out.push('\n');
                out.push_str("THEOREM BOUNDS, NOT ESTABLISHED (see the warnings above)\n");
            }
            out.push_str(&bounds_table(bounds));
            if !achievable.is_empty() {
                out.push_str("\nKNOWN ACHIEVABLE POINT\n");
                out.push_str(&bounds_table(achievable));
            }
            if !notes.is_empty() {
                out.push_str("\nnotes\n");
                for n in notes {
                    out.push_str(&format!("  - {n}\n"));
                }
            }
        }
    }
    out
}

/// `{"users": 10, …}`: given parameters by flag.
pub fn params_json(e: &Evaluation) -> Value {
    let mut m = Map::new();
    for (p, v) in e.model.params.iter().zip(&e.values) {
        if let Some(v) = v {
            m.insert(p.flag.to_string(), json!(v));
        }
    }
    Value::Object(m)
}

/// The region's own fields (`status`, `bounds`, … or `reason`).
pub fn region_json(r: &Region) -> Map<String, Value> {
    match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The JSON answer: model, source, params, then the region's fields.
pub fn json(e: &Evaluation) -> Value {
    let mut m = Map::new();
    m.insert("model".into(), json!(e.model.name));
    m.insert("title".into(), json!(e.model.title));
    m.insert("source".into(), json!(e.model.source));
    m.insert("params".into(), params_json(e));
    m.extend(region_json(&e.region));
    Value::Object(m)
}

fn latex_params(e: &Evaluation) -> String {
    e.model
        .params
        .iter()
        .zip(&e.values)
        .filter_map(|(p, v)| v.map(|v| format!("{} = {v}", p.symbol)))
        .collect::<Vec<_>>()
        .join(",\\ ")
}

/// `R_2 &\ge \frac{1}{U-T} = \frac{1}{5}`
fn latex_line(b: &Bound) -> String {
    let exact = latex_rational(&b.value);
    match &b.factor {
        None if b.latex == exact => format!("{} &\\ge {}", b.latex_name, b.latex),
        None => format!("{} &\\ge {} = {}", b.latex_name, b.latex, exact),
        Some(f) => format!(
            "{} &\\ge {} = {} \\cdot {} \\approx {:.4}",
            b.latex_name,
            b.latex,
            exact,
            f.latex(),
            b.approx.unwrap_or(f64::NAN)
        ),
    }
}

fn latex_block(names: &[String], bounds: &[Bound], params: &str) -> String {
    let lines: Vec<String> = bounds.iter().map(latex_line).collect();
    format!(
        "\\[\n  \\mathcal{{R}}^{{*}} = \\left\\{{ ({}) \\;:\\;\n  \\begin{{aligned}}\n    {}\n  \\end{{aligned}}\n  \\right\\}}\n  \\qquad ({params})\n\\]\n",
        names.join(", "),
        lines.join(", \\\\\n    ")
    )
}

/// Display math a researcher can paste into a paper (needs `amsmath`); provenance,
/// warnings and floating-point caveats are `%` comments.
pub fn latex(e: &Evaluation) -> String {
    let src = e.model.source;
    let mut out = format!(
        "% itsa region {}: {}\n% {}\n% {}; {}; {}\n",
        e.model.name,
        e.params_line(),
        src.paper,
        src.origin,
        src.section,
        src.status
    );
    let params = latex_params(e);
    match &e.region {
        Region::Infeasible { reason, latex, .. } => {
            out.push_str(&format!("% INFEASIBLE: {reason}\n"));
            out.push_str(&format!(
                "\\[\n  \\mathcal{{R}}^{{*}} = \\emptyset \\qquad \\text{{since }} {latex} \\qquad ({params})\n\\]\n"
            ));
        }
        Region::Feasible {
            bounds,
            achievable,
            warnings,
            ..
        } => {
            for w in warnings {
                out.push_str(&format!("% WARNING: {w}\n"));
            }
            if bounds.iter().any(|b| b.factor.is_some()) {
                out.push_str(
                    "% log p / log q is irrational: the \\approx values are floating point.\n",
                );
            }
            let names: Vec<String> = bounds.iter().map(|b| b.latex_name.clone()).collect();
            out.push_str(&latex_block(&names, bounds, &params));
            if !achievable.is_empty() {
                out.push_str("% known achievable point:\n");
                let lines: Vec<String> = achievable
                    .iter()
                    .map(|b| format!("% {} = {}", b.latex_name, b.exact()))
                    .collect();
                out.push_str(&(lines.join("\n") + "\n"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::catalog::find;

    fn eval(model: &str, given: &[(&str, u64)]) -> Evaluation {
        find(model).unwrap().evaluate(given).unwrap()
    }

    #[test]
    fn table_aligns_by_characters() {
        let t = table(
            &["a".into(), "bb".into()],
            &[
                vec!["R_ZΣ".into(), "7".into()],
                vec!["R1".into(), "1/5".into()],
            ],
        );
        assert_eq!(t, "  a     bb\n  ----  ---\n  R_ZΣ  7\n  R1    1/5\n");
    }

    #[test]
    fn text_shows_bounds_or_the_infeasibility_reason() {
        let ok = text(&eval(
            "dropout",
            &[("users", 10), ("min-survivors", 7), ("colluders", 2)],
        ));
        assert!(ok.contains("OPTIMAL REGION"), "{ok}");
        assert!(ok.contains("  R2    1/5"), "{ok}");
        let no = text(&eval(
            "dropout",
            &[("users", 10), ("min-survivors", 7), ("colluders", 7)],
        ));
        assert!(no.contains("INFEASIBLE (U ≤ T)"), "{no}");
        let outside = text(&eval(
            "decentralized",
            &[("users", 5), ("min-survivors", 4), ("colluders", 1)],
        ));
        assert!(
            outside.contains("OUTSIDE the project's seed papers"),
            "{outside}"
        );
    }

    #[test]
    fn text_marks_floating_point_and_warnings() {
        let h = [
            ("clients", 5),
            ("relays-per-client", 3),
            ("failures", 1),
            ("alphabet", 3),
            ("prime", 13),
        ];
        let t = text(&eval("hierarchical", &h));
        assert!(t.contains("≈ (floating point)"), "{t}");
        assert!(t.contains("1/2 × log 13 / log 3  1.167359"), "{t}");
        let dk = [
            ("clients", 5),
            ("relays-per-client", 5),
            ("failures", 1),
            ("alphabet", 2),
        ];
        let t = text(&eval("hierarchical", &dk));
        assert!(t.starts_with("itsa region hierarchical"));
        assert!(t.contains("WARNING: d = K"), "{t}");
        assert!(t.contains("KNOWN ACHIEVABLE POINT"), "{t}");
        assert!(!t.contains("OPTIMAL REGION"), "{t}");
    }

    #[test]
    fn json_has_exact_rationals_as_strings() {
        let j = json(&eval(
            "multi-server",
            &[("servers", 3), ("users-per-server", 4), ("colluders", 9)],
        ));
        assert_eq!(j["status"], "feasible");
        assert_eq!(j["params"]["colluders"], 9);
        assert_eq!(j["bounds"][3]["name"], "R_ZΣ");
        assert_eq!(j["bounds"][3]["value"], "11");
        assert_eq!(j["bounds"][3]["binds"]["branch"], "UV−1");
        assert_eq!(j["source"]["in_seeds"], true);
        let no = json(&eval(
            "dropout",
            &[("users", 10), ("min-survivors", 7), ("colluders", 7)],
        ));
        assert_eq!(no["status"], "infeasible");
        assert!(no["reason"].as_str().unwrap().contains("U = 7 ≤ T = 7"));
    }

    #[test]
    fn latex_is_a_display_math_region() {
        let l = latex(&eval(
            "dropout",
            &[("users", 10), ("min-survivors", 7), ("colluders", 2)],
        ));
        assert!(l.contains("\\begin{aligned}"), "{l}");
        assert!(l.contains("R_1 &\\ge 1, \\\\"), "{l}");
        assert!(l.contains("R_2 &\\ge \\frac{1}{U-T} = \\frac{1}{5}"), "{l}");
        assert!(l.contains("(K = 10,\\ U = 7,\\ T = 2)"), "{l}");
        let h = [
            ("clients", 5),
            ("relays-per-client", 3),
            ("failures", 1),
            ("alphabet", 3),
            ("prime", 13),
        ];
        let l = latex(&eval("hierarchical", &h));
        assert!(
            l.contains("= \\frac{1}{2} \\cdot \\frac{\\log 13}{\\log 3} \\approx 1.1674"),
            "{l}"
        );
        let no = latex(&eval(
            "dropout",
            &[("users", 10), ("min-survivors", 7), ("colluders", 7)],
        ));
        assert!(
            no.contains("\\emptyset \\qquad \\text{since } U \\le T"),
            "{no}"
        );
        // Balanced braces in every output.
        for s in [l, no] {
            let open = s
                .lines()
                .filter(|x| !x.starts_with('%'))
                .flat_map(|x| x.chars())
                .filter(|&c| c == '{')
                .count();
            let close = s
                .lines()
                .filter(|x| !x.starts_with('%'))
                .flat_map(|x| x.chars())
                .filter(|&c| c == '}')
                .count();
            assert_eq!(open, close);
        }
    }
}
