//! A printed witness must be an identity over the rows: Σ coef·row (view and known rows)
//! equals the revealed input combination, which has no key part and is not implied by the
//! known rows. Checked for every failure of the broken specs.

use std::collections::HashMap;
use std::path::PathBuf;

use itsa::verify::{self, Options, Space};

fn rows_by_label(plan: &verify::Plan, labels: &[String]) -> HashMap<String, Vec<u32>> {
    let mut m = HashMap::new();
    for l in labels {
        let (block, j) = match l.strip_suffix(')').and_then(|x| x.rsplit_once('(')) {
            Some((b, j)) => (b.to_string(), j.parse::<usize>().unwrap() - 1),
            None => (l.clone(), 0),
        };
        let id = plan
            .blocks
            .id(&block)
            .unwrap_or_else(|| panic!("no block {block}"));
        m.insert(l.clone(), plan.blocks.get(id).dense_row(j));
    }
    m
}

#[test]
fn every_leak_witness_is_an_exact_identity() {
    for name in [
        "weng-seed003-printed.toml",
        "broken-example1-against-t1.toml",
    ] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("specs")
            .join(name);
        let (scheme, model) = itsa::load(&path).unwrap();
        let plan = model.plan(&scheme);
        let opts = Options {
            max_failures: 1000,
            ..Options::default()
        };
        let report = verify::run(&scheme, &plan, model.header(&scheme), &opts);
        let f = scheme.field;
        let space = Space::of(&scheme);
        let mut seen = 0;
        for fam in &report.families {
            for e in fam.examples.iter().filter(|e| e.kind == "leak") {
                for w in &e.witnesses {
                    let labels: Vec<String> = w
                        .combination
                        .iter()
                        .chain(&w.known)
                        .map(|t| t.row.clone())
                        .collect();
                    let rows = rows_by_label(&plan, &labels);
                    let mut acc = vec![0u32; scheme.num_columns];
                    for t in w.combination.iter().chain(&w.known) {
                        f.axpy(&mut acc, t.coef, &rows[&t.row]);
                    }
                    assert_eq!(acc, w.reveals_row, "{name}: identity");
                    assert!(
                        acc[..scheme.input_start].iter().all(|&v| v == 0),
                        "keys cancel"
                    );
                    assert!(!w.combination.is_empty());
                    // not implied by the known rows alone
                    let known: Vec<Vec<u32>> =
                        w.known.iter().map(|t| rows[&t.row].clone()).collect();
                    assert_eq!(
                        space.leakage(&[acc.clone()], &known),
                        1,
                        "{name}: real leak"
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen >= 11, "{name}: {seen} witnesses checked");
    }
}
