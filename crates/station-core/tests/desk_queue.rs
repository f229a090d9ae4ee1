//! Issuing at the desk through the outbox, against the sandbox over real
//! HTTP: every issuance is a job; with the service down it stays queued
//! with its claims and photo, comes back ready by itself when the service
//! answers again, and is issued from the queue; a roster person gets a
//! template once unless staff override.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed step is the test failing

use std::time::Duration;

use station_core::engine::Recipient;
use station_core::error::ErrorCode;
use station_core::flow::FlowState;
use station_core::queue::{JobStatus, NewJob, QueueEvent};
use station_core::store::audit::{self, Actor};
use station_core::store::Durability;
use station_core::EngineError;
use station_sandbox::{Sandbox, SandboxConfig, WalletClient};
use station_testkit::queue::desk_job;
use station_testkit::station::{megan, scan_and_accept, shown, station, Options, Station};

/// A station whose queue retries after a second, not minutes.
async fn quick_station() -> Station {
    station(Options {
        extra_toml: "[queue]\nretry_first_secs = 1\nretry_max_secs = 2\n".into(),
        ..Options::default()
    })
    .await
}

fn status(s: &Station, job_id: &str) -> JobStatus {
    s.engine.queue().get(job_id).unwrap().status
}

#[tokio::test]
async fn an_issuance_at_the_desk_is_a_job_that_ends_done() {
    let s = quick_station().await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    assert_eq!(
        status(&s, flow.id()),
        JobStatus::AtDesk,
        "the job is written before the request goes out"
    );
    let request = shown(&flow).await;
    let end = scan_and_accept(&s, &flow, &request).await;
    assert!(matches!(end, FlowState::Issued { .. }), "{end:?}");
    assert_eq!(status(&s, flow.id()), JobStatus::Done);
    s.engine.history().flush();
    let summary = s.engine.history().flow(flow.id()).unwrap().unwrap();
    assert_eq!(summary.outcome.as_deref(), Some("issued"));
}

#[tokio::test]
async fn a_walk_in_who_leaves_is_cancelled_not_called_back() {
    let s = quick_station().await;
    let flow = s.engine.issue("expert", &megan()).unwrap();
    shown(&flow).await;
    flow.cancel();
    assert_eq!(flow.finished().await, FlowState::Cancelled);
    // The job hears the end before the screen does.
    assert_eq!(status(&s, flow.id()), JobStatus::Cancelled);
}

#[tokio::test]
async fn with_the_service_down_the_issuance_queues_and_comes_back_ready_by_itself() {
    let Station {
        sandbox,
        engine,
        data_dir: _data_dir,
        ..
    } = quick_station().await;
    let address: std::net::SocketAddr = sandbox.base_url().trim_start_matches("http://").parse().unwrap();
    sandbox.shutdown().await;
    let mut events = engine.queue_events();

    let flow = engine.issue("expert", &megan()).unwrap();
    let FlowState::Queued { job_id, reason } = flow.finished().await else {
        panic!("an unreachable service queues the issuance")
    };
    assert_eq!(job_id, flow.id());
    assert_eq!(reason.code, "provider.unreachable");
    let job = engine.queue().get(&job_id).unwrap();
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.recipient.as_deref(), Some("Megan Bowen"));
    assert_eq!(
        job.last_error.as_ref().map(|e| e.code.as_str()),
        Some("provider.unreachable")
    );
    assert!(
        !engine.connectivity().unreachable().is_empty(),
        "the station knows it is offline"
    );

    // The service comes back on the same address: no one touches the station.
    let sandbox = Sandbox::start(SandboxConfig {
        bind: address,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let ready = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let QueueEvent::Ready {
                job_id: ready,
                recipient,
                ..
            } = events.recv().await.unwrap()
            {
                break (ready, recipient);
            }
        }
    })
    .await
    .expect("the drain finds the service again and calls the person back");
    assert_eq!(ready, (job_id.clone(), "Megan Bowen".to_owned()));
    assert_eq!(engine.queue().get(&job_id).unwrap().status, JobStatus::Ready);
    assert!(engine.connectivity().unreachable().is_empty());

    let flow = engine.start_queued(&job_id).unwrap();
    assert_eq!(flow.id(), job_id, "the job's id is the flow's");
    let request = shown(&flow).await;
    let body = sandbox.received(&request.request_id).unwrap();
    assert_eq!(
        body["claims"]["given_name"], "Megan",
        "the queued claims went out"
    );
    let wallet = WalletClient::new(&sandbox.base_url());
    wallet.open(&request.url).await.unwrap();
    let retrieved =
        station_testkit::station::wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    if let Some(pin) = retrieved.pin() {
        assert!(
            wallet
                .enter_pin(&request.request_id, pin.reveal())
                .await
                .unwrap()
                .accepted
        );
    }
    wallet.accept(&request.request_id).await.unwrap();
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
    assert_eq!(engine.queue().get(&job_id).unwrap().status, JobStatus::Done);
}

#[tokio::test]
async fn a_called_back_person_who_does_not_come_is_ready_again() {
    let s = quick_station().await;
    let job = s
        .engine
        .queue()
        .enqueue(desk_job("expert", "desk", &megan()))
        .unwrap();
    let flow = s.engine.start_queued(&job.job_id).unwrap();
    assert_eq!(status(&s, &job.job_id), JobStatus::AtDesk);
    shown(&flow).await;
    flow.cancel();
    flow.finished().await;
    assert_eq!(
        status(&s, &job.job_id),
        JobStatus::Ready,
        "called back again later, not dropped"
    );

    // A walk-in's screen let go of before the scan is not kept.
    let walk_in = s.engine.issue("expert", &megan()).unwrap();
    let walk_in_id = walk_in.id().to_owned();
    shown(&walk_in).await;
    drop(walk_in);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while status(&s, &walk_in_id) != JobStatus::Cancelled {
        assert!(
            std::time::Instant::now() < deadline,
            "the walk-in's job is cancelled"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const ROSTER: &str = "given_name,family_name,id\nMegan,Bowen,A-1\n";

/// Imports [`ROSTER`] for the `expert` template.
fn import_roster(s: &Station) {
    let station_core::config::Template::Issuance(template) = s.engine.config().template("expert").unwrap()
    else {
        unreachable!("expert is an issuance template")
    };
    let mapping = station_core::roster::ColumnMapping::parse(&["id=id"]).unwrap();
    let report = s
        .engine
        .roster()
        .import(ROSTER.as_bytes(), "attendees.csv", template, &mapping)
        .unwrap();
    assert_eq!(report.imported, 1, "{report:?}");
}

#[tokio::test]
async fn a_roster_person_gets_a_template_once_unless_staff_override() {
    let s = quick_station().await;
    import_roster(&s);
    let megan_row = s.engine.roster().search("meg", 5).unwrap().remove(0);
    let for_megan = Recipient {
        person_id: Some(megan_row.person_id),
        override_reason: None,
    };

    let first = s
        .engine
        .issue_to("expert", &megan_row.claims, None, for_megan.clone(), Actor::Staff)
        .unwrap();
    let request = shown(&first).await;
    assert!(matches!(
        scan_and_accept(&s, &first, &request).await,
        FlowState::Issued { .. }
    ));
    assert_eq!(
        s.engine.roster().search("meg", 5).unwrap()[0].issued_templates,
        ["expert"]
    );

    let again = s
        .engine
        .issue_to("expert", &megan_row.claims, None, for_megan.clone(), Actor::Staff)
        .err()
        .expect("the same person does not get the same template twice");
    assert_eq!(again.code(), "queue.already_issued", "{again}");
    assert!(matches!(again, EngineError::Queue(_)));

    let overridden = s
        .engine
        .issue_to(
            "expert",
            &megan_row.claims,
            None,
            Recipient {
                override_reason: Some("lost her phone".into()),
                ..for_megan
            },
            Actor::Staff,
        )
        .unwrap();
    let job = s.engine.queue().get(overridden.id()).unwrap();
    assert_eq!(job.override_reason.as_deref(), Some("lost her phone"));
    let log = audit::entries(&s.engine.database().connect(Durability::Normal).unwrap()).unwrap();
    assert!(
        log.iter()
            .any(|entry| entry.action == "overridden" && entry.subject.as_deref() == Some(overridden.id())),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_ready_job_is_found_by_searching_the_roster_at_a_kiosk() {
    let s = quick_station().await;
    import_roster(&s);
    let person = s.engine.roster().search("bowen", 5).unwrap().remove(0);
    assert!(person.ready_jobs.is_empty());
    let mut events = s.engine.queue_events();
    let job = s
        .engine
        .queue()
        .enqueue(NewJob {
            person_id: Some(person.person_id),
            ..desk_job("expert", "desk", &person.claims)
        })
        .unwrap();
    tokio::time::timeout(Duration::from_secs(20), async {
        while !matches!(events.recv().await.unwrap(), QueueEvent::Ready { .. }) {}
    })
    .await
    .expect("the drain finds the service answering and makes the job ready");
    let found = s.engine.roster().search("meg bo", 5).unwrap().remove(0);
    assert_eq!(found.ready_jobs.len(), 1, "{found:?}");
    assert_eq!(found.ready_jobs[0].job_id, job.job_id);
    assert_eq!(found.ready_jobs[0].template, "expert");
    let flow = s.engine.start_queued(&found.ready_jobs[0].job_id).unwrap();
    shown(&flow).await;
    assert!(
        s.engine.roster().search("meg", 5).unwrap()[0]
            .ready_jobs
            .is_empty(),
        "at the desk now"
    );
}
