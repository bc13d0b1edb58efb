//! `RetryPolicy`: which failed tries are repeated, how often and after how long.

use std::time::Duration;

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
    pub(super) max_retries: u32,
    pub(super) non_idempotent: bool,
    pub(super) initial_backoff: Duration,
    pub(super) max_backoff: Duration,
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

/// Statuses that say "not now" rather than "no".
pub(super) fn transient_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 502 | 503 | 504)
}
