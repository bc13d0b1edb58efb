//! `Client` and `ClientBuilder`: where calls go, the credentials, and the settings every call
//! starts from.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::credentials::{Credentials, Redacted, Secret};
use super::{Error, RetryPolicy};
use crate::client::API;

/// The API client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base_url: String,
    pub(super) credentials: Credentials,
    pub(super) settings: Settings,
}

/// What governs a call: the client's settings, with the call's [`RequestOptions`] laid over them.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Settings {
    pub(super) retry: RetryPolicy,
    pub(super) timeout: Option<Duration>,
    pub(super) deadline: Option<Duration>,
    pub(super) stream_idle_timeout: Option<Duration>,
    pub(super) max_response_bytes: Option<u64>,
    pub(super) max_event_bytes: Option<u64>,
    pub(super) max_stream_buffer_bytes: Option<u64>,
}

/// 64 MiB: the largest answers are pages (50 conversations or 100 messages by default), a few
/// hundred KB of text, or a few MB with inline base64 images; this leaves room for a page of
/// large images while a runaway answer or a decompression bomb stops long before memory does.
pub(super) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 << 20;
/// 32 MiB: an event holds one message; 20 MB single events are decoded in the benchmarks.
pub(super) const DEFAULT_MAX_EVENT_BYTES: u64 = 32 << 20;
/// 64 MiB: an event up to its limit, and lines that are no event's data (comments, `id:`).
pub(super) const DEFAULT_MAX_STREAM_BUFFER_BYTES: u64 = 64 << 20;

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.inner.settings;
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &Redacted(&self.inner.credentials, API.schemes))
            .field("retry", &settings.retry)
            .field("timeout", &settings.timeout)
            .field("deadline", &settings.deadline)
            .field("stream_idle_timeout", &settings.stream_idle_timeout)
            .field("max_response_bytes", &settings.max_response_bytes)
            .field("max_event_bytes", &settings.max_event_bytes)
            .field("max_stream_buffer_bytes", &settings.max_stream_buffer_bytes)
            .finish()
    }
}

impl Client {
    /// A client for `base_url` (for example one of the servers' constants in [`crate::client`])
    /// with default settings and no credentials; [`Error::Config`] when `base_url` is not an
    /// http(s) URL, so a typo fails here, not at the first call.
    pub fn new(base_url: impl Into<String>) -> Result<Self, Error> {
        ClientBuilder::new(base_url).build()
    }

    /// A client configured from the environment: the base URL and each credential, from the
    /// variables the crate's front page lists.
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
    credentials: Credentials,
    settings: Settings,
    connect_timeout: Duration,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &Redacted(&self.credentials, API.schemes))
            .field("retry", &self.settings.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Defaults: no credentials; [`RetryPolicy::default`] (2 retries, never repeating a request the
    /// server may have acted on); 60 s for each try of a call, answer included; no overall
    /// deadline; 10 s to connect; streams cut after 5 minutes without a byte; answers up to
    /// 64 MiB, stream events up to 32 MiB, 64 MiB held waiting for an event's end.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            credentials: Credentials::default(),
            settings: Settings {
                retry: RetryPolicy::default(),
                timeout: Some(Duration::from_secs(60)),
                deadline: None,
                stream_idle_timeout: Some(Duration::from_secs(300)),
                max_response_bytes: Some(DEFAULT_MAX_RESPONSE_BYTES),
                max_event_bytes: Some(DEFAULT_MAX_EVENT_BYTES),
                max_stream_buffer_bytes: Some(DEFAULT_MAX_STREAM_BUFFER_BYTES),
            },
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
        }
    }

    /// The base URL and each credential from the variables the crate's front page lists,
    /// when set; without a base URL, the first server the description names.
    pub fn from_env() -> Self {
        let base_url = std::env::var(API.base_url_env).ok().filter(|v| !v.is_empty());
        let base_url = base_url.or_else(|| API.default_base_url.map(str::to_owned)).unwrap_or_default();
        let mut builder = ClientBuilder::new(base_url);
        builder.credentials = Credentials::from_env(API.schemes);
        builder
    }

    /// The token or key of every security scheme that takes one (bearer, OAuth 2, OpenID
    /// Connect, API keys): for an API with one such scheme, its credential. Each operation
    /// sends it as its security asks, and only there. The setters named after the schemes set
    /// one each.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        let token = token.into();
        for (index, scheme) in API.schemes.iter().enumerate() {
            if !matches!(scheme.place, super::credentials::Place::Basic) {
                self.credentials.set(index, Secret::Token(token.clone()));
            }
        }
        self
    }

    /// Sets the credential of the scheme at `index` (what the generated setters call; a
    /// description without security schemes has none).
    pub(crate) fn credential_at(mut self, index: usize, secret: Secret) -> Self {
        self.credentials.set(index, secret);
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

    /// The largest answer a call reads whole (a JSON answer, an error answer), in bytes after
    /// decompression; default 64 MiB. Past it the call ends with [`Error::TooLarge`] at once,
    /// without reading or inflating the rest. `None` for no limit.
    pub fn max_response_bytes(mut self, limit: Option<u64>) -> Self {
        self.settings.max_response_bytes = limit;
        self
    }

    /// The largest data of one stream event, in bytes after decompression; default 32 MiB.
    /// Past it the stream ends with [`StreamError::TooLarge`](super::StreamError::TooLarge),
    /// after the events before it. `None` for no limit.
    pub fn max_event_bytes(mut self, limit: Option<u64>) -> Self {
        self.settings.max_event_bytes = limit;
        self
    }

    /// The most a stream may hold while waiting for an event's end (the unfinished line and
    /// the event's data so far), in bytes; default 64 MiB. Past it the stream ends with
    /// [`StreamError::TooLarge`](super::StreamError::TooLarge). `None` for no limit.
    pub fn max_stream_buffer_bytes(mut self, limit: Option<u64>) -> Self {
        self.settings.max_stream_buffer_bytes = limit;
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
        if self.base_url.is_empty() {
            return Err(Error::Config(format!(
                "no base URL: the description names no server; set {} or use `Client::new(url)`",
                API.base_url_env
            )));
        }
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
        Client { inner: Arc::new(Inner { http, base_url: self.base_url, credentials: self.credentials, settings: self.settings }) }
    }
}
