//! One trait for every credential service. The flow creates requests through
//! [`Provider`] and never learns which service it is talking to; each
//! service's statuses are mapped onto [`crate::events::FlowEvent`] by its
//! event source.

pub mod entra;
pub mod oauth;
pub mod oid4vci;
pub mod orchestration;
pub mod retry;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use url::Url;

use crate::config::{IssuanceTemplate, PresentationTemplate};
use crate::error::ErrorCode;
use crate::events::{EventFeed, EventSink};
use crate::photo::Photo;
use crate::pin::Pin;
use crate::secrets::{Secret, SecretError};

/// Claim values typed in or picked for the recipient, by claim name.
pub type Claims = BTreeMap<String, String>;

/// What to issue, to whom, with which PIN.
pub struct IssuanceSpec<'a> {
    pub template: &'a IssuanceTemplate,
    pub claims: &'a Claims,
    pub pin: Option<&'a Pin>,
    /// Present exactly when the template has a photo claim.
    pub photo: Option<&'a Photo>,
}

/// What to ask a wallet to present.
pub struct PresentationSpec<'a> {
    pub template: &'a PresentationTemplate,
}

/// Where and how the service must call back for one request: the listener
/// issues a fresh `state` and `api-key` per request.
#[derive(Debug, Clone)]
pub struct CallbackTicket {
    pub url: Url,
    pub state: String,
    pub api_key: Secret,
}

/// A request the service accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRequest {
    pub request_id: String,
    /// The deep link the QR code carries.
    pub url: String,
    pub expires_at: SystemTime,
}

#[async_trait]
pub trait Provider: Send + Sync {
    async fn create_issuance(
        &self,
        spec: &IssuanceSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError>;

    async fn create_presentation(
        &self,
        spec: &PresentationSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError>;

    /// Obtains a service credential (e.g. an OAuth2 token) without creating
    /// anything, so `station doctor` can prove the configuration works.
    async fn check_access(&self) -> Result<(), ProviderError>;

    /// Starts the event source `created` needs besides the callback
    /// listener (a subscription, a poller), feeding `events`. Services that
    /// call back need none.
    fn follow(&self, _created: &CreatedRequest, _events: EventSink) -> Option<EventFeed> {
        None
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("the sign-in service refused the station's credentials ({error}): {description}. Check the tenant, client id and client secret")]
    Auth { error: String, description: String },
    #[error("{}", rejected_message(.status, .code, .message, .inner_code, .target))]
    Rejected {
        status: u16,
        code: String,
        message: String,
        inner_code: Option<String>,
        target: Option<String>,
    },
    #[error("{}", busy_message(*.attempts, .code, .message, .wait_asked))]
    Busy {
        attempts: u32,
        code: String,
        message: String,
        /// A wait the service asked for that was too long to hold a person at the desk.
        wait_asked: Option<std::time::Duration>,
    },
    #[error(
        "the service at {url} cannot be reached: {detail}. Check the network connection and the service URL"
    )]
    Unreachable { url: String, detail: String },
    #[error("the service answered in an unexpected way ({detail}); the station may need an update")]
    Protocol { detail: String },
    #[error("this service does not support {what}")]
    Unsupported { what: String },
}

fn busy_message(attempts: u32, code: &str, message: &str, wait_asked: &Option<Duration>) -> String {
    match wait_asked {
        Some(wait) => format!(
            "the service is busy ({code}: {message}) and asked the station to wait {} s; try again later",
            wait.as_secs()
        ),
        None => format!("the service is busy ({code}: {message}) and still refused after {attempts} attempts; try again in a minute"),
    }
}

fn rejected_message(
    status: &u16,
    code: &str,
    message: &str,
    inner_code: &Option<String>,
    target: &Option<String>,
) -> String {
    match (inner_code.as_deref(), target.as_deref()) {
        (Some("badOrMissingField"), Some(target)) => format!(
            "the service rejected field '{target}': {message} (HTTP {status}, {code}). Correct that field in the template or the recipient's details"
        ),
        (Some(inner), _) => {
            format!("the service rejected the request: {message} (HTTP {status}, {code}/{inner})")
        }
        (None, _) => format!("the service rejected the request: {message} (HTTP {status}, {code})"),
    }
}

impl ErrorCode for ProviderError {
    fn code(&self) -> &'static str {
        match self {
            ProviderError::Secret(e) => e.code(),
            ProviderError::Auth { .. } => "provider.auth",
            ProviderError::Rejected { .. } => "provider.rejected",
            ProviderError::Busy { .. } => "provider.busy",
            ProviderError::Unreachable { .. } => "provider.unreachable",
            ProviderError::Protocol { .. } => "provider.protocol",
            ProviderError::Unsupported { .. } => "provider.unsupported",
        }
    }
}

/// Seconds since the Unix epoch, as services report `expiry`.
pub fn system_time_from_unix(seconds: i64) -> SystemTime {
    let clamped = u64::try_from(seconds).unwrap_or(0);
    SystemTime::UNIX_EPOCH + Duration::from_secs(clamped)
}

/// `path` under a service's base URL, whether or not the base ends in `/`.
pub(crate) fn endpoint(base: &Url, path: &str) -> Result<Url, ProviderError> {
    let joined = format!("{}/{}", base.as_str().trim_end_matches('/'), path);
    Url::parse(&joined).map_err(|e| ProviderError::Protocol {
        detail: format!("cannot build endpoint URL '{joined}': {e}"),
    })
}
