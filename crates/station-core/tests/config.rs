//! Config errors name the file, the field and the fix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::config::{
    CameraSource, ConstraintRule, EntraApiShape, IssuanceTarget, OfferScheme, Oid4vciMode,
    OrchestrationEvents, ServiceKind, StationConfig, Template,
};
use station_core::error::ErrorCode;

const VALID: &str = r#"
[callback]
bind = "0.0.0.0:47381"
public_url = "https://desk.example.com/station"

[services.contoso]
kind = "entra"
tenant = "12345678-0000-0000-0000-000000000000"
client_id = "abcd"

[templates.expert]
service = "contoso"
credential_type = "VerifiedCredentialExpert"
manifest = "https://verifiedid.did.msidentity.com/v1.0/tenants/x/verifiableCredentials/contracts/y/manifest"
authority = "did:web:contoso.com"
claims = [ { name = "given_name", label = "First name", required = true } ]

[templates.door]
kind = "presentation"
service = "contoso"
credential_type = "VerifiedCredentialExpert"
authority = "did:web:contoso.com"
constraints = [ { claim = "given_name", contains = "eg" } ]
"#;

fn error_for(text: &str) -> String {
    let error = StationConfig::from_toml(text, "/etc/station.toml").unwrap_err();
    format!("{} | {}", error.code(), error)
}

#[test]
fn a_valid_config_gets_microsoft_defaults() {
    let config = StationConfig::from_toml(VALID, "test").unwrap();
    let ServiceKind::Entra(entra) = &config.services["contoso"].kind else {
        panic!("an Entra service")
    };
    assert_eq!(
        entra.authority_host.as_str(),
        "https://login.microsoftonline.com/"
    );
    assert_eq!(entra.api_base.as_str(), "https://verifiedid.did.msidentity.com/");
    assert_eq!(entra.scope, "3db474b9-6a0c-4840-96ac-1fceb342124f/.default");
    assert_eq!(entra.api_shape, EntraApiShape::Current);
    let Template::Issuance(expert) = &config.templates["expert"] else {
        panic!()
    };
    assert_eq!(expert.pin_length, Some(6), "Entra's default PIN length");
    let Template::Presentation(door) = &config.templates["door"] else {
        panic!()
    };
    assert_eq!(door.constraints[0].rule, ConstraintRule::Contains("eg".into()));
    assert_eq!(
        config.callback.public_url.as_ref().unwrap().as_str(),
        "https://desk.example.com/station"
    );
}

#[test]
fn a_typo_is_named_with_its_line() {
    let message = error_for(&VALID.replace("client_id = \"abcd\"", "client_idd = \"abcd\""));
    assert!(
        message.starts_with("config.syntax | /etc/station.toml"),
        "{message}"
    );
    assert!(message.contains("client_idd"), "{message}");
    assert!(message.contains("line"), "{message}");
}

#[test]
fn a_pin_length_out_of_range_says_what_is_allowed() {
    let message = error_for(&VALID.replace(
        "authority = \"did:web:contoso.com\"\nclaims",
        "authority = \"did:web:contoso.com\"\npin_length = 3\nclaims",
    ));
    assert_eq!(
        message,
        "config.invalid | /etc/station.toml: `templates.expert.pin_length` is 3. Fix: use 4 to 16 digits, or 0 for no PIN"
    );
}

#[test]
fn an_unknown_service_lists_the_known_ones() {
    let message = error_for(&VALID.replacen("service = \"contoso\"", "service = \"fabrikam\"", 1));
    assert!(
        message.contains(
            "`templates.expert.service` names 'fabrikam', which is not configured. Fix: use one of: contoso"
        ),
        "{message}"
    );
}

#[test]
fn a_missing_tenant_says_where_to_find_it() {
    let message = error_for(&VALID.replace("tenant = \"12345678-0000-0000-0000-000000000000\"\n", ""));
    assert!(
        message.contains("`services.contoso.tenant` is missing. Fix: set your Entra tenant ID"),
        "{message}"
    );
}

#[test]
fn a_non_did_authority_is_refused() {
    let message = error_for(&VALID.replacen(
        "authority = \"did:web:contoso.com\"",
        "authority = \"contoso.com\"",
        1,
    ));
    assert!(
        message.contains("`templates.expert.authority` is not a DID"),
        "{message}"
    );
}

#[test]
fn a_bad_manifest_url_is_refused() {
    let message = error_for(&VALID.replace("manifest = \"https://", "manifest = \"ftp://"));
    assert!(
        message.contains("`templates.expert.manifest` is not an absolute http(s) URL"),
        "{message}"
    );
}

#[test]
fn a_constraint_needs_exactly_one_operand() {
    let message = error_for(&VALID.replace("contains = \"eg\"", "contains = \"eg\", starts_with = \"M\""));
    assert!(
        message.contains(
            "`templates.door.constraints[0]` does not have exactly one of values, contains, starts_with"
        ),
        "{message}"
    );
}

#[test]
fn a_face_check_threshold_outside_50_to_100_is_refused() {
    let text = VALID.replace(
        "constraints = [",
        "face_check = { source_photo_claim = \"photo\", match_confidence_threshold = 49 }\nconstraints = [",
    );
    let message = error_for(&text);
    assert!(
        message.contains("`templates.door.face_check.match_confidence_threshold` is 49. Fix: use 50 to 100"),
        "{message}"
    );
}

#[test]
fn repeated_claims_and_bad_bind_addresses_are_refused() {
    let repeated = VALID.replace(
        "claims = [ { name = \"given_name\", label = \"First name\", required = true } ]",
        "claims = [ { name = \"given_name\" }, { name = \"given_name\" } ]",
    );
    assert!(error_for(&repeated).contains("repeats 'given_name'"));
    let bind = VALID.replace("0.0.0.0:47381", "localhost");
    assert!(error_for(&bind).contains("`callback.bind` is not an IP address and port"));
}

#[test]
fn a_config_without_templates_is_refused() {
    let message = error_for("[services.a]\nkind = \"entra\"\ntenant = \"t\"\nclient_id = \"c\"\n");
    assert!(message.contains("`templates` has no entries"), "{message}");
}

#[test]
fn a_missing_file_is_named() {
    let error = StationConfig::load(std::path::Path::new("/nonexistent/station.toml")).unwrap_err();
    assert_eq!(error.code(), "config.unreadable");
    assert!(error.to_string().contains("/nonexistent/station.toml"));
}

#[test]
fn a_tenant_that_would_change_the_token_url_is_refused() {
    let message = error_for(&VALID.replace(
        "tenant = \"12345678-0000-0000-0000-000000000000\"",
        "tenant = \"evil.example/x?\"",
    ));
    assert!(
        message.contains("`services.contoso.tenant` 'evil.example/x?' is not a tenant ID or name"),
        "{message}"
    );
}

#[test]
fn the_preview_shape_defaults_to_the_preview_host() {
    let config = StationConfig::from_toml(
        &VALID.replace("kind = \"entra\"", "kind = \"entra-preview\""),
        "t",
    )
    .unwrap();
    let ServiceKind::Entra(entra) = &config.services["contoso"].kind else {
        panic!("an Entra service")
    };
    assert_eq!(entra.api_base.as_str(), "https://beta.did.msidentity.com/");
    assert_eq!(entra.scope, "bbb94529-53a3-4be5-a069-7eaf2712b826/.default");
}

#[test]
fn a_setting_of_the_other_template_kind_is_not_silently_ignored() {
    let message = error_for(&VALID.replace(
        "constraints = [ { claim = \"given_name\", contains = \"eg\" } ]",
        "constraints = [ { claim = \"given_name\", contains = \"eg\" } ]\npin_length = 4",
    ));
    assert!(message.contains("`templates.door.pin_length` belongs to the other kind of template, not to a presentation template"), "{message}");
    let message = error_for(&VALID.replace(
        "authority = \"did:web:contoso.com\"\nclaims",
        "authority = \"did:web:contoso.com\"\nallow_revoked = true\nclaims",
    ));
    assert!(
        message.contains("`templates.expert.allow_revoked` belongs to the other kind"),
        "{message}"
    );
}

#[test]
fn a_photo_claim_must_not_also_be_typed_in() {
    let message = error_for(&VALID.replace(
        "claims = [ { name = \"given_name\", label = \"First name\", required = true } ]",
        "claims = [ { name = \"given_name\", label = \"First name\", required = true } ]\nphoto_claim = \"given_name\"",
    ));
    assert!(
        message.contains("`templates.expert.photo_claim` 'given_name' is also a typed-in claim"),
        "{message}"
    );
}

#[test]
fn a_camera_plays_pictures_at_a_sane_rate() {
    let config =
        StationConfig::from_toml(&format!("{VALID}\n[camera]\npictures = \"/srv/faces\"\n"), "t").unwrap();
    let camera = config.camera;
    assert_eq!(camera.source, CameraSource::Pictures("/srv/faces".into()));
    assert_eq!((camera.width, camera.height, camera.fps), (1280, 720, 25));
    let message = error_for(&format!(
        "{VALID}\n[camera]\npictures = \"/srv/faces\"\nfps = 0\n"
    ));
    assert!(
        message.contains("`camera.fps` is 0. Fix: use 1 to 60"),
        "{message}"
    );
}

#[test]
fn the_preview_shows_15_frames_a_second_unless_told_otherwise() {
    let camera = |extra: &str| {
        StationConfig::from_toml(
            &format!("{VALID}\n[camera]\npictures = \"/srv/faces\"\n{extra}"),
            "t",
        )
        .map(|config| config.camera.preview_fps)
    };
    assert_eq!(camera("").unwrap(), 15);
    assert_eq!(camera("preview_fps = 25\n").unwrap(), 25);
    let message = error_for(&format!(
        "{VALID}\n[camera]\npictures = \"/srv/faces\"\npreview_fps = 0\n"
    ));
    assert!(
        message.contains("`camera.preview_fps` is 0. Fix: use 1 to 60"),
        "{message}"
    );
}

#[test]
fn without_a_camera_section_the_first_webcam_is_used() {
    let config = StationConfig::from_toml(VALID, "t").unwrap();
    assert_eq!(config.camera.source, CameraSource::Device(None));
    let named = StationConfig::from_toml(
        &format!("{VALID}\n[camera]\ndevice = \"Desk cam\"\nwidth = 640\nheight = 480\n"),
        "t",
    )
    .unwrap();
    assert_eq!(named.camera.source, CameraSource::Device(Some("Desk cam".into())));
    assert_eq!((named.camera.width, named.camera.height), (640, 480));
}

#[test]
fn a_webcam_and_pictures_together_are_refused() {
    let message = error_for(&format!(
        "{VALID}\n[camera]\ndevice = \"Desk cam\"\npictures = \"/srv/faces\"\n"
    ));
    assert!(
        message.contains("`camera.device` is set together with `camera.pictures`"),
        "{message}"
    );
    assert!(message.contains("not both"), "{message}");
}

const ISSUER_AND_ORCHESTRATION: &str = r#"
[services.issuer]
kind = "oid4vci"
api_base = "https://issuer.example/admin"
poll_interval_ms = 500

[services.vo]
kind = "orchestration"
api_url = "https://instance.api.verifiedorchestration.com/graphql"
token_url = "https://login.microsoftonline.com/t/oauth2/v2.0/token"
client_id = "desk"
scope = "api://instance/.default"

[templates.pass]
service = "issuer"
credential_type = "EventPass"
credential_definition_id = "EventBadge"
issuance_mode = "deferred"
claims = [ { name = "given_name", required = true } ]

[templates.member]
service = "vo"
credential_type = "Membership"
contract_id = "5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f10"
claims = [ { name = "given_name", required = true } ]
"#;

#[test]
fn oid4vci_and_orchestration_services_take_their_own_fields() {
    let config = StationConfig::from_toml(ISSUER_AND_ORCHESTRATION, "t").unwrap();
    let ServiceKind::Oid4vci(issuer) = &config.services["issuer"].kind else {
        panic!("an OID4VCI service")
    };
    assert_eq!(issuer.poll_interval, std::time::Duration::from_millis(500));
    assert_eq!(issuer.url_scheme, OfferScheme::CredentialOffer);
    let ServiceKind::Orchestration(vo) = &config.services["vo"].kind else {
        panic!("a Verified Orchestration service")
    };
    assert_eq!(
        vo.ws_url.as_str(),
        "wss://instance.api.verifiedorchestration.com/graphql"
    );
    assert_eq!(vo.events, OrchestrationEvents::Subscription);
    assert_eq!(
        vo.reconcile_interval,
        std::time::Duration::from_secs(5),
        "lost events are looked for every 5 s unless told otherwise"
    );
    let Template::Issuance(pass) = &config.templates["pass"] else {
        panic!()
    };
    assert_eq!(
        pass.target,
        IssuanceTarget::Oid4vci {
            credential_definition_id: "EventBadge".into(),
            mode: Oid4vciMode::Deferred,
            credential_format: Default::default(),
        }
    );
    let Template::Issuance(member) = &config.templates["member"] else {
        panic!()
    };
    assert_eq!(
        member.target,
        IssuanceTarget::Orchestration {
            contract_id: "5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f10".into()
        }
    );
}

#[test]
fn a_field_of_another_service_is_named_with_what_that_service_takes() {
    let message = error_for(&ISSUER_AND_ORCHESTRATION.replace(
        "credential_definition_id = \"EventBadge\"",
        "credential_definition_id = \"EventBadge\"\nmanifest = \"https://x.example/m\"",
    ));
    assert!(
        message.contains("`templates.pass.manifest` does not apply to an OID4VCI service"),
        "{message}"
    );
    assert!(
        message.contains("credential_definition_id, issuance_mode"),
        "{message}"
    );
    let message = error_for(&ISSUER_AND_ORCHESTRATION.replace("poll_interval_ms = 500", "tenant = \"t\""));
    assert!(
        message.contains("`services.issuer.tenant` does not apply to an OID4VCI service"),
        "{message}"
    );
    let message = error_for(
        &ISSUER_AND_ORCHESTRATION.replace("contract_id = \"5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f10\"\n", ""),
    );
    assert!(message.contains("`templates.member.contract_id`"), "{message}");
    let message =
        error_for(&ISSUER_AND_ORCHESTRATION.replace("poll_interval_ms = 500", "poll_interval_ms = 50"));
    assert!(
        message.contains("`services.issuer.poll_interval_ms` is 50"),
        "{message}"
    );
    let message = error_for(&ISSUER_AND_ORCHESTRATION.replace(
        "client_id = \"desk\"",
        "client_id = \"desk\"\npoll_interval_ms = 60000",
    ));
    assert!(
        message.contains("`services.vo.poll_interval_ms` is 60000") && message.contains("lost"),
        "{message}"
    );
}

#[test]
fn start_at_login_is_off_unless_asked_for() {
    let config = StationConfig::from_toml(VALID, "test").unwrap();
    assert!(!config.station.start_at_login);
    let asked = format!("[station]\nstart_at_login = true\nkiosk = true\n{VALID}");
    let config = StationConfig::from_toml(&asked, "test").unwrap();
    assert!(config.station.start_at_login && config.station.kiosk);
    assert!(error_for(&format!("[station]\nstart_at_login = \"yes\"\n{VALID}")).starts_with("config.syntax"));
}

#[test]
fn the_station_table_is_read_even_when_the_rest_of_the_file_is_wrong() {
    use station_core::config::StationOptions;
    // A kiosk whose service is misconfigured must still open locked down.
    let broken = "[station]\nkiosk = true\nstart_at_login = true\n\n[services.contoso]\nkind = \"entra\"\ntenat = \"typo\"\n";
    assert!(StationConfig::from_toml(broken, "test").is_err());
    let table = StationOptions::from_station_table;
    let options = table(broken).unwrap();
    assert!(options.kiosk && options.start_at_login);
    assert_eq!(table("").unwrap(), StationOptions::default());
    // A wrong [station] table, or no TOML at all, gives nothing to go on.
    assert_eq!(table("[station]\nkiosk = 1\n"), None);
    assert_eq!(table("[station]\nresult_reset_secs = 1\n"), None);
    assert_eq!(table("[station\n"), None);
}
