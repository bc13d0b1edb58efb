//! Reads the normalised document into `openapiv3`'s types, and, when it does not read, finds
//! the place that fails.
//!
//! `openapiv3` reads `$ref`-or-object and schema kinds through untagged enums, which keep no
//! path below them: a `pattern: 0` deep in a schema is reported at the component that holds
//! it. So after a failure the place is narrowed down: into the subschema that does not read,
//! then to the keyword without which the object reads.

use openapiv3::{
    Header, OpenAPI, Operation, Parameter, PathItem, Paths, ReferenceOr, RequestBody, Response,
    Schema,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Pointer, Result};
use crate::vocabulary::Method;

/// The normalised document as `openapiv3` reads it. Its errors name the place `openapiv3`
/// tracked; [`narrow`] (with the document again, which reading consumes) finds the failing one.
pub(crate) fn read(doc: Value) -> Result<OpenAPI> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        Error::at(
            Pointer::of_serde_path(e.path()).to_string(),
            format!("not a valid OpenAPI object: {}", e.inner()),
        )
    })
}

/// What `openapiv3` reads at a place, told by the place's segments.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    Schema,
}

impl Shape {
    fn at(segments: &[String]) -> Shape {
        let parent = segments.len().checked_sub(2).map(|i| segments[i].as_str());
        match (segments.len(), segments.first().map(String::as_str), parent) {
            (1, Some("paths"), _) => Shape::Paths,
            (2, Some("paths"), _) => Shape::PathItem,
            (3, Some("paths"), _) => Shape::Operation,
            (_, _, Some("parameters")) => Shape::Parameter,
            (_, _, Some("responses")) => Shape::Response,
            (_, _, Some("requestBodies")) => Shape::RequestBody,
            (_, _, Some("headers")) => Shape::Header,
            _ if segments.last().is_some_and(|s| s == "requestBody") => Shape::RequestBody,
            _ => Shape::Schema,
        }
    }

    fn reads(self, value: &Value) -> bool {
        fn reads_as<T: DeserializeOwned>(value: &Value) -> bool {
            T::deserialize(value).is_ok()
        }
        match self {
            Shape::Paths => reads_as::<Paths>(value),
            Shape::PathItem => reads_as::<ReferenceOr<PathItem>>(value),
            Shape::Operation => reads_as::<Operation>(value),
            Shape::Parameter => reads_as::<ReferenceOr<Parameter>>(value),
            Shape::RequestBody => reads_as::<ReferenceOr<RequestBody>>(value),
            Shape::Response => reads_as::<ReferenceOr<Response>>(value),
            Shape::Header => reads_as::<ReferenceOr<Header>>(value),
            Shape::Schema => reads_as::<ReferenceOr<Schema>>(value),
        }
    }

    /// The places below a value of this shape that `openapiv3` reads as a shape of their own.
    fn children(self, value: &Value) -> Vec<(Vec<String>, Shape, &Value)> {
        let Some(object) = value.as_object() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut each = |keyword: &str, shape: Shape| match object.get(keyword) {
            Some(Value::Object(map)) => out.extend(
                map.iter()
                    .map(|(k, v)| (vec![keyword.to_owned(), k.clone()], shape, v)),
            ),
            Some(Value::Array(list)) => out.extend(
                list.iter()
                    .enumerate()
                    .map(|(i, v)| (vec![keyword.to_owned(), i.to_string()], shape, v)),
            ),
            _ => {}
        };
        match self {
            Shape::Paths => {
                return object
                    .iter()
                    .map(|(k, v)| (vec![k.clone()], Shape::PathItem, v))
                    .collect();
            }
            Shape::PathItem => each("parameters", Shape::Parameter),
            Shape::Operation => {
                each("parameters", Shape::Parameter);
                each("responses", Shape::Response);
            }
            Shape::Response => each("headers", Shape::Header),
            Shape::Schema => {
                for keyword in SCHEMA_LISTS {
                    each(keyword, Shape::Schema);
                }
            }
            Shape::Parameter | Shape::RequestBody | Shape::Header => {}
        }
        match self {
            Shape::PathItem => {
                for (key, child) in object {
                    if Method::from_key(key).is_some() {
                        out.push((vec![key.clone()], Shape::Operation, child));
                    }
                }
            }
            Shape::Operation => {
                if let Some(body) = object.get("requestBody") {
                    out.push((vec!["requestBody".to_owned()], Shape::RequestBody, body));
                }
            }
            Shape::Parameter | Shape::Header => {
                if let Some(schema) = object.get("schema") {
                    out.push((vec!["schema".to_owned()], Shape::Schema, schema));
                }
            }
            Shape::Schema => {
                for keyword in SCHEMA_KEYWORDS {
                    if let Some(child) = object.get(keyword).filter(|c| c.is_object()) {
                        out.push((vec![keyword.to_owned()], Shape::Schema, child));
                    }
                }
            }
            _ => {}
        }
        if let Some(Value::Object(content)) = object.get("content") {
            for (media, entry) in content {
                if let Some(schema) = entry.get("schema") {
                    let at = vec!["content".to_owned(), media.clone(), "schema".to_owned()];
                    out.push((at, Shape::Schema, schema));
                }
            }
        }
        out
    }
}

/// Keywords whose values are schemas, and those whose values hold schemas by name or index.
const SCHEMA_KEYWORDS: [&str; 3] = ["items", "additionalProperties", "not"];
const SCHEMA_LISTS: [&str; 4] = ["properties", "allOf", "anyOf", "oneOf"];

/// The deepest place at or below `at` that does not read, down to the keyword without which
/// it reads. Only runs after a failure, so its cost (reading subtrees again) is paid on bad
/// documents alone.
pub(crate) fn narrow(doc: &Value, at: Pointer) -> Pointer {
    let Some(segments) = Pointer::segments_of_ref(at.as_str()) else {
        return at;
    };
    let path: String = segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect();
    let Some(mut node) = doc.pointer(&path) else {
        return at;
    };
    let mut shape = Shape::at(&segments);
    if shape.reads(node) {
        return at;
    }
    let mut at = at;
    'down: loop {
        for (below, child_shape, child) in shape.children(node) {
            if !child_shape.reads(child) {
                at = below.into_iter().fold(at, |at, segment| at.join(segment));
                (shape, node) = (child_shape, child);
                continue 'down;
            }
        }
        break;
    }
    match failing_key(shape, node) {
        Some(key) => at.join(key),
        None => at,
    }
}

/// The one key of an object without which it reads, if there is one.
fn failing_key(shape: Shape, node: &Value) -> Option<String> {
    let object = node.as_object()?;
    object.keys().find_map(|key| {
        let mut without = object.clone();
        without.remove(key);
        shape.reads(&Value::Object(without)).then(|| key.clone())
    })
}
