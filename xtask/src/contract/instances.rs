//! Arguments for the harness: a valid instance of a schema, built from its example, default,
//! first enum value, or else its type, format and bounds.

use serde_json::{Map, Value, json};

use super::escape;
use super::pattern;

/// A valid instance of a schema: its example, default or first enum value, else one built
/// from its type and format, objects with their required properties.
pub fn instance(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    if schema.get("$ref").is_some() {
        let target = resolved(doc, schema);
        return match target.get("$ref") {
            Some(_) => json!({}),
            None => instance(doc, target, depth + 1),
        };
    }
    for key in ["example", "default"] {
        if let Some(value) = schema
            .get(key)
            .filter(|v| !v.is_null() && conforms(doc, schema, v, 0))
        {
            return value.clone();
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match instance(doc, part, depth + 1) {
                Value::Object(object) => merged.extend(object),
                // A part that is no object (`allOf: [{$ref: Arn}, {description}]`) is the value.
                other => return other,
            }
        }
        if let Value::Object(own) = object_instance(doc, schema, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return instance(doc, first, depth + 1);
        }
    }
    let ty = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_else(|| {
            if schema.get("properties").is_some() {
                "object"
            } else if schema.get("items").is_some() {
                "array"
            } else {
                ""
            }
        });
    match ty {
        "string" => string_instance(schema),
        "integer" => {
            let min = schema
                .get("minimum")
                .and_then(Value::as_f64)
                .map(|m| m.ceil() as i64);
            let max = schema
                .get("maximum")
                .and_then(Value::as_f64)
                .map(|m| m.floor() as i64);
            json!(
                min.unwrap_or(1)
                    .min(max.unwrap_or(i64::MAX))
                    .max(min.unwrap_or(i64::MIN))
            )
        }
        "number" => {
            let min = schema.get("minimum").and_then(Value::as_f64);
            let max = schema.get("maximum").and_then(Value::as_f64);
            json!(min.unwrap_or(1.0).min(max.unwrap_or(f64::MAX)))
        }
        "boolean" => json!(true),
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(json!({}));
            let count = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .max(1) as usize;
            Value::Array(
                (0..count.min(3))
                    .map(|_| instance(doc, &items, depth + 1))
                    .collect(),
            )
        }
        "object" => object_instance(doc, schema, depth),
        _ => json!({}),
    }
}

/// Whether a value has the JSON type the schema declares (or the schema declares none): an
/// example or default of another type (`"false"` for a boolean) is a slip of the document,
/// and an instance built from the type is sent instead.
fn agrees(schema: &Value, value: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        _ => true,
    }
}

/// Whether an example or default fits its schema, through its properties, items and parts:
/// the type of each value, the required properties present. An example that fits at the top
/// may not inside (`"sms": "Bonjour"` where `sms` is a list), and the generated type would
/// refuse it before it is sent.
fn conforms(doc: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    let schema = resolved(doc, schema);
    if value.is_null() {
        return schema.get("nullable") == Some(&Value::Bool(true))
            || !schema.get("type").is_some_and(Value::is_string);
    }
    if !agrees(schema, value) {
        return false;
    }
    let parts = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_array)
            .filter(|p| !p.is_empty())
    };
    if parts("allOf")
        .is_some_and(|all| !all.iter().all(|part| conforms(doc, part, value, depth + 1)))
    {
        return false;
    }
    let fits_one = |key: &str| {
        parts(key).is_none_or(|any| any.iter().any(|part| conforms(doc, part, value, depth + 1)))
    };
    if !fits_one("oneOf") || !fits_one("anyOf") {
        return false;
    }
    match value {
        Value::Object(object) => {
            let required = schema.get("required").and_then(Value::as_array);
            let missing = required
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|name| !object.contains_key(name));
            let properties = schema.get("properties").and_then(Value::as_object);
            !missing
                && object.iter().all(|(name, value)| {
                    properties
                        .and_then(|p| p.get(name))
                        .is_none_or(|property| conforms(doc, property, value, depth + 1))
                })
        }
        Value::Array(items) => schema.get("items").is_none_or(|item| {
            items
                .iter()
                .all(|value| conforms(doc, item, value, depth + 1))
        }),
        _ => true,
    }
}

/// A required body's instance: one with a property even when the schema requires none, since
/// an empty form is an empty body, which a server takes for no body at all.
pub fn body_instance(doc: &Value, schema: &Value) -> Value {
    let value = instance(doc, schema, 0);
    let Value::Object(mut object) = value else {
        return value;
    };
    if object.is_empty() {
        let first = resolved(doc, schema)
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|properties| properties.iter().next());
        if let Some((name, property)) = first {
            object.insert(name.clone(), instance(doc, property, 1));
        }
    }
    Value::Object(object)
}

/// The schema a chain of `$ref`s ends at (itself when it is no reference).
fn resolved<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let name = reference.rsplit('/').next().unwrap_or_default();
        match doc.pointer(&format!("/components/schemas/{}", escape(name))) {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// The schema of a property as the schema or one of its `allOf` parts declares it: a name
/// required at the top (`allOf: [A, B], required: [x]`) is often declared only in a part.
fn declared(doc: &Value, schema: &Value, name: &str, depth: usize) -> Option<Value> {
    let schema = resolved(doc, schema);
    if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(property.clone());
    }
    if depth > 8 {
        return None;
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)?
        .iter()
        .find_map(|part| declared(doc, part, name, depth + 1))
}

fn object_instance(doc: &Value, schema: &Value, depth: usize) -> Value {
    let mut object = Map::new();
    let properties = schema.get("properties").and_then(Value::as_object);
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let property = declared(doc, schema, name, 0).unwrap_or(json!({"type": "string"}));
        object.insert(name.to_owned(), instance(doc, &property, depth + 1));
    }
    // `minProperties` (a tag map of at least one entry, say): declared properties first, then
    // entries of `additionalProperties`.
    let wanted = schema
        .get("minProperties")
        .and_then(Value::as_u64)
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
        .min(8);
    for (name, property) in properties.into_iter().flatten() {
        if object.len() >= wanted {
            break;
        }
        if !object.contains_key(name) {
            object.insert(name.clone(), instance(doc, property, depth + 1));
        }
    }
    let additional = match schema.get("additionalProperties") {
        Some(Value::Bool(false)) => None,
        Some(Value::Object(entry)) => Some(Value::Object(entry.clone())),
        _ => Some(json!({"type": "string"})),
    };
    if let Some(entry) = additional {
        let mut n = 0;
        while object.len() < wanted {
            n += 1;
            let key = format!("key{n}");
            if !object.contains_key(&key) {
                object.insert(key, instance(doc, &entry, depth + 1));
            }
        }
    }
    Value::Object(object)
}

fn string_instance(schema: &Value) -> Value {
    let min = schema
        .get("minLength")
        .and_then(Value::as_u64)
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
        .min(pattern::MAX_TEXT);
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Some(mut text) = pattern::matching(pattern, min)
    {
        // An unanchored end takes padding when no repetition could grow.
        if !pattern.ends_with('$') {
            pad(&mut text, min);
        }
        return Value::String(text);
    }
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05",
        "uuid" => "123e4567-e89b-12d3-a456-426614174000",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "127.0.0.1",
        "ipv6" => "::1",
        "byte" => "YQ==",
        _ => "a",
    };
    let mut text = text.to_owned();
    pad(&mut text, min);
    Value::String(text)
}

fn pad(text: &mut String, min: usize) {
    let length = text.chars().count();
    text.extend(std::iter::repeat_n('a', min.saturating_sub(length)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_follow_the_schema() {
        let doc = json!({"components": {"schemas": {"Pet": {"type": "object", "required": ["name", "age"],
            "properties": {"name": {"type": "string", "minLength": 3}, "age": {"type": "integer", "minimum": 2}, "tag": {"type": "string"}}}}}});
        assert_eq!(
            instance(&doc, &json!({"$ref": "#/components/schemas/Pet"}), 0),
            json!({"name": "aaa", "age": 2})
        );
        assert_eq!(
            instance(&doc, &json!({"type": "string", "format": "date-time"}), 0),
            json!("2024-01-02T03:04:05Z")
        );
        assert_eq!(instance(&doc, &json!({"enum": [null, "b"]}), 0), json!("b"));
        let slip = json!({"type": "boolean", "default": "false"});
        assert_eq!(instance(&doc, &slip, 0), json!(true));
        let form = json!({"type": "object", "properties": {"data": {"type": "string"}}});
        assert_eq!(body_instance(&doc, &form), json!({"data": "a"}));
        assert_eq!(
            body_instance(&doc, &json!({"$ref": "#/components/schemas/Pet"})),
            json!({"name": "aaa", "age": 2})
        );
        let sms = json!({"type": "object", "required": ["sms"],
            "properties": {"sms": {"type": "array", "items": {"type": "string"}}},
            "example": {"sms": "Bonjour"}});
        assert_eq!(
            instance(&doc, &sms, 0),
            json!({"sms": ["a"]}),
            "an example wrong inside"
        );
        let fits = json!({"type": "object", "properties": {"n": {"type": "integer", "nullable": true}},
            "example": {"n": null, "other": "kept"}});
        assert_eq!(
            instance(&doc, &fits, 0),
            json!({"n": null, "other": "kept"})
        );
        let scoped = json!({"allOf": [
            {"properties": {"note": {"type": "string"}}},
            {"properties": {"grants": {"type": "array", "items": {"type": "integer"}}}}
        ], "required": ["grants", "owner"]});
        assert_eq!(
            instance(&json!({}), &scoped, 0),
            json!({"grants": [1], "owner": "a"}),
            "a property the parts declare keeps their type"
        );
        let arn = json!({"allOf": [{"type": "string", "pattern": "arn:[a-z]+", "minLength": 8}, {"description": "d"}]});
        assert_eq!(instance(&doc, &arn, 0), json!("arn:aaaa"));
        // `minProperties`: declared properties first, then entries of the map.
        let tags = json!({"type": "object", "minProperties": 2, "additionalProperties": {"type": "integer", "minimum": 5}});
        assert_eq!(instance(&doc, &tags, 0), json!({"key1": 5, "key2": 5}));
        let some =
            json!({"type": "object", "minProperties": 1, "properties": {"a": {"type": "boolean"}}});
        assert_eq!(instance(&doc, &some, 0), json!({"a": true}));
    }
}
