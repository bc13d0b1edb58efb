//! Generates progenitor's client for the project's schema into OUT_DIR, as progenitor's
//! documentation suggests for build scripts.

use std::path::PathBuf;

fn main() -> Result<(), String> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let schema = manifest.join("../../../schema/letta-conversations.openapi.json");
    println!("cargo::rerun-if-changed={}", schema.display());
    let text = std::fs::read_to_string(&schema)
        .map_err(|e| format!("cannot read {}: {e}", schema.display()))?;
    let selection = codegen::Selection::Tag("conversations".to_owned());
    let (down, _) = progenitor_gen::downlevel(&text, &selection)?;
    let source = progenitor_gen::generate(&down, progenitor_gen::Style::Builder)?;
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    std::fs::write(out.join("progenitor.rs"), source).map_err(|e| e.to_string())
}
