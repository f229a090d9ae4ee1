//! The HTTP endpoint the Request Service (and Verified Orchestration) calls
//! back. Each request gets its own `state`, carried in the callback URL's
//! path, and random `api-key`; a callback is believed only when both match,
//! the key compared in constant time. Both are checked from the request head
//! alone, so a forged callback is refused before a byte of its body is read.
//! An unknown state, a missing, malformed or wrong key, a body whose `state`
//! differs from the path's and a request id the route was not bound to all
//! get the same bare 401, so a prober learns nothing and changes nothing.
//! How connections are bounded (timeouts, a cap) is `listener/server.rs`'s
//! business.

mod server;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use base64::Engine as _;
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::body::{Body, Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::task::JoinHandle;
use url::Url;

pub use server::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS, REQUEST_TIMEOUT};

use self::server::{Refusal, Refusals};
use super::{callback_body, EventSink, SourcedEvent};
use crate::config::CallbackConfig;
use crate::error::ErrorCode;
use crate::provider::CallbackTicket;
use crate::secrets::Secret;

/// Each request's callbacks arrive at `CALLBACK_PATH/<state>`, so that a
/// forged one is refused from its path and headers, before its body is read.
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

    /// Whether `api_key` is the one issued with `state`: all a request head
    /// can prove.
    fn authorize(&self, state: &str, api_key: &[u8]) -> bool {
        if api_key.len() != API_KEY_LENGTH {
            return false;
        }
        let offered = digest(api_key);
        let routes = self.lock();
        routes
            .get(state)
            .is_some_and(|route| bool::from(route.key_digest.ct_eq(&offered)))
    }

    /// The sink of an authorized route, if the route still exists and speaks
    /// for `request_id`.
    fn sink_for(&self, state: &str, request_id: &str) -> Option<EventSink> {
        let routes = self.lock();
        let route = routes.get(state)?;
        let request_matches = route
            .request_id
            .as_deref()
            .is_none_or(|bound| bound == request_id);
        request_matches.then(|| route.sink.clone())
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
    /// Taken by [`CallbackListener::shutdown`].
    server: Mutex<Option<JoinHandle<()>>>,
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
        let refusals = Arc::new(Refusals::default());
        let receiver = Arc::new(Receiver {
            routes: Arc::clone(&routes),
            refusals: Arc::clone(&refusals),
        });
        let server = tokio::spawn(server::serve(listener, receiver, refusals));
        let callback_url = callback_url(config.public_url.as_ref(), local_addr);
        tracing::info!(%local_addr, %callback_url, "callback listener ready");
        Ok(CallbackListener {
            local_addr,
            callback_url,
            routes,
            server: Mutex::new(Some(server)),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base of the URLs given to services in `callback.url`; each
    /// request's own is this plus `/<state>`.
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
            url: route_url(&self.callback_url, &state),
            state: state.clone(),
            api_key,
        };
        let guard = RouteGuard {
            state,
            routes: Arc::clone(&self.routes),
        };
        (ticket, guard)
    }

    /// Stops listening and closes every open connection; once it returns
    /// the port is free for another listener. Later callbacks are refused
    /// by the operating system.
    pub async fn shutdown(&self) {
        let server = self.server.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(server) = server {
            server.abort();
            // The aborted task has dropped its socket once this returns.
            let _ = server.await;
        }
    }
}

impl Drop for CallbackListener {
    fn drop(&mut self) {
        if let Some(server) = self.server.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            server.abort();
        }
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

/// `base/<state>`; the state is base64url, so it needs no escaping.
fn route_url(base: &Url, state: &str) -> Url {
    let mut url = base.clone();
    // Every http(s) URL has path segments; `callback_url` only makes those.
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(state);
    }
    url
}

/// The state a request's path names, if it has the shape of a callback path.
fn state_in_path(path: &str) -> Option<&str> {
    let state = path.strip_prefix(CALLBACK_PATH)?.strip_prefix('/')?;
    (!state.is_empty() && !state.contains('/')).then_some(state)
}

struct Receiver {
    routes: Arc<RouteTable>,
    refusals: Arc<Refusals>,
}

impl server::Handler for Receiver {
    async fn handle(&self, request: Request<Incoming>) -> Response<Empty<Bytes>> {
        let status = self.receive(request).await;
        let mut response = Response::new(Empty::new());
        *response.status_mut() = status;
        response
    }
}

impl Receiver {
    async fn receive(&self, request: Request<Incoming>) -> StatusCode {
        let received_at = Instant::now();
        let Some(state) = state_in_path(request.uri().path()) else {
            return self.refuse(Refusal::NotFound, StatusCode::NOT_FOUND);
        };
        if request.method() != Method::POST {
            return self.refuse(Refusal::NotFound, StatusCode::METHOD_NOT_ALLOWED);
        }
        let api_key = request
            .headers()
            .get("api-key")
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !self.routes.authorize(state, api_key) {
            return self.refuse(Refusal::Unauthorized, StatusCode::UNAUTHORIZED);
        }
        let state = state.to_owned();
        let body = match read_body(request.into_body()).await {
            Ok(body) => body,
            Err(BodyError::TooLarge) => return self.refuse(Refusal::TooLarge, StatusCode::PAYLOAD_TOO_LARGE),
            Err(BodyError::Broken) => return self.refuse(Refusal::Malformed, StatusCode::BAD_REQUEST),
        };
        let Some(callback) = callback_body::parse(&body) else {
            return self.refuse(Refusal::Malformed, StatusCode::BAD_REQUEST);
        };
        // A key stolen for one request must not speak for another request's
        // state, nor for a request the flow did not create.
        let sink = (callback.state == state)
            .then(|| self.routes.sink_for(&state, &callback.request_id))
            .flatten();
        let Some(sink) = sink else {
            return self.refuse(Refusal::Unauthorized, StatusCode::UNAUTHORIZED);
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

    fn refuse(&self, refusal: Refusal, status: StatusCode) -> StatusCode {
        self.refusals.note(refusal);
        status
    }
}

enum BodyError {
    TooLarge,
    /// The sender went away or broke the framing mid-body.
    Broken,
}

/// The body, read only up to [`MAX_CALLBACK_BYTES`]: a declared length over
/// that is refused before reading anything, an undeclared one once it
/// passes the limit.
async fn read_body(body: Incoming) -> Result<Bytes, BodyError> {
    if body.size_hint().lower() > MAX_CALLBACK_BYTES as u64 {
        return Err(BodyError::TooLarge);
    }
    match Limited::new(body, MAX_CALLBACK_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Broken),
    }
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
    fn each_request_has_its_own_path() {
        let base = Url::parse("https://desk.example.com/station/callback").unwrap();
        assert_eq!(
            route_url(&base, "c3RhdGU-_x").as_str(),
            "https://desk.example.com/station/callback/c3RhdGU-_x"
        );
        assert_eq!(state_in_path("/callback/c3RhdGU-_x"), Some("c3RhdGU-_x"));
        for path in [
            "/callback",
            "/callback/",
            "/callback/a/b",
            "/callbackx/a",
            "/other/a",
        ] {
            assert_eq!(state_in_path(path), None, "{path}");
        }
    }

    #[test]
    fn authentication_needs_the_matching_key_and_request() {
        let table = RouteTable::default();
        let (sink, _stream) = super::super::event_channel();
        let key = random_token(API_KEY_BYTES);
        table.lock().insert(
            "state-1".into(),
            Route {
                key_digest: digest(key.as_bytes()),
                sink,
                request_id: None,
            },
        );
        let mut wrong = key.clone().into_bytes();
        wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
        assert!(table.authorize("state-1", key.as_bytes()));
        assert!(!table.authorize("state-1", &wrong));
        assert!(!table.authorize("state-1", b""));
        assert!(!table.authorize("state-2", key.as_bytes()));
        assert!(table.sink_for("state-1", "r1").is_some());
        table.lock().get_mut("state-1").unwrap().request_id = Some("r1".into());
        assert!(table.sink_for("state-1", "r1").is_some());
        assert!(table.sink_for("state-1", "r2").is_none());
        assert!(table.sink_for("state-2", "r1").is_none());
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token(API_KEY_BYTES);
        let b = random_token(API_KEY_BYTES);
        assert_ne!(a, b);
        assert_eq!(a.len(), API_KEY_LENGTH);
    }
}
