//! The preview issuance endpoint (seed 002), whose callbacks carry `code`,
//! and scripted faults on the create endpoints.

use serde_json::{json, Value};
use station_sandbox::{Endpoint, Fault, WalletClient, PREVIEW_SCOPE};
use station_testkit::callbacks::Receiver;
use station_testkit::sandbox::{self, assert_bad_field, assert_service_error, post_json, ISSUANCE_PATH};

fn preview_body(callback_url: &str) -> Value {
    json!({
        "includeQRCode": false,
        "callback": {"url": callback_url, "state": "prev-state", "headers": {"Authorization": "Basic abc"}},
        "authority": "did:ion:EiCLL8lz",
        "registration": {"clientName": "Preview Sample"},
        "issuance": {
            "type": "VerifiedCredentialExpert",
            "manifest": "https://beta.did.msidentity.com/v1.0/t/verifiableCredential/contracts/VerifiedCredentialExpert",
            "pin": {"value": "3539", "length": 4},
            "claims": {"given_name": "Megan"}
        }
    })
}

#[tokio::test]
async fn preview_endpoint_accepts_its_shape_and_sends_code_callbacks() {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let receiver = Receiver::start().await;
    let token = sandbox::token_for_scope(&sandbox, PREVIEW_SCOPE).await;
    let path = "/v1.0/sandbox-tenant/verifiablecredentials/request";
    let body = preview_body(&receiver.url);

    let (status, _, created) = post_json(&sandbox, path, Some(&token), &body).await;
    assert_eq!(status, 201, "{created}");
    assert!(created.get("qrCode").is_none());
    let id = created["requestId"].as_str().unwrap();
    assert_eq!(sandbox.received(id), Some(body.clone()));

    let opened = wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(opened.credential_type, "VerifiedCredentialExpert");
    assert_eq!(opened.pin_length, Some(4));
    let retrieved = receiver.last();
    assert_eq!(retrieved.headers["authorization"], "Basic abc");
    assert_eq!(
        retrieved.body,
        json!({"requestId": id, "code": "request_retrieved", "state": "prev-state"})
    );
    assert!(!wallet.enter_pin(id, "1111").await.unwrap().accepted);
    assert_eq!(
        receiver.last().body,
        json!({
            "requestId": id,
            "code": "issuance_error",
            "state": "prev-state",
            "error": {"code": "badOrMissingField", "message": "issuance_service_error"}
        })
    );

    // A second request, issued successfully.
    let (_, _, created) = post_json(&sandbox, path, Some(&token), &body).await;
    let id = created["requestId"].as_str().unwrap();
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert!(wallet.enter_pin(id, "3539").await.unwrap().accepted);
    wallet.accept(id).await.unwrap();
    assert_eq!(
        receiver.last().body,
        json!({"requestId": id, "code": "issuance_successful", "state": "prev-state"})
    );
    assert!(receiver
        .received()
        .iter()
        .all(|d| d.body.get("requestStatus").is_none()));
}

#[tokio::test]
async fn preview_endpoint_validates_with_nested_paths() {
    let sandbox = sandbox::start().await;
    let token = sandbox::token(&sandbox).await;
    let path = "/v1.0/sandbox-tenant/verifiablecredentials/request";
    let mut body = preview_body("http://127.0.0.1:9/cb");
    body["issuance"]["pin"]["length"] = json!(17);
    assert_bad_field(
        &post_json(&sandbox, path, Some(&token), &body).await,
        "issuance.pin.length",
    );

    // The current shape's top-level fields are unknown here.
    let mut body = preview_body("http://127.0.0.1:9/cb");
    body["type"] = json!("VerifiedCredentialExpert");
    assert_bad_field(&post_json(&sandbox, path, Some(&token), &body).await, "type");

    let mut body = preview_body("http://127.0.0.1:9/cb");
    body.as_object_mut().unwrap().remove("issuance");
    assert_bad_field(&post_json(&sandbox, path, Some(&token), &body).await, "issuance");

    let response = post_json(
        &sandbox,
        "/v1.0/other-tenant/verifiablecredentials/request",
        Some(&token),
        &preview_body("http://127.0.0.1:9/cb"),
    )
    .await;
    assert_service_error(&response, 404, "notFound");
    let response = post_json(&sandbox, path, None, &preview_body("http://127.0.0.1:9/cb")).await;
    assert_service_error(&response, 401, "unauthorized");
}

#[tokio::test]
async fn injected_429_answers_with_retry_after_then_service_resumes() {
    let sandbox = sandbox::start().await;
    let token = sandbox::token(&sandbox).await;
    sandbox.inject_faults(
        Endpoint::CreateIssuance,
        vec![
            Fault::too_many_requests(3),
            Fault {
                inner_code: Some("transientError".into()),
                target: Some("service".into()),
                ..Fault::new(503, "serviceUnavailable", "Try again later.")
            },
        ],
    );
    let body = sandbox::issuance_body("http://127.0.0.1:9/cb");

    let first = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_service_error(&first, 429, "tooManyRequests");
    assert_eq!(first.1["retry-after"], "3");
    assert!(first.2["error"].get("innererror").is_none());

    // Faults come before authentication, like a throttling front door.
    let second = post_json(&sandbox, ISSUANCE_PATH, None, &body).await;
    assert_service_error(&second, 503, "serviceUnavailable");
    assert!(second.1.get("retry-after").is_none());
    assert_eq!(
        second.2["error"]["innererror"],
        json!({"code": "transientError", "message": "Try again later.", "target": "service"})
    );

    let third = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_eq!(third.0, 201, "{}", third.2);
    assert_eq!(sandbox.received_requests().len(), 1);
}

#[tokio::test]
async fn faults_apply_only_to_their_endpoint() {
    let sandbox = sandbox::start().await;
    let token = sandbox::token(&sandbox).await;
    let receiver = Receiver::start().await;
    sandbox.inject_faults(
        Endpoint::CreatePresentation,
        vec![Fault::new(500, "internalServerError", "Boom.")],
    );
    sandbox::create_issuance(&sandbox, &token, &sandbox::issuance_body(&receiver.url)).await;
    let body = sandbox::presentation_body(&receiver.url);
    let failed = post_json(&sandbox, sandbox::PRESENTATION_PATH, Some(&token), &body).await;
    assert_service_error(&failed, 500, "internalServerError");
    sandbox::create_presentation(&sandbox, &token, &body).await;
}
