//! Where the project's root is: one definition for every crate that reads or writes the
//! project's files (the xtask and its tests, the hostile suite, and `tests/support`, through
//! which the suites and the benchmark runner have it). [`workspace_root!`] expands in the
//! calling crate, so its `env!` reads that crate's manifest directory. The suites' scratch
//! workspaces, which live under the root's `target/`, take their manifest from here too.

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

/// How every scratch build profiles its crates: no debug info and no incremental state. Nobody
/// reads either in a throwaway build, and for a hundred generated crates they took gigabytes (a
/// CI run once ran out of disk).
pub const SCRATCH_PROFILE: &str = "\n[profile.dev]\ndebug = false\nincremental = false\n";

/// The manifest of a scratch workspace of `members` (paths relative to it), with
/// [`SCRATCH_PROFILE`].
pub fn scratch_workspace_manifest<S: AsRef<str>>(members: &[S]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|member| format!("{:?}", member.as_ref()))
        .collect();
    format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n{SCRATCH_PROFILE}",
        members.join(", ")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_scratch_workspace_lists_its_members_and_builds_lean() {
        let manifest = super::scratch_workspace_manifest(&["crates/a", "harness"]);
        assert!(manifest.starts_with("[workspace]\n"), "{manifest}");
        assert!(
            manifest.contains("members = [\"crates/a\", \"harness\"]"),
            "{manifest}"
        );
        assert!(manifest.contains("debug = false"), "{manifest}");
        assert!(manifest.contains("incremental = false"), "{manifest}");
    }

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
