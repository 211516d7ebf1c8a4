use colt::prelude::*;
use colt_example_pinned_errors::Product;

fn main() {
    let _ = select!(p.name for p in Product if p.prise > 100);
}
