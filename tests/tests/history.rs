//! Diff stability over the upstream history: for each pair of consecutive published versions,
//! a generated item changes only where its schema (or a schema it reaches) changed.
#![cfg(feature = "shared")]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use codegen::Selection;
use quote::ToTokens;
use serde_json::Value;

fn versions() -> Vec<(String, String)> {
    let dir = support::workspace_root().join("../shared/upstream/letta-openapi");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("upstream dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "gz"));
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("open"))
                .read_to_string(&mut text)
                .expect("gzip");
            (
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .trim_end_matches(".json.gz")
                    .to_owned(),
                text,
            )
        })
        .collect()
}

/// The conversation subset: component name → its JSON text, plus each operation's JSON text.
fn spec_parts(text: &str) -> (BTreeMap<String, String>, BTreeMap<String, String>, Value) {
    let subset = codegen::subset(text, &Selection::Tag("conversations".into())).expect("selects");
    let schemas = subset["components"]["schemas"]
        .as_object()
        .map(|s| s.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())
        .unwrap_or_default();
    let mut operations = BTreeMap::new();
    for (path, item) in subset["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            operations.insert(format!("{method} {path}"), op.to_string());
        }
    }
    (schemas, operations, subset)
}

/// Every component a JSON value reaches by `$ref`, transitively.
fn reach(doc: &Value, start: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![start.clone()];
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if let ("$ref", Value::String(r)) = (k.as_str(), &child) {
                        let name = r.rsplit('/').next().unwrap_or_default().to_owned();
                        if seen.insert(name.clone()) {
                            todo.push(doc["components"]["schemas"][&name].clone());
                        }
                    } else {
                        todo.push(child);
                    }
                }
            }
            Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    seen
}

/// Generated model items by the type they belong to: the type itself and its impls.
fn items(text: &str) -> BTreeMap<String, String> {
    let files = codegen::generate(text, &support::options()).expect("generates");
    let models = &files
        .iter()
        .find(|f| f.path == "src/models.rs")
        .expect("models.rs")
        .contents;
    let file: syn::File = syn::parse_str(models).expect("Rust");
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for item in file.items {
        let name = match &item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            syn::Item::Type(t) => t.ident.to_string(),
            // A declaration (`object! { pub struct Name … }`): the name after `struct` or `enum`.
            syn::Item::Macro(m) => {
                let tokens: Vec<proc_macro2::TokenTree> =
                    m.mac.tokens.clone().into_iter().collect();
                let name = tokens.windows(2).find_map(|pair| match pair {
                    [
                        proc_macro2::TokenTree::Ident(keyword),
                        proc_macro2::TokenTree::Ident(name),
                    ] if keyword == "struct" || keyword == "enum" => Some(name.to_string()),
                    _ => None,
                });
                match name {
                    Some(name) => name,
                    None => continue,
                }
            }
            syn::Item::Impl(i) => match &*i.self_ty {
                syn::Type::Path(p) => p
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default(),
                _ => continue,
            },
            _ => continue,
        };
        out.entry(name)
            .or_default()
            .push_str(&item.to_token_stream().to_string());
    }
    out
}

#[test]
fn generated_items_change_only_where_their_schemas_change() {
    let versions = versions();
    assert_eq!(versions.len(), 12);
    let mut report = Vec::new();
    let mut violations = Vec::new();
    let newest = items(&versions[versions.len() - 1].1);
    assert!(
        newest.contains_key("Conversation") && newest.contains_key("ModelSettings"),
        "the items are found by their type names"
    );
    for pair in versions.windows(2) {
        let ((old_name, old_text), (new_name, new_text)) = (&pair[0], &pair[1]);
        let (old_schemas, old_ops, _) = spec_parts(old_text);
        let (new_schemas, new_ops, new_doc) = spec_parts(new_text);
        let changed_schemas: BTreeSet<&String> = old_schemas
            .keys()
            .chain(new_schemas.keys())
            .filter(|k| old_schemas.get(*k) != new_schemas.get(*k))
            .collect();
        let changed_ops: BTreeSet<&String> = old_ops
            .keys()
            .chain(new_ops.keys())
            .filter(|k| old_ops.get(*k) != new_ops.get(*k))
            .collect();
        // A schema is affected when it, or anything it reaches, changed.
        let affected = |component: &str| -> bool {
            if changed_schemas.contains(&component.to_owned()) {
                return true;
            }
            reach(&new_doc, &new_doc["components"]["schemas"][component])
                .iter()
                .any(|r| changed_schemas.contains(r))
        };
        let (old_items, new_items) = (items(old_text), items(new_text));
        let new_model =
            codegen::model(new_text, &Selection::Tag("conversations".into())).expect("model");
        let old_model =
            codegen::model(old_text, &Selection::Tag("conversations".into())).expect("model");
        let changed_items: Vec<&String> = old_items
            .keys()
            .chain(new_items.keys().filter(|k| !old_items.contains_key(*k)))
            .filter(|k| old_items.get(*k) != new_items.get(*k))
            .collect();
        for item in &changed_items {
            let def = new_model
                .find(item)
                .map(|id| new_model.get(id))
                .or_else(|| old_model.find(item).map(|id| old_model.get(id)));
            let Some(def) = def else {
                violations.push(format!(
                    "{old_name} → {new_name}: `{item}` changed and has no schema"
                ));
                continue;
            };
            let explained = if let Some(rest) = def.origin.strip_prefix("#/components/schemas/") {
                let component = rest
                    .split('/')
                    .next()
                    .unwrap_or_default()
                    .replace("~1", "/")
                    .replace("~0", "~");
                affected(&component)
            } else {
                // An inline type of an operation: that operation, or what it reaches, changed.
                let mut parts = def.origin.trim_start_matches("#/paths/").split('/');
                let path = parts
                    .next()
                    .unwrap_or_default()
                    .replace("~1", "/")
                    .replace("~0", "~");
                let method = parts.next().unwrap_or_default();
                let key = format!("{method} {path}");
                changed_ops.contains(&key)
                    || reach(&new_doc, &new_doc["paths"][&path][method])
                        .iter()
                        .any(|r| changed_schemas.contains(r))
            };
            if !explained {
                violations.push(format!("{old_name} → {new_name}: `{item}` ({}) changed, but no schema it comes from did", def.origin));
            }
        }
        report.push(format!(
            "{old_name} → {new_name}: {} schemas and {} operations changed in the spec; {} generated types changed",
            changed_schemas.len(),
            changed_ops.len(),
            changed_items.len()
        ));
    }
    println!("{}", report.join("\n"));
    assert!(
        violations.is_empty(),
        "generated items changed without a cause:\n{}",
        violations.join("\n")
    );
}
