//! `findAsyncIssuanceRequests` as VO serves it — filtered by contract,
//! creation time, identity and status, newest first, paged with
//! `PositiveInt`s, refusing what VO refuses — and the sandbox's tally of
//! remote issuances and credentials per identity identifier, which a crash
//! test reads to prove nothing went out twice.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use serde_json::{json, Value};
use station_sandbox::{Endpoint, Fault, IssuanceCounts, WalletClient};
use station_testkit::{orchestration as vo, sandbox};

const FIND: &str = r#"
query FindAsyncIssuanceRequests($where: AsyncIssuanceRequestsWhere, $offset: PositiveInt, $limit: PositiveInt) {
  findAsyncIssuanceRequests(where: $where, offset: $offset, limit: $limit) {
    id status createdAt contract { id } identity { id identifier issuer name }
  }
}"#;

async fn find(sandbox: &station_sandbox::Sandbox, token: &str, variables: Value) -> Vec<Value> {
    vo::data(sandbox, token, FIND, variables, "findAsyncIssuanceRequests")
        .await
        .as_array()
        .unwrap()
        .clone()
}

fn identifiers(found: &[Value]) -> Vec<&str> {
    found
        .iter()
        .map(|r| r["identity"]["identifier"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn finds_requests_by_contract_and_creation_time_newest_first_in_pages() {
    let sandbox = sandbox::start().await;
    let token = vo::token(&sandbox).await;
    let inputs = (0..5).map(|i| vo::async_badge_for(&format!("job-{i}"))).collect();
    let ids = vo::create_async(&sandbox, &token, inputs).await;

    let all = find(
        &sandbox,
        &token,
        json!({"where": {"contractId": vo::EVENT_BADGE, "createdFrom": "2020-01-01T00:00:00Z"}}),
    )
    .await;
    assert_eq!(identifiers(&all), ["job-4", "job-3", "job-2", "job-1", "job-0"]);
    assert_eq!(all[0]["id"], ids[4].as_str());
    assert_eq!(all[0]["identity"]["issuer"], "Issuance Station");
    assert_eq!(all[0]["status"], "pending");

    let second_page = find(
        &sandbox,
        &token,
        json!({"where": {"contractId": vo::EVENT_BADGE}, "offset": 2, "limit": 2}),
    )
    .await;
    assert_eq!(identifiers(&second_page), ["job-2", "job-1"]);

    let future = find(
        &sandbox,
        &token,
        json!({"where": {"createdFrom": "2999-01-01T00:00:00Z"}}),
    )
    .await;
    assert!(future.is_empty());
    let past = find(
        &sandbox,
        &token,
        json!({"where": {"createdTo": "2020-01-01T00:00:00+02:00"}}),
    )
    .await;
    assert!(past.is_empty());
    let other_contract = find(&sandbox, &token, json!({"where": {"contractId": vo::STAFF_ID}})).await;
    assert!(other_contract.is_empty());
    let issued = find(&sandbox, &token, json!({"where": {"status": "issued"}})).await;
    assert!(issued.is_empty());
    let by_identity = find(
        &sandbox,
        &token,
        json!({"where": {"identityId": all[1]["identity"]["id"]}}),
    )
    .await;
    assert_eq!(identifiers(&by_identity), ["job-3"]);
    let no_store = find(
        &sandbox,
        &token,
        json!({"where": {"identityStoreId": "5e000000-0000-4000-8000-000000000001"}}),
    )
    .await;
    assert!(
        no_store.is_empty(),
        "the sandbox's identities are in no identity store"
    );
}

#[tokio::test]
async fn refuses_a_bad_uuid_a_bad_date_and_an_offset_that_is_not_positive() {
    let sandbox = sandbox::start().await;
    let token = vo::token(&sandbox).await;
    for variables in [
        json!({"where": {"contractId": "EventBadge"}}),
        json!({"where": {"createdFrom": "yesterday"}}),
        json!({"where": {"createdFrom": "2025-01-31"}}),
        json!({"offset": 0}),
        json!({"limit": -1}),
        json!({"limit": "10"}),
    ] {
        let body = vo::graphql(&sandbox, Some(&token), FIND, variables.clone()).await;
        let errors = body["errors"].as_array();
        assert!(errors.is_some_and(|e| !e.is_empty()), "{variables}: {body}");
        assert!(body["data"].is_null(), "nothing ran: {body}");
    }
    let declared_as_int = vo::graphql(
        &sandbox,
        Some(&token),
        "query Q($offset: Int) { findAsyncIssuanceRequests(offset: $offset) { id } }",
        json!({"offset": 1}),
    )
    .await;
    assert!(declared_as_int["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("PositiveInt"));
}

#[tokio::test]
async fn counts_remote_issuances_and_credentials_per_identifier() {
    let sandbox = sandbox::start().await;
    let wallet = WalletClient::new(&sandbox.base_url());
    let token = vo::token(&sandbox).await;
    vo::create_async(
        &sandbox,
        &token,
        vec![vo::async_badge_for("job-a"), vo::async_badge_for("job-b")],
    )
    .await;
    vo::create_async(&sandbox, &token, vec![vo::async_badge_for("job-a")]).await;
    let counts = sandbox.orchestration_counts();
    assert_eq!(
        counts["job-a"],
        IssuanceCounts {
            remote_issuances: 2,
            credentials_issued: 0
        }
    );
    assert_eq!(counts["job-b"].remote_issuances, 1);

    let link = sandbox.orchestration_notifications()[1].link.clone();
    vo::redeem(&wallet, &link).await;
    let over_http = vo::counts(&sandbox.base_url()).await;
    assert_eq!(
        over_http["job-b"],
        IssuanceCounts {
            remote_issuances: 1,
            credentials_issued: 1
        }
    );
    assert_eq!(over_http["job-a"].credentials_issued, 0);
    // A refused batch creates nothing and counts nothing.
    let mut bad = vo::async_badge_for("job-c");
    bad["contractId"] = json!(vo::NO_SUCH_CONTRACT);
    let answer = vo::data(
        &sandbox,
        &token,
        vo::CREATE_ASYNC_ISSUANCE,
        json!({"request": [vo::async_badge_for("job-d"), bad]}),
        "createAsyncIssuanceRequest",
    )
    .await;
    assert_eq!(answer["__typename"], "AsyncIssuanceErrorResponse");
    let counts = sandbox.orchestration_counts();
    assert!(!counts.contains_key("job-c") && !counts.contains_key("job-d"));
}

#[tokio::test]
async fn a_scripted_throttle_answers_429_with_retry_after_then_serves_again() {
    let sandbox = sandbox::start().await;
    let token = vo::token(&sandbox).await;
    sandbox.inject_faults(Endpoint::OrchestrationGraphql, vec![Fault::too_many_requests(7)]);
    let response = reqwest::Client::new()
        .post(sandbox.orchestration_url())
        .bearer_auth(&token)
        .json(&json!({"query": FIND, "variables": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "tooManyRequests");
    assert!(find(&sandbox, &token, json!({})).await.is_empty());
}

/// Ten thousand remote issuances, each naming a new identity, in batches
/// as a draining station sends them: the sandbox keeps up (no scan of
/// every identity or request per input) and finds the newest by time.
#[tokio::test]
async fn takes_ten_thousand_remote_issuances() {
    let sandbox = sandbox::start().await;
    let token = vo::token(&sandbox).await;
    for batch in 0..100 {
        let inputs = (0..100)
            .map(|i| vo::async_badge_for(&format!("job-{batch}-{i}")))
            .collect();
        assert_eq!(vo::create_async(&sandbox, &token, inputs).await.len(), 100);
    }
    let counts = sandbox.orchestration_counts();
    assert_eq!(counts.len(), 10_000);
    assert!(counts.values().all(|c| c.remote_issuances == 1));
    let newest = find(&sandbox, &token, json!({"limit": 1})).await;
    assert_eq!(identifiers(&newest), ["job-99-99"]);
}
