//! A station talking to a real service uses https, and a service that calls
//! back is given an address the internet can reach; the sandbox and local
//! stand-ins (`sandbox = true`) are exempt. Every time setting is bounded.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use station_core::config::StationConfig;
use station_core::error::ErrorCode;

const ENTRA: &str = r#"
[services.contoso]
kind = "entra"
tenant = "contoso.onmicrosoft.com"
client_id = "abcd"

[templates.expert]
service = "contoso"
credential_type = "VerifiedCredentialExpert"
manifest = "https://verifiedid.did.msidentity.com/v1.0/tenants/x/verifiableCredentials/contracts/y/manifest"
authority = "did:web:contoso.com"
"#;

fn with_callback(public_url: Option<&str>, rest: &str) -> String {
    let url = public_url.map_or(String::new(), |u| format!("public_url = \"{u}\"\n"));
    format!("[callback]\nbind = \"127.0.0.1:47381\"\n{url}\n{rest}")
}

fn error_for(text: &str) -> String {
    let error = StationConfig::from_toml(text, "/etc/station.toml").unwrap_err();
    format!("{} | {}", error.code(), error)
}

#[test]
fn entra_with_a_loopback_public_url_is_refused_with_the_fix() {
    let message = error_for(&with_callback(Some("https://127.0.0.1:47381"), ENTRA));
    assert!(message.starts_with("config.invalid"), "{message}");
    assert!(message.contains("`callback.public_url`"), "{message}");
    assert!(message.contains("service 'contoso'"), "{message}");
    assert!(message.contains("reverse proxy or tunnel"), "{message}");
    assert!(message.contains("events = \"subscription\""), "{message}");
    assert!(
        message.contains("127.0.0.1:47381"),
        "names the listener: {message}"
    );
}

#[test]
fn entra_without_a_public_url_or_with_a_private_or_plain_one_is_refused() {
    for url in [
        None,
        Some("https://192.168.1.20/station"),
        Some("https://frontdesk/"),
        Some("http://desk.contoso.com"),
    ] {
        let message = error_for(&with_callback(url, ENTRA));
        assert!(message.contains("`callback.public_url`"), "{url:?}: {message}");
    }
}

#[test]
fn entra_with_a_public_https_url_starts() {
    let config = StationConfig::from_toml(
        &with_callback(Some("https://desk.contoso.com/station"), ENTRA),
        "t",
    )
    .unwrap();
    assert!(config.services["contoso"].kind.calls_back());
}

const VO: &str = r#"
[services.vo]
kind = "orchestration"
api_url = "https://instance.api.verifiedorchestration.com/graphql"
token_url = "https://login.microsoftonline.com/t/oauth2/v2.0/token"
client_id = "desk"
scope = "api://instance/.default"
EVENTS

[templates.member]
service = "vo"
credential_type = "Membership"
contract_id = "5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f10"
"#;

#[test]
fn orchestration_needs_a_public_url_only_for_callback_events() {
    let subscription = VO.replace("EVENTS", "events = \"subscription\"");
    StationConfig::from_toml(&with_callback(None, &subscription), "t").unwrap();
    let callback = VO.replace("EVENTS", "events = \"callback\"");
    let message = error_for(&with_callback(Some("https://localhost/cb"), &callback));
    assert!(message.contains("`callback.public_url`"), "{message}");
    assert!(message.contains("Verified Orchestration"), "{message}");
}

#[test]
fn a_real_service_over_plain_http_is_refused_naming_the_field() {
    let plain_token = VO.replace("EVENTS", "").replace(
        "https://login.microsoftonline.com",
        "http://login.microsoftonline.com",
    );
    let message = error_for(&with_callback(None, &plain_token));
    assert!(message.contains("`services.vo.token_url`"), "{message}");
    assert!(message.contains("clear text"), "{message}");
    assert!(message.contains("sandbox = true"), "{message}");

    let plain_ws = VO.replace(
        "EVENTS",
        "ws_url = \"ws://instance.api.verifiedorchestration.com/graphql\"",
    );
    assert!(error_for(&with_callback(None, &plain_ws)).contains("`services.vo.ws_url`"));

    let plain_api = ENTRA.replace(
        "client_id = \"abcd\"",
        "client_id = \"abcd\"\napi_base = \"http://verifiedid.example\"",
    );
    let message = error_for(&with_callback(Some("https://desk.contoso.com"), &plain_api));
    assert!(message.contains("`services.contoso.api_base`"), "{message}");

    let issuer = "[services.issuer]\nkind = \"oid4vci\"\napi_base = \"http://issuer.example/admin\"\n\
        [templates.pass]\nservice = \"issuer\"\ncredential_type = \"Pass\"\ncredential_definition_id = \"P\"\n";
    assert!(error_for(&with_callback(None, issuer)).contains("`services.issuer.api_base`"));
}

#[test]
fn a_local_stand_in_and_the_sandbox_are_exempt() {
    let stand_in = ENTRA.replace(
        "client_id = \"abcd\"",
        "client_id = \"abcd\"\nsandbox = true\nauthority_host = \"http://127.0.0.1:47380\"\napi_base = \"http://127.0.0.1:47380\"",
    );
    StationConfig::from_toml(&with_callback(None, &stand_in), "t").unwrap();
    let sandbox_station = format!(
        "[station]\nuse_sandbox = true\n{}",
        with_callback(Some("https://127.0.0.1"), ENTRA)
    );
    StationConfig::from_toml(&sandbox_station, "t").unwrap();
}

#[test]
fn absurd_flow_times_are_refused_not_overflowed() {
    for (field, value, fix) in [
        ("renew_before_secs", "0", "use 1 to 3600 seconds"),
        (
            "renew_before_secs",
            "18446744073709551615",
            "use 1 to 3600 seconds",
        ),
        (
            "retrieved_grace_secs",
            "18446744073709551615",
            "use 0 to 3600 seconds",
        ),
        ("switch_back_secs", "100000", "use 0 to 300 seconds"),
        ("max_renewals", "4294967295", "use 0 to 1000"),
    ] {
        let text = format!("[station]\nuse_sandbox = true\n[flow]\n{field} = {value}\n");
        let message = error_for(&text);
        assert!(
            message.contains(&format!("`flow.{field}` is {value}")),
            "{message}"
        );
        assert!(message.contains(fix), "{message}");
    }
}

#[test]
fn an_orchestration_contract_named_instead_of_its_uuid_is_refused() {
    let named = VO
        .replace("EVENTS", "")
        .replace("5f1e5c1e-8a0b-4c55-9c57-0b7d6a7c2f10", "EventBadge");
    let message = error_for(&with_callback(None, &named));
    assert!(
        message.contains("`templates.member.contract_id` 'EventBadge' is not a UUID"),
        "{message}"
    );
    assert!(message.contains("not its name"), "{message}");
}

#[test]
fn with_use_sandbox_the_file_s_plain_http_services_do_not_stop_the_station() {
    let plain = ENTRA.replace(
        "client_id = \"abcd\"",
        "client_id = \"abcd\"\napi_base = \"http://verifiedid.example\"",
    );
    let text = format!("[station]\nuse_sandbox = true\n{}", with_callback(None, &plain));
    StationConfig::from_toml(&text, "t").unwrap();
}
