//! An emulation of the Verified Orchestration (VO) GraphQL API, so the
//! station's VO adapter runs and is tested with no VO instance. VO is itself
//! a client of the Entra Request Service, and so is this emulation: every
//! issuance is created through the sandbox's own Request Service handler
//! (same validation, faults and request store) with its callback pointed at
//! [`entra::CALLBACK_PATH`]. The simulated wallet therefore drives VO
//! requests unchanged, and each status it causes reaches VO the way it does
//! in production: as a Request Service callback, which VO publishes to
//! subscribers and forwards to the caller's own callback. No Entra code had
//! to learn about VO.
//!
//! Endpoints (under [`crate::Sandbox::base_url`]):
//! - `POST /orchestration/graphql`: queries and mutations, bearer token.
//! - `GET /orchestration/graphql`: subscriptions over WebSocket
//!   (`graphql-transport-ws`, and the legacy `graphql-ws`), the token in
//!   the `connection_init` payload.
//! - `GET|POST /orchestration/photo-capture/{id}`: the simulated phone of
//!   the photo capture service.
//! - `GET /orchestration/async-issuance/{id}`: the link a remote issuance
//!   notification carries; it stands in for VO's Concierge.
//! - `GET /orchestration/sent-notifications`: what remote issuance "sent".
//! - `GET /sandbox/orchestration/counts`: remote issuances created and
//!   credentials issued, per identity identifier (a test's tally).
//!
//! Auth: any live token from the sandbox's token endpoint, whichever scope
//! it was minted for ([`crate::ORCHESTRATION_SCOPE`] is the one VO's own
//! clients ask for). The sandbox does not record scopes, so it cannot tell
//! tokens apart; a real VO instance has its own authority.

mod counts;
mod directory;
mod entra;
mod events;
mod find;
mod http;
mod input;
mod issuance;
mod photo_capture;
mod remote;
mod scalars;
mod schema;
mod types;
mod variables;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use crate::state::AppState;
use crate::Sandbox;

/// Where the GraphQL endpoint is mounted, for both HTTP and WebSocket.
const GRAPHQL_PATH: &str = "/orchestration/graphql";

/// How many unread events a slow subscriber may fall behind before it
/// misses some; far more than one issuance produces.
const EVENT_BUFFER: usize = 256;

/// A record of one message remote issuance "sent" to an issuee. Nothing
/// leaves the machine; tests and `station sandbox` read these instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentNotification {
    pub async_issuance_request_id: String,
    /// The email address or E.164 phone number.
    pub to: String,
    /// `email` or `sms`, as VO's `ContactMethod` spells them.
    pub method: String,
    /// `issuance`: the only purpose the sandbox sends.
    pub purpose: String,
    /// The link the issuee opens to claim the credential.
    pub link: String,
    /// ISO-8601, UTC.
    pub at: String,
}

/// VO's state in the sandbox: its own records, keyed by the Request
/// Service's request ids where they meet. One `std::sync::Mutex`, never held
/// across an `.await`, as in [`crate::state`].
pub use counts::IssuanceCounts;

pub(crate) struct Orchestration {
    store: Mutex<Store>,
    issuance_events: broadcast::Sender<Arc<events::IssuanceTopic>>,
    photo_events: broadcast::Sender<events::PhotoTopic>,
    /// The `api-key` the Request Service emulation sends with VO's callbacks,
    /// so nobody else can post fake events to the callback endpoint.
    callback_secret: String,
    entra_token: Mutex<Option<(String, SystemTime)>>,
    /// The next `issuance_successful` goes to no subscriber and no callback.
    lose_next_success: AtomicBool,
    /// Bumped to cut every open WebSocket ([`Sandbox::drop_subscriptions`]).
    cut_sockets: watch::Sender<u64>,
}

#[derive(Default)]
struct Store {
    identities: directory::Directory,
    /// VO's details of each issuance request it created, by Request Service id.
    requests: HashMap<scalars::Uuid, issuance::RequestRecord>,
    captures: HashMap<scalars::Uuid, photo_capture::Capture>,
    async_requests: HashMap<scalars::Uuid, remote::AsyncRecord>,
    /// The remote issuance requests in creation order, for
    /// `findAsyncIssuanceRequests` to read a time range without a scan.
    async_by_creation: find::CreationIndex,
    notifications: Vec<SentNotification>,
    counts: counts::Counts,
}

impl Orchestration {
    pub(crate) fn new() -> Self {
        let (issuance_events, _) = broadcast::channel(EVENT_BUFFER);
        let (photo_events, _) = broadcast::channel(EVENT_BUFFER);
        Self {
            store: Mutex::new(Store {
                identities: directory::Directory::with_builtin_identities(),
                ..Store::default()
            }),
            issuance_events,
            photo_events,
            callback_secret: random_token(),
            entra_token: Mutex::new(None),
            lose_next_success: AtomicBool::new(false),
            cut_sockets: watch::Sender::new(0),
        }
    }

    /// Whether this success is the one to lose (and so the last).
    fn take_lost_success(&self) -> bool {
        self.lose_next_success.swap(false, Ordering::SeqCst)
    }

    /// A poisoned lock only means a handler panicked mid-update; keep serving.
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Open subscriptions of either kind.
    fn subscriptions(&self) -> usize {
        self.issuance_events.receiver_count() + self.photo_events.receiver_count()
    }
}

impl Store {
    /// Drops what has outlived any use, lazily, so a long-running sandbox
    /// stays bounded without a background task.
    fn forget_old(&mut self, now: SystemTime, keep_requests_for: Duration) {
        self.requests
            .retain(|_, request| !request.older_than(keep_requests_for, now));
        self.captures.retain(|_, capture| !capture.is_stale(now));
    }
}

/// All of VO's routes, merged into the sandbox's router.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    let routes = http::Routes::new(state);
    Router::new()
        .route(GRAPHQL_PATH, post(http::graphql_post).get(http::graphql_ws))
        .route(entra::CALLBACK_PATH, post(entra::callback))
        .route(
            photo_capture::PATH,
            get(photo_capture::phone_page).post(photo_capture::phone_upload),
        )
        .route(remote::REDEEM_PATH, get(remote::redeem))
        .route(
            "/orchestration/sent-notifications",
            get(remote::sent_notifications),
        )
        .route(counts::PATH, get(counts::counts))
        .with_state(routes)
}

/// 256 random bits, url-safe: tokens and secrets.
fn random_token() -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The Verified Orchestration emulation: GraphQL at `/orchestration/graphql`,
/// built on the Request Service emulation and driven by the simulated wallet.
impl Sandbox {
    /// `http://127.0.0.1:PORT/orchestration/graphql`: queries and mutations.
    pub fn orchestration_url(&self) -> String {
        format!("{}{GRAPHQL_PATH}", self.state.base_url)
    }

    /// `ws://127.0.0.1:PORT/orchestration/graphql`: subscriptions over
    /// `graphql-transport-ws` (or the legacy `graphql-ws`).
    pub fn orchestration_ws_url(&self) -> String {
        let base = &self.state.base_url;
        let ws_base = match base.strip_prefix("http") {
            Some(rest) => format!("ws{rest}"),
            None => base.clone(),
        };
        format!("{ws_base}{GRAPHQL_PATH}")
    }

    /// Every notification remote issuance "sent", oldest first.
    pub fn orchestration_notifications(&self) -> Vec<SentNotification> {
        self.state.orchestration.lock().notifications.clone()
    }

    /// Remote issuances created and credentials issued, by the identity
    /// identifier they were for (the station's job id, for its queue).
    pub fn orchestration_counts(&self) -> std::collections::BTreeMap<String, IssuanceCounts> {
        self.state.orchestration.lock().counts.snapshot()
    }

    /// How many GraphQL subscriptions are open right now. A test waits for
    /// this to rise before acting, since a subscription sees only events
    /// that happen after the server has set it up.
    pub fn orchestration_subscriptions(&self) -> usize {
        self.state.orchestration.subscriptions()
    }

    /// The next `issuance_successful` reaches no subscriber and no
    /// callback, as when a connection drops at that moment; the issuance
    /// itself is recorded, so `findIssuances` finds it.
    pub fn lose_next_orchestration_success(&self) {
        self.state
            .orchestration
            .lose_next_success
            .store(true, Ordering::SeqCst);
    }

    /// The schema served at [`Sandbox::orchestration_url`], in SDL.
    pub fn orchestration_sdl() -> String {
        schema::sdl()
    }

    /// Whether the schema served at [`Sandbox::orchestration_url`] accepts
    /// `document` (a query, mutation or subscription) with `variables`: the
    /// validation errors, empty when it would run. Nothing is executed, so
    /// it needs no running sandbox.
    pub async fn validate_orchestration(document: &str, variables: serde_json::Value) -> Vec<String> {
        schema::validate(document, variables).await
    }

    /// The `EventBadge` contract's id (no photo; claims `given_name`,
    /// `family_name`, `company`). VO's ids are UUIDs, and so are the sandbox's.
    pub const ORCHESTRATION_EVENT_BADGE: &'static str = directory::EVENT_BADGE;
    /// The `StaffId` contract's id (Face Check photo required).
    pub const ORCHESTRATION_STAFF_ID: &'static str = directory::STAFF_ID;
    /// The built-in identity Megan Bowen's id.
    pub const ORCHESTRATION_MEGAN: &'static str = directory::MEGAN;
    /// The built-in identity Adele Vance's id.
    pub const ORCHESTRATION_ADELE: &'static str = directory::ADELE;
    /// The built-in identity Alex Wilber's id.
    pub const ORCHESTRATION_ALEX: &'static str = directory::ALEX;

    /// Cuts every open GraphQL WebSocket at once, as a network outage
    /// does: the sockets are dropped without a close frame, and their
    /// subscriptions end. New connections are served as before.
    pub fn drop_subscriptions(&self) {
        self.state
            .orchestration
            .cut_sockets
            .send_modify(|cuts| *cuts += 1);
    }
}
