"""PonyORM 0.7.20 on the same workloads as colt-bench (Diesel's suite and three more).

Run by `cargo run -p colt-bench --release` when `import pony` works (`pip install
pony==0.7.20`); prints `RESULT group size median_ns` lines and `PEAK kib`, as the Rust
implementations do. Every timed iteration is a fresh `db_session` (a cold identity map).

With `--pg URL` (`--suite postgres`; `pip install psycopg2-binary`) it runs on PostgreSQL,
each workload in a schema of its own (`bench_pony_{group}_{n}`, made afresh).
"""
import random
import resource
import sys
import time
from urllib.parse import urlparse

from pony.orm import Database, Optional, PrimaryKey, Required, Set, avg, count, db_session, left_join, select

ROUNDS = 7 if "--quick" in sys.argv else 21
PG_URL = sys.argv[sys.argv.index("--pg") + 1] if "--pg" in sys.argv else None
if PG_URL:
    ROUNDS = 3 if "--quick" in sys.argv else 5


def pg_params(schema):
    """psycopg2's connection parameters for PG_URL, with `search_path` set to a fresh schema."""
    import psycopg2

    u = urlparse(PG_URL)
    params = dict(user=u.username or "postgres", host=u.hostname or "127.0.0.1",
                  port=u.port or 5432, database=u.path.lstrip("/") or "postgres")
    if u.password:
        params["password"] = u.password
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    conn.close()
    params["options"] = f"-csearch_path={schema}"
    return params


def make_db(schema):
    db = Database()

    class User(db.Entity):
        _table_ = "users"
        id = PrimaryKey(int, auto=True)
        name = Required(str)
        hair_color = Optional(str, nullable=True)
        posts = Set("Post")

    class Post(db.Entity):
        _table_ = "posts"
        id = PrimaryKey(int, auto=True)
        user = Required(User, column="user_id")
        title = Required(str)
        body = Optional(str, nullable=True)
        comments = Set("Comment")

    class Comment(db.Entity):
        _table_ = "comments"
        id = PrimaryKey(int, auto=True)
        post = Required(Post, column="post_id")
        text = Required(str)

    if PG_URL:
        db.bind(provider="postgres", **pg_params(schema))
    else:
        db.bind(provider="sqlite", filename=":memory:")
    db.generate_mapping(create_tables=True)
    return db, User, Post, Comment


def seed(db, User, Post, Comment, users, posts, comments, colored):
    with db_session:
        for u in range(users):
            hair = None if not colored else ("black" if u % 2 == 0 else "brown")
            user = User(name=f"User {u}", hair_color=hair)
            for p in range(posts):
                post = Post(user=user, title=f"Post {p} by user {u}")
                for c in range(comments):
                    Comment(post=post, text=f"Comment {c}")


def keys(n, k):
    v = list(range(1, n + 1))
    random.Random(7).shuffle(v)
    return v[:k]


def prepare(group, n):
    db, User, Post, Comment = make_db(f"bench_pony_{group}_{n}")
    if group == "trivial_query":
        seed(db, User, Post, Comment, n, 0, 0, False)

        def run():
            with db_session:
                return len(select(u for u in User)[:])
        return run, n
    if group == "medium_complex_query":
        seed(db, User, Post, Comment, n, 0, 0, True)

        def run():
            with db_session:
                # One statement, a LEFT JOIN, as the other implementations send.
                return len(left_join((u, p) for u in User for p in u.posts
                                     if u.hair_color == "black")[:])
        return run, (n + 1) // 2
    if group == "insert":
        seed(db, User, Post, Comment, 0, 0, 0, False)

        def run():
            with db_session:
                for i in range(n):
                    User(name=f"User {i}")
            return n
        return run, n
    if group == "loading_associations":
        seed(db, User, Post, Comment, n, 10, 10, False)

        def run():
            with db_session:
                users = select(u for u in User).prefetch(User.posts, Post.comments)[:]
                return sum(len(p.comments) for u in users for p in u.posts)
        return run, n * 100
    if group == "pk_lookup":
        seed(db, User, Post, Comment, 10000, 0, 0, False)
        ks = keys(10000, n)

        def run():
            with db_session:
                return sum(1 for k in ks if User[k].id == k)
        return run, n
    if group == "grouped_aggregate":
        seed(db, User, Post, Comment, n // 10, 10, 0, False)

        def run():
            with db_session:
                return len(select((p.user.id, count(p), avg(p.id)) for p in Post)[:])
        return run, n // 10
    if group == "update_changed_objects":
        seed(db, User, Post, Comment, n, 0, 0, False)

        def run():
            with db_session:
                for u in select(u for u in User).limit(n):
                    u.name = u.name + " changed"
            return n
        return run, n
    raise ValueError(group)


WORKLOADS = [("trivial_query", n) for n in (1, 10, 100, 1000, 10000)] + \
    [("medium_complex_query", n) for n in (1, 10, 100, 1000, 10000)] + \
    [("insert", n) for n in (1, 10, 100, 1000)] + \
    [("loading_associations", 9), ("pk_lookup", 1000), ("grouped_aggregate", 1000), ("update_changed_objects", 1000)]


def main():
    prepared = []
    for group, n in WORKLOADS:
        run, expected = prepare(group, n)
        got = run()
        if got != expected:
            print(f"pony {group} {n}: expected {expected}, got {got}", file=sys.stderr)
            sys.exit(1)
        prepared.append(((group, n), run))
    samples = [[] for _ in prepared]
    for _ in range(ROUNDS):
        for i, (_, run) in enumerate(prepared):
            start = time.perf_counter_ns()
            run()
            samples[i].append(time.perf_counter_ns() - start)
    for ((group, n), _), s in zip(prepared, samples):
        s.sort()
        print(f"RESULT {group} {n} {s[len(s) // 2]}")
    print(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")


if __name__ == "__main__":
    main()
