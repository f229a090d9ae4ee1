//! The Request Service's create endpoints: bearer check, the required
//! `Content-Type: application/json`, the 1 MB body limit, validation, and
//! the 201 answer with `requestId`, `url`, `expiry` and `qrCode`. Every
//! refusal uses the documented error body.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;

use crate::error_body::ServiceError;
use crate::faults::Endpoint;
use crate::spec::{ApiShape, RequestKind, ValidRequest};
use crate::state::{AppState, Phase, StoredRequest};
use crate::{qr, validation};

/// The service's documented payload limit.
pub(crate) const MAX_BODY_BYTES: usize = 1_048_576;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    request_id: String,
    url: String,
    expiry: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    qr_code: Option<String>,
}

/// Which create call is being served.
#[derive(Debug, Clone, Copy)]
enum CreateCall {
    Issuance(ApiShape),
    Presentation,
}

impl CreateCall {
    fn endpoint(self) -> Endpoint {
        match self {
            Self::Issuance(_) => Endpoint::CreateIssuance,
            Self::Presentation => Endpoint::CreatePresentation,
        }
    }

    fn shape(self) -> ApiShape {
        match self {
            Self::Issuance(shape) => shape,
            Self::Presentation => ApiShape::Current,
        }
    }

    fn validate(self, body: &Value) -> Result<ValidRequest, validation::Invalid> {
        match self {
            Self::Issuance(shape) => validation::issuance(body, shape),
            Self::Presentation => validation::presentation(body),
        }
    }
}

/// `POST /v1.0/verifiableCredentials/createIssuanceRequest`
pub(crate) async fn create_issuance(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    into_response(
        create(
            &state,
            CreateCall::Issuance(ApiShape::Current),
            &headers,
            body,
            None,
        )
        .await,
    )
}

/// `POST /v1.0/{tenant}/verifiablecredentials/request` (preview API)
pub(crate) async fn create_preview_issuance(
    State(state): State<Arc<AppState>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let call = CreateCall::Issuance(ApiShape::Preview);
    into_response(create(&state, call, &headers, body, Some(&tenant)).await)
}

/// `POST /v1.0/verifiableCredentials/createPresentationRequest`
pub(crate) async fn create_presentation(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    into_response(create(&state, CreateCall::Presentation, &headers, body, None).await)
}

fn into_response(result: Result<Created, ServiceError>) -> Response {
    match result {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn create(
    state: &AppState,
    call: CreateCall,
    headers: &HeaderMap,
    body: Body,
    path_tenant: Option<&str>,
) -> Result<Created, ServiceError> {
    if let Some(fault) = state.lock().take_fault(call.endpoint()) {
        return Err(fault.to_service_error());
    }
    authenticate(state, headers)?;
    if let Some(tenant) = path_tenant.filter(|t| *t != state.config.tenant_id) {
        return Err(ServiceError::plain(
            StatusCode::NOT_FOUND,
            "notFound",
            &format!("Tenant '{tenant}' not found."),
        ));
    }
    require_json(headers)?;
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| {
        ServiceError::plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payloadTooLarge",
            "The request payload is larger than the maximum of 1048576 bytes.",
        )
    })?;
    let json: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ServiceError::bad_field(format!("The request body is not valid JSON: {e}."), None))?;
    let valid = call
        .validate(&json)
        .map_err(|invalid| ServiceError::bad_field(invalid.message, Some(invalid.target)))?;
    store(state, call, valid, json)
}

fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<(), ServiceError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    match token {
        Some(token) if state.lock().token_is_valid(token) => Ok(()),
        _ => Err(ServiceError::unauthorized()),
    }
}

/// The service documents `Content-Type: application/json` as required;
/// parameters such as `charset` are allowed, and media types are
/// case-insensitive (RFC 9110).
fn require_json(headers: &HeaderMap) -> Result<(), ServiceError> {
    let media_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    match media_type {
        Some(media_type) if media_type.eq_ignore_ascii_case("application/json") => Ok(()),
        _ => Err(ServiceError::plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupportedMediaType",
            "The request body must be JSON sent with the header 'Content-Type: application/json'.",
        )),
    }
}

fn store(
    state: &AppState,
    call: CreateCall,
    valid: ValidRequest,
    body: Value,
) -> Result<Created, ServiceError> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let collection = match valid.spec.kind() {
        RequestKind::Issuance => "issuanceRequests",
        RequestKind::Presentation => "presentationRequests",
    };
    // `openid-vc://` per the current docs and seed 003 (seed 001's `openid://vc` is older); the station reads only `request_uri`.
    let url = format!(
        "openid-vc://?request_uri={}/v1.0/tenants/{}/verifiableCredentials/{collection}/{request_id}",
        state.base_url, state.config.tenant_id
    );
    let qr_code = if valid.include_qr_code {
        Some(qr::png_data_url(&url).map_err(|e| {
            tracing::error!(error = %e, "could not render the QR code");
            ServiceError::plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internalServerError",
                "The QR code could not be rendered.",
            )
        })?)
    } else {
        None
    };
    let now = SystemTime::now();
    let expires_at = now + state.config.request_lifetime;
    let mut inner = state.lock();
    // Lazily, so memory stays bounded without a background task.
    inner.forget_ended(now, state.config.retention);
    let request = StoredRequest {
        id: request_id.clone(),
        seq: inner.next_seq(),
        shape: call.shape(),
        spec: valid.spec,
        callback: valid.callback,
        url: url.clone(),
        expires_at,
        phase: Phase::Created,
        pin_verified: false,
    };
    let expiry = request.expiry_unix();
    inner.add_request(request, body);
    Ok(Created {
        request_id,
        url,
        expiry,
        qr_code,
    })
}
