//! Bad input gets an error naming the place in the document, never a panic.

use codegen::{Options, Selection, generate};
use serde_json::{Value, json};

fn options() -> Options {
    Options {
        selection: Selection::All,
        ..Options::default()
    }
}

fn doc(paths: Value, schemas: Value) -> String {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
    .to_string()
}

fn get_returning(schema: Value) -> Value {
    json!({"/x": {"get": {"operationId": "get_x", "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": schema}}
    }}}}})
}

fn error_of(text: &str) -> codegen::Error {
    generate(text, &options()).expect_err("must fail")
}

#[test]
fn invalid_json() {
    let e = error_of("{\"openapi\": ");
    assert_eq!(e.pointer, "#/openapi", "the place being read");
    assert!(e.message.contains("not valid JSON"), "{e}");
}

#[test]
fn empty_document() {
    assert!(error_of("").message.contains("empty"));
    assert!(error_of("{}").message.contains("openapi"));
}

#[test]
fn wrong_version() {
    let e =
        error_of(r#"{"openapi": "4.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#);
    assert_eq!(e.pointer, "#/openapi");
    let e = error_of(r#"{"swagger": "2.0"}"#);
    assert_eq!(e.pointer, "#/swagger");
}

#[test]
fn dangling_ref_names_the_reference() {
    let e = error_of(&doc(
        get_returning(json!({"$ref": "#/components/schemas/Missing"})),
        json!({}),
    ));
    assert_eq!(
        e.pointer,
        "#/paths/~1x/get/responses/200/content/application~1json/schema/$ref"
    );
    assert!(e.message.contains("points nowhere"), "{e}");
}

#[test]
fn ref_to_a_non_schema() {
    let e = error_of(&doc(get_returning(json!({"$ref": "#/info"})), json!({})));
    assert!(e.message.contains("is not a schema"), "{e}");
}

#[test]
fn duplicate_operation_ids_are_numbered_with_a_warning() {
    let paths = json!({
        "/a": {"get": {"operationId": "same", "responses": {}}},
        "/b": {"get": {"operationId": "same", "responses": {}}},
        "/c": {"get": {"operationId": "same_2", "responses": {}}},
        "/d": {"get": {"responses": {}}},
        "/d/": {"get": {"responses": {}}}
    });
    let text = doc(paths, json!({}));
    let generated = codegen::generate_with_warnings(&text, &options()).expect("generates");
    let model = codegen::model(&text, &Selection::All).expect("a model");
    let ids: Vec<&str> = model
        .operations
        .iter()
        .map(|op| op.operation_id.as_str())
        .collect();
    assert_eq!(ids, ["same", "same_2", "same_2_2", "get_d", "get_d_2"]);
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    // Only the document's own repeat is its flaw; `same_2` and `get_d` clash with names
    // the generator made.
    assert_eq!(
        warnings,
        [
            "#/paths/~1b/get/operationId: operationId `same` is also used at #/paths/~1a/get; \
          this operation's is `same_2` here"
        ]
    );
}

#[test]
fn discriminator_mapping_pointing_nowhere() {
    let schemas = json!({
        "A": {"type": "object", "properties": {"kind": {"const": "a"}}},
        "U": {"oneOf": [{"$ref": "#/components/schemas/A"}],
              "discriminator": {"propertyName": "kind", "mapping": {"b": "#/components/schemas/B"}}}
    });
    let e = error_of(&doc(
        get_returning(json!({"$ref": "#/components/schemas/U"})),
        schemas,
    ));
    assert!(e.pointer.contains("discriminator/mapping/b"), "{e}");
}

#[test]
fn ref_cycle_between_aliases() {
    let schemas =
        json!({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}});
    let e = error_of(&doc(
        get_returning(json!({"$ref": "#/components/schemas/A"})),
        schemas,
    ));
    assert!(e.message.contains("cycle"), "{e}");
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let mut text = String::new();
    for _ in 0..10_000 {
        text.push_str("{\"items\":");
    }
    text.push_str("{}");
    for _ in 0..10_000 {
        text.push('}');
    }
    let e = error_of(
        &doc(
            get_returning(json!({"$ref": "#/components/schemas/A"})),
            json!({}),
        )
        .replace(
            "\"components\"",
            &format!("\"x-deep\": {text}, \"components\""),
        ),
    );
    assert!(e.pointer.starts_with("#/x-deep/items/items/"), "{e}");
    assert!(e.message.contains("recursion limit"), "{e}");
}

#[test]
fn selecting_a_missing_tag_says_so() {
    let text = doc(get_returning(json!({"type": "string"})), json!({}));
    let options = Options {
        selection: Selection::Tag("nope".into()),
        ..Options::default()
    };
    let e = generate(&text, &options).unwrap_err();
    assert_eq!(e.pointer, "#/paths");
}
