//! `itsa bound SPEC`: the entropy problem built from a model declaration reproduces the
//! hand-written problems (same LP sizes and certified values), detects its symmetries from
//! the declaration's index sets, refuses what has no entropic meaning, and proves the
//! declared bounds of the specs in specs/.
#![cfg(feature = "bound")]

use std::process::Command;

use itsa::bound::problem::Problem;
use itsa::bound::{lp, models, run, symmetry, Query, Status};
use itsa::models::declared::entropy::{declared_for, EntropyProblem};

fn declared(spec: &str) -> EntropyProblem {
    let (s, m, _) = itsa::load_with(std::path::Path::new(spec), &Default::default()).unwrap();
    declared_for(&s, &m).unwrap().entropy_problem().unwrap()
}

fn declared_text(text: &str) -> Result<EntropyProblem, String> {
    let (s, m, _) =
        itsa::load_str_with(text, "<test>", &Default::default()).map_err(|e| e.to_string())?;
    declared_for(&s, &m)
        .and_then(|d| d.entropy_problem())
        .map_err(|e| e.to_string())
}

/// (columns, rows, certified bound) of minimising `obj` on the kept variables.
fn solve(p: &Problem, obj: &str, keep: Option<&str>) -> (usize, usize, String) {
    let mut q = Query::new(p, obj).unwrap();
    q.keep = keep.map(|k| p.parse_set(k).unwrap());
    let r = p.restrict(q.keep.unwrap_or(p.all()));
    let built = lp::build(&r, &q.objective, &symmetry::detect(p)).unwrap();
    let report = run(p, &q).unwrap();
    assert_eq!(report.status, Status::Proved, "{report:#?}");
    (
        built.cols(),
        built.rows.len(),
        report.bound.clone().unwrap(),
    )
}

/// One-round summation, K = 3, T = 0, keys summing to zero.
const SUMMATION_K3: &str = r#"
title = "summation K=3"
model = "summation"
prime = 5
input-length = 1
inputs = ["W[1..3]"]
[params]
users = 3
[randomness]
"Z[1..2]" = 1
[variables]
"Z[3]" = "-Z[1] - Z[2]"
"X[1]" = "W[1] + Z[1]"
"X[2]" = "W[2] + Z[2]"
"X[3]" = "W[3] + Z[3]"
"#;

#[test]
fn declared_summation_reproduces_the_hand_written_lp() {
    let d = declared_text(SUMMATION_K3).unwrap();
    let h = models::summation(3).unwrap();
    assert_eq!(d.problem.vars.len(), h.vars.len());
    // Same LP (sizes) and the same certified values, objective by objective.
    for (dobj, hobj) in [
        ("Z[1],Z[2],Z[3]", "Z[1],Z[2],Z[3]"),
        ("X[1]", "X[1]"),
        ("Z[1]", "Z[1]"),
        ("R", "RX"),
    ] {
        assert_eq!(
            solve(&d.problem, dobj, None),
            solve(&h, hobj, None),
            "{dobj} vs {hobj}"
        );
    }
}

#[test]
fn declared_dropout_reproduces_the_hand_written_lp() {
    let d = declared("specs/zhao-sun-example1.toml");
    let h = models::dropout(3, 2, 0).unwrap();
    assert_eq!(d.problem.vars.len(), 22);
    assert_eq!(h.vars.len(), 22);
    // The hand-written names Z[k] (the declaration's R[k]) and S{U1} (ΣW{U1}).
    let r1 = "W[1],W[2],W[3],Z[1],Z[2],Z[3],X[1],X[2],X[3],Y[2]{1,2,3},Y[3]{1,2,3},S{1,2,3}";
    let r2 = "W[1],W[2],W[3],X[1],X[2],X[3],Y[1]{1,2},Y[2]{1,2},S{1,2},S{1,3}";
    let rename = |s: &str| s.replace("Z[", "R[").replace("S{", "ΣW{");
    for (rate, keep, value) in [("R1", r1, "1"), ("R2", r2, "1/2")] {
        let got = solve(&d.problem, rate, Some(&rename(keep)));
        assert_eq!(got.2, value, "{rate}");
        assert_eq!(got, solve(&h, rate, Some(keep)), "{rate}");
    }
}

#[test]
fn declared_symmetries_come_from_the_index_sets() {
    // Summation: every user permutation (S_3: the transpositions (1 2), (2 3), the rotation
    // and the reflection are all symmetries).
    let d = declared_text(SUMMATION_K3).unwrap();
    let gens = symmetry::detect(&d.problem);
    assert_eq!(gens.len(), 4, "{gens:?}");
    // Dropout: user swaps act on Y[k]{U1}'s element and subset index together.
    let d = declared("specs/zhao-sun-example1.toml");
    assert_eq!(symmetry::detect(&d.problem).len(), 4);
    // Multi-server: `(u, v) in servers x (1..V)` and `u in servers` share the server index
    // set, so server swaps are found along with user swaps within a server.
    let d = declared_text(&multi_server_spec()).unwrap();
    let q = Query::new(&d.problem, "R_ZΣ").unwrap();
    let r = d.problem.restrict(d.problem.all());
    let (g, note) = symmetry::group(&r, &q.objective, &symmetry::detect(&d.problem));
    assert_eq!(g.len(), 8, "{note}");
}

/// The multi-server parametric spec at U = V = 2, T = 0, as a flat spec.
fn multi_server_spec() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args([
            "expand",
            "specs/multi-server-general.toml",
            "--set",
            "U=2",
            "--set",
            "V=2",
            "--set",
            "T=0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn declared_names_are_the_specs_names() {
    let d = declared("specs/zhao-sun-example1.toml");
    let names = d.problem.var_names();
    for n in [
        "W[1]",
        "R[3]",
        "X[2]",
        "Y[1]{1,2}",
        "Y[3]{1,2,3}",
        "ΣW{1,3}",
        "ΣW{1,2,3}",
    ] {
        assert!(names.iter().any(|m| m == n), "{n} not in {names:?}");
    }
    let rates: Vec<&str> = d.problem.rates.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(rates, ["R1", "R2"]);
}

#[test]
fn a_sum_of_non_inputs_is_refused() {
    let text = r#"
title = "decodes a sum of keys"
prime = 5
input-length = 1
inputs = ["W[1..2]"]
[params]
K = 2
[randomness]
"Z[1..2]" = 1
[variables]
"X[1]" = "W[1] + Z[1]"
"X[2]" = "W[2] + Z[2]"
[model]
name = "sum-of-keys"
[model.params]
K = { min = 2 }
[model.sets]
users = "1..K"
[model.roles.input]
pattern = "W[k]"
for = "k in users"
kind = "input"
holder = "k"
participant = "user"
[model.roles.key]
pattern = "Z[k]"
for = "k in users"
kind = "key"
holder = "k"
participant = "user"
[model.roles.message]
pattern = "X[k]"
for = "k in users"
kind = "message"
holder = "k"
participant = "user"
[[model.family]]
name = "keys"
decode = "sum(Z[k] for k in users)"
from = "X[k] for k in users"
"#;
    match declared_text(text) {
        Err(e) => assert!(e.contains("not an input"), "{e}"),
        Ok(p) => panic!("accepted: {:?}", p.problem.title),
    }
}

fn itsa(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn cli_bound_spec_proves_the_declared_rate_and_shows_the_achieved_one() {
    let (code, out, err) = itsa(&[
        "bound",
        "specs/summation-K4-T2-zero-sum-keys.toml",
        "--minimize",
        "R",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("PROVED: R ≥ 1"), "{out}");
    assert!(
        out.contains("declared: 1 = 1 — agrees (certified)"),
        "{out}"
    );
    assert!(out.contains("achieves R = 1"), "{out}");
    // A false claim: exit 1.
    let (code, out, _) = itsa(&[
        "bound",
        "specs/summation-K4-T2-zero-sum-keys.toml",
        "--minimize",
        "Z[1],Z[2],Z[3],Z[4]",
        "--claim",
        "4",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT PROVABLE"), "{out}");
    // JSON: the bound report with the spec's achieved rates.
    let (code, out, err) = itsa(&[
        "bound",
        "specs/summation-K4-T2-zero-sum-keys.toml",
        "--minimize",
        "R",
        "--json",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1, "{out}");
    assert_eq!(v["bound"], "1", "{out}");
    assert_eq!(v["spec"]["achieved"]["R"], "1", "{out}");
}

#[test]
fn cli_bound_spec_errors_are_usage_errors() {
    // Unknown variable, no spec and no model, a model without a declaration, a missing file:
    // exit 2 with a message.
    for (args, want) in [
        (
            vec![
                "bound",
                "specs/zhao-sun-example1.toml",
                "--minimize",
                "Q[1]",
            ],
            "unknown variable",
        ),
        (vec!["bound", "--minimize", "R"], "give a spec file"),
        (
            vec![
                "bound",
                "specs/tjl-n6-t4-active-attack.toml",
                "--minimize",
                "R",
            ],
            "has no declaration",
        ),
        (
            vec!["bound", "no-such-spec.toml", "--minimize", "R"],
            "cannot read the spec",
        ),
    ] {
        let (code, out, err) = itsa(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}

/// One of the five newer models (docs/models.md#decentralized-keys): its declared source-key
/// rate K − 1 is a Shannon-type consequence of its families, proved from the declaration.
#[test]
fn declared_decentralized_keys_source_key_rate_is_proved() {
    let d = declared("specs/decentralized-keys-K4-T1.toml");
    let q = Query::new(&d.problem, "R_ZΣ").unwrap();
    let r = run(&d.problem, &q).unwrap();
    assert_eq!(r.status, Status::Proved, "{r:#?}");
    assert_eq!(r.bound.as_deref(), Some("3"));
    assert_eq!(r.paper.unwrap().comparison, "agrees (certified)");
}
