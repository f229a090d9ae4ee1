//! The one way a job changes status: the row and its timeline entry in the
//! caller's transaction, so no change goes unrecorded. Also reading a job
//! row back into a [`Job`].

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{Failure, Job, JobError, JobStatus, QueueError, RouteKind};

/// The columns [`job_from_row`] reads, in its order.
pub(super) const JOB_COLUMNS: &str =
    "job_id, template, service, route, person_id, recipient, status, attempts,
     next_attempt_ms, last_error_code, last_error, remote_id, override_reason, created_at_ms, updated_at_ms,
     ended_at_ms, purged_at_ms";

/// Moves `job_id` to `to` and appends the timeline row. A final status
/// stamps the end time (which the retention grace counts from); any other
/// clears it, as a retried job has not ended.
pub(super) fn set_status(
    tx: &Connection,
    job_id: &str,
    to: JobStatus,
    detail: Option<&str>,
    at_ms: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE jobs SET status = ?2, updated_at_ms = ?3,
             ended_at_ms = CASE WHEN ?4 THEN ?3 ELSE NULL END
         WHERE job_id = ?1",
    )?
    .execute(params![job_id, to.name(), at_ms, to.is_final()])?;
    append_event(tx, job_id, to, detail, at_ms)
}

/// A timeline row without a status change (the retention sweep's).
pub(super) fn append_event(
    tx: &Connection,
    job_id: &str,
    status: JobStatus,
    detail: Option<&str>,
    at_ms: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO job_events (job_id, status, detail, at_ms) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![job_id, status.name(), detail, at_ms])
        .map(|_| ())
}

/// When the drain acts on the job next (`None`: never by itself).
pub(super) fn schedule(tx: &Connection, job_id: &str, next_ms: Option<i64>) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE jobs SET next_attempt_ms = ?2 WHERE job_id = ?1")?
        .execute(params![job_id, next_ms])
        .map(|_| ())
}

/// The job's last error, or none.
pub(super) fn note_error(tx: &Connection, job_id: &str, error: Option<(&str, &str)>) -> rusqlite::Result<()> {
    let (code, message) = error.unzip();
    tx.prepare_cached("UPDATE jobs SET last_error_code = ?2, last_error = ?3 WHERE job_id = ?1")?
        .execute(params![job_id, code, message])
        .map(|_| ())
}

/// The job's status, or `NotFound`.
pub(super) fn status_of(tx: &Connection, job_id: &str) -> Result<JobStatus, Failure> {
    let name: Option<String> = tx
        .prepare_cached("SELECT status FROM jobs WHERE job_id = ?1")?
        .query_row([job_id], |row| row.get(0))
        .optional()?;
    match name {
        None => Err(not_found(job_id).into()),
        Some(name) => Ok(parse_status(job_id, &name)?),
    }
}

pub(super) fn not_found(job_id: &str) -> QueueError {
    QueueError::NotFound {
        job_id: job_id.to_owned(),
    }
}

pub(super) fn parse_status(job_id: &str, name: &str) -> Result<JobStatus, QueueError> {
    JobStatus::parse(name).ok_or_else(|| unreadable(job_id, format!("unknown status '{name}'")))
}

pub(super) fn unreadable(job_id: &str, detail: impl Into<String>) -> QueueError {
    QueueError::Unreadable {
        job_id: job_id.to_owned(),
        detail: detail.into(),
    }
}

/// A row selected with [`JOB_COLUMNS`]. A status or route this version
/// does not know is an error that names the job, not a panic.
pub(super) fn job_from_row(row: &Row<'_>) -> rusqlite::Result<Result<Job, QueueError>> {
    let job_id: String = row.get(0)?;
    let route: String = row.get(3)?;
    let status: String = row.get(6)?;
    let attempts: i64 = row.get(7)?;
    let code: Option<String> = row.get(9)?;
    let message: Option<String> = row.get(10)?;
    let purged_at: Option<i64> = row.get(16)?;
    let Some(route) = RouteKind::parse(&route) else {
        return Ok(Err(unreadable(&job_id, format!("unknown route '{route}'"))));
    };
    let status = match parse_status(&job_id, &status) {
        Ok(status) => status,
        Err(error) => return Ok(Err(error)),
    };
    Ok(Ok(Job {
        template: row.get(1)?,
        service: row.get(2)?,
        route,
        person_id: row.get(4)?,
        recipient: row.get(5)?,
        status,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        next_attempt_at_ms: row.get(8)?,
        last_error: match (code, message) {
            (Some(code), Some(message)) => Some(JobError { code, message }),
            _ => None,
        },
        remote_id: row.get(11)?,
        override_reason: row.get(12)?,
        created_at_ms: row.get(13)?,
        updated_at_ms: row.get(14)?,
        ended_at_ms: row.get(15)?,
        purged: purged_at.is_some(),
        job_id,
    }))
}

/// The job `job_id`, or `NotFound`.
pub(super) fn load(connection: &Connection, job_id: &str) -> Result<Job, Failure> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE job_id = ?1");
    let found = connection
        .prepare_cached(&sql)?
        .query_row([job_id], job_from_row)
        .optional()?;
    Ok(found.unwrap_or_else(|| Err(not_found(job_id)))?)
}
