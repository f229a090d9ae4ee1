//! Client secrets: held in a type that never prints or serialises its value,
//! stored in the OS keyring, and optionally overridden from the environment
//! for headless servers.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::error::ErrorCode;

/// The keyring "service" under which every station secret is filed; the
/// keyring "user" is the configured service name (e.g. `contoso`).
pub const KEYRING_SERVICE: &str = "issuance-station";

/// A secret string. `Debug` and `Display` print `<redacted>`; it does not
/// implement `Serialize`, so it cannot leak into JSON, logs or the database.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The one deliberate way to read the value, so every use is greppable.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("no secret is stored for service '{service}'; run `station secret set {service}` (or set {env_var} on a headless server)")]
    Missing { service: String, env_var: String },
    #[error("the OS keyring could not be used for service '{service}': {detail}. On Linux a Secret Service (GNOME Keyring, KWallet) must be running and unlocked")]
    Keyring { service: String, detail: String },
    #[error("a secret must not be empty")]
    Empty,
    #[error("the station's keyring worker for service '{service}' stopped before it answered ({detail}); try again, and if it happens again, send the station's log to support")]
    WorkerStopped { service: String, detail: String },
}

impl ErrorCode for SecretError {
    fn code(&self) -> &'static str {
        match self {
            SecretError::Missing { .. } => "secret.missing",
            SecretError::Keyring { .. } => "secret.keyring_unavailable",
            SecretError::Empty => "secret.empty",
            SecretError::WorkerStopped { .. } => "secret.worker_stopped",
        }
    }
}

/// Where secrets are kept. Implementations may block (D-Bus, Keychain):
/// async callers run them on a blocking thread.
pub trait SecretStore: Send + Sync {
    fn get(&self, service: &str) -> Result<Option<Secret>, SecretError>;
    fn set(&self, service: &str, secret: &Secret) -> Result<(), SecretError>;
}

/// The environment variable that overrides the stored secret of `service`,
/// e.g. `STATION_SECRET_CONTOSO` for `contoso`.
pub fn env_var_for(service: &str) -> String {
    let suffix: String = service
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("STATION_SECRET_{suffix}")
}

/// Looks up the secret of `service`: the environment override first, then
/// the store. A missing secret is an error that says how to add one.
pub fn resolve(store: &dyn SecretStore, service: &str) -> Result<Secret, SecretError> {
    let env_var = env_var_for(service);
    if let Ok(value) = std::env::var(&env_var) {
        if !value.is_empty() {
            return Ok(Secret::new(value));
        }
    }
    store.get(service)?.ok_or(SecretError::Missing {
        service: service.to_owned(),
        env_var,
    })
}

/// Runs `operation` on `service`'s entry of `store` on a blocking thread:
/// keyring back ends block (D-Bus, Keychain) and must not stall the async
/// runtime that serves callbacks and flows.
pub async fn off_runtime<T: Send + 'static>(
    store: std::sync::Arc<dyn SecretStore>,
    service: &str,
    operation: impl FnOnce(&dyn SecretStore, &str) -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    let name = service.to_owned();
    match tokio::task::spawn_blocking(move || operation(store.as_ref(), &name)).await {
        Ok(result) => result,
        Err(stopped) => Err(SecretError::WorkerStopped {
            service: service.to_owned(),
            detail: stopped.to_string(),
        }),
    }
}

/// The OS keyring: Secret Service on Linux, Keychain on macOS, Credential
/// Manager on Windows.
#[derive(Debug, Default)]
pub struct KeyringStore;

impl KeyringStore {
    fn entry(service: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(KEYRING_SERVICE, service).map_err(|e| keyring_error(service, e))
    }
}

fn keyring_error(service: &str, error: keyring::Error) -> SecretError {
    SecretError::Keyring {
        service: service.to_owned(),
        detail: error.to_string(),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, service: &str) -> Result<Option<Secret>, SecretError> {
        match Self::entry(service)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(service, e)),
        }
    }

    fn set(&self, service: &str, secret: &Secret) -> Result<(), SecretError> {
        if secret.expose().is_empty() {
            return Err(SecretError::Empty);
        }
        Self::entry(service)?
            .set_password(secret.expose())
            .map_err(|e| keyring_error(service, e))
    }
}

/// Secrets kept in memory only: the in-process sandbox's well-known client
/// secret, and tests.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<String, Secret>>);

impl SecretStore for MemoryStore {
    fn get(&self, service: &str) -> Result<Option<Secret>, SecretError> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Ok(map.get(service).cloned())
    }

    fn set(&self, service: &str, secret: &Secret) -> Result<(), SecretError> {
        if secret.expose().is_empty() {
            return Err(SecretError::Empty);
        }
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(service.to_owned(), secret.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints_its_value() {
        let secret = Secret::new("hunter2-value");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(secret.expose(), "hunter2-value");
    }

    #[test]
    fn env_var_name_is_derived_from_service_name() {
        assert_eq!(env_var_for("contoso-prod"), "STATION_SECRET_CONTOSO_PROD");
    }

    #[test]
    fn missing_secret_says_how_to_add_it() {
        let store = MemoryStore::default();
        let error = resolve(&store, "nowhere-service").unwrap_err();
        assert_eq!(error.code(), "secret.missing");
        assert!(error.to_string().contains("station secret set nowhere-service"));
        assert!(error.to_string().contains("STATION_SECRET_NOWHERE_SERVICE"));
    }

    #[test]
    fn memory_store_round_trips_and_refuses_empty() {
        let store = MemoryStore::default();
        store.set("svc", &Secret::new("s3cret")).unwrap();
        assert_eq!(resolve(&store, "svc").unwrap().expose(), "s3cret");
        assert!(matches!(
            store.set("svc", &Secret::new("")),
            Err(SecretError::Empty)
        ));
    }
}
