//! One resource budget for every command: before work starts, a command estimates what it
//! will enumerate or allocate and asks the budget; past the limit it is refused with the
//! estimate and the flag that raises the limit (exit code 2), instead of running for hours or
//! dying of an allocation failure.
//!
//! Resources (defaults in [`Resource::default_limit`], documented in docs/cli.md):
//!
//! | resource | what is counted | flag |
//! |---|---|---|
//! | checks | rank checks a model instance (or a sweep of them) enumerates; index sets a brute force visits | `--max-checks` |
//! | cells | dense matrix entries (rows × columns, 4 bytes each) a spec or construction materialises | `--max-cells` |
//! | trials | Monte Carlo trials simulated in one command | `--max-trials` |
//! | points | points of a sweep (region sweeps, λ steps) | `--max-points` |
//!
//! `--force` lifts every limit. The budget is process-wide: the binary installs the one built
//! from its flags ([`set`]) before dispatching; the library asks it with [`charge`]. Estimates
//! are computed in `u128` with saturation, so a huge user number can never overflow the check
//! that is meant to refuse it.

use std::sync::RwLock;

use thiserror::Error;

/// A kind of work or memory a command can be asked to spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Checks,
    Cells,
    Trials,
    Points,
}

impl Resource {
    /// The flag that raises this limit.
    pub fn flag(self) -> &'static str {
        match self {
            Resource::Checks => "--max-checks",
            Resource::Cells => "--max-cells",
            Resource::Trials => "--max-trials",
            Resource::Points => "--max-points",
        }
    }

    /// The unit the estimate is given in.
    pub fn unit(self) -> &'static str {
        match self {
            Resource::Checks => "checks",
            Resource::Cells => "matrix entries",
            Resource::Trials => "trials",
            Resource::Points => "points",
        }
    }

    /// Default limits: each is a run of minutes and a few GB at most on a laptop.
    pub fn default_limit(self) -> u128 {
        match self {
            // A check is materialised (~200 bytes) before evaluation: 5e6 checks ≈ 1 GB.
            Resource::Checks => 5_000_000,
            // u32 entries: 1e8 cells = 400 MB.
            Resource::Cells => 100_000_000,
            Resource::Trials => 100_000_000,
            Resource::Points => 10_000,
        }
    }
}

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub checks: u128,
    pub cells: u128,
    pub trials: u128,
    pub points: u128,
    /// Ignore every limit.
    pub force: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            checks: Resource::Checks.default_limit(),
            cells: Resource::Cells.default_limit(),
            trials: Resource::Trials.default_limit(),
            points: Resource::Points.default_limit(),
            force: false,
        }
    }
}

/// Every budget message contains this (so a budget refusal can be told from other errors
/// after it was wrapped, e.g. in a located spec error).
pub const MARK: &str = "raise the limit with";

/// A refused run: what it would have cost and how to allow it.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error(
    "{what} would need {estimate} {unit} (limit {limit}); raise the limit with {flag} N, or pass --force to lift every limit",
    unit = resource.unit(),
    flag = resource.flag()
)]
pub struct BudgetError {
    pub what: String,
    pub resource: Resource,
    pub estimate: u128,
    pub limit: u128,
}

impl Budget {
    pub fn limit(&self, r: Resource) -> u128 {
        match r {
            Resource::Checks => self.checks,
            Resource::Cells => self.cells,
            Resource::Trials => self.trials,
            Resource::Points => self.points,
        }
    }

    /// Refuse `estimate` units of `r` past the limit; `what` names the work ("this model
    /// instance", "the sweep clients=3..40").
    pub fn charge(
        &self,
        r: Resource,
        estimate: u128,
        what: impl Into<String>,
    ) -> Result<(), BudgetError> {
        let limit = self.limit(r);
        if self.force || estimate <= limit {
            Ok(())
        } else {
            Err(BudgetError {
                what: what.into(),
                resource: r,
                estimate,
                limit,
            })
        }
    }
}

static GLOBAL: RwLock<Option<Budget>> = RwLock::new(None);

/// Install the process-wide budget (the binary does this once, from its flags).
pub fn set(b: Budget) {
    *GLOBAL.write().unwrap_or_else(|e| e.into_inner()) = Some(b);
}

/// The budget in force: the installed one, or the defaults.
pub fn get() -> Budget {
    GLOBAL
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .unwrap_or_default()
}

/// [`Budget::charge`] against the budget in force.
pub fn charge(r: Resource, estimate: u128, what: impl Into<String>) -> Result<(), BudgetError> {
    get().charge(r, estimate, what)
}

/// Saturating product of estimates (a u128 never overflows into a small number).
pub fn product(factors: &[u128]) -> u128 {
    factors.iter().fold(1u128, |acc, &f| acc.saturating_mul(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_with_the_estimate_and_the_flag() {
        let b = Budget {
            checks: 10,
            ..Budget::default()
        };
        assert!(b.charge(Resource::Checks, 10, "x").is_ok());
        let e = b.charge(Resource::Checks, 11, "this run").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("11 checks") && m.contains("limit 10"), "{m}");
        assert!(m.contains("--max-checks") && m.contains("--force"), "{m}");
        let forced = Budget { force: true, ..b };
        assert!(forced.charge(Resource::Checks, u128::MAX, "x").is_ok());
        assert_eq!(product(&[u128::MAX, 3]), u128::MAX);
        assert_eq!(product(&[4, 5]), 20);
    }
}
