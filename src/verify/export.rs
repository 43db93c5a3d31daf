//! `itsa export SPEC --json`: the rows and the check list of a plan, so that other tools (the
//! Python baselines in bench/baselines/) can perform exactly the same rank checks.
//!
//! Format (docs/cli.md#export, docs/schema.md): `{"schema_version", "prime", "columns",
//! "input_start", "column_labels", "blocks": [{"label", "rows"}], "checks": [{"family",
//! "kind": "decodable"|"secure"|"hidden", "view", "target"|"cond"}]}`, where blocks are
//! referred to by position and `column_labels[c]` names source column `c` (e.g. `Z[1](2)`).
//! A decodable check passes iff rk(view ∪ target) = rk(view); a secure check passes iff
//! rk(view ∪ cond) − rk(cond) equals the same difference on the randomness columns
//! `0..input_start` only; a hidden check passes iff rk(view ∪ target) = rk(view) + rk(target).

use std::fmt::Write;

use serde_json::{json, Value};

use super::{Condition, Plan, Space};
use crate::scheme::Scheme;

pub fn plan_json(scheme: &Scheme, plan: &Plan) -> Value {
    let space = Space::of(scheme);
    let blocks: Vec<Value> = plan
        .blocks
        .list
        .iter()
        .map(|b| json!({"label": b.label, "rows": b.dense_rows()}))
        .collect();
    let checks: Vec<Value> = plan
        .families
        .iter()
        .flat_map(|f| {
            f.checks.iter().map(move |c| match &c.condition {
                Condition::Decodable { view, target } => {
                    json!({"family": f.name, "kind": "decodable", "view": view, "target": target})
                }
                Condition::Secure { view, cond } => {
                    json!({"family": f.name, "kind": "secure", "view": view, "cond": cond})
                }
                Condition::Hidden { view, target } => {
                    json!({"family": f.name, "kind": "hidden", "view": view, "target": target})
                }
            })
        })
        .collect();
    let labels: Vec<String> = (0..space.columns).map(|c| scheme.column_label(c)).collect();
    json!({
        "prime": space.field.p(),
        "columns": space.columns,
        "input_start": space.input_start,
        "column_labels": labels,
        "blocks": blocks,
        "checks": checks,
    })
}

/// What `itsa export SPEC` (without --json) prints: the sizes of the export.
pub fn summary(scheme: &Scheme, plan: &Plan) -> String {
    let space = Space::of(scheme);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "p={}  {} columns ({} randomness, {} input)  {} blocks  {} checks",
        space.field.p(),
        space.columns,
        space.input_start,
        space.columns - space.input_start,
        plan.blocks.list.len(),
        plan.num_checks()
    );
    for f in &plan.families {
        let _ = writeln!(o, "  {:<22} {:>8} checks", f.name, f.checks.len());
    }
    o.push_str("(pass --json for the rows and checks; format in docs/cli.md#export)\n");
    o
}
