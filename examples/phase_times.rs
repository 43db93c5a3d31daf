//! Time the phases of `itsa verify` on one spec: `cargo run --release --example phase_times SPEC`.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: phase_times SPEC");
    let t = Instant::now();
    let scheme = itsa::scheme::read_spec(std::path::Path::new(&path)).expect("spec reads");
    println!("read spec      {:>8.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let model = itsa::models::Model::from_scheme(&scheme).expect("model validates");
    println!("validate model {:>8.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let plan = model.plan(&scheme);
    println!(
        "build plan     {:>8.3} s  ({} checks)",
        t.elapsed().as_secs_f64(),
        plan.num_checks()
    );
    let t = Instant::now();
    let out = itsa::verify::evaluate(
        itsa::verify::Space::of(&scheme),
        &plan,
        &itsa::progress::Progress::none(),
    );
    println!("evaluate       {:>8.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let _ = model.rates(&scheme, out.iter().flatten().all(|&o| o == 0));
    println!("rates          {:>8.3} s", t.elapsed().as_secs_f64());
}
