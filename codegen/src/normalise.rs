//! Rewrites an OpenAPI 3.1 (JSON Schema 2020-12) document into the 3.0 shape `openapiv3` reads.
//!
//! Meaning that 3.0 cannot say is kept in `x-` extensions: `const` becomes a one-value `enum`
//! plus `x-const: true`, so later passes know the value is fixed rather than merely allowed.

use serde_json::{Map, Value, json};

use crate::error::{Error, Pointer, Result};
use crate::vocabulary::{Method, X_CONST};

/// Normalises the whole document in place.
pub fn normalise(doc: &mut Value) -> Result<()> {
    let root = doc
        .as_object_mut()
        .ok_or_else(|| Error::at("#", "the document is not a JSON object"))?;
    root.insert("openapi".to_owned(), json!("3.0.3"));
    for key in ["webhooks", "jsonSchemaDialect"] {
        root.remove(key);
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        if let Some(Value::Object(license)) = info.get_mut("license") {
            license.remove("identifier");
        }
    } else {
        return Err(Error::at("#/info", "missing `info` object")
            .hint("OpenAPI requires `info` with `title` and `version`"));
    }
    let top = Pointer::root();
    if !root.contains_key("paths") {
        root.insert("paths".to_owned(), json!({}));
    }
    if let Some(paths) = root.get_mut("paths") {
        let at = top.join("paths");
        let paths = paths
            .as_object_mut()
            .ok_or_else(|| Error::at(at.as_str(), "`paths` must be an object"))?;
        // Extensions (`x-…`) are allowed wherever a key is not a name, and carry nothing here.
        for (path, item) in paths.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            path_item(item, &at.join(path))?;
        }
    }
    if let Some(components) = root.get_mut("components") {
        let at = top.join("components");
        let components = components
            .as_object_mut()
            .ok_or_else(|| Error::at(at.as_str(), "`components` must be an object"))?;
        components.remove("pathItems");
        for (section, entries) in components.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
            let at = at.join(section);
            let Some(entries) = entries.as_object_mut() else {
                return Err(Error::at(
                    at.as_str(),
                    format!("`components/{section}` must be an object"),
                ));
            };
            for (name, entry) in entries.iter_mut() {
                let at = at.join(name);
                match section.as_str() {
                    "schemas" => schema(entry, &at)?,
                    "parameters" | "headers" => parameter(entry, &at)?,
                    "requestBodies" | "responses" => with_content(entry, &at)?,
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

fn path_item(item: &mut Value, at: &Pointer) -> Result<()> {
    let item = item
        .as_object_mut()
        .ok_or_else(|| Error::at(at.as_str(), "a path item must be an object"))?;
    if let Some(params) = item.get_mut("parameters") {
        parameters(params, &at.join("parameters"))?;
    }
    for method in Method::ALL.map(Method::key) {
        let Some(op) = item.get_mut(method) else {
            continue;
        };
        let at = at.join(method);
        let op = op
            .as_object_mut()
            .ok_or_else(|| Error::at(at.as_str(), "an operation must be an object"))?;
        op.remove("callbacks");
        if let Some(params) = op.get_mut("parameters") {
            parameters(params, &at.join("parameters"))?;
        }
        if let Some(body) = op.get_mut("requestBody") {
            with_content(body, &at.join("requestBody"))?;
        }
        if let Some(responses) = op.get_mut("responses") {
            let at = at.join("responses");
            let responses = responses
                .as_object_mut()
                .ok_or_else(|| Error::at(at.as_str(), "`responses` must be an object"))?;
            for (code, response) in responses.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
                with_content(response, &at.join(code))?;
            }
        }
    }
    Ok(())
}

fn parameters(params: &mut Value, at: &Pointer) -> Result<()> {
    let params = params
        .as_array_mut()
        .ok_or_else(|| Error::at(at.as_str(), "`parameters` must be an array"))?;
    for (i, p) in params.iter_mut().enumerate() {
        parameter(p, &at.join(i))?;
    }
    Ok(())
}

fn parameter(param: &mut Value, at: &Pointer) -> Result<()> {
    let Some(param) = param.as_object_mut() else {
        return Err(Error::at(at.as_str(), "a parameter must be an object"));
    };
    if param.contains_key("$ref") {
        return Ok(());
    }
    param.remove("examples");
    if let Some(s) = param.get_mut("schema") {
        schema(s, &at.join("schema"))?;
    }
    if let Some(content) = param.get_mut("content") {
        content_map(content, &at.join("content"))?;
    }
    Ok(())
}

/// A request body or response: `content` (and response `headers`).
fn with_content(value: &mut Value, at: &Pointer) -> Result<()> {
    let Some(object) = value.as_object_mut() else {
        return Err(Error::at(at.as_str(), "expected an object"));
    };
    if object.contains_key("$ref") {
        return Ok(());
    }
    if let Some(content) = object.get_mut("content") {
        content_map(content, &at.join("content"))?;
    }
    if let Some(Value::Object(headers)) = object.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            parameter(header, &at.join("headers").join(name))?;
        }
    }
    Ok(())
}

fn content_map(content: &mut Value, at: &Pointer) -> Result<()> {
    let content = content
        .as_object_mut()
        .ok_or_else(|| Error::at(at.as_str(), "`content` must be an object"))?;
    for (media_type, media) in content.iter_mut() {
        let at = at.join(media_type);
        let media = media
            .as_object_mut()
            .ok_or_else(|| Error::at(at.as_str(), "a media type must be an object"))?;
        media.remove("examples");
        if let Some(s) = media.get_mut("schema") {
            schema(s, &at.join("schema"))?;
        }
    }
    Ok(())
}

/// Keywords of JSON Schema 2020-12 that 3.0 lacks and that carry nothing the generator uses.
const DROPPED_KEYWORDS: [&str; 14] = [
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "contentMediaType",
    "contentEncoding",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
];

fn is_null_schema(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    match object.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t == "null"),
        _ => {
            (object.get("const") == Some(&Value::Null))
                || object
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.len() == 1 && e[0].is_null())
        }
    }
}

fn json_type_of(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => return None,
    })
}

/// Normalises one schema and, recursively, its subschemas.
///
/// One function of about 120 lines rather than several: the rewrites run in this order and
/// each reads what the ones before left (`type: [T, "null"]` and `const: null` set `nullable`,
/// which folding a null alternative keeps), so the sequence is clearest read top to bottom.
pub fn schema(value: &mut Value, at: &Pointer) -> Result<()> {
    match value {
        Value::Bool(true) => {
            *value = json!({});
            return Ok(());
        }
        Value::Bool(false) => {
            *value = json!({"not": {}});
            return Ok(());
        }
        Value::Object(_) => {}
        _ => {
            return Err(Error::at(
                at.as_str(),
                "a schema must be an object or a boolean",
            ));
        }
    }
    let Some(object) = value.as_object_mut() else {
        return Err(Error::at(at.as_str(), "a schema must be an object"));
    };

    for key in DROPPED_KEYWORDS {
        object.remove(key);
    }
    // `x-const` is this generator's own mark (set below): a document's own is not trusted.
    object.remove(X_CONST);
    subschemas(object, at)?;

    if let Some(reference) = object.get("$ref").cloned() {
        if !reference.is_string() {
            return Err(Error::at(
                at.join("$ref").as_str(),
                "`$ref` must be a string",
            ));
        }
        // Extensions beside a reference say nothing about the value: the reference stays one.
        object.retain(|key, _| key == "$ref" || !key.starts_with("x-"));
        if object.len() > 1 {
            // 3.0 ignores siblings of `$ref`; `allOf` keeps them (descriptions, defaults).
            object.remove("$ref");
            object.insert("allOf".to_owned(), json!([{ "$ref": reference }]));
        }
        return Ok(());
    }

    // `type: [T, "null"]`.
    if let Some(Value::Array(types)) = object.get("type").cloned() {
        let mut rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if rest.len() < types.len() {
            object.insert("nullable".to_owned(), Value::Bool(true));
        }
        match rest.len() {
            0 => {
                object.remove("type");
            }
            1 => {
                object.insert("type".to_owned(), rest.remove(0));
            }
            _ => {
                object.remove("type");
                let alternatives: Vec<Value> =
                    rest.into_iter().map(|t| json!({ "type": t })).collect();
                object.insert("anyOf".to_owned(), Value::Array(alternatives));
            }
        }
    } else if object.get("type").is_some_and(|t| t == "null") {
        object.remove("type");
        object.insert("nullable".to_owned(), Value::Bool(true));
    }

    if let Some(constant) = object.remove("const") {
        if constant.is_null() {
            object.insert("nullable".to_owned(), Value::Bool(true));
        } else {
            if !object.contains_key("type") {
                if let Some(t) = json_type_of(&constant) {
                    object.insert("type".to_owned(), json!(t));
                }
            }
            object.insert("enum".to_owned(), Value::Array(vec![constant]));
            object.insert(X_CONST.to_owned(), Value::Bool(true));
        }
    }

    if let Some(Value::Array(values)) = object.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() < before {
            object.insert("nullable".to_owned(), Value::Bool(true));
            if object
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            {
                object.remove("enum");
            }
        }
    }

    if let Some(examples) = object.remove("examples") {
        if !object.contains_key("example") {
            if let Some(first) = examples.as_array().and_then(|e| e.first()) {
                object.insert("example".to_owned(), first.clone());
            }
        }
    }

    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit) = object.get(exclusive).filter(|v| v.is_number()).cloned() {
            object.insert(bound.to_owned(), limit);
            object.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }

    for combinator in ["anyOf", "oneOf"] {
        fold_null_alternative(object, combinator, at)?;
    }
    Ok(())
}

/// `anyOf: [X, {type: null}]` becomes `X` marked `nullable` (through `allOf` when X is a `$ref`).
fn fold_null_alternative(
    object: &mut Map<String, Value>,
    combinator: &str,
    at: &Pointer,
) -> Result<()> {
    let Some(alternatives) = object.get(combinator) else {
        return Ok(());
    };
    let Some(alternatives) = alternatives.as_array() else {
        return Err(Error::at(
            at.join(combinator).as_str(),
            format!("`{combinator}` must be an array"),
        ));
    };
    if alternatives.is_empty() {
        return Err(Error::at(
            at.join(combinator).as_str(),
            format!("`{combinator}` must not be empty"),
        ));
    }
    let non_null: Vec<Value> = alternatives
        .iter()
        .filter(|a| !is_null_schema(a) && !is_bare_nullable(a))
        .cloned()
        .collect();
    if non_null.len() == alternatives.len() {
        return Ok(());
    }
    object.insert("nullable".to_owned(), Value::Bool(true));
    match non_null.len() {
        0 => {
            object.remove(combinator);
        }
        1 => {
            object.remove(combinator);
            let only = non_null.into_iter().next().unwrap_or(Value::Null);
            let only_object = only.as_object().cloned().unwrap_or_default();
            if only_object.contains_key("$ref") || object.contains_key("discriminator") {
                object.insert("allOf".to_owned(), Value::Array(vec![only]));
            } else {
                // Inline alternative: its keywords move up, the outer description and default win.
                for (key, v) in only_object {
                    object.entry(key).or_insert(v);
                }
            }
        }
        _ => {
            object.insert(combinator.to_owned(), Value::Array(non_null));
        }
    }
    Ok(())
}

/// After normalisation a `{type: null}` alternative reads `{nullable: true}`.
fn is_bare_nullable(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.get("nullable") == Some(&Value::Bool(true)))
}

fn subschemas(object: &mut Map<String, Value>, at: &Pointer) -> Result<()> {
    if let Some(properties) = object.get_mut("properties") {
        let at = at.join("properties");
        let properties = properties
            .as_object_mut()
            .ok_or_else(|| Error::at(at.as_str(), "`properties` must be an object"))?;
        for (name, s) in properties.iter_mut() {
            schema(s, &at.join(name))?;
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(s) = object.get_mut(key) {
            if key == "additionalProperties" && s.is_boolean() {
                continue;
            }
            if key == "items" && s.is_array() {
                // Tuple form: 3.0 has no tuples, so any item is allowed.
                *s = json!({});
                continue;
            }
            schema(s, &at.join(key))?;
        }
    }
    if object.remove("prefixItems").is_some() && !object.contains_key("items") {
        object.insert("items".to_owned(), json!({}));
    }
    object.remove("patternProperties");
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = object.get_mut(key) {
            let at = at.join(key);
            let list = list
                .as_array_mut()
                .ok_or_else(|| Error::at(at.as_str(), format!("`{key}` must be an array")))?;
            for (i, s) in list.iter_mut().enumerate() {
                schema(s, &at.join(i))?;
            }
        }
    }
    Ok(())
}
