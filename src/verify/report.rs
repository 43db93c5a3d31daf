//! The verification report: data (serialisable to the documented JSON) and its text rendering.

use serde::Serialize;
use serde_json::{Map, Value};

use super::witness::{decode, leaks, reveals, Decoder, Missing, Witness};
use super::{Blocks, Check, Condition, Family, Options, Outcome};
use crate::scheme::Scheme;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Verified,
    Violated,
}

/// What the report is about; filled by the model layer.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub file: String,
    pub title: Option<String>,
    pub reference: Option<String>,
    pub model: String,
    /// Where the model's conditions come from.
    pub model_source: String,
    pub params: Map<String, Value>,
    pub prime: u32,
    pub input_length: usize,
    /// Parameters overridden on the command line (`--set`), e.g. `colluders=2 (spec: 1)`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub overridden: Vec<String>,
}

/// A set a check is about, e.g. `U1 = {1,2,3}`.
#[derive(Debug, Clone, Serialize)]
pub struct SetLabel {
    pub name: String,
    pub members: Vec<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub sets: Vec<SetLabel>,
    /// "not-decodable", "leak" or "revealed" (a `Hidden` target determined by the view).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_deficit: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Missing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leak_dimension: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub witnesses: Vec<Witness>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecoderExample {
    pub sets: Vec<SetLabel>,
    pub decoders: Vec<Decoder>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FamilyReport {
    pub name: &'static str,
    pub description: String,
    pub checks: usize,
    pub failures: usize,
    pub examples: Vec<Example>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decoders: Vec<DecoderExample>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    #[serde(flatten)]
    pub header: Header,
    pub checks: usize,
    pub failures: usize,
    pub families: Vec<FamilyReport>,
    /// Achieved rates against the model's optimal region (filled by the model layer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rates: Option<crate::region::achieved::RateReport>,
    pub elapsed_seconds: f64,
}

impl Report {
    pub fn new(header: Header, families: Vec<FamilyReport>, elapsed_seconds: f64) -> Self {
        let checks = families.iter().map(|f| f.checks).sum();
        let failures = families.iter().map(|f| f.failures).sum();
        Report {
            verdict: if failures == 0 {
                Verdict::Verified
            } else {
                Verdict::Violated
            },
            header,
            checks,
            failures,
            families,
            rates: None,
            elapsed_seconds,
        }
    }

    pub fn family(&self, name: &str) -> Option<&FamilyReport> {
        self.families.iter().find(|f| f.name == name)
    }
}

fn set_labels(c: &Check) -> Vec<SetLabel> {
    c.sets
        .iter()
        .map(|(n, m)| SetLabel {
            name: n.to_string(),
            members: m.clone(),
        })
        .collect()
}

pub(super) fn family_report(
    scheme: &Scheme,
    blocks: &Blocks,
    fam: &Family,
    outcomes: &[Outcome],
    opts: &Options,
) -> FamilyReport {
    let failing = fam.checks.iter().zip(outcomes).filter(|(_, &o)| o != 0);
    let examples = failing
        .take(opts.max_failures)
        .map(|(c, &o)| match &c.condition {
            Condition::Decodable { view, target } => Example {
                sets: set_labels(c),
                kind: "not-decodable",
                rank_deficit: Some(o),
                missing: decode(scheme, blocks, view, target).1,
                leak_dimension: None,
                witnesses: vec![],
            },
            Condition::Secure { view, cond } => Example {
                sets: set_labels(c),
                kind: "leak",
                rank_deficit: None,
                missing: vec![],
                leak_dimension: Some(o),
                witnesses: leaks(scheme, blocks, view, cond),
            },
            Condition::Hidden { view, target } => Example {
                sets: set_labels(c),
                kind: "revealed",
                rank_deficit: None,
                missing: vec![],
                leak_dimension: Some(o),
                witnesses: reveals(scheme, blocks, view, target),
            },
        })
        .collect();
    let decoders = if fam.decoders {
        fam.checks
            .iter()
            .zip(outcomes)
            .filter(|(_, &o)| o == 0)
            .filter_map(|(c, _)| match &c.condition {
                Condition::Decodable { view, target } => Some(DecoderExample {
                    sets: set_labels(c),
                    decoders: decode(scheme, blocks, view, target).0,
                }),
                Condition::Secure { .. } | Condition::Hidden { .. } => None,
            })
            .take(opts.max_decoders)
            .collect()
    } else {
        vec![]
    };
    FamilyReport {
        name: fam.name,
        description: fam.description.clone(),
        checks: fam.checks.len(),
        failures: outcomes.iter().filter(|&&o| o != 0).count(),
        examples,
        decoders,
    }
}

fn show_sets(sets: &[SetLabel]) -> String {
    sets.iter()
        .map(|s| format!("{}={{{}}}", s.name, crate::scheme::names::join(&s.members)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Human-readable report: verdict first, then one block per family.
pub fn render_text(r: &Report) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let h = &r.header;
    let verdict = match r.verdict {
        Verdict::Verified => "VERIFIED",
        Verdict::Violated => "VIOLATED",
    };
    let _ = writeln!(o, "{verdict}  {}", h.file);
    if r.rates.as_ref().is_some_and(|x| x.alarm) {
        let _ = writeln!(
            o,
            "!!! ALARM: achieved rates contradict the model's converse — see the rates below"
        );
    }
    if let Some(t) = &h.title {
        let _ = writeln!(o, "  {t}");
    }
    let params: Vec<String> = h.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(
        o,
        "  model {} ({})\n  params {}  prime p={}  input length L={}",
        h.model,
        h.model_source,
        params.join(" "),
        h.prime,
        h.input_length
    );
    if !h.overridden.is_empty() {
        let _ = writeln!(o, "  overridden with --set: {}", h.overridden.join(", "));
    }
    let width = r.families.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for f in &r.families {
        let _ = writeln!(
            o,
            "\n  {:width$}  {:>7} checks  {:>7} failed   {}",
            f.name, f.checks, f.failures, f.description
        );
        for e in &f.examples {
            match e.kind {
                "not-decodable" => {
                    let _ = writeln!(
                        o,
                        "    FAIL {}: target not decodable, rank deficit {}",
                        show_sets(&e.sets),
                        e.rank_deficit.unwrap_or(0)
                    );
                    for m in &e.missing {
                        let _ = writeln!(
                            o,
                            "         {} is not determined (left after elimination: {})",
                            m.target, m.residual
                        );
                    }
                }
                "revealed" => {
                    let _ = writeln!(
                        o,
                        "    FAIL {}: the view determines {} symbol(s) of the hidden target",
                        show_sets(&e.sets),
                        e.leak_dimension.unwrap_or(0)
                    );
                    for w in &e.witnesses {
                        let _ = writeln!(o, "         witness  {}", w.expression);
                        let _ = writeln!(o, "                = {}   (recovered)", w.reveals);
                    }
                }
                _ => {
                    let _ = writeln!(
                        o,
                        "    FAIL {}: leaks {} symbol(s) about the inputs",
                        show_sets(&e.sets),
                        e.leak_dimension.unwrap_or(0)
                    );
                    for w in &e.witnesses {
                        let _ = writeln!(o, "         witness  {}", w.expression);
                        if let Some(k) = &w.known_expression {
                            let _ = writeln!(o, "                + {k}   (known to the adversary)");
                        }
                        let _ = writeln!(
                            o,
                            "                = {}   (keys cancel; not implied by what it may know)",
                            w.reveals
                        );
                    }
                }
            }
        }
        if f.failures > f.examples.len() {
            let _ = writeln!(
                o,
                "    … {} more failure(s) (raise --max-failures to see them)",
                f.failures - f.examples.len()
            );
        }
        for d in &f.decoders {
            let _ = writeln!(o, "    decoder {}:", show_sets(&d.sets));
            for dec in &d.decoders {
                let _ = writeln!(o, "         {} = {}", dec.target, dec.expression);
            }
        }
    }
    if let Some(rates) = &r.rates {
        render_rates(&mut o, rates);
    }
    let _ = writeln!(
        o,
        "\n  {} checks, {} failed, {:.3} s (exact arithmetic over F_{})",
        r.checks, r.failures, r.elapsed_seconds, h.prime
    );
    o
}

fn render_rates(o: &mut String, rates: &crate::region::achieved::RateReport) {
    use std::fmt::Write;
    let title = rates
        .title
        .as_deref()
        .unwrap_or("rates (exact): achieved vs the optimal region");
    let _ = writeln!(o, "\n  {title}");
    let w = |f: &dyn Fn(&crate::region::achieved::RateLine) -> usize| {
        rates.lines.iter().map(f).max().unwrap_or(0)
    };
    let (wn, wa, wo) = (
        w(&|l| l.name.chars().count()),
        w(&|l| l.achieved.chars().count()),
        w(&|l| l.optimal.as_deref().map_or(1, |x| x.chars().count() + 2)),
    );
    for l in &rates.lines {
        let bound = l
            .optimal
            .as_deref()
            .map_or("-".to_string(), |b| format!("≥ {b}"));
        let pad =
            |s: &str, n: usize| format!("{s}{}", " ".repeat(n.saturating_sub(s.chars().count())));
        let _ = writeln!(
            o,
            "    {}  {}  {}  {}",
            pad(&l.name, wn),
            pad(&l.achieved, wa),
            pad(&bound, wo),
            l.status
        );
    }
    for n in &rates.notes {
        let _ = writeln!(o, "    note: {n}");
    }
    if rates.randomness.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n  randomness (entropies as ranks, in F_p symbols)");
    let wq = rates
        .randomness
        .iter()
        .map(|k| k.quantity.chars().count())
        .max()
        .unwrap_or(0);
    for k in &rates.randomness {
        let value = if k.min_symbols == k.max_symbols {
            k.max_symbols.to_string()
        } else {
            format!("{}..{}", k.min_symbols, k.max_symbols)
        };
        let bound = k
            .bound_symbols
            .as_deref()
            .map_or("no bound".to_string(), |b| format!("≥ {b}"));
        let pad = " ".repeat(wq.saturating_sub(k.quantity.chars().count()));
        let _ = writeln!(
            o,
            "    {}{pad}  {value:>6}  {bound:<10}  {}",
            k.quantity, k.source
        );
    }
}
