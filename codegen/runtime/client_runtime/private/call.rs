//! The call loop: each try bounded by its timeout and the deadline, and whether and when to
//! try again (the retry policy, the server's `Retry-After`).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::{Request, base_url, error_body, extras, settings, url};
use crate::client_runtime::credentials::Auth;
use crate::client_runtime::client::{Client, Settings};
use crate::client_runtime::retry::transient_status;
use crate::client_runtime::{
    ApiError, Attempts, Error, RetryPolicy, Stopped, TimeoutError, TimeoutKind, TooLargeError, TransportError, later,
};

/// The longest wait a `Retry-After` answer gets, as the official SDKs cap it.
const RETRY_AFTER_LIMIT: Duration = Duration::from_secs(60);

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
    Status(u16, Vec<u8>),
    Transport(reqwest::Error),
    Timeout(TimeoutKind, Duration),
    /// The status, the limit and the bytes read when it was passed.
    TooLarge(u16, u64, u64),
}

/// How reading a body can fail.
pub(super) enum BodyError {
    Transport(reqwest::Error),
    /// The status, the limit and the bytes read when it was passed.
    TooLarge(u16, u64, u64),
}

impl From<reqwest::Error> for BodyError {
    fn from(error: reqwest::Error) -> Self {
        BodyError::Transport(error)
    }
}

/// Reads a body whole, up to `limit` bytes after decompression, into one buffer. It stops at
/// the first chunk past the limit, so a decompression bomb is inflated no further than that.
/// The buffer is sized from `Content-Length` when the server gives one within the limit (a
/// gzipped answer has none), else it doubles, never past the limit.
pub(super) async fn read_body(mut response: reqwest::Response, limit: Option<u64>) -> Result<(u16, Vec<u8>), BodyError> {
    let status = response.status().as_u16();
    let max = limit.map_or(usize::MAX, |limit| usize::try_from(limit).unwrap_or(usize::MAX));
    let declared = response.content_length().and_then(|length| usize::try_from(length).ok()).filter(|&n| n <= max);
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        let total = body.len().saturating_add(chunk.len());
        if total > max {
            let limit = limit.unwrap_or(u64::MAX);
            return Err(BodyError::TooLarge(status, limit, u64::try_from(total).unwrap_or(u64::MAX)));
        }
        if body.capacity() < total {
            // Doubling by hand: `reserve` could round past the limit.
            let grown = body.capacity().saturating_mul(2).max(total).min(max);
            body.reserve_exact(grown - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body))
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

    fn body(error: BodyError) -> Failure {
        match error {
            BodyError::Transport(error) => Failure::transport(error),
            // The same request would get the same answer.
            BodyError::TooLarge(status, limit, seen) => {
                Failure { kind: FailureKind::TooLarge(status, limit, seen), cause: Cause::Final, retry_after: None }
            }
        }
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
            FailureKind::TooLarge(status, limit, seen) => Error::TooLarge(TooLargeError {
                method: request.method.to_string(),
                url: url.to_string(),
                status,
                limit,
                seen,
                attempts,
            }),
        }
    }
}

/// The failure of reading a body, without the URL when a credential is in its query.
fn hidden(error: BodyError, hide_url: bool) -> Failure {
    match error {
        BodyError::Transport(error) if hide_url => Failure::transport(error.without_url()),
        other => Failure::body(other),
    }
}

/// One try: sends, reads an error answer whole, and hands a success to `finish` (which
/// reads the body within `limit`, or keeps it for a stream).
async fn attempt<R, F, Fut>(
    client: &Client,
    url: &reqwest::Url,
    extra_headers: &reqwest::header::HeaderMap,
    auth: &Auth,
    request: &Request,
    limit: Option<u64>,
    finish: &F,
) -> Result<R, Failure>
where
    F: Fn(reqwest::Response, Option<u64>) -> Fut,
    Fut: Future<Output = Result<R, BodyError>>,
{
    let inner = &client.inner;
    let mut builder = inner.http.request(request.method.clone(), url.clone());
    // Credentials first: a header parameter or an extra header of the same name follows them.
    builder = builder.headers(auth.headers.clone());
    if !auth.query.is_empty() {
        builder = builder.query(&auth.query);
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
        if request.streaming { "text/event-stream" } else { request.accept },
    );
    if !extra_headers.is_empty() {
        // Replaces what the client set under the same names.
        builder = builder.headers(extra_headers.clone());
    }
    // reqwest's errors name the URL: with a key in the query, they must not.
    let hide_url = !auth.query.is_empty();
    let transport = |error: reqwest::Error| Failure::transport(if hide_url { error.without_url() } else { error });
    let response = builder.send().await.map_err(transport)?;
    let status = response.status().as_u16();
    if !response.status().is_success() {
        let retry_after = retry_after(response.headers());
        let cause = match status {
            429 | 503 if retry_after.is_some() => Cause::Refused,
            status if transient_status(status) => Cause::MaybeSent,
            _ => Cause::Final,
        };
        let (_, body) = read_body(response, limit).await.map_err(|e| hidden(e, hide_url))?;
        return Err(Failure { kind: FailureKind::Status(status, body), cause, retry_after });
    }
    finish(response, limit).await.map_err(|e| hidden(e, hide_url))
}

/// Tries until a success, a failure the policy does not retry, or the deadline.
pub(super) async fn call<R, F, Fut>(client: &Client, request: &Request, finish: F) -> Result<R, Error>
where
    F: Fn(reqwest::Response, Option<u64>) -> Fut,
    Fut: Future<Output = Result<R, BodyError>>,
{
    let settings = settings(client, &request.options);
    let url = url(base_url(client, request), request)?;
    let extra_headers = extras::headers(&request.options)?;
    let auth = Auth::of(crate::client::API.schemes, &client.inner.credentials, request.security)?;
    let start = Instant::now();
    let deadline = settings.deadline.map(|limit| (later(start, limit), limit));
    let size_limit = settings.max_response_bytes;
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
                tokio::time::timeout_at(at, attempt(client, &url, &extra_headers, &auth, request, size_limit, &finish))
                    .await
                    .unwrap_or_else(|_| Err(Failure { kind: FailureKind::Timeout(kind, limit), cause: Cause::MaybeSent, retry_after: None }))
            }
            None => attempt(client, &url, &extra_headers, &auth, request, size_limit, &finish).await,
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
