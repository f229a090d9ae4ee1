//! Keeping the write-ahead log short without stalling a commit. SQLite
//! copies the log back into the database file (a checkpoint) from inside
//! whichever commit crosses its threshold, so one enqueue in a hundred
//! would wait for it; the queue's writer turns that off and asks this
//! thread to checkpoint instead, on its own connection, every
//! [`COMMITS_PER_CHECKPOINT`] commits. A passive checkpoint waits for
//! nobody, and the next writer starts the log over once it is done.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};

use crate::store::{Database, Durability, StoreError};

/// About the log SQLite's own threshold (1,000 pages) allows, at the
/// dozen pages a job's transaction writes.
const COMMITS_PER_CHECKPOINT: u32 = 64;

pub(super) struct Checkpointer {
    wake: SyncSender<()>,
    commits: AtomicU32,
}

impl Checkpointer {
    /// Starts the thread; it ends when this is dropped.
    pub(super) fn start(database: &Database) -> Result<Checkpointer, StoreError> {
        let connection = database.connect(Durability::Full)?;
        // One request waiting is enough: more would checkpoint the same log.
        let (wake, requests) = mpsc::sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("queue-checkpoint".into())
            .spawn(move || {
                for () in requests {
                    let done = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    if let Err(error) = done {
                        tracing::warn!(%error, "could not checkpoint the database log; trying again later");
                    }
                }
            })
            .map_err(|e| database.error(e))?;
        Ok(Checkpointer {
            wake,
            commits: AtomicU32::new(0),
        })
    }

    /// Counts a commit; every so often, asks for a checkpoint.
    pub(super) fn committed(&self) {
        let commits = self.commits.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        if commits.is_multiple_of(COMMITS_PER_CHECKPOINT) {
            match self.wake.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) => {}
                Err(TrySendError::Disconnected(())) => {
                    tracing::warn!("the database log checkpoint thread has stopped");
                }
            }
        }
    }
}
