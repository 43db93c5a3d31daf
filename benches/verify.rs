//! `cargo bench --bench verify`: exhaustive verification of generated constructions.
//!
//! Each case builds a spec with the crate's own constructor, reads it, and times the check
//! evaluation (witnesses excluded: every case verifies). divan prints the time of one full
//! evaluation and, through the item counter, checks per second; the number of checks and the
//! time per check are printed before the table. Add a construction by adding one line to
//! `CASES`. Large cases (K ≥ 12) are measured with the release CLI instead; see
//! docs/performance.md.

use itsa::construct::SplitMix64;
use itsa::models::dropout::construct_spec;
use itsa::models::{hierarchical, multi_server};
use itsa::verify::{evaluate, Plan, Space};

struct Case {
    name: &'static str,
    spec: fn() -> String,
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// One draw (seed 1) of the multi-server zero-sum construction at the optimal key dimension.
fn multi(u: u32, v: u32, t: u32) -> String {
    let p = multi_server::construct_params(u, v, t, None).unwrap();
    let dim = multi_server::optimal_key_dim(u, v, t);
    multi_server::construct_draw(u, v, t, p, dim, &mut SplitMix64(1))
}

/// One draw (seed 1) of the hierarchical polynomial construction.
fn hier(k: u32, d: u32, s: u32) -> String {
    let p = hierarchical::construct_params(k, d, s, None).unwrap();
    hierarchical::construct_draw(k, d, s, p, d.max(k - d), &mut SplitMix64(1))
}

/// Zhao–Sun dropout, U ≈ 2K/3, T ≈ K/4 (the growth series of docs/performance.md), then
/// hierarchical up to K = 12 and multi-server up to UV = 16 (seed-1 draws, all verify).
const CASES: &[Case] = &[
    Case {
        name: "dropout K=6 U=4 T=1",
        spec: || construct_spec(6, 4, 1, None).unwrap(),
    },
    Case {
        name: "dropout K=8 U=5 T=2",
        spec: || construct_spec(8, 5, 2, None).unwrap(),
    },
    Case {
        name: "dropout K=10 U=7 T=2",
        spec: || construct_spec(10, 7, 2, None).unwrap(),
    },
    Case {
        name: "hierarchical K=8 d=5 s=2",
        spec: || hier(8, 5, 2),
    },
    Case {
        name: "hierarchical K=12 d=7 s=3",
        spec: || hier(12, 7, 3),
    },
    Case {
        name: "multi-server U=3 V=3 T=4",
        spec: || multi(3, 3, 4),
    },
    Case {
        name: "multi-server U=4 V=4 T=3",
        spec: || multi(4, 4, 3),
    },
];

fn load(case: &Case) -> (Space, Plan) {
    let scheme = itsa::scheme::read_spec_str(&(case.spec)(), case.name).expect("spec reads");
    let model = itsa::models::Model::from_scheme(&scheme).expect("model validates");
    (Space::of(&scheme), model.plan(&scheme))
}

#[divan::bench(args = CASES, sample_count = 3, sample_size = 1)]
fn verify_all_checks(bencher: divan::Bencher, case: &Case) {
    let (space, plan) = load(case);
    let checks = plan.num_checks();
    bencher
        .counter(divan::counter::ItemsCount::new(checks))
        .bench(|| {
            let out = evaluate(space, &plan, &itsa::progress::Progress::none());
            assert!(out.iter().flatten().all(|&o| o == 0), "{case} verifies");
        });
}

fn main() {
    for case in CASES {
        let (space, plan) = load(case);
        let start = std::time::Instant::now();
        evaluate(space, &plan, &itsa::progress::Progress::none());
        let t = start.elapsed().as_secs_f64();
        let n = plan.num_checks();
        println!(
            "{case}: {n} checks, {} columns, {:.0} checks/s, {:.1} µs/check (one warm-up run, {} threads)",
            space.columns,
            n as f64 / t,
            1e6 * t / n as f64,
            rayon::current_num_threads()
        );
    }
    divan::main();
}
