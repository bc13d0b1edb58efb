//! Prints `client.rs`, all of it declarations, a line per fact, as `models.rs` is: the API
//! as the runtime reads it (`api!`: servers, credentials), the declared error bodies and their
//! decoders, how each paginated item gives its id, the resource groups, and each operation in
//! the runtime's `operation!` macro (`codegen/runtime/operation.rs`: its method, its builder
//! with a setter per optional parameter, `send`/`stream`/`into_stream`), with the names, call
//! shapes, pagination and error decoders lowering settled. Identifiers are printed by `ident`,
//! text by `string_literal` and prose by `doc_comment`, so no name or prose can inject code.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::docs::doc_comment;
use super::spelling::{INDENT, MEMBER_INDENT, Spelling, ident, string_literal};
use crate::model::*;

/// What every `client.rs` starts with: its docs, and the runtime's API it passes on.
const OPENING: &str = "\
//! The HTTP client: [`Client`], one resource group per tag, one builder per operation.
//!
//! A group's method takes what the operation requires: its required parameters and, when
//! the schema requires one, its body. Everything optional is a setter on the builder
//! it returns: optional parameters by name, an optional body with `.body(..)`. Every
//! builder is named after its operationId with `Builder` at the end, and no public type
//! of the crate shares its name; each takes per-call options through [`CallOptions`].
#![allow(deprecated)]

pub use crate::client_runtime::{
    ApiError, Attempts, CallOptions, Client, ClientBuilder, DecodeError, Error, ErrorBody,
    EventStream, HasId, RequestOptions, RetryPolicy, Stopped, StreamError, StreamLimit,
    TimeoutError, TimeoutKind, TooLargeError, TransportError, Truncation,
};
";

/// Prints `client.rs` (without its header).
pub fn emit(model: &Model) -> String {
    let groups: Vec<&TagGroup> = model.groups.iter().filter_map(|g| g.tag.as_ref()).collect();
    let mut macros = vec!["api", "declared_errors"];
    if !model.errors.decoders.is_empty() {
        macros.push("error_decoder");
    }
    if !groups.is_empty() {
        macros.push("groups");
    }
    if !model.item_ids.is_empty() {
        macros.push("has_id");
    }
    macros.sort_unstable();
    let mut out = String::from(OPENING);
    let _ = writeln!(out, "use crate::operation::{{{}}};", macros.join(", "));
    access(&mut out, &model.api);
    // Of the names `client.rs` holds, only a group's can be one the types borrow (lowering
    // keeps the runtime's own names from the groups).
    let taken = groups.iter().map(|g| g.type_name.as_str());
    declared_errors(&mut out, model, &Spelling::for_client(taken));
    has_ids(&mut out, model);
    if !groups.is_empty() {
        out.push_str("\ngroups! {\n");
        for group in &groups {
            let doc = format!("The `{}` operations.", group.tag);
            out.push_str(&doc_comment(&[Some(doc)], INDENT));
            let _ = writeln!(
                out,
                "{INDENT}{}() -> {} {};",
                ident(&group.accessor),
                ident(&group.type_name),
                string_literal(&group.tag)
            );
        }
        out.push_str("}\n");
    }
    out.push_str(&builders(model));
    out
}

/// `api!`: the base URL's variable and default, the servers as constants, and a
/// `ClientBuilder` setter per security scheme, with where the runtime sends it.
fn access(out: &mut String, api: &Api) {
    let default = match &api.default_base_url {
        Some(url) => format!(" or {}", string_literal(url)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "\napi! {{\n{INDENT}base_url: {}{default};\n{INDENT}servers {{",
        string_literal(&api.base_url_env)
    );
    for server in &api.servers {
        let url = &server.url;
        let doc = [server.description.clone(), Some(format!("`{url}`"))];
        out.push_str(&doc_comment(&doc, MEMBER_INDENT));
        let _ = writeln!(
            out,
            "{MEMBER_INDENT}{} = {};",
            ident(&server.constant),
            string_literal(url)
        );
    }
    let _ = writeln!(out, "{INDENT}}}\n{INDENT}credentials {{");
    for (index, scheme) in api.schemes.iter().enumerate() {
        let env = &scheme.env;
        let (how, secret, place) = match &scheme.kind {
            SchemeKind::Bearer { via } => (
                format!("as `Authorization: Bearer <token>` ({via}; `from_env` reads `{env}`)"),
                "token",
                "Bearer".to_owned(),
            ),
            SchemeKind::Basic => (
                format!(
                    "as `Authorization: Basic` (`from_env` reads `{env}_USERNAME` and `{env}_PASSWORD`)"
                ),
                "username, password",
                "Basic".to_owned(),
            ),
            SchemeKind::ApiKey { location, name } => {
                let (place, variant) = match location {
                    KeyLocation::Header => ("header", "Header"),
                    KeyLocation::Query => ("query parameter", "Query"),
                    KeyLocation::Cookie => ("cookie", "Cookie"),
                };
                let shown = name.replace('`', "'");
                (
                    format!("in the `{shown}` {place} (`from_env` reads `{env}`)"),
                    "token",
                    format!("{variant}({})", string_literal(name)),
                )
            }
        };
        let summary = format!(
            "The `{}` credential, sent {how} by the operations whose security names it.",
            scheme.key.replace('`', "'")
        );
        out.push_str(&doc_comment(
            &[Some(summary), scheme.doc.clone()],
            MEMBER_INDENT,
        ));
        let _ = writeln!(
            out,
            "{MEMBER_INDENT}[{index}] {}({secret}) = {} from {} as {place};",
            ident(&scheme.setter),
            string_literal(&scheme.key),
            string_literal(env)
        );
    }
    let _ = writeln!(out, "{INDENT}}}\n}}");
}

/// `DeclaredError`, a variant per declared error body, and the decoders operations share.
fn declared_errors(out: &mut String, model: &Model, spelling: &Spelling) {
    let errors = &model.errors;
    out.push_str("\ndeclared_errors! {\n");
    for variant in &errors.variants {
        let _ = writeln!(
            out,
            "{INDENT}{}({}),",
            ident(&variant.name),
            spelling.ty(model, &variant.ty)
        );
    }
    out.push_str("}\n");
    for decoder in &errors.decoders {
        let _ = writeln!(
            out,
            "\nerror_decoder! {{\n{INDENT}fn {} {{",
            ident(&decoder.name)
        );
        for (status, arm) in &decoder.cases {
            let pattern = match *status {
                StatusMatch::Default => "_".to_owned(),
                StatusMatch::Range(class) => {
                    let first = class.saturating_mul(100);
                    format!("{first}..={}", first.saturating_add(99))
                }
                StatusMatch::Code(status) => status.to_string(),
            };
            let variant = errors.variants.get(*arm).map(|v| ident(&v.name));
            if let Some(variant) = variant {
                let _ = writeln!(out, "{MEMBER_INDENT}{pattern} => {variant},");
            }
        }
        let _ = writeln!(out, "{INDENT}}}\n}}");
    }
}

/// `has_id!`: how every type of a paginated list's items reads its id, as the model says.
fn has_ids(out: &mut String, model: &Model) {
    if model.item_ids.is_empty() {
        return;
    }
    out.push_str("\nhas_id! {\n");
    for (id, access) in &model.item_ids {
        let def = model.get(*id);
        let how = match (access, &def.kind) {
            (
                IdAccess::Field {
                    name,
                    required: true,
                },
                _,
            ) => ident(name).to_string(),
            (
                IdAccess::Field {
                    name,
                    required: false,
                },
                _,
            ) => format!("{}?", ident(name)),
            (IdAccess::Variants, TypeKind::Union(u)) => {
                let variants: Vec<String> = u
                    .variants()
                    .into_iter()
                    .map(|v| ident(&v.name).to_string())
                    .collect();
                format!("[{}] or {}", variants.join(", "), ident(&u.unknown_name))
            }
            // Lowering gives `Variants` to unions only.
            (IdAccess::Variants, _) => "()".to_owned(),
        };
        let _ = writeln!(out, "{INDENT}{}({how});", ident(&def.name));
    }
    out.push_str("}\n");
}

/// The `builders` module: a declaration per operation, in group order.
fn builders(model: &Model) -> String {
    let spelling = Spelling::for_builders(model.operations.iter().map(|op| op.builder.as_str()));
    let mut out = String::from(
        "\n/// The builders the operations return; call `send()` (or `stream()`) to make the request.\npub mod builders {\n",
    );
    if !model.operations.is_empty() {
        out.push_str("    // The operations may name no model.\n    #[allow(unused_imports)]\n    use crate::models;\n    use crate::operation::operation;\n");
        // The locations name where each parameter goes (`query::add`).
        let mut locations = BTreeSet::new();
        for op in &model.operations {
            locations.extend(op.params.iter().map(|p| location(p.location)));
            if let Some(body) = &op.body {
                locations.insert(body_location(body));
            }
        }
        if !locations.is_empty() {
            let names: Vec<&str> = locations.into_iter().collect();
            let _ = writeln!(
                out,
                "    use crate::operation::location::{{{}}};",
                names.join(", ")
            );
        }
    }
    for group in &model.groups {
        let group_name = group
            .tag
            .as_ref()
            .map_or("Client", |t| t.type_name.as_str());
        for &index in &group.operations {
            out.push('\n');
            operation(
                &mut out,
                model,
                &model.operations[index],
                group_name,
                &spelling,
            );
        }
    }
    out.push_str("}\n");
    out
}

/// The route lowering settled, as the declaration writes it: ` / "v1" / {id}` for the
/// segments (an empty path is one empty segment, as the template `/` always was), then
/// ` & "key" = "value"` for the query pairs it kept. A piece names a path parameter by its
/// field; any other parameter a template names has no value in the path.
fn route_declaration(op: &Operation) -> String {
    let piece = |piece: &RoutePiece| match piece {
        RoutePiece::Text(text) => string_literal(text),
        RoutePiece::Param(index) => match op.params.get(*index) {
            Some(p) if p.required && p.location == ParamLocation::Path => {
                format!("{{{}}}", ident(&p.name))
            }
            _ => string_literal(""),
        },
    };
    let run = |pieces: &[RoutePiece]| match pieces {
        [] => string_literal(""),
        [one] => piece(one),
        many => format!("[{}]", many.iter().map(piece).collect::<Vec<_>>().join(" ")),
    };
    let mut out = String::new();
    if op.route.segments.is_empty() {
        out.push_str(" / \"\"");
    }
    for segment in &op.route.segments {
        let _ = write!(out, " / {}", run(segment));
    }
    for (key, value) in &op.route.query {
        let _ = write!(out, " & {} = {}", string_literal(key), run(value));
    }
    out
}

fn location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

/// How the body is written, as the runtime's location that writes it: `body` as JSON, `form`
/// as form pairs, `multipart` as form-data parts, `raw` as the bytes given.
fn body_location(body: &Body) -> &'static str {
    match body.encoding {
        BodyEncoding::Json => "body",
        BodyEncoding::Form => "form",
        BodyEncoding::Multipart => "multipart",
        BodyEncoding::Raw => "raw",
    }
}

/// A parameter as the declaration states it: `name: Type = location("wire")`.
fn parameter_line(model: &Model, p: &Param, spelling: &Spelling) -> String {
    format!(
        "{}: {} = {}({})",
        p.name,
        spelling.ty(model, &p.ty),
        location(p.location),
        string_literal(&p.wire)
    )
}

const DECLARATION_INDENT: &str = "        ";
const OPTION_INDENT: &str = "            ";

/// One `operation!` declaration.
fn operation(out: &mut String, model: &Model, op: &Operation, group: &str, spelling: &Spelling) {
    out.push_str("    operation! {\n");
    let route = format!("`{} {}`", op.method.as_http(), op.path);
    out.push_str(&doc_comment(
        &[
            op.summary.clone(),
            op.doc.clone(),
            Some(route),
            servers_doc(op),
        ],
        DECLARATION_INDENT,
    ));
    if op.deprecated {
        let _ = writeln!(out, "{DECLARATION_INDENT}#[deprecated]");
    }
    let body_line = op.body.as_ref().map(|b| {
        let ty = match b.encoding {
            BodyEncoding::Raw => "::bytes::Bytes".to_owned(),
            _ => spelling.ty(model, &b.ty),
        };
        format!(
            "body: {ty} = {}({})",
            body_location(b),
            string_literal(&b.media_type)
        )
    });
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    let mut required: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| parameter_line(model, p, spelling))
        .collect();
    if let (Some(line), true) = (&body_line, body_required) {
        required.push(line.clone());
    }
    let _ = write!(
        out,
        "{DECLARATION_INDENT}pub fn {group}::{}(",
        op.method_name
    );
    if !required.is_empty() {
        out.push('\n');
        for line in &required {
            let _ = writeln!(out, "{OPTION_INDENT}{line},");
        }
        out.push_str(DECLARATION_INDENT);
    }
    let body_optional = op.body.is_some() && !body_required;
    let options = op.params.iter().any(|p| !p.required) || body_optional;
    let _ = write!(
        out,
        ") -> {} = {} {} sent by {} {{",
        op.builder,
        op.method.as_http(),
        // The route lowering settled, not the document's template.
        string_literal(&op.route.template(&op.params)),
        string_literal(op.call.answer.sent_by())
    );
    out.push_str(if options { "\n" } else { "}\n" });
    optional_lines(
        out,
        model,
        op,
        spelling,
        body_line.filter(|_| body_optional),
    );
    if options {
        let _ = writeln!(out, "{DECLARATION_INDENT}}}");
    }
    let _ = writeln!(
        out,
        "{DECLARATION_INDENT}errors: {};",
        model.errors.decoders[op.errors].name
    );
    let _ = writeln!(out, "{DECLARATION_INDENT}route:{};", route_declaration(op));
    if !op.security.alternatives.is_empty() {
        let alternatives: Vec<String> = op
            .security
            .alternatives
            .iter()
            .map(|alt| {
                let schemes: Vec<String> = alt.iter().map(usize::to_string).collect();
                format!("[{}]", schemes.join(", "))
            })
            .collect();
        let _ = writeln!(
            out,
            "{DECLARATION_INDENT}security: [{}];",
            alternatives.join(", ")
        );
    }
    if op.accept != "application/json" {
        let _ = writeln!(
            out,
            "{DECLARATION_INDENT}accept: {};",
            string_literal(&op.accept)
        );
    }
    if !op.servers.is_empty() {
        let servers: Vec<String> = op.servers.iter().map(|s| string_literal(s)).collect();
        let _ = writeln!(
            out,
            "{DECLARATION_INDENT}servers: [{}];",
            servers.join(", ")
        );
    }
    answer_lines(out, model, op, spelling, body_required);
    out.push_str("    }\n");
}

/// Where an operation with servers of its own goes, for its docs.
fn servers_doc(op: &Operation) -> Option<String> {
    let listed: Vec<String> = op.servers.iter().map(|s| format!("`{s}`")).collect();
    let whither = match listed.as_slice() {
        [] => return None,
        [one] => format!("Sent to {one}, this operation's own server,"),
        several => format!(
            "Sent to this operation's own servers, {}, the one in the place the client's base URL \
             has among the description's servers (or the first),",
            several.join(", ")
        ),
    };
    Some(format!(
        "{whither} while the client's base URL is one of the description's servers; any other \
         base URL takes the call, and `CallOptions::base_url` sends one call elsewhere."
    ))
}

/// The optional parameters and an optional body, each with its docs: the builder's setters.
fn optional_lines(
    out: &mut String,
    model: &Model,
    op: &Operation,
    spelling: &Spelling,
    body_line: Option<String>,
) {
    for p in op.params.iter().filter(|p| !p.required) {
        let default = p
            .default
            .as_ref()
            .map(|d| format!("Server default: `{d}`."));
        let place = Some(match p.location {
            ParamLocation::Path => format!("Fills `{{{}}}` in the path.", p.wire),
            ParamLocation::Query => format!("Sent as the `{}` query parameter.", p.wire),
            ParamLocation::Header => format!("Sent as the `{}` header.", p.wire),
        });
        out.push_str(&doc_comment(
            &[p.doc.clone(), default, place],
            OPTION_INDENT,
        ));
        if p.deprecated {
            let _ = writeln!(out, "{OPTION_INDENT}#[deprecated]");
        }
        let _ = writeln!(
            out,
            "{OPTION_INDENT}{},",
            parameter_line(model, p, spelling)
        );
    }
    if let Some(line) = body_line {
        let _ = writeln!(
            out,
            "{OPTION_INDENT}/// The request body; without it none is sent."
        );
        let _ = writeln!(out, "{OPTION_INDENT}{line},");
    }
}

/// How the operation answers: `send` with its JSON type (or none), `stream` with its events
/// (each with the body's toggle, when it has one), and `into_stream` for pages.
fn answer_lines(
    out: &mut String,
    model: &Model,
    op: &Operation,
    spelling: &Spelling,
    body_required: bool,
) {
    let switch = |value: bool| match &op.call.toggle {
        Some(field) if body_required => format!("({field} = {value} in body)"),
        Some(field) => format!("({field} = {value} in body.get_or_insert_default())"),
        None => String::new(),
    };
    match &op.call.answer {
        Answer::Json(json) | Answer::JsonOrEvents { json, .. } => {
            let _ = writeln!(
                out,
                "{DECLARATION_INDENT}send{} -> {};",
                switch(false),
                spelling.ty(model, json)
            );
        }
        Answer::Empty => {
            let _ = writeln!(out, "{DECLARATION_INDENT}send{};", switch(false));
        }
        Answer::Events(_) => {}
    }
    if let Some(events) = op.call.answer.events() {
        let _ = writeln!(
            out,
            "{DECLARATION_INDENT}stream{} -> {};",
            switch(true),
            spelling.ty(model, events)
        );
    }
    if let Some(pages) = &op.pagination {
        let limit = match &pages.limit {
            Some((field, Some(default))) => format!(", {field} = {default}"),
            Some((field, None)) => format!(", {field}"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "{DECLARATION_INDENT}into_stream({}{limit}) -> {};",
            pages.after,
            spelling.ty(model, &pages.item)
        );
    }
}
