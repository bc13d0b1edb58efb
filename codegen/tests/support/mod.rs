//! Shared by the suites that run a generated crate's own test: the crate is written under the
//! workspace's `target/`, given a runtime for its test, and tested with cargo (all such crates
//! share one target directory, so their dependencies build once).

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::File;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Writes `files` as a crate in `target/{dir}`, with `test` as its test `tests/client.rs`
/// (tokio for `#[tokio::test]`, beside the crate's own dev-dependencies), and whether
/// `cargo test` passes there.
pub fn generated_crate_test_passes(files: &[File], dir: &str, test: &str) -> bool {
    let root = workspace_root();
    let crate_dir = root.join("target").join(dir);
    let _ = std::fs::remove_dir_all(&crate_dir);
    for file in files {
        let path = crate_dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, &file.contents).expect("write");
    }
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    let text = text.replace(
        "\n[dev-dependencies]\n",
        "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
    );
    std::fs::write(&manifest, text + workspace_root::SCRATCH_PROFILE).expect("manifest");
    std::fs::create_dir_all(crate_dir.join("tests")).expect("mkdir");
    std::fs::write(crate_dir.join("tests/client.rs"), test).expect("write");
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).expect("lock");
    Command::new(env!("CARGO"))
        .args(["test", "--quiet"])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", root.join("target/scratch-crates"))
        .status()
        .expect("cargo runs")
        .success()
}
