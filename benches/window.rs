//! Window benchmarks; prints numbers. Needs a display and tauri-driver:
//! `xvfb-run -a cargo bench -p issuance-station --bench window`
//! (FLOWS=n sets the flow count, default 50; CAMERA_ONLY=1 runs only the
//! camera's measurements).
//!
//! - callback → PIN visible: from the moment a `request_retrieved` callback
//!   is sent to the station's listener to the PIN being in the window
//!   (target p99 ≤ 50 ms), measured on one wall clock shared by this process
//!   and the page (`performance.timeOrigin`);
//! - start → Home ready: from asking WebDriver for a session (which starts
//!   the app) to the Home screen listing templates (target ≤ 1 s); includes
//!   WebKitWebDriver's own start, so it is an upper bound;
//! - camera preview: frames shown per second in the photo step with the
//!   synthetic camera at 1280×720 (`[camera] preview_fps`, 15 by default),
//!   and the CPU share of the app and its WebKit processes meanwhile
//!   (target ≤ 30% of one core);
//! - kiosk scanning: the CPU share while the attract screen looks for
//!   tickets all day, without a preview on screen and with one
//!   (`[kiosk] preview`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use station_testkit::webdriver::{Setup, Window, PREVIEW_FRAMES_SHOWN};

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}

fn report(name: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "{name:<28} n={:<4} p50={:.1} ms  p95={:.1} ms  p99={:.1} ms  max={:.1} ms",
        samples.len(),
        at(0.50),
        at(0.95),
        at(0.99),
        samples[samples.len() - 1]
    );
}

async fn mark_ms(window: &Window, name: &str) -> f64 {
    let script = format!(
        "(() => {{ const m = performance.getEntriesByName('{name}').pop(); return m ? performance.timeOrigin + m.startTime : null; }})()"
    );
    window.wait_until(&script).await.as_f64().unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let flows: usize = std::env::var("FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let http = reqwest::Client::new();
    let camera_only = std::env::var_os("CAMERA_ONLY").is_some();

    let mut starts = Vec::new();
    for _ in 0..if camera_only { 0 } else { 5 } {
        let requested = now_ms();
        let window = Window::open(Setup::default()).await;
        starts.push(mark_ms(&window, "station:home-ready").await - requested);
        window.close().await;
    }

    let window = Window::open(Setup::default()).await;
    let mut latencies = Vec::with_capacity(flows);
    for _ in 0..if camera_only { 0 } else { flows } {
        window
            .client
            .execute("performance.clearMarks('station:pin-shown'); return 1;", vec![])
            .await
            .unwrap();
        let url = window.issue_badge("Megan", "Bowen").await;
        let (request_id, body) = window.received_request(&url);
        let callback = &body["callback"];
        let payload = serde_json::json!({"requestId": request_id, "requestStatus": "request_retrieved", "state": callback["state"]});
        let sent = now_ms();
        let response = http
            .post(callback["url"].as_str().unwrap())
            .header("api-key", callback["headers"]["api-key"].as_str().unwrap())
            .json(&payload)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        latencies.push(mark_ms(&window, "station:pin-shown").await - sent);
        window.click("#cancel-flow").await;
        window
            .wait_until("!document.querySelector('[data-screen=home]').hidden")
            .await;
    }
    window.close().await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut previews = Vec::new();
    for source_fps in [30, 60] {
        previews.push((source_fps, preview(source_fps).await));
    }
    let (scanning, scanning_preview) = (scanning_cpu(false).await, scanning_cpu(true).await);

    println!("Issuance Station window benchmark (release build, Xvfb, WebKitGTK)");
    if !camera_only {
        report("callback -> PIN visible", latencies);
        report("session start -> Home ready", starts);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    for (source_fps, (fps, cpu)) in previews {
        println!(
            "camera preview 1280x720      source {source_fps} fps: shown {fps:.1} fps, CPU {:.0}% of one core ({:.0}% of {cores} cores)",
            cpu * 100.0,
            cpu * 100.0 / cores
        );
    }
    for (what, cpu) in [("no preview", scanning), ("with preview", scanning_preview)] {
        println!(
            "kiosk scanning 1280x720      source 25 fps, {what:<12}: CPU {:.0}% of one core",
            cpu * 100.0
        );
    }
}

/// The CPU (in cores) the window's processes use over 10 s while a kiosk's
/// attract screen looks for tickets in the synthetic camera's 1280×720
/// frames (none there), with or without showing them.
async fn scanning_cpu(preview: bool) -> f64 {
    const SECONDS: f64 = 10.0;
    let window = Window::open(Setup {
        kiosk: true,
        extra_toml: format!("[kiosk]\npreview = {preview}\n"),
        ..Setup::default()
    })
    .await;
    window
        .wait_until("!document.querySelector('[data-screen=attract]').hidden")
        .await;
    // The scanner's camera starts after the screen shows.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = window.cpu_seconds();
    tokio::time::sleep(Duration::from_secs_f64(SECONDS)).await;
    let cpu = (window.cpu_seconds() - before) / SECONDS;
    window.close().await;
    cpu
}

/// Frames per second shown in the photo step over 10 s, and the CPU
/// (in cores) the window's processes used meanwhile.
async fn preview(source_fps: u32) -> (f64, f64) {
    const SECONDS: f64 = 10.0;
    let window = Window::open(Setup {
        camera_fps: source_fps,
        ..Setup::default()
    })
    .await;
    window.open_photo_step("Megan").await;
    let frames = PREVIEW_FRAMES_SHOWN;
    window.wait_until(&format!("{frames} >= 10")).await;
    let (first, cpu_before) = (
        window.wait_until(frames).await.as_f64().unwrap(),
        window.cpu_seconds(),
    );
    tokio::time::sleep(Duration::from_secs_f64(SECONDS)).await;
    let (last, cpu_after) = (
        window.wait_until(frames).await.as_f64().unwrap(),
        window.cpu_seconds(),
    );
    window.close().await;
    ((last - first) / SECONDS, (cpu_after - cpu_before) / SECONDS)
}
