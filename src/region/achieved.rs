//! Achieved rates of a verified scheme against the model's optimal region.
//!
//! Statuses: `optimal` (meets the bound), `+slack` (above it), and `BELOW THE CONVERSE` — no
//! correct and secure scheme can do that, so for a scheme that passed every check it means the
//! scheme, the spec, the engine or the formula is wrong. It is never printed quietly.

use num_rational::BigRational;
use serde::Serialize;

use super::{Region, RegionError, Status};

/// A rate computed from a scheme, with how it was computed.
#[derive(Debug, Clone)]
pub struct Achieved {
    /// Must match the name of the region's bound (`R1`, `R_SΣ`, …).
    pub name: &'static str,
    /// Exact value; for key rates in q-ary units, the coefficient of `log p / log q`.
    pub value: BigRational,
    pub definition: String,
}

/// One line of the rates table (JSON: `rates: [{name, achieved, optimal, status, ...}]`).
#[derive(Debug, Clone, Serialize)]
pub struct RateLine {
    pub name: String,
    pub achieved: String,
    pub optimal: Option<String>,
    /// `optimal`, `+slack` (e.g. `+1/2`) or `BELOW THE CONVERSE`.
    pub status: String,
    pub definition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The rates section of a verification report.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RateReport {
    /// Heading of the section when it is not a rate comparison (e.g. communication counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub lines: Vec<RateLine>,
    pub notes: Vec<String>,
    /// True when a verified scheme beats the converse or exists where none can: something
    /// is wrong and the report must say so loudly.
    pub alarm: bool,
    /// Key / randomness accounting: entropies of the scheme's keys as ranks (F_p symbols).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub randomness: Vec<KeyAccount>,
}

/// One randomness quantity of a scheme, e.g. H(Z[u,v]) or the joint entropy of all keys.
#[derive(Debug, Clone, Serialize)]
pub struct KeyAccount {
    /// What is measured, e.g. `H(Z[u,v])` or `H(Z[1,1..2,2])`.
    pub quantity: String,
    /// Smallest and largest value over the users (equal for a joint quantity), in F_p symbols.
    pub min_symbols: usize,
    pub max_symbols: usize,
    /// The lower bound in F_p symbols, where the model has one (`None`: no bound known).
    pub bound_symbols: Option<String>,
    /// Where the bound comes from, or why there is none.
    pub source: String,
}

/// Accounting of one randomness quantity: ranks over the users, and the region bound
/// (`bound`, a rate name of the region) times the input length L, when there is one.
pub fn key_account(
    quantity: String,
    ranks: &[usize],
    bound: Option<&str>,
    region: &Result<Region, RegionError>,
    input_length: usize,
    no_bound: &str,
) -> KeyAccount {
    let b = bound.and_then(|name| region.as_ref().ok()?.bound(name));
    KeyAccount {
        quantity,
        min_symbols: ranks.iter().copied().min().unwrap_or(0),
        max_symbols: ranks.iter().copied().max().unwrap_or(0),
        bound_symbols: b.map(|b| {
            (b.value.clone() * BigRational::from_integer((input_length as i64).into())).to_string()
        }),
        source: match b {
            Some(b) => format!("{} ≥ {} (× L = {input_length})", b.name, b.value),
            None => no_bound.to_string(),
        },
    }
}

/// Compare achieved rates with a region; `verified` is whether every check passed.
pub fn compare(
    achieved: &[Achieved],
    region: &Result<Region, RegionError>,
    verified: bool,
) -> RateReport {
    let mut out = RateReport::default();
    let region = match region {
        Ok(r) => r,
        Err(e) => {
            out.notes.push(format!(
                "optimal region not available for these parameters: {e}"
            ));
            out.lines = achieved.iter().map(|a| line(a, None, None)).collect();
            return out;
        }
    };
    if let Region::Infeasible { reason, .. } = region {
        out.lines = achieved.iter().map(|a| line(a, None, None)).collect();
        if verified {
            out.alarm = true;
            out.notes.push(format!(
                "ALARM: the model says no scheme exists here ({reason}), yet every check passed: \
                 the scheme, the spec, the engine or the formula is wrong"
            ));
        } else {
            out.notes.push(format!("the region is empty: {reason}"));
        }
        return out;
    }
    out.notes.extend(region.warnings().iter().cloned());
    for a in achieved {
        match region.bound(a.name) {
            None => out.lines.push(line(a, None, None)),
            Some(b) => {
                let status = b.compare(&a.value);
                let below = matches!(status, Status::BelowConverse(_));
                let mut l = line(a, Some(b.exact()), Some(b.reference.clone()));
                l.status = status.to_string();
                if below {
                    if verified {
                        out.alarm = true;
                    } else {
                        l.status
                            .push_str(" (scheme violated: the converse does not apply)");
                    }
                }
                l.achieved = match &b.factor {
                    Some(f) => format!("{} × {}", a.value, f.symbolic()),
                    None => a.value.to_string(),
                };
                out.lines.push(l);
            }
        }
    }
    if out.alarm {
        out.notes.insert(
            0,
            "ALARM: a scheme that passed every check is BELOW THE CONVERSE — the scheme, the spec, \
             the engine or the region formula is wrong"
                .into(),
        );
    }
    out
}

fn line(a: &Achieved, optimal: Option<String>, reference: Option<String>) -> RateLine {
    RateLine {
        name: a.name.to_string(),
        achieved: a.value.to_string(),
        optimal,
        status: if reference.is_some() {
            String::new()
        } else {
            "no bound".into()
        },
        definition: a.definition.clone(),
        reference,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::ratio;

    fn dropout(k: u64, u: u64, t: u64) -> Result<Region, RegionError> {
        crate::models::dropout::region(k, u, t)
    }

    fn achieved(r1: (i64, i64), r2: (i64, i64)) -> Vec<Achieved> {
        vec![
            Achieved {
                name: "R1",
                value: ratio(r1.0, r1.1),
                definition: String::new(),
            },
            Achieved {
                name: "R2",
                value: ratio(r2.0, r2.1),
                definition: String::new(),
            },
        ]
    }

    #[test]
    fn optimal_and_slack() {
        let r = compare(&achieved((1, 1), (1, 1)), &dropout(3, 2, 0), true);
        assert!(!r.alarm);
        assert_eq!(r.lines[0].status, "optimal");
        assert_eq!(r.lines[1].status, "+1/2");
        assert_eq!(r.lines[1].optimal.as_deref(), Some("1/2"));
    }

    #[test]
    fn too_good_a_rate_is_below_the_converse_and_raises_the_alarm() {
        // K=10, U=7, T=2: R2 ≥ 1/5; a verified scheme claiming 1/6 is impossible.
        let r = compare(&achieved((1, 1), (1, 6)), &dropout(10, 7, 2), true);
        assert!(r.alarm);
        assert_eq!(r.lines[1].status, "BELOW THE CONVERSE");
        assert!(r.notes[0].starts_with("ALARM"));
        // the same rate from a violated scheme is expected, and annotated, not an alarm
        let r = compare(&achieved((1, 1), (1, 6)), &dropout(10, 7, 2), false);
        assert!(!r.alarm);
        assert!(r.lines[1]
            .status
            .starts_with("BELOW THE CONVERSE (scheme violated"));
    }

    #[test]
    fn a_verified_scheme_in_an_infeasible_region_raises_the_alarm() {
        let r = compare(&achieved((1, 1), (1, 1)), &dropout(3, 1, 1), true);
        assert!(r.alarm);
        let r = compare(&achieved((1, 1), (1, 1)), &dropout(3, 1, 1), false);
        assert!(!r.alarm);
        let r = compare(&achieved((1, 1), (1, 1)), &dropout(3, 3, 0), true);
        assert!(
            !r.alarm && r.notes[0].contains("not available"),
            "{:?}",
            r.notes
        );
    }
}
