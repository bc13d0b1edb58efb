//! The intermediate model: what the generated crate holds, with every name, identity and
//! decision settled (types and their Rust names, how each union dispatches, each operation's
//! method, builder, call shape, pagination and errors), so that `emit` only prints it.

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
    /// The client's resource groups, in the order of their first operation.
    pub groups: Vec<Group>,
    /// The error bodies the operations declare, decoded by shared functions.
    pub errors: DeclaredErrors,
    /// The types of paginated items (and of their variants) with how each reads its `id`, in
    /// [`TypeId`] order.
    pub item_ids: Vec<(TypeId, IdAccess)>,
    /// Read paths derived from the shape of types, in [`TypeId`] order.
    pub accessors: Vec<(TypeId, Accessors)>,
    /// The operations the crate's quick start shows.
    pub examples: Examples,
    /// Flaws of the document that lowering worked around, in document order.
    pub warnings: Vec<crate::error::Warning>,
    /// Who the API is, where it is served and how calls prove who sends them.
    pub api: Api,
}

/// What the crate says about its API: its name, where it is served, the credentials its
/// operations ask for, and the environment variables `from_env` reads. The document decides
/// them, each overridable by the generator's configuration ([`crate::Options`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.summary`, else `info.description`, for the crate's docs.
    pub description: Option<String>,
    /// The package name of the generated crate.
    pub crate_name: String,
    /// What the package says it is (`description` in `Cargo.toml`), one line.
    pub package_description: String,
    /// What every environment variable `from_env` reads starts with (`LETTA`).
    pub env_prefix: String,
    /// The variable holding the base URL (`LETTA_BASE_URL`).
    pub base_url_env: String,
    /// Where a client goes when `from_env` finds no base URL: the first server, unless the
    /// configuration names another; `None` when the document names no absolute server.
    pub default_base_url: Option<String>,
    /// The servers the document names with an absolute URL, in its order, each a constant.
    pub servers: Vec<Server>,
    /// The security schemes some operation can use, in the document's order.
    pub schemes: Vec<SecurityScheme>,
}

/// A server: its URL with every variable at its default, and the constant naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    /// `HOSTED_BASE_URL`.
    pub constant: String,
}

/// One entry of `components.securitySchemes`, as the client sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its name in the document (what requirements name).
    pub key: String,
    pub kind: SchemeKind,
    /// The `ClientBuilder` method that sets it (`bearer_auth`, `api_key`).
    pub setter: String,
    /// The environment variable holding it (a token or key); for basic auth, what the
    /// username's and password's variables start with (`{env}_USERNAME`, `{env}_PASSWORD`).
    pub env: String,
    pub doc: Option<String>,
}

/// How a scheme's credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`: HTTP bearer, and OAuth 2 and OpenID Connect (what the
    /// caller obtained from their flows). `via` names the document's type.
    Bearer { via: String },
    /// `Authorization: Basic <base64(username:password)>`.
    Basic,
    /// An API key by name in a header, the query or a cookie.
    ApiKey { location: KeyLocation, name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// What an operation's `security` asks for: alternatives, each a set of schemes (indices into
/// [`Api::schemes`]) sent together. No alternatives: nothing is sent (`security: []`, or no
/// security anywhere); an empty alternative: the call may also go without credentials.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Security {
    pub alternatives: Vec<Vec<usize>>,
}

/// Operations (indices into [`Model::operations`]) the front page's quick start calls: each
/// takes only string arguments and no required body, so a placeholder call compiles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Examples {
    /// One with a JSON answer.
    pub call: Option<usize>,
    /// One with an event stream.
    pub stream: Option<usize>,
    /// A cursor-paginated list.
    pub pages: Option<usize>,
}

/// Methods a type gets for its common read paths, each derived from its schema's shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accessors {
    /// `text()`, when the type holds text.
    pub text: Option<TextAccess>,
    /// `as_<variant>()` for a union's variants of named types: (variant index, method name).
    pub as_variant: Vec<(usize, String)>,
}

/// Where a type's text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextAccess {
    /// In this field (by index): a string `text` or `content` property, or one whose type
    /// holds text.
    Field(usize),
    /// In whichever variant holds text; how each variant (in order) reads it.
    Variants(Vec<VariantText>),
}

/// How a union's variant gives its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariantText {
    /// It has none.
    None,
    /// It is a string.
    Itself,
    /// Its type has `text()`.
    Text,
    /// It is a list of values with `text()`: their texts joined.
    Joined,
}

impl Model {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// `ty` with every alias replaced by what it stands for, at any depth (`Vec<Id>` is
    /// `Vec<String>` when `type Id = String`): two types that are one Rust type are equal.
    pub fn unaliased(&self, ty: &Ty) -> Ty {
        fn go(model: &Model, ty: &Ty, depth: usize) -> Ty {
            // Bounded: alias cycles are refused by lowering, and this must not loop on one.
            if depth > 64 {
                return ty.clone();
            }
            match ty {
                Ty::Named(id) => match &model.get(*id).kind {
                    TypeKind::Alias(inner) => go(model, inner, depth + 1),
                    _ => ty.clone(),
                },
                Ty::Array(inner) => Ty::Array(Box::new(go(model, inner, depth + 1))),
                Ty::Map(inner) => Ty::Map(Box::new(go(model, inner, depth + 1))),
                Ty::Boxed(inner) => Ty::Boxed(Box::new(go(model, inner, depth + 1))),
                Ty::Nullable(inner) => Ty::Nullable(Box::new(go(model, inner, depth + 1))),
                other => other.clone(),
            }
        }
        go(self, ty, 0)
    }

    pub fn find(&self, name: &str) -> Option<TypeId> {
        self.types.iter().position(|t| t.name == name).map(TypeId)
    }

    /// The resource group whose method `op` is; `None` for a method of `Client` itself.
    pub fn group_of(&self, op: &Operation) -> Option<&TagGroup> {
        self.groups
            .iter()
            .find(|g| {
                g.operations.iter().any(|&i| {
                    self.operations
                        .get(i)
                        .is_some_and(|o| o.operation_id == op.operation_id)
                })
            })
            .and_then(|g| g.tag.as_ref())
    }

    /// The read paths `id` has.
    pub fn accessors_of(&self, id: TypeId) -> Option<&Accessors> {
        self.accessors
            .binary_search_by_key(&id, |(of, _)| *of)
            .ok()
            .map(|at| &self.accessors[at].1)
    }
}

impl TypeDef {
    /// Whether the type is `#[non_exhaustive]`: every enum and union (the API adds values and
    /// variants), and every struct users do not build (see [`TypeDef::built_by_users`]).
    pub fn non_exhaustive(&self) -> bool {
        match self.kind {
            TypeKind::Struct(_) => !self.built_by_users,
            TypeKind::Enum(_) | TypeKind::Union(_) => true,
            TypeKind::Alias(_) => false,
        }
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
    /// Requests carry it (a body or a parameter reaches it), so users build it. Such a struct
    /// stays exhaustive, so that struct literals build it; one only answers hold is
    /// `#[non_exhaustive]`, so that a new property is additive for users.
    pub built_by_users: bool,
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
    /// `format: uint64`, the one integer format whose values an `i64` cannot all hold: `u64`.
    Unsigned,
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
    /// `null` or the value, where no field's presence says so (array items, map values, an
    /// answer's body): `Option<T>`.
    Nullable(Box<Ty>),
}

impl Ty {
    /// The type with no `Option` inside: what a parameter, which never sends `null`, takes.
    pub fn without_null(self) -> Ty {
        match self {
            Ty::Nullable(inner) => inner.without_null(),
            Ty::Array(inner) => Ty::Array(Box::new(inner.without_null())),
            Ty::Map(inner) => Ty::Map(Box::new(inner.without_null())),
            Ty::Boxed(inner) => Ty::Boxed(Box::new(inner.without_null())),
            other => other,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Name of the map that keeps properties the schema does not declare.
    pub extra_name: String,
}

/// How a property may appear on the wire, which decides its Rust wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, written as `null`.
    RequiredNullable,
    /// May be absent (or null): `Option<T>`, omitted when `None`.
    Optional,
    /// A PATCH body property: absent, null or a value are three different requests.
    Patch,
    /// Fixed by `const`: no Rust field but an associated constant, always written.
    Const(Constant),
}

/// The value a `const` property always has, and the associated constant that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constant {
    /// The associated constant's name: `PROVIDER_TYPE`.
    pub name: String,
    pub value: ConstValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstValue {
    String(String),
    Integer(i64),
    Boolean(bool),
}

impl ConstValue {
    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            ConstValue::String(s) => Value::String(s.clone()),
            ConstValue::Integer(i) => Value::from(*i),
            ConstValue::Boolean(b) => Value::Bool(*b),
        }
    }
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
    pub kind: UnionKind,
    /// Name of the arm that keeps payloads this client does not know.
    pub unknown_name: String,
}

/// How a union tells its variants apart.
#[derive(Debug, Clone)]
pub enum UnionKind {
    /// By the value of one property; the unknown arm keeps the object.
    Tagged(Tagged),
    /// By trying each variant in order; the unknown arm keeps any JSON value.
    Untagged(Vec<Variant>),
}

#[derive(Debug, Clone)]
pub struct Tagged {
    /// The tag property, such as `provider_type`.
    pub property: String,
    /// The name of the method that reads the tag: `provider_type()`.
    pub accessor: String,
    pub source: TagSource,
    pub variants: Vec<TaggedVariant>,
}

/// Where a tagged union's tag comes from, which decides what a payload without it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagSource {
    /// The schema's `discriminator` names the property: a payload without it is an error.
    Discriminator,
    /// Every variant fixes the property by `const`: a payload without it is matched against
    /// the variants in order.
    Constants,
}

#[derive(Debug, Clone)]
pub struct TaggedVariant {
    pub variant: Variant,
    /// The tag value that selects this variant.
    pub value: String,
    /// Whether the variant's own type writes the tag (it has a `const` property for it);
    /// otherwise the union writes it.
    pub writes_tag: bool,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub ty: Ty,
    pub doc: Option<String>,
}

impl Union {
    /// The variants, tagged or not, in order.
    pub fn variants(&self) -> Vec<&Variant> {
        match &self.kind {
            UnionKind::Tagged(tagged) => tagged.variants.iter().map(|t| &t.variant).collect(),
            UnionKind::Untagged(variants) => variants.iter().collect(),
        }
    }

    pub fn variants_mut(&mut self) -> Vec<&mut Variant> {
        match &mut self.kind {
            UnionKind::Tagged(tagged) => {
                tagged.variants.iter_mut().map(|t| &mut t.variant).collect()
            }
            UnionKind::Untagged(variants) => variants.iter_mut().collect(),
        }
    }
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

/// Where a request goes: the path's segments (between `/`), each a run of pieces, and the pairs
/// of a query written into the path template (`/export?view=all`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub segments: Vec<Vec<RoutePiece>>,
    pub query: Vec<(String, Vec<RoutePiece>)>,
}

impl Route {
    /// The route as the template the runtime fills in: each segment behind a `/`, `{wire}` for
    /// a parameter's value, then the query pairs lowering kept (one naming a query parameter
    /// is not among them: that parameter is sent with the others, once).
    pub fn template(&self, params: &[Param]) -> String {
        let text = |pieces: &[RoutePiece]| -> String {
            pieces
                .iter()
                .map(|piece| match piece {
                    RoutePiece::Text(text) => text.clone(),
                    RoutePiece::Param(index) => {
                        format!("{{{}}}", params.get(*index).map_or("", |p| p.wire.as_str()))
                    }
                })
                .collect()
        };
        let mut out: String = self
            .segments
            .iter()
            .map(|segment| format!("/{}", text(segment)))
            .collect();
        if out.is_empty() {
            out.push('/');
        }
        for (i, (key, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(key);
            out.push('=');
            out.push_str(&text(value));
        }
        out
    }
}

/// What the arm an open enum or union keeps an unknown value in is called, unless one of its
/// own values or variants takes the name first.
pub const UNKNOWN_ARM: &str = "Unknown";

/// A piece of a route: text as written, or the value of a path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutePiece {
    Text(String),
    /// The index of the parameter in [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone)]
pub struct Body {
    pub ty: Ty,
    pub required: bool,
    /// The media type it is sent as, as the document writes it.
    pub media_type: String,
    pub encoding: BodyEncoding,
}

/// How a request body is written, by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyEncoding {
    /// `application/json`, `…+json`, `text/json`, `*/*`: the typed value as JSON.
    Json,
    /// `application/x-www-form-urlencoded`: the value's properties as form pairs.
    Form,
    /// `multipart/form-data`: the value's properties as parts.
    Multipart,
    /// Anything else (`application/octet-stream`, `text/plain`, XML…): bytes as given.
    Raw,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// The method of its group (or of `Client`) that makes its builder.
    pub method_name: String,
    /// The builder's type name, in the generated `builders` module.
    pub builder: String,
    pub method: Method,
    pub path: String,
    /// The path as the request writes it, and the query its template carries.
    pub route: Route,
    pub tag: Option<String>,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// What the builder sends and gives back.
    pub call: Call,
    /// How `into_stream()` walks the pages, for a cursor-paginated list.
    pub pagination: Option<Pagination>,
    /// The index in [`DeclaredErrors::decoders`] of the function that decodes its error bodies.
    pub errors: usize,
    pub origin: String,
    /// The credentials it sends.
    pub security: Security,
    /// The servers its description names for it instead of the document's (absolute, variables
    /// at their defaults): an upload host, say. Empty when it names none of its own.
    pub servers: Vec<String>,
    /// The `Accept` header `send()` sends: the JSON media type it decodes, else the media
    /// types the success responses declare, else `*/*`.
    pub accept: String,
}

/// The builder's ways to send: `send()` and `stream()`.
#[derive(Debug, Clone)]
pub struct Call {
    pub answer: Answer,
    /// The optional boolean of the body that asks for a stream (`streaming`): `send()` sets it
    /// to `false`, `stream()` to `true`.
    pub toggle: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// No body to decode (a 204, say): `send()` gives `()`.
    Empty,
    /// `send()` decodes this JSON body.
    Json(Ty),
    /// `stream()` gives these events.
    Events(Ty),
    /// Both, chosen by the call.
    JsonOrEvents { json: Ty, events: Ty },
}

impl Answer {
    /// The JSON body `send()` decodes, when there is one.
    pub fn json(&self) -> Option<&Ty> {
        match self {
            Answer::Json(ty) | Answer::JsonOrEvents { json: ty, .. } => Some(ty),
            Answer::Empty | Answer::Events(_) => None,
        }
    }

    /// The builder's ways to send, for its documentation.
    pub fn sent_by(&self) -> &'static str {
        match self {
            Answer::Empty | Answer::Json(_) => "`send()`",
            Answer::Events(_) => "`stream()`",
            Answer::JsonOrEvents { .. } => "`send()` or `stream()`",
        }
    }

    /// What `stream()` yields, when there is a `stream()`.
    pub fn events(&self) -> Option<&Ty> {
        match self {
            Answer::Events(ty) | Answer::JsonOrEvents { events: ty, .. } => Some(ty),
            Answer::Empty | Answer::Json(_) => None,
        }
    }
}

/// A list that pages by an `after` cursor, the last item's id.
#[derive(Debug, Clone)]
pub struct Pagination {
    pub item: Ty,
    /// The builder's field for the query parameter `after`.
    pub after: String,
    /// The builder's field for the query parameter `limit`, and its server default.
    pub limit: Option<(String, Option<i64>)>,
}

/// How an item type reads its `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdAccess {
    /// From this `String` field, which is always there (`required`) or optional.
    Field { name: String, required: bool },
    /// From whichever variant the value is (every variant has an id), or the unknown payload's
    /// `id` property.
    Variants,
}

/// A resource group: the operations of one tag, or those without a tag.
#[derive(Debug, Clone)]
pub struct Group {
    /// `None` for untagged operations, which are methods of `Client` itself.
    pub tag: Option<TagGroup>,
    /// Indices into [`Model::operations`], in document order.
    pub operations: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct TagGroup {
    pub tag: String,
    /// The group's type name: `Conversations`.
    pub type_name: String,
    /// The method of `Client` that returns the group: `conversations()`.
    pub accessor: String,
}

/// The error bodies all operations declare, and the functions that decode them.
#[derive(Debug, Clone, Default)]
pub struct DeclaredErrors {
    /// The arms of the `DeclaredError` enum: each distinct error body type once.
    pub variants: Vec<Variant>,
    /// One function per distinct table of statuses, shared by the operations that declare
    /// the same; printed in this order.
    pub decoders: Vec<ErrorDecoder>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDecoder {
    pub name: String,
    /// Each declared status and the index of its body's arm in [`DeclaredErrors::variants`].
    pub cases: Vec<(StatusMatch, usize)>,
}

/// Which statuses a declared response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusMatch {
    /// One status: `422`.
    Code(u16),
    /// A class: `4XX` is `Range(4)`.
    Range(u16),
    /// Every status not declared otherwise.
    Default,
}
