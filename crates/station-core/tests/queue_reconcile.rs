//! After a crash: a job left `sending` is looked up at the service by its
//! id instead of being sent again — found, it is `sent` with the service's
//! id; not found, it is sent once; where the service cannot be asked, it
//! waits `uncertain` for staff. Desk jobs left at the desk are settled from
//! the history. One drain at a time holds the queue.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use station_core::config::{IssuanceTemplate, ServiceKind, StationConfig, Template};
use station_core::provider::orchestration::OrchestrationProvider;
use station_core::provider::{
    CallbackTicket, CreatedRequest, IssuanceSpec, Provider, ProviderError, RemoteCreation,
    RemoteIssuanceSpec, RemoteStatus,
};
use station_core::queue::{spawn_drain, DrainConfig, DrainServices, JobStatus, Queue, RetrySchedule};
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::store::audit::Actor;
use station_core::store::{millis, Database, Durability};
use station_sandbox::Sandbox;
use station_testkit::config::StationToml;
use station_testkit::queue::{desk_job, remote_job, wait_for, FAST_QUEUE};
use station_testkit::station::{megan_at_contoso, orchestration_options};

struct Setup {
    sandbox: Sandbox,
    config: StationConfig,
    secrets: Arc<MemoryStore>,
    dir: tempfile::TempDir,
    queue: Queue,
}

async fn setup() -> Setup {
    let sandbox = station_testkit::sandbox::start().await;
    let options = orchestration_options("subscription");
    let file = StationToml::new(&sandbox.base_url())
        .extra(&options.extra_toml)
        .extra(FAST_QUEUE);
    let secrets = MemoryStore::default();
    for (service, secret) in &options.extra_secrets {
        secrets.set(service, &Secret::new(secret.clone())).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open(dir.path(), &secrets).unwrap();
    Setup {
        sandbox,
        config: StationConfig::from_toml(&file.text(), "test config").unwrap(),
        queue: Queue::open(&database, RetrySchedule::default()).unwrap(),
        secrets: Arc::new(secrets),
        dir,
    }
}

impl Setup {
    fn vo(&self) -> Arc<OrchestrationProvider> {
        let ServiceKind::Orchestration(vo) = &self.config.services["vo"].kind else {
            panic!("vo is a Verified Orchestration service")
        };
        Arc::new(OrchestrationProvider::new(
            "vo",
            vo.clone(),
            reqwest::Client::new(),
            self.secrets.clone(),
        ))
    }

    fn member(&self) -> &IssuanceTemplate {
        match self.config.template("member") {
            Some(Template::Issuance(template)) => template,
            _ => panic!("member is an issuance template"),
        }
    }

    /// A remote job, then what a crash mid-send leaves: `sending`, a
    /// request that may have gone out.
    fn job_left_sending(&self) -> String {
        let job = self
            .queue
            .enqueue(remote_job(
                "member",
                "vo",
                &megan_at_contoso(),
                "megan@example.com",
            ))
            .unwrap();
        let connection = self.queue.database().connect(Durability::Full).unwrap();
        connection
            .execute(
                "UPDATE jobs SET status = 'sending', maybe_sent = 1, attempts = 1, first_attempt_ms = ?2, updated_at_ms = ?2
                 WHERE job_id = ?1",
                rusqlite::params![job.job_id, millis(SystemTime::now())],
            )
            .unwrap();
        job.job_id
    }

    fn drain_with(&self, providers: BTreeMap<String, Arc<dyn Provider>>) -> station_core::queue::DrainHandle {
        let mut config = DrainConfig::from(&self.config.queue);
        config.settle = Duration::ZERO;
        spawn_drain(
            self.queue.clone(),
            DrainServices::new(providers, &self.config),
            config,
        )
    }

    fn remote_issuances(&self, job_id: &str) -> u64 {
        self.sandbox
            .orchestration_counts()
            .get(job_id)
            .map_or(0, |counts| counts.remote_issuances)
    }
}

fn details(queue: &Queue, job_id: &str) -> Vec<String> {
    queue
        .timeline(job_id)
        .unwrap()
        .into_iter()
        .filter_map(|event| event.detail)
        .collect()
}

#[tokio::test]
async fn a_request_the_service_took_before_the_crash_is_found_not_sent_again() {
    let s = setup().await;
    let job_id = s.job_left_sending();
    // The request reached the service; the station died before the answer.
    let claims = megan_at_contoso();
    let spec = RemoteIssuanceSpec {
        template: s.member(),
        claims: &claims,
        contact: station_core::provider::RemoteContact::Email("megan@example.com".into()),
        expiry: station_core::provider::RemoteExpiry::OneWeek,
        photo: None,
        correlation: &job_id,
    };
    let created = s
        .vo()
        .create_remote_issuances(std::slice::from_ref(&spec))
        .await
        .unwrap();
    let [RemoteCreation::Created(remote)] = created.as_slice() else {
        panic!("{created:?}")
    };

    // The next start, on the same data directory.
    let engine = station_core::Engine::start(s.config.clone(), s.secrets.clone(), s.dir.path())
        .await
        .unwrap();
    let sent = wait_for(engine.queue(), &job_id, &[JobStatus::Sent]).await;
    assert_eq!(sent.remote_id.as_ref(), Some(&remote.id));
    assert_eq!(s.remote_issuances(&job_id), 1, "not sent again");
    let said = details(engine.queue(), &job_id);
    assert!(
        said.iter().any(|d| d.contains("stopped while sending")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|d| d.contains("found at the service")),
        "{said:?}"
    );
    let history = engine.history().timeline(&job_id).unwrap();
    assert_eq!(history[0].request_id, remote.id);
}

#[tokio::test]
async fn a_request_that_never_left_is_sent_once_after_the_crash() {
    let s = setup().await;
    let job_id = s.job_left_sending();
    let vo: Arc<dyn Provider> = s.vo();
    let _drain = s.drain_with(BTreeMap::from([("vo".to_owned(), vo)]));
    let sent = wait_for(&s.queue, &job_id, &[JobStatus::Sent]).await;
    assert_eq!(sent.attempts, 2);
    assert_eq!(s.remote_issuances(&job_id), 1);
    let said = details(&s.queue, &job_id);
    assert!(
        said.iter()
            .any(|d| d.contains("asking the service whether it arrived")),
        "{said:?}"
    );
}

/// Verified Orchestration without its look-up, as a service that cannot
/// be asked what it created.
struct NoLookUp(Arc<OrchestrationProvider>);

#[async_trait]
impl Provider for NoLookUp {
    async fn create_issuance(
        &self,
        spec: &IssuanceSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        self.0.create_issuance(spec, callback).await
    }

    async fn check_access(&self) -> Result<(), ProviderError> {
        self.0.check_access().await
    }

    fn issues_remotely(&self) -> bool {
        true
    }

    async fn create_remote_issuances(
        &self,
        specs: &[RemoteIssuanceSpec<'_>],
    ) -> Result<Vec<RemoteCreation>, ProviderError> {
        self.0.create_remote_issuances(specs).await
    }

    async fn remote_issuance_status(&self, id: &str) -> Result<RemoteStatus, ProviderError> {
        self.0.remote_issuance_status(id).await
    }
}

#[tokio::test]
async fn where_the_service_cannot_be_asked_the_job_waits_uncertain_for_staff() {
    let s = setup().await;
    let job_id = s.job_left_sending();
    let provider: Arc<dyn Provider> = Arc::new(NoLookUp(s.vo()));
    let _drain = s.drain_with(BTreeMap::from([("vo".to_owned(), provider)]));
    let uncertain = wait_for(&s.queue, &job_id, &[JobStatus::Uncertain]).await;
    assert_eq!(uncertain.next_attempt_at_ms, None, "never resent by itself");
    assert_eq!(uncertain.last_error.unwrap().code, "queue.uncertain");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(s.remote_issuances(&job_id), 0);

    // Staff checked with the service: it never arrived. Send it.
    s.queue.retry(&job_id, Actor::Staff).unwrap();
    wait_for(&s.queue, &job_id, &[JobStatus::Sent]).await;
    assert_eq!(s.remote_issuances(&job_id), 1);
}

#[tokio::test]
async fn desk_jobs_left_at_the_desk_are_settled_from_the_history() {
    let s = setup().await;
    let at_desk = |_: usize| {
        let job = s
            .queue
            .enqueue(desk_job("member", "vo", &megan_at_contoso()))
            .unwrap();
        s.queue.begin_desk(&job.job_id).unwrap();
        job.job_id
    };
    let (issued, untouched, shown) = (at_desk(0), at_desk(1), at_desk(2));
    let connection = s.queue.database().connect(Durability::Full).unwrap();
    connection
        .execute(
            "UPDATE flows SET outcome = 'issued' WHERE flow_id = ?1",
            [&issued],
        )
        .unwrap();
    connection
        .execute(
            "INSERT INTO requests (request_id, flow_id, url, created_at_ms, expires_at_ms) VALUES ('r-1', ?1, 'openid-vc://x', 0, 0)",
            [&shown],
        )
        .unwrap();

    let _drain = s.drain_with(BTreeMap::new());
    wait_for(&s.queue, &issued, &[JobStatus::Done]).await;
    wait_for(&s.queue, &untouched, &[JobStatus::Ready]).await;
    let uncertain = wait_for(&s.queue, &shown, &[JobStatus::Uncertain]).await;
    assert_eq!(uncertain.next_attempt_at_ms, None);
    assert!(details(&s.queue, &shown)
        .iter()
        .any(|d| d.contains("retry or cancel")));
}

#[tokio::test]
async fn one_drain_at_a_time_holds_the_queue() {
    let s = setup().await;
    let vo: Arc<dyn Provider> = s.vo();
    let providers = BTreeMap::from([("vo".to_owned(), vo)]);
    let first = s.drain_with(providers.clone());
    // Let the first take the lock and settle (nothing to settle yet).
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A job "in flight" for the first drain: a second drain starting now
    // must not take it for a crash's leftover.
    let job_id = s.job_left_sending();
    let _second = s.drain_with(providers);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(s.queue.get(&job_id).unwrap().status, JobStatus::Sending);

    first.stop().await;
    // The second gets the lock, settles the job and sends it once.
    wait_for(&s.queue, &job_id, &[JobStatus::Sent]).await;
    assert_eq!(s.remote_issuances(&job_id), 1);
}
