//! Operations as the document declares them: parameters, request body, success answers and
//! error bodies, in document order. What the client makes of them (names, call shape,
//! pagination, shared error decoders) is settled afterwards, in `client`.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, StatusCode};

use super::Lowerer;
use super::client::TRAIT_METHODS;
use crate::error::{Error, Pointer, Result, Warning};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::template::{self, Piece};
use crate::vocabulary::{self, Method};

/// A builder's own fields (`body`, `client`, `options`) and methods (sending, and those of
/// `CallOptions`): a parameter of one of these names takes a number (`client_2`).
const BUILDER_MEMBERS: [&str; 18] = [
    "body",
    "client",
    "options",
    "request",
    "send",
    "stream",
    "into_stream",
    "options_mut",
    "retry",
    "max_retries",
    "retry_non_idempotent",
    "timeout",
    "deadline",
    "stream_idle_timeout",
    "max_response_bytes",
    "max_event_bytes",
    "max_stream_buffer_bytes",
    "base_url",
];

/// An operation as declared, before the client's decisions.
pub(super) struct Declared {
    pub operation_id: String,
    /// The operationId as a snake_case name, unique among the operations.
    pub snake_name: String,
    pub method: Method,
    pub path: String,
    pub route: Route,
    pub tag: Option<String>,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The JSON body of the first success response that has one.
    pub json: Option<Ty>,
    /// The event type of the first `text/event-stream` success response.
    pub events: Option<Ty>,
    /// Declared error bodies by status, in document order.
    pub errors: Vec<(StatusMatch, Ty)>,
    /// The `Accept` header of `send()`: the JSON media type it decodes, else the media types
    /// of the success responses, else anything.
    pub accept: String,
    pub origin: String,
}

impl Lowerer<'_> {
    /// The component schemas used as a PATCH request body, by name.
    pub(super) fn find_patch_bodies(&mut self) {
        for (path, _, method, op) in operations_of(self.spec) {
            if method != Method::Patch {
                continue;
            }
            let Some(body) = &op.request_body else {
                continue;
            };
            // A body that does not resolve is reported where the operation is lowered.
            let at = Pointer::root().join("paths").join(path);
            let Ok(body) = self.resolve(body, &at) else {
                continue;
            };
            for media in body.content.values() {
                if let Some(ReferenceOr::Reference { reference }) = &media.schema {
                    if let Ok(name) = vocabulary::component_name::<Schema>(reference, &at) {
                        self.patch_bodies.insert(name);
                    }
                }
            }
        }
    }

    /// Every operation, in `order` (the document's, which `openapiv3` does not keep).
    pub(super) fn operations(&mut self, order: &[(String, Method)]) -> Result<Vec<Declared>> {
        // Each id given out so far: where, and whether the document declared it.
        let mut seen_ids: BTreeMap<String, (Pointer, bool)> = BTreeMap::new();
        let mut snake_names = Scope::default();
        let mut out = Vec::new();
        let mut all = operations_of(self.spec);
        all.sort_by_key(|(path, _, method, _)| {
            order
                .iter()
                .position(|(p, m)| p == path && m == method)
                .unwrap_or(usize::MAX)
        });
        for (path, item, method, op) in all {
            let item_at = Pointer::root().join("paths").join(path);
            let at = item_at.join(method.key());
            // An id with nothing to name a method by (`""`, `"-"`) counts as none.
            let declared = op
                .operation_id
                .as_ref()
                .filter(|id| id.chars().any(|c| c.is_ascii_alphanumeric()));
            let wanted = match declared {
                Some(id) => id.clone(),
                None => format!("{}_{}", method.key(), naming::field_name(path)),
            };
            // An id met again (real documents repeat them) is numbered in document order:
            // `same`, `same_2`, `same_3`…; a repeated declared id is the document's flaw.
            let mut operation_id = wanted.clone();
            let mut n = 2;
            while seen_ids.contains_key(&operation_id) {
                operation_id = format!("{wanted}_{n}");
                n += 1;
            }
            if let Some((first, first_declared)) = seen_ids.get(&wanted) {
                if declared.is_some() && *first_declared {
                    self.warnings.push(Warning {
                        pointer: at.join("operationId"),
                        message: format!(
                            "operationId `{wanted}` is also used at {first}; this operation's \
                             is `{operation_id}` here"
                        ),
                    });
                }
            }
            let as_declared = declared.is_some() && operation_id == wanted;
            seen_ids.insert(operation_id.clone(), (at.clone(), as_declared));
            let type_prefix = naming::type_name(&operation_id);
            let params = self.parameters((item, &item_at), op, &type_prefix, &at)?;
            let route = route(path, &params, &at)?;
            let body = self.request_body(op, &type_prefix, &at)?;
            let Responses {
                json,
                events,
                errors,
                accept,
            } = self.responses(op, &type_prefix, &at)?;
            out.push(Declared {
                snake_name: snake_names.claim_snake(&naming::field_name(&operation_id)),
                operation_id,
                method,
                path: path.to_owned(),
                route,
                tag: op.tags.first().cloned(),
                summary: op.summary.clone(),
                doc: op.description.clone(),
                deprecated: op.deprecated,
                params,
                body,
                json,
                events,
                errors,
                accept,
                origin: at.to_string(),
            });
        }
        // The API has one kind of event stream: where an operation streams events without
        // naming their schema, it gets the type the other streaming operations name.
        let typed_events = out
            .iter()
            .filter_map(|op| op.events.clone())
            .find(|ty| *ty != Ty::Json);
        if let Some(events) = typed_events {
            for op in &mut out {
                if op.events == Some(Ty::Json) {
                    op.events = Some(events.clone());
                }
            }
        }
        Ok(out)
    }

    /// The path item's parameters, then the operation's; cookies are left out.
    fn parameters(
        &mut self,
        (item, item_at): (&openapiv3::PathItem, &Pointer),
        op: &openapiv3::Operation,
        type_prefix: &str,
        at: &Pointer,
    ) -> Result<Vec<Param>> {
        let mut params = Vec::new();
        let mut scope = Scope::with_reserved(&[&BUILDER_MEMBERS[..], &TRAIT_METHODS].concat());
        // The path item's parameters, then the operation's; an operation's parameter overrides
        // the path item's of the same name and location, as OpenAPI says.
        let mut all: Vec<(&Parameter, Pointer)> = Vec::new();
        for (i, param) in item.parameters.iter().enumerate() {
            let param_at = item_at.join("parameters").join(i);
            all.push((self.resolve(param, &param_at)?, param_at));
        }
        for (i, param) in op.parameters.iter().enumerate() {
            let param_at = at.join("parameters").join(i);
            let param = self.resolve(param, &param_at)?;
            let same = |(p, _): &(&Parameter, Pointer)| {
                p.parameter_data_ref().name == param.parameter_data_ref().name
                    && std::mem::discriminant(*p) == std::mem::discriminant(param)
            };
            match all.iter().position(same) {
                Some(overridden) => all[overridden] = (param, param_at),
                None => all.push((param, param_at)),
            }
        }
        for (param, param_at) in all {
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
                        lowered.ty.without_null(),
                        resolved.schema_data.default.clone(),
                        resolved.schema_data.deprecated,
                    )
                }
                ParameterSchemaOrContent::Content(_) => (Ty::String, None, false),
            };
            params.push(Param {
                wire: data.name.clone(),
                name: scope.claim_snake(&naming::field_name(&data.name)),
                location,
                required: data.required || location == ParamLocation::Path,
                ty,
                doc: data.description.clone(),
                default,
                deprecated: data.deprecated.unwrap_or(false) || deprecated_schema,
            });
        }
        Ok(params)
    }

    /// The body of the first media type, if the operation takes one.
    fn request_body(
        &mut self,
        op: &openapiv3::Operation,
        type_prefix: &str,
        at: &Pointer,
    ) -> Result<Option<Body>> {
        let Some(body) = &op.request_body else {
            return Ok(None);
        };
        let body_at = at.join("requestBody");
        let body = self.resolve(body, &body_at)?;
        // Of several media types, the one the client writes best: JSON, then a form, then
        // multipart, then bytes; the first of a kind in document order.
        let chosen = body
            .content
            .iter()
            .enumerate()
            .min_by_key(|(i, (media_type, _))| (body_encoding(media_type), *i))
            .map(|(_, entry)| entry);
        let Some((media_type, media)) = chosen else {
            return Ok(None);
        };
        let ty = match &media.schema {
            Some(schema) => {
                let schema_at = body_at.join("content").join(media_type).join("schema");
                self.lower_ref(schema, &format!("{type_prefix}Body"), &schema_at)?
                    .ty
            }
            None => Ty::Json,
        };
        Ok(Some(Body {
            ty,
            required: body.required,
            media_type: media_type.clone(),
            encoding: body_encoding(media_type),
        }))
    }

    /// The first JSON success body (`2XX` is success too), the first event stream, and every
    /// JSON error body; with no success answer declared, `default`'s body is the success
    /// answer as well as an error's. A 204 or 205 answer has no body (RFC 9110), whatever
    /// content it declares; when an operation has such a success answer beside a JSON one, its
    /// JSON answer is optional: `None` for the answer without a body.
    fn responses(
        &mut self,
        op: &openapiv3::Operation,
        type_prefix: &str,
        at: &Pointer,
    ) -> Result<Responses> {
        let mut json = None;
        let mut json_media = None;
        let mut successes: Vec<String> = Vec::new();
        let mut events = None;
        let mut errors = Vec::new();
        let mut bodiless_success = false;
        let mut any_success = false;
        for (code, response) in &op.responses.responses {
            let code_text = code.to_string();
            let response_at = at.join("responses").join(&code_text);
            let response = self.resolve(response, &response_at)?;
            let success = is_success(code);
            any_success |= success;
            let bodiless = matches!(code, StatusCode::Code(204 | 205));
            if success && (bodiless || response.content.is_empty()) {
                bodiless_success = true;
            }
            if bodiless {
                continue;
            }
            for (media_type, media) in &response.content {
                let media_at = response_at.join("content").join(media_type).join("schema");
                let base = base_media_type(media_type);
                if success && base != "text/event-stream" && !successes.iter().any(|m| m == base) {
                    successes.push(base.to_owned());
                }
                if success && base == "text/event-stream" {
                    if events.is_none() {
                        // An event stream without a schema is typed after the fact.
                        events = Some(match &media.schema {
                            Some(schema) => self.lower_ref(schema, "StreamEvent", &media_at)?.ty,
                            None => Ty::Json,
                        });
                    }
                    continue;
                }
                let Some(schema) = &media.schema else {
                    continue;
                };
                let Some(read_as) = self.read_as_json(base, schema, &media_at)? else {
                    continue;
                };
                if !success {
                    let name = format!("{type_prefix}Error{code_text}");
                    let ty = self.lower_ref(schema, &name, &media_at)?.ty;
                    errors.push((status_match(code), ty));
                } else if json.is_none() {
                    let name = format!("{type_prefix}Response");
                    json = Some(self.lower_ref(schema, &name, &media_at)?.ty_or_null());
                    json_media = Some(read_as);
                }
            }
        }
        if let Some(default) = &op.responses.default {
            let response_at = at.join("responses").join("default");
            let response = self.resolve(default, &response_at)?;
            let mut first_json = None;
            for (media_type, media) in &response.content {
                let base = base_media_type(media_type);
                let media_at = response_at.join("content").join(media_type).join("schema");
                if let Some(schema) = &media.schema {
                    if let Some(read_as) = self.read_as_json(base, schema, &media_at)? {
                        first_json = Some((read_as, schema, media_at));
                        break;
                    }
                }
            }
            if let Some((read_as, schema, media_at)) = first_json {
                // With no success answer declared, `default` is the answer of every status,
                // success included: its body is what `send()` gives as well as the error's.
                let is_answer = !any_success && events.is_none();
                let name = if is_answer {
                    format!("{type_prefix}Response")
                } else {
                    format!("{type_prefix}ErrorDefault")
                };
                let lowered = self.lower_ref(schema, &name, &media_at)?;
                errors.push((StatusMatch::Default, lowered.ty.clone()));
                if is_answer {
                    json = Some(lowered.ty_or_null());
                    json_media = Some(read_as);
                }
            }
        }
        if bodiless_success {
            json = json.map(|ty| match ty {
                Ty::Nullable(_) | Ty::Json => ty,
                ty => Ty::Nullable(Box::new(ty)),
            });
        }
        // A header value holds visible ASCII only; a media type that is no such text is left out.
        successes.retain(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_graphic()));
        let accept = match json_media {
            Some(media) => media,
            None if successes.is_empty() => "*/*".to_owned(),
            None => successes.join(", "),
        };
        let accept = if accept.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
            accept
        } else {
            "*/*".to_owned()
        };
        Ok(Responses {
            json,
            events,
            errors,
            accept,
        })
    }

    /// The `Accept` for an answer of media type `base` read as JSON: its own for a JSON type;
    /// JSON first, then anything, for `*/*` or `application/*` with a schema that is no string
    /// (springfox writes every answer so, 1,614 operations of the directory, and the server
    /// sends JSON); none for anything else.
    fn read_as_json(
        &self,
        base: &str,
        schema: &ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Result<Option<String>> {
        if is_json(base) {
            return Ok(Some(base.to_owned()));
        }
        if !matches!(base, "*/*" | "application/*") {
            return Ok(None);
        }
        let text = matches!(
            self.resolve(schema, at)?.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::String(_))
        );
        Ok((!text).then(|| "application/json, */*;q=0.1".to_owned()))
    }
}

/// How a body of this media type is written (parameters such as `; charset=utf-8` aside).
fn body_encoding(media_type: &str) -> BodyEncoding {
    let base = base_media_type(media_type).to_ascii_lowercase();
    match base.as_str() {
        "text/json" | "*/*" | "application/*" => BodyEncoding::Json,
        "application/x-www-form-urlencoded" => BodyEncoding::Form,
        "multipart/form-data" => BodyEncoding::Multipart,
        other if is_json(other) => BodyEncoding::Json,
        _ => BodyEncoding::Raw,
    }
}

/// A media type without its parameters (`application/json; charset=utf-8` is
/// `application/json`).
fn base_media_type(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or_default().trim()
}

/// A success status: `2XX`, or a code from 200 to 299.
fn is_success(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(class) => *class == 2,
    }
}

/// A JSON media type (parameters such as `; charset=utf-8` already taken off).
fn is_json(base: &str) -> bool {
    base.eq_ignore_ascii_case("application/json") || base.ends_with("+json")
}

/// What an operation's responses declare.
struct Responses {
    json: Option<Ty>,
    events: Option<Ty>,
    errors: Vec<(StatusMatch, Ty)>,
    accept: String,
}

fn status_match(code: &StatusCode) -> StatusMatch {
    match code {
        StatusCode::Code(code) => StatusMatch::Code(*code),
        StatusCode::Range(class) => StatusMatch::Range(*class),
    }
}

/// The route of a path template: every `{name}` in the path is a declared path parameter; a
/// pair of the query some documents write into the template (`?filename={filename}`) is sent
/// as it is, unless it names a query parameter, which is sent with the others.
fn route(path: &str, params: &[Param], at: &Pointer) -> Result<Route> {
    let template = template::parse(path).map_err(|reason| {
        Error::at(at.as_str(), reason).hint("declare query parameters with `in: query` instead")
    })?;
    let find = |location: ParamLocation, name: &str| {
        params
            .iter()
            .position(|p| p.location == location && p.wire == name)
    };
    let path_piece = |piece: &Piece| match piece {
        Piece::Text(text) => Ok(RoutePiece::Text(text.clone())),
        Piece::Param(name) => match find(ParamLocation::Path, name) {
            Some(index) => Ok(RoutePiece::Param(index)),
            None => Err(Error::at(
                at.as_str(),
                format!("the path parameter `{{{name}}}` is not declared"),
            )
            .hint("add it to the operation's parameters with `in: path`")),
        },
    };
    let segments = template
        .segments
        .iter()
        .map(|segment| segment.iter().map(path_piece).collect::<Result<Vec<_>>>())
        .collect::<Result<Vec<_>>>()?;
    let mut query = Vec::new();
    for (key, value) in &template.query {
        let names_a_query_parameter = value.iter().any(|piece| {
            matches!(piece, Piece::Param(name)
                if find(ParamLocation::Query, name).is_some()
                    && find(ParamLocation::Path, name).is_none())
        });
        if !names_a_query_parameter {
            let value = value.iter().map(path_piece).collect::<Result<Vec<_>>>()?;
            query.push((key.clone(), value));
        }
    }
    Ok(Route { segments, query })
}

/// Every operation as `(path, path item, method, operation)`, in document order.
fn operations_of(
    spec: &OpenAPI,
) -> Vec<(&str, &openapiv3::PathItem, Method, &openapiv3::Operation)> {
    let mut out = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for method in Method::ALL {
            if let Some(op) = method.operation_of(item) {
                out.push((path.as_str(), item, method, op));
            }
        }
    }
    out
}
