//! Benchmark: the declared dropout model (models/dropout.toml) against the compiled one on the
//! Zhao–Sun construction, side by side in one run (alternating, so machine noise hits both).
//!
//! `cargo run --release --no-default-features --example declared_vs_compiled -- [K U T] [rounds] [mode]`
//! (default 12 8 3, 2 rounds, mode `both`; mode `compiled` or `declared` runs one side only,
//! for `/usr/bin/time -v` peak-RSS measurements). Prints per-phase times (wall and process CPU)
//! and the declared/compiled ratio of the total.
use std::sync::Arc;
use std::time::Instant;

use itsa::models::declared::{self, instance::LoadOptions, Declared};
use itsa::models::Model;
use itsa::verify::{Options, Verdict};

fn cpu_seconds() -> f64 {
    // utime + stime of this process from /proc (Linux); 0 elsewhere.
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: u32| a.get(i).and_then(|x| x.parse().ok()).unwrap_or(d);
    let (k, u, t) = (num(0, 12), num(1, 8), num(2, 3));
    let rounds = num(3, 2);
    let mode = a.get(4).map_or("both", |s| s.as_str()).to_string();
    let spec = itsa::models::dropout::construct_spec(k, u, t, None).expect("construct");
    let scheme = itsa::scheme::read_spec_str(&spec, "<zhao-sun>").expect("spec reads");
    let decl = Arc::new(declared::shipped("dropout").unwrap().unwrap());
    let opts = Options {
        max_failures: 3,
        max_decoders: 0,
        progress: itsa::progress::Progress::none(),
    };
    println!("Zhao–Sun construction K={k} U={u} T={t}, {rounds} round(s), mode {mode}");
    let mut totals = [0.0f64; 2];
    for round in 1..=rounds {
        for (side, name) in ["compiled", "declared"].iter().enumerate() {
            if mode != "both" && mode != *name {
                continue;
            }
            let (w0, c0) = (Instant::now(), cpu_seconds());
            let model = if side == 0 {
                Model::from_scheme(&scheme).expect("compiled")
            } else {
                Model::Declared(Box::new(
                    Declared::with_declaration(decl.clone(), &scheme, LoadOptions::default())
                        .expect("declared"),
                ))
            };
            let plan = model.plan(&scheme);
            let (w1, c1) = (w0.elapsed().as_secs_f64(), cpu_seconds() - c0);
            let n = plan.num_checks();
            drop(plan);
            let (w2, c2) = (Instant::now(), cpu_seconds());
            let report = itsa::verify_scheme(&scheme, &model, &opts);
            let (w3, c3) = (w2.elapsed().as_secs_f64(), cpu_seconds() - c2);
            assert_eq!(report.verdict, Verdict::Verified);
            totals[side] += w1 + w3;
            println!(
                "round {round} {name:<9} model+plan {w1:>7.3} s wall {c1:>7.2} s cpu | verify {w3:>7.3} s wall {c3:>7.2} s cpu | {n} checks"
            );
        }
    }
    if totals[0] > 0.0 && totals[1] > 0.0 {
        println!(
            "total wall: compiled {:.3} s, declared {:.3} s, ratio declared/compiled = {:.3}",
            totals[0],
            totals[1],
            totals[1] / totals[0]
        );
    }
}
