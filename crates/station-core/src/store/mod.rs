//! Everything the station keeps, in one SQLCipher-encrypted SQLite file
//! ([`database`]): the history of flows, the roster, the outbox of
//! issuance jobs and the audit log. Each has its module; the schema is the
//! numbered files in `migrations/`.

pub mod audit;
pub mod database;
pub mod export;
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

/// `at` as ISO-8601 in UTC to the second (`2026-12-02T03:04:05Z`), as
/// exports and services' `DateTime`s take it; before 1970 counts as 1970.
pub fn iso8601_utc(at: std::time::SystemTime) -> String {
    let seconds = at
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60
    )
}

/// The calendar date of a day count since 1970 (Howard Hinnant's
/// days-to-civil algorithm, public domain).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::iso8601_utc;

    #[test]
    fn formats_times_as_iso8601_utc() {
        let at = |secs| SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(iso8601_utc(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(at(1_709_210_096)), "2024-02-29T12:34:56Z");
        assert_eq!(iso8601_utc(at(1_735_689_599)), "2024-12-31T23:59:59Z");
        assert_eq!(
            iso8601_utc(SystemTime::UNIX_EPOCH - Duration::from_secs(5)),
            "1970-01-01T00:00:00Z"
        );
    }
}
