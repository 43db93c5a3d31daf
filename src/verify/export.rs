//! `itsa export SPEC --json`: the rows and the check list of a plan, so that other tools (the
//! Python baselines in bench/baselines/) can perform exactly the same rank checks.
//!
//! Format: `{"prime", "columns", "input_start", "blocks": [{"label", "rows"}],
//! "checks": [{"family", "kind": "decodable"|"secure", "view", "target"|"cond"}]}`, where
//! blocks are referred to by position. A decodable check passes iff rk(view ∪ target) =
//! rk(view); a secure check passes iff rk(view ∪ cond) − rk(cond) equals the same difference
//! on the randomness columns `0..input_start` only.

use serde_json::{json, Value};

use super::{Condition, Plan, Space};

pub fn plan_json(space: Space, plan: &Plan) -> Value {
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
    json!({
        "prime": space.field.p(),
        "columns": space.columns,
        "input_start": space.input_start,
        "blocks": blocks,
        "checks": checks,
    })
}
