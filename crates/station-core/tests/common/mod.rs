//! A station wired to a real sandbox over loopback HTTP, as tests need it.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::sync::Arc;
use std::time::Duration;

use station_core::config::StationConfig;
use station_core::flow::{FlowHandle, FlowState};
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::Engine;
use station_sandbox::{Sandbox, SandboxConfig, WalletClient};
use tempfile::TempDir;

pub struct Options {
    pub request_lifetime: Duration,
    pub pin_length: u8,
    pub pin_hashed: bool,
    pub service_kind: &'static str,
    pub client_secret: &'static str,
    pub extra_toml: String,
    /// Where requests go; the sandbox unless a test needs a remote address.
    pub api_base: Option<String>,
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
            api_base: None,
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

pub fn config_toml(base_url: &str, options: &Options) -> String {
    format!(
        r#"
[callback]
bind = "127.0.0.1:0"

[services.desk]
kind = "{kind}"
sandbox = true
tenant = "sandbox-tenant"
client_id = "sandbox-client"
authority_host = "{base_url}"
api_base = "{api_base}"

[templates.expert]
display_name = "Verified Credential Expert"
service = "desk"
credential_type = "VerifiedCredentialExpert"
manifest = "{base_url}/v1.0/12345678-0000-0000-0000-000000000000/verifiableCredential/contracts/VerifiedCredentialExpert"
authority = "did:web:issuer.example"
client_name = "Verifiable Credential Expert Sample"
pin_length = {pin_length}
pin_hashed = {pin_hashed}
claims = [
  {{ name = "given_name", label = "First name", required = true }},
  {{ name = "family_name", label = "Last name", required = true }},
]

[templates.checkin]
kind = "presentation"
service = "desk"
credential_type = "VerifiedCredentialExpert"
authority = "did:web:verifier.example"
client_name = "Veritable Credential Expert Verifier"
purpose = "So we can see that you a veritable credentials expert"
accepted_issuers = ["did:web:issuer.example"]
include_receipt = true
constraints = [ {{ claim = "family_name", values = ["Bowen", "Smith"] }} ]
{extra}
"#,
        kind = options.service_kind,
        pin_length = options.pin_length,
        pin_hashed = options.pin_hashed,
        extra = options.extra_toml,
        api_base = options.api_base.as_deref().unwrap_or(base_url),
    )
}

pub async fn station(options: Options) -> Station {
    let sandbox = Sandbox::start(SandboxConfig {
        request_lifetime: options.request_lifetime,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let text = config_toml(&sandbox.base_url(), &options).replace("{base_url}", &sandbox.base_url());
    let config = StationConfig::from_toml(&text, "test config").unwrap();
    let secrets = MemoryStore::default();
    secrets.set("desk", &Secret::new(options.client_secret)).unwrap();
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

pub fn megan() -> station_core::provider::Claims {
    [("given_name", "Megan"), ("family_name", "Bowen")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
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

pub async fn shown(handle: &FlowHandle) -> station_core::flow::ShownRequest {
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
pub async fn issue_to_megan(
    s: &Station,
) -> (FlowHandle, station_core::flow::ShownRequest, serde_json::Value) {
    let flow = s.engine.issue("expert", &megan()).unwrap();
    let request = shown(&flow).await;
    let body = s.sandbox.received(&request.request_id).unwrap();
    (flow, request, body)
}

/// Plays the wallet through a whole issuance: scan, type the PIN the
/// station revealed, accept. Returns the flow's end state.
pub async fn scan_and_accept(
    s: &Station,
    flow: &FlowHandle,
    request: &station_core::flow::ShownRequest,
) -> FlowState {
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
        FlowState::Failed { code, message } => (code, message),
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

/// A Verified Orchestration service `vo` on the sandbox, with events by
/// `events` ("subscription" or "callback"), and its two contracts as
/// templates: `member` (EventBadge: three required claims, no photo) and
/// `staff` (StaffId: Face Check, so a photo is required).
pub fn orchestration_options(events: &str) -> Options {
    let toml = r#"
[services.vo]
kind = "orchestration"
sandbox = true
api_url = "{base_url}/orchestration/graphql"
token_url = "{base_url}/sandbox-tenant/oauth2/v2.0/token"
client_id = "sandbox-client"
scope = "SCOPE"
events = "EVENTS"

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
    Options {
        extra_toml: toml
            .replace("SCOPE", station_sandbox::ORCHESTRATION_SCOPE)
            .replace("EVENTS", events),
        extra_secrets: vec![("vo", "sandbox-secret".to_owned())],
        ..Options::default()
    }
}

/// Megan, with the company the EventBadge contract requires.
pub fn megan_at_contoso() -> station_core::provider::Claims {
    let mut claims = megan();
    claims.insert("company".into(), "Contoso".into());
    claims
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
    let path = format!(
        "{}/tests/fixtures/photos/astronaut.png",
        env!("CARGO_MANIFEST_DIR")
    );
    station_core::photo::accept(
        &image::open(path).unwrap(),
        &station_core::photo::PhotoPolicy::default(),
    )
    .unwrap()
}

/// A token source for the sandbox's Verified Orchestration, as the
/// station's subscription uses it.
pub fn orchestration_tokens(sandbox: &Sandbox) -> station_core::provider::oauth::TokenSource {
    use station_core::provider::oauth::{ClientCredential, TokenSource};
    let secrets = MemoryStore::default();
    secrets.set("vo", &Secret::new("sandbox-secret")).unwrap();
    TokenSource::new(
        reqwest::Client::new(),
        format!("{}/sandbox-tenant/oauth2/v2.0/token", sandbox.base_url())
            .parse()
            .unwrap(),
        "sandbox-client".into(),
        station_sandbox::ORCHESTRATION_SCOPE.into(),
        ClientCredential::Secret { service: "vo".into() },
        Arc::new(secrets),
    )
}

/// Accepts the subprotocol the station asks for, as a GraphQL server does.
// tungstenite's callback signature fixes the (large) error type.
#[allow(clippy::result_large_err)]
fn offer_graphql_transport_ws(
    _: &tokio_tungstenite::tungstenite::handshake::server::Request,
    mut response: tokio_tungstenite::tungstenite::handshake::server::Response,
) -> Result<
    tokio_tungstenite::tungstenite::handshake::server::Response,
    tokio_tungstenite::tungstenite::handshake::server::ErrorResponse,
> {
    response
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    Ok(response)
}

/// A graphql-transport-ws server on loopback that answers each client
/// message as `answer` says (`None`: silence), and notes when each
/// connection was accepted: a stand-in for a misbehaving service.
pub struct ScriptedGraphqlServer {
    pub ws_url: String,
    pub accepted: Arc<std::sync::Mutex<Vec<std::time::Instant>>>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedGraphqlServer {
    pub async fn start(answer: fn(&serde_json::Value) -> Option<serde_json::Value>) -> ScriptedGraphqlServer {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_url = format!("ws://{}/graphql", listener.local_addr().unwrap());
        let accepted = Arc::new(std::sync::Mutex::new(Vec::new()));
        let noted = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                noted.lock().unwrap().push(std::time::Instant::now());
                tokio::spawn(async move {
                    let Ok(mut socket) =
                        tokio_tungstenite::accept_hdr_async(tcp, offer_graphql_transport_ws).await
                    else {
                        return;
                    };
                    while let Some(Ok(message)) = socket.next().await {
                        let Message::Text(text) = message else { continue };
                        let Ok(received) = serde_json::from_str::<serde_json::Value>(&text) else {
                            continue;
                        };
                        if let Some(reply) = answer(&received) {
                            if socket.send(Message::text(reply.to_string())).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        ScriptedGraphqlServer {
            ws_url,
            accepted,
            task,
        }
    }

    /// When each connection so far was accepted.
    pub fn accepted(&self) -> Vec<std::time::Instant> {
        self.accepted.lock().unwrap().clone()
    }
}

impl Drop for ScriptedGraphqlServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
