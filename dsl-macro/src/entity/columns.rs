//! The column layout `#[derive(Entity)]` generates: where each field's columns are, their
//! metadata, the primary key, and the methods that read and write a value column by column.
//!
//! A reference takes one column per key column of the entity it refers to, which the derive
//! cannot see: every position is a hidden associated `const` of the entity
//! (`__COLT_AT_{field}`), summed from the widths the other entities' `KEY_WIDTH` give, and a
//! reference's column metadata is built at compile time from the other entity's
//! `KEY_COLUMNS` (see the runtime's `reference_columns`). Positions are constants, so the
//! matches on a column position compile as they would with literal numbers.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::entity::expand::{at_const, at_of, width_of};
use crate::entity::model::{Entity, Field, Rel};

/// The target entity and whether it is optional, for a reference field.
fn reference<'a>(f: &'a Field<'_>) -> Option<(&'a syn::Type, bool)> {
    match &f.relation {
        Some((Rel::Ref, t)) => Some((t, false)),
        Some((Rel::OptionalRef, t)) => Some((t, true)),
        _ => None,
    }
}

fn lit_opt(v: &Option<String>) -> TokenStream {
    match v {
        Some(t) => quote!(::core::option::Option::Some(#t)),
        None => quote!(::core::option::Option::None),
    }
}

/// The statements that write field `f`'s column metadata into `out` at `at`.
fn write_meta(f: &Field<'_>, at: &TokenStream, names: &TokenStream) -> TokenStream {
    let p = quote!(::colt::__private);
    let ty = f.ty;
    let field = f.ident.to_string();
    let field = field.trim_start_matches("r#");
    let column = &f.column;
    let (pk, auto, unique, index, volatile) =
        (f.primary_key, f.auto, f.unique, f.index, f.volatile);
    let sql_type = lit_opt(&f.sql_type);
    if let Some((target, optional)) = reference(f) {
        let given: Vec<&String> = f.columns.iter().flat_map(|(_, l)| l).collect();
        return quote_spanned! {target.span()=>
            #p::ref_columns(&mut out, #at, #p::RefField {
                field: #field,
                column: #column,
                names: &#names,
                given: &[#(#given),*],
                nullable: #optional,
                primary_key: #pk,
                unique: #unique,
                index: #index,
                volatile: #volatile,
                sql_type: #sql_type,
            }, <#target as #p::Entity>::KEY_COLUMNS);
        };
    }
    let default = match (&f.default, f.option_of) {
        (Some(d), Some(_)) => quote_spanned! {d.span()=>
            ::core::option::Option::Some({
                fn default() -> #p::Value {
                    let v: #ty = #p::IntoOption::into_option(#d);
                    #p::SqlType::to_value_ref(&v).to_owned_value()
                }
                default as fn() -> #p::Value
            })
        },
        (Some(d), None) => quote_spanned! {d.span()=>
            ::core::option::Option::Some({
                fn default() -> #p::Value {
                    let v: #ty = ::core::convert::Into::into(#d);
                    #p::SqlType::to_value_ref(&v).to_owned_value()
                }
                default as fn() -> #p::Value
            })
        },
        (None, _) => quote!(::core::option::Option::None),
    };
    let default_in_table = f.default.as_ref().is_some_and(constant);
    quote_spanned! {ty.span()=>
        out[#at] = #p::ColumnMeta {
            field: #field,
            name: #column,
            ty: <#ty as #p::SqlType>::COLUMN_TYPE,
            nullable: <#ty as #p::SqlType>::NULLABLE,
            primary_key: #pk,
            auto: #auto,
            unique: #unique,
            index: #index,
            volatile: #volatile,
            sql_type: #sql_type,
            default: #default,
            default_in_table: #default_in_table,
        };
    }
}

/// The generated layout: an inherent impl of hidden constants, and the `Entity` items that
/// depend on column positions.
pub(crate) struct Layout {
    /// `impl Name { const __COLT_..: .. }`.
    pub consts: TokenStream,
    /// Items of `impl Entity for Name`.
    pub items: TokenStream,
    /// `&Name::__COLT_COLUMNS` and `&Name::__COLT_PK`, for the metadata.
    pub columns: TokenStream,
    pub primary_key: TokenStream,
}

pub(crate) fn layout(e: &Entity<'_>) -> Layout {
    let p = quote!(::colt::__private);
    let name = e.ident;
    let table = &e.table;
    let cols: Vec<&Field> = e.fields.iter().filter(|f| !f.is_set()).collect();
    let keys: Vec<&Field> = cols.iter().copied().filter(|f| f.primary_key).collect();

    // Positions: each field's first column is the previous one's plus its width.
    let mut consts = Vec::new();
    let mut checks = Vec::new();
    let mut prev: Option<(TokenStream, TokenStream)> = None;
    for f in &cols {
        let c = at_const(f);
        let value = match &prev {
            None => quote!(0usize),
            Some((at, w)) => quote!(#at + #w),
        };
        consts.push(quote!(const #c: usize = #value;));
        prev = Some((at_of(name, f), width_of(f)));
    }
    let count = match &prev {
        Some((at, w)) => quote!(#at + #w),
        None => quote!(0usize),
    };
    // The names of each reference's columns.
    let names_const = |f: &Field<'_>| {
        quote::format_ident!(
            "__COLT_NAMES_{}",
            f.ident.to_string().trim_start_matches("r#"),
            span = proc_macro2::Span::call_site()
        )
    };
    for f in &cols {
        if let (Some((target, _)), Some((path, given))) = (reference(f), &f.columns) {
            let n = given.len();
            let message = format!(
                "`columns(..)` on `{}` names {n} column{}, but the primary key of the entity it refers to has another number of columns: name one per key column, in key order",
                f.ident,
                if n == 1 { "" } else { "s" }
            );
            checks.push(quote_spanned! {path.span()=>
                const _: () = ::core::assert!(<#target as #p::Entity>::KEY_WIDTH == #n, #message);
            });
        }
        if let Some((target, _)) = reference(f) {
            let n = names_const(f);
            let column = &f.column;
            consts.push(quote_spanned! {target.span()=>
                const #n: [u8; #p::names_len(#column, <#target as #p::Entity>::KEY_COLUMNS)] =
                    #p::names::<{ #p::names_len(#column, <#target as #p::Entity>::KEY_COLUMNS) }>(
                        #column,
                        <#target as #p::Entity>::KEY_COLUMNS,
                    );
            });
        }
    }
    let names_of = |f: &Field<'_>| {
        let n = names_const(f);
        quote!(#name::#n)
    };
    let writes: Vec<TokenStream> = cols
        .iter()
        .map(|f| write_meta(f, &at_of(name, f), &names_of(f)))
        .collect();
    // The key's columns, each key field at its offset within the key.
    let mut key_at = Vec::new();
    let mut key_prev: Option<TokenStream> = None;
    for f in &keys {
        let at = key_prev.clone().unwrap_or_else(|| quote!(0usize));
        key_prev = Some({
            let w = width_of(f);
            quote!(#at + #w)
        });
        key_at.push(at);
    }
    let key_width = key_prev.unwrap_or_else(|| quote!(0usize));
    let key_writes: Vec<TokenStream> = keys
        .iter()
        .zip(&key_at)
        .map(|(f, at)| write_meta(f, at, &names_of(f)))
        .collect();
    let key_firsts: Vec<TokenStream> = keys.iter().map(|f| at_of(name, f)).collect();
    let key_widths: Vec<TokenStream> = keys.iter().map(|f| width_of(f)).collect();
    consts.push(quote! {
        const __COLT_COLUMN_COUNT: usize = #count;
        const __COLT_COLUMNS: [#p::ColumnMeta; #name::__COLT_COLUMN_COUNT] = {
            let mut out = [#p::PLACEHOLDER; #name::__COLT_COLUMN_COUNT];
            #(#writes)*
            out
        };
        const __COLT_KEY_WIDTH: usize = #key_width;
        const __COLT_KEY_COLUMNS: [#p::ColumnMeta; #name::__COLT_KEY_WIDTH] = {
            let mut out = [#p::PLACEHOLDER; #name::__COLT_KEY_WIDTH];
            #(#key_writes)*
            out
        };
        const __COLT_PK: [usize; #name::__COLT_KEY_WIDTH] = {
            let mut out = [0usize; #name::__COLT_KEY_WIDTH];
            let mut n = 0;
            #(
                let mut i = 0;
                while i < #key_widths {
                    out[n] = #key_firsts + i;
                    n += 1;
                    i += 1;
                }
            )*
            let _ = n;
            out
        };
    });

    let qualified = |f: &Field<'_>| format!("{}.{}", table, f.column);

    // The key.
    let key_tys: Vec<&syn::Type> = keys.iter().map(|f| f.ty).collect();
    let key_idents: Vec<&syn::Ident> = keys.iter().map(|f| f.ident).collect();
    let single = keys.len() == 1;
    let part = |f: &Field<'_>, place: TokenStream, at: &TokenStream| match reference(f) {
        Some((t, _)) => {
            let w = width_of(f);
            quote!(i if i.wrapping_sub(#at) < #w => #p::ref_part::<#t>(#place, i - #at),)
        }
        None => quote!(i if i == #at => #p::SqlType::to_value_ref(#place),),
    };
    let decode_part = |f: &Field<'_>, at: &TokenStream| {
        let ty = f.ty;
        match reference(f) {
            Some((t, _)) => quote!(#p::decode_ref::<#t, R>(row, offset + #at, column)),
            None => quote!(#p::decode_column::<#ty>(row.value(offset + #at)?, column)),
        }
    };
    let (key_ty, key_expr, key_ref, decode_key) = if single {
        let (f, t, i) = (keys[0], key_tys[0], key_idents[0]);
        let zero = quote!(0usize);
        let arm = part(f, quote!(key), &zero);
        let dec = decode_part(f, &zero);
        (
            quote!(#t),
            quote!(::core::clone::Clone::clone(&self.#i)),
            match reference(f) {
                // A key of one plain column: the value itself, whatever `i`.
                None => quote!({ let _ = i; #p::SqlType::to_value_ref(key) }),
                Some(_) => quote!(match i { #arm _ => #p::ValueRef::Null }),
            },
            dec,
        )
    } else {
        let n: Vec<syn::Index> = (0..keys.len()).map(syn::Index::from).collect();
        let arms = keys
            .iter()
            .zip(&n)
            .zip(&key_at)
            .map(|((f, n), at)| part(f, quote!(&key.#n), at));
        let decs = keys.iter().zip(&key_at).map(|(f, at)| decode_part(f, at));
        (
            quote!((#(#key_tys,)*)),
            quote!((#(::core::clone::Clone::clone(&self.#key_idents),)*)),
            quote!(match i { #(#arms)* _ => #p::ValueRef::Null }),
            quote!(::core::result::Result::Ok((#(#decs?,)*))),
        )
    };
    // A key of one plain column: one parameter, without going through positions.
    let key_params = if single && reference(keys[0]).is_none() {
        quote!(::std::vec![#p::SqlType::to_value_ref(key).to_owned_value()])
    } else {
        quote!((0..#name::__COLT_KEY_WIDTH).map(|i| <Self as #p::Entity>::key_ref(key, i).to_owned_value()).collect())
    };

    // Column by column.
    let mut decode_fields = Vec::new();
    let mut refs = Vec::new();
    let mut eqs = Vec::new();
    let mut copies = Vec::new();
    let mut sets = Vec::new();
    let mut field_sets = Vec::new();
    for f in &cols {
        let (ident, ty) = (f.ident, f.ty);
        let at = at_of(name, f);
        let q = qualified(f);
        match reference(f) {
            Some((t, optional)) => {
                let w = width_of(f);
                let range = quote!(i if i.wrapping_sub(#at) < #w);
                let (decode, part, with) = if optional {
                    (
                        quote!(#p::decode_opt_ref::<#t, _>),
                        quote!(#p::opt_ref_part::<#t>),
                        quote!(#p::opt_with_part::<#t>),
                    )
                } else {
                    (
                        quote!(#p::decode_ref::<#t, _>),
                        quote!(#p::ref_part::<#t>),
                        quote!(#p::with_part::<#t>),
                    )
                };
                decode_fields.push(quote!(#ident: #decode(row, offset + #at, #q)?));
                refs.push(quote!(#range => #part(&self.#ident, i - #at),));
                eqs.push(quote!(#range => self.#ident == other.#ident,));
                copies.push(
                    quote!(#range => self.#ident = ::core::clone::Clone::clone(&other.#ident),),
                );
                sets.push(
                    quote!(#range => self.#ident = #with(&self.#ident, i - #at, value, #q)?,),
                );
                field_sets.push(
                    quote!(i if i == #at => self.#ident = #decode(&#p::ValueRow(values), 0, #q)?,),
                );
            }
            None => {
                let decoded = decode(ty, quote!(row.value(offset + #at)?), quote!(#q));
                decode_fields.push(quote!(#ident: #decoded?));
                let value = value_ref(ty, quote!(&self.#ident));
                refs.push(quote!(#at => #value,));
                eqs.push(quote!(#at => self.#ident == other.#ident,));
                copies
                    .push(quote!(#at => self.#ident = ::core::clone::Clone::clone(&other.#ident),));
                let decoded = decode(ty, quote!(value), quote!(#q));
                sets.push(quote!(#at => self.#ident = #decoded?,));
                let first = quote!(values.first().copied().unwrap_or(#p::ValueRef::Null));
                let decoded = decode(ty, first, quote!(#q));
                field_sets.push(quote!(#at => self.#ident = #decoded?,));
            }
        }
    }
    let set_idents: Vec<&syn::Ident> = e
        .fields
        .iter()
        .filter(|f| f.is_set())
        .map(|f| f.ident)
        .collect();

    let items = quote! {
        type Key = #key_ty;
        const KEY_WIDTH: usize = #name::__COLT_KEY_WIDTH;
        const KEY_COLUMNS: &'static [#p::ColumnMeta] = &#name::__COLT_KEY_COLUMNS;

        fn key(&self) -> Self::Key {
            #key_expr
        }

        fn key_params(key: &Self::Key) -> ::std::vec::Vec<#p::Value> {
            #key_params
        }

        #[inline]
        fn key_ref(key: &Self::Key, i: usize) -> #p::ValueRef<'_> {
            #key_ref
        }

        #[inline]
        fn decode_key<R: #p::RowAccess>(row: &R, offset: usize, column: &str) -> #p::Result<Self::Key> {
            #decode_key
        }

        #[inline]
        fn decode_row<R: #p::RowAccess>(row: &R, offset: usize) -> #p::Result<Self> {
            ::core::result::Result::Ok(#name {
                #(#decode_fields,)*
                #(#set_idents: #p::Set::new(),)*
            })
        }

        fn column_ref(&self, idx: usize) -> #p::ValueRef<'_> {
            match idx {
                #(#refs)*
                _ => #p::ValueRef::Null,
            }
        }

        fn column_eq(&self, other: &Self, idx: usize) -> bool {
            // `Set` fields hold nothing; reading them here keeps `dead_code` quiet.
            let _ = (#(&self.#set_idents,)*);
            match idx {
                #(#eqs)*
                _ => true,
            }
        }

        fn copy_column(&mut self, other: &Self, idx: usize) {
            match idx {
                #(#copies)*
                _ => {}
            }
        }

        fn set_column_value(&mut self, idx: usize, value: #p::ValueRef<'_>) -> #p::Result<()> {
            match idx {
                #(#sets)*
                _ => {}
            }
            ::core::result::Result::Ok(())
        }

        fn set_field_values(&mut self, first: usize, values: &[#p::ValueRef<'_>]) -> #p::Result<()> {
            match first {
                #(#field_sets)*
                _ => {}
            }
            ::core::result::Result::Ok(())
        }
    };
    Layout {
        consts: quote! {
            #[allow(non_upper_case_globals, dead_code)]
            impl #name {
                #(#consts)*
            }
            #(#checks)*
        },
        items,
        columns: quote!(&#name::__COLT_COLUMNS),
        primary_key: quote!(&#name::__COLT_PK),
    }
}

/// `<T as SqlType>::__decode(value, column)`, spanned at the field's type `T`: a type that is
/// no column is then reported there, and every generated use of it is the same error, which
/// rustc shows once.
fn decode(ty: &syn::Type, value: TokenStream, column: TokenStream) -> TokenStream {
    let v = quote::format_ident!("__colt_value", span = ty.span());
    quote_spanned!(ty.span()=> {
        let #v = #value;
        <#ty as ::colt::__private::SqlType>::__decode(#v, #column)
    })
}

/// `<T as SqlType>::to_value_ref(place)`, spanned at the field's type, as [`decode`].
fn value_ref(ty: &syn::Type, place: TokenStream) -> TokenStream {
    let v = quote::format_ident!("__colt_place", span = ty.span());
    quote_spanned!(ty.span()=> {
        let #v: &#ty = #place;
        <#ty as ::colt::__private::SqlType>::to_value_ref(#v)
    })
}

/// Whether a `default` is a constant, which `create_tables` writes as the column's SQL
/// `DEFAULT`: built of literals and paths (an enum variant, a `const`) by calls that take
/// arguments (`Uuid::from_u128(..)`, `Utc.with_ymd_and_hms(..).single()`), constructors of a
/// fixed value (`String::new()`, `Uuid::nil()`), value macros (`dec!(..)`) and methods of
/// constants. Another call of no arguments works its value out per object (`Utc::now()`,
/// `Uuid::new_v4()`, a counter), which a table's `DEFAULT` would freeze.
fn constant(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Lit(_) | syn::Expr::Path(_) => true,
        syn::Expr::Unary(u) => matches!(u.op, syn::UnOp::Neg(_)) && constant(&u.expr),
        syn::Expr::Paren(p) => constant(&p.expr),
        syn::Expr::Group(g) => constant(&g.expr),
        syn::Expr::Tuple(t) => t.elems.iter().all(constant),
        syn::Expr::Array(a) => a.elems.iter().all(constant),
        syn::Expr::Call(c) => {
            let syn::Expr::Path(f) = &*c.func else {
                return false;
            };
            // Of no arguments, only a constructor of a fixed value (`String::new()`,
            // `Uuid::nil()`, `Default::default()`); not `now`, `new_v4`, a counter.
            let fixed = f.path.segments.last().is_some_and(|s| {
                ["new", "default", "nil", "empty", "zero"].contains(&s.ident.to_string().as_str())
            });
            (fixed || !c.args.is_empty()) && c.args.iter().all(constant)
        }
        // A value macro of constants (`dec!(1.5)`, `env!("X")`).
        syn::Expr::Macro(m) => m.mac.path.segments.last().is_some_and(|s| {
            ["dec", "env", "concat", "stringify", "include_str"]
                .contains(&s.ident.to_string().as_str())
        }),
        syn::Expr::MethodCall(m) => constant(&m.receiver) && m.args.iter().all(constant),
        _ => false,
    }
}
