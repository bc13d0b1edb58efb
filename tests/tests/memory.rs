//! What one answer costs in memory, counted by this binary's allocator (so the figures do not
//! depend on the machine or its load): a 2 GiB gzip bomb ends with the size error after the
//! limit's worth of memory, and a large answer is held once while it decodes. Servers are on
//! 127.0.0.1, bounded, and write what they generate chunk by chunk.
//!
//! The counter is global, so the tests take turns (`TURN`); the server's allocations are made
//! before a measurement starts, or are a chunk at a time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use letta_conversations::client::EventStream;
use letta_conversations::models::{Conversation, StreamEvent};
use letta_conversations::{Client, Error};

/// Counts the bytes allocated and not yet freed, and the most there were.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call goes to `System` unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            // Counted as a copy (the new block before the old is freed), the worst case.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are the whole process's.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What a future allocated at most beyond what was live when it started, and what it left
/// allocated (its result, with what it returns).
async fn measured<T>(future: impl Future<Output = T>) -> (T, usize, usize) {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let output = future.await;
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(before);
    let kept = LIVE.load(Ordering::SeqCst).saturating_sub(before);
    (output, peak, kept)
}

/// The same, for work that does not wait.
fn measured_now<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let output = work();
    (output, PEAK.load(Ordering::SeqCst).saturating_sub(before))
}

/// Decodes bytes already in memory, as the client does (UTF-8 checked once, then `from_str`).
fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_str(std::str::from_utf8(body).expect("UTF-8")).expect("decodes")
}

const MIB: usize = 1 << 20;
/// The client's default limit of a buffered answer.
const DEFAULT_LIMIT: usize = 64 * MIB;

/// An answer's pieces, each made when it is written.
type Pieces = Box<dyn Iterator<Item = Vec<u8>> + Send>;

/// Serves `answer` (head and body pieces, each written as it is produced) to each connection,
/// after reading its request.
async fn serve<F>(answer: F) -> String
where
    F: Fn() -> Pieces + Send + Sync + 'static,
{
    let answer = Arc::new(answer);
    let local = support::raw::serve(move |mut conn| {
        let answer = answer.clone();
        async move {
            if conn.request().await.is_none() {
                return;
            }
            for piece in answer() {
                if !conn.write(&piece).await {
                    return;
                }
            }
        }
    })
    .await;
    local.base
}

const ZEROS_BLOCK: usize = MIB;
/// 2 GiB of zeros.
const BOMB_BLOCKS: usize = 2048;

/// A gzip answer that inflates to a conversation whose `summary` is `blocks` MiB of `0`: about
/// 1 KB compressed a MiB. Deflate blocks ended by a sync flush over a window of zeros come out
/// the same every time, so one is compressed and sent `blocks` times; the trailer's CRC is
/// combined from the blocks' (no large buffer anywhere).
fn gzip_bomb(blocks: usize) -> impl Fn() -> Pieces + Send + Sync + 'static {
    let head =
        br#"{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","summary":""#;
    let tail = br#""}"#;
    let zeros = vec![b'0'; ZEROS_BLOCK];
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let mut flushed = |bytes: &[u8]| {
        deflate.write_all(bytes).expect("in memory");
        deflate.flush().expect("in memory");
        std::mem::take(deflate.get_mut())
    };
    let mut first = head.to_vec();
    first.extend_from_slice(&zeros);
    let first = flushed(&first);
    let block = flushed(&zeros);
    assert_eq!(
        block,
        flushed(&zeros),
        "a block over a window of zeros repeats"
    );
    // The third block was compressed only to check; the stream below sends the same state.
    let last = {
        deflate.write_all(tail).expect("in memory");
        deflate.finish().expect("in memory")
    };
    let mut crc = flate2::Crc::new();
    crc.update(head);
    let mut zeros_crc = flate2::Crc::new();
    zeros_crc.update(&zeros);
    for _ in 0..blocks {
        crc.combine(&zeros_crc);
    }
    crc.update(tail);
    let inflated = head.len() + blocks * ZEROS_BLOCK + tail.len();
    let mut trailer = last;
    trailer.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE is the size modulo 2^32, as gzip defines it.
    trailer.extend_from_slice(&((inflated % (1 << 32)) as u32).to_le_bytes());
    let compressed = first.len() + (blocks - 1) * block.len() + trailer.len();
    move || {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            10 + compressed
        );
        let start = [
            head.into_bytes(),
            b"\x1f\x8b\x08\0\0\0\0\0\0\xff".to_vec(),
            first.clone(),
        ];
        let pieces = start
            .into_iter()
            .chain(std::iter::repeat_n(block.clone(), blocks - 1))
            .chain(std::iter::once(trailer.clone()));
        Box::new(pieces)
    }
}

#[tokio::test]
async fn the_gzip_bomb_is_a_valid_gzip_stream() {
    // The same construction, 8 MiB of zeros, read whole by flate2 (which checks the CRC and
    // the size): the test below would prove nothing against a broken stream. The 2 GiB one is
    // only checked for its compressed size, as inflating it here would take a while.
    let _turn = TURN.lock().await;
    let body: Vec<u8> = gzip_bomb(8)().skip(1).flatten().collect();
    let mut inflated = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut inflated)
        .expect("a valid gzip stream");
    let conversation: Conversation = serde_json::from_str(&inflated).expect("a conversation");
    assert_eq!(conversation.summary.map(|s| s.len()), Some(8 * ZEROS_BLOCK));
    let bomb: usize = gzip_bomb(BOMB_BLOCKS)()
        .skip(1)
        .map(|piece| piece.len())
        .sum();
    assert!(bomb < 3 * MIB, "{bomb} bytes compressed for 2 GiB");
}

#[tokio::test]
async fn a_2_gib_gzip_bomb_ends_with_the_size_error_within_256_mb() {
    let _turn = TURN.lock().await;
    let base = serve(gzip_bomb(BOMB_BLOCKS)).await;
    let client = Client::new(base).expect("client"); // default settings
    let (result, peak, _) = measured(client.conversations().retrieve("conv-1").send()).await;
    let error = result.expect_err("too large");
    let Error::TooLarge(too_large) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(too_large.limit, DEFAULT_LIMIT as u64);
    assert!(
        too_large.seen <= (DEFAULT_LIMIT + MIB) as u64,
        "{}",
        too_large.seen
    );
    println!(
        "gzip bomb: {} bytes inflated when it stopped, {:.1} MiB allocated at the peak",
        too_large.seen,
        peak as f64 / MIB as f64
    );
    assert!(peak < 256_000_000, "peak {peak} bytes");
    // The buffer doubles up to the limit; counted as copies, that is 1.5 limits at most.
    assert!(peak < DEFAULT_LIMIT * 3 / 2 + 8 * MIB, "peak {peak} bytes");
}

/// A plain answer (with `Content-Length`) of `body`, written in 64 KiB pieces, each copied
/// when it is written (the body itself is made before the measurement).
fn plain(body: Arc<Vec<u8>>) -> impl Fn() -> Pieces + Send + Sync + 'static {
    const PIECE: usize = 64 * 1024;
    move || {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let body = body.clone();
        let pieces = (0..body.len().div_ceil(PIECE))
            .map(move |index| body[index * PIECE..body.len().min((index + 1) * PIECE)].to_vec());
        Box::new(std::iter::once(head.into_bytes()).chain(pieces))
    }
}

/// The client's own share of the peak, per byte of answer: the call's peak less the peak of
/// decoding the same bytes from memory (the result, and its `Vec`'s growth), over the answer's
/// size. Holding the body once makes it 1.
fn client_share(call_peak: usize, decode_peak: usize, answer: usize) -> f64 {
    call_peak.saturating_sub(decode_peak) as f64 / answer as f64
}

const MAX_SHARE: f64 = 1.05;

#[tokio::test]
async fn a_large_answer_is_buffered_once() {
    // A conversation followed by 40 MiB of whitespace: decoding keeps nothing of the bulk, so
    // the peak is what reading holds. Chunks collected and then joined would hold it twice.
    let _turn = TURN.lock().await;
    let size = 40 * MIB;
    let mut body =
        br#"{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z"}"#.to_vec();
    body.resize(size, b' ');
    let base = serve(plain(Arc::new(body))).await;
    let client = Client::new(base).expect("client");
    let (found, peak, _) = measured(client.conversations().retrieve("conv-1").send()).await;
    assert_eq!(found.expect("decodes").id, "conv-1");
    let per_byte = peak as f64 / size as f64;
    println!(
        "{} MiB answer, little to decode: peak {:.1} MiB, {per_byte:.3} per byte",
        size / MIB,
        peak as f64 / MIB as f64
    );
    assert!(per_byte < MAX_SHARE, "{per_byte:.3} bytes per byte");
}

#[tokio::test]
async fn a_large_string_field_is_held_once_while_it_decodes() {
    let _turn = TURN.lock().await;
    let size = 40 * MIB;
    let head =
        br#"{"id":"conv-1","agent_id":"agent-1","created_at":"2026-03-26T10:00:00Z","summary":""#;
    let mut body = head.to_vec();
    body.resize(size - 2, b'x');
    body.extend_from_slice(b"\"}");
    let body = Arc::new(body);
    let base = serve(plain(body.clone())).await;
    let client = Client::new(base).expect("client");
    let (found, peak, kept) = measured(client.conversations().retrieve("conv-1").send()).await;
    let found: Conversation = found.expect("decodes");
    assert!(found.summary.as_ref().is_some_and(|s| s.len() > size - 200));
    drop(found);
    let (_, decode_peak) = measured_now(|| decode::<Conversation>(&body));
    let share = client_share(peak, decode_peak, size);
    println!(
        "one {} MiB string: peak {:.1} MiB ({:.2} per byte), the result {:.1} MiB, decoding from memory {:.1} MiB, the client's share {share:.3} per byte",
        size / MIB,
        peak as f64 / MIB as f64,
        peak as f64 / size as f64,
        kept as f64 / MIB as f64,
        decode_peak as f64 / MIB as f64
    );
    assert!(kept >= size - 200, "the result holds the string: {kept}");
    // The body once, and a chunk or two in flight.
    assert!(
        share < MAX_SHARE,
        "{share:.3} bytes per byte beyond decoding"
    );
}

#[tokio::test]
async fn a_large_list_is_held_once_while_it_decodes() {
    let _turn = TURN.lock().await;
    let one = r#"{"id":"conv-00000","agent_id":"agent-19517c77-9823-4d0a-b971-1333614aad18","created_at":"2026-03-26T10:00:00.123456","updated_at":"2026-03-26T10:00:00+00:00","summary":"hello there","in_context_message_ids":["message-1","message-2"],"isolated_block_ids":[],"model_settings":{"provider_type":"anthropic","temperature":0.7,"thinking":{"type":"enabled","budget_tokens":1024}}}"#;
    let count = 100_000;
    let mut body = b"[".to_vec();
    for index in 0..count {
        if index > 0 {
            body.push(b',');
        }
        body.extend_from_slice(one.replace("00000", &format!("{index:05}")).as_bytes());
    }
    body.push(b']');
    let size = body.len();
    let body = Arc::new(body);
    let base = serve(plain(body.clone())).await;
    let client = Client::new(base).expect("client");
    let (found, peak, kept) = measured(client.conversations().list().send()).await;
    let found = found.expect("decodes");
    assert_eq!(found.len(), count);
    drop(found);
    let (_, decode_peak) = measured_now(|| decode::<Vec<Conversation>>(&body));
    let share = client_share(peak, decode_peak, size);
    println!(
        "a list of {count} ({:.1} MiB): peak {:.1} MiB ({:.2} per byte), the result {:.1} MiB, decoding from memory {:.1} MiB, the client's share {share:.3} per byte",
        size as f64 / MIB as f64,
        peak as f64 / MIB as f64,
        peak as f64 / size as f64,
        kept as f64 / MIB as f64,
        decode_peak as f64 / MIB as f64
    );
    // The body once; the rest is the result and its `Vec`'s growth, as decoding from memory.
    assert!(
        share < MAX_SHARE,
        "{share:.3} bytes per byte beyond decoding"
    );
}

#[tokio::test]
async fn a_large_event_is_decoded_where_it_arrived() {
    // One 20 MB `data:` line in 8 KiB chunks, as a stream arrives: the event is given to the
    // decoder from the parser's buffer, not copied out of it first.
    let _turn = TURN.lock().await;
    let size = 20_000_000;
    let frame = format!(
        r#"data: {{"id":"m-1","date":"2026-03-26T10:00:00Z","message_type":"assistant_message","content":"{}"}}"#,
        "x".repeat(size)
    );
    let body = Arc::new(format!("{frame}\n\ndata: [DONE]\n\n").into_bytes());
    // Each chunk made as it is read, so that the measurement sees what the stream holds.
    const CHUNK: usize = 8 * 1024;
    let source = body.clone();
    let chunks = (0..body.len().div_ceil(CHUNK)).map(move |index| {
        let piece = &source[index * CHUNK..source.len().min((index + 1) * CHUNK)];
        Ok::<_, reqwest::Error>(bytes::Bytes::copy_from_slice(piece))
    });
    let stream = EventStream::<StreamEvent>::from_bytes(futures_util::stream::iter(chunks));
    let (events, peak, _) = measured(stream.collect::<Vec<_>>()).await;
    assert_eq!(events.len(), 1);
    assert!(events[0].is_ok(), "decodes");
    drop(events);
    let data = &frame.as_bytes()["data: ".len()..];
    let (_, decode_peak) = measured_now(|| decode::<StreamEvent>(data));
    let share = client_share(peak, decode_peak, size);
    println!(
        "one {} MB event: peak {:.1} MiB, decoding from memory {:.1} MiB, the stream's share {share:.3} per byte",
        size / 1_000_000,
        peak as f64 / MIB as f64,
        decode_peak as f64 / MIB as f64
    );
    // The line buffer, grown by doubling (32 MiB for 20 MB, counted with its copies' peak);
    // a copy of the event beside it would add 1.
    assert!(share < 2.0, "{share:.3} bytes per byte beyond decoding");
}
