//! Putting a job in the queue, and reading jobs back.

use std::time::SystemTime;

use rusqlite::{params, OptionalExtension};

use super::transition::{self, job_from_row, JOB_COLUMNS};
use super::{
    Failure, Job, JobEvent, JobStatus, NewJob, Queue, QueueCounts, QueueError, QueueEvent, Route,
    REMOTE_ISSUANCE_KIND,
};
use crate::flow::FlowKind;
use crate::store::audit::{self, Action};
use crate::store::history::{self, Record};
use crate::store::millis;

impl Queue {
    /// Queues `job`: the job, its first timeline row, its history row and
    /// the audit entry in one transaction, on disk when this returns. A
    /// roster person who already has a live or successful job for the
    /// template gets [`QueueError::AlreadyIssued`] unless staff give an
    /// override reason.
    pub fn enqueue(&self, job: NewJob) -> Result<Job, QueueError> {
        let stored = self.insert(job, JobStatus::Queued)?;
        self.wake_drain();
        self.announce(QueueEvent::Changed);
        Ok(stored)
    }

    /// Queues a desk `job` already at the desk (`at_desk`), as
    /// [`Queue::enqueue`] does otherwise: the person is standing there, so
    /// the drain must never see it queued and call them back.
    pub fn enqueue_at_desk(&self, job: NewJob) -> Result<Job, QueueError> {
        if !matches!(job.route, Route::Desk) {
            return Err(QueueError::WrongState {
                job_id: "(new)".into(),
                status: JobStatus::Queued,
                action: "taken to the desk",
                allowed: "desk jobs",
            });
        }
        let stored = self.insert(job, JobStatus::AtDesk)?;
        self.announce(QueueEvent::Changed);
        Ok(stored)
    }

    fn insert(&self, job: NewJob, status: JobStatus) -> Result<Job, QueueError> {
        let job_id = uuid::Uuid::new_v4().to_string();
        let at = SystemTime::now();
        let at_ms = millis(at);
        let claims =
            serde_json::to_string(&job.claims).map_err(|e| transition::unreadable(&job_id, e.to_string()))?;
        let (route, kind, contact, expiry) = match &job.route {
            Route::Desk => ("desk", FlowKind::Issuance.name(), None, None),
            Route::Remote { contact, expiry } => (
                "remote",
                REMOTE_ISSUANCE_KIND,
                Some(
                    serde_json::to_string(contact)
                        .map_err(|e| transition::unreadable(&job_id, e.to_string()))?,
                ),
                Some(expiry_name(*expiry)),
            ),
        };
        let stored = self.write(|tx| {
            let inserted = tx.prepare_cached(
                "INSERT INTO jobs (job_id, template, service, route, person_id, claims, photo, contact, remote_expiry,
                     recipient, status, next_attempt_ms, override_reason, created_at_ms, updated_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12, ?12)",
            )?
            .execute(params![
                    job_id,
                    job.template,
                    job.service,
                    route,
                    job.person_id,
                    claims,
                    job.photo,
                    contact,
                    expiry,
                    job.recipient,
                    status.name(),
                    at_ms,
                    job.override_reason,
                ]);
            if let Err(error) = inserted {
                return Err(constraint_refusal(tx, job.person_id, &job.template, error));
            }
            let detail = match job.override_reason {
                Some(_) => format!("queued by {} (issued again on purpose)", job.actor.name()),
                None => format!("queued by {}", job.actor.name()),
            };
            transition::append_event(tx, &job_id, status, Some(&detail), at_ms)?;
            if status == JobStatus::AtDesk {
                transition::schedule(tx, &job_id, None)?;
            }
            history::write(
                tx,
                Record::FlowStarted {
                    flow_id: job_id.clone(),
                    kind,
                    template: job.template.clone(),
                    service: job.service.clone(),
                    claims: claims.clone(),
                    at,
                },
            )?;
            audit::record(tx, job.actor, Action::Queued, Some(&job_id), Some(&job.template))?;
            if let Some(reason) = &job.override_reason {
                audit::record(tx, job.actor, Action::Overridden, Some(&job_id), Some(reason))?;
            }
            transition::load(tx, &job_id)
        })?;
        Ok(stored)
    }

    pub fn get(&self, job_id: &str) -> Result<Job, QueueError> {
        self.read(|connection| transition::load(connection, job_id))
    }

    /// The newest jobs first, of one status or all; at most `limit`.
    pub fn list(&self, status: Option<JobStatus>, limit: usize) -> Result<Vec<Job>, QueueError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|connection| {
            let sql = format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE ?1 IS NULL OR status = ?1
                 ORDER BY created_at_ms DESC, rowid DESC LIMIT ?2"
            );
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(params![status.map(JobStatus::name), limit], job_from_row)?;
            let mut jobs = Vec::new();
            for row in rows {
                jobs.push(row??);
            }
            Ok(jobs)
        })
    }

    /// How many jobs are in each status.
    pub fn counts(&self) -> Result<QueueCounts, QueueError> {
        self.read(|connection| {
            let mut statement =
                connection.prepare_cached("SELECT status, count(*) FROM jobs GROUP BY status")?;
            let rows =
                statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))?;
            let mut counts = QueueCounts::default();
            for row in rows {
                let (name, count) = row?;
                // A status from a newer station is not counted rather than refused.
                if let Some(status) = JobStatus::parse(&name) {
                    counts.set(status, u64::try_from(count).unwrap_or(0));
                }
            }
            Ok(counts)
        })
    }

    /// Every status the job went through, oldest first.
    pub fn timeline(&self, job_id: &str) -> Result<Vec<JobEvent>, QueueError> {
        self.read(|connection| {
            transition::status_of(connection, job_id)?;
            let mut statement = connection.prepare_cached(
                "SELECT at_ms, status, detail FROM job_events WHERE job_id = ?1 ORDER BY id",
            )?;
            let rows = statement.query_map([job_id], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get(2)?))
            })?;
            let mut events = Vec::new();
            for row in rows {
                let (at_ms, status, detail) = row?;
                events.push(JobEvent {
                    at_ms,
                    status: transition::parse_status(job_id, &status)?,
                    detail,
                });
            }
            Ok(events)
        })
    }
}

/// The service's name of an expiry (`oneWeek`), as the schema stores it.
pub(super) fn expiry_name(expiry: crate::provider::RemoteExpiry) -> String {
    serde_json::to_value(expiry)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// What a refused write means for staff: the roster person already has
/// this template (the `jobs_issued_once` index), or is not in the roster.
/// Anything else stays the database's error.
pub(super) fn constraint_refusal(
    tx: &rusqlite::Connection,
    person_id: Option<i64>,
    template: &str,
    error: rusqlite::Error,
) -> Failure {
    let (rusqlite::Error::SqliteFailure(failure, _), Some(person_id)) = (&error, person_id) else {
        return error.into();
    };
    let extended = failure.extended_code;
    if extended == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY {
        return QueueError::UnknownPerson { person_id }.into();
    }
    if extended != rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE {
        return error.into();
    }
    let holder: rusqlite::Result<Option<String>> = tx
        .query_row(
            "SELECT job_id FROM jobs WHERE person_id = ?1 AND template = ?2 AND override_reason IS NULL
               AND status NOT IN ('failed', 'cancelled')",
            params![person_id, template],
            |row| row.get(0),
        )
        .optional();
    match holder {
        Ok(Some(job_id)) => QueueError::AlreadyIssued {
            template: template.to_owned(),
            person_id,
            job_id,
        }
        .into(),
        Ok(None) => error.into(),
        Err(other) => other.into(),
    }
}
