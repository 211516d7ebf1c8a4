//! The same workloads with Colt: each timed iteration in a new transaction, so its identity
//! map starts empty.

use colt::prelude::*;

use crate::schema::{Comment, Post, User};

pub struct ColtBench {
    db: Database,
}

impl ColtBench {
    pub fn new(users: usize, posts: usize, comments: usize, colored: bool) -> ColtBench {
        let db = Database::open("sqlite::memory:").expect("open");
        db.bind(schema![User, Post, Comment]).expect("bind");
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

    pub fn trivial(&self) -> Vec<Obj<User>> {
        self.db
            .transaction(|tx| select!(u for u in User).fetch(tx))
            .expect("trivial")
    }

    pub fn medium(&self) -> Vec<(Obj<User>, Option<Obj<Post>>)> {
        self.db
            .transaction(|tx| {
                let hair = "black";
                let users = select!(u for u in User if u.hair_color == hair).fetch(tx)?;
                let posts = select!(p for p in Post if p.user.hair_color == hair).fetch(tx)?;
                let mut out = Vec::with_capacity(users.len());
                for u in users {
                    let id = u.key();
                    let mut mine = posts.iter().filter(|p| p.user().key() == &id).peekable();
                    if mine.peek().is_none() {
                        out.push((u, None));
                    } else {
                        for p in mine {
                            out.push((u.clone(), Some(p.clone())));
                        }
                    }
                }
                Ok(out)
            })
            .expect("medium")
    }

    pub fn insert(&self, n: usize) {
        self.db
            .transaction(|tx| {
                for i in 0..n {
                    User::build().name(format!("User {i}")).insert(tx)?;
                }
                Ok(())
            })
            .expect("insert");
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
