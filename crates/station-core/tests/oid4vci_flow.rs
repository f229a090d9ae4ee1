//! Issuance through an OID4VCI issuer's admin API against the sandbox's
//! real issuer, redeemed by a third-party wallet (npm @openid4vc 0.4.6 in
//! tests/interop): the station shows the offer, reveals the PIN when the
//! polled status says the wallet fetched the offer, and reports the
//! issuance. Needs `npm ci --prefix tests/interop` (scripts/test.sh runs it).

mod common;
#[path = "../../../tests/support/interop.rs"]
mod interop;

use common::{megan, shown, station, wait_for, Options, Station};
use interop::ThirdPartyWallet;
use station_core::flow::{FlowHandle, FlowState};

fn issuer_options(mode: &str) -> Options {
    Options {
        extra_toml: format!(
            r#"
[services.issuer]
kind = "oid4vci"
api_base = "{{base_url}}"
poll_interval_ms = 200

[templates.sd]
service = "issuer"
credential_type = "EventBadge"
credential_definition_id = "EventBadge"
issuance_mode = "{mode}"
claims = [
  {{ name = "given_name", required = true }},
  {{ name = "family_name", required = true }},
]
"#
        ),
        extra_secrets: vec![("issuer", station_sandbox::oid4vci::DEFAULT_API_KEY.to_owned())],
        ..Options::default()
    }
}

async fn offer_and_scan(s: &Station) -> (FlowHandle, ThirdPartyWallet) {
    let flow = s.engine.issue("sd", &megan()).unwrap();
    let offer = shown(&flow).await;
    assert!(
        offer
            .url
            .starts_with("openid-credential-offer://?credential_offer_uri="),
        "{}",
        offer.url
    );
    assert!(
        matches!(flow.state(), FlowState::AwaitingScan { .. }),
        "no PIN before the scan"
    );
    let wallet = ThirdPartyWallet::scan(&offer.url).await;
    (flow, wallet)
}

/// A PIN that is not `pin`.
fn wrong_pin(pin: &str) -> &'static str {
    if pin == "000000" {
        "111111"
    } else {
        "000000"
    }
}

async fn revealed_pin(flow: &FlowHandle) -> String {
    let FlowState::Retrieved { pin: Some(pin), .. } =
        wait_for(flow, |s| matches!(s, FlowState::Retrieved { .. })).await
    else {
        panic!("the PIN is revealed once the wallet has the offer")
    };
    pin.reveal().to_owned()
}

#[tokio::test]
async fn a_third_party_wallet_takes_the_offer_and_the_pin_revealed_after_the_scan() {
    let s = station(issuer_options("in_time")).await;
    let (flow, wallet) = offer_and_scan(&s).await;
    let pin = revealed_pin(&flow).await;
    let result = wallet.type_pin(&pin).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["claims"]["given_name"], "Megan", "{result}");
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn a_wrong_pin_is_refused_by_the_issuer_and_nothing_is_issued() {
    let s = station(issuer_options("in_time")).await;
    let (flow, wallet) = offer_and_scan(&s).await;
    let pin = revealed_pin(&flow).await;
    let result = wallet.type_pin(wrong_pin(&pin)).await;
    assert_eq!(
        (result["ok"].clone(), result["error"].clone()),
        (false.into(), "invalid_grant".into())
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert!(
        matches!(flow.state(), FlowState::Retrieved { .. }),
        "{:?}",
        flow.state()
    );
}

#[tokio::test]
async fn deferred_claims_reach_the_issuer_only_after_the_scan() {
    let s = station(issuer_options("deferred")).await;
    let (flow, wallet) = offer_and_scan(&s).await;
    let pin = revealed_pin(&flow).await;
    let result = wallet.type_pin(&pin).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["claims"]["family_name"], "Bowen", "{result}");
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
}

#[tokio::test]
async fn the_sandboxs_simulated_wallet_takes_an_offer_like_a_request() {
    let s = station(issuer_options("in_time")).await;
    let flow = s.engine.issue("sd", &megan()).unwrap();
    let offer = shown(&flow).await;
    let opened = s.wallet.open(&offer.url).await.unwrap();
    assert_eq!((opened.pin_required, opened.pin_length), (true, Some(6)));
    let pin = revealed_pin(&flow).await;
    assert!(
        !s.wallet
            .enter_pin(&opened.request_id, wrong_pin(&pin))
            .await
            .unwrap()
            .accepted
    );
    assert!(
        s.wallet
            .enter_pin(&opened.request_id, &pin)
            .await
            .unwrap()
            .accepted
    );
    s.wallet.accept(&opened.request_id).await.unwrap();
    assert!(matches!(flow.finished().await, FlowState::Issued { .. }));
    let held = s.wallet.credentials().await.unwrap();
    assert!(held
        .iter()
        .any(|c| c.claims.get("given_name").map(String::as_str) == Some("Megan")));
}
