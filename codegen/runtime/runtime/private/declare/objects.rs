//! `object!`: an object's struct, its constants and its serde impls; `definition!` and
//! `unset_unless_required!` write the struct and its `new`.

/// An object: its struct (fields in spec order, then the map of undeclared properties,
/// named in the header: `pub struct Name ..extra { … }`), `const` properties as
/// associated constants, and serde impls that write the constants first, skip absent
/// values and keep unknown keys.
///
/// A field is `pub name: Type = presence("wire"),`, where presence is `required` (`T`),
/// `nullable` (`Option<T>`, written, `null` for `None`, unless it was read as left out), `optional` (`Option<T>`,
/// left out when `None`, unless it was read as `null`) or `patch` (`Patch<T>`, left out when
/// unchanged); a number (`f64`) has `required_number`, `nullable_number` and
/// `optional_number`, which also write back an integer sent as one, and a value holding
/// numbers in lists or maps has `required_numbers`, `nullable_numbers` and `optional_numbers`,
/// which write back each number in the form it was sent in; an integer (`i64`, `u64`) has
/// `required_integer`, `nullable_integer` and `optional_integer`, which read one past the
/// type's range, or sent as `1.0`, as the nearest value and write back what was sent. A constant is
/// `const NAME: &str = "value" for "wire";`. A struct with required fields ends with
/// `fn new(…);`, their constructor; one without is `Default`.
macro_rules! object {
    (
        $(#$attr:tt)*
        pub struct $name:ident ..$extra:ident {
            $( $(#$field_attr:tt)* pub $field:ident: $ty:ty = $presence:ident($wire:literal), )*
        }
        $( $(#$const_attr:tt)* const $const:ident: $const_ty:ty = $value:literal for $const_wire:literal; )*
        $(fn new($($arg:ident: $arg_ty:ty),* $(,)?);)?
    ) => {
        $crate::__private::declare::definition! {
            [$(#$attr)*] $name $extra [$( [$(#$field_attr)*] $field: $ty = $presence, )*] $(($($arg: $arg_ty),*))?
        }

        impl $name {
            $( $(#$const_attr)* pub const $const: $const_ty = $value; )*
        }

        impl $crate::__private::Undeclared for $name {
            fn has_undeclared(&self) -> bool {
                !::serde_json::Map::is_empty(&self.$extra)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::core::option::Option::None)?;
                $( map.serialize_entry($const_wire, &Self::$const)?; )*
                $( $presence::write(&mut map, $wire, &self.$field, &self.$extra)?; )*
                for (key, value) in $crate::__private::extra_entries(&self.$extra) {
                    map.serialize_entry(key, &value)?;
                }
                map.end()
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
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::core::result::Result<$name, __A::Error> {
                        // Each slot's type is inferred from the struct it builds.
                        $( let mut $field = $presence::slot(); )*
                        let mut extra = $crate::Extra::new();
                        while let ::core::option::Option::Some(key) = map.next_key::<$crate::__private::Key<'de>>()? {
                            match key.as_str() {
                                $( $const_wire => $crate::__private::check_const(&mut map, $name::$const, $const_wire)?, )*
                                $( $wire => $field = $presence::read(&mut map, &mut extra, $wire)?, )*
                                _ => $crate::__private::keep_extra(&mut extra, key.into_string(), map.next_value()?),
                            }
                        }
                        ::core::result::Result::Ok($name {
                            $( $field: $presence::take($field, $wire, &mut extra, &map)?, )*
                            $extra: extra,
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}

/// An object's struct, with `new` when it has required fields and `Default` otherwise.
macro_rules! definition {
    ([$(#$attr:tt)*] $name:ident $extra:ident [$( [$(#$field_attr:tt)*] $field:ident: $ty:ty = $presence:ident, )*]) => {
        $(#$attr)*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $( $(#$field_attr)* pub $field: $ty, )*
            /// Properties the schema does not declare, kept as sent so that re-encoding loses nothing.
            pub $extra: $crate::Extra,
        }
    };
    (
        [$(#$attr:tt)*] $name:ident $extra:ident [$( [$(#$field_attr:tt)*] $field:ident: $ty:ty = $presence:ident, )*]
        ($($arg:ident: $arg_ty:ty),*)
    ) => {
        $(#$attr)*
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            $( $(#$field_attr)* pub $field: $ty, )*
            /// Properties the schema does not declare, kept as sent so that re-encoding loses nothing.
            pub $extra: $crate::Extra,
        }

        impl $name {
            /// Builds a value from its required properties; the others start unset.
            pub fn new($($arg: $arg_ty),*) -> Self {
                $name {
                    $( $field: $crate::__private::declare::unset_unless_required!($presence $field), )*
                    $extra: $crate::Extra::new(),
                }
            }
        }
    };
}

/// A field's value in `new`: the argument of a required field, unset for the others.
macro_rules! unset_unless_required {
    (required $field:ident) => {
        $field
    };
    (required_number $field:ident) => {
        $field
    };
    (required_numbers $field:ident) => {
        $field
    };
    (required_integer $field:ident) => {
        $field
    };
    ($presence:ident $field:ident) => {
        ::core::default::Default::default()
    };
}

pub(crate) use {definition, object, unset_unless_required};
