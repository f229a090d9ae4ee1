//! Saving an Entra station: a first save, comments and other templates
//! kept, refusals that leave the file alone, the sandbox, the camera; each
//! service's secret, and what the screen is sent.

use station_core::config::{CameraSource, IssuanceTarget, StationConfig};
use station_core::error::ErrorCode;
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::settings::{EntraSettings, SettingsService, StationSettings, StoredSecrets};

use super::{entra_settings, issuance, oid4vci_settings, orchestration_settings, refused};

#[test]
fn a_first_save_creates_a_working_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("conf").join("station.toml");
    let config = entra_settings().save(&path).unwrap();
    assert!(config.templates.contains_key("badge"));
    assert!(config.station.kiosk);
    let reloaded = StationConfig::load(&path).unwrap();
    assert_eq!(
        StationSettings::from_config(Some(&reloaded)),
        StationSettings {
            callback_public_url: "https://desk.contoso.com/".into(),
            ..entra_settings()
        }
    );
}

#[test]
fn saving_keeps_comments_and_other_templates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let original = r#"# Front desk, building 2
[services.entra]
kind = "entra"
tenant = "old-tenant"
client_id = "old-client"

[templates.visitor]   # visitors get a day pass
service = "entra"
display_name = "Visitor pass"
credential_type = "OldType"
manifest = "https://old.example.com/manifest"
authority = "did:web:old.example.com"
claims = [ { name = "name", required = true } ]

[templates.door]
kind = "presentation"
service = "entra"
credential_type = "VisitorPass"
authority = "did:web:verifier.example.com"
"#;
    std::fs::write(&path, original).unwrap();
    entra_settings().save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# Front desk, building 2"));
    assert!(text.contains("# visitors get a day pass"));
    assert!(text.contains("display_name = \"Visitor pass\""));
    assert!(
        !text.contains("[templates.badge]"),
        "the existing template is updated, not joined by another"
    );
    let config = StationConfig::load(&path).unwrap();
    assert_eq!(config.templates.len(), 2);
    let visitor = issuance(&config, "visitor");
    assert_eq!(visitor.credential_type, "VerifiedEmployee");
    let IssuanceTarget::Entra { authority, .. } = &visitor.target else {
        panic!("{:?}", visitor.target)
    };
    assert_eq!(authority, "did:web:contoso.com");
}

#[test]
fn an_invalid_setting_is_refused_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    entra_settings().save(&path).unwrap();
    let mut broken = entra_settings();
    broken.entra.authority = "contoso.com".into();
    let error = refused(broken, &path);
    assert!(
        error.contains("`templates.badge.authority` is not a DID"),
        "{error}"
    );
}

#[test]
fn a_config_that_cannot_be_written_says_so_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    entra_settings().save(&path).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    // A directory where the new file is written first: the write fails even
    // for root, which file permissions would not stop.
    std::fs::create_dir(dir.path().join("station.toml.tmp")).unwrap();
    let mut changed = entra_settings();
    changed.result_reset_secs = 45;
    let error = changed.save(&path).unwrap_err();
    assert_eq!(error.code(), "config.unwritable", "{error}");
    assert!(error.to_string().contains("cannot write"), "{error}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn choosing_the_sandbox_needs_no_service_details() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let sandbox = StationSettings {
        use_sandbox: true,
        ..StationSettings::from_config(None)
    };
    assert_eq!(sandbox.entra, EntraSettings::default());
    let config = sandbox.save(&path).unwrap();
    assert!(config.station.use_sandbox);
    assert!(config.services.is_empty());
    assert!(config.templates.is_empty());
    assert!(StationSettings::from_config(None).use_sandbox);
}

#[test]
fn the_chosen_camera_is_remembered_and_replaces_played_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    std::fs::write(
        &path,
        "[camera]\npictures = \"/srv/faces\"  # demo faces\nfps = 30\n",
    )
    .unwrap();
    let config = entra_settings().save(&path).unwrap();
    assert_eq!(
        config.camera.source,
        CameraSource::Device(Some("Logitech BRIO".into()))
    );
    assert_eq!(
        (config.camera.width, config.camera.height, config.camera.fps),
        (1920, 1080, 30)
    );

    // "First camera found" forgets the name; pictures, once replaced, stay gone.
    let first = StationSettings {
        camera_device: String::new(),
        ..entra_settings()
    };
    let config = first.save(&path).unwrap();
    assert_eq!(config.camera.source, CameraSource::Device(None));
}

#[test]
fn settings_keep_the_synthetic_camera_when_no_webcam_is_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    std::fs::write(&path, "[camera]\npictures = \"/srv/faces\"\n").unwrap();
    let no_webcam = StationSettings {
        camera_device: String::new(),
        ..entra_settings()
    };
    let config = no_webcam.save(&path).unwrap();
    assert_eq!(config.camera.source, CameraSource::Pictures("/srv/faces".into()));
    assert_eq!(StationSettings::from_config(Some(&config)).camera_device, "");
}

#[test]
fn each_service_keeps_its_secret_under_its_own_name() {
    assert_eq!(entra_settings().secret_service(), "entra");
    assert_eq!(orchestration_settings().secret_service(), "orchestration");
    assert_eq!(oid4vci_settings().secret_service(), "oid4vci");

    let store = MemoryStore::default();
    assert_eq!(StoredSecrets::of(&store), StoredSecrets::default());
    store
        .set(oid4vci_settings().secret_service(), &Secret::new("api-key"))
        .unwrap();
    assert_eq!(
        StoredSecrets::of(&store),
        StoredSecrets {
            entra: false,
            orchestration: false,
            oid4vci: true,
        }
    );
    let view = serde_json::to_value(StoredSecrets::of(&store)).unwrap();
    assert_eq!(
        view,
        serde_json::json!({"entra": false, "orchestration": false, "oid4vci": true})
    );
}

#[test]
fn the_screen_s_json_names_the_service_and_its_fields() {
    let json = serde_json::to_value(oid4vci_settings()).unwrap();
    assert_eq!(json["service"], "oid4vci");
    assert_eq!(json["oid4vci"]["credentialDefinitionId"], "def-7");
    assert_eq!(json["oid4vci"]["pollIntervalMs"], 500);
    assert_eq!(json["orchestration"]["contractId"], "");
    let back: StationSettings = serde_json::from_value(json).unwrap();
    assert_eq!(back, oid4vci_settings());
}

#[test]
fn without_templates_of_its_own_the_screen_shows_the_service_the_file_configures() {
    let config = StationConfig::from_toml(
        "[station]\nuse_sandbox = true\n\n[services.oid4vci]\nkind = \"oid4vci\"\napi_base = \"https://issuer.example.com/admin\"\n",
        "test",
    )
    .unwrap();
    let settings = StationSettings::from_config(Some(&config));
    assert!(settings.use_sandbox);
    assert_eq!(settings.service, SettingsService::Oid4vci);
    assert_eq!(settings.oid4vci.api_base, "https://issuer.example.com/admin");
    assert_eq!(settings.oid4vci.credential_definition_id, "");
}
