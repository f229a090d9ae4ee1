//! The Azure AD v2 token endpoint, client-credentials grant only: the
//! station gets its bearer token here exactly as from
//! `login.microsoftonline.com`, including AAD's error shapes and codes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::error_body::AadError;
use crate::faults::Endpoint;
use crate::state::AppState;

/// The Request Service's application scope (current API).
pub const CURRENT_SCOPE: &str = "3db474b9-6a0c-4840-96ac-1fceb342124f/.default";
/// The Request Service's application scope in the preview API.
pub const PREVIEW_SCOPE: &str = "bbb94529-53a3-4be5-a069-7eaf2712b826/.default";
/// The scope Verified Orchestration's clients ask for; the sandbox's VO
/// emulation accepts a token of any of these scopes.
pub const ORCHESTRATION_SCOPE: &str = "https://sandbox.issuance-station.example/orchestration/.default";

/// Form bodies are tiny; this only stops abuse.
const FORM_LIMIT: usize = 64 * 1024;

#[derive(Serialize)]
struct TokenResponse {
    token_type: &'static str,
    expires_in: u64,
    ext_expires_in: u64,
    access_token: String,
}

pub(crate) async fn issue(
    State(state): State<Arc<AppState>>,
    Path(tenant): Path<String>,
    body: Body,
) -> Response {
    state.count_token_hit();
    if let Some(fault) = state.lock().take_fault(Endpoint::Token) {
        return fault.to_aad_error().into_response();
    }
    let form = match axum::body::to_bytes(body, FORM_LIMIT).await {
        Ok(bytes) => url::form_urlencoded::parse(&bytes).into_owned().collect(),
        Err(_) => HashMap::new(),
    };
    match check(&state, &tenant, &form) {
        Ok(()) => issue_token(&state).into_response(),
        Err(error) => error.into_response(),
    }
}

fn check(state: &AppState, tenant: &str, form: &HashMap<String, String>) -> Result<(), AadError> {
    let config = &state.config;
    if tenant != config.tenant_id {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        ));
    }
    let grant_type = required(form, "grant_type")?;
    if grant_type != "client_credentials" {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("AADSTS70003: The app requested an unsupported grant type '{grant_type}'."),
        ));
    }
    let client_id = required(form, "client_id")?;
    if client_id != config.client_id {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            format!("AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'."),
        ));
    }
    let secret = form.get("client_secret").map(String::as_str).unwrap_or("");
    if secret.is_empty() {
        return Err(AadError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.".to_owned(),
        ));
    }
    if !bool::from(secret.as_bytes().ct_eq(config.client_secret.as_bytes())) {
        return Err(AadError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            format!("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
        ));
    }
    let scope = required(form, "scope")?;
    if ![CURRENT_SCOPE, PREVIEW_SCOPE, ORCHESTRATION_SCOPE].contains(&scope) {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            format!("AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."),
        ));
    }
    Ok(())
}

fn required<'a>(form: &'a HashMap<String, String>, name: &str) -> Result<&'a str, AadError> {
    match form.get(name).map(String::as_str) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("AADSTS900144: The request body must contain the following parameter: '{name}'."),
        )),
    }
}

fn issue_token(state: &AppState) -> Json<TokenResponse> {
    let lifetime = state.config.token_lifetime;
    // 256 random bits, url-safe, opaque like AAD's JWTs are to the caller.
    let access_token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    state
        .lock()
        .add_token(access_token.clone(), std::time::SystemTime::now() + lifetime);
    Json(TokenResponse {
        token_type: "Bearer",
        expires_in: lifetime.as_secs(),
        ext_expires_in: lifetime.as_secs(),
        access_token,
    })
}
