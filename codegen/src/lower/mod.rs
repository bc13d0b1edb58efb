//! Lowering: the normalised `openapiv3` document becomes the intermediate [`Model`], with
//! every name, identity and decision settled, so that `emit` only prints.
//!
//! One file per construct: [`schemas`] (scalars, objects, enums), [`all_of`] (merges),
//! [`unions`], [`operations`], [`recursion`] (boxing recursive fields), then the client's
//! decisions ([`client`]) and the read paths derived from the types' shapes ([`accessors`]).

mod accessors;
mod all_of;
pub(crate) mod api;
mod client;
mod operations;
mod recursion;
mod schemas;
mod unions;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::error::{Error, Pointer, Result, Warning};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::vocabulary;

/// What a schema lowers to, before it is placed in a field.
#[derive(Debug, Clone)]
struct Lowered {
    ty: Ty,
    nullable: bool,
    /// The value a `const` fixes.
    constant: Option<ConstValue>,
}

impl Lowered {
    fn plain(ty: Ty, nullable: bool) -> Self {
        Lowered {
            ty,
            nullable,
            constant: None,
        }
    }

    /// The type where no presence carries the nullability: `Option<T>` when `null` is allowed
    /// (a `Value` holds `null` already).
    fn ty_or_null(self) -> Ty {
        match self.ty {
            Ty::Json => Ty::Json,
            ty if self.nullable => Ty::Nullable(Box::new(ty)),
            ty => ty,
        }
    }

    fn constant(ty: Ty, nullable: bool, value: ConstValue) -> Self {
        Lowered {
            ty,
            nullable,
            constant: Some(value),
        }
    }
}

/// String enums with more values than this are plain strings.
pub(crate) const MAX_ENUM_VALUES: usize = 1024;

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    types: Vec<Option<TypeDef>>,
    names: Vec<String>,
    origins: Vec<String>,
    order: Vec<TypeId>,
    /// Component schemas by name.
    by_name: HashMap<String, TypeId>,
    scope: Scope,
    /// Inline unions named by their variants' shared suffix, by structure, so repeats share a type.
    shared_unions: HashMap<unions::UnionKey, TypeId>,
    /// Component unions by structure, so an inline copy of one uses the component's type.
    component_unions: HashMap<unions::UnionKey, TypeId>,
    /// Components (by name) used as a PATCH request body, whose nullable properties become
    /// [`Presence::Patch`].
    patch_bodies: BTreeSet<String>,
    /// The `allOf` schemas whose merged struct is being built (with their `patch` flag): one
    /// met again inside its own merge is that same struct, not a new one without end.
    merging: Vec<(Schema, bool, TypeId)>,
    /// How many inline schemas deep the lowering is; bounded so that no input can exhaust the
    /// stack.
    depth: usize,
    /// Flaws worked around, in the order they were met.
    warnings: Vec<Warning>,
}

/// Far more inline nesting than any real document has (the whole Letta API's deepest is 12):
/// reaching it means a cycle the checks for cycles missed, stopped long before the stack runs
/// out (a 64-deep cycle needs about 1 MiB of stack in a debug build).
const MAX_INLINE_DEPTH: usize = 64;

/// Builds the model of every component schema and operation of `spec`.
pub fn lower(
    spec: &OpenAPI,
    operation_order: &[(String, Method)],
    access: api::Access,
) -> Result<Model> {
    let mut lowerer = Lowerer {
        spec,
        types: Vec::new(),
        names: Vec::new(),
        origins: Vec::new(),
        order: Vec::new(),
        by_name: HashMap::new(),
        scope: Scope::default(),
        shared_unions: HashMap::new(),
        component_unions: HashMap::new(),
        patch_bodies: BTreeSet::new(),
        merging: Vec::new(),
        depth: 0,
        warnings: Vec::new(),
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
        lowerer.by_name.insert(raw.to_owned(), id);
    }
    for (raw, schema) in &schemas {
        if let ReferenceOr::Item(s) = schema {
            let key = unions::alternatives_of(s).and_then(|(alts, _)| unions::union_key(s, alts));
            if let Some(key) = key {
                let id = lowerer.by_name[raw.as_str()];
                lowerer.component_unions.entry(key).or_insert(id);
            }
        }
    }
    for (raw, schema) in &schemas {
        let id = lowerer.by_name[raw.as_str()];
        let at = Pointer::root().join("components").join("schemas").join(raw);
        lowerer.order.push(id);
        lowerer.define_component(id, raw, schema, &at)?;
    }
    let declared = lowerer.operations(operation_order)?;
    let mut model = Model {
        types: lowerer
            .types
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                t.ok_or_else(|| {
                    Error::internal(
                        lowerer.origins[i].clone(),
                        "a reserved type was never defined",
                    )
                })
            })
            .collect::<Result<_>>()?,
        order: lowerer.order,
        warnings: lowerer.warnings,
        ..Model::default()
    };
    recursion::box_recursive_fields(&mut model);
    client::settle(&mut model, declared);
    api::settle(&mut model, access);
    accessors::settle(&mut model);
    mark_built_by_users(&mut model);
    Ok(model)
}

/// Marks the types requests carry: those a body or a parameter reaches, through fields,
/// variants, items and values (see [`TypeDef::built_by_users`]).
fn mark_built_by_users(model: &mut Model) {
    let mut todo: Vec<Ty> = model
        .operations
        .iter()
        .flat_map(|op| {
            op.params
                .iter()
                .map(|p| p.ty.clone())
                .chain(op.body.iter().map(|b| b.ty.clone()))
        })
        .collect();
    while let Some(ty) = todo.pop() {
        match ty {
            Ty::Array(inner) | Ty::Map(inner) | Ty::Boxed(inner) | Ty::Nullable(inner) => {
                todo.push(*inner)
            }
            Ty::Named(id) if !model.types[id.0].built_by_users => {
                let def = &mut model.types[id.0];
                def.built_by_users = true;
                match &def.kind {
                    TypeKind::Struct(s) => todo.extend(s.fields.iter().map(|f| f.ty.clone())),
                    TypeKind::Union(u) => {
                        todo.extend(u.variants().into_iter().map(|v| v.ty.clone()))
                    }
                    TypeKind::Alias(ty) => todo.push(ty.clone()),
                    TypeKind::Enum(_) => {}
                }
            }
            _ => {}
        }
    }
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
        let is_component = self.by_name.values().any(|c| *c == id);
        self.types[id.0] = Some(TypeDef {
            name: self.names[id.0].clone(),
            doc: data.and_then(|d| d.description.clone()),
            deprecated: is_component && data.is_some_and(|d| d.deprecated),
            origin: self.origins[id.0].clone(),
            kind,
            // Settled once every operation is known (`mark_built_by_users`).
            built_by_users: false,
        });
    }

    fn resolve<'s, T: vocabulary::Component>(
        &self,
        item: &'s ReferenceOr<T>,
        at: &Pointer,
    ) -> Result<&'s T>
    where
        'a: 's,
    {
        vocabulary::resolve(self.spec, item, at)
    }

    /// The type of the component schema `reference` names.
    fn named(&self, reference: &str, at: &Pointer) -> Result<TypeId> {
        let name = vocabulary::component_name::<Schema>(reference, at)?;
        self.by_name.get(&name).copied().ok_or_else(|| {
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
                let patch = self.patch_bodies.contains(raw);
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
                Ok(Lowered::plain(Ty::Named(id), target.schema_data.nullable))
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
}
