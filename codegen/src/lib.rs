//! Spec in, Rust source out.
//!
//! [`generate`] runs the passes in order: `load` (JSON, or YAML through `yaml`) → `refs`
//! (every reference made one to a component) → `select` → [`normalise`] → `openapiv3` →
//! `lower` (the [`model`](mod@model)) → `emit`. It does no I/O: the caller reads the document
//! and writes the files, so a failure leaves nothing half-written.
//!
//! The public surface is what the xtask, the suites and users need: [`generate`] (and
//! [`generate_with_warnings`]), [`model()`],
//! [`subset`] and [`normalised`], their [`Options`], [`Selection`], [`File`] and [`Error`], the
//! [`model`](mod@model) types, the [`normalise`] pass on its own, and [`changes`], which compares
//! the APIs of two models for the report `cargo xtask codegen` prints.

pub mod changes;
mod emit;
pub mod error;
mod load;
mod locate;
mod lower;
pub mod model;
mod naming;
pub mod normalise;
mod openapi_read;
mod options;
mod refs;
mod select;
mod stack;
mod template;
mod vocabulary;
mod yaml;

pub use error::{Error, ErrorKind, Location, Pointer, Result, Warning};
pub use options::{File, Options, ServerName};
pub use select::Selection;

use serde_json::Value;

/// Generates the whole crate: `Cargo.toml` and every file under `src/`.
pub fn generate(text: &str, options: &Options) -> Result<Vec<File>> {
    generate_with_warnings(text, options).map(|generated| generated.files)
}

/// A generated crate, and the flaws of the document the generator worked around.
#[derive(Debug, Clone)]
pub struct Generated {
    pub files: Vec<File>,
    pub warnings: Vec<Warning>,
}

/// Like [`generate`], and also returns the warnings (for the caller to show).
pub fn generate_with_warnings(text: &str, options: &Options) -> Result<Generated> {
    stack::with_pass_stack(|| {
        let mut model = model_here(text, &options.selection).map_err(|e| located(text, e))?;
        lower::api::configure(&mut model.api, options);
        // Both listings render one projection, from `changes`, which follows `emit`.
        let surface =
            changes::Surface::of(&model).with_crate(&model.api.crate_name, &options.version);
        let listings = emit::Listings {
            json: surface.listing(),
            markdown: surface.markdown(),
        };
        let files = emit::crate_files(&model, options, listings)?;
        Ok(Generated {
            files,
            warnings: model.warnings,
        })
    })
}

/// Builds the intermediate model of the selected part of a document, its names as
/// [`Options::default`] gives them (from the document alone).
pub fn model(text: &str, selection: &Selection) -> Result<model::Model> {
    stack::with_pass_stack(|| {
        let mut model = model_here(text, selection).map_err(|e| located(text, e))?;
        lower::api::configure(&mut model.api, &Options::default());
        Ok(model)
    })
}

/// The selected operations of a document and every component they reach, as the document
/// writes them (what `cargo xtask schema` keeps), with references to places other than
/// components made references to components.
pub fn subset(text: &str, selection: &Selection) -> Result<Value> {
    stack::with_pass_stack(|| {
        let mut doc = load::parse(text)?;
        let moves = refs::hoist(&mut doc)?;
        select::select(&doc, selection).map_err(|e| moves.relocate(e))
    })
    .map_err(|e| located(text, e))
}

/// [`subset`] rewritten into the OpenAPI 3.0 shape the generator reads.
pub fn normalised(text: &str, selection: &Selection) -> Result<Value> {
    stack::with_pass_stack(|| normalised_here(text, selection).map(|(doc, _)| doc))
        .map_err(|e| located(text, e))
}

/// The document after `normalise`, and where `refs` moved hoisted targets from (so that an
/// error in one, found by any later pass, names its place in the document as written).
fn normalised_here(text: &str, selection: &Selection) -> Result<(Value, refs::Moves)> {
    let mut doc = load::parse(text)?;
    let moves = refs::hoist(&mut doc)?;
    let relocate = |e| moves.relocate(e);
    let mut doc = select::select(&doc, selection).map_err(relocate)?;
    normalise::normalise(&mut doc).map_err(relocate)?;
    Ok((doc, moves))
}

/// An error with the line and column of its place, read from the text on the way out.
fn located(text: &str, error: Error) -> Error {
    locate::with_line_and_column(text, error)
}

fn model_here(text: &str, selection: &Selection) -> Result<model::Model> {
    let (mut doc, moves) = normalised_here(text, selection)?;
    let order = operation_order(&doc);
    let access = lower::api::read(&doc);
    lower::api::strip(&mut doc);
    let spec = match openapi_read::read(doc) {
        Ok(spec) => spec,
        Err(mut e) => {
            // Reading consumed the document: normalise it again to find the failing place.
            let (doc, _) = normalised_here(text, selection)?;
            e.pointer = openapi_read::narrow(&doc, e.pointer.clone());
            return Err(moves.relocate(e));
        }
    };
    lower::lower(&spec, &order, access).map_err(|e| moves.relocate(e))
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
