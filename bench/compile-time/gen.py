"""Generates the same schema (50 entities x 20 columns) and 300 queries for Colt and for
Diesel, as two crates, to compare clean debug builds of the user's code; the same crates
without their queries (`*-entities`), so that what an entity and what a query cost can be
told apart; the same crates with the entities in a module of their own (`*-split`), for
the rebuild after an edit of a query (rustc compiles a module's functions, and the methods
of its types, as one unit); and the queries alone in a crate of their own (`*-queries`)
that uses the entities' crate, for the same rebuild (a crate's macros are expanded again
at every build of it, its dependencies' are not).

    python3 bench/compile-time/gen.py OUT_DIR
"""
import os
import sys

ENTITIES = 50
COLUMNS = 20
QUERIES_PER_ENTITY = 6
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

COLT_DEP = f'colt = {{ path = "{ROOT}" }}'
DIESEL_DEP = 'diesel = { version = "=2.3.14", default-features = false, features = ["sqlite", "32-column-tables"] }'
DIESEL_HEADER = ["use diesel::prelude::*;", "use diesel::sqlite::Sqlite;", "use diesel::dsl::count_star;"]
KINDS = [("i64", "BigInt"), ("String", "Text"), ("Option<String>", "Nullable<Text>"), ("f64", "Double"), ("bool", "Bool")]


def columns():
    # c0 is the key; c1.. cycle through the kinds
    return [(f"c{i}", KINDS[(i - 1) % len(KINDS)]) for i in range(1, COLUMNS)]


def in_module(src, header, queries_at):
    """`src` with its entities (the lines from `header` to `queries_at`) in `mod entities`;
    the `use` lines before them in both modules."""
    uses = src[:header]
    return uses + ["pub mod entities {"] + src[:queries_at] + ["}", "pub use entities::*;", ""] + src[queries_at:]


def colt_queries():
    """Six queries of each entity, a function each."""
    src = []
    for e in range(ENTITIES):
        src.append(f"pub fn queries_{e}(n: i64, s: &str) -> usize {{")
        src.append("    let mut k = 0;")
        src.append(f"    k += select!(x for x in E{e} if x.c1 > n && x.c2 == s).sql(Dialect::Sqlite).len();")
        src.append(f"    k += select!(E{e}.filter(|x| x.c4 < 1.5).map(|x| (x.c2, x.c6))).sql(Dialect::Sqlite).len();")
        src.append(f"    k += select!((x for x in E{e} if x.c3.is_some()).order_by(|x| desc(x.c1)).limit(10)).sql(Dialect::Sqlite).len();")
        src.append(f"    k += select!(count(x) for x in E{e} if x.c5).sql(Dialect::Sqlite).len();")
        src.append(f"    k += select!((x.c2, sum(x.c1)) for x in E{e}).sql(Dialect::Sqlite).len();")
        src.append(f"    k += select!(x.c7 for x in E{e} if x.c7.starts_with(s) || x.c11 == n).sql(Dialect::Sqlite).len();")
        src.append("    k")
        src.append("}")
        src.append("")
    return src


def diesel_queries():
    """The same queries with Diesel."""
    src = []
    for e in range(ENTITIES):
        t = f"e{e}"
        src.append(f"pub fn queries_{e}(n: i64, s: &str) -> usize {{")
        src.append("    let mut k = 0;")
        src.append(f"    k += diesel::debug_query::<Sqlite, _>(&{t}::table.filter({t}::c1.gt(n).and({t}::c2.eq(s))).select(E{e}::as_select())).to_string().len();")
        src.append(f"    k += diesel::debug_query::<Sqlite, _>(&{t}::table.filter({t}::c4.lt(1.5)).select(({t}::c2, {t}::c6))).to_string().len();")
        src.append(f"    k += diesel::debug_query::<Sqlite, _>(&{t}::table.filter({t}::c3.is_not_null()).order({t}::c1.desc()).limit(10).select(E{e}::as_select())).to_string().len();")
        src.append(f"    k += diesel::debug_query::<Sqlite, _>(&{t}::table.filter({t}::c5).select(count_star())).to_string().len();")
        src.append(f"    k += diesel::debug_query::<Sqlite, _>(&{t}::table.group_by({t}::c2).select(({t}::c2, diesel::dsl::sum({t}::c1)))).to_string().len();")
        src.append(f"    k += diesel::debug_query::<Sqlite, _>(&{t}::table.filter({t}::c7.like(s).or({t}::c11.eq(n))).select({t}::c7)).to_string().len();")
        src.append("    k")
        src.append("}")
        src.append("")
    return src


def queries_crate(out, orm, header, dep):
    """The queries alone, in a crate that uses `{orm}-schema-entities`."""
    entities = f"{orm}-schema-entities"
    uses = header + [f"use {entities.replace('-', '_')}::*;", ""]
    body = colt_queries() if orm == "colt" else diesel_queries()
    dep += f'\n{entities} = {{ path = "../{entities}" }}'
    write_crate(out, f"{orm}-schema-queries", dep, "\n".join(uses + body))


def colt_crate(out, queries=True, crate="colt-schema", split=False):
    src = ["use colt::prelude::*;", ""]
    for e in range(ENTITIES):
        src.append("#[derive(Entity, Debug, Clone)]")
        src.append(f"pub struct E{e} {{")
        src.append("    #[colt(primary_key, auto)]")
        src.append("    pub id: i64,")
        for name, (rust, _) in columns():
            src.append(f"    pub {name}: {rust},")
        src.append("}")
        src.append("")
    queries_at = len(src)
    if queries:
        src += colt_queries()
    if split:
        src = in_module(src, 2, queries_at)
    write_crate(out, crate, COLT_DEP, "\n".join(src))


def diesel_crate(out, queries=True, crate="diesel-schema", split=False):
    src = DIESEL_HEADER + [""]
    for e in range(ENTITIES):
        src.append("diesel::table! {")
        src.append(f"    e{e} (id) {{")
        src.append("        id -> BigInt,")
        for name, (_, sql) in columns():
            src.append(f"        {name} -> {sql},")
        src.append("    }")
        src.append("}")
        src.append("")
        src.append("#[derive(Queryable, Selectable, Debug, Clone)]")
        src.append(f"#[diesel(table_name = e{e})]")
        src.append(f"pub struct E{e} {{")
        src.append("    pub id: i64,")
        for name, (rust, _) in columns():
            src.append(f"    pub {name}: {rust},")
        src.append("}")
        src.append("")
    queries_at = len(src)
    if queries:
        src += diesel_queries()
    if split:
        src = in_module(src, 4, queries_at)
    write_crate(out, crate, DIESEL_DEP, "\n".join(src))


def write_crate(out, name, dep, lib):
    path = os.path.join(out, name)
    os.makedirs(os.path.join(path, "src"), exist_ok=True)
    with open(os.path.join(path, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\n{dep}\n\n[workspace]\n')
    with open(os.path.join(path, "src", "lib.rs"), "w") as f:
        f.write("#![allow(dead_code, unused_imports)]\n" + lib)


if __name__ == "__main__":
    out = sys.argv[1]
    colt_crate(out)
    diesel_crate(out)
    colt_crate(out, queries=False, crate="colt-schema-entities")
    diesel_crate(out, queries=False, crate="diesel-schema-entities")
    colt_crate(out, crate="colt-schema-split", split=True)
    diesel_crate(out, crate="diesel-schema-split", split=True)
    queries_crate(out, "colt", ["use colt::prelude::*;"], COLT_DEP)
    queries_crate(out, "diesel", DIESEL_HEADER, DIESEL_DEP)
