use colt::prelude::*;
use colt_example_pinned_errors::Category;

fn main() {
    let _ = select!((c.name, sum(c.products.name)) for c in Category);
}
