//! Offer statuses (seed 004) as flow events, reconciled: a poll that finds
//! the offer two steps on reports both steps, in order, so a transition
//! that happened between polls is never lost.

use super::wire::History;
use crate::events::FlowEvent;

/// Where an offer is on its way to the wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OfferProgress {
    Sent,
    /// The wallet took the offer (`offer_received`): the PIN may be shown.
    Received,
    /// The credential is in the wallet (`credential_issued`, `_acked`,
    /// `_accepted`).
    Issued,
    /// `issuance_denied`, or `credential_deleted` before anything was issued.
    Denied,
}

/// The progress a status means; `None` for a status this station does not
/// know (an issuer's extension), which is then ignored.
pub fn progress_of(status: &str, issued_before: bool) -> Option<OfferProgress> {
    Some(match status {
        "offer_sent" => OfferProgress::Sent,
        "offer_received" | "token_issued" => OfferProgress::Received,
        "credential_issued" | "credential_acked" | "credential_accepted" => OfferProgress::Issued,
        // The holder deleting a credential it has is not a failed issuance.
        "credential_deleted" if issued_before => OfferProgress::Issued,
        "credential_deleted" | "issuance_denied" => OfferProgress::Denied,
        _ => return None,
    })
}

/// Where an issuance is, from all its exchange records (a definition may
/// make several), with the status that decides it: one denial denies it;
/// it is issued once every record is; a wallet has taken it once any
/// record was received. Records of unknown statuses are left out; `None`
/// when none is known.
pub fn progress_of_history(history: &History, issued_before: bool) -> Option<(OfferProgress, &str)> {
    let known: Vec<(OfferProgress, &str)> = history
        .records()
        .filter_map(|r| progress_of(&r.status, issued_before).map(|p| (p, r.status.as_str())))
        .collect();
    if let Some(denied) = known.iter().find(|(p, _)| *p == OfferProgress::Denied) {
        return Some(*denied);
    }
    if known.iter().all(|(p, _)| *p == OfferProgress::Issued) {
        return known.first().copied();
    }
    // Not every record is issued: a wallet that took any of them has the offer.
    let (furthest, status) = known.iter().copied().max_by_key(|(p, _)| *p)?;
    Some((furthest.min(OfferProgress::Received), status))
}

/// The events that lead from `seen` to `now`, in order.
pub fn events_between(seen: OfferProgress, now: OfferProgress, status: &str) -> Vec<FlowEvent> {
    let mut events = Vec::new();
    if seen >= now {
        return events;
    }
    // A denial is not a scan: it must not reveal the PIN.
    if seen < OfferProgress::Received && matches!(now, OfferProgress::Received | OfferProgress::Issued) {
        events.push(FlowEvent::Retrieved);
    }
    match now {
        OfferProgress::Issued => events.push(FlowEvent::Issued),
        OfferProgress::Denied => events.push(FlowEvent::Failed {
            code: status.to_owned(),
            message: denied_message(status),
        }),
        OfferProgress::Sent | OfferProgress::Received => {}
    }
    events
}

fn denied_message(status: &str) -> String {
    match status {
        "credential_deleted" => "the wallet deleted the credential before it was issued".to_owned(),
        _ => "the issuer denied this issuance".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(code: &str) -> FlowEvent {
        FlowEvent::Failed {
            code: code.into(),
            message: denied_message(code),
        }
    }

    #[test]
    fn every_documented_status_has_a_meaning() {
        let expected = [
            ("offer_sent", OfferProgress::Sent),
            ("offer_received", OfferProgress::Received),
            ("credential_issued", OfferProgress::Issued),
            ("credential_acked", OfferProgress::Issued),
            ("credential_accepted", OfferProgress::Issued),
            ("credential_deleted", OfferProgress::Denied),
            ("issuance_denied", OfferProgress::Denied),
        ];
        for (status, progress) in expected {
            assert_eq!(progress_of(status, false), Some(progress), "{status}");
        }
        assert_eq!(
            progress_of("credential_deleted", true),
            Some(OfferProgress::Issued)
        );
        assert_eq!(progress_of("something_new", false), None);
    }

    #[test]
    fn a_poll_that_missed_the_scan_still_reports_it_before_the_issuance() {
        assert_eq!(
            events_between(OfferProgress::Sent, OfferProgress::Issued, "credential_acked"),
            vec![FlowEvent::Retrieved, FlowEvent::Issued]
        );
        assert_eq!(
            events_between(
                OfferProgress::Received,
                OfferProgress::Issued,
                "credential_issued"
            ),
            vec![FlowEvent::Issued]
        );
        assert_eq!(
            events_between(OfferProgress::Sent, OfferProgress::Received, "offer_received"),
            vec![FlowEvent::Retrieved]
        );
    }

    fn history(statuses: &[&str]) -> History {
        let records: Vec<serde_json::Value> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| serde_json::json!({"credentialExchangeId": format!("x-{i}"), "status": s}))
            .collect();
        let body = serde_json::json!({ "credentialHistory": records });
        crate::provider::oid4vci::wire::parse_history(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn several_records_make_one_progress() {
        let progress = |statuses: &[&str]| progress_of_history(&history(statuses), false).map(|(p, _)| p);
        assert_eq!(progress(&["offer_sent", "offer_sent"]), Some(OfferProgress::Sent));
        assert_eq!(
            progress(&["offer_sent", "offer_received"]),
            Some(OfferProgress::Received)
        );
        assert_eq!(
            progress(&["credential_issued", "offer_received"]),
            Some(OfferProgress::Received)
        );
        assert_eq!(
            progress(&["credential_issued", "credential_accepted"]),
            Some(OfferProgress::Issued)
        );
        assert_eq!(
            progress_of_history(&history(&["credential_issued", "issuance_denied"]), false),
            Some((OfferProgress::Denied, "issuance_denied"))
        );
        assert_eq!(
            progress(&["something_new", "credential_issued"]),
            Some(OfferProgress::Issued)
        );
        assert_eq!(progress(&["something_new"]), None);
    }

    #[test]
    fn nothing_is_reported_twice_and_a_denial_reveals_no_pin() {
        assert!(
            events_between(OfferProgress::Received, OfferProgress::Received, "offer_received").is_empty()
        );
        assert!(events_between(OfferProgress::Issued, OfferProgress::Received, "offer_received").is_empty());
        assert_eq!(
            events_between(OfferProgress::Sent, OfferProgress::Denied, "issuance_denied"),
            vec![failed("issuance_denied")]
        );
        assert_eq!(
            events_between(
                OfferProgress::Received,
                OfferProgress::Denied,
                "credential_deleted"
            ),
            vec![failed("credential_deleted")]
        );
    }
}
