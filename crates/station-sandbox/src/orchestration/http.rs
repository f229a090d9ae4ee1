//! GraphQL over HTTP and over WebSocket. Authentication happens here,
//! before anything executes: on HTTP the `Authorization: Bearer` header,
//! refused with HTTP 200 and a GraphQL error whose `extensions.code` is
//! `UNAUTHENTICATED`, as GraphQL servers answer; on WebSocket the
//! `connection_init` payload's `Authorization` (or `authorization`), or the
//! upgrade request's header, refused by closing with 4403 Forbidden, as the
//! graphql-ws reference server does. Faults queued for
//! [`Endpoint::OrchestrationGraphql`] answer after authentication, before
//! the body is read. The loop is async-graphql-axum's,
//! written out only to give that refusal its proper close code.

use std::str::FromStr;
use std::sync::Arc;

use async_graphql::futures_util::{future, SinkExt, StreamExt};
use async_graphql::http::{
    WebSocket as GraphQLWebSocket, WebSocketProtocols, WsMessage, ALL_WEBSOCKET_PROTOCOLS,
};
use async_graphql::{BatchRequest, Data};
use async_graphql_axum::GraphQLResponse;
use axum::body::Body;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, RETRY_AFTER, SEC_WEBSOCKET_PROTOCOL};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::schema::{self, OrchestrationSchema};
use crate::faults::{Endpoint, Fault};
use crate::state::AppState;

/// Large enough for a `faceCheckPhoto` over VO's 1 MB limit, so that limit
/// is answered as VO answers it (`payloadTooLarge`), not by the transport.
const MAX_HTTP_BODY: usize = 8 * 1_048_576;

/// The reason an unauthenticated WebSocket is closed with.
const FORBIDDEN: &str = "Forbidden";

/// What every VO route needs.
#[derive(Clone)]
pub(super) struct Routes {
    pub state: Arc<AppState>,
    pub schema: OrchestrationSchema,
}

impl Routes {
    pub(super) fn new(state: Arc<AppState>) -> Self {
        let schema = schema::build(Arc::clone(&state));
        Self { state, schema }
    }
}

/// `POST /orchestration/graphql`
pub(super) async fn graphql_post(State(routes): State<Routes>, headers: HeaderMap, body: Body) -> Response {
    if !authenticated(&routes.state, bearer(&headers)) {
        return Json(error_body(
            "Authentication required: send 'Authorization: Bearer <token>' with a token from the sandbox's token endpoint.",
            "UNAUTHENTICATED",
        ))
        .into_response();
    }
    let fault = routes.state.lock().take_fault(Endpoint::OrchestrationGraphql);
    if let Some(fault) = fault {
        return fault_response(&fault);
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HTTP_BODY).await else {
        let message = format!("The request body is larger than {MAX_HTTP_BODY} bytes.");
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(error_body(&message, "PAYLOAD_TOO_LARGE")),
        )
            .into_response();
    };
    let batch = match serde_json::from_slice::<BatchRequest>(&bytes) {
        Ok(batch) => batch,
        Err(error) => {
            let message = format!("The request body is not a GraphQL request: {error}");
            return (StatusCode::BAD_REQUEST, Json(error_body(&message, "BAD_REQUEST"))).into_response();
        }
    };
    GraphQLResponse::from(routes.schema.execute_batch(batch).await).into_response()
}

/// A scripted fault: its status, a `Retry-After` when it has one, and its
/// code and message as a GraphQL error.
fn fault_response(fault: &Fault) -> Response {
    let mut response = (fault.status_code(), Json(error_body(&fault.message, &fault.code))).into_response();
    if let Some(seconds) = fault.retry_after_secs {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn error_body(message: &str, code: &str) -> Value {
    json!({"errors": [{"message": message, "extensions": {"code": code}}]})
}

/// `GET /orchestration/graphql` with a WebSocket upgrade.
pub(super) async fn graphql_ws(
    State(routes): State<Routes>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(protocol) = protocol(&headers) else {
        return (
            StatusCode::BAD_REQUEST,
            "Ask for the 'graphql-transport-ws' (or legacy 'graphql-ws') subprotocol in Sec-WebSocket-Protocol.",
        )
            .into_response();
    };
    let pre_authenticated = authenticated(&routes.state, bearer(&headers));
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(socket, routes, protocol, pre_authenticated))
}

/// The first subprotocol offered that async-graphql speaks.
fn protocol(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())?
        .split(',')
        .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
}

async fn serve(socket: WebSocket, routes: Routes, protocol: WebSocketProtocols, pre_authenticated: bool) {
    let (mut sink, stream) = socket.split();
    let input = stream
        .take_while(|message| future::ready(message.is_ok()))
        .filter_map(|message| {
            future::ready(match message {
                Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
                _ => None,
            })
        });
    let state = Arc::clone(&routes.state);
    let output = GraphQLWebSocket::new(routes.schema.clone(), input, protocol)
        .on_connection_init(move |payload| async move {
            if pre_authenticated || authenticated(&state, init_token(&payload)) {
                Ok(Data::default())
            } else {
                Err(async_graphql::Error::new(FORBIDDEN))
            }
        })
        .map(|message| match message {
            WsMessage::Text(text) => Message::Text(text.into()),
            WsMessage::Close(code, reason) => {
                // async-graphql closes a refused connection_init with 1002.
                let code = if code == 1002 && reason == FORBIDDEN {
                    4403
                } else {
                    code
                };
                Message::Close(Some(CloseFrame {
                    code,
                    reason: reason.into(),
                }))
            }
        });
    let mut output = std::pin::pin!(output);
    let mut cut = routes.state.orchestration.cut_sockets.subscribe();
    loop {
        let message = tokio::select! {
            message = output.next() => message,
            // Dropping the socket unsent is what an outage looks like to the client.
            _ = cut.changed() => return,
        };
        let Some(message) = message else { break };
        if sink.send(message).await.is_err() {
            break;
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(AUTHORIZATION)?.to_str().ok().and_then(strip_bearer)
}

/// `{"Authorization": "Bearer …"}`, any capitalisation of the key.
fn init_token(payload: &Value) -> Option<&str> {
    payload
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
        .and_then(strip_bearer)
}

fn strip_bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Any live token from the sandbox's token endpoint (see the module docs of
/// [`super`] on scopes).
fn authenticated(state: &AppState, token: Option<&str>) -> bool {
    token.is_some_and(|token| state.lock().token_is_valid(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_token_from_connection_init_in_either_spelling() {
        assert_eq!(init_token(&json!({"Authorization": "Bearer abc"})), Some("abc"));
        assert_eq!(init_token(&json!({"authorization": "bearer  xyz "})), Some("xyz"));
        assert_eq!(init_token(&json!({"Authorization": "Basic abc"})), None);
        assert_eq!(init_token(&json!({})), None);
        assert_eq!(init_token(&Value::Null), None);
    }
}
