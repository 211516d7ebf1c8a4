use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Tea {
    #[colt(primary_key)]
    id: i64,
    price: i64,
}

#[hybrid]
impl Tea {
    fn is_cheap(&self) -> bool {
        self.price < 100
    }
}

fn main() {
    // A method that is not a hybrid method of `Tea`.
    let _ = select!(t for t in Tea if t.is_cheep());
}
