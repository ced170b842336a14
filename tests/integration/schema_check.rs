//! `api/src/schema.rs` and the two migration trees (`migrations/sqlite`, `migrations/postgres`)
//! describe the same database (issue #17 item 8). Read from the live databases after migrating:
//! - every table and column of `schema.rs` exists with its type and nullability, and the database
//!   has no table or column `schema.rs` does not declare (on the backend under test);
//! - on a PostgreSQL run, a SQLite database migrated beside it has the same tables, columns,
//!   nullability, defaults and indexes (unique or not, partial or not, over the same columns),
//!   once each dialect's spelling is normalised.
//! CHECK constraints are not compared (SQLite does not report them apart from the table's SQL).

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

use crate::support::{backend, TestApp};
use licheng::db::DbConn;

/// One column as a database has it, in schema.rs's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    /// `BigInt`, `Integer`, `Text`, … (on SQLite both integer types read `Int`).
    kind: String,
    nullable: bool,
    has_default: bool,
}

/// One index: unique or not, partial or not, over these columns (the name is each dialect's).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    unique: bool,
    partial: bool,
    columns: String,
}

#[derive(Debug, Default, PartialEq)]
struct Shape {
    columns: BTreeMap<String, BTreeMap<String, Column>>,
    indexes: BTreeMap<String, Vec<Index>>,
}

/// The tables of `schema.rs` with their columns' declared types, read from its text.
fn declared() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/schema.rs")).unwrap();
    let mut tables = BTreeMap::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line != "diesel::table! {" {
            continue;
        }
        let header = lines.next().unwrap();
        let name = header.split_whitespace().next().unwrap().to_string();
        let mut columns = BTreeMap::new();
        for line in lines.by_ref() {
            if line == "}" {
                break;
            }
            if let Some((column, kind)) = line.trim_end_matches(',').split_once(" -> ") {
                columns.insert(column.trim().to_string(), kind.trim().to_string());
            }
        }
        tables.insert(name, columns);
    }
    tables
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
    #[diesel(sql_type = Bool)]
    has_default: bool,
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Bool)]
    uniq: bool,
    #[diesel(sql_type = Bool)]
    partial: bool,
    #[diesel(sql_type = Nullable<Text>)]
    cols: Option<String>,
}

fn normalise(kind: &str) -> String {
    let k = kind.to_ascii_lowercase();
    let name = match k.as_str() {
        "bigint" => "BigInt",
        "integer" | "int" => "Integer",
        "smallint" => "SmallInt",
        "text" | "character varying" | "varchar" => "Text",
        "boolean" | "bool" => "Bool",
        "timestamp without time zone" | "timestamp" | "datetime" => "Timestamp",
        "date" => "Date",
        "double precision" | "double" | "real" | "float" => "Double",
        "bytea" | "blob" => "Binary",
        other => return format!("?{other}"),
    };
    name.to_string()
}

/// The live database's tables, columns and indexes (diesel's own bookkeeping table left out).
fn shape(c: &mut DbConn) -> Shape {
    let (columns, indexes): (Vec<ColumnRow>, Vec<IndexRow>) = match c {
        DbConn::Sqlite(c) => (
            // An INTEGER PRIMARY KEY is the rowid: never null, numbered by SQLite.
            diesel::sql_query(
                "SELECT m.name AS tbl, p.name AS name, p.type AS kind, (p.\"notnull\" = 0 AND p.pk = 0) AS nullable, \
                 (p.dflt_value IS NOT NULL) AS has_default \
                 FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name != '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT m.name AS tbl, l.\"unique\" = 1 AS uniq, l.partial = 1 AS partial, \
                 (SELECT group_concat(name, ',') FROM (SELECT i.name FROM pragma_index_info(l.name) i ORDER BY i.seqno)) AS cols \
                 FROM sqlite_master m, pragma_index_list(m.name) l \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name != '__diesel_schema_migrations' AND l.origin != 'pk'",
            )
            .load(c)
            .unwrap(),
        ),
        DbConn::Postgresql(c) => (
            diesel::sql_query(
                "SELECT c.table_name::text AS tbl, c.column_name::text AS name, c.data_type::text AS kind, \
                 (c.is_nullable = 'YES') AS nullable, \
                 (c.column_default IS NOT NULL AND c.column_default NOT LIKE 'nextval(%' AND c.is_identity = 'NO') AS has_default \
                 FROM information_schema.columns c JOIN information_schema.tables t \
                 ON t.table_name = c.table_name AND t.table_schema = c.table_schema AND t.table_type = 'BASE TABLE' \
                 WHERE c.table_schema = 'public' AND c.table_name != '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT t.relname::text AS tbl, ix.indisunique AS uniq, (ix.indpred IS NOT NULL) AS partial, \
                 (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord) \
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols \
                 FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname != '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap(),
        ),
    };
    let mut out = Shape::default();
    for row in columns {
        let column = Column { kind: normalise(&row.kind), nullable: row.nullable, has_default: row.has_default };
        out.columns.entry(row.tbl).or_default().insert(row.name, column);
    }
    for row in indexes {
        out.indexes.entry(row.tbl).or_default().push(Index { unique: row.uniq, partial: row.partial, columns: row.cols.unwrap_or_default() });
    }
    for list in out.indexes.values_mut() {
        list.sort();
    }
    out
}

/// `schema.rs` and the database under test agree: tables, columns, types, nullability.
#[actix_web::test]
async fn schema_rs_matches_the_migrations() {
    let app = TestApp::init();
    let live = app.state.db.read_blocking(|c| Ok(shape(c))).unwrap();
    let declared = declared();
    assert!(declared.len() > 50, "schema.rs read as {} tables", declared.len());
    let mut wrong = Vec::new();
    for table in live.columns.keys().filter(|t| !declared.contains_key(*t)) {
        wrong.push(format!("table {table} is in the database, not in schema.rs"));
    }
    for (table, columns) in &declared {
        let Some(live_columns) = live.columns.get(table) else {
            wrong.push(format!("table {table} is in schema.rs, not in the database"));
            continue;
        };
        for column in live_columns.keys().filter(|c| !columns.contains_key(*c)) {
            wrong.push(format!("{table}.{column} is in the database, not in schema.rs"));
        }
        for (column, kind) in columns {
            let Some(found) = live_columns.get(column) else {
                wrong.push(format!("{table}.{column} is in schema.rs, not in the database"));
                continue;
            };
            let (inner, nullable) = match kind.strip_prefix("Nullable<").and_then(|k| k.strip_suffix('>')) {
                Some(inner) => (inner, true),
                None => (kind.as_str(), false),
            };
            // SQLite stores every integer alike (an INTEGER PRIMARY KEY holds 64 bits).
            let same_kind = found.kind == inner || (backend() == "sqlite" && found.kind == "Integer" && inner == "BigInt");
            if !same_kind || found.nullable != nullable {
                wrong.push(format!("{table}.{column}: schema.rs {kind}, the database {} {}", found.kind, if found.nullable { "NULL" } else { "NOT NULL" }));
            }
        }
    }
    assert!(wrong.is_empty(), "schema.rs and the {} migrations differ:\n{}", backend(), wrong.join("\n"));
}

/// On a PostgreSQL run: the SQLite tree, migrated beside it, builds the same database.
#[actix_web::test]
async fn the_two_migration_trees_build_the_same_database() {
    if backend() != "postgres" {
        return; // needs both backends; the PostgreSQL suite runs it
    }
    let app = TestApp::init();
    let postgres = app.state.db.read_blocking(|c| Ok(shape(c))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = licheng::db::Db::connect(&format!("sqlite://{}", dir.path().join("tree.db").display()), 1).unwrap();
    sqlite.migrate().unwrap();
    let sqlite = sqlite.read_blocking(|c| Ok(shape(c))).unwrap();
    for (name, found) in [("postgres", &postgres), ("sqlite", &sqlite)] {
        let indexes: usize = found.indexes.values().map(Vec::len).sum();
        assert!(found.columns.len() > 50 && indexes > 40, "{name} read as {} tables and {indexes} indexes", found.columns.len());
    }
    let mut wrong = Vec::new();
    let tables: std::collections::BTreeSet<&String> = postgres.columns.keys().chain(sqlite.columns.keys()).collect();
    for table in tables {
        let (pg, lite) = (postgres.columns.get(table), sqlite.columns.get(table));
        let (Some(pg), Some(lite)) = (pg, lite) else {
            wrong.push(format!("table {table}: only in {}", if pg.is_some() { "postgres" } else { "sqlite" }));
            continue;
        };
        let names: std::collections::BTreeSet<&String> = pg.keys().chain(lite.keys()).collect();
        for name in names {
            match (pg.get(name), lite.get(name)) {
                (Some(p), Some(l)) => {
                    let kinds_agree = p.kind == l.kind || (l.kind == "Integer" && p.kind == "BigInt");
                    if !kinds_agree || p.nullable != l.nullable || p.has_default != l.has_default {
                        wrong.push(format!("{table}.{name}: postgres {p:?}, sqlite {l:?}"));
                    }
                }
                (p, _) => wrong.push(format!("{table}.{name}: only in {}", if p.is_some() { "postgres" } else { "sqlite" })),
            }
        }
        let (pi, li) = (postgres.indexes.get(table).cloned().unwrap_or_default(), sqlite.indexes.get(table).cloned().unwrap_or_default());
        if pi != li {
            wrong.push(format!("{table} indexes: postgres {pi:?}, sqlite {li:?}"));
        }
    }
    assert!(wrong.is_empty(), "the migration trees differ:\n{}", wrong.join("\n"));
}
