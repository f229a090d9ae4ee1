//! The HTTP endpoint the Request Service calls back. Each request gets its
//! own `state` and random `api-key`; a callback is believed only when both
//! match, compared in constant time. A missing or malformed key, an unknown
//! state and a wrong key all get the same bare 401 (a body is not even parsed
//! without a well-formed key), so a prober learns nothing and changes nothing.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::task::JoinHandle;
use url::Url;

use super::{callback_body, EventSink, SourcedEvent};
use crate::config::CallbackConfig;
use crate::error::ErrorCode;
use crate::provider::CallbackTicket;
use crate::secrets::Secret;

pub const CALLBACK_PATH: &str = "/callback";
/// The services' own payload limit (1 MB); nothing larger is a callback.
pub const MAX_CALLBACK_BYTES: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ListenerError {
    #[error("the callback listener cannot listen on {addr}: {detail}. Choose another callback.bind address or stop the program using that port")]
    Bind { addr: SocketAddr, detail: String },
}

impl ErrorCode for ListenerError {
    fn code(&self) -> &'static str {
        "listener.bind"
    }
}

struct Route {
    key_digest: [u8; 32],
    sink: EventSink,
    /// Once the service has created the request, the only request id this
    /// route accepts callbacks for.
    request_id: Option<String>,
}

#[derive(Default)]
struct RouteTable(Mutex<HashMap<String, Route>>);

impl RouteTable {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Route>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The sink for `state` if `api_key` is the one issued with it.
    fn authenticate(&self, state: &str, api_key: &[u8], request_id: &str) -> Option<EventSink> {
        let offered = digest(api_key);
        let routes = self.lock();
        let route = routes.get(state)?;
        let key_matches = bool::from(route.key_digest.ct_eq(&offered));
        let request_matches = route
            .request_id
            .as_deref()
            .is_none_or(|bound| bound == request_id);
        (key_matches && request_matches).then(|| route.sink.clone())
    }
}

/// Hashing first makes the comparison independent of the offered key's
/// length as well as its content.
fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Keeps one request's route open; dropping it closes the route, after which
/// that request's callbacks are refused.
pub struct RouteGuard {
    state: String,
    routes: Arc<RouteTable>,
}

impl RouteGuard {
    /// Ties the route to the request the service created for it, so a
    /// callback carrying this route's key cannot speak for another request.
    pub fn bind_request(&self, request_id: &str) {
        if let Some(route) = self.routes.lock().get_mut(&self.state) {
            route.request_id = Some(request_id.to_owned());
        }
    }
}

impl Drop for RouteGuard {
    fn drop(&mut self) {
        self.routes.lock().remove(&self.state);
    }
}

pub struct CallbackListener {
    local_addr: SocketAddr,
    callback_url: Url,
    routes: Arc<RouteTable>,
    server: JoinHandle<()>,
}

impl CallbackListener {
    pub async fn bind(config: &CallbackConfig) -> Result<CallbackListener, ListenerError> {
        let bind_error = |e: std::io::Error| ListenerError::Bind {
            addr: config.bind,
            detail: e.to_string(),
        };
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let routes = Arc::new(RouteTable::default());
        let app = Router::new()
            .route(CALLBACK_PATH, post(receive))
            .layer(DefaultBodyLimit::max(MAX_CALLBACK_BYTES))
            .with_state(Arc::clone(&routes));
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "callback listener stopped");
            }
        });
        let callback_url = callback_url(config.public_url.as_ref(), local_addr);
        tracing::info!(%local_addr, %callback_url, "callback listener ready");
        Ok(CallbackListener {
            local_addr,
            callback_url,
            routes,
            server,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL given to services in `callback.url`.
    pub fn callback_url(&self) -> &Url {
        &self.callback_url
    }

    /// Opens a route for one request: a fresh `state` (128 bits) and
    /// `api-key` (256 bits), both from the OS CSPRNG.
    pub fn register(&self, sink: EventSink) -> (CallbackTicket, RouteGuard) {
        let state = random_token(16);
        let api_key = Secret::new(random_token(API_KEY_BYTES));
        self.routes.lock().insert(
            state.clone(),
            Route {
                key_digest: digest(api_key.expose().as_bytes()),
                sink,
                request_id: None,
            },
        );
        let ticket = CallbackTicket {
            url: self.callback_url.clone(),
            state: state.clone(),
            api_key,
        };
        let guard = RouteGuard {
            state,
            routes: Arc::clone(&self.routes),
        };
        (ticket, guard)
    }
}

impl Drop for CallbackListener {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// 32 random bytes, base64url without padding.
const API_KEY_BYTES: usize = 32;
const API_KEY_LENGTH: usize = 43;

fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

fn callback_url(public_url: Option<&Url>, local_addr: SocketAddr) -> Url {
    if let Some(base) = public_url {
        let joined = format!("{}{CALLBACK_PATH}", base.as_str().trim_end_matches('/'));
        if let Ok(url) = Url::parse(&joined) {
            return url;
        }
    }
    // A wildcard bind is reachable on loopback from this machine.
    let host = match local_addr.ip() {
        ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        ip => ip,
    };
    let text = format!(
        "http://{}{CALLBACK_PATH}",
        SocketAddr::new(host, local_addr.port())
    );
    Url::parse(&text).unwrap_or_else(|_| unreachable!("a socket address always forms a URL"))
}

async fn receive(State(routes): State<Arc<RouteTable>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let received_at = Instant::now();
    let api_key = headers.get("api-key").map(|v| v.as_bytes()).unwrap_or_default();
    if api_key.len() != API_KEY_LENGTH {
        tracing::warn!("refused a callback without a well-formed api-key");
        return StatusCode::UNAUTHORIZED;
    }
    let Some(callback) = callback_body::parse(&body) else {
        tracing::warn!(
            bytes = body.len(),
            "refused a callback that is not a Request Service callback body"
        );
        return StatusCode::BAD_REQUEST;
    };
    let Some(sink) = routes.authenticate(&callback.state, api_key, &callback.request_id) else {
        tracing::warn!("refused a callback with an unknown state or a wrong api-key");
        return StatusCode::UNAUTHORIZED;
    };
    match callback.to_event() {
        Some(event) => {
            tracing::debug!(request_id = %callback.request_id, event = event.name(), "callback received");
            sink.send(SourcedEvent {
                request_id: callback.request_id,
                event,
                received_at,
            });
        }
        None => {
            tracing::info!(status = %callback.request_status, "ignored a callback status this station does not act on")
        }
    }
    StatusCode::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_replaces_the_local_address() {
        let base = Url::parse("https://desk.example.com/station/").unwrap();
        let addr: SocketAddr = "0.0.0.0:47381".parse().unwrap();
        assert_eq!(
            callback_url(Some(&base), addr).as_str(),
            "https://desk.example.com/station/callback"
        );
        assert_eq!(
            callback_url(None, addr).as_str(),
            "http://127.0.0.1:47381/callback"
        );
    }

    #[test]
    fn authentication_needs_the_matching_key_and_request() {
        let table = RouteTable::default();
        let (sink, _stream) = super::super::event_channel();
        table.lock().insert(
            "state-1".into(),
            Route {
                key_digest: digest(b"right-key"),
                sink,
                request_id: None,
            },
        );
        assert!(table.authenticate("state-1", b"right-key", "r1").is_some());
        assert!(table.authenticate("state-1", b"wrong-key", "r1").is_none());
        assert!(table.authenticate("state-1", b"", "r1").is_none());
        assert!(table.authenticate("state-2", b"right-key", "r1").is_none());
        table.lock().get_mut("state-1").unwrap().request_id = Some("r1".into());
        assert!(table.authenticate("state-1", b"right-key", "r1").is_some());
        assert!(table.authenticate("state-1", b"right-key", "r2").is_none());
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token(API_KEY_BYTES);
        let b = random_token(API_KEY_BYTES);
        assert_ne!(a, b);
        assert_eq!(a.len(), API_KEY_LENGTH);
    }
}
