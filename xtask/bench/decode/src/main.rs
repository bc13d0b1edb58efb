//! Throughput on the same bytes in one run: the conversations the runner wrote (2,000, spread
//! over the 15 `ModelSettings` variants, with nested `response_format`s) decoded and re-encoded
//! by our types, `serde_json::Value` and progenitor's types; and 2,000 stream events through
//! our Server-Sent Events decoder. Prints one JSON object for the runner.
//!
//! Every decoder reads a body the way the generated client does: UTF-8 checked once for the
//! whole body, then `serde_json::from_str` (from bytes, serde_json checks every string).
//!
//! With `--alone NAME`, only that decoder runs, in a loop of its own: the figure of a process
//! that does nothing else, where glibc hands freed memory back between iterations and a decoder
//! that allocates more pays for touching fresh pages again. The default run is the warm case:
//! the three take turns while the results of the first decode stay alive.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use letta_conversations::client::EventStream;
use letta_conversations::models::{Conversation, StreamEvent};
use serde_json::{Value, json};

const USAGE: &str = "usage: letta-bench-decode CONVERSATIONS.json NEWER.json [ITERATIONS]
       letta-bench-decode --alone ours|value|progenitor CONVERSATIONS.json [ITERATIONS]";
const EVENTS: usize = 2_000;
/// A typical read size of an HTTP body.
const CHUNK: usize = 8 * 1024;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
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

/// `letta-bench-decode CONVERSATIONS NEWER [ITERATIONS]`: the two JSON files the runner wrote.
fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--alone") {
        args.next();
        println!("{}", alone(args)?);
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
    let codecs: [&dyn Timed; 3] = [&ours, &value, &progenitor];
    let (decode, encode) = interleaved(&codecs, &bytes, iterations);

    let sse = sse_body()?;
    let sse_time = median(iterations, || {
        let count = drain_events(&sse);
        assert_eq!(count, EVENTS, "every event decodes");
    });

    let figures = json!({
        "conversations": count,
        "bytes": bytes.len(),
        "iterations": iterations,
        "variants": variant_count(&original),
        "decode": {
            "ours": mb_per_s(bytes.len(), decode[0]),
            "value": mb_per_s(bytes.len(), decode[1]),
            "progenitor": mb_per_s(bytes.len(), decode[2]),
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
