//! Hand-written HTTP support for the generated client: configuration, per-call options, retries
//! and timeouts, size limits, errors, Server-Sent Events and pagination. Copied into every generated crate
//! by the generator.
//!
//! Each job has a file of its own under `client_runtime/`; this root only names them and
//! re-exports the API `client.rs` passes on, so every path (`crate::client_runtime::Client`,
//! `client_runtime::private`) is the same as when it was one file. The root keeps the name
//! `client_runtime.rs` (not `client_runtime/mod.rs`), so a crate generated before the split and
//! overwritten in place never holds both.

use std::time::Duration;

mod client;
mod credentials;
mod error;
mod events;
mod options;
mod retry;
mod sse;

#[doc(hidden)]
pub mod private;

pub use client::{Client, ClientBuilder};
pub use credentials::{Api, Place, Scheme, Secret};
pub use error::{
    ApiError, Attempts, DecodeError, Error, ErrorBody, Stopped, StreamError, StreamLimit, TimeoutError, TimeoutKind,
    TooLargeError, TransportError, Truncation,
};
pub use events::EventStream;
pub use options::{CallOptions, RequestOptions};
pub use private::HasId;
pub use retry::RetryPolicy;

/// `limit` after `from`; a limit too long for the clock (`Duration::MAX`, say) is 30 years.
fn later(from: tokio::time::Instant, limit: Duration) -> tokio::time::Instant {
    from.checked_add(limit).unwrap_or_else(|| from + Duration::from_secs(30 * 365 * 24 * 3600))
}
