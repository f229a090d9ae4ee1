//! Verified Orchestration (seed 000): issuance requests through its GraphQL
//! API, signed in with OAuth2 client credentials. Events come from the
//! `issuanceEvent` subscription (no public URL needed), or from the
//! callback listener as with Entra; the flow sees the same events either
//! way. Under either, a poll of `findIssuances` catches an issuance whose
//! event was lost. Polling alone is not offered: the service does not keep
//! the `request_retrieved` event, so a poll could never reveal the PIN.

pub mod graphql;
mod photo_capture;
mod reconcile;
mod remote;
pub mod subscription;
mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;

use super::oauth::{ClientCredential, TokenSource};
use super::phone_capture::{PhoneCapture, PhoneCaptureStatus, RecipientPhoto};
use super::{
    not_this_service, recipient_name, request_expiry, CallbackTicket, Claims, CreatedRequest, IssuanceSpec,
    Provider, ProviderError,
};
use crate::config::{IssuanceTarget, IssuanceTemplate, OrchestrationConfig, OrchestrationEvents};
use crate::events::{EventFeed, EventSink};
use crate::secrets::SecretStore;
use graphql::GraphqlClient;

/// Who vouches for the recipient's identity when the station creates it.
const IDENTITY_ISSUER: &str = "Issuance Station";

/// Every GraphQL document the station sends to Verified Orchestration, by
/// operation name, so a test can hold each against the service's schema:
/// one that the schema refuses fails there, not at a desk.
pub fn operations() -> &'static [(&'static str, &'static str)] {
    &[
        ("CreateIssuanceRequest", wire::CREATE_ISSUANCE),
        ("IssuanceEvent", wire::ISSUANCE_EVENT),
        ("FindIssuances", reconcile::FIND_ISSUANCES),
        ("SaveIdentity", photo_capture::SAVE_IDENTITY),
        ("CreatePhotoCaptureRequest", photo_capture::CREATE_PHOTO_CAPTURE),
        ("PhotoCaptureStatus", photo_capture::PHOTO_CAPTURE_STATUS),
        ("CreateAsyncIssuanceRequest", remote::CREATE_ASYNC_ISSUANCE),
        ("AsyncIssuanceRequest", remote::ASYNC_ISSUANCE_REQUEST),
        ("FindAsyncIssuanceRequests", remote::FIND_ASYNC_ISSUANCE_REQUESTS),
    ]
}

/// `createIssuanceRequest`'s answer (HTTP `status`, `body`) as the request
/// the desk shows, read at `now`: the same path a real answer takes, so a
/// fuzzer can feed it any bytes.
pub fn parse_created_issuance(
    status: u16,
    body: &[u8],
    now: SystemTime,
) -> Result<CreatedRequest, ProviderError> {
    created_issuance(graphql::parse_response(status, body)?, now)
}

fn created_issuance(
    data: wire::CreateIssuanceData,
    now: SystemTime,
) -> Result<CreatedRequest, ProviderError> {
    match data.create_issuance_request {
        wire::IssuanceRequestResponse::IssuanceResponse {
            request_id,
            url,
            expiry,
        } => Ok(CreatedRequest {
            request_id,
            url,
            expires_at: request_expiry("createIssuanceRequest", expiry, now)?,
        }),
        wire::IssuanceRequestResponse::RequestErrorResponse { error } => {
            let inner = error.innererror.unwrap_or(wire::InnerError {
                code: None,
                target: None,
            });
            Err(ProviderError::Rejected {
                status: 200,
                code: error.code,
                message: error.message,
                inner_code: inner.code,
                target: inner.target,
            })
        }
    }
}

pub struct OrchestrationProvider {
    config: OrchestrationConfig,
    graphql: GraphqlClient,
}

impl OrchestrationProvider {
    /// `service` is the configured service name, under which its client
    /// secret is stored.
    pub fn new(
        service: &str,
        config: OrchestrationConfig,
        http: reqwest::Client,
        secrets: Arc<dyn SecretStore>,
    ) -> OrchestrationProvider {
        let tokens = TokenSource::new(
            http,
            config.token_url.clone(),
            config.client_id.clone(),
            config.scope.clone(),
            ClientCredential::Secret {
                service: service.to_owned(),
            },
            secrets,
        );
        OrchestrationProvider {
            graphql: GraphqlClient {
                api_url: config.api_url.clone(),
                tokens: Arc::new(tokens),
            },
            config,
        }
    }
}

#[async_trait]
impl Provider for OrchestrationProvider {
    async fn create_issuance(
        &self,
        spec: &IssuanceSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        let template = spec.template;
        let IssuanceTarget::Orchestration { contract_id } = &template.target else {
            return Err(not_this_service(template));
        };
        if template.pin_hashed {
            return Err(ProviderError::Unsupported {
                what: "a hashed PIN through Verified Orchestration; set pin_hashed = false".into(),
            });
        }
        let name = recipient_name(spec.claims);
        // A desk has no identity id for a walk-in recipient: it names one,
        // unless a phone capture already made them an identity.
        let identifier = uuid::Uuid::new_v4().to_string();
        let (identity_id, identity, face_check_photo, photo_capture_request_id) = match spec.photo {
            Some(RecipientPhoto::Phone(capture)) => (
                Some(capture.identity_id.as_str()),
                None,
                None,
                Some(capture.id.as_str()),
            ),
            photo => {
                let identity = wire::Identity {
                    issuer: IDENTITY_ISSUER,
                    identifier: &identifier,
                    name: &name,
                };
                let face_check_photo = match photo {
                    Some(RecipientPhoto::Camera(photo)) => Some(photo.to_data_url()),
                    _ => None,
                };
                (None, Some(identity), face_check_photo, None)
            }
        };
        let pin = spec.pin.map(|pin| wire::PinInput {
            value: pin.reveal(),
            length: pin.len(),
        });
        let callback = (self.config.events == OrchestrationEvents::Callback).then(|| wire::CallbackInput {
            url: callback.url.as_str(),
            state: &callback.state,
            headers: BTreeMap::from([("api-key", callback.api_key.expose())]),
        });
        let request = wire::IssuanceRequestInput {
            contract_id,
            identity_id,
            identity,
            claims: spec.claims,
            pin,
            callback,
            include_qr_code: false,
            face_check_photo,
            photo_capture_request_id,
        };
        let data: wire::CreateIssuanceData = self
            .graphql
            .execute(wire::CREATE_ISSUANCE, serde_json::json!({ "request": request }))
            .await?;
        created_issuance(data, SystemTime::now())
    }

    async fn check_access(&self) -> Result<(), ProviderError> {
        self.graphql.tokens.token().await.map(|_| ())
    }

    /// The subscription (unless the service calls back), and under it the
    /// poll that finds an issuance whose event was lost; the first to see
    /// the request end ends both.
    fn follow(&self, created: &CreatedRequest, events: EventSink) -> Option<EventFeed> {
        let poll = reconcile::poll(
            self.graphql.clone(),
            created.request_id.clone(),
            events.clone(),
            self.config.reconcile_interval,
        );
        Some(match self.config.events {
            OrchestrationEvents::Subscription => {
                let subscription = subscription::follow(
                    self.config.ws_url.clone(),
                    Arc::clone(&self.graphql.tokens),
                    created.request_id.clone(),
                    events,
                    subscription::Resilience::default(),
                );
                EventFeed::spawn(async move {
                    tokio::select! {
                        () = subscription => {}
                        () = poll => {}
                    }
                })
            }
            OrchestrationEvents::Callback => EventFeed::spawn(poll),
        })
    }

    async fn create_remote_issuance(
        &self,
        spec: &super::RemoteIssuanceSpec<'_>,
    ) -> Result<super::RemoteIssuance, ProviderError> {
        remote::create(self, spec).await
    }

    async fn remote_issuance_status(&self, id: &str) -> Result<super::RemoteStatus, ProviderError> {
        remote::status(self, id).await
    }

    fn issues_remotely(&self) -> bool {
        true
    }

    async fn create_remote_issuances(
        &self,
        specs: &[super::RemoteIssuanceSpec<'_>],
    ) -> Result<Vec<super::RemoteCreation>, ProviderError> {
        remote::create_many(self, specs).await
    }

    async fn find_remote_issuance(
        &self,
        template: &IssuanceTemplate,
        correlation: &str,
        created_from: SystemTime,
        created_to: SystemTime,
    ) -> Result<Option<super::RemoteIssuance>, ProviderError> {
        remote::find_by_correlation(self, template, correlation, (created_from, created_to)).await
    }

    fn takes_phone_photos(&self) -> bool {
        true
    }

    async fn create_phone_capture(
        &self,
        template: &IssuanceTemplate,
        claims: &Claims,
    ) -> Result<PhoneCapture, ProviderError> {
        photo_capture::create(self, template, claims).await
    }

    async fn phone_capture_status(
        &self,
        capture: &PhoneCapture,
    ) -> Result<PhoneCaptureStatus, ProviderError> {
        photo_capture::status(self, capture).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn created(expiry: &str) -> Vec<u8> {
        format!(
            r#"{{"data":{{"createIssuanceRequest":{{"__typename":"IssuanceResponse","requestId":"r-1","url":"openid-vc://?request_uri=https://x/r-1","expiry":{expiry}}}}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn an_absurd_expiry_is_a_protocol_error_not_a_panic() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for absurd in [
            "-1",
            "-9223372036854775808",
            "9223372036854775807",
            "18446744073709551615",
            // Milliseconds taken for seconds: in the year 55 000.
            "1700000300000",
        ] {
            let error = parse_created_issuance(200, &created(absurd), now).unwrap_err();
            assert!(
                matches!(&error, ProviderError::Protocol { detail } if detail.contains(absurd)),
                "{absurd}: {error}"
            );
        }
    }

    #[test]
    fn a_sound_expiry_is_read_exactly() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let request = parse_created_issuance(200, &created("1700000300"), now).unwrap();
        assert_eq!(
            request.expires_at,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_300)
        );
        assert_eq!(request.request_id, "r-1");
    }

    #[test]
    fn any_bytes_give_an_answer_or_an_error() {
        let now = SystemTime::now();
        for body in [
            &b""[..],
            b"{",
            b"null",
            b"[]",
            b"{\"data\":null}",
            b"{\"errors\":[]}",
            b"\xff\xfe",
        ] {
            assert!(parse_created_issuance(200, body, now).is_err());
        }
    }
}
