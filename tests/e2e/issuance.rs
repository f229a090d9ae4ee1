//! Issuing at the desk through Entra Verified ID: the QR code, then the
//! PIN only once the wallet has opened the request; failures, renewal, the
//! form, and leaving a request.

use std::time::Duration;

use station_testkit::webdriver::{Setup, Window};

use super::{decode_qr, save_screenshot};

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn issuing_shows_the_qr_then_the_pin_only_after_the_wallet_opened_it() {
    let window = Window::open(Setup {
        result_reset_secs: 4,
        ..Setup::default()
    })
    .await;
    let url = window.issue_badge("Megan", "Bowen").await;

    // The QR code on screen is the request the service created.
    let latest = window.sandbox.received_requests().last().unwrap().0.clone();
    assert!(url.ends_with(&latest), "{url}");
    // The page may not have painted the new code in the very first frame.
    let mut screenshot = Vec::new();
    for _ in 0..20 {
        screenshot = window.client.screenshot().await.unwrap();
        if decode_qr(&screenshot, &url) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    save_screenshot("qr-screen.png", &screenshot);
    assert!(
        decode_qr(&screenshot, &url),
        "the QR code on screen does not decode to {url}"
    );

    // Before the wallet opens the request, the PIN is nowhere in the page.
    let pin = window.sent_pin(&url);
    assert!(
        !window.source().await.contains(&pin),
        "the PIN is in the page before request_retrieved"
    );
    assert!(!window.pin_in_page().await);

    window.wallet.open(&url).await.unwrap();
    assert_eq!(window.text("#pin").await, pin);
    assert!(
        window
            .wait_until("document.getElementById('qr').classList.contains('dimmed')")
            .await
            == true
    );
    tokio::time::sleep(Duration::from_millis(400)).await; // the dimming transition
    save_screenshot("pin-screen.png", &window.client.screenshot().await.unwrap());

    let request_id = url.rsplit('/').next().unwrap().to_owned();
    assert!(window.wallet.enter_pin(&request_id, &pin).await.unwrap().accepted);
    window.wallet.accept(&request_id).await.unwrap();
    assert_eq!(window.text("#result-title").await, "Issued");

    // The result screen returns home by itself and forgets the recipient.
    window
        .wait_until("!document.querySelector('[data-screen=home]').hidden")
        .await;
    let source = window.source().await;
    assert!(
        !source.contains("Bowen") && !source.contains(&pin),
        "recipient data or PIN left in the page"
    );
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_wrong_pin_shows_a_failure_with_its_code_and_offers_a_new_request() {
    let window = Window::open(Setup::default()).await;
    let url = window.issue_badge("Megan", "Bowen").await;
    let request_id = url.rsplit('/').next().unwrap().to_owned();
    window.wallet.open(&url).await.unwrap();
    let pin = window.text("#pin").await;
    let first = if pin.starts_with('1') { '2' } else { '1' };
    let wrong = format!("{first}{}", &pin[1..]);
    assert!(
        !window
            .wallet
            .enter_pin(&request_id, &wrong)
            .await
            .unwrap()
            .accepted
    );
    assert_eq!(window.text("#result-title").await, "Not completed");
    assert!(window.text("#result-code").await.contains("badOrMissingField"));
    assert!(window.text("#result-detail").await.contains("PIN"));

    // "New request" starts again for the same recipient, with a new QR code.
    window.click("#result-retry").await;
    let again = window
        .wait_until("document.querySelector('#qr').dataset.url")
        .await;
    assert_ne!(again.as_str().unwrap(), url);
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_short_lived_request_is_renewed_and_the_old_one_is_ignored() {
    let window = Window::open(Setup {
        request_lifetime: Duration::from_secs(6),
        switch_back_secs: 0,
        ..Setup::default()
    })
    .await;
    let first = window.issue_badge("Megan", "Bowen").await;
    let script = format!("(document.querySelector('#qr').dataset.url || '') !== '{first}' && document.querySelector('#qr').dataset.url");
    let second = window.wait_until(&script).await.as_str().unwrap().to_owned();
    assert_ne!(second, first);

    // The replaced request still exists at the service; opening it must not
    // reveal anything.
    window.wallet.open(&first).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!window.pin_in_page().await);

    window.wallet.open(&second).await.unwrap();
    assert_eq!(window.text("#pin").await, window.sent_pin(&second));
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn the_form_names_missing_fields_and_the_wallet_panel_issues_and_verifies() {
    let window = Window::open(Setup::default()).await;
    window.click("[data-template=badge]").await;
    window.type_into("#claim-given_name", "Megan").await;
    // As a person would: the field has been checked by the time the mouse
    // reaches the button.
    window
        .wait_until("document.getElementById('claim-given_name').getAttribute('aria-invalid') === 'false'")
        .await;
    window.click("#create-request").await;
    let error = window.text("#claim-family_name-error").await;
    assert_eq!(error, "Last name is required");
    assert!(
        window
            .wait_until("document.activeElement.id === 'claim-family_name'")
            .await
            == true
    );
    window.type_into("#claim-family_name", "Bowen").await;
    window
        .wait_until("document.getElementById('claim-family_name-error').hidden")
        .await;
    window.click("#create-request").await;
    window.wait_for("#qr svg").await;

    // The in-window simulated wallet, as a new user would use it.
    window.accept_in_window_wallet().await;
    assert_eq!(window.text("#result-title").await, "Issued");

    // "Verify it now": the wallet presents the credential it just received.
    window.click("#result-verify").await;
    window.wait_for("#qr svg").await;
    window.click("[data-wallet=open]").await;
    window
        .wait_until("document.getElementById('status-line').textContent === 'Finish in your wallet'")
        .await;
    window.click("[data-wallet=present]").await;
    assert_eq!(window.text("#result-title").await, "Verified");
    let claims = window.text("#result-claims").await;
    assert!(
        claims.contains("Megan") && claims.contains("did:web:issuer.example"),
        "{claims}"
    );
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn leaving_the_request_screen_ends_the_request_and_keeps_the_next_form() {
    let window = Window::open(Setup {
        request_lifetime: Duration::from_secs(4),
        ..Setup::default()
    })
    .await;
    let abandoned = window.issue_badge("Megan", "Bowen").await;
    window.click("[data-go=home]").await;
    window.click("[data-template=badge]").await;
    window.type_into("#claim-given_name", "Alex").await;

    // Past the abandoned request's renewal time and its expiry: nothing
    // renews it, and its end does not take the screen away.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let created = window
        .sandbox
        .received_requests()
        .iter()
        .filter(|(_, body)| body["claims"]["given_name"] == "Megan")
        .count();
    assert_eq!(created, 1, "the abandoned request was not renewed");
    let still_typing = window
        .wait_until("!document.querySelector('[data-screen=recipient]').hidden && document.getElementById('claim-given_name').value")
        .await;
    assert_eq!(still_typing, "Alex");

    // The wallet that scans the abandoned code learns nothing.
    let _ = window.wallet.open(&abandoned).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!window.pin_in_page().await);
    window.close().await;
}
