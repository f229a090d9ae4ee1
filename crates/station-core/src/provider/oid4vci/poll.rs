//! Following one offer by polling its credential history: each step
//! becomes a flow event, a Deferred offer's claims go to the issuer when a
//! wallet takes it, and an issuer that is busy (429/503, `Retry-After`) or
//! out of reach is asked less often, not more.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Method;

use super::status::{events_between, progress_of_history, OfferProgress};
use super::wire::{CredentialData, DeferredUpdate};
use super::{Inner, HISTORY_PATH};
use crate::error::ErrorCode;
use crate::events::{EventSink, FlowEvent, SourcedEvent};
use crate::provider::retry::doubled;
use crate::provider::ProviderError;

/// The longest wait between two polls, whatever the issuer asks: an
/// issuer's `Retry-After` is honoured up to here, so a person at the desk
/// still sees the scan within half a minute.
pub const MAX_POLL_DELAY: Duration = Duration::from_secs(30);

/// The wait before the next poll after `failures` failed ones in a row:
/// the poll interval doubled per failure, at least what the issuer asked
/// for, at most [`MAX_POLL_DELAY`]. No value overflows: an absurd
/// `Retry-After` is clamped.
pub fn poll_delay(interval: Duration, failures: u32, asked: Option<Duration>) -> Duration {
    doubled(interval, failures, MAX_POLL_DELAY)
        .max(asked.unwrap_or(Duration::ZERO))
        .min(MAX_POLL_DELAY)
}

/// Drops the offer's claims when the poller stops for any reason: the
/// flow dropping its feed (cancelled, ended) aborts the task, and this is
/// dropped with it.
struct ForgetOnDrop {
    inner: Arc<Inner>,
    exchange_id: String,
}

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        self.inner.deferred.forget(&self.exchange_id);
    }
}

/// Polls the offer until it ends, sending each step as a flow event.
/// The claims' guard is made here, outside the future, so a feed dropped
/// before its task ever ran still drops them.
pub(super) fn follow_offer(
    inner: Arc<Inner>,
    exchange_id: String,
    events: EventSink,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let forget = ForgetOnDrop {
        inner: Arc::clone(&inner),
        exchange_id: exchange_id.clone(),
    };
    async move {
        let _forget = forget;
        poll_until_ended(&inner, &exchange_id, &events).await;
    }
}

async fn poll_until_ended(inner: &Inner, exchange_id: &str, events: &EventSink) {
    let exchange_id = exchange_id.to_owned();
    let interval = inner.config.poll_interval;
    let mut seen = OfferProgress::Sent;
    let mut failures = 0u32;
    let mut delay = interval;
    loop {
        let now = SystemTime::now();
        // Held claims are dropped on time, not at the next poll.
        let wait = match inner.deferred.expiry_of(&exchange_id) {
            Some(at) => delay.min(at.duration_since(now).unwrap_or(Duration::ZERO)),
            None => delay,
        };
        tokio::time::sleep(wait).await;
        let history = match inner.history(&exchange_id).await {
            Ok(history) => history,
            Err(error) => {
                failures = failures.saturating_add(1);
                let asked = match &error {
                    ProviderError::Busy { wait_asked, .. } => *wait_asked,
                    _ => None,
                };
                delay = poll_delay(interval, failures, asked);
                // The flow's own deadline ends an offer whose status
                // cannot be read; until then, keep trying.
                tracing::warn!(%error, retry_in = ?delay, "offer status not read");
                inner.deferred.forget_expired(SystemTime::now());
                continue;
            }
        };
        failures = 0;
        delay = interval;
        let Some((now, status)) = progress_of_history(&history, seen == OfferProgress::Issued) else {
            inner.deferred.forget_expired(SystemTime::now());
            continue;
        };
        // Claims still held once the wallet took the offer go out now: at
        // the first such poll, or again after the issuer could not take them.
        if now >= OfferProgress::Received {
            if let Some(refused) = release_deferred_claims(inner, &exchange_id).await {
                events.send(SourcedEvent {
                    request_id: exchange_id.clone(),
                    event: refused,
                    received_at: Instant::now(),
                });
                return;
            }
        }
        // Read the status before dropping expired claims: an offer taken
        // moments before its expiry still gets them.
        inner.deferred.forget_expired(SystemTime::now());
        for event in events_between(seen, now, status) {
            let ended = matches!(event, FlowEvent::Issued | FlowEvent::Failed { .. });
            let delivered = events.send(SourcedEvent {
                request_id: exchange_id.clone(),
                event,
                received_at: Instant::now(),
            });
            if !delivered || ended {
                return;
            }
        }
        seen = seen.max(now);
    }
}

/// Sends a Deferred offer's claims now that a wallet has taken it. Claims
/// the issuer could not be reached for are kept for the next poll, past the
/// offer's expiry (the wallet is waiting for them), until the flow ends;
/// claims the issuer refuses end the flow with its reason.
async fn release_deferred_claims(inner: &Inner, exchange_id: &str) -> Option<FlowEvent> {
    let mut held = inner.deferred.take(exchange_id)?;
    let update = DeferredUpdate {
        credential: CredentialData::carrier(held.format, &held.claims),
    };
    let sent = inner
        .call(
            Method::PUT,
            &format!("{HISTORY_PATH}/{exchange_id}"),
            Some(&update),
        )
        .await;
    match sent {
        Ok(_) => None,
        Err(error @ (ProviderError::Busy { .. } | ProviderError::Unreachable { .. })) => {
            tracing::warn!(%error, "deferred claims not delivered yet, will retry");
            let now = SystemTime::now();
            held.expires_at = held
                .expires_at
                .max(now.checked_add(TAKEN_OFFER_HOLD).unwrap_or(now));
            inner.deferred.restore(exchange_id.to_owned(), held, now);
            None
        }
        Err(error) => {
            tracing::warn!(%error, "deferred claims refused by the issuer");
            Some(FlowEvent::Failed {
                code: error.code().to_owned(),
                message: error.to_string(),
            })
        }
    }
}

/// How long claims of a taken offer wait for the issuer to be reachable:
/// as long as a flow waits after a scan (`flow.retrieved_grace_secs` is at
/// most an hour). The flow's end drops them sooner.
const TAKEN_OFFER_HOLD: Duration = Duration::from_secs(3600);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_exponentially_to_a_cap() {
        let second = Duration::from_secs(1);
        assert_eq!(poll_delay(second, 0, None), second);
        assert_eq!(poll_delay(second, 1, None), 2 * second);
        assert_eq!(poll_delay(second, 3, None), 8 * second);
        assert_eq!(poll_delay(second, 5, None), MAX_POLL_DELAY);
        assert_eq!(poll_delay(second, u32::MAX, None), MAX_POLL_DELAY);
        assert_eq!(poll_delay(Duration::MAX, 31, None), MAX_POLL_DELAY);
    }

    #[test]
    fn honours_retry_after_but_clamps_an_absurd_one() {
        let interval = Duration::from_millis(200);
        assert_eq!(
            poll_delay(interval, 1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            poll_delay(interval, 1, Some(Duration::from_secs(u64::MAX))),
            MAX_POLL_DELAY
        );
        assert_eq!(poll_delay(interval, 1, Some(Duration::MAX)), MAX_POLL_DELAY);
        // A Retry-After shorter than the backoff does not hurry the poll.
        assert_eq!(
            poll_delay(interval, 2, Some(Duration::ZERO)),
            Duration::from_millis(800)
        );
    }

    /// The header itself, as seconds or an HTTP date, however large.
    #[test]
    fn absurd_retry_after_headers_do_not_panic() {
        use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
        let now = SystemTime::now();
        for value in [
            "18446744073709551615",
            "99999999999999999999999999",
            "-5",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "soon",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            let asked = crate::provider::retry::retry_after(&headers, now);
            assert!(
                poll_delay(Duration::from_millis(200), 1, asked) <= MAX_POLL_DELAY,
                "{value}"
            );
        }
    }
}
