use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Sale {
    #[colt(primary_key)]
    id: i64,
    discount: Option<f64>,
}

fn main() {
    let _ = select!(s for s in Sale if s.discount.is_some_and(0.5));
    let _ = select!(s for s in Sale if s.discount.is_some_and(|a, b| a > b));
}

fn not_an_option() {
    // `id` is never NULL.
    let _ = select!(s for s in Sale if s.id.is_some_and(|i| i > 1));
}

// mistakes: 3
