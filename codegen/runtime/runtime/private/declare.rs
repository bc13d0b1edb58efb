//! The macros `models.rs` declares its types with. Each expands to what a hand-specialised
//! serde impl would be (no `#[serde(flatten)]` buffering, no trying of variants where a tag
//! decides), so that a declaration states each field once and the machinery lives here.
//!
//! Every path in an expansion is absolute (`::core::…`, `$crate::…`): a schema may name a type
//! `Option` or `Value`, and the expansion lands in the module that holds it. Locals are safe
//! from property names by hygiene; the generic parameters and the visitor type, which are not,
//! start with `__`, which no type name does. The work per field is done by functions
//! (`presence`), the docs are written by the generator, and attributes are matched as token
//! trees, so that a declaration costs the compiler few expansions: a rebuild of the crate is
//! as quick as when the impls were written out.

mod objects;
mod read_paths;
mod string_enums;
mod unions;

pub(crate) use objects::{definition, object, unset_unless_required};
pub(crate) use read_paths::{str_into, text};
pub(crate) use string_enums::string_enum;
pub(crate) use unions::{as_variants, union, variant};
