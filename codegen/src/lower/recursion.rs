//! Recursion: a type that contains itself by value has no size, so each by-value use that
//! leads back to its own type is boxed.

use std::collections::BTreeSet;

use crate::model::*;

/// Wraps in `Box` every by-value use of a type that leads back to the type using it.
pub(super) fn box_recursive_fields(model: &mut Model) {
    let edges: Vec<Vec<TypeId>> = model
        .types
        .iter()
        .map(|t| by_value_targets(&t.kind))
        .collect();
    let reaches = |from: TypeId, to: TypeId| -> bool {
        let mut stack = vec![from];
        let mut seen = BTreeSet::new();
        while let Some(t) = stack.pop() {
            if t == to {
                return true;
            }
            if seen.insert(t) {
                stack.extend(edges[t.0].iter().copied());
            }
        }
        false
    };
    let mut changes: Vec<(usize, usize)> = Vec::new();
    for (i, t) in model.types.iter().enumerate() {
        let members: Vec<&Ty> = match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(u) => u.variants().into_iter().map(|v| &v.ty).collect(),
            _ => continue,
        };
        for (j, ty) in members.into_iter().enumerate() {
            if let Ty::Named(target) = ty {
                if reaches(*target, TypeId(i)) {
                    changes.push((i, j));
                }
            }
        }
    }
    for (i, j) in changes {
        match &mut model.types[i].kind {
            TypeKind::Struct(s) => {
                let ty = &mut s.fields[j].ty;
                *ty = Ty::Boxed(Box::new(ty.clone()));
            }
            TypeKind::Union(u) => {
                if let Some(variant) = u.variants_mut().into_iter().nth(j) {
                    variant.ty = Ty::Boxed(Box::new(variant.ty.clone()));
                }
            }
            _ => {}
        }
    }
}

fn by_value_targets(kind: &TypeKind) -> Vec<TypeId> {
    let direct = |ty: &Ty| {
        if let Ty::Named(id) = ty {
            Some(*id)
        } else {
            None
        }
    };
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
        TypeKind::Union(u) => u
            .variants()
            .into_iter()
            .filter_map(|v| direct(&v.ty))
            .collect(),
        TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}
