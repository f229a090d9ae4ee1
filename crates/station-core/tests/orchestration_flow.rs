//! Issuance through Verified Orchestration against the sandbox's GraphQL
//! emulation: the PIN is revealed by the `issuanceEvent` subscription (no
//! callback URL given to the service), or by the callback listener when
//! the service is configured for callbacks.

mod common;

use common::{megan, shown, station, wait_for, Options, Station};
use station_core::flow::FlowHandle;
use station_core::flow::FlowState;
use station_core::provider::Claims;

fn orchestration_toml(events: &str) -> String {
    format!(
        r#"
[services.vo]
kind = "orchestration"
api_url = "{{base_url}}/orchestration/graphql"
token_url = "{{base_url}}/sandbox-tenant/oauth2/v2.0/token"
client_id = "sandbox-client"
scope = "{scope}"
events = "{events}"

[templates.member]
service = "vo"
credential_type = "EventBadge"
contract_id = "EventBadge"
claims = [
  {{ name = "given_name", required = true }},
  {{ name = "family_name", required = true }},
  {{ name = "company", required = true }},
]
"#,
        scope = station_sandbox::ORCHESTRATION_SCOPE,
    )
}

/// The contract's claims: every one is required.
fn megan_at_contoso() -> Claims {
    let mut claims = megan();
    claims.insert("company".into(), "Contoso".into());
    claims
}

fn options(events: &str) -> Options {
    Options {
        extra_toml: orchestration_toml(events),
        extra_secrets: vec![("vo", "sandbox-secret".to_owned())],
        ..Options::default()
    }
}

#[tokio::test]
async fn the_subscription_reveals_the_pin_and_reports_the_issuance() {
    let s = station(options("subscription")).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let request = shown(&flow).await;
    assert!(request.url.starts_with("openid-vc://"), "{}", request.url);
    assert!(
        matches!(flow.state(), FlowState::AwaitingScan { .. }),
        "no PIN before the wallet opens the request"
    );
    wallet_scans_once_the_station_listens(&s, &request.url).await;
    wallet_types_the_pin_and_accepts(&s, &flow, &request.request_id).await;
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

/// The service does not replay a scan to a late subscriber: the wallet
/// scans once the station's subscription is up, as a person, seconds later.
async fn wallet_scans_once_the_station_listens(s: &Station, url: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while s.sandbox.orchestration_subscriptions() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the station never subscribed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    s.wallet.open(url).await.unwrap();
}

async fn wallet_types_the_pin_and_accepts(s: &Station, flow: &FlowHandle, request_id: &str) {
    let FlowState::Retrieved { pin: Some(pin), .. } =
        wait_for(flow, |s| matches!(s, FlowState::Retrieved { .. })).await
    else {
        panic!("a PIN once retrieved")
    };
    assert!(
        s.wallet
            .enter_pin(request_id, pin.reveal())
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(request_id).await.unwrap();
}

#[tokio::test]
async fn a_wrong_pin_arrives_as_the_documented_error_through_the_subscription() {
    let s = station(options("subscription")).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let request = shown(&flow).await;
    wallet_scans_once_the_station_listens(&s, &request.url).await;
    wait_for(&flow, |s| matches!(s, FlowState::Retrieved { .. })).await;
    let _ = s.wallet.enter_pin(&request.request_id, "000000").await;
    let FlowState::Failed { code, message } = flow.finished().await else {
        panic!("{:?}", flow.state())
    };
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("badOrMissingField", "issuance_service_error")
    );
}

#[tokio::test]
async fn with_callbacks_configured_the_listener_carries_the_events() {
    let s = station(options("callback")).await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let request = shown(&flow).await;
    s.wallet.open(&request.url).await.unwrap();
    wallet_types_the_pin_and_accepts(&s, &flow, &request.request_id).await;
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn a_refused_request_names_the_field_from_the_error_union() {
    let s = station(Options {
        extra_toml: orchestration_toml("subscription")
            .replace("contract_id = \"EventBadge\"", "contract_id = \"NoSuchContract\""),
        extra_secrets: vec![("vo", "sandbox-secret".to_owned())],
        ..Options::default()
    })
    .await;
    let flow = s.engine.issue("member", &megan_at_contoso()).unwrap();
    let FlowState::Failed { code, message } = flow.finished().await else {
        panic!("{:?}", flow.state())
    };
    assert_eq!(code, "provider.rejected");
    assert!(message.contains("contractId"), "{message}");
}
