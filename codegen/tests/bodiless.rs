//! Success answers without a body. A 204 (or 205) has none, whatever content the description
//! declares for it (489 operations of 61 directory documents declare JSON there); an operation
//! with such an answer, or a 2xx declared without content, beside a JSON one gives
//! `Option<T>`, `None` for the empty answer (1,219 operations of 229 documents). A crate
//! generated from such a document calls a local server that answers either way, and follows
//! the pages of a list that ends with an empty answer. An operation that declares its success
//! as `2XX`, or declares no success answer but a `default`, gives that body too, and so does
//! one whose answer is `*/*` with a schema that is no string.

#[path = "support/local_server.rs"]
mod local_server;
mod support;

use codegen::model::{Answer, Ty};
use codegen::{Options, Selection};
use serde_json::json;

fn document() -> String {
    let item = json!({"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Bodiless Check", "version": "1"},
        "paths": {
            "/maybe": {"get": {"operationId": "maybe", "responses": {
                "200": {"description": "found", "content": item},
                "204": {"description": "nothing"}
            }}},
            "/accepted": {"post": {"operationId": "accepted", "responses": {
                "200": {"description": "done", "content": item},
                "202": {"description": "later"}
            }}},
            "/declared": {"get": {"operationId": "declared", "responses": {
                "204": {"description": "no body, whatever it says", "content": item}
            }}},
            "/strict": {"get": {"operationId": "strict", "responses": {
                "200": {"description": "found", "content": item}
            }}},
            "/fallback": {"get": {"operationId": "fallback", "responses": {
                "default": {"description": "every answer", "content": item}
            }}},
            "/ranged": {"get": {"operationId": "ranged", "responses": {
                "2XX": {"description": "found", "content": item}
            }}},
            "/anything": {"get": {"operationId": "anything", "responses": {
                "200": {"description": "found", "content": {"*/*": {"schema":
                    {"$ref": "#/components/schemas/Item"}}}}
            }}},
            "/any-text": {"get": {"operationId": "any_text", "responses": {
                "200": {"description": "text", "content": {"*/*": {"schema": {"type": "string"}}}}
            }}},
            "/pages": {"get": {"operationId": "pages",
                "parameters": [{"name": "after", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "a page", "content": {"application/json": {"schema":
                        {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}}}}},
                    "204": {"description": "no more"}
                }}}
        },
        "components": {"schemas": {
            "Item": {"type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}}},
            "Entry": {"type": "object", "required": ["id"],
                "properties": {"id": {"type": "string"}}}
        }}
    })
    .to_string()
}

#[test]
fn a_success_without_a_body_beside_a_json_one_makes_the_answer_optional() {
    let model = codegen::model(&document(), &Selection::All).expect("models");
    let answers: Vec<(&str, &str)> = model
        .operations
        .iter()
        .map(|op| {
            let shape = match &op.call.answer {
                Answer::Empty => "empty",
                Answer::Json(Ty::Nullable(_)) => "optional json",
                Answer::Json(_) => "json",
                Answer::Events(_) | Answer::JsonOrEvents { .. } => "events",
            };
            (op.operation_id.as_str(), shape)
        })
        .collect();
    assert_eq!(
        answers,
        [
            ("maybe", "optional json"),
            ("accepted", "optional json"),
            ("declared", "empty"),
            ("strict", "json"),
            ("fallback", "json"),
            ("ranged", "json"),
            ("anything", "json"),
            ("any_text", "empty"),
            ("pages", "optional json"),
        ]
    );
    let paginated: Vec<&str> = model
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| op.operation_id.as_str())
        .collect();
    assert_eq!(paginated, ["pages"], "an optional list still has pages");
}

/// Answers `/…?empty` with 204 and no body, `/pages` with two pages and then 204, anything else
/// with 200 and an item.
fn serve() -> String {
    local_server::serve(|line| {
        if line.starts_with("GET /pages") {
            if line.contains("after=c") {
                "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned()
            } else if line.contains("after=b") {
                local_server::json_answer(r#"[{"id":"c"}]"#)
            } else {
                local_server::json_answer(r#"[{"id":"a"},{"id":"b"}]"#)
            }
        } else if line.contains("fail") {
            let body = r#"{"name":"broken"}"#;
            format!(
                "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
        } else if line.contains("empty") {
            "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned()
        } else {
            local_server::json_answer(r#"{"name":"x"}"#)
        }
    })
}

const CLIENT_TEST: &str = r#"
use bodiless_check::client::{CallOptions, DeclaredError, ErrorBody};
use bodiless_check::{Client, Error};
use futures_util::TryStreamExt;

fn client() -> Client {
    Client::new(BASE_URL).expect("client")
}

#[tokio::test]
async fn an_empty_answer_is_none_where_the_description_allows_one() {
    let client = client();
    let found = client.maybe().send().await.expect("200");
    assert_eq!(found.map(|item| item.name), Some("x".to_owned()));
    assert!(client.maybe().extra_query("empty", "1").send().await.expect("204").is_none());
    assert!(client.accepted().extra_query("empty", "1").send().await.expect("204").is_none());
    let () = client.declared().extra_query("empty", "1").send().await.expect("204");
    match client.strict().extra_query("empty", "1").send().await {
        Err(Error::Decode(error)) => assert!(error.to_string().contains("EOF"), "{error}"),
        other => panic!("an empty answer where an item is due is a decode error: {other:?}"),
    }
}

#[tokio::test]
async fn a_2xx_default_or_any_media_type_answer_is_the_success_body() {
    let client = client();
    assert_eq!(client.fallback().send().await.expect("200").name, "x");
    assert_eq!(client.ranged().send().await.expect("200").name, "x");
    assert_eq!(client.anything().send().await.expect("200").name, "x");
    match client.fallback().extra_query("fail", "1").send().await {
        Err(Error::Api(api)) => match api.body {
            ErrorBody::Declared(DeclaredError::Item(item)) => assert_eq!(item.name, "broken"),
            other => panic!("default also types the error body: {other:?}"),
        },
        other => panic!("a 500 is an error: {other:?}"),
    }
}

#[tokio::test]
async fn pages_end_at_an_answer_without_a_body() {
    let ids: Vec<String> = client().pages().into_stream().map_ok(|entry| entry.id).try_collect().await.expect("pages");
    assert_eq!(ids, ["a", "b", "c"]);
}
"#;

#[test]
fn a_generated_client_reads_an_answer_without_a_body() {
    let options = Options {
        source_label: "bodiless.json".to_owned(),
        standalone: true,
        ..Options::default()
    };
    let files = codegen::generate(&document(), &options).expect("generates");
    let test = CLIENT_TEST.replace("BASE_URL", &format!("{:?}", serve()));
    assert!(
        support::generated_crate_test_passes(&files, "bodiless-check", &test),
        "an empty answer reads as None, or as the error it is"
    );
}
