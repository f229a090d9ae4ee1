//! The outbox on a real (encrypted) database, without a network: a job and
//! its history and audit rows go in together, a roster person gets a
//! template once unless staff override, staff retry and cancel what the
//! status allows, and the desk takes a job and says how it ended.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::{Duration, SystemTime};

use station_core::error::ErrorCode;
use station_core::queue::{
    DeskOutcome, JobStatus, Queue, QueueError, RetrySchedule, RouteKind, REMOTE_ISSUANCE_KIND,
};
use station_core::secrets::MemoryStore;
use station_core::store::audit::{self, Actor};
use station_core::store::{millis, Database, Durability, History};
use station_testkit::queue::{desk_job, remote_job};
use station_testkit::station::megan_at_contoso;

struct Setup {
    queue: Queue,
    database: Database,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    let retry = RetrySchedule {
        jitter: false,
        ..RetrySchedule::new(Duration::from_secs(10), Duration::from_secs(60))
    };
    Setup {
        queue: Queue::open(&database, retry).unwrap(),
        database,
        _dir: dir,
    }
}

/// A roster person (the roster's own import is another module's concern).
fn roster_person(database: &Database) -> i64 {
    let connection = database.connect(Durability::Full).unwrap();
    connection
        .execute(
            "INSERT INTO roster_imports (source, template, people, at_ms) VALUES ('attendees.csv', 'member', 1, 0)",
            [],
        )
        .unwrap();
    let import = connection.last_insert_rowid();
    connection
        .execute(
            "INSERT INTO roster_people (import_id, claims, search_text) VALUES (?1, '{}', 'megan bowen')",
            [import],
        )
        .unwrap();
    connection.last_insert_rowid()
}

fn audit_actions(database: &Database) -> Vec<String> {
    let connection = database.connect(Durability::Normal).unwrap();
    audit::entries(&connection)
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect()
}

#[test]
fn a_job_goes_in_with_its_history_row_and_audit_entry() {
    let s = setup();
    let job = s
        .queue
        .enqueue(remote_job(
            "member",
            "vo",
            &megan_at_contoso(),
            "megan@example.com",
        ))
        .unwrap();
    assert!(uuid::Uuid::parse_str(&job.job_id).is_ok(), "{}", job.job_id);
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.route, RouteKind::Remote);
    assert_eq!(job.recipient.as_deref(), Some("Megan Bowen"));
    assert_eq!(job.attempts, 0);
    assert!(job
        .next_attempt_at_ms
        .is_some_and(|due| due <= millis(SystemTime::now())));
    assert_eq!(s.queue.get(&job.job_id).unwrap(), job);

    let timeline = s.queue.timeline(&job.job_id).unwrap();
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].status, JobStatus::Queued);
    assert_eq!(timeline[0].detail.as_deref(), Some("queued by staff"));

    let history = History::open(&s.database).unwrap();
    let flow = history.flow(&job.job_id).unwrap().expect("a history row");
    assert_eq!(flow.kind, REMOTE_ISSUANCE_KIND);
    assert!(flow.claims.contains("Contoso"), "{}", flow.claims);
    assert_eq!(flow.outcome, None);
    assert_eq!(audit_actions(&s.database), ["queued"]);

    let desk = s
        .queue
        .enqueue(desk_job("member", "vo", &megan_at_contoso()))
        .unwrap();
    assert_eq!(history.flow(&desk.job_id).unwrap().unwrap().kind, "issuance");
    let counts = s.queue.counts().unwrap();
    assert_eq!((counts.queued, counts.open()), (2, 2));
    let listed = s.queue.list(None, 10).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].job_id, desk.job_id, "newest first");
    assert_eq!(s.queue.list(Some(JobStatus::Queued), 1).unwrap().len(), 1);
    assert!(s.queue.list(Some(JobStatus::Done), 10).unwrap().is_empty());
}

#[test]
fn a_roster_person_gets_a_template_once_unless_staff_override() {
    let s = setup();
    let person = roster_person(&s.database);
    let for_person = |reason: Option<&str>| {
        let mut job = remote_job("member", "vo", &megan_at_contoso(), "megan@example.com");
        job.person_id = Some(person);
        job.override_reason = reason.map(str::to_owned);
        job
    };
    let first = s.queue.enqueue(for_person(None)).unwrap();
    let again = s.queue.enqueue(for_person(None)).unwrap_err();
    assert!(
        matches!(&again, QueueError::AlreadyIssued { job_id, person_id, .. } if *job_id == first.job_id && *person_id == person),
        "{again:?}"
    );
    assert_eq!(again.code(), "queue.already_issued");
    assert!(again.to_string().contains("override"), "says how: {again}");
    assert_eq!(s.queue.counts().unwrap().queued, 1, "nothing was written");

    let overridden = s.queue.enqueue(for_person(Some("badge lost"))).unwrap();
    assert_eq!(overridden.override_reason.as_deref(), Some("badge lost"));
    assert_eq!(audit_actions(&s.database), ["queued", "queued", "overridden"]);

    // A cancelled job no longer counts as issued.
    s.queue.cancel(&first.job_id, Actor::Staff).unwrap();
    let replacement = s.queue.enqueue(for_person(None)).unwrap();
    // And the cancelled one cannot come back while the replacement lives.
    let cancelled_back = s.queue.retry(&first.job_id, Actor::Staff).unwrap_err();
    assert_eq!(cancelled_back.code(), "queue.wrong_state");
    assert_eq!(
        s.queue.get(&replacement.job_id).unwrap().status,
        JobStatus::Queued
    );

    let mut nobody = for_person(None);
    nobody.person_id = Some(person + 1000);
    let unknown = s.queue.enqueue(nobody).unwrap_err();
    assert_eq!(unknown.code(), "queue.unknown_person", "{unknown}");
}

#[test]
fn staff_cancel_open_jobs_and_retry_failed_ones_as_the_status_allows() {
    let s = setup();
    let job = s
        .queue
        .enqueue(remote_job(
            "member",
            "vo",
            &megan_at_contoso(),
            "megan@example.com",
        ))
        .unwrap();
    let cancelled = s.queue.cancel(&job.job_id, Actor::Staff).unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert!(cancelled.ended_at_ms.is_some());
    assert_eq!(cancelled.next_attempt_at_ms, None);
    let twice = s.queue.cancel(&job.job_id, Actor::Staff).unwrap_err();
    assert!(
        matches!(
            twice,
            QueueError::WrongState {
                status: JobStatus::Cancelled,
                ..
            }
        ),
        "{twice:?}"
    );
    let history = History::open(&s.database).unwrap();
    assert_eq!(
        history.flow(&job.job_id).unwrap().unwrap().outcome.as_deref(),
        Some("cancelled")
    );

    let missing = s.queue.retry("no-such-job", Actor::Staff).unwrap_err();
    assert_eq!(missing.code(), "queue.not_found");
    assert!(missing.to_string().contains("station queue list"), "{missing}");

    // A desk job the desk could not issue fails; staff send it again.
    let desk = s
        .queue
        .enqueue(desk_job("member", "vo", &megan_at_contoso()))
        .unwrap();
    let queued_retry = s.queue.retry(&desk.job_id, Actor::Staff).unwrap_err();
    assert_eq!(queued_retry.code(), "queue.wrong_state");
    s.queue.begin_desk(&desk.job_id).unwrap();
    let at_desk_cancel = s.queue.cancel(&desk.job_id, Actor::Kiosk);
    assert!(at_desk_cancel.is_ok(), "an at-desk job can be called off");

    let desk = s
        .queue
        .enqueue(desk_job("member", "vo", &megan_at_contoso()))
        .unwrap();
    s.queue.begin_desk(&desk.job_id).unwrap();
    let failed = s
        .queue
        .finish_desk(
            &desk.job_id,
            DeskOutcome::Failed {
                code: "service.userCanceled".into(),
                message: "declined".into(),
            },
        )
        .unwrap();
    assert_eq!(failed, JobStatus::Failed);
    let job = s.queue.get(&desk.job_id).unwrap();
    assert_eq!(job.last_error.unwrap().code, "service.userCanceled");
    let retried = s.queue.retry(&desk.job_id, Actor::Staff).unwrap();
    assert_eq!(retried.status, JobStatus::Queued);
    assert_eq!(retried.ended_at_ms, None);
    assert_eq!(
        history.flow(&desk.job_id).unwrap().unwrap().outcome,
        None,
        "open again"
    );
    let actions = audit_actions(&s.database);
    assert_eq!(actions.iter().filter(|a| *a == "cancelled").count(), 2);
    assert_eq!(actions.last().map(String::as_str), Some("retried"));
}

#[test]
fn the_desk_takes_a_job_and_says_how_it_ended() {
    let s = setup();
    let mut new = desk_job("member", "vo", &megan_at_contoso());
    new.photo = Some(vec![0xff, 0xd8, 0xff, 0xe0]);
    let job = s.queue.enqueue(new).unwrap();

    let desk = s.queue.begin_desk(&job.job_id).unwrap();
    assert_eq!(desk.recipient, "Megan Bowen");
    assert_eq!(desk.claims, megan_at_contoso());
    assert_eq!(desk.photo.as_deref(), Some(&[0xff, 0xd8, 0xff, 0xe0][..]));
    assert_eq!(s.queue.get(&job.job_id).unwrap().status, JobStatus::AtDesk);
    let taken_twice = s.queue.begin_desk(&job.job_id).unwrap_err();
    assert_eq!(taken_twice.code(), "queue.wrong_state");

    // Offline at the desk: back in the queue, due after the backoff.
    let before = millis(SystemTime::now());
    let status = s
        .queue
        .finish_desk(
            &job.job_id,
            DeskOutcome::Unreachable {
                detail: "no connection: refused".into(),
            },
        )
        .unwrap();
    assert_eq!(status, JobStatus::Queued);
    let queued = s.queue.get(&job.job_id).unwrap();
    assert_eq!(queued.attempts, 1);
    let due = queued.next_attempt_at_ms.unwrap();
    assert!(
        (before + 10_000..=before + 11_000).contains(&due),
        "10 s backoff: {due} - {before}"
    );
    assert_eq!(queued.last_error.unwrap().code, "provider.unreachable");

    s.queue.begin_desk(&job.job_id).unwrap();
    assert_eq!(
        s.queue.finish_desk(&job.job_id, DeskOutcome::NotTaken).unwrap(),
        JobStatus::Ready
    );
    s.queue.begin_desk(&job.job_id).unwrap();
    assert_eq!(
        s.queue.finish_desk(&job.job_id, DeskOutcome::Issued).unwrap(),
        JobStatus::Done
    );
    let done = s.queue.get(&job.job_id).unwrap();
    assert_eq!(done.status, JobStatus::Done);
    assert_eq!(done.last_error, None);
    let again = s.queue.finish_desk(&job.job_id, DeskOutcome::Issued).unwrap_err();
    assert_eq!(again.code(), "queue.wrong_state");
    let history = History::open(&s.database).unwrap();
    assert_eq!(
        history.flow(&job.job_id).unwrap().unwrap().outcome.as_deref(),
        Some("issued")
    );
    let statuses: Vec<JobStatus> = s
        .queue
        .timeline(&job.job_id)
        .unwrap()
        .into_iter()
        .map(|event| event.status)
        .collect();
    use JobStatus::*;
    assert_eq!(statuses, [Queued, AtDesk, Queued, AtDesk, Ready, AtDesk, Done]);
    assert_eq!(
        audit_actions(&s.database).last().map(String::as_str),
        Some("issued")
    );

    // A remote job is not for the desk.
    let remote = s
        .queue
        .enqueue(remote_job(
            "member",
            "vo",
            &megan_at_contoso(),
            "megan@example.com",
        ))
        .unwrap();
    assert_eq!(
        s.queue.begin_desk(&remote.job_id).unwrap_err().code(),
        "queue.wrong_state"
    );
}

#[test]
fn statuses_and_counts_have_stable_names() {
    for status in JobStatus::ALL {
        assert_eq!(JobStatus::parse(status.name()), Some(status));
        assert_eq!(serde_json::to_value(status).unwrap(), status.name());
    }
    assert_eq!(JobStatus::parse("at_desk"), Some(JobStatus::AtDesk));
    let finals: Vec<JobStatus> = JobStatus::ALL.into_iter().filter(|s| s.is_final()).collect();
    assert_eq!(finals, [JobStatus::Done, JobStatus::Failed, JobStatus::Cancelled]);
    let counts = serde_json::to_value(station_core::queue::QueueCounts::default()).unwrap();
    assert_eq!(counts["atDesk"], 0, "{counts}");
}
