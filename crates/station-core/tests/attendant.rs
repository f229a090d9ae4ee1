//! The attendant view on a real (encrypted) database: issuances counted in
//! the hour they ended, the window's edges to the millisecond, failures by
//! reason, and the queue as it stands.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::{Duration, SystemTime};

use station_core::attendant::{self, AttendantStats, FailureReason, HourBucket, WINDOW_HOURS};
use station_core::queue::{DeskOutcome, JobStatus, Queue, QueueCounts, RetrySchedule, REMOTE_ISSUANCE_KIND};
use station_core::secrets::MemoryStore;
use station_core::store::audit::Actor;
use station_core::store::{Database, History, Record};
use station_testkit::queue::{desk_job, remote_job};
use station_testkit::station::megan_at_contoso;

const HOUR: u64 = 3_600_000;
/// 2026-03-02T10:00:00Z, an hour's first millisecond.
const TEN_O_CLOCK: u64 = 1_772_445_600_000;

struct Setup {
    database: Database,
    history: History,
    queue: Queue,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    Setup {
        history: History::open(&database).unwrap(),
        queue: Queue::open(
            &database,
            RetrySchedule::new(Duration::from_secs(10), Duration::from_secs(60)),
        )
        .unwrap(),
        database,
        _dir: dir,
    }
}

fn at(ms: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(ms)
}

impl Setup {
    /// A flow of `kind` that started an hour before `ended_ms` and ended
    /// then with `outcome` (and `code`), or is still running (`None`).
    fn flow(&self, kind: &'static str, ended_ms: u64, end: Option<(&'static str, Option<&str>)>) {
        let flow_id = uuid::Uuid::new_v4().to_string();
        self.history.record(Record::FlowStarted {
            flow_id: flow_id.clone(),
            kind,
            template: "member".into(),
            service: "sandbox".into(),
            claims: "{}".into(),
            at: at(ended_ms - HOUR),
        });
        if let Some((outcome, code)) = end {
            self.history.record(Record::FlowEnded {
                flow_id,
                outcome,
                code: code.map(str::to_owned),
                message: code.map(|_| "what went wrong".to_owned()),
                at: at(ended_ms),
            });
        }
    }

    fn issued(&self, ended_ms: u64) {
        self.flow("issuance", ended_ms, Some(("issued", None)));
    }

    fn failed(&self, ended_ms: u64, code: &str) {
        self.flow("issuance", ended_ms, Some(("failed", Some(code))));
    }

    fn stats(&self, now: SystemTime) -> AttendantStats {
        self.history.flush();
        attendant::read(&self.database, self.queue.counts().unwrap(), now).unwrap()
    }
}

fn reasons(stats: &AttendantStats) -> Vec<(&str, u64)> {
    stats
        .failures_by_reason
        .iter()
        .map(|FailureReason { reason_code, count }| (reason_code.as_str(), *count))
        .collect()
}

#[test]
fn an_empty_window_has_twelve_empty_hours_and_no_rate() {
    let setup = setup();
    let now = TEN_O_CLOCK + 30 * 60_000;
    let stats = setup.stats(at(now));
    let expected: Vec<HourBucket> = (0..12)
        .map(|hour| HourBucket {
            start_ms: i64::try_from(TEN_O_CLOCK - (11 - hour) * HOUR).unwrap(),
            issued: 0,
            failed: 0,
        })
        .collect();
    assert_eq!(
        stats,
        AttendantStats {
            hours: expected,
            success_rate: None,
            queue: QueueCounts::default(),
            queue_depth: 0,
            failures_by_reason: Vec::new(),
            generated_at_ms: i64::try_from(now).unwrap(),
        }
    );
    // Something long before the window does not count either.
    setup.issued(TEN_O_CLOCK - 13 * HOUR);
    assert_eq!(setup.stats(at(now)).success_rate, None);
}

#[test]
fn issuances_count_in_the_hour_they_ended_with_the_edges_exact() {
    let setup = setup();
    let window_start = TEN_O_CLOCK - 11 * HOUR;
    setup.issued(window_start - 1); // just before the window: not counted
    setup.issued(window_start); // the first hour's first millisecond
    setup.issued(TEN_O_CLOCK - 1); // the last millisecond of 09:00
    setup.issued(TEN_O_CLOCK); // the current hour's first millisecond
    setup.issued(TEN_O_CLOCK + 5);
    setup.failed(TEN_O_CLOCK - 3 * HOUR, "service.badOrMissingField");
    setup.issued(TEN_O_CLOCK + HOUR); // after the current hour: not counted

    let stats = setup.stats(at(TEN_O_CLOCK + 10));
    let counts: Vec<(u64, u64)> = stats.hours.iter().map(|h| (h.issued, h.failed)).collect();
    let mut expected = vec![(0, 0); WINDOW_HOURS];
    expected[0] = (1, 0);
    expected[8] = (0, 1);
    expected[10] = (1, 0);
    expected[11] = (2, 0);
    assert_eq!(counts, expected);
    assert_eq!(stats.hours[11].start_ms, i64::try_from(TEN_O_CLOCK).unwrap());
    assert_eq!(stats.success_rate, Some(4.0 / 5.0));

    // On the hour itself, the hour starting now is the current one.
    let on_the_hour = setup.stats(at(TEN_O_CLOCK));
    assert_eq!(on_the_hour.hours[11].issued, 2);
    // An hour later, the window has moved on by one.
    let later = setup.stats(at(TEN_O_CLOCK + HOUR));
    assert_eq!(later.hours[10].issued, 2);
    assert_eq!(later.hours[11].issued, 1);
    assert_eq!(later.hours[0].issued, 0);
}

#[test]
fn failures_are_counted_by_reason_most_frequent_first() {
    let setup = setup();
    let now = TEN_O_CLOCK + 20 * 60_000;
    for hours_ago in [0, 2, 5] {
        setup.failed(TEN_O_CLOCK - hours_ago * HOUR + 1, "provider.unreachable");
    }
    setup.failed(TEN_O_CLOCK - 4 * HOUR, "service.badOrMissingField");
    setup.failed(TEN_O_CLOCK - 6 * HOUR, "service.badOrMissingField");
    setup.failed(TEN_O_CLOCK - HOUR, "flow.crashed");
    // A desk request nobody opened expires without a code.
    setup.flow("issuance", TEN_O_CLOCK + 1, Some(("expired", None)));
    // A remote issuance whose link expired unclaimed says so.
    setup.flow(
        REMOTE_ISSUANCE_KIND,
        TEN_O_CLOCK - 7 * HOUR,
        Some(("expired", Some("remote.expired"))),
    );
    setup.flow(
        REMOTE_ISSUANCE_KIND,
        TEN_O_CLOCK - 7 * HOUR,
        Some(("issued", None)),
    );
    // Neither successes nor failures: called off on purpose, waiting in the
    // queue, still on screen, and verifications at the door.
    setup.flow("issuance", TEN_O_CLOCK, Some(("cancelled", None)));
    setup.flow("issuance", TEN_O_CLOCK, Some(("queued", None)));
    setup.flow("issuance", TEN_O_CLOCK, None);
    setup.flow(
        "presentation",
        TEN_O_CLOCK,
        Some(("failed", Some("service.presentation_error"))),
    );
    setup.flow("presentation", TEN_O_CLOCK, Some(("verified", None)));

    let stats = setup.stats(at(now));
    assert_eq!(
        reasons(&stats),
        [
            ("provider.unreachable", 3),
            ("service.badOrMissingField", 2),
            ("flow.crashed", 1),
            ("flow.expired", 1),
            ("remote.expired", 1),
        ]
    );
    let failed: u64 = stats.hours.iter().map(|h| h.failed).sum();
    let issued: u64 = stats.hours.iter().map(|h| h.issued).sum();
    assert_eq!((issued, failed), (1, 8));
    assert_eq!(stats.hours[11].failed, 2);
    assert_eq!(stats.success_rate, Some(1.0 / 9.0));
}

#[test]
fn jobs_show_in_the_queue_counts_and_count_once_by_how_they_ended_last() {
    let setup = setup();
    let claims = megan_at_contoso();
    setup
        .queue
        .enqueue(remote_job("member", "sandbox", &claims, "megan@example.com"))
        .unwrap();
    setup
        .queue
        .enqueue(desk_job("member", "sandbox", &claims))
        .unwrap();
    let cancelled = setup
        .queue
        .enqueue(desk_job("member", "sandbox", &claims))
        .unwrap();
    setup.queue.cancel(&cancelled.job_id, Actor::Staff).unwrap();
    // Refused at the desk: a failure with the job's error code ...
    let refused = setup
        .queue
        .enqueue_at_desk(desk_job("member", "sandbox", &claims))
        .unwrap();
    let refusal = DeskOutcome::Failed {
        code: "service.badOrMissingField".into(),
        message: "the service refused a claim".into(),
    };
    setup.queue.finish_desk(&refused.job_id, refusal.clone()).unwrap();
    // ... and one refused, retried by staff and then issued is one issuance.
    let retried = setup
        .queue
        .enqueue_at_desk(desk_job("member", "sandbox", &claims))
        .unwrap();
    setup.queue.finish_desk(&retried.job_id, refusal).unwrap();
    setup.queue.retry(&retried.job_id, Actor::Staff).unwrap();
    setup.queue.begin_desk(&retried.job_id).unwrap();
    assert_eq!(
        setup
            .queue
            .finish_desk(&retried.job_id, DeskOutcome::Issued)
            .unwrap(),
        JobStatus::Done
    );

    let stats = setup.stats(SystemTime::now());
    assert_eq!(
        stats.queue,
        QueueCounts {
            queued: 2,
            done: 1,
            failed: 1,
            cancelled: 1,
            ..QueueCounts::default()
        }
    );
    assert_eq!(stats.queue_depth, 2);
    let issued: u64 = stats.hours.iter().map(|h| h.issued).sum();
    let failed: u64 = stats.hours.iter().map(|h| h.failed).sum();
    assert_eq!((issued, failed), (1, 1));
    assert_eq!(reasons(&stats), [("service.badOrMissingField", 1)]);
    assert_eq!(stats.success_rate, Some(0.5));
}
