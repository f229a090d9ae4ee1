//! The Settings screen's edits land in the config file without disturbing
//! the rest of it, and only when the result is valid.

use std::path::Path;

use station_core::config::{
    CameraSource, IssuanceTarget, IssuanceTemplate, OfferScheme, Oid4vciMode, OrchestrationEvents,
    ServiceKind, StationConfig, Template,
};
use station_core::secrets::{MemoryStore, Secret, SecretStore};
use station_core::settings::{
    EntraSettings, Oid4vciSettings, OrchestrationSettings, SettingsService, StationSettings, StoredSecrets,
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

// ---- Verified Orchestration ---------------------------------------------------

#[test]
fn verified_orchestration_round_trips_and_writes_only_its_own_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let config = orchestration_settings().save(&path).unwrap();

    let ServiceKind::Orchestration(vo) = &config.services["orchestration"].kind else {
        panic!("{:?}", config.services["orchestration"].kind)
    };
    assert_eq!(vo.client_id, "vo-client");
    assert_eq!(vo.events, OrchestrationEvents::Subscription);
    assert_eq!(
        vo.ws_url.as_str(),
        "wss://contoso.api.verifiedorchestration.com/graphql",
        "no WebSocket URL given: derived from the API URL"
    );
    let badge = issuance(&config, "badge");
    assert_eq!(badge.service, "orchestration");
    assert_eq!(badge.credential_type, "Membership");
    assert_eq!(
        badge.target,
        IssuanceTarget::Orchestration {
            contract_id: "7a42c0de-0000-4000-8000-000000000042".into()
        }
    );
    assert_eq!(
        config.services.keys().collect::<Vec<_>>(),
        ["orchestration"],
        "no Entra or OID4VCI service is written"
    );
    let mut template_keys = keys(&path, "templates", "badge");
    template_keys.sort();
    assert_eq!(
        template_keys,
        [
            "claims",
            "contract_id",
            "credential_type",
            "display_name",
            "service"
        ]
    );
    let mut service_keys = keys(&path, "services", "orchestration");
    service_keys.sort();
    assert_eq!(
        service_keys,
        ["api_url", "client_id", "events", "kind", "scope", "token_url"]
    );

    let reloaded = StationSettings::from_config(Some(&StationConfig::load(&path).unwrap()));
    assert_eq!(reloaded, orchestration_settings());
    reloaded.save(&path).unwrap();
    assert_eq!(
        StationSettings::from_config(Some(&StationConfig::load(&path).unwrap())),
        orchestration_settings()
    );
}

#[test]
fn verified_orchestration_keeps_a_websocket_url_and_callback_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let settings = StationSettings {
        orchestration: OrchestrationSettings {
            ws_url: "wss://ws.contoso.example/graphql".into(),
            events: "callback".into(),
            ..orchestration()
        },
        ..orchestration_settings()
    };
    let config = settings.save(&path).unwrap();
    let ServiceKind::Orchestration(vo) = &config.services["orchestration"].kind else {
        panic!()
    };
    assert_eq!(vo.ws_url.as_str(), "wss://ws.contoso.example/graphql");
    assert_eq!(vo.events, OrchestrationEvents::Callback);
    assert_eq!(StationSettings::from_config(Some(&config)), settings);
}

#[test]
fn verified_orchestration_refuses_what_it_cannot_use_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    orchestration_settings().save(&path).unwrap();

    let mut bad_url = orchestration_settings();
    bad_url.orchestration.api_url = "contoso.api.verifiedorchestration.com".into();
    let error = refused(bad_url, &path);
    assert!(
        error.contains("`services.orchestration.api_url` is not an absolute http(s) URL"),
        "{error}"
    );

    let mut no_contract = orchestration_settings();
    no_contract.orchestration.contract_id = "  ".into();
    let error = refused(no_contract, &path);
    assert!(
        error.contains("`templates.badge.contract_id` is missing")
            && error.contains("Fix: set the contract's id"),
        "{error}"
    );

    let mut bad_events = orchestration_settings();
    bad_events.orchestration.events = "webhook".into();
    let error = refused(bad_events, &path);
    assert!(
        error.contains("`services.orchestration.events` is 'webhook'"),
        "{error}"
    );

    let mut no_scope = orchestration_settings();
    no_scope.orchestration.scope = String::new();
    let error = refused(no_scope, &path);
    assert!(
        error.contains("`services.orchestration.scope` is missing"),
        "{error}"
    );
}

// ---- OID4VCI -------------------------------------------------------------------

#[test]
fn an_oid4vci_issuer_round_trips_and_writes_only_its_own_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let config = oid4vci_settings().save(&path).unwrap();

    let ServiceKind::Oid4vci(issuer) = &config.services["oid4vci"].kind else {
        panic!("{:?}", config.services["oid4vci"].kind)
    };
    assert_eq!(issuer.api_base.as_str(), "https://issuer.example.com/admin");
    assert_eq!(issuer.poll_interval.as_millis(), 500);
    assert_eq!(issuer.offer_lifetime.as_secs(), 300);
    assert_eq!(issuer.url_scheme, OfferScheme::Haip);
    let badge = issuance(&config, "badge");
    assert_eq!(badge.service, "oid4vci");
    assert_eq!(
        badge.target,
        IssuanceTarget::Oid4vci {
            credential_definition_id: "def-7".into(),
            mode: Oid4vciMode::Deferred,
            credential_format: Default::default(),
        }
    );
    assert_eq!(config.services.keys().collect::<Vec<_>>(), ["oid4vci"]);
    let mut template_keys = keys(&path, "templates", "badge");
    template_keys.sort();
    assert_eq!(
        template_keys,
        [
            "claims",
            "credential_definition_id",
            "credential_type",
            "display_name",
            "issuance_mode",
            "service"
        ]
    );
    let mut service_keys = keys(&path, "services", "oid4vci");
    service_keys.sort();
    assert_eq!(
        service_keys,
        [
            "api_base",
            "kind",
            "offer_lifetime_secs",
            "poll_interval_ms",
            "url_scheme"
        ]
    );

    let reloaded = StationSettings::from_config(Some(&StationConfig::load(&path).unwrap()));
    assert_eq!(reloaded, oid4vci_settings());
    reloaded.save(&path).unwrap();
    assert_eq!(
        StationSettings::from_config(Some(&StationConfig::load(&path).unwrap())),
        oid4vci_settings()
    );
}

#[test]
fn an_oid4vci_issuer_left_at_its_defaults_writes_none_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    let settings = StationSettings {
        oid4vci: Oid4vciSettings {
            poll_interval_ms: None,
            offer_lifetime_secs: None,
            url_scheme: String::new(),
            issuance_mode: String::new(),
            ..oid4vci()
        },
        ..oid4vci_settings()
    };
    let config = settings.save(&path).unwrap();
    let mut service_keys = keys(&path, "services", "oid4vci");
    service_keys.sort();
    assert_eq!(service_keys, ["api_base", "kind"]);
    assert!(!keys(&path, "templates", "badge").contains(&"issuance_mode".to_owned()));
    let ServiceKind::Oid4vci(issuer) = &config.services["oid4vci"].kind else {
        panic!()
    };
    assert_eq!(
        (issuer.poll_interval.as_millis(), issuer.offer_lifetime.as_secs()),
        (1000, 600)
    );
    assert_eq!(issuer.url_scheme, OfferScheme::CredentialOffer);
    assert!(matches!(
        issuance(&config, "badge").target,
        IssuanceTarget::Oid4vci {
            mode: Oid4vciMode::InTime,
            ..
        }
    ));
    // Read back, the defaults are said as they apply.
    let reloaded = StationSettings::from_config(Some(&config));
    assert_eq!(reloaded.oid4vci.poll_interval_ms, Some(1000));
    assert_eq!(reloaded.oid4vci.issuance_mode, "in_time");
}

#[test]
fn an_oid4vci_issuer_refuses_what_it_cannot_use_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    oid4vci_settings().save(&path).unwrap();

    let mut fast = oid4vci_settings();
    fast.oid4vci.poll_interval_ms = Some(50);
    let error = refused(fast, &path);
    assert!(
        error.contains("`services.oid4vci.poll_interval_ms` is 50") && error.contains("use 200 to 10000 ms"),
        "{error}"
    );

    let mut mode = oid4vci_settings();
    mode.oid4vci.issuance_mode = "sometimes".into();
    let error = refused(mode, &path);
    assert!(
        error.contains("`templates.badge.issuance_mode` is 'sometimes'"),
        "{error}"
    );

    let mut no_definition = oid4vci_settings();
    no_definition.oid4vci.credential_definition_id = String::new();
    let error = refused(no_definition, &path);
    assert!(
        error.contains("`templates.badge.credential_definition_id` is missing"),
        "{error}"
    );

    let mut scheme = oid4vci_settings();
    scheme.oid4vci.url_scheme = "openid4vp://".into();
    let error = refused(scheme, &path);
    assert!(error.contains("`services.oid4vci.url_scheme`"), "{error}");
}

// ---- switching services ----------------------------------------------------------

/// A file an administrator wrote: a service of their own with its template,
/// a check-in on the Settings Entra service, comments throughout.
const ADMINISTERED: &str = r#"# Front desk, building 2
[callback]
public_url = "https://desk2.contoso.com/station"

[services.entra]
kind = "entra"
tenant = "12345678-0000-0000-0000-000000000000"
client_id = "app-client-id"
authority_host = "https://login.microsoftonline.com"   # kept by hand

[services.contoso]   # the HR tenant
kind = "entra"
tenant = "hr-tenant"
client_id = "hr-client"

[templates.badge]   # the desk's badge
service = "entra"
display_name = "Visitor badge"
credential_type = "VerifiedEmployee"
manifest = "https://verifiedid.did.msidentity.com/v1.0/tenants/t/verifiableCredentials/contracts/c/manifest"
authority = "did:web:contoso.com"
pin_length = 4
claims = [ { name = "given_name", label = "First name", required = true } ]

[templates.employee]
service = "contoso"
display_name = "Employee"
credential_type = "HrEmployee"
manifest = "https://hr.example.com/manifest"
authority = "did:web:hr.example.com"

[templates.door]
kind = "presentation"
service = "entra"
credential_type = "VerifiedEmployee"
authority = "did:web:contoso.com"
"#;

#[test]
fn switching_to_verified_orchestration_moves_the_station_templates_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    std::fs::write(&path, ADMINISTERED).unwrap();
    let before = StationSettings::from_config(Some(&StationConfig::load(&path).unwrap()));
    assert_eq!(before.service, SettingsService::Entra);

    let switched = StationSettings {
        service: SettingsService::Orchestration,
        orchestration: orchestration(),
        credential_type: "Membership".into(),
        ..before.clone()
    };
    let config = switched.save(&path).unwrap();

    // Home: the station's badge now issues through Verified Orchestration…
    let badge = issuance(&config, "badge");
    assert_eq!(badge.service, "orchestration");
    assert_eq!(
        badge.target,
        IssuanceTarget::Orchestration {
            contract_id: "7a42c0de-0000-4000-8000-000000000042".into()
        }
    );
    assert_eq!(badge.display_name, "Visitor badge");
    assert_eq!(badge.pin_length, Some(4));
    assert!(!keys(&path, "templates", "badge")
        .iter()
        .any(|k| k == "manifest" || k == "authority"));
    // …the administrator's template of their own service is as it was…
    let employee = issuance(&config, "employee");
    assert_eq!(employee.service, "contoso");
    assert_eq!(employee.credential_type, "HrEmployee");
    assert!(matches!(employee.target, IssuanceTarget::Entra { .. }));
    // …and so are the check-in, the Entra service it uses, and the comments.
    assert!(matches!(config.templates["door"], Template::Presentation(_)));
    assert!(matches!(config.services["entra"].kind, ServiceKind::Entra(_)));
    let text = std::fs::read_to_string(&path).unwrap();
    for kept in [
        "# Front desk, building 2",
        "authority_host = \"https://login.microsoftonline.com\"   # kept by hand",
        "[services.contoso]   # the HR tenant",
        "[templates.badge]   # the desk's badge",
        "manifest = \"https://hr.example.com/manifest\"",
    ] {
        assert!(text.contains(kept), "lost {kept:?}:\n{text}");
    }

    // Read back: Verified Orchestration is chosen, and Entra's service
    // details are still there for switching back.
    let reloaded = StationSettings::from_config(Some(&config));
    assert_eq!(reloaded.service, SettingsService::Orchestration);
    assert_eq!(reloaded.orchestration, orchestration());
    assert_eq!(reloaded.entra.tenant, "12345678-0000-0000-0000-000000000000");
    assert_eq!(
        reloaded.entra.authority, "",
        "the badge no longer has Entra's target"
    );

    // Switching back to Entra moves the badge back, without the contract.
    let back = StationSettings {
        service: SettingsService::Entra,
        entra: EntraSettings {
            authority: "did:web:contoso.com".into(),
            manifest: MANIFEST.into(),
            ..reloaded.entra.clone()
        },
        ..reloaded
    };
    let config = back.save(&path).unwrap();
    let badge = issuance(&config, "badge");
    assert_eq!(badge.service, "entra");
    assert!(matches!(badge.target, IssuanceTarget::Entra { .. }));
    assert!(!keys(&path, "templates", "badge").contains(&"contract_id".to_owned()));
    assert!(
        config.services.contains_key("orchestration"),
        "Verified Orchestration's details stay for the next switch"
    );
    // The contract went with the badge: it is a template field, asked again
    // on the next switch; the service's own details are all kept.
    let mut expected = back;
    expected.orchestration.contract_id = String::new();
    assert_eq!(StationSettings::from_config(Some(&config)), expected);
}

#[test]
fn switching_to_an_oid4vci_issuer_moves_every_template_of_the_settings_services() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    orchestration_settings().save(&path).unwrap();
    // An administrator adds a second template on the Settings service.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "\n[templates.guest]\nservice = \"orchestration\"\ncredential_type = \"Guest\"\ncontract_id = \"7a42c0de-0000-4000-8000-0000000000aa\"\nphoto_claim = \"photo\"\n",
    );
    std::fs::write(&path, text).unwrap();

    let config = oid4vci_settings().save(&path).unwrap();
    for name in ["badge", "guest"] {
        let template = issuance(&config, name);
        assert_eq!(template.service, "oid4vci", "{name}");
        assert!(
            matches!(template.target, IssuanceTarget::Oid4vci { .. }),
            "{name}"
        );
        assert!(!keys(&path, "templates", name).contains(&"contract_id".to_owned()));
    }
    assert_eq!(issuance(&config, "guest").photo_claim.as_deref(), Some("photo"));
    assert_eq!(config.templates.len(), 2);
}

#[test]
fn choosing_the_sandbox_leaves_services_and_templates_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    orchestration_settings().save(&path).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();

    let sandbox = StationSettings {
        use_sandbox: true,
        // Whatever the hidden fields hold is not written.
        orchestration: OrchestrationSettings::default(),
        ..orchestration_settings()
    };
    let config = sandbox.save(&path).unwrap();
    assert!(config.station.use_sandbox);
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(after.replace("use_sandbox = true", "use_sandbox = false"), before);
    let reloaded = StationSettings::from_config(Some(&config));
    assert!(reloaded.use_sandbox);
    assert_eq!(reloaded.service, SettingsService::Orchestration);
    assert_eq!(reloaded.orchestration, orchestration());
}

#[test]
fn an_administrator_template_named_badge_is_not_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    std::fs::write(
        &path,
        r#"[services.hr]
kind = "oid4vci"
api_base = "https://hr.example.com/admin"

[templates.badge]
service = "hr"
credential_type = "HrBadge"
credential_definition_id = "hr-badge"
"#,
    )
    .unwrap();
    let config = orchestration_settings().save(&path).unwrap();
    let admin = issuance(&config, "badge");
    assert_eq!(admin.service, "hr");
    assert_eq!(admin.credential_type, "HrBadge");
    let own = issuance(&config, "badge-2");
    assert_eq!(own.service, "orchestration");
    assert_eq!(own.display_name, "Badge");
    assert_eq!(
        own.claims.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["given_name", "family_name"]
    );
}

#[test]
fn an_inline_service_table_is_edited_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    std::fs::write(
        &path,
        "[services]\noid4vci = { kind = \"oid4vci\", api_base = \"https://old.example.com/admin\", url_scheme = \"haip://\" }\n",
    )
    .unwrap();
    let settings = StationSettings {
        oid4vci: Oid4vciSettings {
            // The form left the scheme alone, as read from the file.
            url_scheme: "haip://".into(),
            ..oid4vci()
        },
        ..oid4vci_settings()
    };
    let config = settings.save(&path).unwrap();
    let ServiceKind::Oid4vci(issuer) = &config.services["oid4vci"].kind else {
        panic!()
    };
    assert_eq!(issuer.api_base.as_str(), "https://issuer.example.com/admin");
    assert_eq!(issuer.url_scheme, OfferScheme::Haip);
}

#[test]
fn a_setting_that_belongs_to_another_kind_of_service_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("station.toml");
    // An administrator put Entra fields in the table Settings uses for OID4VCI.
    std::fs::write(
        &path,
        "[services.oid4vci]\nkind = \"oid4vci\"\napi_base = \"https://issuer.example.com/admin\"\ntenant = \"contoso\"\n",
    )
    .unwrap();
    let error = refused(oid4vci_settings(), &path);
    assert!(
        error.contains("`services.oid4vci.tenant` does not apply to an OID4VCI service")
            && error.contains("Fix: remove it"),
        "{error}"
    );
}

// ---- secrets -------------------------------------------------------------------

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
