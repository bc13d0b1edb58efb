//! Shared by the suites and the benchmark runner: the project's schema, instances synthesized
//! from it, and the generator's options as `cargo xtask codegen` reads them.

use serde_json::{Map, Value, json};

#[cfg(feature = "raw-server")]
pub mod raw;

/// The project's root.
pub fn workspace_root() -> std::path::PathBuf {
    workspace_root::workspace_root!()
}

pub fn schema_text() -> String {
    let path = workspace_root().join("schema/letta-conversations.openapi.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The generator's options for the project's schema, from its configuration
/// (`schema/codegen.json`), as `cargo xtask codegen` reads them, at the version the committed
/// listing records.
pub fn options() -> codegen::Options {
    let path = workspace_root().join("schema/codegen.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut options =
        codegen::Options::from_config(&text).expect("schema/codegen.json is a configuration");
    options.source_label = "schema/letta-conversations.openapi.json".to_owned();
    let path = workspace_root().join("generated/API.json");
    let listing = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let surface = codegen::changes::Surface::from_listing(&listing)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    options.version = surface
        .version()
        .unwrap_or_else(|| panic!("{} records no version", path.display()))
        .to_owned();
    options
}

pub fn schema() -> Value {
    serde_json::from_str(&schema_text()).expect("schema/ is JSON")
}

/// The `provider_type` union as `Conversation.model_settings` holds it.
pub fn model_settings_union(schema: &Value) -> Value {
    let property = &schema["components"]["schemas"]["Conversation"]["properties"]["model_settings"];
    let alternatives = property["anyOf"]
        .as_array()
        .expect("model_settings is anyOf [union, null]");
    alternatives
        .iter()
        .find(|a| a.get("discriminator").is_some())
        .cloned()
        .expect("a discriminated alternative")
}

fn resolve<'a>(schema: &'a Value, reference: &str) -> &'a Value {
    let name = reference.rsplit('/').next().unwrap_or_default();
    &schema["components"]["schemas"][name]
}

/// A valid instance of `node` with every property set.
pub fn synthesize(schema: &Value, node: &Value, depth: usize) -> Value {
    assert!(depth < 32, "schema too deep to synthesize");
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        return synthesize(schema, resolve(schema, reference), depth + 1);
    }
    if let Some(constant) = node.get("const") {
        return constant.clone();
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = node.get(key).and_then(Value::as_array) {
            let first = alternatives
                .iter()
                .find(|a| a.get("type") != Some(&json!("null")))
                .expect("a non-null alternative");
            return synthesize(schema, first, depth + 1);
        }
    }
    if let Some(parts) = node.get("allOf").and_then(Value::as_array) {
        return synthesize(schema, &parts[0], depth + 1);
    }
    match node.get("type").and_then(Value::as_str) {
        Some("string") if node.get("format") == Some(&json!("date-time")) => {
            json!("2026-01-02T03:04:05Z")
        }
        Some("string") => json!("text"),
        Some("integer") => json!(7),
        Some("number") => json!(0.5),
        Some("boolean") => json!(true),
        Some("array") => json!([synthesize(
            schema,
            node.get("items").unwrap_or(&json!({})),
            depth + 1
        )]),
        Some("object") | None if node.get("properties").is_some() => {
            let mut object = Map::new();
            for (name, property) in node["properties"].as_object().into_iter().flatten() {
                object.insert(name.clone(), synthesize(schema, property, depth + 1));
            }
            Value::Object(object)
        }
        Some("object") => json!({"key": "value"}),
        _ => json!("anything"),
    }
}
