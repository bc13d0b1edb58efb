//! Prints an object as an `object!` declaration: one line per field (Rust name, type, presence,
//! wire name) behind its docs, the `const` properties as constants, and the constructor's
//! arguments. The runtime's macro expands it to the struct and serde impls that keep unknown
//! properties in `extra` without `#[serde(flatten)]`'s buffering, and write and check the
//! constants, which have no field.

use std::fmt::Write as _;

use proc_macro2::Literal;

use super::docs::doc_comment;
use super::spelling::{
    INDENT, MEMBER_INDENT, Spelling, origin_note, presence_word, string_literal, value_note,
};
use crate::model::*;

pub fn emit_struct(
    out: &mut String,
    model: &Model,
    def: &TypeDef,
    s: &Struct,
    spelling: &Spelling,
) {
    out.push_str("object! {\n");
    out.push_str(&doc_comment(
        &[def.doc.clone(), Some(origin_note(&def.origin))],
        INDENT,
    ));
    if def.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    // The macros make every enum and union `#[non_exhaustive]`; a struct only answers hold
    // is too, so a new property does not break users (they build it with `new` or `Default`).
    if def.non_exhaustive() {
        out.push_str("    #[non_exhaustive]\n");
    }
    let _ = writeln!(out, "    pub struct {} ..{} {{", def.name, s.extra_name);
    for f in &s.fields {
        let (Some(presence), Some(ty)) = (presence_word(model, f), spelling.field_ty(model, f))
        else {
            continue;
        };
        let mut notes = vec![f.doc.clone()];
        if f.presence == Presence::Patch {
            notes.push(Some("Leave as `Patch::Unchanged` to keep the current value, `Patch::Clear` to send `null`.".into()));
        }
        notes.push(value_note("Server default", &f.default));
        out.push_str(&doc_comment(&notes, MEMBER_INDENT));
        if f.deprecated {
            let _ = writeln!(out, "{MEMBER_INDENT}#[deprecated]");
        }
        let _ = writeln!(
            out,
            "{MEMBER_INDENT}pub {}: {ty} = {presence}({}),",
            f.name,
            string_literal(&f.wire)
        );
    }
    out.push_str("    }\n");
    for f in &s.fields {
        let Presence::Const(constant) = &f.presence else {
            continue;
        };
        let (ty, value) = match &constant.value {
            ConstValue::String(v) => ("&str", string_literal(v)),
            ConstValue::Boolean(v) => ("bool", v.to_string()),
            ConstValue::Integer(v) => ("i64", Literal::i64_unsuffixed(*v).to_string()),
        };
        let fixed = format!(
            "The fixed value of the `{}` property, written on every encode.",
            f.wire
        );
        out.push_str(&doc_comment(&[Some(fixed), f.doc.clone()], INDENT));
        let _ = writeln!(
            out,
            "{INDENT}const {}: {ty} = {value} for {};",
            constant.name,
            string_literal(&f.wire)
        );
    }
    let required: Vec<String> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .filter_map(|f| Some(format!("{}: {}", f.name, spelling.field_ty(model, f)?)))
        .collect();
    if !required.is_empty() {
        let _ = writeln!(out, "{INDENT}fn new({});", required.join(", "));
    }
    out.push_str("}\n");
}
