//! A flow never hangs or dies silently: a panicking task, an event for a
//! request the flow did not create, and an absurd expiry each end (or leave
//! the screen) in a defined state. The provider here stands in for the
//! service at the network edge; listener and history are the real ones.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use station_core::config::{CallbackConfig, FlowTiming, StationConfig, Template};
use station_core::error::UiError;
use station_core::events::{CallbackListener, EventFeed, EventSink, FlowEvent, SourcedEvent};
use station_core::flow::{self, FlowContext, FlowRequest, FlowState};
use station_core::provider::{CallbackTicket, CreatedRequest, IssuanceSpec, Provider, ProviderError};
use station_core::secrets::MemoryStore;
use station_core::store::{Database, History};

/// What the stand-in service does.
enum Service {
    PanicsOnCreate,
    /// Creates `r1`, then its event source speaks for a request it never made.
    ForgesAnotherRequest,
    /// Creates `r1` expiring at the end of what the clock can hold, and the
    /// wallet opens it at once.
    AbsurdExpiry,
    /// Creates `r1` due for renewal in 1.5 s, takes 20 s over its
    /// replacement, and the wallet opens `r1` while it does. Counts creations.
    SlowRenewal(Arc<AtomicUsize>),
}

#[async_trait]
impl Provider for Service {
    async fn create_issuance(
        &self,
        _spec: &IssuanceSpec<'_>,
        _callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        let expires_at = match self {
            Service::PanicsOnCreate => panic!("a bug in a provider"),
            Service::SlowRenewal(creations) => {
                if creations.fetch_add(1, Ordering::SeqCst) > 0 {
                    tokio::time::sleep(Duration::from_secs(20)).await;
                    return Err(ProviderError::Unreachable {
                        url: "https://service.example".into(),
                        detail: "still thinking".into(),
                    });
                }
                // Renewed halfway through so short a lifetime: in 1.5 s.
                SystemTime::now() + Duration::from_secs(3)
            }
            Service::ForgesAnotherRequest => SystemTime::now() + Duration::from_secs(300),
            Service::AbsurdExpiry => SystemTime::UNIX_EPOCH + Duration::from_secs(i64::MAX as u64),
        };
        Ok(CreatedRequest {
            request_id: "r1".into(),
            url: "openid-vc://?request_uri=https://service.example/r1".into(),
            expires_at,
        })
    }

    async fn check_access(&self) -> Result<(), ProviderError> {
        Ok(())
    }

    fn follow(&self, _created: &CreatedRequest, events: EventSink) -> Option<EventFeed> {
        let (request_id, sequence) = match self {
            Service::PanicsOnCreate => return None,
            Service::ForgesAnotherRequest => ("r-forged", vec![FlowEvent::Retrieved, FlowEvent::Issued]),
            Service::AbsurdExpiry => ("r1", vec![FlowEvent::Retrieved]),
            Service::SlowRenewal(creations) => {
                let creations = Arc::clone(creations);
                return Some(EventFeed::spawn(async move {
                    while creations.load(Ordering::SeqCst) < 2 {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    events.send(SourcedEvent {
                        request_id: "r1".into(),
                        event: FlowEvent::Retrieved,
                        received_at: Instant::now(),
                    });
                }));
            }
        };
        Some(EventFeed::spawn(async move {
            for event in sequence {
                events.send(SourcedEvent {
                    request_id: request_id.to_owned(),
                    event,
                    received_at: Instant::now(),
                });
            }
        }))
    }
}

const CONFIG: &str = r#"
[services.desk]
kind = "entra"
sandbox = true
tenant = "t"
client_id = "c"
authority_host = "http://127.0.0.1:9"
api_base = "http://127.0.0.1:9"

[templates.badge]
service = "desk"
credential_type = "EventBadge"
manifest = "http://127.0.0.1:9/manifest"
authority = "did:web:issuer.example"
claims = [ { name = "given_name", required = true } ]
"#;

struct Setup {
    handle: flow::FlowHandle,
    history: Arc<History>,
    _data: tempfile::TempDir,
}

async fn start(service: Service) -> Setup {
    let config = StationConfig::from_toml(CONFIG, "test").unwrap();
    let Template::Issuance(template) = config.templates["badge"].clone() else {
        panic!("an issuance template")
    };
    let data = tempfile::tempdir().unwrap();
    let database = Database::open(data.path(), &MemoryStore::default()).unwrap();
    let history = Arc::new(History::open(&database).unwrap());
    let listener = CallbackListener::bind(&CallbackConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        public_url: None,
    })
    .await
    .unwrap();
    let handle = flow::spawn(FlowContext {
        runtime: tokio::runtime::Handle::current(),
        id: "flow-1".into(),
        request: FlowRequest::Issuance {
            template,
            claims: [("given_name".to_owned(), "Megan".to_owned())].into(),
            photo: None,
        },
        provider: Arc::new(service),
        listener: Arc::new(listener),
        history: Arc::clone(&history),
        timing: FlowTiming::default(),
        job: None,
    });
    Setup {
        handle,
        history,
        _data: data,
    }
}

async fn end_state(setup: &Setup) -> FlowState {
    tokio::time::timeout(Duration::from_secs(10), setup.handle.finished())
        .await
        .expect("the flow ends instead of hanging")
}

#[tokio::test]
async fn a_flow_task_that_panics_ends_failed_with_a_code() {
    let setup = start(Service::PanicsOnCreate).await;
    let FlowState::Failed(UiError { code, message }) = end_state(&setup).await else {
        panic!("a crashed flow fails")
    };
    assert_eq!(code, "flow.crashed");
    assert!(message.contains("Start a new request"), "{message}");
    setup.history.flush();
    let summary = setup.history.flow("flow-1").unwrap().unwrap();
    assert_eq!(summary.outcome.as_deref(), Some("failed"));
}

#[tokio::test]
async fn events_for_a_request_the_flow_did_not_create_change_nothing() {
    let setup = start(Service::ForgesAnotherRequest).await;
    let mut states = setup.handle.watch();
    states
        .wait_for(|s| matches!(s, FlowState::AwaitingScan { .. }))
        .await
        .unwrap();
    // Give the forged Retrieved and Issued time to arrive and be judged.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let state = setup.handle.state();
    assert_eq!(state.name(), "awaiting_scan", "{state:?}");
    assert!(state.pin().is_none());
    setup.history.flush();
    let timeline = setup.history.timeline("flow-1").unwrap();
    assert!(timeline.iter().all(|e| e.request_id == "r1"), "{timeline:?}");
}

#[tokio::test]
async fn an_expiry_the_clock_cannot_count_to_fails_instead_of_panicking() {
    let setup = start(Service::AbsurdExpiry).await;
    let FlowState::Failed(UiError { code, .. }) = end_state(&setup).await else {
        panic!("an absurd expiry fails the flow")
    };
    assert_eq!(code, "flow.time_out_of_range");
}

#[tokio::test]
async fn a_scan_during_a_slow_renewal_reveals_the_pin_without_waiting_for_it() {
    let creations = Arc::new(AtomicUsize::new(0));
    let setup = start(Service::SlowRenewal(Arc::clone(&creations))).await;
    let mut states = setup.handle.watch();
    let retrieved = tokio::time::timeout(
        Duration::from_secs(8),
        states.wait_for(|s| matches!(s, FlowState::Retrieved { .. })),
    )
    .await
    .expect("the wallet's scan shows at once, not after the service's 20 s renewal")
    .unwrap()
    .clone();
    assert_eq!(retrieved.shown_request().unwrap().request_id, "r1");
    assert_eq!(creations.load(Ordering::SeqCst), 2, "the renewal had started");
}
