//! The self-service kiosk in the real window: a visitor holds their ticket
//! up to the (synthetic) camera, confirms their name, has their photo
//! taken, and their wallet takes the badge; a code not in the roster is
//! sent to the staff desk; every step times out back to the attract
//! screen with the visitor forgotten; a badge queued while offline is
//! picked up at the kiosk later.

use std::time::Duration;

use station_testkit::queue::FAST_QUEUE;
use station_testkit::webdriver::{Setup, Window};
use station_testkit::{paths, photos};
use tempfile::TempDir;

use super::queue::{banner_line, eventually, import_roster, screenshot_still_page, StandaloneSandbox};
use super::save_screenshot;

const ROSTER: &str = "id,given_name,family_name\nT-1001,Megan,Bowen\nT-1002,Alex,Wilber\n";

/// The kiosk's badge: names and a photo, on the sandbox's Entra service.
fn kiosk_toml(idle_secs: u32) -> String {
    format!(
        r#"
[templates.kiosk-badge]
display_name = "Visitor badge"
service = "desk"
credential_type = "VisitorBadge"
manifest = "{{base_url}}/manifest"
authority = "did:web:issuer.example"
photo_claim = "photo"
claims = [
  {{ name = "given_name", label = "First name", required = true }},
  {{ name = "family_name", label = "Last name", required = true }},
]

[kiosk]
template = "kiosk-badge"
idle_secs = {idle_secs}
"#
    )
}

/// What the camera plays, in name order: the ticket of `url` held up,
/// then the visitor's face (the astronaut fixture).
fn ticket_then_face(url: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    photos::ticket_frame(url, 1280, 720)
        .save(dir.path().join("1-ticket.png"))
        .unwrap();
    std::fs::copy(paths::photo("astronaut.png"), dir.path().join("2-face.png")).unwrap();
    dir
}

fn kiosk_setup(camera: &std::path::Path, idle_secs: u32) -> Setup {
    Setup {
        kiosk: true,
        camera_pictures: camera.to_path_buf(),
        // Each picture stays up half a second, as a ticket held up and lowered.
        camera_fps: 2,
        result_reset_secs: 600,
        extra_toml: kiosk_toml(idle_secs),
        ..Setup::default()
    }
}

const ON_SCREEN: &str = "(name) => !document.querySelector(`[data-screen=\"${name}\"]`).hidden";

async fn wait_for_screen(window: &Window, name: &str) {
    window.wait_until(&format!("({ON_SCREEN})({name:?})")).await;
}

/// Whether `text` is anywhere a person or a script could read it: the
/// page's text, or any field's value.
async fn in_page(window: &Window, text: &str) -> bool {
    let script = format!(
        "return document.body.innerText.includes({text:?}) || [...document.querySelectorAll('input')].some((i) => i.value.includes({text:?}))"
    );
    window.client.execute(&script, vec![]).await.unwrap() == true
}

/// Takes the photo until the camera's picture is the face, not the
/// ticket (the camera plays both in turn).
async fn take_photo(window: &Window) {
    for _ in 0..20 {
        window.click("#take-photo").await;
        if window.photo_verdict().await == "accepted" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("the camera's face was never accepted");
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_visitor_scans_their_ticket_and_issues_their_own_badge() {
    let camera = ticket_then_face("https://tickets.example/e/2025/T-1001?utm=mail");
    let window = Window::open(kiosk_setup(camera.path(), 60)).await;

    // Before the roster is imported nobody is expected: the visitor is sent to the desk.
    wait_for_screen(&window, "kiosk-message").await;
    assert_eq!(
        window.text("#kiosk-message-title").await,
        "We could not find that code"
    );
    assert!(window
        .text("[data-screen=kiosk-message]")
        .await
        .contains("Please ask at the staff desk."));
    assert!(
        window
            .wait_until("document.querySelector('header.bar nav').hidden")
            .await
            == true,
        "the staff nav is hidden on a kiosk"
    );
    save_screenshot("kiosk-not-found.png", &screenshot_still_page(&window).await);

    import_roster(&window, "kiosk-badge", ROSTER).await;
    // The ticket is read off the camera: only the exact match is named.
    wait_for_screen(&window, "kiosk-confirm").await;
    assert_eq!(window.text("#kiosk-confirm-title").await, "Is this you?");
    assert_eq!(window.text("#kiosk-confirm-name").await, "Megan Bowen");
    assert!(!in_page(&window, "Wilber").await);
    save_screenshot("kiosk-confirm.png", &screenshot_still_page(&window).await);

    window.click("#kiosk-yes").await;
    wait_for_screen(&window, "photo").await;
    take_photo(&window).await;
    save_screenshot("kiosk-photo.png", &window.client.screenshot().await.unwrap());
    window.click("#use-photo").await;

    let url = window.request_url().await;
    assert!(
        !window.pin_in_page().await,
        "no PIN before the wallet opened the request"
    );
    save_screenshot("kiosk-qr.png", &window.client.screenshot().await.unwrap());
    window.click("[data-wallet=open]").await;
    let pin = window.text("#pin").await;
    save_screenshot("kiosk-pin.png", &window.client.screenshot().await.unwrap());
    window.type_into("#wallet-pin", &pin).await;
    window.click("[data-wallet=pin]").await;
    window.click("[data-wallet=accept]").await;
    assert_eq!(window.text("#result-title").await, "Issued");
    save_screenshot("kiosk-done.png", &screenshot_still_page(&window).await);
    let (_, body) = window.received_request(&url);
    assert_eq!(body["claims"]["given_name"], "Megan");
    assert!(body["claims"]["photo"]
        .as_str()
        .is_some_and(|photo| !photo.is_empty()));

    window.click("#result-done").await;
    wait_for_screen(&window, "attract").await;
    assert!(!in_page(&window, "Megan").await, "the visitor is forgotten");
    window.close().await;
}

/// Waits for the idle timeout to bring the attract screen back, then
/// checks nothing of the visitor is left.
async fn times_out_forgetting(window: &Window, step: &str) {
    wait_for_screen(window, "attract").await;
    for trace in ["Megan", "Bowen", "T-1001"] {
        assert!(
            !in_page(window, trace).await,
            "{trace} still in the page after the {step} step timed out"
        );
    }
    assert!(!window.pin_in_page().await);
    assert!(
        window
            .wait_until("!document.querySelector('#qr svg') && document.getElementById('kiosk-idle').hidden")
            .await
            == true
    );
}

async fn type_code(window: &Window, code: &str) {
    window.click("#kiosk-type").await;
    window.type_into("#kiosk-code-input", code).await;
}

async fn confirm_by_code(window: &Window) {
    type_code(window, "T-1001").await;
    window.click("#kiosk-code-form [type=submit]").await;
    assert_eq!(window.text("#kiosk-confirm-name").await, "Megan Bowen");
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn every_step_times_out_to_the_attract_screen_and_forgets_the_visitor() {
    // A face only: no ticket walks in by itself.
    let window = Window::open(kiosk_setup(&paths::photo("astronaut.png"), 5)).await;
    import_roster(&window, "kiosk-badge", ROSTER).await;
    wait_for_screen(&window, "attract").await;
    save_screenshot("kiosk-attract.png", &screenshot_still_page(&window).await);

    // The code typed, not yet sent; the countdown is shown and said once.
    type_code(&window, "T-1001").await;
    window
        .wait_until("!document.getElementById('kiosk-idle').hidden")
        .await;
    assert!(window
        .text("#kiosk-idle-note")
        .await
        .starts_with("Are you still there?"));
    save_screenshot("kiosk-code.png", &screenshot_still_page(&window).await);
    times_out_forgetting(&window, "code").await;

    confirm_by_code(&window).await;
    times_out_forgetting(&window, "confirm").await;

    confirm_by_code(&window).await;
    window.click("#kiosk-yes").await;
    wait_for_screen(&window, "photo").await;
    times_out_forgetting(&window, "photo").await;

    confirm_by_code(&window).await;
    window.click("#kiosk-yes").await;
    wait_for_screen(&window, "photo").await;
    take_photo(&window).await;
    window.click("#use-photo").await;
    window.request_url().await;
    times_out_forgetting(&window, "request").await;
    window.close().await;
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_badge_queued_while_offline_is_picked_up_at_the_kiosk() {
    let port = station_testkit::net::free_port();
    let service = StandaloneSandbox::start(port);
    let mut setup = kiosk_setup(&paths::photo("astronaut.png"), 120);
    setup.service_url = Some(format!("http://127.0.0.1:{port}"));
    setup.extra_toml.push_str(FAST_QUEUE);
    let window = Window::open(setup).await;
    import_roster(&window, "kiosk-badge", ROSTER).await;

    // Offline: her badge is queued, not failed.
    service.kill();
    confirm_by_code(&window).await;
    window.click("#kiosk-yes").await;
    wait_for_screen(&window, "photo").await;
    take_photo(&window).await;
    window.click("#use-photo").await;
    assert_eq!(window.text("#result-title").await, "Queued");
    window.click("#result-done").await;
    wait_for_screen(&window, "attract").await;

    // The network returns; the job becomes ready by itself.
    let _service = StandaloneSandbox::start(port);
    eventually(&window, &banner_line("banner-ready"), Duration::from_secs(120)).await;

    // She comes back: the kiosk starts her queued badge, with the photo it was queued with.
    confirm_by_code(&window).await;
    assert!(window
        .text("#kiosk-confirm-queued")
        .await
        .contains("ready for your wallet"));
    window.click("#kiosk-yes").await;
    window.request_url().await;
    window.accept_in_window_wallet().await;
    assert_eq!(window.text("#result-title").await, "Issued");
    window.close().await;
}
