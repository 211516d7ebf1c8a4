//! The floor: rusqlite as an expert writes it — cached prepared statements, columns read by
//! index into plain structs.

use rusqlite::{params, Connection};

use crate::data::{group, seed_statements, tag_rows, CommentRow, PostRow, UserRow, UserTree, DDL};

pub struct Raw {
    conn: Connection,
}

fn user(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        name: row.get(1)?,
        hair_color: row.get(2)?,
    })
}

fn post(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<PostRow> {
    Ok(PostRow {
        id: row.get(at)?,
        user_id: row.get(at + 1)?,
        title: row.get(at + 2)?,
        body: row.get(at + 3)?,
    })
}

/// Fills Diesel's schema with the benchmark's rows, one statement at a time in one
/// transaction: SQLite copies the rest of a script at each statement it prepares from it,
/// which made seeding 10 000 rows as one script quadratic.
pub fn seed(conn: &Connection, users: usize, posts: usize, comments: usize, colored: bool) {
    conn.execute_batch("BEGIN").expect("begin");
    for s in seed_statements(users, posts, comments, colored) {
        conn.execute(&s, []).expect("seed");
    }
    conn.execute_batch("COMMIT").expect("commit");
}

impl Raw {
    pub fn new(users: usize, posts: usize, comments: usize, colored: bool) -> Raw {
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch(DDL).expect("ddl");
        seed(&conn, users, posts, comments, colored);
        Raw { conn }
    }

    pub fn trivial(&self) -> Vec<UserRow> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, hair_color FROM users")
            .expect("prepare");
        let rows = stmt.query_map([], user).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    pub fn medium(&self) -> Vec<(UserRow, Option<PostRow>)> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
                 FROM users u LEFT JOIN posts p ON u.id = p.user_id WHERE u.hair_color = ?1",
            )
            .expect("prepare");
        let rows = stmt
            .query_map(["black"], |row| {
                let p: Option<i64> = row.get(3)?;
                Ok((user(row)?, p.map(|_| post(row, 3)).transpose()?))
            })
            .expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    pub fn insert(&mut self, n: usize) {
        let tx = self.conn.transaction().expect("begin");
        {
            let mut stmt = tx
                .prepare_cached("INSERT INTO users (name, hair_color) VALUES (?1, ?2)")
                .expect("prepare");
            for i in 0..n {
                stmt.execute(params![format!("User {i}"), None::<String>])
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }

    /// `n` rows in one multi-row `INSERT` (keys given), as an expert writes it: the
    /// statement built once, each row's values bound by position.
    pub fn insert_many(&mut self, round: usize, n: usize) {
        let mut sql = String::from("INSERT INTO tags (id, name, note) VALUES ");
        for i in 0..n {
            if i > 0 {
                sql.push_str(", ");
            }
            let p = i * 3;
            sql.push_str(&format!("(?{}, ?{}, ?{})", p + 1, p + 2, p + 3));
        }
        let tx = self.conn.transaction().expect("begin");
        {
            let mut stmt = tx.prepare_cached(&sql).expect("prepare");
            for (i, (id, name)) in tag_rows(round, n).enumerate() {
                stmt.raw_bind_parameter(i * 3 + 1, id).expect("bind");
                stmt.raw_bind_parameter(i * 3 + 2, name).expect("bind");
                stmt.raw_bind_parameter(i * 3 + 3, None::<String>)
                    .expect("bind");
            }
            stmt.raw_execute().expect("insert");
        }
        tx.commit().expect("commit");
    }

    pub fn associations(&self) -> Vec<UserTree> {
        let users = self.trivial();
        let ids: Vec<String> = users.iter().map(|u| u.id.to_string()).collect();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, user_id, title, body FROM posts WHERE user_id IN ({})",
                ids.join(", ")
            ))
            .expect("prepare");
        let posts: Vec<PostRow> = stmt
            .query_map([], |r| post(r, 0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let pids: Vec<String> = posts.iter().map(|p| p.id.to_string()).collect();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, post_id, text FROM comments WHERE post_id IN ({})",
                pids.join(", ")
            ))
            .expect("prepare");
        let comments: Vec<CommentRow> = stmt
            .query_map([], |r| {
                Ok(CommentRow {
                    id: r.get(0)?,
                    post_id: r.get(1)?,
                    text: r.get(2)?,
                })
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        group(users, &posts, &comments)
    }

    pub fn lookups(&self, keys: &[i64]) -> usize {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, hair_color FROM users WHERE id = ?1")
            .expect("prepare");
        let mut found = 0;
        for k in keys {
            let u = stmt.query_row([k], user).expect("row");
            found += usize::from(u.id == *k);
        }
        found
    }

    pub fn grouped(&self) -> Vec<(i64, i64, Option<f64>)> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT user_id, COUNT(*), AVG(id) FROM posts GROUP BY user_id")
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    /// [`Raw::update`] with the optimistic check Colt's write makes: the columns read must
    /// still hold what was read, and a row that no longer does is a conflict.
    pub fn update_checked(&mut self, n: usize) {
        let users = self.trivial();
        let tx = self.conn.transaction().expect("begin");
        {
            let mut stmt = tx
                .prepare_cached(
                    "UPDATE users SET name = ?1 WHERE id = ?2 AND name IS ?3 AND hair_color IS ?4",
                )
                .expect("prepare");
            for u in users.iter().take(n) {
                let changed = stmt
                    .execute(params![
                        format!("{} changed", u.name),
                        u.id,
                        u.name,
                        u.hair_color
                    ])
                    .expect("update");
                assert_eq!(changed, 1, "a concurrent change");
            }
        }
        tx.commit().expect("commit");
    }

    pub fn update(&mut self, n: usize) {
        let users = self.trivial();
        let tx = self.conn.transaction().expect("begin");
        {
            let mut stmt = tx
                .prepare_cached("UPDATE users SET name = ?1 WHERE id = ?2")
                .expect("prepare");
            for u in users.iter().take(n) {
                stmt.execute(params![format!("{} changed", u.name), u.id])
                    .expect("update");
            }
        }
        tx.commit().expect("commit");
    }
}
