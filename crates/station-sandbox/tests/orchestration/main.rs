//! The Verified Orchestration emulation over real HTTP and WebSocket:
//! creating requests and each refusal, events over graphql-transport-ws
//! while the simulated wallet acts, photo capture, remote issuance and auth.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

mod events;
mod identities_and_photos;
mod remote;
mod requests;

use serde_json::Value;
use station_sandbox::{Sandbox, WalletClient};
use station_testkit::{orchestration as vo, sandbox};

async fn setup() -> (Sandbox, WalletClient, String) {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    (sandbox, wallet, token)
}

fn with(mut request: Value, changes: Value) -> Value {
    if let (Some(request), Some(changes)) = (request.as_object_mut(), changes.as_object()) {
        for (key, value) in changes {
            request.insert(key.clone(), value.clone());
        }
    }
    request
}

fn assert_bad_field(answer: &Value, target: &str) {
    assert_eq!(answer["__typename"], "RequestErrorResponse", "{answer}");
    assert_eq!(answer["error"]["code"], "badRequest", "{answer}");
    assert_eq!(
        answer["error"]["innererror"]["code"], "badOrMissingField",
        "{answer}"
    );
    assert_eq!(answer["error"]["innererror"]["target"], target, "{answer}");
    assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(answer["requestId"].as_str().is_some_and(|id| !id.is_empty()));
}

async fn post_photo(url: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}
