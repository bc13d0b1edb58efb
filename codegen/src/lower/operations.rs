//! Operations: parameters, request body, responses and declared errors of each, in document order.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::Lowerer;
use crate::error::{Error, Pointer, Result};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::vocabulary::Method;

impl Lowerer<'_> {
    pub(super) fn find_patch_bodies(&mut self) {
        for (_, _, method, op) in operations_of(self.spec) {
            if method != Method::Patch {
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

    pub(super) fn operations(&mut self, order: &[(String, String)]) -> Result<Vec<Operation>> {
        let mut seen_ids: BTreeMap<String, Pointer> = BTreeMap::new();
        let mut method_scope = Scope::default();
        let mut out = Vec::new();
        let spec = self.spec;
        let mut all = operations_of(spec);
        all.sort_by_key(|(path, _, method, _)| {
            order
                .iter()
                .position(|(p, m)| p == path && m == method.key())
                .unwrap_or(usize::MAX)
        });
        for (path, item, method, op) in all {
            let at = Pointer::root().join("paths").join(path).join(method.key());
            let operation_id = match &op.operation_id {
                Some(id) => id.clone(),
                None => format!("{}_{}", method.key(), naming::field_name(path)),
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
            let mut param_scope = Scope::with_reserved(&["body"]);
            let all_params = item
                .parameters
                .iter()
                .map(|p| (p, at.join("parameters")))
                .chain(op.parameters.iter().map(|p| (p, at.join("parameters"))));
            for (i, (param, params_at)) in all_params.enumerate() {
                let param_at = params_at.join(i);
                let param = self.resolve(param, &param_at)?;
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
                    let body = self.resolve(body, &body_at)?;
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
                let response = self.resolve(response, &response_at)?;
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
                let response = self.resolve(default, &response_at)?;
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
                method,
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
