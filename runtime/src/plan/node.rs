//! The nodes of a query expression.

use crate::types::ColumnType;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

/// A scalar function applied to text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFn {
    /// `.to_lowercase()`
    Lower,
    /// `.to_uppercase()`
    Upper,
    /// `.trim()`
    Trim,
    /// `.len()` (bytes, as in Rust)
    Len,
    /// `.chars().count()` (characters)
    CharCount,
}

/// A part of a date or time (`.year()`, `.month()`, ...), an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePart {
    /// `.year()`
    Year,
    /// `.month()` (1 to 12)
    Month,
    /// `.day()` (1 to 31)
    Day,
    /// `.hour()` (0 to 23)
    Hour,
    /// `.minute()` (0 to 59)
    Minute,
    /// `.second()` (0 to 59, the fraction dropped)
    Second,
}

/// A text test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextTest {
    /// `a.starts_with(b)`
    StartsWith,
    /// `a.ends_with(b)`
    EndsWith,
    /// `a.contains(b)`
    Contains,
}

/// What a JSON value is read as (`.as_str()`, ...): `NULL` when it is something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonScalar {
    /// `.as_str()`: a JSON string's text.
    Str,
    /// `.as_i64()`: a JSON integer.
    I64,
    /// `.as_f64()`: a JSON number.
    F64,
    /// `.as_bool()`: `true` or `false`.
    Bool,
}

/// How the items of a list ([`Node::InList`]) are bound, so that they compare as `==`
/// compares one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Items {
    /// As they are.
    AsTheyAre,
    /// `f64` values tested against an `f32` attribute: rounded to `f32`.
    F32,
    /// Integers tested against a float attribute: `i as f64`, as Rust's `as`.
    F64,
    /// An `f64` compared with a decimal ([`CastTo::ShortestDecimal`]): a whole one within
    /// `i64` bound as the decimal of its shortest text.
    Decimal,
}

/// What [`Node::Cast`] makes of a value; each dialect writes only the casts it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastTo {
    /// An integer meeting a decimal (PostgreSQL then types a parameter on the other side as
    /// the decimal it is).
    Decimal,
    /// An `f64` parameter meeting a decimal: no text, but the value is bound as the decimal
    /// of its shortest text where it is whole (`Items::Decimal`), as the contract and
    /// PostgreSQL take it; SQLite would compare the float's binary value
    /// (`1234567890123456780.0` is …768 there, …800 as text).
    ShortestDecimal,
    /// A document compared as JSON with `==` (SQLite: its minified text; PostgreSQL: its
    /// canonical text, which keeps `1` and `1.0` apart as serde_json does).
    Json,
    /// A document tested against a list of documents (SQLite: minified; PostgreSQL: its
    /// canonical text, as `Json`, against the list's).
    JsonListed,
    /// An operand of arithmetic computed as a float: a float operand of `+ - *`, the
    /// dividend of a float or decimal division (SQLite computes two integers as integers, and
    /// an `f64` column of NUMERIC affinity holds whole values as integers: `2^53 + 1.0` would
    /// be exact, a sum past `i64` an overflow; PostgreSQL reads such columns as floats
    /// already).
    Real,
    /// An integer meeting a float (PostgreSQL then types a parameter on the other side as
    /// the float it is; SQLite compares and computes them exactly as they are).
    Double,
    /// `x as f64`: a float on both backends.
    Float,
    /// `x as f32`: rounded to `f32`, as Rust's `as`.
    Float32,
    /// A decimal value as a decimal attribute stores it (SQLite: the REAL or INTEGER whose
    /// text is the decimal to 15 significant digits, not a REAL's arithmetic noise).
    StoredDecimal,
    /// A parameter typed as the column type it stands for (a branch of an `if`).
    As(ColumnType),
    /// `x as i64` (`i32`, `i16`: the column type given) of an integer; a value out of the
    /// target's range is an error (`Error::OutOfRange`), never wrapped.
    Integer(ColumnType),
    /// `x as i64` (`i32`, `i16`) of a float or a decimal: truncated toward zero, as Rust's
    /// `as` (PostgreSQL's own cast rounds); out of the target's range, an error.
    Truncated(ColumnType),
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    /// `count`
    Count,
    /// `sum`
    Sum,
    /// `avg`
    Avg,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `count_distinct`
    CountDistinct,
    /// `sum_distinct`
    SumDistinct,
    /// `avg_distinct`
    AvgDistinct,
    /// `group_concat(x, separator)`: its argument is a [`Func::Separated`] call.
    GroupConcat,
}

/// A function of query values ([`Node::Call`]), written by each dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `x.abs()`
    Abs,
    /// `x.round()` (half away from zero, as Rust's)
    Round,
    /// `s.trim_start()` (spaces)
    TrimStart,
    /// `s.trim_end()` (spaces)
    TrimEnd,
    /// `s.replace(from, to)`
    Replace,
    /// `s.like(pattern)`: SQL's pattern, case-sensitive, `\` escaping.
    Like,
    /// `if c { a } else { b }`
    IfElse,
    /// `a.unwrap_or(b)`
    Coalesce,
    /// `a + b` of text
    Concat,
    /// The two arguments of `group_concat`: the value, then the separator.
    Separated,
    /// `random()`, to order by.
    Random,
    /// `NULL` (`p.note = None` in `.set(..)`).
    Null,
    /// `&s[a..b]`: bytes `a` to `b` of a text (arguments: text, a, b).
    Slice,
    /// `&s[a..]`: the bytes of a text from `a` (arguments: text, a).
    SliceFrom,
}

/// One node of a query expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Column `column` of query variable `source`.
    Column {
        /// The query variable (its position in [`Plan::sources`](crate::plan::Plan::sources)).
        source: u16,
        /// The column's position in the entity's columns.
        column: u16,
    },
    /// Bind parameter number `n` (0-based).
    Param(usize),
    /// A literal of the program's source (a hybrid method's `100`): written into the SQL
    /// text (a number, a boolean, a quoted text), never a value from outside.
    Const(crate::value::Value, crate::types::ColumnType),
    /// Bind parameter number `n`, an `f64` compared with an `f32` attribute: rounded to
    /// `f32` before it is bound, as Rust types the literal in `x == 0.1` when `x: f32`.
    ParamF32(usize),
    /// A binary operation.
    Binary(BinOp, Box<Node>, Box<Node>),
    /// `!e`
    Not(Box<Node>),
    /// `-e`
    Neg(Box<Node>),
    /// `e IS NULL` (or `IS NOT NULL` when `negated`).
    IsNull(Box<Node>, bool),
    /// `a IS b` / `a IS NOT b` with NULL-safe equality; used when one side is an `Option`
    /// parameter, so that comparing with `None` means `IS NULL` (`!=` still skips NULL rows).
    NullSafeEq(Box<Node>, Box<Node>, bool),
    /// A text test.
    Text(TextTest, Box<Node>, Box<Node>),
    /// A text function.
    TextFn(TextFn, Box<Node>),
    /// `e` made into what an operation needs (see [`CastTo`]).
    Cast(Box<Node>, CastTo),
    /// A function of query values.
    Call(Func, Vec<Node>),
    /// `doc -> key`: a member of a JSON object by key, or of an array by position (the flag);
    /// `NULL` when there is none.
    JsonGet(Box<Node>, Box<Node>, bool),
    /// A JSON value as a plain value of SQL, `NULL` when it is of another kind.
    JsonAs(JsonScalar, Box<Node>),
    /// A part of a date or time; the flag says the value is an instant (read in UTC).
    DatePart(DatePart, bool, Box<Node>),
    /// `e IN (list parameter)`; the flag says the list's items are `Option`s (a `None` in
    /// the list matches a NULL attribute); the items are bound as [`Items`] says.
    InList(Box<Node>, usize, bool, Items),
    /// An aggregate; `None` as argument is `COUNT(*)`. The type is the result's, for
    /// backends that widen it (PostgreSQL's `SUM(bigint)` is `numeric`).
    Agg(AggFn, Option<Box<Node>>, Option<ColumnType>),
    /// `count(v)`: the objects of source `v` (a variable, or a collection's members).
    CountEntity(u16),
    /// An aggregate over the rows of sub-query `scope` (a collection or a sub-comprehension):
    /// `(SELECT AGG(arg) FROM .. WHERE ..)`; `None` as argument counts the rows. Made from
    /// `Agg` and `CountEntity` when the plan is finished (`plan/scopes.rs`).
    SubAgg(u16, AggFn, Option<Box<Node>>, Option<ColumnType>),
    /// `EXISTS (SELECT 1 FROM scope ..)`, negated when the flag is set. The node is what the
    /// sub-query selects (its anchor: its tables say which scope it is); the scope is
    /// [`UNRESOLVED`] until the plan is finished.
    Exists(u16, Box<Node>, bool),
    /// `value IN (SELECT projected FROM scope .. AND projected IS NOT NULL)`; the scope is
    /// [`UNRESOLVED`] until the plan is finished.
    InSub(Box<Node>, u16, Box<Node>),
    /// `COALESCE(value IN (another query's SELECT), FALSE)`: an outer query value
    /// (`ids.contains(&p.id)` with `ids: Query<i64>`).
    InQuery(Box<Node>, SubPlan),
}

/// A query value inside another query ([`Node::InQuery`]): its plan, how it is rendered,
/// and where its parameters start among the outer query's.
#[derive(Debug, Clone)]
pub struct SubPlan {
    /// The inner query's plan.
    pub(crate) plan: std::sync::Arc<crate::plan::Plan>,
    /// Its `DISTINCT`, `LIMIT` and `OFFSET`.
    pub(crate) flags: SubFlags,
    /// The outer parameter number of its first parameter.
    pub(crate) base: usize,
    /// What its values are cast to before they are compared (integers met by a float or a
    /// decimal, as `==` compares them): outside its statement, whose grouping and ordering
    /// name the values as they are.
    pub(crate) values_as: Option<crate::plan::CastTo>,
}

/// How an inner query renders besides its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubFlags {
    pub(crate) distinct: bool,
    pub(crate) limit: bool,
    pub(crate) offset: bool,
    /// It asked for `for_update()`, which locks nothing inside another query (refused).
    pub(crate) for_update: bool,
}

impl PartialEq for SubPlan {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.plan, &other.plan)
            && self.flags == other.flags
            && self.base == other.base
            && self.values_as == other.values_as
    }
}

/// The scope of a sub-query node whose scope is not worked out yet: a builder makes
/// `Exists` and `InSub` nodes with it, and `Plan::finish` replaces it with the scope their
/// anchor's tables live in (or reports a problem).
pub const UNRESOLVED: u16 = u16::MAX;

impl Node {
    /// Calls `f` on each node directly inside this one (a sub-query's argument and anchor
    /// included).
    pub(crate) fn for_each_child(&self, mut f: impl FnMut(&Node)) {
        match self {
            Node::Column { .. }
            | Node::Param(_)
            | Node::ParamF32(_)
            | Node::Const(..)
            | Node::CountEntity(_)
            | Node::Agg(_, None, _)
            | Node::SubAgg(_, _, None, _) => {}
            Node::Binary(_, a, b)
            | Node::NullSafeEq(a, b, _)
            | Node::Text(_, a, b)
            | Node::JsonGet(a, b, _)
            | Node::InSub(a, _, b) => {
                f(a);
                f(b);
            }
            Node::Not(a)
            | Node::Neg(a)
            | Node::IsNull(a, _)
            | Node::TextFn(_, a)
            | Node::DatePart(_, _, a)
            | Node::JsonAs(_, a)
            | Node::Cast(a, _)
            | Node::InList(a, ..)
            | Node::Agg(_, Some(a), _)
            | Node::SubAgg(_, _, Some(a), _)
            | Node::InQuery(a, _)
            | Node::Exists(_, a, _) => f(a),
            Node::Call(_, args) => args.iter().for_each(f),
        }
    }

    /// Calls `f` on each node directly inside this one, mutably.
    pub(crate) fn for_each_child_mut(&mut self, mut f: impl FnMut(&mut Node)) {
        match self {
            Node::Column { .. }
            | Node::Param(_)
            | Node::ParamF32(_)
            | Node::Const(..)
            | Node::CountEntity(_)
            | Node::Agg(_, None, _)
            | Node::SubAgg(_, _, None, _) => {}
            Node::Binary(_, a, b)
            | Node::NullSafeEq(a, b, _)
            | Node::Text(_, a, b)
            | Node::JsonGet(a, b, _)
            | Node::InSub(a, _, b) => {
                f(a);
                f(b);
            }
            Node::Not(a)
            | Node::Neg(a)
            | Node::IsNull(a, _)
            | Node::TextFn(_, a)
            | Node::DatePart(_, _, a)
            | Node::JsonAs(_, a)
            | Node::Cast(a, _)
            | Node::InList(a, ..)
            | Node::Agg(_, Some(a), _)
            | Node::SubAgg(_, _, Some(a), _)
            | Node::InQuery(a, _)
            | Node::Exists(_, a, _) => f(a),
            Node::Call(_, args) => args.iter_mut().for_each(f),
        }
    }

    /// Whether the node contains an aggregate of this query (sub-queries aggregate their own
    /// rows, not this query's).
    pub fn has_aggregate(&self) -> bool {
        match self {
            Node::Agg(..) | Node::CountEntity(_) => true,
            Node::SubAgg(..) | Node::Exists(..) => false,
            Node::InSub(a, _, _) => a.has_aggregate(),
            _ => {
                let mut found = false;
                self.for_each_child(|c| found |= c.has_aggregate());
                found
            }
        }
    }

    /// Adds `by` to every parameter number (when a refinement appends its parameters).
    pub fn shift_params(&mut self, by: usize) {
        match self {
            Node::Param(n) | Node::ParamF32(n) => *n += by,
            Node::InList(a, n, ..) => {
                *n += by;
                a.shift_params(by);
            }
            Node::InQuery(a, sub) => {
                sub.base += by;
                a.shift_params(by);
            }
            _ => self.for_each_child_mut(|c| c.shift_params(by)),
        }
    }

    /// The columns of `source` this node reads (outside sub-queries).
    pub(crate) fn columns_of(&self, source: u16, out: &mut Vec<u16>) {
        match self {
            Node::Column { source: s, column } if *s == source => out.push(*column),
            Node::SubAgg(..) | Node::Exists(..) | Node::InSub(..) => {}
            _ => self.for_each_child(|c| c.columns_of(source, out)),
        }
    }
}

impl Node {
    /// Whether evaluating this node can raise an error for some row a guard would keep it
    /// from: a division (a divisor of zero), a checked cast (`x as i32`), a slice (a cut
    /// inside a character), `abs` (of the smallest integer). The right side of `&&` and
    /// `||` is then evaluated only where the left side does not decide (Rust's short
    /// circuit, which SQL does not promise). (An overflow of `+ - *`, which PostgreSQL
    /// refuses, is left out: guarding every sum would cost more than it saves.)
    pub(crate) fn may_raise(&self) -> bool {
        let own = match self {
            Node::Binary(op, ..) => matches!(op, BinOp::Div | BinOp::Rem),
            // (`abs(i64::MIN)` overflows; a slice can cut a character; a pattern can be bad.)
            Node::Call(f, _) => matches!(f, Func::Abs | Func::Slice | Func::SliceFrom | Func::Like),
            Node::Cast(_, to) => !matches!(
                to,
                CastTo::As(_)
                    | CastTo::Real
                    | CastTo::Double
                    | CastTo::Float
                    | CastTo::Decimal
                    | CastTo::ShortestDecimal
            ),
            _ => false,
        };
        if own {
            return true;
        }
        let mut found = false;
        self.for_each_child(|c| found |= c.may_raise());
        found
    }

    /// The parameters this node uses as `like` patterns; whether a pattern written in the
    /// query ends in a lone `\` (`bad`).
    pub(crate) fn like_params(&self, out: &mut Vec<usize>, bad: &mut bool) {
        match self {
            Node::Call(Func::Like, args) => match args.get(1) {
                Some(Node::Param(n)) => out.push(*n),
                Some(Node::Const(crate::Value::Text(p), _)) => {
                    *bad |= crate::like::check_pattern(p).is_err();
                }
                _ => {}
            },
            // A query value's patterns (its own list holds those of the values inside it;
            // its parameters come after the outer ones, from `base`).
            Node::InQuery(_, sub) => out.extend(sub.plan.like_params.iter().map(|i| sub.base + i)),
            _ => {}
        }
        self.for_each_child(|c| c.like_params(out, bad));
    }

    /// The parameters bound otherwise than as they are in this node: rounded to `f32`
    /// (`Node::ParamF32`, a list of `Items::F32`), or a list's integers made `f64`.
    pub(crate) fn f32_params(&self, out: &mut Vec<(usize, Items)>) {
        match self {
            Node::ParamF32(n) => out.push((*n, Items::F32)),
            Node::Cast(p, CastTo::ShortestDecimal) => match **p {
                Node::Param(n) => out.push((n, Items::Decimal)),
                _ => p.f32_params(out),
            },
            Node::InList(a, n, _, items) => {
                if *items != Items::AsTheyAre {
                    out.push((*n, *items));
                }
                a.f32_params(out);
            }
            _ => self.for_each_child(|c| c.f32_params(out)),
        }
    }
}

impl Node {
    /// Whether `random()` is called anywhere in the node.
    pub(crate) fn calls_random(&self) -> bool {
        if matches!(self, Node::Call(Func::Random, _)) {
            return true;
        }
        let mut found = false;
        self.for_each_child(|c| found |= c.calls_random());
        found
    }

    /// Calls `f` with the source of every column read outside sub-queries (aggregates over
    /// collections, `exists`, membership tests keep their own tables).
    pub(crate) fn for_each_column_outside_sub_queries(&self, f: &mut impl FnMut(u16)) {
        match self {
            Node::Column { source, .. } | Node::CountEntity(source) => f(*source),
            Node::SubAgg(..) | Node::Exists(..) => {}
            Node::InSub(value, ..) => value.for_each_column_outside_sub_queries(f),
            other => other.for_each_child(|c| c.for_each_column_outside_sub_queries(f)),
        }
    }
}
