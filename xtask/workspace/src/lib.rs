//! Where the project's root is: one definition for every crate that reads or writes the
//! project's files (the xtask and its tests, the hostile suite, and `tests/support`, through
//! which the suites and the benchmark runner have it). [`workspace_root!`] expands in the
//! calling crate, so its `env!` reads that crate's manifest directory.

use std::path::{Path, PathBuf};

/// The project's root, found from the calling crate's manifest directory.
#[macro_export]
macro_rules! workspace_root {
    () => {
        $crate::root_above(::std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
    };
}

/// The nearest directory at or above `start` that holds both the workspace's `Cargo.toml` and
/// `codegen/` (so `xtask/bench/`, a workspace of its own, is not taken for it); `start` itself
/// when there is none.
pub fn root_above(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("codegen/Cargo.toml").is_file())
        .unwrap_or(start)
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_root_holds_the_workspace_and_the_generator() {
        let root = workspace_root!();
        assert!(
            root.join("codegen/Cargo.toml").is_file(),
            "{}",
            root.display()
        );
        assert!(root.join("xtask/workspace/Cargo.toml").is_file());
    }

    #[test]
    fn a_directory_outside_the_project_is_its_own_root() {
        let outside = std::env::temp_dir();
        assert_eq!(super::root_above(&outside), outside);
    }
}
