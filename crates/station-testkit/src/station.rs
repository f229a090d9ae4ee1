//! A station (the engine, no window) wired to a real sandbox over loopback
//! HTTP, and the steps a desk and a wallet take with it.

use std::sync::Arc;
use std::time::Duration;

use station_core::config::StationConfig;
use station_core::flow::{FlowHandle, FlowState, ShownRequest};
use station_core::provider::Claims;
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::Engine;
use station_sandbox::{Sandbox, SandboxConfig, WalletClient};
use tempfile::TempDir;

use crate::config::{Service, StationToml};

/// The `expert` template: Megan's credential on the `desk` service.
const EXPERT_TEMPLATE: &str = r#"
display_name = "Verified Credential Expert"
service = "desk"
credential_type = "VerifiedCredentialExpert"
manifest = "{base_url}/v1.0/12345678-0000-0000-0000-000000000000/verifiableCredential/contracts/VerifiedCredentialExpert"
authority = "did:web:issuer.example"
client_name = "Verifiable Credential Expert Sample"
"#;

/// The `checkin` template: a presentation of the expert credential.
const CHECKIN_TEMPLATE: &str = r#"
kind = "presentation"
service = "desk"
credential_type = "VerifiedCredentialExpert"
authority = "did:web:verifier.example"
client_name = "Veritable Credential Expert Verifier"
purpose = "So we can see that you a veritable credentials expert"
accepted_issuers = ["did:web:issuer.example"]
include_receipt = true
constraints = [ { claim = "family_name", values = ["Bowen", "Smith"] } ]
"#;

/// How the station is set up: an Entra service `desk` on the sandbox with
/// the templates `expert` and `checkin`, and whatever `extra_toml` adds.
pub struct Options {
    pub request_lifetime: Duration,
    pub pin_length: u8,
    pub pin_hashed: bool,
    pub service_kind: &'static str,
    pub client_secret: &'static str,
    /// More services and templates; `{base_url}` is the sandbox's address.
    pub extra_toml: String,
    /// Secrets of services in `extra_toml`, by service name.
    pub extra_secrets: Vec<(&'static str, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            request_lifetime: Duration::from_secs(300),
            pin_length: 6,
            pin_hashed: false,
            service_kind: "entra",
            client_secret: "sandbox-secret",
            extra_toml: String::new(),
            extra_secrets: Vec::new(),
        }
    }
}

pub struct Station {
    pub sandbox: Sandbox,
    pub engine: Engine,
    pub wallet: WalletClient,
    pub data_dir: TempDir,
}

pub async fn station(options: Options) -> Station {
    let sandbox = crate::sandbox::start_with(SandboxConfig {
        request_lifetime: options.request_lifetime,
        ..SandboxConfig::default()
    })
    .await;
    let expert = format!(
        "{EXPERT_TEMPLATE}pin_length = {}\npin_hashed = {}\nclaims = [\n  {{ name = \"given_name\", label = \"First name\", required = true }},\n  {{ name = \"family_name\", label = \"Last name\", required = true }},\n]\n",
        options.pin_length, options.pin_hashed,
    );
    let file = StationToml::new(&sandbox.base_url())
        .service(
            "desk",
            Service::entra()
                .set("kind", options.service_kind)
                .with_secret(options.client_secret),
        )
        .template("expert", &expert)
        .template("checkin", CHECKIN_TEMPLATE)
        .extra(&options.extra_toml);
    let config = StationConfig::from_toml(&file.text(), "test config").unwrap();
    let secrets: MemoryStore = file.secret_store();
    for (service, secret) in &options.extra_secrets {
        secrets.set(service, &Secret::new(secret.clone())).unwrap();
    }
    let data_dir = tempfile::tempdir().unwrap();
    let engine = Engine::start(config, Arc::new(secrets), data_dir.path())
        .await
        .unwrap();
    let wallet = WalletClient::new(&sandbox.base_url());
    Station {
        sandbox,
        engine,
        wallet,
        data_dir,
    }
}

pub fn megan() -> Claims {
    [("given_name", "Megan"), ("family_name", "Bowen")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Megan, with the company the EventBadge contract requires.
pub fn megan_at_contoso() -> Claims {
    let mut claims = megan();
    claims.insert("company".into(), "Contoso".into());
    claims
}

/// Waits (bounded) until the flow's state satisfies `done`.
pub async fn wait_for(handle: &FlowHandle, done: impl Fn(&FlowState) -> bool) -> FlowState {
    let mut states = handle.watch();
    let result = tokio::time::timeout(Duration::from_secs(20), states.wait_for(|s| done(s))).await;
    match result {
        Ok(Ok(state)) => state.clone(),
        _ => panic!(
            "flow never reached the expected state; it is {:?}",
            handle.state()
        ),
    }
}

pub async fn shown(handle: &FlowHandle) -> ShownRequest {
    let state = wait_for(handle, |s| {
        matches!(s, FlowState::AwaitingScan { renewing: false, .. }) || s.is_terminal()
    })
    .await;
    match state.shown_request() {
        Some(request) => request.clone(),
        None => panic!("no request shown: {state:?}"),
    }
}

/// The callback details the station gave the service for `request_id`.
pub fn callback_of(sandbox: &Sandbox, request_id: &str) -> (String, String, String) {
    let body = sandbox
        .received(request_id)
        .expect("sandbox received the request");
    let callback = &body["callback"];
    (
        callback["url"].as_str().unwrap().to_owned(),
        callback["state"].as_str().unwrap().to_owned(),
        callback["headers"]["api-key"].as_str().unwrap().to_owned(),
    )
}

/// Issues the `expert` template to Megan and waits for the QR code; returns
/// the flow, the request on screen and the body the service received.
pub async fn issue_to_megan(s: &Station) -> (FlowHandle, ShownRequest, serde_json::Value) {
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    let body = s.sandbox.received(&request.request_id).unwrap();
    (flow, request, body)
}

/// Plays the wallet through a whole issuance: scan, type the PIN the
/// station revealed, accept. Returns the flow's end state.
pub async fn scan_and_accept(s: &Station, flow: &FlowHandle, request: &ShownRequest) -> FlowState {
    s.wallet.open(&request.url).await.unwrap();
    let retrieved = wait_for(flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    if let Some(pin) = retrieved.pin() {
        assert!(
            s.wallet
                .enter_pin(&request.request_id, pin.reveal())
                .await
                .unwrap()
                .accepted
        );
    }
    s.wallet.accept(&request.request_id).await.unwrap();
    flow.finished().await
}

/// The code and message of a flow that must fail.
pub async fn failure(flow: &FlowHandle) -> (String, String) {
    match flow.finished().await {
        FlowState::Failed(error) => (error.code, error.message),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// POSTs a callback body as a service (or a forger) would.
pub async fn post_callback(url: &str, api_key: Option<&str>, body: &serde_json::Value) -> reqwest::Response {
    let mut post = reqwest::Client::new().post(url).json(body);
    if let Some(key) = api_key {
        post = post.header("api-key", key);
    }
    post.send().await.unwrap()
}

/// The templates of the sandbox's two Verified Orchestration contracts.
const ORCHESTRATION_TEMPLATES: &str = r#"
[templates.member]
service = "vo"
credential_type = "EventBadge"
contract_id = "c0000000-0000-4000-8000-000000000001" # EventBadge
claims = [
  { name = "given_name", required = true },
  { name = "family_name", required = true },
  { name = "company", required = true },
]

[templates.staff]
service = "vo"
credential_type = "StaffId"
contract_id = "c0000000-0000-4000-8000-000000000002" # StaffId
photo_claim = "photo"
claims = [ { name = "given_name", required = true }, { name = "family_name", required = true } ]
"#;

/// A Verified Orchestration service `vo` on the sandbox, with events by
/// `events` ("subscription" or "callback"), and its two contracts as
/// templates: `member` (EventBadge: three required claims, no photo) and
/// `staff` (StaffId: Face Check, so a photo is required).
pub fn orchestration_options(events: &str) -> Options {
    let vo = Service::orchestration().set("events", events);
    Options {
        extra_toml: format!("{}{ORCHESTRATION_TEMPLATES}", vo.section("vo")),
        extra_secrets: vec![("vo", vo.secret().to_owned())],
        ..Options::default()
    }
}

/// An Entra template (on the `desk` service) whose credential carries the
/// holder's photo.
pub const ENTRA_PHOTO_TEMPLATE: &str = r#"
[templates.staff]
service = "desk"
credential_type = "StaffBadge"
manifest = "https://example.com/manifest"
authority = "did:web:issuer.example"
photo_claim = "photo"
claims = [ { name = "given_name", required = true }, { name = "family_name", required = true } ]
"#;

/// The astronaut fixture (one frontal face) as the station accepts it.
pub fn astronaut_photo() -> station_core::photo::Photo {
    station_core::photo::accept(
        &image::open(crate::paths::photo("astronaut.png")).unwrap(),
        &station_core::photo::PhotoPolicy::default(),
    )
    .unwrap()
}

/// A token source for the sandbox's Verified Orchestration, as the
/// station's subscription uses it.
pub fn orchestration_tokens(sandbox: &Sandbox) -> station_core::provider::oauth::TokenSource {
    use station_core::provider::oauth::{ClientCredential, TokenSource};
    let config = sandbox.config();
    let secrets = MemoryStore::default();
    secrets
        .set("vo", &Secret::new(config.client_secret.clone()))
        .unwrap();
    TokenSource::new(
        reqwest::Client::new(),
        format!("{}/{}/oauth2/v2.0/token", sandbox.base_url(), config.tenant_id)
            .parse()
            .unwrap(),
        config.client_id.clone(),
        station_sandbox::ORCHESTRATION_SCOPE.into(),
        ClientCredential::Secret { service: "vo".into() },
        Arc::new(secrets),
    )
}
