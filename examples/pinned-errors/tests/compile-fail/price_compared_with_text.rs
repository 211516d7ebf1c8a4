use colt::prelude::*;
use colt_example_pinned_errors::Product;

fn main() {
    // A price is a number: comparing it with text is a mistake rustc reports at "cheap".
    let _ = select!(p for p in Product if p.price == "cheap");
}
