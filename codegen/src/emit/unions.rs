//! Prints an open union and its serde impls: a tagged one decodes in one pass (members before
//! the tag are kept, the chosen variant reads them and then the rest of the input), an
//! untagged one takes the first variant that accepts the value; both keep what they do not
//! know in the `Unknown` arm.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_paragraphs;
use super::models::{deprecated_attr, ident, ty_tokens, with_article};
use crate::model::*;

pub fn emit_union(model: &Model, def: &TypeDef, u: &Union) -> TokenStream {
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

    // `From` for each variant type that appears once, aliases seen through: `From<Id>` and
    // `From<String>` are one impl when `type Id = String`.
    let one_type = |a: &Ty, b: &Ty| model.unaliased(a) == model.unaliased(b);
    let froms = variants
        .iter()
        .filter(|v| variants.iter().filter(|w| one_type(&w.ty, &v.ty)).count() == 1)
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
        UnionKind::Tagged(t) => tagged_union_impls(model, def, u, t),
        UnionKind::Untagged(variants) => untagged_union_impls(u, variants),
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
    model: &Model,
    def: &TypeDef,
    u: &Union,
    t: &Tagged,
) -> (Vec<TokenStream>, TokenStream, TokenStream) {
    let name = ident(&def.name);
    let name_str = def.name.as_str();
    let unknown = ident(&u.unknown_name);
    let property = &t.property;
    let declared_by_all = declared_by_every_variant(model, t);
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
                let (tag, members) = crate::__private::find_tag(__map, #property, &[#(#declared_by_all),*])?;
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

/// An untagged union's serialize arms, its deserialize body (each variant tried in order on
/// the decoded value) and no tag method.
fn untagged_union_impls(
    u: &Union,
    variants: &[Variant],
) -> (Vec<TokenStream>, TokenStream, TokenStream) {
    let unknown = ident(&u.unknown_name);
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

/// The properties every variant declares, in the first variant's order: read before the tag,
/// they become a typed field whichever variant it names, never a kept unknown property, so the
/// union reads them without keeping their text.
fn declared_by_every_variant<'m>(model: &'m Model, t: &Tagged) -> Vec<&'m str> {
    let fields = |tv: &TaggedVariant| match &tv.variant.ty {
        Ty::Named(id) => match &model.get(*id).kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    };
    let Some(all) = t.variants.iter().map(fields).collect::<Option<Vec<_>>>() else {
        return Vec::new();
    };
    let Some((first, rest)) = all.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .map(|f| f.wire.as_str())
        .filter(|wire| {
            rest.iter()
                .all(|fields| fields.iter().any(|f| f.wire == *wire))
        })
        .collect()
}
