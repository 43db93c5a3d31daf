//! Scale-out: `itsa verify --shard i/n` evaluates a deterministic part of the checks and writes
//! a shard report; `itsa merge` combines the shard reports of all parts into the full report.
//!
//! A shard report records the spec it was computed from (path and a hash of its text), the
//! itsa version that computed it, the part, the number of checks of the whole plan and of the
//! part, the number of failures, the outcome of every failing check of its part (passing
//! checks are the rest), and a digest over all outcomes of the part.
//!
//! A shard file is not trusted. [`merge_audited`] refuses, before allocating anything sized by
//! a number in the file: another format or itsa version, another spec, a check count that is
//! not the spec's, a part count larger than the check count, a missing, duplicate or
//! out-of-range part, a part whose check or failure count is wrong, a failure entry outside
//! the part's checks, duplicated, zero or larger than the scheme's column count, and a digest
//! that does not match the outcomes. It then re-evaluates every reported failure and a seeded
//! random sample of the passing checks with the reference rank formulas
//! ([`super::evaluate_one`]) and refuses the merge if one claim is false. What this does not
//! protect against (a deliberate editor who recomputes the digest and hides a failure in a
//! check the audit does not sample) is spelled out in docs/cli.md; `--audit all` re-runs
//! every check.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Outcome, Part, Plan, Space};

/// Format tag written into every shard report.
pub const FORMAT: &str = "itsa-shard-2";

/// The itsa version recorded in (and required of) shard reports: the part assignment
/// depends on the engine's evaluation order, which may change between versions.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Passing checks re-evaluated by `itsa merge` unless `--audit` says otherwise.
pub const DEFAULT_AUDIT: usize = 32;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ShardError {
    #[error("--shard must look like i/n with 1 ≤ i ≤ n (e.g. 2/4), found `{0}`")]
    BadPart(String),
    #[error("{0}")]
    Mismatch(String),
    #[error("audit failed: {0}; the shard files are wrong or were edited (re-run those parts)")]
    Audit(String),
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

/// A part of a plan with `total` checks is meaningful only if there are at least as many
/// checks as parts (an empty part would "pass" without looking at anything).
pub fn check_part(part: Part, total: usize) -> Result<(), ShardError> {
    if part.count > total.max(1) {
        return Err(ShardError::Mismatch(format!(
            "--shard {}/{}: the spec has {total} checks, so at most {} parts",
            part.index,
            part.count,
            total.max(1)
        )));
    }
    Ok(())
}

/// What one shard computed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShardReport {
    pub format: String,
    /// The itsa version that computed the part ([`VERSION`]).
    pub itsa_version: String,
    /// The spec file as given on the command line.
    pub spec: String,
    /// FNV-1a 64 of the spec text (hex), so shards of different specs are not merged.
    pub spec_hash: String,
    pub shard: u64,
    pub of: u64,
    /// Checks in the whole plan, and in this part.
    pub total_checks: u64,
    pub checks: u64,
    /// Failing checks in this part (the length of `failed`).
    pub failures: u64,
    /// FNV-1a 64 (hex) over `(index, outcome)` of every check of the part, in index order
    /// (see [`outcome_digest`]): a consistency check, not a signature.
    pub digest: String,
    /// `[check index in plan order, outcome]` of the failing checks of this part.
    pub failed: Vec<(u64, Outcome)>,
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
        let failed: Vec<(u64, Outcome)> = outcomes
            .iter()
            .filter(|&&(_, o)| o != 0)
            .map(|&(i, o)| (i as u64, o))
            .collect();
        ShardReport {
            format: FORMAT.to_string(),
            itsa_version: VERSION.to_string(),
            spec,
            spec_hash: spec_hash(spec_text),
            shard: part.index as u64,
            of: part.count as u64,
            total_checks: total_checks as u64,
            checks: outcomes.len() as u64,
            failures: failed.len() as u64,
            digest: outcome_digest(outcomes.iter().map(|&(i, o)| (i as u64, o))),
            failed,
            elapsed_seconds,
        }
    }
}

/// Evaluate part `part` of a loaded spec and build its shard report (`spec_text` is the
/// file's text, for the hash). Refuses more parts than checks.
pub fn run_part(
    spec: &str,
    spec_text: &str,
    scheme: &crate::scheme::Scheme,
    model: &crate::models::Model,
    part: Part,
    progress: &crate::progress::Progress,
) -> Result<ShardReport, ShardError> {
    let start = std::time::Instant::now();
    let plan = model.plan(scheme);
    check_part(part, plan.num_checks())?;
    let outcomes = super::evaluate_part(Space::of(scheme), &plan, part, progress);
    Ok(ShardReport::new(
        spec.to_string(),
        spec_text,
        part,
        plan.num_checks(),
        &outcomes,
        start.elapsed().as_secs_f64(),
    ))
}

/// FNV-1a 64 over bytes.
fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= b as u64;
        *h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64-bit hash of a text, as 16 hex digits.
pub fn spec_hash(text: &str) -> String {
    let mut h = FNV_OFFSET;
    fnv(&mut h, text.as_bytes());
    format!("{h:016x}")
}

/// Digest of a part's outcomes: FNV-1a 64 over the little-endian bytes of each
/// `(index: u64, outcome: u32)`, in the order given (index order), prefixed by the version.
pub fn outcome_digest(outcomes: impl IntoIterator<Item = (u64, Outcome)>) -> String {
    let mut h = FNV_OFFSET;
    fnv(&mut h, VERSION.as_bytes());
    for (i, o) in outcomes {
        fnv(&mut h, &i.to_le_bytes());
        fnv(&mut h, &o.to_le_bytes());
    }
    format!("{h:016x}")
}

/// How much of the passing checks `itsa merge` re-evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditLevel {
    /// This many passing checks, drawn at random (every reported failure is always re-checked).
    Sample(usize),
    /// Every check.
    All,
}

impl FromStr for AuditLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s == "all" {
            return Ok(AuditLevel::All);
        }
        s.parse::<usize>().map(AuditLevel::Sample).map_err(|_| {
            format!(
                "--audit takes a number of passing checks to re-evaluate, or `all` (found `{s}`)"
            )
        })
    }
}

impl std::fmt::Display for AuditLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditLevel::Sample(k) => write!(f, "{k}"),
            AuditLevel::All => f.write_str("all"),
        }
    }
}

/// What the merge audit re-evaluated (printed with the merged report).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditSummary {
    /// Every check was re-run (`--audit all`).
    pub all: bool,
    /// Reported failures re-evaluated (all of them).
    pub failures_rechecked: usize,
    /// Passing checks re-evaluated, of how many.
    pub passing_rechecked: usize,
    pub passing_total: usize,
    /// Seed of the sample (`--audit-seed` reproduces it).
    pub seed: u64,
}

impl AuditSummary {
    pub fn text(&self) -> String {
        if self.all {
            format!(
                "audit: every check re-evaluated ({} failing, {} passing): the shards agree\n",
                self.failures_rechecked, self.passing_rechecked
            )
        } else {
            format!(
                "audit: {} reported failure(s) and {} of {} passing checks re-evaluated (seed {}): the shards agree; unaudited passing checks are trusted (--audit all re-runs everything)\n",
                self.failures_rechecked, self.passing_rechecked, self.passing_total, self.seed
            )
        }
    }
}

/// Check the shard reports against the spec's plan and each other, audit them, and return
/// the outcome of every check (in plan order) with what was audited.
pub fn merge_audited(
    shards: &[ShardReport],
    space: Space,
    plan: &Plan,
    audit: AuditLevel,
    seed: u64,
) -> Result<(Vec<Outcome>, AuditSummary), ShardError> {
    let outcomes = merge(shards, space, plan)?;
    let summary = audit_outcomes(&outcomes, space, plan, audit, seed)?;
    Ok((outcomes, summary))
}

/// Outcomes of the whole plan (in check order) from the reports of all its parts, after the
/// structural checks (no re-evaluation; see [`merge_audited`]).
pub fn merge(
    shards: &[ShardReport],
    space: Space,
    plan: &Plan,
) -> Result<Vec<Outcome>, ShardError> {
    let err = |m: String| Err(ShardError::Mismatch(m));
    let Some(first) = shards.first() else {
        return err("no shard reports given".into());
    };
    let total = plan.num_checks();
    for s in shards {
        if s.format != FORMAT {
            return err(format!(
                "shard {}/{}: format `{}`, expected `{FORMAT}` (re-run the part with this itsa)",
                s.shard, s.of, s.format
            ));
        }
        if s.itsa_version != VERSION {
            return err(format!(
                "shard {}/{} was computed by itsa {}, this is itsa {VERSION}: parts are assigned by the engine's evaluation order, so every part must come from the same version",
                s.shard, s.of, s.itsa_version
            ));
        }
        if (&s.spec_hash, s.of, s.total_checks) != (&first.spec_hash, first.of, first.total_checks)
        {
            return err(format!(
                "shard {}/{} ({}) is not from the same run as shard {}/{} ({}): spec, part count \
                 or check count differ",
                s.shard, s.of, s.spec, first.shard, first.of, first.spec
            ));
        }
    }
    if first.total_checks != total as u64 {
        return err(format!(
            "the shards claim {} checks but the spec has {total}",
            first.total_checks
        ));
    }
    let n = first.of;
    if n == 0 || n > total.max(1) as u64 {
        return err(format!(
            "the shards claim {n} parts, but a spec with {total} checks has 1 to {} parts",
            total.max(1)
        ));
    }
    let n = n as usize;
    if shards.len() > n {
        return err(format!(
            "{} shard reports given for {n} parts",
            shards.len()
        ));
    }
    let order = super::plan_order(plan);
    let mut seen = vec![false; n];
    let mut outcomes: Vec<Outcome> = vec![0; total];
    for s in shards {
        if s.shard == 0 || s.shard > n as u64 {
            return err(format!(
                "shard {}/{}: part index out of range",
                s.shard, s.of
            ));
        }
        let index = s.shard as usize;
        if std::mem::replace(&mut seen[index - 1], true) {
            return err(format!("shard {index}/{n} is given twice"));
        }
        let mine = super::part_of(&order, Part { index, count: n });
        if s.checks != mine.len() as u64 {
            return err(format!(
                "shard {index}/{n} claims {} checks, but the part has {}",
                s.checks,
                mine.len()
            ));
        }
        if s.failures != s.failed.len() as u64 {
            return err(format!(
                "shard {index}/{n} claims {} failures but lists {}",
                s.failures,
                s.failed.len()
            ));
        }
        for &(i, o) in &s.failed {
            let bad = |why: &str| {
                Err(ShardError::Mismatch(format!(
                    "shard {index}/{n}: bad failure entry [{i}, {o}]: {why}"
                )))
            };
            if o == 0 {
                return bad("a failure has a nonzero outcome");
            }
            // An outcome is a rank deficit or a leaked dimension: at most the column count.
            if o as u64 > space.columns as u64 {
                return bad(&format!(
                    "an outcome is at most the number of source symbols ({})",
                    space.columns
                ));
            }
            let Ok(i) = usize::try_from(i) else {
                return bad("not a check of this part");
            };
            if mine.binary_search(&i).is_err() {
                return bad("not a check of this part");
            }
            if outcomes[i] != 0 {
                return bad("listed twice");
            }
            outcomes[i] = o;
        }
        let digest = outcome_digest(mine.iter().map(|&i| (i as u64, outcomes[i])));
        if digest != s.digest {
            return err(format!(
                "shard {index}/{n}: the digest does not match its outcomes (the file was edited or corrupted, or computed by another build of itsa {VERSION})"
            ));
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

/// Re-evaluate every failure and a seeded sample of passing checks (or everything).
fn audit_outcomes(
    outcomes: &[Outcome],
    space: Space,
    plan: &Plan,
    level: AuditLevel,
    seed: u64,
) -> Result<AuditSummary, ShardError> {
    use rayon::prelude::*;
    let checks: Vec<(&str, &super::Check)> = plan
        .families
        .iter()
        .flat_map(|f| f.checks.iter().map(move |c| (f.name, c)))
        .collect();
    let failing: Vec<usize> = (0..outcomes.len()).filter(|&i| outcomes[i] != 0).collect();
    let passing_total = outcomes.len() - failing.len();
    let (sample, all): (Vec<usize>, bool) = match level {
        AuditLevel::All => ((0..outcomes.len()).collect(), true),
        AuditLevel::Sample(k) => {
            let mut rng = crate::construct::SplitMix64(seed);
            let mut chosen = failing.clone();
            if k >= passing_total {
                chosen.extend((0..outcomes.len()).filter(|&i| outcomes[i] == 0));
            } else {
                // Floyd's algorithm over the passing checks' ranks: k distinct, uniform.
                let passing: Vec<usize> =
                    (0..outcomes.len()).filter(|&i| outcomes[i] == 0).collect();
                let mut picked = std::collections::BTreeSet::new();
                for j in (passing_total - k)..passing_total {
                    let t = rng.below(j as u64 + 1) as usize;
                    if !picked.insert(t) {
                        picked.insert(j);
                    }
                }
                chosen.extend(picked.into_iter().map(|r| passing[r]));
            }
            (chosen, false)
        }
    };
    let outcomes_all: Option<Vec<Outcome>> = all.then(|| {
        super::evaluate_part(space, plan, Part::ALL, &crate::progress::Progress::none())
            .into_iter()
            .map(|(_, o)| o)
            .collect()
    });
    let wrong = sample.par_iter().find_map_first(|&i| {
        let real = match &outcomes_all {
            Some(v) => v[i],
            None => super::evaluate_one(space, plan, checks[i].1),
        };
        (real != outcomes[i]).then_some((i, real))
    });
    if let Some((i, real)) = wrong {
        let (family, check) = checks[i];
        let sets: Vec<String> = check
            .sets
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={{{}}}",
                    v.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
                )
            })
            .collect();
        let claim = |o: Outcome| {
            if o == 0 {
                "passes".to_string()
            } else {
                format!("fails with outcome {o}")
            }
        };
        return Err(ShardError::Audit(format!(
            "check #{i} ({family} {}) {} according to the shards, but it {} when re-evaluated",
            sets.join(" "),
            claim(outcomes[i]),
            claim(real)
        )));
    }
    let failures_rechecked = failing.len();
    Ok(AuditSummary {
        all,
        failures_rechecked,
        passing_rechecked: sample.len() - failures_rechecked,
        passing_total,
        seed,
    })
}

/// A seed for the audit sample when none is given: different on every run, so an editor of a
/// shard file cannot know which passing checks will be re-evaluated.
pub fn fresh_seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut rng = crate::construct::SplitMix64(t ^ ((std::process::id() as u64) << 32));
    rng.next_u64()
}

/// Why `itsa merge` refused.
#[derive(Debug, Error)]
pub enum MergeError {
    #[error(transparent)]
    Spec(#[from] crate::scheme::SpecError),
    #[error(transparent)]
    Shard(#[from] ShardError),
    #[error("{0}")]
    Input(String),
}

/// `itsa merge`: read the shard files, check them against the spec (default: the path they
/// record) and each other, audit them, and build the full report — the report an unsharded
/// `itsa verify` prints — with what was audited.
pub fn merge_files(
    paths: &[std::path::PathBuf],
    spec: Option<&std::path::Path>,
    opts: &super::Options,
    audit: AuditLevel,
    seed: u64,
) -> Result<(super::Report, AuditSummary), MergeError> {
    let mut shards = Vec::new();
    for p in paths {
        let text = std::fs::read(p)
            .map_err(|e| MergeError::Input(format!("{}: cannot read: {e}", p.display())))
            .and_then(|b| {
                String::from_utf8(b).map_err(|e| {
                    MergeError::Input(format!(
                        "{}: not a shard report: invalid UTF-8 at byte {}",
                        p.display(),
                        e.utf8_error().valid_up_to()
                    ))
                })
            })?;
        let s: ShardReport = serde_json::from_str(&text).map_err(|e| {
            MergeError::Input(format!(
                "{}:{}:{}: not a shard report: {e}",
                p.display(),
                e.line(),
                e.column()
            ))
        })?;
        shards.push(s);
    }
    let Some(first) = shards.first() else {
        return Err(ShardError::Mismatch("no shard reports given".into()).into());
    };
    let spec = spec.map_or_else(
        || std::path::PathBuf::from(&first.spec),
        |p| p.to_path_buf(),
    );
    let hash_ok = std::fs::read_to_string(&spec).is_ok_and(|t| spec_hash(&t) == first.spec_hash);
    if !hash_ok {
        return Err(MergeError::Input(format!(
            "{} is not the spec the shards were computed from (missing or changed); pass --spec",
            spec.display()
        )));
    }
    let (scheme, model) = crate::load(&spec)?;
    crate::budget::charge(
        crate::budget::Resource::Checks,
        model.count_checks(),
        format!("{}: this model instance", spec.display()),
    )
    .map_err(|e| MergeError::Input(e.to_string()))?;
    let plan = model.plan(&scheme);
    let (outcomes, summary) = merge_audited(&shards, Space::of(&scheme), &plan, audit, seed)?;
    let mut report = crate::report_from_outcomes(&scheme, &model, opts, outcomes)?;
    report.elapsed_seconds += shards.iter().map(|s| s.elapsed_seconds).sum::<f64>();
    Ok((report, summary))
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

    #[test]
    fn huge_parts_do_not_overflow() {
        let big = usize::MAX;
        let p: Part = format!("{big}/{big}").parse().unwrap();
        assert_eq!(p.range(10), 10..10);
        assert!(check_part(p, 10).is_err());
        assert!(check_part(Part { index: 1, count: 1 }, 0).is_ok());
        let half = Part {
            index: 1 << 62,
            count: 1 << 63,
        };
        assert_eq!(half.range(1000), 500..500);
    }

    #[test]
    fn the_digest_sees_every_outcome_and_index() {
        let a = outcome_digest([(0, 0), (1, 2)]);
        assert_ne!(a, outcome_digest([(0, 0), (1, 3)]));
        assert_ne!(a, outcome_digest([(0, 0), (2, 2)]));
        assert_ne!(a, outcome_digest([(0, 0)]));
        assert_eq!(a, outcome_digest([(0, 0), (1, 2)]));
        assert_eq!("all".parse::<AuditLevel>(), Ok(AuditLevel::All));
        assert_eq!("7".parse::<AuditLevel>(), Ok(AuditLevel::Sample(7)));
        assert!("-1".parse::<AuditLevel>().is_err());
    }
}
