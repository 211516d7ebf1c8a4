use colt::prelude::*;

#[derive(Value, Debug, Clone, PartialEq)]
struct Email(String);

#[derive(Entity, Debug, Clone)]
struct User {
    #[colt(primary_key, auto)]
    id: i64,
    email: Email,
}

fn main() {
    let _ = select!(u for u in User if u.email == "ann@x.org");
}
