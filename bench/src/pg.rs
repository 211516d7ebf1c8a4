//! `--suite postgres`: the workloads against the PostgreSQL server of `COLT_PG_URL` (or
//! `--pg URL`; `scripts/pg-test-server.sh start` starts one): hand-written code with the
//! `postgres` crate (statements prepared once, columns read by index) and Colt. Each
//! workload of each implementation has a schema of its own (`search_path` in the URL), made
//! afresh from the same DDL and data.

use postgres::{Client, NoTls, Statement};

use crate::colt_impl::ColtBench;
use crate::data::{seed_sql, tag_rows, CommentRow, PostRow, UserRow, PG_DDL};
use crate::harness::{keys, Run};

/// `url` with `search_path` set to the schema `bench_{name}` (made if missing).
pub fn in_schema(url: &str, name: &str) -> String {
    let schema = format!("bench_{name}");
    let mut c = Client::connect(url, NoTls).expect("connect to PostgreSQL");
    c.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
        .expect("create schema");
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// A fresh schema for one workload of one implementation, with its tables and rows.
fn fresh(url: &str, imp: &str, group: &str, n: usize, data: (usize, usize, usize, bool)) -> String {
    let url = in_schema(url, &format!("{imp}_{group}_{n}"));
    let mut c = Client::connect(&url, NoTls).expect("connect");
    c.batch_execute(PG_DDL).expect("ddl");
    c.batch_execute(&seed_sql(data.0, data.1, data.2, data.3))
        .expect("seed");
    url
}

/// The hand-written code.
pub struct RawPg {
    c: Client,
    trivial: Statement,
    medium: Statement,
    insert: Statement,
    lookup: Statement,
    grouped: Statement,
    update: Statement,
    /// The multi-row `INSERT` of `insert_many`, prepared at its first use.
    insert_many: Option<Statement>,
}

fn user(r: &postgres::Row, at: usize) -> UserRow {
    UserRow {
        id: r.get(at),
        name: r.get(at + 1),
        hair_color: r.get(at + 2),
    }
}

impl RawPg {
    fn new(url: &str) -> RawPg {
        let mut c = Client::connect(url, NoTls).expect("connect");
        let trivial = c
            .prepare("SELECT id, name, hair_color FROM users")
            .expect("prepare");
        let medium = c
            .prepare(
                "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
                 FROM users u LEFT JOIN posts p ON u.id = p.user_id WHERE u.hair_color = $1",
            )
            .expect("prepare");
        let insert = c
            .prepare("INSERT INTO users (name, hair_color) VALUES ($1, $2)")
            .expect("prepare");
        let lookup = c
            .prepare("SELECT id, name, hair_color FROM users WHERE id = $1")
            .expect("prepare");
        let grouped = c
            .prepare("SELECT user_id, COUNT(*), AVG(id)::float8 FROM posts GROUP BY user_id")
            .expect("prepare");
        let update = c
            .prepare("UPDATE users SET name = $1 WHERE id = $2")
            .expect("prepare");
        RawPg {
            c,
            trivial,
            medium,
            insert,
            lookup,
            grouped,
            update,
            insert_many: None,
        }
    }

    fn trivial(&mut self) -> Vec<UserRow> {
        let rows = self.c.query(&self.trivial, &[]).expect("query");
        rows.iter().map(|r| user(r, 0)).collect()
    }

    fn medium(&mut self) -> Vec<(UserRow, Option<PostRow>)> {
        let rows = self.c.query(&self.medium, &[&"black"]).expect("query");
        rows.iter()
            .map(|r| {
                let post = r.get::<_, Option<i64>>(3).map(|id| PostRow {
                    id,
                    user_id: r.get(4),
                    title: r.get(5),
                    body: r.get(6),
                });
                (user(r, 0), post)
            })
            .collect()
    }

    fn insert(&mut self, n: usize) {
        let mut tx = self.c.transaction().expect("begin");
        for i in 0..n {
            tx.execute(&self.insert, &[&format!("User {i}"), &None::<String>])
                .expect("insert");
        }
        tx.commit().expect("commit");
    }

    fn insert_many(&mut self, round: usize, n: usize) {
        let stmt = match &self.insert_many {
            Some(stmt) => stmt.clone(),
            None => {
                let mut sql = String::from("INSERT INTO tags (id, name, note) VALUES ");
                for i in 0..n {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    let p = i * 3;
                    sql.push_str(&format!("(${}, ${}, ${})", p + 1, p + 2, p + 3));
                }
                let stmt = self.c.prepare(&sql).expect("prepare");
                self.insert_many = Some(stmt.clone());
                stmt
            }
        };
        let rows: Vec<(i64, String, Option<String>)> = tag_rows(round, n)
            .map(|(id, name)| (id, name, None))
            .collect();
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = Vec::with_capacity(n * 3);
        for (id, name, note) in &rows {
            params.push(id);
            params.push(name);
            params.push(note);
        }
        let mut tx = self.c.transaction().expect("begin");
        tx.execute(&stmt, &params).expect("insert");
        tx.commit().expect("commit");
    }

    fn lookups(&mut self, keys: &[i64]) -> usize {
        let mut found = 0;
        for k in keys {
            let r = self.c.query_one(&self.lookup, &[k]).expect("row");
            found += usize::from(user(&r, 0).id == *k);
        }
        found
    }

    fn grouped(&mut self) -> Vec<(i64, i64, Option<f64>)> {
        let rows = self.c.query(&self.grouped, &[]).expect("query");
        rows.iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    }

    fn update(&mut self, n: usize) {
        let users = self.trivial();
        let mut tx = self.c.transaction().expect("begin");
        for u in users.iter().take(n) {
            tx.execute(&self.update, &[&format!("{} changed", u.name), &u.id])
                .expect("update");
        }
        tx.commit().expect("commit");
    }
}

/// The PostgreSQL workloads (those of the SQLite table that talk to the database; the warm
/// ones and the hand-off measure Colt alone).
pub fn workloads() -> Vec<(&'static str, usize)> {
    crate::harness::workloads()
        .into_iter()
        .filter(|(g, _)| {
            !matches!(
                *g,
                "spawn_blocking_handoff" | "pk_lookup_warm" | "repeated_query_warm"
            )
        })
        .collect()
}

/// A workload's data: (users, posts per user, comments per post, colored).
fn data(group: &str, n: usize) -> (usize, usize, usize, bool) {
    match group {
        "trivial_query" | "update_changed_objects" => (n, 0, 0, false),
        "medium_complex_query" => (n, 0, 0, true),
        "loading_associations" => (n, 10, 10, false),
        "pk_lookup" => (10_000, 0, 0, false),
        "grouped_aggregate" => (n / 10, 10, 0, false),
        _ => (0, 0, 0, false),
    }
}

/// Prepares one workload of "raw" or "colt" against `url`.
pub fn prepare(url: &str, imp: &str, group: &str, n: usize) -> (Run, usize) {
    if !workloads().contains(&(group, n)) {
        return (Box::new(|| 0), 0);
    }
    let url = fresh(url, imp, group, n, data(group, n));
    if imp == "raw" {
        let mut r = RawPg::new(&url);
        let mut round = 0;
        return match group {
            "trivial_query" => (Box::new(move || r.trivial().len()), n),
            "medium_complex_query" => (Box::new(move || r.medium().len()), n.div_ceil(2)),
            "insert" => (
                Box::new(move || {
                    r.insert(n);
                    n
                }),
                n,
            ),
            "insert_many" => (
                Box::new(move || {
                    r.insert_many(round, n);
                    round += 1;
                    n
                }),
                n,
            ),
            "pk_lookup" => {
                let k = keys(10_000, n);
                (Box::new(move || r.lookups(&k)), n)
            }
            "grouped_aggregate" => (Box::new(move || r.grouped().len()), n / 10),
            "update_changed_objects" => (
                Box::new(move || {
                    r.update(n);
                    n
                }),
                n,
            ),
            "loading_associations" => {
                // The same three statements as Colt and Diesel: users, their posts, the
                // posts' comments, each by a list of keys; then grouped in memory.
                let posts = r
                    .c
                    .prepare("SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)")
                    .expect("prepare");
                let comments =
                    r.c.prepare("SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)")
                        .expect("prepare");
                (
                    Box::new(move || {
                        let users = r.trivial();
                        let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
                        let ps: Vec<PostRow> =
                            r.c.query(&posts, &[&ids])
                                .expect("posts")
                                .iter()
                                .map(|p| PostRow {
                                    id: p.get(0),
                                    user_id: p.get(1),
                                    title: p.get(2),
                                    body: p.get(3),
                                })
                                .collect();
                        let pids: Vec<i64> = ps.iter().map(|p| p.id).collect();
                        let cs: Vec<CommentRow> =
                            r.c.query(&comments, &[&pids])
                                .expect("comments")
                                .iter()
                                .map(|c| CommentRow {
                                    id: c.get(0),
                                    post_id: c.get(1),
                                    text: c.get(2),
                                })
                                .collect();
                        let tree = crate::data::group(users, &ps, &cs);
                        tree.iter()
                            .map(|(_, p)| p.iter().map(|(_, c)| c.len()).sum::<usize>())
                            .sum()
                    }),
                    n * 100,
                )
            }
            _ => (Box::new(|| 0), 0),
        };
    }
    let db = colt::Database::open(&url).expect("open");
    let c = ColtBench::over(db);
    let mut round = 0;
    match group {
        "trivial_query" => (Box::new(move || c.trivial().len()), n),
        "medium_complex_query" => (Box::new(move || c.medium().len()), n.div_ceil(2)),
        "insert" => (
            Box::new(move || {
                c.insert(n);
                n
            }),
            n,
        ),
        "insert_many" => (
            Box::new(move || {
                c.insert_many(round, n);
                round += 1;
                n
            }),
            n,
        ),
        "pk_lookup" => {
            let k = keys(10_000, n);
            (Box::new(move || c.lookups(&k)), n)
        }
        "grouped_aggregate" => (Box::new(move || c.grouped().len()), n / 10),
        "update_changed_objects" => (
            Box::new(move || {
                c.update(n);
                n
            }),
            n,
        ),
        "loading_associations" => (
            Box::new(move || {
                c.associations()
                    .iter()
                    .map(|(_, p)| p.iter().map(|(_, c)| c.len()).sum::<usize>())
                    .sum()
            }),
            n * 100,
        ),
        _ => (Box::new(|| 0), 0),
    }
}
