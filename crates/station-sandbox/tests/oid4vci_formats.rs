//! The sandbox issuer's admin API as iGrant's is today, over real HTTP:
//! each credential definition's format decides the claim carrier and the
//! other one is refused by name; a definition with two exchange records
//! is answered as an array; `userPin` past 12 characters is refused; the
//! history can be throttled (429 with `Retry-After`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use reqwest::Method;
use serde_json::{json, Value};
use station_sandbox::oid4vci::{self, CredentialFormat};
use station_sandbox::{Endpoint, Fault, Sandbox, SandboxConfig, WalletClient};

struct Admin {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Admin {
    async fn start() -> Admin {
        Admin {
            sandbox: Sandbox::start(SandboxConfig::default())
                .await
                .expect("sandbox starts"),
            http: reqwest::Client::new(),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.sandbox.base_url()))
            .header("Authorization", format!("ApiKey {}", oid4vci::DEFAULT_API_KEY));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin API reachable");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.json().await.unwrap_or(Value::Null))
    }

    async fn issue(&self, body: Value) -> (u16, Value) {
        let (status, _, answer) = self.call(Method::POST, oid4vci::ISSUE_PATH, Some(body)).await;
        (status, answer)
    }
}

fn refused_field(status: u16, answer: &Value) -> &str {
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"], "bad_request", "{answer}");
    assert!(answer["errorDescription"].is_string(), "{answer}");
    answer["field"].as_str().unwrap_or_default()
}

fn ada() -> Value {
    json!({"given_name": "Ada", "family_name": "Lovelace"})
}

#[test]
fn every_definition_says_its_format() {
    let format = |id| oid4vci::definition(id).map(|d| d.format);
    assert_eq!(format("EventBadge"), Some(CredentialFormat::SdJwt));
    assert_eq!(format("EventBadgeVc"), Some(CredentialFormat::JwtVcJson));
}

#[tokio::test]
async fn an_sd_jwt_definition_takes_vct_and_claims_and_refuses_credential_subject() {
    let admin = Admin::start().await;
    let (status, answer) = admin
        .issue(
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge",
            "credential": {"vct": "EventBadge", "claims": ada()}}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let record = &answer["credentialHistory"];
    assert_eq!(record["format"], "dc+sd-jwt");
    assert_eq!(record["credential"]["claims"]["given_name"], "Ada");
    assert!(record["credential"].get("credentialSubject").is_none());

    let (status, answer) = admin
        .issue(
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge",
            "credential": {"credentialSubject": ada()}}),
        )
        .await;
    assert_eq!(refused_field(status, &answer), "credential.credentialSubject");
    assert!(
        answer["errorDescription"]
            .as_str()
            .is_some_and(|d| d.contains("credential.claims")),
        "the refusal says where the claims go: {answer}"
    );
    let (status, answer) = admin
        .issue(
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge",
            "credential": {"type": ["EventBadge"], "claims": ada()}}),
        )
        .await;
    assert_eq!(refused_field(status, &answer), "credential.type");
}

#[tokio::test]
async fn a_jwt_vc_definition_takes_type_and_credential_subject_and_refuses_claims() {
    let admin = Admin::start().await;
    let (status, answer) = admin
        .issue(
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadgeVc",
            "credential": {"type": ["EventBadgeVc"], "credentialSubject": ada()}}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["credentialHistory"]["format"], "jwt_vc_json");
    assert_eq!(
        answer["credentialHistory"]["credential"]["credentialSubject"]["family_name"],
        "Lovelace"
    );
    let (status, answer) = admin
        .issue(
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadgeVc",
            "credential": {"claims": ada()}}),
        )
        .await;
    assert_eq!(refused_field(status, &answer), "credential.claims");
}

#[tokio::test]
async fn the_deferred_put_follows_the_format_too() {
    let admin = Admin::start().await;
    for (definition, wrong, right) in [
        ("EventBadge", "credentialSubject", "claims"),
        ("EventBadgeVc", "claims", "credentialSubject"),
    ] {
        let (status, answer) = admin
            .issue(json!({"issuanceMode": "Deferred", "credentialDefinitionId": definition}))
            .await;
        assert_eq!(status, 200, "{answer}");
        let path = oid4vci::history_path(
            answer["credentialHistory"]["credentialExchangeId"]
                .as_str()
                .unwrap(),
        );
        let (status, _, refused) = admin
            .call(Method::PUT, &path, Some(json!({"credential": {wrong: ada()}})))
            .await;
        assert_eq!(refused_field(status, &refused), format!("credential.{wrong}"));
        let (status, _, updated) = admin
            .call(Method::PUT, &path, Some(json!({"credential": {right: ada()}})))
            .await;
        assert_eq!(status, 200, "{updated}");
        assert_eq!(updated["credentialHistory"]["credentialStatus"], "ready");
    }
}

#[tokio::test]
async fn a_definition_with_two_exchange_records_is_answered_as_an_array() {
    let admin = Admin::start().await;
    let (status, answer) = admin
        .issue(
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "TwoDayPass",
            "credential": {"claims": ada()}}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let records = answer["credentialHistory"].as_array().expect("an array");
    assert_eq!(records.len(), 2);
    let id = records[0]["credentialExchangeId"].as_str().unwrap();
    assert_eq!(records[1]["credentialExchangeId"], format!("{id}-2"));
    let (_, _, history) = admin.call(Method::GET, &oid4vci::history_path(id), None).await;
    assert_eq!(history["credentialHistory"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_user_pin_of_13_characters_is_refused() {
    let admin = Admin::start().await;
    let body = |pin: &str| {
        json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadge",
            "credential": {"claims": ada()}, "userPin": pin})
    };
    let (status, answer) = admin.issue(body("1234567890123")).await;
    assert_eq!(refused_field(status, &answer), "userPin");
    let (status, answer) = admin.issue(body("123456789012")).await;
    assert_eq!(status, 200, "12 characters are taken: {answer}");
}

#[tokio::test]
async fn the_history_can_be_throttled_with_retry_after() {
    let admin = Admin::start().await;
    let (_, answer) = admin
        .issue(json!({"issuanceMode": "Deferred", "credentialDefinitionId": "EventBadge"}))
        .await;
    let path = oid4vci::history_path(
        answer["credentialHistory"]["credentialExchangeId"]
            .as_str()
            .unwrap(),
    );
    admin
        .sandbox
        .inject_faults(Endpoint::Oid4vciHistory, vec![Fault::too_many_requests(7)]);
    let (status, headers, body) = admin.call(Method::GET, &path, None).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("7")
    );
    assert_eq!(body["error"], "tooManyRequests");
    let (status, _, _) = admin.call(Method::GET, &path, None).await;
    assert_eq!(status, 200, "one fault, one answer");
}

/// The sandbox's simulated wallet takes a `jwt_vc_json` offer too.
#[tokio::test]
async fn a_jwt_vc_is_issued_to_the_wallet() {
    let admin = Admin::start().await;
    let (_, answer) = admin
        .issue(
            json!({"issuanceMode": "InTime", "credentialDefinitionId": "EventBadgeVc",
            "credential": {"type": ["EventBadgeVc"], "credentialSubject": ada()}, "userPin": "1234"}),
        )
        .await;
    let offer = answer["credentialHistory"]["credentialOffer"].as_str().unwrap();
    let wallet = WalletClient::new(&admin.sandbox.base_url());
    let opened = wallet.open(offer).await.unwrap();
    assert!(
        wallet
            .enter_pin(&opened.request_id, "1234")
            .await
            .unwrap()
            .accepted
    );
    wallet.accept(&opened.request_id).await.unwrap();
    let held = wallet.credentials().await.unwrap();
    assert!(
        held.iter()
            .any(|c| c.claims.get("family_name").map(String::as_str) == Some("Lovelace")),
        "{held:?}"
    );
}
