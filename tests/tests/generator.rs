//! The committed `generated/` is exactly what the generator makes of `schema/`, every time.

use codegen::generate;

#[test]
fn committed_code_is_fresh() {
    let files = generate(&support::schema_text(), &support::options()).expect("schema/ generates");
    let root = support::workspace_root().join("generated");
    let mut stale = Vec::new();
    for file in &files {
        let committed = std::fs::read_to_string(root.join(&file.path)).unwrap_or_default();
        if committed != file.contents {
            stale.push(file.path.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `cargo xtask codegen`"
    );
}

#[test]
fn generation_is_deterministic() {
    let text = support::schema_text();
    let first = generate(&text, &support::options()).expect("generates");
    let second = generate(&text, &support::options()).expect("generates");
    assert_eq!(first, second);
}

#[test]
fn schema_covers_the_conversation_operations() {
    let schema = support::schema();
    assert!(
        schema["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "schema/ is OpenAPI 3.1"
    );
    let model =
        codegen::model(&support::schema_text(), &support::options().selection).expect("models");
    let ids: Vec<&str> = model
        .operations
        .iter()
        .map(|op| op.operation_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "create_conversation",
            "list_conversations",
            "retrieve_conversation",
            "update_conversation",
            "delete_conversation",
            "fork_conversation",
            "list_conversation_messages",
            "send_conversation_message",
            "preview_conversation_model_request",
            "retrieve_conversation_stream",
            "cancel_conversation",
            "recompile_conversation",
            "compact_conversation"
        ]
    );
}
