//! Photo claims at issuance: a claim carrying a JPEG must be a usable
//! photo (a real JPEG, at least 200×200), and a good one is held as sent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use station_sandbox::{Sandbox, WalletClient};
use station_testkit::callbacks::Receiver;
use station_testkit::photos;
use station_testkit::sandbox::{self, assert_bad_field, post_json, ISSUANCE_PATH};

async fn setup() -> (Sandbox, WalletClient, Receiver, String) {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let receiver = Receiver::start().await;
    let token = sandbox::token(&sandbox).await;
    (sandbox, wallet, receiver, token)
}

fn with_photo(receiver: &Receiver, photo: &str) -> Value {
    let mut body = sandbox::issuance_body(&receiver.url);
    body["claims"]["photo"] = json!(photo);
    body.as_object_mut().unwrap().remove("pin");
    body
}

fn error_message(response: &(u16, axum::http::HeaderMap, Value)) -> String {
    response.2["error"]["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_real_jpeg_photo_is_accepted_and_held_unchanged() {
    let (sandbox, wallet, receiver, token) = setup().await;
    let photo = photos::jpeg_claim(300, 400);
    sandbox::issue_without_pin(&sandbox, &wallet, &token, &with_photo(&receiver, &photo)).await;
    assert_eq!(receiver.last().body["requestStatus"], "issuance_successful");
    let held = wallet.credentials().await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].claims["photo"], photo);
    assert_eq!(held[0].claims["given_name"], "Megan");
}

#[tokio::test]
async fn a_padded_base64url_photo_is_accepted_too() {
    let (sandbox, _, receiver, token) = setup().await;
    // The first height whose JPEG length is not a multiple of 3, so it pads.
    let padded = (200..)
        .map(|height| URL_SAFE.encode(URL_SAFE_NO_PAD.decode(photos::jpeg_claim(200, height)).unwrap()))
        .find(|encoded| encoded.ends_with('='))
        .unwrap();
    sandbox::create_issuance(&sandbox, &token, &with_photo(&receiver, &padded)).await;
}

#[tokio::test]
async fn a_photo_smaller_than_200_by_200_is_refused() {
    let (sandbox, _, receiver, token) = setup().await;
    let body = with_photo(&receiver, &photos::jpeg_claim(100, 100));
    let response = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_bad_field(&response, "claims.photo");
    let message = error_message(&response);
    assert!(message.contains("too small: 100×100"), "{message}");
    assert!(message.contains("at least 200×200"), "{message}");
    assert!(sandbox.received_requests().is_empty());
}

#[tokio::test]
async fn one_short_side_is_enough_to_refuse() {
    let (sandbox, _, receiver, token) = setup().await;
    let body = with_photo(&receiver, &photos::jpeg_claim(480, 199));
    let response = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_bad_field(&response, "claims.photo");
    assert!(error_message(&response).contains("480×199"));
}

#[tokio::test]
async fn bytes_with_the_jpeg_magic_but_garbage_after_are_refused() {
    let (sandbox, _, receiver, token) = setup().await;
    let mut garbage = vec![0xFF, 0xD8, 0xFF, 0xE0];
    garbage.extend(b"this is certainly not the rest of a JPEG file".repeat(20));
    let body = with_photo(&receiver, &URL_SAFE_NO_PAD.encode(garbage));
    let response = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_bad_field(&response, "claims.photo");
    let message = error_message(&response);
    assert!(message.contains("is not a JPEG"), "{message}");
}

#[tokio::test]
async fn the_target_names_the_claim_and_other_text_claims_are_untouched() {
    let (sandbox, _, receiver, token) = setup().await;
    let mut body = with_photo(&receiver, "Not a photo, just text");
    body["claims"]["portrait"] = json!(photos::jpeg_claim(50, 300));
    let response = post_json(&sandbox, ISSUANCE_PATH, Some(&token), &body).await;
    assert_bad_field(&response, "claims.portrait");

    body["claims"]["portrait"] = json!("_9j_ is how a JPEG starts, but this is prose");
    sandbox::create_issuance(&sandbox, &token, &body).await;
}
