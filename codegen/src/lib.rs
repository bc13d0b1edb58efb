//! Spec in, Rust source out.
//!
//! [`generate`] runs the passes in order: `load` → `select` → [`normalise`] → `openapiv3` →
//! `lower` (the [`model`](mod@model)) → `emit`. It does no I/O: the caller reads the document
//! and writes the files, so a failure leaves nothing half-written.
//!
//! The public surface is what the xtask, the suites and users need: [`generate`], [`model()`],
//! [`subset`] and [`normalised`], their [`Options`], [`Selection`], [`File`] and [`Error`], the
//! [`model`](mod@model) types, the [`normalise`] pass on its own, and [`changes`], which compares
//! the APIs of two models for the report `cargo xtask codegen` prints.

pub mod changes;
mod emit;
pub mod error;
mod load;
mod lower;
pub mod model;
mod naming;
pub mod normalise;
mod options;
mod select;
mod stack;
mod vocabulary;

pub use error::{Error, Result};
pub use options::{File, Options};
pub use select::Selection;

use serde_json::Value;

/// Generates the whole crate: `Cargo.toml` and every file under `src/`.
pub fn generate(text: &str, options: &Options) -> Result<Vec<File>> {
    stack::with_pass_stack(|| {
        let model = model_here(text, &options.selection)?;
        emit::crate_files(&model, options)
    })
}

/// Builds the intermediate model of the selected part of a document.
pub fn model(text: &str, selection: &Selection) -> Result<model::Model> {
    stack::with_pass_stack(|| model_here(text, selection))
}

/// The selected operations of a document and every component they reach, as the document
/// writes them (what `cargo xtask schema` keeps).
pub fn subset(text: &str, selection: &Selection) -> Result<Value> {
    stack::with_pass_stack(|| select::select(&load::parse(text)?, selection))
}

/// [`subset`] rewritten into the OpenAPI 3.0 shape the generator reads.
pub fn normalised(text: &str, selection: &Selection) -> Result<Value> {
    stack::with_pass_stack(|| normalised_here(text, selection))
}

fn normalised_here(text: &str, selection: &Selection) -> Result<Value> {
    let mut doc = select::select(&load::parse(text)?, selection)?;
    normalise::normalise(&mut doc)?;
    Ok(doc)
}

fn model_here(text: &str, selection: &Selection) -> Result<model::Model> {
    let doc = normalised_here(text, selection)?;
    let order = operation_order(&doc);
    lower::lower(&read_openapi(doc)?, &order)
}

/// `(path, method)` of every operation, in document order (which `openapiv3` does not keep).
fn operation_order(doc: &Value) -> Vec<(String, vocabulary::Method)> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|item| item.keys())
                .filter_map(|key| vocabulary::Method::from_key(key))
                .map(move |method| (path.clone(), method))
        })
        .collect()
}

/// The normalised document as `openapiv3` reads it; its errors get JSON pointers.
fn read_openapi(doc: Value) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let mut pointer = error::Pointer::root();
        for segment in e.path().iter() {
            pointer = match segment {
                serde_path_to_error::Segment::Seq { index } => pointer.join(index),
                serde_path_to_error::Segment::Map { key } => pointer.join(key),
                serde_path_to_error::Segment::Enum { variant } => pointer.join(variant),
                serde_path_to_error::Segment::Unknown => pointer,
            };
        }
        Error::at(
            pointer.to_string(),
            format!("not a valid OpenAPI object: {}", e.inner()),
        )
    })
}
