//! The attendant view: for whoever looks after several kiosks, how the last
//! hours went at a glance — issuances per hour, the success rate, what waits
//! in the queue, and why issuances failed. Read only.
//!
//! An issuance counts in the hour it *ended* (a queued one issued hours
//! later counts when the wallet took it), from the history's flows: desk
//! issuances and remote ones, not verifications. Each flow row counts once,
//! by how it ended last (a job issued on a second attempt is one issuance).
//! `issued` ends are successes; `failed` and `expired` ones (the service or
//! wallet refused, or the request ran out unused) are failures. A cancelled
//! issuance was called off on purpose and a queued one has not ended: they
//! are neither. A failed job's history row carries the job's error code
//! (the drain and the desk write both in one transaction), so the flow's
//! code is the failure's reason for jobs too.
//!
//! Hours are whole hours of UTC (the same boundaries as local time in every
//! time zone a whole number of hours from UTC).

use std::collections::BTreeMap;
use std::time::SystemTime;

use rusqlite::params;
use serde::Serialize;

use crate::error::ErrorCode;
use crate::flow::FlowKind;
use crate::queue::{QueueCounts, REMOTE_ISSUANCE_KIND};
use crate::store::{millis, Database, Durability, StoreError};

/// How many hours the view covers, the current one last.
pub const WINDOW_HOURS: usize = 12;

const HOUR_MS: i64 = 3_600_000;

/// The reason of a flow that expired without a code of its own (a desk
/// request nobody opened).
const EXPIRED_REASON: &str = "flow.expired";

#[derive(Debug, thiserror::Error)]
pub enum AttendantError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the system clock reads {now_ms} ms since 1970, too far from now to count hours from; set the system clock to the right time")]
    Clock { now_ms: i64 },
    #[error("the history holds more issuances than the statistics can add up; check the station database with `station doctor`")]
    Overflow,
}

impl ErrorCode for AttendantError {
    fn code(&self) -> &'static str {
        match self {
            AttendantError::Store(e) => e.code(),
            AttendantError::Clock { .. } => "attendant.clock",
            AttendantError::Overflow => "attendant.overflow",
        }
    }
}

/// The attendant's screen, as of `generated_at_ms`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttendantStats {
    /// The last [`WINDOW_HOURS`] hours, oldest first, the current (partial)
    /// hour last; hours with nothing in them are there with zeros.
    pub hours: Vec<HourBucket>,
    /// Issued ÷ (issued + failed) over the hours; `None` when none ended.
    pub success_rate: Option<f64>,
    /// Jobs in each status now.
    pub queue: QueueCounts,
    /// Jobs not yet in a final state: what the queue still has to do.
    pub queue_depth: u64,
    /// Why issuances failed over the hours, most frequent first (equal
    /// counts by code); the counts add up to the hours' failures.
    pub failures_by_reason: Vec<FailureReason>,
    pub generated_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HourBucket {
    /// The hour's first millisecond since 1970.
    pub start_ms: i64,
    pub issued: u64,
    pub failed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureReason {
    /// The failure's stable code (`service.badOrMissingField`,
    /// `remote.expired`, `flow.expired`, …).
    pub reason_code: String,
    pub count: u64,
}

/// The statistics of the [`WINDOW_HOURS`] hours up to `now`, with the
/// queue's current `queue` counts.
pub fn read(
    database: &Database,
    queue: QueueCounts,
    now: SystemTime,
) -> Result<AttendantStats, AttendantError> {
    let now_ms = millis(now);
    let mut hours = hour_buckets(now_ms).ok_or(AttendantError::Clock { now_ms })?;
    let from_ms = hours.first().map_or(now_ms, |hour| hour.start_ms);
    let until_ms = hours
        .last()
        .and_then(|hour| hour.start_ms.checked_add(HOUR_MS))
        .ok_or(AttendantError::Clock { now_ms })?;
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for ended in ended_issuances(database, from_ms, until_ms)? {
        let hour = usize::try_from(ended.hour)
            .ok()
            .and_then(|index| hours.get_mut(index))
            .ok_or(AttendantError::Overflow)?;
        if ended.outcome == "issued" {
            hour.issued = add(hour.issued, ended.count)?;
        } else {
            hour.failed = add(hour.failed, ended.count)?;
            let reason = ended.code.unwrap_or_else(|| EXPIRED_REASON.to_owned());
            let count = reasons.entry(reason).or_default();
            *count = add(*count, ended.count)?;
        }
    }
    let mut failures_by_reason: Vec<FailureReason> = reasons
        .into_iter()
        .map(|(reason_code, count)| FailureReason { reason_code, count })
        .collect();
    // Stable over the code order the map gave: equal counts stay by code.
    failures_by_reason.sort_by_key(|reason| std::cmp::Reverse(reason.count));
    let issued = hours.iter().try_fold(0, |sum, hour| add(sum, hour.issued))?;
    let failed = hours.iter().try_fold(0, |sum, hour| add(sum, hour.failed))?;
    Ok(AttendantStats {
        hours,
        success_rate: success_rate(issued, failed)?,
        queue,
        queue_depth: queue.open(),
        failures_by_reason,
        generated_at_ms: now_ms,
    })
}

/// Empty buckets for the window ending with the hour `now_ms` is in.
fn hour_buckets(now_ms: i64) -> Option<Vec<HourBucket>> {
    let current = now_ms.checked_sub(now_ms.rem_euclid(HOUR_MS))?;
    let earlier = i64::try_from(WINDOW_HOURS).ok()?.checked_sub(1)?;
    let first = current.checked_sub(earlier.checked_mul(HOUR_MS)?)?;
    (0..=earlier)
        .map(|index| {
            Some(HourBucket {
                start_ms: first.checked_add(index.checked_mul(HOUR_MS)?)?,
                issued: 0,
                failed: 0,
            })
        })
        .collect()
}

/// Issuances that ended in one hour one way, with one code.
struct Ended {
    /// Hours since the window's start.
    hour: i64,
    outcome: String,
    code: Option<String>,
    count: u64,
}

/// The window's ended issuances, grouped: read from the `flows_by_end`
/// index alone (it holds every column the query reads).
fn ended_issuances(database: &Database, from_ms: i64, until_ms: i64) -> Result<Vec<Ended>, AttendantError> {
    let connection = database.connect(Durability::Normal)?;
    let mut statement = connection
        .prepare(ENDED_ISSUANCES)
        .map_err(|e| database.error(e))?;
    let rows = statement
        .query_map(
            params![
                from_ms,
                until_ms,
                FlowKind::Issuance.name(),
                REMOTE_ISSUANCE_KIND,
                HOUR_MS
            ],
            |row| {
                Ok(Ended {
                    hour: row.get(0)?,
                    outcome: row.get(1)?,
                    code: row.get(2)?,
                    count: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
                })
            },
        )
        .map_err(|e| database.error(e))?;
    Ok(rows.collect::<Result<_, _>>().map_err(|e| database.error(e))?)
}

/// ?1..?2: the window; ?3, ?4: the issuance kinds; ?5: an hour in ms.
const ENDED_ISSUANCES: &str = "SELECT (ended_at_ms - ?1) / ?5 AS hour, outcome, outcome_code, count(*)
     FROM flows
     WHERE ended_at_ms >= ?1 AND ended_at_ms < ?2
       AND kind IN (?3, ?4) AND outcome IN ('issued', 'failed', 'expired')
     GROUP BY hour, outcome, outcome_code";

fn add(a: u64, b: u64) -> Result<u64, AttendantError> {
    a.checked_add(b).ok_or(AttendantError::Overflow)
}

fn success_rate(issued: u64, failed: u64) -> Result<Option<f64>, AttendantError> {
    let ended = add(issued, failed)?;
    // Counts of a real history are far below 2^53, where f64 is exact.
    Ok((ended > 0).then(|| issued as f64 / ended as f64))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a broken step stops the run

    use super::*;
    use crate::secrets::MemoryStore;

    /// A long history must not make the screen slow: the count reads the
    /// window's range of the covering index, never the flows themselves.
    #[test]
    fn the_count_reads_only_the_windows_range_of_the_covering_index() {
        let dir = tempfile::tempdir().unwrap();
        let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
        let connection = database.connect(Durability::Normal).unwrap();
        let mut statement = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {ENDED_ISSUANCES}"))
            .unwrap();
        let plan: Vec<String> = statement
            .query_map(
                params![0, HOUR_MS, "issuance", "remote_issuance", HOUR_MS],
                |row| row.get(3),
            )
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            plan[0], "SEARCH flows USING COVERING INDEX flows_by_end (ended_at_ms>? AND ended_at_ms<?)",
            "{plan:?}"
        );
    }

    #[test]
    fn the_window_is_twelve_whole_hours_ending_with_the_current_one() {
        let hours = hour_buckets(5 * HOUR_MS + 1).unwrap_or_default();
        assert_eq!(hours.len(), WINDOW_HOURS);
        assert_eq!(hours[0].start_ms, -6 * HOUR_MS);
        assert_eq!(hours[11].start_ms, 5 * HOUR_MS);
        // On the boundary, the hour that starts now is the current one.
        let on_boundary = hour_buckets(5 * HOUR_MS).unwrap_or_default();
        assert_eq!(on_boundary[11].start_ms, 5 * HOUR_MS);
    }

    #[test]
    fn a_clock_at_the_end_of_time_is_refused_not_wrapped() {
        assert_eq!(hour_buckets(i64::MIN), None);
        assert!(hour_buckets(i64::MAX).is_some());
        assert_eq!(success_rate(u64::MAX, 1).ok(), None);
        assert_eq!(success_rate(0, 0).ok(), Some(None));
    }
}
