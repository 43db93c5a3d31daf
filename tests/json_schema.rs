//! docs/report.schema.json describes what `itsa verify --json` prints: real reports validate
//! against it, and reports with a key missing, added or of the wrong type do not.

mod common;
use common::*;

use serde_json::Value;

/// A validator for the subset of JSON Schema the document uses: type, const, enum,
/// required, properties, additionalProperties: false, items, $ref to #/$defs/….
fn validate(schema: &Value, root: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], root, v, path, errors);
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            errors.push(format!("{path}: {v} is not {c}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errors.push(format!("{path}: {v} not in {e:?}"));
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            errors.push(format!("{path}: {v} is not {types:?}"));
            return;
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for k in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(k) {
                errors.push(format!("{path}: missing {k}"));
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, root, x, &format!("{path}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{path}: unexpected key {k}"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            validate(items, root, x, &format!("{path}[{i}]"), errors);
        }
    }
}

fn schema() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/report.schema.json"
    ))
    .expect("docs/report.schema.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn errors_of(v: &Value) -> Vec<String> {
    let s = schema();
    let mut e = Vec::new();
    validate(&s, &s, v, "$", &mut e);
    e
}

#[test]
fn reports_validate_against_the_documented_schema() {
    for (name, extra) in [
        ("weng-seed003-printed.toml", vec!["--show-decoders"]),
        ("weng-seed003-corrected.toml", vec!["--show-decoders"]),
        ("broken-multi-server-key-dim-below-bound.toml", vec![]),
        ("broken-example1-against-t1.toml", vec![]),
        ("tjl-n6-t4-active-attack.toml", vec![]),
    ] {
        let (_, v) = verify_json(name, &extra);
        let e = errors_of(&v);
        assert!(e.is_empty(), "{name}: {}", e.join("\n"));
    }
}

#[test]
fn the_schema_rejects_reports_that_differ_from_it() {
    let (_, good) = verify_json("weng-seed003-printed.toml", &[]);
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("verdict");
    assert!(errors_of(&missing)
        .iter()
        .any(|e| e.contains("missing verdict")));
    let mut extra = good.clone();
    extra["families"][0]["surprise"] = Value::from(1);
    assert!(errors_of(&extra)
        .iter()
        .any(|e| e.contains("unexpected key surprise")));
    let mut wrong = good.clone();
    wrong["verdict"] = Value::from("maybe");
    assert!(!errors_of(&wrong).is_empty());
    let mut version = good;
    version["schema_version"] = Value::from(2);
    assert!(!errors_of(&version).is_empty());
}

#[test]
fn multi_server_colluders_are_server_user_pairs() {
    let (_, v) = verify_json("broken-multi-server-key-dim-below-bound.toml", &[]);
    let fam = family(&v, "security");
    let set = fam["examples"][0]["sets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "T")
        .expect("a colluder set");
    let v_per = v["params"]["users-per-server"].as_u64().unwrap();
    for (m, p) in set["members"]
        .as_array()
        .unwrap()
        .iter()
        .zip(set["pairs"].as_array().unwrap())
    {
        let i = m.as_u64().unwrap();
        assert_eq!(p[0].as_u64().unwrap(), (i - 1) / v_per + 1);
        assert_eq!(p[1].as_u64().unwrap(), (i - 1) % v_per + 1);
    }
    let path = spec("broken-multi-server-key-dim-below-bound.toml");
    let text = String::from_utf8(itsa(&["verify", path.to_str().unwrap()]).stdout).unwrap();
    assert!(text.contains("T={("), "{text}");
}
