//! The two error bodies of the issuer. Wallet-facing endpoints answer as
//! OAuth 2.0 and OID4VCI 1.0 say, `{error, error_description}` and never
//! cached. The admin API's errors are undocumented in seed 004; the
//! sandbox answers `{error, errorDescription, field?}`, `field` naming the
//! offending request field so a caller can point at it.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An OAuth / OID4VCI error (`invalid_grant`, `invalid_proof`, …).
#[derive(Debug, Clone)]
pub(crate) struct OauthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OauthError {
    pub(crate) fn bad_request(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            description: description.into(),
        }
    }

    /// 401 with `WWW-Authenticate`, as RFC 6750 wants for a bad token.
    pub(crate) fn invalid_token(description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_token",
            description: description.into(),
        }
    }
}

#[derive(Serialize)]
struct OauthErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl IntoResponse for OauthError {
    fn into_response(self) -> Response {
        let body = OauthErrorBody {
            error: self.error,
            error_description: &self.description,
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        response
    }
}

/// An admin API refusal.
#[derive(Debug, Clone)]
pub(crate) struct AdminError {
    pub status: StatusCode,
    pub error: Cow<'static, str>,
    pub description: String,
    pub field: Option<String>,
    /// Sent as `Retry-After` (a scripted throttling fault).
    pub retry_after_secs: Option<u64>,
}

impl AdminError {
    fn new(status: StatusCode, error: &'static str, description: String, field: Option<String>) -> Self {
        Self {
            status,
            error: Cow::Borrowed(error),
            description,
            field,
            retry_after_secs: None,
        }
    }

    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid API key is required: Authorization: ApiKey <key>.".to_owned(),
            None,
        )
    }

    /// A scripted fault ([`crate::Fault`]) in the admin API's error body.
    pub(crate) fn from_fault(fault: &crate::Fault) -> Self {
        Self {
            status: StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            error: Cow::Owned(fault.code.clone()),
            description: fault.message.clone(),
            field: fault.target.clone(),
            retry_after_secs: fault.retry_after_secs,
        }
    }

    /// 400 naming the field at fault, as a JSON path (`credential.type`).
    pub(crate) fn bad_field(field: &str, description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            description.into(),
            Some(field.to_owned()),
        )
    }

    pub(crate) fn bad_body(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", description.into(), None)
    }

    pub(crate) fn not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No credential exchange '{id}'."),
            None,
        )
    }

    pub(crate) fn conflict(description: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", description.into(), None)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdminErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let body = AdminErrorBody {
            error: &self.error,
            error_description: &self.description,
            field: self.field.as_deref(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
