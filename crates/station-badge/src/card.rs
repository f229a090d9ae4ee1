//! What a badge shows, and the check-in link its QR code carries.

use std::time::{SystemTime, UNIX_EPOCH};

use station_core::config::BadgeLayout;

/// One recipient's badge, ready to render.
#[derive(Clone)]
pub struct BadgeCard {
    pub layout: BadgeLayout,
    pub name: String,
    /// The accepted portrait (JPEG), when the issuance had one.
    pub photo_jpeg: Option<Vec<u8>>,
    /// The credential's name as people read it (the template's display name).
    pub credential: String,
    pub event: String,
    pub issued_on: IssueDate,
    /// What the QR code opens: see [`check_in_link`].
    pub check_in: String,
}

// The photo and the name are personal data: never in a log line.
impl std::fmt::Debug for BadgeCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BadgeCard")
            .field("layout", &self.layout)
            .field("credential", &self.credential)
            .field("event", &self.event)
            .field("issued_on", &self.issued_on)
            .field("check_in", &self.check_in)
            .finish_non_exhaustive()
    }
}

/// The day a badge was issued, printed as ISO 8601 (2026-05-12), which
/// reads the same in every country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl IssueDate {
    /// The UTC date of `at`: the station keeps no time zone of its own.
    pub fn utc(at: SystemTime) -> IssueDate {
        let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        civil_from_days(days)
    }
}

impl std::fmt::Display for IssueDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Days since 1970-01-01 to a Gregorian date (Howard Hinnant's
/// `civil_from_days`), so no date crate is needed for one line of text.
fn civil_from_days(days: i64) -> IssueDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    IssueDate {
        year: i32::try_from(year).unwrap_or(i32::MAX),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    }
}

/// Who a check-in is for, as the badge's QR code names them: an opaque id,
/// never a name or a claim, as a QR code on a badge is readable by anyone
/// who sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckInPerson {
    /// The roster person the badge was issued to.
    Roster(i64),
    /// A walk-in, by the issuance's job id.
    Job(String),
}

/// The deep link a door station's verify mode starts a check-in from:
/// `issuance-station://check-in?template=<credential type>&person=<roster
/// id>` (or `&job=<job id>` for a walk-in). The credential type is what
/// `start_verification` needs (the verification template of that type),
/// the id is whom to tick off.
pub fn check_in_link(credential_type: &str, person: &CheckInPerson) -> String {
    let (key, id) = match person {
        CheckInPerson::Roster(id) => ("person", id.to_string()),
        CheckInPerson::Job(id) => ("job", percent_encode(id)),
    };
    format!(
        "issuance-station://check-in?template={}&{key}={id}",
        percent_encode(credential_type)
    )
}

/// RFC 3986 unreserved characters stay, everything else is %XX.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_gregorian_utc() {
        let at = UNIX_EPOCH + Duration::from_secs(1_709_164_800); // 2024-02-29T00:00:00Z
        assert_eq!(IssueDate::utc(at).to_string(), "2024-02-29");
        assert_eq!(IssueDate::utc(UNIX_EPOCH).to_string(), "1970-01-01");
    }

    #[test]
    fn the_link_carries_type_and_id_only_encoded() {
        assert_eq!(
            check_in_link("Event Pass", &CheckInPerson::Roster(42)),
            "issuance-station://check-in?template=Event%20Pass&person=42"
        );
        assert_eq!(
            check_in_link("a&b=c", &CheckInPerson::Job("6f1c-9a".into())),
            "issuance-station://check-in?template=a%26b%3Dc&job=6f1c-9a"
        );
    }
}
