//! Where the project's root is. One definition for every crate that reads or writes the
//! project's files (the xtask, its tests, the hostile suite, and `tests/support`, through which
//! the suites and the benchmark runner have it): each includes this file with `#[path]`, so
//! `env!` below reads the including crate's manifest directory.

use std::path::{Path, PathBuf};

/// The project's root: the nearest directory above the calling crate that holds both the
/// workspace's `Cargo.toml` and `codegen/` (so `xtask/bench/`, a workspace of its own, is not
/// taken for it).
pub fn workspace_root() -> PathBuf {
    root_above(Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn root_above(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("codegen/Cargo.toml").is_file())
        .unwrap_or(start)
        .to_path_buf()
}
