//! Switching services over a file an administrator wrote: the station's
//! own templates move, everything else stays as it was.

use station_core::config::{IssuanceTarget, OfferScheme, ServiceKind, StationConfig, Template};
use station_core::settings::{
    EntraSettings, Oid4vciSettings, OrchestrationSettings, SettingsService, StationSettings,
};

use super::{
    issuance, keys, oid4vci, oid4vci_settings, orchestration, orchestration_settings, refused, MANIFEST,
};

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
