//! The HTTP half of the runtime, through the sample's operations against a local server that
//! records every request: what reaches the wire, and what comes back as values.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use letta_codegen_runtime::client::{DeclaredError, ErrorBody};
use letta_codegen_runtime::models::ItemUpdate;
use letta_codegen_runtime::{Client, Error, Patch};
use support::raw::{self, json_answer};

type Seen = Arc<Mutex<Vec<raw::Request>>>;

fn item(id: &str) -> String {
    format!(r#"{{"id":"{id}","created_at":"2026-12-04T10:00:00Z"}}"#)
}

/// The answer to each request the sample's operations make.
fn answer(request: &raw::Request) -> Vec<u8> {
    let target = request.line.split(' ').nth(1).unwrap_or_default();
    match target {
        "/items" => json_answer("200 OK", &format!("[{},{}]", item("a"), item("b")), ""),
        "/items?after=b" => json_answer("200 OK", &format!("[{}]", item("c")), ""),
        "/items?name=n" => json_answer("200 OK", &item("new"), ""),
        "/items/a%2Fb/form" | "/a%20b.bin?format=raw" => {
            b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()
        }
        "/items/bad" => json_answer("422 Unprocessable Entity", r#"{"detail":"no"}"#, ""),
        "/items/s" => {
            let events = format!(
                "data: {}\n\ndata: {}\n\ndata: [DONE]\n\n",
                item("e1"),
                item("e2")
            );
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {}\r\n\r\n{events}",
                events.len()
            )
            .into_bytes()
        }
        _ => json_answer("404 Not Found", r#"{"detail":"no route"}"#, ""),
    }
}

async fn server() -> (Client, Seen) {
    let seen: Seen = Arc::default();
    let recorded = seen.clone();
    let local = raw::serve(move |mut conn| {
        let recorded = recorded.clone();
        async move {
            while let Some(request) = conn.request().await {
                let answer = answer(&request);
                recorded.lock().expect("not poisoned").push(request);
                if !conn.write(&answer).await {
                    return;
                }
            }
        }
    })
    .await;
    let client = Client::builder(local.base)
        .bearer("secret")
        .build()
        .expect("a client");
    (client, seen)
}

fn requests(seen: &Seen) -> Vec<raw::Request> {
    seen.lock().expect("not poisoned").clone()
}

#[tokio::test]
async fn into_stream_follows_the_cursor_and_sends_the_credential() {
    let (client, seen) = server().await;
    let items: Vec<_> = client.items().list().into_stream().collect().await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("an item").id)
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let requests = requests(&seen);
    let lines: Vec<&str> = requests
        .iter()
        .map(|request| request.line.as_str())
        .collect();
    // The page size is the schema's default, so it is not sent; a page shorter than it is the last.
    assert_eq!(
        lines,
        ["GET /items HTTP/1.1", "GET /items?after=b HTTP/1.1"]
    );
    assert!(
        requests
            .iter()
            .all(|request| request.header("authorization") == Some("Bearer secret"))
    );
}

#[tokio::test]
async fn required_parameters_reach_the_query_the_header_and_the_body() {
    let (client, seen) = server().await;
    let body = ItemUpdate {
        name: Patch::Set("x".to_owned()),
        ..ItemUpdate::default()
    };
    let created = client
        .items()
        .create("n", "trace-1", body)
        .send()
        .await
        .expect("created");
    assert_eq!(created.id, "new");
    let request = &requests(&seen)[0];
    assert_eq!(request.line, "POST /items?name=n HTTP/1.1");
    assert_eq!(request.header("x-trace"), Some("trace-1"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.body, br#"{"name":"x"}"#);
}

#[tokio::test]
async fn a_form_body_is_encoded_and_a_path_parameter_cannot_change_the_path() {
    let (client, seen) = server().await;
    let form = ItemUpdate {
        name: Patch::Set("x y".to_owned()),
        ..ItemUpdate::default()
    };
    client
        .items()
        .submit("a/b", form)
        .send()
        .await
        .expect("sent");
    let request = &requests(&seen)[0];
    assert_eq!(request.line, "POST /items/a%2Fb/form HTTP/1.1");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.header("accept"), Some("text/plain"));
    assert_eq!(request.body, b"name=x+y");
}

#[tokio::test]
async fn an_error_body_the_description_declares_is_decoded_into_its_type() {
    let (client, seen) = server().await;
    let error = client
        .items()
        .update("bad", ItemUpdate::default())
        .send()
        .await
        .expect_err("a 422");
    let Error::Api(api) = error else {
        panic!("not an API error: {error}")
    };
    assert_eq!(api.status, 422);
    let ErrorBody::Declared(DeclaredError::Problem(problem)) = &api.body else {
        panic!("not the declared body: {:?}", api.body)
    };
    assert_eq!(problem.detail.as_deref(), Some("no"));
    // `send()` sets the body's stream switch off first.
    assert_eq!(requests(&seen)[0].body, br#"{"stream":false}"#);
}

#[tokio::test]
async fn a_stream_sets_its_switch_and_decodes_each_event() {
    let (client, seen) = server().await;
    let mut events = client
        .items()
        .update("s", ItemUpdate::default())
        .stream()
        .await
        .expect("a stream");
    let mut ids = Vec::new();
    while let Some(event) = events.next().await {
        ids.push(event.expect("an event").id);
    }
    assert_eq!(ids, ["e1", "e2"]);
    assert_eq!(requests(&seen)[0].body, br#"{"stream":true}"#);
}

#[tokio::test]
async fn a_route_joins_text_and_parameters_in_one_segment_and_keeps_its_query() {
    let (client, seen) = server().await;
    let bytes = bytes::Bytes::from_static(b"\x00\x01");
    client
        .items()
        .put_bytes("a b", bytes)
        .send()
        .await
        .expect("sent");
    let request = &requests(&seen)[0];
    assert_eq!(request.line, "PUT /a%20b.bin?format=raw HTTP/1.1");
    assert_eq!(
        request.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(request.body, b"\x00\x01");
}
