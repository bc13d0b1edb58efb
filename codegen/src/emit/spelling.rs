//! How the generated text writes what the model names: identifiers, type expressions (short
//! where the file imports the names, qualified where it cannot, `models::` from the builders),
//! string literals, notes and indents. The one place each spelling is decided, for the models,
//! the client and the read paths alike.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::*;

/// An identifier for a name from the model. The model's names are identifiers already
/// (`naming` makes them so); this keeps any slip a wrong name in the output, never a panic.
pub fn ident(name: &str) -> Ident {
    Ident::new(&crate::naming::identifier(name), Span::call_site())
}

/// A name the models borrow from std, serde_json or the runtime, and its full path for when a
/// type of the document takes the short one (a schema named `Option` or `Value`).
struct Borrowed {
    short: &'static str,
    full: &'static str,
    /// The `use` that brings the short name in; `None` for the prelude's.
    import: Option<(&'static str, &'static str)>,
    /// How the API listings write it.
    listed: &'static str,
}

const BORROWED: [Borrowed; 9] = [
    Borrowed {
        short: "String",
        full: "::std::string::String",
        import: None,
        listed: "String",
    },
    Borrowed {
        short: "Vec",
        full: "::std::vec::Vec",
        import: None,
        listed: "Vec",
    },
    Borrowed {
        short: "Option",
        full: "::std::option::Option",
        import: None,
        listed: "Option",
    },
    Borrowed {
        short: "Box",
        full: "::std::boxed::Box",
        import: None,
        listed: "Box",
    },
    Borrowed {
        short: "BTreeMap",
        full: "::std::collections::BTreeMap",
        import: Some(("std::collections", "BTreeMap")),
        listed: "BTreeMap",
    },
    Borrowed {
        short: "Map",
        full: "::serde_json::Map",
        import: Some(("serde_json", "Map")),
        listed: "serde_json::Map",
    },
    Borrowed {
        short: "Value",
        full: "::serde_json::Value",
        import: Some(("serde_json", "Value")),
        listed: "serde_json::Value",
    },
    Borrowed {
        short: "Patch",
        full: "crate::Patch",
        import: Some(("crate", "Patch")),
        listed: "Patch",
    },
    Borrowed {
        short: "Timestamp",
        full: "crate::Timestamp",
        import: Some(("crate", "Timestamp")),
        listed: "Timestamp",
    },
];

/// How a file spells types: the one printer of a type expression, for each place that writes
/// one. The models file writes borrowed names short unless a type of the document has the same
/// name, in which case the short name is that type and the borrowed one takes its full path.
pub struct Spelling {
    taken: BTreeSet<String>,
    /// What a type of the document is written behind: nothing in `models` itself.
    models: &'static str,
    paths: Paths,
}

/// Which borrowed names a spelling writes short.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Paths {
    /// Short unless taken; the file imports what the prelude lacks.
    Imported,
    /// Short only for the prelude's names, unless taken; the rest in full.
    Prelude,
    /// As the API listings (`API.md`, `API.json`) have always written them: short, but
    /// `serde_json::Value` and `serde_json::Map` with their crate (and a map's values short).
    Listing,
}

impl Spelling {
    /// For `models.rs`, where the types of the document are at home.
    pub fn new(model: &Model) -> Self {
        Spelling {
            taken: model.types.iter().map(|t| t.name.clone()).collect(),
            models: "",
            paths: Paths::Imported,
        }
    }

    /// For the client's `builders` module, which holds the builders (named in lowering) and
    /// reaches the types of the document as `models::Name`.
    pub fn for_builders<'a>(builders: impl IntoIterator<Item = &'a str>) -> Self {
        Spelling {
            taken: builders.into_iter().map(str::to_owned).collect(),
            models: "models::",
            paths: Paths::Prelude,
        }
    }

    /// For the top of `client.rs`, which holds the groups (named in lowering) and the
    /// runtime's names, and reaches the types of the document as `crate::models::Name`.
    pub fn for_client<'a>(taken: impl IntoIterator<Item = &'a str>) -> Self {
        Spelling {
            taken: taken.into_iter().map(str::to_owned).collect(),
            models: "crate::models::",
            paths: Paths::Prelude,
        }
    }

    /// For the API listings a reviewer and the change report read.
    pub fn listing() -> Self {
        Spelling {
            taken: BTreeSet::new(),
            models: "",
            paths: Paths::Listing,
        }
    }

    fn name(&self, short: &'static str) -> &'static str {
        let Some(b) = BORROWED.iter().find(|b| b.short == short) else {
            return short;
        };
        let full = match self.paths {
            Paths::Imported => self.taken.contains(short),
            Paths::Prelude => self.taken.contains(short) || b.import.is_some(),
            Paths::Listing => return b.listed,
        };
        if full { b.full } else { short }
    }

    /// The imports (path and name) of the borrowed names in `used` that the file writes
    /// short: those not in the prelude, unless a type of the document takes the name.
    pub(super) fn imports(&self, used: &BTreeSet<&str>) -> Vec<(&'static str, &'static str)> {
        BORROWED
            .iter()
            .filter(|b| used.contains(b.short) && !self.taken.contains(b.short))
            .filter_map(|b| b.import)
            .collect()
    }

    /// The type as this spelling writes it.
    pub fn ty(&self, model: &Model, ty: &Ty) -> String {
        match ty {
            Ty::String => self.name("String").to_owned(),
            Ty::Integer => "i64".to_owned(),
            Ty::Unsigned => "u64".to_owned(),
            Ty::Number => "f64".to_owned(),
            Ty::Boolean => "bool".to_owned(),
            Ty::Timestamp => self.name("Timestamp").to_owned(),
            Ty::Json => self.name("Value").to_owned(),
            Ty::JsonObject => format!(
                "{}<{}, {}>",
                self.name("Map"),
                self.name("String"),
                match self.paths {
                    Paths::Listing => "Value",
                    _ => self.name("Value"),
                }
            ),
            Ty::Array(inner) => format!("{}<{}>", self.name("Vec"), self.ty(model, inner)),
            Ty::Map(inner) => format!(
                "{}<{}, {}>",
                self.name("BTreeMap"),
                self.name("String"),
                self.ty(model, inner)
            ),
            Ty::Named(id) => format!("{}{}", self.models, model.get(*id).name),
            Ty::Boxed(inner) => format!("{}<{}>", self.name("Box"), self.ty(model, inner)),
            Ty::Nullable(inner) => format!("{}<{}>", self.name("Option"), self.ty(model, inner)),
        }
    }

    /// A field's type with its presence's wrapper; `None` for a constant, which is no field.
    pub(super) fn field_ty(&self, model: &Model, field: &Field) -> Option<String> {
        let ty = self.ty(model, &field.ty);
        Some(match field.presence {
            Presence::Required => ty,
            Presence::RequiredNullable | Presence::Optional => {
                format!("{}<{ty}>", self.name("Option"))
            }
            Presence::Patch => format!("{}<{ty}>", self.name("Patch")),
            Presence::Const(_) => return None,
        })
    }
}

/// How a field's presence is written in a declaration; constants are not fields. A number
/// field has presences of its own: its `f64` cannot say whether `1` or `1.0` was sent, and
/// they write back what was. So has an integer field, or one of integers in lists or maps:
/// their type cannot hold every integer a server may send.
pub(crate) fn presence_word(model: &Model, field: &Field) -> Option<&'static str> {
    let ty = model.unaliased(&field.ty);
    let numbers = match ty {
        Ty::Number => Numbers::One,
        Ty::Integer | Ty::Unsigned => Numbers::Integer,
        ref ty if holds_numbers(ty) => Numbers::Within,
        _ => Numbers::None,
    };
    match (&field.presence, numbers) {
        (Presence::Required, Numbers::None) => Some("required"),
        (Presence::Required, Numbers::One) => Some("required_number"),
        (Presence::Required, Numbers::Within) => Some("required_numbers"),
        (Presence::Required, Numbers::Integer) => Some("required_integer"),
        (Presence::RequiredNullable, Numbers::None) => Some("nullable"),
        (Presence::RequiredNullable, Numbers::One) => Some("nullable_number"),
        (Presence::RequiredNullable, Numbers::Within) => Some("nullable_numbers"),
        (Presence::RequiredNullable, Numbers::Integer) => Some("nullable_integer"),
        (Presence::Optional, Numbers::None) => Some("optional"),
        (Presence::Optional, Numbers::One) => Some("optional_number"),
        (Presence::Optional, Numbers::Within) => Some("optional_numbers"),
        (Presence::Optional, Numbers::Integer) => Some("optional_integer"),
        (Presence::Patch, _) => Some("patch"),
        (Presence::Const(_), _) => None,
    }
}

/// Where a field's numbers stand, which decides whether its presence remembers the forms they
/// were sent in (`1` or `1.0`, an integer past its type's range).
enum Numbers {
    None,
    /// The field is an `f64`.
    One,
    /// In its lists or maps, integers included.
    Within,
    /// The field is an `i64` or `u64`.
    Integer,
}

/// Whether an (unaliased) type holds numbers (`f64`, `i64`, `u64`) in lists or maps of its
/// own: a named model's numbers are its fields', which remember their own forms.
fn holds_numbers(ty: &Ty) -> bool {
    match ty {
        Ty::Number | Ty::Integer | Ty::Unsigned => true,
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) | Ty::Boxed(inner) => {
            holds_numbers(inner)
        }
        _ => false,
    }
}

pub(crate) fn string_literal(text: &str) -> String {
    Literal::string(text).to_string()
}

pub(crate) fn value_note(label: &str, value: &Option<Value>) -> Option<String> {
    value
        .as_ref()
        .map(|v| format!("{label}: `{}`", compact_json(v)))
}

fn compact_json(v: &Value) -> String {
    let text = v.to_string();
    let text = text.replace('`', "'");
    if text.len() > 120 {
        format!(
            "{}…",
            &text[..text.char_indices().nth(117).map_or(text.len(), |(i, _)| i)]
        )
    } else {
        text
    }
}

/// Where the type comes from, as a URI fragment: a JSON pointer with the characters a fragment
/// may not hold percent-encoded, so a reviewer can go from the type to the schema in one step.
pub(crate) fn origin_note(origin: &str) -> String {
    let mut fragment = String::with_capacity(origin.len());
    for c in origin.chars() {
        if c.is_ascii_alphanumeric() || "#/~-._!$&'()*+,;=:@".contains(c) {
            fragment.push(c);
        } else {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(fragment, "%{byte:02X}");
            }
        }
    }
    format!("Schema: `{fragment}`")
}

/// Indent of a declaration's header lines.
pub(crate) const INDENT: &str = "    ";
/// Indent of a declaration's field, value and variant lines.
pub(crate) const MEMBER_INDENT: &str = "        ";

/// Parses tokens as a file and pretty-prints them.
pub(super) fn format_items(tokens: TokenStream, what: &str) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::internal("#", format!("the {what} did not form valid Rust ({e})"))
            .hint("this is a generator bug; please report it with the input document")
    })?;
    Ok(prettyplease::unparse(&file))
}
