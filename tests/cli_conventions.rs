//! Command-line conventions: `-` for standard input, --quiet, --color / NO_COLOR, shell
//! completions, the man page, `schema_version` in every JSON output, --version.

mod common;
use common::*;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Run itsa with `input` on standard input and extra environment variables.
fn itsa_with(args: &[&str], input: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itsa"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run itsa");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(spec(name)).unwrap()
}

#[test]
fn verify_reads_a_spec_from_standard_input() {
    for (name, want) in [
        ("weng-seed003-printed.toml", 1),
        ("zhao-sun-example1.toml", 0),
    ] {
        let piped = itsa_with(&["verify", "-", "--json"], &read(name), &[]);
        assert_eq!(code(&piped), want, "{name}: {}", text(&piped.stderr));
        let (file_code, from_file) = verify_json(name, &[]);
        assert_eq!(file_code, want);
        let v: serde_json::Value = serde_json::from_slice(&piped.stdout).unwrap();
        assert_eq!(v["file"], "<stdin>");
        for key in ["verdict", "checks", "failures", "families", "rates"] {
            assert_eq!(v[key], from_file[key], "{name}: {key}");
        }
    }
}

#[test]
fn a_bad_spec_on_standard_input_is_located_in_stdin() {
    let mut spec = read("zhao-sun-example1.toml");
    spec.extend_from_slice(b"\n[oops]\n");
    let lines = text(&spec).lines().count();
    let o = itsa_with(&["verify", "-"], &spec, &[]);
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(
        err.starts_with(&format!("error: <stdin>:{lines}:")),
        "{err}"
    );
    assert!(err.contains('^'), "no caret: {err}");
}

#[test]
fn test_and_export_read_standard_input() {
    let o = itsa_with(&["test", "-"], &read("weng-seed003-printed.toml"), &[]);
    assert_eq!(code(&o), 0, "{}", text(&o.stdout));
    assert!(
        text(&o.stdout).contains("1 passed, 0 failed"),
        "{}",
        text(&o.stdout)
    );
    // A wrong expectation on stdin fails like a wrong file.
    let broken = text(&read("weng-seed003-printed.toml")).replace("violated", "verified");
    let o = itsa_with(&["test", "-"], broken.as_bytes(), &[]);
    assert_eq!(code(&o), 1, "{}", text(&o.stdout));

    let path = spec("zhao-sun-example1.toml");
    let from_file = itsa(&["export", path.to_str().unwrap(), "--json"]);
    let piped = itsa_with(
        &["export", "-", "--json"],
        &read("zhao-sun-example1.toml"),
        &[],
    );
    assert_eq!(code(&piped), 0);
    assert_eq!(piped.stdout, from_file.stdout);
}

#[test]
fn export_honours_json_and_labels_the_columns() {
    let path = spec("zhao-sun-example1.toml");
    let summary = itsa(&["export", path.to_str().unwrap()]);
    assert_eq!(code(&summary), 0);
    let s = text(&summary.stdout);
    assert!(s.starts_with("p=7  12 columns"), "{s}");
    assert!(serde_json::from_str::<serde_json::Value>(&s).is_err());
    let o = itsa(&["export", path.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let labels = v["column_labels"].as_array().unwrap();
    assert_eq!(labels.len() as u64, v["columns"].as_u64().unwrap());
    // Randomness columns come first, inputs from input_start on.
    let start = v["input_start"].as_u64().unwrap() as usize;
    assert!(
        labels[start].as_str().unwrap().starts_with('W'),
        "{labels:?}"
    );
    assert!(!labels[0].as_str().unwrap().starts_with('W'), "{labels:?}");
}

#[test]
fn quiet_silences_notes_but_not_results_or_errors() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("p.svg");
    let args = [
        "region",
        "dropout",
        "--users",
        "6",
        "--min-survivors",
        "4",
        "--sweep",
        "colluders=0..3",
        "--plot",
        svg.to_str().unwrap(),
    ];
    let loud = itsa(&args);
    assert_eq!(code(&loud), 0);
    assert!(
        text(&loud.stderr).contains("wrote"),
        "{}",
        text(&loud.stderr)
    );
    let mut q = vec!["--quiet"];
    q.extend_from_slice(&args);
    let quiet = itsa(&q);
    assert_eq!(code(&quiet), 0);
    assert_eq!(text(&quiet.stderr), "");
    assert_eq!(quiet.stdout, loud.stdout);
    // -q after the subcommand works too, and errors are still printed.
    let o = itsa(&["verify", "no-such-spec.toml", "-q"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("no-such-spec.toml"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let path = spec("weng-seed003-printed.toml");
    let p = path.to_str().unwrap();
    let esc = "\x1b[";
    let always = itsa_with(&["verify", p, "--color", "always"], b"", &[]);
    let out = text(&always.stdout);
    assert!(out.contains(esc), "no colour with --color always");
    assert!(out.contains("VIOLATED") && out.contains("FAIL"));
    let stripped = itsa_with(&["verify", p, "--color", "never"], b"", &[]);
    assert!(!text(&stripped.stdout).contains(esc));
    // Same text once the escapes are removed.
    let plain: String = {
        let mut s = String::new();
        let mut rest = out.as_str();
        while let Some(i) = rest.find(esc) {
            s.push_str(&rest[..i]);
            rest = &rest[i..];
            rest = &rest[rest.find('m').unwrap() + 1..];
        }
        s + rest
    };
    // (The last line holds the elapsed time.)
    let body = |s: &str| {
        s.lines()
            .filter(|l| !l.contains(" s (exact"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&plain), body(&text(&stripped.stdout)));
    // auto: not a terminal here, so no colour; NO_COLOR never adds any; always beats NO_COLOR.
    let auto = itsa_with(&["verify", p], b"", &[]);
    assert!(!text(&auto.stdout).contains(esc));
    let forced = itsa_with(&["verify", p], b"", &[("CLICOLOR_FORCE", "1")]);
    assert!(text(&forced.stdout).contains(esc), "CLICOLOR_FORCE ignored");
    let no = itsa_with(
        &["verify", p],
        b"",
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!text(&no.stdout).contains(esc), "NO_COLOR ignored");
    let both = itsa_with(
        &["verify", p, "--color", "always"],
        b"",
        &[("NO_COLOR", "1")],
    );
    assert!(text(&both.stdout).contains(esc));
    // Errors are coloured on stderr the same way.
    let e = itsa_with(&["verify", "missing.toml", "--color", "always"], b"", &[]);
    assert!(text(&e.stderr).starts_with(esc), "{}", text(&e.stderr));
    let e = itsa_with(&["verify", "missing.toml"], b"", &[]);
    assert!(text(&e.stderr).starts_with("error: "));
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = itsa(&["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}");
        let s = text(&o.stdout);
        for word in ["verify", "region", "max-failures", "completions"] {
            assert!(s.contains(word), "{shell} completions lack {word}");
        }
    }
    let o = itsa(&["completions", "tcsh"]);
    assert_eq!(code(&o), 2);
}

/// `itsa completions bash | head -1`: a reader that closes the pipe early is no reason to panic.
#[test]
fn completions_into_a_closed_pipe_do_not_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is read
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

#[test]
fn bash_completion_script_is_valid_bash() {
    let o = itsa(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("itsa.bash");
    std::fs::write(&f, &o.stdout).unwrap();
    let Ok(check) = Command::new("bash").arg("-n").arg(&f).output() else {
        return; // no bash on this machine: the generation itself is tested above
    };
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn the_man_page_documents_every_subcommand() {
    let o = itsa(&["man"]);
    assert_eq!(code(&o), 0);
    let page = text(&o.stdout);
    assert!(
        page.contains(".TH itsa 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    for sub in [
        "ITSA VERIFY",
        "ITSA REGION DROPOUT",
        "ITSA CONSTRUCT",
        "ITSA COMPLETIONS",
    ] {
        assert!(page.contains(&format!(".SH \"{sub}\"")), "no section {sub}");
    }
    assert!(page.contains("max\\-failures"));
    // groff renders it without warnings, when groff is there.
    let Ok(mut child) = Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let r = child.wait_with_output().unwrap();
    assert!(r.status.success());
    assert_eq!(text(&r.stderr), "", "groff warnings");
}

#[test]
fn version_names_the_commit() {
    let o = itsa(&["--version"]);
    let v = text(&o.stdout);
    assert!(
        v.starts_with(&format!("itsa {} (git ", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
}

/// The first key of a JSON document.
fn first_key(stdout: &[u8]) -> (String, serde_json::Value) {
    let v: serde_json::Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(stdout)));
    let (k, val) = v.as_object().expect("an object").iter().next().unwrap();
    (k.clone(), val.clone())
}

#[test]
fn every_json_output_starts_with_the_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let weng = spec("weng-seed003-printed.toml");
    let weng = weng.to_str().unwrap();
    let shard = dir.path().join("s1.json");
    let s1 = itsa(&["verify", weng, "--shard", "1/1"]);
    std::fs::write(&shard, &s1.stdout).unwrap();
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["verify", weng, "--json"],
        vec!["verify", weng, "--shard", "1/1"],
        vec!["merge", shard.to_str().unwrap(), "--json"],
        vec!["export", weng, "--json"],
        vec!["test", weng, "--json"],
        vec![
            "construct",
            "dropout",
            "--users",
            "3",
            "--min-survivors",
            "2",
            "--colluders",
            "1",
            "--json",
        ],
        vec![
            "region",
            "dropout",
            "--users",
            "4",
            "--min-survivors",
            "2",
            "--colluders",
            "1",
            "--json",
        ],
        vec![
            "region",
            "dropout",
            "--users",
            "4",
            "--min-survivors",
            "2",
            "--sweep",
            "colluders=0..2",
            "--json",
        ],
        vec!["region", "threshold-sharing", "--clients", "3", "--json"],
        vec!["lcc", "mis", "--json"],
    ];
    if cfg!(feature = "bound") {
        runs.push(vec![
            "bound",
            "summation",
            "--users",
            "2",
            "--minimize",
            "RZsum",
            "--json",
        ]);
    }
    for args in runs {
        let o = itsa(&args);
        assert!(matches!(code(&o), 0 | 1), "{args:?}: {}", text(&o.stderr));
        let (k, v) = first_key(&o.stdout);
        assert_eq!(
            (k.as_str(), v),
            ("schema_version", itsa::SCHEMA_VERSION.into()),
            "{args:?}"
        );
    }
}
