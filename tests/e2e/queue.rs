//! The offline queue, end to end: the credential service goes away, an
//! issuance is queued (not failed) and the banner says so; the service
//! comes back and, with no one touching the station, the job becomes ready
//! to call; staff start it from the Queue screen and the wallet takes it.
//!
//! The service is a standalone `station sandbox` process, so the test can
//! kill it and start it again on the same port, as a network would vanish
//! and return.
//!
//! And the roster: a person found as staff type, picked with the keyboard,
//! is issued a template once; again only with a reason.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use station_testkit::net::free_port;
use station_testkit::webdriver::{Setup, Window};

use super::save_screenshot;

/// The `station` command (crates/station-cli), built next to the app.
pub(crate) fn station_binary() -> PathBuf {
    let test = std::env::current_exe().unwrap();
    let dir = test
        .parent()
        .and_then(std::path::Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let binary = dir.join(format!("station{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.is_file(),
        "{} is not built: run `cargo build -p station` first (scripts/test.sh builds it)",
        binary.display()
    );
    binary
}

/// `station sandbox --bind 127.0.0.1:<port>`, in a process of its own.
pub(crate) struct StandaloneSandbox {
    process: Child,
}

impl StandaloneSandbox {
    /// Starts it and waits until it accepts connections.
    pub(crate) fn start(port: u16) -> StandaloneSandbox {
        let process = Command::new(station_binary())
            .args(["sandbox", "--bind", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let sandbox = StandaloneSandbox { process };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the sandbox never listened on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        sandbox
    }

    /// As a network going away: no goodbye, the port closes at once.
    pub(crate) fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Drop for StandaloneSandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls `script` (a JS expression) for up to `limit`; returns its value
/// once truthy. The queue's drain backs off between attempts, so "ready"
/// may take longer than the window's usual 20 seconds.
pub(crate) async fn eventually(window: &Window, script: &str, limit: Duration) -> serde_json::Value {
    let deadline = Instant::now() + limit;
    loop {
        let wrapped = format!("const value = ({script}); return value === undefined ? null : value;");
        let value = window.client.execute(&wrapped, vec![]).await.unwrap();
        if !(value.is_null() || value == false || value == "") {
            return value;
        }
        assert!(Instant::now() < deadline, "never true within {limit:?}: {script}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A screenshot of a page where nothing moves. WebKitWebDriver's
/// screenshot waits for the page to paint again, which a still page (no
/// countdown, no camera preview) does not do; so a dot in a corner, almost
/// transparent, blinks for a moment after the screenshot is asked for.
pub(crate) async fn screenshot_still_page(window: &Window) -> Vec<u8> {
    const BLINK: &str = "const dot = document.createElement('div');
        dot.style.cssText = 'position:fixed;right:0;bottom:0;width:2px;height:2px;background:rgba(0,0,0,0.02)';
        let blinks = 0;
        const timer = setInterval(() => {
          if (dot.isConnected) dot.remove(); else document.body.append(dot);
          if (++blinks > 40) { clearInterval(timer); dot.remove(); }
        }, 50);
        return null;";
    window.client.execute(BLINK, vec![]).await.unwrap();
    window.client.screenshot().await.unwrap()
}

/// The banner's line `id`, once it says something.
const BANNER_LINE: &str = "(id) => document.getElementById(id)?.textContent";

pub(crate) fn banner_line(id: &str) -> String {
    format!("({BANNER_LINE})({id:?})")
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn an_issuance_without_network_is_queued_then_ready_by_itself_then_issued_from_the_queue() {
    let port = free_port();
    let service = StandaloneSandbox::start(port);
    let window = Window::open(Setup {
        service_url: Some(format!("http://127.0.0.1:{port}")),
        result_reset_secs: 600,
        ..Setup::default()
    })
    .await;

    // The network goes away; staff issue a badge anyway.
    service.kill();
    window.click("[data-template=badge]").await;
    window.type_into("#claim-given_name", "Megan").await;
    window.type_into("#claim-family_name", "Bowen").await;
    window
        .wait_until("document.getElementById('claim-family_name').getAttribute('aria-invalid') === 'false'")
        .await;
    window.click("#create-request").await;

    // Queued, not failed; the banner says so on every screen.
    assert_eq!(window.text("#result-title").await, "Queued");
    let detail = window.text("#result-detail").await;
    assert!(
        detail.contains("No network — Megan Bowen's Event badge is queued; the station will send it when the network returns"),
        "{detail}"
    );
    let offline = eventually(&window, &banner_line("banner-offline"), Duration::from_secs(20)).await;
    let offline = offline.as_str().unwrap();
    assert!(
        offline.starts_with("Offline — the credential service cannot be reached."),
        "{offline}"
    );
    assert!(offline.contains("1 issuance queued"), "{offline}");
    save_screenshot("queued-banner.png", &screenshot_still_page(&window).await);

    // The network returns; nobody touches the station.
    let _service = StandaloneSandbox::start(port);
    let ready = eventually(&window, &banner_line("banner-ready"), Duration::from_secs(120)).await;
    assert!(
        ready.as_str().unwrap().contains("1 ready: call Megan Bowen"),
        "{ready}"
    );
    window
        .wait_until("!document.getElementById('banner-offline')")
        .await;

    // Staff call her to the desk and start it from the Queue screen.
    window.click("#banner-ready [data-go=queue]").await;
    let start = "tr[data-status=ready] [data-action=start]";
    window.wait_for(start).await;
    save_screenshot("queue-screen.png", &screenshot_still_page(&window).await);
    assert!(window.text("tr[data-status=ready]").await.contains("Megan Bowen"));
    window.click(start).await;
    window.request_url().await;
    window.accept_in_window_wallet().await;
    assert_eq!(window.text("#result-title").await, "Issued");

    // The Queue screen shows it done.
    window.click("#result-done").await;
    window.click("nav [data-go=queue]").await;
    window.click("[data-filter=done]").await;
    let done = window.text("tr[data-status=done]").await;
    assert!(done.contains("Megan Bowen") && done.contains("Done"), "{done}");
    window.close().await;
}

/// Imports `csv` into the window's roster for `template` with `station
/// roster import`, as staff would from a terminal while the station runs,
/// then reloads the page, which reads the station's info (and so learns
/// the roster has people) again.
pub(crate) async fn import_roster(window: &Window, template: &str, csv: &str) {
    let config = window.config_path();
    let data_dir = config.parent().unwrap();
    let file = data_dir.join("attendees.csv");
    std::fs::write(&file, csv).unwrap();
    let output = Command::new(station_binary())
        .arg("--config")
        .arg(&config)
        .args(["roster", "import"])
        .arg(&file)
        .args(["--template", template])
        .env("STATION_DATA_DIR", data_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    window
        .client
        .execute("location.reload(); return null;", vec![])
        .await
        .unwrap();
    window
        .wait_until("document.readyState === 'complete' && document.querySelector('#issue-templates button')")
        .await;
}

/// WebDriver's codes for the ↓ and Enter keys.
const ARROW_DOWN: &str = "\u{E015}";
const ENTER: &str = "\u{E007}";

/// In the recipient step, types `text` into the roster search and picks
/// the first person found with the keyboard.
async fn pick_from_roster(window: &Window, text: &str) -> String {
    window.type_into("#roster-search", text).await;
    let found = window.text("#roster-option-0").await;
    let search = window.wait_for("#roster-search").await;
    search.send_keys(ARROW_DOWN).await.unwrap();
    window
        .wait_until("document.getElementById('roster-search').getAttribute('aria-activedescendant') === 'roster-option-0'")
        .await;
    search.send_keys(ENTER).await.unwrap();
    window
        .wait_until("!document.getElementById('roster-picked').hidden")
        .await;
    found
}

#[tokio::test]
#[ignore = "needs a display, WebKitWebDriver and tauri-driver: run by scripts/test.sh"]
async fn a_roster_person_is_found_as_staff_type_and_issued_again_only_with_a_reason() {
    let window = Window::open(Setup {
        result_reset_secs: 600,
        ..Setup::default()
    })
    .await;
    import_roster(
        &window,
        "badge",
        "id,given_name,family_name\nT-1001,Megan,Bowen\nT-1002,Alex,Wilber\n",
    )
    .await;

    // Picked with the keyboard: the form is filled in, and she is issued the badge.
    window.click("[data-template=badge]").await;
    let found = pick_from_roster(&window, "meg bo").await;
    assert!(
        found.contains("Megan Bowen") && !found.contains("already issued"),
        "{found}"
    );
    let filled = window
        .client
        .execute(
            "return [document.getElementById('claim-given_name').value, document.getElementById('claim-family_name').value]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(filled, serde_json::json!(["Megan", "Bowen"]));
    window.click("#create-request").await;
    window.request_url().await;
    window.accept_in_window_wallet().await;
    assert_eq!(window.text("#result-title").await, "Issued");
    window.click("#result-done").await;

    // The second time she has it: the station asks for a reason first.
    window.click("[data-template=badge]").await;
    let found = pick_from_roster(&window, "megan").await;
    assert!(found.contains("already issued"), "{found}");
    window.click("#create-request").await;
    let refusal = window.text("#override-reason-error").await;
    assert!(refusal.contains("Issue it again"), "{refusal}");
    window.click("#override-issue").await;
    window.click("#create-request").await;
    assert_eq!(
        window.text("#override-reason-error").await,
        "Say why it is issued again."
    );
    window.type_into("#override-reason", "lost her phone").await;
    save_screenshot("roster-override.png", &screenshot_still_page(&window).await);
    window.click("#create-request").await;
    window.request_url().await;
    window.close().await;
}
