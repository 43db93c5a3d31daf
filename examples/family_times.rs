//! Time each check family of a spec separately: `cargo run --release --example family_times SPEC`.
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: family_times SPEC");
    let (scheme, model) = itsa::load(std::path::Path::new(&path)).expect("spec loads");
    let plan = model.plan(&scheme);
    let space = itsa::verify::Space::of(&scheme);
    for f in &plan.families {
        let one = itsa::verify::Plan {
            blocks: plan.blocks.clone(),
            families: vec![f.clone()],
        };
        let t = Instant::now();
        let out = itsa::verify::evaluate(space, &one, &itsa::progress::Progress::none());
        let failed = out[0].iter().filter(|&&o| o != 0).count();
        println!(
            "{:<20} {:>8} checks {:>4} failed {:>9.3} s",
            f.name,
            f.checks.len(),
            failed,
            t.elapsed().as_secs_f64()
        );
    }
}
