//! Lowering: one canonical form for both spellings. Decides which names are query variables
//! and which expressions are Rust values (bind parameters), classifies calls and methods, and
//! collects every error at the user's token.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::diag::{closest, Errors};

mod closure_order;
mod closure_types;
mod expr;
mod hoist;
mod own_aggregates;

use crate::entity::snake_case;
use crate::query::ast::{Base, Clause, Comprehension, Method, QueryInput};
use crate::query::ops::{Aggregate, BinaryOp, MethodOp, UnaryOp};
use crate::query::parse::QUERY_METHODS;
pub(crate) use hoist::hoisted_ident;

/// What a query can contain, for error messages.
pub(crate) const SUPPORTED: &str = "a query can use attributes (`p.price`), comparisons (`== != < <= > >=`), `&&`, `||`, `!`, arithmetic (`+ - * / %`), `.is_none()`/`.is_some()`, `.is_some_and(|v| ..)`/`.is_none_or(|v| ..)`, string methods (`.starts_with(x)`, `.ends_with(x)`, `.contains(x)`, `.to_lowercase()`, `.to_uppercase()`, `.trim()`, `.trim_start()`, `.trim_end()`, `.replace(a, b)`, `.like(pattern)`, `.len()`, `.chars().count()`, `&s[a..b]`, `+` to concatenate), numbers (`.abs()`, `.round()`, `x as f64`, `x as i64`), `.unwrap_or(x)`, `if c { a } else { b }`, `match x { A => a, B | C => b, _ => c }`, date parts (`.year()`, `.month()`, `.day()`, `.hour()`, `.minute()`, `.second()`), `outer.contains(&p.attr)`, `(a..=b).contains(&p.attr)`, aggregates (`count`, `sum`, `avg`, `min`, `max`, `count_distinct`, `sum_distinct`, `avg_distinct`, `group_concat`) and, in `order_by`, `desc(..)`, `nulls_first(..)`, `nulls_last(..)`, `random()`; any other expression must not use query variables (it is computed in Rust and sent as a parameter)";

const TERMINALS: &[&str] = &["fetch", "first", "one", "count", "exists", "delete", "sql"];

/// A lowered query expression.
pub(crate) enum QExpr {
    /// A query variable used as a value.
    Var(syn::Ident),
    /// An attribute path rooted at a query variable (`p.price`), as the user wrote it;
    /// `true` when it is selected (a reference then yields its object).
    Attr(TokenStream, Span, bool),
    /// A query variable compared with another object: its key.
    Key(syn::Ident),
    /// Bind parameter `index`.
    Param(usize, Span),
    /// A binary operation.
    Binary(BinaryOp, Span, Box<QExpr>, Box<QExpr>),
    /// A function of one expression (`!`, `-`, `is_none`, text functions, `desc`, `exists`).
    Unary(UnaryOp, Span, Box<QExpr>),
    /// A method with one argument (`starts_with`, ...).
    Method2(MethodOp, Span, Box<QExpr>, Box<QExpr>),
    /// `outer.contains(&elem)`, the outer value being parameter `index`.
    OuterContains(usize, Span, Box<QExpr>),
    /// An aggregate.
    Agg(Aggregate, Span, AggArg),
    /// A tuple (projection, ordering).
    Tuple(Vec<QExpr>),
    /// A sub-comprehension: a sub-query scope, its steps, and what it selects.
    SubComp(usize, Vec<Step>, Box<QExpr>),
    /// `sub.contains(&x)`: membership in a collection or sub-comprehension.
    InSub(Span, Box<QExpr>, Box<QExpr>),
    /// A runtime function of several expressions (`replace`, `if_else`).
    Call(&'static str, Span, Vec<QExpr>),
    /// `e as T`.
    Cast(Span, Box<QExpr>, Box<syn::Type>),
    /// A literal of a hybrid method's body, written into the SQL text.
    Const(syn::Expr),
    /// `p.is_cheap()`: a hybrid method of the entity of query variable `p`.
    Hybrid(syn::Ident, syn::Ident),
}

impl QExpr {
    /// Whether an aggregate of this query appears (sub-comprehensions aggregate their own rows).
    pub(crate) fn has_aggregate(&self) -> bool {
        match self {
            QExpr::Agg(..) => true,
            QExpr::Var(_)
            | QExpr::Attr(..)
            | QExpr::Key(_)
            | QExpr::Param(..)
            | QExpr::Const(_)
            | QExpr::Hybrid(..)
            | QExpr::SubComp(..) => false,
            QExpr::Binary(_, _, a, b) | QExpr::Method2(_, _, a, b) | QExpr::InSub(_, a, b) => {
                a.has_aggregate() || b.has_aggregate()
            }
            QExpr::Unary(_, _, a) | QExpr::OuterContains(_, _, a) | QExpr::Cast(_, a, _) => {
                a.has_aggregate()
            }
            QExpr::Tuple(items) | QExpr::Call(_, _, items) => {
                items.iter().any(QExpr::has_aggregate)
            }
        }
    }
}

/// What an aggregate is applied to.
pub(crate) enum AggArg {
    /// `count()`
    Nothing,
    /// `count(p)`
    Var(syn::Ident),
    /// `sum(p.price)`
    Expr(Box<QExpr>),
    /// `group_concat(p.name, ", ")`
    Two(Box<QExpr>, Box<QExpr>),
}

/// How a parameter's value is taken.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamKind {
    /// A plain value.
    Value,
    /// The receiver of `outer.contains(..)`.
    Contains,
}

/// An outer Rust expression evaluated once per run.
pub(crate) struct ParamDef {
    pub expr: TokenStream,
    pub kind: ParamKind,
    /// Whether the value is a literal: one written twice holds one value.
    pub plain: bool,
}

/// A name bound to query variable `var` for the code that follows.
#[derive(Clone)]
pub(crate) struct Bind {
    pub name: syn::Ident,
    pub var: usize,
}

/// One step of the plan's description, in source order.
pub(crate) enum Step {
    /// A new variable over entity `path`.
    Source {
        var: usize,
        path: syn::Path,
        alias: String,
        sub: Option<usize>,
    },
    /// A new variable over a collection (`for o in c.orders`); `left`: in a left join.
    SourceSet {
        var: usize,
        set: TokenStream,
        alias: String,
        sub: Option<usize>,
        left: bool,
    },
    /// A condition of a sub-comprehension.
    SubFilter(usize, QExpr, Span),
    /// Names for the following steps (comprehension scope).
    Bind(Bind),
    /// A condition, with closure-local names.
    Filter(Vec<Bind>, QExpr, Span),
    /// An ordering, with closure-local names.
    Order(Vec<Bind>, QExpr, Span),
    /// `attr = value` of `.set(|p| ..)`: the attribute's handle (`p.price`) and the value
    /// (`None`: NULL).
    Assign(Vec<Bind>, TokenStream, Option<QExpr>, Span),
}

/// Where the query's variables come from.
pub(crate) enum Origin {
    /// A new query over entities.
    New,
    /// A refinement of this existing query value.
    Refine(TokenStream),
}

/// The lowered query.
pub(crate) struct Lowered {
    pub origin: Origin,
    pub var_count: usize,
    pub steps: Vec<Step>,
    /// `None`: the first variable itself.
    pub projection: Option<(Vec<Bind>, QExpr)>,
    pub params: Vec<ParamDef>,
    /// Outer values evaluated once per run, each before the parameter at its position (see
    /// `Lowerer::hoisted`).
    pub hoisted: Vec<(usize, TokenStream)>,
    pub runtime: Vec<(syn::Ident, Vec<syn::Expr>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Condition,
    Projection,
    Order,
}

/// Names visible at one point: later entries shadow earlier ones.
#[derive(Clone, Default)]
struct Scope {
    names: Vec<String>,
}

impl Scope {
    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }
    fn push(&mut self, name: String) {
        self.names.push(name);
    }
}

struct Lowerer {
    errors: Errors,
    /// Lowering a hybrid method's body: no outer values, literals become SQL text.
    hybrid: bool,
    params: Vec<ParamDef>,
    /// Outer values the macro copies (a `match`'s scrutinee, into each arm's test),
    /// evaluated once per run (`__colt_s{i}`), before the parameter at the position given
    /// (the copies' parameters read them).
    hoisted: Vec<(usize, TokenStream)>,
    /// Sub-comprehensions made so far (each a sub-query scope).
    subs: usize,
    /// Variables of sub-comprehensions are numbered from 1000 on, apart from the query's own.
    next_sub_var: usize,
    /// Variables whose generator was an error: their uses report nothing more (one mistake,
    /// one error).
    broken: Vec<String>,
}

/// Finds uses of query variables inside a Rust expression.
struct Mentions<'a> {
    scope: &'a Scope,
    found: bool,
}

/// `count`, `sum`, ... are query functions wherever they appear in a query.
fn is_reserved_call(c: &syn::ExprCall) -> bool {
    match &*c.func {
        syn::Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
            matches!(
                i.to_string().as_str(),
                "count"
                    | "sum"
                    | "avg"
                    | "min"
                    | "max"
                    | "count_distinct"
                    | "sum_distinct"
                    | "avg_distinct"
                    | "group_concat"
                    | "nulls_first"
                    | "nulls_last"
                    | "random"
                    | "desc"
                    | "exists"
                    | "__colt_some"
            )
        }),
        _ => false,
    }
}

impl<'ast> Visit<'ast> for Mentions<'_> {
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if is_reserved_call(c) {
            self.found = true;
        }
        syn::visit::visit_expr_call(self, c);
    }
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() {
            if let Some(id) = p.path.get_ident() {
                if self.scope.has(&id.to_string()) {
                    self.found = true;
                }
            }
        }
        syn::visit::visit_expr_path(self, p);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if m.path.is_ident("__colt_comp") || tokens_mention(&m.tokens, self.scope) {
            self.found = true;
        }
    }
}

fn tokens_mention(tokens: &TokenStream, scope: &Scope) -> bool {
    tokens.clone().into_iter().any(|t| match t {
        TokenTree::Ident(i) => scope.has(&i.to_string()),
        TokenTree::Group(g) => tokens_mention(&g.stream(), scope),
        _ => false,
    })
}

fn mentions(e: &syn::Expr, scope: &Scope) -> bool {
    let mut m = Mentions {
        scope,
        found: false,
    };
    m.visit_expr(e);
    m.found
}

fn is_none_path(e: &syn::Expr) -> bool {
    matches!(e, syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident("None"))
}

fn strip(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Reference(r) => strip(&r.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        other => other,
    }
}

impl Lowerer {
    /// `|a, b| body` → the names and the body.
    fn closure<'a>(
        &mut self,
        method: &Method,
        arg: &'a syn::Expr,
    ) -> Option<(Vec<closure_types::Param>, &'a syn::Expr)> {
        let syn::Expr::Closure(c) = arg else {
            self.errors.at(
                arg,
                format!(
                    "`.{}` takes a closure over the query's variables: `.{}(|p| ..)`",
                    method.name, method.name
                ),
            );
            return None;
        };
        let mut names = Vec::new();
        for input in &c.inputs {
            let (pat, ty) = match input {
                syn::Pat::Type(t) => (&*t.pat, Some((*t.ty).clone())),
                other => (other, None),
            };
            match pat {
                syn::Pat::Ident(i) if i.by_ref.is_none() && i.subpat.is_none() => {
                    names.push((i.ident.clone(), ty))
                }
                other => {
                    self.errors.at(
                        other,
                        "a query closure names each variable: `|p| ..` or `|p, c| ..`",
                    );
                    return None;
                }
            }
        }
        Some((names, &c.body))
    }
}

impl Lowerer {
    /// The assignments of a `.set(..)` closure: `p.a = x`, `p.a += x` (..), or a block of
    /// them; each its attribute's tokens, its value (`p.a + x` for `+=`) and its span.
    fn assignments(
        &mut self,
        body: &syn::Expr,
        scope: &Scope,
    ) -> Vec<(TokenStream, syn::Expr, Span)> {
        let exprs: Vec<&syn::Expr> = match body {
            syn::Expr::Block(b) => {
                let mut out = Vec::new();
                for stmt in &b.block.stmts {
                    match stmt {
                        syn::Stmt::Expr(e, _) => out.push(e),
                        other => self.errors.at(
                            other,
                            "a `.set` closure holds assignments only: `|p| { p.a = x; p.b += 1 }`",
                        ),
                    }
                }
                out
            }
            other => vec![other],
        };
        let mut out = Vec::new();
        let mut assigned: Vec<String> = Vec::new();
        for e in exprs {
            let (lhs, rhs, span) = match e {
                syn::Expr::Assign(a) => ((*a.left).clone(), (*a.right).clone(), a.eq_token.span),
                syn::Expr::Binary(b) if compound(&b.op).is_some() => {
                    let (l, r) = (&b.left, &b.right);
                    let rhs: syn::Expr = match compound(&b.op) {
                        Some("+") => syn::parse_quote!((#l) + (#r)),
                        Some("-") => syn::parse_quote!((#l) - (#r)),
                        Some("*") => syn::parse_quote!((#l) * (#r)),
                        Some("/") => syn::parse_quote!((#l) / (#r)),
                        _ => syn::parse_quote!((#l) % (#r)),
                    };
                    ((**l).clone(), rhs, b.op.span())
                }
                other => {
                    self.errors.at(
                        other,
                        "a `.set` closure assigns attributes: `p.price = p.price * 2`, `p.stock -= 1`",
                    );
                    continue;
                }
            };
            // The attribute: `var.name`, of the query's own variables.
            let ok = match &lhs {
                syn::Expr::Field(f) => matches!(
                    (&*f.base, &f.member),
                    (syn::Expr::Path(p), syn::Member::Named(_))
                        if p.path.get_ident().is_some_and(|i| scope.has(&i.to_string()))
                ),
                _ => false,
            };
            if !ok {
                self.errors.at(
                    &lhs,
                    "`.set` assigns an attribute of the query's variable (`p.price = ..`), not a path through a reference (set that object instead)",
                );
                continue;
            }
            let name = lhs.to_token_stream().to_string();
            if assigned.contains(&name) {
                self.errors.at(
                    &lhs,
                    format!("`{name}` is assigned twice: every value of `.set` reads the row as it was before the update (SQL's `UPDATE`), so write one assignment"),
                );
                continue;
            }
            assigned.push(name);
            out.push((lhs.to_token_stream(), rhs, span));
        }
        out
    }
}

/// The operator of a compound assignment (`+=` ..).
fn compound(op: &syn::BinOp) -> Option<&'static str> {
    Some(match op {
        syn::BinOp::AddAssign(_) => "+",
        syn::BinOp::SubAssign(_) => "-",
        syn::BinOp::MulAssign(_) => "*",
        syn::BinOp::DivAssign(_) => "/",
        syn::BinOp::RemAssign(_) => "%",
        _ => return None,
    })
}

fn binds_for(names: &[syn::Ident]) -> (Vec<Bind>, Scope) {
    let mut scope = Scope::default();
    let binds = names
        .iter()
        .enumerate()
        .map(|(var, name)| {
            scope.push(name.to_string());
            Bind {
                name: name.clone(),
                var,
            }
        })
        .collect();
    (binds, scope)
}

/// A hybrid method's body (`self.price < 100`), `self` being the query variable.
pub(crate) fn lower_hybrid(body: &syn::Expr) -> syn::Result<QExpr> {
    let mut l = Lowerer {
        errors: Errors::default(),
        hybrid: true,
        params: Vec::new(),
        hoisted: Vec::new(),
        subs: 0,
        next_sub_var: 1000,
        broken: Vec::new(),
    };
    let scope = Scope {
        names: vec!["self".to_string()],
    };
    let lowered = l.lower(body, &scope, Ctx::Projection);
    l.errors.finish(())?;
    lowered.ok_or_else(|| syn::Error::new_spanned(body, "this body cannot become SQL"))
}

/// `select!(x for x in q if c ..)` over a query value `q` (PonyORM's select from a query):
/// `select!(q.filter(|x| c)..)`, a refinement, one statement. `None` when the comprehension
/// does not range over a query value; an error when it does in a way a refinement cannot say.
fn from_query_value(input: &QueryInput) -> Option<syn::Result<QueryInput>> {
    let Base::Comprehension(comp) = &input.base else {
        return None;
    };
    let Some(Clause::For { var, source }) = comp.clauses.first() else {
        return None;
    };
    let syn::Expr::Path(p) = strip(source) else {
        return None;
    };
    let query = p.path.get_ident()?;
    // Without a condition there is nothing to refine (and `for p in v` over a `Vec` keeps
    // the error that says what a generator ranges over).
    let conditions = comp.clauses.iter().any(|c| matches!(c, Clause::If { .. }));
    if !conditions || !query.to_string().starts_with(|c: char| c.is_lowercase()) {
        return None;
    }
    let mut errors = Errors::default();
    if comp.left_join {
        errors.at(
            source,
            "`left_join` ranges over collections, not over a query value",
        );
    }
    if let Some(Clause::For { source, .. }) = comp.clauses[1..]
        .iter()
        .find(|c| matches!(c, Clause::For { .. }))
    {
        errors.at(source, format!("a query value (`{query}`) can only be the only generator: its rows are refined (`select!(x for x in {query} if ..)`), not joined"));
    }
    match strip(&comp.projection) {
        syn::Expr::Path(v) if v.path.is_ident(var) => {}
        other => errors.at(other, format!("selecting from a query value keeps what it returns: `select!({var} for {var} in {query} if ..)`; a new projection from a query value is not supported yet (write the whole query in one `select!`)")),
    }
    let mut methods: Vec<Method> = comp
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::If { cond } => {
                let span = cond.span();
                let closure: syn::Expr = syn::parse_quote_spanned!(span=> |#var| #cond);
                Some(Method {
                    name: syn::Ident::new("filter", span),
                    args: vec![closure],
                    span,
                })
            }
            Clause::For { .. } => None,
        })
        .collect();
    methods.extend(input.methods.iter().map(|m| Method {
        name: m.name.clone(),
        args: m.args.clone(),
        span: m.span,
    }));
    Some(errors.finish(QueryInput {
        base: Base::Path(p.path.clone()),
        methods,
    }))
}

pub(crate) fn lower(input: QueryInput) -> syn::Result<Lowered> {
    let input = match from_query_value(&input) {
        Some(refined) => refined?,
        None => input,
    };
    let mut l = Lowerer {
        errors: Errors::default(),
        hybrid: false,
        params: Vec::new(),
        hoisted: Vec::new(),
        subs: 0,
        next_sub_var: 1000,
        broken: Vec::new(),
    };
    let mut steps = Vec::new();
    let mut projection = None;
    let mut var_count = 0;
    let mut origin = Origin::New;
    let mut closure_arity: Option<usize> = None;
    let mut map_allowed = false;

    match &input.base {
        Base::Comprehension(comp) => {
            var_count = lower_comprehension(&mut l, comp, &mut steps, &mut projection);
            closure_arity = Some(var_count);
        }
        Base::Path(path) => {
            let single = path.get_ident();
            let lower_case = single.is_some_and(|i| {
                i.to_string()
                    .starts_with(|c: char| c.is_lowercase() || c == '_')
            });
            if lower_case {
                origin = Origin::Refine(path.to_token_stream());
            } else {
                let alias = input
                    .methods
                    .iter()
                    .find_map(|m| match m.args.first() {
                        Some(syn::Expr::Closure(c)) => c.inputs.first().and_then(|p| match p {
                            syn::Pat::Ident(i) => Some(i.ident.to_string()),
                            _ => None,
                        }),
                        _ => None,
                    })
                    .unwrap_or_else(|| {
                        path.segments
                            .last()
                            .map(|s| snake_case(&s.ident.to_string()))
                            .unwrap_or_else(|| "t".into())
                    });
                steps.push(Step::Source {
                    var: 0,
                    path: path.clone(),
                    alias,
                    sub: None,
                });
                var_count = 1;
                closure_arity = Some(1);
                map_allowed = true;
            }
        }
        Base::Existing(e) => origin = Origin::Refine(e.to_token_stream()),
    }

    let mut runtime = Vec::new();
    // The first `.limit`, `.offset` or `.page`: a limit applies to the rows of the whole
    // query, so a filter, an order or a projection written after it would apply before it
    // (to other rows than the ones the chain reads as limited).
    let mut limited: Option<String> = None;
    // The entity written for each variable, to check the closures' annotations against.
    let written = closure_types::written_entities(&input.base);
    for (i, m) in input.methods.iter().enumerate() {
        let name = m.name.to_string();
        match name.as_str() {
            "filter" | "order_by" | "map" if limited.is_some() => {
                let limit = limited.as_deref().unwrap_or("limit");
                l.errors.at(
                    &m.name,
                    format!(
                        "`.{name}` cannot follow `.{limit}`: a limit applies last, to the rows the whole query selects; write `.{name}(..)` before `.{limit}(..)`"
                    ),
                );
            }
            "filter" | "order_by" | "map" => {
                if m.args.len() != 1 {
                    l.errors.at(
                        &m.name,
                        format!("`.{name}` takes one closure: `.{name}(|p| ..)`"),
                    );
                    continue;
                }
                if name == "map" {
                    if !map_allowed {
                        let why = match input.base {
                            Base::Comprehension(_) => "a comprehension already says what it selects (before `for`)",
                            Base::Path(_) | Base::Existing(_) => "an existing query keeps its projection; refine it with `.filter` and `.order_by`",
                        };
                        l.errors
                            .at(&m.name, format!("`.map` is not allowed here: {why}"));
                        continue;
                    }
                    let later = input.methods[i + 1..].iter().find(|n| {
                        matches!(n.name.to_string().as_str(), "filter" | "order_by" | "map")
                    });
                    if let Some(later) = later {
                        l.errors.at(&later.name, format!("`.{}` cannot follow `.map`: `.map` comes last, `Product.filter(..).order_by(..).map(|p| ..)`", later.name));
                    }
                }
                let Some((typed, body)) = l.closure(m, &m.args[0]) else {
                    continue;
                };
                if let Some(e) = closure_types::mistyped(&written, &typed) {
                    l.errors.push(e);
                    continue;
                }
                let names: Vec<syn::Ident> = typed.into_iter().map(|(n, _)| n).collect();
                if let Base::Comprehension(comp) = &input.base {
                    if let Some(why) = closure_order::misordered(comp, &names) {
                        l.errors.at(&m.args[0], why);
                        continue;
                    }
                }
                match closure_arity {
                    Some(n) if n != names.len() => {
                        l.errors.at(
                            &m.args[0],
                            format!(
                                "the closure of `.{name}` takes {n} argument{} (the query's variable{}), found {}",
                                if n == 1 { "" } else { "s" },
                                if n == 1 { "" } else { "s, in order" },
                                names.len()
                            ),
                        );
                        continue;
                    }
                    Some(_) => {}
                    None => {
                        if names.is_empty() {
                            l.errors.at(&m.args[0], format!("the closure of `.{name}` takes the query's variables: `|p| ..`"));
                            continue;
                        }
                        closure_arity = Some(names.len());
                        var_count = names.len();
                    }
                }
                let (binds, scope) = binds_for(&names);
                let ctx = match name.as_str() {
                    "filter" => Ctx::Condition,
                    "order_by" => Ctx::Order,
                    _ => Ctx::Projection,
                };
                let lowered = match ctx {
                    Ctx::Condition => l.condition(body, &scope),
                    _ => l.lower(body, &scope, ctx),
                };
                let Some(e) = lowered else {
                    continue;
                };
                match name.as_str() {
                    "filter" => steps.push(Step::Filter(binds, e, body.span())),
                    "order_by" => steps.push(Step::Order(binds, e, body.span())),
                    _ => projection = Some((binds, e)),
                }
            }
            "set" => {
                if m.args.len() != 1 {
                    l.errors.at(
                        &m.name,
                        "`.set` takes one closure of assignments: `.set(|p| p.price = p.price * 2)`",
                    );
                    continue;
                }
                let Some((typed, body)) = l.closure(m, &m.args[0]) else {
                    continue;
                };
                if let Some(e) = closure_types::mistyped(&written, &typed) {
                    l.errors.push(e);
                    continue;
                }
                let names: Vec<syn::Ident> = typed.into_iter().map(|(n, _)| n).collect();
                if let Base::Comprehension(comp) = &input.base {
                    if let Some(why) = closure_order::misordered(comp, &names) {
                        l.errors.at(&m.args[0], why);
                        continue;
                    }
                }
                if let Some(n) = closure_arity.filter(|n| *n != names.len()) {
                    l.errors.at(
                        &m.args[0],
                        format!("the closure of `.set` takes {n} argument{} (the query's variables, in order), found {}", if n == 1 { "" } else { "s" }, names.len()),
                    );
                    continue;
                }
                if closure_arity.is_none() {
                    // An existing query value: its variables, named here.
                    closure_arity = Some(names.len());
                    var_count = names.len();
                }
                let (binds, scope) = binds_for(&names);
                for (lhs, rhs, span) in l.assignments(body, &scope) {
                    if is_none_path(strip(&rhs)) {
                        steps.push(Step::Assign(binds.clone(), lhs, None, span));
                        continue;
                    }
                    let Some(value) = l.lower(&rhs, &scope, Ctx::Condition) else {
                        continue;
                    };
                    steps.push(Step::Assign(binds.clone(), lhs, Some(value), span));
                }
            }
            "limit" | "offset" | "page" | "distinct" | "without_distinct" => {
                let want = match name.as_str() {
                    "limit" | "offset" => 1,
                    "page" => 2,
                    _ => 0,
                };
                if m.args.len() != want {
                    l.errors.at(
                        &m.name,
                        format!(
                            "`.{name}` takes {want} argument{}",
                            if want == 1 { "" } else { "s" }
                        ),
                    );
                    continue;
                }
                if matches!(name.as_str(), "limit" | "offset" | "page") && limited.is_none() {
                    limited = Some(name.clone());
                }
                runtime.push((m.name.clone(), m.args.clone()));
            }
            other => {
                let _ = m.span;
                let msg = if TERMINALS.contains(&other) {
                    format!("`.{other}(..)` runs the query: call it on the result of `select!`, e.g. `select!(..).{other}(tx)`")
                } else {
                    let hint = closest(other, QUERY_METHODS)
                        .map(|c| format!("did you mean `{c}`? "))
                        .unwrap_or_default();
                    format!(
                        "unknown query method `{other}`; {hint}a query takes {}",
                        QUERY_METHODS
                            .iter()
                            .map(|m| format!("`.{m}(..)`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                l.errors.at(&m.name, msg);
            }
        }
    }
    if let Origin::Refine(q) = &origin {
        if var_count == 0 {
            l.errors.at(
                q,
                format!("refine an existing query with a closure: `select!({q}.filter(|p| ..))`"),
            );
        }
    }
    // Ordering by an aggregate needs groups to order (a query whose projection aggregates),
    // or a collection to aggregate for each row.
    let projection_aggregates = projection.as_ref().is_some_and(|(_, e)| e.has_aggregate());
    if !projection_aggregates && !matches!(origin, Origin::Refine(_)) {
        let mut errors = Vec::new();
        own_aggregates::check(&mut steps, own_aggregates::Place::Order, &mut errors);
        // A query of whole objects of its one variable is grouped by them, one row a group:
        // a condition's aggregate of its own rows would compare each row with itself.
        let whole_objects =
            var_count == 1 && matches!(&projection, None | Some((_, QExpr::Var(_))));
        if whole_objects {
            own_aggregates::check(&mut steps, own_aggregates::Place::Condition, &mut errors);
        }
        for e in errors {
            l.errors.push(e);
        }
    }
    let params = std::mem::take(&mut l.params);
    let hoisted = std::mem::take(&mut l.hoisted);
    l.errors.finish(Lowered {
        origin,
        var_count,
        steps,
        projection,
        params,
        hoisted,
        runtime,
    })
}

fn lower_comprehension(
    l: &mut Lowerer,
    comp: &Comprehension,
    steps: &mut Vec<Step>,
    projection: &mut Option<(Vec<Bind>, QExpr)>,
) -> usize {
    let (vars, scope) = l.clauses(comp, Scope::default(), None, steps);
    if let Some(e) = l.lower(&comp.projection, &scope, Ctx::Projection) {
        *projection = Some((Vec::new(), e));
    }
    vars
}

impl Lowerer {
    /// The generators and conditions of a comprehension (the query's own, or a
    /// sub-comprehension `sub`), in order; returns how many variables it binds and the scope
    /// its projection sees.
    fn clauses(
        &mut self,
        comp: &Comprehension,
        mut scope: Scope,
        sub: Option<usize>,
        steps: &mut Vec<Step>,
    ) -> (usize, Scope) {
        let mut vars = 0;
        for clause in &comp.clauses {
            match clause {
                Clause::For { var, source, .. } => {
                    let index = match sub {
                        None => vars,
                        Some(_) => {
                            self.next_sub_var += 1;
                            self.next_sub_var
                        }
                    };
                    if mentions(source, &scope) {
                        match strip(source) {
                            syn::Expr::Field(f) if self.attr(f, &scope, false).is_some() => {
                                steps.push(Step::SourceSet {
                                    var: index,
                                    set: f.to_token_stream(),
                                    alias: var.to_string(),
                                    sub,
                                    left: comp.left_join && sub.is_none(),
                                });
                            }
                            syn::Expr::Field(_) => self.broken.push(var.to_string()),
                            other => {
                                self.errors.at(
                                    other,
                                    "a generator ranges over an entity (`for p in Product`) or a collection of a variable (`for o in c.orders`)",
                                );
                                self.broken.push(var.to_string());
                            }
                        }
                    } else {
                        match strip(source) {
                            syn::Expr::Path(p) if p.qself.is_none() => {
                                let lower_single = p.path.get_ident().is_some_and(|i| {
                                    i.to_string().starts_with(|c: char| c.is_lowercase())
                                });
                                if lower_single {
                                    self.errors.at(source, "a generator ranges over an entity type (`for p in Product`), or over a query value with a condition that refines it (`select!(p for p in q if ..)`, as `select!(q.filter(|p| ..))`)");
                                    self.broken.push(var.to_string());
                                } else {
                                    steps.push(Step::Source {
                                        var: index,
                                        path: p.path.clone(),
                                        alias: var.to_string(),
                                        sub,
                                    });
                                }
                            }
                            other => {
                                self.errors.at(
                                    other,
                                    "a generator ranges over an entity type: `for p in Product`",
                                );
                                self.broken.push(var.to_string());
                            }
                        }
                    }
                    steps.push(Step::Bind(Bind {
                        name: var.clone(),
                        var: index,
                    }));
                    scope.push(var.to_string());
                    vars += 1;
                }
                Clause::If { cond, .. } => {
                    if let Some(e) = self.condition(cond, &scope) {
                        match sub {
                            None => steps.push(Step::Filter(Vec::new(), e, cond.span())),
                            Some(k) => steps.push(Step::SubFilter(k, e, cond.span())),
                        }
                    }
                }
            }
        }
        (vars, scope)
    }

    /// `__colt_comp!{ proj for x in .. if .. }`: a sub-comprehension.
    fn sub_comprehension(&mut self, m: &syn::ExprMacro, scope: &Scope) -> Option<QExpr> {
        self.sub_comprehension_as(m, scope, false)
    }

    /// A sub-comprehension `exists` tests (PonyORM's function, or a sub-comprehension used as
    /// a condition): its value, unless it is a variable itself, is a condition on each row, as
    /// PonyORM reads `exists(s.gpa > 3 for s in g.students)` (a value of another type than
    /// `bool` is then the condition's type error, at the value). (`(..).is_empty()`, Rust's
    /// method, is whether there is no row, whatever the values.)
    fn sub_condition(&mut self, m: &syn::ExprMacro, scope: &Scope) -> Option<QExpr> {
        self.sub_comprehension_as(m, scope, true)
    }

    fn sub_comprehension_as(
        &mut self,
        m: &syn::ExprMacro,
        scope: &Scope,
        tested: bool,
    ) -> Option<QExpr> {
        let comp = match syn::parse::Parser::parse2(
            crate::query::parse::comprehension_parser,
            m.mac.tokens.clone(),
        ) {
            Ok(c) => c,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        self.subs += 1;
        let id = self.subs;
        let mut steps = Vec::new();
        let (_, inner) = self.clauses(&comp, scope.clone(), Some(id), &mut steps);
        let first = comp.clauses.iter().find_map(|c| match c {
            Clause::For { var, .. } => Some(var.clone()),
            Clause::If { .. } => None,
        });
        // (A query variable; an outer Rust value is a condition too.)
        let variable = matches!(strip(&comp.projection), syn::Expr::Path(p)
            if p.path.get_ident().is_some_and(|i| inner.has(&i.to_string())));
        let projection = match (tested, variable, first) {
            // The value tested is a condition: lowered as one (a reference, a tuple or a
            // sub-comprehension there is what a condition makes of it).
            (true, false, Some(var)) => {
                let condition = self.condition(&comp.projection, &inner)?;
                let span = syn::spanned::Spanned::span(&comp.projection);
                steps.push(Step::SubFilter(id, condition, span));
                QExpr::Var(var)
            }
            _ => self.lower(&comp.projection, &inner, Ctx::Projection)?,
        };
        Some(QExpr::SubComp(id, steps, Box::new(projection)))
    }
}
