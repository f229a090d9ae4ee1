//! The drain's side of the database: claiming due work in one transaction
//! and committing what came of it in another, so that a job's state is on
//! disk before and after every network call made for it.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection, OptionalExtension};

use super::super::desk::duration_ms;
use super::super::transition::{self, unreadable};
use super::super::{JobStatus, Queue, QueueError, QueueEvent, RetrySchedule};
use crate::provider::{Claims, RemoteContact, RemoteExpiry, RemoteStatus};
use crate::store::audit::{self, Action, Actor};
use crate::store::history::{self, Record};
use crate::store::millis;

/// A remote job on its way to the service, with what it needs to go.
pub(in crate::queue) struct Outgoing {
    pub job_id: String,
    pub template: String,
    pub claims: Claims,
    pub photo: Option<Vec<u8>>,
    pub contact: RemoteContact,
    pub expiry: RemoteExpiry,
    /// A request for it may already have reached the service.
    pub look_up_first: bool,
    /// When it was first and last handed to the service before this attempt.
    pub first_attempt_ms: i64,
    pub last_attempt_ms: i64,
    /// Counting this one.
    pub attempts: u32,
}

/// Remote jobs of one service, claimed together (now `sending`).
pub(in crate::queue) struct RemoteBatch {
    pub service: String,
    pub jobs: Vec<Outgoing>,
}

/// A sent job whose status check is due.
pub(in crate::queue) struct SentJob {
    pub job_id: String,
    pub service: String,
    pub remote_id: String,
    pub polls: u32,
}

/// A service whose desk jobs wait for it to answer.
pub(in crate::queue) struct DeskProbe {
    pub service: String,
    /// The probe answers for the jobs due by this time.
    pub due_by_ms: i64,
}

/// What came of sending (or looking up) one remote job.
pub(in crate::queue) enum SendOutcome {
    Sent {
        remote_id: String,
        expiry: RemoteExpiry,
        found: bool,
    },
    Retry {
        code: String,
        message: String,
        wait: Duration,
        maybe_sent: bool,
    },
    Failed {
        code: String,
        message: String,
    },
    Uncertain {
        detail: String,
    },
}

/// What a status check said.
pub(in crate::queue) enum PollOutcome {
    Answered(RemoteStatus),
    Unanswered { code: String, message: String },
}

impl Queue {
    /// The due remote jobs of one service, at most `limit`, marked
    /// `sending` (attempts + 1, `maybe_sent` set) in one transaction; `None`
    /// when no remote job is due. A job whose stored details cannot be read
    /// fails here, without a network call.
    pub(in crate::queue) fn claim_remote_batch(
        &self,
        now_ms: i64,
        limit: usize,
    ) -> Result<Option<RemoteBatch>, QueueError> {
        let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
        self.write(|tx| {
            let service: Option<String> = tx
                .prepare_cached(
                    "SELECT service FROM jobs WHERE status = 'queued' AND route = 'remote' AND next_attempt_ms <= ?1
                     ORDER BY next_attempt_ms LIMIT 1",
                )?
                .query_row([now_ms], |row| row.get(0))
                .optional()?;
            let Some(service) = service else {
                return Ok(None);
            };
            type Row = (
                String,
                String,
                Option<String>,
                Option<Vec<u8>>,
                Option<String>,
                Option<String>,
                bool,
                Option<i64>,
                Option<i64>,
                u32,
            );
            let rows: Vec<Row> = {
                let mut statement = tx.prepare_cached(
                    "SELECT job_id, template, claims, photo, contact, remote_expiry, maybe_sent, first_attempt_ms,
                            last_attempt_ms, attempts
                     FROM jobs WHERE status = 'queued' AND route = 'remote' AND service = ?2 AND next_attempt_ms <= ?1
                     ORDER BY next_attempt_ms, rowid LIMIT ?3",
                )?;
                let rows = statement.query_map(params![now_ms, service, limit], |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                        row.get(6)?,
                        row.get(7)?,
                        row.get(8)?,
                        row.get(9)?,
                    ))
                })?;
                rows.collect::<Result<_, _>>()?
            };
            let mut jobs = Vec::with_capacity(rows.len());
            for (job_id, template, claims, photo, contact, expiry, maybe_sent, first, last, attempts) in rows {
                let decoded = decode(&job_id, claims, contact, expiry);
                let (claims, contact, expiry) = match decoded {
                    Ok(parts) => parts,
                    Err(error) => {
                        let message = error.to_string();
                        transition::set_status(tx, &job_id, JobStatus::Failed, Some("its details cannot be read"), now_ms)?;
                        transition::schedule(tx, &job_id, None)?;
                        transition::note_error(tx, &job_id, Some(("queue.unreadable", &message)))?;
                        continue;
                    }
                };
                let attempts = attempts.saturating_add(1);
                tx.prepare_cached(
                    "UPDATE jobs SET attempts = ?2, maybe_sent = 1, first_attempt_ms = coalesce(first_attempt_ms, ?3),
                         last_attempt_ms = ?3
                     WHERE job_id = ?1",
                )?
                .execute(params![job_id, attempts, now_ms])?;
                let detail = if maybe_sent {
                    "asking the service whether it arrived, then sending it if not"
                } else {
                    "sending to the service"
                };
                transition::set_status(tx, &job_id, JobStatus::Sending, Some(detail), now_ms)?;
                jobs.push(Outgoing {
                    job_id,
                    template,
                    claims,
                    photo,
                    contact,
                    expiry,
                    look_up_first: maybe_sent,
                    first_attempt_ms: first.unwrap_or(now_ms),
                    last_attempt_ms: last.or(first).unwrap_or(now_ms),
                    attempts,
                });
            }
            Ok(Some(RemoteBatch { service, jobs }))
        })
    }

    /// Commits what came of a batch: one transaction for all of them.
    pub(in crate::queue) fn commit_sends(
        &self,
        outcomes: Vec<(String, SendOutcome)>,
        status_poll: RetrySchedule,
    ) -> Result<(), QueueError> {
        let at = SystemTime::now();
        let now_ms = millis(at);
        self.write(|tx| {
            for (job_id, outcome) in &outcomes {
                if transition::status_of(tx, job_id)? != JobStatus::Sending {
                    tracing::error!(%job_id, "a job changed while it was being sent; its outcome is not recorded");
                    continue;
                }
                commit_send(tx, job_id, outcome, at, now_ms, status_poll)?;
            }
            Ok(())
        })?;
        self.announce(QueueEvent::Changed);
        Ok(())
    }

    /// Sent jobs whose status check is due, at most `limit`, leaving out
    /// those being checked right now (`busy`: the drain is the only one,
    /// so what it has in flight is all that is).
    pub(in crate::queue) fn due_status_polls(
        &self,
        now_ms: i64,
        limit: usize,
        busy: &HashSet<String>,
    ) -> Result<Vec<SentJob>, QueueError> {
        let wanted = limit.max(1);
        let fetch = i64::try_from(wanted.saturating_add(busy.len())).unwrap_or(i64::MAX);
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT job_id, service, remote_id, polls FROM jobs
                 WHERE status = 'sent' AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms LIMIT ?2",
            )?;
            let rows = statement.query_map(params![now_ms, fetch], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, u32>(3)?,
                ))
            })?;
            let mut jobs = Vec::with_capacity(wanted);
            for row in rows {
                let (job_id, service, remote_id, polls) = row?;
                if busy.contains(&job_id) {
                    continue;
                }
                // A sent job always has the service's id (set with `sent`).
                let Some(remote_id) = remote_id else { continue };
                jobs.push(SentJob {
                    job_id,
                    service,
                    remote_id,
                    polls,
                });
                if jobs.len() == wanted {
                    break;
                }
            }
            Ok(jobs)
        })
    }

    pub(in crate::queue) fn commit_polls(
        &self,
        outcomes: Vec<(SentJob, PollOutcome)>,
        status_poll: RetrySchedule,
    ) -> Result<(), QueueError> {
        let at = SystemTime::now();
        let now_ms = millis(at);
        let changed = self.write(|tx| {
            let mut changed = false;
            for (job, outcome) in &outcomes {
                if transition::status_of(tx, &job.job_id)? != JobStatus::Sent {
                    continue;
                }
                changed |= commit_poll(tx, job, outcome, at, now_ms, status_poll)?;
            }
            Ok(changed)
        })?;
        if changed {
            self.announce(QueueEvent::Changed);
        }
        Ok(())
    }

    /// A service with desk jobs due for a probe, other than those being
    /// probed right now (`busy`).
    pub(in crate::queue) fn due_desk_probe(
        &self,
        now_ms: i64,
        busy: &HashSet<String>,
    ) -> Result<Option<DeskProbe>, QueueError> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT DISTINCT service FROM jobs WHERE status = 'queued' AND route = 'desk' AND next_attempt_ms <= ?1",
            )?;
            let services = statement.query_map([now_ms], |row| row.get::<_, String>(0))?;
            for service in services {
                let service = service?;
                if !busy.contains(&service) {
                    return Ok(Some(DeskProbe {
                        service,
                        due_by_ms: now_ms,
                    }));
                }
            }
            Ok(None)
        })
    }

    /// The probe's answer: every desk job waiting for the service is
    /// `ready` (and announced), or the probed ones wait longer.
    pub(in crate::queue) fn commit_probe(
        &self,
        probe: &DeskProbe,
        failure: Option<(&str, &str)>,
        retry: RetrySchedule,
    ) -> Result<(), QueueError> {
        let now_ms = millis(SystemTime::now());
        let ready = self.write(|tx| {
            let Some((code, message)) = failure else {
                return make_ready(tx, &probe.service, now_ms);
            };
            let probed: Vec<(String, u32)> = {
                let mut statement = tx.prepare_cached(
                    "SELECT job_id, attempts FROM jobs
                     WHERE status = 'queued' AND route = 'desk' AND service = ?1 AND next_attempt_ms <= ?2",
                )?;
                let rows = statement.query_map(params![probe.service, probe.due_by_ms], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?;
                rows.collect::<Result<_, _>>()?
            };
            for (job_id, attempts) in probed {
                let attempts = attempts.saturating_add(1);
                let due = now_ms.saturating_add(duration_ms(retry.delay(attempts)));
                tx.prepare_cached("UPDATE jobs SET attempts = ?2, next_attempt_ms = ?3 WHERE job_id = ?1")?
                    .execute(params![job_id, attempts, due])?;
                transition::note_error(tx, &job_id, Some((code, message)))?;
            }
            Ok(Vec::new())
        })?;
        for event in ready {
            self.announce(event);
        }
        if failure.is_none() {
            self.announce(QueueEvent::Changed);
        }
        Ok(())
    }

    /// When the drain next has something to do (a send, a probe, a check).
    pub(in crate::queue) fn next_due_ms(&self) -> Result<Option<i64>, QueueError> {
        self.read(|connection| {
            Ok(connection
                .prepare_cached("SELECT min(next_attempt_ms) FROM jobs WHERE status IN ('queued', 'sent')")?
                .query_row([], |row| row.get(0))?)
        })
    }
}

fn decode(
    job_id: &str,
    claims: Option<String>,
    contact: Option<String>,
    expiry: Option<String>,
) -> Result<(Claims, RemoteContact, RemoteExpiry), QueueError> {
    let (Some(claims), Some(contact), Some(expiry)) = (claims, contact, expiry) else {
        return Err(unreadable(job_id, "its claims, contact or expiry are missing"));
    };
    let claims = serde_json::from_str(&claims).map_err(|e| unreadable(job_id, format!("claims: {e}")))?;
    let contact = serde_json::from_str(&contact).map_err(|e| unreadable(job_id, format!("contact: {e}")))?;
    let expiry = serde_json::from_value(serde_json::Value::String(expiry))
        .map_err(|e| unreadable(job_id, format!("expiry: {e}")))?;
    Ok((claims, contact, expiry))
}

fn ended(
    tx: &Connection,
    job_id: &str,
    outcome: &'static str,
    error: Option<(&str, &str)>,
    at: SystemTime,
) -> rusqlite::Result<()> {
    history::write(
        tx,
        Record::FlowEnded {
            flow_id: job_id.to_owned(),
            outcome,
            code: error.map(|(code, _)| code.to_owned()),
            message: error.map(|(_, message)| message.to_owned()),
            at,
        },
    )
}

fn commit_send(
    tx: &Connection,
    job_id: &str,
    outcome: &SendOutcome,
    at: SystemTime,
    now_ms: i64,
    status_poll: RetrySchedule,
) -> rusqlite::Result<()> {
    match outcome {
        SendOutcome::Sent {
            remote_id,
            expiry,
            found,
        } => {
            let detail = if *found {
                "found at the service, so not sent again"
            } else {
                "accepted by the service, which sends the recipient a link"
            };
            transition::set_status(tx, job_id, JobStatus::Sent, Some(detail), now_ms)?;
            let next_poll = now_ms.saturating_add(duration_ms(status_poll.delay(1)));
            tx.prepare_cached(
                "UPDATE jobs SET remote_id = ?2, maybe_sent = 0, polls = 0, next_attempt_ms = ?3,
                     last_error_code = NULL, last_error = NULL
                 WHERE job_id = ?1",
            )?
            .execute(params![job_id, remote_id, next_poll])?;
            history::write(
                tx,
                Record::RequestCreated {
                    flow_id: job_id.to_owned(),
                    request_id: remote_id.clone(),
                    url: String::new(),
                    at,
                    expires_at: at.checked_add(expiry.duration()).unwrap_or(at),
                },
            )
        }
        SendOutcome::Retry {
            code,
            message,
            wait,
            maybe_sent,
        } => {
            transition::set_status(
                tx,
                job_id,
                JobStatus::Queued,
                Some("the service could not take it; tries again"),
                now_ms,
            )?;
            let due = now_ms.saturating_add(duration_ms(*wait));
            tx.prepare_cached("UPDATE jobs SET maybe_sent = ?2, next_attempt_ms = ?3 WHERE job_id = ?1")?
                .execute(params![job_id, maybe_sent, due])?;
            transition::note_error(tx, job_id, Some((code, message)))
        }
        SendOutcome::Failed { code, message } => {
            transition::set_status(
                tx,
                job_id,
                JobStatus::Failed,
                Some("refused by the service"),
                now_ms,
            )?;
            tx.prepare_cached("UPDATE jobs SET maybe_sent = 0, next_attempt_ms = NULL WHERE job_id = ?1")?
                .execute([job_id])?;
            transition::note_error(tx, job_id, Some((code, message)))?;
            ended(tx, job_id, "failed", Some((code, message)), at)
        }
        SendOutcome::Uncertain { detail } => {
            transition::set_status(tx, job_id, JobStatus::Uncertain, Some(detail), now_ms)?;
            transition::schedule(tx, job_id, None)?;
            transition::note_error(tx, job_id, Some(("queue.uncertain", detail)))
        }
    }
}

/// Whether the job changed status.
fn commit_poll(
    tx: &Connection,
    job: &SentJob,
    outcome: &PollOutcome,
    at: SystemTime,
    now_ms: i64,
    status_poll: RetrySchedule,
) -> rusqlite::Result<bool> {
    let job_id = job.job_id.as_str();
    let status = match outcome {
        PollOutcome::Answered(RemoteStatus::Pending) | PollOutcome::Unanswered { .. } => {
            let polls = job.polls.saturating_add(1);
            let due = now_ms.saturating_add(duration_ms(status_poll.delay(polls.saturating_add(1))));
            tx.prepare_cached("UPDATE jobs SET polls = ?2, next_attempt_ms = ?3 WHERE job_id = ?1")?
                .execute(params![job_id, polls, due])?;
            if let PollOutcome::Unanswered { code, message } = outcome {
                transition::note_error(tx, job_id, Some((code, message)))?;
            }
            return Ok(false);
        }
        PollOutcome::Answered(status) => status,
    };
    transition::schedule(tx, job_id, None)?;
    match status {
        RemoteStatus::Issued => {
            transition::set_status(
                tx,
                job_id,
                JobStatus::Done,
                Some("the recipient took the credential"),
                now_ms,
            )?;
            transition::note_error(tx, job_id, None)?;
            ended(tx, job_id, "issued", None, at)?;
            audit::record(tx, Actor::Station, Action::Issued, Some(job_id), None)?;
        }
        RemoteStatus::Failed(reason) => {
            let error = ("remote.failed", reason.as_str());
            transition::set_status(
                tx,
                job_id,
                JobStatus::Failed,
                Some("the service says the issuance failed"),
                now_ms,
            )?;
            transition::note_error(tx, job_id, Some(error))?;
            ended(tx, job_id, "failed", Some(error), at)?;
        }
        RemoteStatus::Expired => {
            let error = (
                "remote.expired",
                "the recipient did not claim the credential before their link expired; retry to send a new one",
            );
            transition::set_status(
                tx,
                job_id,
                JobStatus::Failed,
                Some("the recipient's link expired unused"),
                now_ms,
            )?;
            transition::note_error(tx, job_id, Some(error))?;
            ended(tx, job_id, "expired", Some(error), at)?;
        }
        RemoteStatus::Cancelled => {
            transition::set_status(
                tx,
                job_id,
                JobStatus::Cancelled,
                Some("cancelled at the service"),
                now_ms,
            )?;
            ended(tx, job_id, "cancelled", None, at)?;
        }
        RemoteStatus::Pending => {}
    }
    Ok(true)
}

/// Every desk job of `service` waiting for it becomes `ready`; returns
/// the calls to make.
fn make_ready(tx: &Connection, service: &str, now_ms: i64) -> Result<Vec<QueueEvent>, super::super::Failure> {
    let waiting: Vec<(String, Option<String>, String)> = {
        let mut statement = tx.prepare_cached(
            "SELECT job_id, recipient, template FROM jobs WHERE status = 'queued' AND route = 'desk' AND service = ?1",
        )?;
        let rows = statement.query_map([service], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut events = Vec::with_capacity(waiting.len());
    for (job_id, recipient, template) in waiting {
        transition::set_status(
            tx,
            &job_id,
            JobStatus::Ready,
            Some("the service answers again"),
            now_ms,
        )?;
        transition::schedule(tx, &job_id, None)?;
        transition::note_error(tx, &job_id, None)?;
        events.push(QueueEvent::Ready {
            job_id,
            recipient: recipient.unwrap_or_default(),
            template,
        });
    }
    Ok(events)
}
