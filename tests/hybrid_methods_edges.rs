//! Hybrid methods at their edges (issue 14, from a review): about 60 methods (filters and
//! projections) over rows with quotes, a backslash, unicode, an empty text, -0.0, a denormal
//! and NULLs, each query compared with the Rust method run on every object, on both backends.
#![allow(clippy::all)]
mod common;
use colt::prelude::*;
use common::each_backend;

#[derive(Entity, Debug, Clone)]
struct Item {
    #[colt(primary_key)]
    id: i64,
    name: String,
    price: i64,
    weight: f32,
    ratio: f64,
    discount: Option<i64>,
    flag: bool,
}

#[hybrid]
#[allow(clippy::all, unused_parens)]
impl Item {
    fn neg_cmp(&self) -> bool {
        self.price > -1
    }
    fn ratio_big(&self) -> bool {
        self.ratio < 1e10
    }
    fn ratio_tiny(&self) -> bool {
        self.ratio > 1e-300
    }
    fn f32_mul(&self) -> bool {
        self.weight * 2.5 > 1.0
    }
    fn neg_zero(&self) -> bool {
        self.ratio == -0.0
    }
    fn sep(&self) -> bool {
        self.price < 1_000
    }
    fn quote(&self) -> bool {
        self.name == "it's"
    }
    fn backslash(&self) -> bool {
        self.name == "a\\b"
    }
    fn unicode(&self) -> bool {
        self.name == "héllo ✓"
    }
    fn raw(&self) -> bool {
        self.name == r#"q"uote"#
    }
    fn starts_pct(&self) -> bool {
        self.name.starts_with("50%")
    }
    fn contains_q(&self) -> bool {
        self.name.contains("?")
    }
    fn ends_quote(&self) -> bool {
        self.name.ends_with("'")
    }
    fn bool_lit(&self) -> bool {
        true
    }
    fn eq_false(&self) -> bool {
        self.flag == false
    }
    fn false_eq(&self) -> bool {
        false == self.flag
    }
    fn if_bool(&self) -> bool {
        if self.price > 100 {
            true
        } else {
            false
        }
    }
    fn if_bool2(&self) -> bool {
        if self.flag {
            false
        } else {
            self.price > 100
        }
    }
    fn match_bool(&self) -> bool {
        match self.price {
            0..=10 => true,
            _ => false,
        }
    }
    fn match_neg(&self) -> bool {
        match self.price {
            -10..=-1 => true,
            _ => false,
        }
    }
    fn some_and(&self) -> bool {
        self.discount.is_some_and(|d| d > 1)
    }
    fn none_or(&self) -> bool {
        self.discount.is_none_or(|d| d < 5)
    }
    fn unwrap_cmp(&self) -> bool {
        self.discount.unwrap_or(-1) < 0
    }
    fn f32_lit(&self) -> bool {
        self.weight == 0.1f32
    }
    fn f64_on_f32(&self) -> bool {
        self.weight == 0.1
    }
    fn f32_lt(&self) -> bool {
        self.weight < 0.4
    }
    fn nested(&self) -> bool {
        self.neg_cmp() && !self.eq_false()
    }
    fn nested_not(&self) -> bool {
        !self.bool_lit() || self.flag
    }
    fn empty_start(&self) -> bool {
        self.name.starts_with("")
    }
    fn trim_eq(&self) -> bool {
        self.name.trim() == "x"
    }
    fn lower_eq(&self) -> bool {
        self.name.to_lowercase() == "héllo ✓"
    }
    fn flag_and_true(&self) -> bool {
        self.flag && true
    }
    fn flag_ne_true(&self) -> bool {
        self.flag != true
    }
    fn neg_lit_paren(&self) -> bool {
        self.price > -(5)
    }
    fn mul_neg(&self) -> bool {
        self.price * -1 > 0
    }
    fn long_text(&self) -> bool {
        self.name == "x'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'yx'y"
    }
    fn ratio_mixed(&self) -> bool {
        self.ratio * 3.0 > 1.5
    }
    fn ratio_int_cast(&self) -> bool {
        self.price as f64 * 0.1 > 0.5
    }
    fn unwrap_eq(&self) -> bool {
        self.discount.unwrap_or(0) == 0
    }
    fn disc_eq_neg(&self) -> bool {
        self.discount.is_some_and(|d| d == -5)
    }
    fn minus_neg(&self) -> i64 {
        self.price - -1
    }
    fn div_neg(&self) -> i64 {
        self.price / -3
    }
    fn rem_neg(&self) -> i64 {
        self.price % -3
    }
    fn const_f(&self) -> f64 {
        0.5
    }
    fn case_f(&self) -> f64 {
        if self.flag {
            0.5
        } else {
            1.5
        }
    }
    fn float_mul(&self) -> f64 {
        self.ratio * 2.0
    }
    fn f32_proj(&self) -> f32 {
        self.weight * 3.0
    }
    fn f32_add(&self) -> f32 {
        self.weight + 0.1
    }
    fn unwrap0(&self) -> i64 {
        self.discount.unwrap_or(0)
    }
    fn replace_(&self) -> String {
        self.name.replace("a", "b'")
    }
    fn qmark(&self) -> String {
        "?".to_string()
    }
    fn dollar(&self) -> String {
        "$1 \\ %s {}".to_string()
    }
    fn uni(&self) -> String {
        "✓'".to_string()
    }
    fn bool_proj(&self) -> bool {
        true
    }
    fn bool_proj_f(&self) -> bool {
        false
    }
    fn bool_case(&self) -> bool {
        if self.flag {
            true
        } else {
            false
        }
    }
    fn match_text(&self) -> String {
        match self.price {
            0 => "zero".to_string(),
            _ => "other".to_string(),
        }
    }
    fn neg_zero_proj(&self) -> f64 {
        self.ratio * -0.0
    }
    fn f_big(&self) -> f64 {
        self.ratio + 1e300
    }
}

fn items(backend: &common::Backend) -> colt::Result<Database> {
    let db = Database::open(&backend.fresh_url())?;
    db.bind(schema![Item])?;
    db.create_tables()?;
    db.transaction(|tx| {
        type Row<'a> = (i64, &'a str, i64, f32, f64, Option<i64>, bool);
        let rows: [Row; 10] = [
            (1, "it's", -7, 0.4, 0.0, None, true),
            (2, "a\\b", 0, 0.1, -0.0, Some(-5), false),
            (3, "héllo ✓", 5, 0.3, 1e11, Some(0), true),
            (4, "q\"uote", 150, 0.5, 0.5, Some(10), false),
            (5, "50%off", 1000, 0.25, 1e-310, Some(2), true),
            (6, "500 off", 999, 0.7, 0.6, None, false),
            (7, "abc?", 10, 0.1, 2.0, Some(7), true),
            (8, "Bob'", 101, 0.2, 0.4, Some(1), false),
            (9, "x", 11, 0.35, 0.33, None, false),
            (10, "", -1, 1.0, -3.0, Some(4), true),
        ];
        for (id, name, price, weight, ratio, discount, flag) in rows {
            Item::build()
                .id(id)
                .name(name)
                .price(price)
                .weight(weight)
                .ratio(ratio)
                .discount(discount)
                .flag(flag)
                .insert(tx)?;
        }
        Ok(())
    })?;
    Ok(db)
}

#[test]
fn hybrid_review() -> colt::Result<()> {
    each_backend(|backend| {
        let db = items(backend)?;
        let mut bad: Vec<String> = Vec::new();
        db.transaction(|tx| {
            let all = select!((x for x in Item).order_by(|x| x.id)).fetch(tx)?;
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().neg_cmp())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.neg_cmp()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter neg_cmp: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter neg_cmp: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().ratio_big())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.ratio_big()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter ratio_big: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter ratio_big: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().ratio_tiny())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.ratio_tiny()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter ratio_tiny: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter ratio_tiny: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().f32_mul())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.f32_mul()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter f32_mul: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter f32_mul: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().neg_zero())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.neg_zero()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter neg_zero: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter neg_zero: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().sep())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.sep()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter sep: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter sep: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().quote())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.quote()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter quote: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter quote: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().backslash())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.backslash()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter backslash: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter backslash: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().unicode())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.unicode()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter unicode: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter unicode: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().raw())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.raw()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter raw: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter raw: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().starts_pct())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.starts_pct()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter starts_pct: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter starts_pct: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().contains_q())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.contains_q()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter contains_q: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter contains_q: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().ends_quote())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.ends_quote()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter ends_quote: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter ends_quote: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().bool_lit())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.bool_lit()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter bool_lit: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter bool_lit: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().eq_false())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.eq_false()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter eq_false: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter eq_false: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().false_eq())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.false_eq()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter false_eq: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter false_eq: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().if_bool())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.if_bool()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter if_bool: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter if_bool: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().if_bool2())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.if_bool2()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter if_bool2: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter if_bool2: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().match_bool())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.match_bool()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter match_bool: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter match_bool: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().match_neg())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.match_neg()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter match_neg: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter match_neg: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().some_and())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.some_and()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter some_and: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter some_and: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().none_or())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.none_or()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter none_or: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter none_or: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().unwrap_cmp())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.unwrap_cmp()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter unwrap_cmp: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter unwrap_cmp: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().f32_lit())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.f32_lit()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter f32_lit: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter f32_lit: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().f64_on_f32())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.f64_on_f32()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter f64_on_f32: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter f64_on_f32: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().f32_lt())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.f32_lt()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter f32_lt: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter f32_lt: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().nested())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.nested()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter nested: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter nested: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().nested_not())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.nested_not()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter nested_not: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter nested_not: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().empty_start())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.empty_start()).order_by(|x| x.id)).fetch(tx)
                {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter empty_start: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter empty_start: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().trim_eq())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.trim_eq()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter trim_eq: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter trim_eq: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().lower_eq())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.lower_eq()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter lower_eq: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter lower_eq: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().flag_and_true())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.flag_and_true()).order_by(|x| x.id))
                    .fetch(tx)
                {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter flag_and_true: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter flag_and_true: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().flag_ne_true())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.flag_ne_true()).order_by(|x| x.id)).fetch(tx)
                {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter flag_ne_true: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter flag_ne_true: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().neg_lit_paren())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.neg_lit_paren()).order_by(|x| x.id))
                    .fetch(tx)
                {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter neg_lit_paren: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter neg_lit_paren: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().mul_neg())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.mul_neg()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter mul_neg: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter mul_neg: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().long_text())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.long_text()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter long_text: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter long_text: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().ratio_mixed())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.ratio_mixed()).order_by(|x| x.id)).fetch(tx)
                {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter ratio_mixed: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter ratio_mixed: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().ratio_int_cast())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.ratio_int_cast()).order_by(|x| x.id))
                    .fetch(tx)
                {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter ratio_int_cast: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => {
                        bad.push(format!("{} filter ratio_int_cast: error {e}", backend.name))
                    }
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().unwrap_eq())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.unwrap_eq()).order_by(|x| x.id)).fetch(tx) {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter unwrap_eq: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter unwrap_eq: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all
                    .iter()
                    .filter(|o| o.get().disc_eq_neg())
                    .map(|o| o.id())
                    .collect();
                match select!((x.id for x in Item if x.disc_eq_neg()).order_by(|x| x.id)).fetch(tx)
                {
                    Ok(got) => {
                        if got != want {
                            bad.push(format!(
                                "{} filter disc_eq_neg: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} filter disc_eq_neg: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all.iter().map(|o| o.get().minus_neg()).collect();
                match select!((x.minus_neg() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj minus_neg: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj minus_neg: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all.iter().map(|o| o.get().div_neg()).collect();
                match select!((x.div_neg() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj div_neg: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj div_neg: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all.iter().map(|o| o.get().rem_neg()).collect();
                match select!((x.rem_neg() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj rem_neg: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj rem_neg: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<f64> = all.iter().map(|o| o.get().const_f()).collect();
                match select!((x.const_f() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj const_f: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj const_f: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<f64> = all.iter().map(|o| o.get().case_f()).collect();
                match select!((x.case_f() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj case_f: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj case_f: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<f64> = all.iter().map(|o| o.get().float_mul()).collect();
                match select!((x.float_mul() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj float_mul: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj float_mul: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<f32> = all.iter().map(|o| o.get().f32_proj()).collect();
                match select!((x.f32_proj() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj f32_proj: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj f32_proj: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<f32> = all.iter().map(|o| o.get().f32_add()).collect();
                match select!((x.f32_add() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj f32_add: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj f32_add: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<i64> = all.iter().map(|o| o.get().unwrap0()).collect();
                match select!((x.unwrap0() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj unwrap0: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj unwrap0: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<String> = all.iter().map(|o| o.get().replace_()).collect();
                match select!((x.replace_() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj replace_: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj replace_: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<String> = all.iter().map(|o| o.get().qmark()).collect();
                match select!((x.qmark() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj qmark: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj qmark: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<String> = all.iter().map(|o| o.get().dollar()).collect();
                match select!((x.dollar() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj dollar: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj dollar: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<String> = all.iter().map(|o| o.get().uni()).collect();
                match select!((x.uni() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj uni: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj uni: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<bool> = all.iter().map(|o| o.get().bool_proj()).collect();
                match select!((x.bool_proj() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj bool_proj: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj bool_proj: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<bool> = all.iter().map(|o| o.get().bool_proj_f()).collect();
                match select!((x.bool_proj_f() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj bool_proj_f: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj bool_proj_f: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<bool> = all.iter().map(|o| o.get().bool_case()).collect();
                match select!((x.bool_case() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj bool_case: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj bool_case: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<String> = all.iter().map(|o| o.get().match_text()).collect();
                match select!((x.match_text() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj match_text: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj match_text: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<f64> = all.iter().map(|o| o.get().neg_zero_proj()).collect();
                match select!((x.neg_zero_proj() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj neg_zero_proj: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj neg_zero_proj: error {e}", backend.name)),
                }
            }
            {
                let want: Vec<f64> = all.iter().map(|o| o.get().f_big()).collect();
                match select!((x.f_big() for x in Item).order_by(|x| x.id))
                    .without_distinct()
                    .fetch(tx)
                {
                    Ok(got) => {
                        if format!("{got:?}") != format!("{want:?}") {
                            bad.push(format!(
                                "{} proj f_big: want {:?} got {:?}",
                                backend.name, want, got
                            ));
                        }
                    }
                    Err(e) => bad.push(format!("{} proj f_big: error {e}", backend.name)),
                }
            }
            Ok(())
        })?;
        for b in &bad {
            eprintln!("MISMATCH {b}");
        }
        BAD.lock().unwrap().extend(bad);
        Ok(())
    })?;
    let bad = BAD.lock().unwrap();
    assert!(bad.is_empty(), "{} mismatches", bad.len());
    Ok(())
}
static BAD: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

#[derive(Entity, Debug, Clone)]
struct Crate {
    #[colt(primary_key)]
    id: i64,
    label: String,
    things: Set<Thing>,
}

#[derive(Entity, Debug, Clone)]
struct Thing {
    #[colt(primary_key)]
    id: i64,
    price: i64,
    weight: f32,
    name: String,
    owner: Ref<Crate>,
}

#[hybrid]
impl Thing {
    fn cheap(&self) -> bool {
        self.price < 10
    }
    fn doubled(&self) -> i64 {
        self.price * 2
    }
}

#[hybrid]
impl Crate {
    fn is_a(&self) -> bool {
        self.label == "a"
    }
}

#[test]
fn contexts_and_plain_select() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Crate, Thing])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let a = Crate::build().id(1).label("a").insert(tx)?;
            let b = Crate::build().id(2).label("b").insert(tx)?;
            Crate::build().id(3).label("c").insert(tx)?;
            for (id, price, w, name, o) in [
                (1, 5, 0.4f32, "", &a),
                (2, 50, 0.5, "x", &a),
                (3, 7, 0.1, "y", &b),
            ] {
                Thing::build()
                    .id(id)
                    .price(price)
                    .weight(w)
                    .name(name)
                    .owner(o)
                    .insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            // Plain select! (parameters, not hybrid): are the f32 and empty-prefix answers pre-existing?
            let plain_f32 = select!(t.id for t in Thing if t.weight * 2.5 > 1.0).fetch(tx)?;
            eprintln!("{} plain f32 mul: {:?} (Rust: [2])", backend.name, plain_f32);
            let plain_empty = select!(t.id for t in Thing if t.name.starts_with("")).fetch(tx)?;
            eprintln!("{} plain starts_with(\"\"): {:?} (Rust: [1,2,3])", backend.name, plain_empty);
            let q = select!(t for t in Thing);
            let refined = select!(q.filter(|t| t.cheap())).fetch(tx)?;
            assert_eq!(refined.len(), 2, "{} refinement", backend.name);
            let sub = select!(b.id for b in Crate if exists(t for t in b.things if t.cheap())).fetch(tx)?;
            eprintln!("{} exists-sub: {:?}", backend.name, sub);
            let agg = select!(sum(t.doubled()) for t in Thing if !t.cheap()).one(tx)?;
            assert_eq!(agg, Some(100), "{} agg", backend.name);
            let grouped = select!(((b.id, count(t.doubled())) for b in Crate for t in b.things if t.cheap()).order_by(|b, _t| b.id)).fetch(tx)?;
            assert_eq!(grouped, [(1, 1), (2, 1)], "{} group", backend.name);
            let lj = select!(left_join((b.id, t.id) for b in Crate for t in b.things if b.is_a())).fetch(tx)?;
            eprintln!("{} left join: {:?}", backend.name, lj);
            let n = select!((t for t in Thing if t.cheap()).set(|t| t.price = t.price + 100)).update(tx)?;
            assert_eq!(n, 2, "{} update", backend.name);
            let d = select!(t for t in Thing if !t.cheap() && t.doubled() > 300).delete(tx)?;
            assert_eq!(d, 0, "{} delete", backend.name);
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Offer {
    #[colt(primary_key)]
    id: i64,
    now: Option<i64>,
    before: Option<i64>,
}

#[hybrid]
impl Offer {
    fn same(&self) -> bool {
        self.now == self.before
    }
    fn changed(&self) -> bool {
        self.now != self.before
    }
    fn lower(&self) -> bool {
        self.now < self.before
    }
    fn at_most(&self) -> bool {
        self.now <= self.before
    }
    fn higher(&self) -> bool {
        self.now > self.before
    }
    fn at_least(&self) -> bool {
        self.now >= self.before
    }
    fn rank(&self) -> i64 {
        if self.now == self.before {
            1
        } else {
            2
        }
    }
}

/// Two `Option` attributes compared in a hybrid method's body compare as Rust's `Option`s
/// do (`None == None`, `None` before every `Some`), as the method does on the object: the
/// query compared them as SQL does (NULL, so no row), and kept no row with a `None`.
#[test]
fn options_compared_in_a_hybrid_body_compare_as_in_rust() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Offer])?;
        db.create_tables()?;
        let rows = [
            (1, None, None),
            (2, None, Some(3)),
            (3, Some(3), None),
            (4, Some(3), Some(3)),
            (5, Some(2), Some(3)),
            (6, Some(4), Some(3)),
        ];
        db.transaction(|tx| {
            for (id, now, before) in rows {
                Offer::build().id(id).now(now).before(before).insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
            let all = select!((o for o in Offer).order_by(|o| o.id)).fetch(tx)?;
            let rust = |f: fn(&Offer) -> bool| -> Vec<i64> {
                all.iter().filter(|o| f(&o.get())).map(|o| o.id()).collect()
            };
            let b = backend.name;
            let q = |v: Vec<i64>| v;
            assert_eq!(
                q(select!((o.id for o in Offer if o.same()).order_by(|o| o.id)).fetch(tx)?),
                rust(Offer::same),
                "{b} =="
            );
            assert_eq!(
                q(select!((o.id for o in Offer if !o.same()).order_by(|o| o.id)).fetch(tx)?),
                rust(|o| !o.same()),
                "{b} !(==)"
            );
            assert_eq!(
                q(select!((o.id for o in Offer if o.changed()).order_by(|o| o.id)).fetch(tx)?),
                rust(Offer::changed),
                "{b} !="
            );
            assert_eq!(
                q(select!((o.id for o in Offer if o.lower()).order_by(|o| o.id)).fetch(tx)?),
                rust(Offer::lower),
                "{b} <"
            );
            assert_eq!(
                q(select!((o.id for o in Offer if o.at_most()).order_by(|o| o.id)).fetch(tx)?),
                rust(Offer::at_most),
                "{b} <="
            );
            assert_eq!(
                q(select!((o.id for o in Offer if o.higher()).order_by(|o| o.id)).fetch(tx)?),
                rust(Offer::higher),
                "{b} >"
            );
            assert_eq!(
                q(select!((o.id for o in Offer if o.at_least()).order_by(|o| o.id)).fetch(tx)?),
                rust(Offer::at_least),
                "{b} >="
            );
            let ranks = select!(((o.id, o.rank()) for o in Offer).order_by(|o| o.id)).fetch(tx)?;
            let want: Vec<(i64, i64)> = all.iter().map(|o| (o.id(), o.get().rank())).collect();
            assert_eq!(ranks, want, "{b} rank");
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Fee {
    #[colt(primary_key)]
    id: i64,
    amount: i64,
}

#[hybrid]
#[allow(clippy::all)]
impl Fee {
    fn penalty(&self) -> i64 {
        -5
    }
    fn bonus(&self) -> i64 {
        -self.penalty()
    }
    fn half(&self) -> f64 {
        -0.5
    }
}

/// A negated negative literal (a hybrid method's `-5`, negated in the query or in another
/// method) was written `(--5)`: SQL's `--` starts a comment, and the statement failed.
/// (Found by a review.)
#[test]
fn a_negated_negative_literal_is_not_a_comment() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Fee])?;
        db.create_tables()?;
        db.transaction(|tx| {
            Fee::build().id(1).amount(3).insert(tx)?;
            Fee::build().id(2).amount(7).insert(tx)?;
            let b = backend.name;
            let above: Vec<i64> =
                select!((f.id for f in Fee if f.amount > -f.penalty()).order_by(|f| f.id))
                    .fetch(tx)?;
            assert_eq!(above, [2], "{b}");
            let bonus: Vec<(i64, i64)> =
                select!(((f.id, f.bonus()) for f in Fee).order_by(|f| f.id)).fetch(tx)?;
            assert_eq!(bonus, [(1, 5), (2, 5)], "{b}");
            let halves = select!(f for f in Fee if -f.half() > 0.25).count(tx)?;
            assert_eq!(halves, 2, "{b}");
            Ok(())
        })
    })
}

#[derive(Entity, Debug, Clone)]
struct Path {
    #[colt(primary_key)]
    id: i64,
    text: String,
    #[colt(default = "C:\\new")]
    folder: String,
    #[colt(default = b"ab")]
    data: Vec<u8>,
}

#[hybrid]
impl Path {
    fn in_temp(&self) -> bool {
        self.text.starts_with("C:\\temp")
    }
}

/// A text literal with a backslash, where the server reads `\` in a plain literal as an
/// escape (PostgreSQL's `standard_conforming_strings = off`, for a database or a role):
/// `'C:\temp'` held a tab there, so the method matched nothing and the default was wrong.
#[test]
fn backslashes_in_literals_mean_themselves_whatever_the_server_setting() -> colt::Result<()> {
    each_backend(|backend| {
        let url = backend.fresh_url();
        if backend.is_postgres() {
            Database::open(&url)?.transaction(|tx| {
                tx.execute_sql(
                    "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET standard_conforming_strings = off', current_database()); END $$",
                    &[],
                )
            })?;
        }
        let db = Database::open(&url)?;
        db.bind(schema![Path])?;
        db.create_tables()?;
        db.transaction(|tx| {
            let insert = if backend.is_postgres() {
                "INSERT INTO path (id, text) VALUES (1, $1)"
            } else {
                "INSERT INTO path (id, text) VALUES (1, ?1)"
            };
            tx.execute_sql(insert, &[&"C:\\temp\\a"])?;
            let found = select!(p.id for p in Path if p.in_temp()).fetch(tx)?;
            assert_eq!(found, [1]);
            let p = tx.get_or_err::<Path>(1)?;
            assert!(p.get().in_temp());
            assert_eq!(p.folder(), "C:\\new");
            assert_eq!(p.data(), b"ab");
            Ok(())
        })
    })
}
