//! Generates one `allow-<command>` permission per app command, so the
//! capability file can grant exactly the commands the UI uses.

const COMMANDS: &[&str] = &[
    "station_info",
    "check_claims",
    "start_issuance",
    "start_verification",
    "follow_flow",
    "cancel_flow",
    "forget_flow",
    "history",
    "history_timeline",
    "get_settings",
    "save_settings",
    "test_connection",
    "wallet_action",
    "camera_start",
    "camera_frame_shown",
    "list_cameras",
    "camera_stop",
    "capture_photo",
    "discard_photo",
    "phone_photo_start",
    "sandbox_phone_photo",
];

fn main() {
    // The UI is embedded in the binary: a changed page must rebuild it.
    println!("cargo:rerun-if-changed=ui");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
