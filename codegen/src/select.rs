//! Picks operations out of a full document and keeps only the components they reach, so that
//! a crate for one tag carries only the types its operations use.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::error::{Error, Pointer, Result};
use crate::refs;
use crate::vocabulary::{Method, ref_segments};

/// Which operations to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every operation in the document.
    All,
    /// Operations carrying this tag.
    Tag(String),
    /// Operations whose path starts with this prefix.
    PathPrefix(String),
}

impl Selection {
    fn keeps(&self, path: &str, operation: &Value) -> bool {
        match self {
            Selection::All => true,
            Selection::Tag(tag) => operation
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag))),
            Selection::PathPrefix(prefix) => path.starts_with(prefix.as_str()),
        }
    }
}

/// Returns a copy of `doc` holding the selected operations and every component they reach.
pub fn select(doc: &Value, selection: &Selection) -> Result<Value> {
    let Some(source) = doc.as_object() else {
        return Err(Error::at("#", "the document is not a JSON object"));
    };
    // Everything but the paths, which are rebuilt below (cloning them too would double the work).
    let mut root: Map<String, Value> = source
        .iter()
        .map(|(key, value)| {
            let value = if key == "paths" {
                Value::Null
            } else {
                value.clone()
            };
            (key.clone(), value)
        })
        .collect();
    let mut kept_paths = Map::new();
    if let Some(paths) = doc.get("paths") {
        let paths = paths
            .as_object()
            .ok_or_else(|| Error::at("#/paths", "`paths` must be an object"))?;
        for (path, item) in paths {
            if path.starts_with("x-") {
                // An extension of the paths object, not a path.
                continue;
            }
            let Some(item_obj) = item.as_object() else {
                return Err(Error::at(
                    Pointer::root().join("paths").join(path),
                    "a path item must be an object",
                ));
            };
            let mut kept_item = Map::new();
            let mut any = false;
            for (key, value) in item_obj {
                if Method::from_key(key).is_some() {
                    if selection.keeps(path, value) {
                        kept_item.insert(key.clone(), value.clone());
                        any = true;
                    }
                } else {
                    kept_item.insert(key.clone(), value.clone());
                }
            }
            if any {
                kept_paths.insert(path.clone(), Value::Object(kept_item));
            }
        }
    }
    if kept_paths.is_empty() && *selection != Selection::All {
        return Err(
            Error::at("#/paths", format!("no operation matches {selection:?}"))
                .hint("check the tag or path prefix; `--all` keeps every operation"),
        );
    }
    let kept_paths = Value::Object(kept_paths);
    let mut reached = reachable(doc, &kept_paths)?;
    // Security schemes are named by requirements, not by `$ref`: the document's and the
    // kept operations'.
    let mut requirements: Vec<&Value> = doc.get("security").into_iter().collect();
    for item in kept_paths.as_object().into_iter().flat_map(|p| p.values()) {
        for (key, operation) in item.as_object().into_iter().flatten() {
            if Method::from_key(key).is_some() {
                requirements.extend(operation.get("security"));
            }
        }
    }
    for requirement in requirements
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_object)
    {
        for name in requirement.keys() {
            reached.insert(("securitySchemes".to_owned(), name.clone()));
        }
    }
    root.insert("paths".to_owned(), kept_paths);
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (section, entries) in components.iter_mut() {
            if let Value::Object(entries) = entries {
                entries.retain(|name, _| reached.contains(&(section.clone(), name.clone())));
            }
        }
        components.retain(|_, entries| entries.as_object().is_none_or(|e| !e.is_empty()));
    }
    Ok(Value::Object(root))
}

/// The `(section, name)` of every component reachable by `$ref` from `start` (the kept paths).
/// By then `refs::hoist` has made every usable reference name a component.
fn reachable(doc: &Value, start: &Value) -> Result<BTreeSet<(String, String)>> {
    let mut seen = BTreeSet::new();
    let mut todo = refs::sites_in_paths(start);
    while let Some(site) = todo.pop() {
        let reference = &site.reference;
        let segments = ref_segments(reference).ok_or_else(|| {
            Error::at(
                site.at.as_str(),
                format!("`$ref: {reference}` is not a local reference"),
            )
            .hint("only references inside the document (`#/...`) are supported")
        })?;
        let [first, section, name] = segments.as_slice() else {
            return Err(Error::at(
                site.at.as_str(),
                refs::describe_target(doc, reference, site.kind),
            ));
        };
        if first != "components" || section != site.kind.section() {
            return Err(Error::at(
                site.at.as_str(),
                refs::describe_target(doc, reference, site.kind),
            ));
        }
        let key = (section.clone(), name.clone());
        if seen.contains(&key) {
            continue;
        }
        let target = doc
            .get("components")
            .and_then(|c| c.get(section))
            .and_then(|s| s.get(name));
        let Some(target) = target else {
            return Err(Error::at(
                site.at.as_str(),
                format!("`$ref: {reference}` points nowhere"),
            )
            .hint("add the component or fix the reference"));
        };
        todo.extend(refs::sites_in_component(section, name, target));
        seen.insert(key);
    }
    Ok(seen)
}
