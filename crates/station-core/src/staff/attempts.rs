//! Wrong PINs slow down, then lock out. After each wrong try the next one
//! waits longer (the first wait doubling, up to [`MAX_DELAY`]); after
//! `max_tries` wrong tries in a row no PIN is tried for `lockout`, then the
//! count starts again. The count lives in the database (`staff_attempts`,
//! one row), written in the same transaction as the audit entry, so
//! killing the app does not reset it.
//!
//! Times are wall-clock milliseconds, as they must survive a restart; a
//! clock set back can make a stored time lie in the future, so no wait is
//! ever longer than the policy's own.

use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection, OptionalExtension};

use crate::store::millis;

/// No wait between tries grows past this, whatever the configured first one.
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// `[staff]`'s limits on guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptPolicy {
    /// Wrong tries in a row before the lockout.
    pub max_tries: u32,
    /// How long no PIN is tried once `max_tries` were wrong.
    pub lockout: Duration,
    /// The wait after the first wrong try; it doubles with each one after.
    pub first_delay: Duration,
}

impl Default for AttemptPolicy {
    fn default() -> Self {
        AttemptPolicy {
            max_tries: 5,
            lockout: Duration::from_secs(300),
            first_delay: Duration::from_secs(1),
        }
    }
}

/// What is stored between tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttemptRecord {
    /// Wrong tries since the last right one or the last lockout.
    pub failures: u32,
    pub last_failure_ms: Option<i64>,
    pub locked_until_ms: Option<i64>,
}

/// Whether a PIN may be tried now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// Too soon after a wrong try.
    Wait(Duration),
    /// Locked out after too many wrong tries.
    LockedOut(Duration),
}

/// What a wrong try leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWrong {
    /// `tries_left` more before the lockout; the next waits `wait`.
    TryAgain { tries_left: u32, wait: Duration },
    /// That was the last try: locked out for the whole lockout.
    LockedOut(Duration),
}

impl AttemptPolicy {
    /// The wait after the `failures`-th wrong try in a row.
    pub fn delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(16);
        self.first_delay
            .checked_mul(1u32 << doublings)
            .unwrap_or(MAX_DELAY)
            .min(MAX_DELAY)
            .min(self.lockout)
    }

    pub fn admit(&self, record: &AttemptRecord, now: SystemTime) -> Admission {
        let now_ms = millis(now);
        if let Some(until) = record.locked_until_ms.filter(|until| *until > now_ms) {
            return Admission::LockedOut(remaining(until, now_ms, self.lockout));
        }
        let record = self.current(record, now);
        match record.last_failure_ms {
            Some(last) if record.failures > 0 => {
                let wait = self.delay(record.failures);
                let allowed_at = last.saturating_add(duration_ms(wait));
                if allowed_at > now_ms {
                    Admission::Wait(remaining(allowed_at, now_ms, wait))
                } else {
                    Admission::Allowed
                }
            }
            _ => Admission::Allowed,
        }
    }

    /// `record` as it stands at `now`: a lockout that ended starts the
    /// count again.
    pub fn current(&self, record: &AttemptRecord, now: SystemTime) -> AttemptRecord {
        match record.locked_until_ms {
            Some(until) if until <= millis(now) => AttemptRecord::default(),
            _ => *record,
        }
    }

    /// The record after a wrong try at `now`, and what it leads to.
    pub fn wrong(&self, record: &AttemptRecord, now: SystemTime) -> (AttemptRecord, AfterWrong) {
        let now_ms = millis(now);
        let failures = self.current(record, now).failures.saturating_add(1);
        if failures >= self.max_tries {
            let record = AttemptRecord {
                failures: 0,
                last_failure_ms: Some(now_ms),
                locked_until_ms: Some(now_ms.saturating_add(duration_ms(self.lockout))),
            };
            return (record, AfterWrong::LockedOut(self.lockout));
        }
        let record = AttemptRecord {
            failures,
            last_failure_ms: Some(now_ms),
            locked_until_ms: None,
        };
        let outcome = AfterWrong::TryAgain {
            tries_left: self.max_tries - failures,
            wait: self.delay(failures),
        };
        (record, outcome)
    }

    /// Wrong tries left before the lockout.
    pub fn tries_left(&self, record: &AttemptRecord, now: SystemTime) -> u32 {
        self.max_tries.saturating_sub(self.current(record, now).failures)
    }
}

/// From `now_ms` to `until_ms`, never more than `longest` (a clock set back).
fn remaining(until_ms: i64, now_ms: i64, longest: Duration) -> Duration {
    let ms = u64::try_from(until_ms.saturating_sub(now_ms)).unwrap_or(0);
    Duration::from_millis(ms).min(longest)
}

fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The stored record; none yet is a clean one.
pub fn load(connection: &Connection) -> rusqlite::Result<AttemptRecord> {
    connection
        .query_row(
            "SELECT failures, last_failure_ms, locked_until_ms FROM staff_attempts WHERE id = 1",
            [],
            |row| {
                Ok(AttemptRecord {
                    failures: row.get(0)?,
                    last_failure_ms: row.get(1)?,
                    locked_until_ms: row.get(2)?,
                })
            },
        )
        .optional()
        .map(Option::unwrap_or_default)
}

pub fn store(connection: &Connection, record: &AttemptRecord) -> rusqlite::Result<()> {
    connection
        .execute(
            "INSERT INTO staff_attempts (id, failures, last_failure_ms, locked_until_ms) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET failures = ?1, last_failure_ms = ?2, locked_until_ms = ?3",
            params![record.failures, record.last_failure_ms, record.locked_until_ms],
        )
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: u64 = 1_800_000_000;

    fn at(ms: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(START) + Duration::from_millis(ms)
    }

    fn policy() -> AttemptPolicy {
        AttemptPolicy {
            max_tries: 5,
            lockout: Duration::from_secs(300),
            first_delay: Duration::from_secs(1),
        }
    }

    #[test]
    fn each_wrong_try_waits_longer_then_locks_out() {
        let policy = policy();
        let mut record = AttemptRecord::default();
        let mut now = 0;
        let mut waits = Vec::new();
        for try_number in 1..=4 {
            assert_eq!(
                policy.admit(&record, at(now)),
                Admission::Allowed,
                "try {try_number}"
            );
            let (next, outcome) = policy.wrong(&record, at(now));
            let AfterWrong::TryAgain { tries_left, wait } = outcome else {
                panic!("locked out after {try_number} tries");
            };
            assert_eq!(tries_left, 5 - try_number);
            record = next;
            // Too soon: told how long is left.
            assert_eq!(
                policy.admit(&record, at(now + 1)),
                Admission::Wait(wait - Duration::from_millis(1))
            );
            waits.push(wait.as_secs());
            now += wait.as_millis() as u64;
        }
        assert_eq!(waits, [1, 2, 4, 8]);
        let (record, outcome) = policy.wrong(&record, at(now));
        assert_eq!(outcome, AfterWrong::LockedOut(Duration::from_secs(300)));
        assert_eq!(
            policy.admit(&record, at(now + 60_000)),
            Admission::LockedOut(Duration::from_secs(240))
        );
        // The lockout ends, and the count starts again.
        let after = at(now + 300_000);
        assert_eq!(policy.admit(&record, after), Admission::Allowed);
        assert_eq!(policy.tries_left(&record, after), 5);
        let (_, outcome) = policy.wrong(&record, after);
        assert_eq!(
            outcome,
            AfterWrong::TryAgain {
                tries_left: 4,
                wait: Duration::from_secs(1)
            }
        );
    }

    #[test]
    fn waits_stay_within_their_bounds() {
        let policy = AttemptPolicy {
            max_tries: 20,
            lockout: Duration::from_secs(3600),
            first_delay: Duration::from_secs(10),
        };
        assert_eq!(policy.delay(1), Duration::from_secs(10));
        assert_eq!(policy.delay(4), MAX_DELAY);
        assert_eq!(policy.delay(u32::MAX), MAX_DELAY);
        // No wait outlasts a short lockout.
        let short = AttemptPolicy {
            lockout: Duration::from_secs(2),
            ..policy
        };
        assert_eq!(short.delay(3), Duration::from_secs(2));
        // A clock set back an hour: the stored times lie in the future,
        // the waits still do not grow past the policy's.
        let record = AttemptRecord {
            failures: 1,
            last_failure_ms: Some(millis(at(3_600_000))),
            locked_until_ms: None,
        };
        assert_eq!(
            policy.admit(&record, at(0)),
            Admission::Wait(Duration::from_secs(10))
        );
        let locked = AttemptRecord {
            failures: 0,
            last_failure_ms: None,
            locked_until_ms: Some(millis(at(90_000_000))),
        };
        assert_eq!(
            policy.admit(&locked, at(0)),
            Admission::LockedOut(Duration::from_secs(3600))
        );
    }
}
