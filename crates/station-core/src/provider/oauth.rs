//! OAuth2 client-credentials tokens (Entra's Request Service, Verified
//! Orchestration): fetched once,
//! shared by every request, renewed shortly before expiry, and dropped when
//! the service says it is no longer good (401).

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use tokio::sync::Mutex;
use url::Url;

use crate::provider::ProviderError;
use crate::secrets::{self, Secret, SecretStore};
use serde::Deserialize;

/// Renew this long before the token expires, so a request never leaves with
/// a token that dies in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(120);
/// Entra's tokens last about an hour.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// How the station proves who it is. A certificate credential (signed client
/// assertion) is the planned second variant.
pub enum ClientCredential {
    /// The client secret, looked up in the secret store under this service
    /// name each time a token is fetched, so a rotated secret takes effect
    /// without a restart.
    Secret { service: String },
}

pub struct TokenSource {
    http: reqwest::Client,
    token_url: Url,
    client_id: String,
    scope: String,
    credential: ClientCredential,
    secrets: Arc<dyn SecretStore>,
    cached: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    value: Secret,
    renew_at: Instant,
}

impl TokenSource {
    pub fn new(
        http: reqwest::Client,
        token_url: Url,
        client_id: String,
        scope: String,
        credential: ClientCredential,
        secrets: Arc<dyn SecretStore>,
    ) -> Self {
        TokenSource {
            http,
            token_url,
            client_id,
            scope,
            credential,
            secrets,
            cached: Mutex::new(None),
        }
    }

    /// A valid access token. Concurrent callers wait for one fetch rather
    /// than each fetching their own.
    pub async fn token(&self) -> Result<Secret, ProviderError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref() {
            if Instant::now() < token.renew_at {
                return Ok(token.value.clone());
            }
        }
        let fresh = self.fetch().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// POSTs `payload` (JSON) to `url` with a bearer token. A 401 means the
    /// token is no longer good: it is dropped and the call made once more
    /// with a fresh one. The outer error is the token's; the inner one is
    /// the sending's, left to callers that retry an unreachable service.
    pub async fn post_json(
        &self,
        url: &Url,
        payload: &[u8],
    ) -> Result<Result<reqwest::Response, reqwest::Error>, ProviderError> {
        let mut refreshed = false;
        loop {
            let token = self.token().await?;
            let sent = self
                .http
                .post(url.clone())
                .bearer_auth(token.expose())
                .header(CONTENT_TYPE, "application/json")
                .body(payload.to_vec())
                .send()
                .await;
            match sent {
                Ok(response) if response.status() == StatusCode::UNAUTHORIZED && !refreshed => {
                    tracing::info!("service refused the access token, fetching a new one");
                    self.invalidate(&token).await;
                    refreshed = true;
                }
                other => return Ok(other),
            }
        }
    }

    /// Forget `rejected` (the service answered 401 to it); a newer token
    /// fetched meanwhile by another request is kept.
    async fn invalidate(&self, rejected: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| &t.value == rejected) {
            *cached = None;
        }
    }

    async fn client_secret(&self) -> Result<Secret, ProviderError> {
        let ClientCredential::Secret { service } = &self.credential;
        Ok(secrets::off_runtime(Arc::clone(&self.secrets), service, secrets::resolve).await?)
    }

    async fn fetch(&self) -> Result<CachedToken, ProviderError> {
        let secret = self.client_secret().await?;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("scope", self.scope.as_str()),
        ];
        let response = self
            .http
            .post(self.token_url.clone())
            .form(&form)
            .send()
            .await
            .map_err(ProviderError::unreachable(&self.token_url))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(ProviderError::unreachable(&self.token_url))?;
        let (value, lifetime) = parse_token_response(status.as_u16(), &body)?;
        // Short-lived tokens (tests, odd tenants) renew at half-life instead.
        let margin = EXPIRY_MARGIN.min(lifetime / 2);
        tracing::debug!(lifetime_secs = lifetime.as_secs(), "fetched access token");
        let now = Instant::now();
        Ok(CachedToken {
            value,
            renew_at: now.checked_add(lifetime - margin).unwrap_or(now),
        })
    }
}

/// A token endpoint's answer (HTTP `status`, `body`): the access token and
/// how long to use it, or the OAuth2 error it sent. Public for the fuzzer.
pub fn parse_token_response(status: u16, body: &[u8]) -> Result<(Secret, Duration), ProviderError> {
    if !(200..300).contains(&status) {
        return Err(match serde_json::from_slice::<TokenErrorResponse>(body) {
            Ok(error) => ProviderError::Auth {
                error: error.error,
                description: error.error_description,
            },
            Err(_) => ProviderError::Protocol {
                detail: format!("token endpoint answered HTTP {status} without an OAuth2 error body"),
            },
        });
    }
    let token: TokenResponse = serde_json::from_slice(body).map_err(|e| ProviderError::Protocol {
        detail: format!("token response: {e}"),
    })?;
    // A token claimed to last longer than a day is renewed after a day:
    // the value comes from outside and must not overflow the clock.
    let lifetime = Duration::from_secs(token.expires_in).min(MAX_TOKEN_LIFETIME);
    Ok((Secret::new(token.access_token), lifetime))
}

/// Azure AD's token endpoint answers.
#[derive(Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: u64,
}

#[derive(Debug, Deserialize)]
pub struct TokenErrorResponse {
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn an_absurd_lifetime_is_capped_at_a_day() {
        let body = br#"{"access_token":"t","token_type":"Bearer","expires_in":18446744073709551615}"#;
        let (token, lifetime) = parse_token_response(200, body).unwrap();
        assert_eq!(token.expose(), "t");
        assert_eq!(lifetime, MAX_TOKEN_LIFETIME);
    }

    #[test]
    fn error_bodies_and_garbage_are_errors_with_codes() {
        let refused = br#"{"error":"invalid_client","error_description":"AADSTS7000215"}"#;
        assert_eq!(
            parse_token_response(401, refused).unwrap_err().code(),
            "provider.auth"
        );
        assert_eq!(
            parse_token_response(500, b"<html>").unwrap_err().code(),
            "provider.protocol"
        );
        assert_eq!(
            parse_token_response(200, br#"{"expires_in":-1}"#)
                .unwrap_err()
                .code(),
            "provider.protocol"
        );
    }
}
