//! Lowers a normalised `openapiv3` document into the intermediate [`Model`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody,
    Response, Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::{Error, Pointer, Result};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::normalise::X_CONST;
use crate::select::METHODS;

/// What a schema lowers to, before it is placed in a field.
#[derive(Debug, Clone)]
struct Lowered {
    ty: Ty,
    nullable: bool,
    constant: Option<Value>,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// String enums with more values than this are plain strings.
pub const MAX_ENUM_VALUES: usize = 1024;

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    types: Vec<Option<TypeDef>>,
    names: Vec<String>,
    origins: Vec<String>,
    order: Vec<TypeId>,
    by_ref: HashMap<String, TypeId>,
    scope: Scope,
    /// Inline unions named by their variants' shared suffix, by structure, so repeats share a type.
    shared_unions: HashMap<String, TypeId>,
    /// Component unions by structure, so an inline copy of one uses the component's type.
    component_unions: HashMap<String, TypeId>,
    /// Components used as a PATCH request body, whose nullable properties become [`Presence::Patch`].
    patch_bodies: BTreeSet<String>,
    /// The `allOf` schemas whose merged struct is being built (with their `patch` flag): one
    /// met again inside its own merge is that same struct, not a new one without end.
    merging: Vec<(Schema, bool, TypeId)>,
    /// How many inline schemas deep the lowering is; bounded so that no input can exhaust the
    /// stack.
    depth: usize,
}

/// Far more inline nesting than any real document has (the whole Letta API's deepest is 12):
/// reaching it means a cycle the checks for cycles missed, stopped long before the stack runs
/// out (a 64-deep cycle needs about 1 MiB of stack in a debug build).
const MAX_INLINE_DEPTH: usize = 64;

/// Builds the model of every component schema and operation of `spec`.
pub fn lower(spec: &OpenAPI, operation_order: &[(String, String)]) -> Result<Model> {
    let mut lowerer = Lowerer {
        spec,
        types: Vec::new(),
        names: Vec::new(),
        origins: Vec::new(),
        order: Vec::new(),
        by_ref: HashMap::new(),
        scope: Scope::default(),
        shared_unions: HashMap::new(),
        component_unions: HashMap::new(),
        patch_bodies: BTreeSet::new(),
        merging: Vec::new(),
        depth: 0,
    };
    lowerer.find_patch_bodies();
    let schemas = spec.components.as_ref().map(|c| &c.schemas);
    let schemas: Vec<(&String, &ReferenceOr<Schema>)> =
        schemas.map(|s| s.iter().collect()).unwrap_or_default();
    for (raw, name) in component_names(schemas.iter().map(|(n, _)| n.as_str())) {
        let id = lowerer.reserve(
            name,
            Pointer::root()
                .join("components")
                .join("schemas")
                .join(raw)
                .into(),
        );
        lowerer.by_ref.insert(format!("{SCHEMA_PREFIX}{raw}"), id);
    }
    for (raw, schema) in &schemas {
        if let ReferenceOr::Item(s) = schema {
            if let Some(key) = union_key(s) {
                let id = lowerer.by_ref[&format!("{SCHEMA_PREFIX}{raw}")];
                lowerer.component_unions.entry(key).or_insert(id);
            }
        }
    }
    for (raw, schema) in &schemas {
        let id = lowerer.by_ref[&format!("{SCHEMA_PREFIX}{raw}")];
        let at = Pointer::root().join("components").join("schemas").join(raw);
        lowerer.order.push(id);
        lowerer.define_component(id, raw, schema, &at)?;
    }
    let operations = lowerer.operations(operation_order)?;
    let mut model = Model {
        types: lowerer
            .types
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                t.ok_or_else(|| {
                    Error::at(
                        lowerer.origins[i].clone(),
                        "internal: a reserved type was never defined",
                    )
                })
            })
            .collect::<Result<_>>()?,
        order: lowerer.order,
        operations,
    };
    box_recursive_fields(&mut model);
    Ok(model)
}

/// Names for component schemas, independent of their order: on a clash the unqualified
/// schema keeps the short name and qualified ones take more of their path.
fn component_names<'n>(raws: impl Iterator<Item = &'n str>) -> Vec<(&'n str, String)> {
    let raws: Vec<&str> = raws.collect();
    let candidates: Vec<Vec<String>> = raws
        .iter()
        .map(|r| naming::component_candidates(r))
        .collect();
    let mut sorted: Vec<usize> = (0..raws.len()).collect();
    sorted.sort_by(|&a, &b| (candidates[a].len(), raws[a]).cmp(&(candidates[b].len(), raws[b])));
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut names: Vec<String> = vec![String::new(); raws.len()];
    for level in 0.. {
        let mut pending = false;
        let mut wanted: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in &sorted {
            if names[i].is_empty() {
                if let Some(c) = candidates[i].get(level) {
                    wanted.entry(c.clone()).or_default().push(i);
                    pending = true;
                }
            }
        }
        if !pending {
            break;
        }
        for (name, claimants) in wanted {
            let last_level = |i: usize| level + 1 >= candidates[i].len();
            if taken.contains(&name) {
                for i in claimants {
                    if last_level(i) {
                        names[i] = numbered(&name, &mut taken);
                    }
                }
            } else if claimants.len() == 1 {
                names[claimants[0]] = name.clone();
                taken.insert(name);
            } else {
                // Several schemas want this name: one that is not qualified (or, failing
                // that, the first by raw name) gets it; the others try a longer candidate.
                let winner = claimants
                    .iter()
                    .copied()
                    .find(|&i| candidates[i].len() == 1)
                    .unwrap_or(claimants[0]);
                names[winner] = name.clone();
                taken.insert(name.clone());
                for i in claimants.into_iter().filter(|&i| i != winner) {
                    if last_level(i) {
                        names[i] = numbered(&name, &mut taken);
                    }
                }
            }
        }
    }
    raws.into_iter().zip(names).collect()
}

fn numbered(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut n = 2;
    while taken.contains(&format!("{name}{n}")) {
        n += 1;
    }
    let chosen = format!("{name}{n}");
    taken.insert(chosen.clone());
    chosen
}

impl<'a> Lowerer<'a> {
    fn reserve(&mut self, name: String, origin: String) -> TypeId {
        let name = self.scope.claim(&name);
        self.types.push(None);
        self.names.push(name);
        self.origins.push(origin);
        TypeId(self.types.len() - 1)
    }

    /// A new inline type, printed after the type that introduced it.
    fn reserve_inline(&mut self, name: &str, origin: &Pointer) -> TypeId {
        let id = self.reserve(name.to_owned(), origin.to_string());
        self.order.push(id);
        id
    }

    fn set(&mut self, id: TypeId, schema: Option<&Schema>, kind: TypeKind) {
        let data = schema.map(|s| &s.schema_data);
        // An inline type's deprecation belongs to the property that holds it.
        let is_component = self.by_ref.values().any(|c| *c == id);
        self.types[id.0] = Some(TypeDef {
            name: self.names[id.0].clone(),
            doc: data.and_then(|d| d.description.clone()),
            deprecated: is_component && data.is_some_and(|d| d.deprecated),
            origin: self.origins[id.0].clone(),
            kind,
        });
    }

    fn find_patch_bodies(&mut self) {
        for (_, _, method, op) in operations_of(self.spec) {
            if method != "patch" {
                continue;
            }
            if let Some(ReferenceOr::Item(body)) = &op.request_body {
                for media in body.content.values() {
                    if let Some(ReferenceOr::Reference { reference }) = &media.schema {
                        self.patch_bodies.insert(reference.clone());
                    }
                }
            }
        }
    }

    fn resolve<'s>(&self, schema: &'s ReferenceOr<Schema>, at: &Pointer) -> Result<&'s Schema>
    where
        'a: 's,
    {
        let mut current = schema;
        for _ in 0..64 {
            match current {
                ReferenceOr::Item(s) => return Ok(s),
                ReferenceOr::Reference { reference } => current = self.component(reference, at)?,
            }
        }
        Err(Error::at(
            at.as_str(),
            "`$ref` chain is longer than 64 steps (a cycle of references?)",
        ))
    }

    fn component(&self, reference: &str, at: &Pointer) -> Result<&'a ReferenceOr<Schema>> {
        let name = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
            Error::at(
                at.as_str(),
                format!("`$ref: {reference}` does not point into #/components/schemas"),
            )
            .hint("schemas may only reference component schemas")
        })?;
        let name = name.replace("~1", "/").replace("~0", "~");
        self.spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&name))
            .ok_or_else(|| {
                Error::at(at.as_str(), format!("`$ref: {reference}` points nowhere"))
                    .hint("add the schema or fix the reference")
            })
    }

    fn named(&self, reference: &str, at: &Pointer) -> Result<TypeId> {
        if !reference.starts_with(SCHEMA_PREFIX) {
            return Err(Error::at(
                at.as_str(),
                format!("`$ref: {reference}` does not point into #/components/schemas"),
            )
            .hint("a schema may only reference component schemas"));
        }
        let key = reference.replace("~1", "/").replace("~0", "~");
        self.by_ref
            .get(&key)
            .or_else(|| self.by_ref.get(reference))
            .copied()
            .ok_or_else(|| {
                Error::at(at.as_str(), format!("`$ref: {reference}` points nowhere"))
                    .hint("add the schema or fix the reference")
            })
    }

    fn define_component(
        &mut self,
        id: TypeId,
        raw: &str,
        schema: &ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Result<()> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.named(reference, at)?;
                self.resolve(schema, at)?;
                self.set(id, None, TypeKind::Alias(Ty::Named(target)));
            }
            ReferenceOr::Item(schema) => {
                let patch = self.patch_bodies.contains(&format!("{SCHEMA_PREFIX}{raw}"));
                let lowered =
                    self.lower_schema(schema, &self.names[id.0].clone(), at, Some(id), patch)?;
                if self.types[id.0].is_none() {
                    self.set(id, Some(schema), TypeKind::Alias(lowered.ty));
                }
            }
        }
        Ok(())
    }

    /// Lowers a schema in a place named `name`; a struct, enum or union becomes a named type,
    /// in `slot` when given (a component) or in a new inline type.
    fn lower_ref(
        &mut self,
        schema: &ReferenceOr<Schema>,
        name: &str,
        at: &Pointer,
    ) -> Result<Lowered> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let id = self.named(reference, at)?;
                let target = self.resolve(schema, at)?;
                Ok(Lowered {
                    ty: Ty::Named(id),
                    nullable: target.schema_data.nullable,
                    constant: None,
                })
            }
            ReferenceOr::Item(s) => self.lower_schema(s, name, at, None, false),
        }
    }

    fn lower_boxed(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        name: &str,
        at: &Pointer,
    ) -> Result<Lowered> {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_ref(
                &ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                name,
                at,
            ),
            ReferenceOr::Item(s) => self.lower_schema(s, name, at, None, false),
        }
    }

    fn slot(&mut self, slot: Option<TypeId>, name: &str, at: &Pointer) -> TypeId {
        slot.unwrap_or_else(|| self.reserve_inline(name, at))
    }

    fn lower_schema(
        &mut self,
        schema: &Schema,
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
        patch: bool,
    ) -> Result<Lowered> {
        if self.depth >= MAX_INLINE_DEPTH {
            return Err(Error::at(
                at.as_str(),
                format!("schemas nest more than {MAX_INLINE_DEPTH} levels deep here"),
            )
            .hint("move some of the nested schemas into #/components/schemas and refer to them"));
        }
        self.depth += 1;
        let lowered = self.lower_schema_at_depth(schema, name, at, slot, patch);
        self.depth -= 1;
        lowered
    }

    fn lower_schema_at_depth(
        &mut self,
        schema: &Schema,
        name: &str,
        at: &Pointer,
        slot: Option<TypeId>,
        patch: bool,
    ) -> Result<Lowered> {
        let data = &schema.schema_data;
        let nullable = data.nullable;
        let is_const = data.extensions.get(X_CONST) == Some(&Value::Bool(true));
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

    fn fields(
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

    fn all_of(
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
            return Ok(Lowered {
                ty: Ty::Named(id),
                nullable,
                constant: None,
            });
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
                    return Ok(Lowered {
                        ty: Ty::Json,
                        nullable,
                        constant: None,
                    });
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
        Ok(Lowered {
            ty: Ty::Named(id),
            nullable,
            constant: None,
        })
    }

    fn union(
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
            ReferenceOr::Reference { reference } => {
                self.resolve(self.component(reference, at)?, at)?
            }
        };
        let is_const = prop.schema_data.extensions.get(X_CONST) == Some(&Value::Bool(true));
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
            let target = crate::select::mapping_target(target);
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
                .filter(|(_, t)| matches!(alternative, ReferenceOr::Reference { reference } if crate::select::mapping_target(t) == *reference))
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

    fn operations(&mut self, order: &[(String, String)]) -> Result<Vec<Operation>> {
        let mut seen_ids: BTreeMap<String, Pointer> = BTreeMap::new();
        let mut method_scope = Scope::default();
        let mut out = Vec::new();
        let spec = self.spec;
        let mut all = operations_of(spec);
        all.sort_by_key(|(path, _, method, _)| {
            order
                .iter()
                .position(|(p, m)| p == path && m == method)
                .unwrap_or(usize::MAX)
        });
        for (path, item, method, op) in all {
            let at = Pointer::root().join("paths").join(path).join(method);
            let operation_id = match &op.operation_id {
                Some(id) => id.clone(),
                None => format!("{method}_{}", naming::field_name(path)),
            };
            if let Some(first) = seen_ids.get(&operation_id) {
                return Err(Error::at(
                    at.join("operationId").as_str(),
                    format!("operationId `{operation_id}` is also used at {first}"),
                )
                .hint("operationIds must be unique"));
            }
            seen_ids.insert(operation_id.clone(), at.clone());
            let name = method_scope.claim_snake(&naming::field_name(&operation_id));
            let type_prefix = naming::type_name(&operation_id);
            let mut params = Vec::new();
            // The builder's own fields, which a parameter must not take.
            let mut param_scope = Scope::with_reserved(&["body", "client", "options"]);
            let all_params = item
                .parameters
                .iter()
                .map(|p| (p, at.join("parameters")))
                .chain(op.parameters.iter().map(|p| (p, at.join("parameters"))));
            for (i, (param, params_at)) in all_params.enumerate() {
                let param_at = params_at.join(i);
                let param = self.parameter(param, &param_at)?;
                let data = param.parameter_data_ref();
                let location = match param {
                    Parameter::Path { .. } => ParamLocation::Path,
                    Parameter::Query { .. } => ParamLocation::Query,
                    Parameter::Header { .. } => ParamLocation::Header,
                    Parameter::Cookie { .. } => continue,
                };
                let (ty, default, deprecated_schema) = match &data.format {
                    ParameterSchemaOrContent::Schema(schema) => {
                        let inline = format!("{type_prefix}{}", naming::type_name(&data.name));
                        let lowered = self.lower_ref(schema, &inline, &param_at.join("schema"))?;
                        let resolved = self.resolve(schema, &param_at)?;
                        (
                            lowered.ty,
                            resolved.schema_data.default.clone(),
                            resolved.schema_data.deprecated,
                        )
                    }
                    ParameterSchemaOrContent::Content(_) => (Ty::String, None, false),
                };
                params.push(Param {
                    wire: data.name.clone(),
                    name: param_scope.claim_snake(&naming::field_name(&data.name)),
                    location,
                    required: data.required || location == ParamLocation::Path,
                    ty,
                    doc: data.description.clone(),
                    default,
                    deprecated: data.deprecated.unwrap_or(false) || deprecated_schema,
                });
            }
            for segment in path.split('/') {
                if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if !params
                        .iter()
                        .any(|p| p.location == ParamLocation::Path && p.wire == name)
                    {
                        return Err(Error::at(
                            at.as_str(),
                            format!("the path parameter `{{{name}}}` is not declared"),
                        )
                        .hint("add it to the operation's parameters with `in: path`"));
                    }
                }
            }
            let body = match &op.request_body {
                Some(body) => {
                    let body_at = at.join("requestBody");
                    let body = self.request_body(body, &body_at)?;
                    match body.content.iter().next() {
                        Some((media_type, media)) => {
                            let ty = match &media.schema {
                                Some(schema) => {
                                    self.lower_ref(
                                        schema,
                                        &format!("{type_prefix}Body"),
                                        &body_at.join("content").join(media_type).join("schema"),
                                    )?
                                    .ty
                                }
                                None => Ty::Json,
                            };
                            Some(Body {
                                ty,
                                required: body.required,
                                media_type: media_type.clone(),
                            })
                        }
                        None => None,
                    }
                }
                None => None,
            };
            let mut json_response = None;
            let mut event_response = None;
            let mut success_status = 200;
            let mut error_responses = Vec::new();
            for (code, response) in &op.responses.responses {
                let code_text = code.to_string();
                let response_at = at.join("responses").join(&code_text);
                let response = self.response(response, &response_at)?;
                let success = matches!(code, StatusCode::Code(c) if (200..300).contains(c));
                for (media_type, media) in &response.content {
                    let media_at = response_at.join("content").join(media_type).join("schema");
                    let base = media_type.split(';').next().unwrap_or_default().trim();
                    if success && base == "text/event-stream" && event_response.is_none() {
                        // An event stream without a schema is typed after the fact (see below).
                        event_response = Some(match &media.schema {
                            Some(schema) => self.lower_ref(schema, "StreamEvent", &media_at)?.ty,
                            None => Ty::Json,
                        });
                        continue;
                    }
                    let Some(schema) = &media.schema else {
                        continue;
                    };
                    if success && base == "text/event-stream" {
                        continue;
                    } else if base == "application/json" || base.ends_with("+json") {
                        if success {
                            if json_response.is_none() {
                                if let StatusCode::Code(c) = code {
                                    success_status = *c;
                                }
                                json_response = Some(
                                    self.lower_ref(
                                        schema,
                                        &format!("{type_prefix}Response"),
                                        &media_at,
                                    )?
                                    .ty,
                                );
                            }
                        } else {
                            let ty = self
                                .lower_ref(
                                    schema,
                                    &format!("{type_prefix}Error{code_text}"),
                                    &media_at,
                                )?
                                .ty;
                            error_responses.push((code_text.clone(), ty));
                        }
                    }
                }
            }
            if let Some(default) = &op.responses.default {
                let response_at = at.join("responses").join("default");
                let response = self.response(default, &response_at)?;
                if let Some(schema) = response
                    .content
                    .get("application/json")
                    .and_then(|m| m.schema.as_ref())
                {
                    let ty = self
                        .lower_ref(schema, &format!("{type_prefix}ErrorDefault"), &response_at)?
                        .ty;
                    error_responses.push(("default".to_owned(), ty));
                }
            }
            out.push(Operation {
                operation_id,
                name,
                method: method.to_uppercase(),
                path: path.to_owned(),
                tag: op.tags.first().cloned(),
                summary: op.summary.clone(),
                doc: op.description.clone(),
                deprecated: op.deprecated,
                params,
                body,
                success_status,
                json_response,
                event_response,
                error_responses,
                origin: at.to_string(),
            });
        }
        // The API has one kind of event stream: where an operation streams events without
        // naming their schema, it gets the type the other streaming operations name.
        let typed_events = out
            .iter()
            .filter_map(|op| op.event_response.clone())
            .find(|ty| *ty != Ty::Json);
        if let Some(events) = typed_events {
            for op in &mut out {
                if op.event_response == Some(Ty::Json) {
                    op.event_response = Some(events.clone());
                }
            }
        }
        Ok(out)
    }

    fn parameter<'p>(
        &self,
        param: &'p ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Result<&'p Parameter>
    where
        'a: 'p,
    {
        match param {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/");
                name.and_then(|n| self.spec.components.as_ref()?.parameters.get(n))
                    .and_then(|p| p.as_item())
                    .ok_or_else(|| {
                        Error::at(
                            at.as_str(),
                            format!("`$ref: {reference}` is not a parameter component"),
                        )
                    })
            }
        }
    }

    fn request_body<'p>(
        &self,
        body: &'p ReferenceOr<RequestBody>,
        at: &Pointer,
    ) -> Result<&'p RequestBody>
    where
        'a: 'p,
    {
        match body {
            ReferenceOr::Item(b) => Ok(b),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/");
                name.and_then(|n| self.spec.components.as_ref()?.request_bodies.get(n))
                    .and_then(|p| p.as_item())
                    .ok_or_else(|| {
                        Error::at(
                            at.as_str(),
                            format!("`$ref: {reference}` is not a request body component"),
                        )
                    })
            }
        }
    }

    fn response<'p>(
        &self,
        response: &'p ReferenceOr<Response>,
        at: &Pointer,
    ) -> Result<&'p Response>
    where
        'a: 'p,
    {
        match response {
            ReferenceOr::Item(r) => Ok(r),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/");
                name.and_then(|n| self.spec.components.as_ref()?.responses.get(n))
                    .and_then(|p| p.as_item())
                    .ok_or_else(|| {
                        Error::at(
                            at.as_str(),
                            format!("`$ref: {reference}` is not a response component"),
                        )
                    })
            }
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
fn union_key(schema: &Schema) -> Option<String> {
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

/// Every operation as `(path, path item, method, operation)`, in document order.
fn operations_of(
    spec: &OpenAPI,
) -> Vec<(
    &str,
    &openapiv3::PathItem,
    &'static str,
    &openapiv3::Operation,
)> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for method in METHODS {
            let op = match method {
                "get" => &item.get,
                "put" => &item.put,
                "post" => &item.post,
                "delete" => &item.delete,
                "options" => &item.options,
                "head" => &item.head,
                "patch" => &item.patch,
                _ => &item.trace,
            };
            if let Some(op) = op {
                out.push((path.as_str(), item, method, op));
            }
        }
    }
    out
}

/// Wraps in `Box` every by-value use of a type that leads back to the type using it.
fn box_recursive_fields(model: &mut Model) {
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
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
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
                let ty = &mut u.variants[j].ty;
                *ty = Ty::Boxed(Box::new(ty.clone()));
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
        TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
        TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
        TypeKind::Enum(_) => Vec::new(),
    }
}
