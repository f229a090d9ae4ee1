//! The other services: Verified Orchestration's subscription, an OID4VCI
//! issuer redeemed by a third-party wallet and by the wallet panel, and
//! Settings switching the station to an OID4VCI issuer.

use station_testkit::interop::ThirdPartyWallet;
use station_testkit::net::free_port;
use station_testkit::webdriver::{Setup, Window};

use super::qr_codes;

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn verified_orchestration_reveals_the_pin_when_its_subscription_reports_the_scan() {
    let window = Window::open(Setup::default()).await;
    let url = window
        .issue(
            "vo-badge",
            &[
                ("given_name", "Megan"),
                ("family_name", "Bowen"),
                ("company", "Contoso"),
            ],
        )
        .await;
    assert!(url.starts_with("openid-vc://"), "{url}");
    assert!(!window.pin_in_page().await);
    // The station listens before the wallet scans: the service does not
    // replay a scan to a late subscriber.
    window
        .wait_until_service(|sandbox| sandbox.orchestration_subscriptions() >= 1)
        .await;
    window.wallet_accepts(&url).await;
    assert_eq!(window.text("#result-title").await, "Issued");
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_third_party_wallet_redeems_the_oid4vci_offer_read_off_the_screen() {
    let window = Window::open(Setup::default()).await;
    let url = window
        .issue("sd-badge", &[("given_name", "Megan"), ("family_name", "Bowen")])
        .await;
    let on_screen = qr_codes(&window.client.screenshot().await.unwrap());
    assert_eq!(on_screen, vec![url.clone()], "the QR code carries the offer");
    assert!(
        url.starts_with("openid-credential-offer://?credential_offer_uri="),
        "{url}"
    );
    assert!(!window.pin_in_page().await);

    let wallet = ThirdPartyWallet::scan(&on_screen[0]).await;
    // The poll sees `offer_received`; the PIN appears for the holder to type.
    let pin = window.text("#pin").await;
    let result = wallet.type_pin(&pin).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["claims"]["given_name"], "Megan", "{result}");
    assert_eq!(window.text("#result-title").await, "Issued");
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn the_wallet_panel_takes_an_oid4vci_offer_and_says_when_a_pin_is_refused() {
    let window = Window::open(Setup::default()).await;
    window
        .issue("sd-badge", &[("given_name", "Megan"), ("family_name", "Bowen")])
        .await;
    window.click("[data-wallet=open]").await;
    let pin = window.text("#pin").await;
    let wrong = if pin == "000000" { "111111" } else { "000000" };
    window.type_into("#wallet-pin", wrong).await;
    window.click("[data-wallet=pin]").await;
    assert!(window.text("#wallet-error").await.contains("refused that PIN"));
    window
        .client
        .execute(
            "document.getElementById('wallet-pin').value = ''; return 1;",
            vec![],
        )
        .await
        .unwrap();
    window.type_into("#wallet-pin", &pin).await;
    // The right PIN redeems the offer: the issuer issues the credential, and
    // the next status poll (200 ms here) ends the flow as issued. Clicking
    // "accept" after that would race the result screen.
    window.click("[data-wallet=pin]").await;
    assert_eq!(window.text("#result-title").await, "Issued");
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn settings_switch_the_station_to_an_oid4vci_issuer_and_its_badge_issues_there() {
    // A fixed callback port, as behind a reverse proxy: the new station
    // must get it from the old one.
    let window = Window::open(Setup {
        callback_port: free_port(),
        ..Setup::default()
    })
    .await;
    window.click("[data-go=settings]").await;
    window.click("input[name=service][value=oid4vci]").await;
    window
        .retype("input[name=oid4vciApiBase]", &window.sandbox.base_url())
        .await;
    window
        .type_into("input[name=oid4vciCredentialDefinitionId]", "EventBadge")
        .await;
    window.type_into("input[name=credentialType]", "EventBadge").await;
    window.click("#settings-form button[type=submit]").await;
    window
        .wait_until("document.getElementById('settings-message').textContent.startsWith('Saved')")
        .await;

    // The file now has the issuer and a badge of the station's own on it;
    // the administrator's templates are still there.
    let written = std::fs::read_to_string(window.config_path()).unwrap();
    let api_base = format!("api_base = \"{}\"", window.sandbox.base_url());
    assert!(
        written.contains("[services.oid4vci]") && written.contains(&api_base),
        "{written}"
    );
    assert!(written.contains("[templates.sd-badge]"), "{written}");

    window.click("[data-go=home]").await;
    let url = window
        .issue("badge-2", &[("given_name", "Megan"), ("family_name", "Bowen")])
        .await;
    assert!(url.starts_with("openid-credential-offer://"), "{url}");
    assert!(!window.pin_in_page().await);
    window.accept_in_window_wallet().await;
    assert_eq!(window.text("#result-title").await, "Issued");
    let held = window.wallet.credentials().await.unwrap();
    assert_eq!(held.last().unwrap().claims["given_name"], "Megan");
    window.close().await;
}
