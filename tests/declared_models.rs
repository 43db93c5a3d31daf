//! Declared models against the compiled ones: for every spec in specs/ of a model that has a
//! shipped declaration, every construction on the test grids and the broken variants, the
//! declaration gives the same families, checks (sets and the blocks of every condition),
//! failure counts, printed counterexamples' sets, verdicts and rate statuses.

use std::sync::Arc;

use itsa::models::declared::{self, instance::LoadOptions, Declaration, Declared};
use itsa::models::Model;
use itsa::scheme::{read_spec, read_spec_str, Scheme};
use itsa::verify::{Condition, Options, Plan, Report};

fn opts() -> Options {
    Options {
        max_failures: 3,
        max_decoders: 0,
        progress: itsa::progress::Progress::none(),
    }
}

fn shipped(name: &str) -> Arc<Declaration> {
    Arc::new(declared::shipped(name).expect("shipped").expect("parses"))
}

/// Every check as text: its sets, then the condition's blocks (order-insensitive within a
/// conditioning list, which does not change the condition).
fn checks(plan: &Plan, inputs: usize) -> Vec<(String, usize, Vec<String>)> {
    // The sum of all inputs is labelled `ΣW` by some compiled models and `ΣW{1,…,n}` by
    // others (and the declarations): the same block.
    let all: Vec<String> = (1..=inputs).map(|i| i.to_string()).collect();
    let all = format!("{{{}}}", all.join(","));
    let label = |ids: &[u32]| -> Vec<String> {
        ids.iter()
            .map(|&i| {
                let l = &plan.blocks.get(i).label;
                match l.strip_suffix(&all) {
                    Some(base) if l.starts_with('Σ') => base.to_string(),
                    _ => l.clone(),
                }
            })
            .collect()
    };
    let mut out = Vec::new();
    for f in &plan.families {
        for c in &f.checks {
            let sets: Vec<String> = c.sets.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
            let cond = match &c.condition {
                Condition::Decodable { view, target } => {
                    let mut v = label(view);
                    v.sort();
                    format!("decode {:?} from {v:?}", label(target))
                }
                Condition::Secure { view, cond } => {
                    let (mut v, mut g) = (label(view), label(cond));
                    v.sort();
                    g.sort();
                    format!("secure from {v:?} given {g:?}")
                }
                Condition::Hidden { view, target } => {
                    let mut v = label(view);
                    v.sort();
                    format!("hidden {:?} from {v:?}", label(target))
                }
            };
            out.push((f.name.to_string(), 0, vec![sets.join(" "), cond]));
        }
    }
    out
}

fn summary(r: &Report) -> Vec<String> {
    let mut out = vec![format!("{:?}", r.verdict)];
    for f in &r.families {
        out.push(format!(
            "{} checks={} failures={}",
            f.name, f.checks, f.failures
        ));
        for e in &f.examples {
            let sets: Vec<String> = e
                .sets
                .iter()
                .map(|s| format!("{}={:?}", s.name, s.members))
                .collect();
            out.push(format!(
                "  {} {} deficit={:?} leak={:?} witnesses={}",
                e.kind,
                sets.join(" "),
                e.rank_deficit,
                e.leak_dimension,
                e.witnesses.len()
            ));
        }
    }
    if let Some(rates) = &r.rates {
        out.push(format!("alarm={}", rates.alarm));
        for l in &rates.lines {
            out.push(format!(
                "rate {} achieved={} optimal={:?} status={}",
                l.name, l.achieved, l.optimal, l.status
            ));
        }
    }
    out
}

/// Compare the compiled model of `s` with the shipped declaration `decl`.
fn same(s: &Scheme, decl: &str, what: &str) {
    let compiled = Model::from_scheme(s).unwrap_or_else(|e| panic!("{what}: {e}"));
    let declared = Declared::with_declaration(shipped(decl), s, LoadOptions::default())
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let declared = Model::Declared(Box::new(declared));
    assert_eq!(
        compiled.count_checks(),
        declared.count_checks(),
        "{what}: check counts"
    );
    let (pc, pd) = (compiled.plan(s), declared.plan(s));
    let names = |p: &Plan| -> Vec<(String, usize)> {
        p.families
            .iter()
            .map(|f| (f.name.to_string(), f.checks.len()))
            .collect()
    };
    assert_eq!(names(&pc), names(&pd), "{what}: families");
    let n = s.inputs().count();
    let (cc, cd) = (checks(&pc, n), checks(&pd, n));
    for (i, (a, b)) in cc.iter().zip(&cd).enumerate() {
        assert_eq!(a, b, "{what}: check {i}");
    }
    let rc = itsa::verify_scheme(s, &compiled, &opts());
    let rd = itsa::verify_scheme(s, &declared, &opts());
    assert_eq!(summary(&rc), summary(&rd), "{what}: reports");
}

#[test]
fn every_dropout_spec_agrees_with_the_declaration() {
    let mut n = 0;
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let s = read_spec(&path).unwrap();
        if s.model == "dropout" {
            same(&s, "dropout", &path.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 4, "only {n} dropout specs found");
}

#[test]
fn every_multi_server_spec_agrees_with_the_declaration() {
    let mut n = 0;
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let s = read_spec(&path).unwrap();
        if s.model == "multi-server" {
            same(&s, "multi-server", &path.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 2, "only {n} multi-server specs found");
}

#[test]
fn multi_server_construction_grid_agrees_with_the_declaration() {
    use itsa::construct::SplitMix64;
    use itsa::models::multi_server::{construct_draw, construct_params, optimal_key_dim};
    // The grid of tests/constructions.rs: the optimal key dimension and one below it (broken).
    let mut n = 0;
    for u in 1..=3u32 {
        for v in 1..=3u32 {
            if u * v < 2 {
                continue;
            }
            for t in 0..u * v {
                let p = construct_params(u, v, t, None).unwrap();
                let opt = optimal_key_dim(u, v, t);
                for dim in [opt, opt - 1] {
                    if dim == 0 {
                        continue;
                    }
                    let spec = construct_draw(u, v, t, p, dim, &mut SplitMix64(1));
                    let s = read_spec_str(&spec, "<constructed>").unwrap();
                    same(
                        &s,
                        "multi-server",
                        &format!("U={u} V={v} T={t} key dimension {dim}"),
                    );
                    n += 1;
                }
            }
        }
    }
    assert!(n >= 60, "{n}");
}

#[test]
fn every_hierarchical_spec_agrees_with_the_declaration() {
    let mut n = 0;
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let s = read_spec(&path).unwrap();
        if s.model == "hierarchical" {
            same(&s, "hierarchical", &path.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 3, "only {n} hierarchical specs found");
}

#[test]
fn hierarchical_construction_grid_agrees_with_the_declaration() {
    use itsa::construct::SplitMix64;
    use itsa::models::hierarchical::{construct_draw, construct_params};
    // The grid of tests/constructions.rs (2 ≤ K ≤ 7, 1 ≤ d < K, 0 ≤ s < d): the optimal key
    // dimension max(d, K−d) and one below it (broken).
    let mut n = 0;
    for k in 2..=7u32 {
        for d in 1..k {
            for s_ in 0..d {
                let p = construct_params(k, d, s_, None).unwrap();
                let opt = d.max(k - d);
                for dim in [opt, opt - 1] {
                    if dim == 0 {
                        continue;
                    }
                    let spec = construct_draw(k, d, s_, p, dim, &mut SplitMix64(1));
                    let s = read_spec_str(&spec, "<constructed>").unwrap();
                    same(
                        &s,
                        "hierarchical",
                        &format!("K={k} d={d} s={s_} key dimension {dim}"),
                    );
                    n += 1;
                }
            }
        }
    }
    assert!(n >= 30, "{n}");
}

#[test]
fn dropout_construction_grid_agrees_with_the_declaration() {
    use itsa::models::dropout::construct_spec;
    // The grid of tests/constructions.rs: 2 ≤ K ≤ 6, 1 ≤ U < K, 0 ≤ T < U.
    for k in 2..=6u32 {
        for u in 1..k {
            for t in 0..u {
                let spec = construct_spec(k, u, t, None).unwrap();
                let s = read_spec_str(&spec, "<constructed>").unwrap();
                same(&s, "dropout", &format!("K={k} U={u} T={t}"));
            }
        }
    }
}

#[test]
fn broken_dropout_variants_agree_with_the_declaration() {
    use itsa::models::dropout::construct_spec;
    for (k, u, t) in [(3, 2, 1), (4, 3, 1), (5, 3, 2)] {
        // the T = 0 design (no noise symbols), declared against T colluders
        let spec = construct_spec(k, u, 0, None)
            .unwrap()
            .replace("colluders = 0", &format!("colluders = {t}"));
        let s = read_spec_str(&spec, "<broken>").unwrap();
        same(&s, "dropout", &format!("broken K={k} U={u} T={t}"));
        let r = itsa::verify_scheme(
            &s,
            &Model::Declared(Box::new(
                Declared::with_declaration(shipped("dropout"), &s, LoadOptions::default()).unwrap(),
            )),
            &opts(),
        );
        assert!(r.family("security").unwrap().failures > 0);
    }
}
