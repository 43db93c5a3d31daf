//! Constructions: built for every parameter set of a grid, verified exhaustively, rates exactly
//! at the optimal bound; and mutations that must fail with a witness.

use itsa::construct::{deterministic, read_and_verify};
use itsa::models::dropout::construct_spec;
use itsa::verify::{Options, Verdict};

fn opts() -> Options {
    Options {
        max_failures: 3,
        max_decoders: 0,
        progress: false,
    }
}

#[test]
fn dropout_grid_k_up_to_6_verifies_at_the_optimal_rates() {
    let mut n = 0;
    for k in 2..=6u32 {
        for u in 1..k {
            for t in 0..u {
                let c = deterministic(construct_spec(k, u, t, None).unwrap(), &opts()).unwrap();
                let r = &c.report;
                assert_eq!(r.verdict, Verdict::Verified, "K={k} U={u} T={t}");
                let rates = r.rates.as_ref().unwrap();
                assert!(!rates.alarm);
                assert_eq!(rates.lines.len(), 2);
                for l in &rates.lines {
                    assert_eq!(
                        l.status, "optimal",
                        "K={k} U={u} T={t}: {} = {}",
                        l.name, l.achieved
                    );
                }
                n += 1;
            }
        }
    }
    assert_eq!(n, 35);
}

#[test]
fn dropout_without_noise_against_colluders_fails_security_with_witnesses() {
    for (k, u, t) in [(3, 2, 1), (4, 3, 1), (5, 3, 2)] {
        // the T = 0 design (no noise symbols), declared against T colluders
        let spec = construct_spec(k, u, 0, None)
            .unwrap()
            .replace("colluders = 0", &format!("colluders = {t}"));
        let r = read_and_verify(&spec, &opts()).unwrap();
        assert_eq!(r.verdict, Verdict::Violated, "K={k} U={u} T={t}");
        let sec = r.family("security").unwrap();
        assert!(sec.failures > 0);
        assert_eq!(r.family("correctness").unwrap().failures, 0);
        for e in &sec.examples {
            assert!(
                !e.witnesses.is_empty(),
                "every printed failure has a witness"
            );
        }
    }
}

#[test]
fn construction_parameters_are_checked() {
    assert!(construct_spec(3, 1, 1, None)
        .unwrap_err()
        .to_string()
        .contains("infeasible"));
    assert!(construct_spec(4, 3, 1, Some(5))
        .unwrap_err()
        .to_string()
        .contains("p ≥ K + U = 7"));
    assert!(construct_spec(4, 3, 1, Some(9))
        .unwrap_err()
        .to_string()
        .contains("not a prime"));
    assert!(construct_spec(1, 1, 0, None).is_err());
    // a larger prime than needed is fine
    let c = deterministic(construct_spec(4, 3, 1, Some(101)).unwrap(), &opts()).unwrap();
    assert_eq!(c.report.verdict, Verdict::Verified);
}

#[test]
fn construct_output_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args([
            "construct",
            "dropout",
            "--users",
            "4",
            "--min-survivors",
            "3",
            "--colluders",
            "1",
        ])
        .args(["-o", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let written = std::fs::read_to_string(&p).unwrap();
    assert_eq!(written, construct_spec(4, 3, 1, None).unwrap());
    let v = std::process::Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(["verify", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(v.status.code(), Some(0));
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args([
            "construct",
            "dropout",
            "--users",
            "3",
            "--min-survivors",
            "1",
            "--colluders",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
