//! Prints the client: one resource group per tag, one builder per operation.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::docs::{doc_attrs, doc_paragraphs};
use super::models::{ident, ty_tokens};
use crate::model::*;
use crate::naming::{self, Scope};

/// How an operation returns: JSON, events, or both.
struct Shape {
    json: Option<Ty>,
    events: Option<Ty>,
    /// The body's boolean that asks for a stream (`streaming`), when there is one.
    toggle: Option<String>,
    /// The item type and the page-size default, when the operation is a cursor-paginated list.
    pages: Option<(Ty, Option<i64>)>,
}

fn shape(model: &Model, op: &Operation) -> Shape {
    let toggle = op.body.as_ref().and_then(|body| match &body.ty {
        Ty::Named(id) => match &model.get(*id).kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .find(|f| {
                    matches!(f.wire.as_str(), "streaming" | "stream")
                        && f.ty == Ty::Boolean
                        && f.presence == Presence::Optional
                })
                .map(|f| f.name.clone()),
            _ => None,
        },
        _ => None,
    });
    let events = op.event_response.clone();
    // A JSON answer with no schema next to an event stream is the stream's fallback, not a result.
    let json = op
        .json_response
        .clone()
        .filter(|ty| !(events.is_some() && *ty == Ty::Json && toggle.is_none()));
    let has_after = op
        .params
        .iter()
        .any(|p| p.wire == "after" && p.location == ParamLocation::Query);
    let pages = match (&json, has_after) {
        (Some(Ty::Array(item)), true) if has_id(model, item).is_some() => {
            let default = op
                .params
                .iter()
                .find(|p| p.wire == "limit")
                .and_then(|p| p.default.as_ref())
                .and_then(Value::as_i64);
            Some(((**item).clone(), default))
        }
        _ => None,
    };
    Shape {
        json,
        events,
        toggle,
        pages,
    }
}

/// The expression reading an item's id, if every shape of it has one.
fn has_id(model: &Model, ty: &Ty) -> Option<TokenStream> {
    let Ty::Named(id) = ty else { return None };
    match &model.get(*id).kind {
        TypeKind::Struct(s) => {
            let field = s
                .fields
                .iter()
                .find(|f| f.wire == "id" && f.ty == Ty::String)?;
            let name = ident(&field.name);
            Some(match field.presence {
                Presence::Required => quote!(::std::option::Option::Some(self.#name.as_str())),
                Presence::Const => return None,
                _ => quote!(self.#name.as_deref()),
            })
        }
        TypeKind::Union(u) => {
            let arms = u
                .variants
                .iter()
                .map(|v| {
                    has_id(model, &v.ty)?;
                    let vname = ident(&v.name);
                    Some(quote!(Self::#vname(value) => crate::client::HasId::id(value),))
                })
                .collect::<Option<Vec<_>>>()?;
            let unknown = ident(&u.unknown_name);
            let unknown_arm = if u.discriminator.is_some() {
                quote!(Self::#unknown(object) => object.get("id").and_then(::serde_json::Value::as_str),)
            } else {
                quote!(Self::#unknown(value) => value.get("id").and_then(::serde_json::Value::as_str),)
            };
            Some(quote!(match self { #(#arms)* #unknown_arm }))
        }
        _ => None,
    }
}

/// Every type that needs `HasId`, with the expression, in model order.
fn has_id_impls(model: &Model) -> TokenStream {
    let mut wanted: BTreeMap<usize, TokenStream> = BTreeMap::new();
    fn collect(model: &Model, ty: &Ty, wanted: &mut BTreeMap<usize, TokenStream>) {
        let Ty::Named(id) = ty else { return };
        if wanted.contains_key(&id.0) {
            return;
        }
        if let Some(body) = has_id(model, ty) {
            wanted.insert(id.0, body);
            if let TypeKind::Union(u) = &model.get(*id).kind {
                for v in &u.variants {
                    collect(model, &v.ty, wanted);
                }
            }
        }
    }
    for op in &model.operations {
        if let Some((item, _)) = shape(model, op).pages {
            collect(model, &item, &mut wanted);
        }
    }
    let impls = wanted.into_iter().map(|(id, body)| {
        let name = ident(&model.types[id].name);
        quote! {
            impl HasId for crate::models::#name {
                fn id(&self) -> ::std::option::Option<&str> { #body }
            }
        }
    });
    quote!(#(#impls)*)
}

/// The declared error types, and for each operation the function that decodes them.
fn declared_errors(model: &Model) -> (TokenStream, BTreeMap<String, proc_macro2::Ident>) {
    let mut variants: Vec<(String, TokenStream)> = Vec::new();
    let mut variant_scope = Scope::default();
    let mut variant_of: BTreeMap<String, String> = BTreeMap::new();
    let mut functions: BTreeMap<String, (proc_macro2::Ident, Vec<(String, String)>)> =
        BTreeMap::new();
    let mut fn_of_op = BTreeMap::new();
    for op in &model.operations {
        let mut table = Vec::new();
        for (code, ty) in &op.error_responses {
            let tokens = ty_tokens(model, ty);
            let key = tokens.to_string();
            let variant = variant_of
                .entry(key)
                .or_insert_with(|| {
                    let base = match ty {
                        Ty::Named(id) => model.get(*id).name.clone(),
                        _ => "Other".to_owned(),
                    };
                    let name = variant_scope.claim(&base);
                    variants.push((name.clone(), tokens.clone()));
                    name
                })
                .clone();
            table.push((code.clone(), variant));
        }
        let signature = format!("{table:?}");
        let count = functions.len();
        let entry = functions
            .entry(signature)
            .or_insert_with(|| (format_ident!("declared_errors_{}", count + 1), table));
        fn_of_op.insert(op.operation_id.clone(), entry.0.clone());
    }
    let enum_variants = variants.iter().map(|(name, ty)| {
        let name = ident(name);
        quote!(#name(#ty),)
    });
    let mut fns: Vec<&(proc_macro2::Ident, Vec<(String, String)>)> = functions.values().collect();
    fns.sort_by_key(|(name, _)| name.to_string());
    let fns = fns.into_iter().map(|(name, table)| {
        let arms = table.iter().map(|(code, variant)| {
            let variant = ident(variant);
            let pattern = match code.as_str() {
                "default" => quote!(_),
                c if c.ends_with("XX") => {
                    let hundred: u16 = c[..1].parse().unwrap_or(0) * 100;
                    let last = hundred + 99;
                    quote!(#hundred..=#last)
                }
                c => {
                    let status: u16 = c.parse().unwrap_or(0);
                    quote!(#status)
                }
            };
            quote! {
                #pattern => {
                    if let ::std::result::Result::Ok(value) = ::serde_json::from_slice(bytes) {
                        return ::std::option::Option::Some(DeclaredError::#variant(value));
                    }
                }
            }
        });
        quote! {
            #[allow(unused_variables, clippy::match_single_binding, clippy::single_match)]
            fn #name(status: u16, bytes: &[u8]) -> ::std::option::Option<DeclaredError> {
                match status {
                    #(#arms)*
                    _ => {}
                }
                ::std::option::Option::None
            }
        }
    });
    let tokens = quote! {
        /// The error bodies the schema declares, decoded when an error answer fits one.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum DeclaredError {
            #(#enum_variants)*
        }

        #(#fns)*
    };
    (tokens, fn_of_op)
}

/// A method name within a group: the operationId without the words of the tag.
fn method_names(ops: &[&Operation], tag: &str) -> Vec<String> {
    let tag_words: Vec<String> = naming::field_name(tag)
        .split('_')
        .map(str::to_owned)
        .collect();
    let singular: Vec<String> = tag_words
        .iter()
        .map(|w| w.strip_suffix('s').unwrap_or(w).to_owned())
        .collect();
    let short: Vec<String> = ops
        .iter()
        .map(|op| {
            let words: Vec<&str> = op
                .name
                .split('_')
                .filter(|w| !tag_words.iter().any(|t| t == w) && !singular.iter().any(|t| t == w))
                .collect();
            if words.is_empty() {
                op.name.clone()
            } else {
                words.join("_")
            }
        })
        .collect();
    let mut scope = Scope::with_reserved(&["new", "client"]);
    short
        .iter()
        .zip(ops)
        .map(|(name, op)| {
            let unique = short.iter().filter(|n| *n == name).count() == 1;
            let name = if unique {
                naming::field_name(name)
            } else {
                op.name.clone()
            };
            scope.claim_snake(&name)
        })
        .collect()
}

fn param_setter_ty(model: &Model, ty: &Ty) -> (TokenStream, TokenStream) {
    match ty {
        Ty::String => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(value.into()),
        ),
        other => (ty_tokens(model, other), quote!(value)),
    }
}

fn query_value(ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(#value.clone()),
        Ty::Timestamp | Ty::Integer | Ty::Number | Ty::Boolean => quote!(#value.to_string()),
        _ => quote!(crate::__private::query_value(&#value)),
    }
}

fn http_method(method: &str) -> TokenStream {
    let name = format_ident!("{}", method.to_uppercase());
    quote!(::reqwest::Method::#name)
}

/// Emits `client.rs`.
pub fn emit(model: &Model) -> TokenStream {
    let (declared, declared_fn) = declared_errors(model);
    let has_ids = has_id_impls(model);

    let mut groups: Vec<(Option<String>, Vec<&Operation>)> = Vec::new();
    for op in &model.operations {
        match groups.iter_mut().find(|(tag, _)| *tag == op.tag) {
            Some((_, ops)) => ops.push(op),
            None => groups.push((op.tag.clone(), vec![op])),
        }
    }

    let mut builder_scope = Scope::default();
    let mut group_items = Vec::new();
    let mut builder_items = Vec::new();
    let mut group_accessors = Vec::new();
    let mut accessor_scope = Scope::with_reserved(&["new", "from_env", "builder", "base_url"]);
    let mut group_scope = Scope::with_reserved(&[
        "Client",
        "ClientBuilder",
        "Error",
        "HasId",
        "DeclaredError",
        "EventStream",
        "ApiError",
        "Attempts",
        "CallOptions",
        "DecodeError",
        "ErrorBody",
        "RequestOptions",
        "RetryPolicy",
        "Stopped",
        "StreamError",
        "TimeoutError",
        "TimeoutKind",
        "TransportError",
        "Truncation",
    ]);
    for (tag, ops) in &groups {
        let methods = match tag {
            Some(tag) => method_names(ops, tag),
            // Untagged operations are methods of `Client` itself.
            None => ops
                .iter()
                .map(|op| accessor_scope.claim_snake(&op.name))
                .collect(),
        };
        let client_expr = if tag.is_some() {
            quote!(self.client.clone())
        } else {
            quote!(self.clone())
        };
        let mut group_methods = Vec::new();
        for (op, method) in ops.iter().zip(&methods) {
            let builder = ident(&builder_scope.claim(&op.operation_id.to_upper_camel_case()));
            let (method_tokens, builder_tokens) = operation(
                model,
                op,
                method,
                &builder,
                &declared_fn[&op.operation_id],
                &client_expr,
            );
            group_methods.push(method_tokens);
            builder_items.push(builder_tokens);
        }
        match tag {
            Some(tag) => {
                let group = ident(&group_scope.claim(&naming::type_name(tag)));
                let accessor = ident(&accessor_scope.claim_snake(&naming::field_name(tag)));
                let accessor_doc = format!(" The `{tag}` operations.");
                group_accessors.push(quote! {
                    #[doc = #accessor_doc]
                    pub fn #accessor(&self) -> #group { #group { client: self.clone() } }
                });
                let group_doc =
                    format!(" The operations tagged `{tag}`; made by [`Client::{accessor}`].");
                group_items.push(quote! {
                    #[doc = #group_doc]
                    #[derive(Clone, Debug)]
                    pub struct #group { client: Client }

                    impl #group { #(#group_methods)* }
                });
            }
            None => group_accessors.extend(group_methods),
        }
    }

    quote! {
        //! The HTTP client: [`Client`], one resource group per tag, one builder per operation.
        #![allow(deprecated)]

        pub use crate::client_runtime::{
            ApiError, Attempts, CallOptions, Client, ClientBuilder, DecodeError, Error, ErrorBody,
            EventStream, RequestOptions, RetryPolicy, Stopped, StreamError, TimeoutError, TimeoutKind,
            TransportError, Truncation, HOSTED_BASE_URL, LOCAL_BASE_URL,
        };
        // A spec without operations uses neither.
        #[allow(unused_imports)]
        use crate::client_runtime::private::{self as rt, Request};

        #declared

        /// Items of paginated lists: the cursor is the last item's id.
        pub trait HasId {
            /// The item's id, if it has one.
            fn id(&self) -> ::std::option::Option<&str>;
        }

        #has_ids

        impl Client {
            #(#group_accessors)*
        }

        #(#group_items)*

        /// The builders the operations return; call `send()` (or `stream()`) to make the request.
        pub mod builders {
            #[allow(unused_imports)]
            use super::*;
            #(#builder_items)*
        }
    }
}

fn operation(
    model: &Model,
    op: &Operation,
    method: &str,
    builder: &proc_macro2::Ident,
    declared: &proc_macro2::Ident,
    client_expr: &TokenStream,
) -> (TokenStream, TokenStream) {
    let shape = shape(model, op);
    let method_ident = ident(method);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);

    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &required {
        let name = ident(&p.name);
        let (ty, conv) = param_setter_ty(model, &p.ty);
        args.push(quote!(#name: #ty));
        let conv = quote!({ let value = #name; #conv });
        inits.push(quote!(#name: #conv,));
    }
    for p in &optional {
        let name = ident(&p.name);
        inits.push(quote!(#name: ::std::option::Option::None,));
    }
    let body_field: Vec<TokenStream> = op
        .body
        .iter()
        .map(|b| {
            let ty = ty_tokens(model, &b.ty);
            if b.required {
                quote!(body: #ty,)
            } else {
                quote!(body: ::std::option::Option<#ty>,)
            }
        })
        .collect();
    if let Some(b) = &op.body {
        if b.required {
            let ty = ty_tokens(model, &b.ty);
            args.push(quote!(body: #ty));
            inits.push(quote!(body,));
        } else {
            inits.push(quote!(body: ::std::option::Option::None,));
        }
    }

    let route = format!("`{} {}`", op.method, op.path);
    let method_doc = doc_paragraphs(&[op.summary.clone(), op.doc.clone(), Some(route.clone())]);
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    };
    let method_tokens = quote! {
        #method_doc
        #deprecated
        pub fn #method_ident(&self, #(#args),*) -> builders::#builder {
            builders::#builder { client: #client_expr, options: ::std::default::Default::default(), #(#inits)* }
        }
    };

    let fields = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = ty_tokens(model, &p.ty);
        if p.required {
            quote!(#name: #ty,)
        } else {
            quote!(#name: ::std::option::Option<#ty>,)
        }
    });
    let setters = optional.iter().map(|p| {
        let name = ident(&p.name);
        let (ty, conv) = param_setter_ty(model, &p.ty);
        let default = p.default.as_ref().map(|d| format!("Server default: `{d}`."));
        let docs = doc_paragraphs(&[p.doc.clone(), default]);
        let deprecated = if p.deprecated { quote!(#[deprecated]) } else { TokenStream::new() };
        quote! {
            #docs
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self { self.#name = ::std::option::Option::Some(#conv); self }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let ty = ty_tokens(model, &b.ty);
        quote! {
            /// The request body; without it none is sent.
            pub fn body(mut self, value: #ty) -> Self { self.body = ::std::option::Option::Some(value); self }
        }
    });

    // Path: literal segments and encoded parameters.
    let segments = op.path.trim_start_matches('/').split('/').map(|segment| {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                let p = op
                    .params
                    .iter()
                    .find(|p| p.wire == param && p.location == ParamLocation::Path);
                match p {
                    Some(p) => {
                        let name = ident(&p.name);
                        quote!(self.#name.to_string())
                    }
                    None => quote!(::std::string::String::from(#segment)),
                }
            }
            None => quote!(::std::string::String::from(#segment)),
        }
    });
    let http = http_method(&op.method);
    let query = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire;
        match (&p.ty, p.required) {
            (Ty::Array(item), true) => {
                let value = query_value(item, quote!(item));
                quote! { for item in &self.#name { request.query.push((#wire, #value)); } }
            }
            (Ty::Array(item), false) => {
                let value = query_value(item, quote!(item));
                quote! { for item in self.#name.iter().flatten() { request.query.push((#wire, #value)); } }
            }
            (ty, true) => {
                let value = query_value(ty, quote!(self.#name));
                quote! { request.query.push((#wire, #value)); }
            }
            (ty, false) => {
                let value = query_value(ty, quote!(value));
                quote! { if let ::std::option::Option::Some(value) = &self.#name { request.query.push((#wire, #value)); } }
            }
        }
    });
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire;
        if p.required {
            let value = query_value(&p.ty, quote!(self.#name));
            quote! { request.headers.push((#wire, #value)); }
        } else {
            let value = query_value(&p.ty, quote!(value));
            quote! { if let ::std::option::Option::Some(value) = &self.#name { request.headers.push((#wire, #value)); } }
        }
    });
    let body_encode = match &op.body {
        Some(b) if b.required => quote!(let request = request.json(&self.body)?;),
        Some(_) => quote! {
            let request = match &self.body {
                ::std::option::Option::Some(body) => request.json(body)?,
                ::std::option::Option::None => request,
            };
        },
        None => TokenStream::new(),
    };
    let has_query = op
        .params
        .iter()
        .any(|p| matches!(p.location, ParamLocation::Query | ParamLocation::Header));
    let mutability = if has_query {
        quote!(mut)
    } else {
        TokenStream::new()
    };

    let toggle_set = |value: bool| match (&shape.toggle, body_required) {
        (Some(field), true) => {
            let field = ident(field);
            quote!(self.body.#field = ::std::option::Option::Some(#value);)
        }
        (Some(field), false) => {
            let field = ident(field);
            let body_ty = op
                .body
                .as_ref()
                .map(|b| ty_tokens(model, &b.ty))
                .unwrap_or_default();
            quote!(self.body.get_or_insert_with(<#body_ty as ::std::default::Default>::default).#field = ::std::option::Option::Some(#value);)
        }
        (None, _) => TokenStream::new(),
    };
    let needs_mut_self = shape.toggle.is_some();
    let self_binding = if needs_mut_self {
        quote!(mut self)
    } else {
        quote!(self)
    };

    let send = shape.json.as_ref().map(|ty| {
        let ty = ty_tokens(model, ty);
        let set = toggle_set(false);
        let note = if shape.toggle.is_some() {
            format!(
                " Sends the request and decodes the JSON answer (with `{}: false`).",
                shape.toggle.clone().unwrap_or_default()
            )
        } else {
            " Sends the request and decodes the JSON answer.".to_owned()
        };
        quote! {
            #[doc = #note]
            pub async fn send(#self_binding) -> ::std::result::Result<#ty, Error> {
                #set
                rt::send_json(&self.client, self.request()?).await
            }
        }
    });
    // No JSON answer and no events (a 204, say): `send()` reports success or the error.
    let send = send.or_else(|| {
        shape.events.is_none().then(|| {
            quote! {
                /// Sends the request; the answer has no body to decode.
                pub async fn send(self) -> ::std::result::Result<(), Error> {
                    rt::send_empty(&self.client, self.request()?).await
                }
            }
        })
    });
    let stream = shape.events.as_ref().map(|ty| {
        let ty = ty_tokens(model, ty);
        let set = toggle_set(true);
        let note = match &shape.toggle {
            Some(field) => {
                format!(" Sends the request with `{field}: true` and returns the answer's events.")
            }
            None => " Sends the request and returns the answer's events.".to_owned(),
        };
        quote! {
            #[doc = #note]
            pub async fn stream(#self_binding) -> ::std::result::Result<EventStream<#ty>, Error> {
                #set
                rt::send_events(&self.client, self.request()?).await
            }
        }
    });
    let pages = shape.pages.as_ref().map(|(item, default_limit)| {
        let item_ty = ty_tokens(model, item);
        let limit_field = op.params.iter().find(|p| p.wire == "limit").map(|p| ident(&p.name));
        let after = op.params.iter().find(|p| p.wire == "after").map(|p| ident(&p.name));
        let limit_expr = match (&limit_field, default_limit) {
            (Some(field), Some(d)) => quote!(self.#field.or(::std::option::Option::Some(#d))),
            (Some(field), None) => quote!(self.#field),
            (None, _) => quote!(::std::option::Option::None),
        };
        quote! {
            /// Every item of every page, fetched lazily by following the `after` cursor; stops
            /// after a page shorter than the limit without asking for another.
            pub fn into_stream(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<#item_ty, Error>> + Send + 'static {
                let limit = #limit_expr;
                rt::paginate(limit, move |cursor| {
                    let mut page = self.clone();
                    if cursor.is_some() {
                        page.#after = cursor;
                    }
                    page.send()
                })
            }
        }
    });
    let builder_doc = doc_attrs(Some(&format!(
        "{route}: made by `{method}`, sent by `send()`."
    )));
    let builder_tokens = quote! {
        #builder_doc
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            pub(super) client: Client,
            pub(super) options: crate::client_runtime::RequestOptions,
            #(pub(super) #fields)*
            #(pub(super) #body_field)*
        }

        impl #builder {
            #(#setters)*
            #body_setter

            fn request(&self) -> ::std::result::Result<Request, Error> {
                let #mutability request = Request::new(#http, ::std::vec![#(#segments),*], super::#declared, &self.options);
                #(#query)*
                #(#headers)*
                #body_encode
                ::std::result::Result::Ok(request)
            }

            #send
            #stream
            #pages
        }

        impl crate::client_runtime::CallOptions for #builder {
            fn options_mut(&mut self) -> &mut crate::client_runtime::RequestOptions { &mut self.options }
        }
    };
    (method_tokens, builder_tokens)
}
