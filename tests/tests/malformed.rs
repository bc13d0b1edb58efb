//! The client survives malformed answers: each gives a typed error (or, where the bytes still
//! mean something, a value), never a panic. A raw TCP server on 127.0.0.1 sends exactly the
//! bytes of each case, so broken framing, invalid UTF-8 and lying headers are possible.

use std::time::Duration;

use futures_util::StreamExt;
use letta_conversations::client::{ErrorBody, StreamError};
use letta_conversations::models::{Conversation, ModelSettings};
use letta_conversations::{Client, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `response` (raw bytes) to every connection, after reading the request head and body.
async fn serve(response: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| {
                                l.strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}")
}

fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn json(status: &str, body: &str) -> Vec<u8> {
    http(status, "application/json", body.as_bytes())
}

fn sse(body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n{body}")
        .into_bytes()
}

fn client(base: String) -> Client {
    Client::builder(base)
        .max_retries(0)
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .expect("client")
}

const CONVERSATION: &str =
    r#"{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","summary":"s"}"#;

async fn retrieve(response: Vec<u8>) -> Result<Conversation, Error> {
    client(serve(response).await)
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
}

async fn list(response: Vec<u8>) -> Result<Vec<Conversation>, Error> {
    client(serve(response).await)
        .conversations()
        .list()
        .send()
        .await
}

/// Collects a stream's items, stopping after the first error.
async fn events(response: Vec<u8>) -> (usize, Option<Error>) {
    let conversations = client(serve(response).await).conversations();
    let mut stream = match conversations.retrieve_stream("conv-1").stream().await {
        Ok(stream) => stream,
        Err(e) => return (0, Some(e)),
    };
    let mut count = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => count += 1,
            Err(e) => return (count, Some(e)),
        }
    }
    (count, None)
}

fn decode_path(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Decode(e)) => e.path,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn api(result: Result<impl std::fmt::Debug, Error>) -> (u16, ErrorBody) {
    match result {
        Err(Error::Api(e)) => (e.status, e.body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn html_error_page() {
    let (status, body) = api(retrieve(http(
        "502 Bad Gateway",
        "text/html",
        b"<html><body>upstream down</body></html>",
    ))
    .await);
    assert_eq!(status, 502);
    assert!(matches!(body, ErrorBody::Text(t) if t.contains("upstream down")));
}

#[tokio::test]
async fn html_with_a_success_status() {
    assert_eq!(
        decode_path(retrieve(http("200 OK", "text/html", b"<html>hi</html>")).await),
        "."
    );
}

#[tokio::test]
async fn wrong_content_type_with_valid_json_still_decodes() {
    let conversation = retrieve(http("200 OK", "text/plain", CONVERSATION.as_bytes()))
        .await
        .expect("the bytes are JSON");
    assert_eq!(conversation.id, "conv-1");
}

#[tokio::test]
async fn empty_body_on_success() {
    decode_path(retrieve(json("200 OK", "")).await);
}

#[tokio::test]
async fn empty_body_on_error() {
    let (status, body) = api(retrieve(json("500 Internal Server Error", "")).await);
    assert_eq!(status, 500);
    assert!(matches!(body, ErrorBody::Text(t) if t.is_empty()));
}

#[tokio::test]
async fn truncated_json() {
    decode_path(retrieve(json("200 OK", &CONVERSATION[..40])).await);
}

#[tokio::test]
async fn wrong_type_in_one_field() {
    let path = decode_path(retrieve(json("200 OK", r#"{"id":42,"agent_id":"agent-1"}"#)).await);
    assert_eq!(path, "id");
}

#[tokio::test]
async fn not_a_timestamp() {
    let path = decode_path(
        retrieve(json(
            "200 OK",
            r#"{"id":"c","agent_id":"a","created_at":"last tuesday"}"#,
        ))
        .await,
    );
    assert_eq!(path, "created_at");
}

#[tokio::test]
async fn missing_required_field() {
    let result = retrieve(json("200 OK", r#"{"id":"c"}"#)).await;
    assert!(
        matches!(&result, Err(Error::Decode(e)) if e.message.contains("agent_id")),
        "{result:?}"
    );
}

#[tokio::test]
async fn unknown_provider_is_a_value() {
    let body = r#"{"id":"c","agent_id":"a","model_settings":{"provider_type":"moonshot","x":1}}"#;
    let conversation = retrieve(json("200 OK", body))
        .await
        .expect("newer variants decode");
    assert!(matches!(
        conversation.model_settings,
        Some(ModelSettings::Unknown(_))
    ));
}

#[tokio::test]
async fn known_provider_with_a_bad_field() {
    let body = r#"{"id":"c","agent_id":"a","model_settings":{"provider_type":"openai","temperature":"hot"}}"#;
    let result = retrieve(json("200 OK", body)).await;
    let Err(Error::Decode(e)) = &result else {
        panic!("{result:?}")
    };
    assert_eq!(e.path, "model_settings.temperature", "{}", e.message);
    assert!(
        e.message.contains("openai") && e.message.contains("temperature"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn provider_type_not_a_string() {
    let body = r#"{"id":"c","agent_id":"a","model_settings":{"provider_type":7}}"#;
    decode_path(retrieve(json("200 OK", body)).await);
}

#[tokio::test]
async fn huge_string() {
    let summary = "x".repeat(8 << 20);
    let body = format!(r#"{{"id":"c","agent_id":"a","summary":"{summary}"}}"#);
    let conversation = retrieve(json("200 OK", &body))
        .await
        .expect("large but valid");
    assert_eq!(conversation.summary.map(|s| s.len()), Some(8 << 20));
}

#[tokio::test]
async fn deep_nesting_is_an_error_not_an_overflow() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let body = format!(r#"{{"id":"c","agent_id":"a","surprise":{deep}}}"#);
    decode_path(retrieve(json("200 OK", &body)).await);
}

#[tokio::test]
async fn invalid_utf8() {
    let mut body = br#"{"id":"c"#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(br#"","agent_id":"a"}"#);
    decode_path(retrieve(http("200 OK", "application/json", &body)).await);
}

#[tokio::test]
async fn null_body() {
    decode_path(retrieve(json("200 OK", "null")).await);
}

#[tokio::test]
async fn array_instead_of_object() {
    decode_path(retrieve(json("200 OK", "[]")).await);
}

#[tokio::test]
async fn trailing_garbage() {
    decode_path(retrieve(json("200 OK", &format!("{CONVERSATION} trailing"))).await);
}

#[tokio::test]
async fn byte_order_mark() {
    decode_path(retrieve(json("200 OK", &format!("\u{feff}{CONVERSATION}"))).await);
}

#[tokio::test]
async fn duplicate_keys_take_the_last() {
    let conversation = retrieve(json(
        "200 OK",
        r#"{"id":"first","id":"last","agent_id":"a"}"#,
    ))
    .await
    .expect("decodes");
    assert_eq!(conversation.id, "last");
}

#[tokio::test]
async fn number_out_of_range() {
    let path =
        decode_path(retrieve(json("200 OK", r#"{"id":"c","agent_id":"a","extra":1e400}"#)).await);
    assert!(!path.is_empty());
}

#[tokio::test]
async fn body_shorter_than_its_content_length() {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        CONVERSATION.len() + 50
    )
    .into_bytes();
    response.extend_from_slice(CONVERSATION.as_bytes());
    let result = retrieve(response).await;
    assert!(
        matches!(result, Err(Error::Transport(_)) | Err(Error::Decode(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn connection_closed_without_an_answer() {
    let result = retrieve(Vec::new()).await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn not_http_at_all() {
    let result = retrieve(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()).await;
    assert!(matches!(result, Err(Error::Transport(_))), "{result:?}");
}

#[tokio::test]
async fn undeclared_status_with_a_detail() {
    let (status, body) =
        api(retrieve(json("418 I'm a teapot", r#"{"detail":"short and stout"}"#)).await);
    assert_eq!(status, 418);
    assert!(matches!(body, ErrorBody::Detail(d) if d == "short and stout"));
}

#[tokio::test]
async fn validation_error_in_the_declared_shape() {
    let body = r#"{"detail":[{"loc":["path","conversation_id"],"msg":"too short","type":"string_too_short"}]}"#;
    let (status, body) = api(retrieve(json("422 Unprocessable Entity", body)).await);
    assert_eq!(status, 422);
    assert!(matches!(&body, ErrorBody::Declared(_)), "{body:?}");
}

#[tokio::test]
async fn validation_error_as_the_server_really_sends_it() {
    let body = r#"{"trace_id":"","detail":"[{'type': 'string_too_short'}]"}"#;
    let (_, body) = api(retrieve(json("422 Unprocessable Entity", body)).await);
    assert!(
        matches!(&body, ErrorBody::Detail(d) if d.contains("string_too_short")),
        "{body:?}"
    );
}

#[tokio::test]
async fn error_body_that_is_a_json_string() {
    let (_, body) = api(retrieve(json("404 Not Found", r#""gone""#)).await);
    assert!(matches!(body, ErrorBody::Json(serde_json::Value::String(s)) if s == "gone"));
}

#[tokio::test]
async fn huge_error_page_is_cut() {
    let page = format!("<html>{}</html>", "oops ".repeat(100_000));
    let (_, body) = api(retrieve(http(
        "503 Service Unavailable",
        "text/html",
        page.as_bytes(),
    ))
    .await);
    let ErrorBody::Text(text) = body else {
        panic!("text")
    };
    assert!(text.len() < 5_000, "{} bytes kept", text.len());
}

#[tokio::test]
async fn list_that_is_an_object() {
    decode_path(list(json("200 OK", r#"{"items":[]}"#)).await);
}

#[tokio::test]
async fn list_with_one_bad_item() {
    let body = format!(r#"[{CONVERSATION},{{"id":null,"agent_id":"a"}}]"#);
    assert_eq!(decode_path(list(json("200 OK", &body)).await), "[1].id");
}

#[tokio::test]
async fn stream_cut_mid_frame() {
    let (count, error) = events(sse("data: {\"message_type\":\"stop_reason\",\"stop_reason\":\"end_turn\"}\n\ndata: {\"message_type\":\"assi")).await;
    assert_eq!(count, 1);
    assert!(
        matches!(error, Some(Error::Stream(StreamError::Truncated { .. }))),
        "{error:?}"
    );
}

#[tokio::test]
async fn stream_frame_with_invalid_json_then_more() {
    let conversations = client(serve(sse("data: {not json}\n\ndata: {\"message_type\":\"stop_reason\",\"stop_reason\":\"end_turn\"}\n\ndata: [DONE]\n\n")).await).conversations();
    let items: Vec<_> = conversations
        .retrieve_stream("c")
        .stream()
        .await
        .expect("stream")
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(matches!(items[0], Err(Error::Decode(_))));
    assert!(items[1].is_ok(), "the stream goes on after a bad frame");
}

#[tokio::test]
async fn stream_error_event() {
    let (_, error) = events(sse(
        "event: error\ndata: {\"message\":\"rate limited\"}\n\n",
    ))
    .await;
    assert!(
        matches!(error, Some(Error::Stream(StreamError::Server { data })) if data.contains("rate limited"))
    );
}

#[tokio::test]
async fn stream_that_is_plain_json() {
    let (count, error) = events(http("200 OK", "application/json", CONVERSATION.as_bytes())).await;
    assert_eq!(count, 0);
    assert!(
        matches!(error, Some(Error::Stream(StreamError::Truncated { .. }))),
        "{error:?}"
    );
}

#[tokio::test]
async fn stream_with_crlf_comments_and_split_data_lines() {
    let body = ": keep-alive\r\n\r\ndata: {\"message_type\":\r\ndata: \"stop_reason\",\"stop_reason\":\"end_turn\"}\r\n\r\ndata: [DONE]\r\n\r\n";
    let (count, error) = events(sse(body)).await;
    assert_eq!((count, error.is_none()), (1, true), "{error:?}");
}

#[tokio::test]
async fn stream_with_invalid_utf8() {
    let mut response = sse("data: {\"message_type\":\"");
    response.extend_from_slice(&[0xc3, 0x28]);
    response.extend_from_slice(b"\"}\n\ndata: [DONE]\n\n");
    let (_, error) = events(response).await;
    assert!(error.is_some(), "invalid UTF-8 is an error, not a panic");
}

#[tokio::test]
async fn stream_refused_with_an_error_status() {
    let (count, error) = events(json("500 Internal Server Error", r#"{"detail":"no"}"#)).await;
    assert_eq!(count, 0);
    assert!(matches!(error, Some(Error::Api(e)) if e.status == 500));
}
