//! The staff gate in the real window: without the staff PIN the station's
//! staff commands refuse (asked straight from the page, as a visitor with
//! a script would), Settings asks for the PIN, five wrong PINs lock it out
//! for a while (three seconds here), the right one then opens Settings,
//! and Lock closes it again.

use std::time::Duration;

use serde_json::{json, Value};
use station_core::staff::{PinHash, StaffPin};
use station_testkit::webdriver::{Setup, Window};

const PIN: &str = "482913";

/// Calls a station command from the page, past the UI; `Err` holds `{code, message}`.
async fn invoke(window: &Window, command: &str, args: Value) -> Result<Value, Value> {
    let script = "const [command, args, done] = arguments; \
        window.__TAURI_INTERNALS__.invoke(command, args).then((ok) => done({ ok }), (err) => done({ err }));";
    let outcome = window
        .client
        .execute_async(script, vec![json!(command), args])
        .await
        .unwrap();
    match outcome.get("err") {
        Some(error) => Err(error.clone()),
        None => Ok(outcome["ok"].clone()),
    }
}

/// Types `pin` into the unlock dialog once it takes one, and sends it.
async fn try_pin(window: &Window, pin: &str) {
    window
        .wait_until("!document.getElementById('staff-submit').disabled")
        .await;
    window.type_into("#staff-pin", pin).await;
    window.click("#staff-submit").await;
}

/// What the Settings screen sends to save the sandbox: arguments that reach the command.
const SAVE_SETTINGS: &str = r#"{"change": {"secret": null, "settings": {
    "useSandbox": true, "service": "entra",
    "entra": {"tenant": "", "clientId": "", "authority": "", "manifest": ""},
    "orchestration": {"apiUrl": "", "wsUrl": "", "tokenUrl": "", "clientId": "", "scope": "", "events": "", "contractId": ""},
    "oid4vci": {"apiBase": "", "pollIntervalMs": null, "offerLifetimeSecs": null, "urlScheme": "", "credentialDefinitionId": "", "issuanceMode": ""},
    "credentialType": "", "callbackPublicUrl": "", "kiosk": false, "resultResetSecs": 15,
    "cameraDevice": "", "cameraWidth": 1280, "cameraHeight": 720}}}"#;

const STAFF_COMMANDS: &[(&str, &str)] = &[
    ("get_settings", "{}"),
    ("save_settings", SAVE_SETTINGS),
    ("test_connection", "{}"),
    ("list_cameras", "{}"),
    ("history", r#"{"limit": 10}"#),
    ("history_timeline", r#"{"flowId": "any"}"#),
    ("queue_list", r#"{"limit": 10}"#),
    ("queue_retry", r#"{"jobId": "any"}"#),
    ("queue_cancel", r#"{"jobId": "any"}"#),
    ("queue_start", r#"{"jobId": "any"}"#),
    ("attendant_stats", "{}"),
    ("staff_set_pin", r#"{"pin": "1234", "repeat": "1234"}"#),
];

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn staff_commands_refuse_until_the_right_pin_and_wrong_pins_lock_out() {
    let window = Window::open(Setup::default()).await;
    // The PIN is set while the station runs, as `station staff set-pin`
    // does: the gate reads `[staff]` on every call, so it holds at once.
    // A short lockout and delay keep the test quick.
    let hash = PinHash::of(&StaffPin::new(PIN).unwrap()).unwrap();
    let mut config = std::fs::read_to_string(window.config_path()).unwrap();
    config.push_str(&format!(
        "\n[staff]\npin_hash = \"{}\"\nmax_tries = 5\nlockout_secs = 3\ndelay_ms = 20\n",
        hash.as_str()
    ));
    std::fs::write(window.config_path(), config).unwrap();

    for (command, args) in STAFF_COMMANDS {
        let refused = invoke(&window, command, serde_json::from_str(args).unwrap())
            .await
            .unwrap_err();
        assert_eq!(refused["code"], "staff.locked", "{command}: {refused}");
        assert!(
            refused["message"].as_str().unwrap().contains("staff PIN"),
            "{command}: {refused}"
        );
    }

    // Settings asks for the PIN (the page learns it from the refusal) and stays closed.
    window.click("nav [data-go=settings]").await;
    window
        .wait_until("document.getElementById('staff-dialog').open")
        .await;
    assert_eq!(
        window
            .wait_until("document.querySelector('[data-screen=settings]').hidden")
            .await,
        true
    );
    let pin_field = window.wait_for("#staff-pin").await;
    assert_eq!(
        pin_field.attr("inputmode").await.unwrap().as_deref(),
        Some("numeric")
    );
    assert_eq!(
        pin_field.attr("autocomplete").await.unwrap().as_deref(),
        Some("off")
    );

    for wrong in ["111111", "222222", "333333", "444444"] {
        try_pin(&window, wrong).await;
        let message = window.text("#staff-unlock-message").await;
        assert!(message.contains("not the staff PIN"), "{message}");
    }
    try_pin(&window, "555555").await;
    // The fifth answer is slower (argon2 after a growing wait): until it
    // comes, the fourth's words are still shown.
    let locked_out = window
        .wait_until("document.getElementById('staff-unlock-message').textContent.includes('Too many wrong staff PINs')")
        .await;
    let message = window.text("#staff-unlock-message").await;
    assert!(locked_out == true, "{message}");
    // Locked out: even the right PIN is not checked now.
    let refused = invoke(&window, "staff_unlock", json!({"pin": PIN}))
        .await
        .unwrap_err();
    assert_eq!(refused["code"], "staff.locked_out", "{refused}");
    let status = invoke(&window, "staff_status", json!({})).await.unwrap();
    assert_eq!(status["state"], "locked", "{status}");
    assert!(status["lockedOutMs"].as_u64().unwrap() > 0, "{status}");

    // The lockout ends by itself; the right PIN opens Settings.
    tokio::time::sleep(Duration::from_secs(3)).await;
    try_pin(&window, PIN).await;
    window
        .wait_until("!document.querySelector('[data-screen=settings]').hidden")
        .await;
    assert_eq!(
        window
            .wait_until("!document.getElementById('staff-dialog').open")
            .await,
        true
    );
    assert!(invoke(&window, "get_settings", json!({})).await.is_ok());
    assert!(invoke(&window, "history", json!({"limit": 10})).await.is_ok());

    // Lock: back home, and the commands refuse again.
    window.click("#staff-lock").await;
    window
        .wait_until("document.querySelector('[data-screen=settings]').hidden")
        .await;
    let refused = invoke(&window, "get_settings", json!({})).await.unwrap_err();
    assert_eq!(refused["code"], "staff.locked", "{refused}");
    window.close().await;
}
