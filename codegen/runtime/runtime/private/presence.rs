//! What each presence does to a field, named by the presence in an `object!` expansion
//! (`optional::write`; `models.rs` imports the modules it uses): written, read into its slot,
//! taken from the slot. Plain generic functions, inlined into the impls, so a field costs no
//! macro expansion and its paths are short to resolve. Reading, taking and writing see the
//! object's `Extra`, where what a field cannot say is remembered: an optional property sent as
//! `null`, a nullable one left out, a number sent as an integer.

use serde::de::{self, Deserialize, MapAccess};
use serde::ser::{Serialize, SerializeMap};

use crate::Extra;

/// Always present, never null: `T`.
pub mod required {
    use super::*;

    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &T, _: &Extra) -> Result<(), M::Error> {
        map.serialize_entry(key, value)
    }

    /// The slot a decoder reads into: empty until the property comes.
    #[inline]
    pub fn slot<T>() -> Option<T> {
        None
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, _: &mut Extra, _: &'static str) -> Result<Option<T>, A::Error> {
        map.next_value().map(Some)
    }

    #[inline]
    pub fn take<'de, A: MapAccess<'de>, T>(slot: Option<T>, key: &'static str, _: &mut Extra, _: &A) -> Result<T, A::Error> {
        slot.ok_or_else(|| de::Error::missing_field(key))
    }
}

/// Always present, may be null: `Option<T>`, written as `null` when `None`, unless it was
/// read as left out: then it is left out again.
pub mod nullable {
    use super::*;
    pub use super::required::slot;

    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>, extra: &Extra) -> Result<(), M::Error> {
        match value {
            None if extra.sent_absent(key) => Ok(()),
            value => map.serialize_entry(key, value),
        }
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, _: &mut Extra, _: &'static str) -> Result<Option<Option<T>>, A::Error> {
        map.next_value().map(Some)
    }

    /// The value read, or `None` remembered as left out.
    #[inline]
    pub fn take<'de, A: MapAccess<'de>, T>(slot: Option<Option<T>>, key: &'static str, extra: &mut Extra, _: &A) -> Result<Option<T>, A::Error> {
        Ok(slot.unwrap_or_else(|| {
            extra.keep_absent(key);
            None
        }))
    }
}

/// May be absent: `Option<T>`, left out when `None`, unless it was read as `null`: then it is
/// written back as `null`, so that an answer re-encodes to what was sent.
pub mod optional {
    use super::*;

    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>, extra: &Extra) -> Result<(), M::Error> {
        match value {
            Some(value) => map.serialize_entry(key, value),
            None if extra.sent_null(key) => map.serialize_entry(key, &()),
            None => Ok(()),
        }
    }

    /// The slot a decoder reads into: the field's unset value.
    #[inline]
    pub fn slot<T: Default>() -> T {
        T::default()
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<T>, A::Error> {
        let value: Option<T> = map.next_value()?;
        if value.is_none() {
            extra.keep_null(key);
        }
        Ok(value)
    }

    #[inline]
    pub fn take<'de, A: MapAccess<'de>, T>(slot: T, _key: &'static str, _: &mut Extra, _: &A) -> Result<T, A::Error> {
        Ok(slot)
    }
}

/// A PATCH body's property: `Patch<T>`, left out when unchanged.
pub mod patch {
    use super::*;
    pub use super::optional::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &crate::Patch<T>, _: &Extra) -> Result<(), M::Error> {
        if value.is_unchanged() { Ok(()) } else { map.serialize_entry(key, value) }
    }

    /// The value as its type reads it: `null` is a value of its own here.
    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, _: &mut Extra, _: &'static str) -> Result<T, A::Error> {
        map.next_value()
    }
}

/// A number as sent: an `f64` cannot say whether it came as `1` or `1.0`, and the two are
/// different values to a reader that keeps integers apart (`serde_json::Value` does).
struct SentNumber {
    value: f64,
    integer: bool,
}

impl<'de> Deserialize<'de> for SentNumber {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl de::Visitor<'_> for NumberVisitor {
            type Value = SentNumber;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<SentNumber, E> {
                Ok(SentNumber { value, integer: false })
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<SentNumber, E> {
                Ok(SentNumber { value: value as f64, integer: true })
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<SentNumber, E> {
                Ok(SentNumber { value: value as f64, integer: true })
            }
        }
        deserializer.deserialize_f64(NumberVisitor)
    }
}

/// Reads a number, remembering in `extra` that `key` was sent as an integer.
#[inline]
fn read_number(sent: SentNumber, extra: &mut Extra, key: &'static str) -> f64 {
    if sent.integer {
        extra.keep_integer(key);
    }
    sent.value
}

/// The largest integer every smaller one of which an `f64` holds exactly: 2^53.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// Writes a number as it was sent: as an integer if it came as one and still is one.
#[inline]
fn write_number<M: SerializeMap>(map: &mut M, key: &'static str, value: f64, extra: &Extra) -> Result<(), M::Error> {
    if value.fract() == 0.0 && value.abs() <= EXACT_INTEGERS && extra.sent_integer(key) {
        map.serialize_entry(key, &(value as i64))
    } else {
        map.serialize_entry(key, &value)
    }
}

/// A `required` number: `f64`, written as an integer when sent as one.
pub mod required_number {
    use super::*;
    pub use super::required::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap>(map: &mut M, key: &'static str, value: &f64, extra: &Extra) -> Result<(), M::Error> {
        write_number(map, key, *value, extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<f64>, A::Error> {
        Ok(Some(read_number(map.next_value()?, extra, key)))
    }
}

/// A `nullable` number: `Option<f64>`, written as an integer when sent as one.
pub mod nullable_number {
    use super::*;
    pub use super::nullable::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap>(map: &mut M, key: &'static str, value: &Option<f64>, extra: &Extra) -> Result<(), M::Error> {
        match value {
            Some(value) => write_number(map, key, *value, extra),
            None if extra.sent_absent(key) => Ok(()),
            None => map.serialize_entry(key, &()),
        }
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<Option<f64>>, A::Error> {
        let sent: Option<SentNumber> = map.next_value()?;
        Ok(Some(sent.map(|sent| read_number(sent, extra, key))))
    }
}

/// An `optional` number: `Option<f64>`, written as an integer when sent as one.
pub mod optional_number {
    use super::*;
    pub use super::optional::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap>(map: &mut M, key: &'static str, value: &Option<f64>, extra: &Extra) -> Result<(), M::Error> {
        match value {
            Some(value) => write_number(map, key, *value, extra),
            None if extra.sent_null(key) => map.serialize_entry(key, &()),
            None => Ok(()),
        }
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<f64>, A::Error> {
        match map.next_value::<Option<SentNumber>>()? {
            Some(sent) => Ok(Some(read_number(sent, extra, key))),
            None => {
                extra.keep_null(key);
                Ok(None)
            }
        }
    }
}
