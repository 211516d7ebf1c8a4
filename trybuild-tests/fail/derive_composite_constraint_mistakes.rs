use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
#[colt(unique(first_name, lastname), index(city), unique(city, tags))]
struct Member {
    #[colt(primary_key, auto)]
    id: i64,
    first_name: String,
    last_name: String,
    city: String,
    tags: Set<Tag>,
}

#[derive(Entity, Debug, Clone)]
#[colt(unique)]
struct Tag {
    #[colt(primary_key, auto)]
    id: i64,
    members: Set<Member>,
}

fn main() {}

// mistakes: 4
