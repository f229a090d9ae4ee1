//! When to try a service call again: on 429, 503 and the Request Service's
//! `transientError`, after the delay the service asks for (`Retry-After`), or
//! an exponential backoff when it does not say.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub first_backoff: Duration,
    /// A `Retry-After` longer than this is not waited out: a person is
    /// standing at the desk.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            first_backoff: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The delay before attempt `attempt + 1` (attempts count from 1), or
    /// `None` when no retry should happen.
    pub fn delay(&self, attempt: u32, headers: &HeaderMap) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let backoff = doubled(self.first_backoff, (attempt - 1).min(8), Duration::MAX);
        let delay = retry_after(headers, SystemTime::now()).unwrap_or(backoff);
        (delay <= self.max_delay).then_some(delay)
    }
}

/// `first` doubled `doublings` times, at most `cap`: the one exponential
/// backoff of every retry, poll and reconnection. Never overflows.
pub fn doubled(first: Duration, doublings: u32, cap: Duration) -> Duration {
    let factor = 1u32.checked_shl(doublings).unwrap_or(u32::MAX);
    first.checked_mul(factor).unwrap_or(cap).min(cap)
}

/// `Retry-After` as delta-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a service error is worth retrying.
pub fn is_transient(status: u16, inner_code: Option<&str>) -> bool {
    status == 429 || status == 503 || inner_code == Some("transientError")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn honours_retry_after_seconds() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, &headers("2")), Some(Duration::from_secs(2)));
    }

    #[test]
    fn honours_retry_after_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(retry_after(&headers(&later), now), Some(Duration::from_secs(7)));
    }

    #[test]
    fn backs_off_exponentially_without_a_hint() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        assert_eq!(policy.delay(1, &none), Some(Duration::from_millis(500)));
        assert_eq!(policy.delay(2, &none), Some(Duration::from_millis(1000)));
        assert_eq!(policy.delay(3, &none), Some(Duration::from_millis(2000)));
        assert_eq!(policy.delay(4, &none), None);
    }

    #[test]
    fn does_not_wait_out_a_long_retry_after() {
        assert_eq!(RetryPolicy::default().delay(1, &headers("3600")), None);
    }

    #[test]
    fn classifies_transient_errors() {
        assert!(is_transient(429, None));
        assert!(is_transient(503, None));
        assert!(is_transient(500, Some("transientError")));
        assert!(!is_transient(400, Some("badOrMissingField")));
    }
}
