//! The drain: a background task that empties the queue by itself once the
//! network is back. It wakes when a job is queued and when the next job
//! falls due, and does, in this order while it has room (at most
//! `concurrency` network calls at once):
//!
//! 1. remote jobs that are due: claimed in batches (one transaction marks
//!    them `sending`), sent in one `createAsyncIssuanceRequest` per batch,
//!    each outcome committed: `sent`, queued again with backoff (the
//!    service unreachable or busy, `Retry-After` honoured), or `failed`
//!    (refused). A job that may already have reached the service is
//!    looked up by its id first ([`super::reconcile`]);
//! 2. sent jobs whose status check is due: `done`, `failed`, `cancelled`
//!    when the service says so, else asked again later, more slowly;
//! 3. desk jobs waiting for their service: one probe per service
//!    ([`Provider::check_access`]); when it answers they become `ready`
//!    and a [`QueueEvent::Ready`] calls the person to the desk.
//!
//! Now and then it applies the retention policy. Each run holds the drain
//! lock ([`super::lock`]) and starts by reconciling what a crash left.

mod claims;
mod follow;
mod send;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::lock::DrainLock;
use super::{Queue, RetentionPolicy, RetrySchedule};
use crate::config::{IssuanceTemplate, QueueConfig, StationConfig, Template};
use crate::provider::Provider;
use crate::store::audit::Actor;

/// How often a drain that cannot get the lock tries again.
const LOCK_RETRY: Duration = Duration::from_secs(2);
/// The longest the drain sleeps without looking at the queue, in case a
/// job was queued by another process (which cannot wake it).
const IDLE_LOOK: Duration = Duration::from_secs(30);
/// After the database refuses (disk full, say), wait this long.
const DATABASE_PAUSE: Duration = Duration::from_secs(1);
/// The shortest wait between looks: what is due but already in flight
/// does not make the loop spin (a call finishing wakes it anyway).
const MIN_WAIT: Duration = Duration::from_millis(50);
/// How long [`DrainHandle::stop`] lets calls in flight finish.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// How the drain works; [`DrainConfig::default`] suits a desk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrainConfig {
    /// Network calls in flight at once.
    pub concurrency: usize,
    /// Jobs per call that takes several (`createAsyncIssuanceRequest`),
    /// and per round of status checks.
    pub batch: usize,
    /// When to send (or probe) again after the service could not take it.
    pub retry: RetrySchedule,
    /// When to ask again where a sent job stands.
    pub status_poll: RetrySchedule,
    /// How long after a crash interrupted a send the service is asked
    /// whether the request arrived: long enough for a request that did
    /// arrive to be in its records.
    pub settle: Duration,
    /// A look-up asks for requests created from this long before the
    /// job's first attempt to this long after its last, for clocks that
    /// disagree and requests the service took a while to process.
    pub lookup_margin: Duration,
    pub retention: RetentionPolicy,
    pub purge_every: Duration,
}

impl Default for DrainConfig {
    fn default() -> Self {
        DrainConfig {
            concurrency: 4,
            batch: 50,
            retry: RetrySchedule::default(),
            status_poll: RetrySchedule::new(Duration::from_secs(30), Duration::from_secs(30 * 60)),
            settle: Duration::from_secs(30),
            lookup_margin: Duration::from_secs(2 * 60),
            retention: RetentionPolicy::default(),
            purge_every: Duration::from_secs(10 * 60),
        }
    }
}

impl From<&QueueConfig> for DrainConfig {
    fn from(config: &QueueConfig) -> Self {
        DrainConfig {
            concurrency: usize::try_from(config.concurrency).unwrap_or(1),
            batch: usize::try_from(config.batch_size).unwrap_or(1),
            retry: RetrySchedule::new(config.retry_first, config.retry_max),
            status_poll: RetrySchedule::new(config.status_poll, config.status_poll_max),
            settle: config.resend_check,
            retention: RetentionPolicy {
                grace: config.grace_period,
                retention: config.retention,
            },
            ..DrainConfig::default()
        }
    }
}

/// The services and templates the drain sends jobs with.
#[derive(Clone)]
pub struct DrainServices {
    providers: BTreeMap<String, Arc<dyn Provider>>,
    templates: BTreeMap<String, IssuanceTemplate>,
}

impl DrainServices {
    /// `providers` by service name; the issuance templates of `config`.
    pub fn new(providers: BTreeMap<String, Arc<dyn Provider>>, config: &StationConfig) -> DrainServices {
        let templates = config
            .templates
            .iter()
            .filter_map(|(name, template)| match template {
                Template::Issuance(template) => Some((name.clone(), template.clone())),
                Template::Presentation(_) => None,
            })
            .collect();
        DrainServices { providers, templates }
    }

    fn provider(&self, service: &str) -> Option<&Arc<dyn Provider>> {
        self.providers.get(service)
    }

    fn template(&self, name: &str) -> Option<&IssuanceTemplate> {
        self.templates.get(name)
    }
}

/// The running drain. Dropping it stops it at once; [`DrainHandle::stop`]
/// lets the calls in flight finish first.
pub struct DrainHandle {
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl DrainHandle {
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DrainHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Starts draining `queue` on the current tokio runtime.
pub fn spawn_drain(queue: Queue, services: DrainServices, config: DrainConfig) -> DrainHandle {
    // Before any desk flow of this station can start (the engine spawns
    // the drain first), so what reconcile finds older than this is a
    // crash's, not this station's.
    let started_ms = crate::store::millis(std::time::SystemTime::now());
    let (stop, stopped) = watch::channel(false);
    let drain = Drain {
        queue,
        services: Arc::new(services),
        config: Arc::new(config),
        permits: Arc::new(Semaphore::new(config.concurrency.max(1))),
        busy: Arc::default(),
    };
    DrainHandle {
        stop,
        task: Some(tokio::spawn(drain.run(stopped, started_ms))),
    }
}

/// One unit of network work, with the permit it holds while it runs.
enum Work {
    Send(claims::RemoteBatch),
    Poll(Vec<claims::SentJob>),
    Probe(claims::DeskProbe),
}

#[derive(Clone)]
struct Drain {
    queue: Queue,
    services: Arc<DrainServices>,
    config: Arc<DrainConfig>,
    permits: Arc<Semaphore>,
    /// The sent jobs being checked and the services being probed right
    /// now, so they are not taken twice. In memory: the drain lock makes
    /// this drain the only one, and a crash forgets nothing that matters.
    busy: Arc<std::sync::Mutex<HashSet<String>>>,
}

impl Drain {
    async fn run(self, mut stopped: watch::Receiver<bool>, started_ms: i64) {
        let Some(_lock) = self.lock(&mut stopped).await else {
            return;
        };
        let settle = self.config.settle;
        if let Err(error) = self
            .blocking(move |queue| queue.reconcile_after_restart(settle, started_ms))
            .await
        {
            tracing::error!(%error, "could not settle the jobs a stop left half-way");
        }
        let mut tasks = JoinSet::new();
        let mut next_purge = tokio::time::Instant::now();
        while !*stopped.borrow() {
            if tokio::time::Instant::now() >= next_purge {
                self.purge().await;
                next_purge = tokio::time::Instant::now() + self.config.purge_every;
            }
            let paused = self.dispatch(&mut tasks).await;
            let wait = if paused {
                DATABASE_PAUSE
            } else {
                self.until_next_due().await.max(MIN_WAIT)
            };
            let deadline = (tokio::time::Instant::now() + wait).min(next_purge);
            tokio::select! {
                () = self.queue.woken() => {}
                () = tokio::time::sleep_until(deadline) => {}
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                _ = stopped.changed() => {}
            }
        }
        // Let calls in flight commit their outcome rather than leave their
        // jobs to the next start's look-up.
        let _ = tokio::time::timeout(STOP_GRACE, async { while tasks.join_next().await.is_some() {} }).await;
    }

    /// Waits for the drain lock; `None` when stopped first.
    async fn lock(&self, stopped: &mut watch::Receiver<bool>) -> Option<DrainLock> {
        let dir = self.queue.database().path().parent()?.to_path_buf();
        let mut said = false;
        loop {
            match DrainLock::try_acquire(&dir) {
                Ok(Some(lock)) => return Some(lock),
                Ok(None) if !said => {
                    tracing::warn!(dir = %dir.display(), "another station is draining this queue; waiting for it to stop");
                    said = true;
                }
                Ok(None) => {}
                Err(error) => {
                    tracing::error!(%error, "cannot take the queue's drain lock; the queue is not drained");
                    return None;
                }
            }
            tokio::select! {
                () = tokio::time::sleep(LOCK_RETRY) => {}
                _ = stopped.changed() => return None,
            }
        }
    }

    /// Starts as much due work as there are free permits. Returns whether
    /// the database refused, so the loop pauses instead of spinning.
    async fn dispatch(&self, tasks: &mut JoinSet<()>) -> bool {
        loop {
            let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() else {
                return false;
            };
            let drain = self.clone();
            let claimed = self.blocking(move |queue| drain.claim_next(queue)).await;
            match claimed {
                Ok(Some(work)) => {
                    let drain = self.clone();
                    tasks.spawn(drain.perform(work, permit));
                }
                Ok(None) => return false,
                Err(error) => {
                    tracing::error!(%error, "the queue could not be read; trying again shortly");
                    return true;
                }
            }
        }
    }

    /// The next piece of work, claimed in the database, or none due.
    fn claim_next(&self, queue: &Queue) -> Result<Option<Work>, super::QueueError> {
        let now_ms = crate::store::millis(SystemTime::now());
        if let Some(batch) = queue.claim_remote_batch(now_ms, self.config.batch)? {
            return Ok(Some(Work::Send(batch)));
        }
        // Claims run one at a time (the loop awaits each), so the set read
        // here is still right when the claim is added to it; tasks only
        // remove what they finished.
        let busy = self.busy.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let polls = queue.due_status_polls(now_ms, self.config.batch, &busy)?;
        if !polls.is_empty() {
            self.mark_busy(polls.iter().map(|job| job.job_id.clone()));
            return Ok(Some(Work::Poll(polls)));
        }
        let probe = queue.due_desk_probe(now_ms, &busy)?;
        if let Some(probe) = &probe {
            self.mark_busy([probe.service.clone()]);
        }
        Ok(probe.map(Work::Probe))
    }

    fn mark_busy(&self, keys: impl IntoIterator<Item = String>) {
        self.busy.lock().unwrap_or_else(|e| e.into_inner()).extend(keys);
    }

    async fn perform(self, work: Work, _permit: OwnedSemaphorePermit) {
        let taken: Vec<String> = match &work {
            Work::Send(_) => Vec::new(),
            Work::Poll(jobs) => jobs.iter().map(|job| job.job_id.clone()).collect(),
            Work::Probe(probe) => vec![probe.service.clone()],
        };
        match work {
            Work::Send(batch) => send::send(&self, batch).await,
            Work::Poll(jobs) => follow::poll(&self, jobs).await,
            Work::Probe(probe) => follow::probe(&self, probe).await,
        }
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        for key in &taken {
            busy.remove(key);
        }
    }

    async fn until_next_due(&self) -> Duration {
        match self.blocking(|queue| queue.next_due_ms()).await {
            Ok(Some(due_ms)) => {
                let now_ms = crate::store::millis(SystemTime::now());
                let wait_ms = u64::try_from(due_ms.saturating_sub(now_ms)).unwrap_or(0);
                Duration::from_millis(wait_ms).min(IDLE_LOOK)
            }
            Ok(None) => IDLE_LOOK,
            Err(error) => {
                tracing::error!(%error, "the queue could not be read; trying again shortly");
                DATABASE_PAUSE
            }
        }
    }

    async fn purge(&self) {
        let policy = self.config.retention;
        let purged = self
            .blocking(move |queue| queue.purge(SystemTime::now(), policy, Actor::Station))
            .await;
        match purged {
            Ok(report) if report.jobs > 0 || report.history > 0 => {
                tracing::info!(
                    jobs = report.jobs,
                    history = report.history,
                    "deleted personal data past its time"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "the retention sweep failed; trying again later"),
        }
    }

    /// Runs a queue call off the async threads: it waits for the disk.
    async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Queue) -> Result<T, super::QueueError> + Send + 'static,
    ) -> Result<T, super::QueueError> {
        let queue = self.queue.clone();
        match tokio::task::spawn_blocking(move || call(&queue)).await {
            Ok(outcome) => outcome,
            Err(error) => Err(super::QueueError::Stopped {
                detail: error.to_string(),
            }),
        }
    }
}
