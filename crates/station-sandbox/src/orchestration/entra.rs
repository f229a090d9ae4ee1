//! VO as a client of the Request Service: it creates requests through the
//! sandbox's own handler, in process (same validation, faults and request
//! store as over HTTP), and receives that service's callbacks at
//! [`CALLBACK_PATH`], where each event is recorded, published to
//! subscribers and forwarded to the caller's callback, as VO's callback
//! middleware does (204 when forwarded or when there is nowhere to forward
//! to, otherwise the caller's status, or 500 when unreachable).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::http::Routes;
use super::input::error_response;
use super::scalars::DateTime;
use super::types::{IssuanceRequestStatus, RequestError, RequestErrorResponse, RequestInnerError};
use crate::callbacks::{Event, Status};
use crate::clock;
use crate::request_service;
use crate::spec::{ApiShape, CallbackSpec};
use crate::state::AppState;

/// Where the Request Service emulation posts VO's callbacks.
pub(super) const CALLBACK_PATH: &str = "/orchestration/entra-callback";

/// The issuer DID of VO-created requests.
pub(super) const AUTHORITY: &str = "did:web:orchestration.sandbox.issuance-station.example";

/// `registration.clientName` of VO-created requests: what the wallet shows.
pub(super) const CLIENT_NAME: &str = "Verified Orchestration (sandbox)";

/// A cached token is renewed this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);

/// Enough for any error or created answer of the Request Service.
const ANSWER_LIMIT: usize = 1_048_576;

/// A created request, as the Request Service answered.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Created {
    pub request_id: String,
    pub url: String,
    pub expiry: i64,
    pub qr_code: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "requestId")]
    request_id: Option<String>,
    date: Option<String>,
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    message: String,
    innererror: Option<InnerDetail>,
}

#[derive(Deserialize)]
struct InnerDetail {
    code: String,
    message: String,
    target: Option<String>,
}

/// `POST createIssuanceRequest` with `body`, answered as VO answers: the
/// created request, or the service's error as a `RequestErrorResponse`.
pub(super) async fn create_issuance(
    state: &Arc<AppState>,
    body: &serde_json::Value,
) -> Result<Created, RequestErrorResponse> {
    let mut headers = HeaderMap::new();
    let bearer = HeaderValue::from_str(&format!("Bearer {}", token(state)))
        .map_err(|_| unavailable("The internal access token is not a valid header value."))?;
    headers.insert(AUTHORIZATION, bearer);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let response =
        request_service::create_issuance(State(Arc::clone(state)), headers, Body::from(body.to_string()))
            .await;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), ANSWER_LIMIT)
        .await
        .map_err(|_| unavailable("The Request Service's answer could not be read."))?;
    if status.is_success() {
        return serde_json::from_slice(&bytes)
            .map_err(|_| unavailable("The Request Service's answer is not the documented shape."));
    }
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => Err(passed_on(body)),
        Err(_) => Err(unavailable(&format!(
            "The Request Service answered HTTP {status} without its error body."
        ))),
    }
}

/// The Request Service's error, kept whole; its RFC 1123 date becomes ISO-8601.
fn passed_on(body: ErrorBody) -> RequestErrorResponse {
    let mut response = error_response(
        &body.error.code,
        body.error.message,
        body.error.innererror.map(|inner| RequestInnerError {
            code: inner.code,
            message: inner.message,
            target: inner.target,
        }),
    );
    if let Some(id) = body.request_id {
        if let Some(id) = super::scalars::Uuid::parse(&id) {
            response.request_id = id;
        }
    }
    if let Some(date) = body.date.and_then(|d| httpdate::parse_http_date(&d).ok()) {
        response.date = DateTime::from_unix(clock::unix_secs(date));
    }
    response
}

fn unavailable(message: &str) -> RequestErrorResponse {
    error_response("internalServerError", message.to_owned(), None)
}

/// VO's own token for the Request Service, minted straight into the
/// token store (it would come from Entra's token endpoint in production),
/// so VO's calls do not show in [`crate::Sandbox::token_requests`].
fn token(state: &AppState) -> String {
    let now = SystemTime::now();
    let mut cached = state
        .orchestration
        .entra_token
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((token, expires_at)) = cached.as_ref() {
        if now + TOKEN_MARGIN < *expires_at {
            return token.clone();
        }
    }
    let token = super::random_token();
    let expires_at = now + state.config.token_lifetime;
    state.lock().add_token(token.clone(), expires_at);
    *cached = Some((token.clone(), expires_at));
    token
}

/// The Request Service's callback body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackBody {
    request_id: String,
    request_status: String,
    state: Option<String>,
    error: Option<RequestErrorBody>,
}

#[derive(Deserialize)]
struct RequestErrorBody {
    code: String,
    message: String,
}

/// `POST /orchestration/entra-callback`
pub(super) async fn callback(State(routes): State<Routes>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let state = &routes.state;
    let secret = state.orchestration.callback_secret.as_bytes();
    let authentic = headers
        .get("api-key")
        .is_some_and(|key| bool::from(key.as_bytes().ct_eq(secret)));
    if !authentic {
        tracing::warn!("refused an orchestration callback without the right api-key");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(event) = serde_json::from_slice::<CallbackBody>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let Some((status, wire_status)) = status_of(&event.request_status) else {
        // Presentation events: VO creates no presentations here.
        return StatusCode::BAD_REQUEST;
    };
    let error = event.error.map(|e| RequestError {
        code: e.code,
        message: e.message,
    });
    let Some(callback) = state
        .orchestration
        .record_event(&event.request_id, status, error.clone())
    else {
        tracing::warn!(request_id = %event.request_id, "callback for a request Verified Orchestration does not know");
        return StatusCode::NO_CONTENT;
    };
    let Some(callback) = callback else {
        return StatusCode::NO_CONTENT;
    };
    // Forwarded as received, with the state the caller gave (or VO's own).
    let spec = CallbackSpec {
        state: event.state.unwrap_or_default(),
        ..callback
    };
    let mut forwarded = Event::new(&event.request_id, ApiShape::Current, &spec, wire_status);
    if let Some(error) = &error {
        forwarded = forwarded.with_error(&error.code, &error.message);
    }
    match state.callbacks.deliver(&forwarded).await {
        Some(code) if (200..300).contains(&code) => StatusCode::NO_CONTENT,
        Some(code) => StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY),
        None => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn status_of(text: &str) -> Option<(IssuanceRequestStatus, Status)> {
    match text {
        "request_retrieved" => Some((IssuanceRequestStatus::RequestRetrieved, Status::RequestRetrieved)),
        "issuance_successful" => Some((
            IssuanceRequestStatus::IssuanceSuccessful,
            Status::IssuanceSuccessful,
        )),
        "issuance_error" => Some((IssuanceRequestStatus::IssuanceError, Status::IssuanceError)),
        _ => None,
    }
}
