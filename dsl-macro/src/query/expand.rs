//! Expansion: Rust code that builds the call site's plan once (typed through the entities'
//! column handles, spanned at the user's tokens) and binds the parameters on every run.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::query::checks::{
    checked_call, checked_comparison, checked_outer_contains, checked_step,
};
use crate::query::lower::{AggArg, Bind, Lowered, Origin, ParamKind, QExpr, Step};
use crate::query::ops::UnaryOp;

fn p() -> TokenStream {
    quote!(::colt::__private)
}

fn param_ident(i: usize) -> syn::Ident {
    format_ident!("__colt_p{}", i, span = Span::mixed_site())
}

fn param_ident_at(i: usize, at: Span) -> syn::Ident {
    format_ident!("__colt_p{}", i, span = Span::mixed_site().located_at(at))
}

fn var_ident(i: usize) -> syn::Ident {
    format_ident!("__colt_v{}", i, span = Span::mixed_site())
}

fn builder() -> syn::Ident {
    syn::Ident::new("__colt_b", Span::mixed_site())
}

fn binds(binds: &[Bind]) -> TokenStream {
    let lets = binds.iter().map(|b| {
        let (name, v) = (&b.name, var_ident(b.var));
        quote!(let #name = &#v; let _ = #name;)
    });
    quote!(#(#lets)*)
}

/// `::colt::__private::name(args)`, every token spanned at the user's token, so that rustc
/// reports a type error there (a path spanned elsewhere would move it to the whole macro).
fn call(span: Span, name: &str, args: TokenStream) -> TokenStream {
    let f = syn::Ident::new(name, span);
    quote_spanned!(span=> ::colt::__private::#f(#args))
}

fn expr(e: &QExpr) -> TokenStream {
    match e {
        QExpr::Var(ident) => call(ident.span(), "entity", quote!(&#ident)),
        QExpr::Attr(tokens, span, false) => call(*span, "col", quote_spanned!(*span=> &#tokens)),
        QExpr::Attr(tokens, span, true) => call(*span, "proj", quote_spanned!(*span=> &#tokens)),
        QExpr::Key(ident) => call(ident.span(), "entity_key", quote!(&#ident)),
        QExpr::Param(i, span) => {
            // `TypedParam`'s own method on a local spanned at the value, as the value bound
            // per run: a value that is no parameter is one error, there.
            let id = param_ident_at(*i, *span);
            let v = format_ident!("__colt_value", span = *span);
            quote_spanned!(*span=> {
                let #v = #id;
                ::colt::__private::param(#i, ::colt::__private::TypedParam::__sql(#v))
            })
        }
        QExpr::Binary(op, span, l, r) => {
            if let (true, QExpr::Param(i, at)) = (op.is_comparison(), &**r) {
                let value = (*i, param_ident_at(*i, *at), *at);
                return checked_comparison(*span, op.runtime_fn(), expr(l), value);
            }
            checked_call(*span, op.runtime_fn(), vec![expr(l), expr(r)])
        }
        // `is_empty`/`exists` of a sub-comprehension are of its rows; of anything else,
        // of a collection's (or, for `is_empty`, of a text as Rust's `String::is_empty`).
        QExpr::Unary(op @ (UnaryOp::IsEmpty | UnaryOp::Exists), span, e)
            if !matches!(**e, QExpr::SubComp(..)) =>
        {
            let f = if *op == UnaryOp::IsEmpty {
                "is_empty_of"
            } else {
                "exists_of"
            };
            checked_call(*span, f, vec![expr(e)])
        }
        QExpr::Unary(op, span, e) => checked_call(*span, op.runtime_fn(), vec![expr(e)]),
        QExpr::Method2(op, span, recv, arg) => {
            checked_call(*span, op.runtime_fn(), vec![expr(recv), expr(arg)])
        }
        QExpr::OuterContains(i, span, elem) => {
            let id = param_ident_at(*i, *span);
            let b = builder();
            checked_outer_contains(
                *span,
                quote_spanned!(*span=> #b, #i,),
                // In parentheses spanned at the value, so that its check is shown there (the
                // local's own span is hygienic, which rustc shows as the whole macro).
                quote_spanned!(*span=> (#id)),
                expr(elem),
            )
        }
        QExpr::Agg(f, span, arg) => match arg {
            AggArg::Nothing => call(*span, "count_all", TokenStream::new()),
            AggArg::Var(v) => call(*span, "count_entity", quote_spanned!(*span=> &#v)),
            AggArg::Expr(e) => checked_call(*span, f.name(), vec![expr(e)]),
            AggArg::Two(a, b) => checked_call(*span, f.name(), vec![expr(a), expr(b)]),
        },
        QExpr::Call(name, span, args) => checked_call(*span, name, args.iter().map(expr).collect()),
        QExpr::Cast(span, e, ty) => {
            let e = expr(e);
            let f = syn::Ident::new("cast", *span);
            quote_spanned!(*span=> ::colt::__private::#f::<#ty, _, _>(#e))
        }
        QExpr::Tuple(items) => {
            let items = items.iter().map(expr);
            quote!((#(#items,)*))
        }
        QExpr::SubComp(k, steps, projection) => {
            let s = scope_ident(*k);
            let b = builder();
            let steps = steps.iter().map(step);
            let projection = expr(projection);
            quote!({
                let #s = ::colt::__private::PlanBuilder::scope(#b);
                #(#steps)*
                #projection
            })
        }
        QExpr::Const(e) => {
            let span = syn::spanned::Spanned::span(e);
            // A literal as a hybrid method's body holds it: `fn c(&self) -> i64 { 5 }`.
            let e = super::literal::literal_i64(e).unwrap_or_else(|| e.clone());
            call(span, "constant", quote_spanned!(span=> &(#e)))
        }
        QExpr::Hybrid(var, method) => quote_spanned!(method.span()=> #var.#method()),
        QExpr::InSub(span, sub, elem) => checked_call(*span, "in_sub", vec![expr(sub), expr(elem)]),
    }
}

fn scope_ident(k: usize) -> syn::Ident {
    format_ident!("__colt_s{}", k, span = Span::mixed_site())
}

/// One step of the plan's description. Conditions are computed into a local before the
/// builder is called, so that sub-comprehensions inside them may use the builder too.
fn step(s: &Step) -> TokenStream {
    let b = builder();
    match s {
        Step::Source {
            var,
            path,
            alias,
            sub,
        } => {
            let v = var_ident(*var);
            let span = syn::spanned::Spanned::span(path);
            match sub {
                None => quote_spanned!(span=>
                    ::colt::__private::Entity::__check(::core::marker::PhantomData::<#path>);
                    let #v = ::colt::__private::PlanBuilder::source::<#path>(#b, #alias);
                ),
                Some(k) => {
                    let s = scope_ident(*k);
                    quote_spanned!(span=> let #v = ::colt::__private::PlanBuilder::source_in::<#path>(#b, #s, #alias);)
                }
            }
        }
        Step::SourceSet {
            var,
            set,
            alias,
            sub,
            left,
        } => {
            let v = var_ident(*var);
            let span = syn::spanned::Spanned::span(set);
            match sub {
                None if *left => {
                    quote_spanned!(span=> let #v = ::colt::__private::PlanBuilder::source_set_left(#b, &#set, #alias);)
                }
                None => {
                    quote_spanned!(span=> let #v = ::colt::__private::PlanBuilder::source_set(#b, &#set, #alias);)
                }
                Some(k) => {
                    let s = scope_ident(*k);
                    quote_spanned!(span=> let #v = ::colt::__private::PlanBuilder::source_set_in(#b, #s, &#set, #alias);)
                }
            }
        }
        Step::Bind(bind) => binds(std::slice::from_ref(bind)),
        Step::Filter(bs, e, span) => {
            let (bs, e) = (binds(bs), expr(e));
            let call = checked_step(*span, "filter", quote!(#b,), vec![e]);
            quote_spanned!(*span=> { #bs #call; })
        }
        Step::SubFilter(k, e, span) => {
            let s = scope_ident(*k);
            let call = checked_step(*span, "filter_in", quote!(#b, #s,), vec![expr(e)]);
            quote_spanned!(*span=> { #call; })
        }
        Step::Order(bs, e, span) => {
            // Each item is checked at its own tokens: JSON cannot order a query (the two
            // backends order it differently).
            let mut items = Vec::new();
            order_items(e, &mut Vec::new(), &mut items);
            let order = format_ident!("__colt_order", span = *span);
            let checks = items.iter().map(|(path, at)| {
                let fields = path.iter().map(|&i| syn::Index::from(i));
                quote_spanned!(*at=> ::colt::__private::Sorted::__check(
                    (&&::colt::__private::OrderKeyProbe(&#order #(.#fields)*)).__colt_sql()
                );)
            });
            let (bs, e) = (binds(bs), expr(e));
            quote_spanned!(*span=> {
                #bs
                let #order = #e;
                {
                    #[allow(unused_imports)]
                    use ::colt::__private::{NoOrderKey as _, OrderKeyType as _};
                    #(#checks)*
                }
                ::colt::__private::PlanBuilder::order_by(#b, #order);
            })
        }
        Step::Assign(bs, attr, Some(e), span) => {
            let (bs, e) = (binds(bs), expr(e));
            let attr = attribute_ref(attr, *span);
            let call = checked_step(*span, "assign", quote!(#b,), vec![attr, e]);
            quote_spanned!(*span=> { #bs #call; })
        }
        Step::Assign(bs, attr, None, span) => {
            let bs = binds(bs);
            let attr = attribute_ref(attr, *span);
            let call = checked_step(*span, "assign_null", quote!(#b,), vec![attr]);
            quote_spanned!(*span=> { #bs #call; })
        }
    }
}

/// `&attr`, spanned at the attribute's first token (where a mistake about the attribute is
/// shown), or at `span` (the `=`) without one.
fn attribute_ref(attr: &TokenStream, span: Span) -> TokenStream {
    let at = attr.clone().into_iter().next().map_or(span, |t| t.span());
    quote_spanned!(at=> &#attr)
}

/// Every entity path the steps range over (generators and sub-comprehensions).
fn entity_paths<'a>(steps: &'a [Step], out: &mut Vec<&'a syn::Path>) {
    for s in steps {
        match s {
            Step::Source { path, .. } => out.push(path),
            Step::Filter(_, e, _)
            | Step::Order(_, e, _)
            | Step::SubFilter(_, e, _)
            | Step::Assign(_, _, Some(e), _) => entity_paths_in(e, out),
            Step::Assign(_, _, None, _) => {}
            Step::SourceSet { .. } | Step::Bind(_) => {}
        }
    }
}

/// Every entity path the sub-comprehensions of an expression range over.
fn entity_paths_in<'a>(e: &'a QExpr, out: &mut Vec<&'a syn::Path>) {
    match e {
        QExpr::SubComp(_, steps, projection) => {
            entity_paths(steps, out);
            entity_paths_in(projection, out);
        }
        QExpr::Binary(_, _, a, b) | QExpr::Method2(_, _, a, b) | QExpr::InSub(_, a, b) => {
            entity_paths_in(a, out);
            entity_paths_in(b, out);
        }
        QExpr::Unary(_, _, a) | QExpr::OuterContains(_, _, a) | QExpr::Cast(_, a, _) => {
            entity_paths_in(a, out)
        }
        QExpr::Agg(_, _, AggArg::Expr(a)) => entity_paths_in(a, out),
        QExpr::Agg(_, _, AggArg::Two(a, b)) => {
            entity_paths_in(a, out);
            entity_paths_in(b, out);
        }
        QExpr::Tuple(items) | QExpr::Call(_, _, items) => {
            items.iter().for_each(|i| entity_paths_in(i, out))
        }
        QExpr::Var(_)
        | QExpr::Attr(..)
        | QExpr::Key(_)
        | QExpr::Param(..)
        | QExpr::Agg(..)
        | QExpr::Const(_)
        | QExpr::Hybrid(..) => {}
    }
}

/// A hybrid method's lowered body, as an expression of the method on the column handles.
pub(crate) fn hybrid_body(e: &QExpr) -> TokenStream {
    expr(e)
}

/// The entities of this instantiation of the call site. A `select!` inside a generic
/// function (`fn all<T: Entity>() { select!(x for x in T) }`) has one `static` site for every
/// `T`, so the site keeps its plans per list of entities. A path that is not an entity gives
/// `None` here: its error is reported once, where the query uses it.
fn site_entities(q: &Lowered) -> TokenStream {
    let mut paths = Vec::new();
    entity_paths(&q.steps, &mut paths);
    if let Some((_, e)) = &q.projection {
        entity_paths_in(e, &mut paths);
    }
    let metas = paths.iter().map(|path| {
        let span = syn::spanned::Spanned::span(path);
        quote_spanned!(span=> ::colt::__private::SitePart::Entity(
            (&::colt::__private::MetaProbe::<#path>::new()).colt_meta()
        ))
    });
    // The outer values' types too: the plan's shape depends on them.
    let params = (0..q.params.len()).map(|i| {
        let id = param_ident(i);
        quote!(::colt::__private::param_type(#id))
    });
    quote!({
        #[allow(unused_imports)]
        use ::colt::__private::{ProbeEntity as _, ProbeOther as _};
        [#(#metas,)* #(#params),*]
    })
}

pub(crate) fn expand(q: &Lowered) -> TokenStream {
    let p = p();
    let entities = site_entities(q);
    let b = builder();
    // Each outer value in the order Rust evaluates it: a hoisted one before the parameter
    // that came after it.
    let param_lets = q.params.iter().enumerate().map(|(i, d)| {
        let hoisted = q.hoisted.iter().enumerate().filter(|(_, (at, _))| *at == i);
        let hoisted = hoisted.map(|(h, (_, e))| {
            let id = crate::query::lower::hoisted_ident(h);
            quote!(let #id = &(#e);)
        });
        let id = param_ident(i);
        let e = &d.expr;
        let at = syn::spanned::Spanned::span(e);
        quote_spanned!(at=> #(#hoisted)* let #id = &(#e);)
    });
    // (One with no parameter after it is never read: a copy of it is always a parameter.)
    let hoisted_lets = q
        .hoisted
        .iter()
        .enumerate()
        .filter(|(_, (at, _))| *at >= q.params.len())
        .map(|(h, (_, e))| {
            let id = crate::query::lower::hoisted_ident(h);
            quote!(let #id = &(#e);)
        });
    let param_values = q.params.iter().enumerate().map(|(i, d)| {
        let id = param_ident(i);
        match d.kind {
            // `TypedParam`'s own method, spanned at the value: a value that cannot be sent is
            // reported there, with no note naming Colt's function (and once: its uses in the
            // query call the same trait's methods at the same span).
            ParamKind::Value => {
                let at = syn::spanned::Spanned::span(&d.expr);
                let v = format_ident!("__colt_value", span = at);
                quote_spanned!(at=> { let #v = #id; ::colt::__private::TypedParam::__value(#v) })
            }
            ParamKind::Contains => quote!(#p::contains_value(#id)),
        }
    });
    let n_params = q.params.len();
    // A literal written twice is one value: the plan is told, so that a grouped query's
    // ordering matches the value it selects (`runtime/src/plan/group_keys.rs`).
    let literals: Vec<Option<String>> = q
        .params
        .iter()
        .map(|d| (d.plain && d.kind == ParamKind::Value).then(|| d.expr.to_string()))
        .collect();
    let mut same = Vec::new();
    for (later, text) in literals.iter().enumerate() {
        let Some(text) = text else { continue };
        if let Some(earlier) = literals[..later]
            .iter()
            .position(|e| e.as_ref() == Some(text))
        {
            same.push(quote!((#later, #earlier)));
        }
    }
    let same = if same.is_empty() {
        TokenStream::new()
    } else {
        quote!(#b.same_params(&[#(#same),*]);)
    };
    // With `outer.contains(..)` parameters, the site is told which are query values.
    let has_contains = q.params.iter().any(|d| d.kind == ParamKind::Contains);
    let subs = q.params.iter().enumerate().map(|(i, d)| {
        let id = param_ident(i);
        match d.kind {
            ParamKind::Value => quote!(::core::option::Option::None),
            ParamKind::Contains => quote!(#p::sub_query(#id)),
        }
    });
    let subs = quote!(::std::vec![#(#subs),*]);
    let steps = q.steps.iter().map(step);
    let runtime = q
        .runtime
        .iter()
        .map(|(name, args)| quote!(.#name(#(#args),*)));
    let body = match &q.origin {
        Origin::New => {
            let projection = match &q.projection {
                Some((bs, e)) => {
                    let (bs, e) = (binds(bs), expr(e));
                    quote!({ #bs #e })
                }
                None => {
                    let v = var_ident(0);
                    quote!(#p::entity(&#v))
                }
            };
            let (run, subs) = if has_contains {
                (quote!(query_with), quote!(#subs,))
            } else {
                (quote!(query), TokenStream::new())
            };
            quote! {
                static __COLT_SITE: #p::QuerySite = #p::QuerySite::new();
                __COLT_SITE.#run(
                    &#entities,
                    #subs
                    |#b: &#p::PlanBuilder| {
                        #b.params(#n_params);
                        #same
                        #(#steps)*
                        #projection
                    },
                    ::std::vec![#(#param_values),*],
                )
            }
        }
        Origin::Refine(base) => {
            let vars = (0..q.var_count).map(var_ident);
            // Spanned at the query value, so that a query that cannot be refined is reported there.
            let span = base
                .clone()
                .into_iter()
                .next()
                .map_or_else(Span::call_site, |t| t.span());
            let (refine, subs) = if has_contains {
                (
                    quote_spanned!(span=> ::colt::__private::RefineSite::refine_with),
                    quote!(#subs,),
                )
            } else {
                (
                    quote_spanned!(span=> ::colt::__private::RefineSite::refine),
                    TokenStream::new(),
                )
            };
            // The query value is checked first, at its own span, as the refinement's argument
            // is: a query that cannot be refined is one error there (see `checks.rs`).
            let base_id = format_ident!("__colt_base", span = span);
            let check = quote_spanned!(span=>
                let #base_id = &(#base);
                ::colt::__private::Refinable::__check(::colt::__private::query_item_of(#base_id));
            );
            quote! {
                static __COLT_SITE: #p::RefineSite = #p::RefineSite::new();
                #check
                #refine(
                    &__COLT_SITE,
                    #base_id,
                    &#entities,
                    #subs
                    |#b: &#p::PlanBuilder, __colt_vars| {
                        #b.params(#n_params);
                        #same
                        let (#(#vars,)*) = __colt_vars;
                        #(#steps)*
                    },
                    ::std::vec![#(#param_values),*],
                )
            }
        }
    };
    quote! {
        {
            #(#param_lets)*
            #(#hoisted_lets)*
            #body #(#runtime)*
        }
    }
}

/// The items of an `order_by` expression (a tuple's fields, recursively), each as its path of
/// tuple fields and the span of its first token: `desc`, `nulls_first`/`nulls_last` wrap an
/// item, `random()` orders by nothing of the rows.
fn order_items(e: &QExpr, path: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, Span)>) {
    match e {
        QExpr::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i);
                order_items(item, path, out);
                path.pop();
            }
        }
        QExpr::Call("random", ..) => {}
        QExpr::Unary(crate::query::ops::UnaryOp::Desc, _, inner) => {
            out.push((path.clone(), checked_at(inner)));
        }
        QExpr::Call("nulls_first" | "nulls_last", _, args) => match args.first() {
            Some(QExpr::Unary(crate::query::ops::UnaryOp::Desc, _, inner)) => {
                out.push((path.clone(), checked_at(inner)));
            }
            Some(inner) => out.push((path.clone(), checked_at(inner))),
            None => {}
        },
        other => out.push((path.clone(), checked_at(other))),
    }
}

/// Where an order item's check points: its expression's first token.
fn checked_at(e: &QExpr) -> Span {
    expr(e)
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}
