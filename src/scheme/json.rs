//! JSON specs: the same document as the TOML format (docs/spec-format.md), written as JSON for
//! machines. A JSON spec is converted to TOML and read by the one spec reader; errors are
//! mapped back to the line of the JSON file that holds the offending key.

use super::spec::{located, read_spec_str, SpecError};
use super::{Origin, Scheme};

/// Is this path a JSON spec (by extension)?
pub fn is_json(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Render a TOML spec as JSON (keys in document order; comments are dropped).
pub fn toml_spec_to_json(text: &str) -> Result<String, SpecError> {
    let v: toml::Value = toml::from_str(text).map_err(|e| SpecError::File {
        path: "<spec>".into(),
        message: format!("TOML syntax: {}", e.message().trim()),
    })?;
    let j = serde_json::to_value(&v).map_err(|e| SpecError::File {
        path: "<spec>".into(),
        message: format!("cannot express the spec as JSON: {e}"),
    })?;
    Ok(serde_json::to_string_pretty(&j).expect("JSON values serialise") + "\n")
}

/// Read a JSON spec from text; `path` is only used in messages.
pub fn read_json_spec_str(text: &str, path: &str) -> Result<Scheme, SpecError> {
    let origin = Origin {
        path: path.to_string(),
        text: text.to_string(),
    };
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let offset = offset_of(text, e.line(), e.column());
        located(&origin, offset, format!("JSON syntax: {e}"))
    })?;
    if !v.is_object() {
        return Err(located(&origin, 0, "a JSON spec must be one object".into()));
    }
    let t = toml::Value::try_from(&v).map_err(|e| {
        located(
            &origin,
            0,
            format!("cannot read the spec (JSON null or mixed arrays are not spec values): {e}"),
        )
    })?;
    let toml_text = toml::to_string(&t)
        .map_err(|e| located(&origin, 0, format!("cannot read the spec: {e}")))?;
    read_spec_str(&toml_text, path).map_err(|e| remap(e, &origin))
}

/// Byte offset of a 1-based (line, column) position.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + col.saturating_sub(1)).min(text.len())
}

/// Point an error found in the TOML rendering at the JSON line holding the same key.
fn remap(e: SpecError, origin: &Origin) -> SpecError {
    let SpecError::At {
        message,
        source_line,
        ..
    } = &e
    else {
        return e;
    };
    let key = source_line.split(" = ").next().unwrap_or("").trim();
    let key = key.trim_matches(|c| c == '[' || c == ']');
    let quoted = if key.starts_with('"') {
        key.to_string()
    } else {
        format!("\"{key}\"")
    };
    match origin.text.find(&format!("{quoted}:")) {
        Some(at) if !key.is_empty() => located(origin, at, message.clone()),
        _ => located(origin, 0, format!("{message} (in `{source_line}`)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
title = "tiny"
model = "dropout"
prime = 7
input-length = 1
inputs = ["W[1..3]"]

[params]
users = 3
min-survivors = 2
colluders = 0

[roles]
input = "W[k]"
round1 = "X[k]"
round2 = "Y[k]{U1}"
randomness = "R[k]"

[randomness]
"Z[1..3]" = 1

[variables]
"X[1]" = "W[1] + Z[1]"
"#;

    #[test]
    fn toml_and_json_round_trip_to_the_same_document() {
        let j = toml_spec_to_json(SPEC).unwrap();
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back["params"]["min-survivors"], 2);
        assert_eq!(back["variables"]["X[1]"], "W[1] + Z[1]");
        // keys keep document order
        assert!(j.find("\"title\"").unwrap() < j.find("\"variables\"").unwrap());
    }

    #[test]
    fn json_errors_point_into_the_json_file() {
        let j = toml_spec_to_json(&SPEC.replace("W[1] + Z[1]", "W[1] + Q[9]")).unwrap();
        let e = read_json_spec_str(&j, "t.json").unwrap_err();
        let SpecError::At {
            line, source_line, ..
        } = &e
        else {
            panic!("{e}")
        };
        assert!(source_line.contains("\"X[1]\""), "{e}");
        assert_eq!(j.lines().nth(line - 1).unwrap(), source_line);
        assert!(e.to_string().starts_with("t.json:"), "{e}");
        let syntax = read_json_spec_str("{\"title\": }", "bad.json").unwrap_err();
        assert!(syntax.to_string().starts_with("bad.json:1:"), "{syntax}");
        assert!(syntax.to_string().contains("JSON syntax"), "{syntax}");
    }
}
