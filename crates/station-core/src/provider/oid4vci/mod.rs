//! An OID4VCI issuer through its admin API (seed 004, and iGrant's API as
//! it is today): the station asks for a credential offer with a
//! pre-authorized code (the PIN becomes the offer's `tx_code`), shows the
//! offer URI as the QR code, and follows the offer's status by polling the
//! credential history, since the issuer's webhooks are sent once and never
//! retried.
//!
//! In Deferred mode the claims go to the issuer only once a wallet has
//! taken the offer: until someone scans, the recipient's data stays here
//! (see [`deferred`] for how long).

mod deferred;
mod poll;
mod status;
pub mod wire;

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use super::{
    endpoint, not_this_service, retry, CallbackTicket, CreatedRequest, IssuanceSpec, Provider, ProviderError,
};
use crate::config::{IssuanceTarget, Oid4vciConfig, Oid4vciMode};
use crate::events::{EventFeed, EventSink};
use crate::secrets::{self, Secret, SecretStore};
use deferred::{DeferredClaims, Held};

pub use poll::{poll_delay, MAX_POLL_DELAY};
pub use status::{events_between, progress_of, progress_of_history, OfferProgress};

const ISSUE_PATH: &str = "v2/config/digital-wallet/openid/sdjwt/credential/issue";
const HISTORY_PATH: &str = "v2/config/digital-wallet/openid/sdjwt/credential/history";

/// The longest `userPin` the issuer takes (4 to 12 characters); it is the
/// offer's `tx_code`.
pub const MAX_USER_PIN_LENGTH: u8 = 12;

#[derive(Clone)]
pub struct Oid4vciProvider {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: Oid4vciConfig,
    /// The service name the API key is stored under.
    service: String,
    secrets: Arc<dyn SecretStore>,
    /// The API key once read: every poll needs it, and a keyring lookup
    /// blocks (D-Bus, Keychain) and may prompt.
    api_key: Mutex<Option<Secret>>,
    deferred: DeferredClaims,
}

impl Oid4vciProvider {
    pub fn new(
        service: &str,
        config: Oid4vciConfig,
        http: reqwest::Client,
        secrets: Arc<dyn SecretStore>,
    ) -> Oid4vciProvider {
        Oid4vciProvider {
            inner: Arc::new(Inner {
                http,
                config,
                service: service.to_owned(),
                secrets,
                api_key: Mutex::new(None),
                deferred: DeferredClaims::default(),
            }),
        }
    }

    /// How many Deferred offers' claims are held here, waiting for a wallet
    /// to take the offer; for diagnostics and tests.
    pub fn held_deferred_claims(&self) -> usize {
        self.inner.deferred.len()
    }
}

impl Inner {
    fn cached_key(&self) -> Option<Secret> {
        self.api_key.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The API key: from the cache, else from the secret store, read on a
    /// blocking thread so the keyring never stalls the runtime.
    async fn api_key(&self) -> Result<Secret, ProviderError> {
        if let Some(key) = self.cached_key() {
            return Ok(key);
        }
        let key = secrets::off_runtime(Arc::clone(&self.secrets), &self.service, secrets::resolve).await?;
        *self.api_key.lock().unwrap_or_else(|e| e.into_inner()) = Some(key.clone());
        Ok(key)
    }

    /// Forgets a key the issuer refused, so a corrected one (`station
    /// secret set`) is read at the next call; a newer key is kept.
    fn forget_key(&self, refused: &Secret) {
        let mut cached = self.api_key.lock().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref() == Some(refused) {
            *cached = None;
        }
    }

    /// Calls the admin API; answers other than 2xx become errors that say
    /// what to fix.
    async fn call<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<wire::History, ProviderError> {
        let url = endpoint(&self.config.api_base, path)?;
        let key = self.api_key().await?;
        let mut request = self
            .http
            .request(method, url.clone())
            .header(AUTHORIZATION, format!("ApiKey {}", key.expose()));
        if let Some(body) = body {
            let payload = serde_json::to_vec(body).map_err(|e| ProviderError::Protocol {
                detail: format!("request could not be encoded: {e}"),
            })?;
            request = request.header(CONTENT_TYPE, "application/json").body(payload);
        }
        let response = request.send().await.map_err(ProviderError::unreachable(&url))?;
        let status = response.status();
        let wait_asked = retry::retry_after(response.headers(), SystemTime::now());
        let bytes = response.bytes().await.map_err(ProviderError::unreachable(&url))?;
        if status.is_success() {
            return wire::parse_history(&bytes);
        }
        let error: wire::ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                self.forget_key(&key);
                ProviderError::Auth {
                    error: error.code(),
                    description: format!(
                        "{}. Store the issuer's API key with `station secret set {}`",
                        error.message(),
                        self.service
                    ),
                }
            }
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => ProviderError::Busy {
                attempts: 1,
                code: error.code(),
                message: error.message(),
                wait_asked,
            },
            _ => ProviderError::Rejected {
                status: status.as_u16(),
                code: error.code(),
                message: error.message(),
                inner_code: error.field.as_ref().map(|_| "badOrMissingField".to_owned()),
                target: error.field,
            },
        })
    }

    async fn history(&self, exchange_id: &str) -> Result<wire::History, ProviderError> {
        self.call::<()>(Method::GET, &format!("{HISTORY_PATH}/{exchange_id}"), None)
            .await
    }
}

#[async_trait]
impl Provider for Oid4vciProvider {
    async fn create_issuance(
        &self,
        spec: &IssuanceSpec<'_>,
        _callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        let template = spec.template;
        let IssuanceTarget::Oid4vci {
            credential_definition_id,
            mode,
            credential_format,
        } = &template.target
        else {
            return Err(not_this_service(template));
        };
        if template.pin_hashed {
            return Err(ProviderError::Unsupported {
                what: "a hashed PIN (the offer's tx_code is compared as typed); set pin_hashed = false"
                    .into(),
            });
        }
        let user_pin = spec.pin.map(|pin| pin.reveal());
        if user_pin.is_some_and(|pin| pin.len() > usize::from(MAX_USER_PIN_LENGTH)) {
            return Err(ProviderError::Unsupported {
                what: format!("a PIN longer than {MAX_USER_PIN_LENGTH} characters; set a shorter pin_length"),
            });
        }
        let now = SystemTime::now();
        let expires_at =
            now.checked_add(self.inner.config.offer_lifetime)
                .ok_or_else(|| ProviderError::Protocol {
                    detail: "the offer's expiry is past what the system clock can hold".into(),
                })?;
        let claims = spec.claims_with_photo()?;
        let in_time = *mode == Oid4vciMode::InTime;
        let body = wire::IssueRequest {
            issuance_mode: if in_time { "InTime" } else { "Deferred" },
            credential_definition_id,
            credential: in_time.then(|| {
                wire::CredentialData::issued(*credential_format, &template.credential_type, &claims)
            }),
            user_pin,
            url_scheme: self.inner.config.url_scheme.as_str(),
        };
        let history = self.inner.call(Method::POST, ISSUE_PATH, Some(&body)).await?;
        let record = history.primary();
        let offer = record
            .credential_offer
            .clone()
            .ok_or_else(|| ProviderError::Protocol {
                detail: "the issuer returned no credentialOffer".into(),
            })?;
        let request_id = record.credential_exchange_id.clone();
        if !in_time {
            let held = Held {
                claims,
                format: *credential_format,
                expires_at,
            };
            self.inner.deferred.hold(request_id.clone(), held, now);
        }
        Ok(CreatedRequest {
            request_id,
            url: offer,
            expires_at,
        })
    }

    /// The API key works if the issuer answers a history lookup with
    /// anything but 401/403 (an unknown id gives 404).
    async fn check_access(&self) -> Result<(), ProviderError> {
        match self.inner.history("station-access-check").await {
            Ok(_) | Err(ProviderError::Rejected { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    fn follow(&self, created: &CreatedRequest, events: EventSink) -> Option<EventFeed> {
        let inner = Arc::clone(&self.inner);
        Some(EventFeed::spawn(poll::follow_offer(
            inner,
            created.request_id.clone(),
            events,
        )))
    }
}
