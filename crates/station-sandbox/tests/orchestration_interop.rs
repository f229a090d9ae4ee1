//! Interoperability of the Verified Orchestration emulation's subscriptions
//! with graphql-ws, the graphql-transport-ws protocol's reference client
//! (npm), run by node from `tests/interop/graphql-ws-client.mjs`. Its npm
//! packages are pinned in `tests/interop/package-lock.json`; without them
//! this test fails and says how to install them.

use serde_json::{json, Value};
use station_sandbox::WalletClient;
use station_testkit::callbacks::Receiver;
use station_testkit::interop::GraphqlWsPeer;
use station_testkit::orchestration as vo;
use station_testkit::sandbox;

#[tokio::test]
async fn graphql_ws_sees_retrieved_then_successful() {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    let receiver = Receiver::start().await;
    let request = json!({
        "contractId": vo::EVENT_BADGE,
        "identityId": vo::MEGAN,
        "claims": {"given_name": "Megan", "family_name": "Bowen", "company": "Contoso"},
        "callback": {"url": receiver.url, "state": "interop-1"}
    });
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;

    let peer = GraphqlWsPeer::start(&sandbox, &token, &request_id);
    vo::wait_for_subscriptions(&sandbox, 1).await;
    wallet.open(&url).await.unwrap();
    wallet.accept(&request_id).await.unwrap();

    let events = peer.finish().await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        events[0],
        json!({
            "event": {"requestId": request_id, "requestStatus": "request_retrieved", "state": "interop-1", "error": null},
            "issuance": null
        })
    );
    assert_eq!(events[1]["event"]["requestStatus"], "issuance_successful");
    assert_eq!(events[1]["issuance"]["contractId"], vo::EVENT_BADGE);
    assert_eq!(events[1]["issuance"]["identityId"], vo::MEGAN);
    assert_eq!(
        receiver.received().len(),
        2,
        "the callback got the same two events"
    );
}

#[tokio::test]
async fn graphql_ws_sees_a_wrong_pin_as_issuance_error() {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    let request = json!({
        "contractId": vo::EVENT_BADGE,
        "identityId": vo::ADELE,
        "claims": {"given_name": "Adele", "family_name": "Vance", "company": "Contoso"},
        "pin": {"value": "5793", "length": 4}
    });
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;

    let peer = GraphqlWsPeer::start(&sandbox, &token, &request_id);
    vo::wait_for_subscriptions(&sandbox, 1).await;
    wallet.open(&url).await.unwrap();
    assert!(!wallet.enter_pin(&request_id, "0000").await.unwrap().accepted);

    let events = peer.finish().await;
    let statuses: Vec<&str> = events
        .iter()
        .map(|e| e["event"]["requestStatus"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["request_retrieved", "issuance_error"], "{events:?}");
    assert_eq!(
        events[1]["event"]["error"],
        json!({"code": "badOrMissingField", "message": "issuance_service_error"})
    );
    assert_eq!(
        events[1]["event"]["state"],
        Value::Null,
        "no callback, so no state"
    );
}
