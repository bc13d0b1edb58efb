//! Prints the client: one resource group per tag, one builder per operation, with the names,
//! call shapes, pagination and error decoders lowering settled.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, doc_paragraphs};
use super::models::{ident, ty_tokens};
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

/// The builder's type for a body: the typed value, or bytes for a media type the client cannot
/// write from one.
fn body_ty(model: &Model, body: &Body) -> TokenStream {
    match body.encoding {
        BodyEncoding::Raw => quote!(::bytes::Bytes),
        _ => ty_tokens(model, &body.ty),
    }
}

/// The request with `value` (a reference to the builder's body) written as its media type says.
fn encode_body(body: &Body, value: TokenStream) -> TokenStream {
    let media_type = body.media_type.as_str();
    match body.encoding {
        BodyEncoding::Json if media_type == "application/json" => quote!(request.json(#value)?),
        BodyEncoding::Json => quote!(request.json(#value)?.content_type(#media_type)),
        BodyEncoding::Form => quote!(request.form(#value)?),
        BodyEncoding::Multipart => quote!(request.multipart(#value)?),
        BodyEncoding::Raw => quote!(request.bytes(::std::clone::Clone::clone(#value), #media_type)),
    }
}

/// A path parameter's text: as a query value is written (so a union or an object, which have
/// no `Display`, are written as their JSON), and an array's items joined by commas (the
/// `simple` style, the default for paths).
fn path_value(ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::Array(item) => {
            let item_value = query_value(item, quote!((*item)));
            quote!(#value.iter().map(|item| #item_value).collect::<::std::vec::Vec<_>>().join(","))
        }
        other => query_value(other, value),
    }
}

/// A run of route pieces as one `String`: text as written, parameters by their value.
fn route_text(op: &Operation, pieces: &[RoutePiece]) -> TokenStream {
    let piece = |piece: &RoutePiece| match piece {
        RoutePiece::Text(text) => quote!(::std::string::String::from(#text)),
        RoutePiece::Param(index) => {
            let p = &op.params[*index];
            let field = ident(&p.name);
            path_value(&p.ty, quote!(self.#field))
        }
    };
    match pieces {
        [] => quote!(::std::string::String::new()),
        [one] => piece(one),
        many => {
            let parts = many.iter().map(piece);
            quote!([#(#parts),*].concat())
        }
    }
}

fn http_method(method: Method) -> TokenStream {
    let name = format_ident!("{}", method.as_http());
    quote!(::reqwest::Method::#name)
}

/// Emits `client.rs`.
pub fn emit(model: &Model) -> TokenStream {
    let declared = declared_errors(model);
    let has_ids = has_id_impls(model);
    let mut group_items = Vec::new();
    let mut builder_items = Vec::new();
    let mut group_accessors = Vec::new();
    for group in &model.groups {
        let client_expr = match group.tag {
            Some(_) => quote!(self.client.clone()),
            None => quote!(self.clone()),
        };
        let mut group_methods = Vec::new();
        for &index in &group.operations {
            let (method_tokens, builder_tokens) =
                operation(model, &model.operations[index], &client_expr);
            group_methods.push(method_tokens);
            builder_items.push(builder_tokens);
        }
        match &group.tag {
            Some(TagGroup {
                tag,
                type_name,
                accessor,
            }) => {
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

                    impl #group { #(#group_methods)* }
                });
            }
            None => group_accessors.extend(group_methods),
        }
    }

    quote! {
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

/// The method that makes an operation's builder, and the builder.
fn operation(
    model: &Model,
    op: &Operation,
    client_expr: &TokenStream,
) -> (TokenStream, TokenStream) {
    (group_method(model, op, client_expr), builder(model, op))
}

/// The group's (or `Client`'s) method: the required parameters and body as arguments.
fn group_method(model: &Model, op: &Operation, client_expr: &TokenStream) -> TokenStream {
    let method_ident = ident(&op.method_name);
    let builder = ident(&op.builder);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        let name = ident(&p.name);
        let (ty, _) = param_setter_ty(model, &p.ty);
        args.push(quote!(#name: #ty));
        // Only text arrives as `impl Into<String>`; any other type is taken as it is.
        inits.push(match p.ty {
            Ty::String => quote!(#name: #name.into(),),
            _ => quote!(#name,),
        });
    }
    for p in op.params.iter().filter(|p| !p.required) {
        let name = ident(&p.name);
        inits.push(quote!(#name: ::std::option::Option::None,));
    }
    if let Some(b) = &op.body {
        if b.required && b.encoding == BodyEncoding::Raw {
            args.push(quote!(body: impl ::std::convert::Into<::bytes::Bytes>));
            inits.push(quote!(body: body.into(),));
        } else if b.required {
            let ty = ty_tokens(model, &b.ty);
            args.push(quote!(body: #ty));
            inits.push(quote!(body,));
        } else {
            inits.push(quote!(body: ::std::option::Option::None,));
        }
    }

    let route = format!("`{} {}`", op.method.as_http(), op.path);
    let method_doc = doc_paragraphs(&[op.summary.clone(), op.doc.clone(), Some(route)]);
    let deprecated = if op.deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    };
    quote! {
        #method_doc
        #deprecated
        pub fn #method_ident(&self, #(#args),*) -> builders::#builder {
            builders::#builder { client: #client_expr, options: ::std::default::Default::default(), #(#inits)* }
        }
    }
}

/// The builder: its fields, setters for the optional ones, `request()` and the ways to send.
fn builder(model: &Model, op: &Operation) -> TokenStream {
    let builder = ident(&op.builder);
    let body_field: Vec<TokenStream> = op
        .body
        .iter()
        .map(|b| {
            let ty = body_ty(model, b);
            if b.required {
                quote!(body: #ty,)
            } else {
                quote!(body: ::std::option::Option<#ty>,)
            }
        })
        .collect();
    let fields = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = ty_tokens(model, &p.ty);
        if p.required {
            quote!(#name: #ty,)
        } else {
            quote!(#name: ::std::option::Option<#ty>,)
        }
    });
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
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
        if b.encoding == BodyEncoding::Raw {
            return quote! {
                /// The request body, sent as it is; without it none is sent.
                pub fn body(mut self, value: impl ::std::convert::Into<::bytes::Bytes>) -> Self { self.body = ::std::option::Option::Some(value.into()); self }
            };
        }
        let ty = ty_tokens(model, &b.ty);
        quote! {
            /// The request body, optional in the schema; without it none is sent.
            pub fn body(mut self, value: #ty) -> Self { self.body = ::std::option::Option::Some(value); self }
        }
    });

    let request = request_fn(model, op);
    let (send, stream) = send_fns(model, op);
    let pages = into_stream_fn(model, op);
    let route = format!("`{} {}`", op.method.as_http(), op.path);
    let builder_doc = doc_attrs(Some(&format!(
        "{route}: made by `{}`, sent by {}.",
        op.method_name,
        op.call.answer.sent_by()
    )));
    quote! {
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
            #request
            #send
            #stream
            #pages
        }

        impl crate::client_runtime::CallOptions for #builder {
            fn options_mut(&mut self) -> &mut crate::client_runtime::RequestOptions { &mut self.options }
        }
    }
}

/// `request()`: the method, the path with its parameters encoded, the query, the headers and
/// the body, and the function that decodes the declared error bodies.
fn request_fn(model: &Model, op: &Operation) -> TokenStream {
    let declared = ident(&model.errors.decoders[op.errors].name);
    // Path: segments of text and parameters (each encoded as one), and the template's query.
    let segments = op
        .route
        .segments
        .iter()
        .map(|pieces| route_text(op, pieces));
    let template_query = op.route.query.iter().map(|(key, value)| {
        let value = route_text(op, value);
        quote! { request.query.push((#key, #value)); }
    });
    let http = http_method(op.method);
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
        Some(b) if b.required => {
            let encoded = encode_body(b, quote!(&self.body));
            quote!(let request = #encoded;)
        }
        Some(b) => {
            let encoded = encode_body(b, quote!(body));
            quote! {
                let request = match &self.body {
                    ::std::option::Option::Some(body) => #encoded,
                    ::std::option::Option::None => request,
                };
            }
        }
        None => TokenStream::new(),
    };
    let has_query = !op.route.query.is_empty()
        || op
            .params
            .iter()
            .any(|p| matches!(p.location, ParamLocation::Query | ParamLocation::Header));
    let mutability = if has_query {
        quote!(mut)
    } else {
        TokenStream::new()
    };

    quote! {
        fn request(&self) -> ::std::result::Result<Request, Error> {
            let #mutability request = Request::new(#http, ::std::vec![#(#segments),*], super::#declared, &self.options);
            #(#template_query)*
            #(#query)*
            #(#headers)*
            #body_encode
            ::std::result::Result::Ok(request)
        }
    }
}

/// `send()` and `stream()`, as the call shape has them; each sets the body's stream toggle.
fn send_fns(model: &Model, op: &Operation) -> (TokenStream, Option<TokenStream>) {
    let toggle = &op.call.toggle;
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    let toggle_set = |value: bool| match (toggle, body_required) {
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
    let needs_mut_self = toggle.is_some();
    let self_binding = if needs_mut_self {
        quote!(mut self)
    } else {
        quote!(self)
    };

    let send = match &op.call.answer {
        Answer::Json(ty) | Answer::JsonOrEvents { json: ty, .. } => {
            let ty = ty_tokens(model, ty);
            let set = toggle_set(false);
            let note = match toggle {
                Some(field) => {
                    format!(
                        " Sends the request and decodes the JSON answer (with `{field}: false`)."
                    )
                }
                None => " Sends the request and decodes the JSON answer.".to_owned(),
            };
            quote! {
                #[doc = #note]
                pub async fn send(#self_binding) -> ::std::result::Result<#ty, Error> {
                    #set
                    rt::send_json(&self.client, self.request()?).await
                }
            }
        }
        Answer::Empty => quote! {
            /// Sends the request; the answer has no body to decode.
            pub async fn send(self) -> ::std::result::Result<(), Error> {
                rt::send_empty(&self.client, self.request()?).await
            }
        },
        Answer::Events(_) => TokenStream::new(),
    };
    let stream = op.call.answer.events().map(|ty| {
        let ty = ty_tokens(model, ty);
        let set = toggle_set(true);
        let note = match toggle {
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
    (send, stream)
}

/// `into_stream()` for a cursor-paginated list.
fn into_stream_fn(model: &Model, op: &Operation) -> Option<TokenStream> {
    op.pagination.as_ref().map(|pages| {
        let item_ty = ty_tokens(model, &pages.item);
        let after = ident(&pages.after);
        let limit_expr = match &pages.limit {
            Some((field, Some(default))) => {
                let field = ident(field);
                quote!(self.#field.or(::std::option::Option::Some(#default)))
            }
            Some((field, None)) => {
                let field = ident(field);
                quote!(self.#field)
            }
            None => quote!(::std::option::Option::None),
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
    })
}
