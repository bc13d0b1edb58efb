//! `cargo xtask contract`: generated clients against Prism, the validating OpenAPI mock server.
//!
//! For the project's schema and a seeded sample of the APIs.guru directory, each document's
//! crate is generated into one scratch workspace (`target/contract/`, one shared target) beside
//! a harness that calls every operation (up to a cap) with arguments built from the schemas:
//! examples, defaults, enum values, formats, else minimal valid instances; credentials wherever
//! security asks for them. Prism serves the document on loopback and validates each request;
//! it answers from the examples first, then (`Prefer: dynamic=true`) with random data from the
//! schemas, for several rounds. Every answer must decode into the generated type. The table of
//! `xtask/contract/RESULTS.md` counts, for each document, operations called, requests valid and
//! answers decoded, and names every failure.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use codegen::Options;
use codegen::model::{Answer, BodyEncoding, Model, Operation, ParamLocation, Ty};
use serde_json::{Value, json};

use crate::directory;
use crate::workspace_root;
use instances::{body_instance, instance};

mod instances;
mod pattern;

pub const USAGE: &str = "\
usage: cargo xtask contract [--sample N] [--seed S] [--rounds R] [--cap C] [--check]

Generates the project's schema and the first N documents of the seeded order of the APIs.guru
directory that generate and that Prism loads (default: 50, seed 21), with a harness that calls
every operation (at most C per document, default 40) against Prism 5.14.2 (installed by
xtask/tools/prism.sh) on 127.0.0.1: one round answered from the examples, R rounds (default 3)
of random data. Writes xtask/contract/RESULTS.md unless --check; fails when a request Prism
rejects or an answer that does not decode is not classified in xtask/contract/known.md.
";

const DEFAULT_SEED: u64 = 21;
/// Documents always called before the sample: the issue's example of an API keyed by an
/// `X-Api-Key` header.
const NAMED: &[&str] = &["calorieninjas.com.json"];
const DEFAULT_SAMPLE: usize = 50;
const DEFAULT_ROUNDS: usize = 3;
const DEFAULT_CAP: usize = 40;
/// Documents whose crate is larger than this are skipped (build time on two cores).
const SIZE_LIMIT: usize = 1_500_000;

struct Flags {
    sample: usize,
    seed: u64,
    rounds: usize,
    cap: usize,
    check: bool,
}

fn parse(args: &[String]) -> Result<Option<Flags>, String> {
    let mut flags = Flags {
        sample: DEFAULT_SAMPLE,
        seed: DEFAULT_SEED,
        rounds: DEFAULT_ROUNDS,
        cap: DEFAULT_CAP,
        check: false,
    };
    let mut args = args.iter();
    let number = |value: Option<&String>, flag: &str| -> Result<u64, String> {
        value
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("`{flag}` needs a number\n\n{USAGE}"))
    };
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--sample" => flags.sample = number(args.next(), flag)? as usize,
            "--seed" => flags.seed = number(args.next(), flag)?,
            "--rounds" => flags.rounds = number(args.next(), flag)? as usize,
            "--cap" => flags.cap = number(args.next(), flag)? as usize,
            "--check" => flags.check = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown flag `{other}`\n\n{USAGE}")),
        }
    }
    Ok(Some(flags))
}

/// One document under test.
struct Subject {
    /// The label in the table: `schema/` or the directory's relative path.
    label: String,
    /// The file Prism serves.
    file: PathBuf,
    crate_name: String,
    options: Options,
    model: Model,
}

pub fn command(args: &[String]) -> Result<ExitCode, String> {
    let Some(flags) = parse(args)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let root = workspace_root();
    let prism = tool(&root.join("xtask/tools/prism.sh"))?;
    let scratch = root.join("target/contract");
    let crates = scratch.join("crates");
    let _ = std::fs::remove_dir_all(&crates);
    std::fs::create_dir_all(&crates)
        .map_err(|e| format!("cannot create {}: {e}", crates.display()))?;

    let mut subjects = Vec::new();
    let schema_file = root.join("schema/letta-conversations.openapi.json");
    let config = std::fs::read_to_string(root.join("schema/codegen.json"))
        .map_err(|e| format!("cannot read schema/codegen.json: {e}"))?;
    let mut letta = Options::from_config(&config).map_err(|e| e.to_string())?;
    letta.crate_name = Some("contract-letta".to_owned());
    subjects.push(subject(
        "schema/letta-conversations.openapi.json",
        &schema_file,
        letta,
        &crates,
    )?);

    let mut skipped = Vec::new();
    if flags.sample > 0 {
        let dir = directory::fetched()?;
        let documents = directory::documents(&dir)?;
        let order = directory::seeded_order(&documents, flags.seed);
        let named: Vec<String> = NAMED
            .iter()
            .filter(|n| documents.iter().any(|d| d == *n))
            .map(|n| (*n).to_owned())
            .collect();
        let wanted = 1 + named.len() + flags.sample;
        let mut port = 4100;
        let order = named
            .iter()
            .cloned()
            .chain(order.into_iter().filter(|d| !named.contains(d)));
        for document in order {
            if subjects.len() >= wanted {
                break;
            }
            let file = dir.join(&document);
            let name = format!(
                "contract-{}",
                directory::crate_name(&document).trim_start_matches("dir-")
            );
            let options = Options {
                crate_name: Some(
                    name.chars()
                        .take(60)
                        .collect::<String>()
                        .trim_end_matches('-')
                        .to_owned(),
                ),
                ..Options::default()
            };
            let chosen = match subject(&document, &file, options, &crates) {
                Ok(chosen) => chosen,
                Err(why) => {
                    skipped.push((document.clone(), why));
                    continue;
                }
            };
            // Prism must load it (it refuses documents its own parser cannot read).
            port += 1;
            match Prism::start(&prism, &file, port) {
                Ok(mut server) => server.stop(),
                Err(why) => {
                    let _ = std::fs::remove_dir_all(crates.join(&chosen.crate_name));
                    skipped.push((document.clone(), why));
                    continue;
                }
            }
            subjects.push(chosen);
        }
    }
    eprintln!("{} documents; building the harness", subjects.len());
    write_workspace(&scratch, &subjects, &flags)?;
    let harness = build(&scratch)?;

    let mut rows = Vec::new();
    for (index, subject) in subjects.iter().enumerate() {
        let port = 4010 + index as u16 % 80;
        let mut server = match Prism::start(&prism, &subject.file, port) {
            Ok(server) => server,
            Err(why) => {
                return Err(format!(
                    "{}: Prism stopped loading it: {why}",
                    subject.label
                ));
            }
        };
        let base = base_url(port);
        let output = Command::new(&harness)
            .args([&index.to_string(), &base, &flags.rounds.to_string()])
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run the harness: {e}"));
        server.stop();
        let output = output?;
        let lines = String::from_utf8_lossy(&output.stdout);
        let outcomes: Vec<Value> = lines
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let row = Row::of(subject, &outcomes);
        eprintln!(
            "{}: {} operations, {}/{} requests valid, {}/{} answers decoded",
            subject.label, row.called, row.valid, row.requests, row.decoded, row.answers
        );
        rows.push(row);
    }
    let known = known_failures(&root.join("xtask/contract/known.md"));
    let text = results(&flags, &rows, &skipped, &known);
    if !flags.check {
        std::fs::write(root.join("xtask/contract/RESULTS.md"), &text)
            .map_err(|e| format!("cannot write RESULTS.md: {e}"))?;
        println!("wrote xtask/contract/RESULTS.md");
    }
    let unexplained: Vec<String> = rows
        .iter()
        .flat_map(|row| row.failures.iter().map(move |f| (row, f)))
        .filter(|(row, f)| !known.contains_key(&(row.label.clone(), f.operation.clone())))
        .map(|(row, f)| format!("{} {}: {} {}", row.label, f.operation, f.kind, f.detail))
        .collect();
    for line in &unexplained {
        println!("unclassified: {line}");
    }
    Ok(if unexplained.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs an install script and returns the path it prints last.
fn tool(script: &Path) -> Result<PathBuf, String> {
    let output = Command::new("bash")
        .arg(script)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    match text.lines().last() {
        Some(path) if output.status.success() => Ok(PathBuf::from(path.trim())),
        _ => Err(format!("{} failed", script.display())),
    }
}

/// Generates a document's crate into `crates/` and keeps its model.
fn subject(label: &str, file: &Path, options: Options, crates: &Path) -> Result<Subject, String> {
    let text = read(file)?;
    let files = codegen::generate(&text, &options).map_err(|e| format!("refused: {e}"))?;
    let size: usize = files.iter().map(|f| f.contents.len()).sum();
    if size > SIZE_LIMIT {
        return Err(format!("its crate is {} kB, over the bound", size / 1000));
    }
    let model = codegen::model(&text, &options.selection).map_err(|e| format!("refused: {e}"))?;
    let name = options.crate_name.clone().unwrap_or_default();
    let dir = crates.join(&name);
    for f in &files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // Prism reads the document as written: a gzip'd one is served unpacked.
    let served = if file.extension().is_some_and(|e| e == "gz") {
        let plain = dir.join(format!(
            "served.{}",
            if text.trim_start().starts_with('{') {
                "json"
            } else {
                "yaml"
            }
        ));
        std::fs::write(&plain, &text)
            .map_err(|e| format!("cannot write {}: {e}", plain.display()))?;
        plain
    } else {
        file.to_path_buf()
    };
    let _ = text;
    Ok(Subject {
        label: label.to_owned(),
        file: served,
        crate_name: name,
        options,
        model,
    })
}

fn read(file: &Path) -> Result<String, String> {
    crate::fsutil::read_spec(file)
}

/// Where the client sends: Prism's address. Prism serves each operation at its own path,
/// whatever the servers' paths (`/v2` of `https://api.example.com/v2` is not part of it).
fn base_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// A running Prism, stopped (by its own process id) when dropped.
struct Prism {
    child: Child,
}

impl Prism {
    fn start(prism: &Path, file: &Path, port: u16) -> Result<Prism, String> {
        let log = std::env::temp_dir().join(format!("contract-prism-{port}.log"));
        let out = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(prism)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(file)
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start Prism: {e}"))?;
        let mut server = Prism { child };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(Some(status)) = server.child.try_wait() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                let last = text
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or_default();
                return Err(format!("Prism refused it ({status}): {}", last.trim()));
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        server.stop();
        Err("Prism did not start within 60 s".to_owned())
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The scratch workspace: the crates and the harness, one lock, one target.
fn write_workspace(scratch: &Path, subjects: &[Subject], flags: &Flags) -> Result<(), String> {
    let mut members: Vec<String> = subjects
        .iter()
        .map(|s| format!("crates/{}", s.crate_name))
        .collect();
    members.push("harness".to_owned());
    let write = |path: PathBuf, text: String| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write(
        scratch.join("Cargo.toml"),
        workspace_root::scratch_workspace_manifest(&members),
    )?;
    std::fs::copy(
        workspace_root().join("Cargo.lock"),
        scratch.join("Cargo.lock"),
    )
    .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let mut manifest = String::from(
        "[package]\nname = \"contract-harness\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nbytes = \"1\"\nserde = \"1\"\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
    );
    for s in subjects {
        let _ = writeln!(
            manifest,
            "{} = {{ path = \"../crates/{}\" }}",
            s.crate_name, s.crate_name
        );
    }
    write(scratch.join("harness/Cargo.toml"), manifest)?;
    let mut main = String::from(HARNESS_PRELUDE);
    let mut dispatch = String::new();
    for (index, subject) in subjects.iter().enumerate() {
        let text = read(&subject.file)?;
        let doc =
            codegen::normalised(&text, &subject.options.selection).map_err(|e| e.to_string())?;
        let _ = writeln!(main, "\nmod doc_{index} {{\n    use super::*;");
        main.push_str(&harness_of(subject, &doc, flags.cap));
        main.push_str("}\n");
        let _ = writeln!(
            dispatch,
            "        {index} => doc_{index}::run(&base, rounds).await,"
        );
    }
    let _ = write!(
        main,
        "\n#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n    let args: Vec<String> = std::env::args().collect();\n    \
         let index: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(usize::MAX);\n    \
         let base = args.get(2).cloned().unwrap_or_default();\n    \
         let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(0);\n    \
         match index {{\n{dispatch}        _ => eprintln!(\"no document {{index}}\"),\n    }}\n}}\n"
    );
    write(scratch.join("harness/src/main.rs"), main)
}

/// Builds the harness (and with it every crate) and returns its path.
fn build(scratch: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", "contract-harness"])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env("RUSTFLAGS", "-A warnings")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the harness does not build (see above)".to_owned());
    }
    Ok(scratch.join("target/debug/contract-harness"))
}

/// What every document's module uses: sending a call and classifying what came back.
const HARNESS_PRELUDE: &str = r#"// @generated by `cargo xtask contract`: calls every operation against Prism.
#![allow(unused_mut, unused_variables, unused_imports, clippy::all)]

/// One JSON line per call: the operation, the round, and what happened.
fn report(operation: &str, round: usize, outcome: &str, detail: &str) {
    let line = serde_json::json!({"operation": operation, "round": round, "outcome": outcome, "detail": detail});
    println!("{line}");
}

/// An argument from the first of its JSON instances that reads as its type (a parameter's own
/// example first, when it has one, then the instance its schema gives).
fn arg<T: serde::de::DeserializeOwned>(candidates: &[&str]) -> Result<T, String> {
    let mut last = String::new();
    for json in candidates {
        match serde_json::from_str(json) {
            Ok(value) => return Ok(value),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// Prism's own errors (a request it found invalid, a security failure) are problem details
/// whose `type` names them; any other error answer is one the document declares.
fn outcome_of<T, E: std::fmt::Display>(result: Result<T, E>, api: Option<(u16, serde_json::Value)>, decode: bool) -> (String, String) {
    match (result, api) {
        (Ok(_), _) => ("ok".into(), String::new()),
        (Err(_), Some((status, body))) => {
            let kind = body.get("type").and_then(|t| t.as_str()).unwrap_or_default();
            if let Some(name) = kind.strip_prefix("https://stoplight.io/prism/errors#") {
                let detail = body.get("detail").map(|d| d.to_string()).unwrap_or_default();
                let violations = body.pointer("/validation").map(|v| v.to_string()).unwrap_or_default();
                (format!("prism:{name}"), format!("{status} {detail} {violations}"))
            } else {
                ("status".into(), format!("{status}"))
            }
        }
        (Err(e), None) if decode => ("decode".into(), e.to_string()),
        (Err(e), None) => ("error".into(), e.to_string()),
    }
}
"#;

/// The module of one document: `run` makes the client and calls each operation per round.
fn harness_of(subject: &Subject, doc: &Value, cap: usize) -> String {
    let krate = subject.crate_name.replace('-', "_");
    let model = &subject.model;
    let mut out = String::new();
    let mut calls = Vec::new();
    for (index, op) in model.operations.iter().enumerate().take(cap) {
        if let Some(call) = call_of(model, op, doc, &krate) {
            let _ = writeln!(
                out,
                "    async fn op_{index}(client: &{krate}::Client, round: usize) {{\n        use {krate}::client::CallOptions;\n{call}    }}"
            );
            calls.push(index);
        } else {
            let _ = writeln!(
                out,
                "    async fn op_{index}(_client: &{krate}::Client, round: usize) {{ report({:?}, round, \"skipped\", \"an event stream: Prism cannot mock one\"); }}",
                op.operation_id
            );
            calls.push(index);
        }
    }
    let mut setters = String::new();
    for scheme in &model.api.schemes {
        if matches!(scheme.kind, codegen::model::SchemeKind::Basic) {
            let _ = write!(
                setters,
                ".{}(\"contract-user\", \"contract-password\")",
                scheme.setter
            );
        }
    }
    let _ = writeln!(
        out,
        "    pub async fn run(base: &str, rounds: usize) {{\n        let client = match {krate}::Client::builder(base).token(\"contract-token\"){setters}.max_retries(0).build() {{\n            Ok(client) => client,\n            Err(e) => {{ eprintln!(\"{{e}}\"); return; }}\n        }};\n        for round in 0..=rounds {{"
    );
    for index in calls {
        let _ = writeln!(out, "            op_{index}(&client, round).await;");
    }
    out.push_str("        }\n    }\n");
    out
}

/// The body of one operation's function: its arguments, the call, the report.
fn call_of(model: &Model, op: &Operation, doc: &Value, krate: &str) -> Option<String> {
    let sends_json = !matches!(op.call.answer, Answer::Events(_));
    if !sends_json {
        return None;
    }
    let item = doc.pointer(&format!("/paths/{}/{}", escape(&op.path), op.method.key()));
    let path_item = doc.pointer(&format!("/paths/{}", escape(&op.path)));
    let mut out = String::new();
    let mut args = Vec::new();
    for (i, p) in op.params.iter().filter(|p| p.required).enumerate() {
        let schema = parameter(doc, item, path_item, &p.wire, p.location);
        let mut candidates: Vec<String> = Vec::new();
        if let Some((schema, example)) = schema {
            if let Some(example) = example {
                candidates.push(example.to_string());
            }
            candidates.push(instance(doc, &schema, 0).to_string());
        } else {
            candidates.push(json!("a").to_string());
        }
        let ty = spell(model, &p.ty, krate);
        let _ = writeln!(
            out,
            "        let a{i}: {ty} = match arg(&{candidates:?}) {{ Ok(v) => v, Err(e) => return report({:?}, round, \"argument\", &e) }};",
            op.operation_id
        );
        args.push(format!("a{i}"));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let schema = item
            .and_then(|i| {
                i.pointer(&format!(
                    "/requestBody/content/{}/schema",
                    escape(&body.media_type)
                ))
            })
            .cloned()
            .or_else(|| {
                let reference = item?.pointer("/requestBody/$ref")?.as_str()?;
                let name = reference.rsplit('/').next()?;
                doc.pointer(&format!(
                    "/components/requestBodies/{}/content/{}/schema",
                    escape(name),
                    escape(&body.media_type)
                ))
                .cloned()
            })
            .unwrap_or(json!({}));
        let value = body_instance(doc, &schema);
        match body.encoding {
            BodyEncoding::Raw => {
                let text = match &value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let _ = writeln!(out, "        let body = bytes::Bytes::from({text:?});");
            }
            _ => {
                let ty = spell(model, &body.ty, krate);
                let _ = writeln!(
                    out,
                    "        let body: {ty} = match arg(&[{:?}]) {{ Ok(v) => v, Err(e) => return report({:?}, round, \"argument\", &e) }};",
                    value.to_string(),
                    op.operation_id
                );
            }
        }
        args.push("body".to_owned());
    }
    let start = match model.group_of(op) {
        Some(group) => format!("client.{}()", group.accessor),
        None => "client".to_owned(),
    };
    let _ = writeln!(
        out,
        "        let mut builder = {start}.{}({});\n        if round > 0 {{ builder = builder.extra_header(\"Prefer\", \"dynamic=true\"); }}\n        \
         let result = builder.send().await;\n        \
         let api = match &result {{ Err({krate}::Error::Api(api)) => Some((api.status, serde_json::to_value(&api.fields).unwrap_or_default())), _ => None }};\n        \
         let decode = matches!(&result, Err({krate}::Error::Decode(_)));\n        \
         let (outcome, detail) = outcome_of(result, api, decode);\n        report({:?}, round, &outcome, &detail);",
        op.method_name,
        args.join(", "),
        op.operation_id
    );
    Some(out)
}

/// A JSON pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A required parameter's schema and its example, if the parameter has one.
fn parameter(
    doc: &Value,
    item: Option<&Value>,
    path_item: Option<&Value>,
    wire: &str,
    location: ParamLocation,
) -> Option<(Value, Option<Value>)> {
    let place = match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    };
    let lists = [item, path_item]
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("parameters")?.as_array());
    for list in lists {
        for p in list {
            let p = match p.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let name = reference.rsplit('/').next()?;
                    doc.pointer(&format!("/components/parameters/{}", escape(name)))?
                }
                None => p,
            };
            if p.get("name").and_then(Value::as_str) == Some(wire)
                && p.get("in").and_then(Value::as_str) == Some(place)
            {
                let schema = p
                    .get("schema")
                    .cloned()
                    .unwrap_or(json!({"type": "string"}));
                let example = p.get("example").cloned().or_else(|| {
                    p.get("examples")?
                        .as_object()?
                        .values()
                        .next()?
                        .get("value")
                        .cloned()
                });
                return Some((schema, example));
            }
        }
    }
    None
}

/// A type as the harness writes it, every path absolute.
fn spell(model: &Model, ty: &Ty, krate: &str) -> String {
    match ty {
        Ty::String => "::std::string::String".into(),
        Ty::Integer => "i64".into(),
        Ty::Unsigned => "u64".into(),
        Ty::Number => "f64".into(),
        Ty::Boolean => "bool".into(),
        Ty::Timestamp => format!("{krate}::Timestamp"),
        Ty::Json => "::serde_json::Value".into(),
        Ty::JsonObject => "::serde_json::Map<::std::string::String, ::serde_json::Value>".into(),
        Ty::Array(inner) => format!("::std::vec::Vec<{}>", spell(model, inner, krate)),
        Ty::Map(inner) => format!(
            "::std::collections::BTreeMap<::std::string::String, {}>",
            spell(model, inner, krate)
        ),
        Ty::Named(id) => format!("{krate}::models::{}", model.get(*id).name),
        Ty::Boxed(inner) => format!("::std::boxed::Box<{}>", spell(model, inner, krate)),
        Ty::Nullable(inner) => format!("::std::option::Option<{}>", spell(model, inner, krate)),
    }
}

/// A failure of one operation: the first round it failed in, how, and what was said.
struct Failure {
    operation: String,
    kind: String,
    detail: String,
}

/// One document's line of the table.
struct Row {
    label: String,
    called: usize,
    requests: usize,
    valid: usize,
    answers: usize,
    decoded: usize,
    skipped: usize,
    failures: Vec<Failure>,
    /// Calls Prism rejected and answers not decoded, by operation, for the totals that leave
    /// out what `known.md` shows to be the document's or Prism's.
    rejected_calls: BTreeMap<String, usize>,
    undecoded_answers: BTreeMap<String, usize>,
}

impl Row {
    fn of(subject: &Subject, outcomes: &[Value]) -> Row {
        let mut row = Row {
            label: subject.label.clone(),
            called: 0,
            requests: 0,
            valid: 0,
            answers: 0,
            decoded: 0,
            skipped: 0,
            failures: Vec::new(),
            rejected_calls: BTreeMap::new(),
            undecoded_answers: BTreeMap::new(),
        };
        let mut operations = std::collections::BTreeSet::new();
        for outcome in outcomes {
            let field = |k: &str| {
                outcome
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let (operation, kind, detail) = (field("operation"), field("outcome"), field("detail"));
            if kind == "skipped" {
                if operations.insert(operation) {
                    row.skipped += 1;
                }
                continue;
            }
            operations.insert(operation.clone());
            row.requests += 1;
            // Prism's own verdicts on a request; its other errors (an answer it cannot write,
            // a crash) come after it found the request valid, and leave no answer to decode.
            let rejected = [
                "prism:UNPROCESSABLE_ENTITY",
                "prism:UNAUTHORIZED",
                "prism:NO_PATH_MATCHED_ERROR",
                "prism:NO_METHOD_MATCHED_ERROR",
                "prism:NOT_ACCEPTABLE",
                "prism:UNSUPPORTED_MEDIA_TYPE",
            ];
            let invalid =
                rejected.contains(&kind.as_str()) || kind == "argument" || kind == "error";
            let answered = !invalid && !kind.starts_with("prism:");
            if invalid {
                *row.rejected_calls.entry(operation.clone()).or_default() += 1;
            } else {
                row.valid += 1;
            }
            if answered {
                row.answers += 1;
                if kind == "ok" || kind == "status" {
                    row.decoded += 1;
                } else {
                    *row.undecoded_answers.entry(operation.clone()).or_default() += 1;
                }
            }
            if kind != "ok"
                && kind != "status"
                && !row.failures.iter().any(|f| f.operation == operation)
            {
                row.failures.push(Failure {
                    operation,
                    kind,
                    detail: truncate(&detail),
                });
            }
        }
        row.called = operations.len() - row.skipped;
        row
    }
}

fn truncate(text: &str) -> String {
    let one_line = text.replace(['\n', '|'], " ");
    if one_line.chars().count() > 300 {
        one_line.chars().take(300).collect::<String>() + "…"
    } else {
        one_line
    }
}

/// `xtask/contract/known.md`: each classified failure as a table row
/// `| document | operation | class | evidence |`.
fn known_failures(path: &Path) -> BTreeMap<(String, String), (String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| document") && !l.starts_with("| ---"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            match cells.as_slice() {
                [doc, op, class, evidence, ..] => Some((
                    (
                        doc.trim_matches('`').to_owned(),
                        op.trim_matches('`').to_owned(),
                    ),
                    (class.to_string(), evidence.to_string()),
                )),
                _ => None,
            }
        })
        .collect()
}

fn results(
    flags: &Flags,
    rows: &[Row],
    skipped: &[(String, String)],
    known: &BTreeMap<(String, String), (String, String)>,
) -> String {
    let sum = |f: fn(&Row) -> usize| rows.iter().map(f).sum::<usize>();
    let (requests, valid, answers, decoded) = (
        sum(|r| r.requests),
        sum(|r| r.valid),
        sum(|r| r.answers),
        sum(|r| r.decoded),
    );
    let percent = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    // Failures shown to be the document's or Prism's leave the counts; ours and unexplained
    // ones stay.
    let excused = |row: &Row, operation: &str| {
        known
            .get(&(row.label.clone(), operation.to_owned()))
            .is_some_and(|(class, _)| {
                class == "defect of the document" || class == "limit of Prism"
            })
    };
    let excused_sum = |counts: fn(&Row) -> &BTreeMap<String, usize>| {
        rows.iter()
            .flat_map(|row| counts(row).iter().filter(|(op, _)| excused(row, op)))
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    let excused_requests = excused_sum(|row| &row.rejected_calls);
    let excused_answers = excused_sum(|row| &row.undecoded_answers);
    let (own_requests, own_answers) = (requests - excused_requests, answers - excused_answers);
    let mut out = format!(
        "# Contract results\n\n\
         Generated by `cargo xtask contract --sample {} --seed {} --rounds {} --cap {}` on {}: the \
         project's schema, `calorieninjas.com.json` (an API keyed by an `X-Api-Key` header) and \
         {} documents of the APIs.guru directory (the first of the seeded order that generate \
         and that Prism 5.14.2 loads), each operation (at most {} a document) \
         called once answered from the examples and {} times with random data \
         (`Prefer: dynamic=true`). A request is valid when Prism does not reject it; an answer \
         is decoded when the generated client reads it (a 2xx into its type, or an error status \
         the document declares).\n\n\
         Totals: {} requests, {} valid ({:.1}%); {} answers, {} decoded ({:.1}%). Failures are \
         classified in `xtask/contract/known.md`. Leaving out the calls whose failure it shows to \
         be a defect of the document or a limit of Prism: {} requests, {} valid ({:.1}%); {} \
         answers, {} decoded ({:.1}%).\n\n\
         | document | operations | skipped | requests valid | answers decoded |\n| --- | ---: | ---: | ---: | ---: |\n",
        flags.sample,
        flags.seed,
        flags.rounds,
        flags.cap,
        directory::machine(),
        rows.len().saturating_sub(1 + NAMED.len()),
        flags.cap,
        flags.rounds,
        requests,
        valid,
        percent(valid, requests),
        answers,
        decoded,
        percent(decoded, answers),
        own_requests,
        valid,
        percent(valid, own_requests),
        own_answers,
        decoded,
        percent(decoded, own_answers),
    );
    for row in rows {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {}/{} | {}/{} |",
            row.label, row.called, row.skipped, row.valid, row.requests, row.decoded, row.answers
        );
    }
    out.push_str("\n## Failures\n\nEach operation's first failing call, and its class from `known.md`.\n\n| document | operation | outcome | detail | class |\n| --- | --- | --- | --- | --- |\n");
    for row in rows {
        for f in &row.failures {
            let class = known
                .get(&(row.label.clone(), f.operation.clone()))
                .map_or("**unclassified**".to_owned(), |(class, evidence)| {
                    format!("{class}: {evidence}")
                });
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {} |",
                row.label, f.operation, f.kind, f.detail, class
            );
        }
    }
    if !skipped.is_empty() {
        out.push_str("\n## Documents passed over\n\n");
        for (doc, why) in skipped {
            let _ = writeln!(out, "- `{doc}`: {}", truncate(why));
        }
    }
    out
}
