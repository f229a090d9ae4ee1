//! Delivers callback events the way the Request Service does: one JSON POST
//! to `callback.url` with exactly the caller's `callback.headers`, a 10 s
//! timeout and no retry. The wallet action reports the receiver's status so
//! tests and the CLI can see whether the station took the event.

use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use serde_json::{json, Map, Value};

use crate::error::SandboxError;
use crate::spec::{ApiShape, CallbackSpec};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The `requestStatus` (or preview `code`) values the service sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    RequestRetrieved,
    IssuanceSuccessful,
    IssuanceError,
    PresentationVerified,
    PresentationError,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::RequestRetrieved => "request_retrieved",
            Self::IssuanceSuccessful => "issuance_successful",
            Self::IssuanceError => "issuance_error",
            Self::PresentationVerified => "presentation_verified",
            Self::PresentationError => "presentation_error",
        }
    }
}

/// One event about to be sent.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub request_id: String,
    pub shape: ApiShape,
    pub callback: CallbackSpec,
    pub status: Status,
    pub error: Option<(String, String)>,
    /// Presentation results (`subject`, `verifiedCredentialsData`, `receipt`).
    pub extra: Map<String, Value>,
}

impl Event {
    pub(crate) fn new(request_id: &str, shape: ApiShape, callback: &CallbackSpec, status: Status) -> Self {
        Self {
            request_id: request_id.to_owned(),
            shape,
            callback: callback.clone(),
            status,
            error: None,
            extra: Map::new(),
        }
    }

    pub(crate) fn with_error(mut self, code: &str, message: &str) -> Self {
        self.error = Some((code.to_owned(), message.to_owned()));
        self
    }

    pub(crate) fn with_extra(mut self, extra: Map<String, Value>) -> Self {
        self.extra = extra;
        self
    }

    /// The JSON body; the status field is named `code` for preview-API requests.
    pub(crate) fn body(&self) -> Value {
        let status_field = match self.shape {
            ApiShape::Current => "requestStatus",
            ApiShape::Preview => "code",
        };
        let mut body = Map::new();
        body.insert("requestId".into(), json!(self.request_id));
        body.insert(status_field.into(), json!(self.status.as_str()));
        body.insert("state".into(), json!(self.callback.state));
        if let Some((code, message)) = &self.error {
            body.insert("error".into(), json!({"code": code, "message": message}));
        }
        body.extend(self.extra.clone());
        Value::Object(body)
    }
}

/// Sends callback events over HTTP.
#[derive(Debug, Clone)]
pub(crate) struct CallbackSender {
    client: reqwest::Client,
}

impl CallbackSender {
    pub(crate) fn new() -> Result<Self, SandboxError> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(SandboxError::CallbackClient)?;
        Ok(Self { client })
    }

    /// Delivers `event` once; returns the receiver's HTTP status, or `None`
    /// when it could not be reached.
    pub(crate) async fn deliver(&self, event: &Event) -> Option<u16> {
        let mut request = self
            .client
            .post(&event.callback.url)
            .header(CONTENT_TYPE, "application/json")
            .body(event.body().to_string());
        for (name, value) in &event.callback.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                if !response.status().is_success() {
                    tracing::warn!(
                        request_id = %event.request_id,
                        status = event.status.as_str(),
                        http_status = status,
                        "callback receiver refused the event"
                    );
                }
                Some(status)
            }
            Err(error) => {
                // The URL's query could carry a secret, so only its origin is logged.
                let origin = url::Url::parse(&event.callback.url)
                    .map(|u| u.origin().ascii_serialization())
                    .unwrap_or_default();
                tracing::warn!(
                    request_id = %event.request_id,
                    status = event.status.as_str(),
                    %origin,
                    error = %error.without_url(),
                    "callback delivery failed"
                );
                None
            }
        }
    }
}
