//! Hand-written support for the generated models: timestamps, PATCH fields and the helpers
//! the generated serde impls call. Copied into every generated crate by the generator.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
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

/// Helpers the generated serde impls call; not part of the API.
#[doc(hidden)]
pub mod private {
    use super::*;

    /// An object key, borrowed from the input when the deserializer allows it.
    #[derive(Clone)]
    pub struct Key<'de>(Cow<'de, str>);

    impl Key<'_> {
        pub fn as_str(&self) -> &str {
            &self.0
        }

        pub fn into_string(self) -> String {
            self.0.into_owned()
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
    pub fn deserialize_open_enum<'de, D, T>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: for<'a> From<&'a str>,
    {
        struct OpenEnumVisitor<T>(&'static str, std::marker::PhantomData<T>);
        impl<T: for<'a> From<&'a str>> Visitor<'_> for OpenEnumVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
                Ok(T::from(v))
            }
        }
        deserializer.deserialize_str(OpenEnumVisitor(expecting, std::marker::PhantomData))
    }

    /// Reads an object's members up to its tag, keeping those before it, so that the variant the
    /// tag selects decodes the rest straight from the input: one pass, nothing read twice.
    /// Returns the tag (`None` when absent or `null`) and every member, the tag included.
    pub fn find_tag<'de, A: de::MapAccess<'de>>(mut map: A, property: &str) -> Result<(Option<Key<'de>>, Members<'de, A>), A::Error> {
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
            let value = map.next_value::<Value>()?;
            early.push((key, Early::Json(value)));
        }
        Ok((None, Members::new(early, None)))
    }

    enum Early<'de> {
        Json(Value),
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

        /// Decodes the variant `tag` selected; the error names the union, the tag and the member.
        pub fn decode<T: Deserialize<'de>>(mut self, union: &str, tag: &str) -> Result<T, A::Error> {
            T::deserialize(&mut self).map_err(|e| match &self.current {
                Some(key) => de::Error::custom(format_args!("invalid `{tag}` variant of {union} at `{}`: {e}", key.as_str())),
                None => de::Error::custom(format_args!("invalid `{tag}` variant of {union}: {e}")),
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
}
