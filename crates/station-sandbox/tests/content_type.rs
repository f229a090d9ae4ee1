//! The create endpoints require `Content-Type: application/json`, checked
//! after faults and the bearer token and before the body size and JSON.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use axum::http::HeaderMap;
use serde_json::{json, Value};
use station_sandbox::{Endpoint, Fault, PREVIEW_SCOPE};
use station_testkit::sandbox::{self, assert_service_error, post_typed, ISSUANCE_PATH, PRESENTATION_PATH};

const CALLBACK: &str = "http://127.0.0.1:9/callback";
const PREVIEW_PATH: &str = "/v1.0/sandbox-tenant/verifiablecredentials/request";

fn preview_body() -> Value {
    json!({
        "callback": {"url": CALLBACK, "state": "s"},
        "authority": "did:ion:EiCLL8lz",
        "registration": {"clientName": "Preview"},
        "issuance": {"type": "VerifiedCredentialExpert", "manifest": "https://beta.did.msidentity.com/m"}
    })
}

fn assert_unsupported_media_type(response: &(u16, HeaderMap, Value)) {
    assert_service_error(response, 415, "unsupportedMediaType");
    let message = response.2["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("Content-Type: application/json"), "{message}");
    assert!(response.2["error"].get("innererror").is_none());
}

#[tokio::test]
async fn create_endpoints_require_a_json_content_type() {
    let sandbox = sandbox::start().await;
    let token = sandbox::token(&sandbox).await;
    let preview_token = sandbox::token_for_scope(&sandbox, PREVIEW_SCOPE).await;
    let endpoints = [
        (ISSUANCE_PATH, &token, sandbox::issuance_body(CALLBACK)),
        (PREVIEW_PATH, &preview_token, preview_body()),
        (PRESENTATION_PATH, &token, sandbox::presentation_body(CALLBACK)),
    ];
    for (path, token, body) in &endpoints {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/jsonp"),
            Some("application/x-www-form-urlencoded"),
        ] {
            let response = post_typed(&sandbox, path, Some(token), content_type, body.to_string()).await;
            assert_unsupported_media_type(&response);
        }
    }
    assert!(sandbox.received_requests().is_empty());

    for (path, token, body) in &endpoints {
        for content_type in [
            "application/json",
            "Application/JSON; charset=utf-8",
            " application/json ;charset=UTF-8",
        ] {
            let response =
                post_typed(&sandbox, path, Some(token), Some(content_type), body.to_string()).await;
            assert_eq!(response.0, 201, "{path} with {content_type}: {}", response.2);
        }
    }
}

#[tokio::test]
async fn content_type_is_checked_after_faults_and_the_token_and_before_the_body() {
    let sandbox = sandbox::start().await;
    let token = sandbox::token(&sandbox).await;
    let body = sandbox::issuance_body(CALLBACK).to_string();

    sandbox.inject_faults(
        Endpoint::CreateIssuance,
        vec![Fault::new(503, "serviceUnavailable", "Down.")],
    );
    let response = post_typed(
        &sandbox,
        ISSUANCE_PATH,
        Some(&token),
        Some("text/plain"),
        body.clone(),
    )
    .await;
    assert_service_error(&response, 503, "serviceUnavailable");

    let response = post_typed(&sandbox, ISSUANCE_PATH, None, Some("text/plain"), body.clone()).await;
    assert_service_error(&response, 401, "unauthorized");

    let too_large = "x".repeat(1_048_577);
    let response = post_typed(
        &sandbox,
        ISSUANCE_PATH,
        Some(&token),
        Some("text/plain"),
        too_large,
    )
    .await;
    assert_unsupported_media_type(&response);

    let response = post_typed(&sandbox, ISSUANCE_PATH, Some(&token), None, "{not json".into()).await;
    assert_unsupported_media_type(&response);
}
