//! Prints the model's types in order: structs (`structs`), open string enums (here) and open
//! unions (`unions`), each with serde impls of its own, and the helpers they share (Rust type
//! expressions, notes, articles).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::docs::doc_attrs;
use super::{structs, unions};
use crate::model::*;

/// An identifier for a name from the model. The model's names are identifiers already
/// (`naming` makes them so); this keeps any slip a wrong name in the output, never a panic.
pub fn ident(name: &str) -> Ident {
    Ident::new(&crate::naming::identifier(name), Span::call_site())
}

/// The Rust type expression for `ty`, with fully qualified paths.
pub fn ty_tokens(model: &Model, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(::std::string::String),
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Timestamp => quote!(crate::Timestamp),
        Ty::Json => quote!(::serde_json::Value),
        Ty::JsonObject => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        Ty::Array(inner) => {
            let inner = ty_tokens(model, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(model, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Named(id) => {
            let name = ident(&model.get(*id).name);
            quote!(crate::models::#name)
        }
        Ty::Boxed(inner) => {
            let inner = ty_tokens(model, inner);
            quote!(::std::boxed::Box<#inner>)
        }
    }
}

pub(super) fn field_ty(model: &Model, field: &Field) -> TokenStream {
    let ty = ty_tokens(model, &field.ty);
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(::std::option::Option<#ty>),
        Presence::Patch => quote!(crate::Patch<#ty>),
        Presence::Const(_) => TokenStream::new(),
    }
}

pub(super) fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}

pub(super) fn value_note(label: &str, value: &Option<Value>) -> Option<String> {
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

/// A type name with its indefinite article, as the name is read aloud: `an OpenAIModelSettings`,
/// `an LLMConfig` (an initialism is read letter by letter), `a UserMessage`.
pub(super) fn with_article(name: &str) -> String {
    let lower: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    let is_vowel = |c: Option<&char>| c.is_some_and(|c| "aeiou".contains(*c));
    let initialism = name.chars().take(2).all(|c| c.is_ascii_uppercase()) && lower.len() > 1;
    let vowel_sound = match lower.first() {
        // A letter's name: "an S…", "a U…".
        Some(&first) if initialism => "aefhilmnorsx".contains(first),
        Some('a' | 'i') => true,
        // "a Euro…".
        Some('e') => lower.get(1) != Some(&'u'),
        // "a One…".
        Some('o') => !lower[1..].starts_with(&['n', 'e']),
        // "a Url…", "a User…", "a Union…", but "an Update…", "an Unknown…".
        Some('u') => {
            let reads_you = matches!(lower.get(1), Some('r'))
                || (!is_vowel(lower.get(1)) && is_vowel(lower.get(2)));
            !reads_you
        }
        _ => false,
    };
    let article = if vowel_sound { "an" } else { "a" };
    format!("{article} {name}")
}

/// Emits the given types, in the given order (`model.order` for all of them).
pub fn emit_types(model: &Model, ids: &[TypeId]) -> TokenStream {
    let items = ids.iter().map(|id| {
        let def = model.get(*id);
        match &def.kind {
            TypeKind::Struct(s) => structs::emit_struct(model, def, s),
            TypeKind::Enum(e) => emit_enum(def, e),
            TypeKind::Union(u) => unions::emit_union(model, def, u),
            TypeKind::Alias(ty) => {
                let name = ident(&def.name);
                let docs = doc_attrs(def.doc.as_deref());
                let ty = ty_tokens(model, ty);
                quote! { #docs pub type #name = #ty; }
            }
        }
    });
    // Read paths and conversions derived from each type's shape, in impls of their own.
    let accessors = ids.iter().map(|id| super::accessors::emit(model, *id));
    let items = items
        .zip(accessors)
        .map(|(item, extra)| quote! { #item #extra });
    quote! { #(#items)* }
}

fn emit_enum(def: &TypeDef, e: &StringEnum) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = deprecated_attr(def.deprecated);
    let unknown = ident(&e.unknown_name);
    let default_wire = e
        .default
        .as_deref()
        .filter(|d| e.values.iter().any(|v| v.wire == *d));
    let variants = e.values.iter().map(|v| {
        let vname = ident(&v.name);
        let doc = format!(" `{}`", v.wire.replace('`', "'"));
        let default = if Some(v.wire.as_str()) == default_wire {
            quote!(#[default])
        } else {
            TokenStream::new()
        };
        quote! { #[doc = #doc] #default #vname, }
    });
    let to_str = e.values.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { Self::#vname => #wire, }
    });
    let from_str = e.values.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { #wire => Self::#vname, }
    });
    let expecting = format!("{} string", with_article(&def.name));
    let derive_default = if default_wire.is_some() {
        quote!(Default)
    } else {
        TokenStream::new()
    };
    quote! {
        #docs
        #deprecated
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, #derive_default)]
        pub enum #name {
            #(#variants)*
            /// A value this client does not know yet, kept as sent.
            #unknown(::std::string::String),
        }

        impl #name {
            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                crate::__private::deserialize_open_enum(deserializer, #expecting)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_article;

    #[test]
    fn articles_follow_the_sound() {
        for (name, expected) in [
            ("AnthropicModelSettings", "an AnthropicModelSettings"),
            ("OpenAIModelSettings", "an OpenAIModelSettings"),
            ("EventMessage", "an EventMessage"),
            ("ImageContent", "an ImageContent"),
            ("LLMConfig", "an LLMConfig"),
            ("HTTPValidationError", "an HTTPValidationError"),
            ("SGLangModelSettings", "an SGLangModelSettings"),
            ("XAIModelSettings", "an XAIModelSettings"),
            ("UpdateAgent", "an UpdateAgent"),
            ("UserMessage", "a UserMessage"),
            ("UsageStatistics", "a UsageStatistics"),
            ("UrlImage", "a UrlImage"),
            ("UUIDList", "a UUIDList"),
            ("Conversation", "a Conversation"),
            ("LettaPing", "a LettaPing"),
            ("V2fa", "a V2fa"),
            ("A", "an A"),
        ] {
            assert_eq!(with_article(name), expected);
        }
    }
}
