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
    text: String,
    instant: chrono::DateTime<chrono::FixedOffset>,
}

impl Timestamp {
    /// Parses RFC 3339, or a naive `YYYY-MM-DD[T ]HH:MM:SS[.frac]` taken as UTC.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let instant = chrono::DateTime::parse_from_rfc3339(text)
            .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
            .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%#z"))
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                    .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
                    .map(|naive| naive.and_utc().fixed_offset())
            })
            .map_err(|_| TimestampError { text: text.chars().take(64).collect() })?;
        Ok(Timestamp { text: text.to_owned(), instant })
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
        &self.text
    }
}

impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp
where
    Tz::Offset: fmt::Display,
{
    fn from(instant: chrono::DateTime<Tz>) -> Self {
        let instant = instant.fixed_offset();
        Timestamp { text: instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true), instant }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
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
        serializer.serialize_str(&self.text)
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

    /// A union payload, captured as text: the tag is read from it without building a map,
    /// then the chosen variant decodes straight from the text.
    pub type RawObject = Box<serde_json::value::RawValue>;

    /// The value of `property` in the JSON object `raw`, skipping every other member unread.
    pub fn peek_tag<'a, E: de::Error>(raw: &'a RawObject, property: &str, union: &str) -> Result<Option<Key<'a>>, E> {
        struct Peek<'p>(&'p str);
        impl<'de> Visitor<'de> for Peek<'_> {
            type Value = Option<Key<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    if key.as_str() == self.0 {
                        found = map.next_value::<Option<Key<'de>>>()?;
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(found)
            }
        }
        let mut deserializer = serde_json::Deserializer::from_str(raw.get());
        de::Deserializer::deserialize_map(&mut deserializer, Peek(property))
            .map_err(|e| E::custom(format_args!("{union}: expected an object with a string `{property}`: {e}")))
    }

    /// The whole payload of a variant this client does not know.
    pub fn unknown_object<E: de::Error>(raw: &RawObject) -> Result<Map<String, Value>, E> {
        serde_json::from_str(raw.get()).map_err(E::custom)
    }

    /// Decodes the variant a tag selected; the error names the union, the tag and the field.
    pub fn decode_variant<T: DeserializeOwned, E: de::Error>(raw: &RawObject, union: &str, tag: &str) -> Result<T, E> {
        // The fast path tracks nothing; only a failure is decoded again to find the field.
        if let Ok(value) = serde_json::from_str(raw.get()) {
            return Ok(value);
        }
        let mut deserializer = serde_json::Deserializer::from_str(raw.get());
        serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            if path == "." {
                E::custom(format_args!("invalid `{tag}` variant of {union}: {}", e.inner()))
            } else {
                E::custom(format_args!("invalid `{tag}` variant of {union} at `{path}`: {}", e.inner()))
            }
        })
    }

    /// One variant of a union without a declared tag, if the payload fits it.
    pub fn try_variant<T: DeserializeOwned>(raw: &RawObject) -> Option<T> {
        serde_json::from_str(raw.get()).ok()
    }

    /// Like [`try_variant`] for any JSON value.
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
