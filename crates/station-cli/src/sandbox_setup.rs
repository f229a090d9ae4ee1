//! What `station` runs against when nothing is configured: the sandbox,
//! started in this process, reached through the ordinary Entra adapter and a
//! built-in config whose only difference from a real one is its URLs.

use std::net::{Ipv4Addr, SocketAddr};

use station_core::config::StationConfig;
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_sandbox::{Sandbox, SandboxConfig, SandboxError};

/// Where the in-process sandbox listens, so `station sandbox wallet …` in
/// another terminal finds it without being told.
pub const DEFAULT_SANDBOX_PORT: u16 = 47380;
/// Overrides where `station sandbox wallet …` looks for the sandbox.
pub const SANDBOX_URL_ENV: &str = "STATION_SANDBOX_URL";
pub const SANDBOX_SERVICE: &str = "sandbox";

const SANDBOX_CONFIG: &str = include_str!("sandbox_config.toml");

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
        .replace("{client_id}", &settings.client_id);
    let config = match StationConfig::from_toml(&text, "built-in sandbox config") {
        Ok(config) => config,
        Err(error) => unreachable!("the built-in sandbox config is tested: {error}"),
    };
    let secrets = MemoryStore::default();
    // The sandbox's well-known secret is not a real credential.
    if let Err(error) = secrets.set(SANDBOX_SERVICE, &Secret::new(settings.client_secret.clone())) {
        unreachable!("the sandbox secret is not empty: {error}");
    }
    (config, secrets)
}
