//! The xtask as a user runs it: a failed generation leaves the output untouched, and
//! `--check` fails with a readable diff when one generated line was edited by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../src/workspace.rs"]
mod workspace;

use workspace::workspace_root as root;

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/xtask-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).expect("readable")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_failed_generation_leaves_the_output_untouched() {
    let out = scratch("untouched");
    let schema = root().join("schema/letta-conversations.openapi.json");
    let ok = xtask(&[
        "codegen",
        "--spec",
        schema.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = snapshot(&out);
    assert!(before.len() >= 6, "the crate was written");

    // The schema with one dangling reference: generation fails half-way through lowering.
    let text = std::fs::read_to_string(&schema).expect("schema").replacen(
        "\"#/components/schemas/Conversation\"",
        "\"#/components/schemas/Missing\"",
        1,
    );
    let broken = out.join("../broken.json");
    std::fs::write(&broken, text).expect("write");
    let failed = xtask(&[
        "codegen",
        "--spec",
        broken.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("#/paths/") && stderr.contains("points nowhere"),
        "{stderr}"
    );
    assert_eq!(snapshot(&out), before, "no file changed, none was added");
}

#[test]
fn check_fails_with_a_diff_when_a_generated_line_is_edited() {
    let out = scratch("check");
    let schema = root().join("schema/letta-conversations.openapi.json");
    let args = [
        "codegen",
        "--spec",
        schema.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    assert!(xtask(&args).status.success());
    let fresh = xtask(&[&args[..], &["--check"]].concat());
    assert!(fresh.status.success(), "fresh output passes the check");

    let models = out.join("src/models.rs");
    let text = std::fs::read_to_string(&models).expect("models");
    let edited = text.replacen(
        "pub struct Conversation ..extra {",
        "pub struct Conversation ..extra { // edited by hand",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&models, edited).expect("write");
    let stale = xtask(&[&args[..], &["--check"]].concat());
    assert!(!stale.status.success(), "an edited line fails the check");
    let stdout = String::from_utf8_lossy(&stale.stdout);
    assert!(
        stdout.contains("-    pub struct Conversation ..extra { // edited by hand"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+    pub struct Conversation ..extra {"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&stale.stderr).contains("cargo xtask codegen"));
}

#[test]
fn each_command_refuses_a_flag_it_does_not_take() {
    for (args, flag, command) in [
        (&["codegen", "--from", "x.json"][..], "--from", "codegen"),
        (&["codegen", "--check", "--bogus"][..], "--bogus", "codegen"),
        (&["schema", "--check"][..], "--check", "schema"),
        (
            &["schema", "--from", "x.json", "--all"][..],
            "--all",
            "schema",
        ),
    ] {
        let output = xtask(args);
        assert!(!output.status.success(), "{args:?} must fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("unknown flag `{flag}`"))
                && stderr.contains(&format!("usage: cargo xtask {command}")),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn help_gives_the_defaults_of_the_generator() {
    let output = xtask(&["codegen", "--help"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let defaults = codegen::Options::default();
    let codegen::Selection::Tag(tag) = &defaults.selection else {
        panic!("the default selection is a tag");
    };
    assert!(
        stdout.contains(&format!("(default: --tag {tag})")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("(default: {})", defaults.crate_name)),
        "{stdout}"
    );
}
