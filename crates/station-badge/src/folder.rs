//! Where badges go when no printer is set: `<data dir>/badges/<job id>.pdf`,
//! for staff to print from another program. A badge holds the recipient's
//! name and photo, so a saved one is deleted once the queue deletes the
//! same data from the job (its grace period), checked at start and at each
//! save. The file is named by the job id, never by the person.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The folder under the data directory.
pub const BADGE_FOLDER: &str = "badges";

#[derive(Debug, Clone)]
pub struct BadgeFolder {
    path: PathBuf,
    keep_for: Duration,
}

impl BadgeFolder {
    pub fn new(data_dir: &Path, keep_for: Duration) -> BadgeFolder {
        BadgeFolder {
            path: data_dir.join(BADGE_FOLDER),
            keep_for,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the badge of job `job_id`, replacing an earlier one, after
    /// deleting the badges kept too long.
    pub fn save(&self, job_id: &str, pdf: &[u8]) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.path)?;
        self.sweep(SystemTime::now());
        let file = self.path.join(file_name(job_id));
        std::fs::write(&file, pdf)?;
        Ok(file)
    }

    /// Deletes the badges saved longer than the grace period before `now`;
    /// returns how many.
    pub fn sweep(&self, now: SystemTime) -> usize {
        sweep_saved(&self.path, now, self.keep_for)
    }
}

/// A job id from the queue is a UUID; anything else is kept to safe
/// characters so it cannot leave the folder.
fn file_name(job_id: &str) -> String {
    let safe: String = job_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.pdf")
}

/// Deletes the PDFs in `folder` last written more than `keep_for` before
/// `now`; a folder that does not exist holds none. Returns how many went.
pub fn sweep_saved(folder: &Path, now: SystemTime, keep_for: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let mut deleted = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
            continue;
        }
        let written = entry.metadata().and_then(|m| m.modified());
        let expired = written.is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age > keep_for));
        if expired {
            match std::fs::remove_file(&path) {
                Ok(()) => deleted += 1,
                Err(error) => {
                    tracing::warn!(file = %path.display(), %error, "a badge kept past its grace period could not be deleted")
                }
            }
        }
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_badges_go_after_the_grace_period_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let folder = BadgeFolder::new(dir.path(), Duration::from_secs(3600));
        let saved = folder.save("6f1c-job", b"%PDF-1.7").unwrap();
        assert_eq!(saved, dir.path().join("badges/6f1c-job.pdf"));
        std::fs::write(folder.path().join("notes.txt"), "x").unwrap();
        assert_eq!(folder.sweep(SystemTime::now()), 0, "a fresh badge stays");
        let later = SystemTime::now() + Duration::from_secs(3601);
        assert_eq!(folder.sweep(later), 1);
        assert!(!saved.exists());
        assert!(
            folder.path().join("notes.txt").exists(),
            "only badge PDFs are deleted"
        );
    }

    #[test]
    fn a_strange_job_id_stays_in_the_folder() {
        assert_eq!(file_name("../../etc/passwd"), "______etc_passwd.pdf");
    }
}
