//! Verifying at the door: a presentation with constraints and Face Check.

use station_testkit::webdriver::{Setup, Window};

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
