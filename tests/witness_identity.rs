//! A printed witness must be an identity over the rows: Σ coef·row (view and known rows)
//! equals the revealed input combination, which has no key part and is not implied by the
//! known rows. Checked for every failure of the broken specs.

use std::collections::HashMap;
use std::path::PathBuf;

use itsa::verify::{self, Options, Space};

/// The row each printed label names: labels are the blocks' row labels (a spec name such as
/// `Y[1]{1,3}` for a row of a stacked variable, else `X[1]` or `X[1](j)`). A label that
/// would name two different rows is an error.
fn rows_by_label(plan: &verify::Plan, labels: &[String]) -> HashMap<String, Vec<u32>> {
    let mut all: HashMap<String, Vec<u32>> = HashMap::new();
    for b in plan.blocks.iter() {
        for (label, row) in b.row_labels().into_iter().zip(b.dense_rows()) {
            if let Some(old) = all.insert(label.clone(), row.clone()) {
                assert_eq!(old, row, "label {label} names two different rows");
            }
        }
    }
    labels
        .iter()
        .map(|l| {
            let row = all.get(l).unwrap_or_else(|| panic!("no row labelled {l}"));
            (l.clone(), row.clone())
        })
        .collect()
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

#[test]
fn witnesses_name_rows_of_stacked_variables_by_their_spec_names() {
    // R[k] = ["Z[k]", "Y[k]{…}", …] in this spec: a colluder's known share is printed as the
    // variable it is, Y[1]{1,3}, not as a component R[1](j) of the stack.
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/broken-example1-against-t1.toml");
    let (scheme, model) = itsa::load(&path).unwrap();
    let report = itsa::verify_scheme(
        &scheme,
        &model,
        &Options {
            max_failures: 1000,
            ..Options::default()
        },
    );
    let rows: Vec<&str> = report
        .families
        .iter()
        .flat_map(|f| &f.examples)
        .flat_map(|e| &e.witnesses)
        .flat_map(|w| w.known.iter().chain(&w.combination))
        .map(|t| t.row.as_str())
        .collect();
    assert!(rows.iter().any(|r| r.starts_with("Y[1]{")), "{rows:?}");
    assert!(!rows.iter().any(|r| r.starts_with("R[")), "{rows:?}");
}

#[test]
fn a_locality_failure_is_worded_as_one() {
    // User 1's message uses user 2's key: not a function of what user 1 holds.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs/zhao-sun-example1.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen(
        "\"X[1]\" = \"W[1] + Z[1]\"",
        "\"X[1]\" = \"W[1] + Z[2]\"",
        1,
    );
    assert_ne!(broken, text);
    let (scheme, model) = itsa::load_str(&broken, "broken.toml").unwrap();
    let report = itsa::verify_scheme(&scheme, &model, &Options::default());
    let out = verify::render_text(&report);
    let fam = report.family("locality").unwrap();
    assert!(fam.failures >= 1, "{out}");
    assert!(
        out.contains("not local: the message is not a function of what its sender holds"),
        "{out}"
    );
    assert!(
        out.contains("X[1](1) is not computable by its sender"),
        "{out}"
    );
    assert!(
        !out.contains("target not decodable, rank deficit 1\n         X[1]"),
        "{out}"
    );
}
