//! References: which `$ref`s are references, what each points at, and a `$ref` to any place in
//! the document turned into a reference to a component, so that after this pass the one
//! resolver of `vocabulary` (component references only) follows every reference there is.
//!
//! The document is walked by its structure, so a `$ref` key inside an example, a default, an
//! `enum` or an `x-` extension is data, never a reference. A reference to a place outside
//! `#/components/{section}/{name}` (`#/components/schemas/Video/properties/id`,
//! `#/paths/~1users/get/responses/200`) is resolved by [`hoist`]: the target moves into a
//! component named after its place, its place refers to that component, and so does every
//! reference to it. Path item references are replaced by the path item they point at.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::error::{Error, Pointer, Result};
use crate::vocabulary::{Kind, Method, mapping_target, ref_segments as segments};

/// What a place in the document holds, as far as references care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Paths,
    PathItem,
    Operation,
    Parameters,
    Parameter,
    Header,
    Headers,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Components,
    /// A components section: a map of things of one kind.
    Section(Kind),
    Schema,
    /// `properties`, `definitions`, `$defs`…: a map of schemas.
    Schemas,
    /// `allOf`: a list of schemas merged into their parent (a part is not named).
    Parts,
    /// `anyOf`, `oneOf`, `prefixItems`, an `items` list: a list of schemas.
    Alternatives,
    Discriminator,
    /// A discriminator's `mapping`: its values are references to schemas.
    Mapping,
    /// Anything else: examples, defaults, enums, extensions, prose. Never a reference.
    Data,
}

impl Kind {
    fn place(self) -> Place {
        match self {
            Kind::Schema => Place::Schema,
            Kind::Parameter => Place::Parameter,
            Kind::Header => Place::Header,
            Kind::RequestBody => Place::RequestBody,
            Kind::Response => Place::Response,
            Kind::PathItem => Place::PathItem,
        }
    }
}

impl Place {
    /// What a reference found here points at, if a `$ref` here is a reference.
    fn kind(self) -> Option<Kind> {
        Some(match self {
            Place::Schema => Kind::Schema,
            Place::Parameter => Kind::Parameter,
            Place::Header => Kind::Header,
            Place::RequestBody => Kind::RequestBody,
            Place::Response => Kind::Response,
            Place::PathItem => Kind::PathItem,
            _ => return None,
        })
    }

    /// The place of a child: by key in an object, by index in an array.
    fn child(self, key: Step<'_>) -> Place {
        use Place::*;
        let Step::Key(key) = key else {
            return match self {
                Parameters => Parameter,
                Parts | Alternatives | Schema => Schema,
                _ => Data,
            };
        };
        match (self, key) {
            // Extensions are data, except where keys are names (properties, components,
            // headers such as `x-request-id`).
            (_, k) if k.starts_with("x-") && !matches!(self, Schemas | Section(_) | Headers) => {
                Data
            }
            (Root, "paths") => Paths,
            (Root, "components") => Components,
            (Paths, _) => PathItem,
            (PathItem, "parameters") | (Operation, "parameters") => Parameters,
            (PathItem, method) if Method::from_key(method).is_some() => Operation,
            (Operation, "requestBody") => RequestBody,
            (Operation, "responses") => Responses,
            (Parameter | Header, "schema") | (MediaType, "schema") => Schema,
            (Parameter | Header | RequestBody | Response, "content") => Content,
            (Response, "headers") => Headers,
            (Headers, _) => Header,
            (Responses, _) => Response,
            (Content, _) => MediaType,
            (Components, section) => match Kind::of_section(section) {
                Some(kind) => Section(kind),
                None => Data,
            },
            (Section(kind), _) => kind.place(),
            (
                Schema,
                "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas",
            ) => Schemas,
            (
                Schema,
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "propertyNames"
                | "additionalItems"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "if"
                | "then"
                | "else"
                | "contentSchema",
            ) => Schema,
            (Schema, "allOf") => Parts,
            (Schema, "anyOf" | "oneOf" | "prefixItems") => Alternatives,
            (Schema, "discriminator") => Discriminator,
            (Discriminator, "mapping") => Mapping,
            (Schemas, _) => Schema,
            _ => Data,
        }
    }
}

#[derive(Clone, Copy)]
enum Step<'k> {
    Key(&'k str),
    Index(usize),
}

/// A reference where it was found: the place of its `$ref` (or mapping value) and its text.
#[derive(Debug, Clone)]
pub struct Site {
    pub at: Pointer,
    pub reference: String,
    pub kind: Kind,
}

/// Every reference in `value`, which sits at `at` and holds a `place` of the document (for the
/// document itself, the root).
fn sites(value: &Value, place: Place, at: &Pointer, out: &mut Vec<Site>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_at = at.join(key);
                if key == "$ref" {
                    if let (Some(kind), Value::String(reference)) = (place.kind(), child) {
                        out.push(Site {
                            at: child_at,
                            reference: reference.clone(),
                            kind,
                        });
                    }
                    continue;
                }
                let child_place = place.child(Step::Key(key));
                if child_place == Place::Mapping {
                    for (tag, target) in child.as_object().into_iter().flatten() {
                        if let Value::String(target) = target {
                            out.push(Site {
                                at: child_at.join(tag),
                                reference: mapping_target(target),
                                kind: Kind::Schema,
                            });
                        }
                    }
                } else if child_place != Place::Data {
                    sites(child, child_place, &child_at, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let child_place = place.child(Step::Index(i));
                if child_place != Place::Data {
                    sites(child, child_place, &at.join(i), out);
                }
            }
        }
        _ => {}
    }
}

/// Every reference in a `paths` object.
pub fn sites_in_paths(paths: &Value) -> Vec<Site> {
    let mut out = Vec::new();
    sites(
        paths,
        Place::Paths,
        &Pointer::root().join("paths"),
        &mut out,
    );
    out
}

/// Every reference in the component `#/components/{section}/{name}`.
pub fn sites_in_component(section: &str, name: &str, value: &Value) -> Vec<Site> {
    let mut out = Vec::new();
    let place = match Kind::of_section(section) {
        Some(kind) => kind.place(),
        None => return out,
    };
    let at = Pointer::root().join("components").join(section).join(name);
    sites(value, place, &at, &mut out);
    out
}

/// What the value at `segments` is, walking from the root, and the words that name its place.
fn resolve<'d>(doc: &'d Value, segments: &[String]) -> Option<(&'d Value, Place, Vec<String>)> {
    let mut value = doc;
    let mut place = Place::Root;
    let mut words: Vec<String> = Vec::new();
    for segment in segments {
        let (child, step) = match value {
            Value::Object(map) => (map.get(segment)?, Step::Key(segment)),
            Value::Array(items) => {
                let index: usize = segment.parse().ok()?;
                (items.get(index)?, Step::Index(index))
            }
            _ => return None,
        };
        let child_place = place.child(step);
        name_words(place, step, child, &mut words);
        value = child;
        place = child_place;
    }
    Some((value, place, words))
}

/// The words a step adds to the name of a place: schema and property names, operation ids,
/// `Body`, `Response`, `Item`…; structure (`properties`, `content`, media types) adds none.
fn name_words(place: Place, step: Step<'_>, child: &Value, words: &mut Vec<String>) {
    use Place::*;
    let word = match (place, step) {
        (Paths, Step::Key(path)) => Some(path.to_owned()),
        (PathItem, Step::Key(method)) if Method::from_key(method).is_some() => {
            match child.get("operationId").and_then(Value::as_str) {
                Some(id) => {
                    words.clear();
                    Some(id.to_owned())
                }
                None => {
                    words.insert(0, method.to_owned());
                    None
                }
            }
        }
        (Operation, Step::Key("requestBody")) => Some("Body".to_owned()),
        // As lowering names inline types: `…Response` for a success, `…Error404` otherwise.
        (Responses, Step::Key(code)) if code.starts_with('2') => Some("Response".to_owned()),
        (Responses, Step::Key(code)) => Some(format!("Error{code}")),
        (Parameters, Step::Index(i)) => Some(
            child
                .get("name")
                .and_then(Value::as_str)
                .map_or_else(|| format!("Parameter{i}"), str::to_owned),
        ),
        (Headers | Schemas | Section(_), Step::Key(name)) => Some(name.to_owned()),
        (Schema, Step::Key("items")) => Some("Item".to_owned()),
        (Schema, Step::Key("additionalProperties")) => Some("Value".to_owned()),
        (Alternatives, Step::Index(i)) => Some(format!("Variant{}", i + 1)),
        _ => None,
    };
    // Component names keep to `[A-Za-z0-9._-]`: other runs of characters become one `_`.
    if let Some(word) = word {
        let clean: Vec<&str> = word
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .filter(|part| !part.is_empty())
            .collect();
        if !clean.is_empty() {
            words.push(clean.join("_"));
        }
    }
}

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
                    error.pointer = format!("{original}{rest}");
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

/// What a reference that the passes cannot use points at, for their error message.
pub fn describe_target(doc: &Value, reference: &str, wanted: Kind) -> String {
    let Some(segments) = segments(reference) else {
        return format!("`$ref: {reference}` is not a local reference");
    };
    match resolve(doc, &segments) {
        None => format!("`$ref: {reference}` points nowhere"),
        Some((_, place, _)) => match place.kind() {
            Some(kind) if kind != wanted => format!(
                "`$ref: {reference}` points to {}, where {} belongs",
                kind.noun(),
                wanted.noun()
            ),
            Some(_) => format!("`$ref: {reference}` does not name a component"),
            None => format!(
                "`$ref: {reference}` points to something that is not {}",
                wanted.noun()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_read_by_structure() {
        let doc = json!({"paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {
            "content": {"application/json": {"schema": {"properties": {"x-b": {"items": {}}}},
            "example": {"$ref": "#/nowhere"}}}}}}}}});
        let path = |text: &str| segments(text).expect("local");
        let (_, place, words) =
            resolve(&doc, &path("#/paths/~1a/get/responses/200/content/application~1json/schema/properties/x-b/items"))
                .expect("there");
        assert_eq!(
            place,
            Place::Schema,
            "`x-b` is a property here, not an extension"
        );
        assert_eq!(words, ["getA", "Response", "x-b", "Item"]);
        let (_, place, _) = resolve(
            &doc,
            &path("#/paths/~1a/get/responses/200/content/application~1json/example"),
        )
        .expect("there");
        assert_eq!(place, Place::Data);
        let mut found = Vec::new();
        sites(&doc, Place::Root, &Pointer::root(), &mut found);
        assert!(
            found.is_empty(),
            "a `$ref` in an example is data: {found:?}"
        );
    }
}
