//! Bad model declarations: each is a located error (file:line:col and what is wrong) and
//! exit 2, never a panic; `--force` runs a family beyond the check budget; `--set` overrides.

use std::path::{Path, PathBuf};
use std::process::Command;

const RING: &str = include_str!("../specs/ring-masks-custom-colluders.toml");

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn itsa(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Replace `from` (which must occur) in the ring spec, verify, and expect exit 2 with a message
/// located at the line of `at` (a text of the modified spec) containing `message`.
fn bad(from: &str, to: &str, at: &str, message: &str) {
    assert!(RING.contains(from), "{from}");
    let text = RING.replacen(from, to, 1);
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "bad.toml", &text);
    let (code, _, err) = itsa(&["verify", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{to}: {err}");
    let line = text
        .lines()
        .position(|l| l.contains(at))
        .unwrap_or_else(|| panic!("`{at}` not in the spec"))
        + 1;
    let loc = format!("bad.toml:{line}:");
    assert!(err.contains(&loc), "{to}: expected {loc} in {err}");
    assert!(err.contains(message), "{to}: expected `{message}` in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn undefined_set_in_a_quantifier() {
    bad(
        "for = \"C in coalitions\"",
        "for = \"C in coalition\"",
        "C in coalition\"",
        "undefined set or parameter `coalition`",
    );
}

#[test]
fn undefined_set_in_a_set_definition() {
    bad(
        "users = \"1..K\"",
        "users = \"1..N\"",
        "users = \"1..N\"",
        "undefined set `N`",
    );
}

#[test]
fn condition_on_a_name_no_role_provides() {
    bad(
        "given = [\"W[k] for k in C\", \"R[k] for k in C\"",
        "given = [\"W[k] for k in C\", \"Q[k] for k in C\"",
        "Q[k] for k in C",
        "no role provides `Q`",
    );
}

#[test]
fn spec_names_a_role_the_model_does_not_have() {
    bad(
        "[params]\nK = 4\n",
        "[params]\nK = 4\n\n[roles]\nsender = \"X[k]\"\n",
        "sender = ",
        "has no role `sender`",
    );
}

#[test]
fn quantifier_over_a_set_that_depends_on_itself() {
    bad(
        "for = \"C in coalitions\"",
        "for = \"C in subsets(C, size <= 1)\"",
        "subsets(C, size <= 1)",
        "ranges over a set that depends on itself",
    );
    bad(
        "for = \"C in coalitions\"",
        "for = [\"C in subsets(D, size <= 1)\", \"D in coalitions\"]",
        "subsets(D, size <= 1)",
        "depends on a later variable",
    );
}

#[test]
fn a_set_defined_in_terms_of_itself() {
    bad(
        "coalitions = \"[[2], [1, 3]]\"",
        "coalitions = \"coalitions union [[2]]\"",
        "coalitions = \"coalitions",
        "defined in terms of itself",
    );
}

#[test]
fn bound_formula_with_an_unknown_parameter() {
    bad(
        "bound = \"1\"",
        "bound = \"1/(K - S)\"",
        "bound = \"1/(K - S)\"",
        "undefined parameter `S`",
    );
}

#[test]
fn syntax_errors_point_into_the_string() {
    bad(
        "from = \"X[k] for k in users\"\n\n[[model.family]]\nname = \"security\"",
        "from = \"X[k] for k users\"\n\n[[model.family]]\nname = \"security\"",
        "X[k] for k users",
        "expected `in`",
    );
}

#[test]
fn parameters_out_of_range_and_broken_constraints() {
    bad(
        "[params]\nK = 4",
        "[params]\nK = 2",
        "K = 2",
        "must be at least 3",
    );
    bad(
        "constraints = [\"K >= 3\"]",
        "constraints = [\"K >= 5\"]",
        "K = 4",
        "break the constraint `K >= 5`",
    );
}

#[test]
fn unknown_keys_and_missing_conditions() {
    bad(
        "secure = \"inputs\"",
        "secur = \"inputs\"",
        "secur = ",
        "unknown key `secur`",
    );
    bad(
        "secure = \"inputs\"",
        "secure = \"W[1]\"",
        "secure = \"W[1]\"",
        "`secure` says what must stay secret",
    );
}

#[test]
fn a_name_the_spec_does_not_declare_is_located_in_the_declaration() {
    bad(
        "from = \"X[k] for k in users\"\ngiven",
        "from = \"X[k+1] for k in users\"\ngiven",
        "X[k+1] for k in users",
        "`X[5]` (from `X[k+1] for k in users`) is not declared in the spec",
    );
}

#[test]
fn astronomical_families_are_counted_up_front_and_need_force() {
    // 2^24 colluder sets times 2^24 - 1 survivor sets: reported, not enumerated.
    let text = RING.replacen("K = 4\n", "K = 24\n", 1).replacen(
        "for = \"C in coalitions\"",
        "for = [\"C in subsets(users, size <= 24)\", \"D in subsets(users, size >= 1)\"]",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "huge.toml", &text);
    let (code, _, err) = itsa(&["verify", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("family `security` expands to 281474959933440 checks"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    // A small budget: refused without --force, run with it.
    let text = RING.replacen(
        "constraints = [\"K >= 3\"]",
        "constraints = [\"K >= 3\"]\nmax-checks = 6",
        1,
    );
    let p = write(dir.path(), "budget.toml", &text);
    let (code, _, err) = itsa(&["verify", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("expands to 2 checks, beyond the budget of 6"),
        "{err}"
    );
    let (code, out, err) = itsa(&["verify", "--force", p.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("VIOLATED"), "{out}");
}

#[test]
fn set_overrides_a_parameter_and_the_report_says_so() {
    let spec = "specs/summation-K4-T2-zero-sum-keys.toml";
    let (code, out, _) = itsa(&["verify", spec, "--set", "colluders=3"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("overridden with --set: colluders=3 (spec: 2)"),
        "{out}"
    );
    assert!(out.contains("15 checks"), "{out}");
    // The T=1 Zhao–Sun design does not survive T=2.
    let (code, out, _) = itsa(&[
        "verify",
        "specs/construct-dropout-K4-U3-T1.toml",
        "--set",
        "colluders=U-1",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("colluders=2 (spec: 1)"), "{out}");
    let (code, _, err) = itsa(&["verify", spec, "--set", "colluders"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--set colluders: expected NAME=VALUE"),
        "{err}"
    );
    let (code, _, err) = itsa(&["verify", spec, "--set", "colluders=4"]);
    assert_eq!(code, 2);
    assert!(err.contains("break the constraint `T <= K - 1`"), "{err}");
    // itsa test --set: the expectation no longer holds for the T=1 design at T=2.
    let (code, out, _) = itsa(&[
        "test",
        "specs/construct-dropout-K4-U3-T1.toml",
        "--set",
        "colluders=2",
    ]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn itsa_models_lists_the_shipped_declarations() {
    let (code, out, _) = itsa(&["models"]);
    assert_eq!(code, 0);
    for name in ["dropout", "summation", "threshold-sharing"] {
        assert!(out.contains(name), "{out}");
    }
    assert!(!out.contains("BROKEN"), "{out}");
}

#[test]
fn graph_neighbourhoods_from_the_spec_define_colluder_sets() {
    // The two neighbours of k on the ring hold every mask of K = 4 users: all four fail.
    let text = RING
        .replacen(
            "for = \"C in coalitions\"",
            "for = [\"k in users\", \"C in subsets(N(k), size == 2)\"]",
            1,
        )
        .replacen("report = [\"C as T\"]", "report = [\"k\", \"C as T\"]", 1)
        .replacen("security = 1 }", "security = 4 }", 1)
        .replacen(
            "[randomness]",
            "[graphs]\nN = [[1, 2], [2, 3], [3, 4], [4, 1]]\n\n[randomness]",
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "graph.toml", &text);
    let (code, out, err) = itsa(&["verify", p.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("security           4 checks        4 failed") || out.contains("4 failed"),
        "{out}"
    );
    assert!(out.contains("k={1} T={2,4}"), "{out}");
    let (code, out, _) = itsa(&["test", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    // The closed neighbourhood N[k] has three users: C(3, 2) = 3 pairs per k, 12 checks.
    let text = text.replacen("subsets(N(k), size == 2)", "subsets(N[k], size == 2)", 1);
    let p = write(dir.path(), "closed.toml", &text);
    let (_, out, _) = itsa(&["verify", p.to_str().unwrap()]);
    assert!(out.contains("12 checks"), "{out}");
}

#[test]
fn the_declared_only_specs_verify_and_fail_as_expected() {
    let (code, out, _) = itsa(&["verify", "specs/summation-K4-T2-zero-sum-keys.toml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("R  1  ≥ 1  optimal"), "{out}");
    let (code, out, _) = itsa(&["verify", "specs/ring-masks-custom-colluders.toml"]);
    assert_eq!(code, 1, "{out}");
    // Only the coalition {1,3} breaks it, and the report shows the leaking combination.
    assert!(out.contains("FAIL T={1,3}: leaks 1 symbol(s)"), "{out}");
    assert!(!out.contains("FAIL T={2}"), "{out}");
    assert!(out.contains("witness  6·X[2]"), "{out}");
    assert!(
        out.contains("(keys cancel; not implied by what it may know)"),
        "{out}"
    );
}
