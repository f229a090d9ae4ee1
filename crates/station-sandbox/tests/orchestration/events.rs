//! Events over graphql-transport-ws (and the legacy graphql-ws) while the
//! simulated wallet acts, the callback alongside, finding issuances whose
//! event was lost, and callers without a live token.

use serde_json::{json, Value};
use station_sandbox::CURRENT_SCOPE;
use station_testkit::callbacks::Receiver;
use station_testkit::orchestration::{EVENT_WAIT, ISSUANCE_EVENT};
use station_testkit::{orchestration as vo, sandbox};

use super::{setup, with};

#[tokio::test]
async fn subscribers_and_the_callback_see_retrieved_then_successful() {
    let (sandbox, wallet, token) = setup().await;
    let receiver = Receiver::start().await;
    let request = with(
        vo::badge_request(),
        json!({"callback": {"url": receiver.url, "state": "desk-7", "headers": {"api-key": "station-key"}}}),
    );
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;
    let mut events = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"requestId": request_id}}),
    )
    .await;

    let opened = wallet.open(&url).await.unwrap();
    assert_eq!(
        opened.callback_status,
        Some(204),
        "forwarded to the station's callback"
    );
    let retrieved = events.next().await;
    assert_eq!(
        retrieved["data"]["issuanceEvent"],
        json!({
            "event": {"requestId": request_id, "requestStatus": "request_retrieved", "state": "desk-7", "error": null},
            "issuance": null
        })
    );

    wallet.accept(&request_id).await.unwrap();
    let successful = &events.next().await["data"]["issuanceEvent"];
    assert_eq!(successful["event"]["requestStatus"], "issuance_successful");
    assert_eq!(successful["event"]["error"], Value::Null);
    let issuance = &successful["issuance"];
    assert_eq!(issuance["contractId"], vo::EVENT_BADGE);
    assert_eq!(issuance["identityId"], vo::MEGAN);
    assert_eq!(
        issuance["hasFaceCheckPhoto"],
        Value::Null,
        "the contract has no face check"
    );
    assert!(issuance["issuedAt"].as_str().unwrap().ends_with('Z'));
    let sent = sandbox.received(&request_id).unwrap();
    assert_eq!(issuance["id"], sent["claims"]["issuanceId"]);

    // The station's own callback got both, with its state and header.
    let delivered = receiver.received();
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0].headers["api-key"], "station-key");
    assert_eq!(
        delivered[0].body,
        json!({"requestId": request_id, "requestStatus": "request_retrieved", "state": "desk-7"})
    );
    assert_eq!(delivered[1].body["requestStatus"], "issuance_successful");
}

#[tokio::test]
async fn a_wrong_pin_is_an_issuance_error_event() {
    let (sandbox, wallet, token) = setup().await;
    let receiver = Receiver::start().await;
    let request = with(
        vo::badge_request(),
        json!({"pin": {"value": "2468", "length": 4}, "callback": {"url": receiver.url, "state": "s1"}}),
    );
    let (request_id, url) = vo::issue(&sandbox, &token, request).await;
    let mut events = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"requestId": request_id}}),
    )
    .await;
    wallet.open(&url).await.unwrap();
    assert_eq!(
        events.next().await["data"]["issuanceEvent"]["event"]["requestStatus"],
        "request_retrieved"
    );
    let outcome = wallet.enter_pin(&request_id, "1111").await.unwrap();
    assert!(!outcome.accepted);
    let failed = &events.next().await["data"]["issuanceEvent"];
    assert_eq!(
        failed["event"],
        json!({
            "requestId": request_id,
            "requestStatus": "issuance_error",
            "state": "s1",
            "error": {"code": "badOrMissingField", "message": "issuance_service_error"}
        })
    );
    assert_eq!(failed["issuance"], Value::Null);
    assert_eq!(
        receiver.last().body["error"],
        json!({"code": "badOrMissingField", "message": "issuance_service_error"})
    );
}

#[tokio::test]
async fn subscriptions_filter_by_contract_identity_and_status() {
    let (sandbox, wallet, token) = setup().await;
    let mut successes = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"contractId": vo::EVENT_BADGE, "identityId": vo::ADELE, "status": "issuance_successful"}}),
    )
    .await;
    // Megan's issuance and Adele's retrieval do not match; Adele's success does.
    let (megan, megan_url) = vo::issue(&sandbox, &token, vo::badge_request()).await;
    wallet.open(&megan_url).await.unwrap();
    wallet.accept(&megan).await.unwrap();
    let (adele, adele_url) = vo::issue(
        &sandbox,
        &token,
        with(vo::badge_request(), json!({"identityId": vo::ADELE})),
    )
    .await;
    wallet.open(&adele_url).await.unwrap();
    wallet.accept(&adele).await.unwrap();
    let event = &successes.next().await["data"]["issuanceEvent"];
    assert_eq!(event["event"]["requestId"], adele.as_str());
    assert_eq!(event["event"]["requestStatus"], "issuance_successful");
    assert_eq!(event["issuance"]["identityId"], vo::ADELE);

    // An open subscription does not hold up stopping the sandbox.
    tokio::time::timeout(std::time::Duration::from_secs(5), sandbox.shutdown())
        .await
        .expect("the sandbox stops promptly with a subscription open");
}

const FIND_ISSUANCES: &str = r#"
query FindIssuances($where: IssuanceWhere) {
  findIssuances(where: $where) { id contractId identity { id name } }
}"#;

#[tokio::test]
async fn find_issuances_finds_a_success_even_when_its_event_was_lost() {
    let (sandbox, wallet, token) = setup().await;
    let (request_id, url) = vo::issue(&sandbox, &token, vo::badge_request()).await;
    let find = |request_id: String| {
        let (sandbox, token) = (&sandbox, &token);
        async move {
            vo::data(
                sandbox,
                token,
                FIND_ISSUANCES,
                json!({"where": {"requestId": request_id}}),
                "findIssuances",
            )
            .await
        }
    };
    assert_eq!(find(request_id.clone()).await, json!([]), "nothing issued yet");

    let mut events = vo::subscribe(
        &sandbox,
        &token,
        ISSUANCE_EVENT,
        json!({"where": {"requestId": request_id}}),
    )
    .await;
    sandbox.lose_next_orchestration_success();
    wallet.open(&url).await.unwrap();
    assert_eq!(
        events.next().await["data"]["issuanceEvent"]["event"]["requestStatus"],
        "request_retrieved"
    );
    wallet.accept(&request_id).await.unwrap();

    let found = find(request_id.clone()).await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["contractId"], vo::EVENT_BADGE);
    assert_eq!(find(uuid::Uuid::new_v4().to_string()).await, json!([]));
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), events.next())
            .await
            .is_err(),
        "the lost success reached the subscription"
    );
}

#[tokio::test]
async fn callers_without_a_live_token_are_refused() {
    let (sandbox, _wallet, token) = setup().await;
    for bad in [None, Some("not-a-token")] {
        let body = vo::graphql(&sandbox, bad, "{ contracts { id } }", json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{body}"
        );
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");
    }
    match vo::connect(&sandbox, "not-a-token").await {
        Err(graphql_ws_client::Error::Close(code, reason)) => {
            assert_eq!((code, reason.as_str()), (4403, "Forbidden"));
        }
        Err(other) => panic!("expected a 4403 close, got {other}"),
        Ok(_) => panic!("an invalid token was accepted"),
    }
    // The Request Service's own token works too: the sandbox does not record scopes.
    let entra_token = sandbox::token_for_scope(&sandbox, CURRENT_SCOPE).await;
    let contracts = vo::data(
        &sandbox,
        &entra_token,
        "{ contracts { id faceCheckSupport } }",
        json!({}),
        "contracts",
    )
    .await;
    assert_eq!(
        contracts,
        json!([{"id": vo::EVENT_BADGE, "faceCheckSupport": "none"}, {"id": vo::STAFF_ID, "faceCheckSupport": "required"}])
    );
    assert!(vo::connect(&sandbox, &token).await.is_ok());
}

#[tokio::test]
async fn the_legacy_graphql_ws_subprotocol_is_spoken_too() {
    use async_graphql::futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::http::HeaderValue;
    use tokio_tungstenite::tungstenite::Message;

    let (sandbox, _wallet, token) = setup().await;
    let mut request = sandbox.orchestration_ws_url().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("graphql-ws"));
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-ws");
    let init = json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}});
    socket.send(Message::Text(init.to_string().into())).await.unwrap();
    let answer = tokio::time::timeout(EVENT_WAIT, socket.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let answer: Value = serde_json::from_str(answer.to_text().unwrap()).unwrap();
    assert_eq!(answer["type"], "connection_ack");
}
