//! The history and the audit log as CSV, for the event organiser's
//! spreadsheet: one row per flow (a queued job's flow included), or per
//! staff action. Rows are read and written one at a time, so a season's
//! history costs no more memory than a day's. Claims a retention sweep
//! deleted are an empty cell: the row, and so the count, stays.

use std::io::Write;
use std::time::{Duration, SystemTime};

use super::{iso8601_utc, Database, Durability, StoreError};
use crate::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}. Check the file or pipe it goes to (a full disk, a closed pipe)")]
    Write(String),
}

impl ErrorCode for ExportError {
    fn code(&self) -> &'static str {
        match self {
            ExportError::Store(error) => error.code(),
            ExportError::Write(_) => "export.write",
        }
    }
}

const HISTORY_COLUMNS: [&str; 10] = [
    "flow_id",
    "kind",
    "template",
    "service",
    "started_at",
    "ended_at",
    "outcome",
    "outcome_code",
    "outcome_message",
    "claims",
];

const AUDIT_COLUMNS: [&str; 5] = ["at", "actor", "action", "subject", "detail"];

/// Every flow, oldest first; returns how many rows were written.
pub fn history_csv(database: &Database, out: impl Write) -> Result<u64, ExportError> {
    export(
        database,
        out,
        &HISTORY_COLUMNS,
        "SELECT flow_id, kind, template, service, started_at_ms, ended_at_ms, outcome, outcome_code,
                outcome_message, claims
         FROM flows ORDER BY started_at_ms, rowid",
        &[4, 5],
    )
}

/// Every audit entry, oldest first; returns how many rows were written.
pub fn audit_csv(database: &Database, out: impl Write) -> Result<u64, ExportError> {
    export(
        database,
        out,
        &AUDIT_COLUMNS,
        "SELECT at_ms, actor, action, subject, detail FROM audit ORDER BY id",
        &[0],
    )
}

/// Writes `columns` as the header, then each row of `query` (which selects
/// them in order), the columns at `times` (milliseconds) as ISO-8601.
fn export(
    database: &Database,
    out: impl Write,
    columns: &[&str],
    query: &str,
    times: &[usize],
) -> Result<u64, ExportError> {
    let connection = database.connect(Durability::Normal)?;
    let mut writer = csv::Writer::from_writer(out);
    let write_error = |e: csv::Error| ExportError::Write(e.to_string());
    writer.write_record(columns).map_err(write_error)?;
    let mut statement = connection.prepare(query).map_err(|e| database.error(e))?;
    let mut rows = statement.query([]).map_err(|e| database.error(e))?;
    let mut written = 0u64;
    while let Some(row) = rows.next().map_err(|e| database.error(e))? {
        let mut record = Vec::with_capacity(columns.len());
        for index in 0..columns.len() {
            let cell = if times.contains(&index) {
                let ms: Option<i64> = row.get(index).map_err(|e| database.error(e))?;
                ms.map(time_of).unwrap_or_default()
            } else {
                let text: Option<String> = row.get(index).map_err(|e| database.error(e))?;
                text.unwrap_or_default()
            };
            record.push(cell);
        }
        writer.write_record(&record).map_err(write_error)?;
        written = written.saturating_add(1);
    }
    writer.flush().map_err(|e| ExportError::Write(e.to_string()))?;
    Ok(written)
}

fn time_of(ms: i64) -> String {
    let at = SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
    iso8601_utc(at.unwrap_or(SystemTime::UNIX_EPOCH))
}
