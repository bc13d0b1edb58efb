//! What the caller asks for ([`Options`]) and what it gets back ([`File`]), next to the passes
//! rather than above them, so that `emit` uses them without reaching back into the crate root.

use crate::select::Selection;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which operations (and the schemas they reach) to keep.
    pub selection: Selection,
    /// The package name written into the generated `Cargo.toml`.
    pub crate_name: String,
    /// Names the input in the generated files' header.
    pub source_label: String,
    /// Adds an empty `[workspace]` so the crate builds on its own wherever it is written.
    pub standalone: bool,
    /// The package version written into `Cargo.toml` and the listings (`cargo xtask codegen`
    /// carries it forward from the committed crate, bumped as the change report says).
    pub version: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            selection: Selection::Tag("conversations".to_owned()),
            crate_name: "letta-conversations".to_owned(),
            source_label: "schema/letta-conversations.openapi.json".to_owned(),
            standalone: false,
            version: "0.1.0".to_owned(),
        }
    }
}

/// One output file, its path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
}
