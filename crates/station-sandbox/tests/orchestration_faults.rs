//! The Verified Orchestration emulation's network faults: cutting every
//! subscription socket at once, as an outage does, so a client's
//! reconnection can be tested against a real WebSocket.

use std::time::Duration;

use async_graphql::futures_util::StreamExt;
use serde_json::json;
use station_sandbox::WalletClient;
use station_testkit::orchestration::{self as vo, EVENT_WAIT, ISSUANCE_EVENT};
use station_testkit::sandbox;

#[tokio::test]
async fn dropping_subscriptions_cuts_every_socket_and_new_ones_are_served() {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    let (request_id, url) = vo::issue(&sandbox, &token, vo::badge_request()).await;
    let variables = json!({"where": {"requestId": request_id}});
    let mut first = vo::subscribe(&sandbox, &token, ISSUANCE_EVENT, variables.clone()).await;
    let mut second = vo::subscribe(&sandbox, &token, ISSUANCE_EVENT, variables.clone()).await;
    vo::wait_for_subscriptions(&sandbox, 2).await;

    sandbox.drop_subscriptions();
    for subscribed in [&mut first, &mut second] {
        let ended = tokio::time::timeout(EVENT_WAIT, subscribed.stream.next())
            .await
            .expect("the cut socket ends the subscription");
        assert!(!matches!(ended, Some(Ok(_))), "no event after the cut: {ended:?}");
    }
    let deadline = tokio::time::Instant::now() + EVENT_WAIT;
    while sandbox.orchestration_subscriptions() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server kept the subscriptions"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut again = vo::subscribe(&sandbox, &token, ISSUANCE_EVENT, variables).await;
    vo::wait_for_subscriptions(&sandbox, 1).await;
    wallet.open(&url).await.unwrap();
    assert_eq!(
        again.next().await["data"]["issuanceEvent"]["event"]["requestStatus"],
        "request_retrieved"
    );
}
