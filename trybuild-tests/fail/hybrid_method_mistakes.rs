use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
struct Tea {
    #[colt(primary_key)]
    id: i64,
    price: i64,
}

const LIMIT: i64 = 100;

#[hybrid]
impl Tea {
    // An outer value: only attributes and literals can become SQL here.
    fn is_cheap(&self) -> bool {
        self.price < LIMIT
    }

    // Arguments are not supported.
    fn costs_more_than(&self, x: i64) -> bool {
        self.price > x
    }

    // Not a future.
    async fn later(&self) -> bool {
        self.price > 1
    }

    // One expression, no statements.
    fn doubled(&self) -> i64 {
        let d = self.price * 2;
        d
    }
}

fn main() {}

// mistakes: 4
