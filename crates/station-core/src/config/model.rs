//! The typed configuration: what the rest of the station reads, every value
//! already checked, defaulted and parsed.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::fields::ServiceType;
use crate::staff::{AttemptPolicy, PinHash};

#[derive(Debug, Clone)]
pub struct StationConfig {
    pub station: StationOptions,
    pub callback: CallbackConfig,
    pub flow: FlowTiming,
    pub queue: QueueConfig,
    /// Who may open the staff functions (`[staff]`).
    pub staff: StaffConfig,
    pub services: BTreeMap<String, ServiceConfig>,
    pub templates: BTreeMap<String, Template>,
    /// Where photos come from.
    pub camera: CameraConfig,
    /// The badge cards printed after an issuance (`[badge]`).
    pub badge: BadgeConfig,
    /// The self-service path (`[kiosk]`).
    pub kiosk: KioskConfig,
}

/// What a visitor issues themselves at a kiosk, and how long the station
/// waits for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskConfig {
    /// The issuance template a visitor issues (`None`: the kiosk cannot
    /// issue until one is set).
    pub template: Option<String>,
    /// Seconds without a touch or key before a visitor's step returns to
    /// the attract screen and forgets them.
    pub idle_secs: u32,
    /// Show the camera's picture on the attract screen while it looks for tickets.
    pub preview: bool,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            template: None,
            idle_secs: 45,
            preview: false,
        }
    }
}

/// How this station presents itself, whatever service it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StationOptions {
    /// Use the built-in sandbox instead of the services below.
    pub use_sandbox: bool,
    /// Start full screen, undecorated and on top.
    pub kiosk: bool,
    /// Seconds a result stays on screen before the station returns home and
    /// forgets the recipient.
    pub result_reset_secs: u32,
    /// Offer "Open in wallet" (the deep link) besides the QR code, for a
    /// station that is itself a phone or tablet.
    pub open_in_wallet: bool,
    /// Start the window when the user logs in (an XDG autostart entry on
    /// Linux), so a kiosk that reboots comes back by itself.
    pub start_at_login: bool,
}

impl Default for StationOptions {
    fn default() -> Self {
        StationOptions {
            use_sandbox: false,
            kiosk: false,
            result_reset_secs: 15,
            open_in_wallet: false,
            start_at_login: false,
        }
    }
}

/// What the templates' badge cards share (`[badge]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BadgeConfig {
    /// The event's name, printed on every badge.
    pub event: String,
    /// The CUPS queue badges print on; `None`: they are saved as PDF under
    /// the data directory instead.
    pub printer: Option<String>,
}

/// The size of a template's badge card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeLayout {
    /// 85.6 × 54 mm, the ID-card size (ISO/IEC 7810 ID-1), landscape.
    Cr80,
    /// 148 × 105 mm, landscape, for a badge holder.
    A6,
}

/// The camera for the photo step, and the size and rate asked of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraConfig {
    pub source: CameraSource,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Frames a second the window's preview shows at most: a face guide
    /// needs no more, and each frame shown costs the window a decode.
    pub preview_fps: u32,
}

impl Default for CameraConfig {
    fn default() -> Self {
        CameraConfig {
            source: CameraSource::Device(None),
            width: 1280,
            height: 720,
            fps: 25,
            preview_fps: 15,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraSource {
    /// A webcam by the name it gives itself; `None`: the first one found.
    Device(Option<String>),
    /// The synthetic camera: an image file, or a folder of PNG/JPEG files
    /// played in name order.
    Pictures(PathBuf),
}

#[derive(Debug, Clone)]
pub struct CallbackConfig {
    /// Where the callback listener binds.
    pub bind: SocketAddr,
    /// The base URL the service reaches the listener at (a reverse proxy or
    /// tunnel); without it, the listener's own address is used, which only a
    /// local service (the sandbox) can reach.
    pub public_url: Option<Url>,
}

#[derive(Debug, Clone, Copy)]
pub struct FlowTiming {
    /// Renew an unopened request this long before it expires.
    pub renew_before: Duration,
    /// Give up after this many renewals, so an abandoned kiosk does not
    /// create requests forever.
    pub max_renewals: u32,
    /// After the wallet opened the request, wait this long past its expiry
    /// for the outcome before calling it expired.
    pub retrieved_grace: Duration,
    /// A `request_retrieved` for a request replaced at most this long ago
    /// switches back to it: the wallet scanned it just before the renewal and
    /// its callback was still on the way. Later events for it are ignored.
    pub switch_back: Duration,
}

impl Default for FlowTiming {
    fn default() -> Self {
        FlowTiming {
            renew_before: Duration::from_secs(30),
            max_renewals: 10,
            retrieved_grace: Duration::from_secs(120),
            switch_back: Duration::from_secs(10),
        }
    }
}

/// How the outbox drains and how long it keeps personal data (`[queue]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueConfig {
    /// Network calls the drain makes at once.
    pub concurrency: u32,
    /// Jobs sent in one call where the service takes several.
    pub batch_size: u32,
    /// The first wait after a service could not take a job; it doubles
    /// (with jitter) up to `retry_max`.
    pub retry_first: Duration,
    pub retry_max: Duration,
    /// How soon a sent job's status is first asked; it slows to `status_poll_max`.
    pub status_poll: Duration,
    pub status_poll_max: Duration,
    /// After a stop interrupted a send, how long to wait before asking the
    /// service whether the request arrived.
    pub resend_check: Duration,
    /// How long an ended job keeps its photo, claims and contact.
    pub grace_period: Duration,
    /// How long any personal data is kept, the history's included.
    pub retention: Duration,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig {
            concurrency: 4,
            batch_size: 50,
            retry_first: Duration::from_secs(2),
            retry_max: Duration::from_secs(600),
            status_poll: Duration::from_secs(30),
            status_poll_max: Duration::from_secs(30 * 60),
            resend_check: Duration::from_secs(30),
            grace_period: Duration::from_secs(24 * 3600),
            retention: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// The staff PIN and how the gate guards it (`[staff]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffConfig {
    /// `None`: no PIN set (a desk station is then open, a kiosk locked).
    pub pin_hash: Option<PinHash>,
    /// An unlocked session locks again after this long without activity.
    pub idle_lock: Duration,
    pub attempts: AttemptPolicy,
}

impl Default for StaffConfig {
    fn default() -> Self {
        StaffConfig {
            pin_hash: None,
            idle_lock: Duration::from_secs(120),
            attempts: AttemptPolicy::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub name: String,
    /// Shown as a `SANDBOX` badge; set for the built-in emulator.
    pub sandbox: bool,
    pub kind: ServiceKind,
}

#[derive(Debug, Clone)]
pub enum ServiceKind {
    Entra(EntraConfig),
    Orchestration(OrchestrationConfig),
    Oid4vci(Oid4vciConfig),
}

impl ServiceKind {
    /// The service's name as staff know it.
    pub fn display_name(&self) -> &'static str {
        match self {
            ServiceKind::Entra(_) => "Microsoft Entra Verified ID",
            ServiceKind::Orchestration(_) => "Verified Orchestration",
            ServiceKind::Oid4vci(_) => "OID4VCI issuer",
        }
    }

    /// Whether the service sends its events to the station's callback
    /// listener (rather than the station asking or subscribing).
    pub fn calls_back(&self) -> bool {
        match self {
            ServiceKind::Entra(_) => true,
            ServiceKind::Orchestration(vo) => vo.events == OrchestrationEvents::Callback,
            ServiceKind::Oid4vci(_) => false,
        }
    }

    /// Every address the station sends a token, a secret or an API call
    /// to, with its field name and the one scheme it must use.
    pub(super) fn endpoints(&self) -> Vec<(&'static str, &Url, &'static str)> {
        match self {
            ServiceKind::Entra(entra) => vec![
                ("authority_host", &entra.authority_host, "https"),
                ("api_base", &entra.api_base, "https"),
            ],
            ServiceKind::Orchestration(vo) => vec![
                ("token_url", &vo.token_url, "https"),
                ("api_url", &vo.api_url, "https"),
                ("ws_url", &vo.ws_url, "wss"),
            ],
            ServiceKind::Oid4vci(issuer) => vec![("api_base", &issuer.api_base, "https")],
        }
    }

    /// Which row of the field table this service's settings came from.
    pub(crate) fn service_type(&self) -> ServiceType {
        match self {
            ServiceKind::Entra(_) => ServiceType::Entra,
            ServiceKind::Orchestration(_) => ServiceType::Orchestration,
            ServiceKind::Oid4vci(_) => ServiceType::Oid4vci,
        }
    }
}

/// Verified Orchestration's GraphQL API (seed 000), signed in with OAuth2
/// client credentials like Entra.
#[derive(Debug, Clone)]
pub struct OrchestrationConfig {
    pub api_url: Url,
    /// Where subscriptions are served (graphql-transport-ws).
    pub ws_url: Url,
    pub token_url: Url,
    pub client_id: String,
    pub scope: String,
    pub events: OrchestrationEvents,
    /// How often the station asks whether an open request was issued, so
    /// an issuance whose event was lost (a dropped connection, a callback
    /// that never came) still ends as issued.
    pub reconcile_interval: Duration,
}

impl OrchestrationConfig {
    /// The WebSocket address of a GraphQL endpoint served over HTTP(S): the
    /// `ws_url` of a service that does not set one. Settings compares with
    /// it to leave such a `ws_url` unwritten.
    pub(crate) fn default_ws_url(api_url: &Url) -> Url {
        let mut ws = api_url.clone();
        let scheme = if api_url.scheme() == "https" { "wss" } else { "ws" };
        // Both schemes are special and of the same kind, so this cannot fail.
        let _ = ws.set_scheme(scheme);
        ws
    }
}

/// How a Verified Orchestration request's events reach the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrchestrationEvents {
    /// The `issuanceEvent` subscription: no public callback URL needed.
    Subscription,
    /// The service calls the station's callback listener, as Entra does.
    Callback,
}

/// An OID4VCI issuer's admin API (seed 004), with an API key. Offer
/// statuses are polled: the issuer's webhooks are sent once, never retried.
#[derive(Debug, Clone)]
pub struct Oid4vciConfig {
    pub api_base: Url,
    pub poll_interval: Duration,
    /// How long an offer is shown before a new one replaces it.
    pub offer_lifetime: Duration,
    pub url_scheme: OfferScheme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferScheme {
    /// `openid-credential-offer://`
    CredentialOffer,
    /// `haip://`
    Haip,
}

impl OfferScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferScheme::CredentialOffer => "openid-credential-offer://",
            OfferScheme::Haip => "haip://",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntraApiShape {
    /// `createIssuanceRequest` with top-level `type`, `manifest`, `claims`,
    /// `pin`; callbacks carry `requestStatus` (seed 001).
    Current,
    /// The preview `…/{tenant}/verifiablecredentials/request` with a nested
    /// `issuance` object; callbacks carry `code` (seed 002).
    Preview,
}

#[derive(Debug, Clone)]
pub struct EntraConfig {
    pub tenant: String,
    pub client_id: String,
    pub authority_host: Url,
    pub api_base: Url,
    pub api_shape: EntraApiShape,
    pub scope: String,
}

#[derive(Debug, Clone)]
pub enum Template {
    Issuance(IssuanceTemplate),
    Presentation(PresentationTemplate),
}

#[derive(Debug, Clone)]
pub struct IssuanceTemplate {
    pub name: String,
    pub display_name: String,
    pub service: String,
    pub credential_type: String,
    /// What the service needs to know which credential to issue.
    pub target: IssuanceTarget,
    /// `None`: no PIN.
    pub pin_length: Option<u8>,
    pub pin_hashed: bool,
    pub claims: Vec<ClaimField>,
    /// The claim that carries the recipient's photo (a JPEG, base64url), if
    /// the credential has one; a photo is then required to issue it.
    pub photo_claim: Option<String>,
    /// The badge card printed after a successful issuance; `None`: none.
    pub badge: Option<BadgeLayout>,
}

/// The service-specific half of an issuance template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuanceTarget {
    /// The contract's manifest and the issuer's DID.
    Entra {
        manifest: Url,
        authority: String,
        client_name: String,
    },
    /// The contract, by its id.
    Orchestration { contract_id: String },
    /// The issuer's credential definition, whether the credential is
    /// ready at once or its claims are supplied later, and the format the
    /// definition issues, which decides how the claims are sent.
    Oid4vci {
        credential_definition_id: String,
        mode: Oid4vciMode,
        credential_format: CredentialFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oid4vciMode {
    InTime,
    Deferred,
}

/// The format of an OID4VCI credential definition (`credential_format`).
/// The issuer's admin API carries the claims in the shape the format
/// needs and refuses the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CredentialFormat {
    /// `dc+sd-jwt`: `credential.vct` + `credential.claims`. The default:
    /// the issuers this station works with today issue SD-JWT VCs (the
    /// sandbox issues nothing else), and their current API takes an SD-JWT
    /// VC's claims only in this shape.
    #[default]
    SdJwt,
    /// `jwt_vc_json`: `credential.type` + `credential.credentialSubject`.
    JwtVcJson,
    /// `mso_mdoc`: `credential.doctype` + `credential.claims`.
    MsoMdoc,
    /// `vc+sd-jwt`: an SD-JWT VC on an issuer still on the draft-era admin
    /// API (seed 004's), which takes its claims as
    /// `credential.credentialSubject`.
    LegacySdJwt,
}

impl CredentialFormat {
    pub const ALL: [CredentialFormat; 4] = [
        CredentialFormat::SdJwt,
        CredentialFormat::JwtVcJson,
        CredentialFormat::MsoMdoc,
        CredentialFormat::LegacySdJwt,
    ];

    /// The name in the config file and in the issuer's `format`.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialFormat::SdJwt => "dc+sd-jwt",
            CredentialFormat::JwtVcJson => "jwt_vc_json",
            CredentialFormat::MsoMdoc => "mso_mdoc",
            CredentialFormat::LegacySdJwt => "vc+sd-jwt",
        }
    }

    pub fn named(name: &str) -> Option<CredentialFormat> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimField {
    pub name: String,
    pub label: String,
    pub required: bool,
}

#[derive(Debug, Clone)]
pub struct PresentationTemplate {
    pub name: String,
    pub display_name: String,
    pub service: String,
    pub authority: String,
    pub client_name: String,
    pub purpose: Option<String>,
    pub credential_type: String,
    pub accepted_issuers: Vec<String>,
    pub allow_revoked: bool,
    pub validate_linked_domain: bool,
    pub include_receipt: bool,
    pub constraints: Vec<ClaimConstraint>,
    pub face_check: Option<PresentationFaceCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimConstraint {
    pub claim: String,
    pub rule: ConstraintRule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintRule {
    Values(Vec<String>),
    Contains(String),
    StartsWith(String),
}

/// Face Check during presentation (seed 003): the wallet's liveness photo is
/// matched against the credential's photo claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationFaceCheck {
    pub source_photo_claim: String,
    pub match_confidence_threshold: u8,
}
