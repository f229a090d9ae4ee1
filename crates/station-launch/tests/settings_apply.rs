//! Saving Settings on a running station: the fixed callback port passes
//! from the old station to the new one, and a change that cannot be
//! applied leaves the file and the running station as they were.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::path::Path;
use std::sync::Arc;

use station_core::config::StationConfig;
use station_core::secrets::{MemoryStore, Secret, SecretError, SecretStore};
use station_core::settings::StationSettings;
use station_launch::settings::{apply, SettingsError};
use station_launch::{launch, Station};
use station_sandbox::{Sandbox, SandboxConfig};
use station_testkit::config::{Service, StationToml};
use station_testkit::net::free_port;

/// A station on a local stand-in (`station sandbox`) with its callback
/// listener on a fixed port, as behind a reverse proxy.
fn config_text(sandbox: &Sandbox, port: u16) -> String {
    StationToml::new(&sandbox.base_url())
        .station("result_reset_secs", 15)
        .callback_port(port)
        .service("entra", Service::entra())
        .template(
            "badge",
            r#"
service = "entra"
credential_type = "EventBadge"
manifest = "{base_url}/manifest"
authority = "did:web:issuer.example"
claims = [ { name = "given_name", required = true } ]
"#,
        )
        .text()
}

struct Running {
    station: Arc<Station>,
    path: std::path::PathBuf,
    port: u16,
    _sandbox: Sandbox,
    dir: tempfile::TempDir,
}

async fn running_station() -> Running {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let port = free_port();
    std::fs::write(&path, config_text(&sandbox, port)).unwrap();
    let location = station_core::config::ConfigLocation {
        path: path.clone(),
        explicit: true,
    };
    let station = launch(&location, dir.path()).await.unwrap();
    assert_eq!(station.engine.listener().local_addr().port(), port);
    Running {
        station: Arc::new(station),
        path,
        port,
        _sandbox: sandbox,
        dir,
    }
}

fn changed_settings(path: &Path) -> StationSettings {
    let config = StationConfig::load(path).unwrap();
    let mut settings = StationSettings::from_config(Some(&config));
    settings.result_reset_secs = 42;
    settings
}

#[tokio::test]
async fn the_new_station_takes_over_the_fixed_callback_port() {
    let running = running_station().await;
    let settings = changed_settings(&running.path);
    let secrets: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let station = apply(
        Some(Arc::clone(&running.station)),
        &running.path,
        running.dir.path(),
        &settings,
        Some(Secret::new("new-secret")),
        Arc::clone(&secrets),
    )
    .await
    .map_err(|failure| failure.error)
    .unwrap();
    assert_eq!(station.engine.listener().local_addr().port(), running.port);
    assert_eq!(station.options().result_reset_secs, 42);
    assert_eq!(secrets.get("entra").unwrap().unwrap().expose(), "new-secret");
    // The old station let go of the port although something still holds it.
    drop(running.station);
}

/// A keyring that refuses every write (locked, or no Secret Service).
struct LockedKeyring;

impl SecretStore for LockedKeyring {
    fn get(&self, _service: &str) -> Result<Option<Secret>, SecretError> {
        Ok(None)
    }

    fn set(&self, service: &str, _secret: &Secret) -> Result<(), SecretError> {
        Err(SecretError::Keyring {
            service: service.to_owned(),
            detail: "the keyring is locked".into(),
        })
    }
}

#[tokio::test]
async fn a_change_that_cannot_be_applied_puts_the_previous_settings_back() {
    let running = running_station().await;
    let before = std::fs::read_to_string(&running.path).unwrap();
    let settings = changed_settings(&running.path);
    let outcome = apply(
        Some(Arc::clone(&running.station)),
        &running.path,
        running.dir.path(),
        &settings,
        Some(Secret::new("new-secret")),
        Arc::new(LockedKeyring),
    )
    .await;
    let Err(failure) = outcome else {
        panic!("a secret that cannot be stored is not applied")
    };
    assert!(
        matches!(failure.error, SettingsError::NotApplied(_)),
        "{:?}",
        failure.error
    );
    assert!(
        failure.error.to_string().contains("the keyring is locked"),
        "{}",
        failure.error
    );
    assert!(
        failure.error.to_string().contains("previous ones are back"),
        "{}",
        failure.error
    );
    assert_eq!(std::fs::read_to_string(&running.path).unwrap(), before);
    let restored = failure.running.expect("the previous settings run again");
    assert_eq!(restored.options().result_reset_secs, 15);
    assert_eq!(restored.engine.listener().local_addr().port(), running.port);
}
