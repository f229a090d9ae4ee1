//! The audit log: what staff (or the station by itself) did to the queue,
//! the roster and the data, for the event organiser to read back and export.

use std::time::SystemTime;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::millis;

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Actor {
    Staff,
    Kiosk,
    /// The station by itself: the drain, retention, a repair.
    Station,
}

impl Actor {
    pub fn name(self) -> &'static str {
        match self {
            Actor::Staff => "staff",
            Actor::Kiosk => "kiosk",
            Actor::Station => "station",
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Issued,
    Queued,
    Retried,
    Cancelled,
    Overridden,
    Purged,
    Imported,
    Repaired,
    /// Staff opened the staff functions with the staff PIN.
    #[serde(rename = "staff_unlocked")]
    StaffUnlocked,
    /// The staff functions closed again: by staff, or left idle.
    #[serde(rename = "staff_locked")]
    StaffLocked,
    /// Someone typed a wrong staff PIN (the detail counts them, never holds it).
    #[serde(rename = "staff_wrong_pin")]
    StaffWrongPin,
    /// Too many wrong staff PINs: none is tried for a while.
    #[serde(rename = "staff_locked_out")]
    StaffLockedOut,
    /// Staff set a new staff PIN.
    #[serde(rename = "staff_pin_set")]
    StaffPinSet,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Issued => "issued",
            Action::Queued => "queued",
            Action::Retried => "retried",
            Action::Cancelled => "cancelled",
            Action::Overridden => "overridden",
            Action::Purged => "purged",
            Action::Imported => "imported",
            Action::Repaired => "repaired",
            Action::StaffUnlocked => "staff_unlocked",
            Action::StaffLocked => "staff_locked",
            Action::StaffWrongPin => "staff_wrong_pin",
            Action::StaffLockedOut => "staff_locked_out",
            Action::StaffPinSet => "staff_pin_set",
        }
    }
}

/// One line of the log. `subject` names what was acted on (a job id, a
/// file name); `detail` never holds a name, a photo or a PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub detail: Option<String>,
}

/// Appends an entry with `connection`, usually the transaction that made
/// the change, so the log and the change commit together.
pub fn record(
    connection: &Connection,
    actor: Actor,
    action: Action,
    subject: Option<&str>,
    detail: Option<&str>,
) -> rusqlite::Result<()> {
    connection
        .execute(
            "INSERT INTO audit (at_ms, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                millis(SystemTime::now()),
                actor.name(),
                action.name(),
                subject,
                detail
            ],
        )
        .map(|_| ())
}

/// Every entry, oldest first.
pub fn entries(connection: &Connection) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement =
        connection.prepare("SELECT at_ms, actor, action, subject, detail FROM audit ORDER BY id")?;
    let rows = statement.query_map([], |row| {
        Ok(AuditEntry {
            at_ms: row.get(0)?,
            actor: row.get(1)?,
            action: row.get(2)?,
            subject: row.get(3)?,
            detail: row.get(4)?,
        })
    })?;
    rows.collect()
}
