//! Spec in, Rust source out.
//!
//! [`generate`] runs the passes in order: [`load`] → [`select`] → [`normalise`] → `openapiv3`
//! → [`lower`] (the [`model`](mod@model)) → [`emit`]. It does no I/O: the caller reads the document and
//! writes the files, so a failure leaves nothing half-written.

pub mod emit;
pub mod error;
pub mod load;
pub mod lower;
pub mod model;
pub mod naming;
pub mod normalise;
mod options;
pub mod select;
mod stack;
mod vocabulary;

pub use error::{Error, Result};
pub use options::{File, Options};
pub use select::Selection;

use serde_json::Value;

/// Reads, selects and normalises a document into what `openapiv3` reads, with the order of
/// its operations (which `openapiv3` does not keep).
pub fn prepare(
    text: &str,
    selection: &Selection,
) -> Result<(openapiv3::OpenAPI, Vec<(String, vocabulary::Method)>)> {
    stack::with_pass_stack(|| prepare_here(text, selection))
}

fn prepare_here(
    text: &str,
    selection: &Selection,
) -> Result<(openapiv3::OpenAPI, Vec<(String, vocabulary::Method)>)> {
    let (doc, _version) = load::parse(text)?;
    let mut doc = select::select(&doc, selection)?;
    normalise::normalise(&mut doc)?;
    let order = operation_order(&doc);
    Ok((read_openapi(doc)?, order))
}

/// `(path, method)` of every operation, in document order.
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

/// Builds the intermediate model of the selected part of a document.
pub fn model(text: &str, selection: &Selection) -> Result<model::Model> {
    stack::with_pass_stack(|| model_here(text, selection))
}

fn model_here(text: &str, selection: &Selection) -> Result<model::Model> {
    let (spec, order) = prepare_here(text, selection)?;
    lower::lower(&spec, &order)
}

/// Generates the whole crate: `Cargo.toml` and every file under `src/`.
pub fn generate(text: &str, options: &Options) -> Result<Vec<File>> {
    stack::with_pass_stack(|| {
        let model = model_here(text, &options.selection)?;
        emit::crate_files(&model, options)
    })
}
