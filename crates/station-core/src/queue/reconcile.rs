//! What a drain does first, holding the drain lock: settle the jobs a
//! crash left half-way, from the station's own records, without sending
//! anything.
//!
//! - A remote job left `sending` may or may not have reached the service.
//!   It is queued again with `maybe_sent` set, due once `settle` has
//!   passed since the call started (so a request still being processed by
//!   the service is in its records by then); the drain then asks the
//!   service for it by its id before sending it again, or marks it
//!   `uncertain` when the service cannot be asked.
//! - A desk job left `at_desk` is settled by its history (the desk flow's
//!   id is the job's): issued → `done`; no request created → `ready` (no
//!   wallet can have seen it); otherwise → `uncertain`, for staff.

use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection, OptionalExtension};

use super::desk::duration_ms;
use super::transition;
use super::{JobStatus, Queue, QueueError, QueueEvent};
use crate::store::history::{self, Record};
use crate::store::millis;

/// How many jobs the crash left in each case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Remote jobs to look up before they are sent again.
    pub to_look_up: u64,
    pub desk_done: u64,
    pub desk_ready: u64,
    pub desk_uncertain: u64,
}

impl Queue {
    /// `started_ms`: when this station started. A desk job taken to the
    /// desk since is on this station's screen now, not left by a crash.
    pub(crate) fn reconcile_after_restart(
        &self,
        settle: Duration,
        started_ms: i64,
    ) -> Result<Reconciled, QueueError> {
        let at = SystemTime::now();
        let now_ms = millis(at);
        let settle_ms = duration_ms(settle);
        let reconciled = self.write(|tx| {
            let mut reconciled = Reconciled::default();
            let left_sending: Vec<(String, i64)> = ids_in(tx, "remote", JobStatus::Sending)?;
            for (job_id, since_ms) in left_sending {
                let due = now_ms.max(since_ms.saturating_add(settle_ms));
                transition::set_status(
                    tx,
                    &job_id,
                    JobStatus::Queued,
                    Some("the station stopped while sending this; it asks the service before sending again"),
                    now_ms,
                )?;
                tx.execute(
                    "UPDATE jobs SET maybe_sent = 1, next_attempt_ms = ?2 WHERE job_id = ?1",
                    params![job_id, due],
                )?;
                reconciled.to_look_up += 1;
            }
            let left_at_desk = ids_in(tx, "desk", JobStatus::AtDesk)?
                .into_iter()
                .filter(|(_, since_ms)| *since_ms < started_ms);
            for (job_id, _) in left_at_desk {
                match desk_history(tx, &job_id)? {
                    DeskHistory::Issued => {
                        transition::set_status(
                            tx,
                            &job_id,
                            JobStatus::Done,
                            Some("issued before the station stopped"),
                            now_ms,
                        )?;
                        reconciled.desk_done += 1;
                    }
                    DeskHistory::NoRequest => {
                        transition::set_status(
                            tx,
                            &job_id,
                            JobStatus::Ready,
                            Some("the station stopped before a request went out"),
                            now_ms,
                        )?;
                        reconciled.desk_ready += 1;
                    }
                    DeskHistory::Unknown => {
                        transition::set_status(
                            tx,
                            &job_id,
                            JobStatus::Uncertain,
                            Some("the station stopped while a request was on screen; check the service, then retry or cancel"),
                            now_ms,
                        )?;
                        history::write(
                            tx,
                            Record::FlowEnded {
                                flow_id: job_id.clone(),
                                outcome: "uncertain",
                                code: None,
                                message: None,
                                at,
                            },
                        )?;
                        reconciled.desk_uncertain += 1;
                    }
                }
            }
            Ok(reconciled)
        })?;
        if reconciled != Reconciled::default() {
            tracing::warn!(?reconciled, "settled the jobs a stop left half-way");
            self.announce(QueueEvent::Changed);
        }
        Ok(reconciled)
    }
}

/// Jobs of `route` in `status`, with when they got there.
fn ids_in(tx: &Connection, route: &str, status: JobStatus) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut statement =
        tx.prepare_cached("SELECT job_id, updated_at_ms FROM jobs WHERE route = ?1 AND status = ?2")?;
    let rows = statement.query_map(params![route, status.name()], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    rows.collect()
}

enum DeskHistory {
    Issued,
    NoRequest,
    Unknown,
}

fn desk_history(tx: &Connection, job_id: &str) -> rusqlite::Result<DeskHistory> {
    let outcome: Option<Option<String>> = tx
        .query_row("SELECT outcome FROM flows WHERE flow_id = ?1", [job_id], |row| {
            row.get(0)
        })
        .optional()?;
    if outcome.flatten().as_deref() == Some("issued") {
        return Ok(DeskHistory::Issued);
    }
    let requests: i64 = tx.query_row(
        "SELECT count(*) FROM requests WHERE flow_id = ?1",
        [job_id],
        |row| row.get(0),
    )?;
    Ok(if requests == 0 {
        DeskHistory::NoRequest
    } else {
        DeskHistory::Unknown
    })
}
