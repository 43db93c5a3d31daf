//! The models `itsa region` knows: names, parameters (CLI flags and paper symbols), sources,
//! and the `region` function of each (defined in the model's own file under `src/models/`).

use super::{Region, RegionError, Source};
use crate::models::{decentralized, dropout, hierarchical, hierarchical_collusion, multi_server};

/// A model parameter: its CLI flag (without `--`), paper symbol and meaning.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub flag: &'static str,
    pub symbol: &'static str,
    pub meaning: &'static str,
    pub required: bool,
}

const fn req(flag: &'static str, symbol: &'static str, meaning: &'static str) -> Param {
    Param {
        flag,
        symbol,
        meaning,
        required: true,
    }
}

/// A model of the calculator.
pub struct Model {
    /// Name on the command line, e.g. `multi-server`.
    pub name: &'static str,
    pub title: &'static str,
    pub source: &'static Source,
    pub params: &'static [Param],
    /// The model's `region` function, called with the parameter values in `params` order.
    eval: fn(&[Option<u64>]) -> Result<Region, RegionError>,
}

/// One evaluated region with the parameters it was evaluated at.
pub struct Evaluation {
    pub model: &'static Model,
    /// Values in the order of `model.params` (`None`: optional and not given).
    pub values: Vec<Option<u64>>,
    pub region: Region,
}

impl Evaluation {
    /// `K = 10, U = 7, T = 2`, optional parameters that were not given left out.
    pub fn params_line(&self) -> String {
        self.model
            .params
            .iter()
            .zip(&self.values)
            .filter_map(|(p, v)| v.map(|v| format!("{} = {v}", p.symbol)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub static MODELS: &[Model] = &[
    Model {
        name: "dropout",
        title: "two-round secure aggregation with user dropouts",
        source: &dropout::REGION_SOURCE,
        params: &[
            req("users", "K", "number of users"),
            req(
                "min-survivors",
                "U",
                "minimum number of users responding in each round",
            ),
            req(
                "colluders",
                "T",
                "maximum number of users colluding with the server",
            ),
        ],
        eval: |v| dropout::region(val(v, 0), val(v, 1), val(v, 2)),
    },
    Model {
        name: "multi-server",
        title: "multi-server secure aggregation with user collusion",
        source: &multi_server::REGION_SOURCE,
        params: &[
            req("servers", "U", "number of servers"),
            req(
                "users-per-server",
                "V",
                "number of users attached to each server",
            ),
            req(
                "colluders",
                "T",
                "maximum number of users colluding with any one server",
            ),
        ],
        eval: |v| multi_server::region(val(v, 0), val(v, 1), val(v, 2)),
    },
    Model {
        name: "hierarchical",
        title: "hierarchical secure aggregation with unreliable links (cyclic relays)",
        source: &hierarchical::REGION_SOURCE,
        params: &[
            req("clients", "K", "number of clients (= number of relays)"),
            req(
                "relays-per-client",
                "d",
                "relays each client is connected to",
            ),
            req("failures", "s", "relay-to-server links that may fail"),
            req(
                "alphabet",
                "q",
                "input alphabet size: inputs are in {0, …, q−1}",
            ),
            Param {
                flag: "prime",
                symbol: "p",
                meaning: "field size; default: the smallest prime > K(q−1)",
                required: false,
            },
        ],
        eval: |v| hierarchical::region(val(v, 0), val(v, 1), val(v, 2), val(v, 3), v[4]),
    },
    Model {
        name: "hierarchical-collusion",
        title: "hierarchical secure aggregation with user collusion",
        source: &hierarchical_collusion::REGION_SOURCE,
        params: &[
            req("relays", "U", "number of relays"),
            req(
                "users-per-relay",
                "V",
                "number of users attached to each relay",
            ),
            req(
                "colluders",
                "T",
                "maximum number of users colluding with the server or a relay",
            ),
        ],
        eval: |v| hierarchical_collusion::region(val(v, 0), val(v, 1), val(v, 2)),
    },
    Model {
        name: "decentralized",
        title: "decentralized secure aggregation with user dropouts",
        source: &decentralized::REGION_SOURCE,
        params: &[
            req("users", "K", "number of users"),
            req("min-survivors", "U", "minimum number of users that survive"),
            req(
                "colluders",
                "T",
                "maximum number of *other* users each user may collude with",
            ),
        ],
        eval: |v| decentralized::region(val(v, 0), val(v, 1), val(v, 2)),
    },
];

/// A required value (presence is checked by [`Model::evaluate`] before `eval` runs).
fn val(v: &[Option<u64>], i: usize) -> u64 {
    v[i].unwrap_or_default()
}

/// The model called `name`.
pub fn find(name: &str) -> Result<&'static Model, RegionError> {
    MODELS.iter().find(|m| m.name == name).ok_or_else(|| {
        let names: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
        RegionError::Usage(format!(
            "unknown model `{name}`; known models: {}",
            names.join(", ")
        ))
    })
}

fn evaluated_by_the_caller(_: &[Option<u64>]) -> Result<Region, RegionError> {
    Err(RegionError::Usage(
        "a declared model's region is evaluated from its declaration".into(),
    ))
}

/// A catalog entry for a declared model (models/*.toml), built at run time and leaked (one per
/// `itsa region` call); its region is evaluated by the caller and put in an [`Evaluation`].
pub fn declared_entry(
    name: &str,
    title: &str,
    source: Source,
    params: Vec<Param>,
) -> &'static Model {
    Box::leak(Box::new(Model {
        name: name.to_string().leak(),
        title: title.to_string().leak(),
        source: Box::leak(Box::new(source)),
        params: params.leak(),
        eval: evaluated_by_the_caller,
    }))
}

impl Model {
    pub fn param(&self, flag: &str) -> Result<(usize, &'static Param), RegionError> {
        self.params
            .iter()
            .enumerate()
            .find(|(_, p)| p.flag == flag)
            .ok_or_else(|| {
                let flags: Vec<&str> = self.params.iter().map(|p| p.flag).collect();
                RegionError::Usage(format!(
                    "model `{}` has no parameter `{flag}`; its parameters are: {}",
                    self.name,
                    flags.join(", ")
                ))
            })
    }

    /// Evaluate the region at the given `(flag, value)` pairs.
    pub fn evaluate(&'static self, given: &[(&str, u64)]) -> Result<Evaluation, RegionError> {
        let mut values = vec![None; self.params.len()];
        for &(flag, v) in given {
            let (i, _) = self.param(flag)?;
            values[i] = Some(v);
        }
        self.evaluate_values(values)
    }

    /// Evaluate with values in `params` order.
    pub fn evaluate_values(
        &'static self,
        values: Vec<Option<u64>>,
    ) -> Result<Evaluation, RegionError> {
        if let Some(p) = self
            .params
            .iter()
            .zip(&values)
            .find(|(p, v)| p.required && v.is_none())
            .map(|(p, _)| p)
        {
            return Err(RegionError::Missing {
                flag: p.flag,
                meaning: p.meaning,
            });
        }
        let region = (self.eval)(&values)?;
        Ok(Evaluation {
            model: self,
            values,
            region,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_is_found_by_name_and_unknown_ones_are_rejected() {
        for m in MODELS {
            assert_eq!(find(m.name).unwrap().name, m.name);
        }
        let e = find("star").err().unwrap().to_string();
        assert!(
            e.contains("unknown model `star`") && e.contains("multi-server"),
            "{e}"
        );
    }

    #[test]
    fn evaluate_maps_flags_and_reports_missing_or_unknown_ones() {
        let m = find("dropout").unwrap();
        let e = m
            .evaluate(&[("users", 10), ("min-survivors", 7), ("colluders", 2)])
            .unwrap();
        assert_eq!(e.params_line(), "K = 10, U = 7, T = 2");
        assert_eq!(e.region.bound("R2").unwrap().value.to_string(), "1/5");
        let missing = m
            .evaluate(&[("users", 10), ("colluders", 2)])
            .err()
            .unwrap();
        assert_eq!(
            missing.to_string(),
            "missing --min-survivors (minimum number of users responding in each round)"
        );
        let unknown = m.evaluate(&[("servers", 3)]).err().unwrap().to_string();
        assert!(unknown.contains("no parameter `servers`"), "{unknown}");
    }

    #[test]
    fn optional_prime_may_be_left_out() {
        let m = find("hierarchical").unwrap();
        let e = m
            .evaluate(&[
                ("clients", 5),
                ("relays-per-client", 3),
                ("failures", 1),
                ("alphabet", 3),
            ])
            .unwrap();
        assert_eq!(e.params_line(), "K = 5, d = 3, s = 1, q = 3");
        assert!(e.region.is_feasible());
    }
}
