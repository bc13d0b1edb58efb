//! `text!` and `str_into!`: the read paths and conversions lowering derives from a type's
//! shape, a declaration each, so that `models.rs` is declarations throughout.

/// `text()`: the text a value holds. For a struct, one field, by how it holds it:
/// `impl Name { field: String }`, `field: String?` (optional), `field: text` (a type with its
/// own `text()`), `field: text?`. For a union, a line per variant, `Variant: itself` (a string),
/// `joined` (a list of parts with `text()`), `text` or `none`, then the unknown arm:
/// `impl Name { Variant: itself, … } or Unknown`.
macro_rules! text {
    ($(#$attr:tt)* impl $name:ident { $field:ident: String? }) => {
        impl $name {
            $(#$attr)*
            pub fn text(&self) -> ::core::option::Option<::std::string::String> {
                ::core::clone::Clone::clone(&self.$field)
            }
        }
    };
    ($(#$attr:tt)* impl $name:ident { $field:ident: String }) => {
        impl $name {
            $(#$attr)*
            pub fn text(&self) -> ::core::option::Option<::std::string::String> {
                ::core::option::Option::Some(::core::clone::Clone::clone(&self.$field))
            }
        }
    };
    ($(#$attr:tt)* impl $name:ident { $field:ident: text? }) => {
        impl $name {
            $(#$attr)*
            pub fn text(&self) -> ::core::option::Option<::std::string::String> {
                self.$field.as_ref().and_then(|value| value.text())
            }
        }
    };
    ($(#$attr:tt)* impl $name:ident { $field:ident: text }) => {
        impl $name {
            $(#$attr)*
            pub fn text(&self) -> ::core::option::Option<::std::string::String> {
                self.$field.text()
            }
        }
    };
    (impl $name:ident { $( $variant:ident: $read:ident, )* } or $unknown:ident) => {
        impl $name {
            /// The text this value holds, whichever variant it is: a string as it is, a list's
            /// texts joined; `None` for a variant without text.
            #[allow(unused_variables)]
            pub fn text(&self) -> ::core::option::Option<::std::string::String> {
                match self {
                    $( Self::$variant(value) => $crate::__private::declare::text!(@read value $read), )*
                    Self::$unknown(_) => ::core::option::Option::None,
                }
            }
        }
    };
    (@read $value:ident itself) => {
        ::core::option::Option::Some(::core::clone::Clone::clone($value))
    };
    (@read $value:ident joined) => {{
        let texts: ::std::vec::Vec<::std::string::String> = $value.iter().filter_map(|part| part.text()).collect();
        if texts.is_empty() { ::core::option::Option::None } else { ::core::option::Option::Some(texts.concat()) }
    }};
    (@read $value:ident text) => {
        $value.text()
    };
    (@read $value:ident none) => {
        ::core::option::Option::None
    };
}

/// `From<&str>` for a union with one string variant, which its `From<String>` already fills:
/// `impl Name from Variant`.
macro_rules! str_into {
    (impl $name:ident from $variant:ident) => {
        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::$variant(::std::borrow::ToOwned::to_owned(value))
            }
        }
    };
}

pub(crate) use {str_into, text};
