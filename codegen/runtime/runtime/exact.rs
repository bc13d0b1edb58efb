//! The exact text of values a `Value` cannot hold (integers beyond 64 bits, long decimals):
//! asking a deserializer for a value's text, and `KeptValue`, a value with that text beside it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::private;

/// serde_json's name for a value's raw text: asked for with it, serde_json's deserializers
/// hand over the text instead of the value.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// A value read as it came: its text when the input is text to borrow from, else a value.
pub(super) enum Captured<'de> {
    Borrowed(&'de str),
    Owned(String),
    Value(Value),
}

/// Asks for a value's text, taking what the deserializer gives: its text (serde_json), or the
/// value itself (any other deserializer).
pub(super) struct Capture;

impl<'de> de::DeserializeSeed<'de> for Capture {
    type Value = Captured<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Captured<'de>, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_TOKEN, CaptureVisitor)
    }
}

struct CaptureVisitor;

impl<'de> Visitor<'de> for CaptureVisitor {
    type Value = Captured<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Captured<'de>, D::Error> {
        Value::deserialize(deserializer).map(Captured::Value)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Captured<'de>, A::Error> {
        let Some(first) = map.next_key::<private::Key<'de>>()? else {
            return Ok(Captured::Value(Value::Object(Map::new())));
        };
        // serde_json hands over its own token: the pointer test settles it without comparing.
        if std::ptr::eq(first.as_str(), RAW_TOKEN) || first.as_str() == RAW_TOKEN {
            let text: private::Key<'de> = map.next_value()?;
            return Ok(match text.into_cow() {
                Cow::Borrowed(text) => Captured::Borrowed(text),
                Cow::Owned(text) => Captured::Owned(text),
            });
        }
        let mut object = Map::new();
        object.insert(first.into_string(), map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(Captured::Value(Value::Object(object)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::from(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::String(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::String(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Captured<'de>, E> {
        Ok(Captured::Value(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Captured<'de>, D::Error> {
        Value::deserialize(deserializer).map(Captured::Value)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Captured<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Captured::Value(Value::Array(items)))
    }
}

/// A kept value: the value, and its text when the value holds a number inexactly.
#[doc(hidden)]
pub struct KeptValue {
    pub(super) value: Value,
    pub(super) exact: Option<Box<RawValue>>,
}

impl KeptValue {
    fn from_text<E: de::Error>(text: &str) -> Result<KeptValue, E> {
        let value = serde_json::from_str(text).map_err(E::custom)?;
        let exact = match numbers_exact(text) {
            true => None,
            false => Some(RawValue::from_string(text.to_owned()).map_err(E::custom)?),
        };
        Ok(KeptValue { value, exact })
    }

    pub(super) fn from_captured<E: de::Error>(captured: Captured<'_>) -> Result<KeptValue, E> {
        match captured {
            Captured::Borrowed(text) => KeptValue::from_text(text),
            Captured::Owned(text) => KeptValue::from_text(&text),
            Captured::Value(value) => Ok(KeptValue { value, exact: None }),
        }
    }
}

impl<'de> Deserialize<'de> for KeptValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        KeptValue::from_captured(de::DeserializeSeed::deserialize(Capture, deserializer)?)
    }
}

/// A kept value as input: the value, except that asked for its text (by [`Capture`] in an
/// [`Extra`]), it gives the text kept.
impl<'de> Deserializer<'de> for KeptValue {
    type Error = serde_json::Error;

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        match self.exact {
            Some(raw) if name == RAW_TOKEN => {
                visitor.visit_map(de::value::MapDeserializer::new(std::iter::once((RAW_TOKEN, String::from(Box::<str>::from(raw))))))
            }
            _ => self.value.deserialize_newtype_struct(name, visitor),
        }
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.value.deserialize_any(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.value.deserialize_option(visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.value.deserialize_enum(name, variants, visitor)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        self.value.deserialize_unit_struct(name, visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.value.deserialize_tuple_struct(name, len, visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.value.deserialize_struct(name, fields, visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.value.deserialize_tuple(len, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit seq map identifier ignored_any
    }
}

/// Whether every number in a JSON text reads into a `Value` that writes it back the same: an
/// integer within 64 bits, or a decimal in the shortest form of its `f64`.
fn numbers_exact(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = at;
                while at < bytes.len() && matches!(bytes[at], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    at += 1;
                }
                if !number_exact(&text[start..at]) {
                    return false;
                }
            }
            _ => at += 1,
        }
    }
    true
}

fn number_exact(token: &str) -> bool {
    if !token.contains(['.', 'e', 'E']) {
        return token.parse::<i64>().is_ok() || token.parse::<u64>().is_ok();
    }
    token
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .is_some_and(|number| number.to_string() == token)
}
