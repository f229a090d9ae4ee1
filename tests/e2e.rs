//! The real window under Xvfb, driven through tauri-driver and
//! WebKitWebDriver, against the sandbox.
//!
//! Ignored by default: they need a display, WebKitWebDriver and
//! tauri-driver. `scripts/test.sh` installs those and runs them under
//! `xvfb-run`.

use std::time::Duration;

use station_testkit::interop::ThirdPartyWallet;
use station_testkit::net::free_port;
use station_testkit::paths;
use station_testkit::webdriver::{Setup, Window, PREVIEW_FRAMES_SHOWN};

/// What the QR codes in a screenshot say.
fn qr_codes(png: &[u8]) -> Vec<String> {
    let image = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}

fn decode_qr(png: &[u8], url: &str) -> bool {
    qr_codes(png).iter().any(|content| content == url)
}

fn save_screenshot(name: &str, png: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

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
    window.click("[data-wallet=open]").await;
    let pin = window.text("#pin").await;
    window.type_into("#wallet-pin", &pin).await;
    window.click("[data-wallet=pin]").await;
    window.click("[data-wallet=accept]").await;
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
async fn the_camera_photo_is_checked_and_travels_as_a_jpeg_claim() {
    let window = Window::open(Setup::default()).await;
    window.open_photo_step("Megan").await;

    // A live, mirrored preview from the synthetic camera: frames keep coming.
    window.wait_until(&format!("{PREVIEW_FRAMES_SHOWN} >= 5")).await;
    assert!(
        window
            .wait_until("document.getElementById('preview').classList.contains('mirrored')")
            .await
            == true
    );
    save_screenshot("photo-screen.png", &window.client.screenshot().await.unwrap());
    // Space takes the photo, as the hint on screen says.
    window
        .client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Space', bubbles: true }))",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(window.photo_verdict().await, "accepted");
    assert!(
        window
            .wait_until("!document.getElementById('preview').classList.contains('mirrored')")
            .await
            == true
    );
    window.click("#use-photo").await;
    let url = window.request_url().await;

    let (_, body) = window
        .sandbox
        .received_requests()
        .into_iter()
        .rev()
        .find(|(id, _)| url.ends_with(id))
        .unwrap();
    use base64::Engine as _;
    let jpeg = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body["claims"]["photo"].as_str().unwrap())
        .unwrap();
    assert!(
        jpeg.starts_with(&[0xFF, 0xD8, 0xFF]) && jpeg.len() <= 100 * 1024,
        "{} bytes",
        jpeg.len()
    );
    let again = station_core::photo::accept_encoded(&jpeg, &station_core::photo::PhotoPolicy::default());
    assert!(
        again.is_ok(),
        "the face is found again in what the service received: {again:?}"
    );
    // The sandbox accepted it (real JPEG, at least 200×200): the request exists.
    window.wallet.open(&url).await.unwrap();
    window.wait_for("#pin").await;
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_picture_without_a_face_is_refused_with_the_reason() {
    let window = Window::open(Setup {
        camera_pictures: paths::photo("coffee.png"),
        ..Setup::default()
    })
    .await;
    window.open_photo_step("Megan").await;
    window.click("#take-photo").await;
    let error = window.photo_verdict().await;
    assert!(error.starts_with("no face was found"), "{error}");
    assert!(
        window
            .wait_until("document.getElementById('use-photo').hidden")
            .await
            == true
    );
    window.close().await;
}

/// Starts the door check and has the wallet open it.
async fn check_at_the_door(window: &Window) -> station_sandbox::OpenedRequest {
    window.click("[data-template=door]").await;
    let door = window.request_url().await;
    window.wallet.open(&door).await.unwrap()
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_door_check_with_constraints_and_face_check_passes_then_fails_on_the_score() {
    let window = Window::open(Setup::default()).await;
    let url = window.request_staff_badge("Megan").await;
    window.wallet_accepts(&url).await;
    assert_eq!(window.text("#result-title").await, "Issued");
    window.click("#result-done").await;

    // The wallet's selfie matches (the sandbox scores 95 by default).
    let opened = check_at_the_door(&window).await;
    window.wallet.present(&opened.request_id).await.unwrap();
    assert_eq!(window.text("#result-title").await, "Verified");
    assert!(
        window
            .wait_until("document.getElementById('result-card').classList.contains('ok')")
            .await
            == true
    );
    let claims = window.text("#result-claims").await;
    assert!(
        claims.contains("Face check95") && claims.contains("Megan"),
        "{claims}"
    );
    window.click("#result-done").await;

    // Someone else holds the badge up: the score falls under 70.
    window.sandbox.set_face_check_score(40.0);
    let opened = check_at_the_door(&window).await;
    window.wallet.present(&opened.request_id).await.unwrap();
    assert_eq!(window.text("#result-title").await, "Not completed");
    assert!(
        window
            .wait_until("document.getElementById('result-card').classList.contains('bad')")
            .await
            == true
    );
    let detail = window.text("#result-detail").await;
    assert!(detail.contains("40"), "{detail}");
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_badge_outside_the_door_constraint_is_not_presented() {
    let window = Window::open(Setup::default()).await;
    let url = window.request_staff_badge("Bob").await;
    window.wallet_accepts(&url).await;
    assert_eq!(window.text("#result-title").await, "Issued");
    window.click("#result-done").await;

    let opened = check_at_the_door(&window).await;
    let _ = window.wallet.present(&opened.request_id).await;
    assert_eq!(window.text("#result-title").await, "Not completed");
    let detail = window.text("#result-detail").await;
    assert!(detail.contains("no credential that matches"), "{detail}");
    window.close().await;
}

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
async fn the_recipient_takes_the_photo_on_their_phone_through_verified_orchestration() {
    let window = Window::open(Setup::default()).await;
    window.open_phone_photo_step().await;
    let page = window
        .wait_until(
            "document.querySelector('#phone-qr svg') && document.getElementById('phone-qr').dataset.url",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    // The phone reads the page's address off the screen.
    let on_screen = qr_codes(&window.client.screenshot().await.unwrap());
    assert_eq!(
        on_screen,
        vec![page.clone()],
        "the QR code carries the photo page"
    );
    assert!(window
        .text("#photo-status")
        .await
        .starts_with("Waiting for the phone"));
    let use_hidden = window
        .client
        .execute("return document.getElementById('use-photo').hidden", vec![])
        .await
        .unwrap();
    assert_eq!(use_hidden, true, "nothing to use before the phone sends a photo");

    let phone = reqwest::Client::new();
    phone.get(&page).send().await.unwrap().error_for_status().unwrap();
    window
        .wait_until("document.getElementById('photo-status').textContent.includes('waiting for the photo')")
        .await;
    let mut jpeg = Vec::new();
    image::open(paths::photo("astronaut.png"))
        .unwrap()
        .to_rgb8()
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    phone
        .post(&page)
        .header("content-type", "image/jpeg")
        .body(jpeg.clone())
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    window
        .wait_until("document.getElementById('photo-status').textContent === 'The service has the photo.'")
        .await;
    window.click("#use-photo").await;

    let url = window.request_url().await;
    assert!(!window.pin_in_page().await);
    window
        .wait_until_service(|sandbox| sandbox.orchestration_subscriptions() >= 1)
        .await;
    window.wallet_accepts(&url).await;
    assert_eq!(window.text("#result-title").await, "Issued");
    let held = window.wallet.credentials().await.unwrap();
    let photo = base64::Engine::decode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        held.last().unwrap().claims["photo"].clone(),
    )
    .unwrap();
    assert_eq!(photo, jpeg, "the credential carries the photo the phone sent");
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
    window.click("[data-wallet=open]").await;
    let pin = window.text("#pin").await;
    window.type_into("#wallet-pin", &pin).await;
    window.click("[data-wallet=pin]").await;
    window.click("[data-wallet=accept]").await;
    assert_eq!(window.text("#result-title").await, "Issued");
    let held = window.wallet.credentials().await.unwrap();
    assert_eq!(held.last().unwrap().claims["given_name"], "Megan");
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn in_the_sandbox_a_simulated_phone_takes_the_photo() {
    let window = Window::open(Setup::default()).await;
    window.open_phone_photo_step().await;
    window
        .wait_until("!document.getElementById('phone-simulator').hidden")
        .await;
    window.click("#phone-simulate").await;
    window
        .wait_until("document.getElementById('photo-status').textContent === 'The service has the photo.'")
        .await;
    window.click("#use-photo").await;
    window.request_url().await;
    window.click("[data-wallet=open]").await;
    let pin = window.text("#pin").await;
    window.type_into("#wallet-pin", &pin).await;
    window.click("[data-wallet=pin]").await;
    window.click("[data-wallet=accept]").await;
    assert_eq!(window.text("#result-title").await, "Issued");
    let held = window.wallet.credentials().await.unwrap();
    assert!(
        !held.last().unwrap().claims["photo"].is_empty(),
        "the credential carries the simulated phone's photo"
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
