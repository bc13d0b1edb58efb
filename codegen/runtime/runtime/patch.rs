//! `Patch`: the three states of a PATCH body's property (left out, `null`, a value).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
