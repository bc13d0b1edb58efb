//! `string_enum!`: an open string enum and its serde impls.

/// An open string enum: one variant per value, documented with it, and the variant the
/// header names (`pub enum Name ..Unknown { … }`) for values this client does not know,
/// kept as sent. A variant is `Name = "wire",`.
macro_rules! string_enum {
    (
        $(#$attr:tt)*
        pub enum $name:ident ..$unknown:ident {
            $( $(#$variant_attr:tt)* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#$attr)*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
