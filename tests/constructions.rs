//! Constructions: built for every parameter set of a grid, verified exhaustively, rates exactly
//! at the optimal bound; and mutations that must fail with a witness.

use itsa::construct::{deterministic, read_and_verify};
use itsa::models::dropout::construct_spec;
use itsa::verify::{Options, Verdict};

fn opts() -> Options {
    Options {
        max_failures: 3,
        max_decoders: 0,
        progress: itsa::progress::Progress::none(),
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

// ---------------------------------------------------------------------------------------------
// Multi-server (models.md §3.3) and hierarchical (§4.4, §4.5) constructions.

use itsa::construct::{first_verified, SplitMix64};
use itsa::models::{hierarchical, multi_server};
use itsa::verify::Report;

/// Every rate line `optimal`, no alarm.
fn all_optimal(r: &Report, what: &str) {
    let rates = r.rates.as_ref().unwrap();
    assert!(!rates.alarm, "{what}");
    assert!(!rates.lines.is_empty(), "{what}");
    for l in &rates.lines {
        assert_eq!(l.status, "optimal", "{what}: {} = {}", l.name, l.achieved);
    }
}

/// The mutation must fail a security family, and every printed failure has a witness.
fn fails_security_with_witness(r: &Report, families: &[&str], what: &str) {
    assert_eq!(r.verdict, Verdict::Violated, "{what}");
    let failed: Vec<&str> = families
        .iter()
        .copied()
        .filter(|f| r.family(f).unwrap().failures > 0)
        .collect();
    assert!(!failed.is_empty(), "{what}: no security check failed");
    for f in failed {
        for e in &r.family(f).unwrap().examples {
            assert!(
                !e.witnesses.is_empty(),
                "{what}: {f} failure without witness"
            );
        }
    }
    for f in ["locality", "correctness"] {
        assert_eq!(r.family(f).unwrap().failures, 0, "{what}: {f}");
    }
}

fn multi_server_grid() -> Vec<(u32, u32, u32)> {
    let mut g = Vec::new();
    for u in 1..=3u32 {
        for v in 1..=3u32 {
            if u * v >= 2 {
                g.extend((0..u * v).map(|t| (u, v, t)));
            }
        }
    }
    g
}

#[test]
fn multi_server_grid_verifies_at_the_optimal_rates() {
    let grid = multi_server_grid();
    assert_eq!(grid.len(), 35);
    for (u, v, t) in grid {
        let p = multi_server::construct_params(u, v, t, None).unwrap();
        let dim = multi_server::optimal_key_dim(u, v, t);
        let c = first_verified(1, 10, &opts(), |rng| {
            multi_server::construct_draw(u, v, t, p, dim, rng)
        })
        .unwrap_or_else(|e| panic!("U={u} V={v} T={t}: {e}"));
        let what = format!("U={u} V={v} T={t}");
        assert_eq!(c.report.verdict, Verdict::Verified, "{what}");
        all_optimal(&c.report, &what);
        let keys = &c.report.rates.as_ref().unwrap().randomness;
        assert_eq!(keys[1].max_symbols, dim as usize, "{what}: H(ZΣ)");
        assert_eq!(keys[1].bound_symbols.as_deref(), Some(&*dim.to_string()));
    }
}

/// Key dimension one below the bound, where that is at least one symbol (a dimension of 0 is
/// no key at all: trivially insecure, and not a spec with keys).
#[test]
fn multi_server_keys_one_below_the_bound_fail_security_everywhere() {
    for (u, v, t) in multi_server_grid() {
        let p = multi_server::construct_params(u, v, t, None).unwrap();
        let dim = multi_server::optimal_key_dim(u, v, t) - 1;
        if dim == 0 {
            continue;
        }
        for seed in 1..=3 {
            let spec = multi_server::construct_draw(u, v, t, p, dim, &mut SplitMix64(seed));
            let r = read_and_verify(&spec, &opts()).unwrap();
            fails_security_with_witness(
                &r,
                &["security"],
                &format!("U={u} V={v} T={t} seed {seed}"),
            );
        }
    }
}

fn hierarchical_grid() -> Vec<(u32, u32, u32)> {
    let mut g = Vec::new();
    for k in 2..=7u32 {
        for d in 1..k {
            g.extend((0..d).map(|s| (k, d, s)));
        }
    }
    g
}

#[test]
fn hierarchical_grid_verifies_at_the_optimal_rates() {
    let grid = hierarchical_grid();
    assert_eq!(grid.len(), 56);
    for (k, d, s) in grid {
        let p = hierarchical::construct_params(k, d, s, None).unwrap();
        let dim = d.max(k - d);
        let c = first_verified(1, 10, &opts(), |rng| {
            hierarchical::construct_draw(k, d, s, p, dim, rng)
        })
        .unwrap_or_else(|e| panic!("K={k} d={d} s={s}: {e}"));
        let what = format!("K={k} d={d} s={s}");
        assert_eq!(c.report.verdict, Verdict::Verified, "{what}");
        all_optimal(&c.report, &what);
        assert_eq!(c.report.rates.as_ref().unwrap().lines.len(), 4, "{what}");
    }
}

#[test]
fn hierarchical_keys_one_below_the_bound_fail_security_everywhere() {
    for (k, d, s) in hierarchical_grid() {
        let p = hierarchical::construct_params(k, d, s, None).unwrap();
        let dim = d.max(k - d) - 1;
        if dim == 0 {
            continue; // K = 2, d = 1: no key at all (see the multi-server mutation test)
        }
        let spec = hierarchical::construct_draw(k, d, s, p, dim, &mut SplitMix64(1));
        let r = read_and_verify(&spec, &opts()).unwrap();
        let what = format!("K={k} d={d} s={s}");
        fails_security_with_witness(&r, &["relay-security", "server-security"], &what);
        // models.md §4.4: relay security breaks when d > K−d, server security when K−d > d.
        let relay = r.family("relay-security").unwrap().failures > 0;
        let server = r.family("server-security").unwrap().failures > 0;
        if d > k - d {
            assert!(relay, "{what}: relay security should fail");
        }
        if k - d > d {
            assert!(server, "{what}: server security should fail");
        }
    }
}

#[test]
fn hierarchical_d_equals_k_variant_verifies_at_its_known_point() {
    for k in 2..=6u32 {
        for s in 0..=k - 2 {
            let p = hierarchical::construct_params(k, k, s, None).unwrap();
            let c = deterministic(hierarchical::construct_full_spec(k, s, p), &opts()).unwrap();
            let what = format!("K={k} d=K s={s}");
            assert_eq!(c.report.verdict, Verdict::Verified, "{what}");
            let rates = c.report.rates.as_ref().unwrap();
            assert!(!rates.alarm, "{what}");
            let m = (k - s - 1) as i64;
            let want = [
                ("R1", format!("{}", num_rational::Ratio::new(k as i64, m))),
                ("R2", format!("{}", num_rational::Ratio::new(1, m))),
            ];
            for (name, value) in want {
                let l = rates.lines.iter().find(|l| l.name == name).unwrap();
                assert_eq!(l.achieved, value, "{what}: {name}");
            }
        }
    }
    // s = K−1 with d = K is infeasible: refused with the reason
    let e = hierarchical::construct_params(4, 4, 3, None).unwrap_err();
    assert!(e.to_string().contains("infeasible"), "{e}");
}

#[test]
fn random_construction_parameters_are_checked() {
    let e = |r: Result<u64, itsa::construct::ConstructError>| r.unwrap_err().to_string();
    assert!(e(multi_server::construct_params(2, 2, 4, None)).contains("T must be in 0..=UV−1"));
    assert!(e(multi_server::construct_params(1, 1, 0, None)).contains("UV must be at least 2"));
    assert!(e(multi_server::construct_params(2, 2, 1, Some(91))).contains("not a prime"));
    assert!(e(hierarchical::construct_params(5, 3, 3, None)).contains("0 ≤ s < d"));
    assert!(e(hierarchical::construct_params(5, 3, 1, Some(5))).contains("p > K = 5"));
    // default prime: the smallest ≥ max(257, 64 × checks); U=V=2, T=1 has 18 checks
    assert_eq!(multi_server::construct_params(2, 2, 1, None).unwrap(), 1153);
    assert_eq!(itsa::construct::random_default_prime(1), 257);
}

#[test]
fn a_degenerate_draw_is_redrawn_and_the_seed_reported() {
    // Over F_2 many zero-sum draws are degenerate: the first seed that verifies is reported,
    // with the number of draws it took, and a verified draw is really verified.
    let dim = multi_server::optimal_key_dim(2, 2, 0);
    let c = first_verified(1, 200, &opts(), |rng| {
        multi_server::construct_draw(2, 2, 0, 2, dim, rng)
    })
    .unwrap();
    assert!(c.attempts > 1, "F_2 draws should sometimes be degenerate");
    assert_eq!(c.seed, Some(c.attempts as u64));
    assert_eq!(c.report.verdict, Verdict::Verified);
    // and a budget of one failing draw is an error naming the seeds
    let first_bad = (1..c.attempts as u64).next().unwrap();
    let e = first_verified(first_bad, 1, &opts(), |rng| {
        multi_server::construct_draw(2, 2, 0, 2, dim, rng)
    })
    .unwrap_err();
    assert!(e.to_string().contains("no draw passed"), "{e}");
}

fn itsa(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .unwrap()
}

/// (verdict, checks, failures, per-family counts) of a JSON report.
fn summary(stdout: &[u8]) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    let fam: Vec<serde_json::Value> = v["families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| serde_json::json!([f["name"], f["checks"], f["failures"]]))
        .collect();
    serde_json::json!([v["verdict"], v["checks"], v["failures"], fam, v["rates"]])
}

#[test]
fn written_specs_verify_like_the_in_place_report_toml_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 3] = [
        &[
            "construct",
            "dropout",
            "--users",
            "4",
            "--min-survivors",
            "3",
            "--colluders",
            "1",
        ],
        &[
            "construct",
            "multi-server",
            "--servers",
            "2",
            "--users-per-server",
            "3",
            "--colluders",
            "2",
        ],
        &[
            "construct",
            "hierarchical",
            "--clients",
            "6",
            "--relays-per-client",
            "4",
            "--failures",
            "1",
        ],
    ];
    for args in cases {
        let inplace = itsa(&[args, &["--json"]].concat());
        assert_eq!(inplace.status.code(), Some(0), "{args:?}");
        let want = summary(&inplace.stdout);
        for ext in ["toml", "json"] {
            let f = dir.path().join(format!("{}.{ext}", args[1]));
            let f = f.to_str().unwrap();
            let w = itsa(&[args, &["-o", f]].concat());
            assert_eq!(w.status.code(), Some(0), "{args:?} -o {ext}");
            let v = itsa(&["verify", f, "--json"]);
            assert_eq!(v.status.code(), Some(0), "{args:?} {ext}");
            assert_eq!(summary(&v.stdout), want, "{args:?} {ext}");
        }
    }
    let bad = itsa(&[
        "construct",
        "multi-server",
        "--servers",
        "2",
        "--users-per-server",
        "2",
        "--colluders",
        "1",
        "-o",
        "x.yaml",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn randomness_accounting_matches_the_construction_formulas() {
    // Zhao–Sun construction (models.md §2.5.3): H(R_k) = (U−T) + Σ_{u=U}^{K} C(K−1, u−1),
    // H(R_1..R_K) = K(U−T) + T·Σ_{u=U}^{K} C(K, u) — when T ≥ 1 (with T = 0 the shares are
    // functions of the keys and the joint entropy is only K(U−T)).
    use itsa::subsets::binomial;
    for (k, u, t) in [(3u64, 2u64, 1u64), (4, 3, 1), (5, 3, 2), (4, 2, 0)] {
        let c = deterministic(
            construct_spec(k as u32, u as u32, t as u32, None).unwrap(),
            &opts(),
        )
        .unwrap();
        let acc = &c.report.rates.as_ref().unwrap().randomness;
        let joint = if t == 0 {
            k * (u - t)
        } else {
            k * (u - t) + t * (u..=k).map(|s| binomial(k, s) as u64).sum::<u64>()
        };
        assert_eq!(acc[1].max_symbols as u64, joint, "K={k} U={u} T={t}");
        assert!(acc[1].bound_symbols.is_none());
        if t > 0 {
            let each = (u - t) + (u..=k).map(|s| binomial(k - 1, s - 1) as u64).sum::<u64>();
            assert_eq!(acc[0].max_symbols as u64, each, "K={k} U={u} T={t}");
        }
    }
}
