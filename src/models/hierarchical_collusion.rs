//! Hierarchical secure aggregation with user collusion (Zhang, Wan, Sun, Wang, Ji, Caire,
//! arXiv 2410.14035; IEEE T-IT 2026). A result from OUTSIDE the project's seed papers,
//! RECALLED in docs/models.md#related-regions (not retrieved). Only the rate region for now
//! (`itsa region hierarchical-collusion`).
//!
//! One server, U relays, V users per relay. Relay security: a relay, with up to T colluding
//! users, learns nothing about the inputs; server security: the server, with up to T
//! colluding users, learns nothing beyond the sum.

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::region::{int, pick, Binding, Bound, Extremum, Region, RegionError, Source};

pub const REGION_SOURCE: Source = Source {
    paper:
        "Zhang, Wan, Sun, Wang, Ji, Caire, \"Optimal Communication and Key Rate Region for \
            Hierarchical Secure Aggregation with User Collusion\", arXiv 2410.14035, IEEE T-IT 2026",
    in_seeds: false,
    origin: "outside the seeds",
    section: "docs/models.md#related-regions",
    status:
        "region RECALLED from memory, not retrieved (consistent with rank checks for 10 (U,V,T) \
             triples); the infeasibility condition T ≥ (U−1)V is derived here from the model, \
             not taken from the paper",
};

/// R_X ≥ 1, R_Y ≥ 1, R_Z ≥ 1, R_ZΣ ≥ max{V+T, min{U+T−1, UV−1}}, for T < (U−1)V;
/// infeasible for T ≥ (U−1)V (which includes U = 1). Range: U, V ≥ 1, 0 ≤ T ≤ UV.
pub fn region(relays: u64, users_per_relay: u64, colluders: u64) -> Result<Region, RegionError> {
    let (u, v, t) = (relays, users_per_relay, colluders);
    if u == 0 {
        return Err(RegionError::param(
            "relays",
            "U must be at least 1, found 0",
        ));
    }
    if v == 0 {
        return Err(RegionError::param(
            "users-per-relay",
            "V must be at least 1, found 0",
        ));
    }
    let (bu, bv, bt) = (BigInt::from(u), BigInt::from(v), BigInt::from(t));
    let users = &bu * &bv;
    if bt > users {
        return Err(RegionError::param(
            "colluders",
            format!("T must be in 0..=UV = 0..={users} (there are only UV users), found {t}"),
        ));
    }
    let others = (&bu - 1) * &bv;
    if bt >= others {
        let reason = if u == 1 {
            "U = 1: the server decodes the sum from the only relay's message, so that relay \
             learns the sum itself, violating relay security"
                .to_string()
        } else {
            format!(
                "T = {t} ≥ (U−1)V = {others}: when the colluders are all users of the other relays, \
                 a relay together with them can compute every other relay's message and so decode \
                 the sum of its own users' inputs, violating relay security"
            )
        };
        return Ok(Region::Infeasible {
            reason: format!(
                "{reason} (derived from the model of docs/models.md#related-regions; the recalled formula would \
                 still give finite numbers here)"
            ),
            condition: "T ≥ (U−1)V".into(),
            latex: "T \\ge (U-1)V".into(),
        });
    }
    let reference = "Zhang et al., arXiv 2410.14035, main result (recalled)";
    let one = |name: &str| Bound::new(name, name, int(1), "1", "1", reference);
    let (server, inner) = pick(
        Extremum::Min,
        ("U+T−1", BigRational::from_integer(&bu + &bt - 1)),
        ("UV−1", BigRational::from_integer(&users - 1)),
    );
    let relay = BigRational::from_integer(&bv + &bt);
    let (value, outer) = pick(Extremum::Max, ("V+T", relay), (&inner.branch, server));
    let binding = Binding {
        tie: outer.tie || (outer.branch == inner.branch && inner.tie),
        branch: outer.branch,
    };
    let which = if binding.tie {
        "tie"
    } else if binding.branch == "V+T" {
        "relay security binds"
    } else {
        "server security binds"
    };
    let source_key = Bound::new(
        "R_ZΣ",
        "R_{Z_\\Sigma}",
        value,
        "max{V+T, min{U+T−1, UV−1}}",
        "\\max\\{V+T,\\; \\min\\{U+T-1,\\; UV-1\\}\\}",
        reference,
    )
    .with_binding(binding.clone());
    Ok(Region::Feasible {
        bounds: vec![one("R_X"), one("R_Y"), one("R_Z"), source_key],
        achievable: vec![],
        notes: vec![
            format!(
                "R_ZΣ: {} binds ({which}; V+T is the relay-security term, min{{U+T−1, UV−1}} the \
                 server-security term)",
                binding.branch
            ),
            "rates in symbols per input symbol: R_X user→relay, R_Y relay→server, R_Z individual key, \
             R_ZΣ source key"
                .into(),
            "feasible range used: U ≥ 2 and T < (U−1)V".into(),
        ],
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
    fn relay_security_branch() {
        assert_eq!(source_key(2, 2, 0), ("2".into(), "V+T".into(), false));
        assert_eq!(source_key(2, 5, 3), ("8".into(), "V+T".into(), false));
    }

    #[test]
    fn server_security_branches() {
        // U+T−1 inside the min.
        assert_eq!(source_key(4, 2, 1), ("4".into(), "U+T−1".into(), false));
        // V = 1: UV−1 = U−1 binds whenever T ≥ 0 is feasible.
        assert_eq!(source_key(4, 1, 1), ("3".into(), "UV−1".into(), false));
        // UV−1 inside the min (U > V, T ≥ U(V−1)).
        assert_eq!(source_key(5, 2, 6), ("9".into(), "UV−1".into(), false));
    }

    #[test]
    fn ties_are_reported() {
        // V+T = U+T−1 when V = U−1.
        assert_eq!(
            source_key(3, 2, 1),
            ("3".into(), "V+T = U+T−1".into(), true)
        );
        // Inner tie U+T−1 = UV−1 (T = U(V−1)) with the server term binding.
        assert_eq!(
            source_key(5, 2, 5),
            ("9".into(), "U+T−1 = UV−1".into(), true)
        );
        // Single-server style check: U = 3, V = 1, T = 1 gives K−1 = 2.
        assert_eq!(source_key(3, 1, 1).0, "2");
    }

    #[test]
    fn communication_and_individual_key_rates_are_one() {
        let r = region(3, 2, 1).unwrap();
        for name in ["R_X", "R_Y", "R_Z"] {
            assert_eq!(r.bound(name).unwrap().value, int(1), "{name}");
        }
    }

    #[test]
    fn t_at_least_u_minus_1_times_v_is_infeasible() {
        for (u, v, t) in [(1, 3, 0), (2, 2, 2), (2, 2, 4), (3, 2, 4)] {
            match region(u, v, t).unwrap() {
                Region::Infeasible {
                    condition, reason, ..
                } => {
                    assert_eq!(condition, "T ≥ (U−1)V");
                    assert!(reason.contains("relay security"), "{reason}");
                }
                r => panic!("({u},{v},{t}): {r:?}"),
            }
        }
        assert!(region(3, 2, 3).unwrap().is_feasible());
    }

    #[test]
    fn bad_parameters_are_errors_with_a_reason() {
        let err = |u, v, t| region(u, v, t).err().unwrap().to_string();
        assert!(err(0, 2, 0).starts_with("--relays:"));
        assert!(err(2, 0, 0).starts_with("--users-per-relay:"));
        assert!(err(2, 2, 5).starts_with("--colluders: T must be in 0..=UV = 0..=4"));
    }
}
