//! `[kiosk]`: defaults when the table is absent, the template checked
//! against `[templates]`, the idle time bounded; each refusal names the
//! field and the fix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::config::{KioskConfig, StationConfig};
use station_core::error::ErrorCode;

const TEMPLATES: &str = r#"
[callback]
public_url = "https://desk.example.com/station"

[services.contoso]
kind = "entra"
tenant = "12345678-0000-0000-0000-000000000000"
client_id = "abcd"

[templates.badge]
service = "contoso"
credential_type = "EventBadge"
manifest = "https://verifiedid.did.msidentity.com/v1.0/tenants/x/verifiableCredentials/contracts/y/manifest"
authority = "did:web:contoso.com"
claims = [ { name = "given_name", required = true } ]

[templates.door]
kind = "presentation"
service = "contoso"
credential_type = "EventBadge"
authority = "did:web:contoso.com"
"#;

fn with_kiosk(table: &str) -> Result<StationConfig, String> {
    let text = format!("{TEMPLATES}\n[kiosk]\n{table}\n");
    StationConfig::from_toml(&text, "/etc/station.toml")
        .map_err(|error| format!("{} | {error}", error.code()))
}

#[test]
fn without_the_table_a_kiosk_has_no_template_and_waits_45_seconds() {
    let config = StationConfig::from_toml(TEMPLATES, "test").unwrap();
    assert_eq!(config.kiosk, KioskConfig::default());
    assert_eq!((config.kiosk.template, config.kiosk.idle_secs), (None, 45));
}

#[test]
fn every_setting_is_read() {
    let kiosk = with_kiosk("template = \"badge\"\nidle_secs = 20\npreview = true")
        .unwrap()
        .kiosk;
    assert_eq!(
        kiosk,
        KioskConfig {
            template: Some("badge".into()),
            idle_secs: 20,
            preview: true
        }
    );
}

#[test]
fn the_template_must_be_an_issuance_template_of_the_file() {
    let unknown = with_kiosk("template = \"badg\"").unwrap_err();
    assert!(unknown.starts_with("config.invalid"), "{unknown}");
    assert!(
        unknown.contains("kiosk.template")
            && unknown.contains("not in [templates]")
            && unknown.contains("one of badge"),
        "{unknown}"
    );
    let check = with_kiosk("template = \"door\"").unwrap_err();
    assert!(
        check.contains("checks credentials rather than issuing them"),
        "{check}"
    );
}

#[test]
fn with_the_sandbox_s_built_in_templates_the_name_is_checked_at_the_kiosk() {
    let text = "[station]\nuse_sandbox = true\n\n[kiosk]\ntemplate = \"badge\"\n";
    let config = StationConfig::from_toml(text, "test").unwrap();
    assert_eq!(config.kiosk.template.as_deref(), Some("badge"));
}

#[test]
fn the_idle_time_is_bounded() {
    for bad in ["idle_secs = 4", "idle_secs = 601"] {
        let error = with_kiosk(bad).unwrap_err();
        assert!(
            error.contains("kiosk.idle_secs") && error.contains("use 5 to 600 seconds"),
            "{error}"
        );
    }
    let typo = with_kiosk("idle = 30").unwrap_err();
    assert!(typo.contains("idle"), "{typo}");
}
