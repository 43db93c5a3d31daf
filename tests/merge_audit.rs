//! `itsa merge` does not trust shard files: every kind of edit or corruption is refused
//! (exit 2) or caught by the audit, and an honest set of shards still merges.

mod common;

use common::{code, itsa};
use itsa::models::dropout::construct_spec;
use itsa::verify::shard::{outcome_digest, ShardReport};
use itsa::verify::{part_indices, Part};
use serde_json::Value;

const PARTS: usize = 3;

struct Run {
    _dir: tempfile::TempDir,
    spec: std::path::PathBuf,
    shards: Vec<ShardReport>,
    dir: std::path::PathBuf,
}

/// The broken design (T = 0 construction declared against 2 colluders), in 3 shards.
fn violated_run() -> Run {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.toml");
    let text = construct_spec(6, 4, 0, None)
        .unwrap()
        .replace("colluders = 0", "colluders = 2");
    std::fs::write(&spec, text).unwrap();
    let shards = (1..=PARTS)
        .map(|i| {
            let o = itsa(&[
                "verify",
                spec.to_str().unwrap(),
                "--shard",
                &format!("{i}/{PARTS}"),
            ]);
            assert!(code(&o) <= 1);
            serde_json::from_slice(&o.stdout).unwrap()
        })
        .collect();
    Run {
        spec,
        shards,
        dir: dir.path().to_path_buf(),
        _dir: dir,
    }
}

impl Run {
    /// Write the shards (as JSON values, possibly edited) and merge them.
    fn merge_values(&self, shards: &[Value], extra: &[&str]) -> std::process::Output {
        let mut files = Vec::new();
        for (i, s) in shards.iter().enumerate() {
            let f = self.dir.join(format!("s{i}.json"));
            std::fs::write(&f, serde_json::to_string_pretty(s).unwrap()).unwrap();
            files.push(f.to_str().unwrap().to_string());
        }
        let mut args = vec!["merge", "--json"];
        args.extend(extra);
        args.extend(files.iter().map(String::as_str));
        itsa(&args)
    }

    fn merge(&self, shards: &[ShardReport], extra: &[&str]) -> std::process::Output {
        let v: Vec<Value> = shards
            .iter()
            .map(|s| serde_json::to_value(s).unwrap())
            .collect();
        self.merge_values(&v, extra)
    }

    /// Recompute a shard's counts and digest after an edit of `failed` (a careful editor).
    fn reseal(&self, s: &mut ShardReport) {
        let (scheme, model) = itsa::load(&self.spec).unwrap();
        let plan = model.plan(&scheme);
        let mine = part_indices(
            &plan,
            Part {
                index: s.shard as usize,
                count: s.of as usize,
            },
        );
        s.failed.sort();
        s.failures = s.failed.len() as u64;
        s.digest = outcome_digest(mine.iter().map(|&i| {
            let o = s.failed.iter().find(|f| f.0 == i as u64).map_or(0, |f| f.1);
            (i as u64, o)
        }));
    }

    /// A passing check of part `index` (plan index).
    fn passing_check(&self, index: usize) -> u64 {
        let (scheme, model) = itsa::load(&self.spec).unwrap();
        let plan = model.plan(&scheme);
        let s = &self.shards[index - 1];
        part_indices(
            &plan,
            Part {
                index,
                count: PARTS,
            },
        )
        .into_iter()
        .map(|i| i as u64)
        .find(|&i| s.failed.iter().all(|f| f.0 != i))
        .unwrap()
    }
}

fn refused(o: &std::process::Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(code(o), 2, "{what}: exit {:?}, stderr {err}", o.status);
    assert!(err.starts_with("error: "), "{what}: {err}");
    err
}

#[test]
fn honest_shards_merge_and_say_what_was_audited() {
    let r = violated_run();
    let o = r.merge(&r.shards, &["--audit-seed", "7"]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let failures = v["failures"].as_u64().unwrap();
    assert!(failures > 0);
    assert_eq!(v["audit"]["failures_rechecked"].as_u64(), Some(failures));
    assert_eq!(v["audit"]["passing_rechecked"].as_u64(), Some(32));
    assert_eq!(v["audit"]["seed"].as_u64(), Some(7));
    let all = r.merge(&r.shards, &["--audit", "all"]);
    assert_eq!(code(&all), 1);
    let v: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(v["audit"]["all"], true);
    assert_eq!(
        v["audit"]["passing_rechecked"].as_u64().unwrap() + failures,
        v["checks"].as_u64().unwrap()
    );
    // the text report says it too
    let files: Vec<String> = (0..PARTS)
        .map(|i| r.dir.join(format!("s{i}.json")).display().to_string())
        .collect();
    let mut args = vec!["merge"];
    args.extend(files.iter().map(String::as_str));
    let text = itsa(&args);
    assert!(String::from_utf8_lossy(&text.stdout).contains("audit: "));
}

#[test]
fn a_removed_failure_is_refused() {
    let r = violated_run();
    let i = r.shards.iter().position(|s| !s.failed.is_empty()).unwrap();
    // naive: drop the failures, leave counts and digest
    let mut naive = r.shards.clone();
    naive[i].failed.clear();
    refused(&r.merge(&naive, &[]), "naive removal");
    // counts fixed, digest stale
    naive[i].failures = 0;
    let e = refused(&r.merge(&naive, &[]), "removal, stale digest");
    assert!(e.contains("digest"), "{e}");
    // a careful editor reseals every shard with all failures removed: the audit of all
    // passing checks (N ≥ the number of passing checks) finds them
    let mut careful = r.shards.clone();
    for s in &mut careful {
        s.failed.clear();
        r.reseal(s);
    }
    let e = refused(&r.merge(&careful, &["--audit", "all"]), "resealed removal");
    assert!(
        e.contains("audit failed") && e.contains("passes according to the shards"),
        "{e}"
    );
    let e = refused(
        &r.merge(&careful, &["--audit", "1000000"]),
        "resealed removal, big sample",
    );
    assert!(e.contains("audit failed"), "{e}");
}

#[test]
fn an_invented_or_altered_failure_is_caught_by_the_audit() {
    let r = violated_run();
    let mut s = r.shards.clone();
    let c = r.passing_check(1);
    s[0].failed.push((c, 1));
    r.reseal(&mut s[0]);
    let e = refused(&r.merge(&s, &["--audit", "0"]), "invented failure");
    assert!(
        e.contains(&format!("check #{c}")) && e.contains("passes when re-evaluated"),
        "{e}"
    );
    // a real failure with another outcome
    let mut s = r.shards.clone();
    let i = s.iter().position(|s| !s.failed.is_empty()).unwrap();
    s[i].failed[0].1 += 1;
    r.reseal(&mut s[i]);
    let e = refused(&r.merge(&s, &["--audit", "0"]), "altered outcome");
    assert!(e.contains("audit failed"), "{e}");
}

#[test]
fn foreign_out_of_range_and_duplicate_entries_are_refused() {
    let r = violated_run();
    let i = r.shards.iter().position(|s| !s.failed.is_empty()).unwrap();
    let j = (i + 1) % PARTS;
    // a failure of shard i reported by shard j
    let mut s = r.shards.clone();
    let moved = s[i].failed[0];
    s[j].failed.push(moved);
    r.reseal(&mut s[j]);
    let e = refused(&r.merge(&s, &[]), "foreign index");
    assert!(e.contains("not a check of this part"), "{e}");
    // an index beyond the plan
    let mut s = r.shards.clone();
    s[i].failed.push((u64::MAX, 1));
    s[i].failures += 1;
    refused(&r.merge(&s, &[]), "index beyond the plan");
    // an outcome of 999999
    let mut s = r.shards.clone();
    s[i].failed[0].1 = 999_999;
    let e = refused(&r.merge(&s, &[]), "out-of-range outcome");
    assert!(e.contains("at most the number of source symbols"), "{e}");
    // a zero outcome listed as a failure
    let mut s = r.shards.clone();
    s[i].failed[0].1 = 0;
    refused(&r.merge(&s, &[]), "zero outcome");
    // the same failure twice
    let mut s = r.shards.clone();
    let dup = s[i].failed[0];
    s[i].failed.push(dup);
    s[i].failures += 1;
    let e = refused(&r.merge(&s, &[]), "duplicate entry");
    assert!(e.contains("listed twice"), "{e}");
    // the same shard twice (and one missing)
    let mut s = r.shards.clone();
    s[j] = s[i].clone();
    let e = refused(&r.merge(&s, &[]), "duplicate shard");
    assert!(e.contains("given twice"), "{e}");
}

#[test]
fn truncated_huge_and_foreign_files_are_refused() {
    let r = violated_run();
    let values: Vec<Value> = r
        .shards
        .iter()
        .map(|s| serde_json::to_value(s).unwrap())
        .collect();
    // truncated file
    let f = r.dir.join("trunc.json");
    let full = serde_json::to_string_pretty(&values[0]).unwrap();
    std::fs::write(&f, &full[..full.len() / 2]).unwrap();
    let o = itsa(&["merge", f.to_str().unwrap()]);
    let e = refused(&o, "truncated");
    assert!(
        e.contains("trunc.json:") && e.contains("not a shard report"),
        "{e}"
    );
    // huge counts: no allocation proportional to them, a clear refusal
    for (key, value) in [
        ("total_checks", 1u64 << 62),
        ("of", 1u64 << 62),
        ("checks", 1u64 << 62),
        ("failures", 1u64 << 62),
        ("shard", u64::MAX),
    ] {
        let mut v = values.clone();
        for s in &mut v {
            s[key] = Value::from(value);
        }
        refused(&r.merge_values(&v, &[]), key);
    }
    // another itsa version, another format
    for (key, value) in [("itsa_version", "0.0.0-other"), ("format", "itsa-shard-1")] {
        let mut v = values.clone();
        v[0][key] = Value::from(value);
        let e = refused(&r.merge_values(&v, &[]), key);
        assert!(e.contains(value), "{e}");
    }
    // an edited spec
    let mut edited = std::fs::read_to_string(&r.spec).unwrap();
    edited.push_str("\n# edited\n");
    std::fs::write(&r.spec, edited).unwrap();
    let e = refused(&r.merge_values(&values, &[]), "edited spec");
    assert!(
        e.contains("not the spec the shards were computed from"),
        "{e}"
    );
}
