//! Decides what a station runs against and starts it: the services in the
//! config file, or — with no file, or `use_sandbox = true` — the sandbox,
//! started in this process and reached through the ordinary adapters. Every
//! front end (the window, the CLI) starts the same way.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use station_core::config::{ConfigLocation, StationConfig, StationOptions};
use station_core::error::ErrorCode;
use station_core::secrets::{KeyringStore, MemoryStore, Secret, SecretError, SecretStore};
use station_core::{Engine, EngineError};
use station_sandbox::{Sandbox, SandboxConfig, SandboxError, WalletClient};

/// Where the in-process sandbox listens, so `station sandbox wallet …` in
/// another terminal finds it without being told.
pub const DEFAULT_SANDBOX_PORT: u16 = 47380;
/// Overrides where `station sandbox wallet …` looks for the sandbox.
pub const SANDBOX_URL_ENV: &str = "STATION_SANDBOX_URL";
/// The built-in config's service name.
pub const SANDBOX_SERVICE: &str = "sandbox";
const SANDBOX_ORCHESTRATION_SERVICE: &str = "sandbox-orchestration";
const SANDBOX_OID4VCI_SERVICE: &str = "sandbox-oid4vci";

const SANDBOX_CONFIG: &str = include_str!("sandbox_config.toml");

mod logging;
pub mod settings;

pub use logging::{init_logging, Logging, LOG_DIR};

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("the built-in sandbox could not start: {0}")]
    Sandbox(#[from] SandboxError),
}

impl ErrorCode for LaunchError {
    fn code(&self) -> &'static str {
        match self {
            LaunchError::Engine(e) => e.code(),
            LaunchError::Sandbox(_) => "launch.sandbox",
        }
    }
}

/// A running station.
pub struct Station {
    pub engine: Engine,
    /// The in-process sandbox, when the station runs against it.
    pub sandbox: Option<Sandbox>,
    /// The simulated wallet of whichever sandbox the station uses (the
    /// in-process one, or a service marked `sandbox = true`).
    pub wallet: Option<WalletClient>,
    pub config_path: PathBuf,
    /// The config file as read, if there is one.
    pub file_config: Option<StationConfig>,
}

impl Station {
    pub fn options(&self) -> StationOptions {
        self.engine.config().station
    }

    pub fn is_sandbox(&self) -> bool {
        self.wallet.is_some()
    }
}

/// Reads the config file (if any) and starts the station.
pub async fn launch(location: &ConfigLocation, data_dir: &Path) -> Result<Station, LaunchError> {
    let file_config = location.load().map_err(EngineError::from)?;
    start(&location.path, file_config, data_dir).await
}

/// Starts a station from an already validated config (`None`: no file).
pub async fn start(
    config_path: &Path,
    file_config: Option<StationConfig>,
    data_dir: &Path,
) -> Result<Station, LaunchError> {
    let config_path = config_path.to_path_buf();
    match &file_config {
        Some(config) if !config.station.use_sandbox => {
            let wallet = sandbox_service_wallet(config);
            let engine = Engine::start(config.clone(), Arc::new(KeyringStore), data_dir).await?;
            Ok(Station {
                engine,
                sandbox: None,
                wallet,
                config_path,
                file_config,
            })
        }
        _ => {
            let sandbox = start_sandbox(None).await?;
            let (mut config, secrets) = sandbox_station_config(&sandbox);
            if let Some(file) = &file_config {
                config.station = file.station;
                config.kiosk = file.kiosk.clone();
            }
            let secrets = SandboxSecrets {
                well_known: secrets,
                keyring: KeyringStore,
            };
            let engine = Engine::start(config, Arc::new(secrets), data_dir).await?;
            let wallet = Some(WalletClient::new(&sandbox.base_url()));
            Ok(Station {
                engine,
                sandbox: Some(sandbox),
                wallet,
                config_path,
                file_config,
            })
        }
    }
}

/// The sandbox's well-known service secrets, in memory; everything else
/// (the database key) in the OS keyring, so a sandbox station's queue is
/// encrypted and survives a restart like any other.
struct SandboxSecrets {
    well_known: MemoryStore,
    keyring: KeyringStore,
}

impl SecretStore for SandboxSecrets {
    fn get(&self, service: &str) -> Result<Option<Secret>, SecretError> {
        match self.well_known.get(service)? {
            Some(secret) => Ok(Some(secret)),
            None => self.keyring.get(service),
        }
    }

    fn set(&self, service: &str, secret: &Secret) -> Result<(), SecretError> {
        self.keyring.set(service, secret)
    }
}

/// A configured service marked `sandbox = true` (a standalone `station
/// sandbox`) has a simulated wallet at its API base.
fn sandbox_service_wallet(config: &StationConfig) -> Option<WalletClient> {
    config
        .services
        .values()
        .filter(|s| s.sandbox)
        .find_map(|service| match &service.kind {
            station_core::config::ServiceKind::Entra(entra) => {
                Some(WalletClient::new(entra.api_base.as_str().trim_end_matches('/')))
            }
            _ => None,
        })
}

pub fn default_sandbox_url() -> String {
    std::env::var(SANDBOX_URL_ENV).unwrap_or_else(|_| format!("http://127.0.0.1:{DEFAULT_SANDBOX_PORT}"))
}

/// Starts the sandbox on its usual port, or on any free port when that one
/// is taken (another station is running).
pub async fn start_sandbox(bind: Option<SocketAddr>) -> Result<Sandbox, SandboxError> {
    let preferred = bind.unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, DEFAULT_SANDBOX_PORT)));
    let config = SandboxConfig {
        bind: preferred,
        ..SandboxConfig::default()
    };
    match Sandbox::start(config.clone()).await {
        Err(SandboxError::Bind { .. }) if bind.is_none() => {
            Sandbox::start(SandboxConfig {
                bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                ..config
            })
            .await
        }
        other => other,
    }
}

/// The station config and secret store that point at `sandbox`.
pub fn sandbox_station_config(sandbox: &Sandbox) -> (StationConfig, MemoryStore) {
    let settings = sandbox.config();
    let text = SANDBOX_CONFIG
        .replace("{base_url}", &sandbox.base_url())
        .replace("{tenant}", &settings.tenant_id)
        .replace("{client_id}", &settings.client_id)
        .replace("{orchestration_scope}", station_sandbox::ORCHESTRATION_SCOPE);
    let config = match StationConfig::from_toml(&text, "built-in sandbox config") {
        Ok(config) => config,
        Err(error) => unreachable!("the built-in sandbox config is tested: {error}"),
    };
    let secrets = MemoryStore::default();
    // The sandbox's well-known secret is not a real credential.
    let well_known = [
        (SANDBOX_SERVICE, &settings.client_secret),
        (SANDBOX_ORCHESTRATION_SERVICE, &settings.client_secret),
        (SANDBOX_OID4VCI_SERVICE, &settings.oid4vci_api_key),
    ];
    for (service, secret) in well_known {
        if let Err(error) = secrets.set(service, &Secret::new(secret.clone())) {
            unreachable!("the sandbox's secrets are not empty: {error}");
        }
    }
    (config, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_file_means_the_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let location = ConfigLocation {
            path: dir.path().join("absent.toml"),
            explicit: false,
        };
        let station = launch(&location, dir.path()).await.unwrap();
        assert!(station.sandbox.is_some());
        assert!(station.is_sandbox());
        assert!(station.engine.config().templates.contains_key("badge"));
        assert!(station.engine.config().services["sandbox"].sandbox);
    }

    #[tokio::test]
    async fn use_sandbox_keeps_the_file_s_station_options() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.toml");
        std::fs::write(
            &path,
            "[station]\nuse_sandbox = true\nkiosk = true\nresult_reset_secs = 30\n",
        )
        .unwrap();
        let station = launch(&ConfigLocation { path, explicit: true }, dir.path())
            .await
            .unwrap();
        assert!(station.sandbox.is_some());
        assert!(station.options().kiosk);
        assert_eq!(station.options().result_reset_secs, 30);
    }

    #[tokio::test]
    async fn a_named_file_that_does_not_exist_is_an_error_not_the_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let location = ConfigLocation {
            path: dir.path().join("typo.toml"),
            explicit: true,
        };
        let error = launch(&location, dir.path()).await.err().unwrap();
        assert_eq!(error.code(), "config.unreadable");
        assert!(error.to_string().contains("typo.toml"), "{error}");
    }

    #[tokio::test]
    async fn a_configured_service_needs_no_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("station.toml");
        let text = r#"
[callback]
bind = "127.0.0.1:0"
public_url = "https://desk.contoso.com/station"
[services.entra]
kind = "entra"
tenant = "t"
client_id = "c"
[templates.badge]
service = "entra"
credential_type = "Badge"
manifest = "https://example.com/manifest"
authority = "did:web:example.com"
"#;
        std::fs::write(&path, text).unwrap();
        let station = launch(&ConfigLocation { path, explicit: true }, dir.path())
            .await
            .unwrap();
        assert!(station.sandbox.is_none());
        assert!(!station.is_sandbox());
    }
}
