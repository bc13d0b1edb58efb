//! Hand-written HTTP support for the generated client: configuration, per-call options, retries
//! and timeouts, errors, Server-Sent Events and pagination. Copied into every generated crate
//! by the generator.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;

/// The hosted Letta API.
pub const HOSTED_BASE_URL: &str = "https://api.letta.com";
/// A self-hosted server on this machine, as `letta server` starts it.
pub const LOCAL_BASE_URL: &str = "http://localhost:8283";

/// Bodies longer than this are cut in error values, so an HTML error page stays readable.
const ERROR_BODY_LIMIT: usize = 4096;
/// The longest wait a `Retry-After` answer gets, as the official SDKs cap it.
const RETRY_AFTER_LIMIT: Duration = Duration::from_secs(60);

/// The API client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    token: Option<String>,
    settings: Settings,
}

/// What governs a call: the client's settings, with the call's [`RequestOptions`] laid over them.
#[derive(Clone, Debug, PartialEq)]
struct Settings {
    retry: RetryPolicy,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.inner.settings;
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token.as_ref().map(|_| "<redacted>"))
            .field("retry", &settings.retry)
            .field("timeout", &settings.timeout)
            .field("deadline", &settings.deadline)
            .field("stream_idle_timeout", &settings.stream_idle_timeout)
            .finish()
    }
}

impl Client {
    /// A client for `base_url` (for example [`LOCAL_BASE_URL`]) with default settings and no
    /// token; [`Error::Config`] when `base_url` is not an http(s) URL, so a typo fails here, not
    /// at the first call.
    pub fn new(base_url: impl Into<String>) -> Result<Self, Error> {
        ClientBuilder::new(base_url).build()
    }

    /// A client configured from `LETTA_API_KEY` and `LETTA_BASE_URL` (default [`HOSTED_BASE_URL`]).
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }

    /// Starts a configuration for `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy calls get unless they set their own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.settings.retry
    }
}

/// Settings for a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    token: Option<String>,
    settings: Settings,
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("retry", &self.settings.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Defaults: no token; [`RetryPolicy::default`] (2 retries, never repeating a request the
    /// server may have acted on); 60 s for each try of a call, answer included; no overall
    /// deadline; 10 s to connect; streams cut after 5 minutes without a byte.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            token: None,
            settings: Settings {
                retry: RetryPolicy::default(),
                timeout: Some(Duration::from_secs(60)),
                deadline: None,
                stream_idle_timeout: Some(Duration::from_secs(300)),
            },
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
        }
    }

    /// `LETTA_BASE_URL` (default [`HOSTED_BASE_URL`]) and `LETTA_API_KEY`, when set.
    pub fn from_env() -> Self {
        let base_url = std::env::var("LETTA_BASE_URL").ok().filter(|v| !v.is_empty());
        let mut builder = ClientBuilder::new(base_url.unwrap_or_else(|| HOSTED_BASE_URL.to_owned()));
        builder.token = std::env::var("LETTA_API_KEY").ok().filter(|v| !v.is_empty());
        builder
    }

    /// Sends `Authorization: Bearer <token>` with every request.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// How often a failed try may be repeated, within the [`RetryPolicy`]; `0` turns retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.settings.retry.max_retries = retries;
        self
    }

    /// Which failures are retried, how often and after how long.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// The limit for each try of a call: for a JSON call, from sending until the whole answer
    /// has arrived; for a stream, until its start (then [`stream_idle_timeout`](Self::stream_idle_timeout)
    /// takes over). `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The limit for a whole call: every try and every wait between tries (a `Retry-After` too).
    /// No retry starts that could not begin before it. `None` (the default) for no limit.
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.settings.deadline = deadline;
        self
    }

    /// The limit for establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a stream may go without receiving a byte (comments and pings count); `None`
    /// to wait forever.
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.stream_idle_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses a caller-made `reqwest::Client` (proxies, TLS roots…); `connect_timeout` and
    /// `user_agent` are then the caller's to set on it.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the base URL and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let parsed = reqwest::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("base URL `{}` is not a URL: {e}", self.base_url)))?;
        if parsed.cannot_be_a_base() || !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!("base URL `{}` must be an http(s) URL", self.base_url)));
        }
        Ok(self.build_unchecked())
    }

    fn build_unchecked(self) -> Client {
        let http = self.http.clone().unwrap_or_else(|| {
            reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .user_agent(self.user_agent.clone())
                .build()
                .unwrap_or_default()
        });
        Client { inner: Arc::new(Inner { http, base_url: self.base_url, token: self.token, settings: self.settings }) }
    }
}

/// Which failed tries are sent again, how often, and after how long.
///
/// A try is repeated only when repeating cannot do twice what the caller asked once:
/// - for every method, when the request never left (the connection could not be made; a pooled
///   connection found closed before the request was written is replaced without a retry), and
///   when the server refused it for now: 429 or 503 with `Retry-After`;
/// - for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), also when the request may
///   have reached the server: a reset or closed connection, a timeout, an answer cut short, and
///   408, 429, 502, 503, 504.
///
/// POST and PATCH (a message sent, a conversation created) are not repeated in the second case
/// unless [`retry_non_idempotent`](Self::retry_non_idempotent) opts in. A 500 is never retried:
/// it is the server's answer, not a transient failure. Waits grow from `initial` doubling to
/// `max`, less up to a quarter at random; a `Retry-After` (seconds, an HTTP date, or
/// `retry-after-ms`) is followed instead, up to a minute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    non_idempotent: bool,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 2 retries (as the official SDKs), waits from 0.5 s to 8 s, no repeated POST or PATCH.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            non_idempotent: false,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// The default policy.
    pub fn new() -> Self {
        RetryPolicy::default()
    }

    /// One try, never repeated.
    pub fn never() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// How often a failed try may be repeated.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Whether POST and PATCH are retried like idempotent methods, after failures where the
    /// server may already have acted (a timeout, a reset, a 502): only for requests the server
    /// de-duplicates, or whose repetition is harmless.
    pub fn retry_non_idempotent(mut self, allowed: bool) -> Self {
        self.non_idempotent = allowed;
        self
    }

    /// The first wait between tries and the longest one.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// How often a failed try may be repeated.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether POST and PATCH are retried like idempotent methods.
    pub fn retries_non_idempotent(&self) -> bool {
        self.non_idempotent
    }
}

/// Per-call settings over the client's: retries, the timeout of each try, the deadline of the
/// whole call, the stream idle limit. Every operation's builder takes them through
/// [`CallOptions`]; what a call does not set, the client decides.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestOptions {
    retry: Option<RetryPolicy>,
    max_retries: Option<u32>,
    retry_non_idempotent: Option<bool>,
    timeout: Option<Option<Duration>>,
    deadline: Option<Option<Duration>>,
    stream_idle_timeout: Option<Option<Duration>>,
    extras: Extras,
}

/// What a call sends beyond its schema: for parameters and properties a server has that the
/// description lacks.
#[derive(Clone, Debug, Default, PartialEq)]
struct Extras {
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: serde_json::Map<String, serde_json::Value>,
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

    /// The limit for each try; see [`ClientBuilder::timeout`].
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limit for the whole call; see [`ClientBuilder::deadline`].
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The stream idle limit; see [`ClientBuilder::stream_idle_timeout`].
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_idle_timeout = Some(timeout);
        self
    }

    /// Adds a query parameter after the operation's own (a name it also sends goes twice).
    pub fn extra_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras.query.push((name.into(), value.into()));
        self
    }

    /// Sends a header, replacing one of the same name the client would send (`User-Agent`,
    /// say); repeated, every value is sent. A name or value HTTP does not allow is
    /// [`Error::Config`] when the call is sent.
    pub fn extra_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extras.headers.push((name.into(), value.into()));
        self
    }

    /// Sets a top-level property of the JSON body, over the typed body's property of the same
    /// name; a call without a body sends an object of these alone. A call whose body is not a
    /// JSON object fails with [`Error::Config`] before sending.
    pub fn extra_body(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.extras.body.insert(name.into(), value.into());
        self
    }
}

/// Per-call settings on every operation's builder, over the client's. Bring the trait into
/// scope, then chain before `send()` or `stream()`:
///
/// ```ignore
/// use letta_conversations::client::CallOptions;
/// let reply = conversations.send_message(id, request).timeout(Some(Duration::from_secs(600))).send().await?;
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
    /// The client or request is misconfigured (a bad base URL, say); nothing was sent.
    Config(String),
}

impl Error {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: transport failures, timeouts, cut streams, and
    /// 408, 429, 502, 503, 504. Whether it is safe is another matter: see [`RetryPolicy`].
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
    /// (named here) is not idempotent; [`RetryPolicy::retry_non_idempotent`] opts in.
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
    /// (Letta's `trace_id` beside `detail`, say); empty for any other body.
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
    source: reqwest::Error,
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
    /// The limit of one try ([`ClientBuilder::timeout`]).
    Try,
    /// The limit of the whole call ([`ClientBuilder::deadline`]).
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

/// An error and its causes, as one line.
fn chain(error: &dyn std::error::Error) -> String {
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
    /// longer than the idle limit. What arrived is enough to resume: Letta's
    /// `retrieve_stream` takes `last_event_id` as `starting_after`.
    #[non_exhaustive]
    Truncated {
        /// Events received (those that did not decode included).
        events: u64,
        /// The SSE `id:` the server last sent; when it sends none (Letta does not), the
        /// `seq_id` of the last event that carried one.
        last_event_id: Option<String>,
        /// How the stream ended.
        cause: Truncation,
    },
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
        }
    }
}

fn truncate(text: &str) -> String {
    if text.len() <= ERROR_BODY_LIMIT {
        return text.to_owned();
    }
    let mut end = ERROR_BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// `limit` after `from`; a limit too long for the clock (`Duration::MAX`, say) is 30 years.
fn later(from: tokio::time::Instant, limit: Duration) -> tokio::time::Instant {
    from.checked_add(limit).unwrap_or_else(|| from + Duration::from_secs(30 * 365 * 24 * 3600))
}

/// Statuses that say "not now" rather than "no".
fn transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 502 | 503 | 504)
}

/// Helpers the generated client calls; not part of the API. A spec may leave some unused.
#[doc(hidden)]
#[allow(dead_code)]
pub mod private {
    use super::*;
    use tokio::time::Instant;

    /// One request, ready to be sent (and sent again on a retry).
    pub struct Request {
        pub method: reqwest::Method,
        pub segments: Vec<String>,
        pub query: Vec<(&'static str, String)>,
        pub headers: Vec<(&'static str, String)>,
        pub body: Option<Bytes>,
        /// The body's `Content-Type`: its media type (a multipart body's names its boundary).
        pub content_type: std::borrow::Cow<'static, str>,
        pub streaming: bool,
        /// Decodes the error type the schema declares for a status, if any.
        pub declared: fn(u16, &[u8]) -> Option<crate::client::DeclaredError>,
        pub options: RequestOptions,
    }

    impl Request {
        pub fn new(
            method: reqwest::Method,
            segments: Vec<String>,
            declared: fn(u16, &[u8]) -> Option<crate::client::DeclaredError>,
            options: &RequestOptions,
        ) -> Self {
            Request {
                method,
                segments,
                query: Vec::new(),
                headers: Vec::new(),
                body: None,
                content_type: std::borrow::Cow::Borrowed("application/json"),
                streaming: false,
                declared,
                options: options.clone(),
            }
        }

        pub fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
            let bytes = serde_json::to_vec(body).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
            self.body = Some(Bytes::from(bytes));
            Ok(self)
        }
    }

    /// Request bodies of media types other than JSON: forms, multipart and bytes as given.
    impl Request {
        /// The body's media type, where the schema names another than `application/json`.
        pub fn content_type(mut self, media_type: &'static str) -> Self {
            self.content_type = std::borrow::Cow::Borrowed(media_type);
            self
        }

        /// The body as given, for a media type the client cannot write from a typed value.
        pub fn bytes(mut self, body: Bytes, media_type: &'static str) -> Self {
            self.body = Some(body);
            self.content_type(media_type)
        }

        /// `application/x-www-form-urlencoded`: each property a pair, an array's items repeated.
        pub fn form<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
            let mut encoded = reqwest::Url::parse("http://form/").map_err(|e| Error::Config(e.to_string()))?;
            {
                let mut pairs = encoded.query_pairs_mut();
                for (name, value) in form_fields(body)? {
                    pairs.append_pair(&name, &value.text());
                }
            }
            self.body = Some(Bytes::from(encoded.query().unwrap_or_default().to_owned()));
            Ok(self.content_type("application/x-www-form-urlencoded"))
        }

        /// `multipart/form-data`: each property a part (an array's items a part each); text as
        /// it is, other values as JSON.
        pub fn multipart<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
            let boundary = format!("letta-rs-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
            let mut out = String::new();
            for (name, value) in form_fields(body)? {
                // The form's own escapes for a name: a quote or a line break cannot end it early.
                let name = name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
                out.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n"));
                if value.is_json() {
                    out.push_str("Content-Type: application/json\r\n");
                }
                out.push_str(&format!("\r\n{}\r\n", value.text()));
            }
            out.push_str(&format!("--{boundary}--\r\n"));
            self.body = Some(Bytes::from(out));
            self.content_type = std::borrow::Cow::Owned(format!("multipart/form-data; boundary={boundary}"));
            Ok(self)
        }
    }

    /// An object's members in the order written (a `serde_json::Map` would sort them).
    struct InOrder(Vec<(String, serde_json::Value)>);

    impl<'de> serde::Deserialize<'de> for InOrder {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Members;
            impl<'de> serde::de::Visitor<'de> for Members {
                type Value = InOrder;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<InOrder, A::Error> {
                    let mut members = Vec::new();
                    while let Some(member) = map.next_entry()? {
                        members.push(member);
                    }
                    Ok(InOrder(members))
                }
            }
            deserializer.deserialize_map(Members)
        }
    }

    /// One form field's value.
    pub enum FieldValue {
        Text(String),
        Json(serde_json::Value),
    }

    impl FieldValue {
        fn text(&self) -> String {
            match self {
                FieldValue::Text(text) => text.clone(),
                FieldValue::Json(value) => value.to_string(),
            }
        }

        fn is_json(&self) -> bool {
            matches!(self, FieldValue::Json(serde_json::Value::Object(_) | serde_json::Value::Array(_)))
        }
    }

    /// A body's properties as form fields, in order: `null` left out, an array's items one field
    /// each, numbers and booleans as JSON writes them, objects as their JSON.
    pub fn form_fields<T: serde::Serialize>(body: &T) -> Result<Vec<(String, FieldValue)>, Error> {
        let json = serde_json::to_vec(body).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
        let InOrder(object) = serde_json::from_slice(&json)
            .map_err(|_| Error::Config("a form body must be an object with properties".to_owned()))?;
        let field = |value: serde_json::Value| match value {
            serde_json::Value::String(text) => FieldValue::Text(text),
            serde_json::Value::Number(_) | serde_json::Value::Bool(_) => FieldValue::Text(value.to_string()),
            other => FieldValue::Json(other),
        };
        let mut out = Vec::new();
        for (name, value) in object {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => {
                    out.extend(items.into_iter().filter(|i| !i.is_null()).map(|i| (name.clone(), field(i))));
                }
                other => out.push((name, field(other))),
            }
        }
        Ok(out)
    }

    /// Builds the URL by pushing each path segment, so an id with `/`, `?`, `#`, spaces or dots
    /// is percent-encoded and can never change the path.
    fn url(base: &str, request: &Request) -> Result<reqwest::Url, Error> {
        let mut url = reqwest::Url::parse(base).map_err(|e| Error::Config(format!("base URL `{base}`: {e}")))?;
        {
            let mut path =
                url.path_segments_mut().map_err(|_| Error::Config(format!("base URL `{base}` cannot take a path")))?;
            path.pop_if_empty();
            for segment in &request.segments {
                if segment == "." || segment == ".." {
                    return Err(Error::Config(format!("`{segment}` cannot be a path parameter")));
                }
                path.push(segment);
            }
        }
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in &request.query {
                pairs.append_pair(key, value);
            }
        }
        extras::add_query(&mut url, &request.options);
        Ok(url)
    }

    /// The client's settings with a call's options laid over them.
    fn settings(client: &Client, options: &RequestOptions) -> Settings {
        let defaults = &client.inner.settings;
        let mut retry = options.retry.clone().unwrap_or_else(|| defaults.retry.clone());
        if let Some(retries) = options.max_retries {
            retry.max_retries = retries;
        }
        if let Some(allowed) = options.retry_non_idempotent {
            retry.non_idempotent = allowed;
        }
        Settings {
            retry,
            timeout: options.timeout.unwrap_or(defaults.timeout),
            deadline: options.deadline.unwrap_or(defaults.deadline),
            stream_idle_timeout: options.stream_idle_timeout.unwrap_or(defaults.stream_idle_timeout),
        }
    }

    /// Whether a failed try may be repeated, by what it says about the server.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Cause {
        /// A retry cannot help: a 404, a 500, a request that could not be built.
        Final,
        /// The request never left: the connection could not be made.
        NotSent,
        /// The request may have reached the server and been acted on: a reset or closed
        /// connection, a timeout, a cut answer, a transient status.
        MaybeSent,
        /// The server turned it away for now (429 or 503 with `Retry-After`): it did not act.
        Refused,
    }

    fn permits(policy: &RetryPolicy, method: &reqwest::Method, cause: Cause) -> bool {
        match cause {
            Cause::Final => false,
            Cause::NotSent | Cause::Refused => true,
            Cause::MaybeSent => policy.non_idempotent || method.is_idempotent(),
        }
    }

    /// The wait before retry number `retry` (from 1): doubling from the first wait up to the
    /// longest, less up to a quarter at random.
    fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
        let doubled = policy.initial_backoff.saturating_mul(1 << retry.saturating_sub(1).min(16));
        let wait = doubled.min(policy.max_backoff);
        Duration::try_from_secs_f64(wait.as_secs_f64() * (1.0 - 0.25 * fastrand::f64())).unwrap_or(wait)
    }

    /// A failed try: what went wrong, whether it may be repeated, and the wait the server asked for.
    struct Failure {
        kind: FailureKind,
        cause: Cause,
        retry_after: Option<Duration>,
    }

    enum FailureKind {
        Status(u16, Bytes),
        Transport(reqwest::Error),
        Timeout(TimeoutKind, Duration),
    }

    impl Failure {
        fn transport(error: reqwest::Error) -> Failure {
            let cause = if error.is_connect() {
                Cause::NotSent
            } else if error.is_builder() {
                Cause::Final
            } else {
                Cause::MaybeSent
            };
            Failure { kind: FailureKind::Transport(error), cause, retry_after: None }
        }

        fn into_error(self, request: &Request, url: &reqwest::Url, attempts: Attempts) -> Error {
            // Boxed: errors are rare, and a small `Error` keeps every `Result` small.
            let attempts = Box::new(attempts);
            match self.kind {
                FailureKind::Status(status, body) => Error::Api(Box::new(ApiError {
                    method: request.method.to_string(),
                    url: url.to_string(),
                    status,
                    body: error_body(status, &body, request.declared),
                    fields: extras::object_fields(&body),
                    attempts,
                })),
                FailureKind::Transport(source) => Error::Transport(TransportError { source, attempts }),
                FailureKind::Timeout(kind, limit) => Error::Timeout(TimeoutError { kind, limit, attempts }),
            }
        }
    }

    /// One try: sends, reads an error answer whole, and hands a success to `finish` (which
    /// reads the body, or keeps it for a stream).
    async fn attempt<R, F, Fut>(
        client: &Client,
        url: &reqwest::Url,
        extra_headers: &reqwest::header::HeaderMap,
        request: &Request,
        finish: &F,
    ) -> Result<R, Failure>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<R, reqwest::Error>>,
    {
        let inner = &client.inner;
        let mut builder = inner.http.request(request.method.clone(), url.clone());
        if let Some(token) = &inner.token {
            builder = builder.bearer_auth(token);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, request.content_type.as_ref()).body(body.clone());
        } else if extras::expects_body(&request.method) {
            // RFC 9110 §8.6: a POST without content says so; proxies answer 411 otherwise.
            builder = builder.header(reqwest::header::CONTENT_LENGTH, "0");
        }
        builder = builder.header(
            reqwest::header::ACCEPT,
            if request.streaming { "text/event-stream" } else { "application/json" },
        );
        if !extra_headers.is_empty() {
            // Replaces what the client set under the same names.
            builder = builder.headers(extra_headers.clone());
        }
        let response = builder.send().await.map_err(Failure::transport)?;
        let status = response.status().as_u16();
        if !response.status().is_success() {
            let retry_after = retry_after(response.headers());
            let cause = match status {
                429 | 503 if retry_after.is_some() => Cause::Refused,
                status if transient_status(status) => Cause::MaybeSent,
                _ => Cause::Final,
            };
            let body = response.bytes().await.map_err(Failure::transport)?;
            return Err(Failure { kind: FailureKind::Status(status, body), cause, retry_after });
        }
        finish(response).await.map_err(Failure::transport)
    }

    /// Tries until a success, a failure the policy does not retry, or the deadline.
    async fn call<R, F, Fut>(client: &Client, request: &Request, finish: F) -> Result<R, Error>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: Future<Output = Result<R, reqwest::Error>>,
    {
        let settings = settings(client, &request.options);
        let url = url(&client.inner.base_url, request)?;
        let extra_headers = extras::headers(&request.options)?;
        let start = Instant::now();
        let deadline = settings.deadline.map(|limit| (later(start, limit), limit));
        let mut tries = 0;
        loop {
            tries += 1;
            // The try ends at its own timeout or at the deadline, whichever comes first.
            let try_end = settings.timeout.map(|limit| (later(Instant::now(), limit), TimeoutKind::Try, limit));
            let end = match (try_end, deadline) {
                (Some((at, ..)), Some((due, limit))) if due <= at => Some((due, TimeoutKind::Deadline, limit)),
                (None, Some((due, limit))) => Some((due, TimeoutKind::Deadline, limit)),
                (try_end, _) => try_end,
            };
            let outcome = match end {
                Some((at, kind, limit)) => {
                    tokio::time::timeout_at(at, attempt(client, &url, &extra_headers, request, &finish)).await.unwrap_or_else(|_| {
                        Err(Failure { kind: FailureKind::Timeout(kind, limit), cause: Cause::MaybeSent, retry_after: None })
                    })
                }
                None => attempt(client, &url, &extra_headers, request, &finish).await,
            };
            let failure = match outcome {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            match next_try(&settings, request, &failure, tries, deadline) {
                Ok(wait) => tokio::time::sleep(wait).await,
                Err(stopped) => {
                    let attempts = Attempts { tries, elapsed: start.elapsed(), stopped };
                    return Err(failure.into_error(request, &url, attempts));
                }
            }
        }
    }

    /// The wait before the next try, or why there is none.
    fn next_try(
        settings: &Settings,
        request: &Request,
        failure: &Failure,
        tries: u32,
        deadline: Option<(Instant, Duration)>,
    ) -> Result<Duration, Stopped> {
        if let FailureKind::Timeout(TimeoutKind::Deadline, limit) = failure.kind {
            return Err(Stopped::Deadline(limit));
        }
        if failure.cause == Cause::Final {
            return Err(Stopped::Final);
        }
        if !permits(&settings.retry, &request.method, failure.cause) {
            return Err(Stopped::NotIdempotent(request.method.to_string()));
        }
        if tries > settings.retry.max_retries {
            return Err(Stopped::RetriesExhausted);
        }
        let wait = failure.retry_after.unwrap_or_else(|| backoff(&settings.retry, tries));
        match deadline {
            Some((due, limit)) if later(Instant::now(), wait) >= due => Err(Stopped::Deadline(limit)),
            _ => Ok(wait),
        }
    }

    /// The wait the server asks for: `retry-after-ms`, or `Retry-After` in seconds or as an
    /// HTTP date; at most a minute.
    fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
        // Clamped before the conversion, which a huge value would overflow.
        let seconds = |value: f64| {
            (value.is_finite() && value >= 0.0)
                .then(|| Duration::from_secs_f64(value.min(RETRY_AFTER_LIMIT.as_secs_f64())))
        };
        let wait = if let Some(millis) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
            seconds(millis / 1000.0)?
        } else {
            let value = header("retry-after")?;
            match value.parse::<f64>() {
                Ok(secs) => seconds(secs)?,
                Err(_) => {
                    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
                    let at = std::time::UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(date.timestamp()).ok()?))?;
                    at.duration_since(std::time::SystemTime::now()).unwrap_or_default()
                }
            }
        };
        Some(wait.min(RETRY_AFTER_LIMIT))
    }

    fn error_body(status: u16, bytes: &[u8], declared: fn(u16, &[u8]) -> Option<crate::client::DeclaredError>) -> ErrorBody {
        if let Some(typed) = declared(status, bytes) {
            return ErrorBody::Declared(typed);
        }
        match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(serde_json::Value::Object(object)) => match object.get("detail") {
                Some(serde_json::Value::String(detail)) => ErrorBody::Detail(detail.clone()),
                _ => ErrorBody::Json(serde_json::Value::Object(object)),
            },
            Ok(other) => ErrorBody::Json(other),
            Err(_) => ErrorBody::Text(truncate(&String::from_utf8_lossy(bytes))),
        }
    }

    /// Decodes a JSON body, naming the failing field on error.
    pub fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, Error> {
        let fail = |path: String, message: String| {
            Error::Decode(DecodeError { status, path, message, body: truncate(&String::from_utf8_lossy(bytes)) })
        };
        // The fast path tracks nothing; only a failure is decoded again to find the field. It
        // checks UTF-8 once for the whole body: from bytes, serde_json checks every string.
        if let Ok(Ok(value)) = std::str::from_utf8(bytes).map(serde_json::from_str) {
            return Ok(value);
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
        deserializer.end().map_err(|e| fail(".".to_owned(), e.to_string()))?;
        Ok(value)
    }

    /// Sends and decodes a JSON answer; the timeout covers reading it.
    pub async fn send_json<T: DeserializeOwned>(client: &Client, request: Request) -> Result<T, Error> {
        let request = extras::merge_body(request)?;
        let (status, bytes) = call(client, &request, read_body).await?;
        decode(status, &bytes)
    }

    /// Sends a request whose answer has no body to decode (what there is is read, within the timeout).
    pub async fn send_empty(client: &Client, request: Request) -> Result<(), Error> {
        let request = extras::merge_body(request)?;
        call(client, &request, read_body).await.map(drop)
    }

    async fn read_body(response: reqwest::Response) -> Result<(u16, Bytes), reqwest::Error> {
        let status = response.status().as_u16();
        Ok((status, response.bytes().await?))
    }

    /// Sends and returns the answer's event stream; the timeout covers its start.
    pub async fn send_events<T: DeserializeOwned>(client: &Client, request: Request) -> Result<EventStream<T>, Error> {
        let mut request = extras::merge_body(request)?;
        request.streaming = true;
        let idle = settings(client, &request.options).stream_idle_timeout;
        let response = call(client, &request, |response| async { Ok(response) }).await?;
        let status = response.status().as_u16();
        Ok(EventStream::new(status, response.bytes_stream(), idle))
    }

    /// Follows the `after` cursor page by page, yielding items one at a time; stops after a
    /// page shorter than `limit` (or an empty one), without asking for another.
    pub fn paginate<T, F, Fut>(limit: Option<i64>, fetch: F) -> impl Stream<Item = Result<T, Error>> + Send + 'static
    where
        T: crate::client::HasId + Send + 'static,
        F: FnMut(Option<String>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<T>, Error>> + Send + 'static,
    {
        Pages { fetch, limit, cursor: None, buffer: std::collections::VecDeque::new(), pending: None, done: false }
    }

    /// The escape hatches of [`RequestOptions`] on the wire: extra query parameters, headers
    /// and body properties, and the empty body a bodiless POST declares.
    mod extras {
        use super::*;

        /// Methods whose requests carry content, so that having none is said (`Content-Length: 0`).
        pub(super) fn expects_body(method: &reqwest::Method) -> bool {
            matches!(*method, reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH)
        }

        pub(super) fn add_query(url: &mut reqwest::Url, options: &RequestOptions) {
            if options.extras.query.is_empty() {
                return;
            }
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &options.extras.query {
                pairs.append_pair(name, value);
            }
        }

        /// The extra headers, checked before anything is sent.
        pub(super) fn headers(options: &RequestOptions) -> Result<reqwest::header::HeaderMap, Error> {
            use reqwest::header::{HeaderName, HeaderValue};
            let mut map = reqwest::header::HeaderMap::new();
            for (name, value) in &options.extras.headers {
                let name = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Config(format!("`{name}` cannot be a header name")))?;
                let value = HeaderValue::from_str(value)
                    .map_err(|_| Error::Config(format!("the value of the header `{name}` is not a valid header value")))?;
                map.append(name, value);
            }
            Ok(map)
        }

        /// The request with the extra body properties laid over its JSON object body.
        pub(super) fn merge_body(mut request: Request) -> Result<Request, Error> {
            let extra = &request.options.extras.body;
            if extra.is_empty() {
                return Ok(request);
            }
            // Only a JSON body can take properties: form, multipart and raw bodies cannot.
            let media_type = request.content_type.split(';').next().unwrap_or_default().trim();
            if request.body.is_some() && !(media_type == "application/json" || media_type.ends_with("+json")) {
                return Err(Error::Config(format!("extra body properties need a JSON body, not {media_type}")));
            }
            let mut object = match &request.body {
                None => serde_json::Map::new(),
                Some(bytes) => match serde_json::from_slice::<serde_json::Value>(bytes) {
                    Ok(serde_json::Value::Object(object)) => object,
                    _ => return Err(Error::Config("extra body properties need a JSON object body".to_owned())),
                },
            };
            for (name, value) in extra {
                object.insert(name.clone(), value.clone());
            }
            let bytes = serde_json::to_vec(&object).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
            request.body = Some(Bytes::from(bytes));
            Ok(request)
        }

        /// The top-level properties of a JSON object error body.
        pub(super) fn object_fields(bytes: &[u8]) -> serde_json::Map<String, serde_json::Value> {
            match serde_json::from_slice(bytes) {
                Ok(serde_json::Value::Object(object)) => object,
                _ => serde_json::Map::new(),
            }
        }
    }

    struct Pages<T, F, Fut> {
        fetch: F,
        limit: Option<i64>,
        cursor: Option<String>,
        buffer: std::collections::VecDeque<T>,
        pending: Option<Pin<Box<Fut>>>,
        done: bool,
    }

    impl<T, F, Fut> Unpin for Pages<T, F, Fut> {}

    impl<T, F, Fut> Stream for Pages<T, F, Fut>
    where
        T: crate::client::HasId,
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<Vec<T>, Error>>,
    {
        type Item = Result<T, Error>;

        fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let this = &mut *self;
            loop {
                if let Some(item) = this.buffer.pop_front() {
                    return Poll::Ready(Some(Ok(item)));
                }
                if this.done {
                    return Poll::Ready(None);
                }
                if this.pending.is_none() {
                    this.pending = Some(Box::pin((this.fetch)(this.cursor.take())));
                }
                let Some(pending) = this.pending.as_mut() else { continue };
                let page = match pending.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(page) => page,
                };
                this.pending = None;
                let page = match page {
                    Ok(page) => page,
                    Err(e) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                };
                let short = page.is_empty() || this.limit.is_some_and(|limit| (page.len() as i64) < limit);
                let next = page.last().and_then(|item| item.id().map(str::to_owned));
                this.done = short || next.is_none();
                this.cursor = next;
                this.buffer.extend(page);
            }
        }
    }
}

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// Typed Server-Sent Events: one item per `data:` frame, until `data: [DONE]`.
///
/// An `event: error` frame yields [`StreamError::Server`]; a frame that does not decode yields
/// [`Error::Decode`] and the stream goes on; every other end before `[DONE]` (the body closed or
/// cut, or no byte for the idle limit) yields [`StreamError::Truncated`], with the count of
/// events and the last event id. Pings and event types this client does not know are items too.
pub struct EventStream<T> {
    status: u16,
    bytes: ByteStream,
    parser: sse::Parser,
    idle_timeout: Option<Duration>,
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Bytes arrived since the idle clock last started.
    heard: bool,
    events: u64,
    /// The last event whose data names a `seq_id`, read only if the stream is cut.
    last_numbered: Option<Vec<u8>>,
    finished: bool,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("events", &self.events)
            .field("finished", &self.finished)
            .finish()
    }
}

impl<T> EventStream<T> {
    fn new(status: u16, bytes: impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static, idle_timeout: Option<Duration>) -> Self {
        EventStream {
            status,
            bytes: Box::pin(bytes),
            parser: sse::Parser::default(),
            idle_timeout,
            idle: None,
            heard: false,
            events: 0,
            last_numbered: None,
            finished: false,
            _item: std::marker::PhantomData,
        }
    }

    /// Typed events from any body (a recorded stream, say), with no idle limit.
    pub fn from_bytes(bytes: impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static) -> Self {
        EventStream::new(200, bytes, None)
    }

    /// Events received so far (those that did not decode included).
    pub fn events(&self) -> u64 {
        self.events
    }

    fn finish(&mut self, item: Option<Result<T, Error>>) -> Poll<Option<Result<T, Error>>> {
        self.finished = true;
        Poll::Ready(item)
    }

    fn truncated(&mut self, cause: Truncation) -> Poll<Option<Result<T, Error>>> {
        let last_event_id =
            self.parser.last_id.clone().or_else(|| self.last_numbered.as_deref().and_then(sse::seq_id));
        let error = StreamError::Truncated { events: self.events, last_event_id, cause };
        self.finish(Some(Err(Error::Stream(error))))
    }
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            if let Some(event) = this.parser.next_event() {
                if event.name == Some("error") {
                    let data = String::from_utf8_lossy(event.data).into_owned();
                    return this.finish(Some(Err(Error::Stream(StreamError::Server { data }))));
                }
                let data = event.data.trim_ascii();
                if data.is_empty() {
                    continue;
                }
                if data == b"[DONE]" {
                    return this.finish(None);
                }
                this.events += 1;
                if memchr::memmem::find(data, b"\"seq_id\"").is_some() {
                    this.last_numbered = Some(data.to_vec());
                }
                return Poll::Ready(Some(private::decode(this.status, data)));
            }
            match this.bytes.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.heard = true;
                    this.parser.push(&chunk);
                }
                Poll::Ready(Some(Err(e))) => return this.truncated(Truncation::Cut(chain(&e))),
                Poll::Ready(None) => return this.truncated(Truncation::Closed),
                Poll::Pending => {
                    if let Some(limit) = this.idle_timeout {
                        // Started at the first wait, so building a stream needs no runtime; any
                        // byte since the last wait (a comment, a ping) starts it again.
                        let heard = std::mem::take(&mut this.heard);
                        let idle = this.idle.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                        if heard {
                            idle.as_mut().reset(later(tokio::time::Instant::now(), limit));
                        }
                        if idle.as_mut().poll(cx).is_ready() {
                            return this.truncated(Truncation::Idle(limit));
                        }
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

/// A Server-Sent Events parser (the WHATWG rules: `\n`, `\r\n` or `\r` line ends, comments,
/// `data`, `event`, `id`) that looks at each byte once, however large an event grows: a line is
/// searched for its end only in the bytes that arrived since the last search.
mod sse {
    /// One event, borrowed from the parser until the next call.
    pub(super) struct Event<'a> {
        /// `event:`, when set and not empty.
        pub name: Option<&'a str>,
        /// The `data:` lines, joined by `\n`.
        pub data: &'a [u8],
    }

    /// Buffers grown past this by a large event are given back once it is done.
    const LARGE: usize = 1 << 20;

    #[derive(Default)]
    pub(super) struct Parser {
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
        has_data: bool,
        name: String,
        /// The last event returned; its fields are cleared at the next call.
        returned: bool,
        /// The last `id:` field.
        pub last_id: Option<String>,
    }

    impl Parser {
        pub fn push(&mut self, bytes: &[u8]) {
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

        /// The next complete event, if the bytes so far hold one.
        pub fn next_event(&mut self) -> Option<Event<'_>> {
            if std::mem::take(&mut self.returned) {
                if self.data.capacity() > LARGE {
                    self.data = Vec::new();
                }
                self.data.clear();
                self.has_data = false;
                self.name.clear();
            }
            if !self.started {
                const BOM: &[u8] = b"\xEF\xBB\xBF";
                let head = &self.buffer[self.start..];
                if head.len() < BOM.len() && BOM.starts_with(head) {
                    return None;
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
                    return None;
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
                    return Some(Event { name, data: &self.data });
                }
                let line = &self.buffer[line];
                if line[0] == b':' {
                    continue;
                }
                let (field, value) = match memchr::memchr(b':', line) {
                    Some(colon) => {
                        let value = &line[colon + 1..];
                        (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
                    }
                    None => (line, &line[line.len()..]),
                };
                match field {
                    b"data" => {
                        if self.has_data {
                            self.data.push(b'\n');
                        }
                        self.data.extend_from_slice(value);
                        self.has_data = true;
                    }
                    b"event" => {
                        self.name.clear();
                        self.name.push_str(&String::from_utf8_lossy(value));
                    }
                    b"id" if !value.contains(&0) => self.last_id = Some(String::from_utf8_lossy(value).into_owned()),
                    _ => {}
                }
            }
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
}
