//! The issuer's memory: credential exchanges (one per offer) with their
//! pre-authorized codes, the access tokens and nonces handed to wallets.
//! The rules a code obeys (single use, lifetime, three `tx_code` guesses)
//! live here, apart from HTTP, so they are tested directly.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::definitions::CredentialDefinition;
use super::status::{CredentialStatus, IssuanceMode, OfferStatus};

/// Wrong `tx_code`s a code survives; the next one kills it, so a PIN of
/// four digits cannot be guessed by a wallet trying them all.
pub(crate) const MAX_WRONG_TX_CODES: u8 = 3;

/// How long a `c_nonce` can be used.
const NONCE_LIFETIME: Duration = Duration::from_secs(300);

/// An exchange nobody has touched for this long is forgotten, so a
/// long-running sandbox does not grow without bound. Long, because a
/// Deferred credential's claims may come much later.
const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// 256 random bits, base64url: codes, tokens, nonces and ids.
pub(crate) fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// One status change, kept so a poller can see steps it missed.
#[derive(Debug, Clone)]
pub(crate) struct Transition {
    pub status: OfferStatus,
    pub at: SystemTime,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    pub id: String,
    pub mode: IssuanceMode,
    pub definition: &'static CredentialDefinition,
    /// `credential.type` or `credential.vct` as the caller sent it.
    pub credential_type: Option<Value>,
    /// The claims: from the issue call (InTime) or the update (Deferred).
    pub subject: Option<Map<String, Value>>,
    pub credential_metadata: Option<Value>,
    pub claims_ready: bool,
    /// The credential offer (OID4VCI 1.0), served at `offers/{id}`.
    pub offer: Value,
    /// What the QR code carries: the offer by reference.
    pub offer_uri: String,
    pub status: OfferStatus,
    pub history: Vec<Transition>,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub code: String,
    pub tx_code: Option<String>,
    pub code_expires_at: SystemTime,
    pub wrong_tx_codes: u8,
    pub code_redeemed: bool,
    /// Set when the wallet asked before a Deferred credential was ready.
    pub transaction_id: Option<String>,
    pub notification_id: Option<String>,
    /// `cnf.jwk`: the holder key from the wallet's proof.
    pub holder_jwk: Option<Value>,
    pub denied_reason: Option<String>,
}

impl Exchange {
    pub(crate) fn credential_status(&self) -> CredentialStatus {
        if self.claims_ready {
            CredentialStatus::Ready
        } else {
            CredentialStatus::Pending
        }
    }

    pub(crate) fn set_status(&mut self, status: OfferStatus, note: Option<String>, now: SystemTime) {
        self.status = status;
        self.updated_at = now;
        self.history.push(Transition {
            status,
            at: now,
            note,
        });
    }
}

/// Why a token request is refused; each maps onto an OAuth error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CodeRefusal {
    Unknown,
    Expired,
    Redeemed,
    /// Killed by too many wrong `tx_code`s.
    Exhausted,
    Denied,
    TxCodeMissing,
    TxCodeUnexpected,
    WrongTxCode {
        tries_left: u8,
    },
}

struct AccessGrant {
    exchange_id: String,
    expires_at: SystemTime,
}

#[derive(Default)]
pub(crate) struct Store {
    exchanges: HashMap<String, Exchange>,
    tokens: HashMap<String, AccessGrant>,
    nonces: HashMap<String, SystemTime>,
}

impl Store {
    pub(crate) fn add(&mut self, exchange: Exchange, now: SystemTime) {
        self.exchanges.retain(|_, old| {
            now.duration_since(old.updated_at)
                .map_or(true, |age| age <= STALE_AFTER)
        });
        self.exchanges.insert(exchange.id.clone(), exchange);
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Exchange> {
        self.exchanges.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Exchange> {
        self.exchanges.get_mut(id)
    }

    /// Redeems a pre-authorized code: the id of its exchange, or why not.
    /// The first request for a live code marks the offer received, even
    /// when its `tx_code` is wrong: the wallet has opened the offer.
    pub(crate) fn redeem_code(
        &mut self,
        code: &str,
        tx_code: Option<&str>,
        now: SystemTime,
    ) -> Result<String, CodeRefusal> {
        let exchange = self
            .exchanges
            .values_mut()
            .find(|e| bool::from(e.code.as_bytes().ct_eq(code.as_bytes())))
            .ok_or(CodeRefusal::Unknown)?;
        if exchange.status == OfferStatus::IssuanceDenied {
            return Err(CodeRefusal::Denied);
        }
        if exchange.code_redeemed {
            return Err(CodeRefusal::Redeemed);
        }
        if now >= exchange.code_expires_at {
            return Err(CodeRefusal::Expired);
        }
        if exchange.wrong_tx_codes >= MAX_WRONG_TX_CODES {
            return Err(CodeRefusal::Exhausted);
        }
        if exchange.status == OfferStatus::OfferSent {
            exchange.set_status(OfferStatus::OfferReceived, None, now);
        }
        match (&exchange.tx_code, tx_code) {
            (None, None) => {}
            (None, Some(_)) => return Err(CodeRefusal::TxCodeUnexpected),
            (Some(_), None) => return Err(CodeRefusal::TxCodeMissing),
            (Some(expected), Some(given)) => {
                if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
                    exchange.wrong_tx_codes += 1;
                    exchange.updated_at = now;
                    return Err(CodeRefusal::WrongTxCode {
                        tries_left: MAX_WRONG_TX_CODES - exchange.wrong_tx_codes,
                    });
                }
            }
        }
        exchange.code_redeemed = true;
        exchange.updated_at = now;
        Ok(exchange.id.clone())
    }

    pub(crate) fn add_token(&mut self, exchange_id: &str, lifetime: Duration, now: SystemTime) -> String {
        self.tokens.retain(|_, grant| grant.expires_at > now);
        let token = random_token();
        self.tokens.insert(
            token.clone(),
            AccessGrant {
                exchange_id: exchange_id.to_owned(),
                expires_at: now + lifetime,
            },
        );
        token
    }

    /// The exchange a live access token was issued for.
    pub(crate) fn token_exchange(&self, token: &str, now: SystemTime) -> Option<String> {
        self.tokens
            .get(token)
            .filter(|grant| grant.expires_at > now)
            .map(|grant| grant.exchange_id.clone())
    }

    pub(crate) fn add_nonce(&mut self, now: SystemTime) -> (String, Duration) {
        self.nonces.retain(|_, expires_at| *expires_at > now);
        let nonce = random_token();
        self.nonces.insert(nonce.clone(), now + NONCE_LIFETIME);
        (nonce, NONCE_LIFETIME)
    }

    /// Uses up a nonce; false if it was never handed out, used or expired.
    pub(crate) fn take_nonce(&mut self, nonce: &str, now: SystemTime) -> bool {
        self.nonces
            .remove(nonce)
            .is_some_and(|expires_at| expires_at > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oid4vci::definitions::DEFINITIONS;

    fn exchange(tx_code: Option<&str>, now: SystemTime) -> Exchange {
        Exchange {
            id: "x1".to_owned(),
            mode: IssuanceMode::InTime,
            definition: &DEFINITIONS[0],
            credential_type: None,
            subject: None,
            credential_metadata: None,
            claims_ready: true,
            offer: Value::Null,
            offer_uri: String::new(),
            status: OfferStatus::OfferSent,
            history: Vec::new(),
            created_at: now,
            updated_at: now,
            code: "code".to_owned(),
            tx_code: tx_code.map(str::to_owned),
            code_expires_at: now + Duration::from_secs(600),
            wrong_tx_codes: 0,
            code_redeemed: false,
            transaction_id: None,
            notification_id: None,
            holder_jwk: None,
            denied_reason: None,
        }
    }

    #[test]
    fn three_wrong_tx_codes_kill_the_code() {
        let now = SystemTime::now();
        let mut store = Store::default();
        store.add(exchange(Some("1234"), now), now);
        assert_eq!(
            store.redeem_code("code", Some("0000"), now),
            Err(CodeRefusal::WrongTxCode { tries_left: 2 })
        );
        assert_eq!(
            store.get("x1").map(|e| e.status),
            Some(OfferStatus::OfferReceived)
        );
        assert_eq!(
            store.redeem_code("code", Some("0001"), now),
            Err(CodeRefusal::WrongTxCode { tries_left: 1 })
        );
        assert_eq!(
            store.redeem_code("code", Some("0002"), now),
            Err(CodeRefusal::WrongTxCode { tries_left: 0 })
        );
        assert_eq!(
            store.redeem_code("code", Some("1234"), now),
            Err(CodeRefusal::Exhausted)
        );
    }

    #[test]
    fn a_code_works_once_and_not_after_expiry() {
        let now = SystemTime::now();
        let mut store = Store::default();
        store.add(exchange(None, now), now);
        let later = now + Duration::from_secs(601);
        assert_eq!(store.redeem_code("code", None, later), Err(CodeRefusal::Expired));
        assert_eq!(store.get("x1").map(|e| e.status), Some(OfferStatus::OfferSent));
        assert_eq!(
            store.redeem_code("code", Some("1"), now),
            Err(CodeRefusal::TxCodeUnexpected)
        );
        assert_eq!(store.redeem_code("code", None, now), Ok("x1".to_owned()));
        assert_eq!(store.redeem_code("code", None, now), Err(CodeRefusal::Redeemed));
        assert_eq!(store.redeem_code("other", None, now), Err(CodeRefusal::Unknown));
    }

    #[test]
    fn nonces_and_tokens_are_single_use_or_expire() {
        let now = SystemTime::now();
        let mut store = Store::default();
        let (nonce, lifetime) = store.add_nonce(now);
        assert!(!store.take_nonce(&nonce, now + lifetime));
        let (nonce, _) = store.add_nonce(now);
        assert!(store.take_nonce(&nonce, now));
        assert!(!store.take_nonce(&nonce, now));
        let token = store.add_token("x1", Duration::from_secs(10), now);
        assert_eq!(store.token_exchange(&token, now), Some("x1".to_owned()));
        assert_eq!(store.token_exchange(&token, now + Duration::from_secs(10)), None);
    }

    #[test]
    fn stale_exchanges_are_forgotten() {
        let then = SystemTime::now();
        let mut store = Store::default();
        store.add(exchange(None, then), then);
        let mut newer = exchange(None, then);
        newer.id = "x2".to_owned();
        store.add(newer, then + STALE_AFTER + Duration::from_secs(1));
        assert!(store.get("x1").is_none());
        assert!(store.get("x2").is_some());
    }
}
