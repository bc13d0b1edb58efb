//! Prints the model types: structs, open enums and open unions, with their serde impls.
//!
//! The serde impls are generated rather than derived: they keep unknown properties in an
//! `extra` map without `#[serde(flatten)]`'s buffering, check `const` properties, and dispatch
//! unions on their tag instead of trying variants.

use std::collections::BTreeMap;

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
        Presence::Const => TokenStream::new(),
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
        .filter(|f| f.presence != Presence::Const)
        .collect();
    let consts: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Const)
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

    let const_items = consts.iter().map(|f| {
        let cname = format_ident!(
            "{}",
            heck::ToShoutySnakeCase::to_shouty_snake_case(f.name.trim_end_matches('_'))
        );
        let value = f.constant.clone().unwrap_or(Value::Null);
        let docs = doc_paragraphs(&[
            Some(format!(
                "The fixed value of the `{}` property, written on every encode.",
                f.wire
            )),
            f.doc.clone(),
        ]);
        match &value {
            Value::String(v) => quote! { #docs pub const #cname: &'static str = #v; },
            Value::Bool(v) => quote! { #docs pub const #cname: bool = #v; },
            Value::Number(n) => {
                let lit = Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
                quote! { #docs pub const #cname: i64 = #lit; }
            }
            _ => TokenStream::new(),
        }
    });
    let const_refs: BTreeMap<&str, Ident> = consts
        .iter()
        .map(|f| {
            (
                f.wire.as_str(),
                format_ident!(
                    "{}",
                    heck::ToShoutySnakeCase::to_shouty_snake_case(f.name.trim_end_matches('_'))
                ),
            )
        })
        .collect();

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
            match f.presence {
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
        match f.presence {
            Presence::Required | Presence::RequiredNullable => quote! { map.serialize_entry(#wire, &self.#fname)?; },
            Presence::Optional => quote! {
                if let ::std::option::Option::Some(value) = &self.#fname { map.serialize_entry(#wire, value)?; }
            },
            Presence::Patch => quote! {
                if !self.#fname.is_unchanged() { map.serialize_entry(#wire, &self.#fname)?; }
            },
            Presence::Const => {
                let cname = &const_refs[wire.as_str()];
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
        match f.presence {
            Presence::Required | Presence::RequiredNullable | Presence::Optional => {
                quote! { let mut #local = ::std::option::Option::None; }
            }
            _ => quote! { let mut #local = ::std::default::Default::default(); },
        }
    });
    let arms = s.fields.iter().map(|f| {
        let wire = &f.wire;
        let local = slot(f);
        match f.presence {
            Presence::Required => {
                quote! { #wire => #local = ::std::option::Option::Some(__map.next_value()?), }
            }
            Presence::Const => {
                let cname = &const_refs[wire.as_str()];
                quote! { #wire => crate::__private::check_const(__map.next_value()?, #name::#cname, #wire)?, }
            }
            _ => quote! { #wire => #local = __map.next_value()?, },
        }
    });
    let builds = data_fields.iter().map(|f| {
        let fname = ident(&f.name);
        let local = slot(f);
        let wire = &f.wire;
        match f.presence {
            Presence::Required => quote! {
                #fname: #local.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field(#wire))?,
            },
            _ => quote! { #fname: #local, },
        }
    });
    let expecting = format!("a {} object", def.name);
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
    let expecting = format!("a {} string", def.name);
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
    let dispatch_note = match &u.discriminator {
        Some(d) if d.explicit => format!(
            "Decoding dispatches on the `{}` property. A payload with a value this client does not know \
             decodes into `{name_str}::{}`, kept whole; a payload without the property is an error.",
            d.property, u.unknown_name
        ),
        Some(d) => format!(
            "Decoding dispatches on the `{}` property, which each variant fixes. A payload without it \
             is matched against the variants in order; one with an unknown value, or that matches none, \
             decodes into `{name_str}::{}`, kept whole.",
            d.property, u.unknown_name
        ),
        None => format!(
            "The schema names no tag, so decoding takes the first variant that accepts the payload; a \
             payload no variant accepts decodes into `{name_str}::{}`, kept whole.",
            u.unknown_name
        ),
    };
    let docs = doc_paragraphs(&[def.doc.clone(), Some(dispatch_note)]);
    let unknown_ty = if u.discriminator.is_some() {
        quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>)
    } else {
        quote!(::serde_json::Value)
    };
    let variant_defs = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let ty = ty_tokens(model, &v.ty);
        let tag_note = match (&u.discriminator, &v.tag) {
            (Some(d), Some(tag)) => Some(format!("`{}: \"{}\"`", d.property, tag)),
            _ => None,
        };
        let docs = doc_paragraphs(&[tag_note, v.doc.clone()]);
        quote! { #docs #vname(#ty), }
    });
    let unknown_doc = format!(
        " A {} this client does not know (from a newer server, say), kept exactly as sent.",
        if u.discriminator.is_some() {
            "variant"
        } else {
            "shape"
        }
    );

    // `From` for each variant type that appears once.
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in &u.variants {
        *counts
            .entry(ty_tokens(model, &v.ty).to_string())
            .or_default() += 1;
    }
    let froms = u
        .variants
        .iter()
        .filter(|v| counts[&ty_tokens(model, &v.ty).to_string()] == 1)
        .map(|v| {
            let vname = ident(&v.name);
            let ty = ty_tokens(model, &v.ty);
            quote! {
                impl ::std::convert::From<#ty> for #name {
                    fn from(value: #ty) -> Self { Self::#vname(value) }
                }
            }
        });

    let serialize_arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        match (&u.discriminator, &v.tag, v.writes_tag) {
            (Some(d), Some(tag), false) => {
                let property = &d.property;
                quote! { Self::#vname(value) => crate::__private::serialize_with_tag(value, #property, #tag, serializer), }
            }
            _ => quote! { Self::#vname(value) => ::serde::Serialize::serialize(value, serializer), },
        }
    });

    let (deserialize_body, tag_method) = match &u.discriminator {
        Some(d) => {
            let property = &d.property;
            let tagged_arms = u.variants.iter().filter_map(|v| {
                let vname = ident(&v.name);
                let tag = v.tag.as_ref()?;
                Some(quote! {
                    ::std::option::Option::Some(#tag) => members.decode(#name_str, #tag).map(#name::#vname),
                })
            });
            let tags: Vec<&str> = u.variants.iter().filter_map(|v| v.tag.as_deref()).collect();
            let expected = tags.join(", ");
            let missing = if d.explicit {
                quote! {
                    ::std::option::Option::None => ::std::result::Result::Err(<__A::Error as ::serde::de::Error>::custom(
                        ::std::format_args!("{} needs the `{}` property, one of: {}", #name_str, #property, #expected)
                    )),
                }
            } else {
                let tries = u.variants.iter().map(|v| {
                    let vname = ident(&v.name);
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
            };
            let tag_arms = u.variants.iter().filter_map(|v| {
                let vname = ident(&v.name);
                let tag = v.tag.as_ref()?;
                Some(quote! { Self::#vname(_) => ::std::option::Option::Some(#tag), })
            });
            let method = format_ident!("{}", crate::naming::field_name(property));
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
            let expecting = format!("a {name_str} object");
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
            (body, tag_method)
        }
        None => {
            let tries = u.variants.iter().map(|v| {
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
            (body, TokenStream::new())
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
