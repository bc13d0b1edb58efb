//! The passes recurse as deep as a document nests; they run on a stack of their own, so the
//! caller's thread (a test's, a tokio worker's) need not be large. A stack overflow aborts the
//! process, so a regression here fails the run rather than one assertion.

use codegen::{Options, Selection};
use serde_json::json;

/// A document whose one operation returns arrays nested `levels` deep.
fn nested_arrays(levels: usize) -> String {
    let mut schema = json!({"type": "string"});
    for _ in 0..levels {
        schema = json!({"type": "array", "items": schema});
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "deep", "version": "1"},
        "paths": {"/deep": {"get": {
            "operationId": "get_deep",
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Deep"}
            }}}}
        }}},
        "components": {"schemas": {"Deep": schema}}
    })
    .to_string()
}

/// Runs `generate` on a thread far smaller than the passes need (2 MiB in a debug build for
/// 60 levels).
fn generate_on_a_small_thread(text: String) -> codegen::Result<Vec<codegen::File>> {
    std::thread::Builder::new()
        .stack_size(128 << 10)
        .spawn(move || {
            let options = Options {
                selection: Selection::All,
                ..Options::default()
            };
            codegen::generate(&text, &options)
        })
        .expect("a thread")
        .join()
        .expect("no panic")
}

#[test]
fn deep_nesting_generates_from_a_small_thread() {
    let files = generate_on_a_small_thread(nested_arrays(60)).expect("60 levels generate");
    let models = files
        .iter()
        .find(|f| f.path == "src/models.rs")
        .expect("the models file");
    let alias = models
        .contents
        .split("pub type Deep =")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .expect("the alias `Deep`");
    assert_eq!(alias.matches("Vec<").count(), 60, "{alias}");
}

#[test]
fn the_deepest_readable_nesting_is_refused_from_a_small_thread() {
    // 123 levels is the most serde_json reads at this place in a document.
    let error = generate_on_a_small_thread(nested_arrays(123)).expect_err("past the bound");
    assert_eq!(
        error.pointer,
        format!("#/components/schemas/Deep{}", "/items".repeat(64))
    );
    assert!(
        error.to_string().contains("nest more than 64 levels"),
        "{error}"
    );
}
