//! What staff do to a job by hand: send it again, or call it off. Each is
//! an audit entry in the transaction that makes the change.

use std::time::SystemTime;

use rusqlite::params;

use super::jobs::constraint_refusal;
use super::transition;
use super::{Job, JobStatus, Queue, QueueError, QueueEvent};
use crate::store::audit::{self, Action, Actor};
use crate::store::history::{self, Record};
use crate::store::millis;

impl Queue {
    /// A failed or uncertain job goes back in the queue, due now. For an
    /// uncertain one this is staff's decision that it did not reach the
    /// recipient: it is sent without asking the service first.
    pub fn retry(&self, job_id: &str, actor: Actor) -> Result<Job, QueueError> {
        let at_ms = millis(SystemTime::now());
        let job = self.write(|tx| {
            let status = transition::status_of(tx, job_id)?;
            if !matches!(status, JobStatus::Failed | JobStatus::Uncertain) {
                return Err(QueueError::WrongState {
                    job_id: job_id.to_owned(),
                    status,
                    action: "retried",
                    allowed: "failed or uncertain",
                }
                .into());
            }
            let (purged, person_id, template): (bool, Option<i64>, String) = tx.query_row(
                "SELECT purged_at_ms IS NOT NULL, person_id, template FROM jobs WHERE job_id = ?1",
                [job_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            if purged {
                return Err(QueueError::Purged {
                    job_id: job_id.to_owned(),
                }
                .into());
            }
            let detail = format!("retried by {}", actor.name());
            let moved = transition::set_status(tx, job_id, JobStatus::Queued, Some(&detail), at_ms);
            if let Err(error) = moved {
                return Err(constraint_refusal(tx, person_id, &template, error));
            }
            tx.execute(
                "UPDATE jobs SET maybe_sent = 0, next_attempt_ms = ?2 WHERE job_id = ?1",
                params![job_id, at_ms],
            )?;
            reopen_history(tx, job_id)?;
            audit::record(tx, actor, Action::Retried, Some(job_id), None)?;
            transition::load(tx, job_id)
        })?;
        self.wake_drain();
        self.announce(QueueEvent::Changed);
        Ok(job)
    }

    /// Calls the job off: it never goes out. Not while it is being sent
    /// (wait a moment: it is then sent, queued again or failed), nor once
    /// it has ended.
    pub fn cancel(&self, job_id: &str, actor: Actor) -> Result<Job, QueueError> {
        let at = SystemTime::now();
        let at_ms = millis(at);
        let job = self.write(|tx| {
            let status = transition::status_of(tx, job_id)?;
            if status == JobStatus::Sending || status.is_final() {
                return Err(QueueError::WrongState {
                    job_id: job_id.to_owned(),
                    status,
                    action: "cancelled",
                    allowed: "queued, sent, ready, at the desk or uncertain",
                }
                .into());
            }
            let detail = match status {
                JobStatus::Sent => format!(
                    "cancelled by {}; the service had already sent the recipient their link",
                    actor.name()
                ),
                _ => format!("cancelled by {}", actor.name()),
            };
            transition::set_status(tx, job_id, JobStatus::Cancelled, Some(&detail), at_ms)?;
            transition::schedule(tx, job_id, None)?;
            history::write(
                tx,
                Record::FlowEnded {
                    flow_id: job_id.to_owned(),
                    outcome: "cancelled",
                    code: None,
                    message: None,
                    at,
                },
            )?;
            audit::record(tx, actor, Action::Cancelled, Some(job_id), Some(status.name()))?;
            transition::load(tx, job_id)
        })?;
        self.announce(QueueEvent::Changed);
        Ok(job)
    }
}

/// A job that runs again is an open flow again in the history.
pub(super) fn reopen_history(tx: &rusqlite::Connection, job_id: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE flows SET outcome = NULL, outcome_code = NULL, outcome_message = NULL, ended_at_ms = NULL
         WHERE flow_id = ?1",
        [job_id],
    )
    .map(|_| ())
}
