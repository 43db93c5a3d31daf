//! Decentralized secure aggregation with user dropouts (Li, Zhang, Zhao, Yu, Caire,
//! arXiv 2605.22261). A result from OUTSIDE the project's seed papers (abstract RESTORED in
//! docs/models.md#related-regions). Only the rate region for now (`itsa region decentralized`).
//!
//! K users broadcast to each other without a server in two rounds; at least U survive;
//! every user decodes the sum of the survivors' inputs and, colluding with at most T other
//! users, learns nothing more.

use crate::region::{int, ratio, Bound, Region, RegionError, Source};

pub const REGION_SOURCE: Source = Source {
    paper: "Li, Zhang, Zhao, Yu, Caire, \"Information-Theoretic Decentralized Secure Aggregation \
            with User Dropouts\", arXiv 2605.22261",
    in_seeds: false,
    origin: "outside the seeds",
    section: "docs/models.md#related-regions",
    status: "region RESTORED from the abstract; the parameter range is not in the abstract \
             (calculator: K ≥ 2, 1 ≤ U ≤ K−1, 0 ≤ T ≤ K−1, by analogy with Zhao & Sun)",
};

/// Infeasible iff U ≤ T+1; otherwise R1 ≥ 1, R2 ≥ 1/(U−T−1).
/// Range: K ≥ 2, 1 ≤ U ≤ K−1, 0 ≤ T ≤ K−1 (T counts the *other* users a user colludes with).
pub fn region(k: u64, u: u64, t: u64) -> Result<Region, RegionError> {
    super::dropout::check_users_and_survivors(k, u)?;
    if t >= k {
        return Err(RegionError::param(
            "colluders",
            format!("T counts the other users a user colludes with: it must be in 0..=K−1 = 0..={}, found {t}", k - 1),
        ));
    }
    if u <= t + 1 {
        return Ok(Region::Infeasible {
            reason: format!(
                "U = {u} ≤ T+1 = {}: a user and its T colluders can make up all U survivors, the \
                 decentralized analogue of U ≤ T with a server (Li et al., arXiv 2605.22261: \
                 infeasible iff U ≤ T+1)",
                t + 1
            ),
            condition: "U ≤ T+1".into(),
            latex: "U \\le T+1".into(),
        });
    }
    let reference = "Li et al., arXiv 2605.22261, main result (abstract)";
    Ok(Region::Feasible {
        bounds: vec![
            Bound::new("R1", "R_1", int(1), "1", "1", reference),
            Bound::new("R2", "R_2", ratio(1, u - t - 1), "1/(U−T−1)", "\\frac{1}{U-T-1}", reference),
        ],
        achievable: vec![],
        notes: vec![
            "rates in symbols per input symbol: R1 = first-round, R2 = second-round broadcast length".into(),
            "the optimal R2 depends only on the effective redundancy U−T−1, not on K".into(),
        ],
        warnings: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feasible_branch() {
        let r = region(10, 7, 2).unwrap();
        assert_eq!(r.bound("R1").unwrap().value, int(1));
        assert_eq!(r.bound("R2").unwrap().value, ratio(1, 4));
        assert_eq!(region(4, 3, 1).unwrap().bound("R2").unwrap().value, int(1));
        assert_eq!(
            region(4, 3, 0).unwrap().bound("R2").unwrap().value,
            ratio(1, 2)
        );
    }

    #[test]
    fn u_at_most_t_plus_1_is_infeasible() {
        for (k, u, t) in [(10, 7, 6), (10, 7, 9), (3, 2, 1), (3, 1, 0)] {
            match region(k, u, t).unwrap() {
                Region::Infeasible { condition, .. } => assert_eq!(condition, "U ≤ T+1"),
                r => panic!("({k},{u},{t}): {r:?}"),
            }
        }
    }

    #[test]
    fn bad_parameters_are_errors_with_a_reason() {
        let err = |k, u, t| region(k, u, t).err().unwrap().to_string();
        assert!(err(1, 1, 0).starts_with("--users:"));
        assert!(err(5, 0, 0).starts_with("--min-survivors:"));
        assert!(err(5, 5, 0).contains("out of this model"));
        assert!(err(5, 6, 0).starts_with("--min-survivors:"));
        assert!(err(5, 3, 5).starts_with("--colluders: T counts the other users"));
    }
}
