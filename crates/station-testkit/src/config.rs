//! Station config files for services on the sandbox: one builder, instead
//! of a hand-written TOML file in each test. In services, templates and
//! extra TOML, `{base_url}` stands for the sandbox's address.
//!
//! ```
//! # use station_testkit::config::{Service, StationToml};
//! let text = StationToml::new("http://127.0.0.1:47380")
//!     .service("desk", Service::entra())
//!     .template("badge", r#"
//! service = "desk"
//! credential_type = "EventBadge"
//! manifest = "{base_url}/manifest"
//! authority = "did:web:issuer.example"
//! claims = [ { name = "given_name", required = true } ]
//! "#)
//!     .text();
//! assert!(text.contains("manifest = \"http://127.0.0.1:47380/manifest\""));
//! ```

use std::path::Path;

use station_sandbox::SandboxConfig;

/// Stands for the sandbox's address in services, templates and extra TOML;
/// [`StationToml::text`] puts in the real one.
const BASE_URL: &str = "{base_url}";

/// A key and its value, as TOML writes it.
type Setting = (String, toml::Value);

fn set(settings: &mut Vec<Setting>, key: &str, value: toml::Value) {
    match settings.iter_mut().find(|(k, _)| k == key) {
        Some(setting) => setting.1 = value,
        None => settings.push((key.to_owned(), value)),
    }
}

fn write_table(text: &mut String, header: &str, settings: &[Setting]) {
    if settings.is_empty() {
        return;
    }
    text.push_str(&format!("\n[{header}]\n"));
    for (key, value) in settings {
        text.push_str(&format!("{key} = {value}\n"));
    }
}

/// One service on the sandbox, marked as a local stand-in
/// (`sandbox = true`, so plain http is allowed), with the secret the
/// sandbox takes for it.
#[derive(Clone, Debug)]
pub struct Service {
    settings: Vec<Setting>,
    secret: String,
}

impl Service {
    fn new(kind: &str, secret: String) -> Service {
        Service {
            settings: vec![
                ("kind".to_owned(), kind.into()),
                ("sandbox".to_owned(), true.into()),
            ],
            secret,
        }
    }

    /// Entra Verified ID's Request Service, as the sandbox's tenant and client.
    pub fn entra() -> Service {
        let sandbox = SandboxConfig::default();
        Service::new("entra", sandbox.client_secret)
            .set("tenant", sandbox.tenant_id)
            .set("client_id", sandbox.client_id)
            .set("authority_host", BASE_URL)
            .set("api_base", BASE_URL)
    }

    /// Verified Orchestration (GraphQL), with the sandbox's token endpoint
    /// and scope.
    pub fn orchestration() -> Service {
        let sandbox = SandboxConfig::default();
        let token_url = format!("{BASE_URL}/{}/oauth2/v2.0/token", sandbox.tenant_id);
        Service::new("orchestration", sandbox.client_secret)
            .set("api_url", format!("{BASE_URL}/orchestration/graphql"))
            .set("token_url", token_url)
            .set("client_id", sandbox.client_id)
            .set("scope", station_sandbox::ORCHESTRATION_SCOPE)
    }

    /// An OID4VCI issuer's admin API: the sandbox's issuer.
    pub fn oid4vci() -> Service {
        Service::new("oid4vci", station_sandbox::oid4vci::DEFAULT_API_KEY.to_owned())
            .set("api_base", BASE_URL)
    }

    /// Sets `key` (replacing the value it had, if any).
    pub fn set(mut self, key: &str, value: impl Into<toml::Value>) -> Service {
        set(&mut self.settings, key, value.into());
        self
    }

    /// Another secret than the one the sandbox takes.
    pub fn with_secret(mut self, secret: &str) -> Service {
        secret.clone_into(&mut self.secret);
        self
    }

    /// The secret the station gives the service.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The service as the table `[services.{name}]`; the sandbox's address
    /// still as `{base_url}`.
    pub fn section(&self, name: &str) -> String {
        let mut text = String::new();
        write_table(&mut text, &format!("services.{name}"), &self.settings);
        text
    }
}

/// A station config file whose services are on the sandbox at one address.
/// The callback listener takes any free loopback port unless
/// [`callback_port`](Self::callback_port) fixes one.
#[derive(Clone, Debug)]
pub struct StationToml {
    base_url: String,
    station: Vec<Setting>,
    callback: Vec<Setting>,
    flow: Vec<Setting>,
    camera: Vec<Setting>,
    services: Vec<(String, Service)>,
    templates: Vec<(String, String)>,
    extra: String,
}

impl StationToml {
    /// For the sandbox at `base_url`.
    pub fn new(base_url: &str) -> StationToml {
        StationToml {
            base_url: base_url.to_owned(),
            station: Vec::new(),
            callback: vec![("bind".to_owned(), "127.0.0.1:0".into())],
            flow: Vec::new(),
            camera: Vec::new(),
            services: Vec::new(),
            templates: Vec::new(),
            extra: String::new(),
        }
    }

    /// A setting of `[station]`.
    pub fn station(mut self, key: &str, value: impl Into<toml::Value>) -> StationToml {
        set(&mut self.station, key, value.into());
        self
    }

    /// The callback listener on this loopback port.
    pub fn callback_port(mut self, port: u16) -> StationToml {
        set(&mut self.callback, "bind", format!("127.0.0.1:{port}").into());
        self
    }

    /// A setting of `[flow]`.
    pub fn flow(mut self, key: &str, value: impl Into<toml::Value>) -> StationToml {
        set(&mut self.flow, key, value.into());
        self
    }

    /// The synthetic camera: the pictures it plays, and how fast.
    pub fn camera(mut self, pictures: &Path, fps: u32) -> StationToml {
        set(
            &mut self.camera,
            "pictures",
            pictures.display().to_string().into(),
        );
        set(&mut self.camera, "fps", i64::from(fps).into());
        self
    }

    pub fn service(mut self, name: &str, service: Service) -> StationToml {
        self.services.push((name.to_owned(), service));
        self
    }

    /// `[templates.{name}]` with `body`, its settings as TOML.
    pub fn template(mut self, name: &str, body: &str) -> StationToml {
        self.templates.push((name.to_owned(), body.to_owned()));
        self
    }

    /// Anything else, as TOML appended to the file.
    pub fn extra(mut self, toml: &str) -> StationToml {
        self.extra.push_str(toml);
        self
    }

    /// The file's text, with the sandbox's address for each `{base_url}`.
    pub fn text(&self) -> String {
        let mut text = String::new();
        write_table(&mut text, "station", &self.station);
        write_table(&mut text, "callback", &self.callback);
        write_table(&mut text, "flow", &self.flow);
        write_table(&mut text, "camera", &self.camera);
        for (name, service) in &self.services {
            text.push_str(&service.section(name));
        }
        for (name, body) in &self.templates {
            text.push_str(&format!("\n[templates.{name}]\n{}\n", body.trim()));
        }
        text.push_str(&self.extra);
        text.replace(BASE_URL, &self.base_url)
    }

    pub fn write(&self, path: &Path) {
        std::fs::write(path, self.text()).unwrap();
    }

    /// Each service's name and secret, for a secret store or the
    /// `STATION_SECRET_*` variables.
    pub fn secrets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.services
            .iter()
            .map(|(name, service)| (name.as_str(), service.secret.as_str()))
    }

    /// A secret store holding each service's secret.
    #[cfg(feature = "engine")]
    pub fn secret_store(&self) -> station_core::secrets::MemoryStore {
        use station_core::secrets::{MemoryStore, Secret, SecretStore};
        let store = MemoryStore::default();
        for (service, secret) in self.secrets() {
            store.set(service, &Secret::new(secret)).unwrap();
        }
        store
    }
}
