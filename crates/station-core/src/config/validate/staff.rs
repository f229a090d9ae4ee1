//! `[staff]`: the staff PIN's hash and the limits on guessing it. Bounded
//! so that a typo cannot turn the lockout into nothing or into a week.

use std::ops::RangeInclusive;
use std::time::Duration;

use super::Validator;
use crate::config::raw::RawStaff;
use crate::config::{ConfigError, StaffConfig};
use crate::staff::{AttemptPolicy, PinHash};

impl Validator<'_> {
    pub(in crate::config) fn staff(&self, raw: RawStaff) -> Result<StaffConfig, ConfigError> {
        let defaults = StaffConfig::default();
        let bounded =
            |value: Option<u64>, default: u64, field: &str, range: RangeInclusive<u64>, unit: &str| {
                let value = value.unwrap_or(default);
                if range.contains(&value) {
                    Ok(value)
                } else {
                    Err(self.invalid(
                        format!("staff.{field}"),
                        format!("is {value}"),
                        format!("use {} to {} {unit}", range.start(), range.end()),
                    ))
                }
            };
        let pin_hash = match raw.pin_hash.filter(|h| !h.trim().is_empty()) {
            None => None,
            Some(text) => Some(PinHash::parse(&text).map_err(|_| {
                self.invalid(
                    "staff.pin_hash",
                    "is not an argon2id PIN hash ($argon2id$v=19$…)",
                    "set the PIN with `station staff set-pin`, which writes the hash; never write the PIN itself here",
                )
            })?),
        };
        let idle = bounded(
            raw.idle_lock_secs,
            defaults.idle_lock.as_secs(),
            "idle_lock_secs",
            5..=3600,
            "seconds",
        )?;
        let policy = defaults.attempts;
        let max_tries = bounded(
            raw.max_tries.map(u64::from),
            u64::from(policy.max_tries),
            "max_tries",
            1..=20,
            "wrong tries before the lockout",
        )?;
        let lockout = bounded(
            raw.lockout_secs,
            policy.lockout.as_secs(),
            "lockout_secs",
            1..=86_400,
            "seconds",
        )?;
        let delay = bounded(
            raw.delay_ms,
            u64::try_from(policy.first_delay.as_millis()).unwrap_or(u64::MAX),
            "delay_ms",
            0..=60_000,
            "milliseconds",
        )?;
        Ok(StaffConfig {
            pin_hash,
            idle_lock: Duration::from_secs(idle),
            attempts: AttemptPolicy {
                max_tries: u32::try_from(max_tries).unwrap_or(u32::MAX),
                lockout: Duration::from_secs(lockout),
                first_delay: Duration::from_millis(delay),
            },
        })
    }
}
