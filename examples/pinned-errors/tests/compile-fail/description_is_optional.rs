use colt::prelude::*;
use colt_example_pinned_errors::Product;

fn main() {
    // `in_stock` is never NULL: `.is_none()` is for `Option` attributes such as `description`.
    let _ = select!(p for p in Product if p.in_stock.is_none());
}
