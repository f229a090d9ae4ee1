//! Queries and mutations over HTTP, signed in with the service's OAuth2
//! token. Cheap to clone, so an event source can keep one for itself.
//!
//! Reading the answer is [`parse_response`], a function of the bytes alone,
//! so a fuzzer feeds it exactly what the service's answers go through.

use std::sync::Arc;
use std::time::SystemTime;

use url::Url;

use super::wire;
use crate::provider::oauth::TokenSource;
use crate::provider::retry::{is_transient, retry_after};
use crate::provider::ProviderError;

#[derive(Clone)]
pub struct GraphqlClient {
    pub api_url: Url,
    pub tokens: Arc<TokenSource>,
}

impl GraphqlClient {
    /// Runs a GraphQL operation; a 401 refreshes the token once
    /// ([`TokenSource::post_json`]). A 429 or 503 is
    /// [`ProviderError::Busy`] with the `Retry-After` it asked for. GraphQL
    /// errors become typed errors: `UNAUTHENTICATED` is the station's
    /// credentials, anything else a refusal with the service's code.
    pub async fn execute<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        variables: serde_json::Value,
    ) -> Result<T, ProviderError> {
        let url = &self.api_url;
        let body = serde_json::json!({ "query": query, "variables": variables });
        let payload = serde_json::to_vec(&body).map_err(|e| ProviderError::Protocol {
            detail: format!("request could not be encoded: {e}"),
        })?;
        let response = self
            .tokens
            .post_json(url, &payload)
            .await?
            .map_err(ProviderError::unreachable(url))?;
        let status = response.status();
        let wait_asked = retry_after(response.headers(), SystemTime::now());
        let bytes = response.bytes().await.map_err(ProviderError::unreachable(url))?;
        if is_transient(status.as_u16(), None) {
            // Throttled or down for a moment: nothing ran, try again later.
            let refusal = parse_response::<serde_json::Value>(status.as_u16(), &bytes).err();
            let (code, message) = match refusal {
                Some(ProviderError::Rejected { code, message, .. }) => (code, message),
                _ => (
                    status.as_u16().to_string(),
                    "the service asked to be called later".to_owned(),
                ),
            };
            return Err(ProviderError::Busy {
                attempts: 1,
                code,
                message,
                wait_asked,
            });
        }
        parse_response(status.as_u16(), &bytes)
    }
}

/// A GraphQL answer (HTTP `status`, `body`) as the operation's `data`, or
/// the typed error its first GraphQL error stands for: `UNAUTHENTICATED` is
/// the station's credentials, anything else a refusal with the service's
/// code. Any bytes give an answer or an error, never a panic.
pub fn parse_response<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, ProviderError> {
    let parsed: wire::GraphqlResponse<T> =
        serde_json::from_slice(body).map_err(|e| ProviderError::Protocol {
            detail: format!("GraphQL answer (HTTP {status}): {e}"),
        })?;
    if let Some(error) = parsed.errors.first() {
        if error.code() == Some("UNAUTHENTICATED") {
            return Err(ProviderError::Auth {
                error: "UNAUTHENTICATED".into(),
                description: error.message.clone(),
            });
        }
        return Err(ProviderError::Rejected {
            status,
            code: error.code().unwrap_or("graphqlError").to_owned(),
            message: error.message.clone(),
            inner_code: None,
            target: None,
        });
    }
    parsed.data.ok_or_else(|| ProviderError::Protocol {
        detail: "GraphQL answer without data or errors".into(),
    })
}
