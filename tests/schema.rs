//! Entities and schemas: metadata from the derive, every column type round-tripped,
//! `create_tables` / `check_tables`, database URLs and files.

mod common;

use colt::prelude::*;
use colt::ColumnType;
use common::{each_backend, Category, Enrollment, Group, Product, Sample, TempDb};

#[test]
fn derive_builds_the_metadata() {
    let m = Product::meta();
    assert_eq!(m.name, "Product");
    assert_eq!(m.table, "product");
    let names: Vec<&str> = m.columns.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "id",
            "name",
            "price",
            "description",
            "category_id",
            "discount",
            "in_stock"
        ]
    );
    assert_eq!(m.primary_key, &[0]);
    assert!(m.columns[0].auto && m.columns[0].primary_key);
    assert!(m.columns[3].nullable && !m.columns[1].nullable);
    assert!(m.columns[4].index);
    assert_eq!(m.columns[6].ty, ColumnType::Bool);
    assert!(Category::meta().columns[1].unique);
    assert_eq!(Enrollment::meta().primary_key, &[0, 1]);
    assert_eq!(Group::meta().table, "group");
    assert_eq!(Group::meta().columns[1].name, "order");
    assert_eq!(Sample::meta().table, "type_zoo");
}

fn sample(key: &str, nulls: bool) -> Sample {
    Sample {
        key: key.into(),
        flag: true,
        small: i16::MIN,
        int: i32::MAX,
        big: i64::MIN,
        single: 1.5,
        double: -2.25e300,
        text: "it's 100% \"quoted\" \u{1F980} _%\\".into(),
        bytes: vec![0, 159, 146, 150, 255],
        o_flag: (!nulls).then_some(false),
        o_small: (!nulls).then_some(-1),
        o_int: (!nulls).then_some(0),
        o_big: (!nulls).then_some(i64::MAX),
        o_single: (!nulls).then_some(f32::INFINITY),
        o_double: (!nulls).then_some(f64::NEG_INFINITY),
        o_text: (!nulls).then(String::new),
        o_bytes: (!nulls).then(Vec::new),
    }
}

#[test]
fn every_column_type_round_trips() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.transaction(|tx| {
            for (key, nulls) in [("full", false), ("nulls", true)] {
                let s = sample(key, nulls);
                let b = Sample::build()
                    .key(s.key.clone())
                    .flag(s.flag)
                    .small(s.small)
                    .int(s.int)
                    .big(s.big)
                    .single(s.single)
                    .double(s.double)
                    .text(s.text.clone())
                    .bytes(s.bytes.clone())
                    .o_flag(s.o_flag)
                    .o_small(s.o_small)
                    .o_int(s.o_int)
                    .o_big(s.o_big)
                    .o_single(s.o_single)
                    .o_double(s.o_double)
                    .o_text(s.o_text.clone())
                    .o_bytes(s.o_bytes.clone());
                b.insert(tx)?;
            }
            Ok(())
        })?;
        db.transaction(|tx| {
        for (key, nulls) in [("full", false), ("nulls", true)] {
            let got = tx.get_or_err::<Sample>(key.to_string())?;
            assert_eq!(*got.get(), sample(key, nulls));
        }
        // Typed filters on each kind.
        let text = sample("x", false).text;
        let bytes = vec![0u8, 159, 146, 150, 255];
        let q = select!(s.key for s in Sample if s.flag && s.small < 0 && s.int > 0 && s.big < 0
            && s.single > 1.0 && s.double < 0.0 && s.text == text && s.bytes == bytes);
        assert_eq!(q.count(tx)?, 2);
        let q = select!(s.key for s in Sample if s.o_flag == false && s.o_big == i64::MAX && s.o_text == "");
        assert_eq!(q.fetch(tx)?, ["full"]);
        Ok(())
    })
    })
}

#[test]
fn create_tables_is_idempotent_and_check_tables_agrees() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.shop();
        db.create_tables()?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
        assert_eq!(select!(p for p in Product).count(tx)?, 6, "data kept");
        let idx: Vec<String> = if backend.is_postgres() {
            tx.query_sql(
                "SELECT indexname::text FROM pg_indexes WHERE tablename = 'product' AND schemaname = current_schema() AND indexname NOT LIKE '%pkey'",
                &[],
            )?
        } else {
            tx.query_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'product' AND sql IS NOT NULL",
                &[],
            )?
        };
        assert_eq!(idx, ["idx_product__category_id"]);
        Ok(())
    })
    })
}

#[test]
fn check_tables_names_what_differs() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        let blob = if backend.is_postgres() {
            "BYTEA"
        } else {
            "BLOB"
        };
        db.bind(schema![Category, Product])?;
        match db.check_tables() {
            Err(Error::SchemaMismatch(msg)) => {
                assert!(
                    msg.contains("table `category`") && msg.contains("table `product`"),
                    "{msg}"
                )
            }
            other => panic!("expected SchemaMismatch, got {other:?}"),
        }
        db.transaction(|tx| {
        tx.execute_sql(&format!("CREATE TABLE category (id INTEGER PRIMARY KEY, name {blob})"), &[])?;
        tx.execute_sql(
            "CREATE TABLE product (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL, description TEXT NOT NULL, category_id INTEGER NOT NULL, in_stock BOOLEAN NOT NULL)",
            &[],
        )?;
        Ok(())
    })?;
        match db.check_tables() {
            Err(Error::SchemaMismatch(msg)) => {
                assert!(
                    msg.to_uppercase()
                        .contains(&format!("`CATEGORY.NAME` IS DECLARED {blob}")),
                    "{msg}"
                );
                assert!(msg.contains("`product.description` is NOT NULL"), "{msg}");
                assert!(
                    msg.contains("`product.discount` (field `Product::discount`) does not exist"),
                    "{msg}"
                );
            }
            other => panic!("expected SchemaMismatch, got {other:?}"),
        }
        Ok(())
    })
}

/// A NOT NULL column without a default that no field maps: every insert would fail, yet
/// `check_tables` said the tables fit (issue 12).
#[test]
fn check_tables_reports_an_unmapped_not_null_column() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Category])?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            tx.execute_sql("ALTER TABLE category ADD COLUMN nullable_extra TEXT", &[])?;
            tx.execute_sql(
                "ALTER TABLE category ADD COLUMN with_default TEXT NOT NULL DEFAULT 'x'",
                &[],
            )?;
            Ok(())
        })?;
        // Columns an insert may leave out are fine.
        db.check_tables()?;
        // SQLite cannot add a NOT NULL column without a default: make the table anew.
        db.transaction(|tx| {
            tx.execute_sql("DROP TABLE category", &[])?;
            tx.execute_sql(
                "CREATE TABLE category (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, code TEXT NOT NULL)",
                &[],
            )?;
            Ok(())
        })?;
        match db.check_tables() {
            Err(Error::SchemaMismatch(msg)) => assert!(
                msg.contains("`category.code` is NOT NULL without a default"),
                "{msg}"
            ),
            other => panic!("expected SchemaMismatch, got {other:?}"),
        }
        Ok(())
    })
}

#[test]
fn bind_refuses_two_entities_on_one_table() {
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "product")]
    struct Impostor {
        #[colt(primary_key)]
        id: i64,
    }
    let db = Database::open("sqlite::memory:").expect("open");
    assert!(matches!(
        db.bind(schema![Product, Impostor]),
        Err(Error::SchemaMismatch(_))
    ));
    // Bound one at a time: a write to one would not invalidate the other's cached results
    // (the result cache stamps entities), and a loaded object of each would be one row.
    let db = Database::open("sqlite::memory:").expect("open");
    db.bind(schema![Category, Product]).expect("bind");
    let r = db.bind(schema![Impostor]);
    assert!(
        matches!(&r, Err(Error::SchemaMismatch(m)) if m.contains("Impostor") && m.contains("Product")),
        "{r:?}"
    );
    // Binding an entity again is not a clash.
    db.bind(schema![Product]).expect("bind again");
}

#[test]
fn bind_refuses_an_entity_on_a_link_table() {
    #[derive(Entity, Debug, Clone)]
    struct Reader {
        #[colt(primary_key, auto)]
        id: i64,
        books: Set<Book>,
    }
    #[derive(Entity, Debug, Clone)]
    struct Book {
        #[colt(primary_key, auto)]
        id: i64,
        readers: Set<Reader>,
    }
    #[derive(Entity, Debug, Clone)]
    #[colt(table = "book_reader")]
    struct Reading {
        #[colt(primary_key)]
        book: i64,
        #[colt(primary_key)]
        reader: i64,
    }
    for schemas in [
        vec![schema![Reader, Book, Reading]],
        vec![schema![Reader, Book], schema![Reading]],
        vec![schema![Reading], schema![Reader, Book]],
    ] {
        let db = Database::open("sqlite::memory:").expect("open");
        let mut r = Ok(());
        for s in schemas {
            r = r.and_then(|()| db.bind(s));
        }
        assert!(
            matches!(&r, Err(Error::SchemaMismatch(m)) if m.contains("book_reader") && m.contains("Reading")),
            "{r:?}"
        );
    }
}

#[test]
fn bad_urls_and_files_are_typed_errors() {
    for url in ["", "mysql://localhost/db", "sqlite:", "shop.db"] {
        assert!(
            matches!(Database::open(url), Err(Error::InvalidUrl { .. })),
            "{url}"
        );
    }
    // An unreachable server is a clear error naming it, not a hang; without PostgreSQL in
    // this build, the URL is refused naming the feature.
    match Database::open("postgres://colt@127.0.0.1:1/nothing") {
        Err(Error::Backend(e)) if cfg!(feature = "postgres") => {
            assert!(e.to_string().contains("127.0.0.1:1"), "{e}")
        }
        Err(Error::InvalidUrl { reason, .. }) if !cfg!(feature = "postgres") => {
            assert!(reason.contains("`postgres` feature"), "{reason}")
        }
        other => panic!("expected a backend error, got {other:?}"),
    }
    let file = TempDb::new("not-sqlite");
    std::fs::write(
        &file.path,
        b"this is not a database, just some text padding it out to a page",
    )
    .expect("write");
    assert!(matches!(
        Database::open(&file.url()),
        Err(Error::Backend(_))
    ));
}

#[test]
fn a_file_database_keeps_data_between_opens() -> colt::Result<()> {
    each_backend(|backend| {
        let url = backend.fresh_url();
        {
            let db = Database::open(&url)?;
            db.bind(schema![Category])?;
            db.create_tables()?;
            db.transaction(|tx| {
                Category::build().name("Kept").insert(tx)?;
                Ok(())
            })?;
        }
        let db = Database::open(&url)?;
        db.bind(schema![Category])?;
        db.check_tables()?;
        let names = db.transaction(|tx| select!(c.name for c in Category).fetch(tx))?;
        assert_eq!(names, ["Kept"]);
        Ok(())
    })
}

#[test]
fn transactions_run_on_several_threads() -> colt::Result<()> {
    each_backend(|backend| {
        let db = Database::open(&backend.fresh_url())?;
        db.bind(schema![Category])?;
        db.create_tables()?;
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let db = db.clone();
                std::thread::spawn(move || {
                    for i in 0..10 {
                        db.transaction(|tx| {
                            Category::build().name(format!("c{t}-{i}")).insert(tx)?;
                            Ok(())
                        })?;
                    }
                    colt::Result::Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().expect("thread")?;
        }
        let n = db.transaction(|tx| select!(c for c in Category).count(tx))?;
        assert_eq!(n, 40);
        Ok(())
    })
}

/// Two tables that refer to each other (a customer's default address, an address's owner).
#[derive(Entity, Debug, Clone)]
pub struct Holder {
    #[colt(primary_key)]
    pub id: i64,
    #[colt(reverse = "holder")]
    pub addresses: Set<Place>,
    #[colt(reverse = "default_of")]
    pub default_place: Option<Ref<Place>>,
}

#[derive(Entity, Debug, Clone)]
pub struct Place {
    #[colt(primary_key)]
    pub id: i64,
    #[colt(reverse = "addresses")]
    pub holder: Ref<Holder>,
    #[colt(reverse = "default_place")]
    pub default_of: Set<Holder>,
}

/// `create_tables` makes tables that refer to each other, with both foreign keys, and a
/// second run changes nothing. On PostgreSQL it failed ("relation does not exist"): the
/// first table's `REFERENCES` named a table not made yet.
#[test]
fn create_tables_makes_tables_that_refer_to_each_other() -> colt::Result<()> {
    each_backend(|backend| {
        let db = backend.open();
        db.bind(schema![Holder, Place])?;
        db.create_tables()?;
        db.create_tables()?;
        db.check_tables()?;
        db.transaction(|tx| {
            let h = Holder::build()
                .id(1)
                .default_place(None::<Ref<Place>>)
                .insert(tx)?;
            let p = Place::build().id(7).holder(&h).insert(tx)?;
            h.set(|h| h.default_place = Some(Ref::from(&p)))?;
            Ok(())
        })?;
        // Both foreign keys hold.
        for sql in [
            "UPDATE holder SET default_place = 99 WHERE id = 1",
            "UPDATE place SET holder = 99 WHERE id = 7",
        ] {
            let refused = db.transaction(|tx| tx.execute_sql(sql, &[]));
            assert!(
                matches!(
                    refused,
                    Err(Error::Constraint {
                        kind: colt::ConstraintKind::ForeignKey,
                        ..
                    })
                ),
                "{sql} on {}: {refused:?}",
                backend.name
            );
        }
        let holder = db.transaction(|tx| {
            let p = tx.get_or_err::<Place>(7)?;
            Ok(*p.holder().key())
        })?;
        assert_eq!(holder, 1);
        Ok(())
    })
}
