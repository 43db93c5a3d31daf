//! `itsa verify SPEC --latex`: the report's failures and decoders as LaTeX equations (amsmath),
//! for pasting into a paper: a leak is the key-free combination of messages and what it
//! reveals, an undecodable target is what is left after elimination, a decoder is the target
//! as a combination of the messages. Names follow the spec: `Y[1]{1,2,4}` → `Y_{1}^{\{1,2,4\}}`,
//! `Θ[2](2)` → `\Theta_{2}(2)`.

use std::fmt::Write;

use super::report::{Report, SetLabel};
use super::Verdict;

/// A spec name as LaTeX math: base, `[i,j]` as subscript, `{set}` as superscript, `(j)` kept.
pub fn name_tex(label: &str) -> String {
    let base_end = label.find(['[', '{', '(']).unwrap_or(label.len());
    let (base, mut rest) = label.split_at(base_end);
    let mut out = String::new();
    let ascii: String = base.chars().filter(char::is_ascii_alphabetic).collect();
    if ascii.len() > 1 && ascii.len() == base.chars().count() {
        let _ = write!(out, "\\mathit{{{base}}}");
    } else {
        for ch in base.chars() {
            out.push_str(&greek(ch));
        }
    }
    while !rest.is_empty() {
        let (open, close) = match rest.as_bytes()[0] {
            b'[' => ('[', ']'),
            b'{' => ('{', '}'),
            b'(' => ('(', ')'),
            _ => {
                out.push_str(&tex_text(rest));
                break;
            }
        };
        let Some(end) = rest.find(close) else {
            out.push_str(&tex_text(rest));
            break;
        };
        let inner = &rest[1..end];
        match open {
            '[' => {
                let _ = write!(out, "_{{{inner}}}");
            }
            '{' => {
                let _ = write!(out, "^{{\\{{{inner}\\}}}}");
            }
            _ => {
                let _ = write!(out, "({inner})");
            }
        }
        rest = &rest[end + 1..];
    }
    out
}

fn greek(ch: char) -> String {
    match ch {
        'Σ' => "\\Sigma ".into(),
        'Θ' => "\\Theta".into(),
        'θ' => "\\theta".into(),
        'Δ' => "\\Delta".into(),
        'α' => "\\alpha".into(),
        'β' => "\\beta".into(),
        'λ' => "\\lambda".into(),
        c => c.to_string(),
    }
}

fn tex_text(s: &str) -> String {
    s.chars().map(greek).collect()
}

/// `3·Θ[2](1) + Z[1]` (the text report's form) as LaTeX: `3\,\Theta_{2}(1) + Z_{1}`.
pub fn combination_tex(expr: &str) -> String {
    if expr.trim() == "0" {
        return "0".into();
    }
    expr.split(" + ")
        .map(|t| match t.split_once('·') {
            Some((c, n)) => format!("{c}\\,{}", name_tex(n.trim())),
            None => name_tex(t.trim()),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn sets_tex(sets: &[SetLabel]) -> String {
    sets.iter()
        .map(|s| {
            let members = match &s.pairs {
                Some(p) => p
                    .iter()
                    .map(|(a, b)| format!("({a},{b})"))
                    .collect::<Vec<_>>()
                    .join(","),
                None => s
                    .members
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            };
            let name = if s.name.chars().count() == 1 || s.name.len() <= 2 {
                name_tex(&s.name)
            } else {
                format!("\\text{{{}}}", s.name)
            };
            format!("{name} = \\{{{members}\\}}")
        })
        .collect::<Vec<_>>()
        .join(",\\ ")
}

fn text_escape(s: &str) -> String {
    let mut o = String::new();
    for ch in s.chars() {
        match ch {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                o.push('\\');
                o.push(ch);
            }
            '\\' => o.push_str("\\textbackslash{}"),
            c => o.push(c),
        }
    }
    o
}

/// The LaTeX fragment (needs amsmath): one paragraph per family with failures or decoders.
pub fn render_latex(r: &Report) -> String {
    let h = &r.header;
    let p = h.prime;
    let mut o = String::new();
    let verdict = match r.verdict {
        Verdict::Verified => "verified",
        Verdict::Violated => "violated",
    };
    let _ = writeln!(
        o,
        "% itsa verify {} --latex: {verdict}, model {}, p = {p} (needs amsmath)",
        h.file, h.model
    );
    let _ = writeln!(
        o,
        "% Equations hold over $\\mathbb{{F}}_{{{p}}}$; names are the spec's variables."
    );
    for f in &r.families {
        if f.examples.is_empty() && f.decoders.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "\n\\paragraph{{{} ({} of {} checks fail).}}",
            text_escape(f.name),
            f.failures,
            f.checks
        );
        for e in &f.examples {
            let _ = writeln!(o, "For ${}$:", sets_tex(&e.sets));
            match e.kind {
                "not-decodable" => {
                    let what = if f.name == "locality" {
                        "not computable by its sender"
                    } else {
                        "not decodable"
                    };
                    o.push_str("\\begin{align*}\n");
                    let lines: Vec<String> = e
                        .missing
                        .iter()
                        .map(|m| {
                            format!(
                                "  {} &\\ \\text{{{what}: left after elimination }} {}",
                                name_tex(&m.target),
                                combination_tex(&m.residual)
                            )
                        })
                        .collect();
                    o.push_str(&lines.join(" \\\\\n"));
                    o.push_str("\n\\end{align*}\n");
                }
                _ => {
                    o.push_str("\\begin{align*}\n");
                    let lines: Vec<String> = e
                        .witnesses
                        .iter()
                        .map(|w| {
                            let mut lhs = combination_tex(&w.expression);
                            if let Some(k) = &w.known_expression {
                                let _ = write!(lhs, " + {}", combination_tex(k));
                            }
                            format!("  {lhs} &= {}", combination_tex(&w.reveals))
                        })
                        .collect();
                    o.push_str(&lines.join(" \\\\\n"));
                    o.push_str("\n\\end{align*}\n");
                }
            }
        }
        if !f.decoders.is_empty() {
            let _ = writeln!(o, "Decoders of passing checks:");
        }
        for d in &f.decoders {
            let _ = writeln!(o, "For ${}$:", sets_tex(&d.sets));
            o.push_str("\\begin{align*}\n");
            let lines: Vec<String> = d
                .decoders
                .iter()
                .map(|x| {
                    format!(
                        "  {} &= {}",
                        name_tex(&x.target),
                        combination_tex(&x.expression)
                    )
                })
                .collect();
            o.push_str(&lines.join(" \\\\\n"));
            o.push_str("\n\\end{align*}\n");
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_names_become_math() {
        assert_eq!(name_tex("Y[1]{1,2,4}"), "Y_{1}^{\\{1,2,4\\}}");
        assert_eq!(name_tex("Θ[2](2)"), "\\Theta_{2}(2)");
        assert_eq!(name_tex("ΣΘ(1)"), "\\Sigma \\Theta(1)");
        assert_eq!(name_tex("X[1,2]"), "X_{1,2}");
        assert_eq!(name_tex("Sb[1,2]"), "\\mathit{Sb}_{1,2}");
        assert_eq!(
            combination_tex("11·Y[1] + 2·Y[2]"),
            "11\\,Y_{1} + 2\\,Y_{2}"
        );
        assert_eq!(combination_tex("0"), "0");
    }
}
