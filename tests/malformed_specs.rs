//! Every malformed spec gives exit code 2 and a message located at file:line:col, on the line
//! that holds the mistake — never a panic.

mod common;
use common::*;

struct Case {
    what: &'static str,
    base: &'static str,
    from: &'static str,
    to: &'static str,
    /// A substring of the line the error must point at (in the mutated text).
    line_with: &'static str,
    message: &'static str,
}

const DROPOUT: &str = "zhao-sun-example2.toml";
const HIER: &str = "weng-seed003-corrected.toml";

const CASES: &[Case] = &[
    Case {
        what: "TOML syntax",
        base: DROPOUT,
        from: "[params]",
        to: "[params",
        line_with: "[params",
        message: "TOML syntax",
    },
    Case {
        what: "missing prime",
        base: DROPOUT,
        from: "prime = 7\n",
        to: "",
        line_with: "# Zhao & Sun",
        message: "missing `prime`",
    },
    Case {
        what: "non-prime",
        base: DROPOUT,
        from: "prime = 7",
        to: "prime = 21",
        line_with: "prime = 21",
        message: "21 is not a prime",
    },
    Case {
        what: "prime too large",
        base: DROPOUT,
        from: "prime = 7",
        to: "prime = 4294967311",
        line_with: "prime = ",
        message: "too large",
    },
    Case {
        what: "negative prime",
        base: DROPOUT,
        from: "prime = 7",
        to: "prime = -7",
        line_with: "prime = -7",
        message: "positive",
    },
    Case {
        what: "unknown top-level key",
        base: DROPOUT,
        from: "input-length = 1",
        to: "input-length = 1\ninput-lenght = 1",
        line_with: "input-lenght",
        message: "unknown key `input-lenght`",
    },
    Case {
        what: "input-length zero",
        base: DROPOUT,
        from: "input-length = 1",
        to: "input-length = 0",
        line_with: "input-length = 0",
        message: "at least 1",
    },
    Case {
        what: "wrong type",
        base: DROPOUT,
        from: "input-length = 1",
        to: "input-length = \"one\"",
        line_with: "input-length",
        message: "must be an integer",
    },
    Case {
        what: "unknown name",
        base: DROPOUT,
        from: "\"X[2]\" = \"W[2] + Z[2]\"",
        to: "\"X[2]\" = \"W[2] + Q[2]\"",
        line_with: "Q[2]",
        message: "unknown name `Q[2]`",
    },
    Case {
        what: "unknown index",
        base: DROPOUT,
        from: "\"X[2]\" = \"W[2] + Z[2]\"",
        to: "\"X[2]\" = \"W[2] + Z[7]\"",
        line_with: "Z[7]",
        message: "declared names with that base: Z[1], Z[2], Z[3]",
    },
    Case {
        what: "syntax in expression",
        base: DROPOUT,
        from: "\"X[2]\" = \"W[2] + Z[2]\"",
        to: "\"X[2]\" = \"W[2] + \"",
        line_with: "\"X[2]\"",
        message: "expression ends early",
    },
    Case {
        what: "constant term",
        base: DROPOUT,
        from: "\"X[2]\" = \"W[2] + Z[2]\"",
        to: "\"X[2]\" = \"W[2] + 5\"",
        line_with: "\"X[2]\"",
        message: "constant",
    },
    Case {
        what: "unbalanced parenthesis",
        base: DROPOUT,
        from: "\"ZS{1,2}\" = \"Z[1] + Z[2]\"",
        to: "\"ZS{1,2}\" = \"(Z[1] + Z[2]\"",
        line_with: "\"ZS{1,2}\"",
        message: "expected `)`",
    },
    Case {
        what: "division by zero",
        base: DROPOUT,
        from: "-1/3 ZS{1,2}",
        to: "-1/7 ZS{1,2}",
        line_with: "-1/7",
        message: "divides by zero",
    },
    Case {
        what: "dimension mismatch",
        base: HIER,
        from: "\"S[1]\" = \"Z[1]\"",
        to: "\"S[1]\" = \"Z[1] + Θ[1]\"",
        line_with: "\"S[1]\"",
        message: "dimension mismatch",
    },
    Case {
        what: "component out of range",
        base: DROPOUT,
        from: "\"X[2]\" = \"W[2] + Z[2]\"",
        to: "\"X[2]\" = \"W[2] + Z[2](2)\"",
        line_with: "\"X[2]\"",
        message: "component (2) does not exist",
    },
    Case {
        what: "cycle",
        base: DROPOUT,
        from: "\"ZS{1,2}\" = \"Z[1] + Z[2]\"",
        to: "\"ZS{1,2}\" = \"Z[1] + Z[2] + Y[1]{1,2}\"",
        line_with: "\"Y[1]{1,2}\" = ",
        message: "cycle in definitions: ZS{1,2} → Y[1]{1,2} → ZS{1,2}",
    },
    Case {
        what: "declared twice",
        base: DROPOUT,
        from: "\"N{1,2}\" = 1",
        to: "\"N{1,2}\" = 1\n\"N{2,1}\" = 1",
        line_with: "\"N{2,1}\"",
        message: "`N{1,2}` is declared twice",
    },
    Case {
        what: "variable shadows a source",
        base: DROPOUT,
        from: "[variables]",
        to: "[variables]\n\"Z[1]\" = \"W[1]\"",
        line_with: "\"Z[1]\" = \"W[1]\"",
        message: "declared twice",
    },
    Case {
        what: "range in a variable name",
        base: DROPOUT,
        from: "\"X[3]\" = \"W[3] + Z[3]\"",
        to: "\"X[3..4]\" = \"W[3] + Z[3]\"",
        line_with: "\"X[3..4]\"",
        message: "one at a time",
    },
    Case {
        what: "non-string definition",
        base: DROPOUT,
        from: "\"X[3]\" = \"W[3] + Z[3]\"",
        to: "\"X[3]\" = 3",
        line_with: "\"X[3]\" = 3",
        message: "must be an expression string",
    },
    Case {
        what: "unknown model",
        base: DROPOUT,
        from: "model = \"dropout\"",
        to: "model = \"dropuot\"",
        line_with: "model = ",
        message: "unknown model `dropuot`",
    },
    Case {
        what: "missing parameter",
        base: DROPOUT,
        from: "colluders = 1\n",
        to: "",
        line_with: "model = ",
        message: "needs the parameter `colluders`",
    },
    Case {
        what: "unknown parameter",
        base: DROPOUT,
        from: "colluders = 1",
        to: "colluders = 1\nclients = 3",
        line_with: "clients = 3",
        message: "has no parameter `clients`",
    },
    Case {
        what: "parameter out of range",
        base: DROPOUT,
        from: "min-survivors = 2",
        to: "min-survivors = 4",
        line_with: "min-survivors = 4",
        message: "min-survivors (U) must be in 1..=K=3",
    },
    Case {
        what: "missing role",
        base: DROPOUT,
        from: "randomness = \"R[k]\"\n",
        to: "",
        line_with: "model = ",
        message: "needs the role `randomness`",
    },
    Case {
        what: "unknown role",
        base: DROPOUT,
        from: "randomness = \"R[k]\"",
        to: "randomness = \"R[k]\"\nkey = \"S[k]\"",
        line_with: "key = ",
        message: "has no role `key`",
    },
    Case {
        what: "role shape",
        base: DROPOUT,
        from: "round2 = \"Y[k]{U1}\"",
        to: "round2 = \"Y[k]\"",
        line_with: "round2 = ",
        message: "must have the shape `Y[k]{U1}`",
    },
    Case {
        what: "missing role instance",
        base: DROPOUT,
        from: "\"X[3]\" = \"W[3] + Z[3]\"\n",
        to: "",
        line_with: "round1 = ",
        message: "missing `X[3]`",
    },
    Case {
        what: "stray role instance",
        base: DROPOUT,
        from: "\"X[3]\" = \"W[3] + Z[3]\"",
        to: "\"X[3]\" = \"W[3] + Z[3]\"\n\"X[4]\" = \"Z[3]\"",
        line_with: "\"X[4]\"",
        message: "`X[4]` does not fit the model",
    },
    Case {
        what: "second-round message for a set below U",
        base: DROPOUT,
        from: "\"X[3]\" = \"W[3] + Z[3]\"",
        to: "\"X[3]\" = \"W[3] + Z[3]\"\n\"Y[1]{1}\" = \"Z[1]\"",
        line_with: "\"Y[1]{1}\"",
        message: "does not fit the model",
    },
    Case {
        what: "randomness depending on an input",
        base: DROPOUT,
        from: "\"R[3]\" = [\"Z[3]\"",
        to: "\"R[3]\" = [\"Z[3] + W[1]\"",
        line_with: "\"R[3]\"",
        message: "must be independent of the inputs",
    },
    Case {
        what: "input not owned by anyone",
        base: DROPOUT,
        from: "inputs = [\"W[1..3]\"]",
        to: "inputs = [\"W[1..4]\"]",
        line_with: "inputs = ",
        message: "input `W[4]` is not the input of any participant",
    },
    Case {
        what: "input missing",
        base: DROPOUT,
        from: "inputs = [\"W[1..3]\"]",
        to: "inputs = [\"W[1..2]\"]",
        line_with: "\"X[3]\" = ",
        message: "unknown name `W[3]`",
    },
    Case {
        what: "uplink to an unconnected relay",
        base: HIER,
        from: "\"X[4,1]\" = ",
        to: "\"X[2,1]\" = \"Θ[1](1)\"\n\"X[4,1]\" = ",
        line_with: "\"X[2,1]\"",
        message: "X[m,k] exists only for the d=3 relays",
    },
    Case {
        what: "prime too small for the alphabet",
        base: HIER,
        from: "alphabet = 3",
        to: "alphabet = 4",
        line_with: "alphabet = 4",
        message: "must exceed K(q−1)=15",
    },
    Case {
        what: "key depending on an input",
        base: HIER,
        from: "\"S[2]\" = \"Z[2]\"",
        to: "\"S[2]\" = \"Z[2] + Θ[3](1)\"",
        line_with: "\"S[2]\"",
        message: "must be independent of the inputs",
    },
    Case {
        what: "failures not below d",
        base: HIER,
        from: "failures = 1",
        to: "failures = 3",
        line_with: "failures = 3",
        message: "0 ≤ s < d=3",
    },
    Case {
        what: "bad expected verdict",
        base: DROPOUT,
        from: "verdict = \"verified\"",
        to: "verdict = \"correct\"",
        line_with: "verdict = \"correct\"",
        message: "\"verified\" or \"violated\"",
    },
    Case {
        what: "unknown key in expect",
        base: DROPOUT,
        from: "verdict = \"verified\"",
        to: "verdict = \"verified\"\nverdit = 1",
        line_with: "verdit = 1",
        message: "unknown key `verdit` in [expect]",
    },
];

#[test]
fn malformed_specs_are_located_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (i, c) in CASES.iter().enumerate() {
        let text = std::fs::read_to_string(spec(c.base)).unwrap();
        assert!(
            text.contains(c.from),
            "case `{}`: base text lacks {:?}",
            c.what,
            c.from
        );
        let bad = text.replacen(c.from, c.to, 1);
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
        let want_line = bad
            .lines()
            .position(|l| l.contains(c.line_with))
            .unwrap_or_else(|| panic!("case `{}`: no line with {:?}", c.what, c.line_with))
            + 1;
        let prefix = format!("error: {}:{want_line}:", path.display());
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
    }
}

#[test]
fn unreadable_or_empty_files_exit_2() {
    let o = itsa(&["verify", "/nonexistent/spec.toml"]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read the spec"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("empty.toml");
    std::fs::write(&p, "").unwrap();
    let o = itsa(&["verify", p.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains(":1:1: missing `model`"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&itsa(&["verify"])), 2);
    assert_eq!(code(&itsa(&["frobnicate"])), 2);
    let p = spec(DROPOUT);
    assert_eq!(
        code(&itsa(&[
            "verify",
            p.to_str().unwrap(),
            "--max-failures",
            "x"
        ])),
        2
    );
}
