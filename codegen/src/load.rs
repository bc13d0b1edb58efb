//! Reads the document text (JSON, or YAML through [`crate::yaml`]) and checks that it is an OpenAPI 3.0 or 3.1 description, so that
//! every later pass works on a JSON value in document order and can say where a problem is.

use serde_json::Value;

use crate::error::{Error, Location, Pointer, Result};

/// Parses a document, JSON or YAML (told apart by content: JSON starts with `{` or `[`), and
/// checks its `openapi` version: the passes after this
/// one read 3.0 and 3.1 alike (`normalise` brings 3.1 to 3.0), so the version is not kept.
pub fn parse(text: &str) -> Result<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start();
    if start.is_empty() {
        return Err(Error::at("#", "the document is empty")
            .hint("pass an OpenAPI 3.0 or 3.1 document in JSON or YAML"));
    }
    let doc = if start.starts_with(['{', '[']) {
        parse_json(text)?
    } else {
        crate::yaml::parse(text)?
    };
    check_version(&doc)?;
    Ok(doc)
}

fn parse_json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| {
        // Read again, following the path, only to say where: the first read stays fast.
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let pointer = match serde_path_to_error::deserialize::<_, Value>(&mut deserializer) {
            Err(located) => Pointer::of_serde_path(located.path()),
            Ok(_) => Pointer::root(),
        };
        let at = Location {
            line: e.line(),
            column: e.column(),
        };
        // serde_json ends its message with the position, which the error now holds.
        let shown = e.to_string();
        let message = shown
            .strip_suffix(&format!(" at line {} column {}", at.line, at.column))
            .unwrap_or(&shown);
        Error::syntax(pointer, format!("not valid JSON: {message}"), at)
            .hint("the generator reads OpenAPI documents in JSON or YAML form")
    })
}

fn check_version(doc: &Value) -> Result<()> {
    let Some(object) = doc.as_object() else {
        return Err(Error::at(
            "#",
            "the document is not an object (a JSON object or YAML mapping)",
        ));
    };
    match object.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => Ok(()),
        Some(Value::String(v)) if v.starts_with("3.1.") || v == "3.1" => Ok(()),
        Some(Value::String(v)) => Err(Error::at(
            "#/openapi",
            format!("unsupported OpenAPI version `{v}`"),
        )
        .hint("versions 3.0.x and 3.1.x are supported; convert Swagger 2.0 documents first")),
        Some(_) => Err(Error::at(
            "#/openapi",
            "`openapi` must be a version string such as \"3.1.0\"",
        )),
        None if object.contains_key("swagger") => Err(Error::at(
            "#/swagger",
            "Swagger 2.0 documents are not supported",
        )
        .hint("convert the document to OpenAPI 3.x first")),
        None => Err(Error::at("#", "missing the `openapi` version field")
            .hint("is this an OpenAPI document?")),
    }
}
