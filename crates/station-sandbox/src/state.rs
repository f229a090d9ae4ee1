//! The sandbox's memory: issued tokens, requests and their progress, the
//! bodies it accepted, the wallet's credentials and queued faults. One
//! `std::sync::Mutex` guards it; it is never held across an `.await`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::callbacks::CallbackSender;
use crate::faults::{Endpoint, Fault};
use crate::spec::{ApiShape, CallbackSpec, RequestSpec};
use crate::wallet_api::HeldCredential;
use crate::SandboxConfig;

pub(crate) struct AppState {
    pub config: SandboxConfig,
    pub base_url: String,
    /// The simulated wallet's holder DID, fixed for the life of the sandbox.
    pub wallet_did: String,
    pub callbacks: CallbackSender,
    /// The OID4VCI issuer, with its own key and memory.
    pub oid4vci: crate::oid4vci::Issuer,
    /// The simulated wallet's scanned OID4VCI offers.
    pub holder: crate::oid4vci::holder::Holder,
    /// The Verified Orchestration emulation's records and event channels.
    pub orchestration: crate::orchestration::Orchestration,
    token_hits: AtomicUsize,
    /// The Face Check score's `f64` bits, so it changes without the lock.
    face_check_score: AtomicU64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
pub(crate) struct Inner {
    tokens: HashMap<String, SystemTime>,
    requests: HashMap<String, StoredRequest>,
    next_seq: u64,
    received: Vec<(String, Value)>,
    credentials: Vec<HeldCredential>,
    faults: HashMap<Endpoint, VecDeque<Fault>>,
}

/// Where a request is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Created,
    Retrieved,
    /// Ended by a wallet action at this time.
    Finished(SystemTime),
}

#[derive(Debug, Clone)]
pub(crate) struct StoredRequest {
    pub id: String,
    /// Arrival order, for "newest first".
    pub seq: u64,
    pub shape: ApiShape,
    pub spec: RequestSpec,
    pub callback: CallbackSpec,
    pub url: String,
    pub expires_at: SystemTime,
    pub phase: Phase,
    pub pin_verified: bool,
}

impl StoredRequest {
    pub(crate) fn expiry_unix(&self) -> i64 {
        crate::clock::unix_secs(self.expires_at)
    }

    pub(crate) fn is_expired(&self, now: SystemTime) -> bool {
        now >= self.expires_at
    }

    pub(crate) fn finish(&mut self) {
        self.phase = Phase::Finished(SystemTime::now());
    }

    pub(crate) fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::Finished(_))
    }

    /// Subtracting rather than adding keeps a huge `retention` from
    /// overflowing `SystemTime`; a request still live has no age yet.
    fn ended_longer_ago_than(&self, retention: Duration, now: SystemTime) -> bool {
        let ended_at = match self.phase {
            Phase::Finished(at) => at,
            Phase::Created | Phase::Retrieved => self.expires_at,
        };
        now.duration_since(ended_at).is_ok_and(|age| age > retention)
    }
}

impl AppState {
    pub(crate) fn new(
        config: SandboxConfig,
        base_url: String,
        wallet_did: String,
        callbacks: CallbackSender,
    ) -> Self {
        let face_check_score = AtomicU64::new(score_in_range(config.face_check_score).to_bits());
        let oid4vci = crate::oid4vci::Issuer::new(&config, &base_url);
        Self {
            config,
            base_url,
            wallet_did,
            callbacks,
            oid4vci,
            holder: Default::default(),
            orchestration: crate::orchestration::Orchestration::new(),
            token_hits: AtomicUsize::new(0),
            face_check_score,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// A poisoned lock only means another handler panicked mid-update; the
    /// data is still the best record there is, so keep serving.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn count_token_hit(&self) {
        self.token_hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn token_hits(&self) -> usize {
        self.token_hits.load(Ordering::Relaxed)
    }

    pub(crate) fn face_check_score(&self) -> f64 {
        f64::from_bits(self.face_check_score.load(Ordering::Relaxed))
    }

    pub(crate) fn set_face_check_score(&self, score: f64) {
        self.face_check_score
            .store(score_in_range(score).to_bits(), Ordering::Relaxed);
    }
}

/// A confidence score outside 0 to 100 means nothing to the service, and
/// NaN would be written as JSON `null`.
fn score_in_range(score: f64) -> f64 {
    if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 100.0)
    }
}

impl Inner {
    pub(crate) fn take_fault(&mut self, endpoint: Endpoint) -> Option<Fault> {
        self.faults.get_mut(&endpoint)?.pop_front()
    }

    pub(crate) fn queue_faults(&mut self, endpoint: Endpoint, faults: Vec<Fault>) {
        self.faults.entry(endpoint).or_default().extend(faults);
    }

    pub(crate) fn add_token(&mut self, token: String, expires_at: SystemTime) {
        let now = SystemTime::now();
        self.tokens.retain(|_, expiry| *expiry > now);
        self.tokens.insert(token, expires_at);
    }

    pub(crate) fn token_is_valid(&self, token: &str) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|expiry| *expiry > SystemTime::now())
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Drops requests, and their bodies, that ended more than `retention` ago.
    pub(crate) fn forget_ended(&mut self, now: SystemTime, retention: Duration) {
        self.requests
            .retain(|_, request| !request.ended_longer_ago_than(retention, now));
        let requests = &self.requests;
        self.received.retain(|(id, _)| requests.contains_key(id));
    }

    pub(crate) fn add_request(&mut self, request: StoredRequest, body: Value) {
        self.received.push((request.id.clone(), body));
        self.requests.insert(request.id.clone(), request);
    }

    pub(crate) fn received(&self, request_id: &str) -> Option<Value> {
        self.received
            .iter()
            .find(|(id, _)| id == request_id)
            .map(|(_, body)| body.clone())
    }

    pub(crate) fn all_received(&self) -> Vec<(String, Value)> {
        self.received.clone()
    }

    pub(crate) fn request_mut(&mut self, request_id: &str) -> Option<&mut StoredRequest> {
        self.requests.get_mut(request_id)
    }

    pub(crate) fn requests(&self) -> impl Iterator<Item = &StoredRequest> {
        self.requests.values()
    }

    pub(crate) fn hold(&mut self, credential: HeldCredential) {
        self.credentials.push(credential);
    }

    pub(crate) fn credentials(&self) -> &[HeldCredential] {
        &self.credentials
    }
}
