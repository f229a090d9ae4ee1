//! Verified Orchestration as a client calls it: GraphQL over HTTP, a
//! graphql-transport-ws client (graphql-ws-client over tokio-tungstenite,
//! as a Rust caller would use), request inputs.

use std::future::IntoFuture;
use std::time::Duration;

use futures_util::StreamExt;
use graphql_ws_client::graphql::GraphqlOperation;
use graphql_ws_client::{Client, Subscription};
use serde_json::{json, Value};
use station_sandbox::{Sandbox, ORCHESTRATION_SCOPE};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::sandbox::token_for_scope;

/// How long a test waits for an event before failing.
pub const EVENT_WAIT: Duration = Duration::from_secs(10);

/// The sandbox's contract and identity ids: UUIDs, as in VO's schema.
pub const EVENT_BADGE: &str = Sandbox::ORCHESTRATION_EVENT_BADGE;
pub const STAFF_ID: &str = Sandbox::ORCHESTRATION_STAFF_ID;
pub const MEGAN: &str = Sandbox::ORCHESTRATION_MEGAN;
pub const ADELE: &str = Sandbox::ORCHESTRATION_ADELE;
pub const ALEX: &str = Sandbox::ORCHESTRATION_ALEX;
/// Well-formed ids that name nothing.
pub const NO_SUCH_CONTRACT: &str = "c0000000-0000-4000-8000-0000000000ff";
pub const NOBODY: &str = "1d000000-0000-4000-8000-0000000000ff";

/// A token for VO's own scope, from the sandbox's token endpoint.
pub async fn token(sandbox: &Sandbox) -> String {
    token_for_scope(sandbox, ORCHESTRATION_SCOPE).await
}

/// POSTs a GraphQL operation; returns the whole `{data, errors}` body.
pub async fn graphql(sandbox: &Sandbox, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(sandbox.orchestration_url())
        .json(&json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("sandbox reachable");
    assert_eq!(response.status(), 200, "GraphQL answers HTTP 200");
    response.json().await.expect("GraphQL JSON")
}

/// Runs `query` and returns `data.{field}`, failing on GraphQL errors.
pub async fn data(sandbox: &Sandbox, token: &str, query: &str, variables: Value, field: &str) -> Value {
    let body = graphql(sandbox, Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    body["data"][field].clone()
}

pub const CREATE_ISSUANCE: &str = r#"
mutation CreateIssuanceRequest($request: IssuanceRequestInput!) {
  createIssuanceRequest(request: $request) {
    __typename
    ... on IssuanceResponse { requestId url qrCode expiry postIssuanceRedirectUrl }
    ... on RequestErrorResponse {
      requestId date
      error { code message innererror { code message target } }
    }
  }
}"#;

pub const ISSUANCE_EVENT: &str = r#"
subscription IssuanceEvent($where: IssuanceEventWhere) {
  issuanceEvent(where: $where) {
    event { requestId requestStatus state error { code message } }
    issuance { id contractId identityId issuedAt expiresAt hasFaceCheckPhoto }
  }
}"#;

/// `createIssuanceRequest`'s answer, either union member.
pub async fn create_issuance(sandbox: &Sandbox, token: &str, request: Value) -> Value {
    data(
        sandbox,
        token,
        CREATE_ISSUANCE,
        json!({"request": request}),
        "createIssuanceRequest",
    )
    .await
}

/// Creates an issuance that must succeed; returns `(requestId, url)`.
pub async fn issue(sandbox: &Sandbox, token: &str, request: Value) -> (String, String) {
    let created = create_issuance(sandbox, token, request).await;
    assert_eq!(created["__typename"], "IssuanceResponse", "{created}");
    (
        created["requestId"].as_str().expect("requestId").to_owned(),
        created["url"].as_str().expect("url").to_owned(),
    )
}

/// An `EventBadge` issuance to Megan: the simplest valid input.
pub fn badge_request() -> Value {
    json!({
        "contractId": EVENT_BADGE,
        "identityId": MEGAN,
        "claims": {"given_name": "Megan", "family_name": "Bowen", "company": "Contoso"}
    })
}

/// A `StaffId` issuance to Megan, still without its photo.
pub fn staff_request() -> Value {
    json!({
        "contractId": STAFF_ID,
        "identityId": MEGAN,
        "claims": {"given_name": "Megan", "family_name": "Bowen"}
    })
}

/// A GraphQL operation for graphql-ws-client, answered as raw JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Operation {
    pub query: String,
    pub variables: Value,
}

impl GraphqlOperation for Operation {
    type Response = Value;
    type Error = serde_json::Error;

    fn decode(&self, data: Value) -> Result<Value, serde_json::Error> {
        Ok(data)
    }
}

/// An open subscription; the client is kept so the connection stays up.
pub struct Subscribed {
    pub client: Client,
    pub stream: Subscription<Operation>,
}

impl Subscribed {
    /// The next `{data, errors}` payload, failing the test after [`EVENT_WAIT`].
    pub async fn next(&mut self) -> Value {
        match tokio::time::timeout(EVENT_WAIT, self.stream.next()).await {
            Ok(Some(Ok(payload))) => payload,
            Ok(Some(Err(error))) => panic!("subscription failed: {error}"),
            Ok(None) => panic!("subscription ended"),
            Err(_) => panic!("no event within {EVENT_WAIT:?}"),
        }
    }
}

/// Connects with `graphql-transport-ws` and the token in `connection_init`.
pub async fn connect(sandbox: &Sandbox, token: &str) -> Result<Client, graphql_ws_client::Error> {
    let mut request = sandbox
        .orchestration_ws_url()
        .into_client_request()
        .expect("a WebSocket URL");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (connection, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("WebSocket handshake");
    let (client, actor) = Client::build(connection)
        .payload(json!({"Authorization": format!("Bearer {token}")}))?
        .await?;
    tokio::spawn(actor.into_future());
    Ok(client)
}

/// Subscribes, and waits until the server has set the subscription up, so
/// that whatever the test does next is seen.
pub async fn subscribe(sandbox: &Sandbox, token: &str, query: &str, variables: Value) -> Subscribed {
    let before = sandbox.orchestration_subscriptions();
    let client = connect(sandbox, token).await.expect("connection accepted");
    let operation = Operation {
        query: query.to_owned(),
        variables,
    };
    let stream = client.subscribe(operation).await.expect("subscribes");
    wait_for_subscriptions(sandbox, before + 1).await;
    Subscribed { client, stream }
}

pub async fn wait_for_subscriptions(sandbox: &Sandbox, count: usize) {
    let deadline = tokio::time::Instant::now() + EVENT_WAIT;
    while sandbox.orchestration_subscriptions() < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the subscription was not set up within {EVENT_WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub const CREATE_ASYNC_ISSUANCE: &str = r#"
mutation CreateAsyncIssuanceRequest($request: [AsyncIssuanceRequestInput!]!) {
  createAsyncIssuanceRequest(request: $request) {
    __typename
    ... on AsyncIssuanceResponse { asyncIssuanceRequestIds }
    ... on AsyncIssuanceErrorResponse { errors }
  }
}"#;

/// A remote `EventBadge` issuance to a recipient the station names inline
/// with `identifier` (as its queue names each job), notified by email.
pub fn async_badge_for(identifier: &str) -> Value {
    json!({
        "contractId": EVENT_BADGE,
        "identity": {"issuer": "Issuance Station", "identifier": identifier, "name": "Megan Bowen"},
        "claims": {"given_name": "Megan", "family_name": "Bowen", "company": "Contoso"},
        "contact": {"notification": {"method": "email", "value": "megan@example.com"}},
        "expiry": "oneWeek"
    })
}

/// Creates remote issuances that must all be accepted; returns their ids in order.
pub async fn create_async(sandbox: &Sandbox, token: &str, inputs: Vec<Value>) -> Vec<String> {
    let created = data(
        sandbox,
        token,
        CREATE_ASYNC_ISSUANCE,
        json!({"request": inputs}),
        "createAsyncIssuanceRequest",
    )
    .await;
    assert_eq!(created["__typename"], "AsyncIssuanceResponse", "{created}");
    created["asyncIssuanceRequestIds"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|id| id.as_str().expect("an id").to_owned())
        .collect()
}

/// What the recipient does with a remote issuance's link: opens it, then
/// lets the wallet take the credential (remote issuance has no PIN).
/// Returns the Request Service request the link created.
pub async fn redeem(wallet: &station_sandbox::WalletClient, link: &str) -> String {
    let redeemed: Value = reqwest::get(link)
        .await
        .expect("link")
        .json()
        .await
        .expect("JSON");
    assert_eq!(redeemed["status"], "issuanceRequested", "{redeemed}");
    let request_id = redeemed["requestId"].as_str().expect("requestId").to_owned();
    wallet
        .open(redeemed["url"].as_str().expect("url"))
        .await
        .expect("the wallet opens the request");
    wallet.accept(&request_id).await.expect("the wallet accepts");
    request_id
}

/// The sandbox's counts by identity identifier, read over HTTP as a test
/// does when the sandbox runs in another process.
pub async fn counts(base_url: &str) -> std::collections::BTreeMap<String, station_sandbox::IssuanceCounts> {
    reqwest::get(format!("{base_url}/sandbox/orchestration/counts"))
        .await
        .expect("sandbox reachable")
        .json()
        .await
        .expect("counts JSON")
}
