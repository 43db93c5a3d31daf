//! Scale-out: `itsa verify --shard i/n` evaluates a deterministic part of the checks and writes
//! a shard report; `itsa merge` combines the shard reports of all parts into the full report.
//!
//! A shard report records the spec it was computed from (path and a hash of its text), the part,
//! the number of checks of the whole plan, and the outcome of every failing check of its part
//! (passing checks are the rest). Merging needs every part exactly once and the same spec; the
//! merged outcomes then go through the same report builder as an unsharded run.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Outcome, Part};

/// Format tag written into every shard report.
pub const FORMAT: &str = "itsa-shard-1";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ShardError {
    #[error("--shard must look like i/n with 1 ≤ i ≤ n (e.g. 2/4), found `{0}`")]
    BadPart(String),
    #[error("{0}")]
    Mismatch(String),
}

impl FromStr for Part {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, ShardError> {
        let bad = || ShardError::BadPart(s.to_string());
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Part { index, count })
    }
}

/// What one shard computed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShardReport {
    pub format: String,
    /// The spec file as given on the command line.
    pub spec: String,
    /// FNV-1a 64 of the spec text (hex), so shards of different specs are not merged.
    pub spec_hash: String,
    pub shard: usize,
    pub of: usize,
    /// Checks in the whole plan, and in this part.
    pub total_checks: usize,
    pub checks: usize,
    /// `[check index in plan order, outcome]` of the failing checks of this part.
    pub failed: Vec<(usize, Outcome)>,
    pub elapsed_seconds: f64,
}

impl ShardReport {
    pub fn new(
        spec: String,
        spec_text: &str,
        part: Part,
        total_checks: usize,
        outcomes: &[(usize, Outcome)],
        elapsed_seconds: f64,
    ) -> Self {
        ShardReport {
            format: FORMAT.to_string(),
            spec,
            spec_hash: spec_hash(spec_text),
            shard: part.index,
            of: part.count,
            total_checks,
            checks: outcomes.len(),
            failed: outcomes.iter().copied().filter(|&(_, o)| o != 0).collect(),
            elapsed_seconds,
        }
    }
}

/// FNV-1a 64-bit hash of a text, as 16 hex digits.
pub fn spec_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Outcomes of the whole plan (in check order) from the reports of all its parts.
pub fn merge(shards: &[ShardReport]) -> Result<Vec<Outcome>, ShardError> {
    let err = |m: String| Err(ShardError::Mismatch(m));
    let Some(first) = shards.first() else {
        return err("no shard reports given".into());
    };
    let n = first.of;
    let mut seen = vec![false; n];
    let mut outcomes = vec![0; first.total_checks];
    for s in shards {
        if s.format != FORMAT {
            return err(format!(
                "shard {}/{}: format `{}`, expected `{FORMAT}`",
                s.shard, s.of, s.format
            ));
        }
        if (&s.spec_hash, s.of, s.total_checks) != (&first.spec_hash, n, first.total_checks) {
            return err(format!(
                "shard {}/{} ({}) is not from the same run as shard {}/{} ({}): spec, part count \
                 or check count differ",
                s.shard, s.of, s.spec, first.shard, first.of, first.spec
            ));
        }
        if s.shard == 0 || s.shard > n {
            return err(format!("shard {}/{} is out of range", s.shard, s.of));
        }
        if std::mem::replace(&mut seen[s.shard - 1], true) {
            return err(format!("shard {}/{n} is given twice", s.shard));
        }
        let range = Part {
            index: s.shard,
            count: n,
        }
        .range(s.total_checks);
        if s.checks != range.len() {
            return err(format!(
                "shard {}/{n} has {} checks, expected {}",
                s.shard,
                s.checks,
                range.len()
            ));
        }
        for &(i, o) in &s.failed {
            match outcomes.get_mut(i) {
                Some(slot) if o != 0 => *slot = o,
                _ => return err(format!("shard {}/{n}: bad entry [{i}, {o}]", s.shard)),
            }
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|&i| !seen[i - 1])
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return err(format!("missing shards: {}", missing.join(", ")));
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_parse_and_cover_every_check_once() {
        assert_eq!("2/4".parse::<Part>(), Ok(Part { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x/2", "3"] {
            assert!(bad.parse::<Part>().is_err(), "{bad}");
        }
        for n in [0, 1, 7, 100] {
            for count in 1..6 {
                let mut covered = Vec::new();
                for index in 1..=count {
                    covered.extend(Part { index, count }.range(n));
                }
                assert_eq!(covered, (0..n).collect::<Vec<_>>());
            }
        }
    }

    fn shard(i: usize, failed: Vec<(usize, Outcome)>) -> ShardReport {
        let part = Part { index: i, count: 2 };
        let outcomes: Vec<(usize, Outcome)> = part
            .range(10)
            .map(|c| (c, failed.iter().find(|f| f.0 == c).map_or(0, |f| f.1)))
            .collect();
        ShardReport::new("s.toml".into(), "spec", part, 10, &outcomes, 0.0)
    }

    #[test]
    fn merge_needs_every_shard_once_from_the_same_spec() {
        let (a, b) = (shard(1, vec![(3, 2)]), shard(2, vec![(7, 1)]));
        let mut want = vec![0; 10];
        want[3] = 2;
        want[7] = 1;
        assert_eq!(merge(&[b.clone(), a.clone()]), Ok(want));
        assert!(merge(std::slice::from_ref(&a))
            .unwrap_err()
            .to_string()
            .contains("missing shards: 2/2"));
        assert!(merge(&[a.clone(), a.clone()]).is_err());
        let mut other = b.clone();
        other.spec_hash = spec_hash("another spec");
        assert!(merge(&[a, other]).is_err());
    }
}
