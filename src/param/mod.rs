//! Parametric specs: a construction written once, as a paper states it, for every value of
//! its parameters — loops in declarations, coefficient formulas evaluated in F_p, sums over
//! index sets, named coefficient matrices — instantiated at one point (`--set`) or at every
//! point of a grid (`--grid`, [`grid`]).
//!
//! A parametric spec *expands* to today's flat spec text, written by the one spec writer
//! ([`crate::construct::SpecText`]), and that text is read by the ordinary reader: the engine
//! and the models never see a formula. Every line of the expansion remembers the entry of the
//! parametric spec it came from, so errors and the scheme's spans point into the parametric
//! source. The format is documented in docs/spec-format.md ("Parametric specs").
//!
//! Layers: [`expr`] (the parametric linear-expression grammar, on top of [`crate::lang`]'s
//! formulas, quantifiers and name patterns), [`matrix`] (F_p matrices), [`expand`] (the
//! spec-level expansion), [`grid`] (the grid driver).

pub mod expand;
pub mod expr;
pub mod grid;
pub mod matrix;

use crate::models::Model;
use crate::scheme::{Scheme, Span, SpecError};

pub use expand::{expand, is_parametric, parameters, Expansion, ParamInfo};

/// One instance of a parametric spec: the flat scheme, its model, and notes for the report
/// (the random matrices and their seeds, so a run can be reproduced).
#[derive(Debug, Clone)]
pub struct Instance {
    pub scheme: Scheme,
    pub model: Model,
    pub notes: Vec<String>,
}

/// Read a parametric spec at its own parameter values, overridden by `overrides`
/// (`(name or symbol, value)`), to a flat [`Scheme`] located in the parametric source.
pub fn read(text: &str, path: &str, overrides: &[(String, i64)]) -> Result<Scheme, SpecError> {
    let x = expand(text, path, overrides)?;
    to_scheme(&x, text, path)
}

/// Instantiate at a point and validate against the model.
pub fn instantiate(
    text: &str,
    path: &str,
    overrides: &[(String, i64)],
) -> Result<Instance, SpecError> {
    let x = expand(text, path, overrides)?;
    let scheme = to_scheme(&x, text, path)?;
    let model = Model::from_scheme(&scheme)?;
    Ok(Instance {
        scheme,
        model,
        notes: x.notes,
    })
}

/// Read the flat text of an expansion; errors and spans are moved into the parametric source.
pub fn to_scheme(x: &Expansion, text: &str, path: &str) -> Result<Scheme, SpecError> {
    let origin = crate::scheme::Origin {
        path: path.to_string(),
        text: text.to_string(),
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(x.text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let map = |offset: usize| -> usize {
        let line = line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        x.origins.get(line).copied().flatten().unwrap_or(0)
    };
    let mut s = crate::scheme::spec::read_flat_spec_str(&x.text, path).map_err(|e| match e {
        SpecError::At { line, message, .. } => {
            let at = x.origins.get(line - 1).copied().flatten().unwrap_or(0);
            let point = if x.point.is_empty() {
                String::new()
            } else {
                format!(" [expanded at {}]", grid::point_label(&x.point))
            };
            crate::scheme::spec::located(&origin, at, format!("{message}{point}"))
        }
        other => other,
    })?;
    let remap = |sp: &mut Span| {
        let at = map(sp.start);
        *sp = Span { start: at, end: at };
    };
    remap(&mut s.model_span);
    for p in &mut s.params {
        remap(&mut p.span);
    }
    for r in &mut s.roles {
        remap(&mut r.span);
    }
    for src in &mut s.sources {
        remap(&mut src.span);
    }
    for v in &mut s.variables {
        remap(&mut v.span);
    }
    if let Some(e) = &mut s.expect {
        remap(&mut e.span);
        for f in &mut e.failures {
            remap(&mut f.2);
        }
        for r in &mut e.rates {
            remap(&mut r.2);
        }
    }
    s.origin = origin;
    Ok(s)
}

/// An error in a `--set` / `--grid` argument, shown with the argument and a caret under the
/// offending column (exit code 2).
fn arg_error(flag: &str, arg: &str, e: &crate::lang::LangError) -> SpecError {
    let col = arg[..e.span.start.min(arg.len())].chars().count();
    SpecError::File {
        path: format!("{flag} '{arg}'"),
        message: format!(
            "{} (column {})\n  {arg}\n  {}^",
            e.message,
            col + 1,
            " ".repeat(col)
        ),
    }
}

/// The parameter values of `--set NAME=VALUE` arguments, in order; each value is a formula
/// that may use the spec's parameters and the assignments before it (`--set T=U-1`).
pub fn parse_sets(
    text: &str,
    path: &str,
    sets: &[String],
) -> Result<Vec<(String, i64)>, SpecError> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for arg in sets {
        let a =
            crate::lang::params::parse_assignment(arg).map_err(|e| arg_error("--set", arg, &e))?;
        let (env, _) = parameters(text, path, &out)?;
        let v = a.int_value(&env).map_err(|e| arg_error("--set", arg, &e))?;
        let (_, infos) = parameters(text, path, &[])?;
        if !infos
            .iter()
            .any(|p| p.name == a.name || p.symbol.as_deref() == Some(a.name.as_str()))
            && crate::models::param_symbols(&model_of(text))
                .is_none_or(|s| !s.iter().any(|(n, sy, _)| *n == a.name || *sy == a.name))
        {
            let e = crate::lang::LangError::new(
                a.name_span,
                format!(
                    "the spec has no parameter `{}`; its parameters: {}",
                    a.name,
                    known(&infos)
                ),
            );
            return Err(arg_error("--set", arg, &e));
        }
        out.retain(|(n, _)| *n != a.name);
        out.push((a.name, v));
    }
    Ok(out)
}

fn model_of(text: &str) -> String {
    toml::de::DeTable::parse(text)
        .ok()
        .and_then(|d| {
            d.get_ref()
                .get("model")
                .and_then(|v| v.get_ref().as_str().map(String::from))
        })
        .unwrap_or_default()
}

fn known(infos: &[ParamInfo]) -> String {
    let v: Vec<String> = infos
        .iter()
        .map(|p| match &p.symbol {
            Some(s) => format!("{s} ({})", p.name),
            None => p.name.clone(),
        })
        .collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// The points of `--grid 'K=3..8, U=2..K-1, T=0..U-1'` over a spec (after `--set` values):
/// each range may use the spec's parameters and the grid's earlier dimensions. A dimension
/// that is not a parameter of the spec, or a bound naming an unknown one, is an error located
/// in the argument. Every point also carries the `--set` values.
pub fn grid_points(
    text: &str,
    path: &str,
    sets: &[(String, i64)],
    grid: &str,
) -> Result<Vec<grid::Point>, SpecError> {
    let g = crate::lang::params::parse_grid(grid).map_err(|e| arg_error("--grid", grid, &e))?;
    let (env, infos) = parameters(text, path, sets)?;
    let symbols = crate::models::param_symbols(&model_of(text)).unwrap_or_default();
    for d in &g.dims {
        let known_here = infos
            .iter()
            .any(|p| p.name == d.name || p.symbol.as_deref() == Some(d.name.as_str()))
            || symbols.iter().any(|(n, s, _)| *n == d.name || *s == d.name);
        if !known_here {
            let e = crate::lang::LangError::new(
                d.name_span,
                format!(
                    "the spec has no parameter `{}`; its parameters: {}",
                    d.name,
                    known(&infos)
                ),
            );
            return Err(arg_error("--grid", grid, &e));
        }
    }
    let points = g.points(&env).map_err(|e| arg_error("--grid", grid, &e))?;
    Ok(points
        .into_iter()
        .map(|p| {
            let mut all: Vec<(String, i64)> = sets
                .iter()
                .filter(|(n, _)| !p.iter().any(|(m, _)| m == n))
                .cloned()
                .collect();
            all.extend(p);
            all
        })
        .collect())
}
