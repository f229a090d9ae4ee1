//! Microsoft Entra Verified ID Request Service adapter (seeds 001–003).
//!
//! The same code talks to Microsoft and to the sandbox: only the authority
//! host and API base differ.

pub mod wire;

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;

use reqwest::header::{HeaderMap, DATE};
use serde::Serialize;
use url::Url;

use super::oauth::{ClientCredential, TokenSource};

use super::retry::{is_transient, retry_after, RetryPolicy};
use super::{endpoint, not_this_service};
use super::{
    request_expiry, CallbackTicket, CreatedRequest, IssuanceSpec, PresentationSpec, Provider, ProviderError,
};
use crate::config::{EntraApiShape, EntraConfig, IssuanceTarget};
use crate::secrets::SecretStore;

pub struct EntraProvider {
    config: EntraConfig,
    tokens: TokenSource,
    retry: RetryPolicy,
}

impl EntraProvider {
    /// `service` is the configured service name, under which its client
    /// secret is stored.
    pub fn new(
        service: &str,
        config: EntraConfig,
        http: reqwest::Client,
        secrets: Arc<dyn SecretStore>,
        retry: RetryPolicy,
    ) -> Result<Self, ProviderError> {
        let token_url = endpoint(
            &config.authority_host,
            &format!("{}/oauth2/v2.0/token", config.tenant),
        )?;
        let tokens = TokenSource::new(
            http,
            token_url,
            config.client_id.clone(),
            config.scope.clone(),
            ClientCredential::Secret {
                service: service.to_owned(),
            },
            secrets,
        );
        Ok(EntraProvider {
            config,
            tokens,
            retry,
        })
    }

    fn issuance_endpoint(&self) -> Result<Url, ProviderError> {
        match self.config.api_shape {
            EntraApiShape::Current => endpoint(
                &self.config.api_base,
                "v1.0/verifiableCredentials/createIssuanceRequest",
            ),
            EntraApiShape::Preview => endpoint(
                &self.config.api_base,
                &format!("v1.0/{}/verifiablecredentials/request", self.config.tenant),
            ),
        }
    }

    /// POSTs a create call: one token refresh on 401 (see
    /// [`TokenSource::post_json`]), retries on 429/503/
    /// `transientError` as the service asks, and the documented error body
    /// turned into a typed error.
    async fn create<B: Serialize>(&self, url: Url, body: &B) -> Result<CreatedRequest, ProviderError> {
        let payload = serde_json::to_vec(body).map_err(|e| ProviderError::Protocol {
            detail: format!("request could not be encoded: {e}"),
        })?;
        let mut attempt = 1;
        loop {
            let response = match self.tokens.post_json(&url, &payload).await? {
                Ok(response) => response,
                Err(error) => {
                    if error.is_connect() {
                        if let Some(delay) = self.retry.delay(attempt, &HeaderMap::new()) {
                            tracing::warn!(attempt, "service unreachable, retrying");
                            tokio::time::sleep(delay).await;
                            attempt += 1;
                            continue;
                        }
                    }
                    return Err(ProviderError::unreachable(&url)(error));
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.bytes().await.map_err(ProviderError::unreachable(&url))?;
            if status.is_success() {
                return parse_created(&bytes, &headers);
            }
            let error = parse_error(status.as_u16(), &bytes);
            if let ProviderError::Rejected {
                status,
                code,
                message,
                inner_code,
                ..
            } = &error
            {
                if is_transient(*status, inner_code.as_deref()) {
                    match self.retry.delay(attempt, &headers) {
                        Some(delay) => {
                            tracing::warn!(attempt, status, %code, ?delay, "service busy, retrying");
                            tokio::time::sleep(delay).await;
                            attempt += 1;
                            continue;
                        }
                        None => {
                            let asked = retry_after(&headers, SystemTime::now());
                            return Err(ProviderError::Busy {
                                attempts: attempt,
                                code: code.clone(),
                                message: message.clone(),
                                wait_asked: asked.filter(|wait| *wait > self.retry.max_delay),
                            });
                        }
                    }
                }
            }
            return Err(error);
        }
    }
}

fn parse_created(bytes: &[u8], headers: &HeaderMap) -> Result<CreatedRequest, ProviderError> {
    let created: wire::CreatedResponse =
        serde_json::from_slice(bytes).map_err(|e| ProviderError::Protocol {
            detail: format!("create response: {e}"),
        })?;
    let service_now = headers
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    Ok(CreatedRequest {
        expires_at: local_expiry(created.expiry, service_now, SystemTime::now())?,
        request_id: created.request_id,
        url: created.url,
    })
}

/// The service's `expiry` is on the service's clock. Measured from the
/// response's `Date`, it stays right on a station whose clock is off;
/// without a `Date` it is taken as is.
fn local_expiry(
    expiry: i64,
    service_now: Option<SystemTime>,
    local_now: SystemTime,
) -> Result<SystemTime, ProviderError> {
    let expires_at = request_expiry("the create response", expiry, service_now.unwrap_or(local_now))?;
    Ok(match service_now {
        Some(service_now) => {
            let lifetime = expires_at.duration_since(service_now).unwrap_or_default();
            local_now.checked_add(lifetime).unwrap_or(local_now)
        }
        None => expires_at,
    })
}

/// Turns a non-success answer into [`ProviderError::Rejected`], keeping the
/// documented `error.code`, `message` and `innererror.code/target`.
pub fn parse_error(status: u16, bytes: &[u8]) -> ProviderError {
    match serde_json::from_slice::<wire::ErrorBody>(bytes) {
        Ok(body) => {
            let inner = body.error.innererror;
            let inner_message = inner.as_ref().and_then(|i| i.message.clone());
            let message = match inner_message {
                Some(detail) if !detail.is_empty() && detail != body.error.message => {
                    format!("{} {}", body.error.message, detail)
                }
                _ => body.error.message,
            };
            ProviderError::Rejected {
                status,
                code: body.error.code,
                message,
                inner_code: inner.as_ref().and_then(|i| i.code.clone()),
                target: inner.and_then(|i| i.target),
            }
        }
        Err(_) => ProviderError::Rejected {
            status,
            code: format!("http{status}"),
            message: "the service gave no error details".to_owned(),
            inner_code: None,
            target: None,
        },
    }
}

#[async_trait]
impl Provider for EntraProvider {
    async fn create_issuance(
        &self,
        spec: &IssuanceSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        let template = spec.template;
        let IssuanceTarget::Entra {
            manifest,
            authority,
            client_name,
        } = &template.target
        else {
            return Err(not_this_service(template));
        };
        let pin = spec.pin.map(|pin| pin.to_payload(template.pin_hashed));
        let registration = wire::Registration {
            client_name,
            purpose: None,
        };
        let url = self.issuance_endpoint()?;
        // Entra carries the photo as a claim: the JPEG in base64url.
        let claims = spec.claims_with_photo()?;
        match self.config.api_shape {
            EntraApiShape::Current => {
                let body = wire::IssuanceRequest {
                    include_qr_code: false,
                    callback: wire::Callback::from_ticket(callback),
                    authority,
                    registration,
                    credential_type: &template.credential_type,
                    manifest: manifest.as_str(),
                    claims: &claims,
                    pin,
                };
                self.create(url, &body).await
            }
            EntraApiShape::Preview => {
                let body = wire::PreviewIssuanceRequest {
                    include_qr_code: false,
                    callback: wire::Callback::from_ticket(callback),
                    authority,
                    registration,
                    issuance: wire::PreviewIssuance {
                        credential_type: &template.credential_type,
                        manifest: manifest.as_str(),
                        pin,
                        claims: &claims,
                    },
                };
                self.create(url, &body).await
            }
        }
    }

    async fn create_presentation(
        &self,
        spec: &PresentationSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        // The preview API's presentation shape is not documented here, and its
        // token (preview scope) would not open the current endpoint.
        if self.config.api_shape == EntraApiShape::Preview {
            return Err(ProviderError::Unsupported {
                what: "verification with the preview API; configure the service with kind = \"entra\"".into(),
            });
        }
        let url = endpoint(
            &self.config.api_base,
            "v1.0/verifiableCredentials/createPresentationRequest",
        )?;
        let body = wire::PresentationRequest::new(spec.template, callback);
        self.create(url, &body).await
    }

    async fn check_access(&self) -> Result<(), ProviderError> {
        self.tokens.token().await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn expiry_is_measured_on_the_service_clock() {
        let service_now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_622_227_390);
        // The station's clock is ten minutes ahead of the service's.
        let local_now = service_now + Duration::from_secs(600);
        let expires = local_expiry(1_622_227_690, Some(service_now), local_now).unwrap();
        assert_eq!(expires, local_now + Duration::from_secs(300));
        assert_eq!(
            local_expiry(1_622_227_690, None, local_now).unwrap(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_622_227_690)
        );
    }

    #[test]
    fn an_absurd_expiry_is_refused_not_overflowed() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_622_227_390);
        for expiry in [i64::MAX, i64::MIN, -1, 1_622_227_390 + 2 * 24 * 3600] {
            for service_now in [Some(now), None] {
                let error = local_expiry(expiry, service_now, now).unwrap_err();
                assert_eq!(error.code(), "provider.protocol");
                assert!(error.to_string().contains(&expiry.to_string()), "{error}");
            }
        }
    }

    #[test]
    fn documented_unauthorized_body() {
        // Seed 002's example.
        let body =
            br#"{"requestId": "d60b068e7fbd975896e179b99347866a", "date": "Wed, 29 Sep 2021 21:49:00 GMT",
            "error": {"code": "unauthorized", "message": "Failed to authenticate the request."}}"#;
        let error = parse_error(401, body);
        assert_eq!(error.code(), "provider.rejected");
        assert!(
            matches!(&error, ProviderError::Rejected { code, inner_code: None, .. } if code == "unauthorized")
        );
        assert!(error
            .to_string()
            .contains("Failed to authenticate the request. (HTTP 401, unauthorized)"));
    }

    #[test]
    fn bad_or_missing_field_names_the_target() {
        let body = br#"{"requestId":"r","date":"d","error":{"code":"badRequest","message":"The request is invalid.",
            "innererror":{"code":"badOrMissingField","message":"The pin length must be between 4 and 16.","target":"pin.length"}}}"#;
        let error = parse_error(400, body);
        let ProviderError::Rejected {
            target, inner_code, ..
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(target.as_deref(), Some("pin.length"));
        assert_eq!(inner_code.as_deref(), Some("badOrMissingField"));
        let message = error.to_string();
        assert!(
            message.starts_with("the service rejected field 'pin.length'"),
            "{message}"
        );
        assert!(
            message.contains("The pin length must be between 4 and 16."),
            "{message}"
        );
    }

    #[test]
    fn other_documented_codes_keep_both_codes() {
        for (status, code, inner) in [
            (429, "tooManyRequests", None),
            (413, "payloadTooLarge", None),
            (500, "internalError", Some("transientError")),
            (404, "notFound", Some("notFound")),
            (400, "badRequest", Some("tokenError")),
        ] {
            let inner_json = inner.map_or(String::new(), |c| {
                format!(r#","innererror":{{"code":"{c}","message":"m"}}"#)
            });
            let body = format!(r#"{{"error":{{"code":"{code}","message":"text"{inner_json}}}}}"#);
            let ProviderError::Rejected {
                status: s,
                code: c,
                inner_code,
                ..
            } = parse_error(status, body.as_bytes())
            else {
                panic!("{body}");
            };
            assert_eq!((s, c.as_str(), inner_code.as_deref()), (status, code, inner));
        }
    }

    #[test]
    fn a_body_without_details_still_gives_the_status() {
        let error = parse_error(502, b"<html>Bad gateway</html>");
        assert!(error.to_string().contains("HTTP 502"), "{error}");
    }
}
