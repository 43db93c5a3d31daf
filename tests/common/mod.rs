//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn spec(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("specs")
        .join(name)
}

pub fn itsa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .expect("run itsa")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// `itsa verify SPEC --json` → (exit code, parsed report).
pub fn verify_json(spec_name: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let path = spec(spec_name);
    let mut args = vec!["verify", path.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let o = itsa(&args);
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (code(&o), v)
}

pub fn family<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no family {name}"))
}

/// (checks, failures) of a family.
pub fn counts(report: &serde_json::Value, name: &str) -> (u64, u64) {
    let f = family(report, name);
    (
        f["checks"].as_u64().unwrap(),
        f["failures"].as_u64().unwrap(),
    )
}

/// Members of the set called `set` in each example of a family.
pub fn example_sets(report: &serde_json::Value, fam: &str, set: &str) -> Vec<Vec<u64>> {
    family(report, fam)["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["sets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == set)
                .unwrap()["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect()
        })
        .collect()
}
