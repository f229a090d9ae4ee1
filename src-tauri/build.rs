//! Turns the command list (src-tauri/command_list.rs) into one
//! `allow-<command>` permission per command and the `station-commands`
//! permission set the capability grants.

use std::path::Path;

include!("command_list.rs");

const COMMANDS: &[&str] = with_app_commands!(command_names);

const PERMISSION_SET: &str = "permissions/station-commands.toml";

fn permission_set() -> String {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .map(|command| format!("  \"allow-{}\",\n", command.replace('_', "-")))
        .collect();
    format!(
        "# Written by src-tauri/build.rs from src-tauri/command_list.rs: edit the list there.\n\n\
         [[set]]\n\
         identifier = \"station-commands\"\n\
         description = \"Every command of the station's window, and nothing else.\"\n\
         permissions = [\n{}]\n",
        permissions.concat()
    )
}

/// Rewrites `path` only when its text changes, so an unchanged list does
/// not make every build look dirty.
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text)
}

fn main() {
    // The UI is embedded in the binary: a changed page must rebuild it.
    println!("cargo:rerun-if-changed=ui");
    println!("cargo:rerun-if-changed=src-tauri/command_list.rs");
    println!("cargo:rerun-if-changed=src-tauri/build.rs");
    if let Err(error) = write_if_changed(Path::new(PERMISSION_SET), &permission_set()) {
        panic!("could not write {PERMISSION_SET}: {error}");
    }
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
