//! The in-process sandbox, and its Request Service emulation as a client
//! (the station, or a test) calls it: tokens, request bodies, and the
//! documented error answers.

use axum::http::HeaderMap;
use serde_json::{json, Value};
use station_sandbox::{Sandbox, SandboxConfig, WalletClient, CURRENT_SCOPE};

/// A sandbox with the default settings, on a free loopback port.
pub async fn start() -> Sandbox {
    start_with(SandboxConfig::default()).await
}

pub async fn start_with(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

/// A token for the Request Service's scope.
pub async fn token(sandbox: &Sandbox) -> String {
    token_for_scope(sandbox, CURRENT_SCOPE).await
}

pub async fn token_for_scope(sandbox: &Sandbox, scope: &str) -> String {
    let config = sandbox.config();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            sandbox.base_url(),
            config.tenant_id
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.as_str()),
            ("scope", scope),
        ])
        .send()
        .await
        .expect("token endpoint reachable");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("token JSON");
    body["access_token"].as_str().expect("access_token").to_owned()
}

/// POSTs `body` to `path` with the bearer token; returns status, headers and JSON.
pub async fn post_json(
    sandbox: &Sandbox,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, HeaderMap, Value) {
    post_raw(sandbox, path, token, body.to_string()).await
}

pub async fn post_raw(
    sandbox: &Sandbox,
    path: &str,
    token: Option<&str>,
    body: String,
) -> (u16, HeaderMap, Value) {
    post_typed(sandbox, path, token, Some("application/json"), body).await
}

/// POSTs `body` with exactly this `Content-Type` (none when `None`).
pub async fn post_typed(
    sandbox: &Sandbox,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: String,
) -> (u16, HeaderMap, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("sandbox reachable");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, json)
}

pub const ISSUANCE_PATH: &str = "/v1.0/verifiableCredentials/createIssuanceRequest";
pub const PRESENTATION_PATH: &str = "/v1.0/verifiableCredentials/createPresentationRequest";
pub const AUTHORITY: &str = "did:web:issuer.example.com";

pub fn issuance_body(callback_url: &str) -> Value {
    json!({
        "includeQRCode": true,
        "callback": {
            "url": callback_url,
            "state": "state-123",
            "headers": {"api-key": "key-abc"}
        },
        "authority": AUTHORITY,
        "registration": {"clientName": "Issuance Station"},
        "type": "VerifiedEmployee",
        "manifest": "https://verifiedid.did.msidentity.com/v1.0/tenants/t/verifiableCredentials/contracts/c/manifest",
        "claims": {"given_name": "Megan", "family_name": "Bowen", "department": "Research"},
        "pin": {"value": "3539", "length": 4}
    })
}

pub fn presentation_body(callback_url: &str) -> Value {
    json!({
        "authority": "did:web:verifier.example.com",
        "includeReceipt": true,
        "registration": {"clientName": "Door", "purpose": "Entry"},
        "callback": {
            "url": callback_url,
            "state": "pres-state",
            "headers": {"api-key": "key-pres"}
        },
        "requestedCredentials": [{
            "type": "VerifiedEmployee",
            "purpose": "Prove employment",
            "acceptedIssuers": [AUTHORITY],
            "configuration": {"validation": {"allowRevoked": false, "validateLinkedDomain": false}}
        }]
    })
}

/// Asserts the documented error body.
pub fn assert_service_error((status, _, body): &(u16, HeaderMap, Value), expected_status: u16, code: &str) {
    assert_eq!(*status, expected_status, "body: {body}");
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(body["requestId"].as_str().is_some_and(|s| !s.is_empty()));
    let date = body["date"].as_str().expect("date");
    httpdate::parse_http_date(date).expect("RFC 1123 date");
    assert!(body["error"]["message"].as_str().is_some_and(|s| !s.is_empty()));
}

/// Asserts a 400 badRequest / badOrMissingField naming `target`.
pub fn assert_bad_field(response: &(u16, HeaderMap, Value), target: &str) {
    assert_service_error(response, 400, "badRequest");
    let inner = &response.2["error"]["innererror"];
    assert_eq!(inner["code"], "badOrMissingField", "body: {}", response.2);
    assert_eq!(inner["target"], target, "body: {}", response.2);
}

/// Creates an issuance from `body`, asserting 201; returns the answer.
pub async fn create_issuance(sandbox: &Sandbox, token: &str, body: &Value) -> Value {
    let (status, _, answer) = post_json(sandbox, ISSUANCE_PATH, Some(token), body).await;
    assert_eq!(status, 201, "body: {answer}");
    answer
}

/// Issues `body` (which must have no PIN) into the wallet; returns the request id.
pub async fn issue_without_pin(
    sandbox: &Sandbox,
    wallet: &WalletClient,
    token: &str,
    body: &Value,
) -> String {
    let created = create_issuance(sandbox, token, body).await;
    let id = created["requestId"].as_str().expect("requestId").to_owned();
    wallet
        .open(created["url"].as_str().expect("url"))
        .await
        .expect("opens");
    wallet.accept(&id).await.expect("accepts");
    id
}

pub async fn create_presentation(sandbox: &Sandbox, token: &str, body: &Value) -> Value {
    let (status, _, answer) = post_json(sandbox, PRESENTATION_PATH, Some(token), body).await;
    assert_eq!(status, 201, "body: {answer}");
    answer
}
