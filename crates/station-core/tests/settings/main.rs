//! The Settings screen's edits land in the config file without disturbing
//! the rest of it, and only when the result is valid.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

mod basics;
mod services;
mod switching;

use std::path::Path;

use station_core::config::{IssuanceTemplate, StationConfig, Template};
use station_core::settings::{
    EntraSettings, Oid4vciSettings, OrchestrationSettings, SettingsService, StationSettings,
};

const MANIFEST: &str =
    "https://verifiedid.did.msidentity.com/v1.0/tenants/t/verifiableCredentials/contracts/c/manifest";

fn entra_settings() -> StationSettings {
    StationSettings {
        use_sandbox: false,
        service: SettingsService::Entra,
        entra: EntraSettings {
            tenant: "12345678-0000-0000-0000-000000000000".into(),
            client_id: "app-client-id".into(),
            authority: "did:web:contoso.com".into(),
            manifest: MANIFEST.into(),
        },
        orchestration: OrchestrationSettings::default(),
        oid4vci: Oid4vciSettings::default(),
        credential_type: "VerifiedEmployee".into(),
        callback_public_url: "https://desk.contoso.com".into(),
        kiosk: true,
        result_reset_secs: 20,
        camera_device: "Logitech BRIO".into(),
        camera_width: 1920,
        camera_height: 1080,
    }
}

fn orchestration() -> OrchestrationSettings {
    OrchestrationSettings {
        api_url: "https://contoso.api.verifiedorchestration.com/graphql".into(),
        ws_url: String::new(),
        token_url: "https://login.microsoftonline.com/contoso/oauth2/v2.0/token".into(),
        client_id: "vo-client".into(),
        scope: "api://contoso/.default".into(),
        events: "subscription".into(),
        contract_id: "7a42c0de-0000-4000-8000-000000000042".into(),
    }
}

fn orchestration_settings() -> StationSettings {
    StationSettings {
        service: SettingsService::Orchestration,
        entra: EntraSettings::default(),
        orchestration: orchestration(),
        credential_type: "Membership".into(),
        callback_public_url: "https://desk.contoso.com/station".into(),
        ..entra_settings()
    }
}

fn oid4vci() -> Oid4vciSettings {
    Oid4vciSettings {
        api_base: "https://issuer.example.com/admin".into(),
        poll_interval_ms: Some(500),
        offer_lifetime_secs: Some(300),
        url_scheme: "haip://".into(),
        credential_definition_id: "def-7".into(),
        issuance_mode: "deferred".into(),
    }
}

fn oid4vci_settings() -> StationSettings {
    StationSettings {
        service: SettingsService::Oid4vci,
        entra: EntraSettings::default(),
        oid4vci: oid4vci(),
        credential_type: "EventPass".into(),
        callback_public_url: "https://desk.contoso.com/station".into(),
        ..entra_settings()
    }
}

fn issuance<'a>(config: &'a StationConfig, name: &str) -> &'a IssuanceTemplate {
    match config.templates.get(name) {
        Some(Template::Issuance(template)) => template,
        other => panic!("no issuance template {name}: {other:?}"),
    }
}

/// The keys set in `[<table>.<name>]` of the file at `path`.
fn keys(path: &Path, table: &str, name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let document: toml_edit::DocumentMut = text.parse().unwrap();
    document[table][name]
        .as_table_like()
        .unwrap_or_else(|| panic!("no [{table}.{name}] in\n{text}"))
        .iter()
        .map(|(key, _)| key.to_owned())
        .collect()
}

/// The error of saving `settings` over the file at `path`, which must stay
/// exactly as it was.
fn refused(settings: StationSettings, path: &Path) -> String {
    let before = std::fs::read_to_string(path).ok();
    let error = settings.save(path).unwrap_err().to_string();
    assert_eq!(std::fs::read_to_string(path).ok(), before, "{error}");
    error
}
