//! The photo step: the synthetic camera's picture checked and sent as a
//! JPEG claim, a picture without a face refused, and the photo taken on
//! the recipient's phone (for real, and simulated in the sandbox).

use station_testkit::webdriver::{Setup, Window, PREVIEW_FRAMES_SHOWN};
use station_testkit::{paths, photos};

use super::{qr_codes, save_screenshot};

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

    let (_, body) = window.received_request(&url);
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
    assert!(error.to_lowercase().starts_with("no face was found"), "{error}");
    assert!(
        window
            .wait_until("document.getElementById('use-photo').hidden")
            .await
            == true
    );
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

    photos::phone_opens(&page).await;
    window
        .wait_until("document.getElementById('photo-status').textContent.includes('waiting for the photo')")
        .await;
    let jpeg = photos::astronaut_jpeg();
    photos::phone_sends(&page, jpeg.clone()).await;
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
    window.accept_in_window_wallet().await;
    assert_eq!(window.text("#result-title").await, "Issued");
    let held = window.wallet.credentials().await.unwrap();
    assert!(
        !held.last().unwrap().claims["photo"].is_empty(),
        "the credential carries the simulated phone's photo"
    );
    window.close().await;
}
