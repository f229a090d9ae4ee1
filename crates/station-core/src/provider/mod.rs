//! One trait for every credential service. The flow creates requests through
//! [`Provider`] and never learns which service it is talking to; each
//! service's statuses are mapped onto [`crate::events::FlowEvent`] by its
//! event source.

pub mod entra;
pub mod oauth;
pub mod oid4vci;
pub mod orchestration;
pub mod phone_capture;
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
use phone_capture::{PhoneCapture, PhoneCaptureStatus, RecipientPhoto};

/// Claim values typed in or picked for the recipient, by claim name.
pub type Claims = BTreeMap<String, String>;

/// What to issue, to whom, with which PIN.
pub struct IssuanceSpec<'a> {
    pub template: &'a IssuanceTemplate,
    pub claims: &'a Claims,
    pub pin: Option<&'a Pin>,
    /// Present exactly when the template has a photo claim.
    pub photo: Option<&'a RecipientPhoto>,
}

impl IssuanceSpec<'_> {
    /// The typed-in claims, plus the photo as the template's photo claim
    /// (a JPEG in base64url, as Entra documents photo claims). Only a
    /// photo the station took can go in a claim.
    pub fn claims_with_photo(&self) -> Result<Claims, ProviderError> {
        let mut claims = self.claims.clone();
        match (&self.template.photo_claim, self.photo) {
            (Some(name), Some(RecipientPhoto::Camera(photo))) => {
                claims.insert(name.clone(), photo.to_claim_value());
            }
            (_, Some(RecipientPhoto::Phone(_))) => return Err(phone_capture_unsupported()),
            _ => {}
        }
        Ok(claims)
    }
}

/// The recipient's name as staff and services show it: the name claims
/// if there are any, else every claim value.
pub fn recipient_name(claims: &Claims) -> String {
    let named: Vec<&str> = ["given_name", "family_name"]
        .iter()
        .filter_map(|name| claims.get(*name).map(String::as_str))
        .collect();
    if named.is_empty() {
        claims.values().map(String::as_str).collect::<Vec<_>>().join(" ")
    } else {
        named.join(" ")
    }
}

/// The error for a template of one service handed to another's adapter.
pub(crate) fn not_this_service(template: &IssuanceTemplate) -> ProviderError {
    ProviderError::Unsupported {
        what: format!(
            "template '{}', which is for another kind of service",
            template.name
        ),
    }
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

/// What to issue to someone who is not at the desk: the service sends them
/// a link by email or SMS and they claim the credential later.
pub struct RemoteIssuanceSpec<'a> {
    pub template: &'a IssuanceTemplate,
    pub claims: &'a Claims,
    /// Checked ([`RemoteContact::checked`]) before it gets here.
    pub contact: RemoteContact,
    pub expiry: RemoteExpiry,
    /// Present exactly when the template has a photo claim.
    pub photo: Option<&'a Photo>,
    /// The station's own id for this issuance (a queue job's id), sent as
    /// the recipient identity's identifier, so that the issuance can be
    /// found again by it ([`Provider::find_remote_issuance`]) after a
    /// crash, instead of being sent twice.
    pub correlation: &'a str,
}

/// What became of one input of a batch of remote issuances
/// ([`Provider::create_remote_issuances`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteCreation {
    Created(RemoteIssuance),
    /// The service refused this input, with its reason.
    Refused(String),
    /// Fine, but not created because another input of the batch was
    /// refused (the service creates all or none): send it again.
    NotCreated,
}

/// Where the service sends the recipient their link. Serialised as
/// `{"method": "email"|"sms", "value": ...}`, so a queue can keep it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", content = "value", rename_all = "lowercase")]
pub enum RemoteContact {
    Email(String),
    /// International (E.164) format: `+` and 8 to 15 digits.
    Sms(String),
}

impl RemoteContact {
    pub fn email(address: &str) -> Result<RemoteContact, InvalidContact> {
        RemoteContact::Email(address.to_owned()).checked()
    }

    pub fn sms(number: &str) -> Result<RemoteContact, InvalidContact> {
        RemoteContact::Sms(number.to_owned()).checked()
    }

    /// The contact as the service must receive it, or why it cannot be
    /// used. A refusal here costs nothing; a refusal by the service comes
    /// after a round trip, and a wrong address that passes sends the
    /// recipient's link to a stranger. Spaces and dashes a person types in
    /// a phone number are dropped.
    pub fn checked(self) -> Result<RemoteContact, InvalidContact> {
        match self {
            RemoteContact::Email(address) => {
                let address = address.trim();
                if plausible_email(address) {
                    Ok(RemoteContact::Email(address.to_owned()))
                } else {
                    Err(InvalidContact::Email(address.to_owned()))
                }
            }
            RemoteContact::Sms(number) => {
                let compact: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
                if plausible_phone(&compact) {
                    Ok(RemoteContact::Sms(compact))
                } else {
                    Err(InvalidContact::Phone(number.trim().to_owned()))
                }
            }
        }
    }

    pub fn value(&self) -> &str {
        match self {
            RemoteContact::Email(value) | RemoteContact::Sms(value) => value,
        }
    }
}

/// `name@domain.tld`: catches typos and wrong fields, not every invalid address.
fn plausible_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !address.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// E.164: `+`, a country code (never starting with 0), 8 to 15 digits in all.
fn plausible_phone(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidContact {
    #[error("the recipient's email address '{0}' is not valid: enter it as name@domain, such as megan@example.com")]
    Email(String),
    #[error("the recipient's mobile number '{0}' is not valid: enter it in international format, a + then the country code and number (8 to 15 digits), such as +61491570006")]
    Phone(String),
}

impl ErrorCode for InvalidContact {
    fn code(&self) -> &'static str {
        match self {
            InvalidContact::Email(_) => "remote.invalid_email",
            InvalidContact::Phone(_) => "remote.invalid_phone",
        }
    }
}

/// How long the recipient has to claim the credential, in the service's
/// own steps (serialised with its names, e.g. `oneWeek`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RemoteExpiry {
    OneDay,
    ThreeDays,
    #[default]
    OneWeek,
    TwoWeeks,
    OneMonth,
    ThreeMonths,
}

impl RemoteExpiry {
    /// The length of the step; a month counts as 30 days, as the service
    /// is not documented to use calendar months.
    pub fn duration(self) -> Duration {
        const DAY: u64 = 86_400;
        Duration::from_secs(match self {
            RemoteExpiry::OneDay => DAY,
            RemoteExpiry::ThreeDays => 3 * DAY,
            RemoteExpiry::OneWeek => 7 * DAY,
            RemoteExpiry::TwoWeeks => 14 * DAY,
            RemoteExpiry::OneMonth => 30 * DAY,
            RemoteExpiry::ThreeMonths => 90 * DAY,
        })
    }
}

/// A remote issuance the service accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteIssuance {
    pub id: String,
}

/// Where a remote issuance stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteStatus {
    /// The recipient has not claimed it yet.
    Pending,
    Issued,
    /// With the service's reason.
    Failed(String),
    Expired,
    Cancelled,
}

impl RemoteStatus {
    /// No later status follows.
    pub fn is_final(&self) -> bool {
        !matches!(self, RemoteStatus::Pending)
    }

    pub fn name(&self) -> &'static str {
        match self {
            RemoteStatus::Pending => "pending",
            RemoteStatus::Issued => "issued",
            RemoteStatus::Failed(_) => "failed",
            RemoteStatus::Expired => "expired",
            RemoteStatus::Cancelled => "cancelled",
        }
    }
}

#[async_trait]
pub trait Provider: Send + Sync {
    async fn create_issuance(
        &self,
        spec: &IssuanceSpec<'_>,
        callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError>;

    /// Only Entra verifies; the others refuse (config keeps presentation
    /// templates on Entra services).
    async fn create_presentation(
        &self,
        _spec: &PresentationSpec<'_>,
        _callback: &CallbackTicket,
    ) -> Result<CreatedRequest, ProviderError> {
        Err(ProviderError::Unsupported {
            what: "presentation requests".into(),
        })
    }

    /// Obtains a service credential (e.g. an OAuth2 token) without creating
    /// anything, so `station doctor` can prove the configuration works.
    async fn check_access(&self) -> Result<(), ProviderError>;

    /// Starts the event source `created` needs besides the callback
    /// listener (a subscription, a poller), feeding `events`. Services that
    /// call back need none.
    fn follow(&self, _created: &CreatedRequest, _events: EventSink) -> Option<EventFeed> {
        None
    }

    /// Asks the service to send the recipient a link to claim the
    /// credential later. Only services that notify people themselves can.
    async fn create_remote_issuance(
        &self,
        _spec: &RemoteIssuanceSpec<'_>,
    ) -> Result<RemoteIssuance, ProviderError> {
        Err(remote_unsupported())
    }

    async fn remote_issuance_status(&self, _id: &str) -> Result<RemoteStatus, ProviderError> {
        Err(remote_unsupported())
    }

    /// Whether [`Provider::create_remote_issuance`] can work here, so a
    /// queue refuses a remote job at once instead of failing it later.
    fn issues_remotely(&self) -> bool {
        false
    }

    /// Several remote issuances in one call, one outcome per spec in
    /// order. An `Err` is the call's: nothing is known of any input (it
    /// may have been created if the answer was lost on the way back).
    async fn create_remote_issuances(
        &self,
        _specs: &[RemoteIssuanceSpec<'_>],
    ) -> Result<Vec<RemoteCreation>, ProviderError> {
        Err(remote_unsupported())
    }

    /// The remote issuance of `template` the station created with
    /// `correlation` ([`RemoteIssuanceSpec::correlation`]) between
    /// `created_from` and `created_to`, if the service has one: how a queue
    /// learns, after a crash, whether a request it may have sent arrived.
    /// Services that cannot be asked refuse with [`ProviderError::Unsupported`].
    async fn find_remote_issuance(
        &self,
        _template: &IssuanceTemplate,
        _correlation: &str,
        _created_from: SystemTime,
        _created_to: SystemTime,
    ) -> Result<Option<RemoteIssuance>, ProviderError> {
        Err(ProviderError::Unsupported {
            what: "looking up the remote issuances it created".into(),
        })
    }

    /// Whether recipients can take their own photo, on their phone, through
    /// this service's photo capture page.
    fn takes_phone_photos(&self) -> bool {
        false
    }

    /// Asks the service for a photo capture page for the recipient that
    /// `claims` describe, to be used by one issuance of `template`.
    async fn create_phone_capture(
        &self,
        _template: &IssuanceTemplate,
        _claims: &Claims,
    ) -> Result<PhoneCapture, ProviderError> {
        Err(phone_capture_unsupported())
    }

    async fn phone_capture_status(
        &self,
        _capture: &PhoneCapture,
    ) -> Result<PhoneCaptureStatus, ProviderError> {
        Err(phone_capture_unsupported())
    }
}

fn phone_capture_unsupported() -> ProviderError {
    ProviderError::Unsupported {
        what: "photos taken on the recipient's phone; take the photo with the station's camera".into(),
    }
}

fn remote_unsupported() -> ProviderError {
    ProviderError::Unsupported {
        what: "remote issuance (by email or SMS)".into(),
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

impl ProviderError {
    /// For `map_err` on a request to `url` that got no (whole) answer.
    pub(crate) fn unreachable(url: &Url) -> impl Fn(reqwest::Error) -> ProviderError + '_ {
        move |error| ProviderError::Unreachable {
            url: url.to_string(),
            detail: transport_failure(error),
        }
    }
}

/// What went wrong on the way to a service, in words staff can act on:
/// reqwest's own message ("error sending request") hides the cause, which
/// sits in the error's sources (DNS, refused, reset, TLS).
fn transport_failure(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "no connection"
    } else {
        "the connection failed"
    };
    let error = error.without_url();
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    // Each layer tends to repeat the one below it; the innermost says most.
    match causes.last() {
        Some(root) => format!("{kind}: {root}"),
        None => format!("{kind}: {error}"),
    }
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

/// The longest a created request may live by a service's word. Requests
/// live minutes (Entra: about five); anything past a day is a broken or
/// hostile answer, refused before the flow counts down to it.
pub const MAX_REQUEST_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// A service's `expiry` (seconds since the Unix epoch, as `what` gave it)
/// as a time the flow can count down to, `now` being the service's clock.
/// Before 1970, past what the clock can hold, or more than
/// [`MAX_REQUEST_LIFETIME`] ahead is a broken or hostile answer: an error
/// that names the value, never a panic or a countdown of years.
pub fn request_expiry(what: &str, expiry: i64, now: SystemTime) -> Result<SystemTime, ProviderError> {
    let absurd = |why: &str| ProviderError::Protocol {
        detail: format!("{what} gave the expiry {expiry}, {why}"),
    };
    let seconds = u64::try_from(expiry).map_err(|_| absurd("which is before 1970"))?;
    let at = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(seconds))
        .ok_or_else(|| absurd("which is past any representable time"))?;
    let latest = now
        .checked_add(MAX_REQUEST_LIFETIME)
        .ok_or_else(|| absurd("and the clock is past any representable time"))?;
    if at > latest {
        return Err(absurd("more than a day from now; a request lives minutes"));
    }
    Ok(at)
}

/// `path` under a service's base URL, whether or not the base ends in `/`.
pub(crate) fn endpoint(base: &Url, path: &str) -> Result<Url, ProviderError> {
    let joined = format!("{}/{}", base.as_str().trim_end_matches('/'), path);
    Url::parse(&joined).map_err(|e| ProviderError::Protocol {
        detail: format!("cannot build endpoint URL '{joined}': {e}"),
    })
}
