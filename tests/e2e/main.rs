//! The real window under Xvfb, driven through tauri-driver and
//! WebKitWebDriver, against the sandbox.
//!
//! Ignored by default: they need a display, WebKitWebDriver and
//! tauri-driver. `scripts/test.sh` installs those and runs them under
//! `xvfb-run`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a broken step stops the run, with its message

mod door;
mod issuance;
mod kiosk;
mod lockdown;
mod photo;
mod queue;
mod services;
mod staff;

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
