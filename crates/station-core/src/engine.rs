//! The engine's front door: one object that front ends create at start-up
//! and call to issue, verify, check the setup and read history. It opens
//! the outbox of queued issuances and runs its drain for as long as it runs.

mod claims;
mod desk;
mod remote;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::attendant::{self, AttendantError, AttendantStats};
use crate::config::{ConfigError, IssuanceTemplate, ServiceKind, StationConfig, Template};
use crate::connectivity::{Connectivity, Observed};
use crate::error::{ErrorCode, UiError};
use crate::events::{CallbackListener, ListenerError};
use crate::flow::{self, FlowContext, FlowHandle, FlowRequest};
use crate::provider::entra::EntraProvider;
use crate::provider::oid4vci::Oid4vciProvider;
use crate::provider::orchestration::OrchestrationProvider;
use crate::provider::phone_capture::{self, PhoneCapture, PhoneCaptureProgress};
use crate::provider::retry::RetryPolicy;
use crate::provider::{Claims, InvalidContact, Provider, ProviderError};
use crate::queue::{spawn_drain, DrainConfig, DrainHandle, DrainServices, Queue, QueueError, QueueEvent};
use crate::roster::Roster;
use crate::secrets::SecretStore;
use crate::store::{Database, History, StoreError};

pub use crate::queue::REMOTE_ISSUANCE_KIND;
use claims::describe_claim_problems;
pub use claims::{validate_claims, ClaimProblem};
pub use desk::Recipient;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Listener(#[from] ListenerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Contact(#[from] InvalidContact),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Attendant(#[from] AttendantError),
    #[error("there is no template '{name}'; choose one of: {known}")]
    UnknownTemplate { name: String, known: String },
    #[error("template '{name}' is for {actual}, not {wanted}")]
    WrongTemplateKind {
        name: String,
        actual: &'static str,
        wanted: &'static str,
    },
    #[error("the recipient's details need attention: {}", describe_claim_problems(.0))]
    Claims(Vec<ClaimProblem>),
    #[error("template '{template}' needs the recipient's photo: take one with the camera first")]
    PhotoRequired { template: String },
    #[error("template '{template}' has no photo claim, so it takes no photo; add photo_claim to the template if the credential carries one")]
    PhotoNotUsed { template: String },
    #[error("the phone photo was taken for template '{captured_for}', not '{template}'; ask the recipient for a new one")]
    PhoneCaptureOtherTemplate { template: String, captured_for: String },
    #[error("the recipient's details changed after their phone photo was taken, and the service keeps the photo with the details it was taken for; ask the recipient for a new photo")]
    PhoneCaptureOtherRecipient,
}

impl ErrorCode for EngineError {
    fn code(&self) -> &'static str {
        match self {
            EngineError::Config(e) => e.code(),
            EngineError::Listener(e) => e.code(),
            EngineError::Store(e) => e.code(),
            EngineError::Provider(e) => e.code(),
            EngineError::Contact(e) => e.code(),
            EngineError::Queue(e) => e.code(),
            EngineError::Attendant(e) => e.code(),
            EngineError::UnknownTemplate { .. } => "engine.unknown_template",
            EngineError::WrongTemplateKind { .. } => "engine.wrong_template_kind",
            EngineError::Claims(_) => "engine.invalid_claims",
            EngineError::PhotoRequired { .. } => "engine.photo_required",
            EngineError::PhotoNotUsed { .. } => "engine.photo_not_used",
            EngineError::PhoneCaptureOtherTemplate { .. } => "engine.phone_capture_other_template",
            EngineError::PhoneCaptureOtherRecipient => "engine.phone_capture_other_recipient",
        }
    }
}

impl Serialize for EngineError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        UiError::from(self).serialize(serializer)
    }
}

pub struct Engine {
    config: Arc<StationConfig>,
    providers: BTreeMap<String, Arc<dyn Provider>>,
    listener: Arc<CallbackListener>,
    history: Arc<History>,
    database: Database,
    roster: Roster,
    queue: Queue,
    drain: std::sync::Mutex<Option<DrainHandle>>,
    connectivity: Arc<Connectivity>,
    runtime: tokio::runtime::Handle,
}

impl Engine {
    /// Binds the callback listener, opens the history and the queue in
    /// `data_dir`, prepares one adapter per configured service and starts
    /// the queue's drain (which first settles what a crash left half-way).
    /// Secrets are looked up only when a service is first used.
    pub async fn start(
        config: StationConfig,
        secrets: Arc<dyn SecretStore>,
        data_dir: &Path,
    ) -> Result<Engine, EngineError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("issuance-station/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::Protocol {
                detail: format!("HTTP client: {e}"),
            })?;
        let connectivity = Arc::new(Connectivity::new(config.services.keys()));
        let mut providers: BTreeMap<String, Arc<dyn Provider>> = BTreeMap::new();
        for (name, service) in &config.services {
            let provider: Arc<dyn Provider> = match &service.kind {
                ServiceKind::Entra(entra) => Arc::new(EntraProvider::new(
                    name,
                    entra.clone(),
                    http.clone(),
                    Arc::clone(&secrets),
                    RetryPolicy::default(),
                )?),
                ServiceKind::Oid4vci(issuer) => Arc::new(Oid4vciProvider::new(
                    name,
                    issuer.clone(),
                    http.clone(),
                    Arc::clone(&secrets),
                )),
                ServiceKind::Orchestration(vo) => Arc::new(OrchestrationProvider::new(
                    name,
                    vo.clone(),
                    http.clone(),
                    Arc::clone(&secrets),
                )),
            };
            providers.insert(
                name.clone(),
                Observed::wrap(provider, name, Arc::clone(&connectivity)),
            );
        }
        // The history first: a failure after binding would leave the port
        // held until the aborted listener task is dropped, and a station
        // started again at once (Settings rolling back) could not bind it.
        let database = Database::open(data_dir, secrets.as_ref())?;
        let history = History::open(&database)?;
        let drain_config = DrainConfig::from(&config.queue);
        let queue = Queue::open(&database, drain_config.retry)?;
        let listener = CallbackListener::bind(&config.callback).await?;
        let drain = spawn_drain(
            queue.clone(),
            DrainServices::new(providers.clone(), &config),
            drain_config,
        );
        Ok(Engine {
            config: Arc::new(config),
            providers,
            listener: Arc::new(listener),
            history: Arc::new(history),
            roster: Roster::new(database.clone()),
            database,
            queue,
            drain: std::sync::Mutex::new(Some(drain)),
            connectivity,
            runtime: tokio::runtime::Handle::current(),
        })
    }

    /// The people expected, imported from CSV and searched at the desk.
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// Which services answer right now (every call to one tells).
    pub fn connectivity(&self) -> &Connectivity {
        &self.connectivity
    }

    /// The outbox of queued issuances.
    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// The queue's changes from now on: "ready: call Megan Bowen", and
    /// "read the list again".
    pub fn queue_events(&self) -> tokio::sync::broadcast::Receiver<QueueEvent> {
        self.queue.subscribe()
    }

    /// How the last hours went and what the queue holds, as of `now`, for
    /// the attendant's screen. Blocks on the database.
    pub fn attendant_stats(&self, now: std::time::SystemTime) -> Result<AttendantStats, EngineError> {
        let queue = self.queue.counts()?;
        Ok(attendant::read(&self.database, queue, now)?)
    }

    pub fn config(&self) -> &StationConfig {
        &self.config
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    /// The encrypted database behind the history, roster and queue.
    pub fn database(&self) -> &Database {
        &self.database
    }

    pub fn listener(&self) -> &CallbackListener {
        &self.listener
    }

    /// Stops taking callbacks and frees the callback port at once, so a
    /// station replacing this one can bind it; flows still running on this
    /// engine hear no more callbacks. The queue's drain stops too (and
    /// lets go of the drain lock), after the calls in flight.
    pub async fn shutdown(&self) {
        self.listener.shutdown().await;
        // The replacement's drain needs the drain lock; calls in flight
        // finish first.
        let drain = self.drain.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(drain) = drain {
            drain.stop().await;
        }
    }

    pub fn provider(&self, service: &str) -> Option<&Arc<dyn Provider>> {
        self.providers.get(service)
    }

    fn template(&self, name: &str) -> Result<&Template, EngineError> {
        self.config
            .template(name)
            .ok_or_else(|| EngineError::UnknownTemplate {
                name: name.to_owned(),
                known: self
                    .config
                    .templates
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    fn adapter(&self, service: &str) -> Result<Arc<dyn Provider>, EngineError> {
        let provider = self
            .providers
            .get(service)
            .cloned()
            .ok_or_else(|| ConfigError::Invalid {
                path: "configuration".into(),
                field: "service".into(),
                problem: format!("'{service}' has no adapter"),
                fix: "configure the service under [services]".into(),
            })?;
        Ok(provider)
    }

    fn start_flow(&self, service: &str, request: FlowRequest) -> Result<FlowHandle, EngineError> {
        let provider = self.adapter(service)?;
        Ok(flow::spawn(FlowContext {
            runtime: self.runtime.clone(),
            id: uuid::Uuid::new_v4().to_string(),
            request,
            provider,
            listener: Arc::clone(&self.listener),
            history: Arc::clone(&self.history),
            timing: self.config.flow,
            job: None,
        }))
    }

    fn issuance_template(&self, name: &str) -> Result<&IssuanceTemplate, EngineError> {
        let Template::Issuance(template) = self.template(name)? else {
            return Err(EngineError::WrongTemplateKind {
                name: name.to_owned(),
                actual: "verification",
                wanted: "issuance",
            });
        };
        Ok(template)
    }

    /// The issuance template `name` and the recipient's claims checked
    /// against it, with a photo exactly when it has a photo claim: what an
    /// issuance at the desk and a remote one must both pass.
    fn checked_issuance(
        &self,
        name: &str,
        claims: &Claims,
        with_photo: bool,
    ) -> Result<(&IssuanceTemplate, Claims), EngineError> {
        let template = self.issuance_template(name)?;
        let claims = validate_claims(template, claims).map_err(EngineError::Claims)?;
        match (&template.photo_claim, with_photo) {
            (Some(_), false) => Err(EngineError::PhotoRequired {
                template: template.name.clone(),
            }),
            (None, true) => Err(EngineError::PhotoNotUsed {
                template: template.name.clone(),
            }),
            _ => Ok((template, claims)),
        }
    }

    /// Whether `template`'s recipients can take their photo on their own
    /// phone instead of at the station's camera.
    pub fn takes_phone_photos(&self, template: &str) -> bool {
        match self.template(template) {
            Ok(Template::Issuance(template)) => {
                template.photo_claim.is_some()
                    && self
                        .providers
                        .get(&template.service)
                        .is_some_and(|provider| provider.takes_phone_photos())
            }
            _ => false,
        }
    }

    /// Asks `template`'s service for a page where the recipient described
    /// by `claims` takes their own photo; show its URL as a QR code and
    /// follow it with [`Engine::follow_phone_capture`].
    pub async fn start_phone_capture(
        &self,
        template: &str,
        claims: &Claims,
    ) -> Result<PhoneCapture, EngineError> {
        let (template, claims) = self.checked_issuance(template, claims, true)?;
        let provider = self.adapter(&template.service)?;
        Ok(provider.create_phone_capture(template, &claims).await?)
    }

    /// Each change in where `capture` stands, until the photo is complete
    /// or the receiver is dropped.
    pub fn follow_phone_capture(
        &self,
        capture: &PhoneCapture,
    ) -> Result<tokio::sync::watch::Receiver<PhoneCaptureProgress>, EngineError> {
        let template = self.issuance_template(&capture.template)?;
        let provider = self.adapter(&template.service)?;
        Ok(phone_capture::follow(
            &self.runtime,
            provider,
            capture.clone(),
            phone_capture::POLL_INTERVAL,
        ))
    }

    /// Starts asking a wallet to present what `template` describes.
    pub fn verify(&self, template: &str) -> Result<FlowHandle, EngineError> {
        let Template::Presentation(template) = self.template(template)? else {
            return Err(EngineError::WrongTemplateKind {
                name: template.to_owned(),
                actual: "issuance",
                wanted: "verification",
            });
        };
        self.start_flow(
            &template.service,
            FlowRequest::Presentation {
                template: template.clone(),
            },
        )
    }
}
