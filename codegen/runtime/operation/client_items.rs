//! The macros `client.rs` declares the client's own items in, so that the whole file is
//! declarations, a line per fact, as `models.rs` is: the servers, credentials and what the
//! runtime reads of the API (`api!`), the declared error bodies (`declared_errors!`) and their
//! decoders (`error_decoder!`), how each paginated item reads its id (`has_id!`), and the
//! resource groups (`groups!`). Every path in an expansion is absolute.

/// The API as the runtime reads it, the server constants and a `ClientBuilder` setter per
/// security scheme:
///
/// ```text
/// base_url: "ENV_VAR" or "https://default";   // or `base_url: "ENV_VAR";` without a default
/// servers {
///     /// docs
///     NAME = "https://url";
/// }
/// credentials {
///     /// docs
///     [0] setter(token) = "schemeKey" from "ENV_VAR" as Bearer;  // or Header("name"), Query(..), Cookie(..)
///     [1] setter(username, password) = "schemeKey" from "ENV_VAR" as Basic;
/// }
/// ```
macro_rules! api {
    (
        base_url: $env:literal $(or $default:literal)?;
        servers {
            $( $(#$server_attr:tt)* $server:ident = $url:literal; )*
        }
        credentials {
            $( $(#$credential_attr:tt)* [$index:literal] $setter:ident($($secret:ident),+) = $key:literal from $credential_env:literal as $place:ident $(($name:literal))?; )*
        }
    ) => {
        $( $(#$server_attr)* pub const $server: &str = $url; )*

        /// What the runtime needs to know of this API: where `from_env` finds the base URL and
        /// each credential, and how each security scheme is sent.
        pub(crate) const API: $crate::client_runtime::Api = $crate::client_runtime::Api {
            base_url_env: $env,
            default_base_url: $crate::operation::default_url!($($default)?),
            servers: &[$($url),*],
            schemes: &[
                $(
                    $crate::client_runtime::Scheme {
                        key: $key,
                        env: $credential_env,
                        place: $crate::client_runtime::Place::$place $(($name))?,
                    },
                )*
            ],
        };

        /// A setter per security scheme of the document.
        impl $crate::client_runtime::ClientBuilder {
            $( $crate::operation::credential_setter!([$(#$credential_attr)*] $index $setter($($secret),+)); )*
        }
    };
}

/// The base URL `from_env` falls back to, if the document names one.
macro_rules! default_url {
    () => {
        ::core::option::Option::None
    };
    ($url:literal) => {
        ::core::option::Option::Some($url)
    };
}

/// A credential's setter: a token or key, or a user name and password.
macro_rules! credential_setter {
    ([$(#$attr:tt)*] $index:literal $setter:ident($token:ident)) => {
        $(#$attr)*
        pub fn $setter(self, $token: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.credential_at($index, $crate::client_runtime::Secret::Token(::core::convert::Into::into($token)))
        }
    };
    ([$(#$attr:tt)*] $index:literal $setter:ident($username:ident, $password:ident)) => {
        $(#$attr)*
        pub fn $setter(
            self,
            $username: impl ::core::convert::Into<::std::string::String>,
            $password: impl ::core::convert::Into<::std::string::String>,
        ) -> Self {
            self.credential_at(
                $index,
                $crate::client_runtime::Secret::Basic(::core::convert::Into::into($username), ::core::convert::Into::into($password)),
            )
        }
    };
}

/// `DeclaredError`: a variant per error body the operations declare, each boxed (an error
/// type with many fields would make every `Result<_, Error>` of the client as large as
/// itself, for a path that is rare). `Variant(Type),` a line.
macro_rules! declared_errors {
    ($( $variant:ident($ty:ty), )*) => {
        /// The error bodies the schema declares, decoded when an error answer fits one.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum DeclaredError {
            $( $variant(::std::boxed::Box<$ty>), )*
        }
    };
}

/// One decoder of error bodies, shared by the operations that declare the same ones: a status
/// (`422`), a class (`400..=499`) or `_` (the document's `default`) a line, the first whose
/// body decodes wins.
macro_rules! error_decoder {
    (fn $name:ident { $( $status:pat => $variant:ident, )* }) => {
        #[allow(unused_variables, unreachable_patterns, clippy::match_single_binding, clippy::single_match)]
        fn $name(status: u16, bytes: &[u8]) -> ::core::option::Option<DeclaredError> {
            match status {
                $(
                    $status => {
                        if let ::core::result::Result::Ok(value) = ::serde_json::from_slice(bytes) {
                            return ::core::option::Option::Some(DeclaredError::$variant(::std::boxed::Box::new(value)));
                        }
                    }
                )*
                _ => {}
            }
            ::core::option::Option::None
        }
    };
}

/// How each item of a paginated list gives its id, the cursor of the next page, a line each:
/// `Type(id);` (a required field), `Type(id?);` (an optional one), `Type([Variant, …] or
/// Unknown);` (a union: its variants' ids, and the `id` property of what this client does not
/// know) or `Type(());` (none).
macro_rules! has_id {
    ($( $ty:ident($($how:tt)*); )*) => {
        $( $crate::operation::has_id!(@one $ty $($how)*); )*
    };
    (@one $ty:ident ()) => {
        impl $crate::client::HasId for $crate::models::$ty {
            fn id(&self) -> ::core::option::Option<&str> {
                ::core::option::Option::None
            }
        }
    };
    (@one $ty:ident [$($variant:ident),* $(,)?] or $unknown:ident) => {
        impl $crate::client::HasId for $crate::models::$ty {
            fn id(&self) -> ::core::option::Option<&str> {
                match self {
                    $( Self::$variant(value) => $crate::client::HasId::id(value), )*
                    Self::$unknown(value) => value.get("id").and_then(::serde_json::Value::as_str),
                }
            }
        }
    };
    (@one $ty:ident $field:ident?) => {
        impl $crate::client::HasId for $crate::models::$ty {
            fn id(&self) -> ::core::option::Option<&str> {
                self.$field.as_deref()
            }
        }
    };
    (@one $ty:ident $field:ident) => {
        impl $crate::client::HasId for $crate::models::$ty {
            fn id(&self) -> ::core::option::Option<&str> {
                ::core::option::Option::Some(self.$field.as_str())
            }
        }
    };
}

/// The resource groups, one per tag: `accessor() -> Type "tag";` a line, with the accessor's
/// docs above it.
macro_rules! groups {
    ($( $(#$attr:tt)* $accessor:ident() -> $group:ident $tag:literal; )*) => {
        impl $crate::client::Client {
            $(
                $(#$attr)*
                pub fn $accessor(&self) -> $group {
                    $group { client: ::core::clone::Clone::clone(self) }
                }
            )*
        }

        $(
            #[doc = ::core::concat!(" The operations tagged `", $tag, "`; made by [`Client::", ::core::stringify!($accessor), "`].")]
            #[derive(Clone, Debug)]
            pub struct $group {
                client: $crate::client::Client,
            }
        )*
    };
}

pub(crate) use {api, credential_setter, declared_errors, default_url, error_decoder, groups, has_id};
