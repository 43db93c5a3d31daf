//! Every new error of parametric specs — unbound index, division by zero, a matrix of the
//! wrong shape, a grid or --set naming an unknown parameter, … — exits 2 with a message
//! located at file:line:col on the offending token, never a panic.

mod common;
use common::*;

struct Case {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    /// The error must point at the first occurrence of this text (in the mutated spec)…
    at: &'static str,
    /// …plus this many characters.
    plus: usize,
    message: &'static str,
}

const BASE: &str = "zhao-sun-general.toml";

const CASES: &[Case] = &[
    Case {
        what: "unbound index",
        from: "\"W[k] + Z[k]\"",
        to: "\"W[j] + Z[k]\"",
        at: "W[j]",
        plus: 2,
        message: "unknown name `j`",
    },
    Case {
        what: "division by zero in a coefficient",
        from: "\"sum(Z[k] for k in S)\"",
        to: "\"sum((1/(k - 2)) * Z[k] for k in S)\"",
        at: "1/(k - 2)",
        plus: 0,
        message: "division by zero in `1/(k - 2)` at S={1,2,3}, k=2",
    },
    Case {
        what: "matrix entry outside the matrix",
        from: "C[k,U-T+j] * N{S}(j)",
        to: "C[k,U+j] * N{S}(j)",
        at: "C[k,U+j]",
        plus: 0,
        message: "C[1,4] is outside the matrix: `C` is 4 × 3 at S={1,2,3}, k=1, j=1",
    },
    Case {
        what: "ragged matrix rows",
        from: "C = \"cauchy([k for k in 1..K], [K + j for j in 1..U])\"",
        to: "C = [[1, 2], [3]]",
        at: "[[1, 2]",
        plus: 0,
        message: "row 2 has 1 entries but row 1 has 2",
    },
    Case {
        what: "one index on a matrix with several rows and columns",
        from: "C[k,j] * ZS{S}(j)",
        to: "C[k] * ZS{S}(j)",
        at: "C[k] *",
        plus: 0,
        message: "`C` is a 4 × 3 matrix: write C[i, j]",
    },
    Case {
        what: "unknown matrix constructor",
        from: "\"cauchy(",
        to: "\"cauhcy(",
        at: "cauhcy",
        plus: 0,
        message: "unknown matrix constructor `cauhcy`",
    },
    Case {
        what: "repeated Cauchy points",
        from: "[k for k in 1..K], [K + j",
        to: "[1 for k in 1..K], [K + j",
        at: "cauchy(",
        plus: 0,
        message: "x[1] = 1 and x[2] = 1 are equal mod 7",
    },
    Case {
        what: "Cauchy points colliding mod p",
        from: "prime = \"next_prime(K + U)\"",
        to: "prime = 5",
        at: "cauchy(",
        plus: 0,
        message: "x[1] = 1 and y[2] = 6 collide mod 5",
    },
    Case {
        what: "a reference to an undeclared name",
        from: "\"W[k] + Z[k]\"",
        to: "\"W[k] + Z[k+1]\"",
        at: "Z[k+1]",
        plus: 0,
        message:
            "unknown name `Z[5]`; declared names with that base: Z[1], Z[2], Z[3], Z[4] at k=4",
    },
    Case {
        what: "a quantifier over a number",
        from: "\"X[k] for k in 1..K\"",
        to: "\"X[k] for k in K\"",
        at: "K\" = \"W[k]",
        plus: 0,
        message: "`k` must range over a set, but this is an integer (4)",
    },
    Case {
        what: "component 0",
        from: "ZS{S}(j) for j",
        to: "ZS{S}(j-1) for j",
        at: "j-1)",
        plus: 0,
        message: "bad component (0..0) of `ZS{1,2,3}`: components are numbered from 1",
    },
    Case {
        what: "an expression that is empty at a point",
        from: "\"W[k] + Z[k]\"",
        to: "\"sum(W[j] for j in 1..k-1)\"",
        at: "sum(W[j]",
        plus: 0,
        message: "`X[1]` is empty here (every sum is over an empty set) at k=1",
    },
    Case {
        what: "a name declared twice by a loop",
        from: "\"X[k] for k in 1..K\" = \"W[k] + Z[k]\"",
        to: "\"X[k] for k in 1..K\" = \"W[k] + Z[k]\"\n\"X[j] for j in 3..4\" = \"W[j]\"",
        at: "X[j] for",
        plus: 0,
        message: "`X[3]` is declared twice (first on line",
    },
    Case {
        what: "a formula parameter naming an unknown symbol",
        from: "colluders = 1 ",
        to: "colluders = \"Q - 1\" ",
        at: "Q - 1",
        plus: 0,
        message: "unknown name `Q`",
    },
    Case {
        what: "a dimension mismatch found by the flat reader, mapped back to the entry",
        from: "\"W[k] + Z[k]\"",
        to: "\"W[k] + ZS{1,2,3}(1)\"",
        at: "W[k] + ZS",
        plus: 0,
        message: "dimension mismatch",
    },
    Case {
        what: "a model error at a point (U > K is refused), located at the parameter",
        from: "min-survivors = 3 ",
        to: "min-survivors = 5 ",
        at: "min-survivors = 5",
        plus: 16,
        message: "min-survivors (U) must be in 1..=K=4, found 5",
    },
];

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

#[test]
fn parametric_spec_errors_are_located_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(spec(BASE)).unwrap();
    for (i, c) in CASES.iter().enumerate() {
        assert!(
            base.contains(c.from),
            "case `{}`: base lacks {:?}",
            c.what,
            c.from
        );
        let bad = base.replacen(c.from, c.to, 1);
        let path = dir.path().join(format!("case{i}.toml"));
        std::fs::write(&path, &bad).unwrap();
        let o = itsa(&["verify", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "case `{}`: {err}", c.what);
        assert!(
            !err.contains("panicked"),
            "case `{}` panicked: {err}",
            c.what
        );
        let at = bad
            .find(c.at)
            .unwrap_or_else(|| panic!("case `{}`: no {:?}", c.what, c.at))
            + c.plus;
        let (line, col) = line_col(&bad, at);
        let prefix = format!("error: {}:{line}:{col}: ", path.display());
        assert!(
            err.starts_with(&prefix),
            "case `{}`: want {prefix}…, got: {err}",
            c.what
        );
        assert!(
            err.contains(c.message),
            "case `{}`: want {:?} in: {err}",
            c.what,
            c.message
        );
        // `itsa expand` reports the same error.
        let o = itsa(&["expand", path.to_str().unwrap()]);
        assert_eq!(code(&o), 2, "expand, case `{}`", c.what);
        assert!(String::from_utf8_lossy(&o.stderr).starts_with(&prefix));
    }
}

#[test]
fn grid_and_set_arguments_are_checked_and_located() {
    let p = spec(BASE);
    let p = p.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--grid", "K=3..4, U=2..W"],
            "--grid 'K=3..4, U=2..W': unknown name `W` (column 14)",
        ),
        (
            &["--grid", "K=3..4, Q=1..2"],
            "--grid 'K=3..4, Q=1..2': the spec has no parameter `Q`; its parameters: K (users), U (min-survivors), T (colluders) (column 9)",
        ),
        (&["--grid", "K=3..4, K=1"], "`K` is given twice in the grid"),
        (&["--grid", "K"], "expected NAME=VALUE"),
        (
            &["--set", "Q=3"],
            "--set 'Q=3': the spec has no parameter `Q`",
        ),
        (&["--set", "T=V"], "--set 'T=V': unknown name `V` (column 3)"),
        (&["--set", "K=4", "--grid", "U=1..3, T=0..U+"], "(column 16)"),
    ];
    for (args, want) in cases {
        let mut a = vec!["verify", p];
        a.extend_from_slice(args);
        let o = itsa(&a);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: want {want:?} in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // The caret sits under the offending column.
    let o = itsa(&["verify", p, "--grid", "K=3..4, U=2..W"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("  K=3..4, U=2..W\n               ^"), "{err}");
}

#[test]
fn set_and_grid_on_the_command_line_work_end_to_end() {
    let p = spec(BASE);
    let p = p.to_str().unwrap();
    // --set values are formulas of the other parameters.
    let (c, v) = verify_json(BASE, &["--set", "K=5", "--set", "U=3", "--set", "T=U-1"]);
    assert_eq!(c, 0);
    assert_eq!(v["params"]["users"], 5);
    assert_eq!(v["params"]["colluders"], 2);
    // --grid: one line per point and a summary; --json: one report per point.
    let o = itsa(&["verify", p, "--grid", "K=3..4, U=2..K-1, T=0..U-1"]);
    assert_eq!(code(&o), 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        out.lines().filter(|l| l.contains("VERIFIED")).count(),
        7,
        "{out}"
    );
    assert!(
        out.contains("grid: 7 point(s): 7 verified, 0 violated, 0 ill-formed"),
        "{out}"
    );
    let o = itsa(&[
        "verify",
        p,
        "--grid",
        "K=3..4, U=2..K-1, T=0..U-1",
        "--json",
    ]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["points"], 7);
    let pts = v["points"].as_array().unwrap();
    assert_eq!(pts[1]["point"], serde_json::json!({"K": 3, "U": 2, "T": 1}));
    assert_eq!(pts[1]["report"]["verdict"], "verified");
    assert_eq!(pts[1]["report"]["checks"], 35);
    // The random matrices' seeds are in the report.
    let m = spec("multi-server-general.toml");
    let o = itsa(&["verify", m.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout)
        .starts_with("matrix A = random(5, 5, seed 1): uniform over F_2147483647 (SplitMix64)"));
    let (c, v) = verify_json("multi-server-general.toml", &[]);
    assert_eq!(c, 0);
    assert!(v["matrices"][0].as_str().unwrap().contains("seed 1"));
    // expand prints a flat spec that verifies on its own.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flat.toml");
    let o = itsa(&[
        "expand",
        p,
        "--set",
        "K=3",
        "--set",
        "U=2",
        "--set",
        "T=1",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let flat = std::fs::read_to_string(&out).unwrap();
    assert!(
        flat.contains("\"Y[1]{1,2}\" = \"-2 ZS{1,2}(1) + N{1,2}(1)\""),
        "{flat}"
    );
    let o = itsa(&["verify", out.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
}

#[test]
fn the_broken_spec_fails_at_its_first_point_with_the_witness_printed() {
    let p = spec("broken-zhao-sun-general-shifted-column.toml");
    let o = itsa(&[
        "verify",
        p.to_str().unwrap(),
        "--grid",
        "K=2..4, U=1..K-1, T=0..U-1",
    ]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[2].starts_with("K=3 U=2 T=0  VERIFIED"), "{out}");
    assert!(
        lines[3].starts_with("K=3 U=2 T=1  VIOLATED (7 failed: correctness 7)"),
        "{out}"
    );
    assert!(
        out.contains("grid: 10 point(s): 6 verified, 4 violated, 0 ill-formed"),
        "{out}"
    );
    let tail = &out[out.find("first failing point: K=3 U=2 T=1").expect("named")..];
    assert!(
        tail.contains("FAIL U1={1,2} U2={1,2}: target not decodable, rank deficit 1"),
        "{tail}"
    );
    assert!(
        tail.contains("left after elimination: W[1] + W[2]"),
        "{tail}"
    );
}

#[test]
fn an_instance_too_large_to_expand_is_refused_not_enumerated() {
    // A million sources: refused once the expansion passes its budget of names (the same
    // budget stops `--set K=24` on this spec, 16.8 million first-round sets, measured in
    // docs/performance.md).
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(spec(BASE)).unwrap().replace(
        "[randomness]\n",
        "[randomness]\n\"Q[i] for i in 1..1000000\" = 1\n",
    );
    let p = dir.path().join("huge.toml");
    std::fs::write(&p, text).unwrap();
    let o = itsa(&["expand", p.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("declares more than 500000 names (at `Q["),
        "{err}"
    );
    assert!(err.contains("huge.toml:"), "located: {err}");
}
