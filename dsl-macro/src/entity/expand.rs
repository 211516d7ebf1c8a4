//! The code `#[derive(Entity)]` generates: metadata, column handles, accessors, a builder.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::entity::model::{Entity, Field, Rel};

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Which view of a row a set of column handles gives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Plain,
    Nullable,
    Many,
}

struct HandleCtx<'a, 'b> {
    name: &'a syn::Ident,
    fields: &'a [Field<'b>],
    relation_fields: &'a [&'a Field<'b>],
}

/// The hidden associated const holding the position of field `f`'s first column.
pub(crate) fn at_const(f: &Field<'_>) -> syn::Ident {
    format_ident!(
        "__COLT_AT_{}",
        f.ident.to_string().trim_start_matches("r#"),
        span = Span::call_site()
    )
}

/// The position of field `f`'s first column, as an expression.
pub(crate) fn at_of(name: &syn::Ident, f: &Field<'_>) -> TokenStream {
    let c = at_const(f);
    quote!(#name::#c)
}

/// How many columns field `f` takes: one, or one per key column of the entity a reference
/// refers to.
pub(crate) fn width_of(f: &Field<'_>) -> TokenStream {
    let p = quote!(::colt::__private);
    match &f.relation {
        Some((Rel::Ref | Rel::OptionalRef, t)) => quote!(<#t as #p::Entity>::KEY_WIDTH),
        _ => quote!(1usize),
    }
}

impl HandleCtx<'_, '_> {
    /// The field types and initialisers (`field: Handle::new(source, ..)`) of one view.
    fn handles(&self, view: View) -> (Vec<TokenStream>, Vec<TokenStream>) {
        let p = quote!(::colt::__private);
        let name = self.name;
        self.fields
            .iter()
            .map(|f| {
                let ident = f.ident;
                let column = at_of(name, f);
                match (&f.relation, view) {
                    (Some((Rel::Set, t)), _) => {
                        let r = self
                            .relation_fields
                            .iter()
                            .position(|g| g.ident == f.ident)
                            .unwrap_or(0);
                        (
                            quote!(#p::SetCol<#t>),
                            quote!(#ident: #p::SetCol::new(::std::clone::Clone::clone(&at), <#name as #p::Entity>::meta, #r)),
                        )
                    }
                    (Some((Rel::Ref, t)), View::Plain) => (
                        quote!(#p::RefCol<#t>),
                        quote!(#ident: #p::RefCol::new(::std::clone::Clone::clone(&at), #column as u16)),
                    ),
                    (Some((_, t)), View::Plain | View::Nullable) => (
                        quote!(#p::OptRefCol<#t>),
                        quote!(#ident: #p::OptRefCol::new(::std::clone::Clone::clone(&at), #column as u16)),
                    ),
                    (Some((rel, t)), View::Many) => {
                        let optional = *rel == Rel::OptionalRef;
                        (
                            quote!(#p::ManyRefCol<#t>),
                            quote!(#ident: #p::ManyRefCol::new(::std::clone::Clone::clone(&at), #column as u16, #optional)),
                        )
                    }
                    (None, _) => {
                        let ty = f.ty;
                        let handle = match view {
                            View::Plain => quote_spanned!(ty.span()=> #p::Col<#ty>),
                            // Written out rather than through `MakeNullable`, so that a type
                            // that is no column is reported once, by the uses of `SqlType`.
                            View::Nullable if f.option_of.is_some() => {
                                quote_spanned!(ty.span()=> #p::Col<#ty>)
                            }
                            View::Nullable => {
                                quote_spanned!(ty.span()=> #p::Col<::core::option::Option<#ty>>)
                            }
                            View::Many => quote_spanned!(ty.span()=> #p::ManyCol<#ty>),
                        };
                        let ctor = match view {
                            View::Many => quote!(#p::ManyCol::new(source, #column as u16)),
                            _ => quote!(#p::Col::new(source, #column as u16)),
                        };
                        (handle, quote!(#ident: #ctor))
                    }
                }
            })
            .unzip()
    }
}

/// The marker type of required field `field` of entity `entity`, in the entity's hidden
/// module of markers: `Product·price`, a name no other item has (U+00B7, the middle dot, may
/// continue a Rust identifier), so that rustc prints it as it is in the error naming a missing
/// field: "the required field `Product·price` is not set".
fn field_marker(fields_mod: &syn::Ident, entity: &syn::Ident, field: &syn::Ident) -> TokenStream {
    let marker = marker_ident(entity, field);
    quote_spanned!(field.span()=> #fields_mod::#marker)
}

fn marker_ident(entity: &syn::Ident, field: &syn::Ident) -> syn::Ident {
    let field = field.to_string();
    let field = field.strip_prefix("r#").unwrap_or(&field);
    syn::Ident::new(&format!("{entity}\u{b7}{field}"), entity.span())
}

pub(crate) fn expand(e: &Entity<'_>) -> TokenStream {
    let name = e.ident;
    let columns_ty = format_ident!("{}Columns", name);
    let accessor_ty = format_ident!("{}Accessor", name);
    let builder_ty = format_ident!("{}Builder", name);
    let fields_mod = format_ident!(
        "__colt_fields_of_{}",
        crate::entity::model::snake_case(&name.to_string())
    );
    let vis = e.vis;
    let fields = &e.fields;
    // The columns: every field but the `Set`s.
    let cols: Vec<&Field> = fields.iter().filter(|f| !f.is_set()).collect();
    // Constraints over several fields name each field by its first column (a reference to a
    // composite key stands for all of its columns).
    let field_lists = |lists: &[Vec<usize>]| -> Vec<Vec<TokenStream>> {
        lists
            .iter()
            .map(|l| l.iter().map(|&i| at_of(name, cols[i])).collect())
            .collect()
    };
    let uniques = field_lists(&e.uniques);
    let indexes = field_lists(&e.indexes);
    let sets: Vec<&Field> = fields.iter().filter(|f| f.is_set()).collect();
    let idents: Vec<&syn::Ident> = cols.iter().map(|f| f.ident).collect();
    let p = quote!(::colt::__private);

    // Relationships, in field order; a reference knows its column's position.
    let relation_fields: Vec<&Field> = fields.iter().filter(|f| f.relation.is_some()).collect();
    let relation_metas = relation_fields.iter().map(|f| {
        let Some((rel, target)) = &f.relation else {
            return quote!();
        };
        let field = f.ident.to_string();
        let field = field.trim_start_matches("r#");
        let kind = match rel {
            Rel::Ref => quote!(#p::RelKind::Ref),
            Rel::OptionalRef => quote!(#p::RelKind::OptionalRef),
            Rel::Set => quote!(#p::RelKind::Set),
        };
        let reverse = match &f.reverse {
            Some(r) => quote!(::core::option::Option::Some(#r)),
            None => quote!(::core::option::Option::None),
        };
        let column = if f.is_set() {
            quote!(::core::option::Option::None)
        } else {
            let at = at_of(name, f);
            quote!(::core::option::Option::Some(#at))
        };
        let cascade = f.cascade_delete;
        let [link_table, link_column, link_reverse] = f.link.clone().map(|name| match name {
            Some(n) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        });
        quote_spanned! {target.span()=>
            #p::RelationMeta {
                field: #field,
                kind: #kind,
                target: <#target as #p::Entity>::meta,
                reverse: #reverse,
                column: #column,
                cascade_delete: #cascade,
                link: #p::LinkNames {
                    table: #link_table,
                    column: #link_column,
                    reverse_column: #link_reverse,
                },
            }
        }
    });
    // Column handles, in three views of a row: as it is (`ProductColumns`), reached through an
    // optional reference (`ProductNullableColumns`: every column an `Option`, LEFT joins on),
    // and as a collection's values (`ProductManyColumns`: only for aggregates and `contains`).
    let ctx = HandleCtx {
        name,
        fields,
        relation_fields: &relation_fields,
    };
    let (handle_tys, handle_inits) = ctx.handles(View::Plain);
    let (null_handle_tys, null_handle_inits) = ctx.handles(View::Nullable);
    let (many_handle_tys, many_handle_inits) = ctx.handles(View::Many);
    let null_columns_ty = format_ident!("{}NullableColumns", name);
    let many_columns_ty = format_ident!("{}ManyColumns", name);
    let all_idents: Vec<&syn::Ident> = fields.iter().map(|f| f.ident).collect();

    // Metadata.
    let name_str = name.to_string();
    let table = &e.table;
    let optimistic = e.optimistic;
    let layout = crate::entity::columns::layout(e);
    let (layout_consts, layout_items) = (&layout.consts, &layout.items);
    let (columns_meta, pk_meta) = (&layout.columns, &layout.primary_key);
    let set_auto = match fields.iter().find(|f| f.auto) {
        Some(f) => {
            let i = f.ident;
            let q = format!("{}.{}", table, f.column);
            quote!(self.#i = #p::auto_key(id, #q)?; ::core::result::Result::Ok(()))
        }
        None => quote!(let _ = id; ::core::result::Result::Ok(())),
    };
    let first = idents[0];

    // Accessors: one getter per attribute, reading that column alone.
    let getters = cols.iter().map(|f| {
        let (ident, ty, fvis) = (f.ident, f.ty, f.vis);
        let (at, width) = (at_of(name, f), width_of(f));
        let doc = format!(
            "The `{}` attribute (counts as a read of that column only).",
            ident
        );
        quote! {
            #[doc = #doc]
            #fvis fn #ident(&self) -> #ty {
                ::core::clone::Clone::clone(&self.0.read(#at, #width).#ident)
            }
        }
    });

    // Collections: `category.products()` gives a handle to load, add, remove.
    let collection_getters = sets.iter().map(|f| {
        let (ident, fvis) = (f.ident, f.vis);
        let Some((_, target)) = &f.relation else {
            return quote!();
        };
        let r = relation_fields
            .iter()
            .position(|g| g.ident == f.ident)
            .unwrap_or(0);
        let doc =
            format!("The `{ident}` collection: load it, count it, add to it, remove from it.");
        quote! {
            #[doc = #doc]
            #fvis fn #ident(&self) -> #p::Collection<#name, #target> {
                self.0.collection(#r)
            }
        }
    });

    // Builder: a type parameter per required field, so that a missing one fails to compile.
    let required: Vec<&Field> = fields.iter().filter(|f| f.required()).collect();
    let state_params: Vec<syn::Ident> = required
        .iter()
        .map(|f| {
            format_ident!(
                "__{}",
                camel(&f.ident.to_string()),
                span = Span::call_site()
            )
        })
        .collect();
    let optional: Vec<&Field> = fields
        .iter()
        .filter(|f| !f.required() && !f.auto && !f.is_set())
        .collect();
    let req_idents: Vec<&syn::Ident> = required.iter().map(|f| f.ident).collect();
    // The values given so far, in one tuple (required fields first, then optional ones): a
    // setter moves the tuple, not every field, so the code is linear in the fields where a
    // struct with a field per type parameter made it quadratic (a third of an entity's
    // compile time at 20 fields).
    let slot_tys = required.iter().chain(&optional).map(|f| f.ty);
    let slot_of = |i: usize| syn::Index::from(i);
    let req_slots: Vec<syn::Index> = (0..required.len()).map(slot_of).collect();
    let required_setters = required.iter().enumerate().map(|(k, f)| {
        let (ident, ty, fvis) = (f.ident, f.ty, f.vis);
        let out_params = state_params.iter().enumerate().map(|(j, s)| {
            if j == k { quote!(#p::Given<#ty>) } else { quote!(#s) }
        });
        let slot = slot_of(k);
        let doc = format!("Sets `{ident}` (required).");
        quote! {
            #[doc = #doc]
            #fvis fn #ident(self, value: impl ::core::convert::Into<#ty>) -> #builder_ty<#(#out_params),*> {
                let mut values = self.values;
                values.#slot = ::core::option::Option::Some(::core::convert::Into::into(value));
                #builder_ty { values, state: ::core::marker::PhantomData }
            }
        }
    });
    let optional_setters = optional.iter().enumerate().map(|(j, f)| {
        let (ident, ty, fvis) = (f.ident, f.ty, f.vis);
        let slot = slot_of(required.len() + j);
        match f.option_of {
            Some(inner) => {
                let doc = format!("Sets `{ident}` (optional: a value, `Some(value)` or `None`; `None` when not set).");
                quote! {
                    #[doc = #doc]
                    #fvis fn #ident(mut self, value: impl #p::IntoOption<#inner>) -> Self {
                        self.values.#slot = ::core::option::Option::Some(#p::IntoOption::into_option(value));
                        self
                    }
                }
            }
            None => {
                let doc = format!("Sets `{ident}` (it has a default).");
                quote! {
                    #[doc = #doc]
                    #fvis fn #ident(mut self, value: impl ::core::convert::Into<#ty>) -> Self {
                        self.values.#slot = ::core::option::Option::Some(::core::convert::Into::into(value));
                        self
                    }
                }
            }
        }
    });
    let slot_nones =
        (0..required.len() + optional.len()).map(|_| quote!(::core::option::Option::None));
    let given_locals: Vec<syn::Ident> = req_idents
        .iter()
        .map(|r| format_ident!("__colt_{}", r, span = Span::call_site()))
        .collect();
    let given_fields: Vec<String> = req_idents.iter().map(|r| r.to_string()).collect();
    let value_fields = fields.iter().map(|f| {
        let ident = f.ident;
        if f.is_set() {
            quote!(#ident: #p::Set::new())
        } else if f.auto {
            quote!(#ident: ::core::default::Default::default())
        } else if f.required() {
            let local = format_ident!("__colt_{}", ident, span = Span::call_site());
            quote!(#ident: #local)
        } else {
            let j = optional.iter().position(|o| o.ident == ident).unwrap_or(0);
            let slot = slot_of(required.len() + j);
            match (&f.default, f.option_of) {
                (Some(d), Some(_)) => quote_spanned!(d.span()=> #ident: match values.#slot {
                    ::core::option::Option::Some(v) => v,
                    ::core::option::Option::None => #p::IntoOption::into_option(#d),
                }),
                (Some(d), None) => quote_spanned!(d.span()=> #ident: match values.#slot {
                    ::core::option::Option::Some(v) => v,
                    ::core::option::Option::None => ::core::convert::Into::into(#d),
                }),
                (None, _) => {
                    quote!(#ident: ::core::option::Option::unwrap_or_default(values.#slot))
                }
            }
        }
    });
    // `insert` needs every required field given: the bound names the field (its marker type)
    // and is spanned at the field, so a missing one is reported by name, at the user's field.
    let given_bounds = required.iter().zip(&state_params).map(|(f, s)| {
        let (ident, ty) = (f.ident, f.ty);
        let marker = field_marker(&fields_mod, name, ident);
        quote_spanned!(ident.span()=> #s: ::colt::__private::Required<#marker, Value = #ty>)
    });
    let markers = required.iter().map(|f| {
        let marker = marker_ident(name, f.ident);
        let doc = format!(
            "Marks the required field `{}` of `{name}`'s builder.",
            f.ident
        );
        quote_spanned!(f.ident.span()=> #[doc = #doc] pub struct #marker;)
    });
    let builder_doc = format!(
        "Builds a new `{name}`: `{name}::build()`, a setter per attribute, then `.insert(tx)`. Every required attribute ({}) must be set before `insert` compiles.",
        if required.is_empty() {
            "none here".to_string()
        } else {
            required.iter().map(|f| format!("`{}`", f.ident)).collect::<Vec<_>>().join(", ")
        }
    );
    let columns_doc = format!("The typed column handles of `{name}` inside `select!`.");
    let accessor_doc = format!(
        "Per-attribute getters of `Obj<{name}>` (`obj.{}()`).",
        first
    );
    let build_doc = format!("Starts building a new `{name}` (see [`{builder_ty}`]).");

    quote! {
        #[doc = #columns_doc]
        #[allow(dead_code)]
        #vis struct #columns_ty {
            #(
                #[doc = "A column handle."]
                pub #all_idents: #handle_tys,
            )*
        }

        impl #p::EntityColumns for #columns_ty {
            type Entity = #name;
            type Variable = #p::EntityExpr<#name>;
            fn source(&self) -> u16 {
                self.#first.source()
            }
        }

        #[doc = "The column handles of a row that may be missing (reached through an optional reference): every column reads as an `Option`."]
        #[allow(dead_code)]
        #vis struct #null_columns_ty {
            #(
                #[doc = "A column handle."]
                pub #all_idents: #null_handle_tys,
            )*
        }

        #[doc = "The handles of the values a collection reaches (`c.products.price`): for aggregates and membership tests."]
        #[allow(dead_code)]
        #vis struct #many_columns_ty {
            #(
                #[doc = "A handle of a collection's values."]
                pub #all_idents: #many_handle_tys,
            )*
        }

        impl #p::EntityColumns for #many_columns_ty {
            type Entity = #name;
            type Variable = #p::EntityExpr<#name>;
            fn source(&self) -> u16 {
                self.#first.source()
            }
        }

        impl #p::EntityColumns for #null_columns_ty {
            type Entity = #name;
            type Variable = #p::OptEntityExpr<#name>;
            fn source(&self) -> u16 {
                self.#first.source()
            }
        }

        #layout_consts

        #[doc = #accessor_doc]
        #[repr(transparent)]
        #vis struct #accessor_ty(#p::AccessorBase<#name>);

        // SAFETY: `#[repr(transparent)]` over the base, and nothing else.
        unsafe impl #p::Accessor<#name> for #accessor_ty {}

        #[allow(dead_code)]
        impl #accessor_ty {
            #(#getters)*
            #(#collection_getters)*
        }

        #[diagnostic::do_not_recommend]
        impl #p::Entity for #name {
            type Columns = #columns_ty;
            type NullableColumns = #null_columns_ty;
            type ManyColumns = #many_columns_ty;
            type Accessor = #accessor_ty;

            const HAS_TIMES: bool = #p::has_times(#columns_meta);

            fn meta() -> &'static #p::EntityMeta {
                static META: #p::EntityMeta = #p::EntityMeta {
                    name: #name_str,
                    table: #table,
                    columns: #columns_meta,
                    primary_key: #pk_meta,
                    optimistic: #optimistic,
                    relations: &[#(#relation_metas),*],
                    uniques: &[#(&[#(#uniques),*]),*],
                    indexes: &[#(&[#(#indexes),*]),*],
                    cache: #p::MetaCache::new(),
                };
                &META
            }

            #[allow(unused_variables)]
            fn columns(at: #p::At) -> #columns_ty {
                let source = at.source();
                #columns_ty {
                    #(#handle_inits,)*
                }
            }

            #[allow(unused_variables)]
            fn many_columns(at: #p::At) -> #many_columns_ty {
                let source = at.source();
                #many_columns_ty {
                    #(#many_handle_inits,)*
                }
            }

            #[allow(unused_variables)]
            fn nullable_columns(at: #p::At) -> #null_columns_ty {
                let source = at.source();
                #null_columns_ty {
                    #(#null_handle_inits,)*
                }
            }

            #layout_items

            fn set_auto_key(&mut self, id: i64) -> #p::Result<()> {
                #set_auto
            }
        }

        #[doc = #builder_doc]
        #[must_use = "a builder does nothing until `.insert(tx)`"]
        #[allow(non_camel_case_types)]
        #vis struct #builder_ty<#(#state_params = #p::Missing),*> {
            values: (#(::core::option::Option<#slot_tys>,)*),
            state: ::core::marker::PhantomData<fn() -> (#(#state_params,)*)>,
        }

        #[allow(non_camel_case_types, dead_code)]
        impl<#(#state_params),*> #builder_ty<#(#state_params),*> {
            #(#required_setters)*
            #(#optional_setters)*
        }

        // Not `#[doc(hidden)]`: rustc would then print the markers' whole path in the error.
        #[allow(non_camel_case_types, dead_code, non_ascii_idents, uncommon_codepoints, mixed_script_confusables)]
        #vis mod #fields_mod {
            //! Marker types named after the required fields of the builder (generated by
            //! `#[derive(Entity)]`), for the compile error that names a missing one.
            #(
                #markers
            )*
        }

        #[allow(dead_code, non_camel_case_types)]
        impl<#(#state_params),*> #builder_ty<#(#state_params),*> {
            /// Registers the new object in the transaction; it is inserted at the next flush
            /// (before the next query, or at commit), when an `auto` key is filled in.
            ///
            /// # Errors
            /// `Error::TransactionClosed` when the transaction is over.
            #vis fn insert(self, tx: &#p::Transaction) -> #p::Result<#p::Obj<#name>>
            where
                #(#given_bounds,)*
            {
                let values = self.values;
                #(
                    // Set by the setter that made the state `Given`; only a builder written
                    // by hand in this module can lack it.
                    let ::core::option::Option::Some(#given_locals) = values.#req_slots else {
                        return ::core::result::Result::Err(#p::Error::MissingField {
                            entity: #name_str,
                            field: #given_fields,
                        });
                    };
                )*
                tx.insert(#name { #(#value_fields,)* })
            }
        }

        #[allow(dead_code)]
        impl #name {
            #[doc = #build_doc]
            #vis fn build() -> #builder_ty {
                #builder_ty {
                    values: (#(#slot_nones,)*),
                    state: ::core::marker::PhantomData,
                }
            }
        }
    }
}
