//! The outbox: issuances that could not go out at once wait here, in the
//! station's database, until they can. A job is written in the same
//! transaction as its history row and audit entry (synchronous = FULL), so
//! a job staff saw queued survives a crash or a power cut, and its id — a
//! UUID, the idempotency key — goes to the service with it (the remote
//! issuance's identity identifier), so that after a crash the station can
//! ask the service what became of it instead of sending it again.
//!
//! # Statuses
//!
//! - `queued`: waiting; the drain acts at `next_attempt_ms` (sends a remote
//!   job, probes a desk job's service). Staff may cancel it.
//! - `sending`: a network call for it may be in flight. Committed *before*
//!   the call, in the transaction that checks the job is still queued, so
//!   a job cancelled a moment earlier is never sent, and a crash leaves
//!   the mark: at the next start the job is queued again with `maybe_sent`
//!   set, and the service is asked for it (by its id) before it is sent
//!   again.
//! - `sent` (remote): the service accepted it; `remote_id` is kept, and
//!   the drain asks now and then whether the recipient claimed it.
//! - `ready` (desk): the service answers again; the window calls the
//!   person ("ready: call Megan Bowen").
//! - `at_desk` (desk): being issued on screen ([`Queue::begin_desk`]).
//! - `uncertain`: a request may have reached the recipient's wallet and
//!   the service cannot say: staff decide (retry or cancel). Never resent
//!   by itself.
//! - final: `done` (issued), `failed` (refused; staff may retry),
//!   `cancelled` (never goes out).
//!
//! Every change appends a `job_events` row in the same transaction.
//!
//! The queue's calls block on the database (a FULL commit waits for the
//! disk): async code calls them through `spawn_blocking`, as the drain does.

mod backoff;
mod checkpoint;
mod desk;
pub mod drain;
mod error;
mod issued;
mod job;
mod jobs;
mod lock;
mod reconcile;
mod retention;
mod staff;
mod transition;

use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;
use tokio::sync::{broadcast, Notify};

pub use backoff::RetrySchedule;
pub use drain::{spawn_drain, DrainConfig, DrainHandle, DrainServices};
pub use error::QueueError;
pub use issued::IssuedRecipient;
pub use job::{
    DeskJob, DeskOutcome, Job, JobError, JobEvent, JobStatus, NewJob, QueueCounts, Route, RouteKind,
};
pub use retention::{PurgeReport, RetentionPolicy};

use crate::store::{Database, Durability};

/// The history's `kind` of a remote issuance (desk flows are `issuance`
/// and `presentation`).
pub const REMOTE_ISSUANCE_KIND: &str = "remote_issuance";

/// How many events a slow listener may fall behind before it misses some
/// (it then reads the counts again; nothing is lost in the database).
const EVENT_BUFFER: usize = 256;

/// What the queue tells front ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum QueueEvent {
    /// Jobs changed; read the list and counts again.
    Changed,
    /// A desk job can be issued now: call the person.
    Ready {
        job_id: String,
        recipient: String,
        template: String,
    },
}

/// The queue in one station database. Cheap to clone; every clone shares
/// one writer connection (synchronous = FULL) and one reader.
#[derive(Clone)]
pub struct Queue {
    inner: Arc<Inner>,
}

struct Inner {
    database: Database,
    writer: Mutex<Connection>,
    checkpointer: checkpoint::Checkpointer,
    reader: Mutex<Connection>,
    retry: RetrySchedule,
    wake: Notify,
    events: broadcast::Sender<QueueEvent>,
}

impl Queue {
    /// The queue in `database`; a desk job the service could not take
    /// waits `retry` before its service is asked again.
    pub fn open(database: &Database, retry: RetrySchedule) -> Result<Queue, QueueError> {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let writer = database.connect(Durability::Full)?;
        // Checkpoints happen off the commit path ([`checkpoint`]).
        writer
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(|e| QueueError::Database(database.error(e)))?;
        Ok(Queue {
            inner: Arc::new(Inner {
                database: database.clone(),
                writer: Mutex::new(writer),
                checkpointer: checkpoint::Checkpointer::start(database)?,
                reader: Mutex::new(database.connect(Durability::Normal)?),
                retry,
                wake: Notify::new(),
                events,
            }),
        })
    }

    pub fn database(&self) -> &Database {
        &self.inner.database
    }

    /// Each change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<QueueEvent> {
        self.inner.events.subscribe()
    }

    pub(crate) fn retry_schedule(&self) -> RetrySchedule {
        self.inner.retry
    }

    /// Resolves when a job may have become due: one was queued or retried.
    pub(crate) fn woken(&self) -> tokio::sync::futures::Notified<'_> {
        self.inner.wake.notified()
    }

    fn wake_drain(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) fn announce(&self, event: QueueEvent) {
        // Nobody listening is fine: the database holds the truth.
        let _ = self.inner.events.send(event);
    }

    /// Runs `change` in one immediate (write-locked) transaction on the
    /// FULL writer and commits it. The lock is taken at the start, so the
    /// checks inside see what the commit changes: a drain claiming a job
    /// and staff cancelling it cannot both win.
    pub(crate) fn write<T>(
        &self,
        change: impl FnOnce(&Transaction<'_>) -> Result<T, Failure>,
    ) -> Result<T, QueueError> {
        let mut connection = lock(&self.inner.writer);
        let outcome = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Failure::from)
            .and_then(|transaction| {
                let value = change(&transaction)?;
                transaction.commit()?;
                Ok(value)
            });
        drop(connection);
        if outcome.is_ok() {
            self.inner.checkpointer.committed();
        }
        outcome.map_err(|failure| self.error(failure))
    }

    pub(crate) fn read<T>(
        &self,
        query: impl FnOnce(&Connection) -> Result<T, Failure>,
    ) -> Result<T, QueueError> {
        query(&lock(&self.inner.reader)).map_err(|failure| self.error(failure))
    }

    fn error(&self, failure: Failure) -> QueueError {
        match failure {
            Failure::Queue(error) => error,
            Failure::Sql(error) => QueueError::Database(self.inner.database.error(error)),
        }
    }
}

/// What stops a queue operation: SQLite (named with the database file
/// once it leaves [`Queue::write`] or [`Queue::read`]), or the queue's own
/// refusal.
#[derive(Debug)]
pub(crate) enum Failure {
    Sql(rusqlite::Error),
    Queue(QueueError),
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Failure::Sql(error)
    }
}

impl From<QueueError> for Failure {
    fn from(error: QueueError) -> Self {
        Failure::Queue(error)
    }
}

/// A poisoned lock only means a thread panicked holding it; SQLite rolled
/// back whatever it had not committed, so the connection is still good.
fn lock(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(|e| e.into_inner())
}
