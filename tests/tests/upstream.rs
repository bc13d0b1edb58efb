//! Conformance with the published upstream specs in ../shared/upstream/letta-openapi:
//! every version generates and compiles, and schema/ is faithful to the newest one.
#![cfg(feature = "shared")]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::{Options, Selection};
use serde_json::Value;

const NEWEST: &str = "openapi-2026-03-26-2953a9f54.json.gz";

fn upstream_dir() -> PathBuf {
    support::workspace_root().join("../shared/upstream/letta-openapi")
}

fn upstream_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(upstream_dir())
        .expect("../shared/upstream/letta-openapi exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "gz"))
        .collect();
    files.sort();
    files
}

fn gunzip(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("readable");
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_string(&mut text)
        .expect("gzip JSON");
    text
}

/// Writes generated crates into one scratch workspace and checks them in one `cargo check`
/// (shared dependencies build once, with the project's lock file).
fn check_crates(scratch: &str, crates: Vec<(String, Vec<codegen::File>)>) {
    let scratch = support::workspace_root().join("target").join(scratch);
    let _ = std::fs::remove_dir_all(scratch.join("crates"));
    let mut members = Vec::new();
    for (name, files) in crates {
        let dir = scratch.join("crates").join(&name);
        for f in files {
            let path = dir.join(&f.path);
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            std::fs::write(path, f.contents).expect("write");
        }
        members.push(format!("crates/{name}"));
    }
    let manifest = workspace_root::scratch_workspace_manifest(&members);
    std::fs::write(scratch.join("Cargo.toml"), manifest).expect("write manifest");
    std::fs::copy(
        support::workspace_root().join("Cargo.lock"),
        scratch.join("Cargo.lock"),
    )
    .expect("copy lock");
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--quiet", "--", "-D", "warnings"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "the generated crates compile without warnings (see above)"
    );
}

fn options(selection: Selection, crate_name: &str, label: &str) -> Options {
    Options {
        selection,
        crate_name: Some(crate_name.to_owned()),
        source_label: label.to_owned(),
        standalone: false,
        ..Options::default()
    }
}

/// The conversation subset of all twelve versions generates, and compiles.
#[test]
fn every_upstream_version_generates_and_compiles() {
    let files = upstream_files();
    assert_eq!(files.len(), 12, "the twelve published versions");
    let crates = files
        .iter()
        .map(|file| {
            let stem = file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .trim_end_matches(".json.gz");
            let name = format!("letta-{stem}");
            let options = options(Selection::Tag("conversations".into()), &name, stem);
            let generated = codegen::generate(&gunzip(file), &options)
                .unwrap_or_else(|e| panic!("{stem}: {e}"));
            (name, generated)
        })
        .collect();
    check_crates("upstream-check", crates);
}

/// Every operation of the newest version (239 paths), not only the conversations: the scale
/// a user who outgrows the conversation endpoints meets.
#[test]
fn the_whole_newest_spec_generates_and_compiles() {
    let text = gunzip(&upstream_dir().join(NEWEST));
    let model = codegen::model(&text, &Selection::All).expect("models");
    assert!(
        model.operations.len() > 300,
        "{} operations",
        model.operations.len()
    );
    let files = codegen::generate(&text, &options(Selection::All, "letta-whole-api", NEWEST))
        .expect("generates");
    check_crates("whole-spec-check", vec![("letta-whole-api".into(), files)]);
}

/// What a schema says about one value, stripped of prose: enough to compare two specs.
fn shape(node: &Value) -> String {
    if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or_default().to_owned();
    }
    if let Some(c) = node.get("const") {
        return format!("const {c}");
    }
    if let Some(e) = node.get("enum") {
        return format!("enum {e}");
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = list.iter().map(shape).collect();
            let tag = node
                .pointer("/discriminator/propertyName")
                .map(|p| format!(" by {p}"))
                .unwrap_or_default();
            return format!("{key}({}){tag}", parts.join(" | "));
        }
    }
    match node.get("type").and_then(Value::as_str) {
        Some("array") => format!("[{}]", node.get("items").map(shape).unwrap_or_default()),
        Some(t) => match node.get("format").and_then(Value::as_str) {
            Some(f) => format!("{t}({f})"),
            None => t.to_owned(),
        },
        None => "any".to_owned(),
    }
}

/// The default, with numbers compared by value (`1` and `1.0` are one default).
fn default_of(node: &Value) -> String {
    match node.get("default") {
        Some(Value::Number(n)) => format!("{}", n.as_f64().unwrap_or_default()),
        Some(other) => other.to_string(),
        None => "-".to_owned(),
    }
}

/// One line per fact: operation parameters and bodies, component properties.
fn facts(doc: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/v1/conversations") {
            continue;
        }
        for (method, op) in item.as_object().expect("path item") {
            let at = format!("{} {path}", method.to_uppercase());
            out.insert(format!("{at} operationId"), op["operationId"].to_string());
            for p in op["parameters"].as_array().into_iter().flatten() {
                let key = format!(
                    "{at} param {} in {}",
                    p["name"].as_str().unwrap_or_default(),
                    p["in"].as_str().unwrap_or_default()
                );
                let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                out.insert(
                    key,
                    format!(
                        "required={required} {} default={}",
                        shape(&p["schema"]),
                        default_of(&p["schema"])
                    ),
                );
            }
            if let Some(content) = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
            {
                for (media, m) in content {
                    out.insert(
                        format!("{at} body {media}"),
                        m.get("schema").map(shape).unwrap_or_default(),
                    );
                }
            }
            for (code, response) in op["responses"].as_object().into_iter().flatten() {
                for (media, m) in response
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    out.insert(
                        format!("{at} response {code} {media}"),
                        m.get("schema").map(shape).unwrap_or_default(),
                    );
                }
            }
        }
    }
    out
}

fn component_facts(doc: &Value, names: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in names {
        let schema = &doc["components"]["schemas"][name];
        if schema.is_null() {
            out.insert(name.clone(), "missing".into());
            continue;
        }
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        match schema.get("properties").and_then(Value::as_object) {
            Some(properties) => {
                for (prop, node) in properties {
                    let line = format!(
                        "required={} {} default={}",
                        required.contains(&prop.as_str()),
                        shape(node),
                        default_of(node)
                    );
                    out.insert(format!("{name}.{prop}"), line);
                }
            }
            None => {
                out.insert(name.clone(), shape(schema));
            }
        }
    }
    out
}

/// Differences between schema/ and the newest upstream file that are reviewed and expected.
const ALLOWED: &[(&str, &str)] = &[
    (
        " param user_id in header",
        "the server declares internal headers that the published spec strips",
    ),
    (
        " param User-Agent in header",
        "the server declares internal headers that the published spec strips",
    ),
    (
        " param X-Project-Id in header",
        "the server declares internal headers that the published spec strips",
    ),
];

#[test]
fn schema_is_faithful_to_the_newest_upstream_version() {
    let ours = support::schema();
    let upstream_text = gunzip(&upstream_dir().join(NEWEST));
    let upstream: Value = serde_json::from_str(&upstream_text).expect("JSON");
    let mut ours_facts = facts(&ours);
    let mut theirs = facts(&upstream);
    assert_eq!(
        ours_facts
            .keys()
            .filter(|k| k.ends_with("operationId"))
            .count(),
        13,
        "13 conversation operations"
    );

    let names: Vec<String> = ours["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
        .cloned()
        .collect();
    // The components upstream reaches from the same operations.
    let subset =
        codegen::subset(&upstream_text, &Selection::Tag("conversations".into())).expect("selects");
    let upstream_names: Vec<String> = subset["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        names, upstream_names,
        "the same reachable components, in the same order"
    );
    ours_facts.extend(component_facts(&ours, &names));
    theirs.extend(component_facts(&upstream, &names));

    let mut unexplained = Vec::new();
    let mut explained = 0;
    for key in ours_facts
        .keys()
        .chain(theirs.keys().filter(|k| !ours_facts.contains_key(*k)))
    {
        let (a, b) = (ours_facts.get(key), theirs.get(key));
        if a == b {
            continue;
        }
        if ALLOWED.iter().any(|(suffix, _)| key.ends_with(suffix)) {
            explained += 1;
            continue;
        }
        unexplained.push(format!("{key}\n    schema/:  {a:?}\n    upstream: {b:?}"));
    }
    assert!(
        unexplained.is_empty(),
        "schema/ differs from {NEWEST}:\n{}",
        unexplained.join("\n")
    );
    assert!(explained > 0, "the allow-list is in use (else prune it)");
    println!(
        "compared {} facts; {explained} allowed differences",
        ours_facts.len()
    );
}
