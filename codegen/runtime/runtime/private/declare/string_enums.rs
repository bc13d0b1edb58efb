//! `string_enum!`: an open string enum and its serde impls.

/// An open string enum: one variant per value, documented with it, and the variant the
/// header names (`pub enum Name ..Unknown { … }`) for values this client does not know,
/// kept as sent. A variant is `Name = "wire",`.
///
/// The API adds values, so the enum is `#[non_exhaustive]`: a `match` outside the crate has
/// a `_` arm, and a new value is additive. Equality, hashing and order are those of the wire
/// text, not of the declaration: a value keeps its place whatever the document adds or moves
/// around it, and an `Unknown` holding a known value's text equals that value.
macro_rules! string_enum {
    (
        $(#$attr:tt)*
        pub enum $name:ident ..$unknown:ident {
            $( $(#$variant_attr:tt)* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#$attr)*
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = ::core::concat!(" `` ", $wire, " ``")]
                $(#$variant_attr)*
                $variant,
            )*
            /// A value this client does not know yet, kept as sent.
            $unknown(::std::string::String),
        }

        impl $name {
            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::$unknown(value) => value,
                }
            }

            /// Whether the value is one the description declares: false for
            #[doc = ::core::concat!(" [`", ::core::stringify!($name), "::", ::core::stringify!($unknown), "`], whatever its text.")]
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, Self::$unknown(_))
            }
        }

        impl ::core::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl ::core::cmp::Eq for $name {}

        impl ::core::hash::Hash for $name {
            fn hash<__H: ::core::hash::Hasher>(&self, state: &mut __H) {
                ::core::hash::Hash::hash(self.as_str(), state)
            }
        }

        impl ::core::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
            }
        }

        impl ::core::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::$unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                $crate::__private::deserialize_open_enum(deserializer)
            }
        }
    };
}

pub(crate) use string_enum;
