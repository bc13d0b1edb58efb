//! `oneOf` and `anyOf`: tagged by a property (named by a discriminator, or fixed by `const` in
//! every variant) or untagged. A union met again (an inline copy of a component union, or a
//! repeated inline union of components that share a suffix) is the type it was the first time.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::schemas::{distinct, string_enum};
use super::{Lowered, Lowerer, MAX_ENUM_VALUES};
use crate::error::{Error, Pointer, Result};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::vocabulary::{self, is_const, mapping_target};

/// The values of a union whose alternatives are all inline string constants or enums, in
/// order, each once; `None` for any other union (one of named enums keeps its types).
fn inline_string_values(alternatives: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
    if alternatives.len() < 2 {
        return None;
    }
    let mut values = Vec::new();
    for alternative in alternatives {
        match alternative {
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::String(s)),
                schema_data,
            }) if !s.enumeration.is_empty()
                && s.enumeration.iter().all(Option::is_some)
                && !schema_data.nullable =>
            {
                values.extend(s.enumeration.iter().flatten());
            }
            _ => return None,
        }
    }
    (values.len() <= MAX_ENUM_VALUES).then(|| distinct(values))
}

/// Which list of a schema holds a union's alternatives, for pointers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Combinator {
    OneOf,
    AnyOf,
}

impl Combinator {
    fn key(self) -> &'static str {
        match self {
            Combinator::OneOf => "oneOf",
            Combinator::AnyOf => "anyOf",
        }
    }
}

/// The structure of a union of references, without prose: two unions with the same key are
/// the same type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct UnionKey {
    alternatives: Vec<String>,
    /// The discriminator's property and mapping, in order.
    discriminator: Option<(String, Vec<(String, String)>)>,
}

/// The key of a schema whose alternatives are all references.
pub(super) fn union_key(schema: &Schema, alternatives: &[ReferenceOr<Schema>]) -> Option<UnionKey> {
    let alternatives = alternatives
        .iter()
        .map(|a| match a {
            ReferenceOr::Reference { reference } => Some(reference.clone()),
            ReferenceOr::Item(_) => None,
        })
        .collect::<Option<Vec<String>>>()?;
    let discriminator = schema.schema_data.discriminator.as_ref().map(|d| {
        let mapping = d.mapping.iter().map(|(k, v)| (k.clone(), v.clone()));
        (d.property_name.clone(), mapping.collect())
    });
    Some(UnionKey {
        alternatives,
        discriminator,
    })
}

/// The alternatives of a union schema and the list that holds them, as lowering reads them.
pub(super) fn alternatives_of(schema: &Schema) -> Option<(&[ReferenceOr<Schema>], Combinator)> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => Some((one_of, Combinator::OneOf)),
        SchemaKind::AnyOf { any_of } => Some((any_of, Combinator::AnyOf)),
        SchemaKind::Any(any) if !any.one_of.is_empty() => Some((&any.one_of, Combinator::OneOf)),
        SchemaKind::Any(any) if !any.any_of.is_empty() => Some((&any.any_of, Combinator::AnyOf)),
        _ => None,
    }
}

impl Lowerer<'_> {
    /// A union schema: `alternatives` are its `oneOf` or `anyOf` (`combinator`).
    pub(super) fn union(
        &mut self,
        schema: &Schema,
        (alternatives, combinator): (&[ReferenceOr<Schema>], Combinator),
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
    ) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        if schema.schema_data.discriminator.is_none() {
            if let Some(values) = inline_string_values(alternatives) {
                // `oneOf: [{const: "a"}, {const: "b"}]` spells an enum; as a union, the first
                // arm (a `String`) would take every value.
                let id = self.slot(slot, name, at);
                let default = schema.schema_data.default.as_ref().and_then(Value::as_str);
                let kind = TypeKind::Enum(string_enum(&values, default.map(str::to_owned)));
                self.set(id, Some(schema), kind);
                return Ok(Lowered::plain(Ty::Named(id), nullable));
            }
        }
        let key = union_key(schema, alternatives);
        if slot.is_none() {
            if let Some(&id) = key.as_ref().and_then(|key| self.component_unions.get(key)) {
                return Ok(Lowered::plain(Ty::Named(id), nullable));
            }
        }
        // Inline unions of components named by a shared suffix are one type wherever they repeat.
        let mut shared_key = None;
        let mut name = name.to_owned();
        if let (None, Some(key)) = (slot, key) {
            let ids: Vec<TypeId> = key
                .alternatives
                .iter()
                .map(|r| self.named(r, at))
                .collect::<Result<_>>()?;
            let names: Vec<String> = ids.iter().map(|id| self.names[id.0].clone()).collect();
            if let Some(suffix) = naming::shared_suffix(&names) {
                if let Some(&id) = self.shared_unions.get(&key) {
                    return Ok(Lowered::plain(Ty::Named(id), nullable));
                }
                name = suffix;
                shared_key = Some(key);
            }
        }
        let id = self.slot(slot, &name, at);
        let shared = shared_key.is_some();
        if let Some(key) = shared_key {
            self.shared_unions.insert(key, id);
        }
        let union_name = self.names[id.0].clone();
        let mut variant_names = Scope::default();
        let kind = match &schema.schema_data.discriminator {
            Some(d) => {
                let tag = Tag {
                    property: &d.property_name,
                    mapping: &d.mapping,
                    source: TagSource::Discriminator,
                };
                let at = (at, combinator);
                self.tagged(alternatives, tag, &union_name, at, &mut variant_names)?
            }
            None => match self.implicit_tag(alternatives, at)? {
                Some(property) => {
                    let no_mapping = indexmap::IndexMap::new();
                    let tag = Tag {
                        property: &property,
                        mapping: &no_mapping,
                        source: TagSource::Constants,
                    };
                    let at = (at, combinator);
                    self.tagged(alternatives, tag, &union_name, at, &mut variant_names)?
                }
                None => {
                    let at = (at, combinator);
                    self.untagged(alternatives, &union_name, at, &mut variant_names)?
                }
            },
        };
        let union = Union {
            kind,
            unknown_name: variant_names.claim(UNKNOWN_ARM),
        };
        self.set(id, Some(schema), TypeKind::Union(union));
        if shared {
            // The description belongs to the first place the union appeared, not to the type.
            if let Some(def) = self.types[id.0].as_mut() {
                def.doc = None;
            }
        }
        Ok(Lowered::plain(Ty::Named(id), nullable))
    }

    /// The `const` value of `property` in an object schema, if it has one.
    fn const_of(&self, schema: &Schema, property: &str, at: &Pointer) -> Result<Option<String>> {
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => &o.properties,
            SchemaKind::Any(a) => &a.properties,
            _ => return Ok(None),
        };
        let Some(prop) = properties.get(property) else {
            return Ok(None);
        };
        let prop = match prop {
            ReferenceOr::Item(s) => s.as_ref(),
            ReferenceOr::Reference { reference } => self.resolve(
                vocabulary::component::<Schema>(self.spec, reference, at)?,
                at,
            )?,
        };
        let is_const = is_const(&prop.schema_data);
        Ok(match &prop.schema_kind {
            SchemaKind::Type(Type::String(s)) if is_const || s.enumeration.len() == 1 => {
                s.enumeration.first().cloned().flatten()
            }
            _ => None,
        })
    }

    /// A property every alternative fixes to a distinct constant: a discriminator in all but name.
    fn implicit_tag(
        &self,
        alternatives: &[ReferenceOr<Schema>],
        at: &Pointer,
    ) -> Result<Option<String>> {
        if alternatives.len() < 2 {
            return Ok(None);
        }
        let mut resolved = Vec::new();
        for (i, a) in alternatives.iter().enumerate() {
            resolved.push(self.resolve(a, &at.join(i))?);
        }
        let candidates: Vec<String> = match &resolved[0].schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.properties.keys().cloned().collect(),
            SchemaKind::Any(a) => a.properties.keys().cloned().collect(),
            _ => return Ok(None),
        };
        'candidates: for property in candidates {
            let mut seen = BTreeSet::new();
            for s in &resolved {
                match self.const_of(s, &property, at)? {
                    Some(value) if !seen.contains(&value) => {
                        seen.insert(value);
                    }
                    _ => continue 'candidates,
                }
            }
            return Ok(Some(property));
        }
        Ok(None)
    }

    /// The variants of a union tagged by `tag`, each with its tag value: from the mapping, the
    /// variant's own `const`, or the name of the component it refers to.
    fn tagged(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        tag: Tag<'_>,
        union_name: &str,
        (at, combinator): (&Pointer, Combinator),
        scope: &mut Scope,
    ) -> Result<UnionKind> {
        let Tag {
            property,
            mapping,
            source,
        } = tag;
        let mut variants = Vec::new();
        let mut tags_seen = BTreeSet::new();
        for (tag, target) in mapping {
            let target = mapping_target(target);
            if !alternatives
                .iter()
                .any(|a| matches!(a, ReferenceOr::Reference { reference } if *reference == target))
            {
                self.named(&target, &at.join("discriminator").join("mapping").join(tag)).map_err(|e| {
                    e.hint("every discriminator mapping must point to a schema listed in the union")
                })?;
            }
        }
        for (i, alternative) in alternatives.iter().enumerate() {
            let alt_at = at.join(combinator.key()).join(i);
            let resolved = self.resolve(alternative, &alt_at)?;
            let own_const = self.const_of(resolved, property, &alt_at)?;
            let (ty, doc, fallback_tag) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let id = self.named(reference, &alt_at)?;
                    let raw = reference.rsplit('/').next().unwrap_or(reference).to_owned();
                    (Ty::Named(id), resolved.schema_data.description.clone(), raw)
                }
                ReferenceOr::Item(s) => {
                    let inline = format!("{union_name}Variant{}", i + 1);
                    let lowered = self.lower_schema(s, &inline, &alt_at, None, false)?;
                    (lowered.ty, s.schema_data.description.clone(), String::new())
                }
            };
            let mapped: Vec<&String> = mapping
                .iter()
                .filter(|(_, t)| matches!(alternative, ReferenceOr::Reference { reference } if mapping_target(t) == *reference))
                .map(|(tag, _)| tag)
                .collect();
            let tag = match (mapped.first(), &own_const) {
                (Some(tag), _) => (*tag).clone(),
                (None, Some(c)) => c.clone(),
                (None, None) if !fallback_tag.is_empty() => fallback_tag,
                (None, None) => {
                    return Err(Error::at(alt_at.as_str(), format!("this variant has no value for the discriminator `{property}`"))
                        .hint("give the variant a `const` for the tag property, or list it in the discriminator mapping"));
                }
            };
            if !tags_seen.insert(tag.clone()) {
                return Err(Error::at(
                    alt_at.as_str(),
                    format!("two variants share the discriminator value `{tag}`"),
                )
                .hint("each variant needs its own tag value"));
            }
            // A variant holding a named type takes that type's spelling of the tag's words.
            let spelt = match &ty {
                Ty::Named(id) => naming::spelling_in(&tag, &self.names[id.0]),
                _ => None,
            };
            let name = spelt.unwrap_or_else(|| naming::type_name(&tag));
            variants.push(TaggedVariant {
                variant: Variant {
                    name: scope.claim(&name),
                    ty,
                    doc,
                },
                writes_tag: own_const.as_deref() == Some(tag.as_str()),
                value: tag,
            });
        }
        Ok(UnionKind::Tagged(Tagged {
            property: property.to_owned(),
            accessor: naming::field_name(property),
            source,
            variants,
        }))
    }

    /// The variants of a union without a tag, named by their types.
    fn untagged(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        union_name: &str,
        (at, combinator): (&Pointer, Combinator),
        scope: &mut Scope,
    ) -> Result<UnionKind> {
        let mut variants = Vec::new();
        for (i, alternative) in alternatives.iter().enumerate() {
            let alt_at = at.join(combinator.key()).join(i);
            // An inline array's items are named after the union (`…InputItem`), not the position.
            let is_array = matches!(alternative, ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Type(Type::Array(_))));
            let inline = if is_array {
                union_name.to_owned()
            } else {
                format!("{union_name}Variant{}", i + 1)
            };
            let lowered = self.lower_ref(alternative, &inline, &alt_at)?;
            let doc = match alternative {
                ReferenceOr::Item(s) => s.schema_data.description.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            let name = scope.claim(&self.variant_name(&lowered.ty));
            variants.push(Variant {
                name,
                ty: lowered.ty,
                doc,
            });
        }
        Ok(UnionKind::Untagged(variants))
    }

    fn variant_name(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "String".into(),
            Ty::Integer | Ty::Unsigned => "Integer".into(),
            Ty::Number => "Number".into(),
            Ty::Boolean => "Boolean".into(),
            Ty::Timestamp => "Timestamp".into(),
            Ty::Json => "Any".into(),
            Ty::JsonObject | Ty::Map(_) => "Object".into(),
            Ty::Array(inner) => format!("{}List", self.variant_name(inner)),
            Ty::Named(id) => self.names[id.0].clone(),
            Ty::Boxed(inner) => self.variant_name(inner),
            Ty::Nullable(inner) => format!("Nullable{}", self.variant_name(inner)),
        }
    }
}

/// How a union is tagged: the property, the schema's mapping, and where the tag comes from.
#[derive(Clone, Copy)]
struct Tag<'t> {
    property: &'t str,
    mapping: &'t indexmap::IndexMap<String, String>,
    source: TagSource,
}
