//! Writes the staff PIN's hash into the config file (`[staff] pin_hash`),
//! keeping everything else in it as it was, comments included. Used by
//! `station staff set-pin` and by Settings' "Change staff PIN".

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table};

use super::PinHash;
use crate::config::{ConfigError, StationConfig};
use crate::settings::{read_if_present, write_atomically};

/// A station without a config file runs the sandbox; a file that only held
/// the PIN would not (it names no service), so a new file says so.
const NEW_FILE: &str =
    "# Written by `station staff set-pin`: the sandbox, with a staff PIN.\n[station]\nuse_sandbox = true\n";

/// Sets `[staff] pin_hash` in the file at `path` (creating it if needed),
/// but only if the result is a valid config; otherwise the file stays as
/// it was and the error names what to fix.
pub fn write_pin_hash(path: &Path, hash: &PinHash) -> Result<(), ConfigError> {
    let origin = path.display().to_string();
    let existing = read_if_present(path)?.unwrap_or_else(|| NEW_FILE.to_owned());
    let mut document: DocumentMut =
        existing
            .parse()
            .map_err(|e: toml_edit::TomlError| ConfigError::Parse {
                path: origin.clone(),
                detail: e.to_string(),
            })?;
    let root = document.as_table_mut();
    if !root.get("staff").is_some_and(Item::is_table) {
        root.insert("staff", Item::Table(Table::new()));
    }
    if let Some(staff) = root.get_mut("staff").and_then(Item::as_table_mut) {
        staff.insert("pin_hash", toml_edit::value(hash.as_str()));
    }
    let text = document.to_string();
    StationConfig::from_toml(&text, &origin)?;
    write_atomically(path, &text).map_err(|e| ConfigError::Write {
        path: origin,
        detail: e.to_string(),
    })
}
