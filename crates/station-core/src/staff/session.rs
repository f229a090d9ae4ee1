//! An unlocked staff session: open while staff keep using it, locked again
//! after `idle` without activity, so a screen left unlocked at a kiosk
//! closes by itself. Monotonic time: a clock change neither ends nor
//! stretches a session.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    last_activity: Instant,
}

impl Session {
    pub fn start(now: Instant) -> Session {
        Session { last_activity: now }
    }

    /// Whether the session is still open at `now` after `idle` without use.
    pub fn is_open(&self, now: Instant, idle: Duration) -> bool {
        now.saturating_duration_since(self.last_activity) < idle
    }

    /// How long until it locks by itself, if nobody uses it.
    pub fn remaining(&self, now: Instant, idle: Duration) -> Duration {
        idle.saturating_sub(now.saturating_duration_since(self.last_activity))
    }

    /// Staff used it: the idle time starts again.
    pub fn touch(&mut self, now: Instant) {
        self.last_activity = self.last_activity.max(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_idle_time_unless_used() {
        let idle = Duration::from_secs(120);
        let start = Instant::now();
        let mut session = Session::start(start);
        assert!(session.is_open(start + Duration::from_secs(119), idle));
        assert!(!session.is_open(start + Duration::from_secs(120), idle));
        session.touch(start + Duration::from_secs(100));
        assert!(session.is_open(start + Duration::from_secs(219), idle));
        assert_eq!(
            session.remaining(start + Duration::from_secs(200), idle),
            Duration::from_secs(20)
        );
        assert!(!session.is_open(start + Duration::from_secs(220), idle));
        assert_eq!(
            session.remaining(start + Duration::from_secs(500), idle),
            Duration::ZERO
        );
    }
}
