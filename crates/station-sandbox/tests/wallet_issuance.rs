//! The simulated wallet on issuance requests: each step and the callback
//! the real service would send for it.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use station_sandbox::{RequestKind, Sandbox, SandboxConfig, SandboxError, WalletClient};
use station_testkit::callbacks::Receiver;
use station_testkit::sandbox;

async fn setup() -> (Sandbox, WalletClient, Receiver, String) {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let receiver = Receiver::start().await;
    let token = sandbox::token(&sandbox).await;
    (sandbox, wallet, receiver, token)
}

fn api_code(error: SandboxError) -> (u16, String, String) {
    match error {
        SandboxError::Api {
            status,
            code,
            message,
        } => (status, code, message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn opening_sends_request_retrieved_with_the_given_header_and_state() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let created = sandbox::create_issuance(&sandbox, &token, &sandbox::issuance_body(&receiver.url)).await;
    let request_id = created["requestId"].as_str().unwrap();

    let opened = wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(opened.request_id, request_id);
    assert_eq!(opened.kind, RequestKind::Issuance);
    assert_eq!(opened.credential_type, "VerifiedEmployee");
    assert!(opened.pin_required);
    assert_eq!(opened.pin_length, Some(4));
    assert_eq!(opened.callback_status, Some(200));

    let delivered = receiver.last();
    assert_eq!(delivered.headers["api-key"], "key-abc");
    assert_eq!(delivered.headers["content-type"], "application/json");
    assert_eq!(
        delivered.body,
        json!({"requestId": request_id, "requestStatus": "request_retrieved", "state": "state-123"})
    );

    // A re-scan sends it again, as a real wallet does.
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(receiver.received().len(), 2);

    let pending = wallet.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].status, "retrieved");
    assert_eq!(pending[0].url, created["url"].as_str().unwrap());
    assert_eq!(pending[0].expiry, created["expiry"].as_i64().unwrap());
}

#[tokio::test]
async fn right_pin_then_accept_issues_the_credential() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let created = sandbox::create_issuance(&sandbox, &token, &sandbox::issuance_body(&receiver.url)).await;
    let id = created["requestId"].as_str().unwrap();
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();

    let pin = wallet.enter_pin(id, "3539").await.unwrap();
    assert!(pin.accepted);
    assert_eq!(pin.callback_status, None);
    assert_eq!(receiver.received().len(), 1, "a right PIN sends no callback");

    let accepted = wallet.accept(id).await.unwrap();
    assert_eq!(accepted.callback_status, Some(200));
    assert_eq!(
        receiver.last().body,
        json!({"requestId": id, "requestStatus": "issuance_successful", "state": "state-123"})
    );

    let held = wallet.credentials().await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].types, ["VerifiableCredential", "VerifiedEmployee"]);
    assert_eq!(held[0].issuer, sandbox::AUTHORITY);
    assert_eq!(held[0].claims["given_name"], "Megan");
    assert_eq!(held[0].claims.len(), 3);
    assert!(held[0].issued_at > 1_700_000_000);

    // Finished: no longer pending, and a second accept is refused.
    assert!(wallet.pending().await.unwrap().is_empty());
    let (status, code, _) = api_code(wallet.accept(id).await.unwrap_err());
    assert_eq!((status, code.as_str()), (409, "alreadyCompleted"));
}

#[tokio::test]
async fn wrong_pin_fails_the_issuance() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let created = sandbox::create_issuance(&sandbox, &token, &sandbox::issuance_body(&receiver.url)).await;
    let id = created["requestId"].as_str().unwrap();
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();

    let pin = wallet.enter_pin(id, "0000").await.unwrap();
    assert!(!pin.accepted);
    assert_eq!(pin.callback_status, Some(200));
    let body = receiver.last().body;
    assert_eq!(
        body,
        json!({
            "requestId": id,
            "requestStatus": "issuance_error",
            "state": "state-123",
            "error": {"code": "badOrMissingField", "message": "issuance_service_error"}
        })
    );
    assert!(!body.to_string().contains("0000"), "the PIN never leaves");
    let (status, code, _) = api_code(wallet.enter_pin(id, "3539").await.unwrap_err());
    assert_eq!((status, code.as_str()), (409, "alreadyCompleted"));
    assert!(wallet.credentials().await.unwrap().is_empty());
}

#[tokio::test]
async fn hashed_pin_is_checked_against_salt_and_hash() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let mut body = sandbox::issuance_body(&receiver.url);
    body["pin"] = json!({
        "value": STANDARD.encode(Sha256::digest(b"s@lt482913")),
        "length": 6,
        "salt": "s@lt",
        "alg": "sha256",
        "iterations": 1
    });
    let created = sandbox::create_issuance(&sandbox, &token, &body).await;
    let id = created["requestId"].as_str().unwrap();
    let opened = wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(opened.pin_length, Some(6));
    assert!(wallet.enter_pin(id, "482913").await.unwrap().accepted);
    assert_eq!(wallet.accept(id).await.unwrap().callback_status, Some(200));
}

#[tokio::test]
async fn accept_before_pin_or_before_open_is_refused() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let created = sandbox::create_issuance(&sandbox, &token, &sandbox::issuance_body(&receiver.url)).await;
    let id = created["requestId"].as_str().unwrap();

    let (status, code, _) = api_code(wallet.accept(id).await.unwrap_err());
    assert_eq!((status, code.as_str()), (409, "notOpened"));
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    let (status, code, message) = api_code(wallet.accept(id).await.unwrap_err());
    assert_eq!((status, code.as_str()), (409, "pinRequired"));
    assert!(message.contains("PIN"));
    let (status, code, _) = api_code(wallet.present(id).await.unwrap_err());
    assert_eq!((status, code.as_str()), (409, "wrongKind"));
    // None of these reached the station.
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn issuance_without_pin_accepts_directly_and_decline_reports_user_canceled() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let mut body = sandbox::issuance_body(&receiver.url);
    body.as_object_mut().unwrap().remove("pin");
    let first = sandbox::create_issuance(&sandbox, &token, &body).await;
    let opened = wallet.open(first["url"].as_str().unwrap()).await.unwrap();
    assert!(!opened.pin_required);
    assert_eq!(opened.pin_length, None);
    let (_, code, _) = api_code(
        wallet
            .enter_pin(first["requestId"].as_str().unwrap(), "1234")
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "pinNotRequired");
    wallet.accept(first["requestId"].as_str().unwrap()).await.unwrap();

    let second = sandbox::create_issuance(&sandbox, &token, &body).await;
    let id = second["requestId"].as_str().unwrap();
    wallet.open(second["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(wallet.decline(id).await.unwrap().callback_status, Some(200));
    assert_eq!(
        receiver.last().body,
        json!({
            "requestId": id,
            "requestStatus": "issuance_error",
            "state": "state-123",
            "error": {"code": "userCanceled", "message": "The user declined the request in the wallet."}
        })
    );
    assert_eq!(wallet.credentials().await.unwrap().len(), 1);
}

#[tokio::test]
async fn expired_requests_answer_410() {
    let sandbox = sandbox::start_with(SandboxConfig {
        request_lifetime: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let receiver = Receiver::start().await;
    let token = sandbox::token(&sandbox).await;
    let created = sandbox::create_issuance(&sandbox, &token, &sandbox::issuance_body(&receiver.url)).await;
    let id = created["requestId"].as_str().unwrap();
    assert_eq!(wallet.pending().await.unwrap().len(), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, code, message) = api_code(wallet.open(created["url"].as_str().unwrap()).await.unwrap_err());
    assert_eq!((status, code.as_str()), (410, "expired"));
    assert!(message.starts_with("The request expired at "), "{message}");
    let (status, _, _) = api_code(wallet.accept(id).await.unwrap_err());
    assert_eq!(status, 410);
    assert!(wallet.pending().await.unwrap().is_empty());
    assert!(receiver.received().is_empty(), "expiry sends no callback");
    let error = wallet.open(created["url"].as_str().unwrap()).await.unwrap_err();
    assert!(error.to_string().starts_with("expired: The request expired at"));
}

#[tokio::test]
async fn unknown_requests_and_bad_urls_are_reported() {
    let (sandbox, wallet, _, _) = setup().await;
    let url = format!(
        "openid-vc://?request_uri={}/v1.0/tenants/sandbox-tenant/verifiableCredentials/issuanceRequests/nope",
        sandbox.base_url()
    );
    let (status, code, _) = api_code(wallet.open(&url).await.unwrap_err());
    assert_eq!((status, code.as_str()), (404, "notFound"));
    let (status, code, _) = api_code(wallet.open("no url here").await.unwrap_err());
    assert_eq!((status, code.as_str()), (400, "invalidUrl"));
    let (status, _, _) = api_code(wallet.accept("nope").await.unwrap_err());
    assert_eq!(status, 404);
}

#[tokio::test]
async fn unreachable_callback_is_reported_as_absent_status() {
    let (sandbox, wallet, _, token) = setup().await;
    // Port 9 (discard) on loopback refuses connections.
    let created = sandbox::create_issuance(
        &sandbox,
        &token,
        &sandbox::issuance_body("http://127.0.0.1:9/callback"),
    )
    .await;
    let opened = wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(opened.callback_status, None);
}

#[tokio::test]
async fn pending_lists_newest_first() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let body = sandbox::issuance_body(&receiver.url);
    let older = sandbox::create_issuance(&sandbox, &token, &body).await;
    let newer = sandbox::create_issuance(&sandbox, &token, &body).await;
    let pending = wallet.pending().await.unwrap();
    let ids: Vec<&str> = pending.iter().map(|p| p.request_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            newer["requestId"].as_str().unwrap(),
            older["requestId"].as_str().unwrap()
        ]
    );
    assert!(pending.iter().all(|p| p.status == "created"));
    let as_json: Value = serde_json::to_value(&pending[0]).unwrap();
    assert!(as_json.get("requestId").is_some() && as_json.get("credentialType").is_some());
}
