use colt::prelude::*;

// A variant with fields, a renamed variant of an integer enum, two variants stored alike.
#[derive(Value, Debug, Clone, PartialEq)]
#[repr(i32)]
enum Level {
    Low,
    High(u8),
    #[colt(rename = "top")]
    Top,
}

#[derive(Value, Debug, Clone, PartialEq)]
enum Color {
    Red,
    #[colt(rename = "Red")]
    Crimson,
}

#[derive(Value, Debug, Clone, PartialEq)]
struct Pair(i64, i64);

fn main() {}

// mistakes: 4
