//! The engine's front door: one object that front ends create at start-up
//! and call to issue, verify, check the setup and read history.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::{Serialize, Serializer};

use crate::config::{ConfigError, IssuanceTemplate, ServiceKind, StationConfig, Template};
use crate::error::{ErrorCode, UiError};
use crate::events::{CallbackListener, ListenerError};
use crate::flow::{self, FlowContext, FlowHandle, FlowRequest};
use crate::photo::Photo;
use crate::provider::entra::EntraProvider;
use crate::provider::oid4vci::Oid4vciProvider;
use crate::provider::orchestration::OrchestrationProvider;
use crate::provider::phone_capture::{self, PhoneCapture, PhoneCaptureProgress, RecipientPhoto};
use crate::provider::retry::RetryPolicy;
use crate::provider::{
    Claims, InvalidContact, Provider, ProviderError, RemoteContact, RemoteExpiry, RemoteIssuance,
    RemoteIssuanceSpec, RemoteStatus,
};
use crate::secrets::SecretStore;
use crate::store::{Database, FlowSummary, History, Record, StoreError};

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

/// One field of the recipient form that needs fixing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimProblem {
    pub claim: String,
    pub problem: String,
}

fn describe_claim_problems(problems: &[ClaimProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("'{}' {}", p.claim, p.problem))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks the recipient's claims against the template: required ones
/// present, no unknown ones; values trimmed.
pub fn validate_claims(
    template: &crate::config::IssuanceTemplate,
    claims: &Claims,
) -> Result<Claims, Vec<ClaimProblem>> {
    let mut problems = Vec::new();
    let mut clean = Claims::new();
    for name in claims.keys() {
        if !template.claims.iter().any(|field| &field.name == name) {
            let known = template
                .claims
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(ClaimProblem {
                claim: name.clone(),
                problem: format!("is not a claim of template '{}' (it has: {known})", template.name),
            });
        }
    }
    for field in &template.claims {
        let value = claims.get(&field.name).map(|v| v.trim()).unwrap_or_default();
        if value.is_empty() {
            if field.required {
                problems.push(ClaimProblem {
                    claim: field.name.clone(),
                    problem: format!("is required ({})", field.label),
                });
            }
            continue;
        }
        clean.insert(field.name.clone(), value.to_owned());
    }
    if problems.is_empty() {
        Ok(clean)
    } else {
        Err(problems)
    }
}

/// The history's `kind` of a remote issuance (desk flows are `issuance`
/// and `presentation`).
pub const REMOTE_ISSUANCE_KIND: &str = "remote_issuance";

pub struct Engine {
    config: Arc<StationConfig>,
    providers: BTreeMap<String, Arc<dyn Provider>>,
    listener: Arc<CallbackListener>,
    history: Arc<History>,
    database: Database,
    runtime: tokio::runtime::Handle,
}

impl Engine {
    /// Binds the callback listener, opens the history in `data_dir` and
    /// prepares one adapter per configured service. Secrets are looked up
    /// only when a service is first used.
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
            providers.insert(name.clone(), provider);
        }
        // The history first: a failure after binding would leave the port
        // held until the aborted listener task is dropped, and a station
        // started again at once (Settings rolling back) could not bind it.
        let database = Database::open(data_dir, secrets.as_ref())?;
        let history = History::open(&database)?;
        let listener = CallbackListener::bind(&config.callback).await?;
        Ok(Engine {
            config: Arc::new(config),
            providers,
            listener: Arc::new(listener),
            history: Arc::new(history),
            database,
            runtime: tokio::runtime::Handle::current(),
        })
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
    /// engine hear no more callbacks.
    pub async fn shutdown(&self) {
        self.listener.shutdown().await;
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

    /// Starts issuing `template` to the recipient described by `claims`.
    pub fn issue(&self, template: &str, claims: &Claims) -> Result<FlowHandle, EngineError> {
        self.issue_with_photo(template, claims, None)
    }

    /// Starts issuing a `template` that carries the recipient's photo: one
    /// accepted by [`crate::photo::accept`], or one they took on their phone
    /// ([`Engine::start_phone_capture`]) for this template.
    pub fn issue_with_photo(
        &self,
        template: &str,
        claims: &Claims,
        photo: Option<RecipientPhoto>,
    ) -> Result<FlowHandle, EngineError> {
        let (template, claims) = self.checked_issuance(template, claims, photo.is_some())?;
        if let Some(RecipientPhoto::Phone(capture)) = &photo {
            if capture.template != template.name {
                return Err(EngineError::PhoneCaptureOtherTemplate {
                    template: template.name.clone(),
                    captured_for: capture.template.clone(),
                });
            }
            if capture.claims != claims {
                return Err(EngineError::PhoneCaptureOtherRecipient);
            }
        }
        self.start_flow(
            &template.service,
            FlowRequest::Issuance {
                template: template.clone(),
                claims,
                photo,
            },
        )
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

    /// Asks the template's service to send the recipient a link (by email
    /// or SMS) to claim the credential before `expiry`. Nothing waits for a
    /// wallet: follow it with [`Engine::remote_issuance_status`]. Everything
    /// is checked before the service is asked, so a refusal here sent no
    /// message to anyone.
    pub async fn issue_remotely(
        &self,
        template: &str,
        claims: &Claims,
        contact: RemoteContact,
        expiry: RemoteExpiry,
        photo: Option<Photo>,
    ) -> Result<RemoteIssuance, EngineError> {
        let (template, claims) = self.checked_issuance(template, claims, photo.is_some())?;
        let contact = contact.checked()?;
        let provider = self.adapter(&template.service)?;
        let at = SystemTime::now();
        let remote = provider
            .create_remote_issuance(&RemoteIssuanceSpec {
                template,
                claims: &claims,
                contact,
                expiry,
                photo: photo.as_ref(),
            })
            .await?;
        self.record_remote_start(template, &claims, &remote, expiry, at);
        Ok(remote)
    }

    /// Where remote issuance `id` (of `template`'s service) stands. The
    /// first final answer also closes it in the history.
    pub async fn remote_issuance_status(
        &self,
        template: &str,
        id: &str,
    ) -> Result<RemoteStatus, EngineError> {
        let template = self.issuance_template(template)?;
        let status = self
            .adapter(&template.service)?
            .remote_issuance_status(id)
            .await?;
        if status.is_final() {
            self.record_remote_end(id, &status);
        }
        Ok(status)
    }

    /// A remote issuance is kept as a flow of its own kind, with the
    /// service's id as both flow and request id, so the history lists it
    /// beside desk issuances and a later status check can close it without
    /// a lookup table. The contact is not kept: the service holds it, and
    /// the history need not hold anyone's email or phone number. The request
    /// has no URL because the link goes to the recipient only.
    fn record_remote_start(
        &self,
        template: &IssuanceTemplate,
        claims: &Claims,
        remote: &RemoteIssuance,
        expiry: RemoteExpiry,
        at: SystemTime,
    ) {
        self.history.record(Record::FlowStarted {
            flow_id: remote.id.clone(),
            kind: REMOTE_ISSUANCE_KIND,
            template: template.name.clone(),
            service: template.service.clone(),
            claims: serde_json::to_string(claims).unwrap_or_default(),
            at,
        });
        self.history.record(Record::RequestCreated {
            flow_id: remote.id.clone(),
            request_id: remote.id.clone(),
            url: String::new(),
            at,
            expires_at: at + expiry.duration(),
        });
    }

    fn record_remote_end(&self, id: &str, status: &RemoteStatus) {
        // A queue asks again and again; only the first final answer ends it.
        if let Ok(Some(FlowSummary { outcome: Some(_), .. })) = self.history.flow(id) {
            return;
        }
        let message = match status {
            RemoteStatus::Failed(reason) => Some(reason.clone()),
            _ => None,
        };
        self.history.record(Record::FlowEnded {
            flow_id: id.to_owned(),
            outcome: status.name(),
            code: None,
            message,
            at: SystemTime::now(),
        });
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
