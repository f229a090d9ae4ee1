//! Everything the station keeps, in one SQLCipher-encrypted SQLite file
//! ([`database`]): the history of flows, the roster, the outbox of
//! issuance jobs and the audit log. Each has its module; the schema is the
//! numbered files in `migrations/`.

pub mod audit;
pub mod database;
pub mod history;
mod migrations;
mod salvage;

pub use database::{Database, Durability, Repair, DATABASE_FILE};
pub use history::{FlowSummary, History, Record, TimelineEntry};

use crate::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot create the data directory {path}: {detail}. Set STATION_DATA_DIR to a writable directory"
    )]
    DataDir { path: String, detail: String },
    #[error("the station database {path} cannot be used: {detail}")]
    Database { path: String, detail: String },
    #[error("the database key is not available: {detail}")]
    Key { detail: String },
}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::DataDir { .. } => "store.data_dir",
            StoreError::Database { .. } => "store.database",
            StoreError::Key { .. } => "store.key_unavailable",
        }
    }
}

/// Milliseconds since 1970, the unit of every time in the schema.
pub fn millis(at: std::time::SystemTime) -> i64 {
    at.duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
