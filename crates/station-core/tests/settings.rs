//! The Settings screen's edits land in the config file without disturbing
//! the rest of it, and only when the result is valid.

use station_core::config::{CameraSource, StationConfig};
use station_core::settings::StationSettings;

fn entra_settings() -> StationSettings {
    StationSettings {
        use_sandbox: false,
        tenant: "12345678-0000-0000-0000-000000000000".into(),
        client_id: "app-client-id".into(),
        authority: "did:web:contoso.com".into(),
        credential_type: "VerifiedEmployee".into(),
        manifest:
            "https://verifiedid.did.msidentity.com/v1.0/tenants/t/verifiableCredentials/contracts/c/manifest"
                .into(),
        callback_public_url: "https://desk.contoso.com".into(),
        kiosk: true,
        result_reset_secs: 20,
        camera_device: "Logitech BRIO".into(),
        camera_width: 1920,
        camera_height: 1080,
    }
}

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
    let station_core::config::Template::Issuance(visitor) = &config.templates["visitor"] else {
        panic!()
    };
    assert_eq!(visitor.credential_type, "VerifiedEmployee");
    let station_core::config::IssuanceTarget::Entra { authority, .. } = &visitor.target else {
        panic!("{:?}", visitor.target)
    };
    assert_eq!(authority, "did:web:contoso.com");
}

#[test]
fn an_invalid_setting_is_refused_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    entra_settings().save(&path).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let broken = StationSettings {
        authority: "contoso.com".into(),
        ..entra_settings()
    };
    let error = broken.save(&path).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`templates.badge.authority` is not a DID"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

#[test]
fn choosing_the_sandbox_needs_no_entra_details() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let sandbox = StationSettings {
        use_sandbox: true,
        tenant: String::new(),
        client_id: String::new(),
        authority: String::new(),
        credential_type: String::new(),
        manifest: String::new(),
        callback_public_url: String::new(),
        kiosk: false,
        result_reset_secs: 15,
        camera_device: String::new(),
        camera_width: 1280,
        camera_height: 720,
    };
    let config = sandbox.save(&path).unwrap();
    assert!(config.station.use_sandbox);
    assert!(config.services.is_empty());
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
