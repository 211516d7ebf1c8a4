use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Point(i64, i64);

fn main() {}
