//! The operators and functions a query can use, as types: lowering decides which one an
//! expression is, expansion names the runtime function that builds it (`colt::__private::eq`,
//! ...). Nothing else pastes names into paths.

/// A binary operator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinaryOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    /// The operator of a Rust binary expression, if a query supports it.
    pub(crate) fn from_syn(op: &syn::BinOp) -> Option<Self> {
        use syn::BinOp as B;
        Some(match op {
            B::Eq(_) => Self::Eq,
            B::Ne(_) => Self::Ne,
            B::Lt(_) => Self::Lt,
            B::Le(_) => Self::Le,
            B::Gt(_) => Self::Gt,
            B::Ge(_) => Self::Ge,
            B::And(_) => Self::And,
            B::Or(_) => Self::Or,
            B::Add(_) => Self::Add,
            B::Sub(_) => Self::Sub,
            B::Mul(_) => Self::Mul,
            B::Div(_) => Self::Div,
            B::Rem(_) => Self::Rem,
            _ => return None,
        })
    }

    /// `==` or `!=`.
    pub(crate) fn is_equality(self) -> bool {
        matches!(self, Self::Eq | Self::Ne)
    }

    /// `==`, `!=`, `<`, `<=`, `>` or `>=`.
    pub(crate) fn is_comparison(self) -> bool {
        matches!(
            self,
            Self::Eq | Self::Ne | Self::Lt | Self::Le | Self::Gt | Self::Ge
        )
    }

    /// The runtime function that builds it.
    pub(crate) fn runtime_fn(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Lt => "lt",
            Self::Le => "le",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::And => "and",
            Self::Or => "or",
            Self::Add => "add",
            Self::Sub => "sub",
            Self::Mul => "mul",
            Self::Div => "div",
            Self::Rem => "rem",
        }
    }
}

/// A function of one query expression.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnaryOp {
    Not,
    Neg,
    IsNone,
    IsSome,
    IsEmpty,
    ToLowercase,
    ToUppercase,
    Trim,
    Len,
    CharCount,
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Desc,
    Exists,
    AsStr,
    AsI64,
    AsF64,
    AsBool,
    TrimStart,
    TrimEnd,
    Abs,
    Round,
}

impl UnaryOp {
    /// The runtime function that builds it.
    pub(crate) fn runtime_fn(self) -> &'static str {
        match self {
            Self::Not => "not",
            Self::Neg => "neg",
            Self::IsNone => "is_none",
            Self::IsSome => "is_some",
            Self::IsEmpty => "is_empty",
            Self::ToLowercase => "to_lowercase",
            Self::ToUppercase => "to_uppercase",
            Self::Trim => "trim",
            Self::Len => "len",
            Self::CharCount => "char_count",
            Self::Year => "year",
            Self::Month => "month",
            Self::Day => "day",
            Self::Hour => "hour",
            Self::Minute => "minute",
            Self::Second => "second",
            Self::Desc => "desc",
            Self::Exists => "exists",
            Self::AsStr => "json_as_str",
            Self::AsI64 => "json_as_i64",
            Self::AsF64 => "json_as_f64",
            Self::AsBool => "json_as_bool",
            Self::TrimStart => "trim_start",
            Self::TrimEnd => "trim_end",
            Self::Abs => "abs",
            Self::Round => "round",
        }
    }
}

/// A method with one argument.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MethodOp {
    StartsWith,
    EndsWith,
    Contains,
    Get,
    UnwrapOr,
    Like,
}

impl MethodOp {
    /// The runtime function that builds it.
    pub(crate) fn runtime_fn(self) -> &'static str {
        match self {
            Self::StartsWith => "starts_with",
            Self::EndsWith => "ends_with",
            Self::Contains => "contains",
            Self::Get => "json_get",
            Self::UnwrapOr => "unwrap_or",
            Self::Like => "like",
        }
    }
}

/// A method a query expression supports, by its Rust name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    /// No argument.
    Unary(UnaryOp),
    /// One argument.
    Binary(MethodOp),
    /// Two arguments: the runtime function's name.
    Ternary(&'static str),
}

/// The methods of query expressions: their Rust names and what they are.
pub(crate) const METHODS: &[(&str, Method)] = &[
    ("is_empty", Method::Unary(UnaryOp::IsEmpty)),
    ("starts_with", Method::Binary(MethodOp::StartsWith)),
    ("ends_with", Method::Binary(MethodOp::EndsWith)),
    ("contains", Method::Binary(MethodOp::Contains)),
    ("to_lowercase", Method::Unary(UnaryOp::ToLowercase)),
    ("to_uppercase", Method::Unary(UnaryOp::ToUppercase)),
    ("trim", Method::Unary(UnaryOp::Trim)),
    ("len", Method::Unary(UnaryOp::Len)),
    ("year", Method::Unary(UnaryOp::Year)),
    ("month", Method::Unary(UnaryOp::Month)),
    ("day", Method::Unary(UnaryOp::Day)),
    ("hour", Method::Unary(UnaryOp::Hour)),
    ("minute", Method::Unary(UnaryOp::Minute)),
    ("second", Method::Unary(UnaryOp::Second)),
    ("is_none", Method::Unary(UnaryOp::IsNone)),
    ("is_some", Method::Unary(UnaryOp::IsSome)),
    ("get", Method::Binary(MethodOp::Get)),
    ("as_str", Method::Unary(UnaryOp::AsStr)),
    ("as_i64", Method::Unary(UnaryOp::AsI64)),
    ("as_f64", Method::Unary(UnaryOp::AsF64)),
    ("as_bool", Method::Unary(UnaryOp::AsBool)),
    ("trim_start", Method::Unary(UnaryOp::TrimStart)),
    ("trim_end", Method::Unary(UnaryOp::TrimEnd)),
    ("abs", Method::Unary(UnaryOp::Abs)),
    ("round", Method::Unary(UnaryOp::Round)),
    ("unwrap_or", Method::Binary(MethodOp::UnwrapOr)),
    ("like", Method::Binary(MethodOp::Like)),
    ("replace", Method::Ternary("replace")),
];

/// An aggregate function.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aggregate {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    CountDistinct,
    SumDistinct,
    AvgDistinct,
    GroupConcat,
}

impl Aggregate {
    /// The aggregate a call names, if it is one.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "count" => Self::Count,
            "sum" => Self::Sum,
            "avg" => Self::Avg,
            "min" => Self::Min,
            "max" => Self::Max,
            "count_distinct" => Self::CountDistinct,
            "sum_distinct" => Self::SumDistinct,
            "avg_distinct" => Self::AvgDistinct,
            "group_concat" => Self::GroupConcat,
            _ => return None,
        })
    }

    /// Its name, in queries and in the runtime.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Min => "min",
            Self::Max => "max",
            Self::CountDistinct => "count_distinct",
            Self::SumDistinct => "sum_distinct",
            Self::AvgDistinct => "avg_distinct",
            Self::GroupConcat => "group_concat",
        }
    }
}
