//! The Issuance Station window: a thin Tauri shell around the engine.
//!
//! It starts the station (configured services or the sandbox), opens one
//! locked-down window on the web UI in `ui/`, forwards each flow's state to
//! the UI as `flow://<id>/state` events and the queue's changes as
//! `queue-changed` and `connection-changed` (with a notification when a
//! job is ready), and exposes a few commands that convert arguments and
//! call the engine.

#[macro_use]
mod command_list;

mod background;
mod camera;
mod commands;
mod connection;
mod error;
mod forward;
mod l10n;
mod lockdown;
mod queue_events;
mod staff_gate;
mod state;
mod view;
#[cfg(target_os = "linux")]
mod webkit_memory;
mod window;

use std::process::ExitCode;

use station_core::config::{default_data_dir, ConfigLocation};
use tauri::{Manager, Runtime};

pub use error::AppError;
pub use state::AppState;
pub use view::FlowView;

/// Command-line options of the window app.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LaunchOptions {
    /// `--kiosk`: full screen, undecorated, on top.
    pub kiosk: bool,
}

impl LaunchOptions {
    fn parse(args: impl Iterator<Item = String>) -> Result<LaunchOptions, String> {
        let mut options = LaunchOptions::default();
        for arg in args {
            match arg.as_str() {
                "--kiosk" => options.kiosk = true,
                other => return Err(format!("unknown option '{other}'; the window app takes only --kiosk (the terminal tool is `station`)")),
            }
        }
        Ok(options)
    }
}

macro_rules! invoke_handler {
    ($($command:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$command),*]
    };
}

/// Every command the window offers, by name.
pub const COMMANDS: &[&str] = with_app_commands!(command_names);

/// Adds the app's state and commands to `builder`, for any runtime (the
/// real window, or the mock runtime in tests).
pub fn configure<R: Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        // Registered for every runtime: a notification sent from Rust
        // needs the plugin's state.
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .manage(camera::PhotoDesk::default())
        .manage(commands::KioskDesk::default())
        .manage(l10n::Words::default())
        .invoke_handler(with_app_commands!(invoke_handler))
}

pub fn run() -> ExitCode {
    // A station shows forms and a QR code: WebKitGTK's accelerated
    // compositing buys nothing here and costs ~75 MB in the web process.
    // Set before GTK starts any thread; an explicit setting wins.
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    // Held until the process ends: it writes the log file's last lines.
    let _logging = station_launch::init_logging();
    let options = match LaunchOptions::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("issuance-station: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(message) = window::missing_display() {
        eprintln!("issuance-station: {message}");
        return ExitCode::from(1);
    }
    let state = AppState::new(ConfigLocation::find(None), default_data_dir()).with_kiosk(options.kiosk);
    let app = configure(lockdown::plugins(tauri::Builder::default()), state)
        .setup(move |app| {
            let state = app.state::<AppState>();
            tauri::async_runtime::block_on(state.start());
            queue_events::follow(app.handle().clone());
            let kiosk = state.options().kiosk;
            window::open_main(app.handle(), kiosk)?;
            if let Err(error) = lockdown::apply_start_at_login(app.handle(), state.options().start_at_login) {
                tracing::warn!(%error, "start at login is not as configured");
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("issuance-station: the window could not start: {error}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kiosk_is_accepted() {
        let parse = |args: &[&str]| LaunchOptions::parse(args.iter().map(|s| s.to_string()));
        assert_eq!(parse(&[]), Ok(LaunchOptions { kiosk: false }));
        assert_eq!(parse(&["--kiosk"]), Ok(LaunchOptions { kiosk: true }));
        assert!(parse(&["--full"]).unwrap_err().contains("--kiosk"));
    }
}
