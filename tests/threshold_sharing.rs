//! Threshold key-sharing (issue 5): the seed's thresholds reproduced by exhaustive
//! verification of the constructed skeletons, the attack report, the region table, and
//! mutations that must be caught.

use std::collections::HashMap;
use std::process::{Command, Output};

use itsa::models::threshold_sharing::{construct_spec, Protocol};
use itsa::models::Model;
use itsa::scheme::read_spec_str;
use itsa::verify::{self, Condition, Options, Space};

fn load(spec: &str) -> (itsa::scheme::Scheme, Model) {
    let s = read_spec_str(spec, "<test>").expect("constructed spec reads back");
    let m = Model::from_scheme(&s).expect("constructed spec fits the model");
    (s, m)
}

/// For each |C|: does the family have a failing check whose corrupted set has that size?
fn failing_by_corrupted_size(
    plan: &verify::Plan,
    outcomes: &[Vec<u32>],
    family: &str,
) -> HashMap<usize, bool> {
    let i = plan
        .families
        .iter()
        .position(|f| f.name == family)
        .expect("family exists");
    let mut by = HashMap::new();
    for (c, &o) in plan.families[i].checks.iter().zip(&outcomes[i]) {
        let size = c
            .sets
            .iter()
            .find(|(n, _)| *n == "C")
            .expect("C set")
            .1
            .len();
        *by.entry(size).or_insert(false) |= o != 0;
    }
    by
}

/// Plan of the skeleton with only the named families; for n ≥ `prefix_from` only the
/// corrupted sets {1..|C|} are kept (all clients play symmetric roles, models.md §5.6).
fn evaluate(
    protocol: Protocol,
    (n, t, c): (u32, u32, u32),
    families: &[&str],
    prefix_from: u32,
) -> (verify::Plan, Vec<Vec<u32>>) {
    let spec = construct_spec(protocol, n, t, c, 1, None).unwrap();
    let (s, m) = load(&spec);
    let mut plan = m.plan(&s);
    plan.families.retain(|f| families.contains(&f.name));
    if n >= prefix_from {
        for f in &mut plan.families {
            f.checks.retain(|ch| {
                ch.sets
                    .iter()
                    .all(|(name, set)| *name != "C" || set.iter().copied().eq(1..=set.len() as u32))
            });
        }
    }
    let out = verify::evaluate(Space::of(&s), &plan, &itsa::progress::Progress::none());
    (plan, out)
}

/// Every (n, t) of the grid: passive security iff |C| < t (checked for every |C| ≤ t, all
/// corrupted sets), active attack iff n + |C| ≥ 2t (every |C| leaving ≥ 2 honest clients;
/// all corrupted sets below n = `prefix_from`, the first |C| clients from there on);
/// correctness and locality always. Debug builds are slow, hence the symmetry reduction.
fn grid(protocol: Protocol, max_n: u32, prefix_from: u32) {
    for n in 3..=max_n {
        for t in 2..=n {
            let bound = t.min(n - 1);
            let families = ["locality", "correctness", "passive-security"];
            let (plan, out) = evaluate(protocol, (n, t, bound), &families, u32::MAX);
            for (f, o) in plan.families.iter().zip(&out) {
                if f.name == "locality" || f.name == "correctness" {
                    assert!(
                        o.iter().all(|&x| x == 0),
                        "{protocol:?} n={n} t={t} {}",
                        f.name
                    );
                }
            }
            let passive = failing_by_corrupted_size(&plan, &out, "passive-security");
            for c in 0..=bound as usize {
                assert_eq!(
                    passive[&c],
                    c >= t as usize,
                    "{protocol:?} passive n={n} t={t} |C|={c}"
                );
            }
            let (plan, out) = evaluate(protocol, (n, t, n - 1), &["active-security"], prefix_from);
            let active = failing_by_corrupted_size(&plan, &out, "active-security");
            for c in 0..=(n as usize - 2) {
                assert_eq!(
                    active[&c],
                    n as usize + c >= 2 * t as usize,
                    "{protocol:?} active n={n} t={t} |C|={c}"
                );
            }
            assert!(
                !active.contains_key(&(n as usize - 1)),
                "one honest client is excluded"
            );
        }
    }
}

/// The check-count estimate (used for the --force limit) equals the plan, for every bound.
#[test]
fn check_count_estimate_equals_the_plan() {
    for protocol in [Protocol::Tjl, Protocol::Bonawitz] {
        for n in 3..=5 {
            for t in 1..=n {
                for c in 0..n {
                    let spec = construct_spec(protocol, n, t, c, 1, None).unwrap();
                    let (s, m) = load(&spec);
                    assert_eq!(
                        m.count_checks(),
                        m.plan(&s).num_checks() as u128,
                        "n={n} t={t} c={c}"
                    );
                }
            }
        }
    }
}

#[test]
fn tjl_thresholds_match_the_seed_for_n_up_to_7() {
    grid(Protocol::Tjl, 7, 6);
}

#[test]
fn bonawitz_thresholds_match_for_n_up_to_5() {
    grid(Protocol::Bonawitz, 5, 5);
}

fn itsa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .expect("run itsa")
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn region_for_seven_clients_gives_four_and_five() {
    // One exhaustive run (debug builds are slow); the text rendering is checked below.
    let o = itsa(&["region", "threshold-sharing", "--clients", "7", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["passive_min"], 4);
    assert_eq!(v["active_min"], 5);
    assert_eq!(v["rows"][1]["threshold"], 3);
    assert!(v["rows"][1]["passive_failures"].as_u64().unwrap() > 0);
    assert_eq!(v["rows"][2]["passive_failures"], 0);
    assert_eq!(v["rows"][2]["threshold"], 4);
    assert!(v["rows"][2]["active_failures"].as_u64().unwrap() > 0);
    assert_eq!(v["rows"][3]["active_failures"], 0);
    // Out of range n is a usage error, not a panic.
    assert_eq!(
        itsa(&["region", "threshold-sharing", "--clients", "2"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        itsa(&["region", "threshold-sharing", "--sweep", "users=3..4"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn region_text_names_the_table_and_the_seed_claims() {
    let o = itsa(&["region", "threshold-sharing", "--clients", "4"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o);
    assert!(out.contains("not a rate region"), "{out}");
    assert!(
        out.contains("smallest secure t (verified):  passive t ≥ 3   active t ≥ 3"),
        "{out}"
    );
    assert!(out.contains("t > 2n/3 → t ≥ 3 (agrees)"), "{out}");
    let table = itsa::region::threshold::table(
        Protocol::Bonawitz,
        4,
        Some(11),
        &itsa::progress::Progress::none(),
    )
    .unwrap();
    assert_eq!(
        (table.passive_min, table.active_min, table.prime),
        (Some(3), Some(3), 11)
    );
    assert!(itsa::region::threshold::text(&table).contains("Bonawitz"));
}

#[test]
fn region_sweep_agrees_with_the_seed() {
    let o = itsa(&[
        "region",
        "threshold-sharing",
        "--sweep",
        "clients=3..6",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema_version"], itsa::SCHEMA_VERSION);
    for (i, n) in (3..=6u64).enumerate() {
        assert_eq!(v["tables"][i]["passive_min"], n / 2 + 1, "n={n}");
        assert_eq!(v["tables"][i]["active_min"], 2 * n / 3 + 1, "n={n}");
    }
}

/// Block and row index of a witness row label: `Z[3]{3}` or `S[1](7)`.
fn row_of(plan: &verify::Plan, label: &str) -> (verify::BlockId, usize) {
    if let Some(id) = plan.blocks.id(label) {
        return (id, 0);
    }
    let (b, j) = label
        .strip_suffix(')')
        .and_then(|x| x.rsplit_once('('))
        .expect("a multi-row label");
    (
        plan.blocks.id(b).expect("known block"),
        j.parse::<usize>().unwrap() - 1,
    )
}

/// The n = 6, t = 4 report names the split and recovers the target's input, and the printed
/// combination is an exact identity over the rows.
#[test]
fn active_attack_report_for_six_clients_threshold_four() {
    let o = itsa(&[
        "construct",
        "threshold-sharing",
        "--clients",
        "6",
        "--threshold",
        "4",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the attack makes the scheme violated"
    );
    let out = text(&o);
    assert!(
        out.contains("FAIL C={1,2} target={3} told-u-failed={3,4} told-u-online={5,6}"),
        "{out}"
    );
    assert!(out.contains("= x[3]   (recovered)"), "{out}");
    assert!(
        out.contains("passive-security      484 checks        0 failed"),
        "{out}"
    );

    let spec = construct_spec(Protocol::Tjl, 6, 4, 2, 1, None).unwrap();
    let (s, m) = load(&spec);
    let plan = m.plan(&s);
    let opts = Options {
        max_failures: 50,
        ..Options::default()
    };
    let report = verify::run(&s, &plan, m.header(&s), &opts);
    let fam = report.family("active-security").unwrap();
    assert!(!fam.examples.is_empty());
    for e in &fam.examples {
        assert_eq!(e.kind, "revealed");
        let target = e.sets.iter().find(|l| l.name == "target").unwrap().members[0];
        let w = &e.witnesses[0];
        assert_eq!(w.reveals, format!("x[{target}]"));
        let mut acc = vec![0u32; s.num_columns];
        for t in &w.combination {
            let (id, j) = row_of(&plan, &t.row);
            s.field
                .axpy(&mut acc, t.coef, &plan.blocks.get(id).dense_row(j));
        }
        assert_eq!(acc, w.reveals_row, "witness is an identity");
        // The combination uses only rows the adversary has: the honest clients' answers of the
        // split, the masked inputs and the corrupted clients' shares.
        let check = plan.families[3]
            .checks
            .iter()
            .find(|c| {
                c.sets
                    .iter()
                    .zip(&e.sets)
                    .all(|((n, m), l)| *n == l.name && *m == l.members)
            })
            .unwrap();
        let Condition::Hidden { view, .. } = &check.condition else {
            panic!("active checks are Hidden conditions")
        };
        for t in &w.combination {
            assert!(
                view.contains(&row_of(&plan, &t.row).0),
                "{} is in the view",
                t.row
            );
        }
    }
}

/// A blinding-free variant (y[1] = x[1] + k[1]) leaks to the passive server: with client 1
/// reported failed, the zero-value of {1} unmasks its late packet.
#[test]
fn dropping_the_blinding_seed_is_caught_with_the_leaked_input() {
    let spec = construct_spec(Protocol::Tjl, 4, 3, 0, 1, None).unwrap();
    let broken = spec.replace(
        "\"y[1]\" = \"x[1] + b[1] + k[1]\"",
        "\"y[1]\" = \"x[1] + k[1]\"",
    );
    assert_ne!(spec, broken, "mutation applied");
    let (s, m) = load(&spec);
    assert_eq!(
        itsa::verify_scheme(&s, &m, &Options::default()).verdict,
        verify::Verdict::Verified
    );
    let (s, m) = load(&broken);
    let r = itsa::verify_scheme(&s, &m, &Options::default());
    let fam = r.family("passive-security").unwrap();
    assert!(fam.failures > 0);
    let e = &fam.examples[0];
    assert_eq!(
        e.sets[1].members,
        vec![2, 3, 4],
        "O = everybody but client 1"
    );
    assert_eq!(e.witnesses[0].reveals, "x[1]");
    // Correctness does not need b: the sum of the online clients still decodes.
    assert_eq!(r.family("correctness").unwrap().failures, 0);
}

/// A wrong Shamir share breaks correctness (some responder sets no longer decode).
#[test]
fn a_corrupted_share_breaks_correctness() {
    let spec = construct_spec(Protocol::Tjl, 4, 2, 0, 1, None).unwrap();
    let broken = spec.replace(
        "\"Sb[1,2]\" = \"b[1] + 2 ab[1,1]\"",
        "\"Sb[1,2]\" = \"b[1] + 3 ab[1,1]\"",
    );
    assert_ne!(spec, broken, "mutation applied");
    let (s, m) = load(&broken);
    let r = itsa::verify_scheme(&s, &m, &Options::default());
    let c = r.family("correctness").unwrap();
    assert!(c.failures > 0);
    assert_eq!(c.examples[0].kind, "not-decodable");
}

#[test]
fn spec_errors_are_located() {
    let spec = construct_spec(Protocol::Tjl, 3, 2, 1, 1, None).unwrap();
    let missing = spec
        .lines()
        .filter(|l| !l.starts_with("\"Z[2]{1}\""))
        .collect::<Vec<_>>()
        .join("\n");
    let s = read_spec_str(&missing, "<test>").unwrap();
    let e = Model::from_scheme(&s).unwrap_err().to_string();
    assert!(e.contains("missing `Z[2]{1}`"), "{e}");
    let bad = spec.replace("threshold = 2", "threshold = 4");
    let s = read_spec_str(&bad, "<test>").unwrap();
    let e = Model::from_scheme(&s).unwrap_err().to_string();
    assert!(e.contains("threshold (t) must be in 1..=n=3"), "{e}");
    for (args, why) in [
        (vec!["--clients", "4", "--threshold", "5"], "t > n"),
        (
            vec!["--clients", "4", "--threshold", "2", "--prime", "3"],
            "p ≤ n",
        ),
        (
            vec!["--clients", "4", "--threshold", "2", "--corrupted", "4"],
            "no honest client",
        ),
    ] {
        let mut all = vec!["construct", "threshold-sharing"];
        all.extend(args);
        assert_eq!(itsa(&all).status.code(), Some(2), "{why}");
    }
}

/// Communication counted from the messages: TJL client = m (y) + (n−1)m (seed shares) +
/// n·m (round-2 seed shares, nobody failed) = (2n)m; with one failure the zero-value share
/// replaces one seed share, so the worst case is the same.
#[test]
fn communication_is_counted_from_the_messages() {
    for (n, m) in [(4u32, 1usize), (5, 3)] {
        let spec = construct_spec(Protocol::Tjl, n, n - 1, 1, m, None).unwrap();
        let (s, model) = load(&spec);
        let r = model.rates(&s, true);
        let client = r.lines.iter().find(|l| l.name == "client").unwrap();
        assert_eq!(client.achieved, (2 * n as usize * m).to_string());
        assert!(client.status.contains("O(n + m)"));
        let server = r.lines.iter().find(|l| l.name == "server").unwrap();
        let forwarded = (n * (n - 1)) as usize * m;
        assert_eq!(
            server.achieved,
            (n as usize * 2 * n as usize * m + forwarded).to_string()
        );
    }
}
