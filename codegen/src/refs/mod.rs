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

use serde_json::Value;

use crate::error::Pointer;
use crate::vocabulary::{Kind, Method, mapping_target, ref_segments as segments};

mod hoisting;

pub use hoisting::{Moves, hoist};

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
    use serde_json::json;

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
