//! Probe programs: for a report line the judge has no lint for (a field's type changed, an
//! answer's type changed, `Default` gone), a function that uses the old item as a user would.
//! It must compile against the old crate; the line is a real break when it fails against the
//! new one. All probes of a transition are one crate, checked twice, and each failure is
//! placed by the line the compiler names.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use codegen::changes::{Change, Item, Surface};

/// What a probe showed about one report line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// It compiles against the old crate and fails against the new one.
    Breaks,
    /// It compiles against both: the line claims a break the probe does not show.
    Compiles,
    /// No probe is written for this kind of line.
    NoProbe,
    /// The probe does not compile against the old crate: the probe is wrong, not the line.
    Broken,
}

/// The two crates of a transition: each one's directory and package name.
pub struct Crates<'a> {
    pub old: (&'a Path, &'a str),
    pub new: (&'a Path, &'a str),
}

/// Probes each change (all breaking lines the judge did not confirm) in a scratch crate
/// under `scratch`, with build products in `target`.
pub fn prove(
    changes: &[&Change],
    old: &Surface,
    crates: &Crates,
    scratch: &Path,
    target: &Path,
) -> Result<Vec<Proof>, String> {
    let mut source = String::from(PRELUDE);
    // The lines each probe occupies, by the change's index.
    let mut spans: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (index, change) in changes.iter().enumerate() {
        if let Some(probe) = probe(index, change, old) {
            let first = source.lines().count() + 1;
            source.push_str(&probe);
            spans.insert(index, (first, source.lines().count()));
        }
    }
    if spans.is_empty() {
        return Ok(vec![Proof::NoProbe; changes.len()]);
    }
    std::fs::create_dir_all(scratch.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    write(&scratch.join("src/lib.rs"), &source)?;
    let old_errors = check(scratch, target, crates.old)?;
    let new_errors = check(scratch, target, crates.new)?;
    let hit = |errors: &[usize], (first, last): (usize, usize)| {
        errors.iter().any(|line| (first..=last).contains(line))
    };
    Ok((0..changes.len())
        .map(|index| match spans.get(&index) {
            None => Proof::NoProbe,
            Some(&span) if hit(&old_errors, span) => Proof::Broken,
            Some(&span) if hit(&new_errors, span) => Proof::Breaks,
            Some(_) => Proof::Compiles,
        })
        .collect())
}

const PRELUDE: &str = "\
//! Probes written by `cargo xtask semver`: each uses an item of the old crate as a user would.
#![allow(dead_code, unused_imports, unused_variables, unused_mut, clippy::all)]
use api::models::*;
use api::client::DeclaredError;
use api::{Patch, Timestamp};
use std::collections::BTreeMap;
";

/// The probe of one change, or `None` when there is none for its kind.
fn probe(index: usize, change: &Change, old: &Surface) -> Option<String> {
    let by_key = |key: &str| old.items.iter().find(|i| i.key() == key);
    let item = by_key(&change.item);
    let name = format!("probe_{index}");
    let mut out = String::new();
    let _ = writeln!(out, "// {}: {}", change.subject, change.what);
    match item {
        Some(Item::Field {
            owner, name: f, ty, ..
        }) => {
            let _ = writeln!(out, "fn {name}(v: &{owner}) -> &{} {{ &v.{f} }}", rust(ty));
        }
        Some(Item::Type { name: ty, kind, .. }) => {
            let body = if change.what.contains("non_exhaustive") && kind == "struct" {
                // Functional update is a struct literal: refused for `#[non_exhaustive]`.
                format!("fn {name}(v: {ty}) -> {ty} {{ {ty} {{ ..v }} }}")
            } else if let Some(target) = kind.strip_prefix("alias of ") {
                format!("fn {name}(v: {ty}) -> {} {{ v }}", rust(target))
            } else if kind == "struct" {
                format!("fn {name}(v: {ty}) {{ let {ty} {{ .. }} = v; }}")
            } else {
                let first = old.items.iter().find_map(|i| match i {
                    Item::Variant { owner, name, .. } if owner == ty => Some(format!("{name}(..)")),
                    Item::Value { owner, name, .. } if owner == ty => Some(name.clone()),
                    _ => None,
                })?;
                format!("fn {name}(v: &{ty}) -> bool {{ matches!(v, {ty}::{first}) }}")
            };
            out.push_str(&body);
            out.push('\n');
        }
        Some(Item::Variant {
            owner, name: v, ty, ..
        }) => {
            let _ = writeln!(
                out,
                "fn {name}(v: {}) -> {owner} {{ {owner}::{v}(v) }}",
                rust(ty)
            );
        }
        Some(Item::Value { owner, name: v, .. }) => {
            let _ = writeln!(out, "fn {name}() -> {owner} {{ {owner}::{v} }}");
        }
        Some(Item::Const {
            owner,
            name: c,
            value,
            ..
        }) => {
            let ty = match value.as_bytes().first() {
                Some(b'"') => "&str",
                Some(b't' | b'f') => "bool",
                _ => "i64",
            };
            let _ = writeln!(out, "const _: {ty} = {owner}::{c};");
        }
        Some(Item::Method {
            owner,
            name: m,
            returns,
        }) => {
            let returns = rust(returns).replace('&', "&'a ");
            let _ = writeln!(
                out,
                "fn {name}<'a>(v: &'a {owner}) -> {returns} {{ v.{m}() }}"
            );
        }
        Some(Item::Operation { id, .. })
        | Some(Item::Param { operation: id, .. })
        | Some(Item::Body { operation: id, .. })
        | Some(Item::Answer { operation: id, .. }) => {
            out.push_str(&call_probe(&name, id, item?, old)?);
        }
        Some(Item::Server { constant, .. }) => {
            let _ = writeln!(out, "const _: &str = api::client::{constant};");
        }
        Some(Item::Credential { setter, .. }) => {
            // Naming the method is using it: it compiles while the setter exists.
            let _ = writeln!(
                out,
                "fn {name}() {{ let _ = api::ClientBuilder::{setter}; }}"
            );
        }
        Some(Item::Crate { .. } | Item::Security { .. } | Item::Servers { .. }) => return None,
        None => {
            // A new required field: the old way to build the struct no longer compiles.
            if !change.what.contains("`new`") {
                return None;
            }
            let (owner, _) = change.item.strip_prefix("field ")?.split_once('.')?;
            let required: Vec<String> = old
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Field {
                        owner: o,
                        ty,
                        presence,
                        ..
                    } if o == owner && presence == "required" => Some(rust(ty)),
                    _ => None,
                })
                .collect();
            if required.is_empty() {
                let _ = writeln!(
                    out,
                    "fn {name}() -> {owner} {{ ::core::default::Default::default() }}"
                );
            } else {
                let _ = writeln!(
                    out,
                    "fn {name}() {{ let _: fn({}) -> {owner} = {owner}::new; }}",
                    required.join(", ")
                );
            }
        }
    }
    Some(out)
}

/// A probe that makes the operation's call with the old required arguments, then uses the
/// part the change is about: an optional parameter's setter, the optional body, an answer.
fn call_probe(name: &str, op: &str, item: &Item, old: &Surface) -> Option<String> {
    let call = old.items.iter().find_map(|i| match i {
        Item::Operation { id, call, .. } if id == op => call.split(" → ").next(),
        _ => None,
    })?;
    let mut args = Vec::new();
    for i in &old.items {
        match i {
            Item::Param {
                operation,
                ty,
                required: true,
                ..
            }
            | Item::Body {
                operation,
                ty,
                required: true,
                ..
            } if operation == op => args.push(rust(ty)),
            _ => {}
        }
    }
    let params: String = args
        .iter()
        .enumerate()
        .map(|(i, ty)| format!(", a{i}: {ty}"))
        .collect();
    let passed: Vec<String> = (0..args.len()).map(|i| format!("a{i}")).collect();
    let made = format!("c.{call}({})", passed.join(", "));
    Some(match item {
        Item::Param {
            name: p,
            ty,
            required: false,
            ..
        } => format!(
            "fn {name}(c: &api::Client{params}, v: {}) {{ let _ = {made}.{p}(v); }}\n",
            rust(ty)
        ),
        Item::Body {
            ty,
            required: false,
            ..
        } => format!(
            "fn {name}(c: &api::Client{params}, v: {}) {{ let _ = {made}.body(v); }}\n",
            rust(ty)
        ),
        Item::Answer { kind, ty, .. } if kind == "send" => format!(
            "async fn {name}(c: &api::Client{params}) -> Result<{}, api::Error> {{ {made}.send().await }}\n",
            rust(ty)
        ),
        Item::Answer { kind, ty, .. } if kind == "stream" => format!(
            "async fn {name}(c: &api::Client{params}) -> Result<api::client::EventStream<{}>, api::Error> {{ {made}.stream().await }}\n",
            rust(ty)
        ),
        Item::Answer { kind, .. } if kind == "into_stream" => {
            format!("fn {name}(c: &api::Client{params}) {{ let _ = {made}.into_stream(); }}\n")
        }
        _ => format!("fn {name}(c: &api::Client{params}) {{ let _ = {made}; }}\n"),
    })
}

/// A listing's type as the probe writes it (the listing shortens `serde_json::Value` inside
/// a map).
fn rust(ty: &str) -> String {
    ty.replace("Map<String, Value>", "Map<String, serde_json::Value>")
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Checks the probe crate against the crate at `api`; the lines of `src/lib.rs` the
/// compiler reports errors at.
fn check(
    scratch: &Path,
    target: &Path,
    (api, package): (&Path, &str),
) -> Result<Vec<usize>, String> {
    let manifest = format!(
        "[package]\nname = \"semver-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\napi = {{ path = {:?}, package = {:?} }}\nserde_json = \"1\"\n",
        api.display().to_string(),
        package
    );
    write(&scratch.join("Cargo.toml"), &manifest)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "check",
            "--quiet",
            "--message-format",
            "json",
            "--manifest-path",
        ])
        .arg(scratch.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut lines = Vec::new();
    for message in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(message) else {
            continue;
        };
        let diagnostic = &value["message"];
        if value["reason"] != "compiler-message" || diagnostic["level"] != "error" {
            continue;
        }
        for span in diagnostic["spans"].as_array().into_iter().flatten() {
            if let (true, Some(line)) = (
                span["file_name"] == "src/lib.rs",
                span["line_start"].as_u64(),
            ) {
                lines.push(line as usize);
            }
        }
    }
    if !output.status.success() && lines.is_empty() {
        return Err(format!(
            "the probes did not build against {}:\n{}",
            api.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(lines)
}
