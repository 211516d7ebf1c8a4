// The accessor contract (keep the base inside the accessor) is `unsafe` to implement by hand:
// a hand-written accessor that kept its base past its object could read freed memory.
use colt::obj::{Accessor, AccessorBase};
use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
pub struct Pear {
    #[colt(primary_key, auto)]
    pub id: i64,
}

pub struct Stash(AccessorBase<Pear>);

impl Accessor<Pear> for Stash {
    fn from_base(base: AccessorBase<Pear>) -> Self {
        Stash(base)
    }
}

fn main() {}
