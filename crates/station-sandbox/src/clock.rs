//! Wall-clock helpers. The emulated services speak Unix seconds (`expiry`),
//! RFC 1123 (`date` in error bodies) and ISO-8601 (`issuanceDate`,
//! `expirationDate`); the workspace has no date crate, so the few civil-date
//! conversions needed live here.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch; a clock set before 1970 counts as the epoch.
pub(crate) fn unix_secs(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(crate) fn now_unix() -> i64 {
    unix_secs(SystemTime::now())
}

/// RFC 1123 date, as the Request Service puts in its error bodies.
pub(crate) fn http_date(at: SystemTime) -> String {
    httpdate::fmt_http_date(at)
}

/// `yyyy-MM-ddTHH:mm:ssZ`, the format of the presentation callback's dates.
pub(crate) fn iso8601(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// The same instant one calendar year later (29 February becomes 1 March).
pub(crate) fn add_one_year(unix: i64) -> i64 {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (m, d) = if m == 2 && d == 29 && !is_leap(y + 1) {
        (3, 1)
    } else {
        (m, d)
    };
    days_from_civil(y + 1, m, d) * 86_400 + secs
}

/// Accepts an ISO-8601 / RFC 3339 date-time such as `2025-01-31T12:00:00Z`,
/// `2025-01-31T12:00:00.123+02:00`. Returns whether the text is one.
pub(crate) fn is_iso8601_date_time(text: &str) -> bool {
    parse_iso8601(text).is_some()
}

/// The Unix seconds of an ISO-8601 / RFC 3339 date-time (its offset
/// applied, a fraction of a second dropped), or `None` for text that is
/// not one.
pub(crate) fn parse_iso8601(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year as i64, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        rest = &fraction[len..];
    }
    let offset_secs = match rest {
        "Z" | "z" => 0,
        offset if offset.len() == 6 && matches!(offset.as_bytes()[0], b'+' | b'-') => {
            let ob = offset.as_bytes();
            let oh: u32 = offset.get(1..3)?.parse().ok()?;
            let om: u32 = offset.get(4..6)?.parse().ok()?;
            let valid = ob[3] == b':'
                && ob[1..3].iter().chain(&ob[4..6]).all(u8::is_ascii_digit)
                && oh < 24
                && om < 60;
            if !valid {
                return None;
            }
            let secs = i64::from(oh * 3600 + om * 60);
            if ob[0] == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let local =
        days_from_civil(i64::from(year), month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(local - offset_secs)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil algorithms (public domain).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso8601() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_709_210_096), "2024-02-29T12:34:56Z");
    }

    #[test]
    fn adds_a_calendar_year() {
        assert_eq!(iso8601(add_one_year(1_709_210_096)), "2025-03-01T12:34:56Z");
        assert_eq!(iso8601(add_one_year(0)), "1971-01-01T00:00:00Z");
    }

    #[test]
    fn recognises_date_times() {
        assert!(is_iso8601_date_time("2025-01-31T12:00:00Z"));
        assert!(is_iso8601_date_time("2025-01-31T12:00:00.123+02:00"));
        assert!(!is_iso8601_date_time("2025-02-30T12:00:00Z"));
        assert!(!is_iso8601_date_time("2025-01-31"));
        assert!(!is_iso8601_date_time("tomorrow"));
        assert!(!is_iso8601_date_time("2025-01-31T12:00:00+0200"));
    }

    #[test]
    fn reads_date_times_as_unix_seconds() {
        assert_eq!(parse_iso8601("2024-02-29T12:34:56Z"), Some(1_709_210_096));
        assert_eq!(
            parse_iso8601("2024-02-29T14:34:56.999+02:00"),
            Some(1_709_210_096)
        );
        assert_eq!(parse_iso8601("2024-02-29T10:04:56-02:30"), Some(1_709_210_096));
        assert_eq!(parse_iso8601("2024-02-29"), None);
    }
}
