//! `#[derive(Entity)]`: attributes → validated model (both in `colt_model`, shared with the
//! `colt` command) → expansion.

pub(crate) use colt_model::entity::model;
mod columns;
mod expand;

pub(crate) use model::snake_case;

/// `Self` in a field's type (`manager: Option<Ref<Self>>`), named: the expansion copies
/// field types into other items (the column handles, the builder), where `Self` is another
/// type.
struct NameSelf(syn::Ident);

impl syn::visit_mut::VisitMut for NameSelf {
    fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
        if p.qself.is_none() && p.path.is_ident("Self") {
            let mut name = self.0.clone();
            name.set_span(p.path.segments[0].ident.span());
            p.path = name.into();
        }
        syn::visit_mut::visit_type_path_mut(self, p);
    }
}

/// The derive's entry point.
pub(crate) fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut named = input.clone();
    if let syn::Data::Struct(data) = &mut named.data {
        let mut visitor = NameSelf(input.ident.clone());
        for field in data.fields.iter_mut() {
            syn::visit_mut::VisitMut::visit_type_mut(&mut visitor, &mut field.ty);
        }
    }
    let input = &named;
    match model::from_syn(input) {
        Ok((entity, None)) => expand::expand(&entity),
        // An unknown key is left out: the entity is expanded beside the error, so the struct's
        // other uses compile as if it were fixed, and one mistake is one error.
        Ok((entity, Some(e))) => {
            let mut out = e.into_compile_error();
            out.extend(expand::expand(&entity));
            out
        }
        Err(e) => {
            let mut out = e.into_compile_error();
            // Beside the error, an impl with no columns, so that the struct's other uses do
            // not each add "not a Colt entity" (a generic struct or a non-struct gets none:
            // its error says why it cannot be an entity at all).
            if input.generics.params.is_empty() && matches!(input.data, syn::Data::Struct(_)) {
                let name = &input.ident;
                out.extend(quote::quote!(::colt::__private::fallback_entity!(#name);));
            }
            out
        }
    }
}
