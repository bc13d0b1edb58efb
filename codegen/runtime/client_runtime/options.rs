//! Per-call settings: `RequestOptions` and the `CallOptions` trait every builder implements,
//! with the escape hatches (extra query parameters, headers and body properties).

use std::time::Duration;

use super::RetryPolicy;

/// Per-call settings over the client's: retries, the timeout of each try, the deadline of the
/// whole call, the stream idle limit, the size limits. Every operation's builder takes them through
/// [`CallOptions`]; what a call does not set, the client decides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestOptions {
    pub(super) retry: Option<RetryPolicy>,
    pub(super) max_retries: Option<u32>,
    pub(super) retry_non_idempotent: Option<bool>,
    pub(super) timeout: Option<Option<Duration>>,
    pub(super) deadline: Option<Option<Duration>>,
    pub(super) stream_idle_timeout: Option<Option<Duration>>,
    pub(super) max_response_bytes: Option<Option<u64>>,
    pub(super) max_event_bytes: Option<Option<u64>>,
    pub(super) max_stream_buffer_bytes: Option<Option<u64>>,
    pub(super) base_url: Option<String>,
    pub(super) extras: Extras,
}

/// What a call sends beyond its schema: for parameters and properties a server has that the
/// description lacks.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Extras {
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: serde_json::Map<String, serde_json::Value>,
}

impl RequestOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// This retry policy instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self.max_retries = None;
        self.retry_non_idempotent = None;
        self
    }

    /// The retry count, with the rest of the policy as it is.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Opts this call's POST or PATCH in (or out) of retries after failures where the server
    /// may have acted; see [`RetryPolicy::retry_non_idempotent`].
    pub fn retry_non_idempotent(mut self, allowed: bool) -> Self {
        self.retry_non_idempotent = Some(allowed);
        self
    }

    /// The limit for each try; see [`ClientBuilder::timeout`](super::ClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit for the whole call; see [`ClientBuilder::deadline`](super::ClientBuilder::deadline).
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The stream idle limit; see [`ClientBuilder::stream_idle_timeout`](super::ClientBuilder::stream_idle_timeout).
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// The largest answer read whole; see [`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes).
    pub fn max_response_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// The largest stream event; see [`ClientBuilder::max_event_bytes`](super::ClientBuilder::max_event_bytes).
    pub fn max_event_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_event_bytes = Some(limit);
        self
    }

    /// The most a stream holds waiting for an event's end; see
    /// [`ClientBuilder::max_stream_buffer_bytes`](super::ClientBuilder::max_stream_buffer_bytes).
    pub fn max_stream_buffer_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_stream_buffer_bytes = Some(limit);
        self
    }

    /// Sends this call to `base_url` instead of the client's base URL (or the operation's own
    /// server): an upload host of a self-hosted install, say.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Adds a query parameter after the operation's own (a name it also sends goes twice).
    pub fn extra_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras.query.push((name.into(), value.into()));
        self
    }

    /// Sends a header, replacing one of the same name the client would send (`User-Agent`,
    /// say); repeated, every value is sent. A name or value HTTP does not allow is
    /// [`Error::Config`](super::Error::Config) when the call is sent.
    pub fn extra_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras.headers.push((name.into(), value.into()));
        self
    }

    /// Sets a top-level property of the JSON body, over the typed body's property of the same
    /// name; a call without a body sends an object of these alone. A call whose body is not a
    /// JSON object fails with [`Error::Config`](super::Error::Config) before sending.
    pub fn extra_body(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.extras.body.insert(name.into(), value.into());
        self
    }
}

/// Per-call settings on every operation's builder, over the client's. Bring the trait into
/// scope, then chain before `send()` or `stream()`:
///
/// ```ignore
/// use my_api::client::CallOptions;
/// let reply = client.messages().send(id, request).timeout(Some(Duration::from_secs(600))).send().await?;
/// ```
pub trait CallOptions: Sized {
    /// The call's options, which the methods below change.
    fn options_mut(&mut self) -> &mut RequestOptions;

    /// Replaces the call's options.
    fn options(mut self, options: RequestOptions) -> Self {
        *self.options_mut() = options;
        self
    }

    /// This retry policy instead of the client's.
    fn retry(self, policy: RetryPolicy) -> Self {
        update(self, |o| o.retry(policy))
    }

    /// The retry count, with the rest of the policy as it is.
    fn max_retries(self, retries: u32) -> Self {
        update(self, |o| o.max_retries(retries))
    }

    /// Opts a POST or PATCH in to retries after failures where the server may have acted.
    fn retry_non_idempotent(self, allowed: bool) -> Self {
        update(self, |o| o.retry_non_idempotent(allowed))
    }

    /// The limit for each try of this call.
    fn timeout(self, timeout: Option<Duration>) -> Self {
        update(self, |o| o.timeout(timeout))
    }

    /// The limit for the whole of this call, retries included.
    fn deadline(self, deadline: Option<Duration>) -> Self {
        update(self, |o| o.deadline(deadline))
    }

    /// How long this call's stream may go without a byte.
    fn stream_idle_timeout(self, timeout: Option<Duration>) -> Self {
        update(self, |o| o.stream_idle_timeout(timeout))
    }

    /// The largest answer this call reads whole, in bytes after decompression.
    fn max_response_bytes(self, limit: Option<u64>) -> Self {
        update(self, |o| o.max_response_bytes(limit))
    }

    /// The largest event of this call's stream, in bytes.
    fn max_event_bytes(self, limit: Option<u64>) -> Self {
        update(self, |o| o.max_event_bytes(limit))
    }

    /// The most this call's stream holds waiting for an event's end, in bytes.
    fn max_stream_buffer_bytes(self, limit: Option<u64>) -> Self {
        update(self, |o| o.max_stream_buffer_bytes(limit))
    }

    /// Sends this call to `base_url`; see [`RequestOptions::base_url`].
    fn base_url(self, base_url: impl Into<String>) -> Self {
        update(self, |o| o.base_url(base_url))
    }

    /// A query parameter the schema does not declare; see [`RequestOptions::extra_query`].
    fn extra_query(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        update(self, |o| o.extra_query(name, value))
    }

    /// A header the schema does not declare; see [`RequestOptions::extra_header`].
    fn extra_header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        update(self, |o| o.extra_header(name, value))
    }

    /// A body property the schema does not declare; see [`RequestOptions::extra_body`].
    fn extra_body(self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        update(self, |o| o.extra_body(name, value))
    }
}

fn update<B: CallOptions>(mut builder: B, change: impl FnOnce(RequestOptions) -> RequestOptions) -> B {
    let options = std::mem::take(builder.options_mut());
    *builder.options_mut() = change(options);
    builder
}
