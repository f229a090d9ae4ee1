//! `[queue]`: how the outbox drains and how long it keeps personal data.
//! Every value is bounded, so no time the drain computes from them can
//! overflow, and a slip of the keyboard (an extra zero or three) is caught
//! here rather than found in a week's backoff or a year's retention.

use std::ops::RangeInclusive;
use std::time::Duration;

use super::Validator;
use crate::config::raw::RawQueue;
use crate::config::{ConfigError, QueueConfig};

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

impl Validator<'_> {
    pub(super) fn queue(&self, raw: RawQueue) -> Result<QueueConfig, ConfigError> {
        let defaults = QueueConfig::default();
        let count = |value: Option<u32>, default: u32, field: &str, range: RangeInclusive<u32>, why: &str| {
            let value = value.unwrap_or(default);
            if range.contains(&value) {
                Ok(value)
            } else {
                Err(self.invalid(
                    format!("queue.{field}"),
                    format!("is {value}"),
                    format!("use {} to {}: {why}", range.start(), range.end()),
                ))
            }
        };
        let time =
            |value: Option<u64>, default: Duration, field: &str, unit: u64, range: RangeInclusive<u64>| {
                let Some(value) = value else {
                    return Ok(default);
                };
                if range.contains(&value) {
                    Ok(Duration::from_secs(value.saturating_mul(unit)))
                } else {
                    Err(self.invalid(
                        format!("queue.{field}"),
                        format!("is {value}"),
                        format!("use {} to {}", range.start(), range.end()),
                    ))
                }
            };
        let config = QueueConfig {
            concurrency: count(
                raw.concurrency,
                defaults.concurrency,
                "concurrency",
                1..=64,
                "the network calls the drain makes at once",
            )?,
            batch_size: count(
                raw.batch_size,
                defaults.batch_size,
                "batch_size",
                1..=100,
                "the jobs sent in one call",
            )?,
            retry_first: time(
                raw.retry_first_secs,
                defaults.retry_first,
                "retry_first_secs",
                1,
                1..=HOUR,
            )?,
            retry_max: time(
                raw.retry_max_secs,
                defaults.retry_max,
                "retry_max_secs",
                1,
                1..=DAY,
            )?,
            status_poll: time(
                raw.status_poll_secs,
                defaults.status_poll,
                "status_poll_secs",
                1,
                1..=DAY,
            )?,
            status_poll_max: time(
                raw.status_poll_max_secs,
                defaults.status_poll_max,
                "status_poll_max_secs",
                1,
                1..=DAY,
            )?,
            resend_check: time(
                raw.resend_check_secs,
                defaults.resend_check,
                "resend_check_secs",
                1,
                0..=HOUR,
            )?,
            grace_period: time(
                raw.grace_period_hours,
                defaults.grace_period,
                "grace_period_hours",
                HOUR,
                0..=24 * 365,
            )?,
            retention: time(
                raw.retention_days,
                defaults.retention,
                "retention_days",
                DAY,
                1..=3650,
            )?,
        };
        for (first, first_field, max, max_field) in [
            (
                config.retry_first,
                "retry_first_secs",
                config.retry_max,
                "retry_max_secs",
            ),
            (
                config.status_poll,
                "status_poll_secs",
                config.status_poll_max,
                "status_poll_max_secs",
            ),
        ] {
            if first > max {
                return Err(self.invalid(
                    format!("queue.{max_field}"),
                    format!("is shorter than queue.{first_field} ({} s)", first.as_secs()),
                    format!("make queue.{max_field} at least queue.{first_field}: the wait grows from one to the other"),
                ));
            }
        }
        if config.grace_period > config.retention {
            return Err(self.invalid(
                "queue.grace_period_hours",
                format!("is longer than queue.retention_days ({} days)", config.retention.as_secs() / DAY),
                "keep the grace period within the retention period: all personal data goes when the retention period ends",
            ));
        }
        Ok(config)
    }
}
