//! `itsa region threshold-sharing`: the smallest secure Shamir threshold of a threshold
//! key-sharing protocol (seed 001), for the passive and the active adversary with the paper's
//! convention |C| = n − t.
//!
//! This is a threshold table, not a rate region, and it is not a closed form: every entry is
//! obtained by constructing the protocol's linear skeleton for (n, t, |C| = n − t) and
//! verifying it exhaustively (src/models/threshold_sharing.rs). The seed's closed-form claims
//! (t > n/2, t > 2n/3) are printed next to the verified values for comparison only.

use serde::Serialize;

use super::RegionError;
use crate::models::threshold_sharing::{construct_spec, Protocol};
use crate::models::Model;
use crate::verify::{evaluate, Space};

/// Verified outcome at one threshold.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub threshold: u32,
    pub corrupted: u32,
    pub passive_checks: usize,
    pub passive_failures: usize,
    pub active_checks: usize,
    pub active_failures: usize,
}

impl Row {
    pub fn passive_secure(&self) -> bool {
        self.passive_failures == 0
    }
    pub fn active_secure(&self) -> bool {
        self.active_failures == 0
    }
}

/// All thresholds 2..=n for one n.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub clients: u32,
    pub scheme: &'static str,
    pub prime: u32,
    pub rows: Vec<Row>,
    /// Smallest t from which on every t is secure (verified); `None` if even t = n is not.
    pub passive_min: Option<u32>,
    pub active_min: Option<u32>,
    /// The seed's claims: t > n/2 and t > 2n/3 (models.md §5.4).
    pub seed_passive_min: u32,
    pub seed_active_min: u32,
}

/// Smallest t such that every row from t on is secure.
fn smallest(rows: &[Row], secure: impl Fn(&Row) -> bool) -> Option<u32> {
    let insecure_above = rows.iter().rev().take_while(|r| secure(r)).count();
    (insecure_above > 0).then(|| rows[rows.len() - insecure_above].threshold)
}

/// Verify the skeleton for every 2 ≤ t ≤ n with |C| = n − t, reporting one unit per
/// threshold (and each threshold's checks as a nested task) to `progress`.
pub fn table(
    protocol: Protocol,
    n: u32,
    prime: Option<u64>,
    progress: &crate::progress::Progress,
) -> Result<Table, RegionError> {
    if !(3..=crate::models::threshold_sharing::MAX_REGION_CLIENTS).contains(&n) {
        return Err(RegionError::param(
            "clients",
            format!(
                "n must be in 3..={} (every online set, corrupted set and split is verified), found {n}",
                crate::models::threshold_sharing::MAX_REGION_CLIENTS
            ),
        ));
    }
    let internal = |e: String| RegionError::Usage(format!("internal error: {e}"));
    let mut rows = Vec::new();
    let mut p = 0;
    let task = progress.task(&format!("thresholds (n={n})"), Some(u64::from(n - 1)));
    for t in 2..=n {
        let c = n - t;
        let spec = construct_spec(protocol, n, t, c, 1, prime)
            .map_err(|e| RegionError::Usage(e.to_string()))?;
        let scheme = crate::scheme::read_spec_str(&spec, "<constructed>")
            .map_err(|e| internal(e.to_string()))?;
        let model = Model::from_scheme(&scheme).map_err(|e| internal(e.to_string()))?;
        p = scheme.field.p();
        // The model checks every |C| ≤ bound; the table is about |C| = n − t exactly.
        let mut plan = model.plan(&scheme);
        for f in &mut plan.families {
            f.checks.retain(|ch| {
                ch.sets
                    .iter()
                    .all(|(name, set)| *name != "C" || set.len() == c as usize)
            });
        }
        let outcomes = evaluate(Space::of(&scheme), &plan, progress);
        task.advance(1);
        let count = |family: &str| {
            plan.families
                .iter()
                .zip(&outcomes)
                .find(|(f, _)| f.name == family)
                .map_or((0, 0), |(f, o)| {
                    (f.checks.len(), o.iter().filter(|&&x| x != 0).count())
                })
        };
        for fam in ["locality", "correctness"] {
            if count(fam).1 != 0 {
                return Err(internal(format!(
                    "the constructed skeleton (n={n}, t={t}) fails `{fam}`"
                )));
            }
        }
        let (pc, pf) = count("passive-security");
        let (ac, af) = count("active-security");
        rows.push(Row {
            threshold: t,
            corrupted: n - t,
            passive_checks: pc,
            passive_failures: pf,
            active_checks: ac,
            active_failures: af,
        });
    }
    Ok(Table {
        clients: n,
        scheme: protocol.name(),
        prime: p,
        passive_min: smallest(&rows, Row::passive_secure),
        active_min: smallest(&rows, Row::active_secure),
        seed_passive_min: n / 2 + 1,
        seed_active_min: 2 * n / 3 + 1,
        rows,
    })
}

fn scheme_title(scheme: &str) -> &'static str {
    match scheme {
        "bonawitz" => "Bonawitz et al. (CCS'17) pairwise-mask skeleton",
        _ => "threshold Joye–Libert skeleton (seed 001)",
    }
}

fn show(min: Option<u32>) -> String {
    min.map_or("none".into(), |t| format!("t ≥ {t}"))
}

fn agreement(verified: Option<u32>, seed: u32) -> &'static str {
    if verified == Some(seed) {
        "agrees"
    } else {
        "DISAGREES"
    }
}

const PREAMBLE: &str = "a threshold table, not a rate region: each entry is computed by \
constructing the skeleton (models.md §5.6) with |C| = n − t corrupted clients and verifying it \
exhaustively over F_p; the seed's closed forms are shown for comparison only";

/// The table for one n.
pub fn text(t: &Table) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "threshold-sharing: smallest secure Shamir threshold t, n = {} clients\n  {}, p = {}\n  {PREAMBLE}\n",
        t.clients,
        scheme_title(t.scheme),
        t.prime
    );
    let _ = writeln!(
        o,
        "     t  |C|  passive (|C| < t?)         active (n + |C| < 2t?)"
    );
    for r in &t.rows {
        let cell = |secure: bool, failed: usize, checks: usize, bad: &str| {
            if secure {
                format!("secure ({checks} checks)")
            } else {
                format!("{bad} ({failed}/{checks} fail)")
            }
        };
        let _ = writeln!(
            o,
            "  {:>4}  {:>3}  {:<25}  {}",
            r.threshold,
            r.corrupted,
            cell(
                r.passive_secure(),
                r.passive_failures,
                r.passive_checks,
                "leaks"
            ),
            cell(
                r.active_secure(),
                r.active_failures,
                r.active_checks,
                "ATTACK"
            )
        );
    }
    let _ = writeln!(
        o,
        "\n  smallest secure t (verified):  passive {}   active {}",
        show(t.passive_min),
        show(t.active_min)
    );
    let _ = writeln!(
        o,
        "  seed 001 (§5.4, closed form):  passive t > n/2 → t ≥ {} ({})   active t > 2n/3 → t ≥ {} ({})",
        t.seed_passive_min,
        agreement(t.passive_min, t.seed_passive_min),
        t.seed_active_min,
        agreement(t.active_min, t.seed_active_min)
    );
    o
}

/// One line per n.
pub fn sweep_text(tables: &[Table]) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let scheme = tables.first().map_or("tjl", |t| t.scheme);
    let _ = writeln!(
        o,
        "threshold-sharing: smallest secure Shamir threshold t per n\n  {}\n  {PREAMBLE}\n",
        scheme_title(scheme)
    );
    let _ = writeln!(
        o,
        "     n    p  passive (verified)  seed t > n/2     active (verified)  seed t > 2n/3"
    );
    // The seed's closed form, ticked when the verified value agrees.
    let seed = |verified: Option<u32>, claim: u32| {
        let mark = if verified == Some(claim) {
            "✓"
        } else {
            "✗"
        };
        format!("t ≥ {claim} {mark}")
    };
    for t in tables {
        let _ = writeln!(
            o,
            "  {:>4}  {:>3}  {:<18}  {:<15}  {:<17}  {}",
            t.clients,
            t.prime,
            show(t.passive_min),
            seed(t.passive_min, t.seed_passive_min),
            show(t.active_min),
            seed(t.active_min, t.seed_active_min),
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: u32, passive: bool, active: bool) -> Row {
        Row {
            threshold: t,
            corrupted: 0,
            passive_checks: 1,
            passive_failures: usize::from(!passive),
            active_checks: 1,
            active_failures: usize::from(!active),
        }
    }

    #[test]
    fn smallest_secure_threshold_is_the_start_of_the_secure_tail() {
        let rows = vec![
            row(2, false, false),
            row(3, true, false),
            row(4, true, true),
        ];
        assert_eq!(smallest(&rows, Row::passive_secure), Some(3));
        assert_eq!(smallest(&rows, Row::active_secure), Some(4));
        // A secure row below an insecure one does not count.
        let rows = vec![
            row(2, true, false),
            row(3, false, false),
            row(4, true, false),
        ];
        assert_eq!(smallest(&rows, Row::passive_secure), Some(4));
        assert_eq!(smallest(&rows, Row::active_secure), None);
    }
}
