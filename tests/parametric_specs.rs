//! Parametric specs: the three papers' constructions written once (specs/*-general.toml) agree
//! with `itsa construct` at every point of their grids — same verdict, same checks per
//! family, same failures, same rates — and a broken parametric spec fails at the first grid
//! point where it must, with its witness.
//!
//! Debug-mode `cargo test` covers Zhao–Sun K ≤ 7, hierarchical K ≤ 7 and multi-server
//! U, V ≤ 3; `ITSA_FULL_GRID=1 cargo test --release --test parametric_specs` adds Zhao–Sun
//! K = 8 (the full grid of the issue; timing in docs/performance.md).

use itsa::construct::{deterministic, first_verified, Construction};
use itsa::models::{dropout, hierarchical, multi_server};
use itsa::param::{self, grid};
use itsa::verify::{Options, Report, Verdict};

fn opts() -> Options {
    Options {
        max_failures: 3,
        max_decoders: 0,
        progress: itsa::progress::Progress::none(),
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// What must agree between the two construction paths: verdict, checks, failures, per-family
/// (name, checks, failures), rate lines.
type Summary = (
    Verdict,
    usize,
    usize,
    Vec<(String, usize, usize)>,
    Vec<String>,
);

/// What must agree between the two construction paths.
fn summary(r: &Report) -> Summary {
    let families = r
        .families
        .iter()
        .map(|f| (f.name.to_string(), f.checks, f.failures))
        .collect();
    let rates = r
        .rates
        .as_ref()
        .map(|rr| {
            rr.lines
                .iter()
                .map(|l| {
                    // Key rates carry log p / log q; the primes differ (construct picks its
                    // own), the rational coefficients must not.
                    without_log_p(&format!(
                        "{}={} (≥ {:?}, {})",
                        l.name, l.achieved, l.optimal, l.status
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    (r.verdict, r.checks, r.failures, families, rates)
}

/// `1 × log 709 / log 2` → `1 × log p / log 2`.
fn without_log_p(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("log ") {
        out.push_str(&rest[..i + 4]);
        rest = &rest[i + 4..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && !rest[digits..].starts_with(" /") {
            out.push_str(&rest[..digits]);
        } else if digits > 0 {
            out.push('p');
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Verify the parametric spec at every point of `grid` and compare with `construct(point)`.
fn compare(
    spec: &str,
    grid_arg: &str,
    construct: impl Fn(&[(String, i64)]) -> Construction,
) -> usize {
    let text = read(spec);
    let points = param::grid_points(&text, spec, &[], grid_arg).unwrap();
    let results = grid::run(
        &points,
        |p| param::instantiate(&text, spec, p),
        &opts(),
        u128::MAX,
    );
    for r in &results {
        let label = grid::point_label(&r.point);
        let grid::Outcome::Checked { report, .. } = &r.outcome else {
            panic!("{spec} at {label}: {:?}", r.outcome);
        };
        assert_eq!(report.verdict, Verdict::Verified, "{spec} at {label}");
        let c = construct(&r.point);
        assert_eq!(c.report.verdict, Verdict::Verified, "construct at {label}");
        assert_eq!(
            summary(report),
            summary(&c.report),
            "{spec} vs construct at {label}"
        );
    }
    assert_eq!(grid::summarize(&results).verified, results.len());
    results.len()
}

fn value(p: &[(String, i64)], name: &str) -> u32 {
    p.iter().find(|(n, _)| n == name).unwrap().1 as u32
}

#[test]
fn zhao_sun_general_matches_construct_for_every_k_up_to_7() {
    let full = std::env::var("ITSA_FULL_GRID").is_ok();
    let kmax = if full { 8 } else { 7 };
    let n = compare(
        "specs/zhao-sun-general.toml",
        &format!("K=2..{kmax}, U=1..K-1, T=0..U-1"),
        |p| {
            let (k, u, t) = (value(p, "K"), value(p, "U"), value(p, "T"));
            deterministic(dropout::construct_spec(k, u, t, None).unwrap(), &opts()).unwrap()
        },
    );
    // Σ_{K=2}^{kmax} K(K−1)/2 points
    assert_eq!(n, (2..=kmax).map(|k| k * (k - 1) / 2).sum::<usize>());
}

#[test]
fn zhao_sun_general_expands_to_construct_s_scheme_up_to_formatting() {
    // Same prime (next_prime(K + U)), same Cauchy matrix: the rows agree exactly.
    let text = read("specs/zhao-sun-general.toml");
    for (k, u, t) in [(3, 2, 1), (4, 3, 1), (5, 3, 0)] {
        let sets = vec![
            ("K".to_string(), k as i64),
            ("U".to_string(), u as i64),
            ("T".to_string(), t as i64),
        ];
        let ours = param::read(&text, "z.toml", &sets).unwrap();
        let theirs =
            itsa::scheme::read_spec_str(&dropout::construct_spec(k, u, t, None).unwrap(), "c.toml")
                .unwrap();
        assert_eq!(ours.field.p(), theirs.field.p());
        for v in &theirs.variables {
            let mine = ours
                .rows(&v.name)
                .unwrap_or_else(|| panic!("missing {}", v.name));
            // Same sources, possibly in another column order: compare as labelled rows.
            let show = |s: &itsa::scheme::Scheme, rows: &[Vec<u32>]| -> Vec<String> {
                let mut r: Vec<String> = rows.iter().map(|row| s.format_row(row)).collect();
                if v.name.base == "R" {
                    r.sort();
                }
                r
            };
            assert_eq!(
                show(&ours, &mine),
                show(&theirs, &theirs.rows(&v.name).unwrap()),
                "K={k} U={u} T={t}: {}",
                v.name
            );
        }
    }
}

#[test]
fn hierarchical_general_matches_construct_for_every_k_up_to_7() {
    let n = compare(
        "specs/hierarchical-general.toml",
        "K=2..7, d=1..K-1, s=0..d-1",
        |p| {
            let (k, d, s) = (value(p, "K"), value(p, "d"), value(p, "s"));
            let prime = hierarchical::construct_params(k, d, s, None).unwrap();
            first_verified(1, 10, &opts(), |rng| {
                hierarchical::construct_draw(k, d, s, prime, d.max(k - d), rng)
            })
            .unwrap()
        },
    );
    assert_eq!(n, (2..=7).map(|k| k * (k - 1) / 2).sum::<usize>());
}

#[test]
fn multi_server_general_matches_construct_for_u_v_up_to_3() {
    let n = compare(
        "specs/multi-server-general.toml",
        "U=1..3, V=max(1, 3-U)..3, T=0..U*V-1",
        |p| {
            let (u, v, t) = (value(p, "U"), value(p, "V"), value(p, "T"));
            let prime = multi_server::construct_params(u, v, t, None).unwrap();
            first_verified(1, 10, &opts(), |rng| {
                multi_server::construct_draw(
                    u,
                    v,
                    t,
                    prime,
                    multi_server::optimal_key_dim(u, v, t),
                    rng,
                )
            })
            .unwrap()
        },
    );
    // UV ≥ 2: Σ over (U, V) ≠ (1, 1) of UV points (T = 0..UV−1)
    let expect: usize = (1..=3)
        .flat_map(|u| (1..=3).map(move |v| u * v))
        .filter(|&n| n >= 2)
        .sum();
    assert_eq!(n, expect);
}

/// The Zhao–Sun spec with one Cauchy column index shifted: the noise of a first-round set
/// is multiplied by the column of the first key symbol, so with T ≥ 1 and U − T = 1 a share
/// is c·(ΣZ + N): the shares no longer determine ΣZ. The first grid point (in grid order)
/// with T ≥ 1 is K=3, U=2, T=1.
fn broken_zhao_sun() -> String {
    let text = read("specs/zhao-sun-general.toml");
    let broken = text.replace("C[k,U-T+j] * N{S}(j)", "C[k,U-T+j-1] * N{S}(j)");
    assert_ne!(broken, text);
    broken
}

#[test]
fn broken_cauchy_column_fails_at_the_first_point_it_must() {
    let text = broken_zhao_sun();
    let points =
        param::grid_points(&text, "broken.toml", &[], "K=2..4, U=1..K-1, T=0..U-1").unwrap();
    let results = grid::run(
        &points,
        |p| param::instantiate(&text, "broken.toml", p),
        &opts(),
        u128::MAX,
    );
    // T = 0 points have no noise term: they still verify.
    for r in &results {
        let t = r.point.iter().find(|(n, _)| n == "T").unwrap().1;
        let u = r.point.iter().find(|(n, _)| n == "U").unwrap().1;
        if t == 0 {
            assert!(r.passed(), "{}", grid::point_label(&r.point));
        } else if u - t == 1 {
            assert!(r.violated(), "{}", grid::point_label(&r.point));
        }
    }
    let s = grid::summarize(&results);
    assert_eq!(s.first_violation.as_deref(), Some("K=3 U=2 T=1"));
    assert_eq!(grid::exit_code(&s), 1);
    let text_out = grid::render_text(&results);
    assert!(
        text_out.contains("first failing point: K=3 U=2 T=1"),
        "{text_out}"
    );
    // The full report of that point follows, with the leaking combination or the
    // undecodable target.
    let tail = &text_out[text_out.find("first failing point").unwrap()..];
    assert!(tail.contains("VIOLATED"), "{tail}");
    assert!(
        tail.contains("correctness") && tail.contains("failed"),
        "{tail}"
    );
    let grid::Outcome::Checked { report, .. } =
        &results.iter().find(|r| r.violated()).unwrap().outcome
    else {
        unreachable!()
    };
    let fam = report.families.iter().find(|f| f.failures > 0).unwrap();
    assert!(!fam.examples.is_empty(), "a witness is recorded");
}

#[test]
fn a_cauchy_collision_mod_p_is_an_ill_formed_point_not_a_violation() {
    // With p = 7 fixed, x = 1..K and y = K+1..K+U collide mod 7 once K + U > 7
    // (K=5, U=3: y[3] = 8 ≡ 1 = x[1]).
    let text =
        read("specs/zhao-sun-general.toml").replace("prime = \"next_prime(K + U)\"", "prime = 7");
    let points = param::grid_points(&text, "p7.toml", &[], "K=4..5, U=3..K-1, T=0").unwrap();
    let results = grid::run(
        &points,
        |p| param::instantiate(&text, "p7.toml", p),
        &opts(),
        u128::MAX,
    );
    let labels: Vec<(String, bool, bool)> = results
        .iter()
        .map(|r| {
            (
                grid::point_label(&r.point),
                r.passed(),
                matches!(r.outcome, grid::Outcome::IllFormed(_)),
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            ("K=4 U=3 T=0".to_string(), true, false),
            ("K=5 U=3 T=0".to_string(), false, true),
            ("K=5 U=4 T=0".to_string(), false, true),
        ]
    );
    let grid::Outcome::IllFormed(e) = &results[1].outcome else {
        unreachable!()
    };
    let m = e.to_string();
    assert!(m.contains("x[1] = 1 and y[3] = 8 collide mod 7"), "{m}");
    assert!(m.starts_with("p7.toml:"), "located: {m}");
    let s = grid::summarize(&results);
    assert_eq!((s.verified, s.violated, s.ill_formed), (1, 0, 2));
    assert_eq!(grid::exit_code(&s), 2);
}

#[test]
fn the_expansion_reads_back_through_the_flat_reader() {
    for (spec, sets) in [
        (
            "specs/zhao-sun-general.toml",
            vec![("K", 4), ("U", 2), ("T", 1)],
        ),
        (
            "specs/hierarchical-general.toml",
            vec![("K", 5), ("d", 3), ("s", 1)],
        ),
        (
            "specs/multi-server-general.toml",
            vec![("U", 2), ("V", 2), ("T", 1)],
        ),
    ] {
        let text = read(spec);
        let sets: Vec<(String, i64)> = sets.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        let x = param::expand(&text, spec, &sets).unwrap();
        // The printed flat spec is an ordinary spec: verify it on its own.
        let flat = itsa::scheme::read_spec_str(&x.text, "flat.toml").unwrap();
        let m = itsa::models::Model::from_scheme(&flat).unwrap();
        let r1 = itsa::verify_scheme(&flat, &m, &opts());
        let inst = param::instantiate(&text, spec, &sets).unwrap();
        let r2 = itsa::verify_scheme(&inst.scheme, &inst.model, &opts());
        assert_eq!(summary(&r1), summary(&r2), "{spec}");
        assert_eq!(r1.verdict, Verdict::Verified, "{spec}");
        assert!(
            !itsa::param::is_parametric(&x.text),
            "{spec}: the expansion is flat"
        );
    }
}
