//! `Extra`: the properties a schema does not declare, kept so that re-encoding loses nothing.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::exact::KeptValue;
use super::private::few::Few;

/// Properties the schema does not declare, kept as sent so that re-encoding loses nothing.
///
/// Read and change it as the `serde_json::Map` it dereferences to. A `Value` holds a number in
/// 64 bits, so an integer beyond them (or a decimal with more digits than an `f64` keeps) reads
/// as the nearest `f64`; the text the server sent is kept beside it too, and written back as
/// long as the value is left unchanged. Only such values keep their text, so the usual case
/// costs nothing, and serde_json's `arbitrary_precision` (which would change every
/// `serde_json::Number` in the program) is not needed.
///
/// It also remembers what the object's declared fields cannot say, so that encoding writes it
/// back: which optional properties were sent as `null` rather than left out, and which
/// nullable ones left out rather than sent as `null` (both are `None`), and which number
/// properties were sent as integers (`1` and `1.0` are both `1.0_f64`).
/// Equality ignores that, as the fields do.
#[derive(Clone, Default)]
pub struct Extra {
    values: Map<String, Value>,
    /// What neither the fields nor `values` can say: usually nothing, so boxed, which keeps
    /// every struct that has an `Extra` one word from its size without.
    kept: Option<Box<Kept>>,
}

#[derive(Clone, Default)]
struct Kept {
    /// Property names with the text their value was sent as.
    exact: Vec<(String, Box<RawValue>)>,
    /// Declared properties sent in a form their field cannot say, and the form: one box holds
    /// the usual few.
    forms: Few<(&'static str, SentAs)>,
    /// Declared properties holding numbers in lists or maps, as sent, where re-encoding their
    /// field would write a number in another form (`1.0` for `1`).
    numbers: Vec<(&'static str, Value)>,
}

/// A form a declared property was sent in that its field cannot say.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SentAs {
    /// `null`, for an optional property (`None` is also what leaving it out gives).
    Null,
    /// Left out, for a nullable property (`None` is also what `null` gives).
    Absent,
    /// An integer, for a number property (`f64` holds `1` and `1.0` alike).
    Integer,
    /// An integer beyond 2^53, for a number property: `f64` holds only the nearest one.
    Wide(WideInteger),
}

/// An integer an `f64` cannot hold exactly, as sent.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum WideInteger {
    Signed(i64),
    Unsigned(u64),
}

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
        let (_, raw) = self.kept.as_deref()?.exact.iter().find(|(k, _)| k == key)?;
        let value = self.values.get(key)?;
        let read: Value = serde_json::from_str(raw.get()).ok()?;
        (read == *value).then(|| raw.get())
    }

    /// Every property with what is written for it: the kept text, or the value.
    pub(super) fn entries(&self) -> impl Iterator<Item = (&String, Written<'_>)> {
        self.values.iter().map(move |(key, value)| match self.exact_raw(key) {
            Some(raw) => (key, Written::Raw(raw)),
            None => (key, Written::Value(value)),
        })
    }

    /// The kept text for `key`, while its value is unchanged.
    fn exact_raw(&self, key: &str) -> Option<&RawValue> {
        self.exact_text(key)?;
        let (_, raw) = self.kept.as_deref()?.exact.iter().find(|(k, _)| k == key)?;
        Some(raw)
    }

    pub(super) fn keep(&mut self, key: String, kept: KeptValue) {
        if let Some(remembered) = &mut self.kept {
            remembered.exact.retain(|(k, _)| *k != key);
        }
        if let Some(raw) = kept.exact {
            self.kept.get_or_insert_with(Default::default).exact.push((key.clone(), raw));
        }
        self.values.insert(key, kept.value);
    }

    /// Remembers that the declared property `key` was sent as `form`.
    pub(crate) fn remember(&mut self, key: &'static str, form: SentAs) {
        if !self.was_sent(key, form) {
            self.kept.get_or_insert_with(Default::default).forms.push((key, form));
        }
    }

    /// Remembers what the declared property `key`, which holds numbers in lists or maps, was
    /// sent as.
    pub(crate) fn remember_numbers(&mut self, key: &'static str, sent: Value) {
        let kept = self.kept.get_or_insert_with(Default::default);
        kept.numbers.retain(|(k, _)| *k != key);
        kept.numbers.push((key, sent));
    }

    /// What the declared property `key` was sent as, when [`Extra::remember_numbers`] kept it.
    pub(crate) fn numbers_sent(&self, key: &str) -> Option<&Value> {
        let kept = self.kept.as_deref()?;
        kept.numbers.iter().find(|(k, _)| *k == key).map(|(_, sent)| sent)
    }

    /// Whether the declared property `key` was sent as `form`.
    pub(crate) fn was_sent(&self, key: &str, form: SentAs) -> bool {
        self.forms_sent(key).any(|sent| sent == form)
    }

    /// The forms the declared property `key` was sent in that its field cannot say.
    pub(crate) fn forms_sent<'a>(&'a self, key: &'a str) -> impl Iterator<Item = SentAs> + 'a {
        self.kept
            .as_deref()
            .into_iter()
            .flat_map(|kept| kept.forms.iter())
            .filter(move |(k, _)| *k == key)
            .map(|&(_, form)| form)
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
        Extra { values, kept: None }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_beyond_the_first_few_are_remembered_each_apart() {
        let mut extra = Extra::new();
        let keys = ["a", "b", "c", "d", "e", "f"];
        for key in keys {
            extra.remember(key, SentAs::Null);
        }
        extra.remember("e", SentAs::Integer);
        extra.remember("f", SentAs::Wide(WideInteger::Unsigned(u64::MAX)));
        extra.remember("a", SentAs::Null);
        for key in keys {
            assert!(extra.was_sent(key, SentAs::Null), "{key}");
            assert_eq!(extra.was_sent(key, SentAs::Integer), key == "e", "{key}");
            assert!(!extra.was_sent(key, SentAs::Absent), "{key}");
        }
        let wide: Vec<SentAs> = extra.forms_sent("f").collect();
        assert!(wide == [SentAs::Null, SentAs::Wide(WideInteger::Unsigned(u64::MAX))]);
        assert!(!extra.was_sent("g", SentAs::Null));
        assert_eq!(extra, Extra::new(), "equality ignores the forms");
    }
}
