//! The decode benchmark's input, written in the order the server writes it: each object's
//! properties in schema order (this crate's `serde_json` keeps insertion order), the way the
//! real server's answers in `tests/fixtures/server` come. An object whose tag came last would
//! make a union keep every member before it; sorted keys would put `json_schema` before
//! `type` and do exactly that.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

const CONVERSATIONS: usize = 2_000;

/// Writes the conversations, and the same as a newer server sends them (with `archived`, a
/// property the schema lacks); returns both paths.
pub fn write(root: &Path, dir: &Path) -> Result<(PathBuf, PathBuf), String> {
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
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let paths = (
        dir.join("conversations.json"),
        dir.join("conversations-newer.json"),
    );
    for (path, value) in [(&paths.0, &conversations), (&paths.1, &newer)] {
        let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(paths)
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
