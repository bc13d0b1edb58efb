//! Single schemas: scalars, constants, arrays, objects and their fields, string enums. `allOf`
//! and unions are handed on to their own modules.

use std::collections::BTreeSet;

use heck::ToShoutySnakeCase;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, ReferenceOr, Schema, SchemaKind, StringFormat, StringType,
    Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::unions::Combinator;
use super::{Lowered, Lowerer, MAX_ENUM_VALUES};
use crate::error::{Pointer, Result};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::vocabulary::is_const;

impl Lowerer<'_> {
    /// Dispatches on the schema's kind; the caller has checked the nesting depth.
    pub(super) fn lower_schema_at_depth(
        &mut self,
        schema: &Schema,
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
        patch: bool,
    ) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        let constant = is_const(&schema.schema_data);
        let plain = |ty: Ty| Ok(Lowered::plain(ty, nullable));
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => self.string(schema, s, name, at, slot),
            SchemaKind::Type(Type::Integer(i)) => match (constant, i.enumeration.as_slice()) {
                (true, [Some(value)]) => Ok(Lowered::constant(
                    Ty::Integer,
                    nullable,
                    ConstValue::Integer(*value),
                )),
                _ => plain(integer(&i.format)),
            },
            SchemaKind::Type(Type::Number(_)) => plain(Ty::Number),
            SchemaKind::Type(Type::Boolean(b)) => match (constant, b.enumeration.as_slice()) {
                (true, [Some(value)]) => Ok(Lowered::constant(
                    Ty::Boolean,
                    nullable,
                    ConstValue::Boolean(*value),
                )),
                _ => plain(Ty::Boolean),
            },
            SchemaKind::Type(Type::Array(a)) => {
                let item = self.items(a.items.as_ref(), name, at)?;
                plain(Ty::Array(Box::new(item)))
            }
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                self.free_object(o.additional_properties.as_ref(), name, at, nullable)
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.object(schema, (&o.properties, &o.required), name, at, slot, patch)
            }
            SchemaKind::AllOf { all_of } => self.all_of(schema, all_of, name, at, slot, patch),
            SchemaKind::OneOf { one_of } => {
                self.union(schema, (one_of, Combinator::OneOf), name, at, slot)
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(schema, (any_of, Combinator::AnyOf), name, at, slot)
            }
            SchemaKind::Not { .. } => plain(Ty::Json),
            SchemaKind::Any(any) => self.any(schema, any, name, at, slot, patch),
        }
    }

    /// A schema `openapiv3` could not file under one kind: the first keyword that decides wins.
    fn any(
        &mut self,
        schema: &Schema,
        any: &openapiv3::AnySchema,
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
        patch: bool,
    ) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        let plain = |ty: Ty| Ok(Lowered::plain(ty, nullable));
        if !any.one_of.is_empty() {
            return self.union(schema, (&any.one_of, Combinator::OneOf), name, at, slot);
        }
        if !any.any_of.is_empty() {
            return self.union(schema, (&any.any_of, Combinator::AnyOf), name, at, slot);
        }
        if !any.all_of.is_empty() {
            return self.all_of(schema, &any.all_of, name, at, slot, patch);
        }
        if !any.properties.is_empty() {
            return self.object(
                schema,
                (&any.properties, &any.required),
                name,
                at,
                slot,
                patch,
            );
        }
        let untyped = any.enumeration.is_empty();
        match any.typ.as_deref() {
            Some("object") => {
                self.free_object(any.additional_properties.as_ref(), name, at, nullable)
            }
            Some("array") => {
                let item = self.items(any.items.as_ref(), name, at)?;
                plain(Ty::Array(Box::new(item)))
            }
            Some("string") if untyped => plain(Ty::String),
            Some("integer") if untyped => plain(integer_of(any.format.as_deref())),
            Some("number") if untyped => plain(Ty::Number),
            Some("boolean") if untyped => plain(Ty::Boolean),
            _ => plain(Ty::Json),
        }
    }

    /// A string: a constant, an open enum, a timestamp or text.
    fn string(
        &mut self,
        schema: &Schema,
        s: &StringType,
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
    ) -> Result<Lowered> {
        let data = &schema.schema_data;
        let plain = |ty: Ty| Ok(Lowered::plain(ty, data.nullable));
        let values = distinct(s.enumeration.iter().flatten());
        if let ([value], true) = (values.as_slice(), is_const(data)) {
            let value = ConstValue::String(value.clone());
            return Ok(Lowered::constant(Ty::String, data.nullable, value));
        }
        // A huge enum would cost the user minutes of compile time for no safety: text.
        if values.len() > MAX_ENUM_VALUES {
            return plain(Ty::String);
        }
        if !values.is_empty() {
            let id = self.slot(slot, name, at);
            let default = data
                .default
                .as_ref()
                .and_then(Value::as_str)
                .map(str::to_owned);
            let kind = TypeKind::Enum(string_enum(&values, default));
            self.set(id, Some(schema), kind);
            return plain(Ty::Named(id));
        }
        match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => plain(Ty::Timestamp),
            _ => plain(Ty::String),
        }
    }

    /// An array's item type, named after the array.
    fn items(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        name: &str,
        at: &Pointer,
    ) -> Result<Ty> {
        match items {
            Some(items) => Ok(self
                .lower_boxed(items, &format!("{name}Item"), &at.join("items"))?
                .ty_or_null()),
            None => Ok(Ty::Json),
        }
    }

    /// An object with properties: a struct.
    fn object(
        &mut self,
        schema: &Schema,
        (properties, required): (&IndexMap<String, ReferenceOr<Box<Schema>>>, &[String]),
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
        patch: bool,
    ) -> Result<Lowered> {
        let id = self.slot(slot, name, at);
        let fields = self.fields(properties, required, name, at, patch)?;
        self.set(id, Some(schema), TypeKind::Struct(fields));
        Ok(Lowered::plain(Ty::Named(id), schema.schema_data.nullable))
    }

    /// An object without properties: a map, typed when its values are.
    fn free_object(
        &mut self,
        additional: Option<&AdditionalProperties>,
        name: &str,
        at: &Pointer,
        nullable: bool,
    ) -> Result<Lowered> {
        let ty = match additional {
            Some(AdditionalProperties::Schema(values)) => {
                let value_at = at.join("additionalProperties");
                let value = self
                    .lower_ref(values, &format!("{name}Value"), &value_at)?
                    .ty_or_null();
                if value == Ty::Json {
                    Ty::JsonObject
                } else {
                    Ty::Map(Box::new(value))
                }
            }
            _ => Ty::JsonObject,
        };
        Ok(Lowered::plain(ty, nullable))
    }

    /// A struct's fields, in property order; `patch` for the body of a PATCH operation.
    pub(super) fn fields(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        parent: &str,
        at: &Pointer,
        patch: bool,
    ) -> Result<Struct> {
        let mut field_names = Scope::default();
        let mut constant_names = Scope::default();
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
            let name = naming::field_name(wire);
            let (name, presence) = match lowered.constant {
                // A constant has no field, so it takes no field name.
                Some(value) => {
                    let constant = name.trim_end_matches('_').to_shouty_snake_case();
                    let constant = Constant {
                        name: constant_names.claim(&constant),
                        value,
                    };
                    (name, Presence::Const(constant))
                }
                None => {
                    let presence = if is_required && !lowered.nullable {
                        Presence::Required
                    } else if is_required {
                        Presence::RequiredNullable
                    } else if patch && lowered.nullable {
                        Presence::Patch
                    } else {
                        Presence::Optional
                    };
                    (field_names.claim_snake(&name), presence)
                }
            };
            fields.push(Field {
                wire: wire.clone(),
                name,
                ty: lowered.ty,
                presence,
                doc: data.and_then(|d| d.description.clone()),
                deprecated: data.is_some_and(|d| d.deprecated),
                default: data.and_then(|d| d.default.clone()),
            });
        }
        let extra_name = field_names.claim_snake("extra");
        Ok(Struct { fields, extra_name })
    }
}

/// An integer's type by its format: `u64` for `uint64`, whose values reach past `i64::MAX`;
/// `i64` for every other, the narrower formats included, so that a value past a narrower
/// type's range still decodes.
fn integer(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Ty {
    match format {
        VariantOrUnknownOrEmpty::Unknown(format) => integer_of(Some(format)),
        _ => Ty::Integer,
    }
}

fn integer_of(format: Option<&str>) -> Ty {
    match format {
        Some("uint64") => Ty::Unsigned,
        _ => Ty::Integer,
    }
}

/// The values in order, each once: a value listed twice is one value, and its second listing
/// would be an arm no text reaches.
pub(super) fn distinct<'a>(values: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    values
        .into_iter()
        .filter(|value| seen.insert(value.as_str()))
        .cloned()
        .collect()
}

pub(super) fn string_enum(values: &[String], default: Option<String>) -> StringEnum {
    let mut scope = Scope::default();
    let values: Vec<EnumValue> = values
        .iter()
        .map(|wire| EnumValue {
            wire: wire.clone(),
            name: scope.claim(&naming::type_name(wire)),
        })
        .collect();
    let unknown_name = scope.claim(UNKNOWN_ARM);
    StringEnum {
        values,
        default,
        unknown_name,
    }
}
