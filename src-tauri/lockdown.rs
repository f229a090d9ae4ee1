//! The kiosk's lockdown inside the app window. A station stands unattended
//! among strangers: one instance, optionally started at login, and a window
//! whose browser keys, context menu, text selection, drag and drop, new
//! windows and devtools do nothing, and which a close request (Alt+F4, the
//! window manager's close) does not close in kiosk mode unless staff
//! unlocked it. Navigation away is refused in `window.rs`. Shortcuts the
//! desktop itself acts on (switching to another program, a terminal) need
//! the cage deployment: an app cannot refuse them.

use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder, WindowEvent, Wry};
use tauri_plugin_autostart::ManagerExt;

use crate::state::AppState;
use crate::window::MAIN_WINDOW;

/// The page-side lockdown, injected before every page: see its header.
const PAGE_LOCKDOWN: &str = include_str!("lockdown.js");

#[derive(Debug, thiserror::Error)]
pub enum LockdownError {
    #[error("cannot {action} the start-at-login entry: {detail}. Fix: check that ~/.config/autostart is writable by the station's user, or set `start_at_login` in [station] as you want it and start again")]
    StartAtLogin { action: &'static str, detail: String },
}

/// The plugins only the real app has (the mock runtime in tests would
/// share one instance lock between test processes): a second start
/// focuses the window already open and exits, before it starts a station;
/// the login item is managed from Rust (no JS permission is granted).
pub fn plugins(builder: tauri::Builder<Wry>) -> tauri::Builder<Wry> {
    builder
        // First, so that a second instance does nothing else before it exits.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main(app)
        }))
        .plugin(tauri_plugin_autostart::Builder::new().build())
}

fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    tracing::info!("the station was started again: showing the window already open");
    let shown = window
        .unminimize()
        .and_then(|()| window.show())
        .and_then(|()| window.set_focus());
    if let Err(error) = shown {
        tracing::warn!(%error, "cannot bring the station's window to the front");
    }
}

/// Makes the login item match `wanted` (`start_at_login` in `[station]`):
/// created when asked for, removed when no longer asked for.
pub fn apply_start_at_login<R: Runtime>(app: &AppHandle<R>, wanted: bool) -> Result<(), LockdownError> {
    let launcher = app.autolaunch();
    let (action, result) = if wanted {
        ("create", launcher.enable())
    } else {
        ("remove", launcher.disable())
    };
    result.map_err(|e| LockdownError::StartAtLogin {
        action,
        detail: e.to_string(),
    })
}

/// What the window refuses before it exists: devtools outside debug
/// builds, file drops, new windows, and (by the injected script) the
/// browser's keys, context menu, selection and dragging.
pub fn lock_builder<'a, R: Runtime, M: Manager<R>>(
    builder: WebviewWindowBuilder<'a, R, M>,
) -> WebviewWindowBuilder<'a, R, M> {
    builder
        // Release builds have no devtools (tauri's `devtools` feature is
        // off); debug builds keep them for development.
        .devtools(cfg!(debug_assertions))
        .disable_drag_drop_handler()
        .initialization_script(PAGE_LOCKDOWN)
        .on_new_window(|url, _| {
            tracing::warn!(%url, "blocked a new window");
            NewWindowResponse::Deny
        })
}

/// What the open window refuses: the native context menu, and in kiosk
/// mode a close request unless staff unlocked the station.
pub fn lock_window<R: Runtime>(window: &WebviewWindow<R>, kiosk: bool) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    window.with_webview(|webview| {
        use webkit2gtk::WebViewExt;
        // true: handled, so WebKitGTK shows no menu (Reload, Inspect Element…).
        webview.inner().connect_context_menu(|_, _, _, _| true);
        crate::webkit_memory::configure(&webview.inner());
    })?;
    let app = window.app_handle().clone();
    window.on_window_event(move |event| {
        if let WindowEvent::CloseRequested { api, .. } = event {
            if !may_close(kiosk, app.state::<AppState>().staff_unlocked()) {
                tracing::warn!("refused to close the kiosk window: staff have not unlocked it");
                api.prevent_close();
            }
        }
    });
    Ok(())
}

fn may_close(kiosk: bool, staff_unlocked: bool) -> bool {
    !kiosk || staff_unlocked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_staff_close_a_kiosk() {
        assert!(may_close(false, false), "a desk window closes");
        assert!(may_close(true, true));
        assert!(!may_close(true, false));
    }

    /// Set in the child process the test below runs itself in.
    const CHILD_HOME: &str = "LOCKDOWN_TEST_HOME";

    #[test]
    fn start_at_login_creates_and_removes_the_xdg_autostart_entry() {
        let Some(home) = std::env::var_os(CHILD_HOME) else {
            // The entry goes under $HOME, which other tests of this process
            // read: the checks run in a child process with a HOME of its own.
            let home = tempfile::tempdir().unwrap();
            let output = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "lockdown::tests::start_at_login_creates_and_removes_the_xdg_autostart_entry",
                ])
                .env(CHILD_HOME, home.path())
                .env("HOME", home.path())
                .output()
                .unwrap();
            let report = String::from_utf8_lossy(&output.stdout);
            assert!(output.status.success() && report.contains("1 passed"), "{report}");
            return;
        };
        let app = tauri::test::mock_builder()
            .plugin(tauri_plugin_autostart::Builder::new().build())
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .unwrap();
        let autostart = std::path::Path::new(&home).join(".config").join("autostart");
        let entries = || -> Vec<String> {
            std::fs::read_dir(&autostart)
                .map(|dir| {
                    dir.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                        .collect()
                })
                .unwrap_or_default()
        };
        // Not asked for, and no entry yet: nothing to remove, no error.
        apply_start_at_login(app.handle(), false).unwrap();
        assert!(entries().is_empty());

        apply_start_at_login(app.handle(), true).unwrap();
        apply_start_at_login(app.handle(), true).unwrap();
        let entries_now = entries();
        assert_eq!(
            entries_now.len(),
            1,
            "one entry, however often the station starts"
        );
        let exe = std::env::current_exe().unwrap();
        assert!(
            entries_now[0].contains(&format!("Exec={}", exe.display())),
            "{}",
            entries_now[0]
        );

        apply_start_at_login(app.handle(), false).unwrap();
        assert!(entries().is_empty(), "removed once no longer asked for");
    }
}
