//! The kiosk lockdown in the real window: the browser's keys, context menu,
//! zoom and new windows do nothing; typing in a field still works; a close
//! request (what a window manager sends for Alt+F4 or its close button)
//! closes a desk window but not a kiosk's.

use std::time::Duration;

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MouseActions, PointerAction, MOUSE_BUTTON_RIGHT,
};
use fantoccini::key::Key;
use station_testkit::webdriver::{Setup, Window};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask};

/// The page's state that a reload, a zoom or a navigation would change.
const PAGE_STATE: &str = "return JSON.stringify({ marker: window.lockdownMarker || null, url: location.href, ratio: window.devicePixelRatio, scale: window.visualViewport ? window.visualViewport.scale : 1 })";

/// Records, for every key and context menu, whether its default action was
/// cancelled by the time the event reached the window (after the lockdown's
/// capture-phase listener).
const RECORD: &str = "window.lockdownMarker = 'not reloaded'; window.seen = []; \
    for (const type of ['keydown', 'contextmenu']) { window.addEventListener(type, (e) => window.seen.push([type, e.key || '', e.defaultPrevented])); }";

/// Presses `keys` together (the first ones held as modifiers), then lets go.
async fn press(window: &Window, keys: &[char]) {
    let mut actions = KeyActions::new("keyboard".into());
    for key in keys {
        actions = actions.then(KeyAction::Down { value: *key });
    }
    for key in keys.iter().rev() {
        actions = actions.then(KeyAction::Up { value: *key });
    }
    window.client.perform_actions(actions).await.unwrap();
}

async fn page_state(window: &Window) -> String {
    window
        .client
        .execute(PAGE_STATE, vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// `[key, defaultPrevented]` of the keydowns seen since the last call.
async fn keydowns(window: &Window) -> Vec<(String, bool)> {
    let seen = window
        .client
        .execute(
            "const seen = window.seen.filter((s) => s[0] === 'keydown'); window.seen = []; return seen;",
            vec![],
        )
        .await
        .unwrap();
    seen.as_array()
        .unwrap()
        .iter()
        .map(|entry| (entry[1].as_str().unwrap().to_owned(), entry[2].as_bool().unwrap()))
        .collect()
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn browser_keys_menus_and_new_windows_do_nothing_but_typing_works() {
    let window = Window::open(Setup::default()).await;
    window.client.execute(RECORD, vec![]).await.unwrap();
    window.click("[data-template=badge]").await;
    window.type_into("#claim-given_name", "Megan").await;
    keydowns(&window).await;
    let before = page_state(&window).await;

    let ctrl = char::from(Key::Control);
    let shift = char::from(Key::Shift);
    let alt = char::from(Key::Alt);
    let blocked: &[&[char]] = &[
        &[char::from(Key::F5)],
        &[ctrl, 'r'],
        &[ctrl, shift, 'R'],
        &[ctrl, 'w'],
        &[ctrl, 'q'],
        &[ctrl, 'p'],
        &[ctrl, 'f'],
        &[ctrl, 'u'],
        &[ctrl, shift, 'I'],
        &[char::from(Key::F7)],
        &[char::from(Key::F11)],
        &[char::from(Key::F12)],
        &[ctrl, '='],
        &[ctrl, '+'],
        &[ctrl, '-'],
        &[ctrl, '0'],
        &[alt, char::from(Key::Left)],
        &[alt, char::from(Key::Right)],
    ];
    // In the field first, then with nothing focused (where Backspace is "back").
    for focus in ["field", "page"] {
        if focus == "page" {
            window
                .client
                .execute("document.activeElement.blur()", vec![])
                .await
                .unwrap();
            press(&window, &[char::from(Key::Backspace)]).await;
        }
        for keys in blocked {
            press(&window, keys).await;
        }
        let seen = keydowns(&window).await;
        let not_cancelled: Vec<_> = seen
            .iter()
            .filter(|(key, cancelled)| !cancelled && !["Control", "Shift", "Alt"].contains(&key.as_str()))
            .collect();
        assert!(
            not_cancelled.is_empty(),
            "{focus}: not cancelled: {not_cancelled:?} of {seen:?}"
        );
        let expected = blocked.len() + usize::from(focus == "page");
        let pressed = seen
            .iter()
            .filter(|(key, _)| !["Control", "Shift", "Alt"].contains(&key.as_str()))
            .count();
        assert_eq!(pressed, expected, "{focus}: every key reached the page: {seen:?}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(page_state(&window).await, before, "no reload, navigation or zoom");
    assert_eq!(
        window.client.windows().await.unwrap().len(),
        1,
        "the window is open"
    );
    assert_eq!(
        window
            .client
            .execute("return document.getElementById('claim-given_name').value", vec![])
            .await
            .unwrap(),
        "Megan",
        "the form was not reset"
    );

    // Typing still works in a field: Backspace deletes, Ctrl+A selects all.
    window.click("#claim-given_name").await;
    press(&window, &[char::from(Key::Backspace)]).await;
    let field = "return document.getElementById('claim-given_name').value";
    assert_eq!(window.client.execute(field, vec![]).await.unwrap(), "Mega");
    press(&window, &[ctrl, 'a']).await;
    window.type_into("#claim-given_name", "Bob").await;
    assert_eq!(window.client.execute(field, vec![]).await.unwrap(), "Bob");
    let typed = keydowns(&window).await;
    assert!(
        typed.iter().all(|(_, cancelled)| !cancelled),
        "typing was cancelled: {typed:?}"
    );

    // A right click: the page's context menu event is cancelled (and the
    // native menu is off in the WebKitGTK view itself).
    let body = window.wait_for("main").await;
    let right_click = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: body,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_RIGHT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_RIGHT,
        });
    window.client.perform_actions(right_click).await.unwrap();
    let menu = window
        .wait_until("window.seen.find((s) => s[0] === 'contextmenu')")
        .await;
    assert_eq!(menu[2], true, "the context menu was not cancelled: {menu}");

    // Ctrl+wheel zoom and dragging are cancelled; selection is off outside fields.
    let refused = window
        .client
        .execute(
            "const wheel = new WheelEvent('wheel', { ctrlKey: true, deltaY: -100, cancelable: true, bubbles: true }); \
             document.body.dispatchEvent(wheel); \
             const drag = new DragEvent('dragstart', { cancelable: true, bubbles: true }); \
             document.body.dispatchEvent(drag); \
             const field = document.getElementById('claim-given_name'); \
             return [wheel.defaultPrevented, drag.defaultPrevented, getComputedStyle(document.body).webkitUserSelect, getComputedStyle(field).webkitUserSelect];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        refused,
        serde_json::json!([true, true, "none", "text"]),
        "wheel, drag, page selection, field selection"
    );

    // window.open opens nothing.
    window
        .client
        .execute("window.open('https://example.com/', '_blank')", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(window.client.windows().await.unwrap().len(), 1, "no new window");
    assert_eq!(page_state(&window).await, before);
    window.close().await;
}

/// Asks the station's window to close as a window manager does for Alt+F4
/// or its close button: a WM_DELETE_WINDOW message (Xvfb runs none).
fn request_close() {
    let (connection, screen) = x11rb::connect(None).unwrap();
    let root = connection.setup().roots[screen].root;
    let atom = |name: &[u8]| connection.intern_atom(false, name).unwrap().reply().unwrap().atom;
    let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
    let windows = titled(&connection, root, b"Issuance Station");
    assert!(
        !windows.is_empty(),
        "no window titled Issuance Station on the display"
    );
    for window in windows {
        let message = ClientMessageEvent::new(32, window, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
        connection
            .send_event(false, window, EventMask::NO_EVENT, message)
            .unwrap();
    }
    connection.flush().unwrap();
}

/// The windows under `window` whose WM_NAME is `title`.
fn titled(connection: &impl Connection, window: u32, title: &[u8]) -> Vec<u32> {
    let name = connection
        .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 256)
        .unwrap()
        .reply()
        .unwrap();
    let mut found = Vec::new();
    if name.value == title {
        found.push(window);
    }
    for child in connection.query_tree(window).unwrap().reply().unwrap().children {
        found.extend(titled(connection, child, title));
    }
    found
}

/// Whether the app still answers within `wait`.
async fn still_open(window: &Window, wait: Duration) -> bool {
    let deadline = std::time::Instant::now() + wait;
    while std::time::Instant::now() < deadline {
        let answer =
            tokio::time::timeout(Duration::from_secs(2), window.client.execute("return 1", vec![])).await;
        if !matches!(answer, Ok(Ok(_))) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    true
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_close_request_closes_a_desk_window_but_not_a_locked_kiosk() {
    let kiosk = Window::open(Setup {
        kiosk: true,
        ..Setup::default()
    })
    .await;
    request_close();
    assert!(
        still_open(&kiosk, Duration::from_secs(2)).await,
        "the kiosk closed"
    );
    assert_eq!(kiosk.client.windows().await.unwrap().len(), 1);
    kiosk.close().await;

    // The same message closes a desk window: the kiosk's stayed open
    // because it refused, not because the message went nowhere.
    let desk = Window::open(Setup::default()).await;
    request_close();
    assert!(
        !still_open(&desk, Duration::from_secs(5)).await,
        "the desk window did not close"
    );
}
