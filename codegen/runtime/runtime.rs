//! Hand-written support for the generated models: timestamps, PATCH fields, kept unknown
//! properties, and the macros that turn each model's declaration into its type and serde impls.
//! Copied into every generated crate by the generator.
//!
//! Each job has a file of its own under `runtime/`; this root only names them and re-exports
//! what the rest of the crate uses, so every path (`crate::runtime::Extra`, `runtime::private`)
//! is the same as when the runtime was one file. The root keeps the name `runtime.rs` (not
//! `runtime/mod.rs`), so a crate generated before the split and overwritten in place never
//! holds both.

mod exact;
mod extra;
mod patch;
mod timestamp;

#[doc(hidden)]
pub mod private;

pub use exact::KeptValue;
pub use extra::{Extra, Written};
pub use patch::Patch;
pub use timestamp::{Timestamp, TimestampError};
