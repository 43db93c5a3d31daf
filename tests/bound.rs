//! `itsa bound`: Shannon-type LP bounds with exactly verified certificates.
#![cfg(feature = "bound")]

use itsa::bound::certificate;
use itsa::bound::lp;
use itsa::bound::models;
use itsa::bound::problem::{Kind, Model};
use itsa::bound::{run, Query, Report, Status};
use num_rational::BigRational;

fn q(model: &Model, minimize: &str, restrict: Option<&str>, claim: Option<&str>) -> Query {
    Query {
        objective: model.parse_objective(minimize).unwrap(),
        objective_text: minimize.into(),
        keep: restrict.map(|r| model.parse_set(r).unwrap()),
        claim: claim.map(|c| c.parse().unwrap()),
        shorten: false,
    }
}

fn rat(s: &str) -> BigRational {
    s.parse().unwrap()
}

fn proved(r: &Report, value: &str) {
    assert_eq!(r.status, Status::Proved, "{r:#?}");
    assert_eq!(r.bound.as_deref(), Some(value), "{r:#?}");
    assert!(!r.proof.is_empty());
}

fn summation_claims(k: u32) {
    let m = models::summation(k).unwrap();
    for (obj, want) in [("X1", "1".to_string()), ("Z1", "1".into())] {
        proved(&run(&m, &q(&m, obj, None, None)).unwrap(), &want);
    }
    let zs: Vec<String> = (1..=k).map(|i| format!("Z{i}")).collect();
    let r = run(&m, &q(&m, &zs.join(","), None, None)).unwrap();
    proved(&r, &(k - 1).to_string());
    // The same through the rate, compared with the paper's K−1.
    let r = run(&m, &q(&m, "RZsum", None, None)).unwrap();
    proved(&r, &(k - 1).to_string());
    assert_eq!(r.paper.unwrap().comparison, "agrees (certified)");
    // A false claim: H(Z1..ZK) ≥ K is not provable (the LP optimum is K−1).
    let r = run(&m, &q(&m, "RZsum", None, Some(&k.to_string()))).unwrap();
    assert_eq!(r.status, Status::NotProvable, "{r:#?}");
    // … with an exactly checked feasible point at K−1 as evidence.
    let want = (k - 1).to_string();
    assert_eq!(r.witness_value.as_deref(), Some(want.as_str()), "{r:#?}");
}

#[test]
fn summation_k3() {
    summation_claims(3);
}

#[test]
fn summation_k4() {
    summation_claims(4);
}

/// Without the security constraint no key is needed: the bound on the keys collapses to 0,
/// so the claim K−1 must fail — the LP really uses the model's constraints.
#[test]
fn summation_without_security_proves_nothing_about_keys() {
    let mut m = models::summation(3).unwrap();
    m.constraints
        .retain(|c| !matches!(c.kind, Kind::Secret { .. }));
    let r = run(&m, &q(&m, "RZsum", None, Some("2"))).unwrap();
    assert_eq!(r.status, Status::NotProvable, "{r:#?}");
    assert!(r.lp_value.abs() < 1e-6);
}

/// A tampered certificate must not verify; the untampered one must.
#[test]
fn tampered_certificate_is_rejected() {
    let m = models::summation(3).unwrap();
    let p = m.restrict((1 << m.vars.len()) - 1);
    let lp = lp::build(&p, &m.parse_objective("RZsum").unwrap()).unwrap();
    let solved = lp::solve(&lp).unwrap();
    let cert = certificate::certify(&lp, &solved.duals).unwrap();
    assert_eq!(cert.bound, rat("2"));
    assert!(certificate::verify(&lp, &cert.weights, "again").is_ok());
    // Scaling one weight breaks the identity.
    let mut w = cert.weights.clone();
    w[0].1 = &w[0].1 * rat("2");
    assert!(certificate::verify(&lp, &w, "tampered").is_err());
    // Dropping a row breaks it too.
    let w: Vec<_> = cert.weights[1..].to_vec();
    assert!(certificate::verify(&lp, &w, "tampered").is_err());
    // A negative weight on an inequality is refused even if the identity held.
    let ineq = cert
        .weights
        .iter()
        .position(|(i, _)| !lp.rows[*i].equality)
        .unwrap();
    let mut w = cert.weights.clone();
    w[ineq].1 = -w[ineq].1.clone();
    assert!(certificate::verify(&lp, &w, "tampered").is_err());
}

#[test]
fn dropout_k3_u2_t0_restricted() {
    let m = models::dropout(3, 2, 0).unwrap();
    // R1 ≥ 1: announced set {1,2,3}, second-round answers of users 2 and 3.
    let r = run(
        &m,
        &q(
            &m,
            "R1",
            Some("W1,W2,W3,Z1,Z2,Z3,X1,X2,X3,Y2@123,Y3@123,S123"),
            None,
        ),
    )
    .unwrap();
    proved(&r, "1");
    assert!(r.dropped.contains(&"Y1@12".to_string()));
    // R2 ≥ 1/2: announced set {1,2} plus the sum of {1,3} (security for two sets); no keys.
    let r = run(
        &m,
        &q(
            &m,
            "R2",
            Some("W1,W2,W3,X1,X2,X3,Y1@12,Y2@12,S12,S13"),
            None,
        ),
    )
    .unwrap();
    proved(&r, "1/2");
    assert_eq!(r.paper.unwrap().comparison, "agrees (certified)");
}

/// Too few variables kept: the restricted LP is a weaker relaxation and cannot reach 1/2.
#[test]
fn dropout_over_restricted_is_not_provable() {
    let m = models::dropout(3, 2, 0).unwrap();
    let r = run(
        &m,
        &q(&m, "R2", Some("W1,W2,X1,X2,Y1@12,Y2@12,S12"), Some("1/2")),
    )
    .unwrap();
    assert_eq!(r.status, Status::NotProvable, "{r:#?}");
}

#[test]
fn unknown_variable_and_oversized_lp_are_usage_errors() {
    let m = models::dropout(3, 2, 0).unwrap();
    assert!(m.parse_set("W1,Q7").is_err());
    let all = q(&m, "R1", None, None);
    assert!(matches!(
        run(&m, &all),
        Err(itsa::bound::BoundError::TooLarge { .. })
    ));
}

fn cli(args: &[&str]) -> (i32, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_itsa"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn cli_summation_proof_and_false_claim() {
    let (code, out) = cli(&[
        "bound",
        "summation",
        "--users",
        "3",
        "--minimize",
        "RZsum",
        "--proof",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PROVED: RZsum ≥ 2"), "{out}");
    assert!(out.contains(" × I("), "{out}");
    let (code, out) = cli(&[
        "bound",
        "summation",
        "--users",
        "3",
        "--minimize",
        "RZsum",
        "--claim",
        "3",
        "--json",
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["status"], "not_provable");
    assert_eq!(v["bound"], "2");
    let (code, _) = cli(&["bound", "summation", "--users", "3", "--minimize", "Q1"]);
    assert_eq!(code, 2);
}

/// Multi-server U = V = 2: the LP bound on the source key next to min{U+V+T−2, UV−1}.
/// Achievability (models.md §3.3) caps any valid lower bound at the paper's value, so an LP
/// value above it would expose a modelling error; equal values must come with a certificate.
fn multi_server_case(t: u32, restrict: &str) -> Report {
    let m = models::multi_server(2, 2, t).unwrap();
    let r = run(&m, &q(&m, "RZS", Some(restrict), None)).unwrap();
    let paper = r.paper.clone().unwrap();
    let v: f64 = paper.value.parse().unwrap();
    assert!(
        r.lp_value <= v + 1e-6,
        "LP above the achievable rate: {r:#?}"
    );
    if paper.comparison.starts_with("agrees") {
        assert_eq!(r.status, Status::Proved);
        assert_eq!(r.bound.as_deref(), Some(paper.value.as_str()));
    } else {
        assert!(paper.comparison.starts_with("gap"), "{paper:?}");
    }
    r
}

#[test]
fn multi_server_2_2_t0() {
    let r = multi_server_case(0, MS_VARS);
    proved(&r, "2");
}

#[test]
fn multi_server_2_2_t1() {
    // With the keys of cluster 2 (the colluder's key can enter the conditioning): equal.
    proved(&multi_server_case(1, MS_VARS_T1), "3");
    // Without any individual key every collusion constraint is dropped: the LP falls to the
    // T = 0 value and the gap to the paper is reported.
    let r = multi_server_case(1, MS_VARS);
    proved(&r, "2");
    assert_eq!(
        r.paper.unwrap().comparison,
        "gap: paper − LP bound = 1 (paper above the certified LP bound)"
    );
}

const MS_VARS: &str = "W11,W12,W21,W22,ZS,X11,X12,X21,X22,Y1,Y2,S";
const MS_VARS_T1: &str = "W11,W12,W21,W22,Z21,Z22,ZS,X11,X12,X21,X22,Y1,Y2,S";

#[test]
fn rate_with_no_kept_message_is_a_usage_error() {
    let m = models::dropout(3, 2, 0).unwrap();
    let r = run(&m, &q(&m, "R2", Some("W1,W2,W3,X1,X2,X3,S12"), None));
    assert!(matches!(r, Err(itsa::bound::BoundError::Usage(_))), "{r:?}");
}

/// --shorten: a second LP finds a certificate of minimum total weight; it must still verify
/// exactly, prove the same bound, and be shorter than the vertex dual.
#[test]
fn shortened_certificate_verifies_and_is_shorter() {
    let m = models::dropout(3, 2, 0).unwrap();
    let mut query = q(
        &m,
        "R2",
        Some("W1,W2,W3,X1,X2,X3,Y1@12,Y2@12,S12,S13"),
        None,
    );
    let long = run(&m, &query).unwrap();
    query.shorten = true;
    let short = run(&m, &query).unwrap();
    proved(&short, "1/2");
    assert!(
        short.proof.len() < long.proof.len(),
        "{} vs {}",
        short.proof.len(),
        long.proof.len()
    );
}
