//! The error bodies the emulated services answer with, so callers see the
//! same shapes as from Microsoft: the Request Service's
//! `{requestId, date, error{code, message, innererror{code, message, target}}}`,
//! Azure AD's `{error, error_description}`, and the wallet API's
//! `{error{code, message}}`.

use std::time::SystemTime;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::clock;

/// The `innererror` code the Request Service uses for validation failures.
pub(crate) const BAD_OR_MISSING_FIELD: &str = "badOrMissingField";

/// A Request Service error, rendered in its documented body.
#[derive(Debug, Clone)]
pub(crate) struct ServiceError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Boxed to keep `Result<_, ServiceError>` small.
    pub inner: Option<Box<InnerError>>,
    pub retry_after_secs: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct InnerError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl ServiceError {
    pub(crate) fn unauthorized() -> Self {
        Self::plain(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Failed to authenticate the request.",
        )
    }

    pub(crate) fn plain(status: StatusCode, code: &str, message: &str) -> Self {
        Self {
            status,
            code: code.to_owned(),
            message: message.to_owned(),
            inner: None,
            retry_after_secs: None,
        }
    }

    /// A 400 `badRequest` whose innererror names the offending JSON path.
    pub(crate) fn bad_field(message: String, target: Option<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "badRequest".to_owned(),
            message: message.clone(),
            inner: Some(Box::new(InnerError {
                code: BAD_OR_MISSING_FIELD.to_owned(),
                message,
                target,
            })),
            retry_after_secs: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceErrorBody<'a> {
    request_id: String,
    date: String,
    error: ServiceErrorDetail<'a>,
}

#[derive(Serialize)]
struct ServiceErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    innererror: Option<&'a InnerError>,
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let body = ServiceErrorBody {
            request_id: uuid::Uuid::new_v4().to_string(),
            date: clock::http_date(SystemTime::now()),
            error: ServiceErrorDetail {
                code: &self.code,
                message: &self.message,
                innererror: self.inner.as_deref(),
            },
        };
        with_retry_after((self.status, Json(body)).into_response(), self.retry_after_secs)
    }
}

/// An Azure AD token endpoint error.
#[derive(Debug, Clone)]
pub(crate) struct AadError {
    pub status: StatusCode,
    pub error: String,
    pub description: String,
    pub retry_after_secs: Option<u64>,
}

impl AadError {
    pub(crate) fn new(status: StatusCode, error: &str, description: String) -> Self {
        Self {
            status,
            error: error.to_owned(),
            description,
            retry_after_secs: None,
        }
    }
}

#[derive(Serialize)]
struct AadErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl IntoResponse for AadError {
    fn into_response(self) -> Response {
        let body = AadErrorBody {
            error: &self.error,
            error_description: &self.description,
        };
        with_retry_after((self.status, Json(body)).into_response(), self.retry_after_secs)
    }
}

/// A wallet API refusal: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone)]
pub(crate) struct WalletError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl WalletError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }
}

/// The wallet API's error body, shared with [`crate::WalletClient`] which parses it.
#[derive(Debug, Serialize, serde::Deserialize)]
pub(crate) struct WalletErrorBody {
    pub error: WalletErrorDetail,
}

#[derive(Debug, Serialize, serde::Deserialize)]
pub(crate) struct WalletErrorDetail {
    pub code: String,
    pub message: String,
}

impl IntoResponse for WalletError {
    fn into_response(self) -> Response {
        let body = WalletErrorBody {
            error: WalletErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

fn with_retry_after(mut response: Response, retry_after_secs: Option<u64>) -> Response {
    if let Some(secs) = retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}
