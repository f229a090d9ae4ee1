//! The OID4VCI parts of the config: a template's `credential_format`, and
//! the issuer's `userPin` limit (4 to 12 characters) on `pin_length`.

use station_core::config::{CredentialFormat, IssuanceTarget, StationConfig, Template};
use station_core::error::ErrorCode;

fn config(template_extra: &str) -> Result<StationConfig, station_core::config::ConfigError> {
    StationConfig::from_toml(
        &format!(
            r#"
[services.issuer]
kind = "oid4vci"
api_base = "https://issuer.example.com/admin"

[templates.badge]
service = "issuer"
credential_type = "EventBadge"
credential_definition_id = "EventBadge"
{template_extra}
"#
        ),
        "test config",
    )
}

fn format_of(config: &StationConfig) -> CredentialFormat {
    match config.template("badge") {
        Some(Template::Issuance(template)) => match &template.target {
            IssuanceTarget::Oid4vci {
                credential_format, ..
            } => *credential_format,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_credential_format_defaults_to_dc_sd_jwt_and_names_every_format() {
    assert_eq!(format_of(&config("").unwrap()), CredentialFormat::SdJwt);
    for (name, format) in [
        ("dc+sd-jwt", CredentialFormat::SdJwt),
        ("jwt_vc_json", CredentialFormat::JwtVcJson),
        ("mso_mdoc", CredentialFormat::MsoMdoc),
        ("vc+sd-jwt", CredentialFormat::LegacySdJwt),
    ] {
        let config = config(&format!("credential_format = \"{name}\"")).unwrap();
        assert_eq!(format_of(&config), format, "{name}");
        assert_eq!(format.as_str(), name);
    }
}

#[test]
fn an_unknown_credential_format_is_refused_with_the_known_ones() {
    let error = config("credential_format = \"ldp_vc\"").unwrap_err();
    assert_eq!(error.code(), "config.invalid");
    let message = error.to_string();
    assert!(message.contains("templates.badge.credential_format"), "{message}");
    assert!(
        message.contains("dc+sd-jwt") && message.contains("jwt_vc_json"),
        "{message}"
    );
}

#[test]
fn a_credential_format_on_another_service_is_refused() {
    let error = StationConfig::from_toml(
        r#"
[services.desk]
kind = "orchestration"
api_url = "https://vo.example.com/graphql"
token_url = "https://login.example.com/token"
client_id = "c"
scope = "s"

[templates.member]
service = "desk"
credential_type = "EventBadge"
contract_id = "5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f11"
credential_format = "dc+sd-jwt"
"#,
        "test config",
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("templates.member.credential_format"),
        "{message}"
    );
}

#[test]
fn a_pin_of_13_to_16_digits_is_refused_for_an_oid4vci_issuer_with_the_reason() {
    for length in [13, 16, 17] {
        let error = config(&format!("pin_length = {length}")).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("templates.badge.pin_length"), "{message}");
        assert!(
            message.contains("userPin"),
            "the reason is the issuer's: {message}"
        );
        assert!(message.contains("4 to 12"), "says what to use: {message}");
    }
    for length in [0, 4, 12] {
        assert!(config(&format!("pin_length = {length}")).is_ok(), "{length}");
    }
}
