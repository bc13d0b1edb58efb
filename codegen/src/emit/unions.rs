//! Prints an open union as a `union!` declaration: how it dispatches (`by accessor = "tag"`, `or
//! shape` when every variant fixes the tag by `const`, `by shape` without a tag), one line per
//! variant with its tag value, and the properties every variant declares. The runtime's macro
//! expands it: a tagged union decodes in one pass (members before the tag are kept, the chosen
//! variant reads them and then the rest of the input), an untagged one takes the first variant
//! that accepts the value (flagged `known`, a string enum only with a value it declares;
//! flagged `open`, an object before another only when it declares every property); both keep
//! what they do not know in the `Unknown` arm.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::docs::doc_comment;
use super::spelling::{INDENT, MEMBER_INDENT, Spelling, origin_note, string_literal};
use crate::model::*;

pub fn emit_union(out: &mut String, model: &Model, def: &TypeDef, u: &Union, spelling: &Spelling) {
    let name = def.name.as_str();
    let unknown = u.unknown_name.as_str();
    // One per variant of an untagged union, in order; none for a tagged one.
    let flags = match &u.kind {
        UnionKind::Untagged(variants) => shape_flags(model, variants),
        UnionKind::Tagged(_) => Vec::new(),
    };
    let dispatch = match &u.kind {
        UnionKind::Tagged(t) if t.source == TagSource::Discriminator => format!(
            "Decoding dispatches on the `{}` property. A payload with a value this client does not know \
             decodes into `{name}::{unknown}`, kept whole; a payload without the property is an error.",
            t.property
        ),
        UnionKind::Tagged(t) => format!(
            "Decoding dispatches on the `{}` property, which each variant fixes. A payload without it \
             is matched against the variants in order; one with an unknown value, or that matches none, \
             decodes into `{name}::{unknown}`, kept whole.",
            t.property
        ),
        UnionKind::Untagged(_) => {
            let mut notes = Vec::new();
            if flags.contains(&Some(ShapeFlag::Open)) {
                notes.push(
                    "an object that declares every property of the payload before one that \
                     would keep some in `extra`",
                );
            }
            if flags.contains(&Some(ShapeFlag::Known)) {
                notes.push("a string enum only with a value it declares");
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join("; "))
            };
            format!(
                "The schema names no tag, so decoding takes the first variant that accepts the \
                 payload{notes}; a payload no variant accepts decodes into `{name}::{unknown}`, \
                 kept whole."
            )
        }
    };
    out.push_str("union! {\n");
    out.push_str(&doc_comment(
        &[
            def.doc.clone(),
            Some(origin_note(&def.origin)),
            Some(dispatch),
        ],
        INDENT,
    ));
    if def.deprecated {
        let _ = writeln!(out, "{INDENT}#[deprecated]");
    }
    let by = match &u.kind {
        UnionKind::Tagged(t) => {
            let property = string_literal(&t.property);
            match t.source {
                TagSource::Discriminator => format!("{} = {property}", t.accessor),
                TagSource::Constants => format!("{} = {property} or shape", t.accessor),
            }
        }
        UnionKind::Untagged(_) => "shape".to_owned(),
    };
    let _ = writeln!(out, "{INDENT}pub enum {name} ..{unknown} by {by} {{");
    // `From` for each variant type that appears once, aliases seen through: `From<Id>` and
    // `From<String>` are one impl when `type Id = String`.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in u.variants() {
        *counts
            .entry(spelling.ty(model, &model.unaliased(&v.ty)))
            .or_default() += 1;
    }
    let mut variant = |v: &Variant, tag: Option<(&str, &str, bool)>, flag: Option<ShapeFlag>| {
        let tag_note = tag.map(|(property, value, _)| format!("`{property}: \"{value}\"`"));
        out.push_str(&doc_comment(&[tag_note, v.doc.clone()], MEMBER_INDENT));
        let ty = spelling.ty(model, &v.ty);
        let _ = write!(out, "{MEMBER_INDENT}{}({ty})", v.name);
        if let Some((_, value, writes_tag)) = tag {
            let _ = write!(out, " = {}", string_literal(value));
            if !writes_tag {
                out.push_str(" adds_tag");
            }
        }
        match flag {
            Some(ShapeFlag::Known) => out.push_str(" known"),
            Some(ShapeFlag::Open) => out.push_str(" open"),
            None => {}
        }
        let unaliased = spelling.ty(model, &model.unaliased(&v.ty));
        if counts.get(&unaliased).is_some_and(|n| *n > 1) {
            out.push_str(" no_from");
        }
        out.push_str(",\n");
    };
    match &u.kind {
        UnionKind::Tagged(t) => {
            for tv in &t.variants {
                variant(
                    &tv.variant,
                    Some((&t.property, &tv.value, tv.writes_tag)),
                    None,
                );
            }
        }
        UnionKind::Untagged(variants) => {
            for (v, flag) in variants.iter().zip(&flags) {
                variant(v, None, *flag);
            }
        }
    }
    let _ = writeln!(out, "{INDENT}}}");
    if let UnionKind::Tagged(t) = &u.kind {
        let shared = declared_by_every_variant(model, t);
        if !shared.is_empty() {
            let shared: Vec<String> = shared.into_iter().map(string_literal).collect();
            let _ = writeln!(out, "{INDENT}reads [{}];", shared.join(", "));
        }
    }
    out.push_str("}\n");
}

/// How a variant of an untagged union is tried, when its type would accept more than it
/// declares (aliases seen through).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShapeFlag {
    /// An open string enum, whose `Unknown` arm would take every string.
    Known,
    /// An object beside another, which keeps what it does not declare and so accepts every
    /// object: the other may declare more of it.
    Open,
}

/// The flag of each variant of an untagged union, in order.
fn shape_flags(model: &Model, variants: &[Variant]) -> Vec<Option<ShapeFlag>> {
    let kinds: Vec<Option<&TypeKind>> = variants
        .iter()
        .map(|v| match model.unaliased(&v.ty) {
            Ty::Named(id) => Some(&model.get(id).kind),
            _ => None,
        })
        .collect();
    let objects = kinds
        .iter()
        .filter(|kind| matches!(kind, Some(TypeKind::Struct(_))))
        .count();
    kinds
        .into_iter()
        .map(|kind| match kind {
            Some(TypeKind::Enum(_)) => Some(ShapeFlag::Known),
            Some(TypeKind::Struct(_)) if objects > 1 => Some(ShapeFlag::Open),
            _ => None,
        })
        .collect()
}

/// The properties every variant declares, in the first variant's order: read before the tag,
/// they become a typed field whichever variant it names, never a kept unknown property, so the
/// union reads them without keeping their text.
fn declared_by_every_variant<'m>(model: &'m Model, t: &Tagged) -> Vec<&'m str> {
    let fields = |tv: &TaggedVariant| match &tv.variant.ty {
        Ty::Named(id) => match &model.get(*id).kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    };
    let Some(all) = t.variants.iter().map(fields).collect::<Option<Vec<_>>>() else {
        return Vec::new();
    };
    let Some((first, rest)) = all.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .map(|f| f.wire.as_str())
        .filter(|wire| {
            rest.iter()
                .all(|fields| fields.iter().any(|f| f.wire == *wire))
        })
        .collect()
}
