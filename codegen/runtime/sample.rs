//! What a generated crate puts beside the runtime, written by hand for the runtime's own
//! build: a few models declared with the runtime's macros and a client with one operation of
//! each kind. Its items follow the generated crate's names and paths (`crate::client::API`,
//! `DeclaredError`, `HasId`), which the runtime's files name.

#[cfg(feature = "client")]
pub mod client;
pub mod models;
