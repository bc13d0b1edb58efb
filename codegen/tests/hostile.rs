//! The hostile corpus (`tests/hostile/*.json`): every document either generates code that
//! compiles, passes clippy and rustdoc and round-trips its sample, or fails with an error that names the
//! place in the document. None panics, overflows the stack or hangs.
//!
//! Beside each case, `NAME.expected` holds what it gives, reviewed: the error's text, or the
//! warnings and the API listing (`API.md`) of the generated crate. A change of behaviour fails
//! here with a diff; `UPDATE_EXPECTED=1` rewrites the files for review.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use codegen::{Options, Selection};
use serde_json::{Value, json};

/// A generous bound: the largest case generates in well under a second.
const PER_CASE: Duration = Duration::from_secs(30);

fn workspace_root() -> std::path::PathBuf {
    workspace_root::workspace_root!()
}

struct Case {
    name: String,
    text: String,
    selection: Selection,
    expect: Value,
}

fn corpus() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut cases: Vec<Case> = paths
        .iter()
        .map(|path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(path).expect("readable"))
                    .expect("a case is JSON");
            let text = match (&case["text"], &case["document"]) {
                (Value::String(text), _) => text.clone(),
                (_, document) => document.to_string(),
            };
            let selection = match case["tag"].as_str() {
                Some(tag) => Selection::Tag(tag.to_owned()),
                None => Selection::All,
            };
            Case {
                name,
                text,
                selection,
                expect: case["expect"].clone(),
            }
        })
        .collect();
    // Too large to keep as files.
    let mut deep = String::new();
    for _ in 0..10_000 {
        deep.push_str("{\"items\":");
    }
    deep.push_str("{}");
    deep.push_str(&"}".repeat(10_000));
    let deep_doc = format!(
        r##"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{}},"components":{{"schemas":{{"Deep":{deep}}}}}}}"##
    );
    cases.push(Case {
        name: "nesting-10000-deep".into(),
        text: deep_doc,
        selection: Selection::All,
        expect: json!({"error": {"pointer": "#", "contains": "not valid JSON"}}),
    });
    let values: Vec<String> = (0..100_000).map(|i| format!("value-{i}")).collect();
    let huge_enum = json!({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/e": {"get": {"operationId": "get_e", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Huge"}}}}}}}},
        "components": {"schemas": {"Huge": {"type": "string", "enum": values}}}
    });
    cases.push(Case {
        name: "enum-with-100000-values".into(),
        text: huge_enum.to_string(),
        selection: Selection::All,
        expect: json!({"ok": {"types": ["Huge"], "sample": {"type": "Huge", "json": "value-99999"}}}),
    });
    cases
}

/// Generates on a thread of its own so that a panic or a hang is caught and named.
fn run(case: &Case) -> Result<codegen::Generated, codegen::Error> {
    let (text, selection, name) = (case.text.clone(), case.selection.clone(), case.name.clone());
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let options = Options {
                selection,
                crate_name: Some(format!("hostile-{name}")),
                source_label: format!("{name}.json"),
                standalone: false,
                ..Options::default()
            };
            let outcome =
                std::panic::catch_unwind(|| codegen::generate_with_warnings(&text, &options));
            let _ = send.send(outcome);
        })
        .expect("a thread");
    match receive.recv_timeout(PER_CASE) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => panic!("{}: the generator panicked", case.name),
        Err(_) => panic!(
            "{}: the generator did not finish within {PER_CASE:?}",
            case.name
        ),
    }
}

#[test]
fn every_hostile_document_is_generated_or_refused_with_its_place() {
    let cases = corpus();
    assert!(
        cases.len() >= 50,
        "the corpus has {} documents",
        cases.len()
    );
    let mut crates = Vec::new();
    let (mut refused, mut generated) = (0, 0);
    let mut outputs = Vec::new();
    for case in &cases {
        let outcome = run(case);
        outputs.push((case.name.clone(), output_text(&outcome)));
        if let Some(expected) = case.expect.get("error") {
            let pointer = expected["pointer"].as_str().unwrap_or_default();
            let contains = expected["contains"].as_str().unwrap_or_default();
            let error = match outcome {
                Ok(_) => panic!(
                    "{}: expected an error at {pointer}, but it generated",
                    case.name
                ),
                Err(e) => e,
            };
            assert!(
                error.pointer.starts_with(pointer),
                "{}: error at {} (expected {pointer}): {error}",
                case.name,
                error.pointer
            );
            let said = error.to_string();
            assert!(
                said.contains(contains),
                "{}: `{error}` does not say `{contains}`",
                case.name
            );
            refused += 1;
            continue;
        }
        let files = outcome
            .unwrap_or_else(|e| panic!("{}: expected code, got {e}", case.name))
            .files;
        let model = codegen::model(&case.text, &case.selection).expect("models");
        for name in case.expect["ok"]["types"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            assert!(
                model.find(name).is_some(),
                "{}: no type `{name}`",
                case.name
            );
        }
        crates.push((
            case.name.clone(),
            files,
            case.expect["ok"].get("sample").cloned(),
        ));
        generated += 1;
    }
    println!(
        "hostile corpus: {} documents, {refused} refused with their place, {generated} generated",
        cases.len()
    );
    compare_expected(&outputs);
    compile_and_round_trip(crates);
}

/// What a case gives, as reviewed in its `.expected` file.
fn output_text(outcome: &Result<codegen::Generated, codegen::Error>) -> String {
    match outcome {
        Err(error) => format!("error: {error}\n"),
        Ok(generated) => {
            let mut text = String::new();
            for warning in &generated.warnings {
                text.push_str(&format!("warning: {warning}\n"));
            }
            let listing = generated
                .files
                .iter()
                .find(|f| f.path == "API.md")
                .map(|f| f.contents.as_str())
                .unwrap_or_default();
            // The first line names the source, which the case's name already does.
            text.push_str(listing.split_once('\n').map_or(listing, |(_, rest)| rest));
            text
        }
    }
}

/// Every case against its `.expected` file, all differences reported at once; no file may be
/// left without its case.
fn compare_expected(outputs: &[(String, String)]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let update = std::env::var_os("UPDATE_EXPECTED").is_some();
    let mut differences = Vec::new();
    for (name, actual) in outputs {
        let path = dir.join(format!("{name}.expected"));
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected == *actual {
            continue;
        }
        if update {
            std::fs::write(&path, actual).expect("write an expected output");
            continue;
        }
        let diff = similar::TextDiff::from_lines(&expected, actual)
            .unified_diff()
            .context_radius(2)
            .header(&format!("{name}.expected"), "actual")
            .to_string();
        differences.push(diff);
    }
    let names: Vec<String> = outputs
        .iter()
        .map(|(n, _)| format!("{n}.expected"))
        .collect();
    let orphans: Vec<String> = std::fs::read_dir(&dir)
        .expect("the corpus")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".expected") && !names.contains(f))
        .collect();
    assert!(
        orphans.is_empty(),
        "expected outputs without a case: {orphans:?}"
    );
    assert!(
        differences.is_empty(),
        "{} cases changed behaviour (review, then rerun with UPDATE_EXPECTED=1):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// One scratch workspace: clippy and rustdoc (`-D warnings`) on every crate (client included),
/// then each sample decoded and re-encoded by a test inside its crate (models only, to keep it
/// quick).
fn compile_and_round_trip(crates: Vec<(String, Vec<codegen::File>, Option<Value>)>) {
    let scratch = workspace_root().join("target/hostile-check");
    let _ = std::fs::remove_dir_all(scratch.join("crates"));
    let mut members = Vec::new();
    for (name, files, sample) in crates {
        let dir = scratch.join("crates").join(&name);
        for file in files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(&path, file.contents).expect("write");
        }
        if let Some(sample) = sample {
            let lib = format!("hostile_{}", name.replace('-', "_"));
            let ty = sample["type"].as_str().expect("a sample type");
            let json_text = sample["json"].to_string();
            let test = format!(
                "#[test]\nfn sample_round_trips() {{\n    let json: serde_json::Value = serde_json::from_str({json_text:?}).expect(\"json\");\n    \
                 let typed: {lib}::models::{ty} = serde_json::from_value(json.clone()).expect(\"decodes\");\n    \
                 assert_eq!(serde_json::to_value(&typed).expect(\"encodes\"), json);\n}}\n"
            );
            std::fs::create_dir_all(dir.join("tests")).expect("mkdir");
            std::fs::write(dir.join("tests/sample.rs"), test).expect("write");
        }
        members.push(format!("crates/{name}"));
    }
    std::fs::write(
        scratch.join("Cargo.toml"),
        workspace_root::scratch_workspace_manifest(&members),
    )
    .expect("manifest");
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        scratch.join("Cargo.lock"),
    )
    .expect("lock");
    let cargo = |args: &[&str]| {
        Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&scratch)
            // For `cargo doc` only: doctests are not what this checks.
            .env(
                "RUSTDOCFLAGS",
                if args[0] == "doc" { "-D warnings" } else { "" },
            )
            .env(
                "CARGO_TARGET_DIR",
                workspace_root().join("target/scratch-crates"),
            )
            .status()
            .expect("cargo runs")
    };
    assert!(
        cargo(&["clippy", "--workspace", "--quiet", "--", "-D", "warnings"]).success(),
        "the generated crates compile warning-free"
    );
    assert!(
        cargo(&["doc", "--workspace", "--no-deps", "--quiet"]).success(),
        "the generated crates' docs are warning-free under rustdoc, hostile prose included"
    );
    assert!(
        cargo(&["test", "--workspace", "--quiet", "--no-default-features"]).success(),
        "every sample round-trips"
    );
}
