//! `itsa lcc` end to end (issue 6): Problem 1 on the seed's system with greedy next to brute
//! force, localization with and without precision noise, JSON, the trade-off SVG, exit codes.

use std::process::{Command, Output};

use serde_json::Value;

fn lcc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itsa"))
        .arg("lcc")
        .args(args)
        .output()
        .expect("run itsa")
}

fn ok_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = lcc(&all);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("--json output parses")
}

fn set(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

#[test]
fn assign_mis_reproduces_table_i_and_prints_greedy_next_to_brute_force() {
    let o = lcc(&["assign"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("floating point"), "{text}");
    assert!(text.contains("#1  {4,11,12,13,14,15,16,17,18,19,20,21}  objective 1.84538e5"));
    assert!(text.contains("293930 objective evaluations"));
    assert!(text.contains("greedy (Algorithm 1): 1456 objective evaluations"));
    assert!(text.contains("greedy − brute force"));

    let j = ok_json(&["assign", "--top", "3"]);
    assert!(j["arithmetic"].as_str().unwrap().contains("floating point"));
    let brute = &j["runs"][0]["search"];
    assert_eq!(brute["evaluations"], 293_930);
    let sets: Vec<Vec<u64>> = (0..3).map(|i| set(&brute["best"][i]["set"])).collect();
    let tail: Vec<u64> = (11..=21).collect();
    for (s, first) in sets.iter().zip([4, 7, 3]) {
        assert_eq!(s[0], first);
        assert_eq!(&s[1..], &tail[..]);
    }
    let v = brute["best"][0]["value"].as_f64().unwrap();
    assert!((v / 1.8454e5 - 1.0).abs() < 5e-4, "{v}");
}

#[test]
fn greedy_and_brute_force_on_a_small_joint_problem() {
    let j = ok_json(&[
        "assign",
        "--objective",
        "joint",
        "--lambda",
        "0.5",
        "--compare",
        "--method",
        "brute",
        "--workers",
        "9",
        "--unreliable",
        "5",
        "--data-blocks",
        "1",
        "--colluders",
        "1",
        "--degree",
        "1",
        "--byzantine",
        "1",
        "--precision-noise",
        "0.05",
        "--trials",
        "100",
    ]);
    let runs = j["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["search"]["evaluations"], 126); // C(9,5)
    assert_eq!(runs[1]["search"]["evaluations"], 9 + 8 + 7 + 6 + 5); // C(9,1) + Σ_{i=1}^{4} (9−i)
    let gap = j["greedy_minus_brute"].as_f64().unwrap();
    assert!(gap >= 0.0, "greedy cannot beat the exact optimum: {gap}");
    assert!(j["normalisation"].as_str().unwrap().contains("MIS_max"));
}

#[test]
fn pep_is_zero_without_precision_noise_and_positive_with_it() {
    let p = |sp: &str| {
        let j = ok_json(&[
            "pep",
            "--set",
            "4,11-21",
            "--precision-noise",
            sp,
            "--trials",
            "300",
        ]);
        j["metrics"]["pep"]["p"].as_f64().unwrap()
    };
    assert_eq!(p("0"), 0.0);
    assert!(p("0.01") > 0.05);
}

#[test]
fn tradeoff_plots_without_a_banner_and_takes_the_figure_options() {
    let dir = tempfile::tempdir().unwrap();
    let system = [
        "tradeoff",
        "--steps",
        "2",
        "--workers",
        "9",
        "--unreliable",
        "5",
        "--data-blocks",
        "1",
        "--colluders",
        "1",
        "--degree",
        "1",
        "--byzantine",
        "1",
        "--precision-noise",
        "0.05",
        "--trials",
        "100",
        "--method",
        "brute",
    ];
    let run = |extra: &[&str]| {
        let mut args = system.to_vec();
        args.extend(extra);
        let o = lcc(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let svg = dir.path().join("t.svg");
    let stdout = run(&["--plot", svg.to_str().unwrap()]);
    assert!(stdout.contains("λ=1"));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<?xml") && text.ends_with("</svg>\n"));
    // No title unless asked for; the λ tags beside the points, the assignments in the key.
    assert!(!text.contains("Privacy") && !text.contains("floating point"));
    assert!(text.contains(">λ=0<") || text.contains(">λ=0–"), "{text}");
    assert!(text.contains("MIS bound (bits per entry)"));
    let key_lines = text.matches(": {").count();
    assert!((1..=3).contains(&key_lines), "{key_lines} key lines");
    // --title, --size and a PDF by the extension.
    let pdf = dir.path().join("t.pdf");
    run(&[
        "--plot",
        pdf.to_str().unwrap(),
        "--title",
        "Privacy vs robustness",
        "--size",
        "10cmx7cm",
    ]);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&bytes).contains("Privacy vs robustness"));
    let bad = lcc(&["tradeoff", "--plot", "t.png"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains(".svg, .pdf, .pgf or .tex"));
}

#[test]
fn bad_input_exits_2() {
    for args in [
        vec!["mis", "--set", "1,2,3"],                             // wrong size
        vec!["mis", "--set", "0,2-12"],                            // out of range
        vec!["mis", "--set", "x"],                                 // unreadable
        vec!["mis", "--unreliable", "2"],                          // |U| < T
        vec!["pep", "--byzantine", "9"],                           // N < k + 2A
        vec!["assign", "--lambda", "2"],                           // λ outside [0, 1]
        vec!["assign", "--objective", "pep", "--method", "brute"], // over the trial budget
        vec!["assign", "--s0", "1"],                               // s0 < T
        vec![
            "mis",
            "--workers",
            "60",
            "--colluders",
            "20",
            "--unreliable",
            "30",
        ], // table too large
    ] {
        let o = lcc(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).starts_with("error:"),
            "{args:?}"
        );
    }
}
