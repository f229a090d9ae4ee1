//! What a running flow has on screen, and how each event, renewal and
//! deadline changes it. Pure: no tasks, no clocks of its own (every method
//! is told the time), so each transition is unit tested on its own.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use super::state::{FlowState, ShownRequest};
use crate::config::FlowTiming;
use crate::error::UiError;
use crate::events::{FlowEvent, SourcedEvent};
use crate::pin::Pin;

/// How long to wait before trying a failed renewal again.
pub(super) const RENEWAL_RETRY: Duration = Duration::from_secs(5);

/// One created request and the PIN that goes with it.
pub(super) struct Attempt {
    pub shown: ShownRequest,
    pub pin: Option<Pin>,
    pub created_at: SystemTime,
    /// This request's own event source is reconnecting. Kept per request:
    /// each has its own subscription, and the screen shows the one on it.
    pub reconnecting: bool,
}

/// What an event did.
#[derive(Debug, PartialEq)]
pub(super) enum Reaction {
    /// Not a request this flow created: nothing changes, nothing is recorded.
    Foreign,
    /// About a request the flow replaced: recorded as ignored.
    Ignored,
    /// Recorded; what the screen shows changed.
    Changed,
    /// Recorded; the screen stays as it is (a repeated event).
    Unchanged,
    /// Recorded; the flow ends so.
    End(FlowState),
}

pub(super) struct Screen {
    current: Attempt,
    /// The request just replaced, and when: a wallet that scanned it moments
    /// before the switch still gets its PIN.
    replaced: Option<(Attempt, SystemTime)>,
    /// Every request id this flow created; events for any other are forged
    /// or misrouted and change nothing.
    created: HashSet<String>,
    renewals: u32,
    retrieved: bool,
    next_renewal: Option<SystemTime>,
    /// Why the last renewal failed, while no later one has succeeded.
    renewal_error: Option<UiError>,
}

impl Screen {
    pub fn new(first: Attempt, renewable: bool, timing: &FlowTiming) -> Screen {
        let next_renewal = renewable.then(|| renewal_time(&first, timing));
        Screen {
            created: HashSet::from([first.shown.request_id.clone()]),
            current: first,
            replaced: None,
            renewals: 0,
            retrieved: false,
            next_renewal,
            renewal_error: None,
        }
    }

    #[cfg(test)]
    pub fn current_request_id(&self) -> &str {
        &self.current.shown.request_id
    }

    /// What the screen shows now; `renewing` while a replacement is made.
    pub fn view(&self, renewing: bool) -> FlowState {
        let request = self.current.shown.clone();
        if self.retrieved {
            FlowState::Retrieved {
                request,
                pin: self.current.pin.clone(),
                reconnecting: self.current.reconnecting,
            }
        } else {
            FlowState::AwaitingScan {
                request,
                renewing,
                renewals: self.renewals,
                reconnecting: self.current.reconnecting,
            }
        }
    }

    /// When to replace the request on screen, if it is to be replaced.
    pub fn renewal_due(&self, timing: &FlowTiming) -> Option<SystemTime> {
        self.next_renewal
            .filter(|_| !self.retrieved && self.renewals < timing.max_renewals)
    }

    /// When the flow gives up; `None` when that time cannot be represented
    /// (a service reported an absurd expiry), which ends the flow at once.
    pub fn deadline(&self, timing: &FlowTiming) -> Option<SystemTime> {
        let expires_at = self.current.shown.expires_at;
        if self.retrieved {
            expires_at.checked_add(timing.retrieved_grace)
        } else {
            Some(expires_at)
        }
    }

    /// How the flow ends at its deadline.
    pub fn at_deadline(&self) -> FlowState {
        match &self.renewal_error {
            Some(error) => FlowState::Failed(error.clone()),
            None => FlowState::Expired,
        }
    }

    /// Whether `events` (arrived while a replacement was being made) show
    /// that the wallet opened the request on screen: then it stays.
    pub fn opened_meanwhile<'a>(&self, mut events: impl Iterator<Item = &'a SourcedEvent>) -> bool {
        events.any(|e| !e.event.is_link() && e.request_id == self.current.shown.request_id)
    }

    /// `replacement` goes on screen in place of the current request.
    pub fn replace(&mut self, replacement: Attempt, now: SystemTime, timing: &FlowTiming) {
        self.renewal_error = None;
        self.renewals = self.renewals.saturating_add(1);
        self.next_renewal = Some(renewal_time(&replacement, timing));
        self.created.insert(replacement.shown.request_id.clone());
        let old = std::mem::replace(&mut self.current, replacement);
        self.replaced = Some((old, now));
    }

    /// A replacement was made but the wallet had opened the current request
    /// meanwhile: the current one stays, and its twin is only ever followed.
    pub fn keep_current(&mut self, unused: &Attempt) {
        self.renewal_error = None;
        self.created.insert(unused.shown.request_id.clone());
    }

    pub fn renewal_failed(&mut self, error: UiError, now: SystemTime) {
        self.renewal_error = Some(error);
        self.next_renewal = Some(now.checked_add(RENEWAL_RETRY).unwrap_or(now));
    }

    /// What `event` does to the screen.
    pub fn react(&mut self, event: &SourcedEvent, now: SystemTime, timing: &FlowTiming) -> Reaction {
        if !self.created.contains(&event.request_id) {
            return Reaction::Foreign;
        }
        if self.scanned_just_before_renewal(event, now, timing) {
            if let Some((old, _)) = self.replaced.take() {
                tracing::info!("the replaced request was opened just before the switch: back to it");
                self.current = old;
            }
        }
        if event.event.is_link() {
            return self.link_changed(event);
        }
        if event.request_id != self.current.shown.request_id {
            // A replaced request that was issued anyway (a wallet kept the
            // old code) did give the recipient a credential: say so instead
            // of expiring and inviting a second one.
            return match event.event {
                FlowEvent::Issued => Reaction::End(FlowState::Issued {
                    request_id: event.request_id.clone(),
                }),
                _ => Reaction::Ignored,
            };
        }
        let request_id = self.current.shown.request_id.clone();
        match &event.event {
            FlowEvent::Retrieved => changed(!std::mem::replace(&mut self.retrieved, true)),
            FlowEvent::Reconnecting | FlowEvent::Reconnected => Reaction::Unchanged,
            FlowEvent::Issued => Reaction::End(FlowState::Issued { request_id }),
            FlowEvent::Verified(presentation) => Reaction::End(FlowState::Verified {
                request_id,
                presentation: presentation.clone(),
            }),
            FlowEvent::Failed { code, message } => {
                Reaction::End(FlowState::Failed(UiError::from_service(code, message)))
            }
            FlowEvent::Expired => Reaction::End(FlowState::Expired),
        }
    }

    /// A request's event source lost or regained its connection: recorded
    /// for the request on screen and the one just replaced (which may come
    /// back), changing the screen only for the one on it.
    fn link_changed(&mut self, event: &SourcedEvent) -> Reaction {
        let down = event.event == FlowEvent::Reconnecting;
        if event.request_id == self.current.shown.request_id {
            return changed(std::mem::replace(&mut self.current.reconnecting, down) != down);
        }
        if let Some((replaced, _)) = self.replaced.as_mut() {
            if replaced.shown.request_id == event.request_id {
                replaced.reconnecting = down;
            }
        }
        Reaction::Ignored
    }

    /// A `Retrieved` for the request replaced moments ago (the callback was
    /// on its way during the switch) while that request is still valid.
    fn scanned_just_before_renewal(
        &self,
        event: &SourcedEvent,
        now: SystemTime,
        timing: &FlowTiming,
    ) -> bool {
        let Some((old, switched_at)) = &self.replaced else {
            return false;
        };
        event.event == FlowEvent::Retrieved
            && event.request_id == old.shown.request_id
            && now < old.shown.expires_at
            && now.duration_since(*switched_at).unwrap_or_default() <= timing.switch_back
    }
}

fn changed(did_change: bool) -> Reaction {
    if did_change {
        Reaction::Changed
    } else {
        Reaction::Unchanged
    }
}

/// When to replace `attempt`: `renew_before` ahead of its expiry, or at half
/// its life for short-lived requests.
fn renewal_time(attempt: &Attempt, timing: &FlowTiming) -> SystemTime {
    let expires_at = attempt.shown.expires_at;
    let lifetime = expires_at
        .duration_since(attempt.created_at)
        .unwrap_or(Duration::ZERO);
    let lead = timing.renew_before.min(lifetime / 2);
    expires_at.checked_sub(lead).unwrap_or(attempt.created_at)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    const T0: Duration = Duration::from_secs(1_800_000_000);

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + T0 + Duration::from_secs(secs)
    }

    fn attempt(id: &str, created: u64, expires: u64) -> Attempt {
        Attempt {
            shown: ShownRequest {
                request_id: id.to_owned(),
                url: format!("openid-vc://?request_uri=https://example/{id}"),
                expires_at: at(expires),
                service_latency: Duration::ZERO,
            },
            pin: Some(Pin::generate(6).unwrap()),
            created_at: at(created),
            reconnecting: false,
        }
    }

    fn event(id: &str, event: FlowEvent) -> SourcedEvent {
        SourcedEvent {
            request_id: id.to_owned(),
            event,
            received_at: Instant::now(),
        }
    }

    fn timing() -> FlowTiming {
        FlowTiming::default()
    }

    #[test]
    fn renewal_is_due_ahead_of_expiry_or_at_half_life() {
        let screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        assert_eq!(screen.renewal_due(&timing()), Some(at(270)));
        let short = Screen::new(attempt("r1", 0, 20), true, &timing());
        assert_eq!(short.renewal_due(&timing()), Some(at(10)));
        let spent_photo = Screen::new(attempt("r1", 0, 300), false, &timing());
        assert_eq!(spent_photo.renewal_due(&timing()), None);
    }

    #[test]
    fn the_pin_is_in_the_view_only_after_retrieval() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        assert!(screen.view(false).pin().is_none());
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Retrieved), at(5), &timing()),
            Reaction::Changed
        );
        assert!(screen.view(false).pin().is_some());
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Retrieved), at(6), &timing()),
            Reaction::Unchanged
        );
        assert_eq!(
            screen.renewal_due(&timing()),
            None,
            "an opened request is not replaced"
        );
        assert_eq!(screen.deadline(&timing()), Some(at(300 + 120)));
    }

    #[test]
    fn events_for_requests_the_flow_did_not_create_change_nothing() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        for forged in [FlowEvent::Issued, FlowEvent::Retrieved, FlowEvent::Reconnecting] {
            assert_eq!(
                screen.react(&event("r-forged", forged), at(5), &timing()),
                Reaction::Foreign
            );
        }
        assert_eq!(screen.view(false).name(), "awaiting_scan");
        assert!(screen.view(false).pin().is_none());
    }

    #[test]
    fn a_replaced_request_is_ignored_unless_issued_or_opened_just_before() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        screen.replace(attempt("r2", 270, 570), at(270), &timing());
        assert_eq!(screen.current_request_id(), "r2");
        assert_eq!(screen.renewal_due(&timing()), Some(at(540)));
        // Within switch_back, the old request's scan switches back to it.
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Retrieved), at(275), &timing()),
            Reaction::Changed
        );
        assert_eq!(screen.current_request_id(), "r1");
        assert_eq!(
            screen.react(&event("r2", FlowEvent::Retrieved), at(276), &timing()),
            Reaction::Ignored
        );
        assert_eq!(
            screen.react(&event("r2", FlowEvent::Issued), at(277), &timing()),
            Reaction::End(FlowState::Issued {
                request_id: "r2".into()
            })
        );
    }

    #[test]
    fn a_late_scan_of_a_replaced_request_does_not_switch_back() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        screen.replace(attempt("r2", 270, 570), at(270), &timing());
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Retrieved), at(290), &timing()),
            Reaction::Ignored
        );
        assert_eq!(screen.current_request_id(), "r2");
    }

    #[test]
    fn reconnecting_shows_until_reconnected() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Reconnecting), at(5), &timing()),
            Reaction::Changed
        );
        assert!(matches!(
            screen.view(false),
            FlowState::AwaitingScan {
                reconnecting: true,
                ..
            }
        ));
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Reconnecting), at(6), &timing()),
            Reaction::Unchanged
        );
        screen.react(&event("r1", FlowEvent::Retrieved), at(7), &timing());
        assert!(matches!(
            screen.view(false),
            FlowState::Retrieved {
                reconnecting: true,
                ..
            }
        ));
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Reconnected), at(8), &timing()),
            Reaction::Changed
        );
        assert!(matches!(
            screen.view(false),
            FlowState::Retrieved {
                reconnecting: false,
                ..
            }
        ));
    }

    #[test]
    fn each_request_shows_its_own_link_state() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        screen.react(&event("r1", FlowEvent::Reconnecting), at(5), &timing());
        screen.replace(attempt("r2", 270, 570), at(270), &timing());
        assert!(!screen.view(false).reconnecting(), "r2's own subscription is up");
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Reconnected), at(271), &timing()),
            Reaction::Ignored
        );
        assert_eq!(
            screen.react(&event("r1", FlowEvent::Reconnecting), at(272), &timing()),
            Reaction::Ignored
        );
        // Back to r1, whose link is down again: the screen says so.
        screen.react(&event("r1", FlowEvent::Retrieved), at(273), &timing());
        assert_eq!(screen.current_request_id(), "r1");
        assert!(screen.view(false).reconnecting());
    }

    #[test]
    fn a_failed_renewal_is_retried_and_named_at_the_deadline() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        assert_eq!(screen.at_deadline(), FlowState::Expired);
        let error = UiError {
            code: "provider.unreachable".into(),
            message: "no network".into(),
        };
        screen.renewal_failed(error, at(270));
        assert_eq!(screen.renewal_due(&timing()), Some(at(275)));
        assert!(
            matches!(screen.at_deadline(), FlowState::Failed(error) if error.code == "provider.unreachable")
        );
        screen.replace(attempt("r2", 276, 576), at(276), &timing());
        assert_eq!(screen.at_deadline(), FlowState::Expired);
    }

    #[test]
    fn renewals_stop_at_the_limit() {
        let timing = FlowTiming {
            max_renewals: 1,
            ..FlowTiming::default()
        };
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing);
        screen.replace(attempt("r2", 270, 570), at(270), &timing);
        assert_eq!(screen.renewal_due(&timing), None);
    }

    #[test]
    fn an_unrepresentable_deadline_is_none_not_a_panic() {
        let mut far = attempt("r1", 0, 0);
        far.shown.expires_at = SystemTime::UNIX_EPOCH + Duration::from_secs(i64::MAX as u64);
        let mut screen = Screen::new(far, true, &timing());
        screen.react(&event("r1", FlowEvent::Retrieved), at(1), &timing());
        assert_eq!(screen.deadline(&timing()), None);
    }

    #[test]
    fn a_twin_made_while_the_current_was_opened_is_known_but_not_shown() {
        let mut screen = Screen::new(attempt("r1", 0, 300), true, &timing());
        let opened = [event("r1", FlowEvent::Retrieved)];
        assert!(screen.opened_meanwhile(opened.iter()));
        let link = [event("r1", FlowEvent::Reconnected)];
        assert!(!screen.opened_meanwhile(link.iter()));
        let twin = attempt("r2", 270, 570);
        screen.keep_current(&twin);
        assert_eq!(screen.current_request_id(), "r1");
        assert_eq!(
            screen.react(&event("r2", FlowEvent::Retrieved), at(271), &timing()),
            Reaction::Ignored
        );
    }
}
