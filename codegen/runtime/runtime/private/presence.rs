//! What each presence does to a field, named by the presence in an `object!` expansion
//! (`optional::write`; `models.rs` imports the modules it uses): written, read into its slot,
//! taken from the slot. Plain generic functions, inlined into the impls, so a field costs no
//! macro expansion and its paths are short to resolve.

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
