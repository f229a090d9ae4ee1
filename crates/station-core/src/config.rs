//! The station's configuration: a TOML file parsed into raw structures, then
//! validated into typed ones. Every error names the file, the field and what
//! to change, because the person reading it is at a front desk, not in a
//! debugger.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::error::ErrorCode;
use crate::pin::{DEFAULT_PIN_LENGTH, MAX_PIN_LENGTH, MIN_PIN_LENGTH};
use crate::provider::oid4vci::MAX_USER_PIN_LENGTH as OID4VCI_MAX_PIN_LENGTH;

mod reachability;

/// Overrides the config file location.
pub const CONFIG_ENV: &str = "STATION_CONFIG";
/// Overrides the data directory (history database), so tests never touch a
/// user's files.
pub const DATA_DIR_ENV: &str = "STATION_DATA_DIR";

pub const ENTRA_AUTHORITY_HOST: &str = "https://login.microsoftonline.com";
pub const ENTRA_API_BASE: &str = "https://verifiedid.did.msidentity.com";
/// The preview API's host (seed 002).
pub const ENTRA_PREVIEW_API_BASE: &str = "https://beta.did.msidentity.com";
/// The Request Service's application permission (seed 001).
pub const ENTRA_SCOPE: &str = "3db474b9-6a0c-4840-96ac-1fceb342124f/.default";
/// The preview API's permission (seed 002).
pub const ENTRA_PREVIEW_SCOPE: &str = "bbb94529-53a3-4be5-a069-7eaf2712b826/.default";
const DEFAULT_CALLBACK_BIND: &str = "127.0.0.1:47381";
const DEFAULT_POLL_INTERVAL_MS: u64 = 1000;
/// Verified Orchestration's events normally arrive; the poll only catches a lost one.
const DEFAULT_RECONCILE_INTERVAL_MS: u64 = 5000;
const DEFAULT_OFFER_LIFETIME_SECS: u64 = 600;
/// A request lives minutes; a thousand renewals is days of an unattended screen.
const MAX_RENEWALS: u32 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {detail}")]
    Read { path: String, detail: String },
    #[error("{path} is not valid station TOML: {detail}")]
    Parse { path: String, detail: String },
    #[error("{path}: `{field}` {problem}. Fix: {fix}")]
    Invalid {
        path: String,
        field: String,
        problem: String,
        fix: String,
    },
}

impl ErrorCode for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config.unreadable",
            ConfigError::Parse { .. } => "config.syntax",
            ConfigError::Invalid { .. } => "config.invalid",
        }
    }
}

/// Where the config file is, and whether someone named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLocation {
    pub path: PathBuf,
    /// Named by `--config` or `$STATION_CONFIG`: then it must exist, because
    /// a typo must not quietly turn a real station into the sandbox.
    pub explicit: bool,
}

impl ConfigLocation {
    /// `named` (from the command line), else `$STATION_CONFIG`, else the
    /// user's config directory.
    pub fn find(named: Option<PathBuf>) -> ConfigLocation {
        if let Some(path) = named.or_else(|| std::env::var_os(CONFIG_ENV).map(PathBuf::from)) {
            return ConfigLocation { path, explicit: true };
        }
        let path = dirs::config_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("issuance-station")
            .join("station.toml");
        ConfigLocation {
            path,
            explicit: false,
        }
    }

    /// The config in the file; `None` when there is no file and none was
    /// asked for (the station then runs the sandbox).
    pub fn load(&self) -> Result<Option<StationConfig>, ConfigError> {
        if self.path.exists() {
            return StationConfig::load(&self.path).map(Some);
        }
        if self.explicit {
            return Err(ConfigError::Read {
                path: self.path.display().to_string(),
                detail: "no such file. Create it, or unset STATION_CONFIG / drop --config to run the sandbox"
                    .into(),
            });
        }
        Ok(None)
    }
}

/// Where history lives: `$STATION_DATA_DIR`, else the user's data directory.
pub fn default_data_dir() -> PathBuf {
    if let Some(path) = std::env::var_os(DATA_DIR_ENV) {
        return PathBuf::from(path);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("issuance-station")
}

#[derive(Debug, Clone)]
pub struct StationConfig {
    pub station: StationOptions,
    pub callback: CallbackConfig,
    pub flow: FlowTiming,
    pub services: BTreeMap<String, ServiceConfig>,
    pub templates: BTreeMap<String, Template>,
    /// Where photos come from.
    pub camera: CameraConfig,
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
}

impl Default for StationOptions {
    fn default() -> Self {
        StationOptions {
            use_sandbox: false,
            kiosk: false,
            result_reset_secs: 15,
            open_in_wallet: false,
        }
    }
}

/// The camera for the photo step, and the size and rate asked of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraConfig {
    pub source: CameraSource,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
}

impl Default for CameraConfig {
    fn default() -> Self {
        CameraConfig {
            source: CameraSource::Device(None),
            width: 1280,
            height: 720,
            fps: 25,
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
    fn endpoints(&self) -> Vec<(&'static str, &Url, &'static str)> {
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

impl StationConfig {
    pub fn load(path: &Path) -> Result<StationConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// `origin` names the source in error messages (a path, or "built-in").
    pub fn from_toml(text: &str, origin: &str) -> Result<StationConfig, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_owned(),
            detail: e.to_string(),
        })?;
        Validator { origin }.config(raw)
    }

    pub fn template(&self, name: &str) -> Option<&Template> {
        self.templates.get(name)
    }
}

// ---- raw TOML shapes -------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    station: RawStation,
    #[serde(default)]
    callback: RawCallback,
    #[serde(default)]
    flow: RawFlow,
    #[serde(default)]
    services: BTreeMap<String, RawService>,
    #[serde(default)]
    templates: BTreeMap<String, RawTemplate>,
    camera: Option<RawCamera>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCamera {
    device: Option<String>,
    pictures: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    fps: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStation {
    #[serde(default)]
    use_sandbox: bool,
    #[serde(default)]
    kiosk: bool,
    result_reset_secs: Option<u32>,
    #[serde(default)]
    open_in_wallet: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCallback {
    bind: Option<String>,
    public_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    renew_before_secs: Option<u64>,
    max_renewals: Option<u32>,
    retrieved_grace_secs: Option<u64>,
    switch_back_secs: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    kind: String,
    #[serde(default)]
    sandbox: bool,
    tenant: Option<String>,
    client_id: Option<String>,
    authority_host: Option<String>,
    api_base: Option<String>,
    scope: Option<String>,
    // Verified Orchestration
    api_url: Option<String>,
    ws_url: Option<String>,
    token_url: Option<String>,
    events: Option<String>,
    // OID4VCI
    poll_interval_ms: Option<u64>,
    offer_lifetime_secs: Option<u64>,
    url_scheme: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    #[serde(default = "default_template_kind")]
    kind: String,
    service: Option<String>,
    display_name: Option<String>,
    credential_type: Option<String>,
    authority: Option<String>,
    client_name: Option<String>,
    // issuance
    manifest: Option<String>,
    contract_id: Option<String>,
    credential_definition_id: Option<String>,
    issuance_mode: Option<String>,
    credential_format: Option<String>,
    pin_length: Option<u8>,
    pin_hashed: Option<bool>,
    #[serde(default)]
    claims: Vec<RawClaim>,
    photo_claim: Option<String>,
    // presentation
    purpose: Option<String>,
    #[serde(default)]
    accepted_issuers: Vec<String>,
    allow_revoked: Option<bool>,
    validate_linked_domain: Option<bool>,
    include_receipt: Option<bool>,
    #[serde(default)]
    constraints: Vec<RawConstraint>,
    face_check: Option<RawFaceCheck>,
}

impl RawService {
    /// The names of the optional fields that are set.
    fn fields_set(&self) -> Vec<&'static str> {
        [
            ("tenant", self.tenant.is_some()),
            ("client_id", self.client_id.is_some()),
            ("authority_host", self.authority_host.is_some()),
            ("api_base", self.api_base.is_some()),
            ("scope", self.scope.is_some()),
            ("api_url", self.api_url.is_some()),
            ("ws_url", self.ws_url.is_some()),
            ("token_url", self.token_url.is_some()),
            ("events", self.events.is_some()),
            ("poll_interval_ms", self.poll_interval_ms.is_some()),
            ("offer_lifetime_secs", self.offer_lifetime_secs.is_some()),
            ("url_scheme", self.url_scheme.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

/// The WebSocket address of a GraphQL endpoint served over HTTP(S).
fn websocket_url(api_url: &Url) -> Url {
    let mut ws = api_url.clone();
    let scheme = if api_url.scheme() == "https" { "wss" } else { "ws" };
    // Both schemes are special and of the same kind, so this cannot fail.
    let _ = ws.set_scheme(scheme);
    ws
}

impl RawTemplate {
    /// The first field set that only the other kind of template uses: a
    /// misplaced setting would otherwise be silently ignored.
    fn fields_of_the_other_kind(&self) -> Option<&'static str> {
        let issuance_only = [
            ("manifest", self.manifest.is_some()),
            ("contract_id", self.contract_id.is_some()),
            (
                "credential_definition_id",
                self.credential_definition_id.is_some(),
            ),
            ("issuance_mode", self.issuance_mode.is_some()),
            ("credential_format", self.credential_format.is_some()),
            ("pin_length", self.pin_length.is_some()),
            ("pin_hashed", self.pin_hashed.is_some()),
            ("claims", !self.claims.is_empty()),
            ("photo_claim", self.photo_claim.is_some()),
        ];
        let presentation_only = [
            ("purpose", self.purpose.is_some()),
            ("accepted_issuers", !self.accepted_issuers.is_empty()),
            ("allow_revoked", self.allow_revoked.is_some()),
            ("validate_linked_domain", self.validate_linked_domain.is_some()),
            ("include_receipt", self.include_receipt.is_some()),
            ("constraints", !self.constraints.is_empty()),
            ("face_check", self.face_check.is_some()),
        ];
        let other = match self.kind.as_str() {
            "issuance" => presentation_only.as_slice(),
            "presentation" => issuance_only.as_slice(),
            _ => return None,
        };
        other.iter().find(|(_, set)| *set).map(|(name, _)| *name)
    }
}

/// The fields of a raw template that only some services use.
struct IssuanceTargetFields {
    manifest: Option<String>,
    authority: Option<String>,
    client_name: String,
    contract_id: Option<String>,
    credential_definition_id: Option<String>,
    issuance_mode: Option<String>,
    credential_format: Option<String>,
    /// Checked by every service; OID4VCI issuers allow fewer characters.
    pin_length: Option<u8>,
}

fn default_template_kind() -> String {
    "issuance".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    name: String,
    label: Option<String>,
    #[serde(default)]
    required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConstraint {
    claim: String,
    values: Option<Vec<String>>,
    contains: Option<String>,
    starts_with: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFaceCheck {
    source_photo_claim: String,
    match_confidence_threshold: Option<u8>,
}

// ---- validation -------------------------------------------------------------

struct Validator<'a> {
    origin: &'a str,
}

impl Validator<'_> {
    fn invalid(
        &self,
        field: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            path: self.origin.to_owned(),
            field: field.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    fn required(&self, value: Option<String>, field: &str, fix: &str) -> Result<String, ConfigError> {
        match value {
            Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
            _ => Err(self.invalid(field, "is missing", fix)),
        }
    }

    fn http_url(&self, value: &str, field: &str) -> Result<Url, ConfigError> {
        match Url::parse(value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(url),
            _ => Err(self.invalid(
                field,
                format!("is not an absolute http(s) URL: '{value}'"),
                "write a full URL such as https://example.com/path",
            )),
        }
    }

    fn did(&self, value: Option<String>, field: &str) -> Result<String, ConfigError> {
        let did = self.required(
            value,
            field,
            "set the DID shown in your Verified ID settings, e.g. did:web:contoso.com",
        )?;
        if !did.starts_with("did:") {
            return Err(self.invalid(
                field,
                format!("is not a DID: '{did}'"),
                "a DID starts with 'did:', e.g. did:web:contoso.com",
            ));
        }
        Ok(did)
    }

    fn config(&self, raw: RawConfig) -> Result<StationConfig, ConfigError> {
        let station = self.station(raw.station)?;
        let callback = self.callback(raw.callback)?;
        let flow = self.flow(raw.flow)?;
        let mut services = BTreeMap::new();
        for (name, service) in raw.services {
            let service = self.service(&name, service, station.use_sandbox)?;
            services.insert(name, service);
        }
        if raw.templates.is_empty() && !station.use_sandbox {
            return Err(self.invalid(
                "templates",
                "has no entries",
                "add at least one [templates.<name>] table",
            ));
        }
        let mut templates = BTreeMap::new();
        for (name, template) in raw.templates {
            let template = self.template(&name, template, &services)?;
            templates.insert(name, template);
        }
        // With use_sandbox the file's services are not used at all.
        if !station.use_sandbox {
            self.public_callback(&callback, &services)?;
        }
        let camera = raw
            .camera
            .map(|c| self.camera(c))
            .transpose()?
            .unwrap_or_default();
        Ok(StationConfig {
            station,
            callback,
            flow,
            services,
            templates,
            camera,
        })
    }

    fn camera(&self, raw: RawCamera) -> Result<CameraConfig, ConfigError> {
        let defaults = CameraConfig::default();
        let (width, height, fps) = (
            raw.width.unwrap_or(defaults.width),
            raw.height.unwrap_or(defaults.height),
            raw.fps.unwrap_or(defaults.fps),
        );
        let source = match (raw.device, raw.pictures) {
            (Some(_), Some(_)) => {
                return Err(self.invalid(
                    "camera.device",
                    "is set together with `camera.pictures`".to_owned(),
                    "keep `device` for a webcam or `pictures` for the synthetic camera, not both",
                ))
            }
            (_, Some(pictures)) => CameraSource::Pictures(PathBuf::from(pictures)),
            (device, None) => CameraSource::Device(device.filter(|name| !name.trim().is_empty())),
        };
        if !(320..=3840).contains(&width) || !(240..=2160).contains(&height) {
            return Err(self.invalid(
                "camera.width/height",
                format!("is {width}×{height}"),
                "use a camera resolution such as 1280×720",
            ));
        }
        if !(1..=60).contains(&fps) {
            return Err(self.invalid(
                "camera.fps",
                format!("is {fps}"),
                "use 1 to 60 frames per second, e.g. 25",
            ));
        }
        Ok(CameraConfig {
            source,
            width,
            height,
            fps,
        })
    }

    fn station(&self, raw: RawStation) -> Result<StationOptions, ConfigError> {
        let defaults = StationOptions::default();
        let result_reset_secs = raw.result_reset_secs.unwrap_or(defaults.result_reset_secs);
        if !(3..=600).contains(&result_reset_secs) {
            return Err(self.invalid(
                "station.result_reset_secs",
                format!("is {result_reset_secs}"),
                "use 3 to 600 seconds: long enough to read the result, short enough to protect the recipient's data",
            ));
        }
        Ok(StationOptions {
            use_sandbox: raw.use_sandbox,
            kiosk: raw.kiosk,
            result_reset_secs,
            open_in_wallet: raw.open_in_wallet,
        })
    }

    fn callback(&self, raw: RawCallback) -> Result<CallbackConfig, ConfigError> {
        let bind_text = raw.bind.unwrap_or_else(|| DEFAULT_CALLBACK_BIND.to_owned());
        let bind = bind_text.parse().map_err(|_| {
            self.invalid(
                "callback.bind",
                format!("is not an IP address and port: '{bind_text}'"),
                "use a form like 0.0.0.0:47381 or 127.0.0.1:47381",
            )
        })?;
        let public_url = raw
            .public_url
            .map(|u| self.http_url(&u, "callback.public_url"))
            .transpose()?;
        Ok(CallbackConfig { bind, public_url })
    }

    /// A real service that calls back needs a callback URL the internet
    /// can reach: checked here, because the service would refuse every
    /// request the station makes (Entra: "URL must be public").
    fn public_callback(
        &self,
        callback: &CallbackConfig,
        services: &BTreeMap<String, ServiceConfig>,
    ) -> Result<(), ConfigError> {
        let Some(service) = services.values().find(|s| !s.sandbox && s.kind.calls_back()) else {
            return Ok(());
        };
        let problem = match &callback.public_url {
            None => Some("is not set".to_owned()),
            Some(url) => reachability::unreachable_from_internet(url),
        };
        match problem {
            None => Ok(()),
            Some(problem) => Err(self.invalid(
                "callback.public_url",
                format!(
                    "{problem}, but service '{}' ({}) sends its events to the station's callback URL, which it must reach from the internet",
                    service.name,
                    service.kind.display_name()
                ),
                format!(
                    "put an https reverse proxy or tunnel in front of the callback listener ({}) and set callback.public_url to its public https address; or, for Verified Orchestration, use events = \"subscription\", which needs no public URL",
                    callback.bind
                ),
            )),
        }
    }

    /// Every `flow.*` setting is bounded, so no sum of times the flow makes
    /// from them can overflow, and a typo (an extra zero or three) is caught
    /// here instead of leaving a request on screen for a week.
    fn flow(&self, raw: RawFlow) -> Result<FlowTiming, ConfigError> {
        let defaults = FlowTiming::default();
        let secs =
            |value: Option<u64>, default: Duration, field: &str, range: std::ops::RangeInclusive<u64>| {
                let Some(secs) = value else {
                    return Ok(default);
                };
                if range.contains(&secs) {
                    Ok(Duration::from_secs(secs))
                } else {
                    Err(self.invalid(
                        format!("flow.{field}"),
                        format!("is {secs}"),
                        format!("use {} to {} seconds", range.start(), range.end()),
                    ))
                }
            };
        let max_renewals = raw.max_renewals.unwrap_or(defaults.max_renewals);
        if max_renewals > MAX_RENEWALS {
            return Err(self.invalid(
                "flow.max_renewals",
                format!("is {max_renewals}"),
                format!("use 0 to {MAX_RENEWALS}; an abandoned station should stop making requests"),
            ));
        }
        Ok(FlowTiming {
            renew_before: secs(
                raw.renew_before_secs,
                defaults.renew_before,
                "renew_before_secs",
                1..=3600,
            )?,
            max_renewals,
            retrieved_grace: secs(
                raw.retrieved_grace_secs,
                defaults.retrieved_grace,
                "retrieved_grace_secs",
                0..=3600,
            )?,
            switch_back: secs(
                raw.switch_back_secs,
                defaults.switch_back,
                "switch_back_secs",
                0..=300,
            )?,
        })
    }

    fn service(&self, name: &str, raw: RawService, use_sandbox: bool) -> Result<ServiceConfig, ConfigError> {
        let field = |f: &str| format!("services.{name}.{f}");
        let (kind_name, allowed): (&str, &[&str]) = match raw.kind.as_str() {
            "entra" | "entra-preview" => (
                "an Entra",
                &["tenant", "client_id", "authority_host", "api_base", "scope"],
            ),
            "orchestration" => (
                "a Verified Orchestration",
                &["client_id", "scope", "api_url", "ws_url", "token_url", "events", "poll_interval_ms"],
            ),
            "oid4vci" => (
                "an OID4VCI",
                &["api_base", "poll_interval_ms", "offer_lifetime_secs", "url_scheme"],
            ),
            other => {
                return Err(self.invalid(
                    field("kind"),
                    format!("is '{other}', which this station does not know"),
                    "use \"entra\" (or \"entra-preview\" for the older preview API), \"orchestration\" or \"oid4vci\"",
                ))
            }
        };
        if let Some(stray) = raw.fields_set().into_iter().find(|f| !allowed.contains(f)) {
            return Err(self.invalid(
                field(stray),
                format!("does not apply to {kind_name} service"),
                format!("remove it; {kind_name} service takes {}", allowed.join(", ")),
            ));
        }
        let kind = match raw.kind.as_str() {
            "orchestration" => ServiceKind::Orchestration(self.orchestration(name, &raw)?),
            "oid4vci" => ServiceKind::Oid4vci(self.oid4vci(name, &raw)?),
            _ => ServiceKind::Entra(self.entra(name, raw.kind == "entra-preview", &raw)?),
        };
        // A local stand-in (`station sandbox`) speaks plain http on loopback;
        // with use_sandbox, the file's services are not used at all.
        if !raw.sandbox && !use_sandbox {
            for (endpoint, url, scheme) in kind.endpoints() {
                if let Some(problem) = reachability::insecure_scheme(url, scheme) {
                    return Err(self.invalid(
                        field(endpoint),
                        problem,
                        "use the service's https:// (wss:// for ws_url) address; a local stand-in such as `station sandbox` is marked `sandbox = true` instead",
                    ));
                }
            }
        }
        Ok(ServiceConfig {
            name: name.to_owned(),
            sandbox: raw.sandbox,
            kind,
        })
    }

    fn entra(&self, name: &str, preview: bool, raw: &RawService) -> Result<EntraConfig, ConfigError> {
        let field = |f: &str| format!("services.{name}.{f}");
        let api_shape = if preview {
            EntraApiShape::Preview
        } else {
            EntraApiShape::Current
        };
        let tenant = self.required(
            raw.tenant.clone(),
            &field("tenant"),
            "set your Entra tenant ID (a GUID) or tenant name",
        )?;
        // The tenant goes into the token URL's path: nothing that could change the URL.
        if !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        {
            return Err(self.invalid(
                field("tenant"),
                format!("'{tenant}' is not a tenant ID or name"),
                "use the tenant's GUID or its domain, e.g. contoso.onmicrosoft.com",
            ));
        }
        let client_id = self.required(
            raw.client_id.clone(),
            &field("client_id"),
            "set the application (client) ID of your app registration",
        )?;
        let authority_host = self.http_url(
            raw.authority_host.as_deref().unwrap_or(ENTRA_AUTHORITY_HOST),
            &field("authority_host"),
        )?;
        let default_api_base = match api_shape {
            EntraApiShape::Current => ENTRA_API_BASE,
            EntraApiShape::Preview => ENTRA_PREVIEW_API_BASE,
        };
        let api_base = self.http_url(
            raw.api_base.as_deref().unwrap_or(default_api_base),
            &field("api_base"),
        )?;
        let default_scope = match api_shape {
            EntraApiShape::Current => ENTRA_SCOPE,
            EntraApiShape::Preview => ENTRA_PREVIEW_SCOPE,
        };
        Ok(EntraConfig {
            tenant,
            client_id,
            authority_host,
            api_base,
            api_shape,
            scope: raw.scope.clone().unwrap_or_else(|| default_scope.to_owned()),
        })
    }

    fn orchestration(&self, name: &str, raw: &RawService) -> Result<OrchestrationConfig, ConfigError> {
        let field = |f: &str| format!("services.{name}.{f}");
        let api_url = self.http_url(
            &self.required(
                raw.api_url.clone(),
                &field("api_url"),
                "set the GraphQL endpoint of your Verified Orchestration instance",
            )?,
            &field("api_url"),
        )?;
        let ws_url = match &raw.ws_url {
            Some(url) => Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "ws" | "wss"))
                .ok_or_else(|| {
                    self.invalid(
                        field("ws_url"),
                        format!("'{url}' is not a ws:// or wss:// URL"),
                        "give the WebSocket address of the GraphQL endpoint",
                    )
                })?,
            None => websocket_url(&api_url),
        };
        let token_url = self.http_url(
            &self.required(
                raw.token_url.clone(),
                &field("token_url"),
                "set the OAuth2 token endpoint, e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token",
            )?,
            &field("token_url"),
        )?;
        let client_id = self.required(
            raw.client_id.clone(),
            &field("client_id"),
            "set the client ID the instance gave this station",
        )?;
        let scope = self.required(
            raw.scope.clone(),
            &field("scope"),
            "set the API scope of your instance, e.g. api://<instance>/.default",
        )?;
        let events = match raw.events.as_deref() {
            None | Some("subscription") => OrchestrationEvents::Subscription,
            Some("callback") => OrchestrationEvents::Callback,
            Some(other) => {
                return Err(self.invalid(
                    field("events"),
                    format!("is '{other}'"),
                    "use \"subscription\" (no public URL needed) or \"callback\"",
                ))
            }
        };
        let reconcile_interval = self.poll_interval(
            name,
            raw,
            DEFAULT_RECONCILE_INTERVAL_MS,
            "use 200 to 10000 ms; it bounds how long an issuance whose event was lost stays on screen",
        )?;
        Ok(OrchestrationConfig {
            api_url,
            ws_url,
            token_url,
            client_id,
            scope,
            events,
            reconcile_interval,
        })
    }

    /// `poll_interval_ms`: how often a service is asked where a request
    /// stands; 200 ms to 10 s.
    fn poll_interval(
        &self,
        name: &str,
        raw: &RawService,
        default_ms: u64,
        hint: &str,
    ) -> Result<Duration, ConfigError> {
        let ms = raw.poll_interval_ms.unwrap_or(default_ms);
        if !(200..=10_000).contains(&ms) {
            return Err(self.invalid(
                format!("services.{name}.poll_interval_ms"),
                format!("is {ms}"),
                hint,
            ));
        }
        Ok(Duration::from_millis(ms))
    }

    fn oid4vci(&self, name: &str, raw: &RawService) -> Result<Oid4vciConfig, ConfigError> {
        let field = |f: &str| format!("services.{name}.{f}");
        let api_base = self.http_url(
            &self.required(
                raw.api_base.clone(),
                &field("api_base"),
                "set the base URL of the issuer's admin API",
            )?,
            &field("api_base"),
        )?;
        let poll_interval = self.poll_interval(
            name,
            raw,
            DEFAULT_POLL_INTERVAL_MS,
            "use 200 to 10000 ms; 1000 shows the PIN within a second of the scan",
        )?;
        let offer_lifetime_secs = raw.offer_lifetime_secs.unwrap_or(DEFAULT_OFFER_LIFETIME_SECS);
        if !(30..=86_400).contains(&offer_lifetime_secs) {
            return Err(self.invalid(
                field("offer_lifetime_secs"),
                format!("is {offer_lifetime_secs}"),
                "use 30 to 86400 seconds, no longer than the issuer keeps a pre-authorized code",
            ));
        }
        let url_scheme = match raw.url_scheme.as_deref() {
            None | Some("openid-credential-offer://") => OfferScheme::CredentialOffer,
            Some("haip://") => OfferScheme::Haip,
            Some(other) => {
                return Err(self.invalid(
                    field("url_scheme"),
                    format!("is '{other}'"),
                    "use \"openid-credential-offer://\" or \"haip://\"",
                ))
            }
        };
        Ok(Oid4vciConfig {
            api_base,
            poll_interval,
            offer_lifetime: Duration::from_secs(offer_lifetime_secs),
            url_scheme,
        })
    }

    fn template(
        &self,
        name: &str,
        raw: RawTemplate,
        services: &BTreeMap<String, ServiceConfig>,
    ) -> Result<Template, ConfigError> {
        let field = |f: &str| format!("templates.{name}.{f}");
        if let Some(stray) = raw.fields_of_the_other_kind() {
            return Err(self.invalid(
                field(stray),
                format!(
                    "belongs to the other kind of template, not to a {} template",
                    raw.kind
                ),
                "remove it, or set kind = \"issuance\" / \"presentation\" to the kind you meant",
            ));
        }
        let service = self.required(
            raw.service,
            &field("service"),
            "name one of the [services.<name>] tables",
        )?;
        if !services.contains_key(&service) {
            let known = services.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(self.invalid(
                field("service"),
                format!("names '{service}', which is not configured"),
                format!("use one of: {known}"),
            ));
        }
        let display_name = raw.display_name.unwrap_or_else(|| name.to_owned());
        let credential_type = self.required(
            raw.credential_type,
            &field("credential_type"),
            "set the credential type from the contract, e.g. VerifiedEmployee",
        )?;
        let client_name = raw.client_name.unwrap_or_else(|| "Issuance Station".to_owned());
        let kind = &services[&service].kind;
        match raw.kind.as_str() {
            "issuance" => {
                let target = self.issuance_target(
                    name,
                    kind,
                    IssuanceTargetFields {
                        manifest: raw.manifest,
                        authority: raw.authority,
                        client_name,
                        contract_id: raw.contract_id,
                        credential_definition_id: raw.credential_definition_id,
                        issuance_mode: raw.issuance_mode,
                        credential_format: raw.credential_format,
                        pin_length: raw.pin_length,
                    },
                )?;
                let pin_length = match raw.pin_length.unwrap_or(DEFAULT_PIN_LENGTH) {
                    0 => None,
                    n if (MIN_PIN_LENGTH..=MAX_PIN_LENGTH).contains(&n) => Some(n),
                    n => {
                        return Err(self.invalid(
                            field("pin_length"),
                            format!("is {n}"),
                            format!("use {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits, or 0 for no PIN"),
                        ))
                    }
                };
                let claims = self.claims(name, raw.claims)?;
                let photo_claim = raw
                    .photo_claim
                    .map(|photo| self.photo_claim(name, photo, &claims))
                    .transpose()?;
                Ok(Template::Issuance(IssuanceTemplate {
                    name: name.to_owned(),
                    display_name,
                    service,
                    credential_type,
                    target,
                    pin_length,
                    pin_hashed: raw.pin_hashed.unwrap_or(false),
                    claims,
                    photo_claim,
                }))
            }
            "presentation" => {
                if !matches!(kind, ServiceKind::Entra(_)) {
                    return Err(self.invalid(
                        field("service"),
                        format!("names '{service}', which cannot ask a wallet to present"),
                        "verify with a Microsoft Entra Verified ID service",
                    ));
                }
                let authority = self.did(raw.authority, &field("authority"))?;
                let constraints = raw
                    .constraints
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| self.constraint(&field(&format!("constraints[{i}]")), c))
                    .collect::<Result<Vec<_>, _>>()?;
                let face_check = raw
                    .face_check
                    .map(|f| self.face_check(&field("face_check"), f))
                    .transpose()?;
                Ok(Template::Presentation(PresentationTemplate {
                    name: name.to_owned(),
                    display_name,
                    service,
                    authority,
                    client_name,
                    purpose: raw.purpose,
                    credential_type,
                    accepted_issuers: raw.accepted_issuers,
                    allow_revoked: raw.allow_revoked.unwrap_or(false),
                    validate_linked_domain: raw.validate_linked_domain.unwrap_or(false),
                    include_receipt: raw.include_receipt.unwrap_or(false),
                    constraints,
                    face_check,
                }))
            }
            other => Err(self.invalid(
                field("kind"),
                format!("is '{other}'"),
                "use \"issuance\" or \"presentation\"",
            )),
        }
    }

    /// The service-specific fields of an issuance template: each service
    /// needs its own, and refuses the others' (they would be ignored).
    fn issuance_target(
        &self,
        template: &str,
        kind: &ServiceKind,
        raw: IssuanceTargetFields,
    ) -> Result<IssuanceTarget, ConfigError> {
        let field = |f: &str| format!("templates.{template}.{f}");
        let (service_kind, allowed): (&str, &[&str]) = match kind {
            ServiceKind::Entra(_) => ("an Entra", &["manifest", "authority"]),
            ServiceKind::Orchestration(_) => ("a Verified Orchestration", &["contract_id"]),
            ServiceKind::Oid4vci(_) => (
                "an OID4VCI",
                &["credential_definition_id", "issuance_mode", "credential_format"],
            ),
        };
        let set = [
            ("manifest", raw.manifest.is_some()),
            ("authority", raw.authority.is_some()),
            ("contract_id", raw.contract_id.is_some()),
            ("credential_definition_id", raw.credential_definition_id.is_some()),
            ("issuance_mode", raw.issuance_mode.is_some()),
            ("credential_format", raw.credential_format.is_some()),
        ];
        if let Some((stray, _)) = set
            .iter()
            .find(|(name, is_set)| *is_set && !allowed.contains(name))
        {
            return Err(self.invalid(
                field(stray),
                format!("does not apply to {service_kind} service"),
                format!("remove it; {service_kind} template uses {}", allowed.join(", ")),
            ));
        }
        match kind {
            ServiceKind::Entra(_) => {
                let manifest_text = self.required(
                    raw.manifest,
                    &field("manifest"),
                    "set the contract's manifest URL from the Verified ID portal",
                )?;
                Ok(IssuanceTarget::Entra {
                    manifest: self.http_url(&manifest_text, &field("manifest"))?,
                    authority: self.did(raw.authority, &field("authority"))?,
                    client_name: raw.client_name,
                })
            }
            ServiceKind::Orchestration(_) => {
                let contract_id = self.required(
                    raw.contract_id,
                    &field("contract_id"),
                    "set the contract's id from the Verified Orchestration portal",
                )?;
                // The service's ids are UUIDs: a contract's name would fail
                // only at the desk, as a GraphQL validation error.
                if uuid::Uuid::parse_str(&contract_id).is_err() {
                    return Err(self.invalid(
                        field("contract_id"),
                        format!("'{contract_id}' is not a UUID"),
                        "copy the contract's id (a UUID such as 5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f10) from the Verified Orchestration portal, not its name",
                    ));
                }
                Ok(IssuanceTarget::Orchestration { contract_id })
            }
            ServiceKind::Oid4vci(_) => {
                let mode = match raw.issuance_mode.as_deref() {
                    None | Some("in_time") => Oid4vciMode::InTime,
                    Some("deferred") => Oid4vciMode::Deferred,
                    Some(other) => {
                        return Err(self.invalid(
                            field("issuance_mode"),
                            format!("is '{other}'"),
                            "use \"in_time\" (issued at once) or \"deferred\" (claims supplied later)",
                        ))
                    }
                };
                let credential_format = match raw.credential_format.as_deref() {
                    None => CredentialFormat::default(),
                    Some(name) => CredentialFormat::named(name).ok_or_else(|| {
                        let known: Vec<&str> = CredentialFormat::ALL.iter().map(|f| f.as_str()).collect();
                        self.invalid(
                            field("credential_format"),
                            format!("is '{name}'"),
                            format!(
                                "use the format of the issuer's credential definition: one of {}",
                                known.join(", ")
                            ),
                        )
                    })?,
                };
                if let Some(n) = raw.pin_length.filter(|n| *n > OID4VCI_MAX_PIN_LENGTH) {
                    return Err(self.invalid(
                        field("pin_length"),
                        format!(
                            "is {n}, but an OID4VCI issuer takes a userPin (the offer's tx_code) of 4 to {OID4VCI_MAX_PIN_LENGTH} characters"
                        ),
                        format!("use {MIN_PIN_LENGTH} to {OID4VCI_MAX_PIN_LENGTH} digits, or 0 for no PIN"),
                    ));
                }
                Ok(IssuanceTarget::Oid4vci {
                    credential_definition_id: self.required(
                        raw.credential_definition_id,
                        &field("credential_definition_id"),
                        "set the issuer's credential definition id",
                    )?,
                    mode,
                    credential_format,
                })
            }
        }
    }

    fn claims(&self, template: &str, raw: Vec<RawClaim>) -> Result<Vec<ClaimField>, ConfigError> {
        let mut fields: Vec<ClaimField> = Vec::with_capacity(raw.len());
        for (i, claim) in raw.into_iter().enumerate() {
            let field = format!("templates.{template}.claims[{i}].name");
            let valid = !claim.name.is_empty()
                && claim
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !valid {
                return Err(self.invalid(
                    field,
                    format!("is '{}'", claim.name),
                    "use letters, digits, '_', '-' or '.' as in the contract's claim mapping",
                ));
            }
            if fields.iter().any(|f| f.name == claim.name) {
                return Err(self.invalid(field, format!("repeats '{}'", claim.name), "list each claim once"));
            }
            fields.push(ClaimField {
                label: claim.label.unwrap_or_else(|| claim.name.clone()),
                name: claim.name,
                required: claim.required,
            });
        }
        Ok(fields)
    }

    fn photo_claim(
        &self,
        template: &str,
        name: String,
        claims: &[ClaimField],
    ) -> Result<String, ConfigError> {
        let field = format!("templates.{template}.photo_claim");
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(self.invalid(
                field,
                format!("is '{name}'"),
                "name the contract's photo claim, e.g. photo",
            ));
        }
        if claims.iter().any(|c| c.name == name) {
            return Err(self.invalid(
                field,
                format!("'{name}' is also a typed-in claim"),
                "remove it from claims: the photo comes from the camera",
            ));
        }
        Ok(name)
    }

    fn constraint(&self, field: &str, raw: RawConstraint) -> Result<ClaimConstraint, ConfigError> {
        let rule = match (raw.values, raw.contains, raw.starts_with) {
            (Some(values), None, None) if !values.is_empty() => ConstraintRule::Values(values),
            (None, Some(text), None) => ConstraintRule::Contains(text),
            (None, None, Some(text)) => ConstraintRule::StartsWith(text),
            _ => {
                return Err(self.invalid(
                    field,
                    "does not have exactly one of values, contains, starts_with",
                    "keep one operand per constraint (add another constraint for another rule)",
                ))
            }
        };
        Ok(ClaimConstraint {
            claim: raw.claim,
            rule,
        })
    }

    fn face_check(&self, field: &str, raw: RawFaceCheck) -> Result<PresentationFaceCheck, ConfigError> {
        let threshold = raw.match_confidence_threshold.unwrap_or(70);
        if !(50..=100).contains(&threshold) {
            return Err(self.invalid(
                format!("{field}.match_confidence_threshold"),
                format!("is {threshold}"),
                "use 50 to 100 (70 is the service default)",
            ));
        }
        if raw.source_photo_claim.is_empty() {
            return Err(self.invalid(
                format!("{field}.source_photo_claim"),
                "is empty",
                "name the credential's photo claim, e.g. photo",
            ));
        }
        Ok(PresentationFaceCheck {
            source_photo_claim: raw.source_photo_claim,
            match_confidence_threshold: threshold,
        })
    }
}
