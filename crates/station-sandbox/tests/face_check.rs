//! Face Check in presentations: the simulated liveness check scores
//! `face_check_score` against the held credential's photo, passing or
//! failing the request's `matchConfidenceThreshold`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use serde_json::{json, Value};
use station_sandbox::{Sandbox, SandboxConfig, WalletClient};
use station_testkit::callbacks::Receiver;
use station_testkit::photos;
use station_testkit::sandbox;

struct Setup {
    sandbox: Sandbox,
    wallet: WalletClient,
    receiver: Receiver,
    token: String,
}

async fn setup(config: SandboxConfig) -> Setup {
    let sandbox = sandbox::start_with(config).await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let receiver = Receiver::start().await;
    let token = sandbox::token(&sandbox).await;
    Setup {
        sandbox,
        wallet,
        receiver,
        token,
    }
}

/// Puts a credential in the wallet, with a real photo claim when `photo`.
async fn issue(s: &Setup, photo: bool) {
    let mut body = sandbox::issuance_body(&s.receiver.url);
    body.as_object_mut().unwrap().remove("pin");
    if photo {
        body["claims"]["photo"] = json!(photos::jpeg_claim(300, 400));
    }
    sandbox::issue_without_pin(&s.sandbox, &s.wallet, &s.token, &body).await;
}

/// A presentation asking for Face Check against `photo`, with `threshold` if given.
fn face_check_body(s: &Setup, threshold: Option<u8>) -> Value {
    let mut face_check = json!({"sourcePhotoClaimName": "photo"});
    if let Some(threshold) = threshold {
        face_check["matchConfidenceThreshold"] = json!(threshold);
    }
    let mut body = sandbox::presentation_body(&s.receiver.url);
    body["requestedCredentials"][0]["configuration"]["validation"]["faceCheck"] = face_check;
    body
}

/// Creates, opens and presents; returns the final callback body.
async fn present(s: &Setup, body: &Value) -> Value {
    let created = sandbox::create_presentation(&s.sandbox, &s.token, body).await;
    let id = created["requestId"].as_str().unwrap();
    s.wallet.open(created["url"].as_str().unwrap()).await.unwrap();
    let outcome = s.wallet.present(id).await.unwrap();
    assert_eq!(outcome.callback_status, Some(200));
    let last = s.receiver.last().body;
    assert_eq!(last["requestId"], id);
    last
}

#[tokio::test]
async fn passes_at_the_default_score_then_fails_once_the_score_drops() {
    let s = setup(SandboxConfig::default()).await;
    issue(&s, true).await;
    assert_eq!(s.sandbox.face_check_score(), 95.0);

    let passed = present(&s, &face_check_body(&s, None)).await;
    assert_eq!(passed["requestStatus"], "presentation_verified", "{passed}");
    assert_eq!(
        passed["verifiedCredentialsData"][0]["faceCheck"],
        json!({"matchConfidenceScore": 95.0, "sourcePhotoQuality": "HIGH"})
    );
    // The body asks for a receipt, but none comes with Face Check.
    assert!(passed.get("receipt").is_none());

    s.sandbox.set_face_check_score(40.0);
    let failed = present(&s, &face_check_body(&s, None)).await;
    assert_eq!(failed["requestStatus"], "presentation_error", "{failed}");
    assert_eq!(failed["error"]["code"], "claimValidationError");
    let message = failed["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("face check score 40 is below the threshold 70"),
        "{message}"
    );
    assert!(failed.get("verifiedCredentialsData").is_none());

    s.sandbox.set_face_check_score(70.0);
    let at_threshold = present(&s, &face_check_body(&s, None)).await;
    assert_eq!(at_threshold["requestStatus"], "presentation_verified");
    assert_eq!(
        at_threshold["verifiedCredentialsData"][0]["faceCheck"]["matchConfidenceScore"],
        70.0
    );
}

#[tokio::test]
async fn the_configured_score_is_judged_against_the_requested_threshold() {
    let s = setup(SandboxConfig {
        face_check_score: 75.0,
        ..SandboxConfig::default()
    })
    .await;
    issue(&s, true).await;

    let strict = present(&s, &face_check_body(&s, Some(80))).await;
    assert_eq!(strict["requestStatus"], "presentation_error");
    assert_eq!(strict["error"]["code"], "claimValidationError");
    assert!(strict["error"]["message"]
        .as_str()
        .unwrap()
        .contains("score 75 is below the threshold 80"));

    let lenient = present(&s, &face_check_body(&s, Some(75))).await;
    assert_eq!(lenient["requestStatus"], "presentation_verified");
}

#[tokio::test]
async fn a_credential_without_a_photo_does_not_match_a_face_check_request() {
    let s = setup(SandboxConfig::default()).await;
    issue(&s, false).await;
    let callback = present(&s, &face_check_body(&s, None)).await;
    assert_eq!(callback["requestStatus"], "presentation_error");
    assert_eq!(callback["error"]["code"], "requestedCredentialNotFound");

    // Without Face Check the same credential is presented.
    let plain = present(&s, &sandbox::presentation_body(&s.receiver.url)).await;
    assert_eq!(plain["requestStatus"], "presentation_verified");
}

#[tokio::test]
async fn the_newest_credential_with_a_usable_photo_is_chosen() {
    let s = setup(SandboxConfig::default()).await;
    issue(&s, true).await;
    issue(&s, false).await;
    let callback = present(&s, &face_check_body(&s, None)).await;
    assert_eq!(callback["requestStatus"], "presentation_verified");
    let claims = &callback["verifiedCredentialsData"][0]["claims"];
    assert_eq!(
        claims["photo"],
        json!(s.wallet.credentials().await.unwrap()[0].claims["photo"])
    );
}

#[tokio::test]
async fn scores_outside_0_to_100_are_kept_in_range() {
    let s = setup(SandboxConfig::default()).await;
    s.sandbox.set_face_check_score(250.0);
    assert_eq!(s.sandbox.face_check_score(), 100.0);
    s.sandbox.set_face_check_score(f64::NAN);
    assert_eq!(s.sandbox.face_check_score(), 0.0);
    s.sandbox.set_face_check_score(-3.0);
    assert_eq!(s.sandbox.face_check_score(), 0.0);
}
