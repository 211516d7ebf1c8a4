//! Diesel's benchmark schema (users, posts, comments) as Colt entities (the data is in
//! `data.rs`).

use colt::prelude::*;

#[derive(Entity, Debug, Clone)]
#[colt(table = "users")]
pub struct User {
    #[colt(primary_key, auto)]
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
    pub posts: Set<Post>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "posts")]
pub struct Post {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(column = "user_id")]
    pub user: Ref<User>,
    pub title: String,
    pub body: Option<String>,
    pub comments: Set<Comment>,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "comments")]
pub struct Comment {
    #[colt(primary_key, auto)]
    pub id: i64,
    #[colt(column = "post_id")]
    pub post: Ref<Post>,
    pub text: String,
}

#[derive(Entity, Debug, Clone)]
#[colt(table = "tags")]
pub struct Tag {
    #[colt(primary_key)]
    pub id: i64,
    pub name: String,
    pub note: Option<String>,
}

/// A counter incremented by many threads at once (the concurrency suite's writes).
#[derive(Entity, Debug, Clone)]
#[colt(table = "counters")]
pub struct Counter {
    #[colt(primary_key)]
    pub id: i64,
    pub n: i64,
}
