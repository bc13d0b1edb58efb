//! Prints the read paths and conversions lowering derived from a type's shape, each a
//! declaration in the runtime's macros: `text()` (`text!`), `From<&str>` beside a union's
//! `From<String>` (`str_into!`), and the `as_<variant>()` accessors (`as_variants!`), a line per
//! variant.

use std::fmt::Write as _;

use super::docs::doc_comment;
use super::spelling::{INDENT, MEMBER_INDENT, Spelling, ident};
use crate::model::*;

/// The `text!` and `str_into!` declarations of type `id` (nothing when it has none), each
/// behind a blank line.
pub fn emit(model: &Model, id: TypeId) -> String {
    let def = model.get(id);
    let mut out = String::new();
    if let Some(text) = model.accessors_of(id).and_then(|a| a.text.as_ref()) {
        text_declaration(&mut out, def, text);
    }
    if let Some(variant) = string_variant(def) {
        let _ = writeln!(
            out,
            "\nstr_into! {{ impl {} from {} }}",
            ident(&def.name),
            ident(&variant.name)
        );
    }
    out
}

/// The declaration macros type `id` is printed with besides its own.
pub fn macros(model: &Model, id: TypeId) -> impl Iterator<Item = &'static str> {
    let def = model.get(id);
    let text = model.accessors_of(id).is_some_and(|a| a.text.is_some());
    let as_variants = matches!(def.kind, TypeKind::Union(_))
        && model
            .accessors_of(id)
            .is_some_and(|a| !a.as_variant.is_empty());
    [
        text.then_some("text"),
        string_variant(def).map(|_| "str_into"),
        as_variants.then_some("as_variants"),
    ]
    .into_iter()
    .flatten()
}

/// The one string variant of a union, which `From<&str>` fills as `From<String>` does.
fn string_variant(def: &TypeDef) -> Option<&Variant> {
    let TypeKind::Union(union) = &def.kind else {
        return None;
    };
    let variants = union.variants();
    let strings: Vec<&&Variant> = variants.iter().filter(|v| v.ty == Ty::String).collect();
    match strings.as_slice() {
        [variant] => Some(**variant),
        _ => None,
    }
}

fn text_declaration(out: &mut String, def: &TypeDef, text: &TextAccess) {
    let name = ident(&def.name);
    match (&def.kind, text) {
        (TypeKind::Struct(s), TextAccess::Field(index)) => {
            let Some(field) = s.fields.get(*index) else {
                return;
            };
            let how = match (field.ty == Ty::String, field.presence == Presence::Required) {
                (true, true) => "String",
                (true, false) => "String?",
                (false, true) => "text",
                (false, false) => "text?",
            };
            let doc = format!("The text this value holds: its `{}`.", field.wire);
            out.push_str("\ntext! {\n");
            out.push_str(&doc_comment(&[Some(doc)], INDENT));
            let _ = writeln!(
                out,
                "{INDENT}impl {name} {{ {}: {how} }}\n}}",
                ident(&field.name)
            );
        }
        (TypeKind::Union(union), TextAccess::Variants(reads)) => {
            let _ = writeln!(out, "\ntext! {{\n{INDENT}impl {name} {{");
            for (variant, read) in union.variants().into_iter().zip(reads) {
                let read = match read {
                    VariantText::Itself => "itself",
                    VariantText::Joined => "joined",
                    VariantText::Text => "text",
                    VariantText::None => "none",
                };
                let _ = writeln!(out, "{MEMBER_INDENT}{}: {read},", ident(&variant.name));
            }
            let _ = writeln!(out, "{INDENT}}} or {}\n}}", ident(&union.unknown_name));
        }
        _ => {}
    }
}

/// The `as_<variant>()` accessors as one `as_variants!` declaration, a line per variant, so a
/// new variant is a one-line diff (the runtime's macro writes the method).
pub fn as_variants(model: &Model, id: TypeId, spelling: &Spelling) -> String {
    let def = model.get(id);
    let (Some(accessors), TypeKind::Union(union)) = (model.accessors_of(id), &def.kind) else {
        return String::new();
    };
    let variants = union.variants();
    let mut lines = String::new();
    for (position, method) in &accessors.as_variant {
        if let Some(variant) = variants.get(*position) {
            let ty = match &variant.ty {
                Ty::Boxed(inner) => inner.as_ref(),
                ty => ty,
            };
            let _ = writeln!(
                lines,
                "        {method}({}) -> {};",
                variant.name,
                spelling.ty(model, ty)
            );
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "\nas_variants! {{\n    impl {} {{\n{lines}    }}\n}}\n",
        def.name
    )
}
