//! A tagged union's object read in one pass (`Members`): the members before the tag kept
//! (`Members::find_tag`), then handed with the rest of the input to the variant it selects.

use std::borrow::Cow;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::few::Few;
use super::{Key, short_name};
use crate::runtime::KeptValue;
use crate::runtime::exact::{Capture, Captured};

/// serde_json's message without its position, which in a member's own text would mislead.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match text.strip_suffix(&position) {
        Some(message) if error.line() > 0 => message.to_owned(),
        _ => text,
    }
}

/// A member read before the tag: a value, its text, or (boxed, rarely needed) a value with
/// the exact text of its numbers, from input that lends no text.
enum Early<'de> {
    Json(Value),
    Text(&'de str),
    Kept(Box<KeptValue>),
    Tag(Key<'de>),
}

/// The members of a union's object: those [`Members::find_tag`] read, then the rest of the
/// input. It is a deserializer of that object, so a variant decodes from it as from the input.
/// It stays in its caller's frame (methods take `&mut self`): it is a few hundred bytes, and
/// moving it cost more than it saves.
pub struct Members<'de, A> {
    early: EarlyMembers<'de>,
    /// The tag member, which follows the early ones.
    tag: Option<(Key<'de>, Early<'de>)>,
    rest: Option<A>,
    pending: Option<Early<'de>>,
    /// The member being read, so that an error can name it.
    current: Option<Key<'de>>,
}

impl<'de, A: de::MapAccess<'de>> Members<'de, A> {
    /// An object none of whose members is read yet.
    pub fn new(map: A) -> Self {
        Members { early: EarlyMembers::default(), tag: None, rest: Some(map), pending: None, current: None }
    }

    /// Reads the members up to the tag, keeping those before it, so that the variant the tag
    /// selects decodes the rest straight from the input: one pass, nothing read twice.
    /// Returns the tag (`None` when absent or `null`).
    ///
    /// A member that every variant declares (`declared_by_all`) becomes a typed field whatever
    /// the tag, so it is read as a value; any other may become a kept unknown property, so its
    /// text is kept when the input lends it, and numbers a `Value` cannot hold survive.
    pub fn find_tag(&mut self, property: &str, declared_by_all: &[&str]) -> Result<Option<Key<'de>>, A::Error> {
        let Some(map) = &mut self.rest else {
            return Ok(None);
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == property {
                let tag = map.next_value::<Option<Key<'de>>>()?;
                let fed = match &tag {
                    Some(tag) => Early::Tag(tag.clone()),
                    None => Early::Json(Value::Null),
                };
                self.tag = Some((key, fed));
                return Ok(tag);
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
            self.early.push(key, fed);
        }
        self.rest = None;
        Ok(None)
    }

    /// Decodes the variant `tag` selected; the error names the union `U`, the tag and the member.
    pub fn decode<T: Deserialize<'de>, U>(&mut self, tag: &str) -> Result<T, A::Error> {
        T::deserialize(&mut *self).map_err(|e| {
            // The name is only worked out for the error.
            let union = short_name::<U>();
            match &self.current {
                Some(key) => de::Error::custom(format_args!("invalid `{tag}` variant of {union} at `{}`: {e}", key.as_str())),
                None => de::Error::custom(format_args!("invalid `{tag}` variant of {union}: {e}")),
            }
        })
    }

    /// Every member, for a variant this client does not know.
    pub fn read_object(&mut self) -> Result<Map<String, Value>, A::Error> {
        Map::deserialize(self)
    }
}

/// The members read before the tag, in order (the usual union has its tag first, or a few
/// shared members before it: `max_output_tokens`, `parallel_tool_calls`), each taken out as it
/// is handed over.
#[derive(Default)]
struct EarlyMembers<'de> {
    members: Few<(Key<'de>, Early<'de>)>,
    next: usize,
}

impl<'de> EarlyMembers<'de> {
    fn push(&mut self, key: Key<'de>, fed: Early<'de>) {
        self.members.push((key, fed));
    }

    fn pop_front(&mut self) -> Option<(Key<'de>, Early<'de>)> {
        if self.next == self.members.len() {
            return None;
        }
        self.next += 1;
        self.members.take(self.next - 1)
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
        if let Some((key, value)) = self.early.pop_front().or_else(|| self.tag.take()) {
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
            // The tag as its variant reads it: text, which a field declaring it optional (not
            // as a constant) reads as `Some`.
            Some(Early::Tag(tag)) => seed.deserialize(TagText(&tag, std::marker::PhantomData)),
            None => match &mut self.rest {
                Some(rest) => rest.next_value_seed(seed),
                None => Err(de::Error::custom("a value was asked for before its key")),
            },
        }
    }
}

/// A tag's value handed to the variant that declares the tag as a field of its own.
struct TagText<'k, 'de, E>(&'k Key<'de>, std::marker::PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for TagText<'_, 'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match &self.0.0 {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_str(text),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
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
