//! Retention: an ended job keeps its photo, claims, contact and the
//! recipient's name for the grace period, then loses them; after the
//! retention period the history's claims go too, its rows (the counts)
//! stay; a job still open keeps what it needs to go out. The drain sweeps
//! by itself.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use station_core::config::StationConfig;
use station_core::queue::{
    spawn_drain, DeskOutcome, DrainConfig, DrainServices, JobStatus, PurgeReport, Queue, RetentionPolicy,
    RetrySchedule,
};
use station_core::secrets::MemoryStore;
use station_core::store::audit::{self, Actor};
use station_core::store::{Database, Durability, History, Record};
use station_testkit::queue::{desk_job, remote_job, wait_until};
use station_testkit::station::megan_at_contoso;

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(24 * 3600);

fn queue() -> (Queue, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &MemoryStore::default()).unwrap();
    (Queue::open(&database, RetrySchedule::default()).unwrap(), dir)
}

/// What the job row still holds: claims, photo, contact, recipient.
fn kept(queue: &Queue, job_id: &str) -> (bool, bool, bool, bool) {
    let connection = queue.database().connect(Durability::Normal).unwrap();
    connection
        .query_row(
            "SELECT claims IS NOT NULL, photo IS NOT NULL, contact IS NOT NULL, recipient IS NOT NULL FROM jobs WHERE job_id = ?1",
            [job_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .unwrap()
}

fn claims_in_history(queue: &Queue) -> BTreeMap<String, String> {
    let connection = queue.database().connect(Durability::Normal).unwrap();
    let mut statement = connection.prepare("SELECT flow_id, claims FROM flows").unwrap();
    let rows = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn details_go_after_the_grace_period_and_names_after_the_retention_period() {
    let (queue, _dir) = queue();
    let policy = RetentionPolicy {
        grace: HOUR,
        retention: 30 * DAY,
    };
    let claims = megan_at_contoso();
    let mut with_photo = desk_job("member", "vo", &claims);
    with_photo.photo = Some(vec![0xff, 0xd8, 0xff]);
    let issued = queue.enqueue(with_photo).unwrap().job_id;
    queue.begin_desk(&issued).unwrap();
    queue.finish_desk(&issued, DeskOutcome::Issued).unwrap();
    let cancelled = queue
        .enqueue(remote_job("member", "vo", &claims, "megan@example.com"))
        .unwrap()
        .job_id;
    queue.cancel(&cancelled, Actor::Staff).unwrap();
    let open = queue
        .enqueue(remote_job("member", "vo", &claims, "megan@example.com"))
        .unwrap()
        .job_id;
    // A desk flow of its own, not a job's.
    let history = History::open(queue.database()).unwrap();
    history.record(Record::FlowStarted {
        flow_id: "desk-flow".into(),
        kind: "issuance",
        template: "member".into(),
        service: "vo".into(),
        claims: r#"{"given_name":"Megan"}"#.into(),
        at: SystemTime::now(),
    });
    history.flush();

    let now = SystemTime::now();
    assert_eq!(
        queue.purge(now, policy, Actor::Station).unwrap(),
        PurgeReport::default()
    );
    assert_eq!(kept(&queue, &issued), (true, true, false, true));

    let report = queue.purge(now + 2 * HOUR, policy, Actor::Staff).unwrap();
    assert_eq!(report, PurgeReport { jobs: 2, history: 0 });
    assert_eq!(kept(&queue, &issued), (false, false, false, false));
    assert_eq!(kept(&queue, &cancelled), (false, false, false, false));
    assert_eq!(
        kept(&queue, &open),
        (true, false, true, true),
        "an open job keeps what it needs"
    );
    let purged = queue.get(&issued).unwrap();
    assert!(purged.purged);
    assert_eq!(purged.recipient, None);
    assert_eq!(purged.status, JobStatus::Done, "the job itself stays");
    let timeline = queue.timeline(&issued).unwrap();
    assert_eq!(
        timeline.last().unwrap().detail.as_deref(),
        Some("personal data deleted (retention)")
    );
    let retried = queue.retry(&cancelled, Actor::Staff).unwrap_err();
    assert_eq!(
        station_core::error::ErrorCode::code(&retried),
        "queue.wrong_state"
    );
    assert!(claims_in_history(&queue)
        .values()
        .all(|claims| claims.contains("Megan")));

    // Past the retention period the names leave the history; its rows stay.
    let report = queue.purge(now + 31 * DAY, policy, Actor::Station).unwrap();
    assert_eq!(report, PurgeReport { jobs: 0, history: 3 });
    let left = claims_in_history(&queue);
    assert_eq!(left.len(), 4, "every flow is still counted");
    assert_eq!(left[&issued], "");
    assert_eq!(left[&cancelled], "");
    assert_eq!(left["desk-flow"], "");
    assert!(
        left[&open].contains("Megan"),
        "the open job's flow keeps its claims"
    );
    assert_eq!(queue.counts().unwrap().queued, 1);

    let connection = queue.database().connect(Durability::Normal).unwrap();
    let purges: Vec<(String, Option<String>)> = audit::entries(&connection)
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == "purged")
        .map(|entry| (entry.actor, entry.detail))
        .collect();
    assert_eq!(
        purges.len(),
        2,
        "one entry per sweep that deleted something: {purges:?}"
    );
    assert_eq!(purges[0].0, "staff");
    assert!(
        purges[1].1.as_deref().unwrap().contains("3 history entries"),
        "{purges:?}"
    );
}

#[test]
fn a_purged_failed_job_cannot_be_sent_again() {
    let (queue, _dir) = queue();
    let job = queue
        .enqueue(desk_job("member", "vo", &megan_at_contoso()))
        .unwrap();
    queue.begin_desk(&job.job_id).unwrap();
    queue
        .finish_desk(
            &job.job_id,
            DeskOutcome::Failed {
                code: "service.userCanceled".into(),
                message: "declined".into(),
            },
        )
        .unwrap();
    let policy = RetentionPolicy {
        grace: Duration::ZERO,
        retention: DAY,
    };
    queue
        .purge(SystemTime::now() + Duration::from_secs(1), policy, Actor::Station)
        .unwrap();
    let error = queue.retry(&job.job_id, Actor::Staff).unwrap_err();
    assert_eq!(station_core::error::ErrorCode::code(&error), "queue.purged");
    assert!(error.to_string().contains("start a new issuance"), "{error}");
}

#[tokio::test]
async fn the_drain_sweeps_by_itself() {
    let (queue, _dir) = queue();
    let job = queue
        .enqueue(desk_job("member", "vo", &megan_at_contoso()))
        .unwrap();
    queue.begin_desk(&job.job_id).unwrap();
    queue.finish_desk(&job.job_id, DeskOutcome::Issued).unwrap();
    let config = DrainConfig {
        retention: RetentionPolicy {
            grace: Duration::ZERO,
            retention: DAY,
        },
        purge_every: Duration::from_millis(100),
        ..DrainConfig::default()
    };
    let station = StationConfig::from_toml("[station]\nuse_sandbox = true\n", "test").unwrap();
    let _drain = spawn_drain(
        queue.clone(),
        DrainServices::new(BTreeMap::new(), &station),
        config,
    );
    wait_until(&queue, &job.job_id, "purged", |job| job.purged).await;
}
