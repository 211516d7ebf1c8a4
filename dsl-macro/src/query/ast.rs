//! The surface syntax of `select!`: a comprehension or a method chain, spans kept.

/// A whole `select!(..)` input.
pub(crate) struct QueryInput {
    pub base: Base,
    pub methods: Vec<Method>,
}

/// What the query starts from.
pub(crate) enum Base {
    /// `proj for x in Source if cond ...`, bare or parenthesised.
    Comprehension(Comprehension),
    /// `Product` (an entity) or `q` (an existing query value) before a method chain.
    Path(syn::Path),
    /// Any other expression giving an existing query value (`cheap(10)`, `self.q.clone()`).
    Existing(syn::Expr),
}

/// `projection (for var in source | if cond)*`
pub(crate) struct Comprehension {
    pub projection: syn::Expr,
    pub clauses: Vec<Clause>,
    /// Written inside `left_join(..)`: its generators over collections are left joins.
    pub left_join: bool,
}

/// One clause of a comprehension.
pub(crate) enum Clause {
    /// `for var in source`
    For { var: syn::Ident, source: syn::Expr },
    /// `if cond`
    If { cond: syn::Expr },
}

/// `.name(args)` after the base.
pub(crate) struct Method {
    pub name: syn::Ident,
    pub args: Vec<syn::Expr>,
    /// The whole call, for errors about it.
    pub span: proc_macro2::Span,
}
