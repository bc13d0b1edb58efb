//! `oneOf` and `anyOf`: tagged by a property (named by a discriminator, or fixed by `const` in
//! every variant) or untagged; repeats of one union share its type.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::{Lowered, Lowerer};
use crate::error::{Error, Pointer, Result};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::vocabulary::{self, is_const, mapping_target};

impl Lowerer<'_> {
    pub(super) fn union(
        &mut self,
        schema: &Schema,
        alternatives: &[ReferenceOr<Schema>],
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
    ) -> Result<Lowered> {
        let nullable = schema.schema_data.nullable;
        let all_refs: Option<Vec<&str>> = alternatives
            .iter()
            .map(|a| match a {
                ReferenceOr::Reference { reference } => Some(reference.as_str()),
                ReferenceOr::Item(_) => None,
            })
            .collect();
        if slot.is_none() {
            if let Some(&id) = union_key(schema).and_then(|key| self.component_unions.get(&key)) {
                return Ok(Lowered {
                    ty: Ty::Named(id),
                    nullable,
                    constant: None,
                });
            }
        }
        // Inline unions of components named by a shared suffix are one type wherever they repeat.
        let mut shared_key = None;
        let mut name = name.to_owned();
        if slot.is_none() {
            if let Some(refs) = &all_refs {
                let ids: Vec<TypeId> = refs
                    .iter()
                    .map(|r| self.named(r, at))
                    .collect::<Result<_>>()?;
                let names: Vec<String> = ids.iter().map(|id| self.names[id.0].clone()).collect();
                if let Some(suffix) = naming::shared_suffix(&names) {
                    let key = union_key(schema).unwrap_or_default();
                    if let Some(&id) = self.shared_unions.get(&key) {
                        return Ok(Lowered {
                            ty: Ty::Named(id),
                            nullable,
                            constant: None,
                        });
                    }
                    name = suffix;
                    shared_key = Some(key);
                }
            }
        }
        let id = self.slot(slot, &name, at);
        let shared = shared_key.is_some();
        if let Some(key) = shared_key {
            self.shared_unions.insert(key, id);
        }
        let union_name = self.names[id.0].clone();
        let combinator = if matches!(schema.schema_kind, SchemaKind::AnyOf { .. }) {
            "anyOf"
        } else {
            "oneOf"
        };
        let union = match &schema.schema_data.discriminator {
            Some(d) => {
                let tag = Tag {
                    property: &d.property_name,
                    mapping: &d.mapping,
                    explicit: true,
                };
                self.tagged_union(alternatives, tag, &union_name, at, combinator)?
            }
            None => match self.implicit_tag(alternatives, at)? {
                Some(property) => {
                    let no_mapping = indexmap::IndexMap::new();
                    let tag = Tag {
                        property: &property,
                        mapping: &no_mapping,
                        explicit: false,
                    };
                    self.tagged_union(alternatives, tag, &union_name, at, combinator)?
                }
                None => self.untagged_union(alternatives, &union_name, at, combinator)?,
            },
        };
        self.set(id, Some(schema), TypeKind::Union(union));
        if shared {
            // The description belongs to the first place the union appeared, not to the type.
            if let Some(def) = self.types[id.0].as_mut() {
                def.doc = None;
            }
        }
        Ok(Lowered {
            ty: Ty::Named(id),
            nullable,
            constant: None,
        })
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

    fn tagged_union(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        tag: Tag<'_>,
        union_name: &str,
        at: &Pointer,
        combinator: &str,
    ) -> Result<Union> {
        let Tag {
            property,
            mapping,
            explicit,
        } = tag;
        let mut scope = Scope::default();
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
            let alt_at = at.join(combinator).join(i);
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
            let writes_tag = own_const.as_deref() == Some(tag.as_str());
            variants.push(Variant {
                name: scope.claim(&naming::type_name(&tag)),
                ty,
                tag: Some(tag),
                writes_tag,
                doc,
            });
        }
        let unknown_name = scope.claim("Unknown");
        Ok(Union {
            discriminator: Some(Discriminator {
                property: property.to_owned(),
                explicit,
            }),
            variants,
            unknown_name,
        })
    }

    fn untagged_union(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        union_name: &str,
        at: &Pointer,
        combinator: &str,
    ) -> Result<Union> {
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        for (i, alternative) in alternatives.iter().enumerate() {
            let alt_at = at.join(combinator).join(i);
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
                tag: None,
                writes_tag: false,
                doc,
            });
        }
        let unknown_name = scope.claim("Unknown");
        Ok(Union {
            discriminator: None,
            variants,
            unknown_name,
        })
    }

    fn variant_name(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "String".into(),
            Ty::Integer => "Integer".into(),
            Ty::Number => "Number".into(),
            Ty::Boolean => "Boolean".into(),
            Ty::Timestamp => "Timestamp".into(),
            Ty::Json => "Any".into(),
            Ty::JsonObject | Ty::Map(_) => "Object".into(),
            Ty::Array(inner) => format!("{}List", self.variant_name(inner)),
            Ty::Named(id) => self.names[id.0].clone(),
            Ty::Boxed(inner) => self.variant_name(inner),
        }
    }
}

/// How a union is tagged: the property, the schema's mapping, and whether the schema names it.
#[derive(Clone, Copy)]
struct Tag<'t> {
    property: &'t str,
    mapping: &'t indexmap::IndexMap<String, String>,
    explicit: bool,
}

/// The structure of a union of references: its alternatives and tag, without prose.
pub(super) fn union_key(schema: &Schema) -> Option<String> {
    let alternatives = match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => one_of,
        SchemaKind::AnyOf { any_of } => any_of,
        _ => return None,
    };
    let refs: Option<Vec<&str>> = alternatives
        .iter()
        .map(|a| match a {
            ReferenceOr::Reference { reference } => Some(reference.as_str()),
            ReferenceOr::Item(_) => None,
        })
        .collect();
    let discriminator = schema
        .schema_data
        .discriminator
        .as_ref()
        .map(|d| (&d.property_name, &d.mapping));
    Some(format!("{:?}|{discriminator:?}", refs?))
}
