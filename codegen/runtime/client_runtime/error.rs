//! Everything that can go wrong with a call, and how its message reads.

use std::fmt;
use std::time::Duration;

use super::retry::transient_status;

/// Bodies longer than this are cut in error values, so an HTML error page stays readable.
const ERROR_BODY_LIMIT: usize = 4096;

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status (boxed: its body can be large, and a small
    /// `Error` keeps every `Result` small).
    Api(Box<ApiError>),
    /// A success answer whose body does not fit the schema.
    Decode(DecodeError),
    /// The request could not be sent or the answer not read.
    Transport(TransportError),
    /// A try ran past the call's timeout, or the call past its deadline.
    Timeout(TimeoutError),
    /// A stream failed part-way.
    Stream(StreamError),
    /// An answer larger than the call's limit; reading stopped as soon as it passed it.
    TooLarge(TooLargeError),
    /// The client or request is misconfigured (a bad base URL, say); nothing was sent.
    Config(String),
}

impl Error {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::TooLarge(e) => Some(e.status),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: transport failures, timeouts, cut streams, and
    /// 408, 429, 502, 503, 504. Whether it is safe is another matter: see [`RetryPolicy`](super::RetryPolicy).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => transient_status(e.status),
            Error::Transport(e) => !e.source.is_builder(),
            Error::Timeout(_) => true,
            Error::Stream(StreamError::Truncated { .. }) => true,
            _ => false,
        }
    }

    /// How the call went before it failed, for errors of a call.
    pub fn attempts(&self) -> Option<&Attempts> {
        match self {
            Error::Api(e) => Some(&e.attempts),
            Error::Transport(e) => Some(&e.attempts),
            Error::Timeout(e) => Some(&e.attempts),
            Error::TooLarge(e) => Some(&e.attempts),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Timeout(e) => e.fmt(f),
            Error::Stream(e) => e.fmt(f),
            Error::TooLarge(e) => e.fmt(f),
            Error::Config(message) => write!(f, "invalid configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&e.source),
            _ => None,
        }
    }
}

/// How a failed call went: how often it was sent, for how long, and why it was not sent again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempts {
    /// Tries made, the first included.
    pub tries: u32,
    /// From the first try to the error, waits included.
    pub elapsed: Duration,
    /// Why there was no further try.
    pub stopped: Stopped,
}

/// Why a failed call was not tried again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stopped {
    /// The failure is not one a retry fixes (a 404, a 500).
    Final,
    /// Every retry the policy allows was made.
    RetriesExhausted,
    /// A retry might have worked, but the request may have reached the server and its method
    /// (named here) is not idempotent; [`RetryPolicy::retry_non_idempotent`](super::RetryPolicy::retry_non_idempotent) opts in.
    NotIdempotent(String),
    /// The call's deadline (given here) passed, or would have before the next try.
    Deadline(Duration),
}

impl Attempts {
    /// Whether there is nothing to say beyond the failure itself.
    fn is_plain(&self) -> bool {
        self.tries == 1 && self.stopped == Stopped::Final
    }
}

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.tries == 1 { "try" } else { "tries" };
        write!(f, "{} {noun} in {}", self.tries, Seconds(self.elapsed))?;
        match &self.stopped {
            Stopped::Final => Ok(()),
            Stopped::RetriesExhausted if self.tries == 1 => f.write_str("; retries are off"),
            Stopped::RetriesExhausted => f.write_str("; no retries left"),
            Stopped::NotIdempotent(method) => write!(
                f,
                "; not repeated: the {method} may have reached the server (RetryPolicy::retry_non_idempotent opts in)"
            ),
            Stopped::Deadline(limit) => write!(f, "; the {} deadline leaves no time for another try", Seconds(*limit)),
        }
    }
}

/// A duration as people read it: `850ms`, `7.41s`.
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < Duration::from_secs(1) {
            write!(f, "{}ms", self.0.as_millis())
        } else {
            write!(f, "{:.2}s", self.0.as_secs_f64())
        }
    }
}

/// An error status and what the server said.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The request's method (`POST`).
    pub method: String,
    /// The URL the request went to, so a wrong base URL shows.
    pub url: String,
    pub status: u16,
    pub body: ErrorBody,
    /// Every top-level property of a JSON object body as sent, whatever `body` made of it
    /// (a `trace_id` beside `detail`, say); empty for any other body.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// How the call went: a retried 503 took more than one try.
    pub attempts: Box<Attempts>,
}

impl ApiError {
    /// A top-level property of the error body (`trace_id`), as sent.
    pub fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.fields.get(name)
    }

    /// The server's message: `detail` when it is a string, else the body as text.
    pub fn detail(&self) -> Option<&str> {
        match &self.body {
            ErrorBody::Detail(detail) => Some(detail),
            ErrorBody::Text(text) if !text.is_empty() => Some(text),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: the server answered {}", self.method, self.url, self.status)?;
        match &self.body {
            ErrorBody::Declared(declared) => write!(f, ": {declared:?}"),
            ErrorBody::Detail(detail) => write!(f, ": {detail}"),
            ErrorBody::Json(json) => write!(f, ": {}", truncate(&json.to_string())),
            ErrorBody::Text(text) if text.is_empty() => f.write_str(" with an empty body"),
            ErrorBody::Text(text) => write!(f, ": {}", truncate(text)),
        }?;
        if self.attempts.is_plain() {
            return Ok(());
        }
        write!(f, " ({})", self.attempts)
    }
}

/// The body of an error answer, as typed as it allows.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ErrorBody {
    /// The error type the schema declares for this status.
    Declared(crate::client::DeclaredError),
    /// `{"detail": "…"}`, as the server sends for most errors.
    Detail(String),
    /// Other JSON.
    Json(serde_json::Value),
    /// Not JSON (an HTML page from a proxy, say), cut to a readable length.
    Text(String),
}

/// A request that could not be sent, or an answer that could not be read.
#[derive(Debug)]
pub struct TransportError {
    pub(super) source: reqwest::Error,
    /// How the call went.
    pub attempts: Box<Attempts>,
}

impl TransportError {
    /// Whether the connection could not be made, so nothing reached the server.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// The HTTP library's error.
    pub fn reqwest_error(&self) -> &reqwest::Error {
        &self.source
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request failed: {} ({})", chain(&self.source), self.attempts)
    }
}

/// A try that ran past the call's timeout, or a call past its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    /// Which limit ran out.
    pub kind: TimeoutKind,
    /// Its length.
    pub limit: Duration,
    /// How the call went.
    pub attempts: Box<Attempts>,
}

/// Which limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The limit of one try ([`ClientBuilder::timeout`](super::ClientBuilder::timeout)).
    Try,
    /// The limit of the whole call ([`ClientBuilder::deadline`](super::ClientBuilder::deadline)).
    Deadline,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TimeoutKind::Try => write!(f, "no complete answer within the {} timeout of a try", Seconds(self.limit))?,
            TimeoutKind::Deadline => write!(f, "no complete answer within the {} deadline", Seconds(self.limit))?,
        }
        write!(f, " ({})", self.attempts)
    }
}

/// An answer that passed the size limit of a buffered answer
/// ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)), counted
/// after decompression. Reading stopped at the chunk that passed it, so `seen` exceeds `limit`
/// by less than a chunk; the rest was neither read nor inflated. Not retried: the same request
/// gets the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLargeError {
    /// The request's method (`GET`).
    pub method: String,
    /// The URL the request went to.
    pub url: String,
    /// The answer's status (an error answer is bounded too).
    pub status: u16,
    /// The limit, in bytes.
    pub limit: u64,
    /// Bytes of the body read when it passed the limit.
    pub seen: u64,
    /// How the call went.
    pub attempts: Box<Attempts>,
}

impl fmt::Display for TooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: the {} answer is larger than the limit of {} bytes: {} bytes read when reading stopped \
             (max_response_bytes raises the limit)",
            self.method, self.url, self.status, self.limit, self.seen
        )?;
        if self.attempts.is_plain() {
            return Ok(());
        }
        write!(f, " ({})", self.attempts)
    }
}

/// An error and its causes, as one line.
pub(super) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// A success answer that did not decode.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub status: u16,
    /// Where in the body decoding failed, such as `model_settings.temperature`.
    pub path: String,
    pub message: String,
    /// The body, cut to a readable length.
    pub body: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the {} answer at `{}`: {}", self.status, self.path, self.message)
    }
}

/// How a stream failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StreamError {
    /// The server sent an `event: error` frame.
    Server { data: String },
    /// The stream ended before `data: [DONE]`, however it ended: closed, cut, or silent for
    /// longer than the idle limit. What arrived is enough to resume where
    /// the API takes the last event's id (as a cursor, say).
    #[non_exhaustive]
    Truncated {
        /// Events received (those that did not decode included).
        events: u64,
        /// The SSE `id:` the server last sent; when it sends none, the
        /// `seq_id` of the last event that carried one.
        last_event_id: Option<String>,
        /// How the stream ended.
        cause: Truncation,
    },
    /// An event, or the bytes held while waiting for an event's end, passed its limit
    /// ([`ClientBuilder::max_event_bytes`](super::ClientBuilder::max_event_bytes),
    /// [`ClientBuilder::max_stream_buffer_bytes`](super::ClientBuilder::max_stream_buffer_bytes)).
    /// The events before it were delivered; the stream ends here.
    #[non_exhaustive]
    TooLarge {
        /// Which limit.
        kind: StreamLimit,
        /// The limit, in bytes.
        limit: u64,
        /// Bytes counted against it when it was passed.
        seen: u64,
        /// Events received before it.
        events: u64,
        /// As in [`StreamError::Truncated`]: where to resume after.
        last_event_id: Option<String>,
    },
}

/// Which limit of a stream was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamLimit {
    /// The data of one event.
    Event,
    /// The bytes held while waiting for an event's end: the unfinished line and the event's
    /// data so far.
    Buffered,
}

/// How a stream ended before `data: [DONE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Truncation {
    /// The server ended the body.
    Closed,
    /// The connection failed (a reset, a cut chunked body); the transport's message.
    Cut(String),
    /// Nothing arrived for this long.
    Idle(Duration),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Server { data } => write!(f, "the server reported a stream error: {}", truncate(data)),
            StreamError::Truncated { events, last_event_id, cause } => {
                write!(f, "the stream ended before `data: [DONE]` after {events} events")?;
                if let Some(id) = last_event_id {
                    write!(f, " (last event id {id})")?;
                }
                match cause {
                    Truncation::Closed => f.write_str(": the server closed it"),
                    Truncation::Cut(message) => write!(f, ": {message}"),
                    Truncation::Idle(limit) => write!(f, ": nothing arrived for {}", Seconds(*limit)),
                }
            }
            StreamError::TooLarge { kind, limit, seen, events, last_event_id } => {
                write!(f, "the stream stopped after {events} events")?;
                if let Some(id) = last_event_id {
                    write!(f, " (last event id {id})")?;
                }
                match kind {
                    StreamLimit::Event => write!(
                        f,
                        ": an event is larger than the limit of {limit} bytes: {seen} bytes so far \
                         (max_event_bytes raises the limit)"
                    ),
                    StreamLimit::Buffered => write!(
                        f,
                        ": {seen} bytes held waiting for the end of an event, over the limit of {limit} bytes \
                         (max_stream_buffer_bytes raises the limit)"
                    ),
                }
            }
        }
    }
}

/// A body as text for an error value: only its first bytes are converted, so a large body
/// that is not UTF-8 is never copied whole.
pub(super) fn body_text(bytes: &[u8]) -> String {
    if bytes.len() <= ERROR_BODY_LIMIT {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut end = ERROR_BODY_LIMIT;
    // Back to the start of a UTF-8 sequence (at most 3 continuation bytes).
    while end > ERROR_BODY_LIMIT - 3 && bytes[end] & 0xC0 == 0x80 {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", String::from_utf8_lossy(&bytes[..end]), bytes.len())
}

pub(super) fn truncate(text: &str) -> String {
    if text.len() <= ERROR_BODY_LIMIT {
        return text.to_owned();
    }
    let mut end = ERROR_BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}
