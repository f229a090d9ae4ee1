//! A faithful local emulator of the Microsoft Entra Verified ID Request
//! Service and its Azure AD token endpoint, plus a simulated wallet, so
//! Issuance Station runs and is tested with no tenant. The station reaches
//! it over real HTTP with the adapter it uses for Microsoft; only the base
//! URLs differ. This crate has no code path into the station's engine.
//!
//! Endpoints (all under [`Sandbox::base_url`]):
//! - `POST /{tenant}/oauth2/v2.0/token` — client-credentials tokens.
//! - `POST /v1.0/verifiableCredentials/createIssuanceRequest`
//! - `POST /v1.0/{tenant}/verifiablecredentials/request` — the preview shape.
//! - `POST /v1.0/verifiableCredentials/createPresentationRequest`
//! - `/wallet/…` — the simulated wallet, driven by [`WalletClient`].
//! - `/oid4vci/…`, `/.well-known/…/oid4vci`, `/v2/config/…` — an OID4VCI issuer
//!   and its admin API; see [`oid4vci`].
//! - `/orchestration/…` — the Verified Orchestration GraphQL API (HTTP and
//!   WebSocket), built on the Request Service above; see [`Sandbox::orchestration_url`].

mod callbacks;
mod clock;
mod error;
mod error_body;
mod faults;
pub mod oid4vci;
mod orchestration;
mod photo;
mod pin;
mod presentation;
mod qr;
mod request_service;
mod spec;
mod state;
mod token;
mod validation;
mod wallet;
mod wallet_api;
mod wallet_client;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use rand::seq::SliceRandom;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use error::SandboxError;
pub use faults::{Endpoint, Fault};
pub use orchestration::{IssuanceCounts, SentNotification};
pub use spec::RequestKind;
pub use token::{CURRENT_SCOPE, ORCHESTRATION_SCOPE, PREVIEW_SCOPE};
pub use wallet_api::{HeldCredential, OpenedRequest, PendingRequest, PinOutcome, WalletActionOutcome};
pub use wallet_client::WalletClient;

use callbacks::CallbackSender;
use state::AppState;

/// How long [`Sandbox::shutdown`] waits for in-flight requests.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

/// How long a finished or expired request stays answerable (to
/// [`Sandbox::received`] and the wallet's "already completed") before it is
/// forgotten, so a long-running `station sandbox` does not grow without bound.
const DEFAULT_RETENTION: Duration = Duration::from_secs(600);

/// The liveness score the simulated holder achieves unless told otherwise:
/// a clear pass of the service's default threshold of 70.
const DEFAULT_FACE_CHECK_SCORE: f64 = 95.0;

/// Settings of a sandbox; the defaults suit tests and `station sandbox`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxConfig {
    pub bind: SocketAddr,
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// How long a created request can be acted on (the service's is about 5 minutes).
    pub request_lifetime: Duration,
    pub token_lifetime: Duration,
    /// How long a request is kept once finished or expired (default 10
    /// minutes); absent in older saved configs, hence the serde default.
    #[serde(default = "default_retention")]
    pub retention: Duration,
    /// The `matchConfidenceScore` (0 to 100) the simulated wallet's Face
    /// Check achieves, so tests choose pass or fail against a request's
    /// threshold (default 95); see [`Sandbox::set_face_check_score`].
    #[serde(default = "default_face_check_score")]
    pub face_check_score: f64,
    /// The admin API key of the OID4VCI issuer (`Authorization: ApiKey <key>`).
    #[serde(default = "default_oid4vci_api_key")]
    pub oid4vci_api_key: String,
    /// How long an OID4VCI offer's pre-authorized code can be redeemed
    /// (default 10 minutes).
    #[serde(default = "default_oid4vci_code_lifetime")]
    pub oid4vci_code_lifetime: Duration,
}

fn default_retention() -> Duration {
    DEFAULT_RETENTION
}

fn default_face_check_score() -> f64 {
    DEFAULT_FACE_CHECK_SCORE
}

fn default_oid4vci_api_key() -> String {
    oid4vci::DEFAULT_API_KEY.to_owned()
}

fn default_oid4vci_code_lifetime() -> Duration {
    oid4vci::DEFAULT_CODE_LIFETIME
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tenant_id: "sandbox-tenant".to_owned(),
            client_id: "sandbox-client".to_owned(),
            client_secret: "sandbox-secret".to_owned(),
            request_lifetime: Duration::from_secs(300),
            token_lifetime: Duration::from_secs(3599),
            retention: DEFAULT_RETENTION,
            face_check_score: DEFAULT_FACE_CHECK_SCORE,
            oid4vci_api_key: default_oid4vci_api_key(),
            oid4vci_code_lifetime: default_oid4vci_code_lifetime(),
        }
    }
}

/// A running sandbox server. Dropping it, or [`Sandbox::shutdown`], stops it.
pub struct Sandbox {
    state: Arc<AppState>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.state.base_url)
            .field("tenant_id", &self.state.config.tenant_id)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds `config.bind`, starts serving in the background and returns.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let bind = config.bind;
        let bind_error = |source| SandboxError::Bind { addr: bind, source };
        let listener = tokio::net::TcpListener::bind(bind).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let state = Arc::new(AppState::new(
            config,
            base_url_for(addr),
            wallet_did(),
            CallbackSender::new()?,
        ));
        let app = router(Arc::clone(&state));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                // A dropped sender means the Sandbox was dropped: stop too.
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "sandbox server stopped with an error");
            }
        });
        tracing::info!(base_url = %state.base_url, "sandbox listening");
        Ok(Sandbox {
            state,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: both the token authority host and the API base.
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.state.config
    }

    /// Every hit on the token endpoint, successful or not.
    pub fn token_requests(&self) -> usize {
        self.state.token_hits()
    }

    /// The exact JSON body of an accepted create call, while the request is
    /// live or finished less than `config.retention` ago.
    pub fn received(&self, request_id: &str) -> Option<Value> {
        self.state.lock().received(request_id)
    }

    /// `(requestId, body)` of every retained create call, in arrival order.
    pub fn received_requests(&self) -> Vec<(String, Value)> {
        self.state.lock().all_received()
    }

    /// The next calls to `endpoint` answer these faults, in order, before
    /// normal processing.
    pub fn inject_faults(&self, endpoint: Endpoint, faults: Vec<Fault>) {
        self.state.lock().queue_faults(endpoint, faults);
    }

    /// Changes the Face Check score for presentations from now on, so a
    /// test can make the liveness check pass or fail without a restart.
    /// Scores are kept within 0 to 100, and NaN counts as 0.
    pub fn set_face_check_score(&self, score: f64) {
        self.state.set_face_check_score(score);
    }

    /// The Face Check score in effect; [`Sandbox::config`] keeps the starting one.
    pub fn face_check_score(&self) -> f64 {
        self.state.face_check_score()
    }

    /// The OID4VCI issuer's public key (a P-256 JWK with `kid`), which its
    /// SD-JWT VCs verify with; also served as `jwt-vc-issuer` metadata.
    pub fn oid4vci_issuer_jwk(&self) -> Value {
        self.state.oid4vci.issuer_jwk()
    }

    /// Stops accepting connections and waits (up to 15 s) for in-flight ones.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err() {
                task.abort();
            }
        }
    }

    /// Serves until Ctrl-C, then shuts down; for `station sandbox`.
    pub async fn serve_until_ctrl_c(self) {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C; stopping the sandbox");
        }
        self.shutdown().await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token::issue))
        .route(
            "/v1.0/verifiableCredentials/createIssuanceRequest",
            post(request_service::create_issuance),
        )
        .route(
            "/v1.0/{tenant}/verifiablecredentials/request",
            post(request_service::create_preview_issuance),
        )
        .route(
            "/v1.0/verifiableCredentials/createPresentationRequest",
            post(request_service::create_presentation),
        )
        .route("/wallet/open", post(wallet::open))
        .route("/wallet/pin", post(wallet::enter_pin))
        .route("/wallet/accept", post(wallet::accept))
        .route("/wallet/decline", post(wallet::decline))
        .route("/wallet/present", post(wallet::present))
        .route("/wallet/requests", get(wallet::pending))
        .route("/wallet/credentials", get(wallet::credentials))
        .merge(oid4vci::router())
        .with_state(Arc::clone(&state))
        .merge(orchestration::router(state))
}

/// A wildcard bind is reached through loopback.
fn base_url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// A did:key-looking holder DID, random per sandbox, marked as the sandbox's.
fn wallet_did() -> String {
    const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut rng = rand::thread_rng();
    let body: String = (0..36)
        .filter_map(|_| BASE58.choose(&mut rng).map(|&b| char::from(b)))
        .collect();
    format!("did:key:z6Mk{body}sandbox")
}
