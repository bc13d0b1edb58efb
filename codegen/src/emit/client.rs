//! Prints the client: one resource group per tag, and each operation as a declaration in the
//! runtime's `operation!` macro (`codegen/runtime/operation.rs`: its method, its builder with a
//! setter per optional parameter, `send`/`stream`/`into_stream`), with the names, call shapes,
//! pagination and error decoders lowering settled. The client's own items are tokens printed by
//! `prettyplease`; the declarations are text, one line per parameter, as the models are.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc_comment;
use super::spelling::{Spelling, ident, string_literal, ty_tokens};
use crate::model::*;

/// `HasId` for every type of a paginated list's items, reading the id as the model says.
fn has_id_impls(model: &Model) -> TokenStream {
    let impls = model.item_ids.iter().map(|(id, access)| {
        let def = model.get(*id);
        let name = ident(&def.name);
        let body = match (access, &def.kind) {
            (IdAccess::Field { name, required: true }, _) => {
                let name = ident(name);
                quote!(::std::option::Option::Some(self.#name.as_str()))
            }
            (IdAccess::Field { name, required: false }, _) => {
                let name = ident(name);
                quote!(self.#name.as_deref())
            }
            (IdAccess::Variants, TypeKind::Union(u)) => {
                let arms = u.variants().into_iter().map(|v| {
                    let vname = ident(&v.name);
                    quote!(Self::#vname(value) => crate::client::HasId::id(value),)
                });
                let unknown = ident(&u.unknown_name);
                let unknown_arm = match &u.kind {
                    UnionKind::Tagged(_) => {
                        quote!(Self::#unknown(object) => object.get("id").and_then(::serde_json::Value::as_str),)
                    }
                    UnionKind::Untagged(_) => {
                        quote!(Self::#unknown(value) => value.get("id").and_then(::serde_json::Value::as_str),)
                    }
                };
                quote!(match self { #(#arms)* #unknown_arm })
            }
            // Lowering gives `Variants` to unions only.
            (IdAccess::Variants, _) => quote!(::std::option::Option::None),
        };
        quote! {
            impl HasId for crate::models::#name {
                fn id(&self) -> ::std::option::Option<&str> { #body }
            }
        }
    });
    quote!(#(#impls)*)
}

/// The servers as constants, what the runtime reads of the API (`API`: the base URL's
/// variable and default, each scheme's variable and place), and a `ClientBuilder` setter per
/// security scheme.
fn access(api: &Api) -> TokenStream {
    let servers = api.servers.iter().map(|server| {
        let name = ident(&server.constant);
        let url = &server.url;
        let doc = doc_comment(&[server.description.clone(), Some(format!("`{url}`"))], "");
        let doc = doc_lines(&doc);
        quote! {
            #(#[doc = #doc])*
            pub const #name: &str = #url;
        }
    });
    let base_url_env = &api.base_url_env;
    let default = match &api.default_base_url {
        Some(url) => quote!(::std::option::Option::Some(#url)),
        None => quote!(::std::option::Option::None),
    };
    let schemes = api.schemes.iter().map(|scheme| {
        let key = &scheme.key;
        let env = &scheme.env;
        let place = match &scheme.kind {
            SchemeKind::Bearer { .. } => quote!(Place::Bearer),
            SchemeKind::Basic => quote!(Place::Basic),
            SchemeKind::ApiKey { location, name } => match location {
                KeyLocation::Header => quote!(Place::Header(#name)),
                KeyLocation::Query => quote!(Place::Query(#name)),
                KeyLocation::Cookie => quote!(Place::Cookie(#name)),
            },
        };
        quote!(Scheme { key: #key, env: #env, place: #place },)
    });
    let setters = api.schemes.iter().enumerate().map(|(index, scheme)| {
        let index = Literal::usize_unsuffixed(index);
        let setter = ident(&scheme.setter);
        let env = &scheme.env;
        let how = match &scheme.kind {
            SchemeKind::Bearer { via } => {
                format!("as `Authorization: Bearer <token>` ({via}; `from_env` reads `{env}`)")
            }
            SchemeKind::Basic => format!(
                "as `Authorization: Basic` (`from_env` reads `{env}_USERNAME` and `{env}_PASSWORD`)"
            ),
            SchemeKind::ApiKey { location, name } => {
                let place = match location {
                    KeyLocation::Header => "header",
                    KeyLocation::Query => "query parameter",
                    KeyLocation::Cookie => "cookie",
                };
                let name = name.replace('`', "'");
                format!("in the `{name}` {place} (`from_env` reads `{env}`)")
            }
        };
        let summary = format!(
            "The `{}` credential, sent {how} by the operations whose security names it.",
            scheme.key.replace('`', "'")
        );
        let doc = doc_lines(&doc_comment(&[Some(summary), scheme.doc.clone()], ""));
        match scheme.kind {
            SchemeKind::Basic => quote! {
                #(#[doc = #doc])*
                pub fn #setter(self, username: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.credential_at(#index, crate::client_runtime::Secret::Basic(username.into(), password.into()))
                }
            },
            _ => quote! {
                #(#[doc = #doc])*
                pub fn #setter(self, token: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.credential_at(#index, crate::client_runtime::Secret::Token(token.into()))
                }
            },
        }
    });
    let setters: Vec<TokenStream> = setters.collect();
    let uses = if api.schemes.is_empty() {
        TokenStream::new()
    } else {
        quote!(
            use crate::client_runtime::{Place, Scheme};
        )
    };
    let builder = if setters.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            /// A setter per security scheme of the document.
            impl ClientBuilder { #(#setters)* }
        }
    };
    quote! {
        #(#servers)*

        /// What the runtime needs to know of this API: where `from_env` finds the base URL and
        /// each credential, and how each security scheme is sent.
        pub(crate) const API: crate::client_runtime::Api = {
            #uses
            crate::client_runtime::Api {
                base_url_env: #base_url_env,
                default_base_url: #default,
                schemes: &[#(#schemes)*],
            }
        };

        #builder
    }
}

/// The lines of a `///` comment as `doc` attribute values (without the slashes).
fn doc_lines(comment: &str) -> Vec<String> {
    comment
        .lines()
        .map(|line| {
            let line = line.trim_start();
            line.strip_prefix("///").unwrap_or(line).to_owned()
        })
        .collect()
}

/// The `DeclaredError` enum and the functions that decode each operation's error bodies.
fn declared_errors(model: &Model) -> TokenStream {
    let errors = &model.errors;
    let enum_variants = errors.variants.iter().map(|v| {
        let name = ident(&v.name);
        let ty = ty_tokens(model, &v.ty);
        // Boxed: an error type with many fields would make every `Result<_, Error>` of the
        // client as large as itself (clippy's result_large_err), for a path that is rare.
        quote!(#name(::std::boxed::Box<#ty>),)
    });
    let fns = errors.decoders.iter().map(|decoder| {
        let name = ident(&decoder.name);
        let arms = decoder.cases.iter().map(|(status, arm)| {
            let variant = ident(&errors.variants[*arm].name);
            let pattern = match *status {
                StatusMatch::Default => quote!(_),
                StatusMatch::Range(class) => {
                    let first = class.saturating_mul(100);
                    let last = first.saturating_add(99);
                    quote!(#first..=#last)
                }
                StatusMatch::Code(status) => quote!(#status),
            };
            quote! {
                #pattern => {
                    if let ::std::result::Result::Ok(value) = ::serde_json::from_slice(bytes) {
                        return ::std::option::Option::Some(DeclaredError::#variant(::std::boxed::Box::new(value)));
                    }
                }
            }
        });
        // Lowering puts `default` last: after it, a catch-all would be unreachable.
        let rest = match decoder.cases.last() {
            Some((StatusMatch::Default, _)) => TokenStream::new(),
            _ => quote!(_ => {}),
        };
        quote! {
            #[allow(unused_variables, clippy::match_single_binding, clippy::single_match)]
            fn #name(status: u16, bytes: &[u8]) -> ::std::option::Option<DeclaredError> {
                match status {
                    #(#arms)*
                    #rest
                }
                ::std::option::Option::None
            }
        }
    });
    quote! {
        /// The error bodies the schema declares, decoded when an error answer fits one.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum DeclaredError {
            #(#enum_variants)*
        }

        #(#fns)*
    }
}

/// Prints `client.rs`: the client's own items as tokens, and the `builders` module of
/// operation declarations as text, to follow them.
pub fn emit(model: &Model) -> (TokenStream, String) {
    let access = access(&model.api);
    let declared = declared_errors(model);
    let has_ids = has_id_impls(model);
    let mut group_items = Vec::new();
    let mut group_accessors = Vec::new();
    for group in &model.groups {
        if let Some(TagGroup {
            tag,
            type_name,
            accessor,
        }) = &group.tag
        {
            let group = ident(type_name);
            let accessor_ident = ident(accessor);
            let accessor_doc = format!(" The `{tag}` operations.");
            group_accessors.push(quote! {
                #[doc = #accessor_doc]
                pub fn #accessor_ident(&self) -> #group { #group { client: self.clone() } }
            });
            let group_doc =
                format!(" The operations tagged `{tag}`; made by [`Client::{accessor}`].");
            group_items.push(quote! {
                #[doc = #group_doc]
                #[derive(Clone, Debug)]
                pub struct #group { client: Client }
            });
        }
    }
    let accessors = if group_accessors.is_empty() {
        TokenStream::new()
    } else {
        quote! { impl Client { #(#group_accessors)* } }
    };
    let tokens = quote! {
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
            EventStream, RequestOptions, RetryPolicy, Stopped, StreamError, StreamLimit, TimeoutError,
            TimeoutKind, TooLargeError, TransportError, Truncation,
        };

        #access

        #declared

        /// Items of paginated lists: the cursor is the last item's id.
        pub trait HasId {
            /// The item's id, if it has one.
            fn id(&self) -> ::std::option::Option<&str>;
        }

        #has_ids

        #accessors

        #(#group_items)*
    };
    (tokens, builders(model))
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
        &[op.summary.clone(), op.doc.clone(), Some(route)],
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
        Literal::string(&op.route.template(&op.params)),
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
    answer_lines(out, model, op, spelling, body_required);
    out.push_str("    }\n");
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
