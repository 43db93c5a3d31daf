//! Multi-server secure aggregation with user collusion (Li, Zhang, Wan, Sun, Ji, Caire;
//! seed 000; models.md §3.1–3.2). Only the rate region for now (`itsa region multi-server`).
//!
//! U servers, V users per server; each user talks only to its server, the servers exchange
//! messages and every server decodes the global sum; any one server may collude with up to
//! T users.

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::region::{int, pick, Bound, Extremum, Region, RegionError, Source};

pub const REGION_SOURCE: Source = Source {
    paper: "Li, Zhang, Wan, Sun, Ji, Caire, \"Optimal Rate Region for Multi-server Secure \
            Aggregation with User Collusion\", arXiv 2601.06836",
    in_seeds: true,
    origin: "seed 000",
    section: "models.md §3.2",
    status: "region RESTORED from the abstract; system model RECONSTRUCTED; the paper's own \
             parameter range UNKNOWN (calculator: U, V ≥ 1, UV ≥ 2, 0 ≤ T ≤ UV−1)",
};

/// R_X ≥ 1, R_Y ≥ 1, R_Z ≥ 1, R_ZΣ ≥ min{U+V+T−2, UV−1}, reporting which branch binds.
/// Range: U ≥ 1 servers, V ≥ 1 users per server, UV ≥ 2, 0 ≤ T ≤ UV−1.
pub fn region(servers: u64, users_per_server: u64, colluders: u64) -> Result<Region, RegionError> {
    let (u, v, t) = (servers, users_per_server, colluders);
    if u == 0 {
        return Err(RegionError::param(
            "servers",
            "U must be at least 1, found 0",
        ));
    }
    if v == 0 {
        return Err(RegionError::param(
            "users-per-server",
            "V must be at least 1, found 0",
        ));
    }
    let (bu, bv, bt) = (BigInt::from(u), BigInt::from(v), BigInt::from(t));
    let users = &bu * &bv;
    if users < BigInt::from(2) {
        return Err(RegionError::param(
            "users-per-server",
            "U = V = 1 is a single user, who has nothing to aggregate or hide: UV must be at least 2",
        ));
    }
    if bt >= users {
        return Err(RegionError::param(
            "colluders",
            format!("T must be in 0..=UV−1 = 0..={}, found {t}", &users - 1),
        ));
    }
    let reference = "Li et al., main result (abstract)";
    let one = |name: &str| Bound::new(name, name, int(1), "1", "1", reference);
    let first = BigRational::from_integer(&bu + &bv + &bt - 2);
    let second = BigRational::from_integer(&users - 1);
    let (value, binding) = pick(Extremum::Min, ("U+V+T−2", first), ("UV−1", second));
    let meet = (&bu - 1) * (&bv - 1);
    let source_key = Bound::new(
        "R_ZΣ",
        "R_{Z_\\Sigma}",
        value,
        "min{U+V+T−2, UV−1}",
        "\\min\\{U+V+T-2,\\; UV-1\\}",
        reference,
    )
    .with_binding(binding.clone());
    let mut notes = vec![
        format!(
            "R_ZΣ: {} binds; the branches meet at T = (U−1)(V−1) = {meet} \
             (below it U+V+T−2 binds, above it UV−1: all keys independent except the zero-sum)",
            binding.branch
        ),
        "rates in symbols per input symbol: R_X user→server, R_Y server→server, \
         R_Z individual key, R_ZΣ source key"
            .into(),
        "achieved by random zero-sum keys of dimension R_ZΣ (models.md §3.3; verified for 17 (U,V,T) triples)"
            .into(),
        "model RECONSTRUCTED from the abstract: every server decodes the global sum".into(),
    ];
    if u == 1 {
        notes.push(
            "U = 1: single-server secure aggregation of V users; there is no server-to-server hop, \
             so the R_Y bound is vacuous"
                .into(),
        );
    }
    Ok(Region::Feasible {
        bounds: vec![one("R_X"), one("R_Y"), one("R_Z"), source_key],
        achievable: vec![],
        notes,
        warnings: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source_key(u: u64, v: u64, t: u64) -> (String, String, bool) {
        let r = region(u, v, t).unwrap();
        let b = r.bound("R_ZΣ").unwrap();
        let bd = b.binds.clone().unwrap();
        (b.value.to_string(), bd.branch, bd.tie)
    }

    #[test]
    fn first_branch_binds_below_the_meeting_point() {
        assert_eq!(source_key(3, 4, 2), ("7".into(), "U+V+T−2".into(), false));
        assert_eq!(source_key(3, 4, 0), ("5".into(), "U+V+T−2".into(), false));
    }

    #[test]
    fn second_branch_binds_above_the_meeting_point() {
        assert_eq!(source_key(3, 4, 9), ("11".into(), "UV−1".into(), false));
        assert_eq!(source_key(3, 4, 11), ("11".into(), "UV−1".into(), false));
    }

    #[test]
    fn branches_tie_at_t_equal_u_minus_1_times_v_minus_1() {
        assert_eq!(
            source_key(3, 4, 6),
            ("11".into(), "U+V+T−2 = UV−1".into(), true)
        );
        // Sanity checks of models.md §3.2: U = 1 gives V−1, V = 1 gives U−1.
        assert_eq!(source_key(1, 5, 0).0, "4");
        assert_eq!(source_key(1, 5, 3).0, "4");
        assert_eq!(source_key(6, 1, 2).0, "5");
    }

    #[test]
    fn communication_and_individual_key_rates_are_one() {
        let r = region(3, 4, 2).unwrap();
        for name in ["R_X", "R_Y", "R_Z"] {
            assert_eq!(r.bound(name).unwrap().value, int(1), "{name}");
        }
        let one_server = region(1, 4, 0).unwrap();
        let Region::Feasible { notes, .. } = one_server else {
            panic!()
        };
        assert!(notes.iter().any(|n| n.contains("R_Y bound is vacuous")));
    }

    #[test]
    fn bad_parameters_are_errors_with_a_reason() {
        let err = |u, v, t| region(u, v, t).err().unwrap().to_string();
        assert!(err(0, 4, 0).starts_with("--servers:"));
        assert!(err(3, 0, 0).starts_with("--users-per-server:"));
        assert!(err(1, 1, 0).contains("UV must be at least 2"));
        assert_eq!(
            err(3, 4, 12),
            "--colluders: T must be in 0..=UV−1 = 0..=11, found 12"
        );
    }

    #[test]
    fn huge_parameters_do_not_overflow() {
        let r = region(u64::MAX, u64::MAX, u64::MAX).unwrap();
        let v = &r.bound("R_ZΣ").unwrap().value;
        assert_eq!(
            *v,
            BigRational::from_integer(BigInt::from(u64::MAX) * 3 - 2)
        );
    }
}
