//! Deleting personal data on time. A job that ended keeps its claims,
//! photo, contact and recipient's name for a grace period (so staff can
//! still look it up or retry it), then loses them; after the retention
//! period the history's claims go too. Rows stay, so counts ("412 issued
//! on Tuesday") survive; names do not. The drain sweeps now and then, and
//! `station queue purge` sweeps on demand.

use std::time::{Duration, SystemTime};

use rusqlite::params;
use serde::Serialize;

use super::desk::duration_ms;
use super::transition;
use super::{JobStatus, Queue, QueueError, QueueEvent};
use crate::store::audit::{self, Action, Actor};
use crate::store::millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// How long an ended job keeps its claims, photo and contact.
    pub grace: Duration,
    /// How long any personal data is kept at all, the history's included.
    pub retention: Duration,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            grace: Duration::from_secs(24 * 60 * 60),
            retention: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

/// What a sweep deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurgeReport {
    /// Ended jobs whose claims, photo, contact and name were deleted.
    pub jobs: u64,
    /// History entries whose claims were deleted.
    pub history: u64,
}

impl Queue {
    /// Deletes what `policy` says is due at `now`, with one audit entry
    /// (by `actor`: staff on demand, the station on its own schedule) when
    /// anything was deleted.
    pub fn purge(
        &self,
        now: SystemTime,
        policy: RetentionPolicy,
        actor: Actor,
    ) -> Result<PurgeReport, QueueError> {
        let now_ms = millis(now);
        let grace = policy.grace.min(policy.retention);
        let jobs_before = now_ms.saturating_sub(duration_ms(grace));
        let history_before = now_ms.saturating_sub(duration_ms(policy.retention));
        let report = self.write(|tx| {
            let ended: Vec<(String, String)> = {
                let mut statement = tx.prepare_cached(
                    "SELECT job_id, status FROM jobs
                     WHERE purged_at_ms IS NULL AND ended_at_ms IS NOT NULL AND ended_at_ms <= ?1",
                )?;
                let rows = statement.query_map([jobs_before], |row| Ok((row.get(0)?, row.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            for (job_id, status) in &ended {
                tx.prepare_cached(
                    "UPDATE jobs SET claims = NULL, photo = NULL, contact = NULL, recipient = NULL, purged_at_ms = ?2
                     WHERE job_id = ?1",
                )?
                .execute(params![job_id, now_ms])?;
                let status = transition::parse_status(job_id, status).unwrap_or(JobStatus::Done);
                transition::append_event(tx, job_id, status, Some("personal data deleted (retention)"), now_ms)?;
            }
            // A flow whose job is still open keeps its claims: the job needs
            // them to go out, and its own deletion follows its end.
            let history = tx.execute(
                "UPDATE flows SET claims = '' WHERE started_at_ms <= ?1 AND claims <> ''
                   AND flow_id NOT IN (SELECT job_id FROM jobs WHERE ended_at_ms IS NULL)",
                [history_before],
            )?;
            let report = PurgeReport {
                jobs: ended.len() as u64,
                history: history as u64,
            };
            if report != PurgeReport::default() {
                let detail = format!(
                    "{} jobs' details and {} history entries' claims deleted",
                    report.jobs, report.history
                );
                audit::record(tx, actor, Action::Purged, None, Some(&detail))?;
            }
            Ok(report)
        })?;
        if report.jobs > 0 {
            self.announce(QueueEvent::Changed);
        }
        Ok(report)
    }
}
