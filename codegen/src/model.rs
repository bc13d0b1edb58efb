//! The intermediate model: every type has a name and an identity before any code is printed.

use serde_json::Value;

pub use crate::vocabulary::Method;

/// Index of a type in [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// Everything the emitters need, in spec order.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Indexed by [`TypeId`].
    pub types: Vec<TypeDef>,
    /// The order to print types in: each component followed by the inline types it introduced.
    pub order: Vec<TypeId>,
    pub operations: Vec<Operation>,
}

impl Model {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    pub fn find(&self, name: &str) -> Option<TypeId> {
        self.types.iter().position(|t| t.name == name).map(TypeId)
    }
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, unique in the crate.
    pub name: String,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// Where the schema is, as a JSON pointer.
    pub origin: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    Enum(StringEnum),
    Union(Union),
    /// A named schema that is not an object, enum or union: `type Name = …;`.
    Alias(Ty),
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    /// `format: date-time`.
    Timestamp,
    /// Anything: `serde_json::Value`.
    Json,
    /// A free-form object: `serde_json::Map<String, Value>`.
    JsonObject,
    Array(Box<Ty>),
    /// An object whose values all have one type.
    Map(Box<Ty>),
    Named(TypeId),
    Boxed(Box<Ty>),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Name of the map that keeps properties the schema does not declare.
    pub extra_name: String,
}

/// How a property may appear on the wire, which decides its Rust wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, written as `null`.
    RequiredNullable,
    /// May be absent (or null): `Option<T>`, omitted when `None`.
    Optional,
    /// A PATCH body property: absent, null or a value are three different requests.
    Patch,
    /// Fixed by `const`: no Rust field, always written with this value.
    Const,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The property name on the wire.
    pub wire: String,
    /// The Rust field name.
    pub name: String,
    pub ty: Ty,
    pub presence: Presence,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub default: Option<Value>,
    /// The fixed value, for [`Presence::Const`].
    pub constant: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct StringEnum {
    pub values: Vec<EnumValue>,
    pub default: Option<String>,
    /// Name of the arm that keeps values this client does not know.
    pub unknown_name: String,
}

#[derive(Debug, Clone)]
pub struct EnumValue {
    pub wire: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Union {
    pub discriminator: Option<Discriminator>,
    pub variants: Vec<Variant>,
    /// Name of the arm that keeps payloads this client does not know.
    pub unknown_name: String,
}

#[derive(Debug, Clone)]
pub struct Discriminator {
    /// The tag property, such as `provider_type`.
    pub property: String,
    /// `true` when the schema names it; `false` when every variant fixes it by `const`.
    pub explicit: bool,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub ty: Ty,
    /// The tag value that selects this variant, for discriminated unions.
    pub tag: Option<String>,
    /// Whether the variant's own type writes the tag (it has a `const` property for it).
    pub writes_tag: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub wire: String,
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: Ty,
    pub doc: Option<String>,
    pub default: Option<Value>,
    pub deprecated: bool,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub ty: Ty,
    pub required: bool,
    pub media_type: String,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// snake_case method name.
    pub name: String,
    pub method: Method,
    pub path: String,
    pub tag: Option<String>,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success_status: u16,
    /// The JSON body of the success response, if any.
    pub json_response: Option<Ty>,
    /// The event type of a `text/event-stream` success response, if any.
    pub event_response: Option<Ty>,
    /// Declared error bodies by status code (`422`, `4XX`, `default`).
    pub error_responses: Vec<(String, Ty)>,
    pub origin: String,
}
