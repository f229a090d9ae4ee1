//! Applying a Settings change to a running station: all of it or none of
//! it. The old station lets go of its callback port before the new one
//! binds (a fixed `callback.bind` port is the normal case behind a proxy);
//! if the new one cannot start, or its secret cannot be stored, the file is
//! put back as it was and the old settings start again.

use std::path::Path;
use std::sync::Arc;

use station_core::config::ConfigError;
use station_core::error::ErrorCode;
use station_core::secrets::{self, Secret, SecretError, SecretStore};
use station_core::settings::{read_if_present, write_atomically, StationSettings};

use crate::{start, LaunchError, Station};

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// Refused before anything changed.
    #[error(transparent)]
    Refused(#[from] ConfigError),
    #[error("the new settings could not be used, so the previous ones are back: {0}")]
    NotApplied(String),
    #[error("the previous settings could not start again either: {0}. Fix the config file and restart the station")]
    NothingRunning(String),
}

impl ErrorCode for SettingsError {
    fn code(&self) -> &'static str {
        match self {
            SettingsError::Refused(e) => e.code(),
            SettingsError::NotApplied(_) => "settings.not_applied",
            SettingsError::NothingRunning(_) => "settings.nothing_running",
        }
    }
}

/// What a failed change leaves: why, and the station now running (the
/// previous settings, started again), if it could start.
pub struct SettingsFailure {
    pub error: SettingsError,
    pub running: Option<Station>,
}

/// Writes `settings` to `config_path`, stores `secret` (if any) under the
/// chosen service's keyring name, and starts a station on the result in
/// place of `previous`. `previous` must have no flow under way.
pub async fn apply(
    previous: Option<Arc<Station>>,
    config_path: &Path,
    data_dir: &Path,
    settings: &StationSettings,
    secret: Option<Secret>,
    store: Arc<dyn SecretStore>,
) -> Result<Station, SettingsFailure> {
    let refused = |error: ConfigError| SettingsFailure {
        error: SettingsError::Refused(error),
        running: None,
    };
    let previous_text = read_if_present(config_path).map_err(refused)?;
    let config = settings.save(config_path).map_err(refused)?;
    let previous_config = previous.as_ref().map(|p| p.file_config.clone());
    if let Some(old) = previous {
        // Its listener must be closed now, not when the last clone goes.
        old.engine.shutdown().await;
    }
    let reason = match start(config_path, Some(config), data_dir).await {
        Ok(station) => match store_secret(secret, settings.secret_service(), store).await {
            Ok(()) => return Ok(station),
            Err(error) => {
                // The previous settings need the port back.
                station.engine.shutdown().await;
                error.to_string()
            }
        },
        Err(error) => describe(&error),
    };
    tracing::warn!(%reason, "new settings not applied; restoring the previous ones");
    let restored = restore_file(config_path, previous_text.as_deref());
    let running = match (restored, previous_config) {
        (Ok(()), Some(old_config)) => start(config_path, old_config, data_dir).await,
        (Ok(()), None) => return Err(nothing_running(reason)),
        (Err(detail), _) => return Err(nothing_running(format!("{reason}; and {detail}"))),
    };
    match running {
        Ok(station) => Err(SettingsFailure {
            error: SettingsError::NotApplied(reason),
            running: Some(station),
        }),
        Err(error) => Err(nothing_running(format!("{reason}; then {}", describe(&error)))),
    }
}

fn nothing_running(reason: String) -> SettingsFailure {
    SettingsFailure {
        error: SettingsError::NothingRunning(reason),
        running: None,
    }
}

fn describe(error: &LaunchError) -> String {
    format!("{error} ({})", error.code())
}

async fn store_secret(
    secret: Option<Secret>,
    service: &'static str,
    store: Arc<dyn SecretStore>,
) -> Result<(), SecretError> {
    let Some(secret) = secret.filter(|s| !s.expose().is_empty()) else {
        return Ok(());
    };
    secrets::off_runtime(store, service, move |store, name| store.set(name, &secret)).await
}

/// Puts back the file `read_if_present` found. Atomically, as Settings wrote
/// the new one: a crash mid-restore leaves one config or the other, never
/// half of one.
fn restore_file(path: &Path, text: Option<&str>) -> Result<(), String> {
    let outcome = match text {
        Some(text) => write_atomically(path, text),
        None => std::fs::remove_file(path),
    };
    outcome.map_err(|e| {
        format!(
            "the previous config file could not be put back at {}: {e}",
            path.display()
        )
    })
}
