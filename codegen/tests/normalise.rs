//! The 3.1 → 3.0 rewrite, one construct at a time.

use codegen::error::Pointer;
use codegen::normalise;
use serde_json::{Value, json};

fn norm(schema: Value) -> Value {
    let mut schema = schema;
    normalise::schema(&mut schema, &Pointer::root()).expect("normalises");
    schema
}

#[test]
fn any_of_with_null_becomes_nullable() {
    assert_eq!(
        norm(json!({"anyOf": [{"type": "string"}, {"type": "null"}], "description": "d"})),
        json!({"description": "d", "nullable": true, "type": "string"})
    );
}

#[test]
fn nullable_ref_goes_through_all_of_and_keeps_siblings() {
    assert_eq!(
        norm(
            json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "default": null})
        ),
        json!({"default": null, "nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
    );
}

#[test]
fn nullable_union_stays_a_union() {
    let out = norm(json!({"anyOf": [
        {"oneOf": [{"$ref": "#/a"}, {"$ref": "#/b"}], "discriminator": {"propertyName": "t"}},
        {"type": "null"}
    ]}));
    assert_eq!(out["nullable"], json!(true));
    assert_eq!(out["oneOf"], json!([{"$ref": "#/a"}, {"$ref": "#/b"}]));
    assert_eq!(out["discriminator"]["propertyName"], json!("t"));
}

#[test]
fn type_arrays_lose_null() {
    assert_eq!(
        norm(json!({"type": ["integer", "null"]})),
        json!({"type": "integer", "nullable": true})
    );
    assert_eq!(
        norm(json!({"type": ["string", "integer"]})),
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
    );
}

#[test]
fn const_becomes_a_marked_single_value_enum() {
    assert_eq!(
        norm(json!({"const": "openai", "title": "T"})),
        json!({"title": "T", "type": "string", "enum": ["openai"], "x-const": true})
    );
}

#[test]
fn ref_with_siblings_keeps_them() {
    assert_eq!(
        norm(json!({"$ref": "#/components/schemas/A", "description": "why"})),
        json!({"description": "why", "allOf": [{"$ref": "#/components/schemas/A"}]})
    );
    assert_eq!(
        norm(json!({"$ref": "#/components/schemas/A"})),
        json!({"$ref": "#/components/schemas/A"})
    );
}

#[test]
fn examples_and_exclusive_bounds() {
    assert_eq!(
        norm(json!({"type": "number", "examples": [1, 2], "exclusiveMinimum": 0})),
        json!({"type": "number", "example": 1, "minimum": 0, "exclusiveMinimum": true})
    );
}

#[test]
fn nested_properties_and_items_are_rewritten() {
    let out = norm(json!({"type": "object", "properties": {
        "tags": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "null"}]}}
    }}));
    assert_eq!(
        out["properties"]["tags"]["items"],
        json!({"type": "string", "nullable": true})
    );
}

#[test]
fn a_property_named_like_a_keyword_is_not_a_keyword() {
    let out = norm(
        json!({"type": "object", "properties": {"const": {"type": "string"}, "type": {"type": "integer"}}}),
    );
    assert_eq!(out["properties"]["const"], json!({"type": "string"}));
    assert_eq!(out["properties"]["type"], json!({"type": "integer"}));
}

#[test]
fn non_schema_is_an_error_with_its_place() {
    let mut bad = json!({"type": "object", "properties": {"x": 5}});
    let err = normalise::schema(
        &mut bad,
        &Pointer::root().join("components").join("schemas").join("A"),
    )
    .unwrap_err();
    assert_eq!(err.pointer, "#/components/schemas/A/properties/x");
}
