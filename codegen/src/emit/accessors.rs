//! Prints the read paths and conversions lowering derived from a type's shape, each in an impl
//! block of its own: `text()`, `as_<variant>()`, and `From<&str>` beside a union's `From<String>`.

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{ident, ty_tokens};
use crate::model::*;

/// The extra impls of type `id` (nothing when it has none).
pub fn emit(model: &Model, id: TypeId) -> TokenStream {
    let def = model.get(id);
    let name = ident(&def.name);
    let mut methods = Vec::new();
    if let Some(accessors) = model.accessors_of(id) {
        if let Some(text) = &accessors.text {
            methods.push(text_method(&def.kind, text));
        }
        if let TypeKind::Union(union) = &def.kind {
            let variants = union.variants();
            for (position, method) in &accessors.as_variant {
                if let Some(variant) = variants.get(*position) {
                    methods.push(as_variant_method(model, variant, method));
                }
            }
        }
    }
    let impl_block = if methods.is_empty() {
        TokenStream::new()
    } else {
        quote! { impl #name { #(#methods)* } }
    };
    let from_str = from_str(def);
    quote! {
        #impl_block
        #from_str
    }
}

/// `From<&str>` for a union with one string variant, which `From<String>` already fills.
fn from_str(def: &TypeDef) -> Option<TokenStream> {
    let TypeKind::Union(union) = &def.kind else {
        return None;
    };
    let variants = union.variants();
    let strings: Vec<&&Variant> = variants.iter().filter(|v| v.ty == Ty::String).collect();
    let [variant] = strings.as_slice() else {
        return None;
    };
    let name = ident(&def.name);
    let variant = ident(&variant.name);
    Some(quote! {
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self { Self::#variant(value.to_owned()) }
        }
    })
}

fn text_method(kind: &TypeKind, text: &TextAccess) -> TokenStream {
    let (doc, body) = match (kind, text) {
        (TypeKind::Struct(s), TextAccess::Field(index)) => {
            let Some(field) = s.fields.get(*index) else {
                return TokenStream::new();
            };
            let name = ident(&field.name);
            let required = field.presence == Presence::Required;
            let body = match (field.ty == Ty::String, required) {
                (true, true) => quote!(::std::option::Option::Some(self.#name.clone())),
                (true, false) => quote!(self.#name.clone()),
                (false, true) => quote!(self.#name.text()),
                (false, false) => quote!(self.#name.as_ref().and_then(|value| value.text())),
            };
            let doc = format!(" The text this value holds: its `{}`.", field.wire);
            (doc, body)
        }
        (TypeKind::Union(union), TextAccess::Variants(reads)) => {
            let arms = union.variants().into_iter().zip(reads).map(|(v, read)| {
                let variant = ident(&v.name);
                let read = variant_text(*read);
                quote!(Self::#variant(value) => #read,)
            });
            let unknown = ident(&union.unknown_name);
            let body = quote! {
                match self {
                    #(#arms)*
                    Self::#unknown(_) => ::std::option::Option::None,
                }
            };
            let doc = " The text this value holds, whichever variant it is: a string as it is, \
                       a list's texts joined; `None` for a variant without text."
                .to_owned();
            (doc, body)
        }
        _ => return TokenStream::new(),
    };
    quote! {
        #[doc = #doc]
        #[allow(unused_variables)]
        pub fn text(&self) -> ::std::option::Option<::std::string::String> { #body }
    }
}

/// How a union arm reads the text of its `value`.
fn variant_text(read: VariantText) -> TokenStream {
    match read {
        VariantText::Itself => quote!(::std::option::Option::Some(value.clone())),
        VariantText::Joined => quote! {{
            let texts: ::std::vec::Vec<::std::string::String> = value.iter().filter_map(|part| part.text()).collect();
            if texts.is_empty() { ::std::option::Option::None } else { ::std::option::Option::Some(texts.concat()) }
        }},
        VariantText::Text => quote!(value.text()),
        VariantText::None => quote!(::std::option::Option::None),
    }
}

fn as_variant_method(model: &Model, variant: &Variant, method: &str) -> TokenStream {
    let method = ident(method);
    let name = ident(&variant.name);
    let (ty, value) = match &variant.ty {
        Ty::Boxed(inner) => (ty_tokens(model, inner), quote!(&**value)),
        ty => (ty_tokens(model, ty), quote!(value)),
    };
    let doc = format!(
        " The `{}` variant's value, if it is that variant.",
        variant.name
    );
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> ::std::option::Option<&#ty> {
            match self {
                Self::#name(value) => ::std::option::Option::Some(#value),
                _ => ::std::option::Option::None,
            }
        }
    }
}
