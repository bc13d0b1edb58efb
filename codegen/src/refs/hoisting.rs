//! Hoisting: a reference to a place outside `#/components/{section}/{name}` becomes a reference
//! to a component named after that place, which the target moves into; path item references
//! are replaced by the path item, and component references are spelled one way.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::{Place, Step, resolve, sites};
use crate::error::{Error, Pointer, Result};
use crate::vocabulary::{Kind, mapping_target, ref_segments as segments};

/// Where hoisted targets were, so that an error in one names its place in the document.
#[derive(Debug, Clone, Default)]
pub struct Moves {
    /// `(component pointer, original pointer)`, in the order they moved.
    moves: Vec<(String, String)>,
}

impl Moves {
    /// `error` with its pointer moved back from a hoisted component to where the text is.
    pub fn relocate(&self, mut error: Error) -> Error {
        for (component, original) in self.moves.iter().rev() {
            if let Some(rest) = error.pointer.strip_prefix(component.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    error.pointer = format!("{original}{rest}").into();
                }
            }
        }
        error
    }
}

/// Makes every reference point at a component: targets elsewhere are hoisted into components
/// named after their place, path item references are replaced by what they point at, and every
/// component reference is written in one spelling (`~1`, not `%2F` or `%7B`). References that
/// cannot be resolved are left for the later passes, which refuse them only if they are used.
pub fn hoist(doc: &mut Value) -> Result<Moves> {
    let mut moves = Moves::default();
    inline_path_items(doc)?;
    let mut all = Vec::new();
    sites(doc, Place::Root, &Pointer::root(), &mut all);
    // Each target outside the components once, with the kind the sites need.
    let mut targets: BTreeMap<Vec<String>, Kind> = BTreeMap::new();
    let mut canonical: BTreeMap<String, String> = BTreeMap::new();
    for site in &all {
        let Some(segments) = segments(&site.reference) else {
            continue;
        };
        let Some((_, place, _)) = resolve(doc, &segments) else {
            continue;
        };
        if place.kind() != Some(site.kind) {
            continue;
        }
        if is_component(&segments) {
            let spelled = component_ref(&segments[1], &segments[2]);
            if spelled != site.reference {
                canonical.insert(site.reference.clone(), spelled);
            }
        } else {
            targets.insert(segments, site.kind);
        }
    }
    // Deepest first: a target inside another moves out before the outer one is copied.
    let mut order: Vec<(&Vec<String>, &Kind)> = targets.iter().collect();
    order.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(b.0)));
    let mut taken: BTreeSet<(String, String)> = BTreeSet::new();
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (section, entries) in components {
            for name in entries.as_object().into_iter().flatten().map(|(n, _)| n) {
                taken.insert((section.clone(), name.clone()));
            }
        }
    }
    let mut moved: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for (segments, kind) in order {
        let Some((value, _, words)) = resolve(doc, segments) else {
            continue;
        };
        let value = value.clone();
        let section = kind.section();
        let name = free_name(&words, section, &mut taken);
        let reference = component_ref(section, &name);
        let Some(slot) = pointer_mut(doc, segments) else {
            continue;
        };
        *slot = json!({ "$ref": reference });
        let components = doc
            .as_object_mut()
            .ok_or_else(|| Error::at("#", "the document is not an object"))?
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else {
            return Err(Error::at("#/components", "`components` must be an object"));
        };
        let entries = components
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(entries) = entries.as_object_mut() else {
            return Err(Error::at(
                Pointer::root().join("components").join(section).as_str(),
                format!("`components/{section}` must be an object"),
            ));
        };
        entries.insert(name, value);
        let original = segments
            .iter()
            .fold(Pointer::root(), |pointer, segment| pointer.join(segment));
        moves.moves.push((reference.clone(), original.into()));
        moved.insert(segments.clone(), reference);
    }
    if moved.is_empty() && canonical.is_empty() {
        return Ok(moves);
    }
    rewrite(doc, Place::Root, &moved, &canonical);
    Ok(moves)
}

fn is_component(segments: &[String]) -> bool {
    segments.len() == 3 && segments[0] == "components"
}

fn component_ref(section: &str, name: &str) -> String {
    Pointer::root()
        .join("components")
        .join(section)
        .join(name)
        .into()
}

/// A component name for `words` not yet taken in `section`: the words joined by `_`, which
/// naming turns into `VideoId`, `GetVideoResponse`, `ListUsersResponseUsersItem`.
fn free_name(words: &[String], section: &str, taken: &mut BTreeSet<(String, String)>) -> String {
    let base = if words.is_empty() {
        "Hoisted".to_owned()
    } else {
        words.join("_")
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&(section.to_owned(), name.clone())) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert((section.to_owned(), name.clone()));
    name
}

fn pointer_mut<'d>(doc: &'d mut Value, segments: &[String]) -> Option<&'d mut Value> {
    let mut value = doc;
    for segment in segments {
        value = match value {
            Value::Object(map) => map.get_mut(segment)?,
            Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Points every reference to a moved target at its component, and spells component
/// references one way.
fn rewrite(
    value: &mut Value,
    place: Place,
    moved: &BTreeMap<Vec<String>, String>,
    canonical: &BTreeMap<String, String>,
) {
    let new_reference = |reference: &str| -> Option<String> {
        if let Some(spelled) = canonical.get(reference) {
            return Some(spelled.clone());
        }
        moved.get(&segments(reference)?).cloned()
    };
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" {
                    let new = match child {
                        Value::String(reference) if place.kind().is_some() => {
                            new_reference(reference)
                        }
                        _ => None,
                    };
                    if let Some(new) = new {
                        *child = Value::String(new);
                    }
                    continue;
                }
                let child_place = place.child(Step::Key(key));
                if child_place == Place::Mapping {
                    if let Value::Object(mapping) = child {
                        for target in mapping.values_mut() {
                            let new = target
                                .as_str()
                                .and_then(|t| new_reference(&mapping_target(t)));
                            if let Some(new) = new {
                                *target = Value::String(new);
                            }
                        }
                    }
                } else if child_place != Place::Data {
                    rewrite(child, child_place, moved, canonical);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let child_place = place.child(Step::Index(i));
                if child_place != Place::Data {
                    rewrite(child, child_place, moved, canonical);
                }
            }
        }
        _ => {}
    }
}

/// A path item that is a `$ref` becomes the path item it points at (its own keys win), since
/// the passes read operations only from the paths themselves.
fn inline_path_items(doc: &mut Value) -> Result<()> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    let mut replacements = Vec::new();
    for (path, item) in paths {
        let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
            continue;
        };
        let at = Pointer::root().join("paths").join(path).join("$ref");
        let mut target = reference.to_owned();
        // A chain of path item references, bounded.
        let mut resolved = None;
        for _ in 0..16 {
            let Some(segments) = segments(&target) else {
                break;
            };
            let Some((value, place, _)) = resolve(doc, &segments) else {
                break;
            };
            if place != Place::PathItem {
                return Err(Error::at(
                    at.as_str(),
                    format!("`$ref: {reference}` does not point to a path item"),
                ));
            }
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => target = next.to_owned(),
                None => {
                    resolved = Some(value.clone());
                    break;
                }
            }
        }
        let Some(Value::Object(mut merged)) = resolved else {
            return Err(Error::at(
                at.as_str(),
                format!("`$ref: {reference}` points nowhere (or in a cycle)"),
            )
            .hint("point it at a path item in this document"));
        };
        for (key, value) in item.as_object().into_iter().flatten() {
            if key != "$ref" {
                merged.insert(key.clone(), value.clone());
            }
        }
        replacements.push((path.clone(), Value::Object(merged)));
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in replacements {
            paths.insert(path, item);
        }
    }
    Ok(())
}
