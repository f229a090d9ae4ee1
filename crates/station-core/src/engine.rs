//! The engine's front door: one object that front ends create at start-up
//! and call to issue, verify, check the setup and read history.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::config::{ConfigError, ServiceKind, StationConfig, Template};
use crate::error::{ErrorCode, UiError};
use crate::events::{CallbackListener, ListenerError};
use crate::flow::{self, FlowContext, FlowHandle, FlowRequest};
use crate::photo::Photo;
use crate::provider::entra::EntraProvider;
use crate::provider::oid4vci::Oid4vciProvider;
use crate::provider::orchestration::OrchestrationProvider;
use crate::provider::retry::RetryPolicy;
use crate::provider::{Claims, Provider, ProviderError};
use crate::secrets::SecretStore;
use crate::store::{History, StoreError};

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
}

impl ErrorCode for EngineError {
    fn code(&self) -> &'static str {
        match self {
            EngineError::Config(e) => e.code(),
            EngineError::Listener(e) => e.code(),
            EngineError::Store(e) => e.code(),
            EngineError::Provider(e) => e.code(),
            EngineError::UnknownTemplate { .. } => "engine.unknown_template",
            EngineError::WrongTemplateKind { .. } => "engine.wrong_template_kind",
            EngineError::Claims(_) => "engine.invalid_claims",
            EngineError::PhotoRequired { .. } => "engine.photo_required",
            EngineError::PhotoNotUsed { .. } => "engine.photo_not_used",
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

pub struct Engine {
    config: Arc<StationConfig>,
    providers: BTreeMap<String, Arc<dyn Provider>>,
    listener: Arc<CallbackListener>,
    history: Arc<History>,
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
        let listener = CallbackListener::bind(&config.callback).await?;
        let history = History::open(data_dir)?;
        Ok(Engine {
            config: Arc::new(config),
            providers,
            listener: Arc::new(listener),
            history: Arc::new(history),
            runtime: tokio::runtime::Handle::current(),
        })
    }

    pub fn config(&self) -> &StationConfig {
        &self.config
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn listener(&self) -> &CallbackListener {
        &self.listener
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

    fn start_flow(&self, service: &str, request: FlowRequest) -> Result<FlowHandle, EngineError> {
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
        Ok(flow::spawn(FlowContext {
            runtime: self.runtime.clone(),
            id: uuid::Uuid::new_v4().to_string(),
            request,
            provider,
            listener: Arc::clone(&self.listener),
            history: Arc::clone(&self.history),
            timing: self.config.flow,
        }))
    }

    /// Starts issuing `template` to the recipient described by `claims`.
    pub fn issue(&self, template: &str, claims: &Claims) -> Result<FlowHandle, EngineError> {
        self.issue_with_photo(template, claims, None)
    }

    /// Starts issuing a `template` that carries the recipient's photo (one
    /// accepted by [`crate::photo::accept`]).
    pub fn issue_with_photo(
        &self,
        template: &str,
        claims: &Claims,
        photo: Option<Photo>,
    ) -> Result<FlowHandle, EngineError> {
        let Template::Issuance(template) = self.template(template)? else {
            return Err(EngineError::WrongTemplateKind {
                name: template.to_owned(),
                actual: "verification",
                wanted: "issuance",
            });
        };
        let claims = validate_claims(template, claims).map_err(EngineError::Claims)?;
        match (&template.photo_claim, &photo) {
            (Some(_), None) => {
                return Err(EngineError::PhotoRequired {
                    template: template.name.clone(),
                })
            }
            (None, Some(_)) => {
                return Err(EngineError::PhotoNotUsed {
                    template: template.name.clone(),
                })
            }
            _ => {}
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
