//! The impls of a `#[derive(Value)]` type, through `colt::__private`: `SqlType` (a family of
//! its own, so it compares only with itself), `NonNull`, `DerivedValue`, `ToParam`,
//! `TypedParam` and the builder's `IntoOption`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use colt_model::value::{Shape, Storage, ValueType};

pub(crate) fn expand(v: &ValueType<'_>) -> TokenStream {
    let p = quote!(::colt::__private);
    let name = v.ident;
    let rust_name = name.to_string();
    // Ordered in SQL as in Rust: by discriminant, or as the inner type; not by name.
    let ordered = match &v.shape {
        Shape::Enum {
            storage: Storage::Text,
            ..
        } => quote!(),
        Shape::Enum { .. } => quote!(impl #p::Ordered for #name {}),
        // (`for<'a>` keeps the bound from being checked at the impl: a newtype over an
        // enum stored by name is simply not ordered.)
        Shape::Newtype { inner } => {
            quote!(impl #p::Ordered for #name where for<'__colt> #inner: #p::Ordered {})
        }
    };
    // Orders a query as in Rust (by discriminant or inner value); not by name (SQL would
    // order the names), nor when it holds JSON.
    let sorts = match &v.shape {
        Shape::Enum {
            storage: Storage::Text,
            ..
        } => quote!(),
        Shape::Enum { .. } => quote!(impl #p::Sorted for #name {}),
        Shape::Newtype { inner } => quote!(
            impl #p::Sorted for #name where for<'__colt> #inner: #p::Sorted {}
        ),
    };
    let (column_type, to_ref, from_ref, checks) = match &v.shape {
        Shape::Enum { storage, variants } => {
            let idents: Vec<&syn::Ident> = variants.iter().map(|(i, _)| *i).collect();
            match storage {
                Storage::Text => {
                    let bytes: Vec<syn::LitByteStr> = variants
                        .iter()
                        .map(|(i, s)| syn::LitByteStr::new(s.as_bytes(), i.span()))
                        .collect();
                    (
                        quote!(#p::ColumnType::Text),
                        quote!(match self { #(Self::#idents => #p::ValueRef::Text(#bytes),)* }),
                        quote!(match v {
                            #(#p::ValueRef::Text(#bytes) => ::core::result::Result::Ok(Self::#idents),)*
                            _ => ::core::result::Result::Err(#p::DecodeFail::new(#rust_name, v)),
                        }),
                        quote!(),
                    )
                }
                Storage::Integer(ty) => {
                    let ty = format_ident!("{}", ty);
                    (
                        quote!(#p::ColumnType::#ty),
                        quote!(match self { #(Self::#idents => #p::ValueRef::Int(Self::#idents as i64),)* }),
                        quote!(match v {
                            #(#p::ValueRef::Int(i) if i == Self::#idents as i64 => ::core::result::Result::Ok(Self::#idents),)*
                            _ => ::core::result::Result::Err(#p::DecodeFail::new(#rust_name, v)),
                        }),
                        quote!(),
                    )
                }
            }
        }
        Shape::Newtype { inner } => {
            // The inner type must be a plain column type (not `Option`, not another
            // relationship): the error points at it.
            let check = quote_spanned! {inner.span()=>
                const _: fn() = || {
                    fn column_type<T: #p::NonNull>() {}
                    column_type::<#inner>();
                };
            };
            (
                quote!(<#inner as #p::SqlType>::COLUMN_TYPE),
                quote!(#p::SqlType::to_value_ref(&self.0)),
                quote!(<#inner as #p::SqlType>::from_value_ref(v)
                    .map(Self)
                    .map_err(|_| #p::DecodeFail::new(#rust_name, v))),
                check,
            )
        }
    };
    quote! {
        #checks

        impl #p::SqlType for #name {
            type Inner = Self;
            type Kind = Self;
            const NULLABLE: bool = false;
            const COLUMN_TYPE: #p::ColumnType = #column_type;
            const RUST_NAME: &'static str = #rust_name;
            #[inline]
            fn to_value_ref(&self) -> #p::ValueRef<'_> {
                #to_ref
            }
            #[inline]
            fn from_value_ref(v: #p::ValueRef<'_>) -> ::core::result::Result<Self, #p::DecodeFail> {
                #from_ref
            }
        }

        impl #p::NonNull for #name {}

        impl #p::DerivedValue for #name {}

        #ordered
        #sorts

        impl #p::ToParam for #name {
            fn to_param(&self) -> #p::Value {
                #p::SqlType::to_value_ref(self).to_owned_value()
            }
        }

        impl #p::TypedParam for #name {
            type Sql = Self;
            #[inline]
            fn __value(&self) -> #p::Value {
                #p::ToParam::to_param(self)
            }
        }

        impl #p::IntoOption<#name> for #name {
            fn into_option(self) -> ::core::option::Option<#name> {
                ::core::option::Option::Some(self)
            }
        }

        impl #p::IntoOption<#name> for ::core::option::Option<#name> {
            fn into_option(self) -> ::core::option::Option<#name> {
                self
            }
        }
    }
}
