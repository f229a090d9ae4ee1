//! `issuanceEvent` over graphql-transport-ws: the events of one request
//! reach the station through its own outgoing connection, so a kiosk
//! behind NAT needs no public callback URL.
//!
//! A kiosk's network drops, and a connection can die without a close
//! frame, so the link is held on to: the handshake must be acknowledged
//! within [`Resilience::ack_timeout`], a quiet connection is pinged and
//! given up when the pings go unanswered, and a lost connection is opened
//! again after a growing, capped delay, until the request ends. The flow
//! hears of each outage ([`FlowEvent::Reconnecting`], then
//! [`FlowEvent::Reconnected`]). An event of the outage itself is gone (the
//! service does not replay them); the `findIssuances` poll still finds an
//! issuance, and a wallet that scans after the reconnect is heard as usual.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use graphql_ws_client::graphql::GraphqlOperation;
use serde::Serialize;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use url::Url;

use super::wire::{IssuanceEventData, ISSUANCE_EVENT};
use crate::error::ErrorCode;
use crate::events::callback_body::CallbackBody;
use crate::events::{EventFeed, EventSink, FlowEvent, SourcedEvent};
use crate::provider::oauth::TokenSource;
use crate::provider::retry::doubled;
use crate::provider::ProviderError;

/// How the subscription holds on to its connection.
#[derive(Debug, Clone)]
pub struct Resilience {
    /// From opening the socket to the server's `connection_ack`: a server
    /// that accepts and then says nothing must not hold the request.
    pub ack_timeout: Duration,
    /// How long a connection may be quiet before it is pinged.
    pub keep_alive_interval: Duration,
    /// How many pings may go unanswered before the connection is given up.
    pub keep_alive_retries: usize,
    /// The wait before the first reconnection; it doubles with each
    /// failure, up to `max_retry`, and starts over once subscribed.
    pub first_retry: Duration,
    pub max_retry: Duration,
}

impl Default for Resilience {
    /// A dead link is noticed within about 40 s of silence; reconnection
    /// never waits more than 30 s, short against a request's minutes.
    fn default() -> Self {
        Resilience {
            ack_timeout: Duration::from_secs(10),
            keep_alive_interval: Duration::from_secs(10),
            keep_alive_retries: 1,
            first_retry: Duration::from_millis(500),
            max_retry: Duration::from_secs(30),
        }
    }
}

/// Why a connection ended or never came up. Only logged: the flow hears
/// [`FlowEvent::Reconnecting`], and the connection is opened again.
#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    #[error("no token for the subscription: {0}")]
    Token(#[from] ProviderError),
    #[error("the WebSocket could not be opened: {0}")]
    Connect(String),
    #[error("the service did not acknowledge the connection within {} s", .0.as_secs_f32())]
    AckTimeout(Duration),
    #[error("the service refused the connection: {0}")]
    Handshake(String),
    #[error("the service refused the subscription: {0}")]
    Refused(String),
    #[error("the connection was lost: {0}")]
    Lost(String),
    #[error("the connection closed")]
    Closed,
}

impl ErrorCode for SubscriptionError {
    fn code(&self) -> &'static str {
        match self {
            SubscriptionError::Token(e) => e.code(),
            SubscriptionError::Connect(_) => "subscription.connect",
            SubscriptionError::AckTimeout(_) => "subscription.ack_timeout",
            SubscriptionError::Handshake(_) => "subscription.handshake",
            SubscriptionError::Refused(_) => "subscription.refused",
            SubscriptionError::Lost(_) => "subscription.lost",
            SubscriptionError::Closed => "subscription.closed",
        }
    }
}

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
pub async fn follow(
    ws_url: Url,
    tokens: Arc<TokenSource>,
    request_id: String,
    events: EventSink,
    resilience: Resilience,
) {
    let mut link = Link {
        events: &events,
        request_id: &request_id,
        down: false,
    };
    let mut backoff = Backoff::new(resilience.first_retry, resilience.max_retry);
    loop {
        let ended = listen(&ws_url, &tokens, &resilience, &mut link, &mut backoff).await;
        match ended {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, code = error.code(), "issuanceEvent subscription down; opening it again");
            }
        }
        if !link.lost() {
            return;
        }
        tokio::time::sleep(backoff.next_delay()).await;
    }
}

/// What the flow has been told of the connection.
struct Link<'a> {
    events: &'a EventSink,
    request_id: &'a str,
    /// `Reconnecting` was sent and not yet followed by `Reconnected`.
    down: bool,
}

impl Link<'_> {
    /// Tells the flow; `false` once it has stopped listening.
    fn send(&self, event: FlowEvent) -> bool {
        self.events.send(SourcedEvent {
            request_id: self.request_id.to_owned(),
            event,
            received_at: Instant::now(),
        })
    }

    /// Once per outage. The first connection failing counts: until it is up,
    /// a scan would go unheard just the same.
    fn lost(&mut self) -> bool {
        if self.down {
            return true;
        }
        self.down = true;
        self.send(FlowEvent::Reconnecting)
    }

    fn subscribed(&mut self) -> bool {
        if !self.down {
            return true;
        }
        self.down = false;
        self.send(FlowEvent::Reconnected)
    }
}

/// The wait before each reconnection: doubling from `first` up to `max`.
#[derive(Debug)]
struct Backoff {
    first: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    fn new(first: Duration, max: Duration) -> Backoff {
        Backoff {
            first,
            max,
            failures: 0,
        }
    }

    fn next_delay(&mut self) -> Duration {
        let delay = doubled(self.first, self.failures, self.max);
        self.failures = self.failures.saturating_add(1);
        delay
    }

    /// After a healthy connection, an outage starts again from `first`.
    fn reset(&mut self) {
        self.failures = 0;
    }
}

/// One connection: `Ok` once the request has ended or the flow stopped
/// listening, an error when the connection failed or was lost.
async fn listen(
    ws_url: &Url,
    tokens: &TokenSource,
    resilience: &Resilience,
    link: &mut Link<'_>,
    backoff: &mut Backoff,
) -> Result<(), SubscriptionError> {
    let token = tokens.token().await?;
    let (client, actor) = tokio::time::timeout(resilience.ack_timeout, connect(ws_url, &token, resilience))
        .await
        .map_err(|_| SubscriptionError::AckTimeout(resilience.ack_timeout))??;
    // The actor carries the connection; it ends with this function.
    let _connection = EventFeed::spawn(async move {
        actor.into_future().await;
    });
    let operation = IssuanceEventOperation {
        query: ISSUANCE_EVENT,
        variables: serde_json::json!({ "requestId": link.request_id }),
    };
    let mut stream = client
        .subscribe(operation)
        .await
        .map_err(|e| SubscriptionError::Lost(e.to_string()))?;
    if !link.subscribed() {
        return Ok(());
    }
    // `subscribe` only queues the message: the backoff starts over once
    // the service has answered, or the connection has lived through a
    // keep-alive, not merely because the socket opened. A service that
    // refuses or ends the subscription at once is asked ever more slowly.
    let subscribed_at = Instant::now();
    let healthy = |backoff: &mut Backoff| {
        if subscribed_at.elapsed() >= resilience.keep_alive_interval {
            backoff.reset();
        }
    };
    while let Some(item) = stream.next().await {
        let response = match item {
            Ok(response) => response,
            Err(error) => {
                healthy(backoff);
                return Err(SubscriptionError::Lost(error.to_string()));
            }
        };
        if let Some(errors) = response.get("errors").filter(|e| !e.is_null()) {
            return Err(SubscriptionError::Refused(errors.to_string()));
        }
        backoff.reset();
        let Some(event) = response.get("data").cloned().and_then(flow_event) else {
            continue;
        };
        let ended = matches!(event, FlowEvent::Issued | FlowEvent::Failed { .. });
        if !link.send(event) || ended {
            return Ok(());
        }
    }
    healthy(backoff);
    Err(SubscriptionError::Closed)
}

/// Opens the socket and completes graphql-transport-ws's handshake
/// (`connection_init` with the token, then `connection_ack`).
async fn connect(
    ws_url: &Url,
    token: &crate::secrets::Secret,
    resilience: &Resilience,
) -> Result<(graphql_ws_client::Client, graphql_ws_client::ConnectionActor), SubscriptionError> {
    let mut request = ws_url
        .as_str()
        .into_client_request()
        .map_err(|e| SubscriptionError::Connect(e.to_string()))?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (connection, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|e| SubscriptionError::Connect(e.to_string()))?;
    graphql_ws_client::Client::build(connection)
        .payload(serde_json::json!({ "Authorization": format!("Bearer {}", token.expose()) }))
        .map_err(|e| SubscriptionError::Handshake(e.to_string()))?
        .keep_alive_interval(resilience.keep_alive_interval)
        .keep_alive_retries(resilience.keep_alive_retries)
        .await
        .map_err(|e| SubscriptionError::Handshake(e.to_string()))
}

/// An `issuanceEvent` payload's `data` as the flow's event; `None` for one
/// the flow has no use for.
fn flow_event(data: serde_json::Value) -> Option<FlowEvent> {
    let data = serde_json::from_value::<IssuanceEventData>(data).ok()?;
    let mut event = data.issuance_event.event;
    // GraphQL sends absent fields (`state` without a callback) as null.
    if let Some(fields) = event.as_object_mut() {
        fields.retain(|_, value| !value.is_null());
    }
    serde_json::from_value::<CallbackBody>(event).ok()?.to_event()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_its_cap_and_starts_over_after_a_healthy_connection() {
        let mut backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(4));
        let waits: Vec<u64> = (0..6).map(|_| backoff.next_delay().as_millis() as u64).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 4000, 4000]);
        backoff.reset();
        assert_eq!(backoff.next_delay(), Duration::from_millis(500));
    }

    #[test]
    fn a_huge_backoff_saturates_instead_of_overflowing() {
        let mut backoff = Backoff::new(Duration::MAX, Duration::MAX);
        assert_eq!(backoff.next_delay(), Duration::MAX);
        assert_eq!(backoff.next_delay(), Duration::MAX);
    }

    #[test]
    fn the_flow_hears_of_each_outage_once() {
        let (sink, mut stream) = crate::events::event_channel();
        let mut link = Link {
            events: &sink,
            request_id: "r-1",
            down: false,
        };
        assert!(link.subscribed(), "a first subscription is no reconnection");
        assert!(link.lost() && link.lost());
        assert!(link.subscribed() && link.subscribed());
        let heard: Vec<FlowEvent> = std::iter::from_fn(|| stream.try_recv().ok().map(|e| e.event)).collect();
        assert_eq!(heard, [FlowEvent::Reconnecting, FlowEvent::Reconnected]);
    }
}
