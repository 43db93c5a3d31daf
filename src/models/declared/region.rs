//! The claimed region of a declaration, evaluated exactly: from a spec's instance
//! ([`super::Declared::optimal_region`]) or from parameter values alone ([`region_at`], for
//! `itsa region MODEL --K 4 …`).

use num_rational::BigRational;

use super::Declaration;
use crate::lang::{self, formula, Env, Expr, Value};
use crate::region::{Bound, Region, RegionError};

/// The region of `decl` in an environment that defines its parameters (and, from a spec, its
/// graphs and sets).
pub(crate) fn evaluate(decl: &Declaration, env: &Env) -> Result<Region, RegionError> {
    let Some(region) = &decl.region else {
        return Err(RegionError::Usage(format!(
            "model `{}` declares no region",
            decl.name
        )));
    };
    let usage = |src: &super::Src<Expr>, e: lang::LangError| {
        RegionError::Usage(format!(
            "`{}`: {}",
            src.text,
            e.in_source(&src.text).message
        ))
    };
    if let Some(f) = &region.feasible {
        if !formula::eval_bool(&f.value, env).map_err(|e| usage(f, e))? {
            return Ok(Region::Infeasible {
                reason: if region.infeasible.is_empty() {
                    format!("`{}` does not hold", f.text)
                } else {
                    region.infeasible.clone()
                },
                condition: format!("not ({})", f.text),
                latex: format!("\\neg({})", f.text),
            });
        }
    }
    let mut bounds = Vec::new();
    for rate in &region.rates {
        let v: BigRational =
            formula::eval_rational(&rate.bound.value, env).map_err(|e| usage(&rate.bound, e))?;
        let reference = if region.reference.is_empty() {
            decl.name.clone()
        } else {
            region.reference.clone()
        };
        let mut b = Bound::new(
            &rate.name,
            &rate.latex_name,
            v,
            &rate.bound.text,
            &rate.latex,
            &reference,
        );
        if let Some((fp, fq)) = &rate.log_factor {
            let p = formula::eval_int(&fp.value, env).map_err(|e| usage(fp, e))?;
            let q = formula::eval_int(&fq.value, env).map_err(|e| usage(fq, e))?;
            if p < 2 || q < 2 {
                return Err(RegionError::Usage(format!(
                    "log-factor of {}: log {p} / log {q} needs p, q ≥ 2",
                    rate.name
                )));
            }
            b = b.with_factor(crate::region::LogFactor {
                p: p as u64,
                q: q as u64,
            });
        }
        bounds.push(b);
    }
    Ok(Region::Feasible {
        bounds,
        achievable: vec![],
        notes: region.notes.clone(),
        warnings: vec![],
    })
}

/// Parameter values of a declaration, checked as far as they can be without a spec.
pub struct Values {
    /// (symbol, spec name, value) in declaration order.
    pub values: Vec<(String, String, i64)>,
    /// The parameters defined.
    pub env: Env,
    /// Constraints that need a spec (graphs, sets) and were not checked.
    pub unchecked: Vec<String>,
}

/// The parameter values of `decl` from `given` (by spec name or symbol), defaults filled in,
/// ranges and the constraints that involve parameters only checked.
pub fn values_at(decl: &Declaration, given: &[(String, i64)]) -> Result<Values, RegionError> {
    let flags = || {
        decl.params
            .iter()
            .map(|p| {
                if p.spec_name == p.symbol {
                    format!("--{}", p.symbol)
                } else {
                    format!("--{} ({})", p.spec_name, p.symbol)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (n, _) in given {
        if !decl
            .params
            .iter()
            .any(|p| &p.spec_name == n || &p.symbol == n)
        {
            return Err(RegionError::Usage(format!(
                "model `{}` has no parameter `{n}`; its parameters: {}",
                decl.name,
                flags()
            )));
        }
    }
    let mut env = Env::new();
    let mut values = Vec::new();
    for p in &decl.params {
        let v = given
            .iter()
            .rev()
            .find(|(n, _)| *n == p.spec_name || *n == p.symbol)
            .map(|(_, v)| *v)
            .or(p.default);
        let Some(v) = v else {
            return Err(RegionError::Usage(format!(
                "missing --{} ({}{}); model `{}` takes {}",
                p.spec_name,
                p.symbol,
                if p.meaning.is_empty() {
                    String::new()
                } else {
                    format!(": {}", p.meaning)
                },
                decl.name,
                flags()
            )));
        };
        env.define(&p.symbol, Value::Int(v));
        values.push((p.symbol.clone(), p.spec_name.clone(), v));
    }
    let params: Vec<&str> = decl.params.iter().map(|p| p.symbol.as_str()).collect();
    for p in &decl.params {
        let v = env.get(&p.symbol).and_then(|x| x.as_int()).unwrap_or(0);
        for (bound, is_min) in [(&p.min, true), (&p.max, false)] {
            let Some(b) = bound else { continue };
            let lim = formula::eval_int(&b.value, &env).map_err(|e| {
                RegionError::Usage(format!("`{}`: {}", b.text, e.in_source(&b.text).message))
            })?;
            if (is_min && v < lim) || (!is_min && v > lim) {
                return Err(RegionError::Usage(format!(
                    "--{} ({}) must be at {} {}{}, found {v}",
                    p.spec_name,
                    p.symbol,
                    if is_min { "least" } else { "most" },
                    lim,
                    if b.text.trim() == lim.to_string() {
                        String::new()
                    } else {
                        format!(" = {}", b.text)
                    }
                )));
            }
        }
    }
    let mut unchecked = Vec::new();
    for c in &decl.constraints {
        if c.value
            .free_names()
            .iter()
            .any(|(n, _)| !params.contains(&n.as_str()))
        {
            unchecked.push(c.text.clone());
            continue;
        }
        let ok = formula::eval_bool(&c.value, &env).map_err(|e| {
            RegionError::Usage(format!("`{}`: {}", c.text, e.in_source(&c.text).message))
        })?;
        if !ok {
            let shown: Vec<String> = values
                .iter()
                .map(|(sym, _, v)| format!("{sym}={v}"))
                .collect();
            return Err(RegionError::Usage(format!(
                "the parameters break the constraint `{}` of model `{}` ({})",
                c.text,
                decl.name,
                shown.join(", ")
            )));
        }
    }
    Ok(Values {
        values,
        env,
        unchecked,
    })
}

/// The claimed region of `decl` at parameter values given by name (spec name or symbol).
pub fn region_at(decl: &Declaration, given: &[(String, i64)]) -> Result<Region, RegionError> {
    let Values { env, unchecked, .. } = values_at(decl, given)?;
    let mut region = evaluate(decl, &env)?;
    if let Region::Feasible { notes, .. } = &mut region {
        for c in unchecked {
            notes.push(format!(
                "the constraint `{c}` involves the spec (a graph or set) and is checked by `itsa verify`, not here"
            ));
        }
    }
    Ok(region)
}
