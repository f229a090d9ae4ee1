//! What the station sends, compared field by field with the JSON examples
//! of the service documentation (seeds 001, 002, 003).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use serde_json::Value;
use station_testkit::station::{issue_to_megan, shown, station, Options};

/// Compares the shape of `sent` with the documented `example`: every
/// documented field is present with the same JSON type, and every extra
/// field is one the documentation lists as optional.
fn assert_same_shape(path: &str, example: &Value, sent: &Value, documented_optional: &[&str]) {
    match (example, sent) {
        (Value::Object(example), Value::Object(sent)) => {
            for (key, value) in example {
                let child = format!("{path}.{key}");
                let Some(sent_value) = sent.get(key) else {
                    panic!("{child} is in the documented example but not sent");
                };
                // Free-form maps: the keys are the caller's, not the API's.
                if key == "claims" || key == "headers" {
                    assert!(sent_value.is_object(), "{child} must be an object");
                    continue;
                }
                assert_same_shape(&child, value, sent_value, documented_optional);
            }
            for key in sent.keys() {
                let child = format!("{path}.{key}");
                assert!(
                    example.contains_key(key) || documented_optional.contains(&child.as_str()),
                    "{child} is sent but is neither in the example nor a documented optional field"
                );
            }
        }
        (Value::Array(example), Value::Array(sent)) => {
            assert_eq!(example.len(), sent.len(), "{path} length");
            for (i, (e, s)) in example.iter().zip(sent).enumerate() {
                assert_same_shape(&format!("{path}[{i}]"), e, s, documented_optional);
            }
        }
        (example, sent) => assert_eq!(
            std::mem::discriminant(example),
            std::mem::discriminant(sent),
            "{path}: documented {example}, sent {sent}"
        ),
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn issuance_request_matches_seed_001() {
    let s = station(Options {
        pin_length: 4,
        ..Options::default()
    })
    .await;
    let (_flow, _request, sent) = issue_to_megan(&s).await;
    assert_same_shape("$", &fixture("seed_001_issuance_request.json"), &sent, &[]);
    assert_eq!(sent["type"], "VerifiedCredentialExpert");
    assert_eq!(
        sent["claims"],
        serde_json::json!({"given_name": "Megan", "family_name": "Bowen"})
    );
    assert_eq!(sent["pin"]["length"], 4);
    assert_eq!(
        sent["registration"]["clientName"],
        "Verifiable Credential Expert Sample"
    );
    assert_eq!(
        sent["callback"]["headers"].as_object().unwrap().len(),
        1,
        "only api-key is sent"
    );
    assert!(
        sent["callback"]["headers"]["api-key"].as_str().unwrap().len() >= 22,
        "an api-key of at least 128 bits"
    );
}

#[tokio::test]
async fn hashed_pin_adds_only_the_documented_fields() {
    let s = station(Options {
        pin_hashed: true,
        ..Options::default()
    })
    .await;
    let (_flow, _request, sent) = issue_to_megan(&s).await;
    assert_same_shape(
        "$",
        &fixture("seed_001_issuance_request.json"),
        &sent,
        &["$.pin.salt", "$.pin.alg", "$.pin.iterations"],
    );
}

#[tokio::test]
async fn preview_issuance_request_matches_seed_002() {
    let s = station(Options {
        service_kind: "entra-preview",
        ..Options::default()
    })
    .await;
    let (_flow, _request, sent) = issue_to_megan(&s).await;
    assert_same_shape(
        "$",
        &fixture("seed_002_preview_issuance_request.json"),
        &sent,
        &[],
    );
}

#[tokio::test]
async fn presentation_request_matches_seed_003() {
    let s = station(Options::default()).await;
    let flow = s.engine.verify("checkin").unwrap();
    let request = shown(&flow).await;
    let sent = s.sandbox.received(&request.request_id).unwrap();
    let optional = [
        "$.includeQRCode",
        "$.registration.purpose",
        "$.requestedCredentials[0].constraints",
    ];
    assert_same_shape(
        "$",
        &fixture("seed_003_presentation_request.json"),
        &sent,
        &optional,
    );
    assert_eq!(
        sent["requestedCredentials"][0]["constraints"],
        serde_json::json!([{"claimName": "family_name", "values": ["Bowen", "Smith"]}])
    );
}

#[tokio::test]
async fn face_check_goes_into_the_validation_configuration() {
    let extra = r#"
[templates.door]
kind = "presentation"
service = "desk"
credential_type = "VerifiedCredentialExpert"
authority = "did:web:verifier.example"
constraints = [ { claim = "given_name", starts_with = "Me" } ]
face_check = { source_photo_claim = "photo", match_confidence_threshold = 80 }
"#;
    let s = station(Options {
        extra_toml: extra.into(),
        ..Options::default()
    })
    .await;
    let flow = s.engine.verify("door").unwrap();
    let request = shown(&flow).await;
    let sent = s.sandbox.received(&request.request_id).unwrap();
    let credential = &sent["requestedCredentials"][0];
    assert_eq!(
        credential["configuration"]["validation"]["faceCheck"],
        serde_json::json!({"sourcePhotoClaimName": "photo", "matchConfidenceThreshold": 80})
    );
    assert_eq!(
        credential["constraints"],
        serde_json::json!([{"claimName": "given_name", "startsWith": "Me"}])
    );
}
