//! What changed for a Rust user between two versions of the generated API: types, fields,
//! constants, enum values, union variants, operations, parameters, bodies and answers added,
//! removed or changed, each marked breaking, additive or compatible.
//!
//! Both sides are a [`Surface`]: the part of the model a user compiles against, item by item.
//! [`between`] compares two models; `cargo xtask codegen` compares the surface committed in the
//! output directory (`API.json`, written by [`Surface::listing`]) with the one it generates, so
//! the report covers what the generator changed as well as what the document did.
//!
//! The rules, for code that uses the crate:
//! - Removing anything, or changing an item's Rust type, is **breaking**.
//! - A new field of a struct that requests carry (a body or a parameter reaches it) is
//!   **breaking**: a struct literal that lists every field must add it (one ending in
//!   `..Default::default()` or `..Type::new(…)` compiles as before). A new required field is
//!   breaking anywhere (`new` takes it); a new optional field of a type only answers hold is
//!   **additive**.
//! - New types, constants, enum values, union variants, operations, optional parameters,
//!   optional bodies and answers are **additive**. A new enum value or variant is additive
//!   because every enum is open: a `match` already needs its `Unknown` arm or `_`. Values that
//!   decoded into `Unknown` before decode into the new variant.
//! - A change that compiles as before but behaves differently on the wire (a wire name, a
//!   route, a parameter's location, `null` written or left out) is **compatible**.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::emit::surface::ty_name;
use crate::model::*;

/// One item of the API as a user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum Item {
    /// A type: `struct`, `enum`, `union by <tag>`, `union by shape`, or `alias of <type>`.
    /// `built` when requests carry it, so users build it.
    Type {
        name: String,
        kind: String,
        built: bool,
    },
    /// A struct field, with its Rust type (presence included) and wire name.
    Field {
        owner: String,
        name: String,
        ty: String,
        presence: String,
        wire: String,
    },
    /// An associated constant of a `const` property.
    Const {
        owner: String,
        name: String,
        value: String,
        wire: String,
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
    /// An operation, by its `operationId`, with its route and the call that makes its builder
    /// (`conversations().create` → `CreateConversation`).
    Operation {
        id: String,
        route: String,
        call: String,
    },
    /// A parameter of an operation.
    Param {
        operation: String,
        name: String,
        ty: String,
        required: bool,
        location: String,
        wire: String,
    },
    /// The request body of an operation.
    Body {
        operation: String,
        ty: String,
        required: bool,
    },
    /// How an operation answers: `send` (JSON, or nothing), `stream` (events).
    Answer {
        operation: String,
        kind: String,
        ty: String,
    },
}

impl Item {
    /// What identifies the item from one version to the next.
    /// The key of the item this one belongs to (a field's type, a parameter's operation).
    fn owner_key(&self) -> Option<String> {
        match self {
            Item::Type { .. } | Item::Operation { .. } => None,
            Item::Field { owner, .. }
            | Item::Const { owner, .. }
            | Item::Value { owner, .. }
            | Item::Variant { owner, .. } => Some(format!("type {owner}")),
            Item::Param { operation, .. }
            | Item::Body { operation, .. }
            | Item::Answer { operation, .. } => Some(format!("operation {operation}")),
        }
    }

    fn key(&self) -> String {
        match self {
            Item::Type { name, .. } => format!("type {name}"),
            Item::Field { owner, name, .. } => format!("field {owner}.{name}"),
            Item::Const { owner, name, .. } => format!("const {owner}::{name}"),
            Item::Value { owner, name, .. } => format!("value {owner}::{name}"),
            Item::Variant { owner, name, .. } => format!("variant {owner}::{name}"),
            Item::Operation { id, .. } => format!("operation {id}"),
            Item::Param {
                operation, name, ..
            } => format!("param {operation}({name})"),
            Item::Body { operation, .. } => format!("body {operation}"),
            Item::Answer {
                operation, kind, ..
            } => format!("answer {operation}.{kind}"),
        }
    }

    /// How a reviewer reads the item's name.
    fn subject(&self) -> String {
        match self {
            Item::Type { name, kind, .. } => format!("{} `{name}`", kind_word(kind)),
            Item::Field { owner, name, .. } => format!("field `{owner}.{name}`"),
            Item::Const { owner, name, .. } => format!("constant `{owner}::{name}`"),
            Item::Value { owner, name, wire } => format!("enum value `{owner}::{name}` (`{wire}`)"),
            Item::Variant { owner, name, .. } => format!("variant `{owner}::{name}`"),
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
        }
    }

    /// The item's shape, as the report prints it after "added" or "removed".
    fn shape(&self) -> String {
        match self {
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
            Item::Operation { route, call, .. } => format!("{route}, {call}"),
            Item::Param { ty, required, .. } | Item::Body { ty, required, .. } => {
                format!("{ty}, {}", if *required { "required" } else { "optional" })
            }
            Item::Answer { ty, .. } => ty.clone(),
        }
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
        let built = built_types(model);
        let mut items = Vec::new();
        for id in &model.order {
            let def = model.get(*id);
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
            items.push(Item::Type {
                name: owner.clone(),
                kind,
                built: built.contains(id),
            });
            match &def.kind {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        let ty = ty_name(model, &f.ty);
                        let (ty, presence) = match &f.presence {
                            Presence::Const(constant) => {
                                items.push(Item::Const {
                                    owner: owner.clone(),
                                    name: constant.name.clone(),
                                    value: constant.value.to_json().to_string(),
                                    wire: f.wire.clone(),
                                });
                                continue;
                            }
                            Presence::Required => (ty, "required"),
                            Presence::RequiredNullable => (format!("Option<{ty}>"), "nullable"),
                            Presence::Optional => (format!("Option<{ty}>"), "optional"),
                            Presence::Patch => (format!("Patch<{ty}>"), "patch"),
                        };
                        items.push(Item::Field {
                            owner: owner.clone(),
                            name: f.name.clone(),
                            ty,
                            presence: presence.to_owned(),
                            wire: f.wire.clone(),
                        });
                    }
                }
                TypeKind::Enum(e) => {
                    items.extend(e.values.iter().map(|v| Item::Value {
                        owner: owner.clone(),
                        name: v.name.clone(),
                        wire: v.wire.clone(),
                    }));
                }
                TypeKind::Union(u) => match &u.kind {
                    UnionKind::Tagged(t) => {
                        items.extend(t.variants.iter().map(|tv| Item::Variant {
                            owner: owner.clone(),
                            name: tv.variant.name.clone(),
                            ty: ty_name(model, &tv.variant.ty),
                            tag: Some(tv.value.clone()),
                        }));
                    }
                    UnionKind::Untagged(variants) => {
                        items.extend(variants.iter().map(|v| Item::Variant {
                            owner: owner.clone(),
                            name: v.name.clone(),
                            ty: ty_name(model, &v.ty),
                            tag: None,
                        }));
                    }
                },
                TypeKind::Alias(_) => {}
            }
        }
        for op in &model.operations {
            let operation = op.operation_id.clone();
            items.push(Item::Operation {
                id: operation.clone(),
                route: format!("{} {}", op.method.as_http(), op.path),
                call: call(model, op),
            });
            for p in &op.params {
                items.push(Item::Param {
                    operation: operation.clone(),
                    name: p.name.clone(),
                    ty: ty_name(model, &p.ty),
                    required: p.required,
                    location: format!("{:?}", p.location).to_lowercase(),
                    wire: p.wire.clone(),
                });
            }
            if let Some(body) = &op.body {
                items.push(Item::Body {
                    operation: operation.clone(),
                    ty: ty_name(model, &body.ty),
                    required: body.required,
                });
            }
            let answers = [
                ("send", op.call.answer.json()),
                ("stream", op.call.answer.events()),
            ];
            for (kind, ty) in answers {
                if let Some(ty) = ty {
                    items.push(Item::Answer {
                        operation: operation.clone(),
                        kind: kind.to_owned(),
                        ty: ty_name(model, ty),
                    });
                }
            }
        }
        Surface { items }
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

/// How a user gets the operation's builder: `conversations().create → CreateConversationBuilder`.
fn call(model: &Model, op: &Operation) -> String {
    let group = model
        .groups
        .iter()
        .find(|g| {
            g.operations
                .iter()
                .any(|&i| model.operations[i].operation_id == op.operation_id)
        })
        .and_then(|g| g.tag.as_ref());
    match group {
        Some(group) => format!("{}().{} → {}", group.accessor, op.method_name, op.builder),
        None => format!("{} → {}", op.method_name, op.builder),
    }
}

/// The types requests carry: those a body or a parameter reaches, through fields, variants,
/// items and values.
fn built_types(model: &Model) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&Ty> = model
        .operations
        .iter()
        .flat_map(|op| {
            op.params
                .iter()
                .map(|p| &p.ty)
                .chain(op.body.iter().map(|b| &b.ty))
        })
        .collect();
    while let Some(ty) = todo.pop() {
        match ty {
            Ty::Array(inner) | Ty::Map(inner) | Ty::Boxed(inner) => todo.push(inner),
            Ty::Named(id) if seen.insert(*id) => match &model.get(*id).kind {
                TypeKind::Struct(s) => todo.extend(s.fields.iter().map(|f| &f.ty)),
                TypeKind::Union(u) => todo.extend(u.variants().into_iter().map(|v| &v.ty)),
                TypeKind::Alias(ty) => todo.push(ty),
                TypeKind::Enum(_) => {}
            },
            _ => {}
        }
    }
    seen
}

/// How a change affects code that uses the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code that compiled may not compile, or may decode differently.
    Breaking,
    /// Something new; what compiled still does.
    Additive,
    /// Compiles as before; what goes over the wire differs.
    Compatible,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that the report can align the column.
        f.pad(match self {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
            Impact::Compatible => "compatible",
        })
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    /// The item: ``field `Conversation.archived` ``.
    pub subject: String,
    /// What happened to it: `added: Option<bool> (`archived`)`.
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<10} {}: {}", self.impact, self.subject, self.what)
    }
}

/// The changes from `old` to `new`, breaking ones first: within each kind, what was removed
/// in the order of `old`, then what was added or changed in the order of `new`. The members of
/// a type or operation that came or went are part of that one change.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let old_by_key: BTreeMap<String, &Item> = old.items.iter().map(|i| (i.key(), i)).collect();
    let new_by_key: BTreeMap<String, &Item> = new.items.iter().map(|i| (i.key(), i)).collect();
    let built: BTreeSet<&str> = new
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Type {
                name, built: true, ..
            } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    let members = |surface: &Surface, owner: &str| {
        surface
            .items
            .iter()
            .filter(|i| i.owner_key().as_deref() == Some(owner))
            .count()
    };
    let mut changes = Vec::new();
    for item in &old.items {
        let owner_gone = item
            .owner_key()
            .is_some_and(|owner| !new_by_key.contains_key(&owner));
        if !new_by_key.contains_key(&item.key()) && !owner_gone {
            changes.push(Change {
                impact: Impact::Breaking,
                subject: item.subject(),
                what: removed(item),
            });
        }
    }
    for item in &new.items {
        let owner_new = item
            .owner_key()
            .is_some_and(|owner| !old_by_key.contains_key(&owner));
        match old_by_key.get(&item.key()) {
            None if owner_new => {}
            None => {
                let mut change = added(item, &built);
                if item.owner_key().is_none() {
                    let count = members(new, &item.key());
                    if count > 0 {
                        change.what.push_str(&format!(
                            " ({count} {})",
                            if count == 1 { "member" } else { "members" }
                        ));
                    }
                }
                changes.push(change);
            }
            Some(before) if *before != item => changes.extend(changed(before, item)),
            Some(_) => {}
        }
    }
    changes.sort_by_key(|c| c.impact);
    changes
}

/// The changes between the APIs two models generate.
pub fn between(old: &Model, new: &Model) -> Vec<Change> {
    compare(&Surface::of(old), &Surface::of(new))
}

fn removed(item: &Item) -> String {
    match item.shape() {
        shape if shape.is_empty() => "removed".to_owned(),
        shape => format!("removed (was {shape})"),
    }
}

fn added(item: &Item, built: &BTreeSet<&str>) -> Change {
    let shape = item.shape();
    let what = if shape.is_empty() {
        "added".to_owned()
    } else {
        format!("added: {shape}")
    };
    let (impact, why) = match item {
        Item::Field {
            presence, owner, ..
        } if presence == "required" => (
            Impact::Breaking,
            if built.contains(owner.as_str()) {
                Some("`new` and struct literals need it")
            } else {
                Some("`new` needs it, and answers without it no longer decode")
            },
        ),
        // Requests carry the struct, so users build it.
        Item::Field { owner, .. } if built.contains(owner.as_str()) => (
            Impact::Breaking,
            Some("request literals that list every field must add it"),
        ),
        Item::Param { required: true, .. } | Item::Body { required: true, .. } => {
            (Impact::Breaking, Some("the method takes it"))
        }
        _ => (Impact::Additive, None),
    };
    Change {
        impact,
        subject: item.subject(),
        what: match why {
            Some(why) => format!("{what}; {why}"),
            None => what,
        },
    }
}

fn changed(old: &Item, new: &Item) -> Vec<Change> {
    let change = |impact, what: String| Change {
        impact,
        subject: new.subject(),
        what,
    };
    let was = |label: &str, before: &str, after: &str| format!("{label} {before} → {after}");
    let mut out = Vec::new();
    match (old, new) {
        (Item::Type { kind: a, .. }, Item::Type { kind: b, .. }) if a != b => {
            out.push(change(Impact::Breaking, was("was", a, b)));
        }
        (
            Item::Field {
                ty: a,
                presence: pa,
                wire: wa,
                ..
            },
            Item::Field {
                ty: b,
                presence: pb,
                wire: wb,
                ..
            },
        ) => {
            if a != b {
                out.push(change(Impact::Breaking, was("type", a, b)));
            } else if pa != pb {
                out.push(change(Impact::Compatible, was("presence", pa, pb)));
            }
            if wa != wb {
                out.push(change(Impact::Compatible, was("wire name", wa, wb)));
            }
        }
        (
            Item::Const {
                value: a, wire: wa, ..
            },
            Item::Const {
                value: b, wire: wb, ..
            },
        ) => {
            if a != b {
                out.push(change(Impact::Breaking, was("value", a, b)));
            }
            if wa != wb {
                out.push(change(Impact::Compatible, was("wire name", wa, wb)));
            }
        }
        (Item::Value { wire: a, .. }, Item::Value { wire: b, .. }) => {
            out.push(change(Impact::Compatible, was("wire value", a, b)));
        }
        (Item::Variant { ty: a, tag: ta, .. }, Item::Variant { ty: b, tag: tb, .. }) => {
            if a != b {
                out.push(change(Impact::Breaking, was("type", a, b)));
            }
            if ta != tb {
                let tag = |t: &Option<String>| t.clone().unwrap_or_else(|| "none".to_owned());
                out.push(change(Impact::Compatible, was("tag", &tag(ta), &tag(tb))));
            }
        }
        (
            Item::Operation {
                route: a, call: ca, ..
            },
            Item::Operation {
                route: b, call: cb, ..
            },
        ) => {
            if ca != cb {
                out.push(change(Impact::Breaking, was("call", ca, cb)));
            }
            if a != b {
                out.push(change(Impact::Compatible, was("route", a, b)));
            }
        }
        (
            Item::Param {
                ty: a,
                required: ra,
                location: la,
                wire: wa,
                ..
            },
            Item::Param {
                ty: b,
                required: rb,
                location: lb,
                wire: wb,
                ..
            },
        ) => {
            if a != b {
                out.push(change(Impact::Breaking, was("type", a, b)));
            }
            if ra != rb {
                let need = |r: &bool| if *r { "required" } else { "optional" };
                out.push(change(Impact::Breaking, was("now", need(ra), need(rb))));
            }
            if (la, wa) != (lb, wb) {
                out.push(change(
                    Impact::Compatible,
                    was("sent as", &format!("{la} `{wa}`"), &format!("{lb} `{wb}`")),
                ));
            }
        }
        (
            Item::Body {
                ty: a,
                required: ra,
                ..
            },
            Item::Body {
                ty: b,
                required: rb,
                ..
            },
        ) => {
            if a != b {
                out.push(change(Impact::Breaking, was("type", a, b)));
            }
            if ra != rb {
                let need = |r: &bool| if *r { "required" } else { "optional" };
                out.push(change(Impact::Breaking, was("now", need(ra), need(rb))));
            }
        }
        (Item::Answer { ty: a, .. }, Item::Answer { ty: b, .. }) => {
            out.push(change(Impact::Breaking, was("type", a, b)));
        }
        // A type whose `built` alone changed: not a change of the API.
        _ => {}
    }
    out
}

/// The report: a count line, then one line per change; empty when nothing changed.
pub fn report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let count = |impact| changes.iter().filter(|c| c.impact == impact).count();
    let mut out = format!(
        "API changes: {} breaking, {} additive, {} compatible\n",
        count(Impact::Breaking),
        count(Impact::Additive),
        count(Impact::Compatible)
    );
    for change in changes {
        out.push_str("  ");
        out.push_str(&change.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface(items: Vec<Item>) -> Surface {
        Surface { items }
    }

    fn ty(name: &str, built: bool) -> Item {
        Item::Type {
            name: name.into(),
            kind: "struct".into(),
            built,
        }
    }

    fn field(owner: &str, name: &str, ty: &str, presence: &str) -> Item {
        Item::Field {
            owner: owner.into(),
            name: name.into(),
            ty: ty.into(),
            presence: presence.into(),
            wire: name.into(),
        }
    }

    #[test]
    fn a_new_optional_field_breaks_literals_of_request_types_only() {
        let old = surface(vec![ty("Request", true), ty("Answer", false)]);
        let new = surface(vec![
            ty("Request", true),
            field("Request", "note", "Option<String>", "optional"),
            ty("Answer", false),
            field("Answer", "note", "Option<String>", "optional"),
        ]);
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].impact, Impact::Breaking);
        assert!(changes[0].subject.contains("Request.note"));
        assert_eq!(changes[1].impact, Impact::Additive);
    }

    #[test]
    fn removals_and_type_changes_break_and_wire_changes_do_not() {
        let old = surface(vec![
            ty("A", false),
            field("A", "gone", "String", "required"),
            field("A", "kind", "Option<String>", "optional"),
            field("A", "shown", "Option<String>", "optional"),
        ]);
        let new = surface(vec![
            ty("A", false),
            field("A", "kind", "Option<i64>", "optional"),
            field("A", "shown", "Option<String>", "nullable"),
        ]);
        let changes = compare(&old, &new);
        let impacts: Vec<Impact> = changes.iter().map(|c| c.impact).collect();
        assert_eq!(
            impacts,
            [Impact::Breaking, Impact::Breaking, Impact::Compatible]
        );
        assert!(changes[0].what.starts_with("removed"));
        assert_eq!(changes[1].what, "type Option<String> → Option<i64>");
    }

    #[test]
    fn a_renamed_method_breaks_and_a_moved_route_does_not() {
        let operation = |route: &str, call: &str| Item::Operation {
            id: "list".into(),
            route: route.into(),
            call: call.into(),
        };
        let old = surface(vec![operation("GET /a", "things().list → ListThings")]);
        let new = surface(vec![operation("GET /b", "things().all → ListThings")]);
        let impacts: Vec<Impact> = compare(&old, &new).iter().map(|c| c.impact).collect();
        assert_eq!(impacts, [Impact::Breaking, Impact::Compatible]);
    }

    #[test]
    fn the_listing_reads_back() {
        let items = vec![
            ty("A", true),
            field("A", "x", "Option<String>", "optional"),
            Item::Param {
                operation: "op".into(),
                name: "limit".into(),
                ty: "i64".into(),
                required: false,
                location: "query".into(),
                wire: "limit".into(),
            },
        ];
        let surface = surface(items);
        assert_eq!(Surface::from_listing(&surface.listing()), Ok(surface));
        assert_eq!(report(&[]), "");
    }
}
