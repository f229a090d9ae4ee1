//! The real app, driven through tauri-driver and WebKitWebDriver, against a
//! sandbox this process owns (so tests can read what the service received
//! and play the wallet from outside, as a phone would).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use station_sandbox::{Sandbox, SandboxConfig, WalletClient};
use tempfile::TempDir;

use crate::config::{Service, StationToml};
use crate::net::free_port;

pub struct Window {
    pub client: Client,
    pub sandbox: Sandbox,
    pub wallet: WalletClient,
    driver: Child,
    _data: TempDir,
}

pub struct Setup {
    pub request_lifetime: Duration,
    pub result_reset_secs: u32,
    pub switch_back_secs: u64,
    /// What the synthetic camera plays, and how fast.
    pub camera_pictures: PathBuf,
    pub camera_fps: u32,
    /// The callback listener's port; 0 for any free one.
    pub callback_port: u16,
    /// Where the services are, when not on the window's own sandbox: a
    /// standalone `station sandbox` that a test stops and starts again.
    /// The wallet then acts on that one too.
    pub service_url: Option<String>,
    /// `[station] kiosk = true`: the page opens on the kiosk's attract screen.
    pub kiosk: bool,
    /// More TOML after the templates (a `[kiosk]` or `[queue]` table,
    /// another template).
    pub extra_toml: String,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            request_lifetime: Duration::from_secs(300),
            result_reset_secs: 60,
            switch_back_secs: 10,
            camera_pictures: crate::paths::photo("astronaut.png"),
            camera_fps: 25,
            callback_port: 0,
            service_url: None,
            kiosk: false,
            extra_toml: String::new(),
        }
    }
}

/// The administrator's templates, on the services of [`config`].
const TEMPLATES: &str = r#"
[templates.vo-badge]
display_name = "Member card"
service = "vo"
credential_type = "EventBadge"
contract_id = "c0000000-0000-4000-8000-000000000001" # EventBadge
claims = [
  { name = "given_name", label = "First name", required = true },
  { name = "family_name", label = "Last name", required = true },
  { name = "company", label = "Company", required = true },
]

[templates.vo-staff]
display_name = "Staff card"
service = "vo"
credential_type = "StaffId"
contract_id = "c0000000-0000-4000-8000-000000000002" # StaffId
photo_claim = "photo"
claims = [
  { name = "given_name", label = "First name", required = true },
  { name = "family_name", label = "Last name", required = true },
]

[templates.sd-badge]
display_name = "SD-JWT badge"
service = "issuer"
credential_type = "EventBadge"
credential_definition_id = "EventBadge"
claims = [
  { name = "given_name", label = "First name", required = true },
  { name = "family_name", label = "Last name", required = true },
]

[templates.badge]
display_name = "Event badge"
service = "desk"
credential_type = "EventBadge"
manifest = "{base_url}/manifest"
authority = "did:web:issuer.example"
pin_length = 6
claims = [
  { name = "given_name", label = "First name", required = true },
  { name = "family_name", label = "Last name", required = true },
]

[templates.staff]
display_name = "Staff badge"
service = "desk"
credential_type = "StaffBadge"
manifest = "{base_url}/manifest"
authority = "did:web:issuer.example"
photo_claim = "photo"
claims = [ { name = "given_name", label = "First name", required = true } ]

[templates.door]
kind = "presentation"
display_name = "Staff door"
service = "desk"
credential_type = "StaffBadge"
authority = "did:web:verifier.example"
accepted_issuers = ["did:web:issuer.example"]
constraints = [ { claim = "given_name", starts_with = "Me" } ]
face_check = { source_photo_claim = "photo", match_confidence_threshold = 70 }

[templates.checkin]
kind = "presentation"
display_name = "Check-in"
service = "desk"
credential_type = "EventBadge"
authority = "did:web:verifier.example"
accepted_issuers = ["did:web:issuer.example"]
"#;

/// Services on the sandbox of every kind, and the synthetic camera.
fn config(base_url: &str, setup: &Setup) -> StationToml {
    StationToml::new(base_url)
        .station("result_reset_secs", i64::from(setup.result_reset_secs))
        .callback_port(setup.callback_port)
        .flow("switch_back_secs", i64::try_from(setup.switch_back_secs).unwrap())
        .camera(&setup.camera_pictures, setup.camera_fps)
        .service("desk", Service::entra())
        .service("vo", Service::orchestration())
        .service("issuer", Service::oid4vci().set("poll_interval_ms", 200))
        // Where Settings writes an OID4VCI issuer; marked as a local stand-in
        // here so that Settings may point it at the sandbox over plain http.
        .service(
            "oid4vci",
            Service::oid4vci().set("api_base", "https://issuer.invalid/admin"),
        )
        .station("kiosk", setup.kiosk)
        .extra(TEMPLATES)
        .extra(&setup.extra_toml)
}

/// The app under test. Cargo builds a package's binaries for its tests and
/// benchmarks into the directory above theirs (`target/<profile>/deps`).
fn application() -> PathBuf {
    let test = std::env::current_exe().unwrap();
    let dir = test
        .parent()
        .and_then(Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let application = dir.join(format!("issuance-station{}", std::env::consts::EXE_SUFFIX));
    assert!(
        application.is_file(),
        "{} is not built: run the window tests with `cargo test -p issuance-station`",
        application.display()
    );
    application
}

/// How many preview frames the photo step has shown (a JS expression).
pub const PREVIEW_FRAMES_SHOWN: &str = "Number(document.getElementById('preview').dataset.frames || 0)";

impl Window {
    /// Starts a sandbox, the app (through tauri-driver) and a WebDriver
    /// session; waits for the Home screen.
    pub async fn open(setup: Setup) -> Window {
        let sandbox = Sandbox::start(SandboxConfig {
            request_lifetime: setup.request_lifetime,
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let data = tempfile::tempdir().unwrap();
        let config_path = data.path().join("station.toml");
        let service_url = setup.service_url.clone().unwrap_or_else(|| sandbox.base_url());
        let config = config(&service_url, &setup);
        config.write(&config_path);
        let port = free_port();
        let driver_binary = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let driver = Command::new(&driver_binary)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &free_port().to_string(),
            ])
            .env("STATION_CONFIG", &config_path)
            .env("STATION_DATA_DIR", data.path())
            .envs(
                config
                    .secrets()
                    .map(|(service, secret)| (station_core::secrets::env_var_for(service), secret)),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so the app and WebKitWebDriver go with it.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_binary} (install it with `cargo install tauri-driver`): {e}")
            });
        let client = connect(port).await;
        let wallet = WalletClient::new(&service_url);
        let window = Window {
            client,
            sandbox,
            wallet,
            driver,
            _data: data,
        };
        window.wait_for("#issue-templates button").await;
        window
    }

    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
    }

    /// Waits until `script` (a JS expression) is truthy; returns its value.
    pub async fn wait_until(&self, script: &str) -> serde_json::Value {
        self.wait_until_within(script, Duration::from_secs(20)).await
    }

    async fn wait_until_within(&self, script: &str, limit: Duration) -> serde_json::Value {
        let deadline = Instant::now() + limit;
        loop {
            // WebKitWebDriver cannot return `undefined`.
            let wrapped = format!("const value = ({script}); return value === undefined ? null : value;");
            let value = self
                .client
                .execute(&wrapped, vec![])
                .await
                .unwrap_or_else(|e| panic!("{script}: {e:?}"));
            if !(value.is_null() || value == false || value == "") {
                return value;
            }
            assert!(Instant::now() < deadline, "never true: {script}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Clicks `css` once it is there. A click that lands while the page
    /// is re-rendering (the element replaced, or covered for a moment) is
    /// tried again for a few seconds before it counts as a failure.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.wait_for(css).await.click().await {
                Ok(()) => return,
                Err(error) if Instant::now() < deadline => {
                    eprintln!("click on {css} did not land ({error}); trying again");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => panic!("cannot click {css}: {error}"),
            }
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.wait_for(css).await.send_keys(text).await.unwrap();
    }

    /// Replaces what `css` holds with `text`, as a person selecting it all.
    pub async fn retype(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// The text of `css` once it is shown and not empty.
    pub async fn text(&self, css: &str) -> String {
        let script = format!(
            "(() => {{ const e = document.querySelector({css:?}); return e && !e.closest('[hidden]') && e.textContent.trim(); }})()"
        );
        self.wait_until(&script)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Whether any element for a PIN exists in the page at all.
    pub async fn pin_in_page(&self) -> bool {
        let found = self
            .client
            .execute("return document.getElementById('pin') !== null", vec![])
            .await;
        found.unwrap_or_else(|e| panic!("{e:?}")) == true
    }

    pub async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    /// Home → badge → recipient form → QR code on screen; returns the URL
    /// the QR code shows.
    pub async fn issue_badge(&self, given: &str, family: &str) -> String {
        self.issue("badge", &[("given_name", given), ("family_name", family)])
            .await
    }

    /// Fills in `template`'s form with `claims` and creates the request;
    /// returns the URL of the request shown.
    pub async fn issue(&self, template: &str, claims: &[(&str, &str)]) -> String {
        self.issue_form(template, claims).await;
        self.request_url().await
    }

    /// Fills in `template`'s form with `claims` and goes on.
    async fn issue_form(&self, template: &str, claims: &[(&str, &str)]) {
        self.click(&format!("[data-template={template}]")).await;
        for (name, value) in claims {
            self.type_into(&format!("#claim-{name}"), value).await;
        }
        let last = claims.last().map_or("", |(name, _)| name);
        self.wait_until(&format!(
            "document.getElementById('claim-{last}').getAttribute('aria-invalid') === 'false'"
        ))
        .await;
        self.click("#create-request").await;
    }

    /// Fills in the staff badge for `given` and goes on to the photo step;
    /// returns once the preview shows frames.
    pub async fn open_photo_step(&self, given: &str) {
        self.click("[data-template=staff]").await;
        self.type_into("#claim-given_name", given).await;
        self.wait_until(
            "document.getElementById('claim-given_name').getAttribute('aria-invalid') === 'false'",
        )
        .await;
        self.click("#create-request").await;
        self.wait_until(PREVIEW_FRAMES_SHOWN).await;
        // The camera's name arrives with the answer to camera_start, which
        // may come after the first frames; the step is settled once it has.
        self.wait_until("document.getElementById('photo-status').textContent.includes('Look at the camera')")
            .await;
    }

    /// Fills in Megan Bowen's staff card (Verified Orchestration, photo
    /// required) and chooses the recipient's phone in the photo step.
    pub async fn open_phone_photo_step(&self) {
        self.issue_form("vo-staff", &[("given_name", "Megan"), ("family_name", "Bowen")])
            .await;
        self.click("#photo-source-phone").await;
    }

    /// The staff badge for `given` with the camera's photo; returns the URL
    /// of the request shown.
    pub async fn request_staff_badge(&self, given: &str) -> String {
        self.open_photo_step(given).await;
        self.click("#take-photo").await;
        assert_eq!(self.photo_verdict().await, "accepted");
        self.click("#use-photo").await;
        self.request_url().await
    }

    /// Waits for the engine's verdict on the photo taken: "accepted", or
    /// the reason shown. A debug build on a busy 2-core machine takes a while.
    pub async fn photo_verdict(&self) -> String {
        self
            .wait_until_within(
                "(() => { const status = document.getElementById('photo-status').textContent; const error = document.getElementById('photo-error'); return status.startsWith('Photo accepted') ? 'accepted' : (!error.hidden && error.textContent); })()",
                Duration::from_secs(90),
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The URL of the request whose QR code is on screen.
    pub async fn request_url(&self) -> String {
        self.wait_until("document.querySelector('#qr svg') && document.querySelector('#qr').dataset.url")
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits (bounded) until the sandbox's state satisfies `ready`.
    pub async fn wait_until_service(&self, ready: impl Fn(&Sandbox) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !ready(&self.sandbox) {
            assert!(Instant::now() < deadline, "the service never got ready");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The wallet scans `url`, types the PIN shown and accepts.
    pub async fn wallet_accepts(&self, url: &str) {
        self.wallet.open(url).await.unwrap();
        let pin = self.text("#pin").await;
        let request_id = url.rsplit('/').next().unwrap();
        assert!(self.wallet.enter_pin(request_id, &pin).await.unwrap().accepted);
        self.wallet.accept(request_id).await.unwrap();
    }

    /// Accepts the offer on screen with the in-window simulated wallet, as
    /// a new user would: opens it, types the PIN shown and accepts.
    pub async fn accept_in_window_wallet(&self) {
        self.click("[data-wallet=open]").await;
        let pin = self.text("#pin").await;
        self.type_into("#wallet-pin", &pin).await;
        self.click("[data-wallet=pin]").await;
        self.click("[data-wallet=accept]").await;
    }

    /// The id and body of the request the service received for
    /// `request_url` (its latest, when it was created more than once).
    pub fn received_request(&self, request_url: &str) -> (String, serde_json::Value) {
        self.sandbox
            .received_requests()
            .into_iter()
            .rev()
            .find(|(id, _)| request_url.ends_with(id))
            .expect("the sandbox received the request shown")
    }

    /// The PIN the service received for `request_url`'s request.
    pub fn sent_pin(&self, request_url: &str) -> String {
        let (_, body) = self.received_request(request_url);
        body["pin"]["value"].as_str().unwrap().to_owned()
    }

    /// CPU seconds used so far by everything this window runs: the driver,
    /// WebKitWebDriver, the app and its WebKit processes (one process group).
    pub fn cpu_seconds(&self) -> f64 {
        let group = self.driver.id().to_string();
        let ticks: u64 = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| std::fs::read_to_string(entry.path().join("stat")).ok())
            .filter_map(|stat| {
                // After the command name: state ppid pgrp … utime(12th) stime(13th).
                let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
                (fields.get(2)? == &group.as_str())
                    .then(|| {
                        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
                    })
                    .flatten()
            })
            .sum();
        // The kernel counts in USER_HZ, 100 on Linux.
        ticks as f64 / 100.0
    }

    /// The config file the station reads (and Settings writes).
    pub fn config_path(&self) -> PathBuf {
        self._data.path().join("station.toml")
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Window {
    /// Also on a failed test: no driver, WebDriver or app outlives it.
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

async fn connect(port: u16) -> Client {
    let application = application();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": application }),
    );
    capabilities.insert("browserName".into(), "wry".into());
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let attempt = ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&url)
            .await;
        match attempt {
            Ok(client) => return client,
            // tauri-driver needs a moment before it accepts sessions.
            Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(200)).await,
            Err(error) => panic!("no WebDriver session at {url}: {error}"),
        }
    }
}
