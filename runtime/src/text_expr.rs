//! Text functions of query values beyond `expr`'s tests: `.trim_start()`, `.trim_end()`,
//! `.replace(from, to)`, `.like(pattern)`, and `a + b` to concatenate (see
//! docs/semantics.md for what each means on both backends).

use crate::expr::Expr;
use crate::plan::{Func, Node};
use crate::types::{Integral, NonNull, SqlType, Textual};

/// `Self` (a function's result) as an `Option` when its argument `A` may be NULL: a NULL
/// argument gives NULL (`text.replace(o, "-")`, `&text[..o]`).
pub trait NullWith<A> {
    /// The result's type.
    type Out: SqlType;
}
#[diagnostic::do_not_recommend]
impl<T: NonNull, A: NonNull> NullWith<A> for T {
    type Out = T;
}
#[diagnostic::do_not_recommend]
impl<T: NonNull, A: NonNull> NullWith<Option<A>> for T {
    type Out = Option<T>;
}
#[diagnostic::do_not_recommend]
impl<T: NonNull, A> NullWith<A> for Option<T> {
    type Out = Option<T>;
}

/// The type of a function of `T` with the arguments `A` and `B`: `T`, or an `Option` when
/// any of them may be NULL.
type WithArgs<T, A, B> = <<T as NullWith<A>>::Out as NullWith<B>>::Out;

macro_rules! text_call {
    ($($name:ident => $f:ident, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub fn $name<T: Textual>(e: Expr<T>) -> Expr<T> {
            Expr::new(Node::Call(Func::$f, vec![e.node]))
        }
    )*};
}
text_call! {
    trim_start => TrimStart, "`e.trim_start()` (spaces)";
    trim_end => TrimEnd, "`e.trim_end()` (spaces)";
}

/// `e.replace(from, to)`: every occurrence, case-sensitive (an empty `from` replaces
/// nothing, where Rust's would insert `to` between characters). NULL if any of the three is.
pub fn replace<T: Textual + NullWith<F>, F: Textual, R: Textual>(
    e: Expr<T>,
    from: Expr<F>,
    to: Expr<R>,
) -> Expr<WithArgs<T, F, R>>
where
    T::Out: NullWith<R>,
{
    Expr::new(Node::Call(Func::Replace, vec![e.node, from.node, to.node]))
}

/// `e.like(pattern)`: SQL's pattern (`%` any run of characters, `_` one character, `\`
/// before either to mean itself), case-sensitive on both backends.
pub fn like<T: Textual, P: Textual, O>(e: Expr<T>, pattern: Expr<P>) -> Expr<O>
where
    T::Test: crate::types::TestWith<P::Test, Out = O>,
{
    Expr::new(Node::Call(Func::Like, vec![e.node, pattern.node]))
}

/// `&e[a..b]`: the bytes `a` to `b` of the text, as Rust's slices (`.len()` counts bytes
/// too). Past the end it stops at the end, a bound below 0 is 0, and `b < a` is empty, where
/// Rust would panic; a cut inside a character is the database's error (on SQLite, that of
/// Colt's `colt_slice`). NULL if the text or a bound is.
pub fn slice<T: Textual + NullWith<A>, A: Integral, B: Integral>(
    e: Expr<T>,
    a: Expr<A>,
    b: Expr<B>,
) -> Expr<WithArgs<T, A, B>>
where
    T::Out: NullWith<B>,
{
    Expr::new(Node::Call(Func::Slice, vec![e.node, a.node, b.node]))
}

/// `&e[a..]`: the bytes of the text from `a` (NULL if either is).
pub fn slice_from<T: Textual + NullWith<A>, A: Integral>(e: Expr<T>, a: Expr<A>) -> Expr<T::Out> {
    Expr::new(Node::Call(Func::SliceFrom, vec![e.node, a.node]))
}
