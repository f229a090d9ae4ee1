//! The outbox in tests: a `[queue]` table that drains in seconds, remote
//! jobs to queue, and waiting (bounded) for a job to get somewhere.

use std::time::Duration;

use station_core::provider::{Claims, RemoteContact, RemoteExpiry};
use station_core::queue::{Job, JobStatus, NewJob, Queue, Route};
use station_core::store::audit::Actor;

/// A `[queue]` that retries after a second, asks where sent jobs stand
/// every second and looks a crash-interrupted job up at once, so a test
/// sees the drain act within a few seconds.
pub const FAST_QUEUE: &str = "
[queue]
retry_first_secs = 1
retry_max_secs = 2
status_poll_secs = 1
status_poll_max_secs = 1
resend_check_secs = 0
";

/// How long a test waits for a job before failing.
pub const JOB_WAIT: Duration = Duration::from_secs(30);

/// A remote job of `template` on `service`, to `email`.
pub fn remote_job(template: &str, service: &str, claims: &Claims, email: &str) -> NewJob {
    NewJob {
        template: template.to_owned(),
        service: service.to_owned(),
        route: Route::Remote {
            contact: RemoteContact::Email(email.to_owned()),
            expiry: RemoteExpiry::OneWeek,
        },
        person_id: None,
        claims: claims.clone(),
        photo: None,
        recipient: station_core::provider::recipient_name(claims),
        override_reason: None,
        actor: Actor::Staff,
    }
}

/// A desk job of `template` on `service`.
pub fn desk_job(template: &str, service: &str, claims: &Claims) -> NewJob {
    NewJob {
        route: Route::Desk,
        ..remote_job(template, service, claims, "unused@example.com")
    }
}

/// Waits until job `job_id` is in one of `wanted`; fails the test with
/// where it is after [`JOB_WAIT`].
pub async fn wait_for(queue: &Queue, job_id: &str, wanted: &[JobStatus]) -> Job {
    let deadline = tokio::time::Instant::now() + JOB_WAIT;
    loop {
        let job = queue.get(job_id).expect("the job is in the queue");
        if wanted.contains(&job.status) {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {job_id} never became {wanted:?}; it is {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `check` holds for job `job_id`.
pub async fn wait_until(queue: &Queue, job_id: &str, what: &str, check: impl Fn(&Job) -> bool) -> Job {
    let deadline = tokio::time::Instant::now() + JOB_WAIT;
    loop {
        let job = queue.get(job_id).expect("the job is in the queue");
        if check(&job) {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {job_id} never got to '{what}'; it is {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
