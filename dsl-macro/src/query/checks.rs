//! The bounds of the runtime's expression functions, checked by generated code before each
//! call so that a mistake is reported once, at the user's token, in the words of the trait's
//! `#[diagnostic::on_unimplemented]` message, and without rustc's note "required by a bound in
//! `colt::expr::eq`" that would point into Colt's sources (and change whenever they do).
//!
//! How: each check is a call of the bound trait's own hidden `__check` method on type witnesses
//! (`Textual::__check(type_of(&a))`). rustc reports a trait method whose `Self` type does not
//! implement the trait with the trait's message and no note; the runtime function's identical
//! bound, failing at the same span, is then recognised as the same error and not reported
//! again. The table must follow the runtime functions' `where` clauses; a bound it misses is
//! still an error, only a noisier one, and `tests/trybuild_hygiene.rs` finds it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote_spanned};

/// One bound of a runtime function, over its arguments (by position).
#[derive(Clone, Copy)]
enum Check {
    /// The SQL type of argument `i` implements the trait.
    Is(&'static str, usize),
    /// The SQL type of argument `i` implements the trait of argument `j`'s: `I: Trait<J>`.
    With(&'static str, usize, usize),
    /// Argument `i` itself (an aggregand, a sub-query) implements the trait.
    Val(&'static str, usize),
    /// One value of aggregand `i` implements the trait.
    Item(&'static str, usize),
    /// One value of aggregand `i`, without its `Option`, implements the trait.
    InnerItem(&'static str, usize),
    /// The pair of the SQL types of arguments `i` and `j` implements the trait.
    Pair(&'static str, usize, usize),
    /// The pair of argument `i`'s inner type and argument `j`'s implements the trait.
    InnerPair(&'static str, usize, usize),
    /// Argument `i`'s SQL type implements the trait of the values of sub-query `j`.
    SubWith(&'static str, usize, usize),
    /// The SQL type attribute handle `i` takes `None` as implements the trait.
    ColIs(&'static str, usize),
    /// The SQL type of argument `i` implements the trait of attribute handle `j`'s.
    ColWith(&'static str, usize, usize),
    /// The value argument `i` refers to implements the trait of argument `j`'s SQL type.
    Outer(&'static str, usize, usize),
    /// The entity attribute handle `i` refers to (or `Plain`) implements the trait.
    Referent(&'static str, usize),
}

use Check::*;

/// The bounds of runtime function `f`, in the order they are checked (the first that fails
/// is the one reported: the most telling goes first).
fn checks(f: &str) -> &'static [Check] {
    match f {
        "eq" | "ne" | "hybrid_eq" | "hybrid_ne" => {
            &[Is("SqlType", 0), With("Comparable", 1, 0), Is("SqlType", 1)]
        }
        "lt" | "le" | "gt" | "ge" | "hybrid_lt" | "hybrid_le" | "hybrid_gt" | "hybrid_ge" => &[
            Is("SqlType", 0),
            With("Comparable", 1, 0),
            Is("SqlType", 1),
            Is("Ordered", 0),
        ],
        "add" => &[Is("SqlType", 0), With("Added", 1, 0), Is("SqlType", 1)],
        "sub" | "mul" | "div" => &[Is("SqlType", 0), With("Combine", 1, 0), Is("SqlType", 1)],
        "rem" => &[Is("SqlType", 0), With("Remainder", 1, 0), Is("SqlType", 1)],
        "neg" | "abs" => &[Is("Numeric", 0)],
        "round" => &[Is("Floating", 0)],
        "and" | "or" => &[Is("Condition", 0), Is("Condition", 1)],
        "not" | "known" => &[Is("Condition", 0)],
        "is_none" | "is_some" | "some_value" => &[Is("Nullable", 0)],
        "starts_with" | "ends_with" | "like" => &[Is("Textual", 0), Is("Textual", 1)],
        "contains" => &[With("ContainsOp", 0, 1)],
        "to_lowercase" | "to_uppercase" | "trim" | "trim_start" | "trim_end" | "len"
        | "char_count" => &[Is("Textual", 0)],
        "replace" => &[Is("Textual", 0), Is("Textual", 1), Is("Textual", 2)],
        "slice" => &[Is("Textual", 0), Is("Integral", 1), Is("Integral", 2)],
        "slice_from" => &[Is("Textual", 0), Is("Integral", 1)],
        "year" | "month" | "day" => &[Is("Dated", 0)],
        "hour" | "minute" | "second" => &[Is("Timed", 0)],
        "json_get" => &[Is("JsonMember", 0), Is("JsonKey", 1)],
        "json_as_str" | "json_as_i64" | "json_as_f64" | "json_as_bool" => &[Is("Jsonic", 0)],
        "sum" | "sum_distinct" | "avg" | "avg_distinct" => {
            &[Is("Aggregated", 0), Item("Numeric", 0)]
        }
        "min" | "max" => &[Is("Aggregated", 0), InnerItem("Ordered", 0)],
        "count_distinct" => &[Is("Aggregated", 0)],
        "count" => &[Val("Countable", 0)],
        "collection_aggregand" => &[Is("CollectionAggregand", 0)],
        "condition_aggregand" => &[Is("ConditionAggregand", 0)],
        "group_concat" => &[Is("Aggregated", 0), Item("Textual", 0), Is("Textual", 1)],
        "exists" | "is_empty" => &[Val("SubQuery", 0)],
        "is_empty_of" => &[Val("Emptiable", 0)],
        "exists_of" => &[Val("HasRows", 0)],
        "in_sub" => &[
            Val("SubQuery", 0),
            Is("SqlType", 1),
            SubWith("Comparable", 1, 0),
        ],
        "if_else" => &[
            Is("Condition", 0),
            Is("SqlType", 1),
            Is("SqlType", 2),
            Pair("Branches", 1, 2),
        ],
        "unwrap_or" => &[
            Is("Nullable", 0),
            Is("SqlType", 1),
            InnerPair("Branches", 0, 1),
        ],
        _ => &[],
    }
}

/// `::colt::__private::f(args)` with `f`'s bounds checked first (see the module doc).
pub(crate) fn checked_call(span: Span, f: &str, args: Vec<TokenStream>) -> TokenStream {
    let name = syn::Ident::new(f, span);
    let callee = quote_spanned!(span=> ::colt::__private::#name);
    // A date part's type is a projection of its argument's (`<T as Dated>::Part`): when the
    // argument has no date, rustc also fails to normalise the part, at the method. Its checks
    // are then made at the method too, so that both are one error there (on `.year()`).
    let at_call = matches!(f, "year" | "month" | "day" | "hour" | "minute" | "second");
    checked(span, callee, TokenStream::new(), args, checks(f), at_call)
}

/// A step of the plan's builder (`PlanBuilder::filter(b, cond)`) with its bounds checked
/// first: `lead` are the builder's own arguments, before `args`.
pub(crate) fn checked_step(
    span: Span,
    method: &str,
    lead: TokenStream,
    args: Vec<TokenStream>,
) -> TokenStream {
    let name = syn::Ident::new(method, span);
    let callee = quote_spanned!(span=> ::colt::__private::PlanBuilder::#name);
    let checks: &[Check] = match method {
        "filter" | "filter_in" => &[Is("Condition", 0)],
        "assign" => &[Referent("AssignsPlain", 0), ColWith("Assignable", 1, 0)],
        "assign_null" => &[Referent("AssignsPlain", 0), ColIs("Nullable", 0)],
        _ => &[],
    };
    checked(span, callee, lead, args, checks, false)
}

/// `outer.contains(&elem)`: `outer_contains(b, index, outer, elem)` with its bound checked.
pub(crate) fn checked_outer_contains(
    span: Span,
    lead: TokenStream,
    outer: TokenStream,
    elem: TokenStream,
) -> TokenStream {
    let callee = quote_spanned!(span=> ::colt::__private::outer_contains);
    checked(
        span,
        callee,
        lead,
        vec![outer, elem],
        &[Outer("OuterContains", 0, 1)],
        false,
    )
}

/// `l op v` for comparison `f` (`eq`, `lt`, ..) of attribute `l` with outer value `v`: built by
/// `ComparedParam::compare`, whose `Self` is the value's own Rust type, so that a mistake
/// names the type the user wrote (`&str`, not the `String` it is sent as), once, at the value.
/// `l`'s own bounds are checked first, as for any comparison.
pub(crate) fn checked_comparison(
    span: Span,
    f: &str,
    l: TokenStream,
    (index, value, at): (usize, syn::Ident, Span),
) -> TokenStream {
    let (variant, ordering) = match f {
        "eq" => ("Eq", false),
        "ne" => ("Ne", false),
        "lt" => ("Lt", true),
        "le" => ("Le", true),
        "gt" => ("Gt", true),
        _ => ("Ge", true),
    };
    let variant = syn::Ident::new(variant, span);
    let l_at = arg_span(&l);
    let l_id = format_ident!("__colt_a0", span = l_at);
    let v_id = format_ident!("__colt_value", span = at);
    let l_type = quote_spanned!(l_at=> ::colt::__private::type_of(&#l_id));
    let ordered =
        ordering.then(|| quote_spanned!(span=> ::colt::__private::Ordered::__check(#l_type);));
    let sql = quote_spanned!(at=> ::colt::__private::TypedParam::__sql(#v_id));
    quote_spanned!(span=> {
        let #l_id = #l;
        ::colt::__private::Comparand::__check(#l_type);
        #ordered
        let #v_id = #value;
        ::colt::__private::ComparedParam::compare(
            ::colt::__private::CmpOp::#variant,
            #l_id,
            #index,
            #v_id,
            #sql,
        )
    })
}

/// `callee(lead, args)` with `checks` made first. The arguments are bound to locals spanned
/// exactly as the witnesses the checks take (at the user's token of each): rustc points a
/// failing bound at the argument, and two errors of the same bound at the same span are one.
/// (The locals' names cannot meet the user's: lowering renames the user's closure variables,
/// and `__colt_` names are Colt's.) With `at_call`, every argument is spanned at `span`.
fn checked(
    span: Span,
    callee: TokenStream,
    lead: TokenStream,
    args: Vec<TokenStream>,
    checks: &[Check],
    at_call: bool,
) -> TokenStream {
    if checks.is_empty() {
        return quote_spanned!(span=> #callee(#lead #(#args),*));
    }
    let at: Vec<Span> = if at_call {
        vec![span; args.len()]
    } else {
        args.iter().map(arg_span).collect()
    };
    let ids: Vec<syn::Ident> = at
        .iter()
        .enumerate()
        .map(|(i, s)| format_ident!("__colt_a{}", i, span = *s))
        .collect();
    let lets = args
        .iter()
        .zip(&ids)
        .map(|(a, id)| quote_spanned!(span=> let #id = #a;));
    let witness = |helper: &str, i: usize| {
        let helper = syn::Ident::new(helper, at[i]);
        let id = &ids[i];
        quote_spanned!(at[i]=> ::colt::__private::#helper(&#id))
    };
    let two = |helper: &str, i: usize, j: usize| {
        let helper = syn::Ident::new(helper, at[i]);
        let (a, b) = (&ids[i], &ids[j]);
        quote_spanned!(at[i]=> ::colt::__private::#helper(&#a, &#b))
    };
    let stmts = checks.iter().map(|c| {
        let (t, args) = match *c {
            Is(t, i) => (t, witness("type_of", i)),
            With(t, i, j) => {
                let (wi, wj) = (witness("type_of", i), witness("type_of", j));
                (t, quote_spanned!(span=> #wj, #wi))
            }
            Val(t, i) => (t, witness("type_of_val", i)),
            Item(t, i) => (t, witness("item_of", i)),
            InnerItem(t, i) => (t, witness("inner_item_of", i)),
            Pair(t, i, j) => (t, two("pair_of", i, j)),
            InnerPair(t, i, j) => (t, two("inner_pair_of", i, j)),
            SubWith(t, i, j) => {
                let (wi, wj) = (witness("type_of", i), witness("sub_sql_of", j));
                (t, quote_spanned!(span=> #wj, #wi))
            }
            ColIs(t, i) => (t, witness("col_null_of", i)),
            Referent(t, i) => (t, witness("referent_entity_of", i)),
            ColWith(t, i, j) => {
                let (wi, wj) = (witness("type_of", i), witness("col_type_of", j));
                (t, quote_spanned!(span=> #wj, #wi))
            }
            Outer(t, i, j) => {
                let (wi, wj) = (witness("referent_of", i), witness("type_of", j));
                (t, quote_spanned!(span=> #wj, #wi))
            }
        };
        let t = syn::Ident::new(t, span);
        quote_spanned!(span=> ::colt::__private::#t::__check(#args);)
    });
    quote_spanned!(span=> {
        #(#lets)*
        #(#stmts)*
        #callee(#lead #(#ids),*)
    })
}

/// Where an argument's error is shown: its first token, spanned by expansion at the user's
/// token it came from.
fn arg_span(arg: &TokenStream) -> Span {
    arg.clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}
