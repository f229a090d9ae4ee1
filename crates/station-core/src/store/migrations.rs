//! Numbered schema migrations, embedded in the binary and applied in order;
//! `PRAGMA user_version` records how far a database has come.

use rusqlite::Connection;

/// Append only: a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    // 1: history of flows, the requests each created, and the events heard.
    "CREATE TABLE flows (
        flow_id         TEXT PRIMARY KEY,
        kind            TEXT NOT NULL,
        template        TEXT NOT NULL,
        service         TEXT NOT NULL,
        claims          TEXT NOT NULL,
        started_at_ms   INTEGER NOT NULL,
        outcome         TEXT,
        outcome_code    TEXT,
        outcome_message TEXT,
        ended_at_ms     INTEGER
    );
    CREATE TABLE requests (
        request_id     TEXT PRIMARY KEY,
        flow_id        TEXT NOT NULL REFERENCES flows(flow_id),
        url            TEXT NOT NULL,
        created_at_ms  INTEGER NOT NULL,
        expires_at_ms  INTEGER NOT NULL
    );
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY,
        flow_id     TEXT NOT NULL REFERENCES flows(flow_id),
        request_id  TEXT NOT NULL,
        event       TEXT NOT NULL,
        code        TEXT,
        message     TEXT,
        ignored     INTEGER NOT NULL DEFAULT 0,
        at_ms       INTEGER NOT NULL
    );
    CREATE INDEX events_by_flow ON events(flow_id, id);
    CREATE INDEX flows_by_start ON flows(started_at_ms);",
];

pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Brings `connection` up to the latest schema, each step in its own
/// transaction.
pub fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    let current: u32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", index as u32 + 1)?;
        transaction.commit()?;
    }
    Ok(())
}
