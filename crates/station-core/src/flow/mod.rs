//! The one state machine behind every issuance and presentation:
//! created → QR shown → retrieved → issued/verified | failed | expired |
//! cancelled. It renews a request before it expires unopened, so a dead QR
//! code is never on screen, and it ignores events for requests it replaced.

mod screen;
mod state;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch;

use screen::{Attempt, Reaction, Screen};
pub use state::{FlowKind, FlowState, ShownRequest};

use crate::config::{FlowTiming, IssuanceTemplate, PresentationTemplate};
use crate::error::{UiError, SERVICE_CODE_PREFIX};
use crate::events::{
    event_channel, CallbackListener, EventFeed, EventSink, EventStream, FlowEvent, RouteGuard, SourcedEvent,
};
use crate::pin::Pin;
use crate::provider::phone_capture::RecipientPhoto;
use crate::provider::{Claims, IssuanceSpec, PresentationSpec, Provider};
use crate::store::{History, Record};

/// What a flow asks for.
pub enum FlowRequest {
    Issuance {
        template: IssuanceTemplate,
        claims: Claims,
        /// Held only until the flow ends; wiped when dropped.
        photo: Option<RecipientPhoto>,
    },
    Presentation {
        template: PresentationTemplate,
    },
}

impl FlowRequest {
    pub fn kind(&self) -> FlowKind {
        match self {
            FlowRequest::Issuance { .. } => FlowKind::Issuance,
            FlowRequest::Presentation { .. } => FlowKind::Presentation,
        }
    }

    /// Whether an unopened request can be replaced by a new one. A photo
    /// taken on the recipient's phone serves one request only (the service
    /// spends it), so that request runs to its expiry and a new one starts
    /// from a new photo.
    fn renewable(&self) -> bool {
        !matches!(
            self,
            FlowRequest::Issuance {
                photo: Some(RecipientPhoto::Phone(_)),
                ..
            }
        )
    }
}

/// Everything a running flow uses; shared parts are reference counted.
pub struct FlowContext {
    /// The runtime the engine started on; flows run there whichever thread
    /// (a UI thread, say) starts them.
    pub runtime: tokio::runtime::Handle,
    pub id: String,
    pub request: FlowRequest,
    pub provider: Arc<dyn Provider>,
    pub listener: Arc<CallbackListener>,
    pub history: Arc<History>,
    pub timing: FlowTiming,
    /// Set when the flow issues a queued job (its id is the job's): the
    /// job hears the end before any front end does, and a service that
    /// cannot be reached queues the job instead of failing it.
    pub job: Option<Arc<dyn JobOutcome>>,
}

/// Where a job's desk flow reports how it ended.
pub trait JobOutcome: Send + Sync {
    /// `request_created`: a request reached the service, so a wallet may
    /// have seen it.
    fn flow_ended(&self, job_id: &str, end: &FlowState, request_created: bool);
}

/// Failures that mean "try again later", not "this cannot be issued".
const QUEUEABLE_CODES: &[&str] = &["provider.unreachable", "provider.busy"];

/// A front end's grip on a running flow.
pub struct FlowHandle {
    id: String,
    kind: FlowKind,
    state: watch::Receiver<FlowState>,
    cancel: watch::Sender<bool>,
}

impl FlowHandle {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn kind(&self) -> FlowKind {
        self.kind
    }

    /// The state now.
    pub fn state(&self) -> FlowState {
        self.state.borrow().clone()
    }

    /// A receiver that wakes on every change (newest state wins).
    pub fn watch(&self) -> watch::Receiver<FlowState> {
        self.state.clone()
    }

    pub fn cancel(&self) {
        self.cancel.send_replace(true);
    }

    /// Waits for the end state.
    pub async fn finished(&self) -> FlowState {
        let mut state = self.state.clone();
        let end = match state.wait_for(FlowState::is_terminal).await {
            Ok(end) => end.clone(),
            Err(_) => self.state.borrow().clone(),
        };
        end
    }
}

impl Drop for FlowHandle {
    fn drop(&mut self) {
        // A front end that lets go of a flow no longer shows it.
        self.cancel.send_replace(true);
    }
}

/// Starts a flow on the runtime.
pub fn spawn(context: FlowContext) -> FlowHandle {
    let (state_tx, state_rx) = watch::channel(FlowState::Creating);
    let (cancel_tx, cancel_rx) = watch::channel(false);
    let id = context.id.clone();
    let kind = context.request.kind();
    let claims = match &context.request {
        FlowRequest::Issuance { claims, .. } => serde_json::to_string(claims).unwrap_or_default(),
        FlowRequest::Presentation { .. } => "{}".to_owned(),
    };
    let (template, service) = match &context.request {
        FlowRequest::Issuance { template, .. } => (template.name.clone(), template.service.clone()),
        FlowRequest::Presentation { template } => (template.name.clone(), template.service.clone()),
    };
    context.history.record(Record::FlowStarted {
        flow_id: id.clone(),
        kind: kind.name(),
        template,
        service,
        claims,
        at: SystemTime::now(),
    });
    let runtime = context.runtime.clone();
    let history = Arc::clone(&context.history);
    let job = context.job.clone();
    let state = Arc::new(state_tx);
    let task = runtime.spawn(Flow::new(context, Arc::clone(&state)).run(cancel_rx));
    runtime.spawn(supervise(id.clone(), history, job, state, task));
    FlowHandle {
        id,
        kind,
        state: state_rx,
        cancel: cancel_tx,
    }
}

struct Flow {
    context: FlowContext,
    state: Arc<watch::Sender<FlowState>>,
    sink: EventSink,
    events: EventStream,
    /// Routes of every request this flow created stay open until it ends,
    /// so late callbacks for replaced requests arrive here and are judged
    /// (ignored, or a switch back) by the flow rather than refused.
    routes: Vec<RouteGuard>,
    /// The same for the providers' own event sources.
    feeds: Vec<EventFeed>,
}

enum Creation {
    Created(Attempt),
    Failed(UiError),
    Cancelled,
    /// The wallet used the request on screen while its replacement was
    /// being made: the replacement is dropped unfinished, so a slow service
    /// cannot hold back the PIN.
    Superseded,
}

enum Step {
    Event(SourcedEvent),
    Renew,
    Deadline,
    Cancelled,
}

impl Flow {
    fn new(context: FlowContext, state: Arc<watch::Sender<FlowState>>) -> Flow {
        let (sink, events) = event_channel();
        Flow {
            context,
            state,
            sink,
            events,
            routes: Vec::new(),
            feeds: Vec::new(),
        }
    }

    async fn run(mut self, mut cancel: watch::Receiver<bool>) {
        let timing = self.context.timing;
        let mut pending: VecDeque<SourcedEvent> = VecDeque::new();
        let mut screen = match self.create(&mut cancel, None, &mut pending).await {
            Creation::Created(first) => Screen::new(first, self.context.request.renewable(), &timing),
            Creation::Failed(error)
                if self.context.job.is_some() && QUEUEABLE_CODES.contains(&error.code.as_str()) =>
            {
                let job_id = self.context.id.clone();
                return self.finish(FlowState::Queued {
                    job_id,
                    reason: error,
                });
            }
            Creation::Failed(error) => return self.finish(FlowState::Failed(error)),
            // Only a renewal can be superseded (no `screen` is given here),
            // so this arm is for the match alone.
            Creation::Cancelled | Creation::Superseded => return self.finish(FlowState::Cancelled),
        };
        self.publish(screen.view(false));
        loop {
            let Some(deadline) = screen.deadline(&timing) else {
                return self.finish(FlowState::Failed(UiError {
                    code: "flow.time_out_of_range".into(),
                    message: "The service gave this request an expiry the station cannot count down to. Start a new request; if it happens again, check the service's clock and settings.".into(),
                }));
            };
            let step = match pending.pop_front() {
                Some(event) => Step::Event(event),
                None => {
                    let renew_at = screen.renewal_due(&timing);
                    tokio::select! {
                        biased;
                        _ = cancel.changed() => Step::Cancelled,
                        Some(event) = self.events.recv() => Step::Event(event),
                        _ = sleep_until(renew_at.unwrap_or(deadline)), if renew_at.is_some() => Step::Renew,
                        _ = sleep_until(deadline) => Step::Deadline,
                    }
                }
            };
            match step {
                Step::Cancelled => return self.finish(FlowState::Cancelled),
                Step::Deadline => return self.finish(screen.at_deadline()),
                Step::Renew => {
                    self.publish(screen.view(true));
                    match self.create(&mut cancel, Some(&screen), &mut pending).await {
                        Creation::Cancelled => return self.finish(FlowState::Cancelled),
                        Creation::Superseded => {
                            tracing::info!(flow_id = %self.context.id, "an event for the request on screen arrived while it was being renewed; the renewal is dropped");
                        }
                        Creation::Created(replacement) => {
                            pending.extend(std::iter::from_fn(|| self.events.try_recv().ok()));
                            // The wallet may have opened the old request while
                            // the new one was being made: then the old one stays.
                            if screen.opened_meanwhile(pending.iter()) {
                                screen.keep_current(&replacement);
                            } else {
                                screen.replace(replacement, SystemTime::now(), &timing);
                                tracing::info!(flow_id = %self.context.id, "request renewed before expiry");
                            }
                        }
                        Creation::Failed(error) => {
                            tracing::warn!(flow_id = %self.context.id, code = %error.code, "renewal failed, will retry");
                            screen.renewal_failed(error, SystemTime::now());
                        }
                    }
                    self.publish(screen.view(false));
                }
                Step::Event(event) => match screen.react(&event, SystemTime::now(), &timing) {
                    Reaction::Foreign => {
                        tracing::warn!(flow_id = %self.context.id, "dropped an event for a request this flow did not create");
                    }
                    Reaction::Ignored => {
                        self.record_event(&event, true);
                        tracing::info!(flow_id = %self.context.id, event = event.event.name(), "ignored an event for a replaced request");
                    }
                    Reaction::Unchanged => self.record_event(&event, false),
                    Reaction::Changed => {
                        self.record_event(&event, false);
                        self.publish(screen.view(false));
                    }
                    Reaction::End(end) => {
                        self.record_event(&event, false);
                        return self.finish(end);
                    }
                },
            }
        }
    }

    /// Creates a request (with a fresh PIN), unless the flow is cancelled
    /// first: a cancelled flow must not keep creating requests while the
    /// service retries. Events that arrive meanwhile wait in `pending`; one
    /// showing that the wallet used the request on `screen` (the one being
    /// replaced) ends the creation at once.
    async fn create(
        &mut self,
        cancel: &mut watch::Receiver<bool>,
        screen: Option<&Screen>,
        pending: &mut VecDeque<SourcedEvent>,
    ) -> Creation {
        let (ticket, route) = self.context.listener.register(self.sink.clone());
        let started = Instant::now();
        let created_at = SystemTime::now();
        let pin = match &self.context.request {
            FlowRequest::Issuance { template, .. } => {
                match template.pin_length.map(Pin::generate).transpose() {
                    Ok(pin) => pin,
                    Err(error) => return Creation::Failed(UiError::from(&error)),
                }
            }
            FlowRequest::Presentation { .. } => None,
        };
        let provider = Arc::clone(&self.context.provider);
        let context = &self.context;
        // The request borrows the PIN; it is over before the PIN moves on.
        let created = {
            let request = async {
                match &context.request {
                    FlowRequest::Issuance {
                        template,
                        claims,
                        photo,
                    } => {
                        let spec = IssuanceSpec {
                            template,
                            claims,
                            pin: pin.as_ref(),
                            photo: photo.as_ref(),
                        };
                        provider.create_issuance(&spec, &ticket).await
                    }
                    FlowRequest::Presentation { template } => {
                        provider
                            .create_presentation(&PresentationSpec { template }, &ticket)
                            .await
                    }
                }
            };
            tokio::pin!(request);
            loop {
                tokio::select! {
                    biased;
                    _ = cancel.changed() => return Creation::Cancelled,
                    Some(event) = self.events.recv() => {
                        let used = screen.is_some_and(|screen| screen.opened_meanwhile(std::iter::once(&event)));
                        pending.push_back(event);
                        if used {
                            return Creation::Superseded;
                        }
                    }
                    created = &mut request => break created,
                }
            }
        };
        let created = match created {
            Ok(created) => created,
            Err(error) => return Creation::Failed(UiError::from(&error)),
        };
        // Only a request that exists gets a route; a failed attempt's closes now.
        route.bind_request(&created.request_id);
        self.routes.push(route);
        self.feeds
            .extend(self.context.provider.follow(&created, self.sink.clone()));
        let service_latency = started.elapsed();
        self.context.history.record(Record::RequestCreated {
            flow_id: self.context.id.clone(),
            request_id: created.request_id.clone(),
            url: created.url.clone(),
            at: created_at,
            expires_at: created.expires_at,
        });
        Creation::Created(Attempt {
            shown: ShownRequest {
                request_id: created.request_id,
                url: created.url,
                expires_at: created.expires_at,
                service_latency,
            },
            pin,
            created_at,
            reconnecting: false,
        })
    }

    fn publish(&self, state: FlowState) {
        tracing::debug!(flow_id = %self.context.id, state = state.name(), "flow state");
        self.state.send_replace(state);
    }

    fn record_event(&self, event: &SourcedEvent, ignored: bool) {
        let (code, message) = match &event.event {
            // The service's own message is kept for diagnosis; the code is
            // namespaced as everywhere a front end sees it.
            FlowEvent::Failed { code, message } => (
                Some(format!("{SERVICE_CODE_PREFIX}{code}")),
                Some(message.clone()),
            ),
            _ => (None, None),
        };
        self.context.history.record(Record::Event {
            flow_id: self.context.id.clone(),
            request_id: event.request_id.clone(),
            event: event.event.name(),
            code,
            message,
            ignored,
            at: SystemTime::now(),
        });
    }

    fn finish(self, end: FlowState) {
        record_end(&self.context.history, &self.context.id, &end);
        if let Some(job) = &self.context.job {
            job.flow_ended(&self.context.id, &end, !self.routes.is_empty());
        }
        self.publish(end);
    }
}

fn record_end(history: &History, flow_id: &str, end: &FlowState) {
    let (code, message) = match end {
        FlowState::Failed(error) => (Some(error.code.clone()), Some(error.message.clone())),
        _ => (None, None),
    };
    history.record(Record::FlowEnded {
        flow_id: flow_id.to_owned(),
        outcome: end.name(),
        code,
        message,
        at: SystemTime::now(),
    });
    tracing::info!(%flow_id, outcome = end.name(), "flow ended");
}

/// Waits for a flow's task, and if it panicked or stopped without an end
/// state, publishes `Failed` with a code: a window must never wait on
/// "Creating…" or a PIN for a flow that is gone.
async fn supervise(
    flow_id: String,
    history: Arc<History>,
    job: Option<Arc<dyn JobOutcome>>,
    state: Arc<watch::Sender<FlowState>>,
    task: tokio::task::JoinHandle<()>,
) {
    let outcome = task.await;
    if state.borrow().is_terminal() {
        return;
    }
    let (code, message) = match outcome {
        Err(error) if error.is_panic() => (
            "flow.crashed",
            "The station hit an internal error while following this request. Start a new request; if it happens again, send the station's log to support.",
        ),
        _ => (
            "flow.stopped",
            "The station stopped following this request before it ended. Start a new request.",
        ),
    };
    tracing::error!(%flow_id, code, "flow task ended without an outcome");
    let end = FlowState::Failed(UiError {
        code: code.into(),
        message: message.into(),
    });
    record_end(&history, &flow_id, &end);
    if let Some(job) = job {
        // Whether a request went out is unknown here: say it may have.
        job.flow_ended(&flow_id, &end, true);
    }
    state.send_replace(end);
}

async fn sleep_until(at: SystemTime) {
    let wait = at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
    tokio::time::sleep(wait).await;
}
