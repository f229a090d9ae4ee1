//! When to try a job again: an exponential backoff with jitter, from the
//! `backon` crate, computed rather than slept so that the time can be
//! committed with the job (the drain may be killed while it waits) and a
//! test can check it.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

/// Doubling reaches any sane maximum long before this many attempts; past
/// it, the delay of this attempt is used, so a job tried a million times
/// costs no more to schedule than one tried fifty times.
const MAX_DOUBLINGS: usize = 48;

/// Delays that double from `first` up to `max`, each with up to as much
/// again of random jitter (so that jobs queued together do not all retry
/// together), or exactly doubling when `jitter` is off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetrySchedule {
    pub first: Duration,
    pub max: Duration,
    pub jitter: bool,
    /// A fixed seed makes the jitter repeatable, for tests.
    pub seed: Option<u64>,
}

impl RetrySchedule {
    pub fn new(first: Duration, max: Duration) -> RetrySchedule {
        RetrySchedule {
            first,
            max: max.max(first),
            jitter: true,
            seed: None,
        }
    }

    /// The wait after attempt `attempt` (counted from 1) failed.
    pub fn delay(&self, attempt: u32) -> Duration {
        let mut builder = ExponentialBuilder::new()
            .with_factor(2.0)
            .with_min_delay(self.first)
            .with_max_delay(self.max)
            .without_max_times();
        if self.jitter {
            builder = match self.seed {
                Some(seed) => builder.with_jitter().with_jitter_seed(seed),
                None => builder.with_jitter(),
            };
        }
        let steps = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
        let delay = builder.build().nth(steps.min(MAX_DOUBLINGS)).unwrap_or(self.max);
        // backon multiplies in f32; whole milliseconds are what the queue
        // stores, and they make the schedule exact to read.
        Duration::from_millis(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX))
    }

    /// The wait after attempt `attempt`, but never shorter than what the
    /// service asked for (`Retry-After`).
    pub fn delay_honouring(&self, attempt: u32, asked: Option<Duration>) -> Duration {
        let backoff = self.delay(attempt);
        asked.map_or(backoff, |asked| asked.max(backoff))
    }
}

impl Default for RetrySchedule {
    /// From 2 seconds to 10 minutes: a short outage is bridged quickly, a
    /// long one costs a call every few minutes.
    fn default() -> Self {
        RetrySchedule::new(Duration::from_secs(2), Duration::from_secs(600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(first_ms: u64, max_ms: u64) -> RetrySchedule {
        RetrySchedule {
            jitter: false,
            ..RetrySchedule::new(Duration::from_millis(first_ms), Duration::from_millis(max_ms))
        }
    }

    #[test]
    fn doubles_from_the_first_delay_up_to_the_maximum() {
        let schedule = exact(100, 1000);
        let delays: Vec<u128> = (1..=6).map(|n| schedule.delay(n).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(schedule.delay(0), Duration::from_millis(100));
        assert_eq!(schedule.delay(u32::MAX), Duration::from_millis(1000));
    }

    #[test]
    fn jitter_adds_at_most_the_delay_again_and_spreads_retries() {
        let schedule = RetrySchedule::new(Duration::from_millis(100), Duration::from_secs(60));
        let delays: Vec<Duration> = (0..20).map(|_| schedule.delay(3)).collect();
        for delay in &delays {
            assert!(
                (Duration::from_millis(400)..=Duration::from_millis(800)).contains(delay),
                "{delay:?}"
            );
        }
        assert!(delays.iter().any(|d| *d != delays[0]), "jittered: {delays:?}");
        let seeded = RetrySchedule {
            seed: Some(7),
            ..schedule
        };
        assert_eq!(seeded.delay(3), seeded.delay(3));
    }

    #[test]
    fn a_longer_retry_after_wins_over_the_backoff() {
        let schedule = exact(100, 1000);
        assert_eq!(
            schedule.delay_honouring(1, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            schedule.delay_honouring(3, Some(Duration::from_millis(10))),
            Duration::from_millis(400)
        );
        assert_eq!(schedule.delay_honouring(2, None), Duration::from_millis(200));
    }
}
