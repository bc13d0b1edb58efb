//! Prints a struct and its serde impls. They are generated rather than derived: they keep
//! unknown properties in the `extra` map without `#[serde(flatten)]`'s buffering, and write
//! and check `const` properties, which have no field.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc_attrs, doc_paragraphs};
use super::models::{deprecated_attr, field_ty, ident, value_note, with_article};
use crate::model::*;

/// The struct, its associated constants and constructor, and its serde impls.
pub fn emit_struct(model: &Model, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = deprecated_attr(def.deprecated);
    let extra = ident(&s.extra_name);
    let data_fields: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| !matches!(f.presence, Presence::Const(_)))
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
    let const_items = s.fields.iter().filter_map(constant_item);
    let constructor = constructor(model, &name, &extra, &data_fields);
    let serialize = serialize_impl(&name, &extra, s);
    let deserialize = deserialize_impl(def, &name, &extra, s, &data_fields);
    quote! {
        #docs
        #deprecated
        #[derive(Clone, Debug, PartialEq, #derive_default)]
        pub struct #name {
            #(#field_defs)*
            /// Properties the schema does not declare, kept as sent so that re-encoding loses nothing.
            pub #extra: crate::Extra,
        }

        impl #name {
            #(#const_items)*
            #constructor
        }

        #serialize
        #deserialize
    }
}

/// The associated constant of a `const` property.
fn constant_item(f: &Field) -> Option<TokenStream> {
    let Presence::Const(constant) = &f.presence else {
        return None;
    };
    let cname = ident(&constant.name);
    let docs = doc_paragraphs(&[
        Some(format!(
            "The fixed value of the `{}` property, written on every encode.",
            f.wire
        )),
        f.doc.clone(),
    ]);
    Some(match &constant.value {
        ConstValue::String(v) => quote! { #docs pub const #cname: &'static str = #v; },
        ConstValue::Boolean(v) => quote! { #docs pub const #cname: bool = #v; },
        ConstValue::Integer(v) => {
            let lit = Literal::i64_unsuffixed(*v);
            quote! { #docs pub const #cname: i64 = #lit; }
        }
    })
}

/// `new` from the required fields, when there are any (otherwise `Default` serves).
fn constructor(model: &Model, name: &Ident, extra: &Ident, data_fields: &[&Field]) -> TokenStream {
    let required: Vec<&&Field> = data_fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    if required.is_empty() {
        return TokenStream::new();
    }
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
            #name { #(#inits)* #extra: crate::Extra::new() }
        }
    }
}

/// Writes the properties in schema order, each as its presence says, then the `extra` ones.
fn serialize_impl(name: &Ident, extra: &Ident, s: &Struct) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
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
    let uses_map_in_serialize = quote!(
        use ::serde::ser::SerializeMap as _;
    );
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                #uses_map_in_serialize
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#entries)*
                for (key, value) in crate::__private::extra_entries(&self.#extra) {
                    map.serialize_entry(key, &value)?;
                }
                map.end()
            }
        }
    }
}

/// A visitor that reads the properties in any order into locals, checks the constants, keeps
/// the rest in `extra`, and fails on a missing required property.
fn deserialize_impl(
    def: &TypeDef,
    name: &Ident,
    extra: &Ident,
    s: &Struct,
    data_fields: &[&Field],
) -> TokenStream {
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
    // A struct whose schema names no property (an `allOf` of free objects) keeps every member
    // without a one-arm match (clippy's match_single_binding).
    let keep_member = quote!(crate::__private::keep_extra(
        &mut __extra,
        __key.into_string(),
        __map.next_value()?
    ));
    let read_member = if s.fields.is_empty() {
        quote!(#keep_member;)
    } else {
        quote! {
            match __key.as_str() {
                #(#arms)*
                _ => #keep_member,
            }
        }
    };
    let expecting = format!("{} object", with_article(&def.name));
    quote! {
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
                        let mut __extra = crate::Extra::new();
                        while let ::std::option::Option::Some(__key) = __map.next_key::<crate::__private::Key<'de>>()? {
                            #read_member
                        }
                        ::std::result::Result::Ok(#name { #(#builds)* #extra: __extra })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
