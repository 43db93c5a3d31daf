//! `itsa region` end to end: the "Done when" items of issue 3 (parts 1–3), exit codes,
//! and the JSON / CSV / LaTeX / SVG outputs.

use std::process::{Command, Output};

use serde_json::Value;

fn itsa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .expect("run itsa")
}

fn region(args: &[&str]) -> Output {
    let mut all = vec!["region"];
    all.extend_from_slice(args);
    itsa(&all)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Exit 0 and the parsed `--json` output.
fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = region(&all);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("--json output parses")
}

/// `name → value` of the bounds of a JSON answer.
fn bound(j: &Value, name: &str) -> Value {
    j["bounds"]
        .as_array()
        .expect("bounds")
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("no bound {name} in {j}"))
        .clone()
}

/// Exit 2 with a one-line reason on stderr; returns that line.
fn bad(args: &[&str]) -> String {
    let o = region(args);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?}: stdout {} stderr {err}",
        stdout(&o)
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(stdout(&o).is_empty(), "{args:?} printed to stdout");
    err
}

fn one_line(err: &str) -> &str {
    assert_eq!(err.lines().count(), 1, "not one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    err.trim_end()
}

const DROPOUT: [&str; 7] = [
    "dropout",
    "--users",
    "10",
    "--min-survivors",
    "7",
    "--colluders",
    "2",
];

#[test]
fn dropout_gives_r1_1_and_r2_one_fifth() {
    let j = json(&DROPOUT);
    assert_eq!(j["status"], "feasible");
    assert_eq!(bound(&j, "R1")["value"], "1");
    assert_eq!(bound(&j, "R2")["value"], "1/5");
    assert_eq!(bound(&j, "R2")["expression"], "1/(U−T)");
    assert_eq!(j["source"]["origin"], "seed 004");

    let o = region(&DROPOUT);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("OPTIMAL REGION"), "{text}");
    let row = |name: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name}: {text}"))
            .split_whitespace()
            .nth(1)
            .map(str::to_string)
    };
    assert_eq!(row("R1").as_deref(), Some("1"));
    assert_eq!(row("R2").as_deref(), Some("1/5"));
}

#[test]
fn dropout_with_7_colluders_is_infeasible_with_the_reason() {
    let args = [
        "dropout",
        "--users",
        "10",
        "--min-survivors",
        "7",
        "--colluders",
        "7",
    ];
    let o = region(&args);
    assert_eq!(o.status.code(), Some(0), "infeasible is a computed answer");
    let text = stdout(&o);
    assert!(text.contains("INFEASIBLE (U ≤ T)"), "{text}");
    assert!(text.contains("reason: U = 7 ≤ T = 7"), "{text}");
    let j = json(&args);
    assert_eq!(j["status"], "infeasible");
    assert!(j["reason"]
        .as_str()
        .unwrap()
        .contains("infeasible iff U ≤ T"));
    assert!(j.get("bounds").is_none());
}

#[test]
fn dropout_u_equal_k_is_out_of_the_model() {
    let err = bad(&[
        "dropout",
        "--users",
        "10",
        "--min-survivors",
        "10",
        "--colluders",
        "2",
    ]);
    let line = one_line(&err);
    assert!(
        line.contains("--min-survivors: U = K = 10") && line.contains("out of this model"),
        "{line}"
    );
}

#[test]
fn multi_server_branches() {
    let base = [
        "multi-server",
        "--servers",
        "3",
        "--users-per-server",
        "4",
        "--colluders",
    ];
    let at = |t: &str| {
        let mut a = base.to_vec();
        a.push(t);
        json(&a)
    };
    let low = bound(&at("2"), "R_ZΣ");
    assert_eq!(low["value"], "7");
    assert_eq!(low["binds"]["branch"], "U+V+T−2");
    let high = bound(&at("9"), "R_ZΣ");
    assert_eq!(high["value"], "11");
    assert_eq!(high["binds"]["branch"], "UV−1");
    for name in ["R_X", "R_Y", "R_Z"] {
        assert_eq!(bound(&at("2"), name)["value"], "1");
    }
    let mut a = base.to_vec();
    a.push("2");
    let text = stdout(&region(&a));
    assert!(text.contains("R_ZΣ: U+V+T−2 binds"), "{text}");
}

#[test]
fn hierarchical_seed_example() {
    let args = [
        "hierarchical",
        "--clients",
        "5",
        "--relays-per-client",
        "3",
        "--failures",
        "1",
        "--alphabet",
        "3",
    ];
    let j = json(&args);
    assert_eq!(bound(&j, "R1")["value"], "3/2");
    assert_eq!(bound(&j, "R2")["value"], "1/2");
    // The default prime is the smallest prime > K(q−1) = 10, i.e. 11.
    let rs = bound(&j, "R_S");
    assert_eq!(
        (rs["value"].clone(), rs["factor"]["p"].clone()),
        ("1/2".into(), 11.into())
    );
    assert!(j["warnings"].as_array().unwrap().is_empty());

    // The seed's example field p = 13.
    let mut with13 = args.to_vec();
    with13.extend(["--prime", "13"]);
    let j = json(&with13);
    let rs = bound(&j, "R_S");
    let rss = bound(&j, "R_SΣ");
    assert_eq!(rs["value"], "1/2");
    assert_eq!(rss["value"], "3/2");
    assert_eq!(rs["factor"]["symbolic"], "log 13 / log 3");
    assert_eq!(rs["factor"]["approx_is_floating_point"], true);
    assert!((rs["approx"].as_f64().unwrap() - 1.167_358_8).abs() < 1e-6);
    assert!((rss["approx"].as_f64().unwrap() - 3.502_076_4).abs() < 1e-6);
    let text = stdout(&region(&with13));
    assert!(text.contains("1/2 × log 13 / log 3  1.167359"), "{text}");
    assert!(text.contains("3/2 × log 13 / log 3  3.502076"), "{text}");
    assert!(text.contains("≈ (floating point)"), "{text}");
}

#[test]
fn hierarchical_d_equal_k_warns_and_gives_the_achievable_point() {
    let args = [
        "hierarchical",
        "--clients",
        "5",
        "--relays-per-client",
        "5",
        "--failures",
        "1",
        "--alphabet",
        "2",
    ];
    let o = region(&args);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("WARNING: d = K"), "{text}");
    assert!(text.contains("KNOWN ACHIEVABLE POINT"), "{text}");
    let j = json(&args);
    assert_eq!(bound(&j, "R2")["value"], "1/4");
    assert_eq!(j["achievable"][1]["value"], "1/3");
    let none = [
        "hierarchical",
        "--clients",
        "5",
        "--relays-per-client",
        "5",
        "--failures",
        "4",
        "--alphabet",
        "2",
    ];
    assert_eq!(json(&none)["status"], "infeasible");
}

#[test]
fn models_from_outside_the_seeds_are_labelled() {
    let j = json(&[
        "hierarchical-collusion",
        "--relays",
        "3",
        "--users-per-relay",
        "2",
        "--colluders",
        "1",
    ]);
    assert_eq!(j["source"]["in_seeds"], false);
    assert_eq!(bound(&j, "R_ZΣ")["value"], "3");
    let o = region(&[
        "decentralized",
        "--users",
        "10",
        "--min-survivors",
        "7",
        "--colluders",
        "2",
    ]);
    let text = stdout(&o);
    assert!(text.contains("OUTSIDE the project's seed papers"), "{text}");
    let j = json(&[
        "decentralized",
        "--users",
        "10",
        "--min-survivors",
        "7",
        "--colluders",
        "2",
    ]);
    assert_eq!(bound(&j, "R2")["value"], "1/4");
}

#[test]
fn latex_is_display_math() {
    let mut args = DROPOUT.to_vec();
    args.push("--latex");
    let o = region(&args);
    assert_eq!(o.status.code(), Some(0));
    let tex = stdout(&o);
    assert!(tex.contains("\\[") && tex.contains("\\]"), "{tex}");
    assert!(
        tex.contains("\\begin{aligned}") && tex.contains("\\end{aligned}"),
        "{tex}"
    );
    assert!(
        tex.contains("R_2 &\\ge \\frac{1}{U-T} = \\frac{1}{5}"),
        "{tex}"
    );
}

/// A minimal check that the SVG is well-formed XML with the expected parts.
#[test]
fn sweep_with_plot_writes_an_svg_that_parses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ms.svg");
    let p = path.to_str().unwrap();
    let o = region(&[
        "multi-server",
        "--servers",
        "3",
        "--users-per-server",
        "4",
        "--sweep",
        "colluders=0..11",
        "--plot",
        p,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // One table row per value.
    let text = stdout(&o);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains("feasible"))
        .collect();
    assert_eq!(rows.len(), 12, "{text}");
    assert!(rows[6].contains("U+V+T−2 = UV−1"), "{}", rows[6]);

    let svg = std::fs::read_to_string(&path).expect("plot written");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    assert_eq!(count("polyline"), 2, "R_X = R_Y = R_Z merged, and R_ZΣ");
    assert_eq!(count("circle"), 24);
    // One string per <text> element (subscripts are <tspan>s, re-joined).
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect::<String>()
                .replace('\u{200b}', "")
        })
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    assert!(texts.contains(&"RZΣ: U+V+T−2 → UV−1 (T = 6)"), "{texts:?}");
    assert!(
        texts.contains(&"T (--colluders); U = 3, V = 4"),
        "{texts:?}"
    );
    // No tool banner and no stray text: every text node is a tick, a label or a legend entry.
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("itsa") || t.contains("writeln")),
        "{texts:?}"
    );
    assert!(texts.contains(&"RX = RY = RZ"), "{texts:?}");
}

#[test]
fn sweep_csv_and_json() {
    let o = region(&[
        "dropout",
        "--users",
        "10",
        "--min-survivors",
        "7",
        "--sweep",
        "colluders=0..8",
        "--csv",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let csv = stdout(&o);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "colluders,status,R1,R2,reason or warnings");
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[3], "2,feasible,1,1/5,");
    assert!(
        lines[8].starts_with("7,infeasible,,,\"U = 7 ≤ T = 7"),
        "{}",
        lines[8]
    );

    let j = json(&[
        "multi-server",
        "--servers",
        "3",
        "--users-per-server",
        "4",
        "--sweep",
        "colluders=0..11",
    ]);
    let rows = j["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[9]["colluders"], 9);
    assert_eq!(rows[9]["bounds"][3]["value"], "11");
    assert_eq!(j["fixed"]["servers"], 3);
}

#[test]
fn bad_parameters_exit_2_with_a_one_line_reason() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["dropout", "--users", "10", "--colluders", "2"],
            "error: missing --min-survivors",
        ),
        (
            &[
                "dropout",
                "--users",
                "1",
                "--min-survivors",
                "1",
                "--colluders",
                "0",
            ],
            "error: --users: K must be at least 2",
        ),
        (
            &[
                "multi-server",
                "--servers",
                "3",
                "--users-per-server",
                "4",
                "--colluders",
                "12",
            ],
            "error: --colluders: T must be in 0..=UV−1",
        ),
        (
            &[
                "multi-server",
                "--servers",
                "1",
                "--users-per-server",
                "1",
                "--colluders",
                "0",
            ],
            "error: --users-per-server:",
        ),
        (
            &[
                "hierarchical",
                "--clients",
                "5",
                "--relays-per-client",
                "3",
                "--failures",
                "3",
                "--alphabet",
                "3",
            ],
            "error: --failures:",
        ),
        (
            &[
                "hierarchical",
                "--clients",
                "5",
                "--relays-per-client",
                "3",
                "--failures",
                "1",
                "--alphabet",
                "3",
                "--prime",
                "9",
            ],
            "error: --prime: 9 is not a prime",
        ),
        (
            &[
                "hierarchical",
                "--clients",
                "5",
                "--relays-per-client",
                "3",
                "--failures",
                "1",
                "--alphabet",
                "3",
                "--prime",
                "7",
            ],
            "error: --prime: p = 7 must exceed K(q−1) = 10",
        ),
        (
            &[
                "hierarchical",
                "--clients",
                "5",
                "--relays-per-client",
                "3",
                "--failures",
                "1",
            ],
            "error: missing --alphabet",
        ),
        (
            &[
                "hierarchical-collusion",
                "--relays",
                "2",
                "--users-per-relay",
                "2",
                "--colluders",
                "5",
            ],
            "error: --colluders:",
        ),
        (
            &[
                "decentralized",
                "--users",
                "5",
                "--min-survivors",
                "5",
                "--colluders",
                "0",
            ],
            "error: --min-survivors: U = K = 5",
        ),
        (
            &[
                "dropout",
                "--users",
                "10",
                "--min-survivors",
                "7",
                "--sweep",
                "colluders=0..11",
            ],
            "error: at colluders=11: --colluders:",
        ),
        (
            &[
                "dropout",
                "--users",
                "10",
                "--min-survivors",
                "7",
                "--sweep",
                "colluders=5..2",
            ],
            "error: --sweep \"colluders=5..2\": the range is empty",
        ),
        (
            &[
                "dropout",
                "--users",
                "10",
                "--min-survivors",
                "7",
                "--sweep",
                "servers=0..2",
            ],
            "error: model `dropout` has no parameter `servers`",
        ),
        (
            &[
                "dropout",
                "--users",
                "10",
                "--min-survivors",
                "7",
                "--colluders",
                "1",
                "--sweep",
                "colluders=0..2",
            ],
            "error: --colluders is swept",
        ),
        (
            &[
                "dropout",
                "--users",
                "10",
                "--min-survivors",
                "7",
                "--sweep",
                "colluders=0..2",
                "--plot",
                "/nonexistent-dir/x.svg",
            ],
            "error: --plot /nonexistent-dir/x.svg:",
        ),
    ];
    for (args, prefix) in cases {
        let err = bad(args);
        let line = one_line(&err);
        assert!(line.starts_with(prefix), "{args:?}: {line}");
    }
}

#[test]
fn usage_errors_exit_2_without_panicking() {
    for args in [
        &["no-such-model"][..],
        &["dropout", "--users", "-3"],
        &["dropout", "--users", "ten"],
        &["dropout", "--users", "99999999999999999999999"],
        &["dropout", "--servers", "3"],
        &[
            "dropout",
            "--users",
            "10",
            "--min-survivors",
            "7",
            "--colluders",
            "2",
            "--plot",
            "x.svg",
        ],
        &[
            "dropout",
            "--users",
            "10",
            "--min-survivors",
            "7",
            "--colluders",
            "2",
            "--csv",
        ],
        &[
            "dropout",
            "--users",
            "10",
            "--min-survivors",
            "7",
            "--colluders",
            "2",
            "--json",
            "--latex",
        ],
    ] {
        let err = bad(args);
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

#[test]
fn extreme_values_do_not_panic() {
    let max = u64::MAX.to_string();
    let m = max.as_str();
    for args in [
        &[
            "multi-server",
            "--servers",
            m,
            "--users-per-server",
            m,
            "--colluders",
            m,
        ][..],
        &[
            "dropout",
            "--users",
            m,
            "--min-survivors",
            m,
            "--colluders",
            m,
        ],
        &[
            "hierarchical",
            "--clients",
            m,
            "--relays-per-client",
            m,
            "--failures",
            "0",
            "--alphabet",
            m,
        ],
        &[
            "hierarchical-collusion",
            "--relays",
            m,
            "--users-per-relay",
            m,
            "--colluders",
            m,
        ],
        &[
            "decentralized",
            "--users",
            m,
            "--min-survivors",
            "2",
            "--colluders",
            "0",
        ],
    ] {
        let o = region(args);
        assert!(matches!(o.status.code(), Some(0) | Some(2)), "{args:?}");
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
}

/// Every `$ itsa region …` example in docs/regions.md is the output of a real run, and the
/// plot shipped in docs/ is the one the documented command writes.
#[test]
fn docs_examples_match_real_runs() {
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/regions.md")).expect("docs/regions.md");
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(cmd) = line.strip_prefix("$ itsa region ") else {
            continue;
        };
        let mut expected: Vec<&str> = Vec::new();
        let code = loop {
            let l = lines.next().expect("unterminated example");
            if let Some(c) = l.strip_prefix("[exit ").and_then(|c| c.strip_suffix(']')) {
                break c.parse::<i32>().unwrap();
            }
            expected.push(l);
        };
        // Plots go to a temporary file, compared with the one in docs/ afterwards.
        let mut args: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
        let mut shipped = None;
        if let Some(i) = args.iter().position(|a| a == "--plot") {
            let tmp = dir.path().join("plot.svg");
            shipped = Some((args[i + 1].clone(), tmp.clone()));
            args[i + 1] = tmp.to_str().unwrap().to_string();
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = region(&refs);
        assert_eq!(o.status.code(), Some(code), "{cmd}");
        let mut got = stdout(&o);
        got.push_str(&stderr(&o));
        if let Some((doc_path, tmp)) = &shipped {
            got = got.replace(tmp.to_str().unwrap(), doc_path);
            let written = std::fs::read_to_string(tmp).unwrap();
            let in_docs = std::fs::read_to_string(format!("{root}/{doc_path}")).unwrap();
            assert!(
                written == in_docs,
                "{doc_path} is out of date: regenerate it with `itsa region {cmd}`"
            );
        }
        let got: Vec<&str> = got.lines().collect();
        match expected.iter().position(|l| *l == "…") {
            None => assert_eq!(got, expected, "{cmd}"),
            Some(0) => assert!(got.ends_with(&expected[1..]), "{cmd}: {got:#?}"),
            Some(i) => assert!(got.starts_with(&expected[..i]), "{cmd}: {got:#?}"),
        }
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} examples found");
}
