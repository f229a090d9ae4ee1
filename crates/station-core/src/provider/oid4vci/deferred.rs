//! The claims of Deferred offers, held until a wallet takes the offer and
//! they go to the issuer. They are the recipient's data (a photo, often),
//! so they leave memory as soon as they cannot be needed: sent, the offer
//! expired, or its poller stopped (the flow was cancelled or ended).
//!
//! A renewal replaces an offer on screen, but the replaced offer still
//! works until it expires: the flow switches back to it when a wallet
//! scanned it just before the switch, and ends as issued when a wallet
//! redeems it anyway. Its claims therefore stay until that expiry (at most
//! the flow's `renew_before` after the replacement), not a moment longer.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use zeroize::Zeroize;

use crate::config::CredentialFormat;
use crate::provider::Claims;

/// One offer's claims and how to send them.
pub(super) struct Held {
    pub claims: Claims,
    pub format: CredentialFormat,
    /// When the offer stops being shown; the claims go then.
    pub expires_at: SystemTime,
}

impl Drop for Held {
    /// Freed memory is not cleared; the values (a base64 photo among them)
    /// are, so they do not linger in the heap.
    fn drop(&mut self) {
        for value in self.claims.values_mut() {
            value.zeroize();
        }
    }
}

/// Deferred offers' claims by credential exchange id.
#[derive(Default)]
pub(super) struct DeferredClaims(Mutex<HashMap<String, Held>>);

impl DeferredClaims {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Held>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds `held` for `exchange_id`; drops what has expired meanwhile,
    /// which catches an offer whose poller never started.
    pub fn hold(&self, exchange_id: String, held: Held, now: SystemTime) {
        let mut map = self.lock();
        map.retain(|_, h| h.expires_at > now);
        map.insert(exchange_id, held);
    }

    /// Takes the claims out to send them.
    pub fn take(&self, exchange_id: &str) -> Option<Held> {
        self.lock().remove(exchange_id)
    }

    /// Puts back claims that could not be sent, unless their offer has
    /// expired meanwhile.
    pub fn restore(&self, exchange_id: String, held: Held, now: SystemTime) {
        if held.expires_at > now {
            self.lock().insert(exchange_id, held);
        }
    }

    pub fn forget(&self, exchange_id: &str) {
        self.lock().remove(exchange_id);
    }

    /// Drops the claims of every offer past its expiry.
    pub fn forget_expired(&self, now: SystemTime) {
        self.lock().retain(|_, h| h.expires_at > now);
    }

    /// When the claims held for `exchange_id` must go, if any are held.
    pub fn expiry_of(&self, exchange_id: &str) -> Option<SystemTime> {
        self.lock().get(exchange_id).map(|h| h.expires_at)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn held(expires_at: SystemTime) -> Held {
        Held {
            claims: Claims::from([("photo".to_owned(), "aGVsbG8".to_owned())]),
            format: CredentialFormat::SdJwt,
            expires_at,
        }
    }

    #[test]
    fn expired_claims_go_and_are_not_restored() {
        let now = SystemTime::now();
        let store = DeferredClaims::default();
        store.hold("old".into(), held(now + Duration::from_secs(1)), now);
        store.hold(
            "new".into(),
            held(now + Duration::from_secs(60)),
            now + Duration::from_secs(2),
        );
        assert_eq!((store.len(), store.expiry_of("old")), (1, None));
        let taken = store.take("new").unwrap();
        store.restore("new".into(), taken, now + Duration::from_secs(61));
        assert_eq!(store.len(), 0);
        store.hold("a".into(), held(now + Duration::from_secs(5)), now);
        store.forget_expired(now + Duration::from_secs(5));
        assert_eq!(store.len(), 0);
    }
}
