//! The generated client against a local mock server (127.0.0.1): what each operation sends,
//! what it decodes, retries, pagination, streams and secrets.

use std::time::Duration;

use futures_util::StreamExt;
use letta_conversations::client::{ErrorBody, StreamError, Truncation};
use letta_conversations::models::*;
use letta_conversations::{Client, Error, Patch};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "sk-let-test-9f8e7d";

fn conversation(id: &str) -> Value {
    json!({
        "created_by_id": "user-00000000-0000-4000-8000-000000000000",
        "last_updated_by_id": null,
        "created_at": "2026-03-26T10:00:00.123456",
        "updated_at": "2026-03-26T10:00:00+00:00",
        "id": id,
        "agent_id": "agent-19517c77-9823-4d0a-b971-1333614aad18",
        "summary": "hello",
        "in_context_message_ids": ["message-1"],
        "isolated_block_ids": [],
        "model": null,
        "model_settings": {"provider_type": "anthropic", "temperature": 0.7, "thinking": {"type": "enabled", "budget_tokens": 1024}},
        "last_message_at": null
    })
}

fn assistant(id: &str) -> Value {
    json!({"id": id, "date": "2026-03-26T10:00:01+00:00", "message_type": "assistant_message", "content": "hi", "run_id": "run-1"})
}

async fn server_answering(verb: &str, route: &str, status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .token(TOKEN)
        .max_retries(0)
        .build()
        .expect("client")
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn query(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

fn assert_common_headers(request: &Request, accept: &str) {
    assert_eq!(
        request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        request.headers.get("accept").and_then(|v| v.to_str().ok()),
        Some(accept)
    );
}

#[tokio::test]
async fn create_sends_agent_id_and_body() {
    let server = server_answering("POST", "/v1/conversations/", 200, conversation("conv-1")).await;
    let body_sent = CreateConversation {
        summary: Some("first".into()),
        ..Default::default()
    };
    let created = client(&server)
        .conversations()
        .create("agent-1")
        .body(body_sent)
        .send()
        .await
        .expect("create");
    assert_eq!(created.id, "conv-1");
    assert!(matches!(
        created.model_settings,
        Some(ModelSettings::Anthropic(_))
    ));
    let request = only_request(&server).await;
    assert_common_headers(&request, "application/json");
    assert_eq!(query(&request), [("agent_id".into(), "agent-1".into())]);
    assert_eq!(body(&request), json!({"summary": "first"}));
    assert_eq!(
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
}

#[tokio::test]
async fn create_without_a_body_sends_none() {
    let server = server_answering("POST", "/v1/conversations/", 200, conversation("conv-1")).await;
    client(&server)
        .conversations()
        .create("agent-1")
        .send()
        .await
        .expect("create");
    assert!(only_request(&server).await.body.is_empty());
}

#[tokio::test]
async fn list_sends_every_parameter_by_its_wire_value() {
    let server = server_answering(
        "GET",
        "/v1/conversations/",
        200,
        json!([conversation("conv-1")]),
    )
    .await;
    let listed = client(&server)
        .conversations()
        .list()
        .agent_id("agent-1")
        .limit(10)
        .after("conv-0")
        .summary_search("a b&c")
        .order(ListConversationsOrder::Asc)
        .order_by(ListConversationsOrderBy::LastMessageAt)
        .send()
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        query(&request),
        [
            ("agent_id", "agent-1"),
            ("limit", "10"),
            ("after", "conv-0"),
            ("summary_search", "a b&c"),
            ("order", "asc"),
            ("order_by", "last_message_at")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[tokio::test]
async fn retrieve_update_delete() {
    let server = MockServer::start().await;
    for verb in ["GET", "PATCH"] {
        Mock::given(method(verb))
            .and(path("/v1/conversations/conv-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(conversation("conv-1")))
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path("/v1/conversations/conv-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(null)))
        .mount(&server)
        .await;
    let conversations = client(&server).conversations();
    assert_eq!(
        conversations
            .retrieve("conv-1")
            .send()
            .await
            .expect("retrieve")
            .id,
        "conv-1"
    );
    let update = UpdateConversation {
        summary: Patch::Set("renamed".into()),
        model: Patch::Clear,
        ..Default::default()
    };
    conversations
        .update("conv-1", update)
        .send()
        .await
        .expect("update");
    conversations.delete("conv-1").send().await.expect("delete");
    let requests = server.received_requests().await.expect("recording");
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "PATCH", "DELETE"]);
    // Unchanged fields are left out, cleared ones are null.
    assert_eq!(
        body(&requests[1]),
        json!({"summary": "renamed", "model": null})
    );
}

#[tokio::test]
async fn fork_of_the_default_conversation_names_the_agent() {
    let server = server_answering(
        "POST",
        "/v1/conversations/default/fork",
        200,
        conversation("conv-2"),
    )
    .await;
    let fork = client(&server)
        .conversations()
        .fork("default")
        .agent_id("agent-1")
        .send()
        .await
        .expect("fork");
    assert_eq!(fork.id, "conv-2");
    assert_eq!(
        query(&only_request(&server).await),
        [("agent_id".to_owned(), "agent-1".to_owned())]
    );
}

#[tokio::test]
async fn list_messages_repeats_array_parameters() {
    let server = server_answering(
        "GET",
        "/v1/conversations/conv-1/messages",
        200,
        json!([assistant("message-1"), {"message_type": "hologram", "id": "m2"}]),
    )
    .await;
    let messages = client(&server)
        .conversations()
        .list_messages("conv-1")
        .before("message-9")
        .order(ListConversationMessagesOrder::Desc)
        .include_err(true)
        .include_return_message_types(vec![
            MessageType::AssistantMessage,
            MessageType::ToolCallMessage,
        ])
        .send()
        .await
        .expect("messages");
    assert!(matches!(
        messages[0],
        LettaMessageUnion::AssistantMessage(_)
    ));
    assert!(
        matches!(&messages[1], LettaMessageUnion::Unknown(raw) if raw["message_type"] == "hologram")
    );
    let pairs = query(&only_request(&server).await);
    let types: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "include_return_message_types")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(types, ["assistant_message", "tool_call_message"]);
    assert!(pairs.contains(&("include_err".into(), "true".into())));
    assert!(pairs.contains(&("order".into(), "desc".into())));
}

fn letta_response() -> Value {
    json!({
        "messages": [assistant("message-1")],
        "stop_reason": {"message_type": "stop_reason", "stop_reason": "end_turn"},
        "usage": {"message_type": "usage_statistics", "completion_tokens": 10, "prompt_tokens": 100, "total_tokens": 110, "step_count": 1}
    })
}

fn input(text: &str) -> ConversationMessageRequest {
    ConversationMessageRequest {
        input: Some(ConversationMessageRequestInput::String(text.into())),
        ..Default::default()
    }
}

#[tokio::test]
async fn send_message_asks_for_json() {
    let server = server_answering(
        "POST",
        "/v1/conversations/conv-1/messages",
        200,
        letta_response(),
    )
    .await;
    let reply = client(&server)
        .conversations()
        .send_message("conv-1", input("hi"))
        .send()
        .await
        .expect("send");
    assert_eq!(reply.usage.total_tokens, Some(110));
    let request = only_request(&server).await;
    assert_common_headers(&request, "application/json");
    assert_eq!(body(&request), json!({"input": "hi", "streaming": false}));
}

fn sse_body(frames: &[Value]) -> String {
    let mut text: String = frames.iter().map(|f| format!("data: {f}\n\n")).collect();
    text.push_str("data: [DONE]\n\n");
    text
}

fn stream_frames() -> Vec<Value> {
    vec![
        json!({"id": "ping-1", "date": "2026-03-26T10:00:00+00:00", "message_type": "ping", "run_id": "run-1"}),
        json!({"id": "r-1", "date": "2026-03-26T10:00:00+00:00", "message_type": "reasoning_message", "reasoning": "thinking", "seq_id": 1}),
        assistant("message-1"),
        json!({"message_type": "stop_reason", "stop_reason": "end_turn"}),
        json!({"message_type": "usage_statistics", "total_tokens": 110}),
        json!({"message_type": "from_the_future", "payload": [1, 2]}),
    ]
}

#[tokio::test]
async fn send_message_stream_yields_typed_events_until_done() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/conversations/conv-1/messages"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(sse_body(&stream_frames())),
        )
        .mount(&server)
        .await;
    let stream = client(&server)
        .conversations()
        .send_message("conv-1", input("hi"))
        .stream()
        .await
        .expect("stream");
    let events: Vec<StreamEvent> = stream.map(|e| e.expect("event")).collect().await;
    let kinds: Vec<Option<&str>> = events.iter().map(|e| e.message_type()).collect();
    assert_eq!(
        kinds,
        [
            Some("ping"),
            Some("reasoning_message"),
            Some("assistant_message"),
            Some("stop_reason"),
            Some("usage_statistics"),
            Some("from_the_future")
        ]
    );
    assert!(
        matches!(events[5], StreamEvent::Unknown(_)),
        "unknown events are values"
    );
    let request = only_request(&server).await;
    assert_common_headers(&request, "text/event-stream");
    assert_eq!(body(&request)["streaming"], json!(true));
}

#[tokio::test]
async fn retrieve_stream_resumes_a_run() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/conversations/conv-1/stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(sse_body(&stream_frames()[2..3])),
        )
        .mount(&server)
        .await;
    let resume = RetrieveStreamRequest {
        run_id: Some("run-1".into()),
        starting_after: Some(2),
        ..Default::default()
    };
    let events: Vec<_> = client(&server)
        .conversations()
        .retrieve_stream("conv-1")
        .body(resume)
        .stream()
        .await
        .expect("stream")
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        body(&only_request(&server).await),
        json!({"run_id": "run-1", "starting_after": 2})
    );
}

#[tokio::test]
async fn preview_cancel_recompile_compact() {
    let server = MockServer::start().await;
    let routes = [
        (
            "/v1/conversations/conv-1/messages/preview-raw-payload",
            json!({"model": "gpt-4o-mini", "messages": []}),
        ),
        (
            "/v1/conversations/conv-1/cancel",
            json!({"run-1": "cancelled"}),
        ),
        (
            "/v1/conversations/conv-1/recompile",
            json!("<base_instructions>…"),
        ),
        (
            "/v1/conversations/conv-1/compact",
            json!({"summary": "short", "num_messages_before": 11, "num_messages_after": 9}),
        ),
    ];
    for (route, answer) in routes.clone() {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .mount(&server)
            .await;
    }
    let conversations = client(&server).conversations();
    let preview = conversations
        .preview_model_request("conv-1", input("x"))
        .send()
        .await
        .expect("preview");
    assert_eq!(preview["model"], json!("gpt-4o-mini"));
    conversations
        .cancel("conv-1")
        .agent_id("agent-1")
        .send()
        .await
        .expect("cancel");
    let system = conversations
        .recompile("conv-1")
        .dry_run(true)
        .send()
        .await
        .expect("recompile");
    assert!(system.starts_with("<base_instructions>"));
    let compacted = conversations
        .compact("conv-1")
        .send()
        .await
        .expect("compact");
    assert_eq!(
        (compacted.num_messages_before, compacted.num_messages_after),
        (11, 9)
    );
    let requests = server.received_requests().await.expect("recording");
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, routes.map(|(route, _)| route).to_vec());
    assert_eq!(
        query(&requests[1]),
        [("agent_id".to_owned(), "agent-1".to_owned())]
    );
    assert_eq!(
        query(&requests[2]),
        [("dry_run".to_owned(), "true".to_owned())]
    );
}

#[tokio::test]
async fn path_parameters_never_change_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "no"})))
        .mount(&server)
        .await;
    let conversations = client(&server).conversations();
    for id in ["a/b", "a?b=c", "a#frag", "a b", "100%", "../admin"] {
        let _ = conversations.retrieve(id).send().await;
    }
    let requests = server.received_requests().await.expect("recording");
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/v1/conversations/a%2Fb",
            "/v1/conversations/a%3Fb=c",
            "/v1/conversations/a%23frag",
            "/v1/conversations/a%20b",
            "/v1/conversations/100%25",
            "/v1/conversations/..%2Fadmin"
        ]
    );
    assert!(requests.iter().all(|r| r.url.query().is_none()));
    for id in [".", ".."] {
        let refused = conversations.retrieve(id).send().await;
        assert!(matches!(refused, Err(Error::Config(_))), "{refused:?}");
    }
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        6,
        "nothing sent for `.` and `..`"
    );
}

#[tokio::test]
async fn error_statuses_keep_what_the_server_said() {
    for (status, answer) in [
        (
            422,
            json!({"trace_id": "", "detail": "[{'type': 'string_too_short'}]"}),
        ),
        (404, json!({"detail": "Conversation not found"})),
        (409, json!({"detail": "CONFLICT: No active runs to cancel"})),
    ] {
        let server =
            server_answering("GET", "/v1/conversations/conv-1", status, answer.clone()).await;
        let error = client(&server)
            .conversations()
            .retrieve("conv-1")
            .send()
            .await
            .expect_err("an error status");
        assert_eq!(error.status(), Some(status));
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.detail(), answer["detail"].as_str());
        assert!(matches!(api.body, ErrorBody::Detail(_)));
        assert!(!error.is_retryable());
        assert!(error.to_string().contains(&status.to_string()));
    }
}

#[tokio::test]
async fn a_503_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv-1"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "0")
                .set_body_string("boom"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/conv-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(conversation("conv-1")))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .max_retries(2)
        .build()
        .expect("client");
    let found = client
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect("the retry succeeds");
    assert_eq!(found.id, "conv-1");
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        2
    );
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_4xx_is_not_retried() {
    let server = server_answering(
        "GET",
        "/v1/conversations/conv-1",
        503,
        json!({"detail": "busy"}),
    )
    .await;
    let client = Client::builder(server.uri())
        .max_retries(1)
        .build()
        .expect("client");
    let error = client
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("still failing");
    assert!(error.is_retryable());
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        2,
        "one try and one retry"
    );

    let server = server_answering(
        "GET",
        "/v1/conversations/conv-1",
        404,
        json!({"detail": "no"}),
    )
    .await;
    let client = Client::builder(server.uri())
        .max_retries(3)
        .build()
        .expect("client");
    client
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        1,
        "a 404 is final"
    );
}

#[tokio::test]
async fn malformed_json_and_a_wrong_type_are_decode_errors_with_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/conversations/bad-json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": "))
        .mount(&server)
        .await;
    let mut wrong = conversation("conv-1");
    wrong["model_settings"]["temperature"] = json!("hot");
    Mock::given(method("GET"))
        .and(path("/v1/conversations/wrong-type"))
        .respond_with(ResponseTemplate::new(200).set_body_json(wrong))
        .mount(&server)
        .await;
    let conversations = client(&server).conversations();
    let Err(Error::Decode(truncated)) = conversations.retrieve("bad-json").send().await else {
        panic!("a decode error")
    };
    assert!(truncated.body.contains("\"id\""));
    let Err(Error::Decode(wrong)) = conversations.retrieve("wrong-type").send().await else {
        panic!("a decode error")
    };
    assert_eq!(
        wrong.path, "model_settings.temperature",
        "{}",
        wrong.message
    );
    assert!(
        wrong.message.contains("anthropic") && wrong.message.contains("temperature"),
        "{}",
        wrong.message
    );
}

async fn stream_from(body: &str) -> Vec<Result<StreamEvent, Error>> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string(body.to_owned()),
        )
        .mount(&server)
        .await;
    client(&server)
        .conversations()
        .retrieve_stream("conv-1")
        .stream()
        .await
        .expect("stream")
        .collect()
        .await
}

#[tokio::test]
async fn a_truncated_stream_ends_with_an_error() {
    let mut body = sse_body(&stream_frames()[..2]);
    body.truncate(body.len() - "data: [DONE]\n\n".len());
    let items = stream_from(&body).await;
    assert_eq!(items.len(), 3);
    assert!(
        matches!(
            items.last(),
            Some(Err(Error::Stream(StreamError::Truncated {
                events: 2,
                cause: Truncation::Closed,
                ..
            })))
        ),
        "{:?}",
        items.last()
    );
}

#[tokio::test]
async fn an_error_event_is_a_typed_error() {
    let items = stream_from("data: {\"message_type\":\"stop_reason\",\"stop_reason\":\"error\"}\n\nevent: error\ndata: {\"error\":\"llm failed\"}\n\n").await;
    assert_eq!(items.len(), 2);
    assert!(
        matches!(&items[1], Err(Error::Stream(StreamError::Server { data })) if data.contains("llm failed"))
    );
}

/// Serves one answer over raw TCP, writing its body one byte per HTTP chunk.
async fn one_byte_chunks(body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buffer[..n]),
            }
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        for byte in body.bytes() {
            let _ = socket
                .write_all(format!("1\r\n{}\r\n", byte as char).as_bytes())
                .await;
            let _ = socket.flush().await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_stream_split_one_byte_per_chunk_decodes_the_same() {
    let frames = stream_frames();
    let body = sse_body(&frames);
    assert!(body.is_ascii(), "one byte per chunk writes ASCII as chars");
    let whole = stream_from(&body)
        .await
        .into_iter()
        .map(|e| e.expect("event"))
        .collect::<Vec<_>>();
    let base = one_byte_chunks(body).await;
    let client = Client::builder(base)
        .max_retries(0)
        .build()
        .expect("client");
    let split: Vec<StreamEvent> = client
        .conversations()
        .retrieve_stream("conv-1")
        .stream()
        .await
        .expect("stream")
        .map(|e| e.expect("event"))
        .collect()
        .await;
    assert_eq!(split, whole);
    assert_eq!(split.len(), frames.len());
}

#[tokio::test]
async fn pagination_over_three_pages_makes_three_requests() {
    let server = MockServer::start().await;
    let page = |ids: &[&str]| json!(ids.iter().map(|id| conversation(id)).collect::<Vec<_>>());
    for (after, ids) in [
        (None, vec!["c1", "c2"]),
        (Some("c2"), vec!["c3", "c4"]),
        (Some("c4"), vec!["c5"]),
    ] {
        let mut mock = Mock::given(method("GET")).and(path("/v1/conversations/"));
        mock = match after {
            Some(cursor) => mock.and(wiremock::matchers::query_param("after", cursor)),
            None => mock.and(wiremock::matchers::query_param_is_missing("after")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page(&ids)))
            .mount(&server)
            .await;
    }
    let all: Vec<Conversation> = client(&server)
        .conversations()
        .list()
        .agent_id("agent-1")
        .limit(2)
        .into_stream()
        .map(|c| c.expect("item"))
        .collect()
        .await;
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 3, "the short third page ends the walk");
    assert!(
        requests
            .iter()
            .all(|r| query(r).contains(&("limit".into(), "2".into())))
    );
}

#[tokio::test]
async fn pagination_of_messages_follows_each_variants_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param_is_missing("after"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([assistant("m1"), {"message_type": "new_kind", "id": "m2"}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("after", "m2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server)
        .conversations()
        .list_messages("conv-1")
        .limit(2)
        .into_stream()
        .collect()
        .await;
    assert_eq!(all.len(), 2);
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        2,
        "a full page, then an empty one"
    );
}

#[tokio::test]
async fn the_token_never_shows() {
    let server = server_answering(
        "GET",
        "/v1/conversations/conv-1",
        401,
        json!({"detail": "bad token"}),
    )
    .await;
    let client = client(&server);
    assert!(!format!("{client:?}").contains(TOKEN));
    assert!(format!("{client:?}").contains("redacted"));
    let builder = Client::builder("http://127.0.0.1:1").token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let error = client
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("401");
    assert!(!format!("{error} {error:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_silent_stream_hits_the_idle_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        let _ = socket.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let client = Client::builder(format!("http://{address}"))
        .stream_idle_timeout(Some(Duration::from_millis(200)))
        .build()
        .expect("client");
    let mut stream = client
        .conversations()
        .retrieve_stream("conv-1")
        .stream()
        .await
        .expect("stream");
    let first = stream.next().await;
    assert!(
        matches!(
            first,
            Some(Err(Error::Stream(StreamError::Truncated {
                events: 0,
                cause: Truncation::Idle(_),
                ..
            })))
        ),
        "{first:?}"
    );
    assert!(stream.next().await.is_none());
}

#[test]
fn from_env_reads_the_key_and_the_base_url() {
    // Only this test touches these variables.
    unsafe {
        std::env::set_var("LETTA_API_KEY", TOKEN);
        std::env::set_var(
            "LETTA_BASE_URL",
            letta_conversations::client::LOCAL_BASE_URL,
        );
    }
    let client = Client::from_env().expect("from env");
    assert_eq!(client.base_url(), "http://localhost:8283");
    unsafe {
        std::env::remove_var("LETTA_BASE_URL");
    }
    assert_eq!(
        Client::from_env().expect("from env").base_url(),
        letta_conversations::client::HOSTED_BASE_URL
    );
    assert!(matches!(
        Client::builder("not a url").build(),
        Err(Error::Config(_))
    ));
}
