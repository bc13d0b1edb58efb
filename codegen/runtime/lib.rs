//! The runtime as a crate of its own, so that it is built, linted and tested where it is
//! written. A generated crate holds copies of the same files under the same module names; this
//! root stands where the generated `lib.rs` does, and [`sample`] stands in for what the
//! generator writes beside the runtime (`models.rs`, `client.rs`): the smallest API that
//! reaches every part of it.

#[rustfmt::skip]
mod runtime;
#[cfg(feature = "client")]
#[rustfmt::skip]
mod client_runtime;
#[cfg(feature = "client")]
#[rustfmt::skip]
mod operation;

pub mod sample;

#[cfg(feature = "client")]
pub use sample::client;
pub use sample::models;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, Error};
#[doc(hidden)]
pub use runtime::private as __private;
pub use runtime::{Extra, Patch, Timestamp, TimestampError};
