//! What the client puts on the wire and how it reports what comes back, read from the raw
//! bytes a local server (plain TCP on 127.0.0.1) receives: `Content-Length: 0` on bodiless
//! POSTs, `Accept-Encoding: gzip` with transparent decompression, the escape hatches (extra
//! query parameters, headers and body properties, a per-call timeout), errors that name their
//! method, URL and cause and keep every field of the body, and base URLs checked up front.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use letta_conversations::client::{CallOptions, ErrorBody, RequestOptions, TimeoutKind};
use letta_conversations::models::{CompactionRequest, CreateConversation, UpdateConversation};
use letta_conversations::{Client, Error, Patch};
use serde_json::{Value, json};

use support::raw::{MAX_REQUESTS, Request as Seen, json_answer, serve};
use tokio::net::TcpListener;

const CONVERSATION: &str =
    r#"{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","summary":"s"}"#;

/// A local server that records every request and answers each with `answer(request)`.
struct Recorder {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    async fn start(answer: fn(&Seen) -> Vec<u8>) -> Recorder {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let local = serve(move |mut conn| {
            let record = record.clone();
            async move {
                for _ in 0..MAX_REQUESTS {
                    let Some(request) = conn.request().await else {
                        return;
                    };
                    let reply = answer(&request);
                    record.lock().expect("not poisoned").push(request);
                    if !conn.write(&reply).await {
                        return;
                    }
                }
            }
        })
        .await;
        Recorder {
            base: local.base,
            seen,
        }
    }

    fn client(&self) -> Client {
        Client::new(&self.base).expect("a valid base URL")
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("not poisoned").clone()
    }

    fn last(&self) -> Seen {
        self.requests().pop().expect("a request arrived")
    }
}

fn answer(status: &str, body: &str) -> Vec<u8> {
    json_answer(status, body, "")
}

/// Each operation's success answer, by its path.
fn success(request: &Seen) -> Vec<u8> {
    let path = request.line.split(' ').nth(1).unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    let body = if path.ends_with("/cancel") {
        "{}"
    } else if path.ends_with("/recompile") {
        r#""the system prompt""#
    } else if path.ends_with("/compact") {
        r#"{"summary":"s","num_messages_before":4,"num_messages_after":2}"#
    } else if path == "/v1/conversations/" && request.line.starts_with("GET") {
        "[]"
    } else {
        CONVERSATION
    };
    answer("200 OK", body)
}

#[tokio::test]
async fn bodiless_posts_say_content_length_0_and_gets_send_no_length() {
    let server = Recorder::start(success).await;
    let conversations = server.client().conversations();
    conversations.fork("conv-1").send().await.expect("fork");
    conversations.cancel("conv-1").send().await.expect("cancel");
    conversations
        .recompile("conv-1")
        .send()
        .await
        .expect("recompile");
    conversations
        .compact("conv-1")
        .send()
        .await
        .expect("compact");
    conversations
        .retrieve("conv-1")
        .send()
        .await
        .expect("retrieve");
    conversations.delete("conv-1").send().await.expect("delete");
    let seen = server.requests();
    assert_eq!(seen.len(), 6, "{seen:#?}");
    for request in &seen[..4] {
        assert!(request.line.starts_with("POST "), "{}", request.line);
        assert_eq!(request.all("content-length"), ["0"], "{request:#?}");
        assert_eq!(request.header("transfer-encoding"), None);
        assert_eq!(request.header("content-type"), None, "no body, no type");
    }
    for request in &seen[4..] {
        assert_eq!(request.header("content-length"), None, "{request:#?}");
    }
    // A POST with a body says its own length, once.
    conversations
        .compact("conv-1")
        .body(CompactionRequest::default())
        .send()
        .await
        .expect("compact with a body");
    let with_body = server.last();
    assert_eq!(
        with_body.all("content-length"),
        [with_body.body.len().to_string()]
    );
    assert_eq!(with_body.json(), json!({}));
}

fn gzipped(request: &Seen) -> Vec<u8> {
    let offered = request
        .header("accept-encoding")
        .is_some_and(|v| v.contains("gzip"));
    if !offered {
        return answer("406 Not Acceptable", r#"{"detail":"gzip was not offered"}"#);
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let list = format!("[{CONVERSATION},{CONVERSATION}]");
    encoder.write_all(list.as_bytes()).expect("compresses");
    let body = encoder.finish().expect("compresses");
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    reply.extend_from_slice(&body);
    reply
}

#[tokio::test]
async fn every_request_offers_gzip_and_a_gzipped_answer_decodes() {
    let server = Recorder::start(gzipped).await;
    let listed = server
        .client()
        .conversations()
        .list()
        .send()
        .await
        .expect("a gzipped list decodes");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].id, "conv-1");
    let seen = server.last();
    assert_eq!(seen.header("accept-encoding"), Some("gzip"));
}

#[tokio::test]
async fn extra_query_parameters_headers_and_body_properties_go_on_the_wire() {
    let server = Recorder::start(success).await;
    let conversations = server.client().conversations();

    // Parameters the published description lacks (the hosted API's `archive_status`).
    conversations
        .list()
        .limit(5)
        .extra_query("archive_status", "archived")
        .extra_query("tag", "a b&c")
        .send()
        .await
        .expect("list");
    let seen = server.last();
    assert_eq!(
        seen.line,
        "GET /v1/conversations/?limit=5&archive_status=archived&tag=a+b%26c HTTP/1.1"
    );

    // Headers: new ones, repeated ones, and one that replaces the client's own.
    conversations
        .retrieve("conv-1")
        .extra_header("X-Trace", "one")
        .extra_header("x-trace", "two")
        .extra_header("User-Agent", "my-app/2")
        .send()
        .await
        .expect("retrieve");
    let seen = server.last();
    assert_eq!(seen.all("x-trace"), ["one", "two"]);
    assert_eq!(seen.all("user-agent"), ["my-app/2"]);

    // Body properties over a typed body: added at the top level, and replacing a typed one.
    let typed = CreateConversation {
        summary: Some("typed".into()),
        ..Default::default()
    };
    conversations
        .create("agent-1")
        .body(typed)
        .extra_body("description", "from the hosted API")
        .extra_body("context_window_limit", 32_000)
        .extra_body("summary", "replaced")
        .send()
        .await
        .expect("create");
    let seen = server.last();
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(
        seen.json(),
        json!({"summary": "replaced", "description": "from the hosted API", "context_window_limit": 32000})
    );

    // A call without a body sends an object of the extras alone.
    conversations
        .fork("conv-1")
        .extra_body("hidden", true)
        .extra_body("message_id", "message-9")
        .send()
        .await
        .expect("fork");
    let seen = server.last();
    assert_eq!(
        seen.json(),
        json!({"hidden": true, "message_id": "message-9"})
    );
    assert_eq!(seen.all("content-length"), [seen.body.len().to_string()]);

    // A required body (PATCH) takes them too; a whole `RequestOptions` carries all three.
    let options = RequestOptions::new()
        .extra_query("dry_run", "1")
        .extra_header("X-Project-Id", "p-1")
        .extra_body("description", "d");
    let patch = UpdateConversation {
        summary: Patch::Clear,
        ..Default::default()
    };
    conversations
        .update("conv-1", patch)
        .options(options)
        .send()
        .await
        .expect("update");
    let seen = server.last();
    assert!(
        seen.line
            .starts_with("PATCH /v1/conversations/conv-1?dry_run=1 ")
    );
    assert_eq!(seen.header("x-project-id"), Some("p-1"));
    assert_eq!(seen.json(), json!({"summary": null, "description": "d"}));
}

#[tokio::test]
async fn a_header_http_does_not_allow_fails_before_anything_is_sent() {
    let server = Recorder::start(success).await;
    let conversations = server.client().conversations();
    let error = conversations
        .retrieve("conv-1")
        .extra_header("bad name", "v")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Config(m) if m.contains("bad name")),
        "{error}"
    );
    let error = conversations
        .retrieve("conv-1")
        .extra_header("x-ok", "line\nbreak")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Config(m) if m.contains("x-ok")),
        "{error}"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
}

fn stall(_: &Seen) -> Vec<u8> {
    // Headers promising a body that never comes: the try can only end at its timeout.
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{".to_vec()
}

#[tokio::test]
async fn a_per_call_timeout_bounds_that_call_only() {
    let server = Recorder::start(stall).await;
    let client = Client::builder(&server.base)
        .timeout(Some(Duration::from_secs(30)))
        .max_retries(0)
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client
        .conversations()
        .retrieve("conv-1")
        .timeout(Some(Duration::from_millis(200)))
        .send()
        .await
        .expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(10));
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.kind, TimeoutKind::Try);
    assert_eq!(timeout.limit, Duration::from_millis(200));
}

fn not_found(_: &Seen) -> Vec<u8> {
    answer(
        "404 Not Found",
        r#"{"detail":"Not Found","trace_id":"t-404"}"#,
    )
}

fn unprocessable(_: &Seen) -> Vec<u8> {
    // The real server's 422: `detail` a string, and a `trace_id` beside it.
    answer(
        "422 Unprocessable Entity",
        r#"{"trace_id":"abc123","detail":"[{'type': 'string_too_short'}]","hint":{"n":1}}"#,
    )
}

#[tokio::test]
async fn api_errors_name_method_and_url_and_keep_every_field() {
    let server = Recorder::start(not_found).await;
    // A base URL that already ends in `/v1`: the path doubles, and the error shows it.
    let client = Client::new(format!("{}/v1", server.base)).expect("client");
    let error = client
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("404");
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    let url = format!("{}/v1/v1/conversations/conv-1", server.base);
    assert_eq!(api.method, "GET");
    assert_eq!(api.url, url);
    assert_eq!(
        error.to_string(),
        format!("GET {url}: the server answered 404: Not Found")
    );
    assert_eq!(api.field("trace_id"), Some(&json!("t-404")));

    let server = Recorder::start(unprocessable).await;
    let error = server
        .client()
        .conversations()
        .create("agent-1")
        .send()
        .await
        .expect_err("422");
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert!(matches!(&api.body, ErrorBody::Detail(d) if d.contains("string_too_short")));
    assert_eq!(api.field("trace_id"), Some(&json!("abc123")));
    assert_eq!(api.field("hint"), Some(&json!({"n": 1})));
    assert_eq!(api.fields.len(), 3);
    assert!(
        error.to_string().starts_with(&format!(
            "POST {}/v1/conversations/?agent_id=agent-1: the server answered 422",
            server.base
        )),
        "{error}"
    );
}

#[tokio::test]
async fn a_refused_connection_displays_its_cause() {
    // A port that was just free: nothing listens there.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder(format!("http://{address}"))
        .max_retries(0)
        .build()
        .expect("client");
    let error = client
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Transport(t) if t.is_connect()),
        "{error:?}"
    );
    let shown = error.to_string().to_lowercase();
    assert!(shown.contains("refused"), "the cause is displayed: {shown}");
    assert!(
        shown.contains(&address.to_string()),
        "the URL is displayed: {shown}"
    );
}

#[test]
fn a_malformed_base_url_is_refused_when_the_client_is_made() {
    for bad in [
        "not a url",
        "localhost:8283",
        "ftp://example.com",
        "mailto:a@b",
        "",
    ] {
        let error = Client::new(bad).expect_err(bad);
        assert!(matches!(error, Error::Config(_)), "{bad}: {error:?}");
        assert!(error.to_string().contains("base URL"), "{error}");
    }
    for good in [
        "http://localhost:8283",
        "https://api.letta.com",
        "http://127.0.0.1:1/prefix/",
    ] {
        let client = Client::new(good).expect(good);
        assert_eq!(client.base_url(), good);
    }
}

fn with_unknown_properties(_: &Seen) -> Vec<u8> {
    answer(
        "200 OK",
        r#"{"id":"conv-1","agent_id":"agent-1","archive_status":"active","context_window_limit":32000}"#,
    )
}

#[tokio::test]
async fn unknown_response_properties_are_read_from_extra() {
    let server = Recorder::start(with_unknown_properties).await;
    let conversation = server
        .client()
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect("decodes");
    assert_eq!(
        conversation
            .extra
            .get("archive_status")
            .and_then(Value::as_str),
        Some("active")
    );
    assert_eq!(
        conversation
            .extra
            .get("context_window_limit")
            .and_then(Value::as_u64),
        Some(32_000)
    );
}
