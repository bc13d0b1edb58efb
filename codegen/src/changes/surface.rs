//! The API of one version as a Rust user compiles against it: every type, member and
//! operation of a model as one [`Item`], and the listing (`API.json`) that keeps it beside the
//! generated crate.

use serde::{Deserialize, Serialize};

use super::Impact;
use crate::emit::spelling::Spelling;
use crate::model::*;

/// A Rust type as the listings write it.
fn ty_name(model: &Model, ty: &Ty) -> String {
    Spelling::listing().ty(model, ty)
}

/// One item of the API as a user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum Item {
    /// The crate's package name and version: the listing's first line, recorded so that the
    /// next run bumps the version from it. Not part of what is compared.
    Crate { name: String, version: String },
    /// A type: `struct`, `enum`, `union by <tag>`, `union by shape`, or `alias of <type>`.
    /// `built` when requests carry it, so users build it; `non_exhaustive` when a `match` or
    /// a struct literal outside the crate cannot list all of it (absent in listings written
    /// before the attribute was generated, when no type had it).
    Type {
        name: String,
        kind: String,
        built: bool,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        non_exhaustive: bool,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deprecated: bool,
        /// The arm that holds what this client does not know, when it is not `Unknown` (a
        /// variant took the name).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unknown: Option<String>,
    },
    /// A struct field, with its Rust type (presence included) and wire name.
    Field {
        owner: String,
        name: String,
        ty: String,
        presence: String,
        wire: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deprecated: bool,
    },
    /// An associated constant of a `const` property.
    Const {
        owner: String,
        name: String,
        value: String,
        wire: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deprecated: bool,
    },
    /// A value of a string enum.
    Value {
        owner: String,
        name: String,
        wire: String,
    },
    /// A union variant and the tag that selects it.
    Variant {
        owner: String,
        name: String,
        ty: String,
        tag: Option<String>,
    },
    /// A read path a type has (`as_<variant>()`, `text()`) and what it gives back.
    Method {
        owner: String,
        name: String,
        returns: String,
    },
    /// An operation, by its `operationId`, with its route and the call that makes its builder
    /// (`conversations().create` → `CreateConversation`).
    Operation {
        id: String,
        route: String,
        call: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deprecated: bool,
    },
    /// A parameter of an operation.
    Param {
        operation: String,
        name: String,
        ty: String,
        required: bool,
        location: String,
        wire: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deprecated: bool,
    },
    /// The request body of an operation (`Bytes` when sent as given), and its media type
    /// when it is not `application/json`.
    Body {
        operation: String,
        ty: String,
        required: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media: Option<String>,
    },
    /// How an operation answers: `send` (JSON, or `()`), `stream` (events), `into_stream`
    /// (every item of every page); `sets` the body's stream switch the call sets first.
    Answer {
        operation: String,
        kind: String,
        ty: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sets: Option<String>,
    },
    /// A server, as the constant that names its URL.
    Server { constant: String, url: String },
    /// A security scheme: the `ClientBuilder` setter that sets its credential, how it is sent
    /// and the environment variable `from_env` reads it from.
    Credential {
        scheme: String,
        setter: String,
        sent: String,
        env: String,
    },
    /// What an operation sends to prove who calls: its alternatives, each of schemes sent
    /// together (`bearerAuth | apiKey + appId`, `none`).
    Security { operation: String, requires: String },
    /// The servers an operation's description names for it instead of the document's.
    Servers { operation: String, urls: String },
}

impl Item {
    /// The key of the item this one belongs to (a field's type, a parameter's operation).
    pub fn owner_key(&self) -> Option<String> {
        match self {
            Item::Crate { .. }
            | Item::Type { .. }
            | Item::Operation { .. }
            | Item::Server { .. }
            | Item::Credential { .. } => None,
            Item::Security { operation, .. } | Item::Servers { operation, .. } => {
                Some(format!("operation {operation}"))
            }
            Item::Field { owner, .. }
            | Item::Const { owner, .. }
            | Item::Value { owner, .. }
            | Item::Variant { owner, .. }
            | Item::Method { owner, .. } => Some(format!("type {owner}")),
            Item::Param { operation, .. }
            | Item::Body { operation, .. }
            | Item::Answer { operation, .. } => Some(format!("operation {operation}")),
        }
    }

    /// What identifies the item from one version to the next.
    pub fn key(&self) -> String {
        match self {
            Item::Crate { .. } => "crate".to_owned(),
            Item::Type { name, .. } => format!("type {name}"),
            Item::Field { owner, name, .. } => format!("field {owner}.{name}"),
            Item::Const { owner, name, .. } => format!("const {owner}::{name}"),
            Item::Value { owner, name, .. } => format!("value {owner}::{name}"),
            Item::Variant { owner, name, .. } => format!("variant {owner}::{name}"),
            Item::Method { owner, name, .. } => format!("method {owner}::{name}"),
            Item::Operation { id, .. } => format!("operation {id}"),
            Item::Param {
                operation, name, ..
            } => format!("param {operation}({name})"),
            Item::Body { operation, .. } => format!("body {operation}"),
            Item::Answer {
                operation, kind, ..
            } => format!("answer {operation}.{kind}"),
            Item::Server { constant, .. } => format!("server {constant}"),
            Item::Credential { scheme, .. } => format!("credential {scheme}"),
            Item::Security { operation, .. } => format!("security {operation}"),
            Item::Servers { operation, .. } => format!("servers {operation}"),
        }
    }

    /// The item's own name: a type's, a member's, an operation's `operationId`.
    pub(super) fn name(&self) -> &str {
        match self {
            Item::Crate { name, .. }
            | Item::Type { name, .. }
            | Item::Field { name, .. }
            | Item::Const { name, .. }
            | Item::Value { name, .. }
            | Item::Variant { name, .. }
            | Item::Method { name, .. }
            | Item::Param { name, .. } => name,
            Item::Operation { id, .. } => id,
            Item::Body { .. } => "body",
            Item::Answer { kind, .. } => kind,
            Item::Server { constant, .. } => constant,
            Item::Credential { scheme, .. } => scheme,
            Item::Security { .. } => "security",
            Item::Servers { .. } => "servers",
        }
    }

    /// What identifies a member within the item it belongs to: its key without the owner.
    pub(super) fn key_in_owner(&self) -> String {
        let kind = self.key().split(' ').next().unwrap_or_default().to_owned();
        format!("{kind} {}", self.name())
    }

    /// How a reviewer reads the item's name.
    pub(super) fn subject(&self) -> String {
        match self {
            Item::Crate { name, .. } => format!("crate `{name}`"),
            Item::Type { name, kind, .. } => format!("{} `{name}`", kind_word(kind)),
            Item::Field { owner, name, .. } => format!("field `{owner}.{name}`"),
            Item::Const { owner, name, .. } => format!("constant `{owner}::{name}`"),
            Item::Value { owner, name, wire } => format!("enum value `{owner}::{name}` (`{wire}`)"),
            Item::Variant { owner, name, .. } => format!("variant `{owner}::{name}`"),
            Item::Method { owner, name, .. } => format!("method `{owner}::{name}()`"),
            Item::Operation { id, .. } => format!("operation `{id}`"),
            Item::Param {
                operation,
                name,
                location,
                ..
            } => format!("{location} parameter `{name}` of `{operation}`"),
            Item::Body { operation, .. } => format!("body of `{operation}`"),
            Item::Answer {
                operation, kind, ..
            } => format!("`{kind}()` of `{operation}`"),
            Item::Server { constant, .. } => format!("server constant `{constant}`"),
            Item::Credential { scheme, setter, .. } => {
                format!("credential `{scheme}` (`ClientBuilder::{setter}`)")
            }
            Item::Security { operation, .. } => format!("security of `{operation}`"),
            Item::Servers { operation, .. } => format!("servers of `{operation}`"),
        }
    }

    /// The item's shape, as the report prints it after "added" or "removed".
    pub(super) fn shape(&self) -> String {
        match self {
            Item::Crate { version, .. } => version.clone(),
            Item::Type { kind, .. } => kind
                .split_once(' ')
                .map(|(_, rest)| rest.to_owned())
                .unwrap_or_default(),
            Item::Field { ty, wire, .. } => format!("{ty} (`{wire}`)"),
            Item::Const { value, .. } => value.clone(),
            Item::Value { .. } => String::new(),
            Item::Variant { ty, tag, .. } => match tag {
                Some(tag) => format!("{ty}, tag `{tag}`"),
                None => ty.clone(),
            },
            Item::Method { returns, .. } => format!("→ {returns}"),
            Item::Operation { route, call, .. } => format!("{route}, {call}"),
            Item::Param { ty, required, .. } | Item::Body { ty, required, .. } => {
                format!("{ty}, {}", need(*required))
            }
            Item::Answer { ty, .. } => ty.clone(),
            Item::Server { url, .. } => url.clone(),
            Item::Credential { sent, env, .. } => format!("{sent}, from `{env}`"),
            Item::Security { requires, .. } => requires.clone(),
            Item::Servers { urls, .. } => urls.clone(),
        }
    }
    /// What a reviewer compares between two versions of the item, in the order the report
    /// names it: a label, the value and what a change of it does to users. A type whose
    /// `built` alone changed has not changed its API, so `built` is not among them.
    pub(super) fn facets(&self) -> Vec<Facet> {
        match self {
            Item::Crate { .. } => Vec::new(),
            Item::Type {
                kind,
                non_exhaustive,
                deprecated,
                unknown,
                ..
            } => vec![
                Facet::breaking("was", kind),
                Facet::breaking(
                    "`#[non_exhaustive]`",
                    if *non_exhaustive { "yes" } else { "no" },
                )
                .except_to("no", Impact::Additive),
                Facet::breaking("unknown arm", unknown_arm(unknown)),
                deprecated_facet(*deprecated),
            ],
            // A presence that changes the type is reported as the type's change.
            Item::Field {
                ty,
                presence,
                wire,
                deprecated,
                ..
            } => vec![
                Facet::breaking("type", ty),
                Facet::compatible("presence", presence).unless_previous_changed(),
                Facet::compatible("wire name", wire),
                deprecated_facet(*deprecated),
            ],
            // A new value of the same type compiles as before: code names the constant.
            Item::Const {
                value,
                wire,
                deprecated,
                ..
            } => vec![
                Facet::breaking("type", json_type(value)),
                Facet::compatible("value", value).unless_previous_changed(),
                Facet::compatible("wire name", wire),
                deprecated_facet(*deprecated),
            ],
            Item::Value { wire, .. } => vec![Facet::compatible("wire value", wire)],
            Item::Variant { ty, tag, .. } => vec![
                Facet::breaking("type", ty),
                Facet::compatible("tag", tag.as_deref().unwrap_or("none")),
            ],
            Item::Method { returns, .. } => vec![Facet::breaking("returns", returns)],
            Item::Operation {
                route,
                call,
                deprecated,
                ..
            } => vec![
                Facet::breaking("call", call),
                Facet::compatible("route", route),
                deprecated_facet(*deprecated),
            ],
            Item::Param {
                ty,
                required,
                location,
                wire,
                deprecated,
                ..
            } => vec![
                Facet::breaking("type", ty),
                Facet::breaking("now", need(*required)),
                Facet::compatible("sent as", &format!("{location} `{wire}`")),
                deprecated_facet(*deprecated),
            ],
            Item::Body {
                ty,
                required,
                media,
                ..
            } => vec![
                Facet::breaking("type", ty),
                Facet::breaking("now", need(*required)),
                Facet::compatible("sent as", media.as_deref().unwrap_or("application/json")),
            ],
            Item::Answer { ty, sets, .. } => vec![
                Facet::breaking("type", ty),
                Facet::compatible("sets first", sets.as_deref().unwrap_or("nothing")),
            ],
            Item::Server { url, .. } => vec![Facet::compatible("URL", url)],
            Item::Credential {
                setter, sent, env, ..
            } => vec![
                Facet::breaking("setter", setter),
                Facet::compatible("sent as", sent),
                Facet::compatible("variable", env),
            ],
            Item::Security { requires, .. } => vec![Facet::compatible("requires", requires)],
            Item::Servers { urls, .. } => vec![Facet::compatible("servers", urls)],
        }
    }
}

/// One compared part of an item (see [`Item::facets`]).
pub(super) struct Facet {
    pub label: &'static str,
    pub value: String,
    pub impact: Impact,
    /// Reported only when the facet before it did not change.
    pub unless_previous_changed: bool,
    /// A change to this value has this impact instead (a type that stops being
    /// `#[non_exhaustive]` breaks nothing).
    pub except_to: Option<(&'static str, Impact)>,
}

impl Facet {
    fn breaking(label: &'static str, value: &str) -> Facet {
        Facet {
            label,
            value: value.to_owned(),
            impact: Impact::Breaking,
            unless_previous_changed: false,
            except_to: None,
        }
    }

    fn except_to(self, value: &'static str, impact: Impact) -> Facet {
        Facet {
            except_to: Some((value, impact)),
            ..self
        }
    }

    /// The impact of changing this facet to `after`'s value.
    pub fn impact_of(&self, after: &Facet) -> Impact {
        match self.except_to {
            Some((value, impact)) if after.value == value => impact,
            _ => self.impact,
        }
    }

    fn compatible(label: &'static str, value: &str) -> Facet {
        Facet {
            impact: Impact::Compatible,
            ..Facet::breaking(label, value)
        }
    }

    fn unless_previous_changed(self) -> Facet {
        Facet {
            unless_previous_changed: true,
            ..self
        }
    }
}

/// How a listing says whether a parameter or body is required.
pub(super) fn need(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// The name of a type's unknown arm, which a listing records only when it is not the usual one.
pub(super) fn unknown_arm(unknown: &Option<String>) -> &str {
    unknown.as_deref().unwrap_or(UNKNOWN_ARM)
}

/// Whether an item is deprecated: marking one, or lifting the mark, breaks no build (a
/// deprecation is a warning).
fn deprecated_facet(deprecated: bool) -> Facet {
    Facet::compatible("deprecated", if deprecated { "yes" } else { "no" })
}

/// The JSON type of a constant's value as the listing writes it: what its Rust type follows.
fn json_type(value: &str) -> &'static str {
    match value.as_bytes().first() {
        Some(b'"') => "string",
        Some(b't' | b'f') => "boolean",
        _ => "number",
    }
}

fn kind_word(kind: &str) -> &str {
    kind.split(' ').next().unwrap_or(kind)
}

/// The API of one version: every item, in the order the generated crate has them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    pub items: Vec<Item>,
}

impl Surface {
    /// The surface of a model.
    pub fn of(model: &Model) -> Surface {
        let mut items = Vec::new();
        for id in &model.order {
            type_items(model, *id, &mut items);
        }
        declared_error_items(model, &mut items);
        for op in &model.operations {
            operation_items(model, op, &mut items);
        }
        access_items(&model.api, &model.operations, &mut items);
        Surface { items }
    }

    /// The surface with the crate's name and version as its first item.
    pub fn with_crate(mut self, name: &str, version: &str) -> Surface {
        self.items.insert(
            0,
            Item::Crate {
                name: name.to_owned(),
                version: version.to_owned(),
            },
        );
        self
    }

    /// The crate's package name, if the listing records it.
    pub fn crate_name(&self) -> Option<&str> {
        self.items.iter().find_map(|i| match i {
            Item::Crate { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }

    /// The version the listing records, if it records one.
    pub fn version(&self) -> Option<&str> {
        self.items.iter().find_map(|i| match i {
            Item::Crate { version, .. } => Some(version.as_str()),
            _ => None,
        })
    }

    /// The surface as a JSON array, one item a line, so that its diff is one line per change.
    pub fn listing(&self) -> String {
        let mut out = String::from("[\n");
        for (i, item) in self.items.iter().enumerate() {
            out.push_str(&serde_json::to_string(item).unwrap_or_default());
            out.push_str(if i + 1 < self.items.len() {
                ",\n"
            } else {
                "\n"
            });
        }
        out.push_str("]\n");
        out
    }

    /// Reads a listing back.
    pub fn from_listing(text: &str) -> Result<Surface, String> {
        serde_json::from_str(text)
            .map(|items| Surface { items })
            .map_err(|e| e.to_string())
    }
}

/// A type and its members: fields and constants, enum values or union variants.
fn type_items(model: &Model, id: TypeId, items: &mut Vec<Item>) {
    let def = model.get(id);
    let owner = def.name.clone();
    let kind = match &def.kind {
        TypeKind::Struct(_) => "struct".to_owned(),
        TypeKind::Enum(_) => "enum".to_owned(),
        TypeKind::Union(u) => match &u.kind {
            UnionKind::Tagged(t) => format!("union by `{}`", t.property),
            UnionKind::Untagged(_) => "union by shape".to_owned(),
        },
        TypeKind::Alias(ty) => format!("alias of {}", ty_name(model, ty)),
    };
    let unknown = match &def.kind {
        TypeKind::Enum(e) => Some(&e.unknown_name),
        TypeKind::Union(u) => Some(&u.unknown_name),
        TypeKind::Struct(_) | TypeKind::Alias(_) => None,
    };
    items.push(Item::Type {
        name: owner.clone(),
        kind,
        built: def.built_by_users,
        non_exhaustive: def.non_exhaustive(),
        deprecated: def.deprecated,
        unknown: unknown.filter(|name| *name != UNKNOWN_ARM).cloned(),
    });
    match &def.kind {
        TypeKind::Struct(s) => items.extend(s.fields.iter().map(|f| field_item(model, &owner, f))),
        TypeKind::Enum(e) => items.extend(e.values.iter().map(|v| Item::Value {
            owner: owner.clone(),
            name: v.name.clone(),
            wire: v.wire.clone(),
        })),
        TypeKind::Union(u) => {
            let variant = |v: &Variant, tag: Option<&String>| Item::Variant {
                owner: owner.clone(),
                name: v.name.clone(),
                ty: ty_name(model, &v.ty),
                tag: tag.cloned(),
            };
            match &u.kind {
                UnionKind::Tagged(t) => items.extend(
                    t.variants
                        .iter()
                        .map(|tv| variant(&tv.variant, Some(&tv.value))),
                ),
                UnionKind::Untagged(variants) => {
                    items.extend(variants.iter().map(|v| variant(v, None)))
                }
            }
        }
        TypeKind::Alias(_) => {}
    }
    if let Some(accessors) = model.accessors_of(id) {
        if accessors.text.is_some() {
            items.push(Item::Method {
                owner: owner.clone(),
                name: "text".to_owned(),
                returns: "Option<String>".to_owned(),
            });
        }
        if let TypeKind::Union(u) = &def.kind {
            let variants = u.variants();
            for (position, method) in &accessors.as_variant {
                if let Some(variant) = variants.get(*position) {
                    items.push(Item::Method {
                        owner: owner.clone(),
                        name: method.clone(),
                        returns: format!("Option<&{}>", ty_name(model, &variant.ty)),
                    });
                }
            }
        }
    }
}

/// A struct field, or the associated constant a `const` property becomes.
fn field_item(model: &Model, owner: &str, f: &Field) -> Item {
    let ty = ty_name(model, &f.ty);
    let (ty, presence) = match &f.presence {
        Presence::Const(constant) => {
            return Item::Const {
                owner: owner.to_owned(),
                name: constant.name.clone(),
                value: constant.value.to_json().to_string(),
                wire: f.wire.clone(),
                deprecated: f.deprecated,
            };
        }
        Presence::Required => (ty, "required"),
        Presence::RequiredNullable => (format!("Option<{ty}>"), "nullable"),
        Presence::Optional => (format!("Option<{ty}>"), "optional"),
        Presence::Patch => (format!("Patch<{ty}>"), "patch"),
    };
    Item::Field {
        owner: owner.to_owned(),
        name: f.name.clone(),
        ty,
        presence: presence.to_owned(),
        wire: f.wire.clone(),
        deprecated: f.deprecated,
    }
}

/// The client's `DeclaredError` enum (`#[non_exhaustive]`) and its arm for each error body
/// the operations declare.
fn declared_error_items(model: &Model, items: &mut Vec<Item>) {
    let owner = "DeclaredError".to_owned();
    items.push(Item::Type {
        name: owner.clone(),
        kind: "union by status".to_owned(),
        built: false,
        non_exhaustive: true,
        deprecated: false,
        unknown: None,
    });
    items.extend(model.errors.variants.iter().map(|v| Item::Variant {
        owner: owner.clone(),
        name: v.name.clone(),
        ty: format!("Box<{}>", ty_name(model, &v.ty)),
        tag: None,
    }));
}

/// An operation and its parameters, body and answers.
fn operation_items(model: &Model, op: &Operation, items: &mut Vec<Item>) {
    let operation = op.operation_id.clone();
    items.push(Item::Operation {
        id: operation.clone(),
        route: format!("{} {}", op.method.as_http(), op.path),
        call: call(model, op),
        deprecated: op.deprecated,
    });
    items.extend(op.params.iter().map(|p| Item::Param {
        operation: operation.clone(),
        name: p.name.clone(),
        ty: ty_name(model, &p.ty),
        required: p.required,
        location: format!("{:?}", p.location).to_lowercase(),
        wire: p.wire.clone(),
        deprecated: p.deprecated,
    }));
    if let Some(body) = &op.body {
        items.push(Item::Body {
            operation: operation.clone(),
            ty: match body.encoding {
                BodyEncoding::Raw => "Bytes".to_owned(),
                _ => ty_name(model, &body.ty),
            },
            required: body.required,
            media: Some(&body.media_type)
                .filter(|media| *media != "application/json")
                .cloned(),
        });
    }
    let sets = |value: bool| {
        op.call
            .toggle
            .as_ref()
            .map(|field| format!("{field}: {value}"))
    };
    let answer = |kind: &str, ty: String, sets: Option<String>| Item::Answer {
        operation: operation.clone(),
        kind: kind.to_owned(),
        ty,
        sets,
    };
    match &op.call.answer {
        Answer::Empty => items.push(answer("send", "()".to_owned(), None)),
        Answer::Json(json) | Answer::JsonOrEvents { json, .. } => {
            items.push(answer("send", ty_name(model, json), sets(false)));
        }
        Answer::Events(_) => {}
    }
    if let Some(events) = op.call.answer.events() {
        items.push(answer("stream", ty_name(model, events), sets(true)));
    }
    if let Some(pages) = &op.pagination {
        items.push(answer("into_stream", ty_name(model, &pages.item), None));
    }
}

/// The servers, the credentials, the operations' own servers and what each operation sends.
/// An API without any of these has none of these items, so its listing is as it was before
/// they existed.
fn access_items(api: &Api, operations: &[Operation], items: &mut Vec<Item>) {
    items.extend(api.servers.iter().map(|s| Item::Server {
        constant: s.constant.clone(),
        url: s.url.clone(),
    }));
    items.extend(api.schemes.iter().map(|scheme| Item::Credential {
        scheme: scheme.key.clone(),
        setter: scheme.setter.clone(),
        sent: match &scheme.kind {
            SchemeKind::Bearer { .. } => "bearer token".to_owned(),
            SchemeKind::Basic => "basic auth".to_owned(),
            SchemeKind::ApiKey { location, name } => {
                let place = format!("{location:?}").to_lowercase();
                format!("{place} `{name}`")
            }
        },
        env: scheme.env.clone(),
    }));
    items.extend(
        operations
            .iter()
            .filter(|op| !op.servers.is_empty())
            .map(|op| Item::Servers {
                operation: op.operation_id.clone(),
                urls: op.servers.join(", "),
            }),
    );
    if api.schemes.is_empty() {
        return;
    }
    for op in operations {
        let alternatives: Vec<String> = op
            .security
            .alternatives
            .iter()
            .map(|alt| match alt.as_slice() {
                [] => "none".to_owned(),
                schemes => schemes
                    .iter()
                    .filter_map(|&i| api.schemes.get(i).map(|s| s.key.as_str()))
                    .collect::<Vec<_>>()
                    .join(" + "),
            })
            .collect();
        let requires = if alternatives.is_empty() {
            "none".to_owned()
        } else {
            alternatives.join(" | ")
        };
        items.push(Item::Security {
            operation: op.operation_id.clone(),
            requires,
        });
    }
}

/// How a user gets the operation's builder: `conversations().create → CreateConversationBuilder`.
fn call(model: &Model, op: &Operation) -> String {
    match model.group_of(op) {
        Some(group) => format!("{}().{} → {}", group.accessor, op.method_name, op.builder),
        None => format!("{} → {}", op.method_name, op.builder),
    }
}
