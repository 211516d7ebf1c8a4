//! What the sources say of a field's type and default, without compiling them: the storage
//! type of a field type (by the runtime's impls of `SqlType`, and the sources' own
//! `#[derive(Value)]` types), and a `default = ..` as a value when it is written as a literal
//! (or a variant of a value enum stored by name).

use colt_model::value::{Shape, Storage};
use colt_runtime::{ColumnType, Value};

/// The `#[derive(Value)]` types of the sources, by name.
pub(crate) struct ValueTypes<'a>(pub Vec<(String, &'a syn::DeriveInput)>);

impl ValueTypes<'_> {
    /// The storage type of a field type, by the runtime's impls of `SqlType` (and the
    /// sources' own `#[derive(Value)]` types).
    pub(crate) fn column_type(&self, ty: &syn::Type, depth: usize) -> Option<ColumnType> {
        let name = last_ident(ty)?;
        if let Some((_, v)) = self.0.iter().find(|(n, _)| *n == name) {
            let value = colt_model::value::from_syn(v).ok()?;
            return match value.shape {
                Shape::Enum {
                    storage: Storage::Text,
                    ..
                } => Some(ColumnType::Text),
                Shape::Enum {
                    storage: Storage::Integer(width),
                    ..
                } => match width {
                    "SmallInt" => Some(ColumnType::SmallInt),
                    "Int" => Some(ColumnType::Int),
                    _ => Some(ColumnType::BigInt),
                },
                Shape::Newtype { inner } if depth < 8 => self.column_type(inner, depth + 1),
                Shape::Newtype { .. } => None,
            };
        }
        Some(match name.as_str() {
            "bool" => ColumnType::Bool,
            "i16" => ColumnType::SmallInt,
            "i32" => ColumnType::Int,
            "i64" => ColumnType::BigInt,
            "f32" => ColumnType::Float,
            "f64" => ColumnType::Double,
            "String" => ColumnType::Text,
            "Vec" if generic_arg(ty).and_then(last_ident).as_deref() == Some("u8") => {
                ColumnType::Blob
            }
            "Uuid" => ColumnType::Uuid,
            "NaiveDate" | "Date" => ColumnType::Date,
            "NaiveTime" | "Time" => ColumnType::Time,
            "NaiveDateTime" | "PrimitiveDateTime" => ColumnType::Timestamp,
            "DateTime" | "OffsetDateTime" => ColumnType::TimestampTz,
            "Decimal" => ColumnType::Decimal,
            "Json" | "Value" => ColumnType::Json,
            _ => return None,
        })
    }

    /// Whether a field type is a newtype of the sources (`#[derive(Value)] struct
    /// Cents(i64)`): its `default = ..` goes through the program's own `From`, which the
    /// sources do not say (dollars to cents, a lowercased email).
    pub(crate) fn is_newtype(&self, ty: &syn::Type) -> bool {
        last_ident(ty).is_some_and(|name| {
            self.0.iter().any(|(n, v)| {
                *n == name
                    && colt_model::value::from_syn(v)
                        .is_ok_and(|value| matches!(value.shape, Shape::Newtype { .. }))
            })
        })
    }

    /// The stored name of `Enum::Variant`, a variant of a `#[derive(Value)]` enum of the
    /// sources stored by name.
    pub(crate) fn variant_value(&self, expr: &syn::Expr) -> Option<Value> {
        let syn::Expr::Path(p) = expr else {
            return None;
        };
        let n = p.path.segments.len();
        let variant = &p.path.segments.last()?.ident;
        let ty = &p.path.segments.iter().nth(n.checked_sub(2)?)?.ident;
        let (_, input) = self.0.iter().find(|(name, _)| ty == name)?;
        let value = colt_model::value::from_syn(input).ok()?;
        let Shape::Enum {
            storage: Storage::Text,
            variants,
        } = value.shape
        else {
            return None;
        };
        variants
            .into_iter()
            .find(|(v, _)| *v == variant)
            .map(|(_, stored)| Value::Text(stored))
    }
}

pub(crate) fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().map(|s| s.ident.to_string())
        }
        syn::Type::Group(g) => last_ident(&g.elem),
        syn::Type::Paren(p) => last_ident(&p.elem),
        _ => None,
    }
}

fn generic_arg(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    match args.args.first() {
        Some(syn::GenericArgument::Type(t)) => Some(t),
        _ => None,
    }
}

pub(crate) fn type_text(ty: &syn::Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" :: ", "::")
}

/// The value of a `default = ..` written as a literal (`0`, `-1.5`, `"new"`, `true`,
/// `"new".to_string()`, `String::from("new")`); `None` for any other expression.
pub(crate) fn literal_value(expr: &syn::Expr) -> Option<Value> {
    match expr {
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => i.base10_parse::<i64>().ok().map(Value::Int),
            syn::Lit::Float(f) => f.base10_parse::<f64>().ok().map(Value::Real),
            syn::Lit::Str(s) => Some(Value::Text(s.value())),
            syn::Lit::Bool(b) => Some(Value::Int(i64::from(b.value))),
            _ => None,
        },
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Neg(_)) => match literal_value(&u.expr)? {
            Value::Int(i) => Some(Value::Int(-i)),
            Value::Real(r) => Some(Value::Real(-r)),
            _ => None,
        },
        syn::Expr::MethodCall(m)
            if m.args.is_empty()
                && ["to_string", "to_owned", "into"].contains(&m.method.to_string().as_str()) =>
        {
            literal_value(&m.receiver).filter(|v| matches!(v, Value::Text(_)))
        }
        syn::Expr::Call(c) if c.args.len() == 1 => {
            let syn::Expr::Path(p) = &*c.func else {
                return None;
            };
            let names: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            (names == ["String", "from"])
                .then(|| literal_value(&c.args[0]))
                .flatten()
                .filter(|v| matches!(v, Value::Text(_)))
        }
        syn::Expr::Paren(p) => literal_value(&p.expr),
        syn::Expr::Group(g) => literal_value(&g.expr),
        _ => None,
    }
}
