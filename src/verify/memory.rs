//! Memory budget of a verification run (`itsa verify --memory SIZE`).
//!
//! The run is estimated before the plan is built, from what the loaded scheme already knows:
//! its stored entries (the plan and the engine's reordered copy hold the same rows again) and
//! the size of its spec text (the reader's peak), the
//! number of checks (each check costs its description plus the engine's order and outcome
//! slots), and per worker thread the caches of [`super::evaluate_part`] (a conditioning and a
//! view basis, which hold at most rows of the scheme, and per-column scratch arrays). Workers
//! are dropped until the estimate fits; a run that does not fit with one worker is refused up
//! front instead of being killed by the kernel half-way.
//!
//! The estimate is an upper bound for the models shipped today (measured: docs/performance.md);
//! it is not a hard limit enforced on the allocator.

use thiserror::Error;

use crate::scheme::Scheme;

/// Bytes per check: the check itself (sets, view and conditioning ids) and the engine's
/// per-check slots (plan order, evaluation order, outcome). Zhao–Sun K=14: ≈ 500 B.
pub const BYTES_PER_CHECK: u64 = 500;

/// Peak bytes of the spec reader per byte of spec text (the parsed TOML document).
pub const PARSE_PER_TEXT_BYTE: u64 = 16;

/// Default budget: this share of the machine's RAM.
pub const DEFAULT_SHARE: f64 = 0.75;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MemoryError {
    #[error(
        "cannot read a memory size from `{0}`: use e.g. 512M, 8G or 8GB (bytes without a suffix)"
    )]
    BadSize(String),
    #[error(
        "this run needs about {need} but the memory budget is {budget} (--memory; default {share}% of RAM): \
         {detail}; raise --memory or split it with --shard i/n"
    )]
    WontFit {
        need: Size,
        budget: Size,
        share: u32,
        detail: String,
    },
}

/// A byte count printed as MB / GB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b = self.0 as f64;
        if b >= 1e9 {
            write!(f, "{:.1} GB", b / 1e9)
        } else {
            write!(f, "{:.0} MB", (b / 1e6).max(1.0))
        }
    }
}

/// `512M`, `8G`, `8GB`, `1.5G`, `3000000` (bytes): powers of 1000 for K/M/G/T, 1024 for
/// KiB/MiB/GiB/TiB.
pub fn parse_size(text: &str) -> Result<u64, MemoryError> {
    let t = text.trim();
    let bad = || MemoryError::BadSize(text.to_string());
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| bad())?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0f64.powi(4),
        _ => return Err(bad()),
    };
    let bytes = value * scale;
    if !bytes.is_finite() || !(1.0..=1e18).contains(&bytes) {
        return Err(bad());
    }
    Ok(bytes as u64)
}

/// `MemTotal` of /proc/meminfo, in bytes (None where there is no such file).
pub fn machine_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    meminfo_total(&text)
}

fn meminfo_total(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The default budget: [`DEFAULT_SHARE`] of the machine's RAM (unbounded if unknown).
pub fn default_budget() -> u64 {
    machine_memory().map_or(u64::MAX, |m| (m as f64 * DEFAULT_SHARE) as u64)
}

/// What a run is estimated to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// The scheme, the plan's blocks and the engine's reordered copy of them, and the spec
    /// reader's peak.
    pub rows: u64,
    /// The check list and the engine's per-check slots.
    pub checks: u64,
    /// Caches and scratch arrays of one worker thread.
    pub per_worker: u64,
}

impl Estimate {
    /// Estimate a verification of `checks` checks of `scheme`.
    pub fn of(scheme: &Scheme, checks: u128) -> Estimate {
        // A stored entry is 8 bytes (column, value); each row has a 24-byte header.
        let (mut entries, mut rows) = (0u64, 0u64);
        for v in &scheme.variables {
            rows += v.rows.len() as u64;
            entries += v.rows.iter().map(|r| r.nnz() as u64).sum::<u64>();
        }
        let sources: u64 = scheme.sources.iter().map(|s| s.len as u64).sum();
        let stored = 8 * (entries + sources) + 24 * (rows + sources);
        let columns = scheme.num_columns as u64;
        let parse = PARSE_PER_TEXT_BYTE * scheme.origin.text.len() as u64;
        Estimate {
            // scheme + plan blocks + reordered copy, and what reading the spec took
            rows: 3 * stored + parse,
            checks: (checks.min(u64::MAX as u128 / BYTES_PER_CHECK as u128) as u64)
                .saturating_mul(BYTES_PER_CHECK),
            // Two full-width bases holding at most the scheme's rows, plus per-column arrays
            // (accumulator, marks, pivot maps, positions, supports).
            per_worker: 2 * stored + 64 * columns,
        }
    }

    /// Total with `workers` worker threads.
    pub fn total(&self, workers: usize) -> u64 {
        self.rows
            .saturating_add(self.checks)
            .saturating_add(self.per_worker.saturating_mul(workers as u64))
    }

    /// The most workers (at most `threads`) that fit the budget, or why none does.
    pub fn workers_within(&self, budget: u64, threads: usize) -> Result<usize, MemoryError> {
        let fit = (1..=threads.max(1))
            .rev()
            .find(|&w| self.total(w) <= budget);
        fit.ok_or_else(|| MemoryError::WontFit {
            need: Size(self.total(1)),
            budget: Size(budget),
            share: (DEFAULT_SHARE * 100.0) as u32,
            detail: format!(
                "rows {}, checks {}, one worker's caches {}",
                Size(self.rows),
                Size(self.checks),
                Size(self.per_worker)
            ),
        })
    }
}

/// Worker threads the engine will use: `RAYON_NUM_THREADS` if set, else the machine's.
pub fn threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
}

/// Fit a run of `checks` checks of `scheme` into `budget` bytes before anything large is
/// built: returns the number of worker threads to use (fewer than [`threads`] when that is
/// what fits; the global thread pool is then limited to it, which changes no report), or why
/// the run cannot fit. Call before the engine's first parallel step.
pub fn fit(scheme: &Scheme, checks: u128, budget: u64) -> Result<usize, MemoryError> {
    let want = threads();
    let workers = Estimate::of(scheme, checks).workers_within(budget, want)?;
    if workers < want {
        // Fails only if the pool already exists, in which case nothing more can be done.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build_global();
    }
    Ok(workers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_bad_ones_are_refused() {
        assert_eq!(parse_size("512M"), Ok(512_000_000));
        assert_eq!(parse_size("8G"), Ok(8_000_000_000));
        assert_eq!(parse_size("8gb"), Ok(8_000_000_000));
        assert_eq!(parse_size("1.5G"), Ok(1_500_000_000));
        assert_eq!(parse_size("2GiB"), Ok(2 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("3000"), Ok(3000));
        for bad in ["", "G", "8X", "-1G", "0", "1e30", "8 G B"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn meminfo_is_read() {
        let text = "MemTotal:       24567890 kB\nMemFree:        1000 kB\n";
        assert_eq!(meminfo_total(text), Some(24567890 * 1024));
        assert_eq!(meminfo_total("nothing"), None);
    }

    #[test]
    fn workers_are_dropped_until_the_estimate_fits() {
        let e = Estimate {
            rows: 100,
            checks: 100,
            per_worker: 50,
        };
        assert_eq!(e.total(2), 300);
        assert_eq!(e.workers_within(1000, 4), Ok(4));
        assert_eq!(e.workers_within(290, 4), Ok(1));
        let err = e.workers_within(249, 4).unwrap_err();
        assert!(err.to_string().contains("needs about"), "{err}");
    }

    #[test]
    fn estimate_grows_with_the_scheme_and_the_checks() {
        let spec = crate::models::dropout::construct_spec(6, 4, 1, None).unwrap();
        let s = crate::scheme::read_spec_str(&spec, "d.toml").unwrap();
        let small = Estimate::of(&s, 10);
        let large = Estimate::of(&s, 10_000);
        assert!(small.rows > 0 && small.per_worker > 0);
        assert_eq!(large.checks - small.checks, 9_990 * BYTES_PER_CHECK);
    }
}
