//! Workspace-level test suites live in `tests/`; this crate's only library item compiles the
//! README's examples as doctests.

#[doc = include_str!("../../README.md")]
mod readme {}
