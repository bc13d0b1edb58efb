//! What each presence does to a field, named by the presence in an `object!` expansion
//! (`optional::write`; `models.rs` imports the modules it uses): written, read into its slot,
//! taken from the slot. Plain generic functions, inlined into the impls, so a field costs no
//! macro expansion and its paths are short to resolve. Reading, taking and writing see the
//! object's `Extra`, where what a field cannot say is remembered: an optional property sent as
//! `null`, a nullable one left out, a number sent as an integer.

use serde::de::{self, Deserialize, DeserializeOwned, MapAccess};
use serde::ser::{Serialize, SerializeMap};
use serde_json::Value;

use crate::Extra;
use crate::runtime::extra::{SentAs, WideInteger};

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
            None if extra.was_sent(key, SentAs::Absent) => Ok(()),
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
            extra.remember(key, SentAs::Absent);
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
            None if extra.was_sent(key, SentAs::Null) => map.serialize_entry(key, &()),
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
            extra.remember(key, SentAs::Null);
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
/// different values to a reader that keeps integers apart (`serde_json::Value` does); nor can
/// it hold every integer beyond 2^53. Read from the input, and written back as the integer it
/// came as while the value is still that integer. The number presences are their base
/// presences over this type, so `null` and absence are handled in one place.
struct SentNumber {
    value: f64,
    /// `None` when sent as a decimal.
    integer: Option<SentAs>,
}

impl SentNumber {
    /// `value` as written for `key`: in the form `extra` remembers it was sent in.
    fn written(value: f64, extra: &Extra, key: &str) -> SentNumber {
        let integer = extra.forms_sent(key).find(|form| matches!(form, SentAs::Integer | SentAs::Wide(_)));
        SentNumber { value, integer }
    }

    /// The value read for `key`, its form remembered in `extra`.
    fn kept(self, extra: &mut Extra, key: &'static str) -> f64 {
        if let Some(form) = self.integer {
            extra.remember(key, form);
        }
        self.value
    }

    /// An integer as sent: exact in an `f64` up to 2^53, remembered whole beyond.
    fn integer(value: f64, wide: WideInteger, magnitude: u64) -> SentNumber {
        let form = if magnitude <= EXACT_INTEGERS as u64 { SentAs::Integer } else { SentAs::Wide(wide) };
        SentNumber { value, integer: Some(form) }
    }
}

/// The largest integer every smaller one of which an `f64` holds exactly: 2^53.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

impl Serialize for SentNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.integer {
            Some(SentAs::Wide(WideInteger::Signed(sent))) if sent as f64 == self.value => serializer.serialize_i64(sent),
            Some(SentAs::Wide(WideInteger::Unsigned(sent))) if sent as f64 == self.value => serializer.serialize_u64(sent),
            Some(_) if self.value.fract() == 0.0 && self.value.abs() <= EXACT_INTEGERS => serializer.serialize_i64(self.value as i64),
            _ => serializer.serialize_f64(self.value),
        }
    }
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
                Ok(SentNumber { value, integer: None })
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<SentNumber, E> {
                Ok(SentNumber::integer(value as f64, WideInteger::Signed(value), value.unsigned_abs()))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<SentNumber, E> {
                Ok(SentNumber::integer(value as f64, WideInteger::Unsigned(value), value))
            }
        }
        deserializer.deserialize_f64(NumberVisitor)
    }
}

/// A `required` number: `f64`, written as an integer when sent as one.
pub mod required_number {
    use super::*;
    pub use super::required::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap>(map: &mut M, key: &'static str, value: &f64, extra: &Extra) -> Result<(), M::Error> {
        required::write(map, key, &SentNumber::written(*value, extra, key), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<f64>, A::Error> {
        let sent: Option<SentNumber> = required::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.kept(extra, key)))
    }
}

/// A `nullable` number: `Option<f64>`, written as an integer when sent as one.
pub mod nullable_number {
    use super::*;
    pub use super::nullable::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap>(map: &mut M, key: &'static str, value: &Option<f64>, extra: &Extra) -> Result<(), M::Error> {
        nullable::write(map, key, &value.map(|value| SentNumber::written(value, extra, key)), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<Option<f64>>, A::Error> {
        let sent: Option<Option<SentNumber>> = nullable::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.map(|sent| sent.kept(extra, key))))
    }
}

/// An `optional` number: `Option<f64>`, written as an integer when sent as one.
pub mod optional_number {
    use super::*;
    pub use super::optional::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap>(map: &mut M, key: &'static str, value: &Option<f64>, extra: &Extra) -> Result<(), M::Error> {
        optional::write(map, key, &value.map(|value| SentNumber::written(value, extra, key)), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<f64>, A::Error> {
        let sent: Option<SentNumber> = optional::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.kept(extra, key)))
    }
}

/// The type of an integer field: `i64`, or `u64` for `uint64`.
pub trait Integer: Copy + PartialEq + Serialize + Into<Value> {
    fn from_i64(value: i64) -> Option<Self>;
    fn from_u64(value: u64) -> Option<Self>;
    /// The nearest value to one the type cannot hold (an integral `f64` is exact): past its
    /// range, its end.
    fn nearest(value: f64) -> Self;

    /// A sent integer as the type reads it: itself, else the nearest, with whether it is as sent.
    fn read_i64(value: i64) -> (Self, bool) {
        Self::from_i64(value).map_or_else(|| (Self::nearest(value as f64), false), |held| (held, true))
    }

    /// The same for an integer past `i64::MAX`.
    fn read_u64(value: u64) -> (Self, bool) {
        Self::from_u64(value).map_or_else(|| (Self::nearest(value as f64), false), |held| (held, true))
    }

    /// The value a sent number is read as: itself, or the nearest.
    fn of_sent(sent: &serde_json::Number) -> Option<Self> {
        match (sent.as_i64(), sent.as_u64(), sent.as_f64()) {
            (Some(value), _, _) => Some(Self::read_i64(value).0),
            (_, Some(value), _) => Some(Self::read_u64(value).0),
            (_, _, Some(value)) if value.fract() == 0.0 => Some(Self::nearest(value)),
            _ => None,
        }
    }
}

impl Integer for i64 {
    fn from_i64(value: i64) -> Option<Self> {
        Some(value)
    }
    fn from_u64(value: u64) -> Option<Self> {
        i64::try_from(value).ok()
    }
    fn nearest(value: f64) -> Self {
        // `as` saturates at the type's ends.
        value as i64
    }
}

impl Integer for u64 {
    fn from_i64(value: i64) -> Option<Self> {
        u64::try_from(value).ok()
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value)
    }
    fn nearest(value: f64) -> Self {
        value as u64
    }
}

/// An integer as sent: JSON's integers have no range, so a server may send one past the
/// field's type (`2^63` to an `i64`), or write one as `1.0` or `1e3`. The field holds the
/// nearest value; what was sent is remembered, and written back while the field holds that.
/// One beyond 64 bits comes from serde_json as the nearest `f64`, as a `Value` holds it. A
/// number with a fraction is no integer, and fails to decode.
struct SentInteger<T> {
    value: T,
    /// `None` when the type holds what was sent, as sent.
    sent: Option<Value>,
}

impl<T: Integer> SentInteger<T> {
    /// The value read for `key`, what was sent remembered in `extra` when the type cannot say it.
    fn kept(self, extra: &mut Extra, key: &'static str) -> T {
        if let Some(sent) = self.sent {
            extra.remember_numbers(key, sent);
        }
        self.value
    }

    /// `value` as read, with what was sent kept unless it was read as sent.
    fn read((value, as_sent): (T, bool), sent: impl Into<Value>) -> Self {
        SentInteger { value, sent: (!as_sent).then(|| sent.into()) }
    }
}

impl<'de, T: Integer> Deserialize<'de> for SentInteger<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntegerVisitor<T>(std::marker::PhantomData<T>);
        impl<T: Integer> de::Visitor<'_> for IntegerVisitor<T> {
            type Value = SentInteger<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<SentInteger<T>, E> {
                Ok(SentInteger::read(T::read_i64(value), value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<SentInteger<T>, E> {
                Ok(SentInteger::read(T::read_u64(value), value))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<SentInteger<T>, E> {
                if value.fract() != 0.0 {
                    return Err(E::invalid_type(de::Unexpected::Float(value), &self));
                }
                Ok(SentInteger::read((T::nearest(value), false), value))
            }
        }
        deserializer.deserialize_i64(IntegerVisitor(std::marker::PhantomData))
    }
}

/// An integer as written for `key`: what was sent, while the field holds the value it was
/// read as, else the value.
struct WrittenInteger<'a, T> {
    value: T,
    sent: Option<&'a Value>,
}

impl<'a, T: Integer> WrittenInteger<'a, T> {
    fn of(value: T, extra: &'a Extra, key: &str) -> Self {
        WrittenInteger { value, sent: extra.numbers_sent(key) }
    }
}

impl<T: Integer> Serialize for WrittenInteger<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.sent {
            Some(Value::Number(sent)) if T::of_sent(sent) == Some(self.value) => sent.serialize(serializer),
            _ => self.value.serialize(serializer),
        }
    }
}

/// A `required` integer: written as it was sent when its type cannot hold that.
pub mod required_integer {
    use super::*;
    pub use super::required::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap, T: Integer>(map: &mut M, key: &'static str, value: &T, extra: &Extra) -> Result<(), M::Error> {
        required::write(map, key, &WrittenInteger::of(*value, extra, key), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Integer>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<T>, A::Error> {
        let sent: Option<SentInteger<T>> = required::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.kept(extra, key)))
    }
}

/// A `nullable` integer.
pub mod nullable_integer {
    use super::*;
    pub use super::nullable::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap, T: Integer>(map: &mut M, key: &'static str, value: &Option<T>, extra: &Extra) -> Result<(), M::Error> {
        nullable::write(map, key, &value.map(|value| WrittenInteger::of(value, extra, key)), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Integer>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<Option<T>>, A::Error> {
        let sent: Option<Option<SentInteger<T>>> = nullable::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.map(|sent| sent.kept(extra, key))))
    }
}

/// An `optional` integer.
pub mod optional_integer {
    use super::*;
    pub use super::optional::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap, T: Integer>(map: &mut M, key: &'static str, value: &Option<T>, extra: &Extra) -> Result<(), M::Error> {
        optional::write(map, key, &value.map(|value| WrittenInteger::of(value, extra, key)), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: Integer>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<T>, A::Error> {
        let sent: Option<SentInteger<T>> = optional::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.kept(extra, key)))
    }
}

/// A value holding numbers in lists or maps (`Vec<f64>`, `Vec<i64>`), as sent: an `f64` cannot
/// say whether each came as `1` or `1.0`, nor an `i64` hold `2^63`. Read through a `Value`,
/// which can; when the field would be written otherwise, what was sent is kept, and written
/// back while the field still holds the same numbers. The value's own decoding reads it; where
/// that refuses an integer past its type's range or written as `1.0`, the nearest one the type
/// holds is read, as for an integer field. Anything else fails as it did.
struct SentNumbers<T> {
    value: T,
    /// `None` when writing the value gives what was sent.
    sent: Option<Value>,
}

impl<T> SentNumbers<T> {
    /// The value read for `key`, what was sent remembered in `extra` when writing it differs.
    fn kept(self, extra: &mut Extra, key: &'static str) -> T {
        if let Some(sent) = self.sent {
            extra.remember_numbers(key, sent);
        }
        self.value
    }
}

impl<'de, T: DeserializeOwned + Serialize> Deserialize<'de> for SentNumbers<T> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let sent = Value::deserialize(deserializer)?;
        let value = match T::deserialize(&sent) {
            Ok(value) => value,
            Err(error) => T::deserialize(&nearest_integers::<i64>(&sent))
                .or_else(|_| T::deserialize(&nearest_integers::<u64>(&sent)))
                .map_err(|_| de::Error::custom(error))?,
        };
        let written_as_sent = serde_json::to_value(&value).is_ok_and(|written| written == sent);
        Ok(SentNumbers { value, sent: (!written_as_sent).then_some(sent) })
    }
}

/// `sent` with each integer in it (a number without a fraction, whatever its form) read as the
/// nearest value of `T`.
fn nearest_integers<T: Integer>(sent: &Value) -> Value {
    match sent {
        Value::Number(number) => T::of_sent(number).map_or_else(|| sent.clone(), Into::into),
        Value::Array(items) => items.iter().map(nearest_integers::<T>).collect(),
        Value::Object(map) => map.iter().map(|(key, value)| (key.clone(), nearest_integers::<T>(value))).collect(),
        other => other.clone(),
    }
}

/// A value holding numbers in lists or maps, as written for `key`: what was sent, while the
/// value holds what it was read as, else the value.
struct WrittenNumbers<'a, T> {
    value: &'a T,
    sent: Option<&'a Value>,
}

impl<'a, T> WrittenNumbers<'a, T> {
    fn of(value: &'a T, extra: &'a Extra, key: &str) -> Self {
        WrittenNumbers { value, sent: extra.numbers_sent(key) }
    }
}

impl<T: Serialize> Serialize for WrittenNumbers<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(sent) = self.sent {
            if serde_json::to_value(self.value).is_ok_and(|now| read_as(&now, sent)) {
                return sent.serialize(serializer);
            }
        }
        self.value.serialize(serializer)
    }
}

/// Whether `now` is what `sent` was read as: the same numbers, or the nearest integers of an
/// `i64` or a `u64` (`-1` read as `0`).
fn read_as(now: &Value, sent: &Value) -> bool {
    same_numbers(now, sent)
        || same_numbers(now, &nearest_integers::<i64>(sent))
        || same_numbers(now, &nearest_integers::<u64>(sent))
}

/// Equal, numbers compared by value (`1` and `1.0` alike).
fn same_numbers(now: &Value, sent: &Value) -> bool {
    match (now, sent) {
        (Value::Number(a), Value::Number(b)) => a == b || a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_numbers(a, b)),
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(key, a)| b.get(key).is_some_and(|b| same_numbers(a, b)))
        }
        (a, b) => a == b,
    }
}

/// A `required` value holding numbers in lists or maps: written with each number in the form
/// it was sent in.
pub mod required_numbers {
    use super::*;
    pub use super::required::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &T, extra: &Extra) -> Result<(), M::Error> {
        required::write(map, key, &WrittenNumbers::of(value, extra, key), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: DeserializeOwned + Serialize>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<T>, A::Error> {
        let sent: Option<SentNumbers<T>> = required::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.kept(extra, key)))
    }
}

/// A `nullable` value holding numbers in lists or maps.
pub mod nullable_numbers {
    use super::*;
    pub use super::nullable::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>, extra: &Extra) -> Result<(), M::Error> {
        nullable::write(map, key, &value.as_ref().map(|value| WrittenNumbers::of(value, extra, key)), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: DeserializeOwned + Serialize>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<Option<T>>, A::Error> {
        let sent: Option<Option<SentNumbers<T>>> = nullable::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.map(|sent| sent.kept(extra, key))))
    }
}

/// An `optional` value holding numbers in lists or maps.
pub mod optional_numbers {
    use super::*;
    pub use super::optional::{slot, take};

    #[inline]
    pub fn write<M: SerializeMap, T: Serialize>(map: &mut M, key: &'static str, value: &Option<T>, extra: &Extra) -> Result<(), M::Error> {
        optional::write(map, key, &value.as_ref().map(|value| WrittenNumbers::of(value, extra, key)), extra)
    }

    #[inline]
    pub fn read<'de, A: MapAccess<'de>, T: DeserializeOwned + Serialize>(map: &mut A, extra: &mut Extra, key: &'static str) -> Result<Option<T>, A::Error> {
        let sent: Option<SentNumbers<T>> = optional::read(map, extra, key)?;
        Ok(sent.map(|sent| sent.kept(extra, key)))
    }
}
