//! Progenitor's output for the conversation operations of `schema/`, as is.
#![allow(clippy::all, unused, missing_docs, mismatched_lifetime_syntaxes)]

include!(concat!(env!("OUT_DIR"), "/progenitor.rs"));
