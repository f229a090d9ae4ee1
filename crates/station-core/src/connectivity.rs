//! Which services answer right now, learnt from every call the station
//! makes anyway: each adapter is wrapped ([`Observed`]) so that a connect
//! or DNS failure or a timeout marks its service unreachable, and any
//! answer at all, even a refusal, marks it reachable. The window's offline
//! banner follows this; nothing probes on its own account except the
//! queue's drain, whose probes are calls like any other.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use serde::Serialize;
use tokio::sync::watch;

use crate::config::IssuanceTemplate;
use crate::events::{EventFeed, EventSink};
use crate::provider::phone_capture::{PhoneCapture, PhoneCaptureStatus};
use crate::provider::{
    CallbackTicket, Claims, CreatedRequest, IssuanceSpec, PresentationSpec, Provider, ProviderError,
    RemoteCreation, RemoteIssuance, RemoteIssuanceSpec, RemoteStatus,
};
use crate::store::millis;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum Reachability {
    /// Not called since the station started.
    Unknown,
    Reachable,
    Unreachable {
        detail: String,
        since_ms: i64,
    },
}

/// Every configured service's reachability, by service name.
pub struct Connectivity {
    services: watch::Sender<BTreeMap<String, Reachability>>,
}

impl Connectivity {
    pub fn new<'a>(services: impl IntoIterator<Item = &'a String>) -> Connectivity {
        let known = services
            .into_iter()
            .map(|name| (name.clone(), Reachability::Unknown))
            .collect();
        Connectivity {
            services: watch::channel(known).0,
        }
    }

    /// Learns from the outcome of a call to `service`.
    pub fn observe<T>(&self, service: &str, outcome: &Result<T, ProviderError>) {
        let seen = match outcome {
            Err(ProviderError::Unreachable { detail, .. }) => Reachability::Unreachable {
                detail: detail.clone(),
                since_ms: millis(SystemTime::now()),
            },
            // No network was involved: nothing learnt.
            Err(ProviderError::Secret(_) | ProviderError::Unsupported { .. }) => return,
            Ok(_) | Err(_) => Reachability::Reachable,
        };
        self.services.send_if_modified(|services| {
            let entry = services
                .entry(service.to_owned())
                .or_insert(Reachability::Unknown);
            let changed = match (&*entry, &seen) {
                // Still down: keep when it went down.
                (Reachability::Unreachable { .. }, Reachability::Unreachable { .. }) => false,
                (now, seen) => now != seen,
            };
            if changed {
                *entry = seen;
            }
            changed
        });
    }

    pub fn snapshot(&self) -> BTreeMap<String, Reachability> {
        self.services.borrow().clone()
    }

    /// Wakes on every change.
    pub fn watch(&self) -> watch::Receiver<BTreeMap<String, Reachability>> {
        self.services.subscribe()
    }

    /// The services that cannot be reached now, with why.
    pub fn unreachable(&self) -> Vec<(String, String)> {
        self.services
            .borrow()
            .iter()
            .filter_map(|(name, state)| match state {
                Reachability::Unreachable { detail, .. } => Some((name.clone(), detail.clone())),
                _ => None,
            })
            .collect()
    }
}

/// An adapter whose every call also tells [`Connectivity`] how it went.
pub struct Observed {
    inner: Arc<dyn Provider>,
    service: String,
    connectivity: Arc<Connectivity>,
}

impl Observed {
    pub fn wrap(
        inner: Arc<dyn Provider>,
        service: &str,
        connectivity: Arc<Connectivity>,
    ) -> Arc<dyn Provider> {
        Arc::new(Observed {
            inner,
            service: service.to_owned(),
            connectivity,
        })
    }

    fn seen<T>(&self, outcome: Result<T, ProviderError>) -> Result<T, ProviderError> {
        self.connectivity.observe(&self.service, &outcome);
        outcome
    }
}

#[async_trait]
impl Provider for Observed {
    async fn create_issuance(
        &self,
        spec: &IssuanceSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        self.seen(self.inner.create_issuance(spec, callback).await)
    }

    async fn create_presentation(
        &self,
        spec: &PresentationSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        self.seen(self.inner.create_presentation(spec, callback).await)
    }

    async fn check_access(&self) -> Result<(), ProviderError> {
        self.seen(self.inner.check_access().await)
    }

    fn follow(&self, created: &CreatedRequest, events: EventSink) -> Option<EventFeed> {
        self.inner.follow(created, events)
    }

    async fn create_remote_issuance(
        &self,
        spec: &RemoteIssuanceSpec<'_>,
    ) -> Result<RemoteIssuance, ProviderError> {
        self.seen(self.inner.create_remote_issuance(spec).await)
    }

    async fn remote_issuance_status(&self, id: &str) -> Result<RemoteStatus, ProviderError> {
        self.seen(self.inner.remote_issuance_status(id).await)
    }

    fn issues_remotely(&self) -> bool {
        self.inner.issues_remotely()
    }

    async fn create_remote_issuances(
        &self,
        specs: &[RemoteIssuanceSpec<'_>],
    ) -> Result<Vec<RemoteCreation>, ProviderError> {
        self.seen(self.inner.create_remote_issuances(specs).await)
    }

    async fn find_remote_issuance(
        &self,
        template: &IssuanceTemplate,
        correlation: &str,
        created_from: SystemTime,
        created_to: SystemTime,
    ) -> Result<Option<RemoteIssuance>, ProviderError> {
        self.seen(
            self.inner
                .find_remote_issuance(template, correlation, created_from, created_to)
                .await,
        )
    }

    fn takes_phone_photos(&self) -> bool {
        self.inner.takes_phone_photos()
    }

    async fn create_phone_capture(
        &self,
        template: &IssuanceTemplate,
        claims: &Claims,
    ) -> Result<PhoneCapture, ProviderError> {
        self.seen(self.inner.create_phone_capture(template, claims).await)
    }

    async fn phone_capture_status(
        &self,
        capture: &PhoneCapture,
    ) -> Result<PhoneCaptureStatus, ProviderError> {
        self.seen(self.inner.phone_capture_status(capture).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable() -> Result<(), ProviderError> {
        Err(ProviderError::Unreachable {
            url: "https://service.example".into(),
            detail: "connection refused".into(),
        })
    }

    #[test]
    fn a_refusal_is_an_answer_and_a_failed_connection_is_not() {
        let names = ["desk".to_owned()];
        let connectivity = Connectivity::new(&names);
        assert_eq!(connectivity.snapshot()["desk"], Reachability::Unknown);
        connectivity.observe("desk", &unreachable());
        assert_eq!(
            connectivity.unreachable(),
            [("desk".to_owned(), "connection refused".to_owned())]
        );
        let refused: Result<(), ProviderError> = Err(ProviderError::Rejected {
            status: 400,
            code: "badRequest".into(),
            message: "no".into(),
            inner_code: None,
            target: None,
        });
        connectivity.observe("desk", &refused);
        assert_eq!(connectivity.snapshot()["desk"], Reachability::Reachable);
    }

    #[test]
    fn staying_down_keeps_when_it_went_down_and_wakes_no_one() {
        let names = ["desk".to_owned()];
        let connectivity = Connectivity::new(&names);
        connectivity.observe("desk", &unreachable());
        let first = connectivity.snapshot();
        let mut watcher = connectivity.watch();
        watcher.mark_unchanged();
        connectivity.observe("desk", &unreachable());
        assert!(!watcher.has_changed().unwrap());
        assert_eq!(connectivity.snapshot(), first);
        connectivity.observe("desk", &Ok::<(), ProviderError>(()));
        assert!(watcher.has_changed().unwrap());
    }

    #[test]
    fn a_missing_secret_says_nothing_about_the_network() {
        let names = ["desk".to_owned()];
        let connectivity = Connectivity::new(&names);
        connectivity.observe("desk", &unreachable());
        let missing: Result<(), ProviderError> = Err(ProviderError::Unsupported { what: "x".into() });
        connectivity.observe("desk", &missing);
        assert_eq!(connectivity.unreachable().len(), 1);
    }
}
