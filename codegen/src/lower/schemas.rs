//! Lowering of single schemas: scalars, constants, arrays, objects and their fields, string
//! enums; `allOf` and unions are handed on to their own modules.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::{Lowered, Lowerer, MAX_ENUM_VALUES};
use crate::error::{Pointer, Result};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::vocabulary::is_const;

impl Lowerer<'_> {
    pub(super) fn lower_schema_at_depth(
        &mut self,
        schema: &Schema,
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
        patch: bool,
    ) -> Result<Lowered> {
        let data = &schema.schema_data;
        let nullable = data.nullable;
        let is_const = is_const(data);
        let with = |ty: Ty| Lowered {
            ty,
            nullable,
            constant: None,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if is_const && values.len() == 1 {
                    return Ok(Lowered {
                        ty: Ty::String,
                        nullable,
                        constant: Some(Value::String(values[0].clone())),
                    });
                }
                // A huge enum would cost the user minutes of compile time for no safety: text.
                if values.len() > MAX_ENUM_VALUES {
                    return Ok(with(Ty::String));
                }
                if !values.is_empty() {
                    let id = self.slot(slot, name, at);
                    let default = data
                        .default
                        .as_ref()
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    self.set(
                        id,
                        Some(schema),
                        TypeKind::Enum(string_enum(&values, default)),
                    );
                    return Ok(with(Ty::Named(id)));
                }
                let ty = match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::Timestamp,
                    _ => Ty::String,
                };
                Ok(with(ty))
            }
            SchemaKind::Type(Type::Integer(i)) => {
                if is_const && i.enumeration.len() == 1 {
                    if let Some(v) = i.enumeration[0] {
                        return Ok(Lowered {
                            ty: Ty::Integer,
                            nullable,
                            constant: Some(Value::from(v)),
                        });
                    }
                }
                Ok(with(Ty::Integer))
            }
            SchemaKind::Type(Type::Number(_)) => Ok(with(Ty::Number)),
            SchemaKind::Type(Type::Boolean(b)) => {
                if is_const && b.enumeration.len() == 1 {
                    if let Some(v) = b.enumeration[0] {
                        return Ok(Lowered {
                            ty: Ty::Boolean,
                            nullable,
                            constant: Some(Value::Bool(v)),
                        });
                    }
                }
                Ok(with(Ty::Boolean))
            }
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => {
                        self.lower_boxed(items, &format!("{name}Item"), &at.join("items"))?
                            .ty
                    }
                    None => Ty::Json,
                };
                Ok(with(Ty::Array(Box::new(item))))
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    return self.free_object(o.additional_properties.as_ref(), name, at, nullable);
                }
                let id = self.slot(slot, name, at);
                let fields = self.fields(&o.properties, &o.required, name, at, patch)?;
                self.set(id, Some(schema), TypeKind::Struct(fields));
                Ok(with(Ty::Named(id)))
            }
            SchemaKind::AllOf { all_of } => self.all_of(schema, all_of, name, at, slot, patch),
            SchemaKind::OneOf { one_of } => self.union(schema, one_of, name, at, slot),
            SchemaKind::AnyOf { any_of } => self.union(schema, any_of, name, at, slot),
            SchemaKind::Not { .. } => Ok(with(Ty::Json)),
            SchemaKind::Any(any) => {
                if !any.one_of.is_empty() {
                    return self.union(schema, &any.one_of, name, at, slot);
                }
                if !any.any_of.is_empty() {
                    return self.union(schema, &any.any_of, name, at, slot);
                }
                if !any.all_of.is_empty() {
                    return self.all_of(schema, &any.all_of, name, at, slot, patch);
                }
                if !any.properties.is_empty() {
                    let id = self.slot(slot, name, at);
                    let fields = self.fields(&any.properties, &any.required, name, at, patch)?;
                    self.set(id, Some(schema), TypeKind::Struct(fields));
                    return Ok(with(Ty::Named(id)));
                }
                match any.typ.as_deref() {
                    Some("object") => {
                        self.free_object(any.additional_properties.as_ref(), name, at, nullable)
                    }
                    Some("array") => {
                        let item = match &any.items {
                            Some(items) => {
                                self.lower_boxed(items, &format!("{name}Item"), &at.join("items"))?
                                    .ty
                            }
                            None => Ty::Json,
                        };
                        Ok(with(Ty::Array(Box::new(item))))
                    }
                    Some("string") if any.enumeration.is_empty() => Ok(with(Ty::String)),
                    Some("integer") if any.enumeration.is_empty() => Ok(with(Ty::Integer)),
                    Some("number") if any.enumeration.is_empty() => Ok(with(Ty::Number)),
                    Some("boolean") if any.enumeration.is_empty() => Ok(with(Ty::Boolean)),
                    _ => Ok(with(Ty::Json)),
                }
            }
        }
    }

    fn free_object(
        &mut self,
        additional: Option<&AdditionalProperties>,
        name: &str,
        at: &Pointer,
        nullable: bool,
    ) -> Result<Lowered> {
        let ty = match additional {
            Some(AdditionalProperties::Schema(values)) => {
                let value = self
                    .lower_ref(
                        values,
                        &format!("{name}Value"),
                        &at.join("additionalProperties"),
                    )?
                    .ty;
                if value == Ty::Json {
                    Ty::JsonObject
                } else {
                    Ty::Map(Box::new(value))
                }
            }
            _ => Ty::JsonObject,
        };
        Ok(Lowered {
            ty,
            nullable,
            constant: None,
        })
    }

    pub(super) fn fields(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        parent: &str,
        at: &Pointer,
        patch: bool,
    ) -> Result<Struct> {
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        let at = at.join("properties");
        for (wire, schema) in properties {
            let field_at = at.join(wire);
            let inline_name = format!("{parent}{}", naming::type_name(wire));
            let lowered = self.lower_boxed(schema, &inline_name, &field_at)?;
            let data = match schema {
                ReferenceOr::Item(s) => Some(&s.schema_data),
                ReferenceOr::Reference { .. } => None,
            };
            let is_required = required.iter().any(|r| r == wire);
            let presence = if lowered.constant.is_some() {
                Presence::Const
            } else if is_required && !lowered.nullable {
                Presence::Required
            } else if is_required {
                Presence::RequiredNullable
            } else if patch && lowered.nullable {
                Presence::Patch
            } else {
                Presence::Optional
            };
            let name = if presence == Presence::Const {
                naming::field_name(wire)
            } else {
                scope.claim_snake(&naming::field_name(wire))
            };
            fields.push(Field {
                wire: wire.clone(),
                name,
                ty: lowered.ty,
                presence,
                doc: data.and_then(|d| d.description.clone()),
                deprecated: data.is_some_and(|d| d.deprecated),
                default: data.and_then(|d| d.default.clone()),
                constant: lowered.constant,
            });
        }
        let extra_name = scope.claim_snake("extra");
        Ok(Struct { fields, extra_name })
    }
}

fn string_enum(values: &[String], default: Option<String>) -> StringEnum {
    let mut scope = Scope::default();
    let values: Vec<EnumValue> = values
        .iter()
        .map(|wire| EnumValue {
            wire: wire.clone(),
            name: scope.claim(&naming::type_name(wire)),
        })
        .collect();
    let unknown_name = scope.claim("Unknown");
    StringEnum {
        values,
        default,
        unknown_name,
    }
}
