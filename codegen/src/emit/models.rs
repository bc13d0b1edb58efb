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

use super::docs::doc_comment;
use super::spelling::{
    INDENT, MEMBER_INDENT, Spelling, origin_note, presence_word, string_literal,
};
use super::{structs, unions};
use crate::model::*;

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
        Ty::Array(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => uses(inner, used),
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
                    let Some(word) = presence_word(model, f) else {
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
                for v in u.variants() {
                    uses(&v.ty, &mut used);
                }
            }
            TypeKind::Alias(ty) => uses(ty, &mut used),
        }
    }
    for id in &model.order {
        macros.extend(super::accessors::macros(model, *id));
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
    for (path, name) in spelling.imports(&used) {
        imports.entry(path).or_default().push(name);
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

/// Prints the given types, in the given order (`model.order` for all of them), with a blank
/// line before each item.
pub fn emit_types(model: &Model, ids: &[TypeId], spelling: &Spelling) -> String {
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
        // Read paths and conversions derived from the type's shape, in declarations of their own.
        out.push_str(&super::accessors::emit(model, *id));
        out.push_str(&super::accessors::as_variants(model, *id, spelling));
    }
    out
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
