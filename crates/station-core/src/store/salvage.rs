//! Carrying what can still be read out of a damaged database into a fresh
//! one: table by table, row by row, so one bad page costs the rows on it
//! and not the rest of the queue.

use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

use super::database::apply_key;
use crate::secrets::Secret;

/// Copies every readable row of the tables `fresh` has from the file at
/// `damaged` (tried with the key first, then as a plain database). Returns
/// the rows carried over, by table; tables it could not read are left out.
pub(super) fn carry_over(damaged: &Path, key: &Secret, fresh: &mut Connection) -> Vec<(String, u64)> {
    let Some(source) = open_readable(damaged, key) else {
        return Vec::new();
    };
    let tables = match copyable_tables(fresh) {
        Ok(tables) => tables,
        Err(error) => {
            tracing::error!(%error, "cannot list the fresh database's tables");
            return Vec::new();
        }
    };
    let mut carried = Vec::new();
    for table in tables {
        match copy_table(&source, fresh, &table) {
            Ok(0) => {}
            Ok(rows) => carried.push((table, rows)),
            Err(error) => tracing::warn!(%table, %error, "no rows could be carried over"),
        }
    }
    rebuild_search_indexes(fresh);
    carried
}

fn open_readable(path: &Path, key: &Secret) -> Option<Connection> {
    let readable = |connection: &Connection| {
        connection
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| {
                row.get::<_, i64>(0)
            })
            .is_ok()
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY;
    let keyed = Connection::open_with_flags(path, flags).ok()?;
    if apply_key(&keyed, key).is_ok() && readable(&keyed) {
        return Some(keyed);
    }
    let plain = Connection::open_with_flags(path, flags).ok()?;
    readable(&plain).then_some(plain)
}

/// The ordinary tables, parents before children (creation order), without
/// full-text indexes: those are rebuilt from their content tables.
fn copyable_tables(connection: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare(
        "SELECT name FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
           AND name NOT IN (SELECT name || suffix FROM sqlite_master,
                 (SELECT '_data' AS suffix UNION ALL SELECT '_idx' UNION ALL SELECT '_content'
                  UNION ALL SELECT '_docsize' UNION ALL SELECT '_config')
                 WHERE sql LIKE 'CREATE VIRTUAL TABLE%')
         ORDER BY rowid",
    )?;
    let names = statement.query_map([], |row| row.get(0))?;
    names.collect()
}

fn columns(connection: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = statement.query_map([table], |row| row.get(0))?;
    names.collect()
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn copy_table(source: &Connection, fresh: &mut Connection, table: &str) -> rusqlite::Result<u64> {
    let wanted = columns(fresh, table)?;
    let present = columns(source, table)?;
    let shared: Vec<&String> = wanted.iter().filter(|c| present.contains(c)).collect();
    if shared.is_empty() {
        return Ok(0);
    }
    let list = shared.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", ");
    let marks = vec!["?"; shared.len()].join(", ");
    let mut read = source.prepare(&format!("SELECT {list} FROM {}", quoted(table)))?;
    let transaction = fresh.transaction()?;
    let mut copied = 0u64;
    {
        let mut write = transaction.prepare(&format!(
            "INSERT OR IGNORE INTO {} ({list}) VALUES ({marks})",
            quoted(table)
        ))?;
        let mut rows = read.query([])?;
        loop {
            // A damaged page ends the table's scan; what came before it stays.
            let row = match rows.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(error) => {
                    tracing::warn!(%table, %error, "stopped reading a damaged table");
                    break;
                }
            };
            let values: rusqlite::Result<Vec<Value>> = (0..shared.len()).map(|i| row.get(i)).collect();
            match values.and_then(|values| write.execute(rusqlite::params_from_iter(values))) {
                Ok(inserted) => copied = copied.saturating_add(inserted as u64),
                Err(error) => tracing::warn!(%table, %error, "a damaged row was left behind"),
            }
        }
    }
    transaction.commit()?;
    Ok(copied)
}

fn rebuild_search_indexes(connection: &Connection) {
    let names: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'")
        .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect())
        .unwrap_or_default();
    for name in names {
        let rebuild = format!("INSERT INTO {0}({0}) VALUES ('rebuild')", quoted(&name));
        if let Err(error) = connection.execute(&rebuild, []) {
            tracing::warn!(%name, %error, "cannot rebuild a search index");
        }
    }
}
