//! `itsa test`: expectations, summary line, exit codes, JSON and JUnit XML.

mod common;
use common::*;

#[test]
fn the_repository_specs_all_meet_their_expectations() {
    let dir = spec("");
    let o = itsa(&["test", dir.to_str().unwrap()]);
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert_eq!(code(&o), 0, "{out}");
    let n = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    assert!(
        out.ends_with(&format!("itsa: {n} passed, 0 failed, 0 skipped\n")),
        "{out}"
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("pass  ")).count(), n);
}

#[test]
fn a_wrong_expectation_fails_and_says_which_family_differs() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(spec("weng-seed003-printed.toml")).unwrap();
    let wrong = text
        .replace("verdict = \"violated\"", "verdict = \"verified\"")
        .replace("server-security = 11", "server-security = 0");
    let p = dir.path().join("wrong.toml");
    std::fs::write(&p, wrong).unwrap();
    let ok = spec("zhao-sun-example1.toml");
    let junit = dir.path().join("results.xml");
    let o = itsa(&[
        "test",
        p.to_str().unwrap(),
        ok.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert_eq!(code(&o), 1, "{out}");
    assert!(out.contains("expected verified, got violated"), "{out}");
    assert!(
        out.contains("`server-security`: expected 0 failure(s), got 11 of 31 checks"),
        "{out}"
    );
    assert!(
        out.ends_with("itsa: 1 passed, 1 failed, 0 skipped\n"),
        "{out}"
    );

    // JUnit: well-formed XML, one test case per spec, the failure on the wrong one
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 2);
    let failed: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert_eq!(failed, vec![p.to_str().unwrap()]);
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("tests"), Some("2"));
    assert_eq!(suite.attribute("failures"), Some("1"));
}

#[test]
fn rate_expectations_are_checked_and_unknown_families_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(spec("zhao-sun-example2.toml")).unwrap();
    let wrong = text
        .replace(
            "rates = { R1 = \"1\", R2 = \"1\" }",
            "rates = { R1 = \"1\", R2 = \"1/2\" }",
        )
        .replace("security = 0 }", "security = 0, secrecy = 0 }");
    let p = dir.path().join("rates.toml");
    std::fs::write(&p, wrong).unwrap();
    let o = itsa(&["test", p.to_str().unwrap(), "--json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["failed"], 1);
    let problems: Vec<&str> = v["results"][0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        problems.contains(&"rate R2: expected 1/2, got 1"),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("no condition family `secrecy`")),
        "{problems:?}"
    );
}

#[test]
fn specs_without_expectations_are_skipped_and_bad_paths_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(spec("zhao-sun-example1.toml")).unwrap();
    let bare = &text[..text.find("[expect]").unwrap()];
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub").join("bare.toml"), bare).unwrap();
    let o = itsa(&["test", dir.path().to_str().unwrap()]);
    let out = String::from_utf8(o.stdout.clone()).unwrap();
    assert_eq!(code(&o), 0, "{out}");
    assert!(out.starts_with("skip  "), "{out}");
    assert!(
        out.ends_with("itsa: 0 passed, 0 failed, 1 skipped\n"),
        "{out}"
    );
    assert_eq!(code(&itsa(&["test", "/nonexistent/dir"])), 2);
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(code(&itsa(&["test", empty.path().to_str().unwrap()])), 2);
}
