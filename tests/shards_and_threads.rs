//! Scale-out and parallelism do not change answers: `--shard i/4` + `merge` reproduces the
//! unsharded report exactly, and evaluation with 1 and 2 threads gives identical outcomes.

mod common;

use common::{code, itsa};
use itsa::models::dropout::construct_spec;
use itsa::verify::{evaluate, Space};

/// A verifying construction and a broken one (the T = 0 design declared against 2 colluders).
fn specs(dir: &std::path::Path) -> Vec<(std::path::PathBuf, i32)> {
    let good = construct_spec(6, 4, 1, None).unwrap();
    let bad = construct_spec(6, 4, 0, None)
        .unwrap()
        .replace("colluders = 0", "colluders = 2");
    [("good.toml", good, 0), ("bad.toml", bad, 1)]
        .into_iter()
        .map(|(name, text, rc)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            (p, rc)
        })
        .collect()
}

fn without_elapsed(stdout: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(stdout).expect("JSON report");
    v.as_object_mut().unwrap().remove("elapsed_seconds");
    v
}

#[test]
fn four_shards_merged_equal_the_unsharded_report() {
    let dir = tempfile::tempdir().unwrap();
    for (spec, want_rc) in specs(dir.path()) {
        let s = spec.to_str().unwrap();
        let full = itsa(&["verify", s, "--json", "--show-decoders"]);
        assert_eq!(code(&full), want_rc, "{s}");
        let mut shard_files = Vec::new();
        let mut failed_in = 0;
        for i in 1..=4 {
            let o = itsa(&["verify", s, "--shard", &format!("{i}/4")]);
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let failed = v["failed"].as_array().unwrap().len();
            assert_eq!(code(&o), if failed > 0 { 1 } else { 0 });
            failed_in += (failed > 0) as usize;
            let f = dir.path().join(format!("shard{i}.json"));
            std::fs::write(&f, &o.stdout).unwrap();
            shard_files.push(f.to_str().unwrap().to_string());
        }
        if want_rc == 1 {
            assert!(failed_in >= 2, "failures spread over several shards");
        }
        // any order of the shard files
        shard_files.reverse();
        let mut args = vec!["merge", "--json", "--show-decoders"];
        args.extend(shard_files.iter().map(|f| f.as_str()));
        let merged = itsa(&args);
        assert_eq!(
            code(&merged),
            want_rc,
            "{}",
            String::from_utf8_lossy(&merged.stderr)
        );
        assert_eq!(
            without_elapsed(&merged.stdout),
            without_elapsed(&full.stdout)
        );
        // an incomplete set is refused
        let partial = itsa(&["merge", &shard_files[0], &shard_files[1]]);
        assert_eq!(code(&partial), 2);
        assert!(String::from_utf8_lossy(&partial.stderr).contains("missing shards"));
    }
}

#[test]
fn bad_shard_argument_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (spec, _) = specs(dir.path()).remove(0);
    for bad in ["0/4", "5/4", "two"] {
        let o = itsa(&["verify", spec.to_str().unwrap(), "--shard", bad]);
        assert_eq!(code(&o), 2, "{bad}");
    }
}

#[test]
fn one_and_two_threads_give_identical_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    for (spec, want_rc) in specs(dir.path()) {
        let (scheme, model) = itsa::load(&spec).unwrap();
        let plan = model.plan(&scheme);
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| evaluate(Space::of(&scheme), &plan, &itsa::progress::Progress::none()))
        };
        let (one, two) = (run(1), run(2));
        assert_eq!(one, two);
        let failures = one.iter().flatten().filter(|&&o| o != 0).count();
        assert_eq!(failures > 0, want_rc == 1);
    }
}
