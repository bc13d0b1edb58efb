//! Prints the read paths and conversions lowering derived from a type's shape: `text()` and
//! `From<&str>` beside a union's `From<String>`, each in an impl block of its own, and the
//! `as_<variant>()` accessors as an `as_variants!` declaration, a line per variant.

use proc_macro2::TokenStream;
use quote::quote;

use std::fmt::Write as _;

use super::spelling::{Spelling, ident};
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

/// The `as_<variant>()` accessors as one `as_variants!` declaration, a line per variant, so a
/// new variant is a one-line diff (the runtime's macro writes the method).
pub fn as_variants(model: &Model, id: TypeId, spelling: &Spelling) -> String {
    let def = model.get(id);
    let (Some(accessors), TypeKind::Union(union)) = (model.accessors_of(id), &def.kind) else {
        return String::new();
    };
    let variants = union.variants();
    let mut lines = String::new();
    for (position, method) in &accessors.as_variant {
        if let Some(variant) = variants.get(*position) {
            let ty = match &variant.ty {
                Ty::Boxed(inner) => inner.as_ref(),
                ty => ty,
            };
            let _ = writeln!(
                lines,
                "        {method}({}) -> {};",
                variant.name,
                spelling.ty(model, ty)
            );
        }
    }
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "\nas_variants! {{\n    impl {} {{\n{lines}    }}\n}}\n",
        def.name
    )
}
