//! The Azure AD token endpoint: client-credentials success and each
//! documented refusal, in AAD's error shape.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use serde_json::Value;
use station_sandbox::{Endpoint, Fault, Sandbox, CURRENT_SCOPE, PREVIEW_SCOPE};
use station_testkit::callbacks::Receiver;
use station_testkit::sandbox;

async fn token_call(sandbox: &Sandbox, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/{tenant}/oauth2/v2.0/token", sandbox.base_url()))
        .form(form)
        .send()
        .await
        .expect("reachable");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

type Form<'a> = Vec<(&'a str, &'a str)>;

fn form<'a>(secret: &'a str, client: &'a str, scope: &'a str) -> Form<'a> {
    vec![
        ("grant_type", "client_credentials"),
        ("client_id", client),
        ("client_secret", secret),
        ("scope", scope),
    ]
}

#[tokio::test]
async fn issues_a_bearer_token_for_both_scopes() {
    let sandbox = sandbox::start().await;
    for scope in [CURRENT_SCOPE, PREVIEW_SCOPE] {
        let (status, body) = token_call(
            &sandbox,
            "sandbox-tenant",
            &form("sandbox-secret", "sandbox-client", scope),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3599);
        assert_eq!(body["ext_expires_in"], 3599);
        let token = body["access_token"].as_str().expect("token");
        // ≥128 bits, url-safe.
        assert!(token.len() >= 22, "{token}");
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
    let (_, first) = token_call(
        &sandbox,
        "sandbox-tenant",
        &form("sandbox-secret", "sandbox-client", CURRENT_SCOPE),
    )
    .await;
    let (_, second) = token_call(
        &sandbox,
        "sandbox-tenant",
        &form("sandbox-secret", "sandbox-client", CURRENT_SCOPE),
    )
    .await;
    assert_ne!(first["access_token"], second["access_token"]);
    assert_eq!(sandbox.token_requests(), 4);
}

#[tokio::test]
async fn refuses_each_bad_input_with_aad_codes() {
    let sandbox = sandbox::start().await;
    let cases: Vec<(&str, Form, u16, &str, &str)> = vec![
        (
            "other-tenant",
            form("sandbox-secret", "sandbox-client", CURRENT_SCOPE),
            400,
            "invalid_request",
            "AADSTS90002",
        ),
        (
            "sandbox-tenant",
            vec![
                ("grant_type", "password"),
                ("client_id", "sandbox-client"),
                ("client_secret", "sandbox-secret"),
                ("scope", CURRENT_SCOPE),
            ],
            400,
            "unsupported_grant_type",
            "AADSTS70003",
        ),
        (
            "sandbox-tenant",
            form("sandbox-secret", "someone-else", CURRENT_SCOPE),
            400,
            "invalid_client",
            "AADSTS700016",
        ),
        (
            "sandbox-tenant",
            form("wrong-secret", "sandbox-client", CURRENT_SCOPE),
            401,
            "invalid_client",
            "AADSTS7000215",
        ),
        (
            "sandbox-tenant",
            form(
                "sandbox-secret",
                "sandbox-client",
                "https://graph.microsoft.com/.default",
            ),
            400,
            "invalid_scope",
            "AADSTS70011",
        ),
        (
            "sandbox-tenant",
            vec![("client_id", "sandbox-client")],
            400,
            "invalid_request",
            "AADSTS900144",
        ),
    ];
    let count = cases.len();
    for (tenant, form, status, error, aadsts) in cases {
        let (got_status, body) = token_call(&sandbox, tenant, &form).await;
        assert_eq!(got_status, status, "{body}");
        assert_eq!(body["error"], error, "{body}");
        let description = body["error_description"].as_str().expect("description");
        assert!(description.starts_with(&format!("{aadsts}: ")), "{description}");
        assert!(body.get("access_token").is_none());
    }
    assert_eq!(sandbox.token_requests(), count);
}

#[tokio::test]
async fn token_faults_use_the_aad_shape_and_still_count() {
    let sandbox = sandbox::start().await;
    sandbox.inject_faults(
        Endpoint::Token,
        vec![Fault {
            retry_after_secs: Some(7),
            ..Fault::new(503, "temporarily_unavailable", "AADSTS50196: try later")
        }],
    );
    let response = reqwest::Client::new()
        .post(format!("{}/sandbox-tenant/oauth2/v2.0/token", sandbox.base_url()))
        .form(&form("sandbox-secret", "sandbox-client", CURRENT_SCOPE))
        .send()
        .await
        .expect("reachable");
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "7");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "temporarily_unavailable");
    assert_eq!(body["error_description"], "AADSTS50196: try later");
    // The fault is used up: the next call succeeds.
    sandbox::token(&sandbox).await;
    assert_eq!(sandbox.token_requests(), 2);
}

#[tokio::test]
async fn an_expired_token_is_refused_by_the_request_service() {
    let sandbox = sandbox::start_with(station_sandbox::SandboxConfig {
        token_lifetime: std::time::Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let token = sandbox::token(&sandbox).await;
    let receiver = Receiver::start().await;
    let body = sandbox::issuance_body(&receiver.url);
    sandbox::create_issuance(&sandbox, &token, &body).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = sandbox::post_json(&sandbox, sandbox::ISSUANCE_PATH, Some(&token), &body).await;
    sandbox::assert_service_error(&response, 401, "unauthorized");
}
