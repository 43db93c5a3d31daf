//! Every spec in specs/ against its expected verdict, counts and failing sets.

mod common;
use common::*;

#[test]
fn seed003_as_printed_is_violated_exactly_where_the_coefficient_matters() {
    let (code, r) = verify_json("weng-seed003-printed.toml", &["--max-failures", "100"]);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "violated");
    assert_eq!(r["model"], "hierarchical");
    assert_eq!(r["params"]["clients"], 5);
    // correctness: the 4 relay sets of size 4 containing relay 1 fail; the full set passes
    assert_eq!(counts(&r, "correctness"), (6, 4));
    let mut fails = example_sets(&r, "correctness", "relays");
    fails.sort();
    assert_eq!(
        fails,
        vec![
            vec![1, 2, 3, 4],
            vec![1, 2, 3, 5],
            vec![1, 2, 4, 5],
            vec![1, 3, 4, 5]
        ]
    );
    assert_eq!(counts(&r, "relay-security"), (5, 0));
    // server security: exactly the 11 subsets of size >= 3 containing relay 1
    assert_eq!(counts(&r, "server-security"), (31, 11));
    let mut leaks = example_sets(&r, "server-security", "relays");
    leaks.sort();
    let mut want: Vec<Vec<u64>> = (0u32..32)
        .map(|m| {
            (1..=5)
                .filter(|i| m & (1 << (i - 1)) != 0)
                .collect::<Vec<u64>>()
        })
        .filter(|s| s.len() >= 3 && s.contains(&1))
        .collect();
    want.sort();
    assert_eq!(leaks, want);
    for e in family(&r, "server-security")["examples"]
        .as_array()
        .unwrap()
    {
        assert_eq!(e["leak_dimension"], 1);
        let w = &e["witnesses"][0];
        assert!(w["expression"].as_str().unwrap().contains("Y[1]"), "{w}");
        assert_eq!(w["reveals"], "Θ[2](2)");
    }
    // the printed relay messages are consistent with the printed client messages
    assert_eq!(counts(&r, "locality"), (20, 0));
}

#[test]
fn seed003_corrected_verifies_and_its_decoders_are_the_papers_c_matrices() {
    let (code, r) = verify_json("weng-seed003-corrected.toml", &["--show-decoders"]);
    assert_eq!(code, 0);
    assert_eq!(r["verdict"], "verified");
    for fam in [
        "locality",
        "correctness",
        "relay-security",
        "server-security",
    ] {
        assert_eq!(counts(&r, fam).1, 0, "{fam}");
    }
    // C_f of the paper (columns Y1..Y5), f = the missing relay; rows give ΣΘ(1), ΣΘ(2)
    let c: [(u64, [[u32; 5]; 2]); 5] = [
        (1, [[0, 7, 11, 6, 0], [0, 2, 1, 7, 9]]),
        (2, [[10, 0, 6, 0, 10], [1, 0, 7, 9, 10]]),
        (3, [[9, 2, 0, 11, 9], [2, 11, 0, 11, 11]]),
        (4, [[10, 0, 6, 0, 10], [3, 9, 6, 0, 12]]),
        (5, [[0, 7, 11, 6, 0], [4, 7, 12, 2, 0]]),
    ];
    let decs = family(&r, "correctness")["decoders"].as_array().unwrap();
    let four: Vec<_> = decs
        .iter()
        .filter(|d| d["sets"][0]["members"].as_array().unwrap().len() == 4)
        .collect();
    assert_eq!(four.len(), 5, "a decoder for each 4-relay set");
    for (missing, rows) in c {
        let d = four
            .iter()
            .find(|d| {
                !d["sets"][0]["members"]
                    .as_array()
                    .unwrap()
                    .contains(&missing.into())
            })
            .unwrap();
        for (l, row) in rows.iter().enumerate() {
            let dec = &d["decoders"][l];
            assert_eq!(dec["target"], format!("ΣΘ({})", l + 1));
            let mut got = [0u32; 5];
            for t in dec["terms"].as_array().unwrap() {
                let m: usize = t["row"].as_str().unwrap()[2..3].parse().unwrap();
                got[m - 1] = t["coef"].as_u64().unwrap() as u32;
            }
            assert_eq!(&got, row, "C_{missing} row {}", l + 1);
        }
    }
}

#[test]
fn zhao_sun_examples_verify() {
    for (spec, sec_checks) in [
        ("zhao-sun-example1.toml", 4),
        ("zhao-sun-example2.toml", 16),
    ] {
        let (code, r) = verify_json(spec, &[]);
        assert_eq!(code, 0, "{spec}");
        assert_eq!(counts(&r, "correctness"), (7, 0), "{spec}");
        assert_eq!(counts(&r, "security"), (sec_checks, 0), "{spec}");
        assert_eq!(counts(&r, "locality"), (12, 0), "{spec}");
    }
}

#[test]
fn noise_free_design_against_one_colluder_leaks_in_every_one_colluder_check() {
    let (code, r) = verify_json(
        "broken-example1-against-t1.toml",
        &["--max-failures", "100"],
    );
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "violated");
    assert_eq!(counts(&r, "security"), (16, 12));
    assert_eq!(counts(&r, "correctness"), (7, 0));
    let fam = family(&r, "security");
    for e in fam["examples"].as_array().unwrap() {
        let t = e["sets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "T")
            .unwrap();
        assert_eq!(
            t["members"].as_array().unwrap().len(),
            1,
            "every failure has one colluder"
        );
        assert!(e["leak_dimension"].as_u64().unwrap() >= 1);
        assert_eq!(
            e["witnesses"].as_array().unwrap().len() as u64,
            e["leak_dimension"].as_u64().unwrap(),
            "one witness per leaked dimension"
        );
    }
    assert_eq!(fam["examples"].as_array().unwrap().len(), 12);
}

#[test]
fn human_report_leads_with_the_verdict_and_shows_witnesses() {
    let p = spec("weng-seed003-printed.toml");
    let o = itsa(&["verify", p.to_str().unwrap(), "--max-failures", "1"]);
    assert_eq!(code(&o), 1);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("VIOLATED"), "{out}");
    assert!(out.contains("witness  "), "{out}");
    assert!(out.contains("= Θ[2](2)"), "{out}");
    assert!(out.contains("10 more failure(s)"), "{out}");
    let p = spec("zhao-sun-example2.toml");
    let o = itsa(&["verify", p.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8(o.stdout).unwrap().starts_with("VERIFIED"));
}

#[test]
fn every_spec_states_its_verdict_and_verify_exits_accordingly() {
    // The [expect] table is the one source of truth (itsa test compares the rest of it).
    let mut names: Vec<String> = std::fs::read_dir(spec(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    for paper in [
        "weng-seed003-printed.toml",
        "weng-seed003-corrected.toml",
        "zhao-sun-example1.toml",
        "zhao-sun-example2.toml",
        "broken-example1-against-t1.toml",
    ] {
        assert!(names.iter().any(|n| n == paper), "missing {paper}");
    }
    for name in names {
        let (scheme, _) = itsa::load(&spec(&name)).unwrap();
        let verdict = scheme
            .expect
            .and_then(|e| e.verdict)
            .unwrap_or_else(|| panic!("{name}: no [expect] verdict"));
        let want = if verdict == "verified" { 0 } else { 1 };
        let (code, r) = verify_json(&name, &[]);
        assert_eq!(
            (code, r["verdict"].as_str().unwrap()),
            (want, verdict.as_str()),
            "{name}"
        );
    }
}

#[test]
fn check_count_estimate_equals_the_plan() {
    for name in [
        "weng-seed003-printed.toml",
        "zhao-sun-example1.toml",
        "zhao-sun-example2.toml",
        "broken-example1-against-t1.toml",
        "tjl-n6-t4-active-attack.toml",
        "bonawitz-n5-t4.toml",
    ] {
        let (scheme, model) = itsa::load(&spec(name)).unwrap();
        assert_eq!(
            model.count_checks(),
            model.plan(&scheme).num_checks() as u128,
            "{name}"
        );
    }
}

fn rate<'a>(r: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    r["rates"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no rate {name}"))
}

#[test]
fn verified_paper_examples_achieve_the_optimal_region_exactly() {
    let (_, r) = verify_json("weng-seed003-corrected.toml", &[]);
    assert_eq!(r["rates"]["alarm"], false);
    for (name, achieved) in [
        ("R1", "3/2"),
        ("R2", "1/2"),
        ("R_S", "1/2 × log 13 / log 3"),
        ("R_SΣ", "3/2 × log 13 / log 3"),
    ] {
        let l = rate(&r, name);
        assert_eq!(l["achieved"], achieved, "{name}");
        assert_eq!(l["optimal"], achieved, "{name}");
        assert_eq!(l["status"], "optimal", "{name}");
    }
    for (spec, r2) in [
        ("zhao-sun-example1.toml", "1/2"),
        ("zhao-sun-example2.toml", "1"),
    ] {
        let (_, r) = verify_json(spec, &[]);
        assert_eq!(rate(&r, "R1")["status"], "optimal", "{spec}");
        assert_eq!(rate(&r, "R2")["achieved"], r2, "{spec}");
        assert_eq!(rate(&r, "R2")["status"], "optimal", "{spec}");
    }
}

#[test]
fn a_violated_scheme_below_the_converse_is_annotated_not_an_alarm() {
    // Example 1's R2 = 1/2 is below 1/(U−T) = 1 for T = 1 — possible only because it leaks.
    let (code, r) = verify_json("broken-example1-against-t1.toml", &[]);
    assert_eq!(code, 1);
    assert_eq!(r["rates"]["alarm"], false);
    let s = rate(&r, "R2")["status"].as_str().unwrap();
    assert!(s.starts_with("BELOW THE CONVERSE (scheme violated"), "{s}");
}
