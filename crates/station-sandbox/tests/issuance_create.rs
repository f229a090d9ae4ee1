//! Creating issuance requests: the 201 answer, the stored body, and each
//! validation rule the documentation states.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use station_sandbox::Sandbox;
use station_testkit::sandbox::{
    self, assert_bad_field, assert_service_error, post_json, post_raw, ISSUANCE_PATH,
};

/// A change to the default request body.
type Edit = Box<dyn FnOnce(&mut Value)>;

const CALLBACK: &str = "http://127.0.0.1:9/callback";

async fn setup() -> (Sandbox, String) {
    let sandbox = sandbox::start().await;
    let token = sandbox::token(&sandbox).await;
    (sandbox, token)
}

/// Posts the default body after `edit` and returns the answer.
async fn create_edited(
    sandbox: &Sandbox,
    token: &str,
    edit: impl FnOnce(&mut Value),
) -> (u16, axum::http::HeaderMap, Value) {
    let mut body = sandbox::issuance_body(CALLBACK);
    edit(&mut body);
    post_json(sandbox, ISSUANCE_PATH, Some(token), &body).await
}

fn remove(body: &mut Value, path: &[&str]) {
    let (last, parents) = path.split_last().expect("path");
    let mut node = body;
    for key in parents {
        node = &mut node[*key];
    }
    node.as_object_mut().expect("object").remove(*last);
}

#[tokio::test]
async fn answers_201_with_the_documented_fields_and_stores_the_body() {
    let (sandbox, token) = setup().await;
    let body = sandbox::issuance_body(CALLBACK);
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let answer = sandbox::create_issuance(&sandbox, &token, &body).await;

    let request_id = answer["requestId"].as_str().expect("requestId");
    uuid::Uuid::parse_str(request_id).expect("a UUID");
    let expected_url = format!(
        "openid-vc://?request_uri={}/v1.0/tenants/sandbox-tenant/verifiableCredentials/issuanceRequests/{request_id}",
        sandbox.base_url()
    );
    assert_eq!(answer["url"], expected_url.as_str());
    let expiry = answer["expiry"].as_i64().expect("expiry");
    assert!((before + 299..=before + 301).contains(&expiry), "{expiry}");

    // The QR code is a PNG that decodes to the same URL.
    let qr = answer["qrCode"].as_str().expect("qrCode");
    let png = STANDARD
        .decode(qr.strip_prefix("data:image/png;base64,").expect("data URL"))
        .expect("base64");
    let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("PNG")
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().expect("decodes");
    assert_eq!(content, expected_url);

    assert_eq!(sandbox.received(request_id), Some(body.clone()));
    assert_eq!(sandbox.received_requests(), vec![(request_id.to_owned(), body)]);
}

#[tokio::test]
async fn omits_the_qr_code_when_not_asked_and_keeps_arrival_order() {
    let (sandbox, token) = setup().await;
    let mut first = sandbox::issuance_body(CALLBACK);
    first["includeQRCode"] = json!(false);
    let a = sandbox::create_issuance(&sandbox, &token, &first).await;
    assert!(a.get("qrCode").is_none(), "{a}");
    let mut second = sandbox::issuance_body(CALLBACK);
    remove(&mut second, &["pin"]);
    remove(&mut second, &["includeQRCode"]);
    let b = sandbox::create_issuance(&sandbox, &token, &second).await;
    assert!(b["qrCode"].as_str().is_some(), "QR is on by default");
    let ids: Vec<String> = sandbox
        .received_requests()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids,
        vec![a["requestId"].as_str().unwrap(), b["requestId"].as_str().unwrap()]
    );
}

#[tokio::test]
async fn requires_each_mandatory_field() {
    let (sandbox, token) = setup().await;
    let cases: [(&[&str], &str); 8] = [
        (&["callback"], "callback"),
        (&["callback", "url"], "callback.url"),
        (&["callback", "state"], "callback.state"),
        (&["authority"], "authority"),
        (&["registration"], "registration"),
        (&["registration", "clientName"], "registration.clientName"),
        (&["type"], "type"),
        (&["manifest"], "manifest"),
    ];
    for (path, target) in cases {
        let response = create_edited(&sandbox, &token, |b| remove(b, path)).await;
        assert_bad_field(&response, target);
        assert!(response.2["error"]["message"].as_str().unwrap().contains(target));
    }
    assert!(sandbox.received_requests().is_empty());
}

#[tokio::test]
async fn checks_field_formats() {
    let (sandbox, token) = setup().await;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|b| b["authority"] = json!("https://issuer.example.com")),
            "authority",
        ),
        (
            Box::new(|b| b["callback"]["url"] = json!("/relative")),
            "callback.url",
        ),
        (
            Box::new(|b| b["callback"]["url"] = json!("ftp://x.example/cb")),
            "callback.url",
        ),
        (Box::new(|b| b["callback"]["state"] = json!("")), "callback.state"),
        (Box::new(|b| b["manifest"] = json!("not a url")), "manifest"),
        (Box::new(|b| b["includeQRCode"] = json!("yes")), "includeQRCode"),
        (Box::new(|b| b["claims"]["age"] = json!(42)), "claims.age"),
        (
            Box::new(|b| b["expirationDate"] = json!("next week")),
            "expirationDate",
        ),
        (
            Box::new(|b| b["registration"]["clientName"] = json!(" ")),
            "registration.clientName",
        ),
    ];
    for (edit, target) in cases {
        assert_bad_field(&create_edited(&sandbox, &token, edit).await, target);
    }
    let ok = create_edited(&sandbox, &token, |b| {
        b["expirationDate"] = json!("2030-01-31T12:00:00Z");
    })
    .await;
    assert_eq!(ok.0, 201, "{}", ok.2);
}

#[tokio::test]
async fn enforces_plain_pin_rules() {
    let (sandbox, token) = setup().await;
    for length in [3, 17] {
        let response = create_edited(&sandbox, &token, |b| {
            b["pin"] = json!({"value": "1".repeat(length), "length": length});
        })
        .await;
        assert_bad_field(&response, "pin.length");
    }
    for length in [4, 16] {
        let response = create_edited(&sandbox, &token, |b| {
            b["pin"] = json!({"value": "7".repeat(length), "length": length});
        })
        .await;
        assert_eq!(response.0, 201, "{}", response.2);
    }
    let not_digits = create_edited(&sandbox, &token, |b| {
        b["pin"] = json!({"value": "12a4", "length": 4});
    })
    .await;
    assert_bad_field(&not_digits, "pin.value");
    // Length defaults to 6.
    let default_length = create_edited(&sandbox, &token, |b| {
        b["pin"] = json!({"value": "1234"});
    })
    .await;
    assert_bad_field(&default_length, "pin.value");
    let six = create_edited(&sandbox, &token, |b| b["pin"] = json!({"value": "123456"})).await;
    assert_eq!(six.0, 201);
    let bad_type = create_edited(&sandbox, &token, |b| {
        b["pin"] = json!({"value": "1234", "length": 4, "type": "alphanumeric"});
    })
    .await;
    assert_bad_field(&bad_type, "pin.type");
    let missing_value = create_edited(&sandbox, &token, |b| b["pin"] = json!({"length": 4})).await;
    assert_bad_field(&missing_value, "pin.value");
}

#[tokio::test]
async fn enforces_hashed_pin_rules() {
    let (sandbox, token) = setup().await;
    let hash = STANDARD.encode(Sha256::digest(b"salty1234"));
    let good = json!({"value": hash, "length": 4, "salt": "salty", "alg": "sha256", "iterations": 1});
    let ok = create_edited(&sandbox, &token, |b| b["pin"] = good.clone()).await;
    assert_eq!(ok.0, 201, "{}", ok.2);

    let cases: Vec<(&str, Value, &str)> = vec![
        ("salt", Value::Null, "pin.salt"),
        ("alg", Value::Null, "pin.alg"),
        ("iterations", Value::Null, "pin.iterations"),
        ("alg", json!("md5"), "pin.alg"),
        ("iterations", json!(2), "pin.iterations"),
        ("salt", json!(""), "pin.salt"),
        ("value", json!("1234"), "pin.value"),
        ("value", json!(STANDARD.encode([0u8; 16])), "pin.value"),
    ];
    for (field, value, target) in cases {
        let mut pin = good.clone();
        if value.is_null() {
            pin.as_object_mut().unwrap().remove(field);
        } else {
            pin[field] = value;
        }
        let response = create_edited(&sandbox, &token, |b| b["pin"] = pin).await;
        assert_bad_field(&response, target);
    }
}

#[tokio::test]
async fn allows_only_api_key_and_authorization_callback_headers() {
    let (sandbox, token) = setup().await;
    let response = create_edited(&sandbox, &token, |b| {
        b["callback"]["headers"] = json!({"api-key": "k", "X-Custom": "v"});
    })
    .await;
    assert_bad_field(&response, "callback.headers");
    let message = response.2["error"]["message"].as_str().unwrap();
    assert!(
        message.to_lowercase().contains("invalid callback header"),
        "{message}"
    );
    assert!(message.contains("X-Custom"), "{message}");

    let ok = create_edited(&sandbox, &token, |b| {
        b["callback"]["headers"] = json!({"API-KEY": "k", "authorization": "Bearer x"});
    })
    .await;
    assert_eq!(ok.0, 201, "{}", ok.2);
}

#[tokio::test]
async fn rejects_unknown_fields() {
    let (sandbox, token) = setup().await;
    let response = create_edited(&sandbox, &token, |b| b["issuance"] = json!({})).await;
    assert_bad_field(&response, "issuance");
    let response = create_edited(&sandbox, &token, |b| b["pin"]["digits"] = json!(4)).await;
    assert_bad_field(&response, "pin.digits");
}

#[tokio::test]
async fn limits_the_body_to_one_megabyte() {
    let (sandbox, token) = setup().await;
    let mut body = sandbox::issuance_body(CALLBACK);
    body["claims"]["padding"] = json!("x".repeat(1_048_576));
    let response = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_service_error(&response, 413, "payloadTooLarge");
    assert!(response.2["error"].get("innererror").is_none());

    // Just under the limit is processed normally.
    let mut body = sandbox::issuance_body(CALLBACK);
    let base = body.to_string().len();
    body["claims"]["padding"] = json!("x".repeat(1_048_576 - base - 20));
    assert!(body.to_string().len() <= 1_048_576);
    let response = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_eq!(response.0, 201, "{}", response.2);
}

#[tokio::test]
async fn rejects_bodies_that_are_not_json() {
    let (sandbox, token) = setup().await;
    let response = post_raw(&sandbox, ISSUANCE_PATH, Some(&token), "{not json".into()).await;
    assert_service_error(&response, 400, "badRequest");
    assert_eq!(response.2["error"]["innererror"]["code"], "badOrMissingField");
    let response = post_raw(&sandbox, ISSUANCE_PATH, Some(&token), "[1, 2]".into()).await;
    assert_service_error(&response, 400, "badRequest");
}

#[tokio::test]
async fn requires_a_bearer_token_the_sandbox_issued() {
    let (sandbox, _) = setup().await;
    let body = sandbox::issuance_body(CALLBACK);
    for token in [None, Some("made-up-token")] {
        let response = post_json(&sandbox, ISSUANCE_PATH, token, &body).await;
        assert_service_error(&response, 401, "unauthorized");
        assert_eq!(
            response.2["error"]["message"],
            "Failed to authenticate the request."
        );
        assert!(response.2["error"].get("innererror").is_none());
    }
    let response = reqwest::Client::new()
        .post(format!("{}{ISSUANCE_PATH}", sandbox.base_url()))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(sandbox.received_requests().is_empty());
}
