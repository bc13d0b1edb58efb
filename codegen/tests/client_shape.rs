//! The client's shape as a user meets it: one naming scheme for builders that never collides
//! with another public type, one rule for bodies (required → argument, optional → `.body()`),
//! builder docs that name the ways each one sends, and variants spelt as their types.

use std::collections::BTreeSet;

use codegen::model::{Model, TextAccess, TypeKind, UnionKind, VariantText};
use codegen::{Options, Selection};
use serde_json::{Value, json};

mod support;

/// Names the generated crate defines outside the models.
const CRATE_ITEMS: [&str; 23] = [
    "Client",
    "ClientBuilder",
    "Error",
    "HasId",
    "DeclaredError",
    "EventStream",
    "ApiError",
    "Attempts",
    "CallOptions",
    "DecodeError",
    "ErrorBody",
    "RequestOptions",
    "RetryPolicy",
    "Stopped",
    "StreamError",
    "TimeoutError",
    "TimeoutKind",
    "TransportError",
    "Truncation",
    "Extra",
    "Patch",
    "Timestamp",
    "TimestampError",
];

fn document() -> Value {
    let object = |name: &str| json!({"type": "object", "properties": {name: {"type": "string"}}});
    let body = |schema: &str, required: bool| json!({"required": required, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let answer = |schema: &str| json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "shape", "version": "1"},
        "paths": {
            "/things": {
                "post": {"operationId": "create_thing", "tags": ["Things"], "requestBody": body("CreateThing", false), "responses": answer("Thing")},
                "patch": {"operationId": "update_thing", "tags": ["Things"], "requestBody": body("UpdateThing", true), "responses": answer("Thing")}
            },
            "/things/events": {
                "get": {"operationId": "watch_things", "tags": ["Things"], "responses": {"200": {"description": "events",
                    "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}
            },
            "/other": {
                "post": {"operationId": "ClientBuilder", "responses": answer("Thing")}
            }
        },
        "components": {"schemas": {
            // Models named exactly as the builders would be without the rule, and as the group.
            "CreateThing": object("name"),
            "UpdateThing": object("name"),
            "CreateThingBuilder": object("x"),
            "Things": object("x"),
            // Every schema is used, so that none is left out of the selection.
            "Thing": {"type": "object", "properties": {
                "id": {"type": "string"},
                "settings": {"$ref": "#/components/schemas/Settings"},
                "a": {"$ref": "#/components/schemas/CreateThingBuilder"},
                "b": {"$ref": "#/components/schemas/Things"},
                "c": {"$ref": "#/components/schemas/ClientBuilderBuilder"}
            }},
            "ClientBuilderBuilder": object("x"),
            "Settings": {
                "oneOf": [{"$ref": "#/components/schemas/OpenAISettings"}, {"$ref": "#/components/schemas/GoogleAISettings"}, {"$ref": "#/components/schemas/PlainSettings"}],
                "discriminator": {"propertyName": "kind", "mapping": {
                    "openai": "#/components/schemas/OpenAISettings",
                    "google_ai": "#/components/schemas/GoogleAISettings",
                    "other": "#/components/schemas/PlainSettings"
                }}
            },
            "OpenAISettings": {"type": "object", "properties": {"kind": {"const": "openai"}}},
            "GoogleAISettings": {"type": "object", "properties": {"kind": {"const": "google_ai"}}},
            "PlainSettings": {"type": "object", "properties": {"kind": {"const": "other"}}}
        }}
    })
}

fn model() -> Model {
    codegen::model(&document().to_string(), &Selection::All).expect("the document lowers")
}

#[test]
fn no_builder_or_group_shares_a_name_with_another_public_type() {
    let model = model();
    let mut seen: BTreeSet<String> = CRATE_ITEMS.iter().map(|s| (*s).to_owned()).collect();
    for def in &model.types {
        seen.insert(def.name.clone());
    }
    let models = seen.len();
    let builders: Vec<&str> = model
        .operations
        .iter()
        .map(|o| o.builder.as_str())
        .collect();
    for builder in &builders {
        assert!(
            seen.insert((*builder).to_owned()),
            "`{builder}` is taken twice"
        );
        assert!(
            builder.contains("Builder"),
            "`{builder}` follows the scheme"
        );
    }
    for group in model.groups.iter().filter_map(|g| g.tag.as_ref()) {
        assert!(
            seen.insert(group.type_name.clone()),
            "`{}` is taken twice",
            group.type_name
        );
    }
    assert_eq!(seen.len(), models + builders.len() + 1);
    // The operationId with `Builder`, unless that is taken: then the next free number.
    assert_eq!(
        builders,
        [
            "CreateThingBuilder2",
            "UpdateThingBuilder",
            "WatchThingsBuilder",
            "ClientBuilderBuilder2"
        ]
    );
}

/// A program using the generated crate as a user would: it compiles only if the required
/// body is the method's argument, the optional one the builder's setter, and only the
/// stream-only builder lacks `send()` (`stream()` is what it has).
const SHAPE_PROGRAM: &str = r#"
use shape::client::builders::{CreateThingBuilder2, UpdateThingBuilder};
use shape::models::{CreateThing, UpdateThing};

#[test]
fn bodies_and_ways_to_send() {
    let client = shape::Client::builder("http://127.0.0.1:9").build().expect("a client");
    let update: UpdateThingBuilder = client.things().update(UpdateThing::default());
    let create: CreateThingBuilder2 = client.things().create().body(CreateThing::default());
    drop((update.send(), create.send(), client.things().watch().stream()));
}
"#;

#[test]
fn a_required_body_is_an_argument_and_an_optional_one_a_setter() {
    let options = Options {
        selection: Selection::All,
        crate_name: Some("shape".into()),
        source_label: "shape.json".into(),
        standalone: true,
        ..Options::default()
    };
    let files = codegen::generate(&document().to_string(), &options).expect("generates");
    assert!(
        support::generated_crate_test_passes(&files, "shape-check", SHAPE_PROGRAM),
        "the program using the client's shape compiles and runs (see the output above)"
    );
    // Each builder's docs name the ways it sends: the model's words, printed as they are.
    let model = model();
    let sent_by: Vec<(&str, &str)> = model
        .operations
        .iter()
        .map(|op| (op.operation_id.as_str(), op.call.answer.sent_by()))
        .collect();
    assert!(
        sent_by.contains(&("watch_things", "`stream()`")),
        "{sent_by:?}"
    );
    assert!(
        sent_by.contains(&("create_thing", "`send()`")),
        "{sent_by:?}"
    );
}

#[test]
fn variants_named_after_their_types_keep_the_types_spelling() {
    let model = model();
    let id = model.find("Settings").expect("the union");
    let TypeKind::Union(union) = &model.get(id).kind else {
        panic!("a union")
    };
    let UnionKind::Tagged(tagged) = &union.kind else {
        panic!("tagged")
    };
    let names: Vec<&str> = tagged
        .variants
        .iter()
        .map(|v| v.variant.name.as_str())
        .collect();
    // `openai` holds `OpenAISettings`: `OpenAI`, as the type spells it. A tag its type does
    // not spell keeps its own name.
    assert_eq!(names, ["OpenAI", "GoogleAI", "Other"]);
}

#[test]
fn text_accessors_follow_the_shape_not_the_names() {
    let part = |kind: &str, field: &str| {
        json!({"type": "object", "required": ["kind", field],
               "properties": {"kind": {"const": kind}, field: {"type": "string"}}})
    };
    let document = json!({
        "openapi": "3.1.0",
        "info": {"title": "shape", "version": "1"},
        "paths": {"/notes": {"get": {"operationId": "get_note", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"type": "array", "items": {"anyOf": [
                {"$ref": "#/components/schemas/Note"}, {"$ref": "#/components/schemas/Count"}]}}}}}}}}},
        "components": {"schemas": {
            // Named nothing like Letta's: a note whose `content` is a string or parts, some of text.
            "Note": {"type": "object", "required": ["content"], "properties": {
                "content": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/components/schemas/Piece"}}]},
                "label": {"type": "string"}
            }},
            "Piece": {"oneOf": [{"$ref": "#/components/schemas/Words"}, {"$ref": "#/components/schemas/Picture"}],
                      "discriminator": {"propertyName": "kind"}},
            "Words": part("words", "text"),
            "Picture": part("picture", "url"),
            "Count": {"type": "object", "properties": {"n": {"type": "integer"}}}
        }}
    });
    let model = codegen::model(&document.to_string(), &Selection::All).expect("lowers");
    let has_text = |name: &str| {
        let id = model.find(name).unwrap_or_else(|| panic!("no {name}"));
        model.accessors_of(id).is_some_and(|a| a.text.is_some())
    };
    assert!(has_text("Words"), "a string `text` property");
    assert!(!has_text("Picture"), "no text to read");
    assert!(has_text("Piece"), "a union with a text part");
    assert!(has_text("Note"), "a `content` that holds text");
    assert!(!has_text("Count"));
    let id = model.find("Piece").expect("Piece");
    let TypeKind::Union(union) = &model.get(id).kind else {
        panic!("a union")
    };
    let Some(TextAccess::Variants(reads)) = model.accessors_of(id).and_then(|a| a.text.clone())
    else {
        panic!("read by variant")
    };
    assert_eq!(reads, [VariantText::Text, VariantText::None]);
    assert_eq!(union.variants().len(), 2);
}
