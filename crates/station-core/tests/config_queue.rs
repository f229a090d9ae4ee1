//! `[queue]`: defaults that suit a desk when the table is absent, every
//! value bounded, and each refusal naming the field and the fix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::Duration;

use station_core::config::{QueueConfig, StationConfig};
use station_core::error::ErrorCode;
use station_core::queue::DrainConfig;

fn with_queue(table: &str) -> Result<StationConfig, String> {
    let text = format!("[station]\nuse_sandbox = true\n\n[queue]\n{table}\n");
    StationConfig::from_toml(&text, "/etc/station.toml")
        .map_err(|error| format!("{} | {error}", error.code()))
}

#[test]
fn an_existing_config_without_the_table_keeps_working_with_the_defaults() {
    let config = StationConfig::from_toml("[station]\nuse_sandbox = true\n", "test").unwrap();
    assert_eq!(config.queue, QueueConfig::default());
    assert_eq!(config.queue.grace_period, Duration::from_secs(24 * 3600));
    assert_eq!(config.queue.retention, Duration::from_secs(30 * 24 * 3600));
    let drain = DrainConfig::from(&config.queue);
    assert_eq!((drain.concurrency, drain.batch), (4, 50));
}

#[test]
fn every_setting_is_read_in_its_unit() {
    let config = with_queue(
        "concurrency = 8\nbatch_size = 10\nretry_first_secs = 5\nretry_max_secs = 60\nstatus_poll_secs = 10\n\
         status_poll_max_secs = 600\nresend_check_secs = 0\ngrace_period_hours = 2\nretention_days = 7",
    )
    .unwrap();
    let queue = config.queue;
    assert_eq!((queue.concurrency, queue.batch_size), (8, 10));
    assert_eq!(queue.retry_first, Duration::from_secs(5));
    assert_eq!(queue.retry_max, Duration::from_secs(60));
    assert_eq!(queue.status_poll, Duration::from_secs(10));
    assert_eq!(queue.status_poll_max, Duration::from_secs(600));
    assert_eq!(queue.resend_check, Duration::ZERO);
    assert_eq!(queue.grace_period, Duration::from_secs(2 * 3600));
    assert_eq!(queue.retention, Duration::from_secs(7 * 24 * 3600));
    let drain = DrainConfig::from(&queue);
    assert_eq!(drain.retry.first, Duration::from_secs(5));
    assert_eq!(drain.retention.grace, Duration::from_secs(2 * 3600));
    assert_eq!(drain.settle, Duration::ZERO);
}

#[test]
fn out_of_range_values_are_refused_with_the_field_and_the_fix() {
    for (table, field, fix) in [
        ("concurrency = 0", "queue.concurrency", "use 1 to 64"),
        ("batch_size = 1000", "queue.batch_size", "use 1 to 100"),
        (
            "retry_max_secs = 9999999",
            "queue.retry_max_secs",
            "use 1 to 86400",
        ),
        ("retention_days = 0", "queue.retention_days", "use 1 to 3650"),
        (
            "grace_period_hours = 100000",
            "queue.grace_period_hours",
            "use 0 to 8760",
        ),
        (
            "retry_first_secs = 60\nretry_max_secs = 10",
            "queue.retry_max_secs",
            "at least queue.retry_first_secs",
        ),
        (
            "status_poll_secs = 600\nstatus_poll_max_secs = 60",
            "queue.status_poll_max_secs",
            "at least queue.status_poll_secs",
        ),
        (
            "grace_period_hours = 48\nretention_days = 1",
            "queue.grace_period_hours",
            "within the retention period",
        ),
    ] {
        let error = with_queue(table).unwrap_err();
        assert!(
            error.starts_with("config.invalid | /etc/station.toml"),
            "{table}: {error}"
        );
        assert!(error.contains(&format!("`{field}`")), "{table}: {error}");
        assert!(error.contains(fix), "{table}: {error}");
    }
    let typo = with_queue("retention_dayz = 3").unwrap_err();
    assert!(typo.starts_with("config.syntax"), "{typo}");
    assert!(typo.contains("retention_dayz"), "{typo}");
}
