//! One drain per database. A drain that starts treats every job it finds
//! `sending` as left behind by a crash; that is only true if no other
//! drain is sending it right now (the window's and `station queue work`
//! on the same data directory). So a drain holds an exclusive lock on a
//! file beside the database for as long as it runs; the operating system
//! releases it when the process ends, however it ends (`kill -9`
//! included), so a crash never leaves it held.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

pub(super) const LOCK_FILE: &str = "queue.lock";

/// Held while a drain runs; dropping it releases the lock.
#[derive(Debug)]
pub(super) struct DrainLock {
    _file: File,
}

impl DrainLock {
    /// The lock for the database in `data_dir`, or `None` while another
    /// drain holds it.
    pub(super) fn try_acquire(data_dir: &Path) -> std::io::Result<Option<DrainLock>> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path(data_dir))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DrainLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(error)) => Err(error),
        }
    }
}

fn lock_path(data_dir: &Path) -> PathBuf {
    data_dir.join(LOCK_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_holder_at_a_time_and_dropping_releases_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = DrainLock::try_acquire(dir.path()).unwrap();
        assert!(first.is_some());
        assert!(DrainLock::try_acquire(dir.path()).unwrap().is_none());
        drop(first);
        assert!(DrainLock::try_acquire(dir.path()).unwrap().is_some());
    }
}
