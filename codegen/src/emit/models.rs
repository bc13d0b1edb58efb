//! Prints the model's types as declarations, one line per field, enum value and variant, in
//! the macros of the runtime (`object!`, `string_enum!`, `union!` in
//! `codegen/runtime/runtime/private/declare/`), which expand to the types and their
//! hand-specialised serde impls: structs (`structs`), open string enums and aliases (here) and
//! open unions (`unions`). A new field is a two-line diff (its doc and its declaration), as in
//! hand-written code.
//!
//! The declarations are printed as text rather than through `prettyplease`, which lays a macro's
//! input out as one stream of tokens. Every piece is safe by construction: names are
//! identifiers from lowering, wire names and constants are printed by `proc_macro2::Literal`,
//! and docs are `///` lines from `docs`, which never hold a line break.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::docs::doc_comment;
use super::{structs, unions};
use crate::error::Result;
use crate::model::*;

/// An identifier for a name from the model. The model's names are identifiers already
/// (`naming` makes them so); this keeps any slip a wrong name in the output, never a panic.
pub fn ident(name: &str) -> Ident {
    Ident::new(&crate::naming::identifier(name), Span::call_site())
}

/// The Rust type expression for `ty`, with fully qualified paths (for the client, which lives
/// beside names it does not control).
pub fn ty_tokens(model: &Model, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(::std::string::String),
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Timestamp => quote!(crate::Timestamp),
        Ty::Json => quote!(::serde_json::Value),
        Ty::JsonObject => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        Ty::Array(inner) => {
            let inner = ty_tokens(model, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(model, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Named(id) => {
            let name = ident(&model.get(*id).name);
            quote!(crate::models::#name)
        }
        Ty::Boxed(inner) => {
            let inner = ty_tokens(model, inner);
            quote!(::std::boxed::Box<#inner>)
        }
    }
}

/// A name the models borrow from std, serde_json or the runtime, and its full path for when a
/// type of the document takes the short one (a schema named `Option` or `Value`).
struct Borrowed {
    short: &'static str,
    full: &'static str,
    /// The `use` that brings the short name in; `None` for the prelude's.
    import: Option<(&'static str, &'static str)>,
}

const BORROWED: [Borrowed; 9] = [
    Borrowed {
        short: "String",
        full: "::std::string::String",
        import: None,
    },
    Borrowed {
        short: "Vec",
        full: "::std::vec::Vec",
        import: None,
    },
    Borrowed {
        short: "Option",
        full: "::std::option::Option",
        import: None,
    },
    Borrowed {
        short: "Box",
        full: "::std::boxed::Box",
        import: None,
    },
    Borrowed {
        short: "BTreeMap",
        full: "::std::collections::BTreeMap",
        import: Some(("std::collections", "BTreeMap")),
    },
    Borrowed {
        short: "Map",
        full: "::serde_json::Map",
        import: Some(("serde_json", "Map")),
    },
    Borrowed {
        short: "Value",
        full: "::serde_json::Value",
        import: Some(("serde_json", "Value")),
    },
    Borrowed {
        short: "Patch",
        full: "crate::Patch",
        import: Some(("crate", "Patch")),
    },
    Borrowed {
        short: "Timestamp",
        full: "crate::Timestamp",
        import: Some(("crate", "Timestamp")),
    },
];

/// How the models file spells borrowed names: short unless a type of the document has the same
/// name, in which case the short name is that type and the borrowed one takes its full path.
pub struct Spelling {
    taken: BTreeSet<String>,
    /// What a type of the document is written behind: nothing in `models` itself.
    models: &'static str,
    /// Whether the file imports the borrowed names that are not in the prelude.
    imports: bool,
}

impl Spelling {
    /// For `models.rs`, where the types of the document are at home.
    pub fn new(model: &Model) -> Self {
        Spelling {
            taken: model.types.iter().map(|t| t.name.clone()).collect(),
            models: "",
            imports: true,
        }
    }

    /// For the client's `builders` module, which holds the builders (named in lowering) and
    /// reaches the types of the document as `models::Name`.
    pub fn for_builders<'a>(builders: impl IntoIterator<Item = &'a str>) -> Self {
        Spelling {
            taken: builders.into_iter().map(str::to_owned).collect(),
            models: "models::",
            imports: false,
        }
    }

    fn name(&self, short: &'static str) -> &'static str {
        match BORROWED.iter().find(|b| b.short == short) {
            Some(b) if self.taken.contains(short) || (!self.imports && b.import.is_some()) => {
                b.full
            }
            _ => short,
        }
    }

    /// The type as the models file writes it.
    pub fn ty(&self, model: &Model, ty: &Ty) -> String {
        match ty {
            Ty::String => self.name("String").to_owned(),
            Ty::Integer => "i64".to_owned(),
            Ty::Number => "f64".to_owned(),
            Ty::Boolean => "bool".to_owned(),
            Ty::Timestamp => self.name("Timestamp").to_owned(),
            Ty::Json => self.name("Value").to_owned(),
            Ty::JsonObject => format!(
                "{}<{}, {}>",
                self.name("Map"),
                self.name("String"),
                self.name("Value")
            ),
            Ty::Array(inner) => format!("{}<{}>", self.name("Vec"), self.ty(model, inner)),
            Ty::Map(inner) => format!(
                "{}<{}, {}>",
                self.name("BTreeMap"),
                self.name("String"),
                self.ty(model, inner)
            ),
            Ty::Named(id) => format!("{}{}", self.models, model.get(*id).name),
            Ty::Boxed(inner) => format!("{}<{}>", self.name("Box"), self.ty(model, inner)),
        }
    }

    /// A field's type with its presence's wrapper; `None` for a constant, which is no field.
    pub(super) fn field_ty(&self, model: &Model, field: &Field) -> Option<String> {
        let ty = self.ty(model, &field.ty);
        Some(match field.presence {
            Presence::Required => ty,
            Presence::RequiredNullable | Presence::Optional => {
                format!("{}<{ty}>", self.name("Option"))
            }
            Presence::Patch => format!("{}<{ty}>", self.name("Patch")),
            Presence::Const(_) => return None,
        })
    }
}

/// The borrowed names a type expression uses.
fn uses(ty: &Ty, used: &mut BTreeSet<&'static str>) {
    match ty {
        Ty::Timestamp => {
            used.insert("Timestamp");
        }
        Ty::Json => {
            used.insert("Value");
        }
        Ty::JsonObject => {
            used.extend(["Map", "Value"]);
        }
        Ty::Array(inner) | Ty::Boxed(inner) => uses(inner, used),
        Ty::Map(inner) => {
            used.insert("BTreeMap");
            uses(inner, used);
        }
        _ => {}
    }
}

/// The top of the models file: its docs and the names it uses, each imported only when used
/// and not taken by a type of the document.
pub fn preamble(model: &Model, spelling: &Spelling) -> String {
    let mut used = BTreeSet::new();
    let mut macros = BTreeSet::new();
    let mut presences = BTreeSet::new();
    for def in &model.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                macros.insert("object");
                for f in &s.fields {
                    let Some(word) = presence_word(&f.presence) else {
                        continue;
                    };
                    presences.insert(word);
                    uses(&f.ty, &mut used);
                    if f.presence == Presence::Patch {
                        used.insert("Patch");
                    }
                }
            }
            TypeKind::Enum(_) => {
                macros.insert("string_enum");
            }
            TypeKind::Union(u) => {
                macros.insert("union");
                let accessors = model.find(&def.name).and_then(|id| model.accessors_of(id));
                if accessors.is_some_and(|a| !a.as_variant.is_empty()) {
                    macros.insert("as_variants");
                }
                for v in u.variants() {
                    uses(&v.ty, &mut used);
                }
            }
            TypeKind::Alias(ty) => uses(ty, &mut used),
        }
    }
    let mut out =
        String::from("//! The request and response types of the API.\n#![allow(deprecated)]\n");
    let mut imports: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    if !macros.is_empty() {
        imports.insert("crate::__private::declare", macros.into_iter().collect());
    }
    // The presences name what `object!` does per field (`optional::write`).
    if !presences.is_empty() {
        imports.insert(
            "crate::__private::presence",
            presences.into_iter().collect(),
        );
    }
    for b in &BORROWED {
        if let Some((path, name)) = b.import {
            if used.contains(b.short) && !spelling.taken.contains(b.short) {
                imports.entry(path).or_default().push(name);
            }
        }
    }
    if !imports.is_empty() {
        out.push('\n');
    }
    for (path, names) in imports {
        match names.as_slice() {
            [one] => {
                let _ = writeln!(out, "use {path}::{one};");
            }
            many => {
                let _ = writeln!(out, "use {path}::{{{}}};", many.join(", "));
            }
        }
    }
    out
}

/// How a field's presence is written in a declaration; constants are not fields.
pub(super) fn presence_word(presence: &Presence) -> Option<&'static str> {
    match presence {
        Presence::Required => Some("required"),
        Presence::RequiredNullable => Some("nullable"),
        Presence::Optional => Some("optional"),
        Presence::Patch => Some("patch"),
        Presence::Const(_) => None,
    }
}

pub(super) fn string_literal(text: &str) -> String {
    Literal::string(text).to_string()
}

pub(super) fn value_note(label: &str, value: &Option<Value>) -> Option<String> {
    value
        .as_ref()
        .map(|v| format!("{label}: `{}`", compact_json(v)))
}

fn compact_json(v: &Value) -> String {
    let text = v.to_string();
    let text = text.replace('`', "'");
    if text.len() > 120 {
        format!(
            "{}…",
            &text[..text.char_indices().nth(117).map_or(text.len(), |(i, _)| i)]
        )
    } else {
        text
    }
}

/// Where the type comes from, as a URI fragment: a JSON pointer with the characters a fragment
/// may not hold percent-encoded, so a reviewer can go from the type to the schema in one step.
pub(super) fn origin_note(origin: &str) -> String {
    let mut fragment = String::with_capacity(origin.len());
    for c in origin.chars() {
        if c.is_ascii_alphanumeric() || "#/~-._!$&'()*+,;=:@".contains(c) {
            fragment.push(c);
        } else {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(fragment, "%{byte:02X}");
            }
        }
    }
    format!("Schema: `{fragment}`")
}

/// Indent of a declaration's header lines.
pub(super) const INDENT: &str = "    ";
/// Indent of a declaration's field, value and variant lines.
pub(super) const MEMBER_INDENT: &str = "        ";

/// Prints the given types, in the given order (`model.order` for all of them), with a blank
/// line before each item.
pub fn emit_types(model: &Model, ids: &[TypeId], spelling: &Spelling) -> Result<String> {
    let mut out = String::new();
    for id in ids {
        let def = model.get(*id);
        out.push('\n');
        match &def.kind {
            TypeKind::Struct(s) => structs::emit_struct(&mut out, model, def, s, spelling),
            TypeKind::Enum(e) => emit_enum(&mut out, def, e),
            TypeKind::Union(u) => unions::emit_union(&mut out, model, def, u, spelling),
            TypeKind::Alias(ty) => {
                out.push_str(&doc_comment(
                    &[def.doc.clone(), Some(origin_note(&def.origin))],
                    "",
                ));
                if def.deprecated {
                    out.push_str("#[deprecated]\n");
                }
                let _ = writeln!(out, "pub type {} = {};", def.name, spelling.ty(model, ty));
            }
        }
        // Read paths and conversions derived from the type's shape, in impls of their own.
        let accessors = super::accessors::emit(model, *id);
        if !accessors.is_empty() {
            out.push('\n');
            out.push_str(&super::format_items(accessors, "accessors")?);
        }
        out.push_str(&super::accessors::as_variants(model, *id, spelling));
    }
    Ok(out)
}

fn emit_enum(out: &mut String, def: &TypeDef, e: &StringEnum) {
    out.push_str("string_enum! {\n");
    out.push_str(&doc_comment(
        &[def.doc.clone(), Some(origin_note(&def.origin))],
        INDENT,
    ));
    if def.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    let default = e
        .default
        .as_deref()
        .filter(|d| e.values.iter().any(|v| v.wire == *d));
    if default.is_some() {
        out.push_str("    #[derive(Default)]\n");
    }
    let _ = writeln!(out, "    pub enum {} ..{} {{", def.name, e.unknown_name);
    for v in &e.values {
        let default = if Some(v.wire.as_str()) == default {
            "#[default] "
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{MEMBER_INDENT}{default}{} = {},",
            v.name,
            string_literal(&v.wire)
        );
    }
    out.push_str("    }\n}\n");
}
