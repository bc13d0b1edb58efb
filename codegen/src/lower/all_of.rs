//! `allOf`: one part is that part; several are one struct with the properties of all of them.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::{Lowered, Lowerer};
use crate::error::{Pointer, Result};
use crate::model::*;

impl Lowerer<'_> {
    pub(super) fn all_of(
        &mut self,
        schema: &Schema,
        parts: &[ReferenceOr<Schema>],
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
        patch: bool,
    ) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        if parts.len() == 1 {
            let inner = self.lower_ref(&parts[0], name, &at.join("allOf").join(0))?;
            return Ok(Lowered {
                ty: inner.ty,
                nullable: nullable || inner.nullable,
                constant: inner.constant,
            });
        }
        if let Some(&(_, _, id)) = self
            .merging
            .iter()
            .find(|(merging, p, _)| *p == patch && merging == schema)
        {
            return Ok(Lowered::plain(Ty::Named(id), nullable));
        }
        // Several parts: one struct with the properties of all of them, in order.
        let mut properties = indexmap::IndexMap::new();
        let mut required = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_at = at.join("allOf").join(i);
            let resolved = self.resolve(part, &part_at)?;
            let (props, req) = match &resolved.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (o.properties.clone(), o.required.clone()),
                SchemaKind::Any(a) => (a.properties.clone(), a.required.clone()),
                _ => {
                    return Ok(Lowered::plain(Ty::Json, nullable));
                }
            };
            for (k, v) in props {
                properties.entry(k).or_insert(v);
            }
            required.extend(req);
        }
        let id = self.slot(slot, name, at);
        self.merging.push((schema.clone(), patch, id));
        let fields = self.fields(&properties, &required, name, at, patch);
        self.merging.pop();
        self.set(id, Some(schema), TypeKind::Struct(fields?));
        Ok(Lowered::plain(Ty::Named(id), nullable))
    }
}
