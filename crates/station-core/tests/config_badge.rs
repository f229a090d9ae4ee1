//! `badge = "cr80" | "a6"` on an issuance template and `[badge]`: absent,
//! no badge and nothing asked; the size named; the event required once a
//! template prints badges; the printer a CUPS queue name. Each refusal
//! names the field and the fix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::config::{BadgeConfig, BadgeLayout, StationConfig, Template};
use station_core::error::ErrorCode;

const SERVICE: &str = r#"
[callback]
public_url = "https://desk.example.com/station"

[services.contoso]
kind = "entra"
tenant = "12345678-0000-0000-0000-000000000000"
client_id = "abcd"
"#;

fn config(badge_field: &str, table: &str) -> Result<StationConfig, String> {
    let text = format!(
        r#"{SERVICE}
[templates.pass]
service = "contoso"
credential_type = "EventBadge"
manifest = "https://verifiedid.did.msidentity.com/v1.0/tenants/x/verifiableCredentials/contracts/y/manifest"
authority = "did:web:contoso.com"
{badge_field}
{table}
"#
    );
    StationConfig::from_toml(&text, "/etc/station.toml")
        .map_err(|error| format!("{} | {error}", error.code()))
}

fn layout(config: &StationConfig) -> Option<BadgeLayout> {
    match config.template("pass") {
        Some(Template::Issuance(template)) => template.badge,
        _ => panic!("pass is an issuance template"),
    }
}

#[test]
fn without_either_a_template_prints_no_badge() {
    let config = config("", "").unwrap();
    assert_eq!(layout(&config), None);
    assert_eq!(config.badge, BadgeConfig::default());
}

#[test]
fn both_sizes_with_an_event_and_a_printer() {
    let table = "[badge]\nevent = \" Contoso Conf 2026 \"\nprinter = \"Badge_Printer-1\"";
    let cr80 = config("badge = \"cr80\"", table).unwrap();
    assert_eq!(layout(&cr80), Some(BadgeLayout::Cr80));
    assert_eq!(cr80.badge.event, "Contoso Conf 2026");
    assert_eq!(cr80.badge.printer.as_deref(), Some("Badge_Printer-1"));
    let a6 = config("badge = \"a6\"", "[badge]\nevent = \"Conf\"").unwrap();
    assert_eq!(layout(&a6), Some(BadgeLayout::A6));
    assert_eq!(a6.badge.printer, None, "no printer: badges are saved");
}

#[test]
fn an_unknown_size_names_both() {
    let error = config("badge = \"letter\"", "[badge]\nevent = \"Conf\"").unwrap_err();
    assert!(error.starts_with("config.invalid"), "{error}");
    assert!(error.contains("templates.pass.badge"), "{error}");
    assert!(error.contains("\"cr80\"") && error.contains("\"a6\""), "{error}");
}

#[test]
fn a_badge_needs_the_event() {
    let error = config("badge = \"cr80\"", "").unwrap_err();
    assert!(error.contains("badge.event"), "{error}");
    assert!(error.contains("template 'pass' prints badges"), "{error}");
}

#[test]
fn a_printer_is_a_queue_name() {
    for printer in ["", "two words", "a/b", "x#1"] {
        let table = format!("[badge]\nevent = \"Conf\"\nprinter = \"{printer}\"");
        let error = config("badge = \"cr80\"", &table).unwrap_err();
        assert!(error.contains("badge.printer"), "{printer:?}: {error}");
        assert!(error.contains("lpstat -p"), "{error}");
    }
    let long = "[badge]\nevent = \"".to_owned() + &"x".repeat(81) + "\"";
    assert!(config("", &long).unwrap_err().contains("at most 80"));
}

#[test]
fn an_unknown_badge_field_is_named() {
    let error = config("", "[badge]\nevent = \"Conf\"\ncolour = \"red\"").unwrap_err();
    assert!(error.contains("colour"), "{error}");
}
