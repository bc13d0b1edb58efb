//! Throughput on the same bytes in one run: the conversations the runner wrote (2,000, spread
//! over the 15 `ModelSettings` variants, with nested `response_format`s) decoded and re-encoded
//! by our types, `serde_json::Value` and progenitor's types; and 2,000 stream events through
//! our Server-Sent Events decoder, and single events of 1 to 20 MB. Prints one JSON object for
//! the runner. With `--load`, the client under load instead: 2,000 requests, 64 in flight,
//! through one client to a local server. With `--memory`, the peak resident size of one large
//! answer (a process each, so that the peak is that answer's).
//!
//! Every decoder reads a body the way the generated client does: UTF-8 checked once for the
//! whole body, then `serde_json::from_str` (from bytes, serde_json checks every string).
//!
//! With `--alone NAME`, only that decoder runs, in a loop of its own: the figure of a process
//! that does nothing else, where glibc hands freed memory back between iterations and a decoder
//! that allocates more pays for touching fresh pages again. The default run is the warm case:
//! the three take turns while the results of the first decode stay alive.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use letta_conversations::Client;
use letta_conversations::client::EventStream;
use letta_conversations::models::{Conversation, StreamEvent};
use serde_json::{Value, json};

const USAGE: &str = "usage: letta-bench-decode CONVERSATIONS.json NEWER.json [ITERATIONS]
       letta-bench-decode --alone ours|value|progenitor CONVERSATIONS.json [ITERATIONS]
       letta-bench-decode --turns CONVERSATIONS.json [ITERATIONS]
       letta-bench-decode --count ours|value|floor decode|encode CONVERSATIONS.json ITERATIONS
       letta-bench-decode --sse-large
       letta-bench-decode --load
       letta-bench-decode --memory list|string client|bytes|decode";
const EVENTS: usize = 2_000;
/// A typical read size of an HTTP body.
const CHUNK: usize = 8 * 1024;

/// The project's root (from `workspace-root`, which links nothing: this package must not link
/// the generator, whose `serde_json` has `preserve_order`).
fn root() -> PathBuf {
    workspace_root::workspace_root!()
}

fn read(path: Option<String>) -> Result<Vec<u8>, String> {
    let path = path.ok_or(USAGE)?;
    std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn iterations(arg: Option<String>) -> Result<usize, String> {
    Ok(arg
        .map(|n| n.parse().map_err(|e| format!("iterations: {e}")))
        .transpose()?
        .unwrap_or(30))
}

/// Reads a body as the generated client does.
fn from_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// `--alone NAME CONVERSATIONS [ITERATIONS]`: one decoder's MB/s, alone in the process.
fn alone(mut args: impl Iterator<Item = String>) -> Result<f64, String> {
    let name = args.next().ok_or(USAGE)?;
    let bytes = read(args.next())?;
    let iterations = iterations(args.next())?;
    fn run<T: serde::de::DeserializeOwned>(
        bytes: &[u8],
        iterations: usize,
    ) -> Result<Duration, String> {
        from_body::<T>(bytes)?;
        Ok(median(iterations, || {
            let value: T = from_body(bytes).expect("decoded once already");
            drop(std::hint::black_box(value));
        }))
    }
    let time = match name.as_str() {
        "ours" => run::<Vec<Conversation>>(&bytes, iterations)?,
        "value" => run::<Value>(&bytes, iterations)?,
        "progenitor" => run::<Vec<progenitor_types::types::Conversation>>(&bytes, iterations)?,
        other => return Err(format!("no decoder `{other}`\n{USAGE}")),
    };
    Ok(mb_per_s(bytes.len(), time))
}

/// `--turns CONVERSATIONS [ITERATIONS]`: ours, `Value` and the floor taking turns on one file
/// (the runner's second dataset, with nulls and absent properties).
fn turns(mut args: impl Iterator<Item = String>) -> Result<Value, String> {
    let bytes = read(args.next())?;
    let iterations = iterations(args.next())?;
    let original: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let ours = Codec::<Vec<Conversation>>::check(&bytes, &original)?;
    let value = Codec::<Value>::check(&bytes, &original)?;
    let codecs: [&dyn Timed; 3] = [&ours, &value, &Floor];
    let (decode, encode) = interleaved(&codecs, &bytes, iterations);
    Ok(json!({
        "bytes": bytes.len(),
        "decode": {
            "ours": mb_per_s(bytes.len(), decode[0]),
            "value": mb_per_s(bytes.len(), decode[1]),
            "floor": mb_per_s(bytes.len(), decode[2]),
        },
        "encode": {
            "ours": mb_per_s(bytes.len(), encode[0]),
            "value": mb_per_s(bytes.len(), encode[1]),
        },
        "lossless": ours.lossless,
    }))
}

/// `--count DECODER WAY CONVERSATIONS ITERATIONS`: the work whose instructions the runner counts
/// under cachegrind. The runner runs it twice, with ITERATIONS and with 0, so that what is
/// counted once (reading the file, the decode an encode starts from) cancels out.
fn count(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let decoder = args.next().ok_or(USAGE)?;
    let way = args.next().ok_or(USAGE)?;
    let bytes = read(args.next())?;
    let iterations: usize = args
        .next()
        .ok_or(USAGE)?
        .parse()
        .map_err(|e| format!("iterations: {e}"))?;
    fn repeat<T: serde::de::DeserializeOwned + serde::Serialize>(
        bytes: &[u8],
        way: &str,
        iterations: usize,
    ) -> Result<(), String> {
        let decoded: T = from_body(bytes)?;
        for _ in 0..iterations {
            match way {
                "decode" => drop(std::hint::black_box(from_body::<T>(bytes)?)),
                "encode" => drop(std::hint::black_box(
                    serde_json::to_vec(&decoded).map_err(|e| e.to_string())?,
                )),
                other => return Err(format!("no way `{other}`\n{USAGE}")),
            }
        }
        Ok(())
    }
    match (decoder.as_str(), way.as_str()) {
        ("ours", _) => repeat::<Vec<Conversation>>(&bytes, &way, iterations),
        ("value", _) => repeat::<Value>(&bytes, &way, iterations),
        ("floor", "decode") => {
            for _ in 0..=iterations {
                from_body::<serde::de::IgnoredAny>(&bytes)?;
            }
            Ok(())
        }
        (other, way) => Err(format!("no `{other} {way}`\n{USAGE}")),
    }
}

/// `letta-bench-decode CONVERSATIONS NEWER [ITERATIONS]`: the two JSON files the runner wrote.
fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--turns") {
        args.next();
        println!("{}", turns(args)?);
        return Ok(());
    }
    if args.peek().map(String::as_str) == Some("--count") {
        args.next();
        return count(args);
    }
    if args.peek().map(String::as_str) == Some("--alone") {
        args.next();
        println!("{}", alone(args)?);
        return Ok(());
    }
    if args.peek().map(String::as_str) == Some("--load") {
        println!("{}", load()?);
        return Ok(());
    }
    if args.peek().map(String::as_str) == Some("--memory") {
        args.next();
        let kind = args.next().ok_or(USAGE)?;
        let way = args.next().ok_or(USAGE)?;
        println!("{}", memory(&kind, &way)?);
        return Ok(());
    }
    if args.peek().map(String::as_str) == Some("--sse-large") {
        println!("{}", large_events());
        return Ok(());
    }
    let bytes = read(args.next())?;
    let newer_bytes = read(args.next())?;
    let iterations = iterations(args.next())?;
    let original: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let count = original.as_array().map_or(0, Vec::len);

    let ours = Codec::<Vec<Conversation>>::check(&bytes, &original)?;
    let value = Codec::<Value>::check(&bytes, &original)?;
    let progenitor = Codec::<Vec<progenitor_types::types::Conversation>>::check(&bytes, &original)?;
    let newer = newer_server(&newer_bytes);
    // Interleaved, so that each decoder meets the allocator in the same state.
    let codecs: [&dyn Timed; 4] = [&ours, &value, &progenitor, &Floor];
    let (decode, encode) = interleaved(&codecs, &bytes, iterations);

    let sse = sse_body()?;
    let sse_time = median(iterations, || {
        let count = drain_events(&sse);
        assert_eq!(count, EVENTS, "every event decodes");
    });
    let sse_large = large_events();

    let figures = json!({
        "conversations": count,
        "bytes": bytes.len(),
        "iterations": iterations,
        "variants": variant_count(&original),
        "decode": {
            "ours": mb_per_s(bytes.len(), decode[0]),
            "value": mb_per_s(bytes.len(), decode[1]),
            "progenitor": mb_per_s(bytes.len(), decode[2]),
            "floor": mb_per_s(bytes.len(), decode[3]),
        },
        "encode": {
            "ours": mb_per_s(bytes.len(), encode[0]),
            "value": mb_per_s(bytes.len(), encode[1]),
            "progenitor": mb_per_s(bytes.len(), encode[2]),
        },
        "lossless": {
            "ours": ours.lossless,
            "value": value.lossless,
            "progenitor": progenitor.lossless,
        },
        "newer_server": newer,
        "sse": {
            "events": EVENTS,
            "bytes": sse.len(),
            "chunk": CHUNK,
            "mb_per_s": mb_per_s(sse.len(), sse_time),
        },
        "sse_large": sse_large,
    });
    println!("{figures}");
    Ok(())
}

/// One side of the comparison: a type the bytes decode into, and what it gave back.
struct Codec<T> {
    decoded: T,
    /// Decoding then encoding gives back the same JSON value.
    lossless: bool,
}

impl<T: serde::de::DeserializeOwned + serde::Serialize> Codec<T> {
    fn check(bytes: &[u8], original: &Value) -> Result<Self, String> {
        let decoded: T = from_body(bytes).map_err(|e| {
            format!(
                "{} does not decode the data: {e}",
                std::any::type_name::<T>()
            )
        })?;
        let lossless = serde_json::to_value(&decoded).map_err(|e| e.to_string())? == *original;
        Ok(Codec { decoded, lossless })
    }
}

/// serde_json parsing into nothing (`IgnoredAny`): the floor no decoder of the same bytes can
/// go below. It encodes nothing.
struct Floor;

impl Timed for Floor {
    fn decode(&self, bytes: &[u8]) -> Duration {
        let start = Instant::now();
        from_body::<serde::de::IgnoredAny>(bytes).expect("the data is JSON");
        start.elapsed()
    }

    fn encode(&self) -> Duration {
        Duration::ZERO
    }
}

trait Timed {
    fn decode(&self, bytes: &[u8]) -> Duration;
    fn encode(&self) -> Duration;
}

impl<T: serde::de::DeserializeOwned + serde::Serialize> Timed for Codec<T> {
    /// Decoding and dropping, as a response handler does.
    fn decode(&self, bytes: &[u8]) -> Duration {
        let start = Instant::now();
        let value: T = from_body(bytes).expect("decoded once already");
        drop(std::hint::black_box(value));
        start.elapsed()
    }

    fn encode(&self) -> Duration {
        let start = Instant::now();
        let out = serde_json::to_vec(std::hint::black_box(&self.decoded)).expect("encodes");
        drop(std::hint::black_box(out));
        start.elapsed()
    }
}

/// Median decode and encode time of each codec, taking turns.
fn interleaved(
    codecs: &[&dyn Timed],
    bytes: &[u8],
    iterations: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut decode = vec![Vec::new(); codecs.len()];
    let mut encode = vec![Vec::new(); codecs.len()];
    for round in 0..=iterations.max(1) {
        for (i, codec) in codecs.iter().enumerate() {
            let (d, e) = (codec.decode(bytes), codec.encode());
            // Round 0 warms up.
            if round > 0 {
                decode[i].push(d);
                encode[i].push(e);
            }
        }
    }
    (
        decode.into_iter().map(middle).collect(),
        encode.into_iter().map(middle).collect(),
    )
}

fn middle(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn median(iterations: usize, mut run: impl FnMut()) -> Duration {
    run(); // warm-up
    middle(
        (0..iterations.max(1))
            .map(|_| {
                let start = Instant::now();
                run();
                start.elapsed()
            })
            .collect(),
    )
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / time.as_secs_f64() / 1e6
}

fn variant_count(original: &Value) -> usize {
    let mut tags: Vec<&str> = original
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["model_settings"]["provider_type"].as_str())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags.len()
}

/// The same conversations as a newer server sends them, with a property the schema lacks
/// (`archived`, which the hosted API documents): does each side decode them, and keep it?
fn newer_server(bytes: &[u8]) -> Value {
    let ours = match serde_json::from_slice::<Vec<Conversation>>(bytes) {
        Ok(decoded) if decoded.iter().all(|c| c.extra.contains_key("archived")) => {
            "decodes, keeps it".to_owned()
        }
        Ok(_) => "decodes, drops it".to_owned(),
        Err(e) => format!("refuses: {e}"),
    };
    let progenitor =
        match serde_json::from_slice::<Vec<progenitor_types::types::Conversation>>(bytes) {
            Ok(_) => "decodes, drops it".to_owned(),
            Err(e) => format!("refuses: {e}"),
        };
    json!({"ours": ours, "progenitor": progenitor})
}

/// `EVENTS` `data:` frames cycled from the streams the real server sent, then `[DONE]`.
fn sse_body() -> Result<Vec<u8>, String> {
    let dir = root().join("tests/fixtures/server");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sse"))
        .collect();
    names.sort();
    let mut frames = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(name).map_err(|e| e.to_string())?;
        frames.extend(
            text.lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .filter(|d| *d != "[DONE]")
                .map(str::to_owned),
        );
    }
    if frames.is_empty() {
        return Err(format!("no stream frames in {}", dir.display()));
    }
    let mut body = String::new();
    for frame in frames.iter().cycle().take(EVENTS) {
        body.push_str("data: ");
        body.push_str(frame);
        body.push_str("\n\n");
    }
    body.push_str("data: [DONE]\n\n");
    Ok(body.into_bytes())
}

/// Sizes of the single large events: a parser that rescans its buffer on every chunk takes
/// time that grows with the square of the size; a linear one, time in proportion.
const LARGE_EVENT_MB: [usize; 4] = [1, 5, 10, 20];

/// One `data:` frame of `megabytes` (an assistant message with that much content), then
/// `[DONE]`, in `CHUNK`-sized pieces: seconds and MB/s for each size, median of three.
fn large_events() -> Value {
    LARGE_EVENT_MB
        .iter()
        .map(|&megabytes| {
            let content = "x".repeat(megabytes * 1_000_000);
            let frame = json!({"message_type": "assistant_message", "id": "message-1", "date": "2026-03-26T10:00:00Z", "content": content});
            let body = format!("data: {frame}\n\ndata: [DONE]\n\n").into_bytes();
            let time = median(3, || {
                let count = drain_events(&body);
                assert_eq!(count, 1, "the one event decodes");
            });
            json!({"mb": megabytes, "seconds": time.as_secs_f64(), "mb_per_s": mb_per_s(body.len(), time)})
        })
        .collect()
}

fn drain_events(body: &[u8]) -> usize {
    let chunks: Vec<Result<Bytes, reqwest::Error>> = body
        .chunks(CHUNK)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let stream = EventStream::<StreamEvent>::from_bytes(futures_util::stream::iter(chunks));
    futures_executor::block_on(async {
        let mut count = 0;
        let mut stream = std::pin::pin!(stream);
        while let Some(event) = stream.next().await {
            if event.is_ok() {
                count += 1;
            }
        }
        count
    })
}

/// Requests of the load run, and how many are in flight at once.
const LOAD_REQUESTS: usize = 2_000;
const LOAD_IN_FLIGHT: usize = 64;

/// `--load`: `LOAD_REQUESTS` GETs of a conversation, `LOAD_IN_FLIGHT` at a time, through one
/// client with its default settings, to a keep-alive HTTP/1.1 server in this process on
/// 127.0.0.1 (a process of its own, so its memory is the run's: client, server and runtime).
fn load() -> Result<Value, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        tokio::spawn(serve_conversations(listener));
        let client = Client::builder(format!("http://{address}"))
            .build()
            .map_err(|e| e.to_string())?;
        // One request first, so that the figures do not include starting up.
        client
            .conversations()
            .retrieve("conv-1")
            .send()
            .await
            .map_err(|e| format!("warm-up: {e}"))?;
        let rss_before = memory_kib("VmRSS");
        let start = Instant::now();
        let outcomes: Vec<bool> = futures_util::stream::iter(0..LOAD_REQUESTS)
            .map(|_| {
                let conversations = client.conversations();
                async move { conversations.retrieve("conv-1").send().await.is_ok() }
            })
            .buffer_unordered(LOAD_IN_FLIGHT)
            .collect()
            .await;
        let seconds = start.elapsed().as_secs_f64();
        let errors = outcomes.iter().filter(|ok| !**ok).count();
        let mib = |kib: Option<u64>| kib.map(|k| k as f64 / 1024.0);
        Ok(json!({
            "requests": LOAD_REQUESTS,
            "in_flight": LOAD_IN_FLIGHT,
            "errors": errors,
            "seconds": seconds,
            "requests_per_s": LOAD_REQUESTS as f64 / seconds,
            "rss_before_mib": mib(rss_before),
            "rss_after_mib": mib(memory_kib("VmRSS")),
            "peak_rss_mib": mib(memory_kib("VmHWM")),
        }))
    })
}

/// A line of `/proc/self/status`, in KiB (Linux only).
fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The conversation every load request gets, and the large list repeats.
fn conversation_json() -> Value {
    json!({
        "id": "conv-1",
        "agent_id": "agent-19517c77-9823-4d0a-b971-1333614aad18",
        "created_at": "2026-03-26T10:00:00.123456",
        "updated_at": "2026-03-26T10:00:00+00:00",
        "created_by_id": "user-00000000-0000-4000-8000-000000000000",
        "summary": "hello",
        "in_context_message_ids": ["message-1", "message-2"],
        "isolated_block_ids": [],
        "model_settings": {"provider_type": "anthropic", "temperature": 0.7, "thinking": {"type": "enabled", "budget_tokens": 1024}},
    })
}

/// Answers every GET with one conversation, keeping connections open.
async fn serve_conversations(listener: tokio::net::TcpListener) {
    let body = conversation_json().to_string();
    let answer = std::sync::Arc::new(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    // Each connection serves at most every request of the run; the client opens at most one
    // per request in flight.
    for _ in 0..LOAD_IN_FLIGHT * 4 {
        let Ok((socket, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(answer_requests(socket, answer.clone()));
    }
}

async fn answer_requests(mut socket: tokio::net::TcpStream, answer: std::sync::Arc<Vec<u8>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut pending = Vec::new();
    let mut buffer = [0u8; 4096];
    let mut served = 0;
    while served <= LOAD_REQUESTS {
        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            pending.drain(..end + 4);
            if socket.write_all(&answer).await.is_err() {
                return;
            }
            served += 1;
        }
        match socket.read(&mut buffer).await {
            Ok(n) if n > 0 => pending.extend_from_slice(&buffer[..n]),
            _ => return,
        }
    }
}

/// Conversations in the large list answer (about 37 MB).
const MEMORY_LIST: usize = 100_000;
/// The size of the one string field of the other large answer.
const MEMORY_STRING: usize = 40 << 20;

/// `--memory KIND WAY`: one large answer (`list`: `MEMORY_LIST` conversations; `string`: one
/// conversation whose `summary` is `MEMORY_STRING` bytes) served from memory on 127.0.0.1 with
/// `Content-Length`, and read `WAY`: `client`, the generated client with default settings;
/// `bytes`, reqwest's `Response::bytes()` then the same decode (what the client did before);
/// `decode`, decoding the bytes already in memory (the floor). The figure is the peak resident
/// size (`VmHWM`) less the resident size before the call, where the answer's own bytes (the
/// server's copy) and the runtime already are.
fn memory(kind: &str, way: &str) -> Result<Value, String> {
    let body = match kind {
        "list" => {
            // Written as text, not built as `Value`s: their freed heap would hold the figures down.
            let one = conversation_json().to_string();
            let mut text = String::from("[");
            for index in 0..MEMORY_LIST {
                if index > 0 {
                    text.push(',');
                }
                text.push_str(&one.replacen("conv-1", &format!("conv-{index}"), 1));
            }
            text.push(']');
            text.into_bytes()
        }
        "string" => {
            let mut item = conversation_json();
            item["summary"] = "x".repeat(MEMORY_STRING).into();
            item.to_string().into_bytes()
        }
        other => return Err(format!("no answer `{other}`\n{USAGE}")),
    };
    let body = std::sync::Arc::new(body);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let items = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let base = format!(
            "http://{}",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        tokio::spawn(serve_body(listener, body.clone()));
        let client = Client::builder(&base).build().map_err(|e| e.to_string())?;
        let http = reqwest::Client::new();
        let rss_before = memory_kib("VmRSS");
        let items = match (kind, way) {
            ("list", "client") => client.conversations().list().send().await.map(|l| l.len()),
            ("string", "client") => client
                .conversations()
                .retrieve("conv-1")
                .send()
                .await
                .map(|_| 1),
            (_, "bytes") => {
                let url = format!("{base}/v1/conversations/");
                let response = http.get(url).send().await.map_err(|e| e.to_string())?;
                let bytes = response.bytes().await.map_err(|e| e.to_string())?;
                Ok(decoded_items(kind, &bytes)?)
            }
            (_, "decode") => Ok(decoded_items(kind, &body)?),
            (_, other) => return Err(format!("no way `{other}`\n{USAGE}")),
        };
        let items = items.map_err(|e| e.to_string())?;
        Ok::<_, String>((items, rss_before))
    })?;
    let (items, rss_before) = items;
    let peak = memory_kib("VmHWM");
    let mib = |kib: u64| kib as f64 / 1024.0;
    let growth = match (peak, rss_before) {
        (Some(peak), Some(before)) => Some(peak.saturating_sub(before)),
        _ => None,
    };
    Ok(json!({
        "kind": kind,
        "way": way,
        "items": items,
        "answer_mib": body.len() as f64 / (1 << 20) as f64,
        "rss_before_mib": rss_before.map(mib),
        "peak_rss_mib": peak.map(mib),
        "growth_mib": growth.map(mib),
        "growth_per_byte": growth.map(|kib| (kib * 1024) as f64 / body.len() as f64),
    }))
}

/// Decodes an answer the way the client does (UTF-8 checked once, then `from_str`).
fn decoded_items(kind: &str, bytes: &[u8]) -> Result<usize, String> {
    Ok(if kind == "list" {
        from_body::<Vec<Conversation>>(bytes)?.len()
    } else {
        from_body::<Conversation>(bytes).map(|_| 1)?
    })
}

/// Answers one connection's requests with `body`, written from where it lies.
async fn serve_body(listener: tokio::net::TcpListener, body: std::sync::Arc<Vec<u8>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for _ in 0..4 {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let body = body.clone();
        tokio::spawn(async move {
            let mut pending = Vec::new();
            let mut buffer = [0u8; 4096];
            for _ in 0..4 {
                while !pending.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(n) if n > 0 => pending.extend_from_slice(&buffer[..n]),
                        _ => return,
                    }
                }
                pending.clear();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                if socket.write_all(head.as_bytes()).await.is_err()
                    || socket.write_all(&body).await.is_err()
                {
                    return;
                }
            }
        });
    }
}
