//! Scripted failures. Throttling, outages and odd refusals cannot be
//! provoked on demand against Microsoft, so tests queue them here and the
//! next calls to an endpoint answer them, in order, before normal processing.

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::error_body::{AadError, InnerError, ServiceError};

/// An emulated endpoint that can be told to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Endpoint {
    /// `POST /{tenant}/oauth2/v2.0/token`
    Token,
    /// Both issuance endpoints: current `createIssuanceRequest` and preview `…/verifiablecredentials/request`.
    CreateIssuance,
    /// `POST /v1.0/verifiableCredentials/createPresentationRequest`
    CreatePresentation,
    /// The OID4VCI admin API's `GET …/credential/history/{id}` (the status
    /// a station polls), answered in that API's error body.
    Oid4vciHistory,
    /// The same API's `PUT …/credential/history/{id}` (a Deferred
    /// credential's claims), likewise.
    Oid4vciDeferredUpdate,
    /// Verified Orchestration's `POST /orchestration/graphql`, answered
    /// before the operation runs, as VO's gateway answers when it throttles
    /// (429 with `Retry-After`) or is down (503): `code` and `message` as a
    /// GraphQL error.
    OrchestrationGraphql,
}

/// One scripted failure. On [`Endpoint::Token`] it is answered in Azure AD's
/// shape (`error` = `code`, `error_description` = `message`); on
/// [`Endpoint::Oid4vciHistory`] and [`Endpoint::Oid4vciDeferredUpdate`] in
/// the OID4VCI admin API's; on the others
/// in the Request Service's error body. `retry_after_secs` becomes a
/// `Retry-After` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub inner_code: Option<String>,
    pub target: Option<String>,
    pub retry_after_secs: Option<u64>,
}

impl Fault {
    /// A fault with just a status, code and message.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            inner_code: None,
            target: None,
            retry_after_secs: None,
        }
    }

    /// The service's throttling answer: 429 `tooManyRequests` with `Retry-After`.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(
                429,
                "tooManyRequests",
                "The request was throttled. Retry after the delay in the Retry-After header.",
            )
        }
    }

    pub(crate) fn status_code(&self) -> StatusCode {
        // An out-of-range status in a test script still has to answer something.
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub(crate) fn to_service_error(&self) -> ServiceError {
        ServiceError {
            status: self.status_code(),
            code: self.code.clone(),
            message: self.message.clone(),
            inner: self.inner_code.as_ref().map(|code| {
                Box::new(InnerError {
                    code: code.clone(),
                    message: self.message.clone(),
                    target: self.target.clone(),
                })
            }),
            retry_after_secs: self.retry_after_secs,
        }
    }

    pub(crate) fn to_aad_error(&self) -> AadError {
        AadError {
            retry_after_secs: self.retry_after_secs,
            ..AadError::new(self.status_code(), &self.code, self.message.clone())
        }
    }
}
