//! The OpenAPI document's own words, defined once for every pass: its HTTP methods, the
//! extensions this generator writes into it, the kinds of things a `$ref` names, how its text
//! reads, and the one resolver that follows component references (after `refs` has made
//! every reference one).

use indexmap::IndexMap;
use openapiv3::{
    Components, OpenAPI, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
    SchemaData,
};
use serde_json::Value;

use crate::error::{Error, Pointer, Result};

/// An operation's HTTP method: the keys of a path item that hold operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in the order the OpenAPI specification lists a path item's fields.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The path item key: `get`.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The method as HTTP writes it: `GET`.
    pub fn as_http(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// The method a path item key names, if it names one.
    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The path item's operation for this method.
    pub fn operation_of(self, item: &PathItem) -> Option<&openapiv3::Operation> {
        match self {
            Method::Get => item.get.as_ref(),
            Method::Put => item.put.as_ref(),
            Method::Post => item.post.as_ref(),
            Method::Delete => item.delete.as_ref(),
            Method::Options => item.options.as_ref(),
            Method::Head => item.head.as_ref(),
            Method::Patch => item.patch.as_ref(),
            Method::Trace => item.trace.as_ref(),
        }
    }
}

/// Marks a one-value `enum` that was a `const`: OpenAPI 3.0 (what `openapiv3` reads) has no
/// `const`, and a value that is fixed differs from one that is merely the only one allowed.
pub const X_CONST: &str = "x-const";

/// Whether normalising marked this schema with [`X_CONST`].
pub fn is_const(data: &SchemaData) -> bool {
    data.extensions.get(X_CONST) == Some(&Value::Bool(true))
}

/// Where component schemas live; `$ref`s to schemas start with it.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A discriminator mapping value is a `$ref` or, as OpenAPI allows, a bare schema name.
pub fn mapping_target(value: &str) -> String {
    if value.starts_with('#') {
        value.to_owned()
    } else {
        format!("{SCHEMA_PREFIX}{value}")
    }
}

/// What a reference may point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Schema,
    Parameter,
    Header,
    RequestBody,
    Response,
    PathItem,
}

impl Kind {
    /// The components section that holds things of this kind.
    pub const fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::PathItem => "pathItems",
        }
    }

    pub fn of_section(section: &str) -> Option<Kind> {
        Some(match section {
            "schemas" => Kind::Schema,
            "parameters" => Kind::Parameter,
            "headers" => Kind::Header,
            "requestBodies" => Kind::RequestBody,
            "responses" => Kind::Response,
            "pathItems" => Kind::PathItem,
            _ => return None,
        })
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Schema => "a schema",
            Kind::Parameter => "a parameter",
            Kind::Header => "a header",
            Kind::RequestBody => "a request body",
            Kind::Response => "a response",
            Kind::PathItem => "a path item",
        }
    }
}

/// The unescaped segments of a local reference (`#/a~1b/c` → `a/b`, `c`), percent-decoded as
/// a URI fragment is (`%7Bid%7D` → `{id}`): the one reading of a `$ref`'s text.
pub fn ref_segments(reference: &str) -> Option<Vec<String>> {
    let decoded = percent_decode(reference.strip_prefix('#')?)?;
    Pointer::segments_of_ref(&format!("#{decoded}"))
}

/// `%7B` → `{`; a `%` that starts no escape stays as it is.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A kind of object that `#/components` holds and a `$ref` may name.
pub trait Component: Sized {
    /// The section of `#/components`: `schemas`.
    const SECTION: &'static str;
    /// What one is called in messages: `schema`.
    const WHAT: &'static str;
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Schema {
    const SECTION: &'static str = Kind::Schema.section();
    const WHAT: &'static str = "schema";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }
}

impl Component for Parameter {
    const SECTION: &'static str = Kind::Parameter.section();
    const WHAT: &'static str = "parameter";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const SECTION: &'static str = Kind::RequestBody.section();
    const WHAT: &'static str = "request body";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const SECTION: &'static str = Kind::Response.section();
    const WHAT: &'static str = "response";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// How many `$ref`s in a row are followed before a chain counts as a cycle.
const MAX_REF_CHAIN: usize = 64;

/// The component name a `$ref` to a `T` names, unescaped (`#/components/schemas/a~1b` → `a/b`).
pub fn component_name<T: Component>(reference: &str, at: &Pointer) -> Result<String> {
    match ref_segments(reference).as_deref() {
        Some([components, section, name])
            if components == "components" && section == T::SECTION =>
        {
            Ok(name.clone())
        }
        _ => Err(Error::at(
            at.as_str(),
            format!(
                "`$ref: {reference}` does not point into #/components/{}",
                T::SECTION
            ),
        )
        .hint(format!(
            "a {} may only reference component {}",
            T::WHAT,
            plural(T::WHAT)
        ))),
    }
}

/// The entry of `#/components` a `$ref` to a `T` names (itself perhaps another `$ref`).
pub fn component<'a, T: Component>(
    spec: &'a OpenAPI,
    reference: &str,
    at: &Pointer,
) -> Result<&'a ReferenceOr<T>> {
    let name = component_name::<T>(reference, at)?;
    spec.components
        .as_ref()
        .and_then(|c| T::section(c).get(&name))
        .ok_or_else(|| {
            Error::at(at.as_str(), format!("`$ref: {reference}` points nowhere"))
                .hint(format!("add the {} or fix the reference", T::WHAT))
        })
}

/// What `item` is, following `$ref`s through `#/components` until one is not a reference.
pub fn resolve<'a, T: Component>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    at: &Pointer,
) -> Result<&'a T> {
    let mut current = item;
    for _ in 0..MAX_REF_CHAIN {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => current = component(spec, reference, at)?,
        }
    }
    Err(Error::at(
        at.as_str(),
        format!("`$ref` chain is longer than {MAX_REF_CHAIN} steps (a cycle of references?)"),
    ))
}

fn plural(what: &str) -> String {
    match what.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{what}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_percent_decoded_and_unescaped() {
        assert_eq!(
            ref_segments("#/paths/~1v1~1%7Bid%7D/get/responses/default"),
            Some(
                vec!["paths", "/v1/{id}", "get", "responses", "default"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        assert_eq!(
            ref_segments("#/components/schemas/100%"),
            Some(vec![
                "components".to_owned(),
                "schemas".to_owned(),
                "100%".to_owned()
            ])
        );
        assert_eq!(ref_segments("other.json#/a"), None);
    }
}
