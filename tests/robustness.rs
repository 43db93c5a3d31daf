//! Hostile inputs (issue 18's reproducers): each gives exit 2 with a clear message — located
//! at file:line:col when it is in a spec — or the right verdict; never a panic (101), an
//! allocation abort (134) or an unbounded run.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{code, itsa, spec};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Exit 2, an `error:` message containing every `needles`, no panic.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let o = itsa(args);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{args:?}: {e}");
    assert!(!e.contains("panicked"), "{args:?}: {e}");
    for n in needles {
        assert!(e.contains(n), "{args:?}: expected `{n}` in: {e}");
    }
    e
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn example1_with(from: &str, to: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(spec("zhao-sun-example1.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1).into_bytes()
}

#[test]
fn truncated_json_after_a_multibyte_character_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "t.json", "{\"title\": \"Θ".as_bytes());
    refused(&["verify", &f], &["t.json:1:", "JSON syntax"]);
    let f = write(dir.path(), "u.json", "{\"title\": \"ΘΘ\", \"Θ".as_bytes());
    refused(&["verify", &f], &["u.json:1:"]);
}

#[test]
fn invalid_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "bad.toml",
        b"# \xc3\xa9t\xc3\xa9\ntitle = \"\xce\x98\xff\"\n",
    );
    let e = refused(&["verify", &f], &["bad.toml:2:11:", "invalid UTF-8"]);
    assert!(e.contains("0xff"), "{e}");
    let f = write(dir.path(), "bad.json", b"{\"title\": \"\xc3\x28\"}");
    refused(&["verify", &f], &["bad.json:1:12:", "invalid UTF-8"]);
}

#[test]
fn shard_indices_cannot_overflow_or_name_empty_parts() {
    let s = spec("weng-seed003-printed.toml");
    let s = s.to_str().unwrap();
    for part in [
        "9223372036854775808/9223372036854775808",
        "18446744073709551615/18446744073709551615",
        "1/18446744073709551615",
        "63/63",
    ] {
        refused(&["verify", s, "--shard", part], &["at most 62 parts"]);
    }
    refused(
        &[
            "verify",
            s,
            "--shard",
            "18446744073709551616/18446744073709551616",
        ],
        &["--shard"],
    );
    // the largest meaningful part count still works: one check per part
    let o = itsa(&["verify", s, "--shard", "62/62"]);
    assert!(code(&o) <= 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["checks"], 1);
}

#[test]
fn huge_declarations_are_refused_before_allocation() {
    let dir = tempfile::tempdir().unwrap();
    let set = write(
        dir.path(),
        "set.toml",
        &example1_with(
            "\"Z[1..3]\" = 2",
            "\"Z[1..3]\" = 2\n\"N{1..4000000000}\" = 1",
        ),
    );
    refused(
        &["verify", &set],
        &["set.toml:", "a set of 4000000000 members is too large"],
    );
    let sym = write(
        dir.path(),
        "sym.toml",
        &example1_with("\"Z[1..3]\" = 2", "\"Z[1..3]\" = 100000"),
    );
    // rows are sparse: 100000 symbols per key cost 100000 entries, not 100000 × columns,
    // so this spec is no longer large; it is refused for what is wrong with it
    refused(
        &["verify", &sym],
        &["sym.toml:50:18:", "dimension mismatch"],
    );
    let len = write(
        dir.path(),
        "len.toml",
        &example1_with("input-length = 2", "input-length = 100000"),
    );
    refused(
        &["verify", &len],
        &["len.toml:50:18:", "dimension mismatch"],
    );
    // the cells limit is the flag's: a small limit refuses the paper example, a large one
    // lets it through
    let ex1 = spec("zhao-sun-example1.toml");
    let ex1 = ex1.to_str().unwrap();
    refused(&["verify", ex1, "--max-cells", "10"], &["--max-cells"]);
    assert_eq!(code(&itsa(&["verify", ex1, "--max-cells", "100000"])), 0);
}

#[test]
fn every_command_checks_its_budget_first() {
    refused(
        &[
            "construct",
            "dropout",
            "--users",
            "20",
            "--min-survivors",
            "15",
            "--colluders",
            "3",
        ],
        &["30233569 checks", "--max-checks"],
    );
    refused(
        &[
            "construct",
            "multi-server",
            "--servers",
            "2",
            "--users-per-server",
            "2",
            "--colluders",
            "1",
            "--key-dim",
            "100000000",
        ],
        &["key dimension 100000000", "--max-cells"],
    );
    refused(
        &[
            "lcc",
            "assign",
            "--objective",
            "mis",
            "--method",
            "brute",
            "--workers",
            "60",
            "--unreliable",
            "30",
        ],
        &["C(60, 30)", "--max-checks"],
    );
    refused(
        &["lcc", "pep", "--trials", "1000000000000"],
        &["--max-trials"],
    );
    refused(
        &["lcc", "tradeoff", "--steps", "1000000000"],
        &["--max-points"],
    );
    refused(
        &["region", "threshold-sharing", "--sweep", "clients=3..40"],
        &["found 9"],
    );
    refused(
        &[
            "region",
            "dropout",
            "--users",
            "10",
            "--min-survivors",
            "7",
            "--sweep",
            "colluders=0..100000",
        ],
        &["100001 points", "--max-points"],
    );
    let s = spec("weng-seed003-printed.toml");
    let s = s.to_str().unwrap();
    refused(
        &["verify", s, "--max-checks", "10"],
        &["62 checks", "--max-checks"],
    );
    refused(&["export", s, "--max-checks", "10"], &["--max-checks"]);
    // --force lifts the limit (the verdict of the paper example comes back)
    assert_eq!(
        code(&itsa(&["verify", s, "--max-checks", "10", "--force"])),
        1
    );
}

/// Spawn itsa with stdout piped, close the pipe before it writes, and return the exit code.
fn exit_with_closed_stdout(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code().expect("exit code"), err)
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let printed = spec("weng-seed003-printed.toml");
    let printed = printed.to_str().unwrap();
    let corrected = spec("weng-seed003-corrected.toml");
    let corrected = corrected.to_str().unwrap();
    for (args, want) in [
        (vec!["verify", printed], 1),
        (vec!["verify", printed, "--json"], 1),
        (vec!["verify", corrected, "--show-decoders"], 0),
        (vec!["verify", printed, "--shard", "1/2"], 1),
        (vec!["export", printed], 0),
        (
            vec![
                "region",
                "dropout",
                "--users",
                "10",
                "--min-survivors",
                "7",
                "--colluders",
                "2",
            ],
            0,
        ),
        (vec!["lcc", "mis"], 0),
        (vec!["test", printed], 0),
        (
            vec![
                "construct",
                "dropout",
                "--users",
                "4",
                "--min-survivors",
                "3",
                "--colluders",
                "1",
            ],
            0,
        ),
    ] {
        let (rc, err) = exit_with_closed_stdout(&args);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(rc, want, "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn itsa_test_does_not_follow_symlink_loops() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("specs");
    std::fs::create_dir_all(d.join("loop")).unwrap();
    std::fs::copy(spec("zhao-sun-example1.toml"), d.join("a.toml")).unwrap();
    std::fs::copy(spec("zhao-sun-example2.toml"), d.join("loop/b.toml")).unwrap();
    std::os::unix::fs::symlink("..", d.join("loop/up")).unwrap();
    std::os::unix::fs::symlink(".", d.join("self")).unwrap();
    let o = itsa(&["test", d.to_str().unwrap(), "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["passed"], 2);
}
