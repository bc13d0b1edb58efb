//! `union!`: a union of newtype variants and its serde impls, dispatched on a tag or tried
//! by shape; `variant!` applies a variant's flags, and `as_variants!` writes the read paths.

/// A union's `as_<variant>()` read paths, a line each: `as_name(Variant) -> Type;`.
macro_rules! as_variants {
    (impl $name:ident { $( $method:ident($variant:ident) -> $ty:ty; )* }) => {
        impl $name {
            $(
                #[doc = ::core::concat!(" The `", ::core::stringify!($variant), "` variant's value, if it is that variant.")]
                #[allow(unreachable_patterns)]
                pub fn $method(&self) -> ::core::option::Option<&$ty> {
                    match self {
                        Self::$variant(value) => ::core::option::Option::Some(value),
                        _ => ::core::option::Option::None,
                    }
                }
            )*
        }
    };
}

/// A union of newtype variants and the variant the header names for what this client
/// does not know (`pub enum Name ..Unknown by …`), `#[non_exhaustive]` because the API adds
/// variants (a `match` outside the crate has a `_` arm, and a new variant is additive):
/// - `by accessor = "property"`: dispatched on the tag property; a payload without it is
///   an error. Each variant is `Name(Type) = "tag",`.
/// - `by accessor = "property" or shape`: the same, but every variant fixes the tag by
///   `const`, and a payload without it takes the first variant that accepts it.
/// - `by shape`: no tag; the first variant that accepts the payload. Each variant is
///   `Name(Type),`.
///
/// A variant may end with `adds_tag` (its type does not write the tag, so the union adds
/// it), `known` (an open string enum tried by shape: it accepts only the values it declares),
/// `open` (an object tried by shape: taken at once only when it declares every property of the
/// value, else the first such object is taken if no later variant declares them all) and
/// `no_from` (its type is another variant's too, so it gets no `From`).
///
/// A tagged union may end with `reads ["id", …];`: the properties every variant declares,
/// which are read as values when they come before the tag (any other keeps its text).
macro_rules! union {
    // No variant has a flag (the common case): `From` and plain encoding, no helper.
    (@tagged
        [$(#$attr:tt)*]
        $name:ident $unknown:ident $accessor:ident $property:literal [$($shared:literal),*]
        [$( [$(#$variant_attr:tt)*] $variant:ident($ty:ty) $tag:literal [] )*]
        |$members:ident| $untagged:block
    ) => {
        $crate::__private::declare::union! { @tagged_body
            [$(#$attr)*] $name $unknown $accessor $property [$($shared),*]
            [$( [$(#$variant_attr)*] $variant($ty) $tag )*]
            |$members| $untagged
            serialize |value, serializer| {
                match value {
                    $( $name::$variant(value) => ::serde::Serialize::serialize(value, serializer), )*
                    $name::$unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        $(
            impl ::core::convert::From<$ty> for $name {
                fn from(value: $ty) -> Self {
                    Self::$variant(value)
                }
            }
        )*
    };
    (@tagged
        [$(#$attr:tt)*]
        $name:ident $unknown:ident $accessor:ident $property:literal [$($shared:literal),*]
        [$( [$(#$variant_attr:tt)*] $variant:ident($ty:ty) $tag:literal [$($flag:ident)*] )*]
        |$members:ident| $untagged:block
    ) => {
        $crate::__private::declare::union! { @tagged_body
            [$(#$attr)*] $name $unknown $accessor $property [$($shared),*]
            [$( [$(#$variant_attr)*] $variant($ty) $tag )*]
            |$members| $untagged
            serialize |value, serializer| {
                match value {
                    $( $name::$variant(value) => $crate::__private::declare::variant!(@serialize value, serializer, $property, $tag, $($flag)*), )*
                    $name::$unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        $( $crate::__private::declare::variant!(@from $name $variant($ty) $($flag)*); )*
    };
    (@tagged_body
        [$(#$attr:tt)*]
        $name:ident $unknown:ident $accessor:ident $property:literal [$($shared:literal),*]
        [$( [$(#$variant_attr:tt)*] $variant:ident($ty:ty) $tag:literal )*]
        |$members:ident| $untagged:block
        serialize |$value:ident, $serializer:ident| $serialize:block
    ) => {
        $(#$attr)*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#$variant_attr)* $variant($ty), )*
            /// A variant this client does not know (from a newer server, say), kept exactly as sent.
            $unknown(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        }

        impl $name {
            #[doc = ::core::concat!(" The `", $property, "` value of this variant, or of the unknown payload when it has one.")]
            pub fn $accessor(&self) -> ::core::option::Option<&str> {
                match self {
                    $( Self::$variant(_) => ::core::option::Option::Some($tag), )*
                    Self::$unknown(object) => object.get($property).and_then(::serde_json::Value::as_str),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, $serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                let $value = self;
                $serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        $crate::__private::expecting::<$name>(f, "object")
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, map: __A) -> ::core::result::Result<$name, __A::Error> {
                        let mut $members = $crate::__private::Members::new(map);
                        let tag = $members.find_tag($property, &[$($shared),*])?;
                        match tag.as_ref().map($crate::__private::Key::as_str) {
                            $(
                                ::core::option::Option::Some($tag) => {
                                    $members.decode::<_, $name>($tag).map($name::$variant)
                                }
                            )*
                            ::core::option::Option::Some(_) => $members.read_object().map($name::$unknown),
                            ::core::option::Option::None => $untagged,
                        }
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    (
        $(#$attr:tt)*
        pub enum $name:ident ..$unknown:ident by shape {
            $( $(#$variant_attr:tt)* $variant:ident($ty:ty), )*
        }
    ) => {
        $crate::__private::declare::union! {
            $(#$attr)* pub enum $name ..$unknown by shape with_from {
                $( $(#$variant_attr)* $variant($ty) [], )*
            }
        }

        $(
            impl ::core::convert::From<$ty> for $name {
                fn from(value: $ty) -> Self {
                    Self::$variant(value)
                }
            }
        )*
    };
    (
        $(#$attr:tt)*
        pub enum $name:ident ..$unknown:ident by shape {
            $( $(#$variant_attr:tt)* $variant:ident($ty:ty) $($flag:ident)*, )*
        }
    ) => {
        $crate::__private::declare::union! {
            $(#$attr)* pub enum $name ..$unknown by shape with_from {
                $( $(#$variant_attr)* $variant($ty) [$($flag)*], )*
            }
        }

        $( $crate::__private::declare::variant!(@from $name $variant($ty) $($flag)*); )*
    };
    (
        $(#$attr:tt)*
        pub enum $name:ident ..$unknown:ident by shape with_from {
            $( $(#$variant_attr:tt)* $variant:ident($ty:ty) [$($flag:ident)*], )*
        }
    ) => {
        $(#$attr)*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#$variant_attr)* $variant($ty), )*
            /// A shape this client does not know (from a newer server, say), kept exactly as sent.
            $unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                match self {
                    $( Self::$variant(value) => ::serde::Serialize::serialize(value, serializer), )*
                    Self::$unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                // The first object variant that accepts the value but keeps some of it as undeclared.
                #[allow(unused_mut)]
                let mut partly: ::core::option::Option<Self> = ::core::option::Option::None;
                $( $crate::__private::declare::variant!(@try Self::$variant, $ty, &value, partly, $($flag)*); )*
                ::core::result::Result::Ok(partly.unwrap_or_else(|| Self::$unknown(value)))
            }
        }
    };
    (
        $(#$attr:tt)*
        pub enum $name:ident ..$unknown:ident by $accessor:ident = $property:literal or shape {
            $( $(#$variant_attr:tt)* $variant:ident($ty:ty) = $tag:literal $($flag:ident)*, )*
        }
        $(reads [$($shared:literal),*];)?
    ) => {
        $crate::__private::declare::union! { @tagged
            [$(#$attr)*]
            $name $unknown $accessor $property [$($($shared),*)?]
            [$( [$(#$variant_attr)*] $variant($ty) $tag [$($flag)*] )*]
            // Without the tag: the first variant the object fits.
            |members| {
                let object = members.read_object()?;
                $(
                    if let ::core::option::Option::Some(value) = $crate::__private::try_variant_object(&object) {
                        return ::core::result::Result::Ok($name::$variant(value));
                    }
                )*
                ::core::result::Result::Ok($name::$unknown(object))
            }
        }
    };
    (
        $(#$attr:tt)*
        pub enum $name:ident ..$unknown:ident by $accessor:ident = $property:literal {
            $( $(#$variant_attr:tt)* $variant:ident($ty:ty) = $tag:literal $($flag:ident)*, )*
        }
        $(reads [$($shared:literal),*];)?
    ) => {
        $crate::__private::declare::union! { @tagged
            [$(#$attr)*]
            $name $unknown $accessor $property [$($($shared),*)?]
            [$( [$(#$variant_attr)*] $variant($ty) $tag [$($flag)*] )*]
            |members| {
                ::core::result::Result::Err($crate::__private::missing_tag::<_, $name>($property, &[$($tag),*]))
            }
        }
    };
}

/// What a union's variant flags do: `From` unless `no_from`; the tag added if `adds_tag`.
macro_rules! variant {
    (@from $name:ident $variant:ident($ty:ty) $(adds_tag)? $(known)? $(open)?) => {
        impl ::core::convert::From<$ty> for $name {
            fn from(value: $ty) -> Self {
                Self::$variant(value)
            }
        }
    };
    (@from $name:ident $variant:ident($ty:ty) $(adds_tag)? $(known)? $(open)? no_from) => {};
    // An open string enum (`known`) takes only the values it declares: its `Unknown` arm would
    // take every string, and the variants after it would never be reached.
    (@try $variant:path, $ty:ty, $value:expr, $partly:ident, known $(no_from)?) => {
        if let ::core::option::Option::Some(decoded) = $crate::__private::try_variant_value::<$ty>($value).filter(<$ty>::is_known) {
            return ::core::result::Result::Ok($variant(decoded));
        }
    };
    // An object (`open`) keeps what it does not declare, so it accepts any object: it is taken
    // at once only when it declares every property; otherwise a later variant that does is
    // preferred, and the first such object is the fallback.
    (@try $variant:path, $ty:ty, $value:expr, $partly:ident, open $(no_from)?) => {
        if let ::core::option::Option::Some(decoded) = $crate::__private::try_variant_value::<$ty>($value) {
            if !$crate::__private::Undeclared::has_undeclared(&decoded) {
                return ::core::result::Result::Ok($variant(decoded));
            }
            if $partly.is_none() {
                $partly = ::core::option::Option::Some($variant(decoded));
            }
        }
    };
    // Anything else, unless an object already took the value: a free-form variant after it
    // would take the object whole and lose its type.
    (@try $variant:path, $ty:ty, $value:expr, $partly:ident, $(no_from)?) => {
        if $partly.is_none() {
            if let ::core::option::Option::Some(decoded) = $crate::__private::try_variant_value::<$ty>($value) {
                return ::core::result::Result::Ok($variant(decoded));
            }
        }
    };
    (@serialize $value:ident, $serializer:ident, $property:literal, $tag:literal, adds_tag $(no_from)?) => {
        $crate::__private::serialize_with_tag($value, $property, $tag, $serializer)
    };
    (@serialize $value:ident, $serializer:ident, $property:literal, $tag:literal, $(no_from)?) => {
        ::serde::Serialize::serialize($value, $serializer)
    };
}

pub(crate) use {as_variants, union, variant};
