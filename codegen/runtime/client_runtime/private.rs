//! Helpers the generated client calls; not part of the API. A spec may leave some unused.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::client::{Client, Settings};
use super::error::body_text;
use super::{DecodeError, Error, ErrorBody, EventStream, RequestOptions, sse};

mod bodies;
mod call;
mod extras;
mod pages;

pub use pages::{HasId, paginate};

use call::call;

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
    /// The alternatives of the operation's security, each a set of schemes (indices into
    /// `crate::client::API.schemes`); none: nothing is sent.
    pub security: &'static [&'static [usize]],
    /// The `Accept` header of a call that is no stream: what the success answers declare.
    pub accept: &'static str,
    /// The operation's own servers, when its description names some (an upload host, say).
    pub servers: &'static [&'static str],
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
            security: &[],
            accept: "application/json",
            servers: &[],
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

/// Where a call goes: the call's own base URL, if it sets one. Else, for an operation whose
/// description names servers of its own (an upload host, say) while the client's base URL is
/// one of the document's servers that the operation does not list: the operation's server in
/// the same place in its list, or its first. Else the client's base URL, so that one set to
/// anything else (a proxy, a mock, a self-hosted install) takes every call.
fn base_url<'a>(client: &'a Client, request: &'a Request) -> &'a str {
    let base = client.inner.base_url.as_str();
    if let Some(own) = &request.options.base_url {
        return own;
    }
    let same = |server: &&str| server.trim_end_matches('/') == base.trim_end_matches('/');
    if request.servers.is_empty() || request.servers.iter().any(same) {
        return base;
    }
    match crate::client::API.servers.iter().position(same) {
        Some(at) => request.servers.get(at).or(request.servers.first()).copied().unwrap_or(base),
        None => base,
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
        max_response_bytes: options.max_response_bytes.unwrap_or(defaults.max_response_bytes),
        max_event_bytes: options.max_event_bytes.unwrap_or(defaults.max_event_bytes),
        max_stream_buffer_bytes: options.max_stream_buffer_bytes.unwrap_or(defaults.max_stream_buffer_bytes),
    }
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
        Err(_) => ErrorBody::Text(body_text(bytes)),
    }
}

/// Decodes a JSON body, naming the failing field on error.
pub fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, Error> {
    let fail = |path: String, message: String| {
        Error::Decode(DecodeError { status, path, message, body: body_text(bytes) })
    };
    // The fast path tracks nothing; only a failure is decoded again to find the field. It
    // checks UTF-8 once for the whole body: from bytes, serde_json checks every string.
    if let Ok(Ok(value)) = std::str::from_utf8(bytes).map(serde_json::from_str) {
        return Ok(value);
    }
    // An answer without a body (a 204 beside a 200 that has one) reads as `null`: `None` where
    // the operation declares one. Where it does not, the error below says the body ended.
    if bytes.iter().all(u8::is_ascii_whitespace) {
        if let Ok(value) = serde_json::from_str("null") {
            return Ok(value);
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
    deserializer.end().map_err(|e| fail(".".to_owned(), e.to_string()))?;
    Ok(value)
}

/// Sends and decodes a JSON answer; the timeout covers reading it. The body is read into one
/// buffer and decoded from it where it lies: its bytes are held once.
pub async fn send_json<T: DeserializeOwned>(client: &Client, request: Request) -> Result<T, Error> {
    let request = extras::merge_body(request)?;
    let (status, bytes) = call(client, &request, call::read_body).await?;
    decode(status, &bytes)
}

/// Sends a request whose answer has no body to decode (what there is is read, within the
/// timeout and the size limit).
pub async fn send_empty(client: &Client, request: Request) -> Result<(), Error> {
    let request = extras::merge_body(request)?;
    call(client, &request, call::read_body).await.map(drop)
}

/// Sends and returns the answer's event stream; the timeout covers its start.
pub async fn send_events<T: DeserializeOwned>(client: &Client, request: Request) -> Result<EventStream<T>, Error> {
    let mut request = extras::merge_body(request)?;
    request.streaming = true;
    let settings = settings(client, &request.options);
    let response = call(client, &request, |response, _| async { Ok(response) }).await?;
    let status = response.status().as_u16();
    let limits = sse::Limits::new(settings.max_event_bytes, settings.max_stream_buffer_bytes);
    Ok(EventStream::new(status, response.bytes_stream(), settings.stream_idle_timeout, limits))
}
