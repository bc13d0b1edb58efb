//! Hand-written support for the generated models: timestamps, PATCH fields, kept unknown
//! properties, and the macros that turn each model's declaration into its type and serde impls.
//! Copied into every generated crate by the generator.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A `date-time` value as the server sent it.
///
/// The server writes both RFC 3339 timestamps (`2026-03-26T10:00:00Z`, `+00:00`) and naive ones
/// without an offset (`2026-03-26T10:00:00.123456`), which are UTC. The text is kept, so a value
/// re-encodes exactly as it came; [`Timestamp::to_utc`] gives the instant.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: Text,
    instant: chrono::DateTime<chrono::FixedOffset>,
}

/// The forms the server writes, `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]` (UTC without an
/// offset), read without chrono's general parser: a response holds many. `None` leaves the
/// text to [`Timestamp::parse`]'s full chain, which gives the same instant for these forms.
fn parse_common(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let b = text.as_bytes();
    let number = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if b.len() < 19 || !separators.iter().all(|&(at, c)| b[at] == c) || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(number(0, 4)?).ok()?, number(5, 7)?, number(8, 10)?)?;
    let mut at = 19;
    let mut nanos = 0;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = number(at + 1, at + 1 + digits)? * 10u32.pow(u32::try_from(9 - digits).ok()?);
        at += 1 + digits;
    }
    // Seconds of 60 (leap seconds) are left to chrono.
    let time = chrono::NaiveTime::from_hms_nano_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?, nanos)?;
    let offset = match &b[at..] {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let seconds = i32::try_from(number(at + 1, at + 3)? * 3600 + number(at + 4, at + 6)? * 60).ok()?;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    date.and_time(time).and_local_timezone(chrono::FixedOffset::east_opt(offset)?).single()
}

/// The text as sent: inline when it is as short as every form the server writes, so decoding a
/// timestamp allocates nothing; on the heap otherwise.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Text {
    Inline { len: u8, bytes: [u8; Text::INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// Room for `2026-03-26T10:00:00.123456789+05:30` (35 bytes) and a little more.
    const INLINE: usize = 38;

    fn new(text: &str) -> Text {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= Text::INLINE => {
                let mut bytes = [0; Text::INLINE];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                Text::Inline { len, bytes }
            }
            _ => Text::Heap(text.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Whole UTF-8 text was copied in, so this never fails.
            Text::Inline { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default(),
            Text::Heap(text) => text,
        }
    }
}

impl Timestamp {
    /// Parses RFC 3339, or a naive `YYYY-MM-DD[T ]HH:MM:SS[.frac]` taken as UTC.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        if let Some(instant) = parse_common(text) {
            return Ok(Timestamp { text: Text::new(text), instant });
        }
        let instant = chrono::DateTime::parse_from_rfc3339(text)
            .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z"))
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
                    .map(|naive| naive.and_utc().fixed_offset())
            })
            .map_err(|_| TimestampError { text: text.chars().take(64).collect() })?;
        Ok(Timestamp { text: Text::new(text), instant })
    }

    /// The instant, in UTC.
    pub fn to_utc(&self) -> chrono::DateTime<chrono::Utc> {
        self.instant.with_timezone(&chrono::Utc)
    }

    /// The instant with the offset the server wrote (UTC for naive forms).
    pub fn to_fixed_offset(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.instant
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp
where
    Tz::Offset: fmt::Display,
{
    fn from(instant: chrono::DateTime<Tz>) -> Self {
        let instant = instant.fixed_offset();
        Timestamp { text: Text::new(&instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)), instant }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.as_str())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(de::Error::custom)
    }
}

/// A text that is not a timestamp the server writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an RFC 3339 or naive ISO 8601 date-time", self.text)
    }
}

impl std::error::Error for TimestampError {}

/// A property of a PATCH body, where leaving it out, sending `null` and sending a value are
/// three different requests.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Patch<T> {
    /// Not sent: the server keeps the current value.
    #[default]
    Unchanged,
    /// Sent as `null`: the server clears the value.
    Clear,
    /// Sent as this value.
    Set(T),
}

impl<T> Patch<T> {
    /// `true` for [`Patch::Unchanged`], which is left out of the request.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }

    /// The value, for [`Patch::Set`].
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `None` clears, `Some` sets.
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Clear, Patch::Set)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => value.serialize(serializer),
            Patch::Unchanged | Patch::Clear => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// Present in the payload: `null` is [`Patch::Clear`], anything else [`Patch::Set`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// Properties the schema does not declare, kept as sent so that re-encoding loses nothing.
///
/// Read and change it as the `serde_json::Map` it dereferences to. A `Value` holds a number in
/// 64 bits, so an integer beyond them (or a decimal with more digits than an `f64` keeps) reads
/// as the nearest `f64`; the text the server sent is kept beside it too, and written back as
/// long as the value is left unchanged. Only such values keep their text, so the usual case
/// costs nothing, and serde_json's `arbitrary_precision` (which would change every
/// `serde_json::Number` in the program) is not needed.
#[derive(Clone, Default)]
pub struct Extra {
    values: Map<String, Value>,
    /// The text of the values `values` holds inexactly: usually none, so boxed, which keeps
    /// every struct that has an `Extra` one word from its size without.
    exact: Option<Box<ExactTexts>>,
}

/// Property names with the text their value was sent as.
type ExactTexts = Vec<(String, Box<RawValue>)>;

impl Extra {
    /// No properties.
    pub fn new() -> Self {
        Extra::default()
    }

    /// The properties as a map, without the kept texts.
    pub fn into_map(self) -> Map<String, Value> {
        self.values
    }

    /// The exact text sent for `key`, when its value holds a number a `Value` cannot, and the
    /// value is unchanged since.
    pub fn exact_text(&self, key: &str) -> Option<&str> {
        let (_, raw) = self.exact.as_deref()?.iter().find(|(k, _)| k == key)?;
        let value = self.values.get(key)?;
        let read: Value = serde_json::from_str(raw.get()).ok()?;
        (read == *value).then(|| raw.get())
    }

    /// Every property with what is written for it: the kept text, or the value.
    fn entries(&self) -> impl Iterator<Item = (&String, Written<'_>)> {
        self.values.iter().map(move |(key, value)| match self.exact_raw(key) {
            Some(raw) => (key, Written::Raw(raw)),
            None => (key, Written::Value(value)),
        })
    }

    /// The kept text for `key`, while its value is unchanged.
    fn exact_raw(&self, key: &str) -> Option<&RawValue> {
        self.exact_text(key)?;
        let (_, raw) = self.exact.as_deref()?.iter().find(|(k, _)| k == key)?;
        Some(raw)
    }

    fn keep(&mut self, key: String, kept: KeptValue) {
        if let Some(exact) = &mut self.exact {
            exact.retain(|(k, _)| *k != key);
        }
        if let Some(raw) = kept.exact {
            self.exact.get_or_insert_with(Default::default).push((key.clone(), raw));
        }
        self.values.insert(key, kept.value);
    }
}

/// What is written for a property of an [`Extra`].
#[doc(hidden)]
pub enum Written<'a> {
    Value(&'a Value),
    Raw(&'a RawValue),
}

impl Serialize for Written<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Written::Value(value) => value.serialize(serializer),
            Written::Raw(raw) => raw.serialize(serializer),
        }
    }
}

impl std::ops::Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        &self.values
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.values
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries().map(|(k, v)| (k, v.to_string()))).finish()
    }
}

impl fmt::Display for Written<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Written::Value(value) => value.fmt(f),
            Written::Raw(raw) => f.write_str(raw.get()),
        }
    }
}

impl PartialEq for Extra {
    /// The same properties, written the same way.
    fn eq(&self, other: &Extra) -> bool {
        self.values == other.values
            && self.values.keys().all(|key| self.exact_text(key) == other.exact_text(key))
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(values: Map<String, Value>) -> Self {
        Extra { values, exact: None }
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.values.iter()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (key, value) in self.entries() {
            map.serialize_entry(key, &value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExtraVisitor;
        impl<'de> Visitor<'de> for ExtraVisitor {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut extra = Extra::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value()?;
                    extra.keep(key, value);
                }
                Ok(extra)
            }
        }
        deserializer.deserialize_map(ExtraVisitor)
    }
}

/// serde_json's name for a value's raw text: asked for with it, serde_json's deserializers
/// hand over the text instead of the value.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// A value read as it came: its text when the input is text to borrow from, else a value.
enum Captured<'de> {
    Borrowed(&'de str),
    Owned(String),
    Value(Value),
}

/// Asks for a value's text, taking what the deserializer gives: its text (serde_json), or the
/// value itself (any other deserializer).
struct Capture;

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
    value: Value,
    exact: Option<Box<RawValue>>,
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

    fn from_captured<E: de::Error>(captured: Captured<'_>) -> Result<KeptValue, E> {
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

/// Helpers the generated serde impls call; not part of the API.
#[doc(hidden)]
pub mod private {
    use super::*;

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

    /// serde_json's message without its position, which in a member's own text would mislead.
    fn without_position(error: &serde_json::Error) -> String {
        let text = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        match text.strip_suffix(&position) {
            Some(message) if error.line() > 0 => message.to_owned(),
            _ => text,
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

    /// Accepts a `const` property when it holds its one allowed value (or `null`).
    pub fn check_const<E: de::Error>(found: Value, expected: impl Into<Value>, property: &str) -> Result<(), E> {
        let expected = expected.into();
        if found.is_null() || found == expected {
            Ok(())
        } else {
            Err(E::custom(format_args!("`{property}` must be {expected}, found {found}")))
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

    /// Reads an object's members up to its tag, keeping those before it, so that the variant the
    /// tag selects decodes the rest straight from the input: one pass, nothing read twice.
    /// Returns the tag (`None` when absent or `null`) and every member, the tag included.
    ///
    /// A member that every variant declares (`declared_by_all`) becomes a typed field whatever
    /// the tag, so it is read as a value; any other may become a kept unknown property, so its
    /// text is kept when the input lends it, and numbers a `Value` cannot hold survive.
    pub fn find_tag<'de, A: de::MapAccess<'de>>(
        mut map: A,
        property: &str,
        declared_by_all: &[&str],
    ) -> Result<(Option<Key<'de>>, Members<'de, A>), A::Error> {
        let mut early = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == property {
                let tag = map.next_value::<Option<Key<'de>>>()?;
                let fed = match &tag {
                    Some(tag) => Early::Tag(tag.clone()),
                    None => Early::Json(Value::Null),
                };
                early.push((key, fed));
                return Ok((tag, Members::new(early, Some(map))));
            }
            let fed = if declared_by_all.contains(&key.as_str()) {
                Early::Json(map.next_value()?)
            } else {
                // The text when the input lends it (serde_json reading text): the variant reads
                // it as it reads the rest, and a kept property keeps it exactly.
                match map.next_value_seed(Capture)? {
                    Captured::Borrowed(text) => Early::Text(text),
                    other => Early::Kept(Box::new(KeptValue::from_captured(other)?)),
                }
            };
            early.push((key, fed));
        }
        Ok((None, Members::new(early, None)))
    }

    /// A member read before the tag: a value, its text, or (boxed, rarely needed) a value with
    /// the exact text of its numbers, from input that lends no text.
    enum Early<'de> {
        Json(Value),
        Text(&'de str),
        Kept(Box<KeptValue>),
        Tag(Key<'de>),
    }

    /// The members of a union's object: those [`find_tag`] read, then the rest of the input.
    /// It is a deserializer of that object, so a variant decodes from it as from the input.
    pub struct Members<'de, A> {
        early: std::vec::IntoIter<(Key<'de>, Early<'de>)>,
        rest: Option<A>,
        pending: Option<Early<'de>>,
        /// The member being read, so that an error can name it.
        current: Option<Key<'de>>,
    }

    impl<'de, A: de::MapAccess<'de>> Members<'de, A> {
        fn new(early: Vec<(Key<'de>, Early<'de>)>, rest: Option<A>) -> Self {
            Members { early: early.into_iter(), rest, pending: None, current: None }
        }

        /// Decodes the variant `tag` selected; the error names the union `U`, the tag and the member.
        pub fn decode<T: Deserialize<'de>, U>(mut self, tag: &str) -> Result<T, A::Error> {
            T::deserialize(&mut self).map_err(|e| {
                // The name is only worked out for the error.
                let union = short_name::<U>();
                match &self.current {
                    Some(key) => de::Error::custom(format_args!("invalid `{tag}` variant of {union} at `{}`: {e}", key.as_str())),
                    None => de::Error::custom(format_args!("invalid `{tag}` variant of {union}: {e}")),
                }
            })
        }

        /// Every member, for a variant this client does not know.
        pub fn into_object(mut self) -> Result<Map<String, Value>, A::Error> {
            Map::deserialize(&mut self)
        }
    }

    /// Hands a key to a seed after keeping it, borrowed when the input allows.
    struct KeepKey<'k, 'de, S> {
        seed: S,
        kept: &'k mut Option<Key<'de>>,
    }

    impl<'de, S: de::DeserializeSeed<'de>> de::DeserializeSeed<'de> for KeepKey<'_, 'de, S> {
        type Value = S::Value;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
            let key = Key::deserialize(deserializer)?;
            let value = key_to_seed(self.seed, &key)?;
            *self.kept = Some(key);
            Ok(value)
        }
    }

    fn key_to_seed<'de, S: de::DeserializeSeed<'de>, E: de::Error>(seed: S, key: &Key<'de>) -> Result<S::Value, E> {
        match &key.0 {
            Cow::Borrowed(text) => seed.deserialize(de::value::BorrowedStrDeserializer::new(text)),
            Cow::Owned(text) => seed.deserialize(de::value::StrDeserializer::new(text)),
        }
    }

    impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Members<'de, A> {
        type Error = A::Error;

        fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
            if let Some((key, value)) = self.early.next() {
                let decoded = key_to_seed(seed, &key)?;
                self.current = Some(key);
                self.pending = Some(value);
                return Ok(Some(decoded));
            }
            let next = match &mut self.rest {
                Some(rest) => rest.next_key_seed(KeepKey { seed, kept: &mut self.current })?,
                None => None,
            };
            if next.is_none() {
                // Past the last member: an error now (a missing field) is of the whole object.
                self.current = None;
            }
            Ok(next)
        }

        fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
            match self.pending.take() {
                Some(Early::Json(value)) => seed.deserialize(value).map_err(de::Error::custom),
                Some(Early::Text(text)) => {
                    let mut input = serde_json::Deserializer::from_str(text);
                    seed.deserialize(&mut input).map_err(|e| de::Error::custom(without_position(&e)))
                }
                Some(Early::Kept(kept)) => seed.deserialize(*kept).map_err(de::Error::custom),
                Some(Early::Tag(tag)) => key_to_seed(seed, &tag),
                None => match &mut self.rest {
                    Some(rest) => rest.next_value_seed(seed),
                    None => Err(de::Error::custom("a value was asked for before its key")),
                },
            }
        }
    }

    impl<'de, A: de::MapAccess<'de>> Deserializer<'de> for &mut Members<'de, A> {
        type Error = A::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
            visitor.visit_map(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
            identifier ignored_any
        }
    }

    /// One variant of a union whose object lacks every variant's tag, if the object fits it.
    pub fn try_variant_object<T: DeserializeOwned>(object: &Map<String, Value>) -> Option<T> {
        T::deserialize(Value::Object(object.clone())).ok()
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

    /// What each presence does to a field, named by the presence in an `object!` expansion
    /// (`optional::write`; `models.rs` imports the modules it uses): written, read into its slot,
    /// taken from the slot. Plain generic functions, inlined into the impls, so a field costs no
    /// macro expansion and its paths are short to resolve.
    pub mod presence {
        use serde::de::{self, Deserialize, MapAccess};
        use serde::ser::{Serialize, SerializeMap};

        /// Always present, never null: `T`.
        pub mod required {
            use super::*;

            #[inline]
            pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &T) -> Result<(), M::Error> {
                map.serialize_entry(key, value)
            }

            /// The slot a decoder reads into: empty until the property comes.
            #[inline]
            pub fn slot<T>() -> Option<T> {
                None
            }

            #[inline]
            pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A) -> Result<Option<T>, A::Error> {
                map.next_value().map(Some)
            }

            #[inline]
            pub fn take<'de, A: MapAccess<'de>, T>(slot: Option<T>, key: &'static str, _: &A) -> Result<T, A::Error> {
                slot.ok_or_else(|| de::Error::missing_field(key))
            }
        }

        /// Always present, may be null: `Option<T>`, written as `null` when `None`.
        pub mod nullable {
            pub use super::optional::{read, slot, take};
            pub use super::required::write;
        }

        /// May be absent: `Option<T>`, left out when `None`.
        pub mod optional {
            use super::*;

            #[inline]
            pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>) -> Result<(), M::Error> {
                match value {
                    Some(value) => map.serialize_entry(key, value),
                    None => Ok(()),
                }
            }

            /// The slot a decoder reads into: the field's unset value.
            #[inline]
            pub fn slot<T: Default>() -> T {
                T::default()
            }

            #[inline]
            pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A) -> Result<T, A::Error> {
                map.next_value()
            }

            #[inline]
            pub fn take<'de, A: MapAccess<'de>, T>(slot: T, _key: &'static str, _: &A) -> Result<T, A::Error> {
                Ok(slot)
            }
        }

        /// A PATCH body's property: `Patch<T>`, left out when unchanged.
        pub mod patch {
            use super::*;
            pub use super::optional::{read, slot, take};

            #[inline]
            pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &crate::Patch<T>) -> Result<(), M::Error> {
                if value.is_unchanged() { Ok(()) } else { map.serialize_entry(key, value) }
            }
        }
    }

    /// The macros `models.rs` declares its types with. Each expands to what a hand-specialised
    /// serde impl would be (no `#[serde(flatten)]` buffering, no trying of variants where a tag
    /// decides), so that a declaration states each field once and the machinery lives here.
    ///
    /// Every path in an expansion is absolute (`::core::…`, `$crate::…`): a schema may name a type
    /// `Option` or `Value`, and the expansion lands in the module that holds it. Locals are safe
    /// from property names by hygiene; the generic parameters and the visitor type, which are not,
    /// start with `__`, which no type name does. The work per field is done by functions
    /// (`presence`), the docs are written by the generator, and attributes are matched as token
    /// trees, so that a declaration costs the compiler few expansions: a rebuild of the crate is
    /// as quick as when the impls were written out.
    // A document without enums or unions leaves their macros unused.
    #[allow(unused_macros, unused_imports)]
    pub mod declare {
        /// An object: its struct (fields in spec order, then the map of undeclared properties,
        /// named in the header: `pub struct Name ..extra { … }`), `const` properties as
        /// associated constants, and serde impls that write the constants first, skip absent
        /// values and keep unknown keys.
        ///
        /// A field is `pub name: Type = presence("wire"),`, where presence is `required` (`T`),
        /// `nullable` (`Option<T>`, always written, `null` for `None`), `optional` (`Option<T>`,
        /// left out when `None`) or `patch` (`Patch<T>`, left out when unchanged). A constant is
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

                impl ::serde::Serialize for $name {
                    fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                        use ::serde::ser::SerializeMap as _;
                        let mut map = serializer.serialize_map(::core::option::Option::None)?;
                        $( map.serialize_entry($const_wire, &Self::$const)?; )*
                        $( $presence::write(&mut map, $wire, &self.$field)?; )*
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
                                        $( $const_wire => $crate::__private::check_const(map.next_value()?, $name::$const, $const_wire)?, )*
                                        $( $wire => $field = $presence::read(&mut map)?, )*
                                        _ => $crate::__private::keep_extra(&mut extra, key.into_string(), map.next_value()?),
                                    }
                                }
                                ::core::result::Result::Ok($name {
                                    $( $field: $presence::take($field, $wire, &map)?, )*
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

        /// A field's value in `new`: the argument of a required field, unset for the others.
        macro_rules! unset_unless_required {
            (required $field:ident) => {
                $field
            };
            ($presence:ident $field:ident) => {
                ::core::default::Default::default()
            };
        }

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

        /// A union of newtype variants and the variant the header names for what this client
        /// does not know (`pub enum Name ..Unknown by …`):
        /// - `by accessor = "property"`: dispatched on the tag property; a payload without it is
        ///   an error. Each variant is `Name(Type) = "tag",`.
        /// - `by accessor = "property" or shape`: the same, but every variant fixes the tag by
        ///   `const`, and a payload without it takes the first variant that accepts it.
        /// - `by shape`: no tag; the first variant that accepts the payload. Each variant is
        ///   `Name(Type),`.
        ///
        /// A variant may end with `adds_tag` (its type does not write the tag, so the union adds
        /// it) and `no_from` (its type is another variant's too, so it gets no `From`).
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
                                let (tag, $members) = $crate::__private::find_tag(map, $property, &[$($shared),*])?;
                                match tag.as_ref().map($crate::__private::Key::as_str) {
                                    $(
                                        ::core::option::Option::Some($tag) => {
                                            $members.decode::<_, $name>($tag).map($name::$variant)
                                        }
                                    )*
                                    ::core::option::Option::Some(_) => $members.into_object().map($name::$unknown),
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
                        $(
                            if let ::core::option::Option::Some(value) = $crate::__private::try_variant_value(&value) {
                                return ::core::result::Result::Ok(Self::$variant(value));
                            }
                        )*
                        ::core::result::Result::Ok(Self::$unknown(value))
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
                        let object = members.into_object()?;
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
            (@from $name:ident $variant:ident($ty:ty) $(adds_tag)?) => {
                impl ::core::convert::From<$ty> for $name {
                    fn from(value: $ty) -> Self {
                        Self::$variant(value)
                    }
                }
            };
            (@from $name:ident $variant:ident($ty:ty) $(adds_tag)? no_from) => {};
            (@serialize $value:ident, $serializer:ident, $property:literal, $tag:literal, adds_tag $(no_from)?) => {
                $crate::__private::serialize_with_tag($value, $property, $tag, $serializer)
            };
            (@serialize $value:ident, $serializer:ident, $property:literal, $tag:literal, $(no_from)?) => {
                ::serde::Serialize::serialize($value, $serializer)
            };
        }

        pub(crate) use {as_variants, definition, object, string_enum, union, unset_unless_required, variant};
    }
}
