//! Presentation requests: validation, and the wallet presenting what it
//! holds (or failing to).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use serde_json::{json, Value};
use station_sandbox::{RequestKind, Sandbox, WalletClient};
use station_testkit::callbacks::Receiver;
use station_testkit::photos;
use station_testkit::sandbox::{self, assert_bad_field, post_json, PRESENTATION_PATH};

/// A change to the default request body.
type Edit = Box<dyn Fn(&mut Value)>;

async fn setup() -> (Sandbox, WalletClient, Receiver, String) {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let receiver = Receiver::start().await;
    let token = sandbox::token(&sandbox).await;
    (sandbox, wallet, receiver, token)
}

/// Issues the default credential (given_name Megan, department Research) into the wallet.
async fn issue(sandbox: &Sandbox, wallet: &WalletClient, receiver: &Receiver, token: &str) {
    let created = sandbox::create_issuance(sandbox, token, &sandbox::issuance_body(&receiver.url)).await;
    let id = created["requestId"].as_str().unwrap();
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert!(wallet.enter_pin(id, "3539").await.unwrap().accepted);
    wallet.accept(id).await.unwrap();
}

/// Creates a presentation from `body`, opens and presents it; returns the final callback body.
async fn present(
    sandbox: &Sandbox,
    wallet: &WalletClient,
    receiver: &Receiver,
    token: &str,
    body: &Value,
) -> Value {
    let created = sandbox::create_presentation(sandbox, token, body).await;
    let id = created["requestId"].as_str().unwrap();
    let opened = wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(opened.kind, RequestKind::Presentation);
    assert!(!opened.pin_required);
    let outcome = wallet.present(id).await.unwrap();
    assert_eq!(outcome.callback_status, Some(200));
    let last = receiver.last();
    assert_eq!(last.headers["api-key"], "key-pres");
    assert_eq!(last.body["requestId"], id);
    last.body
}

#[tokio::test]
async fn creates_with_201_and_no_qr_code_by_default() {
    let (sandbox, _, receiver, token) = setup().await;
    let body = sandbox::presentation_body(&receiver.url);
    let created = sandbox::create_presentation(&sandbox, &token, &body).await;
    let id = created["requestId"].as_str().unwrap();
    assert_eq!(
        created["url"],
        format!(
            "openid-vc://?request_uri={}/v1.0/tenants/sandbox-tenant/verifiableCredentials/presentationRequests/{id}",
            sandbox.base_url()
        )
        .as_str()
    );
    assert!(created.get("qrCode").is_none());
    assert!(created["expiry"].as_i64().is_some());
    assert_eq!(sandbox.received(id), Some(body));
}

#[tokio::test]
async fn validates_presentation_requests() {
    let (sandbox, _, receiver, token) = setup().await;
    let base = sandbox::presentation_body(&receiver.url);
    let threshold = |value: i64| {
        let mut body = base.clone();
        body["requestedCredentials"][0]["configuration"]["validation"]["faceCheck"] =
            json!({"sourcePhotoClaimName": "photo", "matchConfidenceThreshold": value});
        body
    };
    let target = "requestedCredentials[0].configuration.validation.faceCheck.matchConfidenceThreshold";
    for bad in [49, 101] {
        let response = post_json(&sandbox, PRESENTATION_PATH, Some(&token), &threshold(bad)).await;
        assert_bad_field(&response, target);
    }
    for good in [50, 100] {
        let response = post_json(&sandbox, PRESENTATION_PATH, Some(&token), &threshold(good)).await;
        assert_eq!(response.0, 201, "{}", response.2);
    }

    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|b| {
                b["requestedCredentials"][0]["constraints"] =
                    json!([{"claimName": "department", "values": ["Research"], "contains": "Res"}])
            }),
            "requestedCredentials[0].constraints[0]",
        ),
        (
            Box::new(|b| b["requestedCredentials"][0]["constraints"] = json!([{"claimName": "department"}])),
            "requestedCredentials[0].constraints[0]",
        ),
        (
            Box::new(|b| b["requestedCredentials"][0]["constraints"] = json!([{"startsWith": "R"}])),
            "requestedCredentials[0].constraints[0].claimName",
        ),
        (
            Box::new(|b| b["requestedCredentials"] = json!([])),
            "requestedCredentials",
        ),
        (
            Box::new(|b| {
                b["requestedCredentials"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("type");
            }),
            "requestedCredentials[0].type",
        ),
        (
            Box::new(|b| b["requestedCredentials"][0]["acceptedIssuers"] = json!([1])),
            "requestedCredentials[0].acceptedIssuers[0]",
        ),
        (
            Box::new(|b| {
                b["requestedCredentials"][0]["configuration"]["validation"]["faceCheck"] =
                    json!({"matchConfidenceThreshold": 70})
            }),
            "requestedCredentials[0].configuration.validation.faceCheck.sourcePhotoClaimName",
        ),
        (
            Box::new(|b| b["includeReceipt"] = json!("true")),
            "includeReceipt",
        ),
        (Box::new(|b| b["type"] = json!("VerifiedEmployee")), "type"),
        (
            Box::new(|b| b["callback"]["headers"] = json!({"Cookie": "x"})),
            "callback.headers",
        ),
        (
            Box::new(|b| {
                b["registration"].as_object_mut().unwrap().remove("clientName");
            }),
            "registration.clientName",
        ),
    ];
    for (edit, target) in cases {
        let mut body = base.clone();
        edit(&mut body);
        let response = post_json(&sandbox, PRESENTATION_PATH, Some(&token), &body).await;
        assert_bad_field(&response, target);
    }
}

#[tokio::test]
async fn refuses_unknown_fields_inside_requested_credentials() {
    let (sandbox, _, receiver, token) = setup().await;
    let mut full = sandbox::presentation_body(&receiver.url);
    full["requestedCredentials"][0]["configuration"]["validation"]["faceCheck"] =
        json!({"sourcePhotoClaimName": "photo", "matchConfidenceThreshold": 70});
    full["requestedCredentials"][0]["constraints"] = json!([
        {"claimName": "department", "values": ["Research"]},
        {"claimName": "given_name", "startsWith": "Me"},
        {"claimName": "family_name", "contains": "owe"}
    ]);
    let response = post_json(&sandbox, PRESENTATION_PATH, Some(&token), &full).await;
    assert_eq!(
        response.0, 201,
        "every documented field is accepted: {}",
        response.2
    );

    let credential = "requestedCredentials[0]";
    let cases = [
        (
            vec!["requestedCredentials", "0"],
            "issuer",
            format!("{credential}.issuer"),
        ),
        (
            vec!["requestedCredentials", "0", "configuration"],
            "allowRevoked",
            format!("{credential}.configuration.allowRevoked"),
        ),
        (
            vec!["requestedCredentials", "0", "configuration", "validation"],
            "faceCheckEnabled",
            format!("{credential}.configuration.validation.faceCheckEnabled"),
        ),
        (
            vec![
                "requestedCredentials",
                "0",
                "configuration",
                "validation",
                "faceCheck",
            ],
            "threshold",
            format!("{credential}.configuration.validation.faceCheck.threshold"),
        ),
        (
            vec!["requestedCredentials", "0", "constraints", "2"],
            "endsWith",
            format!("{credential}.constraints[2].endsWith"),
        ),
    ];
    for (path, field, target) in cases {
        let mut body = full.clone();
        let node = path
            .iter()
            .fold(&mut body, |node, key| match key.parse::<usize>() {
                Ok(index) => &mut node[index],
                Err(_) => &mut node[*key],
            });
        node[field] = json!("x");
        let response = post_json(&sandbox, PRESENTATION_PATH, Some(&token), &body).await;
        assert_bad_field(&response, &target);
        let message = response.2["error"]["innererror"]["message"].as_str().unwrap();
        assert!(message.contains(&target), "{message}");
    }
}

#[tokio::test]
async fn presentation_after_issuance_is_verified_with_the_claims() {
    let (sandbox, wallet, receiver, token) = setup().await;
    issue(&sandbox, &wallet, &receiver, &token).await;
    let mut body = sandbox::presentation_body(&receiver.url);
    body["requestedCredentials"][0]["constraints"] = json!([
        {"claimName": "department", "values": ["sales", "RESEARCH"]},
        {"claimName": "given_name", "startsWith": "me"},
        {"claimName": "family_name", "contains": "OWE"}
    ]);
    let callback = present(&sandbox, &wallet, &receiver, &token, &body).await;

    assert_eq!(callback["requestStatus"], "presentation_verified");
    assert_eq!(callback["state"], "pres-state");
    let subject = callback["subject"].as_str().unwrap();
    assert!(subject.starts_with("did:key:z6Mk"), "{subject}");
    let data = callback["verifiedCredentialsData"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["issuer"], sandbox::AUTHORITY);
    assert_eq!(
        data[0]["type"],
        json!(["VerifiableCredential", "VerifiedEmployee"])
    );
    assert_eq!(data[0]["claims"]["given_name"], "Megan");
    assert_eq!(data[0]["claims"]["department"], "Research");
    assert_eq!(data[0]["credentialState"]["revocationStatus"], "VALID");
    assert_eq!(
        data[0]["domainValidation"]["url"],
        format!("{}/", sandbox.base_url()).as_str()
    );
    let issued = data[0]["issuanceDate"].as_str().unwrap();
    let expires = data[0]["expirationDate"].as_str().unwrap();
    assert_eq!(issued.len(), 20, "{issued}");
    let next_year = issued[..4].parse::<u32>().unwrap() + 1;
    assert!(expires.starts_with(&next_year.to_string()), "{expires}");
    let receipt = &callback["receipt"];
    assert!(receipt["id_token"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(receipt["vp_token"].as_str().is_some());
    assert!(receipt["state"].as_str().is_some());

    // The same subject each time for this sandbox; no receipt unless asked.
    body.as_object_mut().unwrap().remove("includeReceipt");
    let again = present(&sandbox, &wallet, &receiver, &token, &body).await;
    assert_eq!(again["subject"], subject);
    assert!(again.get("receipt").is_none());
}

#[tokio::test]
async fn unmet_requirements_give_presentation_error() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let base = sandbox::presentation_body(&receiver.url);

    // Nothing held yet.
    let callback = present(&sandbox, &wallet, &receiver, &token, &base).await;
    assert_eq!(callback["requestStatus"], "presentation_error");
    assert_eq!(callback["error"]["code"], "requestedCredentialNotFound");
    assert!(callback["error"]["message"]
        .as_str()
        .unwrap()
        .contains("VerifiedEmployee"));
    assert!(callback.get("verifiedCredentialsData").is_none());

    issue(&sandbox, &wallet, &receiver, &token).await;
    let edits: Vec<Edit> = vec![
        Box::new(|b| {
            b["requestedCredentials"][0]["constraints"] =
                json!([{"claimName": "department", "values": ["Sales"]}])
        }),
        Box::new(
            |b| b["requestedCredentials"][0]["constraints"] = json!([{"claimName": "department", "startsWith": "Res"}, {"claimName": "missing", "contains": "x"}]),
        ),
        Box::new(|b| {
            b["requestedCredentials"][0]["acceptedIssuers"] = json!(["did:web:someone-else.example"])
        }),
        Box::new(|b| b["requestedCredentials"][0]["type"] = json!("DriverLicense")),
        Box::new(|b| {
            b["requestedCredentials"][0]["configuration"]["validation"]["faceCheck"] =
                json!({"sourcePhotoClaimName": "photo"})
        }),
    ];
    for edit in edits {
        let mut body = base.clone();
        edit(&mut body);
        let callback = present(&sandbox, &wallet, &receiver, &token, &body).await;
        assert_eq!(callback["requestStatus"], "presentation_error", "{body}");
        assert_eq!(callback["error"]["code"], "requestedCredentialNotFound");
    }
}

#[tokio::test]
async fn face_check_presentation_reports_the_match_and_no_receipt() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let mut issuance = sandbox::issuance_body(&receiver.url);
    issuance["claims"]["photo"] = json!(photos::jpeg_claim(480, 640));
    issuance.as_object_mut().unwrap().remove("pin");
    sandbox::issue_without_pin(&sandbox, &wallet, &token, &issuance).await;

    let mut body = sandbox::presentation_body(&receiver.url);
    body["requestedCredentials"][0]["configuration"]["validation"]["faceCheck"] =
        json!({"sourcePhotoClaimName": "photo", "matchConfidenceThreshold": 80});
    let callback = present(&sandbox, &wallet, &receiver, &token, &body).await;
    assert_eq!(callback["requestStatus"], "presentation_verified");
    let face = &callback["verifiedCredentialsData"][0]["faceCheck"];
    assert_eq!(face["matchConfidenceScore"], 95.0);
    assert_eq!(face["sourcePhotoQuality"], "HIGH");
    assert!(callback.get("receipt").is_none());
}

#[tokio::test]
async fn declining_a_presentation_and_presenting_twice() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let created =
        sandbox::create_presentation(&sandbox, &token, &sandbox::presentation_body(&receiver.url)).await;
    let id = created["requestId"].as_str().unwrap();
    wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    let (_, code) = match wallet.accept(id).await.unwrap_err() {
        station_sandbox::SandboxError::Api { status, code, .. } => (status, code),
        other => panic!("{other:?}"),
    };
    assert_eq!(code, "wrongKind");
    wallet.decline(id).await.unwrap();
    let last = receiver.last().body;
    assert_eq!(last["requestStatus"], "presentation_error");
    assert_eq!(last["error"]["code"], "userCanceled");
    assert!(wallet.present(id).await.is_err());
}
