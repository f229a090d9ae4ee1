//! Numbered schema migrations, embedded in the binary and applied in order;
//! `PRAGMA user_version` records how far a database has come.

use rusqlite::Connection;

/// Append only: a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_history.sql"),
    include_str!("migrations/002_roster.sql"),
    include_str!("migrations/003_outbox.sql"),
    include_str!("migrations/004_attendant.sql"),
    include_str!("migrations/005_staff.sql"),
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
