//! The same workloads with Colt: each timed iteration in a new transaction, so its identity
//! map starts empty.

use colt::prelude::*;

use crate::data::tag_rows;
use crate::schema::{Comment, Counter, Post, Tag, User};

pub struct ColtBench {
    db: Database,
}

impl ColtBench {
    pub fn new(users: usize, posts: usize, comments: usize, colored: bool) -> ColtBench {
        let db = Database::open("sqlite::memory:").expect("open");
        db.bind(schema![User, Post, Comment, Tag, Counter])
            .expect("bind");
        db.create_tables().expect("create");
        db.transaction(|tx| {
            let mut post_n = 0;
            for u in 0..users {
                let hair = match (colored, u % 2) {
                    (false, _) => None,
                    (true, 0) => Some("black"),
                    (true, _) => Some("brown"),
                };
                let user = User::build()
                    .name(format!("User {u}"))
                    .hair_color(hair)
                    .insert(tx)?;
                for p in 0..posts {
                    post_n += 1;
                    let post = Post::build()
                        .user(&user)
                        .title(format!("Post {p} by user {u}"))
                        .insert(tx)?;
                    for c in 0..comments {
                        Comment::build()
                            .post(&post)
                            .text(format!("Comment {c} on post {post_n}"))
                            .insert(tx)?;
                    }
                }
            }
            Ok(())
        })
        .expect("seed");
        ColtBench { db }
    }

    /// Colt over a database the caller made and filled (PostgreSQL: `pg.rs`).
    pub fn over(db: Database) -> ColtBench {
        db.bind(schema![User, Post, Comment, Tag, Counter])
            .expect("bind");
        ColtBench { db }
    }

    pub fn trivial(&self) -> Vec<Obj<User>> {
        self.db
            .transaction(|tx| select!(u for u in User).fetch(tx))
            .expect("trivial")
    }

    pub fn medium(&self) -> Vec<(Obj<User>, Option<Obj<Post>>)> {
        self.db
            .transaction(|tx| {
                let hair = "black";
                // One statement, a LEFT JOIN, as the raw code and Diesel send.
                select!(left_join((u, p) for u in User for p in u.posts if u.hair_color == hair))
                    .fetch(tx)
            })
            .expect("medium")
    }

    pub fn insert(&self, n: usize) {
        self.db
            .transaction(|tx| {
                // Colt's call for "these new objects", as Diesel's suite inserts a `Vec`: one
                // statement per row on SQLite (an `auto` key), the keys from the sequence
                // and multi-row `INSERT`s on PostgreSQL.
                tx.insert_many((0..n).map(|i| User {
                    id: 0,
                    name: format!("User {i}"),
                    hair_color: None,
                    posts: Default::default(),
                }))?;
                Ok(())
            })
            .expect("insert");
    }

    /// `n` rows in multi-row `INSERT`s, keys given (round `round`'s keys).
    pub fn insert_many(&self, round: usize, n: usize) {
        self.db
            .transaction(|tx| {
                let rows = tag_rows(round, n).map(|(id, name)| Tag {
                    id,
                    name,
                    note: None,
                });
                tx.insert_many(rows)?;
                Ok(())
            })
            .expect("insert_many");
    }

    /// A long transaction that has loaded every user (a warm session).
    pub fn warm(self) -> ColtWarm {
        let tx = self.db.begin().expect("begin");
        let users = select!(u for u in User).fetch(&tx).expect("load");
        drop(users);
        ColtWarm { tx, _bench: self }
    }

    #[allow(clippy::type_complexity)]
    pub fn associations(&self) -> Vec<(Obj<User>, Vec<(Obj<Post>, Vec<Obj<Comment>>)>)> {
        self.db
            .transaction(|tx| {
                let users = select!(u for u in User).fetch(tx)?;
                let posts = select!(p for p in Post if users.contains(&p.user)).fetch(tx)?;
                let comments = select!(c for c in Comment if posts.contains(&c.post)).fetch(tx)?;
                Ok(users
                    .into_iter()
                    .map(|u| {
                        let id = u.key();
                        let ps = posts
                            .iter()
                            .filter(|p| p.user().key() == &id)
                            .map(|p| {
                                let pid = p.key();
                                let cs = comments
                                    .iter()
                                    .filter(|c| c.post().key() == &pid)
                                    .cloned()
                                    .collect();
                                (p.clone(), cs)
                            })
                            .collect();
                        (u, ps)
                    })
                    .collect())
            })
            .expect("associations")
    }

    /// One request: a transaction that looks one user up (what a web handler runs).
    pub fn request(&self, key: i64) -> usize {
        self.db
            .transaction(|tx| Ok(usize::from(tx.get::<User>(key)?.is_some())))
            .expect("request")
    }

    /// The same request from an async task, handed to a blocking thread
    /// (`tokio::task::spawn_blocking`), as `examples/web-service` runs its transactions.
    pub fn request_in_blocking_task(&self, rt: &tokio::runtime::Runtime, key: i64) -> usize {
        let db = self.db.clone();
        rt.block_on(async move {
            tokio::task::spawn_blocking(move || {
                db.transaction(|tx| Ok(usize::from(tx.get::<User>(key)?.is_some())))
            })
            .await
            .expect("the task")
            .expect("request")
        })
    }

    pub fn lookups(&self, keys: &[i64]) -> usize {
        self.db
            .transaction(|tx| {
                let mut found = 0;
                for k in keys {
                    let u = tx.get::<User>(*k)?;
                    found += usize::from(u.is_some_and(|u| u.key() == *k));
                }
                Ok(found)
            })
            .expect("lookups")
    }

    pub fn grouped(&self) -> Vec<(Ref<User>, i64, Option<f64>)> {
        self.db
            .transaction(|tx| select!((p.user.id, count(p), avg(p.id)) for p in Post).fetch(tx))
            .map(|rows| {
                rows.into_iter()
                    .map(|(u, c, a)| (Ref::new(u), c, a))
                    .collect()
            })
            .expect("grouped")
    }

    pub fn update(&self, n: usize) {
        self.db
            .transaction(|tx| {
                for u in select!(u for u in User).limit(n).fetch(tx)? {
                    u.set(|u| u.name.push_str(" changed"))?;
                }
                Ok(())
            })
            .expect("update");
    }
}

/// A warm session: one transaction, kept open across iterations, whose identity map holds
/// every user already.
pub struct ColtWarm {
    tx: Transaction,
    _bench: ColtBench,
}

impl ColtWarm {
    /// Looks the keys up; none of them may run a statement (checked: a lookup that reached
    /// the database would make the count wrong).
    pub fn lookups(&self, keys: &[i64]) -> usize {
        let before = self.tx.statements_executed();
        let mut found = 0;
        for k in keys {
            let u = self.tx.get::<User>(*k).expect("get");
            found += usize::from(u.is_some_and(|u| u.key() == *k));
        }
        if self.tx.statements_executed() != before {
            return 0;
        }
        found
    }

    /// The same query again (served by the transaction's result cache; checked as above).
    pub fn repeated_query(&self) -> usize {
        let before = self.tx.statements_executed();
        let rows = select!(u for u in User).fetch(&self.tx).expect("query");
        if self.tx.statements_executed() != before {
            return 0;
        }
        rows.len()
    }
}
