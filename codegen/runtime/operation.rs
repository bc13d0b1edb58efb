//! Hand-written support for the generated client: the `operation!` macro that turns each
//! operation's declaration in `client.rs` into its method and its request builder, the helpers
//! its expansion calls, and the macros of the client's own items (`client_items`). Copied into
//! every generated crate by the generator.
//!
//! Every path in an expansion is absolute (`::core::…`, `$crate::…`): the builders share their
//! module with types named after operations, and the expansion lands there. A trait's method is
//! called by its path (`Clone::clone(&x)`), never as `x.clone()`, which a method the document
//! names would take over.

/// A path parameter's text in its segment: an array's items joined by commas (the `simple`
/// style, the default for paths), anything else as a query value is written. Each segment is
/// percent-encoded when the URL is built, so a value can never change the path.
pub fn path_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Array(items)) => items.iter().map(json_text).collect::<Vec<_>>().join(","),
        _ => value_text(value),
    }
}

/// A path, query or header value: text as it is, numbers and booleans as Rust writes them,
/// anything else (an object, a union) as its JSON text.
pub fn value_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(value) => json_text(&value),
        Err(_) => String::new(),
    }
}

fn json_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(n) if n.is_f64() => n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string()),
        other => other.to_string(),
    }
}

/// Where a parameter goes, one module per location an operation's declaration names
/// (`query("limit")`; the `builders` module imports those it uses): functions rather than
/// macros, so a parameter costs no expansion.
pub mod location {
    use serde::Serialize;
    use serde_json::Value;

    use crate::client::Error;
    use crate::client_runtime::private::Request;

    /// A `{parameter}` segment of the path: the route declares where its text goes
    /// (`path_text`).
    pub mod path {
        use super::*;

        /// Nothing to add: the path has it.
        pub fn add<T: Serialize>(request: Request, _name: &'static str, _value: &T) -> Result<Request, Error> {
            Ok(request)
        }
    }

    /// A query parameter: an array as one pair per item (the `form` style OpenAPI defaults
    /// to), anything else as one pair.
    pub mod query {
        use super::*;

        pub fn add<T: Serialize>(mut request: Request, name: &'static str, value: &T) -> Result<Request, Error> {
            match serde_json::to_value(value) {
                Ok(Value::Array(items)) => {
                    request.query.extend(items.iter().map(|item| (name, crate::operation::json_text(item))));
                }
                _ => request.query.push((name, crate::operation::value_text(value))),
            }
            Ok(request)
        }
    }

    /// A header.
    pub mod header {
        use super::*;

        pub fn add<T: Serialize>(mut request: Request, name: &'static str, value: &T) -> Result<Request, Error> {
            request.headers.push((name, crate::operation::value_text(value)));
            Ok(request)
        }
    }

    /// The request body as JSON (`body("application/json")`), its `Content-Type` the media type.
    pub mod body {
        use super::*;

        pub fn add<T: Serialize>(request: Request, media_type: &'static str, value: &T) -> Result<Request, Error> {
            let request = request.json(value)?;
            Ok(if media_type == "application/json" { request } else { request.content_type(media_type) })
        }
    }

    /// The request body as form pairs (`form("application/x-www-form-urlencoded")`).
    pub mod form {
        use super::*;

        pub fn add<T: Serialize>(request: Request, _media_type: &'static str, value: &T) -> Result<Request, Error> {
            request.form(value)
        }
    }

    /// The request body as `multipart/form-data` parts.
    pub mod multipart {
        use super::*;

        pub fn add<T: Serialize>(request: Request, _media_type: &'static str, value: &T) -> Result<Request, Error> {
            request.multipart(value)
        }
    }

    /// The request body as the bytes given, with the media type as its `Content-Type`.
    pub mod raw {
        use super::*;

        pub fn add(request: Request, media_type: &'static str, value: &bytes::Bytes) -> Result<Request, Error> {
            Ok(request.bytes(value.clone(), media_type))
        }
    }
}

/// Declares one operation:
///
/// ```text
/// /// docs of the method
/// pub fn Group::method(required: Type = location("wire"), …) -> Builder = METHOD "/path/{wire}" sent by "`send()`" {
///     /// docs of the setter
///     optional: Type = location("wire"),
///     …
/// }
/// errors: decoder;                          // the function that decodes its error bodies
/// route: / "path" / {field} / [{id} "." {format}] & "key" = "value";  // segments, query pairs
/// security: [[0], [1, 2]];                   // alternatives of schemes (`client::API`), if any
/// accept: "application/pdf";                 // what `send()` accepts, unless `application/json`
/// servers: ["https://uploads.example.com"];  // its own servers, if its description names some
/// send -> Answer;                            // or `send;` for an answer without a body
/// stream -> Event;                           // a `text/event-stream` answer
/// into_stream(after, limit = 50) -> Item;    // cursor pagination
/// ```
///
/// The method on `Group` (`Client` for operations without a tag) takes the required
/// parameters and returns the builder, which has a setter for each optional one and the
/// per-call options of `CallOptions` (timeout, deadline, retry policy). A location is
/// `path`, `query` or `header` with the wire name, or the body's writer with its media type:
/// `body` (JSON), `form`, `multipart` or `raw` (bytes as given). `send` and
/// `stream` may set the body's stream switch first: `send(streaming = false in body)`, or
/// `in body.get_or_insert_default()` when the body is optional.
macro_rules! operation {
    (
        $(#$attr:tt)*
        pub fn $group:ident::$method:ident(
            $( $arg:ident: $arg_ty:ty = $arg_location:ident($arg_wire:literal) ),* $(,)?
        ) -> $builder:ident = $http:ident $path:literal sent by $sent_by:literal {
            $( $(#$option_attr:tt)* $option:ident: $option_ty:ty = $option_location:ident($option_wire:literal), )*
        }
        errors: $errors:ident;
        route: $( / $segment:tt )* $( & $query_key:literal = $query_value:tt )*;
        $( security: [$( [$($scheme:literal),*] ),*]; )?
        $( accept: $accept:literal; )?
        $( servers: [$($server:literal),+]; )?
        $( $(#$send_attr:tt)* send $(($send_field:ident = $send_value:literal in $($send_body:tt)+))? $(-> $json:ty)?; )?
        $( $(#$stream_attr:tt)* stream $(($stream_field:ident = $stream_value:literal in $($stream_body:tt)+))? -> $event:ty; )?
        $( into_stream($after:ident $(, $limit:ident $(= $default:literal)?)?) -> $item:ty; )?
    ) => {
        impl super::$group {
            $(#$attr)*
            pub fn $method(&self, $($arg: impl ::core::convert::Into<$arg_ty>),*) -> $builder {
                $builder {
                    client: $crate::operation::client_of!($group self),
                    options: ::core::default::Default::default(),
                    $( $arg: ::core::convert::Into::into($arg), )*
                    $( $option: ::core::option::Option::None, )*
                }
            }
        }

        #[doc = ::core::concat!(" `", ::core::stringify!($http), " ", $path, "`: made by `", ::core::stringify!($method), "`, sent by ", $sent_by, ".")]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct $builder {
            client: $crate::client::Client,
            options: $crate::client_runtime::RequestOptions,
            $( $arg: $arg_ty, )*
            $( $option: ::core::option::Option<$option_ty>, )*
        }

        impl $builder {
            $(
                $(#$option_attr)*
                pub fn $option(mut self, value: impl ::core::convert::Into<$option_ty>) -> Self {
                    self.$option = ::core::option::Option::Some(::core::convert::Into::into(value));
                    self
                }
            )*

            #[allow(unused_mut)]
            fn request(&self) -> ::core::result::Result<$crate::client_runtime::private::Request, $crate::client::Error> {
                let segments = ::std::vec![$( $crate::operation::route_text!(self $segment) ),*];
                let mut request = $crate::client_runtime::private::Request::new(::reqwest::Method::$http, segments, $crate::client::$errors, &self.options);
                $( request.security = &[$( &[$($scheme),*] ),*]; )?
                $( request.accept = $accept; )?
                $( request.servers = &[$($server),+]; )?
                $( request.query.push(($query_key, $crate::operation::route_text!(self $query_value))); )*
                $( request = $arg_location::add(request, $arg_wire, &self.$arg)?; )*
                $(
                    if let ::core::option::Option::Some(value) = &self.$option {
                        request = $option_location::add(request, $option_wire, value)?;
                    }
                )*
                ::core::result::Result::Ok(request)
            }

            $(
                $crate::operation::answer! {
                    send [$(#$send_attr)*] [$($send_field = $send_value in $($send_body)+)?] $($json)?
                }
            )?

            $(
                $crate::operation::answer! {
                    stream [$(#$stream_attr)*] [$($stream_field = $stream_value in $($stream_body)+)?] $event
                }
            )?

            $(
                /// Every item of every page, fetched lazily by following the `after` cursor; stops
                /// after a page shorter than the limit without asking for another.
                pub fn into_stream(self) -> impl ::futures_core::Stream<Item = ::core::result::Result<$item, $crate::client::Error>> + Send + 'static {
                    let limit = $crate::operation::limit!($(self.$limit $(, $default)?)?);
                    $crate::client_runtime::private::paginate(limit, move |cursor| {
                        let mut page = ::core::clone::Clone::clone(&self);
                        if cursor.is_some() {
                            page.$after = cursor;
                        }
                        page.send()
                    })
                }
            )?
        }

        impl $crate::client_runtime::CallOptions for $builder {
            fn options_mut(&mut self) -> &mut $crate::client_runtime::RequestOptions {
                &mut self.options
            }
        }
    };
}

/// The text of a piece of the route: text as written (`"v1"`), a path parameter's value
/// (`{id}`), or a run of both (`[{id} "." {format}]`).
macro_rules! route_text {
    ($this:ident $text:literal) => {
        ::std::string::String::from($text)
    };
    ($this:ident {$param:ident}) => {
        $crate::operation::path_text(&$this.$param)
    };
    ($this:ident [$($piece:tt)*]) => {{
        let mut text = ::std::string::String::new();
        $( text.push_str(&$crate::operation::route_text!($this $piece)); )*
        text
    }};
}

/// The client an operation's method starts from: `Client` itself, or a group's.
macro_rules! client_of {
    (Client $this:ident) => {
        ::core::clone::Clone::clone($this)
    };
    ($group:ident $this:ident) => {
        ::core::clone::Clone::clone(&$this.client)
    };
}

/// The page size `into_stream` asks for: the builder's, or the schema's default.
macro_rules! limit {
    () => {
        ::core::option::Option::<i64>::None
    };
    ($limit:expr) => {
        $limit
    };
    ($limit:expr, $default:literal) => {
        $limit.or(::core::option::Option::Some($default))
    };
}

/// `send()` and `stream()`: each sets the body's stream switch first when there is one.
macro_rules! answer {
    (send [$(#$attr:tt)*] [$($field:ident = $value:literal in $($body:tt)+)?] $json:ty) => {
        /// Sends the request and decodes the JSON answer.
        $( #[doc = ::core::concat!(" Sets `", ::core::stringify!($field), ": ", ::core::stringify!($value), "` first.")] )?
        $(#$attr)*
        #[allow(unused_mut)]
        pub async fn send(mut self) -> ::core::result::Result<$json, $crate::client::Error> {
            $( self.$($body)+.$field = ::core::option::Option::Some($value); )?
            $crate::client_runtime::private::send_json(&self.client, self.request()?).await
        }
    };
    (send [$(#$attr:tt)*] [$($field:ident = $value:literal in $($body:tt)+)?]) => {
        /// Sends the request; the answer has no body to decode.
        $( #[doc = ::core::concat!(" Sets `", ::core::stringify!($field), ": ", ::core::stringify!($value), "` first.")] )?
        $(#$attr)*
        #[allow(unused_mut)]
        pub async fn send(mut self) -> ::core::result::Result<(), $crate::client::Error> {
            $( self.$($body)+.$field = ::core::option::Option::Some($value); )?
            $crate::client_runtime::private::send_empty(&self.client, self.request()?).await
        }
    };
    (stream [$(#$attr:tt)*] [$($field:ident = $value:literal in $($body:tt)+)?] $event:ty) => {
        /// Sends the request and returns the answer's events.
        $( #[doc = ::core::concat!(" Sets `", ::core::stringify!($field), ": ", ::core::stringify!($value), "` first.")] )?
        $(#$attr)*
        #[allow(unused_mut)]
        pub async fn stream(mut self) -> ::core::result::Result<$crate::client::EventStream<$event>, $crate::client::Error> {
            $( self.$($body)+.$field = ::core::option::Option::Some($value); )?
            $crate::client_runtime::private::send_events(&self.client, self.request()?).await
        }
    };
}

mod client_items;

pub(crate) use client_items::{api, credential_setter, declared_errors, default_url, error_decoder, groups, has_id};
pub(crate) use {answer, client_of, limit, operation, route_text};
