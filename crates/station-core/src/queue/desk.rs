//! A desk job's turn at the desk or kiosk: the window takes it
//! ([`Queue::begin_desk`]), issues it on screen as any issuance, and says
//! how that ended ([`Queue::finish_desk`]).

use std::time::SystemTime;

use rusqlite::params;

use super::transition::{self, unreadable};
use super::{DeskJob, DeskOutcome, JobStatus, Queue, QueueError, QueueEvent, RouteKind};
use crate::provider::Claims;
use crate::store::audit::{self, Action, Actor};
use crate::store::history::{self, Record};
use crate::store::millis;

impl Queue {
    /// Takes a queued or ready desk job to the desk: `at_desk` until
    /// [`Queue::finish_desk`]. Returns what the screen needs to issue it.
    pub fn begin_desk(&self, job_id: &str) -> Result<DeskJob, QueueError> {
        let at_ms = millis(SystemTime::now());
        let desk = self.write(|tx| {
            let status = transition::status_of(tx, job_id)?;
            type Row = (String, String, Option<String>, Option<Vec<u8>>, Option<String>, bool);
            let (route, template, claims, photo, recipient, purged): Row = tx.query_row(
                "SELECT route, template, claims, photo, recipient, purged_at_ms IS NOT NULL FROM jobs WHERE job_id = ?1",
                [job_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)),
            )?;
            let at_the_desk = RouteKind::parse(&route) == Some(RouteKind::Desk);
            if !at_the_desk || !matches!(status, JobStatus::Queued | JobStatus::Ready) {
                return Err(QueueError::WrongState {
                    job_id: job_id.to_owned(),
                    status,
                    action: "issued at the desk",
                    allowed: "desk jobs, queued or ready",
                }
                .into());
            }
            let (Some(claims), Some(recipient), false) = (claims, recipient, purged) else {
                return Err(QueueError::Purged {
                    job_id: job_id.to_owned(),
                }
                .into());
            };
            let claims: Claims =
                serde_json::from_str(&claims).map_err(|e| unreadable(job_id, format!("claims: {e}")))?;
            transition::set_status(tx, job_id, JobStatus::AtDesk, Some("taken to the desk"), at_ms)?;
            transition::schedule(tx, job_id, None)?;
            Ok(DeskJob {
                job_id: job_id.to_owned(),
                template,
                claims,
                photo,
                recipient,
            })
        })?;
        self.announce(QueueEvent::Changed);
        Ok(desk)
    }

    /// How the desk issuance of an `at_desk` job ended: `done`; back in the
    /// queue with backoff; `failed`; or `ready` to call the person again.
    pub fn finish_desk(&self, job_id: &str, outcome: DeskOutcome) -> Result<JobStatus, QueueError> {
        let at = SystemTime::now();
        let at_ms = millis(at);
        let retry = self.retry_schedule();
        let status = self.write(|tx| {
            let status = transition::status_of(tx, job_id)?;
            if status != JobStatus::AtDesk {
                return Err(QueueError::WrongState {
                    job_id: job_id.to_owned(),
                    status,
                    action: "finished at the desk",
                    allowed: "at the desk",
                }
                .into());
            }
            let ended = |outcome: &'static str, code: Option<&str>, message: Option<&str>| {
                history::write(
                    tx,
                    Record::FlowEnded {
                        flow_id: job_id.to_owned(),
                        outcome,
                        code: code.map(str::to_owned),
                        message: message.map(str::to_owned),
                        at,
                    },
                )
            };
            let next = match &outcome {
                DeskOutcome::Issued => {
                    transition::set_status(tx, job_id, JobStatus::Done, Some("issued at the desk"), at_ms)?;
                    transition::note_error(tx, job_id, None)?;
                    ended("issued", None, None)?;
                    audit::record(tx, Actor::Station, Action::Issued, Some(job_id), None)?;
                    JobStatus::Done
                }
                DeskOutcome::Unreachable { detail } => {
                    let attempts: u32 = tx.query_row(
                        "UPDATE jobs SET attempts = attempts + 1 WHERE job_id = ?1 RETURNING attempts",
                        [job_id],
                        |row| row.get(0),
                    )?;
                    let due = at_ms.saturating_add(duration_ms(retry.delay(attempts)));
                    transition::set_status(
                        tx,
                        job_id,
                        JobStatus::Queued,
                        Some("the service could not be reached; waits for it"),
                        at_ms,
                    )?;
                    transition::schedule(tx, job_id, Some(due))?;
                    transition::note_error(tx, job_id, Some(("provider.unreachable", detail)))?;
                    JobStatus::Queued
                }
                DeskOutcome::Failed { code, message } => {
                    transition::set_status(
                        tx,
                        job_id,
                        JobStatus::Failed,
                        Some("refused at the desk"),
                        at_ms,
                    )?;
                    transition::note_error(tx, job_id, Some((code, message)))?;
                    ended("failed", Some(code), Some(message))?;
                    JobStatus::Failed
                }
                DeskOutcome::NotTaken => {
                    transition::set_status(
                        tx,
                        job_id,
                        JobStatus::Ready,
                        Some("not taken; ready again"),
                        at_ms,
                    )?;
                    JobStatus::Ready
                }
            };
            tx.execute(
                "UPDATE jobs SET first_attempt_ms = coalesce(first_attempt_ms, ?2) WHERE job_id = ?1",
                params![job_id, at_ms],
            )?;
            Ok(next)
        })?;
        if status == JobStatus::Queued {
            self.wake_drain();
        }
        self.announce(QueueEvent::Changed);
        Ok(status)
    }
}

/// Milliseconds of a delay, as the schema counts time; a delay past
/// `i64::MAX` ms (never computed) saturates.
pub(super) fn duration_ms(delay: std::time::Duration) -> i64 {
    i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)
}
