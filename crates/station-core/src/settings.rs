//! The few settings a person edits on the Settings screen, read from and
//! written back into the config file. Everything else in the file — other
//! services, templates, comments — is left as the administrator wrote it.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml_edit::{value, DocumentMut, Item, Table};

use crate::config::{
    CameraSource, ConfigError, IssuanceTarget, ServiceKind, StationConfig, StationOptions, Template,
};

/// The service the Settings screen manages.
pub const SETTINGS_SERVICE: &str = "entra";
/// The template the Settings screen creates when the file has none for it.
const SETTINGS_TEMPLATE: &str = "badge";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StationSettings {
    pub use_sandbox: bool,
    pub tenant: String,
    pub client_id: String,
    pub authority: String,
    pub credential_type: String,
    pub manifest: String,
    pub callback_public_url: String,
    pub kiosk: bool,
    pub result_reset_secs: u32,
    /// The webcam by name; empty: the first one found (or, if the config
    /// plays pictures, the synthetic camera, which is kept).
    pub camera_device: String,
    pub camera_width: u32,
    pub camera_height: u32,
}

impl StationSettings {
    /// The settings of `config` (a station with no file runs the sandbox).
    pub fn from_config(config: Option<&StationConfig>) -> StationSettings {
        let options = config.map(|c| c.station).unwrap_or(StationOptions {
            use_sandbox: true,
            ..StationOptions::default()
        });
        let camera = config.map(|c| c.camera.clone()).unwrap_or_default();
        let mut camera_device = String::new();
        if let CameraSource::Device(Some(name)) = &camera.source {
            camera_device = name.clone();
        }
        let mut settings = StationSettings {
            use_sandbox: options.use_sandbox,
            tenant: String::new(),
            client_id: String::new(),
            authority: String::new(),
            credential_type: String::new(),
            manifest: String::new(),
            callback_public_url: String::new(),
            kiosk: options.kiosk,
            result_reset_secs: options.result_reset_secs,
            camera_device,
            camera_width: camera.width,
            camera_height: camera.height,
        };
        let Some(config) = config else { return settings };
        if let Some(ServiceKind::Entra(entra)) = config.services.get(SETTINGS_SERVICE).map(|s| &s.kind) {
            settings.tenant = entra.tenant.clone();
            settings.client_id = entra.client_id.clone();
        }
        let template = config.templates.values().find_map(|t| match t {
            Template::Issuance(t) if t.service == SETTINGS_SERVICE => Some(t),
            _ => None,
        });
        if let Some(template) = template {
            settings.credential_type = template.credential_type.clone();
            if let IssuanceTarget::Entra {
                manifest, authority, ..
            } = &template.target
            {
                settings.authority = authority.clone();
                settings.manifest = manifest.to_string();
            }
        }
        settings.callback_public_url = config
            .callback
            .public_url
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_default();
        settings
    }

    /// Writes these settings into the config file at `path` (creating it if
    /// needed), but only if the result is a valid config, which is returned.
    pub fn save(&self, path: &Path) -> Result<StationConfig, ConfigError> {
        let origin = path.display().to_string();
        let existing = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(ConfigError::Read {
                    path: origin,
                    detail: e.to_string(),
                })
            }
        };
        let mut document: DocumentMut =
            existing
                .parse()
                .map_err(|e: toml_edit::TomlError| ConfigError::Parse {
                    path: origin.clone(),
                    detail: e.to_string(),
                })?;
        self.apply(&mut document);
        let text = document.to_string();
        let config = StationConfig::from_toml(&text, &origin)?;
        write_atomically(path, &text).map_err(|e| ConfigError::Read {
            path: origin,
            detail: e.to_string(),
        })?;
        Ok(config)
    }

    fn apply(&self, document: &mut DocumentMut) {
        let station = table(document.as_table_mut(), "station");
        station["use_sandbox"] = value(self.use_sandbox);
        station["kiosk"] = value(self.kiosk);
        station["result_reset_secs"] = value(i64::from(self.result_reset_secs));

        let camera = table(document.as_table_mut(), "camera");
        match self.camera_device.trim() {
            "" => {
                camera.remove("device");
            }
            name => {
                camera.remove("pictures");
                camera["device"] = value(name);
            }
        }
        camera["width"] = value(i64::from(self.camera_width));
        camera["height"] = value(i64::from(self.camera_height));

        let callback = table(document.as_table_mut(), "callback");
        match self.callback_public_url.trim() {
            "" => {
                callback.remove("public_url");
            }
            url => callback["public_url"] = value(url),
        }

        // A sandbox station with no Entra details yet keeps none.
        if self.use_sandbox && self.tenant.trim().is_empty() && self.client_id.trim().is_empty() {
            return;
        }
        let services = table(document.as_table_mut(), "services");
        let service = table(services, SETTINGS_SERVICE);
        if !service.contains_key("kind") {
            service["kind"] = value("entra");
        }
        service["tenant"] = value(self.tenant.trim());
        service["client_id"] = value(self.client_id.trim());

        let templates = table(document.as_table_mut(), "templates");
        let managed: Vec<String> = templates
            .iter()
            .filter(|(_, item)| {
                let is_issuance = item
                    .get("kind")
                    .and_then(Item::as_str)
                    .is_none_or(|k| k == "issuance");
                is_issuance && item.get("service").and_then(Item::as_str) == Some(SETTINGS_SERVICE)
            })
            .map(|(name, _)| name.to_owned())
            .collect();
        let names = if managed.is_empty() {
            let template = table(templates, SETTINGS_TEMPLATE);
            template["display_name"] = value("Badge");
            template["service"] = value(SETTINGS_SERVICE);
            let claims = [("given_name", "First name"), ("family_name", "Last name")];
            let mut array = toml_edit::Array::new();
            for (name, label) in claims {
                let mut claim = toml_edit::InlineTable::new();
                claim.insert("name", name.into());
                claim.insert("label", label.into());
                claim.insert("required", true.into());
                array.push(claim);
            }
            template["claims"] = value(array);
            vec![SETTINGS_TEMPLATE.to_owned()]
        } else {
            managed
        };
        for name in names {
            let template = table(templates, &name);
            template["authority"] = value(self.authority.trim());
            template["credential_type"] = value(self.credential_type.trim());
            template["manifest"] = value(self.manifest.trim());
        }
    }
}

/// The table `key` of `parent`, created if absent.
fn table<'a>(parent: &'a mut Table, key: &str) -> &'a mut Table {
    let item = parent.entry(key).or_insert_with(|| Item::Table(Table::new()));
    if !item.is_table() {
        *item = Item::Table(Table::new());
    }
    match item.as_table_mut() {
        Some(table) => table,
        None => unreachable!("the item was just made a table"),
    }
}

/// A crash mid-write must not leave a half-written config behind.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}
