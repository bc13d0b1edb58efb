//! Prints the model types: structs, open enums and open unions, with their serde impls.
//!
//! The serde impls are generated rather than derived: they keep unknown properties in an
//! `extra` map without `#[serde(flatten)]`'s buffering, check `const` properties, and dispatch
//! unions on their tag instead of trying variants.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::docs::{doc_attrs, doc_paragraphs};
use crate::model::*;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
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

fn field_ty(model: &Model, field: &Field) -> TokenStream {
    let ty = ty_tokens(model, &field.ty);
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(::std::option::Option<#ty>),
        Presence::Patch => quote!(crate::Patch<#ty>),
        Presence::Const(_) => TokenStream::new(),
    }
}

fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}

fn value_note(label: &str, value: &Option<Value>) -> Option<String> {
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
fn with_article(name: &str) -> String {
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
            TypeKind::Struct(s) => emit_struct(model, def, s),
            TypeKind::Enum(e) => emit_enum(def, e),
            TypeKind::Union(u) => emit_union(model, def, u),
            TypeKind::Alias(ty) => {
                let name = ident(&def.name);
                let docs = doc_attrs(def.doc.as_deref());
                let ty = ty_tokens(model, ty);
                quote! { #docs pub type #name = #ty; }
            }
        }
    });
    quote! { #(#items)* }
}

fn emit_struct(model: &Model, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = deprecated_attr(def.deprecated);
    let extra = ident(&s.extra_name);
    let data_fields: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| !matches!(f.presence, Presence::Const(_)))
        .collect();
    let consts: Vec<(&Field, &Constant)> = s
        .fields
        .iter()
        .filter_map(|f| match &f.presence {
            Presence::Const(constant) => Some((f, constant)),
            _ => None,
        })
        .collect();
    let defaultable = data_fields.iter().all(|f| f.presence != Presence::Required);
    let derive_default = if defaultable {
        quote!(Default,)
    } else {
        TokenStream::new()
    };

    let field_defs = data_fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_ty(model, f);
        let mut notes = vec![f.doc.clone()];
        if f.presence == Presence::Patch {
            notes.push(Some("Leave as `Patch::Unchanged` to keep the current value, `Patch::Clear` to send `null`.".into()));
        }
        notes.push(value_note("Server default", &f.default));
        let docs = doc_paragraphs(&notes);
        let deprecated = deprecated_attr(f.deprecated);
        quote! { #docs #deprecated pub #fname: #ty, }
    });

    let const_items = consts.iter().map(|(f, constant)| {
        let cname = ident(&constant.name);
        let docs = doc_paragraphs(&[
            Some(format!(
                "The fixed value of the `{}` property, written on every encode.",
                f.wire
            )),
            f.doc.clone(),
        ]);
        match &constant.value {
            ConstValue::String(v) => quote! { #docs pub const #cname: &'static str = #v; },
            ConstValue::Boolean(v) => quote! { #docs pub const #cname: bool = #v; },
            ConstValue::Integer(v) => {
                let lit = Literal::i64_unsuffixed(*v);
                quote! { #docs pub const #cname: i64 = #lit; }
            }
        }
    });

    let required: Vec<&&Field> = data_fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    let constructor = if required.is_empty() {
        TokenStream::new()
    } else {
        let args = required.iter().map(|f| {
            let fname = ident(&f.name);
            let ty = field_ty(model, f);
            quote!(#fname: #ty)
        });
        let inits = data_fields.iter().map(|f| {
            let fname = ident(&f.name);
            match &f.presence {
                Presence::Required => quote!(#fname,),
                _ => quote!(#fname: ::std::default::Default::default(),),
            }
        });
        quote! {
            /// Builds a value from its required properties; the others start unset.
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits)* #extra: ::serde_json::Map::new() }
            }
        }
    };

    let serialize_entries = s.fields.iter().map(|f| {
        let wire = &f.wire;
        let fname = ident(&f.name);
        match &f.presence {
            Presence::Required | Presence::RequiredNullable => quote! { map.serialize_entry(#wire, &self.#fname)?; },
            Presence::Optional => quote! {
                if let ::std::option::Option::Some(value) = &self.#fname { map.serialize_entry(#wire, value)?; }
            },
            Presence::Patch => quote! {
                if !self.#fname.is_unchanged() { map.serialize_entry(#wire, &self.#fname)?; }
            },
            Presence::Const(constant) => {
                let cname = ident(&constant.name);
                quote! { map.serialize_entry(#wire, &Self::#cname)?; }
            }
        }
    });

    // Locals are prefixed so that no property name (`map`, `key`, `value`…) can shadow them.
    let slot = |f: &Field| format_ident!("field_{}", f.name);
    // The locals' types are inferred from the struct they build: spelled out, they would double
    // the size of every visitor for the compiler and the printer.
    let slots = data_fields.iter().map(|f| {
        let local = slot(f);
        match &f.presence {
            Presence::Required | Presence::RequiredNullable | Presence::Optional => {
                quote! { let mut #local = ::std::option::Option::None; }
            }
            _ => quote! { let mut #local = ::std::default::Default::default(); },
        }
    });
    let arms = s.fields.iter().map(|f| {
        let wire = &f.wire;
        let local = slot(f);
        match &f.presence {
            Presence::Required => {
                quote! { #wire => #local = ::std::option::Option::Some(__map.next_value()?), }
            }
            Presence::Const(constant) => {
                let cname = ident(&constant.name);
                quote! { #wire => crate::__private::check_const(__map.next_value()?, #name::#cname, #wire)?, }
            }
            _ => quote! { #wire => #local = __map.next_value()?, },
        }
    });
    let builds = data_fields.iter().map(|f| {
        let fname = ident(&f.name);
        let local = slot(f);
        let wire = &f.wire;
        match &f.presence {
            Presence::Required => quote! {
                #fname: #local.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field(#wire))?,
            },
            _ => quote! { #fname: #local, },
        }
    });
    let expecting = format!("{} object", with_article(&def.name));
    let uses_map_in_serialize = quote!(
        use ::serde::ser::SerializeMap as _;
    );

    quote! {
        #docs
        #deprecated
        #[derive(Clone, Debug, PartialEq, #derive_default)]
        pub struct #name {
            #(#field_defs)*
            /// Properties the schema does not declare, kept as sent so that re-encoding loses nothing.
            pub #extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }

        impl #name {
            #(#const_items)*
            #constructor
        }

        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                #uses_map_in_serialize
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#serialize_entries)*
                for (key, value) in &self.#extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut __map: __A) -> ::std::result::Result<#name, __A::Error> {
                        #(#slots)*
                        let mut __extra = ::serde_json::Map::new();
                        while let ::std::option::Option::Some(__key) = __map.next_key::<crate::__private::Key<'de>>()? {
                            match __key.as_str() {
                                #(#arms)*
                                _ => { __extra.insert(__key.into_string(), __map.next_value()?); }
                            }
                        }
                        ::std::result::Result::Ok(#name { #(#builds)* #extra: __extra })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
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

fn emit_union(model: &Model, def: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&def.name);
    let name_str = def.name.as_str();
    let deprecated = deprecated_attr(def.deprecated);
    let unknown = ident(&u.unknown_name);
    let variants = u.variants();
    let dispatch_note = match &u.kind {
        UnionKind::Tagged(t) if t.source == TagSource::Discriminator => format!(
            "Decoding dispatches on the `{}` property. A payload with a value this client does not know \
             decodes into `{name_str}::{}`, kept whole; a payload without the property is an error.",
            t.property, u.unknown_name
        ),
        UnionKind::Tagged(t) => format!(
            "Decoding dispatches on the `{}` property, which each variant fixes. A payload without it \
             is matched against the variants in order; one with an unknown value, or that matches none, \
             decodes into `{name_str}::{}`, kept whole.",
            t.property, u.unknown_name
        ),
        UnionKind::Untagged(_) => format!(
            "The schema names no tag, so decoding takes the first variant that accepts the payload; a \
             payload no variant accepts decodes into `{name_str}::{}`, kept whole.",
            u.unknown_name
        ),
    };
    let docs = doc_paragraphs(&[def.doc.clone(), Some(dispatch_note)]);
    let (unknown_ty, unknown_doc) = match &u.kind {
        UnionKind::Tagged(_) => (
            quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
            " A variant this client does not know (from a newer server, say), kept exactly as sent.",
        ),
        UnionKind::Untagged(_) => (
            quote!(::serde_json::Value),
            " A shape this client does not know (from a newer server, say), kept exactly as sent.",
        ),
    };
    let variant_defs = match &u.kind {
        UnionKind::Tagged(t) => t
            .variants
            .iter()
            .map(|tv| {
                let tag_note = format!("`{}: \"{}\"`", t.property, tv.value);
                variant_def(model, &tv.variant, Some(tag_note))
            })
            .collect::<Vec<_>>(),
        UnionKind::Untagged(variants) => variants
            .iter()
            .map(|v| variant_def(model, v, None))
            .collect(),
    };

    // `From` for each variant type that appears once.
    let froms = variants
        .iter()
        .filter(|v| variants.iter().filter(|w| w.ty == v.ty).count() == 1)
        .map(|v| {
            let vname = ident(&v.name);
            let ty = ty_tokens(model, &v.ty);
            quote! {
                impl ::std::convert::From<#ty> for #name {
                    fn from(value: #ty) -> Self { Self::#vname(value) }
                }
            }
        });

    let (serialize_arms, deserialize_body, tag_method) = match &u.kind {
        UnionKind::Tagged(t) => tagged_union_impls(def, u, t),
        UnionKind::Untagged(variants) => {
            let serialize_arms = variants
                .iter()
                .map(|v| {
                    let vname = ident(&v.name);
                    quote! { Self::#vname(value) => ::serde::Serialize::serialize(value, serializer), }
                })
                .collect();
            let tries = variants.iter().map(|v| {
                let vname = ident(&v.name);
                quote! {
                    if let ::std::option::Option::Some(value) = crate::__private::try_variant_value(&value) {
                        return ::std::result::Result::Ok(Self::#vname(value));
                    }
                }
            });
            let body = quote! {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#tries)*
                ::std::result::Result::Ok(Self::#unknown(value))
            };
            (serialize_arms, body, TokenStream::new())
        }
    };

    quote! {
        #docs
        #deprecated
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variant_defs)*
            #[doc = #unknown_doc]
            #unknown(#unknown_ty),
        }

        #tag_method

        #(#froms)*

        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::#unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                #deserialize_body
            }
        }
    }
}

fn variant_def(model: &Model, v: &Variant, tag_note: Option<String>) -> TokenStream {
    let vname = ident(&v.name);
    let ty = ty_tokens(model, &v.ty);
    let docs = doc_paragraphs(&[tag_note, v.doc.clone()]);
    quote! { #docs #vname(#ty), }
}

/// A tagged union's serialize arms, its deserialize body (one pass: find the tag, then decode
/// the chosen variant) and the method that reads its tag.
fn tagged_union_impls(
    def: &TypeDef,
    u: &Union,
    t: &Tagged,
) -> (Vec<TokenStream>, TokenStream, TokenStream) {
    let name = ident(&def.name);
    let name_str = def.name.as_str();
    let unknown = ident(&u.unknown_name);
    let property = &t.property;
    let serialize_arms = t
        .variants
        .iter()
        .map(|tv| {
            let vname = ident(&tv.variant.name);
            let tag = &tv.value;
            if tv.writes_tag {
                quote! { Self::#vname(value) => ::serde::Serialize::serialize(value, serializer), }
            } else {
                quote! { Self::#vname(value) => crate::__private::serialize_with_tag(value, #property, #tag, serializer), }
            }
        })
        .collect();
    let tagged_arms = t.variants.iter().map(|tv| {
        let vname = ident(&tv.variant.name);
        let tag = &tv.value;
        quote! {
            ::std::option::Option::Some(#tag) => members.decode(#name_str, #tag).map(#name::#vname),
        }
    });
    let tags: Vec<&str> = t.variants.iter().map(|tv| tv.value.as_str()).collect();
    let expected = tags.join(", ");
    let missing = match t.source {
        TagSource::Discriminator => quote! {
            ::std::option::Option::None => ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::custom(
                ::std::format_args!("{} needs the `{}` property, one of: {}", #name_str, #property, #expected)
            )),
        },
        TagSource::Constants => {
            let tries = t.variants.iter().map(|tv| {
                let vname = ident(&tv.variant.name);
                quote! {
                    if let ::std::option::Option::Some(value) = crate::__private::try_variant_object(&object) {
                        return ::std::result::Result::Ok(#name::#vname(value));
                    }
                }
            });
            quote! {
                ::std::option::Option::None => {
                    let object = members.into_object()?;
                    #(#tries)*
                    ::std::result::Result::Ok(#name::#unknown(object))
                }
            }
        }
    };
    let tag_arms = t.variants.iter().map(|tv| {
        let vname = ident(&tv.variant.name);
        let tag = &tv.value;
        quote! { Self::#vname(_) => ::std::option::Option::Some(#tag), }
    });
    let method = ident(&t.accessor);
    let method_doc = format!(
        " The `{property}` value of this variant, or of the unknown payload when it has one."
    );
    let tag_method = quote! {
        impl #name {
            #[doc = #method_doc]
            pub fn #method(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#tag_arms)*
                    Self::#unknown(object) => object.get(#property).and_then(::serde_json::Value::as_str),
                }
            }
        }
    };
    let expecting = format!("{} object", with_article(name_str));
    let body = quote! {
        struct __Visitor;
        impl<'de> ::serde::de::Visitor<'de> for __Visitor {
            type Value = #name;
            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(#expecting)
            }
            fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, __map: __A) -> ::std::result::Result<#name, __A::Error> {
                let (tag, members) = crate::__private::find_tag(__map, #property)?;
                match tag.as_ref().map(crate::__private::Key::as_str) {
                    #(#tagged_arms)*
                    ::std::option::Option::Some(_) => members.into_object().map(#name::#unknown),
                    #missing
                }
            }
        }
        deserializer.deserialize_map(__Visitor)
    };
    (serialize_arms, body, tag_method)
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
