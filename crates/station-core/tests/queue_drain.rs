//! The drain against the sandbox over loopback HTTP: jobs queued while the
//! service is away go out by themselves when it returns; a cancelled job
//! never reaches it; a busy service is asked again no sooner than it said;
//! one refused job in a batch fails alone; sent jobs end when the service
//! says so; desk jobs become ready when their service answers again.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::json;
use station_core::config::StationConfig;
use station_core::queue::{JobStatus, Queue, QueueError, QueueEvent, RetrySchedule};
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::store::audit::Actor;
use station_core::store::{millis, Database};
use station_core::Engine;
use station_sandbox::{Endpoint, Fault, Sandbox, SandboxConfig, WalletClient};
use station_testkit::config::StationToml;
use station_testkit::orchestration as vo;
use station_testkit::queue::{desk_job, remote_job, wait_for, wait_until, FAST_QUEUE};
use station_testkit::station::{megan_at_contoso, orchestration_options};

/// A template whose contract the sandbox does not have: the service refuses it.
const NOWHERE: &str = r#"
[templates.nowhere]
service = "vo"
credential_type = "EventBadge"
contract_id = "c0000000-0000-4000-8000-0000000000ff"
claims = [ { name = "given_name", required = true }, { name = "family_name", required = true }, { name = "company", required = true } ]
"#;

/// A station whose Verified Orchestration service `vo` is at `base_url`
/// (running or not), with the fast `[queue]`.
struct Desk {
    config: StationConfig,
    secrets: Arc<MemoryStore>,
    dir: tempfile::TempDir,
}

impl Desk {
    fn at(base_url: &str) -> Desk {
        let options = orchestration_options("subscription");
        let file = StationToml::new(base_url)
            .extra(&options.extra_toml)
            .extra(NOWHERE)
            .extra(FAST_QUEUE);
        let secrets = MemoryStore::default();
        for (service, secret) in &options.extra_secrets {
            secrets.set(service, &Secret::new(secret.clone())).unwrap();
        }
        Desk {
            config: StationConfig::from_toml(&file.text(), "test config").unwrap(),
            secrets: Arc::new(secrets),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    async fn start(&self) -> Engine {
        Engine::start(self.config.clone(), self.secrets.clone(), self.dir.path())
            .await
            .unwrap()
    }

    /// The queue of the station's database, before any station runs on it.
    fn queue(&self) -> Queue {
        let database = Database::open(self.dir.path(), self.secrets.as_ref()).unwrap();
        Queue::open(&database, RetrySchedule::default()).unwrap()
    }
}

fn loopback(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

async fn sandbox_on(port: u16) -> Sandbox {
    station_testkit::sandbox::start_with(SandboxConfig {
        bind: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        ..SandboxConfig::default()
    })
    .await
}

async fn issue(engine: &Engine, template: &str) -> String {
    engine
        .issue_remotely(
            template,
            &megan_at_contoso(),
            station_core::provider::RemoteContact::Email("megan@example.com".into()),
            station_core::provider::RemoteExpiry::OneWeek,
            None,
        )
        .await
        .unwrap()
        .job_id
}

#[tokio::test]
async fn jobs_queued_while_the_service_is_away_go_out_when_it_returns() {
    let port = station_testkit::net::free_port();
    let desk = Desk::at(&loopback(port));
    let engine = desk.start().await;
    let job_id = issue(&engine, "member").await;
    let waiting = wait_until(engine.queue(), &job_id, "tried and queued again", |job| {
        job.status == JobStatus::Queued && job.attempts >= 1
    })
    .await;
    let error = waiting.last_error.expect("why it waits");
    assert_eq!(error.code, "provider.unreachable", "{error:?}");
    assert!(error.message.contains("no connection"), "{}", error.message);

    let sandbox = sandbox_on(port).await;
    let sent = wait_for(engine.queue(), &job_id, &[JobStatus::Sent]).await;
    assert_eq!(sent.last_error, None);
    let counts = sandbox.orchestration_counts();
    assert_eq!(counts[&job_id].remote_issuances, 1, "{counts:?}");
    let notified = sandbox.orchestration_notifications();
    assert_eq!(notified.len(), 1);
    assert_eq!(
        Some(&notified[0].async_issuance_request_id),
        sent.remote_id.as_ref()
    );
}

#[tokio::test]
async fn a_cancelled_job_never_reaches_the_service() {
    let port = station_testkit::net::free_port();
    let desk = Desk::at(&loopback(port));
    let engine = desk.start().await;
    let cancelled = issue(&engine, "member").await;
    let kept = issue(&engine, "member").await;
    // While an attempt is in flight the job cannot be cancelled; staff
    // (and this test) try again a moment later.
    loop {
        match engine.queue().cancel(&cancelled, Actor::Staff) {
            Ok(job) => break assert_eq!(job.status, JobStatus::Cancelled),
            Err(QueueError::WrongState {
                status: JobStatus::Sending,
                ..
            }) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(other) => panic!("{other:?}"),
        }
    }

    let sandbox = sandbox_on(port).await;
    wait_for(engine.queue(), &kept, &[JobStatus::Sent]).await;
    // Two more retry periods: nothing brings the cancelled one back.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        engine.queue().get(&cancelled).unwrap().status,
        JobStatus::Cancelled
    );
    let counts = sandbox.orchestration_counts();
    assert!(!counts.contains_key(&cancelled), "{counts:?}");
    assert_eq!(counts[&kept].remote_issuances, 1);
    let sent_after_cancel = engine
        .queue()
        .timeline(&cancelled)
        .unwrap()
        .into_iter()
        .skip_while(|event| event.status != JobStatus::Cancelled)
        .any(|event| event.status == JobStatus::Sending);
    assert!(!sent_after_cancel);
}

#[tokio::test]
async fn a_busy_service_is_asked_again_no_sooner_than_it_said() {
    let sandbox = station_testkit::sandbox::start().await;
    sandbox.inject_faults(Endpoint::OrchestrationGraphql, vec![Fault::too_many_requests(3)]);
    let desk = Desk::at(&sandbox.base_url());
    let engine = desk.start().await;
    let asked_at = millis(SystemTime::now());
    let job_id = issue(&engine, "member").await;
    let waiting = wait_until(engine.queue(), &job_id, "throttled", |job| {
        job.attempts >= 1 && job.status == JobStatus::Queued
    })
    .await;
    assert_eq!(waiting.last_error.unwrap().code, "provider.busy");
    let due = waiting.next_attempt_at_ms.unwrap();
    assert!(
        due >= asked_at + 3_000,
        "Retry-After honoured: due {} ms later",
        due - asked_at
    );

    let sent = wait_for(engine.queue(), &job_id, &[JobStatus::Sent]).await;
    assert!(sent.updated_at_ms >= asked_at + 3_000);
    assert_eq!(sent.attempts, 2);
    assert_eq!(sandbox.orchestration_counts()[&job_id].remote_issuances, 1);
}

#[tokio::test]
async fn one_refused_job_in_a_batch_fails_alone_and_the_others_go_out() {
    let sandbox = station_testkit::sandbox::start().await;
    let desk = Desk::at(&sandbox.base_url());
    // Queued before the station starts, so its drain sends them in one call.
    let queue = desk.queue();
    let claims = megan_at_contoso();
    let good: Vec<String> = (0..2)
        .map(|_| {
            queue
                .enqueue(remote_job("member", "vo", &claims, "megan@example.com"))
                .unwrap()
                .job_id
        })
        .collect();
    let bad = queue
        .enqueue(remote_job("nowhere", "vo", &claims, "megan@example.com"))
        .unwrap()
        .job_id;
    drop(queue);

    let engine = desk.start().await;
    let failed = wait_for(engine.queue(), &bad, &[JobStatus::Failed]).await;
    let error = failed.last_error.unwrap();
    assert_eq!(error.code, "provider.rejected");
    assert!(error.message.contains("contractId"), "{}", error.message);
    for job_id in &good {
        let sent = wait_for(engine.queue(), job_id, &[JobStatus::Sent]).await;
        assert_eq!(sent.attempts, 2, "held back once for the refused one, then sent");
    }
    let counts = sandbox.orchestration_counts();
    assert_eq!(counts.len(), 2, "{counts:?}");
    assert!(good.iter().all(|id| counts[id].remote_issuances == 1));
}

#[tokio::test]
async fn sent_jobs_end_when_the_recipient_claims_or_the_service_cancels() {
    let sandbox = station_testkit::sandbox::start().await;
    let desk = Desk::at(&sandbox.base_url());
    let engine = desk.start().await;
    let claimed = issue(&engine, "member").await;
    let called_off = issue(&engine, "member").await;
    let claimed_job = wait_for(engine.queue(), &claimed, &[JobStatus::Sent]).await;
    let called_off_job = wait_for(engine.queue(), &called_off, &[JobStatus::Sent]).await;

    let link = sandbox
        .orchestration_notifications()
        .into_iter()
        .find(|n| Some(&n.async_issuance_request_id) == claimed_job.remote_id.as_ref())
        .unwrap()
        .link;
    vo::redeem(&WalletClient::new(&sandbox.base_url()), &link).await;
    let token = vo::token(&sandbox).await;
    let cancelled = vo::graphql(
        &sandbox,
        Some(&token),
        "mutation C($id: UUID!) { cancelAsyncIssuanceRequest(asyncIssuanceRequestId: $id) { status } }",
        json!({"id": called_off_job.remote_id}),
    )
    .await;
    assert_eq!(
        cancelled["data"]["cancelAsyncIssuanceRequest"]["status"], "cancelled",
        "{cancelled}"
    );

    let done = wait_for(engine.queue(), &claimed, &[JobStatus::Done]).await;
    assert!(done.ended_at_ms.is_some());
    wait_for(engine.queue(), &called_off, &[JobStatus::Cancelled]).await;
    let history = engine.history();
    assert_eq!(
        history.flow(&claimed).unwrap().unwrap().outcome.as_deref(),
        Some("issued")
    );
    assert_eq!(
        history.flow(&called_off).unwrap().unwrap().outcome.as_deref(),
        Some("cancelled")
    );
    assert_eq!(sandbox.orchestration_counts()[&claimed].credentials_issued, 1);
}

#[tokio::test]
async fn a_desk_job_is_ready_when_its_service_answers_again() {
    let port = station_testkit::net::free_port();
    let desk = Desk::at(&loopback(port));
    let engine = desk.start().await;
    let mut events = engine.queue_events();
    let queue = engine.queue().clone();
    let job =
        tokio::task::spawn_blocking(move || queue.enqueue(desk_job("member", "vo", &megan_at_contoso())))
            .await
            .unwrap()
            .unwrap();
    let probed = wait_until(engine.queue(), &job.job_id, "probed in vain", |job| {
        job.attempts >= 1
    })
    .await;
    assert_eq!(probed.status, JobStatus::Queued);
    assert_eq!(probed.last_error.unwrap().code, "provider.unreachable");

    let _sandbox = sandbox_on(port).await;
    let ready = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let QueueEvent::Ready {
                job_id,
                recipient,
                template,
            } = events.recv().await.unwrap()
            {
                return (job_id, recipient, template);
            }
        }
    })
    .await
    .expect("a Ready event");
    assert_eq!(
        ready,
        (job.job_id.clone(), "Megan Bowen".to_owned(), "member".to_owned())
    );
    let job = engine.queue().get(&job.job_id).unwrap();
    assert_eq!(job.status, JobStatus::Ready);
    assert_eq!(job.last_error, None);
}
