//! Numbers in lists and maps come back in the forms they were sent in: a crate generated from
//! a document with `f64`s in lists, maps, nested lists of nullable numbers and an alias of a
//! list re-encodes `1` as `1`, not `1.0`, which `serde_json::Value` tells apart. And a
//! `uint64` integer holds every value its format allows, up to `u64::MAX`; an integer past its
//! type, in a field or in a list, is read as the nearest and written back as sent.

mod support;

use codegen::Options;
use serde_json::json;

fn document() -> String {
    let ok = json!({"200": {"description": "ok", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Point"}}}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Numbers Check", "version": "1"},
        "paths": {
            "/point": {"get": {"operationId": "point", "responses": ok}},
            "/points": {"get": {"operationId": "points", "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "uint64", "default": 20}}
            ], "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Point"}}}}}}}},
            "/marks": {"get": {"operationId": "marks", "parameters": [
                {"name": "after", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "string"}}
            ], "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Point"}}}}}}}}
        },
        "components": {"schemas": {
            "Coordinates": {"type": "array", "items": {"type": "number"}},
            "Point": {"type": "object", "required": ["at", "grid"], "properties": {
                "id": {"type": "string"},
                "hash": {"type": "integer", "format": "uint64"},
                "sizes": {"type": "array", "items": {"type": "integer", "format": "uint64"}},
                "offset": {"type": "integer", "format": "int32"},
                "at": {"$ref": "#/components/schemas/Coordinates"},
                "grid": {"type": "array", "items": {"type": "array", "items": {"type": "number", "nullable": true}}},
                "prices": {"type": "object", "additionalProperties": {"type": "number"}},
                "weights": {"type": "array", "nullable": true, "items": {"type": "number"}},
                "counts": {"type": "array", "items": {"type": "integer"}},
                "scale": {"type": "number"}
            }}
        }}
    })
    .to_string()
}

#[test]
fn a_field_holding_numbers_in_lists_or_maps_remembers_their_forms() {
    let files = codegen::generate(&document(), &Options::default()).expect("generates");
    let models = files
        .iter()
        .find(|f| f.path == "src/models.rs")
        .expect("models.rs");
    for line in [
        r#"pub at: Coordinates = required_numbers("at"),"#,
        r#"pub grid: Vec<Vec<Option<f64>>> = required_numbers("grid"),"#,
        r#"pub prices: Option<BTreeMap<String, f64>> = optional_numbers("prices"),"#,
        r#"pub counts: Option<Vec<i64>> = optional_numbers("counts"),"#,
        r#"pub scale: Option<f64> = optional_number("scale"),"#,
        r#"pub hash: Option<u64> = optional_integer("hash"),"#,
        r#"pub sizes: Option<Vec<u64>> = optional_numbers("sizes"),"#,
        r#"pub offset: Option<i64> = optional_integer("offset"),"#,
    ] {
        assert!(
            models.contents.contains(line),
            "{line}\n{}",
            models.contents
        );
    }
    // A `uint64` page size is one `into_stream` counts pages by; a `limit` of text is not.
    let client = files
        .iter()
        .find(|f| f.path == "src/client.rs")
        .expect("client.rs");
    for line in [
        r#"limit: u64 = query("limit"),"#,
        "into_stream(after, limit = 20) -> models::Point;",
        "into_stream(after) -> models::Point;",
    ] {
        assert!(
            client.contents.contains(line),
            "{line}\n{}",
            client.contents
        );
    }
}

const ROUND_TRIP_TEST: &str = r##"
use numbers_check::models::Point;

#[test]
fn numbers_come_back_as_they_were_sent() {
    for text in [
        r#"{"at":[1,2.5],"grid":[[1,null,2.0],[]],"prices":{"a":3,"b":3.25},"weights":null,"counts":[1],"scale":2}"#,
        r#"{"at":[],"grid":[],"weights":[0,0.5,-7]}"#,
        r#"{"at":[],"grid":[],"hash":18446744073709551615,"sizes":[0,9223372036854775808],"offset":-2147483649}"#,
        r#"{"at":[],"grid":[],"hash":-1,"sizes":[-1,1e20,7.0],"counts":[9223372036854775808,-9223372036854775809]}"#,
    ] {
        let point: Point = serde_json::from_str(text).expect("decodes");
        let sent: serde_json::Value = serde_json::from_str(text).expect("JSON");
        assert_eq!(serde_json::to_value(&point).expect("encodes"), sent, "{text}");
    }
    let point: Point = serde_json::from_str(r#"{"at":[],"grid":[],"sizes":[-1,7.0],"counts":[9223372036854775808]}"#)
        .expect("decodes");
    assert_eq!((point.sizes, point.counts), (Some(vec![0, 7]), Some(vec![i64::MAX])));
}
"##;

#[test]
fn a_generated_crate_round_trips_numbers_in_lists_and_maps() {
    let options = Options {
        source_label: "numbers.json".to_owned(),
        standalone: true,
        ..Options::default()
    };
    let files = codegen::generate(&document(), &options).expect("generates");
    assert!(
        support::generated_crate_test_passes(&files, "numbers-check", ROUND_TRIP_TEST),
        "numbers in lists and maps re-encode as sent"
    );
}
