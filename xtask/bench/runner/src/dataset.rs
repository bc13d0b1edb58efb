//! The decode benchmark's input, written in the order the server writes it: each object's
//! properties in schema order (this crate's `serde_json` keeps insertion order), the way the
//! real server's answers in `tests/fixtures/server` come. An object whose tag came last would
//! make a union keep every member before it; sorted keys would put `json_schema` before
//! `type` and do exactly that.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

const CONVERSATIONS: usize = 2_000;

/// The files the decode benchmark reads.
pub struct Files {
    /// Every property set.
    pub conversations: PathBuf,
    /// The same as a newer server sends them (with `archived`, a property the schema lacks).
    pub newer: PathBuf,
    /// The same with a third of the optional properties absent and a fifth of the nullable
    /// ones `null`, as a server sends sparse records.
    pub sparse: PathBuf,
}

/// Writes the three datasets.
pub fn write(root: &Path, dir: &Path) -> Result<Files, String> {
    let schema_path = root.join("schema/letta-conversations.openapi.json");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path)
            .map_err(|e| format!("cannot read {}: {e}", schema_path.display()))?,
    )
    .map_err(|e| e.to_string())?;
    let conversations = conversations(&schema);
    let newer: Vec<Value> = conversations
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c["archived"] = json!(false);
            c
        })
        .collect();
    let sparse: Vec<Value> = conversations
        .iter()
        .enumerate()
        .map(|(i, c)| thinned(&schema, c, i))
        .collect();
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let files = Files {
        conversations: dir.join("conversations.json"),
        newer: dir.join("conversations-newer.json"),
        sparse: dir.join("conversations-sparse.json"),
    };
    for (path, value) in [
        (&files.conversations, &conversations),
        (&files.newer, &newer),
        (&files.sparse, &sparse),
    ] {
        let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files)
}

/// A conversation with some optional properties left out and some nullable ones `null`, by
/// its schema and its model settings' (chosen by position, so the file is the same every run).
fn thinned(schema: &Value, conversation: &Value, index: usize) -> Value {
    let schemas = &schema["components"]["schemas"];
    let mut out = thin(&schemas["Conversation"], conversation, index, None);
    let provider = conversation["model_settings"]["provider_type"].as_str();
    let union = support::model_settings_union(schema);
    let tag = union["discriminator"]["propertyName"].as_str();
    let target = provider.and_then(|p| union["discriminator"]["mapping"][p].as_str());
    if let (Some(target), Some(settings)) = (target, out.get("model_settings")) {
        let name = target.rsplit('/').next().unwrap_or_default();
        out["model_settings"] = thin(&schemas[name], settings, index + 1, tag);
    }
    out
}

/// One object thinned by its schema: of the properties it does not require (nor its union's
/// tag, `keep`), every third is left out and every fifth that may be `null` is.
fn thin(schema: &Value, object: &Value, index: usize, keep: Option<&str>) -> Value {
    let Some(properties) = object.as_object() else {
        return object.clone();
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out = serde_json::Map::new();
    for (position, (key, value)) in properties.iter().enumerate() {
        let turn = index + position;
        let declared = &schema["properties"][key.as_str()];
        let nullable = declared["anyOf"]
            .as_array()
            .is_some_and(|alternatives| alternatives.iter().any(|a| a["type"] == "null"));
        if required.contains(&key.as_str()) || keep == Some(key.as_str()) {
            out.insert(key.clone(), value.clone());
        } else if turn.is_multiple_of(3) {
            continue;
        } else if nullable && turn % 5 == 1 {
            out.insert(key.clone(), Value::Null);
        } else {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}

/// The three shapes of `response_format`, nested schema included.
fn response_formats() -> [Value; 3] {
    [
        json!({"type": "text"}),
        json!({"type": "json_object"}),
        json!({"type": "json_schema", "json_schema": {
            "name": "answer",
            "strict": true,
            "schema": {
                "type": "object",
                "properties": {
                    "answer": {"type": "string", "description": "the reply"},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "sources": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["answer"],
                "additionalProperties": false,
            },
        }}),
    ]
}

/// `CONVERSATIONS` conversations, every property set, cycling through the 15 variants and,
/// where a variant has one, the three response formats.
fn conversations(schema: &Value) -> Vec<Value> {
    let union = support::model_settings_union(schema);
    let variants: Vec<Value> = union["discriminator"]["mapping"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, target)| support::synthesize(schema, &json!({"$ref": target}), 0))
        .collect();
    let formats = response_formats();
    let template = support::synthesize(
        schema,
        &json!({"$ref": "#/components/schemas/Conversation"}),
        0,
    );
    (0..CONVERSATIONS)
        .map(|i| {
            let mut conversation = template.clone();
            let mut settings = variants[i % variants.len()].clone();
            if let Some(format) = settings.get_mut("response_format") {
                *format = formats[(i / variants.len()) % formats.len()].clone();
            }
            conversation["id"] = json!(format!("conv-{i:08x}-5f0c-4b7e-9d3a-1c2b3a4d5e6f"));
            conversation["agent_id"] = json!("agent-8f7e6d5c-4b3a-2918-0706-050403020100");
            conversation["summary"] = json!(format!("Conversation {i} about the quarterly plan"));
            conversation["in_context_message_ids"] = json!(
                (0..4)
                    .map(|m| format!("message-{i:06}-{m}"))
                    .collect::<Vec<_>>()
            );
            conversation["model_settings"] = settings;
            conversation
        })
        .collect()
}
