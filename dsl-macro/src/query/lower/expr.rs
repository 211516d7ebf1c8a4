//! Lowering of one expression: which names are query variables, which expressions are Rust
//! values (bind parameters), and what each operator, method and function becomes.

use quote::ToTokens;
use syn::spanned::Spanned;

use super::{
    is_none_path, is_reserved_call, mentions, strip, AggArg, Ctx, Lowerer, ParamDef, ParamKind,
    QExpr, Scope, SUPPORTED,
};
use crate::diag::closest;
use crate::query::literal::param_tokens;
use crate::query::ops::{Aggregate, BinaryOp, Method as MethodKind, MethodOp, UnaryOp, METHODS};

fn expr_kind(e: &syn::Expr) -> &'static str {
    match e {
        syn::Expr::Array(_) => "an array",
        syn::Expr::Assign(_) => "an assignment",
        syn::Expr::Async(_) => "an async block",
        syn::Expr::Await(_) => "`.await`",
        syn::Expr::Block(_) | syn::Expr::Unsafe(_) => "a block",
        syn::Expr::Break(_) | syn::Expr::Continue(_) | syn::Expr::Return(_) => "control flow",
        syn::Expr::Cast(_) => "an `as` cast",
        syn::Expr::Closure(_) => "a closure",
        syn::Expr::ForLoop(_) | syn::Expr::Loop(_) | syn::Expr::While(_) => "a loop",
        syn::Expr::If(_) => "an `if` expression",
        syn::Expr::Index(_) => "indexing",
        syn::Expr::Let(_) => "`let`",
        syn::Expr::Macro(_) => "a macro",
        syn::Expr::Match(_) => "a `match`",
        syn::Expr::Range(_) => "a range",
        syn::Expr::Struct(_) => "a struct literal",
        syn::Expr::Try(_) => "the `?` operator",
        syn::Expr::Tuple(_) => "a tuple",
        syn::Expr::Call(_) => "a function call",
        _ => "this expression",
    }
}

impl Lowerer {
    pub(super) fn param(&mut self, e: &syn::Expr, kind: ParamKind) -> usize {
        // (Not a variable: two alike may be two bindings, one of a `macro_rules!` caller and
        // one of the macro, which hygiene keeps apart and the tokens' text does not.)
        let plain = match strip(e) {
            syn::Expr::Lit(_) => true,
            syn::Expr::Unary(u) => {
                matches!(u.op, syn::UnOp::Neg(_)) && matches!(strip(&u.expr), syn::Expr::Lit(_))
            }
            _ => false,
        };
        self.params.push(ParamDef {
            expr: param_tokens(e),
            kind,
            plain,
        });
        self.params.len() - 1
    }

    pub(super) fn lower(&mut self, e: &syn::Expr, scope: &Scope, ctx: Ctx) -> Option<QExpr> {
        if let syn::Expr::Call(c) = e {
            if is_reserved_call(c) {
                return self.call(c, scope, ctx);
            }
        }
        if !mentions(e, scope) {
            if is_none_path(strip(e)) {
                self.errors.at(e, "`None` can only be compared with an `Option` attribute: `p.discount == None`, or use `p.discount.is_none()`");
                return None;
            }
            if self.hybrid {
                return self.literal(e);
            }
            let index = self.param(e, ParamKind::Value);
            return Some(QExpr::Param(index, e.span()));
        }
        match e {
            syn::Expr::Paren(p) => self.lower(&p.expr, scope, ctx),
            syn::Expr::Group(g) => self.lower(&g.expr, scope, ctx),
            syn::Expr::Reference(r) => self.lower(&r.expr, scope, ctx),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.lower(&u.expr, scope, ctx)
            }
            syn::Expr::Path(p) => {
                // Only a bare query variable mentions one and is a path.
                let ident = p.path.get_ident()?.clone();
                if self.broken.contains(&ident.to_string()) {
                    None
                } else if ctx == Ctx::Projection {
                    Some(QExpr::Var(ident))
                } else {
                    self.errors.at(
                        &ident,
                        format!("the query variable `{ident}` is an object here; use one of its attributes (`{ident}.id`), or `count({ident})`"),
                    );
                    None
                }
            }
            syn::Expr::Field(f) => self.attr(f, scope, ctx == Ctx::Projection),
            syn::Expr::Binary(b) => self.binary(b, scope, ctx),
            syn::Expr::Unary(u) => {
                let (name, span) = match u.op {
                    syn::UnOp::Not(t) => (UnaryOp::Not, t.span),
                    syn::UnOp::Neg(t) => (UnaryOp::Neg, t.span),
                    _ => {
                        self.errors
                            .at(u, format!("this operator is not supported; {SUPPORTED}"));
                        return None;
                    }
                };
                let inner = if name == UnaryOp::Not {
                    self.condition(&u.expr, scope)?
                } else {
                    self.lower(&u.expr, scope, Ctx::Condition)?
                };
                Some(QExpr::Unary(name, span, Box::new(inner)))
            }
            // `p.name.clone()`, `p.name.to_owned()`: the value itself, where it stands (a
            // hybrid method's body needs them to build a `String`: `self.first.clone() + " "
            // + &self.last`).
            syn::Expr::MethodCall(m)
                if (m.method == "clone" || m.method == "to_owned")
                    && m.args.is_empty()
                    && m.turbofish.is_none() =>
            {
                self.lower(&m.receiver, scope, ctx)
            }
            syn::Expr::MethodCall(m) => self.method(m, scope),
            syn::Expr::Macro(m) if m.mac.path.is_ident("__colt_comp") => {
                self.sub_comprehension(m, scope)
            }
            syn::Expr::Call(c) => self.call(c, scope, ctx),
            syn::Expr::Tuple(t) if ctx != Ctx::Condition => {
                let mut items = Vec::new();
                for el in &t.elems {
                    items.push(self.lower(el, scope, ctx));
                }
                items
                    .into_iter()
                    .collect::<Option<Vec<_>>>()
                    .map(QExpr::Tuple)
            }
            syn::Expr::Cast(c) => self.cast(c, scope),
            syn::Expr::Index(i) => self.slice(i, scope),
            syn::Expr::If(i) => self.if_else(i, scope, ctx),
            syn::Expr::Match(m) => self.match_expr(m, scope, ctx),
            // `p.pages = 3` in a condition is almost always a comparison mistyped.
            syn::Expr::Assign(a) if ctx == Ctx::Condition => {
                let (l, r) = (&a.left, &a.right);
                self.errors.at(
                    a.eq_token,
                    format!(
                        "`=` assigns; did you mean `==`? (`{} == {}`)",
                        quote::ToTokens::to_token_stream(l),
                        quote::ToTokens::to_token_stream(r)
                    ),
                );
                None
            }
            other => {
                let what = expr_kind(other);
                let extra = match other {
                    syn::Expr::Tuple(_) => {
                        " in a condition (tuples are for projections and `order_by`)"
                    }
                    _ => "",
                };
                self.errors.at(
                    other,
                    format!("{what} cannot use query variables{extra}; {SUPPORTED}"),
                );
                None
            }
        }
    }

    /// `x.is_some_and(|v| cond)` is `x.is_some() && cond` with `v` standing for `x` (a
    /// comparison of an `Option` with a value is one of the value when it is there), and
    /// `x.is_none_or(|v| cond)` is `x.is_none() || cond`: SQL's `x IS NOT NULL AND ..` and
    /// `x IS NULL OR ..`, as Rust's methods read.
    fn option_test(
        &mut self,
        m: &syn::ExprMethodCall,
        scope: &Scope,
        some_and: bool,
    ) -> Option<QExpr> {
        let name = &m.method;
        let closure = match m.args.first() {
            Some(syn::Expr::Closure(c)) if m.args.len() == 1 => c,
            _ => {
                self.errors.at(
                    m,
                    format!("`.{name}(..)` takes a closure of the value: `p.discount.{name}(|d| d > 10)`"),
                );
                return None;
            }
        };
        // `None` for `|_| ..`, which does not read the value.
        let param = match closure.inputs.iter().collect::<Vec<_>>().as_slice() {
            [syn::Pat::Ident(p)] if p.subpat.is_none() && p.by_ref.is_none() => {
                Some(p.ident.clone())
            }
            [syn::Pat::Wild(_)] => None,
            [syn::Pat::Type(t)] => match &*t.pat {
                syn::Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
                    Some(p.ident.clone())
                }
                syn::Pat::Wild(_) => None,
                other => {
                    self.errors.at(other, "name the value: `|d| ..`");
                    return None;
                }
            },
            _ => {
                self.errors.at(
                    &closure.inputs,
                    format!("the closure of `.{name}(..)` takes one value: `|d| ..`"),
                );
                return None;
            }
        };
        let mut body = single(&closure.body).clone();
        // (Copied into the test and the body: its outer part is evaluated once.)
        let receiver = &self.hoist_outer(&m.receiver, scope);
        if let Some(param) = param {
            if !self.substitute(&mut body, param, syn::parse_quote!(__colt_some(#receiver))) {
                return None;
            }
        }
        let span = name.span();
        let test: syn::Expr = if some_and {
            syn::parse_quote_spanned!(span=> (#receiver).is_some())
        } else {
            syn::parse_quote_spanned!(span=> (#receiver).is_none())
        };
        let test = self.lower(&test, scope, Ctx::Condition);
        // The condition is true or false, as Rust's `bool`: NULL (a comparison with another
        // attribute that is NULL) is false, also under `!`.
        let body = self.lower(&body, scope, Ctx::Condition);
        let no = if self.hybrid {
            QExpr::Const(syn::parse_quote!(false))
        } else {
            QExpr::Param(
                self.param(&syn::parse_quote!(false), ParamKind::Value),
                span,
            )
        };
        let known = QExpr::Call("known", span, vec![body?, no]);
        let op = if some_and {
            BinaryOp::And
        } else {
            BinaryOp::Or
        };
        Some(QExpr::Binary(op, span, Box::new(test?), Box::new(known)))
    }

    /// Replaces `name` by `with` in `e` (see [`Substitute`]); false, with an error, when a
    /// sub-comprehension inside names it (expanded later, it would read a Rust variable of
    /// that name instead).
    fn substitute(&mut self, e: &mut syn::Expr, name: syn::Ident, with: syn::Expr) -> bool {
        let mut s = Substitute {
            name,
            with,
            in_sub: None,
            in_macro: None,
        };
        syn::visit_mut::VisitMut::visit_expr_mut(&mut s, e);
        if let Some(at) = s.in_sub {
            self.errors.at(
                &at,
                format!("`{at}` names the matched value, which a sub-comprehension cannot read: test it outside the sub-comprehension, or use the attribute itself"),
            );
            return false;
        }
        if let Some((at, mac)) = s.in_macro {
            self.errors.at(
                &at,
                format!("`{at}` names the value being tested, which a macro (`{mac}!`) inside the query cannot read (its tokens would be a Rust variable of that name): write the test out, as `{at} == 10 || {at} == 20` for `matches!({at}, 10 | 20)`"),
            );
            return false;
        }
        true
    }

    pub(super) fn attr(
        &mut self,
        f: &syn::ExprField,
        scope: &Scope,
        project: bool,
    ) -> Option<QExpr> {
        // Walk down to the root of `p.a.b`.
        let mut cur: &syn::Expr = &f.base;
        let mut ok = matches!(f.member, syn::Member::Named(_));
        loop {
            match cur {
                syn::Expr::Field(inner) => {
                    ok &= matches!(inner.member, syn::Member::Named(_));
                    cur = &inner.base;
                }
                syn::Expr::Path(p)
                    if p.path
                        .get_ident()
                        .is_some_and(|i| scope.has(&i.to_string())) =>
                {
                    break
                }
                syn::Expr::Paren(p) => cur = &p.expr,
                other => {
                    self.errors.at(
                        other,
                        format!(
                            "an attribute path starts at a query variable (`p.price`); {SUPPORTED}"
                        ),
                    );
                    return None;
                }
            }
        }
        if !ok {
            self.errors
                .at(&f.member, "attributes are named: `p.price`, not `p.0`");
            return None;
        }
        Some(QExpr::Attr(f.to_token_stream(), f.member.span(), project))
    }

    pub(super) fn binary(
        &mut self,
        b: &syn::ExprBinary,
        scope: &Scope,
        _ctx: Ctx,
    ) -> Option<QExpr> {
        let span = b.op.span();
        let Some(op) = BinaryOp::from_syn(&b.op) else {
            self.errors.at(
                b.op,
                format!(
                    "the operator `{}` is not supported in a query; {SUPPORTED}",
                    b.op.to_token_stream()
                ),
            );
            return None;
        };
        if op.is_equality() {
            let (l_none, r_none) = (is_none_path(strip(&b.left)), is_none_path(strip(&b.right)));
            if l_none || r_none {
                let other = if l_none { &b.right } else { &b.left };
                let inner = self.lower(other, scope, Ctx::Condition)?;
                let f = if op == BinaryOp::Eq {
                    UnaryOp::IsNone
                } else {
                    UnaryOp::IsSome
                };
                return Some(QExpr::Unary(f, span, Box::new(inner)));
            }
        }
        // An object compared with another (`p.category == c`, `p == q`) compares keys.
        let var_of = |e: &syn::Expr| match strip(e) {
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .filter(|i| scope.has(&i.to_string()))
                .cloned(),
            _ => None,
        };
        let side = |l: &mut Self, e: &syn::Expr| match var_of(e) {
            Some(v) if op.is_equality() => Some(QExpr::Key(v)),
            _ if matches!(op, BinaryOp::And | BinaryOp::Or) => l.condition(e, scope),
            _ => l.lower(e, scope, Ctx::Condition),
        };
        let l = side(self, &b.left);
        let r = side(self, &b.right);
        if self.hybrid {
            // As Rust compares: two `Option`s that are `None` are equal, `None` sorts first.
            let rust = match op {
                BinaryOp::Eq => Some("hybrid_eq"),
                BinaryOp::Ne => Some("hybrid_ne"),
                BinaryOp::Lt => Some("hybrid_lt"),
                BinaryOp::Le => Some("hybrid_le"),
                BinaryOp::Gt => Some("hybrid_gt"),
                BinaryOp::Ge => Some("hybrid_ge"),
                _ => None,
            };
            if let Some(f) = rust {
                return Some(QExpr::Call(f, span, vec![l?, r?]));
            }
        }
        Some(QExpr::Binary(op, span, Box::new(l?), Box::new(r?)))
    }

    /// `range.contains(&x)` as the comparisons Rust's makes: `a <= x && x <= b` for `a..=b`,
    /// `x < b` for an end left out of `a..b`, a missing bound no comparison.
    fn range_contains(
        &mut self,
        range: &syn::ExprRange,
        x: &syn::Expr,
        span: proc_macro2::Span,
        scope: &Scope,
    ) -> Option<QExpr> {
        let x = match x {
            syn::Expr::Reference(r) => &*r.expr,
            other => other,
        };
        // `x` is written twice: what of it may run code is evaluated once (`hoist.rs`).
        let x = &self.hoist_outer(x, scope);
        let closed = matches!(range.limits, syn::RangeLimits::Closed(_));
        let mut tests: Vec<syn::Expr> = Vec::new();
        // (Each comparison spanned at its bound: a bound of the wrong type is said there.)
        if let Some(start) = &range.start {
            let at = start.span();
            tests.push(syn::parse_quote_spanned!(at=> (#start) <= (#x)));
        }
        match (&range.end, closed) {
            (Some(end), true) => {
                let at = end.span();
                tests.push(syn::parse_quote_spanned!(at=> (#x) <= (#end)));
            }
            (Some(end), false) => {
                let at = end.span();
                tests.push(syn::parse_quote_spanned!(at=> (#x) < (#end)));
            }
            (None, _) => {}
        }
        let Some(first) = tests.first().cloned() else {
            self.errors.at(
                range,
                "`(..).contains(..)` holds every value: give the range a bound (`(a..=b).contains(&p.price)`)",
            );
            return None;
        };
        let both = tests
            .into_iter()
            .skip(1)
            .fold(first, |a, b| syn::parse_quote_spanned!(span=> (#a) && (#b)));
        self.lower(&both, scope, Ctx::Condition)
    }

    /// A literal of a hybrid method's body (the only outer values it may use).
    fn literal(&mut self, e: &syn::Expr) -> Option<QExpr> {
        // `"dear".to_string()` (as a method returning `String` is written) is the literal.
        if let syn::Expr::MethodCall(m) = strip(e) {
            let owned = ["to_string", "to_owned", "into"].contains(&m.method.to_string().as_str());
            if owned && m.args.is_empty() {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(_),
                    ..
                }) = strip(&m.receiver)
                {
                    return self.literal(&m.receiver);
                }
            }
        }
        let lit = match strip(e) {
            syn::Expr::Lit(l) => Some(&l.lit),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match strip(&u.expr) {
                syn::Expr::Lit(l) => Some(&l.lit),
                _ => None,
            },
            _ => None,
        };
        match lit {
            Some(syn::Lit::Str(t)) if t.value().contains('\0') => {
                self.errors.at(e, "a text literal with a NUL character cannot be written into SQL: compare with it in the query instead (a parameter)");
                None
            }
            Some(syn::Lit::Int(_) | syn::Lit::Float(_) | syn::Lit::Str(_) | syn::Lit::Bool(_)) => {
                Some(QExpr::Const(e.clone()))
            }
            _ => {
                self.errors.at(e, "a hybrid method's body can use its object's attributes (`self.price`) and literals (`100`, `0.5`, `\"tea\"`, `true`), not other values: compare with those in the query instead");
                None
            }
        }
    }

    pub(super) fn method(&mut self, m: &syn::ExprMethodCall, scope: &Scope) -> Option<QExpr> {
        let name = m.method.to_string();
        let span = m.method.span();
        // `(a..=b).contains(&p.price)`: PonyORM's `between(x, a, b)`, as Rust writes it.
        if let (syn::Expr::Range(range), "contains", 1, false) =
            (strip(&m.receiver), name.as_str(), m.args.len(), self.hybrid)
        {
            return self.range_contains(range, &m.args[0], span, scope);
        }
        if !mentions(&m.receiver, scope) && self.hybrid {
            self.errors.at(&m.receiver, "a hybrid method's body can use its object's attributes and literals, not other values");
            return None;
        }
        if !mentions(&m.receiver, scope) {
            // `outer.contains(&p.attr)`: list membership or substring test, by the outer type;
            // `outer.contains(&p)`, an object among outer objects or a query's (its key).
            if name == "contains" && m.args.len() == 1 {
                let index = self.param(&m.receiver, ParamKind::Contains);
                let elem = self.elem(&m.args[0], scope)?;
                // A mistake is the outer value's: reported at it.
                let at = m.receiver.span();
                return Some(QExpr::OuterContains(index, at, Box::new(elem)));
            }
            self.errors.at(
                &m.method,
                format!("`.{name}(..)` of a Rust value cannot take query variables; only `outer.contains(&p.attr)` can (list membership or substring test)"),
            );
            return None;
        }
        if let syn::Expr::Path(p) = strip(&m.receiver) {
            let known = METHODS.iter().any(|(k, _)| *k == name)
                || name == "is_some_and"
                || name == "is_none_or";
            // `p.is_cheap()`: a hybrid method (`#[colt::hybrid]`) of `p`'s entity.
            if let (Some(var), false, true, None) =
                (p.path.get_ident(), known, m.args.is_empty(), &m.turbofish)
            {
                return Some(QExpr::Hybrid(var.clone(), m.method.clone()));
            }
            if let Some(var) = p.path.get_ident() {
                self.errors.at(
                    &m.method,
                    format!("`{var}` is a query variable (an object): call `.{name}(..)` on one of its attributes, e.g. `{var}.name.{name}(..)`"),
                );
                return None;
            }
        }
        if name == "is_some_and" || name == "is_none_or" {
            return self.option_test(m, scope, name == "is_some_and");
        }
        // `p.name.chars().count()`: the length in characters (PonyORM's `len`).
        if let (syn::Expr::MethodCall(chars), "count", true) =
            (strip(&m.receiver), name.as_str(), m.args.is_empty())
        {
            if chars.method == "chars" && chars.args.is_empty() && chars.turbofish.is_none() {
                let text = self.lower(&chars.receiver, scope, Ctx::Condition)?;
                return Some(QExpr::Unary(UnaryOp::CharCount, span, Box::new(text)));
            }
        }
        let Some(&(_, known)) = METHODS.iter().find(|(k, _)| *k == name) else {
            let names: Vec<&str> = METHODS.iter().map(|(n, _)| *n).collect();
            let hint = closest(&name, &names)
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            self.errors.at(
                &m.method,
                format!(
                    "unsupported method `{name}` in a query; {hint}supported methods: {}",
                    names
                        .iter()
                        .map(|m| format!("`.{m}()`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return None;
        };
        if m.turbofish.is_some() {
            self.errors
                .at(&m.turbofish, "query methods take no type arguments");
            return None;
        }
        // `(x for x in ..).contains(&y)`: membership in a sub-comprehension.
        if known == MethodKind::Binary(MethodOp::Contains) && m.args.len() == 1 {
            if let syn::Expr::Macro(mac) = strip(&m.receiver) {
                if mac.mac.path.is_ident("__colt_comp") {
                    let sub = self.sub_comprehension(mac, scope);
                    let elem = self.elem(&m.args[0], scope);
                    return Some(QExpr::InSub(span, Box::new(sub?), Box::new(elem?)));
                }
            }
        }
        let want = match known {
            MethodKind::Unary(_) => 0,
            MethodKind::Binary(_) => 1,
            MethodKind::Ternary(_) => 2,
        };
        if m.args.len() != want {
            self.errors.at(
                m,
                format!(
                    "`.{name}` takes {want} argument{} in a query, found {}",
                    if want == 1 { "" } else { "s" },
                    m.args.len()
                ),
            );
            return None;
        }
        let recv = self.lower(&m.receiver, scope, Ctx::Condition);
        match known {
            MethodKind::Binary(op) => {
                let arg = self.elem(&m.args[0], scope);
                Some(QExpr::Method2(op, span, Box::new(recv?), Box::new(arg?)))
            }
            MethodKind::Unary(op) => Some(QExpr::Unary(op, span, Box::new(recv?))),
            MethodKind::Ternary(f) => {
                let a = self.lower(&m.args[0], scope, Ctx::Condition);
                let b = self.lower(&m.args[1], scope, Ctx::Condition);
                Some(QExpr::Call(f, span, vec![recv?, a?, b?]))
            }
        }
    }

    /// An argument that may be an object (`c.products.contains(&p)`): a bare variable is its key.
    pub(super) fn elem(&mut self, e: &syn::Expr, scope: &Scope) -> Option<QExpr> {
        if let syn::Expr::Path(p) = strip(e) {
            if let Some(v) = p.path.get_ident().filter(|i| scope.has(&i.to_string())) {
                return Some(QExpr::Key(v.clone()));
            }
        }
        self.lower(e, scope, Ctx::Condition)
    }

    /// An expression used as a condition (a filter, an operand of `&&`, `||` or `!`): a
    /// sub-comprehension there is whether it has a row whose value holds, as PonyORM reads
    /// `if (s.gpa > 3 for s in g.students)` (`exists(..)` spelled out).
    pub(super) fn condition(&mut self, e: &syn::Expr, scope: &Scope) -> Option<QExpr> {
        if let syn::Expr::Macro(m) = strip(e) {
            if m.mac.path.is_ident("__colt_comp") {
                let span = syn::spanned::Spanned::span(e);
                let sub = self.sub_condition(m, scope)?;
                return Some(QExpr::Unary(UnaryOp::Exists, span, Box::new(sub)));
            }
        }
        self.lower(e, scope, Ctx::Condition)
    }

    pub(super) fn call(&mut self, c: &syn::ExprCall, scope: &Scope, ctx: Ctx) -> Option<QExpr> {
        let name = match &*c.func {
            syn::Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(ToString::to_string),
            _ => None,
        };
        let Some(name) = name else {
            self.errors.at(
                &c.func,
                format!("function calls cannot use query variables; {SUPPORTED}"),
            );
            return None;
        };
        let span = c.func.span();
        match name.as_str() {
            // Written by the lowering of `Some(v)` and `.is_some_and(|v| ..)` only.
            "__colt_some" if c.args.len() == 1 => {
                let inner = self.lower(&c.args[0], scope, Ctx::Condition)?;
                Some(QExpr::Call("some_value", span, vec![inner]))
            }
            "desc" => {
                if ctx != Ctx::Order {
                    self.errors.at(
                        &c.func,
                        "`desc(..)` only orders: use it inside `order_by(|p| desc(p.price))`",
                    );
                    return None;
                }
                if c.args.len() != 1 {
                    self.errors
                        .at(c, "`desc` takes one expression: `desc(p.price)`");
                    return None;
                }
                let inner = self.lower(&c.args[0], scope, Ctx::Condition)?;
                Some(QExpr::Unary(UnaryOp::Desc, span, Box::new(inner)))
            }
            "nulls_first" | "nulls_last" | "random" => {
                let f = if name == "nulls_first" {
                    "nulls_first"
                } else if name == "nulls_last" {
                    "nulls_last"
                } else {
                    "random"
                };
                let want = usize::from(f != "random");
                if ctx != Ctx::Order {
                    self.errors.at(
                        &c.func,
                        format!("`{f}(..)` only orders: use it inside `order_by(..)`"),
                    );
                    return None;
                }
                if c.args.len() != want {
                    self.errors.at(
                        c,
                        if want == 0 {
                            "`random()` takes no argument: `order_by(|p| random())`"
                        } else {
                            "`nulls_first`/`nulls_last` take one order item: `nulls_last(p.discount)`, `nulls_first(desc(p.discount))`"
                        },
                    );
                    return None;
                }
                let args = c
                    .args
                    .iter()
                    .map(|a| self.lower(a, scope, Ctx::Order))
                    .collect::<Option<Vec<_>>>()?;
                Some(QExpr::Call(f, span, args))
            }
            "count" | "sum" | "avg" | "min" | "max" | "count_distinct" | "sum_distinct"
            | "avg_distinct" | "group_concat" => {
                let Some(f) = Aggregate::from_name(&name) else {
                    self.errors
                        .at(&c.func, format!("`{name}` is not an aggregate"));
                    return None;
                };
                let fname = f.name();
                match (f, c.args.len()) {
                    (Aggregate::Count, 0) => Some(QExpr::Agg(f, span, AggArg::Nothing)),
                    (Aggregate::GroupConcat, 2) => {
                        let a = self.lower(&c.args[0], scope, Ctx::Condition);
                        let b = self.lower(&c.args[1], scope, Ctx::Condition);
                        Some(QExpr::Agg(f, span, AggArg::Two(Box::new(a?), Box::new(b?))))
                    }
                    (Aggregate::GroupConcat, _) => {
                        self.errors.at(
                            c,
                            "`group_concat` takes a text expression and a separator: `group_concat(p.name, \", \")`",
                        );
                        None
                    }
                    (_, 1) => {
                        let arg = &c.args[0];
                        if let syn::Expr::Path(p) = strip(arg) {
                            if let Some(id) =
                                p.path.get_ident().filter(|i| scope.has(&i.to_string()))
                            {
                                if f == Aggregate::Count {
                                    return Some(QExpr::Agg(f, span, AggArg::Var(id.clone())));
                                }
                                self.errors.at(arg, format!("`{fname}` needs a numeric attribute such as `{fname}({id}.price)`, not the object `{id}`"));
                                return None;
                            }
                        }
                        let inner = self.lower(arg, scope, Ctx::Condition)?;
                        Some(QExpr::Agg(f, span, AggArg::Expr(Box::new(inner))))
                    }
                    _ => {
                        self.errors.at(
                            c,
                            format!(
                                "`{fname}` takes one expression: `{fname}(p.price)`{}",
                                if f == Aggregate::Count {
                                    ", `count(p)` or `count()`"
                                } else {
                                    ""
                                }
                            ),
                        );
                        None
                    }
                }
            }
            "exists" => {
                if c.args.len() != 1 {
                    self.errors.at(c, "`exists` takes one collection or sub-comprehension: `exists(c.orders)`, `exists(o for o in c.orders if o.total > 10)`");
                    return None;
                }
                let inner = match strip(&c.args[0]) {
                    syn::Expr::Macro(m) if m.mac.path.is_ident("__colt_comp") => {
                        self.sub_condition(m, scope)?
                    }
                    _ => self.lower(&c.args[0], scope, Ctx::Condition)?,
                };
                Some(QExpr::Unary(UnaryOp::Exists, span, Box::new(inner)))
            }
            other => {
                self.errors.at(
                    &c.func,
                    format!("`{other}(..)` is not a query function; {SUPPORTED}"),
                );
                None
            }
        }
    }

    /// `e as T`: a numeric cast (`as f64`, `as f32`, `as i64`, `as i32`, `as i16`).
    fn cast(&mut self, c: &syn::ExprCast, scope: &Scope) -> Option<QExpr> {
        const TARGETS: &[&str] = &["f64", "f32", "i64", "i32", "i16"];
        let ok = match &*c.ty {
            syn::Type::Path(p) if p.qself.is_none() => p
                .path
                .get_ident()
                .is_some_and(|i| TARGETS.contains(&i.to_string().as_str())),
            _ => false,
        };
        if !ok {
            self.errors.at(
                &c.ty,
                "a query can cast numbers to `f64`, `f32`, `i64`, `i32` or `i16` (`p.quantity as f64`)",
            );
            return None;
        }
        let inner = self.lower(&c.expr, scope, Ctx::Condition)?;
        Some(QExpr::Cast(c.as_token.span, Box::new(inner), c.ty.clone()))
    }

    /// `if c { a } else { b }`: `CASE WHEN`; `else if` chains nest.
    fn if_else(&mut self, i: &syn::ExprIf, scope: &Scope, ctx: Ctx) -> Option<QExpr> {
        let span = i.if_token.span;
        let Some((_, else_branch)) = &i.else_branch else {
            self.errors.at(
                i,
                "an `if` in a query needs an `else`: `if p.stock > 0 { p.price } else { 0 }`",
            );
            return None;
        };
        let value = |l: &mut Self, b: &syn::Block| -> Option<QExpr> {
            match b.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => l.lower(e, scope, ctx),
                _ => {
                    l.errors.at(
                        b,
                        "each branch of an `if` in a query is one expression, without `;` or `let`",
                    );
                    None
                }
            }
        };
        let cond = self.lower(&i.cond, scope, Ctx::Condition);
        let then = value(self, &i.then_branch);
        let other = match &**else_branch {
            syn::Expr::Block(b) => value(self, &b.block),
            syn::Expr::If(nested) => self.if_else(nested, scope, ctx),
            e => self.lower(e, scope, ctx),
        };
        Some(QExpr::Call("if_else", span, vec![cond?, then?, other?]))
    }

    /// `match x { A => a, B | C => b, 1..=5 => c, _ => d }` is `CASE WHEN x = A THEN a WHEN
    /// x = B OR x = C THEN b .. ELSE d END`: the arms compare `x` with values (enum variants,
    /// literals, constants, `None`, ranges), with an optional guard, in order; a `_` arm last
    /// is required, since the database may hold a value no arm names.
    fn match_expr(&mut self, m: &syn::ExprMatch, scope: &Scope, ctx: Ctx) -> Option<QExpr> {
        let span = m.match_token.span;
        // (Copied into every arm's test: its outer part is evaluated once.)
        let scrutinee = &self.hoist_outer(&m.expr, scope);
        let Some((last, arms)) = m.arms.split_last() else {
            self.errors
                .at(m, "a `match` in a query needs arms, the last one `_ => ..`");
            return None;
        };
        // A lower-case name binds the value: it stands for the matched expression in its arm.
        let bound = |pat: &syn::Pat| -> Option<syn::Ident> {
            match pat {
                syn::Pat::Ident(i)
                    if i.subpat.is_none() && i.by_ref.is_none() && is_binding(&i.ident) =>
                {
                    Some(i.ident.clone())
                }
                _ => None,
            }
        };
        let (last_pat, last_guard) = arm_parts(last);
        let last_binding = bound(last_pat);
        // `None => .., Some(v) => ..` (or `Some(_)`) covers every value, as in Rust.
        let none_before = arms.iter().any(|a| {
            let (pat, guard) = arm_parts(a);
            guard.is_none() && matches!(pat, syn::Pat::Ident(i) if i.ident == "None")
        });
        let last_some = match last_pat {
            syn::Pat::TupleStruct(t)
                if none_before && t.path.is_ident("Some") && t.elems.len() == 1 =>
            {
                match &t.elems[0] {
                    syn::Pat::Wild(_) => Some(None),
                    p => bound(p).map(Some),
                }
            }
            _ => None,
        };
        if !(matches!(last_pat, syn::Pat::Wild(_)) || last_binding.is_some() || last_some.is_some())
            || last_guard.is_some()
        {
            self.errors.at(
                last_pat,
                "the last arm of a `match` in a query is `_ => ..` (or `other => ..`), without a guard: the database may hold a value no arm names (a variant added later, NULL)",
            );
            return None;
        }
        // `Some(v)` makes `v` the value inside; a last name, the value itself.
        let with = |some: bool| -> syn::Expr {
            if some {
                syn::parse_quote!(__colt_some(#scrutinee))
            } else {
                syn::parse_quote!((#scrutinee))
            }
        };
        let mut ok = true;
        let mut tests = Vec::new();
        let mut bodies = Vec::new();
        for arm in arms {
            let (arm_pat, arm_guard) = arm_parts(arm);
            let some_binding = match arm_pat {
                syn::Pat::TupleStruct(t) if t.path.is_ident("Some") && t.elems.len() == 1 => {
                    bound(&t.elems[0])
                }
                _ => None,
            };
            let test = match &some_binding {
                Some(_) => Some(syn::parse_quote!((#scrutinee) != None)),
                None => self.pattern_test(arm_pat, scrutinee),
            };
            let Some(test) = test else {
                ok = false;
                continue;
            };
            let mut body = single(&arm.body).clone();
            let mut guard = arm_guard.cloned();
            if let Some(name) = &some_binding {
                ok &= self.substitute(&mut body, name.clone(), with(true));
                if let Some(g) = &mut guard {
                    ok &= self.substitute(g, name.clone(), with(true));
                }
            }
            tests.push(match guard {
                Some(g) => syn::parse_quote!((#test) && (#g)),
                None => test,
            });
            bodies.push(body);
        }
        let mut chain = single(&last.body).clone();
        if let Some(name) = last_binding {
            ok &= self.substitute(&mut chain, name, with(false));
        }
        if let Some(Some(name)) = last_some {
            ok &= self.substitute(&mut chain, name, with(true));
        }
        if !ok {
            return None;
        }
        for (test, body) in tests.into_iter().zip(bodies).rev() {
            chain = syn::parse_quote_spanned!(span=> if #test { #body } else { #chain });
        }
        match &chain {
            syn::Expr::If(i) => self.if_else(i, scope, ctx),
            // Only `_`: its value.
            other => self.lower(other, scope, ctx),
        }
    }

    /// The condition under which `pat` matches `scrutinee`, as an expression to lower.
    fn pattern_test(&mut self, pat: &syn::Pat, scrutinee: &syn::Expr) -> Option<syn::Expr> {
        match pat {
            syn::Pat::Lit(_) | syn::Pat::Path(_) => Some(syn::parse_quote!((#scrutinee) == #pat)),
            syn::Pat::Paren(p) => self.pattern_test(&p.pat, scrutinee),
            syn::Pat::Or(or) => {
                let mut parts = Vec::new();
                for case in &or.cases {
                    parts.push(self.pattern_test(case, scrutinee));
                }
                let parts: Vec<syn::Expr> = parts.into_iter().collect::<Option<_>>()?;
                Some(syn::parse_quote!(#((#parts))||*))
            }
            syn::Pat::Range(r) => {
                let low = r
                    .start
                    .as_ref()
                    .map(|lo| -> syn::Expr { syn::parse_quote!((#scrutinee) >= #lo) });
                let high = r.end.as_ref().map(|hi| -> syn::Expr {
                    match r.limits {
                        syn::RangeLimits::Closed(_) => syn::parse_quote!((#scrutinee) <= #hi),
                        syn::RangeLimits::HalfOpen(_) => syn::parse_quote!((#scrutinee) < #hi),
                    }
                });
                match (low, high) {
                    (Some(l), Some(h)) => Some(syn::parse_quote!((#l) && (#h))),
                    (Some(t), None) | (None, Some(t)) => Some(t),
                    (None, None) => {
                        self.errors.at(r, "a range pattern needs a bound");
                        None
                    }
                }
            }
            // `Some(v)` of an `Option` attribute: the value (NULL matches no such arm).
            syn::Pat::TupleStruct(t) if t.path.is_ident("Some") && t.elems.len() == 1 => {
                match &t.elems[0] {
                    syn::Pat::Wild(_) => Some(syn::parse_quote!((#scrutinee) != None)),
                    inner => self.pattern_test(inner, scrutinee),
                }
            }
            syn::Pat::Wild(w) => {
                self.errors.at(
                    w,
                    "`_` matches everything: it is the last arm of a `match` in a query",
                );
                None
            }
            syn::Pat::Ident(i) if i.subpat.is_none() && i.ident == "None" => {
                Some(syn::parse_quote!((#scrutinee) == None))
            }
            // `LIMIT`, `Open` (a `use`d variant): a constant, as Rust reads an upper-case name.
            syn::Pat::Ident(i)
                if i.subpat.is_none() && i.by_ref.is_none() && !is_binding(&i.ident) =>
            {
                let c = &i.ident;
                Some(syn::parse_quote!((#scrutinee) == #c))
            }
            syn::Pat::Ident(i) => {
                self.errors.at(
                    i,
                    format!("`{}` binds the value, which only the last arm (`other => ..`) or `Some(v)` can do: an arm compares with a value (`Status::Open`, `3`, `\"x\"`, a constant path `Self::LIMIT`, `None`, `Some(Status::Open)`, a range `1..=5`), and `_` ends the `match`", i.ident),
                );
                None
            }
            other => {
                self.errors.at(
                    other,
                    "a `match` in a query compares with values: enum variants (`Status::Open`), literals, constant paths, `None`, `Some(..)` of those and ranges (`1..=5`), joined with `|`, each arm with an optional `if` guard",
                );
                None
            }
        }
    }

    /// `&s[a..b]`, `&s[..b]`, `&s[a..]`: a slice of text by byte positions, as Rust's.
    fn slice(&mut self, i: &syn::ExprIndex, scope: &Scope) -> Option<QExpr> {
        let span = i.bracket_token.span.join();
        let syn::Expr::Range(r) = strip(&i.index) else {
            self.errors.at(
                &i.index,
                "text is sliced with a range of byte positions: `&p.name[..3]`, `&p.name[2..5]`, `&p.name[2..]`",
            );
            return None;
        };
        if matches!(r.limits, syn::RangeLimits::Closed(_)) {
            self.errors.at(
                r,
                "slice with a half-open range (`a..b`), as Rust's byte positions: `a..=b` is `a..b + 1`",
            );
            return None;
        }
        let text = self.lower(&i.expr, scope, Ctx::Condition);
        let start = match &r.start {
            Some(e) => self.lower(e, scope, Ctx::Condition),
            None if self.hybrid => Some(QExpr::Const(syn::parse_quote!(0))),
            None => Some(QExpr::Param(
                self.param(&syn::parse_quote!(0), ParamKind::Value),
                span,
            )),
        };
        let end = r.end.as_ref().map(|e| self.lower(e, scope, Ctx::Condition));
        match end {
            Some(end) => Some(QExpr::Call("slice", span, vec![text?, start?, end?])),
            None => Some(QExpr::Call("slice_from", span, vec![text?, start?])),
        }
    }
}

/// Replaces a closure's parameter (or a `match` arm's name) by the expression it stands for;
/// not where a closure or an inner arm binds the same name again. A sub-comprehension is
/// still macro tokens here: a use of the name inside one is reported (`in_sub`), as inside
/// any other macro (`in_macro`).
struct Substitute {
    name: syn::Ident,
    with: syn::Expr,
    in_sub: Option<syn::Ident>,
    /// A use of the name inside another macro (`matches!(v, ..)`), whose tokens Colt does
    /// not lower: they would be evaluated as Rust, reading a variable of the caller.
    in_macro: Option<(syn::Ident, String)>,
}

/// Whether `pat` binds `name` anywhere inside it.
fn binds(pat: &syn::Pat, name: &syn::Ident) -> bool {
    struct Finder<'a>(&'a syn::Ident, bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.1 |= p.ident == *self.0;
            syn::visit::visit_pat_ident(self, p);
        }
    }
    let mut f = Finder(name, false);
    syn::visit::Visit::visit_pat(&mut f, pat);
    f.1
}

impl syn::visit_mut::VisitMut for Substitute {
    fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
        match e {
            syn::Expr::Path(p) if p.qself.is_none() && p.path.is_ident(&self.name) => {
                *e = self.with.clone();
            }
            syn::Expr::Closure(c) if c.inputs.iter().any(|i| binds(i, &self.name)) => {}
            syn::Expr::Match(m) => {
                self.visit_expr_mut(&mut m.expr);
                for arm in &mut m.arms {
                    if binds(&arm.pat, &self.name) {
                        continue;
                    }
                    // (syn 3 keeps an arm's guard in its pattern.)
                    if let syn::Pat::Guard(g) = &mut arm.pat {
                        self.visit_expr_mut(&mut g.guard);
                    }
                    self.visit_expr_mut(&mut arm.body);
                }
            }
            syn::Expr::Macro(m) => {
                let name = self.name.to_string();
                let found = m
                    .mac
                    .tokens
                    .clone()
                    .into_iter()
                    .find_map(|t| find_ident(t, &name));
                let Some(at) = found else {
                    return;
                };
                if m.mac.path.is_ident("__colt_comp") {
                    self.in_sub.get_or_insert(at);
                } else {
                    let mac = m
                        .mac
                        .path
                        .segments
                        .last()
                        .map_or_else(String::new, |s| s.ident.to_string());
                    self.in_macro.get_or_insert((at, mac));
                }
            }
            _ => syn::visit_mut::visit_expr_mut(self, e),
        }
    }
}

/// The first identifier `name` in a token tree.
fn find_ident(t: proc_macro2::TokenTree, name: &str) -> Option<syn::Ident> {
    match t {
        proc_macro2::TokenTree::Ident(i) if i == name => Some(i),
        proc_macro2::TokenTree::Group(g) => {
            g.stream().into_iter().find_map(|t| find_ident(t, name))
        }
        _ => None,
    }
}

/// Whether a name in a pattern binds the value (`v`, `other`, `_x`) rather than naming a
/// constant or a variant (`LIMIT`, `Open`), as Rust's naming conventions say.
fn is_binding(ident: &syn::Ident) -> bool {
    ident
        .to_string()
        .trim_start_matches("r#")
        .starts_with(|c: char| c.is_lowercase() || c == '_')
}

/// The expression of a block of one expression (`{ v * 2 }`, as an arm or a closure body
/// may be written); any other expression as it is.
fn single(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Block(b) if b.label.is_none() => match b.block.stmts.as_slice() {
            [syn::Stmt::Expr(inner, None)] => single(inner),
            _ => e,
        },
        other => other,
    }
}

/// An arm's pattern and guard (syn 3 keeps the guard in the pattern: `Pat::Guard`).
fn arm_parts(arm: &syn::Arm) -> (&syn::Pat, Option<&syn::Expr>) {
    match &arm.pat {
        syn::Pat::Guard(g) => (&g.pat, Some(&g.guard)),
        pat => (pat, None),
    }
}
