//! The common read paths, derived from the shape of the types rather than their names: which
//! types hold text (`text()`), and a borrowing `as_<variant>()` for each union variant of a
//! named type. Reading an assistant's reply is then `message.as_assistant_message()` and
//! `.text()`, however deep the schema nests its content.

use std::collections::BTreeMap;

use crate::model::*;
use crate::naming::{self, Scope};

/// Settles the accessors of every type of `model`.
pub(super) fn settle(model: &mut Model) {
    let text = text_holders(model);
    let mut accessors = Vec::new();
    for (index, def) in model.types.iter().enumerate() {
        let id = TypeId(index);
        let mut found = Accessors {
            text: text.get(&id).cloned(),
            ..Accessors::default()
        };
        if let TypeKind::Union(union) = &def.kind {
            // The tag's own accessor is taken; `text` too, when this union has it.
            let mut taken = Vec::new();
            if let UnionKind::Tagged(tagged) = &union.kind {
                taken.push(tagged.accessor.as_str());
            }
            if found.text.is_some() && taken.contains(&"text") {
                found.text = None;
            }
            if found.text.is_some() {
                taken.push("text");
            }
            let mut scope = Scope::with_reserved(&taken);
            // A tagged variant is read by its tag (`as_chatgpt_oauth`), which snake-cases
            // better than a name spelt after its type (`ChatGPTOAuth`).
            let spoken: Vec<&str> = match &union.kind {
                UnionKind::Tagged(tagged) => {
                    tagged.variants.iter().map(|v| v.value.as_str()).collect()
                }
                UnionKind::Untagged(variants) => variants.iter().map(|v| v.name.as_str()).collect(),
            };
            for (position, variant) in union.variants().iter().enumerate() {
                if matches!(variant.ty, Ty::Named(_) | Ty::Boxed(_)) {
                    let snake = naming::field_name(spoken[position]);
                    let name = scope.claim_snake(&format!("as_{}", snake.trim_end_matches('_')));
                    found.as_variant.push((position, name));
                }
            }
        }
        if found != Accessors::default() {
            accessors.push((id, found));
        }
    }
    model.accessors = accessors;
}

/// The types that hold text, found to a fixed point (a union of messages holds text once the
/// message types do): a struct with a string `text` or `content` property, or a `content`
/// property of a type that holds text; a union with a variant that is a type holding text
/// or a list of them (a union of a string and text parts, say).
fn text_holders(model: &Model) -> BTreeMap<TypeId, TextAccess> {
    let mut found: BTreeMap<TypeId, TextAccess> = BTreeMap::new();
    loop {
        let mut changed = false;
        for (index, def) in model.types.iter().enumerate() {
            let id = TypeId(index);
            if found.contains_key(&id) {
                continue;
            }
            let access = match &def.kind {
                TypeKind::Struct(s) => struct_text(model, s, &found).map(TextAccess::Field),
                TypeKind::Union(u) => {
                    let variants = u.variants();
                    let parts = variants
                        .iter()
                        .any(|v| holds_text(model, &v.ty, &found, true));
                    // How each variant reads is settled once every holder is known.
                    parts.then(|| TextAccess::Variants(Vec::new()))
                }
                _ => None,
            };
            if let Some(access) = access {
                found.insert(id, access);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let settled = found.clone();
    for (id, access) in found.iter_mut() {
        if let (TextAccess::Variants(reads), TypeKind::Union(u)) = (access, &model.get(*id).kind) {
            *reads = u
                .variants()
                .iter()
                .map(|v| variant_text(model, &v.ty, &settled))
                .collect();
        }
    }
    found
}

/// How a union's variant of type `ty` gives its text.
fn variant_text(model: &Model, ty: &Ty, found: &BTreeMap<TypeId, TextAccess>) -> VariantText {
    match ty {
        Ty::String => VariantText::Itself,
        Ty::Array(item) if holds_text(model, item, found, false) => VariantText::Joined,
        ty if holds_text(model, ty, found, false) => VariantText::Text,
        _ => VariantText::None,
    }
}

/// The field of a struct its text is read from: `text` first, then `content`.
fn struct_text(model: &Model, s: &Struct, found: &BTreeMap<TypeId, TextAccess>) -> Option<usize> {
    let readable = |f: &Field| {
        matches!(
            f.presence,
            Presence::Required | Presence::RequiredNullable | Presence::Optional
        )
    };
    ["text", "content"].iter().find_map(|wire| {
        s.fields.iter().position(|f| {
            f.wire == *wire
                && readable(f)
                && (f.ty == Ty::String || holds_text(model, &f.ty, found, false))
        })
    })
}

/// Whether a value of `ty` has text: a named type found to hold it, through boxes and
/// aliases; as a union's variant (`as_part`), also a list of them.
fn holds_text(model: &Model, ty: &Ty, found: &BTreeMap<TypeId, TextAccess>, as_part: bool) -> bool {
    // Aliases of aliases end somewhere; the bound only keeps a cycle from going on forever.
    let mut ty = ty;
    let mut as_part = as_part;
    for _ in 0..64 {
        match ty {
            Ty::Named(id) => match &model.get(*id).kind {
                TypeKind::Alias(target) => ty = target,
                _ => return found.contains_key(id),
            },
            Ty::Boxed(inner) => ty = inner,
            Ty::Array(item) if as_part => {
                ty = item;
                as_part = false;
            }
            _ => return false,
        }
    }
    false
}
