//! How service events reach a flow. Every source — the callback listener,
//! a GraphQL subscription, a status poller ([`EventFeed`]) —
//! turns what it hears into a [`FlowEvent`] and sends it down the flow's one
//! [`EventSink`]. The flow does not know which source spoke.

pub mod callback_body;
pub mod listener;

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use tokio::sync::mpsc;

pub use listener::{CallbackListener, ListenerError, RouteGuard};

/// What happened to a request, in the same terms for every service.
#[derive(Debug, Clone, PartialEq)]
pub enum FlowEvent {
    /// The wallet opened the request (`request_retrieved`).
    Retrieved,
    Issued,
    Verified(VerifiedPresentation),
    Failed {
        code: String,
        message: String,
    },
    Expired,
    /// The event source of the request (a subscription) lost its
    /// connection and is reconnecting: events may be late until
    /// [`FlowEvent::Reconnected`]. Says nothing about the request itself.
    Reconnecting,
    /// The event source is connected again.
    Reconnected,
}

impl FlowEvent {
    /// A short stable name for history and logs.
    pub fn name(&self) -> &'static str {
        match self {
            FlowEvent::Retrieved => "retrieved",
            FlowEvent::Issued => "issued",
            FlowEvent::Verified(_) => "verified",
            FlowEvent::Failed { .. } => "failed",
            FlowEvent::Expired => "expired",
            FlowEvent::Reconnecting => "reconnecting",
            FlowEvent::Reconnected => "reconnected",
        }
    }

    /// Whether the event is about the event source's connection rather
    /// than the request.
    pub fn is_link(&self) -> bool {
        matches!(self, FlowEvent::Reconnecting | FlowEvent::Reconnected)
    }
}

/// What a wallet presented and the service verified (seed 003).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedPresentation {
    pub subject: Option<String>,
    pub credentials: Vec<VerifiedCredential>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedCredential {
    pub issuer: String,
    pub types: Vec<String>,
    pub claims: BTreeMap<String, serde_json::Value>,
    pub revocation_status: Option<String>,
    pub linked_domain: Option<String>,
    pub face_check_score: Option<f64>,
    pub issued_at: Option<String>,
    pub expires_at: Option<String>,
}

/// An event and the request it concerns, stamped on arrival so latency can
/// be measured end to end.
#[derive(Debug, Clone)]
pub struct SourcedEvent {
    pub request_id: String,
    pub event: FlowEvent,
    pub received_at: Instant,
}

/// The sending half of a flow's event stream; sources clone it freely.
#[derive(Debug, Clone)]
pub struct EventSink(mpsc::UnboundedSender<SourcedEvent>);

impl EventSink {
    /// Delivers an event; `false` when the flow has already ended, which is
    /// harmless (a late or repeated event).
    pub fn send(&self, event: SourcedEvent) -> bool {
        self.0.send(event).is_ok()
    }
}

pub type EventStream = mpsc::UnboundedReceiver<SourcedEvent>;

/// A running event source for one request (a subscription, a poller),
/// started by its provider. Dropping it stops the source.
#[derive(Debug)]
pub struct EventFeed(tokio::task::JoinHandle<()>);

impl EventFeed {
    pub fn spawn(source: impl std::future::Future<Output = ()> + Send + 'static) -> EventFeed {
        EventFeed(tokio::spawn(source))
    }
}

impl Drop for EventFeed {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub fn event_channel() -> (EventSink, EventStream) {
    let (tx, rx) = mpsc::unbounded_channel();
    (EventSink(tx), rx)
}
