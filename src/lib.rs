//! itsa — information-theoretic secure aggregation.
//!
//! Every scheme itsa handles is linear: each variable is an F_p-linear map of independent
//! uniform source symbols, so every entropy is a rank and every correctness and security
//! condition is a rank identity. Layers, top to bottom:
//! [`models`] (which checks a model implies) → [`verify`] (the engine) → [`scheme`] (data
//! model and spec reader) → [`field`] (F_p and the one elimination routine).
//! [`region`] holds the closed-form optimal rate regions (exact rationals) that each model
//! file instantiates, and their renderings (table, JSON, LaTeX, sweeps, SVG).

pub mod field;
pub mod models;
pub mod region;
pub mod scheme;
pub mod subsets;
pub mod verify;

use std::path::Path;

/// Load a spec file and validate it against its model.
pub fn load(path: &Path) -> Result<(scheme::Scheme, models::Model), scheme::SpecError> {
    let s = scheme::read_spec(path)?;
    let m = models::Model::from_scheme(&s)?;
    Ok((s, m))
}
