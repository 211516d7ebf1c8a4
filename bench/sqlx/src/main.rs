//! The SQLx implementation of the PostgreSQL workloads, a binary of its own with its own
//! tokio runtime (SQLx is asynchronous): `colt-bench --suite postgres` builds and runs it as
//! its "sqlx" process, with the other children's protocol (`--impl sqlx --suite postgres
//! --pg URL [--quick] [--only ..]`, `RESULT` lines). Written as SQLx's documentation writes
//! it: one connection, statements prepared and kept by SQLx, rows decoded with `FromRow`,
//! many rows inserted with `QueryBuilder::push_values`.

#[path = "../../src/data.rs"]
mod data;
#[path = "../../src/harness.rs"]
mod harness;

use data::{seed_sql, tag_rows, PG_DDL};
use harness::{child, keys, Run};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection, Executor, QueryBuilder};
use std::str::FromStr;
use std::sync::OnceLock;
use tokio::runtime::Runtime;

static PG_URL: OnceLock<String> = OnceLock::new();

#[derive(sqlx::FromRow, Debug, Clone)]
#[allow(dead_code)]
struct User {
    id: i64,
    name: String,
    hair_color: Option<String>,
}

#[derive(sqlx::FromRow, Debug, Clone)]
#[allow(dead_code)]
struct Post {
    id: i64,
    user_id: i64,
    title: String,
    body: Option<String>,
}

#[derive(sqlx::FromRow, Debug, Clone)]
#[allow(dead_code)]
struct Comment {
    id: i64,
    post_id: i64,
    text: String,
}

/// A user and, from the `LEFT JOIN`, maybe one of its posts.
#[derive(sqlx::FromRow, Debug, Clone)]
#[allow(dead_code)]
struct UserPost {
    id: i64,
    name: String,
    hair_color: Option<String>,
    post_id: Option<i64>,
    post_user_id: Option<i64>,
    title: Option<String>,
    body: Option<String>,
}

/// One connection in the schema `bench_sqlx_{name}`, made afresh with the data.
struct Bench {
    rt: Runtime,
    conn: PgConnection,
}

impl Bench {
    fn new(name: &str, data: (usize, usize, usize, bool)) -> Bench {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let url = PG_URL.get().expect("--pg URL");
        let schema = format!("bench_sqlx_{name}");
        let conn = rt.block_on(async {
            let mut admin = PgConnection::connect(url).await.expect("connect");
            admin
                .execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str())
                .await
                .expect("schema");
            let options = PgConnectOptions::from_str(url)
                .expect("a URL")
                .options([("search_path", schema.as_str())]);
            let mut conn = PgConnection::connect_with(&options).await.expect("connect");
            conn.execute(PG_DDL).await.expect("ddl");
            conn.execute(seed_sql(data.0, data.1, data.2, data.3).as_str())
                .await
                .expect("seed");
            conn
        });
        Bench { rt, conn }
    }

    fn trivial(&mut self) -> Vec<User> {
        let conn = &mut self.conn;
        self.rt.block_on(async {
            sqlx::query_as::<_, User>("SELECT id, name, hair_color FROM users")
                .fetch_all(conn)
                .await
                .expect("trivial")
        })
    }

    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        let conn = &mut self.conn;
        let rows = self.rt.block_on(async {
            sqlx::query_as::<_, UserPost>(
                "SELECT u.id, u.name, u.hair_color, p.id AS post_id, p.user_id AS post_user_id, \
                 p.title, p.body FROM users u LEFT JOIN posts p ON u.id = p.user_id \
                 WHERE u.hair_color = $1",
            )
            .bind("black")
            .fetch_all(conn)
            .await
            .expect("medium")
        });
        rows.into_iter()
            .map(|r| {
                let post = r.post_id.map(|id| Post {
                    id,
                    user_id: r.post_user_id.unwrap_or_default(),
                    title: r.title.clone().unwrap_or_default(),
                    body: r.body.clone(),
                });
                (
                    User {
                        id: r.id,
                        name: r.name,
                        hair_color: r.hair_color,
                    },
                    post,
                )
            })
            .collect()
    }

    /// `n` users in one multi-row `INSERT` (SQLx's `push_values`), as Diesel inserts a `Vec`.
    fn insert(&mut self, n: usize) {
        let conn = &mut self.conn;
        self.rt.block_on(async {
            let mut tx = conn.begin().await.expect("begin");
            let mut q = QueryBuilder::new("INSERT INTO users (name, hair_color) ");
            q.push_values(0..n, |mut b, i| {
                b.push_bind(format!("User {i}")).push_bind(None::<String>);
            });
            q.build().execute(&mut *tx).await.expect("insert");
            tx.commit().await.expect("commit");
        })
    }

    fn insert_many(&mut self, round: usize, n: usize) {
        let conn = &mut self.conn;
        self.rt.block_on(async {
            let mut tx = conn.begin().await.expect("begin");
            let mut q = QueryBuilder::new("INSERT INTO tags (id, name, note) ");
            q.push_values(tag_rows(round, n), |mut b, (id, name)| {
                b.push_bind(id).push_bind(name).push_bind(None::<String>);
            });
            q.build().execute(&mut *tx).await.expect("insert_many");
            tx.commit().await.expect("commit");
        })
    }

    #[allow(clippy::type_complexity)]
    fn associations(&mut self) -> Vec<(User, Vec<(Post, Vec<Comment>)>)> {
        let users = self.trivial();
        let conn = &mut self.conn;
        let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
        let (posts, comments) = self.rt.block_on(async {
            let posts = sqlx::query_as::<_, Post>(
                "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)",
            )
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await
            .expect("posts");
            let pids: Vec<i64> = posts.iter().map(|p| p.id).collect();
            let comments = sqlx::query_as::<_, Comment>(
                "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)",
            )
            .bind(&pids)
            .fetch_all(&mut *conn)
            .await
            .expect("comments");
            (posts, comments)
        });
        users
            .into_iter()
            .map(|u| {
                let mine = posts
                    .iter()
                    .filter(|p| p.user_id == u.id)
                    .map(|p| {
                        let of_p = comments
                            .iter()
                            .filter(|c| c.post_id == p.id)
                            .cloned()
                            .collect();
                        (p.clone(), of_p)
                    })
                    .collect();
                (u, mine)
            })
            .collect()
    }

    fn lookups(&mut self, keys: &[i64]) -> usize {
        let conn = &mut self.conn;
        self.rt.block_on(async {
            let mut found = 0;
            for k in keys {
                let u = sqlx::query_as::<_, User>(
                    "SELECT id, name, hair_color FROM users WHERE id = $1",
                )
                .bind(k)
                .fetch_one(&mut *conn)
                .await
                .expect("get");
                found += usize::from(u.id == *k);
            }
            found
        })
    }

    fn grouped(&mut self) -> Vec<(i64, i64, Option<f64>)> {
        let conn = &mut self.conn;
        self.rt.block_on(async {
            sqlx::query_as::<_, (i64, i64, Option<f64>)>(
                "SELECT user_id, COUNT(*), CAST(AVG(id) AS DOUBLE PRECISION) FROM posts GROUP BY user_id",
            )
            .fetch_all(conn)
            .await
            .expect("grouped")
        })
    }

    fn update(&mut self, n: usize) {
        let users = self.trivial();
        let conn = &mut self.conn;
        self.rt.block_on(async {
            let mut tx = conn.begin().await.expect("begin");
            for u in users.iter().take(n) {
                sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
                    .bind(format!("{} changed", u.name))
                    .bind(u.id)
                    .execute(&mut *tx)
                    .await
                    .expect("update");
            }
            tx.commit().await.expect("commit");
        })
    }
}

fn prepare(_imp: &str, group: &str, n: usize) -> (Run, usize) {
    let name = format!("{group}_{n}");
    match group {
        "trivial_query" => {
            let mut b = Bench::new(&name, (n, 0, 0, false));
            (Box::new(move || b.trivial().len()), n)
        }
        "medium_complex_query" => {
            let mut b = Bench::new(&name, (n, 0, 0, true));
            (Box::new(move || b.medium().len()), n.div_ceil(2))
        }
        "insert" => {
            let mut b = Bench::new(&name, (0, 0, 0, false));
            (
                Box::new(move || {
                    b.insert(n);
                    n
                }),
                n,
            )
        }
        "insert_many" => {
            let mut b = Bench::new(&name, (0, 0, 0, false));
            let mut round = 0;
            (
                Box::new(move || {
                    b.insert_many(round, n);
                    round += 1;
                    n
                }),
                n,
            )
        }
        "loading_associations" => {
            let mut b = Bench::new(&name, (n, 10, 10, false));
            (
                Box::new(move || {
                    b.associations()
                        .iter()
                        .map(|(_, p)| p.iter().map(|(_, c)| c.len()).sum::<usize>())
                        .sum()
                }),
                n * 100,
            )
        }
        "pk_lookup" => {
            let mut b = Bench::new(&name, (10_000, 0, 0, false));
            let k = keys(10_000, n);
            (Box::new(move || b.lookups(&k)), n)
        }
        "grouped_aggregate" => {
            let mut b = Bench::new(&name, (n / 10, 10, 0, false));
            (Box::new(move || b.grouped().len()), n / 10)
        }
        "update_changed_objects" => {
            let mut b = Bench::new(&name, (n, 0, 0, false));
            (
                Box::new(move || {
                    b.update(n);
                    n
                }),
                n,
            )
        }
        _ => (Box::new(|| 0_usize), 0),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (rounds, only) = harness::settings(&args);
    match harness::arg(&args, "--pg") {
        Some(url) => {
            let _ = PG_URL.set(url.to_string());
        }
        None => {
            eprintln!("colt-bench-sqlx runs on PostgreSQL only: --pg URL");
            std::process::exit(2);
        }
    }
    child("sqlx", rounds.div_ceil(5), only, prepare);
}
