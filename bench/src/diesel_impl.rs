//! The same workloads with Diesel 2, written the way its own benchmark suite does.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sqlite::SqliteConnection;

use crate::data::{seed_sql, tag_rows, DDL, PG_DDL};

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        user_id -> BigInt,
        title -> Text,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        post_id -> BigInt,
        text -> Text,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        name -> Text,
        note -> Nullable<Text>,
    }
}

diesel::joinable!(posts -> users (user_id));
diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

#[derive(Queryable, Selectable, Identifiable, Debug, Clone)]
#[diesel(table_name = users)]
#[allow(dead_code)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone)]
#[diesel(belongs_to(User))]
#[diesel(table_name = posts)]
#[allow(dead_code)]
pub struct Post {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

#[derive(Queryable, Selectable, Identifiable, Associations, Debug, Clone)]
#[diesel(belongs_to(Post))]
#[diesel(table_name = comments)]
#[allow(dead_code)]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUser {
    name: String,
    hair_color: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = tags)]
struct NewTag {
    id: i64,
    name: String,
    note: Option<String>,
}

/// Diesel over a connection of either backend (the same code for both: `methods!`).
pub struct DieselBench<C> {
    conn: C,
}

impl DieselBench<SqliteConnection> {
    pub fn new(
        users: usize,
        posts: usize,
        comments: usize,
        colored: bool,
    ) -> DieselBench<SqliteConnection> {
        let mut conn = SqliteConnection::establish(":memory:").expect("open");
        conn.batch_execute(DDL).expect("ddl");
        conn.batch_execute(&seed_sql(users, posts, comments, colored))
            .expect("seed");
        DieselBench { conn }
    }
}

impl DieselBench<PgConnection> {
    /// Diesel on PostgreSQL, in the schema `bench_diesel_{name}` made afresh with the data.
    pub fn on_postgres(
        url: &str,
        name: &str,
        users: usize,
        posts: usize,
        comments: usize,
        colored: bool,
    ) -> DieselBench<PgConnection> {
        let mut conn = PgConnection::establish(url).expect("connect");
        let schema = format!("bench_diesel_{name}");
        conn.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; SET search_path TO {schema}"
        ))
        .expect("schema");
        conn.batch_execute(PG_DDL).expect("ddl");
        conn.batch_execute(&seed_sql(users, posts, comments, colored))
            .expect("seed");
        DieselBench { conn }
    }
}

/// The workloads, written once for both connection types.
macro_rules! methods {
    ($conn:ty) => {
        impl DieselBench<$conn> {
            pub fn trivial(&mut self) -> Vec<User> {
                users::table
                    .select(User::as_select())
                    .load(&mut self.conn)
                    .expect("trivial")
            }

            pub fn medium(&mut self) -> Vec<(User, Option<Post>)> {
                users::table
                    .left_join(posts::table)
                    .filter(users::hair_color.eq("black"))
                    .select((User::as_select(), Option::<Post>::as_select()))
                    .load(&mut self.conn)
                    .expect("medium")
            }

            pub fn insert(&mut self, n: usize) {
                let rows: Vec<NewUser> = (0..n)
                    .map(|i| NewUser {
                        name: format!("User {i}"),
                        hair_color: None,
                    })
                    .collect();
                self.conn
                    .transaction(|conn| {
                        diesel::insert_into(users::table)
                            .values(&rows)
                            .execute(conn)
                    })
                    .expect("insert");
            }

            /// `n` rows in one multi-row `INSERT`, keys given.
            pub fn insert_many(&mut self, round: usize, n: usize) {
                let rows: Vec<NewTag> = tag_rows(round, n)
                    .map(|(id, name)| NewTag {
                        id,
                        name,
                        note: None,
                    })
                    .collect();
                self.conn
                    .transaction(|conn| {
                        diesel::insert_into(tags::table).values(&rows).execute(conn)
                    })
                    .expect("insert_many");
            }

            #[allow(clippy::type_complexity)]
            pub fn associations(&mut self) -> Vec<(User, Vec<(Post, Vec<Comment>)>)> {
                let users = self.trivial();
                let posts: Vec<Post> = Post::belonging_to(&users)
                    .select(Post::as_select())
                    .load(&mut self.conn)
                    .expect("posts");
                let comments: Vec<Comment> = Comment::belonging_to(&posts)
                    .select(Comment::as_select())
                    .load(&mut self.conn)
                    .expect("comments");
                let comments = comments.grouped_by(&posts);
                let posts_and_comments: Vec<Vec<(Post, Vec<Comment>)>> =
                    posts.into_iter().zip(comments).grouped_by(&users);
                users.into_iter().zip(posts_and_comments).collect()
            }

            pub fn lookups(&mut self, keys: &[i64]) -> usize {
                let mut found = 0;
                for k in keys {
                    let u: User = users::table
                        .find(k)
                        .select(User::as_select())
                        .first(&mut self.conn)
                        .expect("get");
                    found += usize::from(u.id == *k);
                }
                found
            }

            pub fn grouped(&mut self) -> Vec<(i64, i64, Option<f64>)> {
                // AVG read through SQL as Diesel users do for aggregates (a double on both backends).
                #[derive(QueryableByName)]
                struct Row {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    user_id: i64,
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
                    mean: Option<f64>,
                }
                sql_query(
                    "SELECT user_id, COUNT(*) AS n, CAST(AVG(id) AS DOUBLE PRECISION) AS mean \
             FROM posts GROUP BY user_id",
                )
                .load::<Row>(&mut self.conn)
                .expect("grouped")
                .into_iter()
                .map(|r| (r.user_id, r.n, r.mean))
                .collect()
            }

            pub fn update(&mut self, n: usize) {
                let users = self.trivial();
                self.conn
                    .transaction(|conn| {
                        for u in users.iter().take(n) {
                            diesel::update(users::table.find(u.id))
                                .set(users::name.eq(format!("{} changed", u.name)))
                                .execute(conn)?;
                        }
                        diesel::QueryResult::Ok(())
                    })
                    .expect("update");
            }
        }
    };
}

methods!(SqliteConnection);
methods!(PgConnection);
