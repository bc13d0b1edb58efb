//! Helpers the generated serde impls call; not part of the API.
//!
//! `models.rs` reaches it as `crate::__private`: the `declare` macros, the `presence`
//! functions of their fields, and what the expansions call (here and in `members`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Extra, KeptValue, Written};

pub mod declare;
pub(crate) mod few;
mod members;
pub mod presence;

pub use members::Members;

/// An object key, borrowed from the input when the deserializer allows it.
#[derive(Clone)]
pub struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    pub(super) fn into_cow(self) -> Cow<'de, str> {
        self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}


/// Keeps an undeclared property.
pub fn keep_extra(extra: &mut Extra, key: String, value: KeptValue) {
    extra.keep(key, value);
}

/// What to write for each undeclared property.
pub fn extra_entries(extra: &Extra) -> impl Iterator<Item = (&String, Written<'_>)> {
    extra.entries()
}

/// Accepts a `const` property when it holds its one allowed value (or `null`), compared as it
/// is read: a tag is read on every decode, so nothing is built unless it differs.
pub fn check_const<'de, A: de::MapAccess<'de>, C: Constant>(map: &mut A, expected: C, property: &str) -> Result<(), A::Error> {
    match map.next_value_seed(ConstSeed(expected))? {
        None => Ok(()),
        Some(found) => Err(de::Error::custom(format_args!("`{property}` must be {}, found {found}", expected.into()))),
    }
}

/// The type of a `const` property: text, a boolean or an integer.
pub trait Constant: Copy + Into<Value> {
    fn is_str(self, _: &str) -> bool {
        false
    }
    fn is_bool(self, _: bool) -> bool {
        false
    }
    fn is_integer(self, _: i128) -> bool {
        false
    }
}

impl Constant for &str {
    fn is_str(self, found: &str) -> bool {
        self == found
    }
}

impl Constant for bool {
    fn is_bool(self, found: bool) -> bool {
        self == found
    }
}

impl Constant for i64 {
    fn is_integer(self, found: i128) -> bool {
        i128::from(self) == found
    }
}

/// Reads a `const` property's value: `None` when it is the constant or `null`, else the value
/// found, for the error.
struct ConstSeed<C>(C);

impl<'de, C: Constant> de::DeserializeSeed<'de> for ConstSeed<C> {
    type Value = Option<Value>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, C: Constant> Visitor<'de> for ConstSeed<C> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<Value>, E> {
        Ok((!self.0.is_str(v)).then(|| Value::from(v)))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<Value>, E> {
        Ok((!self.0.is_bool(v)).then_some(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<Value>, E> {
        Ok((!self.0.is_integer(i128::from(v))).then(|| Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<Value>, E> {
        Ok((!self.0.is_integer(i128::from(v))).then(|| Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Option<Value>, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Some)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
}

/// Decodes a string into an open enum, borrowing when possible.
pub fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct OpenEnumVisitor<T>(std::marker::PhantomData<T>);
    impl<T: for<'a> From<&'a str>> Visitor<'_> for OpenEnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            expecting::<T>(f, "string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }
    deserializer.deserialize_str(OpenEnumVisitor(std::marker::PhantomData))
}

/// What a visitor expects: `an OpenAIModelSettings object`, from the type's own name.
pub fn expecting<T>(f: &mut fmt::Formatter<'_>, what: &str) -> fmt::Result {
    let name = short_name::<T>();
    write!(f, "{} {name} {what}", article(name))
}

/// The indefinite article a type name is read with: `an OpenAIModelSettings` (an
/// initialism is read letter by letter), `a UserMessage`, `an Update…`, `a Url…`.
fn article(name: &str) -> &'static str {
    let lower: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    let is_vowel = |c: Option<&char>| c.is_some_and(|c| "aeiou".contains(*c));
    let initialism = name.chars().take(2).all(|c| c.is_ascii_uppercase()) && lower.len() > 1;
    let vowel_sound = match lower.first() {
        // A letter's name: "an S…", "a U…".
        Some(&first) if initialism => "aefhilmnorsx".contains(first),
        Some('a' | 'i') => true,
        // "a Euro…".
        Some('e') => lower.get(1) != Some(&'u'),
        // "a One…".
        Some('o') => !lower[1..].starts_with(&['n', 'e']),
        // "a Url…", "a User…", "a Union…", but "an Update…", "an Unknown…".
        Some('u') => {
            let reads_you = matches!(lower.get(1), Some('r')) || (!is_vowel(lower.get(1)) && is_vowel(lower.get(2)));
            !reads_you
        }
        _ => false,
    };
    if vowel_sound { "an" } else { "a" }
}

/// A type's name without its path: `Conversation`.
fn short_name<T>() -> &'static str {
    let name = std::any::type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
}

/// The error for a payload of the union `U` without its tag, naming the values it could take.
pub fn missing_tag<E: de::Error, U>(property: &str, tags: &[&str]) -> E {
    E::custom(format_args!("{} needs the `{property}` property, one of: {}", short_name::<U>(), tags.join(", ")))
}

/// One variant of a union whose object lacks every variant's tag, if the object fits it.
pub fn try_variant_object<T: DeserializeOwned>(object: &Map<String, Value>) -> Option<T> {
    T::deserialize(Value::Object(object.clone())).ok()
}

/// Whether an object kept properties its schema does not declare: a union tried by shape
/// prefers a variant that declares them all.
#[doc(hidden)]
pub trait Undeclared {
    fn has_undeclared(&self) -> bool;
}

/// One variant of a union without a declared tag, if the value fits it.
pub fn try_variant_value<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// A query or header value: strings as they are, numbers and booleans as written in JSON,
/// anything else as its JSON text.
pub fn query_value<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Serializes a variant whose type does not write the union's tag, adding it.
pub fn serialize_with_tag<T: Serialize, S: Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut encoded = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let Value::Object(object) = &mut encoded {
        object.insert(property.to_owned(), Value::String(tag.to_owned()));
    }
    encoded.serialize(serializer)
}
