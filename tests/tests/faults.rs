//! The client against misbehaving servers on 127.0.0.1 (raw TCP, so any fault can be made):
//! answers that stall or trickle, connections reset before and after the request, stale
//! keep-alive connections, cut chunked streams, comment keep-alives, a huge single event,
//! answers and events past their size limits, redirects and oversized headers, and sends that
//! fail, with the server counting what it received. Limits are a fraction of a second, and
//! every server loop is bounded. Memory bounds are measured in `memory.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use letta_conversations::client::{
    CallOptions, RetryPolicy, Stopped, StreamError, StreamLimit, TimeoutKind, Truncation,
};
use letta_conversations::models::{
    ConversationMessageRequest, ConversationMessageRequestInput, StreamEvent,
};
use letta_conversations::{Client, Error};

use support::raw::{Local, MAX_REQUESTS, json_answer, serve};

/// Longer than any test waits: a server that "stalls" sleeps this long.
const FOREVER: Duration = Duration::from_secs(30);
/// Short waits between tries, so that retries cost milliseconds.
const QUICK: Duration = Duration::from_millis(10);

const CONVERSATION: &str =
    r#"{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","summary":"s"}"#;
const LETTA_RESPONSE: &str = r#"{"messages":[],"stop_reason":{"message_type":"stop_reason","stop_reason":"end_turn"},"usage":{"message_type":"usage_statistics","total_tokens":1}}"#;

fn ok(body: &str) -> Vec<u8> {
    json_answer("200 OK", body, "")
}

/// Answers every request on every connection with `answer`, keeping connections open.
async fn answering(answer: Vec<u8>) -> Local {
    serve(move |mut conn| {
        let answer = answer.clone();
        async move {
            for _ in 0..MAX_REQUESTS {
                if conn.request().await.is_none() || !conn.write(&answer).await {
                    return;
                }
            }
        }
    })
    .await
}

/// Reads each request and never answers.
async fn silent() -> Local {
    serve(|mut conn| async move {
        if conn.request().await.is_some() {
            tokio::time::sleep(FOREVER).await;
        }
    })
    .await
}

fn client(local: &Local) -> Client {
    Client::builder(&local.base)
        .retry_policy(RetryPolicy::default().backoff(QUICK, QUICK))
        .timeout(Some(Duration::from_secs(5)))
        .build()
        .expect("client")
}

fn message() -> ConversationMessageRequest {
    ConversationMessageRequest {
        input: Some(ConversationMessageRequestInput::String("hello".into())),
        ..Default::default()
    }
}

/// A retrieve with a 500 ms timeout and no retry ends with a timeout error, well within 3 s.
async fn times_out_at_half_a_second(local: &Local, why: &str) {
    let started = Instant::now();
    let error = client(local)
        .conversations()
        .retrieve("conv-1")
        .max_retries(0)
        .timeout(Some(Duration::from_millis(500)))
        .send()
        .await
        .expect_err(why);
    assert!(matches!(error, Error::Timeout(_)), "{why}: {error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{why}: {:?}",
        started.elapsed()
    );
}

fn attempts(error: &Error) -> (u32, Stopped) {
    let attempts = error.attempts().expect("a call's error");
    (attempts.tries, attempts.stopped.clone())
}

// The timeout covers the whole answer.

#[tokio::test]
async fn a_json_answer_that_stalls_after_its_headers_times_out() {
    let local = serve(|mut conn| async move {
        if conn.request().await.is_some() {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":";
            conn.write(head.as_bytes()).await;
            tokio::time::sleep(FOREVER).await;
        }
    })
    .await;
    let limit = Duration::from_millis(300);
    let started = Instant::now();
    let error = client(&local)
        .conversations()
        .retrieve("conv-1")
        .max_retries(0)
        .timeout(Some(limit))
        .send()
        .await
        .expect_err("the body never completes");
    assert!(started.elapsed() < FOREVER / 10, "{:?}", started.elapsed());
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((timeout.kind, timeout.limit), (TimeoutKind::Try, limit));
    assert!(timeout.attempts.elapsed >= limit);
    assert_eq!(local.requests(), 1);
}

#[tokio::test]
async fn a_get_that_times_out_is_retried_and_the_error_counts_the_tries() {
    let local = silent().await;
    let limit = Duration::from_millis(200);
    let error = client(&local)
        .conversations()
        .retrieve("conv-1")
        .timeout(Some(limit))
        .send()
        .await
        .expect_err("never answered");
    assert_eq!(local.requests(), 3, "one try and two retries");
    assert_eq!(attempts(&error), (3, Stopped::RetriesExhausted));
    let elapsed = error.attempts().map(|a| a.elapsed).unwrap_or_default();
    assert!(elapsed >= limit * 3, "{elapsed:?}");
    let text = error.to_string();
    assert!(
        text.contains("200ms") && text.contains("3 tries"),
        "the message tells the truth: {text}"
    );
}

#[tokio::test]
async fn a_trickled_body_is_bounded_by_the_timeout() {
    let local = serve(|mut conn| async move {
        if conn.request().await.is_some() {
            let body = CONVERSATION.repeat(10);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            conn.write(head.as_bytes()).await;
            // One byte every 50 ms: 44 s for the whole body.
            for byte in body.bytes() {
                if !conn.write(&[byte]).await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    })
    .await;
    times_out_at_half_a_second(&local, "the body takes too long").await;
}

// The deadline covers every try and every wait.

#[tokio::test]
async fn the_deadline_bounds_retries_and_retry_after_waits() {
    let local = answering(json_answer(
        "503 Service Unavailable",
        r#"{"detail":"busy"}"#,
        "Retry-After: 1\r\n",
    ))
    .await;
    let started = Instant::now();
    let error = client(&local)
        .conversations()
        .retrieve("conv-1")
        .max_retries(5)
        .deadline(Some(Duration::from_millis(1500)))
        .send()
        .await
        .expect_err("always busy");
    // Tries at 0 s and 1 s; a third would start at 2 s, past the deadline, so none is made.
    assert_eq!(local.requests(), 2);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.status(), Some(503));
    assert_eq!(
        attempts(&error),
        (2, Stopped::Deadline(Duration::from_millis(1500)))
    );
    assert!(error.to_string().contains("deadline"), "{error}");
}

#[tokio::test]
async fn the_deadline_cuts_a_stalled_try() {
    let local = silent().await;
    let started = Instant::now();
    let error = client(&local)
        .conversations()
        .retrieve("conv-1")
        .deadline(Some(Duration::from_millis(300)))
        .send()
        .await
        .expect_err("never answered");
    assert!(started.elapsed() < Duration::from_secs(2));
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.kind, TimeoutKind::Deadline);
    assert_eq!(local.requests(), 1);
}

// No duplicate sends.

#[tokio::test]
async fn a_send_answered_500_is_sent_once_by_send_and_by_stream() {
    let local = answering(json_answer(
        "500 Internal Server Error",
        r#"{"detail":"boom"}"#,
        "",
    ))
    .await;
    let conversations = client(&local).conversations();
    let error = conversations
        .send_message("conv-1", message())
        .send()
        .await
        .expect_err("500");
    assert_eq!(error.status(), Some(500));
    assert_eq!(attempts(&error), (1, Stopped::Final));
    assert_eq!(local.requests(), 1);
    let error = conversations
        .send_message("conv-1", message())
        .stream()
        .await
        .expect_err("500");
    assert_eq!(error.status(), Some(500));
    assert_eq!(local.requests(), 2, "one POST per call");
    // A 500 is the server's answer, for a GET too.
    conversations
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("500");
    assert_eq!(local.requests(), 3);
}

#[tokio::test]
async fn a_send_that_times_out_is_sent_once_unless_the_caller_opts_in() {
    let local = silent().await;
    let conversations = client(&local).conversations();
    let limit = Duration::from_millis(200);
    let error = conversations
        .send_message("conv-1", message())
        .timeout(Some(limit))
        .send()
        .await
        .expect_err("never answered");
    assert_eq!(local.requests(), 1, "the server may be working on it");
    assert_eq!(attempts(&error), (1, Stopped::NotIdempotent("POST".into())));
    assert!(error.to_string().contains("POST"), "{error}");

    conversations
        .send_message("conv-1", message())
        .timeout(Some(limit))
        .retry_non_idempotent(true)
        .send()
        .await
        .expect_err("never answered");
    assert_eq!(local.requests(), 1 + 3, "opted in: one try and two retries");
}

#[tokio::test]
async fn a_send_turned_away_with_retry_after_is_retried_other_busy_answers_are_not() {
    for (status, retry_after, expected) in [
        ("503 Service Unavailable", "Retry-After: 0\r\n", 2),
        ("429 Too Many Requests", "retry-after-ms: 5\r\n", 2),
        ("503 Service Unavailable", "", 1),
        ("502 Bad Gateway", "", 1),
    ] {
        let answers = Arc::new(AtomicUsize::new(0));
        let local = serve(move |mut conn| {
            let answers = answers.clone();
            async move {
                for _ in 0..MAX_REQUESTS {
                    if conn.request().await.is_none() {
                        return;
                    }
                    let answer = if answers.fetch_add(1, Ordering::SeqCst) == 0 {
                        json_answer(status, r#"{"detail":"later"}"#, retry_after)
                    } else {
                        ok(LETTA_RESPONSE)
                    };
                    if !conn.write(&answer).await {
                        return;
                    }
                }
            }
        })
        .await;
        let result = client(&local)
            .conversations()
            .send_message("conv-1", message())
            .send()
            .await;
        assert_eq!(local.requests(), expected, "{status} {retry_after}");
        assert_eq!(result.is_ok(), expected == 2, "{status}: {result:?}");
    }
}

// Resets and stale connections.

/// The first connection is reset (before or after reading the request); later ones answer.
async fn first_connection_reset(read_first: bool) -> Local {
    serve(move |mut conn| async move {
        if conn.index == 0 {
            if read_first {
                conn.request().await;
            }
            conn.reset();
            return;
        }
        for _ in 0..MAX_REQUESTS {
            let answer = match conn.request().await {
                Some(request) if request.is("POST") => ok(LETTA_RESPONSE),
                Some(_) => ok(CONVERSATION),
                None => return,
            };
            if !conn.write(&answer).await {
                return;
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_reset_before_or_after_the_request_is_retried_for_a_get() {
    for read_first in [false, true] {
        let local = first_connection_reset(read_first).await;
        let found = client(&local)
            .conversations()
            .retrieve("conv-1")
            .send()
            .await
            .expect("the retry on a new connection succeeds");
        assert_eq!(found.id, "conv-1");
        assert_eq!(local.connections(), 2, "read first: {read_first}");
    }
}

#[tokio::test]
async fn a_reset_before_or_after_the_request_is_not_retried_for_a_send() {
    for read_first in [false, true] {
        let local = first_connection_reset(read_first).await;
        let error = client(&local)
            .conversations()
            .send_message("conv-1", message())
            .send()
            .await
            .expect_err("a reset send is not repeated");
        assert!(matches!(error, Error::Transport(_)), "{error:?}");
        assert_eq!(attempts(&error), (1, Stopped::NotIdempotent("POST".into())));
        assert_eq!(local.connections(), 1, "read first: {read_first}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_a_send() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder(format!("http://{address}"))
        .retry_policy(RetryPolicy::default().backoff(QUICK, QUICK))
        .build()
        .expect("client");
    let error = client
        .conversations()
        .send_message("conv-1", message())
        .send()
        .await
        .expect_err("nothing listens");
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(transport.is_connect());
    assert_eq!(
        attempts(&error),
        (3, Stopped::RetriesExhausted),
        "nothing was sent, so a send is retried"
    );
}

/// Answers the first request of each connection, then reads the next and closes without a word.
async fn closing_reused_connections() -> Local {
    serve(|mut conn| async move {
        let Some(request) = conn.request().await else {
            return;
        };
        let answer = if request.is("POST") {
            ok(LETTA_RESPONSE)
        } else {
            ok(CONVERSATION)
        };
        if conn.write(&answer).await && conn.request().await.is_some() {
            drop(conn);
        }
    })
    .await
}

#[tokio::test]
async fn a_stale_keep_alive_connection_fails_no_get() {
    let local = closing_reused_connections().await;
    let conversations = client(&local).conversations();
    for _ in 0..3 {
        conversations
            .retrieve("conv-1")
            .send()
            .await
            .expect("a GET on a closed connection is retried on a new one");
    }
    assert_eq!(local.connections(), 3);
}

#[tokio::test]
async fn a_send_on_a_connection_closed_after_reading_it_is_not_repeated() {
    let local = closing_reused_connections().await;
    let conversations = client(&local).conversations();
    conversations
        .send_message("conv-1", message())
        .send()
        .await
        .expect("first send");
    let error = conversations
        .send_message("conv-1", message())
        .send()
        .await
        .expect_err("the server read it and closed: it may have acted");
    assert_eq!(attempts(&error), (1, Stopped::NotIdempotent("POST".into())));
    assert_eq!(local.requests(), 2, "no third POST");
}

#[tokio::test]
async fn a_pooled_connection_the_server_closed_while_idle_is_replaced_before_a_send() {
    // The server's keep-alive ends 100 ms after an answer, before the next send.
    let local = serve(|mut conn| async move {
        if conn.request().await.is_some() && conn.write(&ok(LETTA_RESPONSE)).await {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let conversations = client(&local).conversations();
    for _ in 0..2 {
        conversations
            .send_message("conv-1", message())
            .send()
            .await
            .expect("sent once, on a live connection");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(local.requests(), 2, "each send reached the server once");
    assert_eq!(local.connections(), 2);
}

// Streams.

fn chunk(text: &str) -> Vec<u8> {
    format!("{:x}\r\n{text}\r\n", text.len()).into_bytes()
}

const SSE_HEAD: &str =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

async fn stream_items(local: &Local, idle: Duration) -> Vec<Result<StreamEvent, Error>> {
    client(local)
        .conversations()
        .retrieve_stream("conv-1")
        .stream_idle_timeout(Some(idle))
        .stream()
        .await
        .expect("the stream starts")
        .collect()
        .await
}

fn reasoning(seq_id: u64) -> String {
    format!(
        r#"{{"id":"r-{seq_id}","date":"2026-03-26T10:00:00Z","message_type":"reasoning_message","reasoning":"step","seq_id":{seq_id}}}"#
    )
}

#[tokio::test]
async fn a_chunked_stream_cut_mid_chunk_is_truncated_with_the_last_seq_id() {
    for reset in [false, true] {
        let local = serve(move |mut conn| async move {
            if conn.request().await.is_none() {
                return;
            }
            conn.write(SSE_HEAD.as_bytes()).await;
            let ping = r#"data: {"id":"ping-1","date":"2026-03-26T10:00:00+00:00","message_type":"ping","run_id":"run-1"}"#;
            for frame in [format!("data: {}\n\n", reasoning(7)), format!("{ping}\n\n")] {
                conn.write(&chunk(&frame)).await;
            }
            // A chunk announced as 0x100 bytes, of which a few arrive: what a crash gives.
            conn.write(b"100\r\ndata: {\"message_type\":\"assi").await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            if reset {
                conn.reset();
            }
        })
        .await;
        let items = stream_items(&local, Duration::from_secs(5)).await;
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(items[..2].iter().all(Result::is_ok), "{items:?}");
        match &items[2] {
            Err(Error::Stream(StreamError::Truncated {
                events,
                last_event_id,
                cause: Truncation::Cut(_),
                ..
            })) => {
                assert_eq!(*events, 2);
                assert_eq!(
                    last_event_id.as_deref(),
                    Some("7"),
                    "the seq_id to resume after"
                );
            }
            other => panic!("reset {reset}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_stream_closed_early_names_the_sse_id_it_last_sent() {
    let local = serve(|mut conn| async move {
        if conn.request().await.is_none() {
            return;
        }
        conn.write(SSE_HEAD.as_bytes()).await;
        let frame = format!("id: run-1:41\ndata: {}\n\n", reasoning(41));
        conn.write(&chunk(&frame)).await;
        conn.write(b"0\r\n\r\n").await;
    })
    .await;
    let items = stream_items(&local, Duration::from_secs(5)).await;
    assert!(
        matches!(
            items.last(),
            Some(Err(Error::Stream(StreamError::Truncated { events: 1, last_event_id: Some(id), cause: Truncation::Closed, .. }))) if id == "run-1:41"
        ),
        "{items:?}"
    );
}

#[tokio::test]
async fn comment_keep_alives_reset_the_idle_clock() {
    let local = serve(|mut conn| async move {
        if conn.request().await.is_none() {
            return;
        }
        conn.write(SSE_HEAD.as_bytes()).await;
        // 1.5 s of comments, one every 100 ms, against a 600 ms idle limit.
        for _ in 0..15 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if !conn.write(&chunk(": keep-alive\n\n")).await {
                return;
            }
        }
        let last = format!("data: {}\n\ndata: [DONE]\n\n", reasoning(1));
        conn.write(&chunk(&last)).await;
        conn.write(b"0\r\n\r\n").await;
    })
    .await;
    let items = stream_items(&local, Duration::from_millis(600)).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].is_ok(), "{items:?}");
}

#[tokio::test]
async fn a_huge_single_event_decodes() {
    const SIZE: usize = 8_000_000;
    let local = serve(|mut conn| async move {
        if conn.request().await.is_none() {
            return;
        }
        conn.write(SSE_HEAD.as_bytes()).await;
        let content = "x".repeat(SIZE);
        let frame = format!(
            r#"data: {{"id":"m-1","date":"2026-03-26T10:00:00Z","message_type":"assistant_message","content":"{content}"}}"#
        );
        // In 16 KiB chunks, as a server writes a body.
        for piece in frame.as_bytes().chunks(16 * 1024) {
            let mut out = format!("{:x}\r\n", piece.len()).into_bytes();
            out.extend_from_slice(piece);
            out.extend_from_slice(b"\r\n");
            if !conn.write(&out).await {
                return;
            }
        }
        conn.write(&chunk("\n\ndata: [DONE]\n\n")).await;
        conn.write(b"0\r\n\r\n").await;
    })
    .await;
    let items = stream_items(&local, Duration::from_secs(5)).await;
    assert_eq!(items.len(), 1);
    let Ok(StreamEvent::AssistantMessage(message)) = &items[0] else {
        panic!("{:?}", items[0].as_ref().map(|_| ()))
    };
    let content = serde_json::to_value(&message.content).expect("encodes");
    assert_eq!(content.as_str().map(str::len), Some(SIZE));
}

// Per-call options over the client's.

#[tokio::test]
async fn per_call_options_override_the_client() {
    let local = answering(json_answer(
        "503 Service Unavailable",
        r#"{"detail":"busy"}"#,
        "",
    ))
    .await;
    let client = Client::builder(&local.base)
        .max_retries(0)
        .build()
        .expect("client");
    let conversations = client.conversations();
    conversations
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("busy");
    assert_eq!(local.requests(), 1, "the client's policy: no retries");
    let error = conversations
        .retrieve("conv-1")
        .retry(RetryPolicy::new().max_retries(2).backoff(QUICK, QUICK))
        .send()
        .await
        .expect_err("still busy");
    assert_eq!(local.requests(), 1 + 3, "this call's policy");
    assert_eq!(attempts(&error), (3, Stopped::RetriesExhausted));
    // What a call does not set stays the client's.
    conversations
        .retrieve("conv-1")
        .timeout(Some(Duration::from_secs(5)))
        .send()
        .await
        .expect_err("busy");
    assert_eq!(local.requests(), 5);
}

#[tokio::test]
async fn hostile_waits_and_limits_too_long_for_the_clock_do_not_panic() {
    for (header, tries) in [
        ("Retry-After: 1e30\r\n", 1),
        ("retry-after-ms: 1e300\r\n", 1),
        ("Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n", 1),
        ("Retry-After: Thu, 01 Jan 1970 00:00:00 GMT\r\n", 2),
    ] {
        let answers = Arc::new(AtomicUsize::new(0));
        let local = serve(move |mut conn| {
            let answers = answers.clone();
            async move {
                for _ in 0..MAX_REQUESTS {
                    if conn.request().await.is_none() {
                        return;
                    }
                    let answer = if answers.fetch_add(1, Ordering::SeqCst) == 0 {
                        json_answer("503 Service Unavailable", r#"{"detail":"later"}"#, header)
                    } else {
                        ok(CONVERSATION)
                    };
                    if !conn.write(&answer).await {
                        return;
                    }
                }
            }
        })
        .await;
        let client = Client::builder(&local.base)
            .timeout(Some(Duration::MAX))
            .stream_idle_timeout(Some(Duration::MAX))
            .retry_policy(RetryPolicy::default().backoff(Duration::MAX, Duration::MAX))
            .build()
            .expect("client");
        let result = client
            .conversations()
            .retrieve("conv-1")
            .deadline(Some(Duration::from_millis(500)))
            .send()
            .await;
        assert_eq!(local.requests(), tries, "{header}");
        match (tries, result) {
            (1, Err(error)) => assert_eq!(
                attempts(&error),
                (1, Stopped::Deadline(Duration::from_millis(500))),
                "a wait past the deadline is not waited: {header}"
            ),
            (2, Ok(found)) => assert_eq!(found.id, "conv-1"),
            (_, other) => panic!("{header}: {other:?}"),
        }
    }
}

// Size limits.

/// The client's default limit of a buffered answer.
const DEFAULT_LIMIT: usize = 64 << 20;

/// A conversation whose `summary` makes the whole body exactly `size` bytes.
fn conversation_of_size(size: usize) -> Vec<u8> {
    let head =
        br#"{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","summary":""#;
    let tail = br#""}"#;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head);
    body.resize(size - tail.len(), b'x');
    body.extend_from_slice(tail);
    body
}

/// Answers every request with `body` (`Content-Length` declared unless `chunked`), written in
/// 64 KiB pieces, and counts the body bytes the socket took.
async fn answering_body(
    status: &'static str,
    body: Arc<Vec<u8>>,
    chunked: bool,
) -> (Local, Arc<AtomicUsize>) {
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let local = serve(move |mut conn| {
        let body = body.clone();
        let written = counter.clone();
        async move {
            for _ in 0..MAX_REQUESTS {
                if conn.request().await.is_none() {
                    return;
                }
                let framing = if chunked {
                    "Transfer-Encoding: chunked".to_owned()
                } else {
                    format!("Content-Length: {}", body.len())
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
                );
                if !conn.write(head.as_bytes()).await {
                    return;
                }
                for piece in body.chunks(64 * 1024) {
                    let sent = if chunked {
                        let mut out = format!("{:x}\r\n", piece.len()).into_bytes();
                        out.extend_from_slice(piece);
                        out.extend_from_slice(b"\r\n");
                        conn.write(&out).await
                    } else {
                        conn.write(piece).await
                    };
                    if !sent {
                        return;
                    }
                    written.fetch_add(piece.len(), Ordering::SeqCst);
                }
                if chunked && !conn.write(b"0\r\n\r\n").await {
                    return;
                }
            }
        }
    })
    .await;
    (local, written)
}

fn too_large(error: &Error) -> &letta_conversations::client::TooLargeError {
    match error {
        Error::TooLarge(too_large) => too_large,
        other => panic!("not a size error: {other:?}"),
    }
}

#[tokio::test]
async fn an_answer_above_the_default_limit_is_refused_as_soon_as_it_passes_it() {
    for chunked in [false, true] {
        // 16 MiB over the limit, so that the server is still writing when the client stops.
        let body = Arc::new(conversation_of_size(DEFAULT_LIMIT + (16 << 20)));
        let (local, written) = answering_body("200 OK", body.clone(), chunked).await;
        let client = Client::builder(&local.base).build().expect("client");
        let error = client
            .conversations()
            .retrieve("conv-1")
            .send()
            .await
            .expect_err("too large");
        let too_large = too_large(&error);
        assert_eq!(
            (too_large.status, too_large.limit),
            (200, DEFAULT_LIMIT as u64)
        );
        assert!(
            too_large.seen > too_large.limit && too_large.seen <= too_large.limit + (1 << 20),
            "stopped within a chunk of the limit: {}",
            too_large.seen
        );
        assert_eq!(
            attempts(&error),
            (1, Stopped::Final),
            "the same answer would come again"
        );
        assert_eq!(local.requests(), 1);
        let text = error.to_string();
        assert!(
            text.contains(&DEFAULT_LIMIT.to_string()) && text.contains(&too_large.seen.to_string()),
            "the message names the limit and the bytes seen: {text}"
        );
        // The socket took part of the rest at most: the client did not read it all.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            written.load(Ordering::SeqCst) < body.len(),
            "chunked {chunked}: the whole body was written"
        );
    }
}

#[tokio::test]
async fn an_answer_just_under_the_default_limit_decodes() {
    for chunked in [false, true] {
        let body = Arc::new(conversation_of_size(DEFAULT_LIMIT));
        let (local, _) = answering_body("200 OK", body, chunked).await;
        let client = Client::builder(&local.base).build().expect("client");
        let found = client
            .conversations()
            .retrieve("conv-1")
            .send()
            .await
            .expect("exactly at the limit");
        let summary = found.summary.expect("summary");
        assert!(summary.len() > DEFAULT_LIMIT - 200, "{}", summary.len());
    }
}

#[tokio::test]
async fn the_size_limit_is_set_per_client_and_per_call() {
    let body = Arc::new(conversation_of_size(4000));
    let (local, _) = answering_body("200 OK", body, false).await;
    let client = Client::builder(&local.base)
        .max_response_bytes(Some(3999))
        .build()
        .expect("client");
    let conversations = client.conversations();
    let error = conversations
        .retrieve("conv-1")
        .send()
        .await
        .expect_err("the client's limit");
    assert_eq!(too_large(&error).limit, 3999);
    assert_eq!(too_large(&error).seen, 4000);
    for limit in [Some(4000), None] {
        conversations
            .retrieve("conv-1")
            .max_response_bytes(limit)
            .send()
            .await
            .expect("this call's limit");
    }
    let error = Client::builder(&local.base)
        .build()
        .expect("client")
        .conversations()
        .retrieve("conv-1")
        .max_response_bytes(Some(100))
        .send()
        .await
        .expect_err("a call's limit below the client's");
    assert_eq!(too_large(&error).limit, 100);
}

#[tokio::test]
async fn an_error_answer_is_bounded_too() {
    let body = Arc::new(vec![b'x'; 1 << 20]);
    let (local, _) = answering_body("500 Internal Server Error", body, true).await;
    let error = client(&local)
        .conversations()
        .retrieve("conv-1")
        .max_response_bytes(Some(1000))
        .send()
        .await
        .expect_err("too large");
    assert_eq!(too_large(&error).status, 500);
    assert_eq!(error.status(), Some(500));
    assert!(!error.is_retryable());
}

/// A stream of one reasoning event (`seq_id` 3), then `event` as the server writes it, in
/// 16 KiB chunks, then `[DONE]`.
async fn stream_with(event: Vec<u8>) -> Local {
    let event = Arc::new(event);
    serve(move |mut conn| {
        let event = event.clone();
        async move {
            if conn.request().await.is_none() {
                return;
            }
            conn.write(SSE_HEAD.as_bytes()).await;
            conn.write(&chunk(&format!("data: {}\n\n", reasoning(3))))
                .await;
            for piece in event.chunks(16 * 1024) {
                let mut out = format!("{:x}\r\n", piece.len()).into_bytes();
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\r\n");
                if !conn.write(&out).await {
                    return;
                }
            }
            conn.write(&chunk("\n\ndata: [DONE]\n\n")).await;
            conn.write(b"0\r\n\r\n").await;
        }
    })
    .await
}

fn assistant_event(content: &str) -> String {
    format!(
        r#"{{"id":"m-1","date":"2026-03-26T10:00:00Z","message_type":"assistant_message","content":"{content}"}}"#
    )
}

/// The items of a stream with these limits for the call.
async fn limited_items(
    local: &Local,
    event: Option<u64>,
    buffered: Option<u64>,
) -> Vec<Result<StreamEvent, Error>> {
    client(local)
        .conversations()
        .retrieve_stream("conv-1")
        .max_event_bytes(event)
        .max_stream_buffer_bytes(buffered)
        .stream()
        .await
        .expect("the stream starts")
        .collect()
        .await
}

fn stream_too_large(items: &[Result<StreamEvent, Error>]) -> (StreamLimit, u64, u64) {
    assert_eq!(items.len(), 2, "the event before, then the error");
    assert!(items[0].is_ok(), "{:?}", items[0]);
    match &items[1] {
        Err(Error::Stream(StreamError::TooLarge {
            kind,
            limit,
            seen,
            events,
            last_event_id,
            ..
        })) => {
            assert_eq!(*events, 1);
            assert_eq!(last_event_id.as_deref(), Some("3"), "where to resume");
            (*kind, *limit, *seen)
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_event_past_its_limit_ends_the_stream_after_the_events_before_it() {
    const LIMIT: u64 = 1 << 20;
    // In one `data:` line of 4 MB: the error comes while the line is still arriving.
    let one_line = format!("data: {}", assistant_event(&"x".repeat(4_000_000)));
    // In 64-byte `data:` lines: the event grows line by line.
    let mut many_lines = String::new();
    for line in assistant_event(&"x".repeat(4_000_000))
        .as_bytes()
        .chunks(64)
    {
        many_lines.push_str("data: ");
        many_lines.push_str(std::str::from_utf8(line).expect("ASCII"));
        many_lines.push('\n');
    }
    for event in [one_line, many_lines] {
        let local = stream_with(event.into_bytes()).await;
        let items = limited_items(&local, Some(LIMIT), None).await;
        let (kind, limit, seen) = stream_too_large(&items);
        assert_eq!((kind, limit), (StreamLimit::Event, LIMIT));
        assert!(
            seen > LIMIT && seen < LIMIT + (1 << 20),
            "stopped within a chunk: {seen}"
        );
        let text = items[1].as_ref().map(drop).expect_err("error").to_string();
        assert!(
            text.contains(&LIMIT.to_string()) && text.contains(&seen.to_string()),
            "{text}"
        );
    }
}

#[tokio::test]
async fn what_is_held_waiting_for_an_event_end_is_bounded() {
    const LIMIT: u64 = 1 << 20;
    // A comment line that never ends carries no event, but it is held all the same.
    let comment = format!(": {}", "x".repeat(4_000_000));
    let local = stream_with(comment.into_bytes()).await;
    let items = limited_items(&local, None, Some(LIMIT)).await;
    let (kind, limit, seen) = stream_too_large(&items);
    assert_eq!((kind, limit), (StreamLimit::Buffered, LIMIT));
    assert!(seen > LIMIT && seen < LIMIT + (1 << 20), "{seen}");
}

#[tokio::test]
async fn the_stream_limits_are_set_per_client_and_lifted_per_call() {
    let event = format!("data: {}", assistant_event(&"x".repeat(100_000)));
    let local = stream_with(event.into_bytes()).await;
    let client = Client::builder(&local.base)
        .max_event_bytes(Some(50_000))
        .build()
        .expect("client");
    let items: Vec<_> = client
        .conversations()
        .retrieve_stream("conv-1")
        .stream()
        .await
        .expect("starts")
        .collect()
        .await;
    assert_eq!(stream_too_large(&items).0, StreamLimit::Event);
    let items: Vec<_> = client
        .conversations()
        .retrieve_stream("conv-1")
        .max_event_bytes(Some(200_000))
        .stream()
        .await
        .expect("starts")
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().all(Result::is_ok), "{items:?}");
}

// What hyper and reqwest already hold, kept holding.

#[tokio::test]
async fn a_redirect_to_another_port_drops_the_token() {
    let target = serve(|mut conn| async move {
        if let Some(request) = conn.request().await {
            let answer = if request.header("authorization").is_some() {
                json_answer("401 Unauthorized", r#"{"detail":"token leaked"}"#, "")
            } else {
                ok(CONVERSATION)
            };
            conn.write(&answer).await;
        }
    })
    .await;
    let location = format!("Location: {}/v1/conversations/conv-1\r\n", target.base);
    let origin = answering(json_answer("302 Found", "", &location)).await;
    let client = Client::builder(&origin.base)
        .token("secret")
        .build()
        .expect("client");
    let found = client
        .conversations()
        .retrieve("conv-1")
        .send()
        .await
        .expect("followed without the token");
    assert_eq!(found.id, "conv-1");
    assert_eq!((origin.requests(), target.requests()), (1, 1));
}

#[tokio::test]
async fn a_redirect_loop_ends_with_an_error() {
    let local = answering(json_answer(
        "302 Found",
        "",
        "Location: /v1/conversations/conv-1\r\n",
    ))
    .await;
    let error = client(&local)
        .conversations()
        .retrieve("conv-1")
        .max_retries(0)
        .send()
        .await
        .expect_err("a loop");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(
        local.requests() <= 11,
        "reqwest follows 10: {}",
        local.requests()
    );
}

#[tokio::test]
async fn a_4_mb_header_is_refused() {
    let header = format!("X-Big: {}\r\n", "x".repeat(4 << 20));
    let local = answering(json_answer("200 OK", CONVERSATION, &header)).await;
    let error = client(&local)
        .conversations()
        .retrieve("conv-1")
        .max_retries(0)
        .send()
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn headers_trickled_a_byte_at_a_time_end_at_the_timeout() {
    let local = serve(|mut conn| async move {
        if conn.request().await.is_none() {
            return;
        }
        let head = format!("HTTP/1.1 200 OK\r\n{}", "X-Slow: y\r\n".repeat(1000));
        for byte in head.bytes() {
            if !conn.write(&[byte]).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    times_out_at_half_a_second(&local, "never a whole head").await;
}
