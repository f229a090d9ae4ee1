//! The one state machine behind every issuance and presentation:
//! created → QR shown → retrieved → issued/verified | failed | expired |
//! cancelled. It renews a request before it expires unopened, so a dead QR
//! code is never on screen, and it ignores events for requests it replaced.

mod state;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::watch;

pub use state::{FlowKind, FlowState, ShownRequest};

use crate::config::{FlowTiming, IssuanceTemplate, PresentationTemplate};
use crate::error::UiError;
use crate::events::{
    event_channel, CallbackListener, EventFeed, EventSink, EventStream, FlowEvent, RouteGuard, SourcedEvent,
};
use crate::pin::Pin;
use crate::provider::phone_capture::RecipientPhoto;
use crate::provider::{Claims, IssuanceSpec, PresentationSpec, Provider};
use crate::store::{History, Record};

/// How long to wait before trying a failed renewal again.
const RENEWAL_RETRY: Duration = Duration::from_secs(5);

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
}

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
    runtime.spawn(Flow::new(context, state_tx).run(cancel_rx));
    FlowHandle {
        id,
        kind,
        state: state_rx,
        cancel: cancel_tx,
    }
}

/// One created request and the PIN that goes with it.
struct Attempt {
    shown: ShownRequest,
    pin: Option<Pin>,
    created_at: SystemTime,
}

struct Flow {
    context: FlowContext,
    state: watch::Sender<FlowState>,
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
}

enum Step {
    Event(SourcedEvent),
    Renew,
    Deadline,
    Cancelled,
}

impl Flow {
    fn new(context: FlowContext, state: watch::Sender<FlowState>) -> Flow {
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
        let mut current = match self.create(&mut cancel).await {
            Creation::Created(attempt) => attempt,
            Creation::Failed(error) => return self.finish(failed(error)),
            Creation::Cancelled => return self.finish(FlowState::Cancelled),
        };
        // The request just replaced, and when: a wallet that scanned it
        // moments before the switch still gets its PIN.
        let mut replaced: Option<(Attempt, SystemTime)> = None;
        let mut renewals = 0;
        let mut retrieved = false;
        let mut next_renewal = self
            .context
            .request
            .renewable()
            .then(|| self.renewal_time(&current));
        let mut renewal_error: Option<UiError> = None;
        let mut pending: VecDeque<SourcedEvent> = VecDeque::new();
        self.publish(FlowState::AwaitingScan {
            request: current.shown.clone(),
            renewing: false,
            renewals,
        });
        loop {
            let deadline = if retrieved {
                current.shown.expires_at + self.context.timing.retrieved_grace
            } else {
                current.shown.expires_at
            };
            let step = match pending.pop_front() {
                Some(event) => Step::Event(event),
                None => {
                    let renew_at =
                        next_renewal.filter(|_| !retrieved && renewals < self.context.timing.max_renewals);
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
                Step::Deadline => {
                    return self.finish(match renewal_error {
                        Some(error) => FlowState::Failed {
                            code: error.code,
                            message: error.message,
                        },
                        None => FlowState::Expired,
                    })
                }
                Step::Renew => {
                    self.publish(FlowState::AwaitingScan {
                        request: current.shown.clone(),
                        renewing: true,
                        renewals,
                    });
                    match self.create(&mut cancel).await {
                        Creation::Cancelled => return self.finish(FlowState::Cancelled),
                        Creation::Created(replacement) => {
                            renewal_error = None;
                            pending.extend(std::iter::from_fn(|| self.events.try_recv().ok()));
                            // The wallet may have opened the old request while
                            // the new one was being made: then the old one stays.
                            let old_was_opened =
                                pending.iter().any(|e| e.request_id == current.shown.request_id);
                            if !old_was_opened {
                                renewals += 1;
                                next_renewal = Some(self.renewal_time(&replacement));
                                let old = std::mem::replace(&mut current, replacement);
                                replaced = Some((old, SystemTime::now()));
                                tracing::info!(flow_id = %self.context.id, renewals, "request renewed before expiry");
                            }
                        }
                        Creation::Failed(error) => {
                            tracing::warn!(flow_id = %self.context.id, code = %error.code, "renewal failed, will retry");
                            renewal_error = Some(error);
                            next_renewal = Some(SystemTime::now() + RENEWAL_RETRY);
                        }
                    }
                    self.publish(FlowState::AwaitingScan {
                        request: current.shown.clone(),
                        renewing: false,
                        renewals,
                    });
                }
                Step::Event(event) => {
                    if self.scanned_just_before_renewal(&event, replaced.as_ref()) {
                        if let Some((old, _)) = replaced.take() {
                            tracing::info!(flow_id = %self.context.id, "the replaced request was opened just before the switch: back to it");
                            current = old;
                        }
                    }
                    let ignored = event.request_id != current.shown.request_id;
                    // Only this flow's requests route here. A replaced one
                    // that was issued anyway (a wallet kept the old code)
                    // did give the recipient a credential: the flow says so
                    // instead of expiring and inviting a second one.
                    if ignored && event.event == FlowEvent::Issued {
                        self.record_event(&event, false);
                        return self.finish(FlowState::Issued {
                            request_id: event.request_id,
                        });
                    }
                    self.record_event(&event, ignored);
                    if ignored {
                        tracing::info!(flow_id = %self.context.id, event = event.event.name(), "ignored an event for a replaced request");
                        continue;
                    }
                    match event.event {
                        FlowEvent::Retrieved => {
                            if !retrieved {
                                retrieved = true;
                                self.publish(FlowState::Retrieved {
                                    request: current.shown.clone(),
                                    pin: current.pin.clone(),
                                });
                            }
                        }
                        FlowEvent::Issued => {
                            return self.finish(FlowState::Issued {
                                request_id: current.shown.request_id.clone(),
                            })
                        }
                        FlowEvent::Verified(presentation) => {
                            return self.finish(FlowState::Verified {
                                request_id: current.shown.request_id.clone(),
                                presentation,
                            })
                        }
                        FlowEvent::Failed { code, message } => {
                            return self.finish(FlowState::Failed { code, message })
                        }
                        FlowEvent::Expired => return self.finish(FlowState::Expired),
                    }
                }
            }
        }
    }

    /// A `Retrieved` for the request replaced moments ago (the callback was
    /// on its way during the switch) while that request is still valid.
    fn scanned_just_before_renewal(
        &self,
        event: &SourcedEvent,
        replaced: Option<&(Attempt, SystemTime)>,
    ) -> bool {
        let Some((old, switched_at)) = replaced else {
            return false;
        };
        let now = SystemTime::now();
        event.event == FlowEvent::Retrieved
            && event.request_id == old.shown.request_id
            && now < old.shown.expires_at
            && now.duration_since(*switched_at).unwrap_or_default() <= self.context.timing.switch_back
    }

    /// When to replace `attempt`: `renew_before` ahead of its expiry, or at
    /// half its life for short-lived requests.
    fn renewal_time(&self, attempt: &Attempt) -> SystemTime {
        let lifetime = attempt
            .shown
            .expires_at
            .duration_since(attempt.created_at)
            .unwrap_or(Duration::ZERO);
        let lead = self.context.timing.renew_before.min(lifetime / 2);
        attempt.shown.expires_at - lead
    }

    /// Creates a request (with a fresh PIN), unless the flow is cancelled
    /// first: a cancelled flow must not keep creating requests while the
    /// service retries.
    async fn create(&mut self, cancel: &mut watch::Receiver<bool>) -> Creation {
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
        let request = async {
            match &self.context.request {
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
        let created = tokio::select! {
            biased;
            _ = cancel.changed() => return Creation::Cancelled,
            created = request => created,
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
        })
    }

    fn publish(&self, state: FlowState) {
        tracing::debug!(flow_id = %self.context.id, state = state.name(), "flow state");
        self.state.send_replace(state);
    }

    fn record_event(&self, event: &SourcedEvent, ignored: bool) {
        let (code, message) = match &event.event {
            FlowEvent::Failed { code, message } => (Some(code.clone()), Some(message.clone())),
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
        let (code, message) = match &end {
            FlowState::Failed { code, message } => (Some(code.clone()), Some(message.clone())),
            _ => (None, None),
        };
        self.context.history.record(Record::FlowEnded {
            flow_id: self.context.id.clone(),
            outcome: end.name(),
            code,
            message,
            at: SystemTime::now(),
        });
        tracing::info!(flow_id = %self.context.id, outcome = end.name(), "flow ended");
        self.publish(end);
    }
}

fn failed(error: UiError) -> FlowState {
    FlowState::Failed {
        code: error.code,
        message: error.message,
    }
}

async fn sleep_until(at: SystemTime) {
    let wait = at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
    tokio::time::sleep(wait).await;
}
