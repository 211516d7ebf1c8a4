// The accessor contract (`#[repr(transparent)]` over the base, nothing else) is `unsafe` to
// implement by hand: `Obj` reaches its accessor by casting its cell, so an accessor of
// another layout would read memory that is not its own.
use colt::obj::{Accessor, AccessorBase};
use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Pear {
    #[colt(primary_key, auto)]
    pub id: i64,
}

pub struct Stash(AccessorBase<Pear>, u64);

impl Accessor<Pear> for Stash {}

fn main() {}
