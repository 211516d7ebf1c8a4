use colt::prelude::*;

// mistakes: 2
// `obj.is_deleted()` and `obj.key()` are every object's own methods: fields of those names
// would never be read through them.
#[derive(Entity, Debug, Clone)]
pub struct Post {
    #[colt(primary_key)]
    pub id: i64,
    pub is_deleted: bool,
    pub key: i64,
}

// A key field named `key`, and a `key` of another type than the key, are fine.
#[derive(Entity, Debug, Clone)]
pub struct Setting {
    #[colt(primary_key)]
    pub key: String,
}

#[derive(Entity, Debug, Clone)]
pub struct Sample {
    #[colt(primary_key)]
    pub id: i64,
    pub key: String,
    #[colt(column = "is_deleted")]
    pub deleted: bool,
}

fn main() {}
