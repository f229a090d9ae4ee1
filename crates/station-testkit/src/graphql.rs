//! A scripted graphql-transport-ws server: a stand-in for a misbehaving
//! Verified Orchestration service (one that never acknowledges, or ends
//! each connection at once).

use std::sync::Arc;

/// Accepts the subprotocol the station asks for, as a GraphQL server does.
// tungstenite's callback signature fixes the (large) error type.
#[allow(clippy::result_large_err)]
fn offer_graphql_transport_ws(
    _: &tokio_tungstenite::tungstenite::handshake::server::Request,
    mut response: tokio_tungstenite::tungstenite::handshake::server::Response,
) -> Result<
    tokio_tungstenite::tungstenite::handshake::server::Response,
    tokio_tungstenite::tungstenite::handshake::server::ErrorResponse,
> {
    response
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    Ok(response)
}

/// A graphql-transport-ws server on loopback that answers each client
/// message as `answer` says (`None`: silence), and notes when each
/// connection was accepted: a stand-in for a misbehaving service.
pub struct ScriptedGraphqlServer {
    pub ws_url: String,
    accepted: Arc<std::sync::Mutex<Vec<std::time::Instant>>>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedGraphqlServer {
    pub async fn start(answer: fn(&serde_json::Value) -> Option<serde_json::Value>) -> ScriptedGraphqlServer {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_url = format!("ws://{}/graphql", listener.local_addr().unwrap());
        let accepted = Arc::new(std::sync::Mutex::new(Vec::new()));
        let noted = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                noted.lock().unwrap().push(std::time::Instant::now());
                tokio::spawn(async move {
                    let Ok(mut socket) =
                        tokio_tungstenite::accept_hdr_async(tcp, offer_graphql_transport_ws).await
                    else {
                        return;
                    };
                    while let Some(Ok(message)) = socket.next().await {
                        let Message::Text(text) = message else { continue };
                        let Ok(received) = serde_json::from_str::<serde_json::Value>(&text) else {
                            continue;
                        };
                        if let Some(reply) = answer(&received) {
                            if socket.send(Message::text(reply.to_string())).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        ScriptedGraphqlServer {
            ws_url,
            accepted,
            task,
        }
    }

    /// When each connection so far was accepted.
    pub fn accepted(&self) -> Vec<std::time::Instant> {
        self.accepted.lock().unwrap().clone()
    }
}

impl Drop for ScriptedGraphqlServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
