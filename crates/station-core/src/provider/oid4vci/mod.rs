//! An OID4VCI issuer through its admin API (seed 004): the station asks
//! for a credential offer with a pre-authorized code (the PIN becomes the
//! offer's `tx_code`), shows the offer URI as the QR code, and follows the
//! offer's status by polling the credential history, since the issuer's
//! webhooks are sent once and never retried.
//!
//! In Deferred mode the claims go to the issuer only once a wallet has
//! taken the offer: until someone scans, the recipient's data stays here.

mod status;
mod wire;

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use async_trait::async_trait;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use super::{
    endpoint, not_this_service, CallbackTicket, Claims, CreatedRequest, IssuanceSpec, Provider, ProviderError,
};
use crate::config::{IssuanceTarget, Oid4vciConfig, Oid4vciMode};
use crate::events::{EventFeed, EventSink, FlowEvent, SourcedEvent};
use crate::secrets::{self, Secret, SecretStore};

pub use status::{events_between, progress_of, OfferProgress};

const ISSUE_PATH: &str = "v2/config/digital-wallet/openid/sdjwt/credential/issue";
const HISTORY_PATH: &str = "v2/config/digital-wallet/openid/sdjwt/credential/history";

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
    /// Claims of Deferred offers, sent when the wallet takes the offer.
    deferred: std::sync::Mutex<std::collections::HashMap<String, Claims>>,
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
                deferred: Default::default(),
            }),
        }
    }
}

impl Inner {
    fn api_key(&self) -> Result<Secret, ProviderError> {
        Ok(secrets::resolve(self.secrets.as_ref(), &self.service)?)
    }

    /// Calls the admin API; answers other than 2xx become errors that say
    /// what to fix.
    async fn call<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<wire::CredentialHistory, ProviderError> {
        let url = endpoint(&self.config.api_base, path)?;
        let key = self.api_key()?;
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
        let bytes = response.bytes().await.map_err(ProviderError::unreachable(&url))?;
        if status.is_success() {
            return serde_json::from_slice::<wire::HistoryResponse>(&bytes)
                .map(|r| r.credential_history)
                .map_err(|e| ProviderError::Protocol {
                    detail: format!("credential history: {e}"),
                });
        }
        let error: wire::ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ProviderError::Auth {
                error: error.code(),
                description: format!(
                    "{}. Store the issuer's API key with `station secret set {}`",
                    error.message(),
                    self.service
                ),
            },
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => ProviderError::Busy {
                attempts: 1,
                code: error.code(),
                message: error.message(),
                wait_asked: None,
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

    async fn history(&self, exchange_id: &str) -> Result<wire::CredentialHistory, ProviderError> {
        self.call::<()>(Method::GET, &format!("{HISTORY_PATH}/{exchange_id}"), None)
            .await
    }

    /// Polls the offer until it ends, sending each step as a flow event.
    async fn poll(self: Arc<Self>, exchange_id: String, events: EventSink) {
        let mut seen = OfferProgress::Sent;
        let mut ticker = tokio::time::interval(self.config.poll_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let history = match self.history(&exchange_id).await {
                Ok(history) => history,
                Err(error) => {
                    // A dropped connection or a busy issuer is tried again
                    // at the next tick; the flow's own deadline ends it.
                    tracing::warn!(%error, "offer status not read");
                    continue;
                }
            };
            let Some(now) = progress_of(&history.status, seen == OfferProgress::Issued) else {
                continue;
            };
            if now >= OfferProgress::Received && seen < OfferProgress::Received {
                self.release_deferred_claims(&exchange_id).await;
            }
            for event in events_between(seen, now, &history.status) {
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

    /// Sends a Deferred offer's claims now that a wallet has taken it.
    async fn release_deferred_claims(&self, exchange_id: &str) {
        let claims = self
            .deferred
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(exchange_id);
        let Some(claims) = claims else { return };
        let update = wire::DeferredUpdate {
            credential: wire::CredentialData {
                credential_subject: &claims,
            },
        };
        if let Err(error) = self
            .call(
                Method::PUT,
                &format!("{HISTORY_PATH}/{exchange_id}"),
                Some(&update),
            )
            .await
        {
            tracing::warn!(%error, "deferred claims not delivered");
        }
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
        let claims = spec.claims_with_photo()?;
        let in_time = *mode == Oid4vciMode::InTime;
        let body = wire::IssueRequest {
            issuance_mode: if in_time { "InTime" } else { "Deferred" },
            credential_definition_id,
            credential: in_time.then_some(wire::CredentialData {
                credential_subject: &claims,
            }),
            user_pin: spec.pin.map(|pin| pin.reveal()),
            url_scheme: self.inner.config.url_scheme.as_str(),
        };
        let history = self.inner.call(Method::POST, ISSUE_PATH, Some(&body)).await?;
        let offer = history.credential_offer.ok_or_else(|| ProviderError::Protocol {
            detail: "the issuer returned no credentialOffer".into(),
        })?;
        if !in_time {
            self.inner
                .deferred
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(history.credential_exchange_id.clone(), claims);
        }
        Ok(CreatedRequest {
            request_id: history.credential_exchange_id,
            url: offer,
            expires_at: SystemTime::now() + self.inner.config.offer_lifetime,
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
        Some(EventFeed::spawn(inner.poll(created.request_id.clone(), events)))
    }
}
