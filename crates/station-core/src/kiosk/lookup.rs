//! A visitor found by their registration code, and nobody else.
//!
//! The code is matched exactly against the roster's `id` column; the
//! answer names only that one person. Codes that find nobody are counted
//! per station: after [`FREE_MISSES`] within [`MISS_WINDOW`], each further
//! look-up waits a delay that doubles with every miss (up to
//! [`MAX_DELAY`]), so typing guesses at a kiosk gets slower and slower,
//! while a visitor who mistypes once or twice never notices.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{code_from_ticket, KioskError};
use crate::config::{KioskConfig, StationConfig, Template};
use crate::provider::recipient_name;
use crate::roster::{Roster, RosterPerson};

/// Misses forgiven before the delay starts.
pub const FREE_MISSES: usize = 3;
/// A miss older than this no longer counts.
pub const MISS_WINDOW: Duration = Duration::from_secs(10 * 60);
/// The wait after the first miss beyond [`FREE_MISSES`]; it doubles.
pub const FIRST_DELAY: Duration = Duration::from_secs(2);
pub const MAX_DELAY: Duration = Duration::from_secs(60);
/// Misses kept at most: enough to reach [`MAX_DELAY`] and stay there.
const KEPT_MISSES: usize = 64;

/// The visitor a code found, as the kiosk asks "Is this you?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Visitor {
    pub person_id: i64,
    /// Their name as the roster has it.
    pub name: String,
    /// Their claims, for the issuance they confirm.
    pub claims: BTreeMap<String, String>,
    /// What they are issued: the kiosk's template, or their queued job's.
    pub template: String,
    /// Their issuance queued earlier (while offline) and ready now: the
    /// kiosk starts it instead of a new one.
    pub job_id: Option<String>,
}

/// The station's kiosk look-ups, with their count of misses.
#[derive(Default)]
pub struct Kiosk {
    misses: Mutex<Misses>,
}

impl Kiosk {
    /// The visitor whose registration code is in `ticket` (a ticket's text
    /// or a typed code), as of `now`.
    pub fn lookup(
        &self,
        roster: &Roster,
        config: &StationConfig,
        ticket: &str,
        now: Instant,
    ) -> Result<Visitor, KioskError> {
        let template = kiosk_template(config)?;
        // One look-up at a time: a burst of parallel guesses waits its turn.
        let mut misses = self.misses.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(wait) = misses.wait(now) {
            return Err(KioskError::SlowDown {
                wait_secs: wait.as_secs().saturating_add(u64::from(wait.subsec_nanos() > 0)),
            });
        }
        let code = match code_from_ticket(ticket) {
            Ok(code) => code,
            Err(KioskError::NoCode) => return Err(KioskError::NoCode),
            // A code no ticket has is a guess like any other.
            Err(other) => {
                misses.record(now);
                return Err(other);
            }
        };
        let Some(person) = roster.by_external_id(&code)? else {
            misses.record(now);
            return Err(KioskError::NotInRoster);
        };
        visitor(person, template)
    }
}

/// The template the kiosk issues, which must be one of the station's.
fn kiosk_template(config: &StationConfig) -> Result<&str, KioskError> {
    let KioskConfig { template, .. } = &config.kiosk;
    let name = template.as_deref().ok_or(KioskError::NoTemplate)?;
    match config.template(name) {
        Some(Template::Issuance(_)) => Ok(name),
        _ => Err(KioskError::UnknownTemplate {
            name: name.to_owned(),
        }),
    }
}

/// What the kiosk does for `person`: start their ready queued job, issue
/// the kiosk's template, or refuse a second one.
fn visitor(person: RosterPerson, template: &str) -> Result<Visitor, KioskError> {
    let ready = person.ready_jobs.first().cloned();
    if ready.is_none() && person.issued_templates.iter().any(|issued| issued == template) {
        return Err(KioskError::AlreadyIssued {
            template: template.to_owned(),
        });
    }
    Ok(Visitor {
        person_id: person.person_id,
        name: recipient_name(&person.claims),
        template: ready
            .as_ref()
            .map_or_else(|| template.to_owned(), |job| job.template.clone()),
        job_id: ready.map(|job| job.job_id),
        claims: person.claims,
    })
}

/// Recent misses, oldest first.
#[derive(Default)]
struct Misses {
    at: VecDeque<Instant>,
}

impl Misses {
    /// How long the next look-up must wait, if at all.
    fn wait(&mut self, now: Instant) -> Option<Duration> {
        while self
            .at
            .front()
            .is_some_and(|&miss| now.saturating_duration_since(miss) >= MISS_WINDOW)
        {
            self.at.pop_front();
        }
        let beyond = self
            .at
            .len()
            .checked_sub(FREE_MISSES)
            .filter(|&beyond| beyond > 0)?;
        let delay = u32::try_from(beyond - 1)
            .ok()
            .and_then(|doublings| 2u32.checked_pow(doublings))
            .and_then(|factor| FIRST_DELAY.checked_mul(factor))
            .map_or(MAX_DELAY, |delay| delay.min(MAX_DELAY));
        let last = *self.at.back()?;
        let ready_at = last.checked_add(delay)?;
        (now < ready_at).then(|| ready_at.saturating_duration_since(now))
    }

    fn record(&mut self, now: Instant) {
        if self.at.len() >= KEPT_MISSES {
            self.at.pop_front();
        }
        self.at.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::ReadyJob;

    fn person(issued: &[&str], ready: &[(&str, &str)]) -> RosterPerson {
        RosterPerson {
            person_id: 7,
            external_id: Some("T-1001".into()),
            claims: [("given_name", "Megan"), ("family_name", "Bowen")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            issued_templates: issued.iter().map(|t| (*t).to_owned()).collect(),
            ready_jobs: ready
                .iter()
                .map(|(job_id, template)| ReadyJob {
                    job_id: (*job_id).to_owned(),
                    template: (*template).to_owned(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_person_without_the_badge_is_issued_the_kiosk_s_template() {
        let found = visitor(person(&["staff"], &[]), "badge").unwrap();
        assert_eq!(
            (found.name.as_str(), found.template.as_str(), found.job_id),
            ("Megan Bowen", "badge", None)
        );
    }

    #[test]
    fn a_person_who_has_the_badge_is_sent_to_the_desk() {
        let refused = visitor(person(&["badge"], &[]), "badge").unwrap_err();
        assert!(matches!(refused, KioskError::AlreadyIssued { .. }), "{refused}");
    }

    #[test]
    fn a_ready_queued_job_is_started_whatever_its_template() {
        // Queued while offline, the job already counts as issued: it is what she came for.
        let found = visitor(person(&["vo-badge"], &[("job-1", "vo-badge")]), "vo-badge").unwrap();
        assert_eq!(
            (found.template.as_str(), found.job_id.as_deref()),
            ("vo-badge", Some("job-1"))
        );
    }

    #[test]
    fn three_misses_are_free_then_the_wait_doubles_up_to_a_minute() {
        let start = Instant::now();
        let mut misses = Misses::default();
        let mut now = start;
        for _ in 0..FREE_MISSES {
            assert_eq!(misses.wait(now), None);
            misses.record(now);
        }
        assert_eq!(misses.wait(now), None, "the third miss still costs nothing");
        misses.record(now);
        assert_eq!(misses.wait(now), Some(Duration::from_secs(2)));
        now += Duration::from_secs(2);
        assert_eq!(misses.wait(now), None);
        misses.record(now);
        assert_eq!(misses.wait(now), Some(Duration::from_secs(4)));
        for _ in 0..20 {
            misses.record(now);
        }
        assert_eq!(misses.wait(now), Some(MAX_DELAY));
        assert_eq!(
            misses.wait(now + Duration::from_secs(59)),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn misses_are_forgotten_after_the_window() {
        let start = Instant::now();
        let mut misses = Misses::default();
        for _ in 0..10 {
            misses.record(start);
        }
        assert!(misses.wait(start + Duration::from_secs(59)).is_some());
        assert_eq!(misses.wait(start + MISS_WINDOW), None);
        assert!(misses.at.is_empty());
    }
}
