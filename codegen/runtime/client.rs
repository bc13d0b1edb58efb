//! Hand-written HTTP support for the generated client: configuration, retries, errors,
//! Server-Sent Events and pagination. Copied into every generated crate by the generator.

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

/// The API client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    token: Option<String>,
    max_retries: u32,
    request_timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &self.inner.token.as_ref().map(|_| "<redacted>"))
            .field("max_retries", &self.inner.max_retries)
            .field("request_timeout", &self.inner.request_timeout)
            .field("stream_idle_timeout", &self.inner.stream_idle_timeout)
            .finish()
    }
}

impl Client {
    /// A client for `base_url` (for example [`LOCAL_BASE_URL`]) with default settings and no token.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder::new(base_url).build_unchecked()
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
}

/// Settings for a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    token: Option<String>,
    max_retries: u32,
    request_timeout: Option<Duration>,
    connect_timeout: Duration,
    stream_idle_timeout: Option<Duration>,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Defaults: no token, 2 retries (as the official SDKs), 60 s per request, 10 s to connect,
    /// streams cut only after 5 minutes without a byte.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            token: None,
            max_retries: 2,
            request_timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            stream_idle_timeout: Some(Duration::from_secs(300)),
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

    /// How often a failed attempt is retried (connect errors, 408, 429, 5xx). `0` turns retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The limit for one non-streaming request, answer included; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The limit for establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a stream may go without receiving anything; `None` to wait forever.
    pub fn stream_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.stream_idle_timeout = timeout;
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
        Client {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url,
                token: self.token,
                max_retries: self.max_retries,
                request_timeout: self.request_timeout,
                stream_idle_timeout: self.stream_idle_timeout,
            }),
        }
    }
}

/// Everything that can go wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    Api(ApiError),
    /// A success answer whose body does not fit the schema.
    Decode(DecodeError),
    /// The request could not be sent or the answer not read.
    Transport(reqwest::Error),
    /// No answer in time, or a stream idle for too long.
    Timeout(Duration),
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
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            _ => None,
        }
    }

    /// Whether trying again may succeed: connect failures, timeouts, 408, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => retryable_status(e.status),
            Error::Transport(e) => e.is_connect() || e.is_timeout(),
            Error::Timeout(_) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Transport(e) => write!(f, "request failed: {e}"),
            Error::Timeout(after) => write!(f, "no answer within {after:?}"),
            Error::Stream(e) => e.fmt(f),
            Error::Config(message) => write!(f, "invalid configuration: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// An error status and what the server said.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub body: ErrorBody,
}

impl ApiError {
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
        write!(f, "the server answered {}", self.status)?;
        match &self.body {
            ErrorBody::Declared(declared) => write!(f, ": {declared:?}"),
            ErrorBody::Detail(detail) => write!(f, ": {detail}"),
            ErrorBody::Json(json) => write!(f, ": {}", truncate(&json.to_string())),
            ErrorBody::Text(text) if text.is_empty() => f.write_str(" with an empty body"),
            ErrorBody::Text(text) => write!(f, ": {}", truncate(text)),
        }
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
    /// The connection ended before `data: [DONE]`.
    Truncated,
    /// The bytes were not Server-Sent Events.
    Malformed(String),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Server { data } => write!(f, "the server reported a stream error: {}", truncate(data)),
            StreamError::Truncated => f.write_str("the stream ended before `data: [DONE]`"),
            StreamError::Malformed(message) => write!(f, "malformed event stream: {message}"),
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

fn retryable_status(status: u16) -> bool {
    status == 408 || status == 429 || status >= 500
}

/// Helpers the generated client calls; not part of the API. A spec may leave some unused.
#[doc(hidden)]
#[allow(dead_code)]
pub mod private {
    use super::*;

    /// One request, ready to be sent (and sent again on a retry).
    pub struct Request {
        pub method: reqwest::Method,
        pub segments: Vec<String>,
        pub query: Vec<(&'static str, String)>,
        pub headers: Vec<(&'static str, String)>,
        pub body: Option<Bytes>,
        pub streaming: bool,
        /// Decodes the error type the schema declares for a status, if any.
        pub declared: fn(u16, &[u8]) -> Option<crate::client::DeclaredError>,
    }

    impl Request {
        pub fn new(
            method: reqwest::Method,
            segments: Vec<String>,
            declared: fn(u16, &[u8]) -> Option<crate::client::DeclaredError>,
        ) -> Self {
            Request { method, segments, query: Vec::new(), headers: Vec::new(), body: None, streaming: false, declared }
        }

        pub fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
            let bytes = serde_json::to_vec(body).map_err(|e| Error::Config(format!("cannot encode the body: {e}")))?;
            self.body = Some(Bytes::from(bytes));
            Ok(self)
        }
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
        Ok(url)
    }

    async fn attempt(client: &Client, url: &reqwest::Url, request: &Request) -> Result<reqwest::Response, Error> {
        let inner = &client.inner;
        let mut builder = inner.http.request(request.method.clone(), url.clone());
        if let Some(token) = &inner.token {
            builder = builder.bearer_auth(token);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        builder = builder.header(
            reqwest::header::ACCEPT,
            if request.streaming { "text/event-stream" } else { "application/json" },
        );
        let send = builder.send();
        let response = match (request.streaming, inner.request_timeout) {
            // A stream's limit is its idle timeout, applied per chunk; only its start is bounded here.
            (_, Some(limit)) => tokio::time::timeout(limit, send).await.map_err(|_| Error::Timeout(limit))?,
            (_, None) => send.await,
        };
        response.map_err(|e| if e.is_timeout() { Error::Timeout(inner.request_timeout.unwrap_or_default()) } else { Error::Transport(e) })
    }

    /// Sends with retries and returns a success response, or the error the last attempt gave.
    pub async fn execute(client: &Client, request: &Request) -> Result<reqwest::Response, Error> {
        let url = url(&client.inner.base_url, request)?;
        let mut tries = 0;
        loop {
            let outcome = attempt(client, &url, request).await;
            let retry_after = match &outcome {
                Ok(response) if response.status().is_success() => None,
                Ok(response) if retryable_status(response.status().as_u16()) => Some(retry_after(response)),
                Ok(_) => None,
                Err(error) if error.is_retryable() => Some(None),
                Err(_) => None,
            };
            match (retry_after, tries < client.inner.max_retries) {
                (Some(after), true) => {
                    tokio::time::sleep(after.unwrap_or_else(|| backoff(tries))).await;
                    tries += 1;
                }
                _ => {
                    let response = outcome?;
                    if response.status().is_success() {
                        return Ok(response);
                    }
                    return Err(api_error(response, request.declared).await);
                }
            }
        }
    }

    /// Exponential backoff from 0.5 s, at most 8 s, less up to a quarter at random.
    fn backoff(tries: u32) -> Duration {
        let base = 0.5 * 2f64.powi(tries.min(4) as i32);
        Duration::from_secs_f64(base * (1.0 - 0.25 * fastrand::f64()))
    }

    /// `Retry-After` in seconds, capped at a minute.
    fn retry_after(response: &reqwest::Response) -> Option<Duration> {
        let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
        let seconds: f64 = value.trim().parse().ok()?;
        (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(60.0)))
    }

    async fn api_error(response: reqwest::Response, declared: fn(u16, &[u8]) -> Option<crate::client::DeclaredError>) -> Error {
        let status = response.status().as_u16();
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return Error::Transport(e),
        };
        Error::Api(ApiError { status, body: error_body(status, &bytes, declared) })
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

    /// Sends and decodes a JSON answer.
    pub async fn send_json<T: DeserializeOwned>(client: &Client, request: Request) -> Result<T, Error> {
        let response = execute(client, &request).await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(Error::Transport)?;
        decode(status, &bytes)
    }

    /// Sends a request whose answer has no body to decode.
    pub async fn send_empty(client: &Client, request: Request) -> Result<(), Error> {
        execute(client, &request).await.map(drop)
    }

    /// Sends and returns the answer's event stream.
    pub async fn send_events<T: DeserializeOwned>(client: &Client, mut request: Request) -> Result<EventStream<T>, Error> {
        request.streaming = true;
        let response = execute(client, &request).await?;
        let status = response.status().as_u16();
        Ok(EventStream::new(status, response.bytes_stream(), client.inner.stream_idle_timeout))
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
/// [`Error::Decode`] and the stream goes on; the connection closing before `[DONE]` yields
/// [`StreamError::Truncated`]. Pings and event types this client does not know are items too.
pub struct EventStream<T> {
    status: u16,
    events: Pin<Box<dyn Stream<Item = Result<eventsource_stream::Event, eventsource_stream::EventStreamError<reqwest::Error>>> + Send>>,
    idle_timeout: Option<Duration>,
    idle: Option<Pin<Box<tokio::time::Sleep>>>,
    finished: bool,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("status", &self.status).field("finished", &self.finished).finish()
    }
}

impl<T> EventStream<T> {
    fn new(status: u16, bytes: impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static, idle_timeout: Option<Duration>) -> Self {
        let bytes: ByteStream = Box::pin(bytes);
        let events = eventsource_stream::Eventsource::eventsource(bytes);
        EventStream { status, events: Box::pin(events), idle_timeout, idle: None, finished: false, _item: std::marker::PhantomData }
    }

    /// Typed events from any body (a recorded stream, say), with no idle limit.
    pub fn from_bytes(bytes: impl Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static) -> Self {
        EventStream::new(200, bytes, None)
    }

    fn finish(&mut self, item: Option<Result<T, Error>>) -> Poll<Option<Result<T, Error>>> {
        self.finished = true;
        Poll::Ready(item)
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
            match this.events.as_mut().poll_next(cx) {
                Poll::Pending => {
                    if let Some(limit) = this.idle_timeout {
                        // Started at the first wait, so building a stream needs no runtime.
                        let idle = this.idle.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                        if idle.as_mut().poll(cx).is_ready() {
                            return this.finish(Some(Err(Error::Timeout(limit))));
                        }
                    }
                    return Poll::Pending;
                }
                Poll::Ready(None) => return this.finish(Some(Err(Error::Stream(StreamError::Truncated)))),
                Poll::Ready(Some(Err(e))) => {
                    let error = match e {
                        eventsource_stream::EventStreamError::Transport(e) => Error::Transport(e),
                        other => Error::Stream(StreamError::Malformed(other.to_string())),
                    };
                    return this.finish(Some(Err(error)));
                }
                Poll::Ready(Some(Ok(event))) => {
                    // Any frame restarts the idle clock.
                    this.idle = None;
                    if event.event == "error" {
                        return this.finish(Some(Err(Error::Stream(StreamError::Server { data: event.data }))));
                    }
                    let data = event.data.trim();
                    if data.is_empty() {
                        continue;
                    }
                    if data == "[DONE]" {
                        return this.finish(None);
                    }
                    return Poll::Ready(Some(private::decode(this.status, data.as_bytes())));
                }
            }
        }
    }
}
