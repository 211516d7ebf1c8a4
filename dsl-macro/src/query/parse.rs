//! Parsing `select!` input into [`QueryInput`].

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;

use crate::query::ast::{Base, Clause, Comprehension, Method, QueryInput};

/// Whether `tokens` hold a `for` keyword at their top level (not inside a group).
fn has_top_level_for(tokens: &TokenStream) -> bool {
    tokens
        .clone()
        .into_iter()
        .any(|t| matches!(&t, TokenTree::Ident(i) if i == "for"))
}

const FORMS: &str = "expected a query: `p for p in Product if ..`, `(p for p in Product).order_by(|p| ..)`, `Product.filter(|p| ..).map(|p| ..)` or `q.filter(|p| ..)` for an existing query `q`";

pub(crate) fn parse(tokens: TokenStream) -> syn::Result<QueryInput> {
    let all = tokens.clone();
    parse_forms(tokens).map_err(|e| match cast_then_less_than(&all) {
        // syn read `f64 < 3.0` as a type with generic arguments, and says "expected `,`".
        Some((span, ty)) => syn::Error::new(
            span,
            format!("`<` after `as {ty}` starts generic arguments of `{ty}`, as in Rust: put the cast in parentheses, `(x as {ty}) < ..`"),
        ),
        None => e,
    })
}

/// The first `as T <` in `tokens` (or their groups): where the `<` is, and `T`.
fn cast_then_less_than(tokens: &TokenStream) -> Option<(proc_macro2::Span, String)> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for (k, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Group(g) => {
                if let Some(found) = cast_then_less_than(&g.stream()) {
                    return Some(found);
                }
            }
            TokenTree::Ident(i) if i == "as" => {
                if let (Some(TokenTree::Ident(ty)), Some(TokenTree::Punct(p))) =
                    (trees.get(k + 1), trees.get(k + 2))
                {
                    if p.as_char() == '<' {
                        return Some((p.span(), ty.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_forms(tokens: TokenStream) -> syn::Result<QueryInput> {
    if tokens.is_empty() {
        return Err(syn::Error::new(proc_macro2::Span::call_site(), FORMS));
    }
    if has_top_level_for(&tokens) {
        let comp = (|input: ParseStream| parse_comprehension(input))
            .parse2(wrap_sub_comprehensions(tokens))?;
        return Ok(QueryInput {
            base: Base::Comprehension(comp),
            methods: Vec::new(),
        });
    }
    // `left_join(<comprehension>)`, then methods: PonyORM's `left_join`.
    let mut iter = tokens.clone().into_iter();
    if let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(g))) = (iter.next(), iter.next()) {
        if name == "left_join"
            && g.delimiter() == Delimiter::Parenthesis
            && has_top_level_for(&g.stream())
        {
            let mut comp = (|input: ParseStream| parse_comprehension(input))
                .parse2(wrap_sub_comprehensions(g.stream()))?;
            comp.left_join = true;
            let rest: TokenStream = iter.collect();
            let methods = parse_methods.parse2(wrap_sub_comprehensions(rest))?;
            return Ok(QueryInput {
                base: Base::Comprehension(comp),
                methods,
            });
        }
    }
    let mut iter = tokens.clone().into_iter();
    if let Some(TokenTree::Group(g)) = iter.next() {
        if g.delimiter() == Delimiter::Parenthesis && has_top_level_for(&g.stream()) {
            let comp = (|input: ParseStream| parse_comprehension(input))
                .parse2(wrap_sub_comprehensions(g.stream()))?;
            let rest: TokenStream = iter.collect();
            let methods = parse_methods.parse2(wrap_sub_comprehensions(rest))?;
            return Ok(QueryInput {
                base: Base::Comprehension(comp),
                methods,
            });
        }
    }
    // Sub-comprehensions inside the closures of a chain or a refinement
    // (`Student.filter(|s| exists(x for x in Student if ..))`) are wrapped as in a
    // comprehension, so that every spelling accepts what the comprehension accepts.
    let expr: syn::Expr = syn::parse2(wrap_sub_comprehensions(tokens))
        .map_err(|e| syn::Error::new(e.span(), format!("{e}; {FORMS}")))?;
    chain(expr)
}

/// Parses a comprehension (for sub-comprehensions, from their `__colt_comp!{..}` tokens).
pub(crate) fn comprehension_parser(input: ParseStream) -> syn::Result<Comprehension> {
    parse_comprehension(input)
}

/// Wraps every parenthesised comprehension nested in `tokens` as `(__colt_comp!{ .. })`, so
/// that syn can parse the expressions around it (`sum(p.price for p in c.products)`).
fn wrap_sub_comprehensions(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => {
                let inner = wrap_sub_comprehensions(g.stream());
                let inner = if g.delimiter() == Delimiter::Parenthesis && has_top_level_for(&inner)
                {
                    let span = g.span();
                    let mac = proc_macro2::Ident::new("__colt_comp", span);
                    let mut bang = proc_macro2::Punct::new('!', proc_macro2::Spacing::Alone);
                    bang.set_span(span);
                    let mut body = proc_macro2::Group::new(Delimiter::Brace, inner);
                    body.set_span(span);
                    [
                        TokenTree::Ident(mac),
                        TokenTree::Punct(bang),
                        TokenTree::Group(body),
                    ]
                    .into_iter()
                    .collect()
                } else {
                    inner
                };
                let mut out = proc_macro2::Group::new(g.delimiter(), inner);
                out.set_span(g.span());
                TokenTree::Group(out)
            }
            other => other,
        })
        .collect()
}

fn parse_comprehension(input: ParseStream) -> syn::Result<Comprehension> {
    if input.peek(syn::Token![for]) {
        return Err(input.error(
            "a comprehension starts with what it selects: `p for p in Product if ..` or `p.name for p in Product`",
        ));
    }
    let projection = syn::Expr::parse_without_eager_brace(input)?;
    let mut clauses = Vec::new();
    if !input.peek(syn::Token![for]) {
        return Err(input.error("expected `for` after the projection: `p.name for p in Product`"));
    }
    while !input.is_empty() {
        if input.peek(syn::Token![for]) {
            let _for: syn::Token![for] = input.parse()?;
            let var: syn::Ident = match syn::Pat::parse_single(input) {
                Ok(syn::Pat::Ident(p))
                    if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() =>
                {
                    p.ident
                }
                Ok(other) => {
                    return Err(syn::Error::new_spanned(
                        other,
                        "a generator binds one variable name: `for p in Product`",
                    ))
                }
                Err(e) => return Err(e),
            };
            if !input.peek(syn::Token![in]) {
                return Err(input.error(format!(
                    "expected `in` after `for {var}`: `for {var} in Product`"
                )));
            }
            let _in: syn::Token![in] = input.parse()?;
            if input.is_empty() || input.peek(syn::Token![if]) || input.peek(syn::Token![for]) {
                return Err(input.error(format!(
                    "expected what `{var}` ranges over: `for {var} in Product`"
                )));
            }
            let source = syn::Expr::parse_without_eager_brace(input)?;
            clauses.push(Clause::For { var, source });
        } else if input.peek(syn::Token![if]) {
            let _if: syn::Token![if] = input.parse()?;
            if input.is_empty() {
                return Err(input.error("expected a condition after `if`"));
            }
            let cond = syn::Expr::parse_without_eager_brace(input)?;
            clauses.push(Clause::If { cond });
        } else {
            return Err(input
                .error("expected `for var in Entity` or `if condition` (`&&` joins conditions)"));
        }
    }
    Ok(Comprehension {
        projection,
        clauses,
        left_join: false,
    })
}

fn parse_methods(input: ParseStream) -> syn::Result<Vec<Method>> {
    let mut methods = Vec::new();
    while !input.is_empty() {
        let dot: syn::Token![.] = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), "expected `.method(..)` after the query"))?;
        let name: syn::Ident = input.parse()?;
        let content;
        let paren = syn::parenthesized!(content in input);
        let args =
            content.parse_terminated(<syn::Expr as syn::parse::Parse>::parse, syn::Token![,])?;
        let span = dot.span.join(paren.span.close()).unwrap_or(name.span());
        methods.push(Method {
            name,
            args: args.into_iter().collect(),
            span,
        });
    }
    Ok(methods)
}

/// The methods `select!` itself understands after a query.
pub(crate) const QUERY_METHODS: &[&str] = &[
    "filter",
    "order_by",
    "map",
    "set",
    "limit",
    "offset",
    "page",
    "distinct",
    "without_distinct",
];

/// Takes `Base.m1(..).m2(..)` apart: query methods are peeled off from the right; what is
/// left is an entity (`Product`), an existing query (`q`, `make_query(..)`), or a mistake.
fn chain(expr: syn::Expr) -> syn::Result<QueryInput> {
    let mut methods = Vec::new();
    let mut cur = expr;
    loop {
        match cur {
            syn::Expr::MethodCall(m) if QUERY_METHODS.contains(&m.method.to_string().as_str()) => {
                if let Some(t) = &m.turbofish {
                    return Err(syn::Error::new_spanned(
                        t,
                        "query methods take no type arguments",
                    ));
                }
                let span = m.span();
                methods.push(Method {
                    name: m.method,
                    args: m.args.into_iter().collect(),
                    span,
                });
                cur = *m.receiver;
            }
            syn::Expr::Paren(p) => cur = *p.expr,
            other => {
                methods.reverse();
                let base = match other {
                    syn::Expr::Path(p) if p.qself.is_none() => Base::Path(p.path),
                    syn::Expr::MethodCall(m) if rooted_at_type(&m.receiver) => {
                        // `Product.filtr(..)`: a misspelled query method, not a query value.
                        methods.insert(
                            0,
                            Method {
                                span: m.span(),
                                name: m.method,
                                args: m.args.into_iter().collect(),
                            },
                        );
                        Base::Path(
                            root_path(&m.receiver)
                                .ok_or_else(|| syn::Error::new_spanned(&m.receiver, FORMS))?,
                        )
                    }
                    syn::Expr::Lit(_) | syn::Expr::Closure(_) | syn::Expr::Binary(_) => {
                        return Err(syn::Error::new_spanned(other, FORMS));
                    }
                    other => Base::Existing(other),
                };
                return Ok(QueryInput { base, methods });
            }
        }
    }
}

fn root_path(e: &syn::Expr) -> Option<syn::Path> {
    match e {
        syn::Expr::Path(p) if p.qself.is_none() => Some(p.path.clone()),
        syn::Expr::MethodCall(m) => root_path(&m.receiver),
        syn::Expr::Paren(p) => root_path(&p.expr),
        _ => None,
    }
}

/// Whether a chain of method calls starts at an upper-case path (an entity type).
fn rooted_at_type(e: &syn::Expr) -> bool {
    root_path(e)
        .and_then(|p| p.segments.last().map(|s| s.ident.to_string()))
        .is_some_and(|name| name.starts_with(|c: char| c.is_uppercase()))
}
