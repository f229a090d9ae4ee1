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

/// The UI imports `@tauri-apps/api` from `ui/node_modules`; a window built
/// without it (or with another version) would stay blank, so the build
/// stops and says what to run.
fn check_ui_packages() -> Result<(), String> {
    let fix = "run `npm ci --prefix ui` (scripts/install-deps.sh does)";
    let version_in = |path: &str, pointer: &str| -> Result<String, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path} ({e}): {fix}"))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{path} is not JSON ({e}): {fix}"))?;
        json.pointer(pointer)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| format!("{path} names no version at {pointer}: {fix}"))
    };
    let locked = version_in(
        "ui/package-lock.json",
        "/packages/node_modules~1@tauri-apps~1api/version",
    )?;
    let installed = version_in("ui/node_modules/@tauri-apps/api/package.json", "/version")?;
    if locked != installed {
        return Err(format!(
            "ui/node_modules has @tauri-apps/api {installed}, but ui/package-lock.json pins {locked}: {fix}"
        ));
    }
    Ok(())
}

fn main() {
    // The UI is embedded in the binary: a changed page must rebuild it.
    println!("cargo:rerun-if-changed=ui");
    if let Err(problem) = check_ui_packages() {
        panic!("{problem}");
    }
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
