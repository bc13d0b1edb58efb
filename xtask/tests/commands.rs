//! The xtask as a user runs it: a failed generation leaves the output untouched; `--check`
//! fails with a readable diff when one generated line was edited by hand, prints the API
//! changes before the diff, and fails on files the generator no longer writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    workspace_root::workspace_root!()
}

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
    // The project's schema comes with its configuration.
    let config = std::fs::read_to_string(root().join("schema/codegen.json")).expect("config");
    let defaults = codegen::Options::from_config(&config).expect("a configuration");
    let codegen::Selection::Tag(tag) = &defaults.selection else {
        panic!("the default selection is a tag");
    };
    assert!(
        stdout.contains(&format!("(default: --tag {tag})")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "(default: {})",
            defaults.crate_name.as_deref().unwrap_or_default()
        )),
        "{stdout}"
    );
}

#[test]
fn check_prints_the_api_changes_before_the_diff() {
    let out = scratch("report");
    let schema = root().join("schema/letta-conversations.openapi.json");
    // The committed output comes from the schema without `Conversation.summary`.
    let mut older: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&schema).expect("schema")).expect("JSON");
    let properties = older["components"]["schemas"]["Conversation"]["properties"]
        .as_object_mut()
        .expect("Conversation has properties");
    assert!(properties.remove("summary").is_some());
    let older_path = out.join("../report-older.json");
    std::fs::write(&older_path, older.to_string()).expect("write");
    let out_arg = out.to_str().expect("utf-8");
    let first = xtask(&[
        "codegen",
        "--spec",
        older_path.to_str().expect("utf-8"),
        "--out",
        out_arg,
    ]);
    assert!(first.status.success());
    assert!(
        String::from_utf8_lossy(&first.stdout)
            .contains("the API change report starts with the next change"),
        "a first run has nothing to compare with"
    );

    let args = [
        "codegen",
        "--spec",
        schema.to_str().expect("utf-8"),
        "--out",
        out_arg,
    ];
    let stale = xtask(&[&args[..], &["--check"]].concat());
    assert!(!stale.status.success());
    let stdout = String::from_utf8_lossy(&stale.stdout);
    let report = stdout
        .find("API changes: 0 breaking, 1 additive, 0 compatible")
        .expect(&stdout);
    let line = stdout
        .find("additive   field `Conversation.summary`: added: Option<String> (`summary`)")
        .expect(&stdout);
    let diff = stdout.find("--- ").expect(&stdout);
    assert!(
        report < line && line < diff,
        "the report comes first:\n{stdout}"
    );

    // Written: an additive change moves a 0.x version's patch, and the report is kept as
    // Markdown too.
    let markdown = out.join("../report.md");
    let written = xtask(
        &[
            &args[..],
            &["--report-md", markdown.to_str().expect("utf-8")],
        ]
        .concat(),
    );
    assert!(written.status.success());
    let stdout = String::from_utf8_lossy(&written.stdout);
    assert!(stdout.contains("Conversation.summary"), "{stdout}");
    assert!(stdout.contains("version 0.1.0 → 0.1.1"), "{stdout}");
    let cargo = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(cargo.contains("\nversion = \"0.1.1\"\n"), "{cargo}");
    let page = std::fs::read_to_string(&markdown).expect("the Markdown report");
    assert!(
        page.starts_with("## API changes of `")
            && page.contains("`: version 0.1.0 → 0.1.1\n")
            && page.contains(
                "| additive | field `Conversation.summary` | added: Option<String> (`summary`) |"
            ),
        "{page}"
    );
    let again = xtask(&args);
    assert!(String::from_utf8_lossy(&again.stdout).contains("is up to date"));
    let cargo_again = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert_eq!(cargo, cargo_again, "running it again changes nothing");
}

#[test]
fn files_the_generator_no_longer_writes_fail_the_check() {
    let out = scratch("leftovers");
    let schema = root().join("schema/letta-conversations.openapi.json");
    let args = [
        "codegen",
        "--spec",
        schema.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    assert!(xtask(&args).status.success());
    // A source an older generator wrote, a file put there by hand, and build output.
    std::fs::write(out.join("src/old_runtime.rs"), "// generated once\n").expect("write");
    std::fs::write(out.join("NOTES.md"), "mine\n").expect("write");
    std::fs::create_dir_all(out.join("target/debug")).expect("mkdir");
    std::fs::write(out.join("target/debug/build.log"), "").expect("write");
    std::fs::write(out.join("Cargo.lock"), "").expect("write");

    let check = xtask(&[&args[..], &["--check"]].concat());
    assert!(!check.status.success());
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        stdout.contains("not generated any more:") && stdout.contains("old_runtime.rs"),
        "{stdout}"
    );
    assert!(stdout.contains("NOTES.md"), "{stdout}");
    assert!(
        !stdout.contains("build.log") && !stdout.contains("Cargo.lock"),
        "{stdout}"
    );

    // Writing removes the stale source and names the other file, which stays.
    let written = xtask(&args);
    assert!(written.status.success());
    assert!(!out.join("src/old_runtime.rs").exists());
    assert!(out.join("NOTES.md").exists());
    assert!(String::from_utf8_lossy(&written.stdout).contains("not generated: "));
    assert!(
        !xtask(&[&args[..], &["--check"]].concat()).status.success(),
        "NOTES.md still fails it"
    );
    std::fs::remove_file(out.join("NOTES.md")).expect("remove");
    assert!(xtask(&[&args[..], &["--check"]].concat()).status.success());
}

#[test]
fn a_gzipped_yaml_document_generates() {
    use std::io::Write as _;
    let dir = scratch("yaml");
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, properties: {id: {type: string}}}\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(yaml.as_bytes()).expect("gzip");
    // No telling suffix: the content says gzip, then YAML.
    let spec = dir.join("spec.bin");
    std::fs::write(&spec, gz.finish().expect("gzip")).expect("write");
    let out = dir.join("crate");
    let run = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--all",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let models = std::fs::read_to_string(out.join("src/models.rs")).expect("models");
    assert!(models.contains("pub struct GetAResponse"), "{models}");
}
