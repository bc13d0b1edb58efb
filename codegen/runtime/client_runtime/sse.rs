//! A Server-Sent Events parser (the WHATWG rules: `\n`, `\r\n` or `\r` line ends, comments,
//! `data`, `event`, `id`) that looks at each byte once, however large an event grows: a line is
//! searched for its end only in the bytes that arrived since the last search. What it holds
//! is bounded: one event's data, and everything held while waiting for an event's end.

use super::StreamLimit;
use super::client::{DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_STREAM_BUFFER_BYTES};

/// One event, borrowed from the parser until the next call.
pub(super) struct Event<'a> {
    /// `event:`, when set and not empty.
    pub name: Option<&'a str>,
    /// The `data:` lines, joined by `\n`.
    pub data: &'a [u8],
}

/// Buffers grown past this by a large event are given back once it is done.
const LARGE: usize = 1 << 20;

/// A stream's size limits, in bytes (`u64::MAX` for none).
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    event: u64,
    buffered: u64,
}

impl Default for Limits {
    /// The client's defaults.
    fn default() -> Self {
        Limits { event: DEFAULT_MAX_EVENT_BYTES, buffered: DEFAULT_MAX_STREAM_BUFFER_BYTES }
    }
}

impl Limits {
    pub fn new(event: Option<u64>, buffered: Option<u64>) -> Self {
        Limits { event: event.unwrap_or(u64::MAX), buffered: buffered.unwrap_or(u64::MAX) }
    }

    fn check(limit: u64, kind: StreamLimit, size: usize) -> Result<(), Overflow> {
        let seen = u64::try_from(size).unwrap_or(u64::MAX);
        if seen > limit { Err(Overflow { kind, limit, seen }) } else { Ok(()) }
    }
}

/// A limit passed: which, the limit, and the bytes counted against it.
#[derive(Debug)]
pub(super) struct Overflow {
    pub kind: StreamLimit,
    pub limit: u64,
    pub seen: u64,
}

#[derive(Default)]
pub(super) struct Parser {
    limits: Limits,
    buffer: Vec<u8>,
    /// Where the unread lines of `buffer` start.
    start: usize,
    /// Up to here, `buffer` holds no line end after `start`.
    searched: usize,
    /// The last line ended with `\r`: a `\n` next belongs to it.
    after_cr: bool,
    /// The byte-order mark a stream may start with is behind us.
    started: bool,
    data: Vec<u8>,
    /// The event's data while it is one line still in `buffer`: given out from there, and
    /// copied into `data` only when a second line comes or the buffer is about to move.
    in_buffer: Option<std::ops::Range<usize>>,
    has_data: bool,
    name: String,
    /// The last event returned; its fields are cleared at the next call.
    returned: bool,
    /// The last `id:` field.
    pub last_id: Option<String>,
}

impl Parser {
    pub fn new(limits: Limits) -> Self {
        Parser { limits, ..Parser::default() }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.keep_data();
        if self.start > 0 {
            // What is left is the unfinished line, begun after the last line end found, so
            // within the last push: moving it to the front keeps the work linear.
            self.buffer.drain(..self.start);
            self.searched = self.searched.saturating_sub(self.start);
            self.start = 0;
            if self.buffer.capacity() > LARGE && self.buffer.len() + bytes.len() < LARGE {
                self.buffer.shrink_to(LARGE);
            }
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete event, if the bytes so far hold one; an error once what it holds
    /// passes a limit (checked each time the bytes run out, so at every chunk).
    pub fn next_event(&mut self) -> Result<Option<Event<'_>>, Overflow> {
        if std::mem::take(&mut self.returned) {
            if self.data.capacity() > LARGE {
                self.data = Vec::new();
            }
            self.data.clear();
            self.in_buffer = None;
            self.has_data = false;
            self.name.clear();
        }
        if !self.started {
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            let head = &self.buffer[self.start..];
            if head.len() < BOM.len() && BOM.starts_with(head) {
                return Ok(None);
            }
            if head.starts_with(BOM) {
                self.start += BOM.len();
            }
            self.started = true;
        }
        loop {
            if self.after_cr && self.start < self.buffer.len() {
                if self.buffer[self.start] == b'\n' {
                    self.start += 1;
                }
                self.after_cr = false;
            }
            let from = self.searched.max(self.start);
            let Some(offset) = memchr::memchr2(b'\n', b'\r', &self.buffer[from..]) else {
                self.searched = self.buffer.len();
                self.check_unfinished()?;
                return Ok(None);
            };
            let end = from + offset;
            let line = self.start..end;
            self.after_cr = self.buffer[end] == b'\r';
            self.start = end + 1;
            self.searched = self.start;
            if line.is_empty() {
                if !self.has_data {
                    self.name.clear();
                    continue;
                }
                self.returned = true;
                let name = (!self.name.is_empty()).then_some(self.name.as_str());
                let data = match &self.in_buffer {
                    Some(range) => &self.buffer[range.clone()],
                    None => &self.data,
                };
                return Ok(Some(Event { name, data }));
            }
            let text = &self.buffer[line.clone()];
            if text[0] == b':' {
                continue;
            }
            // The field's end and the value's start, within the line.
            let (field_end, value_start) = match memchr::memchr(b':', text) {
                Some(colon) if text.get(colon + 1) == Some(&b' ') => (colon, colon + 2),
                Some(colon) => (colon, colon + 1),
                None => (text.len(), text.len()),
            };
            let value = line.start + value_start..line.end;
            match &text[..field_end] {
                b"data" => {
                    let size = self.data_len() + usize::from(self.has_data) + value.len();
                    Limits::check(self.limits.event, StreamLimit::Event, size)?;
                    if self.has_data {
                        self.keep_data();
                        self.data.push(b'\n');
                        self.data.extend_from_slice(&self.buffer[value]);
                    } else {
                        self.in_buffer = Some(value);
                    }
                    self.has_data = true;
                }
                b"event" => {
                    self.name.clear();
                    self.name.push_str(&String::from_utf8_lossy(&self.buffer[value]));
                }
                b"id" if !self.buffer[value.clone()].contains(&0) => {
                    self.last_id = Some(String::from_utf8_lossy(&self.buffer[value]).into_owned());
                }
                _ => {}
            }
        }
    }
}

impl Parser {
    /// The event's data so far, in bytes.
    fn data_len(&self) -> usize {
        self.in_buffer.as_ref().map_or(self.data.len(), |range| range.len())
    }

    /// Copies the event's data out of `buffer`, before the buffer moves or a line is added.
    fn keep_data(&mut self) {
        if let Some(range) = self.in_buffer.take() {
            self.data.extend_from_slice(&self.buffer[range]);
        }
    }

    /// Checks what waits for its line end: a `data` line counts toward its event already, and
    /// every line toward what is held with the event's data so far.
    fn check_unfinished(&self) -> Result<(), Overflow> {
        let line = &self.buffer[self.start.min(self.buffer.len())..];
        if let Some(value) = line.strip_prefix(b"data:") {
            let value = value.strip_prefix(b" ").unwrap_or(value);
            let size = self.data_len() + usize::from(self.has_data) + value.len();
            Limits::check(self.limits.event, StreamLimit::Event, size)?;
        }
        let held = line.len() + self.data_len() + self.name.len();
        Limits::check(self.limits.buffered, StreamLimit::Buffered, held)
    }
}

/// The top-level `seq_id` of an event's JSON data, as text.
pub(super) fn seq_id(data: &[u8]) -> Option<String> {
    struct SeqId(Option<String>);
    impl<'de> serde::Deserialize<'de> for SeqId {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visitor;
            impl<'de> serde::de::Visitor<'de> for Visitor {
                type Value = SeqId;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an event object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<SeqId, A::Error> {
                    let mut found = None;
                    while let Some(key) = map.next_key::<crate::__private::Key<'de>>()? {
                        if key.as_str() == "seq_id" {
                            found = match map.next_value::<serde_json::Value>()? {
                                serde_json::Value::Number(n) => Some(n.to_string()),
                                serde_json::Value::String(s) => Some(s),
                                _ => None,
                            };
                        } else {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                    Ok(SeqId(found))
                }
            }
            deserializer.deserialize_map(Visitor)
        }
    }
    serde_json::from_slice::<SeqId>(data).ok()?.0
}
