//! Versioned migrations (`db.migrate`, `colt::embed_migrations!`, what `colt migrate` runs),
//! on both backends: a three-step history with its data kept at each step (a column added
//! with a default and an index; on SQLite a table rebuilt, SQLite's procedure for what
//! `ALTER TABLE` cannot do, without cascading to the rows that refer to it), revert, a
//! refused edited or missing migration, a failing migration rolled back whole, and two
//! processes migrating at once.

mod common;

use std::path::{Path, PathBuf};

use colt::migrate::MigrationStatus;
use colt::migrations::{Migration, Migrations};
use colt::prelude::*;
use common::{each_backend, Backend};

/// The three steps of a shop's history. The third renames `title` to `name` and makes
/// `stock` required: SQLite cannot `ALTER` a column's nullability, so there the table is
/// rebuilt (create, copy, drop, rename), while `line` rows refer to it with
/// `ON DELETE CASCADE`.
fn shop_history(b: &Backend) -> Vec<Migration> {
    let create = Migration::new(
        1,
        "create_products",
        "CREATE TABLE product (id BIGINT PRIMARY KEY, title TEXT NOT NULL, stock BIGINT);
         CREATE TABLE line (id BIGINT PRIMARY KEY,
                            product BIGINT NOT NULL REFERENCES product (id) ON DELETE CASCADE);
         INSERT INTO product (id, title, stock) VALUES (1, 'pen', 3), (2, 'ink', NULL);
         INSERT INTO line (id, product) VALUES (10, 1), (11, 2);",
    )
    .with_down("DROP TABLE line; DROP TABLE product;");
    let add = Migration::new(
        2,
        "add_product_price",
        "ALTER TABLE product ADD COLUMN price BIGINT NOT NULL DEFAULT 5;
         CREATE INDEX product_price ON product (price);",
    )
    .with_down("DROP INDEX product_price; ALTER TABLE product DROP COLUMN price;");
    let rename = if b.is_postgres() {
        Migration::new(
            3,
            "rename_title_require_stock",
            "ALTER TABLE product RENAME COLUMN title TO name;
             UPDATE product SET stock = 0 WHERE stock IS NULL;
             ALTER TABLE product ALTER COLUMN stock SET NOT NULL;",
        )
        .with_down(
            "ALTER TABLE product ALTER COLUMN stock DROP NOT NULL;
             ALTER TABLE product RENAME COLUMN name TO title;",
        )
    } else {
        Migration::new(
            3,
            "rename_title_require_stock",
            "CREATE TABLE product_new (id BIGINT PRIMARY KEY, name TEXT NOT NULL,
                                       stock BIGINT NOT NULL, price BIGINT NOT NULL DEFAULT 5);
             INSERT INTO product_new (id, name, stock, price)
                 SELECT id, title, coalesce(stock, 0), price FROM product;
             DROP TABLE product;
             ALTER TABLE product_new RENAME TO product;
             CREATE INDEX product_price ON product (price);",
        )
        .with_down(
            "CREATE TABLE product_old (id BIGINT PRIMARY KEY, title TEXT NOT NULL, stock BIGINT,
                                       price BIGINT NOT NULL DEFAULT 5);
             INSERT INTO product_old (id, title, stock, price) SELECT id, name, stock, price FROM product;
             DROP TABLE product;
             ALTER TABLE product_old RENAME TO product;
             CREATE INDEX product_price ON product (price);",
        )
    };
    vec![create, add, rename]
}

fn products(db: &Database, name_column: &str) -> colt::Result<Vec<(i64, String, Option<i64>)>> {
    db.transaction(|tx| {
        tx.query_sql(
            &format!("SELECT id, {name_column}, stock FROM product ORDER BY id"),
            &[],
        )
    })
}

fn lines(db: &Database) -> colt::Result<Vec<(i64, i64)>> {
    db.transaction(|tx| tx.query_sql("SELECT id, product FROM line ORDER BY id", &[]))
}

fn versions(db: &Database) -> colt::Result<Vec<i64>> {
    Ok(db.migration_history()?.iter().map(|m| m.version).collect())
}

#[test]
fn a_three_step_history_keeps_its_data_at_each_step() -> colt::Result<()> {
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        let all = shop_history(b);
        let upto = |n: usize| Migrations::new(all[..n].to_vec());

        assert_eq!(db.migrate(&upto(1)?)?, vec![1]);
        let before = products(&db, "title")?;
        assert_eq!(
            before,
            vec![
                (1, "pen".to_string(), Some(3)),
                (2, "ink".to_string(), None)
            ]
        );

        assert_eq!(db.migrate(&upto(2)?)?, vec![2]);
        assert_eq!(products(&db, "title")?, before);
        let prices: Vec<(i64,)> =
            db.transaction(|tx| tx.query_sql("SELECT price FROM product ORDER BY id", &[]))?;
        assert_eq!(prices, vec![(5,), (5,)], "the new column's default");

        assert_eq!(db.migrate(&upto(3)?)?, vec![3]);
        assert_eq!(
            products(&db, "name")?,
            vec![
                (1, "pen".to_string(), Some(3)),
                (2, "ink".to_string(), Some(0))
            ]
        );
        // The rebuild dropped the old table: no `line` row was cascaded away.
        assert_eq!(lines(&db)?, vec![(10, 1), (11, 2)]);
        // And foreign keys are enforced again afterwards.
        let orphan = db.transaction(|tx| {
            tx.execute_sql("INSERT INTO line (id, product) VALUES (12, 99)", &[])
        });
        assert!(
            matches!(orphan, Err(Error::Constraint { .. })),
            "{orphan:?}"
        );

        assert_eq!(versions(&db)?, vec![1, 2, 3]);
        assert_eq!(
            db.migrate(&upto(3)?)?,
            Vec::<i64>::new(),
            "nothing left to do"
        );
        Ok(())
    })
}

#[test]
fn revert_undoes_the_last_migration_only() -> colt::Result<()> {
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        let all = Migrations::new(shop_history(b))?;
        db.migrate(&all)?;
        assert_eq!(db.revert_migration(&all)?, Some(3));
        assert_eq!(versions(&db)?, vec![1, 2]);
        assert_eq!(
            products(&db, "title")?,
            vec![
                (1, "pen".to_string(), Some(3)),
                (2, "ink".to_string(), Some(0))
            ]
        );
        assert_eq!(lines(&db)?, vec![(10, 1), (11, 2)]);
        assert_eq!(db.revert_migration(&all)?, Some(2));
        assert_eq!(db.revert_migration(&all)?, Some(1));
        assert_eq!(db.revert_migration(&all)?, None);
        assert!(db
            .transaction(|tx| tx.query_sql::<(i64,)>("SELECT id FROM product", &[]))
            .is_err());
        // And forward again.
        assert_eq!(db.migrate(&all)?, vec![1, 2, 3]);
        Ok(())
    })
}

#[test]
fn an_edited_or_missing_migration_is_refused_by_name() -> colt::Result<()> {
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        let mut all = shop_history(b);
        db.migrate(&Migrations::new(all[..2].to_vec())?)?;

        // Migration 2 edited after it ran, and 3 pending: nothing runs.
        all[1].up = "ALTER TABLE product ADD COLUMN price BIGINT NOT NULL DEFAULT 7;".into();
        let edited = Migrations::new(all.clone())?;
        match db.migrate(&edited) {
            Err(Error::MigrationChanged { version: 2, name }) => {
                assert_eq!(name, "add_product_price")
            }
            other => panic!("expected MigrationChanged, got {other:?}"),
        }
        assert!(db
            .migrate(&edited)
            .unwrap_err()
            .to_string()
            .contains("migration 2_add_product_price was applied, and its up.sql has changed"));
        assert_eq!(versions(&db)?, vec![1, 2], "3 was not applied");
        let status = db.migration_status(&edited)?;
        assert!(
            matches!(status[1].status, MigrationStatus::Changed { .. }),
            "{status:?}"
        );
        assert_eq!(status[2].status, MigrationStatus::Pending);
        assert!(matches!(
            db.revert_migration(&edited),
            Err(Error::MigrationChanged { version: 2, .. })
        ));

        // Migration 1's directory gone.
        let without_first = Migrations::new(shop_history(b)[1..].to_vec())?;
        assert!(matches!(
            db.migrate(&without_first),
            Err(Error::MigrationMissing { version: 1, .. })
        ));
        let status = db.migration_status(&without_first)?;
        assert!(
            matches!(status[0].status, MigrationStatus::Removed { .. }),
            "{status:?}"
        );
        assert!(
            matches!(status[1].status, MigrationStatus::Applied { .. }),
            "{status:?}"
        );
        Ok(())
    })
}

#[test]
fn a_failing_migration_is_rolled_back_whole() -> colt::Result<()> {
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        let first = shop_history(b)[0].clone();
        // Its first statement works, its second fails: neither stays.
        let broken = Migration::new(
            2,
            "half_done",
            "CREATE TABLE audit (id BIGINT PRIMARY KEY);
             INSERT INTO product (id, title) VALUES (1, 'duplicate key');",
        );
        let third = Migration::new(3, "after", "CREATE TABLE later (id BIGINT PRIMARY KEY);");
        let err = db
            .migrate(&Migrations::new(vec![first, broken, third])?)
            .unwrap_err();
        match &err {
            Error::MigrationFailed {
                version: 2,
                name,
                source,
            } => {
                assert_eq!(name, "half_done");
                assert!(matches!(**source, Error::Constraint { .. }), "{source:?}");
            }
            other => panic!("expected MigrationFailed, got {other:?}"),
        }
        assert!(err
            .to_string()
            .starts_with("migration 2_half_done failed and was rolled back"));
        assert_eq!(versions(&db)?, vec![1], "1 stays applied, 2 and 3 do not");
        for table in ["audit", "later"] {
            let r = db
                .transaction(|tx| tx.query_sql::<(i64,)>(&format!("SELECT id FROM {table}"), &[]));
            assert!(r.is_err(), "{table} exists");
        }
        assert_eq!(products(&db, "title")?.len(), 2);
        Ok(())
    })
}

/// A migration that ends its own transaction (`COMMIT` among its statements) fails, and is
/// not recorded: it was recorded in autocommit (SQLite) or reported applied (PostgreSQL)
/// while only part of it was inside the migration's transaction. It is refused before any
/// of it runs: what ran before its `COMMIT` was committed, while the error said rolled back.
#[test]
fn a_migration_that_commits_by_itself_fails() -> colt::Result<()> {
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        let first = shop_history(b)[0].clone();
        let committing = Migration::new(
            2,
            "commits",
            "CREATE TABLE audit (id BIGINT PRIMARY KEY); COMMIT;",
        );
        let err = db
            .migrate(&Migrations::new(vec![first, committing])?)
            .unwrap_err();
        assert!(
            matches!(
                &err,
                Error::MigrationTransactionStatement { version: 2, keyword, .. } if keyword == "COMMIT"
            ),
            "{err:?}"
        );
        assert_eq!(versions(&db)?, vec![1], "2 is not recorded");
        // Nothing of it ran: the table made before the `COMMIT` was committed (unrecorded, so
        // the next run made it again), while the error said the migration was rolled back.
        let audit = db.transaction(|tx| tx.query_sql::<(i64,)>("SELECT id FROM audit", &[]));
        assert!(audit.is_err(), "audit exists: {audit:?}");
        // A psql-style script wrapped in BEGIN .. COMMIT, and a COMMIT behind a comment as the
        // backend reads it, are refused the same way; a trigger's body is no transaction.
        // (A carriage return ends a comment on PostgreSQL only: on SQLite that `COMMIT` is
        // part of the comment.)
        let behind_comment = if b.is_postgres() {
            "CREATE TABLE audit (id BIGINT PRIMARY KEY); -- done\rCOMMIT"
        } else {
            "CREATE TABLE audit (id BIGINT PRIMARY KEY); /* a /* b */ COMMIT"
        };
        for sql in [
            "BEGIN; CREATE TABLE audit (id BIGINT PRIMARY KEY); COMMIT;",
            behind_comment,
        ] {
            let err = db
                .migrate(&Migrations::new(vec![
                    shop_history(b)[0].clone(),
                    Migration::new(2, "commits", sql),
                ])?)
                .unwrap_err();
            assert!(
                matches!(err, Error::MigrationTransactionStatement { .. }),
                "{sql}: {err:?}"
            );
        }
        let body = if b.is_postgres() {
            "CREATE TABLE audit (id BIGINT PRIMARY KEY); \
             CREATE FUNCTION audited() RETURNS trigger AS $$ BEGIN INSERT INTO audit VALUES (NEW.id); RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER audit_it AFTER INSERT ON product FOR EACH ROW EXECUTE FUNCTION audited();"
        } else {
            "CREATE TABLE audit (id BIGINT PRIMARY KEY); \
             CREATE TRIGGER audit_it AFTER INSERT ON product BEGIN INSERT INTO audit VALUES (CASE WHEN NEW.id > 0 THEN NEW.id END); END;"
        };
        db.migrate(&Migrations::new(vec![
            shop_history(b)[0].clone(),
            Migration::new(2, "audited", body),
        ])?)?;
        assert_eq!(versions(&db)?, vec![1, 2]);
        Ok(())
    })
}

/// SQLite refuses a migration's `COMMIT` with BUSY while another connection reads (the
/// default journal): the migration fails and is not applied, and the connection goes back
/// to the pool without it. It went back with the migration's transaction still open, so
/// the next user saw the migration as applied and could not begin a transaction.
#[test]
fn a_sqlite_commit_refused_as_busy_leaves_nothing_open() -> colt::Result<()> {
    each_backend(|b| {
        if b.is_postgres() {
            return Ok(());
        }
        let file = common::TempDb::new("busy-commit");
        let db = Database::builder(&file.url())
            .max_connections(1)
            .busy_timeout(std::time::Duration::from_millis(50))
            .open()?;
        let all = shop_history(b);
        db.migrate(&Migrations::new(all[..1].to_vec())?)?;
        let plain = |e: rusqlite::Error| Error::Backend(e.into());
        let reader = rusqlite::Connection::open(&file.path).map_err(plain)?;
        reader
            .execute_batch("BEGIN; SELECT count(*) FROM product;")
            .map_err(plain)?;
        let busy = db.migrate(&Migrations::new(all[..2].to_vec())?);
        assert!(busy.is_err(), "{busy:?}");
        reader.execute_batch("COMMIT").map_err(plain)?;
        assert_eq!(versions(&db)?, vec![1], "2 is not applied");
        db.transaction(|tx| tx.execute_sql("INSERT INTO line (id, product) VALUES (12, 1)", &[]))?;
        db.migrate(&Migrations::new(all[..2].to_vec())?)?;
        assert_eq!(versions(&db)?, vec![1, 2]);
        Ok(())
    })
}

/// A PostgreSQL migration's `SET` lasts for the session it ran in: the connection went back
/// to the pool with it, and the next transaction ran without the statement timeout the
/// database was opened with (or in another schema, for a `SET search_path`).
#[test]
fn a_migrations_settings_do_not_outlive_it() -> colt::Result<()> {
    each_backend(|b| {
        if !b.is_postgres() {
            return Ok(());
        }
        let db = Database::builder(&b.fresh_url())
            .max_connections(1)
            .statement_timeout(std::time::Duration::from_millis(300))
            .open()?;
        let untimed = Migration::new(
            1,
            "untimed",
            "SET statement_timeout = 0; CREATE TABLE t (x INTEGER);",
        );
        db.migrate(&Migrations::new(vec![untimed])?)?;
        let slept =
            db.transaction(|tx| tx.query_sql::<(String,)>("SELECT CAST(pg_sleep(2) AS TEXT)", &[]));
        assert!(matches!(slept, Err(Error::StatementTimeout)), "{slept:?}");
        Ok(())
    })
}

#[test]
fn sqlite_checks_foreign_keys_before_a_migration_commits() -> colt::Result<()> {
    each_backend(|b| {
        if b.is_postgres() {
            return Ok(()); // PostgreSQL checks each statement itself.
        }
        let db = Database::open(&b.fresh_url())?;
        let first = shop_history(b)[0].clone();
        let orphan = Migration::new(2, "orphan", "DELETE FROM product WHERE id = 1;");
        let err = db
            .migrate(&Migrations::new(vec![first, orphan])?)
            .unwrap_err();
        assert!(
            matches!(&err, Error::MigrationFailed { version: 2, .. }),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("refers to a row of `product` that does not exist"),
            "{err}"
        );
        assert_eq!(
            products(&db, "title")?.len(),
            2,
            "the delete was rolled back"
        );
        assert_eq!(lines(&db)?, vec![(10, 1), (11, 2)]);
        Ok(())
    })
}

#[test]
fn a_migration_without_down_is_not_reversible() -> colt::Result<()> {
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        let m = Migrations::new(vec![Migration::new(
            1,
            "one_way",
            "CREATE TABLE t (id BIGINT PRIMARY KEY);",
        )])?;
        db.migrate(&m)?;
        assert!(matches!(
            db.revert_migration(&m),
            Err(Error::NotReversible { version: 1, .. })
        ));
        assert_eq!(versions(&db)?, vec![1]);
        Ok(())
    })
}

/// A down.sql with comments alone (`colt migrate new`'s, left as written) reverted by
/// forgetting the migration: `Ok`, its table kept, and the next `migrate` applied it again
/// over it. (Found by a review.)
#[test]
fn a_down_sql_without_a_statement_is_not_reversible() -> colt::Result<()> {
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        let m = Migrations::new(vec![Migration::new(
            1,
            "seed",
            "CREATE TABLE t (id BIGINT PRIMARY KEY); INSERT INTO t VALUES (1);",
        )
        .with_down(
            "-- seed: undoes up.sql. Delete this file if it cannot be undone.\n ; /* */",
        )])?;
        db.migrate(&m)?;
        let reverted = db.revert_migration(&m);
        assert!(
            matches!(reverted, Err(Error::NotReversible { version: 1, .. })),
            "{reverted:?}"
        );
        assert_eq!(versions(&db)?, vec![1]);
        Ok(())
    })
}

/// The history is checked again under the lock: a migrator that read it before another
/// applied a newer migration applied an older one after it (out of order, unreported), or
/// one whose text the other had applied changed. Here another "migrator" holds the lock
/// while it records version 3; version 2 must then be refused as out of order.
/// (Found by a review.)
#[test]
fn the_history_is_checked_again_under_the_lock() -> colt::Result<()> {
    each_backend(|b| {
        let url = b.fresh_url();
        let db = Database::open(&url)?;
        let table = |v: i64| Migration::new(v, "t", format!("CREATE TABLE t{v} (id BIGINT);"));
        db.migrate(Migrations::new(vec![table(1)])?)?;
        let other = Database::open(&url)?;
        let holder = other.begin()?;
        if b.is_postgres() {
            holder.query_sql::<(String,)>(
                "SELECT CAST(pg_advisory_xact_lock(1668246644) AS TEXT)",
                &[],
            )?;
        }
        holder.execute_sql(
            &format!(
                "INSERT INTO colt_migrations (version, name, checksum, applied_at) \
                 VALUES (3, 't', '{}', '2026-11-30 00:00:00')",
                table(3).checksum()
            ),
            &[],
        )?;
        let migrating = std::thread::spawn(move || {
            db.migrate(Migrations::new(vec![table(1), table(2), table(3)])?)
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        holder.commit()?;
        let migrated = migrating.join().expect("thread");
        assert!(
            matches!(
                migrated,
                Err(Error::MigrationOutOfOrder {
                    version: 2,
                    newest: 3,
                    ..
                })
            ),
            "{}: {migrated:?}",
            b.name
        );
        assert_eq!(versions(&other)?, vec![1, 3], "{}", b.name);
        Ok(())
    })
}

#[test]
fn migrating_at_once_from_two_threads_applies_each_migration_once() -> colt::Result<()> {
    each_backend(|b| {
        let url = b.fresh_url();
        let all = Migrations::new(shop_history(b))?;
        let applied: Vec<Vec<i64>> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        let db = Database::open(&url)?;
                        db.migrate(&all)
                    })
                })
                .collect();
            runs.into_iter()
                .map(|r| r.join().expect("no panic"))
                .collect::<colt::Result<_>>()
        })?;
        let mut together: Vec<i64> = applied.concat();
        together.sort_unstable();
        assert_eq!(together, vec![1, 2, 3], "each once, by one or the other");
        let db = Database::open(&url)?;
        assert_eq!(versions(&db)?, vec![1, 2, 3]);
        assert_eq!(products(&db, "name")?.len(), 2);
        Ok(())
    })
}

/// A copy of the fixture directory, to edit.
fn scratch_copy(of: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "colt-migrations-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    for entry in std::fs::read_dir(of).expect("fixture") {
        let entry = entry.expect("fixture entry");
        let to = dir.join(entry.file_name());
        std::fs::create_dir_all(&to).expect("scratch dir");
        for file in std::fs::read_dir(entry.path()).expect("migration dir") {
            let file = file.expect("file");
            std::fs::copy(file.path(), to.join(file.file_name())).expect("copy");
        }
    }
    dir
}

#[test]
fn embedded_migrations_match_the_directory() -> colt::Result<()> {
    let embedded = colt::embed_migrations!("tests/fixtures/migrations");
    let read = Migrations::from_dir("tests/fixtures/migrations")?;
    assert_eq!(embedded, read);
    let names: Vec<String> = read.iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        [
            "20261101000000_create_notes",
            "20261102000000_add_note_pinned"
        ]
    );
    assert!(read.get(20261101000000).is_some_and(|m| m.down.is_some()));
    assert!(read.get(20261102000000).is_some_and(|m| m.down.is_none()));
    each_backend(|b| {
        let db = Database::open(&b.fresh_url())?;
        assert_eq!(db.migrate(&embedded)?.len(), 2);
        // By value too, as the issue spells it.
        assert!(db
            .migrate(colt::embed_migrations!("tests/fixtures/migrations"))?
            .is_empty());
        db.transaction(|tx| {
            tx.execute_sql("INSERT INTO note (id, text) VALUES (1, 'hi')", &[])?;
            let pinned: Vec<(bool,)> = tx.query_sql("SELECT pinned FROM note", &[])?;
            assert_eq!(pinned, vec![(false,)]);
            Ok(())
        })
    })
}

#[test]
fn a_directory_that_is_not_migrations_is_a_clear_error() {
    let missing = Migrations::from_dir("tests/fixtures/no-such-dir").unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("the migrations directory `tests/fixtures/no-such-dir` does not exist"),
        "{missing}"
    );
    let dir = scratch_copy(Path::new("tests/fixtures/migrations"));
    std::fs::write(dir.join("README.md"), "notes beside the migrations").expect("write");
    assert_eq!(
        Migrations::from_dir(&dir)
            .expect("a note is not a migration")
            .len(),
        2
    );
    std::fs::write(dir.join("20261103000000_sqlx_style.up.sql"), "SELECT 1;").expect("write");
    let err = Migrations::from_dir(&dir).unwrap_err();
    assert!(
        err.to_string()
            .contains("is not a migration: a migration is a directory"),
        "{err}"
    );
    std::fs::remove_file(dir.join("20261103000000_sqlx_style.up.sql")).expect("rm");
    std::fs::create_dir_all(dir.join("notes")).expect("dir");
    let err = Migrations::from_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("is not a migration"), "{err}");
    std::fs::remove_dir(dir.join("notes")).expect("rm");
    std::fs::create_dir_all(dir.join("20261103000000_empty")).expect("dir");
    let err = Migrations::from_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("has no `up.sql`"), "{err}");
    std::fs::create_dir_all(dir.join("20261101000000_twin")).expect("dir");
    std::fs::write(dir.join("20261101000000_twin/up.sql"), "SELECT 1;").expect("write");
    std::fs::remove_dir(dir.join("20261103000000_empty")).expect("rm");
    let err = Migrations::from_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("have the same version"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Found by a review of the migration runner (each failed before its fix).
mod review {
    use super::*;

    /// A pending migration older than the newest applied one (a branch merged after a later
    /// migration ran) was applied out of order, and a revert then undid the newest instead.
    #[test]
    fn a_migration_older_than_the_newest_applied_is_refused() -> colt::Result<()> {
        each_backend(|b| {
            let db = Database::open(&b.fresh_url())?;
            let all: Vec<Migration> = ["a", "b", "c"]
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    Migration::new(
                        i as i64 + 1,
                        t.to_string(),
                        format!("CREATE TABLE {t} (id BIGINT PRIMARY KEY)"),
                    )
                })
                .collect();
            db.migrate(&Migrations::new(vec![all[0].clone(), all[2].clone()])?)?;
            let err = db.migrate(&Migrations::new(all.clone())?).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::MigrationOutOfOrder {
                        version: 2,
                        newest: 3,
                        ..
                    }
                ),
                "{err:?}"
            );
            assert_eq!(versions(&db)?, vec![1, 3], "nothing ran");
            Ok(())
        })
    }

    /// SQLite: a migration's `PRAGMA` lasted on the pooled connection, and later
    /// transactions ran under it (`case_sensitive_like`, `ignore_check_constraints`).
    #[test]
    fn a_migrations_pragma_does_not_outlive_it() -> colt::Result<()> {
        let file = common::TempDb::new("migration-pragma");
        let db = Database::builder(&file.url()).max_connections(1).open()?;
        db.migrate(&Migrations::new(vec![Migration::new(
            1,
            "like",
            "PRAGMA case_sensitive_like = ON; CREATE TABLE t (a TEXT);",
        )])?)?;
        let like = db.transaction(|tx| tx.query_sql::<(i64,)>("SELECT 'a' LIKE 'A'", &[]))?;
        assert_eq!(like, [(1,)]);
        Ok(())
    }

    /// SQLite: a foreign key to a column that is not unique makes SQLite's check fail
    /// ("foreign key mismatch"); the migration that adds the missing unique index was
    /// rolled back at its commit by the failed check run before it.
    #[test]
    fn a_migration_that_makes_a_foreign_key_valid_applies() -> colt::Result<()> {
        let file = common::TempDb::new("migration-mismatch");
        let loose = Database::open(&format!("{}&foreign_keys=off", file.url()))?;
        loose.transaction(|tx| {
            tx.execute_sql(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT)",
                &[],
            )?;
            tx.execute_sql(
                "CREATE TABLE child (id INTEGER PRIMARY KEY, code TEXT REFERENCES parent (code))",
                &[],
            )
        })?;
        drop(loose);
        let db = Database::open(&file.url())?;
        let applied = db.migrate(&Migrations::new(vec![Migration::new(
            1,
            "unique_code",
            "CREATE UNIQUE INDEX parent_code ON parent (code)",
        )])?)?;
        assert_eq!(applied, [1]);
        Ok(())
    }

    /// SQLite: a row that referred to nothing before the migration (written where foreign
    /// keys were not enforced) failed every migration, which was blamed for it.
    #[test]
    fn an_orphan_row_from_before_does_not_fail_a_migration() -> colt::Result<()> {
        let file = common::TempDb::new("migration-orphan");
        let loose = Database::open(&format!("{}&foreign_keys=off", file.url()))?;
        loose.transaction(|tx| {
            tx.execute_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)", &[])?;
            tx.execute_sql(
                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id))",
                &[],
            )?;
            tx.execute_sql("INSERT INTO child VALUES (1, 99)", &[])
        })?;
        drop(loose);
        let db = Database::open(&file.url())?;
        db.migrate(&Migrations::new(vec![Migration::new(
            1,
            "more",
            "CREATE TABLE other (id INTEGER PRIMARY KEY)",
        )])?)?;
        // A rebuild renumbers the orphan's row: it is still the one from before.
        let rebuild = Migration::new(
            2,
            "rebuild",
            "CREATE TABLE child_new (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id)); \
             INSERT INTO child_new (id, parent) SELECT id + 10, parent FROM child; \
             DROP TABLE child; ALTER TABLE child_new RENAME TO child;",
        );
        let more = Migration::new(1, "more", "CREATE TABLE other (id INTEGER PRIMARY KEY)");
        db.migrate(&Migrations::new(vec![more.clone(), rebuild.clone()])?)?;
        // One the migration itself leaves is still refused.
        let err = db
            .migrate(&Migrations::new(vec![
                more,
                rebuild,
                Migration::new(3, "orphan", "INSERT INTO child VALUES (2, 98)"),
            ])?)
            .unwrap_err();
        assert!(
            matches!(err, Error::MigrationFailed { version: 3, .. }),
            "{err:?}"
        );
        Ok(())
    }

    /// SQLite: a migration that deleted two rows that referred to nothing, and made one new
    /// (a customer deleted under its order: no cascade runs while foreign keys are off),
    /// passed, counted by table and parent; the rows are told apart by what they refer to.
    #[test]
    fn a_new_orphan_is_refused_beside_old_ones_deleted() -> colt::Result<()> {
        let file = common::TempDb::new("migration-orphan-swap");
        let loose = Database::open(&format!("{}&foreign_keys=off", file.url()))?;
        loose.transaction(|tx| {
            for sql in [
                "CREATE TABLE customer (id INTEGER PRIMARY KEY, retired INT)",
                "CREATE TABLE \"order\" (id INTEGER PRIMARY KEY, customer_id INT REFERENCES customer (id) ON DELETE CASCADE)",
                "INSERT INTO customer VALUES (1, 0), (2, 1)",
                "INSERT INTO \"order\" VALUES (10, 1), (11, 2), (12, 99), (13, 98)",
            ] {
                tx.execute_sql(sql, &[])?;
            }
            Ok(())
        })?;
        drop(loose);
        let db = Database::open(&file.url())?;
        let err = db
            .migrate(&Migrations::new(vec![Migration::new(
                1,
                "cleanup",
                "DELETE FROM \"order\" WHERE customer_id NOT IN (SELECT id FROM customer); \
                 DELETE FROM customer WHERE retired = 1;",
            )])?)
            .unwrap_err();
        assert!(
            matches!(&err, Error::MigrationFailed { version: 1, .. })
                && err.to_string().contains("refers to a row of `customer`"),
            "{err}"
        );
        // Rolled back: the old orphans are there, customer 2 too.
        let n: Vec<(i64,)> =
            db.transaction(|tx| tx.query_sql("SELECT count(*) FROM \"order\"", &[]))?;
        assert_eq!(n, [(4,)]);
        Ok(())
    }

    /// The same in a `WITHOUT ROWID` table, whose rows the check finds without a rowid: they
    /// were still counted by table alone.
    #[test]
    fn a_new_orphan_without_a_rowid_is_refused_beside_old_ones_deleted() -> colt::Result<()> {
        let file = common::TempDb::new("migration-orphan-norowid");
        let loose = Database::open(&format!("{}&foreign_keys=off", file.url()))?;
        loose.transaction(|tx| {
            for sql in [
                "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
                "CREATE TABLE child (a INTEGER, b INTEGER REFERENCES parent (id), PRIMARY KEY (a, b)) WITHOUT ROWID",
                "INSERT INTO parent VALUES (1)",
                "INSERT INTO child VALUES (1, 9), (2, 9), (5, 1)",
            ] {
                tx.execute_sql(sql, &[])?;
            }
            Ok(())
        })?;
        drop(loose);
        let db = Database::open(&file.url())?;
        let err = db
            .migrate(&Migrations::new(vec![Migration::new(
                1,
                "cleanup",
                "DELETE FROM child WHERE b = 9; DELETE FROM parent WHERE id = 1;",
            )])?)
            .unwrap_err();
        assert!(
            matches!(&err, Error::MigrationFailed { version: 1, .. }),
            "{err}"
        );
        // Old orphans alone pass.
        db.migrate(&Migrations::new(vec![Migration::new(
            2,
            "unrelated",
            "CREATE TABLE other (id INTEGER PRIMARY KEY);",
        )])?)?;
        Ok(())
    }

    /// A `WITHOUT ROWID` table referring to a table that does not exist: its rows were
    /// orphans before and stay so; an unrelated migration, or one that makes the parent
    /// table, passes (the query of the missing table failed every migration, and rows told
    /// apart after but counted before looked new).
    #[test]
    fn orphans_of_a_missing_parent_table_do_not_fail_migrations() -> colt::Result<()> {
        let file = common::TempDb::new("migration-orphan-gone");
        let loose = Database::open(&format!("{}&foreign_keys=off", file.url()))?;
        loose.transaction(|tx| {
            for sql in [
                "CREATE TABLE child (a INTEGER, b INTEGER REFERENCES parent, PRIMARY KEY (a, b)) WITHOUT ROWID",
                "CREATE TABLE named (a INTEGER, b INTEGER REFERENCES gone (id), PRIMARY KEY (a, b)) WITHOUT ROWID",
                "INSERT INTO child VALUES (1, 9)",
                "INSERT INTO named VALUES (1, 9)",
            ] {
                tx.execute_sql(sql, &[])?;
            }
            Ok(())
        })?;
        drop(loose);
        let db = Database::open(&file.url())?;
        let other = Migration::new(1, "other", "CREATE TABLE other (id INTEGER PRIMARY KEY);");
        db.migrate(&Migrations::new(vec![other.clone()])?)?;
        let parent = Migration::new(2, "parent", "CREATE TABLE parent (id INTEGER PRIMARY KEY);");
        db.migrate(&Migrations::new(vec![other, parent])?)?;
        assert_eq!(versions(&db)?, vec![1, 2]);
        Ok(())
    }

    /// PostgreSQL with a default isolation of repeatable read: a migrator waiting for the
    /// lock read the history through the snapshot taken when it asked for the lock, missed
    /// what the holder applied, and ran the migration again (a duplicate key on the history).
    #[test]
    fn postgres_a_waiting_migrator_sees_what_the_lock_holder_applied() -> colt::Result<()> {
        each_backend(|b| {
            if !b.is_postgres() {
                return Ok(());
            }
            let url = b.fresh_url();
            let table = |v: i64| Migration::new(v, "t", format!("CREATE TABLE t{v} (id BIGINT);"));
            let db = Database::builder(&url)
                .after_connect(|c| {
                    c.execute("SET default_transaction_isolation = 'repeatable read'")
                })
                .open()?;
            db.migrate(Migrations::new(vec![table(1)])?)?;
            let other = Database::open(&url)?;
            let holder = other.begin()?;
            holder.query_sql::<(String,)>(
                "SELECT CAST(pg_advisory_xact_lock(1668246644) AS TEXT)",
                &[],
            )?;
            holder.execute_sql("CREATE TABLE t2 (id BIGINT)", &[])?;
            holder.execute_sql(
                &format!(
                    "INSERT INTO colt_migrations (version, name, checksum, applied_at) \
                     VALUES (2, 't', '{}', '2026-11-30 00:00:00')",
                    table(2).checksum()
                ),
                &[],
            )?;
            let migrating =
                std::thread::spawn(move || db.migrate(Migrations::new(vec![table(1), table(2)])?));
            std::thread::sleep(std::time::Duration::from_millis(300));
            holder.commit()?;
            let migrated = migrating.join().expect("thread")?;
            assert!(migrated.is_empty(), "{migrated:?}");
            assert_eq!(versions(&other)?, vec![1, 2]);
            Ok(())
        })
    }

    /// PostgreSQL: a migration pasted from pg_dump empties the search path; its history row
    /// went to no table ("relation colt_migrations does not exist", the migration rolled
    /// back). A `RESET ALL` in a migration was taken for a `COMMIT` (partly committed).
    #[test]
    fn postgres_a_migration_that_changes_the_session_is_recorded() -> colt::Result<()> {
        each_backend(|b| {
            if !b.is_postgres() {
                return Ok(());
            }
            let db = Database::open(&b.fresh_url())?;
            let schema: Vec<(String,)> =
                db.transaction(|tx| tx.query_sql("SELECT current_schema()::text", &[]))?;
            let schema = &schema[0].0;
            let applied = db.migrate(Migrations::new(vec![
                Migration::new(
                    1,
                    "dumped",
                    format!(
                        "SELECT pg_catalog.set_config('search_path', '', false); \
                         CREATE TABLE \"{schema}\".dumped (id BIGINT);"
                    ),
                ),
                Migration::new(2, "reset", "RESET ALL; CREATE TABLE reset_too (id BIGINT);"),
            ])?)?;
            assert_eq!(applied, [1, 2]);
            assert_eq!(versions(&db)?, vec![1, 2]);
            Ok(())
        })
    }

    /// A migration whose up.sql has no statement is refused before anything runs.
    #[test]
    fn a_migration_without_a_statement_is_refused() -> colt::Result<()> {
        each_backend(|b| {
            let db = Database::open(&b.fresh_url())?;
            let err = db
                .migrate(Migrations::new(vec![
                    Migration::new(1, "real", "CREATE TABLE r (id BIGINT);"),
                    Migration::new(2, "todo", "-- write the migration here\n/* later */"),
                ])?)
                .unwrap_err();
            assert!(
                matches!(err, Error::MigrationEmpty { version: 2, .. }),
                "{err:?}"
            );
            assert!(versions(&db)?.is_empty());
            Ok(())
        })
    }

    /// PostgreSQL: a deferred constraint that fails at the migration's commit is the
    /// migration's failure (it was a bare database error, naming no migration).
    #[test]
    fn postgres_a_commit_that_fails_names_the_migration() -> colt::Result<()> {
        each_backend(|b| {
            if !b.is_postgres() {
                return Ok(());
            }
            let db = Database::open(&b.fresh_url())?;
            let err = db
                .migrate(Migrations::new(vec![Migration::new(
                    1,
                    "deferred",
                    "CREATE TABLE p (id BIGINT PRIMARY KEY); \
                     CREATE TABLE c (pid BIGINT REFERENCES p DEFERRABLE INITIALLY DEFERRED); \
                     INSERT INTO c VALUES (5);",
                )])?)
                .unwrap_err();
            assert!(
                matches!(err, Error::MigrationFailed { version: 1, .. }),
                "{err:?}"
            );
            assert!(versions(&db)?.is_empty());
            Ok(())
        })
    }
}
