//! The one window: locked to the app's own pages, full screen in kiosk mode.

use tauri::{AppHandle, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::lockdown;

pub const MAIN_WINDOW: &str = "main";

/// Why the window cannot open here, if it cannot.
pub fn missing_display() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    (!has("DISPLAY") && !has("WAYLAND_DISPLAY")).then(|| {
        "no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run it under a virtual display with `xvfb-run -a bash scripts/run.sh`, or use the terminal station: `cargo run -p station`".to_owned()
    })
}

/// Only the app's bundled pages may load; a link or script cannot take the
/// kiosk to another site.
pub fn is_app_page(url: &url::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// Opens the window, locked down (see `lockdown`); in kiosk mode full
/// screen, undecorated, on top, and closed only by staff.
pub fn open_main<R: Runtime>(app: &AppHandle<R>, kiosk: bool) -> tauri::Result<()> {
    let builder = WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()));
    let window = lockdown::lock_builder(builder)
        .title("Issuance Station")
        .inner_size(1280.0, 800.0)
        .min_inner_size(420.0, 560.0)
        .fullscreen(kiosk)
        .decorations(!kiosk)
        .always_on_top(kiosk)
        .on_navigation(|url| {
            let allowed = is_app_page(url);
            if !allowed {
                tracing::warn!(%url, "blocked navigation away from the app");
            }
            allowed
        })
        .build()?;
    lockdown::lock_window(&window, kiosk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bundled_pages_are_app_pages() {
        let page = |s: &str| is_app_page(&url::Url::parse(s).unwrap());
        assert!(page("tauri://localhost/index.html"));
        assert!(page("http://tauri.localhost/index.html"));
        assert!(!page("https://example.com/"));
        assert!(!page("http://localhost:8080/"));
        assert!(!page("file:///etc/passwd"));
    }
}
