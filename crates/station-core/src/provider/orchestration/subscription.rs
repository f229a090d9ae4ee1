//! `issuanceEvent` over graphql-transport-ws: the events of one request
//! reach the station through its own outgoing connection, so a kiosk
//! behind NAT needs no public callback URL. A dropped connection is opened
//! again until the request ends.

use std::future::IntoFuture;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use graphql_ws_client::graphql::GraphqlOperation;
use serde::Serialize;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use url::Url;

use super::wire::{IssuanceEventData, ISSUANCE_EVENT};
use crate::events::callback_body::CallbackBody;
use crate::events::{EventFeed, EventSink, FlowEvent, SourcedEvent};
use crate::provider::oauth::TokenSource;

/// How long to wait before opening a dropped subscription again.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Serialize)]
struct IssuanceEventOperation {
    query: &'static str,
    variables: serde_json::Value,
}

impl GraphqlOperation for IssuanceEventOperation {
    type Response = serde_json::Value;
    type Error = serde_json::Error;

    fn decode(&self, response: serde_json::Value) -> Result<Self::Response, Self::Error> {
        Ok(response)
    }
}

/// Follows `request_id` until it is issued or fails, or the feed is dropped.
pub async fn follow(ws_url: Url, tokens: std::sync::Arc<TokenSource>, request_id: String, events: EventSink) {
    loop {
        match listen(&ws_url, &tokens, &request_id, &events).await {
            Ok(Finished::RequestEnded) => return,
            Ok(Finished::ConnectionClosed) => {
                tracing::warn!("issuanceEvent subscription closed; opening it again");
            }
            Err(detail) => tracing::warn!(%detail, "issuanceEvent subscription failed; opening it again"),
        }
        tokio::time::sleep(RECONNECT_AFTER).await;
    }
}

enum Finished {
    RequestEnded,
    ConnectionClosed,
}

async fn listen(
    ws_url: &Url,
    tokens: &TokenSource,
    request_id: &str,
    events: &EventSink,
) -> Result<Finished, String> {
    let token = tokens.token().await.map_err(|e| e.to_string())?;
    let mut request = ws_url.as_str().into_client_request().map_err(|e| e.to_string())?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (connection, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| e.to_string())?;
    let operation = IssuanceEventOperation {
        query: ISSUANCE_EVENT,
        variables: serde_json::json!({ "requestId": request_id }),
    };
    let (client, actor) = graphql_ws_client::Client::build(connection)
        .payload(serde_json::json!({ "Authorization": format!("Bearer {}", token.expose()) }))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    // The actor carries the connection; it ends with this function.
    let _connection = EventFeed::spawn(async move {
        actor.into_future().await;
    });
    let mut stream = client.subscribe(operation).await.map_err(|e| e.to_string())?;
    while let Some(item) = stream.next().await {
        let response = item.map_err(|e| e.to_string())?;
        if let Some(errors) = response.get("errors").filter(|e| !e.is_null()) {
            return Err(format!("the service refused the subscription: {errors}"));
        }
        let Some(data) = response.get("data").cloned() else {
            continue;
        };
        let Ok(data) = serde_json::from_value::<IssuanceEventData>(data) else {
            continue;
        };
        let mut event = data.issuance_event.event;
        // GraphQL sends absent fields (`state` without a callback) as null.
        if let Some(fields) = event.as_object_mut() {
            fields.retain(|_, value| !value.is_null());
        }
        let Some(event) = serde_json::from_value::<CallbackBody>(event)
            .ok()
            .and_then(|body| body.to_event())
        else {
            continue;
        };
        let ended = matches!(event, FlowEvent::Issued | FlowEvent::Failed { .. });
        let delivered = events.send(SourcedEvent {
            request_id: request_id.to_owned(),
            event,
            received_at: Instant::now(),
        });
        if ended || !delivered {
            return Ok(Finished::RequestEnded);
        }
    }
    Ok(Finished::ConnectionClosed)
}
