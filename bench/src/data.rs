//! Diesel's benchmark data as plain SQL and plain rows: what the hand-written rusqlite code
//! and the Diesel implementation (built apart, in `bench/diesel`) share. No Colt in it.

/// The same rows as plain structs, for the hand-written rusqlite code.
#[allow(dead_code)] // decoded as the ORM decodes them, read by nobody
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A post row.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct PostRow {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: Option<String>,
}

/// A comment row.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: i64,
    pub post_id: i64,
    pub text: String,
}

/// The rows `insert_many` writes: keys given by the program, so that every implementation
/// can send them in one multi-row `INSERT` (an `auto` key needs one statement per row to be
/// known reliably). Round `round` of `n` rows takes the keys after the previous rounds'.
pub fn tag_rows(round: usize, n: usize) -> impl Iterator<Item = (i64, String)> {
    (0..n).map(move |i| {
        let id = (round * n + i) as i64 + 1;
        (id, format!("Tag {id}"))
    })
}

#[allow(dead_code)] // not by the SQLx process, which runs on PostgreSQL only
/// The DDL both implementations use (Colt creates the same through `create_tables`; this
/// is Diesel's, for the raw connection).
pub const DDL: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, name TEXT NOT NULL, hair_color TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT NOT NULL, body TEXT);
CREATE INDEX idx_posts__user_id ON posts (user_id);
CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, post_id INTEGER NOT NULL REFERENCES posts (id), text TEXT NOT NULL);
CREATE INDEX idx_comments__post_id ON comments (post_id);
CREATE TABLE tags (id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, note TEXT);
CREATE TABLE counters (id INTEGER PRIMARY KEY NOT NULL, n INTEGER NOT NULL);
";

/// The same schema in PostgreSQL's words, for the hand-written `postgres` code.
pub const PG_DDL: &str = "
DROP TABLE IF EXISTS comments, posts, users, tags, counters;
CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), title TEXT NOT NULL, body TEXT);
CREATE INDEX idx_posts__user_id ON posts (user_id);
CREATE TABLE comments (id BIGSERIAL PRIMARY KEY, post_id BIGINT NOT NULL REFERENCES posts (id), text TEXT NOT NULL);
CREATE INDEX idx_comments__post_id ON comments (post_id);
CREATE TABLE tags (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT);
CREATE TABLE counters (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);
";

/// Seed data: `users` users named "User {i}" (hair black for even i, brown for odd when
/// `colored`), `posts` posts per user, `comments` comments per post: one `INSERT` each, in
/// order, without the transaction around them.
pub fn seed_statements(users: usize, posts: usize, comments: usize, colored: bool) -> Vec<String> {
    let mut out = Vec::new();
    for u in 0..users {
        let hair = if !colored {
            "NULL"
        } else if u % 2 == 0 {
            "'black'"
        } else {
            "'brown'"
        };
        out.push(format!(
            "INSERT INTO users (name, hair_color) VALUES ('User {u}', {hair})"
        ));
    }
    let mut post_id = 0;
    for u in 0..users {
        for p in 0..posts {
            post_id += 1;
            out.push(format!(
                "INSERT INTO posts (user_id, title, body) VALUES ({}, 'Post {p} by user {u}', NULL)",
                u + 1
            ));
            for c in 0..comments {
                out.push(format!(
                    "INSERT INTO comments (post_id, text) VALUES ({post_id}, 'Comment {c} on post {post_id}')"
                ));
            }
        }
    }
    out
}

/// The same as one script, in a transaction (for drivers that run a script at once).
#[allow(dead_code)] // not by the hand-written rusqlite code, which runs each statement
pub fn seed_sql(users: usize, posts: usize, comments: usize, colored: bool) -> String {
    let mut sql = String::from("BEGIN;");
    for s in seed_statements(users, posts, comments, colored) {
        sql.push_str(&s);
        sql.push(';');
    }
    sql.push_str("COMMIT;");
    sql
}

/// A user, its posts, and each post's comments.
#[allow(dead_code)] // not by the Diesel and SQLx processes, which group their own rows
pub type UserTree = (UserRow, Vec<(PostRow, Vec<CommentRow>)>);

/// Groups posts under their users and comments under their posts, as the hand-written
/// code of `loading_associations` does on both backends.
#[allow(dead_code)]
pub fn group(users: Vec<UserRow>, posts: &[PostRow], comments: &[CommentRow]) -> Vec<UserTree> {
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
