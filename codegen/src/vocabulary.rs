//! The OpenAPI document's own words, defined once for every pass: its HTTP methods, the
//! extensions this generator writes into it, and how a local `$ref` finds what it names.

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

/// A kind of object that `#/components` holds and a `$ref` may name.
pub trait Component: Sized {
    /// The section of `#/components`: `schemas`.
    const SECTION: &'static str;
    /// What one is called in messages: `schema`.
    const WHAT: &'static str;
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Schema {
    const SECTION: &'static str = "schemas";
    const WHAT: &'static str = "schema";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }
}

impl Component for Parameter {
    const SECTION: &'static str = "parameters";
    const WHAT: &'static str = "parameter";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const SECTION: &'static str = "requestBodies";
    const WHAT: &'static str = "request body";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const SECTION: &'static str = "responses";
    const WHAT: &'static str = "response";
    fn section(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// How many `$ref`s in a row are followed before a chain counts as a cycle.
const MAX_REF_CHAIN: usize = 64;

/// The component name a `$ref` to a `T` names, unescaped (`#/components/schemas/a~1b` → `a/b`).
pub fn component_name<T: Component>(reference: &str, at: &Pointer) -> Result<String> {
    let prefix = format!("#/components/{}/", T::SECTION);
    let name = reference.strip_prefix(&prefix).ok_or_else(|| {
        Error::at(
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
        ))
    })?;
    Ok(name.replace("~1", "/").replace("~0", "~"))
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
